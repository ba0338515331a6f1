//! Checkpoints of the record: keys, signing, and checking them against the chain
//! (`xiezhi_domain::checkpoint` holds the format and the signature).

use anyhow::{Context, Result, bail};
use rand::RngCore;
use std::process::ExitCode;
use xiezhi_domain::checkpoint::SigningKey;
use xiezhi_domain::checkpoint::{self, Checkpoint};
use xiezhi_store::Store;

/// Make a key pair: the secret (hex) to `out`, readable by its owner only; the public key to
/// `out.pub`.
pub fn keygen(out: &str) -> Result<ExitCode> {
    if std::path::Path::new(out).exists() {
        bail!("{out} 已存在：不覆盖已有的私钥");
    }
    let key = loop {
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        if let Ok(k) = checkpoint::signing_key(&hex) {
            break (hex, k);
        }
    };
    write_private(out, &format!("{}\n", key.0))?;
    let public = checkpoint::public_hex(&key.1);
    std::fs::write(format!("{out}.pub"), format!("{public}\n"))
        .with_context(|| format!("无法写入 {out}.pub"))?;
    println!(
        "已生成 SM2 密钥：私钥 {out}（请离线保管），公钥 {out}.pub，密钥编号 {}",
        checkpoint::key_id(key.1.verifying_key())
    );
    Ok(ExitCode::SUCCESS)
}

fn write_private(path: &str, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .with_context(|| format!("无法写入 {path}"))
}

/// Verify the chain and write a signed checkpoint of it into `dir`.
pub async fn checkpoint(store: &Store, key_file: &str, dir: &str) -> Result<ExitCode> {
    let key = read_key(key_file)?;
    let (c, path) = write_checkpoint(store, &key, dir).await?;
    println!(
        "已签发检查点：共 {} 条事件，链头 SM3 {}，文件 {}",
        c.size,
        c.hash,
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The signing key in a key file.
pub fn read_key(key_file: &str) -> Result<SigningKey> {
    let secret =
        std::fs::read_to_string(key_file).with_context(|| format!("无法读取私钥 {key_file}"))?;
    Ok(checkpoint::signing_key(&secret)?)
}

/// Verify the chain; sign and write its checkpoint into `dir`.
async fn write_checkpoint(
    store: &Store,
    key: &SigningKey,
    dir: &str,
) -> Result<(Checkpoint, std::path::PathBuf)> {
    let report = store
        .verify_chain()
        .await
        .context("全过程记录校验未通过，不签发检查点")?;
    let now = xiezhi_store::time::TimeSource::System
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let c = Checkpoint {
        size: report.events,
        hash: report.head_hash,
        time: now,
    };
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {dir}"))?;
    let path = std::path::Path::new(dir).join(format!("checkpoint-{:012}.txt", c.size));
    // Written whole or not at all: a reader never sees half a checkpoint.
    let partial = path.with_extension("partial");
    std::fs::write(&partial, c.signed(key))
        .and_then(|_| std::fs::rename(&partial, &path))
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok((c, path))
}

/// The largest event count among the checkpoints in `dir` (0 when there are none).
fn last_checkpointed(dir: &str) -> i64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_prefix("checkpoint-")?
                        .strip_suffix(".txt")?
                        .parse::<i64>()
                        .ok()
                })
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// While the server runs: every `interval`, when the record has grown since the last
/// checkpoint in `dir`, verify it and write a new one. A failure is logged, never fatal.
pub async fn checkpoint_job(
    store: Store,
    key: SigningKey,
    dir: String,
    interval: std::time::Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let mut tick = tokio::time::interval(interval);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tick.tick() => {
                let grown = match store.head_seq().await {
                    Ok(seq) => seq > last_checkpointed(&dir),
                    Err(e) => {
                        tracing::error!(error = %e, "checkpoint: cannot read the chain head");
                        false
                    }
                };
                if grown {
                    match write_checkpoint(&store, &key, &dir).await {
                        Ok((c, path)) => tracing::info!(events = c.size, file = %path.display(), "checkpoint written"),
                        Err(e) => tracing::error!(error = %format!("{e:#}"), "checkpoint failed"),
                    }
                }
            }
        }
    }
}

/// Check every checkpoint in `dir` against the chain: its signature, and the hash of the event
/// it names. Exit 1 naming the first that does not hold.
pub async fn check_checkpoints(
    store: &Store,
    dir: &str,
    public_key_file: &str,
    events: i64,
) -> Result<ExitCode> {
    let public = std::fs::read_to_string(public_key_file)
        .with_context(|| format!("无法读取公钥 {public_key_file}"))?;
    let key = checkpoint::verifying_key(&public)?;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("无法读取检查点目录 {dir}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("检查点目录 {dir} 中没有检查点");
    }
    for path in &files {
        let name = path.display();
        let text = std::fs::read_to_string(path).with_context(|| format!("无法读取 {name}"))?;
        let c = match Checkpoint::verified(&text, &key) {
            Ok(c) => c,
            Err(e) => {
                println!("检查点 {name} 无效：{e}");
                return Ok(ExitCode::FAILURE);
            }
        };
        if c.size > events {
            println!(
                "检查点 {name} 记录了 {} 条事件，而现在只有 {events} 条：记录被截短",
                c.size
            );
            println!("first bad checkpoint: {name}");
            return Ok(ExitCode::FAILURE);
        }
        let now = store.event_hash_at(c.size).await?;
        if now.as_deref() != Some(c.hash.as_str()) {
            println!(
                "检查点 {name}（{}，第 {} 条事件）与现在的记录不符：该序号及以前的记录被改写",
                c.time, c.size
            );
            println!("first bad checkpoint: {name}");
            return Ok(ExitCode::FAILURE);
        }
    }
    println!("{} 个检查点与记录一致", files.len());
    Ok(ExitCode::SUCCESS)
}
