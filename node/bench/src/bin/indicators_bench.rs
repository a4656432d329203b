//! Weekly ARI indicators benchmark: Hublot on PostgreSQL (query + disclosure control), the
//! same compiled SQL run raw through `psql`, and Hublot on SQLite, over a synthetic OMOP
//! warehouse of `--persons` persons.
//!
//! ```text
//! cargo run --release -p hublot-bench --bin indicators_bench -- \
//!     --persons 1000000 [--weeks 2025-W01..2025-W10] [--keep] [--runs 5] [--seed 42]
//! ```
//!
//! The warehouse is generated into `$HOME/.cache/hublot-bench-indicators/` (SQLite) and the
//! PostgreSQL schema `hublot_bench_ind` of `postgres://postgres@127.0.0.1:5432/test`;
//! with `--keep` both are reused when present and left in place at the end. Two windows are
//! measured: the first week of `--weeks`, and the whole range. Every figure is the median of
//! `--runs` timed runs after one warm-up. The markdown report is printed and written to
//! `docs/benchmarks-indicators.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use hublot_engine::{default_policy, run_indicators, to_sdc};
use hublot_omop::{PostgresWarehouse, SqlValue, SqliteWarehouse, Warehouse, synth};
use hublot_query::{IsoWeek, RunParams, compile, dialect_for, indicators};

const PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const PG_SCHEMA: &str = "hublot_bench_ind";
/// Tables whose row counts the report gives.
const COUNTED_TABLES: [&str; 3] = ["person", "visit_occurrence", "condition_occurrence"];

struct Args {
    persons: u64,
    from: IsoWeek,
    to: IsoWeek,
    keep: bool,
    runs: usize,
    seed: u64,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        persons: 1_000_000,
        from: "2025-W01".parse().map_err(|e| anyhow::anyhow!("{e}"))?,
        to: "2025-W10".parse().map_err(|e| anyhow::anyhow!("{e}"))?,
        keep: false,
        runs: 5,
        seed: 42,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--persons" => args.persons = value()?.parse()?,
            "--runs" => args.runs = value()?.parse()?,
            "--seed" => args.seed = value()?.parse()?,
            "--keep" => args.keep = true,
            "--weeks" => {
                let v = value()?;
                let (a, b) = v.split_once("..").unwrap_or((&v, &v));
                args.from = a.parse().map_err(|e| anyhow::anyhow!("{a}: {e}"))?;
                args.to = b.parse().map_err(|e| anyhow::anyhow!("{b}: {e}"))?;
            }
            "-h" | "--help" => {
                println!(
                    "indicators_bench --persons N [--weeks YYYY-Www..YYYY-Www] [--keep] [--runs N] [--seed N]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}"),
        }
    }
    ensure!(args.to >= args.from, "--weeks: the range is empty");
    ensure!(args.runs >= 1, "--runs must be at least 1");
    Ok(args)
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let command: String =
        std::iter::once("cargo run --release -p hublot-bench --bin indicators_bench --".to_owned())
            .chain(std::env::args().skip(1))
            .collect::<Vec<_>>()
            .join(" ");

    let cache = cache_dir()?;
    std::fs::create_dir_all(&cache)?;
    let sqlite_path = cache.join(format!("eds-{}-{}.sqlite", args.persons, args.seed));
    let config = synth::SynthConfig::new(args.persons, args.seed);

    // 1. The warehouse, in SQLite and PostgreSQL.
    let (sqlite_gen, pg_gen) = prepare_warehouses(&args, &config, &sqlite_path)?;
    let sqlite = SqliteWarehouse::open_read_only(&sqlite_path)?;
    let pg = PostgresWarehouse::connect(PG_URL, PG_SCHEMA)?;
    let sqlite_counts = counts(&sqlite)?;
    let pg_counts = counts(&pg)?;
    ensure!(
        sqlite_counts == pg_counts,
        "SQLite and PostgreSQL differ: {sqlite_counts:?} vs {pg_counts:?}"
    );
    println!("warehouse: {pg_counts:?}");

    // 2. The two windows.
    let windows = [(args.from, args.from), (args.from, args.to)];
    let mut results = Vec::new();
    for (from, to) in windows {
        println!("== {from}..{to}");
        results.push(bench_window(&args, &pg, &sqlite, from, to)?);
    }

    // 3. The report.
    let report = report(&args, &command, &pg_counts, sqlite_gen, pg_gen, &results)?;
    println!("\n{report}");
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/benchmarks-indicators.md");
    std::fs::write(&doc, &report).with_context(|| format!("writing {}", doc.display()))?;
    println!("written to {}", doc.display());

    drop(pg);
    if !args.keep {
        PostgresWarehouse::drop_schema(PG_URL, PG_SCHEMA)?;
        for suffix in ["", "-wal", "-shm", ".done"] {
            let mut p = sqlite_path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
    Ok(())
}

fn cache_dir() -> Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    Ok(PathBuf::from(home).join(".cache/hublot-bench-indicators"))
}

/// Generates (or, with `--keep`, reuses) both warehouses; returns the generation times
/// (`None` when reused). SQLite and PostgreSQL are generated concurrently.
fn prepare_warehouses(
    args: &Args,
    config: &synth::SynthConfig,
    sqlite_path: &Path,
) -> Result<(Option<Duration>, Option<Duration>)> {
    let marker = sqlite_path.with_extension("sqlite.done");
    let reuse_sqlite = args.keep && marker.exists() && sqlite_path.exists();
    let reuse_pg = args.keep && pg_has_persons(args.persons)?;
    if !reuse_sqlite {
        let _ = std::fs::remove_file(&marker);
        for suffix in ["", "-wal", "-shm"] {
            let mut p = sqlite_path.to_path_buf().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
    if !reuse_pg {
        PostgresWarehouse::drop_schema(PG_URL, PG_SCHEMA)?;
    }
    std::thread::scope(|s| -> Result<_> {
        let lite = s.spawn(|| -> Result<Option<Duration>> {
            if reuse_sqlite {
                println!("reusing {}", sqlite_path.display());
                return Ok(None);
            }
            let summary = synth::generate_sqlite(sqlite_path, config)?;
            std::fs::write(&marker, b"ok")?;
            println!(
                "SQLite generated in {:.1?}: {:?}",
                summary.elapsed, summary.rows
            );
            Ok(Some(summary.elapsed))
        });
        let pg = s.spawn(|| -> Result<Option<Duration>> {
            if reuse_pg {
                println!("reusing PostgreSQL schema {PG_SCHEMA}");
                return Ok(None);
            }
            let summary = synth::generate_postgres(PG_URL, PG_SCHEMA, config)?;
            println!(
                "PostgreSQL generated in {:.1?}: {:?}",
                summary.elapsed, summary.rows
            );
            Ok(Some(summary.elapsed))
        });
        let lite = lite.join().expect("SQLite generation panicked")?;
        let pg = pg.join().expect("PostgreSQL generation panicked")?;
        Ok((lite, pg))
    })
}

/// Whether the benchmark schema exists with exactly `persons` persons.
fn pg_has_persons(persons: u64) -> Result<bool> {
    let out = Command::new("psql")
        .args(["-X", "-q", "-At", "-d", PG_URL, "-c"])
        .arg(format!(
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = '{PG_SCHEMA}' AND table_name = 'person'"
        ))
        .output()?;
    ensure!(out.status.success(), "psql failed");
    if String::from_utf8_lossy(&out.stdout).trim() != "1" {
        return Ok(false);
    }
    let pg = PostgresWarehouse::connect(PG_URL, PG_SCHEMA)?;
    let rows = pg.query(&format!("SELECT count(*) FROM {}", pg.table("person")), &[])?;
    Ok(rows[0][0].as_i64() == Some(i64::try_from(persons)?))
}

/// Row counts of the main tables, and the ER visits (9203, 262).
fn counts(w: &dyn Warehouse) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for t in COUNTED_TABLES {
        let rows = w.query(&format!("SELECT count(*) FROM {}", w.table(t)), &[])?;
        out.push((t.to_owned(), rows[0][0].as_i64().unwrap_or(-1)));
    }
    let rows = w.query(
        &format!(
            "SELECT count(*) FROM {} WHERE visit_concept_id IN (9203, 262)",
            w.table("visit_occurrence")
        ),
        &[],
    )?;
    out.push((
        "ER visits (9203, 262)".to_owned(),
        rows[0][0].as_i64().unwrap_or(-1),
    ));
    Ok(out)
}

/// Median, minimum and maximum of timed runs.
#[derive(Debug, Clone, Copy)]
struct Spread {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Spread {
    fn of(mut times: Vec<Duration>) -> Self {
        times.sort();
        Self {
            median: times[times.len() / 2],
            min: times[0],
            max: times[times.len() - 1],
        }
    }

    fn show(&self) -> String {
        format!("{} ({}–{})", ms(self.median), ms(self.min), ms(self.max))
    }
}

/// Median of `runs` timed calls after one warm-up; the warm-up's value is returned too.
fn median_of<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(Duration, T)> {
    let first = f()?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok((times[times.len() / 2], first))
}

/// Hublot's time on one backend, whole and broken down.
#[derive(Debug, Clone, Copy, Default)]
struct HublotTimes {
    /// `run_indicators`: spec, SQL, aggregation, disclosure control.
    total: Duration,
    /// Parsing and validating the shipped spec.
    spec: Duration,
    /// The compiled statements through the warehouse with a no-op row callback: execution,
    /// transfer and decoding into `SqlValue`s.
    sql: Duration,
    /// `hublot_query::run` (SQL + aggregation into the raw table).
    run: Duration,
    /// `to_sdc` + `hublot_sdc::protect` on the raw table.
    sdc: Duration,
    /// Rows the statements return (one per person and cell key).
    rows: u64,
    /// Raw cells and released cells.
    raw_cells: usize,
    released_cells: usize,
    suppressed_cells: usize,
}

impl HublotTimes {
    fn aggregation(&self) -> Duration {
        self.run.saturating_sub(self.sql)
    }
}

struct WindowResult {
    from: IsoWeek,
    to: IsoWeek,
    statements: usize,
    /// `run_indicators` on PostgreSQL, runs alternating with `psql`.
    hublot_total: Spread,
    /// The breakdown pass on PostgreSQL.
    pg: HublotTimes,
    sqlite: HublotTimes,
    /// `psql -f` of the same statements, runs alternating with Hublot's.
    psql: Spread,
    psql_rows: u64,
    /// Fixed cost of a `psql` process (connect, `SELECT 1`, exit).
    psql_startup: Duration,
}

fn bench_window(
    args: &Args,
    pg: &PostgresWarehouse,
    sqlite: &SqliteWarehouse,
    from: IsoWeek,
    to: IsoWeek,
) -> Result<WindowResult> {
    let spec = indicators::ari_weekly();
    let queries = compile(
        &spec,
        dialect_for(pg.backend()),
        &|t| pg.table(t),
        from.monday(),
        to.sunday(),
    );

    // Raw psql: the same statements with their parameters written as literals.
    let dir = cache_dir()?;
    let plain = dir.join(format!("ari-{from}-{to}.sql"));
    let mut sql_plain = String::new();
    for q in &queries {
        writeln!(sql_plain, "{};", inline_params(&q.sql, &q.params)?)?;
    }
    std::fs::write(&plain, &sql_plain)?;

    // Hublot on PostgreSQL and raw psql alternate, so that drift hits both alike.
    let policy = default_policy();
    let psql_rows = psql_file(&plain)?;
    run_indicators(pg, from, to, &policy)?;
    let mut hublot_times = Vec::with_capacity(args.runs);
    let mut psql_times = Vec::with_capacity(args.runs);
    for _ in 0..args.runs {
        let t = Instant::now();
        run_indicators(pg, from, to, &policy)?;
        hublot_times.push(t.elapsed());
        let t = Instant::now();
        psql_file(&plain)?;
        psql_times.push(t.elapsed());
    }
    let hublot_total = Spread::of(hublot_times);
    let psql = Spread::of(psql_times);
    let (psql_startup, _) = median_of(args.runs, || psql_command("SELECT 1"))?;
    let hublot_pg = bench_hublot(args.runs, pg, from, to)?;
    println!(
        "  Hublot PG      {:>9.1?} (breakdown pass: {:.1?})",
        hublot_total.median, hublot_pg.total
    );
    println!(
        "  psql           {:>9.1?} ({psql_rows} rows; start-up {psql_startup:.1?})",
        psql.median
    );
    let hublot_sqlite = bench_hublot(args.runs, sqlite, from, to)?;
    println!("  Hublot SQLite  {:>9.1?}", hublot_sqlite.total);
    ensure!(
        psql_rows == hublot_pg.rows,
        "psql returned {psql_rows} rows, Hublot {}",
        hublot_pg.rows
    );
    Ok(WindowResult {
        from,
        to,
        statements: queries.len(),
        hublot_total,
        pg: hublot_pg,
        sqlite: hublot_sqlite,
        psql,
        psql_rows,
        psql_startup,
    })
}

fn bench_hublot(runs: usize, w: &dyn Warehouse, from: IsoWeek, to: IsoWeek) -> Result<HublotTimes> {
    let policy = default_policy();
    let (total, outcome) = median_of(runs, || Ok(run_indicators(w, from, to, &policy)?))?;
    let (spec_time, spec) = median_of(runs, || Ok(indicators::ari_weekly()))?;
    let queries = compile(
        &spec,
        dialect_for(w.backend()),
        &|t| w.table(t),
        from.monday(),
        to.sunday(),
    );
    let (sql, rows) = median_of(runs, || {
        let mut rows = 0u64;
        for q in &queries {
            w.query_each(&q.sql, &q.params, &mut |_| {
                rows += 1;
                Ok(())
            })?;
        }
        Ok(rows)
    })?;
    let params = RunParams::weeks(from, to);
    let (run, raw) = median_of(runs, || Ok(hublot_query::run(&spec, w, &params)?))?;
    let (sdc, _) = median_of(runs, || {
        let (table, _freshness) = to_sdc(&raw);
        Ok(hublot_sdc::protect(&policy, &table)?)
    })?;
    let suppressed = outcome
        .table
        .cells
        .iter()
        .filter(|c| c.status.is_suppressed())
        .count();
    Ok(HublotTimes {
        total,
        spec: spec_time,
        sql,
        run,
        sdc,
        rows,
        raw_cells: raw.cells.len(),
        released_cells: outcome.table.cells.len(),
        suppressed_cells: suppressed,
    })
}

/// Replaces the `$n` placeholders of a PostgreSQL statement by literals. Quoted strings and
/// identifiers are copied as they are; parameters are integers, dates or text (single
/// quotes doubled), each in parentheses so that the statement's `::type` casts apply to
/// the whole literal.
fn inline_params(sql: &str, params: &[SqlValue]) -> Result<String> {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + params.len() * 8);
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
                i += 1;
            }
            b'$' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let index: usize = sql[start + 1..i].parse()?;
                let value = params
                    .get(index.wrapping_sub(1))
                    .with_context(|| format!("no parameter ${index}"))?;
                out.push_str(&sql[last..start]);
                out.push_str(&literal(value)?);
                last = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[last..]);
    Ok(out)
}

fn literal(value: &SqlValue) -> Result<String> {
    Ok(match value {
        SqlValue::Null => "(NULL)".to_owned(),
        SqlValue::Int(v) => format!("({v})"),
        SqlValue::Float(v) => format!("({v:?})"),
        SqlValue::Text(s) => format!("('{}')", s.replace('\'', "''")),
        SqlValue::Date(d) => format!("('{d}')"),
    })
}

/// Runs a file through `psql` (unaligned, no headers, output to a pipe that is counted then
/// dropped); returns the number of output lines.
fn psql_file(file: &Path) -> Result<u64> {
    let mut cmd = Command::new("psql");
    cmd.args([
        "-X",
        "-q",
        "-At",
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        PG_URL,
        "-f",
    ])
    .arg(file);
    run_psql(cmd)
}

fn psql_command(sql: &str) -> Result<u64> {
    let mut cmd = Command::new("psql");
    cmd.args(["-X", "-q", "-At", "-d", PG_URL, "-c", sql]);
    run_psql(cmd)
}

fn run_psql(mut cmd: Command) -> Result<u64> {
    let out = cmd.stdin(Stdio::null()).stderr(Stdio::piped()).output()?;
    ensure!(
        out.status.success(),
        "psql failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(out.stdout.iter().filter(|&&b| b == b'\n').count() as u64)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64())
}

fn shell(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim_end().to_owned())
        .unwrap_or_else(|e| format!("({cmd}: {e})"))
}

fn report(
    args: &Args,
    command: &str,
    counts: &[(String, i64)],
    sqlite_gen: Option<Duration>,
    pg_gen: Option<Duration>,
    results: &[WindowResult],
) -> Result<String> {
    let mut r = String::new();
    writeln!(
        r,
        "# Benchmark: weekly ARI indicators (OMOP, PostgreSQL and SQLite)\n"
    )?;
    writeln!(
        r,
        "- Date: {}",
        shell("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
    )?;
    writeln!(r, "- Command: `{command}`")?;
    writeln!(
        r,
        "- Machine: `nproc` = {}; `free -h`:\n",
        shell("nproc", &[])
    )?;
    writeln!(r, "```text\n{}\n```\n", shell("free", &["-h"]))?;
    writeln!(
        r,
        "- PostgreSQL: {} (127.0.0.1, schema `{PG_SCHEMA}`); SQLite bundled with Hublot.",
        shell(
            "psql",
            &["-X", "-At", "-d", PG_URL, "-c", "SHOW server_version"]
        )
    )?;
    writeln!(
        r,
        "- Synthetic warehouse: `SynthConfig::new({}, {})` ({}), generation {}.",
        args.persons,
        args.seed,
        counts
            .iter()
            .map(|(t, n)| format!("{t}: {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        match (sqlite_gen, pg_gen) {
            (Some(s), Some(p)) => format!("SQLite {s:.1?} and PostgreSQL {p:.1?} concurrently"),
            (Some(s), None) => format!("SQLite {s:.1?}, PostgreSQL reused"),
            (None, Some(p)) => format!("SQLite reused, PostgreSQL {p:.1?}"),
            (None, None) => "reused (`--keep`)".to_owned(),
        }
    )?;
    writeln!(
        r,
        "- Each figure is the median of {} runs after one warm-up, in milliseconds.\n",
        args.runs
    )?;

    writeln!(r, "## End to end\n")?;
    writeln!(
        r,
        "| Window | Statements | Rows shipped | Hublot PG (query + SDC) | raw `psql -f` | raw `psql -f` − psql start-up | Hublot PG / psql | Hublot PG / (psql − start-up) | Hublot SQLite | Cells (raw / released / suppressed) |"
    )?;
    writeln!(r, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")?;
    for w in results {
        let net = w.psql.median.saturating_sub(w.psql_startup);
        writeln!(
            r,
            "| {}..{} | {} | {} | {} | {} | {} | {} | **{}** | {} | {} / {} / {} |",
            w.from,
            w.to,
            w.statements,
            w.psql_rows,
            w.hublot_total.show(),
            w.psql.show(),
            ms(net),
            ratio(w.hublot_total.median, w.psql.median),
            ratio(w.hublot_total.median, net),
            ms(w.sqlite.total),
            w.pg.raw_cells,
            w.pg.released_cells,
            w.pg.suppressed_cells,
        )?;
    }
    writeln!(
        r,
        "\nHublot PG and `psql` columns: median (min–max); their runs alternate. `psql` is \
         `psql -X -q -At -v ON_ERROR_STOP=1 -f <file>` with the compiled statements, \
         parameters inlined as literals, output read and discarded."
    )?;
    writeln!(r, "\n## Where Hublot's time goes\n")?;
    writeln!(
        r,
        "| Window | Backend | Total | Spec parse + validate | SQL (execute, transfer, decode) | Rust aggregation | Disclosure control |"
    )?;
    writeln!(r, "|---|---|---:|---:|---:|---:|---:|")?;
    for w in results {
        for (name, t) in [("PostgreSQL", &w.pg), ("SQLite", &w.sqlite)] {
            writeln!(
                r,
                "| {}..{} | {name} | {} | {} | {} | {} | {} |",
                w.from,
                w.to,
                ms(t.total),
                ms(t.spec),
                ms(t.sql),
                ms(t.aggregation()),
                ms(t.sdc),
            )?;
        }
    }
    writeln!(
        r,
        "\nBreakdown pass (separate runs, medians): total = `run_indicators`; SQL = the \
         compiled statements through `Warehouse::query_each` with a no-op row callback; Rust \
         aggregation = `hublot_query::run` − SQL; disclosure control = `to_sdc` + \
         `hublot_sdc::protect`. `psql -c 'SELECT 1'` (process start + connection): {}.",
        results
            .iter()
            .map(|w| ms(w.psql_startup))
            .collect::<Vec<_>>()
            .join(" / ")
    )?;
    writeln!(
        r,
        "\nHublot's timings reuse one open connection; `psql` pays its process start and \
         connection in every run (last table), which the net ratio subtracts. Rows shipped: one per (cell key, person), \
         which the statements return so that Hublot can build each cell's population for \
         differencing protection."
    )?;
    Ok(r)
}
