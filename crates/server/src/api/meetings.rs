//! API: joint meetings and consultations (联席会议/会商) and their action items.

use super::{ApiJson, ApiPath, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::ErrorBody;
use crate::ops::meetings::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Call a meeting with its member orgs (the coordination office). A regular meeting must
/// leave 5 working days for agenda collection.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", request_body = MeetingInput,
    responses((status = 201, body = MeetingView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn call(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<MeetingInput>,
) -> ApiResult<(StatusCode, Json<MeetingView>)> {
    ops::call(&s, &ctx, &body)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// Meetings the caller may see.
#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings",
    responses((status = 200, body = Vec<MeetingView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Vec<MeetingView>>> {
    ops::list(&s, &ctx).await.map(Json)
}

/// One meeting: members, agenda, minutes, action items, clocks.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MeetingView>> {
    ops::get(&s, &ctx, id).await.map(Json)
}

/// A member org proposes an agenda item (regular meetings: until 5 working days before).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda", tag = "meetings", params(("id" = i64, Path)),
    request_body = AgendaInput,
    responses((status = 200, body = MeetingView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn propose(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AgendaInput>,
) -> ApiResult<Json<MeetingView>> {
    ops::propose(&s, &ctx, id, &body).await.map(Json)
}

/// Settle the agenda, record the minutes with the action items, sign them (the convenor),
/// or cancel.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/steps", tag = "meetings", params(("id" = i64, Path)),
    request_body = MeetingStepInput,
    responses((status = 200, body = MeetingView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn step(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MeetingStepInput>,
) -> ApiResult<Json<MeetingView>> {
    ops::step(&s, &ctx, id, &body).await.map(Json)
}

/// The caller's org's action items from signed minutes.
#[utoipa::path(get, path = "/api/v1/action-items", tag = "meetings",
    responses((status = 200, body = Vec<ActionView>), (status = 403, body = ErrorBody)))]
pub(super) async fn my_actions(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Vec<ActionView>>> {
    ops::my_actions(&s, &ctx).await.map(Json)
}

/// The owner org reports an action item done; its clock is satisfied.
#[utoipa::path(post, path = "/api/v1/action-items/{id}/complete", tag = "meetings", params(("id" = i64, Path)),
    request_body = ActionReportInput,
    responses((status = 200, body = MeetingView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn complete_action(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ActionReportInput>,
) -> ApiResult<Json<MeetingView>> {
    ops::complete_action(&s, &ctx, id, &body).await.map(Json)
}
