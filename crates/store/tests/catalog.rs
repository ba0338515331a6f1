//! The catalog on both engines: versions, assignments in every mode, routing by date, the
//! may-penalise check, import errors, round trip, search.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, Utc};
use xiezhi_domain::DivisionCode;
use xiezhi_store::catalog::{self, ItemFilter};
use xiezhi_store::import::ImportError;
use xiezhi_store::testing::TestDb;
use xiezhi_store::{RecordContext, Store, engine_test};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-02T02:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn div(s: &str) -> DivisionCode {
    DivisionCode::parse(s).unwrap()
}

const ITEMS: &str = "code,name,domain,kind,law,article,penalty_clause,sector_department,sets,minor_first_offence,discretion,effective_from
ZJ-CSGL-CF-0001,对在城市道路上占道经营的行政处罚,城市管理,penalty,《城市市容和环境卫生管理条例》,第十四条,第三十六条,YX-ZJJ,provincial;township_must,true,轻微/首次且及时改正/0-0/0|一般/影响较小/50-200/100,2022-01-01
ZJ-STHJ-CF-0001,对产生环境噪声污染超标的行政处罚,生态环境,penalty,《中华人民共和国噪声污染防治法》,第二十四条,第七十一条,YX-STHJ,provincial;township_optional,false,一般/首次/2000-10000/5000|严重/拒不改正/10000-50000/30000,2022-01-01
ZJ-SCJG-JC-0001,对食品经营者的行政检查,市场监管,inspection,《中华人民共和国食品安全法》,第一百一十条,,YX-SCJG,department,false,,2022-01-01
ZJ-NYNC-CF-0001,对违反规定焚烧秸秆的行政处罚,农业农村,penalty,《中华人民共和国大气污染防治法》,第七十七条,第一百一十九条,YX-NYNC,local;township_must,false,一般/面积较小/50-200/100,2022-01-01
";

fn assignments() -> String {
    "item_code,division_code,holder_org_code,mode,responsible_org_code,supervising_org_code,letter_number,letter_scope,letter_valid_until,effective_from
ZJ-CSGL-CF-0001,339901,YX-ZHZF,retained,YX-ZHZF,YX-ZJJ,,,,2022-01-01
ZJ-CSGL-CF-0001,339901001,YX-CD,granted,YX-CD,YX-ZJJ,,,,2023-01-01
ZJ-STHJ-CF-0001,339901,YX-ZHZF,retained,YX-ZHZF,YX-STHJ,,,,2022-01-01
ZJ-STHJ-CF-0001,339901005,YX-QS,entrusted,YX-ZHZF,YX-ZHZF,云综执委〔2023〕12号,噪声污染处罚,2025-12-31,2023-01-01
ZJ-SCJG-JC-0001,339901,YX-SCJG,retained,YX-SCJG,YX-SCJG,,,,2022-01-01
ZJ-NYNC-CF-0001,339901,YX-ZHZF,retained,YX-ZHZF,YX-NYNC,,,,2022-01-01
ZJ-NYNC-CF-0001,339901008,YX-ZHZF,cooperation,YX-ZHZF,YX-NYNC,,,,2023-01-01
"
    .to_owned()
}

async fn setup(s: &Store) {
    xiezhi_store::demo::load(s, "demo", "t", now())
        .await
        .unwrap();
    let w = s
        .begin_write(RecordContext::system("t", now()))
        .await
        .unwrap();
    let r = catalog::import_items(s, w, ITEMS).await.unwrap();
    assert_eq!(r.created, 4);
    let w = s
        .begin_write(RecordContext::system("t", now()))
        .await
        .unwrap();
    let r = catalog::import_assignments(s, w, &assignments())
        .await
        .unwrap();
    assert_eq!(r.created, 7);
}

async fn org(s: &Store, code: &str) -> i64 {
    s.org_by_code(code).await.unwrap().unwrap().id
}

engine_test!(
    routing_answers_who_holds_an_item_where_and_when,
    async |db: TestDb| {
        let s = &db.store;
        setup(s).await;
        let (zhzf, cd, qs) = (
            org(s, "YX-ZHZF").await,
            org(s, "YX-CD").await,
            org(s, "YX-QS").await,
        );
        let item = "ZJ-CSGL-CF-0001";
        let r = s
            .resolve(item, &div("339901001"), d("2024-05-01"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (r.competent_org_id, r.mode.as_str(), r.responsible_org_id),
            (cd, "granted", cd)
        );
        let r = s
            .resolve(item, &div("339901001"), d("2022-05-01"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (r.competent_org_id, r.mode.as_str()),
            (zhzf, "retained"),
            "before the grant"
        );
        let r = s
            .resolve(item, &div("339901002"), d("2024-05-01"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.competent_org_id, zhzf, "other streets: the bureau");
        let r = s
            .resolve("ZJ-STHJ-CF-0001", &div("339901005"), d("2024-05-01"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                r.competent_org_id,
                r.responsible_org_id,
                r.letter_number.as_str()
            ),
            (qs, zhzf, "云综执委〔2023〕12号")
        );
        assert!(
            s.resolve(item, &div("339902001"), d("2024-05-01"))
                .await
                .unwrap()
                .is_none(),
            "nobody holds it outside the county"
        );
        assert!(
            s.resolve(item, &div("339901001"), d("2021-05-01"))
                .await
                .is_err(),
            "no version in force then"
        );
    }
);

engine_test!(
    only_the_holder_may_penalise_and_a_department_that_delegated_keeps_inspection,
    async |db: TestDb| {
        let s = &db.store;
        setup(s).await;
        let (zhzf, cd, qs, lx) = (
            org(s, "YX-ZHZF").await,
            org(s, "YX-CD").await,
            org(s, "YX-QS").await,
            org(s, "YX-LX").await,
        );
        let on = d("2024-05-01");
        assert!(
            s.may_penalise(cd, "ZJ-CSGL-CF-0001", &div("339901001"), on)
                .await
                .unwrap()
                .allowed
        );
        let no = s
            .may_penalise(zhzf, "ZJ-CSGL-CF-0001", &div("339901001"), on)
            .await
            .unwrap();
        assert!(!no.allowed, "the bureau granted it to the street");
        assert!(
            s.may_penalise(zhzf, "ZJ-CSGL-CF-0001", &div("339901002"), on)
                .await
                .unwrap()
                .allowed
        );
        assert!(
            s.may_penalise(qs, "ZJ-STHJ-CF-0001", &div("339901005"), on)
                .await
                .unwrap()
                .allowed
        );
        assert!(
            !s.may_penalise(zhzf, "ZJ-STHJ-CF-0001", &div("339901005"), on)
                .await
                .unwrap()
                .allowed
        );
        let after = d("2026-03-01");
        assert!(
            !s.may_penalise(qs, "ZJ-STHJ-CF-0001", &div("339901005"), after)
                .await
                .unwrap()
                .allowed,
            "entrustment expired"
        );
        assert!(
            s.may_penalise(zhzf, "ZJ-STHJ-CF-0001", &div("339901005"), after)
                .await
                .unwrap()
                .allowed
        );
        assert!(
            s.may_penalise(zhzf, "ZJ-NYNC-CF-0001", &div("339901008"), on)
                .await
                .unwrap()
                .allowed,
            "cooperation: the bureau"
        );
        assert!(
            !s.may_penalise(lx, "ZJ-NYNC-CF-0001", &div("339901008"), on)
                .await
                .unwrap()
                .allowed,
            "the township only assists"
        );
        let insp = s
            .may_penalise(
                org(s, "YX-SCJG").await,
                "ZJ-SCJG-JC-0001",
                &div("339901"),
                on,
            )
            .await
            .unwrap();
        assert!(!insp.allowed && insp.reason.contains("不是行政处罚"));
    }
);

engine_test!(
    a_changed_item_gets_a_new_version_and_old_dates_keep_the_old_one,
    async |db: TestDb| {
        let s = &db.store;
        setup(s).await;
        let changed = ITEMS.replace("50-200/100,2022-01-01", "100-500/300,2025-07-01");
        let w = s
            .begin_write(RecordContext::system("t", now()))
            .await
            .unwrap();
        let r = catalog::import_items(s, w, &changed).await.unwrap();
        assert_eq!((r.created, r.versioned, r.unchanged), (0, 2, 2));
        let old = s.item_on("ZJ-CSGL-CF-0001", d("2025-06-30")).await.unwrap();
        let new = s.item_on("ZJ-CSGL-CF-0001", d("2025-07-01")).await.unwrap();
        assert_eq!((old.version, new.version), (1, 2));
        assert_eq!(old.effective_to, Some(d("2025-06-30")));
        assert!(new.discretion.contains("300"));
        // A version that would start on or before the one in force overlaps it.
        let overlapping = ITEMS.replace("50-200/100,2022-01-01", "1-2/1,2025-01-01");
        let w = s
            .begin_write(RecordContext::system("t", now()))
            .await
            .unwrap();
        match catalog::import_items(s, w, &overlapping).await {
            Err(ImportError::Rows(rows)) => assert!(
                rows.iter()
                    .any(|e| e.field == "effective_from" && e.message.contains("重叠")),
                "{rows:?}"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            s.item_versions("ZJ-CSGL-CF-0001").await.unwrap().len(),
            2,
            "nothing written"
        );
    }
);

engine_test!(
    every_import_problem_is_reported_by_row_and_column_and_nothing_is_written,
    async |db: TestDb| {
        let s = &db.store;
        setup(s).await;
        let bad_items = "code,name,domain,kind,law,article,penalty_clause,sector_department,sets,minor_first_offence,discretion,effective_from
ZJ-NEW-CF-0001,新事项,城市管理,penalty,《条例》,第一条,第二条,YX-NOPE,provincial,maybe,一般/x/500-100/300,2024-01-01
ZJ-NEW-CF-0001,,城市管理,fine,《条例》,第一条,,,galaxy,false,,2024-13-01
";
        let w = s
            .begin_write(RecordContext::system("t", now()))
            .await
            .unwrap();
        let Err(ImportError::Rows(rows)) = catalog::import_items(s, w, bad_items).await else {
            panic!()
        };
        let at: Vec<(usize, &str)> = rows.iter().map(|e| (e.line, e.field.as_str())).collect();
        for want in [
            (2, "sector_department"),
            (2, "minor_first_offence"),
            (2, "discretion"),
            (3, "code"),
            (3, "name"),
            (3, "kind"),
            (3, "sets"),
            (3, "effective_from"),
        ] {
            assert!(at.contains(&want), "{want:?} missing from {at:?}");
        }
        let bad_assign = "item_code,division_code,holder_org_code,mode,responsible_org_code,supervising_org_code,letter_number,letter_scope,letter_valid_until,effective_from
ZJ-NOPE-CF-0001,339901,YX-ZHZF,retained,YX-ZHZF,YX-ZJJ,,,,2022-01-01
ZJ-CSGL-CF-0001,339999001,YX-NOPE,retained,YX-ZHZF,YX-ZJJ,,,,2022-01-01
ZJ-CSGL-CF-0001,339901002,YX-CX,entrusted,YX-CX,YX-ZJJ,,,,2024-01-01
ZJ-CSGL-CF-0001,339901003,YX-CN,teleport,YX-CN,YX-ZJJ,,,,2024-01-01
ZJ-CSGL-CF-0001,339901003,YX-CN,granted,YX-CN,YX-ZJJ,,,,2024-01-01
";
        let w = s
            .begin_write(RecordContext::system("t", now()))
            .await
            .unwrap();
        let Err(ImportError::Rows(rows)) = catalog::import_assignments(s, w, bad_assign).await
        else {
            panic!()
        };
        let at: Vec<(usize, &str)> = rows.iter().map(|e| (e.line, e.field.as_str())).collect();
        for want in [
            (2, "item_code"),
            (3, "division_code"),
            (3, "holder_org_code"),
            (4, "letter_number"),
            (4, "responsible_org_code"),
            (5, "mode"),
            (6, "division_code"),
        ] {
            assert!(at.contains(&want), "{want:?} missing from {at:?}");
        }
        // Two holders for the same item, division and date.
        let clash = "item_code,division_code,holder_org_code,mode,responsible_org_code,supervising_org_code,letter_number,letter_scope,letter_valid_until,effective_from
ZJ-CSGL-CF-0001,339901001,YX-ZHZF,cooperation,YX-ZHZF,YX-ZJJ,,,,2022-06-01
";
        let w = s
            .begin_write(RecordContext::system("t", now()))
            .await
            .unwrap();
        let Err(ImportError::Rows(rows)) = catalog::import_assignments(s, w, clash).await else {
            panic!()
        };
        assert!(rows[0].message.contains("两个承接机构"), "{rows:?}");
        assert_eq!(
            s.item_assignments("ZJ-CSGL-CF-0001").await.unwrap().len(),
            2,
            "nothing written"
        );
        assert!(s.item_on("ZJ-NEW-CF-0001", d("2025-01-01")).await.is_err());
    }
);

engine_test!(an_export_re_imports_unchanged, async |db: TestDb| {
    let s = &db.store;
    setup(s).await;
    let items = s.export_items().await.unwrap();
    let assignments = s.export_assignments().await.unwrap();
    let w = s
        .begin_write(RecordContext::system("t", now()))
        .await
        .unwrap();
    let r = catalog::import_items(s, w, &items).await.unwrap();
    assert_eq!((r.created, r.versioned, r.unchanged), (0, 0, 4), "{items}");
    let w = s
        .begin_write(RecordContext::system("t", now()))
        .await
        .unwrap();
    let r = catalog::import_assignments(s, w, &assignments)
        .await
        .unwrap();
    assert_eq!(
        (r.created, r.versioned, r.unchanged),
        (0, 0, 7),
        "{assignments}"
    );
    assert_eq!(s.export_items().await.unwrap(), items);
    // A later township change closes the old row and starts a new version.
    let change = "item_code,division_code,holder_org_code,mode,responsible_org_code,supervising_org_code,letter_number,letter_scope,letter_valid_until,effective_from
ZJ-CSGL-CF-0001,339901001,YX-CD,entrusted,YX-ZHZF,YX-ZHZF,云综执委〔2026〕3号,占道经营,2027-12-31,2026-01-01
";
    let w = s
        .begin_write(RecordContext::system("t", now()))
        .await
        .unwrap();
    let r = catalog::import_assignments(s, w, change).await.unwrap();
    assert_eq!(r.versioned, 1);
    let rows = s.item_assignments("ZJ-CSGL-CF-0001").await.unwrap();
    let cd_rows: Vec<_> = rows
        .iter()
        .filter(|a| a.division_code == "339901001")
        .collect();
    assert_eq!(cd_rows.len(), 2);
    assert_eq!(cd_rows[1].effective_to, Some(d("2025-12-31")));
    s.verify_chain().await.unwrap();
});

engine_test!(
    search_finds_items_by_two_character_words_and_codes,
    async |db: TestDb| {
        let s = &db.store;
        setup(s).await;
        assert_eq!(
            s.search_codes("占道", 10).await.unwrap()[0],
            "ZJ-CSGL-CF-0001"
        );
        assert_eq!(
            s.search_codes("噪声", 10).await.unwrap()[0],
            "ZJ-STHJ-CF-0001"
        );
        assert_eq!(
            s.search_codes("秸秆焚烧", 10).await.unwrap()[0],
            "ZJ-NYNC-CF-0001"
        );
        assert_eq!(
            s.search_codes("zj-scjg-jc-0001", 10).await.unwrap(),
            ["ZJ-SCJG-JC-0001"]
        );
        let (rows, total) = s
            .items(
                &ItemFilter {
                    q: Some("有人在路边占道经营".into()),
                    ..Default::default()
                },
                1,
                10,
            )
            .await
            .unwrap();
        assert!(total >= 1);
        assert_eq!(rows[0].code, "ZJ-CSGL-CF-0001");
        let (rows, _) = s
            .items(
                &ItemFilter {
                    set: Some("township_must".into()),
                    ..Default::default()
                },
                1,
                10,
            )
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
    }
);

engine_test!(
    the_demo_catalog_loads_with_township_assignments_in_every_mode,
    async |db: TestDb| {
        let s = &db.store;
        xiezhi_store::demo::load(s, "demo", "t", now())
            .await
            .unwrap();
        let r = xiezhi_store::demo::load_catalog(s, "t", now())
            .await
            .unwrap();
        assert!(r.created >= 120 + 300, "{r:?}");
        let domains = s.catalog_domains().await.unwrap();
        assert!(domains.len() >= 14, "{domains:?}");
        let on = d("2024-06-01");
        let modes: std::collections::HashSet<String> = s
            .assignments_on(on)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.mode)
            .collect();
        for m in ["granted", "entrusted", "cooperation", "retained"] {
            assert!(modes.contains(m), "{m}");
        }
        let hits = s.search_codes("占道", 5).await.unwrap();
        let top = s.item_on(&hits[0], on).await.unwrap();
        assert!(
            top.name.contains("占用") && top.name.contains("道路"),
            "{}",
            top.name
        );
        let hits = s.search_codes("噪音扰民", 5).await.unwrap();
        assert!(s.item_on(&hits[0], on).await.unwrap().name.contains("噪声"));
        s.verify_chain().await.unwrap();
    }
);

/// Public masking must not mangle the catalog the public reads: every demo item's name,
/// law and clauses come out of [`xiezhi_domain::mask::public_text`] unchanged.
#[test]
fn public_masking_leaves_the_demo_catalog_as_written() {
    let mut rows = csv::Reader::from_reader(xiezhi_store::demo::DEMO_ITEMS.as_bytes());
    let mut checked = 0;
    for row in rows.records() {
        let row = row.unwrap();
        for col in [1, 4, 5, 6] {
            let text = &row[col];
            assert_eq!(xiezhi_domain::mask::public_text(text), text, "{}", &row[0]);
            checked += 1;
        }
    }
    assert!(checked > 400, "{checked}");
}
