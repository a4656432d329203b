//! `hublot-bench`: the catalogue benchmark of a Hublot node.
//!
//! 1. Generates N conforming HealthDCAT-AP datasets from the official example.
//! 2. Imports them into a node's data directory with `hublot-node catalogue import` (with
//!    SHACL validation), and loads the same records, in the same named graphs, into an
//!    oxigraph server (PyPI `oxigraph`, in a venv under ~/.cache) run with
//!    `--union-default-graph`, so both default graphs are the union of the records.
//! 3. Checks that every query of a DCAT harvest mix gives the same answer on both, then
//!    runs the mix against each for a fixed time with a fixed concurrency.
//! 4. Times full `/catalog` exports and `hublot-node catalogue export`.
//!
//! Everything runs on 127.0.0.1 in a temporary directory; both servers are stopped on exit,
//! also on error or Ctrl-C.

mod generate;
mod inprocess;
mod load;
mod process;
mod queries;
mod report;

use anyhow::{Context, anyhow, bail};
use clap::{Parser, ValueEnum};
use generate::{Profile, Template};
use process::{Server, free_port, run_logged, tail};
use queries::{KINDS, Mix};
use report::{Export, Report};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser, Debug, Clone)]
#[command(
    name = "hublot-bench",
    about = "Catalogue benchmark of a Hublot node: import, SPARQL harvest mix side by side with oxigraph server, full /catalog export"
)]
pub struct Args {
    /// Number of datasets to generate.
    #[arg(long, default_value_t = 10_000)]
    datasets: usize,
    /// Length of each server's measured SPARQL run.
    #[arg(long, default_value_t = 20)]
    duration_secs: u64,
    /// Concurrent clients during the SPARQL runs.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Also stop each SPARQL run after this many queries.
    #[arg(long)]
    max_requests: Option<u64>,
    /// The measured time of each server is split into this many rounds, run in turn.
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    /// Unmeasured warm-up before each SPARQL run.
    #[arg(long, default_value_t = 3)]
    warmup_secs: u64,
    /// How many times each HTTP export is timed (the median is reported).
    #[arg(long, default_value_t = 3)]
    export_runs: usize,
    /// How the node's import validates: `full` validates every record during the import;
    /// `sample` times `catalogue validate` on --validation-sample records, then imports all
    /// with --allow-invalid; `none` imports with --allow-invalid.
    #[arg(long, value_enum, default_value_t = Validation::Full)]
    validation: Validation,
    #[arg(long, default_value_t = 500)]
    validation_sample: usize,
    /// A reference HealthDCAT-AP validator (exit 0 = conforms) to check a sample of the
    /// generated records with, e.g. a pySHACL wrapper.
    #[arg(long, env = "HUBLOT_REFERENCE_VALIDATOR")]
    reference_validator: Option<PathBuf>,
    /// Records checked with the reference validator (spread over the catalogue).
    #[arg(long, default_value_t = 24)]
    reference_sample: usize,
    /// The hublot-node binary (default: built with `cargo build --release -p hublot-node`
    /// into this benchmark's target directory).
    #[arg(long, env = "HUBLOT_NODE_BIN")]
    node_bin: Option<PathBuf>,
    /// Do not run `cargo build` for hublot-node.
    #[arg(long)]
    no_build: bool,
    /// The oxigraph CLI (default: installed with pip in ~/.cache/hublot-bench-venv).
    #[arg(long, env = "HUBLOT_BENCH_OXIGRAPH")]
    oxigraph_bin: Option<PathBuf>,
    /// Seed of the generated catalogue.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Parent of the temporary working directory.
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Keep the working directory (data, logs) instead of deleting it.
    #[arg(long)]
    keep: bool,
    /// Measure where the export time goes (in this process, on the node's data directory).
    /// Done anyway when an export misses its target.
    #[arg(long)]
    profile_export: bool,
    /// Also write the report (markdown) to this file.
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Only write the generated catalogue (N-Triples) to this file, then stop.
    #[arg(long)]
    generate_only: Option<PathBuf>,
    /// Only measure where the export time goes, on this existing node data directory.
    #[arg(long)]
    profile_only: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Validation {
    Full,
    Sample,
    None,
}

/// Export time target for the whole catalogue.
const EXPORT_TARGET: Duration = Duration::from_secs(2);

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hublot-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        tokio::select! {
            r = run(args) => r,
            _ = interrupted() => Err(anyhow!("interrupted; servers stopped")),
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(2));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hublot-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn interrupted() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = ctrl_c => {},
                _ = term.recv() => {},
            }
            return;
        }
    }
    let _ = ctrl_c.await;
}

fn step(msg: &str) {
    eprintln!("[hublot-bench] {msg}");
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

async fn run(args: Args) -> anyhow::Result<()> {
    if args.datasets == 0 || args.concurrency == 0 {
        bail!("--datasets and --concurrency must be at least 1");
    }
    if let Some(path) = &args.generate_only {
        let template = Template::parse()?;
        let mut f = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
        let g = generate::write_catalogue(&template, args.seed, 0..args.datasets, &mut f, None)?;
        f.flush()?;
        step(&format!(
            "wrote {} datasets, {} triples to {}",
            g.datasets,
            g.triples,
            path.display()
        ));
        return Ok(());
    }
    if let Some(dir) = &args.profile_only {
        let dir = dir.clone();
        let page_size = args.datasets;
        let profile = tokio::task::spawn_blocking(move || {
            inprocess::profile_export(&dir, "http://127.0.0.1:8080/", page_size)
        })
        .await??;
        let report = Report {
            datasets: args.datasets,
            export_profile: Some(profile),
            ..Report::default()
        };
        println!("{}", report.markdown());
        return Ok(());
    }
    let mut report = Report::new(&args);
    let node = node_binary(&args).await?;
    let oxigraph = oxigraph_binary(&args).await?;
    report.oxigraph_version = command_output(&oxigraph, &["--version"]).await;

    let parent = args.work_dir.clone().unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&parent)?;
    let tmp = tempfile::Builder::new()
        .prefix("hublot-bench-")
        .tempdir_in(&parent)?;
    let work = tmp.path().to_path_buf();
    step(&format!("working directory {}", work.display()));
    let _keep = KeepDir(if args.keep { Some(tmp) } else { None });

    let client = reqwest::Client::builder()
        .no_gzip()
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(args.concurrency * 2)
        .timeout(Duration::from_secs(600))
        .build()?;

    // Ports first: the node's base URL names its record graphs.
    let node_port = free_port()?;
    let ox_port = free_port()?;
    let base = format!("http://127.0.0.1:{node_port}/");
    let graph_base = format!("{base}records/");

    // 1. Generate.
    step(&format!("generating {} datasets", args.datasets));
    let template = std::sync::Arc::new(Template::parse()?);
    let nt_path = work.join("catalogue.nt");
    let nq_path = work.join("records.nq");
    let generated = {
        let (template, nt_path, nq_path, graph_base) = (
            template.clone(),
            nt_path.clone(),
            nq_path.clone(),
            graph_base.clone(),
        );
        let (n, seed) = (args.datasets, args.seed);
        tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let t = Instant::now();
            let mut nt = BufWriter::with_capacity(1 << 20, std::fs::File::create(&nt_path)?);
            let mut nq = BufWriter::with_capacity(1 << 20, std::fs::File::create(&nq_path)?);
            let g = generate::write_catalogue(
                &template,
                seed,
                0..n,
                &mut nt,
                Some((&mut nq, &graph_base)),
            )?;
            nt.flush()?;
            nq.flush()?;
            Ok((g, t.elapsed()))
        })
        .await??
    };
    report.generated = Some(generated.0);
    report.generation = generated.1;
    step(&format!(
        "  {} triples, {:.1} MB of N-Triples in {}",
        report.generated.as_ref().map_or(0, |g| g.triples),
        report.generated.as_ref().map_or(0, |g| g.bytes) as f64 / 1e6,
        secs(generated.1)
    ));

    // A sample spread over the catalogue: checked by the reference validator and against
    // the node's own record splitting.
    let sample_n = args.reference_sample.clamp(1, args.datasets);
    let sample: Vec<usize> = (0..sample_n)
        .map(|k| k * args.datasets / sample_n)
        .collect();
    let sample_path = work.join("reference-sample.nt");
    let mut sample_nt = Vec::new();
    generate::write_catalogue(
        &template,
        args.seed,
        sample.iter().copied(),
        &mut sample_nt,
        None,
    )?;
    std::fs::write(&sample_path, &sample_nt)?;
    let expected: BTreeMap<String, Vec<oxigraph::model::Triple>> = sample
        .iter()
        .map(|&i| {
            let p = Profile::new(args.seed, i);
            (p.identifier.clone(), template.record(&p))
        })
        .collect();
    inprocess::check_split(&sample_nt, &base, &expected)
        .context("the generated records do not split as expected")?;
    match &args.reference_validator {
        Some(validator) => {
            step(&format!(
                "checking {sample_n} generated records with {}",
                validator.display()
            ));
            let log = work.join("reference-validation.log");
            let took = run_logged(validator, &[&sample_path], &log)
                .await
                .context("the reference validator rejects generated records")?;
            let tiers: Vec<String> = generate::TIERS
                .iter()
                .map(|t| {
                    let n = sample
                        .iter()
                        .filter(|&&i| Profile::new(args.seed, i).tier == *t)
                        .count();
                    format!("{n} {t}")
                })
                .collect();
            report.reference = Some(format!(
                "{sample_n} records ({}) conform to the reference validator ({}): {}",
                tiers.join(", "),
                validator.display(),
                tail(&log, 1).trim()
            ));
            step(&format!("  conform ({})", secs(took)));
        }
        None => {
            report.reference =
                Some("not checked (no --reference-validator / HUBLOT_REFERENCE_VALIDATOR)".into());
        }
    }

    // 2. Load the node.
    let data_dir = work.join("hublot-data");
    let config = work.join("hublot-node.toml");
    let page_size = args.datasets.max(1);
    std::fs::write(
        &config,
        format!(
            "data_dir = {:?}\n\n[server]\nlisten = \"127.0.0.1:{node_port}\"\n\n[catalogue]\nbase_url = {base:?}\nmax_page_size = {}\n\n[sparql]\ntimeout_ms = 120000\n\n[log]\nformat = \"text\"\nlevel = \"info\"\n",
            data_dir.display().to_string(),
            page_size.max(10_000)
        ),
    )?;
    let cfg = |rest: &[&str]| -> Vec<String> {
        let mut v = vec!["--config".to_owned(), config.display().to_string()];
        v.extend(rest.iter().map(|s| s.to_string()));
        v
    };
    let nt_arg = nt_path.display().to_string();
    match args.validation {
        Validation::Sample => {
            let n = args.validation_sample.clamp(1, args.datasets);
            let path = work.join("validation-sample.nt");
            let mut f = BufWriter::new(std::fs::File::create(&path)?);
            generate::write_catalogue(&template, args.seed, 0..n, &mut f, None)?;
            f.flush()?;
            drop(f);
            step(&format!(
                "validating {n} records with hublot-node catalogue validate"
            ));
            let took = run_logged(
                &node,
                &cfg(&["catalogue", "validate", &path.display().to_string()]),
                &work.join("validate.log"),
            )
            .await?;
            report.validation_sample = Some((n, took));
        }
        Validation::Full | Validation::None => {}
    }
    let mut import_args = vec!["catalogue", "import", nt_arg.as_str()];
    if args.validation != Validation::Full {
        import_args.push("--allow-invalid");
    }
    step(&format!(
        "importing into the node ({})",
        if args.validation == Validation::Full {
            "with SHACL validation"
        } else {
            "--allow-invalid"
        }
    ));
    report.node_import = run_logged(&node, &cfg(&import_args), &work.join("import.log")).await?;
    report.node_import_validated = args.validation == Validation::Full;
    step(&format!("  {}", secs(report.node_import)));

    step("starting hublot-node serve");
    let started = Instant::now();
    let mut hublot = Server::spawn(
        "hublot-node",
        &node,
        &cfg(&["serve"]),
        node_port,
        "/sparql",
        work.join("hublot-node.log"),
    )?;
    report.node_startup = hublot
        .wait_ready(&client, started, Duration::from_secs(1800))
        .await?;
    step(&format!("  ready after {}", secs(report.node_startup)));

    // The node's catalogue graph (its description and dcat:dataset links) goes to the
    // oxigraph copy too.
    let catalog_graph = format!("{base}catalog/graph");
    let triples = sparql_text(
        &client,
        &hublot.sparql_url,
        &format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{catalog_graph}> {{ ?s ?p ?o }} }}"),
        "application/n-triples",
    )
    .await?;
    let catalog_nq = work.join("catalog.nq");
    let mut quads = String::with_capacity(triples.len() * 2);
    for t in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NTriples)
        .for_slice(triples.as_bytes())
    {
        let t = t?;
        quads.push_str(&format!(
            "{} {} {} <{catalog_graph}> .\n",
            t.subject, t.predicate, t.object
        ));
    }
    std::fs::write(&catalog_nq, quads)?;

    // 3. Load oxigraph.
    let ox_dir = work.join("oxigraph");
    step("loading the same quads into oxigraph");
    report.ox_load = run_logged(
        &oxigraph,
        &[
            "load".to_owned(),
            "--location".to_owned(),
            ox_dir.display().to_string(),
            "--file".to_owned(),
            nq_path.display().to_string(),
            catalog_nq.display().to_string(),
        ],
        &work.join("oxigraph-load.log"),
    )
    .await?;
    step(&format!("  {}", secs(report.ox_load)));
    let started = Instant::now();
    let mut ox = Server::spawn(
        "oxigraph",
        &oxigraph,
        &[
            "serve".to_owned(),
            "--location".to_owned(),
            ox_dir.display().to_string(),
            "--bind".to_owned(),
            format!("127.0.0.1:{ox_port}"),
            "--union-default-graph".to_owned(),
        ],
        ox_port,
        "/query",
        work.join("oxigraph.log"),
    )?;
    report.ox_startup = ox
        .wait_ready(&client, started, Duration::from_secs(600))
        .await?;

    // 4. Same data, same answers.
    step("checking that both servers hold the same data and give the same answers");
    for (label, q) in [
        (
            "quads in named graphs",
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        ),
        (
            "named graphs",
            "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        ),
        (
            "datasets",
            "SELECT (COUNT(*) AS ?n) WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }",
        ),
    ] {
        let a = count(&client, &hublot.sparql_url, q).await?;
        let b = count(&client, &ox.sparql_url, q).await?;
        if a != b {
            bail!(
                "{label}: hublot-node has {a}, oxigraph {b}; the two servers do not hold the same data"
            );
        }
        report.same_data.push((label.to_owned(), a));
    }
    let mix = Mix {
        datasets: args.datasets,
        seed: args.seed,
    };
    for kind in KINDS {
        let mut counts = Vec::new();
        for v in 0..3 {
            let q = mix.text(kind, v);
            let a = queries::answer(
                kind,
                &queries::send(&client, &hublot.sparql_url, kind, &q).await?,
            )?;
            let b = queries::answer(
                kind,
                &queries::send(&client, &ox.sparql_url, kind, &q).await?,
            )?;
            if a.count != b.count {
                bail!(
                    "{}: hublot-node returns {} results, oxigraph {}, for\n{q}",
                    kind.name(),
                    a.count,
                    b.count
                );
            }
            if a != b {
                bail!(
                    "{}: same number of results ({}) but different results, for\n{q}",
                    kind.name(),
                    a.count
                );
            }
            if a.count == 0 {
                bail!("{}: no results on either server for\n{q}", kind.name());
            }
            counts.push(a.count);
        }
        report.answers.push((kind, counts));
    }

    // 5. Load: the servers in turn, in interleaved rounds, so that a passing disturbance
    // (another process taking CPU) does not land on one server only.
    let rounds = args.rounds.max(1);
    let load_cfg = load::LoadConfig {
        concurrency: args.concurrency,
        duration: Duration::from_secs_f64(args.duration_secs as f64 / rounds as f64),
        max_requests: args.max_requests.map(|m| m.div_ceil(rounds as u64)),
    };
    let warm = load::LoadConfig {
        duration: Duration::from_secs(args.warmup_secs),
        max_requests: None,
        ..load_cfg.clone()
    };
    let servers = [&hublot, &ox];
    if args.warmup_secs > 0 {
        for server in servers {
            step(&format!(
                "warming up {} ({} s)",
                server.name, args.warmup_secs
            ));
            load::run(&client, &server.sparql_url, &mix, &warm, 0).await;
        }
    }
    let mut totals: Vec<(load::RunStats, process::CpuUse)> =
        vec![Default::default(), Default::default()];
    for round in 0..rounds {
        for (k, server) in servers.iter().enumerate() {
            step(&format!(
                "SPARQL mix on {} (round {}/{rounds}): {} clients, {:.0} s",
                server.name,
                round + 1,
                args.concurrency,
                load_cfg.duration.as_secs_f64()
            ));
            let before = process::CpuSnapshot::take(server.pid());
            let first = totals[k].0.ok + totals[k].0.errors;
            let stats = load::run(&client, &server.sparql_url, &mix, &load_cfg, first).await;
            let cpu = process::CpuSnapshot::take(server.pid()).since(&before, stats.elapsed);
            step(&format!(
                "  {:.1} queries/s, p50 {:.1} ms, p95 {:.1} ms, {} errors; CPU (cores): server {:.2}, load generator {:.2}, other processes {:.2}",
                stats.qps(),
                load::percentile_ms(&stats.all, 50.0),
                load::percentile_ms(&stats.all, 95.0),
                stats.errors,
                cpu.server,
                cpu.load_generator,
                cpu.others
            ));
            if let Some(e) = &stats.first_error {
                step(&format!("  first error: {e}"));
            }
            let (total, total_cpu) = &mut totals[k];
            *total_cpu = total_cpu.add(&cpu, total.elapsed, stats.elapsed);
            total.merge(stats);
        }
    }
    for (server, (stats, cpu)) in servers.iter().zip(totals) {
        report.runs.push((server.name, stats, cpu));
    }
    report.node_rss = hublot.peak_rss_bytes();
    report.ox_rss = ox.peak_rss_bytes();
    ox.stop().await;

    // 6. Export.
    let expected_datasets = args.datasets;
    for (label, path, accept) in [
        (
            format!("GET /catalog.nt?pageSize={page_size} (N-Triples)"),
            format!("catalog.nt?pageSize={page_size}"),
            "application/n-triples",
        ),
        (
            format!("GET /catalog?pageSize={page_size} (Accept: text/turtle)"),
            format!("catalog?pageSize={page_size}"),
            "text/turtle",
        ),
    ] {
        step(&format!("timing {label}"));
        let url = format!("{}{path}", hublot.base());
        let mut times = Vec::new();
        let mut body = Vec::new();
        for _ in 0..args.export_runs.max(1) {
            let t = Instant::now();
            let r = client.get(&url).header("accept", accept).send().await?;
            let status = r.status();
            let b = r.bytes().await?;
            let took = t.elapsed();
            if !status.is_success() {
                bail!(
                    "{url}: HTTP {status}: {}",
                    String::from_utf8_lossy(&b[..b.len().min(300)])
                );
            }
            times.push(took);
            body = b.to_vec();
        }
        let format = if accept == "text/turtle" {
            oxigraph::io::RdfFormat::Turtle
        } else {
            oxigraph::io::RdfFormat::NTriples
        };
        let (triples, datasets) = count_export(&body, format)?;
        if datasets != expected_datasets {
            bail!("{url} describes {datasets} datasets, expected {expected_datasets}");
        }
        report
            .exports
            .push(Export::new(label, times, body.len() as u64, Some(triples)));
    }
    {
        let label = format!("GET /catalog.ttl?pageSize={page_size}, Accept-Encoding: gzip");
        step(&format!("timing {label}"));
        let url = format!("{}catalog.ttl?pageSize={page_size}", hublot.base());
        let t = Instant::now();
        let r = client
            .get(&url)
            .header("accept-encoding", "gzip")
            .send()
            .await?;
        let status = r.status();
        let gz = r.headers().get("content-encoding").is_some();
        let b = r.bytes().await?;
        let took = t.elapsed();
        if !status.is_success() {
            bail!("{url}: HTTP {status}");
        }
        let label = if gz {
            label
        } else {
            format!("{label} (sent uncompressed)")
        };
        report
            .exports
            .push(Export::new(label, vec![took], b.len() as u64, None));
    }
    for (format, ext) in [("nt", "nt"), ("ttl", "ttl")] {
        let out = work.join(format!("export.{ext}"));
        let label = format!("hublot-node catalogue export --format {format}");
        step(&format!("timing {label}"));
        let took = run_logged(
            &node,
            &cfg(&[
                "catalogue",
                "export",
                "--format",
                format,
                "--output",
                &out.display().to_string(),
            ]),
            &work.join(format!("export-{ext}.log")),
        )
        .await?;
        let size = std::fs::metadata(&out)?.len();
        report
            .exports
            .push(Export::new(label, vec![took], size, None));
        std::fs::remove_file(&out).ok();
    }
    hublot.stop().await;

    let missed = report
        .exports
        .iter()
        .take(2)
        .any(|e| e.median() > EXPORT_TARGET);
    if args.profile_export || missed {
        step("profiling the export in process (catalogue library on the node's data directory)");
        let (dir, b) = (data_dir.clone(), base.clone());
        report.export_profile = Some(
            tokio::task::spawn_blocking(move || inprocess::profile_export(&dir, &b, page_size))
                .await??,
        );
    }

    report.finish_machine().await;
    let text = report.markdown();
    println!("{text}");
    if let Some(path) = &args.markdown {
        std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
    }
    if args.keep {
        step(&format!("kept {}", work.display()));
    }
    Ok(())
}

/// Keeps the temporary directory on disk when asked.
struct KeepDir(Option<tempfile::TempDir>);

impl Drop for KeepDir {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            let _ = t.keep();
        }
    }
}

/// Counts the triples and the `dcat:Dataset`s of an export.
fn count_export(body: &[u8], format: oxigraph::io::RdfFormat) -> anyhow::Result<(u64, usize)> {
    let mut triples = 0;
    let mut datasets = std::collections::HashSet::new();
    for q in oxigraph::io::RdfParser::from_format(format).for_slice(body) {
        let q = q.context("reading the export")?;
        triples += 1;
        if q.predicate.as_str() == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
            && matches!(&q.object, oxigraph::model::Term::NamedNode(n) if n.as_str() == "http://www.w3.org/ns/dcat#Dataset")
        {
            datasets.insert(q.subject.to_string());
        }
    }
    Ok((triples, datasets.len()))
}

async fn sparql_text(
    client: &reqwest::Client,
    url: &str,
    query: &str,
    accept: &str,
) -> anyhow::Result<String> {
    let r = client
        .post(url)
        .header("content-type", "application/sparql-query")
        .header("accept", accept)
        .body(query.to_owned())
        .send()
        .await?;
    let status = r.status();
    let text = r.text().await?;
    if !status.is_success() {
        bail!("{url}: HTTP {status}: {}", &text[..text.len().min(500)]);
    }
    Ok(text)
}

/// The single integer of a `SELECT (COUNT(…) AS ?n)` query.
async fn count(client: &reqwest::Client, url: &str, query: &str) -> anyhow::Result<u64> {
    let text = sparql_text(client, url, query, "application/sparql-results+json").await?;
    let v: serde_json::Value = serde_json::from_str(&text)?;
    v["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("{url}: no count in {text}"))
}

async fn command_output(program: &Path, args: &[&str]) -> String {
    match tokio::process::Command::new(program)
        .args(args)
        .output()
        .await
    {
        Ok(o) => String::from_utf8_lossy(&o.stdout).trim().to_owned(),
        Err(e) => format!("unknown ({e})"),
    }
}

/// The workspace root (this crate is `node/bench`).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The hublot-node binary, built in release mode next to this benchmark unless told
/// otherwise.
async fn node_binary(args: &Args) -> anyhow::Result<PathBuf> {
    if let Some(p) = &args.node_bin {
        return Ok(p.clone());
    }
    let exe = std::env::current_exe()?;
    // …/target/{release,debug}/hublot-bench → …/target/release/hublot-node
    let target = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| anyhow!("cannot locate the target directory from {}", exe.display()))?;
    let bin = target.join("release").join("hublot-node");
    if !args.no_build {
        step("building hublot-node (cargo build --release -p hublot-node)");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = tokio::process::Command::new(cargo)
            .args(["build", "--release", "-p", "hublot-node"])
            .env("CARGO_TARGET_DIR", target)
            .current_dir(workspace_root())
            .kill_on_drop(true)
            .status()
            .await
            .context("running cargo build")?;
        if !status.success() {
            bail!("cargo build --release -p hublot-node failed ({status})");
        }
    }
    if !bin.exists() {
        bail!(
            "{} not found: build it with `cargo build --release -p hublot-node` or pass --node-bin",
            bin.display()
        );
    }
    Ok(bin)
}

/// The oxigraph CLI from PyPI, installed once in a venv under ~/.cache.
async fn oxigraph_binary(args: &Args) -> anyhow::Result<PathBuf> {
    if let Some(p) = &args.oxigraph_bin {
        return Ok(p.clone());
    }
    let home = std::env::var_os("HOME").ok_or_else(|| anyhow!("HOME is not set"))?;
    let venv = PathBuf::from(home).join(".cache/hublot-bench-venv");
    let bin = venv.join("bin/oxigraph");
    if bin.exists() {
        return Ok(bin);
    }
    step(&format!(
        "installing oxigraph from PyPI into {}",
        venv.display()
    ));
    if !venv.join("bin/pip").exists() {
        let s = tokio::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .await
            .context("python3 -m venv")?;
        if !s.success() {
            bail!("python3 -m venv {} failed", venv.display());
        }
    }
    let s = tokio::process::Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "oxigraph"])
        .status()
        .await
        .context("pip install oxigraph")?;
    if !s.success() || !bin.exists() {
        bail!("pip install oxigraph did not provide {}", bin.display());
    }
    Ok(bin)
}
