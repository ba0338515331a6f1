//! Store errors.

use sea_orm::DbErr;

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
    /// The change conflicts with the current state (duplicate code, deactivated org, …).
    #[error("{0}")]
    Conflict(String),
    /// The event chain is broken (see `audit verify`).
    #[error("全过程记录校验失败：序号 {seq}：{reason}")]
    ChainBroken {
        /// The first bad sequence number.
        seq: i64,
        /// What is wrong.
        reason: String,
    },
}

impl StoreError {
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
