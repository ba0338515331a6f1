//! Work that waits in a state rather than on a clock (我的待办 beyond the clocks): a
//! transfer for the head to approve, a case at legal review, an operation to check in to,
//! minutes to sign, an answer to rate. The store says what waits; who may take the step is
//! the policy's answer, asked by the caller.

use crate::entities::{
    assistance_request as ar, case, case_handler, clock, dispute, instruction, lead, meeting,
    operation as op, operation_officer as officer, supervision_order, transfer,
};
use crate::{Store, StoreError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
use xiezhi_domain::assistance::AssistanceStatus;
use xiezhi_domain::case::CaseStage;
use xiezhi_domain::meeting::MeetingStatus;
use xiezhi_domain::operation::OperationStatus;
use xiezhi_domain::transfer::TransferStatus;

/// What waits in a state for one person of one org.
#[derive(Debug, Clone, Default)]
pub struct Waiting {
    /// Transfers the org drafted that wait for the head's approval or for sending.
    pub transfers: Vec<transfer::Model>,
    /// Open cases of the org at review or legal review, and open cases the person handles.
    pub cases: Vec<case::Model>,
    /// Of those, the cases the person handles (承办人).
    pub handled: HashSet<i64>,
    /// Operations waiting for approval (anyone's: the policy says who approves).
    pub operations: Vec<op::Model>,
    /// Approved or running operations the person is assigned to and has not checked in to.
    pub check_ins: Vec<op::Model>,
    /// Meetings held whose minutes wait for the person's signature (召集人签发).
    pub minutes: Vec<meeting::Model>,
    /// Assistance the org asked for, answered and not yet rated.
    pub ratings: Vec<ar::Model>,
}

impl Store {
    /// What waits in a state for a person of an org, at most `limit` of each kind, oldest
    /// first.
    pub async fn waiting_for(
        &self,
        person_id: i64,
        org_id: i64,
        limit: u64,
    ) -> Result<Waiting, StoreError> {
        let db = self.db();
        let transfers = transfer::Entity::find()
            .filter(transfer::Column::FromOrgId.eq(org_id))
            .filter(transfer::Column::Status.is_in([
                TransferStatus::Draft.as_str(),
                TransferStatus::Approved.as_str(),
            ]))
            .order_by_asc(transfer::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        let handled: HashSet<i64> = case_handler::Entity::find()
            .filter(case_handler::Column::PersonId.eq(person_id))
            .all(db)
            .await?
            .into_iter()
            .map(|h| h.case_id)
            .collect();
        let mut cases = case::Entity::find()
            .filter(case::Column::HolderOrgId.eq(org_id))
            .filter(
                case::Column::Stage
                    .is_in([CaseStage::Review.as_str(), CaseStage::LegalReview.as_str()]),
            )
            .order_by_asc(case::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        let seen: HashSet<i64> = cases.iter().map(|c| c.id).collect();
        let mut mine = case::Entity::find()
            .filter(case::Column::Id.is_in(handled.iter().copied().collect::<Vec<_>>()))
            .filter(case::Column::Stage.is_in(CaseStage::open_values()))
            .order_by_asc(case::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        mine.retain(|c| !seen.contains(&c.id));
        cases.extend(mine);
        let operations = op::Entity::find()
            .filter(op::Column::Status.eq(OperationStatus::Pending.as_str()))
            .order_by_asc(op::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        let assigned: Vec<i64> = officer::Entity::find()
            .filter(officer::Column::PersonId.eq(person_id))
            .filter(officer::Column::CheckedInAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.operation_id)
            .collect();
        let check_ins = op::Entity::find()
            .filter(op::Column::Id.is_in(assigned))
            .filter(op::Column::Status.is_in([
                OperationStatus::Approved.as_str(),
                OperationStatus::Running.as_str(),
            ]))
            .order_by_asc(op::Column::StartsAt)
            .limit(limit)
            .all(db)
            .await?;
        let minutes = meeting::Entity::find()
            .filter(meeting::Column::ConvenorPersonId.eq(person_id))
            .filter(meeting::Column::Status.eq(MeetingStatus::Held.as_str()))
            .order_by_asc(meeting::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        let ratings = ar::Entity::find()
            .filter(ar::Column::FromOrgId.eq(org_id))
            .filter(ar::Column::Status.eq(AssistanceStatus::Answered.as_str()))
            .filter(ar::Column::Rating.is_null())
            .order_by_asc(ar::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        Ok(Waiting {
            transfers,
            cases,
            handled,
            operations,
            check_ins,
            minutes,
            ratings,
        })
    }

    /// Matters named in words, for lists that would otherwise say "线索 6": each
    /// `(subject_type, subject_id)` that names a row gets its words (a lead's tracking number
    /// and what was reported, a case's number and title, an operation's or meeting's title,
    /// what an instruction or assistance request asks, what a transfer, dispute or
    /// supervision order is about).
    pub async fn subject_names(
        &self,
        subjects: &[(String, String)],
    ) -> Result<HashMap<(String, String), String>, StoreError> {
        let db = self.db();
        let ids = |ty: &str| -> Vec<i64> {
            subjects
                .iter()
                .filter(|(t, _)| t == ty)
                .filter_map(|(_, id)| id.parse().ok())
                .collect()
        };
        // A supervision order is about another matter: name that one too.
        let orders = supervision_order::Entity::find()
            .filter(supervision_order::Column::Id.is_in(ids("supervision_order")))
            .all(db)
            .await?;
        // A clock (in the record) is named by the matter it runs on.
        let clocks = clock::Entity::find()
            .filter(clock::Column::Id.is_in(ids("clock")))
            .all(db)
            .await?;
        let mut wanted: Vec<(String, String)> = subjects.to_vec();
        wanted.extend(
            orders
                .iter()
                .map(|o| (o.subject_type.clone(), o.subject_id.clone())),
        );
        wanted.extend(
            clocks
                .iter()
                .map(|c| (c.subject_type.clone(), c.subject_id.clone())),
        );
        let ids = |ty: &str| -> Vec<i64> {
            wanted
                .iter()
                .filter(|(t, _)| t == ty)
                .filter_map(|(_, id)| id.parse().ok())
                .collect()
        };
        let transfers = transfer::Entity::find()
            .filter(transfer::Column::Id.is_in(ids("transfer")))
            .all(db)
            .await?;
        let disputes = dispute::Entity::find()
            .filter(dispute::Column::Id.is_in(ids("dispute")))
            .all(db)
            .await?;
        let mut lead_ids = ids("lead");
        lead_ids.extend(transfers.iter().map(|t| t.lead_id));
        lead_ids.extend(disputes.iter().map(|d| d.lead_id));
        let leads: HashMap<i64, String> = lead::Entity::find()
            .filter(lead::Column::Id.is_in(lead_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|l| {
                (
                    l.id,
                    format!("{} {}", l.tracking_number, short(&l.text, 20)),
                )
            })
            .collect();
        let mut out = HashMap::new();
        let mut put = |ty: &str, id: i64, name: String| {
            out.insert((ty.to_owned(), id.to_string()), name);
        };
        for (id, name) in &leads {
            put("lead", *id, name.clone());
        }
        for t in &transfers {
            if let Some(l) = leads.get(&t.lead_id) {
                put("transfer", t.id, format!("移送：{l}"));
            }
        }
        for d in &disputes {
            if let Some(l) = leads.get(&d.lead_id) {
                put("dispute", d.id, format!("管辖争议：{l}"));
            }
        }
        for c in case::Entity::find()
            .filter(case::Column::Id.is_in(ids("case")))
            .all(db)
            .await?
        {
            put("case", c.id, format!("{} {}", c.number, c.title));
        }
        for a in ar::Entity::find()
            .filter(ar::Column::Id.is_in(ids("assistance_request")))
            .all(db)
            .await?
        {
            put(
                "assistance_request",
                a.id,
                format!("协助：{}", short(&a.text, 24)),
            );
        }
        for i in instruction::Entity::find()
            .filter(instruction::Column::Id.is_in(ids("instruction")))
            .all(db)
            .await?
        {
            put("instruction", i.id, format!("指令：{}", short(&i.body, 24)));
        }
        for o in op::Entity::find()
            .filter(op::Column::Id.is_in(ids("joint_operation")))
            .all(db)
            .await?
        {
            put("joint_operation", o.id, o.title);
        }
        for m in meeting::Entity::find()
            .filter(meeting::Column::Id.is_in(ids("meeting")))
            .all(db)
            .await?
        {
            put("meeting", m.id, m.title);
        }
        for p in crate::entities::person::Entity::find()
            .filter(crate::entities::person::Column::Id.is_in(ids("person")))
            .all(db)
            .await?
        {
            put("person", p.id, format!("人员：{}（{}）", p.name, p.login));
        }
        for o in crate::entities::org::Entity::find()
            .filter(crate::entities::org::Column::Id.is_in(ids("org")))
            .all(db)
            .await?
        {
            put("org", o.id, o.name);
        }
        for t in crate::entities::api_token::Entity::find()
            .filter(crate::entities::api_token::Column::Id.is_in(ids("token")))
            .all(db)
            .await?
        {
            put("token", t.id, format!("接口令牌：{}", t.name));
        }
        for c in &clocks {
            if let Some(about) = out
                .get(&(c.subject_type.clone(), c.subject_id.clone()))
                .cloned()
            {
                out.insert(("clock".to_owned(), c.id.to_string()), about);
            }
        }
        for o in &orders {
            let about = out
                .get(&(o.subject_type.clone(), o.subject_id.clone()))
                .cloned()
                .unwrap_or_else(|| short(&o.reason, 24));
            out.insert(
                ("supervision_order".to_owned(), o.id.to_string()),
                format!("督办：{about}"),
            );
        }
        Ok(out)
    }
}

/// The first `n` characters of a text, with an ellipsis when cut.
fn short(text: &str, n: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}
