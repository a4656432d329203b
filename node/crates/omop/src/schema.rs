//! DDL of the OMOP CDM 5.4 tables Hublot uses, per backend.
//!
//! Columns, order, types and nullability follow the official OMOP CDM 5.4 DDL
//! for the tables below; the rest of the CDM (drug, measurement, note…) is not
//! needed by aggregate indicators and is not created. `visit_detail` is created
//! (empty in synthetic data) because some warehouses put ER boxes there.
//!
//! Type choices per backend:
//!
//! | OMOP | PostgreSQL | SQLite |
//! |---|---|---|
//! | integer | `INTEGER` | `INTEGER` |
//! | date | `DATE` | `DATE` (ISO text `YYYY-MM-DD`; the declared type lets [`crate::SqliteWarehouse`] return [`crate::SqlValue::Date`]) |
//! | datetime | `TIMESTAMP` | `TIMESTAMP` (text `YYYY-MM-DD HH:MM:SS`) |
//! | varchar(n) | `VARCHAR(n)` | `TEXT` |
//! | NUMERIC | `NUMERIC` | `REAL` (SQLite's `NUMERIC` affinity would turn `2.0` into the integer `2`) |
//!
//! Primary keys are declared inline (in SQLite an `INTEGER PRIMARY KEY` is the rowid,
//! the fastest layout). Foreign keys are not declared: warehouses rarely enforce
//! them and bulk loads are faster without; the synthetic generator guarantees
//! referential integrity itself and the tests check it. Secondary indexes
//! ([`INDEXES`]) are those an aggregate workload needs; the generator creates them
//! after the bulk load.

use crate::Backend;

/// Column type, in OMOP's own vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// `integer`.
    Integer,
    /// `date`.
    Date,
    /// `datetime` / `TIMESTAMP`.
    Timestamp,
    /// `varchar(n)`.
    Varchar(u16),
    /// `TEXT` (unbounded).
    Text,
    /// `NUMERIC`.
    Numeric,
}

impl ColumnType {
    /// SQL type name for a backend.
    pub fn sql(self, backend: Backend) -> String {
        match (self, backend) {
            (ColumnType::Integer, _) => "INTEGER".into(),
            (ColumnType::Date, _) => "DATE".into(),
            (ColumnType::Timestamp, _) => "TIMESTAMP".into(),
            (ColumnType::Varchar(n), Backend::Postgres) => format!("VARCHAR({n})"),
            (ColumnType::Varchar(_) | ColumnType::Text, _) => "TEXT".into(),
            (ColumnType::Numeric, Backend::Postgres) => "NUMERIC".into(),
            (ColumnType::Numeric, Backend::Sqlite) => "REAL".into(),
        }
    }
}

/// One column of an OMOP table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Column name (lower case, as in the CDM).
    pub name: &'static str,
    /// Type.
    pub ty: ColumnType,
    /// Whether `NULL` is allowed.
    pub nullable: bool,
}

/// One OMOP table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table {
    /// Table name (lower case).
    pub name: &'static str,
    /// Columns in CDM order.
    pub columns: &'static [Column],
    /// Primary key column, if the CDM defines one.
    pub primary_key: Option<&'static str>,
    /// `true` for tables a warehouse may lack (Hublot works without them).
    pub optional: bool,
}

impl Table {
    /// Column names in CDM order.
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A secondary index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Index {
    /// Index name (unique within a schema).
    pub name: &'static str,
    /// Indexed table.
    pub table: &'static str,
    /// Indexed columns, in order.
    pub columns: &'static [&'static str],
}

const fn col(name: &'static str, ty: ColumnType, nullable: bool) -> Column {
    Column { name, ty, nullable }
}

use ColumnType::{Date, Integer, Numeric, Text, Timestamp, Varchar};

const PERSON: &[Column] = &[
    col("person_id", Integer, false),
    col("gender_concept_id", Integer, false),
    col("year_of_birth", Integer, false),
    col("month_of_birth", Integer, true),
    col("day_of_birth", Integer, true),
    col("birth_datetime", Timestamp, true),
    col("race_concept_id", Integer, false),
    col("ethnicity_concept_id", Integer, false),
    col("location_id", Integer, true),
    col("provider_id", Integer, true),
    col("care_site_id", Integer, true),
    col("person_source_value", Varchar(50), true),
    col("gender_source_value", Varchar(50), true),
    col("gender_source_concept_id", Integer, true),
    col("race_source_value", Varchar(50), true),
    col("race_source_concept_id", Integer, true),
    col("ethnicity_source_value", Varchar(50), true),
    col("ethnicity_source_concept_id", Integer, true),
];

const OBSERVATION_PERIOD: &[Column] = &[
    col("observation_period_id", Integer, false),
    col("person_id", Integer, false),
    col("observation_period_start_date", Date, false),
    col("observation_period_end_date", Date, false),
    col("period_type_concept_id", Integer, false),
];

const VISIT_OCCURRENCE: &[Column] = &[
    col("visit_occurrence_id", Integer, false),
    col("person_id", Integer, false),
    col("visit_concept_id", Integer, false),
    col("visit_start_date", Date, false),
    col("visit_start_datetime", Timestamp, true),
    col("visit_end_date", Date, false),
    col("visit_end_datetime", Timestamp, true),
    col("visit_type_concept_id", Integer, false),
    col("provider_id", Integer, true),
    col("care_site_id", Integer, true),
    col("visit_source_value", Varchar(50), true),
    col("visit_source_concept_id", Integer, true),
    col("admitted_from_concept_id", Integer, true),
    col("admitted_from_source_value", Varchar(50), true),
    col("discharged_to_concept_id", Integer, true),
    col("discharged_to_source_value", Varchar(50), true),
    col("preceding_visit_occurrence_id", Integer, true),
];

const VISIT_DETAIL: &[Column] = &[
    col("visit_detail_id", Integer, false),
    col("person_id", Integer, false),
    col("visit_detail_concept_id", Integer, false),
    col("visit_detail_start_date", Date, false),
    col("visit_detail_start_datetime", Timestamp, true),
    col("visit_detail_end_date", Date, false),
    col("visit_detail_end_datetime", Timestamp, true),
    col("visit_detail_type_concept_id", Integer, false),
    col("provider_id", Integer, true),
    col("care_site_id", Integer, true),
    col("visit_detail_source_value", Varchar(50), true),
    col("visit_detail_source_concept_id", Integer, true),
    col("admitted_from_concept_id", Integer, true),
    col("admitted_from_source_value", Varchar(50), true),
    col("discharged_to_source_value", Varchar(50), true),
    col("discharged_to_concept_id", Integer, true),
    col("preceding_visit_detail_id", Integer, true),
    col("parent_visit_detail_id", Integer, true),
    col("visit_occurrence_id", Integer, false),
];

const CONDITION_OCCURRENCE: &[Column] = &[
    col("condition_occurrence_id", Integer, false),
    col("person_id", Integer, false),
    col("condition_concept_id", Integer, false),
    col("condition_start_date", Date, false),
    col("condition_start_datetime", Timestamp, true),
    col("condition_end_date", Date, true),
    col("condition_end_datetime", Timestamp, true),
    col("condition_type_concept_id", Integer, false),
    col("condition_status_concept_id", Integer, true),
    col("stop_reason", Varchar(20), true),
    col("provider_id", Integer, true),
    col("visit_occurrence_id", Integer, true),
    col("visit_detail_id", Integer, true),
    col("condition_source_value", Varchar(50), true),
    col("condition_source_concept_id", Integer, true),
    col("condition_status_source_value", Varchar(50), true),
];

const LOCATION: &[Column] = &[
    col("location_id", Integer, false),
    col("address_1", Varchar(50), true),
    col("address_2", Varchar(50), true),
    col("city", Varchar(50), true),
    col("state", Varchar(2), true),
    col("zip", Varchar(9), true),
    col("county", Varchar(20), true),
    col("location_source_value", Varchar(50), true),
    col("country_concept_id", Integer, true),
    col("country_source_value", Varchar(80), true),
    col("latitude", Numeric, true),
    col("longitude", Numeric, true),
];

const CARE_SITE: &[Column] = &[
    col("care_site_id", Integer, false),
    col("care_site_name", Varchar(255), true),
    col("place_of_service_concept_id", Integer, true),
    col("location_id", Integer, true),
    col("care_site_source_value", Varchar(50), true),
    col("place_of_service_source_value", Varchar(50), true),
];

const CDM_SOURCE: &[Column] = &[
    col("cdm_source_name", Varchar(255), false),
    col("cdm_source_abbreviation", Varchar(25), false),
    col("cdm_holder", Varchar(255), false),
    col("source_description", Text, true),
    col("source_documentation_reference", Varchar(255), true),
    col("cdm_etl_reference", Varchar(255), true),
    col("source_release_date", Date, false),
    col("cdm_release_date", Date, false),
    col("cdm_version", Varchar(10), true),
    col("cdm_version_concept_id", Integer, false),
    col("vocabulary_version", Varchar(20), false),
];

const CONCEPT: &[Column] = &[
    col("concept_id", Integer, false),
    col("concept_name", Varchar(255), false),
    col("domain_id", Varchar(20), false),
    col("vocabulary_id", Varchar(20), false),
    col("concept_class_id", Varchar(20), false),
    col("standard_concept", Varchar(1), true),
    col("concept_code", Varchar(50), false),
    col("valid_start_date", Date, false),
    col("valid_end_date", Date, false),
    col("invalid_reason", Varchar(1), true),
];

const fn table(
    name: &'static str,
    columns: &'static [Column],
    primary_key: Option<&'static str>,
    optional: bool,
) -> Table {
    Table {
        name,
        columns,
        primary_key,
        optional,
    }
}

/// The OMOP tables Hublot knows, in creation order.
pub const TABLES: &[Table] = &[
    table("location", LOCATION, Some("location_id"), true),
    table("care_site", CARE_SITE, Some("care_site_id"), true),
    table("person", PERSON, Some("person_id"), false),
    table(
        "observation_period",
        OBSERVATION_PERIOD,
        Some("observation_period_id"),
        true,
    ),
    table(
        "visit_occurrence",
        VISIT_OCCURRENCE,
        Some("visit_occurrence_id"),
        false,
    ),
    table("visit_detail", VISIT_DETAIL, Some("visit_detail_id"), true),
    table(
        "condition_occurrence",
        CONDITION_OCCURRENCE,
        Some("condition_occurrence_id"),
        false,
    ),
    table("concept", CONCEPT, Some("concept_id"), true),
    table("cdm_source", CDM_SOURCE, None, true),
];

/// Secondary indexes for aggregate workloads (OMOP's recommended ones plus dates
/// and the ER → admission link).
pub const INDEXES: &[Index] = &[
    Index {
        name: "idx_observation_period_person_id",
        table: "observation_period",
        columns: &["person_id"],
    },
    Index {
        name: "idx_visit_person_id",
        table: "visit_occurrence",
        columns: &["person_id"],
    },
    Index {
        name: "idx_visit_concept_start_date",
        table: "visit_occurrence",
        columns: &["visit_concept_id", "visit_start_date"],
    },
    Index {
        name: "idx_visit_start_date",
        table: "visit_occurrence",
        columns: &["visit_start_date"],
    },
    Index {
        name: "idx_visit_preceding_visit",
        table: "visit_occurrence",
        columns: &["preceding_visit_occurrence_id"],
    },
    Index {
        name: "idx_visit_detail_visit_id",
        table: "visit_detail",
        columns: &["visit_occurrence_id"],
    },
    Index {
        name: "idx_condition_person_id",
        table: "condition_occurrence",
        columns: &["person_id"],
    },
    Index {
        name: "idx_condition_visit_id",
        table: "condition_occurrence",
        columns: &["visit_occurrence_id"],
    },
    Index {
        name: "idx_condition_concept_id",
        table: "condition_occurrence",
        columns: &["condition_concept_id"],
    },
    Index {
        name: "idx_condition_start_date",
        table: "condition_occurrence",
        columns: &["condition_start_date"],
    },
];

/// The table definition called `name`.
pub fn table_def(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// Quotes an SQL identifier with double quotes (valid in SQLite and PostgreSQL).
pub fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// `table` qualified by `schema` (quoted), or bare when there is no schema.
pub fn qualify(schema: Option<&str>, table: &str) -> String {
    match schema {
        Some(s) if !s.is_empty() => format!("{}.{table}", quote_ident(s)),
        _ => table.to_owned(),
    }
}

/// `CREATE TABLE IF NOT EXISTS` for one table.
pub fn create_table_sql(backend: Backend, table: &Table, schema: Option<&str>) -> String {
    let mut sql = format!(
        "CREATE TABLE IF NOT EXISTS {} (\n",
        qualify(schema, table.name)
    );
    for (i, c) in table.columns.iter().enumerate() {
        if i > 0 {
            sql.push_str(",\n");
        }
        sql.push_str("    ");
        sql.push_str(c.name);
        sql.push(' ');
        sql.push_str(&c.ty.sql(backend));
        if !c.nullable {
            sql.push_str(" NOT NULL");
        }
        if table.primary_key == Some(c.name) {
            sql.push_str(" PRIMARY KEY");
        }
    }
    sql.push_str("\n)");
    sql
}

/// `CREATE INDEX IF NOT EXISTS` for one index.
pub fn create_index_sql(index: &Index, schema: Option<&str>) -> String {
    format!(
        "CREATE INDEX IF NOT EXISTS {} ON {} ({})",
        index.name,
        qualify(schema, index.table),
        index.columns.join(", ")
    )
}

/// `DROP INDEX IF EXISTS` for one index (PostgreSQL indexes live in the table's schema).
pub fn drop_index_sql(index: &Index, schema: Option<&str>) -> String {
    format!("DROP INDEX IF EXISTS {}", qualify(schema, index.name))
}

/// `CREATE TABLE` statements for every table in [`TABLES`].
pub fn create_tables(backend: Backend, schema: Option<&str>) -> Vec<String> {
    TABLES
        .iter()
        .map(|t| create_table_sql(backend, t, schema))
        .collect()
}

/// `CREATE INDEX` statements for every index in [`INDEXES`].
pub fn create_indexes(schema: Option<&str>) -> Vec<String> {
    INDEXES
        .iter()
        .map(|i| create_index_sql(i, schema))
        .collect()
}

/// The whole DDL: tables, then indexes. Every statement is idempotent.
pub fn ddl(backend: Backend, schema: Option<&str>) -> Vec<String> {
    let mut all = create_tables(backend, schema);
    all.extend(create_indexes(schema));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_names_existing_columns() {
        for index in INDEXES {
            let table = table_def(index.table).expect("indexed table exists");
            for column in index.columns {
                assert!(table.column(column).is_some(), "{}.{column}", index.table);
            }
        }
        for table in TABLES {
            if let Some(pk) = table.primary_key {
                assert!(table.column(pk).is_some(), "{}.{pk}", table.name);
            }
        }
    }

    #[test]
    fn ddl_differs_per_backend() {
        let person = table_def("location").unwrap();
        let pg = create_table_sql(Backend::Postgres, person, Some("cdm"));
        let lite = create_table_sql(Backend::Sqlite, person, None);
        assert!(pg.starts_with("CREATE TABLE IF NOT EXISTS \"cdm\".location"));
        assert!(pg.contains("latitude NUMERIC"));
        assert!(pg.contains("city VARCHAR(50)"));
        assert!(lite.contains("latitude REAL"));
        assert!(lite.contains("location_id INTEGER NOT NULL PRIMARY KEY"));
        assert_eq!(qualify(Some("we\"ird"), "person"), "\"we\"\"ird\".person");
    }
}
