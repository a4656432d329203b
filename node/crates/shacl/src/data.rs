//! The data graph as the engine sees it: every term interned to a dense id, and
//! four hash indexes (S, SP, PO, P) so that path steps, class targets and closed
//! shape checks are single lookups.
//!
//! The graph can be edited in place (`insert`, `remove_all`): the HealthDCAT-AP
//! tier runs need the same catalogue several times with a handful of `rdf:type`
//! triples hidden, and rebuilding the index for each run would dominate the cost
//! on large catalogues. A SPARQL view (an in-memory oxigraph store) is built only
//! when a shape has a SHACL-SPARQL constraint, and is kept in sync with the edits.

use crate::fasthash::{FastMap, FastSet};
use oxigraph::store::Store;
use oxrdf::{Graph, GraphNameRef, NamedOrBlankNodeRef, QuadRef, Term, TermRef};
use std::sync::OnceLock;

/// Dense identifier of a term inside one [`DataGraph`].
pub type TermId = u32;

const EMPTY_IDS: &[TermId] = &[];
const EMPTY_PAIRS: &[(TermId, TermId)] = &[];

/// An indexed, editable copy of an RDF graph, ready for validation.
#[derive(Default)]
pub struct DataGraph {
    terms: Vec<Term>,
    ids: FastMap<Term, TermId>,
    triples: FastSet<(TermId, TermId, TermId)>,
    by_s: FastMap<TermId, Vec<(TermId, TermId)>>,
    by_sp: FastMap<(TermId, TermId), Vec<TermId>>,
    by_po: FastMap<(TermId, TermId), Vec<TermId>>,
    by_p: FastMap<TermId, Vec<(TermId, TermId)>>,
    store: OnceLock<Result<Store, String>>,
}

impl std::fmt::Debug for DataGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataGraph")
            .field("terms", &self.terms.len())
            .field("triples", &self.triples.len())
            .finish()
    }
}

impl DataGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Indexes every triple of `graph`.
    pub fn from_graph(graph: &Graph) -> Self {
        let mut data = Self::new();
        data.triples.reserve(graph.len());
        for t in graph {
            let s = data.intern_ref(t.subject.into());
            let p = data.intern_ref(t.predicate.into());
            let o = data.intern_ref(t.object);
            data.insert_ids(s, p, o);
        }
        data
    }

    /// Number of triples.
    pub fn len(&self) -> usize {
        self.triples.len()
    }

    /// Whether the graph has no triple.
    pub fn is_empty(&self) -> bool {
        self.triples.is_empty()
    }

    /// The id of `term`, adding it to the term table (without any triple) if needed.
    pub fn intern(&mut self, term: &Term) -> TermId {
        if let Some(id) = self.ids.get(term) {
            return *id;
        }
        self.push_term(term.clone())
    }

    fn intern_ref(&mut self, term: TermRef<'_>) -> TermId {
        let owned = term.into_owned();
        if let Some(id) = self.ids.get(&owned) {
            return *id;
        }
        self.push_term(owned)
    }

    fn push_term(&mut self, term: Term) -> TermId {
        let id = TermId::try_from(self.terms.len()).expect("more than 2^32 distinct terms");
        self.terms.push(term.clone());
        self.ids.insert(term, id);
        id
    }

    /// The id of `term` if it is known.
    pub fn id(&self, term: &Term) -> Option<TermId> {
        self.ids.get(term).copied()
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
        let added = self.insert_ids(s, p, o);
        if added {
            self.sync_store(s, p, o, true);
        }
        added
    }

    fn insert_ids(&mut self, s: TermId, p: TermId, o: TermId) -> bool {
        if !self.triples.insert((s, p, o)) {
            return false;
        }
        self.by_s.entry(s).or_default().push((p, o));
        self.by_sp.entry((s, p)).or_default().push(o);
        self.by_po.entry((p, o)).or_default().push(s);
        self.by_p.entry(p).or_default().push((s, o));
        true
    }

    /// Removes every listed triple that is present; returns how many were removed.
    pub fn remove_all(&mut self, triples: &[(Term, Term, Term)]) -> usize {
        let mut gone: FastSet<(TermId, TermId, TermId)> = FastSet::default();
        for (s, p, o) in triples {
            let (Some(s), Some(p), Some(o)) = (self.id(s), self.id(p), self.id(o)) else {
                continue;
            };
            if self.triples.remove(&(s, p, o)) {
                gone.insert((s, p, o));
            }
        }
        if gone.is_empty() {
            return 0;
        }
        let mut subjects: FastSet<TermId> = FastSet::default();
        let mut predicates: FastSet<TermId> = FastSet::default();
        for &(s, p, o) in &gone {
            subjects.insert(s);
            predicates.insert(p);
            if let Some(v) = self.by_sp.get_mut(&(s, p)) {
                v.retain(|x| *x != o);
            }
            if let Some(v) = self.by_po.get_mut(&(p, o)) {
                // The (rdf:type, class) lists can be long: remove all hits of this key at once.
                v.retain(|x| !gone.contains(&(*x, p, o)));
            }
        }
        for s in subjects {
            if let Some(v) = self.by_s.get_mut(&s) {
                v.retain(|(p, o)| !gone.contains(&(s, *p, *o)));
            }
        }
        for p in predicates {
            if let Some(v) = self.by_p.get_mut(&p) {
                v.retain(|(s, o)| !gone.contains(&(*s, p, *o)));
            }
        }
        let removed: Vec<_> = gone.into_iter().collect();
        for (s, p, o) in &removed {
            self.sync_store(*s, *p, *o, false);
        }
        removed.len()
    }

    /// Whether the triple is present.
    pub fn contains_ids(&self, s: TermId, p: TermId, o: TermId) -> bool {
        self.triples.contains(&(s, p, o))
    }

    /// Objects of `(s, p, ?)`.
    pub fn objects(&self, s: TermId, p: TermId) -> &[TermId] {
        self.by_sp.get(&(s, p)).map_or(EMPTY_IDS, Vec::as_slice)
    }

    /// Subjects of `(?, p, o)`.
    pub fn subjects(&self, p: TermId, o: TermId) -> &[TermId] {
        self.by_po.get(&(p, o)).map_or(EMPTY_IDS, Vec::as_slice)
    }

    /// `(p, o)` pairs of every triple with subject `s`.
    pub fn outgoing(&self, s: TermId) -> &[(TermId, TermId)] {
        self.by_s.get(&s).map_or(EMPTY_PAIRS, Vec::as_slice)
    }

    /// `(s, o)` pairs of every triple with predicate `p`.
    pub fn with_predicate(&self, p: TermId) -> &[(TermId, TermId)] {
        self.by_p.get(&p).map_or(EMPTY_PAIRS, Vec::as_slice)
    }

    /// Iterates over all triples as ids.
    pub fn triple_ids(&self) -> impl Iterator<Item = (TermId, TermId, TermId)> + '_ {
        self.triples.iter().copied()
    }

    /// An oxigraph store holding the same triples in its default graph, built on first use.
    pub(crate) fn sparql_store(&self) -> Result<&Store, String> {
        self.store
            .get_or_init(|| {
                let store = Store::new().map_err(|e| e.to_string())?;
                let mut quads = Vec::with_capacity(self.triples.len());
                for &(s, p, o) in &self.triples {
                    if let Some(q) = self.quad(s, p, o) {
                        quads.push(q.into_owned());
                    }
                }
                store.extend(quads).map_err(|e| e.to_string())?;
                Ok(store)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn quad(&self, s: TermId, p: TermId, o: TermId) -> Option<QuadRef<'_>> {
        let subject = match self.term(s) {
            Term::NamedNode(n) => NamedOrBlankNodeRef::NamedNode(n.as_ref()),
            Term::BlankNode(b) => NamedOrBlankNodeRef::BlankNode(b.as_ref()),
            _ => return None,
        };
        let Term::NamedNode(predicate) = self.term(p) else {
            return None;
        };
        Some(QuadRef::new(
            subject,
            predicate.as_ref(),
            self.term(o).as_ref(),
            GraphNameRef::DefaultGraph,
        ))
    }

    fn sync_store(&self, s: TermId, p: TermId, o: TermId, insert: bool) {
        let Some(Ok(store)) = self.store.get() else {
            return;
        };
        if let Some(q) = self.quad(s, p, o) {
            // An in-memory store cannot fail on insert/remove; ignore the impossible error.
            let _ = if insert {
                store.insert(q)
            } else {
                store.remove(q)
            };
        }
    }
}
