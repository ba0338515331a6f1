//! Sign-in, sessions, throttling, tokens, the separation of administrators, imports.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

engine_test!(
    a_person_signs_in_sees_themself_and_signs_out,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let s = app.sign_in("cd.1").await;
        let me = s.get("/api/v1/me").await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.body["login"], "cd.1");
        assert!(
            !me.body["phone"].as_str().unwrap().contains('*'),
            "one's own data unmasked"
        );
        let r = s.call(Method::DELETE, "/api/v1/session", None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(s.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    }
);

engine_test!(
    repeated_failures_lock_the_login_until_the_security_administrator_unlocks_it,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        for _ in 0..5 {
            let r = app.sign_in_with("cd.2", "wrong").await.err().unwrap();
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            assert_eq!(r.body["code"], "bad_credentials");
        }
        let r = app.sign_in_with("cd.2", DEMO_PASSWORD).await.err().unwrap();
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.body["code"], "locked");
        let sec = app.sign_in("secadmin").await;
        let id = app.person_id("cd.2").await;
        assert_eq!(
            sec.call(Method::POST, &format!("/api/v1/people/{id}/unlock"), None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert!(app.sign_in_with("cd.2", DEMO_PASSWORD).await.is_ok());
    }
);

engine_test!(
    no_administrator_administers_their_own_account_or_another_administrators_job,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let sec = app.sign_in("secadmin").await;
        let sec_id = app.person_id("secadmin").await;
        let r = sec
            .call(
                Method::PUT,
                &format!("/api/v1/people/{sec_id}/roles"),
                Some(json!({"roles": ["security_admin", "leader"]})),
            )
            .await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("own_account"))
        );
        let sys = app.sign_in("sysadmin").await;
        let sys_id = app.person_id("sysadmin").await;
        let r = sys
            .call(
                Method::POST,
                &format!("/api/v1/people/{sys_id}/deactivate"),
                None,
            )
            .await;
        assert_eq!(r.body["code"], "own_account");
        // The system administrator cannot grant roles or set passwords; the security
        // administrator cannot create people; the audit administrator changes nothing.
        let target = app.person_id("cd.1").await;
        let r = sys
            .call(
                Method::PUT,
                &format!("/api/v1/people/{target}/roles"),
                Some(json!({"roles": ["leader"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = sys
            .call(Method::POST, "/api/v1/people", Some(json!({"login": "new.one", "name": "新人", "org_id": app.org_id("YX-CD").await, "roles": ["system_admin"]})))
            .await;
        assert_eq!(
            r.body["details"]["field"], "roles",
            "admin roles are not granted by the system administrator"
        );
        let r = sec
            .call(Method::POST, "/api/v1/people", Some(json!({"login": "new.two", "name": "新人", "org_id": app.org_id("YX-CD").await})))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let audit = app.sign_in("auditadmin").await;
        let r = audit
            .call(
                Method::PUT,
                &format!("/api/v1/people/{target}/password"),
                Some(json!({"password": "abcd1234"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Two administrator roles on one person are refused.
        let r = sec
            .call(
                Method::PUT,
                &format!("/api/v1/people/{target}/roles"),
                Some(json!({"roles": ["system_admin", "audit_admin"]})),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "roles");
    }
);

engine_test!(
    a_new_person_signs_in_once_the_security_administrator_sets_a_password,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let sys = app.sign_in("sysadmin").await;
        let r = sys
            .call(
                Method::POST,
                "/api/v1/people",
                Some(json!({"login": "Li.Ming", "name": "李明", "org_id": app.org_id("YX-QS").await, "roles": ["officer"], "phone": "13900001234"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["login"], "li.ming");
        assert!(app.sign_in_with("li.ming", "anything").await.is_err());
        let sec = app.sign_in("secadmin").await;
        let r = sec
            .call(
                Method::PUT,
                &format!("/api/v1/people/{id}/password"),
                Some(json!({"password": "short"})),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "password");
        assert!(
            r.body["message"].as_str().unwrap().contains("12"),
            "{}",
            r.body
        );
        // The rule (GB/T 22239 8.1.4.1): three kinds, not the login, not a common one.
        for (bad, why) in [
            ("abcdefghijkl", "三种"),
            ("Li.Ming-2026-x", "登录名"),
            ("P@ssw0rd1234", "常见"),
        ] {
            let r = sec
                .call(
                    Method::PUT,
                    &format!("/api/v1/people/{id}/password"),
                    Some(json!({ "password": bad })),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
            assert!(
                r.body["message"].as_str().unwrap().contains(why),
                "{}",
                r.body
            );
        }
        let r = sec
            .call(
                Method::PUT,
                &format!("/api/v1/people/{id}/password"),
                Some(json!({"password": "Start-2026-Yunxi"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let me = app
            .sign_in_with("li.ming", "Start-2026-Yunxi")
            .await
            .ok()
            .unwrap();
        let r = me
            .call(
                Method::PUT,
                "/api/v1/me/password",
                Some(json!({"old_password": "Start-2026-Yunxi", "new_password": "Mine-2026-Chengdong"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(
            app.sign_in_with("li.ming", "Mine-2026-Chengdong")
                .await
                .is_ok()
        );
        // Deactivated people cannot sign in and their sessions end.
        assert_eq!(
            sys.call(
                Method::POST,
                &format!("/api/v1/people/{id}/deactivate"),
                None
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(me.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
        assert!(
            app.sign_in_with("li.ming", "Mine-2026-Chengdong")
                .await
                .is_err()
        );
    }
);

engine_test!(
    api_tokens_are_scoped_revocable_and_stored_hashed,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let sec = app.sign_in("secadmin").await;
        let r = sec
            .call(
                Method::POST,
                "/api/v1/tokens",
                Some(json!({"name": "目录同步", "scopes": ["read"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let secret = r.body["secret"].as_str().unwrap().to_owned();
        let id = r.body["id"].as_i64().unwrap();
        let c = client();
        let get = |path: &str| {
            c.get(format!("{}{path}", app.base))
                .bearer_auth(&secret)
                .send()
        };
        assert_eq!(get("/api/v1/orgs").await.unwrap().status(), StatusCode::OK);
        assert_eq!(
            get("/api/v1/people").await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        // The database keeps only a digest.
        let tokens = app.db.store.tokens_under("/").await.unwrap();
        assert!(
            tokens
                .iter()
                .all(|t| t.token_hash != secret && t.token_hash.len() == 64)
        );
        assert_eq!(
            sec.call(Method::POST, &format!("/api/v1/tokens/{id}/revoke"), None)
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            get("/api/v1/orgs").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        let r = sec
            .call(
                Method::POST,
                "/api/v1/tokens",
                Some(json!({"name": "x", "scopes": ["everything"]})),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "scopes");
    }
);

engine_test!(
    a_csv_import_with_a_bad_row_reports_every_bad_row_and_writes_nothing,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let sys = app.sign_in("sysadmin").await;
        let bad = "code,name,kind,level,parent_code,division_code\nYX-NEW1,新科室,department,county,YX-GOV,339901\nYX-NEW2,,department,county,YX-GOV,339901\nYX-NEW3,另一科室,nonsense,county,YX-NOPE,339901\n";
        let r = sys
            .send_text(Method::POST, "/api/v1/import/orgs", bad)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.body["code"], "import_rows");
        let rows = r.body["details"]["rows"].as_array().unwrap();
        let at: Vec<(i64, &str)> = rows
            .iter()
            .map(|e| (e["line"].as_i64().unwrap(), e["field"].as_str().unwrap()))
            .collect();
        assert!(
            at.contains(&(3, "name"))
                && at.contains(&(4, "kind"))
                && at.contains(&(4, "parent_code")),
            "{at:?}"
        );
        assert!(app.db.store.org_by_code("YX-NEW1").await.unwrap().is_none());
        let good = "code,name,kind,level,parent_code,division_code\nYX-NEW1,新科室,department,county,YX-GOV,339901\nYX-NEW1A,新科室一所,派驻机构,township,YX-NEW1,339901001\n";
        let r = sys
            .send_text(Method::POST, "/api/v1/import/orgs", good)
            .await;
        assert_eq!(
            (r.status, r.body["imported"].as_i64()),
            (StatusCode::OK, Some(2))
        );
        let people = "login,name,org_code,roles,phone,certificate_number,certificate_domains,certificate_valid_until,training_year,training_hours\nnew.a,新甲,YX-NEW1A,officer,13900000001,ZJNEW0001,市场监管,2029-06-30,2026,42\n";
        let r = sys
            .send_text(Method::POST, "/api/v1/import/people", people)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        app.db.store.verify_chain().await.unwrap();
    }
);
