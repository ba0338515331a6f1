//! API: leads (intake, reading, signing for).

use super::{ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::ErrorBody;
use crate::ops::Page;
use crate::ops::leads::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

/// Register a lead received by the caller's org. Other systems (token scope `intake`) send an
/// `Idempotency-Key` header: a retry returns the first lead (200) instead of a new one (201).
#[utoipa::path(post, path = "/api/v1/leads", tag = "leads", request_body = LeadInputBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe submission key (API tokens)")),
    responses((status = 201, body = LeadView), (status = 200, body = LeadView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn submit(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LeadInputBody>,
) -> ApiResult<(StatusCode, Json<LeadView>)> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned());
    ops::submit(&s, &ctx, &body, key).await.map(|(v, created)| {
        (
            if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            Json(v),
        )
    })
}

/// Leads held by orgs in reach, newest first.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", params(LeadQuery),
    responses((status = 200, body = Page<LeadView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<LeadQuery>,
) -> ApiResult<Json<Page<LeadView>>> {
    ops::list(&s, &ctx, &q).await.map(Json)
}

/// One lead (the reporter masked outside the receiving org).
#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", params(("id" = i64, Path)),
    responses((status = 200, body = LeadView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<LeadView>> {
    ops::get(&s, &ctx, id).await.map(Json)
}

/// Sign for a lead (签收): its sign-for clock is satisfied.
#[utoipa::path(post, path = "/api/v1/leads/{id}/sign", tag = "leads", params(("id" = i64, Path)),
    responses((status = 200, body = LeadView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn sign(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<LeadView>> {
    ops::sign(&s, &ctx, id).await.map(Json)
}
