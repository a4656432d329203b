//! End-to-end tests of the data side: `hublot-node synth` into SQLite and PostgreSQL, and
//! `hublot-node indicators run` giving the same disclosure-controlled table on both.

mod common;

use common::*;
use hublot_omop::test_support::PgTestSchema;

fn run_json(data: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let (code, out, err) = cli(data, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}\n{out}"))
}

#[test]
fn indicators_are_identical_on_sqlite_and_postgres_and_disclosure_controlled() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let pg = PgTestSchema::new("hublot_e2e_ind").expect("PostgreSQL on 127.0.0.1:5432");
    for args in [
        vec!["synth", "--persons", "20000", "--seed", "7"],
        vec![
            "synth",
            "--persons",
            "20000",
            "--seed",
            "7",
            "--database-url",
            pg.url(),
            "--schema",
            pg.name(),
        ],
    ] {
        let (code, out, err) = cli(data, &args);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("visit_occurrence"), "{out}");
    }
    let weeks = ["--week", "2024-W50", "--to", "2025-W03"];
    let sqlite = run_json(data, &[&["indicators", "run"][..], &weeks].concat());
    let postgres = run_json(
        data,
        &[
            &["indicators", "run"][..],
            &weeks,
            &["--database-url", pg.url(), "--schema", pg.name()],
        ]
        .concat(),
    );
    assert_eq!(sqlite, postgres, "same data, same table");

    // The interfaces.md result format, disclosure-controlled.
    assert!(sqlite["spec_hash"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(sqlite["policy"]["k"], 11);
    let cells = sqlite["cells"].as_array().unwrap();
    assert!(cells.len() > 100);
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    for c in cells {
        let status = c["status"].as_str().unwrap().to_owned();
        *statuses.entry(status.clone()).or_default() += 1;
        if status.starts_with("suppressed") {
            assert!(c["value"].is_null(), "{c}");
        } else if let Some(n) = c["value"].as_u64() {
            assert!(n == 0 || n >= 11, "a published count below 11: {c}");
        }
        let keys = c["keys"].as_object().unwrap();
        if ["er_visits_total", "coding_completeness"].contains(&c["measure"].as_str().unwrap()) {
            assert!(!keys.contains_key("syndrome"), "{c}");
        }
    }
    assert!(statuses["published"] > 0, "{statuses:?}");
    assert!(statuses["suppressed_primary"] > 0, "{statuses:?}");
    // Weeks in the range only, written 2025-W03.
    let weeks: std::collections::BTreeSet<&str> = cells
        .iter()
        .filter_map(|c| c["keys"]["week"].as_str())
        .collect();
    assert_eq!(
        weeks.into_iter().collect::<Vec<_>>(),
        [
            "2024-W50", "2024-W51", "2024-W52", "2025-W01", "2025-W02", "2025-W03"
        ]
    );

    // CSV form.
    let (code, csv, err) = cli(
        data,
        &["indicators", "run", "--week", "2025-W03", "--format", "csv"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        csv.starts_with("age_band,syndrome,week,measure,value,status\n")
            || csv.contains(",measure,value,status\n"),
        "{csv}"
    );
}

#[test]
fn bad_indicator_and_synth_arguments_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (code, _, err) = cli(data, &["indicators", "run", "--week", "2025-W03"]);
    assert_ne!(code, 0);
    assert!(err.contains("synth"), "no warehouse yet: {err}");
    let (code, _, err) = cli(data, &["synth", "--persons", "500"]);
    assert_eq!(code, 0, "{err}");
    for (args, needle) in [
        (vec!["indicators", "run", "--week", "2025-W60"], "2025-W60"),
        (
            vec!["indicators", "run", "--week", "yesterday"],
            "yesterday",
        ),
        (
            vec!["indicators", "run", "--week", "2025-W03", "--format", "xml"],
            "format",
        ),
        (vec!["synth", "--persons", "500"], "exists"),
        (
            vec!["synth", "--from", "2025-13-01", "--out", "x.sqlite"],
            "2025-13-01",
        ),
    ] {
        let (code, _, err) = cli(data, &args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn specs_are_validated_over_http_with_every_error() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::demo(dir.path());
    let c = reqwest::blocking::Client::new();
    let schema: serde_json::Value = c
        .get(node.url("/specs/schema"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(schema["$schema"].as_str().unwrap().contains("2020-12"));
    let ari: serde_json::Value = c
        .get(node.url("/specs/indicators/ari-weekly"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let id = ari["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("sha256:"));
    // The shipped spec validates to the same id, whatever its layout.
    let r: serde_json::Value = c
        .post(node.url("/specs/validate"))
        .body(serde_json::to_string_pretty(&ari["spec"]).unwrap())
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["id"], id.as_str());
    // Several errors at once, each with its JSON pointer.
    let mut bad = ari["spec"].clone();
    bad["format"] = "nope".into();
    bad["measures"][0]["aggregate"] = 42.into();
    let r = c
        .post(node.url("/specs/validate"))
        .body(bad.to_string())
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
    let p: serde_json::Value = r.json().unwrap();
    let errors = p["errors"].as_array().unwrap();
    assert!(errors.len() >= 2, "{p}");
    assert!(
        errors
            .iter()
            .all(|e| e["pointer"].is_string() && e["message"].is_string())
    );
    assert!(errors.iter().any(|e| e["pointer"] == "/format"), "{p}");
    let r = c
        .post(node.url("/specs/validate"))
        .body("{not json")
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
}

#[test]
fn catalogue_statistics_come_from_the_warehouse_and_stay_conforming() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let yaml = repo_root().join("node/crates/catalogue/demo/chu-demo.yaml");
    let (code, _, err) = cli(data, &["catalogue", "import", yaml.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli(data, &["synth", "--persons", "3000", "--seed", "3"]);
    assert_eq!(code, 0, "{err}");
    let id = "chu-demo-passages-urgences";
    let (code, out, err) = cli(
        data,
        &[
            "catalogue",
            "stats",
            "--dataset",
            id,
            "--visit-concepts",
            "9203,262",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (_, nt, _) = cli(data, &["catalogue", "export", "--format", "nt"]);
    let line = |prop: &str| -> Option<u64> {
        nt.lines()
            .find(|l| {
                l.starts_with(&format!("<http://127.0.0.1:8080/datasets/{id}>")) && l.contains(prop)
            })
            .and_then(|l| l.split('"').nth(1))
            .and_then(|v| v.parse().ok())
    };
    let records = line("#numberOfRecords>").expect("numberOfRecords");
    let individuals = line("#numberOfUniqueIndividuals>").expect("numberOfUniqueIndividuals");
    assert!(
        records >= individuals && individuals >= 11,
        "{records} {individuals}"
    );
    assert!(line("#minTypicalAge>").unwrap() <= line("#maxTypicalAge>").unwrap());
    // Still conforming, by Hublot and by the reference.
    let (code, out, err) = cli(data, &["catalogue", "validate"]);
    assert_eq!(code, 0, "{out}{err}");
    if let Some(tool) = reference_validator() {
        let file = dir.path().join("export.ttl");
        let (_, ttl, _) = cli(data, &["catalogue", "export"]);
        std::fs::write(&file, ttl).unwrap();
        let (code, out) = reference_validate(&tool, &file);
        assert_eq!(code, 0, "{out}");
    }
    // Visits of a concept nobody has: figures withheld, not invented.
    let (code, _, err) = cli(
        data,
        &[
            "catalogue",
            "stats",
            "--dataset",
            id,
            "--visit-concepts",
            "123456789",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (_, nt, _) = cli(data, &["catalogue", "export", "--format", "nt"]);
    assert!(
        !nt.contains("numberOfRecords> \"0\""),
        "no figure below k is published"
    );
    let (code, _, err) = cli(
        data,
        &[
            "catalogue",
            "stats",
            "--dataset",
            "no-such",
            "--visit-concepts",
            "9203",
        ],
    );
    assert_ne!(code, 0, "{err}");
}
