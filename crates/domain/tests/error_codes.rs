//! Every stable refusal code in the source is documented in `docs/errors.md` (and nothing
//! documented has gone from the source).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

/// The quoted `area.name` literals in a piece of source.
fn dotted_literals(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            let mut parts = s.split('.');
            let ok = |p: Option<&str>| {
                p.is_some_and(|p| {
                    !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                })
            };
            ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
        })
        .map(str::to_owned)
        .collect()
}

/// Codes given in the source: the first argument of `conflict(`/`not_party(` calls and the
/// literals of every `impl crate::Coded for …` block.
fn codes_in(text: &str, out: &mut BTreeSet<String>) {
    for call in ["conflict(", "not_party("] {
        for (i, _) in text.match_indices(call) {
            let rest = text[i + call.len()..].trim_start();
            if let Some(lit) = rest.strip_prefix('"') {
                let code = &lit[..lit.find('"').unwrap()];
                out.extend(dotted_literals(&format!("\"{code}\"")));
            }
        }
    }
    for (i, _) in text.match_indices("impl crate::Coded for") {
        let block = &text[i..];
        let end = block.find("\n}\n").unwrap();
        out.extend(dotted_literals(&block[..end]));
    }
}

fn walk(dir: &Path, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            codes_in(&std::fs::read_to_string(&p).unwrap(), out);
        }
    }
}

#[test]
fn every_refusal_code_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut codes = BTreeSet::new();
    for krate in ["calendar", "domain", "store", "server"] {
        walk(&root.join("crates").join(krate).join("src"), &mut codes);
    }
    assert!(codes.len() > 50, "found only {codes:?}");
    let doc = std::fs::read_to_string(root.join("docs/errors.md")).unwrap();
    let documented: BTreeSet<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|c| c.contains('.'))
        .map(str::to_owned)
        .collect();
    let missing: Vec<_> = codes.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&codes).collect();
    assert!(
        missing.is_empty(),
        "codes missing from docs/errors.md: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "docs/errors.md lists codes no longer used: {stale:?}"
    );
}
