//! `tideline bench`: the cache's hot paths, each beside a baseline measured in the same
//! run on the same machine, so the ratio means something on any hardware.

pub mod report;
pub mod stats;
pub mod sync;

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use report::{Better, Figure};
use rusqlite::{Connection, params};
use stats::Samples;
use std::path::Path;
use std::time::Instant;
use tideline_core::timeline::TimelineItem;
use tideline_core::{Actor, Case, CaseAction, CaseId, Channel, ClosureCatalogue, Customer, CustomerId, Priority};
use tideline_demo::CustomerBundle;
use tideline_store::{QueueFilter, Store, StoreConfig, TimelineQuery};

/// Same pragmas as the cache, so the baseline differs only in what the cache adds.
const RAW_SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, created_at INTEGER);
    CREATE TABLE identities (kind TEXT, value TEXT, customer_id INTEGER);
    CREATE TABLE cases (id INTEGER PRIMARY KEY, customer_id INTEGER, doc TEXT);
    CREATE TABLE case_events (id INTEGER PRIMARY KEY, case_id INTEGER, customer_id INTEGER, at INTEGER, doc TEXT);
    CREATE TABLE touchpoints (id INTEGER PRIMARY KEY, customer_id INTEGER, case_id INTEGER, channel TEXT,
        direction TEXT, actor TEXT, occurred_at INTEGER, identity_kind TEXT, identity_value TEXT,
        summary TEXT, body TEXT, facts TEXT);
";

pub fn rows(bundles: &[CustomerBundle]) -> usize {
    bundles
        .iter()
        .map(|b| {
            1 + b.customer.identities.len() + b.cases.len() + b.events.len() + b.touchpoints.len() + b.unlinked.len()
        })
        .sum()
}

/// Plain inserts of the same rows into tables with no secondary index and no search
/// index: the floor for any bulk load.
pub fn raw_load(path: &Path, bundles: &[CustomerBundle]) -> anyhow::Result<f64> {
    let mut conn = Connection::open(path)?;
    conn.execute_batch(RAW_SCHEMA)?;
    let start = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut cu = tx.prepare("INSERT INTO customers VALUES (?1, ?2, ?3)")?;
        let mut id = tx.prepare("INSERT INTO identities VALUES (?1, ?2, ?3)")?;
        let mut ca = tx.prepare("INSERT INTO cases VALUES (?1, ?2, ?3)")?;
        let mut ev = tx.prepare("INSERT INTO case_events (case_id, customer_id, at, doc) VALUES (?1, ?2, ?3, ?4)")?;
        let mut tp =
            tx.prepare("INSERT INTO touchpoints VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")?;
        for b in bundles {
            let c = &b.customer;
            cu.execute(params![c.id.0, c.name, c.created_at.as_millisecond()])?;
            for i in &c.identities {
                id.execute(params![i.kind().as_str(), i.value(), c.id.0])?;
            }
            for case in &b.cases {
                ca.execute(params![case.id.0, case.customer_id.0, serde_json::to_string(case)?])?;
            }
            for e in &b.events {
                ev.execute(params![
                    e.case_id.0,
                    e.customer_id.0,
                    e.at.as_millisecond(),
                    serde_json::to_string(&e.kind)?
                ])?;
            }
            for t in b.touchpoints.iter().chain(&b.unlinked) {
                tp.execute(params![
                    t.id.0,
                    t.customer_id.map(|c| c.0),
                    t.case_id.map(|c| c.0),
                    t.channel.as_str(),
                    t.direction.as_str(),
                    serde_json::to_string(&t.actor)?,
                    t.occurred_at.as_millisecond(),
                    t.identity.as_ref().map(|i| i.kind().as_str()),
                    t.identity.as_ref().map(|i| i.value()),
                    t.summary,
                    t.body,
                    (!t.facts.is_empty()).then(|| serde_json::to_string(&t.facts)).transpose()?,
                ])?;
            }
        }
    }
    tx.commit()?;
    Ok(rows(bundles) as f64 / start.elapsed().as_secs_f64())
}

/// The cache's own bulk load of the same rows: indexes, SLA snapshots and full-text
/// search included.
pub fn store_load(store: &mut Store, bundles: &[CustomerBundle], now: Timestamp) -> anyhow::Result<f64> {
    let start = Instant::now();
    let mut l = store.loader(now)?;
    for b in bundles {
        l.bundle(&b.customer, &b.cases, &b.events, b.touchpoints.iter().chain(&b.unlinked))?;
    }
    l.finish()?;
    Ok(rows(bundles) as f64 / start.elapsed().as_secs_f64())
}

/// Timeline pages of 200 for the customers with the longest histories: the first page,
/// and pages deep into their history by cursor.
pub fn timeline(store: &Store, iterations: usize) -> anyhow::Result<(Samples, Samples)> {
    let conn = store.connection();
    let heavy: Vec<i64> = conn
        .prepare(
            "SELECT customer_id FROM touchpoints WHERE customer_id IS NOT NULL \
             GROUP BY customer_id HAVING count(*) >= 400 ORDER BY count(*) DESC LIMIT 20",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(!heavy.is_empty(), "no customer has 400 touchpoints; raise --touchpoints");
    let max_id: i64 = conn.query_row("SELECT max(id) FROM touchpoints", [], |r| r.get(0))?;
    let mut ours = Samples::default();
    let mut raw = Samples::default();
    let mut raw_stmt = conn.prepare(
        "SELECT id, customer_id, case_id, channel, direction, actor, occurred_at, identity_kind, identity_value, \
         summary, body, facts FROM touchpoints WHERE id >= ?1 ORDER BY id LIMIT 200",
    )?;
    for i in 0..iterations {
        let customer = CustomerId(heavy[i % heavy.len()]);
        let mut q = TimelineQuery::newest(customer, 200);
        // Every third sample starts two pages deep, as when scrolling back.
        for _ in 0..(i % 3) {
            q.before = store.timeline(&q)?.next;
        }
        let page = ours.time(|| store.timeline(&q))?;
        anyhow::ensure!(page.items.len() == 200, "a timeline page came back short");
        let start = (i as i64 * 7919) % (max_id - 200).max(1);
        let n = raw.time(|| -> rusqlite::Result<usize> {
            let rows = raw_stmt.query_map([start], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, Option<String>>(11)?,
                ))
            })?;
            Ok(rows.count())
        })?;
        anyhow::ensure!(n == 200, "the baseline read came back short");
        std::hint::black_box(page.items.iter().filter(|i| matches!(i, TimelineItem::Touchpoint(_))).count());
    }
    Ok((ours, raw))
}

/// A cache holding exactly `open_cases` active cases over every channel and priority,
/// opened over the last three days, some acknowledged and some pending.
pub fn queue_cache(path: &Path, open_cases: usize, now: Timestamp) -> anyhow::Result<Store> {
    let mut store = Store::create(path, StoreConfig::default())?;
    let customers = (open_cases / 10).max(1);
    let catalogue = ClosureCatalogue::default();
    let agents = ["sam", "kim", "alex", "priya", "tom"];
    let queues = ["cards", "payments", "mortgages", "digital", "complaints"];
    let mut l = store.loader(now)?;
    for c in 1..=customers {
        l.customer(&Customer {
            id: CustomerId(c as i64),
            name: format!("Customer {c}"),
            identities: vec![],
            created_at: now - SignedDuration::from_hours(24 * 400),
        })?;
    }
    for i in 0..open_cases {
        // Multiplicative hashing spreads channels, priorities and ages without an RNG.
        let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20;
        let opened = now - SignedDuration::from_mins((h % (72 * 60)) as i64 + 1);
        let mut case = Case::open(
            CaseId(i as i64 + 1),
            CustomerId((i % customers) as i64 + 1),
            Channel::ALL[i % Channel::ALL.len()],
            format!("Case {i}"),
            Priority::ALL[(h % 4) as usize],
            queues[i % queues.len()],
            opened,
        );
        case.assignee = Some(agents[(h % 5) as usize].to_string());
        let agent = Actor::agent(agents[(h % 5) as usize]);
        if !h.is_multiple_of(3) {
            case = case.apply(&CaseAction::Acknowledge, &agent, opened + SignedDuration::from_secs(30), &catalogue)?.0;
            if h.is_multiple_of(7) {
                case =
                    case.apply(&CaseAction::SetPending, &agent, opened + SignedDuration::from_secs(60), &catalogue)?.0;
            }
        }
        l.case(&case)?;
    }
    l.finish()?;
    Ok(store)
}

/// First pages of the queue, unfiltered and by channel, and the page twenty deep.
pub fn queue(store: &Store, iterations: usize, now: Timestamp) -> anyhow::Result<(Samples, Samples)> {
    let mut ours = Samples::default();
    let mut raw = Samples::default();
    let conn = store.connection();
    let mut raw_stmt = conn.prepare("SELECT doc FROM cases WHERE id >= ?1 ORDER BY id LIMIT 50")?;
    let max_id: i64 = conn.query_row("SELECT max(id) FROM cases", [], |r| r.get(0))?;
    let filters = [
        QueueFilter::default(),
        QueueFilter { channels: Some(vec![Channel::X]), ..Default::default() },
        QueueFilter { assignee: Some("kim".into()), ..Default::default() },
    ];
    for i in 0..iterations {
        let filter = &filters[i % filters.len()];
        let page = ours.time(|| store.queue(filter, None, 50, now))?;
        anyhow::ensure!(!page.rows.is_empty(), "a queue page came back empty");
        let n = raw.time(|| -> rusqlite::Result<usize> {
            Ok(raw_stmt.query_map([(i as i64 * 37) % (max_id - 50).max(1) + 1], |r| r.get::<_, String>(0))?.count())
        })?;
        anyhow::ensure!(n == 50, "the baseline read came back short");
    }
    Ok((ours, raw))
}

/// Words agents type, from common to rare, plus a customer's phone number in local form.
pub const SEARCHES: &[&str] =
    &["card", "declined", "card declined", "mortgage", "refund", "app login", "direct debit", "fraud", "branch"];

pub fn search(store: &Store, iterations: usize, extra: &[String]) -> anyhow::Result<(Samples, Samples)> {
    let mut ours = Samples::default();
    let mut raw = Samples::default();
    let words: Vec<&str> = SEARCHES.iter().copied().chain(extra.iter().map(String::as_str)).collect();
    let mut raw_stmt = store
        .connection()
        .prepare("SELECT rowid FROM touchpoints_fts WHERE touchpoints_fts MATCH ?1 ORDER BY rowid DESC LIMIT 10")?;
    for i in 0..iterations {
        let q = words[i % words.len()];
        ours.time(|| store.search(q, 10)).with_context(|| format!("searching for {q}"))?;
        let fts: String = q.split_whitespace().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" ");
        raw.time(|| -> rusqlite::Result<usize> { Ok(raw_stmt.query_map([&fts], |r| r.get::<_, i64>(0))?.count()) })?;
    }
    Ok((ours, raw))
}

pub fn latency(name: &str, ours: &Samples, raw: &Samples, baseline: &str, p: f64, goal: Option<f64>) -> Figure {
    Figure {
        name: format!("{name} p{p}"),
        value: ours.percentile_ms(p),
        baseline_name: format!("{baseline} p{p}"),
        baseline: raw.percentile_ms(p),
        unit: "ms",
        better: Better::Lower,
        goal,
    }
}
