//! The inbox, clocks, rules and the calendar through HTTP.

use crate::authz_walk::Y2027;
use crate::helpers::*;
use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;
use xiezhi_store::clocks::{self, ClockEnv, ClockStart};
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn clock(app: &TestApp, holder: &str, person: Option<&str>, rule: &str, when: &str) -> i64 {
    let cal = app.state.calendar();
    let env = ClockEnv {
        rules: &app.state.rules,
        calendar: &cal,
    };
    let holder_person_id = match person {
        Some(l) => Some(app.person_id(l).await),
        None => None,
    };
    let mut w = app
        .db
        .store
        .begin_write(xiezhi_store::RecordContext::system("t", at(when)))
        .await
        .unwrap();
    let c = clocks::start(
        &mut w,
        env,
        ClockStart {
            subject_type: "transfer".into(),
            subject_id: format!("T-{rule}-{when}"),
            rule_id: rule.into(),
            holder_org_id: app.org_id(holder).await,
            holder_person_id,
            at: at(when),
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    c.id
}

engine_test!(
    the_inbox_lists_what_waits_most_urgent_first_with_rule_and_source,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let later = clock(
            &app,
            "YX-CD",
            None,
            "transfer.accept_reply",
            "2026-11-09T02:00:00Z",
        )
        .await;
        let sooner = clock(
            &app,
            "YX-CD",
            Some("cd.1"),
            "transfer.send",
            "2026-11-02T02:00:00Z",
        )
        .await;
        let _others = clock(
            &app,
            "YX-CD",
            Some("cd.2"),
            "transfer.send",
            "2026-11-02T02:00:00Z",
        )
        .await;
        let s = app.sign_in("cd.1").await;
        let r = s.get("/api/v1/inbox").await;
        assert_eq!(r.status, StatusCode::OK);
        let items = r.body.as_array().unwrap();
        let ids: Vec<i64> = items.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(
            ids,
            [sooner, later],
            "own and the org's unassigned, soonest first; not a colleague's"
        );
        let first = &items[0];
        assert_eq!(first["rule_id"], "transfer.send");
        assert_eq!(first["duration"], "3个工作日");
        assert!(
            first["source"]
                .as_str()
                .unwrap()
                .contains("《乡镇与职能部门行政执法实施意见》"),
            "{first}"
        );
        assert_eq!(first["urgency"], "overdue");
        assert!(first["remaining"].as_str().unwrap().starts_with("已超时"));
        assert_eq!(first["due_at"], "2026-11-05 23:59");
        let (status, html) = s.page("/").await;
        assert_eq!(status, StatusCode::OK);
        // The home page's to-do list names the step that satisfies the clock.
        assert!(
            html.contains("我的待办")
                && html.contains("u-overdue")
                && html.contains("移送有管辖权的机关"),
            "{html}"
        );
    }
);

engine_test!(
    a_breach_becomes_a_supervision_order_the_office_sees,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let c = clock(&app, "YX-CD", None, "transfer.send", "2026-11-02T02:00:00Z").await;
        let report = app
            .state
            .run_clock_job(at("2026-11-10T02:00:00Z"))
            .await
            .unwrap();
        assert_eq!((report.breached, report.orders), (1, 1));
        let office = app.sign_in("office").await;
        let r = office.get("/api/v1/clocks?state=breached").await;
        assert_eq!(r.body["total"], 1);
        assert_eq!(r.body["items"][0]["id"], c);
        let r = office
            .get(&format!(
                "/api/v1/clocks?state=running&holder_org_id={}",
                app.org_id("YX-CD").await
            ))
            .await;
        assert_eq!(r.body["items"][0]["rule_id"], "supervision_order.respond");
        assert_eq!(r.body["items"][0]["subject_type"], "supervision_order");
        let r = office.get("/api/v1/clocks?state=nonsense").await;
        assert_eq!(r.body["details"]["field"], "state");
        let r = office.get("/api/v1/clocks?due_before=2026-13-01").await;
        assert_eq!(r.body["details"]["field"], "due_before");
        let (status, html) = office.page("/clocks?state=breached").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("已超时"));
    }
);

engine_test!(
    leaders_and_the_office_extend_only_the_office_cancels_and_every_step_is_recorded,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let c = clock(&app, "YX-QS", None, "transfer.send", "2026-11-16T02:00:00Z").await;
        let path = format!("/api/v1/clocks/{c}/commands");
        let officer = app.sign_in("qs.1").await;
        let r = officer
            .call(
                Method::POST,
                &path,
                Some(json!({"command": "extend", "reason": "x", "new_due": "2026-12-01"})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "officers do not approve extensions"
        );
        let leader = app.sign_in("leader").await;
        let r = leader
            .call(
                Method::POST,
                &path,
                Some(json!({"command": "extend", "reason": "需现场检测", "new_due": "2026-12-01"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["due_at"], "2026-12-01 23:59");
        assert!(
            r.body["extensions"][0]["approver"]
                .as_str()
                .unwrap()
                .contains("leader")
        );
        let r = leader
            .call(
                Method::POST,
                &path,
                Some(json!({"command": "cancel", "reason": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = leader
            .call(Method::POST, &path, Some(json!({"command": "fly"})))
            .await;
        assert_eq!(r.body["details"]["field"], "command");
        let office = app.sign_in("office").await;
        let r = office
            .call(
                Method::POST,
                &path,
                Some(json!({"command": "cancel", "reason": ""})),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "reason");
        let r = office
            .call(
                Method::POST,
                &path,
                Some(json!({"command": "cancel", "reason": "重复立项"})),
            )
            .await;
        assert_eq!(r.body["state"], "cancelled");
        let r = officer
            .call(Method::POST, &path, Some(json!({"command": "satisfy"})))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let auditor = app.sign_in("auditor").await;
        let r = auditor
            .get(&format!("/api/v1/events?subject_type=clock&subject_id={c}"))
            .await;
        let kinds: Vec<&str> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["clock.cancelled", "clock.extended", "clock.started"]
        );
    }
);

engine_test!(
    the_rules_in_force_follow_the_profile_an_org_selected,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let cd = app.org_id("YX-CD").await;
        let s = app.sign_in("cd.1").await;
        let r = s.get("/api/v1/rules").await;
        assert_eq!(r.body["profile_id"], "default");
        let send = |b: &serde_json::Value| {
            b["rules"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == "transfer.send")
                .unwrap()
                .clone()
        };
        assert_eq!(send(&r.body)["duration"], "3个工作日");
        let admin = app.sign_in("sysadmin").await;
        let r = admin
            .call(
                Method::PUT,
                &format!("/api/v1/orgs/{cd}/rule-profile"),
                Some(json!({"profile_id": "nope"})),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "profile_id");
        let r = admin
            .call(
                Method::PUT,
                &format!("/api/v1/orgs/{cd}/rule-profile"),
                Some(json!({"profile_id": "zhoucun-2018"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let r = s.get("/api/v1/rules").await;
        assert_eq!(r.body["profile_id"], "zhoucun-2018");
        assert_eq!(send(&r.body)["duration"], "2个工作日");
        assert!(
            send(&r.body)["source"]
                .as_str()
                .unwrap()
                .contains("周政办字〔2018〕18号")
        );
        let office = app.sign_in("office").await;
        let r = office
            .get(&format!(
                "/api/v1/rules?org_id={}",
                app.org_id("YX-SCJG").await
            ))
            .await;
        assert_eq!(
            r.body["profile_id"], "default",
            "other subtrees keep the default"
        );
        let r = s
            .get(&format!(
                "/api/v1/rules?org_id={}",
                app.org_id("YX-SCJG").await
            ))
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "a township sees its own government's rules"
        );
        let (status, html) = s.page("/rules").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("2个工作日") && html.contains("周政办字") || html.contains("003"));
    }
);

engine_test!(
    an_administrator_loads_a_new_years_notice,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let admin = app.sign_in("sysadmin").await;
        let r = admin
            .send_text(
                Method::POST,
                "/api/v1/calendar/years",
                &Y2027.replace("2027-02-07", "2027-02-06"),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body["message"].as_str().unwrap().contains("行"),
            "{}",
            r.body
        );
        let r = admin
            .send_text(Method::POST, "/api/v1/calendar/years", Y2027)
            .await;
        assert_eq!(
            (r.status, r.body["year"].as_i64(), &r.body["loaded"]),
            (StatusCode::OK, Some(2027), &serde_json::json!(true)),
            "{}",
            r.body
        );
        let r = admin.get("/api/v1/calendar/years").await;
        assert_eq!(r.body["official_last_year"], 2027);
        assert_eq!(r.body["last_year"], 2100);
        assert_eq!(r.body["loaded"][0]["year"], 2027);
        // The clock engine now reaches into 2027.
        clock(&app, "YX-CD", None, "transfer.send", "2026-12-30T02:00:00Z").await;
        let r = admin
            .call(Method::POST, "/api/v1/clocks/recompute", None)
            .await;
        assert_eq!(r.body["changed"], 0);
        let (status, html) = admin.page("/calendar").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("2027 年"));
    }
);

engine_test!(
    every_dashboard_figure_links_to_the_list_behind_it_and_an_answered_order_closes,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        // A breach (and so a supervision order to 城东街道), and a clock warned, not yet due.
        clock(&app, "YX-CD", None, "transfer.send", "2026-11-02T02:00:00Z").await;
        let job = |t: &'static str| app.state.run_clock_job(at(t));
        assert_eq!(job("2026-11-10T02:00:00Z").await.unwrap().orders, 1);
        let soon = clock(&app, "YX-QS", None, "transfer.send", "2026-11-16T02:00:00Z").await;
        assert!(job("2026-11-19T06:00:00Z").await.unwrap().warned >= 1);
        let office = app.sign_in("office").await;
        let tiles = async || -> Vec<(String, u64, String)> {
            let (status, html) = office.page("/dashboard").await;
            assert_eq!(status, StatusCode::OK);
            // <a class="tile…" href="H"><span class="value">N</span><span class="label">L</span>
            let between = |t: &str, a: &str, b: &str| -> String {
                let from = t.find(a).unwrap() + a.len();
                t[from..from + t[from..].find(b).unwrap()].to_owned()
            };
            html.split(r#"<a class="tile"#)
                .skip(1)
                .map(|t| {
                    (
                        between(t, r#"<span class="label">"#, "<"),
                        between(t, r#"<span class="value">"#, "<").parse().unwrap(),
                        between(t, r#"href=""#, r#"""#).replace("&amp;", "&"),
                    )
                })
                .collect()
        };
        let mut checked = 0;
        for (label, value, href) in tiles().await {
            let (status, _) = office.page(&href).await;
            assert_eq!(status, StatusCode::OK, "{label}: {href}");
            let (path, query) = href.split_once('?').unwrap_or((&href, ""));
            // The clock page lists the open ones unless told otherwise.
            let query = if path == "/clocks" && !query.contains("state=") {
                format!("{query}&state=open")
            } else {
                query.to_owned()
            };
            let r = office.get(&format!("/api/v1{path}?{query}")).await;
            let listed = match path {
                "/leads" | "/cases" | "/clocks" => r.body["total"].as_u64(),
                "/transfers" => r.body.as_array().map(|a| a.len() as u64),
                _ => continue,
            };
            assert_eq!(listed, Some(value), "{label}: {href} lists {}", r.body);
            checked += 1;
        }
        assert_eq!(checked, 6, "{:?}", tiles().await);
        let value = async |label: &str| {
            tiles()
                .await
                .into_iter()
                .find(|t| t.0 == label)
                .map(|t| t.1)
                .unwrap()
        };
        assert_eq!(value("督办中").await, 1);
        assert!(value("临期时限").await >= 1);
        let listed = office.get("/api/v1/clocks?soon=true").await;
        assert!(
            listed.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == soon),
            "the warned clock is due soon: {}",
            listed.body
        );
        // The holder answers the order: its response clock is satisfied and the order closes.
        let r = office
            .get("/api/v1/clocks?rule=supervision_order.respond&state=open")
            .await;
        let respond = r.body["items"][0]["id"].as_i64().unwrap();
        let order = r.body["items"][0]["subject_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = office
            .call(
                Method::POST,
                &format!("/api/v1/clocks/{respond}/commands"),
                Some(json!({"command": "satisfy"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(value("督办中").await, 0);
        let events = app
            .sign_in("auditor")
            .await
            .get(&format!(
                "/api/v1/events?subject_type=supervision_order&subject_id={order}"
            ))
            .await;
        let kinds: Vec<&str> = events.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["kind"].as_str())
            .collect();
        assert!(
            kinds.contains(&"supervision_order.closed"),
            "{}",
            events.body
        );
        let r = office.get("/api/v1/clocks?rule=no%20such").await;
        assert_eq!(r.body["details"]["field"], "rule");
    }
);

engine_test!(
    a_supervision_order_says_what_it_is_about_and_its_holder_answers_it,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        clock(&app, "YX-CD", None, "transfer.send", "2026-11-02T02:00:00Z").await;
        assert_eq!(
            app.state
                .run_clock_job(at("2026-11-10T02:00:00Z"))
                .await
                .unwrap()
                .orders,
            1
        );
        let cd = app.sign_in("cd.1").await;
        let r = cd
            .get("/api/v1/clocks?rule=supervision_order.respond&state=open")
            .await;
        let respond = r.body["items"][0]["id"]
            .as_i64()
            .expect("the order's clock");
        // The page says what is late and under which rule, and offers the answer (no bare 办结).
        let (_, html) = cd.page(&format!("/clocks/{respond}")).await;
        assert!(html.contains("督办事项"), "{html}");
        assert!(
            html.contains("发现不属于本机关管辖的，移送有管辖权的机关超过时限"),
            "{html}"
        );
        assert!(html.contains(&format!("/clocks/{respond}/answer")));
        assert!(!html.contains("value=\"satisfy\""));
        // An empty answer is refused; an answer closes the order and its clock.
        let (status, _) = cd
            .form(&format!("/clocks/{respond}/answer"), &[("answer", " ")])
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = cd
            .form(
                &format!("/clocks/{respond}/answer"),
                &[("answer", "已于次日补办移送手续，并对承办人员进行了提醒")],
            )
            .await;
        assert!(status.is_redirection(), "{status}");
        let r = cd.get(&format!("/api/v1/clocks/{respond}")).await;
        assert_eq!(r.body["state"], "satisfied");
        let (_, html) = cd.page(&format!("/clocks/{respond}")).await;
        assert!(html.contains("已于次日补办移送手续"));
        assert!(!html.contains(&format!("/clocks/{respond}/answer")));
        let office = app.sign_in("office").await;
        let r = office
            .get("/api/v1/clocks?rule=supervision_order.respond&state=open")
            .await;
        assert_eq!(r.body["total"], 0, "{}", r.body);
        // Answered once only.
        let (status, _) = cd
            .form(
                &format!("/clocks/{respond}/answer"),
                &[("answer", "再次答复")],
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
);
