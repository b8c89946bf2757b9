//! Timeline assembly: a customer's touchpoints and case events, across every channel
//! and case, newest first, paged by a keyset cursor.

use crate::case::CaseEvent;
use crate::touchpoint::Touchpoint;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum TimelineItem {
    Touchpoint(Touchpoint),
    CaseEvent {
        /// The event's row id in the cache, which orders events at the same instant.
        id: i64,
        #[serde(flatten)]
        event: CaseEvent,
    },
}

/// Where a page ends. The next page starts strictly after it, so no item is shown twice
/// or skipped even when many share a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineCursor {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: Timestamp,
    /// 1 for touchpoints, 0 for case events: at the same instant the contact comes
    /// before (is newer than) what an agent did about it in the newest-first order.
    pub rank: u8,
    pub id: i64,
}

impl TimelineItem {
    pub fn at(&self) -> Timestamp {
        match self {
            TimelineItem::Touchpoint(t) => t.occurred_at,
            TimelineItem::CaseEvent { event, .. } => event.at,
        }
    }

    pub fn cursor(&self) -> TimelineCursor {
        match self {
            TimelineItem::Touchpoint(t) => TimelineCursor { at: t.occurred_at, rank: 1, id: t.id.0 },
            TimelineItem::CaseEvent { id, event } => TimelineCursor { at: event.at, rank: 0, id: *id },
        }
    }
}

/// Merges two newest-first runs into one newest-first page of at most `limit` items.
/// Each run must already be sorted newest first by [`TimelineItem::cursor`].
pub fn merge_newest_first(
    touchpoints: Vec<TimelineItem>,
    events: Vec<TimelineItem>,
    limit: usize,
) -> Vec<TimelineItem> {
    let mut out = Vec::with_capacity(limit.min(touchpoints.len() + events.len()));
    let mut a = touchpoints.into_iter().peekable();
    let mut b = events.into_iter().peekable();
    while out.len() < limit {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.cursor() > y.cursor(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::CaseEventKind;
    use crate::channel::{Actor, Channel, Direction};
    use crate::ids::{CaseId, CustomerId, TouchpointId};

    fn tp(id: i64, at: &str) -> TimelineItem {
        TimelineItem::Touchpoint(Touchpoint {
            id: TouchpointId(id),
            customer_id: Some(CustomerId(1)),
            case_id: None,
            channel: Channel::Sms,
            direction: Direction::Inbound,
            actor: Actor::Customer,
            occurred_at: at.parse().unwrap(),
            identity: None,
            summary: "hi".into(),
            body: None,
            facts: Default::default(),
        })
    }

    fn ev(id: i64, at: &str) -> TimelineItem {
        TimelineItem::CaseEvent {
            id,
            event: CaseEvent {
                case_id: CaseId(1),
                customer_id: CustomerId(1),
                at: at.parse().unwrap(),
                actor: Actor::System,
                kind: CaseEventKind::Acknowledged,
            },
        }
    }

    #[test]
    fn merge_keeps_newest_first_and_breaks_ties_stably() {
        let a = vec![tp(3, "2026-01-03T00:00:00Z"), tp(2, "2026-01-02T00:00:00Z"), tp(1, "2026-01-01T00:00:00Z")];
        let b = vec![ev(9, "2026-01-02T00:00:00Z"), ev(8, "2025-12-31T00:00:00Z")];
        let page = merge_newest_first(a, b, 4);
        let cursors: Vec<(u8, i64)> = page.iter().map(|i| (i.cursor().rank, i.cursor().id)).collect();
        assert_eq!(cursors, vec![(1, 3), (1, 2), (0, 9), (1, 1)]);
    }
}
