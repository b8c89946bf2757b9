//! SLA policies: which targets apply to a case, from its channel and priority alone.
//!
//! Targets depend on the channel group (how fast that kind of channel is expected to
//! move) and on the case's priority. Nothing about the customer, such as a follower
//! count, has a say: every customer on a channel is held to the same standard.

use super::{BusinessCalendar, ClockKind};
use crate::case::Priority;
use crate::channel::Channel;
use jiff::SignedDuration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Business-time targets for one (channel, priority). `None` means no such clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTargets {
    pub first_response: Option<SignedDuration>,
    pub next_reply: Option<SignedDuration>,
    pub periodic_update: Option<SignedDuration>,
    pub resolution: Option<SignedDuration>,
    /// A running clock turns to Warning once this share of its target is used.
    pub warn_at_percent: u8,
}

impl SlaTargets {
    /// The target of one clock.
    pub fn get(&self, kind: ClockKind) -> Option<SignedDuration> {
        match kind {
            ClockKind::FirstResponse => self.first_response,
            ClockKind::NextReply => self.next_reply,
            ClockKind::PeriodicUpdate => self.periodic_update,
            ClockKind::Resolution => self.resolution,
        }
    }

    /// Every target multiplied by `percent / 100` (exact to the nanosecond).
    pub fn scaled(&self, percent: u32) -> Self {
        let scale = |d: Option<SignedDuration>| {
            d.map(|d| SignedDuration::from_nanos_i128(d.as_nanos() * i128::from(percent) / 100))
        };
        SlaTargets {
            first_response: scale(self.first_response),
            next_reply: scale(self.next_reply),
            periodic_update: scale(self.periodic_update),
            resolution: scale(self.resolution),
            warn_at_percent: self.warn_at_percent,
        }
    }
}

/// Channels that share the same service standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelGroup {
    /// Social networks, chat and SMS: conversational, so customers expect quick turns.
    Messaging,
    /// Phone and branch: follow-ups to a conversation that already happened live.
    PhoneAndBranch,
    /// Email and web forms.
    EmailAndWebForm,
}

impl ChannelGroup {
    pub const ALL: [ChannelGroup; 3] =
        [ChannelGroup::Messaging, ChannelGroup::PhoneAndBranch, ChannelGroup::EmailAndWebForm];

    pub fn of(channel: Channel) -> Self {
        match channel {
            Channel::X | Channel::Facebook | Channel::Instagram | Channel::Chat | Channel::Sms => {
                ChannelGroup::Messaging
            }
            Channel::Phone | Channel::Branch => ChannelGroup::PhoneAndBranch,
            Channel::Email | Channel::WebForm => ChannelGroup::EmailAndWebForm,
        }
    }

    /// The standard normal-priority targets of the group.
    pub fn standard_targets(self) -> SlaTargets {
        let (first, next, update) = match self {
            ChannelGroup::Messaging => (1, 2, 8),
            ChannelGroup::PhoneAndBranch => (2, 4, 8),
            ChannelGroup::EmailAndWebForm => (4, 8, 16),
        };
        let h = |n| Some(SignedDuration::from_hours(n));
        SlaTargets {
            first_response: h(first),
            next_reply: h(next),
            periodic_update: h(update),
            resolution: h(40),
            warn_at_percent: 75,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How priority scales the normal targets, in percent: urgent work gets a quarter of the
/// time, low-priority work twice as long.
pub fn priority_percent(priority: Priority) -> u32 {
    match priority {
        Priority::Urgent => 25,
        Priority::High => 50,
        Priority::Normal => 100,
        Priority::Low => 200,
    }
}

/// A business calendar plus targets per channel group, scaled by priority, with optional
/// exact overrides per (channel, priority) for admins.
#[derive(Debug, Clone)]
pub struct SlaPolicy {
    pub calendar: BusinessCalendar,
    /// Normal-priority targets per [`ChannelGroup`], in `ChannelGroup::ALL` order.
    group_targets: [SlaTargets; 3],
    overrides: BTreeMap<(Channel, Priority), SlaTargets>,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl SlaPolicy {
    /// The standard targets on [`BusinessCalendar::uk_contact_centre`].
    pub fn standard() -> Self {
        Self::new(BusinessCalendar::uk_contact_centre())
    }

    /// The standard targets on another calendar.
    pub fn new(calendar: BusinessCalendar) -> Self {
        SlaPolicy {
            calendar,
            group_targets: ChannelGroup::ALL.map(ChannelGroup::standard_targets),
            overrides: BTreeMap::new(),
        }
    }

    /// The targets for a case on `channel` at `priority`: an override if one is set,
    /// else the channel group's targets scaled by [`priority_percent`].
    pub fn targets(&self, channel: Channel, priority: Priority) -> SlaTargets {
        match self.overrides.get(&(channel, priority)) {
            Some(t) => t.clone(),
            None => self.group_targets[ChannelGroup::of(channel).index()].scaled(priority_percent(priority)),
        }
    }

    /// Replaces a group's normal-priority targets (other priorities scale from them).
    pub fn with_group_targets(mut self, group: ChannelGroup, targets: SlaTargets) -> Self {
        self.group_targets[group.index()] = targets;
        self
    }

    /// Sets exact targets for one (channel, priority), bypassing group and scaling.
    pub fn with_override(mut self, channel: Channel, priority: Priority, targets: SlaTargets) -> Self {
        self.set_override(channel, priority, targets);
        self
    }

    pub fn set_override(&mut self, channel: Channel, priority: Priority, targets: SlaTargets) {
        self.overrides.insert((channel, priority), targets);
    }

    /// Drops an override; returns it if there was one.
    pub fn clear_override(&mut self, channel: Channel, priority: Priority) -> Option<SlaTargets> {
        self.overrides.remove(&(channel, priority))
    }

    pub fn overrides(&self) -> impl Iterator<Item = (Channel, Priority, &SlaTargets)> {
        self.overrides.iter().map(|(&(c, p), t)| (c, p, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(n: i64) -> Option<SignedDuration> {
        Some(SignedDuration::from_hours(n))
    }

    fn m(n: i64) -> Option<SignedDuration> {
        Some(SignedDuration::from_mins(n))
    }

    #[test]
    fn channel_groups_share_one_standard() {
        let p = SlaPolicy::default();
        for group in ChannelGroup::ALL {
            let members: Vec<_> = Channel::ALL.into_iter().filter(|&c| ChannelGroup::of(c) == group).collect();
            assert!(!members.is_empty());
            for prio in Priority::ALL {
                let first = p.targets(members[0], prio);
                assert!(members.iter().all(|&c| p.targets(c, prio) == first), "{group:?} {prio}");
            }
        }
        // Social is held to the same standard as chat and SMS.
        assert_eq!(p.targets(Channel::X, Priority::Normal), p.targets(Channel::Sms, Priority::Normal));
    }

    #[test]
    fn standard_targets_per_group() {
        let p = SlaPolicy::standard();
        let t = p.targets(Channel::Facebook, Priority::Normal);
        assert_eq!((t.first_response, t.next_reply, t.periodic_update, t.resolution), (h(1), h(2), h(8), h(40)));
        let t = p.targets(Channel::Branch, Priority::Normal);
        assert_eq!((t.first_response, t.next_reply, t.periodic_update, t.resolution), (h(2), h(4), h(8), h(40)));
        let t = p.targets(Channel::WebForm, Priority::Normal);
        assert_eq!((t.first_response, t.next_reply, t.periodic_update, t.resolution), (h(4), h(8), h(16), h(40)));
        assert_eq!(t.warn_at_percent, 75);
    }

    #[test]
    fn priority_scales_targets() {
        let p = SlaPolicy::standard();
        assert_eq!(p.targets(Channel::Chat, Priority::Urgent).first_response, m(15));
        assert_eq!(p.targets(Channel::Chat, Priority::High).first_response, m(30));
        assert_eq!(p.targets(Channel::Email, Priority::Low).first_response, h(8));
        assert_eq!(p.targets(Channel::Email, Priority::Urgent).resolution, h(10));
        assert_eq!(p.targets(Channel::Email, Priority::Urgent).warn_at_percent, 75);
    }

    #[test]
    fn admins_can_override_targets() {
        let custom = SlaTargets {
            first_response: m(5),
            next_reply: None,
            periodic_update: None,
            resolution: h(4),
            warn_at_percent: 50,
        };
        let mut p = SlaPolicy::standard()
            .with_override(Channel::Chat, Priority::Urgent, custom.clone())
            .with_group_targets(ChannelGroup::EmailAndWebForm, ChannelGroup::Messaging.standard_targets());
        assert_eq!(p.targets(Channel::Chat, Priority::Urgent), custom);
        assert_eq!(p.targets(Channel::Sms, Priority::Urgent).first_response, m(15));
        assert_eq!(p.targets(Channel::Email, Priority::Normal).first_response, h(1));
        assert_eq!(p.overrides().count(), 1);
        assert_eq!(p.clear_override(Channel::Chat, Priority::Urgent), Some(custom));
        assert_eq!(p.targets(Channel::Chat, Priority::Urgent).first_response, m(15));
    }
}
