//! SPARQL 1.1 Protocol request parsing: the three ways of sending a query
//! (GET, POST form, POST direct), the dataset parameters, and the checks
//! done before any evaluation.

use crate::SparqlLimits;
use crate::error::SparqlError;
use crate::format::{OutputFormat, QueryForm, format_param_to_accept, negotiate, not_acceptable};
use crate::validate::{find_service, starts_like_update};
use oxigraph::model::NamedNode;
use percent_encoding::percent_decode;
use spargebra::{Query, SparqlParser};

const FORM_MEDIA_TYPE: &str = "application/x-www-form-urlencoded";
const QUERY_MEDIA_TYPE: &str = "application/sparql-query";
const UPDATE_MEDIA_TYPE: &str = "application/sparql-update";
/// Room for the parameters other than `query` in a raw request.
const RAW_REQUEST_SLACK: usize = 16 * 1024;

/// The body of a request, classified by its `Content-Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// No body and no content type.
    None,
    /// `application/x-www-form-urlencoded`: protocol parameters in the body.
    Form(Vec<u8>),
    /// `application/sparql-query`: the body is the query text.
    Direct(Vec<u8>),
    /// Any other content type (given as received), or an empty string for a
    /// body without `Content-Type`.
    Other(String),
}

impl Body {
    /// Classifies a request body from its `Content-Type` header.
    /// Media type parameters (`charset`…) are ignored here.
    pub fn classify(content_type: Option<&str>, body: &[u8]) -> Self {
        let Some(content_type) = content_type.map(str::trim).filter(|c| !c.is_empty()) else {
            return if body.is_empty() {
                Self::None
            } else {
                Self::Other(String::new())
            };
        };
        let essence = media_type_essence(content_type);
        if essence == FORM_MEDIA_TYPE {
            Self::Form(body.to_vec())
        } else if essence == QUERY_MEDIA_TYPE {
            Self::Direct(body.to_vec())
        } else {
            Self::Other(content_type.to_owned())
        }
    }
}

/// An HTTP request to the SPARQL endpoint, independent of any web framework.
#[derive(Debug, Clone, Copy)]
pub struct ProtocolRequest<'a> {
    /// `true` for POST, `false` for GET (and HEAD).
    pub method_is_post: bool,
    /// The raw, still percent-encoded, URL query string (without `?`).
    pub url_query: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The request body (ignored for GET).
    pub body: &'a [u8],
    /// The `Accept` header.
    pub accept: Option<&'a str>,
}

/// The outcome of [`prepare`].
#[derive(Debug, Clone)]
pub enum Prepared {
    /// A GET without `query`: the caller should answer with the service
    /// description (see [`crate::service_description_response`]).
    /// `accept` is the effective `Accept` value: the `format` parameter
    /// translated to media types when given, the `Accept` header otherwise.
    ServiceDescription { accept: Option<String> },
    /// A validated query, ready for [`crate::execute`].
    Query(PreparedQuery),
}

/// How the RDF dataset of a query is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatasetSource {
    /// No dataset description: the default graph is the union of all named
    /// graphs, and every named graph is available to `GRAPH`.
    UnionDefaultGraph,
    /// The query's own `FROM` / `FROM NAMED` clauses.
    QueryClauses,
    /// The `default-graph-uri` / `named-graph-uri` protocol parameters, which
    /// override any `FROM` / `FROM NAMED` of the query. A list that was not
    /// given is empty (an empty default graph, or no named graph).
    Protocol {
        default_graphs: Vec<NamedNode>,
        named_graphs: Vec<NamedNode>,
    },
}

/// A parsed and validated query, with its dataset and negotiated output
/// format. Cheap to clone; holds no reference to the request.
#[derive(Debug, Clone)]
pub struct PreparedQuery {
    pub(crate) text: String,
    pub(crate) query: Query,
    pub(crate) form: QueryForm,
    pub(crate) dataset: DatasetSource,
    pub(crate) format: OutputFormat,
}

impl PreparedQuery {
    /// The query text as received.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The query form (SELECT, ASK, CONSTRUCT, DESCRIBE).
    pub fn form(&self) -> QueryForm {
        self.form
    }

    /// Where the dataset of the query comes from.
    pub fn dataset(&self) -> &DatasetSource {
        &self.dataset
    }

    /// The negotiated output format.
    pub fn output_format(&self) -> OutputFormat {
        self.format
    }

    /// The `Content-Type` of a successful response.
    pub fn content_type(&self) -> &'static str {
        self.format.content_type()
    }
}

/// Protocol parameters collected from the URL and/or the form body.
#[derive(Debug, Default)]
struct Params {
    queries: Vec<String>,
    has_update: bool,
    default_graph_uris: Vec<String>,
    named_graph_uris: Vec<String>,
    formats: Vec<String>,
}

impl Params {
    fn add_from(&mut self, encoded: &str, origin: &str) -> Result<(), SparqlError> {
        for pair in encoded.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode_component(name, origin)?;
            let value = decode_component(value, origin)?;
            match name.as_str() {
                "query" => self.queries.push(value),
                "update" | "using-graph-uri" | "using-named-graph-uri" => self.has_update = true,
                "default-graph-uri" => self.default_graph_uris.push(value),
                "named-graph-uri" => self.named_graph_uris.push(value),
                "format" | "output" => self.formats.push(value),
                // Unknown parameters are ignored, as most endpoints do.
                _ => {}
            }
        }
        Ok(())
    }
}

/// Decodes one `application/x-www-form-urlencoded` component
/// (`+` is a space, `%XX` an octet), requiring UTF-8.
fn decode_component(component: &str, origin: &str) -> Result<String, SparqlError> {
    let plus_decoded = component.replace('+', " ");
    percent_decode(plus_decoded.as_bytes())
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            SparqlError::BadRequest(format!(
                "a parameter in the {origin} is not valid percent-encoded UTF-8"
            ))
        })
}

/// The lower-cased `type/subtype` of a media type, without parameters.
fn media_type_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of a media type, if any.
fn media_type_charset(media_type: &str) -> Option<String> {
    media_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
    })
}

/// Parses and validates a SPARQL Protocol request, without evaluating it.
///
/// The checks happen in this order: request shape (content type, update
/// attempts, `query` count), size limit, query syntax (an Update is refused
/// with 403), SERVICE clauses, dataset IRIs, then content negotiation.
pub fn prepare(req: &ProtocolRequest<'_>, limits: &SparqlLimits) -> Result<Prepared, SparqlError> {
    // Cheap guard before decoding anything: percent-encoding at most triples
    // the size of the query, plus some room for the other parameters.
    let max_raw = limits
        .max_query_bytes
        .saturating_mul(3)
        .saturating_add(RAW_REQUEST_SLACK);
    let raw_size = req
        .url_query
        .map_or(0, str::len)
        .max(if req.method_is_post {
            req.body.len()
        } else {
            0
        });
    if raw_size > max_raw {
        return Err(SparqlError::QueryTooLong {
            size: raw_size,
            limit: limits.max_query_bytes,
        });
    }

    let mut params = Params::default();
    params.add_from(req.url_query.unwrap_or(""), "URL query string")?;
    let url_query_count = params.queries.len();

    let mut direct_query = None;
    if req.method_is_post {
        match Body::classify(req.content_type, req.body) {
            Body::Form(body) => {
                let body = std::str::from_utf8(&body).map_err(|_| {
                    SparqlError::BadRequest("the form body is not valid UTF-8".to_owned())
                })?;
                params.add_from(body, "form body")?;
                if url_query_count > 0 && params.queries.len() > url_query_count {
                    return Err(SparqlError::BadRequest(
                        "the query parameter is given both in the URL and in the form body"
                            .to_owned(),
                    ));
                }
            }
            Body::Direct(body) => {
                if let Some(charset) = req.content_type.and_then(media_type_charset)
                    && charset != "utf-8"
                    && charset != "utf8"
                {
                    return Err(SparqlError::UnsupportedMediaType(format!(
                        "{QUERY_MEDIA_TYPE} with charset {charset} (only UTF-8 is supported)"
                    )));
                }
                if url_query_count > 0 {
                    return Err(SparqlError::BadRequest(
                        "a query sent as application/sparql-query body must not also be given \
                         as a query parameter"
                            .to_owned(),
                    ));
                }
                let text = String::from_utf8(body).map_err(|_| {
                    SparqlError::BadRequest("the query body is not valid UTF-8".to_owned())
                })?;
                direct_query = Some(text);
            }
            Body::Other(content_type) => {
                if media_type_essence(&content_type) == UPDATE_MEDIA_TYPE {
                    return Err(SparqlError::UpdateRefused(
                        "application/sparql-update requests are refused",
                    ));
                }
                if content_type.is_empty() {
                    return Err(SparqlError::UnsupportedMediaType(
                        "(missing Content-Type header)".to_owned(),
                    ));
                }
                return Err(SparqlError::UnsupportedMediaType(content_type));
            }
            Body::None => {
                return Err(SparqlError::UnsupportedMediaType(
                    "(missing Content-Type header and body)".to_owned(),
                ));
            }
        }
    }

    if params.has_update {
        return Err(SparqlError::UpdateRefused(
            "the update parameter is not accepted",
        ));
    }
    // Clients such as SPARQLWrapper send the same format under several names (`format`,
    // `output`), sometimes both as a short name and as a media type: every value joins one
    // Accept list, in the order given, and negotiation picks the first the query supports.
    let accept = if params.formats.is_empty() {
        req.accept.map(str::to_owned)
    } else {
        let mut ranges: Vec<String> = Vec::new();
        for format in &params.formats {
            for range in format_param_to_accept(format)?.split(',') {
                let range = range.trim().to_owned();
                if !ranges.contains(&range) {
                    ranges.push(range);
                }
            }
        }
        Some(ranges.join(", "))
    };

    let text = match direct_query {
        Some(text) => text,
        None => {
            let mut queries = params.queries.into_iter();
            match (queries.next(), queries.next()) {
                (Some(text), None) => text,
                (Some(_), Some(_)) => {
                    return Err(SparqlError::BadRequest(
                        "the query parameter is given more than once".to_owned(),
                    ));
                }
                (None, _) if !req.method_is_post => {
                    return Ok(Prepared::ServiceDescription { accept });
                }
                (None, _) => {
                    return Err(SparqlError::BadRequest(
                        "missing query parameter in the form body".to_owned(),
                    ));
                }
            }
        }
    };

    if text.len() > limits.max_query_bytes {
        return Err(SparqlError::QueryTooLong {
            size: text.len(),
            limit: limits.max_query_bytes,
        });
    }
    if text.trim().is_empty() {
        return Err(SparqlError::BadRequest("the query is empty".to_owned()));
    }

    let query = parse_query(&text)?;
    if let Some(service) = find_service(&query) {
        return Err(SparqlError::ServiceRefused { service });
    }
    let form = match &query {
        Query::Select { .. } => QueryForm::Select,
        Query::Ask { .. } => QueryForm::Ask,
        Query::Construct { .. } => QueryForm::Construct,
        Query::Describe { .. } => QueryForm::Describe,
    };

    let dataset = if params.default_graph_uris.is_empty() && params.named_graph_uris.is_empty() {
        if query.dataset().is_some() {
            DatasetSource::QueryClauses
        } else {
            DatasetSource::UnionDefaultGraph
        }
    } else {
        DatasetSource::Protocol {
            default_graphs: parse_graph_iris(&params.default_graph_uris, "default-graph-uri")?,
            named_graphs: parse_graph_iris(&params.named_graph_uris, "named-graph-uri")?,
        }
    };

    let candidates = form.available_formats();
    let format = negotiate(accept.as_deref(), candidates)
        .ok_or_else(|| not_acceptable(accept.as_deref(), form.keyword(), candidates))?;

    Ok(Prepared::Query(PreparedQuery {
        text,
        query,
        form,
        dataset,
        format,
    }))
}

/// Parses the query text; an Update (valid or not) is refused with 403.
fn parse_query(text: &str) -> Result<Query, SparqlError> {
    match SparqlParser::new().parse_query(text) {
        Ok(query) => Ok(query),
        Err(query_error) => {
            if SparqlParser::new().parse_update(text).is_ok() || starts_like_update(text) {
                Err(SparqlError::UpdateRefused(
                    "the request contains a SPARQL Update operation",
                ))
            } else {
                Err(SparqlError::MalformedQuery {
                    message: query_error.to_string(),
                })
            }
        }
    }
}

fn parse_graph_iris(iris: &[String], parameter: &str) -> Result<Vec<NamedNode>, SparqlError> {
    iris.iter()
        .map(|iri| {
            NamedNode::new(iri.trim()).map_err(|e| {
                SparqlError::BadRequest(format!("{parameter} {iri:?} is not a valid IRI: {e}"))
            })
        })
        .collect()
}
