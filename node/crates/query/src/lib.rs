//! Hublot's declarative aggregate queries over an OMOP CDM 5.4 warehouse.
//!
//! - [`model`]: the spec format (JSON; schema in [`SCHEMA_JSON`]);
//! - [`validate()`]/[`parse`]: JSON Schema + semantic rules + OMOP allow-list, every error
//!   with its JSON pointer;
//! - [`canonical_json`]/[`spec_id`]: the id permits name (`sha256:…`);
//! - [`compile()`]: parameterised SQL per [`Dialect`];
//! - [`run()`]: execution into a [`RawTable`] (exact values and populations, before
//!   disclosure control);
//! - [`indicators`]: the shipped ARI indicator spec.
//!
//! A spec (see `indicators/ari-weekly.json` for a complete one):
//!
//! ```json
//! {
//!   "format": "hublot-aggregate-spec/1",
//!   "name": "er-flu",
//!   "filters": { "visit_concept_ids": [9203, 262] },
//!   "breakdowns": [
//!     { "kind": "iso_week", "key": "week" },
//!     { "kind": "age_band", "key": "age_band", "margin": true,
//!       "bands": [{ "label": "0-14", "min": 0, "max": 14 }, { "label": "15+", "min": 15 }] },
//!     { "kind": "syndrome", "key": "syndrome",
//!       "groups": [{ "name": "influenza", "icd10_prefixes": ["J09", "J10", "J11"] }] }
//!   ],
//!   "measures": [
//!     { "name": "er_visits", "aggregate": "count_visits" },
//!     { "name": "er_visits_coded", "aggregate": "count_visits", "by": ["week", "age_band"],
//!       "repeat_over": ["syndrome"], "filters": { "has_coded_condition": true } }
//!   ],
//!   "ratios": [{ "name": "share", "numerator": "er_visits",
//!                "denominator": "er_visits_coded", "scale": 100 }]
//! }
//! ```
//!
//! ```
//! let spec = hublot_query::parse(hublot_query::indicators::ARI_WEEKLY_JSON).unwrap();
//! assert!(spec.id().starts_with("sha256:"));
//! let errors = hublot_query::validate(&serde_json::json!({ "format": "x", "measures": [] }))
//!     .unwrap_err();
//! assert!(errors.iter().any(|e| e.pointer == "/format"));
//! assert!(errors.iter().any(|e| e.pointer == "/measures"));
//! ```

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
pub use run::{
    QueryError, RatioDef, RawCell, RawDimension, RawTable, RawValue, RunParams, run, run_with,
};
pub use validate::{SCHEMA_JSON, Spec, SpecError, parse, validate};
pub use week::{IsoWeek, IsoWeekError};
