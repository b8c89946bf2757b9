use crate::harness::{note, start};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashSet;

#[tokio::test]
async fn an_agent_cannot_pull_or_change_what_is_outside_their_queues() {
    let t = start().await;
    let amy = t.sign_in("amy").await;
    let db = t.db().await;
    // Amy works `cards`; her scope is the customers with a cards case.
    let in_scope: HashSet<i64> = db
        .query("SELECT DISTINCT customer_id FROM cases WHERE queue = 'cards' OR assignee = 'amy'", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let outside = db
        .query_one(
            "SELECT id, customer_id FROM cases WHERE status IN ('new', 'open', 'pending')
             AND customer_id NOT IN (SELECT customer_id FROM cases WHERE queue = 'cards' OR assignee = 'amy')
             ORDER BY id LIMIT 1",
            &[],
        )
        .await
        .unwrap();
    let (case_id, customer_id): (i64, i64) = (outside.get(0), outside.get(1));

    let seen = t.pull_all(&amy).await;
    assert!(!seen.is_empty());
    for c in &seen {
        let customer = c.get("customer").map(|x| x["id"].clone());
        let owner = match c["kind"].as_str().unwrap() {
            "customer" => customer.unwrap(),
            "case" => c["case"]["customer_id"].clone(),
            "event" => c["event"]["customer_id"].clone(),
            _ => c["touchpoint"]["customer_id"].clone(),
        };
        match owner.as_i64() {
            Some(id) => assert!(in_scope.contains(&id), "amy was sent {c}"),
            None => assert_eq!(c["kind"], "touchpoint", "only unlinked touchpoints have no customer"),
        }
    }
    assert!(!seen.iter().any(|c| c["kind"] == "case" && c["case"]["id"] == json!(case_id)));

    // A hand-crafted push on that case is refused and changes nothing.
    let head = t.head().await;
    let r = t.push(&amy, "amy-cache", vec![note(1, case_id, "sneaky")]).await;
    assert_eq!(
        r["results"][0],
        json!({"seq": 1, "outcome": "rejected",
               "message": format!("You cannot change CS-{case_id}: it is not in your queues or assigned to you.")})
    );
    assert_eq!(t.head().await, head);
    // So is a push on a case that does not exist, in the same words.
    let r = t.push(&amy, "amy-cache", vec![note(2, 999_999, "probe")]).await;
    assert_eq!(r["results"][0]["message"], "You cannot change CS-999999: it is not in your queues or assigned to you.");

    // No audit log, no configuration.
    assert_eq!(t.get("/v1/audit", Some(&amy)).await.0, StatusCode::FORBIDDEN);
    let r = t
        .http
        .put(t.url("/v1/config/closure-codes"))
        .bearer_auth(&amy)
        .json(&json!([{"code": "x", "label": "X"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Opening the customer fetches their history, keeps them in Amy's scope and is audited.
    let (status, page) = t.get(&format!("/v1/customers/{customer_id}/history"), Some(&amy)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let kinds: HashSet<&str> =
        page["changes"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains("customer") && kinds.contains("case") && kinds.contains("event"), "{kinds:?}");
    let seen = t.pull_all(&amy).await;
    assert!(seen.iter().any(|c| c["kind"] == "case" && c["case"]["id"] == json!(case_id)));
    let lead = t.sign_in("lead").await;
    let (status, audit) = t.get("/v1/audit?limit=50", Some(&lead)).await;
    assert_eq!(status, StatusCode::OK);
    let entries = audit["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "open_customer" && e["actor"] == "amy" && e["customer_id"] == json!(customer_id))
    );
    assert!(entries.iter().any(|e| e["action"] == "add_note" && e["detail"].as_str().unwrap().starts_with("rejected")));

    // Leads see every change.
    let all: i64 = db.query_one("SELECT count(*) FROM changes", &[]).await.unwrap().get(0);
    assert_eq!(t.pull_all(&lead).await.len() as i64, all);
}

#[tokio::test]
async fn admins_set_closure_codes_and_customers_are_found_by_identity() {
    let t = start().await;
    let admin = t.sign_in("admin").await;
    let codes = json!([{"code": "sorted", "label": "Sorted"}]);
    let r = t.http.put(t.url("/v1/config/closure-codes")).bearer_auth(&admin).json(&codes).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, reference) = t.get("/v1/reference", Some(&admin)).await;
    assert_eq!(reference["closure_codes"], codes);
    assert!(reference["queues"].as_array().unwrap().contains(&json!("cards")));

    let row = t
        .db()
        .await
        .query_one("SELECT value, customer_id FROM identities WHERE kind = 'email' ORDER BY customer_id LIMIT 1", &[])
        .await
        .unwrap();
    let (email, id): (String, i64) = (row.get(0), row.get(1));
    let (status, found) = t.get(&format!("/v1/customers?identity={email}"), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found.as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<Value>>(), vec![json!(id)]);
}
