//! API: cases (issue 6): reading, parties, handlers, flags, lifecycle steps, the permit check.

use super::{ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::ErrorBody;
use crate::ops::EventView;
use crate::ops::Page;
use crate::ops::cases::{self as ops, *};
use axum::Json;
use axum::extract::State;

/// One case: stage bar, parties (ID numbers masked outside the holder), decision, clocks.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CaseView>> {
    ops::get(&s, &ctx, id).await.map(Json)
}

/// The case's full-process record.
#[utoipa::path(get, path = "/api/v1/cases/{id}/events", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<EventView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn timeline(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<EventView>>> {
    ops::timeline(&s, &ctx, id).await.map(Json)
}

/// Add a party (当事人): a person with an ID number or an organisation with its unified social credit code.
#[utoipa::path(post, path = "/api/v1/cases/{id}/parties", tag = "cases", params(("id" = i64, Path)), request_body = PartyInput,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn add_party(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PartyInput>,
) -> ApiResult<Json<CaseView>> {
    ops::add_party(&s, &ctx, id, &body).await.map(Json)
}

/// Add a handler (承办人) from the holder org.
#[utoipa::path(post, path = "/api/v1/cases/{id}/handlers", tag = "cases", params(("id" = i64, Path)), request_body = HandlerInput,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn add_handler(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<HandlerInput>,
) -> ApiResult<Json<CaseView>> {
    ops::add_handler(&s, &ctx, id, &body).await.map(Json)
}

/// Flag the case major (重大) or suspected crime (涉嫌犯罪).
#[utoipa::path(put, path = "/api/v1/cases/{id}/flags", tag = "cases", params(("id" = i64, Path)), request_body = FlagsInput,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn set_flags(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FlagsInput>,
) -> ApiResult<Json<CaseView>> {
    ops::set_flags(&s, &ctx, id, &body).await.map(Json)
}

/// One lifecycle step: investigate, submit, return, legal_review, pass, fail, decide, serve, execute, close, terminate, archive.
#[utoipa::path(post, path = "/api/v1/cases/{id}/steps", tag = "cases", params(("id" = i64, Path)), request_body = StepInput,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn step(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StepInput>,
) -> ApiResult<Json<CaseView>> {
    ops::step(&s, &ctx, id, &body).await.map(Json)
}

/// The penalty decision was copied to the permit department (抄告), within its clock.
#[utoipa::path(post, path = "/api/v1/cases/{id}/permit-copy", tag = "cases", params(("id" = i64, Path)), request_body = PermitCopyInput,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn copy_to_permit(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PermitCopyInput>,
) -> ApiResult<Json<CaseView>> {
    ops::copy_to_permit(&s, &ctx, id, &body).await.map(Json)
}

/// Cases held by orgs in reach, newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = Page<CaseView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> ApiResult<Json<Page<CaseView>>> {
    ops::list(&s, &ctx, &q).await.map(Json)
}

/// The legal reviewer's queue (法制审核): cases waiting for review in reach.
#[utoipa::path(get, path = "/api/v1/legal-review", tag = "cases",
    responses((status = 200, body = Vec<CaseView>), (status = 403, body = ErrorBody)))]
pub(super) async fn review_queue(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Vec<CaseView>>> {
    ops::review_queue(&s, &ctx).await.map(Json)
}

/// Whether a permit for a party on a matter must wait for an open penalty case (seed 003
/// 二、(四)3 相关行政管理部门(4)); for permit systems (token scope `read`) and staff.
#[utoipa::path(get, path = "/api/v1/permit-check", tag = "cases", params(PermitQuery),
    responses((status = 200, body = PermitCheck), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn permit_check(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PermitQuery>,
) -> ApiResult<Json<PermitCheck>> {
    ops::permit_check(&s, &ctx, &q).await.map(Json)
}

/// The case file (卷宗): a zip of the case, evidence files, its events with their chain links
/// and a manifest of SM3 digests, checkable offline with `xiezhi case verify FILE`.
#[utoipa::path(get, path = "/api/v1/cases/{id}/file", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn export(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    ops::export(&s, &ctx, id).await.map(|(name, bytes)| {
        (
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/zip".to_owned(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response()
    })
}

/// Attach uploaded evidence (by SM3 digest) to a case; the current stage is noted.
#[utoipa::path(post, path = "/api/v1/cases/{id}/evidence", tag = "cases", params(("id" = i64, Path)),
    request_body = EvidenceInput,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn add_evidence(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<EvidenceInput>,
) -> ApiResult<Json<CaseView>> {
    ops::add_evidence(&s, &ctx, id, &body).await.map(Json)
}
