//! SLA clocks: how much business time a piece of work has used, and when it falls due.

use super::{BusinessCalendar, SlaPolicy};
use crate::case::{Case, CaseStatus, Interval};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    FirstResponse,
    NextReply,
    PeriodicUpdate,
    Resolution,
}

impl ClockKind {
    pub const ALL: [ClockKind; 4] =
        [ClockKind::FirstResponse, ClockKind::NextReply, ClockKind::PeriodicUpdate, ClockKind::Resolution];

    /// Lower-case words for sentences ("first response SLA breached").
    pub fn label(self) -> &'static str {
        match self {
            ClockKind::FirstResponse => "first response",
            ClockKind::NextReply => "next reply",
            ClockKind::PeriodicUpdate => "periodic update",
            ClockKind::Resolution => "resolution",
        }
    }
}

/// `Ok`, `Warning` and `Breached` describe a running clock; `Met` and `Missed` a stopped
/// one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Ok,
    Warning,
    Breached,
    Met,
    Missed,
}

impl ClockState {
    pub fn is_running(self) -> bool {
        matches!(self, ClockState::Ok | ClockState::Warning | ClockState::Breached)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClockStatus {
    pub kind: ClockKind,
    pub state: ClockState,
    #[serde(with = "seconds")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub target: SignedDuration,
    /// Business time used, pauses excluded.
    #[serde(with = "seconds")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub elapsed: SignedDuration,
    /// `target - elapsed`; negative once over.
    #[serde(with = "seconds")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub remaining: SignedDuration,
    /// When a running, unpaused clock reaches its target if nothing else pauses it.
    /// Depends only on the start, the pauses and the target, never on `now`, so the
    /// store can index it to order the queue.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub due_at: Option<Timestamp>,
    /// The clock is running but stands still at `now` (e.g. waiting on the customer).
    pub paused: bool,
}

impl ClockStatus {
    pub fn is_running(&self) -> bool {
        self.state.is_running()
    }
}

pub struct ClockInput<'a> {
    pub start: Timestamp,
    /// When the clock stopped (the work was done); `None` while it runs.
    pub stop: Option<Timestamp>,
    /// Spans that never count. They may overlap each other or reach past start or stop.
    /// A pause still under way should end at `Timestamp::MAX`: ending it at `now` would
    /// make the clock look running at `now`.
    pub pauses: &'a [Interval],
}

/// The status of one clock at `now`.
///
/// A running clock is `Breached` once `elapsed >= target`: at `due_at` itself the time is
/// up. So for a running, unpaused clock, `Breached` holds exactly when `now >= due_at`.
/// A stopped clock is `Met` when `elapsed <= target` (stopping at the due instant is in
/// time). `Warning` means `elapsed * 100 >= target * warn_at_percent`.
pub fn clock_status(
    cal: &BusinessCalendar,
    kind: ClockKind,
    target: SignedDuration,
    warn_at_percent: u8,
    input: &ClockInput<'_>,
    now: Timestamp,
) -> ClockStatus {
    let start = input.start;
    let end = input.stop.unwrap_or(now).max(start);
    let pauses = merge_pauses(input.pauses, start);
    let elapsed = active_business_time(cal, start, end, &pauses);
    let running = input.stop.is_none();
    let paused = running && pauses.iter().any(|p| p.start <= now && now < p.end);
    let state = if !running {
        if elapsed <= target { ClockState::Met } else { ClockState::Missed }
    } else if elapsed >= target {
        ClockState::Breached
    } else if elapsed.as_nanos() * 100 >= target.as_nanos() * i128::from(warn_at_percent) {
        ClockState::Warning
    } else {
        ClockState::Ok
    };
    let due_at = if running && !paused { due_at(cal, start, target, &pauses) } else { None };
    ClockStatus { kind, state, target, elapsed, remaining: target - elapsed, due_at, paused }
}

/// The pauses that end after `start`, sorted and merged so that none overlap.
fn merge_pauses(pauses: &[Interval], start: Timestamp) -> Vec<Interval> {
    let mut v: Vec<Interval> = pauses
        .iter()
        .filter(|p| p.end > p.start && p.end > start)
        .map(|p| Interval { start: p.start.max(start), end: p.end })
        .collect();
    v.sort_unstable_by_key(|p| p.start);
    let mut merged: Vec<Interval> = Vec::with_capacity(v.len());
    for p in v {
        match merged.last_mut() {
            Some(last) if p.start <= last.end => last.end = last.end.max(p.end),
            _ => merged.push(p),
        }
    }
    merged
}

/// Business time in `[start, end)` outside the (merged) pauses.
fn active_business_time(
    cal: &BusinessCalendar,
    start: Timestamp,
    end: Timestamp,
    pauses: &[Interval],
) -> SignedDuration {
    let mut total = SignedDuration::ZERO;
    let mut cursor = start;
    for p in pauses {
        if p.start >= end {
            break;
        }
        total += cal.business_time(cursor, p.start);
        cursor = cursor.max(p.end);
    }
    total + cal.business_time(cursor, end)
}

/// The earliest instant at which the active business time since `start` reaches
/// `target`, walking around the known pauses.
fn due_at(cal: &BusinessCalendar, start: Timestamp, target: SignedDuration, pauses: &[Interval]) -> Option<Timestamp> {
    let mut remaining = target;
    let mut cursor = start;
    for p in pauses {
        let available = cal.business_time(cursor, p.start);
        if remaining <= available {
            return cal.add_business_time(cursor, remaining);
        }
        remaining -= available;
        cursor = cursor.max(p.end);
    }
    cal.add_business_time(cursor, remaining)
}

/// The clocks that apply to `case` at `now`, in [`ClockKind::ALL`] order. A target of
/// `None` in the policy means that clock is not kept.
///
/// - First response runs from opening until the first response.
/// - Next reply runs while a customer message waits, once the first response is done.
/// - Periodic update ("keep me updated") runs from our last update while the case is
///   open and acknowledged: the longest gap allowed between updates.
/// - Resolution runs from opening until resolved.
///
/// Time pending and time spent resolved before a reopen never count. A resolved or
/// closed case reports only its stopped clocks (first response and resolution).
pub fn case_clocks(case: &Case, policy: &SlaPolicy, now: Timestamp) -> Vec<ClockStatus> {
    let targets = policy.targets(case.channel, case.priority);
    // Like `case.pauses_until(now)`, but the pause under way stays open-ended, so the
    // clock reads as paused and due_at does not move with `now`.
    let mut pauses = case.paused.clone();
    if let Some(start) = case.pending_since.or(case.resolved_at) {
        pauses.push(Interval { start, end: Timestamp::MAX });
    }
    let active = case.status.is_active();
    let mut clocks = Vec::with_capacity(4);
    let mut push = |kind: ClockKind, start: Timestamp, stop: Option<Timestamp>| {
        if let Some(target) = targets.get(kind) {
            let input = ClockInput { start, stop, pauses: &pauses };
            clocks.push(clock_status(&policy.calendar, kind, target, targets.warn_at_percent, &input, now));
        }
    };
    let done_at = case.resolved_at.or(case.closed_at);
    if active {
        push(ClockKind::FirstResponse, case.opened_at, case.first_response_at);
        if let (Some(_), Some(since)) = (case.first_response_at, case.awaiting_reply_since) {
            push(ClockKind::NextReply, since, None);
        }
        if case.status == CaseStatus::Open
            && let Some(first) = case.first_response_at
        {
            push(ClockKind::PeriodicUpdate, case.last_update_at.unwrap_or(first).max(first), None);
        }
        push(ClockKind::Resolution, case.opened_at, None);
    } else if let Some(done) = done_at {
        push(ClockKind::FirstResponse, case.opened_at, Some(case.first_response_at.unwrap_or(done)));
        push(ClockKind::Resolution, case.opened_at, Some(done));
    }
    clocks
}

/// The running, unpaused clock that falls due first (the first of equals): the one the
/// queue is ordered by.
pub fn next_due(clocks: &[ClockStatus]) -> Option<&ClockStatus> {
    clocks.iter().filter(|c| c.is_running() && !c.paused && c.due_at.is_some()).min_by_key(|c| c.due_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseAction, ClosureCatalogue, Priority};
    use crate::channel::{Actor, Channel};
    use crate::ids::{CaseId, CustomerId};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn h(n: i64) -> SignedDuration {
        SignedDuration::from_hours(n)
    }

    fn m(n: i64) -> SignedDuration {
        SignedDuration::from_mins(n)
    }

    fn iv(a: &str, b: &str) -> Interval {
        Interval { start: ts(a), end: ts(b) }
    }

    fn status(input: &ClockInput<'_>, target: SignedDuration, now: &str) -> ClockStatus {
        clock_status(&BusinessCalendar::always_open(), ClockKind::Resolution, target, 75, input, ts(now))
    }

    #[test]
    fn state_thresholds() {
        let input = ClockInput { start: ts("2026-03-02T09:00Z"), stop: None, pauses: &[] };
        let at = |now| status(&input, h(4), now).state;
        assert_eq!(at("2026-03-02T08:00Z"), ClockState::Ok);
        assert_eq!(at("2026-03-02T11:59Z"), ClockState::Ok);
        assert_eq!(at("2026-03-02T12:00Z"), ClockState::Warning); // exactly 75%
        assert_eq!(at("2026-03-02T12:59Z"), ClockState::Warning);
        assert_eq!(at("2026-03-02T13:00Z"), ClockState::Breached); // exactly the target
        let s = status(&input, h(4), "2026-03-02T15:10Z");
        assert_eq!((s.elapsed, s.remaining), (h(6) + m(10), -(h(2) + m(10))));
        let stopped = |stop| status(&ClockInput { stop: Some(ts(stop)), ..input }, h(4), "2026-03-09T00:00Z");
        assert_eq!(stopped("2026-03-02T13:00Z").state, ClockState::Met);
        assert_eq!(stopped("2026-03-02T13:01Z").state, ClockState::Missed);
        assert_eq!(stopped("2026-03-02T13:00Z").due_at, None);
    }

    #[test]
    fn pauses_are_excluded_even_when_they_overlap() {
        let pauses = [
            iv("2026-03-02T10:00Z", "2026-03-02T11:00Z"),
            iv("2026-03-02T10:30Z", "2026-03-02T12:00Z"),
            iv("2026-03-02T07:00Z", "2026-03-02T09:30Z"), // begins before the clock
            iv("2026-03-02T16:00Z", "2026-03-02T18:00Z"), // reaches past the stop
        ];
        let input = ClockInput { start: ts("2026-03-02T09:00Z"), stop: Some(ts("2026-03-02T17:00Z")), pauses: &pauses };
        // 8h span less 30m before, 2h in the middle and 1h at the end.
        assert_eq!(status(&input, h(8), "2026-03-03T00:00Z").elapsed, h(4) + m(30));
    }

    #[test]
    fn a_paused_clock_has_no_due_time() {
        let pauses = [Interval { start: ts("2026-03-02T10:00Z"), end: Timestamp::MAX }];
        let input = ClockInput { start: ts("2026-03-02T09:00Z"), stop: None, pauses: &pauses };
        let s = status(&input, h(4), "2026-03-02T15:00Z");
        assert!(s.paused);
        assert_eq!((s.elapsed, s.state, s.due_at), (h(1), ClockState::Ok, None));
    }

    #[test]
    fn due_at_does_not_depend_on_now() {
        let cal = BusinessCalendar::uk_contact_centre();
        let pauses = [iv("2026-03-02T10:00Z", "2026-03-02T12:00Z")];
        let input = ClockInput { start: ts("2026-03-02T09:00Z"), stop: None, pauses: &pauses };
        let at = |now| clock_status(&cal, ClockKind::FirstResponse, h(4), 75, &input, ts(now));
        let due = Some(ts("2026-03-02T15:00Z"));
        for now in ["2026-03-02T12:30Z", "2026-03-02T14:00Z", "2026-03-05T09:00Z"] {
            assert_eq!(at(now).due_at, due, "{now}");
        }
        // Breached exactly from due_at on.
        assert_eq!(at("2026-03-02T14:59Z").state, ClockState::Warning);
        assert_eq!(at("2026-03-02T15:00Z").state, ClockState::Breached);
        // A due time that runs past closing carries over to the next open day.
        let late = ClockInput { start: ts("2026-03-06T18:30Z"), stop: None, pauses: &[] };
        let s = clock_status(&cal, ClockKind::FirstResponse, h(4), 75, &late, ts("2026-03-06T19:00Z"));
        assert_eq!(s.due_at, Some(ts("2026-03-07T11:30Z")));
    }

    fn run(c: &Case, a: CaseAction, at: &str) -> Case {
        c.apply(&a, &Actor::agent("sam"), ts(at), &ClosureCatalogue::default()).unwrap().0
    }

    fn kinds(clocks: &[ClockStatus]) -> Vec<(ClockKind, ClockState)> {
        clocks.iter().map(|c| (c.kind, c.state)).collect()
    }

    #[test]
    fn case_clocks_follow_the_case() {
        use ClockKind::*;
        use ClockState::*;
        let policy = SlaPolicy::new(BusinessCalendar::always_open());
        let c = Case::open(
            CaseId(1),
            CustomerId(1),
            Channel::X,
            "Card declined",
            Priority::Normal,
            "cards",
            ts("2026-03-02T09:00Z"),
        );
        let clocks = case_clocks(&c, &policy, ts("2026-03-02T09:50Z"));
        assert_eq!(kinds(&clocks), [(FirstResponse, Warning), (Resolution, Ok)]);
        assert_eq!(next_due(&clocks).map(|c| c.kind), Some(FirstResponse));

        let c = run(&c, CaseAction::Acknowledge, "2026-03-02T09:30Z");
        let c = run(&c, CaseAction::CustomerMessage, "2026-03-02T10:00Z");
        let clocks = case_clocks(&c, &policy, ts("2026-03-02T11:00Z"));
        assert_eq!(kinds(&clocks), [(FirstResponse, Met), (NextReply, Ok), (PeriodicUpdate, Ok), (Resolution, Ok)]);
        assert_eq!(clocks[1].due_at, Some(ts("2026-03-02T12:00Z")));
        assert_eq!(clocks[2].due_at, Some(ts("2026-03-02T17:30Z")));
        assert_eq!(next_due(&clocks).map(|c| c.kind), Some(NextReply));

        // Pending: only the resolution clock remains, paused, with no due time.
        let c = run(&c, CaseAction::Reply { body: "Try now".into() }, "2026-03-02T11:00Z");
        let c = run(&c, CaseAction::SetPending, "2026-03-02T11:00Z");
        let clocks = case_clocks(&c, &policy, ts("2026-03-03T11:00Z"));
        assert_eq!(kinds(&clocks), [(FirstResponse, Met), (Resolution, Ok)]);
        assert!(clocks[1].paused);
        assert_eq!(clocks[1].elapsed, h(2));
        assert_eq!(next_due(&clocks), None);

        // Resumed a day later: the pending day never counts, and due_at is fixed.
        let c = run(&c, CaseAction::Resume, "2026-03-03T11:00Z");
        let a = case_clocks(&c, &policy, ts("2026-03-03T11:00Z"));
        let b = case_clocks(&c, &policy, ts("2026-03-04T11:00Z"));
        assert_eq!(a[2].kind, Resolution);
        assert_eq!(a[2].due_at, Some(ts("2026-03-05T01:00Z")));
        assert_eq!(a[2].due_at, b[2].due_at);
        assert!(!a[2].paused);

        // Resolved: only stopped clocks.
        let c =
            run(&c, CaseAction::Resolve { closure_code: "fixed".into(), summary: "Done".into() }, "2026-03-03T12:00Z");
        let clocks = case_clocks(&c, &policy, ts("2026-03-10T00:00Z"));
        assert_eq!(kinds(&clocks), [(FirstResponse, Met), (Resolution, Met)]);
        assert_eq!(clocks[1].elapsed, h(3));
        assert_eq!(next_due(&clocks), None);

        // Reopened later: the time spent resolved never counts.
        let c = run(&c, CaseAction::Reopen { reason: "Again".into() }, "2026-03-09T12:00Z");
        let clocks = case_clocks(&c, &policy, ts("2026-03-09T13:00Z"));
        assert_eq!(clocks.last().map(|c| (c.kind, c.elapsed)), Some((Resolution, h(4))));
    }

    #[test]
    fn missing_targets_mean_no_clock() {
        let targets = super::super::SlaTargets {
            first_response: None,
            next_reply: None,
            periodic_update: None,
            resolution: Some(h(1)),
            warn_at_percent: 75,
        };
        let policy =
            SlaPolicy::new(BusinessCalendar::always_open()).with_override(Channel::Email, Priority::Normal, targets);
        let c =
            Case::open(CaseId(1), CustomerId(1), Channel::Email, "Hi", Priority::Normal, "q", ts("2026-03-02T09:00Z"));
        let clocks = case_clocks(&c, &policy, ts("2026-03-02T11:00Z"));
        assert_eq!(kinds(&clocks), [(ClockKind::Resolution, ClockState::Breached)]);
    }

    #[test]
    fn next_due_takes_the_first_of_equals() {
        let mk = |kind, due: &str, paused| ClockStatus {
            kind,
            state: ClockState::Ok,
            target: h(1),
            elapsed: SignedDuration::ZERO,
            remaining: h(1),
            due_at: Some(ts(due)),
            paused,
        };
        let clocks = [
            mk(ClockKind::FirstResponse, "2026-03-02T08:00Z", true),
            mk(ClockKind::NextReply, "2026-03-02T10:00Z", false),
            mk(ClockKind::PeriodicUpdate, "2026-03-02T10:00Z", false),
            mk(ClockKind::Resolution, "2026-03-02T11:00Z", false),
        ];
        assert_eq!(next_due(&clocks).map(|c| c.kind), Some(ClockKind::NextReply));
    }
}

/// Durations cross the edges as whole seconds: simpler for a UI than ISO 8601 text.
mod seconds {
    use jiff::SignedDuration;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &SignedDuration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(d.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SignedDuration, D::Error> {
        i64::deserialize(d).map(SignedDuration::from_secs)
    }
}
