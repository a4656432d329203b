//! Disclosure-control policy (configuration, per node and per permit).

use serde::{Deserialize, Serialize};

use crate::error::{Result, SdcError};

/// Default threshold: the French norm for health data (counts 1..=10 masked).
pub const DEFAULT_K: u64 = 11;

/// A disclosure-control policy.
///
/// Only `version` is required when deserialising; every other field has the
/// Hublot default:
///
/// ```
/// let policy: hublot_sdc::Policy = serde_json::from_str(r#"{ "version": "fr-2025.1" }"#).unwrap();
/// assert_eq!(policy.k, 11);
/// assert!(!policy.suppress_zero);
/// assert_eq!(policy.rounding, None);
/// assert_eq!(policy.dominance.n, 2);
/// assert_eq!(policy.dominance.p, 0.9);
/// assert!(policy.secondary_suppression);
/// assert!(policy.differencing_within_release);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Version label, copied into every result table and release record.
    pub version: String,
    /// Threshold: counts (and numbers of persons) from 1 to `k - 1` are
    /// suppressed.
    #[serde(default = "default_k")]
    pub k: u64,
    /// Also suppress zero counts (default: zero is published as zero).
    #[serde(default)]
    pub suppress_zero: bool,
    /// Rounding base applied to published counts after suppression (e.g. 5),
    /// or `None`.
    #[serde(default)]
    pub rounding: Option<u64>,
    /// Dominance rule for sums and means.
    #[serde(default)]
    pub dominance: Dominance,
    /// Secondary suppression across margins (default on).
    #[serde(default = "default_true")]
    pub secondary_suppression: bool,
    /// Also apply the differencing rule between cells of the same release
    /// (default on): two populations released together must not differ by
    /// 1..k-1 persons either, so the outcome does not depend on whether two
    /// cells come in one table or in two.
    #[serde(default = "default_true")]
    pub differencing_within_release: bool,
}

/// (n, p) dominance rule: a sum or mean is suppressed when its `n` largest
/// contributions exceed the share `p` of its total.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dominance {
    /// Number of largest contributors considered.
    pub n: usize,
    /// Largest share of the total they may reach, in `(0, 1]`.
    pub p: f64,
}

impl Default for Dominance {
    fn default() -> Self {
        Dominance { n: 2, p: 0.9 }
    }
}

fn default_k() -> u64 {
    DEFAULT_K
}

fn default_true() -> bool {
    true
}

impl Policy {
    /// The Hublot defaults (k = 11, zero published, no rounding, dominance
    /// (2, 90 %), secondary suppression on) under the given version label.
    pub fn new(version: impl Into<String>) -> Self {
        Policy {
            version: version.into(),
            k: DEFAULT_K,
            suppress_zero: false,
            rounding: None,
            dominance: Dominance::default(),
            secondary_suppression: true,
            differencing_within_release: true,
        }
    }

    /// Checks that the policy can be applied.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(SdcError::InvalidPolicy(m.to_owned()));
        if self.version.trim().is_empty() {
            return bad("`version` must not be empty");
        }
        if self.k == 0 {
            return bad("`k` must be at least 1");
        }
        if self.k > i64::MAX as u64 {
            return bad("`k` is too large");
        }
        if self.rounding == Some(0) {
            return bad("`rounding` base must be at least 1 (or null)");
        }
        if self.dominance.n == 0 {
            return bad("`dominance.n` must be at least 1");
        }
        if !(self.dominance.p > 0.0 && self.dominance.p <= 1.0) {
            return bad("`dominance.p` must be in (0, 1]");
        }
        Ok(())
    }

    /// The part of the policy shown in result tables.
    pub fn published(&self) -> PublishedPolicy {
        PublishedPolicy {
            k: self.k,
            rounding: self.rounding,
            version: self.version.clone(),
        }
    }
}

/// The `policy` object of a result table (interfaces.md):
/// `{ "k": 11, "rounding": null, "version": "…" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedPolicy {
    /// Threshold.
    pub k: u64,
    /// Rounding base, or `null`.
    pub rounding: Option<u64>,
    /// Policy version label.
    pub version: String,
}
