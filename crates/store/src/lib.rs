//! Xiezhi persistence: one implementation over SeaORM for SQLite (embedded default) and
//! PostgreSQL (production), the migrations, and the event record that every write goes
//! through ([`record::Writer`]).

pub mod assessment;
pub mod assistance;
pub mod auth;
pub mod casefile;
pub mod cases;
pub mod catalog;
pub mod clocks;
pub mod dashboard;
pub mod demo;
pub mod documents;
pub mod entities;
pub mod error;
pub mod files;
pub mod import;
pub mod instructions;
pub mod known;
pub mod leads;
pub mod live;
pub mod meetings;
pub mod migration;
pub mod numbers;
pub mod operations;
pub mod orgs;
pub mod people;
pub mod record;
pub mod synthetic;
pub mod tally;
pub mod testing;
pub mod throttle;
pub mod time;
pub mod transfers;
pub mod work;
pub mod xlsx;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

pub use error::{StoreError, stored};
pub use record::{RecordContext, Writer};

/// How the store connects.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite://FILE` or `postgres://…`.
    pub url: String,
    /// SQLite only: `synchronous=FULL` (default, survives a power cut) or NORMAL.
    pub sqlite_synchronous_full: bool,
    /// Maximum pooled connections.
    pub max_connections: u32,
    /// Where stored files go (default: beside the database, [`files::FileLocation::beside`]).
    pub files: files::FileLocation,
}

impl StoreOptions {
    /// Options for a URL with the defaults.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        StoreOptions {
            files: files::FileLocation::beside(&url),
            url,
            sqlite_synchronous_full: true,
            max_connections: 10,
        }
    }
}

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite (a file, WAL).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The store: a connection pool on one database.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    engine: Engine,
    live: live::Live,
    files: files::FileStore,
}

/// Turn a plain SQLite path into a URL; keep URLs as they are.
pub fn normalize_url(url: &str) -> String {
    if url.contains("://") || url.starts_with("sqlite:") {
        url.to_owned()
    } else {
        format!("sqlite://{url}")
    }
}

impl Store {
    /// Connect without migrating.
    pub async fn connect(opts: &StoreOptions) -> Result<Store, StoreError> {
        let url = normalize_url(&opts.url);
        let engine = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else {
            return Err(StoreError::Config(format!(
                "不支持的数据库地址：{url}（应为 sqlite://文件 或 postgres://…）"
            )));
        };
        let mut co = ConnectOptions::new(url);
        co.max_connections(opts.max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30))
            .sqlx_logging(false);
        if engine == Engine::Sqlite {
            let full = opts.sqlite_synchronous_full;
            co.map_sqlx_sqlite_opts(move |o| {
                use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(if full {
                        SqliteSynchronous::Full
                    } else {
                        SqliteSynchronous::Normal
                    })
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30))
            });
        }
        let db = Database::connect(co)
            .await
            .map_err(|e| StoreError::Config(format!("无法连接数据库：{e}")))?;
        Ok(Store {
            db,
            engine,
            live: live::Live::default(),
            files: files::FileStore::open(&opts.files)?,
        })
    }

    /// Connect and bring the schema up to date. Refuses a database migrated by a newer version.
    pub async fn open(opts: &StoreOptions) -> Result<Store, StoreError> {
        let store = Store::connect(opts).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Apply pending migrations; refuse when the database has migrations this binary lacks.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let known: Vec<String> = migration::Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let applied = migration::Migrator::get_migration_models(&self.db).await?;
        if let Some(newer) = applied.iter().find(|m| !known.contains(&m.version)) {
            return Err(StoreError::NewerSchema(newer.version.clone()));
        }
        let pending = known.len() - applied.len();
        migration::Migrator::up(&self.db, None).await?;
        Ok(pending)
    }

    /// The connection, for reads.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The stored files.
    pub fn files(&self) -> &files::FileStore {
        &self.files
    }

    /// The engine.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// SeaORM's backend enum.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// SQLite: a consistent copy of the database, taken online (`VACUUM INTO`), to a new file.
    pub async fn sqlite_copy_to(&self, file: &std::path::Path) -> Result<(), StoreError> {
        if self.engine != Engine::Sqlite {
            return Err(StoreError::Config("在线复制只适用于 SQLite".into()));
        }
        let target = file.display().to_string().replace('\'', "''");
        self.db
            .execute_unprepared(&format!("VACUUM INTO '{target}'"))
            .await?;
        Ok(())
    }

    /// Close the pool.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await?;
        Ok(())
    }
}
