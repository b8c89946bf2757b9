//! Business-hours calendars: when the contact centre is open, in its own time zone.
//!
//! Opening hours are civil (wall-clock) times, but SLA time is measured as real elapsed
//! time between the instants those civil times denote. So on the day the clocks go
//! forward a 00:30–03:30 window in Europe/London is 2h of business time, and on the day
//! they go back it is 4h. A civil time that falls in a DST gap or fold is resolved with
//! jiff's *compatible* disambiguation (a gap moves later, a fold takes the earlier
//! instant), the rule RFC 5545 and most calendars use.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const DAY_NS: i64 = 86_400_000_000_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CalendarError {
    #[error("unknown time zone `{0}`")]
    UnknownTimeZone(String),
    #[error(
        "the {day} window {start}–{end} ends before it starts; split hours that run past midnight into two windows"
    )]
    InvalidWindow { day: &'static str, start: Time, end: Time },
}

/// Opening hours for each weekday, Monday (index 0) to Sunday (index 6).
///
/// Each window is `(start, end)` in local civil time, end exclusive. An `end` of
/// `00:00` or [`Time::MAX`] means "until midnight" (24:00), so `(00:00, 00:00)` is the
/// whole day. Windows may overlap (they are merged); a window that ends before it starts
/// is refused by [`BusinessCalendar::new`], because hours past midnight belong to the
/// next weekday and that day may be a holiday.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WeeklyHours(pub [Vec<(Time, Time)>; 7]);

impl WeeklyHours {
    /// Closed every day; add windows with [`WeeklyHours::with`].
    pub fn closed() -> Self {
        Self::default()
    }

    /// Open around the clock, every day.
    pub fn always() -> Self {
        Self(std::array::from_fn(|_| vec![(Time::midnight(), Time::midnight())]))
    }

    /// Monday to Friday `start`–`end`; closed at weekends.
    pub fn weekdays(start: Time, end: Time) -> Self {
        Self(std::array::from_fn(|i| if i < 5 { vec![(start, end)] } else { Vec::new() }))
    }

    /// Monday to Friday `start`–`end`, Saturday `sat_start`–`sat_end`, Sunday closed:
    /// the usual shape of a contact centre's week.
    pub fn weekdays_and_saturday(start: Time, end: Time, sat_start: Time, sat_end: Time) -> Self {
        Self::weekdays(start, end).with(Weekday::Saturday, sat_start, sat_end)
    }

    /// Adds a window on `day` (keeping the windows already there).
    pub fn with(mut self, day: Weekday, start: Time, end: Time) -> Self {
        self.0[day_index(day)].push((start, end));
        self
    }

    /// The windows of `day`, as given.
    pub fn day(&self, day: Weekday) -> &[(Time, Time)] {
        &self.0[day_index(day)]
    }
}

/// When business time runs: a time zone, weekly opening hours and holidays (closed all
/// day). Pure: every query takes its instants as arguments.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    tz: TimeZone,
    tz_name: String,
    week: WeeklyHours,
    /// Per weekday: sorted, merged `[start, end)` windows in nanoseconds since local
    /// midnight, `end <= DAY_NS`.
    open: [Vec<(i64, i64)>; 7],
    /// Sum of the civil window lengths over one week.
    weekly_total: SignedDuration,
    holidays: BTreeSet<Date>,
}

impl BusinessCalendar {
    /// A calendar in the IANA time zone `tz` (e.g. `Europe/London`).
    pub fn new(tz: &str, week: WeeklyHours, holidays: impl IntoIterator<Item = Date>) -> Result<Self, CalendarError> {
        let zone = TimeZone::get(tz).map_err(|_| CalendarError::UnknownTimeZone(tz.to_string()))?;
        Self::with_zone(zone, tz.to_string(), week, holidays)
    }

    fn with_zone(
        tz: TimeZone,
        tz_name: String,
        week: WeeklyHours,
        holidays: impl IntoIterator<Item = Date>,
    ) -> Result<Self, CalendarError> {
        let mut open: [Vec<(i64, i64)>; 7] = Default::default();
        for (i, windows) in week.0.iter().enumerate() {
            let mut spans = Vec::with_capacity(windows.len());
            for &(start, end) in windows {
                let s = nanos_of_day(start);
                let e = if end == Time::midnight() || end == Time::MAX { DAY_NS } else { nanos_of_day(end) };
                if e <= s {
                    return Err(CalendarError::InvalidWindow { day: DAY_NAMES[i], start, end });
                }
                spans.push((s, e));
            }
            spans.sort_unstable();
            for (s, e) in spans {
                match open[i].last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => open[i].push((s, e)),
                }
            }
        }
        let weekly_total = SignedDuration::from_nanos(open.iter().flatten().map(|(s, e)| e - s).sum());
        Ok(Self { tz, tz_name, week, open, weekly_total, holidays: holidays.into_iter().collect() })
    }

    /// Open 24 hours a day, 7 days a week, in UTC: business time is plain elapsed time.
    pub fn always_open() -> Self {
        Self::with_zone(TimeZone::UTC, "UTC".into(), WeeklyHours::always(), []).expect("24x7 windows are valid")
    }

    /// The default contact-centre calendar: Europe/London, Monday to Friday 08:00–20:00,
    /// Saturday 09:00–17:00, closed on Sundays and on England & Wales bank holidays
    /// (2025–2027; extend the list as the government publishes later years).
    pub fn uk_contact_centre() -> Self {
        let t = |h| Time::constant(h, 0, 0, 0);
        let week = WeeklyHours::weekdays_and_saturday(t(8), t(20), t(9), t(17));
        Self::new(
            "Europe/London",
            week,
            ENGLAND_AND_WALES_BANK_HOLIDAYS.iter().map(|&(y, m, d)| Date::constant(y, m, d)),
        )
        .expect("Europe/London is in the bundled tz database")
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// The time zone name the calendar was built with.
    pub fn time_zone_name(&self) -> &str {
        &self.tz_name
    }

    pub fn weekly_hours(&self) -> &WeeklyHours {
        &self.week
    }

    pub fn holidays(&self) -> &BTreeSet<Date> {
        &self.holidays
    }

    /// Open hours in a normal week (civil time, so DST changes and holidays aside).
    pub fn weekly_total(&self) -> SignedDuration {
        self.weekly_total
    }

    /// Business time in `[from, to)`; zero when `to <= from`.
    pub fn business_time(&self, from: Timestamp, to: Timestamp) -> SignedDuration {
        let mut total = SignedDuration::ZERO;
        if to <= from || self.weekly_total.is_zero() {
            return total;
        }
        let Some((mut date, mut lo)) = self.first_day(from) else {
            return total;
        };
        let mut buf = Vec::new();
        let long = SignedDuration::from_hours(24 * 8);
        while lo < to {
            // Skip a whole week at once when nothing can make it differ from a normal week.
            if lo >= from
                && to.duration_since(lo) > long
                && let Some((d7, m7)) = self.plain_week(date, lo)
                && m7 <= to
            {
                total += self.weekly_total;
                (date, lo) = (d7, m7);
                continue;
            }
            let Some((next, hi)) = self.next_day(date) else {
                break;
            };
            self.open_intervals(date, lo, hi, &mut buf);
            for &(s, e) in &buf {
                let (s, e) = (s.max(from), e.min(to));
                if e > s {
                    total += e.duration_since(s);
                }
            }
            (date, lo) = (next, hi);
        }
        total
    }

    /// The earliest instant `t >= from` with `business_time(from, t) == amount`.
    ///
    /// A non-positive `amount` gives `from`. `None` when the calendar is never open (or
    /// the answer would lie beyond the representable range or some years past the last
    /// holiday run), so a misconfigured calendar cannot loop for ever.
    pub fn add_business_time(&self, from: Timestamp, amount: SignedDuration) -> Option<Timestamp> {
        if amount <= SignedDuration::ZERO {
            return Some(from);
        }
        if self.weekly_total.is_zero() {
            return None;
        }
        // Enough days for the amount even with DST shortening weeks, plus every holiday
        // and three years of slack.
        let weeks = amount.as_nanos() / self.weekly_total.as_nanos() + 1;
        let max_days =
            i64::try_from(14 * weeks).unwrap_or(i64::MAX).saturating_add(3 * 366 + self.holidays.len() as i64);
        let (mut date, mut lo) = self.first_day(from)?;
        let mut remaining = amount;
        let mut days = 0i64;
        let mut buf = Vec::new();
        while days <= max_days {
            if lo >= from
                && remaining > self.weekly_total
                && let Some((d7, m7)) = self.plain_week(date, lo)
            {
                remaining -= self.weekly_total;
                (date, lo, days) = (d7, m7, days + 7);
                continue;
            }
            let (next, hi) = self.next_day(date)?;
            self.open_intervals(date, lo, hi, &mut buf);
            for &(s, e) in &buf {
                let s = s.max(from);
                if e <= s {
                    continue;
                }
                let len = e.duration_since(s);
                if remaining <= len {
                    return s.checked_add(remaining).ok();
                }
                remaining -= len;
            }
            (date, lo, days) = (next, hi, days + 1);
        }
        None
    }

    /// The local day before the one containing `from`, and the instant it starts. Starting
    /// a day early keeps odd midnight transitions from hiding an interval.
    fn first_day(&self, from: Timestamp) -> Option<(Date, Timestamp)> {
        let date = self.tz.to_datetime(from).date().yesterday().ok()?;
        Some((date, self.midnight(date)?))
    }

    fn next_day(&self, date: Date) -> Option<(Date, Timestamp)> {
        let next = date.tomorrow().ok()?;
        Some((next, self.midnight(next)?))
    }

    /// The instant local `date` begins (compatible disambiguation).
    fn midnight(&self, date: Date) -> Option<Timestamp> {
        self.tz.to_ambiguous_timestamp(date.to_datetime(Time::midnight())).compatible().ok()
    }

    /// Fills `out` with the open intervals of local `date`, which starts at `lo` and ends
    /// at `hi`. Each bound is clamped so that intervals stay ordered, disjoint and inside
    /// the day even where a DST gap makes a later civil time map to an earlier instant.
    fn open_intervals(&self, date: Date, lo: Timestamp, hi: Timestamp, out: &mut Vec<(Timestamp, Timestamp)>) {
        out.clear();
        if self.holidays.contains(&date) {
            return;
        }
        let mut floor = lo;
        for &(s, e) in &self.open[day_index(date.weekday())] {
            let s = self.instant(date, s, lo, hi).clamp(floor, hi);
            let e = self.instant(date, e, lo, hi).clamp(s, hi);
            if e > s {
                out.push((s, e));
            }
            floor = e;
        }
    }

    fn instant(&self, date: Date, ns: i64, lo: Timestamp, hi: Timestamp) -> Timestamp {
        match ns {
            0 => lo,
            DAY_NS => hi,
            _ => self.tz.to_ambiguous_timestamp(date.to_datetime(time_of_day(ns))).compatible().unwrap_or(lo),
        }
    }

    /// If the seven days from `date` (starting at `lo`) hold no holiday and no time-zone
    /// transition is near, their business time is exactly `weekly_total`: returns the day
    /// after and the instant it starts.
    fn plain_week(&self, date: Date, lo: Timestamp) -> Option<(Date, Timestamp)> {
        let end = date.checked_add(7.days()).ok()?;
        if self.holidays.range(date..end).next().is_some() {
            return None;
        }
        let m7 = self.midnight(end)?;
        let margin = SignedDuration::from_hours(24);
        let horizon = m7.checked_add(margin).ok()?;
        match self.tz.following(lo.checked_sub(margin).ok()?).next() {
            Some(t) if t.timestamp() <= horizon => None,
            _ => Some((end, m7)),
        }
    }
}

const DAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// England & Wales bank holidays (gov.uk), including substitute days.
const ENGLAND_AND_WALES_BANK_HOLIDAYS: [(i16, i8, i8); 24] = [
    (2025, 1, 1),
    (2025, 4, 18),
    (2025, 4, 21),
    (2025, 5, 5),
    (2025, 5, 26),
    (2025, 8, 25),
    (2025, 12, 25),
    (2025, 12, 26),
    (2026, 1, 1),
    (2026, 4, 3),
    (2026, 4, 6),
    (2026, 5, 4),
    (2026, 5, 25),
    (2026, 8, 31),
    (2026, 12, 25),
    (2026, 12, 28),
    (2027, 1, 1),
    (2027, 3, 26),
    (2027, 3, 29),
    (2027, 5, 3),
    (2027, 5, 31),
    (2027, 8, 30),
    (2027, 12, 27),
    (2027, 12, 28),
];

fn day_index(day: Weekday) -> usize {
    day.to_monday_zero_offset() as usize
}

fn nanos_of_day(t: Time) -> i64 {
    Time::midnight().duration_until(t).as_nanos() as i64
}

fn time_of_day(ns: i64) -> Time {
    let secs = ns / 1_000_000_000;
    Time::new((secs / 3600) as i8, (secs / 60 % 60) as i8, (secs % 60) as i8, (ns % 1_000_000_000) as i32)
        .expect("0 <= ns < one day")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn london(s: &str) -> Timestamp {
        let dt: jiff::civil::DateTime = s.parse().unwrap();
        TimeZone::get("Europe/London").unwrap().to_ambiguous_timestamp(dt).compatible().unwrap()
    }

    fn h(hours: i64) -> SignedDuration {
        SignedDuration::from_hours(hours)
    }

    fn t(h: i8, m: i8) -> Time {
        Time::constant(h, m, 0, 0)
    }

    fn uk() -> BusinessCalendar {
        BusinessCalendar::uk_contact_centre()
    }

    #[test]
    fn unknown_zones_and_backwards_windows_are_refused() {
        let e = BusinessCalendar::new("Mars/Olympus", WeeklyHours::weekdays(t(9, 0), t(17, 0)), []).unwrap_err();
        assert_eq!(e, CalendarError::UnknownTimeZone("Mars/Olympus".into()));
        let e = BusinessCalendar::new("UTC", WeeklyHours::weekdays(t(22, 0), t(6, 0)), []).unwrap_err();
        assert!(e.to_string().starts_with("the Monday window 22:00:00–06:00:00 ends before it starts"), "{e}");
    }

    #[test]
    fn a_plain_weekday_counts_its_open_hours() {
        let cal = uk();
        // Tuesday 2026-03-03: open 08:00–20:00 GMT.
        assert_eq!(cal.business_time(london("2026-03-03T00:00"), london("2026-03-04T00:00")), h(12));
        assert_eq!(
            cal.business_time(london("2026-03-03T07:00"), london("2026-03-03T09:30")),
            h(1) + SignedDuration::from_mins(30)
        );
        assert_eq!(cal.business_time(london("2026-03-03T19:00"), london("2026-03-03T07:00")), SignedDuration::ZERO);
        assert_eq!(cal.weekly_total(), h(5 * 12 + 8));
    }

    #[test]
    fn a_weekend_counts_saturday_only() {
        let cal = uk();
        // Friday 19:00 → Monday 09:00: 1h Friday + 8h Saturday + 0 Sunday + 1h Monday.
        assert_eq!(cal.business_time(london("2026-03-06T19:00"), london("2026-03-09T09:00")), h(10));
        // 2h from Friday 19:00 lands Saturday 10:00.
        assert_eq!(cal.add_business_time(london("2026-03-06T19:00"), h(2)), Some(london("2026-03-07T10:00")));
        // 10h from Saturday 16:00: 1h Saturday, Sunday closed, 9h Monday → 17:00.
        assert_eq!(cal.add_business_time(london("2026-03-07T16:00"), h(10)), Some(london("2026-03-09T17:00")));
    }

    #[test]
    fn holidays_are_skipped() {
        let cal = uk();
        // Good Friday 2026-04-03 and Easter Monday 2026-04-06 are closed.
        assert_eq!(cal.business_time(london("2026-04-02T19:00"), london("2026-04-07T09:00")), h(1 + 8 + 1));
        assert_eq!(cal.add_business_time(london("2026-04-02T19:00"), h(9)), Some(london("2026-04-04T17:00")));
        assert_eq!(cal.add_business_time(london("2026-04-02T19:00"), h(10)), Some(london("2026-04-07T09:00")));
    }

    #[test]
    fn bank_holidays_are_weekdays_and_include_2026() {
        let cal = uk();
        assert_eq!(cal.holidays().len(), 24);
        assert!(cal.holidays().iter().all(|d| day_index(d.weekday()) < 5), "{:?}", cal.holidays());
        for d in [
            date(2026, 1, 1),
            date(2026, 4, 3),
            date(2026, 4, 6),
            date(2026, 5, 4),
            date(2026, 5, 25),
            date(2026, 8, 31),
            date(2026, 12, 25),
            date(2026, 12, 28),
        ] {
            assert!(cal.holidays().contains(&d), "{d}");
        }
    }

    #[test]
    fn spring_forward_day_measures_real_time() {
        // Sunday 2026-03-29: 01:00 GMT jumps to 02:00 BST.
        let week = WeeklyHours::closed().with(Weekday::Sunday, t(0, 30), t(3, 30));
        let cal = BusinessCalendar::new("Europe/London", week, []).unwrap();
        let day = (london("2026-03-29T00:00"), london("2026-03-30T00:00"));
        assert_eq!(cal.business_time(day.0, day.1), h(2));
        assert_eq!(cal.add_business_time(day.0, h(2)), Some("2026-03-29T02:30Z".parse().unwrap()));
        // A window starting inside the gap starts at the instant after it.
        let week = WeeklyHours::closed().with(Weekday::Sunday, t(1, 30), t(4, 0));
        let cal = BusinessCalendar::new("Europe/London", week, []).unwrap();
        assert_eq!(cal.business_time(day.0, day.1), h(1) + SignedDuration::from_mins(30));
    }

    #[test]
    fn fall_back_day_measures_real_time() {
        // Sunday 2026-10-25: 02:00 BST goes back to 01:00 GMT.
        let week = WeeklyHours::closed().with(Weekday::Sunday, t(0, 30), t(3, 30));
        let cal = BusinessCalendar::new("Europe/London", week, []).unwrap();
        let day = (london("2026-10-25T00:00"), london("2026-10-26T00:00"));
        assert_eq!(cal.business_time(day.0, day.1), h(4));
        assert_eq!(cal.add_business_time(day.0, h(4)), Some("2026-10-25T03:30Z".parse().unwrap()));
        // An all-day calendar sees a 25-hour day.
        let cal = BusinessCalendar::new("Europe/London", WeeklyHours::always(), []).unwrap();
        assert_eq!(cal.business_time(day.0, day.1), h(25));
    }

    #[test]
    fn business_hours_across_dst_weeks_match_day_by_day_sums() {
        let cal = uk();
        // The week containing the March change (Mon 23 – Mon 30) and the October one.
        for (a, b) in [("2026-03-23T00:00", "2026-03-30T00:00"), ("2026-10-19T00:00", "2026-10-26T00:00")] {
            assert_eq!(cal.business_time(london(a), london(b)), h(68));
        }
        // A whole year: 52 weeks and a day, less eight bank holidays.
        let year = cal.business_time(london("2026-01-01T00:00"), london("2027-01-01T00:00"));
        let by_day: SignedDuration = (0..365)
            .map(|i| {
                let d = date(2026, 1, 1).checked_add(i.days()).unwrap();
                let a = d.to_zoned_datetime(cal.time_zone().clone()).unwrap().timestamp();
                let b = d.tomorrow().unwrap().to_zoned_datetime(cal.time_zone().clone()).unwrap().timestamp();
                cal.business_time(a, b)
            })
            .sum();
        assert_eq!(year, by_day);
        assert_eq!(year, h(52 * 68 + 12 - 8 * 12));
    }

    #[test]
    fn add_is_the_inverse_of_business_time() {
        let cal = uk();
        let from = london("2026-03-27T15:10");
        for hours in [0, 1, 5, 12, 40, 100, 1000] {
            let to = cal.add_business_time(from, h(hours)).unwrap();
            assert_eq!(cal.business_time(from, to), h(hours), "{hours}h");
        }
        // Ending exactly at closing time gives closing time, not the next opening.
        assert_eq!(cal.add_business_time(london("2026-03-03T19:00"), h(1)), Some(london("2026-03-03T20:00")));
        assert_eq!(cal.add_business_time(from, -h(1)), Some(from));
    }

    #[test]
    fn always_open_is_elapsed_time_and_closed_is_none() {
        let cal = BusinessCalendar::always_open();
        let a: Timestamp = "2026-03-29T00:30Z".parse().unwrap();
        assert_eq!(cal.business_time(a, a + h(1000)), h(1000));
        assert_eq!(cal.add_business_time(a, h(1000)), Some(a + h(1000)));
        let closed = BusinessCalendar::new("UTC", WeeklyHours::closed(), []).unwrap();
        assert_eq!(closed.add_business_time(a, h(1)), None);
        assert_eq!(closed.business_time(a, a + h(100)), SignedDuration::ZERO);
    }

    #[test]
    fn overlapping_and_midnight_windows_merge() {
        let week = WeeklyHours::closed()
            .with(Weekday::Monday, t(9, 0), t(12, 0))
            .with(Weekday::Monday, t(11, 0), t(13, 0))
            .with(Weekday::Monday, t(22, 0), Time::MAX)
            .with(Weekday::Tuesday, t(0, 0), t(2, 0));
        let cal = BusinessCalendar::new("UTC", week, []).unwrap();
        assert_eq!(cal.weekly_total(), h(4 + 2 + 2));
        let mon: Timestamp = "2026-03-02T00:00Z".parse().unwrap();
        // Monday 22:00 → Tuesday 02:00 runs straight through midnight.
        assert_eq!(cal.add_business_time(mon + h(21), h(4)), Some(mon + h(26)));
    }

    #[test]
    fn a_few_days_are_fast() {
        let cal = uk();
        let from = london("2026-03-02T10:00");
        let start = std::time::Instant::now();
        for _ in 0..1000 {
            std::hint::black_box(cal.add_business_time(from, h(40)));
        }
        // A generous bound so that debug builds on slow machines pass: ~microseconds each.
        assert!(start.elapsed() < std::time::Duration::from_secs(1), "{:?}", start.elapsed());
    }
}
