//! Instructions (指令) in the database: one receipt per addressed org or person, each with
//! its acknowledgement clock (`instruction.acknowledge`; breached → the clock job's
//! supervision order) and, when a due time is given, its completion clock
//! (`instruction.complete`, due time assigned by the sender). Sending announces a live
//! notice to the recipients; answering announces one to the sender.

use crate::clocks::{self, ClockEnv, ClockStart};
use crate::entities::{clock, instruction as ins, instruction_receipt as rc, org, person};
use crate::{Store, StoreError, Writer};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
    QueryOrder,
};
use xiezhi_domain::clock::ClockCommand;
use xiezhi_domain::clock::ClockState;
use xiezhi_domain::instruction::{ReceiptCommand, ReceiptStatus, transition};
use xiezhi_domain::transfer::{Material, MaterialKind};
use xiezhi_domain::{EventKind, payload};

/// A new instruction.
#[derive(Debug, Clone)]
pub struct NewInstruction {
    /// The sending org.
    pub from_org_id: i64,
    /// The sending person.
    pub from_person_id: Option<i64>,
    /// The text.
    pub body: String,
    /// When completion must be reported (none: acknowledgement only).
    pub due_at: Option<DateTime<Utc>>,
    /// Addressed orgs.
    pub to_orgs: Vec<i64>,
    /// Addressed people.
    pub to_people: Vec<i64>,
    /// Attached files (SM3 digests of uploaded files).
    pub attachments: Vec<String>,
}

const ACK: &str = "instruction.acknowledge";
const DONE: &str = "instruction.complete";

/// Send an instruction: its receipts, their clocks and the live notice.
pub async fn send(
    w: &mut Writer,
    env: ClockEnv<'_>,
    n: NewInstruction,
) -> Result<(ins::Model, Vec<rc::Model>), StoreError> {
    let now = w.now();
    let mut to_orgs = n.to_orgs.clone();
    to_orgs.sort_unstable();
    to_orgs.dedup();
    let mut to_people = n.to_people.clone();
    to_people.sort_unstable();
    to_people.dedup();
    if to_orgs.is_empty() && to_people.is_empty() {
        return Err(StoreError::invalid("to", "请选择接收单位或人员"));
    }
    let m = ins::ActiveModel {
        from_org_id: Set(n.from_org_id),
        from_person_id: Set(n.from_person_id),
        body: Set(n.body.clone()),
        due_at: Set(n.due_at),
        sent_at: Set(now),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    let mut receipts = vec![];
    for o in &to_orgs {
        let row = org::Entity::find_by_id(*o)
            .one(w.txn())
            .await?
            .filter(|r| r.active)
            .ok_or_else(|| {
                StoreError::invalid("to_orgs", format!("接收单位 {o} 不存在或已停用"))
            })?;
        receipts.push((row.id, None));
    }
    for p in &to_people {
        let row = person::Entity::find_by_id(*p)
            .one(w.txn())
            .await?
            .filter(|r| r.active)
            .ok_or_else(|| {
                StoreError::invalid("to_people", format!("接收人员 {p} 不存在或已停用"))
            })?;
        receipts.push((row.org_id, Some(row.id)));
    }
    let mut out = vec![];
    for (org_id, person_id) in receipts {
        let r = rc::ActiveModel {
            instruction_id: Set(m.id),
            org_id: Set(org_id),
            person_id: Set(person_id),
            status: Set(ReceiptStatus::Sent.as_str().into()),
            ..Default::default()
        }
        .insert(w.txn())
        .await?;
        let start = |rule: &str| ClockStart {
            subject_type: "instruction".into(),
            subject_id: m.id.to_string(),
            rule_id: rule.into(),
            holder_org_id: org_id,
            holder_person_id: person_id,
            at: now,
        };
        clocks::start(w, env, start(ACK)).await?;
        if let Some(due) = n.due_at {
            clocks::start_assigned(w, env, start(DONE), due).await?;
        }
        out.push(r);
    }
    let files: Vec<Material> = n
        .attachments
        .iter()
        .map(|d| Material {
            kind: MaterialKind::Other,
            title: "指令附件".into(),
            digest: Some(d.clone()),
        })
        .collect();
    crate::transfers::attach(w, "instruction", m.id, &files, Some(n.from_org_id)).await?;
    w.record(
        "instruction",
        m.id,
        EventKind::InstructionSent,
        &payload::InstructionSent {
            from_org_id: n.from_org_id,
            body_sm3: xiezhi_domain::sm3_hex(n.body.as_bytes()),
            due_at: n.due_at.map(|d| d.to_rfc3339()),
            to_orgs: to_orgs.clone(),
            to_people: to_people.clone(),
        },
    );
    w.announce("instruction", m.id, to_orgs, to_people, &n.body);
    Ok((m, out))
}

/// Satisfy one receipt's open clock under a rule.
async fn satisfy(
    w: &mut Writer,
    env: ClockEnv<'_>,
    r: &rc::Model,
    rule: &str,
) -> Result<(), StoreError> {
    let mut q = clock::Entity::find()
        .filter(clock::Column::SubjectType.eq("instruction"))
        .filter(clock::Column::SubjectId.eq(r.instruction_id.to_string()))
        .filter(clock::Column::RuleId.eq(rule))
        .filter(clock::Column::HolderOrgId.eq(r.org_id))
        .filter(clock::Column::State.is_in(ClockState::open_values()));
    q = match r.person_id {
        Some(p) => q.filter(clock::Column::HolderPersonId.eq(p)),
        None => q.filter(clock::Column::HolderPersonId.is_null()),
    };
    for c in q.all(w.txn()).await? {
        clocks::apply(w, env, c.id, ClockCommand::Satisfy).await?;
    }
    Ok(())
}

/// A receipt's status as stored (an unreadable value is an error naming the row).
pub fn receipt_status(r: &rc::Model) -> Result<ReceiptStatus, StoreError> {
    crate::stored(
        ReceiptStatus::parse(&r.status),
        "instruction_receipts",
        r.id,
        "status",
        &r.status,
    )
}

/// A recipient acknowledges or reports completion; the sender is told live.
pub async fn answer(
    w: &mut Writer,
    env: ClockEnv<'_>,
    receipt_id: i64,
    cmd: ReceiptCommand,
    by: Option<i64>,
    report: Option<String>,
) -> Result<rc::Model, StoreError> {
    let r = rc::Entity::find_by_id(receipt_id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("指令"))?;
    let next = transition(receipt_status(&r)?, cmd).map_err(StoreError::refused)?;
    let now = w.now();
    let i = ins::Entity::find_by_id(r.instruction_id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("指令"))?;
    let mut am: rc::ActiveModel = r.clone().into();
    am.status = Set(next.as_str().into());
    let (kind, rule) = match cmd {
        ReceiptCommand::Acknowledge => {
            am.acknowledged_at = Set(Some(now));
            am.acknowledged_by = Set(by);
            (EventKind::InstructionAcknowledged, ACK)
        }
        ReceiptCommand::Complete => {
            am.completed_at = Set(Some(now));
            am.completed_by = Set(by);
            am.report = Set(report.clone());
            (EventKind::InstructionCompleted, DONE)
        }
    };
    let updated = am.update(w.txn()).await?;
    satisfy(w, env, &r, rule).await?;
    w.record(
        "instruction",
        r.instruction_id,
        kind,
        &payload::InstructionAnswered {
            receipt_id: r.id,
            org_id: r.org_id,
            person_id: r.person_id,
            by,
            report,
        },
    );
    w.announce(
        "instruction_receipt",
        r.instruction_id,
        vec![],
        i.from_person_id.into_iter().collect(),
        next.label(),
    );
    Ok(updated)
}

impl Store {
    /// One instruction.
    pub async fn instruction(&self, id: i64) -> Result<ins::Model, StoreError> {
        ins::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("指令"))
    }

    /// Its receipts, in order.
    pub async fn instruction_receipts(&self, id: i64) -> Result<Vec<rc::Model>, StoreError> {
        Ok(rc::Entity::find()
            .filter(rc::Column::InstructionId.eq(id))
            .order_by_asc(rc::Column::Id)
            .all(self.db())
            .await?)
    }

    /// Receipts addressed to a person: theirs, and their org's.
    pub async fn receipts_for(
        &self,
        org_id: i64,
        person_id: i64,
    ) -> Result<Vec<rc::Model>, StoreError> {
        Ok(rc::Entity::find()
            .filter(
                Condition::any()
                    .add(rc::Column::PersonId.eq(person_id))
                    .add(
                        Condition::all()
                            .add(rc::Column::OrgId.eq(org_id))
                            .add(rc::Column::PersonId.is_null()),
                    ),
            )
            .order_by_desc(rc::Column::Id)
            .all(self.db())
            .await?)
    }

    /// Instructions sent by orgs, newest first.
    pub async fn instructions_from(
        &self,
        org_ids: &[i64],
        limit: u64,
    ) -> Result<Vec<ins::Model>, StoreError> {
        use sea_orm::QuerySelect;
        Ok(ins::Entity::find()
            .filter(ins::Column::FromOrgId.is_in(org_ids.to_vec()))
            .order_by_desc(ins::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?)
    }
}
