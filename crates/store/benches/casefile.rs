//! Export and offline verification of a case file with 200 MB of evidence, on both engines:
//! `cargo bench -p xiezhi-store --bench casefile` (PostgreSQL too when XIEZHI_TEST_POSTGRES_URL
//! is set). Evidence is 40 files of 5 MB (random bytes, so compression does not help),
//! attached to the case's lead; set XIEZHI_BENCH_EVIDENCE_MB for another total.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rand::RngCore;
use std::time::Instant;
use xiezhi_store::RecordContext;
use xiezhi_store::testing::TestDb;

async fn run(name: &str, db: TestDb) {
    let s = &db.store;
    let total_mb: usize = std::env::var("XIEZHI_BENCH_EVIDENCE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let now = xiezhi_store::testing::now();
    xiezhi_store::demo::load(s, "bench", "bench", now)
        .await
        .unwrap();
    let rules = xiezhi_domain::rules::Rules::builtin().unwrap();
    let (loaded, _) = xiezhi_store::demo::load_leads(s, &rules, "bench", now)
        .await
        .unwrap();
    assert_eq!(loaded, 5);
    let case = s.case(1).await.unwrap();
    let files = total_mb / 5;
    let t = Instant::now();
    for i in 0..files {
        let mut bytes = vec![0u8; 5 * 1024 * 1024];
        rand::thread_rng().fill_bytes(&mut bytes);
        bytes[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
        let mut w = s
            .begin_write(RecordContext::system("bench", xiezhi_store::testing::now()))
            .await
            .unwrap();
        let d = xiezhi_store::transfers::store_blob(&mut w, bytes)
            .await
            .unwrap();
        xiezhi_store::transfers::attach(
            &mut w,
            "lead",
            case.lead_id.unwrap(),
            &[xiezhi_domain::transfer::Material {
                kind: xiezhi_domain::transfer::MaterialKind::Evidence,
                title: format!("证据{i}"),
                digest: Some(d),
            }],
            None,
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
    }
    let store_secs = t.elapsed().as_secs_f64();
    let path = std::env::temp_dir().join(format!("xiezhi-bench-case-{name}.zip"));
    let t = Instant::now();
    let f = std::fs::File::create(&path).unwrap();
    let e = s
        .export_case(
            1,
            std::io::BufWriter::new(f),
            RecordContext::system("bench", xiezhi_store::testing::now()),
            &xiezhi_print::Printer::shared().unwrap(),
        )
        .await
        .unwrap();
    let export = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let checked = xiezhi_store::casefile::verify_archive(std::io::BufReader::new(
        std::fs::File::open(&path).unwrap(),
    ))
    .unwrap();
    let verify = t.elapsed().as_secs_f64();
    assert!(checked.problems.is_empty());
    let size = std::fs::metadata(&path).unwrap().len() as f64 / 1048576.0;
    let _ = std::fs::remove_file(&path);
    println!(
        "{name:<10} {files} files, {total_mb} MB evidence stored in {store_secs:.1} s | export {export:.1} s ({:.0} MB/s), archive {size:.0} MB, {} events | offline verify {verify:.1} s ({:.0} MB/s)",
        total_mb as f64 / export,
        e.manifest.events.len(),
        total_mb as f64 / verify,
    );
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("case file export and offline verification");
    run("sqlite", TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(db) => run("postgres", db).await,
        None => println!("postgres   skipped (XIEZHI_TEST_POSTGRES_URL not set)"),
    }
}
