//! Wall-clock arithmetic in Europe/London on plain unix seconds, and the contact
//! centre's business hours (Monday to Friday, 08:00 to 20:00 local time).
//!
//! The generator places the opening of active cases by *business* time before `now`,
//! so their SLA clocks land in the ok, warning or breached band by construction, without
//! calling the SLA module. Bank holidays are not modelled here.

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub(crate) const DAY: i64 = 86_400;
pub(crate) const HOUR: i64 = 3_600;
pub(crate) const MIN: i64 = 60;
pub(crate) const OPEN: i64 = 8 * HOUR;
pub(crate) const CLOSE: i64 = 20 * HOUR;

pub(crate) fn ts(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).expect("demo timestamps are within jiff's range")
}

#[derive(Debug, Clone)]
pub(crate) struct London {
    tz: TimeZone,
}

/// Monday = 0 ... Sunday = 6, for a day number counted from 1970-01-01 (a Thursday).
pub(crate) fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

fn is_business_day(day: i64) -> bool {
    weekday(day) < 5
}

impl London {
    pub(crate) fn new() -> Self {
        // jiff bundles the tz database, so this does not depend on the host.
        let tz = TimeZone::get("Europe/London").expect("jiff bundles Europe/London");
        London { tz }
    }

    fn offset(&self, utc: i64) -> i64 {
        i64::from(self.tz.to_offset(ts(utc)).seconds())
    }

    /// Local wall-clock seconds since the local epoch.
    pub(crate) fn local(&self, utc: i64) -> i64 {
        utc + self.offset(utc)
    }

    /// The instant of a local wall-clock time (the earlier one in a repeated hour).
    pub(crate) fn utc(&self, local: i64) -> i64 {
        let first = local - self.offset(local);
        let off = self.offset(first);
        local - off
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

    /// The instant `amount` seconds of business time after `from` (the next opening if
    /// `from` is outside business hours and `amount` is zero).
    pub(crate) fn add_business(&self, from: i64, amount: i64) -> i64 {
        let mut local = self.local(from);
        let mut rem = amount.max(0);
        loop {
            let day = local.div_euclid(DAY);
            let sod = local - day * DAY;
            if is_business_day(day) && sod < CLOSE {
                let start = sod.max(OPEN);
                let avail = CLOSE - start;
                if rem <= avail {
                    return self.utc(day * DAY + start + rem);
                }
                rem -= avail;
            }
            local = (day + 1) * DAY;
        }
    }

    /// The latest instant whose business time up to `to` is `amount` seconds.
    pub(crate) fn sub_business(&self, to: i64, amount: i64) -> i64 {
        if amount <= 0 {
            return to;
        }
        let mut local = self.local(to);
        let mut rem = amount;
        loop {
            let day = local.div_euclid(DAY);
            let sod = local - day * DAY;
            if is_business_day(day) && sod > OPEN {
                let end = sod.min(CLOSE);
                let avail = end - OPEN;
                if rem <= avail {
                    return self.utc(day * DAY + end - rem);
                }
                rem -= avail;
            }
            local = day * DAY - 1;
        }
    }

    /// Business seconds between two instants (`from <= to`); used by the tests.
    #[cfg(test)]
    pub(crate) fn business_between(&self, from: i64, to: i64) -> i64 {
        let (mut day, mut sod) = self.day_and_time(from);
        let (end_day, end_sod) = self.day_and_time(to);
        let mut total = 0;
        while day <= end_day {
            let until = if day == end_day { end_sod } else { DAY };
            if is_business_day(day) {
                let a = sod.max(OPEN);
                let b = until.min(CLOSE);
                total += (b - a).max(0);
            }
            day += 1;
            sod = 0;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_second()
    }

    #[test]
    fn business_time_skips_nights_and_weekends_in_london_time() {
        let l = London::new();
        // Friday 2026-03-06 19:30 GMT plus 1h of business time is Monday 08:30.
        assert_eq!(l.add_business(secs("2026-03-06T19:30:00Z"), HOUR), secs("2026-03-09T08:30:00Z"));
        // In summer time, 08:00 London is 07:00 UTC.
        assert_eq!(l.add_business(secs("2026-06-06T12:00:00Z"), 0), secs("2026-06-08T07:00:00Z"));
        // Back from Monday 08:30 by 1h lands on Friday 19:30.
        assert_eq!(l.sub_business(secs("2026-03-09T08:30:00Z"), HOUR), secs("2026-03-06T19:30:00Z"));
        // From a Sunday, business time counts back from Friday's close.
        assert_eq!(l.sub_business(secs("2026-03-08T15:00:00Z"), 30 * MIN), secs("2026-03-06T19:30:00Z"));
    }

    #[test]
    fn sub_business_inverts_business_between() {
        let l = London::new();
        let now = secs("2026-03-10T10:15:00Z");
        for amount in [MIN, 50 * MIN, 2 * HOUR, 4 * HOUR, 13 * HOUR, 40 * HOUR] {
            let from = l.sub_business(now, amount);
            assert_eq!(l.business_between(from, now), amount, "{amount}");
            assert_eq!(l.add_business(from, amount), now);
        }
    }
}
