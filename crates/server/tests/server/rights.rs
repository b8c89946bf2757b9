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

/// The `open_customer` entries about `customer`, newest first, as a lead reads them.
async fn openings(t: &crate::harness::TestServer, lead: &str, customer: i64) -> Vec<Value> {
    let (status, audit) = t.get(&format!("/v1/audit?customer=C-{customer}"), Some(lead)).await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let entries = audit["entries"].as_array().unwrap();
    assert!(entries.iter().all(|e| e["customer_id"] == json!(customer)), "the filter keeps to the customer");
    entries.iter().filter(|e| e["action"] == "open_customer").cloned().collect()
}

#[tokio::test]
async fn every_history_read_is_audited_even_one_that_starts_mid_history() {
    let t = start().await;
    let bob = t.sign_in("bob").await;
    let lead = t.sign_in("lead").await;
    let (_, customer) = t.active_case("cards").await;
    assert!(openings(&t, &lead, customer).await.is_empty());

    // Bob skips the first page: the read is still an opening, and it is audited.
    let (status, page) = t.get(&format!("/v1/customers/{customer}/history?cursor=1&limit=2"), Some(&bob)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["changes"].as_array().unwrap().len(), 2);
    let seen = openings(&t, &lead, customer).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["actor"], "bob");

    // Paging on through the same opening adds nothing; opening it again does.
    let cursor = page["cursor"].as_i64().unwrap();
    let (status, _) = t.get(&format!("/v1/customers/{customer}/history?cursor={cursor}"), Some(&bob)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(openings(&t, &lead, customer).await.len(), 1);
    let (status, _) = t.get(&format!("/v1/customers/{customer}/history"), Some(&bob)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(openings(&t, &lead, customer).await.len(), 2);

    // A customer who does not exist is not found, and leaves no entry.
    let (status, body) = t.get("/v1/customers/C-999999/history?cursor=5", Some(&bob)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(openings(&t, &lead, 999_999).await.is_empty());
    // Agents still cannot read the audit, filtered or not.
    assert_eq!(t.get(&format!("/v1/audit?customer=C-{customer}"), Some(&bob)).await.0, StatusCode::FORBIDDEN);
}

/// A touchpoint from an unknown sender that nobody has linked yet.
async fn unlinked_touchpoint(t: &crate::harness::TestServer, skip: i64) -> i64 {
    let row = t
        .db()
        .await
        .query_one(
            "SELECT id FROM touchpoints WHERE customer_id IS NULL AND identity_kind IS NOT NULL
             ORDER BY id OFFSET $1 LIMIT 1",
            &[&skip],
        )
        .await
        .unwrap();
    row.get(0)
}

fn mutation(seq: i64, m: Value) -> Value {
    json!({"seq": seq, "at": "2026-11-23T12:00:00Z", "mutation": m})
}

#[tokio::test]
async fn agents_link_and_create_from_shared_work_but_undo_only_their_own_links() {
    let t = start().await;
    let amy = t.sign_in("amy").await;
    let bob = t.sign_in("bob").await;
    let lead = t.sign_in("lead").await;
    let db = t.db().await;
    let (tp1, tp2) = (unlinked_touchpoint(&t, 0).await, unlinked_touchpoint(&t, 1).await);
    // Bob's customer, outside Amy's queues: linking to any customer is every agent's job.
    let (_, customer) = t.active_case("fraud").await;

    let r = t
        .push(
            &amy,
            "amy-cache",
            vec![
                mutation(1, json!({"type": "link_identity", "touchpoint_id": tp1, "customer_id": customer})),
                mutation(2, json!({"type": "create_customer", "touchpoint_id": tp2, "name": "Ada Quill"})),
            ],
        )
        .await;
    assert_eq!(r["results"][0]["outcome"], "applied", "{r}");
    assert_eq!(r["results"][1]["outcome"], "applied", "{r}");
    let created = r["results"][1]["customer_id"].as_i64().unwrap();
    let seen = t.pull_all(&lead).await;
    let identity_of = |tp: i64| {
        let c = seen.iter().rev().find(|c| c["kind"] == "touchpoint" && c["touchpoint"]["id"] == json!(tp)).unwrap();
        c["touchpoint"]["identity"].clone()
    };
    let (id1, id2) = (identity_of(tp1), identity_of(tp2));

    // Bob may not undo Amy's links, whether on his customer or hers; nothing changes.
    let head = t.head().await;
    let r = t
        .push(
            &bob,
            "bob-cache",
            vec![
                mutation(1, json!({"type": "unlink_identity", "identity": id1, "customer_id": customer})),
                mutation(2, json!({"type": "unlink_identity", "identity": id2, "customer_id": created})),
            ],
        )
        .await;
    for (i, c) in [(0, customer), (1, created)] {
        assert_eq!(r["results"][i]["outcome"], "rejected", "{r}");
        let message = r["results"][i]["message"].as_str().unwrap();
        assert!(
            message.starts_with("Only amy, who linked ")
                && message.ends_with(&format!(" to C-{c}, or a team lead can undo that link.")),
            "{message}"
        );
    }
    assert_eq!(t.head().await, head);
    let owner = async |tp: i64| -> Option<i64> {
        db.query_one("SELECT customer_id FROM touchpoints WHERE id = $1", &[&tp]).await.unwrap().get(0)
    };
    assert_eq!(owner(tp1).await, Some(customer));

    // Amy undoes her own; the lead undoes the other for her.
    let r = t
        .push(
            &amy,
            "amy-cache",
            vec![mutation(3, json!({"type": "unlink_identity", "identity": id1, "customer_id": customer}))],
        )
        .await;
    assert_eq!(r["results"][0]["outcome"], "applied", "{r}");
    let r = t
        .push(
            &lead,
            "lead-cache",
            vec![mutation(1, json!({"type": "unlink_identity", "identity": id2, "customer_id": created}))],
        )
        .await;
    assert_eq!(r["results"][0]["outcome"], "applied", "{r}");
    assert_eq!((owner(tp1).await, owner(tp2).await), (None, None));

    // A touchpoint that already has a customer cannot be taken by a link.
    let linked: i64 = db
        .query_one("SELECT id FROM touchpoints WHERE customer_id IS NOT NULL ORDER BY id LIMIT 1", &[])
        .await
        .unwrap()
        .get(0);
    let r = t
        .push(
            &bob,
            "bob-cache",
            vec![mutation(3, json!({"type": "create_customer", "touchpoint_id": linked, "name": "Thief"}))],
        )
        .await;
    assert_eq!(r["results"][0]["outcome"], "rejected", "{r}");
}
