//! Connection set-up and schema migrations.

use crate::StoreError;
use rusqlite::Connection;

/// Append-only: each entry moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_initial.sql"), include_str!("migrations/0002_sync.sql")];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Pragmas for an interactive, crash-safe cache:
/// - `journal_mode=WAL`: readers never wait for the writer, and a crash mid-write
///   leaves the last committed state intact.
/// - `synchronous=FULL`: every commit is on disk before it returns. The outbox holds
///   work the agent has not synced yet; losing it to a power cut is not acceptable, and
///   agent actions are rare enough that one fsync each costs nothing noticeable.
/// - `foreign_keys=ON`: a touchpoint can never point at a customer that is not there.
/// - `busy_timeout`: the console and a sync task may write at once; wait, don't fail.
/// - `cache_size` 64 MiB and `temp_store=MEMORY`: timeline and queue pages stay hot.
/// - `mmap_size` 256 MiB: reads of a large cache skip a copy through the page cache.
///
/// `busy_timeout` comes first: even `journal_mode` needs a lock, and a second
/// connection opened while the sync engine writes must wait for it, not fail.
const PRAGMAS: &str = "
    PRAGMA busy_timeout = 5000;
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA foreign_keys = ON;
    PRAGMA temp_store = MEMORY;
    PRAGMA mmap_size = 268435456;
";

/// The page cache for interactive use, in KiB (negative: SQLite's unit for KiB).
pub const CACHE_KIB: i64 = -64 * 1024;

pub fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(PRAGMAS)?;
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    Ok(())
}

pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { found: current, supported: SCHEMA_VERSION });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
