//! Intake end to end: correctly signed provider payloads over real HTTP reach the right
//! customer's timeline in a connected client's cache; forged ones change nothing; a
//! retried event is applied once; a reply on an SMS case leaves through the provider's
//! API (a recording endpoint on loopback), with retries and a visible failure.

use crate::harness::{Backend, Client, database, query, rt, seed, wait_until};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tideline_channels::{twilio, web};
use tideline_core::mutation::Mutation;
use tideline_core::timeline::TimelineItem;
use tideline_core::{CallOutcome, CaseAction, Channel, CustomerId, Delivery, Priority, Touchpoint};
use tideline_server::db::channels::{ChannelConfig, ChannelKind, ChannelSettings};
use tideline_server::domain::channel_admin;
use tideline_server::users::DEFAULT_TENANT;
use tideline_store::TimelineQuery;

const TOKEN: &str = "test-twilio-auth-token";
const SITE_KEY: &str = "test-site-key";
const BRANCH_KEY: &str = "test-branch-key";
const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";

/// Adds the test channels; SMS replies go to `api_base`.
fn configure(b: &Backend, api_base: &str) {
    configure_db(&b.db_url, api_base);
}

fn configure_db(db_url: &str, api_base: &str) {
    let url = db_url.to_string();
    let api_base = api_base.to_string();
    rt().block_on(async move {
        let (mut client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        for (name, kind, secret) in [
            ("voice", ChannelKind::TwilioVoice, TOKEN),
            ("sms", ChannelKind::TwilioSms, TOKEN),
            ("site", ChannelKind::Web, SITE_KEY),
            ("branches", ChannelKind::Branch, BRANCH_KEY),
            ("pbx", ChannelKind::Pbx, ""),
        ] {
            let settings = ChannelSettings {
                account_sid: Some(ACCOUNT.into()),
                from_number: Some("+447700900000".into()),
                api_base: Some(api_base.clone()),
                status_callback: None,
            };
            let cfg = ChannelConfig { name: name.into(), kind, settings, secret: secret.into() };
            channel_admin::add(&mut client, DEFAULT_TENANT, &cfg, Some(("cards".into(), Priority::Normal)), "test")
                .await
                .unwrap();
        }
    });
}

/// A seeded customer with a phone number, and that number.
fn customer_with(b: &Backend, kind: &str) -> (CustomerId, String) {
    let rows = query(
        &b.db_url,
        "SELECT customer_id, value FROM identities WHERE kind = $1 ORDER BY customer_id LIMIT 1",
        &[&kind],
    );
    (CustomerId(rows[0].get(0)), rows[0].get(1))
}

fn form_body(params: &[(&str, &str)]) -> (Vec<(String, String)>, String) {
    let owned: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(owned.iter()).finish();
    (owned, body)
}

fn post_twilio(b: &Backend, path: &str, params: &[(&str, &str)], tamper: bool) -> StatusCode {
    post_twilio_to(&b.url(), path, params, tamper)
}

fn post_twilio_to(base: &str, path: &str, params: &[(&str, &str)], tamper: bool) -> StatusCode {
    let url = format!("{base}{path}");
    let (owned, mut body) = form_body(params);
    let sig = twilio::signature(TOKEN, &url, &owned);
    if tamper {
        body = body.replacen("%2B44", "%2B45", 1);
    }
    rt().block_on(async {
        reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
    })
}

fn post_signed(b: &Backend, path: &str, key: &str, body: &str, age_secs: i64) -> StatusCode {
    let ts = jiff::Timestamp::now().as_second() - age_secs;
    let sig = web::sign(key.as_bytes(), ts, body.as_bytes());
    rt().block_on(async {
        reqwest::Client::new()
            .post(format!("{}{path}", b.url()))
            .header("content-type", "application/json")
            .header(web::TIMESTAMP_HEADER, ts.to_string())
            .header(web::SIGNATURE_HEADER, sig)
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .status()
    })
}

fn inbox_rows(b: &Backend) -> i64 {
    query(&b.db_url, "SELECT count(*) FROM inbox", &[])[0].get(0)
}

/// Waits until the server has processed every stored event, then until `c`'s cache
/// holds everything up to the head.
fn settle(b: &Backend, c: &Client) {
    wait_until("the inbox to drain", Duration::from_secs(30), || {
        let n: i64 = query(&b.db_url, "SELECT count(*) FROM inbox WHERE state = 'pending'", &[])[0].get(0);
        n == 0
    });
    c.engine().sync_now();
    c.wait_synced(b.head(), "intake");
}

/// The customer's touchpoints in the cache, newest first (the timeline the agent reads).
fn cached_touchpoints(c: &Client, customer: CustomerId) -> Vec<Touchpoint> {
    let page = c.store().timeline(&TimelineQuery::newest(customer, 500)).unwrap();
    page.items
        .into_iter()
        .filter_map(|i| match i {
            TimelineItem::Touchpoint(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[test]
fn each_channel_reaches_the_right_timeline_and_forgeries_change_nothing() {
    let b = Backend::start();
    configure(&b, "http://127.0.0.1:9");
    let lead = Client::start(&b.url(), "lead");
    let (caller, phone) = customer_with(&b, "phone");

    // Phone: a completed inbound call.
    let call = [
        ("AccountSid", ACCOUNT),
        ("ApiVersion", "2010-04-01"),
        ("CallSid", "CA11111111111111111111111111111111"),
        ("CallStatus", "completed"),
        ("CallDuration", "312"),
        ("Direction", "inbound"),
        ("From", phone.as_str()),
        ("To", "+447700900000"),
        ("SequenceNumber", "3"),
        ("Timestamp", "Mon, 23 Nov 2026 11:00:00 +0000"),
        ("CallbackSource", "call-progress-events"),
    ];
    let before = (b.head(), inbox_rows(&b));
    assert_eq!(post_twilio(&b, "/v1/webhooks/twilio-voice/voice", &call, true), StatusCode::FORBIDDEN);
    assert_eq!((b.head(), inbox_rows(&b)), before, "a forged callback changes nothing");
    assert_eq!(post_twilio(&b, "/v1/webhooks/twilio-voice/voice", &call, false), StatusCode::OK);
    // The ringing report arrives late (sequence 1): it must not undo "answered".
    let mut ringing = call;
    ringing[3] = ("CallStatus", "ringing");
    ringing[4] = ("CallDuration", "0");
    ringing[8] = ("SequenceNumber", "1");
    assert_eq!(post_twilio(&b, "/v1/webhooks/twilio-voice/voice", &ringing, false), StatusCode::OK);
    settle(&b, &lead);
    let calls: Vec<Touchpoint> = cached_touchpoints(&lead, caller)
        .into_iter()
        .filter(|t| t.channel == Channel::Phone && t.facts.call_outcome.is_some())
        .collect();
    assert_eq!(calls.len(), 1, "one touchpoint per call: {calls:?}");
    assert_eq!(calls[0].facts.call_outcome, Some(CallOutcome::Answered));
    assert_eq!(calls[0].facts.call_duration_secs, Some(312));
    assert!(calls[0].case_id.is_some(), "the call joined or opened a case");

    // The same event delivered again is applied once.
    let tps = calls.len();
    assert_eq!(post_twilio(&b, "/v1/webhooks/twilio-voice/voice", &call, false), StatusCode::OK);
    settle(&b, &lead);
    let again = cached_touchpoints(&lead, caller).into_iter().filter(|t| t.facts.call_outcome.is_some()).count();
    assert_eq!(again, tps);

    // SMS from a stranger: unlinked, never guessed onto someone.
    let sms = [
        ("AccountSid", ACCOUNT),
        ("ApiVersion", "2010-04-01"),
        ("MessageSid", "SM22222222222222222222222222222222"),
        ("SmsSid", "SM22222222222222222222222222222222"),
        ("From", "+447700900999"),
        ("To", "+447700900000"),
        ("Body", "Hi, my card was swallowed by the ATM on King St"),
        ("NumMedia", "0"),
        ("NumSegments", "1"),
    ];
    assert_eq!(post_twilio(&b, "/v1/webhooks/twilio-sms/sms", &sms, false), StatusCode::OK);
    settle(&b, &lead);
    let unlinked = lead.store().unlinked(None, 100).unwrap();
    assert!(
        unlinked.items.iter().any(|u| u.body.as_deref() == Some("Hi, my card was swallowed by the ATM on King St")),
        "the stranger's SMS waits on the unlinked list"
    );

    // Web form from a known email address.
    let (writer, email) = customer_with(&b, "email");
    let form = serde_json::json!({
        "type": "form", "id": "wf-1001", "submitted_at": "2026-11-23T11:05:00Z",
        "email": email, "name": "Someone", "topic": "address_change",
        "subject": "Change of address", "message": "I moved to 4 Elm Road, please update my address."
    })
    .to_string();
    assert_eq!(post_signed(&b, "/v1/webhooks/web/site", SITE_KEY, &form, 0), StatusCode::NO_CONTENT);
    assert_eq!(post_signed(&b, "/v1/webhooks/web/site", "wrong-key", &form, 0), StatusCode::FORBIDDEN);
    assert_eq!(post_signed(&b, "/v1/webhooks/web/site", SITE_KEY, &form, 301), StatusCode::FORBIDDEN, "a replay");
    settle(&b, &lead);
    assert!(cached_touchpoints(&lead, writer).iter().any(|t| t.channel == Channel::WebForm));

    // A branch visit by customer number.
    let (visitor, number) = customer_with(&b, "branch");
    let visit = serde_json::json!({
        "visit_id": "LDN01-20261123-0007", "branch_id": "LDN-01", "staff": "Sam Patel",
        "reason": "Mortgage enquiry", "customer_number": number, "visited_at": "2026-11-23T10:30:00Z"
    })
    .to_string();
    assert_eq!(post_signed(&b, "/v1/webhooks/branch/branches", BRANCH_KEY, &visit, 0), StatusCode::NO_CONTENT);
    settle(&b, &lead);
    let visits: Vec<Touchpoint> = cached_touchpoints(&lead, visitor)
        .into_iter()
        .filter(|t| t.facts.branch_id.as_deref() == Some("LDN-01"))
        .collect();
    assert_eq!(visits.len(), 1);

    // Not configured, malformed, oversized.
    assert_eq!(post_signed(&b, "/v1/webhooks/web/nosuch", SITE_KEY, &form, 0), StatusCode::NOT_FOUND);
    assert_eq!(post_signed(&b, "/v1/webhooks/web/site", SITE_KEY, "{\"type\":\"form\"", 0), StatusCode::BAD_REQUEST);
    let big = "x".repeat(300 * 1024);
    assert_eq!(post_signed(&b, "/v1/webhooks/web/site", SITE_KEY, &big, 0), StatusCode::PAYLOAD_TOO_LARGE);
    let failed: i64 = query(&b.db_url, "SELECT count(*) FROM inbox WHERE state = 'failed'", &[])[0].get(0);
    assert_eq!(failed, 0);
}

/// What the recording endpoint does with each send, in order; then 201s.
#[derive(Clone, Default)]
struct Recorder {
    script: Arc<Mutex<Vec<(u16, String)>>>,
    seen: Arc<Mutex<Vec<(HeaderMap, String)>>>,
}

async fn record(State(r): State<Recorder>, headers: HeaderMap, body: String) -> (StatusCode, String) {
    r.seen.lock().unwrap().push((headers, body));
    let next = {
        let mut s = r.script.lock().unwrap();
        if s.is_empty() { None } else { Some(s.remove(0)) }
    };
    let n = r.seen.lock().unwrap().len();
    match next {
        Some((status, body)) => (StatusCode::from_u16(status).unwrap(), body),
        None => {
            (StatusCode::CREATED, format!(r#"{{"sid": "SM{n:032}", "status": "queued", "account_sid": "{ACCOUNT}"}}"#))
        }
    }
}

fn recorder(script: Vec<(u16, String)>) -> (String, Recorder) {
    let r = Recorder { script: Arc::new(Mutex::new(script)), ..Default::default() };
    let app = Router::new().route("/2010-04-01/Accounts/{sid}/Messages.json", post(record)).with_state(r.clone());
    let listener = rt().block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    rt().spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), r)
}

/// The customer texts in; returns the case the SMS opened or joined.
fn text_in(b: &Backend, lead: &Client, sid: &str) -> (CustomerId, tideline_core::CaseId) {
    let (customer, phone) = customer_with(b, "phone");
    let sms = [
        ("AccountSid", ACCOUNT),
        ("MessageSid", sid),
        ("From", phone.as_str()),
        ("To", "+447700900000"),
        ("Body", "When will my replacement card arrive?"),
        ("NumMedia", "0"),
    ];
    assert_eq!(post_twilio(b, "/v1/webhooks/twilio-sms/sms", &sms, false), StatusCode::OK);
    settle(b, lead);
    let tp = cached_touchpoints(lead, customer)
        .into_iter()
        .find(|t| t.body.as_deref() == Some("When will my replacement card arrive?"))
        .unwrap();
    (customer, tp.case_id.unwrap())
}

fn reply(c: &Client, case: tideline_core::CaseId, body: &str) {
    let m = Mutation::Case { case_id: case, action: CaseAction::Reply { body: body.into() } };
    let mut store = c.store();
    store.apply(&m, &tideline_core::Actor::agent("lead"), jiff::Timestamp::now()).unwrap();
    c.engine().sync_now();
}

fn delivery_of(c: &Client, customer: CustomerId, body: &str) -> Option<Delivery> {
    cached_touchpoints(c, customer).into_iter().find(|t| t.body.as_deref() == Some(body)).and_then(|t| t.facts.delivery)
}

#[test]
fn a_reply_on_an_sms_case_is_sent_retried_and_its_failure_shown() {
    let (api, rec) = recorder(vec![(503, "{\"code\": 20500, \"message\": \"Internal Server Error\"}".into())]);
    let b = Backend::start();
    configure(&b, &api);
    let lead = Client::start(&b.url(), "lead");
    let (customer, case) = text_in(&b, &lead, "SM33333333333333333333333333333333");

    reply(&lead, case, "It was posted yesterday; expect it by Thursday.");
    wait_until("the reply to be sent after one retry", Duration::from_secs(30), || {
        lead.engine().sync_now();
        delivery_of(&lead, customer, "It was posted yesterday; expect it by Thursday.") == Some(Delivery::Sent)
    });
    let seen = rec.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one failed attempt, then the send");
    let (headers, body) = &seen[1];
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    assert!(form.contains(&("Body".into(), "It was posted yesterday; expect it by Thursday.".into())), "{form:?}");
    assert!(form.contains(&("From".into(), "+447700900000".into())));
    assert!(headers.get("authorization").unwrap().to_str().unwrap().starts_with("Basic "));

    // A permanent refusal: the agent sees the provider's reason.
    rec.script.lock().unwrap().push((
        400,
        r#"{"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}"#.into(),
    ));
    reply(&lead, case, "Any other questions?");
    wait_until("the refusal to show", Duration::from_secs(30), || {
        lead.engine().sync_now();
        matches!(delivery_of(&lead, customer, "Any other questions?"), Some(Delivery::Failed { .. }))
    });
    let Some(Delivery::Failed { reason, .. }) = delivery_of(&lead, customer, "Any other questions?") else {
        unreachable!()
    };
    assert!(!reason.is_empty());
}

#[test]
fn a_pbx_export_reaches_the_timeline_once_and_a_bad_one_imports_nothing() {
    let b = Backend::start();
    configure(&b, "http://127.0.0.1:9");
    let lead = Client::start(&b.url(), "lead");
    let (caller, phone) = customer_with(&b, "phone");
    let good = format!(
        "call_id,started_at,direction,from,to,duration_secs,disposition,agent\n\
         4411,2026-11-23T09:14:03Z,inbound,{phone},+442079460000,245,ANSWERED,Priya\n\
         4415,2026-11-23T09:18:10Z,inbound,{phone},+442079460000,0,NO ANSWER,\n"
    );
    let bad = format!("{good}4420,2026-11-23T09:29:41Z,sideways,{phone},+442079460000,1,busy,\n");
    let url = b.db_url.clone();
    let import = |text: String, channel: &'static str| {
        let url = url.clone();
        rt().block_on(async move {
            let db = tideline_server::Database::open(&tideline_server::DbSource::Url(url), 2).await.unwrap();
            tideline_server::ingest::import::call_records(&db.pool, DEFAULT_TENANT, channel, &text, false).await
        })
    };
    let before = (b.head(), inbox_rows(&b));
    let err = import(bad, "pbx").unwrap_err().to_string();
    assert!(err.contains("line 4: `direction` is \"sideways\""), "{err}");
    assert_eq!((b.head(), inbox_rows(&b)), before, "a file with a bad record imports nothing");
    let err = import(good.clone(), "site").unwrap_err().to_string();
    assert!(err.contains("`site` is a web channel, not a pbx channel"), "{err}");

    let first = import(good.clone(), "pbx").unwrap();
    assert_eq!((first.stored, first.duplicates), (2, 0));
    let again = import(good, "pbx").unwrap();
    assert_eq!((again.stored, again.duplicates), (0, 2), "a file imported twice is applied once");
    settle(&b, &lead);
    let calls: Vec<(String, Option<CallOutcome>)> = cached_touchpoints(&lead, caller)
        .into_iter()
        .filter(|t| t.summary.contains("Priya") || t.summary.starts_with("Missed call (no answer)"))
        .map(|t| (t.summary, t.facts.call_outcome))
        .collect();
    assert_eq!(
        calls,
        [
            ("Missed call (no answer)".to_string(), Some(CallOutcome::NoAnswer)),
            ("Call, 4 min 5 s with Priya".to_string(), Some(CallOutcome::Answered)),
        ]
    );
}

/// The server answers 2xx and is SIGKILLed before any worker touched the event; after a
/// restart the event is processed, exactly once.
#[test]
fn an_event_answered_2xx_survives_a_kill_and_is_processed_once() {
    let db_url = database();
    // A real `tideline serve` that only accepts (no ingest workers), so the event is
    // still unprocessed when it dies.
    let mut serve = Command::new(env!("CARGO_BIN_EXE_tideline"))
        .args(["serve", "--listen", "127.0.0.1:0", "--ingest-workers", "0"])
        .env("DATABASE_URL", &db_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(serve.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("serve exited before listening").unwrap();
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.trim().to_string();
        }
    };
    seed(&db_url);
    configure_db(&db_url, "http://127.0.0.1:9");
    let phone: String =
        query(&db_url, "SELECT value FROM identities WHERE kind = 'phone' ORDER BY customer_id LIMIT 1", &[])[0].get(0);
    let text = "Is my new card on its way? (sent before the crash)";
    let sms = [
        ("AccountSid", ACCOUNT),
        ("ApiVersion", "2010-04-01"),
        ("MessageSid", "SM99999999999999999999999999999999"),
        ("From", phone.as_str()),
        ("To", "+447700900000"),
        ("Body", text),
        ("NumMedia", "0"),
    ];
    assert_eq!(post_twilio_to(&base, "/v1/webhooks/twilio-sms/sms", &sms, false), StatusCode::OK);
    serve.kill().unwrap(); // SIGKILL: no shutdown, no flush
    serve.wait().unwrap();
    let pending: i64 = query(&db_url, "SELECT count(*) FROM inbox WHERE state = 'pending'", &[])[0].get(0);
    assert_eq!(pending, 1, "the answered event is stored, unprocessed");

    let b = Backend::on(&db_url);
    let lead = Client::start(&b.url(), "lead");
    settle(&b, &lead);
    let rows = query(&db_url, "SELECT state, attempts FROM inbox", &[]);
    let states: Vec<(String, i32)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(states, [("done".to_string(), 1)]);
    let (customer, _) = customer_with(&b, "phone");
    let arrived = cached_touchpoints(&lead, customer).into_iter().filter(|t| t.body.as_deref() == Some(text)).count();
    assert_eq!(arrived, 1, "the SMS is on the customer's timeline once");
}

/// Four workers drain one inbox at once: many customers' texts interleaved, and calls
/// whose callbacks land in the same batch. Nothing fails or deadlocks, each text is on
/// its customer's timeline once, one customer's texts thread onto one case, each call
/// is one touchpoint with its final status, and a lead syncing meanwhile misses nothing.
#[test]
fn concurrent_workers_process_every_event_once_and_thread_alike() {
    let b = Backend::accepting_only();
    configure(&b, "http://127.0.0.1:9");
    let phones: Vec<(i64, String)> = query(
        &b.db_url,
        "SELECT DISTINCT ON (customer_id) customer_id, value FROM identities WHERE kind = 'phone'
         ORDER BY customer_id, value LIMIT 12",
        &[],
    )
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let texts = 480;
    for n in 0..texts {
        let (_, phone) = &phones[n % phones.len()];
        let sid = format!("SM{n:032}");
        let body = format!("text {n}");
        let sms = [
            ("AccountSid", ACCOUNT),
            ("ApiVersion", "2010-04-01"),
            ("MessageSid", sid.as_str()),
            ("From", phone.as_str()),
            ("To", "+447700900000"),
            ("Body", body.as_str()),
            ("NumMedia", "0"),
        ];
        assert_eq!(post_twilio(&b, "/v1/webhooks/twilio-sms/sms", &sms, false), StatusCode::OK);
        if n % 40 == 0 {
            let sid = format!("CA{n:032}");
            for (seq, status, secs) in [("0", "ringing", "0"), ("1", "in-progress", "0"), ("2", "completed", "95")] {
                let call = [
                    ("AccountSid", ACCOUNT),
                    ("ApiVersion", "2010-04-01"),
                    ("CallSid", sid.as_str()),
                    ("CallStatus", status),
                    ("CallDuration", secs),
                    ("Direction", "inbound"),
                    ("From", phone.as_str()),
                    ("To", "+447700900000"),
                    ("SequenceNumber", seq),
                    ("Timestamp", "Mon, 23 Nov 2026 11:00:00 +0000"),
                    ("CallbackSource", "call-progress-events"),
                ];
                assert_eq!(post_twilio(&b, "/v1/webhooks/twilio-voice/voice", &call, false), StatusCode::OK);
            }
        }
    }

    // Connected while the workers run, so it pulls mid-way: no change may be skipped.
    let lead = Client::start(&b.url(), "lead");
    let pool = b.server.as_ref().unwrap().database().pool.clone();
    rt().block_on(async {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    let ids = tideline_core::IdentityContext::default();
                    while tideline_server::ingest::worker::drain_once(&pool, &ids).await.unwrap() > 0 {}
                })
            })
            .collect();
        for w in workers {
            w.await.unwrap();
        }
    });
    let states: Vec<(String, i64)> =
        query(&b.db_url, "SELECT state, count(*) FROM inbox GROUP BY state ORDER BY state", &[])
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    let calls = texts / 40;
    // Each call's first report is new, the later ones update it (none is stale here).
    assert_eq!(states, [("done".to_string(), (texts + 3 * calls) as i64)], "no event failed or was left");

    for (customer, _) in &phones {
        let rows = query(
            &b.db_url,
            "SELECT doc->>'body', case_id FROM touchpoints WHERE customer_id = $1 AND doc->>'body' LIKE 'text %'",
            &[customer],
        );
        assert_eq!(rows.len(), texts / phones.len(), "each text of C-{customer} once");
        let cases: std::collections::HashSet<Option<i64>> = rows.iter().map(|r| r.get(1)).collect();
        assert_eq!(cases.len(), 1, "C-{customer}'s texts thread onto one case: {cases:?}");
        assert!(!cases.contains(&None));
    }
    settle(&b, &lead);
    for (customer, _) in &phones {
        let cached = cached_touchpoints(&lead, CustomerId(*customer))
            .into_iter()
            .filter(|t| t.body.as_deref().is_some_and(|b| b.starts_with("text ")))
            .count();
        assert_eq!(cached, texts / phones.len(), "the lead's cache has every text of C-{customer}");
    }
    let outcomes: Vec<Option<String>> = query(
        &b.db_url,
        "SELECT doc->'facts'->>'call_outcome' FROM touchpoints WHERE doc->>'channel' = 'phone'
           AND id IN (SELECT touchpoint_id FROM contact_keys WHERE key LIKE 'twilio-call:%')",
        &[],
    )
    .iter()
    .map(|r| r.get(0))
    .collect();
    assert_eq!(outcomes.len(), calls, "one touchpoint per call");
    assert!(outcomes.iter().all(|o| o.as_deref() == Some("answered")), "{outcomes:?}");
}

/// A provider that retries before its first try was answered: the same event arrives
/// many times at once, and may share one commit with itself. Every copy gets 2xx; one
/// is stored.
#[test]
fn the_same_event_sent_many_times_at_once_is_stored_once() {
    let b = Backend::accepting_only();
    configure(&b, "http://127.0.0.1:9");
    let (_, phone) = customer_with(&b, "phone");
    let sms = [
        ("AccountSid", ACCOUNT),
        ("ApiVersion", "2010-04-01"),
        ("MessageSid", "SM77777777777777777777777777777777"),
        ("From", phone.as_str()),
        ("To", "+447700900000"),
        ("Body", "Hello?"),
        ("NumMedia", "0"),
    ];
    let url = format!("{}/v1/webhooks/twilio-sms/sms", b.url());
    let (owned, body) = form_body(&sms);
    let sig = twilio::signature(TOKEN, &url, &owned);
    let answers: Vec<StatusCode> = rt().block_on(async {
        let http = reqwest::Client::new();
        let sends = (0..16).map(|_| {
            http.post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-twilio-signature", &sig)
                .body(body.clone())
                .send()
        });
        futures_util::future::join_all(sends).await.into_iter().map(|r| r.unwrap().status()).collect()
    });
    assert!(answers.iter().all(|s| *s == StatusCode::OK), "{answers:?}");
    assert_eq!(inbox_rows(&b), 1);
}
