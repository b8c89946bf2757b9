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

#[tokio::test]
async fn an_agent_is_refused_presence_on_a_case_outside_their_scope() {
    let t = start().await;
    let amy = t.sign_in("amy").await;
    let lead = t.sign_in("lead").await;
    let (outside, _) = t.active_case("fraud").await;
    let (mine, _) = t.active_case("cards").await;
    let mut a = t.socket(&amy).await;
    let mut l = t.socket(&lead).await;
    a.expect("first poke", |m| m["type"] == "poke").await;
    l.expect("first poke", |m| m["type"] == "poke").await;
    l.send(json!({"type": "presence", "case_id": outside, "activity": "replying"})).await;
    l.expect("presence of the fraud case", |m| m["type"] == "presence" && m["case_id"] == json!(outside)).await;

    // Amy asks to join the fraud case: she is refused and learns nobody's presence there.
    a.send(json!({"type": "presence", "case_id": outside, "activity": "viewing"})).await;
    let refused = a.expect("the refusal", |m| m["type"] != "poke").await;
    assert_eq!(
        refused,
        json!({"type": "presence_refused", "case_id": outside,
               "message": format!("You cannot see who is on CS-{outside}: it is outside your queues and customers.")})
    );
    // Her own case works; once its presence has come back, everything she sent before has
    // been announced, so the lead's next list for the fraud case is the whole truth.
    a.send(json!({"type": "presence", "case_id": mine, "activity": "viewing"})).await;
    let back = a.expect("presence on her own case", |m| m["type"] != "poke").await;
    assert_eq!(back["type"], "presence", "{back}");
    assert_eq!(back["case_id"], json!(mine));
    l.send(json!({"type": "presence", "case_id": outside, "activity": "viewing"})).await;
    let list = l.expect("the fraud case again", |m| m["type"] == "presence" && m["case_id"] == json!(outside)).await;
    assert_eq!(list["people"], json!([]), "amy was never announced on the fraud case");
}
