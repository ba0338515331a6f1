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
        assert!(matches!(e, StoreError::Conflict(_)));
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
    a_new_years_notice_is_loaded_checked_and_only_moves_clocks_when_recomputed,
    async |db: TestDb| {
        let s = &db.store;
        demo(s).await;
        let rules = Rules::builtin().unwrap();
        let scjg = org(s, "YX-SCJG").await;
        {
            let cal = s.calendar().await.unwrap();
            let env = ClockEnv {
                rules: &rules,
                calendar: &cal,
            };
            let e = start(s, env, transfer(scjg, "transfer.send", "2026-12-30 10:00"))
                .await
                .unwrap_err();
            assert!(e.to_string().contains("2027"), "{e}");
        }
        let load = async |text: &str| {
            let mut w = s
                .begin_write(RecordContext::system("t", bj("2026-12-01 09:00")))
                .await
                .unwrap();
            let r = clocks::load_calendar_year(&mut w, text).await;
            if r.is_ok() {
                w.commit().await.unwrap();
            }
            r
        };
        let twice = Y2027.replace("2027-02-07,rest", "2027-02-06,rest");
        let e = load(&twice).await.unwrap_err();
        assert!(e.to_string().contains("第 3 行"), "{e}");
        let half: String = Y2027
            .lines()
            .filter(|l| !l.contains("春节"))
            .map(|l| format!("{l}\n"))
            .collect();
        let e = load(&half).await.unwrap_err();
        assert!(e.to_string().contains("春节"), "{e}");
        assert!(
            load(&Y2027.replace("2027", "2026")).await.is_err(),
            "shipped years stay"
        );
        assert!(
            load(&Y2027.replace("2027", "2028")).await.is_err(),
            "no skipped year"
        );
        assert_eq!(load(Y2027).await.unwrap(), 2027);
        let cal = s.calendar().await.unwrap();
        let env = ClockEnv {
            rules: &rules,
            calendar: &cal,
        };
        let c = start(s, env, transfer(scjg, "transfer.send", "2026-12-30 10:00"))
            .await
            .unwrap();
        // 12-31, 01-04, 01-05.
        assert_eq!(
            c.due_at,
            bj("2027-01-05 23:59") + chrono::Duration::seconds(59)
        );
        // A corrected notice makes 01-04 a rest day: running clocks keep their due time…
        let corrected = Y2027.replace(
            "2027-01-01,rest,元旦\n",
            "2027-01-01,rest,元旦\n2027-01-04,rest,元旦\n",
        );
        load(&corrected).await.unwrap();
        assert_eq!(s.clock(c.id).await.unwrap().due_at, c.due_at);
        // …until the administrator asks to recompute them.
        let cal = s.calendar().await.unwrap();
        let env = ClockEnv {
            rules: &rules,
            calendar: &cal,
        };
        let mut w = s
            .begin_write(RecordContext::system("t", bj("2026-12-31 09:00")))
            .await
            .unwrap();
        assert_eq!(clocks::recompute(&mut w, env).await.unwrap(), 1);
        w.commit().await.unwrap();
        assert_eq!(
            s.clock(c.id).await.unwrap().due_at,
            bj("2027-01-06 23:59") + chrono::Duration::seconds(59)
        );
        s.verify_chain().await.unwrap();
    }
);
