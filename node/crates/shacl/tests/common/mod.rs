//! Test fixtures shared by the HealthDCAT-AP tests: the official examples and broken
//! variants of them, each with the verdict and constraint component expected.

#![allow(dead_code)]

use hublot_shacl::Shapes;
use oxrdf::{Graph, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::path::PathBuf;

pub const EX: &str = "https://healthdcat-ap.example.org/release-7/example/";
pub const NP_DATASET: &str =
    "https://healthdcat-ap.example.org/release-7/example/dataset-oncology-ehrs-2024";
pub const ARCA: &str = "https://eu-rd-platform.jrc.ec.europa.eu/mdr/detail/ARCA";
pub const DCT: &str = "http://purl.org/dc/terms/";
pub const DCAT: &str = "http://www.w3.org/ns/dcat#";
pub const HD: &str = "http://healthdataportal.eu/ns/health#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
pub const ACCESS: &str = "http://publications.europa.eu/resource/authority/access-right/";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

pub fn load(rel: &str) -> Graph {
    let path = repo_root().join("shapes/examples").join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Shapes::parse_turtle(&text, &format!("file:///examples/{rel}")).expect("example parses")
}

pub fn iri(s: &str) -> NamedNode {
    NamedNode::new(s).expect("valid IRI")
}

pub fn ex(local: &str) -> String {
    format!("{EX}{local}")
}

pub fn typed(v: &str, dt: &str) -> Term {
    Literal::new_typed_literal(v, iri(&format!("{XSD}{dt}"))).into()
}

/// A copy of `g` without the triples `(s, p, *)`.
pub fn without(g: &Graph, s: &str, p: &str) -> Graph {
    let (s, p) = (iri(s), iri(p));
    let mut out = Graph::new();
    for t in g {
        if !(t.subject == s.as_ref().into() && t.predicate == p.as_ref()) {
            out.insert(t);
        }
    }
    assert!(out.len() < g.len(), "variant removed nothing: {s} {p}");
    out
}

/// A copy of `g` with one more triple.
pub fn with(g: &Graph, s: &str, p: &str, o: impl Into<Term>) -> Graph {
    let mut out = g.clone();
    out.insert(&Triple::new(
        NamedOrBlankNode::from(iri(s)),
        iri(p),
        o.into(),
    ));
    out
}

/// A copy of `g` where `(s, p, *)` is replaced by `(s, p, o)`.
pub fn replace(g: &Graph, s: &str, p: &str, o: impl Into<Term>) -> Graph {
    with(&without(g, s, p), s, p, o)
}

pub fn merge(a: &Graph, b: &Graph) -> Graph {
    let mut out = a.clone();
    for t in b {
        out.insert(t);
    }
    out
}

pub fn to_ntriples(g: &Graph) -> String {
    let mut lines: Vec<String> = g.iter().map(|t| format!("{t} .")).collect();
    lines.sort();
    lines.join("\n") + "\n"
}

pub struct Case {
    pub name: &'static str,
    pub graph: Graph,
    pub conforms: bool,
    /// A component that must appear among the violations.
    pub component: Option<&'static str>,
    /// The reference validator prints no counts for this case (e.g. no dataset at all).
    pub verdict_only: bool,
}

fn case(name: &'static str, graph: Graph, component: &'static str) -> Case {
    Case {
        name,
        graph,
        conforms: false,
        component: Some(component),
        verdict_only: false,
    }
}

fn ok(name: &'static str, graph: Graph) -> Case {
    Case {
        name,
        graph,
        conforms: true,
        component: None,
        verdict_only: false,
    }
}

/// The official examples and the broken variants.
pub fn cases() -> Vec<Case> {
    let np = load("example-healthdcat-dataset.ttl");
    let arca = load("EPRDR/ARCA.ttl");
    let ds = NP_DATASET;
    let main_csv = ex("distribution-main-csv");
    let dct = |l: &str| format!("{DCT}{l}");
    let dcat = |l: &str| format!("{DCAT}{l}");
    let hd = |l: &str| format!("{HD}{l}");
    let cv = |l: &str| format!("http://data.europa.eu/m8g/{l}");

    let mut no_dataset = Graph::new();
    no_dataset.insert(&Triple::new(
        NamedOrBlankNode::from(iri(&ex("someone"))),
        iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        iri("http://xmlns.com/foaf/0.1/Agent"),
    ));

    vec![
        ok("np-example", np.clone()),
        ok("arca-example", arca.clone()),
        ok("np-and-arca-catalogue", merge(&np, &arca)),
        case(
            "np-no-title",
            without(&np, ds, &dct("title")),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "np-no-description",
            without(&np, ds, &dct("description")),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "np-access-rights-confidential",
            replace(
                &np,
                ds,
                &dct("accessRights"),
                iri(&format!("{ACCESS}CONFIDENTIAL")),
            ),
            "sh:HasValueConstraintComponent",
        ),
        case(
            "np-no-access-rights",
            without(&np, ds, &dct("accessRights")),
            "sh:HasValueConstraintComponent",
        ),
        case(
            "np-two-access-rights",
            with(
                &np,
                ds,
                &dct("accessRights"),
                iri(&format!("{ACCESS}RESTRICTED")),
            ),
            "sh:MaxCountConstraintComponent",
        ),
        case(
            "np-bytesize-abc",
            replace(
                &np,
                &main_csv,
                &dcat("byteSize"),
                typed("abc", "nonNegativeInteger"),
            ),
            "sh:DatatypeConstraintComponent",
        ),
        case(
            "np-bytesize-negative",
            replace(
                &np,
                &main_csv,
                &dcat("byteSize"),
                typed("-5", "nonNegativeInteger"),
            ),
            "sh:DatatypeConstraintComponent",
        ),
        case(
            "np-distribution-without-access-url",
            without(&np, &main_csv, &dcat("accessURL")),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "np-structured-data-without-variables",
            without(&np, ds, &hd("hasVariables")),
            "sh:NodeConstraintComponent",
        ),
        case(
            "np-publisher-without-name",
            without(
                &np,
                &ex("publisher-agent"),
                "http://xmlns.com/foaf/0.1/name",
            ),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "np-keyword-iri",
            with(&np, ds, &dcat("keyword"), iri(&ex("not-a-keyword"))),
            "sh:NodeKindConstraintComponent",
        ),
        case(
            "np-theme-without-heal",
            replace(
                &np,
                ds,
                &dcat("theme"),
                iri("http://publications.europa.eu/resource/authority/data-theme/ECON"),
            ),
            "sh:HasValueConstraintComponent",
        ),
        case(
            "np-number-of-records-negative",
            replace(
                &np,
                ds,
                &hd("numberOfRecords"),
                typed("-1", "nonNegativeInteger"),
            ),
            "sh:DatatypeConstraintComponent",
        ),
        case(
            "np-min-age-integer",
            replace(&np, ds, &hd("minTypicalAge"), typed("18", "integer")),
            "sh:DatatypeConstraintComponent",
        ),
        case(
            "np-two-hdabs",
            with(&np, ds, &hd("hdab"), iri(&ex("custodian-agent"))),
            "sh:MaxCountConstraintComponent",
        ),
        case(
            "np-contact-point-without-email-or-page",
            without(
                &without(&np, &ex("hdab-contact-point"), &cv("email")),
                &ex("hdab-contact-point"),
                &cv("contactPage"),
            ),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "np-distribution-issued-not-a-date",
            with(&np, &main_csv, &dct("issued"), typed("yesterday", "date")),
            "sh:NodeConstraintComponent",
        ),
        case(
            "np-publisher-literal",
            replace(
                &np,
                ds,
                &dct("publisher"),
                Literal::new_simple_literal("Registry"),
            ),
            "sh:NodeKindConstraintComponent",
        ),
        case(
            "np-structured-data-not-boolean",
            replace(
                &np,
                ds,
                &hd("hasStructuredData"),
                Literal::new_simple_literal("yes"),
            ),
            "sh:DatatypeConstraintComponent",
        ),
        case(
            "np-column-without-name",
            without(&np, &ex("col-patient-id"), "http://www.w3.org/ns/csvw#name"),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "arca-no-title",
            without(&arca, ARCA, &dct("title")),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "arca-no-health-category",
            without(&arca, ARCA, &hd("healthCategory")),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "catalogue-one-bad-dataset",
            merge(&np, &without(&arca, ARCA, &dct("description"))),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "np-as-public",
            replace(
                &np,
                ds,
                &dct("accessRights"),
                iri(&format!("{ACCESS}PUBLIC")),
            ),
            "sh:ClassConstraintComponent",
        ),
        case(
            "np-as-restricted",
            replace(
                &np,
                ds,
                &dct("accessRights"),
                iri(&format!("{ACCESS}RESTRICTED")),
            ),
            "sh:ClassConstraintComponent",
        ),
        case(
            "np-two-publishers",
            with(&np, ds, &dct("publisher"), iri(&ex("custodian-agent"))),
            "sh:MaxCountConstraintComponent",
        ),
        case(
            "np-publisher-without-contact-point",
            without(&np, &ex("publisher-agent"), &cv("contactPoint")),
            "sh:NodeConstraintComponent",
        ),
        case(
            "np-without-structured-data-flag",
            without(&np, ds, &hd("hasStructuredData")),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "np-concept-without-label",
            with(
                &with(&np, ds, &dct("subject"), iri(&ex("local-concept"))),
                &ex("local-concept"),
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                iri("http://www.w3.org/2004/02/skos/core#Concept"),
            ),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "np-local-dataset-type",
            with(&np, ds, &dct("type"), iri(&ex("cohort-study"))),
            "sh:ClassConstraintComponent",
        ),
        case(
            "two-public-datasets-sharing-a-nameless-publisher",
            shared_publisher(&arca),
            "sh:MinCountConstraintComponent",
        ),
        case(
            "catalogue-record",
            catalogue(&merge(&np, &arca)),
            "sh:ClassConstraintComponent",
        ),
        Case {
            name: "no-dataset",
            graph: no_dataset,
            conforms: false,
            component: Some("sh:SPARQLConstraintComponent"),
            verdict_only: true,
        },
    ]
}

/// Two PUBLIC datasets (ARCA and a renamed copy) sharing one publisher without a name.
fn shared_publisher(arca: &Graph) -> Graph {
    let copy_text = to_ntriples(arca).replace(ARCA, &format!("{ARCA}-copy"));
    let copy = hublot_shacl::Shapes::parse_turtle(&copy_text, "file:///copy.nt").unwrap();
    let mut g = merge(arca, &copy);
    let publisher = format!("{EX}shared-publisher");
    for d in [ARCA.to_owned(), format!("{ARCA}-copy")] {
        g = replace(&g, &d, &format!("{DCT}publisher"), iri(&publisher));
    }
    g = with(
        &g,
        &publisher,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        iri("http://xmlns.com/foaf/0.1/Agent"),
    );
    g
}

/// A dcat:Catalog listing the datasets of `g`.
fn catalogue(g: &Graph) -> Graph {
    let cat = format!("{EX}catalogue");
    let mut out = with(
        g,
        &cat,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        iri(&format!("{DCAT}Catalog")),
    );
    out = with(
        &out,
        &cat,
        &format!("{DCT}title"),
        Literal::new_language_tagged_literal("Test catalogue", "en").unwrap(),
    );
    out = with(
        &out,
        &cat,
        &format!("{DCT}description"),
        Literal::new_language_tagged_literal("All test datasets", "en").unwrap(),
    );
    out = with(
        &out,
        &cat,
        &format!("{DCT}publisher"),
        iri(&format!("{EX}publisher-agent")),
    );
    out = with(
        &out,
        &cat,
        "http://data.europa.eu/r5r/applicableLegislation",
        iri("http://data.europa.eu/eli/reg/2022/868/oj"),
    );
    for d in [NP_DATASET, ARCA] {
        out = with(&out, &cat, &format!("{DCAT}dataset"), iri(d));
    }
    out
}
