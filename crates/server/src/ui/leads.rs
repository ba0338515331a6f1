//! Pages: leads (list, the phone-friendly intake form with location, detail, signing for).

use super::*;
use crate::ops::leads::{self as lops, LeadInputBody, LeadQuery, LeadView};
use xiezhi_domain::lead::Channel;

page!(LeadsPage, "leads.html" { page: Page_<LeadView>, pager: Pager, can_submit: bool });
page!(LeadFormPage, "lead_form.html" {
    form: LeadForm, error: Option<String>, channels: Vec<(&'static str, &'static str)>, places: Vec<(String, String)>,
});
page!(ComplaintPage, "complaint.html" { form: LeadForm, error: Option<String>, tracking: Option<String> });
page!(LookupPage, "lookup.html" { tracking: String, phone: String, status: Option<lops::PublicStatus>, error: Option<String>, ratings: Vec<(&'static str, &'static str)> });

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/leads", get(leads_page).post(create))
        .route("/leads/new", get(new_page))
        .route("/leads/{id}/sign", post(sign))
        .route("/complaint", get(complaint_page).post(complain))
        .route("/complaint/lookup", get(lookup_page).post(lookup))
        .route("/complaint/rate", post(rate))
}

/// The intake form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeadForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    address: String,
    /// The township or village picked by name (its division code).
    #[serde(default)]
    division_code: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    reporter_name: String,
    #[serde(default)]
    reporter_phone: String,
    urgent: Option<String>,
    /// SM3 digests of uploaded photos, comma-separated (filled by the page's script).
    #[serde(default)]
    photos: String,
}

fn can_submit(ctx: &Ctx) -> bool {
    ctx.can(Action::SubmitLead, &Target::org(ctx.actor.org_path.clone()))
}

async fn leads_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<LeadQuery>,
) -> UiResult {
    let page = lops::list(&s, &ctx, &q).await?;
    ok(&LeadsPage {
        layout: Layout::new(&s, &ctx, &headers, "线索", "/leads").await,
        pager: Pager::new(&page, uri.query().unwrap_or_default()),
        page,
        can_submit: can_submit(&ctx),
    })
}

async fn form_page(
    s: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    form: LeadForm,
    error: Option<String>,
) -> UiResult {
    Ok(render(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &LeadFormPage {
            layout: Layout::new(s, ctx, headers, "登记线索", "/leads").await,
            form,
            error,
            channels: Channel::ALL
                .iter()
                .map(|c| (c.as_str(), c.label()))
                .collect(),
            places: s.store.places().await.unwrap_or_default(),
        },
    ))
}

async fn new_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    ctx.authorize(Action::SubmitLead, &Target::org(ctx.actor.org_path.clone()))?;
    let channel = if ctx.actor.has(xiezhi_domain::Role::GridMember) {
        "grid"
    } else {
        "patrol"
    };
    form_page(
        &s,
        &ctx,
        &headers,
        LeadForm {
            channel: channel.into(),
            ..Default::default()
        },
        None,
    )
    .await
}

async fn create(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<LeadForm>,
) -> UiResult {
    let num = |v: &str, field: &str| -> Result<Option<f64>, AppError> {
        match v.trim() {
            "" => Ok(None),
            t => t
                .parse()
                .map(Some)
                .map_err(|_| AppError::invalid(field, "坐标应为数字")),
        }
    };
    let body = match (num(&f.lon, "lon"), num(&f.lat, "lat")) {
        (Ok(lon), Ok(lat)) => LeadInputBody {
            channel: f.channel.clone(),
            reporter_name: Some(f.reporter_name.clone()),
            reporter_phone: Some(f.reporter_phone.clone()),
            text: f.text.clone(),
            address: f.address.clone(),
            division_code: Some(f.division_code.trim().to_owned()).filter(|d| !d.is_empty()),
            lon,
            lat,
            item_code: None,
            urgent: f.urgent.is_some(),
            photos: f
                .photos
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
                .collect(),
        },
        (Err(e), _) | (_, Err(e)) => {
            return form_page(&s, &ctx, &headers, f, Some(e.to_string())).await;
        }
    };
    match lops::submit(&s, &ctx, &body, None).await {
        Ok((l, _)) => Ok(flash_redirect(
            &format!("/leads/{}", l.id),
            &format!("线索已登记，受理编号 {}", l.tracking_number),
            &ctx.meta,
        )),
        Err(e @ AppError::Invalid { .. }) => {
            form_page(&s, &ctx, &headers, f, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn sign(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    let r = lops::sign(&s, &ctx, id).await;
    done(&ctx, r, &format!("/leads/{id}"), "已签收")
}

async fn complaint_page(meta: RequestMeta) -> UiResult {
    ok(&ComplaintPage {
        layout: Layout::public("投诉举报", &meta),
        form: LeadForm::default(),
        error: None,
        tracking: None,
    })
}

async fn complain(
    State(s): State<AppState>,
    meta: RequestMeta,
    CsrfForm(f): CsrfForm<LeadForm>,
) -> UiResult {
    let num = |v: &str| v.trim().parse::<f64>().ok();
    let body = LeadInputBody {
        channel: "complaint".into(),
        reporter_name: Some(f.reporter_name.clone()),
        reporter_phone: Some(f.reporter_phone.clone()),
        text: f.text.clone(),
        address: f.address.clone(),
        division_code: None,
        lon: num(&f.lon),
        lat: num(&f.lat),
        item_code: None,
        urgent: false,
        photos: vec![],
    };
    match lops::submit_public(&s, &meta, &body).await {
        Ok(l) => ok(&ComplaintPage {
            layout: Layout::public("投诉举报", &meta),
            form: LeadForm::default(),
            error: None,
            tracking: Some(l.tracking_number),
        }),
        Err(e @ (AppError::Invalid { .. } | AppError::Throttled(_))) => Ok(render(
            e.status(),
            &ComplaintPage {
                layout: Layout::public("投诉举报", &meta),
                form: f,
                error: Some(e.to_string()),
                tracking: None,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

/// The lookup page's address may name the tracking number (from the receipt); the phone
/// is only ever posted, never put in an address.
#[derive(Deserialize)]
struct LookupQuery {
    tracking: Option<String>,
}

/// A lookup, posted.
#[derive(Debug, Clone, Default, Deserialize)]
struct LookupForm {
    #[serde(default)]
    tracking: String,
    #[serde(default)]
    phone: String,
}

fn ratings() -> Vec<(&'static str, &'static str)> {
    xiezhi_domain::lead::Satisfaction::ALL
        .iter()
        .map(|r| (r.as_str(), r.label()))
        .collect()
}

fn lookup_result(
    meta: &RequestMeta,
    tracking: String,
    phone: String,
    r: Result<Option<lops::PublicStatus>, AppError>,
) -> UiResult {
    let (status, error, code) = match r {
        Ok(st) => (st, None, StatusCode::OK),
        Err(e) => {
            let code = e.status();
            (None, Some(e.to_string()), code)
        }
    };
    Ok(render(
        code,
        &LookupPage {
            layout: Layout::public("办理进度查询", meta),
            tracking,
            phone,
            status,
            error,
            ratings: ratings(),
        },
    ))
}

async fn lookup_page(meta: RequestMeta, UiQuery(q): UiQuery<LookupQuery>) -> UiResult {
    lookup_result(
        &meta,
        q.tracking.unwrap_or_default(),
        String::new(),
        Ok(None),
    )
}

async fn lookup(
    State(s): State<AppState>,
    meta: RequestMeta,
    CsrfForm(f): CsrfForm<LookupForm>,
) -> UiResult {
    let r = if f.tracking.trim().is_empty() {
        Err(AppError::invalid("tracking", "请填写受理编号"))
    } else {
        lops::lookup(&s, &meta, &f.tracking, &f.phone)
            .await
            .map(Some)
    };
    lookup_result(&meta, f.tracking, f.phone, r)
}

/// A rating from the lookup page.
#[derive(Debug, Clone, Default, Deserialize)]
struct RateForm {
    #[serde(default)]
    tracking: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    rating: String,
}

async fn rate(
    State(s): State<AppState>,
    meta: RequestMeta,
    CsrfForm(f): CsrfForm<RateForm>,
) -> UiResult {
    let r = lops::rate(&s, &meta, &f.tracking, &f.phone, &f.rating)
        .await
        .map(Some);
    lookup_result(&meta, f.tracking, f.phone, r)
}
