//! People (人员): accounts, roles, certificates and training. Never hard-deleted.

use crate::entities::{certificate, org, person, training};
use crate::{Store, StoreError, Writer};
use chrono::NaiveDate;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use xiezhi_domain::role::check_role_set;
use xiezhi_domain::{CertificateNumber, Login, PhoneNumber, Role};
use xiezhi_domain::{EventKind, payload};

/// A checked new person.
#[derive(Debug, Clone)]
pub struct NewPerson {
    /// Sign-in name.
    pub login: Login,
    /// Name.
    pub name: String,
    /// Org.
    pub org_id: i64,
    /// Roles.
    pub roles: Vec<Role>,
    /// Phone (personal data).
    pub phone: Option<PhoneNumber>,
    /// An argon2 hash, when the person may sign in at once.
    pub password_hash: Option<String>,
}

/// A checked edit of a person's basic data (not roles, not password).
#[derive(Debug, Clone)]
pub struct PersonEdit {
    /// Name.
    pub name: String,
    /// Org.
    pub org_id: i64,
    /// Phone.
    pub phone: Option<PhoneNumber>,
}

/// A checked enforcement certificate (执法证).
#[derive(Debug, Clone)]
pub struct NewCertificate {
    /// Number.
    pub number: CertificateNumber,
    /// Enforcement domains.
    pub domains: Vec<String>,
    /// Valid until (inclusive).
    pub valid_until: NaiveDate,
}

/// Parse the stored roles column.
pub fn roles_of(p: &person::Model) -> Vec<Role> {
    serde_json::from_str::<Vec<String>>(&p.roles)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| Role::parse(r))
        .collect()
}

/// The machine names of roles.
fn role_names(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|r| r.as_str().to_owned()).collect()
}

fn roles_json(roles: &[Role]) -> String {
    serde_json::Value::from(role_names(roles)).to_string()
}

async fn find(c: &impl ConnectionTrait, id: i64) -> Result<person::Model, StoreError> {
    person::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound("人员"))
}

async fn active_org(c: &impl ConnectionTrait, id: i64) -> Result<org::Model, StoreError> {
    let o = org::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or_else(|| StoreError::invalid("org_id", "所属机构不存在"))?;
    if !o.active {
        return Err(StoreError::invalid("org_id", "所属机构已停用"));
    }
    Ok(o)
}

fn check_roles(roles: &[Role]) -> Result<(), StoreError> {
    check_role_set(roles).map_err(|m| StoreError::invalid("roles", m))
}

/// Create a person. The record names the person's login and org, never the phone.
pub async fn create(w: &mut Writer, new: NewPerson) -> Result<person::Model, StoreError> {
    check_roles(&new.roles)?;
    let c = w.txn();
    active_org(c, new.org_id).await?;
    if person::Entity::find()
        .filter(person::Column::Login.eq(new.login.as_str()))
        .one(c)
        .await?
        .is_some()
    {
        return Err(StoreError::invalid(
            "login",
            format!("登录名 {} 已被使用", new.login),
        ));
    }
    let now = w.now();
    let m = person::ActiveModel {
        login: Set(new.login.to_string()),
        name: Set(new.name),
        org_id: Set(new.org_id),
        roles: Set(roles_json(&new.roles)),
        phone: Set(new.phone.map(String::from)),
        password_hash: Set(new.password_hash),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    w.record(
        "person",
        m.id,
        EventKind::PersonCreated,
        &payload::PersonCreated {
            login: m.login.clone(),
            name: m.name.clone(),
            org_id: m.org_id,
            roles: role_names(&roles_of(&m)),
        },
    );
    Ok(m)
}

/// Edit a person's basic data.
pub async fn edit(w: &mut Writer, id: i64, e: PersonEdit) -> Result<person::Model, StoreError> {
    let c = w.txn();
    let old = find(c, id).await?;
    if e.org_id != old.org_id {
        active_org(c, e.org_id).await?;
    }
    let phone_changed = old.phone.as_deref() != e.phone.as_ref().map(|p| p.as_str());
    let before = payload::PersonFields {
        name: old.name.clone(),
        org_id: old.org_id,
    };
    let mut am: person::ActiveModel = old.into();
    am.name = Set(e.name);
    am.org_id = Set(e.org_id);
    am.phone = Set(e.phone.map(String::from));
    am.updated_at = Set(w.now());
    let m = am.update(w.txn()).await?;
    w.record(
        "person",
        id,
        EventKind::PersonUpdated,
        &payload::PersonUpdated {
            before,
            after: payload::PersonFields {
                name: m.name.clone(),
                org_id: m.org_id,
            },
            phone_changed,
        },
    );
    Ok(m)
}

/// Set a person's roles.
pub async fn set_roles(
    w: &mut Writer,
    id: i64,
    roles: &[Role],
) -> Result<person::Model, StoreError> {
    check_roles(roles)?;
    let old = find(w.txn(), id).await?;
    let before = role_names(&roles_of(&old));
    let mut am: person::ActiveModel = old.into();
    am.roles = Set(roles_json(roles));
    am.updated_at = Set(w.now());
    let m = am.update(w.txn()).await?;
    w.record(
        "person",
        id,
        EventKind::PersonRolesChanged,
        &payload::RolesChanged {
            before,
            after: role_names(roles),
        },
    );
    Ok(m)
}

/// Set (or clear) a person's password hash.
pub async fn set_password_hash(
    w: &mut Writer,
    id: i64,
    hash: Option<String>,
) -> Result<(), StoreError> {
    let old = find(w.txn(), id).await?;
    let mut am: person::ActiveModel = old.into();
    am.password_hash = Set(hash);
    am.updated_at = Set(w.now());
    am.update(w.txn()).await?;
    w.record(
        "person",
        id,
        EventKind::PersonPasswordSet,
        &payload::NoDetails {},
    );
    Ok(())
}

/// Deactivate or reactivate a person (their sessions end on deactivation).
pub async fn set_active(
    w: &mut Writer,
    id: i64,
    active: bool,
) -> Result<person::Model, StoreError> {
    let old = find(w.txn(), id).await?;
    if old.active == active {
        return Ok(old);
    }
    if active {
        active_org(w.txn(), old.org_id).await?;
    }
    let mut am: person::ActiveModel = old.into();
    am.active = Set(active);
    am.updated_at = Set(w.now());
    let m = am.update(w.txn()).await?;
    if !active {
        crate::auth::end_sessions_of(w, id, None).await?;
    }
    w.record(
        "person",
        id,
        if active {
            EventKind::PersonReactivated
        } else {
            EventKind::PersonDeactivated
        },
        &payload::NoDetails {},
    );
    Ok(m)
}

/// Add an enforcement certificate.
pub async fn add_certificate(
    w: &mut Writer,
    person_id: i64,
    cert: NewCertificate,
) -> Result<certificate::Model, StoreError> {
    let c = w.txn();
    find(c, person_id).await?;
    if certificate::Entity::find()
        .filter(certificate::Column::Number.eq(cert.number.as_str()))
        .one(c)
        .await?
        .is_some()
    {
        return Err(StoreError::invalid(
            "certificate_number",
            format!("执法证号 {} 已登记", cert.number),
        ));
    }
    let m = certificate::ActiveModel {
        person_id: Set(person_id),
        number: Set(cert.number.to_string()),
        domains: Set(serde_json::Value::from(cert.domains.clone()).to_string()),
        valid_until: Set(cert.valid_until),
        created_at: Set(w.now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    w.record(
        "person",
        person_id,
        EventKind::PersonCertificateAdded,
        &payload::CertificateAdded {
            number: m.number.clone(),
            domains: cert.domains.clone(),
            valid_until: cert.valid_until.to_string(),
        },
    );
    Ok(m)
}

/// Set a person's training hours for a year.
pub async fn set_training(
    w: &mut Writer,
    person_id: i64,
    year: i32,
    hours: i32,
) -> Result<(), StoreError> {
    if !(0..=2000).contains(&hours) {
        return Err(StoreError::invalid("hours", "培训学时应在0至2000之间"));
    }
    if !(2000..=2100).contains(&year) {
        return Err(StoreError::invalid("year", "年度应在2000至2100之间"));
    }
    let c = w.txn();
    find(c, person_id).await?;
    let existing = training::Entity::find()
        .filter(training::Column::PersonId.eq(person_id))
        .filter(training::Column::Year.eq(year))
        .one(c)
        .await?;
    match existing {
        Some(t) => {
            let mut am: training::ActiveModel = t.into();
            am.hours = Set(hours);
            am.update(c).await?;
        }
        None => {
            training::ActiveModel {
                person_id: Set(person_id),
                year: Set(year),
                hours: Set(hours),
                ..Default::default()
            }
            .insert(c)
            .await?;
        }
    }
    w.record(
        "person",
        person_id,
        EventKind::PersonTrainingSet,
        &payload::TrainingSet { year, hours },
    );
    Ok(())
}

/// A filter for listing people.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Only people of orgs whose path starts with this.
    pub org_path: Option<String>,
    /// Only this exact org.
    pub org_id: Option<i64>,
    /// Name or login contains this.
    pub q: Option<String>,
    /// Include deactivated people.
    pub include_inactive: bool,
}

impl Store {
    /// One person.
    /// Names and orgs of these people (for showing who did what).
    pub async fn people_by_ids(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, person::Model>, StoreError> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        Ok(person::Entity::find()
            .filter(person::Column::Id.is_in(ids.to_vec()))
            .all(self.db())
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect())
    }

    pub async fn person(&self, id: i64) -> Result<person::Model, StoreError> {
        find(self.db(), id).await
    }

    /// One person by login.
    pub async fn person_by_login(&self, login: &str) -> Result<Option<person::Model>, StoreError> {
        Ok(person::Entity::find()
            .filter(person::Column::Login.eq(login))
            .one(self.db())
            .await?)
    }

    /// People matching a filter, by org then login, one page at a time; with the total.
    pub async fn people(
        &self,
        f: &PersonFilter,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<person::Model>, u64), StoreError> {
        let mut q = person::Entity::find();
        if let Some(path) = &f.org_path {
            let ids: Vec<i64> = self.orgs_under(path).await?.iter().map(|o| o.id).collect();
            q = q.filter(person::Column::OrgId.is_in(ids));
        }
        if let Some(id) = f.org_id {
            q = q.filter(person::Column::OrgId.eq(id));
        }
        if let Some(s) = f.q.as_deref().filter(|s| !s.trim().is_empty()) {
            q = q.filter(
                person::Column::Name
                    .contains(s.trim())
                    .or(person::Column::Login.contains(s.trim())),
            );
        }
        if !f.include_inactive {
            q = q.filter(person::Column::Active.eq(true));
        }
        let total = q.clone().count(self.db()).await?;
        let rows = q
            .order_by_asc(person::Column::OrgId)
            .order_by_asc(person::Column::Login)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .limit(per_page)
            .all(self.db())
            .await?;
        Ok((rows, total))
    }

    /// A person's certificates.
    pub async fn certificates(
        &self,
        person_id: i64,
    ) -> Result<Vec<certificate::Model>, StoreError> {
        Ok(certificate::Entity::find()
            .filter(certificate::Column::PersonId.eq(person_id))
            .order_by_asc(certificate::Column::Id)
            .all(self.db())
            .await?)
    }

    /// A person's training hours by year.
    pub async fn training(&self, person_id: i64) -> Result<Vec<training::Model>, StoreError> {
        Ok(training::Entity::find()
            .filter(training::Column::PersonId.eq(person_id))
            .order_by_desc(training::Column::Year)
            .all(self.db())
            .await?)
    }

    /// Number of people in the database.
    pub async fn count_people(&self) -> Result<u64, StoreError> {
        Ok(person::Entity::find().count(self.db()).await?)
    }
}
