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
});
page!(MeetingPage, "meeting_detail.html" {
    m: MeetingView,
    office: bool,
    convenor: bool,
    member: bool,
    my_org: i64,
});

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/meetings", get(list).post(call))
        .route("/meetings/{id}", get(detail))
        .route("/meetings/{id}/agenda", post(propose))
        .route("/meetings/{id}/steps", post(step))
        .route("/action-items/{id}/complete", post(complete))
}

async fn list(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> Response {
    let meetings = match mops::list(&s, &ctx).await {
        Ok(m) => m,
        Err(e) => return error_page(&e, &ctx.meta.request_id),
    };
    ok(&MeetingListPage {
        layout: Layout::new(&s, &ctx, &headers, "联席会议", "/meetings").await,
        meetings,
        actions: mops::my_actions(&s, &ctx).await.unwrap_or_default(),
        can_call: ctx.can(
            Action::ConveneMeeting,
            &Target::org(ctx.actor.org_path.clone()),
        ),
    })
}

/// The call form: members one a line (`机构编码 分管领导登录名 联络员登录名`).
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
    members: String,
}

async fn call_input(s: &AppState, f: &CallForm) -> Result<MeetingInput, AppError> {
    let mut members = vec![];
    for line in f.members.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [code, leader, liaison] = parts[..] else {
            return Err(AppError::invalid(
                "members",
                format!("“{line}”应为：机构编码 分管领导登录名 联络员登录名"),
            ));
        };
        members.push(MemberInput {
            org_id: org_by_code(s, code, "members").await?,
            leader_person_id: person_by_login(s, leader, "members").await?,
            liaison_person_id: person_by_login(s, liaison, "members").await?,
        });
    }
    Ok(MeetingInput {
        kind: f.kind.clone(),
        title: f.title.clone(),
        starts_at: f.starts_at.clone(),
        place: f.place.clone(),
        convenor_person_id: person_by_login(s, f.convenor.trim(), "convenor").await?,
        members,
    })
}

async fn call(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    CsrfForm(f): CsrfForm<CallForm>,
) -> Response {
    let r = match call_input(&s, &f).await {
        Ok(input) => mops::call(&s, &ctx, &input).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(m) => flash_redirect(
            &format!("/meetings/{}", m.id),
            "会议已召集，成员单位可提出议题",
            &ctx.meta,
        ),
        Err(e) => error_page(&e, &ctx.meta.request_id),
    }
}

async fn detail(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> Response {
    let m = match mops::get(&s, &ctx, id).await {
        Ok(m) => m,
        Err(e) => return error_page(&e, &ctx.meta.request_id),
    };
    let own = Target::org(ctx.actor.org_path.clone());
    ok(&MeetingPage {
        layout: Layout::new(&s, &ctx, &headers, &m.title, "/meetings").await,
        office: ctx.actor.org_id == m.office_org_id && ctx.can(Action::ConveneMeeting, &own),
        convenor: ctx.actor.person_id() == Some(m.convenor_person_id),
        member: m.members.iter().any(|x| x.org_id == ctx.actor.org_id)
            && ctx.can(Action::TakePart, &own),
        my_org: ctx.actor.org_id,
        m,
    })
}

async fn propose(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<AgendaInput>,
) -> Response {
    let r = mops::propose(&s, &ctx, id, &f).await;
    done(&ctx, r, &format!("/meetings/{id}"), "议题已提交")
}

/// The step form: action items one a line (`机构编码 期限 事项`, the due time as
/// `2027-01-31` or `2027-01-31 17:00`).
#[derive(Debug, Clone, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    actions: String,
}

async fn step_input(s: &AppState, f: &StepForm) -> Result<MeetingStepInput, AppError> {
    let mut actions = vec![];
    for line in f.actions.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.splitn(3, char::is_whitespace);
        let (Some(code), Some(due), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(AppError::invalid(
                "actions",
                format!("“{line}”应为：机构编码 期限 交办事项"),
            ));
        };
        let owner_org_id = org_by_code(s, code, "actions").await?;
        let due = if due.len() == 10 {
            format!("{due} 17:30")
        } else {
            due.replace('T', " ")
        };
        actions.push(ActionInput {
            owner_org_id,
            body: body.trim().to_owned(),
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
) -> Response {
    let r = match step_input(&s, &f).await {
        Ok(input) => mops::step(&s, &ctx, id, &input).await,
        Err(e) => Err(e),
    };
    done(&ctx, r, &format!("/meetings/{id}"), "已办理")
}

async fn complete(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<ActionReportInput>,
) -> Response {
    match mops::complete_action(&s, &ctx, id, &f).await {
        Ok(m) => flash_redirect(&format!("/meetings/{}", m.id), "已反馈办结", &ctx.meta),
        Err(e) => error_page(&e, &ctx.meta.request_id),
    }
}
