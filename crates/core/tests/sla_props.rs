//! Property tests for business-hours calendars and SLA clocks, over calendars with
//! holidays and DST changes (Europe/London 2025–2027, and Lord Howe's 30-minute shift).

use jiff::civil::{Time, Weekday};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use tideline_core::case::Interval;
use tideline_core::sla::{BusinessCalendar, ClockInput, ClockKind, ClockState, WeeklyHours, clock_status};

fn calendars() -> Vec<BusinessCalendar> {
    let t = |h, m| Time::constant(h, m, 0, 0);
    // Windows that straddle the 01:00–02:00 London changes, split and overlapping.
    let night = WeeklyHours::weekdays(t(9, 0), t(17, 30))
        .with(Weekday::Sunday, t(0, 30), t(3, 30))
        .with(Weekday::Sunday, t(1, 15), t(1, 45))
        .with(Weekday::Sunday, t(22, 0), t(0, 0))
        .with(Weekday::Wednesday, t(16, 0), t(19, 0));
    vec![
        BusinessCalendar::uk_contact_centre(),
        BusinessCalendar::always_open(),
        BusinessCalendar::new("Europe/London", night, [jiff::civil::date(2026, 3, 25)]).unwrap(),
        BusinessCalendar::new("Australia/Lord_Howe", WeeklyHours::always(), []).unwrap(),
    ]
}

/// Instants from late 2024 to early 2028, to the nanosecond but mostly on round minutes.
fn instant() -> impl Strategy<Value = Timestamp> {
    let lo = 1_733_000_000i64; // 2024-11-30
    let hi = 1_830_000_000i64; // 2027-12-27
    prop_oneof![
        (lo / 60..hi / 60).prop_map(|m| Timestamp::from_second(m * 60).unwrap()),
        (lo..hi, 0..1_000_000_000i32).prop_map(|(s, n)| Timestamp::new(s, n).unwrap()),
    ]
}

fn sorted3(a: Timestamp, b: Timestamp, c: Timestamp) -> (Timestamp, Timestamp, Timestamp) {
    let mut v = [a, b, c];
    v.sort();
    (v[0], v[1], v[2])
}

fn cal() -> impl Strategy<Value = usize> {
    0..4usize
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn business_time_is_monotonic_and_additive(i in cal(), a in instant(), b in instant(), c in instant()) {
        let cal = &calendars()[i];
        let (a, b, c) = sorted3(a, b, c);
        let (ab, bc, ac) = (cal.business_time(a, b), cal.business_time(b, c), cal.business_time(a, c));
        prop_assert!(ab >= SignedDuration::ZERO && bc >= SignedDuration::ZERO);
        prop_assert!(ab <= ac, "monotonic in `to`");
        prop_assert!(cal.business_time(b, c) <= cal.business_time(a, c), "monotonic in `from`");
        prop_assert_eq!(ab + bc, ac);
        prop_assert!(ac <= c.duration_since(a));
        prop_assert_eq!(cal.business_time(c, a), SignedDuration::ZERO);
    }

    #[test]
    fn long_spans_equal_the_sum_of_their_days(i in cal(), a in instant(), days in 1i64..120) {
        let cal = &calendars()[i];
        let day = SignedDuration::from_hours(24);
        let total: SignedDuration = (0..days).map(|d| cal.business_time(a + day * d as i32, a + day * (d + 1) as i32)).sum();
        prop_assert_eq!(cal.business_time(a, a + day * days as i32), total);
    }

    #[test]
    fn add_inverts_business_time(i in cal(), from in instant(), to in instant(), mins in 0i64..20_000) {
        let cal = &calendars()[i];
        if to >= from {
            let t = cal.add_business_time(from, cal.business_time(from, to)).unwrap();
            prop_assert!(from <= t && t <= to);
        }
        let d = SignedDuration::from_mins(mins) + SignedDuration::from_nanos(mins % 7);
        let t = cal.add_business_time(from, d).unwrap();
        prop_assert!(t >= from);
        prop_assert_eq!(cal.business_time(from, t), d);
        // Earliest such instant: a nanosecond sooner is short of the amount.
        if d > SignedDuration::ZERO {
            prop_assert!(cal.business_time(from, t - SignedDuration::from_nanos(1)) < d);
        }
    }

    #[test]
    fn pauses_never_count(
        i in cal(),
        start in instant(),
        now in instant(),
        p in proptest::collection::vec((instant(), instant()), 0..4),
        extra in (instant(), instant()),
    ) {
        let cal = &calendars()[i];
        let iv = |(a, b): (Timestamp, Timestamp)| Interval { start: a.min(b), end: a.max(b) };
        let pauses: Vec<Interval> = p.into_iter().map(iv).collect();
        let target = SignedDuration::from_hours(40);
        let status = |pauses: &[Interval]| {
            clock_status(cal, ClockKind::Resolution, target, 75, &ClockInput { start, stop: None, pauses }, now)
        };
        let base = status(&pauses);
        let mut more = pauses.clone();
        more.push(iv(extra));
        let with_extra = status(&more);
        prop_assert!(with_extra.elapsed <= base.elapsed, "adding a pause never adds time");
        prop_assert!(base.elapsed <= cal.business_time(start, now));
        // A pause over the whole span leaves nothing.
        let all = [Interval { start: start.min(now), end: start.max(now) }];
        prop_assert_eq!(status(&all).elapsed, SignedDuration::ZERO);
        // For a running clock, breached exactly from due_at on, and due_at ignores `now`.
        if !base.paused {
            let due = base.due_at.unwrap();
            prop_assert_eq!(base.state == ClockState::Breached, now >= due);
            let later = clock_status(cal, ClockKind::Resolution, target, 75, &ClockInput { start, stop: None, pauses: &pauses }, now.max(due) + SignedDuration::from_hours(1));
            if !later.paused {
                prop_assert_eq!(later.due_at, Some(due));
            }
        }
    }
}
