//! The JSON API under `/api/v1`, described by OpenAPI 3 at `/api/v1/openapi.json`. Every
//! route is registered through `utoipa-axum`, so the description covers every route.

mod assessment;
mod assistance;
mod cases;
mod catalog;
mod clocks;
mod documents;
mod instructions;
mod leads;
mod meetings;
mod operations;
mod transfers;

use crate::AppState;
use crate::ctx::{ApiCtx, Ctx, RequestMeta, SESSION_COOKIE, set_cookie};
use crate::error::{AppError, ErrorBody};
use crate::ops::second_factor as sf;
use crate::ops::{self, *};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xiezhi_store::auth::SignIn;

/// JSON body whose rejection uses the error shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// Path parameters whose rejection uses the error shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// Query parameters whose rejection uses the error shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(e: JsonRejection) -> Self {
        crate::error::rejection("body", e.body_text())
    }
}
impl From<PathRejection> for AppError {
    fn from(e: PathRejection) -> Self {
        crate::error::rejection("path", e.body_text())
    }
}
impl From<QueryRejection> for AppError {
    fn from(e: QueryRejection) -> Self {
        crate::error::rejection("query", e.body_text())
    }
}

/// What an API handler answers: its value, or an error as JSON naming the request.
pub(crate) type ApiResult<T> = Result<T, AppError>;

struct Security;
impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(SESSION_COOKIE))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "獬豸 Xiezhi API",
        description = "行政执法统筹协调指挥平台接口。认证：会话 Cookie（写操作须带 X-CSRF-Token 头）或 Bearer 接口令牌。错误统一为 {code, message, details, request_id}。"
    ),
    modifiers(&Security),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// The API routes and their OpenAPI description.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(me))
        .routes(routes!(second_factor_status, enable_second_factor))
        .routes(routes!(new_second_factor_secret))
        .routes(routes!(reset_second_factor))
        .routes(routes!(change_password))
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, edit_org))
        .routes(routes!(deactivate_org))
        .routes(routes!(reactivate_org))
        .routes(routes!(list_people, create_person))
        .routes(routes!(get_person, edit_person))
        .routes(routes!(deactivate_person))
        .routes(routes!(reactivate_person))
        .routes(routes!(set_roles))
        .routes(routes!(set_password))
        .routes(routes!(unlock))
        .routes(routes!(add_certificate))
        .routes(routes!(set_training))
        .routes(routes!(import_orgs))
        .routes(routes!(import_people))
        .routes(routes!(list_events))
        .routes(routes!(security_log))
        .routes(routes!(export_security_log))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(clocks::inbox))
        .routes(routes!(clocks::todo))
        .routes(routes!(clocks::list_clocks))
        .routes(routes!(clocks::get_clock))
        .routes(routes!(clocks::command_clock))
        .routes(routes!(clocks::recompute))
        .routes(routes!(clocks::rules))
        .routes(routes!(clocks::profiles))
        .routes(routes!(clocks::assign_profile))
        .routes(routes!(clocks::calendar_years, clocks::load_year))
        .routes(routes!(catalog::list_items))
        .routes(routes!(catalog::get_item))
        .routes(routes!(catalog::resolve))
        .routes(routes!(catalog::may_penalise))
        .routes(routes!(catalog::matrix))
        .routes(routes!(catalog::import_items))
        .routes(routes!(catalog::import_assignments))
        .routes(routes!(catalog::export_items))
        .routes(routes!(catalog::export_assignments))
        .routes(routes!(catalog::indicators))
        .routes(routes!(catalog::import_boundaries))
        .routes(routes!(catalog::letters))
        .routes(routes!(leads::submit, leads::list))
        .routes(routes!(leads::get))
        .routes(routes!(leads::sign))
        .routes(routes!(transfers::detail))
        .routes(routes!(transfers::no_violation))
        .routes(routes!(transfers::file_case))
        .routes(routes!(transfers::refer))
        .routes(routes!(transfers::final_reply))
        .routes(routes!(transfers::draft))
        .routes(routes!(transfers::open_conflict))
        .routes(routes!(transfers::list_transfers))
        .routes(routes!(transfers::get_transfer))
        .routes(routes!(transfers::approve))
        .routes(routes!(transfers::send))
        .routes(routes!(transfers::complete_written))
        .routes(routes!(transfers::accept))
        .routes(routes!(transfers::reject))
        .routes(routes!(transfers::withdraw))
        .routes(routes!(transfers::report_outcome))
        .routes(routes!(transfers::answer_refusal))
        .routes(routes!(transfers::list_disputes))
        .routes(routes!(transfers::get_dispute))
        .routes(routes!(transfers::add_note))
        .routes(routes!(transfers::escalate))
        .routes(routes!(transfers::designate))
        .routes({
            let (schemas, paths, method) = routes!(transfers::upload);
            (
                schemas,
                paths,
                // The upload enforces the evidence size limit itself, as the stream arrives.
                method.layer(axum::extract::DefaultBodyLimit::disable()),
            )
        })
        .routes(routes!(transfers::download))
        .routes(routes!(cases::list))
        .routes(routes!(cases::get))
        .routes(routes!(cases::timeline))
        .routes(routes!(cases::add_party))
        .routes(routes!(cases::add_handler))
        .routes(routes!(cases::set_flags))
        .routes(routes!(cases::step))
        .routes(routes!(cases::copy_to_permit))
        .routes(routes!(cases::review_queue))
        .routes(routes!(cases::permit_check))
        .routes(routes!(cases::export))
        .routes(routes!(cases::add_evidence))
        .routes(routes!(documents::issue, documents::list))
        .routes(routes!(documents::draft))
        .routes(routes!(documents::get))
        .routes(routes!(documents::pdf))
        .routes(routes!(documents::set_template))
        .routes(routes!(assistance::send, assistance::list))
        .routes(routes!(assistance::get))
        .routes(routes!(assistance::step))
        .routes(routes!(assistance::rate))
        .routes(routes!(instructions::send, instructions::list))
        .routes(routes!(instructions::get))
        .routes(routes!(instructions::acknowledge))
        .routes(routes!(instructions::complete))
        .routes(routes!(instructions::live))
        .routes(routes!(operations::create, operations::list))
        .routes(routes!(operations::get))
        .routes(routes!(operations::step))
        .routes(routes!(operations::check_in))
        .routes(routes!(operations::report))
        .routes(routes!(operations::link))
        .routes(routes!(operations::notify))
        .routes(routes!(operations::dispatch))
        .routes(routes!(meetings::call, meetings::list))
        .routes(routes!(meetings::get))
        .routes(routes!(meetings::propose))
        .routes(routes!(meetings::step))
        .routes(routes!(meetings::my_actions))
        .routes(routes!(meetings::complete_action))
        .routes(routes!(assessment::assess))
        .routes(routes!(assessment::drill))
        .split_for_parts();
    (router, with_common_errors(doc))
}

/// Every operation may answer the errors the guards give before its handler: 400 for bad
/// input (a bad parameter, a NUL character), 401 without a sign-in, 404 for a missing
/// thing named in the path, 413 for an oversized body, 429 when throttled. The description
/// says so, each with the error body, where an operation did not list them itself.
fn with_common_errors(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let error = |why: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(why)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let writes = [&mut item.put, &mut item.post, &mut item.delete];
        let reads = [&mut item.get];
        for (op, write) in writes
            .into_iter()
            .map(|o| (o, true))
            .chain(reads.into_iter().map(|o| (o, false)))
        {
            let Some(op) = op.as_mut() else { continue };
            let r = &mut op.responses.responses;
            let mut add = |code: &str, why: &str| {
                r.entry(code.to_owned()).or_insert_with(|| error(why));
            };
            add("400", "输入有误（字段见 details.field）");
            add("401", "未登录或会话已结束");
            add("429", "操作过于频繁");
            if path.contains('{') {
                add("404", "路径所指的事项不存在");
            }
            if write {
                add("413", "提交的内容过大");
            }
        }
    }
    doc
}

/// Sign-in input.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignInInput {
    pub login: String,
    pub password: String,
    /// The second factor (a six-digit TOTP code, or a recovery code) for people who turned
    /// two-factor sign-in on; without it they get 401 `second_factor_required`.
    #[serde(default)]
    pub code: Option<String>,
}

/// Signed in: who, and the anti-forgery token to send as `X-CSRF-Token` on writes.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    pub person: PersonView,
    pub csrf: String,
}

/// Sign in with login and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignInInput,
    responses((status = 200, body = SignedIn), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn sign_in(
    State(s): State<AppState>,
    meta: RequestMeta,
    ApiJson(input): ApiJson<SignInInput>,
) -> ApiResult<Response> {
    let r = ops::sign_in(
        &s,
        &meta,
        &input.login,
        &input.password,
        input.code.as_deref(),
    )
    .await?;
    match r {
        SignIn::Ok { session, person } => {
            let actor = s
                .store
                .actor_for_person(&person)
                .await
                .map_err(AppError::from)?;
            let ctx = Ctx {
                actor,
                person: Some(person.clone()),
                meta: meta.clone(),
                via_cookie: true,
                session: None,
            };
            let view = ops::get_person(&s, &ctx, person.id, false).await?;
            let cookie = set_cookie(SESSION_COOKIE, &session, meta.secure, None);
            Ok((
                [(header::SET_COOKIE, cookie)],
                Json(SignedIn {
                    person: view,
                    csrf: crate::ctx::bound_csrf(&meta.browser_csrf, Some(&session)),
                }),
            )
                .into_response())
        }
        SignIn::BadCredentials => Err(AppError::BadCredentials),
        SignIn::CodeRequired => Err(AppError::SecondFactorRequired),
        SignIn::BadCode => Err(AppError::BadSecondFactor),
        SignIn::Locked { until } => Err(AppError::Locked(crate::beijing_time(until))),
    }
}

/// Sign out (ends the session).
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn sign_out(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    if let Some(secret) = crate::ctx::cookie(&headers, SESSION_COOKIE) {
        ops::sign_out(&s, &ctx, &secret).await?;
    }
    let clear = set_cookie(SESSION_COOKIE, "", ctx.meta.secure, Some(0));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

/// The signed-in person.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = PersonView), (status = 401, body = ErrorBody)))]
async fn me(State(s): State<AppState>, ApiCtx(ctx): ApiCtx) -> ApiResult<Json<PersonView>> {
    let id = ctx
        .person
        .as_ref()
        .map(|p| p.id)
        .ok_or(AppError::NotFound("人员"))?;
    ops::get_person(&s, &ctx, id, true).await.map(Json)
}

/// Change one's own password (needs the old one).
#[utoipa::path(put, path = "/api/v1/me/password", tag = "session", request_body = OwnPasswordInput,
    responses((status = 204), (status = 400, body = ErrorBody)))]
async fn change_password(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(input): ApiJson<OwnPasswordInput>,
) -> ApiResult<StatusCode> {
    ops::change_own_password(&s, &ctx, &input)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// Orgs of the caller's government, in tree order.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs",
    responses((status = 200, body = [OrgView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_orgs(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Vec<OrgView>>> {
    ops::list_orgs(&s, &ctx)
        .await
        .map(|v| Json(v.iter().map(OrgView::from).collect()))
}

/// Create an org.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgInput,
    responses((status = 201, body = OrgView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_org(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(input): ApiJson<OrgInput>,
) -> ApiResult<(StatusCode, Json<OrgView>)> {
    ops::create_org(&s, &ctx, &input)
        .await
        .map(|o| (StatusCode::CREATED, Json(OrgView::from(&o))))
}

/// One org.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = i64, Path)),
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_org(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OrgView>> {
    ops::get_org(&s, &ctx, id)
        .await
        .map(|o| Json(OrgView::from(&o)))
}

/// Edit an org.
#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = i64, Path)), request_body = OrgInput,
    responses((status = 200, body = OrgView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn edit_org(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<OrgInput>,
) -> ApiResult<Json<OrgView>> {
    ops::edit_org(&s, &ctx, id, &input)
        .await
        .map(|o| Json(OrgView::from(&o)))
}

/// Deactivate an org (refused while it has active people or sub-orgs).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/deactivate", tag = "orgs", params(("id" = i64, Path)),
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn deactivate_org(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OrgView>> {
    ops::set_org_active(&s, &ctx, id, false)
        .await
        .map(|o| Json(OrgView::from(&o)))
}

/// Reactivate an org.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/reactivate", tag = "orgs", params(("id" = i64, Path)),
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody)))]
async fn reactivate_org(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OrgView>> {
    ops::set_org_active(&s, &ctx, id, true)
        .await
        .map(|o| Json(OrgView::from(&o)))
}

/// People in the caller's reach (phones masked).
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleQuery),
    responses((status = 200, body = Page<PersonView>), (status = 403, body = ErrorBody)))]
async fn list_people(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<Page<PersonView>>> {
    ops::list_people(&s, &ctx, &q).await.map(Json)
}

/// Create a person (business roles only; no password until the security administrator sets one).
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonInput,
    responses((status = 201, body = PersonView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_person(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(input): ApiJson<PersonInput>,
) -> ApiResult<(StatusCode, Json<PersonView>)> {
    let p = ops::create_person(&s, &ctx, &input).await?;
    ops::get_person(&s, &ctx, p.id, false)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// Query of one person.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RevealQuery {
    /// Show personal data unmasked (if allowed; the view is recorded).
    pub reveal: Option<bool>,
}

/// One person with certificates and training.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path), RevealQuery),
    responses((status = 200, body = PersonView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_person(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RevealQuery>,
) -> ApiResult<Json<PersonView>> {
    ops::get_person(&s, &ctx, id, q.reveal.unwrap_or(false))
        .await
        .map(Json)
}

/// Edit a person's name, org and phone.
#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)), request_body = PersonInput,
    responses((status = 200, body = PersonView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn edit_person(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PersonInput>,
) -> ApiResult<Json<PersonView>> {
    ops::edit_person(&s, &ctx, id, &input).await?;
    ops::get_person(&s, &ctx, id, false).await.map(Json)
}

/// Deactivate a person (never deleted; sessions end).
#[utoipa::path(post, path = "/api/v1/people/{id}/deactivate", tag = "people", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody)))]
async fn deactivate_person(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    ops::set_person_active(&s, &ctx, id, false)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// Reactivate a person.
#[utoipa::path(post, path = "/api/v1/people/{id}/reactivate", tag = "people", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody)))]
async fn reactivate_person(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    ops::set_person_active(&s, &ctx, id, true)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// Set a person's roles (security administrator; never one's own).
#[utoipa::path(put, path = "/api/v1/people/{id}/roles", tag = "accounts", params(("id" = i64, Path)), request_body = RolesInput,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn set_roles(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RolesInput>,
) -> ApiResult<StatusCode> {
    ops::set_roles(&s, &ctx, id, &input)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// Set a person's password (security administrator; never one's own).
#[utoipa::path(put, path = "/api/v1/people/{id}/password", tag = "accounts", params(("id" = i64, Path)), request_body = PasswordInput,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn set_password(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PasswordInput>,
) -> ApiResult<StatusCode> {
    ops::set_password(&s, &ctx, id, &input)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// One's two-factor sign-in: on or not, since when, recovery codes left, and whether it is
/// required (administrators).
#[utoipa::path(get, path = "/api/v1/me/second-factor", tag = "session",
    responses((status = 200, body = sf::Status), (status = 401, body = ErrorBody)))]
async fn second_factor_status(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<sf::Status>> {
    sf::status(&s, &ctx).await.map(Json)
}

/// A new secret for one's authenticator app (with its `otpauth://` address and QR code);
/// nothing is stored until a code from the app turns it on.
#[utoipa::path(post, path = "/api/v1/me/second-factor/secret", tag = "session",
    responses((status = 200, body = sf::Enrolment), (status = 401, body = ErrorBody)))]
async fn new_second_factor_secret(ApiCtx(ctx): ApiCtx) -> ApiResult<Json<sf::Enrolment>> {
    sf::new_enrolment(&ctx).map(Json)
}

/// Turn on two-factor sign-in with the secret and a current code from the app; answers the
/// recovery codes, shown this once.
#[utoipa::path(post, path = "/api/v1/me/second-factor", tag = "session", request_body = sf::EnableInput,
    responses((status = 201, body = sf::Enabled), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn enable_second_factor(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(input): ApiJson<sf::EnableInput>,
) -> ApiResult<(StatusCode, Json<sf::Enabled>)> {
    sf::enable(&s, &ctx, &input)
        .await
        .map(|e| (StatusCode::CREATED, Json(e)))
}

/// Reset a person's two-factor sign-in (security administrator; a lost phone): they enrol
/// again, and their sessions end.
#[utoipa::path(post, path = "/api/v1/people/{id}/second-factor/reset", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody)))]
async fn reset_second_factor(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    sf::reset(&s, &ctx, id)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// Lift a sign-in lock (security administrator).
#[utoipa::path(post, path = "/api/v1/people/{id}/unlock", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody)))]
async fn unlock(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    ops::unlock(&s, &ctx, id)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// Add an enforcement certificate.
#[utoipa::path(post, path = "/api/v1/people/{id}/certificates", tag = "people", params(("id" = i64, Path)), request_body = CertificateInput,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn add_certificate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CertificateInput>,
) -> ApiResult<StatusCode> {
    ops::add_certificate(&s, &ctx, id, &input)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// Set training hours of a year.
#[utoipa::path(put, path = "/api/v1/people/{id}/training", tag = "people", params(("id" = i64, Path)), request_body = TrainingInput,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn set_training(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TrainingInput>,
) -> ApiResult<StatusCode> {
    ops::set_training(&s, &ctx, id, &input)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// Import result.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    pub imported: usize,
}

/// Import orgs from CSV (`code,name,kind,level,parent_code,division_code`); all or nothing.
#[utoipa::path(post, path = "/api/v1/import/orgs", tag = "import", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn import_orgs(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    body: String,
) -> ApiResult<Json<Imported>> {
    ops::import_csv(&s, &ctx, ImportKind::Orgs, &body)
        .await
        .map(|imported| Json(Imported { imported }))
}

/// Import people from CSV (see docs/foundation.md for the columns); all or nothing.
#[utoipa::path(post, path = "/api/v1/import/people", tag = "import", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn import_people(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    body: String,
) -> ApiResult<Json<Imported>> {
    ops::import_csv(&s, &ctx, ImportKind::People, &body)
        .await
        .map(|imported| Json(Imported { imported }))
}

/// The full-process record (auditors), newest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "record", params(EventQuery),
    responses((status = 200, body = Page<EventView>), (status = 403, body = ErrorBody)))]
async fn list_events(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> ApiResult<Json<Page<EventView>>> {
    ops::list_events(&s, &ctx, &q).await.map(Json)
}

/// The security log (安全审计日志: sign-ins and failures, accounts and rights, tokens, views
/// and exports of personal data), newest first; the same filters as the record.
#[utoipa::path(get, path = "/api/v1/security-log", tag = "record", params(EventQuery),
    responses((status = 200, body = Page<EventView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn security_log(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> ApiResult<Json<Page<EventView>>> {
    ops::security_log(&s, &ctx, &q).await.map(Json)
}

/// The security log as CSV (UTF-8), filtered as asked (the query); the export is itself
/// recorded, so it is a POST.
#[utoipa::path(post, path = "/api/v1/security-log/export", tag = "record", params(EventQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn export_security_log(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> ApiResult<Response> {
    let csv = ops::export_security_log(&s, &ctx, &q).await?;
    Ok(crate::ui::csv_download("安全日志.csv", csv))
}

/// API tokens of the caller's government (security administrator).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = [TokenView]), (status = 403, body = ErrorBody)))]
async fn list_tokens(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Vec<TokenView>>> {
    ops::list_tokens(&s, &ctx).await.map(Json)
}

/// A new token, with its secret (shown only now).
#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    #[serde(flatten)]
    pub token: TokenView,
    pub secret: String,
}

/// Create an API token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenInput,
    responses((status = 201, body = NewToken), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_token(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(input): ApiJson<TokenInput>,
) -> ApiResult<(StatusCode, Json<NewToken>)> {
    ops::create_token(&s, &ctx, &input)
        .await
        .map(|(token, secret)| (StatusCode::CREATED, Json(NewToken { token, secret })))
}

/// Revoke an API token.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 200, body = TokenView), (status = 403, body = ErrorBody)))]
async fn revoke_token(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TokenView>> {
    ops::revoke_token(&s, &ctx, id).await.map(Json)
}
