use crate::harness::start;
use serde_json::json;

#[tokio::test]
async fn a_customer_created_from_an_unlinked_touchpoint_gets_a_server_id_and_can_be_unlinked() {
    let t = start().await;
    let amy = t.sign_in("amy").await;
    let db = t.db().await;
    let row = db
        .query_one(
            "SELECT id FROM touchpoints WHERE customer_id IS NULL AND identity_kind IS NOT NULL ORDER BY id LIMIT 1",
            &[],
        )
        .await
        .unwrap();
    let tp: i64 = row.get(0);
    let max: i64 = db.query_one("SELECT max(id) FROM customers", &[]).await.unwrap().get(0);
    let r = t
        .push(
            &amy,
            "amy-cache",
            vec![json!({"seq": 1, "at": "2026-11-23T12:00:00Z",
            "mutation": {"type": "create_customer", "touchpoint_id": tp, "name": "  Jo Bloggs "}})],
        )
        .await;
    assert_eq!(r["results"][0]["outcome"], "applied", "{r}");
    let id = r["results"][0]["customer_id"].as_i64().unwrap();
    assert_eq!(id, max + 1);
    let seen = t.pull_all(&amy).await;
    let customer = seen.iter().rev().find(|c| c["kind"] == "customer" && c["customer"]["id"] == json!(id)).unwrap();
    assert_eq!(customer["customer"]["name"], "Jo Bloggs");
    let identity = customer["customer"]["identities"][0].clone();
    let touchpoint =
        seen.iter().rev().find(|c| c["kind"] == "touchpoint" && c["touchpoint"]["id"] == json!(tp)).unwrap();
    assert_eq!(touchpoint["touchpoint"]["customer_id"], json!(id));

    // Linking it again is refused; undoing the link sends the touchpoint back.
    let r = t
        .push(
            &amy,
            "amy-cache",
            vec![
                json!({"seq": 2, "at": "2026-11-23T12:00:00Z",
                   "mutation": {"type": "link_identity", "touchpoint_id": tp, "customer_id": 1}}),
                json!({"seq": 3, "at": "2026-11-23T12:00:00Z",
                   "mutation": {"type": "unlink_identity", "identity": identity, "customer_id": id}}),
            ],
        )
        .await;
    assert_eq!(r["results"][0]["outcome"], "rejected");
    assert_eq!(r["results"][0]["message"], format!("T-{tp} is already linked to C-{id}."));
    assert_eq!(r["results"][1]["outcome"], "applied", "{r}");
    let owner: Option<i64> =
        db.query_one("SELECT customer_id FROM touchpoints WHERE id = $1", &[&tp]).await.unwrap().get(0);
    assert_eq!(owner, None);
}
