//! Assessment (考核评价): every indicator against values computed by hand on a small fixture.

use crate::helpers::*;
use chrono::{DateTime, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;
use xiezhi_domain::clock::ClockCommand;
use xiezhi_domain::lead::Satisfaction;
use xiezhi_store::RecordContext;
use xiezhi_store::clocks::{self, ClockEnv, ClockStart};
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

fn utc(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

engine_test!(
    every_indicator_matches_the_hand_computed_values_and_small_samples_are_not_ranked,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let store = app.db.store.clone();
        let cal = app.state.calendar();
        let env = ClockEnv {
            rules: &app.state.rules,
            calendar: &cal,
        };
        let scjg = app.org_id("YX-SCJG").await;
        let at = |t| RecordContext::system("fixture", t);
        let start = async |rule: &str, subject: i64, t: DateTime<Utc>| {
            let mut w = store.begin_write(at(t)).await.unwrap();
            let c = clocks::start(
                &mut w,
                env,
                ClockStart {
                    subject_type: "lead".into(),
                    subject_id: subject.to_string(),
                    rule_id: rule.into(),
                    holder_org_id: scjg,
                    holder_person_id: None,
                    at: t,
                },
            )
            .await
            .unwrap();
            w.commit().await.unwrap();
            c.id
        };
        let apply = async |id: i64, cmd: ClockCommand, t: DateTime<Utc>| {
            let mut w = store.begin_write(at(t)).await.unwrap();
            clocks::apply(&mut w, env, id, cmd).await.unwrap();
            w.commit().await.unwrap();
        };
        // November 2026. Responses (签收, 2 hours): on time; late after a breach; never done.
        let c1 = start("lead.sign_for", 1, utc(3, 1)).await;
        apply(c1, ClockCommand::Satisfy, utc(3, 2)).await;
        let c2 = start("lead.sign_for", 2, utc(4, 1)).await;
        clocks::run_due(&store, env, "job", utc(4, 4), 100)
            .await
            .unwrap();
        apply(c2, ClockCommand::Satisfy, utc(4, 5)).await;
        let c3 = start("lead.sign_for", 3, utc(5, 1)).await;
        clocks::run_due(&store, env, "job", utc(5, 4), 100)
            .await
            .unwrap();
        // Handling (补齐书面手续, 24 hours): on time; deferred by an approved extension;
        // cancelled; one due in December.
        let h1 = start("transfer.oral_written_followup", 4, utc(10, 1)).await;
        apply(h1, ClockCommand::Satisfy, utc(10, 10)).await;
        let h2 = start("transfer.oral_written_followup", 5, utc(12, 1)).await;
        apply(
            h2,
            ClockCommand::Extend {
                reason: "等待当事人补正材料".into(),
                approver: "scjg.chief".into(),
                new_due: utc(14, 1),
            },
            utc(12, 5),
        )
        .await;
        apply(h2, ClockCommand::Satisfy, utc(13, 1)).await;
        let h3 = start("transfer.oral_written_followup", 6, utc(20, 1)).await;
        apply(
            h3,
            ClockCommand::Cancel {
                reason: "误建".into(),
            },
            utc(20, 5),
        )
        .await;
        let h4 = start("transfer.oral_written_followup", 7, utc(30, 10)).await;
        // By hand: responses are c1 (on time), c2 (late), c3 (open past due) and the two
        // supervision orders' own answer clocks (5 working days, never answered): 1 of 5.
        // Handling: h1 on time, h2 deferred (out), h3 cancelled (out), h4 due in December: 1 of 1.
        // Extensions: h2 of c1, c2, c3, h1, h2 and the two order clocks: 1 of 7.
        // Overdue: c2 and c3. Orders: 2.
        let leader = app.sign_in("leader").await;
        let q = "from=2026-11-01&to=2026-11-30&min=5";
        let r = leader.get(&format!("/api/v1/assessment?{q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let all: Vec<_> = r.body["ranked"]
            .as_array()
            .unwrap()
            .iter()
            .chain(r.body["small"].as_array().unwrap())
            .cloned()
            .collect();
        let m = all.iter().find(|o| o["org_id"] == scjg).unwrap().clone();
        let fig = |k: &str| {
            (
                m[k]["numerator"].as_u64().unwrap(),
                m[k]["denominator"].as_u64().unwrap(),
                m[k]["excluded"].as_u64().unwrap(),
            )
        };
        assert_eq!(fig("response"), (1, 5, 0), "{m}");
        assert_eq!(fig("handling"), (1, 1, 1), "{m}");
        assert_eq!(fig("extension"), (1, 7, 0), "{m}");
        assert_eq!(m["response"]["percent"], 20.0);
        assert_eq!(m["overdue"], 2);
        assert_eq!(m["orders"], 2);
        // Ranked by handling with a minimum of 5 items: one item is a small sample.
        assert!(
            r.body["small"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["org_id"] == scjg)
        );
        let r = leader
            .get(&format!("/api/v1/assessment?{q}&by=response"))
            .await;
        assert_eq!(
            r.body["ranked"][0]["org_id"], scjg,
            "ranked by response: 5 items"
        );
        assert_eq!(r.body["ranked"][0]["rank"], 1);
        // The drill-down names the clocks behind each figure.
        let d = leader
            .get(&format!("/api/v1/assessment/orgs/{scjg}?{q}"))
            .await;
        assert_eq!(d.body["response"]["hits"], json!([c1]), "{}", d.body);
        let items: Vec<i64> = d.body["response"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert!(items.contains(&c2) && items.contains(&c3) && !items.contains(&h4));
        assert_eq!(d.body["handling"]["items"], json!([h1]));
        assert_eq!(d.body["overdue_items"], json!([c2, c3]));
        // CSV and XLSX.
        let csv = leader
            .client
            .get(format!("{}/api/v1/assessment?{q}&format=csv", app.base))
            .send()
            .await
            .unwrap();
        assert!(
            csv.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let text = csv.text().await.unwrap();
        assert!(
            text.contains("按期处置率") && text.contains("云溪县市场监督管理局,样本不足")
                || text.contains("样本不足,云溪县市场监督管理局"),
            "{text}"
        );
        let xlsx = leader
            .client
            .get(format!("{}/api/v1/assessment?{q}&format=xlsx", app.base))
            .send()
            .await
            .unwrap();
        assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
        // Leads this month: three received, two answered; ratings: satisfied and not fixed.
        let officer = app.sign_in("scjg.1").await;
        let mut leads = vec![];
        for i in 0..3 {
            let r = officer
                .call(Method::POST, "/api/v1/leads", Some(json!({"channel": "department", "text": format!("考核线索{i}"), "address": format!("考核路{i}号"), "division_code": "339901002"})))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            leads.push(r.body["id"].as_i64().unwrap());
        }
        for (l, rating) in [
            (leads[0], Satisfaction::Satisfied),
            (leads[1], Satisfaction::NotFixed),
        ] {
            let r = officer
                .call(Method::POST, &format!("/api/v1/leads/{l}/sign"), None)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let r = officer
                .call(
                    Method::POST,
                    &format!("/api/v1/leads/{l}/no-violation"),
                    Some(json!({"reply": "经核查不构成违法"})),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let mut w = store
                .begin_write(RecordContext::system("t", xiezhi_store::testing::now()))
                .await
                .unwrap();
            xiezhi_store::transfers::feedback(&mut w, env, l, rating)
                .await
                .unwrap();
            w.commit().await.unwrap();
        }
        let r = leader.get("/api/v1/assessment?min=1").await;
        let all: Vec<_> = r.body["ranked"]
            .as_array()
            .unwrap()
            .iter()
            .chain(r.body["small"].as_array().unwrap())
            .cloned()
            .collect();
        let m = all.iter().find(|o| o["org_id"] == scjg).unwrap().clone();
        let fig = |k: &str| {
            (
                m[k]["numerator"].as_u64().unwrap(),
                m[k]["denominator"].as_u64().unwrap(),
            )
        };
        assert_eq!(fig("lead_closure"), (2, 3), "{m}");
        assert_eq!(fig("satisfaction"), (1, 2), "{m}");
        assert_eq!(fig("rework"), (1, 2), "reopened as not fixed: {m}");
        // The list behind the dashboard's per-org bar: the org's open leads.
        let open = officer
            .get(&format!("/api/v1/leads?org={scjg}&open=true"))
            .await;
        assert_eq!(
            open.body["total"], 2,
            "one never answered, one reopened as not fixed: {}",
            open.body
        );
        let gov = app.org_id("YX-GOV").await;
        assert_eq!(
            officer
                .get(&format!("/api/v1/leads?org={gov}"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // A township rates the market department's answer to its assistance request.
        let asst = crate::authz_walk::cd_assistance(&app).await;
        let mut w = store
            .begin_write(RecordContext::system("t", xiezhi_store::testing::now()))
            .await
            .unwrap();
        xiezhi_store::assistance::act(
            &mut w,
            env,
            asst,
            xiezhi_domain::assistance::AssistanceCommand::Answer,
            "检测报告已出具",
            scjg,
            None,
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let rating = format!("/api/v1/assistance/{asst}/rating");
        let rate =
            |v: &'static str| leader.call(Method::POST, &rating, Some(json!({"satisfaction": v})));
        assert_eq!(
            rate("not_fixed").await.body["details"]["field"],
            "satisfaction"
        );
        let r = rate("basic").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["rating_label"], "基本满意");
        assert_eq!(rate("satisfied").await.status, StatusCode::CONFLICT, "once");
        let r = leader.get(&format!("/api/v1/assessment/orgs/{scjg}")).await;
        assert_eq!(
            r.body["assistance_satisfaction"]["hits"],
            json!([asst]),
            "{}",
            r.body
        );
        // The ranking counts in SQL; the drill-down applies the domain's definitions to the
        // items: for every org and period they agree.
        for q in ["from=2026-11-01&to=2026-11-30&min=1", "min=1"] {
            let r = leader.get(&format!("/api/v1/assessment?{q}")).await;
            for o in r.body["ranked"]
                .as_array()
                .unwrap()
                .iter()
                .chain(r.body["small"].as_array().unwrap())
            {
                let d = leader
                    .get(&format!("/api/v1/assessment/orgs/{}?{q}", o["org_id"]))
                    .await;
                for k in [
                    "response",
                    "handling",
                    "extension",
                    "case_closure",
                    "lead_closure",
                    "satisfaction",
                    "assistance_satisfaction",
                    "rework",
                ] {
                    for part in ["numerator", "denominator", "excluded"] {
                        assert_eq!(
                            o[k][part], d.body[k][part],
                            "{k} of {}: {o} {}",
                            o["org_name"], d.body
                        );
                    }
                }
                assert_eq!(o["overdue"], d.body["overdue"]);
                assert_eq!(o["orders"], d.body["orders"]);
            }
        }
        // Bad input, and who may see it.
        assert_eq!(
            leader.get("/api/v1/assessment?from=2026-13-01").await.body["details"]["field"],
            "from"
        );
        // A far-future day is refused, not overflowed into a 500.
        let r = leader
            .get("/api/v1/assessment?from=2026-12-01&to=%2B262142-12-01")
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.body["details"]["field"], "to");
        assert_eq!(
            leader
                .get("/api/v1/assessment?from=2026-11-30&to=2026-11-01")
                .await
                .body["details"]["field"],
            "to"
        );
        assert_eq!(
            leader.get("/api/v1/assessment?by=speed").await.body["details"]["field"],
            "by"
        );
        assert_eq!(
            officer.get("/api/v1/assessment").await.status,
            StatusCode::FORBIDDEN
        );
    }
);
