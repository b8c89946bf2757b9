//! `tideline bench-intake` at a tiny size: the command runs end to end (PostgreSQL,
//! server, signed webhooks, a team lead's engine) and writes its section with numbers,
//! so it cannot rot.

use super::bench_sync::assert_figures;
use super::{ok, tideline};

#[test]
fn bench_intake_writes_its_section_with_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("benchmarks.md");
    std::fs::write(&out, "# Benchmarks\n\n<!-- sync:begin -->\nsync\n<!-- sync:end -->\n").unwrap();
    let args = ["bench-intake", "--senders", "4", "--seconds", "0.5", "--rate", "100", "--out"];
    let mut args: Vec<&str> = args.to_vec();
    args.push(out.to_str().unwrap());
    ok(tideline(&args));
    let doc = std::fs::read_to_string(&out).unwrap();
    let (begin, end) = (doc.find("<!-- intake:begin -->").unwrap(), doc.find("<!-- intake:end -->").unwrap());
    assert!(doc.find("<!-- sync:end -->").unwrap() < begin, "{doc}");
    let section = &doc[begin..end];
    assert_figures(
        section,
        &[
            "Accepted webhook events, 4 senders",
            "Processed events into timelines",
            "Webhook to a team lead's cache at 100/s, p99",
        ],
    );
    assert!(section.contains("fsync on"), "{section}");
}
