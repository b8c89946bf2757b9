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
