//! Case intake: what an inbound contact does to a customer's cases.
//!
//! Every channel arrives here in the same shape, a [`Contact`], so demo data and real
//! provider traffic obey one rule:
//! 1. [`route`] picks the queue and default priority from the admin's [`RoutingRule`]s;
//! 2. [`thread`] decides whether the contact continues an active case, reopens one
//!    resolved within the reopen window, or opens a new case (marked a repeat contact
//!    when an earlier case was resolved within the repeat window);
//! 3. [`apply`] turns that decision into the next case state and its events, through
//!    [`Case::apply`], so the SLA clocks move exactly as they do for agent actions.
//!
//! Nothing here decides *who* the customer is: matching an identity to a customer is
//! the caller's job, and an unmatched contact never reaches intake.

use super::{Case, CaseAction, CaseError, CaseEvent, CaseEventKind, CaseStatus, ClosureCatalogue, Priority};
use crate::channel::{Actor, Channel, Direction};
use crate::identity::IdentityKind;
use crate::ids::{CaseId, CustomerId};
use crate::touchpoint::ChannelFacts;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// One contact as a provider reported it, in provider-neutral terms. Parsers in
/// `tideline-channels` produce these; the server's ingest path consumes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub channel: Channel,
    pub direction: Direction,
    pub occurred_at: Timestamp,
    /// The customer's identifier as the provider gave it, not yet normalised: the
    /// caller's number, the form's account id, the visit's customer number.
    pub sender: Option<(IdentityKind, String)>,
    /// The name the provider or form gave, shown to the agent; never used to match.
    pub sender_name: Option<String>,
    pub summary: String,
    pub body: Option<String>,
    pub facts: ChannelFacts,
    /// What this contact *is* at the provider (`twilio-call:CA…`, `web-chat:…`): later
    /// reports of the same key update one touchpoint instead of adding another.
    pub key: String,
    /// Orders reports of one key (Twilio's `SequenceNumber`); a lower one than already
    /// applied is stale and ignored.
    pub revision: i64,
    /// The contact reason the channel states, if it states one (a branch visit's
    /// reason, a web form's topic).
    pub reason: Option<String>,
}

impl Contact {
    /// The customer reached out: it opens or advances a case. Our own outbound calls
    /// and messages are recorded on the timeline but never do.
    pub fn from_customer(&self) -> bool {
        self.direction == Direction::Inbound
    }
}

/// Channel (and optionally the channel account, site or branch system) → queue, with
/// a default priority. Configured by admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    pub channel: Channel,
    /// The configured channel's name; `None` matches every account of the channel.
    #[serde(default)]
    pub account: Option<String>,
    pub queue: String,
    pub priority: Priority,
}

/// Where a new case goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub queue: String,
    pub priority: Priority,
}

/// The queue for contact no rule names.
pub const DEFAULT_QUEUE: &str = "general";

/// The most specific rule wins: one naming the account, then one for the whole channel,
/// then [`DEFAULT_QUEUE`] at normal priority. Among equals, the first listed.
pub fn route(rules: &[RoutingRule], channel: Channel, account: &str) -> Route {
    let exact = rules.iter().find(|r| r.channel == channel && r.account.as_deref() == Some(account));
    let any = || rules.iter().find(|r| r.channel == channel && r.account.is_none());
    match exact.or_else(any) {
        Some(r) => Route { queue: r.queue.clone(), priority: r.priority },
        None => Route { queue: DEFAULT_QUEUE.to_string(), priority: Priority::Normal },
    }
}

/// How long after a resolution a contact still counts as about that case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadingPolicy {
    /// A contact within this many days of a case's resolution reopens it.
    pub reopen_within_days: u16,
    /// After that, and within this many days, the new case is marked a repeat contact.
    pub repeat_within_days: u16,
}

impl Default for ThreadingPolicy {
    fn default() -> Self {
        ThreadingPolicy { reopen_within_days: 3, repeat_within_days: 7 }
    }
}

/// What a customer's contact does to their cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threading {
    /// The customer's newest active case: the contact is a further message on it.
    Continue(CaseId),
    /// Resolved (or closed) within the reopen window: the contact reopens it.
    Reopen(CaseId),
    /// A new case; `repeat_of` is the recent resolved case this one repeats.
    Open { repeat_of: Option<CaseId> },
}

fn days(d: u16) -> SignedDuration {
    SignedDuration::from_hours(24 * i64::from(d))
}

/// Decides where a contact at `at` belongs among `cases` (the customer's cases, any
/// order). The newest active case wins, whatever its channel: a customer who called
/// and then writes on X is continuing, not starting again (a channel hop).
pub fn thread(cases: &[Case], at: Timestamp, policy: &ThreadingPolicy) -> Threading {
    if let Some(c) = cases.iter().filter(|c| c.status.is_active()).max_by_key(|c| (c.opened_at, c.id)) {
        return Threading::Continue(c.id);
    }
    let last_resolved =
        cases.iter().filter_map(|c| c.resolved_at.map(|r| (r, c))).filter(|(r, _)| *r <= at).max_by_key(|(r, _)| *r);
    match last_resolved {
        Some((r, c)) if at.duration_since(r) <= days(policy.reopen_within_days) => Threading::Reopen(c.id),
        Some((r, c)) if at.duration_since(r) <= days(policy.repeat_within_days) => {
            Threading::Open { repeat_of: Some(c.id) }
        }
        _ => Threading::Open { repeat_of: None },
    }
}

/// Opens a case from a customer's first contact: the one way a case is born, for the
/// demo generator and for real traffic alike. Returns the case and its `Opened` event.
pub fn open_case(
    id: CaseId,
    customer: CustomerId,
    channel: Channel,
    subject: &str,
    route: &Route,
    reasons: Vec<String>,
    at: Timestamp,
) -> (Case, CaseEvent) {
    let mut case = Case::open(id, customer, channel, subject, route.priority, route.queue.clone(), at);
    case.reasons = reasons;
    let event = CaseEvent {
        case_id: id,
        customer_id: customer,
        at,
        actor: Actor::Customer,
        kind: CaseEventKind::Opened { subject: subject.to_string(), channel },
    };
    (case, event)
}

/// What [`apply`] produced: the case as it now is and the events that got it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub case: Case,
    pub events: Vec<CaseEvent>,
    /// True when `case` is new (its id is the one the caller offered).
    pub opened: bool,
}

/// Applies a customer's contact. `existing` is the case `threading` names (for
/// `Continue` and `Reopen`); `new_id` is the id to use if a case is opened.
pub fn apply(
    contact: &Contact,
    threading: Threading,
    existing: Option<&Case>,
    new_id: CaseId,
    customer: CustomerId,
    route: &Route,
    catalogue: &ClosureCatalogue,
) -> Result<Intake, CaseError> {
    let at = contact.occurred_at;
    let reasons: Vec<String> = contact.reason.iter().cloned().collect();
    let found = |id: CaseId| existing.filter(|c| c.id == id);
    match threading {
        Threading::Continue(id) | Threading::Reopen(id) if found(id).is_some() => {
            let mut case = found(id).cloned().unwrap_or_else(|| unreachable!());
            let mut events = Vec::new();
            if matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed) {
                let reason = format!("The customer got in touch again by {}.", contact.channel.label());
                let (c, e) = case.apply(&CaseAction::Reopen { reason }, &Actor::System, at, catalogue)?;
                case = c;
                events.push(e);
            }
            let (c, e) = case.apply(&CaseAction::CustomerMessage, &Actor::Customer, at, catalogue)?;
            events.push(e);
            Ok(Intake { case: c, events, opened: false })
        }
        // The named case vanished (or none was given): start afresh rather than lose
        // the contact.
        Threading::Continue(_) | Threading::Reopen(_) => {
            apply(contact, Threading::Open { repeat_of: None }, None, new_id, customer, route, catalogue)
        }
        Threading::Open { repeat_of } => {
            let (mut case, opened) = open_case(new_id, customer, contact.channel, &contact.summary, route, reasons, at);
            let mut events = vec![opened];
            if repeat_of.is_some() {
                let (c, e) = case.apply(&CaseAction::FlagRepeatContact, &Actor::System, at, catalogue)?;
                case = c;
                events.push(e);
            }
            Ok(Intake { case, events, opened: true })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        format!("2026-03-{s}:00Z").parse().unwrap()
    }

    fn contact(at: &str) -> Contact {
        Contact {
            channel: Channel::Sms,
            direction: Direction::Inbound,
            occurred_at: t(at),
            sender: Some((IdentityKind::Phone, "+447700900123".into())),
            sender_name: None,
            summary: "Is my new card on its way?".into(),
            body: Some("Is my new card on its way?".into()),
            facts: ChannelFacts::default(),
            key: "twilio-sms:SM1".into(),
            revision: 0,
            reason: Some("card_delivery".into()),
        }
    }

    fn route_cards() -> Route {
        Route { queue: "cards".into(), priority: Priority::Normal }
    }

    fn resolved_case(id: i64, at: &str) -> Case {
        let cat = ClosureCatalogue::default();
        let (c, _) =
            open_case(CaseId(id), CustomerId(1), Channel::Phone, "Lost card", &route_cards(), vec![], t("01T09:00"));
        let (c, _) = c.apply(&CaseAction::Acknowledge, &Actor::agent("sam"), t("01T09:05"), &cat).unwrap();
        let resolve = CaseAction::Resolve { closure_code: "fixed".into(), summary: "New card sent".into() };
        c.apply(&resolve, &Actor::agent("sam"), t(at), &cat).unwrap().0
    }

    #[test]
    fn the_most_specific_routing_rule_wins() {
        let rules = vec![
            RoutingRule { channel: Channel::Sms, account: None, queue: "messaging".into(), priority: Priority::Normal },
            RoutingRule {
                channel: Channel::Sms,
                account: Some("fraud-line".into()),
                queue: "fraud".into(),
                priority: Priority::Urgent,
            },
        ];
        assert_eq!(
            route(&rules, Channel::Sms, "fraud-line"),
            Route { queue: "fraud".into(), priority: Priority::Urgent }
        );
        assert_eq!(route(&rules, Channel::Sms, "main").queue, "messaging");
        assert_eq!(
            route(&rules, Channel::Phone, "main"),
            Route { queue: DEFAULT_QUEUE.into(), priority: Priority::Normal }
        );
    }

    #[test]
    fn a_contact_continues_the_newest_active_case_on_any_channel() {
        let (old, _) = open_case(CaseId(1), CustomerId(1), Channel::Phone, "a", &route_cards(), vec![], t("01T09:00"));
        let (new, _) = open_case(CaseId(2), CustomerId(1), Channel::Email, "b", &route_cards(), vec![], t("02T09:00"));
        assert_eq!(thread(&[old, new], t("03T09:00"), &ThreadingPolicy::default()), Threading::Continue(CaseId(2)));
    }

    #[test]
    fn resolution_windows_decide_between_reopen_repeat_and_new() {
        let p = ThreadingPolicy { reopen_within_days: 3, repeat_within_days: 7 };
        let cases = [resolved_case(4, "02T10:00")];
        assert_eq!(thread(&cases, t("05T10:00"), &p), Threading::Reopen(CaseId(4)), "exactly 3 days is within");
        assert_eq!(thread(&cases, t("05T10:01"), &p), Threading::Open { repeat_of: Some(CaseId(4)) });
        assert_eq!(thread(&cases, t("09T10:00"), &p), Threading::Open { repeat_of: Some(CaseId(4)) });
        assert_eq!(thread(&cases, t("09T10:01"), &p), Threading::Open { repeat_of: None });
        assert_eq!(thread(&[], t("09T10:01"), &p), Threading::Open { repeat_of: None });
    }

    #[test]
    fn a_reopened_case_waits_for_a_reply_again() {
        let cat = ClosureCatalogue::default();
        let case = resolved_case(4, "02T10:00");
        let c = contact("03T08:00");
        let i = apply(&c, Threading::Reopen(CaseId(4)), Some(&case), CaseId(9), CustomerId(1), &route_cards(), &cat)
            .unwrap();
        assert!(!i.opened);
        assert_eq!(i.case.status, CaseStatus::Open);
        assert_eq!(i.case.awaiting_reply_since, Some(t("03T08:00")));
        let kinds: Vec<&str> = i.events.iter().map(|e| e.kind.name()).collect();
        assert_eq!(kinds, ["reopened", "customer_message"]);
        assert_eq!(i.events[0].actor, Actor::System);
    }

    #[test]
    fn a_new_case_carries_route_reason_and_repeat_flag() {
        let cat = ClosureCatalogue::default();
        let c = contact("06T08:00");
        let i = apply(
            &c,
            Threading::Open { repeat_of: Some(CaseId(4)) },
            None,
            CaseId(9),
            CustomerId(1),
            &route_cards(),
            &cat,
        )
        .unwrap();
        assert!(i.opened);
        assert_eq!((i.case.id, i.case.queue.as_str(), i.case.channel), (CaseId(9), "cards", Channel::Sms));
        assert_eq!(i.case.reasons, ["card_delivery"]);
        assert!(i.case.repeat_contact);
        assert_eq!(i.case.awaiting_reply_since, Some(t("06T08:00")), "the first-response clock starts");
        let kinds: Vec<&str> = i.events.iter().map(|e| e.kind.name()).collect();
        assert_eq!(kinds, ["opened", "flagged_repeat_contact"]);
    }

    #[test]
    fn a_vanished_case_opens_a_new_one_instead_of_losing_the_contact() {
        let cat = ClosureCatalogue::default();
        let i = apply(
            &contact("06T08:00"),
            Threading::Continue(CaseId(3)),
            None,
            CaseId(9),
            CustomerId(1),
            &route_cards(),
            &cat,
        )
        .unwrap();
        assert!(i.opened);
    }
}
