//! Pages: joint meetings — the list with the office's form to call one and the caller's
//! org's action items; the meeting page with the agenda, the minutes and the action items.

use super::*;
use crate::ops::meetings::{
    self as mops, ActionInput, ActionReportInput, ActionView, AgendaInput, MeetingInput,
    MeetingStepInput, MeetingView, MemberInput,
};

page!(MeetingListPage, "meetings.html" {
    meetings: Vec<MeetingView>,
    actions: Vec<ActionView>,
    can_call: bool,
    orgs: Vec<(i64, String)>,
    people: Vec<PersonChoice>,
});
page!(MeetingPage, "meeting_detail.html" {
    m: MeetingView,
    orgs: Vec<(i64, String)>,
});

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/meetings", get(list).post(call))
        .route("/meetings/{id}", get(detail))
        .route("/meetings/{id}/agenda", post(propose))
        .route("/meetings/{id}/steps", post(step))
        .route("/action-items/{id}/complete", post(complete))
}

async fn list(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    let meetings = mops::list(&s, &ctx).await?;
    let can_call = ctx.can(Action::ConveneMeeting, &mops::organised_by(&ctx));
    let (orgs, people) = if can_call {
        (
            government_orgs(&s, &ctx, true).await,
            people_for_select(&s, &ctx).await,
        )
    } else {
        (vec![], vec![])
    };
    ok(&MeetingListPage {
        layout: Layout::new(&s, &ctx, &headers, "联席会议", "/meetings").await,
        meetings,
        actions: mops::my_actions(&s, &ctx).await.unwrap_or_default(),
        can_call,
        orgs,
        people,
    })
}

/// The call form: the convenor picked, one row per member org (the org, its leader in charge
/// and its liaison).
#[derive(Debug, Clone, Default, Deserialize)]
struct CallForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    convenor: String,
    #[serde(default)]
    member_org: Vec<String>,
    #[serde(default)]
    member_leader: Vec<String>,
    #[serde(default)]
    member_liaison: Vec<String>,
}

fn call_input(f: &CallForm) -> Result<MeetingInput, AppError> {
    let pick = |v: Option<&String>, field: &'static str, what: &str| -> Result<i64, AppError> {
        v.map(|x| x.trim())
            .unwrap_or_default()
            .parse()
            .map_err(|_| AppError::invalid(field, format!("请为每个成员单位选择{what}")))
    };
    let mut members = vec![];
    for (i, org) in f.member_org.iter().enumerate() {
        if org.trim().is_empty() {
            continue;
        }
        members.push(MemberInput {
            org_id: pick(Some(org), "member_org", "单位")?,
            leader_person_id: pick(f.member_leader.get(i), "member_leader", "分管领导")?,
            liaison_person_id: pick(f.member_liaison.get(i), "member_liaison", "联络员")?,
        });
    }
    if members.is_empty() {
        return Err(AppError::invalid("member_org", "请至少选择一个成员单位"));
    }
    Ok(MeetingInput {
        kind: f.kind.clone(),
        title: f.title.clone(),
        starts_at: f.starts_at.clone(),
        place: f.place.clone(),
        convenor_person_id: f
            .convenor
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("convenor", "请选择召集人"))?,
        members,
    })
}

async fn call(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    CsrfForm(f): CsrfForm<CallForm>,
) -> UiResult {
    let m = mops::call(&s, &ctx, &call_input(&f)?).await?;
    Ok(flash_redirect(
        &format!("/meetings/{}", m.id),
        "会议已召集，成员单位可提出议题",
        &ctx.meta,
    ))
}

async fn detail(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let m = mops::get(&s, &ctx, id).await?;
    ok(&MeetingPage {
        layout: Layout::new(&s, &ctx, &headers, &m.title, "/meetings").await,
        orgs: government_orgs(&s, &ctx, true).await,
        m,
    })
}

async fn propose(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<AgendaInput>,
) -> UiResult {
    let r = mops::propose(&s, &ctx, id, &f).await;
    done(&ctx, r, &format!("/meetings/{id}"), "议题已提交")
}

/// The step form: one row per action item (the owner org picked, the due date, the task).
#[derive(Debug, Clone, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    action_org: Vec<String>,
    #[serde(default)]
    action_due: Vec<String>,
    #[serde(default)]
    action_body: Vec<String>,
}

fn step_input(f: &StepForm) -> Result<MeetingStepInput, AppError> {
    let mut actions = vec![];
    for (i, org) in f.action_org.iter().enumerate() {
        if org.trim().is_empty() {
            continue;
        }
        let owner_org_id = org
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("action_org", "请从列表中选择承办单位"))?;
        let due = f.action_due.get(i).map(|d| d.trim()).unwrap_or_default();
        if due.is_empty() {
            return Err(AppError::invalid("action_due", "请填写交办事项的期限"));
        }
        let due = if due.len() == 10 {
            format!("{due} 17:30")
        } else {
            due.replace('T', " ")
        };
        actions.push(ActionInput {
            owner_org_id,
            body: f
                .action_body
                .get(i)
                .map(|b| b.trim())
                .unwrap_or_default()
                .to_owned(),
            due_at: due,
        });
    }
    Ok(MeetingStepInput {
        step: f.step.clone(),
        minutes: Some(f.minutes.clone()).filter(|m| !m.trim().is_empty()),
        actions,
    })
}

async fn step(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<StepForm>,
) -> UiResult {
    let r = mops::step(&s, &ctx, id, &step_input(&f)?).await;
    done(&ctx, r, &format!("/meetings/{id}"), "已办理")
}

async fn complete(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<ActionReportInput>,
) -> UiResult {
    let m = mops::complete_action(&s, &ctx, id, &f).await?;
    Ok(flash_redirect(
        &format!("/meetings/{}", m.id),
        "已反馈办结",
        &ctx.meta,
    ))
}
