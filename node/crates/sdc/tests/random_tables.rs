//! Property tests: random 2-D and 3-D tables with margins on every
//! dimension and small counts, so that suppression triggers.

mod common;

use std::collections::HashMap;

use common::Cube;
use hublot_sdc::{
    CellKind, CellRef, CellValue, Keys, Policy, RawCell, RawTable, Status, audit_release, protect,
};
use proptest::prelude::*;

/// Counts skewed towards small values: zeros, values under the threshold,
/// values just over it.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        2 => Just(0u64),
        4 => 1u64..11,
        4 => 11u64..40,
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        prop_oneof![Just(3u64), Just(5), Just(11)],
        any::<bool>(),
        prop_oneof![Just(None), Just(Some(5u64))],
    )
        .prop_map(|(k, suppress_zero, rounding)| {
            let mut p = Policy::new("prop");
            p.k = k;
            p.suppress_zero = suppress_zero;
            p.rounding = rounding;
            p
        })
}

fn cube(dims: std::ops::RangeInclusive<usize>, n: usize) -> impl Strategy<Value = Cube> {
    proptest::collection::vec(dims, n).prop_flat_map(|sizes| {
        let len = sizes.iter().product::<usize>();
        proptest::collection::vec(count(), len)
            .prop_map(move |inner| Cube::new(sizes.clone(), inner))
    })
}

/// Numerator `n` (the cube), denominator `d` (the cube plus `extra`), and
/// `share = n / d × 100` on every coordinate.
fn with_ratio(cube: &Cube, extra: &[u64], populations: bool) -> RawTable {
    let mut t = cube.table("n", populations);
    let inner: Vec<u64> = cube.inner.iter().zip(extra).map(|(a, b)| a + b).collect();
    let den = Cube::new(cube.sizes.clone(), inner);
    for c in den.coordinates() {
        t.push(RawCell::count(den.keys(&c), "d", den.value(&c)));
    }
    for c in cube.coordinates() {
        let k = cube.keys(&c);
        t.push(RawCell::ratio(
            k.clone(),
            "share",
            CellRef::new(k.clone(), "n"),
            CellRef::new(k, "d"),
            100.0,
        ));
    }
    t
}

fn check(policy: &Policy, raw: &RawTable) -> Result<(), TestCaseError> {
    let out = protect(policy, raw).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let report = audit_release(raw, &out.cells).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(report.passed(), "recomputable: {:?}", report.disclosed);
    let by_key: HashMap<(&str, &Keys), usize> = out
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.measure.as_str(), &c.keys), i))
        .collect();
    for (cell, released) in raw.cells.iter().zip(&out.cells) {
        prop_assert_eq!(released.value.is_none(), released.status.is_suppressed());
        match &cell.kind {
            CellKind::Count { value, population } => {
                if !released.status.is_suppressed() {
                    prop_assert!(*value == 0 || *value >= policy.k, "{value} published");
                    prop_assert!(!(policy.suppress_zero && *value == 0));
                    if let Some(p) = population {
                        prop_assert!(p.is_empty() || p.len() >= policy.k);
                    }
                    let shown = match released.value {
                        Some(CellValue::Integer(v)) => v,
                        other => return Err(TestCaseError::fail(format!("{other:?}"))),
                    };
                    match policy.rounding {
                        None => {
                            prop_assert_eq!(shown, *value);
                            prop_assert_eq!(released.status, Status::Published);
                        }
                        Some(b) => {
                            prop_assert_eq!(shown % b, 0);
                            prop_assert!(shown.abs_diff(*value) <= b / 2);
                            prop_assert_eq!(released.status, Status::Rounded);
                        }
                    }
                }
                if population.is_none() {
                    prop_assert_ne!(released.status, Status::SuppressedDifferencing);
                }
            }
            CellKind::Ratio {
                numerator,
                denominator,
                ..
            } => {
                let num = &out.cells[by_key[&(numerator.measure.as_str(), &numerator.keys)]];
                let den = &out.cells[by_key[&(denominator.measure.as_str(), &denominator.keys)]];
                if !released.status.is_suppressed() {
                    prop_assert!(!num.status.is_suppressed() && !den.status.is_suppressed());
                    let (n, d) = (num.value.unwrap().as_f64(), den.value.unwrap().as_f64());
                    prop_assert_eq!(released.value, Some(CellValue::Real(n / d * 100.0)));
                }
                if num.status.is_suppressed() || den.status.is_suppressed() {
                    prop_assert!(released.status.is_suppressed());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn two_way_tables(cube in cube(2..=5, 2), p in policy(), populations in any::<bool>()) {
        check(&p, &cube.table("n", populations))?;
    }

    #[test]
    fn two_way_tables_with_ratios(
        cube in cube(2..=4, 2),
        extra in proptest::collection::vec(0u64..30, 16),
        p in policy(),
    ) {
        check(&p, &with_ratio(&cube, &extra, false))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn three_way_tables(cube in cube(2..=4, 3), p in policy(), populations in any::<bool>()) {
        check(&p, &cube.table("n", populations))?;
    }

    #[test]
    fn three_way_tables_with_ratios(
        cube in cube(2..=3, 3),
        extra in proptest::collection::vec(0u64..30, 27),
        p in policy(),
        populations in any::<bool>(),
    ) {
        check(&p, &with_ratio(&cube, &extra, populations))?;
    }
}

/// The property test is able to fail: without secondary suppression some
/// random table leaves a suppressed value recomputable.
#[test]
fn the_audit_catches_tables_without_secondary_suppression() {
    let cube = Cube::new(vec![3, 3], vec![4, 20, 30, 15, 25, 35, 12, 13, 14]);
    let raw = cube.table("n", false);
    let mut p = Policy::new("prop");
    p.secondary_suppression = false;
    let out = protect(&p, &raw).unwrap();
    assert!(!audit_release(&raw, &out.cells).unwrap().passed());
    p.secondary_suppression = true;
    let out = protect(&p, &raw).unwrap();
    assert!(audit_release(&raw, &out.cells).unwrap().passed());
}
