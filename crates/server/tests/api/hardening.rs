//! The holes an outside test found (issue 21), each kept closed: NUL characters, oversized
//! bodies, request ids and login names from requests without a sign-in.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

engine_test!(
    a_nul_character_is_refused_naming_its_field_on_every_route_and_engine,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let client = reqwest::Client::new();
        // Sign-in needs no session: JSON and the page's form.
        let r = client
            .post(format!("{}/api/v1/session", app.base))
            .json(&json!({"login": "office\u{0}", "password": "demo"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["details"]["field"], "login", "{body}");
        let r = client
            .post(format!("{}/login", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("login=office%00&password=demo")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.text().await.unwrap().contains("NUL"));
        // Signed in: a body, a query, a path.
        let cd = app.sign_in("cd.1").await;
        let r = cd
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(json!({"channel": "department", "text": "占道\u{0}经营", "address": "城东路1号"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.body["details"]["field"], "text");
        let r = cd.get("/api/v1/leads?q=%00").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.body["details"]["field"], "q");
        let r = cd.get("/api/v1/leads/1%00").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        // A backslash-u written as text is text.
        let r = cd
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(json!({"channel": "department", "text": "路牌写着\\u0000", "address": "城东路1号"})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }
);

engine_test!(
    an_oversized_body_is_413_and_odd_request_ids_and_long_logins_stay_out_of_the_record,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let cd = app.sign_in("cd.1").await;
        let r = cd
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(json!({"channel": "department", "text": "长".repeat(1_000_000), "address": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
        assert_eq!(r.body["code"], "too_large");
        // A request id: a plain one is kept, anything else replaced by the platform's own.
        let client = reqwest::Client::new();
        let ask = |id: &'static str| {
            client
                .post(format!("{}/api/v1/session", app.base))
                .header("x-request-id", id)
                .json(&json!({"login": "x".repeat(100_000), "password": "wrong"}))
                .send()
        };
        let r = ask("hotline-2026-000123").await.unwrap();
        assert_eq!(r.headers()["x-request-id"], "hotline-2026-000123");
        let r = ask("<script>alert(1)</script> and much more")
            .await
            .unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(!id.contains('<') && id.len() <= 64, "{id}");
        // The failed sign-ins with a 100,000-character login wrote short events.
        let (events, _) = app
            .db
            .store
            .list_events(&xiezhi_store::record::EventFilter::default(), 1, 50)
            .await
            .unwrap();
        let logins: Vec<_> = events
            .iter()
            .filter(|e| e.subject_type == "login")
            .collect();
        assert!(logins.len() >= 2, "{logins:?}");
        for e in logins {
            assert!(e.subject_id.chars().count() <= 32, "{}", e.subject_id);
            assert!(e.request_id.len() <= 64 && !e.request_id.contains('<'));
        }
    }
);

engine_test!(
    a_days_hundred_thousandth_lead_is_numbered_and_the_next_ones_too,
    async |db: TestDb| {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        let app = spawn_app(db).await;
        let cd = app.sign_in("cd.1").await;
        let lead = |i: usize| json!({"channel": "department", "text": format!("第{i}条线索"), "address": "城东路1号"});
        let first = cd.call(Method::POST, "/api/v1/leads", Some(lead(0))).await;
        assert!(first.status.is_success(), "{}", first.body);
        let number = first.body["tracking_number"].as_str().unwrap().to_owned();
        let prefix = &number[..number.len() - 5];
        // A busy day: 99,998 numbers already issued.
        xiezhi_store::entities::number_sequence::ActiveModel {
            prefix: Set(prefix.to_owned()),
            last: Set(99_998),
        }
        .update(app.db.store.db())
        .await
        .unwrap();
        let mut numbers = vec![];
        for i in 1..=3 {
            let r = cd.call(Method::POST, "/api/v1/leads", Some(lead(i))).await;
            assert!(r.status.is_success(), "{}", r.body);
            numbers.push(r.body["tracking_number"].as_str().unwrap().to_owned());
        }
        assert_eq!(
            numbers,
            [
                format!("{prefix}99999"),
                format!("{prefix}100000"),
                format!("{prefix}100001")
            ]
        );
    }
);

engine_test!(
    changing_ones_password_signs_out_ones_other_sessions_and_keeps_this_one,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let office_pc = app.sign_in("cd.1").await;
        let phone = app.sign_in("cd.1").await;
        let r = phone
            .call(
                Method::PUT,
                "/api/v1/me/password",
                Some(json!({"old_password": DEMO_PASSWORD, "new_password": "Chengdong-2026!"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(phone.get("/api/v1/me").await.status, StatusCode::OK);
        assert_eq!(
            office_pc.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "the other computer is signed out"
        );
    }
);

engine_test!(
    open311_discovery_names_the_configured_address_never_the_clients_host,
    async |db: TestDb| {
        let discovery = |app: &TestApp| {
            reqwest::Client::new()
                .get(format!("{}/open311/v2/discovery.json", app.base))
                .header("host", "evil.example")
                .send()
        };
        let app = spawn_app_with(db, |s| {
            s.with_public_url(Some("https://zf.example.gov.cn/".into()))
        })
        .await;
        let d: serde_json::Value = discovery(&app).await.unwrap().json().await.unwrap();
        assert_eq!(
            d["endpoints"][0]["url"],
            "https://zf.example.gov.cn/open311/v2"
        );
        let plain = spawn_app(TestDb::sqlite().await).await;
        let d: serde_json::Value = discovery(&plain).await.unwrap().json().await.unwrap();
        assert_eq!(
            d["endpoints"][0]["url"], "/open311/v2",
            "relative, not the Host"
        );
    }
);

engine_test!(
    open311_publishes_text_reply_and_address_masked_in_every_spelling,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_catalog().await;
        let key = crate::open311::api_key(&app, "YX-ZFB").await;
        let c = client();
        let base = format!("{}/open311/v2", app.base);
        let services: serde_json::Value = c
            .get(format!("{base}/services.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = services[0]["service_code"].as_str().unwrap().to_owned();
        let form = [
            ("api_key", key.as_str()),
            ("jurisdiction_id", "339901"),
            ("service_code", code.as_str()),
            ("lat", "28.7"),
            ("long", "118.7"),
            ("address_string", "解放路88号3幢201室"),
            ("phone", "13900006666"),
            (
                "description",
                "邻居王秀英在楼道堆放杂物，电话 138-1234-5678，身份证３３０１０２１９９００１０１１２３Ｘ，邮箱wang.xy@example.cn",
            ),
        ];
        let r = c
            .post(format!("{base}/requests.json"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let created: serde_json::Value = r.json().await.unwrap();
        let tracking = created[0]["service_request_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let lead = app
            .db
            .store
            .lead_by_tracking(&tracking)
            .await
            .unwrap()
            .unwrap();
        // The office closes it with a reply that names the officer and a phone.
        let office = app.sign_in("office").await;
        let r = office
            .call(
                Method::POST,
                &format!("/api/v1/leads/{}/sign", lead.id),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = office
            .call(
                Method::POST,
                &format!("/api/v1/leads/{}/no-violation", lead.id),
                Some(json!({"reply": "经执法队员陈晓明现场核查，杂物已清理，如有疑问请致电0570-88886666"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let one: serde_json::Value = c
            .get(format!("{base}/requests/{tracking}.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let req = &one[0];
        assert_eq!(req["status"], "closed", "{req}");
        assert_eq!(
            req["description"],
            "邻居王**在楼道堆放杂物，电话 138-****-**78，身份证３３０*************３Ｘ，邮箱w***@example.cn"
        );
        assert_eq!(
            req["status_notes"],
            "经执法队员陈**现场核查，杂物已清理，如有疑问请致电057*-******66"
        );
        assert_eq!(req["address"], "解放路**");
        // The list says the same as the single request.
        let all: serde_json::Value = c
            .get(format!(
                "{base}/requests.json?service_request_id={tracking}"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(all[0]["description"], req["description"]);
        for secret in ["王秀英", "5678", "陈晓明", "88号", "wang.xy"] {
            assert!(!all.to_string().contains(secret), "{secret} in {all}");
        }
    }
);

engine_test!(
    the_audit_administrator_reads_and_exports_the_security_log_and_the_export_is_logged,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        assert!(app.sign_in_with("cd.1", "wrong-password").await.is_err());
        let sec = app.sign_in("secadmin").await;
        let cd1 = app.person_id("cd.1").await;
        let r = sec
            .call(Method::POST, &format!("/api/v1/people/{cd1}/unlock"), None)
            .await;
        assert!(r.status.is_success(), "{}", r.body);
        // Only the audit side reads it.
        assert_eq!(
            sec.get("/api/v1/security-log").await.status,
            StatusCode::FORBIDDEN
        );
        let audit = app.sign_in("auditadmin").await;
        let log = audit.get("/api/v1/security-log").await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.body);
        let kinds: Vec<&str> = log.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert!(kinds.contains(&"auth.login_failed"), "{kinds:?}");
        assert!(kinds.contains(&"auth.unlocked"), "{kinds:?}");
        assert!(
            kinds
                .iter()
                .all(|k| !k.starts_with("lead.") && !k.starts_with("demo.")),
            "only security events: {kinds:?}"
        );
        let r = audit.get("/api/v1/security-log?kind=lead.received").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.body["details"]["field"], "kind");
        // Exported as CSV a spreadsheet opens; the export is itself in the log.
        let csv = audit
            .client
            .post(format!("{}/api/v1/security-log/export", app.base))
            .header("x-csrf-token", &audit.csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(
            csv.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("filename*=UTF-8''")
        );
        let bytes = csv.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for spreadsheets");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("序号,时间,事件,操作人"), "{text}");
        assert!(
            text.contains("登录失败") && text.contains("解除锁定"),
            "{text}"
        );
        let log = audit
            .get("/api/v1/security-log?kind=security_log.exported")
            .await;
        assert_eq!(log.body["total"], 1, "{}", log.body);
        // The page, with the same filters and the export link.
        let (status, html) = audit.page("/security-log?kind=auth.login_failed").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("登录失败")
                && html.contains("action=\"/security-log/export\"")
                && html.contains("name=\"kind\" value=\"auth.login_failed\""),
            "{html}"
        );
    }
);
