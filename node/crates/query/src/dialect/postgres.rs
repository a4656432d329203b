//! PostgreSQL. Dates are `date`, timestamps `timestamp`; ISO weeks come from `to_char`.

use super::{Dialect, ParamType};

/// PostgreSQL dialect: `$1` placeholders with explicit casts, `to_char(d, 'IYYY-"W"IW')`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresDialect;

const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl Dialect for PostgresDialect {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn param(&self, index: usize, ty: ParamType) -> String {
        // Explicit casts fix each parameter's type whatever the context infers.
        let ty = match ty {
            ParamType::Int => "bigint",
            ParamType::Text => "text",
            ParamType::Date => "date",
        };
        format!("${index}::{ty}")
    }

    fn iso_week(&self, date: &str) -> String {
        format!("to_char({date}, 'IYYY-\"W\"IW')")
    }

    fn add_days(&self, date: &str, days: &str) -> String {
        format!("(CAST({date} AS date) + CAST({days} AS integer))")
    }

    fn weekday_from_monday(&self, date: &str) -> String {
        format!("(CAST(EXTRACT(ISODOW FROM {date}) AS integer) - 1)")
    }

    fn year(&self, date: &str) -> String {
        format!("CAST(EXTRACT(YEAR FROM {date}) AS integer)")
    }

    fn month(&self, date: &str) -> String {
        format!("CAST(EXTRACT(MONTH FROM {date}) AS integer)")
    }

    fn day(&self, date: &str) -> String {
        format!("CAST(EXTRACT(DAY FROM {date}) AS integer)")
    }

    fn date_text(&self, date: &str) -> String {
        format!("to_char({date}, 'YYYY-MM-DD')")
    }

    fn to_float(&self, expr: &str) -> String {
        format!("CAST({expr} AS double precision)")
    }

    fn normalise_code(&self, expr: &str) -> String {
        // translate() folds ASCII letters only, as SQLite's upper() does, whatever the
        // database locale.
        format!("translate(replace(replace({expr}, '.', ''), ' ', ''), '{LOWER}', '{UPPER}')")
    }

    fn starts_with(&self, text: &str, prefix: &str) -> String {
        format!("starts_with({text}, {prefix})")
    }

    fn left(&self, text: &str, n: &str) -> String {
        format!("left({text}, CAST({n} AS integer))")
    }
}
