//! The `xiezhi` binary as an operator uses it, on both engines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::ConnectionTrait;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

fn xiezhi(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xiezhi"))
        .args(args)
        .env_remove("XIEZHI_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

/// A name unique to one test database (its random name), for scratch files.
fn unique(url: &str) -> String {
    url.rsplit(['/', '\\'])
        .next()
        .unwrap_or("x")
        .replace('.', "_")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn calendar_add_skips_the_spring_festival_and_counts_its_adjusted_sunday() {
    // 2024: 2/10–2/17 rest, Sunday 2/18 a working day.
    let o = xiezhi(&["calendar", "add", "2024-02-08", "2"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "2024-02-18");
    let o = xiezhi(&["calendar", "add", "2024-02-19", "-1"], None);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "2024-02-18");
    let o = xiezhi(
        &["calendar", "add", "--batch"],
        Some("2024-09-27,1\n2024-12-31,1\n"),
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "2024-09-29\n2025-01-02\n"
    );
}

#[test]
fn calendar_workdays_prints_csv_with_holiday_names() {
    let o = xiezhi(
        &[
            "calendar",
            "workdays",
            "--from",
            "2025-09-30",
            "--to",
            "2025-10-02",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("date,workday,name\n2025-09-30,1,\n2025-10-01,0,国庆节\n"),
        "{out}"
    );
}

#[test]
fn a_provisional_year_answers_and_a_date_past_them_is_an_error_naming_the_year() {
    // 2030: no notice yet, derived from the holiday law (元旦 Tuesday, nothing to make up).
    let o = xiezhi(&["calendar", "add", "2029-12-31", "1"], None);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "2030-01-02",
        "{}",
        text(&o)
    );
    let o = xiezhi(&["calendar", "add", "2101-01-03", "1"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("2101"), "{}", text(&o));
}

engine_test!(
    audit_verify_passes_a_sound_chain_and_names_the_first_tampered_event,
    async |db: TestDb| {
        let url = db.url.clone();
        let o = xiezhi(
            &["demo", "--database", &url, "--demo-password", "demo"],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("演示密码仅供试用"));
        let o = xiezhi(&["audit", "verify", "--database", &url], None);
        assert!(o.status.success(), "{}", text(&o));
        // Synthetic history: a scale it knows, into an empty database only.
        let o = xiezhi(&["demo", "--database", &url, "--scale", "city"], None);
        assert!(!o.status.success());
        assert!(text(&o).contains("county 或 province"), "{}", text(&o));
        let o = xiezhi(&["demo", "--database", &url, "--scale", "county"], None);
        assert!(!o.status.success());
        assert!(text(&o).contains("只能导入空数据库"), "{}", text(&o));
        xiezhi_store::testing::drop_record_guard(&db.store).await;
        db.store
            .db()
            .execute_unprepared("UPDATE events SET actor = 'person:999' WHERE seq = 7")
            .await
            .unwrap();
        let o = xiezhi(&["audit", "verify", "--database", &url], None);
        assert_eq!(o.status.code(), Some(1));
        assert!(text(&o).contains("first bad seq: 7"), "{}", text(&o));
    }
);

engine_test!(
    operators_create_users_and_tokens_and_import_files,
    async |db: TestDb| {
        let url = db.url.clone();
        let dir = std::env::temp_dir().join(format!("xiezhi-cli-{}", unique(&url)));
        std::fs::create_dir_all(&dir).unwrap();
        let orgs = dir.join("orgs.csv");
        std::fs::write(&orgs, "code,name,kind,level,parent_code,division_code\nGOV,示范县人民政府,government,county,,339901\nBAD,,department,county,GOV,339901\n").unwrap();
        let o = xiezhi(
            &["import", "orgs", orgs.to_str().unwrap(), "--database", &url],
            None,
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(text(&o).contains("第 3 行 name"), "{}", text(&o));
        std::fs::write(&orgs, "code,name,kind,level,parent_code,division_code\nGOV,示范县人民政府,government,county,,339901\n").unwrap();
        let o = xiezhi(
            &["import", "orgs", orgs.to_str().unwrap(), "--database", &url],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        let o = xiezhi(
            &[
                "user",
                "create",
                "--login",
                "root.admin",
                "--name",
                "管理员",
                "--org",
                "GOV",
                "--role",
                "system_admin",
                "--password-stdin",
                "--database",
                &url,
            ],
            Some("short\n"),
        );
        assert!(!o.status.success(), "a weak password is refused");
        assert!(text(&o).contains("密码至少12位"), "{}", text(&o));
        let o = xiezhi(
            &[
                "user",
                "create",
                "--login",
                "root.admin",
                "--name",
                "管理员",
                "--org",
                "GOV",
                "--role",
                "system_admin",
                "--password-stdin",
                "--database",
                &url,
            ],
            Some("Bootstrap-2026!\n"),
        );
        assert!(o.status.success(), "{}", text(&o));
        let p = db
            .store
            .person_by_login("root.admin")
            .await
            .unwrap()
            .unwrap();
        assert!(xiezhi_store::auth::verify_password(
            p.password_hash.as_deref().unwrap(),
            "Bootstrap-2026!"
        ));
        // Reset at the server (the only way for an administrator).
        let o = xiezhi(
            &[
                "user",
                "reset",
                "--login",
                "root.admin",
                "--password-stdin",
                "--second-factor",
                "--database",
                &url,
            ],
            Some("Reset-at-Server-2026\n"),
        );
        assert!(o.status.success(), "{}", text(&o));
        let p = db
            .store
            .person_by_login("root.admin")
            .await
            .unwrap()
            .unwrap();
        assert!(xiezhi_store::auth::verify_password(
            p.password_hash.as_deref().unwrap(),
            "Reset-at-Server-2026"
        ));
        let o = xiezhi(
            &["token", "create", "--scope", "open311", "--database", &url],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        let token = String::from_utf8_lossy(&o.stdout).trim().to_owned();
        assert!(token.starts_with("xz_"));
        assert!(db.store.token_by_secret(&token).await.unwrap().is_some());
        let o = xiezhi(
            &["token", "create", "--scope", "nonsense", "--database", &url],
            None,
        );
        assert!(!o.status.success());
        let _ = std::fs::remove_dir_all(dir);
    }
);

engine_test!(
    a_database_migrated_by_a_newer_version_is_refused_with_a_clear_message,
    async |db: TestDb| {
        db.store
            .db()
            .execute_unprepared(
                "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9000_future', 0)",
            )
            .await
            .unwrap();
        let o = xiezhi(
            &["serve", "--database", &db.url, "--bind", "127.0.0.1:0"],
            None,
        );
        assert!(!o.status.success());
        assert!(text(&o).contains("更新版本"), "{}", text(&o));
    }
);

const Y2027: &str = "date,kind,name\n2027-01-01,rest,元旦\n2027-02-06,rest,春节\n2027-02-07,rest,春节\n2027-02-08,rest,春节\n2027-02-09,rest,春节\n2027-02-10,rest,春节\n2027-02-11,rest,春节\n2027-02-12,rest,春节\n2027-10-01,rest,国庆节\n2027-10-04,rest,国庆节\n2027-10-05,rest,国庆节\n2027-10-06,rest,国庆节\n2027-10-07,rest,国庆节\n";

engine_test!(
    an_administrator_loads_a_year_and_the_calendar_commands_then_reach_it,
    async |db: TestDb| {
        let url = db.url.clone();
        let dir = std::env::temp_dir().join(format!("xiezhi-cal-{}", unique(&url)));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("2027.csv");
        std::fs::write(&file, Y2027.replace("2027-02-07,rest", "2027-02-06,rest")).unwrap();
        let o = xiezhi(
            &[
                "calendar",
                "load",
                file.to_str().unwrap(),
                "--database",
                &url,
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(
            text(&o).contains("第 4 行") || text(&o).contains("行"),
            "{}",
            text(&o)
        );
        std::fs::write(&file, Y2027).unwrap();
        let o = xiezhi(
            &[
                "calendar",
                "load",
                file.to_str().unwrap(),
                "--database",
                &url,
            ],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        let o = xiezhi(
            &["calendar", "add", "2026-12-31", "1", "--database", &url],
            None,
        );
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            "2027-01-04",
            "{}",
            text(&o)
        );
        // The next year's notice as published (items only, with --year), read and shown.
        let notice = dir.join("2028.txt");
        std::fs::write(
            &notice,
            "一、元旦：1月1日（周六）至3日（周一）放假，共3天。\n\
             二、春节：1月25日（农历除夕、周二）至2月1日（周二）放假调休，共8天。\n\
             三、国庆节：10月1日（周日）至7日（周六）放假调休，共7天。10月8日（周日）上班。\n",
        )
        .unwrap();
        let args = |extra: &'static str| {
            let mut a = vec![
                "calendar",
                "load",
                notice.to_str().unwrap(),
                "--year",
                "2028",
            ];
            a.extend(["--database", url.as_str(), extra]);
            a
        };
        let o = xiezhi(&args("--dry-run"), None);
        assert!(o.status.success(), "{}", text(&o));
        assert!(
            text(&o).contains("2028年10月8日（星期日） 上班 国庆节"),
            "{}",
            text(&o)
        );
        assert!(text(&o).contains("未导入"), "{}", text(&o));
        let o = xiezhi(
            &["calendar", "add", "2028-01-03", "1", "--database", &url],
            None,
        );
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            "2028-01-04",
            "provisional still"
        );
        let o = xiezhi(&args("--yes"), None);
        assert!(o.status.success(), "{}", text(&o));
        let o = xiezhi(
            &[
                "calendar",
                "workdays",
                "--from",
                "2028-10-08",
                "--to",
                "2028-10-08",
                "--database",
                &url,
            ],
            None,
        );
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("2028-10-08,1"),
            "{}",
            text(&o)
        );
        let o = xiezhi(&["clocks", "recompute", "--database", &url], None);
        assert!(o.status.success(), "{}", text(&o));
        let o = xiezhi(&["clocks", "run-job", "--database", &url], None);
        assert!(o.status.success(), "{}", text(&o));
        let _ = std::fs::remove_dir_all(dir);
    }
);

#[test]
fn rules_check_accepts_the_shipped_profiles_and_names_a_gap() {
    let o = xiezhi(&["rules"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("zhoucun-2018"));
    let dir = std::env::temp_dir().join(format!("xiezhi-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("thin.toml");
    std::fs::write(
        &f,
        "[profile]\nid = \"thin\"\nname = \"缺项\"\nversion = 1\n\n[[rule]]\nid = \"transfer.send\"\nname = \"移送\"\napplies_to = \"transfer\"\ntrigger = \"x\"\nduration = { unit = \"working_days\", value = 3 }\nescalate_to = \"coordination_office\"\nsource = { seed = \"001\", section = \"二\", quote = \"3个工作日\" }\n",
    )
    .unwrap();
    let o = xiezhi(&["rules", f.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("缺少规则") && text(&o).contains("data_request.answer"),
        "{}",
        text(&o)
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Rewrite a zip archive, changing one entry's bytes.
fn rewrite(path: &std::path::Path, name: &str, change: impl Fn(Vec<u8>) -> Vec<u8>) {
    use std::io::Read;
    let bytes = std::fs::read(path).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let mut b = vec![];
        f.read_to_end(&mut b).unwrap();
        let fname = f.name().unwrap().into_owned();
        out.start_file(fname.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&if fname == name { change(b) } else { b })
            .unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

engine_test!(
    a_case_file_exports_verifies_offline_and_a_tampered_one_is_refused_naming_what_changed,
    async |db: TestDb| {
        let url = db.url.clone();
        let o = xiezhi(&["demo", "--database", &url], None);
        assert!(o.status.success(), "{}", text(&o));
        // A photo on the demo case's lead, so the file carries evidence.
        let case = db.store.case(1).await.unwrap();
        let mut w = db
            .store
            .begin_write(xiezhi_store::RecordContext::system(
                "t",
                xiezhi_store::testing::now(),
            ))
            .await
            .unwrap();
        let digest =
            xiezhi_store::transfers::store_blob(&mut w, b"\x89PNG\r\n\x1a\nphoto".to_vec())
                .await
                .unwrap();
        xiezhi_store::transfers::attach(
            &mut w,
            "lead",
            case.lead_id.unwrap(),
            &[xiezhi_domain::transfer::Material {
                kind: xiezhi_domain::transfer::MaterialKind::Source,
                title: "现场照片".into(),
                digest: Some(digest.clone()),
            }],
            None,
        )
        .await
        .unwrap();
        // And a document, so the file carries it as issued (HTML) and printed (PDF).
        let doc = xiezhi_store::documents::issue(
            &mut w,
            xiezhi_store::documents::NewDocument {
                case_id: 1,
                org_id: case.holder_org_id,
                org_short: "云市监",
                kind: xiezhi_domain::document::DocumentKind::FilingApproval,
                pattern: xiezhi_domain::document::DEFAULT_PATTERN,
                issued_by: None,
            },
            |n| {
                Ok(format!(
                    "<h1>立案审批表</h1><p class=\"no\">{n}</p><p>案由：无证经营</p>"
                ))
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let dir = std::env::temp_dir().join(format!("xiezhi-case-{}", unique(&url)));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("case.zip");
        let f = file.to_str().unwrap();
        let o = xiezhi(
            &["case", "export", "1", "--out", f, "--database", &url],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        let o = xiezhi(&["case", "verify", f], None);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("校验通过"));
        let pdf_path = format!("documents/{}-filing_approval.pdf", doc.id);
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
        let mut pdf = vec![];
        std::io::Read::read_to_end(&mut zip.by_name(&pdf_path).unwrap(), &mut pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "the document printed");
        // A changed document is named.
        rewrite(&file, &pdf_path, |mut b| {
            b.extend_from_slice(b"%");
            b
        });
        let o = xiezhi(&["case", "verify", f], None);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(text(&o).contains(&pdf_path), "{}", text(&o));
        let o = xiezhi(
            &["case", "export", "1", "--out", f, "--database", &url],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        // The export is itself recorded.
        let events = db.store.case_events(1).await.unwrap();
        assert!(events.iter().any(|e| e.kind == "case.exported"));
        // A changed evidence file is named.
        rewrite(&file, &format!("evidence/{digest}"), |mut b| {
            b.push(0);
            b
        });
        let o = xiezhi(&["case", "verify", f], None);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(
            text(&o).contains(&format!("evidence/{digest}")),
            "{}",
            text(&o)
        );
        // A changed event is named by its sequence number.
        let o = xiezhi(
            &["case", "export", "1", "--out", f, "--database", &url],
            None,
        );
        assert!(o.status.success());
        rewrite(&file, "events.jsonl", |b| {
            String::from_utf8(b)
                .unwrap()
                .replacen("case.filed", "case.FILED", 1)
                .into_bytes()
        });
        let o = xiezhi(&["case", "verify", f], None);
        assert_eq!(o.status.code(), Some(1));
        assert!(text(&o).contains("的内容与其哈希不符"), "{}", text(&o));
        let _ = std::fs::remove_dir_all(&dir);
    }
);

#[test]
fn a_setting_that_cannot_be_read_stops_the_start_naming_it() {
    let dir = std::env::temp_dir().join(format!("xiezhi-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("x.db").display());
    for (key, value, says) in [
        ("XIEZHI_SECURE_COOKIES", "maybe", "XIEZHI_SECURE_COOKIES"),
        (
            "XIEZHI_SQLITE_SYNCHRONOUS",
            "sometimes",
            "sqlite_synchronous",
        ),
        ("XIEZHI_EVIDENCE_MAX_MB", "lots", "XIEZHI_EVIDENCE_MAX_MB"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_xiezhi"))
            .args(["audit", "verify", "--database", &url])
            .env(key, value)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{key}={value} was accepted");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{key}: {err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

engine_test!(
    a_history_rewritten_consistently_in_the_database_is_caught_by_a_signed_checkpoint,
    async |db: TestDb| {
        use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, Statement};
        use xiezhi_domain::event::GENESIS_HASH;
        use xiezhi_store::entities::chain_head;
        use xiezhi_store::record::EventFilter;
        let url = db.url.clone();
        let o = xiezhi(
            &["demo", "--database", &url, "--demo-password", "demo"],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        // Its own directory: the process and the database (a sum of the two collided).
        let tag: String = db
            .url
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let dir = std::env::temp_dir().join(format!("xiezhi-cp-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("record.key");
        let key = key.to_str().unwrap();
        let cps = dir.join("checkpoints");
        let cps = cps.to_str().unwrap();
        let public = format!("{key}.pub");
        let o = xiezhi(&["audit", "keygen", "--out", key], None);
        assert!(o.status.success(), "{}", text(&o));
        let o = xiezhi(&["audit", "keygen", "--out", key], None);
        assert!(!o.status.success(), "an existing key is never overwritten");
        let o = xiezhi(
            &[
                "audit",
                "checkpoint",
                "--database",
                &url,
                "--key",
                key,
                "--dir",
                cps,
            ],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        let verify = || {
            xiezhi(
                &[
                    "audit",
                    "verify",
                    "--database",
                    &url,
                    "--checkpoints",
                    cps,
                    "--public-key",
                    &public,
                ],
                None,
            )
        };
        let o = verify();
        assert!(
            o.status.success() && text(&o).contains("检查点与记录一致"),
            "{}",
            text(&o)
        );
        // Someone with the database owner's rights rewrites event 3 and re-chains everything
        // after it, head included: the chain alone cannot tell.
        xiezhi_store::testing::drop_record_guard(&db.store).await;
        let (mut rows, _) = db
            .store
            .list_events(&EventFilter::default(), 1, 1_000_000)
            .await
            .unwrap();
        rows.reverse();
        let mut prev = GENESIS_HASH.to_owned();
        for mut e in rows {
            if e.seq == 3 {
                e.payload = r#"{"forged":true}"#.to_owned();
            }
            e.prev_hash = prev.clone();
            let hash = e.computed_hash();
            let db = db.store.db();
            db.execute_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "UPDATE events SET payload = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
                [
                    e.payload.into(),
                    e.prev_hash.into(),
                    hash.clone().into(),
                    e.seq.into(),
                ],
            ))
            .await
            .unwrap();
            prev = hash;
        }
        let head = chain_head::Entity::find_by_id(1)
            .one(db.store.db())
            .await
            .unwrap()
            .unwrap();
        let mut am: chain_head::ActiveModel = head.into();
        am.hash = Set(prev);
        am.update(db.store.db()).await.unwrap();
        let o = xiezhi(&["audit", "verify", "--database", &url], None);
        assert!(
            o.status.success(),
            "the rewrite is consistent: {}",
            text(&o)
        );
        let o = verify();
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(text(&o).contains("first bad checkpoint"), "{}", text(&o));
        let _ = std::fs::remove_dir_all(&dir);
    }
);

engine_test!(
    a_serving_instance_writes_signed_checkpoints_when_configured,
    async |db: TestDb| {
        let url = db.url.clone();
        let dir = std::env::temp_dir().join(format!("xiezhi-cpjob-{}", unique(&url)));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("record.key");
        let key = key.to_str().unwrap().to_owned();
        let cps = dir.join("checkpoints");
        let cps = cps.to_str().unwrap().to_owned();
        assert!(
            xiezhi(&["audit", "keygen", "--out", &key], None)
                .status
                .success()
        );
        // Only one of the two settings is an error at start.
        let o = Command::new(env!("CARGO_BIN_EXE_xiezhi"))
            .args(["serve", "--database", &url, "--bind", "127.0.0.1:0"])
            .env("XIEZHI_CHECKPOINT_KEY", &key)
            .output()
            .unwrap();
        assert!(!o.status.success());
        assert!(String::from_utf8_lossy(&o.stderr).contains("checkpoint_dir"));
        let mut server = Command::new(env!("CARGO_BIN_EXE_xiezhi"))
            .args([
                "serve",
                "--demo",
                "--database",
                &url,
                "--bind",
                "127.0.0.1:0",
            ])
            .env("XIEZHI_CHECKPOINT_KEY", &key)
            .env("XIEZHI_CHECKPOINT_DIR", &cps)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut written = false;
        for _ in 0..100 {
            if std::fs::read_dir(&cps).is_ok_and(|d| d.count() > 0) {
                written = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        let _ = server.kill();
        let _ = server.wait();
        assert!(written, "no checkpoint was written");
        let o = xiezhi(
            &[
                "audit",
                "verify",
                "--database",
                &url,
                "--checkpoints",
                &cps,
                "--public-key",
                &format!("{key}.pub"),
            ],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        let _ = std::fs::remove_dir_all(&dir);
    }
);

/// `xiezhi` with the file store named, so a PostgreSQL run keeps its files with its database.
fn xiezhi_with_files(args: &[&str], files: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xiezhi"))
        .args(args)
        .env_remove("XIEZHI_DATABASE_URL")
        .env("XIEZHI_FILES", files)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

engine_test!(
    a_backup_restores_into_an_empty_database_with_the_same_head_and_files,
    async |db: TestDb| {
        let url = db.url.clone();
        let o = xiezhi_with_files(&["demo", "--database", &url], &db.files);
        assert!(o.status.success(), "{}", text(&o));
        // A file in the file store, as an upload leaves it.
        let mut up = db.store.files().upload().await.unwrap();
        up.write(b"\x89PNG\r\n\x1a\nbackup photo").await.unwrap();
        let file = up.finish().await.unwrap();
        let mut w = db
            .store
            .begin_write(xiezhi_store::RecordContext::system(
                "t",
                xiezhi_store::testing::now(),
            ))
            .await
            .unwrap();
        xiezhi_store::transfers::store_uploaded(&mut w, &file, "image/png")
            .await
            .unwrap();
        w.commit().await.unwrap();
        let head = db.store.verify_chain().await.unwrap();
        let dir = std::env::temp_dir().join(format!("xiezhi-backup-{}", unique(&url)));
        let _ = std::fs::remove_dir_all(&dir);
        let dir_s = dir.display().to_string();
        let o = xiezhi_with_files(&["backup", &dir_s, "--database", &url], &db.files);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains(&head.head_hash), "{}", text(&o));
        // Not over a backup already there.
        let o = xiezhi_with_files(&["backup", &dir_s, "--database", &url], &db.files);
        assert!(!o.status.success());
        // Into an empty database of the same engine and a new file store.
        let target = if url.starts_with("sqlite") {
            TestDb::sqlite_empty().await
        } else {
            let Some(t) = TestDb::postgres_empty().await else {
                return;
            };
            t
        };
        if target.url.starts_with("sqlite") {
            // An empty file, as a fresh database is.
            let path = target.url.trim_start_matches("sqlite://").to_owned();
            let _ = std::fs::remove_file(&path);
        }
        let o = xiezhi_with_files(
            &["restore", &dir_s, "--database", &target.url],
            &target.files,
        );
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("与备份清单一致"), "{}", text(&o));
        let o = xiezhi_with_files(
            &["audit", "verify", "--database", &target.url],
            &target.files,
        );
        assert!(o.status.success(), "{}", text(&o));
        assert!(
            text(&o).contains(&head.head_hash),
            "the same head: {}",
            text(&o)
        );
        assert!(
            target
                .files
                .join("sm3")
                .join(&file.digest[..2])
                .join(&file.digest)
                .exists()
        );
        // A second restore into the now full database is refused.
        let o = xiezhi_with_files(
            &["restore", &dir_s, "--database", &target.url],
            &target.files,
        );
        assert!(!o.status.success());
        assert!(text(&o).contains("空数据库"), "{}", text(&o));
        let _ = std::fs::remove_dir_all(&dir);
    }
);
