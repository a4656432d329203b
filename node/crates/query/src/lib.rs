//! Hublot's declarative aggregate queries over an OMOP CDM 5.4 warehouse.
//!
//! - [`model`]: the spec format (JSON; schema in [`SCHEMA_JSON`]);
//! - [`validate`]/[`parse`]: JSON Schema + semantic rules + OMOP allow-list, every error
//!   with its JSON pointer;
//! - [`canonical_json`]/[`spec_id`]: the id permits name (`sha256:…`);
//! - [`compile`]: parameterised SQL per [`Dialect`];
//! - [`run`]: execution into a [`RawTable`] (exact values and populations, before
//!   disclosure control);
//! - [`indicators`]: the shipped ARI indicator spec.

pub mod canonical;
pub mod compile;
pub mod dialect;
pub mod indicators;
pub mod model;
pub mod run;
pub mod validate;
pub mod week;

pub use canonical::{canonical_json, spec_id};
pub use compile::{CompiledQuery, compile};
pub use dialect::{Dialect, ParamType, PostgresDialect, SqliteDialect, dialect_for};
pub use model::{
    AgeBand, Aggregate, Breakdown, Filter, Measure, Ratio, SpecModel, SyndromeGroup, normalise_code,
};
pub use run::{QueryError, RatioDef, RawCell, RawTable, RawValue, RunParams, run, run_with};
pub use validate::{SCHEMA_JSON, Spec, SpecError, parse, validate};
pub use week::{IsoWeek, IsoWeekError};
