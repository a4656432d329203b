//! RDF syntaxes: detection from media types and file names, parsing with positions in
//! errors, and serialisation with the catalogue's prefixes.

use crate::error::{CatalogueError, Position};
use crate::vocab::PREFIXES;
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser, RdfSerializer};
use oxrdf::Graph;

/// Everything the node imports: the W3C RDF syntaxes and Hublot's YAML authoring format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Rdf(RdfFormatName),
    Yaml,
}

/// The RDF syntaxes the node reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfFormatName {
    Turtle,
    TriG,
    NTriples,
    NQuads,
    RdfXml,
    JsonLd,
}

/// What the node writes (catalogue export, `/catalog`, `/datasets/{id}`).
pub type OutputFormat = RdfFormatName;

impl RdfFormatName {
    pub const ALL: [RdfFormatName; 6] = [
        Self::Turtle,
        Self::TriG,
        Self::NTriples,
        Self::NQuads,
        Self::RdfXml,
        Self::JsonLd,
    ];

    pub fn oxigraph(self) -> RdfFormat {
        match self {
            Self::Turtle => RdfFormat::Turtle,
            Self::TriG => RdfFormat::TriG,
            Self::NTriples => RdfFormat::NTriples,
            Self::NQuads => RdfFormat::NQuads,
            Self::RdfXml => RdfFormat::RdfXml,
            Self::JsonLd => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Turtle => "text/turtle",
            Self::TriG => "application/trig",
            Self::NTriples => "application/n-triples",
            Self::NQuads => "application/n-quads",
            Self::RdfXml => "application/rdf+xml",
            Self::JsonLd => "application/ld+json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Turtle => "ttl",
            Self::TriG => "trig",
            Self::NTriples => "nt",
            Self::NQuads => "nq",
            Self::RdfXml => "rdf",
            Self::JsonLd => "jsonld",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Turtle => "Turtle",
            Self::TriG => "TriG",
            Self::NTriples => "N-Triples",
            Self::NQuads => "N-Quads",
            Self::RdfXml => "RDF/XML",
            Self::JsonLd => "JSON-LD",
        }
    }

    /// From a media type (parameters ignored) such as `text/turtle; charset=utf-8`.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        Some(match essence.as_str() {
            "text/turtle" | "application/x-turtle" => Self::Turtle,
            "application/trig" => Self::TriG,
            "application/n-triples" | "text/plain" => Self::NTriples,
            "application/n-quads" => Self::NQuads,
            "application/rdf+xml" | "application/xml" | "text/xml" => Self::RdfXml,
            "application/ld+json" | "application/json" => Self::JsonLd,
            _ => return None,
        })
    }

    /// From a short name or file extension (`ttl`, `turtle`, `jsonld`, `rdf`, `xml`, …).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "ttl" | "turtle" => Self::Turtle,
            "trig" => Self::TriG,
            "nt" | "ntriples" | "n-triples" => Self::NTriples,
            "nq" | "nquads" | "n-quads" => Self::NQuads,
            "rdf" | "xml" | "rdfxml" | "rdf/xml" | "owl" => Self::RdfXml,
            "jsonld" | "json-ld" | "json" => Self::JsonLd,
            _ => return None,
        })
    }
}

impl InputFormat {
    /// From a file name's extension.
    pub fn from_path(path: &std::path::Path) -> Result<Self, CatalogueError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if ext == "yaml" || ext == "yml" {
            return Ok(Self::Yaml);
        }
        RdfFormatName::from_name(&ext)
            .map(Self::Rdf)
            .ok_or_else(|| {
                CatalogueError::UnsupportedFormat(format!(
                    "cannot tell the format of {} from its extension; use .ttl, .trig, .nt, .nq, .rdf, .jsonld, .yaml",
                    path.display()
                ))
            })
    }

    /// From an HTTP `Content-Type`.
    pub fn from_media_type(media_type: &str) -> Result<Self, CatalogueError> {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        if matches!(
            essence.to_ascii_lowercase().as_str(),
            "application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml"
        ) {
            return Ok(Self::Yaml);
        }
        RdfFormatName::from_media_type(essence)
            .map(Self::Rdf)
            .ok_or_else(|| {
                CatalogueError::UnsupportedFormat(format!(
                    "media type {essence:?} is not supported; send text/turtle, application/trig, application/n-triples, application/n-quads, application/rdf+xml, application/ld+json or application/yaml"
                ))
            })
    }
}

/// Parses an RDF document into one graph (the named graphs of TriG/N-Quads are merged).
/// Blank nodes are renamed so that two documents never share one by accident.
pub fn parse_rdf(
    data: &[u8],
    format: RdfFormatName,
    base_iri: Option<&str>,
) -> Result<Graph, CatalogueError> {
    let mut parser = RdfParser::from_format(format.oxigraph())
        .without_named_graphs_merged()
        .rename_blank_nodes();
    if let Some(base) = base_iri {
        parser = parser
            .with_base_iri(base)
            .map_err(|e| CatalogueError::InvalidRecord(format!("invalid base IRI: {e}")))?;
    }
    let mut graph = Graph::new();
    for quad in parser.for_slice(data) {
        let quad = quad.map_err(|e| syntax_error(format, data, e))?;
        graph.insert(oxrdf::TripleRef::new(
            &quad.subject,
            &quad.predicate,
            &quad.object,
        ));
    }
    Ok(graph)
}

trait MergeGraphs {
    fn without_named_graphs_merged(self) -> Self;
}

impl MergeGraphs for RdfParser {
    /// Quads keep their graph name here; [`parse_rdf`] drops it when building the graph.
    fn without_named_graphs_merged(self) -> Self {
        self
    }
}

fn syntax_error(
    format: RdfFormatName,
    data: &[u8],
    e: oxigraph::io::RdfSyntaxError,
) -> CatalogueError {
    let position = e.location().map(|r| Position {
        line: r.start.line + 1,
        column: r.start.column + 1,
    });
    let mut message = e.to_string();
    if position.is_none() && format == RdfFormatName::RdfXml {
        // RDF/XML errors carry no position; give the reader a hint of where.
        message = format!("{message} (document of {} bytes)", data.len());
    }
    CatalogueError::Syntax {
        format: format.name(),
        position,
        message,
    }
}

/// Serialises triples in the given syntax with the catalogue's prefixes.
pub fn serialize_triples<'a>(
    triples: impl IntoIterator<Item = oxrdf::TripleRef<'a>>,
    format: RdfFormatName,
) -> Result<Vec<u8>, CatalogueError> {
    let mut serializer = RdfSerializer::from_format(format.oxigraph());
    if matches!(
        format,
        RdfFormatName::Turtle | RdfFormatName::TriG | RdfFormatName::RdfXml
    ) {
        for (prefix, iri) in PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, *iri)
                .map_err(|e| CatalogueError::Store(e.to_string()))?;
        }
    }
    let mut writer = serializer.for_writer(Vec::with_capacity(64 * 1024));
    for t in triples {
        writer.serialize_triple(t)?;
    }
    Ok(writer.finish()?)
}

/// Serialises a graph.
pub fn serialize_graph(graph: &Graph, format: RdfFormatName) -> Result<Vec<u8>, CatalogueError> {
    serialize_triples(graph.iter(), format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turtle_error_has_position() {
        let err = parse_rdf(
            b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b \"unterminated .\n",
            RdfFormatName::Turtle,
            None,
        )
        .unwrap_err();
        match err {
            CatalogueError::Syntax { position, .. } => {
                assert_eq!(position.expect("position").line, 3);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn every_format_round_trips() {
        let g = parse_rdf(
            b"@prefix ex: <http://example.org/> . ex:a ex:b \"c\"@fr ; ex:d [ ex:e 1 ] .",
            RdfFormatName::Turtle,
            None,
        )
        .unwrap();
        for f in RdfFormatName::ALL {
            let bytes = serialize_graph(&g, f).unwrap();
            let mut back = parse_rdf(&bytes, f, None).unwrap();
            let mut orig = g.clone();
            orig.canonicalize(oxrdf::graph::CanonicalizationAlgorithm::Unstable);
            back.canonicalize(oxrdf::graph::CanonicalizationAlgorithm::Unstable);
            assert_eq!(orig, back, "{} round trip", f.name());
        }
    }

    #[test]
    fn media_types() {
        assert_eq!(
            InputFormat::from_media_type("text/turtle; charset=utf-8").unwrap(),
            InputFormat::Rdf(RdfFormatName::Turtle)
        );
        assert_eq!(
            InputFormat::from_media_type("application/yaml").unwrap(),
            InputFormat::Yaml
        );
        assert!(InputFormat::from_media_type("image/png").is_err());
    }
}
