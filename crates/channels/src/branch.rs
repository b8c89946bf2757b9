//! Branch visits: a JSON API for branch systems (signed as in [`crate::web`]) and their
//! daily CSV export. A CSV is all or nothing: every bad row is reported with its line
//! number, and no visit is returned unless every row is good.

use crate::csv::{self, Table};
use crate::{ParseError, RowError, body_text};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tideline_core::intake::Contact;
use tideline_core::{Channel, ChannelFacts, Direction, IdentityKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    pub visit_id: String,
    pub branch_id: String,
    pub staff: String,
    pub reason: String,
    pub customer_number: String,
    pub visited_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Visit {
    fn check(&self) -> Result<(), String> {
        for (what, v) in [
            ("visit_id", &self.visit_id),
            ("branch_id", &self.branch_id),
            ("staff", &self.staff),
            ("reason", &self.reason),
            ("customer_number", &self.customer_number),
        ] {
            if v.trim().is_empty() {
                return Err(format!("`{what}` is empty"));
            }
        }
        if let Some(n) = &self.notes {
            body_text("notes", n).map_err(|e| e.0)?;
        }
        Ok(())
    }

    pub fn event_id(&self) -> String {
        self.visit_id.clone()
    }

    pub fn to_contact(&self) -> Contact {
        Contact {
            channel: Channel::Branch,
            direction: Direction::Inbound,
            occurred_at: self.visited_at,
            sender: Some((IdentityKind::BranchCustomerNo, self.customer_number.clone())),
            sender_name: None,
            summary: format!("Branch visit at {}: {} (with {})", self.branch_id, self.reason, self.staff),
            body: self.notes.clone(),
            facts: ChannelFacts { branch_id: Some(self.branch_id.clone()), ..Default::default() },
            key: format!("branch-visit:{}", self.visit_id),
            revision: 0,
            reason: Some(slug(&self.reason)),
        }
    }
}

/// `Mortgage enquiry` → `mortgage_enquiry`: the reason as a contact-reason tag.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Reads one visit sent by a branch system.
pub fn parse_visit(body: &[u8]) -> Result<Visit, ParseError> {
    let v: Visit = serde_json::from_slice(body).map_err(|e| ParseError(format!("not a branch visit: {e}")))?;
    v.check().map_err(ParseError)?;
    Ok(v)
}

const COLUMNS: [&str; 6] = ["visit_id", "branch_id", "staff", "visit_reason", "customer_number", "visited_at"];

/// Reads a daily export: header
/// `visit_id,branch_id,staff,visit_reason,customer_number,visited_at[,notes]`, then one
/// visit a row, `visited_at` in RFC 3339.
pub fn parse_csv(text: &str) -> Result<Vec<Visit>, Vec<RowError>> {
    let table = Table::parse(text, &COLUMNS, &["notes"]).map_err(|e| vec![e])?;
    table.read_all("visit", read_row, |v| v.visit_id.clone())
}

fn read_row(r: &csv::Row) -> Result<Visit, String> {
    let visited_at = r
        .get("visited_at")
        .parse::<Timestamp>()
        .map_err(|_| format!("`visited_at` is not an RFC 3339 time: {:?}", r.get("visited_at")))?;
    let v = Visit {
        visit_id: r.get("visit_id").into(),
        branch_id: r.get("branch_id").into(),
        staff: r.get("staff").into(),
        reason: r.get("visit_reason").into(),
        customer_number: r.get("customer_number").into(),
        visited_at,
        notes: r.optional("notes"),
    };
    v.check().map_err(|m| m.replace("`reason`", "`visit_reason`"))?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_become_tags() {
        assert_eq!(slug("Mortgage enquiry"), "mortgage_enquiry");
        assert_eq!(slug("  Card -- replacement! "), "card_replacement");
    }
}
