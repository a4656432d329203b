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

    /// Resident memory of the server process (VmRSS), when /proc tells.
    pub fn rss_bytes(&self) -> Option<u64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
