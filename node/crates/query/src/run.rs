//! Execution of a spec against a warehouse into a raw (not yet disclosure-controlled) table.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use hublot_omop::{OmopError, SqlValue, Warehouse};
use roaring::RoaringTreemap;
use serde::Serialize;
use time::Date;

use crate::compile::{CompiledQuery, SEX_OTHER, SEX_VALUES, SITE_UNKNOWN, compile, measure_keys};
use crate::dialect::{Dialect, dialect_for};
use crate::model::{ALL, Aggregate, Breakdown, Ratio, SpecModel};
use crate::validate::{Spec, parse_date};
use crate::week::IsoWeek;

/// Longest run window, in weeks.
pub const MAX_WEEKS: usize = 520;
/// Most cells a run may produce.
pub const MAX_CELLS: usize = 2_000_000;

/// What a run covers.
#[derive(Debug, Clone, PartialEq)]
pub struct RunParams {
    /// First ISO week (visits from its Monday).
    pub from_week: IsoWeek,
    /// Last ISO week, included (visits to its Sunday).
    pub to_week: IsoWeek,
    /// Persons left out at the source (the node's opposition register): their rows are
    /// dropped before anything is added up, so they count nowhere, margins included.
    pub excluded_persons: RoaringTreemap,
}

impl RunParams {
    /// The weeks `from..=to`, excluding nobody.
    pub fn weeks(from_week: IsoWeek, to_week: IsoWeek) -> Self {
        Self {
            from_week,
            to_week,
            excluded_persons: RoaringTreemap::new(),
        }
    }
}

/// Errors of a run.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The run parameters are unusable.
    #[error("invalid run parameters: {0}")]
    Params(String),
    /// The warehouse failed.
    #[error("warehouse error: {0}")]
    Warehouse(#[from] OmopError),
    /// A statement's result does not have the expected number of columns.
    #[error("the statement for measure(s) {measures} returned {got} columns, expected {expected}")]
    Shape {
        /// Measures of the statement.
        measures: String,
        /// Columns returned.
        got: usize,
        /// Columns expected.
        expected: usize,
    },
    /// The warehouse returned a value of an unexpected type.
    #[error("unexpected value in column {column} of the result of measure(s) {measures}: {value}")]
    UnexpectedValue {
        /// Column index.
        column: usize,
        /// Measures of the statement.
        measures: String,
        /// The value, debug-printed.
        value: String,
    },
    /// The table would be too large.
    #[error("the table would have more than {MAX_CELLS} cells; narrow the run or the spec")]
    TooLarge,
}

/// The value of a raw cell. Serialised as a JSON number, or a `YYYY-MM-DD` string for dates.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// A count (`count_visits`, `count_persons`).
    Count(u64),
    /// A sum, a mean, or the maximum of a numeric column.
    Number(f64),
    /// The maximum of a date column, or of a timestamp column (its date).
    Date(Date),
}

impl Serialize for RawValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RawValue::Count(n) => serializer.serialize_u64(*n),
            RawValue::Number(f) => serializer.serialize_f64(*f),
            RawValue::Date(d) => serializer.collect_str(d),
        }
    }
}

/// One cell of a raw table: exact values, for the node's disclosure control only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawCell {
    /// Breakdown key → value (e.g. `week` → `2025-W03`, `age_band` → `all`).
    pub keys: BTreeMap<String, String>,
    /// Measure name.
    pub measure: String,
    /// The measure's aggregate.
    pub aggregate: Aggregate,
    /// The value: for counts the count (visits or distinct persons), for `sum`/`mean`/`max`
    /// the aggregate over the visits with a non-null value.
    pub value: RawValue,
    /// Number of visits behind the cell (for `sum`/`mean`/`max`, those with a non-null
    /// value): the count that must pass the threshold for a derived figure.
    pub visits: u64,
    /// The distinct `person_id`s behind the cell, for differencing protection. Never leaves
    /// the node.
    #[serde(skip)]
    pub population: RoaringTreemap,
    /// For `sum` and `mean`: the largest per-person contributions (absolute values, largest
    /// first, at most [`TOP_CONTRIBUTIONS`]), for the dominance rule. Empty otherwise.
    pub top_contributions: Vec<f64>,
}

/// How many per-person contributions a sum or mean cell keeps.
pub const TOP_CONTRIBUTIONS: usize = 2;

/// A derived ratio to compute from a raw table's count cells: for each numerator cell, the
/// denominator cell has exactly the same keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatioDef {
    /// Name of the derived measure (e.g. `share`).
    pub name: String,
    /// Numerator measure.
    pub numerator: String,
    /// Denominator measure.
    pub denominator: String,
    /// Multiplier (100 for a percentage).
    pub scale: f64,
}

impl From<&Ratio> for RatioDef {
    fn from(r: &Ratio) -> Self {
        Self {
            name: r.name.clone(),
            numerator: r.numerator.clone(),
            denominator: r.denominator.clone(),
            scale: r.scale,
        }
    }
}

/// The exact result of a run, before disclosure control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawTable {
    /// The spec's id (`sha256:…`).
    pub spec_id: String,
    /// The spec's name.
    pub spec_name: String,
    /// First week of the run.
    pub from_week: IsoWeek,
    /// Last week of the run.
    pub to_week: IsoWeek,
    /// The cells, ordered by measure (spec order) then keys. Counts and sums have a cell for
    /// every combination of known key values (zero when no visit), means and maxima only
    /// where there is data.
    pub cells: Vec<RawCell>,
    /// Ratios to derive.
    pub ratios: Vec<RatioDef>,
    /// The breakdowns, in spec order: their values and margins.
    pub dimensions: Vec<RawDimension>,
}

/// A breakdown of a raw table, for disclosure control's margins (secondary suppression).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawDimension {
    /// Key name in the cells.
    pub key: String,
    /// Breakdown kind as written in the spec (`iso_week`, `age_band`, `sex`, `syndrome`,
    /// `care_site`).
    pub kind: String,
    /// The values cells use for this key, margin excluded: the run's weeks, the band labels
    /// or group names in spec order, `male`/`female`/`other`, the care sites seen.
    pub values: Vec<String>,
    /// The margin's key value (`all`) when the breakdown has one.
    pub margin: Option<String>,
    /// Whether the margin cell of a `count_visits` or `sum` measure is the sum of the cells
    /// of the values (true except for syndromes, whose groups overlap). Margins of
    /// `count_persons`, `mean` and `max` are never sums.
    pub additive: bool,
}

impl RawTable {
    /// The cell of `measure` with exactly these keys.
    pub fn cell(&self, measure: &str, keys: &[(&str, &str)]) -> Option<&RawCell> {
        self.cells.iter().find(|c| {
            c.measure == measure
                && c.keys.len() == keys.len()
                && keys
                    .iter()
                    .all(|(k, v)| c.keys.get(*k).map(String::as_str) == Some(*v))
        })
    }

    /// The count of a count cell (`None` if there is no such cell or it is not a count).
    pub fn count(&self, measure: &str, keys: &[(&str, &str)]) -> Option<u64> {
        match self.cell(measure, keys)?.value {
            RawValue::Count(n) => Some(n),
            _ => None,
        }
    }
}

/// Runs `spec` on `warehouse` for the weeks of `params`.
pub fn run(
    spec: &Spec,
    warehouse: &dyn Warehouse,
    params: &RunParams,
) -> Result<RawTable, QueryError> {
    run_with(spec, warehouse, dialect_for(warehouse.backend()), params)
}

/// Runs `spec` with an explicit dialect (for a backend whose dialect is not the default).
pub fn run_with(
    spec: &Spec,
    warehouse: &dyn Warehouse,
    dialect: &dyn Dialect,
    params: &RunParams,
) -> Result<RawTable, QueryError> {
    if params.to_week < params.from_week {
        return Err(QueryError::Params(format!(
            "{} is before {}",
            params.to_week, params.from_week
        )));
    }
    let weeks = params.from_week.through(params.to_week);
    if weeks.len() > MAX_WEEKS {
        return Err(QueryError::Params(format!(
            "{} weeks requested; at most {MAX_WEEKS}",
            weeks.len()
        )));
    }
    let model = spec.model();
    let table = |name: &str| warehouse.table(name);
    let queries = compile(
        spec,
        dialect,
        &table,
        params.from_week.monday(),
        params.to_week.sunday(),
    );
    let week_values: Vec<String> = weeks.iter().map(ToString::to_string).collect();

    let mut cells_by_measure: Vec<Vec<RawCell>> = vec![Vec::new(); model.measures.len()];
    for query in &queries {
        let mut acc = Accumulator::new(model, query);
        warehouse.query_each(&query.sql, &query.params, &mut |row| {
            acc.add_row(row, &params.excluded_persons);
            Ok(())
        })?;
        if let Some(e) = acc.error.take() {
            return Err(e);
        }
        acc.finish(model, &week_values, &mut cells_by_measure)?;
    }
    let cells: Vec<RawCell> = cells_by_measure.into_iter().flatten().collect();
    Ok(RawTable {
        spec_id: spec.id().to_owned(),
        spec_name: spec.name().to_owned(),
        from_week: params.from_week,
        to_week: params.to_week,
        dimensions: dimensions(model, &week_values, &cells),
        cells,
        ratios: model.ratios.iter().map(RatioDef::from).collect(),
    })
}

fn dimensions(model: &SpecModel, weeks: &[String], cells: &[RawCell]) -> Vec<RawDimension> {
    model
        .breakdowns
        .iter()
        .map(|b| {
            let values: Vec<String> = match b {
                Breakdown::IsoWeek { .. } => weeks.to_vec(),
                Breakdown::AgeBand { bands, .. } => bands.iter().map(|x| x.label.clone()).collect(),
                Breakdown::Syndrome { groups, .. } => {
                    groups.iter().map(|g| g.name.clone()).collect()
                }
                Breakdown::Sex { .. } => SEX_VALUES
                    .iter()
                    .map(|(_, l)| (*l).to_owned())
                    .chain([SEX_OTHER.to_owned()])
                    .collect(),
                Breakdown::CareSite { .. } => {
                    let seen: BTreeSet<&str> = cells
                        .iter()
                        .filter_map(|c| c.keys.get(b.key()))
                        .map(String::as_str)
                        .filter(|v| *v != ALL)
                        .collect();
                    let mut seen: Vec<String> = seen.into_iter().map(str::to_owned).collect();
                    seen.sort_by_key(|v| {
                        (v.parse::<i64>().is_err(), v.parse::<i64>().ok(), v.clone())
                    });
                    seen
                }
            };
            RawDimension {
                key: b.key().to_owned(),
                kind: b.kind().to_owned(),
                values,
                margin: b.margin().then(|| ALL.to_owned()),
                additive: !matches!(b, Breakdown::Syndrome { .. }),
            }
        })
        .collect()
}

/// What one measure accumulates for one cell.
#[derive(Debug, Default, Clone)]
struct Acc {
    visits: u64,
    population: RoaringTreemap,
    /// person → contribution, for sums and means.
    contributions: BTreeMap<u64, f64>,
    max_number: Option<f64>,
    max_date: Option<Date>,
}

/// Adds up the rows of one statement.
struct Accumulator {
    keys: Vec<String>,
    /// Per key: whether it is a disjoint breakdown with a margin summed in Rust.
    summed_margin: Vec<bool>,
    /// Per key: whether it is a care-site key (integer values).
    site: Vec<bool>,
    /// Per measure of the statement: (index in the spec, aggregate, has a value column).
    measures: Vec<(usize, Aggregate, bool)>,
    /// Per measure of the statement: key values → accumulated cell.
    cells: Vec<HashMap<Vec<String>, Acc>>,
    /// Observed values of each key (for keys whose values come from the data).
    observed: Vec<BTreeSet<String>>,
    error: Option<QueryError>,
    label: String,
}

impl Accumulator {
    fn new(model: &SpecModel, query: &CompiledQuery) -> Self {
        let breakdown = |k: &String| model.breakdowns.iter().find(|b| b.key() == k);
        let measures: Vec<(usize, Aggregate, bool)> = query
            .measures
            .iter()
            .filter_map(|name| model.measures.iter().position(|m| &m.name == name))
            .map(|i| {
                let m = &model.measures[i];
                (i, m.aggregate, m.aggregate.needs_column())
            })
            .collect();
        Self {
            summed_margin: query
                .keys
                .iter()
                .map(|k| {
                    breakdown(k)
                        .is_some_and(|b| b.margin() && !matches!(b, Breakdown::Syndrome { .. }))
                })
                .collect(),
            site: query
                .keys
                .iter()
                .map(|k| breakdown(k).is_some_and(|b| matches!(b, Breakdown::CareSite { .. })))
                .collect(),
            cells: vec![HashMap::new(); measures.len()],
            measures,
            observed: vec![BTreeSet::new(); query.keys.len()],
            keys: query.keys.clone(),
            error: None,
            label: query.measures.join(", "),
        }
    }

    fn unexpected(&self, column: usize, value: &SqlValue) -> QueryError {
        QueryError::UnexpectedValue {
            column,
            measures: self.label.clone(),
            value: format!("{value:?}"),
        }
    }

    /// Adds one row; the first error is kept and later rows are ignored.
    fn add_row(&mut self, row: &[SqlValue], excluded: &RoaringTreemap) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.add_row_inner(row, excluded) {
            self.error = Some(e);
        }
    }

    fn add_row_inner(
        &mut self,
        row: &[SqlValue],
        excluded: &RoaringTreemap,
    ) -> Result<(), QueryError> {
        let n = self.keys.len();
        let width: usize = n
            + 1
            + self
                .measures
                .iter()
                .map(|m| 1 + usize::from(m.2))
                .sum::<usize>();
        if row.len() != width {
            return Err(QueryError::Shape {
                measures: self.label.clone(),
                got: row.len(),
                expected: width,
            });
        }
        let pid = match &row[n] {
            SqlValue::Int(p) if *p >= 0 => u64::try_from(*p).unwrap_or_default(),
            other => return Err(self.unexpected(n, other)),
        };
        if excluded.contains(pid) {
            return Ok(());
        }
        let mut key = Vec::with_capacity(n);
        for (i, value) in row[..n].iter().enumerate() {
            let text = match value {
                SqlValue::Text(s) => s.clone(),
                SqlValue::Int(v) if self.site[i] => v.to_string(),
                SqlValue::Null if self.site[i] => SITE_UNKNOWN.to_owned(),
                other => return Err(self.unexpected(i, other)),
            };
            if self.site[i] {
                self.observed[i].insert(text.clone());
            }
            key.push(text);
        }
        // Per measure: (count, value) of this person in this cell.
        let mut col = n + 1;
        let mut contributions = Vec::with_capacity(self.measures.len());
        for &(_, aggregate, has_value) in &self.measures {
            let count = match &row[col] {
                SqlValue::Int(c) if *c >= 0 => u64::try_from(*c).unwrap_or_default(),
                other => return Err(self.unexpected(col, other)),
            };
            col += 1;
            let mut value = Contribution::None;
            if has_value {
                value = match (&row[col], aggregate) {
                    (SqlValue::Null, _) => Contribution::None,
                    (SqlValue::Float(f), _) => Contribution::Number(*f),
                    #[allow(clippy::cast_precision_loss)]
                    (SqlValue::Int(i), _) => Contribution::Number(*i as f64),
                    (SqlValue::Text(s), Aggregate::Max) => match parse_date(s) {
                        Some(d) => Contribution::Date(d),
                        None => return Err(self.unexpected(col, &row[col])),
                    },
                    (SqlValue::Date(d), Aggregate::Max) => Contribution::Date(*d),
                    (other, _) => return Err(self.unexpected(col, other)),
                };
                col += 1;
            }
            contributions.push((count, value));
        }
        // The cell itself and every margin combination of disjoint breakdowns.
        let margin_keys: Vec<usize> = (0..n).filter(|&i| self.summed_margin[i]).collect();
        for mask in 0..(1u32 << margin_keys.len()) {
            let mut cell_key = key.clone();
            for (bit, &i) in margin_keys.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    cell_key[i] = ALL.to_owned();
                }
            }
            for (m, (count, value)) in contributions.iter().enumerate() {
                if *count == 0 {
                    continue;
                }
                let acc = self.cells[m].entry(cell_key.clone()).or_default();
                acc.visits += count;
                acc.population.insert(pid);
                match value {
                    Contribution::None => {}
                    Contribution::Number(f) => match self.measures[m].1 {
                        Aggregate::Max => {
                            acc.max_number = Some(acc.max_number.map_or(*f, |x| x.max(*f)));
                        }
                        _ => *acc.contributions.entry(pid).or_insert(0.0) += f,
                    },
                    Contribution::Date(d) => {
                        acc.max_date = Some(acc.max_date.map_or(*d, |x| x.max(*d)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Turns the accumulated cells into raw cells, adding zero cells, margins' repeats and
    /// group restrictions.
    fn finish(
        mut self,
        model: &SpecModel,
        weeks: &[String],
        out: &mut [Vec<RawCell>],
    ) -> Result<(), QueryError> {
        // Values of each key for zero cells.
        let domains: Vec<Vec<String>> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let b = model.breakdowns.iter().find(|b| b.key() == k);
                let mut values: Vec<String> = match b {
                    Some(Breakdown::IsoWeek { .. }) => weeks.to_vec(),
                    Some(Breakdown::CareSite { .. }) => self.observed[i].iter().cloned().collect(),
                    Some(b) => crate::validate::enumerable_values(b)
                        .map(|v| v.into_iter().filter(|x| x != ALL).collect())
                        .unwrap_or_default(),
                    None => Vec::new(),
                };
                if b.is_some_and(Breakdown::margin) {
                    values.push(ALL.to_owned());
                }
                values
            })
            .collect();
        let restrictions = group_restrictions(model);

        for (m, &(index, aggregate, _)) in self.measures.iter().enumerate() {
            let measure = &model.measures[index];
            let mut cells = std::mem::take(&mut self.cells[m]);
            if matches!(
                aggregate,
                Aggregate::CountVisits | Aggregate::CountPersons | Aggregate::Sum
            ) {
                let total: usize = domains.iter().map(Vec::len).product();
                if total > MAX_CELLS {
                    return Err(QueryError::TooLarge);
                }
                for combination in product(&domains) {
                    cells.entry(combination).or_default();
                }
            }
            // Repeats: the same cell under every value of the repeated breakdowns.
            let mut repeat_keys = Vec::new();
            let mut repeat_domains = Vec::new();
            for key in &measure.repeat_over {
                if let Some(b) = model.breakdowns.iter().find(|b| b.key() == key) {
                    repeat_keys.push(key.clone());
                    repeat_domains.push(
                        crate::validate::enumerable_values(b)
                            .map(|v| v.into_iter().collect::<Vec<_>>())
                            .unwrap_or_default(),
                    );
                }
            }
            let repeats = product(&repeat_domains);
            if cells.len().saturating_mul(repeats.len()) > MAX_CELLS {
                return Err(QueryError::TooLarge);
            }
            let key_names = measure_keys(model, index);
            let mut raw = Vec::with_capacity(cells.len() * repeats.len());
            for (values, acc) in cells {
                let base: BTreeMap<String, String> =
                    key_names.iter().cloned().zip(values).collect();
                for repeat in &repeats {
                    let mut keys = base.clone();
                    keys.extend(repeat_keys.iter().cloned().zip(repeat.iter().cloned()));
                    if !restrictions.iter().all(|r| r.allows(&keys)) {
                        continue;
                    }
                    raw.push(raw_cell(keys, &measure.name, aggregate, &acc));
                }
            }
            raw.sort_by(|a, b| a.keys.cmp(&b.keys));
            out[index] = raw;
        }
        Ok(())
    }
}

enum Contribution {
    None,
    Number(f64),
    Date(Date),
}

fn raw_cell(
    keys: BTreeMap<String, String>,
    measure: &str,
    aggregate: Aggregate,
    acc: &Acc,
) -> RawCell {
    // Sums are added in person order, so the result does not depend on row order.
    let sum: f64 = acc.contributions.values().sum();
    let value = match aggregate {
        Aggregate::CountVisits => RawValue::Count(acc.visits),
        Aggregate::CountPersons => RawValue::Count(acc.population.len()),
        Aggregate::Sum => RawValue::Number(sum),
        #[allow(clippy::cast_precision_loss)]
        Aggregate::Mean => RawValue::Number(if acc.visits == 0 {
            0.0
        } else {
            sum / acc.visits as f64
        }),
        Aggregate::Max => match (acc.max_date, acc.max_number) {
            (Some(d), _) => RawValue::Date(d),
            (None, Some(f)) => RawValue::Number(f),
            (None, None) => RawValue::Number(0.0),
        },
    };
    let mut top_contributions = Vec::new();
    if matches!(aggregate, Aggregate::Sum | Aggregate::Mean) {
        top_contributions = acc.contributions.values().map(|v| v.abs()).collect();
        top_contributions.sort_by(|a, b| b.total_cmp(a));
        top_contributions.truncate(TOP_CONTRIBUTIONS);
    }
    RawCell {
        keys,
        measure: measure.to_owned(),
        aggregate,
        value,
        visits: acc.visits,
        population: acc.population.clone(),
        top_contributions,
    }
}

/// Every combination of one value per domain (one empty combination when there are no
/// domains).
fn product(domains: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for domain in domains {
        let mut next = Vec::with_capacity(out.len() * domain.len());
        for prefix in &out {
            for value in domain {
                let mut combination = prefix.clone();
                combination.push(value.clone());
                next.push(combination);
            }
        }
        out = next;
    }
    out
}

/// A syndrome group's `only_with`: cells of the group need these key values.
struct Restriction {
    key: String,
    group: String,
    allowed: Vec<(String, Vec<String>)>,
}

impl Restriction {
    fn allows(&self, keys: &BTreeMap<String, String>) -> bool {
        if keys.get(&self.key) != Some(&self.group) {
            return true;
        }
        self.allowed
            .iter()
            .all(|(k, values)| keys.get(k).is_some_and(|v| values.contains(v)))
    }
}

fn group_restrictions(model: &SpecModel) -> Vec<Restriction> {
    let mut out = Vec::new();
    for breakdown in &model.breakdowns {
        if let Breakdown::Syndrome { key, groups, .. } = breakdown {
            for group in groups.iter().filter(|g| !g.only_with.is_empty()) {
                out.push(Restriction {
                    key: key.clone(),
                    group: group.name.clone(),
                    allowed: group
                        .only_with
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_of_domains() {
        let d = vec![
            vec!["a".to_owned(), "b".to_owned()],
            vec!["1".to_owned(), "2".to_owned(), "3".to_owned()],
        ];
        assert_eq!(product(&d).len(), 6);
        assert_eq!(product(&[]), vec![Vec::<String>::new()]);
    }

    #[test]
    fn sex_labels_are_distinct() {
        let labels: BTreeSet<&str> = SEX_VALUES
            .iter()
            .map(|(_, l)| *l)
            .chain([SEX_OTHER])
            .collect();
        assert_eq!(labels.len(), 3);
    }
}
