//! Event-record append rate against a plain single-row insert on the same engine, in one run.
//! `cargo bench -p xiezhi-store --bench record` (PostgreSQL too when XIEZHI_TEST_POSTGRES_URL
//! is set). Each append is its own transaction with one event, as a user's write is; each
//! plain insert is its own transaction with one row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::ConnectionTrait;
use std::time::Instant;
use xiezhi_store::RecordContext;
use xiezhi_store::testing::TestDb;

const N: usize = 2000;

async fn run(name: &str, db: TestDb) {
    let s = &db.store;
    s.db()
        .execute_unprepared(
            "CREATE TABLE bench_plain (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)",
        )
        .await
        .unwrap();
    let t = Instant::now();
    for i in 0..N {
        s.db()
            .execute_unprepared(&format!(
                "INSERT INTO bench_plain (id, payload) VALUES ({i}, '{{\"i\":{i},\"k\":\"bench.plain\"}}')"
            ))
            .await
            .unwrap();
    }
    let plain = N as f64 / t.elapsed().as_secs_f64();

    let t = Instant::now();
    for i in 0..N {
        let mut w = s
            .begin_write(RecordContext::system("bench", xiezhi_store::testing::now()))
            .await
            .unwrap();
        w.record(
            "bench",
            i,
            xiezhi_domain::EventKind::SyntheticDay,
            &xiezhi_domain::payload::SyntheticDay { day: i.to_string() },
        );
        w.commit().await.unwrap();
    }
    let append = N as f64 / t.elapsed().as_secs_f64();

    let writers = 8;
    let t = Instant::now();
    let mut hs = vec![];
    for wi in 0..writers {
        let s = s.clone();
        hs.push(tokio::spawn(async move {
            for i in 0..N / writers {
                let mut w = s
                    .begin_write(RecordContext::system("bench", xiezhi_store::testing::now()))
                    .await
                    .unwrap();
                w.record(
                    "bench",
                    wi,
                    xiezhi_domain::EventKind::SyntheticDay,
                    &xiezhi_domain::payload::SyntheticDay { day: i.to_string() },
                );
                w.commit().await.unwrap();
            }
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    let concurrent = N as f64 / t.elapsed().as_secs_f64();

    let t = Instant::now();
    let report = s.verify_chain().await.unwrap();
    let verify = report.events as f64 / t.elapsed().as_secs_f64();

    println!(
        "{name:<10} plain insert {plain:>8.0}/s | event append {append:>8.0}/s ({:.2}× plain) | 8 writers {concurrent:>8.0}/s | verify {verify:>9.0} events/s",
        append / plain
    );
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("record append benchmark: {N} single-event writes per engine");
    run("sqlite", TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(db) => run("postgres", db).await,
        None => println!("postgres   skipped (XIEZHI_TEST_POSTGRES_URL not set)"),
    }
}
