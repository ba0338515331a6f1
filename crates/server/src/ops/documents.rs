//! Enforcement documents (执法文书): the standard templates (minijinja, HTML-escaped,
//! editable per government at run time), issuing a document for a case with its number, and
//! reading documents.

use super::transfers::acting_for;
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xiezhi_domain::document::{DEFAULT_PATTERN, DocumentKind, check_pattern};
use xiezhi_domain::{Action, Target};
use xiezhi_store::documents::{self as sd, NewDocument};
use xiezhi_store::entities::document;

/// The page around every document.
const FRAME: &str = r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ doc.kind_label }} {{ doc.number }}</title>
<style>body{font-family:"Noto Serif CJK SC","Songti SC",SimSun,serif;max-width:40em;margin:2em auto;line-height:1.9}h1{text-align:center;font-size:1.6em;letter-spacing:.2em}.no{text-align:center}.sign{text-align:right;margin-top:3em}</style></head><body>
<h1>{{ org.name }}<br>{{ doc.kind_label }}</h1><p class="no">{{ doc.number }}</p>
{{ body }}
<p class="sign">{{ org.name }}<br>{{ doc.date }}</p></body></html>"#;

/// The shipped body of each kind.
fn default_body(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::FilingApproval => {
            "<p>案由：{{ case.title }}</p><p>执法事项：{{ item.name }}（{{ item.code }}）</p><p>当事人：{% for p in parties %}{{ p.name }}（{{ p.code }}）{% if not loop.last %}、{% endif %}{% else %}待查明{% endfor %}</p><p>立案依据：{{ item.law }}{{ item.article }}。经审查，符合立案条件，拟予立案。</p><p>承办机构负责人意见：</p>"
        }
        DocumentKind::InspectionRecord => {
            "<p>检查地点：{{ case.division_code }}</p><p>被检查人：{% for p in parties %}{{ p.name }}{% endfor %}</p><p>检查情况：</p><p>（以下空白）</p><p>被检查人签名：　　　　执法人员签名：</p>"
        }
        DocumentKind::PenaltyNotice => {
            "<p>{% for p in parties %}{{ p.name }}{% endfor %}：</p><p>经查，你（单位）{{ case.title }}，违反了{{ item.law }}{{ item.article }}的规定。依据{{ item.law }}{{ item.penalty_clause }}，本机关拟对你（单位）作出如下行政处罚：{% if case.decision_amount %}罚款人民币{{ case.decision_amount }}元{% else %}（处罚内容）{% endif %}。</p><p>根据《中华人民共和国行政处罚法》第四十四条、第四十五条{% if case.major %}、第六十三条{% endif %}的规定，你（单位）有权进行陈述和申辩{% if case.major %}，并有权要求听证{% endif %}。逾期未提出的，视为放弃上述权利。</p>"
        }
        DocumentKind::PenaltyDecision => {
            "<p>当事人：{% for p in parties %}{{ p.name }}（{{ p.code }}）{% endfor %}</p><p>经查，当事人{{ case.title }}，违反了{{ item.law }}{{ item.article }}的规定。</p><p>依据{{ item.law }}{{ item.penalty_clause }}，参照裁量基准“{{ case.decision_tier }}”档次{% if case.decision_reason %}（{{ case.decision_reason }}）{% endif %}，决定：{% if case.decision_amount %}罚款人民币{{ case.decision_amount }}元{% else %}{{ case.decision_label }}{% endif %}。</p><p>当事人应自收到本决定书之日起十五日内缴纳罚款。如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。</p>"
        }
        DocumentKind::ServiceReceipt => {
            "<p>送达文书：{{ case.number }} 案相关文书</p><p>受送达人：{% for p in parties %}{{ p.name }}{% endfor %}</p><p>送达方式：　　　送达地点：</p><p>受送达人签名：　　　送达人签名：</p>"
        }
        DocumentKind::TransferLetter => {
            "<p>经查，{{ case.title }}，不属本机关管辖，依据有关规定移送你单位处理。随函附送相关材料，请在规定期限内书面告知受理情况。</p>"
        }
        DocumentKind::AssistanceLetter => {
            "<p>因办理 {{ case.number }} {{ case.title }} 一案，需你单位协助，请在规定期限内书面答复。</p>"
        }
        DocumentKind::ClosingReport => {
            "<p>案件：{{ case.number }} {{ case.title }}</p><p>处理结果：{{ case.decision_label }}{% if case.decision_amount %}，罚款人民币{{ case.decision_amount }}元{% endif %}。</p><p>执行情况：已执行完毕，拟予结案。</p>"
        }
    }
}

fn render(body: &str, ctx: &serde_json::Value) -> Result<String, String> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_fuel(Some(200_000));
    let inner = env
        .render_str(body, ctx)
        .map_err(|e| format!("文书模板有误：{e}"))?;
    let mut full = ctx.clone();
    full["body"] = serde_json::Value::String(inner);
    let mut frame = minijinja::Environment::new();
    frame.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    // The body is already rendered and escaped.
    frame.add_filter("keep", |v: String| minijinja::Value::from_safe_string(v));
    frame
        .render_str(&FRAME.replace("{{ body }}", "{{ body|keep }}"), full)
        .map_err(|e| format!("文书模板有误：{e}"))
}

/// A document as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub kind_label: String,
    /// The document number (文号).
    pub number: String,
    pub issued_at: String,
    /// SM3 of the document's HTML.
    pub sm3: String,
}

fn doc_view(d: &document::Model) -> DocumentView {
    DocumentView {
        id: d.id,
        case_id: d.case_id,
        kind: d.kind.clone(),
        kind_label: DocumentKind::parse(&d.kind)
            .map(|k| k.label().to_owned())
            .unwrap_or_default(),
        number: d.number.clone(),
        issued_at: beijing_time(d.issued_at),
        sm3: d.sm3.clone(),
    }
}

/// A document to issue.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct IssueInput {
    /// `filing_approval`, `inspection_record`, `penalty_notice`, `penalty_decision`,
    /// `service_receipt`, `transfer_letter`, `assistance_letter`, `closing_report`.
    pub kind: String,
}

fn kind_of(s: &str) -> Result<DocumentKind, AppError> {
    DocumentKind::parse(s).ok_or_else(|| AppError::invalid("kind", "未知的文书种类"))
}

/// The government (top org) of an org path.
async fn government_of(
    s: &AppState,
    path: &str,
) -> Result<xiezhi_store::entities::org::Model, AppError> {
    let orgs = s.store.orgs_under("/").await?;
    orgs.iter()
        .filter(|o| o.kind == "government" && path.starts_with(&o.path))
        .max_by_key(|o| o.path.len())
        .cloned()
        .ok_or(AppError::NotFound("人民政府"))
}

/// Issue a document for a case (the holder's people); it gets the next number.
pub async fn issue(
    s: &AppState,
    ctx: &Ctx,
    case_id: i64,
    input: &IssueInput,
) -> Result<DocumentView, AppError> {
    let kind = kind_of(&input.kind)?;
    let c = s.store.case(case_id).await?;
    let holder = s.store.org(c.holder_org_id).await?;
    let by = acting_for(ctx, Action::HandleCase, &holder)?;
    let gov = government_of(s, &holder.path).await?;
    let custom = s.store.document_template(gov.id, kind).await?;
    let (body, pattern) = match &custom {
        Some(t) => (t.body.clone(), t.number_pattern.clone()),
        None => (default_body(kind).to_owned(), DEFAULT_PATTERN.to_owned()),
    };
    let view = super::cases::get(s, ctx, case_id).await?;
    let item = match &c.item_code {
        Some(code) => s
            .store
            .item_versions(code)
            .await?
            .into_iter()
            .find(|i| Some(i.version) == c.item_version),
        None => None,
    };
    let parties = s.store.case_parties(case_id).await?;
    let today = (ctx.now() + chrono::Duration::hours(8))
        .format("%Y年%-m月%-d日")
        .to_string();
    let mut w = ctx.writer(s).await?;
    let d = sd::issue(
        &mut w,
        NewDocument {
            case_id,
            org_id: holder.id,
            org_short: &holder.name,
            kind,
            pattern: &pattern,
            issued_by: by.person_id,
        },
        |number| {
            let ctx = serde_json::json!({
                "doc": {"number": number, "kind_label": kind.label(), "date": today},
                "org": {"name": holder.name},
                "case": view,
                "item": item.as_ref().map(|i| serde_json::json!({"code": i.code, "name": i.name, "law": i.law, "article": i.article, "penalty_clause": i.penalty_clause})).unwrap_or_else(|| serde_json::json!({})),
                "parties": parties.iter().map(|p| serde_json::json!({"name": p.name, "code": p.code, "kind": p.kind})).collect::<Vec<_>>(),
            });
            render(&body, &ctx)
        },
    )
    .await?;
    w.commit().await?;
    Ok(doc_view(&d))
}

/// Documents of a case.
pub async fn list(s: &AppState, ctx: &Ctx, case_id: i64) -> Result<Vec<DocumentView>, AppError> {
    super::cases::get(s, ctx, case_id).await?;
    Ok(s.store
        .documents_of_case(case_id)
        .await?
        .iter()
        .map(doc_view)
        .collect())
}

/// One document's HTML (for whoever may see its case).
pub async fn html(s: &AppState, ctx: &Ctx, id: i64) -> Result<String, AppError> {
    let d = s.store.document(id).await?;
    super::cases::get(s, ctx, d.case_id).await?;
    Ok(d.html)
}

/// One document printed to PDF (for whoever may see its case), with its file name. Characters
/// no font can draw are logged (they print as empty boxes; configure `pdf_font`).
pub async fn pdf(s: &AppState, ctx: &Ctx, id: i64) -> Result<(String, Vec<u8>), AppError> {
    let d = s.store.document(id).await?;
    super::cases::get(s, ctx, d.case_id).await?;
    let printer = s.printer.clone();
    let html = d.html;
    let (missing, pdf) =
        tokio::task::spawn_blocking(move || (printer.missing(&html), printer.pdf(&html)))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
    if !missing.is_empty() {
        tracing::warn!(document = id, missing = %missing.iter().collect::<String>(), "characters without a font");
    }
    let pdf = pdf.map_err(|e| AppError::Internal(e.to_string()))?;
    let name = format!("{}-{}.pdf", d.kind, d.id);
    Ok((name, pdf))
}

/// A template to save.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct TemplateInput {
    /// The body (minijinja; variables `doc`, `org`, `case`, `item`, `parties`).
    pub body: String,
    /// Number pattern with `{org}`, `{code}`, `{year}`, `{seq}` (default `{org}{code}〔{year}〕{seq}号`).
    pub number_pattern: Option<String>,
}

/// Save the caller's government's template for a kind (system administrator). The template
/// is tried on a sample before it is saved.
pub async fn set_template(
    s: &AppState,
    ctx: &Ctx,
    kind: &str,
    input: &TemplateInput,
) -> Result<DocumentView, AppError> {
    let kind = kind_of(kind)?;
    let gov = government_of(s, &ctx.actor.org_path).await?;
    ctx.authorize(Action::ManageRules, &Target::org(gov.path.clone()))?;
    let pattern = input
        .number_pattern
        .clone()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_PATTERN.to_owned());
    check_pattern(&pattern).map_err(|m| AppError::invalid("number_pattern", m))?;
    if input.body.trim().is_empty() || input.body.len() > 100_000 {
        return Err(AppError::invalid(
            "body",
            "模板不能为空，且不超过100000字符",
        ));
    }
    let sample = serde_json::json!({
        "doc": {"number": "示例〔2026〕1号", "kind_label": kind.label(), "date": "2026年1月1日"},
        "org": {"name": gov.name}, "case": {"number": "AJ2026010100001", "title": "示例案由"},
        "item": {}, "parties": [],
    });
    render(&input.body, &sample).map_err(|m| AppError::invalid("body", m))?;
    let mut w = ctx.writer(s).await?;
    let t = sd::set_template(&mut w, gov.id, kind, &input.body, &pattern).await?;
    w.commit().await?;
    Ok(DocumentView {
        id: t.id,
        case_id: 0,
        kind: kind.as_str().into(),
        kind_label: kind.label().into(),
        number: pattern,
        issued_at: beijing_time(t.updated_at),
        sm3: xiezhi_domain::sm3_hex(t.body.as_bytes()),
    })
}
