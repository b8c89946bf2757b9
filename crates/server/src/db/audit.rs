//! The audit log: who did what, when, to which case or customer. Append-only: a trigger
//! in the schema refuses UPDATE, DELETE and TRUNCATE.

use crate::error::ServerError;
use jiff::Timestamp;
use std::time::SystemTime;
use tideline_core::{CaseId, CustomerId};
use tideline_sync::protocol::{AuditEntry, AuditPage};
use tokio_postgres::GenericClient;

/// What an entry is about.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject {
    pub case_id: Option<CaseId>,
    pub customer_id: Option<CustomerId>,
}

pub async fn record<C: GenericClient>(
    client: &C,
    tenant: &str,
    actor: &str,
    action: &str,
    subject: Subject,
    detail: &str,
) -> Result<(), ServerError> {
    client
        .execute(
            "INSERT INTO audit_log (tenant_id, actor, action, case_id, customer_id, detail)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&tenant, &actor, &action, &subject.case_id.map(|c| c.0), &subject.customer_id.map(|c| c.0), &detail],
        )
        .await?;
    Ok(())
}

/// Newest first, entries older than `before` (if given), only those about `customer`
/// (if given): "who opened this customer's history?".
pub async fn page<C: GenericClient>(
    client: &C,
    tenant: &str,
    before: Option<i64>,
    customer: Option<CustomerId>,
    limit: usize,
) -> Result<AuditPage, ServerError> {
    let rows = client
        .query(
            "SELECT id, at, actor, action, case_id, customer_id, detail FROM audit_log
             WHERE tenant_id = $1 AND id < coalesce($2, 9223372036854775807)
               AND ($3::bigint IS NULL OR customer_id = $3)
             ORDER BY id DESC LIMIT $4",
            &[&tenant, &before, &customer.map(|c| c.0), &(limit as i64)],
        )
        .await?;
    let entries = rows
        .iter()
        .map(|r| {
            let at: SystemTime = r.get(1);
            Ok(AuditEntry {
                id: r.get(0),
                at: Timestamp::try_from(at).map_err(|e| ServerError::Corrupt(e.to_string()))?,
                actor: r.get(2),
                action: r.get(3),
                case_id: r.get::<_, Option<i64>>(4).map(CaseId),
                customer_id: r.get::<_, Option<i64>>(5).map(CustomerId),
                detail: r.get(6),
            })
        })
        .collect::<Result<Vec<_>, ServerError>>()?;
    let next = (entries.len() == limit).then(|| entries.last().map(|e| e.id)).flatten();
    Ok(AuditPage { entries, next })
}
