//! Checks and timings that use the catalogue library directly, on the same data directory
//! the server runs on.

use anyhow::bail;
use hublot_catalogue::format::{self, RdfFormatName};
use hublot_catalogue::{Catalogue, CatalogueConfig, InputFormat};
use oxigraph::io::RdfSerializer;
use oxigraph::model::Triple;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

/// Splits `nt` the way the node's import does and checks that every record holds exactly
/// the triples the generator wrote for it (so the oxigraph copy, built from the generator's
/// records, has the same named graphs as the node).
pub fn check_split(
    nt: &[u8],
    base: &str,
    expected: &BTreeMap<String, Vec<Triple>>,
) -> anyhow::Result<()> {
    let records = hublot_catalogue::store::parse_records(
        nt,
        InputFormat::Rdf(RdfFormatName::NTriples),
        base,
    )?;
    if records.len() != expected.len() {
        bail!(
            "the node splits the sample into {} records, the generator wrote {}",
            records.len(),
            expected.len()
        );
    }
    for r in &records {
        let Some(want) = expected.get(&r.identifier) else {
            bail!("the node found an unexpected record {}", r.identifier);
        };
        let got: HashSet<String> = r.graph.iter().map(|t| t.to_string()).collect();
        let want: HashSet<String> = want.iter().map(|t| t.to_string()).collect();
        if got != want {
            let extra = got.difference(&want).next().cloned().unwrap_or_default();
            let missing = want.difference(&got).next().cloned().unwrap_or_default();
            bail!(
                "record {} differs between the node's split and the generator (e.g. extra {extra:?}, missing {missing:?})",
                r.identifier
            );
        }
    }
    Ok(())
}

/// Where the time of a full catalogue export goes, measured in this process on the
/// server's data directory.
#[derive(Debug, Default)]
pub struct ExportProfile {
    pub open: Duration,
    pub quads: usize,
    /// `Catalogue::catalog_page` for the whole catalogue (one page).
    pub assembly: Duration,
    pub graph_triples: usize,
    pub serialise_nt: Duration,
    pub nt_bytes: usize,
    pub serialise_ttl: Duration,
    pub ttl_bytes: usize,
    /// Reading the store's quads straight into an N-Triples serialiser, without building a
    /// graph first (what a streaming export would cost).
    pub stream_nt: Duration,
    pub stream_ttl: Duration,
}

pub fn profile_export(
    data_dir: &Path,
    base_url: &str,
    page_size: usize,
) -> anyhow::Result<ExportProfile> {
    let config = CatalogueConfig {
        base_url: base_url.to_owned(),
        max_page_size: page_size.max(10_000),
        ..CatalogueConfig::default()
    };
    let mut p = ExportProfile::default();
    let t = Instant::now();
    let catalogue = Catalogue::open(data_dir, config)?;
    p.open = t.elapsed();
    p.quads = catalogue.store().len()?;

    let t = Instant::now();
    let graph = catalogue.catalog_page(Some((1, page_size)))?;
    p.assembly = t.elapsed();
    p.graph_triples = graph.len();

    let t = Instant::now();
    p.nt_bytes = format::serialize_graph(&graph, RdfFormatName::NTriples)?.len();
    p.serialise_nt = t.elapsed();
    let t = Instant::now();
    p.ttl_bytes = format::serialize_graph(&graph, RdfFormatName::Turtle)?.len();
    p.serialise_ttl = t.elapsed();
    drop(graph);

    for (format, slot) in [
        (RdfFormatName::NTriples, &mut p.stream_nt),
        (RdfFormatName::Turtle, &mut p.stream_ttl),
    ] {
        let t = Instant::now();
        let mut w = RdfSerializer::from_format(format.oxigraph()).for_writer(Vec::new());
        for q in catalogue.store().iter() {
            let q = q?;
            w.serialize_triple(oxigraph::model::TripleRef::new(
                &q.subject,
                &q.predicate,
                &q.object,
            ))?;
        }
        std::hint::black_box(w.finish()?.len());
        *slot = t.elapsed();
    }
    Ok(p)
}
