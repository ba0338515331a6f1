//! Instructions (指令): delivered live, acknowledged, completed, escalated when not
//! acknowledged; across two instances on one PostgreSQL.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

async fn person(app: &TestApp, login: &str) -> (i64, i64) {
    let p = app.db.store.person_by_login(login).await.unwrap().unwrap();
    (p.id, p.org_id)
}

engine_test!(
    an_instruction_is_delivered_live_acknowledged_completed_and_escalated_when_not_acknowledged,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let office = app.sign_in("office").await;
        let (_, cd_org) = person(&app, "cd.grid1").await;
        let (scjg1, scjg_org) = person(&app, "scjg.1").await;
        let grid = app.sign_in("cd.grid1").await;
        let mut grid_live = grid.live().await;
        let mut office_live = office.live().await;
        // Bad instructions are refused with the field named.
        let send =
            |body: serde_json::Value| office.call(Method::POST, "/api/v1/instructions", Some(body));
        let r = send(json!({"body": "", "to_orgs": [cd_org]})).await;
        assert_eq!(r.body["details"]["field"], "body", "{}", r.body);
        let r = send(json!({"body": "清查", "to_orgs": []})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = send(json!({"body": "清查", "to_orgs": [cd_org], "due_at": "明天"})).await;
        assert_eq!(r.body["details"]["field"], "due_at");
        let r =
            send(json!({"body": "清查", "to_orgs": [cd_org], "due_at": "2020-01-01 10:00"})).await;
        assert_eq!(r.body["details"]["field"], "due_at", "{}", r.body);
        // A grid member may not send instructions.
        let r = grid
            .call(
                Method::POST,
                "/api/v1/instructions",
                Some(json!({"body": "x", "to_orgs": [cd_org]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // To a township (all its people) and to one officer, due tomorrow, with a map attached.
        let mut w = app.system_writer().await;
        let map = xiezhi_store::transfers::store_blob(&mut w, b"%PDF-1.4 map".to_vec())
            .await
            .unwrap();
        w.commit().await.unwrap();
        let r =
            send(json!({"body": "x", "to_orgs": [cd_org], "attachments": ["0".repeat(64)]})).await;
        assert_eq!(
            r.body["details"]["field"], "materials",
            "an attachment not uploaded: {}",
            r.body
        );
        let due = beijing(xiezhi_store::testing::now() + chrono::Duration::days(1));
        let r = send(json!({"body": "今晚22时前清查辖区内所有夜市摊点的燃气瓶", "to_orgs": [cd_org], "to_people": [scjg1], "due_at": due, "attachments": [map]})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["receipts"].as_array().unwrap().len(), 2);
        assert_eq!(r.body["counts"], json!([2, 0, 0]));
        assert_eq!(
            r.body["receipts"][0]["clocks"].as_array().unwrap().len(),
            2,
            "acknowledge and complete"
        );
        // Delivered live to the township's people.
        let (event, data) = grid_live
            .next(Duration::from_secs(10))
            .await
            .expect("delivered");
        assert_eq!(event, "instruction");
        assert_eq!(data["id"], id);
        assert!(data["text"].as_str().unwrap().contains("燃气瓶"));
        // Not to others: the office gets nothing yet.
        assert!(office_live.next(Duration::from_millis(300)).await.is_none());
        // In the recipient's list; completing before acknowledging is refused.
        let list = grid.get("/api/v1/instructions").await;
        assert_eq!(list.body["received"][0]["id"], id);
        assert_eq!(
            list.body["received"][0]["receipts"]
                .as_array()
                .unwrap()
                .len(),
            1,
            "own receipt only"
        );
        let path = format!("/api/v1/instructions/{id}");
        let r = grid
            .call(
                Method::POST,
                &format!("{path}/complete"),
                Some(json!({"report": "已清查"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = grid
            .call(Method::POST, &format!("{path}/acknowledge"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["receipts"][0]["status"], "acknowledged");
        // The sender is told live.
        let (event, data) = office_live
            .next(Duration::from_secs(10))
            .await
            .expect("receipt");
        assert_eq!((event.as_str(), data["id"].as_i64()), ("receipt", Some(id)));
        let r = grid
            .call(Method::POST, &format!("{path}/acknowledge"), None)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = grid
            .call(
                Method::POST,
                &format!("{path}/complete"),
                Some(json!({"report": " "})),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "report");
        let r = grid
            .call(
                Method::POST,
                &format!("{path}/complete"),
                Some(json!({"report": "已清查摊点37处，收缴不合格气瓶5只"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["receipts"][0]["status"], "completed");
        // Recipients open the attachment; someone it was not sent to neither sees nor answers it.
        let file = |s: &Session| {
            s.client
                .get(format!("{}/api/v1/attachments/{map}", app.base))
                .send()
        };
        assert_eq!(file(&grid).await.unwrap().status(), StatusCode::OK);
        let other = app.sign_in("zhzf.1").await;
        assert_eq!(file(&other).await.unwrap().status(), StatusCode::FORBIDDEN);
        assert_eq!(other.get(&path).await.status, StatusCode::FORBIDDEN);
        let r = other
            .call(Method::POST, &format!("{path}/acknowledge"), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The sender sees every receipt.
        let v = office.get(&path).await;
        assert_eq!(v.body["counts"], json!([1, 0, 1]));
        // The officer never acknowledges: past the hour the clock job escalates it.
        let r = app
            .state
            .run_clock_job(xiezhi_store::testing::now() + chrono::Duration::minutes(61))
            .await
            .unwrap();
        assert!(r.breached >= 1 && r.orders >= 1, "{r:?}");
        let orders = app
            .db
            .store
            .supervision_orders_to(&[scjg_org])
            .await
            .unwrap();
        assert!(
            !orders.is_empty(),
            "a supervision order to the officer's department"
        );
        let v = office.get(&path).await;
        let officer = v.body["receipts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["person_id"] == scjg1)
            .unwrap()
            .clone();
        assert_eq!(officer["status"], "sent");
        assert!(
            officer["clocks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["state"] == "breached"),
            "{officer}"
        );
        // The township's receipt was answered in time: its clocks are satisfied.
        let township = v.body["receipts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["org_id"] == cd_org)
            .unwrap()
            .clone();
        assert!(
            township["clocks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["state"] == "satisfied"),
            "{township}"
        );
    }
);

/// Two instances on one PostgreSQL: the sender on one, the receiver on the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instruction_sent_on_one_instance_arrives_live_on_another() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let url = db.url.clone();
    let a = spawn_app(db).await;
    let b = spawn_instance(&url).await;
    let (_, cd_org) = person(&a, "cd.grid1").await;
    let office = a.sign_in("office").await;
    let grid_on_b = a.sign_in("cd.grid1").await.on(&b.base);
    let mut live_b = grid_on_b.live().await;
    let mut office_live_a = office.live().await;
    let r = office
        .call(
            Method::POST,
            "/api/v1/instructions",
            Some(json!({"body": "立即到城东菜市场集合", "to_orgs": [cd_org]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let (event, data) = live_b
        .next(Duration::from_secs(10))
        .await
        .expect("arrives on the other instance");
    assert_eq!(
        (event.as_str(), data["id"].as_i64()),
        ("instruction", Some(id))
    );
    // Acknowledged on B, the sender on A hears of it.
    let r = grid_on_b
        .call(
            Method::POST,
            &format!("/api/v1/instructions/{id}/acknowledge"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (event, _) = office_live_a
        .next(Duration::from_secs(10))
        .await
        .expect("receipt on A");
    assert_eq!(event, "receipt");
}

engine_test!(
    an_instruction_offers_each_role_exactly_the_steps_it_accepts,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let logins = ["cd.1", "cd.grid1", "office", "scjg.1", "zhzf.1", "leader"];
        let people = sign_in_all(&app, &logins).await;
        let cd_org = app.org_id("YX-CD").await;
        let due = beijing(xiezhi_store::testing::now() + chrono::Duration::days(1));
        let r = people[2]
            .1
            .call(
                Method::POST,
                "/api/v1/instructions",
                Some(json!({"body": "清查辖区夜市燃气瓶", "to_orgs": [cd_org], "due_at": due})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let view = format!("/api/v1/instructions/{id}");
        assert!(
            offered_steps(&people[2].1, &view).await.is_empty(),
            "the sender follows"
        );
        walk_offered_steps(
            &people,
            &view,
            &["acknowledge", "complete"],
            |st| (format!("{view}/{st}"), json!({"report": "已清查摊点37处"})),
            &[("acknowledge", "cd.1"), ("complete", "cd.1")],
        )
        .await;
        let (_, page) = people[0].1.page(&format!("/instructions/{id}")).await;
        assert!(!page.contains("反馈办结</button>") && !page.contains("id=\"acknowledge\""));
    }
);
