//! SQL dialects. The compiler writes standard SQL and asks the dialect for everything that
//! differs between engines; supporting another engine (e.g. Spark SQL) is one more module
//! implementing [`Dialect`].

mod postgres;
mod sqlite;

pub use postgres::PostgresDialect;
pub use sqlite::SqliteDialect;

use hublot_omop::Backend;

/// The SQL type of a bound parameter, for dialects that need explicit casts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// 64-bit integer.
    Int,
    /// Text.
    Text,
    /// Calendar date.
    Date,
}

/// What differs between SQL engines. Every method returns an SQL fragment; arguments are
/// SQL expressions written by the compiler (never user text: user values are parameters).
/// Date and number arguments are column references and may appear several times in the
/// result; `starts_with`, `left`, `date_text` and `to_float` use each argument once, so
/// their arguments may contain placeholders.
pub trait Dialect: Send + Sync {
    /// Engine name, for logs and errors.
    fn name(&self) -> &'static str;

    /// The placeholder of the `index`-th bound parameter (1-based). Parameters are numbered
    /// in the order they appear in the statement text and each is used once, so engines
    /// with positional `?` placeholders work too.
    fn param(&self, index: usize, ty: ParamType) -> String;

    /// The ISO 8601 week of a date, as text `YYYY-Www` (e.g. `2025-W03`).
    fn iso_week(&self, date: &str) -> String;

    /// A date plus a (possibly negative) whole number of days, as a date.
    fn add_days(&self, date: &str, days: &str) -> String;

    /// Day of week of a date, Monday = 0 … Sunday = 6, as an integer.
    fn weekday_from_monday(&self, date: &str) -> String;

    /// The calendar year of a date or timestamp, as an integer.
    fn year(&self, date: &str) -> String;

    /// The month (1–12) of a date or timestamp, as an integer.
    fn month(&self, date: &str) -> String;

    /// The day of month of a date or timestamp, as an integer.
    fn day(&self, date: &str) -> String;

    /// A date rendered as `YYYY-MM-DD` text.
    fn date_text(&self, date: &str) -> String;

    /// A number as a double-precision float.
    fn to_float(&self, expr: &str) -> String;

    /// An ICD-10 code normalised: ASCII upper case, dots and spaces removed (NULL stays NULL).
    fn normalise_code(&self, expr: &str) -> String;

    /// Whether `text` starts with `prefix` (each argument appears once in the result).
    fn starts_with(&self, text: &str, prefix: &str) -> String;

    /// The first `n` characters of `text` (all of it when shorter); `n` is an integer
    /// expression (each argument appears once in the result).
    fn left(&self, text: &str, n: &str) -> String;
}

/// The dialect of a warehouse backend.
pub fn dialect_for(backend: Backend) -> &'static dyn Dialect {
    match backend {
        Backend::Sqlite => &SqliteDialect,
        Backend::Postgres => &PostgresDialect,
    }
}
