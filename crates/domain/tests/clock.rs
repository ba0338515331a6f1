//! The clock engine over the official calendar, as a table of cases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDateTime, Utc};
use xiezhi_calendar::Calendar;
use xiezhi_domain::clock::{self, ClockCommand, ClockRefusal, ClockState, Urgency};
use xiezhi_domain::rules::{Direction, Duration, EscalateTo, Rule, Source, Unit};

fn bj(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .unwrap()
        .and_local_timezone(chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn rule(unit: Unit, value: Option<i64>) -> Rule {
    Rule {
        id: "test.rule".into(),
        name: "测试".into(),
        applies_to: "transfer".into(),
        trigger: "t".into(),
        duration: Duration { unit, value },
        warn_before: matches!(unit, Unit::WorkingDays).then_some(Duration {
            unit: Unit::WorkingDays,
            value: Some(1),
        }),
        escalate_to: EscalateTo::CoordinationOffice,
        pausable: true,
        direction: Direction::After,
        source: Source {
            seed: "001".into(),
            section: "二".into(),
            quote: "q".into(),
        },
        note: None,
    }
}

fn cal() -> &'static Calendar {
    Calendar::official()
}

#[test]
fn due_times_follow_the_official_calendar_for_every_unit() {
    let cases = [
        // Spring Festival 2024: 2/10–2/17 rest, Sunday 2/18 worked.
        (
            Unit::WorkingDays,
            Some(3),
            "2024-02-08 10:00:00",
            "2024-02-19 23:59:59",
        ),
        // National Day 2024: Sunday 9/29 and Monday 9/30 worked, 10/1–10/7 rest.
        (
            Unit::WorkingDays,
            Some(3),
            "2024-09-27 16:30:00",
            "2024-10-08 23:59:59",
        ),
        // A trigger on a rest day counts from the next working day.
        (
            Unit::WorkingDays,
            Some(1),
            "2024-10-03 09:00:00",
            "2024-10-08 23:59:59",
        ),
        // Late in the evening is still that day: counting starts the day after.
        (
            Unit::WorkingDays,
            Some(7),
            "2026-11-23 23:30:00",
            "2026-12-02 23:59:59",
        ),
        (
            Unit::CalendarDays,
            Some(2),
            "2026-11-27 10:00:00",
            "2026-11-29 23:59:59",
        ),
        (
            Unit::Hours,
            Some(24),
            "2026-11-23 15:20:00",
            "2026-11-24 15:20:00",
        ),
        (
            Unit::SameDay,
            None,
            "2026-11-23 08:00:00",
            "2026-11-23 23:59:59",
        ),
        (
            Unit::Immediately,
            None,
            "2026-11-23 08:00:00",
            "2026-11-23 09:00:00",
        ),
    ];
    for (unit, value, at, due) in cases {
        let got = clock::due_at(&rule(unit, value), bj(at), cal()).unwrap();
        assert_eq!(got, bj(due), "{unit:?} {value:?} from {at}");
    }
}

#[test]
fn a_before_rule_counts_back_from_its_anchor() {
    let mut r = rule(Unit::CalendarDays, Some(3));
    r.direction = Direction::Before;
    assert_eq!(
        clock::due_at(&r, bj("2026-12-10 09:00:00"), cal()).unwrap(),
        bj("2026-12-07 23:59:59")
    );
    let mut r = rule(Unit::WorkingDays, Some(5));
    r.direction = Direction::Before;
    // Five working days before Monday 2026-10-12 skips the National Day week.
    assert_eq!(
        clock::due_at(&r, bj("2026-10-12 09:00:00"), cal()).unwrap(),
        bj("2026-09-29 23:59:59")
    );
}

#[test]
fn a_clock_into_a_provisional_year_runs_and_past_them_is_an_error_not_a_guess() {
    // 2027 has no notice: 12-31, (01-01 元旦), 01-04, 01-05, provisional.
    let due = clock::due_at(
        &rule(Unit::WorkingDays, Some(3)),
        bj("2026-12-30 10:00:00"),
        cal(),
    )
    .unwrap();
    assert_eq!(due, bj("2027-01-05 23:59:59"));
    assert!(cal().is_provisional(clock::date_of(due)));
    let e = clock::due_at(
        &rule(Unit::WorkingDays, Some(3)),
        bj("2100-12-30 10:00:00"),
        cal(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("2101"), "{e}");
}

#[test]
fn a_pause_moves_the_due_time_by_the_working_days_spent_paused() {
    let r = rule(Unit::WorkingDays, Some(7));
    let t = clock::start(&r, bj("2026-11-02 10:00:00"), cal()).unwrap();
    assert_eq!(t.due_at, bj("2026-11-11 23:59:59"));
    let (t, kind) = clock::transition(
        &t,
        &r,
        &ClockCommand::Pause {
            reason: "等待补充材料".into(),
        },
        bj("2026-11-04 09:00:00"),
        cal(),
    )
    .unwrap();
    assert_eq!(
        (t.state, kind),
        (ClockState::Paused, xiezhi_domain::EventKind::ClockPaused)
    );
    // Paused Wednesday → the next Monday: Thu, Fri, Mon = 3 working days.
    let (t, _) = clock::transition(
        &t,
        &r,
        &ClockCommand::Resume,
        bj("2026-11-09 10:00:00"),
        cal(),
    )
    .unwrap();
    assert_eq!(t.state, ClockState::Running);
    assert_eq!(t.due_at, bj("2026-11-16 23:59:59"));
    assert_eq!(t.pauses.len(), 1);
    assert!(t.pauses[0].to.is_some());
}

#[test]
fn only_pausable_rules_pause_and_every_pause_needs_a_reason() {
    let mut r = rule(Unit::WorkingDays, Some(3));
    let t = clock::start(&r, bj("2026-11-02 10:00:00"), cal()).unwrap();
    let now = bj("2026-11-03 10:00:00");
    assert_eq!(
        clock::transition(
            &t,
            &r,
            &ClockCommand::Pause { reason: " ".into() },
            now,
            cal()
        )
        .unwrap_err(),
        ClockRefusal::ReasonRequired
    );
    r.pausable = false;
    assert_eq!(
        clock::transition(
            &t,
            &r,
            &ClockCommand::Pause { reason: "x".into() },
            now,
            cal()
        )
        .unwrap_err(),
        ClockRefusal::NotPausable
    );
}

#[test]
fn an_extension_needs_a_reason_an_approver_and_a_later_due_time() {
    let r = rule(Unit::WorkingDays, Some(3));
    let t = clock::start(&r, bj("2026-11-02 10:00:00"), cal()).unwrap();
    let now = bj("2026-11-04 10:00:00");
    let ext = |reason: &str, due: &str| ClockCommand::Extend {
        reason: reason.into(),
        approver: "局长".into(),
        new_due: bj(due),
    };
    assert_eq!(
        clock::transition(&t, &r, &ext("", "2026-11-10 23:59:59"), now, cal()).unwrap_err(),
        ClockRefusal::ReasonRequired
    );
    assert_eq!(
        clock::transition(&t, &r, &ext("案情复杂", "2026-11-04 23:59:59"), now, cal()).unwrap_err(),
        ClockRefusal::NotLater
    );
    let (t, kind) =
        clock::transition(&t, &r, &ext("案情复杂", "2026-11-10 23:59:59"), now, cal()).unwrap();
    assert_eq!(kind, xiezhi_domain::EventKind::ClockExtended);
    assert_eq!(t.due_at, bj("2026-11-10 23:59:59"));
    assert_eq!(t.extensions[0].old_due, bj("2026-11-05 23:59:59"));
}

#[test]
fn the_warning_comes_on_the_last_working_day_and_the_breach_after_the_due_time() {
    let r = rule(Unit::WorkingDays, Some(3));
    let t = clock::start(&r, bj("2026-11-05 10:00:00"), cal()).unwrap();
    assert_eq!(t.due_at, bj("2026-11-10 23:59:59"));
    assert_eq!(
        clock::warn_at(&r, t.due_at, cal()).unwrap(),
        Some(bj("2026-11-10 00:00:00"))
    );
    assert_eq!(
        clock::transition(
            &t,
            &r,
            &ClockCommand::Warn,
            bj("2026-11-09 18:00:00"),
            cal()
        )
        .unwrap_err(),
        ClockRefusal::NotYet
    );
    let (w, _) = clock::transition(
        &t,
        &r,
        &ClockCommand::Warn,
        bj("2026-11-10 08:00:00"),
        cal(),
    )
    .unwrap();
    assert!(w.warned_at.is_some());
    assert!(
        clock::transition(
            &w,
            &r,
            &ClockCommand::Warn,
            bj("2026-11-10 09:00:00"),
            cal()
        )
        .is_err(),
        "warned once"
    );
    assert_eq!(
        clock::transition(
            &w,
            &r,
            &ClockCommand::Breach,
            bj("2026-11-10 23:00:00"),
            cal()
        )
        .unwrap_err(),
        ClockRefusal::NotYet
    );
    let (b, kind) = clock::transition(
        &w,
        &r,
        &ClockCommand::Breach,
        bj("2026-11-11 00:00:05"),
        cal(),
    )
    .unwrap();
    assert_eq!(
        (b.state, kind),
        (
            ClockState::Breached,
            xiezhi_domain::EventKind::ClockBreached
        )
    );
    // A breached clock can still be satisfied (late) but not extended.
    assert!(
        clock::transition(
            &b,
            &r,
            &ClockCommand::Extend {
                reason: "x".into(),
                approver: "y".into(),
                new_due: bj("2026-12-01 00:00:00")
            },
            bj("2026-11-11 09:00:00"),
            cal()
        )
        .is_err()
    );
    let (s, _) = clock::transition(
        &b,
        &r,
        &ClockCommand::Satisfy,
        bj("2026-11-12 09:00:00"),
        cal(),
    )
    .unwrap();
    assert_eq!(s.state, ClockState::Satisfied);
    assert!(s.breached_at.is_some());
    assert!(
        clock::transition(
            &s,
            &r,
            &ClockCommand::Satisfy,
            bj("2026-11-12 10:00:00"),
            cal()
        )
        .is_err()
    );
    assert!(
        clock::transition(
            &s,
            &r,
            &ClockCommand::Cancel { reason: "x".into() },
            bj("2026-11-12 10:00:00"),
            cal()
        )
        .is_err()
    );
}

#[test]
fn the_time_left_reads_in_working_days_or_hours_with_a_colour() {
    let r = rule(Unit::WorkingDays, Some(3));
    let t = clock::start(&r, bj("2026-11-05 10:00:00"), cal()).unwrap();
    let left = clock::remaining(&t, &r, bj("2026-11-06 09:00:00"), cal());
    assert_eq!(
        (left.urgency, left.text.as_str()),
        (Urgency::Normal, "剩余2个工作日")
    );
    let left = clock::remaining(&t, &r, bj("2026-11-10 20:00:00"), cal());
    assert_eq!(
        (left.urgency, left.text.as_str()),
        (Urgency::DueSoon, "剩余4小时")
    );
    let left = clock::remaining(&t, &r, bj("2026-11-12 09:00:00"), cal());
    assert_eq!(
        (left.urgency, left.text.as_str()),
        (Urgency::Overdue, "已超时2个工作日")
    );
}

#[test]
fn an_assigned_due_time_is_taken_as_given_and_must_lie_ahead() {
    let r = rule(Unit::Assigned, None);
    let at = bj("2026-09-30 10:00:00");
    // Across the National Day holiday: the issuer's time stands, no working-day counting.
    let due = bj("2026-10-03 18:00:00");
    let t = clock::start_assigned(&r, at, due).unwrap();
    assert_eq!(
        (t.started_at, t.due_at, t.state),
        (at, due, ClockState::Running)
    );
    assert_eq!(
        clock::start_assigned(&r, at, at),
        Err(ClockRefusal::DueInPast)
    );
    assert_eq!(
        clock::start_assigned(&rule(Unit::Hours, Some(2)), at, due),
        Err(ClockRefusal::NotAssigned)
    );
    // A pause moves it by the time paused.
    let (p, _) = clock::transition(
        &t,
        &r,
        &ClockCommand::Pause {
            reason: "等待材料".into(),
        },
        bj("2026-10-01 10:00:00"),
        cal(),
    )
    .unwrap();
    let (resumed, _) = clock::transition(
        &p,
        &r,
        &ClockCommand::Resume,
        bj("2026-10-01 12:00:00"),
        cal(),
    )
    .unwrap();
    assert_eq!(resumed.due_at, bj("2026-10-03 20:00:00"));
}
