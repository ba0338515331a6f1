//! Sign-in: passwords (argon2), sessions, login throttling and API tokens. Secrets are
//! never stored: sessions and tokens are kept as their SM3 digest.

use crate::entities::{api_token, person, second_factor, session};
use crate::record::RecordContext;
use crate::{Store, StoreError, Writer};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use xiezhi_domain::EventKind;
use xiezhi_domain::payload;
use xiezhi_domain::policy::ActorId;
use xiezhi_domain::{Actor, TokenScope};

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 8;
/// Failed sign-ins in a row that lock a login.
pub const MAX_FAILURES: usize = 5;
/// How long a lock lasts after the last failure.
pub const LOCK_MINUTES: i64 = 15;

const LOGIN_FAILED: EventKind = EventKind::AuthLoginFailed;
const LOGIN_SUCCEEDED: EventKind = EventKind::AuthLoginSucceeded;
const LOGIN_UNLOCKED: EventKind = EventKind::AuthUnlocked;

/// Hash a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    if password.chars().count() < 4 {
        return Err(StoreError::invalid("password", "密码至少4个字符"));
    }
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Config(format!("密码哈希失败：{e}")))
}

/// Whether a password matches an argon2 hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash no password is known for: what an unknown login's password is checked against.
static NOBODY: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&new_secret("nobody-")).unwrap_or_default());

/// A new random secret (hex) with a prefix.
fn new_secret(prefix: &str) -> String {
    let mut b = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut b);
    format!("{prefix}{}", hex::encode(b))
}

/// SM3 digest (hex) of a secret: what the database keeps.
pub fn digest(secret: &str) -> String {
    xiezhi_domain::sm3_hex(secret.as_bytes())
}

/// The outcome of a sign-in attempt.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the cookie value and the person.
    Ok {
        /// The session secret to put in the cookie.
        session: String,
        /// Who.
        person: person::Model,
    },
    /// Wrong login or password (deliberately not saying which).
    BadCredentials,
    /// Login and password right; the person has two-factor sign-in and sent no code.
    CodeRequired,
    /// Login and password right, the code wrong, used before or expired (recorded as a
    /// failure: five lock the login).
    BadCode,
    /// Too many failures: locked until then.
    Locked {
        /// When the lock ends.
        until: DateTime<Utc>,
    },
}

/// Whether a login is locked now, and until when.
pub async fn locked_until(
    store: &Store,
    login: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let recent = store
        .recent_events(
            "login",
            login,
            &[LOGIN_FAILED, LOGIN_SUCCEEDED, LOGIN_UNLOCKED],
            MAX_FAILURES as u64,
        )
        .await?;
    if recent.len() == MAX_FAILURES && recent.iter().all(|e| e.kind == LOGIN_FAILED.as_str()) {
        let until = recent[0].at + Duration::minutes(LOCK_MINUTES);
        if until > now {
            return Ok(Some(until));
        }
    }
    Ok(None)
}

/// The login name as tried and recorded: a name no account could have (longer than 32, or
/// with other characters) is cut short and its other characters replaced, so a request
/// without a sign-in writes nothing long or strange into the permanent record.
fn tried_login(login: &str) -> String {
    let lower = login.trim().to_ascii_lowercase();
    let mut out: String = lower
        .chars()
        .take(32)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '?'
            }
        })
        .collect();
    if lower.chars().count() > 32 {
        out.pop();
        out.push('…');
    }
    out
}

/// Try to sign in. Every attempt is recorded (subject `login`, the login name as
/// [`tried_login`] keeps it).
pub async fn sign_in(
    store: &Store,
    login: &str,
    password: &str,
    code: Option<&str>,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<SignIn, StoreError> {
    let login = tried_login(login);
    let anon = RecordContext {
        actor: "anonymous".into(),
        org: None,
        request_id: request_id.into(),
        at: now,
    };
    if let Some(until) = locked_until(store, &login, now).await? {
        let mut w = store.begin_write(anon).await?;
        w.record(
            "login",
            &login,
            EventKind::AuthLoginLocked,
            &payload::NoDetails {},
        );
        w.commit().await?;
        return Ok(SignIn::Locked { until });
    }
    let person = store.person_by_login(&login).await?;
    // A password is checked against a hash whether or not the login exists, so the time of
    // the answer does not tell which logins do (登录名枚举).
    let hash = person
        .as_ref()
        .filter(|p| p.active)
        .and_then(|p| p.password_hash.as_deref());
    let matches = verify_password(hash.unwrap_or(&NOBODY), password);
    let ok = hash.is_some() && matches;
    let Some(person) = person.filter(|_| ok) else {
        let mut w = store.begin_write(anon).await?;
        w.record("login", &login, LOGIN_FAILED, &payload::NoDetails {});
        w.commit().await?;
        return Ok(SignIn::BadCredentials);
    };
    let factor = second_factor::Entity::find_by_id(person.id)
        .one(store.db())
        .await?;
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    if factor.is_some() && code.is_none() {
        return Ok(SignIn::CodeRequired);
    }
    let mut w = store
        .begin_write(RecordContext {
            actor: format!("person:{}", person.id),
            org: Some(person.org_id),
            ..anon
        })
        .await?;
    if let (Some(f), Some(code)) = (factor, code)
        && !accept_code(&mut w, f, code, now).await?
    {
        w.record("login", &login, LOGIN_FAILED, &payload::NoDetails {});
        w.commit().await?;
        return Ok(SignIn::BadCode);
    }
    let secret = new_secret("");
    session::ActiveModel {
        id: Set(digest(&secret)),
        person_id: Set(person.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(SESSION_HOURS)),
        ended_at: Set(None),
        last_seen_at: Set(Some(now)),
    }
    .insert(w.txn())
    .await?;
    w.record(
        "login",
        &login,
        LOGIN_SUCCEEDED,
        &payload::LoginSucceeded {
            person_id: person.id,
        },
    );
    w.commit().await?;
    Ok(SignIn::Ok {
        session: secret,
        person,
    })
}

/// Accept a second-factor code: a TOTP code for a step later than the last one used, or an
/// unused recovery code (then used up). The row changes in the sign-in's write.
async fn accept_code(
    w: &mut Writer,
    f: second_factor::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let unix = u64::try_from(now.timestamp()).unwrap_or(0);
    let last = f.last_step.and_then(|s| u64::try_from(s).ok());
    // Each update only applies to the row as read: two sign-ins racing with one code (or
    // one recovery code) cannot both win.
    if let Some(step) = xiezhi_domain::totp::matching_step(&f.secret, code, unix, last) {
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let done = second_factor::Entity::update_many()
            .col_expr(second_factor::Column::LastStep, Expr::value(step))
            .filter(second_factor::Column::PersonId.eq(f.person_id))
            .filter(
                sea_orm::Condition::any()
                    .add(second_factor::Column::LastStep.is_null())
                    .add(second_factor::Column::LastStep.lt(step)),
            )
            .exec(w.txn())
            .await?;
        return Ok(done.rows_affected == 1);
    }
    let mut codes: Vec<String> = serde_json::from_str(&f.recovery_codes).unwrap_or_default();
    let d = digest(&xiezhi_domain::totp::normalize(code));
    if let Some(i) = codes.iter().position(|c| *c == d) {
        codes.remove(i);
        let done = second_factor::Entity::update_many()
            .col_expr(
                second_factor::Column::RecoveryCodes,
                Expr::value(serde_json::to_string(&codes).unwrap_or_else(|_| "[]".into())),
            )
            .filter(second_factor::Column::PersonId.eq(f.person_id))
            .filter(second_factor::Column::RecoveryCodes.eq(f.recovery_codes.clone()))
            .exec(w.txn())
            .await?;
        return Ok(done.rows_affected == 1);
    }
    Ok(false)
}

/// A person's second factor, if turned on.
pub async fn second_factor_of(
    store: &Store,
    person_id: i64,
) -> Result<Option<second_factor::Model>, StoreError> {
    Ok(second_factor::Entity::find_by_id(person_id)
        .one(store.db())
        .await?)
}

/// Turn on two-factor sign-in with a secret the person's app has shown it holds (the code
/// checked by the caller, at `step`); the recovery codes are kept as digests. Returns
/// nothing to show: the caller shows the codes it made, once.
pub async fn enable_second_factor(
    w: &mut Writer,
    person_id: i64,
    secret: &str,
    step: u64,
    recovery_codes: &[String],
) -> Result<(), StoreError> {
    if second_factor::Entity::find_by_id(person_id)
        .one(w.txn())
        .await?
        .is_some()
    {
        return Err(StoreError::conflict(
            "second_factor.already_enabled",
            "已开启两步验证；如需更换手机，请先由安全管理员重置",
        ));
    }
    let digests: Vec<String> = recovery_codes
        .iter()
        .map(|c| digest(&xiezhi_domain::totp::normalize(c)))
        .collect();
    second_factor::ActiveModel {
        person_id: Set(person_id),
        secret: Set(secret.to_owned()),
        last_step: Set(Some(i64::try_from(step).unwrap_or(i64::MAX))),
        recovery_codes: Set(serde_json::to_string(&digests).unwrap_or_else(|_| "[]".into())),
        enabled_at: Set(w.now()),
    }
    .insert(w.txn())
    .await?;
    w.record(
        "person",
        person_id,
        EventKind::PersonSecondFactorEnabled,
        &payload::NoDetails {},
    );
    Ok(())
}

/// Turn two-factor sign-in off for a person (a lost phone; the security administrator), so
/// they enrol again; their sessions end.
pub async fn reset_second_factor(w: &mut Writer, person_id: i64) -> Result<(), StoreError> {
    second_factor::Entity::delete_by_id(person_id)
        .exec(w.txn())
        .await?;
    end_sessions_of(w, person_id, None).await?;
    w.record(
        "person",
        person_id,
        EventKind::PersonSecondFactorReset,
        &payload::NoDetails {},
    );
    Ok(())
}

/// Lift a sign-in lock (security administrator).
pub async fn unlock(w: &mut Writer, login: &str) {
    w.record("login", login, LOGIN_UNLOCKED, &payload::NoDetails {});
}

/// The live session for a cookie value, with its person (active only). A session unused for
/// `idle` has ended, besides its fixed limit. Using it notes the time (to the minute: at most
/// one small write a minute per session, outside the record — it is not a business fact).
pub async fn session_person(
    store: &Store,
    secret: &str,
    now: DateTime<Utc>,
    idle: Duration,
) -> Result<Option<(session::Model, person::Model)>, StoreError> {
    let Some(s) = session::Entity::find_by_id(digest(secret))
        .one(store.db())
        .await?
    else {
        return Ok(None);
    };
    let seen = s.last_seen_at.unwrap_or(s.created_at);
    if s.ended_at.is_some() || s.expires_at <= now || seen + idle <= now {
        return Ok(None);
    }
    if now - seen >= Duration::minutes(1) {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(s.id.clone()))
            .exec(store.db())
            .await?;
    }
    let p = store.person(s.person_id).await?;
    Ok(p.active.then_some((s, p)))
}

/// End one session (sign out). Returns whether a live session was ended.
pub async fn end_session(w: &mut Writer, secret: &str) -> Result<bool, StoreError> {
    if let Some(s) = session::Entity::find_by_id(digest(secret))
        .one(w.txn())
        .await?
        && s.ended_at.is_none()
    {
        let pid = s.person_id;
        let mut am: session::ActiveModel = s.into();
        am.ended_at = Set(Some(w.now()));
        am.update(w.txn()).await?;
        w.record("person", pid, EventKind::AuthLogout, &payload::NoDetails {});
        return Ok(true);
    }
    Ok(false)
}

/// End the sessions of a person (on deactivation or a password reset: all; on changing one's
/// own password: all but the one `keep`, by its id).
pub async fn end_sessions_of(
    w: &mut Writer,
    person_id: i64,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    let live = session::Entity::find()
        .filter(session::Column::PersonId.eq(person_id))
        .filter(session::Column::EndedAt.is_null())
        .all(w.txn())
        .await?
        .into_iter()
        .filter(|s| Some(s.id.as_str()) != keep);
    let now = w.now();
    for s in live {
        let mut am: session::ActiveModel = s.into();
        am.ended_at = Set(Some(now));
        am.update(w.txn()).await?;
    }
    Ok(())
}

/// Create an API token; returns the row and the token text (shown once, never stored).
pub async fn create_token(
    w: &mut Writer,
    org_id: i64,
    name: &str,
    scopes: &[TokenScope],
) -> Result<(api_token::Model, String), StoreError> {
    if scopes.is_empty() {
        return Err(StoreError::invalid("scopes", "至少选择一个令牌范围"));
    }
    let name = xiezhi_domain::codes::parse_name(name, "name")?;
    crate::entities::org::Entity::find_by_id(org_id)
        .one(w.txn())
        .await?
        .ok_or_else(|| StoreError::invalid("org", "机构不存在"))?;
    let secret = new_secret("xz_");
    let scope_names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let m = api_token::ActiveModel {
        org_id: Set(org_id),
        name: Set(name),
        scopes: Set(serde_json::Value::from(scope_names.clone()).to_string()),
        token_hash: Set(digest(&secret)),
        created_at: Set(w.now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "api_token",
        m.id,
        EventKind::TokenCreated,
        &payload::TokenCreated {
            org_id,
            name: m.name.clone(),
            scopes: scope_names.iter().map(|s| s.to_string()).collect(),
        },
    );
    Ok((m, secret))
}

/// Revoke an API token.
pub async fn revoke_token(w: &mut Writer, id: i64) -> Result<api_token::Model, StoreError> {
    let t = api_token::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("令牌"))?;
    if t.revoked_at.is_some() {
        return Ok(t);
    }
    let mut am: api_token::ActiveModel = t.into();
    am.revoked_at = Set(Some(w.now()));
    let m = am.update(w.txn()).await?;
    w.record(
        "api_token",
        id,
        EventKind::TokenRevoked,
        &payload::NoDetails {},
    );
    Ok(m)
}

/// Scopes of a token row.
pub fn scopes_of(t: &api_token::Model) -> Vec<TokenScope> {
    serde_json::from_str::<Vec<String>>(&t.scopes)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| TokenScope::parse(s))
        .collect()
}

impl Store {
    /// A live (not revoked) token by its text.
    pub async fn token_by_secret(
        &self,
        secret: &str,
    ) -> Result<Option<api_token::Model>, StoreError> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(digest(secret)))
            .filter(api_token::Column::RevokedAt.is_null())
            .one(self.db())
            .await?)
    }

    /// Tokens of orgs under a path.
    pub async fn tokens_under(&self, path: &str) -> Result<Vec<api_token::Model>, StoreError> {
        let ids: Vec<i64> = self.orgs_under(path).await?.iter().map(|o| o.id).collect();
        Ok(api_token::Entity::find()
            .filter(api_token::Column::OrgId.is_in(ids))
            .order_by_desc(api_token::Column::Id)
            .all(self.db())
            .await?)
    }

    /// One token row.
    pub async fn token(&self, id: i64) -> Result<api_token::Model, StoreError> {
        api_token::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("令牌"))
    }

    /// The policy's view of a person.
    pub async fn actor_for_person(&self, p: &person::Model) -> Result<Actor, StoreError> {
        let org = self.org(p.org_id).await?;
        let gov = self.government_of(&org).await?;
        Ok(Actor {
            id: ActorId::Person(p.id),
            org_id: org.id,
            org_path: org.path,
            government_path: gov.path,
            roles: crate::people::roles_of(p),
            token_scopes: vec![],
        })
    }

    /// The policy's view of an API token.
    pub async fn actor_for_token(&self, t: &api_token::Model) -> Result<Actor, StoreError> {
        let org = self.org(t.org_id).await?;
        let gov = self.government_of(&org).await?;
        Ok(Actor {
            id: ActorId::Token(t.id),
            org_id: org.id,
            org_path: org.path,
            government_path: gov.path,
            roles: vec![xiezhi_domain::Role::System],
            token_scopes: scopes_of(t),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::tried_login;

    #[test]
    fn a_login_no_account_could_have_is_recorded_short_and_plain() {
        assert_eq!(tried_login(" Zhang.San "), "zhang.san");
        assert_eq!(tried_login("a\u{0}b<script>"), "a?b?script?");
        let long = tried_login(&"x".repeat(1_000_000));
        assert_eq!(long.chars().count(), 32);
        assert!(long.ends_with('…'), "never a valid login: {long}");
    }
}
