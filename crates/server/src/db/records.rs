//! Writing records (cases, case events, touchpoints) together with their change rows:
//! the one place ingestion and outbound delivery save what they made. Pushes keep
//! their own writer (`domain::push`), which also settles the traffic cop.

use crate::db::changes::{ChangeBatch, Kind, NewChange};
use crate::error::ServerError;
use tideline_core::{Case, CaseEvent, Touchpoint};
use tokio_postgres::GenericClient;

/// Inserts or replaces a case.
pub async fn save_case<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    case: &Case,
) -> Result<(), ServerError> {
    let doc = serde_json::to_value(case)?;
    tx.execute(
        "INSERT INTO cases (tenant_id, id, customer_id, queue, assignee, status, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, id) DO UPDATE SET queue = excluded.queue, assignee = excluded.assignee,
             status = excluded.status, doc = excluded.doc, pos = NULL",
        &[&tenant, &case.id.0, &case.customer_id.0, &case.queue, &case.assignee, &case.status.as_str(), &doc],
    )
    .await?;
    changes.push(NewChange {
        kind: Kind::Case,
        record_id: case.id.0,
        customer_id: Some(case.customer_id.0),
        queue: Some(case.queue.clone()),
        doc,
    });
    Ok(())
}

/// Appends an event of `case`.
pub async fn add_event<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    case: &Case,
    event: &CaseEvent,
) -> Result<i64, ServerError> {
    let doc = serde_json::to_value(event)?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO case_events (tenant_id, case_id, customer_id, actor, doc) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
            &[&tenant, &event.case_id.0, &event.customer_id.0, &event.actor.to_string(), &doc],
        )
        .await?
        .get(0);
    changes.push(NewChange {
        kind: Kind::Event,
        record_id: id,
        customer_id: Some(case.customer_id.0),
        queue: Some(case.queue.clone()),
        doc,
    });
    Ok(id)
}

/// Inserts or replaces a touchpoint. `queue` is its case's queue, if it has a case.
pub async fn save_touchpoint<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    t: &Touchpoint,
    queue: Option<&str>,
) -> Result<(), ServerError> {
    t.validate().map_err(|e| ServerError::BadInput(format!("the touchpoint is not valid: {e}")))?;
    let doc = serde_json::to_value(t)?;
    let (kind, value) = match &t.identity {
        Some(i) => (Some(i.kind().as_str()), Some(i.value())),
        None => (None, None),
    };
    tx.execute(
        "INSERT INTO touchpoints (tenant_id, id, customer_id, case_id, identity_kind, identity_value, doc)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, id) DO UPDATE SET customer_id = excluded.customer_id, case_id = excluded.case_id,
             doc = excluded.doc, pos = NULL",
        &[&tenant, &t.id.0, &t.customer_id.map(|c| c.0), &t.case_id.map(|c| c.0), &kind, &value, &doc],
    )
    .await?;
    changes.push(NewChange {
        kind: Kind::Touchpoint,
        record_id: t.id.0,
        customer_id: t.customer_id.map(|c| c.0),
        queue: queue.map(str::to_string),
        doc,
    });
    Ok(())
}

pub async fn load_touchpoint<C: GenericClient>(
    tx: &C,
    tenant: &str,
    id: i64,
) -> Result<Option<Touchpoint>, ServerError> {
    let row = tx.query_opt("SELECT doc FROM touchpoints WHERE tenant_id = $1 AND id = $2", &[&tenant, &id]).await?;
    row.map(|r| serde_json::from_value(r.get(0)).map_err(ServerError::from)).transpose()
}

pub async fn load_case<C: GenericClient>(tx: &C, tenant: &str, id: i64) -> Result<Option<Case>, ServerError> {
    let row = tx.query_opt("SELECT doc FROM cases WHERE tenant_id = $1 AND id = $2", &[&tenant, &id]).await?;
    row.map(|r| serde_json::from_value(r.get(0)).map_err(ServerError::from)).transpose()
}
