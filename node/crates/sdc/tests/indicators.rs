//! The main use: weekly ARI indicators by ISO week × age band × syndrome
//! with the `all` age margin, quality measures without `syndrome`, and a
//! revision of the same week with late records.

use std::collections::{BTreeMap, HashMap};

use hublot_sdc::{
    CellKind, CellRef, Dimension, Gate, Keys, Ledger, Policy, RawCell, RawTable, Released,
    RoaringTreemap, Status, audit_release, keys,
};

const BANDS: [&str; 4] = ["0-1", "2-14", "15-64", "65+"];
const SYNDROMES: [&str; 6] = [
    "influenza",
    "covid19",
    "bronchiolitis",
    "rsv",
    "pneumonia",
    "ari",
];

/// One ER visit of the week (one per person here, so counts of visits and
/// of persons agree).
#[derive(Clone)]
struct Visit {
    person: u64,
    band: usize,
    coded: bool,
    syndromes: Vec<&'static str>,
    admitted: bool,
}

/// Deterministic synthetic week.
fn visits(week: u64, n: u64, seed: u64) -> Vec<Visit> {
    let mut x = seed;
    let mut next = move |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    (0..n)
        .map(|i| {
            let band = match next(100) {
                0..10 => 0,
                10..30 => 1,
                30..75 => 2,
                _ => 3,
            };
            let coded = next(100) < 85;
            let mut syndromes = Vec::new();
            if coded && next(100) < 35 {
                syndromes.push("ari");
                match next(100) {
                    0..30 => syndromes.push("influenza"),
                    30..40 => syndromes.push("covid19"),
                    40..60 => syndromes.push("pneumonia"),
                    60..65 => syndromes.extend(["rsv", "pneumonia"]),
                    _ => {}
                }
                if band == 0 && next(100) < 50 {
                    syndromes.push("bronchiolitis");
                }
            }
            Visit {
                person: week * 1_000_000 + i,
                band,
                coded,
                admitted: next(100) < 30,
                syndromes,
            }
        })
        .collect()
}

fn count(t: &mut RawTable, k: Keys, measure: &str, selected: impl Iterator<Item = u64>) -> CellRef {
    let population: RoaringTreemap = selected.collect();
    let cell = RawCell::count_with_population(k, measure, population.len(), population);
    let r = cell.cell_ref();
    t.push(cell);
    r
}

fn indicator_table(week: &str, visits: &[Visit]) -> RawTable {
    let mut t = RawTable::new(vec![
        Dimension::new("week"),
        Dimension::with_margin("age_band", "all", BANDS),
        Dimension::new("syndrome"),
    ]);
    let bands: Vec<(&str, Option<usize>)> = BANDS
        .iter()
        .enumerate()
        .map(|(i, b)| (*b, Some(i)))
        .chain([("all", None)])
        .collect();
    for &(band, bi) in &bands {
        let in_band = |v: &&Visit| bi.is_none_or(|b| v.band == b);
        for s in SYNDROMES {
            let k = keys([("week", week), ("age_band", band), ("syndrome", s)]);
            let er = count(
                &mut t,
                k.clone(),
                "er_visits",
                visits
                    .iter()
                    .filter(in_band)
                    .filter(|v| v.syndromes.contains(&s))
                    .map(|v| v.person),
            );
            let coded = count(
                &mut t,
                k.clone(),
                "er_visits_coded",
                visits
                    .iter()
                    .filter(in_band)
                    .filter(|v| v.coded)
                    .map(|v| v.person),
            );
            count(
                &mut t,
                k.clone(),
                "hospitalisations",
                visits
                    .iter()
                    .filter(in_band)
                    .filter(|v| v.syndromes.contains(&s) && v.admitted)
                    .map(|v| v.person),
            );
            t.push(RawCell::ratio(k, "share", er, coded, 100.0));
        }
    }
    // Quality, per week (no age band, no syndrome).
    let k = keys([("week", week)]);
    let total = count(
        &mut t,
        k.clone(),
        "er_visits_total",
        visits.iter().map(|v| v.person),
    );
    let coded_cell = count(
        &mut t,
        k.clone(),
        "er_visits_coded",
        visits.iter().filter(|v| v.coded).map(|v| v.person),
    );
    t.push(RawCell::ratio(
        k,
        "coding_completeness",
        coded_cell,
        total,
        1.0,
    ));
    t
}

fn summary(r: &Released) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for c in &r.cells {
        *m.entry(c.status.as_str()).or_default() += 1;
    }
    m
}

fn check(raw: &RawTable, out: &Released, k: u64) {
    assert!(audit_release(raw, &out.cells).unwrap().passed());
    let by_ref: HashMap<(&str, &Keys), &hublot_sdc::ReleasedCell> = out
        .cells
        .iter()
        .map(|c| ((c.measure.as_str(), &c.keys), c))
        .collect();
    for (cell, released) in raw.cells.iter().zip(&out.cells) {
        match &cell.kind {
            CellKind::Count { value, .. } if !released.status.is_suppressed() => {
                assert!(*value == 0 || *value >= k);
            }
            CellKind::Ratio {
                numerator,
                denominator,
                ..
            } if !released.status.is_suppressed() => {
                for r in [numerator, denominator] {
                    assert!(
                        !by_ref[&(r.measure.as_str(), &r.keys)]
                            .status
                            .is_suppressed()
                    );
                }
            }
            _ => {}
        }
    }
}

#[test]
fn weekly_indicators_and_their_revision() {
    let mut gate = Gate::new(Ledger::in_memory().unwrap(), Policy::new("fr-2025.1")).unwrap();
    let week = visits(3, 600, 42);
    let raw = indicator_table("2025-W03", &week);
    let out = gate.release("orchidee", &raw).unwrap();
    check(&raw, &out, 11);
    let first = summary(&out);
    // The headline cells go out.
    let ari_all = keys([
        ("week", "2025-W03"),
        ("age_band", "all"),
        ("syndrome", "ari"),
    ]);
    for m in ["er_visits", "er_visits_coded", "share"] {
        let c = out
            .cells
            .iter()
            .find(|c| c.measure == m && c.keys == ari_all)
            .unwrap();
        assert_eq!(c.status, Status::Published, "{m}");
    }
    assert!(
        first["published"] > first.values().sum::<usize>() / 2,
        "{first:?}"
    );

    // Revision a week later: the same visits plus 3 late ARI records for
    // persons aged 65+ (coded, influenza).
    let mut revised = week.clone();
    for i in 0..3 {
        revised.push(Visit {
            person: 9_000_000 + i,
            band: 3,
            coded: true,
            syndromes: vec!["ari", "influenza"],
            admitted: false,
        });
    }
    let raw2 = indicator_table("2025-W03", &revised);
    let out2 = gate.release("orchidee", &raw2).unwrap();
    check(&raw2, &out2, 11);
    // Every count whose population moved by the 3 late persons and that
    // was published before is now hidden; a count whose population did not
    // change keeps being hidden if it was (so release 1's suppression
    // pattern is not undone) and published otherwise, unless it now covers
    // a newly hidden cell.
    for ((c1, c2), cell) in out.cells.iter().zip(&out2.cells).zip(&raw2.cells) {
        let CellKind::Count { population, .. } = &cell.kind else {
            continue;
        };
        let before = &raw
            .cells
            .iter()
            .find(|c| c.cell_ref() == cell.cell_ref())
            .unwrap()
            .kind;
        let CellKind::Count {
            population: old, ..
        } = before
        else {
            unreachable!()
        };
        if old != population && c1.status == Status::Published {
            assert_eq!(
                c2.status,
                Status::SuppressedDifferencing,
                "{} {:?}",
                c2.measure,
                c2.keys
            );
        }
        if old == population && c1.status.is_suppressed() {
            assert!(
                c2.status.is_suppressed(),
                "{} {:?} was hidden, now {:?}",
                c2.measure,
                c2.keys,
                c2.status
            );
        }
        if old == population && c1.status == Status::Published {
            assert!(
                matches!(c2.status, Status::Published | Status::SuppressedSecondary),
                "{} {:?}: {:?}",
                c2.measure,
                c2.keys,
                c2.status
            );
        }
    }
    assert!(summary(&out2).contains_key("suppressed_differencing"));

    // The JSON output has the interfaces.md shape and no person ids.
    let json = serde_json::to_value(&out2.cells).unwrap();
    let quality = json
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["measure"] == "coding_completeness")
        .unwrap();
    assert_eq!(quality["keys"], serde_json::json!({ "week": "2025-W03" }));
    assert!(!serde_json::to_string(&out2).unwrap().contains("9000000"));
}
