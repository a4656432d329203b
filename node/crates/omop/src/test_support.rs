//! Helpers for integration tests that need a real PostgreSQL: the server URL and
//! a throw-away schema dropped when the test ends, pass or fail.
//!
//! The URL comes from `HUBLOT_TEST_DATABASE_URL`, else
//! [`DEFAULT_TEST_DATABASE_URL`]. An unreachable server is an error with a clear
//! message, never a silent skip.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::pg::{Session, open_client, parse_config};
use crate::{OmopError, PostgresWarehouse};

/// Where tests look for PostgreSQL unless `HUBLOT_TEST_DATABASE_URL` says otherwise.
pub const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The test server URL.
pub fn test_database_url() -> String {
    std::env::var("HUBLOT_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_TEST_DATABASE_URL.to_owned())
}

/// The URL with any password replaced by `***`, for messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// A uniquely named schema on the test server, dropped (`CASCADE`) on drop —
/// including when the test panics.
#[derive(Debug)]
pub struct PgTestSchema {
    url: String,
    name: String,
}

impl PgTestSchema {
    /// Checks that the server answers and reserves a fresh schema name starting
    /// with `prefix` (the schema itself is created by whatever fills it).
    pub fn new(prefix: &str) -> Result<Self, OmopError> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let url = test_database_url();
        let unreachable = |e: OmopError| {
            OmopError::Config(format!(
                "PostgreSQL test server unreachable at {} ({e}); start it or set \
                 HUBLOT_TEST_DATABASE_URL to a server where this user may create schemas",
                redact_url(&url)
            ))
        };
        let config = parse_config(&url).map_err(unreachable)?;
        let mut client = open_client(&config, Session::ReadWrite).map_err(unreachable)?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let prefix: String = prefix
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(30)
            .collect();
        let name = format!(
            "{prefix}_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        // A leftover from an earlier run with the same name would be a bug: start clean.
        client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))?;
        Ok(PgTestSchema { url, name })
    }

    /// The server URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for PgTestSchema {
    fn drop(&mut self) {
        if let Err(e) = PostgresWarehouse::drop_schema(&self.url, &self.name) {
            eprintln!("could not drop test schema {}: {e}", self.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
