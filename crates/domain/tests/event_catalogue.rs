//! The event catalogue in `docs/record.md` lists exactly the kinds of `EventKind`.

#![allow(clippy::unwrap_used)]

use xiezhi_domain::EventKind;

#[test]
fn the_documented_catalogue_is_the_enum() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/record.md"),
    )
    .unwrap();
    let start = doc.find("## The event catalogue").unwrap();
    let documented: Vec<(String, String)> = doc[start..]
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            (
                cells[0].trim_end_matches('`').to_owned(),
                cells[2].trim_end_matches(" |").to_owned(),
            )
        })
        .collect();
    let kinds: Vec<(String, String)> = EventKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
        .collect();
    assert_eq!(documented, kinds);
}
