//! Joint operations (联合执法行动): the three start modes, the certificate check, running with
//! check-ins, field reports, links and live updates, and interactive enforcement's same-day
//! clock.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

/// A plan led by the comprehensive enforcement bureau with the market department.
async fn plan(app: &TestApp, mode: &str, starts_in_days: i64, officers: &[&str]) -> Value {
    let now = xiezhi_store::testing::now();
    let mut ids = vec![];
    for o in officers {
        ids.push(app.person_id(o).await);
    }
    json!({
        "mode": mode, "title": "城东夜市占道经营整治", "goal": "清理占道经营，查处无证食品摊贩",
        "domain": "综合行政执法", "area": ["城东街道", "城东夜市（解放路至人民路）"],
        "starts_at": beijing(now + chrono::Duration::days(starts_in_days)),
        "ends_at": beijing(now + chrono::Duration::days(starts_in_days) + chrono::Duration::hours(6)),
        "lead_org_id": app.org_id("YX-ZHZF").await,
        "units": [
            {"org_id": app.org_id("YX-ZHZF").await, "responsible_person_id": app.person_id("zhzf.chief").await, "tasks": "现场指挥，查处占道经营"},
            {"org_id": app.org_id("YX-SCJG").await, "responsible_person_id": app.person_id("scjg.chief").await, "tasks": "检查食品经营许可"},
        ],
        "officers": ids,
    })
}

async fn step(s: &Session, id: i64, step: &str, text: Option<&str>) -> Reply {
    s.call(
        Method::POST,
        &format!("/api/v1/operations/{id}/steps"),
        Some(json!({"step": step, "text": text})),
    )
    .await
}

engine_test!(
    a_regular_operation_runs_with_certified_officers_field_reports_and_a_same_day_notice,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let office = app.sign_in("office").await;
        let create = |body: Value| office.call(Method::POST, "/api/v1/operations", Some(body));
        // Officers without a valid certificate for the domain are refused, by name.
        let r = create(plan(&app, "regular", 1, &["zhzf.1", "scjg.1"]).await).await;
        assert_eq!(r.body["details"]["field"], "officers", "{}", r.body);
        assert!(
            r.body["message"].as_str().unwrap().contains("scjg.1"),
            "{}",
            r.body
        );
        let r = create(plan(&app, "regular", 1, &["zhzf.1", "scjg.chief"]).await).await;
        assert!(
            r.body["message"].as_str().unwrap().contains("执法证"),
            "{}",
            r.body
        );
        // A unit without tasks, a window ending before it starts: refused.
        let mut bad = plan(&app, "regular", 1, &["zhzf.1"]).await;
        bad["units"][1]["tasks"] = json!(" ");
        assert_eq!(create(bad).await.body["details"]["field"], "units");
        let mut bad = plan(&app, "regular", 1, &["zhzf.1"]).await;
        bad["ends_at"] = bad["starts_at"].clone();
        assert_eq!(create(bad).await.body["details"]["field"], "ends_at");
        // An officer may not draft a regular operation.
        let zhzf1 = app.sign_in("zhzf.1").await;
        let r = zhzf1
            .call(
                Method::POST,
                "/api/v1/operations",
                Some(plan(&app, "regular", 1, &["zhzf.1"]).await),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The office drafts; the leading group agrees; the lead unit starts it.
        let r = create(plan(&app, "regular", 1, &["zhzf.1", "zhzf.2"]).await).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body["status"], "draft");
        assert_eq!(r.body["officers"].as_array().unwrap().len(), 2);
        assert!(
            r.body["officers"][0]["certificate_number"]
                .as_str()
                .unwrap()
                .starts_with("ZJ")
        );
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(
            step(&office, id, "submit", None).await.body["status"],
            "pending"
        );
        assert_eq!(
            step(&office, id, "approve", Some("同意")).await.status,
            StatusCode::FORBIDDEN
        );
        let leader = app.sign_in("leader").await;
        let r = step(&leader, id, "approve", Some("同意按方案实施")).await;
        assert_eq!(r.body["status"], "approved", "{}", r.body);
        let scjg1 = app.sign_in("scjg.1").await;
        assert_eq!(
            step(&scjg1, id, "start", None).await.status,
            StatusCode::FORBIDDEN,
            "only the lead unit starts it"
        );
        let chief = app.sign_in("zhzf.chief").await;
        assert_eq!(
            step(&chief, id, "start", None).await.body["status"],
            "running"
        );
        // Officers check in; someone not on the list cannot.
        let mut office_live = office.live().await;
        let path = format!("/api/v1/operations/{id}");
        let r = zhzf1
            .call(
                Method::POST,
                &format!("{path}/check-in"),
                Some(json!({"lat": 28.69, "lon": 119.92})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body["officers"][0]["checked_in_at"].is_string());
        let r = zhzf1
            .call(Method::POST, &format!("{path}/check-in"), Some(json!({})))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = scjg1
            .call(Method::POST, &format!("{path}/check-in"), Some(json!({})))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // A field report with a photo reaches the office live.
        let mut w = app.system_writer().await;
        let photo = xiezhi_store::transfers::store_blob(&mut w, b"\x89PNG\r\n\x1a\nstall".to_vec())
            .await
            .unwrap();
        w.commit().await.unwrap();
        while office_live.next(Duration::from_millis(200)).await.is_some() {}
        let r = scjg1
            .call(Method::POST, &format!("{path}/reports"), Some(json!({"body": "夜市东段3家无证熟食摊，已登记", "lat": 28.691, "lon": 119.921, "photos": [photo]})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["reports"][0]["photos"][0]["digest"], photo.as_str());
        let got = office
            .client
            .get(format!("{}/api/v1/attachments/{photo}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), StatusCode::OK, "the office sees the photo");
        let (event, data) = office_live
            .next(Duration::from_secs(10))
            .await
            .expect("live report");
        assert_eq!(
            (event.as_str(), data["id"].as_i64()),
            ("operation", Some(id))
        );
        let r = scjg1
            .call(
                Method::POST,
                &format!("{path}/reports"),
                Some(json!({"body": "x", "lat": 91.0, "lon": 0.0})),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "lat");
        // A lead found on the spot is linked; only a participating unit's.
        let lead = zhzf1
            .call(Method::POST, "/api/v1/leads", Some(json!({"channel": "patrol", "text": "夜市西段占道经营", "address": "解放路12号", "division_code": "339901001"})))
            .await;
        assert_eq!(lead.status, StatusCode::CREATED, "{}", lead.body);
        let lead = lead.body["id"].as_i64().unwrap();
        let r = zhzf1
            .call(
                Method::POST,
                &format!("{path}/links"),
                Some(json!({"lead_id": lead})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["links"][0]["href"], format!("/leads/{lead}"));
        let r = zhzf1
            .call(
                Method::POST,
                &format!("{path}/links"),
                Some(json!({"lead_id": lead})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // On the page the officer types the number on the lead's receipt, not an id.
        let other = zhzf1
            .call(Method::POST, "/api/v1/leads", Some(json!({"channel": "patrol", "text": "夜市东段占道经营", "address": "解放路30号", "division_code": "339901001"})))
            .await;
        let tracking = other.body["tracking_number"].as_str().unwrap().to_owned();
        let (status, _) = zhzf1
            .form(
                &format!("/operations/{id}/links"),
                &[("kind", "lead"), ("number", &tracking.to_lowercase())],
            )
            .await;
        assert!(status.is_redirection(), "{status}");
        let r = zhzf1.get(&path).await;
        assert_eq!(r.body["links"].as_array().unwrap().len(), 2, "{}", r.body);
        // Interactive enforcement: the police are notified and must send officers today.
        let gaj = app.org_id("YX-GAJ").await;
        let r = chief
            .call(
                Method::POST,
                &format!("{path}/notices"),
                Some(json!({"org_id": gaj, "body": "夜市摊主阻挠执法，请派民警到场"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let clock = r.body["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["rule_id"] == "joint_operation.notified_unit_dispatch")
            .unwrap()
            .clone();
        let notice = r.body["notices"][0]["id"].as_i64().unwrap();
        let today = beijing(xiezhi_store::testing::now())[..10].to_owned();
        assert_eq!(clock["due_at"], format!("{today} 23:59"), "{clock}");
        let r = chief
            .call(
                Method::POST,
                &format!("{path}/notices"),
                Some(json!({"org_id": app.org_id("YX-SCJG").await, "body": "x"})),
            )
            .await;
        assert_eq!(
            r.body["details"]["field"], "org_id",
            "a participating unit is not notified"
        );
        // Not sent by the end of the day: breached, and the office supervises.
        let tomorrow = xiezhi_store::testing::now() + chrono::Duration::days(1);
        let job = app.state.run_clock_job(tomorrow).await.unwrap();
        assert!(job.breached >= 1, "{job:?}");
        assert!(
            !app.db
                .store
                .supervision_orders_to(&[gaj])
                .await
                .unwrap()
                .is_empty()
        );
        // The police send officers; the clock closes.
        let police = app.sign_in("gaj.1").await;
        let r = police
            .call(Method::POST, &format!("/api/v1/operation-notices/{notice}/dispatch"), Some(json!({"officers": [&app.person_id("gaj.1").await, &app.person_id("gaj.2").await], "note": "两名民警已到场"})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body["notices"][0]["dispatched_at"].is_string());
        // The police see the operation they were called to; a stranger does not.
        assert_eq!(police.get(&path).await.status, StatusCode::OK);
        assert_eq!(
            app.sign_in("fy.1").await.get(&path).await.status,
            StatusCode::FORBIDDEN
        );
        // Closing needs the report.
        assert_eq!(
            step(&chief, id, "close", None).await.body["details"]["field"],
            "text"
        );
        let r = step(
            &chief,
            id,
            "close",
            Some("出动执法人员12人次，清理占道摊点23处，立案2起"),
        )
        .await;
        assert_eq!(r.body["status"], "closed", "{}", r.body);
        assert_eq!(
            step(&chief, id, "start", None).await.status,
            StatusCode::CONFLICT
        );
    }
);

engine_test!(
    a_special_operation_applied_too_late_is_refused_and_one_in_time_is_decided_in_writing,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        let zhzf1 = app.sign_in("zhzf.1").await;
        let apply = |body: Value| zhzf1.call(Method::POST, "/api/v1/operations", Some(body));
        // Starting tomorrow: less than 3 days ahead.
        let r = apply(plan(&app, "special", 1, &["zhzf.1"]).await).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let late = r.body["id"].as_i64().unwrap();
        let r = step(&zhzf1, late, "submit", None).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(
            r.body["message"].as_str().unwrap().contains("3日前"),
            "{}",
            r.body
        );
        // Ten days ahead: in time; the office's 2-day decision clock starts.
        let r = apply(plan(&app, "special", 10, &["zhzf.1", "zhzf.2"]).await).await;
        let id = r.body["id"].as_i64().unwrap();
        let r = step(&zhzf1, id, "submit", None).await;
        assert_eq!(r.body["status"], "pending", "{}", r.body);
        let decide = r.body["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["rule_id"] == "joint_operation.special_decide")
            .unwrap()
            .clone();
        assert_eq!(decide["state"], "running");
        // The applicant cannot decide on its own application; the leader of the unit neither.
        assert_eq!(
            step(&zhzf1, id, "approve", Some("x")).await.status,
            StatusCode::FORBIDDEN
        );
        let office = app.sign_in("office").await;
        let r = step(&office, id, "approve", None).await;
        assert_eq!(r.body["details"]["field"], "text", "a written decision");
        let r = step(
            &office,
            id,
            "approve",
            Some("经领导小组组长审定，同意启动专项联合执法，由申请单位牵头"),
        )
        .await;
        assert_eq!(r.body["status"], "approved", "{}", r.body);
        assert!(
            r.body["clocks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["state"] == "satisfied")
        );
        assert!(r.body["decision"].as_str().unwrap().contains("审定"));
        // The applicant leads it; another unit's officer does not.
        let scjg1 = app.sign_in("scjg.1").await;
        assert_eq!(
            step(&scjg1, id, "start", None).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            step(&zhzf1, id, "start", None).await.body["status"],
            "running"
        );
        let r = apply(plan(&app, "special", 10, &["zhzf.1"]).await).await;
        let other = r.body["id"].as_i64().unwrap();
        step(&zhzf1, other, "submit", None).await;
        let r = step(
            &office,
            other,
            "reject",
            Some("与常规行动时间重叠，不予启动"),
        )
        .await;
        assert_eq!(r.body["status"], "rejected");
    }
);

engine_test!(
    an_emergency_operation_runs_as_soon_as_the_group_leader_agrees,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let office = app.sign_in("office").await;
        let r = office
            .call(
                Method::POST,
                "/api/v1/operations",
                Some(plan(&app, "emergency", 0, &["zhzf.1", "zhzf.3"]).await),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        step(&office, id, "submit", None).await;
        assert_eq!(
            step(&office, id, "approve", Some("同意")).await.status,
            StatusCode::FORBIDDEN
        );
        let leader = app.sign_in("vice.leader").await;
        let r = step(&leader, id, "approve", None).await;
        assert_eq!(r.body["status"], "running", "{}", r.body);
        // On the board, running.
        let board = office.get("/api/v1/operations").await;
        assert!(
            board
                .body
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["id"] == id && o["status"] == "running")
        );
    }
);

engine_test!(
    an_operation_offers_each_role_exactly_the_steps_it_accepts,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let logins = [
            "office",
            "leader",
            "zhzf.chief",
            "zhzf.1",
            "scjg.chief",
            "scjg.1",
            "cd.chief",
            "sthj.chief",
            "gaj.1",
        ];
        let people = sign_in_all(&app, &logins).await;
        let police_officer = app.person_id("gaj.1").await;
        let (mut checked_in, mut dispatched) = (0, 0);
        let office = &people[0].1;
        let r = office
            .call(
                Method::POST,
                "/api/v1/operations",
                Some(plan(&app, "regular", 1, &["zhzf.1", "zhzf.2"]).await),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let path = format!("/api/v1/operations/{id}");
        let gaj = app.org_id("YX-GAJ").await;
        let commands = ["submit", "approve", "reject", "start", "close", "cancel"];
        // Forward through the lifecycle; at each status every person is offered exactly what
        // the API accepts: everything not offered is refused without a change, and the step
        // taken forward was offered to whoever takes it.
        for (forward, by) in [
            ("submit", "office"),
            ("approve", "leader"),
            ("start", "zhzf.chief"),
            ("close", "zhzf.chief"),
        ] {
            let status = office.get(&path).await.body["status"].clone();
            for (login, s) in &people {
                let offered = offered_steps(s, &path).await;
                for c in commands.iter().filter(|c| !offered.iter().any(|o| o == *c)) {
                    let r = step(s, id, c, Some("按方案")).await;
                    assert!(
                        r.status.is_client_error(),
                        "{login} was not offered {c} at {status} but it was accepted: {}",
                        r.body
                    );
                }
                // Field reports and notices (the running operation's own steps).
                let report = s
                    .call(
                        Method::POST,
                        &format!("{path}/reports"),
                        Some(json!({"body": "现场检查3户"})),
                    )
                    .await;
                assert_eq!(
                    report.status.is_success(),
                    offered.iter().any(|o| o == "report"),
                    "{login} report at {status}: {}",
                    report.body
                );
                let notice = s
                    .call(
                        Method::POST,
                        &format!("{path}/notices"),
                        Some(json!({"org_id": gaj, "body": "请派民警到场"})),
                    )
                    .await;
                assert_eq!(
                    notice.status.is_success(),
                    offered.iter().any(|o| o == "notify"),
                    "{login} notice at {status}: {}",
                    notice.body
                );
                // Checking in (an officer on the plan) and sending officers (a notified unit).
                let check_in = s
                    .call(Method::POST, &format!("{path}/check-in"), Some(json!({})))
                    .await;
                assert_eq!(
                    check_in.status.is_success(),
                    offered.iter().any(|o| o == "check_in"),
                    "{login} check-in at {status}: {}",
                    check_in.body
                );
                checked_in += usize::from(check_in.status.is_success());
                let open_notice = office.get(&path).await.body["notices"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|n| n["dispatched_at"].is_null())
                    .map(|n| n["id"].as_i64().unwrap());
                if let Some(n) = open_notice {
                    let r = s
                        .call(
                            Method::POST,
                            &format!("/api/v1/operation-notices/{n}/dispatch"),
                            Some(json!({"officers": [police_officer], "note": "已到场"})),
                        )
                        .await;
                    assert_eq!(
                        r.status.is_success(),
                        offered.iter().any(|o| o == "dispatch"),
                        "{login} dispatch at {status}: {}",
                        r.body
                    );
                    dispatched += usize::from(r.status.is_success());
                } else {
                    assert!(!offered.iter().any(|o| o == "dispatch"), "{login}");
                }
                if *login == by {
                    assert!(
                        offered.iter().any(|o| o == forward),
                        "{login} should be offered {forward} at {status}: {offered:?}"
                    );
                }
            }
            let s = &people.iter().find(|(l, _)| *l == by).unwrap().1;
            let r = step(s, id, forward, Some("按方案实施，注意安全")).await;
            assert_eq!(r.status, StatusCode::OK, "{by} {forward}: {}", r.body);
        }
        assert_eq!(office.get(&path).await.body["status"], "closed");
        assert_eq!(checked_in, 1, "the officer on the plan checked in");
        assert!(dispatched >= 1, "the notified police sent officers");
    }
);
