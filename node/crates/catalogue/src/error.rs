//! Errors of the catalogue crate.

use std::fmt;

/// A position in a parsed document (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The document is not well-formed in its syntax.
    #[error("{format} syntax error{}: {message}", position.map(|p| format!(" at {p}")).unwrap_or_default())]
    Syntax {
        format: &'static str,
        position: Option<Position>,
        message: String,
    },
    /// The media type or file extension is not one the node reads or writes.
    #[error("unsupported format: {0}")]
    UnsupportedFormat(String),
    /// The document is well-formed but is not a usable catalogue record.
    #[error("{0}")]
    InvalidRecord(String),
    /// The records do not conform to the HealthDCAT-AP shapes of their access-rights tier.
    #[error("the records do not conform to HealthDCAT-AP ({violations} violation(s))")]
    NotConforming {
        violations: usize,
        /// The human-readable validation report.
        text: String,
        /// The same report as JSON (for problem+json bodies).
        json: serde_json::Value,
    },
    /// A `PUT /datasets/{id}` whose body describes another identifier.
    #[error("{0}")]
    IdentifierMismatch(String),
    #[error("YAML authoring error: {0}")]
    Authoring(#[from] crate::authoring::AuthoringError),
    #[error("catalogue journal error: {0}")]
    Journal(#[from] rusqlite::Error),
    #[error("RDF store error: {0}")]
    Store(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("SHACL error: {0}")]
    Shacl(String),
}

impl CatalogueError {
    /// Whether the error is the client's doing (bad input) rather than the node's.
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            Self::Syntax { .. }
                | Self::UnsupportedFormat(_)
                | Self::InvalidRecord(_)
                | Self::NotConforming { .. }
                | Self::IdentifierMismatch(_)
                | Self::Authoring(_)
        )
    }
}

impl From<oxigraph::store::StorageError> for CatalogueError {
    fn from(e: oxigraph::store::StorageError) -> Self {
        Self::Store(e.to_string())
    }
}
