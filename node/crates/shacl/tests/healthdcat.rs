//! HealthDCAT-AP tier validation on the official examples, broken variants of them,
//! multi-dataset catalogues, and a catalogue of 1,000 datasets for speed.

mod common;

use common::{ARCA, NP_DATASET, cases, load};
use hublot_shacl::Severity;
use hublot_shacl::healthdcat::{HealthDcatValidator, Tier, vocabulary_background};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn validator() -> &'static HealthDcatValidator {
    static V: OnceLock<HealthDcatValidator> = OnceLock::new();
    V.get_or_init(|| HealthDcatValidator::embedded().expect("embedded shapes load"))
}

#[test]
fn non_public_example_conforms_like_the_reference() {
    let report = validator().validate(&load("example-healthdcat-dataset.ttl"));
    // Reference (pySHACL): 0 violations, 7 warnings.
    assert_eq!(
        (report.violations(), report.warnings()),
        (0, 7),
        "{}",
        report.to_text()
    );
    assert!(report.conforms());
    assert_eq!(report.datasets.len(), 1);
    let d = &report.datasets[0];
    assert_eq!(d.dataset.to_string(), format!("<{NP_DATASET}>"));
    assert_eq!(d.tier, Some(Tier::NonPublic));
    assert_eq!(
        d.results.len(),
        7,
        "all warnings are reachable from the dataset"
    );
    assert!(report.graph_results.is_empty());
}

#[test]
fn arca_example_matches_the_reference() {
    let report = validator().validate(&load("EPRDR/ARCA.ttl"));
    // Reference (pySHACL): 0 violations, 2 warnings (dct:temporal, adms:status code list).
    assert_eq!(
        (report.violations(), report.warnings()),
        (0, 2),
        "{}",
        report.to_text()
    );
    assert_eq!(report.datasets[0].tier, Some(Tier::Public));
    assert!(report.datasets[0].conforms());
}

#[test]
fn broken_variants_fail_with_the_expected_component() {
    for case in cases() {
        let report = validator().validate(&case.graph);
        assert_eq!(
            report.conforms(),
            case.conforms,
            "{}: unexpected verdict\n{}",
            case.name,
            report.to_text()
        );
        if let Some(component) = case.component {
            assert!(
                report
                    .all_results()
                    .any(|(_, _, r)| r.severity == Severity::Violation && r.component == component),
                "{}: no violation from {component}\n{}",
                case.name,
                report.to_text()
            );
        }
    }
}

#[test]
fn untiered_dataset_gets_exactly_one_violation() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "np-no-access-rights")
        .unwrap();
    let report = validator().validate(&case.graph);
    assert_eq!(report.violations(), 1);
    assert_eq!(report.datasets[0].tier, None);
    let r = &report.datasets[0].results[0];
    assert_eq!(r.component, "sh:HasValueConstraintComponent");
    assert_eq!(
        r.result_path.as_deref(),
        Some("<http://purl.org/dc/terms/accessRights>")
    );
}

#[test]
fn graph_without_dataset_trips_the_graph_guard() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "no-dataset")
        .unwrap();
    let report = validator().validate(&case.graph);
    assert!(!report.conforms());
    assert_eq!(report.violations(), 1);
    assert_eq!(
        report.graph_results[0].result.focus_node.to_string(),
        "<urn:x-shacl:guard>"
    );
    assert!(
        report.graph_results[0]
            .result
            .message
            .contains("at least one dcat:Dataset")
    );
}

#[test]
fn results_are_attributed_to_their_dataset_in_a_catalogue() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "catalogue-one-bad-dataset")
        .unwrap();
    let report = validator().validate(&case.graph);
    assert_eq!(report.datasets.len(), 2);
    let arca = report
        .datasets
        .iter()
        .find(|d| d.dataset.to_string() == format!("<{ARCA}>"))
        .unwrap();
    let np = report
        .datasets
        .iter()
        .find(|d| d.dataset.to_string() == format!("<{NP_DATASET}>"))
        .unwrap();
    assert_eq!(arca.tier, Some(Tier::Public));
    assert_eq!(arca.violations(), 1);
    assert!(np.conforms());
    let bad = arca
        .results
        .iter()
        .find(|r| r.severity == Severity::Violation)
        .unwrap();
    assert_eq!(
        bad.result_path.as_deref(),
        Some("<http://purl.org/dc/terms/description>")
    );
}

#[test]
fn text_and_json_reports() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "np-no-title")
        .unwrap();
    let report = validator().validate(&case.graph);
    let text = report.to_text();
    assert!(text.contains("VIOLATION [NON_PUBLIC]"), "{text}");
    assert!(text.contains("dct:title"), "{text}");
    assert!(
        text.contains("1 dataset(s): 1 violation(s), 7 warning(s)"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("DOES NOT CONFORM"), "{text}");
    let json = report.to_json();
    assert_eq!(json["conforms"], false);
    assert_eq!(json["violations"], 1);
    assert_eq!(json["datasets"][0]["tier"], "NON_PUBLIC");
    let results = json["datasets"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["component"] == "sh:MinCountConstraintComponent"
                && r["result_path"] == "<http://purl.org/dc/terms/title>"
                && r["severity"] == "Violation")
    );
    let ok = validator().validate(&load("EPRDR/ARCA.ttl")).to_text();
    assert!(
        ok.trim_end().ends_with("CONFORMS") && !ok.contains("DOES NOT"),
        "{ok}"
    );
}

#[test]
fn shapes_from_directory_match_embedded_shapes() {
    let from_dir = HealthDcatValidator::from_dir(common::repo_root().join("shapes"))
        .expect("shapes directory loads");
    for case in cases().iter().take(12) {
        let a = validator().validate(&case.graph);
        let b = from_dir.validate(&case.graph);
        assert_eq!(
            (a.violations(), a.warnings()),
            (b.violations(), b.warnings()),
            "{}",
            case.name
        );
    }
    assert!(HealthDcatValidator::from_dir("/nonexistent/hublot/shapes").is_err());
}

#[test]
fn vocabulary_background_types_authority_iris() {
    let bg = vocabulary_background(&load("EPRDR/ARCA.ttl"));
    let text: Vec<String> = bg.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|t| t.contains(
        "<http://purl.org/adms/licencetype/Attribution> <http://www.w3.org/2004/02/skos/core#inScheme> <http://purl.org/adms/licencetype/1.0>"
    )));
    assert!(text.iter().any(|t| t.starts_with(
        "<http://publications.europa.eu/resource/authority/access-right> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2004/02/skos/core#ConceptScheme>"
    )));
}

/// 1,000 datasets: copies of the two official examples under fresh IRIs, half PUBLIC
/// and half NON_PUBLIC, with every tenth copy broken.
#[test]
fn a_thousand_datasets_are_validated_quickly() {
    let np = std::fs::read_to_string(
        common::repo_root().join("shapes/examples/example-healthdcat-dataset.ttl"),
    )
    .unwrap();
    let arca = std::fs::read_to_string(common::repo_root().join("shapes/examples/EPRDR/ARCA.ttl"))
        .unwrap();
    let mut data = oxrdf::Graph::new();
    for i in 0..1000 {
        let text = if i % 2 == 0 {
            arca.replace(
                "https://eu-rd-platform.jrc.ec.europa.eu/mdr/detail/ARCA",
                &format!("https://eu-rd-platform.jrc.ec.europa.eu/mdr/detail/ARCA-{i}"),
            )
        } else {
            np.replace(
                "https://healthdcat-ap.example.org/release-7/example/",
                &format!("https://healthdcat-ap.example.org/copy-{i}/"),
            )
        };
        let text = if i % 10 == 1 {
            // Break the NON_PUBLIC copy: its dataset loses its title.
            text.replace(
                "dct:title \"Cross-border oncology EHR cohort 2024\"@en ;",
                "",
            )
        } else {
            text
        };
        let g = hublot_shacl::Shapes::parse_turtle(&text, "file:///perf.ttl").unwrap();
        for t in &g {
            data.insert(t);
        }
    }
    let started = Instant::now();
    let report = validator().validate(&data);
    let elapsed = started.elapsed();
    eprintln!(
        "{} triples, 1000 datasets validated in {elapsed:?}",
        data.len()
    );
    assert_eq!(report.datasets.len(), 1000);
    assert_eq!(
        report.violations(),
        100,
        "one missing title per broken copy"
    );
    assert_eq!(
        report.datasets.iter().filter(|d| !d.conforms()).count(),
        100
    );
    let limit = if cfg!(debug_assertions) {
        Duration::from_secs(120)
    } else {
        Duration::from_secs(3)
    };
    assert!(elapsed < limit, "took {elapsed:?}");
}
