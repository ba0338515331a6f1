//! Daily tallies (考核日计): per Beijing day and org, the counts that the assessment ranking
//! and the dashboard's daily series sum over a period, so that a province's quarter reads some
//! hundred thousand day rows instead of millions of clocks, leads and events.
//!
//! Each row of `clocks`, `cases`, `leads`, `supervision_orders`, `lead_ratings` and each
//! legal review event contributes to the tally of one day and org (a clock to two: the day it first
//! fell due and the day it was breached). Database triggers add a row's contribution when it
//! is written and take the old one away when it changes, in the same transaction as the
//! write, so no write path can miss them; migration m0014 fills the tallies from the rows
//! already there with the same expressions (m0017 moved ratings from event payloads to the
//! typed `lead_ratings` table). The statements here are the current definition; a migration
//! freezes the SQL they generate (`tests/migrations.rs` prints it). The definitions are those of
//! [`xiezhi_domain::assessment`]; the drill-down applies the domain to the items themselves
//! and a test checks that both agree for every org.

use sea_orm::DbBackend;
use xiezhi_domain::assessment::RESPONSE_RULES;
use xiezhi_domain::case::CaseStage;
use xiezhi_domain::lead::{LeadStatus, Satisfaction};

/// The open work's count columns (表 `open_work`, per org: what it holds now).
pub const OPEN_COLUMNS: &[&str] = &["open_leads", "open_cases", "breached"];

/// The daily tally's count columns (表 `assessment_days`), in table order.
pub const COLUMNS: &[&str] = &[
    "response_due",
    "response_on_time",
    "response_deferred",
    "handling_due",
    "handling_on_time",
    "handling_deferred",
    "overdue",
    "orders",
    "cases_filed",
    "cases_closed",
    "leads_received",
    "leads_replied",
    "intake",
    "rated",
    "rated_good",
    "rated_not_fixed",
    "reviewed",
    "review_failed",
];

/// What one kind of row contributes: to the day of `time` (or, without one, to the org's open
/// work), for org `org`, when `when` holds, the count expressions `counts` (1 or 0 each).
/// Expressions name the row as `{r}`.
struct Source {
    table: &'static str,
    /// Columns whose change moves the contribution (the update trigger watches these).
    watch: &'static [&'static str],
    when: String,
    time: Option<String>,
    org: String,
    counts: Vec<(&'static str, String)>,
}

fn flag(cond: &str) -> String {
    format!("CASE WHEN {cond} THEN 1 ELSE 0 END")
}

/// The org an event names in its payload (`org_id`), else `fallback`.
fn payload_org(b: DbBackend, fallback: &str) -> String {
    let named = match b {
        DbBackend::Postgres => "CAST(CAST({r}.payload AS json)->>'org_id' AS BIGINT)",
        _ => "json_extract({r}.payload, '$.org_id')",
    };
    format!("COALESCE({named}, {fallback})")
}

fn sources(b: DbBackend) -> Vec<Source> {
    let response = RESPONSE_RULES
        .iter()
        .map(|r| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(",");
    let first_old_due = match b {
        DbBackend::Postgres => {
            "CAST(CAST({r}.extensions AS json)->0->>'old_due' AS TIMESTAMPTZ)".to_owned()
        }
        _ => "json_extract({r}.extensions, '$[0].old_due')".to_owned(),
    };
    let plain = "{r}.extensions = '[]'";
    let deferred = "{r}.extensions <> '[]'";
    let on_time = "{r}.state = 'satisfied' AND {r}.closed_at <= {r}.due_at";
    // Due, on time and deferred, for the clocks of one measure.
    let clock = |measure: &str| {
        let m = format!("{{r}}.rule_id {measure} ({response})");
        (
            flag(&format!("{m} AND {plain}")),
            flag(&format!("{m} AND {plain} AND {on_time}")),
            flag(&format!("{m} AND {deferred}")),
        )
    };
    let (rd, ro, rx) = clock("IN");
    let (hd, ho, hx) = clock("NOT IN");
    let rating = |v: &[Satisfaction]| {
        let values = v
            .iter()
            .map(|x| format!("'{}'", x.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        flag(&format!("{{r}}.satisfaction IN ({values})"))
    };
    vec![
        Source {
            table: "clocks",
            watch: &[
                "state",
                "extensions",
                "due_at",
                "closed_at",
                "holder_org_id",
                "rule_id",
                "breached_at",
            ],
            when: "{r}.state <> 'cancelled'".into(),
            time: Some(format!(
                "CASE WHEN {plain} THEN {{r}}.due_at ELSE {first_old_due} END"
            )),
            org: "{r}.holder_org_id".into(),
            counts: vec![
                ("response_due", rd),
                ("response_on_time", ro),
                ("response_deferred", rx),
                ("handling_due", hd),
                ("handling_on_time", ho),
                ("handling_deferred", hx),
            ],
        },
        Source {
            table: "clocks",
            watch: &["breached_at", "holder_org_id"],
            when: "{r}.breached_at IS NOT NULL".into(),
            time: Some("{r}.breached_at".into()),
            org: "{r}.holder_org_id".into(),
            counts: vec![("overdue", "1".into())],
        },
        Source {
            table: "supervision_orders",
            watch: &["issued_at", "to_org_id"],
            when: "1 = 1".into(),
            time: Some("{r}.issued_at".into()),
            org: "{r}.to_org_id".into(),
            counts: vec![("orders", "1".into())],
        },
        Source {
            table: "cases",
            watch: &["filed_at", "holder_org_id", "closed_at"],
            when: "1 = 1".into(),
            time: Some("{r}.filed_at".into()),
            org: "{r}.holder_org_id".into(),
            counts: vec![
                ("cases_filed", "1".into()),
                ("cases_closed", flag("{r}.closed_at IS NOT NULL")),
            ],
        },
        Source {
            table: "leads",
            watch: &[
                "received_at",
                "holder_org_id",
                "received_org_id",
                "duplicate_of",
                "replied_at",
            ],
            when: "{r}.duplicate_of IS NULL".into(),
            time: Some("{r}.received_at".into()),
            org: "COALESCE({r}.holder_org_id, {r}.received_org_id)".into(),
            counts: vec![
                ("leads_received", "1".into()),
                ("leads_replied", flag("{r}.replied_at IS NOT NULL")),
            ],
        },
        Source {
            table: "leads",
            watch: &["received_at", "received_org_id"],
            when: "1 = 1".into(),
            time: Some("{r}.received_at".into()),
            org: "{r}.received_org_id".into(),
            counts: vec![("intake", "1".into())],
        },
        Source {
            table: "lead_ratings",
            watch: &[],
            when: "1 = 1".into(),
            time: Some("{r}.at".into()),
            org: "{r}.org_id".into(),
            counts: vec![
                ("rated", "1".into()),
                (
                    "rated_good",
                    rating(&[Satisfaction::Satisfied, Satisfaction::Basic]),
                ),
                ("rated_not_fixed", rating(&[Satisfaction::NotFixed])),
            ],
        },
        Source {
            table: "events",
            watch: &[],
            when: "{r}.kind IN ('case.legal_review_passed', 'case.legal_review_failed')".into(),
            time: Some("{r}.at".into()),
            org: payload_org(
                b,
                "(SELECT c.holder_org_id FROM cases c WHERE c.id = CAST({r}.subject_id AS BIGINT))",
            ),
            counts: vec![
                ("reviewed", "1".into()),
                (
                    "review_failed",
                    flag("{r}.kind = 'case.legal_review_failed'"),
                ),
            ],
        },
        Source {
            table: "leads",
            watch: &["status", "holder_org_id", "received_org_id"],
            when: format!("{{r}}.status IN ({})", open_lead_statuses()),
            time: None,
            org: "COALESCE({r}.holder_org_id, {r}.received_org_id)".into(),
            counts: vec![("open_leads", "1".into())],
        },
        Source {
            table: "cases",
            watch: &["stage", "holder_org_id"],
            when: format!("{{r}}.stage IN ({})", open_case_stages()),
            time: None,
            org: "{r}.holder_org_id".into(),
            counts: vec![("open_cases", "1".into())],
        },
        Source {
            table: "clocks",
            watch: &["state", "holder_org_id"],
            when: "{r}.state = 'breached'".into(),
            time: None,
            org: "{r}.holder_org_id".into(),
            counts: vec![("breached", "1".into())],
        },
    ]
}

/// Lead statuses that are still open (not answered, not merged), quoted for SQL.
fn open_lead_statuses() -> String {
    LeadStatus::open_values()
        .map(|st| format!("'{st}'"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Case stages still in hand, quoted for SQL.
fn open_case_stages() -> String {
    CaseStage::open_values()
        .map(|st| format!("'{st}'"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The key of a tally's day: the Beijing date of `t` (`YYYY-MM-DD`), as [`day`] makes it.
pub(crate) fn day_key(t: chrono::DateTime<chrono::Utc>) -> String {
    xiezhi_domain::beijing::day(t).to_string()
}

/// The Beijing day (`YYYY-MM-DD`) of a timestamp expression.
fn day(b: DbBackend, t: &str) -> String {
    match b {
        DbBackend::Postgres => {
            format!("to_char(({t}) AT TIME ZONE 'UTC' + INTERVAL '8 hours', 'YYYY-MM-DD')")
        }
        _ => format!("date({t}, '+8 hours')"),
    }
}

/// `INSERT … ON CONFLICT` adding the counts of `select` (columns: the key, then `cols`) to
/// the daily tallies, or with `daily` false to the open work.
fn upsert(daily: bool, cols: &[&str], select: &str) -> String {
    let (table, key) = if daily {
        ("assessment_days", "day, org_id")
    } else {
        ("open_work", "org_id")
    };
    let sets = cols
        .iter()
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO {table} ({key}, {}) {select} ON CONFLICT ({key}) DO UPDATE SET {sets}",
        cols.join(", ")
    )
}

/// The statement that adds (`sign` 1) or takes away (-1) the contribution of the row named
/// `r` (`NEW` or `OLD` in a trigger).
fn contribute(b: DbBackend, s: &Source, r: &str, sign: i8) -> String {
    let cols: Vec<&str> = s.counts.iter().map(|c| c.0).collect();
    let values = s
        .counts
        .iter()
        .map(|(_, e)| format!("{sign} * ({e})"))
        .collect::<Vec<_>>()
        .join(", ");
    let (key, known) = match &s.time {
        Some(t) => {
            let day = day(b, t);
            (format!("{day}, "), format!("{day} IS NOT NULL AND "))
        }
        None => (String::new(), String::new()),
    };
    let select = format!(
        "SELECT {key}{org}, {values} WHERE {when} AND {known}{org} IS NOT NULL",
        org = s.org,
        when = s.when,
    );
    upsert(s.time.is_some(), &cols, &select).replace("{r}", r)
}

/// The statements that create the tally table's triggers.
pub fn triggers(b: DbBackend) -> Vec<String> {
    let all = sources(b);
    let mut tables: Vec<&str> = all.iter().map(|s| s.table).collect();
    tables.sort_unstable();
    tables.dedup();
    let mut out = vec![];
    for table in tables {
        let mine: Vec<&Source> = all.iter().filter(|s| s.table == table).collect();
        let mut watch: Vec<&str> = mine.iter().flat_map(|s| s.watch.iter().copied()).collect();
        watch.sort_unstable();
        watch.dedup();
        let body = |ops: &[(&str, i8)]| -> String {
            mine.iter()
                .flat_map(|s| ops.iter().map(|(r, sign)| contribute(b, s, r, *sign)))
                .map(|st| format!("{st};"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (ins, upd, del) = (
            body(&[("NEW", 1)]),
            body(&[("OLD", -1), ("NEW", 1)]),
            body(&[("OLD", -1)]),
        );
        // Rows that contribute nothing (most events) do not run the trigger.
        let guard = |r: &str| {
            let any = mine
                .iter()
                .map(|s| format!("({})", s.when))
                .collect::<Vec<_>>()
                .join(" OR ");
            any.replace("{r}", r)
        };
        let of = if watch.is_empty() {
            None
        } else {
            Some(watch.join(", "))
        };
        match b {
            DbBackend::Postgres => {
                out.push(format!(
                    "CREATE OR REPLACE FUNCTION {table}_tally() RETURNS trigger AS $$\nBEGIN\n\
                     IF TG_OP = 'INSERT' THEN\n{ins}\nELSIF TG_OP = 'UPDATE' THEN\n{upd}\n\
                     ELSE\n{del}\nEND IF;\nRETURN NULL;\nEND\n$$ LANGUAGE plpgsql"
                ));
                let run = "FOR EACH ROW";
                out.push(format!(
                    "CREATE TRIGGER {table}_tally_insert AFTER INSERT ON {table} {run} \
                     WHEN ({}) EXECUTE FUNCTION {table}_tally()",
                    guard("NEW")
                ));
                if let Some(of) = &of {
                    out.push(format!(
                        "CREATE TRIGGER {table}_tally_update AFTER UPDATE OF {of} ON {table} \
                         {run} EXECUTE FUNCTION {table}_tally()"
                    ));
                }
                out.push(format!(
                    "CREATE TRIGGER {table}_tally_delete AFTER DELETE ON {table} {run} \
                     WHEN ({}) EXECUTE FUNCTION {table}_tally()",
                    guard("OLD")
                ));
            }
            _ => {
                out.push(format!(
                    "CREATE TRIGGER {table}_tally_insert AFTER INSERT ON {table} \
                     WHEN {} BEGIN\n{ins}\nEND",
                    guard("NEW")
                ));
                if let Some(of) = &of {
                    out.push(format!(
                        "CREATE TRIGGER {table}_tally_update AFTER UPDATE OF {of} ON {table} \
                         BEGIN\n{upd}\nEND"
                    ));
                }
                out.push(format!(
                    "CREATE TRIGGER {table}_tally_delete AFTER DELETE ON {table} \
                     WHEN {} BEGIN\n{del}\nEND",
                    guard("OLD")
                ));
            }
        }
    }
    out
}

/// The statements that fill the tallies from the rows already in the database.
pub fn backfill(b: DbBackend) -> Vec<String> {
    sources(b)
        .iter()
        .map(|s| {
            let cols: Vec<&str> = s.counts.iter().map(|c| c.0).collect();
            let sums = cols
                .iter()
                .map(|c| format!("SUM({c})"))
                .collect::<Vec<_>>()
                .join(", ");
            let values = s
                .counts
                .iter()
                .map(|(c, e)| format!("{e} AS {c}"))
                .collect::<Vec<_>>()
                .join(", ");
            let (key, day) = match &s.time {
                Some(t) => ("day, org_id", format!("{} AS day, ", day(b, t))),
                None => ("org_id", String::new()),
            };
            let inner = format!(
                "SELECT {day}{} AS org_id, {values} FROM {} r WHERE {}",
                s.org, s.table, s.when
            );
            let known = key.replace(", ", " IS NOT NULL AND ");
            let select = format!(
                "SELECT {key}, {sums} FROM ({inner}) s WHERE {known} IS NOT NULL GROUP BY {key}"
            );
            upsert(s.time.is_some(), &cols, &select).replace("{r}", "r")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_count_column_has_a_source_and_no_placeholder_is_left() {
        for b in [DbBackend::Sqlite, DbBackend::Postgres] {
            let all = sources(b);
            for c in COLUMNS.iter().chain(OPEN_COLUMNS) {
                assert!(
                    all.iter().any(|s| s.counts.iter().any(|x| x.0 == *c)),
                    "{c}"
                );
            }
            for st in triggers(b).iter().chain(backfill(b).iter()) {
                assert!(!st.contains("{r}"), "{st}");
            }
        }
    }
}
