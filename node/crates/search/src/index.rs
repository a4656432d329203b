//! The inverted index: term and facet dictionaries, postings, BM25F scoring,
//! AND/prefix query evaluation, disjunctive facet counts and paging.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::text::{self, QueryTerm, Scratch};
use crate::{
    DEFAULT_PAGE_SIZE, DESCRIPTION_CHARS, FacetCount, Hit, MAX_PAGE_SIZE, SearchDoc, SearchQuery,
    SearchResults,
};

const N_FIELDS: usize = 7;
const TITLE: usize = 0;
const IDENTIFIER: usize = 1;
const KEYWORDS: usize = 2;
const VARIABLES: usize = 3;
const TABLES: usize = 4;
const DESCRIPTION: usize = 5;
const VARIABLE_DESCRIPTIONS: usize = 6;

/// Names reported in [`Hit::matched_fields`], indexed by field.
const FIELD_NAMES: [&str; N_FIELDS] = [
    "title",
    "identifier",
    "keywords",
    "variables",
    "tables",
    "description",
    "variable_descriptions",
];

/// BM25F field weights, indexed by field.
const FIELD_WEIGHTS: [f64; N_FIELDS] = [3.0, 3.0, 2.0, 2.0, 2.0, 1.0, 1.0];

/// BM25 term-frequency saturation.
const K1: f64 = 1.2;
/// BM25 length normalisation.
const B: f64 = 0.75;
/// Score multiplier for index terms reached only through prefix expansion.
const PREFIX_FACTOR: f64 = 0.8;

/// Multiplicative hasher for the index's internal maps, whose keys come from
/// the node's own catalogue (never from queries, which only look up), so
/// hash flooding is not a concern and speed is.
#[derive(Clone, Copy, Default)]
struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // Move the well-mixed high bits down to where the table looks.
        self.0.rotate_left(26)
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Largest per-field term frequency a posting records. BM25 saturates long
/// before this, and the cap keeps a posting at 8 bytes.
const MAX_TF: u16 = 15;

/// One document's occurrences of one term: 4 bits of term frequency per
/// field (field `f` in bits `4f..4f+4`).
#[derive(Clone, Copy, Debug)]
struct Posting {
    slot: u32,
    tf: u32,
}

impl Posting {
    fn new(slot: u32, tf: &[u16; N_FIELDS]) -> Self {
        let packed = tf
            .iter()
            .enumerate()
            .fold(0, |acc, (f, &n)| acc | u32::from(n.min(MAX_TF)) << (4 * f));
        Self { slot, tf: packed }
    }

    fn tf(self, field: usize) -> u32 {
        (self.tf >> (4 * field)) & 0xF
    }
}

#[derive(Clone, Debug, Default)]
struct Term {
    /// Shared with `Dictionary::ids` (one allocation per term).
    text: Arc<str>,
    /// Sorted by slot; never empty for a live term.
    postings: Vec<Posting>,
}

/// Index terms by id. A term is released as soon as its last posting goes,
/// so neither exact lookups nor prefix expansion see stale terms.
#[derive(Clone, Debug, Default)]
struct Dictionary {
    terms: Vec<Term>,
    free: Vec<u32>,
    ids: FastMap<Arc<str>, u32>,
    /// `(first 8 bytes of the term, term id)` in order, for prefix
    /// expansion: ordering and range scans compare integers, not strings.
    sorted: BTreeSet<(u64, u32)>,
}

/// The first 8 bytes of `text`, big-endian and zero-padded, so that integer
/// order is byte order (terms hold no NUL bytes).
fn head(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = text.len().min(8);
    bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

impl Dictionary {
    fn get(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }

    fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let text: Arc<str> = text.into();
        let term = Term {
            text: text.clone(),
            postings: Vec::new(),
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.terms[id as usize] = term;
                id
            }
            None => {
                let id = u32::try_from(self.terms.len()).expect("fewer than 2^32 distinct terms");
                self.terms.push(term);
                id
            }
        };
        self.sorted.insert((head(&text), id));
        self.ids.insert(text, id);
        id
    }

    fn release(&mut self, id: u32) {
        let term = &mut self.terms[id as usize];
        let text = std::mem::take(&mut term.text);
        term.postings = Vec::new();
        self.ids.remove(&text);
        self.sorted.remove(&(head(&text), id));
        self.free.push(id);
    }

    fn postings(&self, id: u32) -> &[Posting] {
        &self.terms[id as usize].postings
    }

    /// Terms starting with `prefix`, as `(term, id)`.
    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        // Every term starting with `prefix` has a head between the prefix's
        // head padded with zeros and the same padded with 0xff.
        let n = prefix.len().min(8);
        let low = head(prefix);
        let high = low | u64::MAX.checked_shr(8 * n as u32).unwrap_or(0);
        self.sorted
            .range((low, 0)..=(high, u32::MAX))
            .map(|&(_, id)| (&*self.terms[id as usize].text, id))
            .filter(move |(text, _)| text.starts_with(prefix))
    }
}

/// `(facet name, value)` pairs by id, so filtering and counting work on
/// integers. Pairs are kept once seen; the set is small (themes, categories,
/// access rights, publishers) and pairs no live document carries are never
/// counted, so they never show up in results.
#[derive(Clone, Debug, Default)]
struct FacetDictionary {
    name_ids: HashMap<Box<str>, u32>,
    /// Per facet name id: value → facet id.
    values: Vec<HashMap<Box<str>, u32>>,
    /// Per facet id: (facet name id, value).
    pairs: Vec<(u32, Box<str>)>,
    names: Vec<Box<str>>,
}

impl FacetDictionary {
    fn name_id(&self, name: &str) -> Option<u32> {
        self.name_ids.get(name).copied()
    }

    fn get(&self, name: &str, value: &str) -> Option<u32> {
        let name = self.name_id(name)?;
        self.values[name as usize].get(value).copied()
    }

    fn intern(&mut self, name: &str, value: &str) -> u32 {
        let name_id = match self.name_ids.get(name) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.names.len()).expect("fewer than 2^32 facet names");
                self.names.push(name.into());
                self.name_ids.insert(name.into(), id);
                self.values.push(HashMap::new());
                id
            }
        };
        if let Some(&id) = self.values[name_id as usize].get(value) {
            return id;
        }
        let id = u32::try_from(self.pairs.len()).expect("fewer than 2^32 facet values");
        self.pairs.push((name_id, value.into()));
        self.values[name_id as usize].insert(value.into(), id);
        id
    }
}

#[derive(Clone, Debug)]
struct Entry {
    doc: SearchDoc,
    /// Distinct term ids, to remove the postings again.
    terms: Vec<u32>,
    /// Folded titles (parallel to `doc.titles`), for browse ordering.
    title_keys: Vec<String>,
    /// Folded identifier, for browse ordering of untitled documents.
    id_key: String,
    /// Sorted distinct term ids of each variable's name, labels and
    /// description, concatenated; variable `i` ends at `variable_ends[i]`.
    variable_terms: Vec<u32>,
    variable_ends: Vec<u32>,
    /// Sorted distinct facet ids.
    facets: Vec<u32>,
}

impl Entry {
    fn variable(&self, i: usize) -> &[u32] {
        let start = if i == 0 {
            0
        } else {
            self.variable_ends[i - 1] as usize
        };
        &self.variable_terms[start..self.variable_ends[i] as usize]
    }
}

/// In-memory search index over [`SearchDoc`]s, keyed by [`SearchDoc::id`].
///
/// Mutations take `&mut self` and queries `&self`, so a shared index is
/// typically held in an `RwLock`.
#[derive(Clone, Default)]
pub struct SearchIndex {
    /// Documents by slot; removed documents leave `None` until reused.
    entries: Vec<Option<Entry>>,
    /// Field lengths (in terms) by slot.
    lens: Vec<[u32; N_FIELDS]>,
    /// Free slots.
    free: Vec<u32>,
    by_id: HashMap<String, u32>,
    dict: Dictionary,
    facets: FacetDictionary,
    /// Sum of field lengths over live documents.
    total_lens: [u64; N_FIELDS],
    /// Buffers reused from one upsert to the next.
    scratch: UpsertScratch,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("documents", &self.len())
            .field("terms", &self.dict.ids.len())
            .field("facet_values", &self.facets.pairs.len())
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, Default)]
struct UpsertScratch {
    text: Scratch,
    tf: TermCounts,
    last: Vec<u32>,
    ids: Vec<u32>,
    cache: TermCache,
}

/// Slots in [`TermCache`] (a power of two).
const TERM_CACHE_SLOTS: usize = 4096;

/// Small direct-mapped cache of recently interned short terms (up to 16
/// bytes, packed into a `u128`), so that frequent words resolve from a
/// compact table that stays in the CPU cache instead of a dictionary lookup
/// chasing a heap pointer. Cleared whenever a term id is released, so it
/// never returns a recycled id.
#[derive(Clone, Debug, Default)]
struct TermCache {
    /// (packed term, term id); a zero key marks an empty slot.
    slots: Vec<(u128, u32)>,
}

impl TermCache {
    fn intern(&mut self, dict: &mut Dictionary, term: &str) -> u32 {
        let bytes = term.as_bytes();
        if bytes.is_empty() || bytes.len() > 16 {
            return dict.intern(term);
        }
        // Terms hold no NUL bytes, so zero padding is unambiguous.
        let mut packed = [0u8; 16];
        packed[..bytes.len()].copy_from_slice(bytes);
        let key = u128::from_le_bytes(packed);
        if self.slots.is_empty() {
            self.slots = vec![(0, 0); TERM_CACHE_SLOTS];
        }
        let mixed = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let slot = &mut self.slots[(mixed >> 52) as usize & (TERM_CACHE_SLOTS - 1)];
        if slot.0 == key {
            return slot.1;
        }
        let id = dict.intern(term);
        *slot = (key, id);
        id
    }

    fn clear(&mut self) {
        self.slots = Vec::new();
    }
}

/// Per-field term frequencies of one document, keyed by term id without
/// hashing: `pos[id]` indexes `counts` when `counts[pos[id]].0 == id`, so
/// clearing is O(1) and stale positions are simply ignored.
#[derive(Clone, Debug, Default)]
struct TermCounts {
    pos: Vec<u32>,
    /// (term id, frequency per field), in order of first occurrence.
    counts: Vec<(u32, [u16; N_FIELDS])>,
}

impl TermCounts {
    fn clear(&mut self) {
        self.counts.clear();
    }

    fn add(&mut self, id: u32, field: usize) {
        let i = id as usize;
        if i >= self.pos.len() {
            self.pos.resize(i + 1, u32::MAX);
        }
        let p = self.pos[i] as usize;
        if let Some((seen, counts)) = self.counts.get_mut(p)
            && *seen == id
        {
            counts[field] = counts[field].saturating_add(1);
            return;
        }
        self.pos[i] = u32::try_from(self.counts.len()).unwrap_or(u32::MAX);
        let mut counts = [0; N_FIELDS];
        counts[field] = 1;
        self.counts.push((id, counts));
    }
}

/// Terms and statistics gathered while indexing one document.
struct Analysis<'a> {
    dict: &'a mut Dictionary,
    cache: &'a mut TermCache,
    scratch: &'a mut Scratch,
    tf: &'a mut TermCounts,
    lens: [u32; N_FIELDS],
    /// Term ids produced by the last [`Analysis::add`].
    last: &'a mut Vec<u32>,
}

impl Analysis<'_> {
    fn add(&mut self, field: usize, text: &str, whole: bool) {
        let Self {
            dict,
            cache,
            scratch,
            tf,
            lens,
            last,
        } = self;
        last.clear();
        text::index_terms(text, whole, scratch, |term| {
            let id = cache.intern(dict, term);
            tf.add(id, field);
            lens[field] = lens[field].saturating_add(1);
            last.push(id);
        });
    }
}

/// Facet filters on one facet name (OR within the group).
struct FilterGroup<'q> {
    name: &'q str,
    name_id: Option<u32>,
    values: Vec<&'q str>,
    /// Facet ids of the known values.
    ids: Vec<u32>,
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The indexed document with this identifier.
    pub fn get(&self, id: &str) -> Option<&SearchDoc> {
        let slot = *self.by_id.get(id)?;
        self.entries[slot as usize].as_ref().map(|e| &e.doc)
    }

    /// Identifiers of all indexed documents, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }

    /// Removes every document.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Number of distinct index terms (for monitoring).
    pub fn term_count(&self) -> usize {
        self.dict.ids.len()
    }

    /// Adds `doc`, replacing (and fully unindexing) any document with the
    /// same identifier.
    pub fn upsert(&mut self, doc: SearchDoc) {
        let slot = match self.by_id.get(&doc.id) {
            Some(&slot) => {
                self.unindex(slot);
                slot
            }
            None => {
                let slot = match self.free.pop() {
                    Some(slot) => slot,
                    None => {
                        let slot =
                            u32::try_from(self.entries.len()).expect("fewer than 2^32 documents");
                        self.entries.push(None);
                        self.lens.push([0; N_FIELDS]);
                        slot
                    }
                };
                self.by_id.insert(doc.id.clone(), slot);
                slot
            }
        };

        let UpsertScratch {
            text: scratch,
            tf,
            last,
            ids,
            cache,
        } = &mut self.scratch;
        tf.clear();
        let mut analysis = Analysis {
            dict: &mut self.dict,
            cache,
            scratch,
            tf,
            lens: [0; N_FIELDS],
            last,
        };
        for (_, title) in &doc.titles {
            analysis.add(TITLE, title, false);
        }
        analysis.add(IDENTIFIER, &doc.id, true);
        for (_, keyword) in &doc.keywords {
            analysis.add(KEYWORDS, keyword, false);
        }
        for (_, description) in &doc.descriptions {
            analysis.add(DESCRIPTION, description, false);
        }
        let mut variable_terms = Vec::new();
        let mut variable_ends = Vec::with_capacity(doc.variables.len());
        for variable in &doc.variables {
            ids.clear();
            analysis.add(VARIABLES, &variable.name, true);
            ids.extend_from_slice(analysis.last);
            for (_, label) in &variable.labels {
                analysis.add(VARIABLES, label, false);
                ids.extend_from_slice(analysis.last);
            }
            for (_, description) in &variable.description {
                analysis.add(VARIABLE_DESCRIPTIONS, description, false);
                ids.extend_from_slice(analysis.last);
            }
            ids.sort_unstable();
            ids.dedup();
            variable_terms.extend_from_slice(ids);
            variable_ends.push(u32::try_from(variable_terms.len()).unwrap_or(u32::MAX));
        }
        let tables: BTreeSet<&str> = doc
            .variables
            .iter()
            .filter_map(|v| v.table.as_deref())
            .collect();
        for table in tables {
            analysis.add(TABLES, table, true);
        }

        let lens = analysis.lens;
        let mut terms = Vec::with_capacity(tf.counts.len());
        for &(id, tf) in &tf.counts {
            let postings = &mut self.dict.terms[id as usize].postings;
            let posting = Posting::new(slot, &tf);
            // New documents usually get the highest slot: append.
            if postings.last().is_none_or(|p| p.slot < slot) {
                postings.push(posting);
            } else {
                match postings.binary_search_by_key(&slot, |p| p.slot) {
                    Ok(i) => postings[i] = posting,
                    Err(i) => postings.insert(i, posting),
                }
            }
            terms.push(id);
        }
        for (total, len) in self.total_lens.iter_mut().zip(lens) {
            *total += u64::from(len);
        }
        self.lens[slot as usize] = lens;

        let mut facets: Vec<u32> = doc
            .facets
            .iter()
            .map(|(name, value)| self.facets.intern(name, value))
            .collect();
        facets.sort_unstable();
        facets.dedup();
        self.entries[slot as usize] = Some(Entry {
            title_keys: doc.titles.iter().map(|(_, t)| text::fold(t)).collect(),
            id_key: text::fold(&doc.id),
            terms,
            variable_terms,
            variable_ends,
            facets,
            doc,
        });
    }

    /// Removes the document with this identifier; `false` if there was none.
    pub fn remove(&mut self, id: &str) -> bool {
        match self.by_id.remove(id) {
            Some(slot) => {
                self.unindex(slot);
                self.free.push(slot);
                true
            }
            None => false,
        }
    }

    /// Drops the postings and statistics of the document in `slot`, leaving
    /// the slot empty.
    fn unindex(&mut self, slot: u32) {
        let Some(entry) = self.entries[slot as usize].take() else {
            return;
        };
        for &id in &entry.terms {
            let postings = &mut self.dict.terms[id as usize].postings;
            if let Ok(i) = postings.binary_search_by_key(&slot, |p| p.slot) {
                postings.remove(i);
            }
            if postings.is_empty() {
                self.dict.release(id);
                self.scratch.cache.clear();
            }
        }
        let lens = std::mem::take(&mut self.lens[slot as usize]);
        for (total, len) in self.total_lens.iter_mut().zip(lens) {
            *total -= u64::from(len);
        }
    }

    /// Term ids a query term matches, with their score factor: the stem
    /// exactly, and for a prefix term every term starting with the stem or
    /// the typed token.
    fn expand(&self, term: &QueryTerm) -> Vec<(u32, f64)> {
        if !term.prefix {
            return self
                .dict
                .get(&term.stem)
                .map(|id| (id, 1.0))
                .into_iter()
                .collect();
        }
        let mut out = Vec::new();
        let stem = term.stem.as_str();
        let raw = term.raw.as_str();
        // The stem is usually a prefix of the typed token (`visits` →
        // `visit`); only `-ies`/`-aux` plurals need a second range.
        let prefixes: &[&str] = if raw.starts_with(stem) {
            &[stem]
        } else {
            &[stem, raw]
        };
        for (n, &prefix) in prefixes.iter().enumerate() {
            for (key, id) in self.dict.with_prefix(prefix) {
                if n > 0 && key.starts_with(stem) {
                    continue; // already taken from the stem's range
                }
                out.push((id, if key == stem { 1.0 } else { PREFIX_FACTOR }));
            }
        }
        out
    }

    /// Runs a query.
    pub fn search(&self, q: &SearchQuery) -> SearchResults {
        let page = q.page.max(1);
        let page_size = match q.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => n.min(MAX_PAGE_SIZE),
        };
        let terms = text::query_terms(&q.text);
        let expansions: Vec<Vec<(u32, f64)>> = terms.iter().map(|t| self.expand(t)).collect();

        // (slot, score, matched-field mask) of documents matching the text.
        let candidates = if terms.is_empty() {
            self.entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.is_some())
                .map(|(slot, _)| (slot, 0.0, 0u8))
                .collect()
        } else {
            self.match_terms(&expansions)
        };

        let groups = self.filter_groups(&q.filters);
        let mut counts = vec![0usize; self.facets.pairs.len()];
        let mut kept = Vec::with_capacity(candidates.len());
        for (slot, score, mask) in candidates {
            let facets = &self.entry(slot).facets;
            let mut failed = groups
                .iter()
                .filter(|g| !g.ids.iter().any(|id| facets.binary_search(id).is_ok()));
            match (failed.next(), failed.next()) {
                (None, _) => {
                    for &id in facets {
                        counts[id as usize] += 1;
                    }
                    kept.push((slot, score, mask));
                }
                // Fails only this facet's filter: counts for this facet only.
                (Some(group), None) => {
                    for &id in facets {
                        if Some(self.facets.pairs[id as usize].0) == group.name_id {
                            counts[id as usize] += 1;
                        }
                    }
                }
                (Some(_), Some(_)) => {}
            }
        }
        let facets = self.facet_counts(&counts, &groups);

        let lang = q.lang.as_deref();
        if terms.is_empty() {
            let key = |slot: usize| {
                let entry = self.entry(slot);
                match pick_lang(&entry.doc.titles, lang) {
                    Some(i) => entry.title_keys[i].as_str(),
                    None => entry.id_key.as_str(),
                }
            };
            kept.sort_unstable_by(|a, b| {
                key(a.0)
                    .cmp(key(b.0))
                    .then_with(|| self.entry(a.0).doc.id.cmp(&self.entry(b.0).doc.id))
            });
        } else {
            kept.sort_unstable_by(|a, b| {
                b.1.total_cmp(&a.1)
                    .then_with(|| self.entry(a.0).doc.id.cmp(&self.entry(b.0).doc.id))
            });
        }

        let total = kept.len();
        let start = (page - 1).saturating_mul(page_size).min(total);
        let end = start.saturating_add(page_size).min(total);
        let page_hits = &kept[start..end];
        // Per query term, the sorted term ids it matches (for variables).
        let term_sets: Vec<Vec<u32>> = if page_hits.is_empty() {
            Vec::new()
        } else {
            expansions
                .iter()
                .map(|e| {
                    let mut ids: Vec<u32> = e.iter().map(|&(id, _)| id).collect();
                    ids.sort_unstable();
                    ids
                })
                .collect()
        };
        let hits = page_hits
            .iter()
            .map(|&(slot, score, mask)| self.hit(slot, score, mask, &term_sets, lang))
            .collect();

        SearchResults {
            total,
            page,
            page_size,
            hits,
            facets,
        }
    }

    fn entry(&self, slot: usize) -> &Entry {
        self.entries[slot]
            .as_ref()
            .expect("postings and candidates only reference live slots")
    }

    /// Groups filters by facet name, in order of first appearance.
    fn filter_groups<'q>(&self, filters: &'q [(String, String)]) -> Vec<FilterGroup<'q>> {
        let mut groups: Vec<FilterGroup<'q>> = Vec::new();
        for (name, value) in filters {
            let i = match groups.iter().position(|g| g.name == name) {
                Some(i) => i,
                None => {
                    groups.push(FilterGroup {
                        name,
                        name_id: self.facets.name_id(name),
                        values: Vec::new(),
                        ids: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[i];
            if !group.values.contains(&value.as_str()) {
                group.values.push(value);
                group.ids.extend(self.facets.get(name, value));
            }
        }
        groups
    }

    /// Facet name → values with counts (count desc, then value), including
    /// every selected filter value.
    fn facet_counts(
        &self,
        counts: &[usize],
        groups: &[FilterGroup<'_>],
    ) -> BTreeMap<String, Vec<FacetCount>> {
        let mut facets: BTreeMap<String, Vec<FacetCount>> = BTreeMap::new();
        for (id, &count) in counts.iter().enumerate() {
            if count > 0 {
                let (name, value) = &self.facets.pairs[id];
                facets
                    .entry(self.facets.names[*name as usize].to_string())
                    .or_default()
                    .push(FacetCount {
                        value: value.to_string(),
                        count,
                    });
            }
        }
        for group in groups {
            let values = facets.entry(group.name.to_owned()).or_default();
            for value in &group.values {
                if !values.iter().any(|v| v.value == *value) {
                    values.push(FacetCount {
                        value: (*value).to_owned(),
                        count: 0,
                    });
                }
            }
        }
        for values in facets.values_mut() {
            values
                .sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        }
        facets
    }

    /// Documents matching every term, with their BM25F score (sum over
    /// terms; for a prefix term, its best expansion) and matched-field mask.
    fn match_terms(&self, expansions: &[Vec<(u32, f64)>]) -> Vec<(usize, f64, u8)> {
        let n_slots = self.entries.len();
        let docs = self.by_id.len() as f64;
        let mut avg = [0.0; N_FIELDS];
        for (avg, total) in avg.iter_mut().zip(self.total_lens) {
            *avg = if docs > 0.0 { total as f64 / docs } else { 0.0 };
        }

        let mut score = vec![0.0f64; n_slots];
        let mut mask = vec![0u8; n_slots];
        // Number of terms matched so far: a document stays a candidate only
        // while it matched every previous term.
        let mut matched = vec![0u16; n_slots];
        let mut best = vec![0.0f64; n_slots];
        let mut best_mask = vec![0u8; n_slots];
        let mut seen = vec![false; n_slots];
        let mut touched: Vec<usize> = Vec::new();

        for (round, expansion) in expansions.iter().enumerate() {
            let round = u16::try_from(round).unwrap_or(u16::MAX);
            touched.clear();
            for &(id, factor) in expansion {
                let postings = self.dict.postings(id);
                let df = postings.len() as f64;
                let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln();
                for posting in postings {
                    let slot = posting.slot as usize;
                    if matched[slot] != round {
                        continue;
                    }
                    let lens = &self.lens[slot];
                    let mut tf = 0.0;
                    let mut fields = 0u8;
                    for f in 0..N_FIELDS {
                        let count = posting.tf(f);
                        if count == 0 {
                            continue;
                        }
                        fields |= 1 << f;
                        let norm = if avg[f] > 0.0 {
                            1.0 - B + B * f64::from(lens[f]) / avg[f]
                        } else {
                            1.0
                        };
                        tf += FIELD_WEIGHTS[f] * f64::from(count) / norm;
                    }
                    let s = factor * idf * tf * (K1 + 1.0) / (tf + K1);
                    if seen[slot] {
                        best[slot] = best[slot].max(s);
                        best_mask[slot] |= fields;
                    } else {
                        seen[slot] = true;
                        best[slot] = s;
                        best_mask[slot] = fields;
                        touched.push(slot);
                    }
                }
            }
            if touched.is_empty() {
                return Vec::new();
            }
            for &slot in &touched {
                seen[slot] = false;
                matched[slot] += 1;
                score[slot] += best[slot];
                mask[slot] |= best_mask[slot];
            }
        }
        // Documents touched by the last term matched all of them.
        touched
            .into_iter()
            .map(|slot| (slot, score[slot], mask[slot]))
            .collect()
    }

    fn hit(
        &self,
        slot: usize,
        score: f64,
        mask: u8,
        term_sets: &[Vec<u32>],
        lang: Option<&str>,
    ) -> Hit {
        let entry = self.entry(slot);
        let doc = &entry.doc;
        let title = match pick_lang(&doc.titles, lang) {
            Some(i) => doc.titles[i].1.clone(),
            None => doc.id.clone(),
        };
        let description = pick_lang(&doc.descriptions, lang)
            .map(|i| summarize(&doc.descriptions[i].1, DESCRIPTION_CHARS))
            .unwrap_or_default();

        // (terms matched, variable index)
        let mut variables: Vec<(usize, usize)> = Vec::new();
        for i in 0..doc.variables.len() {
            let ids = entry.variable(i);
            let n = term_sets
                .iter()
                .filter(|set| ids.iter().any(|id| set.binary_search(id).is_ok()))
                .count();
            if n > 0 {
                variables.push((n, i));
            }
        }
        // Variables matching every term if any does, else those matching at
        // least one, the most matched first.
        if variables.iter().any(|&(n, _)| n == term_sets.len()) {
            variables.retain(|&(n, _)| n == term_sets.len());
        }
        variables.sort_by_key(|&(n, _)| std::cmp::Reverse(n));

        Hit {
            id: doc.id.clone(),
            iri: doc.iri.clone(),
            score,
            title,
            description,
            matched_variables: variables
                .into_iter()
                .map(|(_, i)| doc.variables[i].name.clone())
                .collect(),
            matched_fields: (0..N_FIELDS)
                .filter(|f| mask & (1 << f) != 0)
                .map(|f| FIELD_NAMES[f].to_owned())
                .collect(),
        }
    }
}

impl Extend<SearchDoc> for SearchIndex {
    fn extend<I: IntoIterator<Item = SearchDoc>>(&mut self, docs: I) {
        for doc in docs {
            self.upsert(doc);
        }
    }
}

impl FromIterator<SearchDoc> for SearchIndex {
    fn from_iter<I: IntoIterator<Item = SearchDoc>>(docs: I) -> Self {
        let mut index = Self::new();
        index.extend(docs);
        index
    }
}

/// Index of the value to display: the requested language, then `en`, then
/// `fr`, then the first value. Tags compare case-insensitively, and a tag
/// matches another with the same primary subtag (`en-GB` ~ `en`).
fn pick_lang(values: &[(String, String)], lang: Option<&str>) -> Option<usize> {
    if values.is_empty() {
        return None;
    }
    let primary = |tag: &str| {
        tag.split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    for wanted in lang.into_iter().chain(["en", "fr"]) {
        if wanted.is_empty() {
            continue;
        }
        if let Some(i) = values
            .iter()
            .position(|(l, _)| l.eq_ignore_ascii_case(wanted))
        {
            return Some(i);
        }
        let wanted = primary(wanted);
        if let Some(i) = values.iter().position(|(l, _)| primary(l) == wanted) {
            return Some(i);
        }
    }
    Some(0)
}

/// Collapses whitespace and cuts `text` to at most `max` characters,
/// preferably at a word boundary, appending `…` when cut.
fn summarize(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some((cut, _)) = collapsed.char_indices().nth(max) else {
        return collapsed;
    };
    let head = &collapsed[..cut];
    let head = match head.rfind(' ') {
        Some(space) if space >= cut / 2 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_lang_falls_back() {
        let values = |tags: &[&str]| -> Vec<(String, String)> {
            tags.iter()
                .map(|t| (t.to_string(), format!("v-{t}")))
                .collect()
        };
        assert_eq!(pick_lang(&values(&["fr", "en"]), Some("fr")), Some(0));
        assert_eq!(pick_lang(&values(&["fr", "en"]), Some("de")), Some(1));
        assert_eq!(pick_lang(&values(&["de", "fr"]), None), Some(1));
        assert_eq!(pick_lang(&values(&["de", "it"]), Some("es")), Some(0));
        assert_eq!(pick_lang(&values(&["fr", "en-GB"]), Some("EN")), Some(1));
        assert_eq!(pick_lang(&values(&["fr", "en"]), Some("fr-CA")), Some(0));
        assert_eq!(pick_lang(&[], Some("fr")), None);
    }

    #[test]
    fn summarize_cuts_at_words() {
        assert_eq!(summarize("  short \n text ", 300), "short text");
        let long = "word ".repeat(100);
        let cut = summarize(&long, 300);
        assert!(cut.chars().count() <= 301, "{}", cut.len());
        assert!(cut.ends_with("word…"), "{cut}");
        let unbroken = "x".repeat(400);
        assert_eq!(summarize(&unbroken, 300).chars().count(), 301);
    }

    #[test]
    fn prefix_ranges() {
        let mut dict = Dictionary::default();
        for term in [
            "ab",
            "abc",
            "abd",
            "abcdefgh",
            "abcdefghij",
            "abcdefgz",
            "b",
            "a",
        ] {
            dict.intern(term);
        }
        let with = |prefix: &str| {
            let mut terms: Vec<String> = dict
                .with_prefix(prefix)
                .map(|(t, _)| t.to_owned())
                .collect();
            terms.sort_unstable();
            terms
        };
        assert_eq!(with("abc"), ["abc", "abcdefgh", "abcdefghij", "abcdefgz"]);
        assert_eq!(with("abcdefgh"), ["abcdefgh", "abcdefghij"]);
        assert_eq!(with("abcdefghi"), ["abcdefghij"]);
        assert_eq!(with("a").len(), 7);
        assert_eq!(with("b"), ["b"]);
        assert!(with("c").is_empty());
    }

    #[test]
    fn unindex_leaves_no_stale_terms() {
        let mut index = SearchIndex::new();
        index.upsert(SearchDoc {
            id: "a".into(),
            titles: vec![("fr".into(), "Bronchiolite du nourrisson".into())],
            ..SearchDoc::default()
        });
        assert!(index.dict.get("bronchiolite").is_some());
        index.upsert(SearchDoc {
            id: "a".into(),
            titles: vec![("fr".into(), "Asthme".into())],
            ..SearchDoc::default()
        });
        assert!(index.dict.get("bronchiolite").is_none());
        assert_eq!(index.dict.with_prefix("bronchio").count(), 0);
        assert!(index.dict.get("asthme").is_some());
        assert!(index.remove("a"));
        assert!(index.dict.ids.is_empty());
        assert!(index.dict.sorted.is_empty());
        assert!(index.dict.terms.iter().all(|t| t.postings.is_empty()));
        assert_eq!(index.total_lens, [0; N_FIELDS]);
    }
}
