//! The engine on real SQLite and PostgreSQL: ISO weeks, the other breakdowns and
//! aggregates, and hostile strings kept as parameters at run time.

mod common;

use hublot_omop::{SqlValue, Warehouse};
use hublot_query::{
    Dialect, IsoWeek, ParamType, PostgresDialect, RawTable, RawValue, RunParams, SqliteDialect,
    run, validate,
};
use serde_json::json;
use time::macros::date;
use time::{Date, Duration, Month};

/// The dialect's ISO week of each date, computed by the database.
fn iso_weeks(w: &dyn Warehouse, d: &dyn Dialect, dates: &[Date]) -> Vec<String> {
    let mut sql = String::from("WITH t(i, d) AS (VALUES ");
    let mut params = Vec::new();
    for (i, date) in dates.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        params.push(SqlValue::Int(i64::try_from(i).unwrap()));
        let index = d.param(params.len(), ParamType::Int);
        params.push(SqlValue::Date(*date));
        let day = d.param(params.len(), ParamType::Date);
        sql.push_str(&format!("({index}, {day})"));
    }
    sql.push_str(&format!(") SELECT {} FROM t ORDER BY i", d.iso_week("t.d")));
    w.query(&sql, &params)
        .unwrap_or_else(|e| panic!("{}: {e}\n{sql}", d.name()))
        .into_iter()
        .map(|row| match &row[0] {
            SqlValue::Text(s) => s.clone(),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn iso_weeks_agree_on_sqlite_and_postgres() {
    // Every day from 20 December to 8 January of 1999/2000 … 2031/2032, and leap days.
    let mut dates = Vec::new();
    for year in 1999..=2031 {
        let start = Date::from_calendar_date(year, Month::December, 20).unwrap();
        dates.extend((0..20).map(|k| start + Duration::days(k)));
    }
    dates.extend([
        date!(2024 - 02 - 29),
        date!(2020 - 02 - 29),
        date!(2025 - 06 - 30),
    ]);
    let expected: Vec<String> = dates.iter().map(|d| IsoWeek::of(*d).to_string()).collect();
    // Spot checks of the reference itself.
    let at = |d: Date| expected[dates.iter().position(|x| *x == d).unwrap()].as_str();
    assert_eq!(at(date!(2024 - 12 - 30)), "2025-W01");
    assert_eq!(at(date!(2021 - 01 - 03)), "2020-W53");
    assert_eq!(at(date!(2027 - 01 - 01)), "2026-W53");
    assert_eq!(at(date!(2008 - 12 - 29)), "2009-W01");
    assert_eq!(at(date!(2010 - 01 - 03)), "2009-W53");

    let sqlite = common::sqlite_with(&|_| Vec::new());
    let lite = iso_weeks(&sqlite.warehouse, &SqliteDialect, &dates);
    let pg = common::postgres_with("query_iso_week", &|_| Vec::new());
    let post = iso_weeks(&pg.warehouse, &PostgresDialect, &dates);
    for (i, d) in dates.iter().enumerate() {
        assert_eq!(lite[i], expected[i], "SQLite, {d}");
        assert_eq!(post[i], expected[i], "PostgreSQL, {d}");
    }
}

fn other_measures_spec() -> hublot_query::Spec {
    validate(&json!({
        "format": "hublot-aggregate-spec/1",
        "name": "misc",
        "filters": { "visit_concept_ids": [9203, 262] },
        "breakdowns": [
            { "kind": "iso_week", "key": "week", "margin": true },
            { "kind": "sex", "key": "sex", "margin": true },
            { "kind": "care_site", "key": "site", "margin": true },
            { "kind": "syndrome", "key": "syndrome", "margin": true, "groups": [
                { "name": "bronchiolitis", "icd10_prefixes": ["J21"] },
                { "name": "rsv", "icd10_prefixes": ["J21.0", "B97.4"] }
            ] }
        ],
        "measures": [
            { "name": "persons", "aggregate": "count_persons", "by": ["sex"] },
            { "name": "infants", "aggregate": "count_visits", "by": ["syndrome"] },
            { "name": "visits", "aggregate": "count_visits", "by": ["week", "site"] },
            { "name": "mean_yob", "aggregate": "mean", "column": "person.year_of_birth", "by": ["sex"] },
            { "name": "sum_yob", "aggregate": "sum", "column": "person.year_of_birth", "by": [] },
            { "name": "last_end", "aggregate": "max", "column": "visit_occurrence.visit_end_date", "by": ["site"] },
            { "name": "adult_flu", "aggregate": "count_visits", "by": [],
              "filters": { "age": { "min": 15 }, "icd10_prefixes": ["j10", "J1.1"] } },
            { "name": "female_site1", "aggregate": "count_visits", "by": [],
              "filters": { "gender_concept_ids": [8532], "care_site_ids": [1] } },
            { "name": "mid_week", "aggregate": "count_visits", "by": [],
              "filters": { "visit_start_date": { "from": "2025-01-14", "to": "2025-01-15" } } },
            { "name": "uncoded", "aggregate": "count_visits", "by": [],
              "filters": { "has_coded_condition": false } },
            { "name": "with_concept_0", "aggregate": "count_visits", "by": [],
              "filters": { "condition_concept_ids": [0] } }
        ]
    }))
    .expect("valid spec")
}

fn check_other_measures(t: &RawTable) {
    let count = |m: &str, keys: &[(&str, &str)]| {
        t.count(m, keys)
            .unwrap_or_else(|| panic!("no {m} {keys:?}"))
    };
    assert_eq!(count("persons", &[("sex", "female")]), 5);
    assert_eq!(count("persons", &[("sex", "male")]), 5);
    assert_eq!(count("persons", &[("sex", "other")]), 0);
    assert_eq!(count("persons", &[("sex", "all")]), 10);
    // Overlapping groups: the `all` margin counts visit 101 (J21.0, in both) once.
    assert_eq!(count("infants", &[("syndrome", "bronchiolitis")]), 2);
    assert_eq!(count("infants", &[("syndrome", "rsv")]), 1);
    assert_eq!(count("infants", &[("syndrome", "all")]), 2);
    let visits = |w: &str, s: &str| count("visits", &[("week", w), ("site", s)]);
    assert_eq!(visits("2025-W03", "1"), 3);
    assert_eq!(visits("2025-W03", "2"), 2);
    assert_eq!(visits("2025-W03", "unknown"), 5);
    assert_eq!(visits("2025-W03", "all"), 10);
    assert_eq!(visits("2025-W04", "1"), 0);
    assert_eq!(visits("2025-W04", "unknown"), 1);
    assert_eq!(visits("all", "unknown"), 6);
    assert_eq!(visits("all", "all"), 11);
    assert_eq!(t.cells.iter().filter(|c| c.measure == "visits").count(), 12);
    let dims: Vec<(&str, Vec<&str>, Option<&str>, bool)> = t
        .dimensions
        .iter()
        .map(|d| {
            (
                d.key.as_str(),
                d.values.iter().map(String::as_str).collect(),
                d.margin.as_deref(),
                d.additive,
            )
        })
        .collect();
    assert_eq!(
        dims,
        [
            ("week", vec!["2025-W03", "2025-W04"], Some("all"), true),
            ("sex", vec!["male", "female", "other"], Some("all"), true),
            ("site", vec!["1", "2", "unknown"], Some("all"), true),
            ("syndrome", vec!["bronchiolitis", "rsv"], Some("all"), false),
        ]
    );

    let female = t.cell("mean_yob", &[("sex", "female")]).unwrap();
    assert_eq!(female.value, RawValue::Number(9944.0 / 5.0));
    assert_eq!(female.visits, 5);
    assert_eq!(female.top_contributions, [2024.0, 1995.0]);
    let male = t.cell("mean_yob", &[("sex", "male")]).unwrap();
    assert_eq!(male.value, RawValue::Number(11979.0 / 6.0));
    // Person 9 has two visits: one contribution of 2 × 2023.
    assert_eq!(male.top_contributions, [4046.0, 2014.0]);
    assert!(
        t.cell("mean_yob", &[("sex", "other")]).is_none(),
        "means are not zero-filled"
    );
    assert_eq!(
        t.cell("mean_yob", &[("sex", "all")]).unwrap().value,
        RawValue::Number(1993.0)
    );
    let sum = t.cell("sum_yob", &[]).unwrap();
    assert_eq!(sum.value, RawValue::Number(21923.0));
    assert_eq!(sum.population.len(), 10);

    let last = |s: &str| t.cell("last_end", &[("site", s)]).unwrap().value.clone();
    assert_eq!(last("1"), RawValue::Date(date!(2025 - 01 - 16)));
    assert_eq!(last("2"), RawValue::Date(date!(2025 - 01 - 17)));
    assert_eq!(last("unknown"), RawValue::Date(date!(2025 - 01 - 20)));
    assert_eq!(last("all"), RawValue::Date(date!(2025 - 01 - 20)));

    assert_eq!(count("adult_flu", &[]), 1);
    assert_eq!(count("female_site1", &[]), 2);
    assert_eq!(count("mid_week", &[]), 4);
    assert_eq!(count("uncoded", &[]), 2);
    assert_eq!(count("with_concept_0", &[]), 10);
}

#[test]
fn other_breakdowns_and_aggregates_on_sqlite_and_postgres() {
    let spec = other_measures_spec();
    let params = RunParams::weeks("2025-W03".parse().unwrap(), "2025-W04".parse().unwrap());
    let sqlite = common::sqlite_fixture();
    let lite = run(&spec, &sqlite.warehouse, &params).expect("SQLite");
    check_other_measures(&lite);
    let pg = common::postgres_fixture("query_other_measures");
    let post = run(&spec, &pg.warehouse, &params).expect("PostgreSQL");
    check_other_measures(&post);
    assert_eq!(lite, post);
}

#[test]
fn hostile_strings_stay_parameters_at_run_time() {
    let group = "x'); DROP TABLE person; --";
    let label = "0-150'; DELETE FROM visit_occurrence; --";
    let spec = validate(&json!({
        "format": "hublot-aggregate-spec/1",
        "name": "hostile",
        "filters": { "visit_concept_ids": [9203, 262] },
        "breakdowns": [
            { "kind": "age_band", "key": "age", "bands": [{ "label": label, "min": 0, "max": 150 }] },
            { "kind": "syndrome", "key": "syndrome", "groups": [
                { "name": group, "icd10_prefixes": ["U07' OR '1'='1", "J10"] },
                { "name": "quote", "icd10_prefixes": ["' OR 1=1 --"] },
                { "name": "wildcard", "icd10_prefixes": ["%", "_"] }
            ] }
        ],
        "measures": [
            { "name": "visits", "aggregate": "count_visits" },
            { "name": "tricky", "aggregate": "count_visits", "by": [],
              "filters": { "icd10_prefixes": ["J' OR 'x'='x"] } }
        ]
    }))
    .expect("valid spec");
    let params = RunParams::weeks("2025-W03".parse().unwrap(), "2025-W03".parse().unwrap());
    let sqlite = common::sqlite_fixture();
    let pg = common::postgres_fixture("query_hostile");
    for (name, warehouse) in [
        ("SQLite", &sqlite.warehouse as &dyn Warehouse),
        ("PostgreSQL", &pg.warehouse),
    ] {
        let t = run(&spec, warehouse, &params).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The hostile group matched only its J10 prefix (person 5's influenza visit).
        let cell = t
            .cell("visits", &[("age", label), ("syndrome", group)])
            .unwrap_or_else(|| panic!("{name}: keys came back altered"));
        assert_eq!(cell.value, RawValue::Count(1), "{name}");
        assert_eq!(
            t.count("visits", &[("age", label), ("syndrome", "quote")]),
            Some(0),
            "{name}"
        );
        // LIKE wildcards are plain characters.
        assert_eq!(
            t.count("visits", &[("age", label), ("syndrome", "wildcard")]),
            Some(0),
            "{name}"
        );
        assert_eq!(t.count("tricky", &[]), Some(0), "{name}");
        // Nothing was dropped or deleted.
        for table in ["person", "visit_occurrence"] {
            let rows = warehouse
                .query(
                    &format!("SELECT COUNT(*) FROM {}", warehouse.table(table)),
                    &[],
                )
                .unwrap();
            assert_eq!(
                rows[0][0],
                SqlValue::Int(if table == "person" { 12 } else { 15 }),
                "{name} {table}"
            );
        }
    }
}
