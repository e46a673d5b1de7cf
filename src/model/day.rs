//! [`Day`]: a calendar day in UTC, the one date type of the crate. It parses
//! and prints `YYYY-MM-DD`, serialises as that string, does day arithmetic,
//! and knows today; no time-zone database is needed, since every date `spec`
//! shows is a UTC day (of a commit, an archive folder or a roadmap plan).
//!
//! The conversions are Howard Hinnant's `days_from_civil` and
//! `civil_from_days` (proleptic Gregorian calendar).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar day, stored as the number of days since 1970-01-01.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

impl Day {
    /// The day `n` days after 1970-01-01 (before it when negative).
    pub const fn from_number(n: i64) -> Day {
        Day(n)
    }

    /// Days since 1970-01-01.
    pub const fn number(self) -> i64 {
        self.0
    }

    /// The UTC day of a time given as seconds since the epoch.
    pub const fn from_unix(secs: i64) -> Day {
        Day(secs.div_euclid(86_400))
    }

    /// Today in UTC, from the system clock (0 = 1970-01-01 if the clock is
    /// before the epoch).
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Day::from_unix(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    /// The day with this year, month (1–12) and day of month; `None` unless
    /// it is a real calendar day.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let (y, m) = if month <= 2 { (year - 1, i64::from(month) + 9) } else { (year, i64::from(month) - 3) };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// Year, month (1–12) and day of month.
    pub const fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
        (year, month, day)
    }

    pub const fn year(self) -> i64 {
        self.ymd().0
    }

    pub const fn month(self) -> u32 {
        self.ymd().1
    }

    /// Day of the month, 1–31.
    pub const fn day_of_month(self) -> u32 {
        self.ymd().2
    }

    /// Exactly `YYYY-MM-DD` with a real month and day; nothing else (no
    /// sign, no spaces, no other digits).
    pub fn parse(text: &str) -> Option<Day> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        if !b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit()) {
            return None;
        }
        let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().ok();
        Day::from_ymd(i64::from(num(0..4)?), num(5..7)?, num(8..10)?)
    }

    /// The day `n` days later (earlier when negative).
    pub const fn plus(self, n: i64) -> Day {
        Day(self.0 + n)
    }

    /// Days from `earlier` to this day (negative when `earlier` is later).
    pub const fn since(self, earlier: Day) -> i64 {
        self.0 - earlier.0
    }

    /// The first day of this day's month.
    pub fn month_start(self) -> Day {
        let (y, m, _) = self.ymd();
        Day::from_ymd(y, m, 1).expect("the first of a month is a day")
    }

    /// The first day of the month after this day's.
    pub fn next_month_start(self) -> Day {
        let (y, m, _) = self.ymd();
        let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        Day::from_ymd(y, m, 1).expect("the first of a month is a day")
    }

    /// January 1st of this day's year.
    pub fn year_start(self) -> Day {
        Day::from_ymd(self.year(), 1, 1).expect("January 1st is a day")
    }
}

/// Days in a month of a year of the proleptic Gregorian calendar.
pub const fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Debug for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Day({self})")
    }
}

/// Why a text is not a [`Day`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotADay(pub String);

impl fmt::Display for NotADay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a date (YYYY-MM-DD)", self.0)
    }
}

impl std::error::Error for NotADay {}

impl std::str::FromStr for Day {
    type Err = NotADay;

    fn from_str(s: &str) -> Result<Day, NotADay> {
        Day::parse(s).ok_or_else(|| NotADay(s.to_owned()))
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_civil_dates() {
        let show = |n| Day::from_number(n).to_string();
        assert_eq!(show(0), "1970-01-01");
        assert_eq!(show(20_417), "2025-11-25");
        assert_eq!(show(11_016), "2000-02-29");
        assert_eq!(show(-1), "1969-12-31");
        assert_eq!(Day::from_unix(-1).to_string(), "1969-12-31");
        assert_eq!(Day::from_unix(86_399).to_string(), "1970-01-01");
    }

    #[test]
    fn parses_only_real_days() {
        for n in [-1, 0, 59, 11_016, 20_417, 2_000_000] {
            assert_eq!(Day::parse(&Day::from_number(n).to_string()), Some(Day::from_number(n)), "{n}");
        }
        for bad in [
            "2024-02-30",
            "2024-02-31",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "24-01-01",
            "2024-1-01",
            "2024-01-+1",
            " 2024-01-01",
            "２０２５-01-01",
            "soon",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert_eq!(Day::parse("2024-02-29").map(Day::number), Some(19_782));
        assert_eq!(Day::parse("2000-03-01").map(Day::number), Some(11_017));
    }

    #[test]
    fn ymd_round_trips() {
        for n in (-800_000..3_000_000).step_by(997).chain([0, 19_782, 11_017]) {
            let day = Day::from_number(n);
            let (y, m, d) = day.ymd();
            assert_eq!(Day::from_ymd(y, m, d), Some(day), "{n}");
        }
        assert_eq!(Day::from_number(19_782).to_string(), "2024-02-29");
    }

    #[test]
    fn arithmetic_and_months() {
        let d = Day::parse("2024-12-15").unwrap();
        assert_eq!(d.plus(17).to_string(), "2025-01-01");
        assert_eq!(d.plus(17).since(d), 17);
        assert_eq!(d.month_start().to_string(), "2024-12-01");
        assert_eq!(d.next_month_start().to_string(), "2025-01-01");
        assert_eq!(d.year_start().to_string(), "2024-01-01");
        assert_eq!((d.year(), d.month(), d.day_of_month()), (2024, 12, 15));
    }

    #[test]
    fn serde_is_the_string() {
        let d = Day::parse("2024-11-01").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2024-11-01\"");
        let back: Day = serde_norway::from_str("2024-11-01").unwrap();
        assert_eq!(back, d);
        let err = serde_norway::from_str::<Day>("2024-02-31").unwrap_err().to_string();
        assert!(err.contains("`2024-02-31` is not a date"), "{err}");
    }
}
