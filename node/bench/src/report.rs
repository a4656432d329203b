//! The benchmark's figures and their markdown rendering.

use crate::generate::{Generated, TIERS};
use crate::inprocess::ExportProfile;
use crate::load::{RunStats, percentile_ms};
use crate::process::CpuUse;
use crate::queries::{KINDS, Kind};
use crate::{Args, EXPORT_TARGET};
use std::fmt::Write as _;
use std::time::Duration;

#[derive(Debug)]
pub struct Export {
    pub label: String,
    pub times: Vec<Duration>,
    pub bytes: u64,
    pub triples: Option<u64>,
}

impl Export {
    pub fn new(label: String, mut times: Vec<Duration>, bytes: u64, triples: Option<u64>) -> Self {
        times.sort();
        Export {
            label,
            times,
            bytes,
            triples,
        }
    }

    pub fn median(&self) -> Duration {
        self.times[self.times.len() / 2]
    }

    pub fn best(&self) -> Duration {
        self.times[0]
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub datasets: usize,
    pub duration_secs: u64,
    pub concurrency: usize,
    pub rounds: usize,
    pub command: String,
    pub date: String,
    pub machine: Vec<(String, String)>,
    pub oxigraph_version: String,
    pub generated: Option<Generated>,
    pub generation: Duration,
    pub reference: Option<String>,
    pub validation_sample: Option<(usize, Duration)>,
    pub node_import: Duration,
    pub node_import_validated: bool,
    pub node_startup: Duration,
    pub node_rss: Option<u64>,
    pub ox_load: Duration,
    pub ox_startup: Duration,
    pub ox_rss: Option<u64>,
    pub same_data: Vec<(String, u64)>,
    pub answers: Vec<(Kind, Vec<usize>)>,
    pub runs: Vec<(&'static str, RunStats, CpuUse)>,
    pub exports: Vec<Export>,
    pub export_profile: Option<ExportProfile>,
}

fn s(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn mb(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

fn gib(bytes: Option<u64>) -> String {
    bytes.map_or("?".into(), |b| {
        format!("{:.2} GiB", b as f64 / (1u64 << 30) as f64)
    })
}

impl Report {
    pub fn new(args: &Args) -> Self {
        let argv: Vec<String> = std::env::args().skip(1).collect();
        Report {
            datasets: args.datasets,
            duration_secs: args.duration_secs,
            concurrency: args.concurrency,
            rounds: args.rounds.max(1),
            command: format!("cargo run --release -p hublot-bench -- {}", argv.join(" "))
                .trim_end()
                .to_owned(),
            date: time::OffsetDateTime::now_utc().date().to_string(),
            ..Report::default()
        }
    }

    pub async fn finish_machine(&mut self) {
        let sh = |cmd: &'static str| async move {
            tokio::process::Command::new("sh")
                .args(["-c", cmd])
                .output()
                .await
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .unwrap_or_default()
        };
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "?".into());
        self.machine = vec![
            ("nproc".into(), sh("nproc").await),
            ("CPU".into(), cpu),
            (
                "free -h (Mem)".into(),
                sh("free -h | awk '/^Mem:/ {print \"total \" $2 \", available \" $7}'").await,
            ),
            ("kernel".into(), sh("uname -sr").await),
            ("rustc".into(), sh("rustc --version").await),
            ("oxigraph server".into(), self.oxigraph_version.clone()),
        ];
    }

    fn run(&self, name: &str) -> Option<&RunStats> {
        self.runs
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, r, _)| r)
    }

    fn cpu(&self, name: &str) -> CpuUse {
        self.runs
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, c)| *c)
            .unwrap_or_default()
    }

    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let w = &mut o;
        if self.runs.is_empty() && self.exports.is_empty() {
            self.profile_markdown(w);
            return o;
        }
        let _ = writeln!(w, "### Setup\n");
        let _ = writeln!(w, "* Date: {} (UTC)", self.date);
        let _ = writeln!(w, "* Command: `{}`", self.command);
        for (k, v) in &self.machine {
            let _ = writeln!(w, "* {k}: {v}");
        }
        if let Some(g) = &self.generated {
            let _ = writeln!(
                w,
                "* Catalogue: {} datasets, {} triples ({:.0} per record), {} of N-Triples, generated in {}; access rights {} {} / {} {} / {} {}",
                g.datasets,
                g.triples,
                g.triples as f64 / g.datasets.max(1) as f64,
                mb(g.bytes),
                s(self.generation),
                TIERS[0],
                g.tiers[0],
                TIERS[1],
                g.tiers[1],
                TIERS[2],
                g.tiers[2],
            );
        }
        if let Some(r) = &self.reference {
            let _ = writeln!(w, "* Reference validation of a sample: {r}");
        }
        for (label, n) in &self.same_data {
            let _ = writeln!(w, "* Same data on both servers: {n} {label}");
        }

        let hublot = self.run("hublot-node");
        let ox = self.run("oxigraph");
        let _ = writeln!(w, "\n### Summary\n");
        let _ = writeln!(
            w,
            "| | Hublot node | oxigraph server | Hublot / oxigraph | target |\n|---|---:|---:|---:|---|"
        );
        let validated = if self.node_import_validated {
            "with SHACL validation"
        } else {
            "--allow-invalid"
        };
        let _ = writeln!(
            w,
            "| load {} datasets | {} (`catalogue import`, {validated}) | {} (`oxigraph load`) | {:.2}× | |",
            self.datasets,
            s(self.node_import),
            s(self.ox_load),
            self.node_import.as_secs_f64() / self.ox_load.as_secs_f64().max(1e-9)
        );
        if let Some((n, d)) = self.validation_sample {
            let _ = writeln!(
                w,
                "| `catalogue validate` on {n} records | {} | | | |",
                s(d)
            );
        }
        let _ = writeln!(
            w,
            "| start-up until the first answer | {} | {} | | |",
            s(self.node_startup),
            s(self.ox_startup)
        );
        let _ = writeln!(
            w,
            "| peak resident memory (VmHWM, after the SPARQL runs) | {} | {} | | |",
            gib(self.node_rss),
            gib(self.ox_rss)
        );
        if let (Some(h), Some(x)) = (hublot, ox) {
            let ratio = h.qps() / x.qps().max(1e-9);
            let _ = writeln!(
                w,
                "| SPARQL mix throughput ({} clients, {} s per server in {} rounds) | {:.1} q/s | {:.1} q/s | **{:.2}×** | ≥ 1.0× {} |",
                self.concurrency,
                self.duration_secs,
                self.rounds,
                h.qps(),
                x.qps(),
                ratio,
                if ratio >= 1.0 { "✅" } else { "❌" }
            );
            for p in [50.0, 95.0] {
                let (a, b) = (percentile_ms(&h.all, p), percentile_ms(&x.all, p));
                let _ = writeln!(
                    w,
                    "| SPARQL latency p{p:.0} | {a:.1} ms | {b:.1} ms | {:.2}× | |",
                    a / b
                );
            }
            let _ = writeln!(
                w,
                "| queries answered / errors | {} / {} | {} / {} | | |",
                h.ok, h.errors, x.ok, x.errors
            );
            let (hc, xc) = (self.cpu("hublot-node"), self.cpu("oxigraph"));
            let _ = writeln!(
                w,
                "| CPU during the run (cores): server / load generator / other processes | {:.2} / {:.2} / {:.2} | {:.2} / {:.2} / {:.2} | | |",
                hc.server, hc.load_generator, hc.others, xc.server, xc.load_generator, xc.others
            );
        }
        for e in self.exports.iter().take(2) {
            let _ = writeln!(
                w,
                "| {} | {} | | | ≤ {} {} |",
                e.label,
                s(e.median()),
                s(EXPORT_TARGET),
                if e.median() <= EXPORT_TARGET {
                    "✅"
                } else {
                    "❌"
                }
            );
        }

        if let (Some(h), Some(x)) = (hublot, ox) {
            let _ = writeln!(w, "\n### SPARQL harvest mix, per query\n");
            let _ = writeln!(
                w,
                "Each client sends the kinds in turn (same number of each); variants page, pick other datasets, themes, dates and words. Latencies in ms; ratio = Hublot p50 / oxigraph p50 (below 1 is faster).\n"
            );
            let _ = writeln!(
                w,
                "| query | results (3 variants, equal on both) | Hublot p50 | Hublot p95 | oxigraph p50 | oxigraph p95 | p50 ratio |\n|---|---|---:|---:|---:|---:|---:|"
            );
            for k in KINDS {
                let empty = Vec::new();
                let hv = h.by_kind.get(&k).unwrap_or(&empty);
                let xv = x.by_kind.get(&k).unwrap_or(&empty);
                let counts = self
                    .answers
                    .iter()
                    .find(|(kk, _)| *kk == k)
                    .map(|(_, c)| {
                        c.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(" / ")
                    })
                    .unwrap_or_default();
                let (h50, x50) = (percentile_ms(hv, 50.0), percentile_ms(xv, 50.0));
                let _ = writeln!(
                    w,
                    "| {} | {counts} | {h50:.1} | {:.1} | {x50:.1} | {:.1} | {:.2}× |",
                    k.name(),
                    percentile_ms(hv, 95.0),
                    percentile_ms(xv, 95.0),
                    h50 / x50
                );
            }
        }

        let _ = writeln!(w, "\n### Export of the whole catalogue\n");
        let _ = writeln!(
            w,
            "Time to the last byte on 127.0.0.1 (median of the runs), or wall-clock time of the command (which opens the journal first).\n"
        );
        let _ = writeln!(
            w,
            "| export | median | best | runs | size | triples |\n|---|---:|---:|---:|---:|---:|"
        );
        for e in &self.exports {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} |",
                e.label,
                s(e.median()),
                s(e.best()),
                e.times.len(),
                mb(e.bytes),
                e.triples.map_or(String::new(), |t| t.to_string())
            );
        }
        self.profile_markdown(w);
        o
    }

    fn profile_markdown(&self, w: &mut String) {
        if let Some(p) = &self.export_profile {
            let _ = writeln!(w, "\n### Where the export time goes (in process)\n");
            let _ = writeln!(w, "| step | time |\n|---|---:|");
            let _ = writeln!(
                w,
                "| `Catalogue::open` (journal replay: store, search index, record graphs; {} records) | {} |",
                p.records,
                s(p.open),
            );
            let _ = writeln!(
                w,
                "| `Catalogue::catalog_page`: merge of the page's records into one `oxrdf::Graph` ({} triples) | {} |",
                p.graph_triples,
                s(p.assembly),
            );
            let _ = writeln!(
                w,
                "| `format::serialize_graph` of that graph, N-Triples ({}; best of 3) | {} |",
                mb(p.nt_bytes as u64),
                s(p.serialise_nt),
            );
            let _ = writeln!(
                w,
                "| `format::serialize_graph` of that graph, Turtle ({}; best of 3) | {} |",
                mb(p.ttl_bytes as u64),
                s(p.serialise_ttl),
            );
            let _ = writeln!(
                w,
                "| `Catalogue::catalog_page_document` (records streamed to the serialiser), N-Triples (best of 3) | {} |",
                s(p.document_nt),
            );
            let _ = writeln!(
                w,
                "| `Catalogue::catalog_page_document`, Turtle (best of 3) | {} |",
                s(p.document_ttl),
            );
            let _ = writeln!(
                w,
                "| both give the same triples | {} |",
                if p.same_triples { "yes" } else { "**no**" }
            );
        }
    }
}
