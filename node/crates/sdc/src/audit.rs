//! Exact audit of a suppression pattern against the margin relations.
//!
//! Each margin relation `total = Σ members` is a row of a linear system whose
//! unknowns are the suppressed cells (published cells move to the right-hand
//! side). A suppressed cell is *disclosed* when its value is uniquely
//! determined by the system, i.e. when its unit vector lies in the row space
//! of the constraint matrix restricted to the unknowns. The matrix is reduced
//! to reduced row echelon form with exact integer arithmetic (fraction-free
//! elimination, rows divided by their gcd, overflow checked): a unit vector
//! `e_u` lies in the row space iff column `u` is a pivot column whose row has
//! no other non-zero entry. The system is split into connected components of
//! unknowns first, so the matrices stay small.

use std::collections::{BTreeMap, HashMap};

use crate::error::{Result, SdcError};
use crate::output::ReleasedCell;
use crate::table::{CellRef, Dimension, Keys, RawTable, keys_json};

/// A margin relation between cells (indices into a cell list):
/// `total = Σ members`. Member cells absent from the table are known (zero)
/// and do not appear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relation {
    /// Index of the dimension whose margin this is.
    pub dimension: usize,
    /// Total cell.
    pub total: usize,
    /// Member cells present in the table.
    pub members: Vec<usize>,
}

impl Relation {
    pub(crate) fn cells(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.total).chain(self.members.iter().copied())
    }
}

/// Builds every margin relation among the cells for which `include` holds.
/// Relations never mix measures. `cells` gives (keys, measure) per index;
/// (keys, measure) pairs must be unique among included cells.
pub(crate) fn build_relations(
    dimensions: &[Dimension],
    cells: &[(&Keys, &str)],
    include: impl Fn(usize) -> bool,
) -> Result<Vec<Relation>> {
    let mut index: HashMap<(&str, &Keys), usize> = HashMap::new();
    for (i, (keys, measure)) in cells.iter().enumerate() {
        if include(i) && index.insert((*measure, *keys), i).is_some() {
            return Err(SdcError::InvalidTable(format!(
                "duplicate cell `{measure}` at {}",
                keys_json(keys)
            )));
        }
    }
    let mut relations = Vec::new();
    for (d, dim) in dimensions.iter().enumerate() {
        let Some(margin) = &dim.margin else { continue };
        for (i, (keys, measure)) in cells.iter().enumerate() {
            if !include(i) || keys.get(&dim.name) != Some(&margin.total) {
                continue;
            }
            let mut member_keys = (*keys).clone();
            let mut members = Vec::new();
            for m in &margin.members {
                member_keys.insert(dim.name.clone(), m.clone());
                if let Some(&j) = index.get(&(*measure, &member_keys)) {
                    members.push(j);
                }
            }
            relations.push(Relation {
                dimension: d,
                total: i,
                members,
            });
        }
    }
    Ok(relations)
}

/// Cells (indices, ascending) whose values are determined by the relations
/// although `unknown[i]` says they are suppressed.
pub(crate) fn disclosed(relations: &[Relation], unknown: &[bool]) -> Result<Vec<usize>> {
    let n = unknown.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for rel in relations {
        let mut first = None;
        for c in rel.cells().filter(|&c| unknown[c]) {
            match first {
                None => first = Some(c),
                Some(f) => {
                    let (a, b) = (find(&mut parent, f), find(&mut parent, c));
                    if a != b {
                        parent[b] = a;
                    }
                }
            }
        }
    }
    // Component root → relation indices touching it.
    let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (r, rel) in relations.iter().enumerate() {
        if let Some(c) = rel.cells().find(|&c| unknown[c]) {
            let root = find(&mut parent, c);
            components.entry(root).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for rows in components.values() {
        let mut columns: BTreeMap<usize, usize> = BTreeMap::new();
        for &r in rows {
            for c in relations[r].cells().filter(|&c| unknown[c]) {
                let next = columns.len();
                columns.entry(c).or_insert(next);
            }
        }
        let mut matrix: Vec<Vec<i128>> = rows
            .iter()
            .map(|&r| {
                let rel = &relations[r];
                let mut row = vec![0i128; columns.len()];
                if unknown[rel.total] {
                    row[columns[&rel.total]] += 1;
                }
                for &m in &rel.members {
                    if unknown[m] {
                        row[columns[&m]] -= 1;
                    }
                }
                row
            })
            .collect();
        let by_column: BTreeMap<usize, usize> = columns.iter().map(|(&c, &j)| (j, c)).collect();
        for j in determined_columns(&mut matrix, columns.len())? {
            out.push(by_column[&j]);
        }
    }
    out.sort_unstable();
    Ok(out)
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn normalise(row: &mut [i128]) {
    let g = row.iter().fold(0, |g, &x| gcd(g, x));
    if g > 1 {
        for x in row.iter_mut() {
            *x /= g;
        }
    }
}

/// Entries above this magnitude trigger a gcd normalisation of their row.
const NORMALISE_ABOVE: i128 = 1 << 60;

/// Reduces `matrix` to reduced row echelon form (up to row scaling) and
/// returns the columns whose unit vector is in its row space.
///
/// Rows are homogeneous, so any row may be scaled: pivots are made
/// positive, and a pivot of 1 (the usual case for margin relations) only
/// touches the columns where the pivot row is non-zero.
fn determined_columns(matrix: &mut [Vec<i128>], ncols: usize) -> Result<Vec<usize>> {
    let nrows = matrix.len();
    let mut pivots = Vec::new();
    let mut next = 0;
    for col in 0..ncols {
        if next == nrows {
            break;
        }
        let Some(p) = (next..nrows).find(|&r| matrix[r][col] != 0) else {
            continue;
        };
        matrix.swap(next, p);
        if matrix[next][col] < 0 {
            for x in matrix[next].iter_mut() {
                *x = -*x;
            }
        }
        let pivot = matrix[next].clone();
        let a = pivot[col];
        let support: Vec<usize> = (0..ncols).filter(|&j| pivot[j] != 0).collect();
        for (r, row) in matrix.iter_mut().enumerate() {
            if r == next || row[col] == 0 {
                continue;
            }
            let b = row[col];
            let mut big = false;
            if a == 1 {
                for &j in &support {
                    let t = pivot[j].checked_mul(b).ok_or(SdcError::AuditOverflow)?;
                    row[j] = row[j].checked_sub(t).ok_or(SdcError::AuditOverflow)?;
                    big |= row[j].abs() > NORMALISE_ABOVE;
                }
            } else {
                for (x, &y) in row.iter_mut().zip(&pivot) {
                    let lhs = x.checked_mul(a).ok_or(SdcError::AuditOverflow)?;
                    let rhs = y.checked_mul(b).ok_or(SdcError::AuditOverflow)?;
                    *x = lhs.checked_sub(rhs).ok_or(SdcError::AuditOverflow)?;
                }
                big = true;
            }
            if big {
                normalise(row);
            }
        }
        pivots.push((next, col));
        next += 1;
    }
    Ok(pivots
        .into_iter()
        .filter(|&(r, _)| matrix[r].iter().filter(|&&x| x != 0).count() == 1)
        .map(|(_, c)| c)
        .collect())
}

/// One cell as seen by [`audit`]: where it is and whether it is suppressed.
#[derive(Debug, Clone, Copy)]
pub struct AuditCell<'a> {
    /// Keys of the cell.
    pub keys: &'a Keys,
    /// Measure of the cell.
    pub measure: &'a str,
    /// Whether its value is hidden.
    pub suppressed: bool,
}

/// What [`audit`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditReport {
    /// Suppressed cells whose value can be recomputed exactly from the
    /// published cells and the margins.
    pub disclosed: Vec<CellRef>,
    /// Number of suppressed cells taking part in at least one relation.
    pub unknowns: usize,
    /// Number of margin relations involving at least one suppressed cell.
    pub relations: usize,
}

impl AuditReport {
    /// No suppressed value is recomputable.
    pub fn passed(&self) -> bool {
        self.disclosed.is_empty()
    }
}

/// Audits a suppression pattern: every given cell is taken as additive along
/// the declared margins (pass only count, sum and mean measures, not ratios),
/// relations are built per measure, and each suppressed cell is checked for
/// exact recomputability. Member cells missing from `cells` count as known.
///
/// ```
/// use hublot_sdc::{AuditCell, Dimension, audit, keys};
/// let dims = [Dimension::with_margin("age_band", "all", ["young", "old"])];
/// let (all, young, old) = (
///     keys([("age_band", "all")]),
///     keys([("age_band", "young")]),
///     keys([("age_band", "old")]),
/// );
/// let cell = |k, s| AuditCell { keys: k, measure: "n", suppressed: s };
/// // Hiding one member only: it is the total minus the other member.
/// let report = audit(&dims, &[cell(&all, false), cell(&young, true), cell(&old, false)]).unwrap();
/// assert_eq!(report.disclosed.len(), 1);
/// // Hiding both members: neither can be recomputed.
/// let report = audit(&dims, &[cell(&all, false), cell(&young, true), cell(&old, true)]).unwrap();
/// assert!(report.passed());
/// ```
pub fn audit(dimensions: &[Dimension], cells: &[AuditCell<'_>]) -> Result<AuditReport> {
    let pairs: Vec<(&Keys, &str)> = cells.iter().map(|c| (c.keys, c.measure)).collect();
    let relations = build_relations(dimensions, &pairs, |_| true)?;
    let unknown: Vec<bool> = cells.iter().map(|c| c.suppressed).collect();
    report(&relations, &unknown, |i| {
        CellRef::new(cells[i].keys.clone(), cells[i].measure)
    })
}

pub(crate) fn report(
    relations: &[Relation],
    unknown: &[bool],
    cell_ref: impl Fn(usize) -> CellRef,
) -> Result<AuditReport> {
    let involved: Vec<&Relation> = relations
        .iter()
        .filter(|r| r.cells().any(|c| unknown[c]))
        .collect();
    let mut in_relation = vec![false; unknown.len()];
    for r in &involved {
        for c in r.cells().filter(|&c| unknown[c]) {
            in_relation[c] = true;
        }
    }
    Ok(AuditReport {
        disclosed: disclosed(relations, unknown)?
            .into_iter()
            .map(cell_ref)
            .collect(),
        unknowns: in_relation.iter().filter(|&&x| x).count(),
        relations: involved.len(),
    })
}

/// Audits released cells against the raw table they came from: the additive
/// measures (counts, sums, means) are taken from the raw table's kinds, and a
/// released cell is unknown when its value is `null`.
pub fn audit_release(raw: &RawTable, released: &[ReleasedCell]) -> Result<AuditReport> {
    let additive: HashMap<&str, bool> = raw
        .cells
        .iter()
        .map(|c| (c.measure.as_str(), c.kind.is_additive()))
        .collect();
    let cells: Vec<AuditCell<'_>> = released
        .iter()
        .filter(|c| additive.get(c.measure.as_str()).copied().unwrap_or(false))
        .map(|c| AuditCell {
            keys: &c.keys,
            measure: &c.measure,
            suppressed: c.value.is_none(),
        })
        .collect();
    audit(&raw.dimensions, &cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(total: usize, members: &[usize]) -> Relation {
        Relation {
            dimension: 0,
            total,
            members: members.to_vec(),
        }
    }

    /// 2 × 2 table with margins, cells laid out as
    /// ```text
    /// 0 1 | 2
    /// 3 4 | 5
    /// ----+--
    /// 6 7 | 8
    /// ```
    fn two_by_two() -> Vec<Relation> {
        vec![
            rel(2, &[0, 1]),
            rel(5, &[3, 4]),
            rel(8, &[6, 7]),
            rel(6, &[0, 3]),
            rel(7, &[1, 4]),
            rel(8, &[2, 5]),
        ]
    }

    fn unknown(n: usize, cells: &[usize]) -> Vec<bool> {
        let mut u = vec![false; n];
        for &c in cells {
            u[c] = true;
        }
        u
    }

    #[test]
    fn single_suppressed_interior_cell_is_disclosed() {
        assert_eq!(disclosed(&two_by_two(), &unknown(9, &[0])).unwrap(), [0]);
    }

    #[test]
    fn row_pair_is_disclosed_by_columns() {
        // 0 and 1 hidden in one row: each column still has a single unknown.
        assert_eq!(
            disclosed(&two_by_two(), &unknown(9, &[0, 1])).unwrap(),
            [0, 1]
        );
    }

    #[test]
    fn rectangle_is_safe() {
        assert!(
            disclosed(&two_by_two(), &unknown(9, &[0, 1, 3, 4]))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn combination_of_rows_discloses() {
        // Relations 0 = 1 + 2 and 1 = 0 + 3 with unknowns 0 and 1: rows
        // (1, -1) and (-1, 1) are dependent, so neither is determined.
        let rels = vec![rel(0, &[1, 2]), rel(1, &[0, 3])];
        assert!(disclosed(&rels, &unknown(4, &[0, 1])).unwrap().is_empty());
        // Unknowns 0, 1, 2 with relations 0 = 1 + 2, 1 = 2 + 3: rows
        // (1,-1,-1), (0,1,-1); the null space is spanned by (2,1,1), so
        // nothing is determined.
        let rels = vec![rel(0, &[1, 2]), rel(1, &[2, 3])];
        assert!(
            disclosed(&rels, &unknown(5, &[0, 1, 2]))
                .unwrap()
                .is_empty()
        );
        // Relations 0 = 1 + 2, 1 = 2 + 3, 0 = 1 + 4 (4 known): rows
        // (1,-1,-1), (0,1,-1), (1,-1,0): subtracting gives cell 2 alone,
        // then 1 from row 2, then 0: all determined, though no relation has
        // a single unknown.
        let rels = vec![rel(0, &[1, 2]), rel(1, &[2, 3]), rel(0, &[1, 4])];
        assert_eq!(
            disclosed(&rels, &unknown(5, &[0, 1, 2])).unwrap(),
            [0, 1, 2]
        );
    }

    #[test]
    fn three_way_table_needs_more_than_a_rectangle() {
        // 2 × 2 × 2 interior cells c(i,j,l) = 4i + 2j + l, no totals stored
        // as unknowns: relations over lines are expressed with known totals
        // 8.. (indices above 7 are published totals).
        let mut rels = Vec::new();
        let mut next = 8;
        for a in 0..2 {
            for b in 0..2 {
                rels.push(rel(next, &[4 * a + 2 * b, 4 * a + 2 * b + 1]));
                next += 1;
                rels.push(rel(next, &[4 * a + b, 4 * a + b + 2]));
                next += 1;
                rels.push(rel(next, &[2 * a + b, 2 * a + b + 4]));
                next += 1;
            }
        }
        // A rectangle in one slice is recomputable through the third axis.
        let u = unknown(next, &[0, 1, 2, 3]);
        assert_eq!(disclosed(&rels, &u).unwrap(), [0, 1, 2, 3]);
        // The whole cube hidden: the parity pattern stays free.
        let u = unknown(next, &[0, 1, 2, 3, 4, 5, 6, 7]);
        assert!(disclosed(&rels, &u).unwrap().is_empty());
    }
}
