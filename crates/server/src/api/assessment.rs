//! API: assessment (考核评价).

use super::catalog::file_response;
use super::{ApiPath, ApiQuery, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::{AppError, ErrorBody};
use crate::ops::assessment::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

/// The orgs of the caller's government over a period, ranked by one indicator; orgs with
/// fewer items than the minimum are listed apart. `format=csv|xlsx` downloads it.
#[utoipa::path(get, path = "/api/v1/assessment", tag = "assessment", params(AssessmentQuery),
    responses((status = 200, body = AssessmentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn assess(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> ApiResult<Response> {
    let v = ops::assess(&s, &ctx, &q).await?;
    Ok(match q.format.as_deref() {
        Some("csv") => file_response("assessment", false, ops::csv(&v).into_bytes()),
        Some("xlsx") => file_response(
            "assessment",
            true,
            xiezhi_store::xlsx::csv_to_xlsx(&ops::csv(&v), "考核评价")
                .map_err(AppError::Internal)?,
        ),
        _ => Json(v).into_response(),
    })
}

/// One org's indicators with the ids of the clocks, cases, leads and orders behind each.
#[utoipa::path(get, path = "/api/v1/assessment/orgs/{id}", tag = "assessment", params(("id" = i64, Path), AssessmentQuery),
    responses((status = 200, body = OrgAssessment), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn drill(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> ApiResult<Json<OrgAssessment>> {
    ops::drill(&s, &ctx, id, &q).await.map(Json)
}
