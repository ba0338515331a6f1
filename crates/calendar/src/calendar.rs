//! The working-day calendar itself: loading, validation and the precomputed index.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::date::Date;
use crate::error::CalendarError;

/// The official holiday data compiled into the crate (`data/holidays.csv`).
///
/// Format: a header line `date,kind,name`, then one line per date
/// `YYYY-MM-DD,rest|work,名称`; see [`Calendar::from_csv`].
pub const OFFICIAL_CSV: &str = include_str!("../data/holidays.csv");

/// First year covered by [`OFFICIAL_CSV`].
pub const OFFICIAL_FIRST_YEAR: i32 = 2004;

/// Last year covered by [`OFFICIAL_CSV`].
pub const OFFICIAL_LAST_YEAR: i32 = 2026;

/// Last year that [`Calendar::official`] answers for: the years after the loaded notices up
/// to this one are provisional (推算), derived from the holiday law ([`crate::law`]).
pub const PROVISIONAL_LAST_YEAR: i32 = 2100;

/// Holidays that every year has; a year of a loaded range must list at least one
/// `rest` day for each of them (see [`CalendarError::IncompleteYear`]).
pub const REQUIRED_HOLIDAYS: [&str; 3] = ["元旦", "春节", "国庆节"];

/// Whether a listed date is a day off or an adjusted working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// `rest`: a day off of a statutory holiday (法定节假日放假, including the
    /// weekdays moved into it by 调休 and, optionally, the weekend days inside it).
    Rest,
    /// `work`: an adjusted working day (调休上班) on a Saturday or Sunday.
    Work,
}

impl DayKind {
    /// The CSV spelling: `rest` or `work`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            DayKind::Rest => "rest",
            DayKind::Work => "work",
        }
    }

    fn parse(text: &str) -> Option<DayKind> {
        match text {
            "rest" => Some(DayKind::Rest),
            "work" => Some(DayKind::Work),
            _ => None,
        }
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the holiday data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CalendarEntry {
    /// The date.
    pub date: Date,
    /// Day off or adjusted working day.
    pub kind: DayKind,
    /// Chinese name of the holiday (for `work`: the holiday the day compensates).
    pub name: String,
}

/// The official working-day calendar over a range of whole years.
///
/// A date is a working day (工作日) if it is listed as `work` (调休上班), or if
/// it is a Monday–Friday not listed as `rest`. Every query about a date outside
/// `first_year()..=last_year()` fails with [`CalendarError::YearNotLoaded`].
///
/// All queries take constant time: the constructor precomputes, for every day of
/// the range, the number of working days before it, and the list of working days.
#[derive(Clone, PartialEq, Eq)]
pub struct Calendar {
    first_year: i32,
    last_year: i32,
    /// Years after this one are provisional (derived from the holiday law, not a notice).
    official_last_year: i32,
    /// Days since the Unix epoch of `first_year`-01-01 (day offset 0).
    first_day: i64,
    /// `prefix[i]` = number of working days with offset `< i`;
    /// `prefix.len()` = number of days in the range + 1.
    prefix: Vec<u32>,
    /// Offsets of the working days, ascending.
    workdays: Vec<u32>,
    /// The listed dates, sorted by date.
    entries: Vec<CalendarEntry>,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("first_year", &self.first_year)
            .field("last_year", &self.last_year)
            .field("official_last_year", &self.official_last_year)
            .field("entries", &self.entries.len())
            .field("workdays", &self.workdays.len())
            .finish_non_exhaustive()
    }
}

impl Calendar {
    /// The calendar compiled into the crate: the notices of [`OFFICIAL_CSV`] (years
    /// [`OFFICIAL_FIRST_YEAR`]..=[`OFFICIAL_LAST_YEAR`]) and provisional years after them
    /// through [`PROVISIONAL_LAST_YEAR`], built once and cached.
    ///
    /// # Panics
    ///
    /// Only if the embedded data were invalid, which the crate's test suite
    /// (`official_data_is_valid`) rules out for every build that passed its tests.
    #[must_use]
    pub fn official() -> &'static Calendar {
        static OFFICIAL: OnceLock<Calendar> = OnceLock::new();
        OFFICIAL.get_or_init(|| {
            match Calendar::from_csv(OFFICIAL_CSV, OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR) {
                Ok(calendar) => calendar.with_provisional_years(PROVISIONAL_LAST_YEAR),
                Err(error) => panic!("内置工作日历数据无效：{error}"),
            }
        })
    }

    /// This calendar extended by provisional years (推算年度) after its last year through
    /// `through`: each derived from the holiday law in force that year
    /// ([`crate::law::provisional_entries`]: statutory rest days and make-up days, no
    /// adjusted working days). [`Calendar::is_provisional`] tells them apart. A calendar
    /// that already reaches `through` is returned unchanged.
    #[must_use]
    pub fn with_provisional_years(self, through: i32) -> Calendar {
        let through = through.min(Date::MAX_YEAR);
        if through <= self.last_year {
            return self;
        }
        let mut entries = self.entries;
        for year in self.last_year + 1..=through {
            entries.extend(provisional_year(year).iter().cloned());
        }
        let mut calendar = Calendar::build(self.first_year, through, entries);
        calendar.official_last_year = self.official_last_year;
        calendar
    }

    /// Builds a calendar for the years `first_year..=last_year` from CSV text in
    /// the format of `data/holidays.csv`:
    ///
    /// ```text
    /// date,kind,name
    /// 2024-02-04,work,春节
    /// 2024-02-10,rest,春节
    /// ```
    ///
    /// * line 1 is exactly the header `date,kind,name`;
    /// * every other non-blank line is `YYYY-MM-DD,kind,name` — `kind` is `rest`
    ///   (day off) or `work` (调休上班), `name` is the holiday's Chinese name and
    ///   must not be empty (surrounding spaces and a trailing `\r` are ignored,
    ///   and the lines may come in any order);
    /// * no date may appear twice, and every date must lie in the year range;
    /// * a `work` entry must be a Saturday or Sunday (a weekday is a working day
    ///   anyway); a `rest` entry may be any day (weekend days inside a holiday may
    ///   be listed so that they get a name);
    /// * completeness: every year of the range must have at least one `rest`
    ///   entry named each of [`REQUIRED_HOLIDAYS`] (元旦, 春节, 国庆节), so that a
    ///   year that was declared but not (or only half) entered is rejected rather
    ///   than treated as a year without holidays.
    ///
    /// Unlisted dates follow the plain rule: Monday–Friday work, weekend rest.
    ///
    /// # Errors
    ///
    /// The first problem found, as a [`CalendarError`] whose message names the
    /// line number (or, for [`CalendarError::IncompleteYear`], the year).
    pub fn from_csv(
        text: &str,
        first_year: i32,
        last_year: i32,
    ) -> Result<Calendar, CalendarError> {
        if first_year > last_year || first_year < Date::MIN_YEAR || last_year > Date::MAX_YEAR {
            return Err(CalendarError::InvalidYearRange {
                first_year,
                last_year,
            });
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(index, line)| (index + 1, line));

        let header = lines.next().map_or("", |(_, line)| line.trim());
        if header != "date,kind,name" {
            return Err(CalendarError::MissingHeader {
                line: 1,
                found: header.to_owned(),
            });
        }

        let mut entries: Vec<(usize, CalendarEntry)> = Vec::new();
        let mut seen: HashMap<Date, usize> = HashMap::new();
        for (line, raw) in lines {
            let content = raw.trim();
            if content.is_empty() {
                continue;
            }
            let malformed = |reason: &'static str| CalendarError::MalformedLine {
                line,
                content: content.to_owned(),
                reason,
            };
            let fields: Vec<&str> = content.split(',').map(str::trim).collect();
            let [date_text, kind_text, name] = fields[..] else {
                return Err(malformed("应为 日期,类型,名称 三个字段"));
            };
            let date: Date = date_text
                .parse()
                .map_err(|_| malformed("日期应为 YYYY-MM-DD 格式的有效日期"))?;
            let kind = DayKind::parse(kind_text).ok_or_else(|| CalendarError::UnknownKind {
                line,
                kind: kind_text.to_owned(),
            })?;
            if name.is_empty() {
                return Err(malformed("缺少节日名称"));
            }
            if date.year() < first_year || date.year() > last_year {
                return Err(CalendarError::DateOutOfRange {
                    line,
                    date,
                    first_year,
                    last_year,
                });
            }
            if let Some(&first_line) = seen.get(&date) {
                return Err(CalendarError::DuplicateDate {
                    line,
                    date,
                    first_line,
                });
            }
            if kind == DayKind::Work && !date.is_weekend() {
                return Err(CalendarError::WorkOnWeekday {
                    line,
                    date,
                    weekday: date.weekday(),
                });
            }
            seen.insert(date, line);
            entries.push((
                line,
                CalendarEntry {
                    date,
                    kind,
                    name: name.to_owned(),
                },
            ));
        }
        entries.sort_by_key(|(_, entry)| entry.date);

        check_completeness(&entries, first_year, last_year)?;

        let entries: Vec<CalendarEntry> = entries.into_iter().map(|(_, entry)| entry).collect();
        Ok(Calendar::build(first_year, last_year, entries))
    }

    /// Builds the index. `entries` are sorted, unique and inside the year range.
    fn build(first_year: i32, last_year: i32, entries: Vec<CalendarEntry>) -> Calendar {
        let first_day = year_start(first_year);
        let end_day = year_start(last_year + 1);
        // At most 9999 years of days: fits in u32 comfortably.
        let len = usize::try_from(end_day - first_day).unwrap_or(0);
        let mut prefix = Vec::with_capacity(len + 1);
        let mut workdays = Vec::with_capacity(len);
        let mut listed = entries.iter().peekable();
        let mut count: u32 = 0;
        prefix.push(count);
        for (offset, day) in (0_u32..).zip(first_day..end_day) {
            let listed_kind = listed
                .next_if(|entry| entry.date.days_since_epoch() == day)
                .map(|entry| entry.kind);
            let is_workday = match listed_kind {
                Some(kind) => kind == DayKind::Work,
                // (day + 3) mod 7 numbers Monday as 0, since day 0 (1970-01-01) was a Thursday.
                None => (day + 3).rem_euclid(7) < 5,
            };
            if is_workday {
                workdays.push(offset);
                count += 1;
            }
            prefix.push(count);
        }
        Calendar {
            first_year,
            last_year,
            official_last_year: last_year,
            first_day,
            prefix,
            workdays,
            entries,
        }
    }

    /// First loaded year.
    #[must_use]
    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    /// Last loaded year.
    #[must_use]
    pub fn last_year(&self) -> i32 {
        self.last_year
    }

    /// Last year set by a notice; the years after it through [`Calendar::last_year`] are
    /// provisional.
    #[must_use]
    pub fn official_last_year(&self) -> i32 {
        self.official_last_year
    }

    /// `true` if `date` lies in a provisional year: derived from the holiday law, to be
    /// recomputed when that year's notice is loaded (按法定节假日推算).
    #[must_use]
    pub fn is_provisional(&self, date: Date) -> bool {
        self.covers(date) && date.year() > self.official_last_year
    }

    /// `true` if `date`'s year is loaded, i.e. queries about it succeed.
    #[must_use]
    pub fn covers(&self, date: Date) -> bool {
        (self.first_year..=self.last_year).contains(&date.year())
    }

    /// All listed dates (holiday rest days and adjusted working days), sorted by date.
    #[must_use]
    pub fn entries(&self) -> &[CalendarEntry] {
        &self.entries
    }

    /// The entry listed for `date`, if any (`None` also outside the loaded years).
    #[must_use]
    pub fn entry(&self, date: Date) -> Option<&CalendarEntry> {
        self.entries
            .binary_search_by_key(&date, |entry| entry.date)
            .ok()
            .and_then(|index| self.entries.get(index))
    }

    /// The holiday name of `date` if it is listed: the holiday for a `rest` day,
    /// the compensated holiday for a `work` day (调休上班). `None` for ordinary
    /// days and for dates outside the loaded years.
    #[must_use]
    pub fn day_name(&self, date: Date) -> Option<&str> {
        self.entry(date).map(|entry| entry.name.as_str())
    }

    /// The CSV text of this calendar (header plus [`Calendar::entries`]), which
    /// [`Calendar::from_csv`] reads back into an equal calendar. Lets an
    /// administrator export the data, append a new year and import it again.
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out = String::from("date,kind,name\n");
        for entry in &self.entries {
            out.push_str(&format!("{},{},{}\n", entry.date, entry.kind, entry.name));
        }
        out
    }

    /// Offset of `date` in the loaded range.
    fn offset(&self, date: Date) -> Result<usize, CalendarError> {
        if !self.covers(date) {
            return Err(CalendarError::YearNotLoaded { year: date.year() });
        }
        usize::try_from(date.days_since_epoch() - self.first_day)
            .map_err(|_| CalendarError::YearNotLoaded { year: date.year() })
    }

    /// Number of working days with offset `< offset` (`offset` ≤ number of days).
    fn before(&self, offset: usize) -> u32 {
        self.prefix.get(offset).copied().unwrap_or(0)
    }

    fn date_at(&self, offset: u32) -> Option<Date> {
        Date::from_days_since_epoch(self.first_day + i64::from(offset))
    }

    /// Whether `date` is a working day (工作日).
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] if `date`'s year is not loaded.
    pub fn is_workday(&self, date: Date) -> Result<bool, CalendarError> {
        let offset = self.offset(date)?;
        Ok(self.before(offset + 1) > self.before(offset))
    }

    /// The first working day strictly after `date`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] if `date`'s year is not loaded, or if the
    /// answer would lie after the last loaded year (the error then names the year
    /// after it).
    pub fn next_workday(&self, date: Date) -> Result<Date, CalendarError> {
        self.add_workdays(date, 1)
    }

    /// The last working day strictly before `date`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] if `date`'s year is not loaded, or if the
    /// answer would lie before the first loaded year.
    pub fn previous_workday(&self, date: Date) -> Result<Date, CalendarError> {
        self.add_workdays(date, -1)
    }

    /// `date` itself if it is a working day, otherwise the next working day.
    ///
    /// This is the rule for a period counted in calendar days whose last day is a
    /// holiday: 期间届满的最后一日是法定节假日的，以节假日后的第一日为期间届满的日期.
    ///
    /// # Errors
    ///
    /// As for [`Calendar::next_workday`].
    pub fn workday_on_or_after(&self, date: Date) -> Result<Date, CalendarError> {
        if self.is_workday(date)? {
            Ok(date)
        } else {
            self.next_workday(date)
        }
    }

    /// Moves `n` working days from `date`:
    ///
    /// * `n > 0`: the `n`-th working day strictly after `date` (the start day is
    ///   not counted, whether or not it is a working day: 期间开始之日不计算在内);
    /// * `n < 0`: the `|n|`-th working day strictly before `date`;
    /// * `n == 0`: `date` unchanged, even if it is not a working day.
    ///
    /// So for `n != 0` the result is always a working day, `add_workdays(d, 1)` is
    /// [`Calendar::next_workday`] and `add_workdays(d, -1)` is
    /// [`Calendar::previous_workday`]. See [`Calendar::workdays_between`] for the
    /// round-trip properties.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] if `date`'s year is not loaded, or if the
    /// result would leave the loaded years (naming the year just after, or just
    /// before, the loaded range).
    pub fn add_workdays(&self, date: Date, n: i64) -> Result<Date, CalendarError> {
        let offset = self.offset(date)?;
        let steps = n.unsigned_abs();
        let index = if n > 0 {
            // Working days at or before `date`, then `n` more: the (n-1)-th index after them.
            u64::from(self.before(offset + 1)).checked_add(steps - 1)
        } else if n < 0 {
            u64::from(self.before(offset)).checked_sub(steps)
        } else {
            return Ok(date);
        };
        let found = index
            .and_then(|index| usize::try_from(index).ok())
            .and_then(|index| self.workdays.get(index))
            .and_then(|&offset| self.date_at(offset));
        found.ok_or(CalendarError::YearNotLoaded {
            year: if n > 0 {
                self.last_year + 1
            } else {
                self.first_year - 1
            },
        })
    }

    /// Number of working days `d` with `a < d <= b`; if `b < a`, minus the number
    /// with `b < d <= a`. (`workdays_between(a, b) == -workdays_between(b, a)`, and
    /// it is additive: `between(a, b) + between(b, c) == between(a, c)`.)
    ///
    /// Round trips with [`Calendar::add_workdays`] (whenever the results are in range):
    ///
    /// * for every `d` and `n >= 0`: `workdays_between(d, add_workdays(d, n)) == n`;
    /// * for a working day `d` and every `n`: `workdays_between(d, add_workdays(d, n)) == n`
    ///   (for a non-working `d` and `n < 0` the count is `n + 1`, because the
    ///   interval `(result, d]` does not contain `d`'s own working day);
    /// * for `a` and a working day `b > a`: `add_workdays(a, workdays_between(a, b)) == b`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] if either year is not loaded.
    pub fn workdays_between(&self, a: Date, b: Date) -> Result<i64, CalendarError> {
        let a = self.offset(a)?;
        let b = self.offset(b)?;
        Ok(i64::from(self.before(b + 1)) - i64::from(self.before(a + 1)))
    }
}

/// The provisional entries of `year`, derived once per process for the years up to
/// [`PROVISIONAL_LAST_YEAR`] (the lunar and solar-term computations are not free).
fn provisional_year(year: i32) -> std::borrow::Cow<'static, [CalendarEntry]> {
    static YEARS: OnceLock<Vec<Vec<CalendarEntry>>> = OnceLock::new();
    let cached = YEARS.get_or_init(|| {
        (OFFICIAL_FIRST_YEAR..=PROVISIONAL_LAST_YEAR)
            .map(crate::law::provisional_entries)
            .collect()
    });
    usize::try_from(year - OFFICIAL_FIRST_YEAR)
        .ok()
        .and_then(|index| cached.get(index))
        .map_or_else(
            || std::borrow::Cow::Owned(crate::law::provisional_entries(year)),
            |entries| std::borrow::Cow::Borrowed(entries.as_slice()),
        )
}

/// Days since the epoch of `year`-01-01 (also valid for `year` = 10000).
fn year_start(year: i32) -> i64 {
    Date::new(year, 1, 1).map_or_else(
        || Date::MAX.days_since_epoch() + 1,
        |date| date.days_since_epoch(),
    )
}

/// Every year must have a `rest` entry for each of [`REQUIRED_HOLIDAYS`].
/// `entries` are sorted by date.
fn check_completeness(
    entries: &[(usize, CalendarEntry)],
    first_year: i32,
    last_year: i32,
) -> Result<(), CalendarError> {
    let mut start = 0;
    for year in first_year..=last_year {
        let len = entries.get(start..).map_or(0, |rest| {
            rest.partition_point(|(_, entry)| entry.date.year() <= year)
        });
        let of_year = entries.get(start..start + len).unwrap_or(&[]);
        start += len;
        let lines = of_year.iter().map(|(line, _)| *line).fold(
            None,
            |range: Option<(usize, usize)>, line| {
                Some(range.map_or((line, line), |(lo, hi)| (lo.min(line), hi.max(line))))
            },
        );
        for holiday in REQUIRED_HOLIDAYS {
            let present = of_year
                .iter()
                .any(|(_, entry)| entry.kind == DayKind::Rest && entry.name == holiday);
            if !present {
                return Err(CalendarError::IncompleteYear {
                    year,
                    missing: holiday,
                    lines,
                });
            }
        }
    }
    Ok(())
}
