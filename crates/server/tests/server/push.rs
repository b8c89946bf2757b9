use crate::harness::{note, start};
use serde_json::json;

#[tokio::test]
async fn a_retried_push_batch_is_applied_exactly_once() {
    let t = start().await;
    let lead = t.sign_in("lead").await;
    let (case_id, _) = t.active_case("cards").await;
    let events = || async {
        t.db()
            .await
            .query_one("SELECT count(*) FROM case_events WHERE case_id = $1", &[&case_id])
            .await
            .unwrap()
            .get::<_, i64>(0)
    };
    let before = events().await;
    let batch = vec![note(1, case_id, "first"), note(2, case_id, "second")];
    let first = t.push(&lead, "cache-1", batch.clone()).await;
    assert_eq!(first["results"], json!([{"seq": 1, "outcome": "applied"}, {"seq": 2, "outcome": "applied"}]));
    let head = first["head"].as_i64().unwrap();
    let again = t.push(&lead, "cache-1", batch).await;
    assert_eq!(again, first);
    assert_eq!(events().await, before + 2);
    assert_eq!(t.head().await, head);
    // Each note made a case change and an event change.
    let changes: i64 = t
        .db()
        .await
        .query_one("SELECT count(*) FROM changes WHERE pos > $1::bigint - 4", &[&head])
        .await
        .unwrap()
        .get(0);
    assert_eq!(changes, 4);

    // The event is signed by the signed-in user, whatever the client claims.
    let actor: serde_json::Value = t
        .db()
        .await
        .query_one("SELECT doc->'actor' FROM case_events WHERE case_id = $1 ORDER BY id DESC LIMIT 1", &[&case_id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(actor, json!({"kind": "agent", "name": "lead"}));
}

#[tokio::test]
async fn a_colleagues_change_since_the_basis_comes_back_as_a_notice() {
    let t = start().await;
    let lead = t.sign_in("lead").await;
    let amy = t.sign_in("amy").await;
    let (case_id, _) = t.active_case("cards").await;
    let basis = t.head().await;
    t.push(&lead, "lead-cache", vec![note(1, case_id, "from the lead")]).await;
    let mut m = note(1, case_id, "from amy");
    m["basis"] = json!(basis);
    let r = t.push(&amy, "amy-cache", vec![m]).await;
    assert_eq!(r["results"][0]["outcome"], "applied");
    assert_eq!(r["results"][0]["notice"], format!("Since you loaded CS-{case_id}, LEAD Test added a note."));
}
