//! Leads through HTTP: intake by people and by other systems (idempotent), duplicates,
//! masking, the sign-for clock.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

engine_test!(
    a_hotline_system_retrying_with_the_same_key_creates_one_lead,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_catalog().await;
        let sec = app.sign_in("secadmin").await;
        let cd = app.org_id("YX-CD").await;
        let r = sec
            .call(
                Method::POST,
                "/api/v1/tokens",
                Some(json!({"org_id": cd, "name": "12345热线", "scopes": ["intake"]})),
            )
            .await;
        let token = r.body["secret"].as_str().unwrap().to_owned();
        let c = client();
        let send = |key: &'static str, body: serde_json::Value| {
            c.post(format!("{}/api/v1/leads", app.base))
                .bearer_auth(&token)
                .header("idempotency-key", key)
                .json(&body)
                .send()
        };
        let body = json!({"channel": "hotline", "reporter_name": "王女士", "reporter_phone": "13900001111",
                          "text": "解放路菜场门口占道经营", "division_code": "339901001", "item_code": "ZJ-CSGL-CF-0001"});
        let r = send("hotline-1", body.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let first: serde_json::Value = r.json().await.unwrap();
        assert!(first["tracking_number"].as_str().unwrap().starts_with('L'));
        let r = send("hotline-1", body.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "a retry is not a new lead");
        let again: serde_json::Value = r.json().await.unwrap();
        assert_eq!(again["id"], first["id"]);
        // Another report of the same matter at the same place is linked, not handled twice.
        let r = send("hotline-2", body).await.unwrap();
        let dup: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            (dup["status"].as_str(), dup["duplicate_of"].as_i64()),
            (Some("duplicate"), first["id"].as_i64())
        );
        // Bad input names the field.
        let r = send("hotline-3", json!({"channel": "pigeon", "text": "x"}))
            .await
            .unwrap();
        let e: serde_json::Value = r.json().await.unwrap();
        assert_eq!(e["details"]["field"], "channel");
        let r = send(
            "hotline-4",
            json!({"channel": "hotline", "text": "x", "item_code": "NOPE"}),
        )
        .await
        .unwrap();
        let e: serde_json::Value = r.json().await.unwrap();
        assert_eq!(e["details"]["field"], "item_code");
        // The receiving street sees the reporter; the county office sees it masked.
        let street = app.sign_in("cd.1").await;
        let id = first["id"].as_i64().unwrap();
        let r = street.get(&format!("/api/v1/leads/{id}")).await;
        assert_eq!(r.body["reporter_phone"], "13900001111");
        let office = app.sign_in("office").await;
        let r = office.get(&format!("/api/v1/leads/{id}")).await;
        assert_eq!(r.body["reporter_phone"], "139****1111");
        assert_eq!(r.body["reporter_name"], "王**");
        app.db.store.verify_chain().await.unwrap();
    }
);

engine_test!(
    a_received_lead_waits_in_the_inbox_with_its_sign_for_clock_until_signed,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let grid = app.sign_in("cd.grid1").await;
        let r = grid.call(Method::POST, "/api/v1/leads", Some(json!({"channel": "grid", "text": "河道边有人倾倒建筑垃圾", "lon": 118.65, "lat": 28.75}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let officer = app.sign_in("cd.1").await;
        let inbox = officer.get("/api/v1/inbox").await;
        let clock = inbox
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["subject_type"] == "lead")
            .cloned()
            .unwrap();
        assert_eq!(clock["rule_id"], "lead.sign_for");
        assert_eq!(clock["duration"], "2小时");
        let r = officer
            .call(Method::POST, &format!("/api/v1/leads/{id}/sign"), None)
            .await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (StatusCode::OK, Some("signed"))
        );
        let r = officer
            .call(Method::POST, &format!("/api/v1/leads/{id}/sign"), None)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let inbox = officer.get("/api/v1/inbox").await;
        assert!(
            inbox
                .body
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["subject_type"] != "lead"),
            "the clock is satisfied"
        );
        let list = officer.get("/api/v1/leads").await;
        assert_eq!(list.body["total"], 1);
        let auditor = app.sign_in("auditor").await;
        let r = auditor
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(json!({"channel": "patrol", "text": "x"})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "auditors do not register leads"
        );
    }
);

engine_test!(
    a_grid_member_registers_a_lead_from_the_phone_form,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        xiezhi_store::demo::load_catalog(&app.db.store, "t", xiezhi_store::testing::now())
            .await
            .unwrap();
        let grid = app.sign_in("cd.grid1").await;
        let (status, html) = grid.page("/leads/new").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("使用当前位置") && html.contains("网格上报"));
        let (status, html) = grid
            .form(
                "/leads",
                &[("channel", "grid"), ("text", ""), ("reporter_phone", "12")],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            html.contains("role=\"alert\""),
            "the error is shown on the form"
        );
        let (status, _) = grid
            .form(
                "/leads",
                &[
                    ("channel", "grid"),
                    ("text", "垃圾桶满溢"),
                    ("address", "城东街道解放路"),
                    ("lon", "118.65"),
                    ("lat", "28.75"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let list = grid.get("/api/v1/leads").await;
        assert_eq!(
            list.body["items"][0]["division_code"], "339901001",
            "placed by the boundary"
        );
        let (status, html) = grid.page("/leads").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("垃圾桶满溢"));
    }
);

engine_test!(
    the_public_complains_without_signing_in_and_looks_up_the_status_by_phone,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let c = client();
        let html = c
            .get(format!("{}/complaint", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let post = |text: &str, phone: &str| {
            c.post(format!("{}/complaint", app.base))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("text", text),
                    ("reporter_phone", phone),
                    ("reporter_name", "李先生"),
                ])
                .send()
        };
        let r = post("楼下饭店油烟直排", "").await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "a phone is required");
        assert!(
            r.text().await.unwrap().contains("联系电话"),
            "the form says why"
        );
        let r = post("楼下饭店油烟直排", "13700003333").await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        let tracking = tracking_in(&html);
        assert!(tracking.starts_with('L'));
        let lookup = |phone: &'static str| {
            c.post(format!("{}/complaint/lookup", app.base))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("tracking", tracking.as_str()),
                    ("phone", phone),
                ])
                .send()
        };
        let r = lookup("13900000000").await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "another phone sees nothing"
        );
        let r = lookup("13700003333").await.unwrap();
        let html = r.text().await.unwrap();
        assert!(
            html.contains("待签收") && !html.contains("油烟直排"),
            "status only, no internal details"
        );
        let office = app.sign_in("office").await;
        let leads = office.get("/api/v1/leads").await;
        assert_eq!(
            leads.body["items"][0]["reporter_phone"], "13700003333",
            "the receiving office sees the reporter"
        );
        // Rate limit: five attempts per client in ten minutes (the refused one counts too).
        for i in 0..3 {
            let r = post(&format!("第{i}件"), "13700003333").await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
        }
        let r = post("第六件", "13700003333").await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    }
);
