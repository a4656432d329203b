//! XML Schema datatypes: lexical-space checks (for `sh:datatype`, which must reject
//! ill-typed literals such as `"abc"^^xsd:integer`) and value comparison (for the
//! `sh:min*`/`sh:max*` range components and `sh:lessThan*`).

use crate::vocab::{RDF_LANG_STRING, XSD};
use oxrdf::{Literal, Term};
use regex::Regex;
use std::cmp::Ordering;
use std::sync::LazyLock;

static DECIMAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$").expect("valid regex"));
static INTEGER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[+-]?[0-9]+$").expect("valid regex"));
static FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$")
        .expect("valid regex")
});
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^-?P([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$")
        .expect("valid regex")
});
static LANGUAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$").expect("valid regex"));
static HEX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9a-fA-F]{2})*$").expect("valid regex"));
static BASE64: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9+/]*={0,2}$").expect("valid regex"));

/// Whether `literal` is well formed for its own datatype. `None` when the datatype
/// is not one Hublot knows how to check (such literals are accepted).
pub fn is_well_formed(literal: &Literal) -> Option<bool> {
    let dt = literal.datatype();
    if dt == RDF_LANG_STRING {
        return Some(literal.language().is_some());
    }
    let local = dt.as_str().strip_prefix(XSD)?;
    lexical_ok(local, literal.value())
}

/// Whether `lexical` is in the lexical space of the XSD datatype with this local name.
pub fn lexical_ok(local: &str, lexical: &str) -> Option<bool> {
    // Every XSD type except string/normalizedString collapses whitespace first.
    let collapsed = lexical.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let v = collapsed;
    Some(match local {
        "string" | "anyURI" => true,
        "normalizedString" => !lexical.contains(['\n', '\r', '\t']),
        "token" => {
            !lexical.contains(['\n', '\r', '\t'])
                && !lexical.starts_with(' ')
                && !lexical.ends_with(' ')
                && !lexical.contains("  ")
        }
        "language" => LANGUAGE.is_match(v),
        "boolean" => matches!(v, "true" | "false" | "1" | "0"),
        "decimal" => DECIMAL.is_match(v),
        "float" | "double" => FLOAT.is_match(v),
        "integer" => INTEGER.is_match(v),
        "nonNegativeInteger" => int_in(v, Some(0), None),
        "positiveInteger" => int_in(v, Some(1), None),
        "nonPositiveInteger" => int_in(v, None, Some(0)),
        "negativeInteger" => int_in(v, None, Some(-1)),
        "long" => int_in(v, Some(i64::MIN.into()), Some(i64::MAX.into())),
        "int" => int_in(v, Some(i32::MIN.into()), Some(i32::MAX.into())),
        "short" => int_in(v, Some(i16::MIN.into()), Some(i16::MAX.into())),
        "byte" => int_in(v, Some(i8::MIN.into()), Some(i8::MAX.into())),
        "unsignedLong" => int_in(v, Some(0), Some(u64::MAX.into())),
        "unsignedInt" => int_in(v, Some(0), Some(u32::MAX.into())),
        "unsignedShort" => int_in(v, Some(0), Some(u16::MAX.into())),
        "unsignedByte" => int_in(v, Some(0), Some(u8::MAX.into())),
        "date" => parse_date_like(v, DateKind::Date).is_some(),
        "dateTime" => parse_date_like(v, DateKind::DateTime).is_some(),
        "dateTimeStamp" => {
            parse_date_like(v, DateKind::DateTime).is_some_and(|t| t.tz_minutes.is_some())
        }
        "time" => parse_date_like(v, DateKind::Time).is_some(),
        "gYear" => parse_date_like(v, DateKind::GYear).is_some(),
        "gYearMonth" => parse_date_like(v, DateKind::GYearMonth).is_some(),
        "gMonth" => parse_date_like(v, DateKind::GMonth).is_some(),
        "gDay" => parse_date_like(v, DateKind::GDay).is_some(),
        "gMonthDay" => parse_date_like(v, DateKind::GMonthDay).is_some(),
        "duration" => duration_ok(v, true, true),
        "dayTimeDuration" => duration_ok(v, false, true),
        "yearMonthDuration" => duration_ok(v, true, false),
        "hexBinary" => HEX.is_match(v),
        "base64Binary" => {
            let compact: String = v.chars().filter(|c| *c != ' ').collect();
            compact.len().is_multiple_of(4) && BASE64.is_match(&compact)
        }
        _ => return None,
    })
}

fn int_in(v: &str, min: Option<i128>, max: Option<i128>) -> bool {
    if !INTEGER.is_match(v) {
        return false;
    }
    let negative = v.starts_with('-');
    let digits = v.trim_start_matches(['+', '-']).trim_start_matches('0');
    let value: Option<i128> = if digits.len() > 38 {
        None // beyond i128: only the sign matters for the open-ended bounds
    } else if digits.is_empty() {
        Some(0)
    } else {
        digits
            .parse::<i128>()
            .ok()
            .map(|x| if negative { -x } else { x })
    };
    match value {
        Some(x) => min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m),
        None => {
            if negative {
                min.is_none()
            } else {
                max.is_none()
            }
        }
    }
}

fn duration_ok(v: &str, allow_year_month: bool, allow_day_time: bool) -> bool {
    let Some(c) = DURATION.captures(v) else {
        return false;
    };
    let has_ym = c.get(1).is_some() || c.get(2).is_some();
    let has_d = c.get(3).is_some();
    let has_t_part = c.get(5).is_some() || c.get(6).is_some() || c.get(7).is_some();
    if c.get(4).is_some() && !has_t_part {
        return false; // "PT" or "P1DT" with nothing after T
    }
    if !has_ym && !has_d && !has_t_part {
        return false; // bare "P"
    }
    (allow_year_month || !has_ym) && (allow_day_time || (!has_d && !has_t_part))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum DateKind {
    Date,
    DateTime,
    Time,
    GYear,
    GYearMonth,
    GMonth,
    GDay,
    GMonthDay,
}

/// A parsed temporal value: its position on a timeline in nanoseconds (ignoring the
/// timezone) and the timezone offset if one was given.
#[derive(Clone, Copy, Debug)]
struct Instant {
    kind: DateKind,
    local_nanos: i128,
    tz_minutes: Option<i32>,
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if leap { 29 } else { 28 }
        }
    }
}

/// Days since 0000-03-01 style civil epoch (proleptic Gregorian), shifted to 1970-01-01.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn split_tz(s: &str) -> Option<(&str, Option<i32>)> {
    if let Some(rest) = s.strip_suffix('Z') {
        return Some((rest, Some(0)));
    }
    if s.len() >= 6 {
        let (rest, tz) = s.split_at(s.len() - 6);
        let b = tz.as_bytes();
        if (b[0] == b'+' || b[0] == b'-') && b[3] == b':' {
            let hh: i32 = two_digits(&tz[1..3])?.try_into().ok()?;
            let mm: i32 = two_digits(&tz[4..6])?.try_into().ok()?;
            if hh > 14 || mm > 59 || (hh == 14 && mm != 0) {
                return None;
            }
            let sign = if b[0] == b'-' { -1 } else { 1 };
            return Some((rest, Some(sign * (hh * 60 + mm))));
        }
    }
    Some((s, None))
}

fn two_digits(s: &str) -> Option<u32> {
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Parses `-?YYYY+`; returns the year and the remaining text.
fn parse_year(s: &str) -> Option<(i64, &str)> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let end = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let digits = &body[..end];
    if digits.len() < 4 || (digits.len() > 4 && digits.starts_with('0')) || digits.len() > 12 {
        return None;
    }
    let y: i64 = digits.parse().ok()?;
    Some((if negative { -y } else { y }, &body[end..]))
}

/// Parses `hh:mm:ss(.s+)?` into nanoseconds since midnight.
fn parse_time_of_day(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let h = two_digits(&s[0..2])?;
    let m = two_digits(&s[3..5])?;
    let sec = two_digits(&s[6..8])?;
    let frac = &s[8..];
    let mut nanos: i128 = 0;
    if !frac.is_empty() {
        let digits = frac.strip_prefix('.')?;
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let nine: String = digits
            .chars()
            .chain(std::iter::repeat('0'))
            .take(9)
            .collect();
        nanos = nine.parse().ok()?;
    }
    if h == 24 {
        if m != 0 || sec != 0 || nanos != 0 {
            return None;
        }
    } else if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    Some(i128::from(h * 3600 + m * 60 + sec) * 1_000_000_000 + nanos)
}

fn parse_date_like(s: &str, kind: DateKind) -> Option<Instant> {
    const DAY: i128 = 86_400 * 1_000_000_000;
    let (body, tz) = split_tz(s)?;
    let nanos = match kind {
        DateKind::Date | DateKind::DateTime | DateKind::GYearMonth | DateKind::GYear => {
            let (year, rest) = parse_year(body)?;
            let (month, day, rest) = match kind {
                DateKind::GYear => (1, 1, rest),
                DateKind::GYearMonth => {
                    let m = two_digits(rest.strip_prefix('-')?)?;
                    (m, 1, "")
                }
                _ => {
                    let r = rest.strip_prefix('-')?;
                    if r.len() < 5 || r.as_bytes()[2] != b'-' {
                        return None;
                    }
                    (two_digits(&r[0..2])?, two_digits(&r[3..5])?, &r[5..])
                }
            };
            if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
                return None;
            }
            let mut n = i128::from(days_from_civil(year, month, day)) * DAY;
            match kind {
                DateKind::DateTime => n += parse_time_of_day(rest.strip_prefix('T')?)?,
                _ if !rest.is_empty() => return None,
                _ => {}
            }
            n
        }
        DateKind::Time => parse_time_of_day(body)?,
        DateKind::GMonth => {
            let m = two_digits(body.strip_prefix("--")?)?;
            if !(1..=12).contains(&m) {
                return None;
            }
            i128::from(m)
        }
        DateKind::GDay => {
            let d = two_digits(body.strip_prefix("---")?)?;
            if !(1..=31).contains(&d) {
                return None;
            }
            i128::from(d)
        }
        DateKind::GMonthDay => {
            let r = body.strip_prefix("--")?;
            if r.len() != 5 || r.as_bytes()[2] != b'-' {
                return None;
            }
            let (m, d) = (two_digits(&r[0..2])?, two_digits(&r[3..5])?);
            if !(1..=12).contains(&m) || d < 1 || d > days_in_month(2000, m) {
                return None;
            }
            i128::from(m * 100 + d)
        }
    };
    Some(Instant {
        kind,
        local_nanos: nanos,
        tz_minutes: tz,
    })
}

/// An exact decimal: sign, integer digits without leading zeros, fraction digits
/// without trailing zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Exact {
    negative: bool,
    int: String,
    frac: String,
}

impl Exact {
    fn parse(v: &str) -> Option<Self> {
        if !DECIMAL.is_match(v) {
            return None;
        }
        let negative = v.starts_with('-');
        let body = v.trim_start_matches(['+', '-']);
        let (i, f) = body.split_once('.').unwrap_or((body, ""));
        let int = i.trim_start_matches('0').to_owned();
        let frac = f.trim_end_matches('0').to_owned();
        let zero = int.is_empty() && frac.is_empty();
        Some(Self {
            negative: negative && !zero,
            int,
            frac,
        })
    }

    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| self.frac.cmp(&other.frac))
    }

    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }

    fn to_f64(&self) -> f64 {
        let s = format!(
            "{}{}.{}0",
            if self.negative { "-" } else { "" },
            if self.int.is_empty() { "0" } else { &self.int },
            self.frac
        );
        s.parse().unwrap_or(f64::NAN)
    }
}

/// A literal's value, as far as ordering is concerned.
#[derive(Debug)]
enum Value {
    Exact(Exact),
    Approx(f64),
    Temporal(Instant),
    Str(String),
    Bool(bool),
}

const NUMERIC_EXACT: &[&str] = &[
    "decimal",
    "integer",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
];

fn value_of(literal: &Literal) -> Option<Value> {
    if literal.language().is_some() {
        return None;
    }
    let local = literal.datatype().as_str().strip_prefix(XSD)?;
    if lexical_ok(local, literal.value()) != Some(true) {
        return None; // ill-typed literals are not comparable
    }
    let v = literal.value().trim();
    Some(match local {
        "string" => Value::Str(literal.value().to_owned()),
        "boolean" => Value::Bool(matches!(v, "true" | "1")),
        "float" | "double" => Value::Approx(match v {
            "INF" | "+INF" => f64::INFINITY,
            "-INF" => f64::NEG_INFINITY,
            _ => v.parse().ok()?,
        }),
        l if NUMERIC_EXACT.contains(&l) => Value::Exact(Exact::parse(v)?),
        "date" => Value::Temporal(parse_date_like(v, DateKind::Date)?),
        "dateTime" | "dateTimeStamp" => Value::Temporal(parse_date_like(v, DateKind::DateTime)?),
        "time" => Value::Temporal(parse_date_like(v, DateKind::Time)?),
        "gYear" => Value::Temporal(parse_date_like(v, DateKind::GYear)?),
        "gYearMonth" => Value::Temporal(parse_date_like(v, DateKind::GYearMonth)?),
        _ => return None,
    })
}

fn cmp_instants(a: &Instant, b: &Instant) -> Option<Ordering> {
    const MINUTE: i128 = 60 * 1_000_000_000;
    const FOURTEEN_HOURS: i128 = 14 * 60 * MINUTE;
    if a.kind != b.kind {
        return None;
    }
    let utc = |i: &Instant| i.local_nanos - i128::from(i.tz_minutes.unwrap_or(0)) * MINUTE;
    match (a.tz_minutes.is_some(), b.tz_minutes.is_some()) {
        (true, true) | (false, false) => Some(utc(a).cmp(&utc(b))),
        // One side without timezone: it may be anywhere within +/-14 hours.
        (true, false) => {
            let (x, y) = (utc(a), b.local_nanos);
            if x < y - FOURTEEN_HOURS {
                Some(Ordering::Less)
            } else if x > y + FOURTEEN_HOURS {
                Some(Ordering::Greater)
            } else {
                None
            }
        }
        (false, true) => cmp_instants(b, a).map(Ordering::reverse),
    }
}

/// Compares two RDF terms as SPARQL's `<` would; `None` when they are not comparable.
pub fn compare(a: &Term, b: &Term) -> Option<Ordering> {
    let (Term::Literal(a), Term::Literal(b)) = (a, b) else {
        return None;
    };
    match (value_of(a)?, value_of(b)?) {
        (Value::Exact(x), Value::Exact(y)) => Some(x.cmp(&y)),
        (Value::Exact(x), Value::Approx(y)) => x.to_f64().partial_cmp(&y),
        (Value::Approx(x), Value::Exact(y)) => x.partial_cmp(&y.to_f64()),
        (Value::Approx(x), Value::Approx(y)) => x.partial_cmp(&y),
        (Value::Temporal(x), Value::Temporal(y)) => cmp_instants(&x, &y),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(&y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(&y)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::NamedNode;

    fn lit(v: &str, dt: &str) -> Term {
        Literal::new_typed_literal(v, NamedNode::new_unchecked(format!("{XSD}{dt}"))).into()
    }

    #[test]
    fn lexical_spaces() {
        assert_eq!(lexical_ok("integer", "abc"), Some(false));
        assert_eq!(lexical_ok("integer", " 42 "), Some(true));
        assert_eq!(lexical_ok("nonNegativeInteger", "-5"), Some(false));
        assert_eq!(lexical_ok("nonNegativeInteger", "-0"), Some(true));
        assert_eq!(lexical_ok("nonNegativeInteger", "+5"), Some(true));
        assert_eq!(lexical_ok("positiveInteger", "0"), Some(false));
        assert_eq!(lexical_ok("byte", "128"), Some(false));
        assert_eq!(
            lexical_ok("unsignedLong", "18446744073709551615"),
            Some(true)
        );
        assert_eq!(
            lexical_ok("unsignedLong", "18446744073709551616"),
            Some(false)
        );
        assert_eq!(
            lexical_ok("integer", "123456789012345678901234567890123456789012"),
            Some(true)
        );
        assert_eq!(lexical_ok("decimal", "1.5"), Some(true));
        assert_eq!(lexical_ok("decimal", "1e5"), Some(false));
        assert_eq!(lexical_ok("double", "1e5"), Some(true));
        assert_eq!(lexical_ok("double", "-INF"), Some(true));
        assert_eq!(lexical_ok("boolean", "TRUE"), Some(false));
        assert_eq!(lexical_ok("date", "2024-02-29"), Some(true));
        assert_eq!(lexical_ok("date", "2023-02-29"), Some(false));
        assert_eq!(lexical_ok("date", "2024-13-01"), Some(false));
        assert_eq!(lexical_ok("date", "2024-01-01Z"), Some(true));
        assert_eq!(lexical_ok("date", "2024-01-01+02:00"), Some(true));
        assert_eq!(lexical_ok("dateTime", "2024-01-01"), Some(false));
        assert_eq!(
            lexical_ok("dateTime", "2024-01-01T10:00:00.123Z"),
            Some(true)
        );
        assert_eq!(lexical_ok("dateTime", "2024-01-01T24:00:00"), Some(true));
        assert_eq!(lexical_ok("dateTime", "2024-01-01T25:00:00"), Some(false));
        assert_eq!(
            lexical_ok("dateTimeStamp", "2024-01-01T10:00:00"),
            Some(false)
        );
        assert_eq!(lexical_ok("gYear", "2024"), Some(true));
        assert_eq!(lexical_ok("gYear", "abc"), Some(false));
        assert_eq!(lexical_ok("gYearMonth", "2024-07"), Some(true));
        assert_eq!(lexical_ok("gMonthDay", "--02-29"), Some(true));
        assert_eq!(lexical_ok("duration", "P1Y2M3DT4H5M6.5S"), Some(true));
        assert_eq!(lexical_ok("duration", "P"), Some(false));
        assert_eq!(lexical_ok("duration", "P1DT"), Some(false));
        assert_eq!(lexical_ok("dayTimeDuration", "P1Y"), Some(false));
        assert_eq!(lexical_ok("yearMonthDuration", "P1Y2M"), Some(true));
        assert_eq!(lexical_ok("hexBinary", "0fA1"), Some(true));
        assert_eq!(lexical_ok("hexBinary", "zz"), Some(false));
        assert_eq!(lexical_ok("base64Binary", "aGVsbG8="), Some(true));
        assert_eq!(lexical_ok("language", "en-GB"), Some(true));
        assert_eq!(lexical_ok("somethingElse", "x"), None);
    }

    #[test]
    fn comparisons() {
        use Ordering::*;
        assert_eq!(
            compare(&lit("10", "integer"), &lit("9.5", "decimal")),
            Some(Greater)
        );
        assert_eq!(
            compare(&lit("-0.0", "decimal"), &lit("0", "integer")),
            Some(Equal)
        );
        assert_eq!(
            compare(&lit("1e1", "double"), &lit("10", "integer")),
            Some(Equal)
        );
        assert_eq!(compare(&lit("abc", "integer"), &lit("1", "integer")), None);
        assert_eq!(
            compare(&lit("2024-01-01", "date"), &lit("2023-12-31", "date")),
            Some(Greater)
        );
        assert_eq!(
            compare(
                &lit("2024-01-01T10:00:00+02:00", "dateTime"),
                &lit("2024-01-01T08:30:00Z", "dateTime")
            ),
            Some(Less)
        );
        assert_eq!(
            compare(
                &lit("2024-01-01T10:00:00", "dateTime"),
                &lit("2024-01-01T10:00:00Z", "dateTime")
            ),
            None
        );
        assert_eq!(
            compare(&lit("2024-01-01", "date"), &lit("2024", "gYear")),
            None
        );
        assert_eq!(
            compare(&lit("b", "string"), &lit("a", "string")),
            Some(Greater)
        );
    }
}
