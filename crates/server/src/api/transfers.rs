//! API: verification outcomes, transfers, disputes, attachments (issue 5).

use super::{ApiJson, ApiPath, ApiQuery, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::ErrorBody;
use crate::ops::attachments::{self as files, StoredFile, UploadQuery};
use crate::ops::leads::LeadView;
use crate::ops::transfers::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Everything about a lead: case, transfers, disputes, clocks and the timeline of every event.
#[utoipa::path(get, path = "/api/v1/leads/{id}/detail", tag = "leads", params(("id" = i64, Path)),
    responses((status = 200, body = LeadDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn detail(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<LeadDetail>> {
    ops::detail(&s, &ctx, id).await.map(Json)
}

/// Verification found no violation: reply to the reporter and close the lead (不构成违法).
#[utoipa::path(post, path = "/api/v1/leads/{id}/no-violation", tag = "leads", params(("id" = i64, Path)), request_body = ReplyInput,
    responses((status = 200, body = LeadView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn no_violation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReplyInput>,
) -> ApiResult<Json<LeadView>> {
    ops::no_violation(&s, &ctx, id, &body).await.map(Json)
}

/// Our matter: file a case (立案).
#[utoipa::path(post, path = "/api/v1/leads/{id}/case", tag = "leads", params(("id" = i64, Path)), request_body = CaseInput,
    responses((status = 201, body = CaseRef), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn file_case(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CaseInput>,
) -> ApiResult<(StatusCode, Json<CaseRef>)> {
    ops::file_case(&s, &ctx, id, &body)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// A department received a township's matter: tell the reporter, notify the township (returns the township's lead).
#[utoipa::path(post, path = "/api/v1/leads/{id}/refer", tag = "leads", params(("id" = i64, Path)), request_body = ReferInput,
    responses((status = 200, body = LeadView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn refer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReferInput>,
) -> ApiResult<Json<LeadView>> {
    ops::refer(&s, &ctx, id, &body).await.map(Json)
}

/// The final reply of the body that handled the matter (答复).
#[utoipa::path(post, path = "/api/v1/leads/{id}/reply", tag = "leads", params(("id" = i64, Path)), request_body = ReplyInput,
    responses((status = 200, body = LeadView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn final_reply(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReplyInput>,
) -> ApiResult<Json<LeadView>> {
    ops::final_reply(&s, &ctx, id, &body).await.map(Json)
}

/// Draft a transfer (移送) of a lead the caller's org holds; an oral urgent transfer is sent at once.
#[utoipa::path(post, path = "/api/v1/leads/{id}/transfers", tag = "leads", params(("id" = i64, Path)), request_body = TransferInput,
    responses((status = 201, body = TransferView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn draft(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<TransferInput>,
) -> ApiResult<(StatusCode, Json<TransferView>)> {
    ops::draft(&s, &ctx, id, &body)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// Two bodies claim or refuse a matter: open a dispute (争议).
#[utoipa::path(post, path = "/api/v1/leads/{id}/disputes", tag = "leads", params(("id" = i64, Path)), request_body = ConflictInput,
    responses((status = 201, body = DisputeView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn open_conflict(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ConflictInput>,
) -> ApiResult<(StatusCode, Json<DisputeView>)> {
    ops::open_conflict(&s, &ctx, id, &body)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// One transfer with its materials and clocks.
#[utoipa::path(get, path = "/api/v1/transfers/{id}", tag = "transfers", params(("id" = i64, Path)),
    responses((status = 200, body = TransferView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_transfer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TransferView>> {
    ops::get_transfer(&s, &ctx, id).await.map(Json)
}

/// The sender's head approves; an administrative transfer is sent and copied to the coordination office.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/approve", tag = "transfers", params(("id" = i64, Path)),
    responses((status = 200, body = TransferView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn approve(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TransferView>> {
    ops::approve(&s, &ctx, id).await.map(Json)
}

/// Send an approved judicial transfer to the public security organ (within 24 hours).
#[utoipa::path(post, path = "/api/v1/transfers/{id}/send", tag = "transfers", params(("id" = i64, Path)),
    responses((status = 200, body = TransferView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn send(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TransferView>> {
    ops::send(&s, &ctx, id).await.map(Json)
}

/// Complete the written formalities of an oral transfer (within 24 hours).
#[utoipa::path(post, path = "/api/v1/transfers/{id}/written", tag = "transfers", params(("id" = i64, Path)), request_body = WrittenInput,
    responses((status = 200, body = TransferView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn complete_written(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WrittenInput>,
) -> ApiResult<Json<TransferView>> {
    ops::complete_written(&s, &ctx, id, &body).await.map(Json)
}

/// The receiver accepts (受理) and now holds the matter.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/accept", tag = "transfers", params(("id" = i64, Path)),
    responses((status = 200, body = TransferView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn accept(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TransferView>> {
    ops::accept(&s, &ctx, id).await.map(Json)
}

/// The receiver rejects with written reasons (不予受理); a dispute opens.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/reject", tag = "transfers", params(("id" = i64, Path)), request_body = ReasonInput,
    responses((status = 200, body = TransferView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn reject(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReasonInput>,
) -> ApiResult<Json<TransferView>> {
    ops::reject(&s, &ctx, id, &body).await.map(Json)
}

/// The sender withdraws a transfer not yet answered.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/withdraw", tag = "transfers", params(("id" = i64, Path)), request_body = ReasonInput,
    responses((status = 200, body = TransferView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn withdraw(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReasonInput>,
) -> ApiResult<Json<TransferView>> {
    ops::withdraw(&s, &ctx, id, &body).await.map(Json)
}

/// The receiver reports the outcome back to the sender (反馈).
#[utoipa::path(post, path = "/api/v1/transfers/{id}/outcome", tag = "transfers", params(("id" = i64, Path)), request_body = OutcomeInput,
    responses((status = 200, body = TransferView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn report_outcome(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<OutcomeInput>,
) -> ApiResult<Json<TransferView>> {
    ops::report_outcome(&s, &ctx, id, &body).await.map(Json)
}

/// Answer a refused judicial transfer: ask for reconsideration (复议) or accept the refusal.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/refusal", tag = "transfers", params(("id" = i64, Path)), request_body = RefusalInput,
    responses((status = 200, body = TransferView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn answer_refusal(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RefusalInput>,
) -> ApiResult<Json<TransferView>> {
    ops::answer_refusal(&s, &ctx, id, &body).await.map(Json)
}

/// One dispute with its records and clocks.
#[utoipa::path(get, path = "/api/v1/disputes/{id}", tag = "disputes", params(("id" = i64, Path)),
    responses((status = 200, body = DisputeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_dispute(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DisputeView>> {
    ops::get_dispute(&s, &ctx, id).await.map(Json)
}

/// Add a negotiation record or minutes.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/notes", tag = "disputes", params(("id" = i64, Path)), request_body = NoteInput,
    responses((status = 200, body = DisputeView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn add_note(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NoteInput>,
) -> ApiResult<Json<DisputeView>> {
    ops::add_note(&s, &ctx, id, &body).await.map(Json)
}

/// Negotiation failed: escalate to the coordination office.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/escalate", tag = "disputes", params(("id" = i64, Path)),
    responses((status = 200, body = DisputeView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn escalate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DisputeView>> {
    ops::escalate(&s, &ctx, id).await.map(Json)
}

/// The coordination office designates jurisdiction (指定管辖), binding on both.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/designate", tag = "disputes", params(("id" = i64, Path)), request_body = DesignateInput,
    responses((status = 200, body = DisputeView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn designate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DesignateInput>,
) -> ApiResult<Json<DisputeView>> {
    ops::designate(&s, &ctx, id, &body).await.map(Json)
}

/// Transfers sent or received by orgs in reach; the coordination office sees all of its
/// government's (every transfer is copied to it).
#[utoipa::path(get, path = "/api/v1/transfers", tag = "transfers", params(TransferQuery),
    responses((status = 200, body = Vec<TransferView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn list_transfers(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<TransferQuery>,
) -> ApiResult<Json<Vec<TransferView>>> {
    ops::list_transfers(&s, &ctx, &q).await.map(Json)
}

/// Disputes involving orgs in reach (the coordination office: all of its government's).
#[utoipa::path(get, path = "/api/v1/disputes", tag = "disputes", params(DisputeQuery),
    responses((status = 200, body = Vec<DisputeView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_disputes(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<DisputeQuery>,
) -> ApiResult<Json<Vec<DisputeView>>> {
    ops::list_disputes(&s, &ctx, &q).await.map(Json)
}

/// Upload a file (photo, audio, video, scan or PDF; the size limit and the accepted types
/// are settings) as the raw request body, read as a stream; it is stored by its SM3 digest,
/// which photos, materials and evidence then name. `lon`/`lat` record where it was taken.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "attachments", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = StoredFile), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn upload(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: axum::body::Body,
) -> ApiResult<(StatusCode, Json<StoredFile>)> {
    files::upload(&s, &ctx, body, &q)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// Download a stored file by digest (allowed to whoever may see a lead or transfer naming it).
#[utoipa::path(get, path = "/api/v1/attachments/{digest}", tag = "attachments", params(("digest" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub(super) async fn download(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(digest): ApiPath<String>,
) -> ApiResult<Response> {
    let file = files::download(&s, &ctx, &digest).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_LENGTH, file.size.to_string()),
            // Evidence is personal data: no cache keeps it (the security headers).
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        axum::body::Body::from_stream(file.chunks),
    )
        .into_response())
}
