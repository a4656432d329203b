//! The ARI indicators on real SQLite and PostgreSQL: a hand-checked fixture, and identical
//! raw tables (values and populations) on both engines over synthetic data.

mod common;

use hublot_omop::synth::SynthConfig;
use hublot_query::{IsoWeek, RawTable, RawValue, RunParams, indicators, run};
use roaring::RoaringTreemap;
use time::macros::date;

fn week(s: &str) -> IsoWeek {
    s.parse().unwrap()
}

fn persons(ids: &[u64]) -> RoaringTreemap {
    ids.iter().copied().collect()
}

/// Asserts the count and the population of an ARI cell.
#[track_caller]
fn assert_cell(t: &RawTable, measure: &str, keys: &[(&str, &str)], count: u64, population: &[u64]) {
    let cell = t
        .cell(measure, keys)
        .unwrap_or_else(|| panic!("no {measure} cell {keys:?}"));
    assert_eq!(cell.value, RawValue::Count(count), "{measure} {keys:?}");
    assert_eq!(cell.visits, count, "{measure} {keys:?}");
    assert_eq!(cell.population, persons(population), "{measure} {keys:?}");
}

fn syndrome_cell<'a>(w: &'a str, age: &'a str, s: &'a str) -> [(&'a str, &'a str); 3] {
    [("week", w), ("age_band", age), ("syndrome", s)]
}

/// The fixture's expected table for 2025-W03..2025-W04 (see `common/fixture.rs`).
fn check_fixture(t: &RawTable) {
    const W: &str = "2025-W03";
    let c = syndrome_cell;
    // A J21 infant ER visit counts in bronchiolitis 0-1 (and J21.0 is also RSV).
    assert_cell(t, "er_visits", &c(W, "0-1", "bronchiolitis"), 2, &[1, 9]);
    assert_cell(t, "er_visits", &c(W, "0-1", "rsv"), 1, &[1]);
    assert_cell(t, "er_visits", &c(W, "0-1", "ari"), 2, &[1, 9]);
    assert_cell(t, "er_visits", &c(W, "0-1", "influenza"), 0, &[]);
    // Exact age: person 9 is 1 on 2025-01-14 and 2 on 2025-01-15.
    assert_cell(t, "er_visits", &c(W, "2-14", "ari"), 2, &[5, 9]);
    // Two influenza codes on one visit count once.
    assert_cell(t, "er_visits", &c(W, "2-14", "influenza"), 1, &[5]);
    // U07.1 and U071 are both COVID-19.
    assert_cell(t, "er_visits", &c(W, "15-64", "covid19"), 2, &[2, 3]);
    assert_cell(t, "er_visits", &c(W, "all", "covid19"), 2, &[2, 3]);
    assert_cell(t, "er_visits", &c(W, "65+", "pneumonia"), 1, &[4]);
    assert_cell(t, "er_visits", &c(W, "all", "ari"), 7, &[1, 2, 3, 4, 5, 9]);
    // Bronchiolitis is reported for age band 0-1 only.
    for age in ["2-14", "15-64", "65+", "all"] {
        assert!(
            t.cell("er_visits", &c(W, age, "bronchiolitis")).is_none(),
            "{age}"
        );
        assert!(
            t.cell("er_visits_coded", &c(W, age, "bronchiolitis"))
                .is_none(),
            "{age}"
        );
    }
    // The denominator: coded ER visits per age band, repeated under every syndrome.
    for s in ["influenza", "covid19", "rsv", "pneumonia", "ari"] {
        assert_cell(t, "er_visits_coded", &c(W, "0-1", s), 2, &[1, 9]);
        assert_cell(t, "er_visits_coded", &c(W, "2-14", s), 2, &[5, 9]);
        assert_cell(t, "er_visits_coded", &c(W, "15-64", s), 2, &[2, 3]);
        assert_cell(t, "er_visits_coded", &c(W, "65+", s), 2, &[4, 8]);
        assert_cell(
            t,
            "er_visits_coded",
            &c(W, "all", s),
            8,
            &[1, 2, 3, 4, 5, 8, 9],
        );
    }
    assert_cell(
        t,
        "er_visits_coded",
        &c(W, "0-1", "bronchiolitis"),
        2,
        &[1, 9],
    );
    // A 262 visit is a hospitalisation; so is a 9203 followed by a 9201 that names it as
    // preceding visit; a 9201 that does not (person 2) makes nothing a hospitalisation.
    assert_cell(t, "hospitalisations", &c(W, "65+", "pneumonia"), 1, &[4]);
    assert_cell(t, "hospitalisations", &c(W, "2-14", "influenza"), 1, &[5]);
    assert_cell(t, "hospitalisations", &c(W, "all", "ari"), 2, &[4, 5]);
    assert_cell(t, "hospitalisations", &c(W, "all", "covid19"), 0, &[]);
    // Uncoded ER visits (persons 6 and 7) count only in er_visits_total; the outpatient
    // visit (person 11) and the visit of the week before (person 12) nowhere.
    assert_cell(
        t,
        "er_visits_total",
        &[("week", W)],
        10,
        &[1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert_cell(
        t,
        "er_visits_coded_total",
        &[("week", W)],
        8,
        &[1, 2, 3, 4, 5, 8, 9],
    );
    for cell in &t.cells {
        if !matches!(cell.measure.as_str(), "er_visits_total" | "data_freshness") {
            for p in [6, 7] {
                assert!(!cell.population.contains(p), "person {p} in {cell:?}");
            }
        }
        for p in [11, 12] {
            assert!(!cell.population.contains(p), "person {p} in {cell:?}");
        }
    }
    let freshness = t.cell("data_freshness", &[("week", W)]).expect("freshness");
    assert_eq!(freshness.value, RawValue::Date(date!(2025 - 01 - 19)));
    // The following week.
    assert_cell(
        t,
        "er_visits",
        &c("2025-W04", "15-64", "influenza"),
        1,
        &[10],
    );
    assert_cell(t, "er_visits_total", &[("week", "2025-W04")], 1, &[10]);
    assert!(t.cell("er_visits_total", &[("week", "2025-W02")]).is_none());
    // Every (week, band, syndrome) has its three cells, bronchiolitis only in 0-1, plus
    // three quality cells per week: 2 × ((5 × 6 − 4) × 3 + 3).
    assert_eq!(t.cells.len(), 2 * (26 * 3 + 3));
    // Ratios to derive.
    let ratios: Vec<(&str, &str, &str, f64)> = t
        .ratios
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.numerator.as_str(),
                r.denominator.as_str(),
                r.scale,
            )
        })
        .collect();
    assert_eq!(
        ratios,
        [
            ("share", "er_visits", "er_visits_coded", 100.0),
            (
                "coding_completeness",
                "er_visits_coded_total",
                "er_visits_total",
                1.0
            )
        ]
    );
}

#[test]
fn ari_fixture_on_sqlite_and_postgres() {
    let spec = indicators::ari_weekly();
    let params = RunParams::weeks(week("2025-W03"), week("2025-W04"));
    let sqlite = common::sqlite_fixture();
    let lite = run(&spec, &sqlite.warehouse, &params).expect("run on SQLite");
    check_fixture(&lite);
    let pg = common::postgres_fixture("query_ari_fixture");
    let post = run(&spec, &pg.warehouse, &params).expect("run on PostgreSQL");
    check_fixture(&post);
    assert_eq!(lite, post);
    assert_eq!(lite.spec_id, spec.id());
}

#[test]
fn excluded_persons_count_nowhere() {
    let spec = indicators::ari_weekly();
    let mut params = RunParams::weeks(week("2025-W03"), week("2025-W03"));
    params.excluded_persons = persons(&[2, 9]);
    let sqlite = common::sqlite_fixture();
    let t = run(&spec, &sqlite.warehouse, &params).expect("run");
    const W: &str = "2025-W03";
    let c = syndrome_cell;
    assert_cell(&t, "er_visits", &c(W, "all", "covid19"), 1, &[3]);
    assert_cell(&t, "er_visits", &c(W, "all", "ari"), 4, &[1, 3, 4, 5]);
    assert_cell(&t, "er_visits", &c(W, "0-1", "bronchiolitis"), 1, &[1]);
    assert_cell(
        &t,
        "er_visits_total",
        &[("week", W)],
        7,
        &[1, 3, 4, 5, 6, 7, 8],
    );
    assert!(
        t.cells
            .iter()
            .all(|c| !c.population.contains(2) && !c.population.contains(9))
    );
}

#[test]
fn ari_synthetic_sqlite_and_postgres_agree() {
    let config = SynthConfig {
        start: date!(2020 - 10 - 05),
        end: date!(2025 - 02 - 02),
        ..SynthConfig::new(20_000, 42)
    };
    let spec = indicators::ari_weekly();
    let sqlite = common::sqlite_synth(&config);
    let pg = common::postgres_synth("query_ari_synth", &config);
    let both = |params: &RunParams| {
        let lite = run(&spec, &sqlite.warehouse, params).expect("run on SQLite");
        let post = run(&spec, &pg.warehouse, params).expect("run on PostgreSQL");
        assert_eq!(lite.cells.len(), post.cells.len());
        for (a, b) in lite.cells.iter().zip(&post.cells) {
            assert_eq!(a, b, "SQLite and PostgreSQL differ");
        }
        assert_eq!(lite, post);
        lite
    };
    // A winter with a week 53 (2020-W53 ends on 2021-01-03) and a Thursday on 7 January.
    let early = both(&RunParams::weeks(week("2020-W52"), week("2021-W02")));
    for w in ["2020-W52", "2020-W53", "2021-W01", "2021-W02"] {
        assert!(
            early.count("er_visits_total", &[("week", w)]).unwrap_or(0) > 0,
            "{w}"
        );
    }
    // A winter across the ISO year boundary (2024-12-30 is in 2025-W01).
    let params = RunParams::weeks(week("2024-W50"), week("2025-W03"));
    let lite = both(&params);

    // The data is not trivial: every week has ER visits, and the main syndromes occur.
    let weeks = week("2024-W50").through(week("2025-W03"));
    assert_eq!(weeks.len(), 6, "2024 has 52 ISO weeks");
    for w in &weeks {
        let w = w.to_string();
        let total = lite.count("er_visits_total", &[("week", &w)]).unwrap_or(0);
        assert!(total > 0, "no ER visit in {w}");
        let coded = lite
            .count("er_visits_coded_total", &[("week", &w)])
            .unwrap_or(0);
        assert!(coded > 0 && coded <= total, "{w}: {coded} coded of {total}");
    }
    for syndrome in [
        "influenza",
        "covid19",
        "bronchiolitis",
        "rsv",
        "pneumonia",
        "ari",
    ] {
        let age = if syndrome == "bronchiolitis" {
            "0-1"
        } else {
            "all"
        };
        let n: u64 = weeks
            .iter()
            .filter_map(|w| {
                lite.count(
                    "er_visits",
                    &[
                        ("week", &w.to_string()),
                        ("age_band", age),
                        ("syndrome", syndrome),
                    ],
                )
            })
            .sum();
        assert!(n > 0, "no {syndrome} visit in the period");
    }
    let hospitalised: u64 = weeks
        .iter()
        .filter_map(|w| {
            lite.count(
                "hospitalisations",
                &[
                    ("week", &w.to_string()),
                    ("age_band", "all"),
                    ("syndrome", "ari"),
                ],
            )
        })
        .sum();
    assert!(hospitalised > 0);
    // Margins are sums of the bands; populations the unions.
    for cell in lite
        .cells
        .iter()
        .filter(|c| c.keys.get("age_band").map(String::as_str) == Some("all"))
    {
        if cell.keys.get("syndrome").map(String::as_str) == Some("bronchiolitis") {
            continue;
        }
        let mut sum = 0;
        let mut union = RoaringTreemap::new();
        for band in ["0-1", "2-14", "15-64", "65+"] {
            let keys: Vec<(&str, &str)> = cell
                .keys
                .iter()
                .map(|(k, v)| (k.as_str(), if k == "age_band" { band } else { v.as_str() }))
                .collect();
            let part = lite.cell(&cell.measure, &keys).expect("band cell");
            if let RawValue::Count(n) = part.value {
                sum += n;
            }
            union |= &part.population;
        }
        assert_eq!(cell.value, RawValue::Count(sum), "{cell:?}");
        assert_eq!(cell.population, union);
    }
}
