//! What a user may see and change.
//!
//! - Team leads and admins see and change everything in their tenant.
//! - An agent changes a case only if it is in one of their queues or assigned to them.
//! - An agent pulls changes whose queue is one of theirs, or whose customer has a case in
//!   their queues or assigned to them, or whose customer they opened, plus unlinked
//!   touchpoints (shared work). The SQL for that is [`AGENT_VISIBLE`].

use crate::domain::user::User;
use crate::error::ServerError;
use deadpool_postgres::Pool;
use tideline_core::{Case, CaseId};

/// May `user` change `case` (as it is now)?
pub fn may_change_case(user: &User, case: &Case) -> bool {
    user.role.sees_everything()
        || user.queues.contains(&case.queue)
        || case.assignee.as_deref() == Some(user.username.as_str())
}

/// The refusal for a case outside an agent's scope (also used when it does not exist,
/// so agents cannot probe for cases).
pub fn not_yours(case_id: tideline_core::CaseId) -> String {
    format!("You cannot change {case_id}: it is not in your queues or assigned to you.")
}

/// The customers in an agent's scope: those with a case in their queues or assigned to
/// them, and those they opened. Expands to SQL text with the given parameter names for
/// tenant, queues (text[]), username and user id.
macro_rules! agent_customers {
    ($tenant:literal, $queues:literal, $username:literal, $user_id:literal) => {
        concat!(
            "SELECT customer_id FROM cases WHERE tenant_id = ",
            $tenant,
            " AND (queue = ANY(",
            $queues,
            ") OR assignee = ",
            $username,
            ")",
            " UNION SELECT customer_id FROM opened_customers WHERE user_id = ",
            $user_id
        )
    };
}

/// A filter over `changes` (aliased `ch`) for an agent. Parameters: `$1` tenant,
/// `$5` queues (text[]), `$6` username, `$7` user id.
pub const AGENT_VISIBLE: &str = concat!(
    "(ch.queue = ANY($5) OR (ch.kind = 'touchpoint' AND ch.customer_id IS NULL) OR ch.customer_id IN (",
    agent_customers!("$1", "$5", "$6", "$7"),
    "))"
);

/// May `user` see `case` (and so who else is on it)? The same scope as pulls.
pub async fn may_see_case(pool: &Pool, user: &User, case_id: CaseId) -> Result<bool, ServerError> {
    if user.role.sees_everything() {
        return Ok(true);
    }
    const SQL: &str = concat!(
        "SELECT 1 FROM cases c WHERE c.tenant_id = $1 AND c.id = $2
           AND (c.queue = ANY($3) OR c.assignee = $4 OR c.customer_id IN (",
        agent_customers!("$1", "$3", "$4", "$5"),
        "))"
    );
    let client = pool.get().await?;
    let row = client.query_opt(SQL, &[&user.tenant, &case_id.0, &user.queues, &user.username, &user.id]).await?;
    Ok(row.is_some())
}
