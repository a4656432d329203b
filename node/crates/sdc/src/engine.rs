//! The suppression engine: primary, differencing, secondary, rounding.
//! See the crate documentation for the algorithm.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use roaring::RoaringTreemap;

use crate::audit::{self, Relation};
use crate::error::{Result, SdcError};
use crate::output::{CellValue, ReleasedCell, Status};
use crate::policy::{Dominance, Policy};
use crate::table::{CellKind, CellRef, Keys, RawTable, keys_json};

/// How a population relates to the ledger of the permit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LedgerMatch {
    /// No released population within k-1 persons.
    Clear,
    /// Exactly this population was already released: re-releasing it adds
    /// no new pair of populations.
    Identical,
    /// A released population differs by 1..k-1 persons.
    Near,
    /// Exactly this population was withheld by an earlier release (and
    /// never released): publishing it now would undo that release's
    /// suppression pattern.
    Withheld,
}

/// Why a cell is hidden; the order is the precedence of the shown status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reason {
    Secondary,
    Differencing,
    Primary,
}

impl Reason {
    fn status(self) -> Status {
        match self {
            Reason::Secondary => Status::SuppressedSecondary,
            Reason::Differencing => Status::SuppressedDifferencing,
            Reason::Primary => Status::SuppressedPrimary,
        }
    }
}

/// Result of a run: the released cells and which populations to record.
pub(crate) struct Outcome {
    pub cells: Vec<ReleasedCell>,
    /// Released count cells whose populations are new to the ledger (one
    /// per distinct population).
    pub record: Vec<usize>,
    /// Hidden count cells with a population (one per distinct population).
    pub withheld: Vec<usize>,
}

struct Engine<'a> {
    policy: &'a Policy,
    table: &'a RawTable,
    /// Canonical position of each cell (by measure, then keys).
    rank: Vec<usize>,
    /// Cells in canonical order.
    order: Vec<usize>,
    /// Count cells a derived cell depends on.
    refs: Vec<Vec<usize>>,
    relations: Vec<Relation>,
    /// Relations each cell takes part in.
    of_cell: Vec<Vec<usize>>,
    /// Whether a cell is the total of some margin.
    is_total: Vec<bool>,
    /// Pairs of cells that reveal each other, hidden together: a sum and a
    /// mean of the same total over the same count, and count cells with the
    /// same value and the same population (copies).
    linked: Vec<(usize, usize)>,
    reason: Vec<Option<Reason>>,
    /// Population already in the ledger (identical).
    in_ledger: Vec<bool>,
}

/// Runs the gate over `table`. `ledger` is asked, for every count cell that
/// passed the threshold and has a non-empty population, how that population
/// relates to what the permit already released.
pub(crate) fn run(
    policy: &Policy,
    table: &RawTable,
    ledger: &mut dyn FnMut(&RoaringTreemap) -> Result<LedgerMatch>,
) -> Result<Outcome> {
    policy.validate()?;
    let mut engine = Engine::prepare(policy, table)?;
    engine.primary();
    engine.ledger_differencing(ledger)?;
    loop {
        let mut changed = engine.propagate_derived();
        changed |= engine.sync_linked();
        if policy.secondary_suppression {
            changed |= engine.secondary()?;
        }
        if policy.differencing_within_release {
            changed |= engine.release_differencing();
        }
        if !changed {
            break;
        }
    }
    Ok(engine.finish())
}

fn invalid(msg: String) -> SdcError {
    SdcError::InvalidTable(msg)
}

fn population(kind: &CellKind) -> Option<&RoaringTreemap> {
    match kind {
        CellKind::Count {
            population: Some(p),
            ..
        } if !p.is_empty() => Some(p),
        _ => None,
    }
}

fn count_value(kind: &CellKind) -> u64 {
    match kind {
        CellKind::Count { value, .. } => *value,
        _ => 0,
    }
}

/// Value used to rank candidates for secondary suppression.
fn magnitude(kind: &CellKind) -> f64 {
    match kind {
        CellKind::Count { value, .. } => *value as f64,
        CellKind::Sum { total, .. } | CellKind::Mean { total, .. } => *total,
        CellKind::Ratio { .. } => 0.0,
    }
}

/// (n, p) dominance: the n largest contributions exceed p × total. With
/// fewer than n contributions given, the n largest are taken to be the whole
/// total (fewer contributors than n, or contributions missing).
pub(crate) fn dominated(total: f64, contributions: &[f64], rule: Dominance) -> bool {
    if total <= 0.0 {
        return false;
    }
    let top = if contributions.len() < rule.n {
        total
    } else {
        let mut sorted = contributions.to_vec();
        sorted.sort_by(|a, b| b.total_cmp(a));
        sorted[..rule.n].iter().sum()
    };
    top > rule.p * total
}

/// Rounds to the nearest multiple of `base`, halves upwards.
pub(crate) fn round_to(value: u64, base: u64) -> u64 {
    value.saturating_add(base / 2) / base * base
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

impl<'a> Engine<'a> {
    fn prepare(policy: &'a Policy, table: &'a RawTable) -> Result<Self> {
        let n = table.cells.len();
        // Dimensions.
        let mut dim_names = HashSet::new();
        for d in &table.dimensions {
            if d.name.is_empty() || !dim_names.insert(d.name.as_str()) {
                return Err(invalid(format!(
                    "dimension names must be non-empty and unique (`{}`)",
                    d.name
                )));
            }
            if let Some(m) = &d.margin {
                let members: HashSet<&str> = m.members.iter().map(String::as_str).collect();
                if m.members.is_empty()
                    || members.len() != m.members.len()
                    || members.contains(m.total.as_str())
                {
                    return Err(invalid(format!(
                        "margin of `{}` needs distinct members other than its total `{}`",
                        d.name, m.total
                    )));
                }
            }
        }
        // Cells: keys, uniqueness, one kind per measure.
        let mut index: HashMap<(&str, &Keys), usize> = HashMap::with_capacity(n);
        let mut kinds: HashMap<&str, &'static str> = HashMap::new();
        for (i, c) in table.cells.iter().enumerate() {
            if c.measure.is_empty() {
                return Err(invalid("empty measure name".into()));
            }
            if let Some(k) = c.keys.keys().find(|k| !dim_names.contains(k.as_str())) {
                return Err(invalid(format!(
                    "cell `{}` at {} uses undeclared dimension `{k}`",
                    c.measure,
                    keys_json(&c.keys)
                )));
            }
            if index.insert((c.measure.as_str(), &c.keys), i).is_some() {
                return Err(invalid(format!(
                    "duplicate cell `{}` at {}",
                    c.measure,
                    keys_json(&c.keys)
                )));
            }
            let kind = c.kind.name();
            if *kinds.entry(c.measure.as_str()).or_insert(kind) != kind {
                return Err(invalid(format!("measure `{}` mixes cell kinds", c.measure)));
            }
        }
        let resolve = |r: &CellRef, from: usize| -> Result<usize> {
            let here = &table.cells[from];
            match index.get(&(r.measure.as_str(), &r.keys)) {
                Some(&j) if matches!(table.cells[j].kind, CellKind::Count { .. }) => Ok(j),
                Some(_) => Err(invalid(format!(
                    "`{}` at {} refers to `{}` at {}, which is not a count",
                    here.measure,
                    keys_json(&here.keys),
                    r.measure,
                    keys_json(&r.keys)
                ))),
                None => Err(invalid(format!(
                    "`{}` at {} refers to missing cell `{}` at {}",
                    here.measure,
                    keys_json(&here.keys),
                    r.measure,
                    keys_json(&r.keys)
                ))),
            }
        };
        let mut refs = vec![Vec::new(); n];
        for (i, c) in table.cells.iter().enumerate() {
            let at = || format!("`{}` at {}", c.measure, keys_json(&c.keys));
            match &c.kind {
                CellKind::Count { value, population } => {
                    if let Some(p) = population
                        && ((*value == 0) != p.is_empty() || p.len() > *value)
                    {
                        return Err(invalid(format!(
                            "{}: count {value} is inconsistent with {} distinct persons",
                            at(),
                            p.len()
                        )));
                    }
                }
                CellKind::Ratio {
                    numerator,
                    denominator,
                    scale,
                } => {
                    if !scale.is_finite() {
                        return Err(invalid(format!("{}: scale is not finite", at())));
                    }
                    refs[i] = vec![resolve(numerator, i)?, resolve(denominator, i)?];
                }
                CellKind::Sum {
                    total,
                    contributions,
                    count,
                }
                | CellKind::Mean {
                    total,
                    contributions,
                    count,
                } => {
                    if !total.is_finite() || *total < 0.0 {
                        return Err(invalid(format!(
                            "{}: total must be finite and non-negative",
                            at()
                        )));
                    }
                    if contributions.iter().any(|x| !x.is_finite() || *x < 0.0) {
                        return Err(invalid(format!(
                            "{}: contributions must be finite and non-negative",
                            at()
                        )));
                    }
                    let given: f64 = contributions.iter().sum();
                    if given > *total && !close(given, *total) {
                        return Err(invalid(format!(
                            "{}: contributions add up to more than the total",
                            at()
                        )));
                    }
                    let j = resolve(count, i)?;
                    if count_value(&table.cells[j].kind) == 0 && *total != 0.0 {
                        return Err(invalid(format!(
                            "{}: non-zero total over a zero count",
                            at()
                        )));
                    }
                    refs[i] = vec![j];
                }
            }
        }
        // Canonical order.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&table.cells[a], &table.cells[b]);
            (&x.measure, &x.keys).cmp(&(&y.measure, &y.keys))
        });
        let mut rank = vec![0; n];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        // Margin relations of additive measures, checked against the data.
        let pairs: Vec<(&Keys, &str)> = table
            .cells
            .iter()
            .map(|c| (&c.keys, c.measure.as_str()))
            .collect();
        let relations = audit::build_relations(&table.dimensions, &pairs, |i| {
            table.cells[i].kind.is_additive()
        })?;
        let mut of_cell = vec![Vec::new(); n];
        for (r, rel) in relations.iter().enumerate() {
            for c in rel.cells() {
                of_cell[c].push(r);
            }
            let total = &table.cells[rel.total];
            let holds = match total.kind {
                CellKind::Count { value, .. } => {
                    let sum = rel.members.iter().try_fold(0u64, |s, &m| {
                        s.checked_add(count_value(&table.cells[m].kind))
                    });
                    sum == Some(value)
                }
                _ => {
                    let sum: f64 = rel
                        .members
                        .iter()
                        .map(|&m| magnitude(&table.cells[m].kind))
                        .sum();
                    close(sum, magnitude(&total.kind))
                }
            };
            if !holds {
                let dim = &table.dimensions[rel.dimension];
                return Err(SdcError::MarginMismatch {
                    dimension: dim.name.clone(),
                    total: dim
                        .margin
                        .as_ref()
                        .map(|m| m.total.clone())
                        .unwrap_or_default(),
                    measure: total.measure.clone(),
                    keys: keys_json(&total.keys),
                });
            }
        }
        let is_total = table
            .cells
            .iter()
            .map(|c| {
                table.dimensions.iter().any(|d| {
                    d.margin
                        .as_ref()
                        .is_some_and(|m| c.keys.get(&d.name) == Some(&m.total))
                })
            })
            .collect();
        // Sum/mean pairs over the same total and count.
        let mut sums: HashMap<(&Keys, usize, u64), usize> = HashMap::new();
        for (i, c) in table.cells.iter().enumerate() {
            if let CellKind::Sum { total, .. } = c.kind {
                sums.insert((&c.keys, refs[i][0], total.to_bits()), i);
            }
        }
        let mut linked = Vec::new();
        for (i, c) in table.cells.iter().enumerate() {
            if let CellKind::Mean { total, .. } = c.kind
                && let Some(&s) = sums.get(&(&c.keys, refs[i][0], total.to_bits()))
            {
                linked.push((s, i));
            }
        }
        // Copies: same count over the same persons.
        let mut by_value: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
        for &i in &order {
            if let Some(p) = population(&table.cells[i].kind) {
                let v = count_value(&table.cells[i].kind);
                let group = by_value.entry((v, p.len())).or_default();
                if let Some(&first) = group
                    .iter()
                    .find(|&&j| population(&table.cells[j].kind) == Some(p))
                {
                    linked.push((first, i));
                } else {
                    group.push(i);
                }
            }
        }
        Ok(Engine {
            policy,
            table,
            rank,
            order,
            refs,
            relations,
            of_cell,
            is_total,
            linked,
            reason: vec![None; n],
            in_ledger: vec![false; n],
        })
    }

    fn kind(&self, i: usize) -> &'a CellKind {
        &self.table.cells[i].kind
    }

    /// Rule 1: thresholds on counts and persons, dominance, undefined means.
    fn primary(&mut self) {
        let k = self.policy.k;
        for i in 0..self.reason.len() {
            let fails = match self.kind(i) {
                CellKind::Count { value, population } => {
                    (1..k).contains(value)
                        || (*value == 0 && self.policy.suppress_zero)
                        || population
                            .as_ref()
                            .is_some_and(|p| (1..k).contains(&p.len()))
                }
                CellKind::Sum {
                    total,
                    contributions,
                    ..
                } => dominated(*total, contributions, self.policy.dominance),
                CellKind::Mean {
                    total,
                    contributions,
                    ..
                } => {
                    count_value(self.kind(self.refs[i][0])) == 0
                        || dominated(*total, contributions, self.policy.dominance)
                }
                CellKind::Ratio { .. } => false,
            };
            if fails {
                self.reason[i] = Some(Reason::Primary);
            }
        }
    }

    /// Rule 3 against the ledger of earlier releases.
    fn ledger_differencing(
        &mut self,
        ledger: &mut dyn FnMut(&RoaringTreemap) -> Result<LedgerMatch>,
    ) -> Result<()> {
        for idx in 0..self.order.len() {
            let i = self.order[idx];
            if self.reason[i].is_some() {
                continue;
            }
            let Some(p) = population(self.kind(i)) else {
                continue;
            };
            match ledger(p)? {
                LedgerMatch::Clear => {}
                LedgerMatch::Identical => self.in_ledger[i] = true,
                LedgerMatch::Near | LedgerMatch::Withheld => {
                    self.reason[i] = Some(Reason::Differencing)
                }
            }
        }
        Ok(())
    }

    /// Hides `i` for `reason`; returns whether it was visible before. An
    /// already hidden cell keeps the strongest reason.
    fn hide(&mut self, i: usize, reason: Reason) -> bool {
        let was = self.reason[i];
        self.reason[i] = Some(was.map_or(reason, |w| w.max(reason)));
        was.is_none()
    }

    /// Derived figures follow their counts.
    fn propagate_derived(&mut self) -> bool {
        let mut changed = false;
        for i in 0..self.refs.len() {
            let worst = self.refs[i].iter().filter_map(|&j| self.reason[j]).max();
            if let Some(r) = worst {
                changed |= self.hide(i, r);
            }
        }
        changed
    }

    /// Cells that reveal each other are hidden together.
    fn sync_linked(&mut self) -> bool {
        let mut changed = false;
        for t in 0..self.linked.len() {
            let (a, b) = self.linked[t];
            if let Some(r) = self.reason[a].max(self.reason[b]) {
                changed |= self.hide(a, r);
                changed |= self.hide(b, r);
            }
        }
        changed
    }

    /// Rule 2: adds hidden cells until the exact audit finds no suppressed
    /// value recomputable from the published cells and the margins.
    ///
    /// A relation with a single hidden cell discloses it (total minus the
    /// rest) without any elimination: while such relations exist, they are
    /// taken in order of their cheapest published cell, and each one still
    /// left with a single hidden cell gets that cell hidden. When none is
    /// left, the exact audit runs; disclosed cells (through combinations of
    /// relations) get a partner hidden each ([`Engine::partner`]), in
    /// canonical order, skipping those whose relations already got one in
    /// the round. The loop ends when the audit passes.
    fn secondary(&mut self) -> Result<bool> {
        let mut changed = false;
        loop {
            let mut unknown: Vec<bool> = self.reason.iter().map(Option::is_some).collect();
            let hidden_in =
                |unknown: &[bool], r: &Relation| r.cells().filter(|&c| unknown[c]).count();
            let mut singles: Vec<(usize, usize)> = self
                .relations
                .iter()
                .enumerate()
                .filter(|(_, r)| hidden_in(&unknown, r) == 1)
                .filter_map(|(i, r)| {
                    self.cheapest(r.cells().filter(|&c| !unknown[c]))
                        .map(|c| (i, c))
                })
                .collect();
            if !singles.is_empty() {
                singles.sort_by(|a, b| self.cheaper(a.1, b.1).then(a.0.cmp(&b.0)));
                for (r, _) in singles {
                    let rel = &self.relations[r];
                    if hidden_in(&unknown, rel) != 1 {
                        continue;
                    }
                    if let Some(c) = self.cheapest(rel.cells().filter(|&c| !unknown[c])) {
                        unknown[c] = true;
                        self.hide(c, Reason::Secondary);
                    }
                }
                changed = true;
                continue;
            }
            let mut disclosed = audit::disclosed(&self.relations, &unknown)?;
            if disclosed.is_empty() {
                return Ok(changed);
            }
            disclosed.sort_by_key(|&i| self.rank[i]);
            // One partner per disclosed cell, skipping cells whose relations
            // already got a new hidden cell in this round.
            let mut touched = vec![false; self.relations.len()];
            for u in disclosed {
                if self.of_cell[u].iter().any(|&r| touched[r]) {
                    continue;
                }
                let Some(pick) = self.partner(u, &unknown) else {
                    let c = &self.table.cells[u];
                    return Err(SdcError::Unprotectable {
                        measure: c.measure.clone(),
                        keys: keys_json(&c.keys),
                    });
                };
                unknown[pick] = true;
                for &r in &self.of_cell[pick] {
                    touched[r] = true;
                }
                self.hide(pick, Reason::Secondary);
            }
            changed = true;
        }
    }

    /// Order of preference among published cells to hide: non-zero before
    /// zero, smallest value, inner cells before totals, canonical order.
    fn cheaper(&self, a: usize, b: usize) -> Ordering {
        let key = |i: usize| {
            let v = magnitude(self.kind(i));
            (v == 0.0, v, self.is_total[i], self.rank[i])
        };
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(ka.2.cmp(&kb.2))
            .then(ka.3.cmp(&kb.3))
    }

    fn cheapest(&self, candidates: impl Iterator<Item = usize>) -> Option<usize> {
        candidates.min_by(|&a, &b| self.cheaper(a, b))
    }

    /// The published cell to hide so that `u` stops being recomputable: the
    /// cheapest published cell of the relation of `u` with the fewest
    /// unknowns (the one that pins `u` most directly); failing that, the
    /// cheapest published cell of any relation connected to `u`.
    fn partner(&self, u: usize, unknown: &[bool]) -> Option<usize> {
        let mut rels = self.of_cell[u].clone();
        rels.sort_by_key(|&r| (self.relations[r].cells().filter(|&c| unknown[c]).count(), r));
        for r in rels {
            let published = self.relations[r].cells().filter(|&c| !unknown[c]);
            if let Some(c) = self.cheapest(published) {
                return Some(c);
            }
        }
        let mut seen_cells = HashSet::from([u]);
        let mut seen_rels = HashSet::new();
        let mut queue = VecDeque::from([u]);
        let mut best: Option<usize> = None;
        while let Some(c) = queue.pop_front() {
            for &r in &self.of_cell[c] {
                if !seen_rels.insert(r) {
                    continue;
                }
                for d in self.relations[r].cells() {
                    if !unknown[d] {
                        best = match best {
                            Some(b) if self.cheaper(b, d) != Ordering::Greater => Some(b),
                            _ => Some(d),
                        };
                    } else if seen_cells.insert(d) {
                        queue.push_back(d);
                    }
                }
            }
        }
        best
    }

    /// Rule 3 inside the release: two populations published together must
    /// not differ by 1..k-1 persons either. The conflicting pairs form a
    /// graph; the cell in most conflicts is hidden first (ties: fewer
    /// persons, smaller count, later in canonical order) until no pair is
    /// left.
    fn release_differencing(&mut self) -> bool {
        let k = self.policy.k;
        let candidates: Vec<usize> = self
            .order
            .iter()
            .copied()
            .filter(|&i| self.reason[i].is_none() && !self.in_ledger[i])
            .filter(|&i| population(self.kind(i)).is_some())
            .collect();
        let mut by_size: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for &i in &candidates {
            if let Some(p) = population(self.kind(i)) {
                by_size.entry(p.len()).or_default().push(i);
            }
        }
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for &i in &candidates {
            let Some(pi) = population(self.kind(i)) else {
                continue;
            };
            let n = pi.len();
            let window = n.saturating_sub(k - 1)..=n.saturating_add(k - 1);
            for (_, js) in by_size.range(window) {
                for &j in js {
                    if self.rank[j] <= self.rank[i] {
                        continue;
                    }
                    let Some(pj) = population(self.kind(j)) else {
                        continue;
                    };
                    let d = pi.symmetric_difference_len(pj);
                    if d != 0 && d < k {
                        edges.push((i, j));
                    }
                }
            }
        }
        let size_key = |e: &Self, i: usize| {
            (
                population(e.kind(i)).map_or(0, RoaringTreemap::len),
                count_value(e.kind(i)),
                Reverse(e.rank[i]),
            )
        };
        let mut changed = false;
        loop {
            let mut degree: HashMap<usize, usize> = HashMap::new();
            for &(a, b) in &edges {
                if self.reason[a].is_none() && self.reason[b].is_none() {
                    *degree.entry(a).or_default() += 1;
                    *degree.entry(b).or_default() += 1;
                }
            }
            let Some((&loser, _)) = degree
                .iter()
                .min_by_key(|&(&i, &deg)| (Reverse(deg), size_key(self, i)))
            else {
                return changed;
            };
            self.hide(loser, Reason::Differencing);
            changed = true;
        }
    }

    /// Values and statuses (rule 4: rounding), and the populations to record.
    fn finish(self) -> Outcome {
        let rounding = self.policy.rounding;
        let shown = |v: u64| rounding.map_or(v, |b| round_to(v, b));
        let visible_status = if rounding.is_some() {
            Status::Rounded
        } else {
            Status::Published
        };
        let cells = self
            .table
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (value, status) = match self.reason[i] {
                    Some(r) => (None, r.status()),
                    None => match &c.kind {
                        CellKind::Count { value, .. } => {
                            (Some(CellValue::Integer(shown(*value))), visible_status)
                        }
                        CellKind::Ratio { scale, .. } => {
                            let num = shown(count_value(self.kind(self.refs[i][0])));
                            let den = shown(count_value(self.kind(self.refs[i][1])));
                            if den == 0 {
                                (None, Status::SuppressedPrimary)
                            } else {
                                let v = num as f64 / den as f64 * scale;
                                (Some(CellValue::Real(v)), visible_status)
                            }
                        }
                        CellKind::Sum { total, .. } => {
                            (Some(CellValue::Real(*total)), Status::Published)
                        }
                        CellKind::Mean { total, .. } => {
                            let n = count_value(self.kind(self.refs[i][0]));
                            (Some(CellValue::Real(total / n as f64)), Status::Published)
                        }
                    },
                };
                ReleasedCell {
                    keys: c.keys.clone(),
                    measure: c.measure.clone(),
                    value,
                    status,
                }
            })
            .collect();
        // One ledger row per distinct population, released or withheld.
        let distinct = |hidden: bool| {
            let mut out: Vec<usize> = Vec::new();
            let mut by_size: HashMap<u64, Vec<usize>> = HashMap::new();
            for &i in &self.order {
                if self.reason[i].is_some() != hidden || (!hidden && self.in_ledger[i]) {
                    continue;
                }
                let Some(p) = population(self.kind(i)) else {
                    continue;
                };
                let same = by_size.entry(p.len()).or_default();
                if same
                    .iter()
                    .any(|&j| population(self.kind(j)).is_some_and(|q| q == p))
                {
                    continue;
                }
                same.push(i);
                out.push(i);
            }
            out
        };
        let record = distinct(false);
        let withheld = distinct(true);
        Outcome {
            cells,
            record,
            withheld,
        }
    }
}
