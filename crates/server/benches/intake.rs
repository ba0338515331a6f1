//! Lead intake over HTTP against the plain single-row insert rate on the same database, in
//! one run: `cargo bench -p xiezhi-server --bench intake` (PostgreSQL too when
//! XIEZHI_TEST_POSTGRES_URL is set). The server runs in-process on a local port; a client
//! with 8 connections posts leads as the 12345 hotline would (API token, idempotency key),
//! each one a full intake: checks, numbering, duplicate lookup, the lead row, its event and
//! its sign-for clock, in one transaction. Set XIEZHI_BENCH_LEADS for another count.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::ConnectionTrait;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use xiezhi_domain::TokenScope;
use xiezhi_server::AppState;
use xiezhi_store::RecordContext;
use xiezhi_store::testing::TestDb;

const CONCURRENCY: usize = 8;

fn count() -> usize {
    std::env::var("XIEZHI_BENCH_LEADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn run(name: &str, db: TestDb) {
    let n = count();
    let s = db.store.clone();
    xiezhi_store::demo::load(&s, "bench-pass-1", "bench", xiezhi_store::testing::now())
        .await
        .unwrap();
    // Plain single-row inserts, each its own transaction.
    s.db()
        .execute_unprepared(
            "CREATE TABLE bench_plain (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)",
        )
        .await
        .unwrap();
    let t = Instant::now();
    for i in 0..n {
        s.db()
            .execute_unprepared(&format!(
                "INSERT INTO bench_plain (id, payload) VALUES ({i}, '{{\"i\":{i},\"k\":\"bench.plain\"}}')"
            ))
            .await
            .unwrap();
    }
    let plain = n as f64 / t.elapsed().as_secs_f64();

    let office = s.org_by_code("YX-ZFB").await.unwrap().unwrap();
    let mut w = s
        .begin_write(RecordContext::system("bench", xiezhi_store::testing::now()))
        .await
        .unwrap();
    let (_, secret) =
        xiezhi_store::auth::create_token(&mut w, office.id, "压测热线", &[TokenScope::Intake])
            .await
            .unwrap();
    w.commit().await.unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(s.clone(), false).await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(xiezhi_server::serve(listener, state, async {
        let _ = rx.await;
    }));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    let url = format!("http://{addr}/api/v1/leads");
    let next = Arc::new(Mutex::new(0usize));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let t = Instant::now();
    let mut hs = vec![];
    for _ in 0..CONCURRENCY {
        let (client, url, secret, next, latencies) = (
            client.clone(),
            url.clone(),
            secret.clone(),
            next.clone(),
            latencies.clone(),
        );
        hs.push(tokio::spawn(async move {
            loop {
                let i = {
                    let mut g = next.lock().await;
                    if *g >= n {
                        break;
                    }
                    *g += 1;
                    *g
                };
                let body = serde_json::json!({
                    "channel": "hotline",
                    "reporter_name": "王女士",
                    "reporter_phone": "13900001111",
                    "text": format!("压测工单{i}：小区门口占道经营"),
                    "address": "解放路12号",
                    "division_code": format!("33990100{}", 1 + i % 8),
                });
                let started = Instant::now();
                let r = client
                    .post(&url)
                    .bearer_auth(&secret)
                    .header("idempotency-key", format!("bench-{i}"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), reqwest::StatusCode::CREATED);
                let _ = r.bytes().await.unwrap();
                latencies.lock().await.push(started.elapsed());
            }
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    let wall = t.elapsed().as_secs_f64();
    let _ = tx.send(());
    let _ = server.await;
    let mut l = latencies.lock().await.clone();
    l.sort();
    let rate = n as f64 / wall;
    assert_eq!(s.count_leads().await.unwrap() as usize, n);
    println!(
        "{name:<10} plain insert {plain:>7.0}/s | HTTP intake {rate:>6.0} leads/s ({:.2}× plain), {CONCURRENCY} clients, p50 {:.1} ms, p99 {:.1} ms",
        rate / plain,
        pct(&l, 0.5),
        pct(&l, 0.99),
    );
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("lead intake over HTTP: {} leads per engine", count());
    run("sqlite", TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(db) => run("postgres", db).await,
        None => println!("postgres   skipped (XIEZHI_TEST_POSTGRES_URL not set)"),
    }
}
