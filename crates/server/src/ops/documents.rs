//! Enforcement documents (执法文书): the standard templates (minijinja, HTML-escaped,
//! editable per government at run time), issuing a document for a case with its number, and
//! reading documents.

use super::acting::acting_for;
use super::cases::CaseView;
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use xiezhi_domain::document::{
    DEFAULT_PATTERN, DocumentFacts, DocumentKind, check_pattern, may_issue,
};
use xiezhi_domain::{Action, Target};
use xiezhi_store::documents::{self as sd, NewDocument};
use xiezhi_store::entities::document;

/// The page around every document: A4, the issuing body and kind as the heading, the
/// number, the body, the seal line.
const FRAME: &str = r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ doc.kind_label }} {{ doc.number }}</title>
<style>@page{size:A4;margin:2.5cm 2.2cm}body{font-family:"Noto Serif CJK SC","Songti SC",SimSun,serif;max-width:40em;margin:2em auto;line-height:1.9}h1{text-align:center;font-size:1.6em;letter-spacing:.2em}.no{text-align:center}.sign{text-align:right;margin-top:3em}.f{white-space:pre-wrap}table.form{width:100%;border-collapse:collapse;margin:1em 0}table.form th,table.form td{border:1px solid #000;padding:.4em .6em;vertical-align:top;text-align:left}table.form th{width:7em;font-weight:normal;text-align:center}table.form td.tall{height:6em}</style></head><body>
<h1>{{ org.name }}<br>{{ doc.kind_label }}</h1><p class="no">{{ doc.number }}</p>
{{ body }}
<p class="sign">{{ org.name }}<br>{{ doc.date }}</p></body></html>"#;

/// The shipped body of each kind. `f` holds what the handler wrote in the document's fields
/// ([`DocumentKind::fields`]); `case`, `item`, `parties`, `org` and `doc` come from the record.
fn default_body(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::FilingApproval => {
            r#"<table class="form"><tr><th>案由</th><td colspan="3">{{ case.title }}</td></tr><tr><th>案件来源</th><td colspan="3">{{ f.source }}</td></tr><tr><th>当事人</th><td colspan="3">{% for p in parties %}{{ p.name }}（{{ p.code }}）{% if not loop.last %}、{% endif %}{% else %}待查明{% endfor %}</td></tr><tr><th>执法事项</th><td colspan="3">{{ item.name }}</td></tr><tr><th>简要案情</th><td colspan="3" class="f tall">{{ f.facts }}</td></tr><tr><th>立案依据</th><td colspan="3" class="f">{{ f.basis }}</td></tr><tr><th>承办人意见</th><td colspan="3" class="f tall">{{ f.opinion }}<br>承办人签名：　　　　　　年　月　日</td></tr><tr><th>法制审核意见</th><td colspan="3" class="tall"><br>签名：　　　　　　年　月　日</td></tr><tr><th>负责人审批意见</th><td colspan="3" class="tall"><br>签名：　　　　　　年　月　日</td></tr></table>"#
        }
        DocumentKind::InspectionRecord => {
            r#"<table class="form"><tr><th>检查地点</th><td>{{ f.place }}</td></tr><tr><th>检查时间</th><td>{{ f.time }}</td></tr><tr><th>被检查人</th><td>{% for p in parties %}{{ p.name }}{% if not loop.last %}、{% endif %}{% else %}待查明{% endfor %}</td></tr><tr><th>执法人员</th><td>{{ f.inspectors }}</td></tr><tr><th>检查情况</th><td class="f tall">{{ f.findings }}</td></tr></table><p>被检查人签名：　　　　　　　　执法人员签名：</p>"#
        }
        DocumentKind::PenaltyNotice => {
            r#"<p>{% for p in parties %}{{ p.name }}{% if not loop.last %}、{% endif %}{% endfor %}：</p><p class="f">经查，{{ f.facts }}</p><p class="f">以上事实有下列证据证明：{{ f.evidence }}</p><p class="f">{{ f.basis }}。本机关拟对你（单位）作出如下行政处罚：{{ f.penalty }}。</p><p>根据《中华人民共和国行政处罚法》第四十四条、第四十五条{% if case.major %}、第六十三条{% endif %}的规定，你（单位）有权进行陈述和申辩{% if case.major %}，并有权要求听证{% endif %}。逾期未提出的，视为放弃上述权利。</p>"#
        }
        DocumentKind::PenaltyDecision => {
            r#"<p>当事人：{% for p in parties %}{{ p.name }}（{{ p.code }}）{% if not loop.last %}、{% endif %}{% endfor %}</p><p class="f">经查，{{ f.facts }}</p><p class="f">以上事实有下列证据证明：{{ f.evidence }}</p><p class="f">{{ f.basis }}。{{ f.discretion }}</p><p class="f">本机关决定：{{ f.penalty }}。</p><p>当事人应自收到本决定书之日起十五日内缴纳罚款。如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。</p>"#
        }
        DocumentKind::ServiceReceipt => {
            r#"<table class="form"><tr><th>送达文书</th><td>{{ f.served }}</td></tr><tr><th>受送达人</th><td>{% for p in parties %}{{ p.name }}{% if not loop.last %}、{% endif %}{% endfor %}</td></tr><tr><th>送达方式</th><td>{{ f.method }}</td></tr><tr><th>送达地点</th><td>{{ f.place }}</td></tr><tr><th>受送达人签收</th><td class="tall">　　　　　　年　月　日</td></tr><tr><th>送达人</th><td>　　　　　　年　月　日</td></tr></table>"#
        }
        DocumentKind::TransferLetter => {
            r#"<p class="f">{{ f.facts }}</p><p>依据有关规定移送你单位处理。随函附送相关材料，请在规定期限内书面告知受理情况。</p>"#
        }
        DocumentKind::AssistanceLetter => {
            r#"<p class="f">{{ f.request }}</p><p>请在规定期限内书面答复。</p>"#
        }
        DocumentKind::ClosingReport => {
            r#"<table class="form"><tr><th>案件</th><td>{{ case.number }} {{ case.title }}</td></tr><tr><th>处理结果</th><td class="f">{{ f.result }}</td></tr><tr><th>执行情况</th><td class="f">{{ f.execution }}</td></tr><tr><th>负责人意见</th><td class="tall"></td></tr></table>"#
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
    /// What the handler wrote in the document's fields (see the draft); a field left out
    /// keeps the text prefilled from the case.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// A field of a document being drafted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DraftField {
    pub name: String,
    pub label: String,
    /// Takes several lines.
    pub long: bool,
    /// Prefilled from the case; the handler edits it.
    pub value: String,
}

/// A document drafted from its case for the handler to edit before issuing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentDraft {
    pub case_id: i64,
    pub kind: String,
    pub kind_label: String,
    pub fields: Vec<DraftField>,
    /// Why it cannot be issued now (the procedure's order), if so.
    pub refusal: Option<String>,
}

/// What the procedure's order needs to know about a case and its documents.
fn facts_of(c: &CaseView, issued: &[document::Model]) -> DocumentFacts {
    let has = |k: DocumentKind| issued.iter().any(|d| d.kind == k.as_str());
    DocumentFacts {
        decided: c.decision_kind.is_some(),
        penalty: c.decision_kind.as_deref() == Some("penalty"),
        noticed: has(DocumentKind::PenaltyNotice),
        decision_issued: has(DocumentKind::PenaltyDecision),
        anything_to_serve: issued
            .iter()
            .any(|d| d.kind != DocumentKind::ServiceReceipt.as_str()),
    }
}

/// The text each field starts with, from the case: the parties, the place by name, the facts
/// reported, the evidence gathered, the legal basis of the item, the discretion applied, the
/// document being served.
async fn prefill(
    s: &AppState,
    ctx: &Ctx,
    c: &CaseView,
    kind: DocumentKind,
    issued: &[document::Model],
) -> Result<BTreeMap<String, String>, AppError> {
    let lead = match c.lead_id {
        Some(id) => Some(s.store.lead(id).await?),
        None => None,
    };
    let place_name = match &c.division_code {
        Some(code) => s
            .store
            .places()
            .await?
            .into_iter()
            .find(|(d, _)| d == code)
            .map(|(_, n)| n),
        None => None,
    };
    let place = match (&lead, place_name) {
        (Some(l), Some(p)) if !l.address.contains(&p) => format!("{p}{}", l.address),
        (Some(l), _) if !l.address.is_empty() => l.address.clone(),
        (_, Some(p)) => p,
        _ => String::new(),
    };
    let item = match (&c.item_code, c.item_version) {
        (Some(code), Some(v)) => s
            .store
            .item_versions(code)
            .await?
            .into_iter()
            .find(|i| i.version == v),
        _ => None,
    };
    let parties = c
        .parties
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join("、");
    let who = if parties.is_empty() {
        "当事人".to_owned()
    } else {
        parties.clone()
    };
    let reported = lead
        .as_ref()
        .map(|l| l.text.clone())
        .unwrap_or_else(|| c.title.clone());
    let facts = format!("{who}在{place}{reported}。");
    let evidence = if c.evidence.is_empty() {
        "（列明证据）".to_owned()
    } else {
        c.evidence
            .iter()
            .enumerate()
            .map(|(i, e)| format!("{}. {}", i + 1, e.title))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let basis = match &item {
        Some(i) => format!(
            "{who}的行为违反了{}{}的规定，依据{}{}",
            i.law, i.article, i.law, i.penalty_clause
        ),
        None => "（违反的规定及处罚依据）".to_owned(),
    };
    let penalty = match (c.decision_amount, &c.decision_label) {
        (Some(a), _) => format!("罚款人民币{a}元"),
        (None, Some(l)) => l.clone(),
        (None, None) => "（拟作出的处罚种类和幅度）".to_owned(),
    };
    let discretion = match (&c.decision_tier, &c.decision_reason) {
        (Some(t), Some(r)) => format!("参照行政处罚裁量基准“{t}”档次，理由：{r}。"),
        (Some(t), None) => format!("参照行政处罚裁量基准“{t}”档次。"),
        _ => String::new(),
    };
    let handlers = s.store.people_by_ids(&c.handlers).await?;
    let mut inspectors = vec![];
    for id in &c.handlers {
        if let Some(p) = handlers.get(id) {
            let cert = s
                .store
                .certificates(p.id)
                .await?
                .into_iter()
                .next()
                .map(|c| format!("（执法证号 {}）", c.number))
                .unwrap_or_default();
            inspectors.push(format!("{}{cert}", p.name));
        }
    }
    let served = issued
        .iter()
        .rev()
        .find(|d| d.kind != DocumentKind::ServiceReceipt.as_str())
        .map(|d| {
            format!(
                "{} {}",
                DocumentKind::parse(&d.kind)
                    .map(|k| k.label())
                    .unwrap_or_default(),
                d.number
            )
        })
        .unwrap_or_default();
    let source = match &lead {
        Some(l) => format!(
            "{}（受理编号 {}）",
            xiezhi_domain::lead::Channel::parse(&l.channel)
                .map(|c| c.label())
                .unwrap_or_default(),
            l.tracking_number
        ),
        None => "执法检查发现".to_owned(),
    };
    let now = crate::chinese_time(&crate::beijing_time(ctx.now()));
    let value = |name: &str| -> String {
        match name {
            "source" => source.clone(),
            "facts" if kind == DocumentKind::TransferLetter => {
                format!("经查，{reported}，不属本机关管辖。")
            }
            "facts" => facts.clone(),
            "basis" if kind == DocumentKind::FilingApproval => match &item {
                Some(i) => format!("{}{}", i.law, i.article),
                None => String::new(),
            },
            "basis" => basis.clone(),
            "opinion" => format!(
                "经初步核查，{who}涉嫌{}，符合立案条件，建议立案调查。",
                c.title
            ),
            "place" => place.clone(),
            "time" => now.clone(),
            "inspectors" => inspectors.join("、"),
            "findings" => format!("经现场检查，{reported}。"),
            "evidence" => evidence.clone(),
            "penalty" => penalty.clone(),
            "discretion" => discretion.clone(),
            "served" => served.clone(),
            "method" => "直接送达".to_owned(),
            "request" => format!("因办理 {} {} 一案，需你单位协助：", c.number, c.title),
            "result" => match &c.decision_label {
                Some(l) => format!(
                    "{l}{}",
                    c.decision_amount
                        .map(|a| format!("，罚款人民币{a}元"))
                        .unwrap_or_default()
                ),
                None => String::new(),
            },
            "execution" => "已执行完毕。".to_owned(),
            _ => String::new(),
        }
    };
    Ok(kind
        .fields()
        .iter()
        .map(|f| (f.name.to_owned(), value(f.name)))
        .collect())
}

/// A document drafted from its case, for the handler to edit before issuing.
pub async fn draft(
    s: &AppState,
    ctx: &Ctx,
    case_id: i64,
    kind: &str,
) -> Result<DocumentDraft, AppError> {
    let kind = kind_of(kind)?;
    let c = super::cases::get(s, ctx, case_id).await?;
    let issued = s.store.documents_of_case(case_id).await?;
    let mut values = prefill(s, ctx, &c, kind, &issued).await?;
    Ok(DocumentDraft {
        case_id,
        kind: kind.as_str().into(),
        kind_label: kind.label().into(),
        refusal: may_issue(kind, facts_of(&c, &issued))
            .err()
            .map(str::to_owned),
        fields: kind
            .fields()
            .iter()
            .map(|f| DraftField {
                name: f.name.into(),
                label: f.label.into(),
                long: f.long,
                value: values.remove(f.name).unwrap_or_default(),
            })
            .collect(),
    })
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
    let issued = s.store.documents_of_case(case_id).await?;
    may_issue(kind, facts_of(&view, &issued))
        .map_err(|m| AppError::conflict("document.not_yet", m))?;
    let mut fields = prefill(s, ctx, &view, kind, &issued).await?;
    for f in kind.fields() {
        if let Some(v) = input.fields.get(f.name) {
            let v = v.trim();
            if v.chars().count() > 5000 {
                return Err(AppError::invalid(
                    f.name,
                    format!("{}过长（不超过5000字）", f.label),
                ));
            }
            fields.insert(f.name.to_owned(), v.to_owned());
        }
    }
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
    let today = xiezhi_domain::beijing::local(ctx.now())
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
                "f": fields,
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
        "f": kind.fields().iter().map(|f| (f.name, f.label)).collect::<BTreeMap<_, _>>(),
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
