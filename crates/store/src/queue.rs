//! The work queue: active cases ordered by `tideline_core::queue::QueueKey` (time to
//! breach, then priority, then id), filtered and keyset-paginated.

use crate::codec::{from_ms, parse_json};
use crate::{Store, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tideline_core::queue::QueueKey;
use tideline_core::sla::{ClockStatus, case_clocks};
use tideline_core::{Case, CaseId, CaseStatus, Channel, Priority};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueueFilter {
    /// Only cases assigned to this agent ("my cases").
    pub assignee: Option<String>,
    /// Only these queues (team queues).
    pub queues: Option<Vec<String>>,
    pub channels: Option<Vec<Channel>>,
    pub priorities: Option<Vec<Priority>>,
    /// Any of new, open, pending; all three when `None`.
    pub statuses: Option<Vec<CaseStatus>>,
}

/// The last row of a page; the next page starts strictly after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueueCursor {
    pub due_key: i64,
    pub priority_rank: u8,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueueRow {
    pub case: Case,
    pub customer_name: String,
    /// The clocks as of `now`, most urgent running clock first.
    pub clocks: Vec<ClockStatus>,
    pub key: QueueKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    pub next: Option<QueueCursor>,
}

fn json_list<T: Serialize>(v: &Option<Vec<T>>) -> Option<String> {
    v.as_ref().map(|v| serde_json::to_string(v).expect("names serialise"))
}

impl Store {
    /// The agent with the most active cases, if any case is assigned.
    pub fn busiest_assignee(&self) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT assignee FROM cases WHERE status IN ('new', 'open', 'pending') AND assignee IS NOT NULL \
                 GROUP BY assignee ORDER BY count(*) DESC, assignee LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// One page of the queue as it stands at `now`.
    pub fn queue(
        &self,
        filter: &QueueFilter,
        after: Option<QueueCursor>,
        limit: usize,
        now: Timestamp,
    ) -> Result<QueuePage, StoreError> {
        let limit = limit.clamp(1, crate::timeline::MAX_PAGE);
        let c = after.unwrap_or(QueueCursor { due_key: -1, priority_rank: 0, id: 0 });
        let statuses = json_list(&filter.statuses);
        let channels = json_list(&filter.channels);
        let priorities = filter
            .priorities
            .as_ref()
            .map(|ps| serde_json::to_string(&ps.iter().map(|p| p.rank()).collect::<Vec<_>>()).expect("ints serialise"));
        let queues = json_list(&filter.queues);
        // The partial index holds only active cases; the status list narrows further.
        let base = "FROM cases c JOIN customers u ON u.id = c.customer_id \
             WHERE c.status IN ('new', 'open', 'pending') \
               AND (c.due_key, c.priority_rank, c.id) > (?1, ?2, ?3) \
               AND (?4 IS NULL OR c.status IN (SELECT value FROM json_each(?4))) \
               AND (?5 IS NULL OR c.channel IN (SELECT value FROM json_each(?5))) \
               AND (?6 IS NULL OR c.priority_rank IN (SELECT value FROM json_each(?6))) \
               AND (?7 IS NULL OR c.queue IN (SELECT value FROM json_each(?7)))";
        let sql = if filter.assignee.is_some() {
            format!(
                "SELECT c.doc, u.name, c.due_key, c.priority_rank, c.id {base} AND c.assignee = ?8 \
                 ORDER BY c.due_key, c.priority_rank, c.id LIMIT ?9"
            )
        } else {
            format!(
                "SELECT c.doc, u.name, c.due_key, c.priority_rank, c.id {base} AND ?8 IS NULL \
                 ORDER BY c.due_key, c.priority_rank, c.id LIMIT ?9"
            )
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let raw = stmt
            .query_map(
                rusqlite::params![
                    c.due_key,
                    c.priority_rank,
                    c.id,
                    statuses,
                    channels,
                    priorities,
                    queues,
                    filter.assignee,
                    limit as i64 + 1
                ],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, u8>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let more = raw.len() > limit;
        let next = if more {
            raw.get(limit - 1).map(|(_, _, due_key, priority_rank, id)| QueueCursor {
                due_key: *due_key,
                priority_rank: *priority_rank,
                id: *id,
            })
        } else {
            None
        };
        let rows = raw
            .into_iter()
            .take(limit)
            .map(|(doc, customer_name, due_key, _, id)| {
                let case: Case = parse_json("case", &doc)?;
                let mut clocks = case_clocks(&case, &self.config.sla, now);
                clocks.sort_by_key(|c| (c.due_at.is_none(), c.due_at));
                let due_at = if due_key == crate::load::NO_DUE_KEY { None } else { Some(from_ms(due_key)?) };
                let key = QueueKey { due_at, priority: case.priority, case_id: CaseId(id) };
                Ok(QueueRow { case, customer_name, clocks, key })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(QueuePage { rows, next })
    }
}
