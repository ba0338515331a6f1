//! The web UI: server-rendered pages (askama, auto-escaped), Chinese, phone-friendly, all
//! assets embedded. The layout, forms, tables, pagination and flash messages are built once
//! here; pages only add content. Every form post carries the anti-forgery token.

use crate::AppState;
use crate::ctx::{
    CSRF_COOKIE, CsrfToken, Ctx, RequestMeta, SESSION_COOKIE, UiCtx, cookie, set_cookie,
};
use crate::error::AppError;
use crate::ops::{self, *};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
pub use error::{UiError, UiResult};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::sync::LazyLock;
use xiezhi_domain::{Action, OrgKind, OrgLevel, Role, Target, TokenScope};
use xiezhi_store::auth::SignIn;
use xiezhi_store::import::RowError;

const FLASH_COOKIE: &str = "xz_flash";

/// The files under `assets/`, compiled in: the stylesheet and the scripts. Pages carry no
/// inline script or style (the Content-Security-Policy runs scripts and styles from these
/// files only, see `crate::headers`); a page names a file with the `asset` filter.
const ASSET_FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/app.js"),
    ),
    (
        "complaint.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/complaint.js"),
    ),
    (
        "dashboard.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/dashboard.js"),
    ),
    (
        "lead_form.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/lead_form.js"),
    ),
    (
        "operation_detail.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/operation_detail.js"),
    ),
    (
        "operation_field.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/operation_field.js"),
    ),
];

/// An asset as served: under its name with a hash of its content (`app-0123456789ab.css`), so
/// browsers may keep it a year and never use a stale copy.
struct Asset {
    file: &'static str,
    served: String,
    content_type: &'static str,
    body: &'static str,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    use std::hash::{Hash, Hasher};
    ASSET_FILES
        .iter()
        .map(|&(file, content_type, body)| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            body.hash(&mut h);
            let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
            Asset {
                file,
                served: format!("{stem}-{:012x}.{ext}", h.finish() & 0xffff_ffff_ffff),
                content_type,
                body,
            }
        })
        .collect()
});

/// The address an asset is served at (`/assets/app-0123456789ab.css`), if there is one.
fn asset_path(file: &str) -> Option<String> {
    ASSETS
        .iter()
        .find(|a| a.file == file)
        .map(|a| format!("/assets/{}", a.served))
}

/// The UI routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        // After a session ran out, 退出 sends the browser through sign-in back here: home.
        .route("/logout", post(logout).get(|| async { Redirect::to("/") }))
        .route(
            "/account/password",
            get(password_page).post(change_password),
        )
        .route(
            "/account/two-factor",
            get(two_factor_page).post(enable_two_factor),
        )
        .route("/people/{id}/second-factor/reset", post(reset_two_factor))
        .route("/orgs", get(orgs_page).post(create_org))
        .route("/orgs/new", get(new_org_page))
        .route("/orgs/{id}", get(org_page))
        .route("/orgs/{id}/edit", get(edit_org_page).post(edit_org))
        .route("/orgs/{id}/deactivate", post(deactivate_org))
        .route("/orgs/{id}/reactivate", post(reactivate_org))
        .route("/people", get(people_page).post(create_person))
        .route("/people/new", get(new_person_page))
        .route("/people/{id}", get(person_page))
        .route("/people/{id}/edit", get(edit_person_page).post(edit_person))
        .route("/people/{id}/deactivate", post(deactivate_person))
        .route("/people/{id}/reactivate", post(reactivate_person))
        .route("/people/{id}/roles", post(set_roles))
        .route("/people/{id}/password", post(set_password))
        .route("/people/{id}/unlock", post(unlock))
        .route("/people/{id}/certificates", post(add_certificate))
        .route("/people/{id}/training", post(set_training))
        .route("/import", get(import_page))
        .route("/import/orgs", post(import_orgs))
        .route("/import/people", post(import_people))
        .route("/events", get(events_page))
        .route("/security-log", get(security_log_page))
        .route("/security-log/export", post(security_log_export))
        .route("/tokens", get(tokens_page).post(create_token))
        .route("/tokens/{id}/revoke", post(revoke_token))
        .route("/assets/{name}", get(asset))
        .merge(clocks::routes(Router::new()))
        .merge(catalog::routes(Router::new()))
        .merge(leads::routes(Router::new()))
        .merge(transfers::routes(Router::new()))
        .merge(cases::routes(Router::new()))
        .merge(assistance::routes(Router::new()))
        .merge(instructions::routes(Router::new()))
        .merge(operations::routes(Router::new()))
        .merge(meetings::routes(Router::new()))
        .merge(assessment::routes(Router::new()))
        .merge(dashboard::routes(Router::new()))
        .layer(axum::middleware::from_fn(forgive::keep_form))
}

// ---- layout ----

/// The signed-in person shown in the header.
pub struct UserBox {
    name: String,
    org: String,
    roles: String,
}

/// A navigation entry.
pub struct NavItem {
    href: &'static str,
    label: &'static str,
    hint: &'static str,
    active: bool,
}

/// What every page shows around its content.
pub struct Layout {
    title: String,
    user: Option<UserBox>,
    nav: Vec<NavItem>,
    flash: Option<String>,
    /// A refused form coming back to this page (message and what was typed).
    kept: Option<forgive::KeptForm>,
    /// A standing warning for administrators and coordinators (e.g. next year's holiday
    /// notice not loaded).
    notice: Option<String>,
    csrf: String,
    request_id: String,
}

impl Layout {
    fn public(title: &str, meta: &RequestMeta) -> Layout {
        Layout {
            title: title.into(),
            user: None,
            nav: vec![],
            flash: None,
            kept: None,
            notice: None,
            csrf: meta.csrf.clone(),
            request_id: meta.request_id.clone(),
        }
    }

    async fn new(
        s: &AppState,
        ctx: &Ctx,
        headers: &HeaderMap,
        title: &str,
        current: &str,
    ) -> Layout {
        let gov = Target::org(ctx.actor.government_path.clone());
        let own = Target::org(ctx.actor.org_path.clone());
        let mut nav = vec![("/", "首页", "我的信息与待办", true)];
        nav.push((
            "/dashboard",
            "指挥大屏",
            "一屏展示：线索、案件、时限、督办、移送、争议、联合执法",
            ctx.can(Action::ViewCommand, &gov),
        ));
        nav.push((
            "/orgs",
            "机构",
            "组织机构树",
            ctx.can(Action::ViewOrg, &gov),
        ));
        nav.push((
            "/people",
            "人员",
            "人员、执法证与培训",
            ctx.can(Action::ViewPerson, &gov) || ctx.can(Action::ViewPerson, &own),
        ));
        nav.push((
            "/import",
            "数据导入",
            "批量导入机构和人员",
            ctx.can(Action::ManageOrg, &gov),
        ));
        nav.push((
            "/tokens",
            "接口令牌",
            "外部系统接入令牌",
            ctx.can(Action::ManageToken, &gov),
        ));
        nav.push((
            "/leads",
            "线索",
            "登记、签收与核查线索",
            ctx.can(Action::ViewLead, &gov) || ctx.can(Action::ViewLead, &own),
        ));
        nav.push((
            "/transfers",
            "移送与争议",
            "移送、受理、管辖争议与指定管辖",
            ctx.can(Action::ViewLead, &gov) || ctx.can(Action::ViewLead, &own),
        ));
        nav.push((
            "/cases",
            "案件",
            "立案、调查、审核、决定与结案",
            ctx.can(Action::ViewCase, &gov) || ctx.can(Action::ViewCase, &own),
        ));
        nav.push((
            "/assistance",
            "协助请求",
            "协助函的发出、答复与补充材料",
            ctx.can(Action::ViewCase, &gov) || ctx.can(Action::ViewCase, &own),
        ));
        nav.push((
            "/instructions",
            "指令",
            "下达、签收与反馈执法指令",
            ctx.actor.person_id().is_some()
                && (ctx.can(Action::Instruct, &own)
                    || ctx.may_somewhere(Action::AnswerInstruction)),
        ));
        nav.push((
            "/operations",
            "联合执法",
            "联合执法行动：方案、审批、实施与总结",
            ctx.can(Action::ViewCommand, &gov) || ctx.may_somewhere(Action::TakePart),
        ));
        nav.push((
            "/meetings",
            "联席会议",
            "联席会议、议题、纪要与交办事项",
            ctx.can(Action::ViewCommand, &gov) || ctx.may_somewhere(Action::TakePart),
        ));
        nav.push((
            "/assessment",
            "考核评价",
            "各单位按时响应、按期处置、结案、满意与返工",
            ctx.can(Action::ViewAssessment, &gov),
        ));
        nav.push((
            "/legal-review",
            "法制审核",
            "待法制审核的案件",
            ctx.may_somewhere(Action::ReviewCase),
        ));
        nav.push((
            "/catalog",
            "权责清单",
            "执法事项、承接分配与管辖",
            ctx.can(Action::ViewCatalog, &gov),
        ));
        nav.push((
            "/clocks",
            "时限监控",
            "各机构时限、预警与超时",
            ctx.can(Action::ViewClocks, &gov) || ctx.can(Action::ViewClocks, &own),
        ));
        nav.push((
            "/rules",
            "时限规则",
            "现行时限规则及其依据",
            ctx.can(Action::ViewRules, &gov),
        ));
        nav.push((
            "/calendar",
            "工作日历",
            "法定节假日与调休",
            ctx.can(Action::ViewRules, &gov),
        ));
        nav.push((
            "/events",
            "全过程记录",
            "查阅与核验操作记录",
            ctx.can(Action::ViewEvents, &gov),
        ));
        nav.push((
            "/security-log",
            "安全日志",
            "登录、权限变更与个人信息导出",
            ctx.can(Action::ViewEvents, &gov),
        ));
        nav.push(("/account/password", "修改密码", "修改本人登录密码", true));
        nav.push(("/account/two-factor", "两步验证", "用手机验证器登录", true));
        let user = match &ctx.person {
            Some(p) => {
                let org = s
                    .store
                    .org(p.org_id)
                    .await
                    .map(|o| o.name)
                    .unwrap_or_default();
                let roles = xiezhi_store::people::roles_of(p)
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join("、");
                Some(UserBox {
                    name: p.name.clone(),
                    org,
                    roles,
                })
            }
            None => None,
        };
        Layout {
            title: title.into(),
            user,
            nav: nav
                .into_iter()
                .filter(|n| n.3)
                .map(|(href, label, hint, _)| NavItem {
                    href,
                    label,
                    hint,
                    active: href == current,
                })
                .collect(),
            flash: cookie(headers, FLASH_COOKIE)
                .and_then(|v| urlencoding::decode(&v).ok().map(|s| s.into_owned()))
                .filter(|v| !v.is_empty()),
            kept: forgive::KeptForm::from_headers(headers),
            notice: calendar_notice(s, ctx),
            csrf: ctx.meta.csrf.clone(),
            request_id: ctx.meta.request_id.clone(),
        }
    }
}

/// Within 60 days of the end of the last year set by a notice, tell those who load the
/// holiday notice or coordinate that next year's notice is not loaded: deadlines in it are
/// provisional. (Everyone whose clocks it touches sees it on the inbox and clock pages.)
fn calendar_notice(s: &AppState, ctx: &Ctx) -> Option<String> {
    let gov = Target::org(ctx.actor.government_path.clone());
    let manages = ctx.can(Action::ManageRules, &gov);
    if !(manages || ctx.can(Action::Coordinate, &gov)) {
        return None;
    }
    let last = s.calendar().official_last_year();
    let end = chrono::NaiveDate::from_ymd_opt(last, 12, 31)?;
    let today = xiezhi_domain::beijing::day(ctx.now());
    let next = last + 1;
    ((end - today).num_days() < 60).then(|| {
        format!(
            "{next} 年的国务院办公厅放假通知尚未导入：期限落在 {next} 年的时限按法定节假日推算，待通知发布后重算。{}",
            if manages {
                "通知发布后，请在“工作日历”页面粘贴通知原文导入。".to_owned()
            } else {
                "通知发布后请系统管理员导入。".to_owned()
            }
        )
    })
}

/// Filters the templates use.
mod filters {
    /// A shown time or date in Chinese form (`{{ c.due_at|zh }}`), see [`crate::chinese_time`].
    #[askama::filter_fn]
    pub fn zh(value: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(crate::chinese_time(&value.to_string()))
    }

    /// The address of a file under `assets/` as served, with its content hash
    /// (`{{ "app.js"|asset }}` → `/assets/app-0123456789ab.js`).
    #[askama::filter_fn]
    pub fn asset(value: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<String> {
        let file = value.to_string();
        super::asset_path(&file)
            .ok_or_else(|| askama::Error::custom(format!("no asset named {file}")))
    }

    /// Pinyin initials of a name, for narrowing a choice list by typing (`城东街道` → `cdjd`).
    #[askama::filter_fn]
    pub fn py(value: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::initials(&value.to_string()))
    }
}

/// Pinyin initials of a text: each Chinese character's first letter, letters and digits as
/// they are (lower case), the rest dropped.
fn initials(text: &str) -> String {
    use pinyin::ToPinyin;
    text.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

/// Templates that carry a [`Layout`].
trait Page: Template {
    fn layout(&self) -> &Layout;
}

macro_rules! page {
    ($name:ident, $path:literal { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Template)]
        #[template(path = $path)]
        struct $name {
            layout: Layout,
            $($field: $ty,)*
        }
        impl Page for $name {
            fn layout(&self) -> &Layout {
                &self.layout
            }
        }
    };
}

page!(LoginPage, "login.html" { next: String, login: String, error: Option<String> });
page!(HomePage, "home.html" { me: PersonView, todo: crate::ops::todo::Todo, pager: Pager });
page!(OrgsPage, "orgs.html" { orgs: Vec<OrgView>, can_manage: bool });
page!(OrgDetailPage, "org_detail.html" { org: OrgView, parent: Option<OrgView>, can_manage: bool });
page!(OrgFormPage, "org_form.html" {
    action: String, creating: bool, form: OrgForm, error: Option<String>,
    kinds: Vec<(&'static str, &'static str)>, levels: Vec<(&'static str, &'static str)>, parents: Vec<OrgView>,
});
page!(PeoplePage, "people.html" {
    page: Page_<PersonView>, pager: Pager, org_id: Option<i64>, q: String, include_inactive: bool, can_manage: bool,
});
page!(PersonDetailPage, "person_detail.html" {
    p: PersonView, can_manage: bool, can_account: bool, can_audit: bool, can_reveal: bool,
    role_choices: Vec<(&'static str, &'static str, bool)>, year: i32,
});
page!(PersonFormPage, "person_form.html" {
    action: String, creating: bool, form: PersonForm, error: Option<String>, orgs: Vec<OrgView>,
    role_choices: Vec<(&'static str, &'static str, bool)>,
});
page!(ImportPage, "import.html" { errors: Vec<RowError>, error_title: String, orgs_csv: String, people_csv: String });
page!(EventsPage, "events.html" { page: Page_<EventView>, pager: Pager, q: EventQuery });
page!(SecurityLogPage, "security_log.html" { page: Page_<EventView>, pager: Pager, q: EventQuery, kinds: Vec<(&'static str, &'static str)> });
page!(TokensPage, "tokens.html" {
    tokens: Vec<TokenView>, orgs: Vec<OrgView>, scopes: Vec<(&'static str, &'static str)>,
    secret: Option<String>, error: Option<String>,
});
page!(PasswordPage, "password.html" { error: Option<String> });
page!(TwoFactorPage, "two_factor.html" {
    status: ops::second_factor::Status,
    enrolment: Option<ops::second_factor::Enrolment>,
    recovery_codes: Vec<String>,
    error: Option<String>,
    code: String,
});
page!(ErrorPage, "error.html" { message: String, code: String });

type Page_<T> = ops::Page<T>;

/// Pagination facts for the pager partial.
pub struct Pager {
    total: u64,
    page: u64,
    pages: u64,
    /// The query string without `page`, ending in `&` when not empty.
    query: String,
}

impl Pager {
    fn new<T>(p: &ops::Page<T>, query: &str) -> Pager {
        let keep: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("page="))
            .collect();
        let mut q = keep.join("&");
        if !q.is_empty() {
            q.push('&');
        }
        Pager {
            total: p.total,
            page: p.page,
            pages: p.total.div_ceil(p.per_page).max(1),
            query: q,
        }
    }
}

fn render<T: Page>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => {
            let mut res = (status, Html(html)).into_response();
            if t.layout().flash.is_some() {
                res.headers_mut().append(
                    header::SET_COOKIE,
                    set_cookie(FLASH_COOKIE, "", false, Some(0)),
                );
            }
            if t.layout().kept.is_some() {
                res.headers_mut().append(
                    header::SET_COOKIE,
                    set_cookie(forgive::KEPT_COOKIE, "", false, Some(0)),
                );
            }
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误").into_response()
        }
    }
}

/// A page, shown with 200.
fn ok<T: Page>(t: &T) -> UiResult {
    Ok(render(StatusCode::OK, t))
}

/// 404 for any unknown path (JSON under /api, a page elsewhere).
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return AppError::NotFound("接口").into_response();
    }
    UiError(AppError::NotFound("页面")).into_response()
}

fn flash_redirect(to: &str, msg: &str, meta: &RequestMeta) -> Response {
    let mut res = Redirect::to(to).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(FLASH_COOKIE, &urlencoding::encode(msg), meta.secure, None),
    );
    res
}

/// The rows to list for an import error (a file-level problem is line 0).
fn row_errors(e: &AppError) -> Vec<RowError> {
    match e {
        AppError::ImportRows(rows) => rows.clone(),
        AppError::Invalid { field, message } => vec![RowError {
            line: 0,
            field: field.clone(),
            message: message.clone(),
        }],
        _ => vec![],
    }
}

/// Turn an operation result into a redirect with a flash message, or the error page.
fn done<T>(ctx: &Ctx, r: Result<T, AppError>, to: &str, msg: &str) -> UiResult {
    r?;
    Ok(flash_redirect(to, msg, &ctx.meta))
}

// ---- extractors ----

/// A posted form whose anti-forgery field matched the browser's cookie.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let had_cookie = cookie(req.headers(), CSRF_COOKIE).is_some();
        let session = cookie(req.headers(), crate::ctx::SESSION_COOKIE).filter(|s| !s.is_empty());
        let expected = req
            .extensions()
            .get::<CsrfToken>()
            .map(|t| crate::ctx::bound_csrf(&t.0, session.as_deref()));
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let sent = serde_html_form::from_bytes::<CsrfField>(&bytes)
            .ok()
            .and_then(|f| f.csrf);
        let matches = match (&sent, &expected) {
            (Some(a), Some(b)) => xiezhi_domain::totp::same(a.as_bytes(), b.as_bytes()),
            _ => false,
        };
        if !had_cookie || !matches {
            return Err(UiError(AppError::Csrf).into_response());
        }
        serde_html_form::from_bytes::<T>(&bytes)
            .map(CsrfForm)
            .map_err(|e| {
                UiError(AppError::invalid(
                    "form",
                    crate::error::plain_parse_error(&e.to_string()),
                ))
                .into_response()
            })
    }
}

/// Path parameters; a bad one is a 400 page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(UiError))]
pub struct UiPath<T>(pub T);

/// Query parameters; bad ones are a 400 page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(UiError))]
pub struct UiQuery<T>(pub T);

// ---- sign-in ----

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Where to go after signing in: a path on this site only. Browsers drop tabs and newlines
/// and read a backslash as `/`, so anything but visible ASCII (percent-encode the rest) could turn
/// `/\t/evil.example` into another site; such a `next` goes home.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.chars().all(|c| c.is_ascii_graphic()) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

async fn login_page(meta: RequestMeta, UiQuery(q): UiQuery<NextQuery>) -> UiResult {
    ok(&LoginPage {
        layout: Layout::public("登录", &meta),
        next: safe_next(q.next.as_deref()),
        login: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    /// The second factor (a TOTP code or a recovery code), for people who turned it on.
    #[serde(default)]
    code: String,
    next: Option<String>,
}

async fn login(
    State(s): State<AppState>,
    meta: RequestMeta,
    CsrfForm(f): CsrfForm<LoginForm>,
) -> UiResult {
    let next = safe_next(f.next.as_deref());
    let fail = |status, msg: String| {
        render(
            status,
            &LoginPage {
                layout: Layout::public("登录", &meta),
                next: next.clone(),
                login: f.login.clone(),
                error: Some(msg),
            },
        )
    };
    let code = Some(f.code.as_str()).filter(|c| !c.trim().is_empty());
    let tried = ops::sign_in(&s, &meta, &f.login, &f.password, code).await;
    if let Err(e @ AppError::Throttled(_)) = &tried {
        return Ok(fail(e.status(), e.to_string()));
    }
    let res = match tried? {
        SignIn::Ok { session, .. } => {
            let mut res = Redirect::to(&next).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &session, meta.secure, None),
            );
            res
        }
        SignIn::BadCredentials => fail(
            StatusCode::UNAUTHORIZED,
            AppError::BadCredentials.to_string(),
        ),
        SignIn::CodeRequired => fail(
            StatusCode::UNAUTHORIZED,
            AppError::SecondFactorRequired.to_string(),
        ),
        SignIn::BadCode => fail(
            StatusCode::UNAUTHORIZED,
            AppError::BadSecondFactor.to_string(),
        ),
        SignIn::Locked { until } => fail(
            StatusCode::TOO_MANY_REQUESTS,
            AppError::Locked(crate::beijing_time(until)).to_string(),
        ),
    };
    Ok(res)
}

#[derive(Deserialize)]
pub(crate) struct Empty {}

async fn logout(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        ops::sign_out(&s, &ctx, &secret).await?;
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", ctx.meta.secure, Some(0)),
    );
    Ok(res)
}

async fn home(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<crate::ops::todo::TodoQuery>,
) -> UiResult {
    let id = ctx.person.as_ref().map(|p| p.id).unwrap_or_default();
    let me = ops::get_person(&s, &ctx, id, false).await?;
    let todo = crate::ops::todo::todo(&s, &ctx, &q).await?;
    ok(&HomePage {
        layout: Layout::new(&s, &ctx, &headers, "首页", "/").await,
        pager: Pager::new(&todo.as_page(), uri.query().unwrap_or_default()),
        me,
        todo,
    })
}

async fn password_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
) -> UiResult {
    ok(&PasswordPage {
        layout: Layout::new(&s, &ctx, &headers, "修改密码", "/account/password").await,
        error: None,
    })
}

async fn change_password(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<OwnPasswordInput>,
) -> UiResult {
    match ops::change_own_password(&s, &ctx, &f).await {
        Ok(()) => Ok(flash_redirect("/", "密码已修改", &ctx.meta)),
        Err(e @ AppError::Invalid { .. }) => Ok(render(
            StatusCode::BAD_REQUEST,
            &PasswordPage {
                layout: Layout::new(&s, &ctx, &headers, "修改密码", "/account/password").await,
                error: Some(e.to_string()),
            },
        )),
        Err(e) => Err(e.into()),
    }
}

async fn two_factor_view(
    s: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    enrolment: Option<ops::second_factor::Enrolment>,
    recovery_codes: Vec<String>,
    error: Option<String>,
    code: String,
) -> UiResult {
    let status = ops::second_factor::status(s, ctx).await?;
    let enrolment = match enrolment {
        Some(e) => Some(e),
        None if !status.enabled => Some(ops::second_factor::new_enrolment(ctx)?),
        None => None,
    };
    Ok(render(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &TwoFactorPage {
            layout: Layout::new(s, ctx, headers, "两步验证", "/account/two-factor").await,
            status,
            enrolment,
            recovery_codes,
            error,
            code,
        },
    ))
}

async fn two_factor_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
) -> UiResult {
    two_factor_view(&s, &ctx, &headers, None, vec![], None, String::new()).await
}

async fn enable_two_factor(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<ops::second_factor::EnableInput>,
) -> UiResult {
    match ops::second_factor::enable(&s, &ctx, &f).await {
        Ok(done) => {
            two_factor_view(
                &s,
                &ctx,
                &headers,
                None,
                done.recovery_codes,
                None,
                String::new(),
            )
            .await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            // The same secret again, so the app need not be set up twice.
            let login = ctx
                .person
                .as_ref()
                .map(|p| p.login.clone())
                .unwrap_or_default();
            let secret = f.secret.trim().to_ascii_uppercase();
            let again = if secret.is_empty() {
                None
            } else {
                ops::second_factor::enrolment(secret, &login).ok()
            };
            two_factor_view(
                &s,
                &ctx,
                &headers,
                again,
                vec![],
                Some(e.to_string()),
                f.code,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn reset_two_factor(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    let r = ops::second_factor::reset(&s, &ctx, id).await;
    done(
        &ctx,
        r,
        &format!("/people/{id}"),
        "两步验证已重置，该人员下次登录时须重新开启",
    )
}

// ---- orgs ----

/// The org form as typed (strings, so nothing typed is lost on an error).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    code: String,
    name: String,
    kind: String,
    level: String,
    #[serde(default)]
    parent_id: String,
    division_code: String,
}

impl OrgForm {
    fn input(&self) -> Result<OrgInput, AppError> {
        let parent_id = match self.parent_id.trim() {
            "" => None,
            p => Some(
                p.parse()
                    .map_err(|_| AppError::invalid("parent_id", "上级机构不正确"))?,
            ),
        };
        Ok(OrgInput {
            code: Some(self.code.clone()),
            name: self.name.clone(),
            kind: self.kind.clone(),
            level: self.level.clone(),
            parent_id,
            division_code: self.division_code.clone(),
        })
    }
}

async fn orgs_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    let orgs = ops::list_orgs(&s, &ctx).await?;
    ok(&OrgsPage {
        layout: Layout::new(&s, &ctx, &headers, "组织机构", "/orgs").await,
        orgs: orgs.iter().map(OrgView::from).collect(),
        can_manage: ctx.can(
            Action::ManageOrg,
            &Target::org(ctx.actor.government_path.clone()),
        ),
    })
}

async fn org_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let o = ops::get_org(&s, &ctx, id).await?;
    let parent = match o.parent_id {
        Some(p) => s.store.org(p).await.ok().map(|p| OrgView::from(&p)),
        None => None,
    };
    let can_manage = ctx.can(Action::ManageOrg, &Target::org(o.path.clone()));
    ok(&OrgDetailPage {
        layout: Layout::new(&s, &ctx, &headers, &o.name, "/orgs").await,
        org: OrgView::from(&o),
        parent,
        can_manage,
    })
}

async fn org_form(
    s: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    creating: bool,
    action: String,
    form: OrgForm,
    error: Option<String>,
) -> UiResult {
    let parents = ops::list_orgs(s, ctx)
        .await?
        .iter()
        .filter(|o| o.active)
        .map(OrgView::from)
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &OrgFormPage {
            layout: Layout::new(
                s,
                ctx,
                headers,
                if creating {
                    "新建机构"
                } else {
                    "编辑机构"
                },
                "/orgs",
            )
            .await,
            action,
            creating,
            form,
            error,
            kinds: OrgKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            levels: OrgLevel::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            parents,
        },
    ))
}

async fn new_org_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
) -> UiResult {
    ctx.authorize(
        Action::ManageOrg,
        &Target::org(ctx.actor.government_path.clone()),
    )?;
    let form = OrgForm {
        kind: "department".into(),
        level: "county".into(),
        parent_id: ctx.actor.org_id.to_string(),
        ..Default::default()
    };
    org_form(&s, &ctx, &headers, true, "/orgs".into(), form, None).await
}

async fn create_org(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<OrgForm>,
) -> UiResult {
    let r = match f.input() {
        Ok(input) => ops::create_org(&s, &ctx, &input).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(o) => Ok(flash_redirect(
            &format!("/orgs/{}", o.id),
            "机构已创建",
            &ctx.meta,
        )),
        Err(e @ AppError::Invalid { .. }) => {
            org_form(
                &s,
                &ctx,
                &headers,
                true,
                "/orgs".into(),
                f,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_org_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    let o = ops::get_org(&s, &ctx, id).await?;
    ctx.authorize(Action::ManageOrg, &Target::org(o.path.clone()))?;
    let form = OrgForm {
        code: o.code,
        name: o.name,
        kind: o.kind,
        level: o.level,
        parent_id: o.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        division_code: o.division_code,
    };
    org_form(
        &s,
        &ctx,
        &headers,
        false,
        format!("/orgs/{id}/edit"),
        form,
        None,
    )
    .await
}

async fn edit_org(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<OrgForm>,
) -> UiResult {
    let r = match f.input() {
        Ok(input) => ops::edit_org(&s, &ctx, id, &input).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Ok(flash_redirect(
            &format!("/orgs/{id}"),
            "机构已保存",
            &ctx.meta,
        )),
        Err(e @ AppError::Invalid { .. }) => {
            org_form(
                &s,
                &ctx,
                &headers,
                false,
                format!("/orgs/{id}/edit"),
                f,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn deactivate_org(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    let r = ops::set_org_active(&s, &ctx, id, false).await;
    done(&ctx, r, &format!("/orgs/{id}"), "机构已停用")
}

async fn reactivate_org(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    let r = ops::set_org_active(&s, &ctx, id, true).await;
    done(&ctx, r, &format!("/orgs/{id}"), "机构已重新启用")
}

// ---- people ----

/// The person form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    login: String,
    name: String,
    org_id: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    roles: Vec<String>,
}

impl PersonForm {
    fn input(&self) -> Result<PersonInput, AppError> {
        Ok(PersonInput {
            login: Some(self.login.clone()),
            name: self.name.clone(),
            org_id: self
                .org_id
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("org_id", "请选择所属机构"))?,
            roles: self.roles.clone(),
            phone: Some(self.phone.clone()),
        })
    }
}

fn role_choices(selected: &[String], admin_roles: bool) -> Vec<(&'static str, &'static str, bool)> {
    Role::ALL
        .iter()
        .filter(|r| **r != Role::System && (admin_roles || !r.is_admin()))
        .map(|r| {
            (
                r.as_str(),
                r.label(),
                selected.iter().any(|s| s == r.as_str()),
            )
        })
        .collect()
}

async fn people_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<PeopleQuery>,
) -> UiResult {
    let page = ops::list_people(&s, &ctx, &q).await?;
    ok(&PeoplePage {
        layout: Layout::new(&s, &ctx, &headers, "人员", "/people").await,
        pager: Pager::new(&page, uri.query().unwrap_or_default()),
        page,
        org_id: q.org_id,
        q: q.q.clone().unwrap_or_default(),
        include_inactive: q.include_inactive.unwrap_or(false),
        can_manage: ctx.can(
            Action::ManagePerson,
            &Target::org(ctx.actor.government_path.clone()),
        ),
    })
}

#[derive(Deserialize)]
struct RevealQuery {
    reveal: Option<bool>,
}

async fn person_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
    UiQuery(q): UiQuery<RevealQuery>,
) -> UiResult {
    let p = ops::get_person(&s, &ctx, id, q.reveal.unwrap_or(false)).await?;
    let path = s.store.org(p.org_id).await?.path;
    let target = Target::person(path, id);
    let gov = Target::org(ctx.actor.government_path.clone());
    ok(&PersonDetailPage {
        layout: Layout::new(&s, &ctx, &headers, &p.name, "/people").await,
        can_manage: ctx.can(Action::ManagePerson, &target),
        can_account: ctx.can(Action::ManageAccount, &target),
        can_audit: ctx.can(Action::ViewEvents, &gov),
        can_reveal: ctx.can(Action::ViewPersonalData, &target),
        role_choices: role_choices(&p.roles, true),
        year: ctx.now().year(),
        p,
    })
}

async fn person_form(
    s: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    creating: bool,
    action: String,
    form: PersonForm,
    error: Option<String>,
) -> UiResult {
    let orgs = ops::list_orgs(s, ctx)
        .await?
        .iter()
        .filter(|o| o.active)
        .map(OrgView::from)
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &PersonFormPage {
            layout: Layout::new(
                s,
                ctx,
                headers,
                if creating {
                    "新建人员"
                } else {
                    "编辑人员"
                },
                "/people",
            )
            .await,
            action,
            creating,
            role_choices: role_choices(&form.roles, false),
            form,
            error,
            orgs,
        },
    ))
}

async fn new_person_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
) -> UiResult {
    ctx.authorize(
        Action::ManagePerson,
        &Target::org(ctx.actor.government_path.clone()),
    )?;
    let form = PersonForm {
        org_id: ctx.actor.org_id.to_string(),
        ..Default::default()
    };
    person_form(&s, &ctx, &headers, true, "/people".into(), form, None).await
}

async fn create_person(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<PersonForm>,
) -> UiResult {
    let r = match f.input() {
        Ok(input) => ops::create_person(&s, &ctx, &input).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(p) => Ok(flash_redirect(
            &format!("/people/{}", p.id),
            "人员已创建。请安全管理员设置登录密码。",
            &ctx.meta,
        )),
        Err(e @ AppError::Invalid { .. }) => {
            person_form(
                &s,
                &ctx,
                &headers,
                true,
                "/people".into(),
                f,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_person_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
) -> UiResult {
    ops::authorize_person(&s, &ctx, Action::ManagePerson, id).await?;
    let p = ops::get_person(&s, &ctx, id, true).await?;
    let form = PersonForm {
        login: p.login,
        name: p.name,
        org_id: p.org_id.to_string(),
        phone: if p.phone_revealed {
            p.phone.unwrap_or_default()
        } else {
            String::new()
        },
        roles: p.roles,
    };
    person_form(
        &s,
        &ctx,
        &headers,
        false,
        format!("/people/{id}/edit"),
        form,
        None,
    )
    .await
}

async fn edit_person(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<PersonForm>,
) -> UiResult {
    let r = match f.input() {
        Ok(input) => ops::edit_person(&s, &ctx, id, &input).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Ok(flash_redirect(
            &format!("/people/{id}"),
            "人员信息已保存",
            &ctx.meta,
        )),
        Err(e @ AppError::Invalid { .. }) => {
            person_form(
                &s,
                &ctx,
                &headers,
                false,
                format!("/people/{id}/edit"),
                f,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn deactivate_person(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    let r = ops::set_person_active(&s, &ctx, id, false).await;
    done(&ctx, r, &format!("/people/{id}"), "账号已停用")
}

async fn reactivate_person(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    let r = ops::set_person_active(&s, &ctx, id, true).await;
    done(&ctx, r, &format!("/people/{id}"), "账号已重新启用")
}

#[derive(Deserialize)]
struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

async fn set_roles(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<RolesForm>,
) -> UiResult {
    let r = ops::set_roles(&s, &ctx, id, &RolesInput { roles: f.roles }).await;
    done(&ctx, r, &format!("/people/{id}"), "角色已保存")
}

async fn set_password(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<PasswordInput>,
) -> UiResult {
    let r = ops::set_password(&s, &ctx, id, &f).await;
    done(
        &ctx,
        r,
        &format!("/people/{id}"),
        "密码已设置，该人员的登录会话已全部结束",
    )
}

async fn unlock(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    let r = ops::unlock(&s, &ctx, id).await;
    done(&ctx, r, &format!("/people/{id}"), "登录锁定已解除")
}

#[derive(Deserialize)]
struct CertificateForm {
    number: String,
    #[serde(default)]
    domains: String,
    valid_until: String,
}

async fn add_certificate(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<CertificateForm>,
) -> UiResult {
    let input = CertificateInput {
        number: f.number,
        domains: vec![f.domains],
        valid_until: f.valid_until,
    };
    let r = ops::add_certificate(&s, &ctx, id, &input).await;
    done(&ctx, r, &format!("/people/{id}"), "执法证已登记")
}

async fn set_training(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(f): CsrfForm<TrainingInput>,
) -> UiResult {
    let r = ops::set_training(&s, &ctx, id, &f).await;
    done(&ctx, r, &format!("/people/{id}"), "培训学时已保存")
}

// ---- import ----

async fn import_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    ctx.authorize(
        Action::ManageOrg,
        &Target::org(ctx.actor.government_path.clone()),
    )?;
    ok(&ImportPage {
        layout: Layout::new(&s, &ctx, &headers, "数据导入", "/import").await,
        errors: vec![],
        error_title: String::new(),
        orgs_csv: xiezhi_store::import::ORG_HEADER.join(",") + "\n",
        people_csv: xiezhi_store::import::PEOPLE_HEADER.join(",") + "\n",
    })
}

#[derive(Deserialize)]
pub(crate) struct CsvForm {
    pub(crate) csv: String,
}

async fn import(
    s: AppState,
    ctx: Ctx,
    headers: HeaderMap,
    kind: ImportKind,
    csv: String,
) -> UiResult {
    match ops::import_csv(&s, &ctx, kind, &csv).await {
        Ok(n) => Ok(flash_redirect(
            if kind == ImportKind::Orgs {
                "/orgs"
            } else {
                "/people"
            },
            &format!("已导入 {n} 条"),
            &ctx.meta,
        )),
        Err(e @ (AppError::ImportRows(_) | AppError::Invalid { .. })) => {
            let errors = row_errors(&e);
            let (orgs_csv, people_csv) = match kind {
                ImportKind::Orgs => (csv, xiezhi_store::import::PEOPLE_HEADER.join(",") + "\n"),
                ImportKind::People => (xiezhi_store::import::ORG_HEADER.join(",") + "\n", csv),
            };
            Ok(render(
                StatusCode::BAD_REQUEST,
                &ImportPage {
                    layout: Layout::new(&s, &ctx, &headers, "数据导入", "/import").await,
                    errors,
                    error_title: e.to_string(),
                    orgs_csv,
                    people_csv,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn import_orgs(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<CsvForm>,
) -> UiResult {
    import(s, ctx, headers, ImportKind::Orgs, f.csv).await
}

async fn import_people(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<CsvForm>,
) -> UiResult {
    import(s, ctx, headers, ImportKind::People, f.csv).await
}

// ---- record ----

async fn events_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<EventQuery>,
) -> UiResult {
    let page = ops::list_events(&s, &ctx, &q).await?;
    ok(&EventsPage {
        layout: Layout::new(&s, &ctx, &headers, "全过程记录", "/events").await,
        pager: Pager::new(&page, uri.query().unwrap_or_default()),
        page,
        q,
    })
}

async fn security_log_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<EventQuery>,
) -> UiResult {
    let page = ops::security_log(&s, &ctx, &q).await?;
    let query = uri.query().unwrap_or_default().to_owned();
    ok(&SecurityLogPage {
        layout: Layout::new(&s, &ctx, &headers, "安全日志", "/security-log").await,
        pager: Pager::new(&page, &query),
        page,
        q,
        kinds: xiezhi_domain::EventKind::SECURITY
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
    })
}

async fn security_log_export(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    CsrfForm(q): CsrfForm<EventQuery>,
) -> UiResult {
    let csv = ops::export_security_log(&s, &ctx, &q).await?;
    Ok(csv_download("安全日志.csv", csv))
}

/// A CSV file to save, named in Chinese (RFC 6266 `filename*`, with a plain fallback).
pub(crate) fn csv_download(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"export.csv\"; filename*=UTF-8''{}",
                    urlencoding::encode(name)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

// ---- tokens ----

async fn tokens_view(
    s: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    secret: Option<String>,
    error: Option<String>,
) -> UiResult {
    let tokens = ops::list_tokens(s, ctx).await?;
    let orgs = ops::list_orgs(s, ctx).await?;
    Ok(render(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &TokensPage {
            layout: Layout::new(s, ctx, headers, "接口令牌", "/tokens").await,
            tokens,
            orgs: orgs
                .iter()
                .filter(|o| o.active)
                .map(OrgView::from)
                .collect(),
            scopes: TokenScope::ALL
                .iter()
                .map(|t| (t.as_str(), t.label()))
                .collect(),
            secret,
            error,
        },
    ))
}

async fn tokens_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    tokens_view(&s, &ctx, &headers, None, None).await
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
    org_id: Option<i64>,
    #[serde(default)]
    scopes: Vec<String>,
}

async fn create_token(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<TokenForm>,
) -> UiResult {
    let input = TokenInput {
        org_id: f.org_id,
        name: f.name,
        scopes: f.scopes,
    };
    match ops::create_token(&s, &ctx, &input).await {
        Ok((_, secret)) => tokens_view(&s, &ctx, &headers, Some(secret), None).await,
        Err(e @ AppError::Invalid { .. }) => {
            tokens_view(&s, &ctx, &headers, None, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke_token(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    UiPath(id): UiPath<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> UiResult {
    let r = ops::revoke_token(&s, &ctx, id).await;
    done(&ctx, r, "/tokens", "令牌已吊销")
}

// ---- assets ----

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> UiResult {
    let Some(a) = ASSETS.iter().find(|a| a.served == name) else {
        return Err(AppError::NotFound("文件").into());
    };
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        a.body,
    )
        .into_response())
}

/// A share (0 to 1) as a bar, its target marked: SVG shapes sized by their attributes, since
/// the Content-Security-Policy allows no `style` attribute.
pub(crate) fn bar_svg(share: &f64, target: Option<&f64>) -> String {
    let percent = |v: f64| {
        if v.is_finite() {
            (v * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    };
    let goal = target
        .map(|t| {
            format!(
                r#"<line class="goal" x1="{0:.0}" x2="{0:.0}" y1="-3" y2="13"/>"#,
                percent(*t)
            )
        })
        .unwrap_or_default();
    format!(
        r#"<svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect class="fill" width="{:.1}" height="10"/>{goal}</svg>"#,
        percent(*share)
    )
}

// After the `page!` macro, which they use.
mod assessment;
mod assistance;
mod cases;
mod catalog;
mod clocks;
mod dashboard;
mod error;
mod forgive;
mod instructions;
mod leads;
mod meetings;
mod operations;
mod transfers;

// ---- choices in forms: people and orgs picked by name ----

/// A person offered in a form, named with their org and roles (never a login to type).
pub struct PersonChoice {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    /// 执法人员, 负责人…
    pub roles_label: String,
    /// Holds the officer role (may be sent on an operation).
    pub officer: bool,
}

/// The active people of the caller's government for a form, by org.
async fn people_for_select(s: &AppState, ctx: &Ctx) -> Vec<PersonChoice> {
    let filter = xiezhi_store::people::PersonFilter {
        org_path: Some(ctx.actor.government_path.clone()),
        ..Default::default()
    };
    let orgs = s
        .store
        .orgs_under(&ctx.actor.government_path)
        .await
        .unwrap_or_default();
    let (rows, _) = s.store.people(&filter, 1, 5000).await.unwrap_or_default();
    rows.iter()
        .map(|p| {
            let roles = xiezhi_store::people::roles_of(p);
            PersonChoice {
                id: p.id,
                name: p.name.clone(),
                org_id: p.org_id,
                org_name: orgs
                    .iter()
                    .find(|o| o.id == p.org_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                roles_label: roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join("、"),
                officer: roles.contains(&Role::Officer),
            }
        })
        .collect()
}

/// Ids picked in a form (checkboxes or selects sharing a name), empty ones dropped.
fn picked_ids(values: &[String], field: &'static str) -> Result<Vec<i64>, AppError> {
    values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse()
                .map_err(|_| AppError::invalid(field, "请从列表中选择"))
        })
        .collect()
}

/// The active orgs of the caller's government for a select, the caller's own org included or
/// not.
async fn government_orgs(s: &AppState, ctx: &Ctx, with_own: bool) -> Vec<(i64, String)> {
    orgs_for_select(s, &ctx.actor.government_path, ctx, with_own).await
}

/// The active orgs under `path` for a select, the caller's own org included or not.
async fn orgs_for_select(
    s: &AppState,
    path: &str,
    ctx: &Ctx,
    with_own: bool,
) -> Vec<(i64, String)> {
    s.store
        .orgs_under(path)
        .await
        .unwrap_or_default()
        .iter()
        .filter(|o| o.active && (with_own || o.id != ctx.actor.org_id))
        .map(|o| (o.id, o.name.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn after_sign_in_only_a_visible_path_on_this_site_is_followed() {
        assert_eq!(safe_next(Some("/leads/2?tab=x%20y")), "/leads/2?tab=x%20y");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{7f}",
            "https://evil.example",
            "/线索",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
    }
}
