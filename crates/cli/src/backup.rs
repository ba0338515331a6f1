//! Backup and restore (数据备份与恢复, GB/T 22239-2019 8.1.4.11): `xiezhi backup DIR` writes a
//! consistent copy of the database (SQLite: `VACUUM INTO`, online; PostgreSQL: `pg_dump`),
//! the stored files of a directory file store, and a manifest naming the record's length and
//! head hash; `xiezhi restore DIR` puts them into an empty database and file store, then
//! checks the whole chain and that the manifest's head is in it.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xiezhi_store::files::FileLocation;
use xiezhi_store::{Engine, Store, StoreOptions};

/// What a backup holds.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    engine: String,
    made_at: String,
    /// Events in the record when the backup began (at least these are in it).
    events: i64,
    /// The hash of event number `events`.
    head_hash: String,
    /// The database file in the backup.
    database: String,
    /// Stored files copied (0 when the file store is object storage, backed up on its own).
    files: usize,
    files_copied: bool,
}

const FORMAT: &str = "xiezhi-backup/1";

fn sqlite_path(url: &str) -> Option<PathBuf> {
    let url = xiezhi_store::normalize_url(url);
    url.strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))
        .map(|p| PathBuf::from(p.split('?').next().unwrap_or(p)))
}

/// Copy every stored file under `from/sm3` to `to/sm3`; the number copied.
fn copy_files(from: &Path, to: &Path) -> Result<usize> {
    let mut n = 0;
    let root = from.join("sm3");
    let Ok(dirs) = std::fs::read_dir(&root) else {
        return Ok(0);
    };
    for d in dirs {
        let d = d?;
        for f in std::fs::read_dir(d.path())? {
            let f = f?;
            let target = to.join("sm3").join(d.file_name()).join(f.file_name());
            if target.exists() {
                continue;
            }
            std::fs::create_dir_all(target.parent().unwrap_or(to))?;
            std::fs::copy(f.path(), &target)
                .with_context(|| format!("无法复制文件 {}", f.path().display()))?;
            n += 1;
        }
    }
    Ok(n)
}

/// A PostgreSQL URL without its password, and the password (for `PGPASSWORD`): a password
/// on a command line can be read by every user of the machine (`ps`).
fn split_password(url: &str) -> (String, Option<String>) {
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(cred, _)| cred.split_once(':'))
        .map(|(_, p)| {
            urlencoding::decode(p)
                .map(|d| d.into_owned())
                .unwrap_or_else(|_| p.to_owned())
        });
    (crate::config::without_password(url), password)
}

/// A PostgreSQL client tool for a database URL, its password in the environment.
fn pg_tool(tool: &str, url: &str) -> std::process::Command {
    let (_, password) = split_password(url);
    let mut cmd = std::process::Command::new(tool);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd
}

fn run(cmd: &mut std::process::Command, what: &str) -> Result<()> {
    let out = cmd
        .output()
        .with_context(|| format!("无法运行 {what}（PostgreSQL 客户端工具须已安装）"))?;
    if !out.status.success() {
        bail!(
            "{what} 失败：{}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// `xiezhi backup DIR`.
pub async fn backup(store: &Store, opts: &StoreOptions, dir: &str) -> Result<ExitCode> {
    let out = PathBuf::from(dir);
    if out.exists() && std::fs::read_dir(&out)?.next().is_some() {
        bail!("{dir} 不是空目录：备份不覆盖已有内容");
    }
    std::fs::create_dir_all(&out).with_context(|| format!("无法创建目录 {dir}"))?;
    // The record must be sound before it is copied; its head now is in the copy.
    let report = store.verify_chain().await?;
    let database = match store.engine() {
        Engine::Sqlite => {
            store
                .sqlite_copy_to(&out.join("xiezhi.db"))
                .await
                .context("SQLite 在线备份失败")?;
            "xiezhi.db"
        }
        Engine::Postgres => {
            run(
                pg_tool("pg_dump", &opts.url)
                    .arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--file")
                    .arg(out.join("xiezhi.pgdump"))
                    .arg(split_password(&opts.url).0),
                "pg_dump",
            )?;
            "xiezhi.pgdump"
        }
    };
    let (files, files_copied) = match &opts.files {
        FileLocation::Dir(d) => (copy_files(d, &out.join("files"))?, true),
        FileLocation::S3(_) => (0, false),
    };
    let m = Manifest {
        format: FORMAT.into(),
        engine: format!("{:?}", store.engine()).to_lowercase(),
        made_at: xiezhi_store::time::TimeSource::System.now().to_rfc3339(),
        events: report.events,
        head_hash: report.head_hash.clone(),
        database: database.into(),
        files,
        files_copied,
    };
    std::fs::write(out.join("manifest.json"), serde_json::to_vec_pretty(&m)?)?;
    println!(
        "已备份到 {dir}：全过程记录 {} 条（链头 SM3 {}），文件 {} 个{}",
        m.events,
        m.head_hash,
        m.files,
        if files_copied {
            ""
        } else {
            "（对象存储中的文件请用其自身的版本与复制功能备份）"
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `xiezhi restore DIR`: into the configured database, which must be empty.
pub async fn restore(opts: &StoreOptions, dir: &str) -> Result<ExitCode> {
    let from = PathBuf::from(dir);
    let m: Manifest = serde_json::from_slice(
        &std::fs::read(from.join("manifest.json"))
            .with_context(|| format!("{dir} 中没有 manifest.json：不是獬豸备份"))?,
    )
    .context("manifest.json 无法读取")?;
    if m.format != FORMAT {
        bail!("不支持的备份格式 {}", m.format);
    }
    match (m.engine.as_str(), sqlite_path(&opts.url)) {
        ("sqlite", Some(path)) => {
            if path.exists() && std::fs::metadata(&path)?.len() > 0 {
                bail!("目标数据库 {} 已存在：只能恢复到空数据库", path.display());
            }
            std::fs::copy(from.join(&m.database), &path)
                .with_context(|| format!("无法写入 {}", path.display()))?;
        }
        ("postgres", None) => {
            let store = Store::connect(opts).await?;
            if store.head_seq().await.is_ok() {
                bail!("目标数据库不是空的：只能恢复到空数据库");
            }
            store.close().await?;
            run(
                pg_tool("pg_restore", &opts.url)
                    .arg("--no-owner")
                    .arg("--dbname")
                    .arg(split_password(&opts.url).0)
                    .arg(from.join(&m.database)),
                "pg_restore",
            )?;
        }
        (engine, _) => bail!("备份来自 {engine} 数据库，与目标数据库的类型不同"),
    }
    if m.files_copied
        && let FileLocation::Dir(d) = &opts.files
    {
        copy_files(&from.join("files"), d)?;
    }
    let store = Store::open(opts).await?;
    let report = match store.verify_chain().await {
        Ok(r) => r,
        Err(e) => {
            println!("恢复后的全过程记录校验失败：{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    if store.event_hash_at(m.events).await?.as_deref() != Some(m.head_hash.as_str()) {
        println!(
            "恢复后的记录与备份清单不符：第 {} 条事件的哈希不是 {}",
            m.events, m.head_hash
        );
        return Ok(ExitCode::FAILURE);
    }
    let missing = store.missing_files().await?;
    if !missing.is_empty() {
        println!(
            "恢复后缺少 {} 个文件：{}",
            missing.len(),
            missing.join("、")
        );
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "已恢复：全过程记录 {} 条，链头 SM3 {}，与备份清单一致；文件齐全。",
        report.events, report.head_hash
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_password_goes_to_the_environment_not_the_command_line() {
        assert_eq!(
            super::split_password("postgres://xiezhi:s%40cret@db:5432/xiezhi"),
            (
                "postgres://xiezhi@db:5432/xiezhi".into(),
                Some("s@cret".into())
            )
        );
        assert_eq!(
            super::split_password("postgres://postgres@127.0.0.1/test"),
            ("postgres://postgres@127.0.0.1/test".into(), None)
        );
    }
}
