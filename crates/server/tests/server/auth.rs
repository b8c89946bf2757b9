use crate::harness::{PASSWORD, start};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn sign_in_expiry_revocation_and_disabled_users() {
    let t = start().await;
    let token = t.sign_in("amy").await;
    let (status, me) = t.get("/v1/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me, json!({"username": "amy", "display_name": "AMY Test", "role": "agent", "queues": ["cards"]}));

    for (user, pw) in [("amy", "wrong"), ("nobody", PASSWORD)] {
        let (status, body) = t.post("/v1/session", None, &json!({"username": user, "password": pw})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthenticated");
        assert_eq!(body["error"]["message"], "Wrong username or password.");
    }

    // Only the hash is stored, and an expired token stops working.
    let db = t.db().await;
    let stored: i64 = db.query_one("SELECT count(*) FROM tokens", &[]).await.unwrap().get(0);
    assert_eq!(stored, 1);
    db.execute("UPDATE tokens SET expires_at = now() - interval '1 second'", &[]).await.unwrap();
    let (status, body) = t.get("/v1/me", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");

    // Signing out revokes the token.
    let token = t.sign_in("amy").await;
    let r = t.http.delete(t.url("/v1/session")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(t.get("/v1/me", Some(&token)).await.0, StatusCode::UNAUTHORIZED);

    // A disabled user can neither sign in nor use a token they already had.
    let token = t.sign_in("bob").await;
    tideline_server::users::disable(&**db, "default", "bob", "test").await.unwrap();
    assert_eq!(t.get("/v1/me", Some(&token)).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = t.post("/v1/session", None, &json!({"username": "bob", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["message"], "Wrong username or password.");
}

/// Signs in as `username` with `password`, through a proxy that says the client is
/// `forwarded` (if given): the status, the Retry-After header and the error's message.
async fn attempt(
    t: &crate::harness::TestServer,
    username: &str,
    password: &str,
    forwarded: Option<&str>,
) -> (StatusCode, Option<u64>, String) {
    let mut r = t.http.post(t.url("/v1/session")).json(&json!({"username": username, "password": password}));
    if let Some(f) = forwarded {
        r = r.header("x-forwarded-for", f);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().parse().unwrap());
    let body: serde_json::Value = r.json().await.unwrap();
    (status, retry, body["error"]["message"].as_str().unwrap_or("").to_string())
}

/// Lets a throttle's wait run out, as time passing would.
async fn let_wait_pass(t: &crate::harness::TestServer, key: &str) {
    let db = t.db().await;
    let n = db
        .execute("UPDATE sign_in_failures SET locked_until = now() - interval '1 second' WHERE key = $1", &[&key])
        .await
        .unwrap();
    assert_eq!(n, 1, "{key} has a counter");
}

#[tokio::test]
async fn repeated_wrong_passwords_slow_that_username_down_and_every_failure_is_audited() {
    let t = start().await;
    let wrong = (StatusCode::UNAUTHORIZED, None, "Wrong username or password.".to_string());
    for _ in 1..=4 {
        assert_eq!(attempt(&t, "amy", "guess", None).await, wrong);
    }
    // The fifth failure starts a wait, and says so.
    let (status, _, message) = attempt(&t, "amy", "guess", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(message, "Wrong username or password. Too many failed sign-ins: wait 2 seconds before trying again.");
    // During the wait even the right password is refused, unverified, with a Retry-After.
    let (status, retry, message) = attempt(&t, "amy", PASSWORD, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(retry, Some(1..=2)), "{retry:?}");
    assert!(message.starts_with("Too many failed sign-ins. Wait ") && message.ends_with(" before trying again."));
    // It is Amy's name that is held, not everyone's.
    t.sign_in("bob").await;

    // After the wait, another failure doubles it.
    let_wait_pass(&t, "user:amy").await;
    let (_, _, message) = attempt(&t, "amy", "guess", None).await;
    assert!(message.ends_with("wait 4 seconds before trying again."), "{message}");
    // After that one, the right password works and clears her count.
    let_wait_pass(&t, "user:amy").await;
    t.sign_in("amy").await;
    assert_eq!(attempt(&t, "amy", "guess", None).await, wrong);

    let lead = t.sign_in("lead").await;
    let (_, audit) = t.get("/v1/audit?limit=100", Some(&lead)).await;
    let entries = audit["entries"].as_array().unwrap();
    let count = |action: &str| entries.iter().filter(|e| e["actor"] == "amy" && e["action"] == action).count();
    assert_eq!((count("sign_in_failed"), count("sign_in_refused"), count("sign_in")), (7, 1, 1));
    assert!(entries.iter().filter(|e| e["action"] == "sign_in_failed").all(|e| e["detail"] == "from 127.0.0.1"));
}

#[tokio::test]
async fn many_usernames_from_one_address_slow_that_address_as_a_trusted_proxy_reports_it() {
    let t = crate::harness::start_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let guesser = Some("198.51.100.7");
    for n in 1..20 {
        let (status, _, message) = attempt(&t, &format!("user{n}"), "123456", guesser).await;
        assert_eq!((status, message.as_str()), (StatusCode::UNAUTHORIZED, "Wrong username or password."));
    }
    let (_, _, message) = attempt(&t, "user20", "123456", guesser).await;
    assert!(message.ends_with("wait 2 seconds before trying again."), "{message}");
    // From that address nobody signs in for now, even with the right password...
    assert_eq!(attempt(&t, "lead", PASSWORD, guesser).await.0, StatusCode::TOO_MANY_REQUESTS);
    // ...nor by claiming another address in front of the one the proxy appended.
    let forged = Some("203.0.113.9, 198.51.100.7");
    assert_eq!(attempt(&t, "lead", PASSWORD, forged).await.0, StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy is not held up.
    assert_eq!(attempt(&t, "lead", PASSWORD, Some("203.0.113.9")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_forwarded_address_from_an_untrusted_peer_is_ignored() {
    let t = start().await;
    for n in 1..=20 {
        attempt(&t, &format!("user{n}"), "123456", Some(&format!("198.51.100.{n}"))).await;
    }
    // Each request claimed a different address; all came from 127.0.0.1, which is held.
    assert_eq!(attempt(&t, "lead", PASSWORD, Some("203.0.113.9")).await.0, StatusCode::TOO_MANY_REQUESTS);
}
