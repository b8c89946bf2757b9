//! Wire types ↔ the store's mirror of them (the store depends on the core only).

use crate::protocol::{Change, Outcome, PushMutation, PushResult, Record};
use tideline_store::{PendingMutation, RemoteChange, RemoteRecord, SettleOutcome, Settlement};

pub(crate) fn change(c: Change) -> RemoteChange {
    let record = match c.record {
        Record::Customer { customer } => RemoteRecord::Customer(customer),
        Record::Case { case } => RemoteRecord::Case(case),
        Record::Event { id, event } => RemoteRecord::Event { id, event },
        Record::Touchpoint { touchpoint } => RemoteRecord::Touchpoint(touchpoint),
    };
    RemoteChange { pos: c.pos, record }
}

pub(crate) fn push_mutation(p: PendingMutation) -> PushMutation {
    PushMutation { seq: p.seq, mutation: p.mutation, at: p.at, basis: p.basis }
}

pub(crate) fn settlement(r: PushResult) -> Settlement {
    let outcome = match r.outcome {
        Outcome::Applied { customer_id, notice } => SettleOutcome::Applied { customer_id, notice },
        Outcome::Transformed { into, message } => SettleOutcome::Transformed { into, message },
        Outcome::Rejected { message } => SettleOutcome::Rejected { message },
    };
    Settlement { seq: r.seq, outcome }
}
