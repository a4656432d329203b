//! A digest of a table's content that does not depend on the backend, to check
//! that two warehouses hold the same data (same seed in SQLite and PostgreSQL,
//! a copy against its source…).
//!
//! Rows are read in primary-key order (all columns in order for tables without
//! one), every value through [`SqlValue`] — so dates, timestamps and numbers
//! compare by value, not by storage — and fed to SHA-256 with a type tag and
//! separators.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::schema::{self, Table};
use crate::value::iso_date;
use crate::{OmopError, SqlValue, Warehouse};

/// Row count and SHA-256 of one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableChecksum {
    /// Number of rows.
    pub rows: u64,
    /// Lower-case hex SHA-256 of the canonical rows.
    pub sha256: String,
}

fn select_all(warehouse: &dyn Warehouse, table: &Table) -> String {
    let columns = table.column_names().join(", ");
    let order = match table.primary_key {
        Some(pk) => pk.to_owned(),
        None => (1..=table.columns.len())
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    format!(
        "SELECT {columns} FROM {} ORDER BY {order}",
        warehouse.table(table.name)
    )
}

/// The checksum of one of the tables of [`crate::schema::TABLES`].
pub fn table_checksum(warehouse: &dyn Warehouse, table: &str) -> Result<TableChecksum, OmopError> {
    let def = schema::table_def(table)
        .ok_or_else(|| OmopError::Config(format!("unknown OMOP table {table:?}")))?;
    let mut hasher = Sha256::new();
    let mut rows = 0u64;
    let mut buf = [0u8; 10];
    warehouse.query_each(&select_all(warehouse, def), &[], &mut |row| {
        rows += 1;
        for value in row {
            match value {
                SqlValue::Null => hasher.update(b"n"),
                SqlValue::Int(v) => {
                    hasher.update(b"i");
                    hasher.update(v.to_string().as_bytes());
                }
                SqlValue::Float(v) => {
                    hasher.update(b"f");
                    hasher.update(format!("{v:?}").as_bytes());
                }
                SqlValue::Text(s) => {
                    hasher.update(b"t");
                    hasher.update(s.len().to_string().as_bytes());
                    hasher.update(b":");
                    hasher.update(s.as_bytes());
                }
                SqlValue::Date(d) => {
                    hasher.update(b"d");
                    hasher.update(iso_date(*d, &mut buf).as_bytes());
                }
            }
            hasher.update([0x1f]);
        }
        hasher.update([0x1e]);
        Ok(())
    })?;
    Ok(TableChecksum {
        rows,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// Checksums of every table of [`crate::schema::TABLES`], by table name.
pub fn checksums(
    warehouse: &dyn Warehouse,
) -> Result<BTreeMap<&'static str, TableChecksum>, OmopError> {
    schema::TABLES
        .iter()
        .map(|t| Ok((t.name, table_checksum(warehouse, t.name)?)))
        .collect()
}
