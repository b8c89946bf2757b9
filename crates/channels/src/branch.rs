//! Branch visits: a JSON API for branch systems (signed as in [`crate::web`]) and their
//! daily CSV export. A CSV is all or nothing: every bad row is reported with its line
//! number, and no visit is returned unless every row is good.

use crate::{ParseError, RowError, body_text};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
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

/// Splits CSV text (RFC 4180: quoted fields may hold commas, quotes and newlines) into
/// records, each with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, RowError> {
    let mut out = Vec::new();
    let (mut field, mut row) = (String::new(), Vec::new());
    let (mut line, mut start) = (1usize, 1usize);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut row)));
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(RowError { line: start, message: "a quoted field is never closed".into() });
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        out.push((start, row));
    }
    out.retain(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()));
    Ok(out)
}

/// Reads a daily export: header
/// `visit_id,branch_id,staff,visit_reason,customer_number,visited_at[,notes]`, then one
/// visit a row, `visited_at` in RFC 3339.
pub fn parse_csv(text: &str) -> Result<Vec<Visit>, Vec<RowError>> {
    let rows = records(text).map_err(|e| vec![e])?;
    let Some(((_, header), rows)) = rows.split_first() else {
        return Err(vec![RowError { line: 1, message: "the file is empty".into() }]);
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let missing: Vec<&str> = COLUMNS.iter().copied().filter(|c| !header.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        return Err(vec![RowError {
            line: 1,
            message: format!("the header lacks {} (expected {},notes)", missing.join(", "), COLUMNS.join(",")),
        }]);
    }
    let col = |name: &str| header.iter().position(|h| h == name);
    let notes_at = col("notes");
    let mut errors = Vec::new();
    let mut visits = Vec::new();
    let mut seen = HashSet::new();
    for (line, r) in rows {
        if r.len() != header.len() {
            errors.push(RowError {
                line: *line,
                message: format!("{} fields where the header has {}", r.len(), header.len()),
            });
            continue;
        }
        let get = |name: &str| col(name).map(|i| r[i].trim().to_string()).unwrap_or_default();
        let visited_at = match get("visited_at").parse::<Timestamp>() {
            Ok(t) => t,
            Err(_) => {
                errors.push(RowError {
                    line: *line,
                    message: format!("`visited_at` is not an RFC 3339 time: {:?}", get("visited_at")),
                });
                continue;
            }
        };
        let v = Visit {
            visit_id: get("visit_id"),
            branch_id: get("branch_id"),
            staff: get("staff"),
            reason: get("visit_reason"),
            customer_number: get("customer_number"),
            visited_at,
            notes: notes_at.map(|i| r[i].trim().to_string()).filter(|n| !n.is_empty()),
        };
        if let Err(m) = v.check() {
            errors.push(RowError { line: *line, message: m.replace("`reason`", "`visit_reason`") });
            continue;
        }
        if !seen.insert(v.visit_id.clone()) {
            errors.push(RowError { line: *line, message: format!("visit `{}` appears twice in the file", v.visit_id) });
            continue;
        }
        visits.push(v);
    }
    if errors.is_empty() { Ok(visits) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_become_tags() {
        assert_eq!(slug("Mortgage enquiry"), "mortgage_enquiry");
        assert_eq!(slug("  Card -- replacement! "), "card_replacement");
    }

    #[test]
    fn quoted_fields_keep_commas_quotes_and_newlines() {
        let text = "a,b\n\"x, \"\"y\"\"\",\"two\nlines\"\nlast,row";
        let r = records(text).unwrap();
        assert_eq!(r[1], (2, vec!["x, \"y\"".to_string(), "two\nlines".to_string()]));
        assert_eq!(r[2].0, 4, "the line after a two-line record");
    }
}
