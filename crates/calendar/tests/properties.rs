//! Property tests: the constant-time index against a naive day-by-day model,
//! round trips, monotonicity, year boundaries and the long holidays.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use proptest::prelude::*;
use xiezhi_calendar::{
    Calendar, CalendarError, Date, DayKind, OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR,
    deadline_instant, shanghai_date, start_instant,
};

fn cal() -> &'static Calendar {
    common::shipped()
}

fn first_day() -> i64 {
    Date::new(OFFICIAL_FIRST_YEAR, 1, 1)
        .unwrap()
        .days_since_epoch()
}

fn last_day() -> i64 {
    Date::new(OFFICIAL_LAST_YEAR, 12, 31)
        .unwrap()
        .days_since_epoch()
}

/// Any date of the official range.
fn official_date() -> impl Strategy<Value = Date> {
    (first_day()..=last_day()).prop_map(|day| Date::from_days_since_epoch(day).unwrap())
}

/// The rule, straight from the entries (independent of the prefix index).
fn naive_is_workday(calendar: &Calendar, date: Date) -> Option<bool> {
    if !calendar.covers(date) {
        return None;
    }
    Some(match calendar.entry(date) {
        Some(entry) => entry.kind == DayKind::Work,
        None => !date.is_weekend(),
    })
}

/// `add_workdays` by walking day by day.
fn naive_add(calendar: &Calendar, date: Date, n: i64) -> Result<Date, CalendarError> {
    if !calendar.covers(date) {
        return Err(CalendarError::YearNotLoaded { year: date.year() });
    }
    let step = if n >= 0 { 1 } else { -1 };
    let mut remaining = n.abs();
    let mut current = date;
    while remaining > 0 {
        current = current.add_days(step).unwrap();
        match naive_is_workday(calendar, current) {
            None => {
                return Err(CalendarError::YearNotLoaded {
                    year: current.year(),
                });
            }
            Some(true) => remaining -= 1,
            Some(false) => {}
        }
    }
    Ok(current)
}

/// `workdays_between` by walking day by day.
fn naive_between(calendar: &Calendar, a: Date, b: Date) -> i64 {
    let (low, high, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
    let mut count = 0;
    let mut current = low;
    while current < high {
        current = current.add_days(1).unwrap();
        count += i64::from(naive_is_workday(calendar, current).unwrap());
    }
    sign * count
}

/// The `rest` days named `holiday` in `year`, as (first, last).
fn holiday_block(year: i32, holiday: &str) -> (Date, Date) {
    let days: Vec<Date> = cal()
        .entries()
        .iter()
        .filter(|e| e.date.year() == year && e.kind == DayKind::Rest && e.name == holiday)
        .map(|e| e.date)
        .collect();
    (*days.first().unwrap(), *days.last().unwrap())
}

#[test]
fn long_holidays_are_unbroken_and_bracketed_by_adjusted_working_days() {
    for year in OFFICIAL_FIRST_YEAR..=OFFICIAL_LAST_YEAR {
        for holiday in ["春节", "国庆节"] {
            let (first, last) = holiday_block(year, holiday);
            // Every day of the break is a rest day, and the break lasts 7 to 10 days.
            let length = last.days_since_epoch() - first.days_since_epoch() + 1;
            assert!(
                (7..=10).contains(&length),
                "{year} {holiday}: {first}..{last}"
            );
            assert_eq!(
                cal().workdays_between(first.add_days(-1).unwrap(), last),
                Ok(0)
            );
            // The days right after and before the break (skipping ordinary weekend
            // days) are working days reached by next/previous_workday.
            let after = cal().next_workday(last).unwrap();
            let before = cal().previous_workday(first).unwrap();
            assert!(after.days_since_epoch() - last.days_since_epoch() <= 3);
            assert!(first.days_since_epoch() - before.days_since_epoch() <= 3);
            for day in first.days_since_epoch()..=last.days_since_epoch() {
                let day = Date::from_days_since_epoch(day).unwrap();
                assert_eq!(cal().next_workday(day), Ok(after), "{day}");
                assert_eq!(cal().previous_workday(day), Ok(before), "{day}");
                assert_eq!(cal().add_workdays(day, 0), Ok(day));
            }
            // The adjusted working days (调休上班) of this holiday are weekend days
            // within two weeks of the break, and count as working days.
            for entry in cal()
                .entries()
                .iter()
                .filter(|e| e.date.year() == year && e.kind == DayKind::Work && e.name == holiday)
            {
                assert!(entry.date.is_weekend(), "{entry:?}");
                assert!(cal().is_workday(entry.date).unwrap());
                let distance = (entry.date.days_since_epoch() - first.days_since_epoch())
                    .abs()
                    .min((entry.date.days_since_epoch() - last.days_since_epoch()).abs());
                assert!(distance <= 14, "{entry:?} vs {first}..{last}");
            }
        }
    }
}

#[test]
fn every_date_of_the_range_matches_the_naive_rule() {
    for day in first_day()..=last_day() {
        let date = Date::from_days_since_epoch(day).unwrap();
        assert_eq!(
            cal().is_workday(date).ok(),
            naive_is_workday(cal(), date),
            "{date}"
        );
    }
}

proptest! {
    #[test]
    fn add_workdays_matches_the_naive_walk(date in official_date(), n in -400_i64..=400) {
        prop_assert_eq!(cal().add_workdays(date, n), naive_add(cal(), date, n));
    }

    #[test]
    fn workdays_between_matches_the_naive_count(a in official_date(), delta in -600_i64..=600) {
        if let Some(b) = a.add_days(delta).filter(|b| cal().covers(*b)) {
            prop_assert_eq!(cal().workdays_between(a, b), Ok(naive_between(cal(), a, b)));
        }
    }

    #[test]
    fn add_then_count_round_trips(date in official_date(), n in -2_000_i64..=2_000) {
        if let Ok(result) = cal().add_workdays(date, n) {
            let counted = cal().workdays_between(date, result).unwrap();
            let workday = cal().is_workday(date).unwrap();
            if n >= 0 || workday {
                prop_assert_eq!(counted, n);
            } else {
                // (result, date] does not contain a working day at `date` itself.
                prop_assert_eq!(counted, n + 1);
            }
            if workday {
                prop_assert_eq!(cal().add_workdays(result, -n), Ok(date));
            }
        }
    }

    #[test]
    fn count_then_add_round_trips(a in official_date(), b in official_date()) {
        let n = cal().workdays_between(a, b).unwrap();
        prop_assert_eq!(cal().workdays_between(b, a), Ok(-n));
        if b > a && cal().is_workday(b).unwrap() {
            prop_assert_eq!(cal().add_workdays(a, n), Ok(b));
        }
        if n > 0 {
            // In general: the n-th working day after a is the last working day <= b.
            let reached = cal().add_workdays(a, n).unwrap();
            prop_assert!(reached <= b);
            prop_assert_eq!(cal().workdays_between(reached, b), Ok(0));
        }
    }

    #[test]
    fn workdays_between_is_additive(a in official_date(), b in official_date(), c in official_date()) {
        let ab = cal().workdays_between(a, b).unwrap();
        let bc = cal().workdays_between(b, c).unwrap();
        prop_assert_eq!(cal().workdays_between(a, c), Ok(ab + bc));
        prop_assert_eq!(cal().workdays_between(a, a), Ok(0));
    }

    #[test]
    fn results_are_working_days_in_the_right_direction(date in official_date(), n in -1_000_i64..=1_000) {
        prop_assume!(n != 0);
        if let Ok(result) = cal().add_workdays(date, n) {
            prop_assert!(cal().is_workday(result).unwrap());
            if n > 0 {
                prop_assert!(result > date);
            } else {
                prop_assert!(result < date);
            }
        }
    }

    #[test]
    fn add_workdays_is_strictly_increasing_in_n(date in official_date(), n in -500_i64..=500, k in 1_i64..=50) {
        if let (Ok(low), Ok(high)) = (cal().add_workdays(date, n), cal().add_workdays(date, n + k)) {
            prop_assert!(low < high);
        }
    }

    #[test]
    fn add_workdays_is_monotone_in_the_date(a in official_date(), gap in 0_i64..=60, n in -300_i64..=300) {
        let b = a.add_days(gap).unwrap();
        if let (Ok(from_a), Ok(from_b)) = (cal().add_workdays(a, n), cal().add_workdays(b, n)) {
            prop_assert!(from_a <= from_b);
        }
    }

    #[test]
    fn next_and_previous_workday_skip_only_rest_days(date in official_date()) {
        if let Ok(next) = cal().next_workday(date) {
            prop_assert_eq!(cal().workdays_between(date, next), Ok(1));
            prop_assert_eq!(naive_add(cal(), date, 1), Ok(next));
        }
        if let Ok(previous) = cal().previous_workday(date) {
            prop_assert_eq!(naive_add(cal(), date, -1), Ok(previous));
            prop_assert!(cal().next_workday(previous).unwrap() >= date);
        }
    }

    #[test]
    fn crossing_year_boundaries(year in OFFICIAL_FIRST_YEAR..OFFICIAL_LAST_YEAR, day in 10_u8..=31, n in 1_i64..=30) {
        let date = Date::new(year, 12, day).unwrap();
        let forward = cal().add_workdays(date, n).unwrap();
        prop_assert_eq!(Ok(forward), naive_add(cal(), date, n));
        prop_assert_eq!(cal().workdays_between(date, forward), Ok(n));
        if n >= 25 {
            prop_assert_eq!(forward.year(), year + 1);
        }
        let start = Date::new(year + 1, 1, day - 9).unwrap();
        let backward = cal().add_workdays(start, -n).unwrap();
        prop_assert_eq!(Ok(backward), naive_add(cal(), start, -n));
        if n >= 25 {
            prop_assert_eq!(backward.year(), year);
        }
    }

    #[test]
    fn spanning_a_long_holiday(year in OFFICIAL_FIRST_YEAR..=OFFICIAL_LAST_YEAR, national in any::<bool>(), before in 0_i64..=20, n in 1_i64..=40) {
        let (first, _) = holiday_block(year, if national { "国庆节" } else { "春节" });
        let start = first.add_days(-before).unwrap();
        prop_assume!(cal().covers(start));
        let end = cal().add_workdays(start, n).unwrap();
        prop_assert_eq!(Ok(end), naive_add(cal(), start, n));
        prop_assert_eq!(cal().workdays_between(start, end), Ok(n));
    }

    #[test]
    fn year_not_loaded_is_exact(date in official_date(), n in prop_oneof![-20_000_i64..=-1, 1_i64..=20_000]) {
        match cal().add_workdays(date, n) {
            Ok(result) => prop_assert!(cal().covers(result)),
            Err(CalendarError::YearNotLoaded { year }) => {
                // Only when the loaded range really has fewer working days on that side.
                if n > 0 {
                    prop_assert_eq!(year, OFFICIAL_LAST_YEAR + 1);
                    let end = Date::new(OFFICIAL_LAST_YEAR, 12, 31).unwrap();
                    prop_assert!(cal().workdays_between(date, end).unwrap() < n);
                } else {
                    prop_assert_eq!(year, OFFICIAL_FIRST_YEAR - 1);
                    let start = Date::new(OFFICIAL_FIRST_YEAR, 1, 1).unwrap();
                    let available = cal().workdays_between(start, date).unwrap()
                        + i64::from(cal().is_workday(start).unwrap())
                        - i64::from(cal().is_workday(date).unwrap());
                    prop_assert!(available < -n);
                }
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    /// Arbitrary (valid) holiday data: the index agrees with the naive rule.
    #[test]
    fn arbitrary_calendars_match_the_naive_model(
        first_year in 1990_i32..2100,
        extra_years in 0_i32..3,
        listed in proptest::collection::vec((0_i64..1_100, any::<bool>()), 0..80),
        probes in proptest::collection::vec((0_i64..1_100, -200_i64..200), 1..20),
    ) {
        let last_year = first_year + extra_years;
        let start = Date::new(first_year, 1, 1).unwrap();
        let end = Date::new(last_year, 12, 31).unwrap();
        let mut text = String::from("date,kind,name\n");
        let mut used = std::collections::HashSet::new();
        for year in first_year..=last_year {
            for (month, day, name) in [(1, 1, "元旦"), (2, 10, "春节"), (10, 1, "国庆节")] {
                let date = Date::new(year, month, day).unwrap();
                used.insert(date);
                text.push_str(&format!("{date},rest,{name}\n"));
            }
        }
        for (offset, work) in listed {
            let date = start.add_days(offset).unwrap();
            if date > end || !used.insert(date) {
                continue;
            }
            let kind = if work && date.is_weekend() { "work" } else { "rest" };
            text.push_str(&format!("{date},{kind},测试\n"));
        }
        let calendar = Calendar::from_csv(&text, first_year, last_year).unwrap();
        let mut day = start;
        while day <= end {
            prop_assert_eq!(calendar.is_workday(day).ok(), naive_is_workday(&calendar, day));
            day = day.add_days(1).unwrap();
        }
        for (offset, n) in probes {
            let date = start.add_days(offset).unwrap();
            if date > end {
                continue;
            }
            prop_assert_eq!(calendar.add_workdays(date, n), naive_add(&calendar, date, n));
            let other = date.add_days(n).unwrap();
            if calendar.covers(other) {
                prop_assert_eq!(calendar.workdays_between(date, other), Ok(naive_between(&calendar, date, other)));
            }
        }
        let reloaded = Calendar::from_csv(&calendar.to_csv(), first_year, last_year).unwrap();
        prop_assert_eq!(reloaded, calendar);
    }

    #[test]
    fn dates_round_trip(day in Date::MIN.days_since_epoch()..=Date::MAX.days_since_epoch()) {
        let date = Date::from_days_since_epoch(day).unwrap();
        prop_assert_eq!(date.days_since_epoch(), day);
        let text = date.to_string();
        prop_assert_eq!(text.len(), 10);
        prop_assert_eq!(text.parse::<Date>(), Ok(date));
        prop_assert_eq!(Date::new(date.year(), date.month(), date.day()), Some(date));
        if let Some(next) = date.add_days(1) {
            prop_assert!(date < next);
            prop_assert_eq!(next.weekday().number_from_monday() % 7, (date.weekday().number_from_monday() + 1) % 7);
        }
    }

    #[test]
    fn shanghai_days_round_trip(day in Date::MIN.days_since_epoch()..=Date::MAX.days_since_epoch(), second in 0_i64..86_400) {
        let date = Date::from_days_since_epoch(day).unwrap();
        prop_assert_eq!(deadline_instant(date) - start_instant(date), 86_399);
        prop_assert_eq!(shanghai_date(start_instant(date) + second), Some(date));
        prop_assert_eq!(shanghai_date(deadline_instant(date)), Some(date));
        if let Some(next) = date.add_days(1) {
            prop_assert_eq!(shanghai_date(deadline_instant(date) + 1), Some(next));
        }
    }
}
