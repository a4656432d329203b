//! Real warehouses for the integration tests: SQLite files in a temporary directory and
//! PostgreSQL schemas on the test server (`HUBLOT_TEST_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`), each dropped when the test ends.
#![allow(dead_code)]

pub mod fixture;

use hublot_omop::test_support::PgTestSchema;
use hublot_omop::{PostgresWarehouse, SqliteWarehouse, synth};

/// Qualifies an OMOP table name for the warehouse being filled.
pub type Qualify<'a> = &'a dyn Fn(&str) -> String;

/// Produces the INSERT statements of a fixture.
pub type Inserts<'a> = &'a dyn Fn(Qualify<'_>) -> Vec<String>;

/// A SQLite warehouse and the directory holding its file.
pub struct Sqlite {
    pub warehouse: SqliteWarehouse,
    _dir: tempfile::TempDir,
}

/// A PostgreSQL warehouse in its own schema (dropped on drop, after the connection).
pub struct Postgres {
    pub warehouse: PostgresWarehouse,
    _schema: PgTestSchema,
}

fn pg_schema(prefix: &str) -> PgTestSchema {
    PgTestSchema::new(prefix).unwrap_or_else(|e| panic!("{e}"))
}

/// An empty OMOP SQLite warehouse filled with `inserts` (written through a separate
/// connection: the warehouse itself is read-only).
pub fn sqlite_with(inserts: Inserts<'_>) -> Sqlite {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("eds.sqlite");
    drop(SqliteWarehouse::create(&path).expect("create SQLite warehouse"));
    let conn = rusqlite::Connection::open(&path).expect("open SQLite for writing");
    for sql in inserts(&|t| t.to_owned()) {
        conn.execute_batch(&sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    drop(conn);
    Sqlite {
        warehouse: SqliteWarehouse::open_read_only(&path).expect("open SQLite read-only"),
        _dir: dir,
    }
}

/// An empty OMOP PostgreSQL warehouse in a fresh schema, filled with `inserts`.
pub fn postgres_with(prefix: &str, inserts: Inserts<'_>) -> Postgres {
    let schema = pg_schema(prefix);
    drop(PostgresWarehouse::create_schema(schema.url(), schema.name()).expect("create schema"));
    let mut client = postgres::Client::connect(schema.url(), postgres::NoTls)
        .expect("connect to PostgreSQL for writing");
    let name = schema.name().to_owned();
    let mut batch = String::from("BEGIN;");
    for sql in inserts(&|t| format!("\"{name}\".{t}")) {
        batch.push_str(&sql);
        batch.push(';');
    }
    batch.push_str("COMMIT;");
    client.batch_execute(&batch).expect("insert fixture rows");
    drop(client);
    Postgres {
        warehouse: PostgresWarehouse::connect(schema.url(), schema.name()).expect("connect"),
        _schema: schema,
    }
}

/// The hand-checked fixture on SQLite.
pub fn sqlite_fixture() -> Sqlite {
    sqlite_with(&fixture::inserts)
}

/// The hand-checked fixture on PostgreSQL.
pub fn postgres_fixture(prefix: &str) -> Postgres {
    postgres_with(prefix, &fixture::inserts)
}

/// Synthetic data on SQLite.
pub fn sqlite_synth(config: &synth::SynthConfig) -> Sqlite {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("eds.sqlite");
    synth::generate_sqlite(&path, config).expect("generate SQLite");
    Sqlite {
        warehouse: SqliteWarehouse::open_read_only(&path).expect("open SQLite read-only"),
        _dir: dir,
    }
}

/// The same synthetic data on PostgreSQL.
pub fn postgres_synth(prefix: &str, config: &synth::SynthConfig) -> Postgres {
    let schema = pg_schema(prefix);
    synth::generate_postgres(schema.url(), schema.name(), config).expect("generate PostgreSQL");
    Postgres {
        warehouse: PostgresWarehouse::connect(schema.url(), schema.name()).expect("connect"),
        _schema: schema,
    }
}
