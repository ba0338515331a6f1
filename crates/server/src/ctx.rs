//! Who is asking: the request context built from the session cookie or the API token, the
//! request id, "now", and the anti-forgery (CSRF) token. Also the one place that turns a
//! policy decision into an error ([`Ctx::authorize`]).

use crate::AppState;
use crate::error::AppError;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use rand::RngCore;
use xiezhi_domain::policy::Scope;
use xiezhi_domain::{Action, Actor, Refusal, Target};
use xiezhi_store::entities::person;
use xiezhi_store::{RecordContext, Writer};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "xz_session";
/// Name of the anti-forgery cookie (double-submit: forms and API calls repeat its value).
pub const CSRF_COOKIE: &str = "xz_csrf";
/// Header carrying the anti-forgery token on API calls authenticated by cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The anti-forgery cookie of this browser, put in request extensions by [`csrf_cookie`].
/// Pages and API calls carry [`bound_csrf`] of it, not the cookie itself.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// The anti-forgery token forms and API calls must send: the browser's cookie bound to its
/// session (a digest of both), so a token planted or read without the session — which is
/// HttpOnly — is worth nothing. Without a session it is the cookie itself.
pub fn bound_csrf(browser: &str, session: Option<&str>) -> String {
    match session {
        None => browser.to_owned(),
        Some(s) => xiezhi_domain::sm3_hex(format!("csrf\n{browser}\n{s}").as_bytes())
            .chars()
            .take(32)
            .collect(),
    }
}

/// Read one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value with our flags (HttpOnly, SameSite=Lax, Secure over TLS).
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or(HeaderValue::from_static(""))
}

/// Whether the request came over TLS (directly configured, or said by the proxy).
pub fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Middleware: make sure every browser has an anti-forgery cookie.
pub async fn csrf_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|v| v.len() == 32);
    let secure = is_secure(&state, req.headers());
    let token = existing.clone().unwrap_or_else(|| random_hex(16));
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    if existing.is_none() {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &token, secure, None),
        );
    }
    res
}

/// The request id set by the request-id middleware.
pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

/// Facts about a request that do not need a sign-in.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// The request id.
    pub request_id: String,
    /// Now.
    pub now: DateTime<Utc>,
    /// The anti-forgery token (bound to the session, see [`bound_csrf`]).
    pub csrf: String,
    /// The browser's anti-forgery cookie, to bind to a session that starts now.
    pub browser_csrf: String,
    /// Whether cookies must be Secure.
    pub secure: bool,
    /// Where the request comes from, for the throttles (see [`client_of`]).
    pub client: String,
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let browser_csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let session = cookie(&parts.headers, SESSION_COOKIE).filter(|s| !s.is_empty());
        Ok(RequestMeta {
            request_id: request_id(&parts.headers),
            now: state.now(),
            csrf: if browser_csrf.is_empty() {
                String::new()
            } else {
                bound_csrf(&browser_csrf, session.as_deref())
            },
            browser_csrf,
            secure: is_secure(state, &parts.headers),
            client: client_of(
                parts
                    .extensions
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                    .map(|c| c.0.ip()),
                &parts.headers,
                &state.http.trusted_proxies,
            ),
        })
    }
}

/// The client a request comes from (客户端地址): the connection's peer; when the peer is a
/// trusted proxy (a setting), the nearest address in `X-Forwarded-For` that is not one.
/// The header is ignored from anyone else, so a client cannot choose its own bucket.
pub fn client_of(
    peer: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    trusted: &[ipnet::IpNet],
) -> String {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|n| n.contains(ip));
    let Some(peer) = peer else {
        return "unknown".to_owned();
    };
    if !is_trusted(&peer) {
        return peer.to_string();
    }
    // From the nearest hop outwards: trusted proxies are skipped, the first other address
    // is the client; an unreadable entry ends the walk at the last proxy that added one.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.trim().parse::<std::net::IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client.to_string()
}

/// Where a list may look (see [`Ctx::list_scope`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    /// Every org whose path starts with this.
    Under(String),
    /// This org only.
    Only(i64),
}

impl ListScope {
    /// The org ids in scope.
    pub async fn org_ids(&self, store: &xiezhi_store::Store) -> Result<Vec<i64>, AppError> {
        Ok(match self {
            ListScope::Under(path) => store.orgs_under(path).await?.iter().map(|o| o.id).collect(),
            ListScope::Only(id) => vec![*id],
        })
    }
}

/// A signed-in actor and the request facts.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Who, as the policy sees them.
    pub actor: Actor,
    /// The person, when a person is signed in (not for tokens).
    pub person: Option<person::Model>,
    /// Request id, now, CSRF token.
    pub meta: RequestMeta,
    /// Whether the caller authenticated with the session cookie (so CSRF applies).
    pub via_cookie: bool,
    /// The session's id, when signed in with the session cookie (to keep it when a password
    /// change ends the person's other sessions).
    pub session: Option<String>,
}

impl Ctx {
    /// Ask the policy; refuse with 403 when it says no.
    pub fn authorize(&self, action: Action, target: &Target) -> Result<(), AppError> {
        xiezhi_domain::authorize(&self.actor, action, target).map_err(AppError::Forbidden)
    }

    /// Whether the policy allows it (for showing or hiding buttons).
    pub fn can(&self, action: Action, target: &Target) -> bool {
        xiezhi_domain::authorize(&self.actor, action, target).is_ok()
    }

    /// Whether any of the actor's roles allows `action` somewhere (for menus and for forms
    /// that open a new subject).
    pub fn may_somewhere(&self, action: Action) -> bool {
        xiezhi_domain::policy::scope(&self.actor, action).is_some()
    }

    /// The widest scope in which the policy allows `action`, for lists: the actor's
    /// government, their org's subtree, or their own org only (`policy::scope`).
    pub fn list_scope(&self, action: Action) -> Result<ListScope, AppError> {
        match xiezhi_domain::policy::scope(&self.actor, action) {
            Some(Scope::Under(path)) => Ok(ListScope::Under(path)),
            Some(Scope::Only(_)) => Ok(ListScope::Only(self.actor.org_id)),
            None => Err(AppError::Forbidden(Refusal::NotPermitted)),
        }
    }

    /// The path of the top government of the actor's tree (the county, for a township): the
    /// bodies a lead may be transferred to, asked for help or joined in an operation with.
    pub fn tree_path(&self) -> String {
        self.actor
            .org_path
            .split('/')
            .find(|p| !p.is_empty())
            .map(|p| format!("/{p}/"))
            .unwrap_or_else(|| "/".into())
    }

    /// Begin a recorded write as this actor.
    pub async fn writer(&self, state: &AppState) -> Result<Writer, AppError> {
        Ok(state
            .store
            .begin_write(RecordContext {
                actor: self.actor.id.record_name(),
                org: Some(self.actor.org_id),
                request_id: self.meta.request_id.clone(),
                at: self.meta.now,
            })
            .await?)
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        self.meta.now
    }
}

async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Option<Ctx>, AppError> {
    let Ok(meta) = RequestMeta::from_request_parts(parts, state).await;
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let Some(secret) = bearer {
        let Some(token) = state.store.token_by_secret(secret).await? else {
            return Err(AppError::Unauthenticated);
        };
        let actor = state.store.actor_for_token(&token).await?;
        return Ok(Some(Ctx {
            actor,
            person: None,
            meta,
            via_cookie: false,
            session: None,
        }));
    }
    let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some((session, person)) = xiezhi_store::auth::session_person(
        &state.store,
        &secret,
        meta.now,
        chrono::Duration::minutes(state.http.session_idle_minutes),
    )
    .await?
    else {
        return Ok(None);
    };
    let actor = state.store.actor_for_person(&person).await?;
    Ok(Some(Ctx {
        actor,
        person: Some(person),
        meta,
        via_cookie: true,
        session: Some(session.id),
    }))
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// What an administrator who has yet to turn on two-factor sign-in may use: their own
/// account, the enrolment, and signing out.
const ENROL_API: &[&str] = &[
    "/api/v1/me",
    "/api/v1/me/password",
    "/api/v1/me/second-factor",
    "/api/v1/me/second-factor/secret",
    "/api/v1/session",
];
const ENROL_UI: &[&str] = &["/account/two-factor", "/account/password", "/logout"];

/// A signed-in caller of the JSON API (session cookie with the CSRF header on writes, or a
/// bearer token).
#[derive(Debug, Clone)]
pub struct ApiCtx(pub Ctx);

impl FromRequestParts<AppState> for ApiCtx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let ctx = resolve(parts, state)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if ctx.via_cookie && !is_safe(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            let ok = sent
                .is_some_and(|t| xiezhi_domain::totp::same(t.as_bytes(), ctx.meta.csrf.as_bytes()));
            if !ok || ctx.meta.csrf.is_empty() {
                return Err(AppError::Csrf);
            }
        }
        if !ENROL_API.contains(&parts.uri.path())
            && crate::ops::second_factor::must_enrol(state, &ctx).await?
        {
            return Err(AppError::SecondFactorEnrolment);
        }
        Ok(ApiCtx(ctx))
    }
}

/// A signed-in person using the web UI; others are sent to the sign-in page.
/// (Form posts check the CSRF field in [`crate::ui::CsrfForm`].)
#[derive(Debug, Clone)]
pub struct UiCtx(pub Ctx);

impl FromRequestParts<AppState> for UiCtx {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match resolve(parts, state).await {
            Ok(Some(ctx)) if ctx.person.is_some() => {
                if !ENROL_UI.contains(&parts.uri.path()) {
                    match crate::ops::second_factor::must_enrol(state, &ctx).await {
                        Ok(true) => return Err(Redirect::to(ENROL_UI[0]).into_response()),
                        Ok(false) => {}
                        Err(e) => return Err(crate::ui::UiError(e).into_response()),
                    }
                }
                Ok(UiCtx(ctx))
            }
            Ok(_) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Err(
                    Redirect::to(&format!("/login?next={}", urlencoding::encode(next)))
                        .into_response(),
                )
            }
            Err(e) => Err(crate::ui::UiError(e).into_response()),
        }
    }
}
