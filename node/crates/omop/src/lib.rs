//! Read-only access to a hospital's OMOP CDM 5.4 warehouse (EDS), the OMOP
//! allow-list, and a seeded synthetic EDS for tests and demonstrations.
//!
//! A Hublot node runs beside the warehouse and only ever runs approved aggregate
//! queries on it. This crate is the one place that talks to the warehouse:
//!
//! * [`Warehouse`] — the trait the query engine calls: parameterised read-only
//!   queries, either collected ([`Warehouse::query`]) or streamed
//!   ([`Warehouse::query_each`]), with values mapped to [`SqlValue`] the same way
//!   on every backend, and [`Warehouse::table`] for the qualified table name.
//! * [`SqliteWarehouse`] and [`PostgresWarehouse`] — the two backends.
//! * [`schema`] — DDL of the OMOP tables Hublot uses; [`allow_list`] — the
//!   tables and columns aggregate queries may touch; [`checksum`] — a
//!   backend-independent digest of a table's content.
//! * [`synth`] — a deterministic synthetic EDS (persons, ER visits, admissions,
//!   ICD-10 coded conditions with seasonal epidemics and late coding).
//! * [`test_support`] — a throw-away PostgreSQL schema for integration tests.
//!
//! Calls are blocking: the node runs them on blocking threads
//! (`tokio::task::spawn_blocking`). Warehouses are `Send + Sync`; each one holds a
//! single connection behind a mutex, so concurrent queries on one value queue up —
//! open one warehouse per worker for parallelism.
//!
//! ```
//! use hublot_omop::{SqlValue, SqliteWarehouse, Warehouse, synth};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("eds.sqlite");
//! let config = synth::SynthConfig::new(300, 7);
//! let summary = synth::generate_sqlite(&path, &config).unwrap();
//! assert_eq!(summary.rows["person"], 300);
//!
//! let eds = SqliteWarehouse::open_read_only(&path).unwrap();
//! let sql = format!(
//!     "SELECT COUNT(*) FROM {} WHERE visit_concept_id IN (?1, ?2)",
//!     eds.table("visit_occurrence")
//! );
//! let rows = eds.query(&sql, &[SqlValue::Int(9203), SqlValue::Int(262)]).unwrap();
//! assert!(rows[0][0].as_i64().unwrap() > 0);
//! ```
//!
//! # Read-only, four times over
//!
//! 1. **The database role.** Give the node a role that can only read the
//!    allow-listed columns. On PostgreSQL:
//!
//!    ```sql
//!    CREATE ROLE hublot_reader LOGIN PASSWORD '…' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
//!    ALTER ROLE hublot_reader SET default_transaction_read_only = on;
//!    ALTER ROLE hublot_reader SET statement_timeout = '5min';
//!    GRANT CONNECT ON DATABASE eds TO hublot_reader;
//!    -- then the column-level grants from allow_list::grant_statements("cdm", "hublot_reader")
//!    ```
//!
//!    On SQLite, give the node a file it can read but not write (or a read-only
//!    replica) and open it with [`SqliteWarehouse::open_read_only`].
//! 2. **The session.** [`PostgresWarehouse`] sets
//!    `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY` and a
//!    `statement_timeout` on its connection, and runs every query inside an
//!    explicit `READ ONLY` transaction; a write fails with
//!    [`OmopError::NotReadOnly`]. [`SqliteWarehouse`] sets `PRAGMA query_only`
//!    and refuses any statement SQLite does not report as read-only
//!    (`sqlite3_stmt_readonly`), and interrupts statements past their time limit.
//! 3. **The statement.** Both backends refuse, before preparing it, any
//!    statement that is not a query (`SELECT`, `WITH`, `VALUES`, or a
//!    parenthesised query after leading comments).
//! 4. **The compiler.** Queries come from approved specs compiled against
//!    [`allow_list`]; parameters are always bound, never spliced.
//!
//! The time limit covers the whole scan, including the time the row callback of
//! [`Warehouse::query_each`] takes.
//!
//! # Connection security (PostgreSQL)
//!
//! The node is deployed beside the warehouse and connects over the loopback
//! interface or a Unix socket (`postgres:///eds?host=/var/run/postgresql`), so
//! this build speaks plain PostgreSQL without TLS (`NoTls`); a URL asking for
//! `sslmode=require` is rejected up front rather than silently downgraded. When a
//! site needs the warehouse across a network, the connection takes a TLS
//! connector instead of `NoTls` (for instance `tokio-postgres-rustls` with the
//! hospital's CA) and honours `sslmode=require`/`verify-full` from the URL; the
//! rest of this crate is unchanged.

pub mod allow_list;
pub mod checksum;
mod error;
mod pg;
pub mod schema;
mod sqlite;
pub mod synth;
pub mod test_support;
mod value;

use std::time::Duration;

pub use error::OmopError;
pub use pg::PostgresWarehouse;
pub use sqlite::SqliteWarehouse;
pub use value::SqlValue;

/// Default per-statement time limit of a warehouse connection.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(300);

/// The SQL dialect behind a [`Warehouse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite 3 (bundled).
    Sqlite,
    /// PostgreSQL 12 or later.
    Postgres,
}

impl Backend {
    /// The `index`-th (1-based) parameter placeholder: `?1` for SQLite, `$1` for PostgreSQL.
    pub fn placeholder(self, index: usize) -> String {
        match self {
            Backend::Sqlite => format!("?{index}"),
            Backend::Postgres => format!("${index}"),
        }
    }

    /// Lower-case name (`sqlite`, `postgres`).
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// An OMOP warehouse the node may read.
pub trait Warehouse: Send + Sync {
    /// The SQL dialect to compile for.
    fn backend(&self) -> Backend;

    /// Runs a parameterised read-only query; placeholders are `?1, ?2…` for SQLite
    /// and `$1, $2…` for PostgreSQL. Returns all rows.
    fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, OmopError> {
        let mut rows = Vec::new();
        self.query_each(sql, params, &mut |row| {
            rows.push(row.to_vec());
            Ok(())
        })?;
        Ok(rows)
    }

    /// Streams rows to a callback (for large results) — same semantics as
    /// [`Warehouse::query`]. An error returned by the callback stops the query and
    /// is returned as is.
    fn query_each(
        &self,
        sql: &str,
        params: &[SqlValue],
        f: &mut dyn FnMut(&[SqlValue]) -> Result<(), OmopError>,
    ) -> Result<(), OmopError>;

    /// The qualified name of an OMOP table (`person`, or `"cdm".person` for a schema).
    fn table(&self, name: &str) -> String;
}

/// First line of defence before the database's own read-only checks: the
/// statement must be a query (`SELECT`, `WITH`, `VALUES`, or a parenthesised
/// query), after any leading comments.
pub(crate) fn check_read_statement(sql: &str) -> Result<(), OmopError> {
    let mut rest = sql;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, tail)| tail);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, tail)| tail);
        } else {
            break;
        }
    }
    if rest.starts_with('(') {
        return Ok(());
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    match word.as_str() {
        "SELECT" | "WITH" | "VALUES" => Ok(()),
        "" => Err(OmopError::NotReadOnly("empty statement".into())),
        other => Err(OmopError::NotReadOnly(format!(
            "only queries may run on the warehouse, not {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_queries_pass_the_statement_check() {
        for ok in [
            "SELECT 1",
            "  with x as (select 1) select * from x",
            "-- weekly counts\nSELECT 1",
            "/* spec abc */ VALUES (1)",
            "(SELECT 1) UNION (SELECT 2)",
        ] {
            assert!(check_read_statement(ok).is_ok(), "{ok}");
        }
        for bad in [
            "INSERT INTO person VALUES (1)",
            "delete from person",
            "ATTACH DATABASE 'x' AS y",
            "PRAGMA query_only = 0",
            "-- SELECT\nDROP TABLE person",
            "",
            "/* unterminated SELECT",
        ] {
            assert!(
                matches!(check_read_statement(bad), Err(OmopError::NotReadOnly(_))),
                "{bad}"
            );
        }
        assert_eq!(Backend::Postgres.placeholder(3), "$3");
        assert_eq!(Backend::Sqlite.placeholder(3), "?3");
    }
}
