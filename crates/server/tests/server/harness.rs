//! Starting servers and talking to them.

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tideline_server::users::{self, DEFAULT_TENANT, NewUser};
use tideline_server::{DbSource, PgCluster, Role, RunningServer, Server, ServerConfig};
use tokio::sync::OnceCell;
use tokio_tungstenite::tungstenite::Message;

pub const PASSWORD: &str = "correct horse";

/// The cluster of this test run. Never dropped: PostgreSQL stops when the process exits
/// (parent-death signal), and the next run clears the directory.
async fn cluster() -> &'static PgCluster {
    static CLUSTER: OnceCell<PgCluster> = OnceCell::const_new();
    CLUSTER
        .get_or_init(|| async {
            let root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
            clear_stale(root);
            let dir = tempfile::Builder::new().prefix("pg-").tempdir_in(root).unwrap().keep();
            PgCluster::start_throwaway(&dir).await.unwrap()
        })
        .await
}

/// Removes clusters of earlier runs whose postmaster is gone.
fn clear_stale(root: &std::path::Path) {
    for e in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !name.starts_with("pg-") {
            continue;
        }
        let pid = std::fs::read_to_string(e.path().join("pg/postmaster.pid"))
            .ok()
            .and_then(|s| s.lines().next().and_then(|l| l.trim().parse::<u32>().ok()));
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

pub struct TestServer {
    pub server: RunningServer,
    pub http: reqwest::Client,
}

/// A server on a fresh database holding 80 demo customers and four users: `lead`
/// (team lead), `admin`, `amy` (agent, queue `cards`) and `bob` (agent, queue `fraud`),
/// all with password [`PASSWORD`].
pub async fn start() -> TestServer {
    start_with(|_| {}).await
}

/// [`start`], with the server's configuration adjusted first.
pub async fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> TestServer {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("t{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let db_url = cluster().await.create_database(&name).await.unwrap();
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), DbSource::Url(db_url));
    adjust(&mut config);
    let server = Server::start(config).await.unwrap();
    let pool = &server.database().pool;
    let client = pool.get().await.unwrap();
    let now: jiff::Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
    let bundles = tideline_demo::generate(&tideline_demo::DemoConfig::new(80, 7, now));
    tideline_server::seed::load_bundles(&**client, DEFAULT_TENANT, bundles).await.unwrap();
    for (u, role, queues) in [
        ("lead", Role::TeamLead, vec![]),
        ("admin", Role::Admin, vec![]),
        ("amy", Role::Agent, vec!["cards".to_string()]),
        ("bob", Role::Agent, vec!["fraud".to_string()]),
    ] {
        let new = NewUser {
            username: u.into(),
            display_name: format!("{} Test", u.to_uppercase()),
            role,
            queues,
            password: PASSWORD.into(),
        };
        users::add(&**client, DEFAULT_TENANT, &new, "test").await.unwrap();
    }
    TestServer { server, http: reqwest::Client::new() }
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub async fn db(&self) -> tideline_server::db::PooledClient {
        self.server.database().pool.get().await.unwrap()
    }

    pub async fn sign_in(&self, username: &str) -> String {
        let (status, body) = self.post("/v1/session", None, &json!({"username": username, "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut r = self.http.get(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        reply(r.send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let mut r = self.http.post(self.url(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        reply(r.send().await.unwrap()).await
    }

    pub async fn push(&self, token: &str, client_id: &str, mutations: Vec<Value>) -> Value {
        let (status, body) =
            self.post("/v1/push", Some(token), &json!({"client_id": client_id, "mutations": mutations})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Pulls from `cursor` until caught up; returns every change.
    pub async fn pull_all(&self, token: &str) -> Vec<Value> {
        let mut cursor = 0;
        let mut all = vec![];
        loop {
            let (status, page) = self.get(&format!("/v1/pull?cursor={cursor}&limit=5000"), Some(token)).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            all.extend(page["changes"].as_array().unwrap().iter().cloned());
            cursor = page["cursor"].as_i64().unwrap();
            if !page["more"].as_bool().unwrap() {
                return all;
            }
        }
    }

    pub async fn head(&self) -> i64 {
        self.db().await.query_one("SELECT head FROM tenants WHERE id = 'default'", &[]).await.unwrap().get(0)
    }

    /// An active case in `queue`.
    pub async fn active_case(&self, queue: &str) -> (i64, i64) {
        let r = self
            .db()
            .await
            .query_one(
                "SELECT id, customer_id FROM cases WHERE queue = $1 AND status IN ('new', 'open', 'pending')
                 ORDER BY id LIMIT 1",
                &[&queue],
            )
            .await
            .unwrap();
        (r.get(0), r.get(1))
    }

    pub async fn socket(&self, token: &str) -> Socket {
        let url = format!("ws://{}/v1/live?token={token}", self.server.addr());
        let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Socket { ws }
    }
}

async fn reply(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, body)
}

pub fn note(seq: i64, case_id: i64, body: &str) -> Value {
    json!({
        "seq": seq,
        "mutation": {"type": "case", "case_id": case_id, "action": {"type": "add_note", "body": body}},
        "at": "2026-11-23T12:00:00Z"
    })
}

pub struct Socket {
    ws: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl Socket {
    pub async fn send(&mut self, v: Value) {
        self.ws.send(Message::Text(v.to_string().into())).await.unwrap();
    }

    /// Waits (up to 10 s) for a message `pred` accepts.
    pub async fn expect(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = tokio::time::timeout(left, self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("no {what} within 10 s"))
                .expect("the socket closed")
                .unwrap();
            if let Message::Text(t) = m {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                if pred(&v) {
                    return v;
                }
            }
        }
    }
}
