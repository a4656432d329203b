//! API tokens. Tokens are random 256-bit values given to their holder once; the node keeps
//! only their SHA-256, in `tokens.json` of its data directory.

use crate::problem::Problem;
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Files access requests.
    Applicant,
    /// The committee that reviews requests and issues permits.
    Reviewer,
    /// Runs the node: edits the catalogue, manages tokens.
    Admin,
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "applicant" => Ok(Self::Applicant),
            "reviewer" => Ok(Self::Reviewer),
            "admin" => Ok(Self::Admin),
            other => Err(format!(
                "unknown role {other:?}: use applicant, reviewer or admin"
            )),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenEntry {
    pub role: Role,
    pub sha256: String,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TokenFile {
    pub tokens: Vec<TokenEntry>,
}

/// The hashed tokens the server accepts.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    by_hash: HashMap<String, Role>,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Tokens {
    /// Reads `tokens.json`; a missing file means no token (every write endpoint refuses).
    pub fn load(path: &Path) -> Result<Self, String> {
        let file = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice::<TokenFile>(&bytes)
                .map_err(|e| format!("{}: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => TokenFile::default(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        Ok(Self::from_file(&file))
    }

    pub fn from_file(file: &TokenFile) -> Self {
        Self {
            by_hash: file
                .tokens
                .iter()
                .map(|t| (t.sha256.to_ascii_lowercase(), t.role))
                .collect(),
        }
    }

    /// Creates a token for a role, appends its hash to `tokens.json` and returns the token.
    pub fn create(path: &Path, role: Role, label: &str) -> Result<String, String> {
        let mut file = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice::<TokenFile>(&bytes)
                .map_err(|e| format!("{}: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => TokenFile::default(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let mut raw = [0u8; 32];
        getrandom(&mut raw)?;
        let token = format!("hbl_{}", hex::encode(raw));
        file.tokens.push(TokenEntry {
            role,
            sha256: hash_token(&token),
            label: label.to_owned(),
        });
        let tmp = path.with_extension("json.tmp");
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(&file).map_err(|e| e.to_string())?,
        )
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(token)
    }

    pub fn role_of(&self, token: &str) -> Option<Role> {
        self.by_hash.get(&hash_token(token)).copied()
    }

    /// Checks the bearer token of a request against the roles allowed.
    pub fn require(&self, headers: &HeaderMap, allowed: &[Role]) -> Result<Role, Problem> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let Some(token) = token else {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this endpoint needs an API token: send `Authorization: Bearer <token>`",
            ));
        };
        match self.role_of(token) {
            Some(role) if allowed.contains(&role) => Ok(role),
            Some(role) => Err(Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("the {role:?} role may not do this; needed: {allowed:?}"),
            )),
            None => Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "unknown API token",
            )),
        }
    }
}

fn getrandom(buf: &mut [u8]) -> Result<(), String> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .map_err(|e| format!("cannot read random bytes: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_and_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        let admin = Tokens::create(&path, Role::Admin, "test").unwrap();
        let applicant = Tokens::create(&path, Role::Applicant, "test").unwrap();
        let tokens = Tokens::load(&path).unwrap();
        assert_eq!(tokens.role_of(&admin), Some(Role::Admin));
        assert_eq!(tokens.role_of(&applicant), Some(Role::Applicant));
        assert_eq!(tokens.role_of("nope"), None);
        let stored = std::fs::read_to_string(&path).unwrap();
        assert!(!stored.contains(&admin), "tokens are stored hashed only");
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            format!("Bearer {applicant}").parse().unwrap(),
        );
        assert_eq!(tokens.require(&h, &[Role::Admin]).unwrap_err().status, 403);
        h.insert(
            header::AUTHORIZATION,
            format!("Bearer {admin}").parse().unwrap(),
        );
        assert_eq!(tokens.require(&h, &[Role::Admin]).unwrap(), Role::Admin);
        assert_eq!(
            tokens
                .require(&HeaderMap::new(), &[Role::Admin])
                .unwrap_err()
                .status,
            401
        );
    }
}
