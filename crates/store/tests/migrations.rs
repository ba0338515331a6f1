//! Landed migrations are frozen: each migration, applied one at a time to an empty database,
//! leaves a schema whose digest is recorded here, per engine. Editing a migration that has
//! landed changes the digest of its step (and the ones after) and fails this test; a change
//! to the schema is a new migration, with its digest added at the end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::MigratorTrait;
use xiezhi_store::migration::Migrator;
use xiezhi_store::testing::TestDb;

/// `(migration, SQLite schema digest, PostgreSQL schema digest)` after each step.
const LANDED: &[(&str, &str, &str)] = &[
    (
        "m0001_foundation",
        "3010136a41fac75add5acf4110e7a9590a30618e8f0ca71e773ba7c83a2f1123",
        "fa00129dbdebdb72e78d7e99e238c414947d8f6fdea51b8dca90718733687df5",
    ),
    (
        "m0002_clocks",
        "cc365d22a9119882ec53fa10ea30a3112ed9db3b3d4b204b983f604f06718fd4",
        "d48a8cc77300df3c5091569ffae08510d87f45a13c7df240c806264bfc2b3c2c",
    ),
    (
        "m0003_catalog",
        "2f5325fb5a6b369cffa2ec4253fd952d639bbe2ad5d65382eac6be9266bbdb69",
        "c444b9fb815ae1a813cfd9fa31a8516ae7c14dbd16e8aa52d4791b0de6a6c276",
    ),
    (
        "m0004_leads",
        "48f3d646ec66d2591299db1aca9ce893cea4d032cd69472d2b8aacdcef182535",
        "3ed0f3276326a6562f739ce7110f9a0159ce09cbe048a874a9da495dc290b3cc",
    ),
    (
        "m0005_transfers",
        "b09b9d453072f2d765ea2562491ae02db79729d5af2a35dc27f581271ebf445e",
        "e264d1d6e4a84d30b81329eda671d7de9fc69427c9908d85043c892fd415796b",
    ),
    (
        "m0006_cases",
        "061ccb27c2fc372966315f1df6f1d8ee63c51eea496c7ff13ad8f615a9252de5",
        "3747656125f32c0c87e1f5f78db2efef9410a81c20ce4bcdd49432abf1e71031",
    ),
    (
        "m0007_assistance",
        "16e7a7fbaf99357362f5a168d66289e49093fb00f39b37ef97bcb84d4315edca",
        "13dd66228f1a30520b20cca3b289d62d639e297067f83074faed8759917f3b18",
    ),
    (
        "m0008_documents",
        "059bef42928f610ac3ff27a1986f97d894a852c13af3f86720d9b9506fc4b9a6",
        "2950b9a08c67577bdd30cef46b8db3fca5804028749aa1280751026e5a2c9904",
    ),
    (
        "m0009_instructions",
        "5b5321b576e46d4f1c9d938d18495ad14ae25f4b05e4468bbb3ccb0ff3d99b36",
        "c73b8f0035875f7452f437cf4efea7f4dcb472c37dfe47a3a258937bbfd507d0",
    ),
    (
        "m0010_operations",
        "ca2dea30f0bc3ad01b234e7890a345135d0d907dcc50e043421023f37e5b2e6e",
        "d8d06a5caea21d81e5ae05dcc45b3b8a05b86e46cddb97f0db73a3ca451edc6c",
    ),
    (
        "m0011_meetings",
        "36ec102cfb5234471541b0177419fa95bab58d96da2e89a18b514673119a0f5f",
        "64a35bde95bb301dbcbf69e4f6f69d386022d41406ab1c1eedd8537079442640",
    ),
    (
        "m0012_assistance_rating",
        "85782ccbfa36c98d0a891badfd7857f590d17bfbb3c0f63e6e906555d46d31ae",
        "0d93cfa729680273b9656e02e8100227b3fc1e31a3d5bd2f12f3804c39d2d500",
    ),
    (
        "m0013_scale_indexes",
        "25b9d6311db87e717f9feded70c97e5efe5983eff9c5162262411b0f10ac047f",
        "ea198d36f23e3104244fb8679870a2ddc0e97faaf99226b9816f15c6d16cc2c8",
    ),
    (
        "m0014_assessment_days",
        "fa6425daf77c29248d132f0ccf358bac12eb53b83a6577318ed4e562d9dd1630",
        "396561d133374d9db85ca31becd2d86795a6345801ca9b259eb2132991f7220e",
    ),
    (
        "m0015_lead_outcome",
        "e1e48b2f48f54346628529c681d2f3910ac613134f560a14d326ca28aea8cc15",
        "923cd3fd231664462d69f6260525e04decfa4646452940213f6903a9276fed08",
    ),
    (
        "m0016_append_only_record",
        "7078cc89fb4750e203b52c0014a0596276c06cb216398f663b9f9d74f2907506",
        "84f5b5ecd069ccfb18ad76e0e502c7785b21b3e366b22713dd59ed8900d6b39f",
    ),
    (
        "m0017_lead_ratings",
        "2d200d626b98efb786ec8fd60e7499d235b2fbe2f6323b3de1bc4a85437f5d99",
        "ba5a2eacefef5a7ede4d62200251b916db962e9033d5a41a2359fedda43f20cf",
    ),
    (
        "m0018_known_values",
        "b56eb3d5f163f322af1089f54808514af6973d758436f64c635d486c2ed03217",
        "76e81ff2e3e191fe971cb2b2590ce60b1b3fa0590fc990a5164aea8b76ffccfd",
    ),
    (
        "m0019_number_sequences",
        "186baa3f47957cf62da8a0ed0848efc55fdb86c6823743e0960b31424e32c642",
        "292994019f07831dfc0d16a376735813a8edee33d46f6bda1e1cc6588c497204",
    ),
    (
        "m0020_throttles",
        "e0e406d57a32700b6e414a7b5d050d707410990a229bb8801b38670aac971f94",
        "2da55789553a5e6a1d40db3187fb05e42c13f2895ae340d8622e102222fb246e",
    ),
    (
        "m0021_files_outside",
        "7d9c9a76be763ca461519987e4f738dff3035b04b4e24cacb67d1c7cd01b8e24",
        "b4934b7e145f0efb7e0f8658bb171f4c0532c4b724c45d015567495fac5b515d",
    ),
    (
        "m0022_second_factors",
        "f36639cca2a6913b071f59e167853b263c6e4bcf3ef615b3809b89efdf7bd37d",
        "77e52973ce5beff5c13ceec964b99b0fce5daea09f9bac6a6de8acd16c6c4c35",
    ),
];

/// The schema as text: every table, column, index, constraint, trigger and function.
async fn schema(db: &TestDb) -> String {
    let conn = db.store.db();
    let backend = conn.get_database_backend();
    let queries: &[&str] = match backend {
        DbBackend::Postgres => &[
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, coalesce(column_default, '')::text FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
            "SELECT indexname::text, indexdef::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
            "SELECT conname::text, pg_get_constraintdef(oid)::text FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1",
            "SELECT tgname::text, pg_get_triggerdef(oid)::text FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1",
            "SELECT proname::text, prosrc::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1",
        ],
        _ => &[
            "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        ],
    };
    let mut out = String::new();
    for q in queries {
        for row in conn
            .query_all_raw(Statement::from_string(backend, q.to_string()))
            .await
            .unwrap()
        {
            let mut i = 0;
            while let Ok(v) = row.try_get_by_index::<String>(i) {
                out.push_str(&v);
                out.push('\t');
                i += 1;
            }
            out.push('\n');
        }
    }
    out
}

/// Apply the migrations one at a time; the digest after each.
async fn digests(db: &TestDb) -> Vec<(String, String)> {
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let mut out = vec![];
    for name in names {
        Migrator::up(db.store.db(), Some(1)).await.unwrap();
        out.push((name, xiezhi_domain::sm3_hex(schema(db).await.as_bytes())));
    }
    out
}

fn check(engine: &str, column: usize, got: &[(String, String)]) {
    let listing: String = got.iter().map(|(n, d)| format!("    {n}: {d}\n")).collect();
    for (i, (name, digest)) in got.iter().enumerate() {
        let Some(landed) = LANDED.get(i) else {
            panic!("{engine}: {name} is not recorded in LANDED: add it (digests now:\n{listing})");
        };
        let want = if column == 1 { landed.1 } else { landed.2 };
        assert_eq!(
            (landed.0, want),
            (name.as_str(), digest.as_str()),
            "{engine}: the schema after {} changed — a landed migration was edited; put the change in a new migration (digests now:\n{listing})",
            landed.0
        );
    }
}

#[tokio::test]
async fn landed_migrations_are_frozen_on_sqlite() {
    let db = TestDb::sqlite_empty().await;
    check("SQLite", 1, &digests(&db).await);
}

#[tokio::test]
async fn landed_migrations_are_frozen_on_postgres() {
    let Some(db) = TestDb::postgres_empty().await else {
        return;
    };
    check("PostgreSQL", 2, &digests(&db).await);
}

/// The assessment's rating counts of the whole database: `(rated, rated_good, rated_not_fixed)`.
async fn rating_tallies(db: &TestDb) -> (i64, i64, i64) {
    let conn = db.store.db();
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT CAST(COALESCE(SUM(rated), 0) AS BIGINT) AS a, CAST(COALESCE(SUM(rated_good), 0) AS BIGINT) AS b, CAST(COALESCE(SUM(rated_not_fixed), 0) AS BIGINT) AS c FROM assessment_days",
        ))
        .await
        .unwrap()
        .unwrap();
    (
        row.try_get("", "a").unwrap(),
        row.try_get("", "b").unwrap(),
        row.try_get("", "c").unwrap(),
    )
}

/// m0017 copies the ratings recorded as events into `lead_ratings` without counting them
/// twice, and from then on the tallies count the table's rows.
async fn ratings_move_to_their_table(db: TestDb) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    use xiezhi_store::RecordContext;
    let now = xiezhi_store::testing::now();
    Migrator::up(db.store.db(), Some(16)).await.unwrap();
    xiezhi_store::demo::load(&db.store, "demo", "test", now)
        .await
        .unwrap();
    // Two leads written as the schema of m0016 holds them (today's intake needs later
    // tables).
    let org = xiezhi_store::entities::org::Entity::find()
        .one(db.store.db())
        .await
        .unwrap()
        .unwrap();
    for n in 1..=2 {
        xiezhi_store::entities::lead::ActiveModel {
            tracking_number: Set(format!("L2026112400{n:03}")),
            channel: Set("department".into()),
            text: Set(format!("迁移测试线索{n}")),
            address: Set("城东路1号".into()),
            urgent: Set(false),
            received_org_id: Set(org.id),
            received_at: Set(now),
            status: Set("replied".into()),
            bounces: Set(0),
            reopened: Set(0),
            ..Default::default()
        }
        .insert(db.store.db())
        .await
        .unwrap();
    }
    let leads = xiezhi_store::entities::lead::Entity::find()
        .all(db.store.db())
        .await
        .unwrap();
    let (a, b) = (&leads[0], &leads[1]);
    let org = a.received_org_id;
    let mut w = db
        .store
        .begin_write(RecordContext::system("test", now))
        .await
        .unwrap();
    w.record(
        "lead",
        a.id,
        xiezhi_domain::EventKind::LeadRated,
        &xiezhi_domain::payload::LeadRated {
            satisfaction: "basic".into(),
            org_id: Some(org),
        },
    );
    // An early rating named no org: the lead's own org counts it.
    w.record(
        "lead",
        b.id,
        xiezhi_domain::EventKind::LeadRated,
        &xiezhi_domain::payload::LeadRated {
            satisfaction: "not_fixed".into(),
            org_id: None,
        },
    );
    w.commit().await.unwrap();
    let before = rating_tallies(&db).await;
    assert_eq!(before, (2, 1, 1));
    Migrator::up(db.store.db(), None).await.unwrap();
    assert_eq!(
        rating_tallies(&db).await,
        before,
        "copied, not counted twice"
    );
    let rows = xiezhi_store::entities::lead_rating::Entity::find()
        .all(db.store.db())
        .await
        .unwrap();
    let got: Vec<(i64, i64, &str)> = rows
        .iter()
        .map(|r| (r.lead_id, r.org_id, r.satisfaction.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (a.id, org, "basic"),
            (
                b.id,
                b.holder_org_id.unwrap_or(b.received_org_id),
                "not_fixed"
            ),
        ]
    );
    xiezhi_store::entities::lead_rating::ActiveModel {
        lead_id: Set(a.id),
        org_id: Set(org),
        satisfaction: Set("satisfied".into()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db.store.db())
    .await
    .unwrap();
    assert_eq!(rating_tallies(&db).await, (3, 2, 1));
    // A satisfaction the enum does not know is refused by the table itself.
    let bad = xiezhi_store::entities::lead_rating::ActiveModel {
        lead_id: Set(a.id),
        org_id: Set(org),
        satisfaction: Set("great".into()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db.store.db())
    .await;
    assert!(bad.is_err());
}

#[tokio::test]
async fn ratings_move_to_their_table_on_sqlite() {
    ratings_move_to_their_table(TestDb::sqlite_empty().await).await;
}

#[tokio::test]
async fn ratings_move_to_their_table_on_postgres() {
    if let Some(db) = TestDb::postgres_empty().await {
        ratings_move_to_their_table(db).await;
    }
}

/// The frozen known-value constraints still list exactly the enums' values: a new state or
/// kind needs a new migration that replaces its column's constraint.
#[test]
fn the_known_value_constraints_list_the_enums_values() {
    for (b, file) in [
        (
            DbBackend::Sqlite,
            include_str!("../migrations/m0018_sqlite.sql"),
        ),
        (
            DbBackend::Postgres,
            include_str!("../migrations/m0018_postgres.sql"),
        ),
    ] {
        let frozen: Vec<&str> = file
            .split("\n-- next statement\n")
            .map(str::trim)
            .filter(|s| !s.starts_with("--"))
            .collect();
        let now = xiezhi_store::known::statements(b);
        assert_eq!(
            frozen,
            now.iter().map(String::as_str).collect::<Vec<_>>(),
            "{b:?}: an enum's values changed since m0018: add a migration that replaces the constraint of its column"
        );
    }
}

/// A state the program does not know is refused by the database on both engines.
async fn unknown_values_are_refused(db: TestDb) {
    xiezhi_store::demo::load(&db.store, "demo", "test", xiezhi_store::testing::now())
        .await
        .unwrap();
    let r = db
        .store
        .db()
        .execute_unprepared("UPDATE orgs SET kind = 'bakery'")
        .await;
    let e = r.expect_err("an unknown org kind is refused");
    assert!(e.to_string().contains("orgs"), "{e}");
}

#[tokio::test]
async fn unknown_values_are_refused_on_sqlite() {
    unknown_values_are_refused(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn unknown_values_are_refused_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        unknown_values_are_refused(db).await;
    }
}
