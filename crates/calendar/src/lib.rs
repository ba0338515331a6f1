//! # 官方工作日历 — the official Chinese working-day calendar
//!
//! Legal deadlines in administrative law enforcement are often counted in
//! working days (工作日), e.g. "自受理之日起 20 个工作日内作出决定". Which days
//! are working days is not a plain Monday–Friday rule: every year the General
//! Office of the State Council publishes a notice (国务院办公厅关于某年部分节假日安排的通知)
//! that
//!
//! * gives days off (放假) for the statutory holidays — 元旦, 春节, 清明节,
//!   劳动节, 端午节, 中秋节, 国庆节, and exceptionally others such as the
//!   2015-09-03 抗战胜利纪念日 —, often moving weekdays into a longer break;
//! * in exchange, declares some Saturdays and Sundays to be working days
//!   (调休上班), e.g. Sunday 2024-02-04 for the 2024 Spring Festival.
//!
//! This crate encodes those notices for [`OFFICIAL_FIRST_YEAR`]..=[`OFFICIAL_LAST_YEAR`]
//! ([`OFFICIAL_CSV`], the file `data/holidays.csv`), reads a notice as published
//! ([`notice`]), and answers working-day questions in constant time. It is pure: no I/O,
//! no clock.
//!
//! ## Conventions
//!
//! * A date is a **working day** if the data lists it as `work`, or it is a
//!   Monday–Friday that the data does not list as `rest`. Everything else is a
//!   rest day.
//! * **Provisional years** (推算年度): the next year's notice comes out in November or
//!   December, so [`Calendar::official`] continues the notices with years derived from
//!   the holiday law in force ([`law`]: statutory days, weekends, make-up days; never
//!   adjusted working days) through [`PROVISIONAL_LAST_YEAR`], and
//!   [`Calendar::is_provisional`] says which dates those are, so that a deadline over
//!   them is shown as provisional and recomputed when the notice is loaded. A calendar
//!   built by [`Calendar::from_csv`] alone is strict: a question about a year it does not
//!   cover fails with [`CalendarError::YearNotLoaded`].
//! * [`Calendar::add_workdays`]`(d, n)` with `n > 0` is the `n`-th working day
//!   strictly after `d` (the start day is not counted, 期间开始之日不计算在内);
//!   with `n < 0` the `|n|`-th strictly before; with `n == 0` it is `d` itself.
//! * [`Calendar::workdays_between`]`(a, b)` counts the working days in `(a, b]`
//!   (negated when `b < a`), so that `workdays_between(d, add_workdays(d, n)) == n`
//!   for `n >= 0`.
//! * Dates are the crate's own small [`Date`] type (`YYYY-MM-DD`); instants are
//!   `i64` seconds since the Unix epoch (UTC). Days end in Asia/Shanghai time
//!   (UTC+8, no daylight saving): [`deadline_instant`] is `23:59:59 +08:00`.
//!
//! ```
//! use xiezhi_calendar::{Calendar, Date};
//!
//! let calendar = Calendar::official();
//! let date = |s: &str| s.parse::<Date>().unwrap();
//!
//! // Sunday 2024-02-04 was an adjusted working day for the Spring Festival.
//! assert!(calendar.is_workday(date("2024-02-04"))?);
//! assert_eq!(calendar.day_name(date("2024-02-04")), Some("春节"));
//! // Saturday 2024-02-10 .. Saturday 2024-02-17 were the Spring Festival break.
//! assert_eq!(calendar.next_workday(date("2024-02-09"))?, date("2024-02-18"));
//! // Three working days after Friday 2024-02-09: Sun 18, Mon 19, Tue 20.
//! assert_eq!(calendar.add_workdays(date("2024-02-09"), 3)?, date("2024-02-20"));
//! assert_eq!(calendar.workdays_between(date("2024-02-09"), date("2024-02-20"))?, 3);
//!
//! // Years without a notice are derived from the holiday law and flagged provisional:
//! // 2027-02-05 is 除夕 (2024 revision: 除夕 and 正月初一至初三).
//! assert!(calendar.is_provisional(date("2027-02-05")));
//! assert_eq!(calendar.day_name(date("2027-02-05")), Some("春节"));
//! // Beyond the provisional years nothing is guessed.
//! let error = calendar.is_workday(date("2101-01-05")).unwrap_err();
//! assert!(error.to_string().contains("2101 年"));
//! # Ok::<(), xiezhi_calendar::CalendarError>(())
//! ```

#![warn(missing_docs)]

mod calendar;
mod date;
mod error;
pub mod law;
pub mod notice;

pub use calendar::{
    Calendar, CalendarEntry, DayKind, OFFICIAL_CSV, OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR,
    PROVISIONAL_LAST_YEAR, REQUIRED_HOLIDAYS,
};
pub use date::{
    Date, ParseDateError, SHANGHAI_UTC_OFFSET_SECONDS, Weekday, days_in_month, deadline_instant,
    is_leap_year, shanghai_date, start_instant,
};
pub use error::CalendarError;
