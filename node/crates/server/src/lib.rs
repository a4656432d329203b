//! The node's HTTP API: DCAT endpoints with content negotiation and Hydra paging,
//! SPARQL 1.1 Protocol, search, catalogue administration, health, metrics and OpenAPI.
//!
//! Handlers are thin: the catalogue crate does the work, blocking work runs on the blocking
//! pool, and every error leaves as `application/problem+json` (see [`problem`]).

pub mod auth;
pub mod metrics;
pub mod negotiate;
pub mod problem;

mod catalog;
mod openapi;
mod sparql;
mod specs;

use auth::Tokens;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hublot_catalogue::Catalogue;
use hublot_sparql::SparqlLimits;
use metrics::{Metrics, RequestLabels, RouteLabels};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub sparql: SparqlLimits,
    /// Largest request body accepted (imports); larger ones get 413.
    pub max_body_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            sparql: SparqlLimits::default(),
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub catalogue: Arc<Catalogue>,
    /// The accepted tokens; replaced when `tokens.json` changes (see [`AppState::reload_tokens`]).
    pub tokens: Arc<std::sync::RwLock<Arc<Tokens>>>,
    pub metrics: Arc<Metrics>,
    pub config: Arc<ServerConfig>,
    pub version: &'static str,
}

impl AppState {
    pub fn new(catalogue: Arc<Catalogue>, tokens: Tokens, config: ServerConfig) -> Self {
        let metrics = Arc::new(Metrics::default());
        metrics.datasets.set(catalogue.len() as i64);
        Self {
            catalogue,
            tokens: Arc::new(std::sync::RwLock::new(Arc::new(tokens))),
            metrics,
            config: Arc::new(config),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

impl AppState {
    /// The tokens in force now.
    pub fn tokens(&self) -> Arc<Tokens> {
        self.tokens.read().expect("tokens lock").clone()
    }

    /// Replaces the accepted tokens (after `hublot-node token create` changed the file).
    pub fn reload_tokens(&self, tokens: Tokens) {
        *self.tokens.write().expect("tokens lock") = Arc::new(tokens);
    }
}

/// The node's router with its middleware (CORS, gzip, tracing, metrics, body limit).
pub fn router(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::ACCEPT,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
        ])
        .expose_headers([
            header::ETAG,
            header::LAST_MODIFIED,
            header::LOCATION,
            header::LINK,
        ])
        .max_age(Duration::from_secs(3600));
    let max_body = state.config.max_body_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/openapi.json", get(openapi::openapi_json))
        .merge(catalog::routes())
        .merge(sparql::routes())
        .merge(specs::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            record_metrics,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CompressionLayer::new())
        .layer(cors)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The node is up", body = Object)))]
pub(crate) async fn healthz(State(s): State<AppState>) -> Response {
    axum::Json(serde_json::json!({
        "status": "ok",
        "version": s.version,
        "datasets": s.catalogue.len(),
    }))
    .into_response()
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain")))]
pub(crate) async fn metrics_text(State(s): State<AppState>) -> Response {
    s.metrics.datasets.set(s.catalogue.len() as i64);
    let mut res = s.metrics.encode().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res
}

async fn not_found(req: Request) -> Response {
    problem::Problem::not_found(format!("no resource at {}", req.uri().path())).into_response()
}

async fn record_metrics(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    s.metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    s.metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: res.status().as_u16(),
        })
        .inc();
    res
}
