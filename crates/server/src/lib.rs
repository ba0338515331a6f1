//! The Xiezhi HTTP server: `/healthz`, the JSON API under `/api/v1` (OpenAPI at
//! `/api/v1/openapi.json`), and the server-rendered web UI. The entry point takes a listener
//! and a shutdown future so tests can start it on port 0.

pub mod api;
pub mod ctx;
pub mod error;
pub mod guard;
pub mod headers;
pub mod open311;
pub mod ops;
pub mod serve;
pub mod ui;

use axum::Router;
use axum::http::{HeaderName, Request};
use axum::routing::get;
use std::sync::{Arc, RwLock};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use xiezhi_calendar::Calendar;
use xiezhi_domain::rules::Rules;
use xiezhi_store::Store;

pub use serve::{HttpSettings, serve};

/// What evidence uploads may be (settings): a size limit and the content types accepted
/// (read from the file's first bytes, never from the client's claim).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceSettings {
    /// Largest file, bytes.
    pub max_bytes: usize,
    /// Accepted content types.
    pub types: Vec<String>,
}

impl Default for EvidenceSettings {
    fn default() -> Self {
        EvidenceSettings {
            max_bytes: 100 * 1024 * 1024,
            types: [
                "image/jpeg",
                "image/png",
                "image/webp",
                "application/pdf",
                "audio/mpeg",
                "audio/mp4",
                "audio/wav",
                "video/mp4",
                "video/webm",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// Shared state of all handlers.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// Mark cookies Secure (set when Xiezhi is served over TLS; also honoured per request
    /// from `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
    /// The rule profiles, loaded and checked at start.
    pub rules: Arc<Rules>,
    calendar: Arc<RwLock<Arc<Calendar>>>,
    /// Size limit and allowed types of uploaded evidence.
    pub evidence: EvidenceSettings,
    /// Prints documents to PDF (the shipped Chinese font and any configured fuller one).
    pub printer: Arc<xiezhi_print::Printer>,
    /// Set when the server stops, so live streams end and shutdown is not held up.
    stopping: Arc<tokio::sync::watch::Sender<bool>>,
    /// Where "now" comes from (the system clock; pinned in tests).
    pub time: xiezhi_store::time::TimeSource,
    /// The address the public reaches Xiezhi at (`https://zf.example.gov.cn`), for links
    /// handed to other systems (Open311 discovery). None: such links are relative, never
    /// built from a client's `Host` header.
    pub public_url: Option<String>,
    /// Connection, proxy and session-idle settings.
    pub http: Arc<HttpSettings>,
    /// Administrators (三员) must sign in with a second factor (default; off only for the
    /// demo and tests that are not about it).
    pub second_factor_for_admins: bool,
}

impl AppState {
    /// State over a store: the shipped rule profiles and the calendar (shipped years plus
    /// those loaded into the database).
    pub async fn new(store: Store, secure_cookies: bool) -> anyhow::Result<AppState> {
        let rules = Rules::builtin()?;
        let calendar = store.calendar().await?;
        Ok(AppState {
            store,
            secure_cookies,
            rules: Arc::new(rules),
            calendar: Arc::new(RwLock::new(Arc::new(calendar))),
            evidence: EvidenceSettings::default(),
            printer: xiezhi_print::Printer::shared()?,
            stopping: Arc::new(tokio::sync::watch::channel(false).0),
            time: Default::default(),
            public_url: None,
            http: Default::default(),
            second_factor_for_admins: true,
        })
    }

    /// The same state reading the time from `time` (tests pin it).
    pub fn with_time(mut self, time: xiezhi_store::time::TimeSource) -> AppState {
        self.time = time;
        self
    }

    /// Now, from the state's time source.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.time.now()
    }

    /// The same state with other evidence settings.
    pub fn with_evidence(mut self, evidence: EvidenceSettings) -> AppState {
        self.evidence = evidence;
        self
    }

    /// The same state with the address the public reaches it at.
    pub fn with_public_url(mut self, url: Option<String>) -> AppState {
        self.public_url = url.map(|u| u.trim_end_matches('/').to_owned());
        self
    }

    /// The same state with other connection, proxy and session settings.
    pub fn with_http(mut self, http: HttpSettings) -> AppState {
        self.http = Arc::new(http);
        self
    }

    /// The same state with the administrators' second factor required or not.
    pub fn with_second_factor_for_admins(mut self, on: bool) -> AppState {
        self.second_factor_for_admins = on;
        self
    }

    /// The same state with another printer (a configured font).
    pub fn with_printer(mut self, printer: Arc<xiezhi_print::Printer>) -> AppState {
        self.printer = printer;
        self
    }

    /// Resolves to `true` when the server is stopping.
    pub fn stopping(&self) -> tokio::sync::watch::Receiver<bool> {
        self.stopping.subscribe()
    }

    /// The calendar in use.
    pub fn calendar(&self) -> Arc<Calendar> {
        self.calendar
            .read()
            .map(|c| c.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Reload the calendar from the database (after a year was loaded here or elsewhere).
    pub async fn refresh_calendar(&self) -> Result<(), xiezhi_store::StoreError> {
        let fresh = Arc::new(self.store.calendar().await?);
        match self.calendar.write() {
            Ok(mut c) => *c = fresh,
            Err(p) => *p.into_inner() = fresh,
        }
        Ok(())
    }

    /// The clock environment (rules and calendar) for a store call.
    pub fn clock_env<'a>(&'a self, calendar: &'a Calendar) -> xiezhi_store::clocks::ClockEnv<'a> {
        xiezhi_store::clocks::ClockEnv {
            rules: &self.rules,
            calendar,
        }
    }

    /// Run one pass of the clock job (warnings, breaches, supervision orders).
    pub async fn run_clock_job(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<xiezhi_store::clocks::JobReport, xiezhi_store::StoreError> {
        self.refresh_calendar().await?;
        let cal = self.calendar();
        let env = self.clock_env(&cal);
        xiezhi_store::clocks::run_due(&self.store, env, "job:clocks", now, 500).await
    }
}

/// Run the clock job every `interval` until `shutdown` resolves. Several instances may run
/// it at once: nothing fires twice.
pub async fn clock_jobs(
    state: AppState,
    interval: std::time::Duration,
    shutdown: impl Future<Output = ()>,
) {
    let mut tick = tokio::time::interval(interval);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tick.tick() => {
                match state.run_clock_job(state.now()).await {
                    Ok(r) if r.warned + r.breached > 0 => tracing::info!(warned = r.warned, breached = r.breached, orders = r.orders, "clock job"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "clock job failed"),
                }
            }
        }
    }
}

/// A time shown to people: Beijing time, to the minute.
pub fn beijing_time(t: chrono::DateTime<chrono::Utc>) -> String {
    xiezhi_domain::beijing::local(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A time or date as shown on a page: `2026-12-05 14:37` reads `2026年12月5日 14:37`,
/// `2026-12-05` reads `2026年12月5日`; anything else is left as it is. (The API keeps the
/// sortable form that [`beijing_time`] writes; pages put this in front of people.)
pub fn chinese_time(shown: &str) -> String {
    let (date, time) = match shown.split_once(' ') {
        Some((d, t)) => (d, Some(t)),
        None => (shown, None),
    };
    let Ok(day) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
        return shown.to_owned();
    };
    use chrono::Datelike;
    let date = format!("{}年{}月{}日", day.year(), day.month(), day.day());
    match time {
        Some(t) if chrono::NaiveTime::parse_from_str(t, "%H:%M").is_ok() => format!("{date} {t}"),
        Some(_) => shown.to_owned(),
        None => date,
    }
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
        .merge(open311::router())
        .fallback(ui::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::csrf_cookie,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::same_origin,
        ))
        .layer(axum::middleware::from_fn(guard::inputs))
        .layer(axum::middleware::from_fn(error::request_scope))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let rid = ctx::request_id(req.headers());
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %rid)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::from_fn(guard::request_id))
        // Outermost: every response leaves with the security headers.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .with_state(state)
}
