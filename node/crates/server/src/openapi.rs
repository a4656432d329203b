//! `/openapi.json`: the OpenAPI 3.1 description, generated from the handlers' annotations.

use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hublot node",
        description = "A hospital's Hublot node: HealthDCAT-AP catalogue (DCAT endpoints, SPARQL 1.1), search and administration.",
        license(name = "Apache-2.0")
    ),
    paths(
        crate::healthz,
        crate::metrics_text,
        crate::catalog::catalog,
        crate::catalog::list_datasets,
        crate::catalog::import_datasets,
        crate::catalog::dataset,
        crate::catalog::put_dataset,
        crate::catalog::delete_dataset,
        crate::catalog::search,
        crate::sparql::sparql_get,
        crate::sparql::sparql_post,
        crate::specs::schema,
        crate::specs::validate,
        crate::specs::ari_weekly,
    ),
    components(schemas(crate::problem::Problem)),
    modifiers(&BearerAuth),
    tags(
        (name = "dcat", description = "DCAT catalogue and dataset records (HealthDCAT-AP)"),
        (name = "sparql", description = "SPARQL 1.1 Protocol, read-only"),
        (name = "search", description = "Full-text search with facets"),
        (name = "specs", description = "Aggregate query specs: schema, validation, shipped indicators"),
        (name = "admin", description = "Catalogue administration (admin token)"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub(crate) async fn openapi_json() -> Response {
    axum::Json(ApiDoc::openapi()).into_response()
}
