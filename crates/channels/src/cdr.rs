//! Call records (CDRs) that a PBX exports, as CSV or as JSON, for phone systems that do
//! not call a webhook. Columns and keys:
//! `call_id,started_at,direction,from,to,duration_secs,disposition[,agent]`.
//! `started_at` is RFC 3339; `direction` is `inbound` or `outbound`; `disposition` is
//! one of answered, no answer, busy, failed, abandoned (the values Asterisk-style CDRs
//! use, in any case, with `_` or `-` for the space). A file is all or nothing: every bad
//! record is reported with its line (CSV) or position (JSON, counting from 1).

use crate::csv::{self, Table};
use crate::{ParseError, RowError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tideline_core::intake::Contact;
use tideline_core::{CallOutcome, Channel, ChannelFacts, Direction, IdentityKind};

/// One call as the PBX recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallRecord {
    pub call_id: String,
    pub started_at: Timestamp,
    pub direction: CallDirection,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub duration_secs: u32,
    pub disposition: Disposition,
    /// Who took or made the call, as the PBX names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    Inbound,
    Outbound,
}

/// How the call ended. Read leniently (`NO ANSWER`, `no-answer`, `no_answer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    Answered,
    NoAnswer,
    Busy,
    Failed,
    Abandoned,
}

impl std::str::FromStr for Disposition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let k: String = s.trim().to_ascii_lowercase().replace(['-', '_'], " ");
        Ok(match k.as_str() {
            "answered" => Disposition::Answered,
            "no answer" => Disposition::NoAnswer,
            "busy" => Disposition::Busy,
            "failed" => Disposition::Failed,
            "abandoned" => Disposition::Abandoned,
            _ => {
                return Err(format!("`disposition` is {s:?}; expected answered, no answer, busy, failed or abandoned"));
            }
        })
    }
}

impl<'de> Deserialize<'de> for Disposition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

impl From<Disposition> for CallOutcome {
    fn from(d: Disposition) -> Self {
        match d {
            Disposition::Answered => CallOutcome::Answered,
            Disposition::NoAnswer => CallOutcome::NoAnswer,
            Disposition::Busy => CallOutcome::Busy,
            Disposition::Failed => CallOutcome::Failed,
            Disposition::Abandoned => CallOutcome::Abandoned,
        }
    }
}

impl CallRecord {
    fn check(&self) -> Result<(), String> {
        for (what, v) in [("call_id", &self.call_id), ("from", &self.from), ("to", &self.to)] {
            if v.trim().is_empty() {
                return Err(format!("`{what}` is empty"));
            }
        }
        if self.call_id.len() > 200 {
            return Err("`call_id` is longer than 200 characters".into());
        }
        Ok(())
    }

    /// The inbox key: the PBX's own call id.
    pub fn event_id(&self) -> String {
        format!("cdr:{}", self.call_id)
    }

    pub fn to_contact(&self) -> Contact {
        let inbound = self.direction == CallDirection::Inbound;
        let outcome = CallOutcome::from(self.disposition);
        let mut summary = crate::call_summary(inbound, outcome, self.duration_secs);
        if let Some(agent) = &self.agent {
            summary.push_str(&format!(" with {agent}"));
        }
        Contact {
            channel: Channel::Phone,
            direction: if inbound { Direction::Inbound } else { Direction::Outbound },
            occurred_at: self.started_at,
            sender: Some((IdentityKind::Phone, if inbound { self.from.clone() } else { self.to.clone() })),
            sender_name: None,
            summary,
            body: None,
            facts: ChannelFacts {
                call_duration_secs: Some(self.duration_secs),
                call_outcome: Some(outcome),
                ..Default::default()
            },
            key: format!("pbx-call:{}", self.call_id),
            revision: 0,
            reason: None,
        }
    }
}

/// Reads one stored record back.
pub fn parse_record(body: &[u8]) -> Result<CallRecord, ParseError> {
    let r: CallRecord = serde_json::from_slice(body).map_err(|e| ParseError(format!("not a call record: {e}")))?;
    r.check().map_err(ParseError)?;
    Ok(r)
}

const COLUMNS: [&str; 7] = ["call_id", "started_at", "direction", "from", "to", "duration_secs", "disposition"];

/// Reads a CSV export (see the module docs for the columns).
pub fn parse_csv(text: &str) -> Result<Vec<CallRecord>, Vec<RowError>> {
    let table = Table::parse(text, &COLUMNS, &["agent"]).map_err(|e| vec![e])?;
    table.read_all("call", read_row, |r| r.call_id.clone())
}

fn read_row(r: &csv::Row) -> Result<CallRecord, String> {
    let started_at = r
        .get("started_at")
        .parse::<Timestamp>()
        .map_err(|_| format!("`started_at` is not an RFC 3339 time: {:?}", r.get("started_at")))?;
    let direction = match r.get("direction").to_ascii_lowercase().as_str() {
        "inbound" | "in" => CallDirection::Inbound,
        "outbound" | "out" => CallDirection::Outbound,
        other => return Err(format!("`direction` is {other:?}; expected inbound or outbound")),
    };
    let duration_secs = match r.get("duration_secs") {
        "" => 0,
        d => d.parse().map_err(|_| format!("`duration_secs` is not a whole number of seconds: {d:?}"))?,
    };
    let record = CallRecord {
        call_id: r.get("call_id").into(),
        started_at,
        direction,
        from: r.get("from").into(),
        to: r.get("to").into(),
        duration_secs,
        disposition: r.get("disposition").parse()?,
        agent: r.optional("agent"),
    };
    record.check()?;
    Ok(record)
}

/// Reads a JSON export: an array of records, or `{"records": [...]}`. A bad record is
/// reported by its position ("line" is the record's number, from 1).
pub fn parse_json(text: &str) -> Result<Vec<CallRecord>, Vec<RowError>> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum File {
        List(Vec<serde_json::Value>),
        Wrapped { records: Vec<serde_json::Value> },
    }
    let items = match serde_json::from_str::<File>(text) {
        Ok(File::List(v)) | Ok(File::Wrapped { records: v }) => v,
        Err(e) => {
            return Err(vec![RowError {
                line: e.line(),
                message: format!("not a JSON array of call records (or {{\"records\": [...]}}): {e}"),
            }]);
        }
    };
    let records = items.into_iter().enumerate().map(|(i, item)| {
        let record = serde_json::from_value::<CallRecord>(item).map_err(|e| e.to_string()).and_then(|r| {
            r.check()?;
            Ok(r)
        });
        (i + 1, record)
    });
    crate::all_or_nothing("call", records, |r| r.call_id.clone())
}

/// Whether `text` is read as JSON (then an error's "line" is the record's number).
pub fn is_json(text: &str) -> bool {
    text.trim_start().starts_with(['[', '{'])
}

/// Reads either format: JSON when the text starts with `[` or `{`.
pub fn parse_file(text: &str) -> Result<Vec<CallRecord>, Vec<RowError>> {
    if is_json(text) { parse_json(text) } else { parse_csv(text) }
}
