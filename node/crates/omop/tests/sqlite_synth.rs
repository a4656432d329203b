//! Synthetic EDS in SQLite: counts, referential integrity, coding, seasons,
//! determinism, snapshots, and the read-only query API.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hublot_omop::synth::{self, SynthConfig, SynthSummary};
use hublot_omop::{Backend, OmopError, SqlValue, SqliteWarehouse, Warehouse, checksum};
use time::macros::date;

struct Eds {
    _dir: tempfile::TempDir,
    path: PathBuf,
    summary: SynthSummary,
    wh: SqliteWarehouse,
}

fn generate(config: &SynthConfig) -> Eds {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("eds.sqlite");
    let summary = synth::generate_sqlite(&path, config).unwrap();
    let wh = SqliteWarehouse::open_read_only(&path).unwrap();
    Eds {
        _dir: dir,
        path,
        summary,
        wh,
    }
}

fn scalar(wh: &dyn Warehouse, sql: &str) -> i64 {
    let rows = wh.query(sql, &[]).unwrap();
    rows[0][0]
        .as_i64()
        .unwrap_or_else(|| panic!("{sql}: {:?}", rows[0][0]))
}

fn small() -> SynthConfig {
    SynthConfig::new(3_000, 11)
}

#[test]
fn counts_match_the_summary_and_the_model() {
    let eds = generate(&small());
    let s = &eds.summary;
    assert_eq!(s.count("person"), 3_000);
    assert_eq!(s.count("observation_period"), 3_000);
    assert_eq!(s.count("care_site"), 1);
    assert_eq!(s.count("cdm_source"), 1);
    for table in [
        "person",
        "observation_period",
        "visit_occurrence",
        "condition_occurrence",
        "care_site",
        "location",
        "concept",
        "cdm_source",
        "visit_detail",
    ] {
        let n = scalar(&eds.wh, &format!("SELECT COUNT(*) FROM {table}"));
        assert_eq!(n as u64, s.count(table), "{table}");
    }
    // About 0.3 ER visits per person-year over four years, and every visit kind.
    let er = s.visits_by_concept[&9203] + s.visits_by_concept[&262];
    let per_person_year = er as f64 / 3_000.0 / 4.0;
    assert!((0.2..0.5).contains(&per_person_year), "{per_person_year}");
    assert!(s.visits_by_concept[&9201] > 100);
    assert!(s.visits_by_concept[&262] > 20);
    assert_eq!(s.visits_by_concept.len(), 3, "{:?}", s.visits_by_concept);
    // Coding completeness is the hospital's, within 85–95 %.
    let uncoded = scalar(
        &eds.wh,
        "SELECT COUNT(*) FROM visit_occurrence v WHERE v.visit_concept_id IN (9203, 262)
         AND NOT EXISTS (SELECT 1 FROM condition_occurrence c
                         WHERE c.visit_occurrence_id = v.visit_occurrence_id)",
    );
    assert_eq!(uncoded as u64, s.er_visits_uncoded);
    let completeness = 1.0 - uncoded as f64 / er as f64;
    assert!((0.84..0.97).contains(&completeness), "{completeness}");
    // Period and visit dates.
    let rows = eds
        .wh
        .query(
            "SELECT MIN(visit_start_date), MAX(visit_start_date) FROM visit_occurrence",
            &[],
        )
        .unwrap();
    assert!(rows[0][0].as_date().unwrap() >= date!(2022 - 01 - 03));
    assert!(rows[0][1].as_date().unwrap() <= date!(2025 - 12 - 28));
    assert!(rows[0][1].as_date().unwrap() >= date!(2025 - 12 - 01));
}

#[test]
fn referential_integrity_holds() {
    let eds = generate(&small());
    let wh = &eds.wh;
    let zero = |what: &str, sql: &str| assert_eq!(scalar(wh, sql), 0, "{what}");
    zero(
        "visit without person",
        "SELECT COUNT(*) FROM visit_occurrence v LEFT JOIN person p USING (person_id)
         WHERE p.person_id IS NULL",
    );
    zero(
        "condition without its visit, or on another person's visit",
        "SELECT COUNT(*) FROM condition_occurrence c
         LEFT JOIN visit_occurrence v USING (visit_occurrence_id)
         WHERE v.visit_occurrence_id IS NULL OR v.person_id <> c.person_id",
    );
    zero(
        "condition dated away from its visit",
        "SELECT COUNT(*) FROM condition_occurrence c JOIN visit_occurrence v USING (visit_occurrence_id)
         WHERE c.condition_start_date <> v.visit_start_date",
    );
    zero(
        "inpatient stay after ER not linked to an ER visit of the same person the same or previous day",
        "SELECT COUNT(*) FROM visit_occurrence s
         LEFT JOIN visit_occurrence e ON e.visit_occurrence_id = s.preceding_visit_occurrence_id
         WHERE s.preceding_visit_occurrence_id IS NOT NULL
           AND (e.visit_occurrence_id IS NULL OR e.visit_concept_id <> 9203
                OR s.visit_concept_id <> 9201 OR e.person_id <> s.person_id
                OR s.visit_start_date <> e.visit_end_date)",
    );
    zero(
        "ER visit discharged to hospital without its stay",
        "SELECT COUNT(*) FROM visit_occurrence e WHERE e.discharged_to_concept_id = 8717
         AND (SELECT COUNT(*) FROM visit_occurrence s
              WHERE s.preceding_visit_occurrence_id = e.visit_occurrence_id) <> 1",
    );
    zero(
        "visit ending before it starts",
        "SELECT COUNT(*) FROM visit_occurrence WHERE visit_end_date < visit_start_date",
    );
    zero(
        "visit before birth",
        "SELECT COUNT(*) FROM visit_occurrence v JOIN person p USING (person_id)
         WHERE CAST(strftime('%Y', v.visit_start_date) AS INTEGER) < p.year_of_birth",
    );
    zero(
        "visit outside its observation period",
        "SELECT COUNT(*) FROM visit_occurrence v JOIN observation_period o USING (person_id)
         WHERE v.visit_start_date < o.observation_period_start_date
            OR v.visit_end_date > o.observation_period_end_date",
    );
    zero(
        "concept id used but absent from the vocabulary subset",
        "SELECT COUNT(*) FROM (
            SELECT gender_concept_id AS id FROM person
            UNION SELECT visit_concept_id FROM visit_occurrence
            UNION SELECT condition_concept_id FROM condition_occurrence
            UNION SELECT condition_status_concept_id FROM condition_occurrence
         ) u LEFT JOIN concept c ON c.concept_id = u.id WHERE c.concept_id IS NULL",
    );
    // Both admission encodings exist, and scheduled stays without ER too.
    assert!(
        scalar(
            wh,
            "SELECT COUNT(*) FROM visit_occurrence WHERE preceding_visit_occurrence_id IS NOT NULL"
        ) > 50
    );
    assert!(
        scalar(
            wh,
            "SELECT COUNT(*) FROM visit_occurrence WHERE visit_concept_id = 9201 AND preceding_visit_occurrence_id IS NULL"
        ) > 50
    );
    // Sexes and partial birth dates.
    assert!(
        scalar(
            wh,
            "SELECT COUNT(*) FROM person WHERE gender_concept_id NOT IN (8507, 8532)"
        ) == 0
    );
    let males = scalar(
        wh,
        "SELECT COUNT(*) FROM person WHERE gender_concept_id = 8507",
    );
    assert!((1_300..1_700).contains(&males), "{males}");
    assert!(
        scalar(
            wh,
            "SELECT COUNT(*) FROM person WHERE month_of_birth IS NULL"
        ) > 100
    );
    assert!(
        scalar(
            wh,
            "SELECT COUNT(*) FROM person WHERE birth_datetime IS NULL AND day_of_birth IS NOT NULL"
        ) > 100
    );
    assert!(
        scalar(
            wh,
            "SELECT COUNT(*) FROM person WHERE birth_datetime IS NOT NULL"
        ) > 2_000
    );
}

#[test]
fn icd10_codes_come_in_both_spellings() {
    let eds = generate(&small());
    let count = |pattern: &str| {
        scalar(
            &eds.wh,
            &format!(
                "SELECT COUNT(*) FROM condition_occurrence WHERE condition_source_value GLOB '{pattern}'"
            ),
        )
    };
    for (dotted, plain) in [
        ("J1[01].*", "J1[01][0-9]*"),
        ("U07.1*", "U071*"),
        ("J21.*", "J21[0-9]*"),
        ("J18.*", "J18[0-9]*"),
        ("S52.5*", "S525*"),
        ("R10.4*", "R104*"),
    ] {
        assert!(count(dotted) > 0, "{dotted}");
        assert!(count(plain) > 0, "{plain}");
    }
    for code in ["J10.1", "J101", "U07.1", "U071", "J21.0", "I21.9"] {
        assert!(count(&format!("{code}*")) > 0, "{code}");
    }
    // RSV codes and French COVID-19 extensions, in either spelling.
    for family in [
        "J12.1*",
        "J121*",
        "B97.4*",
        "B974*",
        "U07.1[0-5]*",
        "U071[0-5]*",
    ] {
        assert!(count(family) > 0, "{family}");
    }
    // Messy spellings exist but stay rare.
    let total = scalar(&eds.wh, "SELECT COUNT(*) FROM condition_occurrence");
    let lower = count("*[a-z]*");
    let spaced = count("* ");
    assert!(lower > 0 && spaced > 0 && (lower + spaced) * 50 < total);
    // Both concept 0 and mapped concepts (this hospital maps codes).
    assert!(eds.summary.profile.maps_condition_concepts);
    assert!(
        scalar(
            &eds.wh,
            "SELECT COUNT(*) FROM condition_occurrence WHERE condition_concept_id = 0"
        ) > 0
    );
    assert!(
        scalar(
            &eds.wh,
            "SELECT COUNT(*) FROM condition_occurrence WHERE condition_concept_id = 4266367"
        ) > 0
    );
}

#[test]
fn bronchiolitis_peaks_in_winter_in_infants() {
    // Infants are ~2 % of persons: a larger population gives enough cases.
    let eds = generate(&SynthConfig::new(10_000, 11));
    // ER visits with a J21 code: month of the visit, age in years at the visit.
    let rows = eds
        .wh
        .query(
            "SELECT DISTINCT v.visit_occurrence_id,
                    CAST(strftime('%m', v.visit_start_date) AS INTEGER),
                    CAST(strftime('%Y', v.visit_start_date) AS INTEGER) - p.year_of_birth
             FROM visit_occurrence v
             JOIN condition_occurrence c USING (visit_occurrence_id)
             JOIN person p ON p.person_id = v.person_id
             WHERE v.visit_concept_id IN (?1, ?2)
               AND upper(replace(trim(c.condition_source_value), '.', '')) LIKE 'J21%'",
            &[SqlValue::Int(9203), SqlValue::Int(262)],
        )
        .unwrap();
    assert!(rows.len() >= 40, "only {} bronchiolitis visits", rows.len());
    let month = |r: &Vec<SqlValue>| r[1].as_i64().unwrap();
    let peak = rows
        .iter()
        .filter(|r| [11, 12, 1].contains(&month(r)))
        .count();
    let rest = rows.len() - peak;
    // Per month, Nov–Jan must be several times the rest of the year.
    assert!(
        peak as f64 / 3.0 > 4.0 * rest as f64 / 9.0,
        "Nov–Jan {peak}, other months {rest}"
    );
    let summer = rows.iter().filter(|r| (5..=9).contains(&month(r))).count();
    assert!(summer * 10 <= rows.len(), "{summer} summer visits");
    // Infants: year difference ≤ 2 covers every child under 2.
    let infants = rows.iter().filter(|r| r[2].as_i64().unwrap() <= 2).count();
    assert!(
        infants * 10 >= rows.len() * 9,
        "{infants} of {}",
        rows.len()
    );
}

#[test]
fn pneumonia_is_more_frequent_in_the_elderly_and_influenza_in_winter() {
    let eds = generate(&small());
    let by_age = eds
        .wh
        .query(
            "SELECT SUM(age >= 65), SUM(age BETWEEN 15 AND 64) FROM (
               SELECT DISTINCT v.visit_occurrence_id,
                      CAST(strftime('%Y', v.visit_start_date) AS INTEGER) - p.year_of_birth AS age
               FROM visit_occurrence v JOIN condition_occurrence c USING (visit_occurrence_id)
               JOIN person p ON p.person_id = v.person_id
               WHERE v.visit_concept_id IN (9203, 262)
                 AND substr(upper(replace(c.condition_source_value, '.', '')), 1, 3)
                     IN ('J12', 'J13', 'J14', 'J15', 'J16', 'J17', 'J18'))",
            &[],
        )
        .unwrap();
    let (old, adults) = (
        by_age[0][0].as_i64().unwrap(),
        by_age[0][1].as_i64().unwrap(),
    );
    let old_persons = scalar(
        &eds.wh,
        "SELECT COUNT(*) FROM person WHERE 2024 - year_of_birth >= 65",
    );
    let adult_persons = scalar(
        &eds.wh,
        "SELECT COUNT(*) FROM person WHERE 2024 - year_of_birth BETWEEN 15 AND 64",
    );
    let old_rate = old as f64 / old_persons as f64;
    let adult_rate = adults as f64 / adult_persons as f64;
    assert!(
        old_rate > 2.0 * adult_rate,
        "65+ {old_rate}, 15-64 {adult_rate}"
    );

    let flu = eds
        .wh
        .query(
            "SELECT SUM(m IN (12, 1, 2, 3)), SUM(m IN (6, 7, 8, 9)) FROM (
               SELECT DISTINCT v.visit_occurrence_id,
                      CAST(strftime('%m', v.visit_start_date) AS INTEGER) AS m
               FROM visit_occurrence v JOIN condition_occurrence c USING (visit_occurrence_id)
               WHERE substr(upper(replace(c.condition_source_value, '.', '')), 1, 3)
                     IN ('J09', 'J10', 'J11'))",
            &[],
        )
        .unwrap();
    let (winter, summer) = (flu[0][0].as_i64().unwrap(), flu[0][1].as_i64().unwrap());
    assert!(
        winter > 5 * summer.max(1),
        "winter {winter}, summer {summer}"
    );
}

fn checksums(path: &Path) -> BTreeMap<&'static str, checksum::TableChecksum> {
    checksum::checksums(&SqliteWarehouse::open_read_only(path).unwrap()).unwrap()
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = generate(&SynthConfig::new(1_500, 5));
    let b = generate(&SynthConfig::new(1_500, 5));
    let c = generate(&SynthConfig::new(1_500, 6));
    let (sa, sb, sc) = (checksums(&a.path), checksums(&b.path), checksums(&c.path));
    assert_eq!(sa, sb);
    assert_eq!(sa.len(), hublot_omop::schema::TABLES.len());
    for table in [
        "person",
        "observation_period",
        "visit_occurrence",
        "condition_occurrence",
    ] {
        assert_ne!(sa[table].sha256, sc[table].sha256, "{table}");
    }
    // The summary is deterministic too (apart from timing).
    assert_eq!(a.summary.rows, b.summary.rows);
    assert_ne!(a.summary.profile, c.summary.profile);
}

#[test]
fn snapshots_differ_by_late_records_only() {
    let full_config = SynthConfig::new(3_000, 21);
    let as_of = date!(2024 - 03 - 03);
    let full = generate(&full_config);
    let snap = generate(&full_config.clone().as_of(as_of));

    let load = |wh: &SqliteWarehouse, sql: &str| -> BTreeMap<i64, Vec<SqlValue>> {
        wh.query(sql, &[])
            .unwrap()
            .into_iter()
            .map(|r| (r[0].as_i64().unwrap(), r))
            .collect()
    };
    let conditions = "SELECT * FROM condition_occurrence";
    let (cf, cs) = (load(&full.wh, conditions), load(&snap.wh, conditions));
    // Every snapshot condition is in the full data, identical.
    for (id, row) in &cs {
        assert_eq!(cf.get(id), Some(row), "condition {id}");
    }
    // The full data holds conditions of visits before the snapshot date that were
    // recorded after it: those are the revisions.
    let visits_f = load(
        &full.wh,
        "SELECT visit_occurrence_id, visit_start_date FROM visit_occurrence",
    );
    let late: Vec<_> = cf
        .iter()
        .filter(|(id, row)| !cs.contains_key(id) && row[3].as_date().unwrap() <= as_of)
        .collect();
    assert!(late.len() > 20, "{} late conditions", late.len());
    // Late records concentrate on the last weeks before the snapshot.
    let recent = late
        .iter()
        .filter(|(_, row)| row[3].as_date().unwrap() > as_of - time::Duration::weeks(8))
        .count();
    assert!(recent * 2 > late.len(), "{recent} of {}", late.len());

    // Visits: same ids; none after the snapshot date; open stays end on it.
    let visits = "SELECT visit_occurrence_id, visit_start_date, visit_end_date, visit_concept_id FROM visit_occurrence";
    let (vf, vs) = (load(&full.wh, visits), load(&snap.wh, visits));
    assert!(vs.len() < vf.len());
    for (id, row) in &vs {
        let start = row[1].as_date().unwrap();
        assert!(start <= as_of);
        assert!(row[2].as_date().unwrap() <= as_of);
        assert_eq!(vf[id][1], row[1], "visit {id}");
        assert_eq!(vf[id][3], row[3], "visit {id}");
    }
    for (id, row) in &visits_f {
        if row[1].as_date().unwrap() <= as_of {
            assert!(vs.contains_key(id), "visit {id} missing from the snapshot");
        }
    }
    // Persons born after the snapshot date are not there yet.
    assert!(snap.summary.count("person") < 3_000);
    assert!(snap.summary.count("person") > 2_800);
    assert_eq!(snap.summary.as_of, Some(as_of));
}

#[test]
fn query_api_binds_parameters_and_maps_types() {
    let eds = generate(&SynthConfig::new(500, 3));
    let wh = &eds.wh;
    assert_eq!(wh.backend(), Backend::Sqlite);
    assert_eq!(wh.table("person"), "person");
    let rows = wh
        .query(
            "SELECT COUNT(*), MIN(visit_start_date), AVG(visit_concept_id) FROM visit_occurrence
             WHERE visit_start_date >= ?1 AND visit_concept_id = ?2",
            &[SqlValue::Date(date!(2024 - 01 - 01)), SqlValue::Int(9203)],
        )
        .unwrap();
    assert!(rows[0][0].as_i64().unwrap() > 0);
    // A computed date comes back as text; as_date() reads it.
    assert!(matches!(rows[0][1], SqlValue::Text(_)));
    assert!(rows[0][1].as_date().unwrap() >= date!(2024 - 01 - 01));
    assert_eq!(rows[0][2], SqlValue::Float(9203.0));
    // Declared DATE columns come back as dates, REAL as floats, TIMESTAMP as text.
    let rows = wh
        .query(
            "SELECT observation_period_start_date, latitude, care_site_name
             FROM observation_period, location, care_site WHERE person_id = ?1",
            &[SqlValue::Int(1)],
        )
        .unwrap();
    assert!(matches!(rows[0][0], SqlValue::Date(_)));
    assert_eq!(rows[0][1], SqlValue::Float(48.8566));
    assert_eq!(
        rows[0][2],
        SqlValue::Text("Centre hospitalier synthétique".into())
    );
    let stamp = wh
        .query(
            "SELECT birth_datetime FROM person WHERE birth_datetime IS NOT NULL LIMIT 1",
            &[],
        )
        .unwrap();
    let stamp = stamp[0][0].as_str().unwrap().to_owned();
    assert!(stamp.ends_with(" 00:00:00") && stamp.len() == 19, "{stamp}");
    // Text parameters and NULL.
    let n = wh
        .query(
            "SELECT COUNT(*) FROM person WHERE gender_source_value = ?1 AND location_id IS ?2",
            &["F".into(), SqlValue::Null],
        )
        .unwrap();
    assert!(n[0][0].as_i64().unwrap() > 100);
    // Streaming, and a callback that stops the scan.
    let mut seen = 0;
    let err = wh
        .query_each("SELECT person_id FROM person", &[], &mut |_| {
            seen += 1;
            if seen == 10 {
                Err(OmopError::Aborted("enough".into()))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
    assert!(matches!(err, OmopError::Aborted(_)));
    assert_eq!(seen, 10);
    // Parameter count is checked.
    let err = wh.query("SELECT ?1 + ?2", &[SqlValue::Int(1)]).unwrap_err();
    assert!(matches!(err, OmopError::Parameter(_)), "{err}");
}

#[test]
fn sqlite_warehouse_is_read_only_and_time_limited() {
    let eds = generate(&SynthConfig::new(200, 3));
    for wh in [
        SqliteWarehouse::open(&eds.path).unwrap(),
        SqliteWarehouse::open_read_only(&eds.path).unwrap(),
    ] {
        for sql in [
            "INSERT INTO person (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id) VALUES (999999, 8507, 2000, 0, 0)",
            "DELETE FROM person",
            "PRAGMA query_only = 0",
            "ATTACH DATABASE ':memory:' AS other",
        ] {
            let err = wh.query(sql, &[]).unwrap_err();
            assert!(matches!(err, OmopError::NotReadOnly(_)), "{sql}: {err}");
        }
        assert_eq!(scalar(&wh, "SELECT COUNT(*) FROM person"), 200);
    }
    let slow = SqliteWarehouse::open_read_only(&eds.path)
        .unwrap()
        .with_statement_timeout(Duration::from_millis(50));
    let err = slow
        .query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT MAX(i) FROM n",
            &[],
        )
        .unwrap_err();
    assert!(matches!(err, OmopError::Timeout(_)), "{err}");
    // The connection is usable again afterwards.
    assert_eq!(scalar(&slow, "SELECT COUNT(*) FROM person"), 200);
}

#[test]
fn create_makes_tables_and_the_generator_refuses_to_mix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    let wh = SqliteWarehouse::create(&path).unwrap();
    assert_eq!(scalar(&wh, "SELECT COUNT(*) FROM visit_occurrence"), 0);
    let indexes = scalar(
        &wh,
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'",
    );
    assert_eq!(indexes as usize, hublot_omop::schema::INDEXES.len());
    drop(wh);
    synth::generate_sqlite(&path, &SynthConfig::new(50, 1)).unwrap();
    let err = synth::generate_sqlite(&path, &SynthConfig::new(50, 1)).unwrap_err();
    assert!(matches!(err, OmopError::NotEmpty(_)), "{err}");
    // Still indexed and in WAL mode after the bulk load.
    let wh = SqliteWarehouse::open(&path).unwrap();
    let indexes = scalar(
        &wh,
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'",
    );
    assert_eq!(indexes as usize, hublot_omop::schema::INDEXES.len());
    let mode = wh.query("PRAGMA journal_mode", &[]);
    assert!(mode.is_err(), "PRAGMA is not a query");
    assert!(SqliteWarehouse::open(dir.path().join("missing.sqlite")).is_err());
}

#[test]
fn hospitals_differ_by_seed_and_size() {
    let hospitals = synth::demo_hospitals(1_000);
    assert_eq!(hospitals.len(), 3);
    let mut summaries = Vec::new();
    for config in &hospitals {
        let eds = generate(config);
        let rows = eds
            .wh
            .query("SELECT care_site_name, care_site_id FROM care_site", &[])
            .unwrap();
        assert_eq!(rows[0][0].as_str(), Some(config.care_site_name.as_str()));
        assert_eq!(rows[0][1].as_i64(), Some(config.care_site_id));
        let abbr = eds
            .wh
            .query(
                "SELECT cdm_source_abbreviation, cdm_version FROM cdm_source",
                &[],
            )
            .unwrap();
        assert_eq!(
            abbr[0][0].as_str(),
            Some(config.cdm_source_abbreviation.as_str())
        );
        assert_eq!(abbr[0][1].as_str(), Some("v5.4"));
        summaries.push(eds.summary);
    }
    assert!(summaries[0].count("person") > summaries[1].count("person"));
    assert!(summaries[1].count("person") > summaries[2].count("person"));
    assert_ne!(summaries[0].profile, summaries[1].profile);
}

#[test]
fn generate_rows_gives_the_same_rows_as_the_database() {
    let config = SynthConfig::new(300, 9);
    let eds = generate(&config);
    let mut from_callback: BTreeMap<&str, Vec<Vec<SqlValue>>> = BTreeMap::new();
    let summary = synth::generate_rows(&config, &mut |table, row| {
        from_callback.entry(table).or_default().push(row.to_vec());
        Ok(())
    })
    .unwrap();
    assert_eq!(summary.rows, eds.summary.rows);
    for table in [
        "person",
        "visit_occurrence",
        "condition_occurrence",
        "location",
    ] {
        let def = hublot_omop::schema::table_def(table).unwrap();
        let sql = format!(
            "SELECT {} FROM {table} ORDER BY {}",
            def.column_names().join(", "),
            def.primary_key.unwrap()
        );
        assert_eq!(
            eds.wh.query(&sql, &[]).unwrap(),
            from_callback[table],
            "{table}"
        );
    }
}

#[test]
fn invalid_configurations_are_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.sqlite");
    let mut config = SynthConfig::new(10, 1);
    config.end = date!(2021 - 01 - 01);
    assert!(matches!(
        synth::generate_sqlite(&path, &config),
        Err(OmopError::Config(_))
    ));
    let mut config = SynthConfig::new(10, 1);
    config.cdm_source_abbreviation = "x".repeat(26);
    assert!(matches!(config.validate(), Err(OmopError::Config(_))));
    assert!(!path.exists());
}
