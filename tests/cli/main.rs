//! Black-box tests of the `tideline` binary: what a person at a terminal sees.

use std::path::PathBuf;
use std::process::{Command, Output};

mod bench_intake;
mod bench_sync;

fn tideline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tideline")).args(args).env("TZ", "UTC").output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Fails with both streams shown, so a broken command explains itself.
fn ok(o: Output) -> String {
    assert!(o.status.success(), "exit {:?}\nstdout:\n{}\nstderr:\n{}", o.status, stdout(&o), stderr(&o));
    stdout(&o)
}

/// One line on stderr, starting with `error:`, a failing exit code, and no panic.
fn one_line_error(o: Output) -> String {
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err.trim_end().to_string()
}

struct Demo {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Demo {
    fn db(&self) -> &str {
        self.db.to_str().unwrap()
    }
}

fn demo(customers: &str) -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out =
        ok(tideline(&["demo", "--db", db.to_str().unwrap(), "--customers", customers, "--seed", "7", "--now", &now()]));
    assert!(out.starts_with(&format!("Created {}: {customers} customers,", db.display())), "{out}");
    Demo { _dir: dir, db }
}

/// The demo's "now": an hour ago, to the whole second, and the same for every demo in
/// this run. The history is recent, and the SLA clocks that the commands evaluate at
/// the real current time have moved on by an hour only.
fn now() -> String {
    static NOW: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NOW.get_or_init(|| {
        let t = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
        jiff::Timestamp::from_second(t.as_second()).unwrap().to_string()
    })
    .clone()
}

fn json(o: Output) -> serde_json::Value {
    serde_json::from_str(&ok(o)).expect("valid JSON")
}

#[test]
fn demo_then_queue_shows_the_most_urgent_case_first() {
    let d = demo("120");
    let out = ok(tideline(&["queue", "--db", d.db(), "--limit", "10"]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("CASE     SLA"), "{out}");
    assert_eq!(lines.len(), 12, "header, ten cases and the 'more' line:\n{out}");
    assert!(lines[1].contains("BREACHED"), "the most urgent case is breached:\n{out}");

    // The JSON carries the same order, and it is the queue order.
    let v = json(tideline(&["queue", "--db", d.db(), "--limit", "200", "--json"]));
    let rows = v["rows"].as_array().unwrap();
    assert!(rows.len() > 20);
    let dues: Vec<Option<&str>> = rows.iter().map(|r| r["key"]["due_at"].as_str()).collect();
    let running: Vec<&str> = dues.iter().flatten().copied().collect();
    let mut sorted = running.clone();
    sorted.sort();
    assert_eq!(running, sorted, "due times ascend");
    let first_paused = dues.iter().position(Option::is_none).unwrap_or(dues.len());
    assert!(dues[first_paused..].iter().all(Option::is_none), "paused cases come last");
    let channels: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["case"]["channel"].as_str().unwrap()).collect();
    assert!(channels.len() >= 6, "{channels:?}");
}

#[test]
fn queue_filters_by_channel() {
    let d = demo("120");
    let v = json(tideline(&["queue", "--db", d.db(), "--channel", "x", "--channel", "instagram", "--json"]));
    let rows = v["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| matches!(r["case"]["channel"].as_str(), Some("x" | "instagram"))));
    // A usage mistake is clap's: exit code 2, the reason on the first line, no panic.
    let o = tideline(&["queue", "--db", d.db(), "--channel", "fax"]);
    assert_eq!(o.status.code(), Some(2));
    let first = stderr(&o).lines().next().unwrap_or_default().to_string();
    assert_eq!(
        first,
        "error: invalid value 'fax' for '--channel <CHANNELS>': unknown channel `fax` \
         (expected one of: branch, phone, email, web_form, chat, sms, x, facebook, instagram)"
    );
}

fn first_customer_phone(d: &Demo) -> (String, String) {
    let v = json(tideline(&["timeline", "--db", d.db(), "C-1", "--json", "--limit", "1"]));
    let name = v["customer"]["name"].as_str().unwrap().to_string();
    let phone = v["customer"]["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "phone")
        .map(|i| i["value"].as_str().unwrap().to_string())
        .expect("the first demo customer has a phone number");
    (name, phone)
}

/// `+447911123456` as a person in the UK writes it: `07911 123456`.
fn local_format(e164: &str) -> String {
    let national = format!("0{}", e164.strip_prefix("+44").expect("a UK number"));
    format!("{} {}", &national[..5], &national[5..])
}

#[test]
fn timeline_finds_a_customer_by_a_local_phone_number_and_lists_channels_newest_first() {
    let d = demo("60");
    let (name, phone) = first_customer_phone(&d);
    let out = ok(tideline(&["timeline", "--db", d.db(), &local_format(&phone), "--limit", "40"]));
    assert!(out.starts_with(&format!("{name} (C-1)")), "{out}");
    let v = json(tideline(&["timeline", "--db", d.db(), &local_format(&phone), "--limit", "200", "--json"]));
    let items = v["timeline"]["items"].as_array().unwrap();
    let times: Vec<&str> = items.iter().map(|i| i["occurred_at"].as_str().or(i["at"].as_str()).unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
}

#[test]
fn search_finds_customers_and_words() {
    let d = demo("60");
    let (name, phone) = first_customer_phone(&d);
    let out = ok(tideline(&["search", "--db", d.db(), &local_format(&phone)]));
    assert!(out.contains(&format!("C-1      {name}  (by phone number {phone})")), "{out}");
    let v = json(tideline(&["search", "--db", d.db(), "card", "--json"]));
    assert!(!v["touchpoints"].as_array().unwrap().is_empty());
    let out = ok(tideline(&["search", "--db", d.db(), "xyzzyplugh"]));
    assert_eq!(out.trim(), "Nothing matches “xyzzyplugh”.");
}

#[test]
fn mistakes_get_one_clear_line_and_a_failing_exit() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let m = missing.to_str().unwrap();
    let e = one_line_error(tideline(&["queue", "--db", m]));
    assert_eq!(e, format!("error: cannot open {m}: no cache at {m} (create one with `tideline demo --db {m}`)"));
    assert!(!missing.exists(), "reading never creates a cache");

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    let e = one_line_error(tideline(&["timeline", "--db", junk.to_str().unwrap(), "C-1"]));
    assert!(e.ends_with("is not a Tideline cache (it is not a SQLite database)"), "{e}");

    let d = demo("20");
    let e = one_line_error(tideline(&["timeline", "--db", d.db(), "C-999999"]));
    assert_eq!(e, "error: customer C-999999 is not in the cache");
    let e = one_line_error(tideline(&["timeline", "--db", d.db(), "020 12"]));
    assert_eq!(e, "error: `020 12` is not a valid phone number in GB (add the country code, e.g. +44)");
    let e = one_line_error(tideline(&["timeline", "--db", d.db(), "nobody@example.com"]));
    assert_eq!(e, "error: no customer has the email address nobody@example.com");
    let e = one_line_error(tideline(&["demo", "--db", d.db()]));
    assert!(e.ends_with("already exists; choose another path or replace it with --force"), "{e}");
    let e = one_line_error(tideline(&["--region", "XX", "queue", "--db", d.db()]));
    assert!(e.contains("`XX` is not a known region code"), "{e}");
}

#[test]
fn the_same_seed_gives_the_same_contact_centre() {
    let a = demo("40");
    let b = demo("40");
    let dump = |d: &Demo| stdout(&tideline(&["timeline", "--db", d.db(), "C-3", "--json", "--limit", "500"]));
    assert_eq!(dump(&a), dump(&b));
}

#[test]
fn bench_writes_every_figure_beside_its_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("benchmarks.md");
    std::fs::write(&out, "# Benchmarks\n\n<!-- console:begin -->\nkept\n<!-- console:end -->\n").unwrap();
    let o = tideline(&[
        "bench",
        "--touchpoints",
        "20000",
        "--open-cases",
        "200",
        "--iterations",
        "20",
        "--out",
        out.to_str().unwrap(),
    ]);
    let printed = ok(o);
    let doc = std::fs::read_to_string(&out).unwrap();
    for figure in ["Timeline page (200 items)", "Queue page (50), 200 open cases", "Search (10 per kind)", "Bulk load"]
    {
        let row =
            doc.lines().find(|l| l.starts_with(&format!("| {figure}"))).unwrap_or_else(|| panic!("{figure}:\n{doc}"));
        // Tideline | baseline | ratio | goal | met
        assert_eq!(row.matches(" | ").count(), 5, "{row}");
        assert!(row.contains("×"), "{row}");
        assert!(printed.contains(row), "the table printed is the table written");
    }
    assert!(doc.contains("<!-- console:begin -->\nkept\n<!-- console:end -->"), "the console section is kept");
}
