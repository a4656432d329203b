//! Checks and timings that use the catalogue library directly, on the same data directory
//! the server runs on.

use anyhow::bail;
use hublot_catalogue::format::{self, RdfFormatName};
use hublot_catalogue::{Catalogue, CatalogueConfig, InputFormat};
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
    pub records: usize,
    /// `Catalogue::catalog_page` for the whole catalogue (one page).
    pub assembly: Duration,
    pub graph_triples: usize,
    pub serialise_nt: Duration,
    pub nt_bytes: usize,
    pub serialise_ttl: Duration,
    pub ttl_bytes: usize,
    /// `Catalogue::catalog_page_document`: the same page serialised without merging the
    /// records into one graph first.
    pub document_nt: Duration,
    pub document_ttl: Duration,
    /// Whether both ways give the same triples.
    pub same_triples: bool,
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
    p.records = catalogue.len();
    let page = Some((1, page_size));

    let t = Instant::now();
    let graph = catalogue.catalog_page(page)?;
    p.assembly = t.elapsed();
    p.graph_triples = graph.len();
    // Serialisations are short and noisy: best of three.
    let best = |f: &dyn Fn() -> anyhow::Result<Vec<u8>>| -> anyhow::Result<(Duration, Vec<u8>)> {
        let mut out = (Duration::MAX, Vec::new());
        for _ in 0..3 {
            let t = Instant::now();
            let bytes = f()?;
            let took = t.elapsed();
            if took < out.0 {
                out = (took, bytes);
            }
        }
        Ok(out)
    };
    let (took, merged_nt) =
        best(&|| Ok(format::serialize_graph(&graph, RdfFormatName::NTriples)?))?;
    p.serialise_nt = took;
    p.nt_bytes = merged_nt.len();
    let (took, ttl) = best(&|| Ok(format::serialize_graph(&graph, RdfFormatName::Turtle)?))?;
    p.serialise_ttl = took;
    p.ttl_bytes = ttl.len();
    drop((graph, ttl));

    let (took, streamed_nt) =
        best(&|| Ok(catalogue.catalog_page_document(page, RdfFormatName::NTriples)?))?;
    p.document_nt = took;
    let (took, _) = best(&|| Ok(catalogue.catalog_page_document(page, RdfFormatName::Turtle)?))?;
    p.document_ttl = took;

    // N-Triples lines are canonical here (same serialiser, no blank nodes renamed).
    let lines = |b: &[u8]| -> HashSet<Vec<u8>> {
        b.split(|c| *c == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect()
    };
    p.same_triples =
        merged_nt.len() == streamed_nt.len() && lines(&merged_nt) == lines(&streamed_nt);
    Ok(p)
}
