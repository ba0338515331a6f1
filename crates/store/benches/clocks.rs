//! One million running clocks: a job pass, and "due within 2 working days for one org", on
//! SQLite and (with XIEZHI_TEST_POSTGRES_URL) PostgreSQL.
//! `cargo bench -p xiezhi-store --bench clocks` (XIEZHI_BENCH_CLOCKS sets the count).
//! The fixture rows are bulk-inserted with plain SQL (a benchmark fixture, not a write path);
//! everything measured goes through the store as the server does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use std::time::Instant;
use xiezhi_domain::clock::{date_of, end_of};
use xiezhi_domain::rules::Rules;
use xiezhi_store::clocks::{self, ClockEnv, ClockFilter, ClockStart};
use xiezhi_store::testing::TestDb;
use xiezhi_store::{RecordContext, Store};

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

async fn run(name: &str, db: TestDb, n: usize) {
    let s: &Store = &db.store;
    let base = DateTime::parse_from_rfc3339("2026-11-02T01:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    xiezhi_store::demo::load(s, "demo", "bench", base)
        .await
        .unwrap();
    let rules = Rules::builtin().unwrap();
    let cal = s.calendar().await.unwrap();
    let env = ClockEnv {
        rules: &rules,
        calendar: &cal,
    };
    let orgs: Vec<i64> = s
        .orgs_under("/")
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    let mut w = s
        .begin_write(RecordContext::system("bench", base))
        .await
        .unwrap();
    let first = clocks::start(
        &mut w,
        env,
        ClockStart {
            subject_type: "transfer".into(),
            subject_id: "B-0".into(),
            rule_id: "transfer.send".into(),
            holder_org_id: orgs[1],
            holder_person_id: None,
            at: base,
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    let rv = first.rule_version_id;

    let t = Instant::now();
    let batch = 1000;
    let mut i = 0;
    while i < n {
        let mut sql = String::from(
            "INSERT INTO clocks (subject_type, subject_id, rule_id, profile_id, profile_version, rule_version_id, holder_org_id, holder_person_id, state, started_at, due_at, warn_at, warned_at, breached_at, closed_at, pauses, extensions, created_at) VALUES ",
        );
        for j in 0..batch.min(n - i) {
            let k = i + j;
            // Due times spread over 90 days from 2026-11-10; warn one day before.
            let due =
                base + Duration::days(8) + Duration::minutes(((k * 7919) % (90 * 24 * 60)) as i64);
            let warn = due - Duration::days(1);
            if j > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('transfer','B-{k}','transfer.send','default',1,{rv},{},NULL,'running','{}','{}','{}',NULL,NULL,NULL,'[]','[]','{}')",
                orgs[k % orgs.len()],
                ts(base),
                ts(due),
                ts(warn),
                ts(base)
            ));
        }
        let txn = s.db().begin().await.unwrap();
        txn.execute_unprepared(&sql).await.unwrap();
        txn.commit().await.unwrap();
        i += batch;
    }
    if s.engine() == xiezhi_store::Engine::Postgres {
        s.db().execute_unprepared("ANALYZE clocks").await.unwrap();
    }
    let insert = t.elapsed().as_secs_f64();

    // A job pass with nothing due.
    let quiet = base + Duration::days(1);
    let mut passes = vec![];
    for _ in 0..7 {
        let t = Instant::now();
        let r = clocks::run_due(s, env, "bench", quiet, 500).await.unwrap();
        assert_eq!(r, clocks::JobReport::default());
        passes.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let quiet_ms = median(passes);

    // Count over all running clocks (a full pass over the table).
    let t = Instant::now();
    let running = s.count_clocks("running").await.unwrap();
    let scan_ms = t.elapsed().as_secs_f64() * 1000.0;

    // "Due within 2 working days" for one org.
    let today = base + Duration::days(8);
    let bound = end_of(cal.add_workdays(date_of(today), 2).unwrap());
    let org = orgs[5];
    let mut qs = vec![];
    let mut found = 0;
    for _ in 0..21 {
        let t = Instant::now();
        let (rows, total) = s
            .clocks(
                &ClockFilter {
                    holder_orgs: Some(vec![org]),
                    states: Some(vec!["running".into()]),
                    due_before: Some(bound),
                    ..Default::default()
                },
                1,
                100,
            )
            .await
            .unwrap();
        found = total;
        assert!(rows.len() as u64 <= total);
        qs.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let query_ms = median(qs);

    // A job pass that finds 500 breaches (500 supervision orders, 500 new clocks).
    let busy = base + Duration::days(9);
    let t = Instant::now();
    let r = clocks::run_due(s, env, "bench", busy, 500).await.unwrap();
    let busy_ms = t.elapsed().as_secs_f64() * 1000.0;

    println!(
        "{name:<10} {running} running clocks (fixture insert {insert:.0}s) | job pass, nothing due: {quiet_ms:.1} ms | job pass, {} breaches + {} orders + {} warnings: {busy_ms:.0} ms | count all running: {scan_ms:.0} ms | due within 2 working days for one org ({found} clocks): {query_ms:.1} ms",
        r.breached, r.orders, r.warned
    );
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("XIEZHI_BENCH_CLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    println!("clock benchmark: {n} running clocks per engine");
    run("sqlite", TestDb::sqlite().await, n).await;
    match TestDb::postgres().await {
        Some(db) => run("postgres", db, n).await,
        None => println!("postgres   skipped (XIEZHI_TEST_POSTGRES_URL not set)"),
    }
}
