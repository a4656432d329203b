//! `hublot-node`: the command line of a Hublot node. Parsing and wiring only; the work is
//! done by the node's crates.

mod config;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use config::Config;
use hublot_catalogue::format::RdfFormatName;
use hublot_catalogue::{Catalogue, ImportOptions, InputFormat};
use hublot_server::auth::{Role, Tokens};
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "hublot-node",
    version,
    about = "A Hublot node: publishes a hospital's HealthDCAT-AP catalogue and runs approved aggregate work beside its health data warehouse"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone)]
struct Global {
    /// The node's state directory (catalogue journal, tokens).
    #[arg(long, global = true, env = "HUBLOT_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// A TOML configuration file (see the README for every key).
    #[arg(long, global = true, env = "HUBLOT_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start a demo node on 127.0.0.1 with a sample catalogue describing a synthetic hospital
    /// warehouse and one API token per role (written to DATA_DIR/demo-tokens.json).
    Demo {
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Size of the synthetic warehouse created on first start.
        #[arg(long, default_value_t = 50_000)]
        persons: u64,
    },
    /// Run the node's HTTP server.
    Serve {
        /// Listen address (overrides the configuration).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Work on the catalogue (the same state the server uses).
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Generate a synthetic OMOP CDM 5.4 warehouse (deterministic for a seed).
    Synth(SynthArgs),
    /// The weekly acute respiratory infection indicators.
    #[command(subcommand)]
    Indicators(IndicatorsCommand),
}

#[derive(Args, Debug)]
struct SynthArgs {
    #[arg(long, default_value_t = 10_000)]
    persons: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// First day of the period (YYYY-MM-DD).
    #[arg(long, default_value = "2022-01-03")]
    from: String,
    /// Last day of the period (YYYY-MM-DD).
    #[arg(long, default_value = "2025-12-28")]
    to: String,
    /// SQLite file to write (default: the node's embedded warehouse).
    #[arg(long, conflicts_with = "database_url")]
    out: Option<PathBuf>,
    /// PostgreSQL URL to write to instead (with --schema).
    #[arg(long, requires = "schema")]
    database_url: Option<String>,
    /// PostgreSQL schema to create and fill.
    #[arg(long)]
    schema: Option<String>,
    /// Name of the synthetic hospital (care_site).
    #[arg(long)]
    hospital: Option<String>,
}

#[derive(Subcommand, Debug)]
enum IndicatorsCommand {
    /// Compute the disclosure-controlled indicator table for ISO weeks (e.g. 2025-W03).
    Run {
        #[arg(long)]
        week: String,
        /// Last week of a range (included).
        #[arg(long)]
        to: Option<String>,
        /// Read this PostgreSQL warehouse instead of the configured one (with --schema).
        #[arg(long, requires = "schema")]
        database_url: Option<String>,
        #[arg(long)]
        schema: Option<String>,
        /// json or csv.
        #[arg(long, default_value = "json")]
        format: String,
    },
}

#[derive(Subcommand, Debug)]
enum CatalogueCommand {
    /// Import records (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD or Hublot YAML);
    /// upserts by dct:identifier; all files or nothing.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Store records even when they violate the HealthDCAT-AP shapes.
        #[arg(long)]
        allow_invalid: bool,
    },
    /// Write the whole catalogue on standard output (or to --output).
    Export {
        /// ttl, trig, nt, nq, rdf (RDF/XML) or jsonld.
        #[arg(long, default_value = "ttl")]
        format: String,
        #[arg(long)]
        output: Option<PathBuf>,
        /// Only the dataset records, without the catalogue's own description.
        #[arg(long)]
        records_only: bool,
    },
    /// Validate files (or, without files, the stored catalogue) against the HealthDCAT-AP
    /// shapes of each dataset's access-rights tier. Exit 1 on violations.
    Validate {
        files: Vec<PathBuf>,
        /// Report as text or json.
        #[arg(long, default_value = "text")]
        report: String,
    },
    /// List the stored records.
    List,
    /// Delete records by dct:identifier.
    Delete {
        #[arg(required = true)]
        identifiers: Vec<String>,
    },
    /// Refresh the statistics of warehouse-backed datasets (numberOfRecords,
    /// numberOfUniqueIndividuals, typical ages, temporal coverage, modified), protected by
    /// the disclosure-control policy. Uses the `[[statistics]]` bindings of the
    /// configuration, or one given here.
    Stats {
        /// A dataset identifier (with --visit-concepts).
        #[arg(long, requires = "visit_concepts")]
        dataset: Option<String>,
        /// OMOP visit concept ids, comma-separated (e.g. 9203,262).
        #[arg(long, value_delimiter = ',')]
        visit_concepts: Vec<i64>,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Create a token for a role (applicant, reviewer, admin); prints it once.
    Create {
        #[arg(long)]
        role: Role,
        #[arg(long, default_value = "")]
        label: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hublot-node: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn load_config(global: &Global) -> anyhow::Result<Config> {
    let mut config = match &global.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Some(d) = &global.data_dir {
        config.data_dir = d.clone();
    }
    Ok(config)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = load_config(&cli.global)?;
    match cli.command {
        Command::Demo { port, persons } => {
            config.server.listen = SocketAddr::from(([127, 0, 0, 1], port));
            config.catalogue.base_url = format!("http://127.0.0.1:{port}/");
            if cli.global.config.is_none() {
                config.catalogue.publisher_name = "CHU Demo".into();
                config.catalogue.homepage = Some(format!("http://127.0.0.1:{port}/catalog"));
            }
            init_logging(&config);
            let catalogue = open_catalogue(&config)?;
            seed_demo(&catalogue, &config.data_dir)?;
            seed_warehouse(&config, persons)?;
            if config.statistics.is_empty() {
                config.statistics = demo_statistics();
            }
            refresh_statistics(&config, &catalogue)?;
            serve(config, catalogue)
        }
        Command::Serve { listen } => {
            if let Some(l) = listen {
                config.server.listen = l;
            }
            init_logging(&config);
            let catalogue = open_catalogue(&config)?;
            serve(config, catalogue)
        }
        Command::Catalogue(cmd) => catalogue_command(&config, cmd),
        Command::Synth(args) => synth(&config, args),
        Command::Indicators(IndicatorsCommand::Run {
            week,
            to,
            database_url,
            schema,
            format,
        }) => indicators_run(&config, &week, to.as_deref(), database_url, schema, &format),
        Command::Token(TokenCommand::Create { role, label }) => {
            std::fs::create_dir_all(&config.data_dir)?;
            let token = Tokens::create(&config.data_dir.join("tokens.json"), role, &label)
                .map_err(anyhow::Error::msg)?;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn open_catalogue(config: &Config) -> anyhow::Result<Arc<Catalogue>> {
    let c = Catalogue::open(&config.data_dir, config.catalogue.clone())
        .with_context(|| format!("opening the catalogue in {}", config.data_dir.display()))?;
    Ok(Arc::new(c))
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log.level));
    let json = match config.log.format.as_str() {
        "json" => true,
        "text" => false,
        _ => !std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}

/// Loads the sample catalogue and the demo tokens.
fn seed_demo(catalogue: &Catalogue, data_dir: &Path) -> anyhow::Result<()> {
    // Upserted at every start, so the records carry this run's base URL.
    for (name, text) in hublot_catalogue::demo::FILES {
        let outcomes = catalogue
            .import(
                text.as_bytes(),
                InputFormat::Yaml,
                &ImportOptions::default(),
            )
            .with_context(|| format!("loading the demo record {name}"))?;
        tracing::info!(file = name, records = outcomes.len(), "demo records loaded");
    }
    let tokens_path = data_dir.join("demo-tokens.json");
    if !tokens_path.exists() {
        let store = data_dir.join("tokens.json");
        let mut demo = serde_json::Map::new();
        for (name, role) in [
            ("applicant", Role::Applicant),
            ("reviewer", Role::Reviewer),
            ("admin", Role::Admin),
        ] {
            let token = Tokens::create(&store, role, "demo").map_err(anyhow::Error::msg)?;
            demo.insert(name.into(), token.into());
        }
        std::fs::write(&tokens_path, serde_json::to_vec_pretty(&demo)?)?;
    }
    Ok(())
}

/// The demo datasets and the visits behind them.
fn demo_statistics() -> Vec<config::StatisticsBinding> {
    [
        ("chu-demo-passages-urgences", vec![9203, 262]),
        ("chu-demo-sejours-hospitaliers", vec![9201, 262]),
        ("chu-demo-indicateurs-ira", vec![9203, 262]),
    ]
    .into_iter()
    .map(|(dataset, visit_concepts)| config::StatisticsBinding {
        dataset: dataset.into(),
        visit_concepts,
    })
    .collect()
}

/// Computes the bound datasets' figures from the warehouse and writes them into their
/// records.
fn refresh_statistics(config: &Config, catalogue: &Catalogue) -> anyhow::Result<usize> {
    if config.statistics.is_empty() {
        return Ok(0);
    }
    let warehouse = config.warehouse().open()?;
    let policy = hublot_engine::default_policy();
    let mut updated = 0;
    for binding in &config.statistics {
        if catalogue.meta(&binding.dataset).is_none() {
            tracing::warn!(dataset = %binding.dataset, "statistics binding names no stored dataset");
            continue;
        }
        let s =
            hublot_engine::visit_statistics(warehouse.as_ref(), &binding.visit_concepts, &policy)?;
        let figures = hublot_catalogue::DatasetFigures {
            records: s.records,
            individuals: s.individuals,
            min_typical_age: s.min_typical_age,
            max_typical_age: s.max_typical_age,
            first_date: s.first_date.map(|d| d.to_string()),
            last_date: s.last_date.map(|d| d.to_string()),
        };
        catalogue
            .apply_statistics(&binding.dataset, &figures)
            .with_context(|| format!("updating the statistics of {}", binding.dataset))?;
        updated += 1;
    }
    Ok(updated)
}

/// Creates the demo's embedded warehouse on first start.
fn seed_warehouse(config: &Config, persons: u64) -> anyhow::Result<()> {
    if let hublot_engine::WarehouseConfig::Sqlite { path } = config.warehouse()
        && !path.exists()
    {
        let synth = hublot_omop::synth::SynthConfig {
            persons,
            care_site_name: "CHU Demo".into(),
            ..Default::default()
        };
        let tmp = path.with_extension("sqlite.partial");
        let _ = std::fs::remove_file(&tmp);
        let summary = hublot_omop::synth::generate_sqlite(&tmp, &synth)
            .context("creating the demo warehouse")?;
        std::fs::rename(&tmp, &path)?;
        tracing::info!(persons, visits = summary.count("visit_occurrence"), path = %path.display(), "demo warehouse created");
    }
    Ok(())
}

fn parse_date(s: &str) -> anyhow::Result<time::Date> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| anyhow::anyhow!("{s:?} is not a date (YYYY-MM-DD): {e}"))
}

fn synth(config: &Config, args: SynthArgs) -> anyhow::Result<ExitCode> {
    let mut synth = hublot_omop::synth::SynthConfig {
        persons: args.persons,
        seed: args.seed,
        start: parse_date(&args.from)?,
        end: parse_date(&args.to)?,
        ..Default::default()
    };
    if synth.start > synth.end {
        bail!("--from must not be after --to");
    }
    if let Some(h) = args.hospital {
        synth.care_site_name = h;
    }
    let summary = match (args.database_url, args.schema) {
        (Some(url), Some(schema)) => hublot_omop::synth::generate_postgres(&url, &schema, &synth)?,
        _ => {
            let path = match args.out {
                Some(p) => p,
                None => match config.warehouse() {
                    hublot_engine::WarehouseConfig::Sqlite { path } => {
                        std::fs::create_dir_all(&config.data_dir)?;
                        path
                    }
                    hublot_engine::WarehouseConfig::Postgres { .. } => bail!(
                        "the configured warehouse is PostgreSQL: pass --database-url and --schema, or --out FILE"
                    ),
                },
            };
            if path.exists() {
                bail!(
                    "{} exists already: remove it first or choose another --out",
                    path.display()
                );
            }
            hublot_omop::synth::generate_sqlite(&path, &synth)?
        }
    };
    for (table, rows) in &summary.rows {
        println!("{table}\t{rows}");
    }
    eprintln!("generated in {:.1} s", summary.elapsed.as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

fn indicators_run(
    config: &Config,
    week: &str,
    to: Option<&str>,
    database_url: Option<String>,
    schema: Option<String>,
    format: &str,
) -> anyhow::Result<ExitCode> {
    if format != "json" && format != "csv" {
        bail!("--format must be json or csv");
    }
    let from: hublot_query::IsoWeek = week
        .parse()
        .map_err(|e| anyhow::anyhow!("--week {week:?}: {e}"))?;
    let to: hublot_query::IsoWeek = match to {
        Some(t) => t.parse().map_err(|e| anyhow::anyhow!("--to {t:?}: {e}"))?,
        None => from,
    };
    let warehouse = match (database_url, schema) {
        (Some(url), Some(schema)) => hublot_engine::WarehouseConfig::Postgres { url, schema },
        _ => config.warehouse(),
    };
    let warehouse = warehouse.open()?;
    let outcome = hublot_engine::run_indicators(
        warehouse.as_ref(),
        from,
        to,
        &hublot_engine::default_policy(),
    )?;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    } else {
        print!("{}", hublot_engine::to_csv(&outcome.table));
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(config: Config, catalogue: Arc<Catalogue>) -> anyhow::Result<ExitCode> {
    let tokens = Tokens::load(&config.data_dir.join("tokens.json")).map_err(anyhow::Error::msg)?;
    let server_config = hublot_server::ServerConfig {
        sparql: config.sparql_limits(),
        max_body_bytes: config.server.max_body_bytes,
    };
    let state = hublot_server::AppState::new(catalogue.clone(), tokens, server_config);
    let app = hublot_server::router(state.clone());
    let tokens_path = config.data_dir.join("tokens.json");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.server.listen)
            .await
            .with_context(|| format!("binding {}", config.server.listen))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, datasets = catalogue.len(), data_dir = %config.data_dir.display(), "hublot-node listening");
        // Pick up changes made by `hublot-node catalogue …` commands on the same data dir.
        // Pick up tokens created by `hublot-node token create` too.
        let watcher = catalogue.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            let mut tokens_mtime = modified(&tokens_path);
            loop {
                tick.tick().await;
                let now = modified(&tokens_path);
                if now != tokens_mtime {
                    tokens_mtime = now;
                    match Tokens::load(&tokens_path) {
                        Ok(t) => {
                            state.reload_tokens(t);
                            tracing::info!("API tokens reloaded");
                        }
                        Err(e) => tracing::warn!(error = %e, "cannot reload API tokens"),
                    }
                }
                let c = watcher.clone();
                match tokio::task::spawn_blocking(move || c.sync()).await {
                    Ok(Ok(true)) => tracing::info!("catalogue reloaded after an external change"),
                    Ok(Ok(false)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "catalogue sync failed"),
                    Err(e) => tracing::warn!(error = %e, "catalogue sync task failed"),
                }
            }
        });
        hublot_server::serve(listener, app, shutdown_signal()).await?;
        tracing::info!("hublot-node stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Reads and parses record files (format from each extension), naming the file in errors.
fn parse_files(
    catalogue: &Catalogue,
    files: &[PathBuf],
) -> anyhow::Result<Vec<hublot_catalogue::Record>> {
    let mut records = Vec::new();
    for f in files {
        let format = InputFormat::from_path(f)?;
        let data = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
        let mut r = catalogue
            .parse(&data, format)
            .map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?;
        records.append(&mut r);
    }
    Ok(records)
}

fn catalogue_command(config: &Config, cmd: CatalogueCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CatalogueCommand::Import {
            files,
            allow_invalid,
        } => {
            let catalogue = Catalogue::open(&config.data_dir, config.catalogue.clone())?;
            let records = parse_files(&catalogue, &files)?;
            let options = ImportOptions {
                allow_invalid,
                expected_identifier: None,
            };
            match catalogue.import_records(records, &options) {
                Ok(outcomes) => {
                    for o in outcomes {
                        println!(
                            "{} {} ({} triples)",
                            if o.created { "created" } else { "replaced" },
                            o.identifier,
                            o.triples
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(hublot_catalogue::CatalogueError::NotConforming { text, .. }) => {
                    eprint!("{text}");
                    eprintln!(
                        "hublot-node: nothing imported: the records violate the HealthDCAT-AP shapes (use --allow-invalid to store them anyway)"
                    );
                    Ok(ExitCode::from(1))
                }
                Err(e) => bail!("nothing imported: {e}"),
            }
        }
        CatalogueCommand::Export {
            format,
            output,
            records_only,
        } => {
            let f = RdfFormatName::from_name(&format).ok_or_else(|| {
                anyhow::anyhow!("unknown format {format:?}: use ttl, trig, nt, nq, rdf or jsonld")
            })?;
            let catalogue = Catalogue::open(&config.data_dir, config.catalogue.clone())?;
            let bytes = if records_only {
                catalogue.export_records(f)?
            } else {
                catalogue.export(f)?
            };
            match output {
                Some(path) => std::fs::write(&path, bytes)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().write_all(&bytes)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogueCommand::Validate { files, report } => {
            if report != "text" && report != "json" {
                bail!("--report must be text or json");
            }
            let catalogue = Catalogue::open(&config.data_dir, config.catalogue.clone())?;
            let records = if files.is_empty() {
                let bytes = catalogue.export(RdfFormatName::NTriples)?;
                catalogue.parse(&bytes, InputFormat::Rdf(RdfFormatName::NTriples))?
            } else {
                parse_files(&catalogue, &files)?
            };
            let result = catalogue.validate(&records)?;
            if report == "json" {
                println!("{}", serde_json::to_string_pretty(&result.to_json())?);
            } else {
                print!("{}", result.to_text());
            }
            Ok(if result.violations() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        CatalogueCommand::Stats {
            dataset,
            visit_concepts,
        } => {
            let mut config = config.clone();
            if let Some(dataset) = dataset {
                config.statistics = vec![config::StatisticsBinding {
                    dataset,
                    visit_concepts,
                }];
            }
            if config.statistics.is_empty() {
                bail!(
                    "no dataset to update: configure [[statistics]] bindings or pass --dataset and --visit-concepts"
                );
            }
            let catalogue = Catalogue::open(&config.data_dir, config.catalogue.clone())?;
            let n = refresh_statistics(&config, &catalogue)?;
            println!("statistics refreshed for {n} dataset(s)");
            Ok(if n == config.statistics.len() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        CatalogueCommand::List => {
            let catalogue = Catalogue::open(&config.data_dir, config.catalogue.clone())?;
            for m in catalogue.list() {
                println!("{}\t{}\t{}", m.identifier, m.dataset, m.modified);
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogueCommand::Delete { identifiers } => {
            let catalogue = Catalogue::open(&config.data_dir, config.catalogue.clone())?;
            let mut missing = false;
            for id in identifiers {
                if catalogue.delete(&id)? {
                    println!("deleted {id}");
                } else {
                    eprintln!("hublot-node: no dataset with identifier {id:?}");
                    missing = true;
                }
            }
            Ok(if missing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
