//! Security headers on every response (pages, API, assets, errors): one middleware around
//! the whole application. A handler that sets one of these headers itself keeps its own
//! (a document's stricter policy, the assets' long caching). Why each: docs/security.md.

use crate::AppState;
use crate::ctx::is_secure;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Scripts and styles from our own files only (no inline script, no `style` attribute, no
/// `eval`), images also as `data:`/`blob:` URLs, requests (fetch, the live stream) to this
/// origin, no plugins, not framed by anyone, forms posted and `<base>` set to this origin only.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Browsers remember for a year to come back over HTTPS only; sent only when Xiezhi is
/// served over TLS (`secure_cookies`, or `X-Forwarded-Proto: https` from the proxy).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The headers every response carries, unless its handler set them.
const ALWAYS: &[(HeaderName, &str)] = &[
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
    // Pages and API answers carry personal data: kept by no cache, shared or the browser's.
    // The assets set their own (public, a year: their names change with their content).
    (header::CACHE_CONTROL, "no-store"),
];

/// Middleware: add the security headers to the response.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let tls = is_secure(&state, req.headers());
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let hsts = tls.then_some((header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY));
    for (name, value) in ALWAYS.iter().cloned().chain(hsts) {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    res
}
