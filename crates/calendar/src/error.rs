//! Errors of the working-day calendar. Display messages are in Chinese because
//! they are shown to officers and administrators.

use std::fmt;

use crate::date::{Date, Weekday};

/// Everything that can go wrong when querying or loading a [`Calendar`](crate::Calendar).
///
/// Errors of [`Calendar::from_csv`](crate::Calendar::from_csv) that concern one
/// line carry its 1-based line number (`line`), and their message starts with
/// `第 N 行`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CalendarError {
    /// The date (or the result of a working-day computation) lies in a year whose
    /// holiday arrangement is not loaded. The calendar never guesses: an
    /// administrator must import that year's notice.
    YearNotLoaded {
        /// The missing year.
        year: i32,
    },
    /// The year range given to `from_csv` is empty or outside 1..=9999.
    InvalidYearRange {
        /// First year requested.
        first_year: i32,
        /// Last year requested.
        last_year: i32,
    },
    /// The first line is not the header `date,kind,name`.
    MissingHeader {
        /// Line number (always 1).
        line: usize,
        /// What was found instead.
        found: String,
    },
    /// A line that is not `YYYY-MM-DD,kind,name` with a non-empty name.
    MalformedLine {
        /// Line number.
        line: usize,
        /// The offending line.
        content: String,
        /// What is wrong, in Chinese.
        reason: &'static str,
    },
    /// The kind column is neither `rest` nor `work`.
    UnknownKind {
        /// Line number.
        line: usize,
        /// The kind found.
        kind: String,
    },
    /// The same date is listed on two lines.
    DuplicateDate {
        /// Line number of the second occurrence.
        line: usize,
        /// The date.
        date: Date,
        /// Line number of the first occurrence.
        first_line: usize,
    },
    /// A date outside the declared year range.
    DateOutOfRange {
        /// Line number.
        line: usize,
        /// The date.
        date: Date,
        /// First year of the declared range.
        first_year: i32,
        /// Last year of the declared range.
        last_year: i32,
    },
    /// A `work` (调休上班) entry on a Monday–Friday, where it would change nothing:
    /// adjusted working days are always weekend days.
    WorkOnWeekday {
        /// Line number.
        line: usize,
        /// The date.
        date: Date,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// A year of the range lacks a `rest` entry for one of the holidays every
    /// year has (元旦, 春节, 国庆节): its arrangement is missing or half-filled.
    IncompleteYear {
        /// The year.
        year: i32,
        /// The holiday that has no `rest` entry in that year.
        missing: &'static str,
        /// First and last line numbers of the year's entries, if it has any.
        lines: Option<(usize, usize)>,
    },
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::YearNotLoaded { year } => write!(
                f,
                "工作日历未包含 {year} 年的放假安排，请管理员导入该年度国务院办公厅通知"
            ),
            CalendarError::InvalidYearRange {
                first_year,
                last_year,
            } => write!(
                f,
                "年份范围 {first_year}—{last_year} 无效：起始年份不得晚于结束年份，且须在 1—9999 之间"
            ),
            CalendarError::MissingHeader { line, found } => {
                write!(f, "第 {line} 行：应为表头“date,kind,name”，实际为“{found}”")
            }
            CalendarError::MalformedLine {
                line,
                content,
                reason,
            } => write!(f, "第 {line} 行：格式错误（{reason}）：“{content}”"),
            CalendarError::UnknownKind { line, kind } => write!(
                f,
                "第 {line} 行：未知类型“{kind}”，应为 rest（放假）或 work（调休上班）"
            ),
            CalendarError::DuplicateDate {
                line,
                date,
                first_line,
            } => write!(
                f,
                "第 {line} 行：日期 {date} 重复（已在第 {first_line} 行出现）"
            ),
            CalendarError::DateOutOfRange {
                line,
                date,
                first_year,
                last_year,
            } => write!(
                f,
                "第 {line} 行：日期 {date} 不在导入的年份范围 {first_year}—{last_year} 内"
            ),
            CalendarError::WorkOnWeekday {
                line,
                date,
                weekday,
            } => write!(
                f,
                "第 {line} 行：{date} 是{weekday}，本来就是工作日，不能登记为调休上班（work）"
            ),
            CalendarError::IncompleteYear {
                year,
                missing,
                lines,
            } => match lines {
                Some((first, last)) => write!(
                    f,
                    "{year} 年的放假安排不完整（第 {first}—{last} 行）：缺少{missing}的放假（rest）条目"
                ),
                None => write!(
                    f,
                    "{year} 年的放假安排缺失：没有任何条目（至少应有元旦、春节、国庆节的放假条目）"
                ),
            },
        }
    }
}

impl std::error::Error for CalendarError {}
