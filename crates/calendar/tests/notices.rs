//! The notices 2017–2026 as published (`tests/notices/`) read into exactly the official data,
//! and every kind of bad text refused with its line named.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use std::collections::BTreeMap;

use xiezhi_calendar::notice::parse_notice;
use xiezhi_calendar::{Date, DayKind, OFFICIAL_LAST_YEAR};

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

fn notice(year: i32) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/notices/{year}.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Every date where the notice and the official data disagree on working or not, or where
/// the notice sets a day the data does not name (or names otherwise).
fn disagreements(year: i32) -> Vec<String> {
    let official = common::shipped();
    let parsed = parse_notice(&notice(year), None).unwrap();
    assert_eq!(parsed.year, year);
    let set: BTreeMap<Date, (DayKind, Vec<String>)> = parsed
        .items
        .iter()
        .flat_map(|item| {
            let rest = item
                .rest
                .iter()
                .map(|d| (*d, (DayKind::Rest, item.holidays.clone())));
            let work = item
                .work
                .iter()
                .map(|d| (*d, (DayKind::Work, item.holidays.clone())));
            rest.chain(work).collect::<Vec<_>>()
        })
        .collect();
    // The last days of December may be set by the next year's notice (its 元旦 break).
    let next_year: Vec<Date> = if year < OFFICIAL_LAST_YEAR {
        parse_notice(&notice(year + 1), None)
            .unwrap()
            .entries()
            .into_iter()
            .map(|e| e.date)
            .filter(|d| d.year() == year)
            .collect()
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    let mut day = Date::new(year - 1, 12, 1).unwrap();
    while day.year() == year || day.year() == year - 1 {
        let official_work = official.is_workday(day).unwrap();
        match set.get(&day) {
            Some((kind, names)) => {
                let notice_work = *kind == DayKind::Work;
                let name = official.day_name(day).unwrap_or("");
                if notice_work != official_work || !names.iter().any(|n| n == name) {
                    let said = if notice_work { "上班" } else { "放假" };
                    let data = if official_work { "上班" } else { "放假" };
                    out.push(format!("{day} 通知{said} 数据{data}{name}"));
                }
            }
            // Dates the notice does not set: a plain day in the notice's year (the December
            // before belongs to the previous notice).
            None if day.year() == year
                && official_work == day.is_weekend()
                && !next_year.contains(&day) =>
            {
                out.push(format!(
                    "{day} 通知未列 数据{}",
                    if official_work { "上班" } else { "放假" }
                ));
            }
            None => {}
        }
        day = day.add_days(1).unwrap();
    }
    out
}

#[test]
fn the_notices_2017_to_2026_read_into_exactly_the_official_data() {
    for year in [2017, 2018, 2021, 2022, 2023, 2024, 2025, 2026] {
        assert_eq!(disagreements(year), Vec::<String>::new(), "{year}");
    }
    // 2019: the data follows the later adjustment of 劳动节 (国办发明电〔2019〕3号), not the
    // original notice's one day.
    assert_eq!(
        disagreements(2019),
        [
            "2019-04-28 通知未列 数据上班",
            "2019-05-02 通知未列 数据放假",
            "2019-05-03 通知未列 数据放假",
            "2019-05-05 通知未列 数据上班",
        ]
    );
    // 2020: the data follows the extension of the Spring Festival (国办发明电〔2020〕1号).
    assert_eq!(
        disagreements(2020),
        [
            "2020-01-31 通知未列 数据放假",
            "2020-02-01 通知上班 数据放假春节",
        ]
    );
}

#[test]
fn the_2026_notice_items() {
    let parsed = parse_notice(&notice(2026), None).unwrap();
    assert_eq!(parsed.items.len(), 7);
    let new_year = &parsed.items[0];
    assert_eq!(new_year.holidays, ["元旦"]);
    assert_eq!(
        new_year.rest,
        [d("2026-01-01"), d("2026-01-02"), d("2026-01-03")]
    );
    assert_eq!(new_year.work, [d("2026-01-04")]);
    assert_eq!(parsed.items[1].rest.len(), 9);
    let entries = parsed.entries();
    assert_eq!(
        entries.iter().filter(|e| e.kind == DayKind::Work).count(),
        6
    );
    // 2024: the advice to let staff rest on 除夕 is kept but sets nothing.
    let parsed = parse_notice(&notice(2024), None).unwrap();
    assert_eq!(parsed.items[1].advice.len(), 1);
    assert!(!parsed.items[1].rest.contains(&d("2024-02-09")));
    // 2023: the 元旦 break starts in the December before.
    let parsed = parse_notice(&notice(2023), None).unwrap();
    assert_eq!(parsed.items[0].rest[0], d("2022-12-31"));
}

const ITEMS_2027: &str = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至13日（周六）放假调休，共9天。2月14日（周日）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）上班。
五、端午节：6月9日（周三）放假1天，不调休。
六、中秋节：9月15日（周三）放假1天，不调休。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。";

fn error(text: &str) -> String {
    parse_notice(text, Some(2027)).unwrap_err().to_string()
}

#[test]
fn items_alone_need_a_year_and_read_with_one() {
    assert!(
        parse_notice(ITEMS_2027, None)
            .unwrap_err()
            .to_string()
            .contains("无法确定年份")
    );
    let parsed = parse_notice(ITEMS_2027, Some(2027)).unwrap();
    assert_eq!(parsed.year, 2027);
    assert_eq!(parsed.items[6].work, [d("2027-09-26"), d("2027-10-09")]);
    let titled = format!("国务院办公厅关于2028年部分节假日安排的通知\n{ITEMS_2027}");
    assert!(error(&titled).contains("第 1 行：通知是 2028 年的"));
}

#[test]
fn bad_notices_are_refused_with_the_line_named() {
    let cases = [
        // A stated day count that disagrees with the dates.
        (
            ITEMS_2027.replace("共7天", "共8天"),
            "第 7 行：写明“共8天”，但所列日期共7天",
        ),
        // A stated weekday that is wrong.
        (
            ITEMS_2027.replace("1月1日（周五）", "1月1日（周四）"),
            "第 1 行：2027年1月1日是星期五，通知写作“周四”",
        ),
        // A date twice.
        (
            ITEMS_2027.replace("9月26日（周日）", "5月2日（周日）"),
            "第 7 行：2027-05-02 重复（已在第 4 行出现）",
        ),
        // An adjusted working day on a weekday.
        (
            ITEMS_2027.replace("4月25日（周日）", "4月26日（周一）"),
            "第 4 行：2027-04-26 是星期一，本来就是工作日",
        ),
        // Something the parser cannot read.
        (
            ITEMS_2027.replace("不调休", "另行通知"),
            "第 5 行：无法识别“另行通知”",
        ),
        // A year half filled: no 国庆节.
        (
            ITEMS_2027.lines().take(6).collect::<Vec<_>>().join("\n"),
            "缺少国庆节",
        ),
        // A date that does not exist.
        (
            ITEMS_2027.replace("6月9日（周三）", "6月31日"),
            "第 5 行：日期不存在",
        ),
        // Out of order.
        (
            ITEMS_2027.replace("三、清明节", "四、清明节"),
            "第 3 行：条目序号“四、”不连续",
        ),
    ];
    for (text, expected) in cases {
        let message = error(&text);
        assert!(message.contains(expected), "{message} ≠ {expected}");
    }
}
