//! Indicator specs shipped with Hublot.

use crate::validate::{Spec, parse};

/// The ARI weekly indicators (Hublot's reference definition of Orchidée-style respiratory
/// indicators), as a spec: per (week, age band, syndrome) `er_visits`, `er_visits_coded`
/// (repeated under each syndrome) and `hospitalisations`; per week `er_visits_total`,
/// `er_visits_coded_total` and `data_freshness`; ratios `share` (percentage) and
/// `coding_completeness`.
pub const ARI_WEEKLY_JSON: &str = include_str!("../indicators/ari-weekly.json");

/// The validated ARI weekly spec.
pub fn ari_weekly() -> Spec {
    parse(ARI_WEEKLY_JSON).unwrap_or_else(|errors| {
        panic!("the shipped ARI spec is invalid: {errors:?}");
    })
}

/// Every shipped indicator spec, by name.
pub fn all() -> Vec<Spec> {
    vec![ari_weekly()]
}

/// A shipped indicator spec by its name (e.g. `ari-weekly`).
pub fn by_name(name: &str) -> Option<Spec> {
    all().into_iter().find(|s| s.name() == name)
}
