//! The crate's one error type.

use std::time::Duration;

/// Everything that can go wrong while reaching or loading an OMOP warehouse.
#[derive(Debug, thiserror::Error)]
pub enum OmopError {
    /// An error reported by SQLite (open, prepare, step…).
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// An error reported by PostgreSQL or by the connection to it.
    #[error("PostgreSQL: {}", describe_pg(.0))]
    Postgres(#[from] postgres::Error),
    /// A file or COPY stream failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// A connection URL, schema name or synthetic-data setting is not usable.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The statement would write to the warehouse; only reads are allowed.
    #[error("the warehouse is read-only for Hublot: {0}")]
    NotReadOnly(String),
    /// The statement ran longer than the configured limit and was cancelled.
    #[error("query cancelled after the {0:?} time limit")]
    Timeout(Duration),
    /// The number or type of parameters does not fit the statement.
    #[error("query parameter: {0}")]
    Parameter(String),
    /// A result column has a type Hublot does not map to a [`crate::SqlValue`].
    #[error("column {column:?} has unsupported type {type_name}")]
    UnsupportedType {
        /// Column name as reported by the database.
        column: String,
        /// Database type name.
        type_name: String,
    },
    /// The synthetic generator refuses to write over existing rows.
    #[error("{0} already holds rows; the generator only fills empty tables")]
    NotEmpty(String),
    /// The row callback of [`crate::Warehouse::query_each`] stopped the scan.
    #[error("row callback stopped the query: {0}")]
    Aborted(String),
}

impl OmopError {
    /// Maps a PostgreSQL error to the more specific variants when the SQLSTATE tells
    /// (read-only violation, statement timeout), else wraps it.
    pub(crate) fn from_pg(err: postgres::Error, timeout: Duration) -> Self {
        use postgres::error::SqlState;
        match err.code() {
            Some(code) if *code == SqlState::READ_ONLY_SQL_TRANSACTION => {
                let message = err
                    .as_db_error()
                    .map(|db| db.message().to_owned())
                    .unwrap_or_else(|| err.to_string());
                OmopError::NotReadOnly(message)
            }
            Some(code) if *code == SqlState::QUERY_CANCELED => OmopError::Timeout(timeout),
            _ => OmopError::Postgres(err),
        }
    }
}

/// The client's own message is terse ("db error", "error connecting to server"):
/// add the server's message and SQLSTATE, or the underlying cause.
fn describe_pg(err: &postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        let mut out = format!(
            "{}: {} (SQLSTATE {})",
            db.severity(),
            db.message(),
            db.code().code()
        );
        if let Some(detail) = db.detail() {
            out.push_str(&format!("; {detail}"));
        }
        return out;
    }
    let mut out = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        out.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    out
}
