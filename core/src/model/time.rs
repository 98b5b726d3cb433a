//! Clock times, weekdays and the estate's UTC offset.

use std::fmt;

use chrono::{Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// A time of day in whole minutes, written `"HH:MM"` (00:00 to 23:59).
///
/// ```
/// use steward::TimeOfDay;
/// let t: TimeOfDay = "07:30".parse().unwrap();
/// assert_eq!(t.minutes(), 450);
/// assert_eq!(t.to_string(), "07:30");
/// assert!("24:00".parse::<TimeOfDay>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// Midnight, `00:00`.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);

    /// From hours and minutes; `None` if out of range.
    pub fn from_hm(hour: u16, minute: u16) -> Option<TimeOfDay> {
        (hour < 24 && minute < 60).then_some(TimeOfDay(hour * 60 + minute))
    }

    /// Minutes since midnight, 0 to 1439.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl std::str::FromStr for TimeOfDay {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad =
            || format!("invalid value: expected a time \"HH:MM\" from 00:00 to 23:59, found {s:?}");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        TimeOfDay::from_hm(h, m).ok_or_else(bad)
    }
}

impl TryFrom<String> for TimeOfDay {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<TimeOfDay> for String {
    fn from(t: TimeOfDay) -> String {
        t.to_string()
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A day of the week, written in full and lower case (`"monday"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// The weekday of a date.
    pub fn of(date: NaiveDate) -> Weekday {
        match date.weekday() {
            chrono::Weekday::Mon => Weekday::Monday,
            chrono::Weekday::Tue => Weekday::Tuesday,
            chrono::Weekday::Wed => Weekday::Wednesday,
            chrono::Weekday::Thu => Weekday::Thursday,
            chrono::Weekday::Fri => Weekday::Friday,
            chrono::Weekday::Sat => Weekday::Saturday,
            chrono::Weekday::Sun => Weekday::Sunday,
        }
    }

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }
}

/// The estate's offset from UTC, written `"+08:00"`. Defaults to China Standard Time.
///
/// ```
/// let o: steward::UtcOffset = serde_json::from_str("\"+08:00\"").unwrap();
/// assert_eq!(o, steward::UtcOffset::default());
/// assert_eq!(o.seconds(), 8 * 3600);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UtcOffset(FixedOffset);

impl UtcOffset {
    /// From whole seconds east of UTC; `None` beyond ±14 hours.
    pub fn from_seconds(seconds: i32) -> Option<UtcOffset> {
        if seconds.abs() > 14 * 3600 {
            return None;
        }
        FixedOffset::east_opt(seconds).map(UtcOffset)
    }

    /// Seconds east of UTC.
    pub fn seconds(self) -> i32 {
        self.0.local_minus_utc()
    }

    /// The chrono offset.
    pub fn fixed(self) -> FixedOffset {
        self.0
    }
}

impl Default for UtcOffset {
    fn default() -> Self {
        const CHINA_STANDARD_TIME: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
            Some(offset) => offset,
            None => unreachable!(),
        };
        UtcOffset(CHINA_STANDARD_TIME)
    }
}

impl TryFrom<String> for UtcOffset {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let bad = || {
            format!("invalid value: expected a UTC offset \"+HH:MM\" within ±14:00, found {s:?}")
        };
        let b = s.as_bytes();
        if b.len() != 6 || b[3] != b':' {
            return Err(bad());
        }
        let sign = match b[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return Err(bad()),
        };
        let h: i32 = s[1..3].parse().map_err(|_| bad())?;
        let m: i32 = s[4..6].parse().map_err(|_| bad())?;
        if m >= 60
            || !s[1..3].bytes().all(|c| c.is_ascii_digit())
            || !s[4..6].bytes().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        UtcOffset::from_seconds(sign * (h * 3600 + m * 60)).ok_or_else(bad)
    }
}

impl From<UtcOffset> for String {
    fn from(o: UtcOffset) -> String {
        o.to_string()
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds();
        let sign = if s < 0 { '-' } else { '+' };
        let a = s.abs();
        write!(f, "{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse_and_print() {
        for s in ["+08:00", "-05:30", "+00:00", "+14:00"] {
            let o = UtcOffset::try_from(s.to_owned()).unwrap();
            assert_eq!(o.to_string(), s);
        }
        for s in ["+8:00", "08:00", "+15:00", "+08:60", "+0a:00", "+08-00"] {
            assert!(UtcOffset::try_from(s.to_owned()).is_err(), "{s}");
        }
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!("00:00".parse::<TimeOfDay>().unwrap(), TimeOfDay::MIDNIGHT);
        assert_eq!("23:59".parse::<TimeOfDay>().unwrap().minutes(), 1439);
        for s in ["7:30", "07:3", "07:60", "aa:bb", "0730", ""] {
            assert!(s.parse::<TimeOfDay>().is_err(), "{s}");
        }
    }

    #[test]
    fn weekday_of_date() {
        let d = NaiveDate::from_ymd_opt(2022, 12, 14).unwrap();
        assert_eq!(Weekday::of(d), Weekday::Wednesday);
        assert!(!Weekday::of(d).is_weekend());
    }
}
