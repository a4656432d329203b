//! End-to-end tests of the node's catalogue: the real `hublot-node` binary on loopback.

mod common;

use common::*;
use oxrdf::graph::CanonicalizationAlgorithm;
use reqwest::blocking::Client;
use reqwest::header;

fn client() -> Client {
    Client::builder().gzip(false).build().unwrap()
}

fn parse(bytes: &[u8], format: oxigraph::io::RdfFormat) -> oxrdf::Graph {
    let mut g = oxrdf::Graph::new();
    for q in oxigraph::io::RdfParser::from_format(format).for_slice(bytes) {
        let q = q.expect("valid RDF");
        g.insert(oxrdf::TripleRef::new(&q.subject, &q.predicate, &q.object));
    }
    g
}

fn count_datasets(g: &oxrdf::Graph) -> usize {
    g.subjects_for_predicate_object(
        oxrdf::NamedNodeRef::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        oxrdf::NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#Dataset"),
    )
    .count()
}

#[test]
fn demo_catalogue_is_served_negotiated_paged_and_cached() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::demo(dir.path());
    let c = client();

    let r = c.get(node.url("/healthz")).send().unwrap();
    assert_eq!(r.status(), 200);

    // Turtle by default, every datasets' record included.
    let r = c.get(node.url("/catalog")).send().unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/turtle")
    );
    let etag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(r.headers().contains_key(header::LAST_MODIFIED));
    let body = r.bytes().unwrap();
    let g = parse(&body, oxigraph::io::RdfFormat::Turtle);
    let total = count_datasets(&g);
    assert!(
        total >= 3,
        "the demo has at least three datasets, got {total}"
    );

    // Negotiation and suffixes give the same graph.
    for (accept, suffix, format) in [
        (
            "application/ld+json",
            "jsonld",
            oxigraph::io::RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
        ),
        (
            "application/rdf+xml",
            "rdf",
            oxigraph::io::RdfFormat::RdfXml,
        ),
        (
            "application/n-triples",
            "nt",
            oxigraph::io::RdfFormat::NTriples,
        ),
    ] {
        let r = c
            .get(node.url("/catalog"))
            .header(header::ACCEPT, accept)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{accept}");
        assert!(
            r.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(accept)
        );
        let mut a = parse(&r.bytes().unwrap(), format);
        let r = c
            .get(node.url(&format!("/catalog.{suffix}")))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "/catalog.{suffix}");
        let mut b = parse(&r.bytes().unwrap(), format);
        let mut t = g.clone();
        for x in [&mut a, &mut b, &mut t] {
            x.canonicalize(CanonicalizationAlgorithm::Unstable);
        }
        assert_eq!(a, t, "{accept} is the same graph as Turtle");
        assert_eq!(b, t, ".{suffix} is the same graph as Turtle");
    }
    let r = c
        .get(node.url("/catalog"))
        .header(header::ACCEPT, "image/png")
        .send()
        .unwrap();
    assert_eq!(r.status(), 406);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );

    // Conditional GET.
    let r = c
        .get(node.url("/catalog"))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .unwrap();
    assert_eq!(r.status(), 304);
    let lm = c.get(node.url("/catalog")).send().unwrap().headers()[header::LAST_MODIFIED].clone();
    let r = c
        .get(node.url("/catalog"))
        .header(header::IF_MODIFIED_SINCE, lm)
        .send()
        .unwrap();
    assert_eq!(r.status(), 304);

    // gzip and CORS.
    let r = c
        .get(node.url("/catalog"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .header(header::ORIGIN, "https://portal.example")
        .send()
        .unwrap();
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(r.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let compressed = r.bytes().unwrap();
    let mut gz = flate2::read::GzDecoder::new(&compressed[..]);
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut gz, &mut plain).unwrap();
    assert_eq!(
        count_datasets(&parse(&plain, oxigraph::io::RdfFormat::Turtle)),
        total
    );

    // Hydra paging: pageSize=1 walks through every dataset.
    let r = c
        .get(node.url("/catalog.nt?page=1&pageSize=1"))
        .send()
        .unwrap();
    let nt = r.text().unwrap();
    assert!(nt.contains("<http://www.w3.org/ns/hydra/core#PartialCollectionView>"));
    assert!(nt.contains(&format!(
        "<http://www.w3.org/ns/hydra/core#totalItems> \"{total}\""
    )));
    assert!(nt.contains("page=2&pageSize=1"), "a next link");
    assert_eq!(
        count_datasets(&parse(nt.as_bytes(), oxigraph::io::RdfFormat::NTriples)),
        1
    );
    let r = c
        .get(node.url(&format!("/catalog?page={}&pageSize=1", total + 1)))
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
    for bad in ["page=0", "page=x", "pageSize=-1", "pageSize=100000"] {
        let r = c.get(node.url(&format!("/catalog?{bad}"))).send().unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        let p: serde_json::Value = r.json().unwrap();
        assert!(p["detail"].as_str().unwrap().len() > 10);
    }

    // One dataset, with suffix and negotiation; unknown → 404 problem.
    let list: serde_json::Value = c.get(node.url("/datasets")).send().unwrap().json().unwrap();
    let id = list["datasets"][0]["identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = c.get(node.url(&format!("/datasets/{id}"))).send().unwrap();
    assert_eq!(r.status(), 200);
    let etag = r.headers()[header::ETAG].clone();
    assert_eq!(
        count_datasets(&parse(&r.bytes().unwrap(), oxigraph::io::RdfFormat::Turtle)),
        1
    );
    let r = c
        .get(node.url(&format!("/datasets/{id}.jsonld")))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/ld+json")
    );
    let r = c
        .get(node.url(&format!("/datasets/{id}")))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = c.get(node.url("/datasets/no-such-dataset")).send().unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );

    // Operations endpoints.
    let openapi: serde_json::Value = c
        .get(node.url("/openapi.json"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/catalog",
        "/datasets/{id}",
        "/sparql",
        "/search",
        "/healthz",
        "/metrics",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "{path} is documented");
    }
    let metrics = c.get(node.url("/metrics")).send().unwrap().text().unwrap();
    assert!(metrics.contains("hublot_http_requests_total"));
    assert!(metrics.contains("hublot_catalogue_datasets"));
}

#[test]
fn demo_catalogue_conforms_to_the_reference_validator() {
    let Some(tool) = reference_validator() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let node = Node::demo(dir.path());
    let body = client()
        .get(node.url("/catalog.ttl?pageSize=10000"))
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    let file = dir.path().join("catalog.ttl");
    std::fs::write(&file, &body).unwrap();
    let (code, out) = reference_validate(&tool, &file);
    assert_eq!(
        code, 0,
        "pySHACL finds violations in the demo /catalog:\n{out}"
    );
    // And Hublot's own validator agrees on the stored catalogue.
    let (code, out, err) = cli(dir.path(), &["catalogue", "validate"]);
    assert_eq!(code, 0, "{out}{err}");
}

fn put(
    c: &Client,
    node: &Node,
    id: &str,
    token: Option<&str>,
    ct: &str,
    body: Vec<u8>,
) -> reqwest::blocking::Response {
    let mut rb = c
        .put(node.url(&format!("/datasets/{id}")))
        .header(header::CONTENT_TYPE, ct)
        .body(body);
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    rb.send().unwrap()
}

fn official_example() -> Vec<u8> {
    std::fs::read(repo_root().join("shapes/examples/example-healthdcat-dataset.ttl")).unwrap()
}

#[test]
fn admin_writes_are_checked_atomic_and_durable() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut node = Node::demo_on(dir.path(), port);
    let c = client();
    let admin = node.token("admin");
    let applicant = node.token("applicant");
    let id = "EU-HDCA-R7-ONCOLOGY-EHRS-2024";
    let before: serde_json::Value = c.get(node.url("/datasets")).send().unwrap().json().unwrap();
    let n_before = before["total"].as_u64().unwrap();

    // Authentication and roles.
    assert_eq!(
        put(&c, &node, id, None, "text/turtle", official_example()).status(),
        401
    );
    assert_eq!(
        put(
            &c,
            &node,
            id,
            Some("wrong"),
            "text/turtle",
            official_example()
        )
        .status(),
        401
    );
    assert_eq!(
        put(
            &c,
            &node,
            id,
            Some(&applicant),
            "text/turtle",
            official_example()
        )
        .status(),
        403
    );

    // Malformed input: a clear error with line and column, nothing stored.
    let r = put(
        &c,
        &node,
        id,
        Some(&admin),
        "text/turtle",
        b"@prefix ex: <http://e/> .\nex:a ex:b .\n".to_vec(),
    );
    assert_eq!(r.status(), 400);
    let p: serde_json::Value = r.json().unwrap();
    assert_eq!(p["errors"][0]["line"], 2, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("line 2"));
    let r = put(&c, &node, id, Some(&admin), "image/png", official_example());
    assert_eq!(r.status(), 415);
    // The server answers 413 without reading the whole body and closes that connection:
    // send it on a connection of its own.
    let r = put(
        &client(),
        &node,
        id,
        Some(&admin),
        "text/turtle",
        vec![b' '; 17 * 1024 * 1024],
    );
    assert_eq!(r.status(), 413);
    let r = put(
        &c,
        &node,
        "another-id",
        Some(&admin),
        "text/turtle",
        official_example(),
    );
    assert_eq!(r.status(), 422, "identifier mismatch");
    // A non-conforming record (no title) is refused with the SHACL report.
    let broken = String::from_utf8(official_example()).unwrap().replace(
        "dct:title \"Cross-border oncology EHR cohort 2024\"@en ;",
        "",
    );
    let r = put(
        &c,
        &node,
        id,
        Some(&admin),
        "text/turtle",
        broken.into_bytes(),
    );
    assert_eq!(r.status(), 422);
    let p: serde_json::Value = r.json().unwrap();
    assert!(p["report"].as_str().unwrap().contains("title"), "{p}");
    let after: serde_json::Value = c.get(node.url("/datasets")).send().unwrap().json().unwrap();
    assert_eq!(
        after["total"].as_u64().unwrap(),
        n_before,
        "nothing stored by refused requests"
    );

    // The official example is created, then replaced.
    let r = put(
        &c,
        &node,
        id,
        Some(&admin),
        "text/turtle",
        official_example(),
    );
    assert_eq!(r.status(), 201, "{:?}", r.text());
    let r = put(
        &c,
        &node,
        id,
        Some(&admin),
        "text/turtle",
        official_example(),
    );
    assert_eq!(r.status(), 200);
    let r = c
        .get(node.url(&format!("/datasets/{id}.nt")))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut served = parse(&r.bytes().unwrap(), oxigraph::io::RdfFormat::NTriples);
    let mut original = parse(&official_example(), oxigraph::io::RdfFormat::Turtle);
    served.canonicalize(CanonicalizationAlgorithm::Unstable);
    original.canonicalize(CanonicalizationAlgorithm::Unstable);
    assert_eq!(served, original, "no triple lost or added");

    // kill -9 right after the acknowledgement: the record survives.
    node.kill9();
    let node = Node::demo_on(dir.path(), port);
    let r = c.get(node.url(&format!("/datasets/{id}"))).send().unwrap();
    assert_eq!(r.status(), 200, "acknowledged write survived kill -9");

    // Delete.
    let r = c
        .delete(node.url(&format!("/datasets/{id}")))
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = c
        .delete(node.url(&format!("/datasets/{id}")))
        .bearer_auth(&admin)
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = c
        .delete(node.url(&format!("/datasets/{id}")))
        .bearer_auth(&admin)
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[test]
fn sparql_endpoint_answers_and_refuses_what_it_must() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::demo(dir.path());
    let c = client();
    let q = "SELECT ?d ?t WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; <http://purl.org/dc/terms/title> ?t FILTER(lang(?t) = 'en') }";
    // GET, POST form, POST direct.
    let a: serde_json::Value = c
        .get(node.url("/sparql"))
        .query(&[("query", q)])
        .send()
        .unwrap()
        .json()
        .unwrap();
    let b: serde_json::Value = c
        .post(node.url("/sparql"))
        .form(&[("query", q)])
        .send()
        .unwrap()
        .json()
        .unwrap();
    let r = c
        .post(node.url("/sparql"))
        .header(header::CONTENT_TYPE, "application/sparql-query")
        .header(header::ACCEPT, "application/sparql-results+json")
        .body(q)
        .send()
        .unwrap();
    let d: serde_json::Value = r.json().unwrap();
    let n = a["results"]["bindings"].as_array().unwrap().len();
    assert!(n >= 3);
    assert_eq!(b["results"]["bindings"].as_array().unwrap().len(), n);
    assert_eq!(d["results"]["bindings"].as_array().unwrap().len(), n);
    // CSV and CONSTRUCT.
    let r = c
        .get(node.url("/sparql"))
        .query(&[("query", q)])
        .header(header::ACCEPT, "text/csv")
        .send()
        .unwrap();
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert_eq!(r.text().unwrap().lines().count(), n + 1);
    let r = c
        .get(node.url("/sparql"))
        .query(&[("query", "CONSTRUCT { ?d a <http://www.w3.org/ns/dcat#Dataset> } WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }")])
        .header(header::ACCEPT, "text/turtle")
        .send()
        .unwrap();
    assert_eq!(
        count_datasets(&parse(&r.bytes().unwrap(), oxigraph::io::RdfFormat::Turtle)),
        n
    );
    // Service description.
    let r = c
        .get(node.url("/sparql"))
        .header(header::ACCEPT, "text/turtle")
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().unwrap().contains("sparql-service-description"));
    // Refusals: update, SERVICE, malformed.
    let r = c
        .post(node.url("/sparql"))
        .form(&[("update", "INSERT DATA { <a:b> <a:c> <a:d> }")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(node.url("/sparql"))
        .header(header::CONTENT_TYPE, "application/sparql-update")
        .body("DELETE WHERE { ?s ?p ?o }")
        .send()
        .unwrap();
    assert!(r.status() == 403 || r.status() == 415, "{}", r.status());
    let r = c
        .get(node.url("/sparql"))
        .query(&[(
            "query",
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        )])
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .get(node.url("/sparql"))
        .query(&[("query", "SELECT ?s WHERE { ?s ")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    // The store is unchanged after the refused update.
    let after: serde_json::Value = c
        .get(node.url("/sparql"))
        .query(&[("query", q)])
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(after["results"]["bindings"].as_array().unwrap().len(), n);
}

/// `GET /search` with parameters: (status, JSON body).
fn search(c: &Client, node: &Node, params: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let r = c.get(node.url("/search")).query(params).send().unwrap();
    (r.status().as_u16(), r.json().unwrap())
}

#[test]
fn search_finds_variables_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::demo(dir.path());
    let c = client();
    let (_, r) = search(&c, &node, &[("q", "visit_start_date")]);
    assert!(r["total"].as_u64().unwrap() >= 1, "{r}");
    let matched = r["hits"][0]["matched_variables"].as_array().unwrap();
    assert!(!matched.is_empty(), "{r}");
    // Accent-insensitive, French.
    let (_, a) = search(&c, &node, &[("q", "séjours hospitaliers")]);
    let (_, b) = search(&c, &node, &[("q", "sejours hospitaliers")]);
    assert!(a["total"].as_u64().unwrap() >= 1, "{a}");
    assert_eq!(a["hits"], b["hits"]);
    // Facets and filters.
    let (_, all) = search(&c, &node, &[]);
    let categories = all["facets"]["health_category"].as_array().unwrap();
    assert!(categories.len() >= 2, "{all}");
    let (_, nrpe) = search(&c, &node, &[("health_category", "NRPE")]);
    assert!(nrpe["total"].as_u64().unwrap() >= 1);
    assert!(nrpe["total"].as_u64().unwrap() < all["total"].as_u64().unwrap());
    let (_, none) = search(&c, &node, &[("access_rights", "PUBLIC")]);
    assert_eq!(none["total"], 0, "the demo has no PUBLIC dataset");
    // Bad parameters: 400 problem.
    for bad in [("page", "0"), ("pageSize", "1000"), ("colour", "blue")] {
        let (status, p) = search(&c, &node, &[bad]);
        assert_eq!(status, 400, "{bad:?}");
        assert!(p["detail"].as_str().unwrap().len() > 5);
    }
}

#[test]
fn cli_import_export_validate() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let examples = repo_root().join("shapes/examples");
    let example = examples.join("example-healthdcat-dataset.ttl");
    let arca = examples.join("EPRDR/ARCA.ttl");

    // Malformed file: refused whole, with the line number; nothing stored.
    let bad = dir.path().join("bad.ttl");
    std::fs::write(&bad, "@prefix ex: <http://e/> .\n\nex:a ex:b \"x .\n").unwrap();
    let (code, _, err) = cli(
        &data,
        &[
            "catalogue",
            "import",
            example.to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("line 3"), "{err}");
    let (_, out, _) = cli(&data, &["catalogue", "list"]);
    assert!(out.trim().is_empty(), "nothing stored: {out}");
    let unknown = dir.path().join("x.docx");
    std::fs::write(&unknown, "x").unwrap();
    let (code, _, err) = cli(&data, &["catalogue", "import", unknown.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("extension"), "{err}");

    // The official examples import and export with no triple lost.
    let (code, out, err) = cli(
        &data,
        &[
            "catalogue",
            "import",
            "--allow-invalid",
            example.to_str().unwrap(),
            arca.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    for (fmt, rdf) in [
        ("ttl", oxigraph::io::RdfFormat::Turtle),
        ("rdf", oxigraph::io::RdfFormat::RdfXml),
        (
            "jsonld",
            oxigraph::io::RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
        ),
        ("nq", oxigraph::io::RdfFormat::NQuads),
    ] {
        let (code, out, err) = cli(
            &data,
            &["catalogue", "export", "--records-only", "--format", fmt],
        );
        assert_eq!(code, 0, "{err}");
        let mut exported = parse(out.as_bytes(), rdf);
        let mut original = parse(
            &std::fs::read(&example).unwrap(),
            oxigraph::io::RdfFormat::Turtle,
        );
        original.extend(
            parse(
                &std::fs::read(&arca).unwrap(),
                oxigraph::io::RdfFormat::Turtle,
            )
            .iter(),
        );
        exported.canonicalize(CanonicalizationAlgorithm::Unstable);
        original.canonicalize(CanonicalizationAlgorithm::Unstable);
        assert_eq!(
            exported, original,
            "official examples through {fmt}: no triple lost or added"
        );
        // The full export adds the catalogue's description around them.
        let (_, full, _) = cli(&data, &["catalogue", "export", "--format", "nt"]);
        assert!(full.contains("<http://www.w3.org/ns/dcat#Catalog>"));
    }

    // validate: the official NON_PUBLIC example conforms; a broken variant does not.
    let (code, out, err) = cli(&data, &["catalogue", "validate", example.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let broken = dir.path().join("broken.ttl");
    std::fs::write(
        &broken,
        std::fs::read_to_string(&example).unwrap().replace(
            "<http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ;",
            "<http://publications.europa.eu/resource/authority/access-right/SECRET> ;",
        ),
    )
    .unwrap();
    let (code, out, _) = cli(&data, &["catalogue", "validate", broken.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DOES NOT CONFORM"), "{out}");
    // Without --allow-invalid, the broken file is refused and the stored record unchanged.
    let (code, _, err) = cli(&data, &["catalogue", "import", broken.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let (_, out, _) = cli(&data, &["catalogue", "export", "--format", "nt"]);
    assert!(out.contains("access-right/NON_PUBLIC"));
    assert!(!out.contains("access-right/SECRET"));
}
