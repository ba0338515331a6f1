//! Cases through HTTP: filing checked against the catalog, parties, the lifecycle, the
//! legal-review gate, discretion, the minor-first-offence commitment, the suspected-crime
//! guard and the permit check.

use crate::helpers::*;
use crate::transfers::food_item;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

const ITEM: &str = "ZJ-SCJG-CF-0001";

/// A lead registered and filed as a case by the market department's officer.
async fn market_case(app: &TestApp, m: &Session, text: &str) -> i64 {
    let r = m
        .call(
            Method::POST,
            "/api/v1/leads",
            Some(json!({"channel": "department", "text": text, "address": text, "division_code": "339901002", "item_code": ITEM})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let lead = r.body["id"].as_i64().unwrap();
    let r = m
        .call(
            Method::POST,
            &format!("/api/v1/leads/{lead}/case"),
            Some(json!({"title": format!("{text}案")})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let _ = app;
    r.body["id"].as_i64().unwrap()
}

async fn step(s: &Session, case: i64, body: Value) -> Reply {
    s.call(
        Method::POST,
        &format!("/api/v1/cases/{case}/steps"),
        Some(body),
    )
    .await
}

engine_test!(
    a_case_runs_from_filing_to_archive_with_the_legal_review_gate_and_discretion,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        food_item(&app).await;
        let m = app.sign_in("scjg.1").await;
        // Filing is checked against the catalog: the township is not competent here.
        let cd1 = app.sign_in("cd.1").await;
        let r = cd1
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(json!({"channel": "patrol", "text": "超市销售过期食品", "division_code": "339901001", "item_code": ITEM})),
            )
            .await;
        let lead = r.body["id"].as_i64().unwrap();
        let r = cd1
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/case"),
                Some(json!({"title": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(
            r.body["message"]
                .as_str()
                .unwrap()
                .contains("云溪县市场监督管理局"),
            "{}",
            r.body
        );

        let case = market_case(&app, &m, "某超市销售过期食品").await;
        // Parties: a bad ID number is refused by field; a good one is masked for others.
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/cases/{case}/parties"),
                Some(json!({"type": "person", "name": "张三", "code": "110105194912310021"})),
            )
            .await;
        assert_eq!(r.body["details"]["field"], "id_number");
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/cases/{case}/parties"),
                Some(json!({"type": "person", "name": "张三", "code": "11010519491231002X"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["parties"][0]["code"], "11010519491231002X");
        // Evidence: uploaded, then attached to the case with the stage noted.
        let mut photo = vec![1u8; 2048];
        photo[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        let up = m.send_bytes("/api/v1/attachments", photo).await;
        let digest = up.body["digest"].as_str().unwrap().to_owned();
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/cases/{case}/evidence"),
                Some(json!({"digest": digest, "title": "货架过期食品照片"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["evidence"][0]["digest"], digest.as_str());
        assert!(
            r.body["evidence"][0]["title"]
                .as_str()
                .unwrap()
                .starts_with("立案｜")
        );
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/cases/{case}/evidence"),
                Some(json!({"digest": "0".repeat(64), "title": "不存在的文件"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        let office = app.sign_in("office").await;
        let r = office.get(&format!("/api/v1/cases/{case}")).await;
        assert_eq!(r.body["parties"][0]["code"], "110105********002X");
        // Others in reach may see the case and so its evidence; an outsider department may not.
        let r = office
            .client
            .get(format!("{}/api/v1/attachments/{digest}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let other = app.sign_in("sthj.1").await;
        let r = other
            .client
            .get(format!("{}/api/v1/attachments/{digest}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Out-of-order steps are refused.
        let r = step(&m, case, json!({"step": "serve"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        for st in ["investigate", "submit"] {
            let r = step(&m, case, json!({"step": st})).await;
            assert_eq!(r.status, StatusCode::OK, "{st}: {}", r.body);
        }
        // Only the head decides; a fine outside the tier needs a reason; over 10,000 yuan on a
        // person it is major and needs legal review.
        let chief = app.sign_in("scjg.chief").await;
        let r = step(
            &m,
            case,
            json!({"step": "decide", "decision": "penalty", "tier": "一般", "amount": 20000}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = step(
            &chief,
            case,
            json!({"step": "decide", "decision": "penalty", "tier": "轻微", "amount": 8000}),
        )
        .await;
        assert_eq!(r.body["details"]["field"], "reason", "{}", r.body);
        let r = step(
            &chief,
            case,
            json!({"step": "decide", "decision": "penalty", "tier": "一般", "amount": 20000}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body["message"].as_str().unwrap().contains("法制审核"));
        let r = step(&m, case, json!({"step": "legal_review"})).await;
        assert_eq!(r.body["stage"], "legal_review", "{}", r.body);
        // The handler cannot review; the legal reviewer fails it with reasons, then passes it.
        let r = step(&m, case, json!({"step": "pass"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let legal = app.sign_in("scjg.legal").await;
        let r = legal.get("/api/v1/legal-review").await;
        assert!(r.body.as_array().unwrap().iter().any(|c| c["id"] == case));
        // The reviewer finds it on their own to-do list; the handler does not.
        let review = format!("/cases/{case}");
        let reviewing = |list: Vec<String>| {
            list.iter()
                .any(|l| l.starts_with("法制审核｜") && l.ends_with(&review))
        };
        assert!(reviewing(legal.todo().await), "{:?}", legal.todo().await);
        assert!(!reviewing(m.todo().await));
        let r = step(
            &legal,
            case,
            json!({"step": "fail", "reason": "货值认定证据不足"}),
        )
        .await;
        assert_eq!(r.body["stage"], "investigation", "{}", r.body);
        for st in ["submit", "legal_review"] {
            step(&m, case, json!({"step": st})).await;
        }
        let r = step(&legal, case, json!({"step": "pass"})).await;
        assert_eq!(
            (r.body["stage"].as_str(), r.body["legal_passed"].as_bool()),
            (Some("review"), Some(true)),
            "{}",
            r.body
        );
        let r = step(
            &chief,
            case,
            json!({"step": "decide", "decision": "penalty", "tier": "一般", "amount": 20000}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["major"], true);
        assert_eq!(r.body["decision_amount"], 20000);
        let copy = r.body["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["rule_id"] == "case.penalty_copy_to_permit")
            .unwrap()
            .clone();
        assert_eq!(copy["state"], "running");
        // While the case is open a permit on the same matter is blocked.
        let r = office
            .get(&format!(
                "/api/v1/permit-check?party=11010519491231002X&item={ITEM}"
            ))
            .await;
        assert_eq!(r.body["blocked"], true, "{}", r.body);
        assert!(!r.body.to_string().contains("张三"));
        let zjj = app.org_id("YX-ZJJ").await;
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/cases/{case}/permit-copy"),
                Some(json!({"permit_org_id": zjj})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for st in ["serve", "execute", "close", "archive"] {
            let r = step(&m, case, json!({"step": st})).await;
            assert_eq!(r.status, StatusCode::OK, "{st}: {}", r.body);
        }
        let r = office
            .get(&format!(
                "/api/v1/permit-check?party=11010519491231002X&item={ITEM}"
            ))
            .await;
        assert_eq!(r.body["blocked"], false);
        let r = m.get(&format!("/api/v1/cases/{case}/events")).await;
        let kinds: Vec<&str> = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        for k in [
            "case.filed",
            "case.party_added",
            "case.legal_review_failed",
            "case.legal_review_passed",
            "case.decided",
            "case.copied_to_permit",
            "case.closed",
            "case.archived",
        ] {
            assert!(kinds.contains(&k), "{k} missing: {kinds:?}");
        }
        assert!(
            !r.body.to_string().contains("11010519491231002X"),
            "the record keeps no ID number in clear"
        );
        app.db.store.verify_chain().await.unwrap();
    }
);

engine_test!(
    a_minor_first_offence_ends_with_a_commitment_only_the_first_time,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        food_item(&app).await;
        let m = app.sign_in("scjg.1").await;
        let chief = app.sign_in("scjg.chief").await;
        let party = json!({"type": "organisation", "name": "某某超市有限公司", "code": "91350100M000100Y43"});
        let mut cases = vec![];
        for shelf in ["一号货架", "二号货架"] {
            let case = market_case(&app, &m, &format!("超市{shelf}有少量过期食品")).await;
            m.call(
                Method::POST,
                &format!("/api/v1/cases/{case}/parties"),
                Some(party.clone()),
            )
            .await;
            for st in ["investigate", "submit"] {
                step(&m, case, json!({"step": st})).await;
            }
            cases.push(case);
        }
        let r = step(
            &chief,
            cases[0],
            json!({"step": "decide", "decision": "commitment"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = step(&m, cases[0], json!({"step": "execute"})).await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "a commitment has nothing to execute"
        );
        for st in ["serve", "close"] {
            let r = step(&m, cases[0], json!({"step": st})).await;
            assert_eq!(r.status, StatusCode::OK, "{st}: {}", r.body);
        }
        // The same party under the same item again: no second commitment.
        let r = step(
            &chief,
            cases[1],
            json!({"step": "decide", "decision": "commitment"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body["message"].as_str().unwrap().contains("告知承诺"));
    }
);

engine_test!(
    a_suspected_crime_is_closed_only_after_the_judicial_answer,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        food_item(&app).await;
        let m = app.sign_in("scjg.1").await;
        let chief = app.sign_in("scjg.chief").await;
        let case = market_case(&app, &m, "大量销售有毒有害食品").await;
        let r = m
            .call(
                Method::PUT,
                &format!("/api/v1/cases/{case}/flags"),
                Some(json!({"suspected_crime": true})),
            )
            .await;
        assert_eq!(r.body["suspected_crime"], true, "{}", r.body);
        let r = step(&m, case, json!({"step": "terminate", "reason": "移送公安"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body["message"].as_str().unwrap().contains("以罚代刑"));
        // The judicial transfer of the case's lead, answered by the police.
        let lead = app.db.store.case(case).await.unwrap().lead_id.unwrap();
        let gaj = app.org_id("YX-GAJ").await;
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/transfers"),
                Some(json!({"to_org_id": gaj, "kind": "judicial", "facts": "涉嫌生产销售有毒有害食品罪",
                            "materials": [{"kind": "letter", "title": "涉嫌犯罪案件移送书"}, {"kind": "evidence", "title": "检验报告"}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let t = r.body["id"].as_i64().unwrap();
        chief
            .call(
                Method::POST,
                &format!("/api/v1/transfers/{t}/approve"),
                None,
            )
            .await;
        m.call(Method::POST, &format!("/api/v1/transfers/{t}/send"), None)
            .await;
        let r = app
            .sign_in("gaj.1")
            .await
            .call(Method::POST, &format!("/api/v1/transfers/{t}/accept"), None)
            .await;
        assert_eq!(r.body["status"], "accepted", "{}", r.body);
        let r = step(
            &m,
            case,
            json!({"step": "terminate", "reason": "已移送公安机关立案侦查"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["stage"], "closed");
    }
);

engine_test!(
    documents_are_numbered_without_repeats_and_rendered_from_templates_editable_at_run_time,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        food_item(&app).await;
        let m = app.sign_in("scjg.1").await;
        let case = market_case(&app, &m, "超市销售过期食品").await;
        m.call(
            Method::POST,
            &format!("/api/v1/cases/{case}/parties"),
            Some(json!({"type": "organisation", "name": "某某<超市>有限公司", "code": "91350100M000100Y43"})),
        )
        .await;
        let docs = format!("/api/v1/cases/{case}/documents");
        let issue = |kind: &'static str| m.call(Method::POST, &docs, Some(json!({"kind": kind})));
        let year = xiezhi_store::time::TimeSource::System
            .now()
            .format("%Y")
            .to_string();
        let a = issue("filing_approval").await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        assert_eq!(
            a.body["number"],
            format!("云溪县市场监督管理局立审〔{year}〕1号")
        );
        let b = issue("filing_approval").await;
        assert_eq!(
            b.body["number"],
            format!("云溪县市场监督管理局立审〔{year}〕2号")
        );
        let r = issue("certificate_of_merit").await;
        assert_eq!(r.body["details"]["field"], "kind");
        // The HTML: the number, the party (escaped), no scripts allowed to run.
        let id = a.body["id"].as_i64().unwrap();
        let r = m
            .client
            .get(format!("{}/api/v1/documents/{id}", app.base))
            .send()
            .await
            .unwrap();
        assert!(
            r.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
        let html = r.text().await.unwrap();
        assert!(
            html.contains("立审〔") && html.contains("某某&lt;超市&gt;有限公司"),
            "{html}"
        );
        // And printed: an A4 PDF with the Chinese font embedded.
        let r = m
            .client
            .get(format!("{}/api/v1/documents/{id}/pdf", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let missing = m
            .client
            .get(format!("{}/api/v1/documents/999999/pdf", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        // The system administrator edits the template and the pattern; bad ones are refused.
        let admin = app.sign_in("sysadmin").await;
        let put = |body: serde_json::Value| {
            admin.call(
                Method::PUT,
                "/api/v1/document-templates/filing_approval",
                Some(body),
            )
        };
        let r = put(json!({"body": "{% if %}"})).await;
        assert_eq!(r.body["details"]["field"], "body", "{}", r.body);
        let r = put(json!({"body": "<p>x</p>", "number_pattern": "{org}第{seq}号"})).await;
        assert_eq!(r.body["details"]["field"], "number_pattern");
        let r = put(json!({"body": "<p>自定义立案审批：{{ case.title }}</p>", "number_pattern": "{org}立〔{year}〕第{seq}号"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let c = issue("filing_approval").await;
        assert_eq!(
            c.body["number"],
            format!("云溪县市场监督管理局立〔{year}〕第3号"),
            "the count goes on"
        );
        let html = m
            .client
            .get(format!("{}/api/v1/documents/{}", app.base, c.body["id"]))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("自定义立案审批：超市销售过期食品案"),
            "{html}"
        );
        let list = m.get(&format!("/api/v1/cases/{case}/documents")).await;
        assert_eq!(list.body.as_array().unwrap().len(), 3);
    }
);

engine_test!(
    an_officer_writes_each_document_from_a_draft_in_the_procedures_order,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        food_item(&app).await;
        let m = app.sign_in("scjg.1").await;
        let case = market_case(&app, &m, "超市销售过期食品").await;
        m.call(
            Method::POST,
            &format!("/api/v1/cases/{case}/parties"),
            Some(json!({"type": "organisation", "name": "某某超市有限公司", "code": "91350100M000100Y43"})),
        )
        .await;
        let m = &m;
        let draft = |kind: &'static str| async move {
            m.get(&format!("/api/v1/cases/{case}/documents/draft?kind={kind}"))
                .await
        };
        let field = |d: &Value, name: &str| {
            d["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name)
                .map(|f| f["value"].as_str().unwrap().to_owned())
                .unwrap()
        };
        // The inspection record names the place (not its code) and starts from what was seen.
        let d = draft("inspection_record").await.body;
        assert!(field(&d, "place").contains("城西街道"), "{d}");
        assert!(!field(&d, "place").contains("339901"), "{d}");
        assert!(field(&d, "findings").contains("超市销售过期食品"), "{d}");
        // A decision cannot be written before the head decides, nor before the notice.
        let d = draft("penalty_decision").await.body;
        assert!(d["refusal"].as_str().unwrap().contains("决定"), "{d}");
        let docs = format!("/api/v1/cases/{case}/documents");
        let r = m
            .call(
                Method::POST,
                &docs,
                Some(json!({"kind": "penalty_decision"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        // The notice, written by the officer: the edited facts are what is issued.
        let d = draft("penalty_notice").await.body;
        assert!(d["refusal"].is_null(), "{d}");
        assert!(
            field(&d, "basis").contains("《中华人民共和国食品安全法》第三十四条"),
            "{d}"
        );
        let (status, _) = m
            .form(
                &format!("/cases/{case}/documents"),
                &[
                    ("kind", "penalty_notice"),
                    (
                        "facts",
                        "当事人于2026年12月1日在城东街道解放路店内销售超过保质期的牛奶12盒。",
                    ),
                    ("evidence", "1. 现场检查笔录\n2. 货架照片"),
                    (
                        "basis",
                        "违反了《中华人民共和国食品安全法》第三十四条的规定",
                    ),
                    ("penalty", "罚款人民币2000元"),
                ],
            )
            .await;
        assert!(status.is_redirection(), "{status}");
        for st in ["investigate", "submit"] {
            step(m, case, json!({"step": st})).await;
        }
        let chief = app.sign_in("scjg.chief").await;
        let r = step(
            &chief,
            case,
            json!({"step": "decide", "decision": "penalty", "tier": "轻微", "amount": 2000}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // After the decision no notice any more; the decision carries the discretion applied.
        let r = m
            .call(Method::POST, &docs, Some(json!({"kind": "penalty_notice"})))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let d = draft("penalty_decision").await.body;
        assert!(d["refusal"].is_null(), "{d}");
        assert!(field(&d, "discretion").contains("轻微"), "{d}");
        assert!(field(&d, "penalty").contains("2000"), "{d}");
        let r = m
            .call(
                Method::POST,
                &docs,
                Some(json!({"kind": "penalty_decision", "fields": {"facts": "当事人销售超过保质期的牛奶12盒，货值60元。"}})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let number = r.body["number"].as_str().unwrap().to_owned();
        let html = m
            .client
            .get(format!("{}/api/v1/documents/{}", app.base, r.body["id"]))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("货值60元") && html.contains("轻微"), "{html}");
        // The service receipt names the document served and its number.
        let d = draft("service_receipt").await.body;
        assert_eq!(
            field(&d, "served"),
            format!("行政处罚决定书 {number}"),
            "{d}"
        );
        // The officer opens the draft page by clicking: a form, prefilled, with the order's word.
        let (status, page) = m
            .page(&format!("/cases/{case}/documents/new?kind=service_receipt"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("document-form") && page.contains(&number),
            "{page}"
        );
    }
);

engine_test!(
    a_fine_needs_the_items_discretion_benchmark,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_catalog().await;
        // An item whose catalog entry carries no discretion benchmark (裁量基准).
        let s = &app.db.store;
        let ctx = || xiezhi_store::RecordContext::system("t", xiezhi_store::testing::now());
        let header = CATALOG_ITEMS.lines().next().unwrap();
        xiezhi_store::catalog::import_items(s, s.begin_write(ctx()).await.unwrap(), &format!(
            "{header}\nZJ-NYNC-CF-0099,对无裁量基准事项的行政处罚,农业农村,penalty,《中华人民共和国农业法》,第一条,第二条,YX-NYNC,local,false,,2022-01-01\n"
        ))
        .await
        .unwrap();
        let header = CATALOG_ASSIGNMENTS.lines().next().unwrap();
        xiezhi_store::catalog::import_assignments(
            s,
            s.begin_write(ctx()).await.unwrap(),
            &format!(
                "{header}\nZJ-NYNC-CF-0099,339901,YX-ZHZF,retained,YX-ZHZF,YX-NYNC,,,,2022-01-01\n"
            ),
        )
        .await
        .unwrap();
        let m = app.sign_in("zhzf.1").await;
        let r = m
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(json!({"channel": "patrol", "text": "焚烧秸秆", "address": "龙溪乡", "division_code": "339901008", "item_code": "ZJ-NYNC-CF-0099"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let lead = r.body["id"].as_i64().unwrap();
        let r = m
            .call(
                Method::POST,
                &format!("/api/v1/leads/{lead}/case"),
                Some(json!({"title": "焚烧秸秆案", "item_code": "ZJ-NYNC-CF-0099", "division_code": "339901008"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let case = r.body["id"].as_i64().unwrap();
        for st in ["investigate", "submit"] {
            step(&m, case, json!({"step": st})).await;
        }
        let chief = app.sign_in("zhzf.chief").await;
        let r = step(
            &chief,
            case,
            json!({"step": "decide", "decision": "penalty", "tier": "一般", "amount": 500}),
        )
        .await;
        assert!(r.status.is_client_error(), "{}", r.body);
        assert!(
            r.body["message"].as_str().unwrap().contains("裁量基准"),
            "{}",
            r.body
        );
        let r = m.get(&format!("/api/v1/cases/{case}")).await;
        assert_eq!(r.body["stage"], "review", "not decided");
    }
);

engine_test!(
    a_stored_stage_the_program_does_not_know_is_an_error_never_a_default,
    async |db: TestDb| {
        use sea_orm::ConnectionTrait;
        let app = spawn_app(db).await;
        food_item(&app).await;
        let m = app.sign_in("scjg.1").await;
        let case = market_case(&app, &m, "超市销售过期食品").await;
        // The database refuses an unknown stage (m0018); a row written before it, or by hand
        // around it, is still read as an error.
        let refused = app
            .db
            .store
            .db()
            .execute_unprepared(&format!(
                "UPDATE cases SET stage = 'lost' WHERE id = {case}"
            ))
            .await;
        assert!(refused.is_err());
        xiezhi_store::testing::drop_known_value_guards(&app.db.store).await;
        app.db
            .store
            .db()
            .execute_unprepared(&format!(
                "UPDATE cases SET stage = 'lost' WHERE id = {case}"
            ))
            .await
            .unwrap();
        // Read as "filed" before: the step would have gone ahead from the wrong state.
        let r = step(&m, case, json!({"step": "investigate"})).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    }
);

engine_test!(
    a_case_offers_each_role_exactly_the_steps_it_accepts,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        food_item(&app).await;
        let logins = [
            "scjg.1",
            "scjg.legal",
            "scjg.chief",
            "office",
            "cd.1",
            "zhzf.1",
            "leader",
        ];
        let people = sign_in_all(&app, &logins).await;
        let case = market_case(&app, &people[0].1, "某超市销售过期食品").await;
        let steps = [
            "investigate",
            "submit",
            "return",
            "legal_review",
            "pass",
            "fail",
            "decide",
            "serve",
            "execute",
            "close",
            "terminate",
            "archive",
        ];
        // Only the holder's own people handle it; the reviewer reviews and the head decides.
        let view = format!("/api/v1/cases/{case}");
        let offered = offered_steps(&people[3].1, &view).await;
        assert!(offered.is_empty(), "the office only watches: {offered:?}");
        let offered = offered_steps(&people[0].1, &view).await;
        for s in ["investigate", "terminate", "party", "evidence", "flags"] {
            assert!(offered.iter().any(|o| o == s), "{s}: {offered:?}");
        }
        walk_offered_steps(
            &people,
            &view,
            &steps,
            |st| {
                let body = match st {
                    "decide" => json!({"step": st, "decision": "no_penalty"}),
                    _ => json!({"step": st, "reason": "依程序办理"}),
                };
                (format!("/api/v1/cases/{case}/steps"), body)
            },
            &[
                ("investigate", "scjg.1"),
                ("submit", "scjg.1"),
                ("legal_review", "scjg.1"),
                ("pass", "scjg.legal"),
                ("decide", "scjg.chief"),
                ("serve", "scjg.1"),
                ("close", "scjg.1"),
                ("archive", "scjg.1"),
            ],
        )
        .await;
        let offered = offered_steps(&people[0].1, &view).await;
        assert_eq!(offered, ["document", "export"], "an archived case");
    }
);

engine_test!(
    a_major_case_offers_no_decision_before_its_legal_review,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        app.with_next_year().await;
        food_item(&app).await;
        let m = app.sign_in("scjg.1").await;
        let chief = app.sign_in("scjg.chief").await;
        let case = market_case(&app, &m, "某超市销售过期食品").await;
        let r = m
            .call(
                Method::PUT,
                &format!("/api/v1/cases/{case}/flags"),
                Some(json!({"major": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for st in ["investigate", "submit"] {
            assert!(
                step(&m, case, json!({"step": st}))
                    .await
                    .status
                    .is_success()
            );
        }
        let view = format!("/api/v1/cases/{case}");
        assert!(
            !offered_steps(&chief, &view)
                .await
                .contains(&"decide".into())
        );
        let r = step(
            &chief,
            case,
            json!({"step": "decide", "decision": "no_penalty"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let (_, page) = chief.page(&format!("/cases/{case}")).await;
        assert!(page.contains("重大执法决定须先经法制审核通过"), "{page}");
        assert!(!page.contains("负责人作出决定"));
    }
);
