//! The aggregate spec format (serde model). The JSON Schema in `schema/aggregate-spec.schema.json`
//! describes the same document; [`crate::validate()`] checks both and the semantic rules.
//!
//! A spec counts **visits** (`visit_occurrence` rows joined to their `person`), optionally
//! restricted by filters, and breaks measures down by named breakdowns. Every value a user
//! writes (concept ids, codes, dates, labels) reaches SQL as a bound parameter.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The value of the `format` member of every spec of this version of the format.
pub const FORMAT: &str = "hublot-aggregate-spec/1";

/// The key value of a margin (total over every value of a breakdown).
pub const ALL: &str = "all";

/// An aggregate spec as written by its author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecModel {
    /// Always [`FORMAT`].
    pub format: String,
    /// Short machine name, e.g. `ari-weekly`.
    pub name: String,
    /// Human title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Free description (never reaches SQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Filters every measure shares (all conditions must hold).
    #[serde(default)]
    pub filters: Filter,
    /// The breakdowns measures can use, each under its own key.
    #[serde(default)]
    pub breakdowns: Vec<Breakdown>,
    /// What is computed.
    pub measures: Vec<Measure>,
    /// Derived ratios that disclosure control computes from two count measures once both
    /// counts pass; the numerator and denominator cells are those with identical keys.
    #[serde(default)]
    pub ratios: Vec<Ratio>,
}

/// A breakdown: a key in the result cells and how a visit's value for it is found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Breakdown {
    /// ISO 8601 week of `visit_start_date`, written `2025-W03`.
    IsoWeek {
        /// Key name in result cells.
        key: String,
        /// Also produce the `all` total over the weeks of the run.
        #[serde(default)]
        margin: bool,
    },
    /// Age at visit, in configurable bands. Age is exact when month and day of birth are
    /// known (`birth_datetime`, or `year_of_birth`/`month_of_birth`/`day_of_birth`), else
    /// visit year − `year_of_birth`. Visits whose age falls in no band are left out of
    /// every cell of a measure broken down by this key (so `all` is the sum of the bands).
    AgeBand {
        /// Key name in result cells.
        key: String,
        /// Also produce the `all` total over the bands.
        #[serde(default)]
        margin: bool,
        /// Non-overlapping bands.
        bands: Vec<AgeBand>,
    },
    /// `person.gender_concept_id`: 8507 → `male`, 8532 → `female`, anything else → `other`.
    Sex {
        /// Key name in result cells.
        key: String,
        /// Also produce the `all` total.
        #[serde(default)]
        margin: bool,
    },
    /// Named groups of ICD-10 code prefixes matched against the normalised
    /// `condition_source_value` (upper case, dots and spaces removed) of the conditions
    /// attached to the visit. A visit counts in a group if at least one of its conditions
    /// matches; a visit can count in several groups.
    Syndrome {
        /// Key name in result cells.
        key: String,
        /// Also produce the `all` group: visits in at least one group (computed as a
        /// group of its own, not as a sum, since groups overlap).
        #[serde(default)]
        margin: bool,
        /// The groups.
        groups: Vec<SyndromeGroup>,
    },
    /// `visit_occurrence.care_site_id` (as a decimal string; `unknown` when missing).
    CareSite {
        /// Key name in result cells.
        key: String,
        /// Also produce the `all` total.
        #[serde(default)]
        margin: bool,
    },
}

impl Breakdown {
    /// The key name.
    pub fn key(&self) -> &str {
        match self {
            Breakdown::IsoWeek { key, .. }
            | Breakdown::AgeBand { key, .. }
            | Breakdown::Sex { key, .. }
            | Breakdown::Syndrome { key, .. }
            | Breakdown::CareSite { key, .. } => key,
        }
    }

    /// Whether the `all` margin is produced.
    pub fn margin(&self) -> bool {
        match self {
            Breakdown::IsoWeek { margin, .. }
            | Breakdown::AgeBand { margin, .. }
            | Breakdown::Sex { margin, .. }
            | Breakdown::Syndrome { margin, .. }
            | Breakdown::CareSite { margin, .. } => *margin,
        }
    }

    /// The `kind` as written in the spec.
    pub fn kind(&self) -> &'static str {
        match self {
            Breakdown::IsoWeek { .. } => "iso_week",
            Breakdown::AgeBand { .. } => "age_band",
            Breakdown::Sex { .. } => "sex",
            Breakdown::Syndrome { .. } => "syndrome",
            Breakdown::CareSite { .. } => "care_site",
        }
    }
}

/// An age band, bounds included, in whole years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBand {
    /// Key value, e.g. `15-64`.
    pub label: String,
    /// Lowest age in the band.
    pub min: u32,
    /// Highest age in the band; none for an open band such as `65+`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// A named group of ICD-10 prefixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyndromeGroup {
    /// Key value, e.g. `influenza`.
    pub name: String,
    /// Human label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Code prefixes; normalised the same way as the codes (upper case, no dots or spaces).
    pub icd10_prefixes: Vec<String>,
    /// Cells of this group are produced only with these values of other breakdowns (e.g.
    /// bronchiolitis reported for age band `0-1` only): breakdown key → allowed values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub only_with: BTreeMap<String, Vec<String>>,
}

/// How a measure aggregates the visits of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Number of visits.
    CountVisits,
    /// Number of distinct persons.
    CountPersons,
    /// Sum of a numeric column over the visits.
    Sum,
    /// Mean of a numeric column over the visits where it is not null.
    Mean,
    /// Largest value of a numeric or date column (e.g. the latest `visit_start_date`).
    Max,
}

impl Aggregate {
    /// The name as written in specs (`count_visits`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregate::CountVisits => "count_visits",
            Aggregate::CountPersons => "count_persons",
            Aggregate::Sum => "sum",
            Aggregate::Mean => "mean",
            Aggregate::Max => "max",
        }
    }

    /// Whether the measure is a count (and so can be a ratio's numerator or denominator).
    pub fn is_count(self) -> bool {
        matches!(self, Aggregate::CountVisits | Aggregate::CountPersons)
    }

    /// Whether the measure needs a `column`.
    pub fn needs_column(self) -> bool {
        matches!(self, Aggregate::Sum | Aggregate::Mean | Aggregate::Max)
    }
}

/// One measure: cells for every combination of the values of its breakdowns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// Measure name in result cells, e.g. `er_visits`.
    pub name: String,
    /// Human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How visits are aggregated.
    pub aggregate: Aggregate,
    /// `table.column` for `sum`, `mean` and `max`: a column of `visit_occurrence` or `person`
    /// on the OMOP allow-list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Breakdown keys of the cells; all breakdowns of the spec when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Vec<String>>,
    /// Syndrome, age-band or sex breakdowns the measure does not depend on but whose key it
    /// carries: each cell is repeated, with the same value and population, for every value
    /// of these breakdowns. This gives a ratio's denominator the same keys as its numerator
    /// (e.g. `er_visits_coded` per syndrome).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeat_over: Vec<String>,
    /// Further filters for this measure only (in addition to the spec's).
    #[serde(default, skip_serializing_if = "Filter::is_empty")]
    pub filters: Filter,
}

/// A derived ratio, computed by disclosure control from published counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    /// Name of the derived measure, e.g. `share`.
    pub name: String,
    /// Human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Count measure on top.
    pub numerator: String,
    /// Count measure below, with the same keys.
    pub denominator: String,
    /// Multiplier (100 for a percentage).
    #[serde(default = "one")]
    pub scale: f64,
}

fn one() -> f64 {
    1.0
}

/// Conditions on a visit; all present members must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// `visit_occurrence.visit_concept_id` is one of these (e.g. 9203, 262 for ER visits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_concept_ids: Option<Vec<i64>>,
    /// At least one attached condition has one of these `condition_concept_id`s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_concept_ids: Option<Vec<i64>>,
    /// At least one attached condition's normalised `condition_source_value` starts with one
    /// of these prefixes (normalised the same way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icd10_prefixes: Option<Vec<String>>,
    /// `true`: at least one attached condition has a non-empty normalised
    /// `condition_source_value` (a coded visit); `false`: none has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_coded_condition: Option<bool>,
    /// `visit_start_date` within this range (bounds included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_start_date: Option<DateRange>,
    /// Age at visit within this range (bounds included; same age rule as age bands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<AgeRange>,
    /// `person.gender_concept_id` is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender_concept_ids: Option<Vec<i64>>,
    /// `visit_occurrence.care_site_id` is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care_site_ids: Option<Vec<i64>>,
    /// Some visit whose `preceding_visit_occurrence_id` is this visit matches (e.g. an
    /// inpatient stay, 9201, after an ER visit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followed_by: Option<FollowedBy>,
    /// At least one of these filters holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<Filter>>,
}

impl Filter {
    /// No condition at all.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// Dates as `YYYY-MM-DD`, bounds included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    /// First day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Ages in whole years, bounds included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeRange {
    /// Lowest age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// Highest age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// The visit that must follow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowedBy {
    /// Its `visit_concept_id` is one of these.
    pub visit_concept_ids: Vec<i64>,
}

/// Normalises an ICD-10 code or prefix the way Hublot compares them: upper case, dots and
/// spaces removed (`j10.1` → `J101`). Upper-casing is ASCII only, like SQLite's `upper()`;
/// ICD-10 codes are ASCII.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| *c != '.' && *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}
