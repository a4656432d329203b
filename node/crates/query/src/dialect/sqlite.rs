//! SQLite. Dates are `YYYY-MM-DD` text (timestamps `YYYY-MM-DD HH:MM:SS`); date functions are
//! `strftime`/`julianday`.

use super::{Dialect, ParamType};

/// SQLite dialect: `?1` placeholders, `strftime`-based ISO weeks.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn param(&self, index: usize, _ty: ParamType) -> String {
        format!("?{index}")
    }

    fn iso_week(&self, date: &str) -> String {
        // The ISO year and week are those of the Thursday of the date's week: its calendar
        // year, and (day of year − 1) / 7 + 1.
        let thursday = self.add_days(date, &format!("(3 - {})", self.weekday_from_monday(date)));
        format!(
            "(strftime('%Y', {thursday}) || '-W' || \
             substr('0' || ((CAST(strftime('%j', {thursday}) AS INTEGER) - 1) / 7 + 1), -2))"
        )
    }

    fn add_days(&self, date: &str, days: &str) -> String {
        format!("date(julianday({date}) + ({days}))")
    }

    fn weekday_from_monday(&self, date: &str) -> String {
        format!("((CAST(strftime('%w', {date}) AS INTEGER) + 6) % 7)")
    }

    fn year(&self, date: &str) -> String {
        format!("CAST(strftime('%Y', {date}) AS INTEGER)")
    }

    fn month(&self, date: &str) -> String {
        format!("CAST(strftime('%m', {date}) AS INTEGER)")
    }

    fn day(&self, date: &str) -> String {
        format!("CAST(strftime('%d', {date}) AS INTEGER)")
    }

    fn date_text(&self, date: &str) -> String {
        format!("date({date})")
    }

    fn to_float(&self, expr: &str) -> String {
        format!("CAST({expr} AS REAL)")
    }

    fn normalise_code(&self, expr: &str) -> String {
        // SQLite's upper() folds ASCII letters only.
        format!("upper(replace(replace({expr}, '.', ''), ' ', ''))")
    }

    fn starts_with(&self, text: &str, prefix: &str) -> String {
        // instr() is 1 exactly when text begins with prefix; no LIKE wildcards involved.
        format!("(instr({text}, {prefix}) = 1)")
    }

    fn left(&self, text: &str, n: &str) -> String {
        format!("substr({text}, 1, {n})")
    }
}
