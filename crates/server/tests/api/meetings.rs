//! Joint meetings (联席会议): from agenda collection to closed action items.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xiezhi_domain::meeting::MeetingCommand;
use xiezhi_store::engine_test;
use xiezhi_store::meetings::{self as sm, NewAction};
use xiezhi_store::testing::TestDb;

async fn meeting(app: &TestApp, kind: &str, starts_in: chrono::Duration) -> Value {
    json!({
        "kind": kind, "title": "2026年下半年综合执法部门联席会议", "place": "县政府三楼会议室",
        "starts_at": beijing(xiezhi_store::testing::now() + starts_in),
        "convenor_person_id": app.person_id("leader").await,
        "members": [
            {"org_id": app.org_id("YX-SCJG").await, "leader_person_id": app.person_id("scjg.chief").await, "liaison_person_id": app.person_id("scjg.1").await},
            {"org_id": app.org_id("YX-ZHZF").await, "leader_person_id": app.person_id("zhzf.chief").await, "liaison_person_id": app.person_id("zhzf.1").await},
        ],
    })
}

engine_test!(
    a_regular_meeting_goes_from_agenda_collection_to_closed_action_items,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        let office = app.sign_in("office").await;
        let call = |body: Value| office.call(Method::POST, "/api/v1/meetings", Some(body));
        // Too close for the 5 working days of agenda collection.
        let r = call(meeting(&app, "regular", chrono::Duration::days(2)).await).await;
        assert_eq!(r.body["details"]["field"], "starts_at", "{}", r.body);
        // A liaison from another org is refused.
        let mut bad = meeting(&app, "regular", chrono::Duration::days(21)).await;
        bad["members"][0]["liaison_person_id"] = json!(&app.person_id("zhzf.2").await);
        assert_eq!(call(bad).await.body["details"]["field"], "members");
        // Only the office calls meetings.
        let scjg1 = app.sign_in("scjg.1").await;
        let r = scjg1
            .call(
                Method::POST,
                "/api/v1/meetings",
                Some(meeting(&app, "regular", chrono::Duration::days(21)).await),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = call(meeting(&app, "regular", chrono::Duration::days(21)).await).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["status"], "collecting");
        let agenda_clock = r.body["clocks"][0].clone();
        assert_eq!(agenda_clock["rule_id"], "meeting.agenda_collection");
        // Members propose; others cannot.
        let path = format!("/api/v1/meetings/{id}");
        let r = scjg1
            .call(Method::POST, &format!("{path}/agenda"), Some(json!({"title": "食品摊贩占道经营的移送衔接", "detail": "明确市场监管与综合执法的分工"})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["agenda"][0]["org_name"], "云溪县市场监督管理局");
        let gaj = app.sign_in("gaj.1").await;
        let r = gaj
            .call(
                Method::POST,
                &format!("{path}/agenda"),
                Some(json!({"title": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            gaj.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "not a member"
        );
        // After collection closes (5 working days before) a proposal is refused.
        let m = app.db.store.meeting(id).await.unwrap();
        let cal = app.state.calendar();
        let env = xiezhi_store::clocks::ClockEnv {
            rules: &app.state.rules,
            calendar: &cal,
        };
        let late = m.starts_at - chrono::Duration::days(1);
        let mut w = app
            .db
            .store
            .begin_write(xiezhi_store::RecordContext::system("t", late))
            .await
            .unwrap();
        let e = sm::propose(
            &mut w,
            env,
            id,
            app.org_id("YX-ZHZF").await,
            None,
            "迟到的议题",
            "",
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("截止"), "{e}");
        drop(w);
        // The office settles the agenda; minutes wait for the meeting.
        let steps = format!("{path}/steps");
        let step = |body: Value| office.call(Method::POST, &steps, Some(body));
        let r = step(json!({"step": "settle"})).await;
        assert_eq!(r.body["status"], "scheduled", "{}", r.body);
        assert_eq!(r.body["clocks"][0]["state"], "satisfied");
        let r = step(json!({"step": "minutes", "minutes": "会议议定……"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        // After the meeting (recorded here at its time): minutes with two action items.
        let after = m.starts_at + chrono::Duration::hours(2);
        let mut w = app
            .db
            .store
            .begin_write(xiezhi_store::RecordContext::system("t", after))
            .await
            .unwrap();
        let due = xiezhi_store::testing::now() + chrono::Duration::days(40);
        sm::step(
            &mut w,
            env,
            id,
            MeetingCommand::RecordMinutes,
            None,
            Some("一、明确食品摊贩占道经营由综合执法局查处，市场监管局配合。".into()),
            vec![
                NewAction {
                    owner_org_id: app.org_id("YX-SCJG").await,
                    body: "制定移送衔接细则".into(),
                    due_at: due,
                },
                NewAction {
                    owner_org_id: app.org_id("YX-ZHZF").await,
                    body: "开展夜市专项整治".into(),
                    due_at: due,
                },
            ],
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        // Only the named convenor signs.
        assert_eq!(
            step(json!({"step": "sign"})).await.status,
            StatusCode::FORBIDDEN
        );
        let vice = app.sign_in("vice.leader").await;
        let r = vice
            .call(
                Method::POST,
                &format!("{path}/steps"),
                Some(json!({"step": "sign"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let leader = app.sign_in("leader").await;
        let r = leader
            .call(
                Method::POST,
                &format!("{path}/steps"),
                Some(json!({"step": "sign"})),
            )
            .await;
        assert_eq!(r.body["status"], "signed", "{}", r.body);
        let actions = r.body["actions"].as_array().unwrap().clone();
        assert_eq!(actions.len(), 2);
        assert!(
            actions.iter().all(|a| a["clock"]["state"] == "running"),
            "{actions:?}"
        );
        // The next regular meeting is due within half a year.
        assert!(
            r.body["clocks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["rule_id"] == "meeting.regular_interval" && c["state"] == "running"),
            "{}",
            r.body
        );
        // The owners see their items and report them done.
        let mine = scjg1.get("/api/v1/action-items").await;
        assert_eq!(mine.body.as_array().unwrap().len(), 1, "{}", mine.body);
        let item = mine.body[0]["id"].as_i64().unwrap();
        async fn done(s: &Session, item: i64, report: &str) -> Reply {
            s.call(
                Method::POST,
                &format!("/api/v1/action-items/{item}/complete"),
                Some(json!({"report": report})),
            )
            .await
        }
        let zhzf1 = app.sign_in("zhzf.1").await;
        assert_eq!(
            done(&zhzf1, item, "x").await.status,
            StatusCode::FORBIDDEN,
            "not the owner"
        );
        assert_eq!(
            done(&scjg1, item, " ").await.body["details"]["field"],
            "report"
        );
        let r = done(&scjg1, item, "细则已印发").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            done(&scjg1, item, "again").await.status,
            StatusCode::CONFLICT
        );
        let other = actions.iter().find(|a| a["id"] != item).unwrap()["id"]
            .as_i64()
            .unwrap();
        let r = done(&zhzf1, other, "整治完成，清理摊点23处").await;
        // The office sees every item closed, each clock satisfied.
        let v = office.get(&path).await;
        assert!(
            v.body["actions"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["status"] == "done" && a["clock"]["state"] == "satisfied"),
            "{}",
            v.body
        );
        assert_eq!(r.status, StatusCode::OK);
    }
);

engine_test!(
    a_meeting_offers_each_role_exactly_the_steps_it_accepts,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        let logins = [
            "office",
            "leader",
            "scjg.chief",
            "scjg.1",
            "zhzf.1",
            "gaj.1",
        ];
        let people = sign_in_all(&app, &logins).await;
        let office = &people[0].1;
        let r = office
            .call(
                Method::POST,
                "/api/v1/meetings",
                Some(meeting(&app, "special", chrono::Duration::days(21)).await),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let path = format!("/api/v1/meetings/{id}");
        let steps = ["settle", "minutes", "sign", "cancel"];
        for (forward, by) in [("settle", "office"), ("", "")] {
            let status = office.get(&path).await.body["status"].clone();
            for (login, s) in &people {
                let offered = offered_steps(s, &path).await;
                for st in steps.iter().filter(|st| !offered.iter().any(|o| o == *st)) {
                    let r = s
                        .call(
                            Method::POST,
                            &format!("{path}/steps"),
                            Some(json!({"step": st, "minutes": "议定事项如下"})),
                        )
                        .await;
                    assert!(
                        r.status.is_client_error(),
                        "{login} was not offered {st} at {status} but it was accepted: {}",
                        r.body
                    );
                }
                let proposal = s
                    .call(
                        Method::POST,
                        &format!("{path}/agenda"),
                        Some(json!({"title": "移送衔接", "detail": ""})),
                    )
                    .await;
                assert_eq!(
                    proposal.status.is_success(),
                    offered.iter().any(|o| o == "propose"),
                    "{login} propose at {status}: {}",
                    proposal.body
                );
                if *login == by {
                    assert!(offered.iter().any(|o| o == forward), "{login} {offered:?}");
                }
            }
            if !forward.is_empty() {
                let s = &people.iter().find(|(l, _)| *l == by).unwrap().1;
                let r = s
                    .call(
                        Method::POST,
                        &format!("{path}/steps"),
                        Some(json!({"step": forward})),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            }
        }
        // Before the meeting starts the office is offered no minutes, only cancelling.
        let offered = office.get(&path).await.body["steps"].clone();
        assert_eq!(offered, json!(["cancel"]));
    }
);
