//! Reconnect delays: exponential from 0.5 s, capped at 30 s, with jitter so that many
//! consoles cut off together do not all come back in the same instant.

use std::time::Duration;

pub const FIRST: Duration = Duration::from_millis(500);
pub const CAP: Duration = Duration::from_secs(30);

/// The delay before reconnect attempt `attempt` (0-based), given a uniform draw `r` in
/// `[0, 1)`: the nominal delay `min(CAP, FIRST * 2^attempt)` scaled into `[½, 1]` of
/// itself (never more than the nominal delay).
pub fn delay(attempt: u32, r: f64) -> Duration {
    let nominal = FIRST.saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX)).min(CAP);
    nominal.mul_f64(0.5 + 0.5 * r.clamp(0.0, 1.0 - f64::EPSILON))
}

/// Successive reconnect delays, reset on a good connection.
#[derive(Debug, Clone)]
pub struct Backoff {
    attempt: u32,
    rng: u64,
}

impl Backoff {
    pub fn new(seed: u64) -> Self {
        Backoff { attempt: 0, rng: seed | 1 }
    }

    pub fn next_delay(&mut self) -> Duration {
        let d = delay(self.attempt, self.draw());
        self.attempt = self.attempt.saturating_add(1);
        d
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// splitmix64 → a uniform f64 in `[0, 1)`.
    fn draw(&mut self) -> f64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_half_a_second_up_to_thirty() {
        let top = |a| delay(a, 1.0);
        let low = |a| delay(a, 0.0);
        assert_eq!(low(0), Duration::from_millis(250));
        assert!(top(0) <= Duration::from_millis(500) && top(0) > Duration::from_millis(499));
        assert_eq!(low(1), Duration::from_millis(500));
        assert_eq!(low(2), Duration::from_secs(1));
        assert_eq!(low(6), Duration::from_secs(15));
        assert_eq!(low(7), Duration::from_secs(15));
        assert_eq!(low(40), Duration::from_secs(15));
        assert!(top(40) <= CAP && top(40) > Duration::from_secs(29));
    }

    #[test]
    fn jitter_spreads_delays_and_reset_starts_over() {
        let mut a = Backoff::new(1);
        let mut b = Backoff::new(2);
        let da: Vec<_> = (0..8).map(|_| a.next_delay()).collect();
        let db: Vec<_> = (0..8).map(|_| b.next_delay()).collect();
        assert_ne!(da, db);
        for (i, d) in da.iter().enumerate() {
            let nominal = FIRST.saturating_mul(1 << i).min(CAP);
            assert!(*d >= nominal / 2 && *d <= nominal, "{i}: {d:?}");
        }
        a.reset();
        assert!(a.next_delay() < FIRST);
    }
}
