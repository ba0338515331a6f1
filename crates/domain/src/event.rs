//! The full-process record (全过程记录): one event per change, linked by an SM3 hash chain
//! (GB/T 32905). This module holds the canonical encoding and the hash; the store appends.

use chrono::{DateTime, SecondsFormat, Utc};
use sm3::{Digest, Sm3};

/// The `prev_hash` of the first event: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything an event says, as stored (`payload` is canonical JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventBody {
    /// Sequence number, 1-based, without gaps.
    pub seq: i64,
    /// When it happened (microsecond precision).
    pub at: DateTime<Utc>,
    /// Who: `person:ID`, `token:ID` or `system:NAME`.
    pub actor: String,
    /// The actor's org, if any.
    pub org: Option<i64>,
    /// Type of the subject (`org`, `person`, `session`, …).
    pub subject_type: String,
    /// Id of the subject.
    pub subject_id: String,
    /// What happened (`org.created`, …).
    pub kind: String,
    /// Details as canonical JSON (object keys sorted).
    pub payload: String,
    /// Request id of the HTTP request or CLI run that made it.
    pub request_id: String,
}

/// A link of the chain: the body plus the hash of the previous link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    /// The event.
    pub body: EventBody,
    /// Hex SM3 hash of the previous event (or [`GENESIS_HASH`]).
    pub prev_hash: String,
}

/// SM3 digest (GB/T 32905) of some bytes, lower-case hex: how files and secrets are named.
pub fn sm3_hex(bytes: &[u8]) -> String {
    Sm3::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An SM3 digest computed piece by piece (for files that arrive as a stream).
#[derive(Debug, Clone, Default)]
pub struct Sm3Stream(Sm3);

impl Sm3Stream {
    /// Add bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    /// The digest, lower-case hex.
    pub fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

/// Canonical JSON: serde_json's map is ordered by key, so `to_string` of a `Value` is canonical.
pub fn canonical_json(v: &serde_json::Value) -> String {
    v.to_string()
}

/// Truncate an instant to the microsecond precision both database engines keep.
pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    let micros = at.timestamp_micros();
    DateTime::from_timestamp_micros(micros).unwrap_or(at)
}

impl ChainLink {
    /// The SM3 hash (lower-case hex) of this link: over the previous hash and each field,
    /// every field length-prefixed (u32 big-endian) so no two events encode alike.
    pub fn hash(&self) -> String {
        let b = &self.body;
        let at = b.at.to_rfc3339_opts(SecondsFormat::Micros, true);
        let seq = b.seq.to_string();
        let org = b.org.map(|o| o.to_string()).unwrap_or_default();
        let mut h = Sm3::new();
        for field in [
            self.prev_hash.as_str(),
            &seq,
            &at,
            &b.actor,
            &org,
            &b.subject_type,
            &b.subject_id,
            &b.kind,
            &b.payload,
            &b.request_id,
        ] {
            h.update((field.len() as u32).to_be_bytes());
            h.update(field.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn link(seq: i64, kind: &str) -> ChainLink {
        ChainLink {
            body: EventBody {
                seq,
                at: DateTime::parse_from_rfc3339("2026-11-23T08:00:00.123456Z")
                    .unwrap()
                    .with_timezone(&Utc),
                actor: "person:1".into(),
                org: Some(1),
                subject_type: "org".into(),
                subject_id: "7".into(),
                kind: kind.into(),
                payload: canonical_json(&serde_json::json!({"b": 1, "a": "甲"})),
                request_id: "r1".into(),
            },
            prev_hash: GENESIS_HASH.into(),
        }
    }

    #[test]
    fn sm3_matches_the_standard_test_vector() {
        // GB/T 32905 example 1: SM3("abc").
        assert_eq!(
            hex::encode(Sm3::digest(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn canonical_json_sorts_keys() {
        assert_eq!(
            canonical_json(&serde_json::json!({"b": 1, "a": 2})),
            r#"{"a":2,"b":1}"#
        );
    }

    #[test]
    fn any_change_to_any_field_changes_the_hash() {
        let base = link(1, "org.created");
        let h = base.hash();
        assert_eq!(h.len(), 64);
        assert_eq!(h, link(1, "org.created").hash());
        assert_ne!(h, link(2, "org.created").hash());
        assert_ne!(h, link(1, "org.updated").hash());
        let mut other = base.clone();
        other.prev_hash = "1".repeat(64);
        assert_ne!(h, other.hash());
        let mut other = base.clone();
        other.body.org = None;
        assert_ne!(h, other.hash());
        let mut other = base;
        other.body.payload.push(' ');
        assert_ne!(h, other.hash());
    }
}
