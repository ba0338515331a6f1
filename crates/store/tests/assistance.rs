//! Assistance requests on both engines with fixed times: the written-answer clock paused while
//! supplementary material is awaited and extended, landing on the right working day across the
//! 2026 Mid-Autumn and National Day holidays (and the adjusted working Saturday 10 October).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDateTime, Utc};
use xiezhi_domain::assistance::{AssistanceCommand as C, AssistanceKind};
use xiezhi_domain::rules::Rules;
use xiezhi_store::assistance::{self, Extension, NewRequest};
use xiezhi_store::clocks::ClockEnv;
use xiezhi_store::testing::TestDb;
use xiezhi_store::{RecordContext, Store, engine_test};

fn bj(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_local_timezone(chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

async fn org(s: &Store, code: &str) -> i64 {
    s.org_by_code(code).await.unwrap().unwrap().id
}

async fn due(s: &Store, id: i64) -> String {
    let c = s.clocks_of("assistance_request", id).await.unwrap();
    let c = c
        .iter()
        .find(|c| c.rule_id == "assistance_request.written_opinion")
        .unwrap();
    (c.due_at + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

engine_test!(
    a_paused_and_extended_assistance_request_lands_on_the_right_working_day_across_the_holidays,
    async |db: TestDb| {
        let s = &db.store;
        xiezhi_store::demo::load(s, "demo", "t", bj("2026-09-01 08:00"))
            .await
            .unwrap();
        let rules = Rules::builtin().unwrap();
        let cal = s.calendar().await.unwrap();
        let env = ClockEnv {
            rules: &rules,
            calendar: &cal,
        };
        let (cd, scjg) = (org(s, "YX-CD").await, org(s, "YX-SCJG").await);
        let at = |t: &str| RecordContext::system("t", bj(t));
        // Monday 21 September: 7 working days, over Mid-Autumn (25–27 Sep) and National Day
        // (1–7 Oct) → Thursday 8 October.
        let mut w = s.begin_write(at("2026-09-21 10:00")).await.unwrap();
        let r = assistance::send(
            &mut w,
            env,
            NewRequest {
                from_org_id: cd,
                to_org_id: scjg,
                case_id: None,
                kind: AssistanceKind::Appraisal,
                text: "请对查扣的疑似过期食品进行检验".into(),
                urgent: false,
                created_by: None,
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        assert_eq!(due(s, r.id).await, "2026-10-08 23:59");
        // Tuesday 22nd: the receiver asks for supplementary material (within its 2 days).
        let mut w = s.begin_write(at("2026-09-22 10:00")).await.unwrap();
        assistance::act(
            &mut w,
            env,
            r.id,
            C::AskSupplement,
            "请补充抽样记录",
            scjg,
            None,
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        // Asking twice is refused.
        let mut w = s.begin_write(at("2026-09-22 11:00")).await.unwrap();
        assert!(
            assistance::act(&mut w, env, r.id, C::AskSupplement, "再补", scjg, None)
                .await
                .is_err()
        );
        drop(w);
        // Tuesday 29th the material arrives: 4 working days paused (23, 24, 28, 29 Sep), so the
        // deadline moves from 8 Oct by 4 working days: 9 (Fri), 10 (the adjusted working
        // Saturday), 12, 13 → Tuesday 13 October.
        let mut w = s.begin_write(at("2026-09-29 15:00")).await.unwrap();
        assistance::act(&mut w, env, r.id, C::Supplement, "已补充抽样记录", cd, None)
            .await
            .unwrap();
        w.commit().await.unwrap();
        assert_eq!(due(s, r.id).await, "2026-10-13 23:59");
        // An extension to a rest day is refused; to Monday 19 October it holds.
        let day = |d: &str| d.parse::<xiezhi_calendar::Date>().unwrap();
        let mut w = s.begin_write(at("2026-10-09 09:00")).await.unwrap();
        let e = assistance::act(
            &mut w,
            env,
            r.id,
            C::Extend,
            "检验周期较长",
            scjg,
            Some(Extension {
                new_day: day("2026-10-17"),
                approver: "局长".into(),
            }),
        )
        .await;
        assert!(e.is_err(), "Saturday 17 October is a rest day");
        drop(w);
        let mut w = s.begin_write(at("2026-10-09 09:00")).await.unwrap();
        assistance::act(
            &mut w,
            env,
            r.id,
            C::Extend,
            "检验周期较长",
            scjg,
            Some(Extension {
                new_day: day("2026-10-19"),
                approver: "局长".into(),
            }),
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        assert_eq!(due(s, r.id).await, "2026-10-19 23:59");
        // Answered in writing: the clock is satisfied; the requester cannot withdraw any more.
        let mut w = s.begin_write(at("2026-10-16 16:00")).await.unwrap();
        assistance::act(&mut w, env, r.id, C::Answer, "检验报告见附件", scjg, None)
            .await
            .unwrap();
        w.commit().await.unwrap();
        let c = s.clocks_of("assistance_request", r.id).await.unwrap();
        assert_eq!(c[0].state, "satisfied");
        let mut w = s.begin_write(at("2026-10-16 17:00")).await.unwrap();
        assert!(
            assistance::act(&mut w, env, r.id, C::Withdraw, "", cd, None)
                .await
                .is_err()
        );
        drop(w);
        s.verify_chain().await.unwrap();
    }
);
