//! What leaves the gate: cells in the result-table form of interfaces.md.

use serde::{Deserialize, Serialize};

use crate::policy::PublishedPolicy;
use crate::table::Keys;

/// Outcome of disclosure control for one cell (disclosure-control.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Exact value published.
    Published,
    /// Failed the threshold (or dominance, or its counts did).
    SuppressedPrimary,
    /// Hidden so that no suppressed value can be recomputed from margins.
    SuppressedSecondary,
    /// Population within 1..k-1 persons of an already released one.
    SuppressedDifferencing,
    /// Published after rounding (counts, and ratios of rounded counts).
    Rounded,
}

impl Status {
    /// Whether the value is hidden (`"value": null`).
    pub fn is_suppressed(self) -> bool {
        !matches!(self, Status::Published | Status::Rounded)
    }

    /// The wire name (`published`, `suppressed_primary`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::SuppressedPrimary => "suppressed_primary",
            Status::SuppressedSecondary => "suppressed_secondary",
            Status::SuppressedDifferencing => "suppressed_differencing",
            Status::Rounded => "rounded",
        }
    }
}

/// A published number: counts stay integers in JSON (`42`), derived figures
/// are reals (`37.5`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CellValue {
    /// A count.
    Integer(u64),
    /// A ratio, sum or mean.
    Real(f64),
}

impl CellValue {
    /// The value as `f64`.
    pub fn as_f64(self) -> f64 {
        match self {
            CellValue::Integer(v) => v as f64,
            CellValue::Real(v) => v,
        }
    }
}

/// One released cell:
/// `{ "keys": {...}, "measure": "...", "value": number|null, "status": "..." }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleasedCell {
    /// Keys, as in the raw table.
    pub keys: Keys,
    /// Measure name.
    pub measure: String,
    /// Value, `None` (`null`) when suppressed.
    pub value: Option<CellValue>,
    /// Disclosure-control outcome.
    pub status: Status,
}

/// Origin of a result table: the aggregate spec or the WASM script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `"spec_hash": "sha256:…"`.
    SpecHash(String),
    /// `"script_hash": "sha256:…"`.
    ScriptHash(String),
}

/// A result table as returned by jobs, studies and `indicators run --format
/// json` (interfaces.md, "Result tables").
///
/// ```
/// use hublot_sdc::{PublishedPolicy, ResultTable, Source};
/// let table = ResultTable {
///     source: Source::SpecHash("sha256:00".into()),
///     policy: PublishedPolicy { k: 11, rounding: None, version: "v1".into() },
///     cells: vec![],
/// };
/// assert_eq!(
///     serde_json::to_string(&table).unwrap(),
///     r#"{"spec_hash":"sha256:00","policy":{"k":11,"rounding":null,"version":"v1"},"cells":[]}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultTable {
    /// `spec_hash` or `script_hash`.
    #[serde(flatten)]
    pub source: Source,
    /// Policy applied.
    pub policy: PublishedPolicy,
    /// Released cells.
    pub cells: Vec<ReleasedCell>,
}

/// Result of [`crate::Gate::release`] or [`crate::protect`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Released {
    /// Ledger row of the release (`None` for [`crate::protect`], which does
    /// not record anything).
    pub release_id: Option<i64>,
    /// Policy applied, in result-table form.
    pub policy: PublishedPolicy,
    /// Cells, in the order of the raw table.
    pub cells: Vec<ReleasedCell>,
}

impl Released {
    /// Wraps the cells into a result table.
    pub fn into_result_table(self, source: Source) -> ResultTable {
        ResultTable {
            source,
            policy: self.policy,
            cells: self.cells,
        }
    }
}
