//! Values crossing the warehouse boundary, the same for every backend.

use time::Date;
use time::macros::format_description;

/// One SQL value, as a query parameter or a result cell.
///
/// The mapping is the same for SQLite and PostgreSQL so that one aggregate gives
/// equal rows on both:
///
/// * integers (`INTEGER`, `INT2/4/8`, `BOOL` as 0/1) → [`SqlValue::Int`];
/// * `REAL`, `FLOAT4/8`, `NUMERIC` → [`SqlValue::Float`];
/// * `DATE` columns → [`SqlValue::Date`] (SQLite stores ISO text; a column *declared*
///   `DATE` is parsed back; a computed expression such as `MAX(visit_start_date)`
///   has no declared type in SQLite and comes back as [`SqlValue::Text`] —
///   [`SqlValue::as_date`] accepts both);
/// * `TIMESTAMP` → [`SqlValue::Text`] `YYYY-MM-DD HH:MM:SS` (fraction only when not zero);
/// * text types → [`SqlValue::Text`].
#[derive(Clone, Debug, PartialEq)]
pub enum SqlValue {
    /// SQL `NULL`.
    Null,
    /// A 64-bit integer.
    Int(i64),
    /// A double-precision number.
    Float(f64),
    /// Text.
    Text(String),
    /// A calendar date.
    Date(Date),
}

impl SqlValue {
    /// `true` for [`SqlValue::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, SqlValue::Null)
    }

    /// The integer, if this is an [`SqlValue::Int`].
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            SqlValue::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The number as `f64`, for [`SqlValue::Float`] and [`SqlValue::Int`].
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            SqlValue::Float(v) => Some(*v),
            SqlValue::Int(v) => Some(*v as f64),
            _ => None,
        }
    }

    /// The text, if this is an [`SqlValue::Text`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            SqlValue::Text(v) => Some(v),
            _ => None,
        }
    }

    /// The date, for [`SqlValue::Date`] and for ISO `YYYY-MM-DD` text (how SQLite
    /// returns computed date expressions).
    pub fn as_date(&self) -> Option<Date> {
        match self {
            SqlValue::Date(d) => Some(*d),
            SqlValue::Text(s) => parse_iso_date(s),
            _ => None,
        }
    }
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        SqlValue::Int(v)
    }
}

impl From<i32> for SqlValue {
    fn from(v: i32) -> Self {
        SqlValue::Int(i64::from(v))
    }
}

impl From<f64> for SqlValue {
    fn from(v: f64) -> Self {
        SqlValue::Float(v)
    }
}

impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        SqlValue::Text(v.to_owned())
    }
}

impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        SqlValue::Text(v)
    }
}

impl From<Date> for SqlValue {
    fn from(v: Date) -> Self {
        SqlValue::Date(v)
    }
}

impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(SqlValue::Null, Into::into)
    }
}

/// Parses `YYYY-MM-DD` (nothing more, nothing less).
pub(crate) fn parse_iso_date(s: &str) -> Option<Date> {
    if s.len() != 10 {
        return None;
    }
    Date::parse(s, format_description!("[year]-[month]-[day]")).ok()
}

/// Writes `YYYY-MM-DD` into a fixed buffer (no allocation; years 0–9999).
pub(crate) fn iso_date(d: Date, buf: &mut [u8; 10]) -> &str {
    let y = d.year().clamp(0, 9999) as u32;
    let m = u8::from(d.month()) as u32;
    let day = u32::from(d.day());
    let digits = [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        10,
        m / 10,
        m % 10,
        10,
        day / 10,
        day % 10,
    ];
    for (slot, v) in buf.iter_mut().zip(digits) {
        *slot = if v == 10 { b'-' } else { b'0' + v as u8 };
    }
    // Only ASCII digits and dashes were written.
    std::str::from_utf8(buf).unwrap_or("0000-00-00")
}

/// Formats a timestamp the way both backends return it: `YYYY-MM-DD HH:MM:SS`,
/// with `.ffffff` (trailing zeros trimmed) only when there is a fraction.
pub(crate) fn format_timestamp(ts: time::PrimitiveDateTime) -> String {
    let mut buf = [0u8; 10];
    let mut out = format!(
        "{} {:02}:{:02}:{:02}",
        iso_date(ts.date(), &mut buf),
        ts.hour(),
        ts.minute(),
        ts.second()
    );
    let micros = ts.microsecond();
    if micros != 0 {
        let frac = format!("{micros:06}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn iso_dates_round_trip() {
        let mut buf = [0u8; 10];
        assert_eq!(iso_date(date!(2025 - 01 - 07), &mut buf), "2025-01-07");
        assert_eq!(parse_iso_date("2025-01-07"), Some(date!(2025 - 01 - 07)));
        assert_eq!(parse_iso_date("2025-1-7"), None);
        assert_eq!(
            SqlValue::Text("2024-02-29".into()).as_date(),
            Some(date!(2024 - 02 - 29))
        );
    }

    #[test]
    fn timestamps_format_like_sqlite_text() {
        assert_eq!(
            format_timestamp(datetime!(2020-03-04 05:06:07)),
            "2020-03-04 05:06:07"
        );
        assert_eq!(
            format_timestamp(datetime!(2020-03-04 05:06:07.250)),
            "2020-03-04 05:06:07.25"
        );
    }
}
