//! A minimal proleptic Gregorian calendar date, and the Asia/Shanghai day boundaries.

use std::fmt;
use std::str::FromStr;

/// Seconds in one day.
const SECONDS_PER_DAY: i64 = 86_400;

/// Offset of China Standard Time (Asia/Shanghai) from UTC, in seconds: always `+08:00`.
///
/// China has not observed daylight saving time since 1991, so the offset is a constant.
pub const SHANGHAI_UTC_OFFSET_SECONDS: i64 = 8 * 3_600;

/// A calendar date (proleptic Gregorian), year 1 through 9999.
///
/// The fields are private so that every `Date` value is a real date (no 2月30日).
/// Dates order chronologically. The textual form (parsing with [`str::parse`] and
/// [`fmt::Display`]) is ISO 8601 `YYYY-MM-DD`, for example `2024-02-04`.
///
/// Conversion to and from other date types goes through
/// [`Date::days_since_epoch`] / [`Date::from_days_since_epoch`] (days relative to
/// 1970-01-01) or through [`Date::year`], [`Date::month`], [`Date::day`] and [`Date::new`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order matters: the derived `Ord` compares year, then month, then day.
    year: i32,
    month: u8,
    day: u8,
}

/// Day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weekday {
    /// 星期一
    Monday,
    /// 星期二
    Tuesday,
    /// 星期三
    Wednesday,
    /// 星期四
    Thursday,
    /// 星期五
    Friday,
    /// 星期六
    Saturday,
    /// 星期日
    Sunday,
}

impl Weekday {
    /// All days of the week, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// `true` for Saturday and Sunday, the ordinary rest days (公休日).
    #[must_use]
    pub const fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }

    /// ISO 8601 number of the day: Monday = 1 … Sunday = 7.
    #[must_use]
    pub const fn number_from_monday(self) -> u8 {
        match self {
            Weekday::Monday => 1,
            Weekday::Tuesday => 2,
            Weekday::Wednesday => 3,
            Weekday::Thursday => 4,
            Weekday::Friday => 5,
            Weekday::Saturday => 6,
            Weekday::Sunday => 7,
        }
    }

    /// Chinese name of the day, e.g. `星期日`.
    #[must_use]
    pub const fn chinese_name(self) -> &'static str {
        match self {
            Weekday::Monday => "星期一",
            Weekday::Tuesday => "星期二",
            Weekday::Wednesday => "星期三",
            Weekday::Thursday => "星期四",
            Weekday::Friday => "星期五",
            Weekday::Saturday => "星期六",
            Weekday::Sunday => "星期日",
        }
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.chinese_name())
    }
}

/// `true` if `year` is a Gregorian leap year.
#[must_use]
pub const fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
#[must_use]
pub const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to `year-month-day` (Howard Hinnant's `days_from_civil`).
const fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = year as i64 - if month <= 2 { 1 } else { 0 };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let m = month as i64;
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + day as i64 - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`] (Howard Hinnant's `civil_from_days`).
const fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8; // [1, 12]
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

impl Date {
    /// Smallest supported year.
    pub const MIN_YEAR: i32 = 1;
    /// Largest supported year (so that every date has a four-digit year).
    pub const MAX_YEAR: i32 = 9999;
    /// 0001-01-01, the earliest representable date.
    pub const MIN: Date = Date {
        year: Date::MIN_YEAR,
        month: 1,
        day: 1,
    };
    /// 9999-12-31, the latest representable date.
    pub const MAX: Date = Date {
        year: Date::MAX_YEAR,
        month: 12,
        day: 31,
    };

    /// The date `year-month-day`, or `None` if it does not exist or the year is
    /// outside [`Date::MIN_YEAR`]..=[`Date::MAX_YEAR`].
    #[must_use]
    pub const fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if year < Date::MIN_YEAR || year > Date::MAX_YEAR {
            return None;
        }
        if month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The year, 1..=9999.
    #[must_use]
    pub const fn year(self) -> i32 {
        self.year
    }

    /// The month, 1..=12.
    #[must_use]
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1..=31.
    #[must_use]
    pub const fn day(self) -> u8 {
        self.day
    }

    /// Number of days from 1970-01-01 to this date (negative before 1970).
    ///
    /// 1970-01-01 is day 0, 1970-01-02 is day 1, 1969-12-31 is day -1.
    #[must_use]
    pub const fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// The date `days` days after 1970-01-01 (before it if negative), or `None`
    /// if that date is outside [`Date::MIN`]..=[`Date::MAX`].
    #[must_use]
    pub const fn from_days_since_epoch(days: i64) -> Option<Date> {
        if days < Date::MIN.days_since_epoch() || days > Date::MAX.days_since_epoch() {
            return None;
        }
        let (year, month, day) = civil_from_days(days);
        Some(Date {
            year: year as i32,
            month,
            day,
        })
    }

    /// The date `n` calendar days later (earlier if `n` is negative), or `None`
    /// outside the representable range.
    #[must_use]
    pub const fn add_days(self, n: i64) -> Option<Date> {
        match self.days_since_epoch().checked_add(n) {
            Some(days) => Date::from_days_since_epoch(days),
            None => None,
        }
    }

    /// Day of the week.
    #[must_use]
    pub const fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3 counting Monday as 0).
        let index = (self.days_since_epoch() + 3).rem_euclid(7);
        Weekday::ALL[index as usize]
    }

    /// `true` on Saturday and Sunday.
    #[must_use]
    pub const fn is_weekend(self) -> bool {
        self.weekday().is_weekend()
    }

    /// Day of the year: 1 for January 1st … 365 or 366 for December 31st.
    #[must_use]
    pub const fn ordinal(self) -> u16 {
        (self.days_since_epoch() - days_from_civil(self.year, 1, 1) + 1) as u16
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Error returned when text is not a valid `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateError {
    input: String,
}

impl ParseDateError {
    /// The text that failed to parse.
    #[must_use]
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "无效日期“{}”：应为 YYYY-MM-DD 格式的公历日期",
            self.input
        )
    }
}

impl std::error::Error for ParseDateError {}

impl FromStr for Date {
    type Err = ParseDateError;

    /// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day,
    /// ASCII digits, no surrounding whitespace).
    fn from_str(s: &str) -> Result<Date, ParseDateError> {
        let error = || ParseDateError {
            input: s.to_owned(),
        };
        let bytes = s.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(error());
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            bytes[range].iter().try_fold(0_u32, |acc, &b| {
                b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
            })
        };
        let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10))
        else {
            return Err(error());
        };
        // year < 10_000, month < 100 and day < 100 always fit.
        let (Ok(year), Ok(month), Ok(day)) =
            (i32::try_from(year), u8::try_from(month), u8::try_from(day))
        else {
            return Err(error());
        };
        Date::new(year, month, day).ok_or_else(error)
    }
}

/// The deadline instant of `date`: the end of that day in Asia/Shanghai, as
/// seconds since the Unix epoch (UTC).
///
/// "End of day" is `23:59:59 +08:00`, i.e. the next local midnight minus one
/// second, so an act stamped at any second of `date` (Beijing time) is at or
/// before the deadline, and one stamped at `00:00:00` of the next day is after it.
/// Equivalently, the result is `(date + 1 day) 00:00:00 +08:00 − 1 s`
/// = `date 15:59:59 UTC`.
///
/// ```
/// use xiezhi_calendar::{Date, deadline_instant};
/// let date: Date = "2024-01-01".parse().unwrap();
/// // 2024-01-01T23:59:59+08:00 == 2024-01-01T15:59:59Z
/// assert_eq!(deadline_instant(date), 1_704_124_799);
/// ```
#[must_use]
pub const fn deadline_instant(date: Date) -> i64 {
    (date.days_since_epoch() + 1) * SECONDS_PER_DAY - SHANGHAI_UTC_OFFSET_SECONDS - 1
}

/// The start of `date` in Asia/Shanghai (`00:00:00 +08:00`), as seconds since the
/// Unix epoch (UTC).
#[must_use]
pub const fn start_instant(date: Date) -> i64 {
    date.days_since_epoch() * SECONDS_PER_DAY - SHANGHAI_UTC_OFFSET_SECONDS
}

/// The Asia/Shanghai calendar date of an instant given as seconds since the Unix
/// epoch (UTC), or `None` if it falls outside [`Date::MIN`]..=[`Date::MAX`].
///
/// This is the inverse of the day boundaries: for every `date`,
/// `shanghai_date(start_instant(date))` and `shanghai_date(deadline_instant(date))`
/// are both `Some(date)`.
#[must_use]
pub const fn shanghai_date(unix_seconds: i64) -> Option<Date> {
    match unix_seconds.checked_add(SHANGHAI_UTC_OFFSET_SECONDS) {
        Some(local) => Date::from_days_since_epoch(local.div_euclid(SECONDS_PER_DAY)),
        None => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn epoch_and_known_days() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("1970-01-02").days_since_epoch(), 1);
        assert_eq!(d("1969-12-31").days_since_epoch(), -1);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("2004-01-01").days_since_epoch(), 12_418);
        assert_eq!(d("2024-02-29").days_since_epoch(), 19_782);
        assert_eq!(Date::MIN.days_since_epoch(), -719_162);
        assert_eq!(Date::MAX.days_since_epoch(), 2_932_896);
    }

    #[test]
    fn every_day_round_trips_and_is_consecutive() {
        let mut previous: Option<Date> = None;
        for days in Date::MIN.days_since_epoch()..=Date::MAX.days_since_epoch() {
            let date = Date::from_days_since_epoch(days).unwrap();
            assert_eq!(date.days_since_epoch(), days);
            assert_eq!(Date::new(date.year(), date.month(), date.day()), Some(date));
            if let Some(previous) = previous {
                assert!(previous < date);
                let expected_next =
                    if previous.day() < days_in_month(previous.year(), previous.month()) {
                        (previous.year(), previous.month(), previous.day() + 1)
                    } else if previous.month() < 12 {
                        (previous.year(), previous.month() + 1, 1)
                    } else {
                        (previous.year() + 1, 1, 1)
                    };
                assert_eq!((date.year(), date.month(), date.day()), expected_next);
            }
            previous = Some(date);
        }
        assert_eq!(previous, Some(Date::MAX));
        assert_eq!(
            Date::from_days_since_epoch(Date::MIN.days_since_epoch() - 1),
            None
        );
        assert_eq!(
            Date::from_days_since_epoch(Date::MAX.days_since_epoch() + 1),
            None
        );
        assert_eq!(Date::from_days_since_epoch(i64::MIN), None);
        assert_eq!(Date::from_days_since_epoch(i64::MAX), None);
    }

    #[test]
    fn validation_of_components() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2024, 4, 31).is_none());
        assert!(Date::new(2024, 13, 1).is_none());
        assert!(Date::new(2024, 0, 1).is_none());
        assert!(Date::new(2024, 1, 0).is_none());
        assert!(Date::new(0, 1, 1).is_none());
        assert!(Date::new(10_000, 1, 1).is_none());
        assert!(Date::new(9999, 12, 31).is_some());
    }

    #[test]
    fn parse_and_format() {
        for text in [
            "0001-01-01",
            "1970-01-01",
            "2024-02-29",
            "2026-12-31",
            "9999-12-31",
        ] {
            assert_eq!(d(text).to_string(), text);
            assert_eq!(format!("{:?}", d(text)), text);
        }
        for bad in [
            "",
            "2024-2-4",
            "2024-02-4",
            "24-02-04",
            "2024/02/04",
            "2024-02-30",
            "0000-01-01",
            "2024-13-01",
            " 2024-02-04",
            "2024-02-04 ",
            "+024-02-04",
            "２０２４-02-04",
            "2024-0a-04",
        ] {
            let error = bad.parse::<Date>().unwrap_err();
            assert_eq!(error.input(), bad);
            assert!(error.to_string().contains("YYYY-MM-DD"), "{error}");
        }
    }

    #[test]
    fn weekdays() {
        assert_eq!(d("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(d("2024-02-04").weekday(), Weekday::Sunday);
        assert_eq!(d("2024-09-29").weekday(), Weekday::Sunday);
        assert_eq!(d("2015-09-03").weekday(), Weekday::Thursday);
        assert_eq!(d("2026-01-01").weekday(), Weekday::Thursday);
        assert_eq!(d("0001-01-01").weekday(), Weekday::Monday);
        assert!(d("2024-02-04").is_weekend());
        assert!(!d("2024-02-05").is_weekend());
        assert_eq!(Weekday::Sunday.to_string(), "星期日");
        assert_eq!(Weekday::Sunday.number_from_monday(), 7);
    }

    #[test]
    fn ordinal_and_add_days() {
        assert_eq!(d("2024-01-01").ordinal(), 1);
        assert_eq!(d("2024-12-31").ordinal(), 366);
        assert_eq!(d("2023-12-31").ordinal(), 365);
        assert_eq!(d("2024-02-28").add_days(2), Some(d("2024-03-01")));
        assert_eq!(d("2024-01-01").add_days(-1), Some(d("2023-12-31")));
        assert_eq!(Date::MAX.add_days(1), None);
        assert_eq!(Date::MIN.add_days(-1), None);
        assert_eq!(Date::MIN.add_days(i64::MAX), None);
    }

    #[test]
    fn shanghai_day_boundaries() {
        let date = d("2024-01-01");
        // 2024-01-01T00:00:00+08:00 == 2023-12-31T16:00:00Z
        assert_eq!(start_instant(date), 1_704_038_400);
        // 2024-01-01T23:59:59+08:00 == 2024-01-01T15:59:59Z
        assert_eq!(deadline_instant(date), 1_704_124_799);
        assert_eq!(deadline_instant(date) + 1, start_instant(d("2024-01-02")));
        assert_eq!(shanghai_date(start_instant(date)), Some(date));
        assert_eq!(shanghai_date(deadline_instant(date)), Some(date));
        assert_eq!(
            shanghai_date(deadline_instant(date) + 1),
            Some(d("2024-01-02"))
        );
        assert_eq!(
            shanghai_date(start_instant(date) - 1),
            Some(d("2023-12-31"))
        );
        // Before the epoch: 1970-01-01T00:00:00Z is 08:00 on 1970-01-01 in Shanghai,
        // and 1969-12-31T15:59:59Z is the last second of 1969-12-31 there.
        assert_eq!(shanghai_date(0), Some(d("1970-01-01")));
        assert_eq!(shanghai_date(-28_801), Some(d("1969-12-31")));
        assert_eq!(deadline_instant(d("1969-12-31")), -28_801);
        assert_eq!(shanghai_date(i64::MAX), None);
        assert_eq!(shanghai_date(i64::MIN), None);
    }
}
