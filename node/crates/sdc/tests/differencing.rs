//! Differencing attacks through the gate and its ledger.

mod common;

use common::pop;
use hublot_sdc::{
    Dimension, Gate, Ledger, Policy, RawCell, RawTable, Released, RoaringTreemap, Status,
    audit_release, keys,
};

fn gate() -> Gate {
    Gate::new(Ledger::in_memory().unwrap(), Policy::new("fr-2025.1")).unwrap()
}

/// One count cell under a `filter` dimension.
fn single(filter: &str, value: u64, population: RoaringTreemap) -> RawTable {
    let mut t = RawTable::new(vec![Dimension::new("filter")]);
    t.push(RawCell::count_with_population(
        keys([("filter", filter)]),
        "patients",
        value,
        population,
    ));
    t
}

fn statuses(r: &Released) -> Vec<Status> {
    r.cells.iter().map(|c| c.status).collect()
}

/// Synthetic persons 0..1000: id `i` has age `i % 100`, so each year of
/// age holds 10 persons.
fn aged(lo: u64, hi: u64) -> RoaringTreemap {
    (0..1000u64)
        .filter(|i| (lo..=hi).contains(&(i % 100)))
        .collect()
}

#[test]
fn overlapping_age_bands() {
    let mut gate = gate();
    let a = aged(15, 64);
    let b = aged(15, 65);
    assert_eq!(b.len() - a.len(), 10);

    let first = gate
        .release("permit-A", &single("age 15-64", a.len(), a.clone()))
        .unwrap();
    assert_eq!(statuses(&first), [Status::Published]);
    let second = gate
        .release("permit-A", &single("age 15-65", b.len(), b.clone()))
        .unwrap();
    assert_eq!(statuses(&second), [Status::SuppressedDifferencing]);
    assert_eq!(second.cells[0].value, None);

    // 15-70 is 60 persons away from 15-64: no differencing.
    let c = aged(15, 70);
    let third = gate
        .release("permit-A", &single("age 15-70", c.len(), c))
        .unwrap();
    assert_eq!(statuses(&third), [Status::Published]);

    // The same second query under another permit is not linked.
    let other = gate
        .release("permit-B", &single("age 15-65", b.len(), b))
        .unwrap();
    assert_eq!(statuses(&other), [Status::Published]);
}

#[test]
fn two_filters_differing_by_one_person() {
    let mut gate = gate();
    let base = pop(0..40);
    let minus_one: RoaringTreemap = base.iter().filter(|&i| i != 17).collect();
    let plus_one: RoaringTreemap = base.iter().chain([5000]).collect();
    // Same size, one person swapped: symmetric difference 2.
    let swapped: RoaringTreemap = minus_one.iter().chain([6000]).collect();

    let r = gate
        .release("p", &single("diabetes", 40, base.clone()))
        .unwrap();
    assert_eq!(statuses(&r), [Status::Published]);
    for (name, p) in [
        ("diabetes and not person 17", &minus_one),
        ("diabetes or person 5000", &plus_one),
        ("swapped", &swapped),
    ] {
        let r = gate
            .release("p", &single(name, p.len(), p.clone()))
            .unwrap();
        assert_eq!(statuses(&r), [Status::SuppressedDifferencing], "{name}");
    }
    // Unlinked permit: the first one of these goes out.
    let r = gate
        .release("q", &single("diabetes and not person 17", 39, minus_one))
        .unwrap();
    assert_eq!(statuses(&r), [Status::Published]);
    // Suppressed cells were not recorded: only the published ones.
    assert_eq!(gate.ledger().population_count("p").unwrap(), 1);
    assert_eq!(gate.ledger().population_count("q").unwrap(), 1);
    assert_eq!(gate.ledger().release_count("p").unwrap(), 4);
}

/// Weekly ER visits for one week by age band with the `all` margin, from
/// per-band populations (one visit per person here).
fn week_table(week: &str, bands: &[(&str, RoaringTreemap)]) -> RawTable {
    let names: Vec<&str> = bands.iter().map(|b| b.0).collect();
    let mut t = RawTable::new(vec![
        Dimension::new("week"),
        Dimension::with_margin("age_band", "all", names),
    ]);
    let mut all = RoaringTreemap::new();
    for (band, p) in bands {
        t.push(RawCell::count_with_population(
            keys([("week", week), ("age_band", band)]),
            "er_visits",
            p.len(),
            p.clone(),
        ));
        all |= p;
    }
    t.push(RawCell::count_with_population(
        keys([("week", week), ("age_band", "all")]),
        "er_visits",
        all.len(),
        all,
    ));
    t
}

fn bands() -> Vec<(&'static str, RoaringTreemap)> {
    vec![
        ("0-1", pop(0..14)),
        ("2-14", pop(100..130)),
        ("15-64", pop(200..260)),
        ("65+", pop(300..345)),
    ]
}

#[test]
fn revised_week_with_late_records() {
    let mut gate = gate();
    let first = gate
        .release("permit-A", &week_table("2025-W03", &bands()))
        .unwrap();
    assert!(statuses(&first).iter().all(|s| *s == Status::Published));

    // Unchanged revision: same populations, still published.
    let same = gate
        .release("permit-A", &week_table("2025-W03", &bands()))
        .unwrap();
    assert!(statuses(&same).iter().all(|s| *s == Status::Published));

    // Revision with 3 late records for persons aged 65+.
    let mut revised = bands();
    revised[3].1.extend([900, 901, 902]);
    let raw = week_table("2025-W03", &revised);
    let out = gate.release("permit-A", &raw).unwrap();
    use Status::{Published as P, SuppressedDifferencing as D};
    // 65+ (45 → 48) and all (149 → 152) moved by 3 persons; the other bands
    // are unchanged. With both hidden the margin has two unknowns.
    assert_eq!(statuses(&out), [P, P, P, D, D]);
    assert!(audit_release(&raw, &out.cells).unwrap().passed());

    // A late visit by a person already counted changes the count, not the
    // population: no person is singled out.
    let mut t = week_table("2025-W03", &bands());
    for c in &mut t.cells {
        if let hublot_sdc::CellKind::Count { value, .. } = &mut c.kind
            && c.keys["age_band"] != "0-1"
            && c.keys["age_band"] != "2-14"
            && c.keys["age_band"] != "15-64"
        {
            *value += 1;
        }
    }
    let out = gate.release("permit-A", &t).unwrap();
    assert!(statuses(&out).iter().all(|s| *s == Status::Published));

    // The same revision under another permit is not linked.
    let out = gate.release("permit-B", &raw).unwrap();
    assert!(statuses(&out).iter().all(|s| *s == Status::Published));
}

#[test]
fn differencing_is_protected_by_secondary_suppression() {
    let mut gate = gate();
    // First only the 65+ band is released.
    let mut only = RawTable::new(vec![Dimension::new("week"), Dimension::new("age_band")]);
    only.push(RawCell::count_with_population(
        keys([("week", "2025-W03"), ("age_band", "65+")]),
        "er_visits",
        45,
        pop(300..345),
    ));
    gate.release("permit-A", &only).unwrap();

    // Then the full table, where 65+ gained 2 late records: 65+ is hidden
    // by differencing, and since `all` is new (far from anything released)
    // another band has to go too, or 65+ = all - the others.
    let mut revised = bands();
    revised[3].1.extend([900, 901]);
    let raw = week_table("2025-W03", &revised);
    let out = gate.release("permit-A", &raw).unwrap();
    use Status::{Published as P, SuppressedDifferencing as D, SuppressedSecondary as S};
    // 0-1 has 14 persons: the smallest non-zero partner.
    assert_eq!(statuses(&out), [S, P, P, D, P]);
    assert!(audit_release(&raw, &out.cells).unwrap().passed());
    // Only published populations were recorded: 65+ (first release), then
    // 2-14, 15-64 and all.
    assert_eq!(gate.ledger().population_count("permit-A").unwrap(), 4);
}

#[test]
fn suppressed_cells_are_not_recorded_and_can_go_out_later() {
    let mut gate = gate();
    // A cell blocked by differencing is not in the ledger, so a later cell
    // far from everything released stays publishable.
    gate.release("p", &single("a", 40, pop(0..40))).unwrap();
    let r = gate.release("p", &single("b", 45, pop(0..45))).unwrap();
    assert_eq!(statuses(&r), [Status::SuppressedDifferencing]);
    // 0..52 is 12 from 0..40 and would be 7 from 0..45 had it been released.
    let r = gate.release("p", &single("c", 52, pop(0..52))).unwrap();
    assert_eq!(statuses(&r), [Status::Published]);
}

#[test]
fn many_released_populations() {
    // Thousands of populations in the ledger; lookups only compare those of
    // similar size.
    let mut gate = gate();
    let mut t = RawTable::new(vec![Dimension::new("cell")]);
    for i in 0..3000u64 {
        // Sizes 11..=210, disjoint id ranges.
        let size = 11 + i % 200;
        let base = i * 1_000;
        t.push(RawCell::count_with_population(
            keys([("cell", format!("c{i}"))]),
            "n",
            size,
            pop(base..base + size),
        ));
    }
    let start = std::time::Instant::now();
    let out = gate.release("big", &t).unwrap();
    assert!(statuses(&out).iter().all(|s| *s == Status::Published));
    assert_eq!(gate.ledger().population_count("big").unwrap(), 3000);

    // A new table of 500 cells: most far from everything, some one person
    // off a released population.
    let mut t = RawTable::new(vec![Dimension::new("cell")]);
    for i in 0..500u64 {
        let base = 10_000_000 + i * 1_000;
        t.push(RawCell::count_with_population(
            keys([("cell", format!("n{i}"))]),
            "n",
            50,
            pop(base..base + 50),
        ));
    }
    for i in [7u64, 1234, 2999] {
        let size = 11 + i % 200;
        let base = i * 1_000;
        t.push(RawCell::count_with_population(
            keys([("cell", format!("near{i}"))]),
            "n",
            size + 1,
            pop(base..base + size + 1),
        ));
    }
    let out = gate.release("big", &t).unwrap();
    let elapsed = start.elapsed();
    let st = statuses(&out);
    assert!(st[..500].iter().all(|s| *s == Status::Published));
    assert_eq!(st[500..], [Status::SuppressedDifferencing; 3]);
    assert!(elapsed.as_secs() < 60, "took {elapsed:?}");
    assert_eq!(
        gate.ledger()
            .nearest("big", &pop(1_234_000..1_234_000 + 46), 10)
            .unwrap(),
        Some(1)
    );
}

#[test]
fn a_cell_hidden_earlier_stays_hidden_in_later_releases() {
    // Release 1: `young` (5 persons) fails the threshold and `old` (20,
    // the smallest other band) is hidden so that young is not
    // `all - mid - old`.
    let mut gate = gate();
    let mut t = RawTable::new(vec![Dimension::with_margin(
        "age",
        "all",
        ["young", "mid", "old"],
    )]);
    let young = pop(0..5);
    let mid = pop(200..230);
    let old = pop(100..120);
    let all: RoaringTreemap = young.iter().chain(mid.iter()).chain(old.iter()).collect();
    for (a, p) in [
        ("young", &young),
        ("mid", &mid),
        ("old", &old),
        ("all", &all),
    ] {
        t.push(RawCell::count_with_population(
            keys([("age", a)]),
            "n",
            p.len(),
            p.clone(),
        ));
    }
    let out = gate.release("p", &t).unwrap();
    use Status::{Published as P, SuppressedPrimary as X, SuppressedSecondary as S};
    assert_eq!(statuses(&out), [X, P, S, P]);
    assert_eq!(gate.ledger().withheld_count("p").unwrap(), 2);

    // Release 2 asks for `old` alone: it is far from every released
    // population (mid 30, all 55), but publishing 20 would give young =
    // 55 - 30 - 20 from release 1.
    let again = single("old", old.len(), old.clone());
    let out = gate.release("p", &again).unwrap();
    assert_eq!(statuses(&out), [Status::SuppressedDifferencing]);
    // Under another permit, release 1 does not exist.
    let out = gate.release("q", &again).unwrap();
    assert_eq!(statuses(&out), [Status::Published]);
    // A population that is not identical to the withheld one is not tied
    // to it (12 more persons: no differencing either).
    let grown: RoaringTreemap = old.iter().chain(500..512).collect();
    let out = gate
        .release("p", &single("old grown", grown.len(), grown))
        .unwrap();
    assert_eq!(statuses(&out), [Status::Published]);
}
