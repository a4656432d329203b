//! The DCAT harvest query mix: what a national catalogue or a portal asks a node's SPARQL
//! endpoint when it harvests or browses it. Each kind takes a variant number so that
//! successive requests page, pick other datasets, themes, dates or words.

use crate::generate::{ACCESS_RIGHT, DATA_THEME, Profile, SECONDARY_THEMES};
use anyhow::{Context, bail};
use std::collections::BTreeMap;

const PREFIXES: &str = "PREFIX dcat: <http://www.w3.org/ns/dcat#>\n\
PREFIX dct: <http://purl.org/dc/terms/>\n\
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n";

/// Words searched in keywords (all occur in the generated catalogue).
const WORDS: [&str; 10] = [
    "diabetes",
    "cancer",
    "stroke",
    "registry",
    "imaging",
    "covid",
    "neurology",
    "asthma",
    "surgery",
    "infectious",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    ListPage,
    Count,
    Facets,
    ByTheme,
    DatasetGraph,
    Describe,
    ModifiedSince,
    KeywordSearch,
    Distributions,
}

pub const KINDS: [Kind; 9] = [
    Kind::ListPage,
    Kind::Count,
    Kind::Facets,
    Kind::ByTheme,
    Kind::DatasetGraph,
    Kind::Describe,
    Kind::ModifiedSince,
    Kind::KeywordSearch,
    Kind::Distributions,
];

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::ListPage => "list datasets + titles (page of 100)",
            Kind::Count => "count datasets",
            Kind::Facets => "count by access rights (GROUP BY)",
            Kind::ByTheme => "datasets by theme (page of 100)",
            Kind::DatasetGraph => "one dataset + distributions (CONSTRUCT)",
            Kind::Describe => "one dataset (DESCRIBE)",
            Kind::ModifiedSince => "modified since a date (100 newest)",
            Kind::KeywordSearch => "keyword CONTAINS(LCASE) search",
            Kind::Distributions => "distributions + access URLs (page of 100)",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Kind::ListPage => "list",
            Kind::Count => "count",
            Kind::Facets => "facets",
            Kind::ByTheme => "theme",
            Kind::DatasetGraph => "construct",
            Kind::Describe => "describe",
            Kind::ModifiedSince => "modified",
            Kind::KeywordSearch => "keyword",
            Kind::Distributions => "distributions",
        }
    }

    /// CONSTRUCT and DESCRIBE answer RDF; the others SPARQL results.
    pub fn is_graph(self) -> bool {
        matches!(self, Kind::DatasetGraph | Kind::Describe)
    }

    pub fn accept(self) -> &'static str {
        if self.is_graph() {
            "application/n-triples"
        } else {
            "application/sparql-results+json"
        }
    }
}

/// Builds the queries for a catalogue of `datasets` records generated with `seed`.
#[derive(Debug, Clone)]
pub struct Mix {
    pub datasets: usize,
    pub seed: u64,
}

impl Mix {
    /// The query of request number `n` (kinds in turn, variants changing each round).
    pub fn query(&self, n: u64) -> (Kind, String) {
        let kind = KINDS[(n % KINDS.len() as u64) as usize];
        let variant = n / KINDS.len() as u64;
        (kind, self.text(kind, variant))
    }

    pub fn text(&self, kind: Kind, v: u64) -> String {
        let pages = (self.datasets / 100).max(1) as u64;
        let offset = (v % pages) * 100;
        // A dataset picked across the whole catalogue.
        let pick = ((v.wrapping_mul(7919)) % self.datasets as u64) as usize;
        let body = match kind {
            Kind::ListPage => format!(
                "SELECT ?d ?title WHERE {{ ?d a dcat:Dataset ; dct:title ?title }} ORDER BY ?d ?title LIMIT 100 OFFSET {offset}"
            ),
            Kind::Count => "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset }".to_owned(),
            Kind::Facets => "SELECT ?rights (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset ; dct:accessRights ?rights } GROUP BY ?rights ORDER BY ?rights".to_owned(),
            Kind::ByTheme => {
                let theme = SECONDARY_THEMES[(v % SECONDARY_THEMES.len() as u64) as usize];
                let offset = ((v / SECONDARY_THEMES.len() as u64) % 3) * 100;
                format!(
                    "SELECT ?d ?title WHERE {{ ?d a dcat:Dataset ; dcat:theme <{DATA_THEME}{theme}> ; dct:title ?title }} ORDER BY ?d ?title LIMIT 100 OFFSET {offset}"
                )
            }
            Kind::DatasetGraph => {
                let d = Profile::new(self.seed, pick).dataset_iri;
                format!(
                    "CONSTRUCT {{ <{d}> ?p ?o . ?dist ?dp ?do }} WHERE {{ {{ <{d}> ?p ?o }} UNION {{ <{d}> dcat:distribution ?dist . ?dist ?dp ?do }} }}"
                )
            }
            Kind::Describe => {
                let d = Profile::new(self.seed, pick).dataset_iri;
                format!("DESCRIBE <{d}>")
            }
            Kind::ModifiedSince => {
                // A date in 2024–2025.
                let day = time::Date::from_calendar_date(2024, time::Month::January, 1)
                    .expect("valid date")
                    + time::Duration::days((v % 700) as i64);
                format!(
                    "SELECT ?d ?title ?modified WHERE {{ ?d a dcat:Dataset ; dct:modified ?modified ; dct:title ?title FILTER(?modified >= \"{day}\"^^xsd:date) }} ORDER BY DESC(?modified) ?d ?title LIMIT 100"
                )
            }
            Kind::KeywordSearch => {
                let word = WORDS[(v % WORDS.len() as u64) as usize];
                format!(
                    "SELECT DISTINCT ?d ?title WHERE {{ ?d a dcat:Dataset ; dct:title ?title ; dcat:keyword ?kw FILTER(CONTAINS(LCASE(STR(?kw)), \"{word}\")) }} ORDER BY ?d ?title LIMIT 100"
                )
            }
            Kind::Distributions => {
                // About 15 % of the records are PUBLIC, with two distributions each.
                let pages = (self.datasets as u64 * 3 / 1000).max(1);
                let offset = (v % pages) * 100;
                format!(
                    "SELECT ?d ?dist ?url ?format WHERE {{ ?d a dcat:Dataset ; dct:accessRights <{ACCESS_RIGHT}PUBLIC> ; dcat:distribution ?dist . ?dist dcat:accessURL ?url . OPTIONAL {{ ?dist dct:format ?format }} }} ORDER BY ?d ?dist ?url LIMIT 100 OFFSET {offset}"
                )
            }
        };
        format!("{PREFIXES}{body}")
    }
}

/// A result reduced to what can be compared across servers: its size and its rows (or
/// triples) as sorted canonical lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub count: usize,
    pub lines: Vec<String>,
}

/// Reads a SPARQL JSON result or an N-Triples document.
pub fn answer(kind: Kind, body: &[u8]) -> anyhow::Result<Answer> {
    let mut lines = Vec::new();
    if kind.is_graph() {
        for t in
            oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NTriples).for_slice(body)
        {
            let t = t.context("reading an N-Triples answer")?;
            lines.push(format!("{} {} {}", t.subject, t.predicate, t.object));
        }
        lines.sort();
        lines.dedup();
    } else {
        let v: serde_json::Value =
            serde_json::from_slice(body).context("reading a SPARQL JSON answer")?;
        let Some(rows) = v["results"]["bindings"].as_array() else {
            bail!(
                "not a SPARQL SELECT result: {}",
                String::from_utf8_lossy(body)
            );
        };
        for row in rows {
            // Sorted by variable name; each value with its type, datatype and language.
            let row: BTreeMap<String, String> = row
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, term)| {
                    let datatype = term["datatype"].as_str().unwrap_or("");
                    // Numbers may be written with or without an explicit xsd:string.
                    (
                        k.clone(),
                        format!(
                            "{}|{}|{}|{}",
                            term["type"].as_str().unwrap_or(""),
                            term["value"].as_str().unwrap_or(""),
                            if datatype == "http://www.w3.org/2001/XMLSchema#string" {
                                ""
                            } else {
                                datatype
                            },
                            term["xml:lang"].as_str().unwrap_or("")
                        ),
                    )
                })
                .collect();
            lines.push(format!("{row:?}"));
        }
        lines.sort();
    }
    Ok(Answer {
        count: lines.len(),
        lines,
    })
}

/// Sends one query; returns the body of a 200 answer.
pub async fn send(
    client: &reqwest::Client,
    url: &str,
    kind: Kind,
    query: &str,
) -> anyhow::Result<impl std::ops::Deref<Target = [u8]> + use<>> {
    let r = client
        .post(url)
        .header("content-type", "application/sparql-query")
        .header("accept", kind.accept())
        .body(query.to_owned())
        .send()
        .await?;
    let status = r.status();
    let body = r.bytes().await?;
    if !status.is_success() {
        bail!(
            "HTTP {status} from {url}: {}",
            String::from_utf8_lossy(&body[..body.len().min(500)])
        );
    }
    Ok(body)
}
