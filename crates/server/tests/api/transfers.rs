//! Verification outcomes, transfers, disputes and designation, the anti-buck-passing rule,
//! oral urgent transfers and the public reply, all through HTTP.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

/// A lead registered by a 城东街道 officer.
async fn cd_lead(app: &TestApp, text: &str) -> (Session, i64) {
    let s = app.sign_in("cd.1").await;
    let r = s
        .call(
            Method::POST,
            "/api/v1/leads",
            Some(json!({"channel": "patrol", "text": text, "reporter_name": "赵先生", "reporter_phone": "13900003333"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (s, r.body["id"].as_i64().unwrap())
}

fn written(to: i64) -> Value {
    json!({"to_org_id": to, "facts": "经核查，某超市销售过期食品，属市场监管部门管辖",
           "materials": [{"kind": "letter", "title": "涉嫌违法案件移送函"},
                         {"kind": "source", "title": "现场检查笔录"}]})
}

/// Draft a written transfer of a 城东街道 lead and have the head approve (send) it.
async fn send_written(app: &TestApp, cd1: &Session, lead: i64, to: i64) -> i64 {
    let r = cd1
        .call(
            Method::POST,
            &format!("/api/v1/leads/{lead}/transfers"),
            Some(written(to)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t = r.body["id"].as_i64().unwrap();
    let r = app
        .sign_in("cd.chief")
        .await
        .call(
            Method::POST,
            &format!("/api/v1/transfers/{t}/approve"),
            None,
        )
        .await;
    assert_eq!(r.body["status"], "sent", "{}", r.body);
    t
}

/// A market-supervision penalty item held by the county department (with a minor-first-offence
/// option and a discretion benchmark), for filing cases.
pub async fn food_item(app: &TestApp) {
    let s = &app.db.store;
    let w = s
        .begin_write(xiezhi_store::RecordContext::system(
            "t",
            xiezhi_store::testing::now(),
        ))
        .await
        .unwrap();
    xiezhi_store::catalog::import_items(s, w, &format!("{}{}", CATALOG_ITEMS.lines().next().unwrap(),
        "\nZJ-SCJG-CF-0001,对经营超过保质期食品的行政处罚,市场监管,penalty,《中华人民共和国食品安全法》,第三十四条,第一百二十四条,YX-SCJG,department,true,轻微/首次且货值小/0-5000/2000|一般/货值较大/5000-50000/20000,2022-01-01\n"))
        .await
        .unwrap();
    let w = s
        .begin_write(xiezhi_store::RecordContext::system(
            "t",
            xiezhi_store::testing::now(),
        ))
        .await
        .unwrap();
    xiezhi_store::catalog::import_assignments(
        s,
        w,
        &format!(
            "{}{}",
            CATALOG_ASSIGNMENTS.lines().next().unwrap(),
            "\nZJ-SCJG-CF-0001,339901,YX-SCJG,retained,YX-SCJG,YX-SCJG,,,,2022-01-01\n"
        ),
    )
    .await
    .unwrap();
}

fn clock_of<'a>(v: &'a Value, rule: &str) -> Option<&'a Value> {
    v["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule_id"] == rule)
}

engine_test!(
    a_transfer_is_approved_sent_accepted_and_reported_back,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        food_item(&app).await;
        let scjg = app.org_id("YX-SCJG").await;
        let cd = app.org_id("YX-CD").await;
        let (cd1, lead) = cd_lead(&app, "某超市销售过期食品").await;
        let r = cd1
            .call(Method::POST, &format!("/api/v1/leads/{lead}/sign"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        // Bad drafts: nothing written.
        let before = app.db.store.transfers_of_lead(lead).await.unwrap().len();
        for (body, field) in [
            (written(cd), "to_org_id"),
            (
                json!({"to_org_id": scjg, "facts": "x", "materials": []}),
                "materials",
            ),
            (
                json!({"to_org_id": scjg, "facts": "x", "materials": [{"kind": "letter", "title": "函"}]}),
                "materials",
            ),
            (
                json!({"to_org_id": scjg, "facts": "x", "historical": true,
                       "materials": [{"kind": "letter", "title": "函"}, {"kind": "source", "title": "笔录"}]}),
                "consultation",
            ),
        ] {
            let r = cd1
                .call(
                    Method::POST,
                    &format!("/api/v1/leads/{lead}/transfers"),
                    Some(body),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.body["details"]["field"], field, "{}", r.body);
        }
        // A deactivated receiver is refused.
        let admin = app.sign_in("sysadmin").await;
        let gov = app.org_id("YX-GOV").await;
        let r = admin
            .call(
                Method::POST,
                "/api/v1/orgs",
                Some(json!({"code": "YX-OLD", "name": "已撤并的机构", "kind": "department", "level": "county", "parent_id": gov, "division_code": "339901"})),
            )
            .await;
        let lyj = r.body["id"].as_i64().unwrap();
        let r = admin
            .call(
                Method::POST,
                &format!("/api/v1/orgs/{lyj}/deactivate"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/transfers"),
                Some(written(lyj)),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body["message"].as_str().unwrap().contains("已停用"),
            "{}",
            r.body
        );
        assert_eq!(
            app.db.store.transfers_of_lead(lead).await.unwrap().len(),
            before
        );
        // A sent transfer withdrawn: the receiver's late answer is refused.
        let first = send_written(&app, &cd1, lead, scjg).await;
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{first}/withdraw"),
                Some(json!({"reason": "材料有误，补正后重新移送"})),
            )
            .await;
        assert_eq!(r.body["status"], "withdrawn", "{}", r.body);
        let r = app
            .sign_in("scjg.1")
            .await
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{first}/accept"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body["message"].as_str().unwrap().contains("撤回"));
        // Draft: the 3-working-day sending clock runs at 城东街道.
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/transfers"),
                Some(written(scjg)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let t = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["status"], "draft");
        let send_clock = clock_of(&r.body, "transfer.send").unwrap();
        assert_eq!(send_clock["holder_org_id"], cd);
        assert!(send_clock["source"].as_str().unwrap().contains("3个工作日"));
        // Only the head approves; an officer cannot.
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/approve"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let chief = app.sign_in("cd.chief").await;
        let r = chief
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/approve"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["status"], "sent");
        assert_eq!(
            clock_of(&r.body, "transfer.send").unwrap()["state"],
            "satisfied"
        );
        let reply = clock_of(&r.body, "transfer.accept_reply").unwrap();
        assert_eq!(
            (reply["holder_org_id"].as_i64(), reply["state"].as_str()),
            (Some(scjg), Some("running"))
        );
        // The receiver sees the lead (reporter unmasked: it is a handling org); others in
        // reach see it masked; the office sees every transfer.
        let m = app.sign_in("scjg.1").await;
        let r = m.get(&format!("/api/v1/leads/{lead}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["reporter_phone"], "13900003333");
        let office = app.sign_in("office").await;
        let r = office.get("/api/v1/transfers?open=true").await;
        assert!(r.body.as_array().unwrap().iter().any(|x| x["id"] == t));
        let r = office.get(&format!("/api/v1/leads/{lead}")).await;
        assert!(r.body["reporter_phone"].as_str().unwrap().contains('*'));
        // Another department cannot answer for the receiver.
        let other = app.sign_in("sthj.1").await;
        let r = other
            .call(Method::POST, &format!("/api/v1/transfers/{t}/accept"), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Accept: the market department now holds the lead; accepting twice is refused.
        let r = m
            .call(Method::POST, &format!("/api/v1/transfers/{t}/accept"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            clock_of(&r.body, "transfer.outcome_report").unwrap()["holder_org_id"],
            scjg
        );
        let r = m
            .call(Method::POST, &format!("/api/v1/transfers/{t}/accept"), None)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = m.get(&format!("/api/v1/leads/{lead}")).await;
        assert_eq!(r.body["holder_org_id"], scjg);
        // The old holder can no longer close it.
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/no-violation"),
                Some(json!({"reply": "无违法"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        // File a case, report back, reply to the reporter.
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/case"),
                Some(json!({"title": "某超市销售过期食品案", "item_code": "ZJ-SCJG-CF-0001", "division_code": "339901001"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert!(r.body["number"].as_str().unwrap().starts_with("AJ"));
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/outcome"),
                Some(json!({"outcome": "已立案调查"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            clock_of(&r.body, "transfer.outcome_report").unwrap()["state"],
            "satisfied"
        );
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/reply"),
                Some(json!({"reply": "已依法查处并责令下架过期食品"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["status"], "finished");
        // The timeline shows every step, in order.
        let r = m.get(&format!("/api/v1/leads/{lead}/detail")).await;
        let kinds: Vec<&str> = r.body["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        for k in [
            "lead.received",
            "lead.signed",
            "transfer.drafted",
            "transfer.approved",
            "transfer.sent",
            "transfer.accepted",
            "lead.holder_changed",
            "case.filed",
            "transfer.outcome_reported",
            "lead.replied",
        ] {
            assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
        }
        app.db.store.verify_chain().await.unwrap();
    }
);

engine_test!(
    a_rejected_transfer_opens_a_dispute_that_the_office_settles_by_designation,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        let scjg = app.org_id("YX-SCJG").await;
        let cd = app.org_id("YX-CD").await;
        let (cd1, lead) = cd_lead(&app, "小区内违规搭建").await;
        let t = send_written(&app, &cd1, lead, scjg).await;
        let m = app.sign_in("scjg.1").await;
        // A rejection needs written reasons.
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/reject"),
                Some(json!({"reason": " "})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/reject"),
                Some(json!({"reason": "违规搭建属住建部门和乡镇职责，不属市场监管"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["status"], "rejected");
        // Replying after the rejection is refused.
        let r = m
            .call(Method::POST, &format!("/api/v1/transfers/{t}/accept"), None)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = cd1.get(&format!("/api/v1/leads/{lead}/detail")).await;
        assert_eq!(r.body["lead"]["status"], "disputed");
        assert_eq!(
            r.body["lead"]["holder_org_id"], cd,
            "first responsibility stays"
        );
        let d = &r.body["disputes"][0];
        assert_eq!(
            (d["status"].as_str(), d["kind"].as_str()),
            (Some("negotiating"), Some("rejected"))
        );
        assert!(d["notice"].as_str().unwrap().contains("不得停止执法活动"));
        let dispute = d["id"].as_i64().unwrap();
        // Negotiation records, then escalation to the office.
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/disputes/{dispute}/notes"),
                Some(json!({"kind": "minutes", "text": "双方协商未达成一致"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/disputes/{dispute}/escalate"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["status"], "escalated");
        let office_id = app.org_id("YX-ZFB").await;
        assert_eq!(
            clock_of(&r.body, "dispute.designate").unwrap()["holder_org_id"],
            office_id
        );
        // Only the office designates; the parties cannot.
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/disputes/{dispute}/designate"),
                Some(json!({"org_id": scjg, "decision": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let office = app.sign_in("office").await;
        let r = office.get("/api/v1/disputes?open=true").await;
        assert!(
            r.body
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == dispute)
        );
        let zjj = app.org_id("YX-ZJJ").await;
        let r = office
            .call(
                Method::POST,
                &format!("/api/v1/disputes/{dispute}/designate"),
                Some(json!({"org_id": zjj, "decision": "违规搭建由县住建局依法查处"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["status"], "designated");
        assert_eq!(r.body["designated_org_id"], zjj);
        let r = office.get(&format!("/api/v1/leads/{lead}/detail")).await;
        assert_eq!(r.body["lead"]["holder_org_id"], zjj);
        assert_eq!(r.body["lead"]["status"], "received");
        let sign = r.body["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .rfind(|c| c["rule_id"] == "lead.sign_for")
            .unwrap();
        assert_eq!(
            (sign["holder_org_id"].as_i64(), sign["state"].as_str()),
            (Some(zjj), Some("running"))
        );
        app.db.store.verify_chain().await.unwrap();
    }
);

engine_test!(
    a_matter_bounced_three_times_goes_to_the_office_by_itself,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        let (cd1, lead) = cd_lead(&app, "河道边堆放建筑垃圾").await;
        for (code, login) in [
            ("YX-SCJG", "scjg.1"),
            ("YX-STHJ", "sthj.1"),
            ("YX-SLJ", "slj.1"),
        ] {
            let to = app.org_id(code).await;
            let t = send_written(&app, &cd1, lead, to).await;
            let r = app
                .sign_in(login)
                .await
                .call(
                    Method::POST,
                    &format!("/api/v1/transfers/{t}/reject"),
                    Some(json!({"reason": "不属本部门职责"})),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let r = cd1.get(&format!("/api/v1/leads/{lead}/detail")).await;
        assert_eq!(r.body["lead"]["bounces"], 3);
        let disputes = r.body["disputes"].as_array().unwrap();
        assert_eq!(disputes.len(), 1, "one dispute carries the whole chain");
        let d = &disputes[0];
        assert_eq!(
            (d["status"].as_str(), d["kind"].as_str()),
            (Some("escalated"), Some("buck_passing"))
        );
        assert_eq!(
            d["notes"].as_array().unwrap().len(),
            2,
            "later bounces are recorded"
        );
        let kinds: Vec<&str> = r.body["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == "transfer.rejected").count(),
            3
        );
        let esc = r.body["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "dispute.escalated")
            .unwrap();
        assert_eq!(esc["payload"]["automatic"], true);
    }
);

engine_test!(
    an_oral_urgent_transfer_breaches_its_24_hour_clock_without_the_written_formalities,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        let yjgl = app.org_id("YX-YJGL").await;
        let (cd1, lead) = cd_lead(&app, "加油站违规储存危险化学品").await;
        // Oral only for urgent matters, and with the record of who was told.
        let oral = json!({"to_org_id": yjgl, "facts": "现场发现违规储存危险化学品", "urgent": true,
                          "oral_told": "县应急管理局值班员", "oral_how": "电话，10:05"});
        let mut not_urgent = oral.clone();
        not_urgent["urgent"] = json!(false);
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/transfers"),
                Some(not_urgent),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "oral");
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/transfers"),
                Some(oral),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(
            (r.body["status"].as_str(), r.body["written"].as_bool()),
            (Some("sent"), Some(false))
        );
        let t = r.body["id"].as_i64().unwrap();
        let follow = clock_of(&r.body, "transfer.oral_written_followup").unwrap();
        assert!(
            follow["source"]
                .as_str()
                .unwrap()
                .contains("24小时内补齐书面移交手续")
        );
        // 25 hours later the job marks it breached and the office gets a supervision order.
        let later = xiezhi_store::testing::now() + chrono::Duration::hours(25);
        app.state.run_clock_job(later).await.unwrap();
        let r = cd1.get(&format!("/api/v1/transfers/{t}")).await;
        assert_eq!(
            clock_of(&r.body, "transfer.oral_written_followup").unwrap()["state"],
            "breached"
        );
        // Completing the formalities late still satisfies it (the breach stays on record).
        let chief = app.sign_in("cd.chief").await;
        let r = chief
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/written"),
                Some(json!({"materials": [{"kind": "letter", "title": "移送函"}, {"kind": "evidence", "title": "现场照片"}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["written"], true);
        let events = app
            .db
            .store
            .lead_timeline(lead)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect::<Vec<_>>();
        assert!(events.iter().any(|k| k == "clock.breached"), "{events:?}");
    }
);

engine_test!(
    a_suspected_crime_goes_to_the_police_with_the_clocks_of_the_state_council_regulation,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        let gaj = app.org_id("YX-GAJ").await;
        let (cd1, lead) = cd_lead(&app, "非法经营烟花爆竹，数量巨大").await;
        // Administrative kind to the police is refused; judicial to a department too.
        let mut body = written(gaj);
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/transfers"),
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "kind");
        body["kind"] = json!("judicial");
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/transfers"),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let t = r.body["id"].as_i64().unwrap();
        assert!(
            clock_of(&r.body, "transfer.judicial_decide").unwrap()["source"]
                .as_str()
                .unwrap()
                .contains("310号")
        );
        let chief = app.sign_in("cd.chief").await;
        let r = chief
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/approve"),
                None,
            )
            .await;
        assert_eq!(r.body["status"], "approved");
        assert_eq!(
            clock_of(&r.body, "transfer.judicial_send").unwrap()["state"],
            "running"
        );
        let r = cd1
            .call(Method::POST, &format!("/api/v1/transfers/{t}/send"), None)
            .await;
        assert_eq!(r.body["status"], "sent", "{}", r.body);
        let police = clock_of(&r.body, "transfer.judicial_police_decide").unwrap();
        assert_eq!(police["holder_org_id"], gaj);
        let p = app.sign_in("gaj.1").await;
        let r = p
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/reject"),
                Some(json!({"reason": "尚未达到立案追诉标准"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            clock_of(&r.body, "transfer.judicial_reconsider").unwrap()["state"],
            "running"
        );
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/refusal"),
                Some(json!({"reconsider": true})),
            )
            .await;
        assert_eq!(r.body["status"], "sent", "{}", r.body);
        let r = p
            .call(Method::POST, &format!("/api/v1/transfers/{t}/accept"), None)
            .await;
        assert_eq!(r.body["status"], "accepted", "{}", r.body);
        assert_eq!(
            clock_of(&r.body, "transfer.outcome_report").unwrap()["holder_org_id"],
            gaj
        );
    }
);

engine_test!(
    the_final_reply_shows_on_the_public_lookup_and_not_fixed_reopens_the_matter,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        app.with_catalog().await;
        // Two complaints about the same matter at the same place: the second is linked.
        let office = app.sign_in("office").await;
        let mut ids = vec![];
        for phone in ["13900004444", "13900005555"] {
            let r = office
                .call(
                    Method::POST,
                    "/api/v1/leads",
                    Some(json!({"channel": "hotline", "reporter_phone": phone, "text": "解放路夜间施工噪音扰民",
                                "division_code": "339901001", "item_code": "ZJ-CSGL-CF-0001"})),
                )
                .await;
            ids.push((
                r.body["id"].as_i64().unwrap(),
                r.body["tracking_number"].as_str().unwrap().to_owned(),
            ));
        }
        let (first, t1) = ids[0].clone();
        let (_, t2) = ids[1].clone();
        let r = office
            .call(
                Method::POST,
                &format!("/api/v1/leads/{first}/no-violation"),
                Some(json!({"reply": "经现场核查，施工单位持有夜间施工许可，未发现违法行为"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // Both reporters see the reply; the page shows no internal details.
        for (t, phone) in [(&t1, "13900004444"), (&t2, "13900005555")] {
            let (status, html) = app
                .public_form("/complaint/lookup", &[("tracking", t), ("phone", phone)])
                .await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("未发现违法行为"), "{html}");
            assert!(!html.contains("YX-ZFB"));
        }
        // The first reporter answers "not fixed": the matter reopens with its holder.
        let (status, html) = app
            .public_form(
                "/complaint/rate",
                &[
                    ("tracking", &t1),
                    ("phone", "13900004444"),
                    ("rating", "not_fixed"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let r = office.get(&format!("/api/v1/leads/{first}/detail")).await;
        assert_eq!(r.body["lead"]["status"], "received");
        assert_eq!(r.body["lead"]["reopened"], 1);
        let kinds: Vec<&str> = r.body["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert!(kinds.contains(&"lead.reopened"));
        // Rating an open matter is refused.
        let (status, _) = app
            .public_form(
                "/complaint/rate",
                &[
                    ("tracking", &t1),
                    ("phone", "13900004444"),
                    ("rating", "satisfied"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
);

engine_test!(
    on_30_december_a_transfer_gets_a_provisional_due_date_is_accepted_and_the_notice_moves_it,
    async |db: TestDb| {
        // The server's clock: Wednesday 2026-12-30 10:00 Beijing; no 2027 notice loaded.
        let now: chrono::DateTime<chrono::Utc> = "2026-12-30T02:00:00Z".parse().unwrap();
        let time = xiezhi_store::time::TimeSource::pinned(now);
        let app = spawn_app_with(db, |s| s.with_time(time.clone())).await;
        let scjg = app.org_id("YX-SCJG").await;
        let (cd1, first) = cd_lead(&app, "某超市销售过期食品（一）").await;
        let (_, second) = cd_lead(&app, "某超市销售过期食品（二）").await;
        let t1 = send_written(&app, &cd1, first, scjg).await;
        let t2 = send_written(&app, &cd1, second, scjg).await;
        let m = app.sign_in("scjg.1").await;
        let r = m.get(&format!("/api/v1/transfers/{t2}")).await;
        let reply = clock_of(&r.body, "transfer.accept_reply").unwrap().clone();
        assert_eq!(reply["provisional"], true, "{reply}");
        assert_eq!(
            reply["provisional_note"],
            "按法定节假日推算，待国务院办公厅通知发布后重算"
        );
        assert!(
            reply["due_at"].as_str().unwrap().starts_with("2027-01-"),
            "{reply}"
        );
        // The holder sees it flagged on the inbox and on the clock page.
        let (_, inbox) = m.page("/inbox").await;
        assert!(inbox.contains("推算") && inbox.contains("待国务院办公厅通知发布后重算"));
        let (_, page) = m.page(&format!("/clocks/{}", reply["id"])).await;
        assert!(page.contains("按法定节假日推算"), "{page}");
        // Accepting works: the 30-working-day outcome clock starts over 2027.
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t1}/accept"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let outcome = clock_of(&r.body, "transfer.outcome_report")
            .unwrap()
            .clone();
        assert_eq!(outcome["provisional"], true, "{outcome}");
        // The notice is loaded as published: read back for confirmation first…
        let admin = app.sign_in("sysadmin").await;
        let r = admin
            .send_text(
                Method::POST,
                "/api/v1/calendar/years?preview=true",
                xiezhi_store::testing::NOTICE_2027,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["loaded"], false);
        assert_eq!(r.body["work_days"][0]["label"], "2027年1月9日（星期六）");
        let moving = r.body["moved"].as_array().unwrap().len();
        assert!(moving >= 2, "{}", r.body);
        // …then loaded: the running clocks move in the same write.
        let r = admin
            .send_text(
                Method::POST,
                "/api/v1/calendar/years",
                xiezhi_store::testing::NOTICE_2027,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["moved"].as_array().unwrap().len(), moving);
        let r = m.get(&format!("/api/v1/transfers/{t2}")).await;
        let moved = clock_of(&r.body, "transfer.accept_reply").unwrap().clone();
        assert_eq!(moved["provisional"], false);
        assert_ne!(moved["due_at"], reply["due_at"]);
        let why = moved["adjustment"].as_str().unwrap();
        assert!(
            why.starts_with("期限因2027年放假安排调整：原2027年1月"),
            "{why}"
        );
        let (_, inbox) = m.page("/inbox").await;
        assert!(inbox.contains("期限因2027年放假安排调整"), "{inbox}");
        // And it can be accepted, the next morning.
        time.set(now + chrono::Duration::days(1));
        let m = app.sign_in("scjg.1").await;
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t2}/accept"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // Loading the same year again is refused; nothing changes.
        let r = app
            .sign_in("sysadmin")
            .await
            .send_text(
                Method::POST,
                "/api/v1/calendar/years",
                xiezhi_store::testing::NOTICE_2027,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    }
);

/// The options of a `<select name=…>` in a page: the names offered.
fn options(html: &str, select: &str) -> Vec<String> {
    let start = html
        .find(&format!("<select name=\"{select}\""))
        .unwrap_or_else(|| panic!("no select {select}"));
    let end = start + html[start..].find("</select>").unwrap();
    html[start..end]
        .split("<option")
        .skip(1)
        .filter_map(|o| {
            let text = o.split_once('>')?.1;
            Some(text.split('<').next()?.trim().to_owned())
        })
        .collect()
}

engine_test!(
    a_township_is_offered_the_county_bodies_and_the_office_head_approves_the_offices_transfers,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        // A township's lead: the transfer and dispute lists offer the county's departments.
        let (cd1, lead) = cd_lead(&app, "某超市销售过期食品").await;
        let (_, page) = cd1.page(&format!("/leads/{lead}")).await;
        let offered = options(&page, "to_org_id");
        assert!(
            offered
                .iter()
                .any(|o| o.starts_with("云溪县市场监督管理局")),
            "{offered:?}"
        );
        assert!(
            offered.iter().any(|o| o == "云溪县综合行政执法局"),
            "{offered:?}"
        );
        assert!(
            !offered.iter().any(|o| o.starts_with("城东街道")),
            "not itself: {offered:?}"
        );
        // The assistance request form too (乡镇吹哨、部门报到).
        let (_, page) = cd1.page("/assistance").await;
        let asked = options(&page, "to_org_id");
        assert!(
            asked.iter().any(|o| o == "云溪县市场监督管理局"),
            "{asked:?}"
        );
        // By clicking: the township's officer drafts, its head approves, the department accepts.
        let scjg = app.org_id("YX-SCJG").await;
        let (status, _) = cd1
            .form(
                &format!("/leads/{lead}/transfers"),
                &[
                    ("to_org_id", &scjg.to_string()),
                    ("kind", "administrative"),
                    ("facts", "经核查，某超市销售过期食品，属市场监管部门管辖"),
                    ("letter_title", "涉嫌违法案件移送函"),
                    ("source_title", "现场检查笔录"),
                ],
            )
            .await;
        assert!(status.is_success() || status.is_redirection(), "{status}");
        // A lead the office received (a public complaint) and transfers: its head approves.
        let office = app.sign_in("office").await;
        let r = office
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(json!({"channel": "hotline", "text": "12345：某餐馆油烟扰民", "reporter_name": "钱女士", "reporter_phone": "13900004444"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let lead = r.body["id"].as_i64().unwrap();
        let r = office
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/transfers"),
                Some(written(scjg)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let t = r.body["id"].as_i64().unwrap();
        let chief = app.sign_in("office.chief").await;
        // It waits on the head's own to-do list, named by the complaint; not on the clerk's.
        let approve = "审批移送｜L";
        let waiting = |list: Vec<String>| {
            list.into_iter().any(|l| {
                l.starts_with(approve)
                    && l.contains("某餐馆油烟扰民")
                    && l.ends_with(&format!("#transfer-{t}"))
            })
        };
        assert!(waiting(chief.todo().await), "{:?}", chief.todo().await);
        assert!(!waiting(office.todo().await));
        let (_, page) = chief.page(&format!("/leads/{lead}")).await;
        assert!(
            page.contains(&format!("/transfers/{t}/approve")),
            "no approve button"
        );
        let (status, _) = chief.form(&format!("/transfers/{t}/approve"), &[]).await;
        assert!(status.is_success() || status.is_redirection(), "{status}");
        let r = chief.get(&format!("/api/v1/transfers/{t}")).await;
        assert_eq!(r.body["status"], "sent", "{}", r.body);
        assert!(!waiting(chief.todo().await));
        // The transfer's own address (its clocks link there) opens its lead's page.
        let r = chief
            .client
            .get(format!("{}/transfers/{t}", chief.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["location"],
            format!("/leads/{lead}#transfer-{t}").as_str()
        );
        // A coordinator cannot approve the office's own transfer.
        let (_, page) = office.page(&format!("/leads/{lead}")).await;
        assert!(!page.contains(&format!("/transfers/{t}/approve")));
    }
);

engine_test!(
    a_refused_form_goes_back_to_its_page_with_what_was_typed_and_the_message_by_the_field,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let (cd1, lead) = cd_lead(&app, "某超市销售过期食品").await;
        let page = format!("{}/leads/{lead}", cd1.base);
        let facts = "经核查，某超市销售过期食品<script>，属市场监管部门管辖";
        let r = cd1
            .client
            .post(format!("{}/leads/{lead}/transfers", cd1.base))
            .header(reqwest::header::REFERER, &page)
            .form(&[
                ("csrf", cd1.csrf.as_str()),
                ("to_org_id", ""),
                ("kind", "administrative"),
                ("facts", facts),
            ])
            .send()
            .await
            .unwrap();
        // Back to the lead page (menu and all), not to an error page.
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], format!("/leads/{lead}").as_str());
        let (_, html) = cd1.page(&format!("/leads/{lead}")).await;
        assert!(html.contains("<nav class=\"main\">"), "menu kept");
        assert!(html.contains("未能保存：请选择受移送机构"), "{html}");
        // The typed facts go back to the form (escaped in the banner's data-kept, read by
        // the page's script), marked for to_org_id.
        assert!(
            !html.contains("某超市销售过期食品<script>"),
            "kept values, escaped"
        );
        let kept: serde_json::Value = serde_json::from_str(&kept_form(&html)).unwrap();
        assert_eq!(kept["field"], "to_org_id");
        assert!(
            kept["values"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v[0] == "facts" && v[1] == facts),
            "{kept}"
        );
        // Shown once: the next visit is clean.
        let (_, again) = cd1.page(&format!("/leads/{lead}")).await;
        assert!(!again.contains("未能保存"));
        // A parser's message reads in Chinese.
        let r = cd1
            .client
            .post(format!("{}/leads/{lead}/case", cd1.base))
            .header(reqwest::header::REFERER, &page)
            .form(&[("csrf", cd1.csrf.as_str()), ("item_id", "abc")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = cd1.page(&format!("/leads/{lead}")).await;
        assert!(
            !html.contains("Cannot parse") && !html.contains("Invalid"),
            "{html}"
        );
    }
);

engine_test!(
    a_complaint_passed_to_a_township_reads_the_townships_answer_on_the_reporters_own_number,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let cd = app.org_id("YX-CD").await;
        let office = app.sign_in("office").await;
        let phone = "13900007777";
        let r = office
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(json!({"channel": "hotline", "reporter_phone": phone, "text": "城东夜市烧烤摊占道经营，油烟扰民"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let (origin, tracking) = (
            r.body["id"].as_i64().unwrap(),
            r.body["tracking_number"].as_str().unwrap().to_owned(),
        );
        let r = office
            .call(
                Method::POST,
                &format!("/api/v1/leads/{origin}/refer"),
                Some(json!({"township_id": cd, "notice": "该事项属城东街道综合执法事项，已通知城东街道办理"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let township_lead = r.body["id"].as_i64().unwrap();
        // The township signs for it and, by clicking, orders the stall to put it right.
        let cd1 = app.sign_in("cd.1").await;
        let (status, _) = cd1.form(&format!("/leads/{township_lead}/sign"), &[]).await;
        assert!(status.is_redirection(), "{status}");
        let (_, page) = cd1.page(&format!("/leads/{township_lead}")).await;
        assert!(
            page.contains("已责令限期整改") && page.contains("已整改到位"),
            "{page}"
        );
        let (status, _) = cd1
            .form(
                &format!("/leads/{township_lead}/no-violation"),
                &[
                    ("outcome", "rectification_ordered"),
                    (
                        "reply",
                        "经现场核查情况属实，已责令摊主三日内退回店内经营并加装油烟净化设施",
                    ),
                ],
            )
            .await;
        assert!(status.is_redirection(), "{status}");
        let lookup = [("tracking", tracking.as_str()), ("phone", phone)];
        let (_, html) = app.public_form("/complaint/lookup", &lookup).await;
        assert!(
            html.contains("已责令限期整改")
                && html.contains("加装油烟净化设施")
                && html.contains("城东街道"),
            "{html}"
        );
        assert!(
            !html.contains("id=\"rate\""),
            "no rating while it is being put right"
        );
        // Rechecked: put right. The reporter's own number reads it, closed, and rates it.
        let (status, _) = cd1
            .form(
                &format!("/leads/{township_lead}/no-violation"),
                &[
                    ("outcome", "rectified"),
                    (
                        "reply",
                        "经复查，摊主已退回店内经营并加装油烟净化设施，问题已解决",
                    ),
                ],
            )
            .await;
        assert!(status.is_redirection(), "{status}");
        let (_, html) = app.public_form("/complaint/lookup", &lookup).await;
        assert!(
            html.contains("已整改到位") && html.contains("问题已解决") && html.contains("已办结"),
            "{html}"
        );
        assert!(html.contains("id=\"rate\""), "{html}");
        let (status, _) = app
            .public_form(
                "/complaint/rate",
                &[
                    ("tracking", &tracking),
                    ("phone", phone),
                    ("rating", "satisfied"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let r = office.get(&format!("/api/v1/leads/{origin}/detail")).await;
        assert_eq!(r.body["lead"]["outcome"], "rectified", "{}", r.body);
        assert_eq!(r.body["lead"]["satisfaction"], "satisfied");
        // An unknown outcome is refused, naming the field.
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{township_lead}/no-violation"),
                Some(json!({"reply": "x", "outcome": "whatever"})),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "outcome", "{}", r.body);
    }
);

engine_test!(
    a_transfer_offers_each_role_exactly_the_steps_it_accepts,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let (cd1, lead) = cd_lead(&app, "某超市销售过期食品").await;
        let scjg = app.org_id("YX-SCJG").await;
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/transfers"),
                Some(written(scjg)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let path = format!("/api/v1/transfers/{id}");
        let logins = [
            "cd.1",
            "cd.chief",
            "scjg.1",
            "scjg.chief",
            "zhzf.1",
            "office",
            "leader",
        ];
        let people = sign_in_all(&app, &logins).await;
        // Each step's route and body.
        let call = |step: &str| -> (String, Value) {
            match step {
                "approve" | "send" | "accept" => (format!("{path}/{step}"), json!({})),
                "complete_written" => (
                    format!("{path}/written"),
                    json!({"materials": [{"kind": "letter", "title": "移送函"}, {"kind": "source", "title": "笔录"}]}),
                ),
                "reject" | "withdraw" => (
                    format!("{path}/{step}"),
                    json!({"reason": "不属本机关管辖"}),
                ),
                "report_outcome" => (format!("{path}/outcome"), json!({"outcome": "已立案查处"})),
                "reconsider" => (format!("{path}/refusal"), json!({"reconsider": true})),
                _ => (format!("{path}/refusal"), json!({"reconsider": false})),
            }
        };
        let steps = [
            "approve",
            "send",
            "complete_written",
            "accept",
            "reject",
            "withdraw",
            "report_outcome",
            "reconsider",
            "accept_refusal",
        ];
        walk_offered_steps(
            &people,
            &path,
            &steps,
            call,
            &[
                ("approve", "cd.chief"),
                ("accept", "scjg.1"),
                ("report_outcome", "scjg.1"),
            ],
        )
        .await;
        assert_eq!(cd1.get(&path).await.body["status"], "reported");
    }
);

engine_test!(
    a_dispute_offers_each_role_exactly_the_steps_it_accepts,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let (cd1, lead) = cd_lead(&app, "违规搭建棚屋").await;
        let scjg = app.org_id("YX-SCJG").await;
        let t = send_written(&app, &cd1, lead, scjg).await;
        let r = app
            .sign_in("scjg.1")
            .await
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/reject"),
                Some(json!({"reason": "不属市场监管职责"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = cd1.get(&format!("/api/v1/leads/{lead}/detail")).await;
        let id = r.body["disputes"][0]["id"].as_i64().unwrap();
        let path = format!("/api/v1/disputes/{id}");
        let logins = ["cd.1", "cd.chief", "scjg.1", "zhzf.1", "office", "leader"];
        let people = sign_in_all(&app, &logins).await;
        let call = |step: &str| -> (String, Value) {
            match step {
                "note" => (
                    format!("{path}/notes"),
                    json!({"kind": "negotiation", "text": "电话协商"}),
                ),
                "designate" => (
                    format!("{path}/designate"),
                    json!({"org_id": scjg, "decision": "由市场监管局管辖"}),
                ),
                _ => (format!("{path}/escalate"), json!({})),
            }
        };
        walk_offered_steps(
            &people,
            &path,
            &["note", "escalate", "designate"],
            call,
            &[("escalate", "cd.1"), ("designate", "office")],
        )
        .await;
        assert_eq!(cd1.get(&path).await.body["status"], "designated");
    }
);

engine_test!(
    a_lead_offers_each_role_exactly_the_steps_it_accepts,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let (cd1, lead) = cd_lead(&app, "某店占道经营").await;
        let scjg = app.org_id("YX-SCJG").await;
        let cd = app.org_id("YX-CD").await;
        let zhzf = app.org_id("YX-ZHZF").await;
        let path = format!("/api/v1/leads/{lead}");
        let logins = ["cd.1", "cd.chief", "cd.grid1", "scjg.1", "office", "leader"];
        let people = sign_in_all(&app, &logins).await;
        let call = |step: &str| -> (String, Value) {
            match step {
                "sign" => (format!("{path}/sign"), json!({})),
                "close" => (
                    format!("{path}/no-violation"),
                    json!({"outcome": "educated", "reply": "已批评教育，当事人当场改正"}),
                ),
                "file_case" => (
                    format!("{path}/case"),
                    json!({"title": "某店占道经营案", "item_code": "ZJ-ZHZF-CF-0001", "division_code": "339901001"}),
                ),
                "transfer" => (format!("{path}/transfers"), written(scjg)),
                "refer" => (
                    format!("{path}/refer"),
                    json!({"township_id": cd, "notice": "已转告城东街道"}),
                ),
                "dispute" => (
                    format!("{path}/disputes"),
                    json!({"org_id": zhzf, "reason": "占道经营属综合行政执法局管辖"}),
                ),
                _ => (format!("{path}/reply"), json!({"reply": "已处理"})),
            }
        };
        let steps = [
            "sign",
            "close",
            "file_case",
            "transfer",
            "refer",
            "reply",
            "dispute",
        ];
        walk_offered_steps(
            &people,
            &format!("{path}/detail"),
            &steps,
            call,
            &[("sign", "cd.1"), ("dispute", "cd.1"), ("close", "cd.1")],
        )
        .await;
        assert_eq!(cd1.get(&path).await.body["status"], "finished");
    }
);

/// What a refused form kept, as the page hands it to its script: the `data-kept` attribute
/// of the banner, unescaped.
pub(crate) fn kept_form(html: &str) -> String {
    let raw = html
        .split("data-kept=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a data-kept attribute");
    let entity = regex::Regex::new(r"&(#[0-9]+|#x[0-9a-fA-F]+|quot|amp|lt|gt|apos);").unwrap();
    entity
        .replace_all(raw, |c: &regex::Captures| {
            let e = &c[1];
            let code = match e {
                "quot" => 34,
                "amp" => 38,
                "lt" => 60,
                "gt" => 62,
                "apos" => 39,
                _ if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).unwrap(),
                _ => e[1..].parse().unwrap(),
            };
            char::from_u32(code).unwrap().to_string()
        })
        .into_owned()
}
