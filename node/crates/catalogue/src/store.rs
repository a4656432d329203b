//! The durable catalogue store.
//!
//! Writes go first to an SQLite journal (WAL, `synchronous=FULL`), one transaction per
//! request, and only then into the in-memory oxigraph store that SPARQL, export and search
//! read. On start the journal is replayed into oxigraph. A write is acknowledged only once
//! its SQLite transaction has committed, so `kill -9` loses nothing acknowledged, and a
//! request that fails (syntax, validation, identifier) changes nothing.
//!
//! Each record lives in its own named graph `{base}records/{identifier}`; the catalogue's
//! own description (title, publisher, `dcat:dataset` links…) lives in `{base}catalog/graph`.
//! SPARQL queries see the union of all of them as their default graph.

use crate::authoring;
use crate::error::CatalogueError;
use crate::extract;
use crate::format::{self, InputFormat, RdfFormatName};
use crate::records::{self, Record};
use crate::vocab::*;
use hublot_search::{SearchIndex, SearchQuery, SearchResults};
use hublot_shacl::healthdcat::{HealthDcatReport, HealthDcatValidator};
use oxigraph::model::{NamedNode, NamedNodeRef, QuadRef};
use oxigraph::store::Store;
use oxrdf::{Graph, Literal, LiteralRef, NamedOrBlankNode, NamedOrBlankNodeRef, Triple, TripleRef};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How the catalogue describes itself, from the node's configuration.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CatalogueConfig {
    /// The node's public URL, ending in `/` (dataset IRIs and links are built on it).
    pub base_url: String,
    /// Catalogue title per language code (`fr`, `en`, …).
    pub title: BTreeMap<String, String>,
    /// Catalogue description per language code.
    pub description: BTreeMap<String, String>,
    /// The organisation that publishes the catalogue (the hospital).
    pub publisher_name: String,
    /// IRI of the publisher, when it has one (e.g. its ROR or SIRENE IRI).
    pub publisher_iri: Option<String>,
    /// Publisher type code from the HealthData@EU publisher-type vocabulary.
    pub publisher_type: String,
    /// Home page of the catalogue or the hospital's data warehouse.
    pub homepage: Option<String>,
    /// EU language codes (`FRA`, `ENG`, …) of the metadata.
    pub languages: Vec<String>,
    /// EU country code of the catalogue's coverage (`FRA`).
    pub country: String,
    /// Licence of the metadata itself (default: Etalab Open Licence 2.0).
    pub licence: String,
    /// Page size of `/catalog` when the request names none.
    pub default_page_size: usize,
    /// Largest page size a request may ask for.
    pub max_page_size: usize,
}

impl Default for CatalogueConfig {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8080/".into(),
            title: BTreeMap::from([
                ("en".into(), "Hublot node catalogue".into()),
                ("fr".into(), "Catalogue du nœud Hublot".into()),
            ]),
            description: BTreeMap::from([
                (
                    "en".into(),
                    "Health datasets held by this hospital, described in HealthDCAT-AP.".into(),
                ),
                (
                    "fr".into(),
                    "Jeux de données de santé détenus par cet hôpital, décrits en HealthDCAT-AP."
                        .into(),
                ),
            ]),
            publisher_name: "Hublot node".into(),
            publisher_iri: None,
            publisher_type: "healthcare-providers".into(),
            homepage: None,
            languages: vec!["FRA".into(), "ENG".into()],
            country: "FRA".into(),
            licence: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/".into(),
            default_page_size: 100,
            max_page_size: 10_000,
        }
    }
}

/// Figures computed from the warehouse for a dataset (see [`Catalogue::apply_statistics`]).
/// Dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatasetFigures {
    pub records: Option<u64>,
    pub individuals: Option<u64>,
    pub min_typical_age: Option<u64>,
    pub max_typical_age: Option<u64>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

/// What an import does beyond storing.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Store records even when they do not conform to the shapes.
    pub allow_invalid: bool,
    /// For `PUT /datasets/{id}`: the body must describe exactly this identifier.
    pub expected_identifier: Option<String>,
}

/// The result of storing one record.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportOutcome {
    pub identifier: String,
    pub dataset: String,
    /// `true` when the record is new, `false` when it replaced one.
    pub created: bool,
    pub triples: usize,
}

/// What the node knows about a stored record besides its triples.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordMeta {
    pub identifier: String,
    pub dataset: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub modified: OffsetDateTime,
    /// SHA-256 of the record's canonical N-Triples (the basis of its ETag).
    pub sha256: String,
}

struct State {
    revision: u64,
    modified: OffsetDateTime,
    records: BTreeMap<String, RecordMeta>,
    /// Each record's triples exactly as stored in the journal. DCAT responses and exports
    /// are built from these, not from oxigraph: its store normalises integer-derived
    /// datatypes (e.g. `xsd:nonNegativeInteger` becomes `xsd:integer`), which would break
    /// conformance and round trips.
    graphs: BTreeMap<String, Arc<Graph>>,
}

/// The node's catalogue: durable journal, queryable store, search index.
pub struct Catalogue {
    config: CatalogueConfig,
    journal: Mutex<Connection>,
    store: Store,
    index: RwLock<SearchIndex>,
    state: RwLock<State>,
    validator: OnceLock<Arc<HealthDcatValidator>>,
    path: PathBuf,
    /// Serialises writes and reloads, so the journal and the store move together.
    write_lock: Mutex<()>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("path", &self.path)
            .field("base_url", &self.config.base_url)
            .finish_non_exhaustive()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS records (
    identifier TEXT PRIMARY KEY,
    dataset    TEXT NOT NULL,
    ntriples   BLOB NOT NULL,
    sha256     TEXT NOT NULL,
    created    TEXT NOT NULL,
    modified   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

impl Catalogue {
    /// Opens (creating if needed) the catalogue journal `catalogue.db` in `dir` and replays it.
    pub fn open(dir: &Path, mut config: CatalogueConfig) -> Result<Self, CatalogueError> {
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        NamedNode::new(format!("{}catalog", config.base_url)).map_err(|e| {
            CatalogueError::InvalidRecord(format!(
                "base_url {:?} is not an absolute IRI: {e}",
                config.base_url
            ))
        })?;
        std::fs::create_dir_all(dir)?;
        let path = dir.join("catalogue.db");
        let conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        let catalogue = Self {
            config,
            journal: Mutex::new(conn),
            store: Store::new()?,
            index: RwLock::new(SearchIndex::new()),
            state: RwLock::new(State {
                revision: 0,
                modified: OffsetDateTime::now_utc(),
                records: BTreeMap::new(),
                graphs: BTreeMap::new(),
            }),
            validator: OnceLock::new(),
            path,
            write_lock: Mutex::new(()),
        };
        catalogue.replay()?;
        Ok(catalogue)
    }

    fn replay(&self) -> Result<(), CatalogueError> {
        let conn = self.journal.lock().expect("journal lock");
        let mut stmt = conn.prepare(
            "SELECT identifier, dataset, ntriples, sha256, created, modified FROM records ORDER BY identifier",
        )?;
        let mut rows = stmt.query([])?;
        let mut state = self.state.write().expect("state lock");
        let mut index = self.index.write().expect("index lock");
        let mut last = OffsetDateTime::UNIX_EPOCH;
        let mut loader = self.store.bulk_loader();
        while let Some(row) = rows.next()? {
            let identifier: String = row.get(0)?;
            let dataset: String = row.get(1)?;
            let nt: Vec<u8> = row.get(2)?;
            let graph = parse_journal(&nt, &identifier)?;
            let meta = RecordMeta {
                identifier: identifier.clone(),
                dataset,
                sha256: row.get(3)?,
                created: parse_time(&row.get::<_, String>(4)?),
                modified: parse_time(&row.get::<_, String>(5)?),
            };
            last = last.max(meta.modified);
            let graph_name = self.record_graph_name(&identifier);
            loader.load_quads(
                graph
                    .iter()
                    .map(|t| t.in_graph(graph_name.as_ref()).into_owned()),
            )?;
            index.upsert(extract::search_doc(&identifier, &meta.dataset, &graph));
            state.graphs.insert(identifier.clone(), Arc::new(graph));
            state.records.insert(identifier, meta);
        }
        loader.commit()?;
        let revision: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'revision'", [], |r| {
                r.get(0)
            })
            .optional()?;
        state.revision = revision.and_then(|r| r.parse().ok()).unwrap_or(0);
        if last > OffsetDateTime::UNIX_EPOCH {
            state.modified = last;
        }
        drop(index);
        drop(state);
        drop(rows);
        drop(stmt);
        drop(conn);
        self.rebuild_catalog_graph()
    }

    /// Reloads from the journal when another process (a `hublot-node catalogue …` command on
    /// the same data directory) changed it. Returns whether it reloaded.
    pub fn sync(&self) -> Result<bool, CatalogueError> {
        let _guard = self.write_lock.lock().expect("write lock");
        let on_disk: u64 = {
            let conn = self.journal.lock().expect("journal lock");
            conn.query_row("SELECT value FROM meta WHERE key = 'revision'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
        };
        if on_disk == self.revision() {
            return Ok(false);
        }
        self.store.clear()?;
        *self.index.write().expect("index lock") = SearchIndex::new();
        {
            let mut state = self.state.write().expect("state lock");
            state.records.clear();
            state.graphs.clear();
        }
        self.replay()?;
        Ok(true)
    }

    pub fn config(&self) -> &CatalogueConfig {
        &self.config
    }

    /// The oxigraph store SPARQL queries run on (read it; never write to it directly).
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    pub fn catalog_iri(&self) -> String {
        format!("{}catalog", self.config.base_url)
    }

    /// The IRI a dataset gets when its record does not give one (YAML records).
    pub fn dataset_iri(&self, identifier: &str) -> String {
        format!("{}datasets/{identifier}", self.config.base_url)
    }

    pub fn record_graph_name(&self, identifier: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}records/{identifier}", self.config.base_url))
    }

    fn catalog_graph_name(&self) -> NamedNode {
        NamedNode::new_unchecked(format!("{}catalog/graph", self.config.base_url))
    }

    /// A counter that changes with every write (used for the catalogue's ETag).
    pub fn revision(&self) -> u64 {
        self.state.read().expect("state lock").revision
    }

    /// When the catalogue was first published: the creation of its oldest record.
    pub fn issued(&self) -> OffsetDateTime {
        let state = self.state.read().expect("state lock");
        state
            .records
            .values()
            .map(|m| m.created)
            .min()
            .unwrap_or(state.modified)
    }

    /// When the catalogue last changed.
    pub fn last_modified(&self) -> OffsetDateTime {
        self.state.read().expect("state lock").modified
    }

    pub fn len(&self) -> usize {
        self.state.read().expect("state lock").records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records' metadata, ordered by identifier.
    pub fn list(&self) -> Vec<RecordMeta> {
        self.state
            .read()
            .expect("state lock")
            .records
            .values()
            .cloned()
            .collect()
    }

    pub fn meta(&self, identifier: &str) -> Option<RecordMeta> {
        self.state
            .read()
            .expect("state lock")
            .records
            .get(identifier)
            .cloned()
    }

    /// The triples of one record.
    pub fn record(
        &self,
        identifier: &str,
    ) -> Result<Option<(RecordMeta, Arc<Graph>)>, CatalogueError> {
        let state = self.state.read().expect("state lock");
        Ok(state
            .records
            .get(identifier)
            .cloned()
            .zip(state.graphs.get(identifier).cloned()))
    }

    /// The shared HealthDCAT-AP validator (loaded on first use).
    pub fn validator(&self) -> Result<Arc<HealthDcatValidator>, CatalogueError> {
        if let Some(v) = self.validator.get() {
            return Ok(v.clone());
        }
        let v = Arc::new(
            HealthDcatValidator::embedded().map_err(|e| CatalogueError::Shacl(e.to_string()))?,
        );
        Ok(self.validator.get_or_init(|| v).clone())
    }

    /// Parses a document (any RDF syntax or the YAML format) into records, without storing.
    pub fn parse(&self, data: &[u8], format: InputFormat) -> Result<Vec<Record>, CatalogueError> {
        parse_records(data, format, &self.config.base_url)
    }

    /// Validates records against the shapes of their access-rights tier.
    pub fn validate(&self, records: &[Record]) -> Result<HealthDcatReport, CatalogueError> {
        let mut union = Graph::new();
        for r in records {
            union.extend(r.graph.iter());
        }
        Ok(self.validator()?.validate(&union))
    }

    /// Parses, validates and stores a document; all its records or none.
    pub fn import(
        &self,
        data: &[u8],
        format: InputFormat,
        options: &ImportOptions,
    ) -> Result<Vec<ImportOutcome>, CatalogueError> {
        let records = self.parse(data, format)?;
        self.import_records(records, options)
    }

    /// Validates and stores records; all of them or none.
    pub fn import_records(
        &self,
        records: Vec<Record>,
        options: &ImportOptions,
    ) -> Result<Vec<ImportOutcome>, CatalogueError> {
        if let Some(expected) = &options.expected_identifier {
            let ids: Vec<&str> = records.iter().map(|r| r.identifier.as_str()).collect();
            if ids != [expected.as_str()] {
                return Err(CatalogueError::IdentifierMismatch(format!(
                    "the body must describe exactly one dataset with dct:identifier {expected:?}; it describes {ids:?}"
                )));
            }
        }
        if !options.allow_invalid {
            let report = self.validate(&records)?;
            if report.violations() > 0 {
                return Err(CatalogueError::NotConforming {
                    violations: report.violations(),
                    text: report.to_text(),
                    json: report.to_json(),
                });
            }
        }
        self.store_records(records)
    }

    fn store_records(&self, records: Vec<Record>) -> Result<Vec<ImportOutcome>, CatalogueError> {
        let _guard = self.write_lock.lock().expect("write lock");
        let now = OffsetDateTime::now_utc();
        let now_s = now.format(&Rfc3339).expect("RFC 3339 time");
        let mut prepared = Vec::with_capacity(records.len());
        for r in records {
            let nt = format::serialize_graph(&r.graph, RdfFormatName::NTriples)?;
            let sha = hex::encode(Sha256::digest(canonical_ntriples(&r.graph)));
            prepared.push((r, nt, sha));
        }
        // 1. The journal, in one transaction: this is the durable commit point.
        let mut outcomes = Vec::with_capacity(prepared.len());
        let mut metas = Vec::with_capacity(prepared.len());
        {
            let mut conn = self.journal.lock().expect("journal lock");
            let tx = conn.transaction()?;
            for (r, nt, sha) in &prepared {
                let created: Option<String> = tx
                    .query_row(
                        "SELECT created FROM records WHERE identifier = ?1",
                        [&r.identifier],
                        |row| row.get(0),
                    )
                    .optional()?;
                let dataset = node_str(&r.dataset);
                tx.execute(
                    "INSERT INTO records (identifier, dataset, ntriples, sha256, created, modified)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                     ON CONFLICT(identifier) DO UPDATE SET dataset = excluded.dataset,
                       ntriples = excluded.ntriples, sha256 = excluded.sha256, modified = excluded.modified",
                    params![r.identifier, dataset, nt, sha, now_s],
                )?;
                outcomes.push(ImportOutcome {
                    identifier: r.identifier.clone(),
                    dataset: dataset.clone(),
                    created: created.is_none(),
                    triples: r.graph.len(),
                });
                metas.push(RecordMeta {
                    identifier: r.identifier.clone(),
                    dataset,
                    created: created.as_deref().map(parse_time).unwrap_or(now),
                    modified: now,
                    sha256: sha.clone(),
                });
            }
            bump_revision(&tx)?;
            tx.commit()?;
        }
        // 2. The queryable store and the search index.
        let mut txn = self.store.start_transaction()?;
        for (r, _, _) in &prepared {
            let name = self.record_graph_name(&r.identifier);
            txn.remove_named_graph(name.as_ref())?;
            txn.insert_named_graph(name.as_ref());
            for t in r.graph.iter() {
                txn.insert(t.in_graph(name.as_ref()));
            }
        }
        txn.commit()?;
        {
            let mut index = self.index.write().expect("index lock");
            let mut state = self.state.write().expect("state lock");
            for ((r, _, _), meta) in prepared.into_iter().zip(metas) {
                index.upsert(extract::search_doc(&r.identifier, &meta.dataset, &r.graph));
                state.records.insert(r.identifier.clone(), meta);
                state.graphs.insert(r.identifier, Arc::new(r.graph));
            }
            state.revision += 1;
            state.modified = now;
        }
        self.rebuild_catalog_graph()?;
        Ok(outcomes)
    }

    /// Deletes a record; `false` when there was none.
    pub fn delete(&self, identifier: &str) -> Result<bool, CatalogueError> {
        let _guard = self.write_lock.lock().expect("write lock");
        {
            let mut conn = self.journal.lock().expect("journal lock");
            let tx = conn.transaction()?;
            let n = tx.execute("DELETE FROM records WHERE identifier = ?1", [identifier])?;
            if n == 0 {
                return Ok(false);
            }
            bump_revision(&tx)?;
            tx.commit()?;
        }
        let name = self.record_graph_name(identifier);
        self.store.remove_named_graph(name.as_ref())?;
        {
            let mut index = self.index.write().expect("index lock");
            let mut state = self.state.write().expect("state lock");
            index.remove(identifier);
            state.records.remove(identifier);
            state.graphs.remove(identifier);
            state.revision += 1;
            state.modified = OffsetDateTime::now_utc();
        }
        self.rebuild_catalog_graph()?;
        Ok(true)
    }

    /// Searches titles, descriptions, keywords and variables.
    pub fn search(&self, query: &SearchQuery) -> SearchResults {
        self.index.read().expect("index lock").search(query)
    }

    /// The catalogue's own description, without its `dcat:dataset` links.
    fn catalog_description(&self) -> Graph {
        let c = &self.config;
        let mut g = Graph::new();
        let cat = NamedNode::new_unchecked(self.catalog_iri());
        let publisher = c
            .publisher_iri
            .clone()
            .map(NamedNode::new_unchecked)
            .unwrap_or_else(|| {
                NamedNode::new_unchecked(format!("{}#publisher", self.catalog_iri()))
            });
        let mut add = |s: &NamedNode, p: &str, o: oxrdf::Term| {
            g.insert(&Triple::new(s.clone(), NamedNode::new_unchecked(p), o));
        };
        let iri = |s: &str| oxrdf::Term::NamedNode(NamedNode::new_unchecked(s));
        add(&cat, RDF_TYPE, iri(DCAT_CATALOG));
        for (lang, text) in &c.title {
            if let Ok(l) = Literal::new_language_tagged_literal(text, lang) {
                add(&cat, DCT_TITLE, l.into());
            }
        }
        for (lang, text) in &c.description {
            if let Ok(l) = Literal::new_language_tagged_literal(text, lang) {
                add(&cat, DCT_DESCRIPTION, l.into());
            }
        }
        add(&cat, DCT_PUBLISHER, publisher.clone().into());
        add(&publisher, RDF_TYPE, iri(FOAF_AGENT));
        add(
            &publisher,
            FOAF_NAME,
            Literal::new_simple_literal(&c.publisher_name).into(),
        );
        let ptype = format!(
            "https://hdeu-dcat.data.health.europa.eu/resource/authority/publisher-type/{}",
            c.publisher_type
        );
        add(&publisher, DCT_TYPE, iri(&ptype));
        concept(
            &mut g,
            &ptype,
            "https://hdeu-dcat.data.health.europa.eu/resource/authority/publisher-type",
            &c.publisher_type,
        );
        let mut add = |s: &NamedNode, p: &str, o: oxrdf::Term| {
            g.insert(&Triple::new(s.clone(), NamedNode::new_unchecked(p), o));
        };
        let home = c.homepage.clone().unwrap_or_else(|| c.base_url.clone());
        if let Ok(h) = NamedNode::new(home) {
            add(&cat, FOAF_HOMEPAGE, h.clone().into());
            add(&h, RDF_TYPE, iri(FOAF_DOCUMENT));
        }
        for lang in &c.languages {
            let l = NamedNode::new_unchecked(format!("{EU_LANGUAGE}{lang}"));
            add(&cat, DCT_LANGUAGE, l.clone().into());
            add(&l, RDF_TYPE, iri(&format!("{DCT}LinguisticSystem")));
        }
        let country = NamedNode::new_unchecked(format!("{EU_COUNTRY}{}", c.country));
        add(&cat, DCT_SPATIAL, country.clone().into());
        add(&country, RDF_TYPE, iri(&format!("{DCT}Location")));
        let licence = NamedNode::new_unchecked(&c.licence);
        add(&cat, DCT_LICENSE, licence.clone().into());
        add(&licence, RDF_TYPE, iri(&format!("{DCT}LicenseDocument")));
        add(&licence, DCT_TYPE, iri(ADMS_LICENCE_ATTRIBUTION));
        let ehds = NamedNode::new_unchecked("http://data.europa.eu/eli/reg/2025/327/oj");
        add(
            &cat,
            "http://data.europa.eu/r5r/applicableLegislation",
            ehds.clone().into(),
        );
        add(
            &ehds,
            RDF_TYPE,
            iri("http://data.europa.eu/eli/ontology#LegalResource"),
        );
        let theme_scheme = NamedNode::new_unchecked(EU_DATA_THEME);
        add(&cat, DCAT_THEME_TAXONOMY, theme_scheme.clone().into());
        add(&theme_scheme, RDF_TYPE, iri(SKOS_CONCEPT_SCHEME));
        add(
            &theme_scheme,
            DCT_TITLE,
            Literal::new_language_tagged_literal_unchecked("Data theme", "en").into(),
        );
        let modified = self.last_modified();
        add(&cat, DCT_MODIFIED, date_time(modified).into());
        add(&cat, DCT_ISSUED, date_time(self.issued()).into());
        concept(
            &mut g,
            ADMS_LICENCE_ATTRIBUTION,
            "http://purl.org/adms/licencetype/1.0",
            "Attribution",
        );
        g
    }

    fn rebuild_catalog_graph(&self) -> Result<(), CatalogueError> {
        let name = self.catalog_graph_name();
        let mut g = self.catalog_description();
        let cat = NamedNode::new_unchecked(self.catalog_iri());
        let dataset_prop = NamedNodeRef::new_unchecked(DCAT_DATASET_PROP);
        for m in self.list() {
            if let Ok(ds) = NamedNode::new(&m.dataset) {
                g.insert(TripleRef::new(&cat, dataset_prop, &ds));
            }
        }
        let mut txn = self.store.start_transaction()?;
        txn.remove_named_graph(name.as_ref())?;
        for t in g.iter() {
            txn.insert(QuadRef::new(
                t.subject,
                t.predicate,
                t.object,
                name.as_ref(),
            ));
        }
        txn.commit()?;
        Ok(())
    }

    /// One page of the catalogue (1-based), with every record of the page and a Hydra view.
    /// `None` for the page size means the whole catalogue.
    pub fn catalog_page(&self, page: Option<(usize, usize)>) -> Result<Graph, CatalogueError> {
        let (mut g, records) = self.catalog_page_parts(page);
        for graph in &records {
            g.extend(graph.iter());
        }
        Ok(g)
    }

    /// [`Catalogue::catalog_page`] serialised. The page's own triples and each record's
    /// graph go straight to the serialiser, without merging them into one graph first
    /// (merging a 10,000-record catalogue takes seconds); the triples that several of them
    /// hold (vocabulary terms) are written once. Same triples as serialising
    /// `catalog_page`, in another order.
    pub fn catalog_page_document(
        &self,
        page: Option<(usize, usize)>,
        format: RdfFormatName,
    ) -> Result<Vec<u8>, CatalogueError> {
        let (head, records) = self.catalog_page_parts(page);
        let graphs: Vec<&Graph> = std::iter::once(&head)
            .chain(records.iter().map(|g| &**g))
            .collect();
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        // Line-based syntaxes can be written in parts and concatenated (Turtle allows
        // `@prefix` directives anywhere), so a large page uses every core.
        if threads < 2 || !matches!(format, RdfFormatName::NTriples | RdfFormatName::Turtle) {
            return format::serialize_triples(each_triple_once(&graphs), format);
        }
        let triples: Vec<TripleRef<'_>> = each_triple_once(&graphs).collect();
        if triples.len() < PARALLEL_SERIALISATION_THRESHOLD {
            return format::serialize_triples(triples, format);
        }
        let chunk = triples.len().div_ceil(threads);
        let parts: Vec<Result<Vec<u8>, CatalogueError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = triples
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || format::serialize_triples(part.iter().copied(), format))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("serialisation thread"))
                .collect()
        });
        let mut out =
            Vec::with_capacity(parts.iter().map(|p| p.as_ref().map_or(0, Vec::len)).sum());
        for part in parts {
            out.extend_from_slice(&part?);
        }
        Ok(out)
    }

    /// The triples of a page other than its records' (catalogue description, Hydra view,
    /// `dcat:dataset` links), and the graphs of its records.
    fn catalog_page_parts(&self, page: Option<(usize, usize)>) -> (Graph, Vec<Arc<Graph>>) {
        let (metas, graphs): (Vec<RecordMeta>, Vec<Arc<Graph>>) = {
            let state = self.state.read().expect("state lock");
            state
                .records
                .values()
                .cloned()
                .zip(state.graphs.values().cloned())
                .unzip()
        };
        let total = metas.len();
        let mut g = self.catalog_description();
        let cat = NamedNode::new_unchecked(self.catalog_iri());
        let (skip, take) = match page {
            Some((page, size)) => ((page - 1) * size, size),
            None => (0, total),
        };
        let selected = metas.iter().zip(&graphs).skip(skip).take(take);
        let hydra = |l: &str| NamedNode::new_unchecked(format!("{HYDRA}{l}"));
        g.insert(TripleRef::new(
            &cat,
            NamedNodeRef::new_unchecked(RDF_TYPE),
            &hydra("Collection"),
        ));
        g.insert(TripleRef::new(
            &cat,
            &hydra("totalItems"),
            LiteralRef::new_typed_literal(
                &total.to_string(),
                NamedNodeRef::new_unchecked(XSD_NON_NEGATIVE_INTEGER),
            ),
        ));
        if let Some((page, size)) = page {
            let last = total.div_ceil(size).max(1);
            let url = |p: usize| {
                NamedNode::new_unchecked(format!("{}?page={p}&pageSize={size}", self.catalog_iri()))
            };
            let view = url(page);
            g.insert(TripleRef::new(&cat, &hydra("view"), &view));
            g.insert(TripleRef::new(
                &view,
                NamedNodeRef::new_unchecked(RDF_TYPE),
                &hydra("PartialCollectionView"),
            ));
            g.insert(TripleRef::new(&view, &hydra("first"), &url(1)));
            g.insert(TripleRef::new(&view, &hydra("last"), &url(last)));
            if page > 1 {
                g.insert(TripleRef::new(&view, &hydra("previous"), &url(page - 1)));
            }
            if page < last {
                g.insert(TripleRef::new(&view, &hydra("next"), &url(page + 1)));
            }
        }
        let dataset_prop = NamedNodeRef::new_unchecked(DCAT_DATASET_PROP);
        let mut records = Vec::new();
        for (m, graph) in selected {
            if let Ok(ds) = NamedNode::new(&m.dataset) {
                g.insert(TripleRef::new(&cat, dataset_prop, &ds));
            }
            records.push(graph.clone());
        }
        (g, records)
    }

    /// The whole catalogue in one document.
    pub fn export(&self, format: RdfFormatName) -> Result<Vec<u8>, CatalogueError> {
        self.catalog_page_document(None, format)
    }

    /// Only the records' triples, without the catalogue's own description (to move records
    /// between nodes, or compare them with their source).
    pub fn export_records(&self, format: RdfFormatName) -> Result<Vec<u8>, CatalogueError> {
        let mut g = Graph::new();
        for graph in self.state.read().expect("state lock").graphs.values() {
            g.extend(graph.iter());
        }
        format::serialize_graph(&g, format)
    }

    /// Writes figures computed from the warehouse into a stored record (HealthDCAT-AP
    /// `numberOfRecords`, `numberOfUniqueIndividuals`, `minTypicalAge`, `maxTypicalAge`,
    /// the temporal coverage and `dct:modified`), replacing earlier values; the updated
    /// record is validated like any import. A figure that is `None` (withheld by disclosure
    /// control) is removed rather than left stale.
    pub fn apply_statistics(
        &self,
        identifier: &str,
        stats: &DatasetFigures,
    ) -> Result<ImportOutcome, CatalogueError> {
        let (meta, graph) = self.record(identifier)?.ok_or_else(|| {
            CatalogueError::InvalidRecord(format!("no dataset with identifier {identifier:?}"))
        })?;
        let mut graph = (*graph).clone();
        let ds = NamedNode::new(&meta.dataset).map_err(|_| {
            CatalogueError::InvalidRecord(format!(
                "dataset {identifier:?} has no IRI to attach statistics to"
            ))
        })?;
        let hd = |l: &str| NamedNode::new_unchecked(format!("{HEALTHDCATAP}{l}"));
        let nni = NamedNodeRef::new_unchecked(XSD_NON_NEGATIVE_INTEGER);
        let date = NamedNodeRef::new_unchecked(XSD_DATE);
        for (prop, value) in [
            (hd("numberOfRecords"), stats.records),
            (hd("numberOfUniqueIndividuals"), stats.individuals),
            (hd("minTypicalAge"), stats.min_typical_age),
            (hd("maxTypicalAge"), stats.max_typical_age),
        ] {
            remove_values(&mut graph, &ds, &prop);
            if let Some(v) = value {
                graph.insert(TripleRef::new(
                    &ds,
                    &prop,
                    LiteralRef::new_typed_literal(&v.to_string(), nni),
                ));
            }
        }
        if let Some(last) = &stats.last_date {
            let modified = NamedNode::new_unchecked(DCT_MODIFIED);
            remove_values(&mut graph, &ds, &modified);
            graph.insert(TripleRef::new(
                &ds,
                &modified,
                LiteralRef::new_typed_literal(last, date),
            ));
        }
        if let (Some(first), Some(last)) = (&stats.first_date, &stats.last_date) {
            let temporal = NamedNode::new_unchecked(format!("{DCT}temporal"));
            let period = graph
                .object_for_subject_predicate(&ds, &temporal)
                .and_then(|o| match o {
                    oxrdf::TermRef::NamedNode(n) => Some(NamedOrBlankNode::from(n.into_owned())),
                    oxrdf::TermRef::BlankNode(b) => Some(NamedOrBlankNode::from(b.into_owned())),
                    _ => None,
                })
                .unwrap_or_else(|| {
                    let p = NamedOrBlankNode::from(NamedNode::new_unchecked(format!(
                        "{}#temporal-coverage",
                        meta.dataset
                    )));
                    graph.insert(TripleRef::new(&ds, &temporal, &p));
                    graph.insert(TripleRef::new(
                        &p,
                        NamedNodeRef::new_unchecked(RDF_TYPE),
                        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/PeriodOfTime"),
                    ));
                    p
                });
            for (prop, value) in [("startDate", first), ("endDate", last)] {
                let prop = NamedNode::new_unchecked(format!("{DCAT}{prop}"));
                remove_values(&mut graph, &period, &prop);
                graph.insert(TripleRef::new(
                    &period,
                    &prop,
                    LiteralRef::new_typed_literal(value, date),
                ));
            }
        }
        let record = Record {
            identifier: identifier.to_owned(),
            dataset: NamedOrBlankNode::from(ds),
            graph,
        };
        let mut outcomes = self.import_records(vec![record], &ImportOptions::default())?;
        Ok(outcomes.remove(0))
    }

    /// Where the journal lives.
    pub fn journal_path(&self) -> &Path {
        &self.path
    }
}

/// Parses a document (any RDF syntax or YAML) into records; `base` is the node's public URL.
pub fn parse_records(
    data: &[u8],
    format: InputFormat,
    base: &str,
) -> Result<Vec<Record>, CatalogueError> {
    match format {
        InputFormat::Rdf(f) => {
            let graph = format::parse_rdf(data, f, Some(base))?;
            records::split(&graph)
        }
        InputFormat::Yaml => {
            let text = std::str::from_utf8(data).map_err(|e| CatalogueError::Syntax {
                format: "YAML",
                position: None,
                message: format!("the document is not UTF-8: {e}"),
            })?;
            let mut all = Vec::new();
            for spec in authoring::parse_yaml(text)? {
                let graph = spec.to_graph(base)?;
                let mut recs = records::split(&graph)?;
                all.append(&mut recs);
            }
            let mut seen = std::collections::HashSet::new();
            for r in &all {
                if !seen.insert(r.identifier.clone()) {
                    return Err(CatalogueError::InvalidRecord(format!(
                        "two datasets share dct:identifier {:?}",
                        r.identifier
                    )));
                }
            }
            Ok(all)
        }
    }
}

/// Every distinct triple of `graphs`, once. Each graph is a set, so a triple can only
/// repeat across graphs, and only if its subject does: only the triples of subjects met in
/// more than one graph (vocabulary terms) go through a hash set.
/// Pages with more triples than this are serialised on several threads.
const PARALLEL_SERIALISATION_THRESHOLD: usize = 100_000;

fn each_triple_once<'a>(graphs: &'a [&'a Graph]) -> impl Iterator<Item = TripleRef<'a>> + 'a {
    // Subject → (first graph that has it, whether its triples there are in `seen` yet).
    let triples: usize = graphs.iter().map(|g| g.len()).sum();
    let mut first: HashMap<NamedOrBlankNodeRef<'a>, (usize, bool)> =
        HashMap::with_capacity(triples / 4);
    let mut seen: HashSet<TripleRef<'a>> = HashSet::new();
    // A graph's triples come grouped by subject: look each subject up once.
    let mut current: Option<(usize, NamedOrBlankNodeRef<'a>, bool)> = None;
    graphs
        .iter()
        .enumerate()
        .flat_map(|(i, g)| g.iter().map(move |t| (i, t)))
        .filter(move |&(i, t)| {
            let shared = match current {
                Some((g, s, shared)) if g == i && s == t.subject => shared,
                _ => {
                    let entry = first.entry(t.subject).or_insert((i, false));
                    let shared = entry.0 != i;
                    if shared && !entry.1 {
                        entry.1 = true;
                        seen.extend(graphs[entry.0].triples_for_subject(t.subject));
                    }
                    current = Some((i, t.subject, shared));
                    shared
                }
            };
            !shared || seen.insert(t)
        })
        .map(|(_, t)| t)
}

fn concept(g: &mut Graph, concept: &str, scheme: &str, label: &str) {
    let c = NamedNode::new_unchecked(concept);
    let s = NamedNode::new_unchecked(scheme);
    let t = |p: &str| NamedNode::new_unchecked(p);
    g.insert(&Triple::new(c.clone(), t(RDF_TYPE), t(SKOS_CONCEPT)));
    g.insert(&Triple::new(c.clone(), t(SKOS_IN_SCHEME), s.clone()));
    g.insert(&Triple::new(
        c,
        t(SKOS_PREF_LABEL),
        Literal::new_language_tagged_literal_unchecked(label, "en"),
    ));
    g.insert(&Triple::new(s.clone(), t(RDF_TYPE), t(SKOS_CONCEPT_SCHEME)));
    g.insert(&Triple::new(
        s,
        t(DCT_TITLE),
        Literal::new_language_tagged_literal_unchecked(
            scheme.rsplit('/').next().unwrap_or(scheme),
            "en",
        ),
    ));
}

fn date_time(t: OffsetDateTime) -> Literal {
    let t = t.replace_nanosecond(0).unwrap_or(t);
    Literal::new_typed_literal(
        t.format(&Rfc3339).expect("RFC 3339 time"),
        NamedNode::new_unchecked(XSD_DATETIME),
    )
}

fn remove_values(graph: &mut Graph, subject: &impl AsSubject, predicate: &NamedNode) {
    let subject = subject.as_subject();
    let old: Vec<Triple> = graph
        .triples_for_subject(subject.as_ref())
        .filter(|t| t.predicate == predicate.as_ref())
        .map(|t| t.into_owned())
        .collect();
    for t in &old {
        graph.remove(t);
    }
}

trait AsSubject {
    fn as_subject(&self) -> NamedOrBlankNode;
}

impl AsSubject for NamedNode {
    fn as_subject(&self) -> NamedOrBlankNode {
        self.clone().into()
    }
}

impl AsSubject for NamedOrBlankNode {
    fn as_subject(&self) -> NamedOrBlankNode {
        self.clone()
    }
}

fn bump_revision(tx: &rusqlite::Transaction<'_>) -> Result<(), rusqlite::Error> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('revision', '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        [],
    )?;
    Ok(())
}

fn parse_time(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn parse_journal(nt: &[u8], identifier: &str) -> Result<Graph, CatalogueError> {
    let mut graph = Graph::new();
    for t in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NTriples).for_slice(nt) {
        let q = t.map_err(|e| {
            CatalogueError::Store(format!("journal entry {identifier:?} is corrupt: {e}"))
        })?;
        graph.insert(TripleRef::new(&q.subject, &q.predicate, &q.object));
    }
    Ok(graph)
}

/// N-Triples of a graph with blank nodes canonicalised and lines sorted: equal for
/// isomorphic graphs, so the record's hash (and ETag) only changes with its content.
pub fn canonical_ntriples(graph: &Graph) -> Vec<u8> {
    let mut g = graph.clone();
    g.canonicalize(oxrdf::graph::CanonicalizationAlgorithm::Unstable);
    let mut lines: Vec<String> = g.iter().map(|t| format!("{t} .\n")).collect();
    lines.sort_unstable();
    lines.concat().into_bytes()
}

/// For tests and tools: the dataset node of a record as an IRI string.
pub fn node_str(n: &NamedOrBlankNode) -> String {
    match n {
        NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
        NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large page written on several threads is the same graph as written on one.
    #[test]
    fn parallel_serialisation_gives_the_same_graph() {
        let dir = tempfile::tempdir().unwrap();
        let catalogue = Catalogue::open(dir.path(), CatalogueConfig::default()).unwrap();
        let example = include_str!("../../../../shapes/examples/example-healthdcat-dataset.ttl");
        let mut records = Vec::new();
        for i in 0..(PARALLEL_SERIALISATION_THRESHOLD / 150 + 10) {
            // Each copy gets its own resources (the `ex:` namespace) and identifier.
            let text = example
                .replace("EU-HDCA-R7-ONCOLOGY-EHRS-2024\"", &format!("ONC-{i}\""))
                .replace("/release-7/example/>", &format!("/release-7/example/{i}/>"));
            records.append(
                &mut catalogue
                    .parse(text.as_bytes(), InputFormat::Rdf(RdfFormatName::Turtle))
                    .unwrap(),
            );
        }
        catalogue
            .import_records(
                records,
                &ImportOptions {
                    allow_invalid: true,
                    expected_identifier: None,
                },
            )
            .unwrap();
        let expected = {
            let mut g = catalogue.catalog_page(None).unwrap();
            g.canonicalize(oxrdf::graph::CanonicalizationAlgorithm::Unstable);
            g
        };
        assert!(expected.len() > PARALLEL_SERIALISATION_THRESHOLD);
        for f in [RdfFormatName::Turtle, RdfFormatName::NTriples] {
            let bytes = catalogue.catalog_page_document(None, f).unwrap();
            let mut g = format::parse_rdf(&bytes, f, None).unwrap();
            g.canonicalize(oxrdf::graph::CanonicalizationAlgorithm::Unstable);
            assert_eq!(g.len(), expected.len(), "{}", f.name());
            assert!(g == expected, "{}", f.name());
        }
    }
}
