//! Channels, directions and actors: the vocabulary every touchpoint is described in.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a contact happened. Social networks are channels like any other: the same SLA
/// rules and the same queue order apply to all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Branch,
    Phone,
    Email,
    WebForm,
    Chat,
    Sms,
    X,
    Facebook,
    Instagram,
}

impl Channel {
    pub const ALL: [Channel; 9] = [
        Channel::Branch,
        Channel::Phone,
        Channel::Email,
        Channel::WebForm,
        Channel::Chat,
        Channel::Sms,
        Channel::X,
        Channel::Facebook,
        Channel::Instagram,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Branch => "branch",
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::WebForm => "web_form",
            Channel::Chat => "chat",
            Channel::Sms => "sms",
            Channel::X => "x",
            Channel::Facebook => "facebook",
            Channel::Instagram => "instagram",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Branch => "Branch",
            Channel::Phone => "Phone",
            Channel::Email => "Email",
            Channel::WebForm => "Web form",
            Channel::Chat => "Chat",
            Channel::Sms => "SMS",
            Channel::X => "X",
            Channel::Facebook => "Facebook",
            Channel::Instagram => "Instagram",
        }
    }

    /// Public social networks, where a post can be seen by anyone.
    pub fn is_social(self) -> bool {
        matches!(self, Channel::X | Channel::Facebook | Channel::Instagram)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown {what} `{input}` (expected one of: {expected})")]
pub struct UnknownName {
    pub what: &'static str,
    pub input: String,
    pub expected: String,
}

/// Finds the value of `all` whose `name` is `key`, or says which names exist.
pub(crate) fn parse_named<T: Copy>(
    input: &str,
    key: &str,
    what: &'static str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, UnknownName> {
    all.iter().copied().find(|&v| name(v) == key).ok_or_else(|| UnknownName {
        what,
        input: input.to_string(),
        expected: all.iter().map(|&v| name(v)).collect::<Vec<_>>().join(", "),
    })
}

impl FromStr for Channel {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let key = match t.as_str() {
            "twitter" => "x",
            "web" | "webform" | "form" => "web_form",
            "call" | "voice" => "phone",
            other => other,
        };
        parse_named(s, key, "channel", &Channel::ALL, Channel::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

/// Who did something. Agents are named by their user name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Actor {
    Customer,
    Agent(String),
    System,
}

impl Actor {
    pub fn agent(name: impl Into<String>) -> Self {
        Actor::Agent(name.into())
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Customer => f.write_str("customer"),
            Actor::Agent(n) => f.write_str(n),
            Actor::System => f.write_str("system"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_parse_with_common_aliases() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(c));
        }
        assert_eq!("Twitter".parse::<Channel>(), Ok(Channel::X));
        assert_eq!("web form".parse::<Channel>(), Ok(Channel::WebForm));
        let e = "fax".parse::<Channel>().unwrap_err().to_string();
        assert!(e.starts_with("unknown channel `fax` (expected one of: branch, phone"), "{e}");
    }
}
