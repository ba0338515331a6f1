//! Two-factor sign-in (issue 21, 等保 level 3 identity): administrators (三员) must turn it on
//! before anything else; everyone may. A code is accepted once, a recovery code once, a wrong
//! code counts as a failed sign-in, and the security administrator resets a lost phone.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xiezhi_domain::totp;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;
use xiezhi_store::time::TimeSource;

async fn sign_in_code(app: &TestApp, login: &str, code: Option<&str>) -> (StatusCode, Value) {
    let r = client()
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"login": login, "password": DEMO_PASSWORD, "code": code}))
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

/// Turn it on for a signed-in person; the secret and the recovery codes.
async fn enrol(s: &Session, at: i64) -> (String, Vec<String>) {
    let en = s
        .call(Method::POST, "/api/v1/me/second-factor/secret", None)
        .await;
    assert_eq!(en.status, StatusCode::OK, "{}", en.body);
    let secret = en.body["secret"].as_str().unwrap().to_owned();
    assert!(en.body["qr_svg"].as_str().unwrap().starts_with("<?xml"));
    let wrong = s
        .call(
            Method::POST,
            "/api/v1/me/second-factor",
            Some(json!({"secret": secret, "code": "000000"})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.body["details"]["field"], "code");
    let code = totp::code_at(&secret, u64::try_from(at).unwrap());
    let on = s
        .call(
            Method::POST,
            "/api/v1/me/second-factor",
            Some(json!({"secret": secret, "code": code})),
        )
        .await;
    assert_eq!(on.status, StatusCode::CREATED, "{}", on.body);
    let codes: Vec<String> = on.body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), totp::RECOVERY_CODES);
    (secret, codes)
}

engine_test!(
    administrators_turn_on_two_factor_first_then_sign_in_with_a_code_used_once,
    async |db: TestDb| {
        let time = TimeSource::pinned(xiezhi_store::testing::now());
        let app = spawn_app_with(db, |s| {
            s.with_time(time.clone())
                .with_second_factor_for_admins(true)
        })
        .await;
        // The password opens only the enrolment for an administrator.
        let sec = app.sign_in("secadmin").await;
        let r = sec.get("/api/v1/people").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.body["code"], "second_factor_enrolment_required");
        assert_eq!(
            sec.get("/api/v1/me/second-factor").await.body["required"],
            true
        );
        let (status, _) = sec.page("/people").await;
        assert!(
            status.is_redirection(),
            "pages send the administrator to the enrolment"
        );
        let (status, html) = sec.page("/account/two-factor").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("<svg") && html.contains("须先开启两步验证"),
            "{html}"
        );
        // Others are not held up.
        let cd = app.sign_in("cd.1").await;
        assert_eq!(cd.get("/api/v1/leads").await.status, StatusCode::OK);
        // Turned on, the administrator works.
        let (secret, codes) = enrol(&sec, time.now().timestamp()).await;
        assert_eq!(sec.get("/api/v1/people").await.status, StatusCode::OK);
        // Signing in now needs the code; the enrolment's code is used already.
        let (st, body) = sign_in_code(&app, "secadmin", None).await;
        assert_eq!(
            (st, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("second_factor_required"))
        );
        let used = totp::code_at(&secret, u64::try_from(time.now().timestamp()).unwrap());
        let (st, body) = sign_in_code(&app, "secadmin", Some(&used)).await;
        assert_eq!(
            (st, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("bad_second_factor"))
        );
        time.set(time.now() + chrono::Duration::seconds(60));
        let fresh = totp::code_at(&secret, u64::try_from(time.now().timestamp()).unwrap());
        let (st, body) = sign_in_code(&app, "secadmin", Some(&fresh)).await;
        assert_eq!(st, StatusCode::OK, "{body}");
        let (st, _) = sign_in_code(&app, "secadmin", Some(&fresh)).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "a code opens once");
        // A recovery code, once, however it is spaced.
        let spaced = codes[0].replace('-', " ").to_uppercase();
        let (st, _) = sign_in_code(&app, "secadmin", Some(&spaced)).await;
        assert_eq!(st, StatusCode::OK);
        let (st, _) = sign_in_code(&app, "secadmin", Some(&codes[0])).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        // Wrong codes count as failures (with the reused recovery code): five lock the login.
        time.set(time.now() + chrono::Duration::seconds(60));
        for _ in 0..4 {
            let (st, _) = sign_in_code(&app, "secadmin", Some("123456")).await;
            assert_eq!(st, StatusCode::UNAUTHORIZED);
        }
        let right = totp::code_at(&secret, u64::try_from(time.now().timestamp()).unwrap());
        let (st, _) = sign_in_code(&app, "secadmin", Some(&right)).await;
        assert_eq!(
            st,
            StatusCode::TOO_MANY_REQUESTS,
            "locked, even with the right code"
        );
    }
);

engine_test!(
    anyone_may_turn_it_on_and_the_security_administrator_resets_a_lost_phone,
    async |db: TestDb| {
        let time = TimeSource::pinned(xiezhi_store::testing::now());
        let app = spawn_app_with(db, |s| s.with_time(time.clone())).await;
        let cd = app.sign_in("cd.1").await;
        assert_eq!(
            cd.get("/api/v1/me/second-factor").await.body["enabled"],
            false
        );
        let (secret, _) = enrol(&cd, time.now().timestamp()).await;
        let again = cd
            .call(
                Method::POST,
                "/api/v1/me/second-factor",
                Some(json!({"secret": secret, "code": "000000"})),
            )
            .await;
        assert_ne!(again.status, StatusCode::CREATED);
        let (st, _) = sign_in_code(&app, "cd.1", None).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        // The phone is lost: the security administrator resets it; the person's sessions end.
        let sec = app.sign_in("secadmin").await;
        let id = app.person_id("cd.1").await;
        let r = sec
            .call(
                Method::POST,
                &format!("/api/v1/people/{id}/second-factor/reset"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(cd.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
        let (st, _) = sign_in_code(&app, "cd.1", None).await;
        assert_eq!(st, StatusCode::OK);
        // Neither the person nor an officer may reset it.
        let cd = app.sign_in("cd.1").await;
        let r = cd
            .call(
                Method::POST,
                &format!("/api/v1/people/{id}/second-factor/reset"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // An administrator's account is reset at the server, not by another administrator.
        let audit_id = app.person_id("auditadmin").await;
        for path in [format!("/api/v1/people/{audit_id}/second-factor/reset")] {
            let r = sec.call(Method::POST, &path, None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            assert_eq!(r.body["code"], "account.administrator_reset_at_server");
        }
        let r = sec
            .call(
                Method::PUT,
                &format!("/api/v1/people/{audit_id}/password"),
                Some(json!({"password": "Taken-Over-2026"})),
            )
            .await;
        assert_eq!(r.body["code"], "account.administrator_reset_at_server");
        // Both acts are in the security log.
        let audit = app.sign_in("auditadmin").await;
        let log = audit.get("/api/v1/security-log").await;
        let kinds = log.body["items"].to_string();
        assert!(
            kinds.contains("person.second_factor_enabled")
                && kinds.contains("person.second_factor_reset"),
            "{kinds}"
        );
    }
);
