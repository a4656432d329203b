//! Unit tests of each rule and status.

use roaring::RoaringTreemap;

use crate::engine::{dominated, round_to};
use crate::*;

fn policy() -> Policy {
    Policy::new("test-1")
}

fn pop(range: std::ops::Range<u64>) -> RoaringTreemap {
    range.collect()
}

fn k1(v: &str) -> Keys {
    keys([("g", v)])
}

/// A table with one dimension `g` and no margin.
fn flat(values: &[(&str, u64)]) -> RawTable {
    let mut t = RawTable::new(vec![Dimension::new("g")]);
    for &(g, v) in values {
        t.push(RawCell::count(k1(g), "n", v));
    }
    t
}

/// A table with one dimension `age` with margin `all` over the members.
fn banded(members: &[(&str, u64)]) -> RawTable {
    let names: Vec<&str> = members.iter().map(|m| m.0).collect();
    let mut t = RawTable::new(vec![Dimension::with_margin("age", "all", names)]);
    let mut total = 0;
    for &(a, v) in members {
        t.push(RawCell::count(keys([("age", a)]), "n", v));
        total += v;
    }
    t.push(RawCell::count(keys([("age", "all")]), "n", total));
    t
}

fn statuses(r: &Released) -> Vec<Status> {
    r.cells.iter().map(|c| c.status).collect()
}

fn status_of(r: &Released, measure: &str, k: &Keys) -> Status {
    r.cells
        .iter()
        .find(|c| c.measure == measure && &c.keys == k)
        .map(|c| c.status)
        .expect("cell")
}

use Status::{
    Published as P, Rounded as R, SuppressedDifferencing as D, SuppressedPrimary as X,
    SuppressedSecondary as S,
};

#[test]
fn primary_threshold_on_counts() {
    let r = protect(
        &policy(),
        &flat(&[("a", 0), ("b", 1), ("c", 10), ("d", 11), ("e", 500)]),
    )
    .unwrap();
    assert_eq!(statuses(&r), [P, X, X, P, P]);
    let values: Vec<Option<f64>> = r
        .cells
        .iter()
        .map(|c| c.value.map(|v| v.as_f64()))
        .collect();
    assert_eq!(values, [Some(0.0), None, None, Some(11.0), Some(500.0)]);
}

#[test]
fn threshold_follows_k_and_suppress_zero() {
    let mut p = policy();
    p.k = 5;
    p.suppress_zero = true;
    let r = protect(&p, &flat(&[("a", 0), ("b", 4), ("c", 5)])).unwrap();
    assert_eq!(statuses(&r), [X, X, P]);
}

#[test]
fn threshold_on_persons_behind_a_count() {
    // 15 visits by 5 persons: the persons fail the threshold.
    let mut t = RawTable::new(vec![Dimension::new("g")]);
    t.push(RawCell::count_with_population(k1("a"), "n", 15, pop(0..5)));
    t.push(RawCell::count_with_population(
        k1("b"),
        "n",
        15,
        pop(100..112),
    ));
    let r = protect(&policy(), &t).unwrap();
    assert_eq!(statuses(&r), [X, P]);
}

#[test]
fn ratios_only_from_published_counts() {
    let mut t = flat(&[("a", 5), ("b", 40), ("c", 20), ("d", 80)]);
    t.push(RawCell::ratio(
        k1("a"),
        "share",
        CellRef::new(k1("a"), "n"),
        CellRef::new(k1("b"), "n"),
        100.0,
    ));
    t.push(RawCell::ratio(
        k1("c"),
        "share",
        CellRef::new(k1("c"), "n"),
        CellRef::new(k1("d"), "n"),
        100.0,
    ));
    let out = protect(&policy(), &t).unwrap();
    assert_eq!(status_of(&out, "share", &k1("a")), X);
    assert_eq!(out.cells[4].value, None);
    assert_eq!(status_of(&out, "share", &k1("c")), P);
    assert_eq!(out.cells[5].value, Some(CellValue::Real(25.0)));
}

#[test]
fn ratio_inherits_secondary_suppression_of_its_count() {
    let mut t = banded(&[("young", 3), ("old", 30)]);
    let denominators = banded(&[("young", 50), ("old", 60)]);
    for c in denominators.cells {
        t.push(RawCell {
            measure: "d".into(),
            ..c
        });
    }
    for a in ["young", "old", "all"] {
        let k = keys([("age", a)]);
        t.push(RawCell::ratio(
            k.clone(),
            "share",
            CellRef::new(k.clone(), "n"),
            CellRef::new(k, "d"),
            100.0,
        ));
    }
    let out = protect(&policy(), &t).unwrap();
    let age = |a: &str| keys([("age", a)]);
    assert_eq!(status_of(&out, "n", &age("young")), X);
    // `old` is the cheapest partner (30 < 33).
    assert_eq!(status_of(&out, "n", &age("old")), S);
    assert_eq!(status_of(&out, "share", &age("young")), X);
    assert_eq!(status_of(&out, "share", &age("old")), S);
    assert_eq!(status_of(&out, "share", &age("all")), P);
}

#[test]
fn zero_denominator_gives_no_ratio() {
    let mut t = flat(&[("a", 0), ("b", 0)]);
    t.push(RawCell::ratio(
        k1("a"),
        "share",
        CellRef::new(k1("a"), "n"),
        CellRef::new(k1("b"), "n"),
        100.0,
    ));
    let out = protect(&policy(), &t).unwrap();
    assert_eq!(statuses(&out), [P, P, X]);
}

#[test]
fn dominance_rule() {
    let d = Dominance::default();
    assert!(dominated(100.0, &[60.0, 35.0, 5.0], d)); // 95 % > 90 %
    assert!(!dominated(100.0, &[30.0, 30.0, 20.0, 20.0], d)); // 60 %
    assert!(dominated(100.0, &[100.0], d)); // one contributor
    assert!(!dominated(0.0, &[], d));
    assert!(dominated(100.0, &[10.0], d)); // too few given: conservative
    let strict = Dominance { n: 1, p: 0.5 };
    assert!(dominated(100.0, &[51.0, 49.0], strict));
    assert!(!dominated(100.0, &[50.0, 50.0], strict));
}

fn sum_cell(g: &str, measure: &str, total: f64, contributions: Vec<f64>, mean: bool) -> RawCell {
    let count = CellRef::new(k1(g), "n");
    RawCell {
        keys: k1(g),
        measure: measure.into(),
        kind: if mean {
            CellKind::Mean {
                total,
                contributions,
                count,
            }
        } else {
            CellKind::Sum {
                total,
                contributions,
                count,
            }
        },
    }
}

#[test]
fn sums_and_means_need_dominance_and_their_count() {
    let mut t = flat(&[("a", 20), ("b", 20), ("c", 5)]);
    t.push(sum_cell("a", "los", 100.0, vec![60.0, 35.0, 5.0], false));
    t.push(sum_cell(
        "b",
        "los",
        100.0,
        vec![30.0, 30.0, 20.0, 20.0],
        false,
    ));
    t.push(sum_cell(
        "c",
        "los",
        100.0,
        vec![30.0, 30.0, 20.0, 20.0],
        false,
    ));
    t.push(sum_cell(
        "a",
        "los_mean",
        100.0,
        vec![60.0, 35.0, 5.0],
        true,
    ));
    t.push(sum_cell(
        "b",
        "los_mean",
        100.0,
        vec![30.0, 30.0, 20.0, 20.0],
        true,
    ));
    let out = protect(&policy(), &t).unwrap();
    assert_eq!(statuses(&out)[3..], [X, P, X, X, P]);
    assert_eq!(out.cells[4].value, Some(CellValue::Real(100.0)));
    assert_eq!(out.cells[7].value, Some(CellValue::Real(5.0)));
}

#[test]
fn secondary_hides_smallest_nonzero_partner() {
    let t = banded(&[("a", 4), ("b", 0), ("c", 25), ("d", 12), ("e", 40)]);
    let out = protect(&policy(), &t).unwrap();
    // a fails; b = 0 is not a useful partner; d = 12 is the smallest.
    assert_eq!(statuses(&out), [X, P, P, S, P, P]);
    assert!(audit_release(&t, &out.cells).unwrap().passed());
}

#[test]
fn without_secondary_the_audit_finds_the_hole() {
    let t = banded(&[("a", 4), ("c", 25), ("d", 12)]);
    let mut p = policy();
    p.secondary_suppression = false;
    let out = protect(&p, &t).unwrap();
    assert_eq!(statuses(&out), [X, P, P, P]);
    let report = audit_release(&t, &out.cells).unwrap();
    assert_eq!(report.disclosed, [CellRef::new(keys([("age", "a")]), "n")]);
}

#[test]
fn two_way_table_gets_a_rectangle() {
    // rows r1, r2, all × columns c1, c2, c3, all.
    let dims = vec![
        Dimension::with_margin("r", "all", ["r1", "r2"]),
        Dimension::with_margin("c", "all", ["c1", "c2", "c3"]),
    ];
    let inner = [[3u64, 20, 30], [15, 25, 35]];
    let mut t = RawTable::new(dims);
    let rows = ["r1", "r2"];
    let cols = ["c1", "c2", "c3"];
    for (i, r) in rows.iter().enumerate() {
        for (j, c) in cols.iter().enumerate() {
            t.push(RawCell::count(
                keys([("r", *r), ("c", *c)]),
                "n",
                inner[i][j],
            ));
        }
        t.push(RawCell::count(
            keys([("r", *r), ("c", "all")]),
            "n",
            inner[i].iter().sum(),
        ));
    }
    for (j, c) in cols.iter().enumerate() {
        t.push(RawCell::count(
            keys([("r", "all"), ("c", *c)]),
            "n",
            inner[0][j] + inner[1][j],
        ));
    }
    t.push(RawCell::count(
        keys([("r", "all"), ("c", "all")]),
        "n",
        inner.iter().flatten().sum(),
    ));
    let out = protect(&policy(), &t).unwrap();
    let hidden: Vec<(String, String)> = out
        .cells
        .iter()
        .filter(|c| c.status.is_suppressed())
        .map(|c| (c.keys["r"].clone(), c.keys["c"].clone()))
        .collect();
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        hidden,
        [s("r1", "c1"), s("r1", "c2"), s("r2", "c1"), s("r2", "c2")]
    );
    assert!(audit_release(&t, &out.cells).unwrap().passed());
}

#[test]
fn rounding_after_suppression() {
    let mut p = policy();
    p.rounding = Some(5);
    let mut t = flat(&[("a", 12), ("b", 13), ("c", 15), ("d", 7), ("e", 0)]);
    t.push(RawCell::ratio(
        k1("a"),
        "share",
        CellRef::new(k1("a"), "n"),
        CellRef::new(k1("c"), "n"),
        100.0,
    ));
    let out = protect(&p, &t).unwrap();
    assert_eq!(statuses(&out), [R, R, R, X, R, R]);
    let v: Vec<Option<CellValue>> = out.cells.iter().map(|c| c.value).collect();
    use CellValue::{Integer as I, Real as F};
    assert_eq!(
        v,
        [
            Some(I(10)),
            Some(I(15)),
            Some(I(15)),
            None,
            Some(I(0)),
            Some(F(10.0 / 15.0 * 100.0))
        ]
    );
    assert_eq!(round_to(2, 5), 0);
    assert_eq!(round_to(3, 5), 5);
    assert_eq!(round_to(15, 10), 20);
    assert_eq!(out.policy.rounding, Some(5));
}

#[test]
fn differencing_inside_one_release() {
    let mut t = RawTable::new(vec![Dimension::new("filter")]);
    t.push(RawCell::count_with_population(
        keys([("filter", "age 15-64")]),
        "n",
        30,
        pop(0..30),
    ));
    t.push(RawCell::count_with_population(
        keys([("filter", "age 15-65")]),
        "n",
        31,
        pop(0..31),
    ));
    t.push(RawCell::count_with_population(
        keys([("filter", "same people")]),
        "n",
        40,
        pop(0..30),
    ));
    t.push(RawCell::count_with_population(
        keys([("filter", "far")]),
        "n",
        41,
        pop(0..41),
    ));
    let out = protect(&policy(), &t).unwrap();
    // 15-65 (31 persons) is one person away from 15-64 and from "same
    // people" (30 each, identical to each other: no difference), and 10
    // from "far" (41): hiding it alone resolves every conflict.
    assert_eq!(statuses(&out), [P, D, P, P]);
    let mut off = policy();
    off.differencing_within_release = false;
    assert_eq!(statuses(&protect(&off, &t).unwrap()), [P, P, P, P]);
}

#[test]
fn differencing_is_followed_by_secondary_suppression() {
    // The `65+` band is 2 persons away from the `all` cell of the same
    // table; hiding it must not leave it recomputable from the margin.
    let bands = ["young", "old"];
    let mut t = RawTable::new(vec![Dimension::with_margin("age", "all", bands)]);
    t.push(RawCell::count_with_population(
        keys([("age", "young")]),
        "n",
        12,
        pop(0..12),
    ));
    t.push(RawCell::count_with_population(
        keys([("age", "old")]),
        "n",
        50,
        pop(100..150),
    ));
    t.push(RawCell::count_with_population(
        keys([("age", "all")]),
        "n",
        62,
        pop(0..12).into_iter().chain(100..150).collect(),
    ));
    // Persons: young 12, all 62: far apart. Add a filter cell 2 persons
    // from `old`.
    t.dimensions.push(Dimension::new("filter"));
    t.push(RawCell::count_with_population(
        keys([("filter", "x")]),
        "n",
        52,
        pop(100..152),
    ));
    let out = protect(&policy(), &t).unwrap();
    assert_eq!(statuses(&out), [S, D, P, P]);
    assert!(audit_release(&t, &out.cells).unwrap().passed());
}

#[test]
fn sum_and_mean_of_one_total_are_hidden_together() {
    // Sums have a margin; means exist for the members only, so only the
    // twin rule can hide the mean of the secondary partner.
    let mut t = RawTable::new(vec![Dimension::with_margin("g", "all", ["a", "b", "c"])]);
    for (g, n) in [("a", 20), ("b", 20), ("c", 30), ("all", 70)] {
        t.push(RawCell::count(k1(g), "n", n));
    }
    let even = |x: f64| vec![x / 4.0; 4];
    t.push(sum_cell("a", "los", 100.0, vec![95.0, 5.0], false));
    t.push(sum_cell("b", "los", 80.0, even(80.0), false));
    t.push(sum_cell("c", "los", 120.0, even(120.0), false));
    t.push(sum_cell("all", "los", 300.0, even(300.0), false));
    t.push(sum_cell("b", "los_mean", 80.0, even(80.0), true));
    t.push(sum_cell("c", "los_mean", 120.0, even(120.0), true));
    let out = protect(&policy(), &t).unwrap();
    assert_eq!(status_of(&out, "los", &k1("a")), X);
    assert_eq!(status_of(&out, "los", &k1("b")), S);
    assert_eq!(status_of(&out, "los_mean", &k1("b")), S);
    assert_eq!(status_of(&out, "los_mean", &k1("c")), P);
    assert!(audit_release(&t, &out.cells).unwrap().passed());
}

#[test]
fn output_matches_the_result_table_format() {
    let mut t = RawTable::new(vec![
        Dimension::new("week"),
        Dimension::new("age_band"),
        Dimension::new("syndrome"),
    ]);
    t.push(RawCell::count(
        keys([
            ("week", "2025-W03"),
            ("age_band", "0-1"),
            ("syndrome", "bronchiolitis"),
        ]),
        "er_visits",
        42,
    ));
    t.push(RawCell::count(
        keys([
            ("week", "2025-W03"),
            ("age_band", "65+"),
            ("syndrome", "covid19"),
        ]),
        "er_visits",
        3,
    ));
    let out = protect(&Policy::new("fr-2025.1"), &t).unwrap();
    let table = out.into_result_table(Source::SpecHash("sha256:abc".into()));
    let json = serde_json::to_value(&table).unwrap();
    let expected = serde_json::json!({
        "spec_hash": "sha256:abc",
        "policy": { "k": 11, "rounding": null, "version": "fr-2025.1" },
        "cells": [
            { "keys": { "week": "2025-W03", "age_band": "0-1", "syndrome": "bronchiolitis" },
              "measure": "er_visits", "value": 42, "status": "published" },
            { "keys": { "week": "2025-W03", "age_band": "65+", "syndrome": "covid19" },
              "measure": "er_visits", "value": null, "status": "suppressed_primary" }
        ]
    });
    assert_eq!(json, expected);
    assert_eq!(
        serde_json::to_string(&table.cells[0].value).unwrap(),
        "42",
        "counts stay integers"
    );
    let back: ResultTable = serde_json::from_value(json).unwrap();
    assert_eq!(back, table);
    for (s, name) in [
        (P, "published"),
        (X, "suppressed_primary"),
        (S, "suppressed_secondary"),
        (D, "suppressed_differencing"),
        (R, "rounded"),
    ] {
        assert_eq!(serde_json::to_value(s).unwrap(), name);
        assert_eq!(s.as_str(), name);
    }
}

#[test]
fn policy_validation() {
    let parsed: Policy = serde_json::from_str(
        r#"{ "version": "v2", "k": 5, "rounding": 5, "suppress_zero": true,
             "dominance": { "n": 1, "p": 0.6 }, "secondary_suppression": false }"#,
    )
    .unwrap();
    assert_eq!(parsed.k, 5);
    assert_eq!(parsed.dominance, Dominance { n: 1, p: 0.6 });
    assert!(serde_json::from_str::<Policy>(r#"{ "version": "v", "kk": 5 }"#).is_err());
    for bad in [
        r#"{ "version": "v", "k": 0 }"#,
        r#"{ "version": "v", "rounding": 0 }"#,
        r#"{ "version": "v", "dominance": { "n": 2, "p": 1.5 } }"#,
        r#"{ "version": "" }"#,
    ] {
        let p: Policy = serde_json::from_str(bad).unwrap();
        assert!(
            matches!(p.validate(), Err(SdcError::InvalidPolicy(_))),
            "{bad}"
        );
    }
}

#[test]
fn malformed_tables_are_refused() {
    let invalid = |t: &RawTable| match protect(&policy(), t) {
        Err(SdcError::InvalidTable(_)) => {}
        other => panic!("expected InvalidTable, got {other:?}"),
    };
    // Undeclared dimension.
    let mut t = flat(&[("a", 12)]);
    t.push(RawCell::count(keys([("other", "x")]), "n", 1));
    invalid(&t);
    // Duplicate cell.
    invalid(&flat(&[("a", 12), ("a", 13)]));
    // Dangling reference.
    let mut t = flat(&[("a", 12)]);
    t.push(RawCell::ratio(
        k1("a"),
        "share",
        CellRef::new(k1("a"), "n"),
        CellRef::new(k1("zz"), "n"),
        1.0,
    ));
    invalid(&t);
    // More persons than counted units.
    let mut t = RawTable::new(vec![Dimension::new("g")]);
    t.push(RawCell::count_with_population(k1("a"), "n", 12, pop(0..13)));
    invalid(&t);
    // One measure, two kinds.
    let mut t = flat(&[("a", 12), ("b", 12)]);
    t.push(RawCell::ratio(
        k1("c"),
        "n",
        CellRef::new(k1("a"), "n"),
        CellRef::new(k1("b"), "n"),
        1.0,
    ));
    invalid(&t);
    // Margin that does not hold.
    let mut t = banded(&[("a", 20), ("b", 30)]);
    t.cells[2] = RawCell::count(keys([("age", "all")]), "n", 49);
    assert!(matches!(
        protect(&policy(), &t),
        Err(SdcError::MarginMismatch { .. })
    ));
}

#[test]
fn input_order_does_not_matter() {
    let dims = vec![
        Dimension::with_margin("r", "all", ["r1", "r2", "r3"]),
        Dimension::with_margin("c", "all", ["c1", "c2", "c3"]),
    ];
    let inner = [[3u64, 20, 12], [15, 4, 35], [12, 12, 12]];
    let mut t = RawTable::new(dims);
    let names = ["r1", "r2", "r3", "all"];
    let cols = ["c1", "c2", "c3", "all"];
    let value = |i: usize, j: usize| -> u64 {
        let rows: Vec<usize> = if i == 3 { vec![0, 1, 2] } else { vec![i] };
        let cs: Vec<usize> = if j == 3 { vec![0, 1, 2] } else { vec![j] };
        rows.iter()
            .flat_map(|&r| cs.iter().map(move |&c| inner[r][c]))
            .sum()
    };
    for (i, r) in names.iter().enumerate() {
        for (j, c) in cols.iter().enumerate() {
            t.push(RawCell::count(
                keys([("r", *r), ("c", *c)]),
                "n",
                value(i, j),
            ));
        }
    }
    let a = protect(&policy(), &t).unwrap();
    let mut shuffled = t.clone();
    shuffled.cells.reverse();
    shuffled.cells.swap(3, 9);
    let mut b = protect(&policy(), &shuffled).unwrap().cells;
    b.sort_by(|x, y| x.keys.cmp(&y.keys));
    let mut a = a.cells;
    a.sort_by(|x, y| x.keys.cmp(&y.keys));
    assert_eq!(a, b);
    assert!(audit_release(&t, &a).unwrap().passed());
}

#[test]
fn structurally_known_values_cannot_be_protected() {
    // With `suppress_zero`, a zero total whose members are all absent from
    // the table is zero by structure: hiding cannot protect it.
    let mut p = policy();
    p.suppress_zero = true;
    let mut t = RawTable::new(vec![
        Dimension::new("week"),
        Dimension::with_margin("age", "all", ["young", "old"]),
    ]);
    t.push(RawCell::count(
        keys([("week", "w1"), ("age", "all")]),
        "n",
        0,
    ));
    t.push(RawCell::count(
        keys([("week", "w2"), ("age", "all")]),
        "n",
        30,
    ));
    t.push(RawCell::count(
        keys([("week", "w2"), ("age", "young")]),
        "n",
        12,
    ));
    t.push(RawCell::count(
        keys([("week", "w2"), ("age", "old")]),
        "n",
        18,
    ));
    assert!(matches!(
        protect(&p, &t),
        Err(SdcError::Unprotectable { .. })
    ));
    // Without `suppress_zero` the zero is published and nothing is hidden.
    let out = protect(&policy(), &t).unwrap();
    assert_eq!(statuses(&out), [P, P, P, P]);
}

#[test]
fn copies_of_a_hidden_cell_are_hidden_too() {
    // `m` repeats `n` at `old` (same count, same persons) outside the
    // margin: hiding `n` at `old` as the partner of `young` is useless if
    // its copy is published.
    let mut t = RawTable::new(vec![
        Dimension::with_margin("age", "all", ["young", "old"]),
        Dimension::new("filter"),
    ]);
    t.push(RawCell::count_with_population(
        keys([("age", "young")]),
        "n",
        5,
        pop(0..5),
    ));
    t.push(RawCell::count_with_population(
        keys([("age", "old")]),
        "n",
        20,
        pop(100..120),
    ));
    t.push(RawCell::count_with_population(
        keys([("age", "all")]),
        "n",
        25,
        pop(0..5).into_iter().chain(100..120).collect(),
    ));
    t.push(RawCell::count_with_population(
        keys([("filter", "copy")]),
        "m",
        20,
        pop(100..120),
    ));
    // Same persons, different count (visits, not persons): not a copy.
    t.push(RawCell::count_with_population(
        keys([("filter", "visits")]),
        "m",
        31,
        pop(100..120),
    ));
    // (`all`, 25 persons, is 5 persons from the 20 of the `m` cells:
    // within-release differencing would hide it too; this test is about
    // copies only.)
    let mut p = policy();
    p.differencing_within_release = false;
    let out = protect(&p, &t).unwrap();
    assert_eq!(statuses(&out), [X, S, P, S, P]);
    assert!(audit_release(&t, &out.cells).unwrap().passed());
}
