//! Indexing and query cost at catalogue scale. Timings are only meaningful in
//! release mode:
//! `cargo test --release -p hublot-search --test scale -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use hublot_search::{SearchDoc, SearchIndex, SearchQuery, Variable};

/// Health vocabulary, mixed with generated words for a realistic number of
/// distinct terms.
const WORDS: &[&str] = &[
    "hôpital",
    "séjour",
    "patient",
    "diagnostic",
    "traitement",
    "cancer",
    "diabète",
    "asthme",
    "bronchiolite",
    "urgence",
    "chirurgie",
    "médecine",
    "obstétrique",
    "naissance",
    "décès",
    "mortalité",
    "cohorte",
    "registre",
    "enquête",
    "hospitalisation",
    "visit",
    "condition",
    "drug",
    "exposure",
    "measurement",
    "observation",
    "procedure",
    "device",
    "cost",
    "payer",
    "région",
    "département",
    "âge",
    "sexe",
    "poids",
    "taille",
    "tension",
    "glycémie",
    "vaccin",
    "grippe",
    "rougeole",
    "santé",
    "environnement",
    "pollution",
    "revenu",
    "emploi",
    "école",
];
const SYLLABLES: &[&str] = &[
    "ba", "cé", "di", "fo", "gu", "la", "mé", "ni", "po", "ra", "si", "to", "vé", "xa", "zo",
    "tion", "ment", "ique", "ite", "ose",
];

/// Small deterministic generator so the corpus is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

struct Corpus {
    vocabulary: Vec<String>,
    rng: Lcg,
}

impl Corpus {
    fn new() -> Self {
        let mut rng = Lcg(42);
        let mut vocabulary: Vec<String> = WORDS.iter().map(|w| w.to_string()).collect();
        while vocabulary.len() < 5_000 {
            let n = 2 + rng.next(3);
            vocabulary.push(
                (0..n)
                    .map(|_| SYLLABLES[rng.next(SYLLABLES.len())])
                    .collect(),
            );
        }
        Self { vocabulary, rng }
    }

    /// A word, skewed towards the start of the vocabulary (roughly Zipf).
    fn word(&mut self) -> &str {
        let n = self.vocabulary.len();
        let u = self.rng.next(n);
        &self.vocabulary[u * u / n * u / n]
    }

    /// A snake_case variable name out of `distinct` possible ones (records
    /// of one hospital share many column names).
    fn variable_name(&mut self, distinct: usize) -> String {
        let k = self.rng.next(distinct);
        let (a, b) = (k % 97, k / 97);
        format!(
            "{}_{}_{}",
            self.vocabulary[a],
            self.vocabulary[b % 500],
            b / 500
        )
    }

    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| self.word().to_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Size of one generated record.
struct Profile {
    title: usize,
    description: usize,
    keywords: usize,
    variables: usize,
    label: usize,
    variable_description: usize,
    /// Number of distinct variable names across the catalogue.
    distinct_names: usize,
}

/// A dataset with a data dictionary: bilingual title and abstract, a few
/// keywords, 20 documented variables named from a pool of 5,000.
const TYPICAL: Profile = Profile {
    title: 6,
    description: 50,
    keywords: 6,
    variables: 20,
    label: 3,
    variable_description: 8,
    distinct_names: 5_000,
};

/// Twice the variables, longer texts and 20 times more distinct variable
/// names (a stress case rather than a realistic one).
const LARGE: Profile = Profile {
    title: 6,
    description: 60,
    keywords: 6,
    variables: 40,
    label: 3,
    variable_description: 10,
    distinct_names: 100_000,
};

fn corpus(n: usize, p: &Profile) -> Vec<SearchDoc> {
    let mut c = Corpus::new();
    (0..n)
        .map(|i| SearchDoc {
            id: format!("ds-{i:05}"),
            iri: format!("https://hublot.example/dataset/{i}"),
            titles: vec![
                ("fr".into(), c.words(p.title)),
                ("en".into(), c.words(p.title)),
            ],
            descriptions: vec![
                ("fr".into(), c.words(p.description)),
                ("en".into(), c.words(p.description)),
            ],
            keywords: (0..p.keywords).map(|_| ("fr".into(), c.words(1))).collect(),
            variables: (0..p.variables)
                .map(|v| Variable {
                    name: c.variable_name(p.distinct_names),
                    labels: vec![("fr".into(), c.words(p.label))],
                    description: vec![("en".into(), c.words(p.variable_description))],
                    table: Some(format!("table_{}", v % 4)),
                })
                .collect(),
            facets: vec![
                ("theme".into(), format!("theme-{}", c.rng.next(12))),
                ("access_rights".into(), format!("access-{}", c.rng.next(3))),
                ("publisher".into(), format!("publisher-{}", c.rng.next(30))),
            ],
        })
        .collect()
}

/// CPU time of the current thread (Linux), which, unlike wall time, is not
/// inflated when other jobs share the machine.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Resident memory of the process in MiB (Linux).
fn rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Runs `f`, returning its result and its CPU time (wall time if CPU time
/// is unavailable).
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let (cpu, wall) = (cpu_time(), Instant::now());
    let out = f();
    let took = match (cpu, cpu_time()) {
        (Some(a), Some(b)) => b - a,
        _ => wall.elapsed(),
    };
    (out, took)
}

/// Indexes 10,000 records of `profile`, runs a few queries, and returns the
/// indexing time and the slowest query time.
fn measure(name: &str, profile: &Profile) -> (Duration, Duration) {
    let docs = corpus(10_000, profile);
    let tokens: usize = docs
        .iter()
        .map(|d| {
            let texts = d.titles.iter().chain(&d.descriptions).chain(&d.keywords);
            let vars = d.variables.iter().map(|v| {
                hublot_search::tokenize(&v.name).len()
                    + v.labels
                        .iter()
                        .chain(&v.description)
                        .map(|(_, t)| hublot_search::tokenize(t).len())
                        .sum::<usize>()
            });
            texts
                .map(|(_, t)| hublot_search::tokenize(t).len())
                .sum::<usize>()
                + vars.sum::<usize>()
        })
        .sum();
    let rss_before = rss_mib();
    let (index, indexing) = timed(|| docs.into_iter().collect::<SearchIndex>());
    assert_eq!(index.len(), 10_000);
    // The records themselves were allocated before: the growth is the index.
    let growth = match (rss_before, rss_mib()) {
        (Some(a), Some(b)) => format!("+{} MiB", b.saturating_sub(a)),
        _ => "unknown".to_owned(),
    };
    println!(
        "{name}: indexed 10,000 records ({tokens} tokens, {} terms) in {indexing:?}, \
         resident memory {growth}",
        index.term_count()
    );

    let mut slowest = Duration::ZERO;
    for text in [
        "",
        "diabete",
        "hôpital séjour",
        "bronchio",
        "visit condition drug",
        "d",
        "mortalité de l'enfant",
    ] {
        let q = SearchQuery::new(text).with_filter("access_rights", "access-1");
        // Best of a few runs: a query is too short for CPU-time accounting.
        let mut best = Duration::MAX;
        let mut total = 0;
        for _ in 0..5 {
            let start = Instant::now();
            total = index.search(&q).total;
            best = best.min(start.elapsed());
        }
        slowest = slowest.max(best);
        println!("  {text:?}: {total} hits in {best:?}");
    }
    (indexing, slowest)
}

#[test]
#[ignore = "timing; run in release mode"]
fn ten_thousand_records() {
    let (indexing, slowest) = measure("typical", &TYPICAL);
    let _ = measure("large", &LARGE);
    if !cfg!(debug_assertions) {
        assert!(
            indexing < Duration::from_secs(1),
            "indexing took {indexing:?}"
        );
        assert!(
            slowest < Duration::from_millis(20),
            "slowest query took {slowest:?}"
        );
    }
}
