//! Provider formats, and nothing else: each module reads one provider's payloads into
//! typed values, checks its signature scheme, and builds the requests we send it. Every
//! contact a parser reads becomes a provider-neutral [`tideline_core::intake::Contact`].
//!
//! **Architecture invariant:** no database, no HTTP server or client, no clock reads:
//! time comes in as an argument. Signature comparisons are constant-time
//! (`hmac::Mac::verify_slice`).

pub mod branch;
pub mod cdr;
pub mod csv;
pub mod twilio;
pub mod web;

/// Why a request's signature was refused. The messages are for the provider's admin
/// reading our 403.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("the signature does not match the body")]
    Forged,
    #[error(
        "the timestamp is {age_secs} s away from now; requests more than 300 s old or ahead are refused as replays"
    )]
    Stale { age_secs: i64 },
    #[error("the signature header is malformed: {0}")]
    Malformed(String),
}

/// A body that is not the provider's format; the message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl ParseError {
    pub fn new(m: impl Into<String>) -> Self {
        ParseError(m.into())
    }
}

/// One bad row of an imported file (line 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// A request to a provider, for the caller's HTTP client to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What a provider said to a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Accepted {
        provider_id: String,
    },
    /// Worth trying again (the provider was down, busy or unreachable).
    Retry {
        reason: String,
    },
    /// Refused for good; the reason is in plain words for the agent.
    Failed {
        reason: String,
    },
}

/// `text` if it fits in a touchpoint body, else an error naming `what`.
pub(crate) fn body_text(what: &str, text: &str) -> Result<String, ParseError> {
    let max = tideline_core::touchpoint::MAX_BODY_BYTES;
    if text.len() > max {
        return Err(ParseError(format!("the {what} is {} bytes; a contact holds at most {max}", text.len())));
    }
    Ok(text.to_string())
}

/// The first `n` characters of `text` on one line, with "…" if cut.
pub(crate) fn excerpt(text: &str, n: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= n {
        return one_line;
    }
    let mut s: String = one_line.chars().take(n).collect();
    s.push('…');
    s
}

/// How a call reads on the timeline: "Call, 5 min 12 s", "Missed call (busy)",
/// "Outbound call, 40 s".
pub(crate) fn call_summary(inbound: bool, outcome: tideline_core::CallOutcome, secs: u32) -> String {
    use tideline_core::CallOutcome;
    let length = match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    };
    let summary = match outcome {
        CallOutcome::Answered => format!("Call, {length}"),
        CallOutcome::InProgress => "Call in progress".to_string(),
        missed => format!("Missed call ({})", missed.label()),
    };
    if inbound {
        return summary;
    }
    let mut c = summary.chars();
    let first: String = c.next().map(|f| f.to_lowercase().collect()).unwrap_or_default();
    format!("Outbound {first}{}", c.as_str())
}

/// Collects an imported file's records, all or nothing: every bad record (its reader's
/// error, or an id seen before) is reported with its line, and nothing is returned
/// unless every record is good. `what` names a record in messages ("visit").
pub(crate) fn all_or_nothing<T>(
    what: &str,
    records: impl Iterator<Item = (usize, Result<T, String>)>,
    id: impl Fn(&T) -> String,
) -> Result<Vec<T>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, record) in records {
        match record {
            Ok(v) if !seen.insert(id(&v)) => {
                errors.push(RowError { line, message: format!("{what} `{}` appears twice in the file", id(&v)) });
            }
            Ok(v) => out.push(v),
            Err(message) => errors.push(RowError { line, message }),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}
