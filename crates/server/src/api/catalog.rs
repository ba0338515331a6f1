//! API: the enforcement-matter catalog and routing.

use super::{ApiPath, ApiQuery, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::ErrorBody;
use crate::ops::Page;
use crate::ops::catalog::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use xiezhi_domain::catalog::PenaltyCheck;
use xiezhi_store::catalog::ImportSummary;

/// Browse or search the catalog (items in force).
#[utoipa::path(get, path = "/api/v1/catalog/items", tag = "catalog", params(ItemQuery),
    responses((status = 200, body = Page<ItemView>), (status = 400, body = ErrorBody)))]
pub(super) async fn list_items(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ItemQuery>,
) -> ApiResult<Json<Page<ItemView>>> {
    ops::list_items(&s, Some(&ctx), &q).await.map(Json)
}

/// One item: the version in force on `date`, every version, its sets and assignments.
#[utoipa::path(get, path = "/api/v1/catalog/items/{code}", tag = "catalog", params(("code" = String, Path), DateQuery),
    responses((status = 200, body = ItemDetail), (status = 404, body = ErrorBody)))]
pub(super) async fn get_item(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<DateQuery>,
) -> ApiResult<Json<ItemDetail>> {
    let today = ops::today_for(&ctx);
    ops::item_detail(&s, Some(&ctx), &code, &q, today)
        .await
        .map(Json)
}

/// Who is competent for an item in a division on a date (and who designates when nobody is).
#[utoipa::path(get, path = "/api/v1/catalog/resolve", tag = "catalog", params(ResolveQuery),
    responses((status = 200, body = ResolveView), (status = 400, body = ErrorBody)))]
pub(super) async fn resolve(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ResolveQuery>,
) -> ApiResult<Json<ResolveView>> {
    ops::resolve(&s, &ctx, &q).await.map(Json)
}

/// Whether an org (default: the caller's) may file a penalty case under an item there.
#[utoipa::path(get, path = "/api/v1/catalog/may-penalise", tag = "catalog", params(ResolveQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody)))]
pub(super) async fn may_penalise(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ResolveQuery>,
) -> ApiResult<Json<PenaltyCheck>> {
    ops::may_penalise(&s, &ctx, &q).await.map(Json)
}

/// Township items and how each township holds them today.
#[utoipa::path(get, path = "/api/v1/catalog/matrix", tag = "catalog",
    responses((status = 200, body = Matrix)))]
pub(super) async fn matrix(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Matrix>> {
    ops::matrix(&s, &ctx).await.map(Json)
}

/// Whether an import only previews.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// Run every check and report what would change, writing nothing.
    pub preview: Option<bool>,
}

/// Import items (CSV or XLSX; all or nothing, every bad row reported; `?preview=true` writes nothing).
#[utoipa::path(post, path = "/api/v1/catalog/import/items", tag = "catalog", params(ImportQuery), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn import_items(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: axum::body::Bytes,
) -> ApiResult<Json<ImportSummary>> {
    ops::import(
        &s,
        &ctx,
        CatalogFile::Items,
        &body,
        q.preview.unwrap_or(false),
    )
    .await
    .map(Json)
}

/// Import assignments (CSV or XLSX; all or nothing, every bad row reported; `?preview=true` writes nothing).
#[utoipa::path(post, path = "/api/v1/catalog/import/assignments", tag = "catalog", params(ImportQuery), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn import_assignments(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: axum::body::Bytes,
) -> ApiResult<Json<ImportSummary>> {
    ops::import(
        &s,
        &ctx,
        CatalogFile::Assignments,
        &body,
        q.preview.unwrap_or(false),
    )
    .await
    .map(Json)
}

/// Export format.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
}

fn is_xlsx(q: &ExportQuery) -> bool {
    q.format.as_deref() == Some("xlsx")
}

pub(super) fn file_response(name: &str, xlsx: bool, body: Vec<u8>) -> Response {
    let (ct, ext) = if xlsx {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        ("text/csv; charset=utf-8", "csv")
    };
    (
        [
            (header::CONTENT_TYPE, ct.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Items in force as CSV or XLSX (`?format=xlsx`); re-imports unchanged.
#[utoipa::path(get, path = "/api/v1/catalog/export/items", tag = "catalog", params(ExportQuery),
    responses((status = 200, body = String, content_type = "text/csv")))]
pub(super) async fn export_items(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    ops::export(&s, &ctx, CatalogFile::Items, is_xlsx(&q))
        .await
        .map(|b| file_response("catalog-items", is_xlsx(&q), b))
}

/// Assignments in force as CSV or XLSX (`?format=xlsx`); re-imports unchanged.
#[utoipa::path(get, path = "/api/v1/catalog/export/assignments", tag = "catalog", params(ExportQuery),
    responses((status = 200, body = String, content_type = "text/csv")))]
pub(super) async fn export_assignments(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    ops::export(&s, &ctx, CatalogFile::Assignments, is_xlsx(&q))
        .await
        .map(|b| file_response("catalog-assignments", is_xlsx(&q), b))
}

/// Entrustment letters in force and the items each covers.
#[utoipa::path(get, path = "/api/v1/catalog/letters", tag = "catalog",
    responses((status = 200, body = [LetterView])))]
pub(super) async fn letters(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<Vec<LetterView>>> {
    ops::letters(&s, &ctx).await.map(Json)
}

/// Reform indicators (seed 004 §二) computed from the catalog on a date.
#[utoipa::path(get, path = "/api/v1/catalog/indicators", tag = "catalog", params(DateQuery),
    responses((status = 200, body = IndicatorsView), (status = 400, body = ErrorBody)))]
pub(super) async fn indicators(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<DateQuery>,
) -> ApiResult<Json<IndicatorsView>> {
    ops::indicators(&s, &ctx, &q).await.map(Json)
}

/// How many boundaries were loaded.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BoundariesLoaded {
    pub loaded: usize,
}

/// Import township/grid boundaries (GeoJSON FeatureCollection with `division_code` properties).
#[utoipa::path(post, path = "/api/v1/catalog/import/boundaries", tag = "catalog", request_body(content = String, content_type = "application/geo+json"),
    responses((status = 200, body = BoundariesLoaded), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn import_boundaries(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    body: String,
) -> ApiResult<Json<BoundariesLoaded>> {
    ops::import_boundaries(&s, &ctx, &body)
        .await
        .map(|loaded| Json(BoundariesLoaded { loaded }))
}
