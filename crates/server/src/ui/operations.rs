//! Pages: the joint operations board (with the plan form), the operation page (plan,
//! participants, steps, notices, links, a live feed of field reports) and the phone page for
//! officers in the field (check in, report with a photo).

use super::*;
use crate::ops::operations::{
    self as oops, CheckInInput, DispatchInput, FieldReportInput, LinkInput, NoticeInput,
    OperationInput, OperationStepInput, OperationView, UnitInput,
};

page!(OperationBoardPage, "operations.html" {
    columns: Vec<(&'static str, Vec<OperationView>)>,
    can_draft: bool,
    can_apply: bool,
    orgs: Vec<(i64, String)>,
    people: Vec<PersonChoice>,
});
page!(OperationPage, "operation_detail.html" {
    o: OperationView,
    on_list: bool,
    my_notice: Option<i64>,
    orgs: Vec<(i64, String)>,
    our_officers: Vec<PersonChoice>,
});
page!(FieldPage, "operation_field.html" { o: OperationView, checked_in: bool });

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/operations", get(board).post(create))
        .route("/operations/{id}", get(detail))
        .route("/operations/{id}/field", get(field))
        .route("/operations/{id}/steps", post(step))
        .route("/operations/{id}/check-in", post(check_in))
        .route("/operations/{id}/reports", post(report))
        .route("/operations/{id}/links", post(link))
        .route("/operations/{id}/notices", post(notify))
        .route("/operation-notices/{id}/dispatch", post(dispatch))
}

async fn board(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    let all = oops::list(&s, &ctx).await?;
    use xiezhi_domain::operation::OperationStatus as S;
    let column = |statuses: &[S]| -> Vec<OperationView> {
        all.iter()
            .filter(|o| statuses.iter().any(|st| st.as_str() == o.status))
            .cloned()
            .collect()
    };
    let own = Target::org(ctx.actor.org_path.clone());
    ok(&OperationBoardPage {
        layout: Layout::new(&s, &ctx, &headers, "联合执法行动", "/operations").await,
        columns: vec![
            ("方案与审批", column(&[S::Draft, S::Pending])),
            ("已批准待实施", column(&[S::Approved])),
            ("实施中", column(&[S::Running])),
            ("已结束", column(&[S::Closed, S::Rejected, S::Cancelled])),
        ],
        can_draft: ctx.can(Action::Coordinate, &own),
        can_apply: ctx.can(
            Action::PlanOperation,
            &Target::in_name_of(ctx.actor.org_path.clone()),
        ),
        orgs: orgs_for_select(&s, &ctx.tree_path(), &ctx, true).await,
        people: people_for_select(&s, &ctx).await,
    })
}

/// The plan form: units one a line (`机构编码 负责人登录名 任务`), officers by login.
#[derive(Debug, Clone, Default, Deserialize)]
struct PlanForm {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    goal: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    lead_org_id: String,
    /// One row per unit: the org, its responsible person and its tasks.
    #[serde(default)]
    unit_org: Vec<String>,
    #[serde(default)]
    unit_person: Vec<String>,
    #[serde(default)]
    unit_task: Vec<String>,
    /// The officers picked (ids).
    #[serde(default)]
    officers: Vec<String>,
}

async fn plan_input(f: &PlanForm) -> Result<OperationInput, AppError> {
    let mut units = vec![];
    for (i, org) in f.unit_org.iter().enumerate() {
        let org = org.trim();
        if org.is_empty() {
            continue;
        }
        let person = f.unit_person.get(i).map(|p| p.trim()).unwrap_or_default();
        units.push(UnitInput {
            org_id: org
                .parse()
                .map_err(|_| AppError::invalid("unit_org", "请从列表中选择参与单位"))?,
            responsible_person_id: person
                .parse()
                .map_err(|_| AppError::invalid("unit_person", "请为每个参与单位选择负责人"))?,
            tasks: f
                .unit_task
                .get(i)
                .map(|t| t.trim())
                .unwrap_or_default()
                .to_owned(),
        });
    }
    if units.is_empty() {
        return Err(AppError::invalid(
            "unit_org",
            "请至少选择一个参与单位（须含牵头单位）",
        ));
    }
    let officers = picked_ids(&f.officers, "officers")?;
    Ok(OperationInput {
        mode: f.mode.clone(),
        title: f.title.clone(),
        goal: f.goal.clone(),
        domain: f.domain.clone(),
        area: f.area.lines().map(str::to_owned).collect(),
        starts_at: f.starts_at.clone(),
        ends_at: f.ends_at.clone(),
        lead_org_id: f.lead_org_id.trim().parse().ok(),
        units,
        officers,
    })
}

async fn create(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    CsrfForm(f): CsrfForm<PlanForm>,
) -> UiResult {
    let o = oops::create(&s, &ctx, &plan_input(&f).await?).await?;
    Ok(flash_redirect(
        &format!("/operations/{}", o.id),
        "行动方案已保存，请核对后提交",
        &ctx.meta,
    ))
}

async fn detail(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let o = oops::get(&s, &ctx, id).await?;
    let my_notice = o
        .notices
        .iter()
        .find(|n| n.org_id == ctx.actor.org_id && n.dispatched_at.is_none())
        .map(|n| n.id)
        .filter(|_| o.steps.may("dispatch"));
    ok(&OperationPage {
        layout: Layout::new(&s, &ctx, &headers, &o.title, "/operations").await,
        on_list: o.steps.may("check_in"),
        our_officers: match my_notice {
            Some(_) => people_for_select(&s, &ctx)
                .await
                .into_iter()
                .filter(|p| p.officer && p.org_id == ctx.actor.org_id)
                .collect(),
            None => vec![],
        },
        my_notice,
        orgs: orgs_for_select(&s, &ctx.tree_path(), &ctx, true)
            .await
            .into_iter()
            .filter(|(id, _)| !o.units.iter().any(|u| u.org_id == *id))
            .collect(),
        o,
    })
}

async fn field(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let o = oops::get(&s, &ctx, id).await?;
    let me = ctx.actor.person_id();
    let mine = o.officers.iter().find(|x| Some(x.person_id) == me);
    ok(&FieldPage {
        layout: Layout::new(&s, &ctx, &headers, &o.title, "/operations").await,
        checked_in: mine.is_some_and(|x| x.checked_in_at.is_some()),
        o,
    })
}

async fn step(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<OperationStepInput>,
) -> UiResult {
    let r = oops::step(&s, &ctx, id, &f).await;
    done(&ctx, r, &format!("/operations/{id}"), "已办理")
}

/// A form's latitude/longitude fields (empty when the browser gave none).
#[derive(Debug, Clone, Default, Deserialize)]
struct PlaceForm {
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    photo: String,
}

impl PlaceForm {
    fn point(&self) -> (Option<f64>, Option<f64>) {
        (self.lat.trim().parse().ok(), self.lon.trim().parse().ok())
    }
}

async fn check_in(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<PlaceForm>,
) -> UiResult {
    let (lat, lon) = f.point();
    let r = oops::check_in(&s, &ctx, id, &CheckInInput { lat, lon }).await;
    done(&ctx, r, &format!("/operations/{id}/field"), "已签到")
}

async fn report(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<PlaceForm>,
) -> UiResult {
    let (lat, lon) = f.point();
    let input = FieldReportInput {
        body: f.body.clone(),
        lat,
        lon,
        photos: Some(f.photo.trim().to_owned())
            .filter(|p| !p.is_empty())
            .into_iter()
            .collect(),
    };
    let r = oops::report(&s, &ctx, id, &input).await;
    done(
        &ctx,
        r,
        &format!("/operations/{id}/field"),
        "现场情况已报送",
    )
}

/// The link form: a lead or case number.
#[derive(Debug, Clone, Default, Deserialize)]
struct LinkForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    number: String,
}

async fn link(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<LinkForm>,
) -> UiResult {
    // The number people have: a lead's tracking number (受理编号) or a case number (案号);
    // a bare id still works.
    let number = f.number.trim().to_uppercase();
    let lead = s.store.lead_by_tracking(&number).await.ok().flatten();
    let case = s.store.case_by_number(&number).await.ok().flatten();
    let input = match (lead, case, number.parse::<i64>()) {
        (Some(l), _, _) => LinkInput {
            lead_id: Some(l.id),
            case_id: None,
        },
        (None, Some(c), _) => LinkInput {
            lead_id: None,
            case_id: Some(c.id),
        },
        (None, None, Ok(n)) if f.kind == "case" => LinkInput {
            lead_id: None,
            case_id: Some(n),
        },
        (None, None, Ok(n)) => LinkInput {
            lead_id: Some(n),
            case_id: None,
        },
        (None, None, Err(_)) => {
            return Err(AppError::invalid(
                "number",
                format!("没有受理编号或案号为“{}”的线索或案件", f.number.trim()),
            )
            .into());
        }
    };
    let r = oops::link(&s, &ctx, id, &input).await;
    done(&ctx, r, &format!("/operations/{id}"), "已关联")
}

/// The notice form.
#[derive(Debug, Clone, Default, Deserialize)]
struct NoticeForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    body: String,
}

async fn notify(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<NoticeForm>,
) -> UiResult {
    let Ok(org_id) = f.org_id.trim().parse() else {
        return Err(AppError::invalid("org_id", "请选择被通知单位").into());
    };
    let input = NoticeInput {
        org_id,
        body: f.body.clone(),
    };
    let r = oops::notify(&s, &ctx, id, &input).await;
    done(
        &ctx,
        r,
        &format!("/operations/{id}"),
        "已通知，该单位须当日派员",
    )
}

/// The dispatch form: officers by login.
#[derive(Debug, Clone, Default, Deserialize)]
struct DispatchForm {
    /// The officers sent (ids).
    #[serde(default)]
    officers: Vec<String>,
    #[serde(default)]
    note: String,
}

async fn dispatch(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<DispatchForm>,
) -> UiResult {
    let officers = picked_ids(&f.officers, "officers")?;
    let o = oops::dispatch(
        &s,
        &ctx,
        id,
        &DispatchInput {
            officers,
            note: f.note.clone(),
        },
    )
    .await?;
    Ok(flash_redirect(
        &format!("/operations/{}", o.id),
        "已派员",
        &ctx.meta,
    ))
}
