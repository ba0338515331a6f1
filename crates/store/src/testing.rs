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
        let path = std::env::temp_dir().join(format!("{}.db", random_name()));
        let url = format!("sqlite://{}", path.display());
        let store = open(&url).await;
        TestDb {
            store,
            url,
            cleanup: Cleanup::File(path),
        }
    }

    /// A fresh PostgreSQL database, or None (with a notice on stderr, once per process)
    /// when `XIEZHI_TEST_POSTGRES_URL` is not set.
    pub async fn postgres() -> Option<TestDb> {
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
        let store = open(&url).await;
        Some(TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// The engine.
    pub fn engine(&self) -> Engine {
        self.store.engine()
    }
}

#[allow(clippy::expect_used)]
async fn open(url: &str) -> Store {
    Store::open(&StoreOptions::new(url))
        .await
        .expect("test database opens and migrates")
}

#[allow(clippy::expect_used)]
async fn open_raw(url: &str) -> Store {
    Store::connect(&StoreOptions {
        max_connections: 1,
        ..StoreOptions::new(url)
    })
    .await
    .expect("the PostgreSQL server named by XIEZHI_TEST_POSTGRES_URL is reachable")
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
            }
            Cleanup::Postgres { admin_url, name } => {
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
