//! Conversions between core types and SQLite values. Kept in one place so every query
//! reads and writes rows the same way.

use crate::StoreError;
use jiff::Timestamp;
use rusqlite::Row;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tideline_core::{
    Actor, CaseId, Channel, ChannelFacts, CustomerId, Direction, Identity, IdentityContext, IdentityKind, Touchpoint,
    TouchpointId,
};

pub fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub fn from_ms(v: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(v).map_err(|_| StoreError::Corrupt(format!("timestamp {v} is out of range")))
}

pub fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("core types always serialise")
}

pub fn parse_json<T: DeserializeOwned>(what: &str, s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub fn parse_name<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, StoreError> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("unknown {what} `{s}`")))
}

pub fn direction(s: &str) -> Result<Direction, StoreError> {
    match s {
        "inbound" => Ok(Direction::Inbound),
        "outbound" => Ok(Direction::Outbound),
        _ => Err(StoreError::Corrupt(format!("unknown direction `{s}`"))),
    }
}

/// The columns [`touchpoint_from_row`] reads, in order.
pub const TOUCHPOINT_COLS: &str = "id, customer_id, case_id, channel, direction, actor, occurred_at, \
     identity_kind, identity_value, summary, body, facts";

pub fn touchpoint_from_row(row: &Row<'_>, cx: &IdentityContext) -> Result<Touchpoint, StoreError> {
    let identity = match (row.get::<_, Option<String>>(7)?, row.get::<_, Option<String>>(8)?) {
        (Some(k), Some(v)) => Some(stored_identity(&k, &v, cx)?),
        _ => None,
    };
    let facts: Option<String> = row.get(11)?;
    Ok(Touchpoint {
        id: TouchpointId(row.get(0)?),
        customer_id: row.get::<_, Option<i64>>(1)?.map(CustomerId),
        case_id: row.get::<_, Option<i64>>(2)?.map(CaseId),
        channel: parse_name::<Channel>("channel", &row.get::<_, String>(3)?)?,
        direction: direction(&row.get::<_, String>(4)?)?,
        actor: parse_json::<Actor>("actor", &row.get::<_, String>(5)?)?,
        occurred_at: from_ms(row.get(6)?)?,
        identity,
        summary: row.get(9)?,
        body: row.get(10)?,
        facts: match facts {
            Some(f) => parse_json::<ChannelFacts>("facts", &f)?,
            None => ChannelFacts::default(),
        },
    })
}

/// Identities in the cache were normalised on the way in; re-parsing them proves it and
/// keeps `Identity` impossible to build in a non-normal form.
pub fn stored_identity(kind: &str, value: &str, cx: &IdentityContext) -> Result<Identity, StoreError> {
    let kind: IdentityKind = parse_name("identity kind", kind)?;
    Identity::parse(kind, value, cx).map_err(|e| StoreError::Corrupt(format!("stored identity: {e}")))
}

/// The text a touchpoint is found by.
pub fn touchpoint_text(t: &Touchpoint) -> String {
    match &t.body {
        Some(b) => format!("{}\n{}", t.summary, b),
        None => t.summary.clone(),
    }
}
