//! Queue order: the case closest to breaching its SLA first, then the higher priority,
//! then the older case. The same rule holds for every channel, and nothing about the
//! customer's reach (followers, network size) enters it.

use crate::case::Priority;
use crate::ids::CaseId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The sort key of a case in a queue. Cases whose clocks are all paused or stopped
/// (`due_at` is `None`) come after every case with a running clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueueKey {
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub due_at: Option<Timestamp>,
    pub priority: Priority,
    pub case_id: CaseId,
}

impl Ord for QueueKey {
    fn cmp(&self, other: &Self) -> Ordering {
        let due = match (self.due_at, other.due_at) {
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        due.then(other.priority.cmp(&self.priority)).then(self.case_id.cmp(&other.case_id))
    }
}

impl PartialOrd for QueueKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(due: Option<&str>, p: Priority, id: i64) -> QueueKey {
        QueueKey { due_at: due.map(|d| d.parse().unwrap()), priority: p, case_id: CaseId(id) }
    }

    #[test]
    fn time_to_breach_first_then_priority_then_age() {
        let mut v = [
            key(None, Priority::Urgent, 1),
            key(Some("2026-03-02T12:00:00Z"), Priority::Low, 2),
            key(Some("2026-03-02T10:00:00Z"), Priority::Normal, 3),
            key(Some("2026-03-02T10:00:00Z"), Priority::High, 4),
            key(Some("2026-03-02T10:00:00Z"), Priority::High, 5),
        ];
        v.sort();
        let ids: Vec<i64> = v.iter().map(|k| k.case_id.0).collect();
        assert_eq!(ids, vec![4, 5, 3, 2, 1]);
    }
}
