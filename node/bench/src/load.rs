//! Closed-loop load: `concurrency` workers each send the next query of the mix as soon as
//! their previous one is answered, until the duration or the request budget runs out.

use crate::queries::{KINDS, Kind, Mix, send};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub concurrency: usize,
    pub duration: Duration,
    pub max_requests: Option<u64>,
}

/// Latencies of one run, in microseconds.
#[derive(Debug, Default, Clone)]
pub struct RunStats {
    pub elapsed: Duration,
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub all: Vec<u64>,
    pub by_kind: BTreeMap<Kind, Vec<u64>>,
    pub bytes: u64,
}

impl RunStats {
    pub fn qps(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Adds another run's figures (sorted again).
    pub fn merge(&mut self, other: RunStats) {
        self.elapsed += other.elapsed;
        self.ok += other.ok;
        self.errors += other.errors;
        self.bytes += other.bytes;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.all.extend(other.all);
        for (k, v) in other.by_kind {
            self.by_kind.entry(k).or_default().extend(v);
        }
        self.finish();
    }

    pub fn finish(&mut self) {
        self.all.sort_unstable();
        for v in self.by_kind.values_mut() {
            v.sort_unstable();
        }
    }
}

/// Nearest-rank percentile of sorted microseconds, in milliseconds.
pub fn percentile_ms(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

/// Runs the mix from request number `first` on.
pub async fn run(
    client: &reqwest::Client,
    url: &str,
    mix: &Mix,
    cfg: &LoadConfig,
    first: u64,
) -> RunStats {
    let next = Arc::new(AtomicU64::new(first));
    let started = Instant::now();
    let deadline = started + cfg.duration;
    let mut workers = Vec::with_capacity(cfg.concurrency);
    for _ in 0..cfg.concurrency {
        let client = client.clone();
        let url = url.to_owned();
        let mix = mix.clone();
        let next = next.clone();
        let max = cfg.max_requests;
        workers.push(tokio::spawn(async move {
            let mut s = RunStats::default();
            loop {
                if Instant::now() >= deadline {
                    break;
                }
                let n = next.fetch_add(1, Ordering::Relaxed);
                if max.is_some_and(|m| n >= first + m) {
                    break;
                }
                let (kind, query) = mix.query(n);
                let t = Instant::now();
                match send(&client, &url, kind, &query).await {
                    Ok(body) => {
                        let us = t.elapsed().as_micros() as u64;
                        s.ok += 1;
                        s.bytes += body.len() as u64;
                        s.all.push(us);
                        s.by_kind.entry(kind).or_default().push(us);
                    }
                    Err(e) => {
                        s.errors += 1;
                        if s.first_error.is_none() {
                            s.first_error = Some(format!("{}: {e:#}", kind.short()));
                        }
                    }
                }
            }
            s
        }));
    }
    let mut total = RunStats::default();
    for w in workers {
        if let Ok(s) = w.await {
            total.ok += s.ok;
            total.errors += s.errors;
            total.bytes += s.bytes;
            total.all.extend(s.all);
            if total.first_error.is_none() {
                total.first_error = s.first_error;
            }
            for (k, v) in s.by_kind {
                total.by_kind.entry(k).or_default().extend(v);
            }
        }
    }
    total.elapsed = started.elapsed();
    for k in KINDS {
        total.by_kind.entry(k).or_default();
    }
    total.finish();
    total
}
