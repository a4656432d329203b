//! SPARQL 1.1 Protocol endpoint (query only) over the node's oxigraph store.
//!
//! This crate is framework-agnostic: the HTTP server hands it the pieces of
//! a request ([`ProtocolRequest`]) and gets back either a response body with
//! its content type or a [`SparqlError`] carrying the HTTP status to use.
//!
//! ```no_run
//! use hublot_sparql::{Prepared, ProtocolRequest, SparqlLimits, execute, prepare};
//! # fn handle(store: &oxigraph::store::Store) -> Result<(), hublot_sparql::SparqlError> {
//! let limits = SparqlLimits::default();
//! let request = ProtocolRequest {
//!     method_is_post: false,
//!     url_query: Some("query=ASK%20%7B%7D"),
//!     content_type: None,
//!     body: &[],
//!     accept: Some("application/sparql-results+json"),
//! };
//! match prepare(&request, &limits)? {
//!     Prepared::ServiceDescription { accept } => {
//!         let response = hublot_sparql::service_description_response(
//!             "https://node.example/sparql",
//!             accept.as_deref(),
//!         )?;
//!         # let _ = response;
//!     }
//!     Prepared::Query(query) => {
//!         // In the server: inside `spawn_blocking`.
//!         let response = execute(store, &query, &limits)?;
//!         # let _ = response;
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Dataset
//!
//! Every catalogue record lives in its own named graph. A query without a
//! dataset description sees the union of all named graphs as its default
//! graph, and every named graph through `GRAPH`. The `default-graph-uri` /
//! `named-graph-uri` protocol parameters, or else the query's `FROM` /
//! `FROM NAMED` clauses, replace that dataset exactly as the SPARQL 1.1
//! Protocol specifies.
//!
//! # Safety limits
//!
//! Updates and federated queries (`SERVICE`) are refused before evaluation;
//! see [`SparqlLimits`] for the timeout, result-size and query-size limits.

mod error;
mod execute;
mod format;
mod protocol;
mod service_description;
mod validate;

pub use error::SparqlError;
pub use execute::{abandoned_evaluations, execute};
pub use format::{GraphFormat, OutputFormat, QueryForm, ResultsFormat};
pub use protocol::{Body, DatasetSource, Prepared, PreparedQuery, ProtocolRequest, prepare};
pub use service_description::{
    service_description, service_description_response, service_description_triples,
};

use std::time::Duration;

/// Resource limits applied to every query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SparqlLimits {
    /// Wall-clock budget for evaluation and serialisation. A query that
    /// exceeds it is cancelled and answered with 503.
    pub timeout: Duration,
    /// Maximum number of result rows (SELECT) or triples (CONSTRUCT,
    /// DESCRIBE); more gives 422.
    pub max_results: usize,
    /// Maximum size in bytes of the query text; more gives 413.
    pub max_query_bytes: usize,
}

impl Default for SparqlLimits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            max_results: 100_000,
            max_query_bytes: 64 * 1024,
        }
    }
}

/// A successful response: body and `Content-Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SparqlResponse {
    pub content_type: String,
    pub body: Vec<u8>,
}
