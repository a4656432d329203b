//! In-memory, accent-insensitive, ranked full-text search with facets over the
//! node's catalogue records, so a researcher can find which database holds a
//! variable.
//!
//! The catalogue crate turns each HealthDCAT-AP dataset into a [`SearchDoc`]
//! (this crate knows nothing about RDF); the server keeps one [`SearchIndex`]
//! (typically behind an `RwLock`) and answers [`SearchQuery`]s with
//! [`SearchResults`].
//!
//! ```
//! use hublot_search::{SearchDoc, SearchIndex, SearchQuery, Variable};
//!
//! let mut index = SearchIndex::new();
//! index.upsert(SearchDoc {
//!     id: "pmsi-mco".into(),
//!     iri: "https://chu.example/dataset/pmsi-mco".into(),
//!     titles: vec![("fr".into(), "Séjours hospitaliers MCO".into())],
//!     variables: vec![Variable {
//!         name: "visit_start_date".into(),
//!         ..Variable::default()
//!     }],
//!     facets: vec![("theme".into(), "HEAL".into())],
//!     ..SearchDoc::default()
//! });
//!
//! let results = index.search(&SearchQuery::new("sejour start dat").with_filter("theme", "HEAL"));
//! assert_eq!(results.total, 1);
//! assert_eq!(results.hits[0].matched_variables, ["visit_start_date"]);
//! assert_eq!(results.facets["theme"][0].count, 1);
//! ```
//!
//! # Text analysis
//!
//! * Text is split into words on anything that is not a letter or a digit;
//!   inside a word, camelCase (`conditionConceptId`), acronym (`HTTPServer`)
//!   and letter/digit (`covid19`) boundaries split further, so snake_case and
//!   camelCase variable names match their parts. Acronym plurals stay whole
//!   (`patientIDs` → `patient`, `ids`).
//! * Words are transliterated to ASCII with `deunicode` and lowercased
//!   (`é`→`e`, `ç`→`c`, `œ`→`oe`); decomposed accents (NFD) are handled too.
//! * Light plural stemming for French and English (`hôpitaux`→`hopital`,
//!   `studies` and `study`→`studi`, `diabetes`→`diabete`, trailing `s`/`x`),
//!   applied the same way to documents and queries.
//! * The index also stores each multi-part word and each multi-part
//!   identifier (variable name, table name, dataset identifier) glued together,
//!   so `conditionconceptid` typed in lowercase still finds
//!   `conditionConceptId`, and `visitstartdate` finds `visit_start_date`.
//!
//! # Queries
//!
//! * All query terms must match (AND), each in any field.
//! * The last term is also matched as a prefix (type-ahead: `bronchio` finds
//!   `bronchiolite`), unless the query text ends with whitespace, which marks
//!   the last word as complete. Prefix expansions score slightly below exact
//!   matches.
//! * Common French and English stop words (`de`, `la`, `l'`, `the`, `of`, …)
//!   are ignored unless the query holds nothing else, so `taux de mortalité`
//!   matches a `taux_mortalite` variable, and typing `mortalité de` keeps
//!   the results of `mortalité` until the next word takes shape.
//! * Ranking is BM25F (k1 = 1.2, b = 0.75, idf over the whole index): per
//!   field, term frequencies (capped at 15) are length-normalised against
//!   that field's average, weighted (title and identifier ×3; keywords,
//!   variable names/labels and table names ×2; descriptions and variable
//!   descriptions ×1), summed, then saturated. A document's score is the sum
//!   over query terms (for the prefix term, its best expansion). Hits are
//!   ordered by score, then identifier, so ordering is deterministic.
//! * An empty query (no words) lists every document, sorted by the folded
//!   title in the requested language, so facets work as a browse.
//! * `lang` only chooses which title and description are displayed
//!   (requested language, then `en`, then `fr`, then the first one); all
//!   languages are always searched.
//!
//! # Facets
//!
//! Filters are ANDed across facet names and ORed within one facet name.
//! Facet counts are *disjunctive*: the counts for a facet name are computed
//! over the documents matching the text and the filters on every **other**
//! facet name (the facet's own filter is ignored). For a facet without a
//! filter this is exactly the count over the filtered result set; for a
//! filtered facet it keeps the other values visible with the number of
//! documents each would add, which is what an OR-within-facet checkbox list
//! needs. Selected filter values always appear in the counts, with 0 if
//! nothing matches them.

mod index;
mod text;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use index::SearchIndex;
pub use text::{fold, tokenize};

/// Facet names the catalogue crate emits. Any other name works too.
pub mod facet {
    /// `dcat:theme` (value: theme IRI).
    pub const THEME: &str = "theme";
    /// `healthdcatap:healthCategory` (value: category IRI).
    pub const HEALTH_CATEGORY: &str = "health_category";
    /// `dct:accessRights` (value: access-rights IRI).
    pub const ACCESS_RIGHTS: &str = "access_rights";
    /// `dct:publisher` (value: publisher IRI or label).
    pub const PUBLISHER: &str = "publisher";
}

/// Page size used when a query asks for a page size of 0.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// Largest page size a query can get; larger requests are clamped.
pub const MAX_PAGE_SIZE: usize = 500;
/// Maximum length, in characters, of [`Hit::description`] (an ellipsis is
/// appended when the text is cut).
pub const DESCRIPTION_CHARS: usize = 300;

/// One catalogue record (a dataset) as seen by the search index.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// `dct:identifier`; the key for [`SearchIndex::upsert`] and
    /// [`SearchIndex::remove`].
    pub id: String,
    /// The dataset IRI.
    pub iri: String,
    /// `(language tag, title)`; the language tag may be empty.
    pub titles: Vec<(String, String)>,
    /// `(language tag, description)`.
    pub descriptions: Vec<(String, String)>,
    /// `(language tag, keyword)`.
    pub keywords: Vec<(String, String)>,
    /// Variables (columns) the dataset holds.
    pub variables: Vec<Variable>,
    /// `(facet name, value)`; see [`facet`] for the usual names. Values are
    /// compared verbatim.
    pub facets: Vec<(String, String)>,
}

/// A variable (column) of a dataset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Variable {
    /// Technical name, e.g. `visit_start_date` or `conditionConceptId`.
    pub name: String,
    /// `(language tag, label)`.
    pub labels: Vec<(String, String)>,
    /// `(language tag, description)`.
    pub description: Vec<(String, String)>,
    /// Table the variable belongs to, if the dataset has several.
    pub table: Option<String>,
}

/// A search request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// Free text; empty (or punctuation only) lists everything.
    pub text: String,
    /// `(facet name, value)`: AND across names, OR within the same name.
    pub filters: Vec<(String, String)>,
    /// Preferred display language (`fr`, `en`, `en-GB`, …).
    pub lang: Option<String>,
    /// 1-based page number; 0 is treated as 1.
    pub page: usize,
    /// Hits per page; 0 means [`DEFAULT_PAGE_SIZE`], clamped to
    /// [`MAX_PAGE_SIZE`].
    pub page_size: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            text: String::new(),
            filters: Vec::new(),
            lang: None,
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl SearchQuery {
    /// A first-page query for `text` with the default page size.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// Adds a facet filter.
    #[must_use]
    pub fn with_filter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.push((name.into(), value.into()));
        self
    }

    /// Sets the display language.
    #[must_use]
    pub fn with_lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Sets the 1-based page and the page size.
    #[must_use]
    pub fn with_page(mut self, page: usize, page_size: usize) -> Self {
        self.page = page;
        self.page_size = page_size;
        self
    }
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Number of documents matching the text and all filters.
    pub total: usize,
    /// Effective 1-based page.
    pub page: usize,
    /// Effective page size.
    pub page_size: usize,
    /// The hits of this page, best first.
    pub hits: Vec<Hit>,
    /// Facet name → values with document counts (count desc, then value);
    /// see the crate documentation for how counts treat filters.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

/// A facet value and the number of documents carrying it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: usize,
}

/// One matching document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: String,
    pub iri: String,
    /// BM25F score; 0 when browsing with an empty query.
    pub score: f64,
    /// Title in the requested language, else `en`, else `fr`, else the first
    /// one; the identifier when the document has no title.
    pub title: String,
    /// Description chosen like the title, whitespace-collapsed and cut to
    /// about [`DESCRIPTION_CHARS`] characters; empty if there is none.
    pub description: String,
    /// Names of the variables whose name, labels or description match every
    /// query term; if no variable matches them all (the other terms matched
    /// elsewhere in the record), the variables matching at least one term,
    /// those matching the most terms first. Declaration order otherwise.
    pub matched_variables: Vec<String>,
    /// Fields where at least one query term matched, in the fixed order
    /// `title`, `identifier`, `keywords`, `variables`, `tables`,
    /// `description`, `variable_descriptions`.
    pub matched_fields: Vec<String>,
}
