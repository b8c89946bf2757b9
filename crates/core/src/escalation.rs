//! Escalation rules: deterministic condition → action pairs, evaluated over a case, its
//! SLA clocks and the customer's recent contacts.
//!
//! Each rule fires at most once per case (the case records fired ids in `fired_rules`),
//! so escalation stays predictable instead of nagging. Evaluation is pure: the caller
//! applies the resulting [`CaseAction`]s through `Case::apply` and records the ids.

use crate::case::{Case, CaseAction, Priority};
use crate::sla::{ClockKind, ClockState, ClockStatus};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationRule {
    /// Stable id; recorded on the case when the rule fires.
    pub id: String,
    pub condition: Condition,
    pub action: RuleAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// A running clock (of this kind, or any when `None`) has used its warning share of
    /// the target. A breached clock has passed that point too, so it matches as well.
    ClockWarning {
        clock: Option<ClockKind>,
    },
    /// A running clock (of this kind, or any) is past its target.
    ClockBreached {
        clock: Option<ClockKind>,
    },
    /// The customer contacted us at least `contacts` times about one of this case's
    /// contact reasons within the last `within_days` days (24h each), this case's own
    /// contact included.
    RepeatContact {
        contacts: u32,
        within_days: u32,
    },
    PriorityAtLeast(Priority),
    /// Every condition holds (an empty list always holds).
    All(Vec<Condition>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    NotifyLead,
    RaisePriority,
    Reassign { queue: String },
    FlagRepeatContact,
}

/// One past contact of the customer and its contact-reason tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonContact {
    pub at: Timestamp,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Firing {
    pub rule_id: String,
    pub action: RuleAction,
    /// A sentence for the timeline, e.g. "first response SLA breached (2h 10m over)".
    pub reason: String,
}

impl Firing {
    /// The case mutation that carries out this firing; `None` when it would change
    /// nothing (raising the priority of an urgent case).
    pub fn to_case_action(&self, case: &Case) -> Option<CaseAction> {
        match &self.action {
            RuleAction::NotifyLead => Some(CaseAction::Escalate { reason: self.reason.clone() }),
            RuleAction::RaisePriority => (case.priority != Priority::Urgent)
                .then(|| CaseAction::SetPriority { priority: case.priority.raised() }),
            RuleAction::Reassign { queue } => Some(CaseAction::Assign { assignee: None, queue: Some(queue.clone()) }),
            RuleAction::FlagRepeatContact => Some(CaseAction::FlagRepeatContact),
        }
    }
}

/// Warning reached → tell the team lead; breached → raise the priority; third contact
/// about the same reason within a week → flag it as a repeat contact (failure demand).
pub fn default_rules() -> Vec<EscalationRule> {
    vec![
        EscalationRule {
            id: "sla-warning-notify-lead".into(),
            condition: Condition::ClockWarning { clock: None },
            action: RuleAction::NotifyLead,
        },
        EscalationRule {
            id: "sla-breached-raise-priority".into(),
            condition: Condition::ClockBreached { clock: None },
            action: RuleAction::RaisePriority,
        },
        EscalationRule {
            id: "repeat-contact-flag".into(),
            condition: Condition::RepeatContact { contacts: 3, within_days: 7 },
            action: RuleAction::FlagRepeatContact,
        },
    ]
}

/// The rules that fire for `case` at `now`, in rule order. Rules already in
/// `case.fired_rules` (or repeated ids) do not fire again; resolved and closed cases fire
/// nothing.
pub fn evaluate(
    rules: &[EscalationRule],
    case: &Case,
    clocks: &[ClockStatus],
    history: &[ReasonContact],
    now: Timestamp,
) -> Vec<Firing> {
    let mut firings: Vec<Firing> = Vec::new();
    if !case.status.is_active() {
        return firings;
    }
    let ctx = Context { case, clocks, history, now };
    for rule in rules {
        if case.fired_rules.contains(&rule.id) || firings.iter().any(|f| f.rule_id == rule.id) {
            continue;
        }
        if let Some(reason) = ctx.check(&rule.condition) {
            firings.push(Firing { rule_id: rule.id.clone(), action: rule.action.clone(), reason });
        }
    }
    firings
}

struct Context<'a> {
    case: &'a Case,
    clocks: &'a [ClockStatus],
    history: &'a [ReasonContact],
    now: Timestamp,
}

impl Context<'_> {
    /// `Some(why)` when the condition holds.
    fn check(&self, condition: &Condition) -> Option<String> {
        match condition {
            Condition::ClockWarning { clock } => self
                .worst_clock(*clock, |s| matches!(s, ClockState::Warning | ClockState::Breached))
                .map(describe_clock),
            Condition::ClockBreached { clock } => {
                self.worst_clock(*clock, |s| s == ClockState::Breached).map(describe_clock)
            }
            Condition::RepeatContact { contacts, within_days } => self.repeat_contact(*contacts, *within_days),
            Condition::PriorityAtLeast(p) => {
                (self.case.priority >= *p).then(|| format!("priority is {}", self.case.priority))
            }
            Condition::All(all) => {
                all.iter().map(|c| self.check(c)).collect::<Option<Vec<_>>>().map(|v| v.join(" and "))
            }
        }
    }

    /// The running clock matching `kind` and `state` with the least time left.
    fn worst_clock(&self, kind: Option<ClockKind>, state: impl Fn(ClockState) -> bool) -> Option<&ClockStatus> {
        self.clocks
            .iter()
            .filter(|c| c.is_running() && state(c.state) && kind.is_none_or(|k| c.kind == k))
            .min_by_key(|c| c.remaining)
    }

    fn repeat_contact(&self, contacts: u32, within_days: u32) -> Option<String> {
        let since = self.now.checked_sub(SignedDuration::from_hours(24 * i64::from(within_days))).ok()?;
        self.case
            .reasons
            .iter()
            .map(|reason| {
                let earlier = self
                    .history
                    .iter()
                    .filter(|c| c.at >= since && c.at <= self.now && same_reason(&c.reason, reason))
                    // The caller may include this case's own contact; count it once.
                    .filter(|c| c.at != self.case.opened_at)
                    .count();
                (reason, earlier as u64 + 1)
            })
            .filter(|&(_, n)| n >= u64::from(contacts))
            .max_by_key(|&(_, n)| n)
            .map(|(reason, n)| format!("{} contact about {reason} within {within_days} days", ordinal(n)))
    }
}

fn same_reason(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn describe_clock(c: &ClockStatus) -> String {
    let label = c.kind.label();
    if c.state == ClockState::Breached {
        format!("{label} SLA breached ({} over)", human(-c.remaining))
    } else {
        let used = c.elapsed.as_nanos() * 100 / c.target.as_nanos().max(1);
        format!("{label} SLA at {used}% ({} left)", human(c.remaining))
    }
}

/// "2h 10m", "45m", "0m": business time, so hours are not folded into days.
fn human(d: SignedDuration) -> String {
    let mins = d.as_secs().max(0) / 60;
    match (mins / 60, mins % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m}m"),
    }
}

fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseStatus, ClosureCatalogue};
    use crate::channel::{Actor, Channel};
    use crate::ids::{CaseId, CustomerId};
    use crate::sla::{BusinessCalendar, SlaPolicy, case_clocks};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn case(opened: &str) -> Case {
        let mut c =
            Case::open(CaseId(1), CustomerId(1), Channel::X, "Card declined", Priority::Normal, "cards", ts(opened));
        c.reasons = vec!["card_declined".into()];
        c
    }

    fn policy() -> SlaPolicy {
        SlaPolicy::new(BusinessCalendar::always_open())
    }

    fn fire(c: &Case, history: &[ReasonContact], now: &str) -> Vec<Firing> {
        let clocks = case_clocks(c, &policy(), ts(now));
        evaluate(&default_rules(), c, &clocks, history, ts(now))
    }

    fn ids(f: &[Firing]) -> Vec<&str> {
        f.iter().map(|f| f.rule_id.as_str()).collect()
    }

    #[test]
    fn warning_then_breach_each_fire_once() {
        let mut c = case("2026-03-02T09:00Z");
        assert!(fire(&c, &[], "2026-03-02T09:30Z").is_empty());
        let f = fire(&c, &[], "2026-03-02T09:50Z");
        assert_eq!(ids(&f), ["sla-warning-notify-lead"]);
        assert_eq!(f[0].reason, "first response SLA at 83% (10m left)");
        assert_eq!(f[0].to_case_action(&c), Some(CaseAction::Escalate { reason: f[0].reason.clone() }));
        c.fired_rules.push(f[0].rule_id.clone());

        let f = fire(&c, &[], "2026-03-02T11:10Z");
        assert_eq!(ids(&f), ["sla-breached-raise-priority"]);
        assert_eq!(f[0].reason, "first response SLA breached (1h 10m over)");
        assert_eq!(f[0].to_case_action(&c), Some(CaseAction::SetPriority { priority: Priority::High }));
        c.fired_rules.push(f[0].rule_id.clone());
        assert!(fire(&c, &[], "2026-03-05T11:10Z").is_empty());
    }

    #[test]
    fn inactive_cases_fire_nothing() {
        let c = case("2026-03-02T09:00Z");
        let a = Actor::agent("sam");
        let cat = ClosureCatalogue::default();
        let c = c.apply(&CaseAction::Acknowledge, &a, ts("2026-03-02T12:00Z"), &cat).unwrap().0;
        let c = c
            .apply(
                &CaseAction::Resolve { closure_code: "fixed".into(), summary: "ok".into() },
                &a,
                ts("2026-03-02T13:00Z"),
                &cat,
            )
            .unwrap()
            .0;
        assert_eq!(c.status, CaseStatus::Resolved);
        let history = vec![ReasonContact { at: ts("2026-03-01T09:00Z"), reason: "card_declined".into() }; 5];
        assert!(fire(&c, &history, "2026-03-02T14:00Z").is_empty());
    }

    #[test]
    fn repeat_contacts_count_within_the_window() {
        let c = case("2026-03-09T09:00Z");
        let contact = |at: &str, reason: &str| ReasonContact { at: ts(at), reason: reason.into() };
        let now = "2026-03-09T09:05Z";
        // One earlier contact on the reason, one on another reason: 2nd contact only.
        let two = [contact("2026-03-05T10:00Z", "card_declined"), contact("2026-03-06T10:00Z", "billing")];
        assert!(fire(&c, &two, now).is_empty());
        // Three on the reason, but one is 8 days old: still only the 2nd in the window.
        let stale = [contact("2026-03-01T09:00Z", "card_declined"), contact("2026-03-05T10:00Z", "card_declined")];
        assert!(fire(&c, &stale, now).is_empty());
        // Exactly 7 days ago is inside the window; this case's own contact counts once.
        let three = [
            contact("2026-03-02T09:05Z", "Card_Declined"),
            contact("2026-03-05T10:00Z", "card_declined"),
            contact("2026-03-09T09:00Z", "card_declined"),
        ];
        let f = fire(&c, &three, now);
        assert_eq!(ids(&f), ["repeat-contact-flag"]);
        assert_eq!(f[0].reason, "3rd contact about card_declined within 7 days");
        assert_eq!(f[0].to_case_action(&c), Some(CaseAction::FlagRepeatContact));
        // Contacts after `now` do not count.
        let future = [contact("2026-03-05T10:00Z", "card_declined"), contact("2026-03-10T10:00Z", "card_declined")];
        assert!(fire(&c, &future, now).is_empty());
    }

    #[test]
    fn conditions_combine_and_actions_map() {
        let mut c = case("2026-03-02T09:00Z");
        c.priority = Priority::Urgent;
        let rules = vec![EscalationRule {
            id: "urgent-breach".into(),
            condition: Condition::All(vec![
                Condition::PriorityAtLeast(Priority::High),
                Condition::ClockBreached { clock: Some(ClockKind::FirstResponse) },
            ]),
            action: RuleAction::Reassign { queue: "leads".into() },
        }];
        let now = ts("2026-03-02T09:20Z");
        let clocks = case_clocks(&c, &policy(), now);
        let f = evaluate(&rules, &c, &clocks, &[], now);
        assert_eq!(f[0].reason, "priority is urgent and first response SLA breached (5m over)");
        assert_eq!(f[0].to_case_action(&c), Some(CaseAction::Assign { assignee: None, queue: Some("leads".into()) }));
        let raise = Firing { rule_id: "r".into(), action: RuleAction::RaisePriority, reason: "x".into() };
        assert_eq!(raise.to_case_action(&c), None);
        // Only the named clock counts.
        let rules = vec![EscalationRule {
            id: "r".into(),
            condition: Condition::ClockBreached { clock: Some(ClockKind::Resolution) },
            action: RuleAction::NotifyLead,
        }];
        assert!(evaluate(&rules, &c, &clocks, &[], now).is_empty());
    }

    #[test]
    fn rules_round_trip_through_json() {
        let mut rules = default_rules();
        rules.push(EscalationRule {
            id: "x".into(),
            condition: Condition::All(vec![Condition::PriorityAtLeast(Priority::High)]),
            action: RuleAction::Reassign { queue: "leads".into() },
        });
        let json = serde_json::to_string(&rules).unwrap();
        assert_eq!(serde_json::from_str::<Vec<EscalationRule>>(&json).unwrap(), rules);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human(SignedDuration::from_mins(130)), "2h 10m");
        assert_eq!(human(SignedDuration::from_mins(45)), "45m");
        assert_eq!(human(SignedDuration::from_hours(3)), "3h");
        assert_eq!(
            [1, 2, 3, 4, 11, 12, 13, 21, 22, 23].map(ordinal),
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd"]
        );
    }
}
