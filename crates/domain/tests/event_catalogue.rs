//! The event catalogue in `docs/record.md` lists exactly the kinds of `EventKind`, each with
//! the payload type `payload_of` gives it, and every payload type and part with its fields.
//! `XIEZHI_BLESS=1 cargo test -p xiezhi-domain --test event_catalogue` rewrites the tables.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use xiezhi_domain::EventKind;
use xiezhi_domain::payload::{TypeDoc, parts, payload_of};

/// Where the generated tables begin (after the prose of the section).
const TABLES: &str = "| kind | `EventKind` | 名称 | payload | v | fields |\n";

/// The markdown anchor of a type's heading (`#### \`CaseStep\``).
fn anchor(name: &str) -> String {
    format!("[`{name}`](#{})", name.to_lowercase())
}

fn fields_table(out: &mut String, t: &TypeDoc) {
    if t.fields.is_empty() {
        out.push_str("No fields: the payload is `{}`.\n");
        return;
    }
    out.push_str("| field | JSON | meaning |\n|---|---|---|\n");
    for f in &t.fields {
        let ty = f.json_type();
        out.push_str(&format!("| `{}` | {ty} | {} |\n", f.name, f.doc));
    }
}

/// The tables as `payload_of` and `parts` say them.
fn catalogue() -> String {
    let mut out = String::from(TABLES);
    out.push_str("|---|---|---|---|---|---|\n");
    let mut types = BTreeMap::new();
    for &kind in EventKind::ALL {
        let p = payload_of(kind);
        let fields =
            p.ty.fields
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ");
        out.push_str(&format!(
            "| `{}` | `{kind:?}` | {} | {} | {} | {} |\n",
            kind.as_str(),
            kind.label(),
            anchor(p.ty.name),
            p.version,
            if fields.is_empty() {
                "—".into()
            } else {
                fields
            },
        ));
        types.insert(p.ty.name, p);
    }
    out.push_str("\n### Payloads (事件内容)\n");
    for p in types.values() {
        let kinds = p
            .kinds
            .iter()
            .map(|k| format!("`{}`", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "\n#### `{}`\n\n{}\n\nVersion {}; recorded as {kinds}.\n\n",
            p.ty.name, p.ty.doc, p.version
        ));
        fields_table(&mut out, &p.ty);
    }
    out.push_str("\n### Parts of payloads\n");
    for t in parts() {
        out.push_str(&format!("\n#### `{}`\n\n{}\n\n", t.name, t.doc));
        fields_table(&mut out, &t);
    }
    out
}

#[test]
fn the_documented_catalogue_is_the_enum_and_its_payloads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/record.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let section = doc.find("## The event catalogue").unwrap();
    let start = section + doc[section..].find(TABLES).unwrap();
    let end = doc[start..]
        .find("\n## ")
        .map_or(doc.len(), |i| start + i + 1);
    let expected = catalogue();
    if std::env::var_os("XIEZHI_BLESS").is_some() {
        let blessed = format!("{}{expected}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, blessed).unwrap();
        return;
    }
    // Kind by kind first, for a readable failure.
    let rows = |text: &str| -> Vec<String> {
        text.lines()
            .take_while(|l| l.starts_with('|'))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(rows(&doc[start..end]), rows(&expected));
    assert!(
        doc[start..end] == expected,
        "docs/record.md's catalogue differs from payload_of; run with XIEZHI_BLESS=1"
    );
}
