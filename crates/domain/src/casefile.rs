//! The case file (卷宗) as an archive a third party can check offline: a manifest naming every
//! file by SM3 digest and every event by its chain hash, the events themselves, and the files.
//! [`verify`] needs nothing but the archive's contents.

use crate::event::RecordedEvent;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The format name written in every manifest.
pub const FORMAT: &str = "xiezhi-case-file/1";

/// One file of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path inside the archive.
    pub path: String,
    /// SM3 digest of its bytes.
    pub sm3: String,
    /// Size in bytes.
    pub size: u64,
    /// What it is (e.g. "现场照片1", "案件信息").
    pub title: String,
}

/// One event named by the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventEntry {
    /// Sequence number in the platform's record.
    pub seq: i64,
    /// Its chain hash.
    pub hash: String,
}

/// The manifest (`manifest.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// Case number (案号).
    pub case_number: String,
    /// When the archive was made.
    pub generated_at: DateTime<Utc>,
    /// The head of the platform's record when the archive was made (seq and hash), so the
    /// archive can be matched against the record later.
    pub chain_head_seq: i64,
    /// Hash of that head.
    pub chain_head_hash: String,
    /// Every file but the manifest and the events file.
    pub files: Vec<FileEntry>,
    /// Every event in `events.jsonl`.
    pub events: Vec<EventEntry>,
}

/// Something in an archive that does not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A file named by the manifest is missing.
    MissingFile(String),
    /// A file's bytes do not match its digest.
    FileChanged(String),
    /// A file is in the archive but not in the manifest.
    UnlistedFile(String),
    /// An event's fields do not match its hash.
    EventChanged(i64),
    /// An event named by the manifest is missing, or its hash differs from the manifest's.
    EventMissing(i64),
    /// An event is in the events file but not in the manifest.
    UnlistedEvent(i64),
    /// The manifest is not of this format.
    Format(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::MissingFile(p) => write!(f, "缺少文件 {p}"),
            Problem::FileChanged(p) => write!(f, "文件 {p} 与清单中的 SM3 摘要不符"),
            Problem::UnlistedFile(p) => write!(f, "文件 {p} 不在清单中"),
            Problem::EventChanged(s) => write!(f, "事件 {s} 的内容与其哈希不符"),
            Problem::EventMissing(s) => write!(f, "清单中的事件 {s} 缺失或哈希不符"),
            Problem::UnlistedEvent(s) => write!(f, "事件 {s} 不在清单中"),
            Problem::Format(m) => write!(f, "格式错误：{m}"),
        }
    }
}

/// Check an archive: every listed file present with its digest, nothing unlisted, every event
/// matching its own hash and the manifest's list. Returns every problem found (empty: valid).
pub fn verify(
    manifest: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
    events: &[RecordedEvent],
) -> Vec<Problem> {
    let mut out = vec![];
    if manifest.format != FORMAT {
        out.push(Problem::Format(format!(
            "未知的卷宗格式 {}",
            manifest.format
        )));
    }
    for f in &manifest.files {
        match files.get(&f.path) {
            None => out.push(Problem::MissingFile(f.path.clone())),
            Some(b) if crate::sm3_hex(b) != f.sm3 || b.len() as u64 != f.size => {
                out.push(Problem::FileChanged(f.path.clone()))
            }
            Some(_) => {}
        }
    }
    for path in files.keys() {
        if !manifest.files.iter().any(|f| &f.path == path) {
            out.push(Problem::UnlistedFile(path.clone()));
        }
    }
    for e in events {
        if e.computed_hash() != e.hash {
            out.push(Problem::EventChanged(e.seq));
        }
        if !manifest.events.iter().any(|m| m.seq == e.seq) {
            out.push(Problem::UnlistedEvent(e.seq));
        }
    }
    for m in &manifest.events {
        if !events.iter().any(|e| e.seq == m.seq && e.hash == m.hash) {
            out.push(Problem::EventMissing(m.seq));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn event(seq: i64, kind: &str) -> RecordedEvent {
        let mut e = RecordedEvent {
            seq,
            at: DateTime::parse_from_rfc3339("2026-11-23T08:00:00.123456Z")
                .unwrap()
                .with_timezone(&Utc),
            actor: "person:1".into(),
            org: Some(3),
            subject_type: "case".into(),
            subject_id: "1".into(),
            kind: kind.into(),
            payload: "{}".into(),
            request_id: "r".into(),
            prev_hash: crate::GENESIS_HASH.into(),
            hash: String::new(),
        };
        e.hash = e.computed_hash();
        e
    }

    fn archive() -> (Manifest, BTreeMap<String, Vec<u8>>, Vec<RecordedEvent>) {
        let files: BTreeMap<String, Vec<u8>> =
            [("evidence/a.jpg".to_owned(), b"photo".to_vec())].into();
        let events = vec![event(5, "case.filed"), event(9, "case.closed")];
        let m = Manifest {
            format: FORMAT.into(),
            case_number: "AJ2026112300001".into(),
            generated_at: DateTime::<Utc>::UNIX_EPOCH,
            chain_head_seq: 9,
            chain_head_hash: events[1].hash.clone(),
            files: vec![FileEntry {
                path: "evidence/a.jpg".into(),
                sm3: crate::sm3_hex(b"photo"),
                size: 5,
                title: "现场照片".into(),
            }],
            events: events
                .iter()
                .map(|e| EventEntry {
                    seq: e.seq,
                    hash: e.hash.clone(),
                })
                .collect(),
        };
        (m, files, events)
    }

    #[test]
    fn an_intact_archive_verifies_and_each_kind_of_tampering_is_named() {
        let (m, files, events) = archive();
        assert!(verify(&m, &files, &events).is_empty());
        // A changed file.
        let mut f2 = files.clone();
        f2.insert("evidence/a.jpg".into(), b"edited".to_vec());
        assert_eq!(
            verify(&m, &f2, &events),
            vec![Problem::FileChanged("evidence/a.jpg".into())]
        );
        // A removed file and an added one.
        let mut f3 = BTreeMap::new();
        f3.insert("evidence/b.jpg".to_owned(), b"x".to_vec());
        let p = verify(&m, &f3, &events);
        assert!(p.contains(&Problem::MissingFile("evidence/a.jpg".into())));
        assert!(p.contains(&Problem::UnlistedFile("evidence/b.jpg".into())));
        // An edited event.
        let mut e2 = events.clone();
        e2[0].payload = r#"{"amount":1}"#.into();
        assert_eq!(verify(&m, &files, &e2), vec![Problem::EventChanged(5)]);
        // An edited event whose hash was recomputed: the manifest no longer matches.
        e2[0].hash = e2[0].computed_hash();
        assert_eq!(verify(&m, &files, &e2), vec![Problem::EventMissing(5)]);
        // A removed event.
        assert_eq!(
            verify(&m, &files, &events[1..]),
            vec![Problem::EventMissing(5)]
        );
    }
}
