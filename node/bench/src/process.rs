//! Child processes: the servers under test and the command-line steps (import, load,
//! export). Every child is killed when its handle is dropped, so an error, a panic or
//! Ctrl-C in the benchmark never leaves a server running.

use anyhow::{Context, bail};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(l.local_addr()?.port())
}

/// Runs a command to completion with its output in `log`; fails on a non-zero exit.
/// Returns the wall-clock time it took.
pub async fn run_logged<S: AsRef<OsStr>>(
    program: &Path,
    args: &[S],
    log: &Path,
) -> anyhow::Result<Duration> {
    let out = std::fs::File::create(log)?;
    let err = out.try_clone()?;
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .kill_on_drop(true)
        .status()
        .await
        .with_context(|| format!("starting {}", program.display()))?;
    let elapsed = started.elapsed();
    if !status.success() {
        bail!(
            "{} failed ({status}); last lines of {}:\n{}",
            program.display(),
            log.display(),
            tail(log, 25)
        );
    }
    Ok(elapsed)
}

/// The last `n` lines of a log file.
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A running server, killed on drop.
pub struct Server {
    pub name: &'static str,
    pub port: u16,
    /// The SPARQL endpoint.
    pub sparql_url: String,
    pub log: PathBuf,
    child: Child,
}

impl Server {
    pub fn spawn<S: AsRef<OsStr>>(
        name: &'static str,
        program: &Path,
        args: &[S],
        port: u16,
        sparql_path: &str,
        log: PathBuf,
    ) -> anyhow::Result<Self> {
        let out = std::fs::File::create(&log)?;
        let err = out.try_clone()?;
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {name} ({})", program.display()))?;
        Ok(Server {
            name,
            port,
            sparql_url: format!("http://127.0.0.1:{port}{sparql_path}"),
            log,
            child,
        })
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Waits until the server answers `ASK {}`; returns how long that took.
    pub async fn wait_ready(
        &mut self,
        client: &reqwest::Client,
        started: Instant,
        limit: Duration,
    ) -> anyhow::Result<Duration> {
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "{} exited during start-up ({status}); last lines of {}:\n{}",
                    self.name,
                    self.log.display(),
                    tail(&self.log, 25)
                );
            }
            let ok = client
                .post(&self.sparql_url)
                .header("content-type", "application/sparql-query")
                .header("accept", "application/sparql-results+json")
                .body("ASK {}")
                .timeout(Duration::from_secs(5))
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if ok {
                return Ok(started.elapsed());
            }
            if started.elapsed() > limit {
                bail!(
                    "{} did not answer within {limit:?}; last lines of {}:\n{}",
                    self.name,
                    self.log.display(),
                    tail(&self.log, 25)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Peak resident memory of the server process so far (VmHWM), when /proc tells. Files
    /// the server maps or reads through the page cache are not counted.
    pub fn peak_rss_bytes(&self) -> Option<u64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// CPU time, in clock ticks: the whole machine (busy), one process, and this process.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuSnapshot {
    machine_busy: u64,
    server: u64,
    me: u64,
}

/// CPU used during a run, in cores (1.0 = one core busy all the time).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuUse {
    pub server: f64,
    pub load_generator: f64,
    pub others: f64,
}

fn process_ticks(pid: &str) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    get(11) + get(12)
}

impl CpuUse {
    /// The average of `self` over `elapsed` and `other` over `more`.
    pub fn add(&self, other: &CpuUse, elapsed: Duration, more: Duration) -> CpuUse {
        let (a, b) = (elapsed.as_secs_f64(), more.as_secs_f64());
        let avg = |x: f64, y: f64| (x * a + y * b) / (a + b).max(1e-9);
        CpuUse {
            server: avg(self.server, other.server),
            load_generator: avg(self.load_generator, other.load_generator),
            others: avg(self.others, other.others),
        }
    }
}

impl CpuSnapshot {
    pub fn take(server_pid: Option<u32>) -> Self {
        let machine_busy = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| {
                let line = s.lines().next()?.to_owned();
                let v: Vec<u64> = line
                    .split_whitespace()
                    .skip(1)
                    .filter_map(|x| x.parse().ok())
                    .collect();
                // user nice system idle iowait irq softirq steal
                Some(v.iter().take(8).sum::<u64>() - v.get(3)? - v.get(4)?)
            })
            .unwrap_or(0);
        CpuSnapshot {
            machine_busy,
            server: server_pid.map_or(0, |p| process_ticks(&p.to_string())),
            me: process_ticks("self"),
        }
    }

    /// CPU used since `earlier`, over `elapsed`.
    pub fn since(&self, earlier: &CpuSnapshot, elapsed: Duration) -> CpuUse {
        // /proc counts in USER_HZ, 100 on Linux.
        let secs = elapsed.as_secs_f64().max(1e-9) * 100.0;
        let d = |a: u64, b: u64| a.saturating_sub(b) as f64 / secs;
        let machine = d(self.machine_busy, earlier.machine_busy);
        let server = d(self.server, earlier.server);
        let me = d(self.me, earlier.me);
        CpuUse {
            server,
            load_generator: me,
            others: (machine - server - me).max(0.0),
        }
    }
}
