//! Tideline's domain core: pure logic with no I/O.
//!
//! **Architecture invariant:** nothing here reads a clock, a file, a socket or a
//! database. Time comes in as arguments; storage and transport live in other crates.

pub mod case;
pub mod channel;
pub mod customer;
pub mod escalation;
pub mod identity;
pub mod ids;
pub mod insight;
pub mod mutation;
pub mod queue;
pub mod sla;
pub mod timeline;
pub mod touchpoint;

pub use case::intake;
pub use case::{
    Case, CaseAction, CaseError, CaseEvent, CaseEventKind, CaseStatus, Closure, ClosureCatalogue, Interval, Priority,
};
pub use channel::{Actor, Channel, Direction};
pub use customer::Customer;
pub use identity::{Identity, IdentityContext, IdentityError, IdentityKind};
pub use ids::{CaseId, CustomerId, TouchpointId};
pub use sla::{ClockKind, ClockState, ClockStatus, SlaPolicy};
pub use touchpoint::{CallOutcome, ChannelFacts, Delivery, Touchpoint};
