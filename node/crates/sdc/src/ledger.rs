//! The differencing ledger: per permit, the person-id populations of every
//! released count cell — and, flagged, of every withheld (hidden) one — kept
//! in SQLite at the node and never serialised into any output.
//!
//! Schema (created if missing):
//!
//! ```sql
//! sdc_release(release_id INTEGER PRIMARY KEY, permit_id, policy_version,
//!             released_at /* unix seconds */, cells, published)
//! sdc_population(population_id INTEGER PRIMARY KEY, release_id, permit_id,
//!                cardinality, released /* 1 published, 0 withheld */,
//!                cell /* {"measure":…,"keys":…} */,
//!                bitmap /* portable roaring serialisation */)
//! INDEX sdc_population_by_size ON sdc_population(permit_id, cardinality)
//! ```
//!
//! Two sets can only be fewer than `k` persons apart if their sizes are
//! fewer than `k` apart, so a lookup reads only the populations of the same
//! permit whose cardinality lies within `k - 1` of the new one (an index
//! range scan), and compares each exactly with the symmetric difference of
//! the bitmaps. Each stored population is deserialised at most once per
//! release.
//!
//! Withheld populations keep later releases consistent with earlier
//! suppression patterns: a cell whose population is exactly one that an
//! earlier release hid (and none released) stays hidden, so an unchanged
//! cell hidden by secondary suppression in one release cannot be published
//! by the next and undo the protection of the cell it covered.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use roaring::RoaringTreemap;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use crate::engine::{self, LedgerMatch};
use crate::error::{Result, SdcError};
use crate::output::Released;
use crate::policy::Policy;
use crate::table::RawTable;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sdc_release (
    release_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    permit_id      TEXT    NOT NULL,
    policy_version TEXT    NOT NULL,
    released_at    INTEGER NOT NULL,
    cells          INTEGER NOT NULL,
    published      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sdc_population (
    population_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    release_id     INTEGER NOT NULL REFERENCES sdc_release(release_id),
    permit_id      TEXT    NOT NULL,
    cardinality    INTEGER NOT NULL,
    released       INTEGER NOT NULL,
    cell           TEXT    NOT NULL,
    bitmap         BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS sdc_population_by_size
    ON sdc_population(permit_id, cardinality);
";

fn sql_int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Persisted record of released populations, per permit.
#[derive(Debug)]
pub struct Ledger {
    conn: Connection,
}

impl Ledger {
    /// Opens (or creates) the ledger in the SQLite file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        Self::with_connection(conn)
    }

    /// A ledger in memory (tests, hub-side dry runs).
    pub fn in_memory() -> Result<Self> {
        Self::with_connection(Connection::open_in_memory()?)
    }

    /// Uses an existing connection (e.g. the node's database); the ledger's
    /// tables are created if missing.
    pub fn with_connection(conn: Connection) -> Result<Self> {
        conn.execute_batch(SCHEMA)?;
        Ok(Ledger { conn })
    }

    /// Gives the connection back.
    pub fn into_connection(self) -> Connection {
        self.conn
    }

    /// Number of released populations recorded for `permit_id`.
    pub fn population_count(&self, permit_id: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM sdc_population WHERE permit_id = ?1 AND released = 1",
            [permit_id],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Number of withheld populations recorded for `permit_id`.
    pub fn withheld_count(&self, permit_id: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM sdc_population WHERE permit_id = ?1 AND released = 0",
            [permit_id],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Number of releases recorded for `permit_id`.
    pub fn release_count(&self, permit_id: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM sdc_release WHERE permit_id = ?1",
            [permit_id],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Smallest symmetric-difference size between `population` and the
    /// populations released under `permit_id`, if any is within `limit`
    /// persons (node-side diagnostics; never part of an output).
    pub fn nearest(
        &self,
        permit_id: &str,
        population: &RoaringTreemap,
        limit: u64,
    ) -> Result<Option<u64>> {
        let n = population.len();
        let mut stmt = self.conn.prepare_cached(
            "SELECT bitmap FROM sdc_population
             WHERE permit_id = ?1 AND released = 1 AND cardinality BETWEEN ?2 AND ?3",
        )?;
        let mut rows = stmt.query(params![
            permit_id,
            sql_int(n.saturating_sub(limit)),
            sql_int(n.saturating_add(limit))
        ])?;
        let mut best: Option<u64> = None;
        while let Some(row) = rows.next()? {
            let q = RoaringTreemap::deserialize_from(
                row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?,
            )?;
            let d = population.symmetric_difference_len(&q);
            if d <= limit && best.is_none_or(|b| d < b) {
                best = Some(d);
            }
        }
        Ok(best)
    }
}

/// Compares populations with the ledger inside one transaction.
struct Lookup<'t> {
    stmt: rusqlite::CachedStatement<'t>,
    cache: HashMap<i64, RoaringTreemap>,
    permit_id: &'t str,
    k: u64,
}

impl Lookup<'_> {
    fn check(&mut self, population: &RoaringTreemap) -> Result<LedgerMatch> {
        let n = population.len();
        let lo = n.saturating_sub(self.k - 1).max(1);
        let hi = n.saturating_add(self.k - 1);
        let mut rows = self
            .stmt
            .query(params![self.permit_id, sql_int(lo), sql_int(hi)])?;
        let (mut near, mut withheld) = (false, false);
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let released: bool = row.get(1)?;
            // Only an identical withheld population matters.
            if !released && (withheld || row.get::<_, i64>(3)? != sql_int(n)) {
                continue;
            }
            let q = match self.cache.entry(id) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => {
                    let blob = row.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
                    e.insert(RoaringTreemap::deserialize_from(blob)?)
                }
            };
            let d = population.symmetric_difference_len(q);
            if released {
                if d == 0 {
                    return Ok(LedgerMatch::Identical);
                }
                near |= d < self.k;
            } else {
                withheld |= d == 0;
            }
        }
        Ok(if near {
            LedgerMatch::Near
        } else if withheld {
            LedgerMatch::Withheld
        } else {
            LedgerMatch::Clear
        })
    }
}

/// The gate every outgoing table of a node passes: it applies the policy,
/// checks and records the differencing ledger of the permit, atomically.
#[derive(Debug)]
pub struct Gate {
    ledger: Ledger,
    policy: Policy,
}

impl Gate {
    /// A gate applying `policy` with `ledger`.
    pub fn new(ledger: Ledger, policy: Policy) -> Result<Self> {
        policy.validate()?;
        Ok(Gate { ledger, policy })
    }

    /// A gate whose ledger lives in the SQLite file at `path`.
    pub fn open(path: impl AsRef<Path>, policy: Policy) -> Result<Self> {
        Self::new(Ledger::open(path)?, policy)
    }

    /// The default policy of this gate.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Gives the ledger back.
    pub fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// Applies the gate's policy to `raw` under `permit_id`: thresholds,
    /// dominance, differencing against everything released under the
    /// permit, secondary suppression, rounding; then records the release and
    /// its published populations in the same transaction.
    pub fn release(&mut self, permit_id: &str, raw: &RawTable) -> Result<Released> {
        let policy = self.policy.clone();
        self.release_with_policy(permit_id, &policy, raw)
    }

    /// As [`Gate::release`], with a permit-specific policy.
    pub fn release_with_policy(
        &mut self,
        permit_id: &str,
        policy: &Policy,
        raw: &RawTable,
    ) -> Result<Released> {
        if permit_id.trim().is_empty() {
            return Err(SdcError::MissingPermit);
        }
        policy.validate()?;
        let tx = self
            .ledger
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = {
            let mut lookup = Lookup {
                stmt: tx.prepare_cached(
                    "SELECT population_id, released, bitmap, cardinality FROM sdc_population
                     WHERE permit_id = ?1 AND cardinality BETWEEN ?2 AND ?3",
                )?,
                cache: HashMap::new(),
                permit_id,
                k: policy.k,
            };
            engine::run(policy, raw, &mut |p| lookup.check(p))?
        };
        let release_id = record(&tx, permit_id, policy, raw, &outcome)?;
        tx.commit()?;
        Ok(Released {
            release_id: Some(release_id),
            policy: policy.published(),
            cells: outcome.cells,
        })
    }
}

fn record(
    tx: &Transaction<'_>,
    permit_id: &str,
    policy: &Policy,
    raw: &RawTable,
    outcome: &engine::Outcome,
) -> Result<i64> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let published = outcome
        .cells
        .iter()
        .filter(|c| !c.status.is_suppressed())
        .count();
    tx.execute(
        "INSERT INTO sdc_release(permit_id, policy_version, released_at, cells, published)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            permit_id,
            policy.version,
            sql_int(now),
            sql_int(outcome.cells.len() as u64),
            sql_int(published as u64)
        ],
    )?;
    let release_id = tx.last_insert_rowid();
    let mut insert = tx.prepare_cached(
        "INSERT INTO sdc_population(release_id, permit_id, cardinality, released, cell, bitmap)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut same_size = tx.prepare_cached(
        "SELECT bitmap FROM sdc_population WHERE permit_id = ?1 AND cardinality = ?2",
    )?;
    let released = outcome.record.iter().map(|&i| (i, true));
    let withheld = outcome.withheld.iter().map(|&i| (i, false));
    for (i, is_released) in released.chain(withheld) {
        let cell = &raw.cells[i];
        let crate::table::CellKind::Count {
            population: Some(p),
            ..
        } = &cell.kind
        else {
            continue;
        };
        if !is_released {
            // A withheld population already in the ledger, released or
            // withheld, adds nothing.
            let mut rows = same_size.query(params![permit_id, sql_int(p.len())])?;
            let mut known = false;
            while let Some(row) = rows.next()? {
                let blob = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
                if RoaringTreemap::deserialize_from(blob)? == *p {
                    known = true;
                    break;
                }
            }
            if known {
                continue;
            }
        }
        let mut blob = Vec::with_capacity(p.serialized_size());
        p.serialize_into(&mut blob)?;
        let label = serde_json::json!({ "measure": cell.measure, "keys": cell.keys }).to_string();
        insert.execute(params![
            release_id,
            permit_id,
            sql_int(p.len()),
            is_released,
            label,
            blob
        ])?;
    }
    Ok(release_id)
}

/// Applies `policy` to `raw` without any ledger (nothing is recorded, no
/// earlier release is consulted): the hub's re-check of a merged table, or
/// a dry run. Differencing still applies between the cells of `raw` when
/// they carry populations and the policy asks for it.
pub fn protect(policy: &Policy, raw: &RawTable) -> Result<Released> {
    let outcome = engine::run(policy, raw, &mut |_| Ok(LedgerMatch::Clear))?;
    Ok(Released {
        release_id: None,
        policy: policy.published(),
        cells: outcome.cells,
    })
}
