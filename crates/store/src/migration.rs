//! Schema migrations, written in Rust, one set for both engines. Never edit a landed
//! migration: add a new one. Applied migrations are listed in `seaql_migrations`; a
//! database that lists one this binary does not know was migrated by a newer version.

use sea_orm_migration::async_trait;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// All migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Foundation),
            Box::new(M0002Clocks),
            Box::new(M0003Catalog),
            Box::new(M0004Leads),
            Box::new(M0005Transfers),
            Box::new(M0006Cases),
            Box::new(M0007Assistance),
            Box::new(M0008Documents),
            Box::new(M0009Instructions),
            Box::new(M0010Operations),
            Box::new(M0011Meetings),
            Box::new(M0012AssistanceRating),
            Box::new(M0013ScaleIndexes),
            Box::new(M0014AssessmentDays),
            Box::new(M0015LeadOutcome),
            Box::new(M0016AppendOnlyRecord),
            Box::new(M0017LeadRatings),
            Box::new(M0018KnownValues),
            Box::new(M0019NumberSequences),
            Box::new(M0020Throttles),
            Box::new(M0021FilesOutside),
            Box::new(M0022SecondFactors),
        ]
    }
}

/// The statements of a frozen SQL file: separated by `-- next statement` lines; parts that
/// are only comments are skipped.
fn frozen_statements(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n-- next statement\n").filter(|part| {
        part.lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
    })
}

/// Run a frozen migration's statements. On SQLite they go to the database as one batch, so
/// that they run on one connection in order (a statement on another pooled connection may not
/// yet see a trigger just dropped).
async fn run_frozen(m: &SchemaManager<'_>, text: &str) -> Result<(), DbErr> {
    let statements: Vec<&str> = frozen_statements(text).collect();
    match m.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            m.get_connection()
                .execute_unprepared(&statements.join(";\n"))
                .await?;
        }
        _ => {
            for st in statements {
                m.get_connection().execute_unprepared(st).await?;
            }
        }
    }
    Ok(())
}

/// Orgs, people, certificates, training, sessions, tokens, the event record.
struct M0001Foundation;

impl MigrationName for M0001Foundation {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    i.take()
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Foundation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("orgs")
                .col(big_pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("kind"))
                .col(string("level"))
                .col(big_integer_null("parent_id"))
                .col(string("division_code"))
                .col(string("path"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("orgs", "parent_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_index(index("orgs", "orgs_path", &["path"]))
            .await?;
        m.create_table(
            Table::create()
                .table("people")
                .col(big_pk_auto("id"))
                .col(string_uniq("login"))
                .col(string("name"))
                .col(big_integer("org_id"))
                .col(text("roles"))
                .col(string_null("phone"))
                .col(string_null("password_hash"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("people", "org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_index(index("people", "people_org", &["org_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("certificates")
                .col(big_pk_auto("id"))
                .col(big_integer("person_id"))
                .col(string_uniq("number"))
                .col(text("domains"))
                .col(date("valid_until"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("certificates", "person_id", "people"))
                .take(),
        )
        .await?;
        m.create_index(index("certificates", "certificates_person", &["person_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("training_hours")
                .col(big_pk_auto("id"))
                .col(big_integer("person_id"))
                .col(integer("year"))
                .col(integer("hours"))
                .foreign_key(&mut fk("training_hours", "person_id", "people"))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "training_hours",
                "training_person_year",
                &["person_id", "year"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sessions")
                .col(string("id").primary_key())
                .col(big_integer("person_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .foreign_key(&mut fk("sessions", "person_id", "people"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(big_pk_auto("id"))
                .col(big_integer("org_id"))
                .col(string("name"))
                .col(text("scopes"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("api_tokens", "org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("events")
                .col(big_integer("seq").primary_key())
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(big_integer_null("org"))
                .col(string("subject_type"))
                .col(string("subject_id"))
                .col(string("kind"))
                .col(text("payload"))
                .col(string("request_id"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "events",
            "events_subject",
            &["subject_type", "subject_id"],
        ))
        .await?;
        m.create_index(index("events", "events_actor", &["actor"]))
            .await?;
        m.create_index(index("events", "events_at", &["at"]))
            .await?;
        m.create_table(
            Table::create()
                .table("chain_head")
                .col(integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string("hash"))
                .take(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("chain_head")
                .columns(["id", "seq", "hash"])
                .values_panic([1.into(), 0i64.into(), xiezhi_domain::GENESIS_HASH.into()])
                .take(),
        )
        .await?;
        Ok(())
    }
}

/// Rule snapshots, clocks, supervision orders, profile assignments, loaded calendar years.
struct M0002Clocks;

impl MigrationName for M0002Clocks {
    fn name(&self) -> &str {
        "m0002_clocks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Clocks {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("rule_versions")
                .col(big_pk_auto("id"))
                .col(string("profile_id"))
                .col(big_integer("profile_version"))
                .col(string("rule_id"))
                .col(text("rule"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "rule_versions",
                "rule_versions_key",
                &["profile_id", "profile_version", "rule_id"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("clocks")
                .col(big_pk_auto("id"))
                .col(string("subject_type"))
                .col(string("subject_id"))
                .col(string("rule_id"))
                .col(string("profile_id"))
                .col(big_integer("profile_version"))
                .col(big_integer("rule_version_id"))
                .col(big_integer("holder_org_id"))
                .col(big_integer_null("holder_person_id"))
                .col(string("state"))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone("due_at"))
                .col(timestamp_with_time_zone_null("warn_at"))
                .col(timestamp_with_time_zone_null("warned_at"))
                .col(timestamp_with_time_zone_null("breached_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(text("pauses"))
                .col(text("extensions"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("clocks", "rule_version_id", "rule_versions"))
                .foreign_key(&mut fk("clocks", "holder_org_id", "orgs"))
                .foreign_key(&mut fk("clocks", "holder_person_id", "people"))
                .take(),
        )
        .await?;
        m.create_index(index("clocks", "clocks_state_due", &["state", "due_at"]))
            .await?;
        m.create_index(index("clocks", "clocks_state_warn", &["state", "warn_at"]))
            .await?;
        m.create_index(index(
            "clocks",
            "clocks_holder",
            &["holder_org_id", "state", "due_at"],
        ))
        .await?;
        m.create_index(index(
            "clocks",
            "clocks_subject",
            &["subject_type", "subject_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("supervision_orders")
                .col(big_pk_auto("id"))
                .col(big_integer("clock_id"))
                .col(big_integer("from_org_id"))
                .col(big_integer("to_org_id"))
                .col(string("subject_type"))
                .col(string("subject_id"))
                .col(text("reason"))
                .col(string("state"))
                .col(timestamp_with_time_zone("issued_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .foreign_key(&mut fk("supervision_orders", "clock_id", "clocks"))
                .foreign_key(&mut fk("supervision_orders", "from_org_id", "orgs"))
                .foreign_key(&mut fk("supervision_orders", "to_org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "supervision_orders",
            "supervision_orders_to",
            &["to_org_id", "state"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("org_profiles")
                .col(big_integer("org_id").primary_key())
                .col(string("profile_id"))
                .col(timestamp_with_time_zone("assigned_at"))
                .foreign_key(&mut fk("org_profiles", "org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("calendar_years")
                .col(integer("year").primary_key())
                .col(text("csv"))
                .col(timestamp_with_time_zone("loaded_at"))
                .take(),
        )
        .await?;
        Ok(())
    }
}

/// The catalog: item versions, sets, assignments, search tokens, township/grid boundaries.
struct M0003Catalog;

impl MigrationName for M0003Catalog {
    fn name(&self) -> &str {
        "m0003_catalog"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0003Catalog {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("catalog_items")
                .col(big_pk_auto("id"))
                .col(string("code"))
                .col(integer("version"))
                .col(text("name"))
                .col(string("domain"))
                .col(string("kind"))
                .col(text("law"))
                .col(string("article"))
                .col(string("penalty_clause"))
                .col(big_integer_null("sector_org_id"))
                .col(boolean("minor_first_offence"))
                .col(text("discretion"))
                .col(date("effective_from"))
                .col(date_null("effective_to"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("catalog_items", "sector_org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "catalog_items",
                "catalog_items_code_version",
                &["code", "version"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_index(index("catalog_items", "catalog_items_domain", &["domain"]))
            .await?;
        m.create_table(
            Table::create()
                .table("catalog_sets")
                .col(string("item_code"))
                .col(string("set_name"))
                .primary_key(Index::create().col("item_code").col("set_name"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("assignments")
                .col(big_pk_auto("id"))
                .col(string("item_code"))
                .col(string("division_code"))
                .col(integer("version"))
                .col(big_integer("holder_org_id"))
                .col(string("mode"))
                .col(big_integer("responsible_org_id"))
                .col(big_integer("supervising_org_id"))
                .col(string("letter_number"))
                .col(text("letter_scope"))
                .col(date_null("letter_valid_until"))
                .col(date("effective_from"))
                .col(date_null("effective_to"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("assignments", "holder_org_id", "orgs"))
                .foreign_key(&mut fk("assignments", "responsible_org_id", "orgs"))
                .foreign_key(&mut fk("assignments", "supervising_org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "assignments",
            "assignments_item_division",
            &["item_code", "division_code"],
        ))
        .await?;
        m.create_index(index(
            "assignments",
            "assignments_holder",
            &["holder_org_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("catalog_tokens")
                .col(string("token"))
                .col(string("item_code"))
                .primary_key(Index::create().col("token").col("item_code"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "catalog_tokens",
            "catalog_tokens_item",
            &["item_code"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("boundaries")
                .col(string("division_code").primary_key())
                .col(string("name"))
                .col(text("feature"))
                .col(timestamp_with_time_zone("loaded_at"))
                .take(),
        )
        .await?;
        Ok(())
    }
}

/// Leads (intake and first responsibility).
struct M0004Leads;

impl MigrationName for M0004Leads {
    fn name(&self) -> &str {
        "m0004_leads"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004Leads {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("leads")
                .col(big_pk_auto("id"))
                .col(string_uniq("tracking_number"))
                .col(string("channel"))
                .col(string_null("reporter_name"))
                .col(string_null("reporter_phone"))
                .col(text("text"))
                .col(string("address"))
                .col(string_null("division_code"))
                .col(double_null("lon"))
                .col(double_null("lat"))
                .col(string_null("item_code"))
                .col(boolean("urgent"))
                .col(big_integer("received_org_id"))
                .col(big_integer_null("received_person_id"))
                .col(timestamp_with_time_zone("received_at"))
                .col(string("status"))
                .col(big_integer_null("duplicate_of"))
                .col(big_integer_null("source_token_id"))
                .col(string_null("idempotency_key"))
                .foreign_key(&mut fk("leads", "received_org_id", "orgs"))
                .foreign_key(&mut fk("leads", "received_person_id", "people"))
                .foreign_key(&mut fk("leads", "duplicate_of", "leads"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "leads",
            "leads_received",
            &["received_org_id", "status"],
        ))
        .await?;
        m.create_index(index(
            "leads",
            "leads_place_item",
            &["division_code", "item_code", "received_at"],
        ))
        .await?;
        m.create_index(
            index(
                "leads",
                "leads_idempotency",
                &["source_token_id", "idempotency_key"],
            )
            .unique()
            .take(),
        )
        .await?;
        Ok(())
    }
}

/// Who holds a lead now, its final reply and rating; attachments stored by SM3 digest;
/// cases (the record the case lifecycle builds on); transfers and their materials; disputes
/// and their records.
struct M0005Transfers;

impl MigrationName for M0005Transfers {
    fn name(&self) -> &str {
        "m0005_transfers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005Transfers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        let lead_cols = [
            big_integer_null("holder_org_id"),
            text_null("reply"),
            timestamp_with_time_zone_null("replied_at"),
            big_integer_null("replied_by_org_id"),
            string_null("satisfaction"),
            integer("bounces").default(0).take(),
            integer("reopened").default(0).take(),
            big_integer_null("referred_from"),
        ];
        for c in lead_cols {
            m.alter_table(Table::alter().table("leads").add_column(c).take())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("blobs")
                .col(string("digest").primary_key())
                .col(blob("bytes"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("attachments")
                .col(big_pk_auto("id"))
                .col(string("subject_type"))
                .col(big_integer("subject_id"))
                .col(string("kind"))
                .col(string("title"))
                .col(string_null("digest"))
                .col(string_null("content_type"))
                .col(big_integer_null("size"))
                .col(big_integer_null("org_id"))
                .col(timestamp_with_time_zone("added_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("attachments", "digest")
                        .to("blobs", "digest")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "attachments",
            "attachments_subject",
            &["subject_type", "subject_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("cases")
                .col(big_pk_auto("id"))
                .col(string_uniq("number"))
                .col(big_integer_null("lead_id"))
                .col(big_integer("holder_org_id"))
                .col(string_null("item_code"))
                .col(string("title"))
                .col(string("stage"))
                .col(timestamp_with_time_zone("filed_at"))
                .col(big_integer_null("filed_by"))
                .foreign_key(&mut fk("cases", "lead_id", "leads"))
                .foreign_key(&mut fk("cases", "holder_org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("transfers")
                .col(big_pk_auto("id"))
                .col(big_integer("lead_id"))
                .col(string("kind"))
                .col(big_integer("from_org_id"))
                .col(big_integer("to_org_id"))
                .col(string("status"))
                .col(text("facts"))
                .col(boolean("urgent"))
                .col(text_null("oral_record"))
                .col(boolean("written"))
                .col(text_null("consultation"))
                .col(big_integer_null("drafted_by"))
                .col(timestamp_with_time_zone("drafted_at"))
                .col(big_integer_null("approved_by"))
                .col(timestamp_with_time_zone_null("approved_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text_null("decision_reason"))
                .col(text_null("outcome"))
                .col(timestamp_with_time_zone_null("outcome_at"))
                .foreign_key(&mut fk("transfers", "lead_id", "leads"))
                .foreign_key(&mut fk("transfers", "from_org_id", "orgs"))
                .foreign_key(&mut fk("transfers", "to_org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_index(index("transfers", "transfers_lead", &["lead_id"]))
            .await?;
        m.create_index(index("transfers", "transfers_status", &["status"]))
            .await?;
        m.create_table(
            Table::create()
                .table("disputes")
                .col(big_pk_auto("id"))
                .col(big_integer("lead_id"))
                .col(big_integer_null("transfer_id"))
                .col(string("kind"))
                .col(big_integer("org_a_id"))
                .col(big_integer_null("org_b_id"))
                .col(string("status"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("opened_at"))
                .col(timestamp_with_time_zone_null("escalated_at"))
                .col(big_integer_null("designated_org_id"))
                .col(text_null("decision"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(&mut fk("disputes", "lead_id", "leads"))
                .foreign_key(&mut fk("disputes", "transfer_id", "transfers"))
                .take(),
        )
        .await?;
        m.create_index(index("disputes", "disputes_lead", &["lead_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("dispute_notes")
                .col(big_pk_auto("id"))
                .col(big_integer("dispute_id"))
                .col(string("kind"))
                .col(text("text"))
                .col(big_integer("org_id"))
                .col(big_integer_null("person_id"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("dispute_notes", "dispute_id", "disputes"))
                .take(),
        )
        .await?;
        Ok(())
    }
}

/// The case lifecycle: place, flags, decision and discretion on the case; parties; handlers.
struct M0006Cases;

impl MigrationName for M0006Cases {
    fn name(&self) -> &str {
        "m0006_cases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0006Cases {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let cols = [
            string_null("division_code"),
            integer_null("item_version"),
            boolean("major").default(false).take(),
            boolean("suspected_crime").default(false).take(),
            boolean("legal_passed").default(false).take(),
            string_null("decision_kind"),
            string_null("decision_tier"),
            big_integer_null("decision_amount"),
            text_null("decision_reason"),
            timestamp_with_time_zone_null("decided_at"),
            timestamp_with_time_zone_null("closed_at"),
        ];
        for c in cols {
            m.alter_table(Table::alter().table("cases").add_column(c).take())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("case_parties")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(string("kind"))
                .col(string("name"))
                .col(string("code"))
                .foreign_key(&mut fk("case_parties", "case_id", "cases"))
                .take(),
        )
        .await?;
        m.create_index(index("case_parties", "case_parties_code", &["code"]))
            .await?;
        m.create_index(index("case_parties", "case_parties_case", &["case_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("case_handlers")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer("person_id"))
                .foreign_key(&mut fk("case_handlers", "case_id", "cases"))
                .foreign_key(&mut fk("case_handlers", "person_id", "people"))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "case_handlers",
                "case_handlers_unique",
                &["case_id", "person_id"],
            )
            .unique()
            .take(),
        )
        .await?;
        Ok(())
    }
}

/// Assistance requests (协助函).
struct M0007Assistance;

impl MigrationName for M0007Assistance {
    fn name(&self) -> &str {
        "m0007_assistance"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0007Assistance {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("assistance_requests")
                .col(big_pk_auto("id"))
                .col(big_integer("from_org_id"))
                .col(big_integer("to_org_id"))
                .col(big_integer_null("case_id"))
                .col(string("kind"))
                .col(text("text"))
                .col(boolean("urgent"))
                .col(string("status"))
                .col(boolean("supplement_asked"))
                .col(text_null("supplement_note"))
                .col(text_null("answer"))
                .col(timestamp_with_time_zone("sent_at"))
                .col(timestamp_with_time_zone_null("answered_at"))
                .col(big_integer_null("created_by"))
                .foreign_key(&mut fk("assistance_requests", "from_org_id", "orgs"))
                .foreign_key(&mut fk("assistance_requests", "to_org_id", "orgs"))
                .foreign_key(&mut fk("assistance_requests", "case_id", "cases"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "assistance_requests",
            "assistance_to",
            &["to_org_id", "status"],
        ))
        .await?;
        Ok(())
    }
}

/// Enforcement documents: templates editable per government, issued documents, number counters.
struct M0008Documents;

impl MigrationName for M0008Documents {
    fn name(&self) -> &str {
        "m0008_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0008Documents {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("document_templates")
                .col(big_pk_auto("id"))
                .col(big_integer("org_id"))
                .col(string("kind"))
                .col(text("body"))
                .col(string("number_pattern"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("document_templates", "org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "document_templates",
                "document_templates_unique",
                &["org_id", "kind"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("document_numbers")
                .col(big_pk_auto("id"))
                .col(big_integer("org_id"))
                .col(string("kind"))
                .col(integer("year"))
                .col(big_integer("last"))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "document_numbers",
                "document_numbers_unique",
                &["org_id", "kind", "year"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("documents")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer("org_id"))
                .col(string("kind"))
                .col(string_uniq("number"))
                .col(text("html"))
                .col(string("sm3"))
                .col(timestamp_with_time_zone("issued_at"))
                .col(big_integer_null("issued_by"))
                .foreign_key(&mut fk("documents", "case_id", "cases"))
                .take(),
        )
        .await?;
        Ok(())
    }
}

/// Instructions (指令) and their receipts, one per addressed org or person.
struct M0009Instructions;

impl MigrationName for M0009Instructions {
    fn name(&self) -> &str {
        "m0009_instructions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0009Instructions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("instructions")
                .col(big_pk_auto("id"))
                .col(big_integer("from_org_id"))
                .col(big_integer_null("from_person_id"))
                .col(text("body"))
                .col(timestamp_with_time_zone_null("due_at"))
                .col(timestamp_with_time_zone("sent_at"))
                .foreign_key(&mut fk("instructions", "from_org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("instruction_receipts")
                .col(big_pk_auto("id"))
                .col(big_integer("instruction_id"))
                .col(big_integer("org_id"))
                .col(big_integer_null("person_id"))
                .col(string("status"))
                .col(timestamp_with_time_zone_null("acknowledged_at"))
                .col(big_integer_null("acknowledged_by"))
                .col(timestamp_with_time_zone_null("completed_at"))
                .col(big_integer_null("completed_by"))
                .col(text_null("report"))
                .foreign_key(&mut fk(
                    "instruction_receipts",
                    "instruction_id",
                    "instructions",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "instruction_receipts",
            "instruction_receipts_instruction",
            &["instruction_id"],
        ))
        .await?;
        m.create_index(index(
            "instruction_receipts",
            "instruction_receipts_org",
            &["org_id", "status"],
        ))
        .await?;
        Ok(())
    }
}

/// Joint operations (联合执法行动): plan, units, officers, field reports, links, notices.
struct M0010Operations;

impl MigrationName for M0010Operations {
    fn name(&self) -> &str {
        "m0010_operations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0010Operations {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("operations")
                .col(big_pk_auto("id"))
                .col(string("mode"))
                .col(string("status"))
                .col(string("title"))
                .col(text("goal"))
                .col(string("domain"))
                .col(text("area"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(big_integer("lead_org_id"))
                .col(big_integer("created_by_org_id"))
                .col(big_integer_null("created_by"))
                .col(text_null("decision"))
                .col(big_integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text_null("report"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("operations", "lead_org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_index(index("operations", "operations_status", &["status"]))
            .await?;
        m.create_table(
            Table::create()
                .table("operation_units")
                .col(big_pk_auto("id"))
                .col(big_integer("operation_id"))
                .col(big_integer("org_id"))
                .col(big_integer("responsible_person_id"))
                .col(text("tasks"))
                .foreign_key(&mut fk("operation_units", "operation_id", "operations"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "operation_units",
            "operation_units_operation",
            &["operation_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("operation_officers")
                .col(big_pk_auto("id"))
                .col(big_integer("operation_id"))
                .col(big_integer("person_id"))
                .col(big_integer("org_id"))
                .col(string("certificate_number"))
                .col(timestamp_with_time_zone_null("checked_in_at"))
                .col(double_null("lat"))
                .col(double_null("lon"))
                .foreign_key(&mut fk("operation_officers", "operation_id", "operations"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "operation_officers",
            "operation_officers_operation",
            &["operation_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("operation_reports")
                .col(big_pk_auto("id"))
                .col(big_integer("operation_id"))
                .col(big_integer_null("person_id"))
                .col(big_integer("org_id"))
                .col(text("body"))
                .col(double_null("lat"))
                .col(double_null("lon"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("operation_reports", "operation_id", "operations"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "operation_reports",
            "operation_reports_operation",
            &["operation_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("operation_links")
                .col(big_pk_auto("id"))
                .col(big_integer("operation_id"))
                .col(string("subject_type"))
                .col(big_integer("subject_id"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("operation_links", "operation_id", "operations"))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "operation_links",
                "operation_links_unique",
                &["operation_id", "subject_type", "subject_id"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("operation_notices")
                .col(big_pk_auto("id"))
                .col(big_integer("operation_id"))
                .col(big_integer("org_id"))
                .col(text("body"))
                .col(timestamp_with_time_zone("sent_at"))
                .col(timestamp_with_time_zone_null("dispatched_at"))
                .col(text_null("dispatch_note"))
                .col(text("officers"))
                .foreign_key(&mut fk("operation_notices", "operation_id", "operations"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "operation_notices",
            "operation_notices_operation",
            &["operation_id"],
        ))
        .await?;
        Ok(())
    }
}

/// Joint meetings (联席会议): members, agenda items, minutes, action items.
struct M0011Meetings;

impl MigrationName for M0011Meetings {
    fn name(&self) -> &str {
        "m0011_meetings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0011Meetings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("meetings")
                .col(big_pk_auto("id"))
                .col(string("kind"))
                .col(string("status"))
                .col(string("title"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(string("place"))
                .col(big_integer("office_org_id"))
                .col(big_integer("convenor_person_id"))
                .col(big_integer_null("created_by"))
                .col(text_null("minutes"))
                .col(timestamp_with_time_zone_null("minutes_at"))
                .col(big_integer_null("signed_by"))
                .col(timestamp_with_time_zone_null("signed_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("meetings", "office_org_id", "orgs"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("meeting_members")
                .col(big_pk_auto("id"))
                .col(big_integer("meeting_id"))
                .col(big_integer("org_id"))
                .col(big_integer("leader_person_id"))
                .col(big_integer("liaison_person_id"))
                .foreign_key(&mut fk("meeting_members", "meeting_id", "meetings"))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "meeting_members",
                "meeting_members_unique",
                &["meeting_id", "org_id"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("agenda_items")
                .col(big_pk_auto("id"))
                .col(big_integer("meeting_id"))
                .col(big_integer("org_id"))
                .col(big_integer_null("person_id"))
                .col(string("title"))
                .col(text("detail"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("agenda_items", "meeting_id", "meetings"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "agenda_items",
            "agenda_items_meeting",
            &["meeting_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("action_items")
                .col(big_pk_auto("id"))
                .col(big_integer("meeting_id"))
                .col(big_integer("owner_org_id"))
                .col(text("body"))
                .col(timestamp_with_time_zone("due_at"))
                .col(string("status"))
                .col(text_null("report"))
                .col(timestamp_with_time_zone_null("done_at"))
                .col(big_integer_null("done_by"))
                .col(big_integer_null("clock_id"))
                .foreign_key(&mut fk("action_items", "meeting_id", "meetings"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "action_items",
            "action_items_owner",
            &["owner_org_id", "status"],
        ))
        .await?;
        Ok(())
    }
}

/// The requester's rating of an assistance request's answer (seed 004 §三(三)3: townships
/// rate the bodies that answered their requests).
struct M0012AssistanceRating;

impl MigrationName for M0012AssistanceRating {
    fn name(&self) -> &str {
        "m0012_assistance_rating"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0012AssistanceRating {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in [
            string_null("rating"),
            timestamp_with_time_zone_null("rated_at"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("assistance_requests")
                    .add_column(c)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}

/// Indexes for the dashboard and assessment at a province's scale: events by kind and time,
/// leads by time (with the columns the daily series reads) and by status and holder, cases by
/// filing time and by stage and holder, clocks by due time (with the columns the on-time
/// rates read) and by breach time, supervision orders by issue time.
struct M0013ScaleIndexes;

impl MigrationName for M0013ScaleIndexes {
    fn name(&self) -> &str {
        "m0013_scale_indexes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0013ScaleIndexes {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, name, cols) in [
            ("events", "events_kind_at", &["kind", "at"][..]),
            (
                "leads",
                "leads_received_at",
                &["received_at", "received_org_id", "channel"][..],
            ),
            (
                "leads",
                "leads_status_holder",
                &["status", "holder_org_id", "received_org_id"][..],
            ),
            ("cases", "cases_filed_at", &["filed_at"][..]),
            (
                "cases",
                "cases_stage_holder",
                &["stage", "holder_org_id"][..],
            ),
            (
                "clocks",
                "clocks_due_at",
                &[
                    "due_at",
                    "holder_org_id",
                    "state",
                    "rule_id",
                    "closed_at",
                    "extensions",
                ][..],
            ),
            ("clocks", "clocks_breached_at", &["breached_at"][..]),
            (
                "supervision_orders",
                "supervision_orders_issued",
                &["issued_at"][..],
            ),
        ] {
            m.create_index(index(table, name, cols)).await?;
        }
        Ok(())
    }
}

/// Daily tallies of the assessment and each org's open work (`crate::tally`): the tables,
/// the triggers that keep them, the tallies of the rows already there, and the indexes for
/// items closed after a period and for one org's items (the drill-down).
struct M0014AssessmentDays;

impl MigrationName for M0014AssessmentDays {
    fn name(&self) -> &str {
        "m0014_assessment_days"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0014AssessmentDays {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The columns and statements as they landed (frozen: not read from `crate::tally`,
        // which may change; a change to the tallies is a new migration).
        const COLUMNS: &[&str] = &[
            "response_due",
            "response_on_time",
            "response_deferred",
            "handling_due",
            "handling_on_time",
            "handling_deferred",
            "overdue",
            "orders",
            "cases_filed",
            "cases_closed",
            "leads_received",
            "leads_replied",
            "intake",
            "rated",
            "rated_good",
            "rated_not_fixed",
            "reviewed",
            "review_failed",
        ];
        let mut t = Table::create();
        t.table("assessment_days")
            .col(string("day"))
            .col(big_integer("org_id"));
        for c in COLUMNS {
            t.col(big_integer(*c).default(0));
        }
        t.primary_key(Index::create().col("day").col("org_id"));
        m.create_table(t.take()).await?;
        let mut t = Table::create();
        t.table("open_work")
            .col(big_integer("org_id").primary_key());
        for c in ["open_leads", "open_cases", "breached"] {
            t.col(big_integer(c).default(0));
        }
        m.create_table(t.take()).await?;
        let frozen = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => include_str!("../migrations/m0014_postgres.sql"),
            _ => include_str!("../migrations/m0014_sqlite.sql"),
        };
        for st in frozen_statements(frozen) {
            m.get_connection().execute_unprepared(st).await?;
        }
        for (table, name, cols) in [
            (
                "cases",
                "cases_closed_at",
                &["closed_at", "filed_at", "holder_org_id"][..],
            ),
            (
                "leads",
                "leads_replied_at",
                &[
                    "replied_at",
                    "received_at",
                    "holder_org_id",
                    "received_org_id",
                    "duplicate_of",
                ][..],
            ),
            // One org's items of a period, for its drill-down.
            (
                "cases",
                "cases_holder_filed",
                &["holder_org_id", "filed_at"][..],
            ),
            (
                "leads",
                "leads_holder_received",
                &["holder_org_id", "received_at"][..],
            ),
            ("leads", "leads_replied_by", &["replied_by_org_id"][..]),
            ("transfers", "transfers_from", &["from_org_id"][..]),
        ] {
            m.create_index(index(table, name, cols)).await?;
        }
        Ok(())
    }
}

/// What came of a lead (处理结果: 责令整改, 已整改到位…), shown to the reporter.
struct M0015LeadOutcome;

impl MigrationName for M0015LeadOutcome {
    fn name(&self) -> &str {
        "m0015_lead_outcome"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0015LeadOutcome {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("leads")
                .add_column(string_null("outcome"))
                .take(),
        )
        .await
    }
}

/// The record is append-only in the database itself: updating, deleting (or, on PostgreSQL,
/// truncating) events is refused by a trigger, whatever the client. (Someone who can drop the
/// trigger can still rewrite history; the SM3 chain and its checkpoints catch that.)
struct M0016AppendOnlyRecord;

impl MigrationName for M0016AppendOnlyRecord {
    fn name(&self) -> &str {
        "m0016_append_only_record"
    }
}

/// Frozen statements of [`M0016AppendOnlyRecord`] per engine.
const APPEND_ONLY_SQLITE: &[&str] = &[
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'the record is append-only: events cannot be changed'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'the record is append-only: events cannot be deleted'); END",
];
const APPEND_ONLY_POSTGRES: &[&str] = &[
    "CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the record is append-only: events cannot be changed or deleted'; END $$",
    "CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
];

#[async_trait::async_trait]
impl MigrationTrait for M0016AppendOnlyRecord {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let statements = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => APPEND_ONLY_POSTGRES,
            _ => APPEND_ONLY_SQLITE,
        };
        for st in statements {
            m.get_connection().execute_unprepared(st).await?;
        }
        Ok(())
    }
}

/// Ratings get their own typed table (`lead_ratings`), filled from the `lead.rated` events
/// already recorded; the assessment's tally triggers count its rows instead of matching the
/// events' JSON payloads.
struct M0017LeadRatings;

impl MigrationName for M0017LeadRatings {
    fn name(&self) -> &str {
        "m0017_lead_ratings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0017LeadRatings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("lead_ratings")
                .col(big_pk_auto("id"))
                .col(big_integer("lead_id"))
                .col(big_integer("org_id"))
                .col(
                    string("satisfaction").check(Expr::col("satisfaction").is_in([
                        "satisfied",
                        "basic",
                        "unsatisfied",
                        "not_fixed",
                    ])),
                )
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk("lead_ratings", "lead_id", "leads"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "lead_ratings",
            "lead_ratings_org_at",
            &["org_id", "at"],
        ))
        .await?;
        let frozen = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => include_str!("../migrations/m0017_postgres.sql"),
            _ => include_str!("../migrations/m0017_sqlite.sql"),
        };
        run_frozen(m, frozen).await?;
        Ok(())
    }
}

/// Every state and kind column accepts only the values the program knows (`crate::known`):
/// a CHECK constraint on PostgreSQL (NOT VALID: rows already there are read as before, where an
/// unknown value is an error naming the row), a trigger pair on SQLite.
struct M0018KnownValues;

impl MigrationName for M0018KnownValues {
    fn name(&self) -> &str {
        "m0018_known_values"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0018KnownValues {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let frozen = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => include_str!("../migrations/m0018_postgres.sql"),
            _ => include_str!("../migrations/m0018_sqlite.sql"),
        };
        run_frozen(m, frozen).await?;
        Ok(())
    }
}

/// Numbers of a day come from a counter per prefix (`number_sequences`), not from the highest
/// number issued: past 99,999 a day the sequence grows a digit and string order no longer
/// follows it.
struct M0019NumberSequences;

impl MigrationName for M0019NumberSequences {
    fn name(&self) -> &str {
        "m0019_number_sequences"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0019NumberSequences {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("number_sequences")
                .col(string_len("prefix", 32).primary_key())
                .col(big_integer("last"))
                .take(),
        )
        .await
    }
}

/// Counters of the throttles (公开投诉、查询、登录的频率限制): one row per bucket, client and
/// window, shared by every instance and deleted as windows pass. Sessions learn when they
/// were last used, for the idle timeout.
struct M0020Throttles;

impl MigrationName for M0020Throttles {
    fn name(&self) -> &str {
        "m0020_throttles"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0020Throttles {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("throttle_hits")
                .col(string_len("bucket", 32))
                .col(string_len("client", 64))
                .col(big_integer("window_start"))
                .col(integer("hits"))
                .primary_key(
                    Index::create()
                        .col("bucket")
                        .col("client")
                        .col("window_start"),
                )
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("sessions")
                .add_column(timestamp_with_time_zone_null("last_seen_at"))
                .take(),
        )
        .await
    }
}

/// Stored files move out of the database into the file store (`crate::files`): a file's row
/// keeps its size and type, and says whether its bytes are there (`kept_in_files`) or, for
/// files stored before, in `bytes`.
struct M0021FilesOutside;

impl MigrationName for M0021FilesOutside {
    fn name(&self) -> &str {
        "m0021_files_outside"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0021FilesOutside {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in [
            big_integer_null("size"),
            string_null("content_type"),
            boolean("kept_in_files").default(false).take(),
        ] {
            m.alter_table(Table::alter().table("blobs").add_column(c).take())
                .await?;
        }
        Ok(())
    }
}

/// Two-factor sign-in (`xiezhi_domain::totp`): a person's authenticator secret, the last step
/// a code was accepted for (so none is accepted twice), and the SM3 digests of the recovery
/// codes not yet used.
struct M0022SecondFactors;

impl MigrationName for M0022SecondFactors {
    fn name(&self) -> &str {
        "m0022_second_factors"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0022SecondFactors {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("second_factors")
                .col(big_integer("person_id").primary_key())
                .col(string_len("secret", 64))
                .col(big_integer_null("last_step"))
                .col(text("recovery_codes"))
                .col(timestamp_with_time_zone("enabled_at"))
                .foreign_key(&mut fk("second_factors", "person_id", "people"))
                .take(),
        )
        .await
    }
}
