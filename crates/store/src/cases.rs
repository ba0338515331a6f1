//! Cases in the database: parties, flags, the lifecycle steps (through
//! `domain::case::transition`), the decision's copy to the permit department, and the permit
//! check. Filing happens from a lead (`transfers::file_case`).

use crate::clocks::{self, ClockEnv, ClockStart};
use crate::entities::{case, case_handler, case_party, org, transfer};
use crate::{Store, StoreError, Writer};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use xiezhi_domain::case::{
    CaseCommand, CaseFacts, CaseRefusal, CaseStage, DecisionKind, MajorThresholds, Party,
    transition,
};
use xiezhi_domain::transfer::TransferStatus;
use xiezhi_domain::{EventKind, payload};

async fn case_row(w: &Writer, id: i64) -> Result<case::Model, StoreError> {
    case::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("案件"))
}

fn refusal(e: CaseRefusal) -> StoreError {
    match e {
        CaseRefusal::Invalid(m) => StoreError::invalid("step", m),
        CaseRefusal::ReasonRequired => StoreError::invalid("reason", e.to_string()),
        other => StoreError::refused(other),
    }
}

fn stage_of(c: &case::Model) -> Result<CaseStage, StoreError> {
    crate::stored(CaseStage::parse(&c.stage), "cases", c.id, "stage", &c.stage)
}

fn open_stage(c: &case::Model) -> Result<bool, StoreError> {
    Ok(stage_of(c)?.is_open())
}

/// Add a party (当事人) to a case not yet decided; the same party twice is refused.
pub async fn add_party(
    w: &mut Writer,
    case_id: i64,
    p: &Party,
) -> Result<case_party::Model, StoreError> {
    let c = case_row(w, case_id).await?;
    if !stage_of(&c)?.takes_parties() {
        return Err(StoreError::conflict(
            "case.decided",
            "案件已作出决定，不能再增加当事人",
        ));
    }
    let dup = case_party::Entity::find()
        .filter(case_party::Column::CaseId.eq(case_id))
        .filter(case_party::Column::Code.eq(p.code()))
        .count(w.txn())
        .await?;
    if dup > 0 {
        return Err(StoreError::conflict(
            "case.party_exists",
            "该当事人已在本案中",
        ));
    }
    let (kind, name) = match p {
        Party::Person { name, .. } => ("person", name),
        Party::Organisation { name, .. } => ("organisation", name),
    };
    let m = case_party::ActiveModel {
        case_id: Set(case_id),
        kind: Set(kind.into()),
        name: Set(name.clone()),
        code: Set(p.code().into()),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    // The record keeps who, not the ID number in clear: its SM3 digest identifies it.
    w.record(
        "case",
        case_id,
        EventKind::CasePartyAdded,
        &payload::CasePartyAdded {
            party_id: m.id,
            kind: kind.to_owned(),
            code_sm3: xiezhi_domain::sm3_hex(p.code().as_bytes()),
        },
    );
    Ok(m)
}

/// Attach a stored file to a case as evidence (证据), noting the stage it was taken in; files
/// are never replaced, only added.
pub async fn add_evidence(
    w: &mut Writer,
    case_id: i64,
    title: &str,
    digest: &str,
    org_id: i64,
) -> Result<(), StoreError> {
    let c = case_row(w, case_id).await?;
    if !open_stage(&c)? {
        return Err(StoreError::conflict(
            "case.closed",
            "案件已结案，不能再增加证据",
        ));
    }
    crate::transfers::attach(
        w,
        "case",
        case_id,
        &[xiezhi_domain::transfer::Material {
            kind: xiezhi_domain::transfer::MaterialKind::Evidence,
            title: format!("{}｜{}", stage_of(&c)?.label(), title),
            digest: Some(digest.to_owned()),
        }],
        Some(org_id),
    )
    .await
}

/// Add a handler (承办人).
pub async fn add_handler(w: &mut Writer, case_id: i64, person_id: i64) -> Result<(), StoreError> {
    let exists = case_handler::Entity::find()
        .filter(case_handler::Column::CaseId.eq(case_id))
        .filter(case_handler::Column::PersonId.eq(person_id))
        .count(w.txn())
        .await?;
    if exists == 0 {
        case_handler::ActiveModel {
            case_id: Set(case_id),
            person_id: Set(person_id),
            ..Default::default()
        }
        .insert(w.txn())
        .await?;
        w.record(
            "case",
            case_id,
            EventKind::CaseHandlerAdded,
            &payload::CaseHandlerAdded { person_id },
        );
    }
    Ok(())
}

/// Flag a case major (重大) or suspected crime (涉嫌犯罪) by hand, before its decision.
pub async fn set_flags(
    w: &mut Writer,
    case_id: i64,
    major: Option<bool>,
    suspected_crime: Option<bool>,
) -> Result<case::Model, StoreError> {
    let c = case_row(w, case_id).await?;
    if !open_stage(&c)? {
        return Err(StoreError::conflict("case.closed", "案件已结案"));
    }
    if major == Some(false) && c.major && c.decided_at.is_some() {
        return Err(StoreError::conflict(
            "case.major_decided",
            "已作出的重大执法决定不能取消重大标记",
        ));
    }
    let mut am: case::ActiveModel = c.into();
    if let Some(m) = major {
        am.major = Set(m);
    }
    if let Some(s) = suspected_crime {
        am.suspected_crime = Set(s);
    }
    let c = am.update(w.txn()).await?;
    w.record(
        "case",
        case_id,
        EventKind::CaseFlagged,
        &payload::CaseFlagged {
            major: c.major,
            suspected_crime: c.suspected_crime,
        },
    );
    Ok(c)
}

/// The facts the transition needs.
async fn facts(
    db: &impl ConnectionTrait,
    env: ClockEnv<'_>,
    c: &case::Model,
) -> Result<CaseFacts, StoreError> {
    let handlers: Vec<i64> = case_handler::Entity::find()
        .filter(case_handler::Column::CaseId.eq(c.id))
        .all(db)
        .await?
        .iter()
        .map(|h| h.person_id)
        .collect();
    let parties = case_party::Entity::find()
        .filter(case_party::Column::CaseId.eq(c.id))
        .all(db)
        .await?;
    let holder = org::Entity::find_by_id(c.holder_org_id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("机构"))?;
    let settings = &clocks::profile_for(db, env.rules, &holder).await?.settings;
    let judicial_answered = match c.lead_id {
        Some(lead) => {
            transfer::Entity::find()
                .filter(transfer::Column::LeadId.eq(lead))
                .filter(transfer::Column::Kind.eq("judicial"))
                .filter(transfer::Column::Status.is_in([
                    TransferStatus::Accepted.as_str(),
                    TransferStatus::Reported.as_str(),
                    TransferStatus::Rejected.as_str(),
                ]))
                .count(db)
                .await?
                > 0
        }
        None => false,
    };
    // Minor first offence: the item allows it and no party has an earlier decided case under
    // the same item.
    let item = match (&c.item_code, c.item_version) {
        (Some(code), Some(v)) => {
            crate::entities::catalog_item::Entity::find()
                .filter(crate::entities::catalog_item::Column::Code.eq(code.as_str()))
                .filter(crate::entities::catalog_item::Column::Version.eq(v))
                .one(db)
                .await?
        }
        _ => None,
    };
    let mut earlier = false;
    if let Some(code) = &c.item_code {
        for p in &parties {
            let others: Vec<i64> = case_party::Entity::find()
                .filter(case_party::Column::Code.eq(p.code.as_str()))
                .filter(case_party::Column::CaseId.ne(c.id))
                .all(db)
                .await?
                .iter()
                .map(|x| x.case_id)
                .collect();
            if !others.is_empty() {
                earlier |= case::Entity::find()
                    .filter(case::Column::Id.is_in(others))
                    .filter(case::Column::ItemCode.eq(code.as_str()))
                    .filter(case::Column::DecisionKind.is_in(["penalty", "commitment"]))
                    .count(db)
                    .await?
                    > 0;
            }
        }
    }
    let major_item = c
        .item_code
        .as_ref()
        .is_some_and(|code| settings.major_items.contains(code));
    let person = parties.first().map(|p| p.kind == "person").unwrap_or(true);
    Ok(CaseFacts {
        major: c.major || major_item,
        legal_passed: c.legal_passed,
        suspected_crime: c.suspected_crime,
        judicial_answered,
        commitment_allowed: item.is_some_and(|i| i.minor_first_offence)
            && !parties.is_empty()
            && !earlier,
        handlers,
        decision: c.decision_kind.as_deref().and_then(DecisionKind::parse),
        thresholds: Some((
            MajorThresholds {
                person: settings.major_fine_person,
                organisation: settings.major_fine_organisation,
            },
            person,
        )),
    })
}

/// Take one step of a case's lifecycle. A penalty decision starts the clock for copying it
/// to the permit department (seed 003 二、(四)3 相关行政管理部门(4)).
pub async fn step(
    w: &mut Writer,
    env: ClockEnv<'_>,
    case_id: i64,
    cmd: &CaseCommand,
    by_person: Option<i64>,
) -> Result<case::Model, StoreError> {
    let c = case_row(w, case_id).await?;
    let f = facts(w.txn(), env, &c).await?;
    let from = stage_of(&c)?;
    let (to, fx) = transition(from, cmd, &f).map_err(refusal)?;
    let now = w.now();
    let mut am: case::ActiveModel = c.clone().into();
    am.stage = Set(to.as_str().into());
    if let Some(p) = fx.legal_passed {
        am.legal_passed = Set(p);
    }
    if fx.major == Some(true) {
        am.major = Set(true);
    }
    let mut step = payload::CaseStep {
        from: from.as_str().into(),
        to: to.as_str().into(),
        by: by_person,
        decision: None,
        reason: None,
        org_id: None,
    };
    match cmd {
        CaseCommand::Decide { kind, discretion } => {
            am.decision_kind = Set(Some(kind.as_str().into()));
            am.decided_at = Set(Some(now));
            if let Some(d) = discretion {
                am.decision_tier = Set(Some(d.tier.clone()));
                am.decision_amount = Set(Some(d.amount));
                am.decision_reason = Set(d.reason.clone());
            }
            step.decision = Some(payload::CaseDecision {
                kind: kind.as_str().into(),
                discretion: discretion.clone(),
            });
        }
        CaseCommand::ReturnForInvestigation { reason }
        | CaseCommand::FailLegalReview { reason, .. }
        | CaseCommand::Terminate { reason } => step.reason = Some(reason.clone()),
        _ => {}
    }
    if matches!(
        cmd,
        CaseCommand::PassLegalReview { .. } | CaseCommand::FailLegalReview { .. }
    ) {
        // The org whose case was reviewed (the assessment counts the review for it).
        step.org_id = Some(c.holder_org_id);
    }
    if to == CaseStage::Closed {
        am.closed_at = Set(Some(now));
    }
    let c = am.update(w.txn()).await?;
    w.record("case", case_id, cmd.event_kind(), &step);
    if let CaseCommand::Decide {
        kind: DecisionKind::Penalty,
        ..
    } = cmd
    {
        clocks::start(
            w,
            env,
            ClockStart {
                subject_type: "case".into(),
                subject_id: case_id.to_string(),
                rule_id: "case.penalty_copy_to_permit".into(),
                holder_org_id: c.holder_org_id,
                holder_person_id: None,
                at: now,
            },
        )
        .await?;
    }
    Ok(c)
}

/// The penalty decision was copied to the permit department (抄告).
pub async fn copy_to_permit(
    w: &mut Writer,
    env: ClockEnv<'_>,
    case_id: i64,
    permit_org_id: i64,
) -> Result<case::Model, StoreError> {
    let c = case_row(w, case_id).await?;
    if c.decision_kind.as_deref() != Some("penalty") {
        return Err(StoreError::conflict(
            "case.not_penalty",
            "只有行政处罚决定需要抄告许可部门",
        ));
    }
    let done = clocks::satisfy_subject(
        w,
        env,
        "case",
        &case_id.to_string(),
        "case.penalty_copy_to_permit",
    )
    .await?;
    if done.is_empty() {
        return Err(StoreError::conflict(
            "case.already_copied",
            "该处罚决定已抄告",
        ));
    }
    w.record(
        "case",
        case_id,
        EventKind::CaseCopiedToPermit,
        &payload::CopiedToPermit { permit_org_id },
    );
    Ok(c)
}

impl Store {
    /// A case's stage and the facts its transition reads: what a view asks to offer exactly
    /// the steps the transition will accept.
    pub async fn case_facts(
        &self,
        env: ClockEnv<'_>,
        c: &case::Model,
    ) -> Result<(CaseStage, CaseFacts), StoreError> {
        Ok((stage_of(c)?, facts(self.db(), env, c).await?))
    }

    /// A case by its number (案号).
    pub async fn case_by_number(&self, number: &str) -> Result<Option<case::Model>, StoreError> {
        Ok(case::Entity::find()
            .filter(case::Column::Number.eq(number))
            .one(self.db())
            .await?)
    }

    pub async fn case(&self, id: i64) -> Result<case::Model, StoreError> {
        case::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("案件"))
    }

    /// Cases held by some orgs (only those in hand when `open_only`), newest first, with the
    /// total.
    pub async fn cases_of(
        &self,
        orgs: &[i64],
        open_only: bool,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<case::Model>, u64), StoreError> {
        let mut q = case::Entity::find().filter(case::Column::HolderOrgId.is_in(orgs.to_vec()));
        if open_only {
            q = q.filter(case::Column::Stage.is_in(CaseStage::open_values()));
        }
        let total = q.clone().count(self.db()).await?;
        let rows = q
            .order_by_desc(case::Column::Id)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .limit(per_page)
            .all(self.db())
            .await?;
        Ok((rows, total))
    }

    /// Parties of a case.
    pub async fn case_parties(&self, id: i64) -> Result<Vec<case_party::Model>, StoreError> {
        Ok(case_party::Entity::find()
            .filter(case_party::Column::CaseId.eq(id))
            .order_by_asc(case_party::Column::Id)
            .all(self.db())
            .await?)
    }

    /// Handlers of a case.
    pub async fn case_handlers(&self, id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(case_handler::Entity::find()
            .filter(case_handler::Column::CaseId.eq(id))
            .all(self.db())
            .await?
            .iter()
            .map(|h| h.person_id)
            .collect())
    }

    /// Open penalty cases (not closed or archived) on a party under an item: a permit on the
    /// same matter must wait (seed 003 二、(四)3 相关行政管理部门(4)).
    pub async fn permit_blocks(
        &self,
        party_code: &str,
        item_code: &str,
    ) -> Result<Vec<case::Model>, StoreError> {
        let ids: Vec<i64> = case_party::Entity::find()
            .filter(case_party::Column::Code.eq(party_code))
            .all(self.db())
            .await?
            .iter()
            .map(|p| p.case_id)
            .collect();
        if ids.is_empty() {
            return Ok(vec![]);
        }
        Ok(case::Entity::find()
            .filter(case::Column::Id.is_in(ids))
            .filter(case::Column::ItemCode.eq(item_code))
            .filter(case::Column::Stage.is_in(CaseStage::open_values()))
            .all(self.db())
            .await?)
    }

    /// Cases waiting for legal review in some orgs (the legal reviewer's queue).
    pub async fn legal_review_queue(&self, orgs: &[i64]) -> Result<Vec<case::Model>, StoreError> {
        Ok(case::Entity::find()
            .filter(case::Column::HolderOrgId.is_in(orgs.to_vec()))
            .filter(case::Column::Stage.eq(CaseStage::LegalReview.as_str()))
            .order_by_asc(case::Column::Id)
            .all(self.db())
            .await?)
    }
}
