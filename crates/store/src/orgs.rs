//! Organisations: create, edit, deactivate (never delete), read.

use crate::entities::org;
use crate::{Store, StoreError, Writer};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use xiezhi_domain::{DivisionCode, OrgCode, OrgKind, OrgLevel};
use xiezhi_domain::{EventKind, payload};

/// A checked new org.
#[derive(Debug, Clone)]
pub struct NewOrg {
    /// Unique code.
    pub code: OrgCode,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// Level.
    pub level: OrgLevel,
    /// Parent org id (None only for a top org).
    pub parent_id: Option<i64>,
    /// Division code (行政区划代码).
    pub division_code: DivisionCode,
}

/// A checked edit of an org (code stays).
#[derive(Debug, Clone)]
pub struct OrgEdit {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// Level.
    pub level: OrgLevel,
    /// Parent.
    pub parent_id: Option<i64>,
    /// Division code.
    pub division_code: DivisionCode,
}

fn snapshot(m: &org::Model) -> payload::OrgFields {
    payload::OrgFields {
        code: m.code.clone(),
        name: m.name.clone(),
        kind: m.kind.clone(),
        level: m.level.clone(),
        parent_id: m.parent_id,
        division_code: m.division_code.clone(),
        active: m.active,
    }
}

async fn find(c: &impl ConnectionTrait, id: i64) -> Result<org::Model, StoreError> {
    org::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound("机构"))
}

/// Create an org.
pub async fn create(w: &mut Writer, new: NewOrg) -> Result<org::Model, StoreError> {
    let c = w.txn();
    if org::Entity::find()
        .filter(org::Column::Code.eq(new.code.as_str()))
        .one(c)
        .await?
        .is_some()
    {
        return Err(StoreError::invalid(
            "code",
            format!("机构代码 {} 已存在", new.code),
        ));
    }
    let parent_path = match new.parent_id {
        Some(pid) => {
            let p = find(c, pid)
                .await
                .map_err(|_| StoreError::invalid("parent_id", "上级机构不存在"))?;
            if !p.active {
                return Err(StoreError::invalid("parent_id", "上级机构已停用"));
            }
            p.path
        }
        None => "/".to_owned(),
    };
    let now = w.now();
    let m = org::ActiveModel {
        code: Set(new.code.to_string()),
        name: Set(new.name),
        kind: Set(new.kind.as_str().into()),
        level: Set(new.level.as_str().into()),
        parent_id: Set(new.parent_id),
        division_code: Set(new.division_code.to_string()),
        path: Set(String::new()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let mut am: org::ActiveModel = m.into();
    am.path = Set(format!("{parent_path}{}/", am.id.as_ref()));
    let m = am.update(c).await?;
    w.record("org", m.id, EventKind::OrgCreated, &snapshot(&m));
    Ok(m)
}

/// Edit an org. Moving it under another parent moves its whole subtree.
pub async fn edit(w: &mut Writer, id: i64, e: OrgEdit) -> Result<org::Model, StoreError> {
    let c = w.txn();
    let old = find(c, id).await?;
    let mut new_path = old.path.clone();
    if e.parent_id != old.parent_id {
        let parent_path = match e.parent_id {
            Some(pid) => {
                let p = find(c, pid)
                    .await
                    .map_err(|_| StoreError::invalid("parent_id", "上级机构不存在"))?;
                if p.path.starts_with(&old.path) {
                    return Err(StoreError::invalid(
                        "parent_id",
                        "不能把机构移到它自己或其下级机构之下",
                    ));
                }
                p.path
            }
            None => "/".to_owned(),
        };
        new_path = format!("{parent_path}{id}/");
        let subtree = org::Entity::find()
            .filter(org::Column::Path.starts_with(old.path.as_str()))
            .all(c)
            .await?;
        for o in subtree.into_iter().filter(|o| o.id != id) {
            let p = format!("{new_path}{}", &o.path[old.path.len()..]);
            let mut am: org::ActiveModel = o.into();
            am.path = Set(p);
            am.update(c).await?;
        }
    }
    let before = snapshot(&old);
    let mut am: org::ActiveModel = old.into();
    am.name = Set(e.name);
    am.kind = Set(e.kind.as_str().into());
    am.level = Set(e.level.as_str().into());
    am.parent_id = Set(e.parent_id);
    am.division_code = Set(e.division_code.to_string());
    am.path = Set(new_path);
    am.updated_at = Set(w.now());
    let m = am.update(w.txn()).await?;
    w.record(
        "org",
        id,
        EventKind::OrgUpdated,
        &payload::OrgUpdated {
            before,
            after: snapshot(&m),
        },
    );
    Ok(m)
}

/// Deactivate or reactivate an org. Deactivation is refused while active people or active
/// sub-orgs remain.
pub async fn set_active(w: &mut Writer, id: i64, active: bool) -> Result<org::Model, StoreError> {
    use crate::entities::person;
    let c = w.txn();
    let old = find(c, id).await?;
    if old.active == active {
        return Ok(old);
    }
    if !active {
        let children = org::Entity::find()
            .filter(org::Column::ParentId.eq(id))
            .filter(org::Column::Active.eq(true))
            .one(c)
            .await?;
        if children.is_some() {
            return Err(StoreError::conflict(
                "org.has_children",
                "该机构仍有启用的下级机构，不能停用",
            ));
        }
        let people = person::Entity::find()
            .filter(person::Column::OrgId.eq(id))
            .filter(person::Column::Active.eq(true))
            .one(c)
            .await?;
        if people.is_some() {
            return Err(StoreError::conflict(
                "org.has_staff",
                "该机构仍有在岗人员，不能停用",
            ));
        }
    }
    let mut am: org::ActiveModel = old.into();
    am.active = Set(active);
    am.updated_at = Set(w.now());
    let m = am.update(w.txn()).await?;
    w.record(
        "org",
        id,
        if active {
            EventKind::OrgReactivated
        } else {
            EventKind::OrgDeactivated
        },
        &payload::NoDetails {},
    );
    Ok(m)
}

impl Store {
    /// One org.
    pub async fn org(&self, id: i64) -> Result<org::Model, StoreError> {
        find(self.db(), id).await
    }

    /// One org by code.
    pub async fn org_by_code(&self, code: &str) -> Result<Option<org::Model>, StoreError> {
        Ok(org::Entity::find()
            .filter(org::Column::Code.eq(code))
            .one(self.db())
            .await?)
    }

    /// All orgs under a path (inclusive), in tree order.
    pub async fn orgs_under(&self, path: &str) -> Result<Vec<org::Model>, StoreError> {
        Ok(org::Entity::find()
            .filter(org::Column::Path.starts_with(path))
            .order_by_asc(org::Column::Path)
            .all(self.db())
            .await?)
    }

    /// The top org (the first created without a parent).
    pub async fn top_org(&self) -> Result<Option<org::Model>, StoreError> {
        Ok(org::Entity::find()
            .filter(org::Column::ParentId.is_null())
            .order_by_asc(org::Column::Id)
            .one(self.db())
            .await?)
    }

    /// The government an org belongs to: the nearest ancestor-or-self that is a government or
    /// a township; the top org when there is none.
    pub async fn government_of(&self, o: &org::Model) -> Result<org::Model, StoreError> {
        let ids: Vec<i64> = o.path.split('/').filter_map(|s| s.parse().ok()).collect();
        let ancestors = org::Entity::find()
            .filter(org::Column::Id.is_in(ids.clone()))
            .all(self.db())
            .await?;
        for id in ids.iter().rev() {
            if let Some(a) = ancestors.iter().find(|a| a.id == *id)
                && matches!(a.kind.as_str(), "government" | "township")
            {
                return Ok(a.clone());
            }
        }
        ancestors
            .into_iter()
            .find(|a| Some(a.id) == ids.first().copied())
            .ok_or(StoreError::NotFound("机构"))
    }
}

/// Who may see a row of a list whose visibility is a relationship (meetings, operations): the
/// orgs overseeing it by the policy's scope, and the org and person taking part. The server
/// fills it from the policy; the store turns it into SQL conditions, so a list never loads
/// rows to filter them.
#[derive(Debug, Clone, Default)]
pub struct Visibility {
    /// Scopes in which every row owned by an org is visible (the board, the office).
    pub overseen: Vec<xiezhi_domain::policy::Scope>,
    /// The actor's org, when it takes part in things (a member, a unit, a notified org).
    pub party_org: Option<i64>,
    /// The actor as a person (a convenor).
    pub person: Option<i64>,
}

impl Visibility {
    /// The SQL condition "the org in `column` is in one of the overseen scopes".
    pub(crate) fn overseen_by<C: sea_orm::ColumnTrait>(&self, column: C) -> sea_orm::Condition {
        use sea_orm::{QuerySelect, QueryTrait};
        let mut any = sea_orm::Condition::any();
        for scope in &self.overseen {
            let orgs = org::Entity::find().select_only().column(org::Column::Id);
            let orgs = match scope {
                xiezhi_domain::policy::Scope::Under(p) => {
                    orgs.filter(org::Column::Path.starts_with(p.as_str()))
                }
                xiezhi_domain::policy::Scope::Only(p) => {
                    orgs.filter(org::Column::Path.eq(p.as_str()))
                }
            };
            any = any.add(column.in_subquery(orgs.into_query()));
        }
        any
    }
}
