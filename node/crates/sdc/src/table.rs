//! Raw tables: what a node computes before disclosure control. A raw table
//! never leaves the node (it holds exact counts and person-id bitmaps).

use std::collections::BTreeMap;

use roaring::RoaringTreemap;
use serde::{Deserialize, Serialize};

/// Keys of a cell: dimension name → value (e.g. `week` → `2025-W03`). A cell
/// may omit dimensions (e.g. quality measures have no `syndrome`).
pub type Keys = BTreeMap<String, String>;

/// Builds [`Keys`] from pairs.
///
/// ```
/// let k = hublot_sdc::keys([("week", "2025-W03"), ("age_band", "all")]);
/// assert_eq!(k["age_band"], "all");
/// ```
pub fn keys<I, K, V>(pairs: I) -> Keys
where
    I: IntoIterator<Item = (K, V)>,
    K: Into<String>,
    V: Into<String>,
{
    pairs
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

/// A margin of a dimension: the cell whose value is `total` equals the sum
/// of the cells whose values are `members`, all other keys being equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Margin {
    /// Value of the total (e.g. `all`).
    pub total: String,
    /// Values that add up to the total (e.g. `0-1`, `2-14`, `15-64`, `65+`).
    pub members: Vec<String>,
}

/// A dimension (key name) of a table, with its margin if it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Key name (e.g. `age_band`).
    pub name: String,
    /// Margin declaration, if the dimension has a total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<Margin>,
}

impl Dimension {
    /// A dimension without a margin (e.g. `week`, `syndrome`: syndromes
    /// overlap, so they have no additive total).
    pub fn new(name: impl Into<String>) -> Self {
        Dimension {
            name: name.into(),
            margin: None,
        }
    }

    /// A dimension whose `total` value is the sum of `members`.
    pub fn with_margin<I, S>(name: impl Into<String>, total: impl Into<String>, members: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Dimension {
            name: name.into(),
            margin: Some(Margin {
                total: total.into(),
                members: members.into_iter().map(Into::into).collect(),
            }),
        }
    }
}

/// Reference to another cell of the same table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CellRef {
    /// Keys of the referenced cell.
    pub keys: Keys,
    /// Measure of the referenced cell.
    pub measure: String,
}

impl CellRef {
    /// A reference to the cell `measure` at `keys`.
    pub fn new(keys: Keys, measure: impl Into<String>) -> Self {
        CellRef {
            keys,
            measure: measure.into(),
        }
    }
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CellKind {
    /// A count (of visits, persons, …) with, when known, the distinct person
    /// ids behind it. The population drives the differencing ledger and the
    /// threshold on persons; it is never serialised into outputs.
    Count {
        /// Exact count.
        value: u64,
        /// Distinct person ids behind the cell.
        population: Option<RoaringTreemap>,
    },
    /// `numerator / denominator × scale` (scale 100 for a percentage);
    /// published only when both counts are published after all suppression.
    Ratio {
        /// Count cell of the numerator.
        numerator: CellRef,
        /// Count cell of the denominator.
        denominator: CellRef,
        /// Multiplier (1 for a proportion, 100 for a percentage).
        scale: f64,
    },
    /// A sum of non-negative contributions (e.g. length of stay), subject to
    /// the dominance rule and to its count passing.
    Sum {
        /// Exact total.
        total: f64,
        /// Either all contributions or at least the `n` largest ones (any
        /// order). With fewer than `n`, the cell is treated as dominated.
        contributions: Vec<f64>,
        /// Count of contributors (a count cell of the same table).
        count: CellRef,
    },
    /// A mean (`total / count`), with the same rules as [`CellKind::Sum`].
    Mean {
        /// Exact total of the contributions.
        total: f64,
        /// Either all contributions or at least the `n` largest ones.
        contributions: Vec<f64>,
        /// Count the mean divides by (a count cell of the same table).
        count: CellRef,
    },
}

impl CellKind {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            CellKind::Count { .. } => "count",
            CellKind::Ratio { .. } => "ratio",
            CellKind::Sum { .. } => "sum",
            CellKind::Mean { .. } => "mean",
        }
    }

    /// Whether the measure adds up along margins (counts, sums, and means
    /// through their totals).
    pub(crate) fn is_additive(&self) -> bool {
        !matches!(self, CellKind::Ratio { .. })
    }
}

/// One cell of a raw table.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCell {
    /// Keys (dimension → value).
    pub keys: Keys,
    /// Measure name (e.g. `er_visits`).
    pub measure: String,
    /// Content.
    pub kind: CellKind,
}

impl RawCell {
    /// A count without a population (no differencing protection).
    pub fn count(keys: Keys, measure: impl Into<String>, value: u64) -> Self {
        RawCell {
            keys,
            measure: measure.into(),
            kind: CellKind::Count {
                value,
                population: None,
            },
        }
    }

    /// A count with the distinct person ids behind it.
    pub fn count_with_population(
        keys: Keys,
        measure: impl Into<String>,
        value: u64,
        population: RoaringTreemap,
    ) -> Self {
        RawCell {
            keys,
            measure: measure.into(),
            kind: CellKind::Count {
                value,
                population: Some(population),
            },
        }
    }

    /// A ratio of two count cells of the same table.
    pub fn ratio(
        keys: Keys,
        measure: impl Into<String>,
        numerator: CellRef,
        denominator: CellRef,
        scale: f64,
    ) -> Self {
        RawCell {
            keys,
            measure: measure.into(),
            kind: CellKind::Ratio {
                numerator,
                denominator,
                scale,
            },
        }
    }

    /// Reference to this cell.
    pub fn cell_ref(&self) -> CellRef {
        CellRef::new(self.keys.clone(), self.measure.clone())
    }
}

/// A table computed at the node, before disclosure control.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawTable {
    /// Dimensions, with their margins.
    pub dimensions: Vec<Dimension>,
    /// Cells (any order; the gate's choices do not depend on it).
    pub cells: Vec<RawCell>,
}

impl RawTable {
    /// An empty table over `dimensions`.
    pub fn new(dimensions: Vec<Dimension>) -> Self {
        RawTable {
            dimensions,
            cells: Vec::new(),
        }
    }

    /// Appends a cell.
    pub fn push(&mut self, cell: RawCell) -> &mut Self {
        self.cells.push(cell);
        self
    }
}

/// Keys as compact JSON, for error messages.
pub(crate) fn keys_json(keys: &Keys) -> String {
    serde_json::to_string(keys).unwrap_or_default()
}
