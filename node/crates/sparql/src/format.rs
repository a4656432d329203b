//! Result formats and HTTP content negotiation (`Accept` header with q-values
//! and wildcards, plus the non-standard but widespread `format` parameter).

use crate::error::SparqlError;
use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::results::QueryResultsFormat;

/// The four SPARQL query forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryForm {
    Select,
    Ask,
    Construct,
    Describe,
}

impl QueryForm {
    /// The SPARQL keyword of this form.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Select => "SELECT",
            Self::Ask => "ASK",
            Self::Construct => "CONSTRUCT",
            Self::Describe => "DESCRIBE",
        }
    }

    /// The output formats available for this form, in the order of the
    /// endpoint's preference (the first one is the default).
    pub fn available_formats(self) -> &'static [OutputFormat] {
        const SELECT: &[OutputFormat] = &[
            OutputFormat::Results(ResultsFormat::Json),
            OutputFormat::Results(ResultsFormat::Xml),
            OutputFormat::Results(ResultsFormat::Csv),
            OutputFormat::Results(ResultsFormat::Tsv),
        ];
        // CSV/TSV have no standard boolean serialisation, so ASK offers
        // only JSON and XML.
        const ASK: &[OutputFormat] = &[
            OutputFormat::Results(ResultsFormat::Json),
            OutputFormat::Results(ResultsFormat::Xml),
        ];
        const GRAPH: &[OutputFormat] = &[
            OutputFormat::Graph(GraphFormat::Turtle),
            OutputFormat::Graph(GraphFormat::NTriples),
            OutputFormat::Graph(GraphFormat::RdfXml),
            OutputFormat::Graph(GraphFormat::JsonLd),
            OutputFormat::Graph(GraphFormat::NQuads),
            OutputFormat::Graph(GraphFormat::TriG),
        ];
        match self {
            Self::Select => SELECT,
            Self::Ask => ASK,
            Self::Construct | Self::Describe => GRAPH,
        }
    }
}

/// Serialisations of SELECT and ASK results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultsFormat {
    Json,
    Xml,
    Csv,
    Tsv,
}

impl ResultsFormat {
    pub const ALL: [Self; 4] = [Self::Json, Self::Xml, Self::Csv, Self::Tsv];

    /// The canonical media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Json => "application/sparql-results+json",
            Self::Xml => "application/sparql-results+xml",
            Self::Csv => "text/csv",
            Self::Tsv => "text/tab-separated-values",
        }
    }

    /// The `Content-Type` header value of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/sparql-results+json",
            Self::Xml => "application/sparql-results+xml",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Tsv => "text/tab-separated-values; charset=utf-8",
        }
    }

    /// The W3C "Unique URIs for file formats" IRI (used by `sd:resultFormat`).
    pub fn format_iri(self) -> &'static str {
        match self {
            Self::Json => "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
            Self::Xml => "http://www.w3.org/ns/formats/SPARQL_Results_XML",
            Self::Csv => "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
            Self::Tsv => "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        }
    }

    /// Media types accepted as a request for this format: the canonical one
    /// first, then the generic aliases clients commonly send.
    fn accepted_media_types(self) -> &'static [&'static str] {
        match self {
            Self::Json => &["application/sparql-results+json", "application/json"],
            Self::Xml => &[
                "application/sparql-results+xml",
                "application/xml",
                "text/xml",
            ],
            Self::Csv => &["text/csv"],
            Self::Tsv => &["text/tab-separated-values"],
        }
    }

    pub(crate) fn to_oxigraph(self) -> QueryResultsFormat {
        match self {
            Self::Json => QueryResultsFormat::Json,
            Self::Xml => QueryResultsFormat::Xml,
            Self::Csv => QueryResultsFormat::Csv,
            Self::Tsv => QueryResultsFormat::Tsv,
        }
    }
}

/// RDF serialisations of CONSTRUCT and DESCRIBE results and of the service
/// description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GraphFormat {
    #[default]
    Turtle,
    NTriples,
    RdfXml,
    JsonLd,
    NQuads,
    TriG,
}

impl GraphFormat {
    pub const ALL: [Self; 6] = [
        Self::Turtle,
        Self::NTriples,
        Self::RdfXml,
        Self::JsonLd,
        Self::NQuads,
        Self::TriG,
    ];

    /// The canonical media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Turtle => "text/turtle",
            Self::NTriples => "application/n-triples",
            Self::RdfXml => "application/rdf+xml",
            Self::JsonLd => "application/ld+json",
            Self::NQuads => "application/n-quads",
            Self::TriG => "application/trig",
        }
    }

    /// The `Content-Type` header value of a response in this format.
    pub fn content_type(self) -> &'static str {
        self.media_type()
    }

    /// The W3C "Unique URIs for file formats" IRI (used by `sd:resultFormat`).
    pub fn format_iri(self) -> &'static str {
        match self {
            Self::Turtle => "http://www.w3.org/ns/formats/Turtle",
            Self::NTriples => "http://www.w3.org/ns/formats/N-Triples",
            Self::RdfXml => "http://www.w3.org/ns/formats/RDF_XML",
            Self::JsonLd => "http://www.w3.org/ns/formats/JSON-LD",
            Self::NQuads => "http://www.w3.org/ns/formats/N-Quads",
            Self::TriG => "http://www.w3.org/ns/formats/TriG",
        }
    }

    fn accepted_media_types(self) -> &'static [&'static str] {
        match self {
            Self::Turtle => &["text/turtle", "application/x-turtle"],
            Self::NTriples => &["application/n-triples", "text/plain"],
            Self::RdfXml => &["application/rdf+xml", "application/xml", "text/xml"],
            Self::JsonLd => &["application/ld+json", "application/json"],
            Self::NQuads => &["application/n-quads", "text/x-nquads"],
            Self::TriG => &["application/trig", "application/x-trig"],
        }
    }

    pub(crate) fn to_oxigraph(self) -> RdfFormat {
        match self {
            Self::Turtle => RdfFormat::Turtle,
            Self::NTriples => RdfFormat::NTriples,
            Self::RdfXml => RdfFormat::RdfXml,
            Self::JsonLd => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
            Self::NQuads => RdfFormat::NQuads,
            Self::TriG => RdfFormat::TriG,
        }
    }

    /// Chooses the RDF format of the service description from an `Accept`
    /// header (Turtle when absent or `*/*`).
    pub fn negotiate(accept: Option<&str>) -> Result<Self, SparqlError> {
        let candidates = Self::ALL.map(OutputFormat::Graph);
        match negotiate(accept, &candidates) {
            Some(OutputFormat::Graph(format)) => Ok(format),
            _ => Err(not_acceptable(accept, "service description", &candidates)),
        }
    }
}

/// The format of a query response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    Results(ResultsFormat),
    Graph(GraphFormat),
}

impl OutputFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Results(f) => f.media_type(),
            Self::Graph(f) => f.media_type(),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Results(f) => f.content_type(),
            Self::Graph(f) => f.content_type(),
        }
    }

    fn accepted_media_types(self) -> &'static [&'static str] {
        match self {
            Self::Results(f) => f.accepted_media_types(),
            Self::Graph(f) => f.accepted_media_types(),
        }
    }
}

/// Translates a `format` request parameter into an equivalent `Accept`
/// header value. Short names are resolved to every media type they may mean
/// (`json` is SPARQL JSON results for SELECT/ASK and JSON-LD for graphs); a
/// value containing `/` is taken as a media type.
pub(crate) fn format_param_to_accept(value: &str) -> Result<String, SparqlError> {
    let value = value.trim();
    if value.contains('/') {
        return Ok(value.to_owned());
    }
    let accept = match value.to_ascii_lowercase().as_str() {
        "json" | "srj" => "application/sparql-results+json, application/ld+json",
        "xml" | "srx" => "application/sparql-results+xml, application/rdf+xml",
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "turtle" | "ttl" => "text/turtle",
        // Turtle is a subset of N3: an N3 client reads it.
        "n3" => "text/turtle",
        "ntriples" | "n-triples" | "nt" => "application/n-triples",
        "rdfxml" | "rdf+xml" | "rdf/xml" | "rdf" | "owl" => "application/rdf+xml",
        "jsonld" | "json-ld" => "application/ld+json",
        "nquads" | "n-quads" | "nq" => "application/n-quads",
        "trig" => "application/trig",
        _ => {
            return Err(SparqlError::BadRequest(format!(
                "unknown value {value:?} for the format parameter; use one of json, xml, csv, \
                 tsv, turtle, ntriples, rdfxml, jsonld, nquads, trig or a media type"
            )));
        }
    };
    Ok(accept.to_owned())
}

/// One media range of an `Accept` header.
#[derive(Debug, PartialEq)]
struct MediaRange {
    /// Lower-cased main type, `*` for a wildcard.
    main: String,
    /// Lower-cased subtype, `*` for a wildcard.
    sub: String,
    /// Quality in `[0, 1]`.
    q: f32,
}

impl MediaRange {
    /// How specifically this range matches `media_type` (already lower-case
    /// `type/subtype`): 3 exact, 2 `type/*`, 1 `*/*`, `None` no match.
    fn specificity(&self, media_type: &str) -> Option<u8> {
        let (main, sub) = media_type.split_once('/')?;
        if self.main == "*" {
            Some(1)
        } else if self.main != main {
            None
        } else if self.sub == "*" {
            Some(2)
        } else if self.sub == sub {
            Some(3)
        } else {
            None
        }
    }
}

/// Parses an `Accept` header leniently: malformed ranges are skipped,
/// parameters other than `q` are ignored, an invalid `q` counts as 1.
fn parse_accept(accept: &str) -> Vec<MediaRange> {
    let mut ranges = Vec::new();
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let (main, sub) = match media.split_once('/') {
            Some((main, sub)) => (main.trim().to_owned(), sub.trim().to_owned()),
            // Some clients send a bare `*`.
            None if media == "*" => ("*".to_owned(), "*".to_owned()),
            None => continue,
        };
        if main.is_empty() || sub.is_empty() || (main == "*" && sub != "*") {
            continue;
        }
        let mut q = 1.0_f32;
        for param in pieces {
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("q")
            {
                q = value
                    .trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| q.is_finite())
                    .map_or(1.0, |q| q.clamp(0.0, 1.0));
                // Parameters after q are accept-extensions, not media type parameters.
                break;
            }
        }
        ranges.push(MediaRange { main, sub, q });
    }
    ranges
}

/// Picks the best of `candidates` (ordered by the endpoint's preference) for
/// an `Accept` header. Without a header, or with an empty one, the first
/// candidate wins.
///
/// Each format gets the quality of the most specific range matching it
/// (so `text/*;q=0.5, text/csv;q=0` excludes CSV). Candidates are ranked by
/// quality, then specificity of the match, then the position of the matching
/// range in the header, then the endpoint's preference. Quality 0 means
/// "not acceptable".
pub(crate) fn negotiate(accept: Option<&str>, candidates: &[OutputFormat]) -> Option<OutputFormat> {
    let accept = accept.map(str::trim).filter(|a| !a.is_empty());
    let Some(accept) = accept else {
        return candidates.first().copied();
    };
    let ranges = parse_accept(accept);
    if ranges.is_empty() {
        // Nothing understandable: behave as if no preference was expressed.
        return candidates.first().copied();
    }

    // (q, specificity, range index, candidate index) of the best candidate so far.
    let mut best: Option<(f32, u8, usize, usize)> = None;
    for (candidate_index, candidate) in candidates.iter().enumerate() {
        let media_types = candidate.accepted_media_types();
        // The most specific range matching this candidate decides its
        // quality; among equally specific ranges the highest quality wins.
        // Aliases only count for exact matches, so that `text/*` does not
        // select XML through `text/xml`, and an explicit `q=0` on the
        // canonical type is not overridden by a wildcard matching an alias.
        let mut decisive: Option<(f32, u8, usize)> = None;
        for (range_index, range) in ranges.iter().enumerate() {
            let spec = if media_types.iter().any(|m| range.specificity(m) == Some(3)) {
                Some(3)
            } else {
                range.specificity(candidate.media_type())
            };
            let Some(spec) = spec else { continue };
            let better = match decisive {
                None => true,
                Some((q, s, _)) => spec > s || (spec == s && range.q > q),
            };
            if better {
                decisive = Some((range.q, spec, range_index));
            }
        }
        let Some((q, spec, range_index)) = decisive else {
            continue;
        };
        if q <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bq, bs, bi, _)) => is_better((q, spec, range_index), (bq, bs, bi)),
        };
        if better {
            best = Some((q, spec, range_index, candidate_index));
        }
    }
    best.map(|(_, _, _, index)| candidates[index])
}

/// Ranking of two (quality, specificity, range position) triples; ties keep
/// the earlier (endpoint-preferred) candidate.
fn is_better(a: (f32, u8, usize), b: (f32, u8, usize)) -> bool {
    if a.0 != b.0 {
        return a.0 > b.0;
    }
    if a.1 != b.1 {
        return a.1 > b.1;
    }
    a.2 < b.2
}

pub(crate) fn not_acceptable(
    accept: Option<&str>,
    form: &'static str,
    candidates: &[OutputFormat],
) -> SparqlError {
    SparqlError::NotAcceptable {
        requested: accept.unwrap_or("").trim().to_owned(),
        form,
        available: candidates
            .iter()
            .map(|c| c.media_type())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(accept: &str) -> Option<OutputFormat> {
        negotiate(Some(accept), QueryForm::Select.available_formats())
    }

    fn graph(accept: &str) -> Option<OutputFormat> {
        negotiate(Some(accept), QueryForm::Construct.available_formats())
    }

    use OutputFormat::{Graph, Results};

    #[test]
    fn parses_ranges_and_q_values() {
        let ranges =
            parse_accept("Text/CSV;q=0.5, */*;q=0.1 , application/json;charset=x;q=oops, bad");
        assert_eq!(
            ranges,
            vec![
                MediaRange {
                    main: "text".into(),
                    sub: "csv".into(),
                    q: 0.5
                },
                MediaRange {
                    main: "*".into(),
                    sub: "*".into(),
                    q: 0.1
                },
                MediaRange {
                    main: "application".into(),
                    sub: "json".into(),
                    q: 1.0
                },
            ]
        );
    }

    #[test]
    fn defaults_without_preference() {
        assert_eq!(
            negotiate(None, QueryForm::Select.available_formats()),
            Some(Results(ResultsFormat::Json))
        );
        assert_eq!(select("*/*"), Some(Results(ResultsFormat::Json)));
        assert_eq!(select("  "), Some(Results(ResultsFormat::Json)));
        assert_eq!(graph("*/*"), Some(Graph(GraphFormat::Turtle)));
        assert_eq!(
            negotiate(None, QueryForm::Describe.available_formats()),
            Some(Graph(GraphFormat::Turtle))
        );
    }

    #[test]
    fn q_values_rank() {
        assert_eq!(
            select("application/sparql-results+xml;q=0.5, text/csv;q=0.9"),
            Some(Results(ResultsFormat::Csv))
        );
        assert_eq!(
            select("application/sparql-results+json;q=0, */*;q=0.1"),
            Some(Results(ResultsFormat::Xml))
        );
        assert_eq!(
            select("text/*;q=0.5, text/csv;q=0"),
            Some(Results(ResultsFormat::Tsv))
        );
        assert_eq!(
            graph("application/n-triples;q=0.2, application/ld+json;q=0.8"),
            Some(Graph(GraphFormat::JsonLd))
        );
    }

    #[test]
    fn wildcards_and_aliases() {
        assert_eq!(select("text/*"), Some(Results(ResultsFormat::Csv)));
        assert_eq!(
            select("application/json"),
            Some(Results(ResultsFormat::Json))
        );
        assert_eq!(graph("application/json"), Some(Graph(GraphFormat::JsonLd)));
        assert_eq!(graph("application/xml"), Some(Graph(GraphFormat::RdfXml)));
        // A browser: XML at 0.9 beats the catch-all at 0.8.
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(select(browser), Some(Results(ResultsFormat::Xml)));
        assert_eq!(graph(browser), Some(Graph(GraphFormat::RdfXml)));
        // An explicit type beats a wildcard of the same quality.
        assert_eq!(
            select("*/*, text/tab-separated-values"),
            Some(Results(ResultsFormat::Tsv))
        );
        // Equal quality and specificity: the client's order decides.
        assert_eq!(
            select("application/sparql-results+xml, application/sparql-results+json"),
            Some(Results(ResultsFormat::Xml))
        );
    }

    #[test]
    fn not_acceptable_cases() {
        assert_eq!(select("application/rdf+xml"), None);
        assert_eq!(graph("application/sparql-results+json"), None);
        assert_eq!(select("*/*;q=0"), None);
        assert_eq!(
            negotiate(Some("text/csv"), QueryForm::Ask.available_formats()),
            None
        );
    }

    #[test]
    fn format_parameter() {
        let accept = format_param_to_accept("json").unwrap();
        assert_eq!(select(&accept), Some(Results(ResultsFormat::Json)));
        assert_eq!(graph(&accept), Some(Graph(GraphFormat::JsonLd)));
        let accept = format_param_to_accept("XML").unwrap();
        assert_eq!(graph(&accept), Some(Graph(GraphFormat::RdfXml)));
        let accept = format_param_to_accept("text/tab-separated-values").unwrap();
        assert_eq!(select(&accept), Some(Results(ResultsFormat::Tsv)));
        assert_eq!(select(&format_param_to_accept("turtle").unwrap()), None);
        assert!(matches!(
            format_param_to_accept("yaml"),
            Err(SparqlError::BadRequest(_))
        ));
    }

    #[test]
    fn service_description_negotiation() {
        assert_eq!(GraphFormat::negotiate(None).unwrap(), GraphFormat::Turtle);
        assert_eq!(
            GraphFormat::negotiate(Some("application/rdf+xml")).unwrap(),
            GraphFormat::RdfXml
        );
        assert_eq!(
            GraphFormat::negotiate(Some("text/csv"))
                .unwrap_err()
                .status(),
            406
        );
    }
}
