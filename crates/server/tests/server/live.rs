use crate::harness::{note, start};
use serde_json::json;

#[tokio::test]
async fn a_socket_is_poked_after_another_users_push() {
    let t = start().await;
    let amy = t.sign_in("amy").await;
    let lead = t.sign_in("lead").await;
    let mut socket = t.socket(&amy).await;
    let first = socket.expect("first poke", |m| m["type"] == "poke").await;
    let head = first["head"].as_i64().unwrap();
    assert_eq!(head, t.head().await);
    let (case_id, _) = t.active_case("cards").await;
    let pushed = t.push(&lead, "lead-cache", vec![note(1, case_id, "hello")]).await;
    let new_head = pushed["head"].as_i64().unwrap();
    socket.expect("poke after the push", |m| m["type"] == "poke" && m["head"].as_i64() >= Some(new_head)).await;
}

#[tokio::test]
async fn presence_shows_up_for_a_second_client_on_the_same_case() {
    let t = start().await;
    let amy = t.sign_in("amy").await;
    let lead = t.sign_in("lead").await;
    let mut a = t.socket(&amy).await;
    let mut b = t.socket(&lead).await;
    a.expect("first poke", |m| m["type"] == "poke").await;
    b.expect("first poke", |m| m["type"] == "poke").await;
    a.send(json!({"type": "presence", "case_id": 3, "activity": "viewing"})).await;
    a.expect("presence of an empty case", |m| m["type"] == "presence" && m["people"] == json!([])).await;
    b.send(json!({"type": "presence", "case_id": 3, "activity": "replying"})).await;
    let seen = a.expect("the lead's presence", |m| m["type"] == "presence" && m["people"] != json!([])).await;
    assert_eq!(
        seen,
        json!({"type": "presence", "case_id": 3,
               "people": [{"username": "lead", "display_name": "LEAD Test", "activity": "replying"}]})
    );
    b.expect("amy's presence", |m| {
        m["type"] == "presence"
            && m["people"] == json!([{"username": "amy", "display_name": "AMY Test", "activity": "viewing"}])
    })
    .await;
    // The lead leaves: Amy's list empties.
    drop(b);
    a.expect("the lead leaving", |m| m["type"] == "presence" && m["people"] == json!([])).await;
}
