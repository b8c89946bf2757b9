//! Full-text search over customers, cases and touchpoints (FTS5), plus exact identity
//! matching, so that `020 7946 0018` finds the customer whose number is
//! `+442079460018`.

use crate::codec::{TOUCHPOINT_COLS, touchpoint_from_row};
use crate::{Store, StoreError};
use serde::Serialize;
use tideline_core::{CaseId, CaseStatus, CustomerId, Identity, Touchpoint};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CustomerHit {
    pub id: CustomerId,
    pub name: String,
    /// Set when the query was one of the customer's identities.
    pub matched_identity: Option<Identity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseHit {
    pub id: CaseId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub subject: String,
    pub status: CaseStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SearchHit {
    Customer(CustomerHit),
    Case(CaseHit),
    Touchpoint(Touchpoint),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResults {
    pub customers: Vec<CustomerHit>,
    pub cases: Vec<CaseHit>,
    /// Most recently recorded first.
    pub touchpoints: Vec<Touchpoint>,
}

impl SearchResults {
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty() && self.cases.is_empty() && self.touchpoints.is_empty()
    }
}

/// Prefix (type-ahead) matching is for customer names only; see `Store::search`.
/// Turns free text into an FTS5 query that cannot be a syntax error: every word is
/// quoted, words are ANDed, and the last one may be a prefix (type-ahead).
fn fts_query(text: &str, prefix_last: bool) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.to_lowercase()))
        .collect();
    let mut q = words.join(" ");
    if q.is_empty() {
        return None;
    }
    if prefix_last {
        q.push('*');
    }
    Some(q)
}

impl Store {
    /// Searches everything for `text`; at most `per_kind` hits of each kind.
    pub fn search(&self, text: &str, per_kind: usize) -> Result<SearchResults, StoreError> {
        let per_kind = per_kind.clamp(1, 100) as i64;
        let mut out = SearchResults::default();

        // An id is an exact match: `C-12` is that customer, `CS-40` that case.
        if let Ok(id) = text.parse::<CustomerId>()
            && let Ok(c) = self.customer(id)
        {
            out.customers.push(CustomerHit { id, name: c.name, matched_identity: None });
        }
        if let Ok(id) = text.parse::<CaseId>()
            && let Ok(c) = self.case(id)
        {
            let customer_name = self.customer(c.customer_id)?.name;
            out.cases.push(CaseHit {
                id,
                customer_id: c.customer_id,
                customer_name,
                subject: c.subject,
                status: c.status,
            });
        }
        // An identity typed in any common form is an exact, certain match: list it first.
        if let Ok(candidates) = Identity::candidates(text, &self.config.identities) {
            for identity in candidates {
                if let Some(id) = self.customer_by_identity(&identity)? {
                    let name = self.customer(id)?.name;
                    out.customers.push(CustomerHit { id, name, matched_identity: Some(identity) });
                }
            }
        }
        let Some(prefixed) = fts_query(text, true) else { return Ok(out) };
        let exact = fts_query(text, false).expect("same words");

        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name FROM customers WHERE id IN \
             (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) \
             ORDER BY id DESC",
        )?;
        for row in stmt.query_map(rusqlite::params![prefixed, per_kind], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (id, name): (i64, String) = row?;
            if !out.customers.iter().any(|h| h.id.0 == id) {
                out.customers.push(CustomerHit { id: CustomerId(id), name, matched_identity: None });
            }
        }
        out.customers.truncate(per_kind as usize);

        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.customer_id, u.name, c.doc ->> '$.subject', c.status \
             FROM cases c JOIN customers u ON u.id = c.customer_id WHERE c.id IN \
             (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) \
             ORDER BY c.id DESC",
        )?;
        // Whole words for cases: a prefix over hundreds of thousands of subjects merges
        // every matching term's doclist, which costs tens of milliseconds.
        for row in stmt.query_map(rusqlite::params![exact, per_kind], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?))
        })? {
            let (id, customer_id, customer_name, subject, status): (i64, i64, String, String, String) = row?;
            if out.cases.iter().any(|h| h.id.0 == id) {
                continue;
            }
            out.cases.push(CaseHit {
                id: CaseId(id),
                customer_id: CustomerId(customer_id),
                customer_name,
                subject,
                status: crate::codec::parse_name("status", &status)?,
            });
        }

        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TOUCHPOINT_COLS} FROM touchpoints WHERE id IN \
             (SELECT rowid FROM touchpoints_fts WHERE touchpoints_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) \
             ORDER BY id DESC"
        ))?;
        out.touchpoints = stmt
            .query_map(rusqlite::params![exact, per_kind], |row| Ok(touchpoint_from_row(row, &self.config.identities)))?
            .map(|r| r?)
            .collect::<Result<_, _>>()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn free_text_becomes_a_safe_fts_query() {
        assert_eq!(fts_query("card declined", true).as_deref(), Some("\"card\" \"declined\"*"));
        assert_eq!(fts_query("\"OR ( NEAR", false).as_deref(), Some("\"or\" \"near\""));
        assert_eq!(fts_query("  -- ", true), None);
    }
}
