//! `GET|POST /sparql`: the SPARQL 1.1 Protocol over the catalogue (read-only).

use crate::AppState;
use crate::metrics::OutcomeLabels;
use crate::problem::Problem;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hublot_sparql::{Prepared, ProtocolRequest, SparqlError};

pub fn routes() -> Router<AppState> {
    Router::new().route("/sparql", get(sparql_get).post(sparql_post))
}

/// `GET /sparql`: a query in `query=` (with `default-graph-uri`, `named-graph-uri`), or the
/// service description when there is no query.
#[utoipa::path(get, path = "/sparql", tag = "sparql",
    params(
        ("query" = Option<String>, Query, description = "SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)"),
        ("default-graph-uri" = Option<Vec<String>>, Query, description = "Default graph(s); default: the union of all records"),
        ("named-graph-uri" = Option<Vec<String>>, Query, description = "Named graph(s)"),
    ),
    responses(
        (status = 200, description = "Results (SPARQL JSON/XML/CSV/TSV, or RDF for CONSTRUCT/DESCRIBE), or the service description", content_type = "application/sparql-results+json"),
        (status = 400, description = "Malformed query", body = Problem),
        (status = 403, description = "Update or SERVICE refused", body = Problem),
        (status = 406, description = "No acceptable result format", body = Problem),
        (status = 413, description = "Query too long", body = Problem),
        (status = 422, description = "Too many results", body = Problem),
        (status = 503, description = "Query timed out", body = Problem),
    ))]
pub(crate) async fn sparql_get(
    state: State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    handle(state, Method::GET, uri, headers, Bytes::new()).await
}

/// `POST /sparql`: `application/x-www-form-urlencoded` (query=…) or `application/sparql-query`.
#[utoipa::path(post, path = "/sparql", tag = "sparql",
    request_body(description = "URL-encoded form with query=…, or the query itself as application/sparql-query", content_type = "application/sparql-query"),
    responses(
        (status = 200, description = "Results", content_type = "application/sparql-results+json"),
        (status = 400, description = "Malformed query", body = Problem),
        (status = 403, description = "Update or SERVICE refused", body = Problem),
        (status = 415, description = "Unsupported body type", body = Problem),
        (status = 503, description = "Query timed out", body = Problem),
    ))]
pub(crate) async fn sparql_post(
    state: State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(state, Method::POST, uri, headers, body).await
}

async fn handle(
    State(s): State<AppState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header_str = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let request = ProtocolRequest {
        method_is_post: method == Method::POST,
        url_query: uri.query(),
        content_type: header_str(header::CONTENT_TYPE),
        body: &body,
        accept: header_str(header::ACCEPT),
    };
    let limits = s.config.sparql.clone();
    let outcome = match hublot_sparql::prepare(&request, &limits) {
        Ok(Prepared::ServiceDescription { accept }) => {
            let endpoint = format!("{}sparql", s.catalogue.base_url());
            hublot_sparql::service_description_response(&endpoint, accept.as_deref())
                .map(|r| ok_response(r.content_type, r.body))
        }
        Ok(Prepared::Query(q)) => {
            let catalogue = s.catalogue.clone();
            match tokio::task::spawn_blocking(move || {
                hublot_sparql::execute(catalogue.store(), &q, &limits)
            })
            .await
            {
                Ok(Ok(r)) => Ok(ok_response(r.content_type, r.body)),
                Ok(Err(e)) => Err(e),
                Err(e) => {
                    tracing::error!(error = %e, "SPARQL task failed");
                    return Problem::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        "the query could not be evaluated",
                    )
                    .into_response();
                }
            }
        }
        Err(e) => Err(e),
    };
    let label = match &outcome {
        Ok(_) => "ok".to_owned(),
        Err(e) => format!("error_{}", e.status()),
    };
    s.metrics
        .sparql_queries
        .get_or_create(&OutcomeLabels { outcome: label })
        .inc();
    outcome.unwrap_or_else(|e| problem(&e).into_response())
}

fn ok_response(content_type: String, body: Vec<u8>) -> Response {
    let mut res = body.into_response();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        res.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    res.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    res
}

fn problem(e: &SparqlError) -> Problem {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let kind = match e.status() {
        400 => "sparql-malformed",
        403 => "sparql-refused",
        406 => "not-acceptable",
        413 => "sparql-too-long",
        415 => "unsupported-media-type",
        422 => "sparql-too-many-results",
        503 if e.is_transient() => "sparql-overloaded",
        503 => "sparql-timeout",
        500 => "internal",
        _ => "sparql-error",
    };
    let mut p = Problem::new(status, kind, e.to_string());
    p.title = e.title().to_owned();
    p
}
