//! Our own signed JSON endpoint, for websites (forms and chat transcripts) and branch
//! systems. A request carries `X-Tideline-Timestamp` (Unix seconds) and
//! `X-Tideline-Signature: v1=<hex HMAC-SHA256 of "<timestamp>." + body>`, keyed with the
//! site's or system's key. Signing the timestamp with the body lets us refuse replays:
//! anything more than [`MAX_AGE_SECS`] away from now.

use crate::{ParseError, VerifyError, body_text, excerpt};
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;
use tideline_core::intake::Contact;
use tideline_core::{Channel, ChannelFacts, Direction, IdentityKind};

pub const TIMESTAMP_HEADER: &str = "x-tideline-timestamp";
pub const SIGNATURE_HEADER: &str = "x-tideline-signature";
pub const MAX_AGE_SECS: i64 = 300;

fn mac(key: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(timestamp.as_bytes());
    m.update(b".");
    m.update(body);
    m
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// The signature header for `body` sent at `timestamp`.
pub fn sign(key: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!("v1={}", hex(&mac(key, &timestamp.to_string(), body).finalize().into_bytes()))
}

/// Checks a signed request at `now_unix`, in constant time.
pub fn verify(
    key: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), VerifyError> {
    let ts = timestamp.ok_or(VerifyError::Missing("X-Tideline-Timestamp"))?.trim();
    let sig = signature.ok_or(VerifyError::Missing("X-Tideline-Signature"))?.trim();
    let at: i64 = ts.parse().map_err(|_| VerifyError::Malformed("X-Tideline-Timestamp is not Unix seconds".into()))?;
    let given = sig
        .strip_prefix("v1=")
        .and_then(unhex)
        .ok_or_else(|| VerifyError::Malformed("X-Tideline-Signature is not `v1=` and hex".into()))?;
    // The signature first: an unsigned timestamp tells nothing worth reporting.
    mac(key, ts, body).verify_slice(&given).map_err(|_| VerifyError::Forged)?;
    let age = now_unix.saturating_sub(at);
    if age.abs() > MAX_AGE_SECS {
        return Err(VerifyError::Stale { age_secs: age });
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub id: String,
    pub submitted_at: Timestamp,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// The contact reason the form's topic list gives, e.g. `address_change`.
    #[serde(default)]
    pub topic: Option<String>,
    pub subject: String,
    pub message: String,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visitor {
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Visitor,
    Agent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatMessage {
    pub from: Speaker,
    #[serde(default)]
    pub name: Option<String>,
    pub at: Timestamp,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chat {
    pub id: String,
    pub started_at: Timestamp,
    #[serde(default)]
    pub ended_at: Option<Timestamp>,
    pub visitor: Visitor,
    #[serde(default)]
    pub topic: Option<String>,
    pub messages: Vec<ChatMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WebEvent {
    Form(Form),
    Chat(Chat),
}

#[derive(Deserialize)]
struct Tag {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// Reads a website event. `Ok(None)`: a well-formed event of a type we do not handle.
pub fn parse_event(body: &[u8]) -> Result<Option<WebEvent>, ParseError> {
    let tag: Tag = serde_json::from_slice(body).map_err(|e| ParseError(format!("not a JSON object: {e}")))?;
    match tag.kind.as_deref() {
        Some("form") | Some("chat") => {}
        Some(_) => return Ok(None),
        None => return Err(ParseError::new("the `type` field is missing")),
    }
    let event: WebEvent = serde_json::from_slice(body).map_err(|e| ParseError(e.to_string()))?;
    event.check()?;
    Ok(Some(event))
}

fn sender(account: &Option<String>, email: &Option<String>, phone: &Option<String>) -> Option<(IdentityKind, String)> {
    let some = |v: &Option<String>| v.as_ref().filter(|s| !s.trim().is_empty()).cloned();
    some(account)
        .map(|a| (IdentityKind::WebAccountId, a))
        .or_else(|| some(email).map(|e| (IdentityKind::Email, e)))
        .or_else(|| some(phone).map(|p| (IdentityKind::Phone, p)))
}

impl WebEvent {
    fn check(&self) -> Result<(), ParseError> {
        let nonempty = |what: &str, v: &str| {
            if v.trim().is_empty() { Err(ParseError(format!("`{what}` is empty"))) } else { Ok(()) }
        };
        match self {
            WebEvent::Form(f) => {
                nonempty("id", &f.id)?;
                nonempty("subject", &f.subject)?;
                body_text("message", &f.message)?;
            }
            WebEvent::Chat(c) => {
                nonempty("id", &c.id)?;
                if c.messages.is_empty() {
                    return Err(ParseError::new("a chat needs at least one message"));
                }
                body_text("transcript", &self.transcript())?;
            }
        }
        Ok(())
    }

    pub fn event_id(&self) -> &str {
        match self {
            WebEvent::Form(f) => &f.id,
            WebEvent::Chat(c) => &c.id,
        }
    }

    fn transcript(&self) -> String {
        let WebEvent::Chat(c) = self else { return String::new() };
        let lines: Vec<String> = c
            .messages
            .iter()
            .map(|m| {
                let who = match (m.from, &m.name) {
                    (Speaker::Visitor, _) => "Visitor".to_string(),
                    (Speaker::Agent, Some(n)) => format!("Agent {n}"),
                    (Speaker::Agent, None) => "Agent".to_string(),
                };
                format!("{who} ({}): {}", m.at.strftime("%H:%M"), m.text)
            })
            .collect();
        lines.join("\n")
    }

    pub fn to_contact(&self) -> Contact {
        match self {
            WebEvent::Form(f) => Contact {
                channel: Channel::WebForm,
                direction: Direction::Inbound,
                occurred_at: f.submitted_at,
                sender: sender(&f.account_id, &f.email, &f.phone),
                sender_name: f.name.clone(),
                summary: format!("Web form: {}", excerpt(&f.subject, 120)),
                body: Some(f.message.clone()),
                facts: ChannelFacts::default(),
                key: format!("web-form:{}", f.id),
                revision: 0,
                reason: f.topic.clone(),
            },
            WebEvent::Chat(c) => {
                let first = c.messages.iter().find(|m| m.from == Speaker::Visitor).map(|m| m.text.as_str());
                let n = c.messages.len();
                let summary = match first {
                    Some(t) => format!("Chat, {n} message{}: {}", if n == 1 { "" } else { "s" }, excerpt(t, 100)),
                    None => format!("Chat, {n} message{}", if n == 1 { "" } else { "s" }),
                };
                Contact {
                    channel: Channel::Chat,
                    direction: Direction::Inbound,
                    occurred_at: c.started_at,
                    sender: sender(&c.visitor.account_id, &c.visitor.email, &c.visitor.phone),
                    sender_name: c.visitor.name.clone(),
                    summary,
                    body: Some(self.transcript()),
                    facts: ChannelFacts::default(),
                    key: format!("web-chat:{}", c.id),
                    revision: 0,
                    reason: c.topic.clone(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"site-key";

    #[test]
    fn signed_requests_verify_and_everything_else_is_refused() {
        let body = br#"{"type":"form"}"#;
        let now = 1_800_000_000;
        let sig = sign(KEY, now, body);
        let ts = now.to_string();
        assert_eq!(verify(KEY, Some(&ts), Some(&sig), body, now + 10), Ok(()));
        assert_eq!(verify(KEY, Some(&ts), Some(&sig), br#"{"type":"forn"}"#, now), Err(VerifyError::Forged));
        assert_eq!(verify(b"other", Some(&ts), Some(&sig), body, now), Err(VerifyError::Forged));
        assert_eq!(verify(KEY, Some(&ts), Some(&sig), body, now + 301), Err(VerifyError::Stale { age_secs: 301 }));
        assert_eq!(verify(KEY, Some(&ts), Some(&sig), body, now - 301), Err(VerifyError::Stale { age_secs: -301 }));
        let later = (now + 1).to_string();
        assert_eq!(
            verify(KEY, Some(&later), Some(&sig), body, now),
            Err(VerifyError::Forged),
            "the timestamp is signed"
        );
        assert_eq!(verify(KEY, None, Some(&sig), body, now), Err(VerifyError::Missing("X-Tideline-Timestamp")));
        assert_eq!(verify(KEY, Some(&ts), None, body, now), Err(VerifyError::Missing("X-Tideline-Signature")));
        assert!(matches!(verify(KEY, Some(&ts), Some("v1=zz"), body, now), Err(VerifyError::Malformed(_))));
        assert!(matches!(verify(KEY, Some("soon"), Some(&sig), body, now), Err(VerifyError::Malformed(_))));
    }

    #[test]
    fn unknown_types_are_not_errors_but_broken_known_ones_are() {
        assert_eq!(parse_event(br#"{"type":"newsletter_signup","id":"1"}"#), Ok(None));
        assert!(parse_event(br#"{"type":"form","id":"1"}"#).is_err());
        assert!(parse_event(br#"{"id":"1"}"#).is_err());
        assert!(parse_event(b"[1,2]").is_err());
    }
}
