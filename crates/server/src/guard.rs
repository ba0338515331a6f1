//! Guards every request passes before any handler (入口校验): text with a NUL character is
//! refused naming the field it was in (PostgreSQL cannot store one, and no user types one),
//! a form or JSON body larger than such a request may be is refused with 413, and a client's
//! request id is kept only when it is a short plain token.

use crate::error::AppError;
use crate::ui::UiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The largest form or JSON body (uploads stream elsewhere, under the evidence settings).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// What the user is told about a NUL character.
const NUL_MESSAGE: &str = "内容含有不可见的控制字符（NUL），请删除后重新提交";

/// Refuse NUL characters in the path, the query and form or JSON bodies, and bodies over
/// [`BODY_LIMIT`]; everything else passes unchanged.
pub async fn inputs(req: Request, next: Next) -> Response {
    let api = !is_page(req.uri().path());
    let refuse = |e: AppError| {
        if api {
            e.into_response()
        } else {
            UiError(e).into_response()
        }
    };
    if let Some(field) = nul_in_uri(req.uri()) {
        return refuse(AppError::invalid(field, NUL_MESSAGE));
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = kind.starts_with("application/json") || kind.contains("+json");
    let form = kind.starts_with("application/x-www-form-urlencoded");
    if !(json || form) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return refuse(AppError::TooLarge(BODY_LIMIT));
    };
    let field = if json {
        nul_in_json(&bytes)
    } else {
        nul_in_pairs(&bytes)
    };
    if let Some(field) = field {
        return refuse(AppError::invalid(field, NUL_MESSAGE));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Keep the client's `X-Request-Id` only when it is 1–64 letters, digits, `-`, `_`, `.` or
/// `:`; otherwise drop it, so the platform names the request itself (and nothing long or
/// strange reaches the record).
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let plain = |v: &HeaderValue| {
        let b = v.as_bytes();
        (1..=64).contains(&b.len())
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'))
    };
    if req.headers().get("x-request-id").is_some_and(|v| !plain(v)) {
        req.headers_mut().remove("x-request-id");
    }
    next.run(req).await
}

/// Whether a path is a page (answered with an HTML error page) rather than the API.
fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/") || path.starts_with("/open311/") || path == "/healthz")
}

/// The field of a NUL character in the path (`path`) or the query (the parameter's name).
fn nul_in_uri(uri: &Uri) -> Option<String> {
    let path = urlencoding::decode_binary(uri.path().as_bytes());
    if path.contains(&0) {
        return Some("path".into());
    }
    uri.query().and_then(|q| nul_in_pairs(q.as_bytes()))
}

/// The name of the first `name=value` pair (form or query) with a NUL character in it.
fn nul_in_pairs(bytes: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_html_form::from_bytes(bytes).ok()?;
    pairs
        .into_iter()
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', ""))
}

/// The top-level field of the first string (or key) in a JSON body with a NUL character in
/// it (`body` when the body is a bare string or array). Unreadable JSON passes: its handler
/// says what is wrong.
fn nul_in_json(bytes: &[u8]) -> Option<String> {
    fn has_nul(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains('\0'),
            Value::Array(a) => a.iter().any(has_nul),
            Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
            _ => false,
        }
    }
    match serde_json::from_slice::<Value>(bytes).ok()? {
        Value::Object(o) => o
            .iter()
            .find(|(k, v)| k.contains('\0') || has_nul(v))
            .map(|(k, _)| k.replace('\0', "")),
        v if has_nul(&v) => Some("body".into()),
        _ => None,
    }
}

/// Refuse a write from a browser whose `Origin` is another site (同源校验): a request that
/// carries our cookies and names an origin must name this server — the `Host` it asked, or
/// the configured public address. Clients without cookies (API tokens, Open311) and
/// browsers that send no `Origin` pass on to the anti-forgery token check.
pub async fn same_origin(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    let has_cookie = req.headers().contains_key(header::COOKIE);
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("null").to_owned());
    if safe || !has_cookie {
        return next.run(req).await;
    }
    let Some(origin) = origin else {
        return next.run(req).await;
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let authority = |url: &str| {
        url.split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or("").to_ascii_lowercase())
    };
    let theirs = authority(&origin);
    let ours = [
        Some(host.to_ascii_lowercase()),
        state.public_url.as_deref().and_then(authority),
    ];
    if theirs.is_some() && ours.iter().flatten().any(|o| Some(o) == theirs.as_ref()) {
        return next.run(req).await;
    }
    tracing::warn!(%origin, %host, "cross-site write refused");
    if is_page(req.uri().path()) {
        UiError(AppError::Csrf).into_response()
    } else {
        AppError::Csrf.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_found_with_its_field_in_json_forms_and_queries() {
        assert_eq!(
            nul_in_json(br#"{"text": "ok", "materials": [{"title": "a\u0000b"}]}"#),
            Some("materials".into())
        );
        assert_eq!(nul_in_json(br#"{"text": "a\\u0000b"}"#), None);
        assert_eq!(nul_in_json(br#"["\u0000"]"#), Some("body".into()));
        assert_eq!(nul_in_json(b"not json"), None);
        assert_eq!(nul_in_pairs(b"login=a%00b&x=1"), Some("login".into()));
        assert_eq!(nul_in_pairs(b"login=ab"), None);
        let uri: Uri = "/leads/%00?q=1".parse().unwrap_or_default();
        assert_eq!(nul_in_uri(&uri), Some("path".into()));
        let uri: Uri = "/leads?q=%00".parse().unwrap_or_default();
        assert_eq!(nul_in_uri(&uri), Some("q".into()));
    }
}
