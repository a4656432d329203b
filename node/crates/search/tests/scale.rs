//! Indexing and query cost at catalogue scale. Timings are only meaningful in
//! release mode:
//! `cargo test --release -p hublot-search --test scale -- --ignored --nocapture`.

use std::time::{Duration, Instant};

/// CPU time of the current thread (Linux), which, unlike wall time, is not
/// inflated when other jobs share the machine.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

use hublot_search::{SearchDoc, SearchIndex, SearchQuery, Variable};

const WORDS: &[&str] = &[
    "hôpital", "séjour", "patient", "diagnostic", "traitement", "cancer", "diabète", "asthme",
    "bronchiolite", "urgence", "chirurgie", "médecine", "obstétrique", "naissance", "décès",
    "mortalité", "cohorte", "registre", "enquête", "hospitalisation", "visit", "condition",
    "drug", "exposure", "measurement", "observation", "procedure", "device", "cost", "payer",
    "région", "département", "âge", "sexe", "poids", "taille", "tension", "glycémie", "vaccin",
    "grippe", "rougeole", "santé", "environnement", "pollution", "revenu", "emploi", "école",
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

    fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| WORDS[self.next(WORDS.len())]).collect::<Vec<_>>().join(" ")
    }
}

fn corpus(n: usize) -> Vec<SearchDoc> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| SearchDoc {
            id: format!("ds-{i:05}"),
            iri: format!("https://hublot.example/dataset/{i}"),
            titles: vec![("fr".into(), rng.words(5)), ("en".into(), rng.words(5))],
            descriptions: vec![("fr".into(), rng.words(60)), ("en".into(), rng.words(60))],
            keywords: (0..5).map(|_| ("fr".into(), rng.words(1))).collect(),
            variables: (0..40)
                .map(|v| Variable {
                    name: format!("{}_{}_{v}", rng.words(1), rng.words(1)),
                    labels: vec![("fr".into(), rng.words(3))],
                    description: vec![("en".into(), rng.words(10))],
                    table: Some(format!("table_{}", v % 4)),
                })
                .collect(),
            facets: vec![
                ("theme".into(), format!("theme-{}", rng.next(12))),
                ("access_rights".into(), format!("access-{}", rng.next(3))),
                ("publisher".into(), format!("publisher-{}", rng.next(30))),
            ],
        })
        .collect()
}

#[test]
#[ignore = "timing; run in release mode"]
fn ten_thousand_documents() {
    let docs = corpus(10_000);
    let start = Instant::now();
    let index: SearchIndex = docs.into_iter().collect();
    let indexing = start.elapsed();
    assert_eq!(index.len(), 10_000);
    println!("indexed 10,000 documents in {indexing:?}");

    let queries = [
        "",
        "diabete",
        "hôpital séjour",
        "bronchio",
        "visit condition drug",
        "d",
        "mortalité de l'enfant",
    ];
    let mut slowest = Duration::ZERO;
    for text in queries {
        let q = SearchQuery::new(text).with_filter("access_rights", "access-1");
        let start = Instant::now();
        let results = index.search(&q);
        let took = start.elapsed();
        slowest = slowest.max(took);
        println!("{text:?}: {} hits in {took:?}", results.total);
    }
    if !cfg!(debug_assertions) {
        assert!(indexing < Duration::from_secs(1), "indexing took {indexing:?}");
        assert!(slowest < Duration::from_millis(50), "slowest query took {slowest:?}");
    }
}

#[test]
#[ignore]
fn tmp_tokenize_baseline() {
    let docs = corpus(10_000);
    let start = Instant::now();
    let mut n = 0usize;
    for d in &docs {
        for (_, t) in d.titles.iter().chain(&d.descriptions).chain(&d.keywords) {
            n += hublot_search::tokenize(t).len();
        }
        for v in &d.variables {
            n += hublot_search::tokenize(&v.name).len();
            for (_, t) in v.labels.iter().chain(&v.description) {
                n += hublot_search::tokenize(t).len();
            }
        }
    }
    println!("tokenized {n} tokens in {:?}", start.elapsed());
    let start = Instant::now();
    let cpu = cpu_time().unwrap();
    let index: SearchIndex = docs.into_iter().collect();
    println!("indexed in {:?} cpu {:?}; {} terms", start.elapsed(), cpu_time().unwrap() - cpu, index.term_count());
    let start = Instant::now();
    drop(index);
    println!("dropped in {:?}", start.elapsed());
}

#[test]
#[ignore]
fn tmp_char_baseline() {
    let docs = corpus(10_000);
    let mut all = String::new();
    for d in &docs {
        for (_, t) in d.titles.iter().chain(&d.descriptions).chain(&d.keywords) {
            all.push_str(t);
            all.push(' ');
        }
        for v in &d.variables {
            all.push_str(&v.name);
            all.push(' ');
            for (_, t) in v.labels.iter().chain(&v.description) {
                all.push_str(t);
                all.push(' ');
            }
        }
    }
    println!("{} bytes", all.len());
    let start = Instant::now();
    let n = all.chars().filter(|c| c.is_alphanumeric()).count();
    println!("chars alnum {n} in {:?}", start.elapsed());
    let start = Instant::now();
    let n = all.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).count();
    println!("split+lowercase {n} in {:?}", start.elapsed());
    let start = Instant::now();
    let n = hublot_search::tokenize(&all).len();
    println!("tokenize {n} in {:?}", start.elapsed());
    let start = Instant::now();
    let n = all.split(' ').filter(|w| !w.is_empty()).map(|w| deunicode::deunicode(w)).count();
    println!("deunicode {n} in {:?}", start.elapsed());
}

#[test]
#[ignore]
fn tmp_terms_baseline() {
    let docs = corpus(10_000);
    let mut all = String::new();
    for d in &docs {
        for (_, t) in d.titles.iter().chain(&d.descriptions).chain(&d.keywords) {
            all.push_str(t);
            all.push(' ');
        }
        for v in &d.variables {
            all.push_str(&v.name);
            all.push(' ');
            for (_, t) in v.labels.iter().chain(&v.description) {
                all.push_str(t);
                all.push(' ');
            }
        }
    }
    for _ in 0..3 {
        let cpu = cpu_time().unwrap();
        let n = hublot_search::tmp_count_terms(&all);
        println!("terms {n} in cpu {:?}", cpu_time().unwrap() - cpu);
    }
}

#[test]
#[ignore]
fn tmp_index_loop() {
    let docs = corpus(10_000);
    for _ in 0..4 {
        let d = docs.clone();
        let cpu = cpu_time().unwrap();
        let index: SearchIndex = d.into_iter().collect();
        println!("indexed cpu {:?}", cpu_time().unwrap() - cpu);
        std::mem::forget(index);
    }
}
