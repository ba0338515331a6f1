//! Forms that forgive: a form post that fails for a reason the user can fix (a field's value,
//! a step the policy does not allow now) goes back to the page it came from — menu and all —
//! with the message next to the field and everything typed put back. Works for every form
//! without per-page code: the failing handler's error page carries a [`FormError`]; the
//! [`keep_form`] layer turns it into a redirect to the referring page with the posted values
//! in a short-lived cookie; the page's layout hands them to a small script that refills the
//! form (without the script, the message still shows above the page).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::ctx::{cookie, set_cookie};

/// The cookie carrying a failed form back to its page.
pub(super) const KEPT_COOKIE: &str = "xz_kept";

/// Largest cookie value kept (browsers take about 4 KB per cookie); beyond it only the
/// message goes back.
const MAX_KEPT: usize = 3_600;

/// Largest form body looked at.
const MAX_BODY: usize = 2 * 1024 * 1024;

/// Why a form was refused, attached to the error page's response.
#[derive(Debug, Clone)]
pub(super) struct FormError {
    /// The field, when the error names one.
    pub field: Option<String>,
    /// The message, in Chinese.
    pub message: String,
}

/// A failed form on its way back to its page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct KeptForm {
    /// The path the form posts to.
    pub action: String,
    /// The field to mark.
    pub field: Option<String>,
    /// The message.
    pub message: String,
    /// What was typed (name, value), in order; no passwords, no anti-forgery token.
    pub values: Vec<(String, String)>,
}

impl KeptForm {
    /// Read from the request's cookie.
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Option<KeptForm> {
        let raw = cookie(headers, KEPT_COOKIE)?;
        let bytes = URL_SAFE_NO_PAD.decode(raw.as_bytes()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// The JSON for the page's script (the banner's `data-kept`, escaped by the template).
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn cookie_value(&self) -> String {
        let encode =
            |k: &KeptForm| URL_SAFE_NO_PAD.encode(serde_json::to_vec(k).unwrap_or_default());
        let full = encode(self);
        if full.len() <= MAX_KEPT {
            return full;
        }
        encode(&KeptForm {
            values: Vec::new(),
            ..self.clone()
        })
    }
}

/// Same-site path (and query) of the `Referer`, if the request came from one of our pages.
fn referring_path(req: &Request) -> Option<String> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let host = req.headers().get(header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path = rest.strip_prefix(host)?;
    path.starts_with('/').then(|| path.to_owned())
}

/// The layer: a refused urlencoded form post from one of our pages goes back to that page.
pub(super) async fn keep_form(req: Request, next: Next) -> Response {
    let is_form = req.method() == Method::POST
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let back = referring_path(&req);
    let (Some(back), true) = (back, is_form) else {
        return next.run(req).await;
    };
    let action = req.uri().path().to_owned();
    if action == "/login" || action.starts_with("/account/") {
        return next.run(req).await; // never carry passwords around
    }
    let secure = req
        .headers()
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes() == b"https");
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    let Some(error) = res.extensions().get::<FormError>().cloned() else {
        return res;
    };
    let values: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).unwrap_or_default();
    let kept = KeptForm {
        action,
        field: error.field,
        message: error.message,
        values: values
            .into_iter()
            .filter(|(k, _)| k != "csrf" && !k.contains("password"))
            .collect(),
    };
    let mut out = Redirect::to(&back).into_response();
    out.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(KEPT_COOKIE, &kept.cookie_value(), secure, Some(60)),
    );
    out
}
