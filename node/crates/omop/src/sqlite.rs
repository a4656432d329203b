//! SQLite warehouse (bundled SQLite): one connection, `query_only`, statements
//! checked read-only, time limit through the progress handler.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, ToSql};

use crate::schema;
use crate::value::{iso_date, parse_iso_date};
use crate::{Backend, DEFAULT_STATEMENT_TIMEOUT, OmopError, SqlValue, Warehouse};

/// An OMOP warehouse in a SQLite file.
///
/// Every constructor leaves the connection in `PRAGMA query_only` mode: the value
/// is for reading. Statements SQLite does not report as read-only are refused,
/// and a statement running past the time limit ([`DEFAULT_STATEMENT_TIMEOUT`]
/// unless changed with [`SqliteWarehouse::with_statement_timeout`]) is interrupted.
pub struct SqliteWarehouse {
    conn: Mutex<Connection>,
    path: PathBuf,
    timeout: Duration,
}

impl SqliteWarehouse {
    /// Opens an existing warehouse file (read-write handle, used read-only; lets
    /// SQLite maintain the WAL files).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, OmopError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Self::from_connection(
            path.as_ref(),
            Connection::open_with_flags(path.as_ref(), flags)?,
        )
    }

    /// Opens an existing warehouse file with a read-only handle.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self, OmopError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Self::from_connection(
            path.as_ref(),
            Connection::open_with_flags(path.as_ref(), flags)?,
        )
    }

    /// Opens or creates the file, creates the OMOP tables and indexes of
    /// [`crate::schema`] that are missing, and switches it to WAL.
    pub fn create(path: impl AsRef<Path>) -> Result<Self, OmopError> {
        let conn = Connection::open(path.as_ref())?;
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        let tx = conn.unchecked_transaction()?;
        for sql in schema::ddl(Backend::Sqlite, None) {
            tx.execute_batch(&sql)?;
        }
        tx.commit()?;
        Self::from_connection(path.as_ref(), conn)
    }

    fn from_connection(path: &Path, conn: Connection) -> Result<Self, OmopError> {
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA query_only = ON")?;
        Ok(SqliteWarehouse {
            conn: Mutex::new(conn),
            path: path.to_owned(),
            timeout: DEFAULT_STATEMENT_TIMEOUT,
        })
    }

    /// Changes the per-statement time limit.
    pub fn with_statement_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The file behind this warehouse.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Interrupts the statements of a connection once a deadline has passed, until dropped.
struct Deadline<'c>(&'c Connection);

impl<'c> Deadline<'c> {
    fn arm(conn: &'c Connection, timeout: Duration) -> Self {
        let deadline = Instant::now() + timeout;
        conn.progress_handler(10_000, Some(move || Instant::now() >= deadline));
        Deadline(conn)
    }
}

impl Drop for Deadline<'_> {
    fn drop(&mut self) {
        self.0.progress_handler(0, None::<fn() -> bool>);
    }
}

/// How a result column is read: by its declared type, so `DATE` columns come
/// back as dates and `REAL` columns as floats even when SQLite stored an integer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Date,
    Real,
    Other,
}

impl ColumnKind {
    fn of(decl: Option<&str>) -> Self {
        let Some(decl) = decl else {
            return ColumnKind::Other;
        };
        let decl = decl.to_ascii_uppercase();
        if decl == "DATE" {
            ColumnKind::Date
        } else if ["REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL"]
            .iter()
            .any(|t| decl.contains(t))
        {
            ColumnKind::Real
        } else {
            ColumnKind::Other
        }
    }
}

fn map_error(err: rusqlite::Error, timeout: Duration) -> OmopError {
    match err.sqlite_error_code() {
        Some(ErrorCode::OperationInterrupted) => OmopError::Timeout(timeout),
        Some(ErrorCode::ReadOnly) => OmopError::NotReadOnly(err.to_string()),
        _ => OmopError::Sqlite(err),
    }
}

impl Warehouse for SqliteWarehouse {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn query_each(
        &self,
        sql: &str,
        params: &[SqlValue],
        f: &mut dyn FnMut(&[SqlValue]) -> Result<(), OmopError>,
    ) -> Result<(), OmopError> {
        crate::check_read_statement(sql)?;
        let timeout = self.timeout;
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut stmt = conn
            .prepare_cached(sql)
            .map_err(|e| map_error(e, timeout))?;
        if !stmt.readonly() {
            return Err(OmopError::NotReadOnly(
                "SQLite reports that the statement writes".into(),
            ));
        }
        if stmt.parameter_count() != params.len() {
            return Err(OmopError::Parameter(format!(
                "the statement takes {} parameters, {} given",
                stmt.parameter_count(),
                params.len()
            )));
        }
        for (i, value) in params.iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, value)?;
        }
        let columns: Vec<(String, ColumnKind)> = stmt
            .columns()
            .iter()
            .map(|c| (c.name().to_owned(), ColumnKind::of(c.decl_type())))
            .collect();
        let _deadline = Deadline::arm(&conn, timeout);
        let mut rows = stmt.raw_query();
        let mut values = Vec::with_capacity(columns.len());
        while let Some(row) = rows.next().map_err(|e| map_error(e, timeout))? {
            values.clear();
            for (i, (name, kind)) in columns.iter().enumerate() {
                let value = match row.get_ref(i)? {
                    ValueRef::Null => SqlValue::Null,
                    ValueRef::Integer(v) if *kind == ColumnKind::Real => SqlValue::Float(v as f64),
                    ValueRef::Integer(v) => SqlValue::Int(v),
                    ValueRef::Real(v) => SqlValue::Float(v),
                    ValueRef::Text(bytes) => {
                        let text = std::str::from_utf8(bytes)
                            .map_err(|e| OmopError::Sqlite(rusqlite::Error::Utf8Error(e)))?;
                        match (*kind, parse_iso_date(text)) {
                            (ColumnKind::Date, Some(date)) => SqlValue::Date(date),
                            _ => SqlValue::Text(text.to_owned()),
                        }
                    }
                    ValueRef::Blob(_) => {
                        return Err(OmopError::UnsupportedType {
                            column: name.clone(),
                            type_name: "BLOB".into(),
                        });
                    }
                };
                values.push(value);
            }
            f(&values)?;
        }
        Ok(())
    }

    fn table(&self, name: &str) -> String {
        name.to_owned()
    }
}

impl ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            SqlValue::Null => ToSqlOutput::Owned(Value::Null),
            SqlValue::Int(v) => ToSqlOutput::Owned(Value::Integer(*v)),
            SqlValue::Float(v) => ToSqlOutput::Owned(Value::Real(*v)),
            SqlValue::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            SqlValue::Date(d) => {
                let mut buf = [0u8; 10];
                ToSqlOutput::Owned(Value::Text(iso_date(*d, &mut buf).to_owned()))
            }
        })
    }
}
