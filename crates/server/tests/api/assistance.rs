//! Assistance requests through HTTP: the receiver's clock in its inbox, supplementary
//! material pausing it, an urgent request needing officers on site, a refusal the
//! coordination office sees.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

engine_test!(
    an_assistance_request_is_answered_paused_for_material_or_refused_in_sight_of_the_office,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let cd1 = app.sign_in("cd.1").await;
        let scjg = app.org_id("YX-SCJG").await;
        // Bad input: unknown kind, empty text, to oneself.
        let cd = app.org_id("YX-CD").await;
        for (body, field) in [
            (
                json!({"to_org_id": scjg, "kind": "magic", "text": "x"}),
                "kind",
            ),
            (
                json!({"to_org_id": scjg, "kind": "material", "text": " "}),
                "text",
            ),
            (
                json!({"to_org_id": cd, "kind": "material", "text": "x"}),
                "to_org_id",
            ),
        ] {
            let r = cd1
                .call(Method::POST, "/api/v1/assistance", Some(body))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.body["details"]["field"], field);
        }
        let r = cd1
            .call(
                Method::POST,
                "/api/v1/assistance",
                Some(json!({"to_org_id": scjg, "kind": "appraisal", "text": "请对查扣食品进行检验", "urgent": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let rules: Vec<&str> = r.body["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["rule_id"].as_str().unwrap())
            .collect();
        assert_eq!(
            rules,
            [
                "assistance_request.written_opinion",
                "assistance_request.urgent_on_site"
            ]
        );
        // It is in the receiver's inbox.
        let m = app.sign_in("scjg.1").await;
        let inbox = m.get("/api/v1/inbox").await;
        assert!(
            inbox
                .body
                .to_string()
                .contains("assistance_request.written_opinion"),
            "{}",
            inbox.body
        );
        // The requester cannot answer its own request.
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/assistance/{id}/steps"),
                Some(json!({"step": "answer", "text": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/assistance/{id}/steps"),
                Some(json!({"step": "on_site"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/assistance/{id}/steps"),
                Some(json!({"step": "ask_supplement", "text": "请补充抽样记录"})),
            )
            .await;
        assert_eq!(r.body["status"], "awaiting_supplement", "{}", r.body);
        let written = r.body["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["rule_id"] == "assistance_request.written_opinion")
            .unwrap()
            .clone();
        assert_eq!(written["state"], "paused");
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/assistance/{id}/steps"),
                Some(json!({"step": "supplement", "text": "已补充"})),
            )
            .await;
        assert_eq!(r.body["status"], "sent", "{}", r.body);
        // Refused: the office sees it.
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/assistance/{id}/steps"),
                Some(json!({"step": "refuse", "text": "本局无检验资质，请委托有资质的检验机构"})),
            )
            .await;
        assert_eq!(r.body["status"], "refused", "{}", r.body);
        let office = app.sign_in("office").await;
        let r = office.get("/api/v1/assistance").await;
        let mine = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap();
        assert_eq!(mine["status"], "refused");
        assert!(mine["answer"].as_str().unwrap().contains("无检验资质"));
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/assistance/{id}/steps"),
                Some(json!({"step": "answer", "text": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
    }
);

engine_test!(
    an_assistance_request_offers_each_role_exactly_the_steps_it_accepts,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let logins = ["cd.1", "scjg.1", "office", "scjg.chief", "zhzf.1", "leader"];
        let people = sign_in_all(&app, &logins).await;
        let scjg = app.org_id("YX-SCJG").await;
        let r = people[0]
            .1
            .call(
                Method::POST,
                "/api/v1/assistance",
                Some(json!({"to_org_id": scjg, "kind": "appraisal", "text": "请对查扣食品进行检验", "urgent": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let view = format!("/api/v1/assistance/{id}");
        let offered = offered_steps(&people[1].1, &view).await;
        assert_eq!(
            offered,
            ["ask_supplement", "answer", "refuse", "extend", "on_site"],
            "the receiver"
        );
        assert_eq!(offered_steps(&people[0].1, &view).await, ["withdraw"]);
        walk_offered_steps(
            &people,
            &view,
            &[
                "ask_supplement",
                "answer",
                "refuse",
                "extend",
                "on_site",
                "supplement",
                "withdraw",
                "rate",
            ],
            |st| match st {
                "rate" => (
                    format!("/api/v1/assistance/{id}/rating"),
                    json!({"satisfaction": "satisfied"}),
                ),
                _ => (
                    format!("/api/v1/assistance/{id}/steps"),
                    json!({"step": st, "text": "见附件", "new_due": "2030-12-31"}),
                ),
            },
            &[
                ("on_site", "scjg.1"),
                ("ask_supplement", "scjg.1"),
                ("supplement", "cd.1"),
                ("answer", "scjg.1"),
                ("rate", "cd.1"),
            ],
        )
        .await;
        assert!(offered_steps(&people[0].1, &view).await.is_empty());
    }
);
