//! ISO 8601 weeks (`2025-W03`), the time unit of Hublot's recurring indicators.

use std::fmt;
use std::str::FromStr;

use time::{Date, Weekday};

/// An ISO 8601 week: weeks start on Monday and belong to the year of their Thursday, so
/// 2024-12-30 (a Monday) is in `2025-W01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u8,
}

/// A string that is not an ISO week of the form `YYYY-Www`, or a week that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not an ISO week (expected YYYY-Www, e.g. 2025-W03, with a week that exists in that year)"
)]
pub struct IsoWeekError(pub String);

impl IsoWeek {
    /// The week `week` of ISO year `year`, if it exists (week 53 exists only in long years).
    pub fn new(year: i32, week: u8) -> Option<Self> {
        if !(1..=9999).contains(&year) || week == 0 || week > time::util::weeks_in_year(year) {
            return None;
        }
        Some(Self { year, week })
    }

    /// The ISO week containing `date`.
    pub fn of(date: Date) -> Self {
        let (year, week, _) = date.to_iso_week_date();
        Self { year, week }
    }

    /// The ISO year (the calendar year of the week's Thursday).
    pub fn year(self) -> i32 {
        self.year
    }

    /// The week number, 1 to 52 or 53.
    pub fn week(self) -> u8 {
        self.week
    }

    /// The Monday that starts the week.
    pub fn monday(self) -> Date {
        Date::from_iso_week_date(self.year, self.week, Weekday::Monday)
            .expect("IsoWeek only holds existing weeks")
    }

    /// The Sunday that ends the week.
    pub fn sunday(self) -> Date {
        Date::from_iso_week_date(self.year, self.week, Weekday::Sunday)
            .expect("IsoWeek only holds existing weeks")
    }

    /// The following week.
    pub fn next(self) -> Self {
        Self::of(self.sunday().next_day().unwrap_or(self.sunday()))
    }

    /// Every week from `self` to `to`, both included (empty when `to` is before `self`).
    pub fn through(self, to: IsoWeek) -> Vec<IsoWeek> {
        let mut weeks = Vec::new();
        let mut current = self;
        while current <= to {
            weeks.push(current);
            let next = current.next();
            if next == current {
                break;
            }
            current = next;
        }
        weeks
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for IsoWeek {
    type Err = IsoWeekError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || IsoWeekError(s.to_owned());
        let bytes = s.as_bytes();
        if bytes.len() != 8
            || bytes[4] != b'-'
            || bytes[5] != b'W'
            || !bytes[..4].iter().all(u8::is_ascii_digit)
            || !bytes[6..].iter().all(u8::is_ascii_digit)
        {
            return Err(err());
        }
        let year: i32 = s[..4].parse().map_err(|_| err())?;
        let week: u8 = s[6..].parse().map_err(|_| err())?;
        Self::new(year, week).ok_or_else(err)
    }
}

impl serde::Serialize for IsoWeek {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for IsoWeek {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn year_boundaries() {
        assert_eq!(IsoWeek::of(date!(2024 - 12 - 30)).to_string(), "2025-W01");
        assert_eq!(IsoWeek::of(date!(2021 - 01 - 03)).to_string(), "2020-W53");
        assert_eq!(IsoWeek::of(date!(2027 - 01 - 01)).to_string(), "2026-W53");
        assert_eq!(IsoWeek::of(date!(2025 - 01 - 19)).to_string(), "2025-W03");
    }

    #[test]
    fn parse_and_range() {
        let w: IsoWeek = "2025-W03".parse().unwrap();
        assert_eq!(w.monday(), date!(2025 - 01 - 13));
        assert_eq!(w.sunday(), date!(2025 - 01 - 19));
        assert!("2025-W53".parse::<IsoWeek>().is_err());
        assert!("2020-W53".parse::<IsoWeek>().is_ok());
        assert!("2025-W3".parse::<IsoWeek>().is_err());
        assert!("2025-W00".parse::<IsoWeek>().is_err());
        let from: IsoWeek = "2020-W52".parse().unwrap();
        let to: IsoWeek = "2021-W02".parse().unwrap();
        let weeks: Vec<String> = from.through(to).iter().map(ToString::to_string).collect();
        assert_eq!(weeks, ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]);
        assert!(to.through(from).is_empty());
    }
}
