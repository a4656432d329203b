//! Synthetic EDS and query API on a real PostgreSQL (`HUBLOT_TEST_DATABASE_URL`,
//! default `postgres://postgres@127.0.0.1:5432/test`). Each test works in its own
//! schema, dropped at the end even on failure. An unreachable server fails the
//! tests with a clear message.

use std::time::Duration;

use hublot_omop::synth::{self, SynthConfig};
use hublot_omop::test_support::PgTestSchema;
use hublot_omop::{
    Backend, OmopError, PostgresWarehouse, SqlValue, SqliteWarehouse, Warehouse, checksum,
};
use time::macros::date;

fn test_schema(prefix: &str) -> PgTestSchema {
    PgTestSchema::new(prefix).unwrap_or_else(|e| panic!("{e}"))
}

fn scalar(wh: &dyn Warehouse, sql: &str, params: &[SqlValue]) -> SqlValue {
    wh.query(sql, params).unwrap().remove(0).remove(0)
}

#[test]
fn same_seed_gives_the_same_tables_as_sqlite() {
    let schema = test_schema("hublot_omop_same");
    let config = SynthConfig::new(2_000, 11);
    let pg_summary = synth::generate_postgres(schema.url(), schema.name(), &config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("eds.sqlite");
    let lite_summary = synth::generate_sqlite(&path, &config).unwrap();
    assert_eq!(pg_summary.rows, lite_summary.rows);
    assert_eq!(pg_summary.visits_by_concept, lite_summary.visits_by_concept);
    assert_eq!(pg_summary.er_visits_uncoded, lite_summary.er_visits_uncoded);

    let pg = PostgresWarehouse::connect(schema.url(), schema.name()).unwrap();
    let lite = SqliteWarehouse::open_read_only(&path).unwrap();
    let pg_sums = checksum::checksums(&pg).unwrap();
    let lite_sums = checksum::checksums(&lite).unwrap();
    assert_eq!(pg_sums, lite_sums);
    assert_eq!(pg_sums["person"].rows, 2_000);
    assert!(pg_sums["condition_occurrence"].rows > 2_000);

    // A snapshot matches across backends too.
    let snap_schema = test_schema("hublot_omop_snap");
    let snap = config.clone().as_of(date!(2023 - 12 - 31));
    synth::generate_postgres(snap_schema.url(), snap_schema.name(), &snap).unwrap();
    let snap_path = dir.path().join("snap.sqlite");
    synth::generate_sqlite(&snap_path, &snap).unwrap();
    let pg_snap = PostgresWarehouse::connect(snap_schema.url(), snap_schema.name()).unwrap();
    let lite_snap = SqliteWarehouse::open_read_only(&snap_path).unwrap();
    let snap_sums = checksum::checksums(&pg_snap).unwrap();
    assert_eq!(snap_sums, checksum::checksums(&lite_snap).unwrap());
    assert_ne!(
        snap_sums["condition_occurrence"],
        pg_sums["condition_occurrence"]
    );

    // The generator refuses to load over existing rows.
    let err = synth::generate_postgres(schema.url(), schema.name(), &config).unwrap_err();
    assert!(matches!(err, OmopError::NotEmpty(_)), "{err}");
}

#[test]
fn query_binds_parameters_and_maps_types() {
    let schema = test_schema("hublot_omop_query");
    synth::generate_postgres(schema.url(), schema.name(), &SynthConfig::new(500, 3)).unwrap();
    let wh = PostgresWarehouse::connect(schema.url(), schema.name()).unwrap();
    assert_eq!(wh.backend(), Backend::Postgres);
    assert_eq!(wh.table("person"), format!("\"{}\".person", schema.name()));

    let sql = format!(
        "SELECT COUNT(*), MIN(visit_start_date), AVG(visit_concept_id), COUNT(DISTINCT person_id) > $3
         FROM {} WHERE visit_start_date >= $1 AND visit_concept_id = $2",
        wh.table("visit_occurrence")
    );
    let rows = wh
        .query(
            &sql,
            &[
                SqlValue::Date(date!(2024 - 01 - 01)),
                SqlValue::Int(9203),
                SqlValue::Int(0),
            ],
        )
        .unwrap();
    let count = rows[0][0].as_i64().expect("COUNT is an integer");
    assert!(count > 0);
    assert!(matches!(rows[0][1], SqlValue::Date(d) if d >= date!(2024 - 01 - 01)));
    assert_eq!(rows[0][2], SqlValue::Float(9203.0), "NUMERIC → Float");
    assert_eq!(rows[0][3], SqlValue::Int(1), "BOOL → Int");

    // The same count through SQLite-style helpers: a date given as text works too.
    let again = scalar(
        &wh,
        &format!(
            "SELECT COUNT(*) FROM {} WHERE visit_start_date >= $1 AND visit_concept_id = $2",
            wh.table("visit_occurrence")
        ),
        &[SqlValue::Text("2024-01-01".into()), SqlValue::Int(9203)],
    );
    assert_eq!(again, SqlValue::Int(count));

    // Text, NULL, NUMERIC and float parameters; TIMESTAMP and NUMERIC columns.
    let n = scalar(
        &wh,
        &format!(
            "SELECT COUNT(*) FROM {} WHERE gender_source_value = $1 AND location_id IS NOT DISTINCT FROM $2",
            wh.table("person")
        ),
        &["F".into(), SqlValue::Null],
    );
    assert!(n.as_i64().unwrap() > 100);
    let row = wh
        .query(
            &format!(
                "SELECT latitude, latitude = $1, $2::numeric * 2, $3::float8, city FROM {}",
                wh.table("location")
            ),
            &[
                SqlValue::Float(48.8566),
                SqlValue::Int(-21),
                SqlValue::Float(0.25),
            ],
        )
        .unwrap();
    assert_eq!(
        row[0],
        vec![
            SqlValue::Float(48.8566),
            SqlValue::Int(1),
            SqlValue::Float(-42.0),
            SqlValue::Float(0.25),
            SqlValue::Text("Paris".into()),
        ]
    );
    let stamp = scalar(
        &wh,
        &format!(
            "SELECT birth_datetime FROM {} WHERE birth_datetime IS NOT NULL ORDER BY person_id LIMIT 1",
            wh.table("person")
        ),
        &[],
    );
    let stamp = stamp.as_str().unwrap().to_owned();
    assert!(stamp.ends_with(" 00:00:00") && stamp.len() == 19, "{stamp}");

    // An integer too large for an int4 placeholder is refused, not truncated.
    let err = wh
        .query(
            &format!(
                "SELECT COUNT(*) FROM {} WHERE person_id = $1",
                wh.table("person")
            ),
            &[SqlValue::Int(i64::from(i32::MAX) + 1)],
        )
        .unwrap_err();
    assert!(matches!(err, OmopError::Postgres(_)), "{err}");
    let err = wh
        .query("SELECT $1::int + $2::int", &[SqlValue::Int(1)])
        .unwrap_err();
    assert!(matches!(err, OmopError::Parameter(_)), "{err}");
    let err = wh.query("SELECT '{1}'::int[]", &[]).unwrap_err();
    assert!(matches!(err, OmopError::UnsupportedType { .. }), "{err}");

    // Streaming with early stop, then the connection still works.
    let mut seen = 0;
    let err = wh
        .query_each(
            &format!(
                "SELECT person_id FROM {} ORDER BY person_id",
                wh.table("person")
            ),
            &[],
            &mut |row| {
                seen += 1;
                assert_eq!(row[0], SqlValue::Int(seen));
                if seen == 25 {
                    Err(OmopError::Aborted("enough".into()))
                } else {
                    Ok(())
                }
            },
        )
        .unwrap_err();
    assert!(matches!(err, OmopError::Aborted(_)));
    assert_eq!(
        scalar(
            &wh,
            &format!("SELECT COUNT(*) FROM {}", wh.table("person")),
            &[]
        ),
        SqlValue::Int(500)
    );
}

#[test]
fn writes_through_query_are_refused() {
    let schema = test_schema("hublot_omop_ro");
    let wh = PostgresWarehouse::create_schema(schema.url(), schema.name()).unwrap();
    let person = wh.table("person");
    // Refused before reaching the server…
    let err = wh
        .query(
            &format!(
                "INSERT INTO {person} (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id)
                 VALUES ($1, 8507, 2000, 0, 0)"
            ),
            &[SqlValue::Int(1)],
        )
        .unwrap_err();
    assert!(matches!(err, OmopError::NotReadOnly(_)), "{err}");
    // …and by the server's read-only transaction when disguised as a query.
    let err = wh
        .query(
            &format!(
                "WITH w AS (INSERT INTO {person} (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id)
                 VALUES ($1, 8507, 2000, 0, 0) RETURNING person_id) SELECT COUNT(*) FROM w"
            ),
            &[SqlValue::Int(1)],
        )
        .unwrap_err();
    assert!(matches!(err, OmopError::NotReadOnly(_)), "{err}");
    let err = wh
        .query(
            &format!(
                "SELECT set_config('transaction_read_only', 'off', false), COUNT(*) FROM {person}"
            ),
            &[],
        )
        .unwrap_err();
    assert!(
        matches!(err, OmopError::Postgres(_) | OmopError::NotReadOnly(_)),
        "{err}"
    );
    assert_eq!(
        scalar(&wh, &format!("SELECT COUNT(*) FROM {person}"), &[]),
        SqlValue::Int(0)
    );
    // The session itself is read-only.
    assert_eq!(
        scalar(&wh, "SELECT current_setting('transaction_read_only')", &[]),
        SqlValue::Text("on".into())
    );
}

#[test]
fn statement_timeout_and_reconnection() {
    let schema = test_schema("hublot_omop_timeout");
    let wh = PostgresWarehouse::create_schema(schema.url(), schema.name())
        .unwrap()
        .with_statement_timeout(Duration::from_millis(200));
    let err = wh.query("SELECT 1 FROM pg_sleep(3)", &[]).unwrap_err();
    assert!(matches!(err, OmopError::Timeout(_)), "{err}");
    assert_eq!(scalar(&wh, "SELECT 1", &[]), SqlValue::Int(1));

    // The server drops the connection: the next query reconnects transparently.
    let pid = scalar(&wh, "SELECT pg_backend_pid()", &[])
        .as_i64()
        .unwrap();
    let admin = PostgresWarehouse::connect(schema.url(), "").unwrap();
    let killed = scalar(
        &admin,
        "SELECT pg_terminate_backend($1)",
        &[SqlValue::Int(pid)],
    );
    assert_eq!(killed, SqlValue::Int(1));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(scalar(&wh, "SELECT 2", &[]), SqlValue::Int(2));
    let new_pid = scalar(&wh, "SELECT pg_backend_pid()", &[])
        .as_i64()
        .unwrap();
    assert_ne!(pid, new_pid);
    // The new session keeps the read-only setting and time limit.
    assert_eq!(
        scalar(&wh, "SELECT current_setting('statement_timeout')", &[]),
        SqlValue::Text("200ms".into())
    );
}

#[test]
fn unreachable_servers_fail_with_an_error() {
    let err = PostgresWarehouse::connect("postgres://postgres@127.0.0.1:1/test", "cdm")
        .err()
        .expect("nothing listens on port 1");
    assert!(matches!(err, OmopError::Postgres(_)), "{err}");
}
