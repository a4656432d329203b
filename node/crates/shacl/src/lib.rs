//! SHACL validation for Hublot.
//!
//! * A SHACL Core engine (W3C Recommendation) plus SHACL-SPARQL SELECT constraints,
//!   over oxrdf graphs, with oxigraph evaluating the SPARQL: [`Shapes`], [`validate`].
//! * The HealthDCAT-AP Release 8 validation by access-rights tier on top of it, using
//!   the official shape files embedded in the binary: [`healthdcat`].
//!
//! ```
//! use hublot_shacl::{Shapes, validate};
//!
//! let shapes = Shapes::from_turtle(r#"
//!     @prefix sh: <http://www.w3.org/ns/shacl#> .
//!     @prefix ex: <http://example.org/> .
//!     ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
//!         sh:property [ sh:path ex:name ; sh:minCount 1 ] .
//! "#, "urn:hublot:doc").unwrap();
//! let data = Shapes::parse_turtle(
//!     "<http://example.org/a> a <http://example.org/Thing> .", "urn:hublot:data").unwrap();
//! let report = validate(&data, &shapes);
//! assert_eq!(report.violations(), 1);
//! assert_eq!(report.results[0].component, "sh:MinCountConstraintComponent");
//! ```

mod data;
mod engine;
mod fasthash;
pub mod healthdcat;
pub mod pretty;
mod shapes;
mod sparql;
mod vocab;
pub mod xsd;

pub use data::{DataGraph, TermId};
pub use shapes::Shapes;

use oxrdf::{Graph, Term};
use serde::{Serialize, Serializer};

/// Errors raised while loading shapes.
#[derive(Debug, thiserror::Error)]
pub enum ShaclError {
    /// A Turtle document could not be parsed.
    #[error("cannot parse RDF: {0}")]
    Parse(String),
    /// The shapes graph is not well-formed SHACL.
    #[error("ill-formed shapes graph: {0}")]
    IllFormedShape(String),
    /// A SHACL-SPARQL query does not parse.
    #[error("invalid SPARQL in shapes graph: {0}")]
    Sparql(String),
    /// A shape file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Severity of a validation result (`sh:Violation`, `sh:Warning`, `sh:Info`).
///
/// Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Severity {
    Violation,
    Warning,
    Info,
}

impl Severity {
    /// `"Violation"`, `"Warning"` or `"Info"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Violation => "Violation",
            Self::Warning => "Warning",
            Self::Info => "Info",
        }
    }

    /// The SHACL IRI of the severity.
    pub fn iri(self) -> &'static str {
        match self {
            Self::Violation => "http://www.w3.org/ns/shacl#Violation",
            Self::Warning => "http://www.w3.org/ns/shacl#Warning",
            Self::Info => "http://www.w3.org/ns/shacl#Info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn ser_term<S: Serializer>(t: &Term, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_string())
}

fn ser_opt_term<S: Serializer>(t: &Option<Term>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_some(&t.to_string()),
        None => s.serialize_none(),
    }
}

/// One top-level validation result (nested `sh:detail` results are not reported).
///
/// Terms serialise to JSON in N-Triples syntax (`<iri>`, `_:b`, `"text"@en`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationResult {
    #[serde(serialize_with = "ser_term")]
    pub focus_node: Term,
    /// The `sh:resultPath` in SPARQL property path syntax (`<p>`, `^<p>`, `<a>/<b>`, …).
    pub result_path: Option<String>,
    #[serde(serialize_with = "ser_opt_term")]
    pub value: Option<Term>,
    pub severity: Severity,
    #[serde(serialize_with = "ser_term")]
    pub source_shape: Term,
    /// The constraint component, e.g. `"sh:MinCountConstraintComponent"`.
    pub component: String,
    /// The shape's `sh:message` when it has one, otherwise a generated explanation.
    pub message: String,
}

/// The results of validating one data graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ValidationReport {
    pub results: Vec<ValidationResult>,
}

impl ValidationReport {
    fn count(&self, s: Severity) -> usize {
        self.results.iter().filter(|r| r.severity == s).count()
    }

    /// Number of `sh:Violation` results.
    pub fn violations(&self) -> usize {
        self.count(Severity::Violation)
    }

    /// Number of `sh:Warning` results.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// Number of `sh:Info` results.
    pub fn infos(&self) -> usize {
        self.count(Severity::Info)
    }

    /// True when there is no `sh:Violation` (warnings and infos are allowed).
    pub fn conforms(&self) -> bool {
        self.violations() == 0
    }
}

/// Options of a validation run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValidateOptions {
    /// When a nested shape (under `sh:and`, `sh:or`, `sh:xone`, `sh:not`,
    /// `sh:qualifiedValueShape`) is checked, results of severity Warning or Info do not
    /// make the node non-conforming. This is pySHACL's `allow_warnings`, which the
    /// HealthDCAT-AP reference validator uses. Off by default (strict W3C semantics:
    /// any result means non-conformance). `sh:node` is strict either way.
    pub allow_warnings: bool,
    /// Like `allow_warnings`, for Info results only.
    pub allow_infos: bool,
}

/// Validates a data graph against shapes with strict W3C semantics.
pub fn validate(data: &Graph, shapes: &Shapes) -> ValidationReport {
    validate_with(data, shapes, &ValidateOptions::default())
}

/// Validates a data graph against shapes with explicit options.
pub fn validate_with(data: &Graph, shapes: &Shapes, opts: &ValidateOptions) -> ValidationReport {
    let mut data = DataGraph::from_graph(data);
    validate_data(&mut data, shapes, opts)
}

/// Validates an already indexed data graph. The graph gains (triple-less) entries for
/// the terms the shapes mention; its triples are not changed.
pub fn validate_data(
    data: &mut DataGraph,
    shapes: &Shapes,
    opts: &ValidateOptions,
) -> ValidationReport {
    ValidationReport {
        results: engine::validate(data, shapes, opts),
    }
}
