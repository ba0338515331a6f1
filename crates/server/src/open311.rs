//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) under `/open311/v2/`:
//! discovery, services (the catalog's penalty items as complaint categories), service
//! definitions, requests (POST with `api_key`, GET with the standard filters), single
//! requests and tokens, each as `.json` or `.xml`, with the standard error lists.
//!
//! A POSTed request becomes a lead (channel `open311`) received by the api_key's org;
//! `expected_datetime` is the statutory due time of the clock that holds the matter now and
//! `agency_responsible` the body that holds it.

use crate::AppState;
use crate::ctx::{Ctx, RequestMeta};
use crate::error::AppError;
use crate::ops::leads::{self as lops, LeadInputBody};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use xiezhi_domain::lead::LeadStatus;
use xiezhi_domain::{OrgKind, TokenScope, mask};
use xiezhi_store::entities::{lead, org};

/// The Open311 routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(top_get).post(top_post))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
}

/// Response format.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Json,
    Xml,
}

/// `name.json` or `name.xml`.
fn split(file: &str) -> Result<(&str, Format), Open311Error> {
    let (name, ext) = file
        .rsplit_once('.')
        .ok_or_else(|| Open311Error::new(Format::Json, 404, "请求地址须以 .json 或 .xml 结尾"))?;
    let f = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => {
            return Err(Open311Error::new(
                Format::Json,
                404,
                "不支持的格式，请使用 .json 或 .xml",
            ));
        }
    };
    Ok((name, f))
}

/// An Open311 error list (`[{code, description}]` / `<errors>`).
#[derive(Debug)]
struct Open311Error {
    format: Format,
    status: u16,
    description: String,
}

impl Open311Error {
    fn new(format: Format, status: u16, description: impl Into<String>) -> Self {
        Open311Error {
            format,
            status,
            description: description.into(),
        }
    }

    fn from_app(format: Format, e: AppError) -> Self {
        let status = match &e {
            AppError::Invalid { .. } | AppError::ImportRows(_) => 400,
            AppError::Unauthenticated
            | AppError::BadCredentials
            | AppError::Forbidden(_)
            | AppError::NotParty { .. } => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict { .. } => 409,
            AppError::TooLarge(_) => 413,
            AppError::Locked(_) => 429,
            _ => 500,
        };
        if let AppError::Internal(m) = &e {
            tracing::error!(error = %m, "open311");
        }
        let description = match &e {
            AppError::Invalid { field, message } => format!("{field}: {message}"),
            other => other.to_string(),
        };
        Open311Error::new(format, status, description)
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let body = json!([{"code": self.status, "description": self.description}]);
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut r = render(self.format, "errors", "error", &body);
        *r.status_mut() = status;
        r
    }
}

type Open311Result = Result<Response, Open311Error>;

/// The XML element name of the members of an array under `key`.
fn member_tag(key: &str) -> &str {
    match key {
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        _ => "item",
    }
}

/// Element order of the specification's examples (JSON objects carry no order).
const ORDER: &[&str] = &[
    "service_request_id",
    "token",
    "code",
    "changeset",
    "contact",
    "key_service",
    "endpoints",
    "specification",
    "url",
    "status",
    "status_notes",
    "service_code",
    "service_name",
    "variable",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
    "key",
    "name",
    "metadata",
    "type",
    "keywords",
    "group",
    "attributes",
    "agency_responsible",
    "service_notice",
    "account_id",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
    "formats",
];

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

fn xml_value(out: &mut String, tag: &str, v: &Value) {
    match v {
        Value::Null => out.push_str(&format!("<{tag}/>")),
        Value::Object(m) => {
            out.push_str(&format!("<{tag}>"));
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by_key(|k| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
            for k in keys {
                xml_value(out, k, &m[k]);
            }
            out.push_str(&format!("</{tag}>"));
        }
        Value::Array(items) => {
            out.push_str(&format!("<{tag}>"));
            for i in items {
                xml_value(out, member_tag(tag), i);
            }
            out.push_str(&format!("</{tag}>"));
        }
        Value::String(s) => out.push_str(&format!("<{tag}>{}</{tag}>", escape(s))),
        other => out.push_str(&format!("<{tag}>{other}</{tag}>")),
    }
}

/// Render a value: JSON as is; XML with `root` around it (arrays: one `item` per member).
fn render(format: Format, root: &str, item: &str, v: &Value) -> Response {
    match format {
        Format::Json => (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            v.to_string(),
        )
            .into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            match v {
                Value::Array(items) => {
                    out.push_str(&format!("<{root}>"));
                    for i in items {
                        xml_value(&mut out, item, i);
                    }
                    out.push_str(&format!("</{root}>"));
                }
                other => xml_value(&mut out, root, other),
            }
            ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], out).into_response()
        }
    }
}

fn w3c(t: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(8 * 3600) {
        Some(bj) => t
            .with_timezone(&bj)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        None => t.to_rfc3339(),
    }
}

/// The endpoint's address: under the configured public address, never the client's `Host`
/// (which anyone can set); relative when none is configured.
fn base_url(s: &AppState) -> String {
    format!("{}/open311/v2", s.public_url.as_deref().unwrap_or(""))
}

/// The government named by `jurisdiction_id` (its org code or division code).
async fn jurisdiction(
    s: &AppState,
    f: Format,
    id: Option<&str>,
) -> Result<Option<org::Model>, Open311Error> {
    let Some(id) = id.map(str::trim).filter(|i| !i.is_empty()) else {
        return Ok(None);
    };
    let orgs = s
        .store
        .orgs_under("/")
        .await
        .map_err(|e| Open311Error::from_app(f, e.into()))?;
    orgs.into_iter()
        .find(|o| o.kind == OrgKind::Government.as_str() && (o.code == id || o.division_code == id))
        .map(Some)
        .ok_or_else(|| Open311Error::new(f, 404, format!("jurisdiction_id {id} 不存在")))
}

async fn top_get(
    State(s): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Open311Result {
    let (name, f) = split(&file)?;
    match name {
        "discovery" => Ok(discovery(f, &s)),
        "services" => services(&s, f, &q).await,
        "requests" => list_requests(&s, f, &q).await,
        _ => Err(Open311Error::new(f, 404, "没有这个接口")),
    }
}

fn discovery(f: Format, s: &AppState) -> Response {
    let v = json!({
        "changeset": "2026-11-23T00:00:00+08:00",
        "contact": "行政执法统筹协调指挥平台（獬豸）：请联系本级执法统筹协调办公室",
        "key_service": "api_key 由安全管理员签发（接口令牌，范围 open311）",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base_url(s),
            "changeset": "2026-11-23T00:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    });
    render(f, "discovery", "discovery", &v)
}

/// The complaint categories: catalog penalty items in force.
async fn categories(
    s: &AppState,
    f: Format,
) -> Result<Vec<xiezhi_store::entities::catalog_item::Model>, Open311Error> {
    let (items, _) = s
        .store
        .items(&xiezhi_store::catalog::ItemFilter::default(), 1, 10_000)
        .await
        .map_err(|e| Open311Error::from_app(f, e.into()))?;
    Ok(items.into_iter().filter(|i| i.kind == "penalty").collect())
}

async fn services(s: &AppState, f: Format, q: &HashMap<String, String>) -> Open311Result {
    jurisdiction(s, f, q.get("jurisdiction_id").map(String::as_str)).await?;
    let items = categories(s, f).await?;
    let v: Vec<Value> = items
        .iter()
        .map(|i| {
            json!({
                "service_code": i.code,
                "service_name": i.name,
                "description": format!("{}（{}{}）", i.name, i.law, i.article),
                "metadata": true,
                "type": "realtime",
                "keywords": i.domain,
                "group": i.domain,
            })
        })
        .collect();
    Ok(render(f, "services", "service", &Value::Array(v)))
}

async fn service_definition(
    State(s): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Open311Result {
    let (code, f) = split(&file)?;
    jurisdiction(&s, f, q.get("jurisdiction_id").map(String::as_str)).await?;
    if !categories(&s, f).await?.iter().any(|i| i.code == code) {
        return Err(Open311Error::new(
            f,
            404,
            format!("service_code {code} 不存在"),
        ));
    }
    let v = json!({
        "service_code": code,
        "attributes": [{
            "variable": true,
            "code": "urgent",
            "datatype": "singlevaluelist",
            "required": false,
            "datatype_description": "涉及安全生产、食品药品、环境污染或可能造成重大损失的，请选择“是”",
            "order": 1,
            "description": "是否紧急",
            "values": [{"key": "false", "name": "否"}, {"key": "true", "name": "是"}],
        }],
    });
    Ok(render(f, "service_definition", "service_definition", &v))
}

/// Parse a form body (`a=b&c=d`), or a JSON object body.
fn params(headers: &HeaderMap, body: &[u8]) -> HashMap<String, String> {
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    if json_body {
        let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        return v
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    serde_html_form::from_bytes::<Vec<(String, String)>>(body)
        .map(|v| v.into_iter().collect())
        .unwrap_or_default()
}

async fn top_post(
    State(s): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Open311Result {
    let (name, f) = split(&file)?;
    if name != "requests" {
        return Err(Open311Error::new(f, 404, "没有这个接口"));
    }
    let mut p = params(&headers, &body);
    for (k, v) in query {
        p.entry(k).or_insert(v);
    }
    let get = |k: &str| p.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    // api_key: an API token with the open311 scope.
    let key = get("api_key").ok_or_else(|| Open311Error::new(f, 403, "缺少 api_key"))?;
    let token = s
        .store
        .token_by_secret(key)
        .await
        .map_err(|e| Open311Error::from_app(f, e.into()))?
        .ok_or_else(|| Open311Error::new(f, 403, "api_key 无效或已吊销"))?;
    let actor = s
        .store
        .actor_for_token(&token)
        .await
        .map_err(|e| Open311Error::from_app(f, e.into()))?;
    if !actor.token_scopes.contains(&TokenScope::Open311) {
        return Err(Open311Error::new(f, 403, "该 api_key 无 open311 权限"));
    }
    if let Some(j) = jurisdiction(&s, f, get("jurisdiction_id")).await?
        && !actor.org_path.starts_with(&j.path)
    {
        return Err(Open311Error::new(
            f,
            403,
            "api_key 不属于该 jurisdiction_id",
        ));
    }
    let code = get("service_code").ok_or_else(|| Open311Error::new(f, 400, "缺少 service_code"))?;
    let items = categories(&s, f).await?;
    let Some(item) = items.iter().find(|i| i.code == code) else {
        return Err(Open311Error::new(
            f,
            404,
            format!("service_code {code} 不存在"),
        ));
    };
    let num = |k: &str| -> Result<Option<f64>, Open311Error> {
        get(k)
            .map(|v| {
                v.parse::<f64>()
                    .map_err(|_| Open311Error::new(f, 400, format!("{k} 应为数字")))
            })
            .transpose()
    };
    let (lat, lon) = (num("lat")?, num("long")?);
    let address = get("address_string").or(get("address_id")).unwrap_or("");
    if (lat.is_none() || lon.is_none()) && address.is_empty() {
        return Err(Open311Error::new(
            f,
            400,
            "须提供位置：lat 与 long，或 address_string，或 address_id",
        ));
    }
    let name: String = [get("last_name"), get("first_name")]
        .into_iter()
        .flatten()
        .collect();
    let text = get("description")
        .map(str::to_owned)
        .unwrap_or_else(|| item.name.clone());
    let body = LeadInputBody {
        channel: "open311".into(),
        reporter_name: Some(name).filter(|n| !n.is_empty()),
        reporter_phone: get("phone").map(str::to_owned),
        text,
        address: address.to_owned(),
        division_code: None,
        lon,
        lat,
        item_code: Some(code.to_owned()),
        urgent: get("attribute[urgent]") == Some("true"),
        photos: vec![],
    };
    let ctx = Ctx {
        actor,
        person: None,
        meta,
        via_cookie: false,
        session: None,
    };
    let (l, _) = lops::submit(&s, &ctx, &body, None)
        .await
        .map_err(|e| Open311Error::from_app(f, e))?;
    if let Some(url) = get("media_url") {
        record_media(&s, &ctx, l.id, url)
            .await
            .map_err(|e| Open311Error::from_app(f, e))?;
    }
    let v = json!([{
        "service_request_id": l.tracking_number,
        "service_notice": format!("已受理，受理编号 {}，可凭编号查询办理进度", l.tracking_number),
        "account_id": Value::Null,
    }]);
    let mut r = render(f, "service_requests", "request", &v);
    *r.status_mut() = StatusCode::CREATED;
    Ok(r)
}

/// Keep the submitter's media URL with the lead (as a titled material without a file).
async fn record_media(s: &AppState, ctx: &Ctx, lead_id: i64, url: &str) -> Result<(), AppError> {
    if url.len() > 500 || !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(AppError::invalid(
            "media_url",
            "media_url 应为 http(s) 地址",
        ));
    }
    let mut w = ctx.writer(s).await?;
    xiezhi_store::transfers::attach(
        &mut w,
        "lead",
        lead_id,
        &[xiezhi_domain::transfer::Material {
            kind: xiezhi_domain::transfer::MaterialKind::Source,
            title: url.to_owned(),
            digest: None,
        }],
        Some(ctx.actor.org_id),
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// One lead as an Open311 request (no personal data).
async fn request_view(
    s: &AppState,
    l: &lead::Model,
    orgs: &[org::Model],
) -> Result<Value, AppError> {
    // A duplicate follows the matter it was joined to.
    let m = match l.duplicate_of {
        Some(id) => s.store.lead(id).await?,
        None => l.clone(),
    };
    let status = LeadStatus::parse(&m.status);
    let closed = status.is_some_and(|st| st.is_closed());
    let mut clocks = s.store.clocks_of("lead", m.id).await?;
    for t in s.store.transfers_of_lead(m.id).await? {
        clocks.extend(s.store.clocks_of("transfer", t.id).await?);
    }
    let expected = clocks
        .iter()
        .filter(|c| matches!(c.state.as_str(), "running" | "paused" | "breached"))
        .map(|c| c.due_at)
        .min();
    let holder = orgs
        .iter()
        .find(|o| o.id == m.holder())
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let media = s
        .store
        .attachments_of("lead", l.id)
        .await?
        .into_iter()
        .find(|a| a.digest.is_none() && a.title.starts_with("http"))
        .map(|a| a.title);
    let updated = m.replied_at.unwrap_or(m.received_at).max(l.received_at);
    let mut o = Map::new();
    o.insert("service_request_id".into(), json!(l.tracking_number));
    o.insert(
        "status".into(),
        json!(if closed { "closed" } else { "open" }),
    );
    o.insert(
        "status_notes".into(),
        json!(match (&m.reply, closed) {
            (Some(r), true) => mask::public_text(r),
            _ => status.map(|s| s.label().to_owned()).unwrap_or_default(),
        }),
    );
    o.insert("service_name".into(), json!(Value::Null));
    o.insert("service_code".into(), json!(l.item_code));
    o.insert("description".into(), json!(mask::public_text(&l.text)));
    o.insert("agency_responsible".into(), json!(holder));
    o.insert("service_notice".into(), json!(Value::Null));
    o.insert("requested_datetime".into(), json!(w3c(l.received_at)));
    o.insert("updated_datetime".into(), json!(w3c(updated)));
    o.insert(
        "expected_datetime".into(),
        json!(expected.filter(|_| !closed).map(w3c)),
    );
    o.insert("address".into(), json!(mask::address(&l.address)));
    o.insert("address_id".into(), json!(Value::Null));
    o.insert("zipcode".into(), json!(Value::Null));
    o.insert("lat".into(), json!(l.lat));
    o.insert("long".into(), json!(l.lon));
    o.insert("media_url".into(), json!(media));
    if let Some(code) = &l.item_code
        && let Ok(versions) = s.store.item_versions(code).await
        && let Some(i) = versions.first()
    {
        o.insert("service_name".into(), json!(i.name));
    }
    Ok(Value::Object(o))
}

fn parse_w3c(f: Format, k: &str, v: &str) -> Result<DateTime<Utc>, Open311Error> {
    DateTime::parse_from_rfc3339(v.trim())
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map(xiezhi_domain::beijing::midnight)
        })
        .map_err(|_| {
            Open311Error::new(
                f,
                400,
                format!("{k} 应为 W3C 日期时间，如 2026-11-23T09:00:00+08:00"),
            )
        })
}

async fn list_requests(s: &AppState, f: Format, q: &HashMap<String, String>) -> Open311Result {
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let j = jurisdiction(s, f, get("jurisdiction_id")).await?;
    let app = |e: xiezhi_store::StoreError| Open311Error::from_app(f, e.into());
    let rows = if let Some(ids) = get("service_request_id") {
        let mut out = vec![];
        for id in ids
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .take(100)
        {
            if let Some(l) = s.store.lead_by_tracking(id).await.map_err(app)?
                && l.channel == "open311"
            {
                out.push(l);
            }
        }
        out
    } else {
        let end = get("end_date")
            .map(|v| parse_w3c(f, "end_date", v))
            .transpose()?
            .unwrap_or_else(|| s.now());
        let start = get("start_date")
            .map(|v| parse_w3c(f, "start_date", v))
            .transpose()?
            .unwrap_or(end - chrono::Duration::days(90));
        if start > end {
            return Err(Open311Error::new(f, 400, "start_date 晚于 end_date"));
        }
        let codes: Vec<String> = get("service_code")
            .map(|c| c.split(',').map(|x| x.trim().to_owned()).collect())
            .unwrap_or_default();
        s.store
            .leads_of_channel("open311", start, end, &codes, 1000)
            .await
            .map_err(app)?
    };
    let status = get("status");
    if let Some(st) = status
        && !st.split(',').all(|x| matches!(x.trim(), "open" | "closed"))
    {
        return Err(Open311Error::new(f, 400, "status 应为 open 或 closed"));
    }
    let orgs = s.store.orgs_under("/").await.map_err(app)?;
    let mut out = vec![];
    for l in rows {
        if let Some(j) = &j
            && !orgs
                .iter()
                .any(|o| o.id == l.received_org_id && o.path.starts_with(&j.path))
        {
            continue;
        }
        let v = request_view(s, &l, &orgs)
            .await
            .map_err(|e| Open311Error::from_app(f, e))?;
        if let Some(st) = status
            && !st.split(',').any(|x| v["status"] == x.trim())
        {
            continue;
        }
        out.push(v);
    }
    Ok(render(f, "service_requests", "request", &Value::Array(out)))
}

async fn one_request(
    State(s): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Open311Result {
    let (id, f) = split(&file)?;
    let mut q = q;
    q.insert("service_request_id".into(), id.to_owned());
    let r = list_requests(&s, f, &q).await?;
    let (parts, body) = r.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .map_err(|_| Open311Error::new(f, 500, "服务器内部错误"))?;
    let empty = match f {
        Format::Json => bytes.as_ref() == b"[]",
        Format::Xml => !bytes.windows(9).any(|w| w == b"<request>"),
    };
    if empty {
        return Err(Open311Error::new(
            f,
            404,
            format!("service_request_id {id} 不存在"),
        ));
    }
    Ok(Response::from_parts(parts, axum::body::Body::from(bytes)))
}

async fn token(State(s): State<AppState>, Path(file): Path<String>) -> Open311Result {
    let (token, f) = split(&file)?;
    let l = s
        .store
        .lead_by_tracking(token)
        .await
        .map_err(|e| Open311Error::from_app(f, e.into()))?
        .filter(|l| l.channel == "open311")
        .ok_or_else(|| Open311Error::new(f, 404, format!("token {token} 不存在")))?;
    let v = json!([{"service_request_id": l.tracking_number, "token": token}]);
    Ok(render(f, "service_requests", "request", &v))
}
