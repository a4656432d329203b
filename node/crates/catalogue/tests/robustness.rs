//! Mutation testing of the import path: thousands of damaged documents (truncated, bytes
//! flipped, lines swapped) in every input syntax. None may panic, and a refused one must
//! leave the catalogue exactly as it was.

use hublot_catalogue::format::RdfFormatName;
use hublot_catalogue::{Catalogue, CatalogueConfig, ImportOptions, InputFormat};
use std::path::Path;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    match rng.below(4) {
        0 => out.truncate(rng.below(out.len())),
        1 => {
            for _ in 0..=rng.below(8) {
                let i = rng.below(out.len());
                out[i] = b"<>\"'@;:.,{}[]#\\\n \t0aZ\xff"[rng.below(22)];
            }
        }
        2 => {
            let text = String::from_utf8_lossy(&out).into_owned();
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.len() > 2 {
                let a = rng.below(lines.len());
                let b = rng.below(lines.len());
                lines.swap(a, b);
            }
            out = lines.join("\n").into_bytes();
        }
        _ => {
            let i = rng.below(out.len());
            let j = (i + rng.below(200)).min(out.len());
            out.drain(i..j);
        }
    }
    out
}

/// The stored triples, in a stable order.
fn serialise(catalogue: &Catalogue) -> Vec<String> {
    let nt = catalogue.export_records(RdfFormatName::NTriples).unwrap();
    let mut lines: Vec<String> = String::from_utf8(nt)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    lines.sort_unstable();
    lines
}

#[test]
fn damaged_documents_never_panic_and_refused_ones_change_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example =
        std::fs::read(root.join("../../../shapes/examples/example-healthdcat-dataset.ttl"))
            .unwrap();
    let yaml = std::fs::read(root.join("demo/chu-demo.yaml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let catalogue = Catalogue::open(dir.path(), CatalogueConfig::default()).unwrap();
    catalogue
        .import(&yaml, InputFormat::Yaml, &ImportOptions::default())
        .unwrap();
    let seed_graph = catalogue
        .parse(&example, InputFormat::Rdf(RdfFormatName::Turtle))
        .unwrap()
        .remove(0)
        .graph;
    let mut sources: Vec<(InputFormat, Vec<u8>)> = vec![
        (InputFormat::Yaml, yaml.clone()),
        (InputFormat::Rdf(RdfFormatName::Turtle), example.clone()),
    ];
    for f in [
        RdfFormatName::NTriples,
        RdfFormatName::RdfXml,
        RdfFormatName::JsonLd,
        RdfFormatName::TriG,
    ] {
        sources.push((
            InputFormat::Rdf(f),
            hublot_catalogue::format::serialize_graph(&seed_graph, f).unwrap(),
        ));
    }
    let mut rng = Rng(0x4855_424c_4f54);
    let mut refused = 0;
    let mut accepted = 0;
    for round in 0..600 {
        let (format, source) = &sources[round % sources.len()];
        let damaged = mutate(&mut rng, source);
        let before = serialise(&catalogue);
        let revision = catalogue.revision();
        match catalogue.import(&damaged, *format, &ImportOptions::default()) {
            Ok(_) => accepted += 1,
            Err(e) => {
                refused += 1;
                assert!(
                    e.is_client_error(),
                    "round {round}: not a client error: {e}"
                );
                assert_eq!(catalogue.revision(), revision, "round {round}: {e}");
                assert_eq!(serialise(&catalogue), before, "round {round}: {e}");
            }
        }
    }
    assert!(
        refused > 300,
        "most damaged documents are refused ({refused})"
    );
    println!("{refused} refused, {accepted} accepted");
}
