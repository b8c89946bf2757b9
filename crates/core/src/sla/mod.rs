//! SLA clocks measured in business hours.
//!
//! CONTRACT: the signatures re-exported here are used by the store and the CLI; keep
//! them. Everything takes time as an argument: nothing here reads the clock.
//!
//! - [`BusinessCalendar`]: when business time runs (time zone, weekly hours, holidays).
//! - [`clock_status`] / [`case_clocks`]: how much of each target a case has used.
//! - [`SlaPolicy`]: which targets apply, by channel group and priority only.

mod calendar;
mod clock;
mod policy;

pub use calendar::{BusinessCalendar, CalendarError, WeeklyHours};
pub use clock::{ClockInput, ClockKind, ClockState, ClockStatus, case_clocks, clock_status, next_due};
pub use policy::{ChannelGroup, SlaPolicy, SlaTargets, priority_percent};
