//! The catalog at 10,000 items: import, search latency, and `resolve` (through the store,
//! and from the in-memory routing table), on SQLite and (with XIEZHI_TEST_POSTGRES_URL)
//! PostgreSQL. `cargo bench -p xiezhi-store --bench catalog`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, Utc};
use std::time::Instant;
use xiezhi_domain::DivisionCode;
use xiezhi_store::testing::TestDb;
use xiezhi_store::{RecordContext, Store, catalog};

const N: usize = 10_000;

const SUBJECTS: &[&str] = &[
    "占用道路",
    "违法建设",
    "焚烧秸秆",
    "噪声污染",
    "食品经营",
    "户外广告",
    "渣土运输",
    "餐饮油烟",
    "建筑垃圾",
    "河道采砂",
    "森林防火",
    "网吧经营",
    "燃气经营",
    "药品零售",
    "出租汽车",
    "养犬管理",
];
const VERBS: &[&str] = &[
    "擅自",
    "未经许可",
    "违反规定",
    "拒不改正",
    "未按要求",
    "超标准",
];
const DOMAINS: &[&str] = &[
    "城市管理",
    "市场监管",
    "生态环境",
    "农业农村",
    "交通运输",
    "自然资源",
    "应急管理",
    "卫生健康",
];

fn items() -> String {
    let mut s = catalog::ITEM_HEADER.join(",") + "\n";
    for i in 0..N {
        let subject = SUBJECTS[i % SUBJECTS.len()];
        let verb = VERBS[(i / SUBJECTS.len()) % VERBS.len()];
        s.push_str(&format!(
            "BENCH-{i:05},对{verb}{subject}第{i}类情形的行政处罚,{},penalty,《某某管理条例》,第{}条,第{}条,YX-ZHZF,provincial,false,一般/情节一般/100-1000/500,2022-01-01\n",
            DOMAINS[i % DOMAINS.len()],
            i % 90 + 1,
            i % 90 + 10
        ));
    }
    s
}

fn assignments() -> String {
    let mut s = catalog::ASSIGNMENT_HEADER.join(",") + "\n";
    let towns = [
        "YX-CD", "YX-CX", "YX-CN", "YX-CB", "YX-QS", "YX-BS", "YX-TY", "YX-LX",
    ];
    for i in 0..N {
        s.push_str(&format!(
            "BENCH-{i:05},339901,YX-ZHZF,retained,YX-ZHZF,YX-ZHZF,,,,2022-01-01\n"
        ));
        if i % 4 == 0 {
            let t = i / 4 % 8;
            s.push_str(&format!(
                "BENCH-{i:05},33990100{},{},granted,{},YX-ZHZF,,,,2023-01-01\n",
                t + 1,
                towns[t],
                towns[t]
            ));
        }
    }
    s
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

async fn run(name: &str, db: TestDb) {
    let s: &Store = &db.store;
    let now = DateTime::parse_from_rfc3339("2026-11-02T02:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    xiezhi_store::demo::load(s, "demo", "bench", now)
        .await
        .unwrap();
    let (items, assignments) = (items(), assignments());
    let t = Instant::now();
    let w = s
        .begin_write(RecordContext::system("bench", now))
        .await
        .unwrap();
    let r = catalog::import_items(s, w, &items).await.unwrap();
    assert_eq!(r.created, N);
    let import_items = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let w = s
        .begin_write(RecordContext::system("bench", now))
        .await
        .unwrap();
    catalog::import_assignments(s, w, &assignments)
        .await
        .unwrap();
    let import_assignments = t.elapsed().as_secs_f64();

    let queries = [
        "占道",
        "违建",
        "秸秆",
        "噪声",
        "油烟",
        "渣土运输",
        "未经许可食品经营",
        "bench-00042",
    ];
    let mut lat = vec![];
    for _ in 0..5 {
        for q in queries {
            let t = Instant::now();
            let hits = s.search_codes(q, 20).await.unwrap();
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(!hits.is_empty(), "{q}");
        }
    }
    let search_ms = median(lat);

    let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let divs: Vec<DivisionCode> = (1..=8)
        .map(|t| DivisionCode::parse(&format!("33990100{t}")).unwrap())
        .collect();
    let calls = 2000;
    let t = Instant::now();
    for i in 0..calls {
        let r = s
            .resolve(&format!("BENCH-{:05}", i * 7 % N), &divs[i % 8], on)
            .await
            .unwrap();
        assert!(r.is_some());
    }
    let store_rate = calls as f64 / t.elapsed().as_secs_f64();

    let index = s.routing_index().await.unwrap();
    let codes: Vec<String> = (0..N).map(|i| format!("BENCH-{i:05}")).collect();
    let calls = 2_000_000;
    let t = Instant::now();
    let mut found = 0usize;
    for i in 0..calls {
        if index.resolve(&codes[i * 7 % N], &divs[i % 8], on).is_some() {
            found += 1;
        }
    }
    let index_rate = calls as f64 / t.elapsed().as_secs_f64();
    assert_eq!(found, calls);

    println!(
        "{name:<10} import {N} items {import_items:.1}s, {} assignments {import_assignments:.1}s | search (median of {} queries) {search_ms:.1} ms | resolve via store {store_rate:.0}/s | resolve from routing table {:.1} million/s",
        N + N / 4,
        queries.len() * 5,
        index_rate / 1e6
    );
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("catalog benchmark: {N} items per engine");
    run("sqlite", TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(db) => run("postgres", db).await,
        None => println!("postgres   skipped (XIEZHI_TEST_POSTGRES_URL not set)"),
    }
}
