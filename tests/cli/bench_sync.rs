//! `tideline bench-sync` at a tiny size: the command runs end to end (PostgreSQL,
//! server, engines) and writes its section with numbers, so it cannot rot.

use super::{ok, tideline};

#[test]
fn bench_sync_writes_its_section_with_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("benchmarks.md");
    std::fs::write(&out, "# Benchmarks\n\n<!-- console:begin -->\nui\n<!-- console:end -->\n\n## Notes\n").unwrap();
    let args = ["bench-sync", "--rows", "5000", "--clients", "5", "--pushes", "3", "--seconds", "1", "--out"];
    let mut args: Vec<&str> = args.to_vec();
    args.push(out.to_str().unwrap());
    ok(tideline(&args));
    let doc = std::fs::read_to_string(&out).unwrap();
    let (begin, end) = (doc.find("<!-- sync:begin -->").unwrap(), doc.find("<!-- sync:end -->").unwrap());
    assert!(doc.find("<!-- console:end -->").unwrap() < begin && doc.find("## Notes").unwrap() > end, "{doc}");
    let section = &doc[begin..end];
    assert_figures(
        section,
        &[
            "Initial sync",
            "Propagation to 5 connected engines, p99",
            "Propagation to 5 engines on one instance, pushed through another, p99",
            "Push throughput, 16 pushers, batches of 1",
        ],
    );
    assert!(section.contains("fsync on"), "{section}");
}

/// Each named figure's row has a positive value, a positive baseline and a finite ratio.
pub fn assert_figures(section: &str, figures: &[&str]) {
    for figure in figures {
        let row =
            section.lines().find(|l| l.starts_with(&format!("| {figure}"))).unwrap_or_else(|| panic!("{section}"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        // | name | value unit | baseline: value unit | ratio× | goal | met |
        let number = |s: &str| s.split_whitespace().find_map(|w| w.replace(',', "").parse::<f64>().ok());
        assert!(number(cells[2]).is_some_and(|v| v > 0.0), "{row}");
        assert!(number(cells[3].rsplit(':').next().unwrap()).is_some_and(|v| v > 0.0), "{row}");
        assert!(cells[4].ends_with('×') && cells[4] != "inf×" && cells[4] != "NaN×", "{row}");
    }
}
