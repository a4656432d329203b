//! The OMOP tables and columns aggregate queries may touch.
//!
//! The list keeps what population indicators need — who (sex, birth), when (dates),
//! what kind of visit, which diagnosis codes, how visits chain — and leaves out
//! anything that identifies people or staff or is free text: `*_source_value`
//! columns other than the diagnosis code, time-of-day datetimes other than the
//! birth one (needed for exact age), `provider_id`, `stop_reason`, and the whole
//! `location` table (addresses).
//!
//! Matching is exact and case-sensitive on the lower-case CDM names: a query
//! compiler emits those names and nothing else. [`grant_statements`] turns the same
//! list into column-level `GRANT`s for the warehouse's read-only role, so the
//! database enforces what the node's compiler already restricts.

use crate::schema::{qualify, quote_ident};

const PERSON: &[&str] = &[
    "person_id",
    "gender_concept_id",
    "year_of_birth",
    "month_of_birth",
    "day_of_birth",
    "birth_datetime",
    "race_concept_id",
    "ethnicity_concept_id",
    "care_site_id",
];

const OBSERVATION_PERIOD: &[&str] = &[
    "observation_period_id",
    "person_id",
    "observation_period_start_date",
    "observation_period_end_date",
    "period_type_concept_id",
];

const VISIT_OCCURRENCE: &[&str] = &[
    "visit_occurrence_id",
    "person_id",
    "visit_concept_id",
    "visit_start_date",
    "visit_end_date",
    "visit_type_concept_id",
    "care_site_id",
    "visit_source_concept_id",
    "admitted_from_concept_id",
    "discharged_to_concept_id",
    "preceding_visit_occurrence_id",
];

const VISIT_DETAIL: &[&str] = &[
    "visit_detail_id",
    "person_id",
    "visit_detail_concept_id",
    "visit_detail_start_date",
    "visit_detail_end_date",
    "visit_detail_type_concept_id",
    "care_site_id",
    "admitted_from_concept_id",
    "discharged_to_concept_id",
    "preceding_visit_detail_id",
    "parent_visit_detail_id",
    "visit_occurrence_id",
];

const CONDITION_OCCURRENCE: &[&str] = &[
    "condition_occurrence_id",
    "person_id",
    "condition_concept_id",
    "condition_start_date",
    "condition_end_date",
    "condition_type_concept_id",
    "condition_status_concept_id",
    "visit_occurrence_id",
    "visit_detail_id",
    "condition_source_value",
    "condition_source_concept_id",
    "condition_status_source_value",
];

const CARE_SITE: &[&str] = &["care_site_id", "place_of_service_concept_id"];

const CONCEPT: &[&str] = &[
    "concept_id",
    "concept_name",
    "domain_id",
    "vocabulary_id",
    "concept_class_id",
    "standard_concept",
    "concept_code",
    "invalid_reason",
];

const CDM_SOURCE: &[&str] = &[
    "cdm_source_abbreviation",
    "source_release_date",
    "cdm_release_date",
    "cdm_version",
    "vocabulary_version",
];

const ALLOWED: &[(&str, &[&str])] = &[
    ("person", PERSON),
    ("observation_period", OBSERVATION_PERIOD),
    ("visit_occurrence", VISIT_OCCURRENCE),
    ("visit_detail", VISIT_DETAIL),
    ("condition_occurrence", CONDITION_OCCURRENCE),
    ("care_site", CARE_SITE),
    ("concept", CONCEPT),
    ("cdm_source", CDM_SOURCE),
];

/// The tables aggregate queries may read.
pub fn tables() -> impl Iterator<Item = &'static str> {
    ALLOWED.iter().map(|(t, _)| *t)
}

/// Whether `table` may be read at all.
pub fn is_allowed_table(table: &str) -> bool {
    ALLOWED.iter().any(|(t, _)| *t == table)
}

/// Whether `table.column` may be read.
pub fn is_allowed(table: &str, column: &str) -> bool {
    columns(table).contains(&column)
}

/// The allowed columns of `table` (empty for a table that is not allowed).
pub fn columns(table: &str) -> &'static [&'static str] {
    ALLOWED
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(&[], |(_, c)| c)
}

/// Column-level `GRANT`s giving `role` exactly the allow-list in `schema`
/// (PostgreSQL), for a DBA to run once:
///
/// ```
/// let sql = hublot_omop::allow_list::grant_statements("cdm", "hublot_reader");
/// assert_eq!(sql[0], r#"GRANT USAGE ON SCHEMA "cdm" TO "hublot_reader""#);
/// assert!(sql[1].starts_with(r#"GRANT SELECT (person_id, gender_concept_id"#));
/// ```
pub fn grant_statements(schema: &str, role: &str) -> Vec<String> {
    let role = quote_ident(role);
    let mut out = vec![format!(
        "GRANT USAGE ON SCHEMA {} TO {role}",
        quote_ident(schema)
    )];
    for (table, cols) in ALLOWED {
        out.push(format!(
            "GRANT SELECT ({}) ON {} TO {role}",
            cols.join(", "),
            qualify(Some(schema), table)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn allow_list_is_a_subset_of_the_schema() {
        for (table, cols) in ALLOWED {
            let def = schema::table_def(table).expect("allowed table is in the schema");
            for c in *cols {
                assert!(def.column(c).is_some(), "{table}.{c}");
            }
        }
    }

    #[test]
    fn identifying_columns_are_refused() {
        assert!(is_allowed("condition_occurrence", "condition_source_value"));
        assert!(is_allowed(
            "visit_occurrence",
            "preceding_visit_occurrence_id"
        ));
        assert!(!is_allowed("person", "person_source_value"));
        assert!(!is_allowed("visit_occurrence", "provider_id"));
        assert!(!is_allowed("condition_occurrence", "stop_reason"));
        assert!(!is_allowed("location", "address_1"));
        assert!(!is_allowed_table("location"));
        assert!(!is_allowed("Person", "person_id"), "names are exact");
        assert!(columns("note").is_empty());
    }
}
