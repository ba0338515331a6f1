//! Serving connections (连接管理): how long a client may take to send a request, how long an
//! idle kept-alive connection stays open, how many connections are open at once, and which
//! proxies may say who the client is. A slow or idle client is closed; a live stream (the
//! dashboard's server-sent events) keeps its connection as long as it runs.

use crate::AppState;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Connection and proxy settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpSettings {
    /// Time a client has to send a request's headers; also how long a kept-alive connection
    /// may sit idle before the next request.
    pub header_timeout: Duration,
    /// Time a client has to send a request's body.
    pub body_timeout: Duration,
    /// Connections open at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// Proxies whose `X-Forwarded-For` is believed (addresses or networks).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Minutes a session may go unused before it ends (besides its 8-hour limit).
    pub session_idle_minutes: i64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(120),
            max_connections: 1024,
            trusted_proxies: vec![],
            session_idle_minutes: 30,
        }
    }
}

impl HttpSettings {
    /// Parse a list of trusted proxies (`10.0.0.1, 10.1.0.0/16`): a bare address is a network
    /// of one.
    pub fn parse_proxies(list: &[String]) -> Result<Vec<ipnet::IpNet>, String> {
        list.iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<ipnet::IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("可信代理地址无法识别：{p}"))
            })
            .collect()
    }
}

/// Serve until `shutdown` resolves, then finish requests in flight (live streams end).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let settings = state.http.clone();
    let stopping = state.stopping.clone();
    let body_timeout = settings.body_timeout;
    let app = crate::app(state).layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            next.run(with_body_deadline(req, body_timeout))
        },
    ));
    let permits = Arc::new(tokio::sync::Semaphore::new(settings.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let svc = app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection closed");
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Requests in flight get a while to finish; then the process may go.
    let _ = tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await;
    Ok(())
}

/// The request with a body that must arrive whole within `limit` of the request's start: a
/// client trickling a byte now and then is cut off at the deadline, not only after a pause.
fn with_body_deadline(req: axum::extract::Request, limit: Duration) -> axum::extract::Request {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + limit;
    let (parts, body) = req.into_parts();
    let chunks = futures_util::stream::unfold(
        (body.into_data_stream(), false),
        move |(mut s, over)| async move {
            if over {
                return None;
            }
            match tokio::time::timeout_at(deadline, s.next()).await {
                Ok(Some(chunk)) => Some((chunk.map_err(axum::Error::new), (s, false))),
                Ok(None) => None,
                Err(_) => Some((
                    Err(axum::Error::new(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "请求内容在限定时间内未传完",
                    ))),
                    (s, true),
                )),
            }
        },
    )
    .boxed();
    axum::extract::Request::from_parts(parts, axum::body::Body::from_stream(chunks))
}
