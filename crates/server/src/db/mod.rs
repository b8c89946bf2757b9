//! The database: pool and migrations here; the change log, audit log, configuration and
//! the private cluster in submodules.
//!
//! Migrations are `migrations/NNNN_*.sql`, append-only and applied in order inside one
//! transaction each; `schema_migrations` records which ran. A session advisory lock keeps
//! two processes (say `tideline serve` and `tideline user add`) from migrating at once.

pub mod audit;
pub mod catalogue;
pub mod changes;
pub mod channels;
pub mod config;
pub mod locks;
pub mod pg_cluster;
pub mod records;
pub(crate) mod sys;

use crate::error::ServerError;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

pub use deadpool_postgres::{Object as PooledClient, Pool as DbPool};

const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "initial", include_str!("migrations/0001_initial.sql")),
    (2, "intake", include_str!("migrations/0002_intake.sql")),
    (3, "pbx_channels", include_str!("migrations/0003_pbx_channels.sql")),
    (4, "sign_in_throttle", include_str!("migrations/0004_sign_in_throttle.sql")),
];

/// An arbitrary constant naming the migration lock.
const MIGRATION_LOCK: i64 = 0x7469_6465_6c69_6e65;

/// The `application_name` of the pool's connections, unless the database URL sets one:
/// an operator (or a test) can tell the server's sessions apart in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "tideline serve";

/// A pool of connections to `url`, at most `size` at once.
pub fn pool(url: &str, size: usize) -> Result<Pool, ServerError> {
    let mut config: tokio_postgres::Config =
        url.parse().map_err(|e| ServerError::Invalid(format!("the database URL is not valid: {e}")))?;
    if config.get_application_name().is_none() {
        config.application_name(APPLICATION_NAME);
    }
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager).max_size(size).build().map_err(|e| ServerError::Pool(e.to_string()))
}

/// Brings the schema up to date.
pub async fn migrate(pool: &Pool) -> Result<(), ServerError> {
    let mut client = pool.get().await?;
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await?;
    let result = apply_pending(&mut client).await;
    client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await?;
    result
}

async fn apply_pending(client: &mut PooledClient) -> Result<(), ServerError> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
    for &(version, name, sql) in MIGRATIONS {
        let tx = client.transaction().await?;
        let done = tx.query_opt("SELECT 1 FROM schema_migrations WHERE version = $1", &[&version]).await?.is_some();
        if !done {
            tx.batch_execute(sql).await?;
            tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", &[&version, &name]).await?;
            tracing::info!(version, name, "applied migration");
        }
        tx.commit().await?;
    }
    Ok(())
}
