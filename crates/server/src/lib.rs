//! The Xiezhi HTTP server: `/healthz`, the JSON API under `/api/v1` (OpenAPI at
//! `/api/v1/openapi.json`), and the server-rendered web UI. The entry point takes a listener
//! and a shutdown future so tests can start it on port 0.

pub mod api;
pub mod ctx;
pub mod error;
pub mod ops;
pub mod ui;

use axum::Router;
use axum::http::{HeaderName, Request};
use axum::routing::get;
use std::future::Future;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use xiezhi_store::Store;

/// Shared state of all handlers.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// Mark cookies Secure (set when Xiezhi is served over TLS; also honoured per request
    /// from `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
}

/// A time shown to people: Beijing time, to the minute.
pub fn beijing_time(t: chrono::DateTime<chrono::Utc>) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api::router();
    let openapi_json = openapi.to_json().unwrap_or_else(|_| "{}".into());
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/api/v1/openapi.json",
            get(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    openapi_json.clone(),
                )
            }),
        )
        .merge(api)
        .merge(ui::router())
        .fallback(ui::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::csrf_cookie,
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let rid = ctx::request_id(req.headers());
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %rid)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Serve until `shutdown` resolves, then finish requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
