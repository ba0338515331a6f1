//! Store errors.

use sea_orm::DbErr;
use xiezhi_domain::Coded;

/// Why a store operation failed. Messages are Chinese; they may reach users.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A database error (details are logged, not shown).
    #[error("数据库错误：{0}")]
    Db(#[from] DbErr),
    /// Bad configuration or connection failure.
    #[error("{0}")]
    Config(String),
    /// The database was migrated by a newer version of Xiezhi.
    #[error("数据库已由更新版本的獬豸迁移（迁移 {0} 本版本未知），请使用新版本程序，拒绝启动")]
    NewerSchema(String),
    /// No such thing.
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// A field's value is not acceptable.
    #[error("{message}")]
    Invalid {
        /// The field.
        field: String,
        /// Why, in Chinese.
        message: String,
    },
    /// The change conflicts with the current state (duplicate code, deactivated org, …): a
    /// domain refusal with its stable code (`docs/errors.md`).
    #[error("{message}")]
    Conflict {
        /// Stable machine code (`lead.wrong_state`, …).
        code: &'static str,
        /// Why, in Chinese.
        message: String,
    },
    /// The actor is not a party to the thing (not its holder, sender, receiver, member…):
    /// an access refusal (403) with its stable code.
    #[error("{message}")]
    NotParty {
        /// Stable machine code (`transfer.not_sender`, …).
        code: &'static str,
        /// Why, in Chinese.
        message: String,
    },
    /// A stored value the program does not know (a state, a kind): the row is named, nothing
    /// is guessed.
    #[error("数据有误：表 {table} 第 {id} 行的 {column} 值“{value}”无法识别")]
    Unreadable {
        table: &'static str,
        id: i64,
        column: &'static str,
        value: String,
    },
    /// The event chain is broken (see `audit verify`).
    #[error("全过程记录校验失败：序号 {seq}：{reason}")]
    ChainBroken {
        /// The first bad sequence number.
        seq: i64,
        /// What is wrong.
        reason: String,
    },
}

/// A stored state or kind read back (`Kind::parse(&row.column)`): a value the enum does not
/// know is an error naming the row, never a default.
pub fn stored<T>(
    parsed: Option<T>,
    table: &'static str,
    id: i64,
    column: &'static str,
    value: &str,
) -> Result<T, StoreError> {
    parsed.ok_or_else(|| StoreError::Unreadable {
        table,
        id,
        column,
        value: value.to_owned(),
    })
}

impl StoreError {
    /// A conflict with the current state, with its stable code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        StoreError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A domain refusal (its code and message).
    pub fn refused(r: impl Coded) -> Self {
        StoreError::conflict(r.code(), r.to_string())
    }

    /// The actor is not a party to the thing.
    pub fn not_party(code: &'static str, message: impl Into<String>) -> Self {
        StoreError::NotParty {
            code,
            message: message.into(),
        }
    }

    /// An invalid-field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<xiezhi_domain::CodeError> for StoreError {
    fn from(e: xiezhi_domain::CodeError) -> Self {
        StoreError::invalid(e.field(), e.to_string())
    }
}

impl From<xiezhi_domain::lead::LeadRefusal> for StoreError {
    fn from(e: xiezhi_domain::lead::LeadRefusal) -> Self {
        match e.field() {
            Some(field) => StoreError::invalid(field, e.to_string()),
            None => StoreError::refused(e),
        }
    }
}
