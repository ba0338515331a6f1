//! Configuration: flags, then `XIEZHI_*` environment variables (handled by clap), then an
//! optional TOML file, then defaults. Passed explicitly; no globals.

use anyhow::{Context, Result};
use serde::Deserialize;
use xiezhi_store::StoreOptions;

/// The commented example printed by `xiezhi default-config`.
pub const EXAMPLE: &str = r##"# xiezhi.toml — configuration of 獬豸 (all keys optional).
# Precedence: command-line flags > XIEZHI_* environment variables > this file > defaults.

# Database: a SQLite file (embedded default) or PostgreSQL (production).
# database_url = "sqlite://xiezhi.db"
# database_url = "postgres://xiezhi@127.0.0.1:5432/xiezhi"

# Address to listen on (XIEZHI_BIND).
# bind = "127.0.0.1:8080"

# SQLite only: "full" (default: a case number shown to a user survives a power cut) or "normal".
# sqlite_synchronous = "full"

# Mark cookies Secure. Set when users reach Xiezhi over HTTPS (also detected per request
# from X-Forwarded-Proto: https).
# secure_cookies = false

# The address the public reaches Xiezhi at (XIEZHI_PUBLIC_URL), for links given to other
# systems (Open311 discovery). Unset: those links are relative.
# public_url = "https://zf.example.gov.cn"

# Proxies in front of Xiezhi whose X-Forwarded-For names the client (XIEZHI_TRUSTED_PROXIES,
# comma-separated): addresses or networks. From anyone else the header is ignored, so the
# public complaint, lookup and sign-in throttles count the connection's own address.
# List the proxies only, never a network clients also sit in: a client inside a trusted
# network could name any address it likes in the header.
# trusted_proxies = ["127.0.0.1", "10.0.0.5"]

# Connections: seconds a client has to send a request's headers (also how long an idle
# kept-alive connection stays open), seconds to send a body, and connections open at once.
# header_timeout_secs = 30
# body_timeout_secs = 120
# max_open_connections = 1024

# Minutes a session may go unused before it ends (XIEZHI_SESSION_IDLE_MINUTES); a session
# also ends 8 hours after sign-in.
# session_idle_minutes = 30

# Where uploaded files (evidence, photos, materials) are kept (XIEZHI_FILES): a directory,
# or S3-compatible object storage as s3://bucket/prefix with the endpoint, region and keys in
# the standard AWS_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and
# AWS_ALLOW_HTTP=true for a plain-HTTP endpoint). Several instances must share it. Default:
# beside the SQLite file (xiezhi.db.files), or ./xiezhi-files for PostgreSQL.
# files = "/var/lib/xiezhi/files"
# files = "s3://xiezhi-evidence/yunxi"

# Maximum database connections per instance.
# max_connections = 10

# Seconds between passes of the clock job (warnings, breaches, supervision orders).
# job_interval_secs = 30

# Evidence uploads: the largest file in MB (XIEZHI_EVIDENCE_MAX_MB) and the accepted types,
# recognised from the file's first bytes.
# evidence_max_mb = 100
# evidence_types = ["image/jpeg", "image/png", "image/webp", "application/pdf", "audio/mpeg", "audio/mp4", "audio/wav", "video/mp4", "video/webm"]

# Documents print to PDF with the shipped font (Noto Serif CJK SC, GB 2312 characters). A
# fuller font for rarer characters (XIEZHI_PDF_FONT): a .ttf/.otf file, or a .ttc with
# "#face". Without it, Debian's fonts-noto-cjk is used when installed.
# pdf_font = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc#2"

# Signed checkpoints of the record, written while serving (see `xiezhi audit keygen`): the
# secret key file (XIEZHI_CHECKPOINT_KEY), the directory outside the database they go to
# (XIEZHI_CHECKPOINT_DIR), and how often (a checkpoint is written only when the record grew).
# checkpoint_key = "/secure/record.key"
# checkpoint_dir = "/mnt/worm/checkpoints"
# checkpoint_interval_secs = 3600
"##;

/// A database URL: printed (`{:?}`, logs) without its password.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(pub String);

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", without_password(&self.0))
    }
}

/// A URL with any password taken out (`postgres://user@host/db`).
pub fn without_password(url: &str) -> String {
    match url.split_once('@') {
        Some((head, tail)) if head.contains("://") => {
            let (scheme, cred) = head.split_once("://").unwrap_or((head, ""));
            let user = cred.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{tail}")
        }
        _ => url.to_owned(),
    }
}

/// Keys of the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<DatabaseUrl>,
    pub bind: Option<String>,
    pub sqlite_synchronous: Option<String>,
    pub secure_cookies: Option<bool>,
    pub public_url: Option<String>,
    pub max_connections: Option<u32>,
    pub job_interval_secs: Option<u64>,
    pub evidence_max_mb: Option<usize>,
    pub evidence_types: Option<Vec<String>>,
    pub pdf_font: Option<String>,
    pub checkpoint_key: Option<String>,
    pub checkpoint_dir: Option<String>,
    pub checkpoint_interval_secs: Option<u64>,
    pub trusted_proxies: Option<Vec<String>>,
    pub header_timeout_secs: Option<u64>,
    pub body_timeout_secs: Option<u64>,
    pub max_open_connections: Option<usize>,
    pub session_idle_minutes: Option<i64>,
    pub files: Option<String>,
}

impl FileConfig {
    /// Load the named file, or `./xiezhi.toml` when present, or nothing.
    pub fn load(path: Option<&str>) -> Result<FileConfig> {
        let path = match path {
            Some(p) => p.to_owned(),
            None if std::path::Path::new("xiezhi.toml").exists() => "xiezhi.toml".into(),
            None => return Ok(FileConfig::default()),
        };
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("无法读取配置文件 {path}"))?;
        toml::from_str(&text).with_context(|| format!("配置文件 {path} 有误"))
    }
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    database_url: DatabaseUrl,
    files: Option<String>,
    sqlite_synchronous_full: bool,
    pub secure_cookies: bool,
    /// The address the public reaches Xiezhi at.
    pub public_url: Option<String>,
    max_connections: u32,
    /// Seconds between clock-job passes.
    pub job_interval_secs: u64,
    /// Evidence upload settings.
    pub evidence: xiezhi_server::EvidenceSettings,
    /// A fuller font for printing documents (`path` or `path#face`).
    pub pdf_font: Option<String>,
    /// Signed checkpoints of the record while serving: the key file and the directory.
    pub checkpoints: Option<(String, String)>,
    /// Seconds between checkpoint passes.
    pub checkpoint_interval_secs: u64,
    /// Connections, trusted proxies and the session idle timeout.
    pub http: xiezhi_server::HttpSettings,
}

const KNOWN_ENV: &[&str] = &[
    "XIEZHI_CONFIG",
    "XIEZHI_DATABASE_URL",
    "XIEZHI_BIND",
    "XIEZHI_LOG",
    "XIEZHI_SQLITE_SYNCHRONOUS",
    "XIEZHI_SECURE_COOKIES",
    "XIEZHI_PUBLIC_URL",
    "XIEZHI_EVIDENCE_MAX_MB",
    "XIEZHI_PDF_FONT",
    "XIEZHI_CHECKPOINT_KEY",
    "XIEZHI_CHECKPOINT_DIR",
    "XIEZHI_TEST_POSTGRES_URL",
    "XIEZHI_TRUSTED_PROXIES",
    "XIEZHI_SESSION_IDLE_MINUTES",
    "XIEZHI_FILES",
];

/// Warn about `XIEZHI_*` variables nobody reads (usually a typo).
pub fn warn_unknown_env() {
    for (k, _) in std::env::vars() {
        if k.starts_with("XIEZHI_") && !KNOWN_ENV.contains(&k.as_str()) {
            eprintln!("警告：未知的环境变量 {k}（已忽略）");
        }
    }
}

impl Config {
    /// Resolve from the flag/env value and the file. A setting that cannot be read is an
    /// error naming it, never a silent default.
    pub fn resolve(database: Option<String>, file: &FileConfig) -> Result<Config> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let sync = env("XIEZHI_SQLITE_SYNCHRONOUS")
            .or(file.sqlite_synchronous.clone())
            .unwrap_or_else(|| "full".into());
        let sqlite_synchronous_full = match sync.trim().to_ascii_lowercase().as_str() {
            "full" => true,
            "normal" => false,
            other => anyhow::bail!(
                "sqlite_synchronous（XIEZHI_SQLITE_SYNCHRONOUS）应为 full 或 normal，而不是 {other:?}"
            ),
        };
        let secure_cookies = match env("XIEZHI_SECURE_COOKIES") {
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => anyhow::bail!(
                    "XIEZHI_SECURE_COOKIES 应为 true 或 false（也可写 1/0、yes/no、on/off），而不是 {v:?}"
                ),
            },
            None => file.secure_cookies.unwrap_or(false),
        };
        let mb = match env("XIEZHI_EVIDENCE_MAX_MB") {
            Some(v) => Some(
                v.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|m| *m > 0)
                    .with_context(|| {
                        format!("XIEZHI_EVIDENCE_MAX_MB 应为正整数（兆字节），而不是 {v:?}")
                    })?,
            ),
            None => file.evidence_max_mb,
        };
        let public_url = match env("XIEZHI_PUBLIC_URL").or(file.public_url.clone()) {
            Some(u) if u.starts_with("https://") || u.starts_with("http://") => Some(u),
            Some(u) => anyhow::bail!(
                "public_url（XIEZHI_PUBLIC_URL）应为 https:// 或 http:// 开头的地址，而不是 {u:?}"
            ),
            None => None,
        };
        let d = xiezhi_server::EvidenceSettings::default();
        let checkpoints = match (
            env("XIEZHI_CHECKPOINT_KEY").or(file.checkpoint_key.clone()),
            env("XIEZHI_CHECKPOINT_DIR").or(file.checkpoint_dir.clone()),
        ) {
            (Some(k), Some(d)) => Some((k, d)),
            (None, None) => None,
            _ => anyhow::bail!(
                "检查点须同时设置私钥和目录（checkpoint_key 与 checkpoint_dir，或 XIEZHI_CHECKPOINT_KEY 与 XIEZHI_CHECKPOINT_DIR）"
            ),
        };
        let proxies: Vec<String> = match env("XIEZHI_TRUSTED_PROXIES") {
            Some(v) => v.split(',').map(str::to_owned).collect(),
            None => file.trusted_proxies.clone().unwrap_or_default(),
        };
        let idle = match env("XIEZHI_SESSION_IDLE_MINUTES") {
            Some(v) => Some(
                v.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|m| *m > 0)
                    .with_context(|| {
                        format!("XIEZHI_SESSION_IDLE_MINUTES 应为正整数（分钟），而不是 {v:?}")
                    })?,
            ),
            None => file.session_idle_minutes,
        };
        let h = xiezhi_server::HttpSettings::default();
        let http = xiezhi_server::HttpSettings {
            trusted_proxies: xiezhi_server::HttpSettings::parse_proxies(&proxies)
                .map_err(|e| anyhow::anyhow!("trusted_proxies（XIEZHI_TRUSTED_PROXIES）：{e}"))?,
            header_timeout: file.header_timeout_secs.map_or(h.header_timeout, |s| {
                std::time::Duration::from_secs(s.max(1))
            }),
            body_timeout: file
                .body_timeout_secs
                .map_or(h.body_timeout, |s| std::time::Duration::from_secs(s.max(1))),
            max_connections: file
                .max_open_connections
                .unwrap_or(h.max_connections)
                .max(1),
            session_idle_minutes: idle.unwrap_or(h.session_idle_minutes).max(1),
        };
        Ok(Config {
            files: env("XIEZHI_FILES").or(file.files.clone()),
            http,
            checkpoints,
            checkpoint_interval_secs: file.checkpoint_interval_secs.unwrap_or(3600).max(1),
            database_url: database
                .map(DatabaseUrl)
                .or(file.database_url.clone())
                .unwrap_or_else(|| DatabaseUrl("sqlite://xiezhi.db".into())),
            sqlite_synchronous_full,
            secure_cookies,
            public_url,
            max_connections: file.max_connections.unwrap_or(10),
            job_interval_secs: file.job_interval_secs.unwrap_or(30).max(1),
            evidence: xiezhi_server::EvidenceSettings {
                max_bytes: mb.map(|m| m.max(1) * 1024 * 1024).unwrap_or(d.max_bytes),
                types: file.evidence_types.clone().unwrap_or(d.types),
            },
            pdf_font: env("XIEZHI_PDF_FONT").or(file.pdf_font.clone()),
        })
    }

    /// The document printer: the shipped font plus the configured one.
    pub fn printer(&self) -> Result<std::sync::Arc<xiezhi_print::Printer>> {
        match &self.pdf_font {
            None => Ok(xiezhi_print::Printer::shared()?),
            Some(setting) => {
                let (path, face) = xiezhi_print::parse_font_setting(setting);
                Ok(std::sync::Arc::new(xiezhi_print::Printer::new(Some((
                    &path, face,
                )))?))
            }
        }
    }

    /// Store options.
    pub fn store_options(&self) -> StoreOptions {
        let defaults = StoreOptions::new(self.database_url.0.clone());
        StoreOptions {
            files: self
                .files
                .as_deref()
                .map_or(defaults.files, xiezhi_store::files::FileLocation::parse),
            url: self.database_url.0.clone(),
            sqlite_synchronous_full: self.sqlite_synchronous_full,
            max_connections: self.max_connections,
        }
    }

    /// The URL without any password, for messages.
    pub fn display_url(&self) -> String {
        without_password(&self.database_url.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_never_prints_the_database_password() {
        let file = FileConfig {
            database_url: Some(DatabaseUrl(
                "postgres://xiezhi:s3cret@db:5432/xiezhi".into(),
            )),
            ..Default::default()
        };
        let printed = format!("{file:?}");
        assert!(
            !printed.contains("s3cret") && printed.contains("xiezhi@db"),
            "{printed}"
        );
    }
}
