//! A civil date of the proleptic Gregorian calendar, without a time or a zone: the day a stage starts, the voting
//! day. Arithmetic counts days from 1970-01-01 with the same conversions as the early warning's `Day`
//! (`early_warning::days_from_civil` and `civil_from_days`), so a period is a plain integer range and a difference of
//! dates a plain subtraction.

use std::fmt;

use crate::early_warning::{civil_from_days, days_from_civil, days_in_month};

/// A date from 0001-01-01 to 9999-12-31. Ordered as the calendar orders days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // The field order is the order of comparison.
    year: i32,
    month: u8,
    day: u8,
}

/// A day of the week, Monday first (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Date {
    /// The first date: 0001-01-01.
    pub const MIN: Date = Date { year: 1, month: 1, day: 1 };
    /// The last date: 9999-12-31.
    pub const MAX: Date = Date { year: 9999, month: 12, day: 31 };

    /// The date, when the calendar has it (no 2023-02-29) and its year has four digits.
    pub const fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if year < 1 || year > 9999 || month < 1 || month > 12 || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month: month as u8, day: day as u8 })
    }

    /// Reads exactly `YYYY-MM-DD`, as ISO 8601 writes a date; anything else, and dates no calendar has, is `None`.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::from_digits(&b[0..4], &b[5..7], &b[8..10])
    }

    /// Reads exactly `YYYYMMDD`, the basic form iCalendar writes a DATE in.
    pub fn parse_basic(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 8 {
            return None;
        }
        Date::from_digits(&b[0..4], &b[4..6], &b[6..8])
    }

    fn from_digits(year: &[u8], month: &[u8], day: &[u8]) -> Option<Date> {
        let number = |digits: &[u8]| -> Option<u32> {
            digits.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
        };
        Date::new(number(year)? as i32, number(month)?, number(day)?)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    /// 1 to 31.
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        i64::from(days_from_civil(self.year, self.month(), self.day()))
    }

    /// The date `days` after 1970-01-01, when it lies between [`Date::MIN`] and [`Date::MAX`].
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        if !(Date::MIN.days_since_epoch()..=Date::MAX.days_since_epoch()).contains(&days) {
            return None;
        }
        let (year, month, day) = civil_from_days(i32::try_from(days).ok()?);
        Some(Date { year, month: month as u8, day: day as u8 })
    }

    /// The date `days` later (earlier when negative), unless that leaves the years 1 to 9999.
    pub fn plus_days(self, days: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch().checked_add(days)?)
    }

    /// Days from `self` to `later`: positive when `later` is after `self`, zero on the same day.
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.days_since_epoch() + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }

    /// `YYYYMMDD`, iCalendar's DATE.
    pub fn basic(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

/// `YYYY-MM-DD`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// As `YYYY-MM-DD` text, the form of the calendar files and the API.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date YYYY-MM-DD")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_and_writes_iso_and_basic_dates() {
        let voting = Date::parse("2024-11-27").unwrap();
        assert_eq!((voting.year(), voting.month(), voting.day()), (2024, 11, 27));
        assert_eq!(voting.to_string(), "2024-11-27");
        assert_eq!(voting.basic(), "20241127");
        assert_eq!(Date::parse_basic("20241127"), Some(voting));
        assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "0000-01-01",
            "24-11-27",
            "2024-11-27 ",
            "2024/11/27",
            "2024-1-27",
            "+024-11-27",
            "２０２４-11-27",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
        for bad in ["2024112", "2024-1127", "20241131", "20241127T000000Z", "+0241127"] {
            assert_eq!(Date::parse_basic(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn counts_days_across_months_years_and_leap_days() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("1969-12-31").days_since_epoch(), -1);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("2024-11-24").days_until(d("2024-11-27")), 3);
        assert_eq!(d("2024-11-30").days_until(d("2024-11-27")), -3);
        assert_eq!(d("2024-02-28").plus_days(1), Some(d("2024-02-29")));
        assert_eq!(d("2023-02-28").plus_days(1), Some(d("2023-03-01")));
        assert_eq!(d("2024-12-31").plus_days(1), Some(d("2025-01-01")));
        assert_eq!(d("2025-01-01").plus_days(-1), Some(d("2024-12-31")));
        assert_eq!(Date::MAX.plus_days(1), None);
        assert_eq!(Date::MIN.plus_days(-1), None);
        assert_eq!(Date::MIN.plus_days(i64::MAX), None);
        assert_eq!(d("2024-11-27").weekday(), Weekday::Wednesday, "Pilkada 2024 was on a Wednesday");
        assert_eq!(d("2024-02-14").weekday(), Weekday::Wednesday, "so was Pemilu 2024");
        assert_eq!(d("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(d("2025-02-20").weekday(), Weekday::Thursday);
        assert!(d("2024-11-27") < d("2024-12-01") && d("2024-12-01") < d("2025-01-01"));
    }

    #[test]
    fn serializes_as_text() {
        let date = Date::parse("2024-11-27").unwrap();
        assert_eq!(serde_json::to_string(&date).unwrap(), "\"2024-11-27\"");
        assert_eq!(serde_json::from_str::<Date>("\"2024-11-27\"").unwrap(), date);
        assert!(serde_json::from_str::<Date>("\"2024-11-31\"").is_err());
    }

    fn date() -> impl Strategy<Value = Date> {
        (Date::MIN.days_since_epoch()..=Date::MAX.days_since_epoch())
            .prop_map(|n| Date::from_days_since_epoch(n).unwrap())
    }

    proptest! {
        /// Every day number of the range is a date whose number it is, and its text reads back as the same date.
        #[test]
        fn day_numbers_and_text_round_trip(days in Date::MIN.days_since_epoch()..=Date::MAX.days_since_epoch()) {
            let date = Date::from_days_since_epoch(days).unwrap();
            prop_assert_eq!(date.days_since_epoch(), days);
            prop_assert_eq!(Date::parse(&date.to_string()), Some(date));
            prop_assert_eq!(Date::parse_basic(&date.basic()), Some(date));
            prop_assert_eq!(Date::new(date.year(), date.month(), date.day()), Some(date));
        }

        /// Adding days and counting them agree, and the order of dates is the order of their numbers.
        #[test]
        fn arithmetic_agrees_with_counting(a in date(), shift in -20_000i64..20_000) {
            if let Some(b) = a.plus_days(shift) {
                prop_assert_eq!(a.days_until(b), shift);
                prop_assert_eq!(b.plus_days(-shift), Some(a));
                prop_assert_eq!(a.cmp(&b), 0.cmp(&shift));
                // Whole weeks later, the same weekday.
                if let Some(c) = a.plus_days(shift - shift.rem_euclid(7)) {
                    prop_assert_eq!(c.weekday(), a.weekday());
                }
            }
        }

        /// Consecutive days differ by one, and their fields step as a calendar does.
        #[test]
        fn the_next_day_steps_one_field(a in date()) {
            if let Some(b) = a.plus_days(1) {
                prop_assert_eq!(a.days_until(b), 1);
                let same_month = b.year() == a.year() && b.month() == a.month() && b.day() == a.day() + 1;
                let next_month = b.day() == 1 && (b.month() == a.month() + 1 && b.year() == a.year()
                    || b.month() == 1 && a.month() == 12 && b.year() == a.year() + 1);
                prop_assert!(same_month || next_month, "{} → {}", a, b);
                prop_assert!(Date::new(a.year(), a.month(), a.day() + 1).is_none() || same_month);
            }
        }
    }
}
