//! API: joint enforcement operations (联合执法行动).

use super::{ApiJson, ApiPath, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::ErrorBody;
use crate::ops::operations::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Draft an operation's plan (regular, emergency: the coordination office) or apply for a
/// special one (a unit, which then leads). Officers without a valid certificate for the
/// domain are refused.
#[utoipa::path(post, path = "/api/v1/operations", tag = "operations", request_body = OperationInput,
    responses((status = 201, body = OperationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<OperationInput>,
) -> ApiResult<(StatusCode, Json<OperationView>)> {
    ops::create(&s, &ctx, &body)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// The operations board: every operation for leaders, the office and auditors; one's own
/// org's for the others.
#[utoipa::path(get, path = "/api/v1/operations", tag = "operations",
    responses((status = 200, body = Vec<OperationView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Vec<OperationView>>> {
    ops::list(&s, &ctx).await.map(Json)
}

/// One operation: plan, participants, field reports, links, notices, clocks.
#[utoipa::path(get, path = "/api/v1/operations/{id}", tag = "operations", params(("id" = i64, Path)),
    responses((status = 200, body = OperationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OperationView>> {
    ops::get(&s, &ctx, id).await.map(Json)
}

/// A step: submit (apply), approve / reject (written), start, close (with the report), cancel.
#[utoipa::path(post, path = "/api/v1/operations/{id}/steps", tag = "operations", params(("id" = i64, Path)),
    request_body = OperationStepInput,
    responses((status = 200, body = OperationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn step(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<OperationStepInput>,
) -> ApiResult<Json<OperationView>> {
    ops::step(&s, &ctx, id, &body).await.map(Json)
}

/// An officer on the plan checks in (with where they are).
#[utoipa::path(post, path = "/api/v1/operations/{id}/check-in", tag = "operations", params(("id" = i64, Path)),
    request_body = CheckInInput,
    responses((status = 200, body = OperationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn check_in(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CheckInInput>,
) -> ApiResult<Json<OperationView>> {
    ops::check_in(&s, &ctx, id, &body).await.map(Json)
}

/// A field report with photos and location.
#[utoipa::path(post, path = "/api/v1/operations/{id}/reports", tag = "operations", params(("id" = i64, Path)),
    request_body = FieldReportInput,
    responses((status = 200, body = OperationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn report(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FieldReportInput>,
) -> ApiResult<Json<OperationView>> {
    ops::report(&s, &ctx, id, &body).await.map(Json)
}

/// Link a lead or case found during the operation.
#[utoipa::path(post, path = "/api/v1/operations/{id}/links", tag = "operations", params(("id" = i64, Path)),
    request_body = LinkInput,
    responses((status = 200, body = OperationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn link(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<LinkInput>,
) -> ApiResult<Json<OperationView>> {
    ops::link(&s, &ctx, id, &body).await.map(Json)
}

/// Notify a unit outside the operation of a violation in its remit (互动执法): it must send
/// officers the same day.
#[utoipa::path(post, path = "/api/v1/operations/{id}/notices", tag = "operations", params(("id" = i64, Path)),
    request_body = NoticeInput,
    responses((status = 200, body = OperationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn notify(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NoticeInput>,
) -> ApiResult<Json<OperationView>> {
    ops::notify(&s, &ctx, id, &body).await.map(Json)
}

/// The notified unit reports the officers it sent; its same-day clock is satisfied.
#[utoipa::path(post, path = "/api/v1/operation-notices/{id}/dispatch", tag = "operations", params(("id" = i64, Path)),
    request_body = DispatchInput,
    responses((status = 200, body = OperationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn dispatch(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DispatchInput>,
) -> ApiResult<Json<OperationView>> {
    ops::dispatch(&s, &ctx, id, &body).await.map(Json)
}
