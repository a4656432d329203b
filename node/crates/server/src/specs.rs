//! Aggregate specs: their JSON Schema, validation with every error and its JSON pointer,
//! and the shipped indicator specs with their ids (what permits name).

use crate::AppState;
use crate::problem::Problem;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/specs/schema", get(schema))
        .route("/specs/validate", post(validate))
        .route("/specs/indicators/ari-weekly", get(ari_weekly))
}

/// `GET /specs/schema`: the JSON Schema (2020-12) of aggregate specs.
#[utoipa::path(get, path = "/specs/schema", tag = "specs",
    responses((status = 200, description = "JSON Schema of the aggregate spec format", content_type = "application/schema+json")))]
pub(crate) async fn schema() -> Response {
    let mut res = hublot_query::SCHEMA_JSON.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/schema+json"),
    );
    res
}

/// `POST /specs/validate`: checks a spec against the schema, the semantic rules and the
/// OMOP allow-list; answers its id (`sha256:` of its canonical JSON) or every error.
#[utoipa::path(post, path = "/specs/validate", tag = "specs",
    request_body(description = "An aggregate spec", content_type = "application/json"),
    responses(
        (status = 200, description = "Valid: id, name and canonical JSON", body = Object),
        (status = 422, description = "Invalid: every error with its JSON pointer", body = Problem),
    ))]
pub(crate) async fn validate(body: Bytes) -> Response {
    let text = match std::str::from_utf8(&body) {
        Ok(t) => t,
        Err(e) => {
            return Problem::bad_request(format!("the body is not UTF-8: {e}")).into_response();
        }
    };
    match hublot_query::parse(text) {
        Ok(spec) => axum::Json(serde_json::json!({
            "id": spec.id(),
            "name": spec.name(),
            "canonical": spec.canonical_json(),
        }))
        .into_response(),
        Err(errors) => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-spec",
            format!("the spec has {} error(s)", errors.len()),
        )
        .with_errors(serde_json::to_value(&errors).unwrap_or_default())
        .into_response(),
    }
}

/// `GET /specs/indicators/ari-weekly`: the weekly ARI indicator spec and its id.
#[utoipa::path(get, path = "/specs/indicators/ari-weekly", tag = "specs",
    responses((status = 200, description = "The spec, with its id", body = Object)))]
pub(crate) async fn ari_weekly() -> Response {
    let spec = hublot_query::indicators::ari_weekly();
    let json: serde_json::Value =
        serde_json::from_str(hublot_query::indicators::ARI_WEEKLY_JSON).unwrap_or_default();
    axum::Json(serde_json::json!({ "id": spec.id(), "spec": json })).into_response()
}
