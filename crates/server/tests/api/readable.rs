//! Every page speaks the user's language: the demo's pages, as each kind of user, show no
//! ISO timestamps, UTC offsets, dotted event kinds, internal ids, English left from the
//! development notes, or a parser's raw message.

use crate::helpers::*;
use regex::Regex;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

/// The text a person sees: no scripts, styles or tags.
fn visible(html: &str) -> String {
    let scripts = Regex::new(r"(?s)<script.*?</script>|<style.*?</style>").unwrap();
    let tags = Regex::new(r"(?s)<[^>]*>").unwrap();
    tags.replace_all(&scripts.replace_all(html, " "), " ")
        .into_owned()
}

/// What a user would trip over in a page's text.
fn findings(text: &str) -> Vec<String> {
    let checks = [
        ("ISO time", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
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

engine_test!(
    the_demos_pages_read_in_the_users_language,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let mut bad = Vec::new();
        let nav = Regex::new(r#"<nav class="main">(?s)(.*?)</nav>"#).unwrap();
        let href = Regex::new(r#"href="(/[^"]*)""#).unwrap();
        for login in ["office", "cd.1", "scjg.1", "leader", "sysadmin"] {
            let s = app.sign_in(login).await;
            let (_, home) = s.page("/").await;
            let mut paths: Vec<String> = nav
                .captures(&home)
                .map(|c| href.captures_iter(&c[1]).map(|h| h[1].to_owned()).collect())
                .unwrap_or_default();
            paths.extend(
                [
                    "/leads/1",
                    "/leads/2",
                    "/leads/3",
                    "/cases/1",
                    "/clocks/1",
                    "/events",
                ]
                .map(String::from),
            );
            for path in paths {
                let (status, html) = s.page(&path).await;
                if !status.is_success() {
                    continue;
                }
                for f in findings(&visible(&html)) {
                    bad.push(format!("{login} {path}: {f}"));
                }
            }
        }
        bad.sort();
        bad.dedup();
        assert!(bad.is_empty(), "{bad:#?}");
    }
);
