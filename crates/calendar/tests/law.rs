//! The holiday law against the official data: every festival's statutory day derived from the
//! law in force falls on a rest day named for that festival, 2004–2026; the derived 2026
//! differs from the official 2026 only by the notice's own arrangements.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use xiezhi_calendar::law::{law_in_force, provisional_entries, statutory_days};
use xiezhi_calendar::{Calendar, Date, OFFICIAL_CSV, OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR};

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

fn official() -> &'static Calendar {
    common::shipped()
}

#[test]
fn every_statutory_day_2004_2026_is_a_rest_day_of_its_festival() {
    let official = official();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for year in OFFICIAL_FIRST_YEAR..=OFFICIAL_LAST_YEAR {
        for (festival, dates) in statutory_days(year) {
            assert!(!dates.is_empty(), "{year} {festival}: no date derived");
            for date in dates {
                checked += 1;
                let entry = official.entry(date);
                let rest = !official.is_workday(date).unwrap();
                let named = entry.map(|e| e.name.as_str());
                // 中秋 on a 国庆 day (2009-10-03, 2020-10-01): the data names the day for one.
                let pair = ["中秋节", "国庆节"];
                let merged = pair.contains(&festival) && named.is_some_and(|n| pair.contains(&n));
                if !rest || !(named == Some(festival) || merged) {
                    wrong.push(format!("{year} {festival} {date}: {named:?} rest={rest}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(checked > 200, "{checked}");
}

#[test]
fn the_law_in_force_follows_the_revisions() {
    let version = |day: &str| law_in_force(d(day)).map(|law| law.version);
    assert_eq!(version("1999-09-17"), None);
    assert!(version("1999-09-18").unwrap().contains("第270号"));
    assert!(version("2007-12-31").unwrap().contains("第270号"));
    assert!(version("2008-01-01").unwrap().contains("第513号"));
    assert!(version("2014-01-01").unwrap().contains("第644号"));
    assert!(version("2024-12-31").unwrap().contains("第644号"));
    assert!(version("2025-01-01").unwrap().contains("第795号"));
    // 2024 revision: 除夕 and 正月初一至初三, 劳动节 two days (13 days in all).
    let days: usize = statutory_days(2027).iter().map(|(_, d)| d.len()).sum();
    assert_eq!(days, 13);
    // 2013 revision: no 除夕 (11 days); 2007 revision: with 除夕, 11 days.
    assert_eq!(
        statutory_days(2014)
            .iter()
            .map(|(_, d)| d.len())
            .sum::<usize>(),
        11
    );
    assert_eq!(
        statutory_days(2010)
            .iter()
            .map(|(_, d)| d.len())
            .sum::<usize>(),
        11
    );
}

/// Working-day status of every date of 2026 where the provisional derivation and the
/// official notice differ: exactly the notice's own arrangements (调休).
#[test]
fn provisional_2026_differs_from_the_notice_only_by_its_arrangements() {
    let official = official();
    let through_2025: String = OFFICIAL_CSV
        .lines()
        .filter(|line| !line.starts_with("2026-"))
        .map(|line| format!("{line}\n"))
        .collect();
    let provisional = Calendar::from_csv(&through_2025, OFFICIAL_FIRST_YEAR, 2025)
        .unwrap()
        .with_provisional_years(2026);
    assert!(provisional.is_provisional(d("2026-06-01")));
    assert!(!official.is_provisional(d("2026-06-01")));
    let mut differences = Vec::new();
    let mut day = d("2026-01-01");
    while day.year() == 2026 {
        let (o, p) = (
            official.is_workday(day).unwrap(),
            provisional.is_workday(day).unwrap(),
        );
        if o != p {
            differences.push(format!("{day} {}", if o { "上班" } else { "放假" }));
        }
        day = day.add_days(1).unwrap();
    }
    assert_eq!(
        differences,
        [
            // 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
            "2026-01-02 放假",
            "2026-01-04 上班",
            // 二、春节：2月15日（农历腊月二十八、周日）至23日（周一）放假调休，共9天。
            // 2月14日（周六）、2月28日（周六）上班。（法定：除夕2月16日至初三19日）
            "2026-02-14 上班",
            "2026-02-20 放假",
            "2026-02-23 放假",
            "2026-02-28 上班",
            // 四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
            "2026-05-05 放假",
            "2026-05-09 上班",
            // 七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。
            // 9月20日（周日）、10月10日（周六）上班。（法定：1日至3日，3日周六补假于5日）
            "2026-09-20 上班",
            "2026-10-06 放假",
            "2026-10-07 放假",
            "2026-10-10 上班",
        ]
    );
}

#[test]
fn provisional_years_run_through_2100_and_are_flagged() {
    let calendar = Calendar::official();
    assert!(calendar.is_provisional(d("2027-01-04")));
    assert!(!calendar.is_provisional(d("2026-12-31")));
    assert_eq!(calendar.official_last_year(), OFFICIAL_LAST_YEAR);
    // 2027: 元旦 Friday; 春节 2027-02-06 (Saturday): 除夕 Friday 02-05, 初一..初三 Sat–Mon.
    assert!(!calendar.is_workday(d("2027-01-01")).unwrap());
    assert_eq!(calendar.day_name(d("2027-02-05")), Some("春节"));
    for year in 2027..=2100 {
        let entries = provisional_entries(year);
        for name in [
            "元旦",
            "春节",
            "清明节",
            "劳动节",
            "端午节",
            "中秋节",
            "国庆节",
        ] {
            assert!(
                entries.iter().any(|e| e.name == name),
                "{year} lacks {name}"
            );
        }
        // Statutory days plus one make-up day for each that falls on a weekend.
        let statutory = statutory_days(year);
        let weekend: usize = statutory
            .iter()
            .flat_map(|(_, dates)| dates)
            .filter(|date| date.is_weekend())
            .count();
        let weekdays_off = entries.iter().filter(|e| !e.date.is_weekend()).count();
        assert!(weekdays_off >= 13, "{year}: {weekdays_off}");
        assert!(weekend <= entries.len(), "{year}");
    }
    assert!(calendar.add_workdays(d("2099-12-01"), 20).is_ok());
}
