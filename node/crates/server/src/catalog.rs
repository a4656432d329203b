//! DCAT endpoints (`/catalog`, `/datasets/{id}`), search and catalogue administration.

use crate::AppState;
use crate::auth::Role;
use crate::metrics::OutcomeLabels;
use crate::negotiate::{rdf_format, suffix_format};
use crate::problem::Problem;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hublot_catalogue::format::RdfFormatName;
use hublot_catalogue::{CatalogueError, ImportOptions, InputFormat};
use hublot_search::SearchQuery;
use serde::Deserialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;

pub fn routes() -> Router<AppState> {
    let mut r = Router::new()
        .route("/catalog", get(catalog))
        .route("/datasets", get(list_datasets).post(import_datasets))
        .route(
            "/datasets/{id}",
            get(dataset).put(put_dataset).delete(delete_dataset),
        )
        .route("/search", get(search));
    for ext in ["ttl", "jsonld", "rdf", "nt", "nq", "trig"] {
        let format = suffix_format(ext).expect("known suffix");
        r = r.route(
            &format!("/catalog.{ext}"),
            get(
                move |state: State<AppState>,
                      query: Query<BTreeMap<String, String>>,
                      headers: HeaderMap| {
                    catalog_in(state, query, headers, Some(format))
                },
            ),
        );
    }
    r
}

fn parse_positive(params: &BTreeMap<String, String>, name: &str) -> Result<Option<usize>, Problem> {
    match params.get(name) {
        None => Ok(None),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(Problem::bad_request(format!(
                "query parameter {name} must be a positive integer, got {v:?}"
            ))),
        },
    }
}

/// `GET /catalog`: the DCAT catalogue, one Hydra page at a time.
#[utoipa::path(get, path = "/catalog", tag = "dcat",
    params(
        ("page" = Option<usize>, Query, description = "Page number, from 1"),
        ("pageSize" = Option<usize>, Query, description = "Datasets per page (default 100, at most the configured maximum)"),
    ),
    responses(
        (status = 200, description = "The catalogue page (Turtle, JSON-LD, RDF/XML, N-Triples…; also /catalog.ttl, .jsonld, .rdf, .nt)", content_type = "text/turtle"),
        (status = 304, description = "Not modified (ETag / Last-Modified)"),
        (status = 400, description = "Bad paging parameters", body = Problem),
        (status = 404, description = "Page beyond the last", body = Problem),
        (status = 406, description = "No acceptable RDF syntax", body = Problem),
    ))]
pub(crate) async fn catalog(
    state: State<AppState>,
    query: Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    catalog_in(state, query, headers, None).await
}

async fn catalog_in(
    State(s): State<AppState>,
    Query(params): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    forced: Option<RdfFormatName>,
) -> Response {
    // A large page is seconds of CPU work: keep it off the async workers.
    tokio::task::spawn_blocking(move || catalog_blocking(&s, &params, &headers, forced))
        .await
        .unwrap_or_else(|e| {
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("catalogue task failed: {e}"),
            )
            .into_response()
        })
}

fn catalog_blocking(
    s: &AppState,
    params: &BTreeMap<String, String>,
    headers: &HeaderMap,
    forced: Option<RdfFormatName>,
) -> Response {
    let run = || -> Result<Response, Problem> {
        let format = pick_format(headers, forced)?;
        let config = s.catalogue.config();
        let page = parse_positive(params, "page")?.unwrap_or(1);
        let size = parse_positive(params, "pageSize")?.unwrap_or(config.default_page_size);
        if size > config.max_page_size {
            return Err(Problem::bad_request(format!(
                "pageSize {size} exceeds the maximum of {}",
                config.max_page_size
            )));
        }
        let total = s.catalogue.len();
        let last = total.div_ceil(size).max(1);
        if page > last {
            return Err(Problem::not_found(format!(
                "page {page} is beyond the last page ({last}) of {total} dataset(s) at pageSize {size}"
            )));
        }
        let etag = format!(
            "\"cat-{}-{}-{page}-{size}\"",
            s.catalogue.revision(),
            format.extension()
        );
        Ok(conditional(
            headers,
            &etag,
            s.catalogue.last_modified(),
            format,
            || {
                s.catalogue
                    .catalog_page_document(Some((page, size)), format)
            },
        ))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

fn pick_format(
    headers: &HeaderMap,
    forced: Option<RdfFormatName>,
) -> Result<RdfFormatName, Problem> {
    if let Some(f) = forced {
        return Ok(f);
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    rdf_format(accept).ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "no acceptable RDF syntax: accept text/turtle, application/ld+json, application/rdf+xml, application/n-triples, application/n-quads or application/trig",
        )
    })
}

/// Answers a conditional GET, or builds the body.
fn conditional(
    headers: &HeaderMap,
    etag: &str,
    modified: OffsetDateTime,
    format: RdfFormatName,
    build: impl FnOnce() -> Result<Vec<u8>, CatalogueError>,
) -> Response {
    let last_modified = httpdate::fmt_http_date(std::time::SystemTime::from(modified));
    let not_modified = if let Some(inm) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        inm.split(',')
            .map(str::trim)
            .any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
    } else if let Some(ims) = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
    {
        // HTTP dates have one-second resolution.
        std::time::SystemTime::from(modified.replace_nanosecond(0).unwrap_or(modified)) <= ims
    } else {
        false
    };
    let mut res = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match build() {
            Ok(body) => {
                let mut r = body.into_response();
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(format)),
                );
                r
            }
            Err(e) => return Problem::from(e).into_response(),
        }
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&last_modified) {
        h.insert(header::LAST_MODIFIED, v);
    }
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

fn content_type(format: RdfFormatName) -> &'static str {
    match format {
        RdfFormatName::Turtle => "text/turtle; charset=utf-8",
        RdfFormatName::TriG => "application/trig; charset=utf-8",
        RdfFormatName::NTriples => "application/n-triples; charset=utf-8",
        RdfFormatName::NQuads => "application/n-quads; charset=utf-8",
        RdfFormatName::RdfXml => "application/rdf+xml; charset=utf-8",
        RdfFormatName::JsonLd => "application/ld+json",
    }
}

/// `GET /datasets/{id}`: one dataset record (also `/datasets/{id}.ttl` etc.).
#[utoipa::path(get, path = "/datasets/{id}", tag = "dcat",
    params(("id" = String, Path, description = "The dataset's dct:identifier, optionally followed by .ttl, .jsonld, .rdf, .nt")),
    responses(
        (status = 200, description = "The dataset with its distributions and variables", content_type = "text/turtle"),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such dataset", body = Problem),
        (status = 406, description = "No acceptable RDF syntax", body = Problem),
    ))]
pub(crate) async fn dataset(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let run = || -> Result<Response, Problem> {
        let (id, forced) = if s.catalogue.meta(&id).is_some() {
            (id, None)
        } else {
            match id.rsplit_once('.') {
                Some((stem, ext))
                    if suffix_format(ext).is_some() && s.catalogue.meta(stem).is_some() =>
                {
                    (stem.to_owned(), suffix_format(ext))
                }
                _ => {
                    return Err(Problem::not_found(format!(
                        "no dataset with identifier {id:?}"
                    )));
                }
            }
        };
        let format = pick_format(&headers, forced)?;
        let meta = s
            .catalogue
            .meta(&id)
            .ok_or_else(|| Problem::not_found(format!("no dataset with identifier {id:?}")))?;
        let etag = format!("\"{}-{}\"", &meta.sha256[..32], format.extension());
        Ok(conditional(&headers, &etag, meta.modified, format, || {
            let (_, g) = s.catalogue.record(&id)?.ok_or_else(|| {
                CatalogueError::InvalidRecord(format!("dataset {id:?} was deleted meanwhile"))
            })?;
            hublot_catalogue::format::serialize_graph(&g, format)
        }))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// `GET /datasets`: the records held, as JSON.
#[utoipa::path(get, path = "/datasets", tag = "dcat",
    responses((status = 200, description = "Identifier, IRI, creation and modification time and content hash of each record", body = Object)))]
pub(crate) async fn list_datasets(State(s): State<AppState>) -> Response {
    let list = s.catalogue.list();
    axum::Json(serde_json::json!({ "total": list.len(), "datasets": list })).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WriteParams {
    #[serde(default)]
    allow_invalid: Option<String>,
}

fn allow_invalid(p: &WriteParams) -> Result<bool, Problem> {
    match p.allow_invalid.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") | Some("") => Ok(true),
        Some(other) => Err(Problem::bad_request(format!(
            "allowInvalid must be true or false, got {other:?}"
        ))),
    }
}

fn input_format(headers: &HeaderMap) -> Result<InputFormat, Problem> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send a Content-Type: text/turtle, application/trig, application/n-triples, application/n-quads, application/rdf+xml, application/ld+json or application/yaml",
            )
        })?;
    InputFormat::from_media_type(ct).map_err(Problem::from)
}

async fn write(
    s: &AppState,
    headers: &HeaderMap,
    body: Bytes,
    options: ImportOptions,
) -> Result<Vec<hublot_catalogue::ImportOutcome>, Problem> {
    s.tokens().require(headers, &[Role::Admin])?;
    let format = input_format(headers)?;
    if body.is_empty() {
        return Err(Problem::bad_request("the request body is empty"));
    }
    let catalogue = s.catalogue.clone();
    let result = tokio::task::spawn_blocking(move || catalogue.import(&body, format, &options))
        .await
        .map_err(|e| {
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("import task failed: {e}"),
            )
        })?;
    let outcome = if result.is_ok() { "ok" } else { "refused" };
    s.metrics
        .catalogue_writes
        .get_or_create(&OutcomeLabels {
            outcome: outcome.into(),
        })
        .inc();
    s.metrics.datasets.set(s.catalogue.len() as i64);
    result.map_err(Problem::from)
}

/// `PUT /datasets/{id}`: create or replace one record (admin).
#[utoipa::path(put, path = "/datasets/{id}", tag = "admin",
    params(
        ("id" = String, Path, description = "The dct:identifier the body must describe"),
        ("allowInvalid" = Option<bool>, Query, description = "Store even if the record violates the HealthDCAT-AP shapes"),
    ),
    request_body(description = "One dataset record in Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD or Hublot YAML", content_type = "text/turtle"),
    responses(
        (status = 201, description = "Created", body = Object),
        (status = 200, description = "Replaced", body = Object),
        (status = 400, description = "Syntax error, with line and column", body = Problem),
        (status = 401, description = "No or unknown token", body = Problem),
        (status = 403, description = "Token of another role", body = Problem),
        (status = 413, description = "Body too large", body = Problem),
        (status = 415, description = "Unsupported Content-Type", body = Problem),
        (status = 422, description = "Not a conforming record for this identifier; nothing stored", body = Problem),
    ),
    security(("bearer" = [])))]
pub(crate) async fn put_dataset(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<WriteParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let options = ImportOptions {
            allow_invalid: allow_invalid(&p)?,
            expected_identifier: Some(id.clone()),
        };
        let outcomes = write(&s, &headers, body, options).await?;
        let created = outcomes.iter().any(|o| o.created);
        let mut res = (
            if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            axum::Json(serde_json::json!({ "records": outcomes })),
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("{}datasets/{id}", s.catalogue.base_url())) {
            res.headers_mut().insert(header::LOCATION, v);
        }
        Ok::<_, Problem>(res)
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `POST /datasets`: import a document of one or more records (admin); all or nothing.
#[utoipa::path(post, path = "/datasets", tag = "admin",
    params(("allowInvalid" = Option<bool>, Query, description = "Store even if records violate the shapes")),
    request_body(description = "Records in any supported RDF syntax or Hublot YAML", content_type = "text/turtle"),
    responses(
        (status = 200, description = "Stored records", body = Object),
        (status = 400, description = "Syntax error", body = Problem),
        (status = 401, description = "No or unknown token", body = Problem),
        (status = 415, description = "Unsupported Content-Type", body = Problem),
        (status = 422, description = "Non-conforming or unusable records; nothing stored", body = Problem),
    ),
    security(("bearer" = [])))]
pub(crate) async fn import_datasets(
    State(s): State<AppState>,
    Query(p): Query<WriteParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let options = ImportOptions {
            allow_invalid: allow_invalid(&p)?,
            expected_identifier: None,
        };
        let outcomes = write(&s, &headers, body, options).await?;
        Ok::<_, Problem>(axum::Json(serde_json::json!({ "records": outcomes })).into_response())
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `DELETE /datasets/{id}` (admin).
#[utoipa::path(delete, path = "/datasets/{id}", tag = "admin",
    params(("id" = String, Path, description = "The dct:identifier")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or unknown token", body = Problem),
        (status = 404, description = "No such dataset", body = Problem),
    ),
    security(("bearer" = [])))]
pub(crate) async fn delete_dataset(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        s.tokens().require(&headers, &[Role::Admin])?;
        let catalogue = s.catalogue.clone();
        let id2 = id.clone();
        let deleted = tokio::task::spawn_blocking(move || catalogue.delete(&id2))
            .await
            .map_err(|e| {
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            })?
            .map_err(Problem::from)?;
        s.metrics.datasets.set(s.catalogue.len() as i64);
        if deleted {
            Ok(StatusCode::NO_CONTENT.into_response())
        } else {
            Err(Problem::not_found(format!(
                "no dataset with identifier {id:?}"
            )))
        }
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /search`: ranked, accent-insensitive search with facets.
#[utoipa::path(get, path = "/search", tag = "search",
    params(
        ("q" = Option<String>, Query, description = "Words to find in titles, descriptions, keywords and variable names/labels (fr, en); empty lists everything"),
        ("theme" = Option<String>, Query, description = "Facet filter: EU data theme code (e.g. HEAL)"),
        ("health_category" = Option<String>, Query, description = "Facet filter: HealthData@EU health category code"),
        ("access_rights" = Option<String>, Query, description = "Facet filter: PUBLIC, RESTRICTED or NON_PUBLIC"),
        ("publisher" = Option<String>, Query, description = "Facet filter: publisher name"),
        ("lang" = Option<String>, Query, description = "Preferred language of titles in hits (fr, en)"),
        ("page" = Option<usize>, Query, description = "Page, from 1"),
        ("pageSize" = Option<usize>, Query, description = "Hits per page (default 20, at most 200)"),
    ),
    responses(
        (status = 200, description = "Hits and facet counts", body = Object),
        (status = 400, description = "Bad parameter", body = Problem),
    ))]
pub(crate) async fn search(
    State(s): State<AppState>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let run = || -> Result<Response, Problem> {
        let mut q = SearchQuery {
            text: String::new(),
            filters: Vec::new(),
            lang: None,
            page: 1,
            page_size: 20,
        };
        for (k, v) in params {
            match k.as_str() {
                "q" => q.text = v,
                "theme" | "health_category" | "access_rights" | "publisher" => {
                    q.filters.push((k, v));
                }
                "lang" => q.lang = Some(v),
                "page" | "pageSize" => {
                    let n: usize = v.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        Problem::bad_request(format!("{k} must be a positive integer, got {v:?}"))
                    })?;
                    if k == "page" {
                        q.page = n;
                    } else if n > 200 {
                        return Err(Problem::bad_request("pageSize may not exceed 200"));
                    } else {
                        q.page_size = n;
                    }
                }
                other => {
                    return Err(Problem::bad_request(format!(
                        "unknown parameter {other:?}: use q, theme, health_category, access_rights, publisher, lang, page, pageSize"
                    )));
                }
            }
        }
        if q.text.len() > 1000 {
            return Err(Problem::bad_request("q may not exceed 1000 bytes"));
        }
        Ok(axum::Json(s.catalogue.search(&q)).into_response())
    };
    run().unwrap_or_else(IntoResponse::into_response)
}
