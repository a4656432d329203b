//! The node's HealthDCAT-AP catalogue.
//!
//! * [`authoring`]: the YAML format EDS teams write, turned into HealthDCAT-AP RDF.
//! * [`format`]: the RDF syntaxes the node reads and writes.
//! * [`records`]: splitting an RDF document into one record per `dcat:Dataset`, keyed by
//!   `dct:identifier`.
//! * [`store`]: the durable store (an SQLite journal, replayed into an in-memory oxigraph
//!   store that SPARQL queries run on), catalogue assembly and paging.
//! * [`extract`]: what the search index needs from a record.

pub mod authoring;
pub mod demo;
pub mod error;
pub mod extract;
pub mod format;
pub mod records;
pub mod store;
pub mod vocab;

pub use error::CatalogueError;
pub use format::{InputFormat, OutputFormat};
pub use records::Record;
pub use store::{
    Catalogue, CatalogueConfig, DatasetFigures, ImportOptions, ImportOutcome, RecordMeta,
};
