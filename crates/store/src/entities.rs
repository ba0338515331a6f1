//! Database entities (SeaORM). One set for both engines; the migrations in
//! [`crate::migration`] create exactly these tables.

/// Organisations (机构).
pub mod org {
    use sea_orm::entity::prelude::*;

    /// An org row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "orgs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub kind: String,
        pub level: String,
        pub parent_id: Option<i64>,
        pub division_code: String,
        /// Materialised path of ids, e.g. `/1/4/9/`.
        pub path: String,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// People (人员).
pub mod person {
    use sea_orm::entity::prelude::*;

    /// A person row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "people")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub login: String,
        pub name: String,
        pub org_id: i64,
        /// JSON array of role machine names.
        pub roles: String,
        pub phone: Option<String>,
        pub password_hash: Option<String>,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Enforcement certificates (执法证).
pub mod certificate {
    use sea_orm::entity::prelude::*;

    /// A certificate row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "certificates")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub person_id: i64,
        #[sea_orm(unique)]
        pub number: String,
        /// JSON array of enforcement domains (执法领域).
        pub domains: String,
        pub valid_until: Date,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Yearly training hours (年度培训学时).
pub mod training {
    use sea_orm::entity::prelude::*;

    /// A training row: one per person and year.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_hours")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub person_id: i64,
        pub year: i32,
        pub hours: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Sign-in sessions (会话).
pub mod session {
    use sea_orm::entity::prelude::*;

    /// A session row; `id` is the SM3 digest of the cookie value, never the value itself.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub person_id: i64,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub ended_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// API tokens for other systems (接口令牌).
pub mod api_token {
    use sea_orm::entity::prelude::*;

    /// A token row; only the SM3 digest of the token is kept.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub org_id: i64,
        pub name: String,
        /// JSON array of scope machine names.
        pub scopes: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The full-process record (全过程记录). Append-only: see [`crate::record`].
pub mod event {
    use sea_orm::entity::prelude::*;

    /// An event row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub at: DateTimeUtc,
        pub actor: String,
        pub org: Option<i64>,
        pub subject_type: String,
        pub subject_id: String,
        pub kind: String,
        pub payload: String,
        pub request_id: String,
        pub prev_hash: String,
        pub hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The head of the chain: one row, locked by every writer so the chain stays linear.
pub mod chain_head {
    use sea_orm::entity::prelude::*;

    /// The head row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "chain_head")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub seq: i64,
        pub hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
