//! Store tests: every test runs on SQLite and (when configured) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use xiezhi_domain::{DivisionCode, Login, OrgCode, OrgKind, OrgLevel, Role};
use xiezhi_store::auth::{self, SignIn};
use xiezhi_store::engine_test;
use xiezhi_store::import::{self, ImportError};
use xiezhi_store::orgs::{self, NewOrg};
use xiezhi_store::people::{self, NewPerson};
use xiezhi_store::testing::TestDb;
use xiezhi_store::{RecordContext, Store, StoreError, StoreOptions};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc)
}

fn ctx(at: DateTime<Utc>) -> RecordContext {
    RecordContext::system("test", at)
}

async fn exec(s: &Store, sql: &str) {
    s.db().execute_unprepared(sql).await.unwrap();
}

/// Change the record behind the platform's back, as the database's owner could (lifting the
/// append-only guard first).
async fn tamper(s: &Store, sql: &str) {
    xiezhi_store::testing::drop_record_guard(s).await;
    exec(s, sql).await;
}

async fn top(s: &Store) -> i64 {
    let mut w = s.begin_write(ctx(t0())).await.unwrap();
    let o = orgs::create(
        &mut w,
        NewOrg {
            code: OrgCode::parse("GOV").unwrap(),
            name: "测试县人民政府".into(),
            kind: OrgKind::Government,
            level: OrgLevel::County,
            parent_id: None,
            division_code: DivisionCode::parse("339901").unwrap(),
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    o.id
}

async fn some_events(s: &Store, n: usize) {
    for i in 0..n {
        let mut w = s
            .begin_write(ctx(t0() + Duration::seconds(i as i64)))
            .await
            .unwrap();
        w.record(
            "test",
            i,
            xiezhi_domain::EventKind::SyntheticDay,
            &xiezhi_domain::payload::SyntheticDay {
                day: format!("第{i}日"),
            },
        );
        w.commit().await.unwrap();
    }
}

engine_test!(
    a_sound_chain_verifies_and_reports_its_length,
    async |db: TestDb| {
        some_events(&db.store, 5).await;
        let r = db.store.verify_chain().await.unwrap();
        assert_eq!(r.events, 5);
        assert_eq!(r.head_hash.len(), 64);
    }
);

engine_test!(
    the_database_itself_refuses_to_change_or_delete_events,
    async |db: TestDb| {
        some_events(&db.store, 5).await;
        let mut tries = vec![
            "UPDATE events SET payload = '{}' WHERE seq = 3",
            "DELETE FROM events WHERE seq = 5",
            "DELETE FROM events",
        ];
        if db.engine() == xiezhi_store::Engine::Postgres {
            tries.push("TRUNCATE events");
        }
        for sql in tries {
            let r = db.store.db().execute_unprepared(sql).await;
            let e = r.expect_err(sql).to_string();
            assert!(e.contains("append-only"), "{sql}: {e}");
        }
        assert_eq!(db.store.verify_chain().await.unwrap().events, 5);
    }
);

engine_test!(
    editing_an_event_is_detected_at_its_sequence_number,
    async |db: TestDb| {
        some_events(&db.store, 6).await;
        tamper(
            &db.store,
            "UPDATE events SET payload = '{\"i\":99}' WHERE seq = 3",
        )
        .await;
        match db.store.verify_chain().await {
            Err(StoreError::ChainBroken { seq, .. }) => assert_eq!(seq, 3),
            other => panic!("expected a broken chain, got {other:?}"),
        }
    }
);

engine_test!(deleting_a_middle_event_is_detected, async |db: TestDb| {
    some_events(&db.store, 6).await;
    tamper(&db.store, "DELETE FROM events WHERE seq = 4").await;
    match db.store.verify_chain().await {
        Err(StoreError::ChainBroken { seq, .. }) => assert_eq!(seq, 4),
        other => panic!("expected a broken chain, got {other:?}"),
    }
});

engine_test!(
    deleting_the_last_event_is_detected_by_the_head,
    async |db: TestDb| {
        some_events(&db.store, 6).await;
        tamper(&db.store, "DELETE FROM events WHERE seq = 6").await;
        match db.store.verify_chain().await {
            Err(StoreError::ChainBroken { seq, .. }) => assert_eq!(seq, 6),
            other => panic!("expected a broken chain, got {other:?}"),
        }
    }
);

engine_test!(
    editing_only_the_chain_head_names_the_last_event,
    async |db: TestDb| {
        some_events(&db.store, 6).await;
        let forged = "b".repeat(64);
        tamper(
            &db.store,
            &format!("UPDATE chain_head SET hash = '{forged}' WHERE id = 1"),
        )
        .await;
        match db.store.verify_chain().await {
            Err(StoreError::ChainBroken { seq, reason }) => {
                assert_eq!(seq, 6, "the head names the last event, which exists");
                assert!(reason.contains("链头"), "{reason}");
            }
            other => panic!("expected a broken chain, got {other:?}"),
        }
    }
);

engine_test!(
    inserting_or_reordering_events_is_detected,
    async |db: TestDb| {
        some_events(&db.store, 6).await;
        // Reorder: swap the contents of seq 2 and 5 by renumbering.
        tamper(&db.store, "UPDATE events SET seq = 1000 WHERE seq = 2").await;
        tamper(&db.store, "UPDATE events SET seq = 2 WHERE seq = 5").await;
        tamper(&db.store, "UPDATE events SET seq = 5 WHERE seq = 1000").await;
        match db.store.verify_chain().await {
            Err(StoreError::ChainBroken { seq, .. }) => assert_eq!(seq, 2),
            other => panic!("expected a broken chain, got {other:?}"),
        }
        // Insert: a forged event at the end with a made-up hash.
        let db2 = if db.engine() == xiezhi_store::Engine::Sqlite {
            TestDb::sqlite().await
        } else {
            TestDb::postgres().await.unwrap()
        };
        some_events(&db2.store, 3).await;
        let head: String = db2
            .store
            .db()
            .query_one_raw(sea_orm::Statement::from_string(
                db2.store.backend(),
                "SELECT hash FROM events WHERE seq = 3",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "hash")
            .unwrap();
        exec(
            &db2.store,
            &format!(
                "INSERT INTO events (seq, at, actor, org, subject_type, subject_id, kind, payload, request_id, prev_hash, hash) \
                 VALUES (4, '2026-11-23T01:00:00Z', 'person:1', NULL, 'x', '1', 'x.forged', '{{}}', 'r', '{head}', '{}')",
                "a".repeat(64)
            ),
        )
        .await;
        match db2.store.verify_chain().await {
            Err(StoreError::ChainBroken { seq, .. }) => assert_eq!(seq, 4),
            other => panic!("expected a broken chain, got {other:?}"),
        }
    }
);

engine_test!(
    eight_concurrent_writers_keep_the_chain_linear,
    async |db: TestDb| {
        let writers = 8;
        let per_writer = 500;
        let mut handles = vec![];
        for wi in 0..writers {
            let s = db.store.clone();
            handles.push(tokio::spawn(async move {
                for i in 0..per_writer {
                    let mut w = s.begin_write(ctx(t0())).await.unwrap();
                    w.record(
                        "writer",
                        wi,
                        xiezhi_domain::EventKind::SyntheticDay,
                        &xiezhi_domain::payload::SyntheticDay { day: i.to_string() },
                    );
                    w.commit().await.unwrap();
                }
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        let r = db.store.verify_chain().await.unwrap();
        assert_eq!(r.events, (writers * per_writer) as i64);
    }
);

engine_test!(
    a_write_without_an_event_is_refused_and_rolled_back,
    async |db: TestDb| {
        let gov = top(&db.store).await;
        let w = db.store.begin_write(ctx(t0())).await.unwrap();
        exec_in(
            &w,
            &format!("UPDATE orgs SET name = '被篡改' WHERE id = {gov}"),
        )
        .await;
        assert!(w.commit().await.is_err());
        assert_eq!(db.store.org(gov).await.unwrap().name, "测试县人民政府");
    }
);

engine_test!(
    a_payload_under_a_kind_it_does_not_name_is_refused_at_commit_and_nothing_is_written,
    async |db: TestDb| {
        use xiezhi_domain::EventKind;
        use xiezhi_domain::payload::{NoDetails, SyntheticDay};
        let gov = top(&db.store).await;
        let head = db.store.head_seq().await.unwrap();
        let mut w = db.store.begin_write(ctx(t0())).await.unwrap();
        exec_in(
            &w,
            &format!("UPDATE orgs SET name = '被篡改' WHERE id = {gov}"),
        )
        .await;
        w.record("org", gov, EventKind::OrgDeactivated, &NoDetails {});
        // A day of synthetic history is not what `org.updated` says.
        let day = SyntheticDay {
            day: "2026-11-23".into(),
        };
        w.record("org", gov, EventKind::OrgUpdated, &day);
        match w.commit().await {
            Err(StoreError::Conflict { code, .. }) => assert_eq!(code, "record.payload_mismatch"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(db.store.org(gov).await.unwrap().name, "测试县人民政府");
        assert_eq!(db.store.head_seq().await.unwrap(), head);
        assert_eq!(db.store.verify_chain().await.unwrap().events, head);
        // The same payload under its own kind is recorded as it reads.
        let mut w = db.store.begin_write(ctx(t0())).await.unwrap();
        w.record("synthetic", 1, EventKind::SyntheticDay, &day);
        w.commit().await.unwrap();
        let (events, _) = db
            .store
            .list_events(&Default::default(), 1, 1)
            .await
            .unwrap();
        assert_eq!(events[0].payload, r#"{"day":"2026-11-23"}"#);
        assert_eq!(events[0].payload_as::<SyntheticDay>(), Some(day));
        assert_eq!(events[0].payload_as::<NoDetails>(), None);
    }
);

async fn exec_in(w: &xiezhi_store::Writer, sql: &str) {
    w.txn().execute_unprepared(sql).await.unwrap();
}

engine_test!(
    a_database_migrated_by_a_newer_version_is_refused,
    async |db: TestDb| {
        exec(
            &db.store,
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_from_the_future', 0)",
        )
        .await;
        match Store::open(&StoreOptions::new(db.url.clone())).await {
            Err(StoreError::NewerSchema(v)) => assert_eq!(v, "m9999_from_the_future"),
            other => panic!("expected refusal, got {other:?}"),
        }
        // A second open of a current database is fine and migrates nothing.
        exec(
            &db.store,
            "DELETE FROM seaql_migrations WHERE version = 'm9999_from_the_future'",
        )
        .await;
        let again = Store::open(&StoreOptions::new(db.url.clone()))
            .await
            .unwrap();
        assert_eq!(again.migrate().await.unwrap(), 0);
    }
);

engine_test!(
    orgs_form_a_tree_and_moving_one_moves_its_subtree,
    async |db: TestDb| {
        let s = &db.store;
        let gov = top(s).await;
        let mut w = s.begin_write(ctx(t0())).await.unwrap();
        let mk = |code: &str, parent: i64, kind: OrgKind| NewOrg {
            code: OrgCode::parse(code).unwrap(),
            name: format!("机构{code}"),
            kind,
            level: OrgLevel::County,
            parent_id: Some(parent),
            division_code: DivisionCode::parse("339901").unwrap(),
        };
        let a = orgs::create(&mut w, mk("AA", gov, OrgKind::Department))
            .await
            .unwrap();
        let a1 = orgs::create(&mut w, mk("AA1", a.id, OrgKind::DispatchedUnit))
            .await
            .unwrap();
        let b = orgs::create(&mut w, mk("BB", gov, OrgKind::Township))
            .await
            .unwrap();
        assert!(matches!(
            orgs::create(&mut w, mk("AA", gov, OrgKind::Department)).await,
            Err(StoreError::Invalid { .. })
        ));
        w.commit().await.unwrap();
        assert_eq!(a1.path, format!("/{gov}/{}/{}/", a.id, a1.id));

        let mut w = s.begin_write(ctx(t0())).await.unwrap();
        let edit = |parent| orgs::OrgEdit {
            name: "机构A".into(),
            kind: OrgKind::Department,
            level: OrgLevel::County,
            parent_id: Some(parent),
            division_code: DivisionCode::parse("339901").unwrap(),
        };
        assert!(
            orgs::edit(&mut w, a.id, edit(a1.id)).await.is_err(),
            "no cycles"
        );
        orgs::edit(&mut w, a.id, edit(b.id)).await.unwrap();
        w.commit().await.unwrap();
        let a1 = s.org(a1.id).await.unwrap();
        assert_eq!(a1.path, format!("/{gov}/{}/{}/{}/", b.id, a.id, a1.id));
        // The government of a unit under a township is the township.
        assert_eq!(s.government_of(&a1).await.unwrap().id, b.id);
        let (events, _) = s
            .list_events(
                &xiezhi_store::record::EventFilter {
                    subject_type: Some("org".into()),
                    subject_id: Some(a.id.to_string()),
                    ..Default::default()
                },
                1,
                10,
            )
            .await
            .unwrap();
        let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["org.updated", "org.created"]);
    }
);

engine_test!(
    an_org_with_people_cannot_be_deactivated_and_people_are_never_deleted,
    async |db: TestDb| {
        let s = &db.store;
        let gov = top(s).await;
        let mut w = s.begin_write(ctx(t0())).await.unwrap();
        let p = people::create(
            &mut w,
            NewPerson {
                login: Login::parse("zhang").unwrap(),
                name: "张三".into(),
                org_id: gov,
                roles: vec![Role::Officer],
                phone: None,
                password_hash: None,
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let mut w = s.begin_write(ctx(t0())).await.unwrap();
        assert!(matches!(
            orgs::set_active(&mut w, gov, false).await,
            Err(StoreError::Conflict { .. })
        ));
        people::set_active(&mut w, p.id, false).await.unwrap();
        orgs::set_active(&mut w, gov, false).await.unwrap();
        w.commit().await.unwrap();
        let p = s.person(p.id).await.unwrap();
        assert!(!p.active);
        let (all, n) = s
            .people(
                &people::PersonFilter {
                    include_inactive: true,
                    ..Default::default()
                },
                1,
                10,
            )
            .await
            .unwrap();
        assert_eq!((all.len(), n), (1, 1));
    }
);

engine_test!(
    roles_that_break_the_separation_of_administrators_are_refused,
    async |db: TestDb| {
        let s = &db.store;
        let gov = top(s).await;
        let mut w = s.begin_write(ctx(t0())).await.unwrap();
        let r = people::create(
            &mut w,
            NewPerson {
                login: Login::parse("admin").unwrap(),
                name: "管理员".into(),
                org_id: gov,
                roles: vec![Role::SystemAdmin, Role::AuditAdmin],
                phone: None,
                password_hash: None,
            },
        )
        .await;
        assert!(matches!(r, Err(StoreError::Invalid { field, .. }) if field == "roles"));
    }
);

const ORGS_CSV: &str = "code,name,kind,level,parent_code,division_code
GOV,测试县人民政府,government,county,,339901
SCJG,测试县市场监督管理局,department,county,GOV,339901
T1,东镇,乡镇（街道）,township,GOV,339901001
";

engine_test!(
    a_good_csv_imports_in_one_go_and_a_bad_one_writes_nothing,
    async |db: TestDb| {
        let s = &db.store;
        let w = s.begin_write(ctx(t0())).await.unwrap();
        assert_eq!(import::import_orgs(s, w, ORGS_CSV, "/").await.unwrap(), 3);
        let people_csv = "login,name,org_code,roles,phone,certificate_number,certificate_domains,certificate_valid_until,training_year,training_hours
li.si,李四,SCJG,officer;legal_reviewer,13800001111,ZJ0001,市场监管,2028-12-31,2026,40
wang.wu,王五,NOPE,officer,,,,,,
zhao.liu,赵六,T1,wizard,12,,,,,
li.si,李四二,T1,officer,,ZJ0001,,2028-13-01,,
";
        let w = s.begin_write(ctx(t0())).await.unwrap();
        match import::import_people(s, w, people_csv, "/").await {
            Err(ImportError::Rows(errs)) => {
                let lines: Vec<(usize, &str)> =
                    errs.iter().map(|e| (e.line, e.field.as_str())).collect();
                assert!(lines.contains(&(3, "org_code")), "{lines:?}");
                assert!(lines.contains(&(4, "roles")), "{lines:?}");
                assert!(lines.contains(&(4, "phone")), "{lines:?}");
                assert!(lines.contains(&(5, "login")), "{lines:?}");
                assert!(lines.contains(&(5, "certificate_valid_until")), "{lines:?}");
                assert!(lines.contains(&(5, "certificate_number")), "{lines:?}");
            }
            other => panic!("expected row errors, got {other:?}"),
        }
        assert_eq!(s.count_people().await.unwrap(), 0, "nothing written");
        let good = "login,name,org_code,roles,phone,certificate_number,certificate_domains,certificate_valid_until,training_year,training_hours
li.si,李四,SCJG,执法人员;法制审核人员,13800001111,ZJ0001,市场监管,2028-12-31,2026,40
";
        let w = s.begin_write(ctx(t0())).await.unwrap();
        assert_eq!(import::import_people(s, w, good, "/").await.unwrap(), 1);
        let p = s.person_by_login("li.si").await.unwrap().unwrap();
        assert_eq!(
            people::roles_of(&p),
            vec![Role::Officer, Role::LegalReviewer]
        );
        assert_eq!(s.certificates(p.id).await.unwrap()[0].number, "ZJ0001");
        assert_eq!(s.training(p.id).await.unwrap()[0].hours, 40);
        s.verify_chain().await.unwrap();
    }
);

engine_test!(
    five_failed_sign_ins_lock_the_login_for_fifteen_minutes,
    async |db: TestDb| {
        let s = &db.store;
        let gov = top(s).await;
        let mut w = s.begin_write(ctx(t0())).await.unwrap();
        people::create(
            &mut w,
            NewPerson {
                login: Login::parse("zhang").unwrap(),
                name: "张三".into(),
                org_id: gov,
                roles: vec![Role::Officer],
                phone: None,
                password_hash: Some(auth::hash_password("right-password").unwrap()),
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let t = t0();
        assert!(matches!(
            auth::sign_in(s, "zhang", "right-password", None, "r", t)
                .await
                .unwrap(),
            SignIn::Ok { .. }
        ));
        for i in 0..5 {
            let r = auth::sign_in(s, "zhang", "wrong", None, "r", t + Duration::seconds(i))
                .await
                .unwrap();
            assert!(matches!(r, SignIn::BadCredentials));
        }
        let r = auth::sign_in(
            s,
            "zhang",
            "right-password",
            None,
            "r",
            t + Duration::minutes(1),
        )
        .await
        .unwrap();
        assert!(
            matches!(r, SignIn::Locked { .. }),
            "locked even with the right password"
        );
        let r = auth::sign_in(
            s,
            "zhang",
            "right-password",
            None,
            "r",
            t + Duration::minutes(16),
        )
        .await
        .unwrap();
        let SignIn::Ok { session, person } = r else {
            panic!("lock should have expired")
        };
        let idle = Duration::minutes(30);
        let live = |at: i64| {
            let session = session.clone();
            async move {
                auth::session_person(s, &session, t + Duration::minutes(at), idle)
                    .await
                    .unwrap()
            }
        };
        let (_, p) = live(17).await.unwrap();
        assert_eq!(p.id, person.id);
        // Used every 29 minutes it lives on; 31 minutes unused ends it.
        assert!(live(46).await.is_some() && live(75).await.is_some());
        assert!(live(106).await.is_none(), "idle for 31 minutes");
        // However busy, a session ends 8 hours after sign-in.
        let SignIn::Ok { session, .. } = auth::sign_in(
            s,
            "zhang",
            "right-password",
            None,
            "r",
            t + Duration::minutes(120),
        )
        .await
        .unwrap() else {
            panic!("signs in")
        };
        let mut at = 120;
        while at < 120 + 8 * 60 {
            assert!(
                auth::session_person(s, &session, t + Duration::minutes(at), idle)
                    .await
                    .unwrap()
                    .is_some(),
                "{at}"
            );
            at += 25;
        }
        assert!(
            auth::session_person(s, &session, t + Duration::minutes(120 + 8 * 60), idle)
                .await
                .unwrap()
                .is_none()
        );
        // Unknown logins fail the same way.
        assert!(matches!(
            auth::sign_in(s, "nobody", "x", None, "r", t).await.unwrap(),
            SignIn::BadCredentials
        ));
    }
);

engine_test!(
    the_demo_county_loads_once_with_about_a_hundred_people,
    async |db: TestDb| {
        let s = &db.store;
        let logins = xiezhi_store::demo::load(s, "demo", "demo", t0())
            .await
            .unwrap();
        assert!(logins.len() >= 90, "{}", logins.len());
        for role in Role::ALL.iter().filter(|r| **r != Role::System) {
            assert!(logins.iter().any(|l| l.roles.contains(role)), "{role:?}");
        }
        let orgs = s.orgs_under("/").await.unwrap();
        assert!(orgs.len() >= 25);
        assert!(
            xiezhi_store::demo::load(s, "demo", "demo", t0())
                .await
                .is_err()
        );
        s.verify_chain().await.unwrap();
    }
);

#[test]
fn the_record_has_append_and_read_and_nothing_else() {
    // No store code may update or delete events: only record.rs inserts them.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        for forbidden in [
            "event::Entity::delete",
            "event::Entity::update",
            "UPDATE events",
            "DELETE FROM events",
        ] {
            assert!(
                !src.contains(forbidden),
                "{} contains {forbidden}",
                path.display()
            );
        }
        if !path.ends_with("record.rs") {
            assert!(!src.contains("event::ActiveModel"), "{}", path.display());
        }
    }
}

#[test]
fn only_the_record_reads_the_events_table() {
    // The events entity is the record's own (`pub(crate)` in entities.rs): every other module
    // reads events through record.rs (`list_events`, `events_about`, `events_between`, …).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("record.rs") || path.ends_with("entities.rs") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        for forbidden in [
            "event::Entity",
            "event::Column",
            "event::Model",
            "entities::event",
            "FROM events",
        ] {
            assert!(
                !src.contains(forbidden),
                "{} contains {forbidden}",
                path.display()
            );
        }
    }
    let entities = std::fs::read_to_string(format!("{dir}/entities.rs")).unwrap();
    assert!(entities.contains("pub(crate) mod event {"));
}

engine_test!(
    one_write_may_record_thousands_of_events,
    async |db: TestDb| {
        let mut w = db.store.begin_write(ctx(t0())).await.unwrap();
        for i in 0..5000 {
            w.record(
                "bulk",
                i,
                xiezhi_domain::EventKind::SyntheticDay,
                &xiezhi_domain::payload::SyntheticDay { day: i.to_string() },
            );
        }
        assert_eq!(w.commit().await.unwrap().len(), 5000);
        assert_eq!(db.store.verify_chain().await.unwrap().events, 5000);
    }
);
