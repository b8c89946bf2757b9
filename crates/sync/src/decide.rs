//! How the server settles one pushed case action against the case as it is now, and
//! how it words the outcome for the agent. Pure: no clock, no database.
//!
//! - The action is legal now: applied. If colleagues or the customer changed the case
//!   since the agent's view was loaded, the agent gets a notice saying who did what
//!   (the "traffic cop", which also works after an offline spell).
//! - A reply to a case resolved or closed meanwhile is kept as an internal note, so the
//!   agent's words are never lost.
//! - Anything else illegal now is rejected with who changed the case and why.

use jiff::Timestamp;
use tideline_core::{Actor, Case, CaseAction, CaseEvent, CaseEventKind, ClosureCatalogue};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Apply { case: Case, event: CaseEvent, notice: Option<String> },
    Transform { into: CaseAction, case: Case, event: CaseEvent, message: String },
    Reject { message: String },
}

/// What the server knows besides the case itself.
pub struct Context<'a> {
    pub catalogue: &'a ClosureCatalogue,
    /// The server's time: events are recorded when the server applies them.
    pub now: Timestamp,
    /// When the agent acted, by their clock.
    pub acted_at: Timestamp,
    /// Events on the case by anyone but the agent since the agent's view was loaded,
    /// oldest first.
    pub since_basis: &'a [CaseEvent],
    /// A person's display name from their username.
    pub name: &'a dyn Fn(&str) -> String,
}

pub fn decide(case: &Case, action: &CaseAction, actor: &Actor, cx: &Context<'_>) -> Decision {
    match case.apply(action, actor, cx.now, cx.catalogue) {
        Ok((next, event)) => {
            let notice = (!cx.since_basis.is_empty()).then(|| {
                format!("Since you loaded {}, {}.", case.id, join(cx.since_basis.iter().map(|e| happened(e, cx))))
            });
            Decision::Apply { case: next, event, notice }
        }
        Err(err) => {
            let last = cx.since_basis.last();
            let when = match last {
                Some(e) if e.at > cx.acted_at => " while you were offline",
                _ => "",
            };
            if let CaseAction::Reply { body } = action
                && !case.status.is_active()
            {
                let into = CaseAction::AddNote { body: body.clone() };
                if let Ok((next, event)) = case.apply(&into, actor, cx.now, cx.catalogue) {
                    let who = closer(case, cx).unwrap_or_else(|| "A colleague".to_string());
                    let message = format!(
                        "{who} {} {}{when}; your reply was kept as an internal note.",
                        case.status.as_str(),
                        case.id
                    );
                    return Decision::Transform { into, case: next, event, message };
                }
            }
            let message = match last {
                Some(e) => {
                    format!(
                        "{} ({}){when}, so your {} was not applied: {err}.",
                        capitalise(&happened(e, cx)),
                        case.id,
                        label(action)
                    )
                }
                None => format!("Your {} on {} was not applied: {err}.", label(action), case.id),
            };
            Decision::Reject { message }
        }
    }
}

/// Who resolved or closed the case, from the events the agent has not seen.
fn closer(case: &Case, cx: &Context<'_>) -> Option<String> {
    cx.since_basis
        .iter()
        .rev()
        .find(|e| matches!(e.kind, CaseEventKind::Resolved { .. } | CaseEventKind::Closed))
        .filter(|_| !case.status.is_active())
        .map(|e| who(&e.actor, cx))
}

fn who(actor: &Actor, cx: &Context<'_>) -> String {
    match actor {
        Actor::Agent(u) => (cx.name)(u),
        Actor::Customer => "the customer".into(),
        Actor::System => "Tideline".into(),
    }
}

/// One event in words, as a clause: "Kim Lee replied".
fn happened(e: &CaseEvent, cx: &Context<'_>) -> String {
    use CaseEventKind::*;
    let w = who(&e.actor, cx);
    match &e.kind {
        Opened { .. } => "the case was opened".into(),
        Acknowledged => format!("{w} acknowledged it"),
        Replied { .. } => format!("{w} replied"),
        Noted { .. } => format!("{w} added a note"),
        Assigned { assignee: Some(a), .. } => format!("{w} reassigned it to {}", (cx.name)(a)),
        Assigned { assignee: None, queue } => format!("{w} moved it to the {queue} queue"),
        Escalated { level, .. } => format!("{w} escalated it to level {level}"),
        Pending => format!("{w} set it to wait on the customer"),
        Resumed => format!("{w} resumed it"),
        Resolved { .. } => format!("{w} resolved it"),
        Closed => format!("{w} closed it"),
        Reopened { .. } => format!("{w} reopened it"),
        CustomerMessage => "the customer wrote again".into(),
        PriorityChanged { to, .. } => format!("{w} made it {to} priority"),
        FlaggedRepeatContact => format!("{w} flagged it as a repeat contact"),
    }
}

fn label(a: &CaseAction) -> &'static str {
    match a {
        CaseAction::Acknowledge => "acknowledgement",
        CaseAction::Reply { .. } => "reply",
        CaseAction::AddNote { .. } => "note",
        CaseAction::Assign { .. } => "assignment",
        CaseAction::Escalate { .. } => "escalation",
        CaseAction::SetPending => "change to pending",
        CaseAction::Resume => "resume",
        CaseAction::Resolve { .. } => "resolution",
        CaseAction::Close => "closure",
        CaseAction::Reopen { .. } => "reopening",
        CaseAction::CustomerMessage => "customer message",
        CaseAction::SetPriority { .. } => "priority change",
        CaseAction::FlagRepeatContact => "repeat-contact flag",
    }
}

/// "a", "a and b", "a, b and c".
fn join(parts: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = parts.collect();
    match v.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tideline_core::{CaseId, Channel, CustomerId, Priority};

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn names(u: &str) -> String {
        match u {
            "sam" => "Sam Patel".into(),
            "kim" => "Kim Lee".into(),
            other => other.into(),
        }
    }

    fn open_case() -> Case {
        let c = Case::open(
            CaseId(12),
            CustomerId(1),
            Channel::Email,
            "Card",
            Priority::Normal,
            "cards",
            t("2026-11-23T09:00:00Z"),
        );
        c.apply(&CaseAction::Acknowledge, &Actor::agent("amy"), t("2026-11-23T09:05:00Z"), &ClosureCatalogue::default())
            .unwrap()
            .0
    }

    fn cx<'a>(cat: &'a ClosureCatalogue, since: &'a [CaseEvent], acted_at: &str) -> Context<'a> {
        Context {
            catalogue: cat,
            now: t("2026-11-23T11:00:00Z"),
            acted_at: t(acted_at),
            since_basis: since,
            name: &names,
        }
    }

    #[test]
    fn reply_to_a_case_resolved_meanwhile_is_kept_as_a_note() {
        let cat = ClosureCatalogue::default();
        let resolve = CaseAction::Resolve { closure_code: "fixed".into(), summary: "done".into() };
        let (resolved, ev) =
            open_case().apply(&resolve, &Actor::agent("sam"), t("2026-11-23T10:00:00Z"), &cat).unwrap();
        let reply = CaseAction::Reply { body: "Any news?".into() };
        let since = [ev];
        match decide(&resolved, &reply, &Actor::agent("amy"), &cx(&cat, &since, "2026-11-23T09:30:00Z")) {
            Decision::Transform { into, case, event, message } => {
                assert_eq!(into, CaseAction::AddNote { body: "Any news?".into() });
                assert_eq!(case.status, tideline_core::CaseStatus::Resolved);
                assert_eq!(event.kind, CaseEventKind::Noted { body: "Any news?".into() });
                assert_eq!(
                    message,
                    "Sam Patel resolved CS-12 while you were offline; your reply was kept as an internal note."
                );
            }
            other => panic!("expected a transform, got {other:?}"),
        }
    }

    #[test]
    fn an_illegal_step_is_rejected_naming_who_changed_the_case() {
        let cat = ClosureCatalogue::default();
        let (pending, ev) =
            open_case().apply(&CaseAction::SetPending, &Actor::agent("kim"), t("2026-11-23T10:00:00Z"), &cat).unwrap();
        let since = [ev];
        match decide(&pending, &CaseAction::SetPending, &Actor::agent("amy"), &cx(&cat, &since, "2026-11-23T09:30:00Z"))
        {
            Decision::Reject { message } => assert_eq!(
                message,
                "Kim Lee set it to wait on the customer (CS-12) while you were offline, so your change to pending \
                 was not applied: case CS-12 is pending: it is already waiting on the customer."
            ),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn a_legal_step_on_a_changed_case_applies_with_a_notice() {
        let cat = ClosureCatalogue::default();
        let case = open_case();
        let (_, reassigned) = case
            .apply(
                &CaseAction::Assign { assignee: Some("kim".into()), queue: None },
                &Actor::agent("sam"),
                t("2026-11-23T10:00:00Z"),
                &cat,
            )
            .unwrap();
        let (_, wrote) =
            case.apply(&CaseAction::CustomerMessage, &Actor::Customer, t("2026-11-23T10:01:00Z"), &cat).unwrap();
        let since = [reassigned, wrote];
        let reply = CaseAction::Reply { body: "On it".into() };
        match decide(&case, &reply, &Actor::agent("amy"), &cx(&cat, &since, "2026-11-23T10:30:00Z")) {
            Decision::Apply { notice, .. } => assert_eq!(
                notice.as_deref(),
                Some("Since you loaded CS-12, Sam Patel reassigned it to Kim Lee and the customer wrote again.")
            ),
            other => panic!("expected it applied, got {other:?}"),
        }
        match decide(&case, &reply, &Actor::agent("amy"), &cx(&cat, &[], "2026-11-23T10:30:00Z")) {
            Decision::Apply { notice, .. } => assert_eq!(notice, None),
            other => panic!("expected it applied, got {other:?}"),
        }
    }
}
