//! Failure demand: what the contact pattern says about how well we served a customer.
//! A channel hop is a customer giving up on one channel and trying another about the
//! same case: "called on Monday, then complained publicly on X on Tuesday".

use crate::channel::Channel;
use crate::ids::{CaseId, TouchpointId};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// One inbound contact from the customer about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseContact {
    pub touchpoint_id: TouchpointId,
    pub case_id: CaseId,
    pub channel: Channel,
    pub at: Timestamp,
    /// A public social post rather than a private message.
    pub public: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChannelHop {
    pub case_id: CaseId,
    pub from_touchpoint: TouchpointId,
    pub to_touchpoint: TouchpointId,
    pub from_channel: Channel,
    pub to_channel: Channel,
    /// "Called on Mon 2 Mar, then posted publicly on X on Tue 3 Mar about the same case"
    pub description: String,
}

fn verb(channel: Channel, public: bool) -> String {
    match channel {
        Channel::Branch => "visited a branch".into(),
        Channel::Phone => "called".into(),
        Channel::Email => "emailed".into(),
        Channel::WebForm => "sent a web form".into(),
        Channel::Chat => "used web chat".into(),
        Channel::Sms => "sent an SMS".into(),
        c if public => format!("posted publicly on {}", c.label()),
        c => format!("messaged privately on {}", c.label()),
    }
}

/// Every change of channel between consecutive contacts about the same case, oldest
/// first. Days are named in `tz`, the contact centre's time zone.
pub fn channel_hops(contacts: &[CaseContact], tz: &TimeZone) -> Vec<ChannelHop> {
    let mut by_case: Vec<&CaseContact> = contacts.iter().collect();
    by_case.sort_by_key(|c| (c.case_id, c.at, c.touchpoint_id));
    let day = |t: Timestamp| t.to_zoned_datetime(tz.clone()).strftime("%a %-d %b").to_string();
    let mut hops: Vec<ChannelHop> = by_case
        .windows(2)
        .filter(|w| w[0].case_id == w[1].case_id && w[0].channel != w[1].channel)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let first = verb(a.channel, a.public);
            let mut first_chars = first.chars();
            let capital: String =
                first_chars.next().map(|c| c.to_uppercase().chain(first_chars).collect()).unwrap_or_default();
            ChannelHop {
                case_id: a.case_id,
                from_touchpoint: a.touchpoint_id,
                to_touchpoint: b.touchpoint_id,
                from_channel: a.channel,
                to_channel: b.channel,
                description: format!(
                    "{capital} on {}, then {} on {} about the same case",
                    day(a.at),
                    verb(b.channel, b.public),
                    day(b.at)
                ),
            }
        })
        .collect();
    hops.sort_by_key(|h| h.to_touchpoint);
    hops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: i64, case: i64, channel: Channel, at: &str, public: bool) -> CaseContact {
        CaseContact { touchpoint_id: TouchpointId(id), case_id: CaseId(case), channel, at: at.parse().unwrap(), public }
    }

    #[test]
    fn a_call_then_a_public_post_is_a_hop() {
        let tz = TimeZone::get("Europe/London").unwrap();
        let hops = channel_hops(
            &[
                contact(3, 1, Channel::X, "2026-03-03T09:15:00Z", true),
                contact(1, 1, Channel::Phone, "2026-03-02T10:00:00Z", false),
                contact(2, 1, Channel::Phone, "2026-03-02T16:00:00Z", false),
                contact(4, 2, Channel::Email, "2026-03-03T09:00:00Z", false),
            ],
            &tz,
        );
        assert_eq!(hops.len(), 1, "a second call is a repeat, not a hop; another case is not a hop");
        assert_eq!(hops[0].from_touchpoint, TouchpointId(2));
        assert_eq!(hops[0].to_touchpoint, TouchpointId(3));
        assert_eq!(
            hops[0].description,
            "Called on Mon 2 Mar, then posted publicly on X on Tue 3 Mar about the same case"
        );
    }
}
