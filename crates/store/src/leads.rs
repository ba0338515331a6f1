//! Leads in the database: intake (with idempotency for other systems and duplicate linking),
//! the sign-for clock of the receiving body's first responsibility (首问责任), and signing.

use crate::clocks::{self, ClockEnv, ClockStart};
use crate::entities::{catalog_item, lead};
use crate::{Store, StoreError, Writer};
use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use xiezhi_domain::lead::{LeadInput, LeadStatus, LeadStep, tracking_number, tracking_prefix};
use xiezhi_domain::{EventKind, payload};

/// Two reports are about the same place when their points lie within this many metres.
pub const SAME_PLACE_METRES: f64 = 100.0;

/// Whether an earlier lead (same division and item) is about the same place: points within
/// [`SAME_PLACE_METRES`], else the same address; reports with neither are taken as the same
/// place within their division.
fn same_place(earlier: &lead::Model, new: &LeadInput) -> bool {
    if let (Some(lon), Some(lat), Some((nlon, nlat))) = (earlier.lon, earlier.lat, new.point) {
        return metres_between((lon, lat), (nlon, nlat)) <= SAME_PLACE_METRES;
    }
    let norm = |a: &str| a.split_whitespace().collect::<String>();
    match (norm(&earlier.address), norm(&new.address)) {
        (a, b) if !a.is_empty() && !b.is_empty() => a == b,
        (a, b) => a.is_empty() && b.is_empty(),
    }
}

/// Great-circle distance in metres between two (longitude, latitude) points.
fn metres_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let dla = la2 - la1;
    let dlo = (b.0 - a.0).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// Who received a lead, and from which system.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The receiving org (first responsibility).
    pub org_id: i64,
    /// The receiving person, if a person.
    pub person_id: Option<i64>,
    /// The API token it came through, if any.
    pub token_id: Option<i64>,
    /// The sender's idempotency key, if any.
    pub idempotency_key: Option<String>,
}

/// The result of an intake.
#[derive(Debug, Clone)]
pub struct Intake {
    /// The lead.
    pub lead: lead::Model,
    /// False when the idempotency key matched an earlier submission (nothing was written).
    pub created: bool,
}

/// Take in a lead. With an idempotency key already seen from the same token, returns the
/// earlier lead and writes nothing (the caller must not commit). Otherwise numbers it, links
/// a duplicate (same item and place — see [`same_place`] — within the profile's `duplicate_window_days`), records it and starts
/// the receiving org's sign-for clock.
pub async fn intake(
    w: &mut Writer,
    env: ClockEnv<'_>,
    input: LeadInput,
    r: Receipt,
) -> Result<Intake, StoreError> {
    if let (Some(token), Some(key)) = (r.token_id, r.idempotency_key.as_deref())
        && let Some(existing) = lead::Entity::find()
            .filter(lead::Column::SourceTokenId.eq(token))
            .filter(lead::Column::IdempotencyKey.eq(key))
            .one(w.txn())
            .await?
    {
        return Ok(Intake {
            lead: existing,
            created: false,
        });
    }
    if let Some(code) = &input.item_code
        && catalog_item::Entity::find()
            .filter(catalog_item::Column::Code.eq(code.as_str()))
            .one(w.txn())
            .await?
            .is_none()
    {
        return Err(StoreError::invalid(
            "item_code",
            format!("执法事项 {code} 不存在"),
        ));
    }
    let now = w.now();
    let beijing_day = xiezhi_domain::beijing::day(now);
    // The next number of the day, from the day's counter.
    let prefix = tracking_prefix(beijing_day);
    let issued = lead::Entity::find().filter(lead::Column::TrackingNumber.starts_with(&prefix));
    let seq = crate::numbers::next(w, &prefix, issued).await?;
    let receiving = crate::entities::org::Entity::find_by_id(r.org_id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("受理机构"))?;
    let window = clocks::profile_for(w.txn(), env.rules, &receiving)
        .await?
        .settings
        .duplicate_window_days;
    let duplicate_of = match (&input.division_code, &input.item_code) {
        (Some(div), Some(item)) => lead::Entity::find()
            .filter(lead::Column::DivisionCode.eq(div.as_str()))
            .filter(lead::Column::ItemCode.eq(item.as_str()))
            .filter(lead::Column::ReceivedAt.gte(now - Duration::days(i64::from(window))))
            .filter(lead::Column::DuplicateOf.is_null())
            .order_by_asc(lead::Column::Id)
            .all(w.txn())
            .await?
            .into_iter()
            .find(|l| same_place(l, &input))
            .map(|l| l.id),
        _ => None,
    };
    let status = if duplicate_of.is_some() {
        LeadStatus::Duplicate
    } else {
        LeadStatus::Received
    };
    let m = lead::ActiveModel {
        tracking_number: Set(tracking_number(beijing_day, seq)),
        channel: Set(input.channel.as_str().into()),
        reporter_name: Set(input.reporter_name.clone()),
        reporter_phone: Set(input.reporter_phone.as_ref().map(|p| p.to_string())),
        text: Set(input.text.clone()),
        address: Set(input.address.clone()),
        division_code: Set(input.division_code.as_ref().map(|d| d.to_string())),
        lon: Set(input.point.map(|p| p.0)),
        lat: Set(input.point.map(|p| p.1)),
        item_code: Set(input.item_code.clone()),
        urgent: Set(input.urgent),
        received_org_id: Set(r.org_id),
        received_person_id: Set(r.person_id),
        received_at: Set(now),
        status: Set(status.as_str().into()),
        duplicate_of: Set(duplicate_of),
        source_token_id: Set(r.token_id),
        idempotency_key: Set(r.idempotency_key.clone()),
        bounces: Set(0),
        reopened: Set(0),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "lead",
        m.id,
        EventKind::LeadReceived,
        &payload::LeadReceived {
            tracking_number: m.tracking_number.clone(),
            channel: m.channel.clone(),
            received_org_id: r.org_id,
            division_code: m.division_code.clone(),
            item_code: m.item_code.clone(),
            urgent: Some(m.urgent),
            duplicate_of: Some(duplicate_of),
            has_reporter: Some(m.reporter_phone.is_some() || m.reporter_name.is_some()),
            referred_from: None,
        },
    );
    if duplicate_of.is_none() {
        clocks::start(
            w,
            env,
            ClockStart {
                subject_type: "lead".into(),
                subject_id: m.id.to_string(),
                rule_id: "lead.sign_for".into(),
                holder_org_id: r.org_id,
                holder_person_id: None,
                at: now,
            },
        )
        .await?;
    }
    Ok(Intake {
        lead: m,
        created: true,
    })
}

/// Ask `domain::lead::transition` where a step takes a stored lead (an unreadable status
/// names the row).
pub(crate) fn lead_next(l: &lead::Model, step: LeadStep) -> Result<LeadStatus, StoreError> {
    let status = crate::stored(
        LeadStatus::parse(&l.status),
        "leads",
        l.id,
        "status",
        &l.status,
    )?;
    xiezhi_domain::lead::transition(status, step).map_err(StoreError::from)
}

/// Sign for a lead (签收): the sign-for clock is satisfied and verification begins.
pub async fn sign_for(
    w: &mut Writer,
    env: ClockEnv<'_>,
    id: i64,
) -> Result<lead::Model, StoreError> {
    let l = lead::Entity::find_by_id(id)
        .one(w.txn())
        .await?
        .ok_or(StoreError::NotFound("线索"))?;
    let next = lead_next(&l, LeadStep::SignFor)?;
    let mut am: lead::ActiveModel = l.into();
    am.status = Set(next.as_str().into());
    let l = am.update(w.txn()).await?;
    clocks::satisfy_subject(w, env, "lead", &id.to_string(), "lead.sign_for").await?;
    w.record("lead", id, EventKind::LeadSigned, &payload::NoDetails {});
    Ok(l)
}

impl Store {
    /// One lead.
    pub async fn lead(&self, id: i64) -> Result<lead::Model, StoreError> {
        lead::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("线索"))
    }

    /// A lead by tracking number.
    pub async fn lead_by_tracking(
        &self,
        tracking: &str,
    ) -> Result<Option<lead::Model>, StoreError> {
        Ok(lead::Entity::find()
            .filter(lead::Column::TrackingNumber.eq(tracking))
            .one(self.db())
            .await?)
    }

    /// Leads received or held by some orgs, newest first, with the total.
    pub async fn leads_of(
        &self,
        orgs: &[i64],
        open_only: bool,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<lead::Model>, u64), StoreError> {
        let mut q = lead::Entity::find().filter(
            sea_orm::Condition::any()
                .add(lead::Column::ReceivedOrgId.is_in(orgs.to_vec()))
                .add(lead::Column::HolderOrgId.is_in(orgs.to_vec())),
        );
        if open_only {
            q = q.filter(lead::Column::Status.is_in(LeadStatus::open_values()));
        }
        let total = q.clone().count(self.db()).await?;
        let rows = q
            .order_by_desc(lead::Column::Id)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .limit(per_page)
            .all(self.db())
            .await?;
        Ok((rows, total))
    }

    /// Leads of one channel received in a period (optionally of some items), newest first.
    pub async fn leads_of_channel(
        &self,
        channel: &str,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
        item_codes: &[String],
        limit: u64,
    ) -> Result<Vec<lead::Model>, StoreError> {
        let mut q = lead::Entity::find()
            .filter(lead::Column::Channel.eq(channel))
            .filter(lead::Column::ReceivedAt.gte(from))
            .filter(lead::Column::ReceivedAt.lte(to));
        if !item_codes.is_empty() {
            q = q.filter(lead::Column::ItemCode.is_in(item_codes.to_vec()));
        }
        Ok(q.order_by_desc(lead::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?)
    }

    /// How many leads there are.
    pub async fn count_leads(&self) -> Result<u64, StoreError> {
        Ok(lead::Entity::find().count(self.db()).await?)
    }
}
