//! The benchmark table: every figure beside a baseline measured in the same run.

use std::fmt::Write;

/// Lower is better for latencies, higher for rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub baseline_name: String,
    pub baseline: f64,
    pub unit: &'static str,
    pub better: Better,
    /// The goal from the design brief, in `unit`, if it sets one.
    pub goal: Option<f64>,
}

impl Figure {
    /// How many times the baseline: the cost of doing it properly.
    pub fn ratio(&self) -> f64 {
        self.value / self.baseline
    }

    pub fn met(&self) -> Option<bool> {
        self.goal.map(|g| match self.better {
            Better::Lower => self.value <= g,
            Better::Higher => self.value >= g,
        })
    }
}

fn num(v: f64) -> String {
    if v >= 1000.0 {
        let s = format!("{:.0}", v);
        let bytes: Vec<char> = s.chars().collect();
        let mut out = String::new();
        for (i, c) in bytes.iter().enumerate() {
            if i > 0 && (bytes.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(*c);
        }
        out
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

pub fn table(figures: &[Figure]) -> String {
    let mut s =
        String::from("| Figure | Tideline | Baseline (same run) | Ratio | Goal | Met |\n|---|---|---|---|---|---|\n");
    for f in figures {
        let goal = match (f.goal, f.better) {
            (Some(g), Better::Lower) => format!("≤ {} {}", num(g), f.unit),
            (Some(g), Better::Higher) => format!("≥ {} {}", num(g), f.unit),
            (None, _) => "–".into(),
        };
        let met = match f.met() {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "–",
        };
        let _ = writeln!(
            s,
            "| {} | {} {} | {}: {} {} | {:.2}× | {} | {} |",
            f.name,
            num(f.value),
            f.unit,
            f.baseline_name,
            num(f.baseline),
            f.unit,
            f.ratio(),
            goal,
            met
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_shows_value_baseline_ratio_and_goal() {
        let f = Figure {
            name: "timeline p99".into(),
            value: 2.0,
            baseline_name: "raw read".into(),
            baseline: 0.5,
            unit: "ms",
            better: Better::Lower,
            goal: Some(5.0),
        };
        let t = table(&[f]);
        assert!(t.contains("| timeline p99 | 2.000 ms | raw read: 0.500 ms | 4.00× | ≤ 5.000 ms | yes |"), "{t}");
        assert_eq!(num(123456.0), "123,456");
    }
}

/// This machine in a few words, for the reports' headers.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok()))
        .map(|kb| format!(", {} GiB RAM", kb / 1024 / 1024))
        .unwrap_or_default();
    format!("{} {}, {cpus} cores{mem}", std::env::consts::OS, std::env::consts::ARCH)
}

/// Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`; without
/// the markers, puts the section after the last section already there (each benchmark
/// writes its own section of the same file).
pub fn replace_section(doc: &str, name: &str, section: &str) -> String {
    let (begin, end) = (format!("<!-- {name}:begin -->"), format!("<!-- {name}:end -->"));
    let block = format!("{begin}\n{section}{end}");
    match (doc.find(&begin), doc.find(&end)) {
        (Some(b), Some(e)) if b < e => format!("{}{block}{}", &doc[..b], &doc[e + end.len()..]),
        _ => match doc.rfind(":end -->") {
            Some(c) => {
                let at = c + ":end -->".len();
                format!("{}\n\n{block}{}", &doc[..at], &doc[at..])
            }
            None => format!("{}\n\n{block}\n", doc.trim_end()),
        },
    }
}

#[cfg(test)]
mod section_tests {
    use super::replace_section;

    #[test]
    fn sections_are_replaced_in_place_and_new_ones_follow_the_last() {
        let doc = replace_section("# Benchmarks\n", "cache", "one\n");
        assert_eq!(doc, "# Benchmarks\n\n<!-- cache:begin -->\none\n<!-- cache:end -->\n");
        let doc = format!("{doc}\n<!-- console:begin -->\nui\n<!-- console:end -->\n\n## Notes\n");
        let doc = replace_section(&doc, "cache", "two\n");
        assert!(doc.contains("<!-- cache:begin -->\ntwo\n<!-- cache:end -->") && !doc.contains("one"));
        let doc = replace_section(&doc, "sync", "three\n");
        assert!(doc.contains("<!-- console:end -->\n\n<!-- sync:begin -->\nthree\n<!-- sync:end -->\n\n## Notes"));
        assert!(
            replace_section(&doc, "sync", "four\n")
                .contains("<!-- sync:begin -->\nfour\n<!-- sync:end -->\n\n## Notes")
        );
    }
}
