use crate::harness::{note, start};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn bad_requests_get_a_json_error_and_change_nothing() {
    let t = start().await;
    let amy = t.sign_in("amy").await;
    let lead = t.sign_in("lead").await;
    let head = t.head().await;
    let count = |sql: &'static str| {
        let t = &t;
        async move { t.db().await.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    let audit_before = count("SELECT count(*) FROM audit_log").await;
    let (case_id, _) = t.active_case("cards").await;

    let check = |status: StatusCode, body: &Value, want: StatusCode, code: &str| {
        assert_eq!(status, want, "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    };

    // Malformed JSON.
    let r = t
        .http
        .post(t.url("/v1/push"))
        .bearer_auth(&lead)
        .header("content-type", "application/json")
        .body("{\"client_id\": \"c\", \"mutations\": [")
        .send()
        .await
        .unwrap();
    let status = r.status();
    check(status, &r.json().await.unwrap(), StatusCode::BAD_REQUEST, "bad_request");

    // Well-formed JSON of the wrong shape.
    let (status, body) = t.post("/v1/push", Some(&lead), &json!({"client_id": "c", "mutations": [{"seq": 1}]})).await;
    check(status, &body, StatusCode::BAD_REQUEST, "bad_request");

    // Oversized body.
    let big = "x".repeat(tideline_sync::protocol::MAX_REQUEST_BYTES + 1);
    let (status, body) =
        t.post("/v1/push", Some(&lead), &json!({"client_id": "c", "mutations": [note(1, case_id, &big)]})).await;
    check(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // Too many mutations.
    let many: Vec<Value> =
        (0..=tideline_sync::protocol::MAX_PUSH_BATCH as i64).map(|i| note(i, case_id, "n")).collect();
    let (status, body) = t.post("/v1/push", Some(&lead), &json!({"client_id": "c", "mutations": many})).await;
    check(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // No token, a bad token.
    let (status, body) =
        t.post("/v1/push", None, &json!({"client_id": "c", "mutations": [note(1, case_id, "n")]})).await;
    check(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    let (status, body) = t.get("/v1/pull", Some("not-a-token")).await;
    check(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");

    // A bad query.
    let (status, body) = t.get("/v1/pull?cursor=abc", Some(&lead)).await;
    check(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    let (status, body) = t.get("/v1/customers?identity=", Some(&lead)).await;
    check(status, &body, StatusCode::BAD_REQUEST, "bad_request");

    // The wrong role.
    let (status, body) = t.get("/v1/audit", Some(&amy)).await;
    check(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let r = t
        .http
        .put(t.url("/v1/config/closure-codes"))
        .bearer_auth(&lead)
        .json(&json!([{"code": "x", "label": "X"}]))
        .send()
        .await
        .unwrap();
    let status = r.status();
    check(status, &r.json().await.unwrap(), StatusCode::FORBIDDEN, "forbidden");

    // An unknown path.
    let (status, body) = t.get("/v1/nothing", Some(&lead)).await;
    check(status, &body, StatusCode::NOT_FOUND, "not_found");

    assert_eq!(t.head().await, head);
    assert_eq!(count("SELECT count(*) FROM applied_mutations").await, 0);
    assert_eq!(count("SELECT count(*) FROM config").await, 0);
    assert_eq!(count("SELECT count(*) FROM audit_log").await, audit_before);
}

#[tokio::test]
async fn the_version_names_tideline_and_a_console_too_old_is_told_to_update() {
    let t = start().await;
    let (status, v) = t.get("/v1/version", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["product"], "tideline");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["protocol"], tideline_sync::protocol::PROTOCOL);
    assert_eq!(v["min_protocol"], tideline_sync::protocol::MIN_PROTOCOL);

    let old = tideline_sync::protocol::MIN_PROTOCOL - 1;
    let r = t
        .http
        .post(t.url("/v1/session"))
        .header("tideline-protocol", old.to_string())
        .json(&serde_json::json!({"username": "amy", "password": crate::harness::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UPGRADE_REQUIRED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "console_too_old");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("This console is too old for the server (it speaks protocol {old};"))
    );
    // The current protocol, or none at all (scripts, providers), passes.
    let r = t
        .http
        .post(t.url("/v1/session"))
        .header("tideline-protocol", tideline_sync::protocol::PROTOCOL.to_string())
        .json(&serde_json::json!({"username": "amy", "password": crate::harness::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
