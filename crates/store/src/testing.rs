//! Test harness shared by the store and server tests: a fresh database per test on SQLite
//! (a temporary file) and, when `XIEZHI_TEST_POSTGRES_URL` is set, on PostgreSQL (a database
//! with a random name, dropped afterwards). Use [`crate::engine_test!`] to write a test once
//! and run it on both engines.

use crate::{Engine, Store, StoreOptions};
use rand::RngCore;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;

/// The variable naming the PostgreSQL server used by tests (an admin URL such as
/// `postgres://postgres@127.0.0.1:5432/test`).
pub const POSTGRES_ENV: &str = "XIEZHI_TEST_POSTGRES_URL";

/// A fresh, migrated database for one test; removed on drop.
pub struct TestDb {
    /// The store on it.
    pub store: Store,
    /// Its URL.
    pub url: String,
    /// The directory of its stored files.
    pub files: PathBuf,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres { admin_url: String, name: String },
}

fn random_name() -> String {
    let mut b = [0u8; 6];
    rand::thread_rng().fill_bytes(&mut b);
    format!("xiezhi_t_{}", hex::encode(b))
}

static SKIP_NOTICE: Once = Once::new();

impl TestDb {
    /// A fresh SQLite file.
    pub async fn sqlite() -> TestDb {
        Self::sqlite_with(true).await
    }

    /// A fresh SQLite file with no schema (for tests that run the migrations themselves).
    pub async fn sqlite_empty() -> TestDb {
        Self::sqlite_with(false).await
    }

    async fn sqlite_with(migrate: bool) -> TestDb {
        let path = std::env::temp_dir().join(format!("{}.db", random_name()));
        let url = format!("sqlite://{}", path.display());
        let store = if migrate {
            open(&url).await
        } else {
            open_raw(&format!("{url}?mode=rwc")).await
        };
        TestDb {
            store,
            files: PathBuf::from(format!("{}.files", path.display())),
            url,
            cleanup: Cleanup::File(path),
        }
    }

    /// A fresh PostgreSQL database, or None (with a notice on stderr, once per process)
    /// when `XIEZHI_TEST_POSTGRES_URL` is not set.
    pub async fn postgres() -> Option<TestDb> {
        Self::postgres_with(true).await
    }

    /// A fresh PostgreSQL database with no schema, or None as [`TestDb::postgres`].
    pub async fn postgres_empty() -> Option<TestDb> {
        Self::postgres_with(false).await
    }

    async fn postgres_with(migrate: bool) -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
            SKIP_NOTICE.call_once(|| {
                // Written to the stream directly so the test harness does not capture it.
                let _ = writeln!(
                    std::io::stderr(),
                    "\nNOTICE: {POSTGRES_ENV} is not set: the PostgreSQL half of the tests was SKIPPED (only SQLite ran).\n"
                );
            });
            return None;
        };
        let name = random_name();
        let admin = open_raw(&admin_url).await;
        admin_exec(&admin, &format!("CREATE DATABASE {name}")).await;
        let _ = admin.close().await;
        let base = admin_url
            .split('?')
            .next()
            .unwrap_or(&admin_url)
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .unwrap_or_else(|| admin_url.clone());
        let url = format!("{base}/{name}");
        let store = if migrate {
            open_with_files(&url, pg_files(&name)).await
        } else {
            open_raw(&url).await
        };
        Some(TestDb {
            store,
            url,
            files: pg_files_dir(&name),
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// The engine.
    pub fn engine(&self) -> Engine {
        self.store.engine()
    }
}

/// A PostgreSQL test database's file store: a temporary directory of its own.
fn pg_files(name: &str) -> crate::files::FileLocation {
    crate::files::FileLocation::Dir(pg_files_dir(name))
}

fn pg_files_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{name}.files"))
}

#[allow(clippy::expect_used)]
async fn open(url: &str) -> Store {
    Store::open(&StoreOptions::new(url))
        .await
        .expect("test database opens and migrates")
}

#[allow(clippy::expect_used)]
async fn open_with_files(url: &str, files: crate::files::FileLocation) -> Store {
    Store::open(&StoreOptions {
        files,
        ..StoreOptions::new(url)
    })
    .await
    .expect("test database opens and migrates")
}

#[allow(clippy::expect_used)]
async fn open_raw(url: &str) -> Store {
    Store::connect(&StoreOptions {
        max_connections: 1,
        files: crate::files::FileLocation::Dir(std::env::temp_dir().join("xiezhi-test-raw.files")),
        ..StoreOptions::new(url)
    })
    .await
    .expect("the test database server is reachable")
}

#[allow(clippy::expect_used)]
async fn admin_exec(s: &Store, sql: &str) {
    use sea_orm::ConnectionTrait;
    s.db()
        .execute_unprepared(sql)
        .await
        .expect("admin statement runs");
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
                let _ = std::fs::remove_dir_all(format!("{}.files", p.display()));
            }
            Cleanup::Postgres { admin_url, name } => {
                let _ = std::fs::remove_dir_all(pg_files_dir(name));
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        rt.block_on(async {
                            let admin = open_raw(&admin_url).await;
                            admin_exec(
                                &admin,
                                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                            )
                            .await;
                            let _ = admin.close().await;
                        });
                    }
                })
                .join();
            }
        }
    }
}

/// Write a test once, run it on SQLite and on PostgreSQL:
/// `engine_test!(name, async |db: TestDb| { ... });` makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! engine_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::testing::TestDb::sqlite().await;
                ($body)(db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = $crate::testing::TestDb::postgres().await else {
                    return;
                };
                ($body)(db).await;
            }
        }
    };
}

/// Now, for tests that stamp their own writes (the system clock through the one time
/// source; `scripts/timeshift.sh` runs the suite on other dates to show none depends on it).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    crate::time::TimeSource::System.now()
}

/// A 2027 holiday notice as published (fictional arrangements, for tests): 元旦 runs to
/// Monday 01-04, so a due time on or after 01-04 moves by one working day.
pub const NOTICE_2027: &str = "国务院办公厅关于2027年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至4日（周一）放假调休，共4天。1月9日（周六）上班。
二、春节：2月5日（农历除夕、周五）至13日（周六）放假调休，共9天。2月14日（周日）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）上班。
五、端午节：6月9日（周三）放假1天，不调休。
六、中秋节：9月15日（周三）放假1天，不调休。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
国务院办公厅
2026年12月1日
";

/// Lift the database's append-only guard on the record, as someone with the database owner's
/// rights could: for tests that prove the SM3 chain catches a rewritten history.
pub async fn drop_record_guard(store: &crate::Store) {
    let statements: &[&str] = match store.db().get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => &["ALTER TABLE events DISABLE TRIGGER USER"],
        _ => &[
            "DROP TRIGGER IF EXISTS events_no_update",
            "DROP TRIGGER IF EXISTS events_no_delete",
        ],
    };
    for st in statements {
        admin_exec(store, st).await;
    }
}

/// Remove the database's refusal of unknown states and kinds (m0018), for tests of how the
/// program reads a row written before it or by hand.
pub async fn drop_known_value_guards(store: &crate::Store) {
    for (t, c, _) in crate::known::columns() {
        let statements = match store.db().get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                vec![format!(
                    "ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{c}_known"
                )]
            }
            _ => vec![
                format!("DROP TRIGGER IF EXISTS {t}_{c}_known_insert"),
                format!("DROP TRIGGER IF EXISTS {t}_{c}_known_update"),
            ],
        };
        for st in statements {
            admin_exec(store, &st).await;
        }
    }
}
