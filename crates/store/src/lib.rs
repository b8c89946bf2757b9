//! Tideline's local case cache on SQLite.
//!
//! Every read the console makes comes from here, and every agent action is applied here
//! first: validated by the core, written with its outbox entry in one transaction.
//!
//! **Architecture invariant:** this crate decides nothing about cases. State changes
//! come from `tideline_core::Case::apply`, clocks from `tideline_core::sla`; the store
//! only persists and queries.

mod codec;
mod load;
mod mutate;
mod queue;
mod schema;
mod search;
mod sync;
mod timeline;

pub use load::Loader;
pub use mutate::{Applied, OutboxEntry};
pub use queue::{QueueCursor, QueueFilter, QueuePage, QueueRow};
pub use schema::SCHEMA_VERSION;
pub use search::{CaseHit, CustomerHit, SearchHit, SearchResults};
pub use sync::{
    Notice, NoticeKind, PendingMutation, RemoteApplied, RemoteChange, RemoteRecord, SettleOutcome, Settlement,
};
pub use timeline::{TimelinePage, TimelineQuery, UnlinkedCursor, UnlinkedPage};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use tideline_core::sla::SlaPolicy;
use tideline_core::{Case, CaseId, ClosureCatalogue, Customer, CustomerId, Identity, IdentityContext, IdentityError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no cache at {path} (create one with `tideline demo --db {path}`)", path = .0.display())]
    Missing(PathBuf),
    #[error("{path} already exists; choose another path or replace it with --force", path = .0.display())]
    Exists(PathBuf),
    #[error("{path} is not a Tideline cache (it is not a SQLite database)", path = .0.display())]
    NotACache(PathBuf),
    #[error("this cache has schema version {found}, newer than this build supports ({supported}); update Tideline")]
    NewerSchema { found: i64, supported: i64 },
    #[error("{what} {id} is not in the cache")]
    NotFound { what: &'static str, id: String },
    #[error("no customer has the {} {}", .0.kind().label(), .0)]
    UnknownIdentity(Identity),
    #[error("{} {} already belongs to customer {}", .identity.kind().label(), .identity, .owner)]
    IdentityTaken { identity: Identity, owner: CustomerId },
    #[error("touchpoint {0} is already linked to a customer")]
    AlreadyLinked(tideline_core::TouchpointId),
    #[error("touchpoint {0} is not a failed message, so there is nothing to retry")]
    NotRetryable(tideline_core::TouchpointId),
    #[error("touchpoint {0} has no identity to link")]
    NoIdentity(tideline_core::TouchpointId),
    #[error("{} {} was not linked to customer {} by an agent, so there is no link to undo", .identity.kind().label(), .identity, .customer)]
    NoLinkToUndo { identity: Identity, customer: CustomerId },
    #[error(transparent)]
    Case(#[from] tideline_core::CaseError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Customer(#[from] tideline_core::customer::CustomerError),
    #[error(transparent)]
    Touchpoint(#[from] tideline_core::touchpoint::TouchpointError),
    #[error("cannot unlock the cache: wrong key or not a Tideline cache ({path})", path = .0.display())]
    Locked(PathBuf),
    #[error("cannot remove the cache at {path}: {source}", path = .path.display())]
    Wipe { path: PathBuf, source: std::io::Error },
    #[error("the cache holds a damaged record: {0}")]
    Corrupt(String),
    #[error("cache error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Rules the store needs from the domain: how SLA clocks run, which closure codes
/// exist, and how to read identities typed in a local format.
#[derive(Debug, Clone, Default)]
pub struct StoreConfig {
    pub sla: SlaPolicy,
    pub closure_codes: ClosureCatalogue,
    pub identities: IdentityContext,
}

pub struct Store {
    conn: Connection,
    config: StoreConfig,
}

impl Store {
    /// Opens an existing cache, migrating it to the current schema.
    pub fn open(path: &Path, config: StoreConfig) -> Result<Self, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        Self::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, config, None)
    }

    /// Creates a new, empty cache. Refuses to touch a file that is already there.
    pub fn create(path: &Path, config: StoreConfig) -> Result<Self, StoreError> {
        if path.exists() {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        Self::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, config, None)
    }

    /// Opens a cache encrypted at rest (SQLCipher) with a 256-bit key. A wrong key, or
    /// a file that is no cache, gives [`StoreError::Locked`].
    pub fn open_encrypted(path: &Path, key: &[u8; 32], config: StoreConfig) -> Result<Self, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        Self::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, config, Some(key))
    }

    /// Creates a new cache encrypted at rest with a 256-bit key: every page on disk,
    /// the header included, is ciphertext.
    pub fn create_encrypted(path: &Path, key: &[u8; 32], config: StoreConfig) -> Result<Self, StoreError> {
        if path.exists() {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        Self::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, config, Some(key))
    }

    /// Deletes a cache and its WAL and shared-memory files (signing out). Close every
    /// `Store` on it first. A file that is not there is not an error.
    pub fn wipe(path: &Path) -> Result<(), StoreError> {
        let mut paths = vec![path.to_path_buf()];
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            paths.push(PathBuf::from(p));
        }
        for p in paths {
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(StoreError::Wipe { path: p, source }),
            }
        }
        Ok(())
    }

    fn connect(path: &Path, flags: OpenFlags, config: StoreConfig, key: Option<&[u8; 32]>) -> Result<Self, StoreError> {
        let not_a_cache = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) if key.is_some() => StoreError::Locked(path.to_path_buf()),
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotACache(path.to_path_buf()),
            _ => StoreError::Sqlite(e),
        };
        let mut conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        if let Some(key) = key {
            // Must be the very first statement on the connection.
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";"))?;
        }
        schema::configure(&conn).map_err(|e| match e {
            StoreError::Sqlite(e) => not_a_cache(e),
            e => e,
        })?;
        schema::migrate(&mut conn)?;
        // An initial sync cut short left its indexes out: put them back. IMMEDIATE: a
        // read that then writes must take the write lock first, or it fails at once
        // (not after the busy timeout) when the sync engine wrote in between.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        sync::rebuild_deferred(&tx)?;
        tx.commit()?;
        Ok(Store { conn, config })
    }

    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// The customer who owns `identity`, if any.
    pub fn customer_by_identity(&self, identity: &Identity) -> Result<Option<CustomerId>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT customer_id FROM identities WHERE kind = ?1 AND value = ?2",
                (identity.kind().as_str(), identity.value()),
                |r| r.get(0),
            )
            .optional()?
            .map(CustomerId))
    }

    /// Resolves what a person typed — `C-42`, a phone number in local format, an email,
    /// `@handle` — to one customer.
    pub fn find_customer(&self, query: &str) -> Result<CustomerId, StoreError> {
        if let Ok(id) = query.parse::<CustomerId>() {
            return Ok(self.customer(id)?.id);
        }
        let candidates = Identity::candidates(query, &self.config.identities)?;
        for identity in &candidates {
            if let Some(id) = self.customer_by_identity(identity)? {
                return Ok(id);
            }
        }
        Err(StoreError::UnknownIdentity(candidates.into_iter().next().expect("candidates is never empty")))
    }

    /// A customer with their identities. A provisional id (a customer created here)
    /// still works once the server has given the customer its own id.
    pub fn customer(&self, id: CustomerId) -> Result<Customer, StoreError> {
        read_customer(&self.conn, sync::resolve_customer(&self.conn, id)?, &self.config.identities)
    }

    pub fn case(&self, id: CaseId) -> Result<Case, StoreError> {
        load_case(&self.conn, id)
    }

    /// The cases of one customer, newest first.
    pub fn customer_cases(&self, id: CustomerId) -> Result<Vec<Case>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc FROM cases WHERE customer_id = ?1 ORDER BY opened_at DESC, id DESC")?;
        let docs = stmt.query_map([id.0], |r| r.get::<_, String>(0))?;
        docs.map(|d| codec::parse_json("case", &d?)).collect()
    }

    /// A setting kept with the cache (the `meta` table).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", [key, value])?;
        Ok(())
    }

    /// How many touchpoints a customer has on record.
    pub fn touchpoint_count(&self, customer: CustomerId) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM touchpoints WHERE customer_id = ?1", [customer.0], |r| r.get(0))?)
    }

    /// Row counts, for the CLI's summary and for tests.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let n = |table: &str| -> Result<i64, StoreError> {
            Ok(self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(Counts {
            customers: n("customers")?,
            cases: n("cases")?,
            touchpoints: n("touchpoints")?,
            unlinked: self
                .conn
                .query_row("SELECT count(*) FROM touchpoints WHERE customer_id IS NULL", [], |r| r.get(0))?,
            outbox: n("outbox")?,
        })
    }

    /// Runs SQLite's own consistency check; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let r: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if r == "ok" { Ok(()) } else { Err(StoreError::Corrupt(r)) }
    }

    /// Direct read access for tests and benchmarks that compare against raw SQL.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Counts {
    pub customers: i64,
    pub cases: i64,
    pub touchpoints: i64,
    pub unlinked: i64,
    pub outbox: i64,
}

/// Reads a customer with their identities. Takes a connection so that a transaction
/// can read its own uncommitted writes.
pub(crate) fn read_customer(conn: &Connection, id: CustomerId, cx: &IdentityContext) -> Result<Customer, StoreError> {
    let (name, created_at): (String, i64) = conn
        .query_row("SELECT name, created_at FROM customers WHERE id = ?1", [id.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "customer", id: id.to_string() })?;
    let mut stmt =
        conn.prepare_cached("SELECT kind, value FROM identities WHERE customer_id = ?1 ORDER BY kind, value")?;
    let identities = stmt
        .query_map([id.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .map(|r| {
            let (k, v) = r?;
            codec::stored_identity(&k, &v, cx)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Customer { id, name, identities, created_at: codec::from_ms(created_at)? })
}

pub(crate) fn load_case(conn: &Connection, id: CaseId) -> Result<Case, StoreError> {
    let doc: String = conn
        .query_row("SELECT doc FROM cases WHERE id = ?1", [id.0], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "case", id: id.to_string() })?;
    codec::parse_json("case", &doc)
}
