//! Operations on leads: intake (people and other systems, idempotent), reading (reporters
//! masked outside the receiving org), signing for.

use super::{PER_PAGE, Page};
use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiezhi_domain::lead::{Channel, LeadFields, LeadStatus, Satisfaction};
use xiezhi_domain::transfer::{Material, MaterialFields};
use xiezhi_domain::{Action, Target, mask};
use xiezhi_store::entities::{lead, org};
use xiezhi_store::leads::{self, Receipt};
use xiezhi_store::throttle::Throttle;

/// A lead as submitted (JSON).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct LeadInputBody {
    /// `patrol`, `grid`, `complaint`, `hotline`, `superior_supervision`, `media`, `video_ai`, `department`, `open311`.
    pub channel: String,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub text: String,
    #[serde(default)]
    pub address: String,
    /// Division code of the place (or give `lon` and `lat` inside a loaded boundary).
    pub division_code: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Suggested catalog item.
    pub item_code: Option<String>,
    #[serde(default)]
    pub urgent: bool,
    /// Photos: SM3 digests of files uploaded first to `/api/v1/attachments`.
    #[serde(default)]
    pub photos: Vec<String>,
}

/// A lead as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadView {
    pub id: i64,
    pub tracking_number: String,
    pub channel: String,
    pub channel_label: String,
    /// Masked unless the viewer's org received the lead.
    pub reporter_name: Option<String>,
    /// Masked unless the viewer's org received the lead.
    pub reporter_phone: Option<String>,
    pub text: String,
    pub address: String,
    pub division_code: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub item_code: Option<String>,
    pub urgent: bool,
    pub received_org_id: i64,
    pub received_at: String,
    pub status: String,
    pub status_label: String,
    pub duplicate_of: Option<i64>,
    /// The org holding first responsibility now.
    pub holder_org_id: i64,
    /// The reply to the reporter (final, or the notice of a referral).
    pub reply: Option<String>,
    pub replied_at: Option<String>,
    /// What came of it (`LeadOutcome`: `rectified`, `case_filed`…).
    pub outcome: Option<String>,
    /// What came of it, in words (已整改到位).
    pub outcome_label: Option<String>,
    /// The reporter's rating.
    pub satisfaction: Option<String>,
    /// Returns and re-routes since the last acceptance.
    pub bounces: i32,
    /// Times the reporter said "not fixed".
    pub reopened: i32,
    /// The department's lead this township lead was referred from.
    pub referred_from: Option<i64>,
}

/// A stored outcome in words.
pub(crate) fn outcome_label(outcome: &Option<String>) -> Option<String> {
    outcome
        .as_deref()
        .and_then(xiezhi_domain::lead::LeadOutcome::parse)
        .map(|o| o.label().to_owned())
}

/// A lead as shown; the reporter masked unless `unmasked`.
pub(crate) fn view(l: &lead::Model, unmasked: bool) -> LeadView {
    LeadView {
        id: l.id,
        tracking_number: l.tracking_number.clone(),
        channel: l.channel.clone(),
        channel_label: Channel::parse(&l.channel)
            .map(|c| c.label().to_owned())
            .unwrap_or_default(),
        reporter_name: l.reporter_name.as_deref().map(|n| {
            if unmasked {
                n.to_owned()
            } else {
                mask::name(n)
            }
        }),
        reporter_phone: l.reporter_phone.as_deref().map(|p| {
            if unmasked {
                p.to_owned()
            } else {
                mask::phone(p)
            }
        }),
        text: l.text.clone(),
        address: l.address.clone(),
        division_code: l.division_code.clone(),
        lon: l.lon,
        lat: l.lat,
        item_code: l.item_code.clone(),
        urgent: l.urgent,
        received_org_id: l.received_org_id,
        received_at: beijing_time(l.received_at),
        status: l.status.clone(),
        status_label: LeadStatus::parse(&l.status)
            .map(|s| s.label().to_owned())
            .unwrap_or_default(),
        duplicate_of: l.duplicate_of,
        holder_org_id: l.holder(),
        reply: l.reply.clone(),
        outcome: l.outcome.clone(),
        outcome_label: outcome_label(&l.outcome),
        replied_at: l.replied_at.map(beijing_time),
        satisfaction: l.satisfaction.clone(),
        bounces: l.bounces,
        reopened: l.reopened,
        referred_from: l.referred_from,
    }
}

/// Register a lead received by the caller's org. With an idempotency key (other systems), a
/// retried submission returns the first lead and creates nothing. Returns the lead and
/// whether it was created.
pub async fn submit(
    s: &AppState,
    ctx: &Ctx,
    body: &LeadInputBody,
    idempotency_key: Option<String>,
) -> Result<(LeadView, bool), AppError> {
    ctx.authorize(Action::SubmitLead, &Target::org(ctx.actor.org_path.clone()))?;
    if let Some(k) = &idempotency_key
        && (k.is_empty() || k.len() > 100)
    {
        return Err(AppError::invalid(
            "idempotency_key",
            "Idempotency-Key 应为1至100个字符",
        ));
    }
    let fields = LeadFields {
        channel: body.channel.clone(),
        reporter_name: body.reporter_name.clone(),
        reporter_phone: body.reporter_phone.clone(),
        text: body.text.clone(),
        address: body.address.clone(),
        division_code: body.division_code.clone(),
        lon: body.lon,
        lat: body.lat,
        item_code: body.item_code.clone(),
        urgent: body.urgent,
    };
    let mut input = fields.parse()?;
    if input.division_code.is_none()
        && let Some((lon, lat)) = input.point
        && let Some(b) = s.store.boundary_index().await?.locate(lon, lat)
    {
        input.division_code = xiezhi_domain::DivisionCode::parse(&b.division_code).ok();
    }
    let token_id = match ctx.actor.id {
        xiezhi_domain::policy::ActorId::Token(id) => Some(id),
        _ => None,
    };
    let receipt = Receipt {
        org_id: ctx.actor.org_id,
        person_id: ctx.actor.person_id(),
        token_id,
        idempotency_key: if token_id.is_some() {
            idempotency_key
        } else {
            None
        },
    };
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    super::attachments::may_name(s, ctx, body.photos.iter().map(String::as_str)).await?;
    let mut w = ctx.writer(s).await?;
    let r = leads::intake(&mut w, env, input, receipt).await?;
    if r.created {
        let photos = photos(&body.photos)?;
        xiezhi_store::transfers::attach(&mut w, "lead", r.lead.id, &photos, Some(ctx.actor.org_id))
            .await?;
        w.commit().await?;
    }
    Ok((view(&r.lead, true), r.created))
}

/// Photos of a lead as materials.
fn photos(digests: &[String]) -> Result<Vec<Material>, AppError> {
    if digests.len() > 20 {
        return Err(AppError::invalid("photos", "照片不能超过20张"));
    }
    digests
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Ok(MaterialFields {
                kind: "source".into(),
                title: format!("现场照片{}", i + 1),
                digest: Some(d.clone()),
            }
            .parse()?)
        })
        .collect()
}

/// The orgs handling a lead: the receiver, the holder and every transfer's receiver. People
/// of these orgs see the reporter unmasked; people who may see any of them see the lead.
pub(crate) async fn lead_orgs(s: &AppState, l: &lead::Model) -> Result<Vec<org::Model>, AppError> {
    let mut ids = vec![l.received_org_id, l.holder()];
    for t in s.store.transfers_of_lead(l.id).await? {
        ids.push(t.to_org_id);
    }
    ids.sort_unstable();
    ids.dedup();
    let mut out = vec![];
    for id in ids {
        out.push(s.store.org(id).await?);
    }
    Ok(out)
}

/// One lead (reporter unmasked only for the handling orgs).
pub async fn get(s: &AppState, ctx: &Ctx, id: i64) -> Result<LeadView, AppError> {
    let l = s.store.lead(id).await?;
    let orgs = lead_orgs(s, &l).await?;
    if !orgs
        .iter()
        .any(|o| ctx.can(Action::ViewLead, &Target::org(o.path.clone())))
    {
        ctx.authorize(Action::ViewLead, &Target::org(orgs[0].path.clone()))?;
    }
    let unmasked = orgs.iter().any(|o| o.id == ctx.actor.org_id);
    Ok(view(&l, unmasked))
}

/// Query of the lead list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct LeadQuery {
    pub page: Option<u64>,
    /// Only the leads received or held by this org (within reach).
    pub org: Option<i64>,
    /// Only leads not yet closed (`true`).
    pub open: Option<bool>,
}

/// Leads held by orgs in reach (see [`Ctx::list_scope`]), newest first.
pub async fn list(s: &AppState, ctx: &Ctx, q: &LeadQuery) -> Result<Page<LeadView>, AppError> {
    let a = &ctx.actor;
    let mut orgs = ctx.list_scope(Action::ViewLead)?.org_ids(&s.store).await?;
    if let Some(o) = q.org {
        if !orgs.contains(&o) {
            return Err(AppError::Forbidden(xiezhi_domain::Refusal::OutOfScope));
        }
        orgs = vec![o];
    }
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let (rows, total) = s
        .store
        .leads_of(&orgs, q.open.unwrap_or(false), page, PER_PAGE)
        .await?;
    Ok(Page {
        items: rows
            .iter()
            .map(|l| view(l, l.received_org_id == a.org_id || l.holder() == a.org_id))
            .collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// Sign for a lead (签收).
pub async fn sign(s: &AppState, ctx: &Ctx, id: i64) -> Result<LeadView, AppError> {
    let l = s.store.lead(id).await?;
    let holder = s.store.org(l.holder()).await?;
    ctx.authorize(Action::HandleLead, &Target::held_by(holder.path))?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = ctx.writer(s).await?;
    let l = leads::sign_for(&mut w, env, id).await?;
    w.commit().await?;
    Ok(view(&l, l.holder() == ctx.actor.org_id))
}

/// Public complaints: five per client in ten minutes.
pub const COMPLAINTS: Throttle = Throttle {
    bucket: "complaint",
    limit: 5,
    window_secs: 600,
};
/// Public lookups: twenty per client in ten minutes.
pub const LOOKUPS: Throttle = Throttle {
    bucket: "lookup",
    limit: 20,
    window_secs: 600,
};
/// Wrong phones for one tracking number: ten an hour, from whatever clients.
pub const LOOKUP_MISSES: Throttle = Throttle {
    bucket: "lookup.miss",
    limit: 10,
    window_secs: 3600,
};

/// Count one public act against a throttle; over the limit, a refusal saying when to retry.
pub async fn throttle(
    s: &AppState,
    t: Throttle,
    client: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    AppError::unless_throttled(s.store.throttle(t, client, now).await?)
}

/// A complaint from the public (no sign-in), received by the coordination office of the top
/// government; the reporter's phone is required so the reply can reach them and the lookup
/// page can check it. Throttled per client ([`COMPLAINTS`]).
pub async fn submit_public(
    s: &AppState,
    meta: &crate::ctx::RequestMeta,
    body: &LeadInputBody,
) -> Result<LeadView, AppError> {
    throttle(s, COMPLAINTS, &meta.client, meta.now).await?;
    let fields = LeadFields {
        channel: Channel::Complaint.as_str().into(),
        reporter_name: body.reporter_name.clone(),
        reporter_phone: body.reporter_phone.clone(),
        text: body.text.clone(),
        address: body.address.clone(),
        division_code: None,
        lon: body.lon,
        lat: body.lat,
        item_code: None,
        urgent: false,
    };
    let mut input = fields.parse()?;
    if input.reporter_phone.is_none() {
        return Err(AppError::invalid("phone", "请留下联系电话，以便答复和查询"));
    }
    if let Some((lon, lat)) = input.point
        && let Some(b) = s.store.boundary_index().await?.locate(lon, lat)
    {
        input.division_code = xiezhi_domain::DivisionCode::parse(&b.division_code).ok();
    }
    let orgs = s.store.orgs_under("/").await?;
    let office = orgs
        .iter()
        .find(|o| o.kind == "coordination_office" && o.active)
        .or_else(|| orgs.first())
        .ok_or(AppError::NotFound("受理机构"))?;
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = s
        .store
        .begin_write(xiezhi_store::RecordContext {
            actor: "public".into(),
            org: None,
            request_id: meta.request_id.clone(),
            at: meta.now,
        })
        .await?;
    let receipt = Receipt {
        org_id: office.id,
        person_id: None,
        token_id: None,
        idempotency_key: None,
    };
    let r = leads::intake(&mut w, env, input, receipt).await?;
    w.commit().await?;
    Ok(view(&r.lead, false))
}

/// What the public lookup shows: status and the reply, never internal details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicStatus {
    pub tracking_number: String,
    pub received_at: String,
    pub status_label: String,
    /// What came of it, in words (已责令限期整改, 已整改到位, 已立案查处…).
    pub outcome_label: Option<String>,
    /// The reply (for a duplicate: the reply to the earlier report of the same matter).
    pub reply: Option<String>,
    pub replied_at: Option<String>,
    /// The body that replied.
    pub replied_by: Option<String>,
    /// The reporter's rating, once given.
    pub satisfaction_label: Option<String>,
    /// Whether the reporter may rate now (a reply was given and not yet rated).
    pub can_rate: bool,
}

/// The reporter's own lead, by tracking number and the phone given with it. Throttled per
/// client ([`LOOKUPS`]) and, for wrong phones, per tracking number ([`LOOKUP_MISSES`]), so
/// neither one client nor many can try phones against a number.
async fn public_lead(
    s: &AppState,
    meta: &crate::ctx::RequestMeta,
    tracking: &str,
    phone: &str,
) -> Result<lead::Model, AppError> {
    throttle(s, LOOKUPS, &meta.client, meta.now).await?;
    let tracking = tracking.trim();
    AppError::unless_throttled(
        s.store
            .throttle_peek(LOOKUP_MISSES, tracking, meta.now)
            .await?,
    )?;
    let l = s.store.lead_by_tracking(tracking).await?;
    let matches = l
        .as_ref()
        .is_some_and(|l| l.reporter_phone.as_deref() == Some(phone.trim()));
    if !matches {
        s.store.throttle(LOOKUP_MISSES, tracking, meta.now).await?;
    }
    l.filter(|_| matches)
        .ok_or(AppError::NotFound("与该电话号码匹配的受理编号"))
}

/// Look up one's complaint by tracking number and the phone given with it.
pub async fn lookup(
    s: &AppState,
    meta: &crate::ctx::RequestMeta,
    tracking: &str,
    phone: &str,
) -> Result<PublicStatus, AppError> {
    let own = public_lead(s, meta, tracking, phone).await?;
    public_status(s, own).await
}

/// What the reporter sees of their lead.
async fn public_status(s: &AppState, own: lead::Model) -> Result<PublicStatus, AppError> {
    // A duplicate shows the matter it was joined to: both reporters get the final reply.
    let l = match own.duplicate_of {
        Some(id) => s.store.lead(id).await?,
        None => own.clone(),
    };
    let replied_by = match l.replied_by_org_id {
        Some(id) => Some(s.store.org(id).await?.name),
        None => None,
    };
    let closed = LeadStatus::parse(&l.status).is_some_and(|st| st.is_closed());
    Ok(PublicStatus {
        tracking_number: own.tracking_number,
        received_at: beijing_time(own.received_at),
        status_label: LeadStatus::parse(&l.status)
            .map(|s| s.label().to_owned())
            .unwrap_or_default(),
        outcome_label: outcome_label(&l.outcome),
        reply: l.reply.as_deref().map(xiezhi_domain::mask::public_text),
        replied_at: l.replied_at.map(beijing_time),
        replied_by,
        satisfaction_label: l
            .satisfaction
            .as_deref()
            .and_then(Satisfaction::parse)
            .map(|r| r.label().to_owned()),
        can_rate: closed && l.satisfaction.is_none() && own.duplicate_of.is_none(),
    })
}

/// The reporter rates the reply; "not fixed" reopens the matter with its holder.
pub async fn rate(
    s: &AppState,
    meta: &crate::ctx::RequestMeta,
    tracking: &str,
    phone: &str,
    rating: &str,
) -> Result<PublicStatus, AppError> {
    let l = public_lead(s, meta, tracking, phone).await?;
    let rating =
        Satisfaction::parse(rating).ok_or_else(|| AppError::invalid("rating", "请选择评价"))?;
    if l.duplicate_of.is_some() {
        return Err(AppError::conflict(
            "lead.merged",
            "该事项已并入先前的同一事项办理，请以先前受理编号评价",
        ));
    }
    let cal = s.calendar();
    let env = s.clock_env(&cal);
    let mut w = s
        .store
        .begin_write(xiezhi_store::RecordContext {
            actor: "public".into(),
            org: None,
            request_id: meta.request_id.clone(),
            at: meta.now,
        })
        .await?;
    xiezhi_store::transfers::feedback(&mut w, env, l.id, rating).await?;
    w.commit().await?;
    // Counted once: the rating's own lookup above.
    public_status(s, s.store.lead(l.id).await?).await
}
