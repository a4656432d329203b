//! Statistical disclosure control: the one gate every table leaving a Hublot
//! node passes, whatever produced it (aggregate spec or WASM script).
//!
//! A [`RawTable`] is computed at the node and never leaves it: dimensions
//! (with optional margins such as `age_band = all` over `0-1`, `2-14`,
//! `15-64`, `65+`) and cells holding exact counts with the person ids behind
//! them, ratios of counts, sums and means. The [`Gate`] turns it into
//! [`ReleasedCell`]s in the result-table form of interfaces.md, each with a
//! [`Status`], and records what it released in a per-permit differencing
//! [`Ledger`] (SQLite, node-side only).
//!
//! ```
//! use hublot_sdc::{Dimension, Gate, Ledger, Policy, RawCell, RawTable, Status, keys};
//!
//! let bands = ["0-1", "2-14", "15-64", "65+"];
//! let mut raw = RawTable::new(vec![
//!     Dimension::new("week"),
//!     Dimension::with_margin("age_band", "all", bands),
//! ]);
//! for (band, n) in [("0-1", 4), ("2-14", 25), ("15-64", 40), ("65+", 31), ("all", 100)] {
//!     raw.push(RawCell::count(keys([("week", "2025-W03"), ("age_band", band)]), "er_visits", n));
//! }
//! let mut gate = Gate::new(Ledger::in_memory().unwrap(), Policy::new("fr-2025.1")).unwrap();
//! let released = gate.release("permit-42", &raw).unwrap();
//! let status: Vec<Status> = released.cells.iter().map(|c| c.status).collect();
//! assert_eq!(status, [
//!     Status::SuppressedPrimary,   // 4 < 11
//!     Status::SuppressedSecondary, // smallest other band, else 4 = 100 - 25 - 40 - 31
//!     Status::Published,
//!     Status::Published,
//!     Status::Published,
//! ]);
//! ```
//!
//! # Algorithm
//!
//! Cells are processed in a canonical order (measure, then keys), so the
//! outcome does not depend on the order of the input.
//!
//! 1. **Validation** (fail-closed, nothing released on error): declared
//!    dimensions only, one cell per (measure, keys), one kind per measure,
//!    references resolve to count cells, finite non-negative sums, a
//!    population has no more persons than the count and is empty exactly
//!    when the count is zero, and every declared margin holds exactly on
//!    the data (`total = Σ members`; absent member cells count as zero) —
//!    the audit relies on the margins being true.
//! 2. **Primary suppression** (`suppressed_primary`): counts in `1..k-1`,
//!    or whose population has `1..k-1` persons; zero only if
//!    `suppress_zero`. Sums and means whose `n` largest contributions
//!    exceed `p` of the total (default 2 and 90 %; with fewer than `n`
//!    contributions given the cell counts as dominated), and means over a
//!    zero count.
//! 3. **Differencing against the ledger** (`suppressed_differencing`): for
//!    each remaining count cell with a population, the ledger of the permit
//!    is searched for released populations whose size is within `k-1` of
//!    it (index on `(permit, cardinality)`), and the symmetric difference is
//!    computed exactly on the roaring bitmaps. A distance in `1..k-1`
//!    suppresses the cell. A population identical to one already released
//!    is exempt (re-releasing it creates no new pair of populations): this
//!    is what keeps an unchanged revised week published. A population
//!    identical to one an earlier release *withheld* (and none released)
//!    stays hidden, also as `suppressed_differencing`: otherwise a cell
//!    hidden as a secondary partner in one release, published unchanged in
//!    the next, would give back the value it protected.
//! 4. **Fixpoint**, repeated until a whole pass changes nothing:
//!    - *derived figures* take the strongest suppression of the counts they
//!      depend on: a ratio is published only when both counts are, a sum or
//!      mean only when its count is;
//!    - *linked cells* are hidden together: a sum and a mean of the same
//!      total over the same count, and copies (count cells with the same
//!      value over the same persons), since one gives the other away;
//!    - *secondary suppression* (`suppressed_secondary`, if enabled): the
//!      margin relations of every additive measure (counts, sums, means
//!      through their totals) form a linear system whose unknowns are the
//!      hidden cells — across all margins at once, so 2-D and 3-D tables
//!      with totals on several dimensions are covered. Candidates to hide
//!      are ranked by cost: non-zero before zero, smallest value, inner
//!      cells before totals, canonical order. Each round:
//!      - a relation with a single hidden cell discloses it (total minus
//!        the rest) without any elimination; while such relations exist,
//!        they are taken in order of their cheapest published cell, and
//!        each one still left with a single hidden cell gets that cell
//!        hidden;
//!      - otherwise the exact audit ([`audit`]) runs and lists the hidden
//!        cells whose value is still uniquely determined through a
//!        combination of relations; each (in canonical order, skipping those
//!        whose relations already got a new hidden cell in the round) gets
//!        the cheapest published cell of its relation with the fewest
//!        hidden cells hidden, or failing that of any relation connected to
//!        it. When the audit lists nothing, secondary suppression is done.
//!    - *differencing within the release* (if enabled, default): count
//!      cells about to be published whose populations differ pairwise by
//!      `1..k-1` persons form a conflict graph; the cell in most conflicts
//!      (then the one with fewer persons) is hidden until no conflict is
//!      left, so the result does not depend on whether two cells come in
//!      one table or two.
//!
//!    Suppression only grows, so the loop terminates.
//! 5. **Rounding** (optional): published counts are rounded to the nearest
//!    multiple of the base (halves up), all with status `rounded` (an exact
//!    multiple too, so the status does not tell which values were exact);
//!    ratios are then computed from the rounded counts, also `rounded`. Sums
//!    and means are not rounded.
//! 6. **Recording**: in the same SQLite transaction (begun `IMMEDIATE`, so
//!    two releases of one permit cannot interleave) the release row, the
//!    populations of the released count cells that are new to the ledger,
//!    and (flagged as withheld) those of the hidden count cells are stored.
//!    An error anywhere rolls everything back.
//!
//! # Audit
//!
//! [`audit`] and [`audit_release`] rebuild the margin relations from a
//! released table (hidden = `null`) and check exactly, by fraction-free
//! Gaussian elimination over the integers, whether any hidden cell's unit
//! vector lies in the row space of the constraint matrix restricted to the
//! hidden cells. The hub can run the same check on merged tables.
//!
//! # Limits
//!
//! - The audit covers exact recomputation from linear margin relations, as
//!   the rule asks; it does not compute feasibility intervals under
//!   non-negativity (e.g. a hidden cell bounded by a small published
//!   total).
//! - Secondary suppression is a deterministic greedy heuristic, not an
//!   optimal cell-suppression solver: it always ends with a passing audit
//!   but may hide more than strictly needed, mostly in tables with three or
//!   more dimensions and many small cells.
//! - Differencing compares populations pairwise, not unions or differences
//!   of several released populations. Cells without a population get the
//!   thresholds but no differencing protection.
//! - Within a release, nested measures (e.g. hospitalisations among ER
//!   visits) whose populations differ by fewer than `k` persons lose one of
//!   the two cells; `differencing_within_release: false` turns this off
//!   (cross-release differencing still applies).
//! - Rounding applies to counts and ratios only; publishing both a sum and
//!   a mean over the same count reveals the exact count (`sum / mean`).
//! - A hidden cell whose value is fixed by the structure alone (e.g. a
//!   hidden zero total whose members are all absent from the table) cannot
//!   be protected: the release fails with [`SdcError::Unprotectable`].

mod audit;
mod engine;
mod error;
mod ledger;
mod output;
mod policy;
mod table;

pub use audit::{AuditCell, AuditReport, audit, audit_release};
pub use error::{Result, SdcError};
pub use ledger::{Gate, Ledger, protect};
pub use output::{CellValue, Released, ReleasedCell, ResultTable, Source, Status};
pub use policy::{DEFAULT_K, Dominance, Policy, PublishedPolicy};
pub use roaring::RoaringTreemap;
pub use table::{CellKind, CellRef, Dimension, Keys, Margin, RawCell, RawTable, keys};

#[cfg(test)]
mod tests;
