//! Validation of a spec: JSON Schema, then the semantic rules and the OMOP allow-list.
//! Every error is reported, each with the JSON pointer of the offending value.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;
use time::Date;

use crate::canonical::{canonical_json, spec_id};
use crate::compile::{Needs, SEX_OTHER, SEX_VALUES};
use crate::model::{ALL, Aggregate, Breakdown, FORMAT, Filter, SpecModel, normalise_code};

/// The JSON Schema (2020-12) of the spec format.
pub const SCHEMA_JSON: &str = include_str!("../schema/aggregate-spec.schema.json");

/// Deepest nesting of `any_of` filters.
pub const MAX_FILTER_DEPTH: usize = 4;

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecError {
    /// JSON pointer (RFC 6901) of the offending value; empty for the whole document.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl SpecError {
    fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(document)"
        } else {
            &self.pointer
        };
        write!(f, "{pointer}: {}", self.message)
    }
}

/// A validated spec with its id. Only [`validate`] and [`parse`] make one.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    id: String,
    canonical: String,
    model: SpecModel,
}

impl Spec {
    /// `sha256:` + hex SHA-256 of the canonical JSON of the spec as submitted.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The canonical JSON the id is computed from.
    pub fn canonical_json(&self) -> &str {
        &self.canonical
    }

    /// The parsed spec.
    pub fn model(&self) -> &SpecModel {
        &self.model
    }

    /// The spec's `name`.
    pub fn name(&self) -> &str {
        &self.model.name
    }
}

/// The compiled JSON Schema validator.
fn schema_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(SCHEMA_JSON).expect("the shipped schema is valid JSON");
        jsonschema::draft202012::new(&schema).expect("the shipped schema is a valid schema")
    })
}

/// Parses and validates a spec given as JSON text.
pub fn parse(text: &str) -> Result<Spec, Vec<SpecError>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![SpecError::new(
            "",
            format!(
                "not valid JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        )]
    })?;
    validate(&value)
}

/// Validates a spec: JSON Schema, semantic rules and the OMOP allow-list. On failure,
/// returns every error found, each with its JSON pointer.
pub fn validate(json: &Value) -> Result<Spec, Vec<SpecError>> {
    let mut errors: Vec<SpecError> = schema_validator()
        .iter_errors(json)
        .map(|e| SpecError::new(e.instance_path.as_str(), e.to_string()))
        .collect();
    // The semantic checks need the typed model; they also run when the schema only found
    // problems the model tolerates (e.g. a pattern), so that every error is reported.
    match serde_json::from_value::<SpecModel>(json.clone()) {
        Ok(model) => {
            semantic(&model, &mut errors);
            if errors.is_empty() {
                return Ok(Spec {
                    id: spec_id(json),
                    canonical: canonical_json(json),
                    model,
                });
            }
        }
        Err(e) => {
            if errors.is_empty() {
                errors.push(SpecError::new("", format!("not a spec: {e}")));
            }
        }
    }
    errors.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    errors.dedup();
    Err(errors)
}

/// The semantic rules (those JSON Schema cannot express).
fn semantic(model: &SpecModel, errors: &mut Vec<SpecError>) {
    let mut err = |pointer: String, message: String| errors.push(SpecError::new(pointer, message));

    if model.format != FORMAT {
        err("/format".into(), format!("must be {FORMAT:?}"));
    }

    // Breakdowns.
    let mut keys: BTreeMap<&str, &Breakdown> = BTreeMap::new();
    for (i, breakdown) in model.breakdowns.iter().enumerate() {
        let at = format!("/breakdowns/{i}");
        if keys.insert(breakdown.key(), breakdown).is_some() {
            err(
                format!("{at}/key"),
                format!("breakdown key {:?} is used twice", breakdown.key()),
            );
        }
        match breakdown {
            Breakdown::AgeBand { bands, .. } => {
                let mut labels = BTreeSet::new();
                for (j, band) in bands.iter().enumerate() {
                    let at = format!("{at}/bands/{j}");
                    if band.label == ALL {
                        err(
                            format!("{at}/label"),
                            format!("{ALL:?} is reserved for margins"),
                        );
                    }
                    if !labels.insert(band.label.as_str()) {
                        err(
                            format!("{at}/label"),
                            format!("band label {:?} is used twice", band.label),
                        );
                    }
                    if let Some(max) = band.max
                        && max < band.min
                    {
                        err(format!("{at}/max"), "max is below min".into());
                    }
                    for (k, other) in bands.iter().enumerate().take(j) {
                        let overlap = band.min <= other.max.unwrap_or(u32::MAX)
                            && other.min <= band.max.unwrap_or(u32::MAX);
                        if overlap {
                            err(
                                at.clone(),
                                format!("band overlaps band {k} ({:?})", other.label),
                            );
                        }
                    }
                }
            }
            Breakdown::Syndrome { groups, .. } => {
                let mut names = BTreeSet::new();
                for (j, group) in groups.iter().enumerate() {
                    let at = format!("{at}/groups/{j}");
                    if group.name == ALL {
                        err(
                            format!("{at}/name"),
                            format!("{ALL:?} is reserved for margins"),
                        );
                    }
                    if !names.insert(group.name.as_str()) {
                        err(
                            format!("{at}/name"),
                            format!("group name {:?} is used twice", group.name),
                        );
                    }
                    prefixes(
                        &group.icd10_prefixes,
                        &format!("{at}/icd10_prefixes"),
                        &mut err,
                    );
                }
            }
            Breakdown::IsoWeek { .. } | Breakdown::Sex { .. } | Breakdown::CareSite { .. } => {}
        }
    }
    // only_with needs every breakdown known.
    for (i, breakdown) in model.breakdowns.iter().enumerate() {
        let Breakdown::Syndrome { groups, key, .. } = breakdown else {
            continue;
        };
        for (j, group) in groups.iter().enumerate() {
            for (other, values) in &group.only_with {
                let at = format!(
                    "/breakdowns/{i}/groups/{j}/only_with/{}",
                    escape_pointer(other)
                );
                match keys.get(other.as_str()) {
                    None => err(at, format!("no breakdown has key {other:?}")),
                    Some(_) if other == key => {
                        err(at, "a group cannot restrict its own breakdown".into())
                    }
                    Some(target) => {
                        if let Some(domain) = enumerable_values(target) {
                            for (k, value) in values.iter().enumerate() {
                                if !domain.contains(value) {
                                    err(
                                        format!("{at}/{k}"),
                                        format!(
                                            "{value:?} is not a value of breakdown {other:?} \
                                             (values: {})",
                                            domain.iter().cloned().collect::<Vec<_>>().join(", ")
                                        ),
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // Filters.
    filter(&model.filters, "/filters", 0, &mut err);

    // Measures.
    let mut measure_names = BTreeMap::new();
    for (i, measure) in model.measures.iter().enumerate() {
        let at = format!("/measures/{i}");
        if measure_names.insert(measure.name.as_str(), i).is_some() {
            err(
                format!("{at}/name"),
                format!("measure name {:?} is used twice", measure.name),
            );
        }
        let mut used = BTreeSet::new();
        let mut syndromes = 0;
        for (j, key) in measure.by.iter().flatten().enumerate() {
            match keys.get(key.as_str()) {
                None => err(
                    format!("{at}/by/{j}"),
                    format!("no breakdown has key {key:?}"),
                ),
                Some(b) => {
                    syndromes += usize::from(matches!(b, Breakdown::Syndrome { .. }));
                }
            }
            if !used.insert(key.as_str()) {
                err(format!("{at}/by/{j}"), format!("{key:?} is listed twice"));
            }
        }
        if measure.by.is_none() {
            syndromes = model
                .breakdowns
                .iter()
                .filter(|b| matches!(b, Breakdown::Syndrome { .. }))
                .count();
            used.extend(model.breakdowns.iter().map(Breakdown::key));
        }
        for (j, key) in measure.repeat_over.iter().enumerate() {
            let at = format!("{at}/repeat_over/{j}");
            match keys.get(key.as_str()) {
                None => err(at, format!("no breakdown has key {key:?}")),
                Some(b) => {
                    if enumerable_values(b).is_none() || matches!(b, Breakdown::IsoWeek { .. }) {
                        err(
                            at.clone(),
                            format!(
                                "only syndrome, age_band and sex breakdowns can be repeated over, \
                                 not {}",
                                b.kind()
                            ),
                        );
                    }
                    if !used.insert(key.as_str()) {
                        err(
                            at,
                            format!("{key:?} is already a breakdown of this measure"),
                        );
                    }
                }
            }
        }
        if syndromes > 1 {
            err(
                format!("{at}/by"),
                "a measure can be broken down by one syndrome breakdown at most".into(),
            );
        }
        match (&measure.column, measure.aggregate.needs_column()) {
            (None, true) => err(
                at.clone(),
                format!("aggregate {} needs a column", measure.aggregate.as_str()),
            ),
            (Some(_), false) => err(format!("{at}/column"), "a count takes no column".into()),
            (Some(column), true) => {
                let at = format!("{at}/column");
                match column_type(column) {
                    None => err(
                        at,
                        format!(
                            "{column:?} is not a column of person or visit_occurrence \
                             (measures aggregate one value per visit)"
                        ),
                    ),
                    Some(ty) => {
                        let ok = match measure.aggregate {
                            Aggregate::Max => ty != ColumnType::Text,
                            _ => ty == ColumnType::Number,
                        };
                        if !ok {
                            err(
                                at,
                                format!(
                                    "{column} is {}; {} needs a number{}",
                                    ty.as_str(),
                                    measure.aggregate.as_str(),
                                    if measure.aggregate == Aggregate::Max {
                                        " or a date"
                                    } else {
                                        ""
                                    }
                                ),
                            );
                        }
                    }
                }
            }
            (None, false) => {}
        }
        filter(&measure.filters, &format!("{at}/filters"), 0, &mut err);
    }

    // Ratios.
    let mut ratio_names = BTreeSet::new();
    for (i, ratio) in model.ratios.iter().enumerate() {
        let at = format!("/ratios/{i}");
        if measure_names.contains_key(ratio.name.as_str()) || !ratio_names.insert(&ratio.name) {
            err(
                format!("{at}/name"),
                format!("name {:?} is already used", ratio.name),
            );
        }
        let mut sides = Vec::new();
        for (side, name) in [
            ("numerator", &ratio.numerator),
            ("denominator", &ratio.denominator),
        ] {
            match measure_names.get(name.as_str()) {
                None => err(
                    format!("{at}/{side}"),
                    format!("no measure is named {name:?}"),
                ),
                Some(&m) => {
                    if !model.measures[m].aggregate.is_count() {
                        err(format!("{at}/{side}"), format!("{name:?} is not a count"));
                    }
                    sides.push(m);
                }
            }
        }
        if let [n, d] = sides[..] {
            let keys_of = |m: usize| {
                let mut k: BTreeSet<String> =
                    crate::compile::measure_keys(model, m).into_iter().collect();
                k.extend(model.measures[m].repeat_over.iter().cloned());
                k
            };
            if keys_of(n) != keys_of(d) {
                err(
                    at,
                    "numerator and denominator must have the same breakdown keys \
                     (use repeat_over on the denominator)"
                        .into(),
                );
            }
        }
    }

    // The OMOP allow-list: every table and column the compiled SQL would read.
    for (pointer, table, column, purpose) in required_columns(model) {
        if !hublot_omop::allow_list::is_allowed(table, &column) {
            err(
                pointer,
                format!(
                    "refused: {table}.{column} is not on the node's OMOP allow-list \
                     (needed for {purpose})"
                ),
            );
        }
    }
}

fn prefixes(list: &[String], at: &str, err: &mut impl FnMut(String, String)) {
    for (k, prefix) in list.iter().enumerate() {
        if normalise_code(prefix).is_empty() {
            err(
                format!("{at}/{k}"),
                "prefix is empty once dots and spaces are removed".into(),
            );
        }
    }
}

fn filter(f: &Filter, at: &str, depth: usize, err: &mut impl FnMut(String, String)) {
    if let Some(list) = &f.icd10_prefixes {
        prefixes(list, &format!("{at}/icd10_prefixes"), err);
    }
    if let Some(range) = &f.visit_start_date {
        let from = range.from.as_deref().map(|s| (s, parse_date(s)));
        let to = range.to.as_deref().map(|s| (s, parse_date(s)));
        for (name, bound) in [("from", from), ("to", to)] {
            if let Some((s, None)) = bound {
                err(
                    format!("{at}/visit_start_date/{name}"),
                    format!("{s:?} is not a valid date (YYYY-MM-DD)"),
                );
            }
        }
        if let (Some((_, Some(a))), Some((_, Some(b)))) = (from, to)
            && b < a
        {
            err(format!("{at}/visit_start_date"), "to is before from".into());
        }
    }
    if let Some(age) = &f.age
        && let (Some(min), Some(max)) = (age.min, age.max)
        && max < min
    {
        err(format!("{at}/age"), "max is below min".into());
    }
    if let Some(alternatives) = &f.any_of {
        if depth >= MAX_FILTER_DEPTH {
            err(
                format!("{at}/any_of"),
                format!("any_of is nested more than {MAX_FILTER_DEPTH} levels deep"),
            );
        } else {
            for (i, alternative) in alternatives.iter().enumerate() {
                filter(alternative, &format!("{at}/any_of/{i}"), depth + 1, err);
            }
        }
    }
}

/// The values of a breakdown known from the spec alone (none for weeks, which depend on the
/// run, and care sites, which depend on the data).
pub(crate) fn enumerable_values(b: &Breakdown) -> Option<BTreeSet<String>> {
    let mut values: BTreeSet<String> = match b {
        Breakdown::AgeBand { bands, .. } => bands.iter().map(|x| x.label.clone()).collect(),
        Breakdown::Syndrome { groups, .. } => groups.iter().map(|g| g.name.clone()).collect(),
        Breakdown::Sex { .. } => SEX_VALUES
            .iter()
            .map(|(_, l)| (*l).to_owned())
            .chain([SEX_OTHER.to_owned()])
            .collect(),
        Breakdown::IsoWeek { .. } | Breakdown::CareSite { .. } => return None,
    };
    if b.margin() {
        values.insert(ALL.to_owned());
    }
    Some(values)
}

/// Every column the compiled statements read, with the pointer of the spec feature that needs
/// it and why, for the allow-list check.
fn required_columns(model: &SpecModel) -> Vec<(String, &'static str, String, &'static str)> {
    let mut out: Vec<(String, &'static str, String, &'static str)> = Vec::new();
    let mut add = |pointer: &str, table: &'static str, columns: &[&str], purpose: &'static str| {
        for column in columns {
            out.push((pointer.to_owned(), table, (*column).to_owned(), purpose));
        }
    };
    add(
        "",
        "visit_occurrence",
        &["visit_occurrence_id", "person_id", "visit_start_date"],
        "selecting visits",
    );
    add("", "person", &["person_id"], "selecting visits");
    const BIRTH: [&str; 4] = [
        "year_of_birth",
        "month_of_birth",
        "day_of_birth",
        "birth_datetime",
    ];
    const CONDITION: [&str; 2] = ["visit_occurrence_id", "condition_source_value"];
    for (i, breakdown) in model.breakdowns.iter().enumerate() {
        let at = format!("/breakdowns/{i}");
        match breakdown {
            Breakdown::IsoWeek { .. } => {}
            Breakdown::AgeBand { .. } => add(&at, "person", &BIRTH, "age at visit"),
            Breakdown::Sex { .. } => add(&at, "person", &["gender_concept_id"], "sex"),
            Breakdown::Syndrome { .. } => {
                add(&at, "condition_occurrence", &CONDITION, "syndrome groups")
            }
            Breakdown::CareSite { .. } => {
                add(&at, "visit_occurrence", &["care_site_id"], "care site")
            }
        }
    }
    let mut filters: Vec<(String, &Filter)> = vec![("/filters".to_owned(), &model.filters)];
    for (i, measure) in model.measures.iter().enumerate() {
        filters.push((format!("/measures/{i}/filters"), &measure.filters));
        if let Some(column) = &measure.column
            && let Some((table, name)) = column.split_once('.')
            && column_type(column).is_some()
        {
            let table = if table == "person" {
                "person"
            } else {
                "visit_occurrence"
            };
            add(
                &format!("/measures/{i}/column"),
                table,
                &[name],
                "the measure",
            );
        }
    }
    while let Some((at, f)) = filters.pop() {
        let mut one = Needs::default();
        one.filter(&Filter {
            any_of: None,
            ..f.clone()
        });
        if one.visit_concept {
            add(
                &format!("{at}/visit_concept_ids"),
                "visit_occurrence",
                &["visit_concept_id"],
                "visit types",
            );
        }
        if one.condition_concept {
            add(
                &format!("{at}/condition_concept_ids"),
                "condition_occurrence",
                &["visit_occurrence_id", "condition_concept_id"],
                "condition concepts",
            );
        }
        if f.icd10_prefixes.is_some() {
            add(
                &format!("{at}/icd10_prefixes"),
                "condition_occurrence",
                &CONDITION,
                "ICD-10 codes",
            );
        }
        if f.has_coded_condition.is_some() {
            add(
                &format!("{at}/has_coded_condition"),
                "condition_occurrence",
                &CONDITION,
                "ICD-10 codes",
            );
        }
        if one.age {
            add(&format!("{at}/age"), "person", &BIRTH, "age at visit");
        }
        if one.gender {
            add(
                &format!("{at}/gender_concept_ids"),
                "person",
                &["gender_concept_id"],
                "sex",
            );
        }
        if one.site {
            add(
                &format!("{at}/care_site_ids"),
                "visit_occurrence",
                &["care_site_id"],
                "care site",
            );
        }
        if one.followed_by {
            add(
                &format!("{at}/followed_by"),
                "visit_occurrence",
                &["preceding_visit_occurrence_id", "visit_concept_id"],
                "following visits",
            );
        }
        for (j, sub) in f.any_of.iter().flatten().enumerate() {
            filters.push((format!("{at}/any_of/{j}"), sub));
        }
    }
    out
}

/// Type of an OMOP column a measure can aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Integer or float.
    Number,
    /// Calendar date.
    Date,
    /// Timestamp.
    Timestamp,
    /// Text.
    Text,
}

impl ColumnType {
    /// Lower-case name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Number => "a number",
            ColumnType::Date => "a date",
            ColumnType::Timestamp => "a timestamp",
            ColumnType::Text => "text",
        }
    }
}

/// The type of `table.column` when it is a column of `person` or `visit_occurrence` (one
/// row per visit once joined) in the OMOP CDM 5.4 schema; `None` otherwise. A measure column
/// not known here is never written into SQL.
pub fn column_type(column: &str) -> Option<ColumnType> {
    use hublot_omop::schema::{ColumnType as Omop, table_def};
    let (table, name) = column.split_once('.')?;
    if table != "person" && table != "visit_occurrence" {
        return None;
    }
    let ty = match table_def(table)?.column(name)?.ty {
        Omop::Integer | Omop::Numeric => ColumnType::Number,
        Omop::Date => ColumnType::Date,
        Omop::Timestamp => ColumnType::Timestamp,
        Omop::Varchar(_) | Omop::Text => ColumnType::Text,
    };
    Some(ty)
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, format).ok()
}

/// Escapes a JSON pointer segment (RFC 6901).
fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
