//! Errors of the disclosure-control gate.
//!
//! Every error is fail-closed: when the gate returns an error nothing is
//! released and nothing is written to the ledger.

/// Why the gate refused to process a table.
#[derive(Debug, thiserror::Error)]
pub enum SdcError {
    /// The policy is not usable (e.g. `k = 0`, rounding base 0, dominance
    /// share outside `(0, 1]`).
    #[error("invalid disclosure-control policy: {0}")]
    InvalidPolicy(String),

    /// The raw table is malformed (unknown dimension, duplicate cell,
    /// dangling reference, non-finite number, inconsistent population, …).
    #[error("invalid table: {0}")]
    InvalidTable(String),

    /// A declared margin does not hold: the total cell is not the sum of its
    /// member cells. The audit relies on declared margins being true, so the
    /// table is refused rather than audited against a wrong model.
    #[error(
        "margin `{total}` of dimension `{dimension}` does not add up for measure `{measure}` at {keys}"
    )]
    MarginMismatch {
        /// Dimension whose margin is violated.
        dimension: String,
        /// Total value of that margin (e.g. `all`).
        total: String,
        /// Measure concerned.
        measure: String,
        /// Keys of the total cell, as JSON.
        keys: String,
    },

    /// Secondary suppression ran out of cells to suppress while a suppressed
    /// value was still determined by the margins (only possible when the
    /// margins force a value structurally). Nothing is released.
    #[error(
        "cannot protect suppressed cell `{measure}` at {keys}: no publishable cell left to suppress"
    )]
    Unprotectable {
        /// Measure of the cell that stays determined.
        measure: String,
        /// Keys of that cell, as JSON.
        keys: String,
    },

    /// Exact arithmetic of the audit overflowed `i128` (tables far larger
    /// than any Hublot output). Fail-closed.
    #[error("arithmetic overflow in the disclosure audit")]
    AuditOverflow,

    /// The permit identifier is empty.
    #[error("a release needs a non-empty permit id")]
    MissingPermit,

    /// The SQLite ledger failed.
    #[error("differencing ledger: {0}")]
    Ledger(#[from] rusqlite::Error),

    /// A population bitmap in the ledger could not be (de)serialised.
    #[error("differencing ledger bitmap: {0}")]
    Bitmap(#[from] std::io::Error),
}

/// Result type of this crate.
pub type Result<T, E = SdcError> = std::result::Result<T, E>;
