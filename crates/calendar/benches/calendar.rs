//! Throughput of the working-day queries on the official calendar.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xiezhi_calendar::{Calendar, Date, OFFICIAL_CSV, OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR};

/// 1024 pseudo-random dates of the official range (fixed seed).
fn sample_dates() -> Vec<Date> {
    let first = Date::new(OFFICIAL_FIRST_YEAR, 1, 1)
        .unwrap()
        .days_since_epoch();
    let last = Date::new(OFFICIAL_LAST_YEAR, 12, 31)
        .unwrap()
        .days_since_epoch();
    let span = u64::try_from(last - first + 1).unwrap();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..1024)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let offset = i64::try_from((state >> 33) % span).unwrap();
            Date::from_days_since_epoch(first + offset).unwrap()
        })
        .collect()
}

fn queries(c: &mut Criterion) {
    let calendar = Calendar::official();
    let dates = sample_dates();
    let mut group = c.benchmark_group("calendar");
    group.throughput(Throughput::Elements(dates.len() as u64));

    group.bench_function("is_workday x1024", |b| {
        b.iter(|| {
            for &date in &dates {
                black_box(calendar.is_workday(black_box(date)).ok());
            }
        });
    });

    group.bench_function("add_workdays x1024 (n in -200..200)", |b| {
        b.iter(|| {
            for (i, &date) in (0_i64..).zip(&dates) {
                let n = (i * 37) % 400 - 200;
                black_box(calendar.add_workdays(black_box(date), black_box(n)).ok());
            }
        });
    });

    group.bench_function("workdays_between x1024", |b| {
        b.iter(|| {
            for pair in dates.windows(2) {
                black_box(
                    calendar
                        .workdays_between(black_box(pair[0]), black_box(pair[1]))
                        .ok(),
                );
            }
            black_box(calendar.workdays_between(dates[0], dates[1023]).ok());
        });
    });
    group.finish();

    c.bench_function("from_csv (official data, 2004-2026)", |b| {
        b.iter(|| {
            Calendar::from_csv(
                black_box(OFFICIAL_CSV),
                OFFICIAL_FIRST_YEAR,
                OFFICIAL_LAST_YEAR,
            )
            .unwrap()
        });
    });
}

criterion_group!(benches, queries);
criterion_main!(benches);
