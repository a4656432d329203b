//! Compilation of a validated spec to parameterised SQL.
//!
//! Measures that share the same breakdown keys are computed by one statement. A statement
//! returns one row per (key values…, person): the keys, `person_id`, and per measure the
//! person's number of visits in the cell (plus the person's sum or maximum for `sum`,
//! `mean` and `max`). Execution then adds the rows up in Rust, which gives each cell its
//! value and its population (the set of persons) in the same pass, and the `all` margins of
//! disjoint breakdowns (week, age band, sex, care site) by summing. Syndrome groups overlap,
//! so their `all` margin is a group of its own computed in SQL.
//!
//! Statement shape (CTEs):
//! - `g(grp, prefix)`: the syndrome groups' prefixes, as bound parameters (`VALUES`);
//! - `v0`: visits of the run window joined to their person, with the spec's cheap visit-level
//!   filters; `vb`/`v`: birth date parts and age at visit;
//! - `vk`: `v` plus the key columns of the statement (ISO week, age band, sex, care site);
//! - `c`: conditions attached to those visits, with the normalised code;
//! - `s`: distinct (visit, syndrome group) memberships, by equi-joins of the code's first
//!   characters with the prefixes (one per prefix length);
//! - final `SELECT … GROUP BY keys, person_id` with each measure's filter in a `CASE`.
//!
//! Every user value (concept ids, codes, dates, ages, labels) is a bound parameter, pushed
//! in the order its placeholder appears in the text and used once. Table names come from the
//! warehouse; column names are the compiler's own, or measure columns validated against the
//! OMOP schema and allow-list ([`crate::validate::column_type`]); nothing else of the spec is
//! written into the text.

use std::collections::BTreeSet;

use hublot_omop::SqlValue;
use time::Date;

use crate::dialect::{Dialect, ParamType};
use crate::model::{ALL, AgeBand, Aggregate, Breakdown, Filter, SpecModel, normalise_code};
use crate::validate::{ColumnType, Spec, column_type, parse_date};

/// `person.gender_concept_id` values with their own key value in a `sex` breakdown.
pub const SEX_VALUES: [(i64, &str); 2] = [(8507, "male"), (8532, "female")];
/// Key value of every other (or missing) gender concept.
pub const SEX_OTHER: &str = "other";
/// Key value of a missing `care_site_id`.
pub const SITE_UNKNOWN: &str = "unknown";

/// One SQL statement and how to read its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledQuery {
    /// The statement text, with the dialect's placeholders.
    pub sql: String,
    /// The bound parameters, in placeholder order.
    pub params: Vec<SqlValue>,
    /// Breakdown keys of the first result columns, in order; `person_id` follows them.
    pub keys: Vec<String>,
    /// The measures computed, in column order after `person_id`: for each, the person's
    /// visit count in the cell, then for `sum`/`mean` the person's sum (float) and for `max`
    /// the person's maximum (float, or `YYYY-MM-DD` text for dates).
    pub measures: Vec<String>,
}

/// Compiles `spec` for `dialect` over visits whose `visit_start_date` is in `from..=to`.
/// `table` gives the qualified name of an OMOP table in the warehouse.
pub fn compile(
    spec: &Spec,
    dialect: &dyn Dialect,
    table: &dyn Fn(&str) -> String,
    from: Date,
    to: Date,
) -> Vec<CompiledQuery> {
    let model = spec.model();
    statement_groups(model)
        .into_iter()
        .map(|(keys, measures)| {
            let needs = Needs::of(model, &keys, &measures);
            let mut b = Builder {
                dialect,
                sql: String::new(),
                params: Vec::new(),
            };
            b.statement(model, &needs, table, from, to, &keys, &measures);
            CompiledQuery {
                sql: b.sql,
                params: b.params,
                keys,
                measures: measures
                    .iter()
                    .map(|&i| model.measures[i].name.clone())
                    .collect(),
            }
        })
        .collect()
}

/// The breakdown keys of measure `i`, in the spec's breakdown order.
pub(crate) fn measure_keys(model: &SpecModel, i: usize) -> Vec<String> {
    let measure = &model.measures[i];
    model
        .breakdowns
        .iter()
        .map(Breakdown::key)
        .filter(|k| {
            measure
                .by
                .as_ref()
                .is_none_or(|by| by.iter().any(|b| b == k))
        })
        .map(str::to_owned)
        .collect()
}

/// Measures grouped by identical breakdown keys, in order of first appearance.
fn statement_groups(model: &SpecModel) -> Vec<(Vec<String>, Vec<usize>)> {
    let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
    for i in 0..model.measures.len() {
        let keys = measure_keys(model, i);
        match groups.iter_mut().find(|(k, _)| *k == keys) {
            Some((_, measures)) => measures.push(i),
            None => groups.push((keys, vec![i])),
        }
    }
    groups
}

/// Which optional columns a statement needs (the allow-list check in validation uses the
/// same analysis of filters).
#[derive(Debug, Default, Clone)]
pub(crate) struct Needs {
    pub age: bool,
    pub gender: bool,
    pub site: bool,
    pub visit_concept: bool,
    pub condition_code: bool,
    pub condition_concept: bool,
    pub followed_by: bool,
    /// `table.column` of measure columns, in first-use order.
    pub columns: Vec<String>,
}

impl Needs {
    /// What the statement computing `measures` broken down by `keys` needs.
    fn of(model: &SpecModel, keys: &[String], measures: &[usize]) -> Self {
        let mut needs = Needs::default();
        for breakdown in model
            .breakdowns
            .iter()
            .filter(|b| keys.iter().any(|k| k == b.key()))
        {
            match breakdown {
                Breakdown::IsoWeek { .. } => {}
                Breakdown::AgeBand { .. } => needs.age = true,
                Breakdown::Sex { .. } => needs.gender = true,
                Breakdown::Syndrome { .. } => needs.condition_code = true,
                Breakdown::CareSite { .. } => needs.site = true,
            }
        }
        needs.filter(&model.filters);
        for measure in measures.iter().map(|&m| &model.measures[m]) {
            needs.filter(&measure.filters);
            if let Some(column) = &measure.column
                && !needs.columns.contains(column)
            {
                needs.columns.push(column.clone());
            }
        }
        needs
    }

    pub(crate) fn filter(&mut self, f: &Filter) {
        self.visit_concept |= f.visit_concept_ids.is_some();
        self.condition_concept |= f.condition_concept_ids.is_some();
        self.condition_code |= f.icd10_prefixes.is_some() || f.has_coded_condition.is_some();
        self.age |= f.age.is_some();
        self.gender |= f.gender_concept_ids.is_some();
        self.site |= f.care_site_ids.is_some();
        self.followed_by |= f.followed_by.is_some();
        for sub in f.any_of.iter().flatten() {
            self.filter(sub);
        }
    }

    fn conditions(&self) -> bool {
        self.condition_code || self.condition_concept
    }

    fn column_alias(&self, column: &str) -> String {
        let i = self.columns.iter().position(|c| c == column).unwrap_or(0);
        format!("x{i}")
    }
}

/// Column names used in filters, depending on where the filter is evaluated.
struct Cols {
    vid: &'static str,
    vdate: &'static str,
    vconcept: &'static str,
    vsite: &'static str,
    gender: &'static str,
    age: &'static str,
}

const EARLY: Cols = Cols {
    vid: "vo.visit_occurrence_id",
    vdate: "vo.visit_start_date",
    vconcept: "vo.visit_concept_id",
    vsite: "vo.care_site_id",
    gender: "p.gender_concept_id",
    age: "NULL",
};

const LATE: Cols = Cols {
    vid: "vk.vid",
    vdate: "vk.vdate",
    vconcept: "vk.vconcept",
    vsite: "vk.vsite",
    gender: "vk.gender",
    age: "vk.age",
};

struct Builder<'a> {
    dialect: &'a dyn Dialect,
    sql: String,
    params: Vec<SqlValue>,
}

impl Builder<'_> {
    /// The key columns of the final select and its GROUP BY: each breakdown's key (the
    /// syndrome group from `s`), then the person.
    fn push_key_columns(&mut self, breakdowns: &[&Breakdown]) {
        for (i, breakdown) in breakdowns.iter().enumerate() {
            if matches!(breakdown, Breakdown::Syndrome { .. }) {
                self.push("s.grp, ");
            } else {
                self.push(&format!("vk.k{i}, "));
            }
        }
        self.push("vk.pid");
    }

    fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    fn param(&mut self, value: SqlValue, ty: ParamType) {
        self.params.push(value);
        let placeholder = self.dialect.param(self.params.len(), ty);
        self.sql.push_str(&placeholder);
    }

    /// Writes `outer(fragment)` where `fragment` is what `inner` writes (parameters keep
    /// their textual order as long as `outer` uses its argument once).
    fn wrap(&mut self, inner: impl FnOnce(&mut Self), outer: impl FnOnce(&str) -> String) {
        let before = std::mem::take(&mut self.sql);
        inner(self);
        let fragment = std::mem::replace(&mut self.sql, before);
        self.sql.push_str(&outer(&fragment));
    }

    fn int(&mut self, v: i64) {
        self.param(SqlValue::Int(v), ParamType::Int);
    }

    fn text(&mut self, v: &str) {
        self.param(SqlValue::Text(v.to_owned()), ParamType::Text);
    }

    fn date(&mut self, v: Date) {
        self.param(SqlValue::Date(v), ParamType::Date);
    }

    fn int_list(&mut self, values: &[i64]) {
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.int(*v);
        }
        self.push(")");
    }

    #[allow(clippy::too_many_arguments)]
    fn statement(
        &mut self,
        model: &SpecModel,
        needs: &Needs,
        table: &dyn Fn(&str) -> String,
        from: Date,
        to: Date,
        keys: &[String],
        measures: &[usize],
    ) {
        let d = self.dialect;
        let breakdowns: Vec<&Breakdown> = keys
            .iter()
            .filter_map(|k| model.breakdowns.iter().find(|b| b.key() == k))
            .collect();
        let syndrome = breakdowns
            .iter()
            .find(|b| matches!(b, Breakdown::Syndrome { .. }))
            .copied();

        self.push("WITH ");
        // g: syndrome groups' prefixes.
        if let Some(Breakdown::Syndrome { groups, margin, .. }) = syndrome {
            self.push("g(grp, prefix) AS (VALUES ");
            let mut first = true;
            let mut all_prefixes = BTreeSet::new();
            for group in groups {
                let prefixes: BTreeSet<String> = group
                    .icd10_prefixes
                    .iter()
                    .map(|p| normalise_code(p))
                    .collect();
                for prefix in &prefixes {
                    if !first {
                        self.push(", ");
                    }
                    first = false;
                    self.push("(");
                    self.text(&group.name);
                    self.push(", ");
                    self.text(prefix);
                    self.push(")");
                }
                all_prefixes.extend(prefixes);
            }
            if *margin {
                for prefix in &all_prefixes {
                    self.push(", (");
                    self.text(ALL);
                    self.push(", ");
                    self.text(prefix);
                    self.push(")");
                }
            }
            self.push("), ");
        }

        // v0: visits of the window with their person.
        self.push("v0 AS (SELECT vo.visit_occurrence_id AS vid, vo.person_id AS pid, vo.visit_start_date AS vdate");
        if needs.visit_concept {
            self.push(", vo.visit_concept_id AS vconcept");
        }
        if needs.site {
            self.push(", vo.care_site_id AS vsite");
        }
        if needs.gender {
            self.push(", p.gender_concept_id AS gender");
        }
        if needs.age {
            self.push(", p.year_of_birth AS yob, p.month_of_birth AS mob, p.day_of_birth AS dob, p.birth_datetime AS bdt");
        }
        for (i, column) in needs.columns.iter().enumerate() {
            // Validated against the fixed OMOP column list: safe identifiers.
            let (tbl, col) = column.split_once('.').unwrap_or(("", ""));
            let alias = if tbl == "person" { "p" } else { "vo" };
            self.push(&format!(", {alias}.{col} AS x{i}"));
        }
        self.push(&format!(
            " FROM {} vo JOIN {} p ON p.person_id = vo.person_id WHERE vo.visit_start_date >= ",
            table("visit_occurrence"),
            table("person")
        ));
        self.date(from);
        self.push(" AND vo.visit_start_date <= ");
        self.date(to);
        let early = early_part(&model.filters);
        if !early.is_empty() {
            self.push(" AND ");
            self.filter(&early, &EARLY, table);
        }
        self.push("), ");

        // vb, v: age at visit.
        if needs.age {
            let (yb, mb, db) = (d.year("bdt"), d.month("bdt"), d.day("bdt"));
            self.push(&format!(
                "vb AS (SELECT v0.*, \
                 CASE WHEN bdt IS NOT NULL THEN {yb} ELSE yob END AS byear, \
                 CASE WHEN bdt IS NOT NULL THEN {mb} WHEN mob IS NOT NULL AND dob IS NOT NULL THEN mob END AS bmonth, \
                 CASE WHEN bdt IS NOT NULL THEN {db} WHEN mob IS NOT NULL AND dob IS NOT NULL THEN dob END AS bday \
                 FROM v0), "
            ));
            let (yv, mv, dv) = (d.year("vdate"), d.month("vdate"), d.day("vdate"));
            self.push(&format!(
                "v AS (SELECT vb.*, {yv} - byear - CASE WHEN bmonth IS NOT NULL AND bday IS NOT NULL \
                 AND ({mv} < bmonth OR ({mv} = bmonth AND {dv} < bday)) THEN 1 ELSE 0 END AS age FROM vb), "
            ));
        } else {
            self.push("v AS (SELECT * FROM v0), ");
        }

        // vk: key columns.
        self.push("vk AS (SELECT v.*");
        for (i, breakdown) in breakdowns.iter().enumerate() {
            match breakdown {
                Breakdown::IsoWeek { .. } => {
                    self.push(&format!(", {} AS k{i}", d.iso_week("v.vdate")));
                }
                Breakdown::AgeBand { bands, .. } => {
                    self.push(", ");
                    self.age_band_case(bands);
                    self.push(&format!(" AS k{i}"));
                }
                Breakdown::Sex { .. } => {
                    self.push(", CASE");
                    for (concept, label) in SEX_VALUES {
                        self.push(" WHEN v.gender = ");
                        self.int(concept);
                        self.push(" THEN ");
                        self.text(label);
                    }
                    self.push(" ELSE ");
                    self.text(SEX_OTHER);
                    self.push(&format!(" END AS k{i}"));
                }
                Breakdown::CareSite { .. } => {
                    self.push(&format!(", v.vsite AS k{i}"));
                }
                Breakdown::Syndrome { .. } => {}
            }
        }
        self.push(" FROM v)");

        // c, s: attached conditions and syndrome memberships.
        if needs.conditions() {
            self.push(", c AS (SELECT co.visit_occurrence_id AS vid");
            if needs.condition_concept {
                self.push(", co.condition_concept_id AS concept");
            }
            if needs.condition_code {
                self.push(&format!(
                    ", {} AS code",
                    d.normalise_code("co.condition_source_value")
                ));
            }
            self.push(&format!(
                " FROM {} co WHERE co.visit_occurrence_id IN (SELECT vid FROM v))",
                table("condition_occurrence")
            ));
        }
        if let Some(Breakdown::Syndrome { groups, .. }) = syndrome {
            // One equi-join per prefix length L (hashable, unlike a starts-with test):
            // left(code, L) = prefix holds exactly when the code starts with a prefix of
            // length L (a shorter code only equals a shorter prefix, which it starts with).
            let lengths: BTreeSet<usize> = groups
                .iter()
                .flat_map(|g| g.icd10_prefixes.iter())
                .map(|p| normalise_code(p).chars().count())
                .collect();
            self.push(", s AS (SELECT DISTINCT m.vid AS vid, m.grp AS grp FROM (");
            for (i, length) in lengths.into_iter().enumerate() {
                if i > 0 {
                    self.push(" UNION ALL ");
                }
                self.push("SELECT c.vid AS vid, g.grp AS grp FROM c JOIN g ON g.prefix = ");
                let length = i64::try_from(length).unwrap_or(i64::MAX);
                self.wrap(|b| b.int(length), |n| d.left("c.code", n));
            }
            self.push(") m)");
        }

        // Final select.
        self.push(" SELECT ");
        self.push_key_columns(&breakdowns);
        for &m in measures {
            let measure = &model.measures[m];
            let filter = (!measure.filters.is_empty()).then_some(&measure.filters);
            let column = measure
                .column
                .as_ref()
                .map(|c| format!("vk.{}", needs.column_alias(c)));
            self.push(", COUNT(");
            self.when(filter, column.as_deref().unwrap_or("1"), table);
            self.push(")");
            if let (Some(column), Some(name)) = (&column, &measure.column) {
                match measure.aggregate {
                    Aggregate::Sum | Aggregate::Mean => {
                        self.push(", SUM(");
                        self.when(filter, &d.to_float(column), table);
                        self.push(")");
                    }
                    Aggregate::Max => {
                        let is_date = matches!(
                            column_type(name),
                            Some(ColumnType::Date | ColumnType::Timestamp)
                        );
                        self.push(", ");
                        self.wrap(
                            |b| {
                                b.push("MAX(");
                                b.when(filter, column, table);
                                b.push(")");
                            },
                            |max| {
                                if is_date {
                                    d.date_text(max)
                                } else {
                                    d.to_float(max)
                                }
                            },
                        );
                    }
                    Aggregate::CountVisits | Aggregate::CountPersons => {}
                }
            }
        }
        self.push(" FROM vk");
        if syndrome.is_some() {
            self.push(" JOIN s ON s.vid = vk.vid");
        }
        let mut conjuncts = 0;
        let mut and = |b: &mut Self| {
            b.push(if conjuncts == 0 { " WHERE " } else { " AND " });
            conjuncts += 1;
        };
        for (i, breakdown) in breakdowns.iter().enumerate() {
            if matches!(breakdown, Breakdown::AgeBand { .. }) {
                and(self);
                self.push(&format!("vk.k{i} IS NOT NULL"));
            }
        }
        let late = late_part(&model.filters);
        if !late.is_empty() {
            and(self);
            self.filter(&late, &LATE, table);
        }
        if measures
            .iter()
            .all(|&m| !model.measures[m].filters.is_empty())
        {
            and(self);
            self.push("(");
            for (j, &m) in measures.iter().enumerate() {
                if j > 0 {
                    self.push(" OR ");
                }
                self.filter(&model.measures[m].filters, &LATE, table);
            }
            self.push(")");
        }
        self.push(" GROUP BY ");
        self.push_key_columns(&breakdowns);
    }

    /// `CASE WHEN filter THEN value END`, or `value` without a filter.
    fn when(&mut self, filter: Option<&Filter>, value: &str, table: &dyn Fn(&str) -> String) {
        match filter {
            Some(f) => {
                self.push("CASE WHEN ");
                self.filter(f, &LATE, table);
                self.push(&format!(" THEN {value} END"));
            }
            None => self.push(value),
        }
    }

    fn age_band_case(&mut self, bands: &[AgeBand]) {
        self.push("CASE");
        for band in bands {
            self.push(" WHEN v.age >= ");
            self.int(i64::from(band.min));
            if let Some(max) = band.max {
                self.push(" AND v.age <= ");
                self.int(i64::from(max));
            }
            self.push(" THEN ");
            self.text(&band.label);
        }
        self.push(" END");
    }

    /// A filter as a boolean expression (a conjunction of its members).
    fn filter(&mut self, f: &Filter, cols: &Cols, table: &dyn Fn(&str) -> String) {
        let d = self.dialect;
        let mut n = 0;
        let mut and = |b: &mut Self| {
            b.push(if n == 0 { "(" } else { " AND " });
            n += 1;
        };
        if let Some(ids) = &f.visit_concept_ids {
            and(self);
            self.push(&format!("{} IN ", cols.vconcept));
            self.int_list(ids);
        }
        if let Some(range) = &f.visit_start_date {
            if let Some(from) = range.from.as_deref().and_then(parse_date) {
                and(self);
                self.push(&format!("{} >= ", cols.vdate));
                self.date(from);
            }
            if let Some(to) = range.to.as_deref().and_then(parse_date) {
                and(self);
                self.push(&format!("{} <= ", cols.vdate));
                self.date(to);
            }
        }
        if let Some(ids) = &f.gender_concept_ids {
            and(self);
            self.push(&format!("{} IN ", cols.gender));
            self.int_list(ids);
        }
        if let Some(ids) = &f.care_site_ids {
            and(self);
            self.push(&format!("{} IN ", cols.vsite));
            self.int_list(ids);
        }
        if let Some(age) = &f.age {
            if let Some(min) = age.min {
                and(self);
                self.push(&format!("{} >= ", cols.age));
                self.int(i64::from(min));
            }
            if let Some(max) = age.max {
                and(self);
                self.push(&format!("{} <= ", cols.age));
                self.int(i64::from(max));
            }
        }
        if let Some(ids) = &f.condition_concept_ids {
            and(self);
            self.push(&format!(
                "{} IN (SELECT c.vid FROM c WHERE c.concept IN ",
                cols.vid
            ));
            self.int_list(ids);
            self.push(")");
        }
        if let Some(prefixes) = &f.icd10_prefixes {
            and(self);
            self.push(&format!("{} IN (SELECT c.vid FROM c WHERE ", cols.vid));
            let prefixes: BTreeSet<String> = prefixes.iter().map(|p| normalise_code(p)).collect();
            for (i, prefix) in prefixes.iter().enumerate() {
                if i > 0 {
                    self.push(" OR ");
                }
                self.wrap(|b| b.text(prefix), |p| d.starts_with("c.code", p));
            }
            self.push(")");
        }
        if let Some(coded) = f.has_coded_condition {
            and(self);
            let not = if coded { "" } else { "NOT " };
            self.push(&format!(
                "{} {not}IN (SELECT c.vid FROM c WHERE c.code <> '')",
                cols.vid
            ));
        }
        if let Some(next) = &f.followed_by {
            and(self);
            self.push(&format!(
                "{} IN (SELECT nx.preceding_visit_occurrence_id FROM {} nx \
                 WHERE nx.preceding_visit_occurrence_id IS NOT NULL AND nx.visit_concept_id IN ",
                cols.vid,
                table("visit_occurrence")
            ));
            self.int_list(&next.visit_concept_ids);
            self.push(")");
        }
        if let Some(alternatives) = &f.any_of {
            and(self);
            self.push("(");
            for (i, alternative) in alternatives.iter().enumerate() {
                if i > 0 {
                    self.push(" OR ");
                }
                self.filter(alternative, cols, table);
            }
            self.push(")");
        }
        if n == 0 {
            self.push("(1 = 1)");
        } else {
            self.push(")");
        }
    }
}

/// The members of the spec-wide filter evaluated directly on `visit_occurrence`/`person`
/// (before the age and condition CTEs, so those only see relevant visits).
fn early_part(f: &Filter) -> Filter {
    Filter {
        visit_concept_ids: f.visit_concept_ids.clone(),
        visit_start_date: f.visit_start_date.clone(),
        gender_concept_ids: f.gender_concept_ids.clone(),
        care_site_ids: f.care_site_ids.clone(),
        ..Filter::default()
    }
}

/// The other members of the spec-wide filter, evaluated in the final select.
fn late_part(f: &Filter) -> Filter {
    Filter {
        visit_concept_ids: None,
        visit_start_date: None,
        gender_concept_ids: None,
        care_site_ids: None,
        ..f.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{PostgresDialect, SqliteDialect};
    use crate::indicators::ari_weekly;
    use time::macros::date;

    fn placeholders_in_order(sql: &str, prefix: char) -> Vec<usize> {
        let mut out = Vec::new();
        let bytes = sql.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == prefix as u8 {
                let digits: String = sql[i + 1..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if !digits.is_empty() {
                    out.push(digits.parse().unwrap());
                    i += digits.len();
                }
            }
            i += 1;
        }
        out
    }

    #[test]
    fn parameters_appear_once_in_textual_order() {
        let spec = ari_weekly();
        for (dialect, prefix) in [
            (&SqliteDialect as &dyn Dialect, '?'),
            (&PostgresDialect as &dyn Dialect, '$'),
        ] {
            let queries = compile(
                &spec,
                dialect,
                &|t| format!("cdm.{t}"),
                date!(2025 - 01 - 06),
                date!(2025 - 01 - 19),
            );
            assert_eq!(
                queries.len(),
                3,
                "three key sets: week×age×syndrome, week×age, week"
            );
            for q in &queries {
                if std::env::var_os("HUBLOT_PRINT_SQL").is_some() {
                    eprintln!("{}\n{:?}\n", q.sql, q.params);
                }
                let seen = placeholders_in_order(&q.sql, prefix);
                let expected: Vec<usize> = (1..=q.params.len()).collect();
                assert_eq!(seen, expected, "{}", q.sql);
            }
        }
    }
}
