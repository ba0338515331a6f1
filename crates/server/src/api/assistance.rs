//! API: assistance requests (协助函).

use super::{ApiJson, ApiPath, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::ErrorBody;
use crate::ops::assistance::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Send an assistance request in the caller's org's name; the receiver's clock starts.
#[utoipa::path(post, path = "/api/v1/assistance", tag = "assistance", request_body = AssistanceInput,
    responses((status = 201, body = AssistanceView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn send(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<AssistanceInput>,
) -> ApiResult<(StatusCode, Json<AssistanceView>)> {
    ops::send(&s, &ctx, &body)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// Requests sent or received by orgs in reach (refusals to cooperate included).
#[utoipa::path(get, path = "/api/v1/assistance", tag = "assistance",
    responses((status = 200, body = Vec<AssistanceView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Vec<AssistanceView>>> {
    ops::list(&s, &ctx).await.map(Json)
}

/// One request with its clocks.
#[utoipa::path(get, path = "/api/v1/assistance/{id}", tag = "assistance", params(("id" = i64, Path)),
    responses((status = 200, body = AssistanceView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AssistanceView>> {
    ops::get(&s, &ctx, id).await.map(Json)
}

/// A step: the receiver asks once for supplementary material (its clock pauses), answers,
/// refuses, extends (`new_due`, a working day) or sends officers on site; the requester
/// supplies material (the clock resumes) or withdraws.
#[utoipa::path(post, path = "/api/v1/assistance/{id}/steps", tag = "assistance", params(("id" = i64, Path)),
    request_body = AssistanceStepInput,
    responses((status = 200, body = AssistanceView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn step(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AssistanceStepInput>,
) -> ApiResult<Json<AssistanceView>> {
    ops::step(&s, &ctx, id, &body).await.map(Json)
}

/// The requesting org rates the answer (satisfied, basic, unsatisfied), once: the townships'
/// assessment of the bodies that answer them.
#[utoipa::path(post, path = "/api/v1/assistance/{id}/rating", tag = "assistance", params(("id" = i64, Path)),
    request_body = RatingInput,
    responses((status = 200, body = AssistanceView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn rate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RatingInput>,
) -> ApiResult<Json<AssistanceView>> {
    ops::rate(&s, &ctx, id, &body).await.map(Json)
}
