//! End-to-end tests of the SPARQL Protocol layer over an in-memory store.

use hublot_sparql::{
    DatasetSource, GraphFormat, OutputFormat, Prepared, PreparedQuery, ProtocolRequest, QueryForm,
    ResultsFormat, SparqlError, SparqlLimits, SparqlResponse, abandoned_evaluations, execute,
    prepare, service_description, service_description_response,
};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term, Triple};
use oxigraph::sparql::QuerySolution;
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput,
};
use oxigraph::store::Store;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use std::time::{Duration, Instant};

const DCAT_DATASET: &str = "http://www.w3.org/ns/dcat#Dataset";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCT_TITLE: &str = "http://purl.org/dc/terms/title";
const G1: &str = "https://node.example/record/1";
const G2: &str = "https://node.example/record/2";
const G3: &str = "https://node.example/record/3";

fn nn(iri: &str) -> NamedNode {
    NamedNode::new(iri).unwrap()
}

/// Three catalogue records, each in its own named graph.
fn catalogue() -> Store {
    let store = Store::new().unwrap();
    for (graph, dataset, title) in [
        (G1, "https://data.example/ds/1", "One"),
        (G2, "https://data.example/ds/2", "Two"),
        (G3, "https://data.example/ds/3", "Three"),
    ] {
        let graph = GraphName::NamedNode(nn(graph));
        store
            .insert(&Quad::new(
                nn(dataset),
                nn(RDF_TYPE),
                nn(DCAT_DATASET),
                graph.clone(),
            ))
            .unwrap();
        store
            .insert(&Quad::new(
                nn(dataset),
                nn(DCT_TITLE),
                Literal::new_simple_literal(title),
                graph,
            ))
            .unwrap();
    }
    store
}

fn enc(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

fn get_request<'a>(url_query: &'a str, accept: Option<&'a str>) -> ProtocolRequest<'a> {
    ProtocolRequest {
        method_is_post: false,
        url_query: Some(url_query),
        content_type: None,
        body: &[],
        accept,
    }
}

fn prepared(request: &ProtocolRequest<'_>) -> PreparedQuery {
    match prepare(request, &SparqlLimits::default()).unwrap() {
        Prepared::Query(query) => query,
        Prepared::ServiceDescription { .. } => panic!("expected a query"),
    }
}

fn run(store: &Store, request: &ProtocolRequest<'_>) -> Result<SparqlResponse, SparqlError> {
    run_with(store, request, &SparqlLimits::default())
}

fn run_with(
    store: &Store,
    request: &ProtocolRequest<'_>,
    limits: &SparqlLimits,
) -> Result<SparqlResponse, SparqlError> {
    match prepare(request, limits)? {
        Prepared::Query(query) => execute(store, &query, limits),
        Prepared::ServiceDescription { .. } => panic!("expected a query"),
    }
}

fn run_get(store: &Store, query: &str) -> SparqlResponse {
    let url_query = format!("query={}", enc(query));
    run(store, &get_request(&url_query, None)).unwrap()
}

fn run_get_err(store: &Store, url_query: &str) -> SparqlError {
    run(store, &get_request(url_query, None)).unwrap_err()
}

fn results_format(content_type: &str) -> QueryResultsFormat {
    QueryResultsFormat::from_media_type(content_type)
        .unwrap_or_else(|| panic!("not a results media type: {content_type}"))
}

fn solutions(response: &SparqlResponse) -> Vec<QuerySolution> {
    let parser = QueryResultsParser::from_format(results_format(&response.content_type));
    match parser.for_slice(&response.body).unwrap() {
        SliceQueryResultsParserOutput::Solutions(solutions) => {
            solutions.collect::<Result<_, _>>().unwrap()
        }
        SliceQueryResultsParserOutput::Boolean(_) => panic!("expected solutions"),
    }
}

fn boolean(response: &SparqlResponse) -> bool {
    let parser = QueryResultsParser::from_format(results_format(&response.content_type));
    match parser.for_slice(&response.body).unwrap() {
        SliceQueryResultsParserOutput::Boolean(value) => value,
        SliceQueryResultsParserOutput::Solutions(_) => panic!("expected a boolean"),
    }
}

fn triples(response: &SparqlResponse) -> Vec<Triple> {
    let format = RdfFormat::from_media_type(&response.content_type)
        .unwrap_or_else(|| panic!("not an RDF media type: {}", response.content_type));
    RdfParser::from_format(format)
        .for_slice(&response.body)
        .map(|quad| Triple::from(quad.unwrap()))
        .collect()
}

/// Sorted string values of `variable` in the solutions.
fn column(response: &SparqlResponse, variable: &str) -> Vec<String> {
    let mut values: Vec<String> = solutions(response)
        .iter()
        .filter_map(|s| s.get(variable).map(term_value))
        .collect();
    values.sort();
    values
}

fn term_value(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n.as_str().to_owned(),
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
}

const TITLES: &str = "SELECT ?title WHERE { ?ds <http://purl.org/dc/terms/title> ?title }";

// ---------------------------------------------------------------------------
// Protocol forms
// ---------------------------------------------------------------------------

#[test]
fn get_with_query_parameter() {
    let store = catalogue();
    let response = run_get(&store, TITLES);
    assert_eq!(response.content_type, "application/sparql-results+json");
    assert_eq!(column(&response, "title"), ["One", "Three", "Two"]);
}

#[test]
fn get_with_plus_encoded_spaces() {
    let store = catalogue();
    let url_query = "query=ASK+%7B+%3Fs+%3Fp+%3Fo+%7D";
    let response = run(&store, &get_request(url_query, None)).unwrap();
    assert!(boolean(&response));
}

#[test]
fn post_form() {
    let store = catalogue();
    let body = format!("query={}&default-graph-uri={}", enc(TITLES), enc(G2));
    let request = ProtocolRequest {
        method_is_post: true,
        url_query: None,
        content_type: Some("application/x-www-form-urlencoded; charset=UTF-8"),
        body: body.as_bytes(),
        accept: Some("application/sparql-results+xml"),
    };
    let response = run(&store, &request).unwrap();
    assert_eq!(response.content_type, "application/sparql-results+xml");
    assert_eq!(column(&response, "title"), ["Two"]);
}

#[test]
fn post_form_with_dataset_parameters_in_url() {
    let store = catalogue();
    let body = format!("query={}", enc(TITLES));
    let url_query = format!("default-graph-uri={}", enc(G3));
    let request = ProtocolRequest {
        method_is_post: true,
        url_query: Some(&url_query),
        content_type: Some("application/x-www-form-urlencoded"),
        body: body.as_bytes(),
        accept: None,
    };
    assert_eq!(column(&run(&store, &request).unwrap(), "title"), ["Three"]);
}

#[test]
fn post_direct() {
    let store = catalogue();
    let url_query = format!(
        "default-graph-uri={}&default-graph-uri={}",
        enc(G1),
        enc(G3)
    );
    let request = ProtocolRequest {
        method_is_post: true,
        url_query: Some(&url_query),
        content_type: Some("application/sparql-query; charset=utf-8"),
        body: TITLES.as_bytes(),
        accept: Some("text/tab-separated-values"),
    };
    let response = run(&store, &request).unwrap();
    assert_eq!(
        response.content_type,
        "text/tab-separated-values; charset=utf-8"
    );
    assert_eq!(column(&response, "title"), ["One", "Three"]);
}

#[test]
fn post_direct_rejects_other_charsets_and_invalid_utf8() {
    let request = ProtocolRequest {
        method_is_post: true,
        url_query: None,
        content_type: Some("application/sparql-query; charset=latin1"),
        body: TITLES.as_bytes(),
        accept: None,
    };
    assert_eq!(
        prepare(&request, &SparqlLimits::default())
            .unwrap_err()
            .status(),
        415
    );
    let request = ProtocolRequest {
        content_type: Some("application/sparql-query"),
        body: b"SELECT * WHERE { ?s ?p \"\xff\" }",
        ..request
    };
    assert_eq!(
        prepare(&request, &SparqlLimits::default())
            .unwrap_err()
            .status(),
        400
    );
}

#[test]
fn get_without_query_asks_for_the_service_description() {
    let prepared = prepare(
        &get_request("", Some("application/rdf+xml")),
        &SparqlLimits::default(),
    )
    .unwrap();
    assert!(matches!(
        prepared,
        Prepared::ServiceDescription { accept: Some(ref a) } if a == "application/rdf+xml"
    ));
    let prepared = prepare(
        &ProtocolRequest {
            url_query: None,
            ..get_request("", None)
        },
        &SparqlLimits::default(),
    )
    .unwrap();
    assert!(matches!(
        prepared,
        Prepared::ServiceDescription { accept: None }
    ));
    // The format parameter overrides the Accept header.
    let prepared = prepare(
        &get_request("format=nt", Some("text/turtle")),
        &SparqlLimits::default(),
    )
    .unwrap();
    let Prepared::ServiceDescription { accept } = prepared else {
        panic!("expected the service description");
    };
    let response =
        service_description_response("https://node.example/sparql", accept.as_deref()).unwrap();
    assert_eq!(response.content_type, "application/n-triples");
}

#[test]
fn conflicting_and_missing_parameters() {
    let limits = SparqlLimits::default();
    let q = enc("ASK {}");

    // Two query parameters in the URL.
    let url_query = format!("query={q}&query={q}");
    let err = prepare(&get_request(&url_query, None), &limits).unwrap_err();
    assert_eq!(err.status(), 400, "{err}");
    assert!(err.detail().contains("more than once"), "{err}");

    // Query in both URL and form body.
    let url_query = format!("query={q}");
    let body = format!("query={q}");
    let request = ProtocolRequest {
        method_is_post: true,
        url_query: Some(&url_query),
        content_type: Some("application/x-www-form-urlencoded"),
        body: body.as_bytes(),
        accept: None,
    };
    let err = prepare(&request, &limits).unwrap_err();
    assert_eq!(err.status(), 400, "{err}");
    assert!(err.detail().contains("both"), "{err}");

    // Two query parameters in the form body.
    let body = format!("query={q}&query={q}");
    let request = ProtocolRequest {
        url_query: None,
        body: body.as_bytes(),
        ..request
    };
    assert_eq!(prepare(&request, &limits).unwrap_err().status(), 400);

    // Direct POST with a query parameter as well.
    let url_query = format!("query={q}");
    let request = ProtocolRequest {
        method_is_post: true,
        url_query: Some(&url_query),
        content_type: Some("application/sparql-query"),
        body: b"ASK {}",
        accept: None,
    };
    assert_eq!(prepare(&request, &limits).unwrap_err().status(), 400);

    // POST form without query.
    let request = ProtocolRequest {
        url_query: None,
        content_type: Some("application/x-www-form-urlencoded"),
        body: b"default-graph-uri=urn%3Ax",
        ..request
    };
    let err = prepare(&request, &limits).unwrap_err();
    assert_eq!(err.status(), 400, "{err}");
    assert!(err.detail().contains("missing query"), "{err}");

    // Empty direct body.
    let request = ProtocolRequest {
        content_type: Some("application/sparql-query"),
        body: b"  ",
        ..request
    };
    assert_eq!(prepare(&request, &limits).unwrap_err().status(), 400);

    // Unsupported and missing content types.
    let request = ProtocolRequest {
        content_type: Some("application/json"),
        body: b"{}",
        ..request
    };
    let err = prepare(&request, &limits).unwrap_err();
    assert_eq!(err.status(), 415, "{err}");
    let request = ProtocolRequest {
        content_type: None,
        body: b"ASK {}",
        ..request
    };
    assert_eq!(prepare(&request, &limits).unwrap_err().status(), 415);
    let request = ProtocolRequest {
        content_type: None,
        body: b"",
        ..request
    };
    assert_eq!(prepare(&request, &limits).unwrap_err().status(), 415);

    // Invalid graph IRI, invalid percent-encoding, duplicated format.
    let url_query = format!("query={q}&default-graph-uri=not%20an%20iri");
    assert_eq!(
        prepare(&get_request(&url_query, None), &limits)
            .unwrap_err()
            .status(),
        400
    );
    let url_query = format!("query={q}%FF");
    assert_eq!(
        prepare(&get_request(&url_query, None), &limits)
            .unwrap_err()
            .status(),
        400
    );
    // Two formats: one Accept list, the first that fits wins.
    let url_query = format!("query={q}&format=json&format=xml");
    let Prepared::Query(prepared) = prepare(&get_request(&url_query, None), &limits).unwrap()
    else {
        panic!("expected a query");
    };
    assert_eq!(prepared.content_type(), "application/sparql-results+json");
    let url_query = format!("query={q}&format=yaml");
    assert_eq!(
        prepare(&get_request(&url_query, None), &limits)
            .unwrap_err()
            .status(),
        400
    );
}

// ---------------------------------------------------------------------------
// Result formats
// ---------------------------------------------------------------------------

#[test]
fn select_in_every_results_format() {
    let store = catalogue();
    let url_query = format!("query={}", enc(TITLES));
    for (accept, content_type) in [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        (
            "text/tab-separated-values",
            "text/tab-separated-values; charset=utf-8",
        ),
    ] {
        let response = run(&store, &get_request(&url_query, Some(accept))).unwrap();
        assert_eq!(response.content_type, content_type);
        assert_eq!(
            column(&response, "title"),
            ["One", "Three", "Two"],
            "{accept}"
        );
    }

    // The CSV results format cannot be parsed back losslessly by sparesults:
    // check its structure by hand.
    let response = run(&store, &get_request(&url_query, Some("text/csv"))).unwrap();
    assert_eq!(response.content_type, "text/csv; charset=utf-8");
    let text = String::from_utf8(response.body).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.remove(0), "title");
    lines.sort_unstable();
    assert_eq!(lines, ["One", "Three", "Two"]);
}

#[test]
fn ask_in_json_and_xml_but_not_csv() {
    let store = catalogue();
    let url_query = format!(
        "query={}",
        enc("ASK { ?d a <http://www.w3.org/ns/dcat#Dataset> }")
    );
    for accept in [
        "application/sparql-results+json",
        "application/sparql-results+xml",
    ] {
        let response = run(&store, &get_request(&url_query, Some(accept))).unwrap();
        assert_eq!(response.content_type, accept);
        assert!(boolean(&response));
    }
    let response = run_get(&store, "ASK { ?d a <urn:nothing> }");
    assert!(!boolean(&response));

    for accept in ["text/csv", "text/tab-separated-values"] {
        let err = run(&store, &get_request(&url_query, Some(accept))).unwrap_err();
        assert_eq!(err.status(), 406, "{err}");
    }
}

#[test]
fn construct_in_every_rdf_format() {
    let store = catalogue();
    let query = "CONSTRUCT { ?d <http://purl.org/dc/terms/title> ?t } \
                 WHERE { ?d <http://purl.org/dc/terms/title> ?t }";
    let url_query = format!("query={}", enc(query));
    for format in GraphFormat::ALL {
        let response = run(&store, &get_request(&url_query, Some(format.media_type()))).unwrap();
        assert_eq!(response.content_type, format.media_type());
        let mut titles: Vec<String> = triples(&response)
            .into_iter()
            .map(|t| term_value(&t.object))
            .collect();
        titles.sort();
        assert_eq!(titles, ["One", "Three", "Two"], "{format:?}");
    }
    // Default is Turtle.
    let response = run_get(&store, query);
    assert_eq!(response.content_type, "text/turtle");
    assert_eq!(triples(&response).len(), 3);
}

#[test]
fn describe_returns_the_resource() {
    let store = catalogue();
    let response = run_get(&store, "DESCRIBE <https://data.example/ds/2>");
    assert_eq!(response.content_type, "text/turtle");
    let triples = triples(&response);
    assert_eq!(triples.len(), 2);
    assert!(
        triples
            .iter()
            .all(|t| t.subject.to_string() == "<https://data.example/ds/2>")
    );
}

#[test]
fn format_parameter_overrides_accept() {
    let store = catalogue();
    let url_query = format!("query={}&format=xml", enc(TITLES));
    let response = run(
        &store,
        &get_request(&url_query, Some("application/sparql-results+json")),
    )
    .unwrap();
    assert_eq!(response.content_type, "application/sparql-results+xml");
    assert_eq!(solutions(&response).len(), 3);

    let construct = enc("CONSTRUCT WHERE { ?s ?p ?o }");
    let url_query = format!("query={construct}&format=json");
    let response = run(&store, &get_request(&url_query, None)).unwrap();
    assert_eq!(response.content_type, "application/ld+json");
    assert_eq!(triples(&response).len(), 6);

    let url_query = format!("query={construct}&format=csv");
    assert_eq!(
        run(&store, &get_request(&url_query, None))
            .unwrap_err()
            .status(),
        406
    );
}

// ---------------------------------------------------------------------------
// Content negotiation
// ---------------------------------------------------------------------------

#[test]
fn accept_negotiation() {
    let select = format!("query={}", enc(TITLES));
    let construct = format!("query={}", enc("CONSTRUCT WHERE { ?s ?p ?o }"));
    let format_for = |url_query: &str, accept: &str| {
        prepare(
            &get_request(url_query, Some(accept)),
            &SparqlLimits::default(),
        )
        .map(|p| match p {
            Prepared::Query(q) => q.output_format(),
            Prepared::ServiceDescription { .. } => panic!("expected a query"),
        })
    };
    use OutputFormat::{Graph, Results};
    let cases = [
        (&select, "*/*", Results(ResultsFormat::Json)),
        (
            &select,
            "application/sparql-results+xml;q=0.5, text/csv;q=0.9",
            Results(ResultsFormat::Csv),
        ),
        (
            &select,
            "application/sparql-results+json;q=0, */*;q=0.1",
            Results(ResultsFormat::Xml),
        ),
        (&select, "text/*", Results(ResultsFormat::Csv)),
        (
            &select,
            "text/*;q=0.5, text/csv;q=0",
            Results(ResultsFormat::Tsv),
        ),
        (&select, "application/json", Results(ResultsFormat::Json)),
        (
            &select,
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            Results(ResultsFormat::Xml),
        ),
        (&construct, "*/*", Graph(GraphFormat::Turtle)),
        (
            &construct,
            "text/turtle;q=0.3, application/n-triples;q=0.7",
            Graph(GraphFormat::NTriples),
        ),
        (&construct, "application/*", Graph(GraphFormat::NTriples)),
        (&construct, "application/json", Graph(GraphFormat::JsonLd)),
    ];
    for (url_query, accept, expected) in cases {
        assert_eq!(
            format_for(url_query, accept).unwrap(),
            expected,
            "Accept: {accept}"
        );
    }
    for (url_query, accept) in [
        (&select, "application/rdf+xml"),
        (&select, "image/png, text/html;q=0.5"),
        (&construct, "application/sparql-results+json"),
        (&construct, "*/*;q=0"),
    ] {
        let err = format_for(url_query, accept).unwrap_err();
        assert_eq!(err.status(), 406, "Accept: {accept}");
        assert!(err.detail().contains("available"), "{err}");
    }
}

// ---------------------------------------------------------------------------
// Dataset
// ---------------------------------------------------------------------------

#[test]
fn default_graph_is_the_union_of_named_graphs() {
    let store = catalogue();
    let query = prepared(&get_request(&format!("query={}", enc(TITLES)), None));
    assert_eq!(query.dataset(), &DatasetSource::UnionDefaultGraph);
    assert_eq!(query.form(), QueryForm::Select);
    let response = execute(&store, &query, &SparqlLimits::default()).unwrap();
    assert_eq!(column(&response, "title"), ["One", "Three", "Two"]);

    // Every named graph stays reachable through GRAPH.
    let response = run_get(&store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }");
    assert_eq!(column(&response, "g"), [G1, G2, G3]);
}

/// oxigraph's union default graph is a multiset: a triple stored in several
/// record graphs is matched once per graph (DISTINCT removes the copies;
/// CONSTRUCT output is deduplicated by the evaluator). This test pins that
/// behaviour down so that the documented caveat is revisited if it changes.
#[test]
fn union_default_graph_repeats_shared_triples() {
    let store = catalogue();
    let publisher = Quad::new(
        nn("https://data.example/ds/1"),
        nn("http://purl.org/dc/terms/publisher"),
        nn("https://org.example/hospital"),
        GraphName::NamedNode(nn(G1)),
    );
    store.insert(&publisher).unwrap();
    store
        .insert(&Quad {
            graph_name: GraphName::NamedNode(nn(G2)),
            ..publisher
        })
        .unwrap();
    let query = "SELECT ?o WHERE { ?s <http://purl.org/dc/terms/publisher> ?o }";
    assert_eq!(solutions(&run_get(&store, query)).len(), 2);
    let query = "SELECT DISTINCT ?o WHERE { ?s <http://purl.org/dc/terms/publisher> ?o }";
    assert_eq!(solutions(&run_get(&store, query)).len(), 1);
    let query = "CONSTRUCT WHERE { ?s <http://purl.org/dc/terms/publisher> ?o }";
    assert_eq!(triples(&run_get(&store, query)).len(), 1);
}

#[test]
fn default_graph_uri_restricts_the_default_graph() {
    let store = catalogue();
    let url_query = format!("query={}&default-graph-uri={}", enc(TITLES), enc(G1));
    let response = run(&store, &get_request(&url_query, None)).unwrap();
    assert_eq!(column(&response, "title"), ["One"]);

    // No named graph is available when only default-graph-uri is given.
    let graphs = enc("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }");
    let url_query = format!("query={graphs}&default-graph-uri={}", enc(G1));
    let response = run(&store, &get_request(&url_query, None)).unwrap();
    assert!(solutions(&response).is_empty());
}

#[test]
fn named_graph_uri_restricts_named_graphs() {
    let store = catalogue();
    let query = enc("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }");
    let url_query = format!(
        "query={query}&named-graph-uri={}&named-graph-uri={}",
        enc(G2),
        enc(G3)
    );
    let response = run(&store, &get_request(&url_query, None)).unwrap();
    assert_eq!(column(&response, "g"), [G2, G3]);

    // The default graph is then empty.
    let url_query = format!("query={}&named-graph-uri={}", enc(TITLES), enc(G2));
    let response = run(&store, &get_request(&url_query, None)).unwrap();
    assert!(solutions(&response).is_empty());

    // Both parameters together.
    let both = enc(
        "SELECT ?title ?g WHERE { ?d <http://purl.org/dc/terms/title> ?title \
         OPTIONAL { GRAPH ?g { ?x ?y ?z } } }",
    );
    let url_query = format!(
        "query={both}&default-graph-uri={}&named-graph-uri={}",
        enc(G1),
        enc(G3)
    );
    let response = run(&store, &get_request(&url_query, None)).unwrap();
    let solutions = solutions(&response);
    assert!(!solutions.is_empty());
    for solution in &solutions {
        assert_eq!(
            solution.get("title").map(term_value).as_deref(),
            Some("One")
        );
        assert_eq!(solution.get("g").map(term_value).as_deref(), Some(G3));
    }
}

#[test]
fn from_clauses_and_protocol_override() {
    let store = catalogue();
    let with_from = format!(
        "SELECT ?title FROM <{G2}> WHERE {{ ?ds <http://purl.org/dc/terms/title> ?title }}"
    );
    let url_query = format!("query={}", enc(&with_from));
    let query = prepared(&get_request(&url_query, None));
    assert_eq!(query.dataset(), &DatasetSource::QueryClauses);
    let response = execute(&store, &query, &SparqlLimits::default()).unwrap();
    assert_eq!(column(&response, "title"), ["Two"]);

    // Protocol parameters win over FROM.
    let url_query = format!("query={}&default-graph-uri={}", enc(&with_from), enc(G3));
    let response = run(&store, &get_request(&url_query, None)).unwrap();
    assert_eq!(column(&response, "title"), ["Three"]);

    // FROM NAMED alone: the default graph is empty, only that graph is named.
    let from_named = format!(
        "SELECT ?g ?title FROM NAMED <{G1}> WHERE {{ \
         OPTIONAL {{ ?a <http://purl.org/dc/terms/title> ?default }} \
         GRAPH ?g {{ ?ds <http://purl.org/dc/terms/title> ?title }} }}"
    );
    let response = run_get(&store, &from_named);
    let solutions = solutions(&response);
    assert_eq!(solutions.len(), 1);
    assert_eq!(solutions[0].get("g").map(term_value).as_deref(), Some(G1));
    assert!(solutions[0].get("default").is_none());
}

// ---------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------

fn assert_update_refused(result: Result<Prepared, SparqlError>) {
    let err = result.unwrap_err();
    assert_eq!(err.status(), 403, "{err}");
    assert!(err.detail().contains("read-only"), "{err}");
    assert!(matches!(err, SparqlError::UpdateRefused(_)));
}

#[test]
fn updates_are_refused_in_every_form() {
    let limits = SparqlLimits::default();
    let update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }";

    // update parameter on GET.
    let url_query = format!("update={}", enc(update));
    assert_update_refused(prepare(&get_request(&url_query, None), &limits));

    // update parameter in a form body.
    let body = format!("update={}", enc(update));
    let request = ProtocolRequest {
        method_is_post: true,
        url_query: None,
        content_type: Some("application/x-www-form-urlencoded"),
        body: body.as_bytes(),
        accept: None,
    };
    assert_update_refused(prepare(&request, &limits));

    // application/sparql-update body.
    let request = ProtocolRequest {
        content_type: Some("application/sparql-update"),
        body: update.as_bytes(),
        ..request
    };
    assert_update_refused(prepare(&request, &limits));

    // Update text sent as a query, in each of the three query forms.
    let url_query = format!("query={}", enc(update));
    assert_update_refused(prepare(&get_request(&url_query, None), &limits));
    let body = format!("query={}", enc(update));
    let request = ProtocolRequest {
        content_type: Some("application/x-www-form-urlencoded"),
        body: body.as_bytes(),
        ..request
    };
    assert_update_refused(prepare(&request, &limits));
    let request = ProtocolRequest {
        content_type: Some("application/sparql-query"),
        body: update.as_bytes(),
        ..request
    };
    assert_update_refused(prepare(&request, &limits));

    // Other update operations, including one that does not even parse.
    for update in [
        "PREFIX ex: <http://e.x/>\nDELETE WHERE { ?s ex:p ?o }",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "LOAD <http://e.x/data.ttl>",
        "# comment\nDELETE WHERE { ?s ?p }",
    ] {
        let url_query = format!("query={}", enc(update));
        assert_update_refused(prepare(&get_request(&url_query, None), &limits));
    }
}

#[test]
fn service_is_refused_before_evaluation() {
    let limits = SparqlLimits::default();
    for query in [
        "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://evil.example/sparql> { ?s ?q ?v } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } } LIMIT 1 } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE ?endpoint { ?s ?p ?o } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { SERVICE <http://evil.example/sparql> { ?s ?p ?o } } }",
        "ASK { { ?s ?p ?o } UNION { SERVICE <http://evil.example/sparql> { ?s ?p ?o } } }",
    ] {
        let url_query = format!("query={}", enc(query));
        let err = prepare(&get_request(&url_query, None), &limits).unwrap_err();
        assert_eq!(err.status(), 403, "{query}: {err}");
        assert!(
            matches!(err, SparqlError::ServiceRefused { .. }),
            "{query}: {err}"
        );
        assert!(err.detail().contains("SERVICE"), "{err}");
    }
}

#[test]
fn malformed_query_reports_the_position() {
    let store = catalogue();
    let url_query = format!("query={}", enc("SELECT ?s\nWHERE {\n  ?s ?p \n}"));
    let err = run_get_err(&store, &url_query);
    assert_eq!(err.status(), 400);
    assert!(matches!(err, SparqlError::MalformedQuery { .. }));
    let detail = err.detail();
    assert!(detail.contains("error at 4:"), "{detail}");
    assert!(detail.contains("expected"), "{detail}");

    let url_query = format!("query={}", enc("SELEC * WHERE { ?s ?p ?o }"));
    let err = run_get_err(&store, &url_query);
    assert_eq!(err.status(), 400);
    assert!(err.detail().contains("error at 1:1"), "{err}");
}

#[test]
fn query_too_long() {
    let limits = SparqlLimits {
        max_query_bytes: 100,
        ..SparqlLimits::default()
    };
    let long = format!("SELECT * WHERE {{ ?s ?p ?o }} # {}", "x".repeat(100));
    let url_query = format!("query={}", enc(&long));
    let err = prepare(&get_request(&url_query, None), &limits).unwrap_err();
    assert_eq!(err.status(), 413, "{err}");
    assert!(matches!(err, SparqlError::QueryTooLong { limit: 100, .. }));

    // An oversized raw request is refused before being decoded.
    let huge = vec![b'x'; 400 + 16 * 1024];
    let request = ProtocolRequest {
        method_is_post: true,
        url_query: None,
        content_type: Some("application/sparql-query"),
        body: &huge,
        accept: None,
    };
    assert_eq!(prepare(&request, &limits).unwrap_err().status(), 413);

    let short = "ASK {}";
    let url_query = format!("query={}", enc(short));
    assert!(prepare(&get_request(&url_query, None), &limits).is_ok());
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

#[test]
fn too_many_results() {
    let store = catalogue();
    let limits = SparqlLimits {
        max_results: 5,
        ..SparqlLimits::default()
    };
    // 6 triples in the store.
    for query in [
        "SELECT * WHERE { ?s ?p ?o }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
    ] {
        let url_query = format!("query={}", enc(query));
        let err = run_with(&store, &get_request(&url_query, None), &limits).unwrap_err();
        assert_eq!(err.status(), 422, "{query}: {err}");
        assert!(matches!(err, SparqlError::TooManyResults { limit: 5, .. }));
        assert!(err.detail().contains("LIMIT"), "{err}");
    }
    // Exactly at the limit is fine.
    let url_query = format!("query={}", enc("SELECT * WHERE { ?s ?p ?o } LIMIT 5"));
    let response = run_with(&store, &get_request(&url_query, None), &limits).unwrap();
    assert_eq!(solutions(&response).len(), 5);
    let url_query = format!("query={}", enc("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5"));
    let response = run_with(&store, &get_request(&url_query, None), &limits).unwrap();
    assert_eq!(triples(&response).len(), 5);
}

#[test]
fn expensive_query_times_out() {
    // A few thousand triples spread over many record graphs.
    let store = Store::new().unwrap();
    for i in 0..3000 {
        store
            .insert(&Quad::new(
                nn(&format!("https://data.example/ds/{i}")),
                nn(DCT_TITLE),
                Literal::new_simple_literal(format!("title {i}")),
                GraphName::NamedNode(nn(&format!("https://node.example/record/{}", i % 50))),
            ))
            .unwrap();
    }
    let limits = SparqlLimits {
        timeout: Duration::from_millis(200),
        ..SparqlLimits::default()
    };
    // A 9-million-row cross product with a string comparison on each row.
    let query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d \
                 FILTER(CONCAT(STR(?b), STR(?d)) != \"\") }";
    let url_query = format!("query={}", enc(query));
    let request = get_request(&url_query, None);
    let Prepared::Query(prepared) = prepare(&request, &limits).unwrap() else {
        panic!("expected a query");
    };

    let started = Instant::now();
    let err = execute(&store, &prepared, &limits).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.status(), 503, "{err}");
    assert!(matches!(err, SparqlError::Timeout { .. }), "{err}");
    assert!(
        elapsed < 2 * limits.timeout,
        "answered after {elapsed:?}, timeout {:?}",
        limits.timeout
    );

    // The cancelled evaluation really stops in the background.
    let waiting = Instant::now();
    while abandoned_evaluations() > 0 {
        assert!(
            waiting.elapsed() < Duration::from_secs(3),
            "the cancelled evaluation is still running"
        );
        std::thread::sleep(Duration::from_millis(10));
    }

    // A cheap query on the same store is still answered.
    let url_query = format!("query={}", enc("ASK { ?s ?p ?o }"));
    let response = run_with(&store, &get_request(&url_query, None), &limits).unwrap();
    assert!(boolean(&response));
}

// ---------------------------------------------------------------------------
// Service description
// ---------------------------------------------------------------------------

#[test]
fn service_description_in_turtle_and_other_formats() {
    let endpoint = "https://node.example/sparql";
    let (content_type, body) = service_description(endpoint, GraphFormat::default());
    assert_eq!(content_type, "text/turtle");
    let text = String::from_utf8(body.clone()).unwrap();
    assert!(text.contains("sd:Service"), "{text}");

    let sd = "http://www.w3.org/ns/sparql-service-description#";
    let parsed = triples(&SparqlResponse { content_type, body });
    let has = |predicate: &str, object: &str| {
        parsed.iter().any(|t| {
            t.predicate.as_str() == predicate
                && matches!(&t.object, Term::NamedNode(n) if n.as_str() == object)
        })
    };
    assert!(has(RDF_TYPE, &format!("{sd}Service")));
    assert!(has(&format!("{sd}endpoint"), endpoint));
    assert!(has(
        &format!("{sd}supportedLanguage"),
        &format!("{sd}SPARQL11Query")
    ));
    assert!(has(
        &format!("{sd}feature"),
        &format!("{sd}UnionDefaultGraph")
    ));
    assert!(has(
        &format!("{sd}defaultEntailmentRegime"),
        "http://www.w3.org/ns/entailment/Simple"
    ));
    assert!(has(RDF_TYPE, &format!("{sd}Dataset")));
    assert!(has(RDF_TYPE, &format!("{sd}Graph")));
    for format in ResultsFormat::ALL {
        assert!(has(&format!("{sd}resultFormat"), format.format_iri()));
    }
    for format in GraphFormat::ALL {
        assert!(has(&format!("{sd}resultFormat"), format.format_iri()));
    }
    assert!(
        parsed
            .iter()
            .any(|t| t.predicate.as_str() == format!("{sd}defaultDataset"))
    );

    for format in GraphFormat::ALL {
        let (content_type, body) = service_description(endpoint, format);
        let again = triples(&SparqlResponse { content_type, body });
        assert_eq!(again.len(), parsed.len(), "{format:?}");
    }

    let err = service_description_response(endpoint, Some("application/sparql-results+json"))
        .unwrap_err();
    assert_eq!(err.status(), 406);
}

#[test]
fn repeated_format_parameters_as_sparqlwrapper_sends_them() {
    let limits = SparqlLimits::default();
    let q = enc("SELECT * WHERE { ?s ?p ?o }");
    let url_query = format!("query={q}&format=json&output=json&results=json");
    let Prepared::Query(prepared) = prepare(&get_request(&url_query, None), &limits).unwrap()
    else {
        panic!("expected a query");
    };
    assert_eq!(prepared.content_type(), "application/sparql-results+json");
    let url_query = format!(
        "query={}&format=rdf%2Bxml&format=application%2Frdf%2Bxml&output=rdf%2Bxml",
        enc("CONSTRUCT WHERE { ?s ?p ?o }")
    );
    let Prepared::Query(prepared) = prepare(&get_request(&url_query, None), &limits).unwrap()
    else {
        panic!("expected a query");
    };
    assert_eq!(prepared.content_type(), "application/rdf+xml");
    let url_query = format!("query={}&format=n3", enc("CONSTRUCT WHERE { ?s ?p ?o }"));
    let Prepared::Query(prepared) = prepare(&get_request(&url_query, None), &limits).unwrap()
    else {
        panic!("expected a query");
    };
    assert!(prepared.content_type().starts_with("text/turtle"));
    // An unknown format is still an error.
    let url_query = format!("query={q}&format=json&output=pdf");
    assert_eq!(
        prepare(&get_request(&url_query, None), &limits)
            .unwrap_err()
            .status(),
        400
    );
}
