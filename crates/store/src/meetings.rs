//! Joint meetings in the database, through `domain::meeting::transition`: calling a meeting
//! with its member orgs (one leader, one liaison each), the agenda collection clock (regular
//! meetings: until 5 working days before), proposals, the minutes with their action items,
//! the convenor's signature (action items' clocks start; for a regular meeting the next
//! half-year clock starts) and the owners' completion reports.

use crate::clocks::{self, ClockEnv, ClockStart};
use crate::entities::{
    action_item as act, agenda_item as agenda, clock, meeting as mt, meeting_member as member, org,
    person,
};
use crate::orgs::Visibility;
use crate::{Store, StoreError, Writer};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use xiezhi_domain::clock::ClockCommand;
use xiezhi_domain::clock::ClockState;
use xiezhi_domain::meeting::{
    ActionStatus, MeetingCommand, MeetingFacts, MeetingKind, MeetingStatus, transition,
};
use xiezhi_domain::{EventKind, payload};

const AGENDA: &str = "meeting.agenda_collection";
const INTERVAL: &str = "meeting.regular_interval";
const ACTION: &str = "meeting.action_item";

/// A member org.
#[derive(Debug, Clone)]
pub struct Member {
    /// The org.
    pub org_id: i64,
    /// Its leader for the meeting (分管领导).
    pub leader_person_id: i64,
    /// Its liaison (联络员).
    pub liaison_person_id: i64,
}

/// A meeting to call.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// Regular or special.
    pub kind: MeetingKind,
    /// Title.
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// The office organising it.
    pub office_org_id: i64,
    /// The convenor who signs the minutes.
    pub convenor_person_id: i64,
    /// Member orgs.
    pub members: Vec<Member>,
    /// Who calls it.
    pub created_by: Option<i64>,
}

/// When agenda collection for a meeting starting at `starts_at` closes, under the office's
/// profile (regular meetings only).
async fn collection_closes(
    w: &Writer,
    env: ClockEnv<'_>,
    office_org_id: i64,
    starts_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, StoreError> {
    let office = org::Entity::find_by_id(office_org_id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("机构"))?;
    let profile = clocks::profile_for(w.txn(), env.rules, &office).await?;
    let rule = profile
        .rule(AGENDA)
        .ok_or_else(|| StoreError::conflict("rules.missing", format!("规则配置中没有 {AGENDA}")))?;
    xiezhi_domain::clock::due_at(rule, starts_at, env.calendar).map_err(StoreError::refused)
}

fn start(subject: i64, rule: &str, holder: i64, at: DateTime<Utc>) -> ClockStart {
    ClockStart {
        subject_type: "meeting".into(),
        subject_id: subject.to_string(),
        rule_id: rule.into(),
        holder_org_id: holder,
        holder_person_id: None,
        at,
    }
}

/// Call a meeting. A regular meeting must leave the agenda collection its time: it is
/// refused when collection would already have closed.
pub async fn call(
    w: &mut Writer,
    env: ClockEnv<'_>,
    n: NewMeeting,
) -> Result<mt::Model, StoreError> {
    let now = w.now();
    if n.starts_at <= now {
        return Err(StoreError::invalid("starts_at", "会议时间应在将来"));
    }
    if n.members.is_empty() {
        return Err(StoreError::invalid("members", "请确定成员单位"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for m in &n.members {
        if !seen.insert(m.org_id) {
            return Err(StoreError::invalid("members", "成员单位重复"));
        }
        let o = org::Entity::find_by_id(m.org_id)
            .one(w.txn())
            .await?
            .filter(|o| o.active)
            .ok_or_else(|| {
                StoreError::invalid("members", format!("成员单位 {} 不存在或已停用", m.org_id))
            })?;
        for (p, what) in [
            (m.leader_person_id, "分管领导"),
            (m.liaison_person_id, "联络员"),
        ] {
            person::Entity::find_by_id(p)
                .one(w.txn())
                .await?
                .filter(|x| x.active && x.org_id == o.id)
                .ok_or_else(|| {
                    StoreError::invalid("members", format!("{} 的{what}应为本单位在职人员", o.name))
                })?;
        }
    }
    person::Entity::find_by_id(n.convenor_person_id)
        .one(w.txn())
        .await?
        .filter(|p| p.active)
        .ok_or_else(|| StoreError::invalid("convenor_person_id", "召集人不存在或已停用"))?;
    if n.kind == MeetingKind::Regular
        && collection_closes(w, env, n.office_org_id, n.starts_at).await? < now
    {
        return Err(StoreError::invalid(
            "starts_at",
            "例行会议须在会前5个工作日征集议题，会议时间过近",
        ));
    }
    let m = mt::ActiveModel {
        kind: Set(n.kind.as_str().into()),
        status: Set(MeetingStatus::Collecting.as_str().into()),
        title: Set(n.title.clone()),
        starts_at: Set(n.starts_at),
        place: Set(n.place.clone()),
        office_org_id: Set(n.office_org_id),
        convenor_person_id: Set(n.convenor_person_id),
        created_by: Set(n.created_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    for x in &n.members {
        member::ActiveModel {
            meeting_id: Set(m.id),
            org_id: Set(x.org_id),
            leader_person_id: Set(x.leader_person_id),
            liaison_person_id: Set(x.liaison_person_id),
            ..Default::default()
        }
        .insert(w.txn())
        .await?;
    }
    if n.kind == MeetingKind::Regular {
        clocks::start(w, env, start(m.id, AGENDA, n.office_org_id, n.starts_at)).await?;
    }
    w.record(
        "meeting",
        m.id,
        EventKind::MeetingCalled,
        &payload::MeetingCalled {
            kind: n.kind.as_str().into(),
            title: n.title.clone(),
            starts_at: n.starts_at.to_rfc3339(),
            place: n.place.clone(),
            office_org_id: n.office_org_id,
            convenor_person_id: n.convenor_person_id,
            members: n
                .members
                .iter()
                .map(|x| payload::MeetingMember {
                    org_id: x.org_id,
                    leader: x.leader_person_id,
                    liaison: x.liaison_person_id,
                })
                .collect(),
        },
    );
    let orgs: Vec<i64> = n.members.iter().map(|x| x.org_id).collect();
    w.announce("meeting", m.id, orgs, vec![], &n.title);
    Ok(m)
}

async fn find(w: &Writer, id: i64) -> Result<mt::Model, StoreError> {
    mt::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("联席会议"))
}

fn refusal(e: xiezhi_domain::meeting::MeetingRefusal) -> StoreError {
    use xiezhi_domain::meeting::MeetingRefusal as R;
    match e {
        R::MinutesRequired => StoreError::invalid("minutes", e.to_string()),
        other => StoreError::refused(other),
    }
}

/// A member org proposes an agenda item (议题).
pub async fn propose(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    org_id: i64,
    person_id: Option<i64>,
    title: &str,
    detail: &str,
) -> Result<agenda::Model, StoreError> {
    let m = find(w, id).await?;
    if member::Entity::find()
        .filter(member::Column::MeetingId.eq(id))
        .filter(member::Column::OrgId.eq(org_id))
        .one(w.txn())
        .await?
        .is_none()
    {
        return Err(StoreError::not_party(
            "meeting.not_member",
            "只有成员单位可以提出议题",
        ));
    }
    let now = w.now();
    let open = m.kind != MeetingKind::Regular.as_str()
        || now <= collection_closes(w, env, m.office_org_id, m.starts_at).await?;
    let status = status_of(&m)?;
    transition(
        status,
        MeetingCommand::Propose,
        MeetingFacts {
            collecting_open: open,
            ..Default::default()
        },
    )
    .map_err(refusal)?;
    let a = agenda::ActiveModel {
        meeting_id: Set(id),
        org_id: Set(org_id),
        person_id: Set(person_id),
        title: Set(title.into()),
        detail: Set(detail.into()),
        at: Set(now),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "meeting",
        id,
        EventKind::MeetingAgendaProposed,
        &payload::MeetingAgendaProposed {
            agenda_item_id: a.id,
            org_id,
            title: title.into(),
            detail: detail.into(),
        },
    );
    Ok(a)
}

/// An action item decided by the meeting.
#[derive(Debug, Clone)]
pub struct NewAction {
    /// The org that must do it.
    pub owner_org_id: i64,
    /// What.
    pub body: String,
    /// By when.
    pub due_at: DateTime<Utc>,
}

/// Settle the agenda, record the minutes (with the action items), sign them, or cancel.
pub async fn step(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
    cmd: MeetingCommand,
    by: Option<i64>,
    minutes: Option<String>,
    actions: Vec<NewAction>,
) -> Result<mt::Model, StoreError> {
    let m = find(w, id).await?;
    let now = w.now();
    let status = status_of(&m)?;
    let next = transition(
        status,
        cmd,
        MeetingFacts {
            collecting_open: true,
            started: now >= m.starts_at,
            has_minutes: minutes.as_deref().is_some_and(|t| !t.trim().is_empty()),
        },
    )
    .map_err(refusal)?;
    let mut am: mt::ActiveModel = m.clone().into();
    am.status = Set(next.as_str().into());
    let kind = match cmd {
        MeetingCommand::SettleAgenda => {
            clocks::satisfy_subject(w, env, "meeting", &id.to_string(), AGENDA).await?;
            EventKind::MeetingAgendaSettled
        }
        MeetingCommand::RecordMinutes => {
            for a in &actions {
                if a.due_at <= now {
                    return Err(StoreError::invalid("actions", "交办事项的期限应在将来"));
                }
                if a.body.trim().is_empty() {
                    return Err(StoreError::invalid("actions", "请写明交办事项"));
                }
                org::Entity::find_by_id(a.owner_org_id)
                    .one(w.txn())
                    .await?
                    .filter(|o| o.active)
                    .ok_or_else(|| StoreError::invalid("actions", "承办单位不存在或已停用"))?;
                act::ActiveModel {
                    meeting_id: Set(id),
                    owner_org_id: Set(a.owner_org_id),
                    body: Set(a.body.trim().into()),
                    due_at: Set(a.due_at),
                    status: Set(ActionStatus::Open.as_str().into()),
                    ..Default::default()
                }
                .insert(w.txn())
                .await?;
            }
            am.minutes = Set(minutes.clone());
            am.minutes_at = Set(Some(now));
            EventKind::MeetingMinutesRecorded
        }
        MeetingCommand::Sign => {
            am.signed_by = Set(by);
            am.signed_at = Set(Some(now));
            EventKind::MeetingMinutesSigned
        }
        MeetingCommand::Cancel => {
            clocks::satisfy_subject(w, env, "meeting", &id.to_string(), AGENDA).await?;
            EventKind::MeetingCancelled
        }
        MeetingCommand::Propose => EventKind::MeetingAgendaProposed,
    };
    let updated = am.update(w.txn()).await?;
    let mut extra = payload::MeetingSigned {
        next_regular_due: None,
        reason: None,
    };
    if cmd == MeetingCommand::Sign {
        // The action items' clocks start with the signed minutes.
        let items = act::Entity::find()
            .filter(act::Column::MeetingId.eq(id))
            .all(w.txn())
            .await?;
        let mut owners = vec![];
        for a in items {
            let c =
                clocks::start_assigned(w, env, start(id, ACTION, a.owner_org_id, now), a.due_at)
                    .await
                    .map_err(|e| match e {
                        StoreError::Invalid { .. } => StoreError::conflict(
                            "action_item.due_passed",
                            format!("交办事项“{}”的期限已过，请重新记录纪要", a.body),
                        ),
                        other => other,
                    })?;
            owners.push(a.owner_org_id);
            let mut aam: act::ActiveModel = a.into();
            aam.clock_id = Set(Some(c.id));
            aam.update(w.txn()).await?;
        }
        // A regular meeting held: the half-year clock to the next one starts anew.
        if m.kind == MeetingKind::Regular.as_str() {
            let earlier = clock::Entity::find()
                .filter(clock::Column::RuleId.eq(INTERVAL))
                .filter(clock::Column::HolderOrgId.eq(m.office_org_id))
                .filter(
                    clock::Column::State
                        .is_in([ClockState::Running.as_str(), ClockState::Breached.as_str()]),
                )
                .all(w.txn())
                .await?;
            for c in earlier {
                clocks::apply(w, env, c.id, ClockCommand::Satisfy).await?;
            }
            match clocks::start(w, env, start(id, INTERVAL, m.office_org_id, m.starts_at)).await {
                Ok(c) => extra.next_regular_due = Some(Some(c.due_at.to_rfc3339())),
                // The calendar of the year it ends in is not loaded yet: said, not hidden.
                Err(StoreError::Conflict {
                    message: reason, ..
                }) => {
                    extra = payload::MeetingSigned {
                        next_regular_due: Some(None),
                        reason: Some(reason),
                    };
                }
                Err(e) => return Err(e),
            }
        }
        owners.sort_unstable();
        owners.dedup();
        w.announce(
            "meeting",
            id,
            owners,
            vec![],
            "会议纪要已签发，请落实交办事项",
        );
    }
    w.record(
        "meeting",
        id,
        kind,
        &payload::MeetingStep {
            status: next.as_str().into(),
            minutes,
            by,
            actions: actions.len(),
            extra,
        },
    );
    Ok(updated)
}

/// The owner reports an action item done; its clock is satisfied.
pub async fn complete_action(
    w: &mut Writer,
    env: ClockEnv<'_>,
    action_id: i64,
    by: Option<i64>,
    report: &str,
) -> Result<act::Model, StoreError> {
    let a = act::Entity::find_by_id(action_id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("交办事项"))?;
    let m = find(w, a.meeting_id).await?;
    let action = crate::stored(
        ActionStatus::parse(&a.status),
        "action_items",
        a.id,
        "status",
        &a.status,
    )?;
    let next = xiezhi_domain::meeting::complete_action(status_of(&m)?, action)
        .map_err(StoreError::refused)?;
    let clock_id = a.clock_id;
    let mut am: act::ActiveModel = a.clone().into();
    am.status = Set(next.as_str().into());
    am.report = Set(Some(report.into()));
    am.done_at = Set(Some(w.now()));
    am.done_by = Set(by);
    let updated = am.update(w.txn()).await?;
    if let Some(c) = clock_id {
        clocks::apply(w, env, c, ClockCommand::Satisfy).await?;
    }
    w.record(
        "meeting",
        a.meeting_id,
        EventKind::MeetingActionDone,
        &payload::MeetingActionDone {
            action_item_id: a.id,
            owner_org_id: a.owner_org_id,
            report: report.into(),
            by,
        },
    );
    Ok(updated)
}

impl Store {
    /// One meeting.
    pub async fn meeting(&self, id: i64) -> Result<mt::Model, StoreError> {
        mt::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("联席会议"))
    }

    /// The meetings `who` may see (one, with `only`), newest first: those of an office in an
    /// overseen scope, those they convene, and those their org is a member of or owns an
    /// action item of.
    pub async fn meetings(
        &self,
        who: &Visibility,
        only: Option<i64>,
    ) -> Result<Vec<mt::Model>, StoreError> {
        let mut cond = who.overseen_by(mt::Column::OfficeOrgId);
        if let Some(p) = who.person {
            cond = cond.add(mt::Column::ConvenorPersonId.eq(p));
        }
        if let Some(me) = who.party_org {
            let members = member::Entity::find()
                .select_only()
                .column(member::Column::MeetingId)
                .filter(member::Column::OrgId.eq(me));
            let actions = act::Entity::find()
                .select_only()
                .column(act::Column::MeetingId)
                .filter(act::Column::OwnerOrgId.eq(me));
            cond = cond
                .add(mt::Column::Id.in_subquery(members.into_query()))
                .add(mt::Column::Id.in_subquery(actions.into_query()));
        }
        let mut q = mt::Entity::find().filter(cond);
        if let Some(id) = only {
            q = q.filter(mt::Column::Id.eq(id));
        }
        Ok(q.order_by_desc(mt::Column::StartsAt).all(self.db()).await?)
    }

    /// Members, agenda items and action items of a meeting.
    pub async fn meeting_parts(
        &self,
        id: i64,
    ) -> Result<(Vec<member::Model>, Vec<agenda::Model>, Vec<act::Model>), StoreError> {
        Ok((
            member::Entity::find()
                .filter(member::Column::MeetingId.eq(id))
                .order_by_asc(member::Column::Id)
                .all(self.db())
                .await?,
            agenda::Entity::find()
                .filter(agenda::Column::MeetingId.eq(id))
                .order_by_asc(agenda::Column::Id)
                .all(self.db())
                .await?,
            act::Entity::find()
                .filter(act::Column::MeetingId.eq(id))
                .order_by_asc(act::Column::Id)
                .all(self.db())
                .await?,
        ))
    }

    /// One action item.
    pub async fn action_item(&self, id: i64) -> Result<act::Model, StoreError> {
        act::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("交办事项"))
    }

    /// Open and done action items owned by orgs (the owners' list).
    pub async fn action_items_of(&self, orgs: &[i64]) -> Result<Vec<act::Model>, StoreError> {
        Ok(act::Entity::find()
            .filter(act::Column::OwnerOrgId.is_in(orgs.to_vec()))
            .order_by_asc(act::Column::DueAt)
            .all(self.db())
            .await?)
    }
}

/// A meeting's stored status, read back (an unknown value names the row).
fn status_of(m: &mt::Model) -> Result<MeetingStatus, StoreError> {
    crate::stored(
        MeetingStatus::parse(&m.status),
        "meetings",
        m.id,
        "status",
        &m.status,
    )
}
