//! The differencing ledger persists at the node.

mod common;

use common::pop;
use hublot_sdc::{
    CellRef, Dimension, Gate, Ledger, Policy, RawCell, RawTable, SdcError, Status, keys,
};

fn single(filter: &str, population: hublot_sdc::RoaringTreemap) -> RawTable {
    let mut t = RawTable::new(vec![Dimension::new("filter")]);
    t.push(RawCell::count_with_population(
        keys([("filter", filter)]),
        "patients",
        population.len(),
        population,
    ));
    t
}

#[test]
fn differencing_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    {
        let mut gate = Gate::open(&path, Policy::new("v1")).unwrap();
        let r = gate
            .release("permit-A", &single("15-64", pop(0..60)))
            .unwrap();
        assert_eq!(r.cells[0].status, Status::Published);
        assert!(r.release_id.is_some());
    }
    let mut gate = Gate::open(&path, Policy::new("v1")).unwrap();
    assert_eq!(gate.ledger().population_count("permit-A").unwrap(), 1);
    let r = gate
        .release("permit-A", &single("15-65", pop(0..63)))
        .unwrap();
    assert_eq!(r.cells[0].status, Status::SuppressedDifferencing);
    let r = gate
        .release("permit-B", &single("15-65", pop(0..63)))
        .unwrap();
    assert_eq!(r.cells[0].status, Status::Published);
    drop(gate);

    // Through a caller-provided connection as well.
    let conn = rusqlite_connection(&path);
    let mut gate = Gate::new(Ledger::with_connection(conn).unwrap(), Policy::new("v1")).unwrap();
    let r = gate
        .release("permit-B", &single("15-64", pop(0..60)))
        .unwrap();
    assert_eq!(r.cells[0].status, Status::SuppressedDifferencing);
}

fn rusqlite_connection(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn ledger_keeps_populations_only_at_the_node() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let mut gate = Gate::open(&path, Policy::new("v1")).unwrap();
    let r = gate.release("p", &single("x", pop(1000..1040))).unwrap();
    // The output carries no population.
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("1000"), "{json}");
    // The ledger does, as a roaring bitmap, with the cell label.
    let conn = gate.into_ledger().into_connection();
    let (card, cell, blob): (i64, String, Vec<u8>) = conn
        .query_row(
            "SELECT cardinality, cell, bitmap FROM sdc_population WHERE permit_id = 'p'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(card, 40);
    assert!(cell.contains("\"filter\":\"x\""));
    let back = hublot_sdc::RoaringTreemap::deserialize_from(&blob[..]).unwrap();
    assert_eq!(back, pop(1000..1040));
}

#[test]
fn identical_populations_are_stored_once() {
    let mut gate = Gate::new(Ledger::in_memory().unwrap(), Policy::new("v1")).unwrap();
    let mut t = RawTable::new(vec![Dimension::new("filter")]);
    for (f, v) in [("visits", 80), ("patients", 40)] {
        t.push(RawCell::count_with_population(
            keys([("filter", f)]),
            "n",
            v,
            pop(0..40),
        ));
    }
    gate.release("p", &t).unwrap();
    gate.release("p", &t).unwrap();
    assert_eq!(gate.ledger().population_count("p").unwrap(), 1);
    assert_eq!(gate.ledger().release_count("p").unwrap(), 2);
}

#[test]
fn a_failed_release_records_nothing() {
    let mut gate = Gate::new(Ledger::in_memory().unwrap(), Policy::new("v1")).unwrap();
    let mut t = single("x", pop(0..40));
    t.push(RawCell::ratio(
        keys([("filter", "x")]),
        "share",
        CellRef::new(keys([("filter", "x")]), "patients"),
        CellRef::new(keys([("filter", "missing")]), "patients"),
        100.0,
    ));
    assert!(matches!(
        gate.release("p", &t),
        Err(SdcError::InvalidTable(_))
    ));
    assert!(matches!(
        gate.release("", &single("x", pop(0..40))),
        Err(SdcError::MissingPermit)
    ));
    assert_eq!(gate.ledger().release_count("p").unwrap(), 0);
    assert_eq!(gate.ledger().population_count("p").unwrap(), 0);
    // And the cell is still publishable afterwards.
    let r = gate.release("p", &single("x", pop(0..40))).unwrap();
    assert_eq!(r.cells[0].status, Status::Published);
}

#[test]
fn permit_policy_overrides_the_default() {
    let mut gate = Gate::new(Ledger::in_memory().unwrap(), Policy::new("v1")).unwrap();
    let mut strict = Policy::new("v1-strict");
    strict.k = 50;
    let r = gate
        .release_with_policy("p", &strict, &single("x", pop(0..40)))
        .unwrap();
    assert_eq!(r.cells[0].status, Status::SuppressedPrimary);
    assert_eq!(r.policy.k, 50);
    assert_eq!(r.policy.version, "v1-strict");
}
