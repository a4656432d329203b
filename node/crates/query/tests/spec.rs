//! Spec format: schema errors with pointers, semantic errors, allow-list refusals, canonical
//! ids, and that user values never reach the SQL text.

use hublot_query::{
    PostgresDialect, SpecError, SqliteDialect, compile, indicators, parse, spec_id, validate,
};
use serde_json::{Value, json};
use time::macros::date;

fn minimal() -> Value {
    json!({
        "format": "hublot-aggregate-spec/1",
        "name": "er-by-week",
        "filters": { "visit_concept_ids": [9203, 262] },
        "breakdowns": [{ "kind": "iso_week", "key": "week" }],
        "measures": [{ "name": "visits", "aggregate": "count_visits" }]
    })
}

fn errors(value: &Value) -> Vec<SpecError> {
    match validate(value) {
        Ok(spec) => panic!("expected errors, got a valid spec {}", spec.id()),
        Err(errors) => errors,
    }
}

fn has(errors: &[SpecError], pointer: &str, fragment: &str) -> bool {
    errors
        .iter()
        .any(|e| e.pointer == pointer && e.message.contains(fragment))
}

#[test]
fn minimal_spec_is_valid() {
    let spec = validate(&minimal()).expect("valid");
    assert_eq!(spec.name(), "er-by-week");
    assert!(spec.id().starts_with("sha256:"));
    assert_eq!(spec.id().len(), "sha256:".len() + 64);
}

#[test]
fn shipped_schema_and_indicator_are_valid() {
    let schema: Value = serde_json::from_str(hublot_query::SCHEMA_JSON).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let ari = indicators::ari_weekly();
    assert_eq!(ari.name(), "ari-weekly");
    let measures: Vec<&str> = ari
        .model()
        .measures
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(
        measures,
        [
            "er_visits",
            "er_visits_coded",
            "hospitalisations",
            "er_visits_total",
            "er_visits_coded_total",
            "data_freshness"
        ]
    );
    let ratios: Vec<(&str, &str, &str)> = ari
        .model()
        .ratios
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.numerator.as_str(),
                r.denominator.as_str(),
            )
        })
        .collect();
    assert_eq!(
        ratios,
        [
            ("share", "er_visits", "er_visits_coded"),
            (
                "coding_completeness",
                "er_visits_coded_total",
                "er_visits_total"
            )
        ]
    );
}

#[test]
fn schema_errors_are_all_reported_with_pointers() {
    let bad = json!({
        "format": "hublot-aggregate-spec/1",
        "name": "Not An Identifier",
        "unexpected": 1,
        "filters": { "visit_concept_ids": ["9203"], "age": { "min": -1 } },
        "breakdowns": [
            { "kind": "age_band", "key": "age", "bands": [{ "label": "0-1", "min": 0, "max": 1, "extra": true }] },
            { "kind": "planet", "key": "p" }
        ],
        "measures": [
            { "name": "visits", "aggregate": "median" },
            { "aggregate": "count_visits" }
        ]
    });
    let errors = errors(&bad);
    let expected = [
        ("/name", "does not match"),
        ("", "unexpected"),
        ("/filters/visit_concept_ids/0", "not of type"),
        ("/filters/age/min", "minimum"),
        ("/breakdowns/0/bands/0", "extra"),
        ("/breakdowns/1/kind", "planet"),
        ("/measures/0/aggregate", "median"),
        ("/measures/1", "name"),
    ];
    for (pointer, fragment) in expected {
        assert!(
            has(&errors, pointer, fragment),
            "missing error at {pointer:?} mentioning {fragment:?}; got {errors:#?}"
        );
    }
}

#[test]
fn semantic_errors_are_all_reported_with_pointers() {
    let bad = json!({
        "format": "hublot-aggregate-spec/1",
        "name": "bad",
        "filters": { "visit_start_date": { "from": "2025-02-30", "to": "2025-01-01" } },
        "breakdowns": [
            { "kind": "iso_week", "key": "week" },
            { "kind": "age_band", "key": "age", "bands": [
                { "label": "young", "min": 0, "max": 20 },
                { "label": "all", "min": 10, "max": 5 }
            ] },
            { "kind": "syndrome", "key": "syndrome", "groups": [
                { "name": "flu", "icd10_prefixes": ["J10", " . "], "only_with": { "age": ["old"] } }
            ] }
        ],
        "measures": [
            { "name": "visits", "aggregate": "count_visits", "by": ["week", "nope"] },
            { "name": "visits", "aggregate": "sum" },
            { "name": "stay", "aggregate": "mean", "column": "visit_occurrence.visit_source_value" },
            { "name": "coded", "aggregate": "count_visits", "by": ["week"], "repeat_over": ["week"] }
        ],
        "ratios": [
            { "name": "r", "numerator": "visits", "denominator": "missing" }
        ]
    });
    let errors = errors(&bad);
    let expected = [
        ("/filters/visit_start_date/from", "not a valid date"),
        ("/breakdowns/1/bands/1/label", "reserved"),
        ("/breakdowns/1/bands/1/max", "below min"),
        ("/breakdowns/1/bands/1", "overlaps"),
        ("/breakdowns/2/groups/0/icd10_prefixes/1", "empty"),
        ("/breakdowns/2/groups/0/only_with/age/0", "\"old\""),
        ("/measures/0/by/1", "no breakdown"),
        ("/measures/1/name", "used twice"),
        ("/measures/1", "needs a column"),
        ("/measures/2/column", "needs a number"),
        ("/measures/3/repeat_over/0", "iso_week"),
        ("/ratios/0/denominator", "no measure"),
    ];
    for (pointer, fragment) in expected {
        assert!(
            has(&errors, pointer, fragment),
            "missing error at {pointer:?} mentioning {fragment:?}; got {errors:#?}"
        );
    }
}

#[test]
fn columns_off_the_allow_list_are_refused_with_the_reason() {
    let mut spec = minimal();
    spec["measures"] = json!([
        { "name": "ok", "aggregate": "max", "column": "visit_occurrence.visit_end_date" },
        { "name": "who", "aggregate": "max", "column": "person.person_source_value" },
        { "name": "doctor", "aggregate": "sum", "column": "visit_occurrence.provider_id" },
        { "name": "where", "aggregate": "sum", "column": "location.latitude" }
    ]);
    let errors = errors(&spec);
    assert!(
        has(
            &errors,
            "/measures/2/column",
            "refused: visit_occurrence.provider_id is not on the node's OMOP allow-list"
        ),
        "{errors:#?}"
    );
    // A text column off the allow-list: both reasons are reported.
    assert!(
        has(
            &errors,
            "/measures/1/column",
            "person.person_source_value is text; max needs a number or a date"
        ),
        "{errors:#?}"
    );
    assert!(
        has(
            &errors,
            "/measures/1/column",
            "refused: person.person_source_value is not on the node's OMOP allow-list"
        ),
        "{errors:#?}"
    );
    // Tables other than person and visit_occurrence are never aggregated.
    assert!(
        has(
            &errors,
            "/measures/3/column",
            "not a column of person or visit_occurrence"
        ),
        "{errors:#?}"
    );
    assert!(
        !errors.iter().any(|e| e.pointer == "/measures/0/column"),
        "{errors:#?}"
    );
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

#[test]
fn canonical_id_ignores_layout_and_key_order() {
    let a = indicators::ari_weekly();
    // Same document, keys reversed at every level, pretty-printed differently, numbers
    // spelled differently.
    fn reverse(v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.reverse();
                let mut out = serde_json::Map::new();
                for (k, v) in entries {
                    out.insert(k.clone(), reverse(v));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(reverse).collect()),
            other => other.clone(),
        }
    }
    let value: Value = serde_json::from_str(indicators::ARI_WEEKLY_JSON).unwrap();
    let text = serde_json::to_string_pretty(&reverse(&value))
        .unwrap()
        .replace("\"scale\": 100", "\"scale\": 1.0e2")
        .replace("\n", "\n\t  ");
    assert!(text.contains("1.0e2"));
    let b = parse(&text).expect("still valid");
    assert_eq!(a.id(), b.id());
    assert_eq!(a.canonical_json(), b.canonical_json());
    let compact = serde_json::to_string(&value).unwrap();
    assert_eq!(parse(&compact).unwrap().id(), a.id());

    // Any change of meaning changes the id.
    let mut changed = value.clone();
    changed["breakdowns"][1]["bands"][0]["max"] = json!(2);
    assert_ne!(spec_id(&changed), a.id());
    let mut changed = value.clone();
    changed["measures"][0]["name"] = json!("er_visits2");
    assert_ne!(spec_id(&changed), a.id());
    let mut changed = value;
    changed["breakdowns"][2]["groups"][1]["icd10_prefixes"] = json!(["U07"]);
    assert_ne!(parse(&changed.to_string()).unwrap().id(), a.id());
}

#[test]
fn canonical_id_is_pinned() {
    // The id of a fixed document: guards against accidental changes of the canonical form.
    let v: Value =
        serde_json::from_str(r#"{ "b": [1.0, 2.5, "é\n"], "a": { "y": null, "x": true } }"#)
            .unwrap();
    assert_eq!(
        hublot_query::canonical_json(&v),
        r#"{"a":{"x":true,"y":null},"b":[1,2.5,"é\n"]}"#
    );
    // printf '%s' '{"a":{"x":true,"y":null},"b":[1,2.5,"é\n"]}' | sha256sum
    assert_eq!(
        spec_id(&v),
        "sha256:217d56d2cb03fb1485e510a5b406e3f1e1457c6edbc0d07ec5c14108af4a93e0"
    );
}

#[test]
fn invalid_json_is_one_error_at_the_root() {
    let errors = parse("{ not json").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].pointer, "");
    assert!(errors[0].message.contains("not valid JSON"));
}

#[test]
fn user_strings_stay_parameters() {
    let nasty_group = "x'); DROP TABLE person; --";
    let nasty_label = "0-1'; DELETE FROM visit_occurrence; --";
    let nasty_prefix = "J10' OR '1'='1";
    let spec = validate(&json!({
        "format": "hublot-aggregate-spec/1",
        "name": "nasty",
        "filters": { "icd10_prefixes": [nasty_prefix, "J"] },
        "breakdowns": [
            { "kind": "age_band", "key": "age", "bands": [{ "label": nasty_label, "min": 0, "max": 150 }] },
            { "kind": "syndrome", "key": "syndrome", "groups": [
                { "name": nasty_group, "icd10_prefixes": [nasty_prefix, "J"] }
            ] }
        ],
        "measures": [{ "name": "visits", "aggregate": "count_visits" }]
    }))
    .expect("valid");
    for dialect in [
        &SqliteDialect as &dyn hublot_query::Dialect,
        &PostgresDialect,
    ] {
        let queries = compile(
            &spec,
            dialect,
            &|t| t.to_owned(),
            date!(2025 - 01 - 01),
            date!(2025 - 01 - 31),
        );
        for q in &queries {
            for needle in [nasty_group, nasty_label, "DROP", "DELETE", "'1'='1", "J10'"] {
                assert!(!q.sql.contains(needle), "{needle:?} in SQL: {}", q.sql);
            }
            let texts: Vec<&str> = q
                .params
                .iter()
                .filter_map(|p| match p {
                    hublot_omop::SqlValue::Text(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect();
            assert!(texts.contains(&nasty_group));
            assert!(texts.contains(&nasty_label));
            // Prefixes are normalised (upper case, no dots or spaces) but otherwise intact.
            assert!(texts.contains(&"J10'OR'1'='1"), "{texts:?}");
        }
    }
}
