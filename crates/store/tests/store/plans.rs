//! The hot queries must walk an index in order: no table scan, no sort of the whole
//! result. These tests read SQLite's own query plan for each.

use crate::fixture::*;

fn plan(f: &Fixture, sql: &str) -> String {
    let mut stmt = f.store.connection().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let rows: Vec<String> = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect();
    rows.join("\n")
}

#[test]
fn timeline_queue_and_unlinked_use_their_indexes() {
    let f = small();
    let p = plan(
        &f,
        "SELECT id FROM touchpoints WHERE customer_id = 1 AND (occurred_at, id) < (5, 5) \
         AND (NULL IS NULL OR case_id = NULL) ORDER BY occurred_at DESC, id DESC LIMIT 200",
    );
    assert!(p.contains("USING INDEX touchpoints_timeline"), "{p}");
    assert!(!p.contains("TEMP B-TREE"), "{p}");

    let p = plan(
        &f,
        "SELECT id FROM case_events WHERE customer_id = 1 AND (at, id) < (5, 5) ORDER BY at DESC, id DESC LIMIT 200",
    );
    assert!(
        p.contains("USING INDEX case_events_timeline") || p.contains("USING COVERING INDEX case_events_timeline"),
        "{p}"
    );
    assert!(!p.contains("TEMP B-TREE"), "{p}");

    let p = plan(
        &f,
        "SELECT c.id FROM cases c JOIN customers u ON u.id = c.customer_id \
         WHERE c.status IN ('new', 'open', 'pending') AND (c.due_key, c.priority_rank, c.id) > (0, 0, 0) \
         ORDER BY c.due_key, c.priority_rank, c.id LIMIT 50",
    );
    assert!(p.contains("cases_queue"), "{p}");
    assert!(!p.contains("TEMP B-TREE"), "{p}");

    let p = plan(
        &f,
        "SELECT id FROM touchpoints INDEXED BY touchpoints_unlinked WHERE customer_id IS NULL \
         AND (occurred_at, id) < (5, 5) ORDER BY occurred_at DESC, id DESC LIMIT 50",
    );
    assert!(!p.contains("TEMP B-TREE"), "{p}");
}
