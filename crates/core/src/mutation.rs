//! Named, typed mutations: every change an agent makes. A mutation is applied to the
//! local cache at once, recorded in the outbox in the same transaction, and later
//! pushed to the server with the client's id and sequence number.

use crate::case::CaseAction;
use crate::identity::Identity;
use crate::ids::{CaseId, CustomerId, TouchpointId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Mutation {
    /// A step in a case's lifecycle, or a note, reply, assignment or escalation.
    Case { case_id: CaseId, action: CaseAction },
    /// Links an unlinked touchpoint to a customer, adding its identity to the customer
    /// so that later contacts from it match. Never guessed: an agent decides.
    LinkIdentity { touchpoint_id: TouchpointId, customer_id: CustomerId },
    /// Creates a customer named `name` from an unlinked touchpoint: the touchpoint's
    /// identity becomes their first identity, linked as by `LinkIdentity`.
    CreateCustomer { touchpoint_id: TouchpointId, name: String },
    /// Undoes a link: the identity leaves the customer and the touchpoints that the
    /// link attached go back to the unlinked list.
    UnlinkIdentity { identity: Identity, customer_id: CustomerId },
    /// Sends a failed outbound message again (the agent's Retry).
    RetryDelivery { touchpoint_id: TouchpointId },
}

impl Mutation {
    pub fn name(&self) -> &'static str {
        match self {
            Mutation::Case { action, .. } => action.name(),
            Mutation::LinkIdentity { .. } => "link_identity",
            Mutation::CreateCustomer { .. } => "create_customer",
            Mutation::UnlinkIdentity { .. } => "unlink_identity",
            Mutation::RetryDelivery { .. } => "retry_delivery",
        }
    }
}
