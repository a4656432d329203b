//! SPARQL 1.1 Service Description of the endpoint, served on a GET without
//! `query`.

use crate::SparqlResponse;
use crate::error::SparqlError;
use crate::format::{GraphFormat, ResultsFormat};
use oxigraph::io::RdfSerializer;
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};

const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
const ENTAILMENT: &str = "http://www.w3.org/ns/entailment/";
const FORMATS: &str = "http://www.w3.org/ns/formats/";

fn sd(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SD}{local}"))
}

/// The triples of the service description of the endpoint at `endpoint_url`.
/// An `endpoint_url` that is not an absolute IRI is left out (with a warning)
/// rather than producing invalid RDF.
pub fn service_description_triples(endpoint_url: &str) -> Vec<Triple> {
    let service: NamedOrBlankNode = BlankNode::new_unchecked("service").into();
    let dataset: NamedOrBlankNode = BlankNode::new_unchecked("dataset").into();
    let default_graph: NamedOrBlankNode = BlankNode::new_unchecked("defaultGraph").into();
    let mut triples = Vec::new();
    let mut add = |s: &NamedOrBlankNode, p: NamedNode, o: Term| {
        triples.push(Triple::new(s.clone(), p, o));
    };

    add(&service, rdf::TYPE.into(), sd("Service").into());
    match NamedNode::new(endpoint_url) {
        Ok(endpoint) => add(&service, sd("endpoint"), endpoint.into()),
        Err(error) => tracing::warn!(
            endpoint_url,
            %error,
            "SPARQL endpoint URL is not an IRI; sd:endpoint left out of the service description"
        ),
    }
    add(
        &service,
        sd("supportedLanguage"),
        sd("SPARQL11Query").into(),
    );
    for format in ResultsFormat::ALL {
        add(
            &service,
            sd("resultFormat"),
            NamedNode::new_unchecked(format.format_iri()).into(),
        );
    }
    for format in GraphFormat::ALL {
        add(
            &service,
            sd("resultFormat"),
            NamedNode::new_unchecked(format.format_iri()).into(),
        );
    }
    add(&service, sd("feature"), sd("UnionDefaultGraph").into());
    add(
        &service,
        sd("defaultEntailmentRegime"),
        NamedNode::new_unchecked(format!("{ENTAILMENT}Simple")).into(),
    );
    add(&service, sd("defaultDataset"), dataset.clone().into());
    add(&dataset, rdf::TYPE.into(), sd("Dataset").into());
    add(
        &dataset,
        rdfs::COMMENT.into(),
        Literal::new_language_tagged_literal_unchecked(
            "Each catalogue record is stored in its own named graph. Unless the request \
             specifies a dataset (default-graph-uri / named-graph-uri parameters, or FROM / \
             FROM NAMED clauses), the default graph is the union of all named graphs and \
             every named graph is available to GRAPH patterns. A triple present in several \
             records is matched once per record in that union: use SELECT DISTINCT to \
             remove the repetitions.",
            "en",
        )
        .into(),
    );
    add(&dataset, sd("defaultGraph"), default_graph.clone().into());
    add(&default_graph, rdf::TYPE.into(), sd("Graph").into());
    triples
}

/// Serialises the service description of the endpoint at `endpoint_url`.
/// Returns the `Content-Type` and the body.
pub fn service_description(endpoint_url: &str, format: GraphFormat) -> (String, Vec<u8>) {
    let mut serializer = RdfSerializer::from_format(format.to_oxigraph());
    for (prefix, iri) in [
        ("sd", SD),
        ("ent", ENTAILMENT),
        ("formats", FORMATS),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ] {
        serializer = match serializer.clone().with_prefix(prefix, iri) {
            Ok(with_prefix) => with_prefix,
            Err(_) => serializer,
        };
    }
    let mut writer = serializer.for_writer(Vec::new());
    let mut body = Vec::new();
    let written = service_description_triples(endpoint_url)
        .iter()
        .try_for_each(|triple| writer.serialize_triple(triple))
        .and_then(|()| writer.finish());
    match written {
        Ok(bytes) => body = bytes,
        // Writing to memory does not fail in practice.
        Err(error) => tracing::error!(%error, "cannot serialise the SPARQL service description"),
    }
    (format.content_type().to_owned(), body)
}

/// Negotiates the format from an `Accept` value (typically the one carried
/// by [`crate::Prepared::ServiceDescription`]) and serialises the service
/// description.
pub fn service_description_response(
    endpoint_url: &str,
    accept: Option<&str>,
) -> Result<SparqlResponse, SparqlError> {
    let format = GraphFormat::negotiate(accept)?;
    let (content_type, body) = service_description(endpoint_url, format);
    Ok(SparqlResponse { content_type, body })
}
