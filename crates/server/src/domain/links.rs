//! Identity changes pushed by agents: `LinkIdentity`, `CreateCustomer` and
//! `UnlinkIdentity`. A link gives the touchpoint's identity to the customer and attaches
//! every unlinked touchpoint from that identity; an unlink undoes the latest link and
//! sends those touchpoints back to the unlinked list. Each emits changes for the
//! customer and every touched touchpoint. Any signed-in user may link or create: unlinked
//! touchpoints are shared work, and the customer then stays in the user's scope. A link
//! is undone only by the user who made it or by a team lead or admin. The caller holds
//! the tenant's identity lock.

use crate::db::changes::{ChangeBatch, Kind, NewChange};
use crate::domain::user::User;
use crate::error::ServerError;
use jiff::Timestamp;
use tideline_core::customer::customer_name;
use tideline_core::{Customer, CustomerId, Identity, Touchpoint, TouchpointId};
use tideline_sync::protocol::Outcome;
use tokio_postgres::Transaction;

fn rejected(message: String) -> Result<Outcome, ServerError> {
    Ok(Outcome::Rejected { message })
}

/// A touchpoint that may be linked, and its identity; or why not.
async fn linkable(
    tx: &Transaction<'_>,
    tenant: &str,
    tp: TouchpointId,
) -> Result<Result<Identity, String>, ServerError> {
    let row = tx.query_opt("SELECT doc FROM touchpoints WHERE tenant_id = $1 AND id = $2", &[&tenant, &tp.0]).await?;
    let Some(row) = row else { return Ok(Err(format!("There is no touchpoint {tp}."))) };
    let touchpoint: Touchpoint = serde_json::from_value(row.get(0))?;
    if let Some(owner) = touchpoint.customer_id {
        return Ok(Err(format!("{tp} is already linked to {owner}.")));
    }
    let Some(identity) = touchpoint.identity else {
        return Ok(Err(format!("{tp} came without a phone number, address or handle, so there is nothing to link.")));
    };
    let owner = tx
        .query_opt(
            "SELECT customer_id FROM identities WHERE tenant_id = $1 AND kind = $2 AND value = $3",
            &[&tenant, &identity.kind().as_str(), &identity.value()],
        )
        .await?;
    if let Some(o) = owner {
        return Ok(Err(format!("{identity} already belongs to {}.", CustomerId(o.get(0)))));
    }
    Ok(Ok(identity))
}

async fn load_customer(tx: &Transaction<'_>, tenant: &str, id: CustomerId) -> Result<Option<Customer>, ServerError> {
    let row = tx.query_opt("SELECT doc FROM customers WHERE tenant_id = $1 AND id = $2", &[&tenant, &id.0]).await?;
    row.map(|r| serde_json::from_value(r.get(0)).map_err(ServerError::from)).transpose()
}

async fn save_customer(
    tx: &Transaction<'_>,
    changes: &mut ChangeBatch,
    tenant: &str,
    c: &Customer,
) -> Result<(), ServerError> {
    let doc = serde_json::to_value(c)?;
    tx.execute(
        "INSERT INTO customers (tenant_id, id, doc) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, id) DO UPDATE SET doc = excluded.doc, pos = NULL",
        &[&tenant, &c.id.0, &doc],
    )
    .await?;
    changes.push(NewChange { kind: Kind::Customer, record_id: c.id.0, customer_id: Some(c.id.0), queue: None, doc });
    Ok(())
}

fn touchpoint_changes(changes: &mut ChangeBatch, rows: &[tokio_postgres::Row], customer: Option<CustomerId>) {
    for r in rows {
        changes.push(NewChange {
            kind: Kind::Touchpoint,
            record_id: r.get(0),
            customer_id: customer.map(|c| c.0),
            queue: None,
            doc: r.get(1),
        });
    }
}

/// Gives `identity` to `customer` and attaches its unlinked touchpoints.
async fn attach(
    tx: &Transaction<'_>,
    changes: &mut ChangeBatch,
    user: &User,
    identity: Identity,
    mut customer: Customer,
) -> Result<(), ServerError> {
    let tenant = user.tenant.as_str();
    let (kind, value) = (identity.kind().as_str(), identity.value());
    tx.execute(
        "INSERT INTO identities (tenant_id, kind, value, customer_id) VALUES ($1, $2, $3, $4)",
        &[&tenant, &kind, &value, &customer.id.0],
    )
    .await?;
    let link_id: i64 = tx
        .query_one(
            "INSERT INTO identity_links (tenant_id, kind, value, customer_id, linked_by) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
            &[&tenant, &kind, &value, &customer.id.0, &user.username],
        )
        .await?
        .get(0);
    let rows = tx
        .query(
            "UPDATE touchpoints SET customer_id = $4, link_id = $5, pos = NULL,
                 doc = jsonb_set(doc, '{customer_id}', to_jsonb($4::bigint))
             WHERE tenant_id = $1 AND customer_id IS NULL AND identity_kind = $2 AND identity_value = $3
             RETURNING id, doc",
            &[&tenant, &kind, &value, &customer.id.0, &link_id],
        )
        .await?;
    touchpoint_changes(changes, &rows, Some(customer.id));
    keep_in_scope(tx, user, customer.id).await?;
    customer.identities.push(identity);
    save_customer(tx, changes, tenant, &customer).await
}

/// The customer an agent linked to stays in their scope, as if they had opened it.
async fn keep_in_scope(tx: &Transaction<'_>, user: &User, customer: CustomerId) -> Result<(), ServerError> {
    tx.execute(
        "INSERT INTO opened_customers (user_id, customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&user.id, &customer.0],
    )
    .await?;
    Ok(())
}

pub async fn link(
    tx: &Transaction<'_>,
    changes: &mut ChangeBatch,
    user: &User,
    tp: TouchpointId,
    customer_id: CustomerId,
) -> Result<Outcome, ServerError> {
    let tenant = user.tenant.as_str();
    let Some(customer) = load_customer(tx, tenant, customer_id).await? else {
        return rejected(format!("There is no customer {customer_id}."));
    };
    let identity = match linkable(tx, tenant, tp).await? {
        Ok(i) => i,
        Err(m) => return rejected(m),
    };
    attach(tx, changes, user, identity, customer).await?;
    Ok(Outcome::Applied { customer_id: Some(customer_id), notice: None })
}

pub async fn create_customer(
    tx: &Transaction<'_>,
    changes: &mut ChangeBatch,
    user: &User,
    tp: TouchpointId,
    name: &str,
    now: Timestamp,
) -> Result<Outcome, ServerError> {
    let tenant = user.tenant.as_str();
    let name = match customer_name(name) {
        Ok(n) => n,
        Err(e) => return rejected(format!("The customer was not created: {e}.")),
    };
    let identity = match linkable(tx, tenant, tp).await? {
        Ok(i) => i,
        Err(m) => return rejected(m),
    };
    let id: i64 = tx.query_one("SELECT nextval('customer_ids')", &[]).await?.get(0);
    let customer = Customer { id: CustomerId(id), name, identities: Vec::new(), created_at: now };
    attach(tx, changes, user, identity, customer).await?;
    Ok(Outcome::Applied { customer_id: Some(CustomerId(id)), notice: None })
}

pub async fn unlink(
    tx: &Transaction<'_>,
    changes: &mut ChangeBatch,
    user: &User,
    identity: &Identity,
    customer_id: CustomerId,
) -> Result<Outcome, ServerError> {
    let tenant = user.tenant.as_str();
    let (kind, value) = (identity.kind().as_str(), identity.value());
    let Some(mut customer) = load_customer(tx, tenant, customer_id).await? else {
        return rejected(format!("There is no customer {customer_id}."));
    };
    let link = tx
        .query_opt(
            "SELECT id, linked_by FROM identity_links
             WHERE tenant_id = $1 AND kind = $2 AND value = $3 AND customer_id = $4 AND undone_at IS NULL
             ORDER BY id DESC LIMIT 1",
            &[&tenant, &kind, &value, &customer_id.0],
        )
        .await?;
    let Some(link) = link else {
        return rejected(format!(
            "{identity} was not linked to {customer_id} by an agent, so there is no link to undo."
        ));
    };
    let (link_id, linked_by): (i64, String) = (link.get(0), link.get(1));
    if linked_by != user.username && !user.role.sees_everything() {
        return rejected(format!(
            "Only {linked_by}, who linked {identity} to {customer_id}, or a team lead can undo that link."
        ));
    }
    tx.execute(
        "DELETE FROM identities WHERE tenant_id = $1 AND kind = $2 AND value = $3 AND customer_id = $4",
        &[&tenant, &kind, &value, &customer_id.0],
    )
    .await?;
    tx.execute(
        "UPDATE identity_links SET undone_at = now(), undone_by = $2 WHERE id = $1",
        &[&link_id, &user.username],
    )
    .await?;
    let rows = tx
        .query(
            "UPDATE touchpoints SET customer_id = NULL, case_id = NULL, link_id = NULL, pos = NULL,
                 doc = doc || '{\"customer_id\": null, \"case_id\": null}'::jsonb
             WHERE link_id = $1 RETURNING id, doc",
            &[&link_id],
        )
        .await?;
    touchpoint_changes(changes, &rows, None);
    customer.identities.retain(|i| i != identity);
    save_customer(tx, changes, tenant, &customer).await?;
    Ok(Outcome::Applied { customer_id: Some(customer_id), notice: None })
}
