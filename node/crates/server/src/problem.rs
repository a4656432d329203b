//! RFC 9457 problem details: every error the node sends.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hublot_catalogue::CatalogueError;
use serde::Serialize;

/// An `application/problem+json` body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Individual errors (validation results, invalid parameters), when there are several.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub errors: Option<serde_json::Value>,
    /// The human-readable validation report, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("https://hublot.dev/problems/{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: None,
            report: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    pub fn with_errors(mut self, errors: serde_json::Value) -> Self {
        self.errors = Some(errors);
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}

impl From<CatalogueError> for Problem {
    fn from(e: CatalogueError) -> Self {
        match e {
            CatalogueError::Syntax {
                format,
                position,
                message,
            } => {
                let mut p = Problem::new(
                    StatusCode::BAD_REQUEST,
                    "syntax-error",
                    format!(
                        "{format} syntax error{}: {message}",
                        position.map(|p| format!(" at {p}")).unwrap_or_default()
                    ),
                );
                p.errors = Some(serde_json::json!([{
                    "format": format,
                    "line": position.map(|p| p.line),
                    "column": position.map(|p| p.column),
                    "message": message,
                }]));
                p
            }
            CatalogueError::Authoring(a) => {
                let detail = a.to_string();
                Problem::new(StatusCode::BAD_REQUEST, "authoring-error", detail)
            }
            CatalogueError::UnsupportedFormat(d) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                d,
            ),
            CatalogueError::InvalidRecord(d) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-record", d)
            }
            CatalogueError::IdentifierMismatch(d) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "identifier-mismatch", d)
            }
            CatalogueError::NotConforming {
                violations,
                text,
                json,
            } => {
                let mut p = Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "shacl-violation",
                    format!(
                        "the record does not conform to HealthDCAT-AP: {violations} violation(s); nothing was stored"
                    ),
                );
                p.errors = Some(json);
                p.report = Some(text);
                p
            }
            other => {
                tracing::error!(error = %other, "catalogue failure");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the node could not complete the request; see its log",
                )
            }
        }
    }
}
