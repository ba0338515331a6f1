//! Errors: one [`AppError`] for every operation, shown as JSON (`{code, message, details}`,
//! stable codes, Chinese messages) by the API and as an HTML page by the UI. 500 bodies are
//! opaque; the full error is logged with the request id.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use xiezhi_domain::Refusal;
use xiezhi_store::StoreError;
use xiezhi_store::import::{ImportError, RowError};

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in (or the token is unknown).
    #[error("请先登录")]
    Unauthenticated,
    /// Wrong login or password.
    #[error("登录名或密码不正确")]
    BadCredentials,
    /// Refused by the policy.
    #[error("{0}")]
    Forbidden(Refusal),
    /// Login and password right; the person's second factor (a code) is missing.
    #[error("请输入动态口令（手机验证器中的6位数字）或一个恢复码")]
    SecondFactorRequired,
    /// The second factor was wrong, used before or expired.
    #[error("动态口令不正确、已过期或已使用，请输入验证器中当前的6位数字")]
    BadSecondFactor,
    /// An administrator (三员) must turn on two-factor sign-in before anything else.
    #[error("管理员须先开启两步验证，才能使用其他功能")]
    SecondFactorEnrolment,
    /// Bad input in one field.
    #[error("{message}")]
    Invalid {
        /// The field.
        field: String,
        /// Why.
        message: String,
    },
    /// Bad rows in an import file.
    #[error("导入文件有 {} 处错误，未写入任何数据", .0.len())]
    ImportRows(Vec<RowError>),
    /// No such thing (or not visible to the actor).
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// Conflicts with the current state: a domain refusal with its stable code.
    #[error("{message}")]
    Conflict {
        /// Stable machine code (`lead.wrong_state`, …; `docs/errors.md`).
        code: &'static str,
        /// Why, in Chinese.
        message: String,
    },
    /// The actor is not a party to the thing (holder, sender, receiver, member…).
    #[error("{message}")]
    NotParty {
        /// Stable machine code (`transfer.not_sender`, …).
        code: &'static str,
        /// Why, in Chinese.
        message: String,
    },
    /// The request body is larger than such a request may be.
    #[error("提交的内容过大（不能超过 {} KB）", .0 / 1024)]
    TooLarge(usize),
    /// Too many failed sign-ins.
    #[error("登录失败次数过多，账号已锁定至 {0}")]
    Locked(String),
    /// Too many public acts (complaints, lookups, failed sign-ins) from one client: a
    /// throttle (`xiezhi_store::throttle`) refused it until the time named.
    #[error("操作过于频繁，请于 {0} 后再试")]
    Throttled(String),
    /// The form's anti-forgery token is missing or wrong.
    #[error("页面已过期或请求来源不可信，请刷新页面后重试")]
    Csrf,
    /// Anything else: logged, not shown.
    #[error("服务器内部错误")]
    Internal(String),
}

impl AppError {
    /// A conflict with the current state, with its stable code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// Not a party to the thing (403), with a stable code.
    pub fn not_party(code: &'static str, message: impl Into<String>) -> Self {
        AppError::NotParty {
            code,
            message: message.into(),
        }
    }

    /// A domain refusal (its code and message).
    pub fn refused(r: impl xiezhi_domain::Coded) -> Self {
        AppError::conflict(r.code(), r.to_string())
    }

    /// An invalid-field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated
            | AppError::BadCredentials
            | AppError::SecondFactorRequired
            | AppError::BadSecondFactor => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_)
            | AppError::NotParty { .. }
            | AppError::Csrf
            | AppError::SecondFactorEnrolment => StatusCode::FORBIDDEN,
            AppError::Invalid { .. } | AppError::ImportRows(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Locked(_) | AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::SecondFactorRequired => "second_factor_required",
            AppError::BadSecondFactor => "bad_second_factor",
            AppError::SecondFactorEnrolment => "second_factor_enrolment_required",
            AppError::Forbidden(Refusal::OwnAccount) => "own_account",
            AppError::Forbidden(Refusal::OutOfScope) => "out_of_scope",
            AppError::Forbidden(Refusal::NotPermitted) => "forbidden",
            AppError::Csrf => "csrf",
            AppError::Invalid { .. } => "invalid",
            AppError::ImportRows(_) => "import_rows",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict { code, .. } | AppError::NotParty { code, .. } => code,
            AppError::Locked(_) => "locked",
            AppError::Throttled(_) => "throttled",
            AppError::TooLarge(_) => "too_large",
            AppError::Internal(_) => "internal",
        }
    }

    /// Structured details (the field, or the bad rows).
    pub fn details(&self) -> serde_json::Value {
        match self {
            AppError::Invalid { field, .. } => serde_json::json!({ "field": field }),
            AppError::ImportRows(rows) => serde_json::json!({ "rows": rows }),
            _ => serde_json::Value::Null,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid { field, message } => AppError::Invalid { field, message },
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Conflict { code, message } => AppError::Conflict { code, message },
            StoreError::NotParty { code, message } => AppError::NotParty { code, message },
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Rows(rows) => AppError::ImportRows(rows),
            ImportError::Store(s) => s.into(),
        }
    }
}

impl AppError {
    /// A throttle's verdict as a result: refused is 429 with the time to try again.
    pub fn unless_throttled(v: xiezhi_store::throttle::Verdict) -> Result<(), AppError> {
        match v {
            xiezhi_store::throttle::Verdict::Allowed => Ok(()),
            xiezhi_store::throttle::Verdict::Refused { retry_at } => {
                Err(AppError::Throttled(crate::beijing_time(retry_at)))
            }
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Forbidden(r)
    }
}

impl From<xiezhi_domain::CodeError> for AppError {
    fn from(e: xiezhi_domain::CodeError) -> Self {
        AppError::invalid(e.field(), e.to_string())
    }
}

/// The JSON error body of every `/api/v1` error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine code (`invalid`, `forbidden`, `not_found`, …).
    pub code: String,
    /// Chinese message for people.
    pub message: String,
    /// Structured details: `{field}` for invalid input, `{rows}` for imports; `null`
    /// otherwise.
    #[schema(value_type = Option<Object>)]
    pub details: serde_json::Value,
    /// The request id, to quote when reporting a problem.
    pub request_id: String,
}

tokio::task_local! {
    /// The id of the request being answered (see [`request_scope`]).
    static REQUEST_ID: String;
}

/// The id of the request being answered (empty outside one): every error names it, for the
/// user to quote when reporting a problem.
pub fn current_request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

/// Middleware: answer each request inside its id's scope, so that an error answered anywhere
/// (a handler, an extractor, the fallback) names its request without being handed the id.
pub async fn request_scope(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let rid = crate::ctx::request_id(req.headers());
    REQUEST_ID.scope(rid, next.run(req)).await
}

/// Under `/api/v1` every error is answered as JSON ([`ErrorBody`]).
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let request_id = current_request_id();
        if status.is_server_error() {
            tracing::error!(request_id = %request_id, error = ?self, "request failed");
        }
        let body = ErrorBody {
            code: self.code().into(),
            message: self.to_string(),
            details: self.details(),
            request_id,
        };
        (status, Json(body)).into_response()
    }
}

/// Map axum's own rejections (bad JSON, bad path, bad query) to the error shape.
pub fn rejection(field: &str, e: impl std::fmt::Display) -> AppError {
    AppError::invalid(field, plain_parse_error(&e.to_string()))
}

/// A parser's English message (serde, axum) said in Chinese for the user:
/// ``Invalid URL: Cannot parse `abc` to a `i64` `` → `“abc”不是有效的数字`.
pub fn plain_parse_error(raw: &str) -> String {
    let quoted: Vec<&str> = raw.split('`').skip(1).step_by(2).collect();
    let first = quoted.first().copied().unwrap_or_default();
    if raw.contains("Cannot parse") || raw.contains("invalid digit") {
        if first.is_empty() {
            "应填数字，请检查后重新填写".into()
        } else {
            format!("“{first}”不是有效的数字或编号，请检查后重新填写")
        }
    } else if raw.contains("missing field") {
        format!("缺少必填项“{first}”")
    } else if raw.contains("unknown variant") {
        format!("“{first}”不是可选的值，请从列表中选择")
    } else if raw.contains("premature end of input") || raw.contains("cannot parse") {
        "日期或数字格式不正确，请检查后重新填写".into()
    } else {
        "填写的内容格式不正确，请检查后重新填写".into()
    }
}
