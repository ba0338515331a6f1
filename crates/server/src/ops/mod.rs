//! Operations shared by the JSON API and the web UI: each checks the policy, parses the
//! input into domain types, and writes through the event record. Handlers only translate.

pub mod acting;
pub mod assessment;
pub mod assistance;
pub mod attachments;
pub mod cases;
pub mod catalog;
pub mod clocks;
pub mod dashboard;
pub mod documents;
pub mod instructions;
pub mod leads;
pub mod meetings;
pub mod operations;
pub mod second_factor;
pub mod todo;
pub mod transfers;

/// The steps the caller may take now on a lead, transfer, dispute, operation or meeting,
/// computed by the checks the steps themselves make: a list of step names in the JSON, asked
/// with `may` by the pages, so a form is shown exactly when its step is allowed.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Steps(pub Vec<String>);

impl Steps {
    /// Whether the caller may take this step now (what the page offers).
    pub fn may(&self, step: &str) -> bool {
        self.0.iter().any(|s| s == step)
    }
}

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiezhi_domain::EventKind;
use xiezhi_domain::codes::parse_name;
use xiezhi_domain::{
    Action, CertificateNumber, DivisionCode, Login, OrgCode, OrgKind, OrgLevel, PhoneNumber, Role,
    Target, TokenScope, mask,
};
use xiezhi_store::entities::{api_token, org, person};
use xiezhi_store::people::{NewCertificate, NewPerson, PersonEdit, PersonFilter};
use xiezhi_store::record::EventFilter;
use xiezhi_store::record::RecordedEvent;
use xiezhi_store::{auth, import, orgs, people};

/// An org as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgView {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// Machine name of the kind.
    pub kind: String,
    /// Chinese label of the kind.
    pub kind_label: String,
    pub level: String,
    pub level_label: String,
    pub parent_id: Option<i64>,
    pub division_code: String,
    /// Depth in the tree (0 for the top).
    pub depth: usize,
    pub active: bool,
}

impl From<&org::Model> for OrgView {
    fn from(o: &org::Model) -> Self {
        let kind = OrgKind::parse(&o.kind);
        let level = OrgLevel::parse(&o.level);
        OrgView {
            id: o.id,
            code: o.code.clone(),
            name: o.name.clone(),
            kind: o.kind.clone(),
            kind_label: kind.map(|k| k.label().to_owned()).unwrap_or_default(),
            level: o.level.clone(),
            level_label: level.map(|l| l.label().to_owned()).unwrap_or_default(),
            parent_id: o.parent_id,
            division_code: o.division_code.clone(),
            depth: o.path.matches('/').count().saturating_sub(2),
            active: o.active,
        }
    }
}

/// Input for creating or editing an org (`code` only on create).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct OrgInput {
    pub code: Option<String>,
    pub name: String,
    /// Kind (machine name or Chinese label).
    pub kind: String,
    /// Level (machine name or Chinese label).
    pub level: String,
    pub parent_id: Option<i64>,
    pub division_code: String,
}

/// An enforcement certificate as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateView {
    pub number: String,
    pub domains: Vec<String>,
    pub valid_until: String,
}

/// Training hours of one year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrainingView {
    pub year: i32,
    pub hours: i32,
}

/// A person as shown; the phone is masked unless the viewer may see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    pub roles: Vec<String>,
    pub role_labels: Vec<String>,
    pub phone: Option<String>,
    /// Whether `phone` is shown unmasked.
    pub phone_revealed: bool,
    pub active: bool,
    /// Whether the person can sign in (has a password).
    pub can_sign_in: bool,
    pub certificates: Vec<CertificateView>,
    pub training: Vec<TrainingView>,
}

/// Input for creating or editing a person (`login` only on create; `roles` only business
/// roles; administrator roles are granted by the security administrator).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PersonInput {
    pub login: Option<String>,
    pub name: String,
    pub org_id: i64,
    #[serde(default)]
    pub roles: Vec<String>,
    pub phone: Option<String>,
}

/// Input for setting roles.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RolesInput {
    pub roles: Vec<String>,
}

/// Input for setting a password.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PasswordInput {
    pub password: String,
}

/// Input for a person changing their own password.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct OwnPasswordInput {
    pub old_password: String,
    pub new_password: String,
}

/// Input for adding a certificate.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CertificateInput {
    pub number: String,
    #[serde(default)]
    pub domains: Vec<String>,
    /// `YYYY-MM-DD`.
    pub valid_until: String,
}

/// Input for training hours.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TrainingInput {
    pub year: i32,
    pub hours: i32,
}

/// An event of the record as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub org: Option<i64>,
    pub subject_type: String,
    pub subject_id: String,
    pub kind: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub request_id: String,
    pub hash: String,
    /// Beijing time, to the minute.
    pub at_text: String,
    /// What happened, in words (受理线索).
    pub kind_label: String,
    /// Who, in words (城东街道 余强; 系统).
    pub actor_name: String,
    /// What it is about, in words (L2026120500001 小区门口夜间烧烤占道经营…).
    pub subject_text: String,
}

/// Events as people read them: names for actors, words for kinds and subjects, Beijing time.
pub async fn event_views(
    s: &AppState,
    rows: Vec<RecordedEvent>,
) -> Result<Vec<EventView>, AppError> {
    let person_id = |actor: &str| actor.strip_prefix("person:").and_then(|n| n.parse().ok());
    let ids: Vec<i64> = rows.iter().filter_map(|e| person_id(&e.actor)).collect();
    let people = s.store.people_by_ids(&ids).await?;
    let orgs = s.store.orgs_under("/").await?;
    let names = s
        .store
        .subject_names(
            &rows
                .iter()
                .map(|e| (e.subject_type.clone(), e.subject_id.clone()))
                .collect::<Vec<_>>(),
        )
        .await?;
    let org_name = |id: i64| {
        orgs.iter()
            .find(|o| o.id == id)
            .map(|o| o.name.as_str())
            .unwrap_or_default()
    };
    Ok(rows
        .into_iter()
        .map(|e| {
            let actor_name = match person_id(&e.actor).and_then(|id| people.get(&id)) {
                Some(p) => format!("{} {}", org_name(p.org_id), p.name),
                None if e.actor.starts_with("token:") => "接口令牌（系统对接）".into(),
                None if e.actor.starts_with("public") => "公众".into(),
                None => "系统".into(),
            };
            let name = names
                .get(&(e.subject_type.clone(), e.subject_id.clone()))
                .cloned();
            let mut v = EventView::from(e);
            v.actor_name = actor_name;
            if let Some(name) = name {
                v.subject_text = name;
            }
            v
        })
        .collect())
}

impl From<RecordedEvent> for EventView {
    fn from(e: RecordedEvent) -> Self {
        EventView {
            seq: e.seq,
            at: e.at.to_rfc3339(),
            at_text: crate::beijing_time(e.at),
            kind_label: xiezhi_domain::event::event_label(&e.kind).into(),
            subject_text: format!(
                "{} {}",
                xiezhi_domain::rules::subject_label(&e.subject_type),
                e.subject_id
            ),
            actor_name: String::new(),
            actor: e.actor,
            org: e.org,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            kind: e.kind,
            payload: serde_json::from_str(&e.payload).unwrap_or_default(),
            request_id: e.request_id,
            hash: e.hash,
        }
    }
}

/// Query of the event record.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct EventQuery {
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub actor: Option<String>,
    pub kind: Option<String>,
    /// From this date (`YYYY-MM-DD`, inclusive, Beijing time).
    pub from: Option<String>,
    /// To this date (`YYYY-MM-DD`, inclusive, Beijing time).
    pub to: Option<String>,
    pub page: Option<u64>,
}

/// An API token as shown (never the token itself, except once on creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub revoked: bool,
}

impl From<&api_token::Model> for TokenView {
    fn from(t: &api_token::Model) -> Self {
        TokenView {
            id: t.id,
            org_id: t.org_id,
            name: t.name.clone(),
            scopes: auth::scopes_of(t)
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            created_at: t.created_at.to_rfc3339(),
            revoked: t.revoked_at.is_some(),
        }
    }
}

/// Input for creating a token.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TokenInput {
    /// The org the token acts for (defaults to the creator's government).
    pub org_id: Option<i64>,
    pub name: String,
    /// `open311`, `intake`, `read`.
    pub scopes: Vec<String>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Rows per page in lists.
pub const PER_PAGE: u64 = 30;

fn parse_roles(names: &[String]) -> Result<Vec<Role>, AppError> {
    let mut roles = vec![];
    for n in names.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let r =
            Role::parse(n).ok_or_else(|| AppError::invalid("roles", format!("未知的角色：{n}")))?;
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    Ok(roles)
}

fn opt_phone(p: &Option<String>) -> Result<Option<PhoneNumber>, AppError> {
    match p.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(p) => Ok(Some(PhoneNumber::parse(p)?)),
    }
}

// ---- orgs ----

/// The orgs the actor can see (their government's tree), in tree order: each org followed
/// by its sub-orgs, siblings by kind and then by creation.
pub async fn list_orgs(s: &AppState, ctx: &Ctx) -> Result<Vec<org::Model>, AppError> {
    ctx.authorize(
        Action::ViewOrg,
        &Target::org(ctx.actor.government_path.clone()),
    )?;
    Ok(tree_order(
        s.store.orgs_under(&ctx.actor.government_path).await?,
    ))
}

/// Sort orgs into tree order (pre-order; siblings by kind, then id).
pub fn tree_order(mut orgs: Vec<org::Model>) -> Vec<org::Model> {
    let rank = |o: &org::Model| {
        OrgKind::ALL
            .iter()
            .position(|k| k.as_str() == o.kind)
            .unwrap_or(usize::MAX)
    };
    orgs.sort_by_key(|o| (rank(o), o.id));
    let ids: std::collections::HashSet<i64> = orgs.iter().map(|o| o.id).collect();
    let mut out = Vec::with_capacity(orgs.len());
    let mut stack: Vec<&org::Model> = orgs
        .iter()
        .filter(|o| o.parent_id.is_none_or(|p| !ids.contains(&p)))
        .rev()
        .collect();
    while let Some(o) = stack.pop() {
        out.push(o.clone());
        stack.extend(orgs.iter().filter(|c| c.parent_id == Some(o.id)).rev());
    }
    out
}

/// One org, if visible.
pub async fn get_org(s: &AppState, ctx: &Ctx, id: i64) -> Result<org::Model, AppError> {
    let o = s.store.org(id).await?;
    ctx.authorize(Action::ViewOrg, &Target::org(o.path.clone()))?;
    Ok(o)
}

fn parse_org(input: &OrgInput) -> Result<(String, OrgKind, OrgLevel, DivisionCode), AppError> {
    let name = parse_name(&input.name, "name")?;
    let kind = OrgKind::parse(&input.kind)
        .ok_or_else(|| AppError::invalid("kind", format!("未知的机构类型：{}", input.kind)))?;
    let level = OrgLevel::parse(&input.level)
        .ok_or_else(|| AppError::invalid("level", format!("未知的层级：{}", input.level)))?;
    let div = DivisionCode::parse(&input.division_code)?;
    Ok((name, kind, level, div))
}

async fn parent_target(s: &AppState, parent: Option<i64>) -> Result<Target, AppError> {
    match parent {
        Some(pid) => {
            let p = s
                .store
                .org(pid)
                .await
                .map_err(|_| AppError::invalid("parent_id", "上级机构不存在"))?;
            Ok(Target::org(p.path))
        }
        None => Ok(Target::org("/")),
    }
}

/// Create an org under a parent in the actor's reach.
pub async fn create_org(s: &AppState, ctx: &Ctx, input: &OrgInput) -> Result<org::Model, AppError> {
    ctx.authorize(Action::ManageOrg, &parent_target(s, input.parent_id).await?)?;
    let code = OrgCode::parse(input.code.as_deref().unwrap_or_default())?;
    let (name, kind, level, division_code) = parse_org(input)?;
    let mut w = ctx.writer(s).await?;
    let o = orgs::create(
        &mut w,
        orgs::NewOrg {
            code,
            name,
            kind,
            level,
            parent_id: input.parent_id,
            division_code,
        },
    )
    .await?;
    w.commit().await?;
    Ok(o)
}

/// Edit an org (and, with a new parent, move its subtree).
pub async fn edit_org(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &OrgInput,
) -> Result<org::Model, AppError> {
    let o = s.store.org(id).await?;
    ctx.authorize(Action::ManageOrg, &Target::org(o.path.clone()))?;
    if input.parent_id != o.parent_id {
        ctx.authorize(Action::ManageOrg, &parent_target(s, input.parent_id).await?)?;
    }
    let (name, kind, level, division_code) = parse_org(input)?;
    let mut w = ctx.writer(s).await?;
    let o = orgs::edit(
        &mut w,
        id,
        orgs::OrgEdit {
            name,
            kind,
            level,
            parent_id: input.parent_id,
            division_code,
        },
    )
    .await?;
    w.commit().await?;
    Ok(o)
}

/// Deactivate or reactivate an org.
pub async fn set_org_active(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    active: bool,
) -> Result<org::Model, AppError> {
    let o = s.store.org(id).await?;
    ctx.authorize(Action::ManageOrg, &Target::org(o.path.clone()))?;
    if o.active == active {
        return Ok(o);
    }
    let mut w = ctx.writer(s).await?;
    let o = orgs::set_active(&mut w, id, active).await?;
    w.commit().await?;
    Ok(o)
}

// ---- people ----

/// Which people the actor may list: the widest of government, own subtree, own org.
fn people_scope(ctx: &Ctx) -> Result<PersonFilter, AppError> {
    Ok(match ctx.list_scope(Action::ViewPerson)? {
        crate::ctx::ListScope::Under(path) => PersonFilter {
            org_path: Some(path),
            ..Default::default()
        },
        crate::ctx::ListScope::Only(id) => PersonFilter {
            org_id: Some(id),
            ..Default::default()
        },
    })
}

/// Query of the people list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct PeopleQuery {
    /// Only this org and its subtree.
    pub org_id: Option<i64>,
    /// Name or login contains.
    pub q: Option<String>,
    /// Include deactivated people.
    pub include_inactive: Option<bool>,
    pub page: Option<u64>,
}

/// List people in reach.
pub async fn list_people(
    s: &AppState,
    ctx: &Ctx,
    q: &PeopleQuery,
) -> Result<Page<PersonView>, AppError> {
    let mut f = match q.org_id {
        Some(id) => {
            let o = s.store.org(id).await?;
            ctx.authorize(Action::ViewPerson, &Target::org(o.path.clone()))?;
            PersonFilter {
                org_path: Some(o.path),
                ..Default::default()
            }
        }
        None => people_scope(ctx)?,
    };
    f.q = q.q.clone();
    f.include_inactive = q.include_inactive.unwrap_or(false);
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let (rows, total) = s.store.people(&f, page, PER_PAGE).await?;
    let orgs = s.store.orgs_under("/").await?;
    let items = rows
        .iter()
        .map(|p| person_view(p, &orgs, false, vec![], vec![]))
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

fn person_view(
    p: &person::Model,
    orgs: &[org::Model],
    reveal: bool,
    certificates: Vec<CertificateView>,
    training: Vec<TrainingView>,
) -> PersonView {
    let roles = people::roles_of(p);
    PersonView {
        id: p.id,
        login: p.login.clone(),
        name: p.name.clone(),
        org_id: p.org_id,
        org_name: orgs
            .iter()
            .find(|o| o.id == p.org_id)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        role_labels: roles.iter().map(|r| r.label().to_owned()).collect(),
        phone: p.phone.as_deref().map(|ph| {
            if reveal {
                ph.to_owned()
            } else {
                mask::phone(ph)
            }
        }),
        phone_revealed: reveal && p.phone.is_some(),
        active: p.active,
        can_sign_in: p.password_hash.is_some(),
        certificates,
        training,
    }
}

async fn person_and_target(s: &AppState, id: i64) -> Result<(person::Model, Target), AppError> {
    let p = s.store.person(id).await?;
    let o = s.store.org(p.org_id).await?;
    Ok((p, Target::person(o.path, id)))
}

/// Check an action on a person.
pub async fn authorize_person(
    s: &AppState,
    ctx: &Ctx,
    action: Action,
    id: i64,
) -> Result<(), AppError> {
    let (_, target) = person_and_target(s, id).await?;
    ctx.authorize(action, &target)
}

/// One person. With `reveal`, the phone is shown unmasked when the policy allows, and a
/// view of someone else's personal data is recorded.
pub async fn get_person(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    reveal: bool,
) -> Result<PersonView, AppError> {
    let (p, target) = person_and_target(s, id).await?;
    ctx.authorize(Action::ViewPerson, &target)?;
    let reveal = reveal && ctx.can(Action::ViewPersonalData, &target);
    if reveal && ctx.actor.person_id() != Some(id) && p.phone.is_some() {
        let mut w = ctx.writer(s).await?;
        w.record(
            "person",
            id,
            EventKind::PersonPersonalDataViewed,
            &xiezhi_domain::payload::PersonalDataViewed {
                fields: vec!["phone".into()],
            },
        );
        w.commit().await?;
    }
    let orgs = s.store.orgs_under("/").await?;
    let certs = s
        .store
        .certificates(id)
        .await?
        .into_iter()
        .map(|c| CertificateView {
            number: c.number,
            domains: serde_json::from_str(&c.domains).unwrap_or_default(),
            valid_until: c.valid_until.to_string(),
        })
        .collect();
    let training = s
        .store
        .training(id)
        .await?
        .into_iter()
        .map(|t| TrainingView {
            year: t.year,
            hours: t.hours,
        })
        .collect();
    Ok(person_view(&p, &orgs, reveal, certs, training))
}

fn business_roles(roles: &[Role]) -> Result<(), AppError> {
    if roles.iter().any(|r| r.is_admin()) {
        return Err(AppError::invalid(
            "roles",
            "管理员角色须由安全管理员在“角色授权”中单独授予",
        ));
    }
    Ok(())
}

/// Create a person (system administrator; business roles only, no password).
pub async fn create_person(
    s: &AppState,
    ctx: &Ctx,
    input: &PersonInput,
) -> Result<person::Model, AppError> {
    let o = s
        .store
        .org(input.org_id)
        .await
        .map_err(|_| AppError::invalid("org_id", "所属机构不存在"))?;
    ctx.authorize(Action::ManagePerson, &Target::org(o.path))?;
    let login = Login::parse(input.login.as_deref().unwrap_or_default())?;
    let name = parse_name(&input.name, "name")?;
    let roles = parse_roles(&input.roles)?;
    business_roles(&roles)?;
    let phone = opt_phone(&input.phone)?;
    let mut w = ctx.writer(s).await?;
    let p = people::create(
        &mut w,
        NewPerson {
            login,
            name,
            org_id: input.org_id,
            roles,
            phone,
            password_hash: None,
        },
    )
    .await?;
    w.commit().await?;
    Ok(p)
}

/// Edit a person's basic data (not their own).
pub async fn edit_person(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &PersonInput,
) -> Result<person::Model, AppError> {
    let (p, target) = person_and_target(s, id).await?;
    ctx.authorize(Action::ManagePerson, &target)?;
    if input.org_id != p.org_id {
        let o = s
            .store
            .org(input.org_id)
            .await
            .map_err(|_| AppError::invalid("org_id", "所属机构不存在"))?;
        ctx.authorize(Action::ManagePerson, &Target::person(o.path, id))?;
    }
    let name = parse_name(&input.name, "name")?;
    let phone = opt_phone(&input.phone)?;
    let mut w = ctx.writer(s).await?;
    let p = people::edit(
        &mut w,
        id,
        PersonEdit {
            name,
            org_id: input.org_id,
            phone,
        },
    )
    .await?;
    w.commit().await?;
    Ok(p)
}

/// Deactivate or reactivate a person.
pub async fn set_person_active(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    active: bool,
) -> Result<person::Model, AppError> {
    let (p, target) = person_and_target(s, id).await?;
    ctx.authorize(Action::ManagePerson, &target)?;
    if p.active == active {
        return Ok(p);
    }
    let mut w = ctx.writer(s).await?;
    let p = people::set_active(&mut w, id, active).await?;
    w.commit().await?;
    Ok(p)
}

/// Set a person's roles (security administrator, not their own).
pub async fn set_roles(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &RolesInput,
) -> Result<person::Model, AppError> {
    let (_, target) = person_and_target(s, id).await?;
    ctx.authorize(Action::ManageAccount, &target)?;
    let roles = parse_roles(&input.roles)?;
    let mut w = ctx.writer(s).await?;
    let p = people::set_roles(&mut w, id, &roles).await?;
    w.commit().await?;
    Ok(p)
}

/// Set a person's password (security administrator, not their own); ends their sessions.
pub async fn set_password(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &PasswordInput,
) -> Result<(), AppError> {
    let (person, target) = person_and_target(s, id).await?;
    ctx.authorize(Action::ManageAccount, &target)?;
    not_an_administrator(&person)?;
    check_password_strength(&input.password, &person.login)?;
    let hash = auth::hash_password(&input.password)?;
    let mut w = ctx.writer(s).await?;
    people::set_password_hash(&mut w, id, Some(hash)).await?;
    auth::end_sessions_of(&mut w, id, None).await?;
    w.commit().await?;
    Ok(())
}

/// An administrator's (三员) password and second factor are reset at the server
/// (`xiezhi user reset`), not by another administrator in the UI: otherwise the security
/// administrator could take over the audit administrator's account.
pub(crate) fn not_an_administrator(p: &person::Model) -> Result<(), AppError> {
    if people::roles_of(p).iter().any(|r| r.is_admin()) {
        return Err(AppError::not_party(
            "account.administrator_reset_at_server",
            "管理员账号的密码和两步验证须在服务器上用 xiezhi user reset 重置",
        ));
    }
    Ok(())
}

/// The password rule ([`xiezhi_domain::password::check`]), refused by the field.
pub fn check_password_strength(password: &str, login: &str) -> Result<(), AppError> {
    xiezhi_domain::password::check(password, login)
        .map_err(|w| AppError::invalid("password", w.to_string()))
}

/// A signed-in person changes their own password (needs the old one).
pub async fn change_own_password(
    s: &AppState,
    ctx: &Ctx,
    input: &OwnPasswordInput,
) -> Result<(), AppError> {
    let p = ctx.person.clone().ok_or(AppError::Unauthenticated)?;
    let ok = p
        .password_hash
        .as_deref()
        .is_some_and(|h| auth::verify_password(h, &input.old_password));
    if !ok {
        return Err(AppError::invalid("old_password", "原密码不正确"));
    }
    check_password_strength(&input.new_password, &p.login)?;
    let hash = auth::hash_password(&input.new_password)?;
    let mut w = ctx.writer(s).await?;
    people::set_password_hash(&mut w, p.id, Some(hash)).await?;
    // Whoever else holds a session of this person (a forgotten office computer, a stolen
    // cookie) is signed out; this one goes on.
    auth::end_sessions_of(&mut w, p.id, ctx.session.as_deref()).await?;
    w.commit().await?;
    Ok(())
}

/// Failed sign-ins from one client: thirty in fifteen minutes, whatever logins they try
/// (password spraying), besides the lock of each login after five.
pub const FAILED_SIGN_INS: xiezhi_store::throttle::Throttle = xiezhi_store::throttle::Throttle {
    bucket: "login.fail",
    limit: 30,
    window_secs: 900,
};

/// Try to sign in, unless this client has failed too often ([`FAILED_SIGN_INS`]).
pub async fn sign_in(
    s: &AppState,
    meta: &crate::ctx::RequestMeta,
    login: &str,
    password: &str,
    code: Option<&str>,
) -> Result<auth::SignIn, AppError> {
    AppError::unless_throttled(
        s.store
            .throttle_peek(FAILED_SIGN_INS, &meta.client, meta.now)
            .await?,
    )?;
    let r = auth::sign_in(&s.store, login, password, code, &meta.request_id, meta.now).await?;
    if matches!(r, auth::SignIn::BadCredentials | auth::SignIn::BadCode) {
        s.store
            .throttle(FAILED_SIGN_INS, &meta.client, meta.now)
            .await?;
    }
    Ok(r)
}

/// Sign out: end the session with this cookie value (nothing to record if it had ended).
pub async fn sign_out(s: &AppState, ctx: &Ctx, secret: &str) -> Result<(), AppError> {
    let mut w = ctx.writer(s).await?;
    if auth::end_session(&mut w, secret).await? {
        w.commit().await?;
    }
    Ok(())
}

/// Lift a sign-in lock (security administrator).
pub async fn unlock(s: &AppState, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let (p, target) = person_and_target(s, id).await?;
    ctx.authorize(Action::ManageAccount, &target)?;
    let mut w = ctx.writer(s).await?;
    auth::unlock(&mut w, &p.login).await;
    w.commit().await?;
    Ok(())
}

/// Add a certificate (system administrator).
pub async fn add_certificate(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &CertificateInput,
) -> Result<(), AppError> {
    let (_, target) = person_and_target(s, id).await?;
    ctx.authorize(Action::ManagePerson, &target)?;
    let number = CertificateNumber::parse(&input.number)?;
    let valid_until = NaiveDate::parse_from_str(input.valid_until.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("valid_until", "有效期应为 YYYY-MM-DD 格式的日期"))?;
    let domains = input
        .domains
        .iter()
        .flat_map(|d| d.split([';', '；', ',', '，']))
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
        .collect();
    let mut w = ctx.writer(s).await?;
    people::add_certificate(
        &mut w,
        id,
        NewCertificate {
            number,
            domains,
            valid_until,
        },
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// Set training hours for a year (system administrator).
pub async fn set_training(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &TrainingInput,
) -> Result<(), AppError> {
    let (_, target) = person_and_target(s, id).await?;
    ctx.authorize(Action::ManagePerson, &target)?;
    let mut w = ctx.writer(s).await?;
    people::set_training(&mut w, id, input.year, input.hours).await?;
    w.commit().await?;
    Ok(())
}

// ---- import ----

/// Which import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Orgs.
    Orgs,
    /// People.
    People,
}

/// Import a CSV file into the actor's government.
pub async fn import_csv(
    s: &AppState,
    ctx: &Ctx,
    kind: ImportKind,
    text: &str,
) -> Result<usize, AppError> {
    let scope = ctx.actor.government_path.clone();
    let action = match kind {
        ImportKind::Orgs => Action::ManageOrg,
        ImportKind::People => Action::ManagePerson,
    };
    ctx.authorize(action, &Target::org(scope.clone()))?;
    let w = ctx.writer(s).await?;
    let n = match kind {
        ImportKind::Orgs => import::import_orgs(&s.store, w, text, &scope).await?,
        ImportKind::People => import::import_people(&s.store, w, text, &scope).await?,
    };
    Ok(n)
}

// ---- events ----

fn day_start(d: &str, field: &str) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    let date = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "日期应为 YYYY-MM-DD"))?;
    let beijing =
        chrono::FixedOffset::east_opt(8 * 3600).ok_or_else(|| AppError::Internal("tz".into()))?;
    date.and_hms_opt(0, 0, 0)
        .and_then(|dt| dt.and_local_timezone(beijing).single())
        .map(|dt| dt.with_timezone(&chrono::Utc))
        .ok_or_else(|| AppError::invalid(field, "日期无效"))
}

/// Read the record (auditors), limited to events by actors of the auditor's government
/// (and platform events for auditors of the top government).
pub async fn list_events(
    s: &AppState,
    ctx: &Ctx,
    q: &EventQuery,
) -> Result<Page<EventView>, AppError> {
    let filter = event_filter(s, ctx, q).await?;
    events_page(s, &filter, q.page).await
}

/// The record as the viewer may read it, filtered as asked.
async fn event_filter(s: &AppState, ctx: &Ctx, q: &EventQuery) -> Result<EventFilter, AppError> {
    let gov = ctx.actor.government_path.clone();
    ctx.authorize(Action::ViewEvents, &Target::org(gov.clone()))?;
    let top = s.store.top_org().await?;
    let orgs = if top.is_some_and(|t| t.path == gov) {
        None
    } else {
        Some(
            s.store
                .orgs_under(&gov)
                .await?
                .iter()
                .map(|o| o.id)
                .collect(),
        )
    };
    Ok(EventFilter {
        subject_type: q.subject_type.clone().filter(|v| !v.is_empty()),
        subject_id: q.subject_id.clone().filter(|v| !v.is_empty()),
        actor: q.actor.clone().filter(|v| !v.is_empty()),
        kind: q.kind.clone().filter(|v| !v.is_empty()),
        kinds: None,
        orgs,
        from: match q.from.as_deref().filter(|v| !v.is_empty()) {
            Some(d) => Some(day_start(d, "from")?),
            None => None,
        },
        to: match q.to.as_deref().filter(|v| !v.is_empty()) {
            Some(d) => Some(day_start(d, "to")? + chrono::Duration::days(1)),
            None => None,
        },
    })
}

async fn events_page(
    s: &AppState,
    filter: &EventFilter,
    page: Option<u64>,
) -> Result<Page<EventView>, AppError> {
    let page = page.unwrap_or(1).clamp(1, 100_000);
    let (rows, total) = s.store.list_events(filter, page, PER_PAGE).await?;
    Ok(Page {
        items: event_views(s, rows).await?,
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// The security log (安全审计日志): the record's security kinds ([`EventKind::SECURITY`]) —
/// sign-ins and failures, accounts and rights, tokens, views and exports of personal data.
/// Failed sign-ins carry no org, so a county's log shows them only to the top government.
async fn security_filter(s: &AppState, ctx: &Ctx, q: &EventQuery) -> Result<EventFilter, AppError> {
    let mut f = event_filter(s, ctx, q).await?;
    if let Some(k) = &f.kind
        && !EventKind::SECURITY.iter().any(|s| s.as_str() == k)
    {
        return Err(AppError::invalid("kind", "不是安全日志中的事件类型"));
    }
    f.kinds = Some(
        EventKind::SECURITY
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect(),
    );
    Ok(f)
}

/// A page of the security log.
pub async fn security_log(
    s: &AppState,
    ctx: &Ctx,
    q: &EventQuery,
) -> Result<Page<EventView>, AppError> {
    let filter = security_filter(s, ctx, q).await?;
    events_page(s, &filter, q.page).await
}

/// Rows one export may hold.
pub const EXPORT_LIMIT: u64 = 50_000;

/// The security log as CSV (UTF-8 with BOM, for spreadsheet programs), newest first, up to
/// [`EXPORT_LIMIT`] rows; the export itself is recorded (`security_log.exported`).
pub async fn export_security_log(
    s: &AppState,
    ctx: &Ctx,
    q: &EventQuery,
) -> Result<Vec<u8>, AppError> {
    let filter = security_filter(s, ctx, q).await?;
    let (rows, _) = s.store.list_events(&filter, 1, EXPORT_LIMIT).await?;
    let views = event_views(s, rows).await?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| AppError::Internal(e.to_string());
    out.write_record([
        "序号",
        "时间",
        "事件",
        "操作人",
        "对象",
        "请求编号",
        "内容",
        "哈希",
    ])
    .map_err(fail)?;
    for e in &views {
        out.write_record([
            e.seq.to_string().as_str(),
            &e.at_text,
            &e.kind_label,
            &e.actor_name,
            &e.subject_text,
            &e.request_id,
            &e.payload.to_string(),
            &e.hash,
        ])
        .map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut w = ctx.writer(s).await?;
    w.record(
        "security_log",
        ctx.actor.org_id,
        EventKind::SecurityLogExported,
        &xiezhi_domain::payload::SecurityLogExported {
            from: q.from.clone().filter(|v| !v.is_empty()),
            to: q.to.clone().filter(|v| !v.is_empty()),
            rows: views.len(),
        },
    );
    w.commit().await?;
    Ok(bytes)
}

// ---- tokens ----

/// Tokens of the actor's government (security administrator).
pub async fn list_tokens(s: &AppState, ctx: &Ctx) -> Result<Vec<TokenView>, AppError> {
    let gov = ctx.actor.government_path.clone();
    ctx.authorize(Action::ManageToken, &Target::org(gov.clone()))?;
    Ok(s.store
        .tokens_under(&gov)
        .await?
        .iter()
        .map(TokenView::from)
        .collect())
}

/// Create a token; returns it with its secret (shown once).
pub async fn create_token(
    s: &AppState,
    ctx: &Ctx,
    input: &TokenInput,
) -> Result<(TokenView, String), AppError> {
    let org_id = match input.org_id {
        Some(id) => id,
        None => s
            .store
            .orgs_under(&ctx.actor.government_path)
            .await?
            .first()
            .map(|o| o.id)
            .ok_or(AppError::NotFound("机构"))?,
    };
    let o = s
        .store
        .org(org_id)
        .await
        .map_err(|_| AppError::invalid("org_id", "机构不存在"))?;
    ctx.authorize(Action::ManageToken, &Target::org(o.path))?;
    let mut scopes = vec![];
    for n in &input.scopes {
        scopes.push(
            TokenScope::parse(n)
                .ok_or_else(|| AppError::invalid("scopes", format!("未知的令牌范围：{n}")))?,
        );
    }
    let mut w = ctx.writer(s).await?;
    let (t, secret) = auth::create_token(&mut w, org_id, &input.name, &scopes).await?;
    w.commit().await?;
    Ok((TokenView::from(&t), secret))
}

/// Revoke a token.
pub async fn revoke_token(s: &AppState, ctx: &Ctx, id: i64) -> Result<TokenView, AppError> {
    let t = s.store.token(id).await?;
    let o = s.store.org(t.org_id).await?;
    ctx.authorize(Action::ManageToken, &Target::org(o.path))?;
    let mut w = ctx.writer(s).await?;
    let t = auth::revoke_token(&mut w, id).await?;
    w.commit().await?;
    Ok(TokenView::from(&t))
}
