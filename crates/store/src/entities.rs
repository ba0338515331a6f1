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

/// Second factors (两步验证) of people who turned it on.
pub mod second_factor {
    use sea_orm::entity::prelude::*;

    /// A person's authenticator secret and recovery codes.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "second_factors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
        /// The TOTP secret (base32).
        pub secret: String,
        /// The last 30-second step a code was accepted for.
        pub last_step: Option<i64>,
        /// JSON array of the SM3 digests of the recovery codes not yet used.
        pub recovery_codes: String,
        pub enabled_at: DateTimeUtc,
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
        /// The last request with this session (for the idle timeout; kept to the minute).
        pub last_seen_at: Option<DateTimeUtc>,
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
pub(crate) mod event {
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

/// Clocks (时限): one statutory time limit on one subject.
pub mod clock {
    use sea_orm::entity::prelude::*;

    /// A clock row; `rule_version_id` names the snapshot of the rule it started under.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "clocks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub subject_type: String,
        pub subject_id: String,
        pub rule_id: String,
        pub profile_id: String,
        pub profile_version: i64,
        pub rule_version_id: i64,
        pub holder_org_id: i64,
        pub holder_person_id: Option<i64>,
        pub state: String,
        pub started_at: DateTimeUtc,
        pub due_at: DateTimeUtc,
        pub warn_at: Option<DateTimeUtc>,
        pub warned_at: Option<DateTimeUtc>,
        pub breached_at: Option<DateTimeUtc>,
        pub closed_at: Option<DateTimeUtc>,
        /// JSON array of pauses.
        pub pauses: String,
        /// JSON array of extensions.
        pub extensions: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Rule snapshots: each rule of each profile version a clock started under, kept once.
pub mod rule_version {
    use sea_orm::entity::prelude::*;

    /// A snapshot row: the rule as JSON.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rule_versions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub profile_id: String,
        pub profile_version: i64,
        pub rule_id: String,
        pub rule: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Supervision orders (督办): issued by the coordination office when a clock is breached.
pub mod supervision_order {
    use sea_orm::entity::prelude::*;

    /// A supervision order row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "supervision_orders")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The breached clock.
        pub clock_id: i64,
        pub from_org_id: i64,
        pub to_org_id: i64,
        pub subject_type: String,
        pub subject_id: String,
        pub reason: String,
        pub state: String,
        pub issued_at: DateTimeUtc,
        pub closed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Which rule profile an org subtree uses.
pub mod org_profile {
    use sea_orm::entity::prelude::*;

    /// An assignment row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "org_profiles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_id: i64,
        pub profile_id: String,
        pub assigned_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Calendar years loaded by an administrator (a new holiday notice).
pub mod calendar_year {
    use sea_orm::entity::prelude::*;

    /// A loaded year: its CSV lines (`date,kind,name`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "calendar_years")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        pub csv: String,
        pub loaded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Catalog items (执法事项), one row per version.
pub mod catalog_item {
    use sea_orm::entity::prelude::*;

    /// An item version.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "catalog_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub version: i32,
        pub name: String,
        pub domain: String,
        pub kind: String,
        pub law: String,
        pub article: String,
        pub penalty_clause: String,
        pub sector_org_id: Option<i64>,
        pub minor_first_offence: bool,
        /// JSON array of discretion tiers.
        pub discretion: String,
        pub effective_from: Date,
        pub effective_to: Option<Date>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Catalog set membership (清单): tags over item codes.
pub mod catalog_set {
    use sea_orm::entity::prelude::*;

    /// A membership row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "catalog_sets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_code: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub set_name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Assignments: who holds an item in a division, how, from when.
pub mod assignment {
    use sea_orm::entity::prelude::*;

    /// An assignment row (a new row for every change; the old one gets `effective_to`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assignments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub item_code: String,
        pub division_code: String,
        pub version: i32,
        pub holder_org_id: i64,
        pub mode: String,
        pub responsible_org_id: i64,
        pub supervising_org_id: i64,
        pub letter_number: String,
        pub letter_scope: String,
        pub letter_valid_until: Option<Date>,
        pub effective_from: Date,
        pub effective_to: Option<Date>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Search tokens of catalog items (segmented Chinese text, the same on both engines).
pub mod catalog_token {
    use sea_orm::entity::prelude::*;

    /// A token of an item.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "catalog_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_code: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Township and grid boundaries (GeoJSON features).
pub mod boundary {
    use sea_orm::entity::prelude::*;

    /// A boundary row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "boundaries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub division_code: String,
        pub name: String,
        /// The GeoJSON feature.
        pub feature: String,
        pub loaded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Leads (线索).
pub mod lead {
    use sea_orm::entity::prelude::*;

    /// A lead row. Reporter fields are personal data.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "leads")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub tracking_number: String,
        pub channel: String,
        pub reporter_name: Option<String>,
        pub reporter_phone: Option<String>,
        pub text: String,
        pub address: String,
        pub division_code: Option<String>,
        pub lon: Option<f64>,
        pub lat: Option<f64>,
        pub item_code: Option<String>,
        pub urgent: bool,
        pub received_org_id: i64,
        pub received_person_id: Option<i64>,
        pub received_at: DateTimeUtc,
        pub status: String,
        pub duplicate_of: Option<i64>,
        pub source_token_id: Option<i64>,
        pub idempotency_key: Option<String>,
        /// The org holding first responsibility now (null: the receiving org).
        pub holder_org_id: Option<i64>,
        /// The final reply to the reporter (答复).
        pub reply: Option<String>,
        pub replied_at: Option<DateTimeUtc>,
        pub replied_by_org_id: Option<i64>,
        /// The reporter's rating of the reply.
        pub satisfaction: Option<String>,
        /// Returns and re-routes since the last acceptance (推诿扯皮 count).
        pub bounces: i32,
        /// Times the reporter said "not fixed".
        pub reopened: i32,
        /// The lead at a department this one was referred from (township matters).
        pub referred_from: Option<i64>,
        /// What came of it (处理结果, `LeadOutcome`), once answered.
        pub outcome: Option<String>,
    }

    impl Model {
        /// The org holding the lead now.
        pub fn holder(&self) -> i64 {
            self.holder_org_id.unwrap_or(self.received_org_id)
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Stored files, by SM3 digest (content-addressed, written once).
pub mod blob {
    use sea_orm::entity::prelude::*;

    /// A stored file.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "blobs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub digest: String,
        /// The bytes of a file stored before the file store; empty when `kept_in_files`.
        pub bytes: Vec<u8>,
        /// Bytes (set for files in the file store).
        pub size: Option<i64>,
        /// The type recognised from its first bytes (set for files in the file store).
        pub content_type: Option<String>,
        /// The bytes are in the file store (`crate::files`), not in this row.
        pub kept_in_files: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Attachments (附件) of leads and transfer materials (移送材料).
pub mod attachment {
    use sea_orm::entity::prelude::*;

    /// An attachment: a titled material, optionally a stored file.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "attachments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub subject_type: String,
        pub subject_id: i64,
        pub kind: String,
        pub title: String,
        pub digest: Option<String>,
        pub content_type: Option<String>,
        pub size: Option<i64>,
        pub org_id: Option<i64>,
        pub added_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Cases (案件): filed from a lead; the case lifecycle builds on this record.
pub mod case {
    use sea_orm::entity::prelude::*;

    /// A case.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub number: String,
        pub lead_id: Option<i64>,
        pub holder_org_id: i64,
        pub item_code: Option<String>,
        pub title: String,
        pub stage: String,
        pub filed_at: DateTimeUtc,
        pub filed_by: Option<i64>,
        /// Where (division code) the matter is.
        pub division_code: Option<String>,
        /// The catalog item version in force on the filing date.
        pub item_version: Option<i32>,
        /// Major decision (重大执法决定).
        pub major: bool,
        /// Suspected crime (涉嫌犯罪).
        pub suspected_crime: bool,
        /// A legal review has passed since the last return.
        pub legal_passed: bool,
        pub decision_kind: Option<String>,
        pub decision_tier: Option<String>,
        pub decision_amount: Option<i64>,
        pub decision_reason: Option<String>,
        pub decided_at: Option<DateTimeUtc>,
        pub closed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Transfers (移送).
pub mod transfer {
    use sea_orm::entity::prelude::*;

    /// A transfer of a lead from one body to another (or to the judicial organs).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "transfers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub lead_id: i64,
        pub kind: String,
        pub from_org_id: i64,
        pub to_org_id: i64,
        pub status: String,
        pub facts: String,
        pub urgent: bool,
        pub oral_record: Option<String>,
        /// Whether the written formalities are complete.
        pub written: bool,
        pub consultation: Option<String>,
        pub drafted_by: Option<i64>,
        pub drafted_at: DateTimeUtc,
        pub approved_by: Option<i64>,
        pub approved_at: Option<DateTimeUtc>,
        pub sent_at: Option<DateTimeUtc>,
        pub decided_at: Option<DateTimeUtc>,
        pub decision_reason: Option<String>,
        pub outcome: Option<String>,
        pub outcome_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Jurisdiction disputes (管辖争议).
pub mod dispute {
    use sea_orm::entity::prelude::*;

    /// A dispute about who handles a lead.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "disputes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub lead_id: i64,
        pub transfer_id: Option<i64>,
        pub kind: String,
        pub org_a_id: i64,
        pub org_b_id: Option<i64>,
        pub status: String,
        pub reason: String,
        pub opened_at: DateTimeUtc,
        pub escalated_at: Option<DateTimeUtc>,
        pub designated_org_id: Option<i64>,
        pub decision: Option<String>,
        pub decided_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Negotiation records and minutes of a dispute.
pub mod dispute_note {
    use sea_orm::entity::prelude::*;

    /// One record.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "dispute_notes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub dispute_id: i64,
        pub kind: String,
        pub text: String,
        pub org_id: i64,
        pub person_id: Option<i64>,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Parties of a case (当事人).
pub mod case_party {
    use sea_orm::entity::prelude::*;

    /// A party; `code` is an ID number (personal data) or a credit code.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_parties")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        /// `person` or `organisation`.
        pub kind: String,
        pub name: String,
        pub code: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// People handling a case (承办人).
pub mod case_handler {
    use sea_orm::entity::prelude::*;

    /// A handler.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_handlers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub person_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The reporters' ratings of final replies (满意度评价), one row per rating: what the
/// assessment counts for the org whose answer was rated.
pub mod number_sequence {
    use sea_orm::entity::prelude::*;

    /// The last number issued in a series (编号序列): leads' tracking numbers and case numbers
    /// of a day, by their prefix (`L20261205`, `AJ20261205`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "number_sequences")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub prefix: String,
        pub last: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod lead_rating {
    use sea_orm::entity::prelude::*;

    /// One rating.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "lead_ratings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub lead_id: i64,
        /// The org whose answer was rated.
        pub org_id: i64,
        /// `Satisfaction` (satisfied, basic, unsatisfied, not_fixed).
        pub satisfaction: String,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Assistance requests (协助函).
pub mod assistance_request {
    use sea_orm::entity::prelude::*;

    /// A request from one body to another.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "assistance_requests")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub from_org_id: i64,
        pub to_org_id: i64,
        pub case_id: Option<i64>,
        pub kind: String,
        pub text: String,
        pub urgent: bool,
        pub status: String,
        pub supplement_asked: bool,
        /// What supplementary material was asked for.
        pub supplement_note: Option<String>,
        /// The written answer, or the reasons of a refusal.
        pub answer: Option<String>,
        pub sent_at: DateTimeUtc,
        pub answered_at: Option<DateTimeUtc>,
        pub created_by: Option<i64>,
        /// The requester's rating of the answer (satisfied, basic, unsatisfied).
        pub rating: Option<String>,
        pub rated_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Document templates edited for a government (minijinja).
pub mod document_template {
    use sea_orm::entity::prelude::*;

    /// A template override.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_templates")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The government whose orgs use it.
        pub org_id: i64,
        pub kind: String,
        pub body: String,
        pub number_pattern: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Counters of document numbers per org, kind and year.
pub mod document_number {
    use sea_orm::entity::prelude::*;

    /// A counter.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "document_numbers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub org_id: i64,
        pub kind: String,
        pub year: i32,
        pub last: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Issued documents (执法文书), immutable.
pub mod document {
    use sea_orm::entity::prelude::*;

    /// A document.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "documents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub org_id: i64,
        pub kind: String,
        #[sea_orm(unique)]
        pub number: String,
        pub html: String,
        pub sm3: String,
        pub issued_at: DateTimeUtc,
        pub issued_by: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Instructions (指令).
pub mod instruction {
    use sea_orm::entity::prelude::*;

    /// An instruction.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "instructions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub from_org_id: i64,
        pub from_person_id: Option<i64>,
        pub body: String,
        pub due_at: Option<DateTimeUtc>,
        pub sent_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Receipts of an instruction: one per addressed org or person.
pub mod instruction_receipt {
    use sea_orm::entity::prelude::*;

    /// A receipt.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "instruction_receipts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub instruction_id: i64,
        /// The addressed org (for a person: their org).
        pub org_id: i64,
        /// The addressed person, when addressed to one.
        pub person_id: Option<i64>,
        pub status: String,
        pub acknowledged_at: Option<DateTimeUtc>,
        pub acknowledged_by: Option<i64>,
        pub completed_at: Option<DateTimeUtc>,
        pub completed_by: Option<i64>,
        pub report: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Joint operations (联合执法行动).
pub mod operation {
    use sea_orm::entity::prelude::*;

    /// An operation and its plan.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "operations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub mode: String,
        pub status: String,
        pub title: String,
        pub goal: String,
        /// The enforcement domain (执法领域) officers must be certified for.
        pub domain: String,
        /// JSON array of places: `{"division_code"?, "place"}`.
        pub area: String,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        pub lead_org_id: i64,
        pub created_by_org_id: i64,
        pub created_by: Option<i64>,
        /// The written decision (or the reasons for refusing).
        pub decision: Option<String>,
        pub decided_by: Option<i64>,
        pub decided_at: Option<DateTimeUtc>,
        /// Results summary and closing report.
        pub report: Option<String>,
        pub closed_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Units taking part in an operation, each with its responsible person and tasks.
pub mod operation_unit {
    use sea_orm::entity::prelude::*;

    /// A participating unit.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "operation_units")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub operation_id: i64,
        pub org_id: i64,
        pub responsible_person_id: i64,
        pub tasks: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Certified officers of an operation, with their check-in.
pub mod operation_officer {
    use sea_orm::entity::prelude::*;

    /// An officer on the plan.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "operation_officers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub operation_id: i64,
        pub person_id: i64,
        pub org_id: i64,
        /// The enforcement certificate that qualified them.
        pub certificate_number: String,
        pub checked_in_at: Option<DateTimeUtc>,
        pub lat: Option<f64>,
        pub lon: Option<f64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Field reports of an operation.
pub mod operation_report {
    use sea_orm::entity::prelude::*;

    /// A field report.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "operation_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub operation_id: i64,
        pub person_id: Option<i64>,
        pub org_id: i64,
        pub body: String,
        pub lat: Option<f64>,
        pub lon: Option<f64>,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Leads and cases found during an operation.
pub mod operation_link {
    use sea_orm::entity::prelude::*;

    /// A link.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "operation_links")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub operation_id: i64,
        /// `lead` or `case`.
        pub subject_type: String,
        pub subject_id: i64,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Notices to units outside an operation (互动执法): they must send officers the same day.
pub mod operation_notice {
    use sea_orm::entity::prelude::*;

    /// A notice.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "operation_notices")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub operation_id: i64,
        pub org_id: i64,
        pub body: String,
        pub sent_at: DateTimeUtc,
        pub dispatched_at: Option<DateTimeUtc>,
        pub dispatch_note: Option<String>,
        /// JSON array of person ids sent.
        pub officers: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Joint meetings (联席会议/会商).
pub mod meeting {
    use sea_orm::entity::prelude::*;

    /// A meeting.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meetings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub status: String,
        pub title: String,
        pub starts_at: DateTimeUtc,
        pub place: String,
        /// The joint meeting's office (联席会议办公室) that organises it.
        pub office_org_id: i64,
        /// The convenor (召集人) who signs the minutes.
        pub convenor_person_id: i64,
        pub created_by: Option<i64>,
        pub minutes: Option<String>,
        pub minutes_at: Option<DateTimeUtc>,
        pub signed_by: Option<i64>,
        pub signed_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Member orgs of a meeting, each with one leader and one liaison.
pub mod meeting_member {
    use sea_orm::entity::prelude::*;

    /// A member org.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_members")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub org_id: i64,
        /// 分管领导.
        pub leader_person_id: i64,
        /// 联络员.
        pub liaison_person_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Agenda items proposed by members (议题).
pub mod agenda_item {
    use sea_orm::entity::prelude::*;

    /// An agenda item.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agenda_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub org_id: i64,
        pub person_id: Option<i64>,
        pub title: String,
        pub detail: String,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Action items decided by a meeting (交办事项).
pub mod action_item {
    use sea_orm::entity::prelude::*;

    /// An action item.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "action_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub meeting_id: i64,
        pub owner_org_id: i64,
        pub body: String,
        pub due_at: DateTimeUtc,
        pub status: String,
        pub report: Option<String>,
        pub done_at: Option<DateTimeUtc>,
        pub done_by: Option<i64>,
        /// Its clock (started when the minutes are signed).
        pub clock_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
