//! Touchpoints: one contact on one channel, inbound or outbound.

use crate::channel::{Actor, Channel, Direction};
use crate::identity::Identity;
use crate::ids::{CaseId, CustomerId, TouchpointId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Facts that only some channels have. Each field is checked against the channel by
/// [`Touchpoint::validate`], so a phone call never carries a post URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChannelFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_duration_secs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_url: Option<String>,
    /// Social posts: seen by anyone (a public reply) or only by us (a direct message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    /// Phone: how the call ended (a missed call is contact too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_outcome: Option<CallOutcome>,
    /// Outbound messages: where the provider says our message is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
}

/// How a call ended, in the words the console shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// Still ringing or connected: a later report will say how it ended.
    InProgress,
    Answered,
    NoAnswer,
    Busy,
    Failed,
    /// The caller hung up before anyone answered.
    Abandoned,
}

impl CallOutcome {
    pub fn label(self) -> &'static str {
        match self {
            CallOutcome::InProgress => "in progress",
            CallOutcome::Answered => "answered",
            CallOutcome::NoAnswer => "no answer",
            CallOutcome::Busy => "busy",
            CallOutcome::Failed => "failed",
            CallOutcome::Abandoned => "abandoned",
        }
    }

    /// Nobody spoke to the customer.
    pub fn is_missed(self) -> bool {
        matches!(self, CallOutcome::NoAnswer | CallOutcome::Busy | CallOutcome::Failed | CallOutcome::Abandoned)
    }
}

/// The delivery of one outbound message: queued with us, handed to the provider,
/// delivered to the customer's device, or failed with the provider's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    Queued,
    Sent,
    Delivered,
    /// `reason` is in plain words for the agent; `retryable` says whether Retry may help.
    Failed {
        reason: String,
        retryable: bool,
    },
}

impl Delivery {
    pub fn label(&self) -> &'static str {
        match self {
            Delivery::Queued => "queued",
            Delivery::Sent => "sent",
            Delivery::Delivered => "delivered",
            Delivery::Failed { .. } => "failed",
        }
    }

    /// Provider reports arrive out of order: a state never moves back (sent after
    /// delivered is ignored), except that a retry starts again from queued.
    pub fn rank(&self) -> u8 {
        match self {
            Delivery::Queued => 0,
            Delivery::Sent => 1,
            Delivery::Delivered | Delivery::Failed { .. } => 2,
        }
    }
}

impl ChannelFacts {
    pub fn is_empty(&self) -> bool {
        *self == ChannelFacts::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Touchpoint {
    pub id: TouchpointId,
    /// `None` while the touchpoint is unlinked: its identity matched no customer.
    pub customer_id: Option<CustomerId>,
    pub case_id: Option<CaseId>,
    pub channel: Channel,
    pub direction: Direction,
    pub actor: Actor,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub occurred_at: Timestamp,
    /// The customer's identity on this channel (the caller's number, the sender's
    /// address, the poster's handle), if the channel gives one.
    pub identity: Option<Identity>,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "ChannelFacts::is_empty")]
    pub facts: ChannelFacts,
}

/// The longest body kept for one touchpoint; longer content is refused, not cut.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TouchpointError {
    #[error("a touchpoint needs a summary")]
    EmptySummary,
    #[error("the body is {0} bytes; the most a touchpoint holds is {MAX_BODY_BYTES}")]
    BodyTooLong(usize),
    #[error("{fact} does not apply to a {channel} touchpoint")]
    FactNotForChannel { fact: &'static str, channel: Channel },
    #[error("only an outbound message has a delivery state")]
    DeliveryOnInbound,
    #[error("a touchpoint linked to a case must also be linked to a customer")]
    CaseWithoutCustomer,
}

impl Touchpoint {
    pub fn validate(&self) -> Result<(), TouchpointError> {
        if self.summary.trim().is_empty() {
            return Err(TouchpointError::EmptySummary);
        }
        if let Some(b) = &self.body
            && b.len() > MAX_BODY_BYTES
        {
            return Err(TouchpointError::BodyTooLong(b.len()));
        }
        let f = &self.facts;
        let wrong = |fact| Err(TouchpointError::FactNotForChannel { fact, channel: self.channel });
        if f.call_duration_secs.is_some() && self.channel != Channel::Phone {
            return wrong("a call duration");
        }
        if f.branch_id.is_some() && self.channel != Channel::Branch {
            return wrong("a branch id");
        }
        if f.post_url.is_some() && !self.channel.is_social() {
            return wrong("a post URL");
        }
        if f.public.is_some() && !self.channel.is_social() {
            return wrong("public or private");
        }
        if f.call_outcome.is_some() && self.channel != Channel::Phone {
            return wrong("a call outcome");
        }
        if f.delivery.is_some() && self.direction != Direction::Outbound {
            return Err(TouchpointError::DeliveryOnInbound);
        }
        if self.case_id.is_some() && self.customer_id.is_none() {
            return Err(TouchpointError::CaseWithoutCustomer);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> Touchpoint {
        Touchpoint {
            id: TouchpointId(1),
            customer_id: Some(CustomerId(1)),
            case_id: None,
            channel: Channel::Phone,
            direction: Direction::Inbound,
            actor: Actor::Customer,
            occurred_at: "2026-03-02T09:00:00Z".parse().unwrap(),
            identity: None,
            summary: "Card declined at the till".into(),
            body: None,
            facts: ChannelFacts { call_duration_secs: Some(312), ..Default::default() },
        }
    }

    #[test]
    fn channel_facts_must_fit_the_channel() {
        assert_eq!(call().validate(), Ok(()));
        let mut t = call();
        t.facts.post_url = Some("https://x.com/ann/status/1".into());
        assert_eq!(t.validate().unwrap_err().to_string(), "a post URL does not apply to a phone touchpoint");
        let mut t = call();
        t.summary = " ".into();
        assert_eq!(t.validate(), Err(TouchpointError::EmptySummary));
        let mut t = call();
        t.customer_id = None;
        t.case_id = Some(CaseId(3));
        assert_eq!(t.validate(), Err(TouchpointError::CaseWithoutCustomer));
        let mut t = call();
        t.body = Some("x".repeat(MAX_BODY_BYTES + 1));
        assert!(matches!(t.validate(), Err(TouchpointError::BodyTooLong(_))));
    }
}
