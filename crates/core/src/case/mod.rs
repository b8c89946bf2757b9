//! Cases and their state machine.
//!
//! ```text
//! new ──ack/reply──▶ open ◀──resume/customer message── pending
//!                     │  └──────────set pending──────────▶ │
//!                     └──resolve──▶ resolved ◀──resolve────┘
//!                                     │  └──close──▶ closed
//!                     open ◀──reopen──┴──────────────────┘
//! ```
//! [`Case::apply`] is the only way a case changes. It refuses an illegal step with a
//! [`CaseError`] that says why, and otherwise returns the new case and the event that
//! records the step.

pub mod intake;

use crate::channel::{Actor, Channel, parse_named};
use crate::ids::{CaseId, CustomerId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    Open,
    Pending,
    Resolved,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 5] =
        [CaseStatus::New, CaseStatus::Open, CaseStatus::Pending, CaseStatus::Resolved, CaseStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Open => "open",
            CaseStatus::Pending => "pending",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
        }
    }

    /// Work still to do: the case belongs in a queue.
    pub fn is_active(self) -> bool {
        matches!(self, CaseStatus::New | CaseStatus::Open | CaseStatus::Pending)
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseStatus {
    type Err = crate::channel::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_named(s, &s.trim().to_ascii_lowercase(), "status", &CaseStatus::ALL, CaseStatus::as_str)
    }
}

/// Priority is set from what the case is about, never from who the customer is: a
/// follower count or network size has no say in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// 0 for urgent up to 3 for low: sorts the most urgent first.
    pub fn rank(self) -> u8 {
        3 - self as u8
    }

    pub fn from_rank(rank: u8) -> Option<Self> {
        Priority::ALL.into_iter().find(|p| p.rank() == rank)
    }

    pub fn raised(self) -> Self {
        match self {
            Priority::Low => Priority::Normal,
            Priority::Normal => Priority::High,
            Priority::High | Priority::Urgent => Priority::Urgent,
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = crate::channel::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_named(s, &s.trim().to_ascii_lowercase(), "priority", &Priority::ALL, Priority::as_str)
    }
}

/// A span of wall-clock time, `start` inclusive and `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Interval {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub start: Timestamp,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub end: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Closure {
    pub code: String,
    pub summary: String,
}

/// The closure codes a case may be resolved with. Resolving with a code outside the
/// catalogue is refused, so closure stays consistent and reportable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureCatalogue {
    codes: Vec<(String, String)>,
}

impl ClosureCatalogue {
    pub fn new(codes: impl IntoIterator<Item = (String, String)>) -> Self {
        Self { codes: codes.into_iter().collect() }
    }

    pub fn contains(&self, code: &str) -> bool {
        self.codes.iter().any(|(c, _)| c == code)
    }

    /// `(code, label)` pairs, in the order they are offered.
    pub fn codes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.codes.iter().map(|(c, l)| (c.as_str(), l.as_str()))
    }
}

impl Default for ClosureCatalogue {
    fn default() -> Self {
        Self::new(
            [
                ("fixed", "Fixed"),
                ("information_given", "Information given"),
                ("refund_issued", "Refund issued"),
                ("replacement_sent", "Replacement sent"),
                ("no_fault_found", "No fault found"),
                ("referred_elsewhere", "Referred to another team or company"),
                ("customer_unreachable", "Customer unreachable"),
                ("duplicate", "Duplicate of another case"),
            ]
            .map(|(c, l)| (c.to_string(), l.to_string())),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Case {
    pub id: CaseId,
    pub customer_id: CustomerId,
    /// The channel the case came in on; it selects the SLA policy.
    pub channel: Channel,
    pub subject: String,
    pub status: CaseStatus,
    pub priority: Priority,
    pub queue: String,
    pub assignee: Option<String>,
    /// Contact-reason tags, such as `card_declined`; repeat contacts are counted per tag.
    pub reasons: Vec<String>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub opened_at: Timestamp,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub first_response_at: Option<Timestamp>,
    /// The last update the customer received from us (acknowledgement or reply).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_update_at: Option<Timestamp>,
    /// The oldest customer message that has had no reply yet.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub awaiting_reply_since: Option<Timestamp>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub pending_since: Option<Timestamp>,
    /// Finished pauses: time spent pending, or resolved before a reopen. SLA clocks do
    /// not count them.
    pub paused: Vec<Interval>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub resolved_at: Option<Timestamp>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub closed_at: Option<Timestamp>,
    pub closure: Option<Closure>,
    pub escalation_level: u8,
    pub repeat_contact: bool,
    /// Escalation rules that already fired, so each fires once per case.
    pub fired_rules: Vec<String>,
}

impl Case {
    /// A new case, opened by the customer's first contact at `opened_at`.
    pub fn open(
        id: CaseId,
        customer_id: CustomerId,
        channel: Channel,
        subject: impl Into<String>,
        priority: Priority,
        queue: impl Into<String>,
        opened_at: Timestamp,
    ) -> Self {
        Case {
            id,
            customer_id,
            channel,
            subject: subject.into(),
            status: CaseStatus::New,
            priority,
            queue: queue.into(),
            assignee: None,
            reasons: Vec::new(),
            opened_at,
            first_response_at: None,
            last_update_at: None,
            awaiting_reply_since: Some(opened_at),
            pending_since: None,
            paused: Vec::new(),
            resolved_at: None,
            closed_at: None,
            closure: None,
            escalation_level: 0,
            repeat_contact: false,
            fired_rules: Vec::new(),
        }
    }

    /// Every pause, the one under way (if any) ending at `now`.
    pub fn pauses_until(&self, now: Timestamp) -> Vec<Interval> {
        let mut v = self.paused.clone();
        if let Some(start) = self.pending_since.or(self.resolved_at)
            && start < now
        {
            v.push(Interval { start, end: now });
        }
        v
    }
}

/// What an agent (or the system) does to a case. These are the payloads of the named
/// mutations that the cache records in its outbox and the server replays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseAction {
    /// Tell the customer we have their case: the first response.
    Acknowledge,
    Reply {
        body: String,
    },
    /// An internal note; the customer never sees it.
    AddNote {
        body: String,
    },
    Assign {
        #[serde(default)]
        assignee: Option<String>,
        #[serde(default)]
        queue: Option<String>,
    },
    Escalate {
        reason: String,
    },
    /// Waiting on the customer: the SLA clocks pause.
    SetPending,
    Resume,
    Resolve {
        closure_code: String,
        summary: String,
    },
    Close,
    Reopen {
        reason: String,
    },
    /// The customer wrote again on this case.
    CustomerMessage,
    SetPriority {
        priority: Priority,
    },
    FlagRepeatContact,
}

impl CaseAction {
    pub fn name(&self) -> &'static str {
        match self {
            CaseAction::Acknowledge => "acknowledge",
            CaseAction::Reply { .. } => "reply",
            CaseAction::AddNote { .. } => "add_note",
            CaseAction::Assign { .. } => "assign",
            CaseAction::Escalate { .. } => "escalate",
            CaseAction::SetPending => "set_pending",
            CaseAction::Resume => "resume",
            CaseAction::Resolve { .. } => "resolve",
            CaseAction::Close => "close",
            CaseAction::Reopen { .. } => "reopen",
            CaseAction::CustomerMessage => "customer_message",
            CaseAction::SetPriority { .. } => "set_priority",
            CaseAction::FlagRepeatContact => "flag_repeat_contact",
        }
    }
}

/// One step in a case's history, as shown on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseEvent {
    pub case_id: CaseId,
    pub customer_id: CustomerId,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: Timestamp,
    pub actor: Actor,
    pub kind: CaseEventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseEventKind {
    Opened { subject: String, channel: Channel },
    Acknowledged,
    Replied { body: String },
    Noted { body: String },
    Assigned { assignee: Option<String>, queue: String },
    Escalated { reason: String, level: u8 },
    Pending,
    Resumed,
    Resolved { closure_code: String, summary: String },
    Closed,
    Reopened { reason: String },
    CustomerMessage,
    PriorityChanged { from: Priority, to: Priority },
    FlaggedRepeatContact,
}

impl CaseEventKind {
    /// The serde tag of the kind, e.g. `resolved`.
    pub fn name(&self) -> &'static str {
        match self {
            CaseEventKind::Opened { .. } => "opened",
            CaseEventKind::Acknowledged => "acknowledged",
            CaseEventKind::Replied { .. } => "replied",
            CaseEventKind::Noted { .. } => "noted",
            CaseEventKind::Assigned { .. } => "assigned",
            CaseEventKind::Escalated { .. } => "escalated",
            CaseEventKind::Pending => "pending",
            CaseEventKind::Resumed => "resumed",
            CaseEventKind::Resolved { .. } => "resolved",
            CaseEventKind::Closed => "closed",
            CaseEventKind::Reopened { .. } => "reopened",
            CaseEventKind::CustomerMessage => "customer_message",
            CaseEventKind::PriorityChanged { .. } => "priority_changed",
            CaseEventKind::FlaggedRepeatContact => "flagged_repeat_contact",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            CaseEventKind::Opened { subject, channel } => format!("Case opened via {}: {subject}", channel.label()),
            CaseEventKind::Acknowledged => "Acknowledged the customer".into(),
            CaseEventKind::Replied { body } => format!("Replied: {body}"),
            CaseEventKind::Noted { body } => format!("Note: {body}"),
            CaseEventKind::Assigned { assignee: Some(a), queue } => format!("Assigned to {a} ({queue})"),
            CaseEventKind::Assigned { assignee: None, queue } => format!("Moved to queue {queue}"),
            CaseEventKind::Escalated { reason, level } => format!("Escalated to level {level}: {reason}"),
            CaseEventKind::Pending => "Waiting on the customer".into(),
            CaseEventKind::Resumed => "Resumed".into(),
            CaseEventKind::Resolved { closure_code, summary } => format!("Resolved ({closure_code}): {summary}"),
            CaseEventKind::Closed => "Closed".into(),
            CaseEventKind::Reopened { reason } => format!("Reopened: {reason}"),
            CaseEventKind::CustomerMessage => "Customer wrote again".into(),
            CaseEventKind::PriorityChanged { from, to } => format!("Priority {from} → {to}"),
            CaseEventKind::FlaggedRepeatContact => "Flagged as a repeat contact".into(),
        }
    }
}

/// The longest reply or note body; longer text is refused, never cut.
pub const MAX_TEXT_BYTES: usize = 20_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CaseError {
    #[error("case {case} is {status}: {why}")]
    NotAllowed { case: CaseId, status: CaseStatus, why: &'static str },
    #[error("resolving needs a closure code (one of: {known})")]
    MissingClosureCode { known: String },
    #[error("`{code}` is not a closure code (expected one of: {known})")]
    UnknownClosureCode { code: String, known: String },
    #[error("resolving needs a summary of what was done")]
    MissingSummary,
    #[error("the {0} cannot be empty")]
    Empty(&'static str),
    #[error("the {what} is {len} bytes; the most allowed is {MAX_TEXT_BYTES}")]
    TooLong { what: &'static str, len: usize },
    #[error("assigning needs an assignee or a queue")]
    NothingToAssign,
    #[error("case {case} is already {priority} priority")]
    SamePriority { case: CaseId, priority: Priority },
}

fn text(what: &'static str, s: &str) -> Result<String, CaseError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(CaseError::Empty(what));
    }
    if t.len() > MAX_TEXT_BYTES {
        return Err(CaseError::TooLong { what, len: t.len() });
    }
    Ok(t.to_string())
}

impl Case {
    fn refuse<T>(&self, why: &'static str) -> Result<T, CaseError> {
        Err(CaseError::NotAllowed { case: self.id, status: self.status, why })
    }

    fn end_pause(&mut self, at: Timestamp) {
        if let Some(start) = self.pending_since.take() {
            self.paused.push(Interval { start, end: at.max(start) });
        }
    }

    fn responded(&mut self, at: Timestamp) {
        self.first_response_at.get_or_insert(at);
        self.last_update_at = Some(at);
        self.awaiting_reply_since = None;
    }

    /// Applies `action`, done by `actor` at `at`. Pure: `self` is untouched and the
    /// result is the next state with the event that records it.
    pub fn apply(
        &self,
        action: &CaseAction,
        actor: &Actor,
        at: Timestamp,
        catalogue: &ClosureCatalogue,
    ) -> Result<(Case, CaseEvent), CaseError> {
        use CaseStatus::*;
        let mut c = self.clone();
        let kind = match action {
            CaseAction::Acknowledge => {
                if c.status != New {
                    return self.refuse("only a new case can be acknowledged");
                }
                c.status = Open;
                c.responded(at);
                CaseEventKind::Acknowledged
            }
            CaseAction::Reply { body } => {
                let body = text("reply", body)?;
                match c.status {
                    New => c.status = Open,
                    Open | Pending => {}
                    Resolved | Closed => return self.refuse("reopen it before replying"),
                }
                c.responded(at);
                CaseEventKind::Replied { body }
            }
            CaseAction::AddNote { body } => CaseEventKind::Noted { body: text("note", body)? },
            CaseAction::Assign { assignee, queue } => {
                if !c.status.is_active() {
                    return self.refuse("reopen it before assigning it");
                }
                let assignee = assignee.as_deref().map(|a| text("assignee", a)).transpose()?;
                let queue = queue.as_deref().map(|q| text("queue", q)).transpose()?;
                if assignee.is_none() && queue.is_none() {
                    return Err(CaseError::NothingToAssign);
                }
                if let Some(q) = queue {
                    c.queue = q;
                }
                c.assignee = assignee;
                CaseEventKind::Assigned { assignee: c.assignee.clone(), queue: c.queue.clone() }
            }
            CaseAction::Escalate { reason } => {
                let reason = text("escalation reason", reason)?;
                if !c.status.is_active() {
                    return self.refuse("only an active case can be escalated");
                }
                c.escalation_level = c.escalation_level.saturating_add(1);
                CaseEventKind::Escalated { reason, level: c.escalation_level }
            }
            CaseAction::SetPending => {
                match c.status {
                    Open => {}
                    New => return self.refuse("acknowledge the customer before waiting on them"),
                    Pending => return self.refuse("it is already waiting on the customer"),
                    Resolved | Closed => return self.refuse("reopen it first"),
                }
                c.status = Pending;
                c.pending_since = Some(at);
                CaseEventKind::Pending
            }
            CaseAction::Resume => {
                if c.status != Pending {
                    return self.refuse("only a pending case can be resumed");
                }
                c.status = Open;
                c.end_pause(at);
                CaseEventKind::Resumed
            }
            CaseAction::CustomerMessage => {
                match c.status {
                    New | Open => {}
                    Pending => {
                        c.status = Open;
                        c.end_pause(at);
                    }
                    Resolved | Closed => return self.refuse("a new message on it must reopen it first"),
                }
                c.awaiting_reply_since.get_or_insert(at);
                CaseEventKind::CustomerMessage
            }
            CaseAction::Resolve { closure_code, summary } => {
                let known = || catalogue.codes().map(|(c, _)| c).collect::<Vec<_>>().join(", ");
                match c.status {
                    Open | Pending => {}
                    New => return self.refuse("acknowledge the customer before resolving it"),
                    Resolved | Closed => return self.refuse("it is already resolved"),
                }
                let code = closure_code.trim();
                if code.is_empty() {
                    return Err(CaseError::MissingClosureCode { known: known() });
                }
                if !catalogue.contains(code) {
                    return Err(CaseError::UnknownClosureCode { code: code.to_string(), known: known() });
                }
                if summary.trim().is_empty() {
                    return Err(CaseError::MissingSummary);
                }
                let summary = text("summary", summary)?;
                c.end_pause(at);
                c.status = Resolved;
                c.resolved_at = Some(at);
                c.closure = Some(Closure { code: code.to_string(), summary: summary.clone() });
                CaseEventKind::Resolved { closure_code: code.to_string(), summary }
            }
            CaseAction::Close => {
                if c.status != Resolved {
                    return self.refuse("only a resolved case can be closed");
                }
                c.status = Closed;
                c.closed_at = Some(at);
                CaseEventKind::Closed
            }
            CaseAction::Reopen { reason } => {
                let reason = text("reopen reason", reason)?;
                if !matches!(c.status, Resolved | Closed) {
                    return self.refuse("only a resolved or closed case can be reopened");
                }
                // The time spent resolved is a pause: the resolution clock carries on
                // from where it stopped.
                if let Some(r) = c.resolved_at.take() {
                    c.paused.push(Interval { start: r, end: at.max(r) });
                }
                c.status = Open;
                c.closed_at = None;
                c.closure = None;
                CaseEventKind::Reopened { reason }
            }
            CaseAction::SetPriority { priority } => {
                if c.priority == *priority {
                    return Err(CaseError::SamePriority { case: c.id, priority: c.priority });
                }
                if !c.status.is_active() {
                    return self.refuse("reopen it before changing its priority");
                }
                let from = c.priority;
                c.priority = *priority;
                CaseEventKind::PriorityChanged { from, to: *priority }
            }
            CaseAction::FlagRepeatContact => {
                c.repeat_contact = true;
                CaseEventKind::FlaggedRepeatContact
            }
        };
        let event = CaseEvent { case_id: c.id, customer_id: c.customer_id, at, actor: actor.clone(), kind };
        Ok((c, event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        format!("2026-03-02T{s}:00Z").parse().unwrap()
    }

    fn case() -> Case {
        Case::open(CaseId(1), CustomerId(1), Channel::X, "Card declined", Priority::Normal, "cards", t("09:00"))
    }

    fn run(c: &Case, a: CaseAction, at: &str) -> Result<Case, CaseError> {
        c.apply(&a, &Actor::agent("sam"), t(at), &ClosureCatalogue::default()).map(|(c, _)| c)
    }

    fn resolve(code: &str, summary: &str) -> CaseAction {
        CaseAction::Resolve { closure_code: code.into(), summary: summary.into() }
    }

    #[test]
    fn a_case_walks_the_whole_lifecycle() {
        let c = case();
        let c = run(&c, CaseAction::Acknowledge, "09:05").unwrap();
        assert_eq!((c.status, c.first_response_at), (CaseStatus::Open, Some(t("09:05"))));
        let c = run(&c, CaseAction::SetPending, "09:10").unwrap();
        let c = run(&c, CaseAction::CustomerMessage, "10:10").unwrap();
        assert_eq!(c.status, CaseStatus::Open);
        assert_eq!(c.paused, vec![Interval { start: t("09:10"), end: t("10:10") }]);
        assert_eq!(c.awaiting_reply_since, Some(t("10:10")));
        let c = run(&c, CaseAction::Reply { body: "Fixed now".into() }, "10:20").unwrap();
        assert_eq!(c.awaiting_reply_since, None);
        let c = run(&c, resolve("fixed", "Unblocked the card"), "10:30").unwrap();
        assert_eq!(c.status, CaseStatus::Resolved);
        let c = run(&c, CaseAction::Close, "11:00").unwrap();
        let c = run(&c, CaseAction::Reopen { reason: "Declined again".into() }, "12:00").unwrap();
        assert_eq!((c.status, c.closure.as_ref()), (CaseStatus::Open, None));
        assert_eq!(c.paused.last(), Some(&Interval { start: t("10:30"), end: t("12:00") }));
    }

    #[test]
    fn illegal_steps_are_refused_with_the_reason() {
        let new = case();
        let msg = |r: Result<Case, CaseError>| r.unwrap_err().to_string();
        assert_eq!(
            msg(run(&new, resolve("fixed", "x"), "09:01")),
            "case CS-1 is new: acknowledge the customer before resolving it"
        );
        assert_eq!(
            msg(run(&new, CaseAction::SetPending, "09:01")),
            "case CS-1 is new: acknowledge the customer before waiting on them"
        );
        let open = run(&new, CaseAction::Acknowledge, "09:01").unwrap();
        assert_eq!(
            msg(run(&open, CaseAction::Acknowledge, "09:02")),
            "case CS-1 is open: only a new case can be acknowledged"
        );
        assert_eq!(
            msg(run(&open, CaseAction::Close, "09:02")),
            "case CS-1 is open: only a resolved case can be closed"
        );
        assert_eq!(
            msg(run(&open, CaseAction::Resume, "09:02")),
            "case CS-1 is open: only a pending case can be resumed"
        );
        let done = run(&open, resolve("fixed", "Done"), "09:03").unwrap();
        assert_eq!(
            msg(run(&done, CaseAction::Reply { body: "hi".into() }, "09:04")),
            "case CS-1 is resolved: reopen it before replying"
        );
        assert_eq!(
            msg(run(&done, resolve("fixed", "again"), "09:04")),
            "case CS-1 is resolved: it is already resolved"
        );
        // Notes are always allowed: they are how a late reply is kept.
        assert!(run(&done, CaseAction::AddNote { body: "late".into() }, "09:05").is_ok());
    }

    #[test]
    fn resolve_requires_a_catalogued_code_and_a_summary() {
        let open = run(&case(), CaseAction::Acknowledge, "09:01").unwrap();
        let e = run(&open, resolve(" ", "done"), "09:02").unwrap_err();
        assert!(matches!(e, CaseError::MissingClosureCode { .. }));
        assert!(e.to_string().starts_with("resolving needs a closure code (one of: fixed, information_given"));
        assert!(matches!(run(&open, resolve("magic", "done"), "09:02"), Err(CaseError::UnknownClosureCode { .. })));
        assert_eq!(run(&open, resolve("fixed", "  "), "09:02"), Err(CaseError::MissingSummary));
        let done = run(&open, resolve("fixed", " Card unblocked "), "09:02").unwrap();
        assert_eq!(done.closure, Some(Closure { code: "fixed".into(), summary: "Card unblocked".into() }));
    }

    #[test]
    fn bad_text_and_empty_assignments_are_refused() {
        let open = run(&case(), CaseAction::Acknowledge, "09:01").unwrap();
        assert_eq!(run(&open, CaseAction::AddNote { body: "".into() }, "09:02"), Err(CaseError::Empty("note")));
        assert!(matches!(
            run(&open, CaseAction::Reply { body: "x".repeat(MAX_TEXT_BYTES + 1) }, "09:02"),
            Err(CaseError::TooLong { what: "reply", .. })
        ));
        assert_eq!(
            run(&open, CaseAction::Assign { assignee: None, queue: None }, "09:02"),
            Err(CaseError::NothingToAssign)
        );
        let c = run(&open, CaseAction::Assign { assignee: Some("kim".into()), queue: Some("cards-2".into()) }, "09:02")
            .unwrap();
        assert_eq!((c.assignee.as_deref(), c.queue.as_str()), (Some("kim"), "cards-2"));
    }

    #[test]
    fn apply_returns_the_event_and_leaves_the_input_alone() {
        let c = case();
        let (next, ev) = c
            .apply(
                &CaseAction::Escalate { reason: "Third call".into() },
                &Actor::agent("sam"),
                t("09:30"),
                &ClosureCatalogue::default(),
            )
            .unwrap();
        assert_eq!(c.escalation_level, 0);
        assert_eq!(next.escalation_level, 1);
        assert_eq!(ev.kind, CaseEventKind::Escalated { reason: "Third call".into(), level: 1 });
        assert_eq!(ev.kind.describe(), "Escalated to level 1: Third call");
        let tag = serde_json::to_value(&ev.kind).unwrap()["type"].as_str().unwrap().to_string();
        assert_eq!(ev.kind.name(), tag);
    }

    #[test]
    fn priority_ranks_most_urgent_first() {
        assert_eq!(Priority::Urgent.rank(), 0);
        assert_eq!(Priority::Low.rank(), 3);
        assert_eq!(Priority::from_rank(1), Some(Priority::High));
        assert_eq!(Priority::High.raised(), Priority::Urgent);
    }
}
