//! The data graph as the engine sees it: every term interned to a dense `u32` id, and
//! adjacency lists per subject (sorted by predicate, then object), per object (sorted by
//! predicate, then subject) and per predicate, so that path steps, class targets and
//! closed-shape checks are one hash lookup plus a binary search.
//!
//! The graph can be edited in place (`insert`, `remove_all`): the HealthDCAT-AP tier
//! runs validate the same catalogue several times with a handful of `rdf:type` triples
//! hidden, and rebuilding the index for each run would dominate the cost on large
//! catalogues.
//!
//! SHACL-SPARQL constraints are evaluated by oxigraph's SPARQL engine directly on this
//! index (it implements spareval's `QueryableDataset`), so no copy of the data is made.

use crate::fasthash::{FastHasher, FastMap, FastSet};
use oxrdf::{Graph, Term, TermRef};
use spareval::{InternalQuad, QueryableDataset};
use std::convert::Infallible;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Dense identifier of a term inside one [`DataGraph`].
pub type TermId = u32;

const NO_NEXT: u32 = u32::MAX;

/// Sorted `(key, value)` pairs stored as two parallel vectors, so that the values for
/// one key are a contiguous slice.
#[derive(Debug, Default, Clone)]
struct Adjacency {
    keys: Vec<TermId>,
    vals: Vec<TermId>,
}

impl Adjacency {
    fn range(&self, key: TermId) -> std::ops::Range<usize> {
        let lo = self.keys.partition_point(|k| *k < key);
        let hi = lo + self.keys[lo..].partition_point(|k| *k == key);
        lo..hi
    }

    fn values(&self, key: TermId) -> &[TermId] {
        &self.vals[self.range(key)]
    }

    fn contains(&self, key: TermId, val: TermId) -> bool {
        self.values(key).binary_search(&val).is_ok()
    }

    /// Inserts keeping the order (the pair must not be present).
    fn insert_sorted(&mut self, key: TermId, val: TermId) {
        let r = self.range(key);
        let at = r.start + self.vals[r].partition_point(|v| *v < val);
        self.keys.insert(at, key);
        self.vals.insert(at, val);
    }

    fn sort(&mut self) {
        let mut pairs: Vec<(TermId, TermId)> = self
            .keys
            .iter()
            .copied()
            .zip(self.vals.iter().copied())
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        self.keys = pairs.iter().map(|p| p.0).collect();
        self.vals = pairs.iter().map(|p| p.1).collect();
    }

    fn retain(&mut self, mut keep: impl FnMut(TermId, TermId) -> bool) {
        let mut w = 0;
        for r in 0..self.keys.len() {
            if keep(self.keys[r], self.vals[r]) {
                self.keys[w] = self.keys[r];
                self.vals[w] = self.vals[r];
                w += 1;
            }
        }
        self.keys.truncate(w);
        self.vals.truncate(w);
    }

    fn pairs(&self) -> impl Iterator<Item = (TermId, TermId)> + '_ {
        self.keys.iter().copied().zip(self.vals.iter().copied())
    }
}

/// An indexed, editable copy of an RDF graph, ready for validation.
#[derive(Debug, Default, Clone)]
pub struct DataGraph {
    terms: Vec<Term>,
    /// Hash of a term -> first id with that hash; collisions are chained in `next`.
    buckets: FastMap<u64, TermId>,
    next: Vec<u32>,
    by_s: FastMap<TermId, Adjacency>,
    by_o: FastMap<TermId, Adjacency>,
    by_p: FastMap<TermId, Vec<(TermId, TermId)>>,
    len: usize,
}

fn term_hash(t: TermRef<'_>) -> u64 {
    let mut h = FastHasher::default();
    t.hash(&mut h);
    h.finish()
}

impl DataGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Indexes every triple of `graph`.
    pub fn from_graph(graph: &Graph) -> Self {
        let mut data = Self::new();
        for t in graph {
            let s = data.intern_ref(t.subject.into());
            let p = data.intern_ref(t.predicate.into());
            let o = data.intern_ref(t.object);
            data.by_s.entry(s).or_default().push_unsorted(p, o);
            data.by_o.entry(o).or_default().push_unsorted(p, s);
            data.by_p.entry(p).or_default().push((s, o));
        }
        // A Graph is a set: no duplicates to remove, only the order to establish.
        for adj in data.by_s.values_mut().chain(data.by_o.values_mut()) {
            adj.sort();
        }
        data.len = graph.len();
        data
    }

    /// Number of triples.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the graph has no triple.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn lookup(&self, term: TermRef<'_>) -> Option<TermId> {
        let mut id = *self.buckets.get(&term_hash(term))?;
        loop {
            if self.terms[id as usize].as_ref() == term {
                return Some(id);
            }
            id = self.next[id as usize];
            if id == NO_NEXT {
                return None;
            }
        }
    }

    fn intern_ref(&mut self, term: TermRef<'_>) -> TermId {
        if let Some(id) = self.lookup(term) {
            return id;
        }
        let id = TermId::try_from(self.terms.len()).expect("more than 2^32 distinct terms");
        let previous = self.buckets.insert(term_hash(term), id);
        self.next.push(previous.unwrap_or(NO_NEXT));
        self.terms.push(term.into_owned());
        id
    }

    /// The id of `term`, adding it to the term table (without any triple) if needed.
    pub fn intern(&mut self, term: &Term) -> TermId {
        self.intern_ref(term.as_ref())
    }

    /// The id of `term` if it is known.
    pub fn id(&self, term: &Term) -> Option<TermId> {
        self.lookup(term.as_ref())
    }

    /// The term of an id.
    ///
    /// # Panics
    /// If the id does not come from this graph.
    pub fn term(&self, id: TermId) -> &Term {
        &self.terms[id as usize]
    }

    /// Adds a triple; returns false if it was already there.
    pub fn insert(&mut self, s: &Term, p: &Term, o: &Term) -> bool {
        let (s, p, o) = (self.intern(s), self.intern(p), self.intern(o));
        if self.contains_ids(s, p, o) {
            return false;
        }
        self.by_s.entry(s).or_default().insert_sorted(p, o);
        self.by_o.entry(o).or_default().insert_sorted(p, s);
        self.by_p.entry(p).or_default().push((s, o));
        self.len += 1;
        true
    }

    /// Removes every listed triple that is present; returns how many were removed.
    pub fn remove_all(&mut self, triples: &[(Term, Term, Term)]) -> usize {
        let mut gone: FastSet<(TermId, TermId, TermId)> = FastSet::default();
        for (s, p, o) in triples {
            let (Some(s), Some(p), Some(o)) = (self.id(s), self.id(p), self.id(o)) else {
                continue;
            };
            if self.contains_ids(s, p, o) {
                gone.insert((s, p, o));
            }
        }
        let mut subjects: FastSet<TermId> = FastSet::default();
        let mut objects: FastSet<TermId> = FastSet::default();
        let mut predicates: FastSet<TermId> = FastSet::default();
        for &(s, p, o) in &gone {
            subjects.insert(s);
            objects.insert(o);
            predicates.insert(p);
        }
        for s in subjects {
            if let Some(adj) = self.by_s.get_mut(&s) {
                adj.retain(|p, o| !gone.contains(&(s, p, o)));
            }
        }
        for o in objects {
            if let Some(adj) = self.by_o.get_mut(&o) {
                adj.retain(|p, s| !gone.contains(&(s, p, o)));
            }
        }
        for p in predicates {
            if let Some(v) = self.by_p.get_mut(&p) {
                v.retain(|(s, o)| !gone.contains(&(*s, p, *o)));
            }
        }
        self.len -= gone.len();
        gone.len()
    }

    /// Whether the triple is present.
    pub fn contains_ids(&self, s: TermId, p: TermId, o: TermId) -> bool {
        self.by_s.get(&s).is_some_and(|a| a.contains(p, o))
    }

    /// Objects of `(s, p, ?)`, sorted by id.
    pub fn objects(&self, s: TermId, p: TermId) -> &[TermId] {
        self.by_s.get(&s).map_or(&[], |a| a.values(p))
    }

    /// Subjects of `(?, p, o)`, sorted by id.
    pub fn subjects(&self, p: TermId, o: TermId) -> &[TermId] {
        self.by_o.get(&o).map_or(&[], |a| a.values(p))
    }

    /// `(p, o)` of every triple with subject `s`.
    pub fn outgoing(&self, s: TermId) -> impl Iterator<Item = (TermId, TermId)> + '_ {
        self.by_s.get(&s).into_iter().flat_map(Adjacency::pairs)
    }

    /// `(p, s)` of every triple with object `o`.
    pub fn incoming(&self, o: TermId) -> impl Iterator<Item = (TermId, TermId)> + '_ {
        self.by_o.get(&o).into_iter().flat_map(Adjacency::pairs)
    }

    /// `(s, o)` of every triple with predicate `p`.
    pub fn with_predicate(&self, p: TermId) -> &[(TermId, TermId)] {
        self.by_p.get(&p).map_or(&[], Vec::as_slice)
    }

    /// All triples as ids.
    pub fn triple_ids(&self) -> impl Iterator<Item = (TermId, TermId, TermId)> + '_ {
        self.by_s
            .iter()
            .flat_map(|(s, adj)| adj.pairs().map(move |(p, o)| (*s, p, o)))
    }
}

impl Adjacency {
    fn push_unsorted(&mut self, key: TermId, val: TermId) {
        self.keys.push(key);
        self.vals.push(val);
    }
}

/// A term as seen by the SPARQL evaluator: an id for terms of the graph, the term
/// itself for values the query computes or mentions that the graph does not contain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SparqlTerm {
    Id(TermId),
    Other(Arc<Term>),
}

type QuadIter<'a> = Box<dyn Iterator<Item = Result<InternalQuad<SparqlTerm>, Infallible>> + 'a>;

impl<'a> QueryableDataset<'a> for &'a DataGraph {
    type InternalTerm = SparqlTerm;
    type Error = Infallible;

    fn internal_quads_for_pattern(
        &self,
        subject: Option<&SparqlTerm>,
        predicate: Option<&SparqlTerm>,
        object: Option<&SparqlTerm>,
        graph_name: Option<Option<&SparqlTerm>>,
    ) -> impl Iterator<Item = Result<InternalQuad<SparqlTerm>, Infallible>> + use<'a> {
        let g: &'a DataGraph = self;
        let empty: QuadIter<'a> = Box::new(std::iter::empty());
        // Only the default graph exists.
        if graph_name != Some(None) {
            return empty;
        }
        let id = |t: Option<&SparqlTerm>| -> Result<Option<TermId>, ()> {
            match t {
                None => Ok(None),
                Some(SparqlTerm::Id(i)) => Ok(Some(*i)),
                Some(SparqlTerm::Other(_)) => Err(()), // not in the graph: no match
            }
        };
        let (Ok(s), Ok(p), Ok(o)) = (id(subject), id(predicate), id(object)) else {
            return empty;
        };
        let quad = |s: TermId, p: TermId, o: TermId| {
            Ok(InternalQuad {
                subject: SparqlTerm::Id(s),
                predicate: SparqlTerm::Id(p),
                object: SparqlTerm::Id(o),
                graph_name: None,
            })
        };
        match (s, p, o) {
            (Some(s), Some(p), Some(o)) => {
                if g.contains_ids(s, p, o) {
                    Box::new(std::iter::once(quad(s, p, o)))
                } else {
                    empty
                }
            }
            (Some(s), Some(p), None) => {
                Box::new(g.objects(s, p).iter().map(move |o| quad(s, p, *o)))
            }
            (Some(s), None, Some(o)) => Box::new(
                g.outgoing(s)
                    .filter(move |(_, x)| *x == o)
                    .map(move |(p, _)| quad(s, p, o)),
            ),
            (Some(s), None, None) => Box::new(g.outgoing(s).map(move |(p, o)| quad(s, p, o))),
            (None, Some(p), Some(o)) => {
                Box::new(g.subjects(p, o).iter().map(move |s| quad(*s, p, o)))
            }
            (None, None, Some(o)) => Box::new(g.incoming(o).map(move |(p, s)| quad(s, p, o))),
            (None, Some(p), None) => Box::new(
                g.with_predicate(p)
                    .iter()
                    .map(move |(s, o)| quad(*s, p, *o)),
            ),
            (None, None, None) => Box::new(g.triple_ids().map(move |(s, p, o)| quad(s, p, o))),
        }
    }

    fn internalize_term(&self, term: Term) -> Result<SparqlTerm, Infallible> {
        Ok(match self.lookup(term.as_ref()) {
            Some(id) => SparqlTerm::Id(id),
            None => SparqlTerm::Other(Arc::new(term)),
        })
    }

    fn externalize_term(&self, term: SparqlTerm) -> Result<Term, Infallible> {
        Ok(match term {
            SparqlTerm::Id(id) => self.term(id).clone(),
            SparqlTerm::Other(t) => Arc::unwrap_or_clone(t),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{NamedNode, NamedOrBlankNode, Triple};

    fn n(s: &str) -> Term {
        NamedNode::new_unchecked(format!("http://example.org/{s}")).into()
    }

    #[test]
    fn index_insert_remove() {
        let mut g = Graph::new();
        for (s, p, o) in [
            ("a", "p", "b"),
            ("a", "p", "c"),
            ("b", "q", "c"),
            ("d", "p", "b"),
        ] {
            let Term::NamedNode(s) = n(s) else {
                unreachable!()
            };
            let Term::NamedNode(p) = n(p) else {
                unreachable!()
            };
            g.insert(&Triple::new(NamedOrBlankNode::from(s), p, n(o)));
        }
        let mut d = DataGraph::from_graph(&g);
        assert_eq!(d.len(), 4);
        let id = |d: &DataGraph, s: &str| d.id(&n(s)).unwrap();
        let (a, b, c, p) = (id(&d, "a"), id(&d, "b"), id(&d, "c"), id(&d, "p"));
        assert_eq!(d.objects(a, p).len(), 2);
        assert_eq!(d.subjects(p, b).len(), 2);
        assert!(d.contains_ids(a, p, c));
        assert!(!d.insert(&n("a"), &n("p"), &n("b")));
        assert!(d.insert(&n("c"), &n("p"), &n("a")));
        assert_eq!(d.len(), 5);
        assert_eq!(
            d.remove_all(&[(n("a"), n("p"), n("b")), (n("x"), n("p"), n("b"))]),
            1
        );
        assert_eq!(d.len(), 4);
        assert_eq!(d.objects(a, p), &[c]);
        assert_eq!(d.subjects(p, b).len(), 1);
        assert_eq!(d.with_predicate(p).len(), 3);
        assert_eq!(d.triple_ids().count(), 4);
        let fresh = d.intern(&n("never-used"));
        assert_eq!(d.term(fresh), &n("never-used"));
        assert_eq!(d.id(&n("never-used")), Some(fresh));
    }
}
