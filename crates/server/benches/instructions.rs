//! Instruction delivery latency: `cargo bench -p xiezhi-server --bench instructions`. 1,000
//! people of 城东街道 hold a live stream (SSE) each; the office sends 20 instructions to the
//! township, one after another, and every receiver notes when each arrives. Latency is from
//! the send's write time (recorded in the notice) to the arrival at the receiver. On
//! PostgreSQL (XIEZHI_TEST_POSTGRES_URL) the sender and the receivers are on two instances
//! (LISTEN/NOTIFY fan-out); on SQLite, one instance. XIEZHI_BENCH_RECEIVERS sets the count.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, mpsc};
use xiezhi_domain::Role;
use xiezhi_server::AppState;
use xiezhi_store::testing::TestDb;
use xiezhi_store::{RecordContext, Store, StoreOptions};

const INSTRUCTIONS: usize = 20;

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn instance(store: Store) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store, false).await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(xiezhi_server::serve(listener, state, async {
        let _ = rx.await;
    }));
    (base, tx)
}

/// One receiver: opens the stream, says when ready, reports each instruction's latency (ms).
async fn receive(
    base: String,
    secret: String,
    ready: mpsc::Sender<()>,
    got: mpsc::Sender<(i64, f64)>,
) {
    let c = reqwest::Client::new();
    let mut r = c
        .get(format!("{base}/api/v1/live"))
        .header("cookie", format!("xz_session={secret}"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let mut buf = String::new();
    while let Ok(Some(chunk)) = r.chunk().await {
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let now = xiezhi_store::testing::now();
            if block.contains("event: ready") || block.contains("event:ready") {
                ready.send(()).await.unwrap();
            } else if block.contains("instruction") {
                let data = block
                    .lines()
                    .find_map(|l| l.strip_prefix("data:"))
                    .unwrap()
                    .trim();
                let v: serde_json::Value = serde_json::from_str(data).unwrap();
                let at: chrono::DateTime<chrono::Utc> = v["at"].as_str().unwrap().parse().unwrap();
                let ms = (now - at).num_microseconds().unwrap() as f64 / 1000.0;
                if got.send((v["id"].as_i64().unwrap(), ms)).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn run(name: &str, db: TestDb, receivers: usize) {
    let now = xiezhi_store::testing::now();
    let s = db.store.clone();
    xiezhi_store::demo::load(&s, "bench-pass-1", "bench", now)
        .await
        .unwrap();
    let cd = s.org_by_code("YX-CD").await.unwrap().unwrap();
    let hash = xiezhi_store::auth::hash_password("bench-pass-1").unwrap();
    let mut w = s
        .begin_write(RecordContext::system("bench", now))
        .await
        .unwrap();
    for i in 0..receivers {
        xiezhi_store::people::create(
            &mut w,
            xiezhi_store::people::NewPerson {
                login: xiezhi_domain::Login::parse(&format!("bench.r{i}")).unwrap(),
                name: format!("接收人{i}"),
                org_id: cd.id,
                roles: vec![Role::GridMember],
                phone: None,
                password_hash: Some(hash.clone()),
            },
        )
        .await
        .unwrap();
    }
    w.commit().await.unwrap();
    let (a, _stop_a) = instance(s.clone()).await;
    let (b, _stop_b) = if s.engine() == xiezhi_store::Engine::Postgres {
        instance(Store::connect(&StoreOptions::new(&db.url)).await.unwrap()).await
    } else {
        (a.clone(), tokio::sync::oneshot::channel().0)
    };
    // Sign the receivers in (argon2 each; not timed).
    let logins: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(
        (0..receivers).map(|i| format!("bench.r{i}")).collect(),
    ));
    let secrets = Arc::new(Mutex::new(vec![]));
    let mut hs = vec![];
    for _ in 0..2 {
        let (logins, secrets, s) = (logins.clone(), secrets.clone(), s.clone());
        hs.push(tokio::spawn(async move {
            loop {
                let Some(l) = logins.lock().await.pop() else {
                    break;
                };
                let r = xiezhi_store::auth::sign_in(
                    &s,
                    &l,
                    "bench-pass-1",
                    None,
                    "bench",
                    xiezhi_store::testing::now(),
                )
                .await
                .unwrap();
                let xiezhi_store::auth::SignIn::Ok { session, .. } = r else {
                    panic!("sign-in")
                };
                secrets.lock().await.push(session);
            }
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    let (ready_tx, mut ready_rx) = mpsc::channel(receivers);
    let (got_tx, mut got_rx) = mpsc::channel(receivers * INSTRUCTIONS);
    for secret in secrets.lock().await.drain(..) {
        tokio::spawn(receive(b.clone(), secret, ready_tx.clone(), got_tx.clone()));
    }
    drop(got_tx);
    for _ in 0..receivers {
        ready_rx.recv().await.unwrap();
    }
    // The office sends, on instance A.
    let office = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r: serde_json::Value = office
        .post(format!("{a}/api/v1/session"))
        .json(&serde_json::json!({"login": "office", "password": "bench-pass-1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = r["csrf"].as_str().unwrap().to_owned();
    let mut all = vec![];
    let mut last = vec![];
    for k in 0..INSTRUCTIONS {
        let r = office
            .post(format!("{a}/api/v1/instructions"))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"body": format!("压测指令{k}：立即到城东菜市场集合"), "to_orgs": [cd.id]}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        let id = r.json::<serde_json::Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        let mut worst: f64 = 0.0;
        for _ in 0..receivers {
            let (got, ms) = tokio::time::timeout(Duration::from_secs(30), got_rx.recv())
                .await
                .expect("every receiver gets it")
                .unwrap();
            assert_eq!(got, id);
            all.push(ms);
            worst = worst.max(ms);
        }
        last.push(worst);
    }
    all.sort_by(|x, y| x.total_cmp(y));
    last.sort_by(|x, y| x.total_cmp(y));
    println!(
        "{name:<22} {receivers} receivers × {INSTRUCTIONS} instructions: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; last receiver per instruction p50 {:.1} ms",
        pct(&all, 0.5),
        pct(&all, 0.99),
        all[all.len() - 1],
        pct(&last, 0.5),
    );
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("XIEZHI_BENCH_RECEIVERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    println!("instruction delivery latency (send → arrival on the receiver's live stream)");
    run("sqlite (one instance)", TestDb::sqlite().await, n).await;
    match TestDb::postgres().await {
        Some(db) => run("postgres (two instances)", db, n).await,
        None => println!("postgres skipped (XIEZHI_TEST_POSTGRES_URL not set)"),
    }
}
