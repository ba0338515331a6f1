//! Open311 GeoReport v2 as a standard client uses it: discovery, services, definitions,
//! POST requests with api_key (form-encoded), GET requests with filters, single requests and
//! tokens, in JSON and XML, and the standard error lists.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

/// Form fields, the expected status, a word the description must contain.
type BadPost = (Vec<(&'static str, String)>, StatusCode, &'static str);

pub(crate) async fn api_key(app: &TestApp, org: &str) -> String {
    let sec = app.sign_in("secadmin").await;
    let id = app.org_id(org).await;
    let r = sec
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"org_id": id, "name": "城市服务App", "scopes": ["open311"]})),
        )
        .await;
    r.body["secret"].as_str().unwrap().to_owned()
}

engine_test!(
    a_standard_open311_client_files_and_follows_a_complaint_in_json_and_xml,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_catalog().await;
        let key = api_key(&app, "YX-ZFB").await;
        let c = client();
        let base = format!("{}/open311/v2", app.base);
        // Discovery and services in both formats.
        let d: Value = c
            .get(format!("{base}/discovery.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            d["endpoints"][0]["url"]
                .as_str()
                .unwrap()
                .ends_with("/open311/v2")
        );
        let r = c.get(format!("{base}/discovery.xml")).send().await.unwrap();
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/xml")
        );
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("<format>text/xml</format>")
        );
        let services: Value = c
            .get(format!("{base}/services.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let first = &services.as_array().unwrap()[0];
        let code = first["service_code"].as_str().unwrap().to_owned();
        assert_eq!(first["metadata"], true);
        let xml = c
            .get(format!("{base}/services.xml"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            xml.starts_with("<?xml")
                && xml.contains(&format!("<service_code>{code}</service_code>"))
        );
        let def: Value = c
            .get(format!("{base}/services/{code}.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(def["attributes"][0]["code"], "urgent");
        let xml = c
            .get(format!("{base}/services/{code}.xml"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(xml.contains("<attributes><attribute>") && xml.contains("<values><value>"));
        // POST a request (form-encoded, as the spec says), JSON answer.
        let form = [
            ("api_key", key.as_str()),
            ("jurisdiction_id", "339901"),
            ("service_code", code.as_str()),
            ("lat", "28.7"),
            ("long", "118.7"),
            ("address_string", "解放路88号"),
            ("first_name", "小明"),
            ("last_name", "陈"),
            ("phone", "13900006666"),
            ("description", "店门口长期占道堆放货物，电话13900006666"),
            ("media_url", "https://example.org/p/1.jpg"),
            ("attribute[urgent]", "false"),
        ];
        let r = c
            .post(format!("{base}/requests.json"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let created: Value = r.json().await.unwrap();
        let id = created[0]["service_request_id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(id.starts_with('L'));
        // The same in XML.
        let r = c
            .post(format!("{base}/requests.xml"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let xml = r.text().await.unwrap();
        assert!(
            xml.contains("<service_requests><request><service_request_id>L"),
            "{xml}"
        );
        // GET it back: who holds it and the statutory due time of the clock that holds it.
        let one: Value = c
            .get(format!("{base}/requests/{id}.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let req = &one[0];
        assert_eq!(req["status"], "open");
        assert_eq!(req["service_code"], code.as_str());
        assert_eq!(
            req["agency_responsible"],
            "云溪县行政执法统筹协调指挥办公室"
        );
        assert_eq!(req["media_url"], "https://example.org/p/1.jpg");
        assert!(
            req["description"].as_str().unwrap().contains("139******66"),
            "{req}"
        );
        assert!(!req.to_string().contains("陈小明"), "no personal data");
        let expected =
            chrono::DateTime::parse_from_rfc3339(req["expected_datetime"].as_str().unwrap())
                .unwrap();
        let requested =
            chrono::DateTime::parse_from_rfc3339(req["requested_datetime"].as_str().unwrap())
                .unwrap();
        assert_eq!(
            (expected - requested).num_hours(),
            2,
            "the 2-hour sign-for clock"
        );
        let xml = c
            .get(format!("{base}/requests/{id}.xml"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            xml.contains(
                "<agency_responsible>云溪县行政执法统筹协调指挥办公室</agency_responsible>"
            )
        );
        // Filters.
        let list: Value = c
            .get(format!(
                "{base}/requests.json?service_code={code}&status=open&jurisdiction_id=339901"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 2);
        let list: Value = c
            .get(format!("{base}/requests.json?status=closed"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(list.as_array().unwrap().is_empty());
        let list: Value = c
            .get(format!(
                "{base}/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(list.as_array().unwrap().is_empty());
        let list: Value = c
            .get(format!("{base}/requests.json?service_request_id={id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        let tok: Value = c
            .get(format!("{base}/tokens/{id}.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(tok[0]["service_request_id"], id.as_str());
        // Closed with a reply: status notes carry it.
        let office = app.sign_in("office").await;
        let lead = app
            .db
            .store
            .lead_by_tracking(&id)
            .await
            .unwrap()
            .unwrap()
            .id;
        office
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/no-violation"),
                Some(json!({"reply": "经核查货物已清理，未发现违法行为"})),
            )
            .await;
        let one: Value = c
            .get(format!("{base}/requests/{id}.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(one[0]["status"], "closed");
        assert_eq!(one[0]["status_notes"], "经核查货物已清理，未发现违法行为");
        assert!(one[0]["expected_datetime"].is_null());
    }
);

engine_test!(
    bad_open311_input_gets_standard_error_lists_and_writes_nothing,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_catalog().await;
        let key = api_key(&app, "YX-ZFB").await;
        let c = client();
        let base = format!("{}/open311/v2", app.base);
        let before = app.db.store.count_leads().await.unwrap();
        let post = |fmt: &'static str, form: Vec<(&'static str, String)>| {
            c.post(format!("{base}/requests.{fmt}")).form(&form).send()
        };
        let cases: Vec<BadPost> = vec![
            (
                vec![
                    ("service_code", "ZJ-CSGL-CF-0001".into()),
                    ("address_string", "x".into()),
                ],
                StatusCode::FORBIDDEN,
                "api_key",
            ),
            (
                vec![
                    ("api_key", "nope".into()),
                    ("service_code", "ZJ-CSGL-CF-0001".into()),
                    ("address_string", "x".into()),
                ],
                StatusCode::FORBIDDEN,
                "api_key",
            ),
            (
                vec![("api_key", key.clone()), ("address_string", "x".into())],
                StatusCode::BAD_REQUEST,
                "service_code",
            ),
            (
                vec![
                    ("api_key", key.clone()),
                    ("service_code", "NOPE-1".into()),
                    ("address_string", "x".into()),
                ],
                StatusCode::NOT_FOUND,
                "NOPE-1",
            ),
            (
                vec![
                    ("api_key", key.clone()),
                    ("service_code", "ZJ-CSGL-CF-0001".into()),
                ],
                StatusCode::BAD_REQUEST,
                "lat",
            ),
            (
                vec![
                    ("api_key", key.clone()),
                    ("service_code", "ZJ-CSGL-CF-0001".into()),
                    ("lat", "abc".into()),
                    ("long", "1".into()),
                ],
                StatusCode::BAD_REQUEST,
                "lat",
            ),
            (
                vec![
                    ("api_key", key.clone()),
                    ("service_code", "ZJ-CSGL-CF-0001".into()),
                    ("address_string", "x".into()),
                    ("jurisdiction_id", "999999".into()),
                ],
                StatusCode::NOT_FOUND,
                "jurisdiction_id",
            ),
            (
                vec![
                    ("api_key", key.clone()),
                    ("service_code", "ZJ-CSGL-CF-0001".into()),
                    ("address_string", "x".into()),
                    ("phone", "12".into()),
                ],
                StatusCode::BAD_REQUEST,
                "phone",
            ),
        ];
        for (form, status, word) in cases {
            let r = post("json", form.clone()).await.unwrap();
            assert_eq!(r.status(), status, "{form:?}");
            let e: Value = r.json().await.unwrap();
            assert_eq!(e[0]["code"], status.as_u16(), "{e}");
            assert!(e[0]["description"].as_str().unwrap().contains(word), "{e}");
            let r = post("xml", form).await.unwrap();
            assert_eq!(r.status(), status);
            let x = r.text().await.unwrap();
            assert!(
                x.contains(&format!(
                    "<errors><error><code>{}</code><description>",
                    status.as_u16()
                )),
                "{x}"
            );
        }
        assert_eq!(
            app.db.store.count_leads().await.unwrap(),
            before,
            "nothing written"
        );
        // A token without the open311 scope is refused.
        let sec = app.sign_in("secadmin").await;
        let r = sec
            .call(
                Method::POST,
                "/api/v1/tokens",
                Some(json!({"name": "只读", "scopes": ["read"]})),
            )
            .await;
        let read_key = r.body["secret"].as_str().unwrap().to_owned();
        let r = post(
            "json",
            vec![
                ("api_key", read_key),
                ("service_code", "ZJ-CSGL-CF-0001".into()),
                ("address_string", "x".into()),
            ],
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Unknown ids and formats.
        let r = c
            .get(format!("{base}/requests/L000.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = c.get(format!("{base}/services.csv")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = c
            .get(format!("{base}/requests.json?start_date=yesterday"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = c
            .get(format!("{base}/requests.json?status=pending"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
);
