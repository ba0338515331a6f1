//! `xiezhi`: the one binary. Serve the platform, migrate, load the demo county, verify the
//! record, create users and API tokens, import CSV files, and use the working-day calendar.
//! Configuration: flags, then `XIEZHI_*` environment variables, then an optional TOML file,
//! then defaults.

mod audit;
mod backup;
mod config;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use config::{Config, FileConfig};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use xiezhi_calendar::{Calendar, Date};
use xiezhi_domain::{Login, Role, TokenScope};
use xiezhi_server::AppState;
use xiezhi_store::{RecordContext, Store, StoreError, auth, demo, import, people, synthetic};

#[derive(Parser)]
#[command(name = "xiezhi", version, about = "獬豸 行政执法统筹协调指挥平台")]
struct Cli {
    /// TOML configuration file (default: ./xiezhi.toml when present).
    #[arg(long, global = true, env = "XIEZHI_CONFIG")]
    config: Option<String>,
    /// Database URL: a SQLite file (`sqlite://xiezhi.db`, the default) or `postgres://…`.
    #[arg(long, global = true, env = "XIEZHI_DATABASE_URL")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "XIEZHI_BIND")]
        bind: Option<String>,
        /// Load the demo county into an empty database and print the demo logins.
        #[arg(long)]
        demo: bool,
        /// Password shared by all demo users.
        #[arg(long, default_value = "demo")]
        demo_password: String,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Load the demo county into an empty database.
    Demo {
        /// Password shared by all demo users.
        #[arg(long, default_value = "demo")]
        demo_password: String,
        /// Add a year of synthetic history: `county` (the demo county, about 55,000 leads)
        /// or `province` (90 counties, 1,300 townships, about 5 million leads).
        #[arg(long)]
        scale: Option<String>,
        /// Seed of the synthetic history: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The full-process record.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens for other systems.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import orgs, people, catalog items or assignments from a CSV file (all rows or none).
    Import {
        /// `orgs`, `people`, `items`, `assignments` or `boundaries` (GeoJSON).
        kind: String,
        /// The CSV file.
        file: String,
    },
    /// The official working-day calendar.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Clocks (statutory time limits).
    Clocks {
        #[command(subcommand)]
        command: ClocksCommand,
    },
    /// Check rule-profile files (TOML) against the shipped default profile.
    Rules {
        /// Files to check (default: the shipped profiles).
        files: Vec<String>,
    },
    /// Print a commented example configuration file.
    DefaultConfig,
    /// Case files (卷宗).
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// Back up the database, the stored files and a manifest of the record's head into an
    /// empty directory (SQLite online; PostgreSQL with pg_dump).
    Backup {
        /// The directory to write (must be empty or absent).
        dir: String,
    },
    /// Restore a backup into the configured database, which must be empty, then verify the
    /// record against the backup's manifest.
    Restore {
        /// The backup directory.
        dir: String,
    },
}

#[derive(Subcommand)]
enum CaseCommand {
    /// Export a case's file: documents, evidence, its events with their chain links and a
    /// manifest of SM3 digests, as a zip archive.
    Export {
        /// Case id.
        id: i64,
        /// Output file (default `<case number>.zip`).
        #[arg(long)]
        out: Option<String>,
    },
    /// Check an exported case file offline (no database): exit 0 when every file and event
    /// matches, 1 naming each that does not.
    Verify {
        /// The archive.
        file: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the SM3 hash chain: exit 0 when sound, 1 naming the first bad sequence number.
    /// With `--checkpoints DIR --public-key FILE`, also check every signed checkpoint in DIR
    /// against the chain: a history rewritten after a checkpoint fails, naming it.
    Verify {
        /// A directory of checkpoints written by `audit checkpoint`.
        #[arg(long, requires = "public_key")]
        checkpoints: Option<String>,
        /// The public key (hex, from `audit keygen`) the checkpoints are signed with.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Make an SM2 key pair for signing checkpoints: the secret to FILE (keep it off the
    /// database server), the public key to FILE.pub.
    Keygen {
        /// Where the secret key goes.
        #[arg(long)]
        out: String,
    },
    /// Verify the chain, then write a checkpoint of its length and head hash, signed with the
    /// key, into DIR (kept outside the database: another machine, write-once storage).
    Checkpoint {
        /// The secret key file from `audit keygen`.
        #[arg(long)]
        key: String,
        /// The directory the checkpoints go to.
        #[arg(long)]
        dir: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a person who can sign in (for bootstrapping administrators).
    Create {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// Org code.
        #[arg(long)]
        org: String,
        /// Roles (repeat or separate with commas), e.g. `system_admin`.
        #[arg(long = "role", value_delimiter = ',', required = true)]
        roles: Vec<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Reset an account at the server (for administrators, whose password and second factor
    /// nobody else may reset in the UI): a new password from standard input, and with
    /// `--second-factor` the second factor too. The person's sessions end.
    Reset {
        #[arg(long)]
        login: String,
        /// Read the new password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Also turn off two-factor sign-in (a lost phone); they enrol again.
        #[arg(long)]
        second_factor: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new API token.
    Create {
        /// Scope: open311, intake or read (repeat or separate with commas).
        #[arg(long, value_delimiter = ',', required = true)]
        scope: Vec<String>,
        /// Org code (default: the top government org).
        #[arg(long)]
        org: Option<String>,
        /// A name for the token.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// CSV `date,workday,name` for every date in a range.
    Workdays {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// The date N working days after DATE (negative N: before); with --batch, read `date,n`
    /// lines on standard input and write one date per line.
    Add {
        date: Option<String>,
        #[arg(allow_hyphen_values = true)]
        n: Option<i64>,
        #[arg(long)]
        batch: bool,
    },
    /// Load a new year's holiday arrangement: the State Council notice text as published
    /// (or CSV `date,kind,name`). Prints what was read; in the same write recomputes the
    /// running clocks whose due times it moves.
    Load {
        /// The file (UTF-8 text of the notice, or CSV).
        file: String,
        /// The year, when the text has no title.
        #[arg(long)]
        year: Option<i32>,
        /// Replace a year loaded before.
        #[arg(long)]
        replace: bool,
        /// Only read and print; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Load without asking (at a terminal the command asks for confirmation; from a
        /// script it loads).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum ClocksCommand {
    /// Recompute the due times of open clocks over the current calendar (records each change).
    Recompute,
    /// Run one pass of the clock job now (warnings, breaches, supervision orders).
    RunJob,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Calendar { command } = &cli.command
        && !matches!(command, CalendarCommand::Load { .. })
    {
        let cal = if cli.database.is_some() || std::path::Path::new("xiezhi.db").exists() {
            let file = FileConfig::load(cli.config.as_deref())?;
            let cfg = Config::resolve(cli.database.clone(), &file)?;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async { anyhow::Ok(open(&cfg).await?.calendar().await?) })?
        } else {
            Calendar::official().clone()
        };
        return calendar(&cal, command);
    }
    if let Command::Rules { files } = &cli.command {
        return check_rules(files);
    }
    if let Command::Case {
        command: CaseCommand::Verify { file },
    } = &cli.command
    {
        return verify_case_file(file);
    }
    if let Command::DefaultConfig = cli.command {
        print!("{}", config::EXAMPLE);
        return Ok(ExitCode::SUCCESS);
    }
    let file = FileConfig::load(cli.config.as_deref())?;
    config::warn_unknown_env();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    rt.block_on(async move {
        let cfg = Config::resolve(cli.database.clone(), &file)?;
        match cli.command {
            Command::Serve {
                bind,
                demo,
                demo_password,
            } => {
                let bind = bind
                    .or(file.bind.clone())
                    .unwrap_or_else(|| "127.0.0.1:8080".into());
                serve(&cfg, &bind, demo.then_some(demo_password)).await
            }
            Command::Backup { dir } => {
                let store = open(&cfg).await?;
                backup::backup(&store, &cfg.store_options(), &dir).await
            }
            Command::Restore { dir } => backup::restore(&cfg.store_options(), &dir).await,
            Command::Migrate => {
                let store = open(&cfg).await?;
                println!("数据库已是最新结构（{}）", cfg.display_url());
                store.close().await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Demo {
                demo_password,
                scale: None,
                ..
            } => {
                let store = open(&cfg).await?;
                load_demo(&store, &demo_password, None).await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Demo {
                demo_password,
                scale: Some(scale),
                seed,
            } => {
                init_tracing();
                let scale = synthetic::Scale::parse(&scale)
                    .ok_or_else(|| anyhow::anyhow!("--scale 应为 county 或 province"))?;
                let store = open(&cfg).await?;
                load_scale(&store, &demo_password, scale, seed).await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Audit {
                command:
                    AuditCommand::Verify {
                        checkpoints,
                        public_key,
                    },
            } => {
                let store = open(&cfg).await?;
                let report = match store.verify_chain().await {
                    Ok(r) => r,
                    Err(StoreError::ChainBroken { seq, reason }) => {
                        println!("全过程记录校验失败：第一个异常序号 {seq}：{reason}");
                        println!("first bad seq: {seq}");
                        return Ok(ExitCode::FAILURE);
                    }
                    Err(e) => return Err(e.into()),
                };
                println!(
                    "全过程记录完整：共 {} 条事件，链头 SM3 {}",
                    report.events, report.head_hash
                );
                if let (Some(dir), Some(key)) = (checkpoints, public_key) {
                    return audit::check_checkpoints(&store, &dir, &key, report.events).await;
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Audit {
                command: AuditCommand::Keygen { out },
            } => audit::keygen(&out),
            Command::Audit {
                command: AuditCommand::Checkpoint { key, dir },
            } => {
                let store = open(&cfg).await?;
                audit::checkpoint(&store, &key, &dir).await
            }
            Command::User {
                command:
                    UserCommand::Create {
                        login,
                        name,
                        org,
                        roles,
                        password_stdin,
                    },
            } => {
                let store = open(&cfg).await?;
                let password = new_password(password_stdin, &login)?;
                create_user(&store, &login, &name, &org, &roles, &password).await?;
                println!("已创建用户 {login}");
                Ok(ExitCode::SUCCESS)
            }
            Command::User {
                command:
                    UserCommand::Reset {
                        login,
                        password_stdin,
                        second_factor,
                    },
            } => {
                let password = new_password(password_stdin, &login)?;
                let store = open(&cfg).await?;
                let p = store
                    .person_by_login(&login)
                    .await?
                    .with_context(|| format!("登录名 {login} 不存在"))?;
                let hash = auth::hash_password(&password)?;
                let mut w = store.begin_write(ctx("user-reset")).await?;
                xiezhi_store::people::set_password_hash(&mut w, p.id, Some(hash)).await?;
                if second_factor {
                    auth::reset_second_factor(&mut w, p.id).await?;
                } else {
                    auth::end_sessions_of(&mut w, p.id, None).await?;
                }
                w.commit().await?;
                println!("已重置 {login} 的密码{}", if second_factor { "和两步验证" } else { "" });
                Ok(ExitCode::SUCCESS)
            }
            Command::Token {
                command: TokenCommand::Create { scope, org, name },
            } => {
                let store = open(&cfg).await?;
                let secret = create_token(&store, &scope, org.as_deref(), name.as_deref()).await?;
                println!("{secret}");
                Ok(ExitCode::SUCCESS)
            }
            Command::Import { kind, file } => {
                let store = open(&cfg).await?;
                let bytes = std::fs::read(&file).with_context(|| format!("无法读取文件 {file}"))?;
                let text = if bytes.starts_with(b"PK\x03\x04") {
                    xiezhi_store::xlsx::xlsx_to_csv(&bytes).map_err(|m| anyhow::anyhow!(m))?
                } else {
                    String::from_utf8(bytes).context("文件应为 UTF-8 编码的 CSV（或 XLSX 工作簿）")?
                };
                let w = store.begin_write(ctx("import")).await?;
                let r = match kind.as_str() {
                    "orgs" => import::import_orgs(&store, w, &text, "/").await,
                    "people" => import::import_people(&store, w, &text, "/").await,
                    "items" => xiezhi_store::catalog::import_items(&store, w, &text)
                        .await
                        .map(|r| r.created + r.versioned),
                    "boundaries" => xiezhi_store::catalog::import_boundaries(&store, w, &text).await,
                    "assignments" => xiezhi_store::catalog::import_assignments(&store, w, &text)
                        .await
                        .map(|r| r.created + r.versioned),
                    other => bail!("未知的导入类型 {other}（应为 orgs、people、items、assignments 或 boundaries）"),
                };
                match r {
                    Ok(n) => {
                        println!("已导入 {n} 条");
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(import::ImportError::Rows(rows)) => {
                        eprintln!("导入文件有 {} 处错误，未写入任何数据：", rows.len());
                        for r in rows {
                            eprintln!("  第 {} 行 {}：{}", r.line, r.field, r.message);
                        }
                        Ok(ExitCode::FAILURE)
                    }
                    Err(e) => Err(e.into()),
                }
            }
            Command::Calendar {
                command: CalendarCommand::Load { file, year, replace, dry_run, yes },
            } => {
                let store = open(&cfg).await?;
                let rules = xiezhi_domain::rules::Rules::builtin()?;
                let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取文件 {file}"))?;
                let mut w = store.begin_write(ctx("calendar-load")).await?;
                match xiezhi_store::clocks::load_calendar_year(&mut w, &rules, &text, year, replace).await {
                    Ok(load) => {
                        let day = |d: xiezhi_calendar::Date| format!("{}年{}月{}日（{}）", d.year(), d.month(), d.day(), d.weekday());
                        println!("{} 年放假安排：", load.year);
                        for e in &load.entries {
                            let kind = if e.kind == xiezhi_calendar::DayKind::Work { "上班" } else { "放假" };
                            println!("  {} {kind} {}", day(e.date), e.name);
                        }
                        for c in &load.changes {
                            let s = |w: bool| if w { "上班" } else { "放假" };
                            println!("  与推算不同：{} {} → {}", day(c.date), s(c.was_workday), s(c.workday));
                        }
                        for m in &load.moved {
                            println!("  时限 {} 期限调整：{} → {}", m.clock_id, xiezhi_server::beijing_time(m.old_due), xiezhi_server::beijing_time(m.new_due));
                        }
                        let confirmed = yes || dry_run || !std::io::stdin().is_terminal() || {
                            print!("确认导入 {} 年放假安排？输入 y 确认：", load.year);
                            std::io::stdout().flush()?;
                            let mut answer = String::new();
                            std::io::stdin().read_line(&mut answer)?;
                            matches!(answer.trim(), "y" | "Y" | "是")
                        };
                        if dry_run || !confirmed {
                            println!("（仅读取核对，未导入）");
                        } else {
                            w.commit().await?;
                            println!("已导入 {} 年放假安排；{} 个计时中的时限期限随之调整。", load.year, load.moved.len());
                        }
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(e) => {
                        eprintln!("导入失败：{e}");
                        Ok(ExitCode::FAILURE)
                    }
                }
            }
            Command::Clocks { command } => {
                let store = open(&cfg).await?;
                let state = AppState::new(store.clone(), false).await?;
                match command {
                    ClocksCommand::Recompute => {
                        let cal = state.calendar();
                        let env = xiezhi_store::clocks::ClockEnv { rules: &state.rules, calendar: &cal };
                        let mut w = store.begin_write(ctx("clocks-recompute")).await?;
                        let n = xiezhi_store::clocks::recompute(&mut w, env).await?;
                        if n > 0 {
                            w.commit().await?;
                        }
                        println!("已重新计算：{n} 个时限的期限有变化");
                    }
                    ClocksCommand::RunJob => {
                        let r = state.run_clock_job(xiezhi_store::time::TimeSource::System.now()).await?;
                        println!("预警 {} 个，超时 {} 个，发出督办 {} 件", r.warned, r.breached, r.orders);
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Case {
                command: CaseCommand::Export { id, out },
            } => {
                let store = open(&cfg).await?;
                let c = store.case(id).await?;
                let path = out.unwrap_or_else(|| format!("{}.zip", c.number));
                let f = std::fs::File::create(&path)
                    .with_context(|| format!("无法创建文件 {path}"))?;
                let printer = cfg.printer()?;
                let e = store
                    .export_case(
                        id,
                        std::io::BufWriter::new(f),
                        ctx("case-export"),
                        &printer,
                    )
                    .await?;
                println!(
                    "已导出卷宗 {}：{} 个文件，{} 条事件，清单 SM3 {}",
                    path,
                    e.manifest.files.len(),
                    e.manifest.events.len(),
                    e.manifest_sm3
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Calendar { .. }
            | Command::DefaultConfig
            | Command::Rules { .. }
            | Command::Case { .. } => Ok(ExitCode::SUCCESS),
        }
    })
}

fn verify_case_file(path: &str) -> Result<ExitCode> {
    let f = std::fs::File::open(path).with_context(|| format!("无法打开文件 {path}"))?;
    let checked = xiezhi_store::casefile::verify_archive(std::io::BufReader::new(f))?;
    if let Some(m) = &checked.manifest {
        println!(
            "卷宗 {}（{} 个文件，{} 条事件，导出于 {}），清单 SM3 {}",
            m.case_number,
            m.files.len(),
            m.events.len(),
            m.generated_at.to_rfc3339(),
            checked.manifest_sm3
        );
    }
    if checked.problems.is_empty() {
        println!("校验通过：所有文件和事件均与清单一致。");
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &checked.problems {
            println!("不符：{p}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// A new password from the first line of standard input (never the command line), checked
/// against the password rule for the login.
fn new_password(password_stdin: bool, login: &str) -> Result<String> {
    if !password_stdin {
        bail!("请用 --password-stdin 从标准输入提供密码（密码不应出现在命令行中）");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    xiezhi_domain::password::check(&password, login).map_err(|w| anyhow::anyhow!("{w}"))?;
    Ok(password)
}

fn ctx(what: &str) -> RecordContext {
    RecordContext::system(
        format!("cli:{what}"),
        xiezhi_store::time::TimeSource::System.now(),
    )
}

async fn open(cfg: &Config) -> Result<Store> {
    Store::open(&cfg.store_options())
        .await
        .with_context(|| format!("无法打开数据库 {}", cfg.display_url()))
}

/// `xiezhi demo --scale`: the demo county (under a province of synthetic counties for
/// `province`) and a year of synthetic history, timed.
async fn load_scale(
    store: &Store,
    password: &str,
    scale: synthetic::Scale,
    seed: u64,
) -> Result<()> {
    if store.top_org().await?.is_some() {
        anyhow::bail!("数据库中已有机构数据：合成数据只能导入空数据库");
    }
    let started = std::time::Instant::now();
    let request = format!("cli:demo:scale:{seed}");
    let parent = if scale == synthetic::Scale::Province {
        let hash = auth::hash_password(password)?;
        let (province, logins) = synthetic::load_province(
            store,
            &hash,
            &request,
            xiezhi_store::time::TimeSource::System.now(),
        )
        .await?;
        for l in logins {
            println!("  {:<14} {:<10} {}", l.login, l.name, l.org);
        }
        Some(province)
    } else {
        None
    };
    load_demo(store, password, parent).await?;
    if let Some(province) = parent {
        let orgs = synthetic::load_counties(
            store,
            province,
            scale.counties() - 1,
            scale.townships() - 8,
            &request,
            xiezhi_store::time::TimeSource::System.now(),
        )
        .await?;
        println!(
            "合成机构：{} 个县（区），{orgs} 个机构。",
            scale.counties() - 1
        );
    }
    let rules = xiezhi_domain::rules::Rules::builtin()?;
    let history = std::time::Instant::now();
    let s = synthetic::load_history(
        store,
        &rules,
        scale.leads(),
        seed,
        &request,
        xiezhi_store::time::TimeSource::System.now(),
    )
    .await?;
    println!(
        "合成历史（种子 {seed}）：{} 个县（区），线索 {}，案件 {}，移送 {}，时限 {}，督办单 {}，事件 {}；\
         历史用时 {:.1} 秒，合计 {:.1} 秒。",
        s.counties,
        s.leads,
        s.cases,
        s.transfers,
        s.clocks,
        s.orders,
        s.events,
        history.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn load_demo(store: &Store, password: &str, parent: Option<i64>) -> Result<bool> {
    if parent.is_none() && store.top_org().await?.is_some() {
        println!("数据库中已有机构数据，跳过演示数据导入。");
        return Ok(false);
    }
    let logins = demo::load_under(
        store,
        password,
        "cli:demo",
        xiezhi_store::time::TimeSource::System.now(),
        parent,
    )
    .await?;
    let catalog = demo::load_catalog(
        store,
        "cli:demo",
        xiezhi_store::time::TimeSource::System.now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("演示权责清单导入失败：{e}"))?;
    println!(
        "已导入演示县（云溪县，虚构）：{} 名人员。演示账号（密码均为 {password}）：",
        logins.len()
    );
    let mut shown = vec![];
    for role in Role::ALL {
        if let Some(l) = logins
            .iter()
            .find(|l| l.roles.contains(role) && !shown.contains(&l.login))
        {
            println!(
                "  {:<14} {:<10} {}（{}）",
                l.login,
                l.name,
                role.label(),
                l.org
            );
            shown.push(l.login.clone());
        }
    }
    println!("  其余账号见 docs/demo.md，或以系统管理员登录后在“人员”中查看。");
    println!("演示权责清单：{} 条事项和承接分配。", catalog.created);
    let rules = xiezhi_domain::rules::Rules::builtin()?;
    let (leads, skipped) = demo::load_leads(
        store,
        &rules,
        "cli:demo",
        xiezhi_store::time::TimeSource::System.now(),
    )
    .await?;
    println!("演示线索：{leads} 组（待签收、移送待受理、移送被拒协商中、已办结答复、已立案）。");
    for s in skipped {
        println!("  未导入的演示线索：{s}");
    }
    let (command, skipped) = demo::load_command(
        store,
        &rules,
        "cli:demo",
        xiezhi_store::time::TimeSource::System.now(),
    )
    .await?;
    println!(
        "演示指挥：{command} 项（待签收的指令、实施中的联合执法行动、征集议题中的联席会议）。"
    );
    for s in skipped {
        println!("  未导入：{s}");
    }
    println!("警告：演示密码仅供试用，切勿在生产环境中使用演示数据。");
    Ok(true)
}

async fn serve(cfg: &Config, bind: &str, demo_password: Option<String>) -> Result<ExitCode> {
    init_tracing();
    let demo = demo_password.is_some();
    let store = open(cfg).await?;
    if let Some(pw) = demo_password {
        load_demo(&store, &pw, None).await?;
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("无法监听 {bind}"))?;
    let addr = listener.local_addr()?;
    println!(
        "獬豸已启动：http://{addr}/ （数据库 {}）",
        cfg.display_url()
    );
    if demo {
        println!("演示模式：管理员（三员）登录无需两步验证；生产环境中须开启。");
    }
    std::io::stdout().flush()?;
    tracing::info!(%addr, "listening");
    let state = AppState::new(store, cfg.secure_cookies)
        .await?
        .with_evidence(cfg.evidence.clone())
        .with_public_url(cfg.public_url.clone())
        .with_http(cfg.http.clone())
        // The demo's administrators sign in with the demo password alone, to be tried out.
        .with_second_factor_for_admins(!demo)
        .with_printer(cfg.printer()?);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    let jobs = tokio::spawn(xiezhi_server::clock_jobs(
        state.clone(),
        std::time::Duration::from_secs(cfg.job_interval_secs),
        stopped(stop_rx.clone()),
    ));
    let checkpoints = match &cfg.checkpoints {
        Some((key, dir)) => Some(tokio::spawn(audit::checkpoint_job(
            state.store.clone(),
            audit::read_key(key)?,
            dir.clone(),
            std::time::Duration::from_secs(cfg.checkpoint_interval_secs),
            stopped(stop_rx.clone()),
        ))),
        None => None,
    };
    xiezhi_server::serve(listener, state, stopped(stop_rx)).await?;
    let _ = jobs.await;
    if let Some(c) = checkpoints {
        let _ = c.await;
    }
    println!("獬豸已停止");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("XIEZHI_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

async fn create_user(
    store: &Store,
    login: &str,
    name: &str,
    org: &str,
    roles: &[String],
    password: &str,
) -> Result<()> {
    let org = store
        .org_by_code(org)
        .await?
        .with_context(|| format!("机构 {org} 不存在"))?;
    let mut parsed = vec![];
    for r in roles {
        parsed.push(Role::parse(r).with_context(|| format!("未知的角色 {r}"))?);
    }
    let hash = auth::hash_password(password)?;
    let mut w = store.begin_write(ctx("user-create")).await?;
    people::create(
        &mut w,
        people::NewPerson {
            login: Login::parse(login)?,
            name: xiezhi_domain::codes::parse_name(name, "name")?,
            org_id: org.id,
            roles: parsed,
            phone: None,
            password_hash: Some(hash),
        },
    )
    .await?;
    w.commit().await?;
    Ok(())
}

async fn create_token(
    store: &Store,
    scopes: &[String],
    org: Option<&str>,
    name: Option<&str>,
) -> Result<String> {
    let org = match org {
        Some(code) => store
            .org_by_code(code)
            .await?
            .with_context(|| format!("机构 {code} 不存在"))?,
        None => store
            .top_org()
            .await?
            .context("数据库中还没有机构：请先导入机构或运行 xiezhi demo")?,
    };
    let mut parsed = vec![];
    for s in scopes {
        parsed.push(
            TokenScope::parse(s)
                .with_context(|| format!("未知的令牌范围 {s}（可用：open311, intake, read）"))?,
        );
    }
    let name = name
        .map(str::to_owned)
        .unwrap_or_else(|| format!("命令行创建（{}）", scopes.join(",")));
    let mut w = store.begin_write(ctx("token-create")).await?;
    let (_, secret) = auth::create_token(&mut w, org.id, &name, &parsed).await?;
    w.commit().await?;
    Ok(secret)
}

fn parse_date(s: &str) -> Result<Date> {
    s.trim().parse::<Date>().map_err(|e| anyhow::anyhow!("{e}"))
}

fn check_rules(files: &[String]) -> Result<ExitCode> {
    use xiezhi_domain::rules::{BUILTIN, Rules};
    let mut texts: Vec<(String, String)> = BUILTIN
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    for f in files {
        let text = std::fs::read_to_string(f).with_context(|| format!("无法读取 {f}"))?;
        texts.push((f.clone(), text));
    }
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    match Rules::from_texts(&refs) {
        Ok(rules) => {
            for p in rules.all() {
                println!(
                    "{}（{}，第 {} 版）：{} 条规则",
                    p.profile.id,
                    p.profile.name,
                    p.profile.version,
                    p.rules.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn calendar(cal: &Calendar, cmd: &CalendarCommand) -> Result<ExitCode> {
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    match cmd {
        CalendarCommand::Workdays { from, to } => {
            let (from, to) = (parse_date(from)?, parse_date(to)?);
            if to < from {
                bail!("--to 不能早于 --from");
            }
            writeln!(out, "date,workday,name")?;
            let mut d = from;
            while d <= to {
                let w = cal.is_workday(d)?;
                writeln!(out, "{d},{},{}", u8::from(w), cal.day_name(d).unwrap_or(""))?;
                d = d.add_days(1).context("日期超出范围")?;
            }
        }
        CalendarCommand::Add { batch: true, .. } => {
            let stdin = std::io::stdin();
            for (i, line) in stdin.lock().lines().enumerate() {
                let line = line?;
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                let (d, n) = line
                    .split_once(',')
                    .with_context(|| format!("第 {} 行应为 date,n", i + 1))?;
                let n: i64 = n
                    .trim()
                    .parse()
                    .with_context(|| format!("第 {} 行的 n 不是整数", i + 1))?;
                writeln!(out, "{}", cal.add_workdays(parse_date(d)?, n)?)?;
            }
        }
        CalendarCommand::Add {
            date: Some(d),
            n: Some(n),
            ..
        } => {
            writeln!(out, "{}", cal.add_workdays(parse_date(d)?, *n)?)?;
        }
        CalendarCommand::Add { .. } => {
            bail!("用法：xiezhi calendar add DATE N 或 xiezhi calendar add --batch")
        }
        CalendarCommand::Load { .. } => {}
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
