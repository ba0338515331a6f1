//! Every page speaks the user's language: the demo's pages, as each kind of user, show no
//! ISO timestamps, UTC offsets, dotted event kinds, internal ids, English left from the
//! development notes, or a parser's raw message.

use crate::helpers::*;
use regex::Regex;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

/// The text a person sees: no scripts, styles or tags, and not what a page quotes on
/// purpose as machine text (`<code>`: the record's payloads and hashes for auditors).
fn visible(html: &str) -> String {
    let scripts = Regex::new(r"(?s)<script.*?</script>|<style.*?</style>|<code.*?</code>").unwrap();
    let tags = Regex::new(r"(?s)<[^>]*>").unwrap();
    tags.replace_all(&scripts.replace_all(html, " "), " ")
        .into_owned()
}

/// What a user would trip over in a page's text.
fn findings(text: &str) -> Vec<String> {
    let checks = [
        ("ISO time", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
        ("time not in Chinese form", r"\b\d{4}-\d{2}-\d{2}\b"),
        ("UTC offset", r"[+-]00:00\b"),
        (
            "event kind",
            r"\b(?:lead|transfer|case|clock|dispute|instruction|operation|meeting|assistance|supervision_order|document|person|org|session|catalog)\.[a-z_]{3,}\b",
        ),
        ("internal id", r"\b(?:person|org|lead|case):\d+\b"),
        (
            "English left in the UI",
            r"\b(?:issue|DESIGN|Invalid|Cannot parse|null|None)\b",
        ),
    ];
    let compiled: Vec<(&str, Regex)> = checks
        .iter()
        .map(|(what, pattern)| (*what, Regex::new(pattern).unwrap()))
        .collect();
    compiled
        .iter()
        .flat_map(|(what, re)| {
            re.find_iter(text)
                .map(move |m| format!("{what}: {}", m.as_str()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Links a page offers that a crawl may follow: pages of the UI, not downloads, the API
/// or signing out.
fn page_links(html: &str) -> Vec<String> {
    let href = Regex::new(r##"href="(/[^"#]*)"##).unwrap();
    href.captures_iter(html)
        .map(|h| h[1].replace("&amp;", "&"))
        .filter(|p| {
            !p.starts_with("/api/")
                && !p.starts_with("/assets/")
                && !p.ends_with(".css")
                && !p.contains("/pdf")
                && !p.contains("export")
                && !p.contains("format=")
                && p != "/logout"
        })
        .collect()
}

engine_test!(
    the_demos_pages_read_in_the_users_language,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let mut bad = Vec::new();
        let logins = [
            "office",
            "office.chief",
            "cd.1",
            "cd.chief",
            "cd.grid1",
            "scjg.1",
            "scjg.legal",
            "zhzf.chief",
            "leader",
            "sysadmin",
            "auditor",
        ];
        for login in logins {
            let s = app.sign_in(login).await;
            // The menu, the pages it links to, and what those link to: two clicks deep.
            let mut seen = std::collections::BTreeSet::new();
            let mut frontier = vec!["/".to_owned(), "/events".to_owned()];
            for _depth in 0..3 {
                let mut next = Vec::new();
                for path in frontier {
                    if !seen.insert(path.clone()) || seen.len() > 150 {
                        continue;
                    }
                    let (status, html) = s.page(&path).await;
                    if !status.is_success() {
                        continue;
                    }
                    for f in findings(&visible(&html)) {
                        bad.push(format!("{login} {path}: {f}"));
                    }
                    next.extend(page_links(&html));
                }
                frontier = next;
            }
        }
        bad.sort();
        bad.dedup();
        assert!(bad.is_empty(), "{bad:#?}");
    }
);

engine_test!(
    in_the_demo_county_every_step_of_every_body_has_someone_who_can_take_it,
    async |db: TestDb| {
        use xiezhi_domain::{Action, Relation, Target};
        let app = spawn_app(db).await;
        let store = &app.db.store;
        let orgs = store.orgs_under("/").await.unwrap();
        let filter = xiezhi_store::people::PersonFilter::default();
        let (people, _) = store.people(&filter, 1, 10_000).await.unwrap();
        let mut actors = vec![];
        for p in &people {
            actors.push(store.actor_for_person(p).await.unwrap());
        }
        // What a body that enforces does: sign for and pass on leads, approve its transfers,
        // work, review and decide its cases, answer instructions and supervision orders, take
        // part in operations.
        const ENFORCING: &[Action] = &[
            Action::HandleLead,
            Action::ApproveTransfer,
            Action::HandleCase,
            Action::ReviewCase,
            Action::DecideCase,
            Action::AnswerInstruction,
            Action::TakePart,
            Action::ManageClock,
        ];
        // The steps each kind of body takes on its own matters (leads, transfers, cases,
        // assistance, instructions, operations, supervision orders), by the action they need.
        let steps: &[(&str, &[Action])] = &[
            ("township", ENFORCING),
            ("department", ENFORCING),
            (
                "coordination_office",
                &[
                    Action::HandleLead,
                    Action::ApproveTransfer,
                    Action::Coordinate,
                    Action::ConveneMeeting,
                    Action::ManageClock,
                ],
            ),
        ];
        assert!(actors.len() > 50, "the demo's people: {}", actors.len());
        let mut missing = vec![];
        let mut checked = 0;
        for (kind, actions) in steps {
            for o in orgs.iter().filter(|o| o.kind == *kind && o.active) {
                for a in *actions {
                    // The body as every kind of party to its own matters.
                    let mut target = Target::in_name_of(o.path.clone());
                    for r in [
                        Relation::Organiser,
                        Relation::Member,
                        Relation::LeadUnit,
                        Relation::Addressee,
                    ] {
                        target = target.tie(r, &o.path);
                    }
                    if !actors
                        .iter()
                        .any(|x| xiezhi_domain::authorize(x, *a, &target).is_ok())
                    {
                        missing.push(format!("{} {a:?}", o.name));
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked} steps checked");
        assert!(missing.is_empty(), "nobody can take: {missing:#?}");
    }
);
