//! Enforcement documents in the database: template overrides per government, number
//! counters per org, kind and year (taken inside the record's write, so numbers never repeat),
//! and issued documents kept with their SM3 digest.

use crate::entities::{document, document_number, document_template};
use crate::{Store, StoreError, Writer};
use chrono::Datelike;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use xiezhi_domain::document::{DocumentKind, format_number};
use xiezhi_domain::{EventKind, payload};

/// Save a government's template and number pattern for a kind (replacing its earlier one).
pub async fn set_template(
    w: &mut Writer,
    gov_org_id: i64,
    kind: DocumentKind,
    body: &str,
    pattern: &str,
) -> Result<document_template::Model, StoreError> {
    let now = w.now();
    let existing = document_template::Entity::find()
        .filter(document_template::Column::OrgId.eq(gov_org_id))
        .filter(document_template::Column::Kind.eq(kind.as_str()))
        .one(w.txn())
        .await?;
    let m = match existing {
        Some(t) => {
            let mut am: document_template::ActiveModel = t.into();
            am.body = Set(body.into());
            am.number_pattern = Set(pattern.into());
            am.updated_at = Set(now);
            am.update(w.txn()).await?
        }
        None => {
            document_template::ActiveModel {
                org_id: Set(gov_org_id),
                kind: Set(kind.as_str().into()),
                body: Set(body.into()),
                number_pattern: Set(pattern.into()),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(w.txn())
            .await?
        }
    };
    w.record(
        "document_template",
        m.id,
        EventKind::DocumentTemplateSaved,
        &payload::DocumentTemplateSaved {
            org_id: gov_org_id,
            kind: kind.as_str().into(),
            body_sm3: xiezhi_domain::sm3_hex(body.as_bytes()),
            number_pattern: pattern.into(),
        },
    );
    Ok(m)
}

/// What a new document needs.
pub struct NewDocument<'a> {
    /// The case.
    pub case_id: i64,
    /// The issuing org.
    pub org_id: i64,
    /// The org's short name in numbers (e.g. 云市监).
    pub org_short: &'a str,
    /// Kind.
    pub kind: DocumentKind,
    /// Number pattern.
    pub pattern: &'a str,
    /// Who issues it.
    pub issued_by: Option<i64>,
}

/// Issue a document: take the next number of the org, kind and year, render the document
/// with it, keep it with its SM3 digest and record it.
pub async fn issue(
    w: &mut Writer,
    d: NewDocument<'_>,
    render: impl FnOnce(&str) -> Result<String, String>,
) -> Result<document::Model, StoreError> {
    let now = w.now();
    let year = xiezhi_domain::beijing::local(now).year();
    let counter = document_number::Entity::find()
        .filter(document_number::Column::OrgId.eq(d.org_id))
        .filter(document_number::Column::Kind.eq(d.kind.as_str()))
        .filter(document_number::Column::Year.eq(year))
        .one(w.txn())
        .await?;
    let seq = match counter {
        Some(c) => {
            let next = c.last + 1;
            let mut am: document_number::ActiveModel = c.into();
            am.last = Set(next);
            am.update(w.txn()).await?;
            next
        }
        None => {
            document_number::ActiveModel {
                org_id: Set(d.org_id),
                kind: Set(d.kind.as_str().into()),
                year: Set(year),
                last: Set(1),
                ..Default::default()
            }
            .insert(w.txn())
            .await?;
            1
        }
    };
    let number = format_number(d.pattern, d.org_short, d.kind, year, seq);
    let html = render(&number).map_err(|e| StoreError::invalid("template", e))?;
    let sm3 = xiezhi_domain::sm3_hex(html.as_bytes());
    let m = document::ActiveModel {
        case_id: Set(d.case_id),
        org_id: Set(d.org_id),
        kind: Set(d.kind.as_str().into()),
        number: Set(number.clone()),
        html: Set(html),
        sm3: Set(sm3.clone()),
        issued_at: Set(now),
        issued_by: Set(d.issued_by),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "case",
        d.case_id,
        EventKind::DocumentIssued,
        &payload::DocumentIssued {
            document_id: m.id,
            kind: d.kind.as_str().into(),
            number: number.clone(),
            sm3: sm3.clone(),
        },
    );
    Ok(m)
}

impl Store {
    /// A government's template override for a kind, if any.
    pub async fn document_template(
        &self,
        gov_org_id: i64,
        kind: DocumentKind,
    ) -> Result<Option<document_template::Model>, StoreError> {
        Ok(document_template::Entity::find()
            .filter(document_template::Column::OrgId.eq(gov_org_id))
            .filter(document_template::Column::Kind.eq(kind.as_str()))
            .one(self.db())
            .await?)
    }

    /// Documents of a case, in issue order.
    pub async fn documents_of_case(
        &self,
        case_id: i64,
    ) -> Result<Vec<document::Model>, StoreError> {
        Ok(document::Entity::find()
            .filter(document::Column::CaseId.eq(case_id))
            .order_by_asc(document::Column::Id)
            .all(self.db())
            .await?)
    }

    /// One document.
    pub async fn document(&self, id: i64) -> Result<document::Model, StoreError> {
        document::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("文书"))
    }
}
