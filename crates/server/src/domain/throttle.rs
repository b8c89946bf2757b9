//! Sign-in throttling: after a few failed attempts, a growing delay per username and per
//! client address. Counting both slows a guesser who tries many passwords for one user
//! and one who tries one password for many users. The delay grows rather than locking
//! for good, so someone failing on purpose can hold a colleague off for minutes, never
//! lock them out. Counts live in PostgreSQL, so every instance applies the same limits.

use crate::error::ServerError;
use std::net::IpAddr;
use std::time::Duration;
use tokio_postgres::GenericClient;

/// A limit: failures allowed before a delay, then the first delay, doubling per failure.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub free_failures: i32,
    pub first_delay: Duration,
}

/// Per username: a person mistyping a few times is never slowed.
pub const PER_USER: Limit = Limit { free_failures: 5, first_delay: Duration::from_secs(2) };
/// Per address: higher, since a whole office can share one address behind NAT.
pub const PER_ADDRESS: Limit = Limit { free_failures: 20, first_delay: Duration::from_secs(2) };
/// No delay is longer than this.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Failures further apart than this start the count again.
pub const FORGET_AFTER_MINUTES: i32 = 60;

/// How long to refuse attempts after the `failures`-th failure in a row (`None`: no wait).
pub fn delay_after(limit: Limit, failures: i32) -> Option<Duration> {
    let over = failures - limit.free_failures;
    if over < 0 {
        return None;
    }
    let factor = 1u32.checked_shl(over.min(31) as u32).unwrap_or(u32::MAX);
    Some(limit.first_delay.saturating_mul(factor).min(MAX_DELAY))
}

/// Who is trying: the counters an attempt touches, with their limits.
pub fn keys(username: &str, from: Option<IpAddr>) -> Vec<(String, Limit)> {
    // Usernames are short; a long one still makes a bounded key.
    let name: String = username.chars().take(100).collect();
    let mut keys = vec![(format!("user:{name}"), PER_USER)];
    if let Some(ip) = from {
        keys.push((format!("addr:{ip}"), PER_ADDRESS));
    }
    keys
}

/// How much longer attempts on any of `keys` are refused, if they are.
pub async fn wait_left<C: GenericClient>(
    client: &C,
    keys: &[(String, Limit)],
) -> Result<Option<Duration>, ServerError> {
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    let row = client
        .query_one(
            "SELECT extract(epoch FROM max(locked_until) - now())::float8 FROM sign_in_failures
             WHERE key = ANY($1) AND locked_until > now()",
            &[&names],
        )
        .await?;
    let secs: Option<f64> = row.get(0);
    Ok(secs.map(|s| Duration::from_secs_f64(s.max(0.0))))
}

/// Counts a failed attempt on every key, and starts each key's delay once it is over its
/// limit. Returns the longest delay now in force.
pub async fn record_failure<C: GenericClient>(
    client: &C,
    keys: &[(String, Limit)],
) -> Result<Option<Duration>, ServerError> {
    let mut longest = None;
    for (key, limit) in keys {
        let failures: i32 = client
            .query_one(
                "INSERT INTO sign_in_failures (key, failures, last_at) VALUES ($1, 1, now())
                 ON CONFLICT (key) DO UPDATE SET
                     failures = CASE WHEN sign_in_failures.last_at < now() - make_interval(mins => $2)
                                     THEN 1 ELSE sign_in_failures.failures + 1 END,
                     last_at = now()
                 RETURNING failures",
                &[key, &FORGET_AFTER_MINUTES],
            )
            .await?
            .get(0);
        if let Some(delay) = delay_after(*limit, failures) {
            client
                .execute(
                    "UPDATE sign_in_failures SET locked_until = now() + make_interval(secs => $2) WHERE key = $1",
                    &[key, &delay.as_secs_f64()],
                )
                .await?;
            longest = longest.max(Some(delay));
        }
    }
    Ok(longest)
}

/// A successful sign-in clears the username's count. The address keeps its count: one
/// good account must not reset a guesser's budget for every other.
pub async fn record_success<C: GenericClient>(client: &C, username: &str) -> Result<(), ServerError> {
    if let Some((key, _)) = keys(username, None).first() {
        client.execute("DELETE FROM sign_in_failures WHERE key = $1", &[key]).await?;
    }
    Ok(())
}

/// "2 seconds", "4 minutes": a wait in words, rounded up.
pub fn in_words(d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    match secs {
        0..=1 => "1 second".into(),
        2..=119 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_starts_after_the_free_failures_and_doubles_up_to_the_cap() {
        let d = |n| delay_after(PER_USER, n).map(|d| d.as_secs());
        assert_eq!((1..=4).map(d).collect::<Vec<_>>(), vec![None; 4]);
        assert_eq!([5, 6, 7, 8].map(d), [Some(2), Some(4), Some(8), Some(16)]);
        assert_eq!(d(13), Some(512));
        assert_eq!(d(14), Some(900), "capped at 15 minutes");
        assert_eq!(d(1_000), Some(900), "no overflow, however many");
        assert_eq!(delay_after(PER_ADDRESS, 19), None);
        assert_eq!(delay_after(PER_ADDRESS, 20), Some(Duration::from_secs(2)));
    }

    #[test]
    fn waits_read_in_whole_seconds_or_minutes_rounded_up() {
        assert_eq!(in_words(Duration::from_millis(300)), "1 second");
        assert_eq!(in_words(Duration::from_millis(1_500)), "2 seconds");
        assert_eq!(in_words(Duration::from_secs(64)), "64 seconds");
        assert_eq!(in_words(Duration::from_secs(900)), "15 minutes");
        assert_eq!(in_words(Duration::from_secs(121)), "3 minutes");
    }

    #[test]
    fn an_attempt_counts_against_its_username_and_its_address() {
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let k: Vec<String> = keys("amy", Some(ip)).into_iter().map(|(k, _)| k).collect();
        assert_eq!(k, vec!["user:amy", "addr:192.0.2.7"]);
        assert_eq!(keys(&"x".repeat(500), None)[0].0.len(), 105);
    }
}
