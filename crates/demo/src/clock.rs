//! Business-time arithmetic on plain unix seconds, with the opening hours, holidays and
//! time zone of the default SLA policy's calendar.
//!
//! The generator places active cases back from `now` by *business* time, so their SLA
//! clocks land in the ok, warning or breached band by construction. The calendar's data
//! (weekly windows, holidays, zone) is read once from `SlaPolicy::default()`; the
//! arithmetic here is integer-only and fast, and can go backwards (`sub_business`), which
//! the core calendar does not offer.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use tideline_core::sla::BusinessCalendar;

pub(crate) const DAY: i64 = 86_400;
pub(crate) const HOUR: i64 = 3_600;
pub(crate) const MIN: i64 = 60;

pub(crate) fn ts(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).expect("demo timestamps are within jiff's range")
}

/// Monday = 0 ... Sunday = 6, for a day number counted from 1970-01-01 (a Thursday).
pub(crate) fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn date_days(d: Date) -> i64 {
    days_from_civil(i64::from(d.year()), i64::from(d.month()), i64::from(d.day()))
}

fn secs_of_day(t: Time, is_end: bool) -> i64 {
    if is_end && (t == Time::midnight() || t == Time::MAX) {
        return DAY;
    }
    i64::from(t.hour()) * HOUR + i64::from(t.minute()) * MIN + i64::from(t.second())
}

#[derive(Debug, Clone)]
pub(crate) struct Calendar {
    tz: TimeZone,
    /// Per weekday (Monday first): sorted, disjoint `[start, end)` seconds of the day.
    windows: [Vec<(i64, i64)>; 7],
    /// Closed days, as sorted day numbers.
    holidays: Vec<i64>,
}

impl Calendar {
    pub(crate) fn from_business_calendar(cal: &BusinessCalendar) -> Self {
        let week = cal.weekly_hours();
        let windows = std::array::from_fn(|i| {
            let mut v: Vec<(i64, i64)> =
                week.0[i].iter().map(|&(s, e)| (secs_of_day(s, false), secs_of_day(e, true))).collect();
            v.sort_unstable();
            let mut merged: Vec<(i64, i64)> = Vec::with_capacity(v.len());
            for (s, e) in v {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            merged
        });
        let mut holidays: Vec<i64> = cal.holidays().iter().map(|&d| date_days(d)).collect();
        holidays.sort_unstable();
        Calendar { tz: cal.time_zone().clone(), windows, holidays }
    }

    fn offset(&self, utc: i64) -> i64 {
        i64::from(self.tz.to_offset(ts(utc)).seconds())
    }

    /// Local wall-clock seconds since the local epoch.
    pub(crate) fn local(&self, utc: i64) -> i64 {
        utc + self.offset(utc)
    }

    /// The instant of a local wall-clock time.
    pub(crate) fn utc(&self, local: i64) -> i64 {
        let first = local - self.offset(local);
        local - self.offset(first)
    }

    /// The local calendar day and the local seconds since midnight of an instant.
    pub(crate) fn day_and_time(&self, utc: i64) -> (i64, i64) {
        let l = self.local(utc);
        (l.div_euclid(DAY), l.rem_euclid(DAY))
    }

    /// The instant at `secs_of_day` local time on local day `day`.
    pub(crate) fn at(&self, day: i64, secs_of_day: i64) -> i64 {
        self.utc(day * DAY + secs_of_day)
    }

    fn day_windows(&self, day: i64) -> &[(i64, i64)] {
        if self.holidays.binary_search(&day).is_ok() { &[] } else { &self.windows[weekday(day) as usize] }
    }

    fn never_open(&self) -> bool {
        self.windows.iter().all(Vec::is_empty)
    }

    /// The instant `amount` seconds of business time after `from` (the next opening if
    /// `from` is outside business hours and `amount` is zero).
    pub(crate) fn add_business(&self, from: i64, amount: i64) -> i64 {
        if self.never_open() {
            return from + amount.max(0);
        }
        let (mut day, mut sod) = self.day_and_time(from);
        let mut rem = amount.max(0);
        loop {
            for &(s, e) in self.day_windows(day) {
                if sod < e {
                    let start = sod.max(s);
                    let avail = e - start;
                    if rem <= avail {
                        return self.at(day, start + rem);
                    }
                    rem -= avail;
                    sod = e;
                }
            }
            day += 1;
            sod = 0;
        }
    }

    /// The latest instant from which the business time up to `to` is `amount` seconds.
    pub(crate) fn sub_business(&self, to: i64, amount: i64) -> i64 {
        if amount <= 0 || self.never_open() {
            return to - amount.max(0);
        }
        let (mut day, mut sod) = self.day_and_time(to);
        let mut rem = amount;
        loop {
            for &(s, e) in self.day_windows(day).iter().rev() {
                if sod > s {
                    let end = sod.min(e);
                    let avail = end - s;
                    if rem <= avail {
                        return self.at(day, end - rem);
                    }
                    rem -= avail;
                    sod = s;
                }
            }
            day -= 1;
            sod = DAY;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use jiff::SignedDuration;
    use tideline_core::sla::SlaPolicy;

    fn secs(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_second()
    }

    #[test]
    fn business_time_follows_the_default_calendar() {
        let cal = SlaPolicy::default().calendar;
        let c = Calendar::from_business_calendar(&cal);
        // Friday 2026-03-06 19:30 GMT plus 1h: Saturday opens 09:00, so 09:30.
        assert_eq!(c.add_business(secs("2026-03-06T19:30:00Z"), HOUR), secs("2026-03-07T09:30:00Z"));
        // Saturday 16:30 plus 1h runs into Monday: 08:30.
        assert_eq!(c.add_business(secs("2026-03-07T16:30:00Z"), HOUR), secs("2026-03-09T08:30:00Z"));
        // In summer time, 08:00 London is 07:00 UTC.
        assert_eq!(c.add_business(secs("2026-06-07T12:00:00Z"), 0), secs("2026-06-08T07:00:00Z"));
        // From a Sunday, business time counts back from Saturday's close.
        assert_eq!(c.sub_business(secs("2026-03-08T15:00:00Z"), 30 * MIN), secs("2026-03-07T16:30:00Z"));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 3, 6), secs("2026-03-06T00:00:00Z") / DAY);
    }

    #[test]
    fn sub_business_inverts_the_core_calendar() {
        let cal = SlaPolicy::default().calendar;
        let c = Calendar::from_business_calendar(&cal);
        let mut rng = Rng::new(1);
        let base = secs("2025-01-01T00:00:00Z");
        for _ in 0..2_000 {
            let now = base + rng.range(0, 3 * 365 * DAY);
            let amount = rng.range(1, 60 * HOUR);
            let from = c.sub_business(now, amount);
            assert_eq!(
                cal.business_time(ts(from), ts(now)),
                SignedDuration::from_secs(amount),
                "{} back from {}",
                amount,
                ts(now)
            );
            let there = c.add_business(from, amount);
            assert_eq!(cal.business_time(ts(from), ts(there)), SignedDuration::from_secs(amount));
        }
    }
}
