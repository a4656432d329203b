//! The node's configuration file (TOML). Every key is documented in the README.

use hublot_catalogue::CatalogueConfig;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the node keeps its state (catalogue journal, tokens).
    pub data_dir: PathBuf,
    pub server: ServerSection,
    pub catalogue: CatalogueConfig,
    pub sparql: SparqlSection,
    pub log: LogSection,
    /// The OMOP warehouse (default: the embedded one, `DATA_DIR/warehouse.sqlite`).
    pub warehouse: Option<hublot_engine::WarehouseConfig>,
    /// Catalogue datasets whose statistics are computed from the warehouse.
    pub statistics: Vec<StatisticsBinding>,
}

/// A dataset of the catalogue backed by the warehouse: its figures are the visits of these
/// OMOP visit concepts (e.g. 9203 and 262 for emergency visits).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StatisticsBinding {
    pub dataset: String,
    pub visit_concepts: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSection {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SparqlSection {
    /// Per-query time limit, in milliseconds.
    pub timeout_ms: u64,
    /// Largest number of result rows (SELECT) or triples (CONSTRUCT/DESCRIBE).
    pub max_results: usize,
    /// Largest query text, in bytes.
    pub max_query_bytes: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSection {
    /// `auto` (JSON when standard error is not a terminal), `json` or `text`.
    pub format: String,
    /// A tracing filter, e.g. `info` or `hublot_server=debug,info`.
    pub level: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./hublot-data"),
            server: ServerSection::default(),
            catalogue: CatalogueConfig::default(),
            sparql: SparqlSection::default(),
            log: LogSection::default(),
            warehouse: None,
            statistics: Vec::new(),
        }
    }
}

impl Default for ServerSection {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

impl Default for SparqlSection {
    fn default() -> Self {
        let d = hublot_sparql::SparqlLimits::default();
        Self {
            timeout_ms: d.timeout.as_millis() as u64,
            max_results: d.max_results,
            max_query_bytes: d.max_query_bytes,
        }
    }
}

impl Default for LogSection {
    fn default() -> Self {
        Self {
            format: "auto".into(),
            level: "info".into(),
        }
    }
}

impl Config {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        // A relative data_dir is relative to the configuration file.
        if config.data_dir.is_relative()
            && let Some(parent) = path.parent()
        {
            config.data_dir = parent.join(&config.data_dir);
        }
        Ok(config)
    }

    /// The configured warehouse, or the embedded one of the data directory.
    pub fn warehouse(&self) -> hublot_engine::WarehouseConfig {
        self.warehouse
            .clone()
            .unwrap_or_else(|| hublot_engine::WarehouseConfig::embedded(&self.data_dir))
    }

    pub fn sparql_limits(&self) -> hublot_sparql::SparqlLimits {
        hublot_sparql::SparqlLimits {
            timeout: std::time::Duration::from_millis(self.sparql.timeout_ms),
            max_results: self.sparql.max_results,
            max_query_bytes: self.sparql.max_query_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_and_unknown_keys_fail() {
        let example = include_str!("../../deploy/hublot-node.example.toml");
        let c: Config = toml::from_str(example).unwrap();
        assert_eq!(c.server.listen.port(), 8080);
        assert!(toml::from_str::<Config>("[server]\nlisten_on = \"x\"").is_err());
    }
}
