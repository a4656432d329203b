//! Bulk loaders: SQLite (prepared inserts in one transaction) and PostgreSQL
//! (`COPY … FROM STDIN`), plus a plain callback.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use rusqlite::{Connection, OpenFlags, Statement};

use super::generator::{Cell, Counts, Generator, Sink, TableId};
use super::{RowCallback, SynthConfig, SynthSummary};
use crate::pg::{Session, open_client, parse_config};
use crate::schema::{self, qualify, quote_ident};
use crate::value::iso_date;
use crate::{Backend, OmopError, SqlValue};

fn columns_of(table: TableId) -> Result<&'static schema::Table, OmopError> {
    schema::table_def(table.name())
        .ok_or_else(|| OmopError::Config(format!("no schema for {}", table.name())))
}

fn summary(
    generator: &Generator<'_>,
    config: &SynthConfig,
    mut clinical: Counts,
    reference: Counts,
    started: Instant,
) -> SynthSummary {
    clinical.rows.extend(reference.rows);
    for table in TableId::ALL {
        clinical.rows.entry(table.name()).or_default();
    }
    SynthSummary {
        rows: clinical.rows,
        visits_by_concept: clinical.visits_by_concept,
        er_visits_uncoded: clinical.er_visits_uncoded,
        start: config.start,
        end: config.end,
        as_of: config.as_of,
        profile: generator.profile().clone(),
        elapsed: started.elapsed(),
    }
}

// ---------------------------------------------------------------- SQLite

struct SqliteSink<'c> {
    statements: Vec<(TableId, Statement<'c>)>,
}

impl<'c> SqliteSink<'c> {
    fn new(conn: &'c Connection) -> Result<Self, OmopError> {
        let mut statements = Vec::new();
        for table in TableId::ALL {
            let def = columns_of(table)?;
            let placeholders: Vec<String> =
                (1..=def.columns.len()).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                table.name(),
                def.column_names().join(", "),
                placeholders.join(", ")
            );
            statements.push((table, conn.prepare(&sql)?));
        }
        Ok(SqliteSink { statements })
    }
}

impl Sink for SqliteSink<'_> {
    fn wants(&self, _: TableId) -> bool {
        true
    }

    fn row(&mut self, table: TableId, cells: &[Cell<'_>]) -> Result<(), OmopError> {
        let Some((_, stmt)) = self.statements.iter_mut().find(|(t, _)| *t == table) else {
            return Err(OmopError::Config(format!(
                "no statement for {}",
                table.name()
            )));
        };
        let mut buf = [0u8; 10];
        for (i, cell) in cells.iter().enumerate() {
            let index = i + 1;
            match *cell {
                Cell::Null => stmt.raw_bind_parameter(index, rusqlite::types::Null)?,
                Cell::Int(v) => stmt.raw_bind_parameter(index, v)?,
                Cell::Float(v) => stmt.raw_bind_parameter(index, v)?,
                Cell::Text(s) => stmt.raw_bind_parameter(index, s)?,
                Cell::Date(d) => stmt.raw_bind_parameter(index, iso_date(d, &mut buf))?,
                Cell::Midnight(d) => {
                    let text = format!("{} 00:00:00", iso_date(d, &mut buf));
                    stmt.raw_bind_parameter(index, text.as_str())?
                }
            }
        }
        stmt.raw_execute()?;
        Ok(())
    }
}

/// Refuses to load into tables that already hold rows.
fn check_empty(
    mut has_rows: impl FnMut(&str) -> Result<bool, OmopError>,
    qualify_table: impl Fn(&str) -> String,
) -> Result<(), OmopError> {
    for table in TableId::ALL {
        let name = qualify_table(table.name());
        if has_rows(&name)? {
            return Err(OmopError::NotEmpty(name));
        }
    }
    Ok(())
}

/// Generates the synthetic EDS into a SQLite file (created if missing; the OMOP
/// tables must be absent or empty). The file ends in WAL mode with indexes built
/// and statistics gathered.
pub fn generate_sqlite(
    path: impl AsRef<Path>,
    config: &SynthConfig,
) -> Result<SynthSummary, OmopError> {
    let started = Instant::now();
    let generator = Generator::new(config)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path.as_ref(), flags)?;
    // Bulk-load settings: no rollback journal, no fsync; restored at the end.
    let _mode: String = conn.query_row("PRAGMA journal_mode = OFF", [], |r| r.get(0))?;
    conn.execute_batch(
        "PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144;",
    )?;
    for sql in schema::create_tables(Backend::Sqlite, None) {
        conn.execute_batch(&sql)?;
    }
    check_empty(
        |table| {
            Ok(
                conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), [], |r| {
                    r.get::<_, bool>(0)
                })?,
            )
        },
        |t| t.to_owned(),
    )?;
    // Indexes are cheaper built once after the load.
    for index in schema::INDEXES {
        conn.execute_batch(&schema::drop_index_sql(index, None))?;
    }
    let tx = conn.transaction()?;
    let (clinical, reference) = {
        let mut sink = SqliteSink::new(&tx)?;
        let reference = generator.reference(&mut sink)?;
        let clinical = generator.clinical(&mut sink)?;
        (clinical, reference)
    };
    tx.commit()?;
    for sql in schema::create_indexes(None) {
        conn.execute_batch(&sql)?;
    }
    conn.execute_batch("ANALYZE")?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA synchronous = NORMAL")?;
    Ok(summary(&generator, config, clinical, reference, started))
}

// ---------------------------------------------------------------- PostgreSQL

/// Writes one table's rows in `COPY` text format.
struct CopySink<W: Write> {
    table: TableId,
    out: W,
}

fn write_copy_text<W: Write>(out: &mut W, text: &str) -> std::io::Result<()> {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped: &[u8] = match b {
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            _ => continue,
        };
        out.write_all(&text.as_bytes()[last..i])?;
        out.write_all(escaped)?;
        last = i + 1;
    }
    out.write_all(&text.as_bytes()[last..])
}

impl<W: Write> Sink for CopySink<W> {
    fn wants(&self, table: TableId) -> bool {
        table == self.table
    }

    fn row(&mut self, table: TableId, cells: &[Cell<'_>]) -> Result<(), OmopError> {
        if table != self.table {
            return Ok(());
        }
        let mut buf = [0u8; 10];
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b"\t")?;
            }
            match *cell {
                Cell::Null => self.out.write_all(b"\\N")?,
                Cell::Int(v) => write!(self.out, "{v}")?,
                // Rust prints the shortest decimal that round-trips, never with
                // an exponent: NUMERIC stores exactly that decimal.
                Cell::Float(v) => write!(self.out, "{v}")?,
                Cell::Text(s) => write_copy_text(&mut self.out, s)?,
                Cell::Date(d) => self.out.write_all(iso_date(d, &mut buf).as_bytes())?,
                Cell::Midnight(d) => {
                    self.out.write_all(iso_date(d, &mut buf).as_bytes())?;
                    self.out.write_all(b" 00:00:00")?;
                }
            }
        }
        self.out.write_all(b"\n")?;
        Ok(())
    }
}

/// Generates the synthetic EDS into `schema` of the PostgreSQL database at `url`:
/// creates the schema and tables if missing (they must be empty), fills every
/// table with `COPY … FROM STDIN` in one transaction, then builds the indexes and
/// runs `ANALYZE`. Needs a role allowed to create and write.
pub fn generate_postgres(
    url: &str,
    schema_name: &str,
    config: &SynthConfig,
) -> Result<SynthSummary, OmopError> {
    let started = Instant::now();
    let generator = Generator::new(config)?;
    let pg_config = parse_config(url)?;
    let mut client = open_client(&pg_config, Session::ReadWrite)?;
    client.batch_execute("SET synchronous_commit = off; SET maintenance_work_mem = '256MB'")?;
    let schema_opt = (!schema_name.is_empty()).then_some(schema_name);
    if let Some(s) = schema_opt {
        client.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(s)))?;
    }
    for sql in schema::create_tables(Backend::Postgres, schema_opt) {
        client.batch_execute(&sql)?;
    }
    {
        let client = &mut client;
        check_empty(
            |table| {
                let row =
                    client.query_one(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), &[])?;
                Ok(row.try_get::<_, bool>(0)?)
            },
            |t| qualify(schema_opt, t),
        )?;
    }
    let mut tx = client.transaction()?;
    for index in schema::INDEXES {
        tx.batch_execute(&schema::drop_index_sql(index, schema_opt))?;
    }
    let mut reference = Counts::default();
    let mut clinical = Counts::default();
    for table in TableId::REFERENCE.into_iter().chain(TableId::CLINICAL) {
        let def = columns_of(table)?;
        let sql = format!(
            "COPY {} ({}) FROM STDIN",
            qualify(schema_opt, table.name()),
            def.column_names().join(", ")
        );
        let writer = tx.copy_in(&sql)?;
        let mut sink = CopySink {
            table,
            out: BufWriter::with_capacity(1 << 20, writer),
        };
        if TableId::REFERENCE.contains(&table) {
            reference = generator.reference(&mut sink)?;
        } else {
            let counts = generator.clinical(&mut sink)?;
            // The last pass simulates everything; earlier ones may skip visits.
            if table == TableId::ConditionOccurrence {
                clinical = counts;
            }
        }
        let writer = sink.out.into_inner().map_err(|e| e.into_error())?;
        writer.finish()?;
    }
    for sql in schema::create_indexes(schema_opt) {
        tx.batch_execute(&sql)?;
    }
    tx.commit()?;
    for table in TableId::ALL {
        client.batch_execute(&format!("ANALYZE {}", qualify(schema_opt, table.name())))?;
    }
    Ok(summary(&generator, config, clinical, reference, started))
}

// ---------------------------------------------------------------- callback

struct CallbackSink<'f> {
    f: &'f mut RowCallback<'f>,
    values: Vec<SqlValue>,
}

impl Sink for CallbackSink<'_> {
    fn wants(&self, _: TableId) -> bool {
        true
    }

    fn row(&mut self, table: TableId, cells: &[Cell<'_>]) -> Result<(), OmopError> {
        self.values.clear();
        let mut buf = [0u8; 10];
        for cell in cells {
            self.values.push(match *cell {
                Cell::Null => SqlValue::Null,
                Cell::Int(v) => SqlValue::Int(v),
                Cell::Float(v) => SqlValue::Float(v),
                Cell::Text(s) => SqlValue::Text(s.to_owned()),
                Cell::Date(d) => SqlValue::Date(d),
                Cell::Midnight(d) => SqlValue::Text(format!("{} 00:00:00", iso_date(d, &mut buf))),
            });
        }
        (self.f)(table.name(), &self.values)
    }
}

pub(crate) fn generate_to_callback(
    config: &SynthConfig,
    f: &mut RowCallback<'_>,
) -> Result<SynthSummary, OmopError> {
    let started = Instant::now();
    let generator = Generator::new(config)?;
    let mut sink = CallbackSink {
        f,
        values: Vec::new(),
    };
    let reference = generator.reference(&mut sink)?;
    let clinical = generator.clinical(&mut sink)?;
    Ok(summary(&generator, config, clinical, reference, started))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_control_characters() {
        let mut out = Vec::new();
        write_copy_text(&mut out, "a\tb\\c\nd").unwrap();
        assert_eq!(out, b"a\\tb\\\\c\\nd");
    }
}
