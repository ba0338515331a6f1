//! Case steps over HTTP: `cargo bench -p xiezhi-server --bench cases` (PostgreSQL too when
//! XIEZHI_TEST_POSTGRES_URL is set). 400 filed cases of the market department are taken
//! through investigate → submit → decide (penalty, by the head) → serve → execute → close by
//! 8 signed-in clients; each step is one HTTP request that runs the transition function, the
//! policy, the record and the clocks. Set XIEZHI_BENCH_CASES for another count.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use xiezhi_server::AppState;
use xiezhi_store::RecordContext;
use xiezhi_store::testing::TestDb;

const CLIENTS: usize = 8;
const ITEMS: &str = "code,name,domain,kind,law,article,penalty_clause,sector_department,sets,minor_first_offence,discretion,effective_from
ZJ-SCJG-CF-0001,对经营超过保质期食品的行政处罚,市场监管,penalty,《中华人民共和国食品安全法》,第三十四条,第一百二十四条,YX-SCJG,department,true,轻微/首次/0-5000/2000|一般/再次/5000-50000/20000,2022-01-01
";
const ASSIGNMENTS: &str = "item_code,division_code,holder_org_code,mode,responsible_org_code,supervising_org_code,letter_number,letter_scope,letter_valid_until,effective_from
ZJ-SCJG-CF-0001,339901,YX-SCJG,retained,YX-SCJG,YX-SCJG,,,,2022-01-01
";

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn session(base: &str, login: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r: serde_json::Value = c
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"login": login, "password": "bench-pass-1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (c, r["csrf"].as_str().unwrap().to_owned())
}

async fn run(name: &str, db: TestDb) {
    let n: usize = std::env::var("XIEZHI_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let s = db.store.clone();
    let now = xiezhi_store::testing::now();
    xiezhi_store::demo::load(&s, "bench-pass-1", "bench", now)
        .await
        .unwrap();
    let w = s
        .begin_write(RecordContext::system("bench", now))
        .await
        .unwrap();
    xiezhi_store::catalog::import_items(&s, w, ITEMS)
        .await
        .unwrap();
    let w = s
        .begin_write(RecordContext::system("bench", now))
        .await
        .unwrap();
    xiezhi_store::catalog::import_assignments(&s, w, ASSIGNMENTS)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(s.clone(), false).await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(xiezhi_server::serve(listener, state, async {
        let _ = rx.await;
    }));
    // File the cases over HTTP too (not timed): a lead each, then the case.
    let (officer, csrf) = session(&base, "scjg.1").await;
    let mut cases = vec![];
    for i in 0..n {
        let l: serde_json::Value = officer
            .post(format!("{base}/api/v1/leads"))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"channel": "department", "text": format!("压测案件{i}"),
                "address": format!("解放路{i}号"), "division_code": "339901002", "item_code": "ZJ-SCJG-CF-0001"}))
            .send().await.unwrap().json().await.unwrap();
        let c: serde_json::Value = officer
            .post(format!("{base}/api/v1/leads/{}/case", l["id"]))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"title": format!("压测案件{i}")}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        cases.push(c["id"].as_i64().unwrap());
    }
    let queue = Arc::new(Mutex::new(cases));
    let latencies = Arc::new(Mutex::new(vec![]));
    let t = Instant::now();
    let mut hs = vec![];
    for _ in 0..CLIENTS {
        let (queue, latencies, base) = (queue.clone(), latencies.clone(), base.clone());
        hs.push(tokio::spawn(async move {
            let (officer, oc) = session(&base, "scjg.1").await;
            let (chief, cc) = session(&base, "scjg.chief").await;
            loop {
                let Some(id) = queue.lock().await.pop() else { break };
                for (who, csrf, body) in [
                    (&officer, &oc, serde_json::json!({"step": "investigate"})),
                    (&officer, &oc, serde_json::json!({"step": "submit"})),
                    (&chief, &cc, serde_json::json!({"step": "decide", "decision": "penalty", "tier": "轻微", "amount": 2000})),
                    (&officer, &oc, serde_json::json!({"step": "serve"})),
                    (&officer, &oc, serde_json::json!({"step": "execute"})),
                    (&officer, &oc, serde_json::json!({"step": "close"})),
                ] {
                    let started = Instant::now();
                    let r = who
                        .post(format!("{base}/api/v1/cases/{id}/steps"))
                        .header("x-csrf-token", csrf.as_str())
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
                    let _ = r.bytes().await;
                    latencies.lock().await.push(started.elapsed());
                }
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
    println!(
        "{name:<10} {} case steps over HTTP: {:.0} steps/s, {CLIENTS} clients, p50 {:.1} ms, p99 {:.1} ms",
        l.len(),
        l.len() as f64 / wall,
        pct(&l, 0.5),
        pct(&l, 0.99)
    );
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("case steps over HTTP");
    run("sqlite", TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(db) => run("postgres", db).await,
        None => println!("postgres   skipped (XIEZHI_TEST_POSTGRES_URL not set)"),
    }
}
