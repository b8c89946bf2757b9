//! Twilio: Voice status callbacks, Messaging webhooks (inbound messages and delivery
//! status callbacks), `X-Twilio-Signature`, and the Messages API.
//!
//! **Signature.** Twilio signs each webhook with HMAC-SHA1, keyed with the account's
//! Auth Token, over the full URL it called followed by every POST parameter sorted by
//! name, each name immediately followed by its value; the header carries it in
//! base64. Twilio's SDK validators also accept the URL with the default port added or
//! removed, since proxies differ in whether they keep it; so do we.
//!
//! **Idempotency.** Twilio's Messages API documents no idempotency key for creating a
//! message, so none is sent: a send cut off after Twilio accepted it but before we
//! recorded that is sent again (at least once). Twilio's own webhooks carry
//! `I-Twilio-Idempotency-Token`; we dedupe them by the provider's ids instead, which
//! are in the signed body.

use crate::{HttpRequest, ParseError, SendOutcome, VerifyError, body_text, excerpt};
use base64::Engine;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha1::Sha1;
use tideline_core::intake::Contact;
use tideline_core::{CallOutcome, Channel, ChannelFacts, Delivery, Direction, IdentityKind};

/// The form parameters of a request body (`application/x-www-form-urlencoded`).
pub fn form(body: &[u8]) -> Result<Vec<(String, String)>, ParseError> {
    if std::str::from_utf8(body).is_err() {
        return Err(ParseError::new("the form body is not UTF-8"));
    }
    Ok(form_urlencoded::parse(body).into_owned().collect())
}

fn mac(auth_token: &str, url: &str, params: &[(String, String)]) -> Hmac<Sha1> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut m = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).unwrap_or_else(|_| unreachable!());
    m.update(url.as_bytes());
    for (k, v) in sorted {
        m.update(k.as_bytes());
        m.update(v.as_bytes());
    }
    m
}

/// The `X-Twilio-Signature` Twilio sends for `url` and `params`.
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    base64::engine::general_purpose::STANDARD.encode(mac(auth_token, url, params).finalize().into_bytes())
}

/// `url` with its scheme's default port added if absent, or removed if present.
fn port_variant(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let default = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let with = format!(":{default}");
    Some(match authority.strip_suffix(with.as_str()) {
        Some(host) => format!("{scheme}://{host}{tail}"),
        None if authority.contains(':') => return None,
        None => format!("{scheme}://{authority}{with}{tail}"),
    })
}

/// Checks `header` against the signature of `url` and `params`, in constant time.
pub fn verify(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    header: Option<&str>,
) -> Result<(), VerifyError> {
    let header = header.ok_or(VerifyError::Missing("X-Twilio-Signature"))?;
    let given = base64::engine::general_purpose::STANDARD
        .decode(header.trim())
        .map_err(|_| VerifyError::Malformed("X-Twilio-Signature is not base64".into()))?;
    let candidates = std::iter::once(url.to_string()).chain(port_variant(url));
    for u in candidates {
        if mac(auth_token, &u, params).verify_slice(&given).is_ok() {
            return Ok(());
        }
    }
    Err(VerifyError::Forged)
}

fn get<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

fn need<'a>(params: &'a [(String, String)], key: &str) -> Result<&'a str, ParseError> {
    get(params, key).ok_or_else(|| ParseError(format!("the `{key}` parameter is missing")))
}

/// A Twilio webhook, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Call(CallStatus),
    Message(InboundMessage),
    MessageStatus(MessageStatus),
    /// A kind we do not handle: acknowledged and dropped.
    Unknown {
        what: String,
    },
}

impl Event {
    /// The inbox key: one per report, so a provider's retry of the same report is a
    /// duplicate while a later report of the same call is not.
    pub fn event_id(&self) -> Option<String> {
        match self {
            Event::Call(c) => Some(match c.sequence {
                Some(n) => format!("{}:{n}", c.call_sid),
                None => format!("{}:{}", c.call_sid, c.status),
            }),
            Event::Message(m) => Some(m.message_sid.clone()),
            Event::MessageStatus(s) => Some(format!("{}:{}", s.message_sid, s.status)),
            Event::Unknown { .. } => None,
        }
    }
}

/// One Voice status callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallStatus {
    pub call_sid: String,
    pub account_sid: Option<String>,
    pub from: String,
    pub to: String,
    /// `inbound`, `outbound-api` or `outbound-dial`.
    pub direction: String,
    /// Twilio's `CallStatus`: queued, initiated, ringing, in-progress, completed, busy,
    /// no-answer, failed, canceled.
    pub status: String,
    pub duration_secs: Option<u32>,
    /// Orders the callbacks of one call; they can arrive out of order.
    pub sequence: Option<i64>,
    pub timestamp: Option<Timestamp>,
}

const CALL_STATUSES: [&str; 9] =
    ["queued", "initiated", "ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled"];

/// Reads a Voice status callback.
pub fn voice_event(params: &[(String, String)]) -> Result<Event, ParseError> {
    let call_sid = need(params, "CallSid")?;
    let Some(status) = get(params, "CallStatus") else {
        return Ok(Event::Unknown { what: "a voice request without CallStatus".into() });
    };
    if !CALL_STATUSES.contains(&status) {
        return Ok(Event::Unknown { what: format!("call status `{status}`") });
    }
    let number = |k: &str| -> Result<Option<i64>, ParseError> {
        get(params, k)
            .map(|v| v.parse::<i64>().map_err(|_| ParseError(format!("`{k}` is not a number: {v}"))))
            .transpose()
    };
    let duration = number("CallDuration")?
        .map(|d| u32::try_from(d).map_err(|_| ParseError(format!("`CallDuration` is out of range: {d}"))))
        .transpose()?;
    let timestamp = get(params, "Timestamp")
        .map(|t| {
            jiff::fmt::rfc2822::parse(t)
                .map(|z| z.timestamp())
                .map_err(|e| ParseError(format!("`Timestamp` is not an RFC 2822 date: {e}")))
        })
        .transpose()?;
    Ok(Event::Call(CallStatus {
        call_sid: call_sid.to_string(),
        account_sid: get(params, "AccountSid").map(str::to_string),
        from: need(params, "From")?.to_string(),
        to: need(params, "To")?.to_string(),
        direction: get(params, "Direction").unwrap_or("inbound").to_string(),
        status: status.to_string(),
        duration_secs: duration,
        sequence: number("SequenceNumber")?,
        timestamp,
    }))
}

impl CallStatus {
    pub fn outcome(&self) -> CallOutcome {
        match self.status.as_str() {
            "completed" => CallOutcome::Answered,
            "busy" => CallOutcome::Busy,
            "no-answer" => CallOutcome::NoAnswer,
            "failed" => CallOutcome::Failed,
            "canceled" => CallOutcome::Abandoned,
            _ => CallOutcome::InProgress,
        }
    }

    pub fn to_contact(&self, received_at: Timestamp) -> Contact {
        let inbound = self.direction == "inbound";
        let outcome = self.outcome();
        let secs = self.duration_secs.unwrap_or(0);
        let summary = crate::call_summary(inbound, outcome, secs);
        Contact {
            channel: Channel::Phone,
            direction: if inbound { Direction::Inbound } else { Direction::Outbound },
            occurred_at: self.timestamp.unwrap_or(received_at),
            sender: Some((IdentityKind::Phone, if inbound { self.from.clone() } else { self.to.clone() })),
            sender_name: None,
            summary,
            body: None,
            facts: ChannelFacts {
                call_duration_secs: self.duration_secs,
                call_outcome: Some(outcome),
                ..Default::default()
            },
            key: format!("twilio-call:{}", self.call_sid),
            revision: self.sequence.unwrap_or(0),
            reason: None,
        }
    }
}

/// An SMS or MMS from a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    pub message_sid: String,
    pub from: String,
    pub to: String,
    pub body: String,
    pub media: u32,
}

impl InboundMessage {
    pub fn to_contact(&self, received_at: Timestamp) -> Contact {
        let text = if self.body.trim().is_empty() { "(no text)" } else { self.body.as_str() };
        let media = match self.media {
            0 => String::new(),
            1 => " (1 attachment)".to_string(),
            n => format!(" ({n} attachments)"),
        };
        Contact {
            channel: Channel::Sms,
            direction: Direction::Inbound,
            occurred_at: received_at,
            sender: Some((IdentityKind::Phone, self.from.clone())),
            sender_name: None,
            summary: format!("SMS: {}{media}", excerpt(text, 120)),
            body: (!self.body.is_empty()).then(|| self.body.clone()),
            facts: ChannelFacts::default(),
            key: format!("twilio-sms:{}", self.message_sid),
            revision: 0,
            reason: None,
        }
    }
}

/// A delivery report on a message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageStatus {
    pub message_sid: String,
    /// Twilio's `MessageStatus`.
    pub status: String,
    pub error_code: Option<String>,
    pub delivery: Delivery,
}

/// Reads a Messaging webhook: an inbound message (it has `Body`) or a status callback.
pub fn messaging_event(params: &[(String, String)]) -> Result<Event, ParseError> {
    let sid = get(params, "MessageSid").or_else(|| get(params, "SmsSid"));
    let Some(sid) = sid else {
        return Err(ParseError::new("the `MessageSid` parameter is missing"));
    };
    if params.iter().any(|(k, _)| k == "Body") {
        let media = match get(params, "NumMedia") {
            Some(n) => n.parse().map_err(|_| ParseError(format!("`NumMedia` is not a number: {n}")))?,
            None => 0,
        };
        let body = body_text("message", get(params, "Body").unwrap_or(""))?;
        return Ok(Event::Message(InboundMessage {
            message_sid: sid.to_string(),
            from: need(params, "From")?.to_string(),
            to: need(params, "To")?.to_string(),
            body,
            media,
        }));
    }
    let Some(status) = get(params, "MessageStatus").or_else(|| get(params, "SmsStatus")) else {
        return Ok(Event::Unknown { what: "a messaging request with neither Body nor MessageStatus".into() });
    };
    let error_code = get(params, "ErrorCode").map(str::to_string);
    let delivery = match status {
        "accepted" | "scheduled" | "queued" | "sending" => Delivery::Queued,
        "sent" => Delivery::Sent,
        "delivered" | "read" => Delivery::Delivered,
        "undelivered" | "failed" => {
            let (reason, retryable) = error_reason(error_code.as_deref());
            Delivery::Failed { reason, retryable }
        }
        "canceled" => {
            Delivery::Failed { reason: "The message was canceled before it was sent.".into(), retryable: true }
        }
        other => return Ok(Event::Unknown { what: format!("message status `{other}`") }),
    };
    Ok(Event::MessageStatus(MessageStatus {
        message_sid: sid.to_string(),
        status: status.to_string(),
        error_code,
        delivery,
    }))
}

/// Twilio's error codes for messages, in words an agent can act on, and whether a
/// retry could help.
pub fn error_reason(code: Option<&str>) -> (String, bool) {
    let (text, retry) = match code {
        Some("30001") => ("Twilio's queue for this number overflowed.", true),
        Some("30002") => ("The Twilio account was suspended.", false),
        Some("30003") => ("The customer's phone is switched off or out of coverage.", true),
        Some("30004") => ("The message was blocked: the customer's number does not accept it.", false),
        Some("30005") => ("The number does not exist or is no longer in service.", false),
        Some("30006") => ("The number is a landline or cannot receive texts.", false),
        Some("30007") => ("The carrier filtered the message as spam.", false),
        Some("30008") => ("The carrier could not deliver it for an unknown reason.", true),
        Some("21211") => ("The customer's number is not a valid phone number.", false),
        Some("21408") => ("Sending to this country is not enabled on the account.", false),
        Some("21610") => ("The customer has opted out of messages from us (they replied STOP).", false),
        Some("21614") => ("The number is not a mobile number.", false),
        Some(c) => return (format!("The provider could not deliver it (Twilio error {c})."), true),
        None => ("The provider could not deliver it and gave no reason.", true),
    };
    (text.to_string(), retry)
}

/// An SMS to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendSms {
    pub account_sid: String,
    pub from: String,
    pub to: String,
    pub body: String,
    pub status_callback: Option<String>,
}

/// `POST {base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic
/// auth (account SID and Auth Token) and a form body.
pub fn send_request(base_url: &str, auth_token: &str, sms: &SendSms) -> HttpRequest {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("To", &sms.to).append_pair("From", &sms.from).append_pair("Body", &sms.body);
    if let Some(cb) = &sms.status_callback {
        form.append_pair("StatusCallback", cb);
    }
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{}:{auth_token}", sms.account_sid));
    HttpRequest {
        method: "POST",
        url: format!("{}/2010-04-01/Accounts/{}/Messages.json", base_url.trim_end_matches('/'), sms.account_sid),
        headers: vec![
            ("Authorization".into(), format!("Basic {auth}")),
            ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body: form.finish().into_bytes(),
    }
}

#[derive(serde::Deserialize)]
struct Created {
    sid: String,
}

#[derive(serde::Deserialize)]
struct ApiError {
    code: Option<i64>,
    message: Option<String>,
}

/// Reads the Messages API's answer.
pub fn send_response(status: u16, body: &[u8]) -> SendOutcome {
    if (200..300).contains(&status) {
        return match serde_json::from_slice::<Created>(body) {
            Ok(c) if !c.sid.is_empty() => SendOutcome::Accepted { provider_id: c.sid },
            _ => SendOutcome::Failed { reason: "Twilio accepted the message but its answer had no message id.".into() },
        };
    }
    let detail = serde_json::from_slice::<ApiError>(body).ok();
    let said = detail.as_ref().and_then(|d| {
        let m = d.message.clone()?;
        Some(match d.code {
            Some(c) => format!("{} (Twilio error {c})", m.trim_end_matches('.')),
            None => m,
        })
    });
    if status == 429 || status >= 500 {
        let reason = said.unwrap_or_else(|| format!("Twilio answered HTTP {status}"));
        return SendOutcome::Retry { reason: format!("Twilio is unavailable: {reason}.") };
    }
    if let Some(code) = detail.as_ref().and_then(|d| d.code) {
        let (known, _) = error_reason(Some(&code.to_string()));
        if !known.contains("Twilio error") {
            return SendOutcome::Failed { reason: known };
        }
    }
    SendOutcome::Failed {
        reason: format!("Twilio refused the message: {}.", said.unwrap_or_else(|| format!("HTTP {status}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// The example in Twilio's documentation on validating its requests.
    fn documented() -> Vec<(String, String)> {
        p(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ])
    }
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const EXPECTED: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    #[test]
    fn twilios_documented_example_verifies() {
        assert_eq!(signature("12345", URL, &documented()), EXPECTED);
        let mut reversed = documented();
        reversed.reverse();
        assert_eq!(verify("12345", URL, &reversed, Some(EXPECTED)), Ok(()));
        assert_eq!(
            verify("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", &documented(), Some(EXPECTED)),
            Ok(())
        );
    }

    #[test]
    fn any_change_is_refused() {
        let mut changed = documented();
        changed[2].1 = "1235".into();
        assert_eq!(verify("12345", URL, &changed, Some(EXPECTED)), Err(VerifyError::Forged));
        assert_eq!(verify("12346", URL, &documented(), Some(EXPECTED)), Err(VerifyError::Forged));
        assert_eq!(
            verify("12345", "https://mycompany.com/myapp.php?foo=1&bar=3", &documented(), Some(EXPECTED)),
            Err(VerifyError::Forged)
        );
        assert_eq!(verify("12345", URL, &documented(), None), Err(VerifyError::Missing("X-Twilio-Signature")));
        assert!(matches!(verify("12345", URL, &documented(), Some("not base64!")), Err(VerifyError::Malformed(_))));
    }

    #[test]
    fn send_answers_are_classified() {
        let ok = send_response(201, br#"{"sid": "SM123", "status": "queued"}"#);
        assert_eq!(ok, SendOutcome::Accepted { provider_id: "SM123".into() });
        assert!(matches!(send_response(503, b"<html>"), SendOutcome::Retry { .. }));
        assert!(matches!(send_response(429, b"{}"), SendOutcome::Retry { .. }));
        let stop = send_response(400, br#"{"code": 21610, "message": "Attempt to send to unsubscribed recipient"}"#);
        assert_eq!(
            stop,
            SendOutcome::Failed {
                reason: "The customer has opted out of messages from us (they replied STOP).".into()
            }
        );
        let other = send_response(400, br#"{"code": 21602, "message": "Message body is required."}"#);
        assert_eq!(
            other,
            SendOutcome::Failed {
                reason: "Twilio refused the message: Message body is required (Twilio error 21602).".into()
            }
        );
    }

    #[test]
    fn the_send_request_is_twilios_documented_shape() {
        let sms = SendSms {
            account_sid: "AC123".into(),
            from: "+447700900000".into(),
            to: "+447700900123".into(),
            body: "On its way & soon".into(),
            status_callback: Some("https://cc.example/v1/webhooks/twilio-sms/texts".into()),
        };
        let r = send_request("https://api.twilio.com/", "tok", &sms);
        assert_eq!(r.url, "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json");
        assert_eq!(r.headers[0], ("Authorization".into(), "Basic QUMxMjM6dG9r".into()));
        let body = String::from_utf8(r.body).unwrap();
        assert_eq!(
            body,
            "To=%2B447700900123&From=%2B447700900000&Body=On+its+way+%26+soon&StatusCallback=https%3A%2F%2Fcc.example%2Fv1%2Fwebhooks%2Ftwilio-sms%2Ftexts"
        );
    }
}
