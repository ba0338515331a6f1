//! The UI's error: any [`AppError`] a page handler `?`s becomes the error page (页面错误).

use super::*;

/// A UI handler's error, shown as the error page (页面错误): not signed in goes to the
/// sign-in page; a form refused for something the user can fix (an invalid field, a
/// conflict with the current state) carries a [`forgive::FormError`] so that the form comes
/// back with what was typed; anything else is a page with the message, its code and the
/// request id (500s are logged, not shown).
///
/// Handlers return [`UiResult`] and `?` any error that converts into an [`AppError`]
/// (`StoreError`, `Refusal`, a bad path or query…); a handler that answers some error differently (re-showing its
/// form) matches it before the rest falls through here.
#[derive(Debug)]
pub struct UiError(pub AppError);

/// What a UI handler returns: its page, or the error page.
pub type UiResult<T = Response> = Result<T, UiError>;

impl<E: Into<AppError>> From<E> for UiError {
    fn from(e: E) -> Self {
        UiError(e.into())
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let e = self.0;
        if matches!(e, AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let request_id = crate::error::current_request_id();
        if let AppError::Internal(detail) = &e {
            tracing::error!(request_id, error = %detail, "request failed");
        }
        let meta = RequestMeta {
            request_id,
            // An error page shows no time.
            now: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
            csrf: String::new(),
            browser_csrf: String::new(),
            secure: false,
            client: String::new(),
        };
        let mut res = render(
            e.status(),
            &ErrorPage {
                layout: Layout::public("出错了", &meta),
                message: e.to_string(),
                code: e.code().into(),
            },
        );
        // A form refused for something the user can fix goes back to its page (forgive.rs).
        let fixable = match e {
            AppError::Invalid { field, message } => Some(forgive::FormError {
                field: Some(field),
                message,
            }),
            AppError::Conflict { message, .. } => Some(forgive::FormError {
                field: None,
                message,
            }),
            _ => None,
        };
        if let Some(f) = fixable {
            res.extensions_mut().insert(f);
        }
        res
    }
}
