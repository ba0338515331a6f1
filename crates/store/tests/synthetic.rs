//! The synthetic history of `xiezhi demo --scale` on both engines: a province of counties
//! under one government, leads with their transfers, cases, clocks and supervision orders,
//! every change in the sound SM3 chain, realistic shares, the same data for the same seed; and
//! the dashboard's counts in SQL agree with the rows, and the assessment's daily tallies with
//! the items behind them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use xiezhi_domain::assessment::{self as a, Measure, Period};
use xiezhi_domain::rules::Rules;
use xiezhi_store::entities::{case, clock, lead, org, supervision_order};
use xiezhi_store::record::EventFilter;
use xiezhi_store::synthetic::{self, Summary};
use xiezhi_store::testing::TestDb;
use xiezhi_store::{Store, demo, engine_test};

fn bj(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_local_timezone(chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// A province of the demo county and two synthetic counties of ten townships each, and
/// 3,000 leads over the year up to `now`.
async fn province(s: &Store, now: DateTime<Utc>) -> (i64, Summary) {
    let hash = xiezhi_store::auth::hash_password("demo").unwrap();
    let (prov, logins) = synthetic::load_province(s, &hash, "t", now).await.unwrap();
    assert_eq!(logins.len(), 2);
    demo::load_under(s, "demo", "t", now, Some(prov))
        .await
        .unwrap();
    demo::load_catalog(s, "t", now).await.unwrap();
    let orgs = synthetic::load_counties(s, prov, 2, 20, "t", now)
        .await
        .unwrap();
    assert_eq!(orgs, 2 * 20 + 20, "20 county bodies each and 20 townships");
    let rules = Rules::builtin().unwrap();
    let sum = synthetic::load_history(s, &rules, 3000, 7, "t", now)
        .await
        .unwrap();
    (prov, sum)
}

engine_test!(
    a_synthetic_province_is_recorded_realistic_and_repeatable,
    async |db: TestDb| {
        let s = &db.store;
        let now = bj("2026-11-30 18:00");
        let (prov, sum) = province(s, now).await;
        assert_eq!((sum.counties, sum.leads), (3, 3000));
        // About one lead in six is transferred, one in five of those handled becomes a case,
        // about ten events per lead.
        assert!((350..700).contains(&sum.transfers), "{sum:?}");
        assert!((350..700).contains(&sum.cases), "{sum:?}");
        assert!((20_000..45_000).contains(&sum.events), "{sum:?}");
        assert_eq!(
            lead::Entity::find()
                .filter(lead::Column::TrackingNumber.starts_with("L"))
                .count(s.db())
                .await
                .unwrap(),
            3000
        );
        // Everything is in the chain, and it is sound.
        let report = s.verify_chain().await.unwrap();
        assert!(report.events as u64 > sum.events);
        // Realistic: the hotline brings most leads; a few sign-for clocks breach, each with a
        // supervision order; every county has leads.
        let hotline = lead::Entity::find()
            .filter(lead::Column::Channel.eq("hotline"))
            .count(s.db())
            .await
            .unwrap();
        assert!((900..1400).contains(&hotline), "{hotline}");
        let sign = clock::Entity::find()
            .filter(clock::Column::RuleId.eq("lead.sign_for"))
            .count(s.db())
            .await
            .unwrap();
        let breached = clock::Entity::find()
            .filter(clock::Column::RuleId.eq("lead.sign_for"))
            .filter(clock::Column::BreachedAt.is_not_null())
            .count(s.db())
            .await
            .unwrap();
        assert!(
            breached * 100 > sign && breached * 100 < sign * 12,
            "{breached} of {sign}"
        );
        assert!(sum.orders > 0 && sum.orders < sum.clocks / 5, "{sum:?}");
        // Every answered supervision order is closed in the record, as the live path does it.
        let closed = supervision_order::Entity::find()
            .filter(supervision_order::Column::ClosedAt.is_not_null())
            .count(s.db())
            .await
            .unwrap();
        let (_, closed_events) = s
            .list_events(
                &EventFilter {
                    kind: Some("supervision_order.closed".into()),
                    ..Default::default()
                },
                1,
                1,
            )
            .await
            .unwrap();
        assert!(
            closed > 0 && closed == closed_events,
            "{closed} {closed_events}"
        );
        let govs = org::Entity::find()
            .filter(org::Column::Kind.eq("government"))
            .filter(org::Column::Level.eq("county"))
            .all(s.db())
            .await
            .unwrap();
        assert_eq!(govs.len(), 3);
        // The province's dashboard: counts in SQL agree with the rows.
        let top = s.org(prov).await.unwrap();
        let ids: Vec<i64> = s
            .orgs_under(&top.path)
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        let today = bj("2026-11-30 00:00");
        let since = today - Duration::days(29);
        let f = s.dashboard_facts(&ids, now, today, since).await.unwrap();
        let open = lead::Entity::find()
            .filter(lead::Column::Status.is_not_in(["no_violation", "finished", "duplicate"]))
            .count(s.db())
            .await
            .unwrap();
        assert_eq!(f.open_leads.values().sum::<u64>(), open);
        let cases = case::Entity::find()
            .filter(case::Column::Stage.is_not_in(["closed", "archived"]))
            .count(s.db())
            .await
            .unwrap();
        assert_eq!(f.open_cases.values().sum::<u64>(), cases);
        let recent = lead::Entity::find()
            .filter(lead::Column::ReceivedAt.gte(since))
            .count(s.db())
            .await
            .unwrap();
        assert_eq!(f.per_day.values().sum::<u64>(), recent);
        assert_eq!(f.per_day.len(), 30);
        let breached = clock::Entity::find()
            .filter(clock::Column::State.eq("breached"))
            .count(s.db())
            .await
            .unwrap();
        assert_eq!(f.breached.values().sum::<u64>(), breached);
        // The ranking sums the daily tallies; the drill-down applies the domain to the items:
        // both agree for every org, over the last quarter and over an earlier month (whose
        // cases and leads were partly closed only after it).
        let all: Vec<i64> = org::Entity::find()
            .all(s.db())
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        for (from, to) in [
            ("2026-09-01 00:00", "2026-12-01 00:00"),
            ("2026-06-01 00:00", "2026-07-01 00:00"),
        ] {
            let p = Period {
                from: bj(from),
                to: bj(to),
            };
            let counts = s.assessment_counts(p, &all).await.unwrap();
            assert!(counts.len() > 20, "{}", counts.len());
            for (org, c) in &counts {
                let f = s.assessment_facts(p, *org).await.unwrap();
                let both = |name: &str, tally: &a::Ratio, items: a::Ratio| {
                    assert_eq!(
                        (tally.numerator, tally.denominator, tally.excluded),
                        (items.numerator, items.denominator, items.excluded),
                        "{name} of org {org} in {from}..{to}"
                    );
                };
                both(
                    "response",
                    &c.response,
                    a::on_time(&f.clocks, *org, Measure::Response, p),
                );
                both(
                    "handling",
                    &c.handling,
                    a::on_time(&f.clocks, *org, Measure::Handling, p),
                );
                both(
                    "extension",
                    &c.extension,
                    a::extension_rate(&f.clocks, *org, p),
                );
                both(
                    "case closure",
                    &c.case_closure,
                    a::closure(&f.cases, *org, p),
                );
                both(
                    "lead closure",
                    &c.lead_closure,
                    a::closure(&f.leads, *org, p),
                );
                both(
                    "satisfaction",
                    &c.satisfaction,
                    a::good_share(&f.ratings, *org, p),
                );
                both("rework", &c.rework, a::bad_share(&f.rework, *org, p));
                assert_eq!(c.overdue, a::overdue(&f.clocks, *org, p).len() as u64);
                let orders = f.orders.iter().filter(|o| o.1 == *org).count() as u64;
                assert_eq!(c.orders, orders, "orders of org {org}");
            }
            let deferred: u64 = counts
                .values()
                .map(|c| c.response.excluded + c.handling.excluded)
                .sum();
            assert!(deferred > 0);
            let rated: u64 = counts.values().map(|c| c.satisfaction.denominator).sum();
            let unclosed: u64 = counts
                .values()
                .map(|c| c.case_closure.denominator - c.case_closure.numerator)
                .sum();
            assert!(rated > 0 && unclosed > 0, "{rated} {unclosed}");
        }
        // Migration m0014's fill from existing rows gives the tallies the triggers keep.
        let p = Period {
            from: bj("2025-12-01 00:00"),
            to: bj("2026-12-01 00:00"),
        };
        let sorted = |m: std::collections::HashMap<i64, xiezhi_store::assessment::Counts>| {
            format!(
                "{:?}",
                m.into_iter().collect::<std::collections::BTreeMap<_, _>>()
            )
        };
        let kept = sorted(s.assessment_counts(p, &all).await.unwrap());
        let board = format!("{f:?}");
        for table in ["assessment_days", "open_work"] {
            s.db()
                .execute_unprepared(&format!("DELETE FROM {table}"))
                .await
                .unwrap();
        }
        for st in xiezhi_store::tally::backfill(s.db().get_database_backend()) {
            s.db().execute_unprepared(&st).await.unwrap();
        }
        assert_eq!(sorted(s.assessment_counts(p, &all).await.unwrap()), kept);
        let again = s.dashboard_facts(&ids, now, today, since).await.unwrap();
        assert_eq!(format!("{again:?}"), board);
        // The same seed gives the same history.
        if db.engine() == xiezhi_store::Engine::Sqlite {
            let again = TestDb::sqlite().await;
            let (_, sum2) = province(&again.store, now).await;
            assert_eq!(format!("{sum:?}"), format!("{sum2:?}"));
        }
    }
);
