//! The State Council General Office's holiday notice (国务院办公厅关于某年部分节假日安排的通知)
//! read as published: the title and preamble name the year, each numbered item
//! (`一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。`) gives the days
//! off and the adjusted working days of one or more holidays. Every item is read fully —
//! stated weekdays and day counts are checked against the dates — or the text is refused
//! with the line named.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

use crate::calendar::{CalendarEntry, DayKind, REQUIRED_HOLIDAYS};
use crate::date::{Date, Weekday};

/// A notice that could not be read, with the 1-based line it concerns (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeError {
    /// The line.
    pub line: Option<usize>,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for NoticeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "第 {line} 行：{}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for NoticeError {}

/// One numbered item of a notice: the holidays it names and the days it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeItem {
    /// Line of the text.
    pub line: usize,
    /// The holidays named (`中秋节、国庆节` gives two).
    pub holidays: Vec<String>,
    /// Days off (放假, 补休), in order.
    pub rest: Vec<Date>,
    /// Adjusted working days (调休上班), in order.
    pub work: Vec<Date>,
    /// Sentences that arrange nothing (e.g. 鼓励…安排职工在除夕休息), kept to show.
    pub advice: Vec<String>,
}

/// A notice as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The year it arranges.
    pub year: i32,
    /// Its items, in order.
    pub items: Vec<NoticeItem>,
}

impl Notice {
    /// The calendar entries the notice sets, sorted by date: each day off and each adjusted
    /// working day, named for the (first) holiday of its item. Dates may lie in the last
    /// days of the previous year (a 元旦 break that starts in December).
    #[must_use]
    pub fn entries(&self) -> Vec<CalendarEntry> {
        let mut entries: Vec<CalendarEntry> = self
            .items
            .iter()
            .flat_map(|item| {
                let name = item.holidays.first().cloned().unwrap_or_default();
                let rest = item.rest.iter().map(move |d| (*d, DayKind::Rest));
                let work = item.work.iter().map(|d| (*d, DayKind::Work));
                rest.chain(work).map(move |(date, kind)| CalendarEntry {
                    date,
                    kind,
                    name: name.clone(),
                })
            })
            .collect();
        entries.sort_by_key(|e| e.date);
        entries
    }
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}")))
}

/// `一、名称：正文` — a numbered item.
fn item_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, r"^([一二三四五六七八九十]+)、([^：:]+)[：:](.+)$")
}

/// A date: `2018年12月30日`, `1月2日` or `3日`, with an optional note `（星期一）`.
fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(
        &RE,
        r"^(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:[（(]([^）)]*)[）)])?",
    )
}

/// The year in a title or preamble.
fn year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, r"(?:关于|现将)(\d{4})年")
}

/// A line that sets days but is not an item.
fn stray_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(&RE, r"\d{1,2}月\d{1,2}日.*(放假|上班|补休)")
}

struct Reader<'a> {
    line: usize,
    /// The year and month the next date without them belongs to.
    context: (i32, u8),
    text: &'a str,
}

impl Reader<'_> {
    fn fail(&self, message: impl Into<String>) -> NoticeError {
        NoticeError {
            line: Some(self.line),
            message: message.into(),
        }
    }

    /// Reads one date at the start of `self.text`, checking the weekday in its note.
    fn date(&mut self) -> Result<Date, NoticeError> {
        let Some(caps) = date_re().captures(self.text) else {
            return Err(self.fail(format!("无法识别日期：“{}”", self.text)));
        };
        let number = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<i64>().ok());
        let year = number(1).map_or(self.context.0, |y| y as i32);
        let month = number(2).map_or(self.context.1, |m| m as u8);
        let day = number(3).unwrap_or(0) as u8;
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let Some(date) = Date::new(year, month, day) else {
            return Err(self.fail(format!("日期不存在：“{whole}”")));
        };
        if let Some(note) = caps.get(4) {
            for part in note.as_str().split(['、', '，', ',']) {
                let part = part.trim();
                if let Some(weekday) = weekday_of(part) {
                    if weekday != date.weekday() {
                        return Err(self.fail(format!(
                            "{}年{}月{}日是{}，通知写作“{part}”",
                            date.year(),
                            date.month(),
                            date.day(),
                            date.weekday()
                        )));
                    }
                } else if !part.starts_with("农历") {
                    return Err(self.fail(format!("无法识别日期后的说明“{part}”")));
                }
            }
        }
        self.context = (year, month);
        self.text = &self.text[whole.len()..];
        Ok(date)
    }

    /// A date or a range `A至B`, as the list of its days.
    fn span(&mut self) -> Result<Vec<Date>, NoticeError> {
        let first = self.date()?;
        let Some(rest) = self.text.strip_prefix('至') else {
            return Ok(vec![first]);
        };
        self.text = rest;
        let last = self.date()?;
        if last < first {
            return Err(self.fail(format!("日期范围 {first} 至 {last} 倒置")));
        }
        let days = last.days_since_epoch() - first.days_since_epoch();
        Ok((0..=days).filter_map(|n| first.add_days(n)).collect())
    }

    /// Dates joined by `、`.
    fn list(&mut self) -> Result<Vec<Date>, NoticeError> {
        let mut dates = vec![self.date()?];
        while let Some(rest) = self.text.strip_prefix('、') {
            self.text = rest;
            dates.push(self.date()?);
        }
        Ok(dates)
    }
}

/// `星期一`, `周日`, `星期天` → the weekday.
fn weekday_of(text: &str) -> Option<Weekday> {
    let day = text
        .strip_prefix("星期")
        .or_else(|| text.strip_prefix("周"))?;
    let index = ["一", "二", "三", "四", "五", "六", "日"]
        .iter()
        .position(|d| *d == day)
        .or_else(|| (day == "天").then_some(6))?;
    Weekday::ALL.get(index).copied()
}

/// Splits at `sep` outside parentheses.
fn split_outside_parens(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0_i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn chinese_number(text: &str) -> Option<usize> {
    const DIGITS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    DIGITS.iter().position(|d| *d == text).map(|i| i + 1)
}

fn read_item(line: usize, year: i32, names: &str, body: &str) -> Result<NoticeItem, NoticeError> {
    let holidays: Vec<String> = names.split('、').map(|n| n.trim().to_owned()).collect();
    let mut item = NoticeItem {
        line,
        holidays,
        rest: Vec::new(),
        work: Vec::new(),
        advice: Vec::new(),
    };
    let mut reader = Reader {
        line,
        context: (year, 1),
        text: "",
    };
    for sentence in split_outside_parens(body, '。') {
        let sentence = sentence.trim();
        if sentence.is_empty() {
            continue;
        }
        if sentence.starts_with("鼓励") {
            item.advice.push(format!("{sentence}。"));
            continue;
        }
        // The days of the last 放假 clause, for a following 共N天.
        let mut last_span: Option<usize> = None;
        for clause in split_outside_parens(sentence, '，') {
            let clause = clause.trim();
            reader.text = clause;
            if let Some(stated) = clause.strip_prefix('共').and_then(|c| c.strip_suffix('天')) {
                let stated: usize = stated
                    .parse()
                    .map_err(|_| reader.fail(format!("无法识别“{clause}”")))?;
                let Some(days) = last_span else {
                    return Err(reader.fail(format!("“{clause}”之前没有放假日期")));
                };
                if stated != days {
                    return Err(reader.fail(format!("写明“{clause}”，但所列日期共{days}天")));
                }
                continue;
            }
            if matches!(clause, "与周末连休" | "不调休") {
                continue;
            }
            if clause.ends_with("上班") {
                let dates = reader.list()?;
                if reader.text != "上班" {
                    return Err(reader.fail(format!("无法识别“{clause}”")));
                }
                item.work.extend(dates);
                continue;
            }
            if clause.ends_with("补休") {
                let dates = reader.list()?;
                if reader.text != "补休" {
                    return Err(reader.fail(format!("无法识别“{clause}”")));
                }
                item.rest.extend(dates);
                continue;
            }
            if clause.contains("放假") {
                let days = reader.span()?;
                let tail = reader.text;
                let stated = tail
                    .strip_prefix("放假")
                    .map(|t| t.strip_prefix("调休").unwrap_or(t))
                    .ok_or_else(|| reader.fail(format!("无法识别“{clause}”")))?;
                if !stated.is_empty() {
                    let count = stated
                        .strip_suffix('天')
                        .and_then(|n| n.parse::<usize>().ok())
                        .ok_or_else(|| reader.fail(format!("无法识别“{clause}”")))?;
                    if count != days.len() {
                        return Err(
                            reader.fail(format!("写明放假{count}天，但所列日期共{}天", days.len()))
                        );
                    }
                }
                last_span = Some(days.len());
                item.rest.extend(days);
                continue;
            }
            return Err(reader.fail(format!("无法识别“{clause}”")));
        }
    }
    if item.rest.is_empty() {
        return Err(reader.fail("该项没有放假日期"));
    }
    for date in &item.work {
        if !date.is_weekend() {
            return Err(reader.fail(format!(
                "{date} 是{}，本来就是工作日，不能安排调休上班",
                date.weekday()
            )));
        }
    }
    Ok(item)
}

/// Reads a notice. The year comes from the title or preamble (`关于2027年部分节假日安排的通知`,
/// `现将2027年…`), or from `year` when the text is only the items; if both are present they
/// must agree.
///
/// Refused, naming the line: an item that cannot be read fully; a stated weekday or day
/// count that disagrees with the dates; a date twice; an adjusted working day on a weekday;
/// a date outside the year (or the December before it); a line after the items that sets
/// days but is not an item; items out of order; a year without 元旦, 春节 or 国庆节.
///
/// # Errors
///
/// The first problem found.
pub fn parse_notice(text: &str, year: Option<i32>) -> Result<Notice, NoticeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let first_item = lines
        .iter()
        .position(|(_, l)| item_re().is_match(l))
        .ok_or_else(|| NoticeError {
            line: None,
            message: "没有找到“一、元旦：…”这样的放假安排条目".into(),
        })?;
    let stated = lines[..first_item].iter().find_map(|(line, l)| {
        year_re()
            .captures(l)
            .and_then(|c| c.get(1))
            .and_then(|y| y.as_str().parse::<i32>().ok())
            .map(|y| (*line, y))
    });
    let year = match (stated, year) {
        (Some((line, found)), Some(given)) if found != given => {
            return Err(NoticeError {
                line: Some(line),
                message: format!("通知是 {found} 年的，不是所选的 {given} 年"),
            });
        }
        (Some((_, found)), _) => found,
        (None, Some(given)) => given,
        (None, None) => {
            return Err(NoticeError {
                line: None,
                message: "无法确定年份：请包含通知标题（关于XXXX年部分节假日安排的通知）或选择年份"
                    .into(),
            });
        }
    };
    let mut items = Vec::new();
    let mut seen: BTreeMap<Date, usize> = BTreeMap::new();
    let mut after_items = false;
    for &(line, content) in &lines[first_item..] {
        let Some(caps) = item_re().captures(content).filter(|_| !after_items) else {
            after_items = true;
            if item_re().is_match(content) || stray_re().is_match(content) {
                return Err(NoticeError {
                    line: Some(line),
                    message: format!("放假安排条目之后又出现安排，无法确定其含义：“{content}”"),
                });
            }
            continue;
        };
        let number = caps.get(1).map_or("", |m| m.as_str());
        let names = caps.get(2).map_or("", |m| m.as_str());
        let body = caps.get(3).map_or("", |m| m.as_str());
        if chinese_number(number) != Some(items.len() + 1) {
            // A numbered paragraph after the items (e.g. 二、各地区…) ends them.
            if !items.is_empty() && !stray_re().is_match(content) {
                after_items = true;
                continue;
            }
            return Err(NoticeError {
                line: Some(line),
                message: format!("条目序号“{number}、”不连续，应为第 {} 项", items.len() + 1),
            });
        }
        let item = read_item(line, year, names, body)?;
        for date in item.rest.iter().chain(&item.work) {
            let in_range = date.year() == year || (date.year() == year - 1 && date.month() == 12);
            if !in_range {
                return Err(NoticeError {
                    line: Some(line),
                    message: format!("{date} 不在 {year} 年（或其前一年 12 月）内"),
                });
            }
            if let Some(first) = seen.insert(*date, line) {
                return Err(NoticeError {
                    line: Some(line),
                    message: format!("{date} 重复（已在第 {first} 行出现）"),
                });
            }
        }
        items.push(item);
    }
    for holiday in REQUIRED_HOLIDAYS {
        if !items
            .iter()
            .any(|i| i.holidays.iter().any(|h| h == holiday))
        {
            return Err(NoticeError {
                line: None,
                message: format!("通知不完整：缺少{holiday}的放假安排"),
            });
        }
    }
    Ok(Notice { year, items })
}
