//! API: enforcement documents (执法文书).

use super::{ApiJson, ApiPath, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::ErrorBody;
use crate::ops::documents::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Issue a document for a case: it gets the next number (文号) of the org, kind and year.
#[utoipa::path(post, path = "/api/v1/cases/{id}/documents", tag = "documents", params(("id" = i64, Path)),
    request_body = IssueInput,
    responses((status = 201, body = DocumentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn issue(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<IssueInput>,
) -> ApiResult<(StatusCode, Json<DocumentView>)> {
    ops::issue(&s, &ctx, id, &body)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// Which document to draft.
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
pub(super) struct DraftQuery {
    /// The kind (`penalty_notice`, …).
    kind: String,
}

/// A document drafted from its case: each field prefilled (parties, place by name, facts,
/// evidence, legal basis, discretion, the document served) for the handler to edit before
/// issuing, and why it cannot be issued now if the procedure's order forbids it.
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents/draft", tag = "documents", params(("id" = i64, Path), DraftQuery),
    responses((status = 200, body = DocumentDraft), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn draft(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    super::ApiQuery(q): super::ApiQuery<DraftQuery>,
) -> ApiResult<Json<DocumentDraft>> {
    ops::draft(&s, &ctx, id, &q.kind).await.map(Json)
}

/// Documents of a case.
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<DocumentView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<DocumentView>>> {
    ops::list(&s, &ctx, id).await.map(Json)
}

/// One document as HTML (printable; scripts are not allowed to run).
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/html", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    ops::html(&s, &ctx, id).await.map(|html| {
        (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
                ),
            ],
            html,
        )
            .into_response()
    })
}

/// One document printed to an A4 PDF with a Chinese font.
#[utoipa::path(get, path = "/api/v1/documents/{id}/pdf", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn pdf(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    ops::pdf(&s, &ctx, id).await.map(|(name, bytes)| {
        (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response()
    })
}

/// Save the caller's government's template (minijinja) and number pattern for a kind.
#[utoipa::path(put, path = "/api/v1/document-templates/{kind}", tag = "documents", params(("kind" = String, Path)),
    request_body = TemplateInput,
    responses((status = 200, body = DocumentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn set_template(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(kind): ApiPath<String>,
    ApiJson(body): ApiJson<TemplateInput>,
) -> ApiResult<Json<DocumentView>> {
    ops::set_template(&s, &ctx, &kind, &body).await.map(Json)
}
