//! The catalog through HTTP: browse and search (also without signing in), routing, the
//! may-penalise check, import errors and the export round trip.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

engine_test!(
    the_public_catalog_is_searchable_without_signing_in,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_catalog().await;
        let c = client();
        let r = c
            .get(format!("{}/public/catalog?q=占道", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("对在城市道路上占道经营的行政处罚"));
        assert!(
            !html.contains("对违反规定焚烧秸秆"),
            "the search narrows the list"
        );
        let r = c
            .get(format!("{}/public/catalog/items/ZJ-CSGL-CF-0001", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("裁量基准") && html.contains("赋权") && html.contains("城东街道"));
        let r = c
            .get(format!("{}/public/catalog/items/NOPE", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
);

engine_test!(
    routing_names_the_competent_org_or_the_office_that_designates,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_catalog().await;
        let s = app.sign_in("office").await;
        let r = s
            .get("/api/v1/catalog/resolve?item=ZJ-CSGL-CF-0001&division=339901001&date=2024-03-01")
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            (r.body["found"].as_bool(), r.body["mode"].as_str()),
            (Some(true), Some("granted"))
        );
        assert_eq!(r.body["competent_org_name"], "城东街道");
        assert!(r.body["answer"].as_str().unwrap().contains("赋权"));
        let r = s
            .get("/api/v1/catalog/resolve?item=ZJ-CSGL-CF-0001&division=339901001&date=2022-03-01")
            .await;
        assert_eq!(
            r.body["competent_org_name"], "云溪县综合行政执法局",
            "before the grant"
        );
        let r = s
            .get("/api/v1/catalog/resolve?item=ZJ-CSGL-CF-0001&division=339902001")
            .await;
        assert_eq!(r.body["found"], false);
        assert_eq!(
            r.body["designate_org_name"],
            "云溪县行政执法统筹协调指挥办公室"
        );
        let r = s
            .get("/api/v1/catalog/resolve?item=ZJ-CSGL-CF-0001&division=12")
            .await;
        assert_eq!(r.body["details"]["field"], "division_code");
        let r = s
            .get("/api/v1/catalog/resolve?item=NOPE&division=339901001")
            .await;
        assert_eq!(r.body["details"]["field"], "item");
        let bureau = app.org_id("YX-ZHZF").await;
        let r = s.get(&format!("/api/v1/catalog/may-penalise?item=ZJ-CSGL-CF-0001&division=339901001&org_id={bureau}")).await;
        assert_eq!(r.body["allowed"], false);
        assert!(r.body["reason"].as_str().unwrap().contains("检查和监督"));
        let street = app.sign_in("cd.1").await;
        let r = street
            .get("/api/v1/catalog/may-penalise?item=ZJ-CSGL-CF-0001&division=339901001")
            .await;
        assert_eq!(r.body["allowed"], true, "defaults to the caller's org");
    }
);

engine_test!(
    catalog_imports_report_bad_rows_and_exports_re_import_unchanged,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_catalog().await;
        let admin = app.sign_in("sysadmin").await;
        let bad = CATALOG_ASSIGNMENTS.replace("YX-CD,granted,YX-CD", "YX-NOWHERE,granted,YX-CD");
        let r = admin
            .send_text(Method::POST, "/api/v1/catalog/import/assignments", &bad)
            .await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("import_rows"))
        );
        assert_eq!(r.body["details"]["rows"][0]["field"], "holder_org_code");
        let items = admin
            .client
            .get(format!("{}/api/v1/catalog/export/items", app.base))
            .send()
            .await
            .unwrap();
        assert!(
            items.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let items = items.text().await.unwrap();
        let r = admin
            .send_text(Method::POST, "/api/v1/catalog/import/items", &items)
            .await;
        assert_eq!(
            (r.body["created"].as_i64(), r.body["unchanged"].as_i64()),
            (Some(0), Some(4)),
            "{}",
            r.body
        );
        let list = admin.get("/api/v1/catalog/items?set=township_must").await;
        assert_eq!(list.body["total"], 2);
        let r = admin.get("/api/v1/catalog/items?kind=spaceship").await;
        assert_eq!(r.body["details"]["field"], "kind");
        let m = admin.get("/api/v1/catalog/matrix").await;
        let rows = m.body["rows"].as_array().unwrap();
        assert!(
            rows.iter()
                .any(|r| r["cells"].as_array().unwrap().iter().any(|c| c == "委托"))
        );
        let (status, html) = admin.page("/catalog/matrix").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("赋权") && html.contains("配合"));
    }
);

engine_test!(
    the_reform_indicators_are_computed_from_the_demo_catalog,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        xiezhi_store::demo::load_catalog(&app.db.store, "t", xiezhi_store::testing::now())
            .await
            .unwrap();
        let s = app.sign_in("leader").await;
        let r = s.get("/api/v1/catalog/indicators?date=2024-06-01").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let i = &r.body["indicators"];
        assert_eq!(i["items"], 139);
        assert!(i["bureau_share"].as_f64().unwrap() > 0.22, "{i}");
        assert_eq!(i["townships"].as_array().unwrap().len(), 8);
        assert!(i["must_items"].as_i64().unwrap() > 0);
        let r = s.get("/api/v1/catalog/indicators?date=2024-13-01").await;
        assert_eq!(r.body["details"]["field"], "date");
        let (status, html) = s.page("/catalog/indicators").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("综合执法事项占比") && html.contains("城东街道"));
    }
);

engine_test!(
    a_point_routes_through_the_township_boundaries,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        xiezhi_store::demo::load_catalog(&app.db.store, "t", xiezhi_store::testing::now())
            .await
            .unwrap();
        let s = app.sign_in("office").await;
        // 城东街道 is the first rectangle: 118.60–118.70°E, 28.70–28.80°N.
        let items = s.get("/api/v1/catalog/items?set=township_must").await;
        let item = items.body["items"][0]["code"].as_str().unwrap().to_owned();
        let r = s
            .get(&format!(
                "/api/v1/catalog/resolve?item={item}&lon=118.65&lat=28.75&date=2024-06-01"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["division_code"], "339901001");
        let r = s
            .get(&format!(
                "/api/v1/catalog/resolve?item={item}&lon=116.0&lat=30.0"
            ))
            .await;
        assert_eq!(
            r.body["details"]["field"], "lat",
            "a point outside every boundary"
        );
        let r = s.get(&format!("/api/v1/catalog/resolve?item={item}")).await;
        assert_eq!(r.body["details"]["field"], "division_code");
        let admin = app.sign_in("sysadmin").await;
        let r = admin
            .send_text(
                Method::POST,
                "/api/v1/catalog/import/boundaries",
                "{not geojson",
            )
            .await;
        assert_eq!(r.body["code"], "import_rows");
        let unknown = xiezhi_store::demo::DEMO_BOUNDARIES.replace("339901008", "339977008");
        let r = admin
            .send_text(Method::POST, "/api/v1/catalog/import/boundaries", &unknown)
            .await;
        assert_eq!(
            r.body["details"]["rows"][0]["field"], "division_code",
            "{}",
            r.body
        );
        let r = admin
            .send_text(
                Method::POST,
                "/api/v1/catalog/import/boundaries",
                xiezhi_store::demo::DEMO_BOUNDARIES,
            )
            .await;
        assert_eq!(r.body["loaded"], 8);
    }
);

engine_test!(
    xlsx_exports_re_import_unchanged_and_a_preview_writes_nothing,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_catalog().await;
        let admin = app.sign_in("sysadmin").await;
        for kind in ["items", "assignments"] {
            let r = admin
                .client
                .get(format!(
                    "{}/api/v1/catalog/export/{kind}?format=xlsx",
                    app.base
                ))
                .send()
                .await
                .unwrap();
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .contains("spreadsheetml")
            );
            let bytes = r.bytes().await.unwrap();
            assert!(bytes.starts_with(b"PK"));
            let r = admin
                .client
                .post(format!("{}/api/v1/catalog/import/{kind}", app.base))
                .header("x-csrf-token", &admin.csrf)
                .body(bytes.to_vec())
                .send()
                .await
                .unwrap();
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(
                (body["created"].as_i64(), body["versioned"].as_i64()),
                (Some(0), Some(0)),
                "{kind}: {body}"
            );
        }
        // A preview reports what would change and writes nothing.
        let more = format!(
            "{CATALOG_ITEMS}ZJ-NEW-CF-0009,对新情形的行政处罚,城市管理,penalty,《条例》,第一条,第二条,YX-ZJJ,local,false,,2024-01-01\n"
        );
        let r = admin
            .send_text(
                Method::POST,
                "/api/v1/catalog/import/items?preview=true",
                &more,
            )
            .await;
        assert_eq!(
            (r.body["created"].as_i64(), r.body["unchanged"].as_i64()),
            (Some(1), Some(4)),
            "{}",
            r.body
        );
        assert_eq!(
            admin
                .get("/api/v1/catalog/items/ZJ-NEW-CF-0009")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let (status, html) = admin
            .upload(
                "/catalog/import/upload",
                &[
                    ("kind".into(), "items".into()),
                    ("preview".into(), "1".into()),
                ],
                &more,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("预览（未写入）：将新增 1"), "{html}");
        let (status, _) = admin
            .upload(
                "/catalog/import/upload",
                &[("kind".into(), "items".into())],
                &more,
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            admin
                .get("/api/v1/catalog/items/ZJ-NEW-CF-0009")
                .await
                .status,
            StatusCode::OK
        );
        let r = admin
            .send_text(
                Method::POST,
                "/api/v1/catalog/import/items",
                "\u{ff}\u{fe}garbage",
            )
            .await;
        assert!(r.status.is_client_error());
        let letters = admin.get("/api/v1/catalog/letters").await;
        assert_eq!(letters.body[0]["letter_number"], "云综执委〔2023〕12号");
        assert_eq!(letters.body[0]["entrusted_org_name"], "青石镇");
    }
);
