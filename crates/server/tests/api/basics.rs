//! Health, OpenAPI, the error shape, bad input.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

engine_test!(health_answers_ok, async |db: TestDb| {
    let app = spawn_bare(db).await;
    let r = client()
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().contains_key("x-request-id"));
});

engine_test!(
    the_openapi_description_covers_every_api_route,
    async |db: TestDb| {
        let app = spawn_bare(db).await;
        let doc: serde_json::Value = client()
            .get(format!("{}/api/v1/openapi.json", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        for (method, path) in crate::authz_walk::API_ROUTES {
            let p = paths
                .get(*path)
                .unwrap_or_else(|| panic!("{path} missing from OpenAPI"));
            assert!(
                p.get(method.to_lowercase()).is_some(),
                "{method} {path} missing"
            );
        }
        let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(
            documented,
            crate::authz_walk::API_ROUTES.len(),
            "every documented route is walked"
        );
    }
);

engine_test!(
    bad_input_gets_the_error_shape_naming_the_field,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let admin = app.sign_in("sysadmin").await;
        let gov = app.org_id("YX-GOV").await;
        let r = admin
            .call(
                Method::POST,
                "/api/v1/orgs",
                Some(serde_json::json!({"code": "X1", "name": "新机构", "kind": "department", "level": "county", "parent_id": gov, "division_code": "12345"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.body["code"], "invalid");
        assert_eq!(r.body["details"]["field"], "division_code");
        assert!(
            r.body["message"].as_str().unwrap().contains("行政区划代码")
                || r.body["message"].as_str().unwrap().contains("格式")
        );
        assert!(!r.body["request_id"].as_str().unwrap().is_empty());
        // Malformed JSON, wrong types, bad path and bad query are 400s with the same shape.
        let raw = admin
            .client
            .post(format!("{}/api/v1/orgs", app.base))
            .header("x-csrf-token", &admin.csrf)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value = raw.json().await.unwrap();
        assert_eq!(body["code"], "invalid");
        let r = admin
            .call(
                Method::POST,
                "/api/v1/orgs",
                Some(serde_json::json!({"name": 5})),
            )
            .await;
        assert!(r.status.is_client_error(), "{}", r.status);
        assert_eq!(r.body["code"], "invalid");
        assert_eq!(admin.get("/api/v1/orgs/abc").await.body["code"], "invalid");
        assert_eq!(
            admin.get("/api/v1/people?page=x").await.body["code"],
            "invalid"
        );
        assert_eq!(
            admin.get("/api/v1/orgs/999999").await.status,
            StatusCode::NOT_FOUND
        );
        let r = admin.get("/api/v1/nowhere").await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found"))
        );
        // Nothing half-written: the chain still verifies and no org was created.
        assert!(app.db.store.org_by_code("X1").await.unwrap().is_none());
        app.db.store.verify_chain().await.unwrap();
    }
);

engine_test!(
    writes_with_a_session_cookie_need_the_anti_forgery_header,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let admin = app.sign_in("sysadmin").await;
        let gov = app.org_id("YX-GOV").await;
        let r = admin
            .client
            .post(format!("{}/api/v1/orgs", app.base))
            .json(&serde_json::json!({"code": "NEW1", "name": "新机构", "kind": "department", "level": "county", "parent_id": gov, "division_code": "339901"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["code"], "csrf");
        // A web form without the field is refused too.
        let r = admin
            .client
            .post(format!("{}/orgs", app.base))
            .form(&[("code", "NEW2"), ("name", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(app.db.store.org_by_code("NEW1").await.unwrap().is_none());
    }
);

engine_test!(
    personal_data_is_masked_and_an_unmasked_view_is_recorded,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let target = app.person_id("cd.1").await;
        let leader = app.sign_in("leader").await;
        let r = leader
            .get(&format!("/api/v1/people/{target}?reveal=true"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body["phone"].as_str().unwrap().contains("****"),
            "leaders see masked phones"
        );
        let admin = app.sign_in("sysadmin").await;
        let r = admin
            .get(&format!("/api/v1/people/{target}?reveal=true"))
            .await;
        assert!(!r.body["phone"].as_str().unwrap().contains('*'));
        let auditor = app.sign_in("auditor").await;
        let r = auditor
            .get(&format!("/api/v1/events?subject_type=person&subject_id={target}&kind=person.personal_data_viewed"))
            .await;
        assert_eq!(r.body["total"], 1);
        let list = leader.get("/api/v1/people").await;
        assert!(
            list.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["phone"].as_str().is_none_or(|ph| ph.contains('*')))
        );
    }
);
