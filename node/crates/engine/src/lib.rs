//! The node's engine: opens the configured OMOP warehouse, runs an approved aggregate spec
//! on it, and turns the exact raw table into a disclosure-controlled result table. Nothing
//! leaves this crate but [`hublot_sdc::ResultTable`]s: the raw values and the populations
//! behind them stay inside.

use hublot_omop::{PostgresWarehouse, SqliteWarehouse, Warehouse};
use hublot_query::{IsoWeek, RawValue, RunParams, Spec};
use hublot_sdc::{CellKind, CellRef, Dimension, Policy, RawCell, ResultTable, Source};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the warehouse is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum WarehouseConfig {
    /// The embedded OMOP store (SQLite file).
    Sqlite { path: PathBuf },
    /// A PostgreSQL OMOP warehouse: connection URL and the schema holding the CDM tables.
    Postgres { url: String, schema: String },
}

impl WarehouseConfig {
    /// The embedded warehouse of a data directory.
    pub fn embedded(data_dir: &Path) -> Self {
        Self::Sqlite {
            path: data_dir.join("warehouse.sqlite"),
        }
    }

    /// Opens the warehouse read-only.
    pub fn open(&self) -> Result<Box<dyn Warehouse>, EngineError> {
        Ok(match self {
            Self::Sqlite { path } => {
                if !path.exists() {
                    return Err(EngineError::NoWarehouse(format!(
                        "no OMOP warehouse at {}: create one with `hublot-node synth` or configure [warehouse]",
                        path.display()
                    )));
                }
                Box::new(SqliteWarehouse::open_read_only(path)?)
            }
            Self::Postgres { url, schema } => Box::new(PostgresWarehouse::connect(url, schema)?),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    NoWarehouse(String),
    #[error("warehouse: {0}")]
    Warehouse(#[from] hublot_omop::OmopError),
    #[error("query: {0}")]
    Query(#[from] hublot_query::QueryError),
    #[error("disclosure control: {0}")]
    Sdc(#[from] hublot_sdc::SdcError),
}

/// A disclosure-controlled result, with the freshness of the data behind it.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    #[serde(flatten)]
    pub table: ResultTable,
    /// Latest visit date per week (the `data_freshness` measure), given only for weeks whose
    /// total passed disclosure control.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub freshness: BTreeMap<String, String>,
}

/// The default policy of the node (k = 11, no rounding).
pub fn default_policy() -> Policy {
    Policy::new("hublot-default-1")
}

/// Runs a spec over weeks `from..=to` and applies the policy (no ledger: for the node
/// administrator's own runs; permit-bound jobs use a [`hublot_sdc::Gate`]).
pub fn run_protected(
    spec: &Spec,
    warehouse: &dyn Warehouse,
    params: &RunParams,
    policy: &Policy,
) -> Result<Outcome, EngineError> {
    let raw = hublot_query::run(spec, warehouse, params)?;
    let (table, freshness_raw) = to_sdc(&raw);
    let released = hublot_sdc::protect(policy, &table)?;
    let freshness = published_freshness(&released.cells, freshness_raw);
    Ok(Outcome {
        table: released.into_result_table(Source::SpecHash(raw.spec_id.clone())),
        freshness,
    })
}

/// Runs the weekly ARI indicators.
pub fn run_indicators(
    warehouse: &dyn Warehouse,
    from: IsoWeek,
    to: IsoWeek,
    policy: &Policy,
) -> Result<Outcome, EngineError> {
    run_protected(
        &hublot_query::indicators::ari_weekly(),
        warehouse,
        &RunParams::weeks(from, to),
        policy,
    )
}

/// A date measure's value (`YYYY-MM-DD`) with the keys of its cell.
pub type KeyedDate = (BTreeMap<String, String>, String);

/// The measure whose published count makes a week's freshness publishable.
const FRESHNESS_GUARD: &str = "er_visits_total";

/// Converts the query's raw table into disclosure control's input: counts with their
/// populations, the spec's ratios, sums/means with the count behind them, and the margins
/// of the additive breakdowns. Date maxima (data freshness) are returned apart: they are
/// released only next to a published count of the same week.
pub fn to_sdc(raw: &hublot_query::RawTable) -> (hublot_sdc::RawTable, Vec<KeyedDate>) {
    let dimensions = raw
        .dimensions
        .iter()
        .map(|d| match (&d.margin, d.additive) {
            (Some(total), true) => Dimension::with_margin(&d.key, total, d.values.clone()),
            _ => Dimension::new(&d.key),
        })
        .collect();
    let mut cells = Vec::with_capacity(raw.cells.len());
    let mut freshness = Vec::new();
    for c in &raw.cells {
        let keys = c.keys.clone();
        match (&c.value, c.aggregate.is_count()) {
            (RawValue::Count(n), true) => cells.push(RawCell {
                keys,
                measure: c.measure.clone(),
                kind: CellKind::Count {
                    value: *n,
                    population: Some(c.population.clone()),
                },
            }),
            (RawValue::Number(total), _) => {
                let count_measure = format!("{}_n", c.measure);
                cells.push(RawCell {
                    keys: keys.clone(),
                    measure: count_measure.clone(),
                    kind: CellKind::Count {
                        value: c.visits,
                        population: Some(c.population.clone()),
                    },
                });
                let count = CellRef::new(keys.clone(), count_measure);
                let kind = if c.aggregate.as_str() == "mean" {
                    CellKind::Mean {
                        // The query gives the mean; disclosure control wants the total.
                        total: *total * c.visits as f64,
                        contributions: c.top_contributions.clone(),
                        count,
                    }
                } else {
                    CellKind::Sum {
                        total: *total,
                        contributions: c.top_contributions.clone(),
                        count,
                    }
                };
                cells.push(RawCell {
                    keys,
                    measure: c.measure.clone(),
                    kind,
                });
            }
            (RawValue::Date(d), _) => freshness.push((keys, d.to_string())),
            (RawValue::Count(n), false) => cells.push(RawCell {
                keys,
                measure: c.measure.clone(),
                kind: CellKind::Count {
                    value: *n,
                    population: Some(c.population.clone()),
                },
            }),
        }
    }
    for ratio in &raw.ratios {
        let numerators: Vec<BTreeMap<String, String>> = raw
            .cells
            .iter()
            .filter(|c| c.measure == ratio.numerator)
            .map(|c| c.keys.clone())
            .collect();
        for keys in numerators {
            let has_denominator = raw
                .cells
                .iter()
                .any(|c| c.measure == ratio.denominator && c.keys == keys);
            if !has_denominator {
                continue;
            }
            cells.push(RawCell {
                keys: keys.clone(),
                measure: ratio.name.clone(),
                kind: CellKind::Ratio {
                    numerator: CellRef::new(keys.clone(), &ratio.numerator),
                    denominator: CellRef::new(keys, &ratio.denominator),
                    scale: ratio.scale,
                },
            });
        }
    }
    (hublot_sdc::RawTable { dimensions, cells }, freshness)
}

fn published_freshness(
    released: &[hublot_sdc::ReleasedCell],
    freshness: Vec<KeyedDate>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (keys, date) in freshness {
        let guard_published = released.iter().any(|c| {
            c.measure == FRESHNESS_GUARD
                && c.keys == keys
                && !c.status.is_suppressed()
                && c.value.is_some_and(|v| v.as_f64() > 0.0)
        });
        if guard_published && let Some(week) = keys.get("week") {
            out.insert(week.clone(), date);
        }
    }
    out
}

/// Writes a result table as CSV: keys (one column per key name), measure, value, status.
pub fn to_csv(table: &ResultTable) -> String {
    let mut key_names: Vec<&str> = Vec::new();
    for c in &table.cells {
        for k in c.keys.keys() {
            if !key_names.contains(&k.as_str()) {
                key_names.push(k);
            }
        }
    }
    let mut out = String::new();
    for k in &key_names {
        out.push_str(k);
        out.push(',');
    }
    out.push_str("measure,value,status\n");
    for c in &table.cells {
        for k in &key_names {
            out.push_str(&csv_field(c.keys.get(*k).map(String::as_str).unwrap_or("")));
            out.push(',');
        }
        out.push_str(&csv_field(&c.measure));
        out.push(',');
        if let Some(v) = c.value {
            out.push_str(&serde_json::to_string(&v).unwrap_or_default());
        }
        out.push(',');
        out.push_str(c.status.as_str());
        out.push('\n');
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// What the catalogue may say about a warehouse-backed dataset, computed from the
/// warehouse and protected by the policy: counts below k are withheld, the typical ages are
/// the ages reached by at least k persons from each end (never one patient's exact age),
/// and the coverage dates are those of the data.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DatasetStatistics {
    pub records: Option<u64>,
    pub individuals: Option<u64>,
    pub min_typical_age: Option<u64>,
    pub max_typical_age: Option<u64>,
    pub first_date: Option<time::Date>,
    pub last_date: Option<time::Date>,
}

/// Statistics of the visits of the given visit concepts (e.g. 9203 and 262 for emergency
/// visits), with the persons behind them.
pub fn visit_statistics(
    warehouse: &dyn Warehouse,
    visit_concepts: &[i64],
    policy: &Policy,
) -> Result<DatasetStatistics, EngineError> {
    use hublot_omop::{Backend, SqlValue};
    if visit_concepts.is_empty() {
        return Ok(DatasetStatistics::default());
    }
    let backend = warehouse.backend();
    let placeholders: Vec<String> = (1..=visit_concepts.len())
        .map(|i| backend.placeholder(i))
        .collect();
    let params: Vec<SqlValue> = visit_concepts.iter().map(|c| SqlValue::Int(*c)).collect();
    let visits = warehouse.table("visit_occurrence");
    let persons = warehouse.table("person");
    let filter = format!("v.visit_concept_id IN ({})", placeholders.join(", "));
    let totals = warehouse.query(
        &format!(
            "SELECT COUNT(*), COUNT(DISTINCT v.person_id), MIN(v.visit_start_date), MAX(v.visit_start_date) \
             FROM {visits} v WHERE {filter}"
        ),
        &params,
    )?;
    let row = totals.first().cloned().unwrap_or_default();
    let int = |v: Option<&SqlValue>| v.and_then(SqlValue::as_i64).map(|n| n.max(0) as u64);
    let k = policy.k;
    let passing = |n: Option<u64>| n.filter(|n| *n >= k);
    let visit_year = match backend {
        Backend::Sqlite => "CAST(strftime('%Y', v.visit_start_date) AS INTEGER)",
        Backend::Postgres => "CAST(EXTRACT(YEAR FROM v.visit_start_date) AS INTEGER)",
    };
    let ages = warehouse.query(
        &format!(
            "SELECT {visit_year} - p.year_of_birth AS age, COUNT(DISTINCT v.person_id) \
             FROM {visits} v JOIN {persons} p ON p.person_id = v.person_id \
             WHERE {filter} GROUP BY 1 ORDER BY 1"
        ),
        &params,
    )?;
    let by_age: Vec<(u64, u64)> = ages
        .iter()
        .filter_map(|r| Some((int(r.first())?, int(r.get(1))?)))
        .collect();
    let reach = |iter: &mut dyn Iterator<Item = &(u64, u64)>| {
        let mut total = 0;
        for (age, n) in iter {
            total += n;
            if total >= k {
                return Some(*age);
            }
        }
        None
    };
    let individuals = passing(int(row.get(1)));
    Ok(DatasetStatistics {
        records: passing(int(row.first())),
        individuals,
        min_typical_age: individuals.and(reach(&mut by_age.iter())),
        max_typical_age: individuals.and(reach(&mut by_age.iter().rev())),
        first_date: individuals.and(row.get(2).and_then(SqlValue::as_date)),
        last_date: individuals.and(row.get(3).and_then(SqlValue::as_date)),
    })
}
