//! Two-factor sign-in (两步验证) for one's own account: enrolment with an authenticator app
//! (a QR code of the secret; a code from the app proves it holds it), recovery codes shown
//! once, and the security administrator's reset for a lost phone. Administrators (三员) must
//! enrol before anything else ([`must_enrol`]).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xiezhi_domain::{Action, Target, totp};
use xiezhi_store::auth;

/// A new secret for the authenticator app.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Enrolment {
    /// The secret (base32), to type into the app when the QR code cannot be scanned.
    pub secret: String,
    /// The `otpauth://` address the QR code carries.
    pub uri: String,
    /// The QR code, as SVG.
    pub qr_svg: String,
}

/// Turning it on: the secret shown and a code from the app.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct EnableInput {
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub code: String,
}

/// Turned on: the recovery codes, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Enabled {
    pub recovery_codes: Vec<String>,
}

/// Whether two-factor sign-in is on, since when, and how many recovery codes are left.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Status {
    pub enabled: bool,
    /// Beijing time it was turned on.
    pub enabled_at: Option<String>,
    pub recovery_codes_left: usize,
    /// The person must turn it on before anything else (an administrator).
    pub required: bool,
}

fn me(ctx: &Ctx) -> Result<&xiezhi_store::entities::person::Model, AppError> {
    ctx.person.as_ref().ok_or(AppError::Unauthenticated)
}

/// Whether this signed-in administrator (三员) has yet to turn on two-factor sign-in.
pub async fn must_enrol(s: &AppState, ctx: &Ctx) -> Result<bool, AppError> {
    let Some(p) = &ctx.person else {
        return Ok(false);
    };
    if !s.second_factor_for_admins
        || !xiezhi_store::people::roles_of(p)
            .iter()
            .any(|r| r.is_admin())
    {
        return Ok(false);
    }
    Ok(auth::second_factor_of(&s.store, p.id).await?.is_none())
}

/// One's own status.
pub async fn status(s: &AppState, ctx: &Ctx) -> Result<Status, AppError> {
    let p = me(ctx)?;
    let f = auth::second_factor_of(&s.store, p.id).await?;
    let required = must_enrol(s, ctx).await?;
    Ok(Status {
        enabled: f.is_some(),
        enabled_at: f.as_ref().map(|f| crate::beijing_time(f.enabled_at)),
        recovery_codes_left: f
            .map(|f| {
                serde_json::from_str::<Vec<String>>(&f.recovery_codes)
                    .map(|v| v.len())
                    .unwrap_or(0)
            })
            .unwrap_or(0),
        required,
    })
}

/// A new secret for one's authenticator app (nothing is stored until a code proves it).
pub fn new_enrolment(ctx: &Ctx) -> Result<Enrolment, AppError> {
    let p = me(ctx)?;
    let mut random = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut random);
    enrolment(totp::secret_from(random), &p.login)
}

/// The enrolment of a secret: its address and QR code.
pub fn enrolment(secret: String, login: &str) -> Result<Enrolment, AppError> {
    let uri = totp::uri(&secret, login);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| AppError::Internal(e.to_string()))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(Enrolment {
        secret,
        uri,
        qr_svg,
    })
}

/// Turn it on: the code must come from the secret now; the recovery codes are made here and
/// shown once.
pub async fn enable(s: &AppState, ctx: &Ctx, input: &EnableInput) -> Result<Enabled, AppError> {
    let p = me(ctx)?;
    let secret = input.secret.trim().to_ascii_uppercase();
    if secret.len() != 32 || !secret.chars().all(|c| matches!(c, 'A'..='Z' | '2'..='7')) {
        return Err(AppError::invalid("secret", "密钥无效，请刷新页面重新开始"));
    }
    let unix = u64::try_from(ctx.now().timestamp()).unwrap_or(0);
    let step = totp::matching_step(&secret, &input.code, unix, None).ok_or_else(|| {
        AppError::invalid(
            "code",
            "动态口令不正确：请输入验证器中当前显示的6位数字（手机时间须准确）",
        )
    })?;
    let codes: Vec<String> = (0..totp::RECOVERY_CODES)
        .map(|_| {
            let mut r = [0u8; 12];
            rand::rngs::OsRng.fill_bytes(&mut r);
            totp::recovery_code(r)
        })
        .collect();
    let mut w = ctx.writer(s).await?;
    auth::enable_second_factor(&mut w, p.id, &secret, step, &codes).await?;
    w.commit().await?;
    Ok(Enabled {
        recovery_codes: codes,
    })
}

/// Reset a person's second factor (security administrator; a lost phone): they enrol again
/// at their next sign-in, and their sessions end.
pub async fn reset(s: &AppState, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let p = s.store.person(id).await?;
    let o = s.store.org(p.org_id).await?;
    ctx.authorize(Action::ManageAccount, &Target::person(o.path, id))?;
    crate::ops::not_an_administrator(&p)?;
    let mut w = ctx.writer(s).await?;
    auth::reset_second_factor(&mut w, id).await?;
    w.commit().await?;
    Ok(())
}
