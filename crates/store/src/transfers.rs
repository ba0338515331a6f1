//! What happens to a lead after it is signed for: verification outcomes (no violation and a
//! reply, a case filed, a township matter referred), transfers (移送) with their clocks, the
//! judicial transfer of suspected crimes (两法衔接), disputes and designation (争议协调, 指定管辖),
//! the anti-buck-passing rule (推诿扯皮), the final reply and the reporter's rating.
//!
//! Every function here runs inside the caller's [`Writer`]: it checks the state, writes the
//! rows, records the events and moves the clocks, all in one transaction.

use crate::clocks::{self, ClockEnv, ClockStart};
use crate::entities::{
    attachment, blob, case, clock, dispute, dispute_note, lead, lead_rating, org, transfer,
};
use crate::leads::lead_next;
use crate::record::{RecordedEvent, Subjects};
use crate::{Store, StoreError, Writer};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use xiezhi_domain::clock::ClockCommand;
use xiezhi_domain::clock::ClockState;
use xiezhi_domain::lead::{LeadOutcome, LeadStatus, LeadStep, Satisfaction};
use xiezhi_domain::transfer::{
    DisputeKind, DisputeNoteKind, DisputeStatus, DisputeStep, Material, TransferCommand,
    TransferDraft, TransferFacts, TransferKind, TransferStatus, check_written, dispute_transition,
    must_escalate, transition,
};
use xiezhi_domain::{EventKind, payload};
use xiezhi_domain::{OrgKind, sm3_hex};

/// The org and person acting.
#[derive(Debug, Clone, Copy)]
pub struct Acting {
    /// The org in whose name the act is done.
    pub org_id: i64,
    /// The person, if a person.
    pub person_id: Option<i64>,
}

fn conflict(code: &'static str, msg: impl Into<String>) -> StoreError {
    StoreError::conflict(code, msg)
}

fn not_sender(msg: &str) -> StoreError {
    StoreError::not_party("transfer.not_sender", msg)
}

async fn lead_row(w: &Writer, id: i64) -> Result<lead::Model, StoreError> {
    lead::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("线索"))
}

async fn transfer_row(w: &Writer, id: i64) -> Result<transfer::Model, StoreError> {
    transfer::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("移送"))
}

async fn dispute_row(w: &Writer, id: i64) -> Result<dispute::Model, StoreError> {
    dispute::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("争议"))
}

async fn org_row(c: &impl ConnectionTrait, id: i64) -> Result<org::Model, StoreError> {
    org::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound("机构"))
}

/// Ask `domain::transfer::dispute_transition` where a step takes a stored dispute.
fn dispute_next(d: &dispute::Model, step: DisputeStep) -> Result<DisputeStatus, StoreError> {
    let status = crate::stored(
        DisputeStatus::parse(&d.status),
        "disputes",
        d.id,
        "status",
        &d.status,
    )?;
    dispute_transition(status, step).map_err(StoreError::refused)
}

fn transfer_status(t: &transfer::Model) -> Result<TransferStatus, StoreError> {
    crate::stored(
        TransferStatus::parse(&t.status),
        "transfers",
        t.id,
        "status",
        &t.status,
    )
}

/// Ask `domain::transfer::transition` for the next status of a step.
fn next_status(
    t: &transfer::Model,
    cmd: TransferCommand,
    reconsider_open: bool,
) -> Result<TransferStatus, StoreError> {
    transition(
        transfer_status(t)?,
        cmd,
        TransferFacts {
            judicial: t.kind == TransferKind::Judicial.as_str(),
            written: t.written,
            reconsider_open,
        },
    )
    .map_err(StoreError::refused)
}

/// A verification outcome other than a transfer needs no transfer under way.
async fn no_open_transfer(w: &Writer, lead_id: i64, what: &str) -> Result<(), StoreError> {
    let open = transfer::Entity::find()
        .filter(transfer::Column::LeadId.eq(lead_id))
        .filter(transfer::Column::Status.is_in(TransferStatus::open_values()))
        .count(w.txn())
        .await?;
    if open > 0 {
        return Err(conflict(
            "lead.open_transfer",
            format!("该线索有未完结的移送，请先撤回移送再{what}"),
        ));
    }
    Ok(())
}

/// Take a step that moves only the lead's status (saved when it changes).
async fn set_lead_status(
    w: &mut Writer,
    l: lead::Model,
    step: LeadStep,
) -> Result<lead::Model, StoreError> {
    let next = lead_next(&l, step)?;
    if next.as_str() == l.status {
        return Ok(l);
    }
    let mut am: lead::ActiveModel = l.into();
    am.status = Set(next.as_str().into());
    save_lead(w, am).await
}

/// The lead must be held by the acting org.
fn check_holder(l: &lead::Model, by: Acting, what: &str) -> Result<(), StoreError> {
    if l.holder() != by.org_id {
        return Err(StoreError::not_party(
            "lead.not_holder",
            format!("该线索由其他机构办理，本机构不能{what}"),
        ));
    }
    Ok(())
}

fn start(subject_type: &str, id: i64, rule: &str, holder: i64, at: DateTime<Utc>) -> ClockStart {
    ClockStart {
        subject_type: subject_type.into(),
        subject_id: id.to_string(),
        rule_id: rule.into(),
        holder_org_id: holder,
        holder_person_id: None,
        at,
    }
}

/// Cancel every open clock of a subject (withdrawn transfers, superseded disputes).
pub async fn cancel_subject(
    w: &mut Writer,
    env: ClockEnv<'_>,
    subject_type: &str,
    subject_id: i64,
    reason: &str,
) -> Result<(), StoreError> {
    let open = clock::Entity::find()
        .filter(clock::Column::SubjectType.eq(subject_type))
        .filter(clock::Column::SubjectId.eq(subject_id.to_string()))
        .filter(clock::Column::State.is_in(ClockState::open_values()))
        .all(w.txn())
        .await?;
    for c in open {
        clocks::apply(
            w,
            env,
            c.id,
            ClockCommand::Cancel {
                reason: reason.into(),
            },
        )
        .await?;
    }
    Ok(())
}

async fn satisfy(
    w: &mut Writer,
    env: ClockEnv<'_>,
    subject_type: &str,
    id: i64,
    rules: &[&str],
) -> Result<(), StoreError> {
    for r in rules {
        clocks::satisfy_subject(w, env, subject_type, &id.to_string(), r).await?;
    }
    Ok(())
}

async fn save_lead(w: &Writer, am: lead::ActiveModel) -> Result<lead::Model, StoreError> {
    Ok(am.update(w.txn()).await?)
}

/// The coordination office (执法办) of the government an org belongs to: the active office
/// whose parent is the nearest ancestor of the org; any active office as a fallback.
pub async fn office_for(
    c: &impl ConnectionTrait,
    o: &org::Model,
) -> Result<org::Model, StoreError> {
    let offices = org::Entity::find()
        .filter(org::Column::Kind.eq(OrgKind::CoordinationOffice.as_str()))
        .filter(org::Column::Active.eq(true))
        .order_by_asc(org::Column::Id)
        .all(c)
        .await?;
    let parent_path = |p: &str| {
        let trimmed = p.trim_end_matches('/');
        trimmed
            .rfind('/')
            .map(|i| trimmed[..=i].to_owned())
            .unwrap_or_else(|| "/".into())
    };
    offices
        .iter()
        .filter(|off| o.path.starts_with(&parent_path(&off.path)))
        .max_by_key(|off| off.path.len())
        .or_else(|| offices.first())
        .cloned()
        .ok_or(StoreError::NotFound("协调机构（执法办）"))
}

/// Store a small file in the database by its SM3 digest (written once; a second store of the
/// same bytes is a no-op): fixtures and files made on the platform. Uploads go to the file
/// store instead ([`store_uploaded`]). Returns the digest.
pub async fn store_blob(w: &mut Writer, bytes: Vec<u8>) -> Result<String, StoreError> {
    let digest = sm3_hex(&bytes);
    if blob::Entity::find_by_id(digest.clone())
        .one(w.txn())
        .await?
        .is_none()
    {
        let size = bytes.len();
        blob::ActiveModel {
            digest: Set(digest.clone()),
            size: Set(Some(size as i64)),
            content_type: Set(Some(sniff(&bytes).to_owned())),
            bytes: Set(bytes),
            kept_in_files: Set(false),
        }
        .insert(w.txn())
        .await?;
        w.record(
            "blob",
            &digest,
            EventKind::BlobStored,
            &payload::BlobStored { size },
        );
    }
    Ok(digest)
}

/// Record a file already written to the file store ([`crate::files::Upload::finish`]): its
/// digest, size and type. A file recorded before is left as it is.
pub async fn store_uploaded(
    w: &mut Writer,
    file: &crate::files::StoredFile,
    content_type: &str,
) -> Result<String, StoreError> {
    if blob::Entity::find_by_id(file.digest.clone())
        .one(w.txn())
        .await?
        .is_none()
    {
        blob::ActiveModel {
            digest: Set(file.digest.clone()),
            bytes: Set(Vec::new()),
            size: Set(Some(i64::try_from(file.size).unwrap_or(i64::MAX))),
            content_type: Set(Some(content_type.to_owned())),
            kept_in_files: Set(true),
        }
        .insert(w.txn())
        .await?;
        w.record(
            "blob",
            &file.digest,
            EventKind::BlobStored,
            &payload::BlobStored {
                size: usize::try_from(file.size).unwrap_or(usize::MAX),
            },
        );
    }
    Ok(file.digest.clone())
}

/// Size and type of a stored file's row.
fn size_and_type(b: &blob::Model) -> (i64, String) {
    match (b.size, &b.content_type) {
        (Some(size), Some(t)) => (size, t.clone()),
        _ => (b.bytes.len() as i64, sniff(&b.bytes).to_owned()),
    }
}

/// Attach materials to a subject; every digest must name a stored file.
pub async fn attach(
    w: &mut Writer,
    subject_type: &str,
    subject_id: i64,
    materials: &[Material],
    org_id: Option<i64>,
) -> Result<(), StoreError> {
    for m in materials {
        let (size, content_type) = match &m.digest {
            Some(d) => {
                let b = blob::Entity::find_by_id(d.clone())
                    .one(w.txn())
                    .await?
                    .ok_or_else(|| {
                        StoreError::invalid("materials", format!("附件 {d} 尚未上传"))
                    })?;
                let (size, content_type) = size_and_type(&b);
                (Some(size), Some(content_type))
            }
            None => (None, None),
        };
        let a = attachment::ActiveModel {
            subject_type: Set(subject_type.into()),
            subject_id: Set(subject_id),
            kind: Set(m.kind.as_str().into()),
            title: Set(m.title.clone()),
            digest: Set(m.digest.clone()),
            content_type: Set(content_type),
            size: Set(size),
            org_id: Set(org_id),
            added_at: Set(w.now()),
            ..Default::default()
        }
        .insert(w.txn())
        .await?;
        w.record(
            subject_type,
            subject_id,
            EventKind::AttachmentAdded,
            &payload::AttachmentAdded {
                attachment_id: a.id,
                kind: a.kind.clone(),
                title: a.title.clone(),
                digest: a.digest.clone(),
            },
        );
    }
    Ok(())
}

/// A stored file being read.
pub struct FileRead {
    /// Its type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// The bytes, in chunks.
    pub chunks: futures_util::stream::BoxStream<'static, Result<bytes::Bytes, StoreError>>,
}

/// The content type of a stored file, from its first bytes (served only as these types).
pub fn sniff(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        "image/webp"
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        "audio/wav"
    } else if bytes.get(4..8) == Some(b"ftyp") {
        if bytes.get(8..11) == Some(b"M4A") {
            "audio/mp4"
        } else {
            "video/mp4"
        }
    } else if bytes.starts_with(b"ID3") || bytes.starts_with(&[0xFF, 0xFB]) {
        "audio/mpeg"
    } else if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        "video/webm"
    } else {
        "application/octet-stream"
    }
}

// ---------------------------------------------------------------------------------------
// Verification outcomes (核查结果)

/// Close a lead held by the acting org without a case, saying what came of it (处理结果)
/// in the reply to the reporter. An order to rectify (责令限期整改) is told to the reporter and
/// keeps the lead in hand until it is closed again as rectified.
pub async fn close_lead(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    outcome: LeadOutcome,
    reply: &str,
    by: Acting,
) -> Result<lead::Model, StoreError> {
    let l = lead_row(w, id).await?;
    check_holder(&l, by, "办结")?;
    let next = lead_next(&l, LeadStep::Close(outcome))?;
    no_open_transfer(w, id, "办结").await?;
    let mut am: lead::ActiveModel = l.into();
    am.status = Set(next.as_str().into());
    am.outcome = Set(Some(outcome.as_str().into()));
    am.reply = Set(Some(reply.into()));
    am.replied_at = Set(Some(w.now()));
    am.replied_by_org_id = Set(Some(by.org_id));
    am.satisfaction = Set(None);
    let l = save_lead(w, am).await?;
    satisfy(w, env, "lead", id, &["lead.sign_for"]).await?;
    let kind = match outcome {
        LeadOutcome::NoViolation | LeadOutcome::NotFound => EventKind::LeadNoViolation,
        LeadOutcome::RectificationOrdered => EventKind::LeadRectificationOrdered,
        _ => EventKind::LeadFinished,
    };
    w.record(
        "lead",
        id,
        kind,
        &payload::LeadAnswered {
            org_id: by.org_id,
            outcome: outcome.as_str().into(),
            reply: reply.into(),
        },
    );
    relay_answer(w, &l).await?;
    Ok(l)
}

/// A lead a department passed to the competent township (告知乡镇) is answered on its own
/// number; the reporter holds the first number. Carry the answer, its outcome and status back
/// along the chain, so the reporter's own tracking number reads the real answer.
async fn relay_answer(w: &mut Writer, answered: &lead::Model) -> Result<(), StoreError> {
    let mut from = answered.clone();
    while let Some(origin) = from.referred_from {
        let o = lead_row(w, origin).await?;
        let answered = crate::stored(
            LeadStatus::parse(&from.status),
            "leads",
            from.id,
            "status",
            &from.status,
        )?;
        let status = lead_next(&o, LeadStep::AnswerRelayed(answered))?;
        let mut am: lead::ActiveModel = o.into();
        am.status = Set(status.as_str().into());
        am.outcome = Set(from.outcome.clone());
        am.reply = Set(from.reply.clone());
        am.replied_at = Set(from.replied_at);
        am.replied_by_org_id = Set(from.replied_by_org_id);
        am.satisfaction = Set(None);
        let o = save_lead(w, am).await?;
        w.record(
            "lead",
            origin,
            EventKind::LeadAnswerRelayed,
            &payload::LeadAnswerRelayed {
                from_lead_id: from.id,
                org_id: from.replied_by_org_id,
                outcome: from.outcome.clone(),
                status: status.as_str().into(),
            },
        );
        from = o;
    }
    Ok(())
}

/// What a case is filed under: the catalog item (and its version in force on the filing
/// date) and the place, checked by the caller against `may_penalise`.
#[derive(Debug, Clone, Default)]
pub struct Filing {
    /// Case title (案由).
    pub title: String,
    /// Catalog item.
    pub item_code: Option<String>,
    /// Item version in force on the filing date.
    pub item_version: Option<i32>,
    /// Division of the place.
    pub division_code: Option<String>,
}

/// Our matter (属于本机关管辖): file a case for it (立案); the case lifecycle takes over.
pub async fn file_case(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    filing: &Filing,
    by: Acting,
) -> Result<case::Model, StoreError> {
    let title = filing.title.as_str();
    let l = lead_row(w, id).await?;
    check_holder(&l, by, "立案")?;
    let next = lead_next(&l, LeadStep::FileCase)?;
    no_open_transfer(w, id, "立案").await?;
    let now = w.now();
    let day = xiezhi_domain::beijing::day(now);
    let prefix = format!("AJ{}", day.format("%Y%m%d"));
    let issued = case::Entity::find().filter(case::Column::Number.starts_with(&prefix));
    let seq = crate::numbers::next(w, &prefix, issued).await?;
    let c = case::ActiveModel {
        number: Set(format!("{prefix}{seq:05}")),
        lead_id: Set(Some(id)),
        holder_org_id: Set(by.org_id),
        item_code: Set(filing.item_code.clone().or(l.item_code.clone())),
        title: Set(title.into()),
        stage: Set("filed".into()),
        filed_at: Set(now),
        filed_by: Set(by.person_id),
        division_code: Set(filing.division_code.clone().or(l.division_code.clone())),
        item_version: Set(filing.item_version),
        major: Set(false),
        suspected_crime: Set(false),
        legal_passed: Set(false),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    if let Some(p) = by.person_id {
        crate::entities::case_handler::ActiveModel {
            case_id: Set(c.id),
            person_id: Set(p),
            ..Default::default()
        }
        .insert(w.txn())
        .await?;
    }
    let mut am: lead::ActiveModel = l.into();
    am.status = Set(next.as_str().into());
    save_lead(w, am).await?;
    satisfy(w, env, "lead", id, &["lead.sign_for"]).await?;
    cancel_disputes(w, env, id, "本机构已立案").await?;
    w.record(
        "case",
        c.id,
        EventKind::CaseFiled,
        &payload::CaseFiled {
            number: c.number.clone(),
            lead_id: id,
            holder_org_id: by.org_id,
            title: title.into(),
            item_code: c.item_code.clone(),
        },
    );
    w.record(
        "lead",
        id,
        EventKind::LeadCaseFiled,
        &payload::LeadCaseFiled {
            case_id: c.id,
            number: c.number.clone(),
        },
    );
    Ok(c)
}

/// A department received a township's matter (seed 001 二、(二)1): it registers it, tells
/// the reporter which body is competent, and notifies the township, which gets the lead in
/// its inbox with its own sign-for clock. Returns the township's new lead.
pub async fn refer_to_township(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    township_id: i64,
    notice: &str,
    by: Acting,
) -> Result<lead::Model, StoreError> {
    let l = lead_row(w, id).await?;
    check_holder(&l, by, "告知乡镇")?;
    let next = lead_next(&l, LeadStep::ReferToTownship)?;
    no_open_transfer(w, id, "告知乡镇").await?;
    let from = org_row(w.txn(), by.org_id).await?;
    if from.kind == OrgKind::Township.as_str() {
        return Err(conflict(
            "lead.township_itself",
            "本机构是乡镇（街道），请直接核查或移送",
        ));
    }
    let t = org_row(w.txn(), township_id).await?;
    if t.kind != OrgKind::Township.as_str() {
        return Err(StoreError::invalid("township_id", "应告知乡镇（街道）"));
    }
    if !t.active {
        return Err(StoreError::invalid("township_id", "该乡镇（街道）已停用"));
    }
    let now = w.now();
    let new = lead::ActiveModel {
        tracking_number: Set(format!("{}-X", l.tracking_number)),
        channel: Set(xiezhi_domain::lead::Channel::Department.as_str().into()),
        reporter_name: Set(l.reporter_name.clone()),
        reporter_phone: Set(l.reporter_phone.clone()),
        text: Set(l.text.clone()),
        address: Set(l.address.clone()),
        division_code: Set(l.division_code.clone()),
        lon: Set(l.lon),
        lat: Set(l.lat),
        item_code: Set(l.item_code.clone()),
        urgent: Set(l.urgent),
        received_org_id: Set(township_id),
        received_person_id: Set(None),
        received_at: Set(now),
        status: Set(LeadStatus::Received.as_str().into()),
        referred_from: Set(Some(id)),
        bounces: Set(0),
        reopened: Set(0),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    let mut am: lead::ActiveModel = l.into();
    am.status = Set(next.as_str().into());
    am.reply = Set(Some(notice.into()));
    am.replied_at = Set(Some(now));
    am.replied_by_org_id = Set(Some(by.org_id));
    let old = save_lead(w, am).await?;
    satisfy(w, env, "lead", id, &["lead.sign_for"]).await?;
    w.record(
        "lead",
        id,
        EventKind::LeadReferred,
        &payload::LeadReferred {
            township_id,
            new_lead_id: new.id,
            notice: notice.into(),
        },
    );
    w.record(
        "lead",
        new.id,
        EventKind::LeadReceived,
        &payload::LeadReceived {
            tracking_number: new.tracking_number.clone(),
            channel: new.channel.clone(),
            received_org_id: township_id,
            division_code: new.division_code.clone(),
            item_code: new.item_code.clone(),
            urgent: None,
            duplicate_of: None,
            has_reporter: None,
            referred_from: Some(old.id),
        },
    );
    clocks::start(
        w,
        env,
        start("lead", new.id, "lead.sign_for", township_id, now),
    )
    .await?;
    Ok(new)
}

/// The final reply (答复) of the body that handled the matter; the lead is finished.
pub async fn final_reply(
    w: &mut Writer,
    id: i64,
    text: &str,
    by: Acting,
) -> Result<lead::Model, StoreError> {
    let l = lead_row(w, id).await?;
    if l.holder() != by.org_id {
        return Err(StoreError::not_party(
            "lead.not_holder",
            "只有最终办理的机构答复举报人",
        ));
    }
    let next = lead_next(&l, LeadStep::FinalReply)?;
    let mut am: lead::ActiveModel = l.into();
    am.status = Set(next.as_str().into());
    am.outcome = Set(Some(LeadOutcome::CaseFiled.as_str().into()));
    am.reply = Set(Some(text.into()));
    am.replied_at = Set(Some(w.now()));
    am.replied_by_org_id = Set(Some(by.org_id));
    am.satisfaction = Set(None);
    let l = save_lead(w, am).await?;
    w.record(
        "lead",
        id,
        EventKind::LeadReplied,
        &payload::LeadReplied {
            org_id: by.org_id,
            reply: text.into(),
        },
    );
    relay_answer(w, &l).await?;
    Ok(l)
}

/// The reporter's rating of the final reply. "Not fixed" reopens the lead with its holder,
/// with a new sign-for clock in its inbox.
pub async fn feedback(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    rating: Satisfaction,
) -> Result<lead::Model, StoreError> {
    let l = lead_row(w, id).await?;
    let next = lead_next(&l, LeadStep::Rated(rating))?;
    if l.satisfaction.is_some() {
        return Err(conflict("lead.already_rated", "已评价过本次答复"));
    }
    let holder = l.holder();
    // The org whose answer is rated (the assessment counts the rating for it).
    let answered = l.replied_by_org_id.unwrap_or(holder);
    let reopened = l.reopened;
    let mut am: lead::ActiveModel = l.into();
    am.satisfaction = Set(Some(rating.as_str().into()));
    am.status = Set(next.as_str().into());
    if rating == Satisfaction::NotFixed {
        am.reopened = Set(reopened + 1);
    }
    let l = save_lead(w, am).await?;
    lead_rating::ActiveModel {
        lead_id: Set(id),
        org_id: Set(answered),
        satisfaction: Set(rating.as_str().into()),
        at: Set(w.now()),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "lead",
        id,
        EventKind::LeadRated,
        &payload::LeadRated {
            satisfaction: rating.as_str().into(),
            org_id: Some(answered),
        },
    );
    if rating == Satisfaction::NotFixed {
        w.record(
            "lead",
            id,
            EventKind::LeadReopened,
            &payload::LeadReopened {
                holder_org_id: holder,
                times: reopened + 1,
            },
        );
        let now = w.now();
        clocks::start(w, env, start("lead", id, "lead.sign_for", holder, now)).await?;
    }
    Ok(l)
}

// ---------------------------------------------------------------------------------------
// Transfers (移送)

/// Draft a transfer of a lead held by the acting org. Starts the sending clock (3 working
/// days, or immediately for urgent matters; for a suspected crime the head's 3-day decision
/// clock). An oral transfer (特别紧急) is sent at once: the receiver's reply clock and the
/// 24-hour clock for the written formalities start.
pub async fn draft(
    w: &mut Writer,
    env: ClockEnv<'_>,
    lead_id: i64,
    to_org_id: i64,
    d: &TransferDraft,
    by: Acting,
) -> Result<transfer::Model, StoreError> {
    let l = lead_row(w, lead_id).await?;
    check_holder(&l, by, "移送")?;
    // A case already filed may still go to the judicial organs (涉嫌犯罪, 两法衔接).
    let next = lead_next(
        &l,
        LeadStep::DraftTransfer {
            judicial: d.kind == TransferKind::Judicial,
        },
    )?;
    if to_org_id == by.org_id {
        return Err(StoreError::invalid("to_org_id", "不能移送给本机构"));
    }
    let to = org_row(w.txn(), to_org_id)
        .await
        .map_err(|_| StoreError::invalid("to_org_id", "受移送机构不存在"))?;
    if !to.active {
        return Err(StoreError::invalid(
            "to_org_id",
            format!("{} 已停用，不能受理移送", to.name),
        ));
    }
    let judicial_body = matches!(to.kind.as_str(), "police" | "procuratorate" | "court");
    match d.kind {
        TransferKind::Judicial if to.kind != "police" => {
            return Err(StoreError::invalid(
                "to_org_id",
                "涉嫌犯罪案件应移送同级公安机关（国务院令第310号）",
            ));
        }
        TransferKind::Administrative if judicial_body => {
            return Err(StoreError::invalid(
                "kind",
                "向司法机关移送涉嫌犯罪案件，移送类型应为 judicial",
            ));
        }
        _ => {}
    }
    if d.kind == TransferKind::Judicial && d.oral.is_some() {
        return Err(StoreError::invalid(
            "oral",
            "涉嫌犯罪案件须经负责人批准后书面移送",
        ));
    }
    let open = transfer::Entity::find()
        .filter(transfer::Column::LeadId.eq(lead_id))
        .filter(transfer::Column::Status.is_in(TransferStatus::open_values()))
        .one(w.txn())
        .await?;
    if let Some(t) = open {
        return Err(conflict(
            "lead.open_transfer",
            format!(
                "该线索已有未完结的移送（第 {} 号，{}），请先撤回或等待答复",
                t.id,
                transfer_status(&t)?.label()
            ),
        ));
    }
    let now = w.now();
    let oral = d.oral.is_some();
    let t = transfer::ActiveModel {
        lead_id: Set(lead_id),
        kind: Set(d.kind.as_str().into()),
        from_org_id: Set(by.org_id),
        to_org_id: Set(to_org_id),
        status: Set(if oral {
            TransferStatus::Sent
        } else {
            TransferStatus::Draft
        }
        .as_str()
        .into()),
        facts: Set(d.facts.clone()),
        urgent: Set(d.urgent),
        oral_record: Set(d
            .oral
            .as_ref()
            .map(|o| format!("告知：{}；方式及时间：{}", o.told, o.how))),
        written: Set(!oral),
        consultation: Set(d.consultation.clone()),
        drafted_by: Set(by.person_id),
        drafted_at: Set(now),
        sent_at: Set(oral.then_some(now)),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "transfer",
        t.id,
        EventKind::TransferDrafted,
        &payload::TransferDrafted {
            lead_id,
            kind: t.kind.clone(),
            from_org_id: by.org_id,
            to_org_id,
            urgent: d.urgent,
            oral: t.oral_record.clone(),
            historical_consultation: t.consultation.clone(),
            facts: t.facts.clone(),
        },
    );
    attach(w, "transfer", t.id, &d.materials, Some(by.org_id)).await?;
    satisfy(w, env, "lead", lead_id, &["lead.sign_for"]).await?;
    if next.as_str() != l.status {
        let mut am: lead::ActiveModel = l.clone().into();
        am.status = Set(next.as_str().into());
        save_lead(w, am).await?;
    }
    if oral {
        clocks::start(
            w,
            env,
            start(
                "transfer",
                t.id,
                "transfer.oral_written_followup",
                by.org_id,
                now,
            ),
        )
        .await?;
        mark_sent(w, env, &t, &l).await?;
        w.record(
            "transfer",
            t.id,
            EventKind::TransferSentOrally,
            &payload::TransferSentOrally {
                to_org_id,
                record: t.oral_record.clone(),
                copied_to_office: true,
            },
        );
    } else {
        let rule = match (d.kind, d.urgent) {
            (TransferKind::Judicial, _) => "transfer.judicial_decide",
            (_, true) => "transfer.urgent",
            _ => "transfer.send",
        };
        clocks::start(w, env, start("transfer", t.id, rule, by.org_id, now)).await?;
    }
    Ok(t)
}

/// The lead goes into the receiver's hands to decide: the reply clock starts.
async fn mark_sent(
    w: &mut Writer,
    env: ClockEnv<'_>,
    t: &transfer::Model,
    l: &lead::Model,
) -> Result<(), StoreError> {
    let rule = if t.kind == TransferKind::Judicial.as_str() {
        "transfer.judicial_police_decide"
    } else {
        "transfer.accept_reply"
    };
    let now = w.now();
    clocks::start(w, env, start("transfer", t.id, rule, t.to_org_id, now)).await?;
    let l = lead_row(w, l.id).await?;
    set_lead_status(w, l, LeadStep::TransferSent).await?;
    Ok(())
}

/// The head approves (负责人批准). An administrative transfer is sent at once in the org's
/// name and copied to the coordination office; a judicial one starts the 24-hour clock for
/// sending to the public security organ.
pub async fn approve(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    by: Acting,
) -> Result<transfer::Model, StoreError> {
    let t = transfer_row(w, id).await?;
    if t.from_org_id != by.org_id {
        return Err(not_sender("只能审批本机构的移送"));
    }
    let next = next_status(&t, TransferCommand::Approve, false)?;
    let now = w.now();
    let judicial = t.kind == TransferKind::Judicial.as_str();
    let mut am: transfer::ActiveModel = t.clone().into();
    am.approved_by = Set(by.person_id);
    am.approved_at = Set(Some(now));
    am.status = Set(next.as_str().into());
    if next == TransferStatus::Sent {
        am.sent_at = Set(Some(now));
    }
    let t = am.update(w.txn()).await?;
    satisfy(
        w,
        env,
        "transfer",
        id,
        &[
            "transfer.send",
            "transfer.urgent",
            "transfer.judicial_decide",
        ],
    )
    .await?;
    w.record(
        "transfer",
        id,
        EventKind::TransferApproved,
        &payload::TransferApproved {
            approved_by: by.person_id,
        },
    );
    if judicial {
        clocks::start(
            w,
            env,
            start("transfer", id, "transfer.judicial_send", t.from_org_id, now),
        )
        .await?;
    } else {
        let l = lead_row(w, t.lead_id).await?;
        mark_sent(w, env, &t, &l).await?;
        w.record(
            "transfer",
            id,
            EventKind::TransferSent,
            &payload::TransferSent {
                to_org_id: t.to_org_id,
                copied_to_office: true,
            },
        );
    }
    Ok(t)
}

/// Send an approved judicial transfer to the public security organ.
pub async fn send_judicial(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    by: Acting,
) -> Result<transfer::Model, StoreError> {
    let t = transfer_row(w, id).await?;
    if t.from_org_id != by.org_id {
        return Err(not_sender("只能发出本机构的移送"));
    }
    let next = next_status(&t, TransferCommand::Send, false)?;
    let mut am: transfer::ActiveModel = t.into();
    am.status = Set(next.as_str().into());
    am.sent_at = Set(Some(w.now()));
    let t = am.update(w.txn()).await?;
    satisfy(w, env, "transfer", id, &["transfer.judicial_send"]).await?;
    let l = lead_row(w, t.lead_id).await?;
    mark_sent(w, env, &t, &l).await?;
    w.record(
        "transfer",
        id,
        EventKind::TransferSent,
        &payload::TransferSent {
            to_org_id: t.to_org_id,
            copied_to_office: true,
        },
    );
    Ok(t)
}

/// Complete the written formalities of an oral transfer (补齐书面移交手续): the letter and
/// materials, with the head's approval; the 24-hour clock is satisfied.
pub async fn complete_written(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    materials: &[Material],
    by: Acting,
) -> Result<transfer::Model, StoreError> {
    let t = transfer_row(w, id).await?;
    if t.from_org_id != by.org_id {
        return Err(not_sender("只能补齐本机构移送的书面手续"));
    }
    next_status(&t, TransferCommand::CompleteWritten, false)?;
    check_written(materials).map_err(|e| StoreError::invalid(e.field(), e.to_string()))?;
    attach(w, "transfer", id, materials, Some(by.org_id)).await?;
    let mut am: transfer::ActiveModel = t.into();
    am.written = Set(true);
    am.approved_by = Set(by.person_id);
    am.approved_at = Set(Some(w.now()));
    let t = am.update(w.txn()).await?;
    satisfy(w, env, "transfer", id, &["transfer.oral_written_followup"]).await?;
    w.record(
        "transfer",
        id,
        EventKind::TransferWrittenCompleted,
        &payload::TransferApproved {
            approved_by: by.person_id,
        },
    );
    Ok(t)
}

fn answerable(t: &transfer::Model, by: Acting, what: &str) -> Result<(), StoreError> {
    if t.to_org_id != by.org_id {
        return Err(StoreError::not_party(
            "transfer.not_receiver",
            format!("只有受移送机构可以{what}"),
        ));
    }
    Ok(())
}

/// The receiver accepts (受理): it now holds the lead; the outcome-report clock starts and
/// any open dispute about the lead is settled.
pub async fn accept(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    by: Acting,
) -> Result<transfer::Model, StoreError> {
    let t = transfer_row(w, id).await?;
    answerable(&t, by, "受理")?;
    let next = next_status(&t, TransferCommand::Accept, false)?;
    let now = w.now();
    let mut am: transfer::ActiveModel = t.into();
    am.status = Set(next.as_str().into());
    am.decided_at = Set(Some(now));
    let t = am.update(w.txn()).await?;
    satisfy(
        w,
        env,
        "transfer",
        id,
        &["transfer.accept_reply", "transfer.judicial_police_decide"],
    )
    .await?;
    w.record(
        "transfer",
        id,
        EventKind::TransferAccepted,
        &payload::TransferAccepted {
            by_org_id: Some(by.org_id),
            by_designation: None,
        },
    );
    clocks::start(
        w,
        env,
        start("transfer", id, "transfer.outcome_report", t.to_org_id, now),
    )
    .await?;
    // A filed case's suspected crime stays the case holder's lead; the police report back.
    let l = lead_row(w, t.lead_id).await?;
    if l.status != LeadStatus::CaseFiled.as_str() {
        take_over(w, env, t.lead_id, t.to_org_id, LeadStep::TransferAccepted).await?;
    }
    settle_disputes(
        w,
        env,
        t.lead_id,
        DisputeStep::Settle,
        None,
        "受移送机构已受理",
    )
    .await?;
    Ok(t)
}

/// A new holder takes the lead: bounces reset.
async fn take_over(
    w: &mut Writer,
    env: ClockEnv<'_>,
    lead_id: i64,
    holder: i64,
    step: LeadStep,
) -> Result<(), StoreError> {
    let l = lead_row(w, lead_id).await?;
    let from = l.holder();
    let status = lead_next(&l, step)?;
    let mut am: lead::ActiveModel = l.into();
    am.holder_org_id = Set(Some(holder));
    am.status = Set(status.as_str().into());
    am.bounces = Set(0);
    save_lead(w, am).await?;
    w.record(
        "lead",
        lead_id,
        EventKind::LeadHolderChanged,
        &payload::LeadHolderChanged {
            from_org_id: from,
            to_org_id: holder,
        },
    );
    if status == LeadStatus::Received {
        let now = w.now();
        clocks::start(w, env, start("lead", lead_id, "lead.sign_for", holder, now)).await?;
    }
    Ok(())
}

/// The receiver rejects (不予受理) with written reasons. The sender keeps first
/// responsibility and must not stop enforcement. An administrative rejection opens a dispute
/// (or adds to the open one); at the profile's bounce limit the dispute goes to the
/// coordination office at once. A refused judicial transfer starts the sender's 3-day
/// reconsideration clock instead.
pub async fn reject(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    reason: &str,
    by: Acting,
) -> Result<transfer::Model, StoreError> {
    let t = transfer_row(w, id).await?;
    answerable(&t, by, "作出不予受理答复")?;
    let next = next_status(&t, TransferCommand::Reject, false)?;
    let now = w.now();
    let mut am: transfer::ActiveModel = t.into();
    am.status = Set(next.as_str().into());
    am.decided_at = Set(Some(now));
    am.decision_reason = Set(Some(reason.into()));
    let t = am.update(w.txn()).await?;
    satisfy(
        w,
        env,
        "transfer",
        id,
        &["transfer.accept_reply", "transfer.judicial_police_decide"],
    )
    .await?;
    w.record(
        "transfer",
        id,
        EventKind::TransferRejected,
        &payload::TransferRejected {
            by_org_id: by.org_id,
            reason: reason.into(),
        },
    );
    if t.kind == TransferKind::Judicial.as_str() {
        clocks::start(
            w,
            env,
            start(
                "transfer",
                id,
                "transfer.judicial_reconsider",
                t.from_org_id,
                now,
            ),
        )
        .await?;
        let l = lead_row(w, t.lead_id).await?;
        set_lead_status(w, l, LeadStep::JudicialRefused).await?;
        return Ok(t);
    }
    bounce(w, env, &t, reason).await?;
    Ok(t)
}

/// The anti-buck-passing limit in the profile of the org holding the lead.
async fn bounce_limit(w: &Writer, env: ClockEnv<'_>, holder: i64) -> Result<u32, StoreError> {
    let o = org_row(w.txn(), holder).await?;
    Ok(clocks::profile_for(w.txn(), env.rules, &o)
        .await?
        .settings
        .bounce_limit)
}

/// A return or re-route: count it, open or extend the dispute, escalate at the limit.
async fn bounce(
    w: &mut Writer,
    env: ClockEnv<'_>,
    t: &transfer::Model,
    reason: &str,
) -> Result<(), StoreError> {
    let l = lead_row(w, t.lead_id).await?;
    let bounces = l.bounces + 1;
    let holder = l.holder();
    let next = lead_next(&l, LeadStep::Bounced)?;
    let mut am: lead::ActiveModel = l.into();
    am.bounces = Set(bounces);
    am.status = Set(next.as_str().into());
    save_lead(w, am).await?;
    let now = w.now();
    let existing = open_dispute(w.txn(), t.lead_id).await?;
    let d = match existing {
        Some(d) => {
            note(
                w,
                d.id,
                DisputeNoteKind::Negotiation,
                &format!("移送第 {} 号被退回：{reason}", t.id),
                t.to_org_id,
                None,
            )
            .await?;
            d
        }
        None => {
            let d = dispute::ActiveModel {
                lead_id: Set(t.lead_id),
                transfer_id: Set(Some(t.id)),
                kind: Set(DisputeKind::Rejected.as_str().into()),
                org_a_id: Set(t.from_org_id),
                org_b_id: Set(Some(t.to_org_id)),
                status: Set(DisputeStatus::Negotiating.as_str().into()),
                reason: Set(reason.into()),
                opened_at: Set(now),
                ..Default::default()
            }
            .insert(w.txn())
            .await?;
            w.record(
                "dispute",
                d.id,
                EventKind::DisputeOpened,
                &payload::DisputeOpened {
                    lead_id: t.lead_id,
                    transfer_id: Some(t.id),
                    kind: d.kind.clone(),
                    org_a_id: d.org_a_id,
                    org_b_id: d.org_b_id,
                    reason: reason.into(),
                },
            );
            clocks::start(
                w,
                env,
                start("dispute", d.id, "dispute.negotiate", holder, now),
            )
            .await?;
            d
        }
    };
    if must_escalate(bounces as u32, bounce_limit(w, env, holder).await?)
        && d.status == DisputeStatus::Negotiating.as_str()
    {
        escalate_row(w, env, d, true, bounces).await?;
    }
    Ok(())
}

async fn open_dispute(
    c: &impl ConnectionTrait,
    lead_id: i64,
) -> Result<Option<dispute::Model>, StoreError> {
    Ok(dispute::Entity::find()
        .filter(dispute::Column::LeadId.eq(lead_id))
        .filter(dispute::Column::Status.is_in(DisputeStatus::open_values()))
        .order_by_desc(dispute::Column::Id)
        .one(c)
        .await?)
}

/// The sender withdraws (撤回) a transfer not yet answered. Withdrawing a sent transfer
/// counts as a re-route toward the anti-buck-passing limit.
pub async fn withdraw(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    reason: &str,
    by: Acting,
) -> Result<transfer::Model, StoreError> {
    let t = transfer_row(w, id).await?;
    if t.from_org_id != by.org_id {
        return Err(not_sender("只能撤回本机构的移送"));
    }
    let was = transfer_status(&t)?;
    let next = next_status(&t, TransferCommand::Withdraw, false)?;
    let mut am: transfer::ActiveModel = t.into();
    am.status = Set(next.as_str().into());
    am.decision_reason = Set(Some(reason.into()));
    let t = am.update(w.txn()).await?;
    cancel_subject(w, env, "transfer", id, "移送已撤回").await?;
    w.record(
        "transfer",
        id,
        EventKind::TransferWithdrawn,
        &payload::TransferWithdrawn {
            reason: Some(reason.into()),
            by_designation: None,
        },
    );
    if was == TransferStatus::Sent {
        let l = lead_row(w, t.lead_id).await?;
        let bounces = l.bounces + 1;
        let next = lead_next(&l, LeadStep::TransferWithdrawn)?;
        let mut am: lead::ActiveModel = l.clone().into();
        am.bounces = Set(bounces);
        am.status = Set(next.as_str().into());
        save_lead(w, am).await?;
        if must_escalate(bounces as u32, bounce_limit(w, env, l.holder()).await?) {
            bounce_escalate(w, env, &l, bounces).await?;
        }
    }
    Ok(t)
}

/// Escalate (or open and escalate) the lead's dispute because of bouncing.
async fn bounce_escalate(
    w: &mut Writer,
    env: ClockEnv<'_>,
    l: &lead::Model,
    bounces: i32,
) -> Result<(), StoreError> {
    let d = match open_dispute(w.txn(), l.id).await? {
        Some(d) if d.status == DisputeStatus::Escalated.as_str() => return Ok(()),
        Some(d) => d,
        None => {
            let d = dispute::ActiveModel {
                lead_id: Set(l.id),
                kind: Set(DisputeKind::BuckPassing.as_str().into()),
                org_a_id: Set(l.holder()),
                status: Set(DisputeStatus::Negotiating.as_str().into()),
                reason: Set(format!("该事项已退回或改派 {bounces} 次，仍无单位受理")),
                opened_at: Set(w.now()),
                ..Default::default()
            }
            .insert(w.txn())
            .await?;
            w.record(
                "dispute",
                d.id,
                EventKind::DisputeOpened,
                &payload::DisputeOpened {
                    lead_id: l.id,
                    transfer_id: None,
                    kind: d.kind.clone(),
                    org_a_id: d.org_a_id,
                    org_b_id: None,
                    reason: d.reason.clone(),
                },
            );
            d
        }
    };
    let l2 = lead_row(w, l.id).await?;
    set_lead_status(w, l2, LeadStep::Bounced).await?;
    escalate_row(w, env, d, true, bounces).await
}

async fn escalate_row(
    w: &mut Writer,
    env: ClockEnv<'_>,
    d: dispute::Model,
    automatic: bool,
    bounces: i32,
) -> Result<(), StoreError> {
    let now = w.now();
    let org_a = org_row(w.txn(), d.org_a_id).await?;
    let office = office_for(w.txn(), &org_a).await?;
    let id = d.id;
    let next = dispute_next(&d, DisputeStep::Escalate)?;
    let mut am: dispute::ActiveModel = d.into();
    am.status = Set(next.as_str().into());
    am.escalated_at = Set(Some(now));
    if automatic {
        am.kind = Set(DisputeKind::BuckPassing.as_str().into());
    }
    am.update(w.txn()).await?;
    satisfy(w, env, "dispute", id, &["dispute.negotiate"]).await?;
    w.record(
        "dispute",
        id,
        EventKind::DisputeEscalated,
        &payload::DisputeEscalated {
            automatic,
            bounces,
            office_org_id: office.id,
        },
    );
    clocks::start(
        w,
        env,
        start("dispute", id, "dispute.designate", office.id, now),
    )
    .await?;
    Ok(())
}

/// Answer a refused judicial transfer: ask the public security organ to reconsider
/// (提请复议; it decides within 3 days again) or accept the refusal.
pub async fn answer_refusal(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    reconsider: bool,
    by: Acting,
) -> Result<transfer::Model, StoreError> {
    let t = transfer_row(w, id).await?;
    if t.from_org_id != by.org_id {
        return Err(not_sender("只能处理本机构的移送"));
    }
    let open = clock::Entity::find()
        .filter(clock::Column::SubjectType.eq("transfer"))
        .filter(clock::Column::SubjectId.eq(id.to_string()))
        .filter(clock::Column::RuleId.eq("transfer.judicial_reconsider"))
        .filter(clock::Column::State.is_in(ClockState::open_values()))
        .count(w.txn())
        .await?;
    let cmd = if reconsider {
        TransferCommand::Reconsider
    } else {
        TransferCommand::AcceptRefusal
    };
    let next = next_status(&t, cmd, open > 0)?;
    satisfy(w, env, "transfer", id, &["transfer.judicial_reconsider"]).await?;
    if reconsider {
        let mut am: transfer::ActiveModel = t.into();
        am.status = Set(next.as_str().into());
        let t = am.update(w.txn()).await?;
        w.record(
            "transfer",
            id,
            EventKind::TransferReconsiderationRequested,
            &payload::NoDetails {},
        );
        let l = lead_row(w, t.lead_id).await?;
        mark_sent(w, env, &t, &l).await?;
        Ok(t)
    } else {
        w.record(
            "transfer",
            id,
            EventKind::TransferRefusalAccepted,
            &payload::NoDetails {},
        );
        Ok(t)
    }
}

/// The receiver reports the outcome back to the sender (反馈办理结果), copied to the office.
pub async fn report_outcome(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    text: &str,
    by: Acting,
) -> Result<transfer::Model, StoreError> {
    let t = transfer_row(w, id).await?;
    if t.to_org_id != by.org_id {
        return Err(StoreError::not_party(
            "transfer.not_receiver",
            "只有受移送机构反馈办理结果",
        ));
    }
    let next = next_status(&t, TransferCommand::ReportOutcome, false)?;
    let mut am: transfer::ActiveModel = t.into();
    am.status = Set(next.as_str().into());
    am.outcome = Set(Some(text.into()));
    am.outcome_at = Set(Some(w.now()));
    let t = am.update(w.txn()).await?;
    satisfy(w, env, "transfer", id, &["transfer.outcome_report"]).await?;
    w.record(
        "transfer",
        id,
        EventKind::TransferOutcomeReported,
        &payload::TransferOutcome {
            outcome: text.into(),
            copied_to_office: true,
        },
    );
    Ok(t)
}

// ---------------------------------------------------------------------------------------
// Disputes (争议协调)

/// Two bodies claim or refuse the same matter: open a dispute (negotiation first).
pub async fn open_conflict(
    w: &mut Writer,
    env: ClockEnv<'_>,
    lead_id: i64,
    other_org_id: i64,
    reason: &str,
    by: Acting,
) -> Result<dispute::Model, StoreError> {
    let l = lead_row(w, lead_id).await?;
    if other_org_id == by.org_id {
        return Err(StoreError::invalid("org_id", "争议的另一方不能是本机构"));
    }
    let other = org_row(w.txn(), other_org_id)
        .await
        .map_err(|_| StoreError::invalid("org_id", "争议的另一方不存在"))?;
    if !other.active {
        return Err(StoreError::invalid("org_id", "争议的另一方已停用"));
    }
    lead_next(&l, LeadStep::DisputeRaised)?;
    if let Some(d) = open_dispute(w.txn(), lead_id).await? {
        return Err(conflict(
            "lead.open_dispute",
            format!("该线索已有未了结的争议（第 {} 号）", d.id),
        ));
    }
    let now = w.now();
    let d = dispute::ActiveModel {
        lead_id: Set(lead_id),
        kind: Set(DisputeKind::Conflict.as_str().into()),
        org_a_id: Set(by.org_id),
        org_b_id: Set(Some(other_org_id)),
        status: Set(DisputeStatus::Negotiating.as_str().into()),
        reason: Set(reason.into()),
        opened_at: Set(now),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "dispute",
        d.id,
        EventKind::DisputeOpened,
        &payload::DisputeOpened {
            lead_id,
            transfer_id: None,
            kind: d.kind.clone(),
            org_a_id: by.org_id,
            org_b_id: Some(other_org_id),
            reason: reason.into(),
        },
    );
    clocks::start(
        w,
        env,
        start("dispute", d.id, "dispute.negotiate", l.holder(), now),
    )
    .await?;
    Ok(d)
}

/// Add a negotiation record or minutes.
pub async fn note(
    w: &mut Writer,
    dispute_id: i64,
    kind: DisputeNoteKind,
    text: &str,
    org_id: i64,
    person_id: Option<i64>,
) -> Result<dispute_note::Model, StoreError> {
    let d = dispute_row(w, dispute_id).await?;
    dispute_next(&d, DisputeStep::Note)?;
    let n = dispute_note::ActiveModel {
        dispute_id: Set(dispute_id),
        kind: Set(kind.as_str().into()),
        text: Set(text.into()),
        org_id: Set(org_id),
        person_id: Set(person_id),
        at: Set(w.now()),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "dispute",
        dispute_id,
        EventKind::DisputeNoted,
        &payload::DisputeNoted {
            note_id: n.id,
            kind: n.kind.clone(),
            org_id,
            text: text.into(),
        },
    );
    Ok(n)
}

/// Negotiation failed: escalate to the coordination office (or the common superior).
pub async fn escalate(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
) -> Result<dispute::Model, StoreError> {
    let d = dispute_row(w, id).await?;
    dispute_next(&d, DisputeStep::Escalate)?;
    let bounces = lead_row(w, d.lead_id).await?.bounces;
    escalate_row(w, env, d, false, bounces).await?;
    dispute_row(w, id).await
}

/// The coordination office designates jurisdiction (指定管辖): binding on both. The
/// designated body takes the lead with a sign-for clock; a pending transfer to it counts as
/// accepted, any other pending transfer is withdrawn.
pub async fn designate(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    org_id: i64,
    decision: &str,
) -> Result<dispute::Model, StoreError> {
    let d = dispute_row(w, id).await?;
    dispute_next(&d, DisputeStep::Designate)?;
    let o = org_row(w.txn(), org_id)
        .await
        .map_err(|_| StoreError::invalid("org_id", "被指定的机构不存在"))?;
    if !o.active {
        return Err(StoreError::invalid("org_id", format!("{} 已停用", o.name)));
    }
    let now = w.now();
    let open = transfer::Entity::find()
        .filter(transfer::Column::LeadId.eq(d.lead_id))
        .filter(transfer::Column::Status.is_in(TransferStatus::open_values()))
        .all(w.txn())
        .await?;
    for t in open {
        let tid = t.id;
        let here = next_status(&t, TransferCommand::DesignatedHere, false)
            .ok()
            .filter(|_| t.to_org_id == org_id);
        let next = match here {
            Some(next) => next,
            None => next_status(&t, TransferCommand::DesignatedElsewhere, false)?,
        };
        let to_designated = here.is_some();
        let mut am: transfer::ActiveModel = t.clone().into();
        am.decided_at = Set(Some(now));
        am.decision_reason = Set(Some(format!("指定管辖：{decision}")));
        am.status = Set(next.as_str().into());
        am.update(w.txn()).await?;
        cancel_subject(w, env, "transfer", tid, "已指定管辖").await?;
        if to_designated {
            w.record(
                "transfer",
                tid,
                EventKind::TransferAccepted,
                &payload::TransferAccepted {
                    by_org_id: None,
                    by_designation: Some(id),
                },
            );
        } else {
            w.record(
                "transfer",
                tid,
                EventKind::TransferWithdrawn,
                &payload::TransferWithdrawn {
                    reason: None,
                    by_designation: Some(id),
                },
            );
        }
        if to_designated {
            clocks::start(
                w,
                env,
                start("transfer", tid, "transfer.outcome_report", org_id, now),
            )
            .await?;
        }
    }
    cancel_subject(w, env, "lead", d.lead_id, "已指定管辖").await?;
    take_over(w, env, d.lead_id, org_id, LeadStep::Designated).await?;
    settle_disputes(
        w,
        env,
        d.lead_id,
        DisputeStep::Designate,
        Some(org_id),
        decision,
    )
    .await?;
    dispute_row(w, id).await
}

async fn settle_disputes(
    w: &mut Writer,
    env: ClockEnv<'_>,
    lead_id: i64,
    step: DisputeStep,
    org_id: Option<i64>,
    decision: &str,
) -> Result<(), StoreError> {
    while let Some(d) = open_dispute(w.txn(), lead_id).await? {
        let id = d.id;
        let to = dispute_next(&d, step)?;
        let mut am: dispute::ActiveModel = d.into();
        am.status = Set(to.as_str().into());
        am.designated_org_id = Set(org_id);
        am.decision = Set(Some(decision.into()));
        am.decided_at = Set(Some(w.now()));
        am.update(w.txn()).await?;
        satisfy(
            w,
            env,
            "dispute",
            id,
            &["dispute.negotiate", "dispute.designate"],
        )
        .await?;
        w.record(
            "dispute",
            id,
            if to == DisputeStatus::Designated {
                EventKind::DisputeDesignated
            } else {
                EventKind::DisputeSettled
            },
            &payload::DisputeDecided {
                org_id,
                decision: decision.into(),
            },
        );
    }
    Ok(())
}

async fn cancel_disputes(
    w: &mut Writer,
    env: ClockEnv<'_>,
    lead_id: i64,
    why: &str,
) -> Result<(), StoreError> {
    settle_disputes(w, env, lead_id, DisputeStep::Settle, None, why).await
}

// ---------------------------------------------------------------------------------------
// Reading

/// Filter of the coordination office's view.
#[derive(Debug, Clone, Default)]
pub struct TransferFilter {
    /// Orgs in reach (sender or receiver).
    pub orgs: Vec<i64>,
    /// Only these statuses.
    pub statuses: Vec<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// At most this many (the newest).
    pub limit: u64,
}

impl Store {
    /// Transfers of a lead, oldest first.
    pub async fn transfers_of_lead(
        &self,
        lead_id: i64,
    ) -> Result<Vec<transfer::Model>, StoreError> {
        Ok(transfer::Entity::find()
            .filter(transfer::Column::LeadId.eq(lead_id))
            .order_by_asc(transfer::Column::Id)
            .all(self.db())
            .await?)
    }

    /// One transfer.
    pub async fn transfer(&self, id: i64) -> Result<transfer::Model, StoreError> {
        transfer::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("移送"))
    }

    /// Transfers sent or received by some orgs, newest first, at most `f.limit`.
    pub async fn transfers(&self, f: &TransferFilter) -> Result<Vec<transfer::Model>, StoreError> {
        let mut q = transfer::Entity::find().filter(
            Condition::any()
                .add(transfer::Column::FromOrgId.is_in(f.orgs.clone()))
                .add(transfer::Column::ToOrgId.is_in(f.orgs.clone())),
        );
        if !f.statuses.is_empty() {
            q = q.filter(transfer::Column::Status.is_in(f.statuses.clone()));
        }
        if let Some(k) = &f.kind {
            q = q.filter(transfer::Column::Kind.eq(k.as_str()));
        }
        Ok(q.order_by_desc(transfer::Column::Id)
            .limit(f.limit)
            .all(self.db())
            .await?)
    }

    /// Materials and photos of a subject.
    pub async fn attachments_of(
        &self,
        subject_type: &str,
        subject_id: i64,
    ) -> Result<Vec<attachment::Model>, StoreError> {
        Ok(attachment::Entity::find()
            .filter(attachment::Column::SubjectType.eq(subject_type))
            .filter(attachment::Column::SubjectId.eq(subject_id))
            .order_by_asc(attachment::Column::Id)
            .all(self.db())
            .await?)
    }

    /// A stored file's row by digest.
    pub async fn blob(&self, digest: &str) -> Result<blob::Model, StoreError> {
        blob::Entity::find_by_id(digest.to_owned())
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("附件"))
    }

    /// A stored file's type, size and bytes as a stream, wherever they are kept.
    pub async fn file(&self, digest: &str) -> Result<FileRead, StoreError> {
        let b = self.blob(digest).await?;
        let (size, content_type) = size_and_type(&b);
        let chunks = if b.kept_in_files {
            self.files().stream(digest).await?
        } else {
            let bytes = bytes::Bytes::from(b.bytes);
            futures_util::StreamExt::boxed(futures_util::stream::once(async move { Ok(bytes) }))
        };
        Ok(FileRead {
            content_type,
            size,
            chunks,
        })
    }

    /// Digests recorded as kept in the file store that it does not hold (after a restore,
    /// or a file store lost).
    pub async fn missing_files(&self) -> Result<Vec<String>, StoreError> {
        let kept: Vec<String> = blob::Entity::find()
            .filter(blob::Column::KeptInFiles.eq(true))
            .select_only()
            .column(blob::Column::Digest)
            .into_tuple()
            .all(self.db())
            .await?;
        let mut missing = vec![];
        for d in kept {
            if !self.files().has(&d).await? {
                missing.push(d);
            }
        }
        Ok(missing)
    }

    /// A stored file's bytes, whole (for exports).
    pub async fn file_bytes(&self, digest: &str) -> Result<Vec<u8>, StoreError> {
        let b = self.blob(digest).await?;
        if b.kept_in_files {
            self.files().read(digest).await
        } else {
            Ok(b.bytes)
        }
    }

    /// Attachments that reference a digest (to decide who may download it).
    pub async fn attachments_with(
        &self,
        digest: &str,
    ) -> Result<Vec<attachment::Model>, StoreError> {
        Ok(attachment::Entity::find()
            .filter(attachment::Column::Digest.eq(digest))
            .all(self.db())
            .await?)
    }

    /// Disputes of a lead, oldest first.
    pub async fn disputes_of_lead(&self, lead_id: i64) -> Result<Vec<dispute::Model>, StoreError> {
        Ok(dispute::Entity::find()
            .filter(dispute::Column::LeadId.eq(lead_id))
            .order_by_asc(dispute::Column::Id)
            .all(self.db())
            .await?)
    }

    /// One dispute.
    pub async fn dispute(&self, id: i64) -> Result<dispute::Model, StoreError> {
        dispute::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("争议"))
    }

    /// Disputes involving some orgs (or all when `orgs` is None), newest first.
    pub async fn disputes(
        &self,
        orgs: Option<&[i64]>,
        open_only: bool,
    ) -> Result<Vec<dispute::Model>, StoreError> {
        let mut q = dispute::Entity::find();
        if let Some(o) = orgs {
            q = q.filter(
                Condition::any()
                    .add(dispute::Column::OrgAId.is_in(o.to_vec()))
                    .add(dispute::Column::OrgBId.is_in(o.to_vec())),
            );
        }
        if open_only {
            q = q.filter(dispute::Column::Status.is_in(DisputeStatus::open_values()));
        }
        Ok(q.order_by_desc(dispute::Column::Id).all(self.db()).await?)
    }

    /// Records of a dispute.
    pub async fn dispute_notes(&self, id: i64) -> Result<Vec<dispute_note::Model>, StoreError> {
        Ok(dispute_note::Entity::find()
            .filter(dispute_note::Column::DisputeId.eq(id))
            .order_by_asc(dispute_note::Column::Id)
            .all(self.db())
            .await?)
    }

    /// The case filed from a lead, if any.
    pub async fn case_of_lead(&self, lead_id: i64) -> Result<Option<case::Model>, StoreError> {
        Ok(case::Entity::find()
            .filter(case::Column::LeadId.eq(lead_id))
            .one(self.db())
            .await?)
    }

    /// The timeline of a lead: every event of the lead, its transfers, disputes, case and
    /// their clocks, in record order.
    pub async fn lead_timeline(&self, lead_id: i64) -> Result<Vec<RecordedEvent>, StoreError> {
        let transfers: Vec<String> = self
            .transfers_of_lead(lead_id)
            .await?
            .iter()
            .map(|t| t.id.to_string())
            .collect();
        let disputes: Vec<String> = self
            .disputes_of_lead(lead_id)
            .await?
            .iter()
            .map(|d| d.id.to_string())
            .collect();
        let cases: Vec<String> = self
            .case_of_lead(lead_id)
            .await?
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        let subjects = Condition::any()
            .add(
                Condition::all()
                    .add(clock::Column::SubjectType.eq("lead"))
                    .add(clock::Column::SubjectId.eq(lead_id.to_string())),
            )
            .add(
                Condition::all()
                    .add(clock::Column::SubjectType.eq("transfer"))
                    .add(clock::Column::SubjectId.is_in(transfers.clone())),
            )
            .add(
                Condition::all()
                    .add(clock::Column::SubjectType.eq("dispute"))
                    .add(clock::Column::SubjectId.is_in(disputes.clone())),
            );
        let clock_ids: Vec<String> = clock::Entity::find()
            .filter(subjects)
            .all(self.db())
            .await?
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        self.events_about(
            &[
                Subjects::of("lead", [lead_id]),
                Subjects::of("transfer", transfers),
                Subjects::of("dispute", disputes),
                Subjects::of("case", cases),
                Subjects::of("clock", clock_ids),
            ],
            &[],
        )
        .await
    }

    /// Clocks of a subject, oldest first.
    pub async fn clocks_of(
        &self,
        subject_type: &str,
        subject_id: i64,
    ) -> Result<Vec<clock::Model>, StoreError> {
        Ok(clock::Entity::find()
            .filter(clock::Column::SubjectType.eq(subject_type))
            .filter(clock::Column::SubjectId.eq(subject_id.to_string()))
            .order_by_asc(clock::Column::Id)
            .all(self.db())
            .await?)
    }
}
