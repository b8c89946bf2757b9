//! Advisory-lock keys. Every writer that reads a case and writes it back (pushes,
//! ingestion, outbound delivery) takes the case's lock first, so no write is lost; keys
//! are taken in sorted order within a namespace, and namespaces in the order below.

/// Namespaces: the top byte of the 64-bit key.
pub const LOCK_CLIENT: i64 = 1;
pub const LOCK_CASE: i64 = 2;
pub const LOCK_IDENTITIES: i64 = 3;
/// Ingestion: one customer's contacts are threaded one at a time.
pub const LOCK_CUSTOMER: i64 = 4;
/// Ingestion: reports of one contact (a call's callbacks) are applied one at a time.
/// A worker takes every lock of its batch at once, in key order ([`lock_all`]).
pub const LOCK_CONTACT: i64 = 5;

pub fn lock_key(ns: i64, id: i64) -> i64 {
    (ns << 56) | (id & 0x00ff_ffff_ffff_ffff)
}

/// FNV-1a: a stable hash of a string (a client id) for its lock.
pub fn string_key(s: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 8) as i64
}

pub async fn lock<C: tokio_postgres::GenericClient>(tx: &C, key: i64) -> Result<(), tokio_postgres::Error> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&key]).await.map(|_| ())
}

/// Takes every key at once, in key order, so two transactions that lock overlapping
/// sets wait for each other instead of deadlocking. (The sorted, de-duplicated
/// subquery is not flattened, so the locks are taken in its order.)
pub async fn lock_all<C: tokio_postgres::GenericClient>(tx: &C, keys: &[i64]) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT k FROM unnest($1::bigint[]) k ORDER BY k) sorted",
        &[&keys],
    )
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_namespaces_never_overlap() {
        assert_ne!(lock_key(LOCK_CASE, 1), lock_key(LOCK_CLIENT, 1));
        assert!(lock_key(LOCK_CLIENT, string_key("abc")) < lock_key(LOCK_CASE, 0));
        assert!(lock_key(LOCK_CASE, i64::MAX >> 8) < lock_key(LOCK_IDENTITIES, 0));
        assert!(lock_key(LOCK_IDENTITIES, i64::MAX >> 8) < lock_key(LOCK_CUSTOMER, 0));
    }
}
