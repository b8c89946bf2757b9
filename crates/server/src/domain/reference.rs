//! Reference data for the console, customer look-up, the audit log and configuration:
//! the reads and writes behind the small routes.

use crate::db::audit::{self, Subject};
use crate::db::catalogue;
use crate::domain::user::User;
use crate::error::ServerError;
use deadpool_postgres::Pool;
use tideline_core::{CustomerId, Identity};
use tideline_sync::protocol::{AuditPage, ClosureCodeDef, CustomerRef, Reference, UserRef};

pub async fn reference(pool: &Pool, user: &User) -> Result<Reference, ServerError> {
    let client = pool.get().await?;
    let queues = client
        .query(
            "SELECT DISTINCT q FROM (
                 SELECT queue AS q FROM cases WHERE tenant_id = $1
                 UNION SELECT unnest(queues) FROM users WHERE tenant_id = $1) x ORDER BY q",
            &[&user.tenant],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let people = client
        .query(
            "SELECT username, display_name FROM users WHERE tenant_id = $1 AND NOT disabled ORDER BY display_name",
            &[&user.tenant],
        )
        .await?
        .iter()
        .map(|r| UserRef { username: r.get(0), display_name: r.get(1) })
        .collect();
    let closure_codes = catalogue::load(&**client, &user.tenant).await?;
    Ok(Reference { queues, people, closure_codes })
}

/// Customers holding any of `candidates`, each once.
pub async fn find_customers(
    pool: &Pool,
    user: &User,
    candidates: &[Identity],
) -> Result<Vec<CustomerRef>, ServerError> {
    let client = pool.get().await?;
    let mut found: Vec<CustomerRef> = Vec::new();
    for c in candidates {
        let rows = client
            .query(
                "SELECT c.id, c.doc->>'name' FROM identities i
                 JOIN customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
                 WHERE i.tenant_id = $1 AND i.kind = $2 AND i.value = $3",
                &[&user.tenant, &c.kind().as_str(), &c.value()],
            )
            .await?;
        for r in rows {
            let id = CustomerId(r.get(0));
            if !found.iter().any(|f| f.id == id) {
                found.push(CustomerRef { id, name: r.get::<_, Option<String>>(1).unwrap_or_default() });
            }
        }
    }
    Ok(found)
}

pub async fn audit_page(
    pool: &Pool,
    user: &User,
    before: Option<i64>,
    customer: Option<CustomerId>,
    limit: usize,
) -> Result<AuditPage, ServerError> {
    if !user.role.reads_audit() {
        return Err(ServerError::Forbidden("Only team leads and admins can read the audit log.".into()));
    }
    let client = pool.get().await?;
    audit::page(&**client, &user.tenant, before, customer, limit).await
}

pub async fn set_closure_codes(pool: &Pool, user: &User, defs: &[ClosureCodeDef]) -> Result<(), ServerError> {
    if !user.role.configures() {
        return Err(ServerError::Forbidden("Only admins can change the closure codes.".into()));
    }
    catalogue::validate(defs).map_err(ServerError::BadInput)?;
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    catalogue::save(&*tx, &user.tenant, defs).await?;
    let codes: Vec<&str> = defs.iter().map(|d| d.code.as_str()).collect();
    let detail = format!("closure codes: {}", codes.join(", "));
    audit::record(&*tx, &user.tenant, &user.username, "configure", Subject::default(), &detail).await?;
    tx.commit().await?;
    Ok(())
}
