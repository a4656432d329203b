//! End-to-end tests of running a node: configuration file, SPARQL limits, graceful
//! shutdown, and durability of concurrent writes under `kill -9`.

mod common;

use common::*;
use reqwest::blocking::Client;
use reqwest::header;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn example_with_id(i: usize) -> String {
    let text =
        std::fs::read_to_string(repo_root().join("shapes/examples/example-healthdcat-dataset.ttl"))
            .unwrap();
    text.replace(
        "EU-HDCA-R7-ONCOLOGY-EHRS-2024\"",
        &format!("ONCOLOGY-COHORT-{i}\""),
    )
    .replace(
        "ex:dataset-oncology-ehrs-2024",
        &format!("ex:dataset-oncology-cohort-{i}"),
    )
    // The identifier resource carries the record's own notation: one per copy.
    .replace(
        "ex:dataset-identifier ",
        &format!("ex:dataset-identifier-{i} "),
    )
    .replace(
        "ex:dataset-identifier,",
        &format!("ex:dataset-identifier-{i},"),
    )
    .replace(
        "ex:dataset-identifier\n",
        &format!("ex:dataset-identifier-{i}\n"),
    )
}

#[test]
fn config_file_limits_and_graceful_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let data = dir.path().join("state");
    // Fill the catalogue with the CLI first (same data dir as the server).
    let (code, out, err) = cli(
        &data,
        &[
            "catalogue",
            "import",
            repo_root()
                .join("node/crates/catalogue/demo/chu-demo.yaml")
                .to_str()
                .unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let config = dir.path().join("node.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"state\"\n\
             [server]\nlisten = \"127.0.0.1:{port}\"\nmax_body_bytes = 4096\n\
             [catalogue]\nbase_url = \"http://127.0.0.1:{port}/\"\npublisher_name = \"CHU Test\"\ndefault_page_size = 2\n\
             [sparql]\ntimeout_ms = 300\nmax_results = 5\n\
             [log]\nformat = \"json\"\n"
        ),
    )
    .unwrap();
    let node = Node::serve(&config, &data, port);
    let c = Client::new();

    // The configured page size and publisher.
    let r = c
        .get(node.url("/catalog.nt"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(r.contains("page=2&pageSize=2"), "default page size 2");
    assert!(r.contains("\"CHU Test\""));

    // Result-size limit → 422; timeout → 503, quickly, and the server keeps serving.
    let r = c
        .get(node.url("/sparql"))
        .query(&[("query", "SELECT * WHERE { ?s ?p ?o }")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
    let p: serde_json::Value = r.json().unwrap();
    assert!(p["detail"].as_str().unwrap().contains("LIMIT"), "{p}");
    let start = Instant::now();
    let r = c
        .get(node.url("/sparql"))
        .query(&[(
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        )])
        .send()
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(c.get(node.url("/healthz")).send().unwrap().status(), 200);

    // Body limit from the configuration.
    let token = {
        let (code, out, _) = cli(&data, &["token", "create", "--role", "admin"]);
        assert_eq!(code, 0);
        out.trim().to_owned()
    };
    // The running server picks the new token up within a second or two.
    let deadline = Instant::now() + Duration::from_secs(10);
    while c
        .delete(node.url("/datasets/no-such-dataset"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .status()
        == 401
    {
        assert!(Instant::now() < deadline, "the new token was not picked up");
        std::thread::sleep(Duration::from_millis(200));
    }
    let r = Client::new()
        .put(node.url("/datasets/x"))
        .bearer_auth(&token)
        .header(header::CONTENT_TYPE, "text/turtle")
        .body(vec![b' '; 8192])
        .send()
        .unwrap();
    assert_eq!(r.status(), 413);

    // A CLI change on the same data dir reaches the running server.
    let (code, _, err) = cli(&data, &["catalogue", "delete", "chu-demo-indicateurs-ira"]);
    assert_eq!(code, 0, "{err}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = c
            .get(node.url("/datasets/chu-demo-indicateurs-ira"))
            .send()
            .unwrap();
        if r.status() == 404 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not see the CLI delete"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // SIGTERM: graceful shutdown, exit status 0.
    let mut node = node;
    let status = node.terminate_and_wait();
    assert!(status.success(), "{status:?}");
}

#[test]
fn concurrent_acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut node = Node::demo_on(dir.path(), port);
    let admin = node.token("admin");
    let acknowledged = Arc::new(Mutex::new(Vec::<usize>::new()));
    let base = node.base.clone();
    let stop_at = Instant::now() + Duration::from_secs(3);
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let acknowledged = acknowledged.clone();
            let admin = admin.clone();
            let base = base.clone();
            std::thread::spawn(move || {
                let c = Client::new();
                let mut i = w;
                while Instant::now() < stop_at {
                    let r = c
                        .put(format!("{base}/datasets/ONCOLOGY-COHORT-{i}"))
                        .bearer_auth(&admin)
                        .header(header::CONTENT_TYPE, "text/turtle")
                        .body(example_with_id(i))
                        .send();
                    match r {
                        Ok(r) if r.status() == 201 => acknowledged.lock().unwrap().push(i),
                        Ok(r) => panic!("unexpected status {}", r.status()),
                        Err(_) => return, // the server was killed mid-request
                    }
                    i += 4;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    node.kill9();
    for w in workers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 4, "some writes were acknowledged");
    let node = Node::demo_on(dir.path(), port);
    let list: serde_json::Value = Client::new()
        .get(node.url("/datasets"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let ids: Vec<String> = list["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["identifier"].as_str().unwrap().to_owned())
        .collect();
    for i in &acknowledged {
        assert!(
            ids.contains(&format!("ONCOLOGY-COHORT-{i}")),
            "acknowledged record {i} lost"
        );
    }
    // Every stored record is whole: it validates and serves.
    let (code, out, err) = cli(dir.path(), &["catalogue", "validate"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn every_syntax_imports_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::demo(dir.path());
    let admin = node.token("admin");
    let c = Client::new();
    let turtle = example_with_id(0);
    let graph = {
        let mut g = oxrdf::Graph::new();
        for q in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
            .for_slice(turtle.as_bytes())
        {
            let q = q.unwrap();
            g.insert(oxrdf::TripleRef::new(&q.subject, &q.predicate, &q.object));
        }
        g
    };
    let serialise = |format: oxigraph::io::RdfFormat| {
        let mut w = oxigraph::io::RdfSerializer::from_format(format).for_writer(Vec::new());
        for t in graph.iter() {
            w.serialize_triple(t).unwrap();
        }
        w.finish().unwrap()
    };
    let cases = [
        ("text/turtle", turtle.clone().into_bytes()),
        (
            "application/n-triples",
            serialise(oxigraph::io::RdfFormat::NTriples),
        ),
        (
            "application/n-quads",
            serialise(oxigraph::io::RdfFormat::NQuads),
        ),
        ("application/trig", serialise(oxigraph::io::RdfFormat::TriG)),
        (
            "application/rdf+xml",
            serialise(oxigraph::io::RdfFormat::RdfXml),
        ),
        (
            "application/ld+json",
            serialise(oxigraph::io::RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            }),
        ),
    ];
    for (i, (ct, body)) in cases.into_iter().enumerate() {
        let r = c
            .put(node.url("/datasets/ONCOLOGY-COHORT-0"))
            .bearer_auth(&admin)
            .header(header::CONTENT_TYPE, ct)
            .body(body)
            .send()
            .unwrap();
        let expected = if i == 0 { 201 } else { 200 };
        assert_eq!(
            r.status(),
            expected,
            "{ct}: {}",
            r.text().unwrap_or_default()
        );
    }
    // YAML: one of the demo records, edited.
    let yaml =
        std::fs::read_to_string(repo_root().join("node/crates/catalogue/demo/chu-demo.yaml"))
            .unwrap();
    let r = c
        .post(node.url("/datasets"))
        .bearer_auth(&admin)
        .header(header::CONTENT_TYPE, "application/yaml")
        .body(yaml.clone())
        .send()
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    // A YAML error names the line.
    let broken = yaml.replacen("identifier:", "identifer:", 1);
    let r = c
        .post(node.url("/datasets"))
        .bearer_auth(&admin)
        .header(header::CONTENT_TYPE, "application/yaml")
        .body(broken)
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    let p: serde_json::Value = r.json().unwrap();
    assert!(p["detail"].as_str().unwrap().contains("line"), "{p}");
    // Malformed JSON-LD and RDF/XML are refused with 400 problem+json.
    for (ct, body) in [
        ("application/ld+json", "{\"@id\": "),
        (
            "application/rdf+xml",
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description",
        ),
    ] {
        let r = c
            .put(node.url("/datasets/ONCOLOGY-COHORT-0"))
            .bearer_auth(&admin)
            .header(header::CONTENT_TYPE, ct)
            .body(body)
            .send()
            .unwrap();
        assert_eq!(r.status(), 400, "{ct}");
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
}
