//! Latency samples and their percentiles.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct Samples(Vec<Duration>);

impl Samples {
    /// Times `f` once and keeps the sample.
    pub fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.0.push(start.elapsed());
        out
    }

    /// The `p`th percentile (nearest rank), in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        percentile_ms(&self.0, p)
    }
}

/// The `p`th percentile (nearest rank) of `v`, in milliseconds: for samples recorded
/// some other way than by timing a closure (e.g. arrival times).
pub fn percentile_ms(v: &[Duration], p: f64) -> f64 {
    assert!(!v.is_empty(), "no samples");
    let mut v = v.to_vec();
    v.sort();
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1].as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s = Samples((1..=100).map(Duration::from_millis).collect());
        assert_eq!(s.percentile_ms(50.0), 50.0);
        assert_eq!(s.percentile_ms(99.0), 99.0);
        assert_eq!(s.percentile_ms(100.0), 100.0);
    }
}
