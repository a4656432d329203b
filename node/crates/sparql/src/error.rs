//! Errors of the SPARQL endpoint, each mapped to an HTTP status code.

use std::time::Duration;

/// Everything that can go wrong between receiving a SPARQL Protocol request
/// and producing its response body.
///
/// [`SparqlError::status`] gives the HTTP status code the server should answer
/// with and [`SparqlError::detail`] a human-readable explanation suitable for
/// the `detail` member of an RFC 9457 problem document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SparqlError {
    /// The query text does not parse as a SPARQL 1.1 query. The message
    /// comes from the parser and carries the `line:column` position.
    #[error("malformed SPARQL query: {message}")]
    MalformedQuery { message: String },

    /// The request does not follow the SPARQL 1.1 Protocol (missing or
    /// repeated `query`, invalid graph IRI, undecodable parameter…).
    #[error("invalid SPARQL protocol request: {0}")]
    BadRequest(String),

    /// The request tries to run a SPARQL Update.
    #[error(
        "this endpoint is read-only: SPARQL Update is not accepted here \
         (the catalogue is maintained by the node itself); {0}"
    )]
    UpdateRefused(&'static str),

    /// The query contains a `SERVICE` clause (federated query).
    #[error(
        "federated queries are not allowed on this endpoint: the query contains \
         SERVICE {service}; remove the SERVICE clause and query this endpoint directly"
    )]
    ServiceRefused { service: String },

    /// None of the media types the client accepts can represent the result
    /// of this query form.
    #[error(
        "none of the requested media types ({requested}) is available for a {form} query; \
         available: {available}"
    )]
    NotAcceptable {
        requested: String,
        form: &'static str,
        available: String,
    },

    /// The POST body has a media type the protocol does not define.
    #[error(
        "unsupported request media type {0}; use application/x-www-form-urlencoded \
         or application/sparql-query"
    )]
    UnsupportedMediaType(String),

    /// The query text is larger than [`crate::SparqlLimits::max_query_bytes`].
    #[error("the query is {size} bytes long, the limit is {limit} bytes")]
    QueryTooLong { size: usize, limit: usize },

    /// The evaluation did not finish within [`crate::SparqlLimits::timeout`].
    #[error(
        "the query did not complete within {} ms and was cancelled; \
         make it more selective or add a LIMIT",
        timeout.as_millis()
    )]
    Timeout { timeout: Duration },

    /// Too many queries were recently cancelled and are still winding down.
    #[error("the SPARQL endpoint is busy finishing cancelled queries; retry in a few seconds")]
    Overloaded,

    /// The result has more rows (SELECT) or triples (CONSTRUCT/DESCRIBE)
    /// than [`crate::SparqlLimits::max_results`].
    #[error(
        "the result has more than {limit} {unit}, which is the maximum this endpoint returns; \
         add a LIMIT (and OFFSET to page through the results) to the query"
    )]
    TooManyResults { limit: usize, unit: &'static str },

    /// The evaluation failed for a reason that is not the client's fault.
    #[error("query evaluation failed: {0}")]
    Evaluation(String),

    /// An unexpected internal failure (serialisation I/O, evaluation thread
    /// that could not be started or that panicked…).
    #[error("internal error of the SPARQL endpoint: {0}")]
    Internal(String),
}

impl SparqlError {
    /// The HTTP status code to answer with.
    pub fn status(&self) -> u16 {
        match self {
            Self::MalformedQuery { .. } | Self::BadRequest(_) => 400,
            Self::UpdateRefused(_) | Self::ServiceRefused { .. } => 403,
            Self::NotAcceptable { .. } => 406,
            Self::QueryTooLong { .. } => 413,
            Self::UnsupportedMediaType(_) => 415,
            Self::TooManyResults { .. } => 422,
            Self::Evaluation(_) | Self::Internal(_) => 500,
            Self::Timeout { .. } | Self::Overloaded => 503,
        }
    }

    /// A short, stable title for the kind of error (the `title` member of an
    /// RFC 9457 problem document).
    pub fn title(&self) -> &'static str {
        match self {
            Self::MalformedQuery { .. } => "Malformed SPARQL query",
            Self::BadRequest(_) => "Invalid SPARQL protocol request",
            Self::UpdateRefused(_) => "SPARQL Update refused",
            Self::ServiceRefused { .. } => "Federated query refused",
            Self::NotAcceptable { .. } => "Not acceptable",
            Self::UnsupportedMediaType(_) => "Unsupported media type",
            Self::QueryTooLong { .. } => "Query too long",
            Self::Timeout { .. } => "Query timeout",
            Self::Overloaded => "SPARQL endpoint busy",
            Self::TooManyResults { .. } => "Too many results",
            Self::Evaluation(_) => "Query evaluation failed",
            Self::Internal(_) => "Internal error",
        }
    }

    /// The human-readable explanation of this error.
    pub fn detail(&self) -> String {
        self.to_string()
    }

    /// Whether a client may retry the very same request later
    /// (useful to set `Retry-After`).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Overloaded)
    }
}
