//! Pages: cases (list, the case page with its stage bar, parties, clocks, record and the
//! forms for each step) and the legal reviewer's queue.

use super::*;
use crate::ops::acting::may_act;
use crate::ops::cases::{
    self as cops, CaseQuery, CaseView, EvidenceInput, FlagsInput, PartyInput, StepInput,
};

page!(CasesPage, "cases.html" { page: Page_<CaseView>, pager: Pager, title_note: String });
page!(CasePage, "case_detail.html" {
    c: CaseView,
    events: Vec<ops::EventView>,
    can_decide: bool,
    tiers: Vec<xiezhi_domain::catalog::DiscretionTier>,
    documents: Vec<crate::ops::documents::DocumentView>,
    kinds: Vec<(&'static str, &'static str)>,
    place: Option<String>,
    item_name: Option<String>,
    lead_name: Option<String>,
});

page!(DocumentDraftPage, "document_draft.html" {
    c: CaseView,
    d: crate::ops::documents::DocumentDraft,
});

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/cases", get(cases_page))
        .route("/cases/{id}", get(case_page))
        .route("/cases/{id}/steps", post(step))
        .route("/cases/{id}/parties", post(add_party))
        .route("/cases/{id}/flags", post(flags))
        .route("/cases/{id}/evidence", post(add_evidence))
        .route("/cases/{id}/documents", post(issue_document))
        .route("/cases/{id}/documents/new", get(draft_document))
        .route("/legal-review", get(review_page))
}

async fn cases_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<CaseQuery>,
) -> UiResult {
    let page = cops::list(&s, &ctx, &q).await?;
    ok(&CasesPage {
        layout: Layout::new(&s, &ctx, &headers, "案件", "/cases").await,
        pager: Pager::new(&page, uri.query().unwrap_or_default()),
        page,
        title_note: if q.open == Some(true) {
            "仅列出在办案件（未结案、未归档）。".into()
        } else {
            String::new()
        },
    })
}

async fn review_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    let items = cops::review_queue(&s, &ctx).await?;
    let total = items.len() as u64;
    let page = Page_ {
        items,
        total,
        page: 1,
        per_page: total.max(1),
    };
    ok(&CasesPage {
        layout: Layout::new(&s, &ctx, &headers, "法制审核", "/legal-review").await,
        pager: Pager::new(&page, ""),
        page,
        title_note: "待法制审核的案件（承办人不得审核本人承办的案件）".into(),
    })
}

async fn case_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let c = cops::get(&s, &ctx, id).await?;
    let events = cops::timeline(&s, &ctx, id).await.unwrap_or_default();
    let holder = s.store.org(c.holder_org_id).await?;
    // The item version the case was filed under: its name and discretion tiers.
    let item = match (&c.item_code, c.item_version) {
        (Some(code), Some(v)) => s
            .store
            .item_versions(code)
            .await
            .unwrap_or_default()
            .into_iter()
            .find(|i| i.version == v),
        _ => None,
    };
    let tiers = item
        .as_ref()
        .and_then(|i| serde_json::from_str(&i.discretion).ok())
        .unwrap_or_default();
    let item_name = item.map(|i| i.name);
    let documents = crate::ops::documents::list(&s, &ctx, id)
        .await
        .unwrap_or_default();
    let place = match &c.division_code {
        Some(code) => s
            .store
            .places()
            .await
            .unwrap_or_default()
            .into_iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| name),
        None => None,
    };
    let lead_name = match c.lead_id {
        Some(id) => {
            let key = ("lead".to_owned(), id.to_string());
            s.store
                .subject_names(std::slice::from_ref(&key))
                .await
                .unwrap_or_default()
                .remove(&key)
        }
        None => None,
    };
    ok(&CasePage {
        lead_name,
        place,
        item_name,
        layout: Layout::new(&s, &ctx, &headers, &format!("案件 {}", c.number), "/cases").await,
        documents,
        kinds: xiezhi_domain::document::DocumentKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        can_decide: may_act(&ctx, Action::DecideCase, &holder),
        tiers,
        events,
        c,
    })
}

/// A step as typed.
#[derive(Debug, Clone, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    amount: String,
}

async fn step(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<StepForm>,
) -> UiResult {
    let amount = match f.amount.trim() {
        "" => None,
        a => match a.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                return Err(AppError::invalid("amount", "罚款金额应为整数（元）").into());
            }
        },
    };
    let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let input = StepInput {
        step: f.step.clone(),
        reason: opt(&f.reason),
        decision: opt(&f.decision),
        tier: opt(&f.tier),
        amount,
    };
    let r = cops::step(&s, &ctx, id, &input).await;
    done(&ctx, r, &format!("/cases/{id}"), "已办理")
}

async fn add_party(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<PartyInput>,
) -> UiResult {
    let r = cops::add_party(&s, &ctx, id, &f).await;
    done(&ctx, r, &format!("/cases/{id}"), "已添加当事人")
}

/// Flags as typed (checkboxes).
#[derive(Debug, Clone, Default, Deserialize)]
struct FlagsForm {
    major: Option<String>,
    suspected_crime: Option<String>,
}

async fn flags(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<FlagsForm>,
) -> UiResult {
    let input = FlagsInput {
        major: Some(f.major.is_some()),
        suspected_crime: Some(f.suspected_crime.is_some()),
    };
    let r = cops::set_flags(&s, &ctx, id, &input).await;
    done(&ctx, r, &format!("/cases/{id}"), "已更新案件标记")
}

async fn add_evidence(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<EvidenceInput>,
) -> UiResult {
    let r = cops::add_evidence(&s, &ctx, id, &f).await;
    done(&ctx, r, &format!("/cases/{id}"), "证据已加入案卷")
}

/// The kind of document to draft.
#[derive(Debug, Clone, Default, Deserialize)]
struct DraftQuery {
    #[serde(default)]
    kind: String,
}

/// A document drafted from the case, for the handler to edit before issuing.
async fn draft_document(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
    UiQuery(q): UiQuery<DraftQuery>,
) -> UiResult {
    let c = cops::get(&s, &ctx, id).await?;
    let d = crate::ops::documents::draft(&s, &ctx, id, &q.kind).await?;
    ok(&DocumentDraftPage {
        layout: Layout::new(
            &s,
            &ctx,
            &headers,
            &format!("制作{}：{}", d.kind_label, c.number),
            "/cases",
        )
        .await,
        c,
        d,
    })
}

/// The document form: its kind and each field as written (field names as the kind lists).
#[derive(Debug, Clone, Default, Deserialize)]
struct IssueForm {
    #[serde(default)]
    kind: String,
    #[serde(flatten)]
    fields: std::collections::BTreeMap<String, String>,
}

async fn issue_document(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<IssueForm>,
) -> UiResult {
    let mut fields = f.fields;
    fields.remove("csrf");
    let input = crate::ops::documents::IssueInput {
        kind: f.kind,
        fields,
    };
    let r = crate::ops::documents::issue(&s, &ctx, id, &input).await;
    done(
        &ctx,
        r,
        &format!("/cases/{id}#documents"),
        "文书已制发，内容已固定",
    )
}
