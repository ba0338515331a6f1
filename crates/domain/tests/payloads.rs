//! Every event kind has one typed payload, described for the catalogue; payloads serialize to
//! the JSON the record has always held for their kinds, and read back.

#![allow(clippy::unwrap_used)]

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use xiezhi_domain::EventKind;
use xiezhi_domain::payload::{self, Payload, payload_of};

#[test]
fn every_kind_has_one_described_payload() {
    for &kind in EventKind::ALL {
        let p = payload_of(kind);
        assert!(p.kinds.contains(&kind), "{kind:?} in {}", p.ty.name);
        assert_eq!(p.version, 1, "{}", p.ty.name);
        assert!(!p.ty.doc.is_empty(), "{} has no description", p.ty.name);
        // Every kind the type names has it as its payload.
        for &other in p.kinds {
            assert_eq!(payload_of(other).ty.name, p.ty.name, "{other:?}");
        }
        let mut names = BTreeSet::new();
        for f in &p.ty.fields {
            assert!(names.insert(f.name), "{}.{} twice", p.ty.name, f.name);
            assert!(
                !f.doc.is_empty(),
                "{}.{} has no description",
                p.ty.name,
                f.name
            );
            // Version 1 never carries `v` (a payload without it is version 1).
            assert_ne!(f.name, "v", "{}", p.ty.name);
        }
    }
    for part in payload::parts() {
        assert!(!part.doc.is_empty(), "{}", part.name);
        assert!(
            part.fields.iter().all(|f| !f.doc.is_empty()),
            "{}",
            part.name
        );
    }
}

/// The JSON of a payload, and that it reads back as itself.
fn json<P: Payload + DeserializeOwned + PartialEq + std::fmt::Debug>(p: &P) -> String {
    let text = serde_json::to_value(p).unwrap().to_string();
    assert_eq!(&serde_json::from_str::<P>(&text).unwrap(), p, "{text}");
    text
}

fn keys<P: Serialize>(p: &P) -> Vec<String> {
    match serde_json::to_value(p).unwrap() {
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn payloads_serialize_to_the_json_recorded_for_their_kinds() {
    assert_eq!(json(&payload::NoDetails {}), "{}");
    // A case step: `by` is always there (null when nobody), the rest only when said.
    let step = payload::CaseStep {
        from: "review".into(),
        to: "legal_review".into(),
        by: None,
        decision: None,
        reason: None,
        org_id: None,
    };
    assert_eq!(
        json(&step),
        r#"{"by":null,"from":"review","to":"legal_review"}"#
    );
    let decided = payload::CaseStep {
        decision: Some(payload::CaseDecision {
            kind: "penalty".into(),
            discretion: None,
        }),
        org_id: Some(7),
        by: Some(3),
        ..step
    };
    assert_eq!(
        json(&decided),
        r#"{"by":3,"decision":{"discretion":null,"kind":"penalty"},"from":"review","org_id":7,"to":"legal_review"}"#
    );
    // A lead taken in says whether it repeats one (null: it does not); one referred says
    // where from, and nothing of repeats.
    let taken = payload::LeadReceived {
        tracking_number: "L1".into(),
        channel: "hotline".into(),
        received_org_id: 2,
        division_code: None,
        item_code: Some("X".into()),
        urgent: Some(false),
        duplicate_of: Some(None),
        has_reporter: Some(true),
        referred_from: None,
    };
    assert_eq!(
        keys(&taken),
        [
            "channel",
            "division_code",
            "duplicate_of",
            "has_reporter",
            "item_code",
            "received_org_id",
            "tracking_number",
            "urgent"
        ]
    );
    assert!(json(&taken).contains(r#""duplicate_of":null"#));
    let referred = payload::LeadReceived {
        urgent: None,
        duplicate_of: None,
        has_reporter: None,
        referred_from: Some(9),
        ..taken
    };
    assert_eq!(
        keys(&referred),
        [
            "channel",
            "division_code",
            "item_code",
            "received_org_id",
            "referred_from",
            "tracking_number"
        ]
    );
    json(&referred);
    // Signing minutes of a regular meeting: the next one's due time, or null and why.
    let signed = |next_regular_due, reason| payload::MeetingStep {
        status: "signed".into(),
        minutes: None,
        by: Some(1),
        actions: 2,
        extra: payload::MeetingSigned {
            next_regular_due,
            reason,
        },
    };
    assert!(json(&signed(None, None)).contains(r#""extra":{}"#));
    assert!(
        json(&signed(Some(None), Some("未导入".into())))
            .contains(r#""extra":{"next_regular_due":null,"reason":"未导入"}"#)
    );
    // A breach says who is told, in the rules' words.
    let breach = payload::ClockStep {
        state: "breached".into(),
        due_at: "2026-11-23T09:00:00+00:00".into(),
        reason: None,
        approver: None,
        escalate_to: Some(xiezhi_domain::rules::EscalateTo::CoordinationOffice),
        old_due: None,
    };
    assert_eq!(
        json(&breach),
        r#"{"due_at":"2026-11-23T09:00:00+00:00","escalate_to":"coordination_office","state":"breached"}"#
    );
    // A rating recorded before the tallies named no org.
    assert_eq!(
        serde_json::from_str::<payload::LeadRated>(r#"{"satisfaction":"basic"}"#).unwrap(),
        payload::LeadRated {
            satisfaction: "basic".into(),
            org_id: None,
        }
    );
}

#[test]
fn a_payload_names_the_kinds_it_is_recorded_under() {
    assert_eq!(
        <payload::TransferApproved as Payload>::KINDS,
        [
            EventKind::TransferApproved,
            EventKind::TransferWrittenCompleted
        ]
    );
    assert_eq!(<payload::LeadRated as Payload>::VERSION, 1);
    let doc = payload_of(EventKind::LeadRated);
    assert_eq!(doc.ty.name, "LeadRated");
    let org = doc.ty.fields.iter().find(|f| f.name == "org_id").unwrap();
    assert!(org.optional);
    assert_eq!(org.json_type(), "integer; may be absent");
}
