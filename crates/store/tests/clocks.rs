//! Clocks in the database on both engines: start under the holder's profile, commands, the
//! background pass (warn, breach, supervision order), two runners at once, calendar years.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDateTime, Utc};
use xiezhi_domain::clock::ClockCommand;
use xiezhi_domain::rules::Rules;
use xiezhi_store::clocks::{self, ClockEnv, ClockFilter, ClockStart};
use xiezhi_store::testing::TestDb;
use xiezhi_store::{RecordContext, Store, StoreError, engine_test};

fn bj(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_local_timezone(chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

async fn demo(s: &Store) {
    xiezhi_store::demo::load(s, "demo", "t", bj("2026-11-01 08:00"))
        .await
        .unwrap();
}

async fn org(s: &Store, code: &str) -> i64 {
    s.org_by_code(code).await.unwrap().unwrap().id
}

fn transfer(holder: i64, rule: &str, at: &str) -> ClockStart {
    ClockStart {
        subject_type: "transfer".into(),
        subject_id: "T-1".into(),
        rule_id: rule.into(),
        holder_org_id: holder,
        holder_person_id: None,
        at: bj(at),
    }
}

async fn start(
    s: &Store,
    env: ClockEnv<'_>,
    c: ClockStart,
) -> Result<xiezhi_store::entities::clock::Model, StoreError> {
    let at = c.at;
    let mut w = s.begin_write(RecordContext::system("t", at)).await.unwrap();
    let m = clocks::start(&mut w, env, c).await?;
    w.commit().await.unwrap();
    Ok(m)
}

engine_test!(
    a_clock_is_due_per_the_profile_its_holders_subtree_selected,
    async |db: TestDb| {
        let s = &db.store;
        demo(s).await;
        let rules = Rules::builtin().unwrap();
        let cal = s.calendar().await.unwrap();
        let env = ClockEnv {
            rules: &rules,
            calendar: &cal,
        };
        let (cd, scjg) = (org(s, "YX-CD").await, org(s, "YX-SCJG").await);
        let mut w = s
            .begin_write(RecordContext::system("t", bj("2026-11-01 09:00")))
            .await
            .unwrap();
        clocks::assign_profile(&mut w, &rules, cd, "zhoucun-2018")
            .await
            .unwrap();
        assert!(
            clocks::assign_profile(&mut w, &rules, cd, "nowhere")
                .await
                .is_err()
        );
        w.commit().await.unwrap();
        let a = start(s, env, transfer(cd, "transfer.send", "2026-11-02 10:00"))
            .await
            .unwrap();
        let b = start(s, env, transfer(scjg, "transfer.send", "2026-11-02 10:00"))
            .await
            .unwrap();
        assert_eq!(
            (a.profile_id.as_str(), a.due_at),
            (
                "zhoucun-2018",
                bj("2026-11-04 23:59") + chrono::Duration::seconds(59)
            )
        );
        assert_eq!(
            (b.profile_id.as_str(), b.due_at),
            (
                "default",
                bj("2026-11-05 23:59") + chrono::Duration::seconds(59)
            )
        );
        assert_eq!(
            clocks::rule_of(s.db(), &a).await.unwrap().source.seed,
            "003"
        );
        assert_eq!(
            clocks::rule_of(s.db(), &b).await.unwrap().source.seed,
            "001"
        );
        let e = start(s, env, transfer(cd, "no.such_rule", "2026-11-02 10:00"))
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Invalid { ref field, .. } if field == "rule_id"),
            "{e:?}"
        );
        s.verify_chain().await.unwrap();
    }
);

engine_test!(
    the_job_warns_then_marks_the_breach_and_issues_a_supervision_order,
    async |db: TestDb| {
        let s = &db.store;
        demo(s).await;
        let rules = Rules::builtin().unwrap();
        let cal = s.calendar().await.unwrap();
        let env = ClockEnv {
            rules: &rules,
            calendar: &cal,
        };
        let cd = org(s, "YX-CD").await;
        let c = start(s, env, transfer(cd, "transfer.send", "2026-11-02 10:00"))
            .await
            .unwrap();
        // Due 11-05 end of day; warned from 11-05 00:00.
        let r = clocks::run_due(s, env, "job", bj("2026-11-04 12:00"), 100)
            .await
            .unwrap();
        assert_eq!(r, clocks::JobReport::default());
        let r = clocks::run_due(s, env, "job", bj("2026-11-05 08:00"), 100)
            .await
            .unwrap();
        assert_eq!((r.warned, r.breached), (1, 0));
        let r = clocks::run_due(s, env, "job", bj("2026-11-06 00:01"), 100)
            .await
            .unwrap();
        assert_eq!((r.breached, r.orders), (1, 1));
        assert_eq!(s.clock(c.id).await.unwrap().state, "breached");
        let orders = s.supervision_orders_to(&[cd]).await.unwrap();
        assert_eq!(orders.len(), 1);
        assert_eq!(
            orders[0].from_org_id,
            org(s, "YX-ZFB").await,
            "from the coordination office"
        );
        assert!(orders[0].reason.contains("超过时限"));
        let (order_clocks, _) = s
            .clocks(
                &ClockFilter {
                    holder_orgs: Some(vec![cd]),
                    states: Some(vec!["running".into()]),
                    ..Default::default()
                },
                1,
                10,
            )
            .await
            .unwrap();
        assert_eq!(order_clocks.len(), 1);
        assert_eq!(order_clocks[0].rule_id, "supervision_order.respond");
        let r = clocks::run_due(s, env, "job", bj("2026-11-06 00:02"), 100)
            .await
            .unwrap();
        assert_eq!(r, clocks::JobReport::default(), "nothing fires twice");
        s.verify_chain().await.unwrap();
    }
);

engine_test!(
    two_job_runners_at_once_never_fire_twice,
    async |db: TestDb| {
        let s = &db.store;
        demo(s).await;
        let rules = Rules::builtin().unwrap();
        let cal = s.calendar().await.unwrap();
        let cd = org(s, "YX-CD").await;
        {
            let env = ClockEnv {
                rules: &rules,
                calendar: &cal,
            };
            let mut w = s
                .begin_write(RecordContext::system("t", bj("2026-11-02 10:00")))
                .await
                .unwrap();
            for i in 0..120 {
                let mut c = transfer(cd, "transfer.send", "2026-11-02 10:00");
                c.subject_id = format!("T-{i}");
                clocks::start(&mut w, env, c).await.unwrap();
            }
            w.commit().await.unwrap();
        }
        let now = bj("2026-11-09 09:00");
        let run = |s: Store, rules: Rules, cal: xiezhi_calendar::Calendar| async move {
            let env = ClockEnv {
                rules: &rules,
                calendar: &cal,
            };
            let mut total = clocks::JobReport::default();
            for _ in 0..10 {
                let r = clocks::run_due(&s, env, "job", now, 25).await.unwrap();
                total.breached += r.breached;
                total.orders += r.orders;
            }
            total
        };
        let (a, b) = tokio::join!(
            tokio::spawn(run(s.clone(), rules.clone(), cal.clone())),
            tokio::spawn(run(s.clone(), rules.clone(), cal.clone()))
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.breached + b.breached, 120, "{a:?} {b:?}");
        assert_eq!(a.orders + b.orders, 120);
        assert_eq!(s.supervision_orders_to(&[cd]).await.unwrap().len(), 120);
        assert_eq!(s.count_clocks("breached").await.unwrap(), 120);
        s.verify_chain().await.unwrap();
    }
);

engine_test!(
    commands_pause_resume_extend_and_satisfy_with_events,
    async |db: TestDb| {
        let s = &db.store;
        demo(s).await;
        let rules = Rules::builtin().unwrap();
        let cal = s.calendar().await.unwrap();
        let env = ClockEnv {
            rules: &rules,
            calendar: &cal,
        };
        let scjg = org(s, "YX-SCJG").await;
        let mut c = transfer(
            scjg,
            "assistance_request.written_opinion",
            "2026-11-02 10:00",
        );
        c.subject_type = "assistance_request".into();
        let m = start(s, env, c).await.unwrap();
        let cmd = async |at: &str, cmd: ClockCommand| {
            let mut w = s
                .begin_write(RecordContext::system("t", bj(at)))
                .await
                .unwrap();
            let r = clocks::apply(&mut w, env, m.id, cmd).await;
            if r.is_ok() {
                w.commit().await.unwrap();
            }
            r
        };
        let due0 = m.due_at;
        cmd(
            "2026-11-03 09:00",
            ClockCommand::Pause {
                reason: "等待补充材料".into(),
            },
        )
        .await
        .unwrap();
        let r = cmd("2026-11-05 09:00", ClockCommand::Resume).await.unwrap();
        assert!(r.due_at > due0, "the pause moved the due time");
        let e = cmd(
            "2026-11-05 10:00",
            ClockCommand::Extend {
                reason: "".into(),
                approver: "局长".into(),
                new_due: bj("2026-12-01 00:00"),
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }));
        cmd(
            "2026-11-05 10:00",
            ClockCommand::Extend {
                reason: "需要检测".into(),
                approver: "局长".into(),
                new_due: bj("2026-12-01 00:00"),
            },
        )
        .await
        .unwrap();
        let r = cmd("2026-11-06 10:00", ClockCommand::Satisfy)
            .await
            .unwrap();
        assert_eq!(r.state, "satisfied");
        let e = cmd("2026-11-06 11:00", ClockCommand::Satisfy)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict { .. }));
        let (events, _) = s
            .list_events(
                &xiezhi_store::record::EventFilter {
                    subject_type: Some("clock".into()),
                    subject_id: Some(m.id.to_string()),
                    ..Default::default()
                },
                1,
                20,
            )
            .await
            .unwrap();
        let kinds: Vec<&str> = events.iter().rev().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "clock.started",
                "clock.paused",
                "clock.resumed",
                "clock.extended",
                "clock.satisfied"
            ]
        );
    }
);

const Y2027: &str = "date,kind,name
2027-01-01,rest,元旦
2027-02-06,rest,春节
2027-02-07,rest,春节
2027-02-08,rest,春节
2027-02-09,rest,春节
2027-02-10,rest,春节
2027-02-11,rest,春节
2027-02-12,rest,春节
2027-02-13,work,春节
2027-10-01,rest,国庆节
2027-10-04,rest,国庆节
2027-10-05,rest,国庆节
2027-10-06,rest,国庆节
2027-10-07,rest,国庆节
2027-10-09,work,国庆节
";

engine_test!(
    a_provisional_clock_runs_and_loading_the_notice_recomputes_it_in_the_same_write,
    async |db: TestDb| {
        let s = &db.store;
        demo(s).await;
        let rules = Rules::builtin().unwrap();
        let scjg = org(s, "YX-SCJG").await;
        // Before the notice: 2027 is provisional, and the clock starts all the same:
        // 12-31, (01-01 元旦), 01-04, 01-05.
        let cal = s.calendar().await.unwrap();
        assert!(cal.is_provisional("2027-01-05".parse().unwrap()));
        let env = ClockEnv {
            rules: &rules,
            calendar: &cal,
        };
        let c = start(s, env, transfer(scjg, "transfer.send", "2026-12-30 10:00"))
            .await
            .unwrap();
        assert_eq!(
            c.due_at,
            bj("2027-01-05 23:59") + chrono::Duration::seconds(59)
        );
        let load = async |text: &str, replace: bool, commit: bool| {
            let mut w = s
                .begin_write(RecordContext::system("t", bj("2026-12-01 09:00")))
                .await
                .unwrap();
            let r = clocks::load_calendar_year(&mut w, &rules, text, None, replace).await;
            if r.is_ok() && commit {
                w.commit().await.unwrap();
            }
            r
        };
        // Bad input: refused with the line named, nothing changes.
        let twice = Y2027.replace("2027-02-07,rest", "2027-02-06,rest");
        let e = load(&twice, false, true).await.unwrap_err();
        assert!(e.to_string().contains("第 3 行"), "{e}");
        let half: String = Y2027
            .lines()
            .filter(|l| !l.contains("春节"))
            .map(|l| format!("{l}\n"))
            .collect();
        let e = load(&half, false, true).await.unwrap_err();
        assert!(e.to_string().contains("春节"), "{e}");
        let e = load(
            &xiezhi_store::testing::NOTICE_2027.replace("共4天", "共5天"),
            false,
            true,
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("第 4 行"), "{e}");
        let notice_2026 = include_str!("../../calendar/tests/notices/2026.txt");
        let e = load(notice_2026, false, true).await.unwrap_err();
        assert!(e.to_string().contains("已随程序内置"), "{e}");
        assert!(
            load(&Y2027.replace("2027", "2028"), false, true)
                .await
                .is_err(),
            "no skipped year"
        );
        // A preview (no commit) changes nothing.
        let preview = load(xiezhi_store::testing::NOTICE_2027, false, false)
            .await
            .unwrap();
        assert_eq!(preview.moved.len(), 1);
        assert_eq!(s.clock(c.id).await.unwrap().due_at, c.due_at);
        assert!(s.loaded_years().await.unwrap().is_empty());
        // Loading moves the running clock in the same write and says why.
        let loaded = load(xiezhi_store::testing::NOTICE_2027, false, true)
            .await
            .unwrap();
        assert_eq!(loaded.year, 2027);
        assert_eq!(loaded.source, "notice");
        assert!(
            loaded
                .changes
                .iter()
                .any(|c| c.date.to_string() == "2027-01-09" && c.workday)
        );
        let new_due = bj("2027-01-06 23:59") + chrono::Duration::seconds(59);
        assert_eq!(
            loaded.moved,
            [clocks::MovedClock {
                clock_id: c.id,
                holder_org_id: scjg,
                old_due: c.due_at,
                new_due,
            }]
        );
        assert_eq!(s.clock(c.id).await.unwrap().due_at, new_due);
        let reasons = s.calendar_adjustments(&[c.id]).await.unwrap();
        assert_eq!(
            reasons[&c.id],
            "期限因2027年放假安排调整：原2027年1月5日 23:59，现2027年1月6日 23:59"
        );
        let cal = s.calendar().await.unwrap();
        assert!(!cal.is_provisional("2027-01-05".parse().unwrap()));
        assert!(cal.is_provisional("2028-01-05".parse().unwrap()));
        // Loaded once; again only as a correction, which moves the clock back.
        let e = load(xiezhi_store::testing::NOTICE_2027, false, true)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("已经导入"), "{e}");
        let corrected = load(Y2027, true, true).await.unwrap();
        assert_eq!(corrected.source, "csv");
        assert_eq!(corrected.moved.len(), 1);
        assert_eq!(s.clock(c.id).await.unwrap().due_at, c.due_at);
        s.verify_chain().await.unwrap();
    }
);
