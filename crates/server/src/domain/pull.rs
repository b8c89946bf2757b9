//! `GET /v1/pull` and `GET /v1/customers/{id}/history`.
//!
//! Both read in one REPEATABLE READ, read-only transaction: first `head`, then rows at or
//! below it. Since positions are allocated under the tenant row lock held to commit (see
//! [`crate::db::changes`]), every position at or below that `head` has committed in the
//! snapshot, so returning `cursor = head` after a short page skips nothing.

use crate::db::audit::{self, Subject};
use crate::db::changes::change_from_row;
use crate::domain::scope::AGENT_VISIBLE;
use crate::domain::user::User;
use crate::error::ServerError;
use deadpool_postgres::Pool;
use tideline_core::CustomerId;
use tideline_sync::protocol::{MAX_PULL_PAGE, PullResponse};
use tokio_postgres::IsolationLevel;

/// The page size when the client names none.
pub const DEFAULT_PAGE: usize = 1_000;

pub fn page_size(limit: Option<usize>) -> usize {
    limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PULL_PAGE)
}

fn response(rows: &[tokio_postgres::Row], limit: usize, head: i64) -> Result<PullResponse, ServerError> {
    let changes = rows.iter().map(change_from_row).collect::<Result<Vec<_>, _>>()?;
    let more = changes.len() == limit;
    let cursor = if more { changes.last().map_or(head, |c| c.pos) } else { head };
    Ok(PullResponse { changes, cursor, more })
}

/// The changes after `cursor` that `user` may see, oldest first.
pub async fn pull(pool: &Pool, user: &User, cursor: i64, limit: usize) -> Result<PullResponse, ServerError> {
    let mut client = pool.get().await?;
    let tx = client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start().await?;
    let head: i64 = tx.query_one("SELECT head FROM tenants WHERE id = $1", &[&user.tenant]).await?.get(0);
    let lim = limit as i64;
    let rows = if user.role.sees_everything() {
        tx.query(
            "SELECT pos, kind, record_id, doc FROM changes
             WHERE tenant_id = $1 AND pos > $2 AND pos <= $3 ORDER BY pos LIMIT $4",
            &[&user.tenant, &cursor, &head, &lim],
        )
        .await?
    } else {
        let sql = format!(
            "SELECT ch.pos, ch.kind, ch.record_id, ch.doc FROM changes ch
             WHERE ch.tenant_id = $1 AND ch.pos > $2 AND ch.pos <= $3 AND {AGENT_VISIBLE}
             ORDER BY ch.pos LIMIT $4"
        );
        tx.query(&sql, &[&user.tenant, &cursor, &head, &lim, &user.queues, &user.username, &user.id]).await?
    };
    tx.commit().await?;
    response(&rows, limit, head)
}

/// Who may read whose history: every signed-in user of a tenant may open any of its
/// customers, because an agent must be able to open whoever calls. What keeps that
/// honest is the audit: every opening leaves an `open_customer` entry, which team leads
/// and admins read, and there is no way to read a history without one.
///
/// An opening is a read of the first page, or any read by a user who has not opened
/// this customer within [`OPENING_WINDOW_MINUTES`]; so paging on through a long history
/// writes one entry, and a client that starts mid-history is audited all the same.
pub const OPENING_WINDOW_MINUTES: i32 = 30;

/// A customer's current records (customer, cases, events, touchpoints) by position, or
/// `None` if there is no such customer. Records the opening first (see above): a read
/// whose audit entry cannot be written returns nothing.
pub async fn history(
    pool: &Pool,
    user: &User,
    customer: CustomerId,
    cursor: i64,
    limit: usize,
) -> Result<Option<PullResponse>, ServerError> {
    if !record_opening(pool, user, customer, cursor == 0).await? {
        return Ok(None);
    }
    let mut client = pool.get().await?;
    let tx = client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start().await?;
    let head: i64 = tx.query_one("SELECT head FROM tenants WHERE id = $1", &[&user.tenant]).await?.get(0);
    let rows = tx
        .query(
            "SELECT pos, kind, id, doc FROM (
                 SELECT pos, 'customer' AS kind, id, doc FROM customers WHERE tenant_id = $1 AND id = $2
                 UNION ALL SELECT pos, 'case', id, doc FROM cases WHERE tenant_id = $1 AND customer_id = $2
                 UNION ALL SELECT pos, 'event', id, doc FROM case_events WHERE tenant_id = $1 AND customer_id = $2
                 UNION ALL SELECT pos, 'touchpoint', id, doc FROM touchpoints WHERE tenant_id = $1 AND customer_id = $2
             ) r WHERE pos > $3 AND pos <= $4 ORDER BY pos LIMIT $5",
            &[&user.tenant, &customer.0, &cursor, &head, &(limit as i64)],
        )
        .await?;
    tx.commit().await?;
    response(&rows, limit, head).map(Some)
}

/// Records that `user` is opening `customer` (false: there is no such customer). The
/// customer joins the user's scope; the opening is audited if it is a new one.
async fn record_opening(pool: &Pool, user: &User, customer: CustomerId, first_page: bool) -> Result<bool, ServerError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let exists = tx
        .query_opt("SELECT 1 FROM customers WHERE tenant_id = $1 AND id = $2", &[&user.tenant, &customer.0])
        .await?
        .is_some();
    if !exists {
        return Ok(false);
    }
    // A row comes back only when the opening is new: inserted, or refreshed because it
    // is a first page or the last opening is older than the window.
    let new_opening = tx
        .query_opt(
            "INSERT INTO opened_customers (user_id, customer_id) VALUES ($1, $2)
             ON CONFLICT (user_id, customer_id) DO UPDATE SET opened_at = now()
             WHERE $3 OR opened_customers.opened_at < now() - make_interval(mins => $4)
             RETURNING 1",
            &[&user.id, &customer.0, &first_page, &OPENING_WINDOW_MINUTES],
        )
        .await?
        .is_some();
    if new_opening {
        let subject = Subject { case_id: None, customer_id: Some(customer) };
        audit::record(&*tx, &user.tenant, &user.username, "open_customer", subject, "").await?;
    }
    tx.commit().await?;
    Ok(true)
}
