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
