//! Human-readable output: durations, ages, SLA badges and fixed-width columns.

use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use tideline_core::sla::{ClockKind, ClockState, ClockStatus};

/// `2d 4h`, `3h 05m`, `12m`: the two largest units, as agents read time.
pub fn duration(d: SignedDuration) -> String {
    let secs = d.as_secs().unsigned_abs();
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else {
        format!("{mins}m")
    }
}

pub fn clock_name(k: ClockKind) -> &'static str {
    match k {
        ClockKind::FirstResponse => "first response",
        ClockKind::NextReply => "next reply",
        ClockKind::PeriodicUpdate => "update",
        ClockKind::Resolution => "resolution",
    }
}

/// `BREACHED 1h 20m over (first response)`, `WARNING 15m left (next reply)`, `ok 3h 10m left (…)`.
pub fn sla_badge(clock: Option<&ClockStatus>) -> String {
    let Some(c) = clock else { return "paused".into() };
    let name = clock_name(c.kind);
    if c.paused {
        return format!("paused ({name})");
    }
    match c.state {
        ClockState::Breached => format!("BREACHED {} over ({name})", duration(c.remaining)),
        ClockState::Warning => format!("WARNING {} left ({name})", duration(c.remaining)),
        ClockState::Ok => format!("ok {} left ({name})", duration(c.remaining)),
        ClockState::Met => format!("met ({name})"),
        ClockState::Missed => format!("missed ({name})"),
    }
}

/// A timestamp in the viewer's own time zone, to the minute.
pub fn local_time(t: Timestamp) -> String {
    t.to_zoned_datetime(TimeZone::system()).strftime("%Y-%m-%d %H:%M").to_string()
}

/// Cuts `s` to `width` characters, marking the cut with `…`.
pub fn fit(s: &str, width: usize) -> String {
    let one_line = s.replace(['\n', '\r', '\t'], " ");
    if one_line.chars().count() <= width {
        return one_line;
    }
    let mut out: String = one_line.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_an_agent_says_them() {
        assert_eq!(duration(SignedDuration::from_mins(12)), "12m");
        assert_eq!(duration(SignedDuration::from_mins(185)), "3h 05m");
        assert_eq!(duration(SignedDuration::from_hours(-52)), "2d 4h");
        assert_eq!(fit("Card declined\nat the till", 12), "Card declin…");
    }
}
