//! Loading and validating holiday data with `Calendar::from_csv`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use xiezhi_calendar::{Calendar, CalendarError, Date, DayKind, OFFICIAL_CSV, Weekday};

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

/// The minimal complete arrangement of a year.
fn minimal_year(year: i32) -> String {
    format!("{year}-01-01,rest,元旦\n{year}-02-10,rest,春节\n{year}-10-01,rest,国庆节\n")
}

fn load(text: &str, first_year: i32, last_year: i32) -> Result<Calendar, CalendarError> {
    Calendar::from_csv(text, first_year, last_year)
}

fn failure(text: &str, first_year: i32, last_year: i32) -> (CalendarError, String) {
    let error = load(text, first_year, last_year).unwrap_err();
    let message = error.to_string();
    (error, message)
}

#[test]
fn minimal_valid_calendar() {
    let text = format!("date,kind,name\n{}", minimal_year(2030));
    let calendar = load(&text, 2030, 2030).unwrap();
    assert_eq!(calendar.first_year(), 2030);
    assert_eq!(calendar.last_year(), 2030);
    assert_eq!(calendar.entries().len(), 3);
    assert!(!calendar.is_workday(d("2030-01-01")).unwrap());
    assert!(calendar.is_workday(d("2030-01-02")).unwrap());
    assert_eq!(calendar.day_name(d("2030-10-01")), Some("国庆节"));
    assert_eq!(
        calendar.is_workday(d("2031-01-01")),
        Err(CalendarError::YearNotLoaded { year: 2031 })
    );
}

#[test]
fn date_listed_twice_names_both_lines() {
    let text = format!(
        "date,kind,name\n{}2030-01-01,rest,元旦\n",
        minimal_year(2030)
    );
    let (error, message) = failure(&text, 2030, 2030);
    assert_eq!(
        error,
        CalendarError::DuplicateDate {
            line: 5,
            date: d("2030-01-01"),
            first_line: 2
        }
    );
    assert_eq!(message, "第 5 行：日期 2030-01-01 重复（已在第 2 行出现）");
}

#[test]
fn unknown_kind_names_the_line() {
    let text = format!(
        "date,kind,name\n{}2030-05-01,holiday,劳动节\n",
        minimal_year(2030)
    );
    let (error, message) = failure(&text, 2030, 2030);
    assert_eq!(
        error,
        CalendarError::UnknownKind {
            line: 5,
            kind: "holiday".to_owned()
        }
    );
    assert!(message.starts_with("第 5 行："), "{message}");
    assert!(message.contains("holiday"), "{message}");
}

#[test]
fn half_filled_year_is_rejected() {
    // 2031 has only its New Year's Day: the Spring Festival is missing.
    let text = format!(
        "date,kind,name\n{}2031-01-01,rest,元旦\n",
        minimal_year(2030)
    );
    let (error, message) = failure(&text, 2030, 2031);
    assert_eq!(
        error,
        CalendarError::IncompleteYear {
            year: 2031,
            missing: "春节",
            lines: Some((5, 5))
        }
    );
    assert!(message.contains("2031 年"), "{message}");
    assert!(message.contains("第 5—5 行"), "{message}");
    assert!(message.contains("春节"), "{message}");

    // 国庆节 missing; entries on lines 5 and 6.
    let text = format!(
        "date,kind,name\n{}2031-01-01,rest,元旦\n2031-01-23,rest,春节\n",
        minimal_year(2030)
    );
    let (error, message) = failure(&text, 2030, 2031);
    assert!(
        matches!(
            error,
            CalendarError::IncompleteYear {
                year: 2031,
                missing: "国庆节",
                lines: Some((5, 6))
            }
        ),
        "{error:?}"
    );
    assert!(message.contains("第 5—6 行"), "{message}");

    // A `work` day named 春节 does not count as the Spring Festival break.
    let text =
        "date,kind,name\n2030-01-01,rest,元旦\n2030-02-09,work,春节\n2030-10-01,rest,国庆节\n";
    assert!(matches!(
        error_of(text, 2030, 2030),
        CalendarError::IncompleteYear {
            year: 2030,
            missing: "春节",
            ..
        }
    ));
}

fn error_of(text: &str, first_year: i32, last_year: i32) -> CalendarError {
    load(text, first_year, last_year).unwrap_err()
}

#[test]
fn declared_year_without_any_entry_is_rejected() {
    let text = format!(
        "date,kind,name\n{}{}",
        minimal_year(2030),
        minimal_year(2032)
    );
    let (error, message) = failure(&text, 2030, 2032);
    assert_eq!(
        error,
        CalendarError::IncompleteYear {
            year: 2031,
            missing: "元旦",
            lines: None
        }
    );
    assert!(message.contains("2031 年"), "{message}");
    assert!(message.contains("没有任何条目"), "{message}");
}

#[test]
fn malformed_lines() {
    let cases = [
        ("2030-05-01,rest", "三个字段"),
        ("2030-05-01,rest,劳动节,extra", "三个字段"),
        ("2030-5-1,rest,劳动节", "YYYY-MM-DD"),
        ("2030-02-30,rest,劳动节", "YYYY-MM-DD"),
        ("2030-05-01,rest,", "缺少节日名称"),
        ("2030-05-01,rest,  ", "缺少节日名称"),
    ];
    for (line, reason) in cases {
        let text = format!("date,kind,name\n{}{line}\n", minimal_year(2030));
        let (error, message) = failure(&text, 2030, 2030);
        assert!(
            matches!(error, CalendarError::MalformedLine { line: 5, .. }),
            "{line}: {error:?}"
        );
        assert!(message.starts_with("第 5 行"), "{message}");
        assert!(message.contains(reason), "{message}");
        assert!(message.contains(line.trim()), "{message}");
    }
}

#[test]
fn header_is_required() {
    let (error, message) = failure(&minimal_year(2030), 2030, 2030);
    assert_eq!(
        error,
        CalendarError::MissingHeader {
            line: 1,
            found: "2030-01-01,rest,元旦".to_owned()
        }
    );
    assert!(message.starts_with("第 1 行"), "{message}");
    assert!(matches!(
        error_of("", 2030, 2030),
        CalendarError::MissingHeader { line: 1, .. }
    ));
}

#[test]
fn dates_outside_the_declared_years_are_rejected() {
    let text = format!(
        "date,kind,name\n{}2031-01-01,rest,元旦\n",
        minimal_year(2030)
    );
    let (error, message) = failure(&text, 2030, 2030);
    assert_eq!(
        error,
        CalendarError::DateOutOfRange {
            line: 5,
            date: d("2031-01-01"),
            first_year: 2030,
            last_year: 2030
        }
    );
    assert!(message.starts_with("第 5 行"), "{message}");
    assert!(message.contains("2030—2030"), "{message}");
}

#[test]
fn work_entry_on_a_weekday_is_rejected_but_rest_on_a_weekend_is_fine() {
    // 2030-05-06 is a Monday.
    let text = format!(
        "date,kind,name\n{}2030-05-06,work,劳动节\n",
        minimal_year(2030)
    );
    let (error, message) = failure(&text, 2030, 2030);
    assert_eq!(
        error,
        CalendarError::WorkOnWeekday {
            line: 5,
            date: d("2030-05-06"),
            weekday: Weekday::Monday
        }
    );
    assert!(message.starts_with("第 5 行"), "{message}");
    assert!(message.contains("星期一"), "{message}");

    // Saturday 2030-05-04 as a named rest day, Sunday 2030-04-28 as an adjusted working day.
    let text = format!(
        "date,kind,name\n{}2030-05-04,rest,劳动节\n2030-04-28,work,劳动节\n",
        minimal_year(2030)
    );
    let calendar = load(&text, 2030, 2030).unwrap();
    assert!(!calendar.is_workday(d("2030-05-04")).unwrap());
    assert_eq!(calendar.day_name(d("2030-05-04")), Some("劳动节"));
    assert!(calendar.is_workday(d("2030-04-28")).unwrap());
    assert_eq!(calendar.entry(d("2030-04-28")).unwrap().kind, DayKind::Work);
}

#[test]
fn invalid_year_ranges() {
    let text = format!("date,kind,name\n{}", minimal_year(2030));
    for (first_year, last_year) in [(2031, 2030), (0, 2030), (2030, 10_000), (-5, -1)] {
        let (error, message) = failure(&text, first_year, last_year);
        assert_eq!(
            error,
            CalendarError::InvalidYearRange {
                first_year,
                last_year
            }
        );
        assert!(message.contains("年份范围"), "{message}");
    }
}

#[test]
fn tolerant_of_crlf_bom_blank_lines_spaces_and_order() {
    let text = "\u{feff}date,kind,name\r\n\r\n2030-10-01 , rest , 国庆节\r\n2030-02-10,rest,春节\r\n\n2030-01-01,rest,元旦\r\n";
    let calendar = load(text, 2030, 2030).unwrap();
    let dates: Vec<Date> = calendar.entries().iter().map(|entry| entry.date).collect();
    assert_eq!(dates, [d("2030-01-01"), d("2030-02-10"), d("2030-10-01")]);
    assert_eq!(calendar.day_name(d("2030-10-01")), Some("国庆节"));
    let minimal = format!("date,kind,name\n{}", minimal_year(2030));
    assert_eq!(calendar.to_csv(), minimal);
    assert_eq!(calendar, load(&minimal, 2030, 2030).unwrap());
}

#[test]
fn administrator_appends_a_new_year() {
    // A hypothetical 2027 arrangement appended to the official data.
    let text = format!(
        "{OFFICIAL_CSV}2027-01-01,rest,元旦\n2027-02-06,rest,春节\n2027-02-07,rest,春节\n\
         2027-02-08,rest,春节\n2027-02-20,work,春节\n2027-10-01,rest,国庆节\n"
    );
    let calendar = load(&text, 2004, 2027).unwrap();
    assert_eq!(calendar.last_year(), 2027);
    assert!(!calendar.is_workday(d("2027-02-08")).unwrap());
    assert!(calendar.is_workday(d("2027-02-20")).unwrap());
    // 2026 behaves exactly as in the official calendar, and crossing into 2027 now works.
    assert_eq!(calendar.next_workday(d("2026-12-31")), Ok(d("2027-01-04")));
    let shipped = load(OFFICIAL_CSV, 2004, 2026).unwrap();
    assert_eq!(
        shipped.next_workday(d("2026-12-31")),
        Err(CalendarError::YearNotLoaded { year: 2027 })
    );
    // The product's calendar answers from the holiday law instead, flagged provisional.
    assert_eq!(
        Calendar::official().next_workday(d("2026-12-31")),
        Ok(d("2027-01-04"))
    );
    assert!(Calendar::official().is_provisional(d("2027-01-04")));
    // Declaring 2027 without appending its lines is refused.
    assert!(matches!(
        error_of(OFFICIAL_CSV, 2004, 2027),
        CalendarError::IncompleteYear {
            year: 2027,
            lines: None,
            ..
        }
    ));
}

#[test]
fn a_single_year_at_the_edge_of_the_date_range() {
    let text = format!("date,kind,name\n{}", minimal_year(9999));
    let calendar = load(&text, 9999, 9999).unwrap();
    assert_eq!(
        calendar.next_workday(d("9999-12-31")),
        Err(CalendarError::YearNotLoaded { year: 10_000 })
    );
    assert_eq!(
        calendar.previous_workday(d("9999-12-31")),
        Ok(d("9999-12-30"))
    );
}
