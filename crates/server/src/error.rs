//! [`ServerError`]: every failure below the HTTP layer. The refusals (`BadInput`,
//! `TooLarge`, `NotFound`, `Forbidden`, `Unauthenticated`, `Throttled`) carry a sentence for the client; everything
//! else is our fault and reaches the client only as "something went wrong"
//! (`http::error` does that mapping, in one place).

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database: {}", db_detail(.0))]
    Db(#[from] tokio_postgres::Error),
    #[error("database pool: {0}")]
    Pool(String),
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
    #[error("{0}")]
    Cluster(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Invalid(String),
    /// The request (or webhook, or file) is wrong; the sentence says how.
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthenticated(String),
    /// Too many attempts: the sentence says how long to wait, `retry_after` exactly.
    #[error("{message}")]
    Throttled { message: String, retry_after: std::time::Duration },
}

/// tokio-postgres prints a server-side error as bare "db error"; the message and
/// SQLSTATE are what an operator needs in a log line or a failed inbox row.
fn db_detail(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} (SQLSTATE {})", d.message(), d.code().code()),
        None => e.to_string(),
    }
}

impl ServerError {
    /// A deadlock or serialisation failure: the same work succeeds if tried again.
    pub fn is_transient(&self) -> bool {
        use tokio_postgres::error::SqlState;
        matches!(self, ServerError::Db(e) if e.code().is_some_and(|c| *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE))
    }

    pub fn io(what: String, source: std::io::Error) -> Self {
        ServerError::Io { what, source }
    }
}

impl From<deadpool_postgres::PoolError> for ServerError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        ServerError::Pool(e.to_string())
    }
}

impl From<serde_json::Error> for ServerError {
    fn from(e: serde_json::Error) -> Self {
        ServerError::Corrupt(e.to_string())
    }
}
