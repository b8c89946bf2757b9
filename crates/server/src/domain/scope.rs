//! What a user may see and change.
//!
//! - Team leads and admins see and change everything in their tenant.
//! - An agent changes a case only if it is in one of their queues or assigned to them.
//! - An agent pulls changes whose queue is one of theirs, or whose customer has a case in
//!   their queues or assigned to them, or whose customer they opened, plus unlinked
//!   touchpoints (shared work). The SQL for that is [`AGENT_VISIBLE`].

use crate::domain::user::User;
use tideline_core::Case;

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

/// A filter over `changes` (aliased `ch`) for an agent. Parameters: `$1` tenant,
/// `$5` queues (text[]), `$6` username, `$7` user id.
pub const AGENT_VISIBLE: &str = "(ch.queue = ANY($5)
      OR (ch.kind = 'touchpoint' AND ch.customer_id IS NULL)
      OR ch.customer_id IN (
          SELECT customer_id FROM cases WHERE tenant_id = $1 AND (queue = ANY($5) OR assignee = $6)
          UNION SELECT customer_id FROM opened_customers WHERE user_id = $7))";
