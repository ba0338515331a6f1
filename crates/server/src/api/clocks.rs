//! API: the inbox, clocks, rules in force, profiles, calendar years.

use super::{ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::ErrorBody;
use crate::ops::Page;
use crate::ops::clocks::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// What is waiting on the caller (or on an org with `org_id`), most urgent first.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "clocks", params(InboxQuery),
    responses((status = 200, body = [ClockView]), (status = 403, body = ErrorBody)))]
pub(super) async fn inbox(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> ApiResult<Json<Vec<ClockView>>> {
    ops::inbox(&s, &ctx, &q).await.map(Json)
}

/// The caller's to-do list (我的待办): the steps this person must take, most urgent first,
/// grouped by step.
#[utoipa::path(get, path = "/api/v1/todo", tag = "clocks", params(crate::ops::todo::TodoQuery),
    responses((status = 200, body = crate::ops::todo::Todo), (status = 403, body = ErrorBody)))]
pub(super) async fn todo(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<crate::ops::todo::TodoQuery>,
) -> ApiResult<Json<crate::ops::todo::Todo>> {
    crate::ops::todo::todo(&s, &ctx, &q).await.map(Json)
}

/// Clocks in reach, most urgent first (filters: holder, state, due before).
#[utoipa::path(get, path = "/api/v1/clocks", tag = "clocks", params(ClockQuery),
    responses((status = 200, body = Page<ClockView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn list_clocks(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ClockQuery>,
) -> ApiResult<Json<Page<ClockView>>> {
    ops::list_clocks(&s, &ctx, &q).await.map(Json)
}

/// One clock, with the rule and source it started under.
#[utoipa::path(get, path = "/api/v1/clocks/{id}", tag = "clocks", params(("id" = i64, Path)),
    responses((status = 200, body = ClockView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_clock(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ClockView>> {
    ops::get_clock(&s, &ctx, id).await.map(Json)
}

/// Pause, resume, extend, satisfy or cancel a clock.
#[utoipa::path(post, path = "/api/v1/clocks/{id}/commands", tag = "clocks", params(("id" = i64, Path)), request_body = ClockCommandInput,
    responses((status = 200, body = ClockView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn command_clock(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ClockCommandInput>,
) -> ApiResult<Json<ClockView>> {
    ops::command_clock(&s, &ctx, id, &input).await.map(Json)
}

/// How many clocks moved.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recomputed {
    pub changed: usize,
}

/// Recompute open clocks over the current calendar (after loading a year).
#[utoipa::path(post, path = "/api/v1/clocks/recompute", tag = "clocks",
    responses((status = 200, body = Recomputed), (status = 403, body = ErrorBody)))]
pub(super) async fn recompute(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Recomputed>> {
    ops::recompute(&s, &ctx)
        .await
        .map(|changed| Json(Recomputed { changed }))
}

/// The rules in force for an org (default: the caller's), with their sources.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules", params(OrgQuery),
    responses((status = 200, body = RulesInForce), (status = 403, body = ErrorBody)))]
pub(super) async fn rules(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<RulesInForce>> {
    ops::rules_for(&s, &ctx, &q).await.map(Json)
}

/// The loaded rule profiles and the orgs that selected them.
#[utoipa::path(get, path = "/api/v1/rule-profiles", tag = "rules",
    responses((status = 200, body = [ProfileView]), (status = 403, body = ErrorBody)))]
pub(super) async fn profiles(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Vec<ProfileView>>> {
    ops::profiles(&s, &ctx).await.map(Json)
}

/// Select the rule profile of an org and its subtree (system administrator).
#[utoipa::path(put, path = "/api/v1/orgs/{id}/rule-profile", tag = "rules", params(("id" = i64, Path)), request_body = ProfileInput,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn assign_profile(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProfileInput>,
) -> ApiResult<StatusCode> {
    ops::assign_profile(&s, &ctx, id, &input)
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// The years the working-day calendar covers.
#[utoipa::path(get, path = "/api/v1/calendar/years", tag = "rules",
    responses((status = 200, body = CalendarYears), (status = 403, body = ErrorBody)))]
pub(super) async fn calendar_years(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<CalendarYears>> {
    ops::calendar_years(&s, &ctx).await.map(Json)
}

/// Read a year's holiday arrangement — the State Council notice text as published, or CSV
/// `date,kind,name` — and load it, recomputing in the same write every running or paused
/// clock whose due time it moves. `?preview=true` only reads and shows.
#[utoipa::path(post, path = "/api/v1/calendar/years", tag = "rules", params(CalendarLoadQuery),
    request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = CalendarLoadView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn load_year(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<CalendarLoadQuery>,
    body: String,
) -> ApiResult<Json<CalendarLoadView>> {
    ops::load_calendar_year(&s, &ctx, &body, &q).await.map(Json)
}
