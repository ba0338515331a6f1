//! API: instructions (指令) and the live stream of notices (SSE).

use super::{ApiJson, ApiPath, ApiResult};
use crate::AppState;
use crate::ctx::ApiCtx;
use crate::error::{AppError, ErrorBody};
use crate::ops::instructions::{self as ops, *};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;
use xiezhi_domain::Refusal;
use xiezhi_domain::instruction::ReceiptCommand;

/// Send an instruction to orgs and people in the caller's government (leaders, the
/// coordination office); each recipient's acknowledgement clock starts.
#[utoipa::path(post, path = "/api/v1/instructions", tag = "instructions", request_body = InstructionInput,
    responses((status = 201, body = InstructionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn send(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<InstructionInput>,
) -> ApiResult<(StatusCode, Json<InstructionView>)> {
    ops::send(&s, &ctx, &body)
        .await
        .map(|v| (StatusCode::CREATED, Json(v)))
}

/// Instructions received by the caller or their org, and sent by their org.
#[utoipa::path(get, path = "/api/v1/instructions", tag = "instructions",
    responses((status = 200, body = InstructionLists), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> ApiResult<Json<InstructionLists>> {
    ops::list(&s, &ctx).await.map(Json)
}

/// One instruction with its receipts (all of them for the sender's side).
#[utoipa::path(get, path = "/api/v1/instructions/{id}", tag = "instructions", params(("id" = i64, Path)),
    responses((status = 200, body = InstructionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<InstructionView>> {
    ops::get(&s, &ctx, id).await.map(Json)
}

/// Acknowledge an instruction addressed to the caller or their org (签收).
#[utoipa::path(post, path = "/api/v1/instructions/{id}/acknowledge", tag = "instructions", params(("id" = i64, Path)),
    responses((status = 200, body = InstructionView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn acknowledge(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<InstructionView>> {
    ops::answer(&s, &ctx, id, ReceiptCommand::Acknowledge, None)
        .await
        .map(Json)
}

/// Report completion of an acknowledged instruction (办结反馈).
#[utoipa::path(post, path = "/api/v1/instructions/{id}/complete", tag = "instructions", params(("id" = i64, Path)),
    request_body = ReportInput,
    responses((status = 200, body = InstructionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn complete(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReportInput>,
) -> ApiResult<Json<InstructionView>> {
    ops::answer(&s, &ctx, id, ReceiptCommand::Complete, Some(&body.report))
        .await
        .map(Json)
}

/// The signed-in person's live notices (Server-Sent Events): `ready` once listening, then
/// `instruction` for each instruction addressed to them or their org, `receipt` when a
/// recipient answers one they sent, `operation` when a joint operation their org is in changes
/// (a step, a check-in, a field report), `notice` when their org is called to one (互动执法),
/// `meeting` when their org is called to a joint meeting or given its action items, and, for
/// leaders, the office and auditors, `record` on every commit (data: the event kinds) so that
/// the dashboard refreshes. Data: `{"id", "text", "at"}`. Served by any instance:
/// on PostgreSQL notices of every instance arrive (LISTEN/NOTIFY).
#[utoipa::path(get, path = "/api/v1/live", tag = "instructions",
    responses((status = 200, content_type = "text/event-stream", body = String), (status = 403, body = ErrorBody)))]
pub(super) async fn live(State(s): State<AppState>, ApiCtx(ctx): ApiCtx) -> ApiResult<Response> {
    let Some(me) = ctx.actor.person_id() else {
        return Err(AppError::Forbidden(Refusal::NotPermitted));
    };
    let org = ctx.actor.org_id;
    // The command board's viewers also get every commit (`record`), to refresh figures.
    let board = ctx.can(
        xiezhi_domain::Action::ViewCommand,
        &xiezhi_domain::Target::org(ctx.actor.government_path.clone()),
    );
    let ours: std::sync::Arc<std::collections::HashSet<i64>> = std::sync::Arc::new(if board {
        s.store
            .orgs_under(&ctx.actor.government_path)
            .await
            .map_err(AppError::from)?
            .iter()
            .map(|o| o.id)
            .collect()
    } else {
        Default::default()
    });
    let rx = s.store.subscribe();
    s.store.listening().await;
    let ready = futures_util::stream::once(async {
        Ok::<_, Infallible>(Event::default().event("ready").data("{}"))
    });
    let notices = futures_util::stream::unfold(rx, move |mut rx| {
        let ours = ours.clone();
        async move {
            loop {
                match rx.recv().await {
                    Ok(n) => {
                        let event = match n.topic.as_str() {
                            "instruction" if n.people.contains(&me) || n.orgs.contains(&org) => {
                                "instruction"
                            }
                            "instruction_receipt" if n.people.contains(&me) => "receipt",
                            "operation" if n.orgs.contains(&org) => "operation",
                            "operation_notice" if n.orgs.contains(&org) => "notice",
                            "meeting" if n.orgs.contains(&org) => "meeting",
                            "record"
                                if board
                                    && (n.orgs.is_empty()
                                        || n.orgs.iter().any(|o| ours.contains(o))) =>
                            {
                                "record"
                            }
                            _ => continue,
                        };
                        let data = serde_json::json!({"id": n.id, "text": n.text, "at": n.at});
                        return Some((
                            Ok::<_, Infallible>(
                                Event::default().event(event).data(data.to_string()),
                            ),
                            rx,
                        ));
                    }
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    let mut stopping = s.stopping();
    let stream = ready.chain(notices).take_until(async move {
        let _ = stopping.wait_for(|v| *v).await;
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
