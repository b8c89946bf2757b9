//! A customer's timeline and the unlinked list, both keyset-paginated: a page reads only
//! the rows it returns, whatever the depth, so scrolling back years costs the same as
//! the first screen.

use crate::codec::{TOUCHPOINT_COLS, from_ms, ms, parse_json, touchpoint_from_row};
use crate::{Store, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tideline_core::timeline::{TimelineCursor, TimelineItem, merge_newest_first};
use tideline_core::{Actor, CaseEvent, CaseId, Channel, CustomerId, Touchpoint};

/// The largest page any caller may ask for; keeps one IPC response small.
pub const MAX_PAGE: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineQuery {
    pub customer: CustomerId,
    /// Start after this item (the previous page's `next`), or at the newest.
    pub before: Option<TimelineCursor>,
    pub limit: usize,
    /// Only this case's touchpoints and events.
    pub case: Option<CaseId>,
    /// Only touchpoints on these channels (case events are left out).
    pub channels: Option<Vec<Channel>>,
}

impl TimelineQuery {
    pub fn newest(customer: CustomerId, limit: usize) -> Self {
        TimelineQuery { customer, before: None, limit, case: None, channels: None }
    }

    /// Jump to a date: the page starts with the newest item before `at`.
    pub fn before_time(customer: CustomerId, at: Timestamp, limit: usize) -> Self {
        TimelineQuery { before: Some(TimelineCursor { at, rank: 0, id: 0 }), ..Self::newest(customer, limit) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelinePage {
    pub items: Vec<TimelineItem>,
    /// Pass as `before` for the next (older) page; `None` at the start of history.
    pub next: Option<TimelineCursor>,
}

/// SQLite's row-value bound `(at, id) < (?, ?)` for one table, given a cursor over the
/// merged order `(at, rank, id)`. Touchpoints have rank 1, events rank 0.
fn bound(cursor: Option<TimelineCursor>, rank: u8) -> (i64, i64) {
    match cursor {
        None => (i64::MAX, i64::MAX),
        Some(c) if c.rank == rank => (ms(c.at), c.id),
        Some(c) if c.rank > rank => (ms(c.at), i64::MAX),
        Some(c) => (ms(c.at), i64::MIN),
    }
}

impl Store {
    pub fn timeline(&self, q: &TimelineQuery) -> Result<TimelinePage, StoreError> {
        let limit = q.limit.clamp(1, MAX_PAGE);
        let cx = &self.config.identities;
        let (t_at, t_id) = bound(q.before, 1);
        let channels: Option<String> = q.channels.as_ref().map(|cs| {
            let v: Vec<&str> = cs.iter().map(|c| c.as_str()).collect();
            serde_json::to_string(&v).expect("strings serialise")
        });
        // One prepared statement per shape, each walking touchpoints_timeline backwards.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TOUCHPOINT_COLS} FROM touchpoints \
             WHERE customer_id = ?1 AND (occurred_at, id) < (?2, ?3) \
               AND (?4 IS NULL OR case_id = ?4) \
               AND (?5 IS NULL OR channel IN (SELECT value FROM json_each(?5))) \
             ORDER BY occurred_at DESC, id DESC LIMIT ?6"
        ))?;
        let touchpoints = stmt
            .query_map(
                rusqlite::params![q.customer.0, t_at, t_id, q.case.map(|c| c.0), channels, limit as i64 + 1],
                |row| Ok(touchpoint_from_row(row, cx)),
            )?
            .map(|r| r?.map(TimelineItem::Touchpoint))
            .collect::<Result<Vec<_>, _>>()?;

        let events = if q.channels.is_some() {
            Vec::new()
        } else {
            let (e_at, e_id) = bound(q.before, 0);
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, case_id, customer_id, at, actor, doc FROM case_events \
                 WHERE customer_id = ?1 AND (at, id) < (?2, ?3) AND (?4 IS NULL OR case_id = ?4) \
                 ORDER BY at DESC, id DESC LIMIT ?5",
            )?;
            stmt.query_map(rusqlite::params![q.customer.0, e_at, e_id, q.case.map(|c| c.0), limit as i64 + 1], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .map(|r| {
                let (id, case_id, customer_id, at, actor, doc) = r?;
                Ok(TimelineItem::CaseEvent {
                    id,
                    event: CaseEvent {
                        case_id: CaseId(case_id),
                        customer_id: CustomerId(customer_id),
                        at: from_ms(at)?,
                        actor: parse_json::<Actor>("actor", &actor)?,
                        kind: parse_json("case event", &doc)?,
                    },
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?
        };
        let mut items = merge_newest_first(touchpoints, events, limit + 1);
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more { items.last().map(TimelineItem::cursor) } else { None };
        Ok(TimelinePage { items, next })
    }

    /// Touchpoints whose identity matches no customer, newest first.
    pub fn unlinked(&self, before: Option<UnlinkedCursor>, limit: usize) -> Result<UnlinkedPage, StoreError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let (at, id) = before.map(|c| (ms(c.at), c.id)).unwrap_or((i64::MAX, i64::MAX));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TOUCHPOINT_COLS} FROM touchpoints INDEXED BY touchpoints_unlinked \
             WHERE customer_id IS NULL AND (occurred_at, id) < (?1, ?2) \
             ORDER BY occurred_at DESC, id DESC LIMIT ?3"
        ))?;
        let mut items: Vec<Touchpoint> = stmt
            .query_map(rusqlite::params![at, id, limit as i64 + 1], |row| {
                Ok(touchpoint_from_row(row, &self.config.identities))
            })?
            .map(|r| r?)
            .collect::<Result<_, _>>()?;
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more { items.last().map(|t| UnlinkedCursor { at: t.occurred_at, id: t.id.0 }) } else { None };
        Ok(UnlinkedPage { items, next })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnlinkedCursor {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: Timestamp,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnlinkedPage {
    pub items: Vec<Touchpoint>,
    pub next: Option<UnlinkedCursor>,
}

impl Store {
    /// The customer's inbound contacts about cases, oldest first, newest 5,000 at most:
    /// the input to `tideline_core::insight::channel_hops`.
    pub fn case_contacts(&self, customer: CustomerId) -> Result<Vec<tideline_core::insight::CaseContact>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_id, channel, occurred_at, facts ->> '$.public' FROM touchpoints \
             WHERE customer_id = ?1 AND case_id IS NOT NULL AND direction = 'inbound' \
             ORDER BY occurred_at DESC, id DESC LIMIT 5000",
        )?;
        let mut v = stmt
            .query_map([customer.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<bool>>(4)?,
                ))
            })?
            .map(|r| {
                let (id, case_id, channel, at, public) = r?;
                Ok(tideline_core::insight::CaseContact {
                    touchpoint_id: tideline_core::TouchpointId(id),
                    case_id: CaseId(case_id),
                    channel: crate::codec::parse_name("channel", &channel)?,
                    at: from_ms(at)?,
                    public: public.unwrap_or(false),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        v.reverse();
        Ok(v)
    }
}
