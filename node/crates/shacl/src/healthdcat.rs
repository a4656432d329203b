//! HealthDCAT-AP Release 8 validation, by access-rights tier.
//!
//! This reproduces the method of Hublot's reference validator
//! (`tools/validate-healthdcat`, pySHACL on the official shape files):
//!
//! * each `dcat:Dataset` is judged by the shape set of its tier, chosen from its
//!   `dct:accessRights` (`access-right/PUBLIC`, `RESTRICTED`, `NON_PUBLIC`); a dataset
//!   with none of these gets one violation and is not validated further;
//! * a tier's shapes graph merges, in one graph: the graph guard, DCAT-AP 3.0.1
//!   deprecated URIs, the HealthDCAT-AP ranges, the tier shapes, the HealthDCAT-AP
//!   controlled-vocabulary shapes, the tier's recommended shapes, and DCAT-AP 3.0.1
//!   `shapes.ttl`, `range.ttl` and `shapes_recommended.ttl`;
//! * the tier shapes' path-less property shape (the "`hasStructuredData` true needs
//!   `hasVariables`" rule) is loaded as the node shape it means
//!   (`S sh:property P` becomes `S sh:node P`);
//! * the controlled vocabularies that the hosted validator preloads are simulated: every
//!   EU / HealthData@EU / ADMS authority IRI used as an object is typed `skos:Concept`
//!   in its scheme, with a label, and the scheme is a titled `skos:ConceptScheme`
//!   (ADMS schemes get `/1.0` appended). This checks the structure, not that the code
//!   exists in the vocabulary;
//! * one validation per tier, on the whole graph, where the datasets of the other
//!   tiers lose their `rdf:type dcat:Dataset` triple; warnings do not break conformance
//!   of nested shapes (pySHACL's `allow_warnings`).
//!
//! Results are attributed to the dataset from which their focus node is reachable
//! (without crossing another dataset); results on nodes no dataset of the tier reaches
//! are reported as graph-level results of that tier run.

use crate::data::{DataGraph, TermId};
use crate::fasthash::FastMap;
use crate::vocab::{RDF_TYPE, SH_NODE, SH_NODE_SHAPE, SH_PATH, SH_PROPERTY};
use crate::{
    Severity, ShaclError, Shapes, ValidateOptions, ValidationResult, pretty, validate_data,
};
use oxrdf::{
    Graph, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef,
    Triple,
};
use serde::{Serialize, Serializer};
use std::path::Path;

const DCAT_DATASET: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#Dataset");
const DCT_ACCESS_RIGHTS: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://purl.org/dc/terms/accessRights");
const DCT_TITLE: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://purl.org/dc/terms/title");
const SKOS_CONCEPT: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#Concept");
const SKOS_CONCEPT_SCHEME: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#ConceptScheme");
const SKOS_IN_SCHEME: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#inScheme");
const SKOS_PREF_LABEL: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#prefLabel");

/// Prefix of the EU access-right authority table.
pub const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";

/// IRI prefixes of the controlled vocabularies simulated by the vocabulary background.
pub const AUTHORITIES: [&str; 3] = [
    "http://publications.europa.eu/resource/authority/",
    "https://hdeu-dcat.data.health.europa.eu/resource/authority/",
    "http://purl.org/adms/",
];

/// Source shape of the result given to a dataset without a recognised access level.
pub const TIER_SHAPE: &str = "urn:hublot:healthdcat:AccessRightsTier";

/// A HealthDCAT-AP access-rights tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    Public,
    Restricted,
    NonPublic,
}

impl Tier {
    /// The three tiers.
    pub const ALL: [Tier; 3] = [Tier::Public, Tier::Restricted, Tier::NonPublic];

    /// `PUBLIC`, `RESTRICTED` or `NON_PUBLIC` (the access-right code).
    pub fn code(self) -> &'static str {
        match self {
            Self::Public => "PUBLIC",
            Self::Restricted => "RESTRICTED",
            Self::NonPublic => "NON_PUBLIC",
        }
    }

    /// `public`, `restricted` or `non-public` (the shape file stem).
    pub fn stem(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Restricted => "restricted",
            Self::NonPublic => "non-public",
        }
    }

    /// The access-right IRI of the tier.
    pub fn access_right(self) -> String {
        format!("{ACCESS_RIGHT}{}", self.code())
    }

    /// The tier of an access-right IRI, if it is one of the three.
    pub fn from_access_right(iri: &str) -> Option<Self> {
        match iri.strip_prefix(ACCESS_RIGHT)? {
            "PUBLIC" => Some(Self::Public),
            "RESTRICTED" => Some(Self::Restricted),
            "NON_PUBLIC" => Some(Self::NonPublic),
            _ => None,
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Public => 0,
            Self::Restricted => 1,
            Self::NonPublic => 2,
        }
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Tier {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

// ---- shape files ----------------------------------------------------------------------

macro_rules! embedded {
    ($($rel:literal),* $(,)?) => {
        &[$(($rel, include_str!(concat!("../../../../shapes/", $rel)))),*]
    };
}

/// The official shape files, embedded at build time (relative path, content).
const EMBEDDED: &[(&str, &str)] = embedded![
    "healthdcat-ap-r8/shapes/graph-guard.ttl",
    "healthdcat-ap-r8/shapes/public-shapes.ttl",
    "healthdcat-ap-r8/shapes/restricted-shapes.ttl",
    "healthdcat-ap-r8/shapes/non-public-shapes.ttl",
    "healthdcat-ap-r8/ranges/range.ttl",
    "healthdcat-ap-r8/controlled-vocabularies/mdr-vocabularies.shape.ttl",
    "healthdcat-ap-r8/recommended/public-shapes_recommended.ttl",
    "healthdcat-ap-r8/recommended/restricted-shapes_recommended.ttl",
    "healthdcat-ap-r8/recommended/non-public-shapes_recommended.ttl",
    "dcat-ap-3.0.1/html-shacl/deprecateduris.ttl",
    "dcat-ap-3.0.1/html-shacl/shapes.ttl",
    "dcat-ap-3.0.1/html-shacl/range.ttl",
    "dcat-ap-3.0.1/html-shacl/shapes_recommended.ttl",
];

const GRAPH_GUARD: &str = "healthdcat-ap-r8/shapes/graph-guard.ttl";

/// The shape files of a tier, in the order the official validator loads them.
pub fn tier_files(tier: Tier) -> Vec<String> {
    let t = tier.stem();
    vec![
        GRAPH_GUARD.to_owned(),
        "dcat-ap-3.0.1/html-shacl/deprecateduris.ttl".to_owned(),
        "healthdcat-ap-r8/ranges/range.ttl".to_owned(),
        format!("healthdcat-ap-r8/shapes/{t}-shapes.ttl"),
        "healthdcat-ap-r8/controlled-vocabularies/mdr-vocabularies.shape.ttl".to_owned(),
        format!("healthdcat-ap-r8/recommended/{t}-shapes_recommended.ttl"),
        "dcat-ap-3.0.1/html-shacl/shapes.ttl".to_owned(),
        "dcat-ap-3.0.1/html-shacl/range.ttl".to_owned(),
        "dcat-ap-3.0.1/html-shacl/shapes_recommended.ttl".to_owned(),
    ]
}

/// Base IRI a shape file is parsed with (it only matters for `<#…>` in graph-guard.ttl).
fn base_of(rel: &str) -> String {
    format!("file:///hublot/shapes/{rel}")
}

enum Source<'a> {
    Embedded,
    Dir(&'a Path),
}

impl Source<'_> {
    fn read(&self, rel: &str) -> Result<String, ShaclError> {
        match self {
            Source::Embedded => EMBEDDED
                .iter()
                .find(|(r, _)| *r == rel)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| ShaclError::Io {
                    path: rel.to_owned(),
                    source: std::io::Error::new(std::io::ErrorKind::NotFound, "not embedded"),
                }),
            Source::Dir(dir) => {
                let path = dir.join(rel);
                std::fs::read_to_string(&path).map_err(|source| ShaclError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        }
    }

    fn graph(&self, files: &[String]) -> Result<Graph, ShaclError> {
        let mut merged = Graph::new();
        for rel in files {
            let text = self.read(rel)?;
            let g = Shapes::parse_turtle(&text, &base_of(rel)).map_err(|e| match e {
                ShaclError::Parse(m) => ShaclError::Parse(format!("{rel}: {m}")),
                other => other,
            })?;
            for t in &g {
                merged.insert(t);
            }
        }
        Ok(merged)
    }
}

/// Rewrites every property shape without `sh:path` used under `sh:property` into a node
/// shape used under `sh:node` (HealthDCAT-AP's conditional `hasVariables` rule).
pub fn path_less_property_shapes_as_node_shapes(g: &mut Graph) -> usize {
    let fixes: Vec<(NamedOrBlankNode, Term)> = g
        .triples_for_predicate(SH_PROPERTY)
        .filter(|t| match t.object {
            TermRef::NamedNode(n) => g.object_for_subject_predicate(n, SH_PATH).is_none(),
            TermRef::BlankNode(b) => g.object_for_subject_predicate(b, SH_PATH).is_none(),
            _ => false,
        })
        .map(|t| (t.subject.into_owned(), t.object.into_owned()))
        .collect();
    for (s, p) in &fixes {
        g.remove(&Triple::new(s.clone(), SH_PROPERTY, p.clone()));
        g.insert(&Triple::new(s.clone(), SH_NODE, p.clone()));
        if let Ok(node) = NamedOrBlankNode::try_from(p.clone()) {
            g.insert(&Triple::new(node, RDF_TYPE, SH_NODE_SHAPE));
        }
    }
    fixes.len()
}

/// The triples that simulate the controlled vocabularies for the IRIs used in `data`.
pub fn vocabulary_background(data: &Graph) -> Vec<Triple> {
    let unique: crate::fasthash::FastSet<&str> = data
        .iter()
        .filter_map(|t| match t.object {
            TermRef::NamedNode(n) if AUTHORITIES.iter().any(|a| n.as_str().starts_with(a)) => {
                Some(n.as_str())
            }
            _ => None,
        })
        .collect();
    let mut iris: Vec<&str> = unique.into_iter().collect();
    iris.sort_unstable();
    let mut out = Vec::new();
    for iri in iris {
        let concept = NamedNodeRef::new_unchecked(iri);
        let (scheme_base, code) = iri.rsplit_once('/').unwrap_or((iri, ""));
        let scheme = if scheme_base.starts_with("http://purl.org/adms/") {
            format!("{scheme_base}/1.0")
        } else {
            scheme_base.to_owned()
        };
        let scheme = NamedNode::new_unchecked(scheme);
        if !data.contains(oxrdf::TripleRef::new(concept, RDF_TYPE, SKOS_CONCEPT)) {
            out.push(Triple::new(concept, RDF_TYPE, SKOS_CONCEPT));
        }
        out.push(Triple::new(concept, SKOS_IN_SCHEME, scheme.clone()));
        if data
            .object_for_subject_predicate(concept, SKOS_PREF_LABEL)
            .is_none()
        {
            out.push(Triple::new(
                concept,
                SKOS_PREF_LABEL,
                Literal::new_language_tagged_literal_unchecked(code, "en"),
            ));
        }
        out.push(Triple::new(scheme.clone(), RDF_TYPE, SKOS_CONCEPT_SCHEME));
        out.push(Triple::new(
            scheme.clone(),
            DCT_TITLE,
            Literal::new_language_tagged_literal_unchecked(scheme.as_str(), "en"),
        ));
    }
    out
}

/// The tier of a dataset from its `dct:accessRights`. With several recognised values the
/// first in IRI order wins (the tier shapes then report the extra value anyway).
pub fn tier_of(data: &Graph, dataset: NamedOrBlankNodeRef<'_>) -> Option<Tier> {
    let mut tiers: Vec<Tier> = data
        .objects_for_subject_predicate(dataset, DCT_ACCESS_RIGHTS)
        .filter_map(|o| match o {
            TermRef::NamedNode(n) => Tier::from_access_right(n.as_str()),
            _ => None,
        })
        .collect();
    tiers.sort_by_key(|t| t.code());
    tiers.first().copied()
}

// ---- report -----------------------------------------------------------------------

fn ser_term<S: Serializer>(t: &Term, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_string())
}

/// The verdict on one dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetVerdict {
    #[serde(serialize_with = "ser_term")]
    pub dataset: Term,
    /// `None` when `dct:accessRights` names none of the three tiers.
    pub tier: Option<Tier>,
    /// Results on the dataset and on the nodes it reaches (distributions, agents, …).
    pub results: Vec<ValidationResult>,
}

impl DatasetVerdict {
    /// Number of violations.
    pub fn violations(&self) -> usize {
        count(&self.results, Severity::Violation)
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        count(&self.results, Severity::Warning)
    }

    /// True when the dataset has no violation.
    pub fn conforms(&self) -> bool {
        self.violations() == 0
    }
}

/// A result that no dataset of its tier run reaches (for example a node no dataset
/// links to, or the graph guard's "no dcat:Dataset" result).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphResult {
    /// The tier run that produced it; `None` for the graph guard run on a graph without
    /// any dataset.
    pub tier: Option<Tier>,
    #[serde(flatten)]
    pub result: ValidationResult,
}

/// The outcome of validating a HealthDCAT-AP graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HealthDcatReport {
    /// One verdict per `dcat:Dataset`, sorted by dataset term.
    pub datasets: Vec<DatasetVerdict>,
    /// Results not attributable to a dataset.
    pub graph_results: Vec<GraphResult>,
}

fn count(results: &[ValidationResult], s: Severity) -> usize {
    results.iter().filter(|r| r.severity == s).count()
}

impl HealthDcatReport {
    fn total(&self, s: Severity) -> usize {
        self.datasets
            .iter()
            .map(|d| count(&d.results, s))
            .sum::<usize>()
            + self
                .graph_results
                .iter()
                .filter(|g| g.result.severity == s)
                .count()
    }

    /// Number of top-level violations.
    pub fn violations(&self) -> usize {
        self.total(Severity::Violation)
    }

    /// Number of top-level warnings.
    pub fn warnings(&self) -> usize {
        self.total(Severity::Warning)
    }

    /// Number of top-level infos.
    pub fn infos(&self) -> usize {
        self.total(Severity::Info)
    }

    /// True when there is no violation (warnings allowed).
    pub fn conforms(&self) -> bool {
        self.violations() == 0
    }

    /// All results with their dataset (if any) and tier.
    pub fn all_results(
        &self,
    ) -> impl Iterator<Item = (Option<&Term>, Option<Tier>, &ValidationResult)> {
        self.datasets
            .iter()
            .flat_map(|d| d.results.iter().map(move |r| (Some(&d.dataset), d.tier, r)))
            .chain(self.graph_results.iter().map(|g| (None, g.tier, &g.result)))
    }

    /// A readable report: one line per result (severity, tier, dataset, focus node,
    /// path, message), then a summary line and CONFORMS / DOES NOT CONFORM.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (dataset, tier, r) in self.all_results() {
            let tier = tier.map_or("no tier", Tier::code);
            let dataset = dataset.map_or_else(|| "(graph)".to_owned(), pretty::term);
            let path = r
                .result_path
                .as_deref()
                .map(|p| format!(" {}", pretty::path(p)))
                .unwrap_or_default();
            let value = r
                .value
                .as_ref()
                .filter(|v| **v != r.focus_node)
                .map(|v| format!(" (value {})", pretty::term(v)))
                .unwrap_or_default();
            out.push_str(&format!(
                "{} [{tier}] {dataset} | {}{path}{value}: {} [{}]\n",
                r.severity.as_str().to_uppercase(),
                pretty::term(&r.focus_node),
                r.message,
                r.component
            ));
        }
        out.push_str(&format!(
            "{} dataset(s): {} violation(s), {} warning(s)\n",
            self.datasets.len(),
            self.violations(),
            self.warnings()
        ));
        out.push_str(if self.conforms() {
            "CONFORMS\n"
        } else {
            "DOES NOT CONFORM\n"
        });
        out
    }

    /// The report as JSON, with a summary.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "conforms": self.conforms(),
            "datasetCount": self.datasets.len(),
            "violations": self.violations(),
            "warnings": self.warnings(),
            "infos": self.infos(),
            "datasets": self.datasets,
            "graphResults": self.graph_results,
        })
    }
}

// ---- validator ----------------------------------------------------------------------

/// The three prepared tier shape sets (and the graph guard alone, for graphs without
/// any dataset). Build once, share freely (`Send + Sync`).
#[derive(Debug)]
pub struct HealthDcatValidator {
    tiers: [Shapes; 3],
    guard: Shapes,
}

const OPTIONS: ValidateOptions = ValidateOptions {
    allow_warnings: true,
    allow_infos: false,
};

impl HealthDcatValidator {
    /// Uses the official shape files embedded in the binary.
    pub fn embedded() -> Result<Self, ShaclError> {
        Self::load(&Source::Embedded)
    }

    /// Loads the shape files from a directory laid out like Hublot's `shapes/` folder
    /// (`healthdcat-ap-r8/…` and `dcat-ap-3.0.1/html-shacl/…`).
    pub fn from_dir(path: impl AsRef<Path>) -> Result<Self, ShaclError> {
        Self::load(&Source::Dir(path.as_ref()))
    }

    /// The merged shapes graph of a tier (embedded files), as validated.
    pub fn embedded_shapes_graph(tier: Tier) -> Result<Graph, ShaclError> {
        let mut g = Source::Embedded.graph(&tier_files(tier))?;
        path_less_property_shapes_as_node_shapes(&mut g);
        Ok(g)
    }

    fn load(source: &Source<'_>) -> Result<Self, ShaclError> {
        let tier = |t: Tier| -> Result<Shapes, ShaclError> {
            let mut g = source.graph(&tier_files(t))?;
            path_less_property_shapes_as_node_shapes(&mut g);
            Shapes::from_graph(&g)
        };
        Ok(Self {
            tiers: [
                tier(Tier::Public)?,
                tier(Tier::Restricted)?,
                tier(Tier::NonPublic)?,
            ],
            guard: Shapes::from_graph(&source.graph(&[GRAPH_GUARD.to_owned()])?)?,
        })
    }

    /// The compiled shapes of a tier.
    pub fn shapes(&self, tier: Tier) -> &Shapes {
        &self.tiers[tier.index()]
    }

    /// Validates every dataset of `data` against the shapes of its tier.
    pub fn validate(&self, data: &Graph) -> HealthDcatReport {
        let mut datasets: Vec<NamedOrBlankNode> = data
            .subjects_for_predicate_object(RDF_TYPE, DCAT_DATASET)
            .map(NamedOrBlankNodeRef::into_owned)
            .collect();
        datasets.sort_by_cached_key(ToString::to_string);
        datasets.dedup();

        let mut report = HealthDcatReport::default();
        if datasets.is_empty() {
            // Only the graph guard has something to say about a graph without datasets.
            let mut dg = DataGraph::from_graph(data);
            let r = validate_data(&mut dg, &self.guard, &OPTIONS);
            report.graph_results = r
                .results
                .into_iter()
                .map(|result| GraphResult { tier: None, result })
                .collect();
            return report;
        }

        let mut dg = DataGraph::from_graph(data);
        for t in vocabulary_background(data) {
            dg.insert(&Term::from(t.subject), &Term::from(t.predicate), &t.object);
        }

        let tiers: Vec<Option<Tier>> = datasets.iter().map(|d| tier_of(data, d.as_ref())).collect();
        report.datasets = datasets
            .iter()
            .zip(&tiers)
            .map(|(d, t)| DatasetVerdict {
                dataset: d.clone().into(),
                tier: *t,
                results: Vec::new(),
            })
            .collect();
        for (i, verdict) in report.datasets.iter_mut().enumerate() {
            if tiers[i].is_none() {
                verdict.results.push(ValidationResult {
                    focus_node: verdict.dataset.clone(),
                    result_path: Some(format!("<{}>", DCT_ACCESS_RIGHTS.as_str())),
                    value: None,
                    severity: Severity::Violation,
                    source_shape: NamedNode::new_unchecked(TIER_SHAPE).into(),
                    component: "sh:HasValueConstraintComponent".to_owned(),
                    message:
                        "dct:accessRights is not one of access-right/PUBLIC, RESTRICTED, NON_PUBLIC"
                            .to_owned(),
                });
            }
        }

        let type_term: Term = RDF_TYPE.into_owned().into();
        let dataset_term: Term = DCAT_DATASET.into_owned().into();
        let dataset_ids: Vec<Option<TermId>> =
            datasets.iter().map(|d| dg.id(&d.clone().into())).collect();
        // Same order as the reference validator's report: non-public, public, restricted.
        for tier in [Tier::NonPublic, Tier::Public, Tier::Restricted] {
            let members: Vec<usize> = (0..datasets.len())
                .filter(|i| tiers[*i] == Some(tier))
                .collect();
            if members.is_empty() {
                continue;
            }
            let hidden: Vec<(Term, Term, Term)> = (0..datasets.len())
                .filter(|i| tiers[*i] != Some(tier))
                .map(|i| {
                    (
                        datasets[i].clone().into(),
                        type_term.clone(),
                        dataset_term.clone(),
                    )
                })
                .collect();
            dg.remove_all(&hidden);
            let result = validate_data(&mut dg, &self.tiers[tier.index()], &OPTIONS);
            for (s, p, o) in &hidden {
                dg.insert(s, p, o);
            }
            let owners = owners(&dg, &members, &dataset_ids);
            for r in result.results {
                match dg.id(&r.focus_node).and_then(|f| owners.get(&f)) {
                    Some(&i) => report.datasets[i].results.push(r),
                    None => report.graph_results.push(GraphResult {
                        tier: Some(tier),
                        result: r,
                    }),
                }
            }
        }
        report
    }
}

/// Maps every node reachable from a member dataset (without entering another dataset)
/// to the first such dataset in sorted order.
fn owners(
    dg: &DataGraph,
    members: &[usize],
    dataset_ids: &[Option<TermId>],
) -> FastMap<TermId, usize> {
    let all_datasets: crate::fasthash::FastSet<TermId> =
        dataset_ids.iter().flatten().copied().collect();
    let mut owner: FastMap<TermId, usize> = FastMap::default();
    for &m in members {
        let Some(start) = dataset_ids[m] else {
            continue;
        };
        if owner.contains_key(&start) {
            continue;
        }
        owner.insert(start, m);
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            for (_, o) in dg.outgoing(n) {
                if all_datasets.contains(&o) || owner.contains_key(&o) {
                    continue;
                }
                owner.insert(o, m);
                stack.push(o);
            }
        }
    }
    owner
}
