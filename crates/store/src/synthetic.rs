//! Synthetic history (合成数据) for measuring the dashboard and assessment at scale:
//! `xiezhi demo --scale county|province --seed N`. A year of leads up to now with realistic
//! channels, items, places, delays and breaches, their transfers, cases, clocks (through the
//! rule profile and the clock engine over the working-day calendar) and supervision orders,
//! all recorded: one [`Writer`] per day appends that day's events to the SM3 chain in time
//! order. The same seed gives the same data for the same `now`.

use crate::clocks::{profile_for, snapshot};
use crate::demo::DemoLogin;
use crate::entities::{
    case, catalog_item, clock, lead, lead_rating, org, supervision_order, transfer,
};
use crate::orgs::{self, NewOrg};
use crate::people::{self, NewPerson};
use crate::record::RecordContext;
use crate::{Engine, Store, StoreError, Writer};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect, Statement};
use std::collections::{BTreeMap, HashMap};
use xiezhi_calendar::Calendar;
use xiezhi_domain::clock::{self as engine, Extension, OrderState};
use xiezhi_domain::rules::{Rule, Rules};
use xiezhi_domain::{DivisionCode, Login, OrgCode, OrgKind, OrgLevel, Role};
use xiezhi_domain::{EventKind, Payload, payload};

/// How much history to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// The demo county: about 55,000 leads a year.
    County,
    /// A province of 90 counties and about 1,300 townships: about 5 million leads a year.
    Province,
}

impl Scale {
    /// `county` or `province`.
    pub fn parse(s: &str) -> Option<Scale> {
        match s {
            "county" => Some(Scale::County),
            "province" => Some(Scale::Province),
            _ => None,
        }
    }

    /// Counties (the demo county included).
    pub fn counties(self) -> usize {
        match self {
            Scale::County => 1,
            Scale::Province => 90,
        }
    }

    /// Townships in all (the demo county's 8 included).
    pub fn townships(self) -> usize {
        match self {
            Scale::County => 8,
            Scale::Province => 1300,
        }
    }

    /// Leads over the year.
    pub fn leads(self) -> u64 {
        match self {
            Scale::County => 5_000_000 / 90,
            Scale::Province => 5_000_000,
        }
    }
}

/// What was made.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Counties with history.
    pub counties: usize,
    /// Leads.
    pub leads: u64,
    /// Cases.
    pub cases: u64,
    /// Transfers.
    pub transfers: u64,
    /// Clocks.
    pub clocks: u64,
    /// Supervision orders.
    pub orders: u64,
    /// Events appended.
    pub events: u64,
}

fn beijing(d: NaiveDate, minutes: i64) -> DateTime<Utc> {
    xiezhi_domain::beijing::midnight(d) + Duration::minutes(minutes)
}

fn code(s: &str) -> Result<OrgCode, StoreError> {
    Ok(OrgCode::parse(s)?)
}

const PROVINCE_DIVISION: &str = "330000";

/// The province's own orgs (government, leading group, office) and its logins, created
/// before the demo county (which then sits under the province). Refused unless the database
/// has no orgs.
pub async fn load_province(
    store: &Store,
    password_hash: &str,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<(i64, Vec<DemoLogin>), StoreError> {
    if store.top_org().await?.is_some() {
        return Err(StoreError::conflict(
            "demo.database_not_empty",
            "数据库已有机构数据，演示数据只能导入空数据库",
        ));
    }
    let mut w = store
        .begin_write(RecordContext::system(request_id, now))
        .await?;
    let level = OrgLevel::Province;
    let new =
        |c: &str, name: &str, kind: OrgKind, parent: Option<i64>| -> Result<NewOrg, StoreError> {
            Ok(NewOrg {
                code: code(c)?,
                name: name.into(),
                kind,
                level,
                parent_id: parent,
                division_code: DivisionCode::parse(PROVINCE_DIVISION)?,
            })
        };
    let gov = orgs::create(
        &mut w,
        new("SF-GOV", "示范省人民政府", OrgKind::Government, None)?,
    )
    .await?;
    let office = orgs::create(
        &mut w,
        new(
            "SF-ZFB",
            "示范省行政执法统筹协调指挥办公室",
            OrgKind::CoordinationOffice,
            Some(gov.id),
        )?,
    )
    .await?;
    let mut logins = vec![];
    for (login, name, org, role) in [
        ("prov.leader", "周省长", &gov, Role::Leader),
        ("prov.office", "钱协调", &office, Role::OfficeCoordinator),
    ] {
        people::create(
            &mut w,
            NewPerson {
                login: Login::parse(login)?,
                name: name.into(),
                org_id: org.id,
                roles: vec![role],
                phone: None,
                password_hash: Some(password_hash.to_owned()),
            },
        )
        .await?;
        logins.push(DemoLogin {
            login: login.into(),
            name: name.into(),
            org: org.name.clone(),
            roles: vec![role],
        });
    }
    w.commit().await?;
    Ok((gov.id, logins))
}

const DEPARTMENTS: &[&str] = &[
    "市场监督管理局",
    "生态环境分局",
    "自然资源和规划局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "卫生健康局",
    "应急管理局",
    "文化和广电旅游体育局",
    "水利局",
    "商务局",
    "教育局",
    "人力资源和社会保障局",
    "林业局",
    "司法局",
];
const COUNTY_NAMES: &[&str] = &[
    "安", "宁", "平", "清", "和", "丰", "泰", "兴", "长", "永", "德", "福", "临", "新", "东", "西",
    "南", "北", "高", "青", "白", "龙", "凤", "云", "松", "柳", "桃", "石", "金", "玉",
];
const TOWN_SUFFIX: &[&str] = &["镇", "镇", "镇", "乡", "街道"];

/// The province's other counties (synthetic orgs, no people): each a government with its
/// leading group, office, enforcement bureau, fifteen departments, police and townships, so
/// that the province has `townships` townships in all. Returns the orgs created.
pub async fn load_counties(
    store: &Store,
    province: i64,
    counties: usize,
    townships: usize,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut created = 0;
    let per = townships as f64 / counties.max(1) as f64;
    for c in 0..counties {
        let mut w = store
            .begin_write(RecordContext::system(request_id, now))
            .await?;
        let n = c + 2;
        let county_name = format!(
            "{}{}县",
            COUNTY_NAMES[c % COUNTY_NAMES.len()],
            COUNTY_NAMES[(c * 7 + 3) % COUNTY_NAMES.len()]
        );
        let div = format!("33{:02}{:02}", 10 + n / 100, n % 100);
        let prefix = format!("C{n:02}");
        let mut one = async |w: &mut Writer,
                             suffix: &str,
                             name: String,
                             kind: OrgKind,
                             level: OrgLevel,
                             parent: i64,
                             division: &str|
               -> Result<i64, StoreError> {
            created += 1;
            Ok(orgs::create(
                w,
                NewOrg {
                    code: code(&format!("{prefix}-{suffix}"))?,
                    name,
                    kind,
                    level,
                    parent_id: Some(parent),
                    division_code: DivisionCode::parse(division)?,
                },
            )
            .await?
            .id)
        };
        let county = OrgLevel::County;
        let gov = one(
            &mut w,
            "GOV",
            format!("{county_name}人民政府"),
            OrgKind::Government,
            county,
            province,
            &div,
        )
        .await?;
        one(
            &mut w,
            "LG",
            format!("{county_name}行政执法统筹协调指挥领导小组"),
            OrgKind::LeadingGroup,
            county,
            gov,
            &div,
        )
        .await?;
        one(
            &mut w,
            "ZFB",
            format!("{county_name}行政执法统筹协调指挥办公室"),
            OrgKind::CoordinationOffice,
            county,
            gov,
            &div,
        )
        .await?;
        one(
            &mut w,
            "ZHZF",
            format!("{county_name}综合行政执法局"),
            OrgKind::EnforcementBureau,
            county,
            gov,
            &div,
        )
        .await?;
        for (i, d) in DEPARTMENTS.iter().enumerate() {
            one(
                &mut w,
                &format!("D{i:02}"),
                format!("{county_name}{d}"),
                OrgKind::Department,
                county,
                gov,
                &div,
            )
            .await?;
        }
        one(
            &mut w,
            "GAJ",
            format!("{county_name}公安局"),
            OrgKind::Police,
            county,
            gov,
            &div,
        )
        .await?;
        // Spread the townships evenly: this county's share is the rounded running total.
        let towns = ((c + 1) as f64 * per).round() as usize - (c as f64 * per).round() as usize;
        for t in 0..towns {
            let name = format!(
                "{}{}{}",
                COUNTY_NAMES[(t * 11 + c) % COUNTY_NAMES.len()],
                COUNTY_NAMES[(t * 5 + 1) % COUNTY_NAMES.len()],
                TOWN_SUFFIX[t % TOWN_SUFFIX.len()]
            );
            one(
                &mut w,
                &format!("T{t:02}"),
                name,
                OrgKind::Township,
                OrgLevel::Township,
                gov,
                &format!("{div}{:03}", t + 1),
            )
            .await?;
        }
        w.commit().await?;
    }
    Ok(created)
}

/// A county as the generator sees it.
struct County {
    office: i64,
    bureau: i64,
    depts: Vec<i64>,
    /// (org, division code, name, weight)
    towns: Vec<(i64, String, String, f64)>,
    /// Rule versions of the county's profile: rule id → (rule, version row, profile id, version).
    rules: HashMap<&'static str, (Rule, i64, String, i64)>,
    lon: f64,
    lat: f64,
}

const RULES: &[&str] = &[
    "lead.sign_for",
    "transfer.send",
    "transfer.accept_reply",
    "transfer.outcome_report",
    "case.penalty_copy_to_permit",
    "supervision_order.respond",
];

/// (channel, weight)
const CHANNELS: &[(&str, f64)] = &[
    ("hotline", 38.0),
    ("grid", 22.0),
    ("patrol", 14.0),
    ("complaint", 9.0),
    ("video_ai", 6.0),
    ("department", 5.0),
    ("open311", 3.0),
    ("superior_supervision", 2.0),
    ("media", 1.0),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
];

/// An event waiting for its time: it records itself, at the time given, when its day is
/// written.
type Pending = Box<dyn FnOnce(&mut Writer, DateTime<Utc>) + Send>;

/// What the synthetic history replies to reporters.
const REPLY: &str = "已核查处理，特此答复。";

/// What the synthetic history reports back on transfers.
const OUTCOME: &str = "已立案查处";

/// Rows of one day, written with that day's events.
#[derive(Default)]
struct Rows {
    leads: Vec<lead::ActiveModel>,
    transfers: Vec<transfer::ActiveModel>,
    cases: Vec<case::ActiveModel>,
    clocks: Vec<clock::ActiveModel>,
    orders: Vec<supervision_order::ActiveModel>,
    ratings: Vec<lead_rating::ActiveModel>,
}

struct Gen<'a> {
    rng: StdRng,
    now: DateTime<Utc>,
    cal: &'a Calendar,
    events: BTreeMap<(DateTime<Utc>, u64), Pending>,
    n_events: u64,
    next: Ids,
    rows: Rows,
    sum: Summary,
}

#[derive(Default, Clone, Copy)]
struct Ids {
    lead: i64,
    case: i64,
    transfer: i64,
    clock: i64,
    order: i64,
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|i| i.1).sum();
    let mut x = rng.gen_range(0.0..total);
    for (v, w) in items {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

impl Gen<'_> {
    /// Queue an event (with the payload the live path records for its kind); what would
    /// happen after now does not happen.
    fn ev<P: Payload + Send + 'static>(
        &mut self,
        at: DateTime<Utc>,
        subject_type: &'static str,
        subject_id: i64,
        kind: EventKind,
        payload: P,
    ) {
        if at <= self.now {
            self.n_events += 1;
            self.events.insert(
                (at, self.n_events),
                Box::new(move |w: &mut Writer, at: DateTime<Utc>| {
                    w.record_at(at, subject_type, subject_id, kind, &payload);
                }),
            );
        }
    }

    fn is_workday(&self, t: DateTime<Utc>) -> bool {
        let d = engine::date_of(t);
        self.cal.is_workday(d).unwrap_or(!d.is_weekend())
    }

    /// A delay of about `typical` minutes of work after `t` (see [`Gen::delay`]): time that
    /// lands on a day off moves to the next working morning.
    fn after(&mut self, t: DateTime<Utc>, typical: f64) -> DateTime<Utc> {
        let minutes = self.delay(typical);
        let mut at = t + Duration::minutes(minutes);
        for _ in 0..15 {
            if self.is_workday(at) {
                break;
            }
            let day = xiezhi_domain::beijing::day(at) + Duration::days(1);
            at = beijing(day, 8 * 60 + 30 + self.rng.gen_range(0..90));
        }
        at
    }

    /// A delay in minutes: mostly around `typical`, with a long tail.
    fn delay(&mut self, typical: f64) -> i64 {
        let u: f64 = self.rng.gen_range(0.0001..1.0);
        // Exponential with mean `typical`, plus a heavy tail for one in twenty.
        let base = -u.ln() * typical;
        let tail = if self.rng.gen_bool(0.05) {
            typical * self.rng.gen_range(1.0..4.0)
        } else {
            0.0
        };
        (base + tail) as i64 + 1
    }

    /// Start a clock under the county's profile, satisfied at `done` (if by now), extended
    /// when `extend`; a breach brings a supervision order from the county office.
    #[allow(clippy::too_many_arguments)]
    fn clock(
        &mut self,
        county: &County,
        rule_id: &'static str,
        subject_type: &'static str,
        subject_id: i64,
        holder: i64,
        start: DateTime<Utc>,
        done: Option<DateTime<Utc>>,
        extend: bool,
    ) {
        if start > self.now {
            return;
        }
        let Some((rule, version, profile, profile_version)) = county.rules.get(rule_id) else {
            return;
        };
        let Ok(t) = engine::start(rule, start, self.cal) else {
            return;
        };
        let mut due = t.due_at;
        let mut extensions = vec![];
        let id = {
            self.next.clock += 1;
            self.next.clock
        };
        self.sum.clocks += 1;
        self.ev(
            start,
            "clock",
            id,
            EventKind::ClockStarted,
            payload::ClockStarted {
                subject_type: subject_type.into(),
                subject_id: subject_id.to_string(),
                rule_id: rule_id.into(),
                profile: profile.clone(),
                profile_version: *profile_version,
                duration: rule.duration.text(),
                source: rule.source_text(),
                holder_org_id: holder,
                holder_person_id: None,
                started_at: start.to_rfc3339(),
                due_at: due.to_rfc3339(),
            },
        );
        if extend {
            let at = start + (due - start) / 2;
            let new_due = due + (due - start);
            let extension = Extension {
                at,
                reason: "情况复杂，需进一步核实，经负责人批准延期".into(),
                approver: "负责人".into(),
                old_due: due,
                new_due,
            };
            self.ev(
                at,
                "clock",
                id,
                EventKind::ClockExtended,
                payload::ClockStep {
                    state: "running".into(),
                    due_at: new_due.to_rfc3339(),
                    reason: Some(extension.reason.clone()),
                    approver: Some(extension.approver.clone()),
                    escalate_to: None,
                    old_due: None,
                },
            );
            extensions.push(extension);
            due = new_due;
        }
        let warn = engine::warn_at(rule, due, self.cal).ok().flatten();
        let done = done.filter(|d| *d <= self.now);
        let until = done.unwrap_or(self.now);
        let breached_at = (due < until).then_some(due + Duration::minutes(1));
        let warned_at = warn.filter(|w| *w < until && *w < due);
        let state = match (done, breached_at) {
            (Some(_), _) => "satisfied",
            (None, Some(_)) => "breached",
            (None, None) => "running",
        };
        for (at, kind, state) in [
            (warned_at, EventKind::ClockWarned, "running"),
            (breached_at, EventKind::ClockBreached, "breached"),
            (done, EventKind::ClockSatisfied, "satisfied"),
        ] {
            if let Some(at) = at {
                let step = payload::ClockStep {
                    state: state.into(),
                    due_at: due.to_rfc3339(),
                    reason: None,
                    approver: None,
                    escalate_to: (kind == EventKind::ClockBreached).then_some(rule.escalate_to),
                    old_due: None,
                };
                self.ev(at, "clock", id, kind, step);
            }
        }
        self.rows.clocks.push(clock::ActiveModel {
            id: Set(id),
            subject_type: Set(subject_type.into()),
            subject_id: Set(subject_id.to_string()),
            rule_id: Set(rule_id.into()),
            profile_id: Set(profile.clone()),
            profile_version: Set(*profile_version),
            rule_version_id: Set(*version),
            holder_org_id: Set(holder),
            holder_person_id: Set(None),
            state: Set(state.into()),
            started_at: Set(start),
            due_at: Set(due),
            warn_at: Set(if state == "running" && warned_at.is_none() {
                warn
            } else {
                None
            }),
            warned_at: Set(warned_at),
            breached_at: Set(breached_at),
            closed_at: Set(done),
            pauses: Set("[]".into()),
            extensions: Set(serde_json::to_string(&extensions).unwrap_or_else(|_| "[]".into())),
            created_at: Set(start),
        });
        if let Some(b) = breached_at
            && subject_type != "supervision_order"
        {
            self.order(county, id, rule, subject_type, subject_id, holder, b);
        }
    }

    /// A supervision order (督办单) from the county office on a breached clock, with its
    /// response clock.
    #[allow(clippy::too_many_arguments)]
    fn order(
        &mut self,
        county: &County,
        clock_id: i64,
        rule: &Rule,
        subject_type: &'static str,
        subject_id: i64,
        holder: i64,
        breached: DateTime<Utc>,
    ) {
        let issued = breached + Duration::minutes(5);
        if issued > self.now {
            return;
        }
        self.next.order += 1;
        let id = self.next.order;
        self.sum.orders += 1;
        let reason = format!("{}超过时限（{}）", rule.name, rule.duration.text());
        let answered = if self.rng.gen_bool(0.85) {
            Some(self.after(issued, 600.0))
        } else {
            None
        };
        self.ev(
            issued,
            "supervision_order",
            id,
            EventKind::SupervisionOrderIssued,
            payload::OrderIssued {
                clock_id,
                from_org_id: county.office,
                to_org_id: holder,
                subject_type: subject_type.into(),
                subject_id: subject_id.to_string(),
                reason: reason.clone(),
            },
        );
        self.clock(
            county,
            "supervision_order.respond",
            "supervision_order",
            id,
            holder,
            issued,
            answered,
            false,
        );
        let closed = answered.filter(|a| *a <= self.now);
        if let Some(at) = closed {
            // As `clocks::close_order` records it when the response clock is satisfied.
            let respond = self.next.clock;
            self.ev(
                at,
                "supervision_order",
                id,
                EventKind::SupervisionOrderClosed,
                payload::OrderClosed {
                    clock_id: respond,
                    state: "satisfied".into(),
                },
            );
        }
        self.rows.orders.push(supervision_order::ActiveModel {
            id: Set(id),
            clock_id: Set(clock_id),
            from_org_id: Set(county.office),
            to_org_id: Set(holder),
            subject_type: Set(subject_type.into()),
            subject_id: Set(subject_id.to_string()),
            reason: Set(reason),
            state: Set(if closed.is_some() {
                OrderState::Closed
            } else {
                OrderState::Open
            }
            .as_str()
            .into()),
            issued_at: Set(issued),
            closed_at: Set(closed),
        });
    }

    /// One lead and all that follows from it, up to now.
    fn lead(
        &mut self,
        county: &County,
        items: &[(&str, f64)],
        received: DateTime<Utc>,
        number: String,
    ) {
        self.next.lead += 1;
        let id = self.next.lead;
        self.sum.leads += 1;
        let channel = pick(&mut self.rng, CHANNELS);
        let town_i = pick(
            &mut self.rng,
            &county
                .towns
                .iter()
                .enumerate()
                .map(|(i, t)| (i, t.3))
                .collect::<Vec<_>>(),
        );
        let (town, division, town_name) = {
            let t = &county.towns[town_i];
            (t.0, t.1.clone(), t.2.clone())
        };
        let item = pick(&mut self.rng, items);
        let dept = county.depts[self.rng.gen_range(0..county.depts.len())];
        let received_org = match channel {
            "grid" | "patrol" | "video_ai" => {
                if self.rng.gen_bool(0.85) {
                    town
                } else {
                    county.bureau
                }
            }
            "department" => dept,
            "superior_supervision" => county.bureau,
            _ => match self.rng.gen_range(0..100) {
                0..55 => town,
                55..70 => county.bureau,
                _ => dept,
            },
        };
        let public = matches!(channel, "hotline" | "complaint" | "open311" | "media");
        let urgent = self.rng.gen_bool(0.03);
        let village = self.rng.gen_range(1..30);
        let address = format!(
            "{town_name}{}村{}组",
            COUNTY_NAMES[village % COUNTY_NAMES.len()],
            village % 9 + 1
        );
        self.ev(
            received,
            "lead",
            id,
            EventKind::LeadReceived,
            payload::LeadReceived {
                tracking_number: number.clone(),
                channel: channel.into(),
                received_org_id: received_org,
                division_code: Some(division.clone()),
                item_code: Some(item.into()),
                urgent: Some(urgent),
                duplicate_of: Some(None),
                has_reporter: Some(public),
                referred_from: None,
            },
        );
        // Signing for: mostly within the hour, on duty days too; late at night it waits for
        // the morning shift.
        let m = self.delay(30.0);
        let hour = xiezhi_domain::beijing::local(received).hour();
        let signed = if !(7..22).contains(&hour) {
            let day =
                xiezhi_domain::beijing::day(received - Duration::hours(7)) + Duration::days(1);
            beijing(day, 8 * 60) + Duration::minutes(m)
        } else {
            received + Duration::minutes(m)
        };
        self.clock(
            county,
            "lead.sign_for",
            "lead",
            id,
            received_org,
            received,
            Some(signed),
            false,
        );
        let mut status = "received";
        let mut holder = received_org;
        let mut holder_changed = false;
        let mut t = signed;
        if signed <= self.now {
            status = "signed";
            self.ev(
                signed,
                "lead",
                id,
                EventKind::LeadSigned,
                payload::NoDetails {},
            );
        }
        // A transfer to the competent body (移送) for about one lead in six.
        if signed <= self.now && self.rng.gen_bool(0.17) {
            let to = if received_org == town || received_org == county.bureau {
                dept
            } else {
                town
            };
            self.next.transfer += 1;
            let tid = self.next.transfer;
            self.sum.transfers += 1;
            let sent = self.after(signed, 700.0);
            let extend = self.rng.gen_bool(0.03);
            self.clock(
                county,
                "transfer.send",
                "transfer",
                tid,
                received_org,
                signed,
                Some(sent),
                extend,
            );
            let approved = signed + (sent - signed) / 2;
            let facts = format!("经核查，该事项属于贵单位职责范围（{item}）。");
            self.ev(
                signed + Duration::minutes(20),
                "transfer",
                tid,
                EventKind::TransferDrafted,
                payload::TransferDrafted {
                    lead_id: id,
                    kind: "administrative".into(),
                    from_org_id: received_org,
                    to_org_id: to,
                    urgent,
                    oral: None,
                    historical_consultation: None,
                    facts: facts.clone(),
                },
            );
            self.ev(
                approved,
                "transfer",
                tid,
                EventKind::TransferApproved,
                payload::TransferApproved { approved_by: None },
            );
            let mut tstatus = "draft";
            if approved <= self.now {
                tstatus = "approved";
            }
            let mut decided = None;
            let mut outcome = None;
            if sent <= self.now {
                tstatus = "sent";
                status = "transferring";
                self.ev(
                    sent,
                    "transfer",
                    tid,
                    EventKind::TransferSent,
                    payload::TransferSent {
                        to_org_id: to,
                        copied_to_office: true,
                    },
                );
                let d = self.after(sent, 900.0);
                let accepted = self.rng.gen_bool(0.94);
                self.clock(
                    county,
                    "transfer.accept_reply",
                    "transfer",
                    tid,
                    to,
                    sent,
                    Some(d),
                    false,
                );
                if d <= self.now {
                    decided = Some(d);
                    if accepted {
                        tstatus = "accepted";
                        status = "signed";
                        holder = to;
                        holder_changed = true;
                        self.ev(
                            d,
                            "transfer",
                            tid,
                            EventKind::TransferAccepted,
                            payload::TransferAccepted {
                                by_org_id: Some(to),
                                by_designation: None,
                            },
                        );
                        self.ev(
                            d,
                            "lead",
                            id,
                            EventKind::LeadHolderChanged,
                            payload::LeadHolderChanged {
                                from_org_id: received_org,
                                to_org_id: to,
                            },
                        );
                        let reported = self.after(d, 7000.0);
                        let extend = self.rng.gen_bool(0.04);
                        self.clock(
                            county,
                            "transfer.outcome_report",
                            "transfer",
                            tid,
                            to,
                            d,
                            Some(reported),
                            extend,
                        );
                        if reported <= self.now {
                            tstatus = "reported";
                            outcome = Some(reported);
                            self.ev(
                                reported,
                                "transfer",
                                tid,
                                EventKind::TransferOutcomeReported,
                                payload::TransferOutcome {
                                    outcome: OUTCOME.into(),
                                    copied_to_office: true,
                                },
                            );
                        }
                    } else {
                        tstatus = "rejected";
                        status = "signed";
                        self.ev(
                            d,
                            "transfer",
                            tid,
                            EventKind::TransferRejected,
                            payload::TransferRejected {
                                by_org_id: to,
                                reason: "不属于本单位职责范围".into(),
                            },
                        );
                    }
                    t = d;
                }
            }
            self.rows.transfers.push(transfer::ActiveModel {
                id: Set(tid),
                lead_id: Set(id),
                kind: Set("administrative".into()),
                from_org_id: Set(received_org),
                to_org_id: Set(to),
                status: Set(tstatus.into()),
                facts: Set(facts),
                urgent: Set(urgent),
                oral_record: Set(None),
                written: Set(true),
                consultation: Set(None),
                drafted_by: Set(None),
                drafted_at: Set(signed + Duration::minutes(20)),
                approved_by: Set(None),
                approved_at: Set(Some(approved).filter(|a| *a <= self.now)),
                sent_at: Set(Some(sent).filter(|s| *s <= self.now)),
                decided_at: Set(decided),
                decision_reason: Set(None),
                outcome: Set(outcome.map(|_| OUTCOME.into())),
                outcome_at: Set(outcome),
            });
        }
        // Handling: a case for one in five, no violation for one in four, else put right.
        let mut replied = None;
        let mut satisfaction = None;
        let mut reopened = 0;
        if status == "signed" {
            let roll: f64 = self.rng.gen_range(0.0..1.0);
            let at = self.after(t, 3000.0);
            if at <= self.now {
                if roll < 0.2 {
                    status = "case_filed";
                    let (case_id, number) = self.case(county, id, holder, item, &division, at);
                    self.ev(
                        at,
                        "lead",
                        id,
                        EventKind::LeadCaseFiled,
                        payload::LeadCaseFiled { case_id, number },
                    );
                } else if roll < 0.45 {
                    status = "no_violation";
                    self.ev(
                        at,
                        "lead",
                        id,
                        EventKind::LeadNoViolation,
                        payload::LeadAnswered {
                            org_id: holder,
                            outcome: "no_violation".into(),
                            reply: REPLY.into(),
                        },
                    );
                } else {
                    status = "finished";
                    self.ev(
                        at,
                        "lead",
                        id,
                        EventKind::LeadReplied,
                        payload::LeadReplied {
                            org_id: holder,
                            reply: REPLY.into(),
                        },
                    );
                }
                replied = Some(at);
                // Reporters rate about half of the replies.
                if public && self.rng.gen_bool(0.55) {
                    let m = self.delay(1500.0);
                    let rated = at + Duration::minutes(m);
                    if rated <= self.now {
                        let s = pick(
                            &mut self.rng,
                            &[
                                ("satisfied", 70.0),
                                ("basic", 18.0),
                                ("unsatisfied", 8.0),
                                ("not_fixed", 4.0),
                            ],
                        );
                        satisfaction = Some(s);
                        self.rows.ratings.push(lead_rating::ActiveModel {
                            lead_id: Set(id),
                            org_id: Set(holder),
                            satisfaction: Set(s.into()),
                            at: Set(rated),
                            ..Default::default()
                        });
                        self.ev(
                            rated,
                            "lead",
                            id,
                            EventKind::LeadRated,
                            payload::LeadRated {
                                satisfaction: s.into(),
                                org_id: Some(holder),
                            },
                        );
                        if s == "not_fixed" {
                            reopened = 1;
                            self.ev(
                                rated,
                                "lead",
                                id,
                                EventKind::LeadReopened,
                                payload::LeadReopened {
                                    holder_org_id: holder,
                                    times: 1,
                                },
                            );
                        }
                    }
                }
            }
        }
        let given = GIVEN[self.rng.gen_range(0..GIVEN.len())];
        let surname = SURNAMES[self.rng.gen_range(0..SURNAMES.len())];
        let phone = format!("13{:09}", self.rng.gen_range(0..1_000_000_000u64));
        let lon = county.lon + self.rng.gen_range(-0.2..0.2);
        let lat = county.lat + self.rng.gen_range(-0.2..0.2);
        self.rows.leads.push(lead::ActiveModel {
            id: Set(id),
            tracking_number: Set(number),
            channel: Set(channel.into()),
            reporter_name: Set(public.then(|| format!("{surname}{given}"))),
            reporter_phone: Set(public.then_some(phone)),
            text: Set(format!(
                "反映{address}附近存在{}相关问题，请核查处理。",
                item
            )),
            address: Set(address),
            division_code: Set(Some(division)),
            lon: Set(Some(lon)),
            lat: Set(Some(lat)),
            item_code: Set(Some(item.to_owned())),
            urgent: Set(urgent),
            received_org_id: Set(received_org),
            received_person_id: Set(None),
            received_at: Set(received),
            status: Set(if reopened == 1 { "signed" } else { status }.into()),
            duplicate_of: Set(None),
            source_token_id: Set(None),
            idempotency_key: Set(None),
            holder_org_id: Set(holder_changed.then_some(holder)),
            reply: Set(replied.map(|_| REPLY.into())),
            replied_at: Set(replied),
            replied_by_org_id: Set(replied.map(|_| holder)),
            satisfaction: Set(satisfaction.map(Into::into)),
            bounces: Set(0),
            reopened: Set(reopened),
            referred_from: Set(None),
            outcome: Set(replied.map(|_| {
                if status == "no_violation" {
                    "no_violation"
                } else {
                    "case_filed"
                }
                .into()
            })),
        });
    }

    /// A case filed on a lead, through its stages up to now: its id and number.
    fn case(
        &mut self,
        county: &County,
        lead_id: i64,
        holder: i64,
        item: &str,
        division: &str,
        filed: DateTime<Utc>,
    ) -> (i64, String) {
        self.next.case += 1;
        let id = self.next.case;
        self.sum.cases += 1;
        let major = self.rng.gen_bool(0.3);
        let number = format!(
            "AJ{}{:06}",
            xiezhi_domain::beijing::local(filed).format("%Y%m%d"),
            id % 1_000_000
        );
        let title = format!("涉嫌违反{item}所列事项案");
        self.ev(
            filed,
            "case",
            id,
            EventKind::CaseFiled,
            payload::CaseFiled {
                number: number.clone(),
                lead_id,
                holder_org_id: holder,
                title: title.clone(),
                item_code: Some(item.into()),
            },
        );
        let mut steps: Vec<(EventKind, &'static str, f64)> = vec![
            (EventKind::CaseInvestigationStarted, "investigation", 900.0),
            (EventKind::CaseSubmittedForReview, "review", 9000.0),
        ];
        if major {
            steps.push((EventKind::CaseSentToLegalReview, "legal_review", 1500.0));
            if self.rng.gen_bool(0.12) {
                steps.push((EventKind::CaseLegalReviewFailed, "investigation", 3000.0));
                steps.push((EventKind::CaseSubmittedForReview, "review", 4000.0));
                steps.push((EventKind::CaseSentToLegalReview, "legal_review", 900.0));
            }
            steps.push((EventKind::CaseLegalReviewPassed, "legal_review", 2500.0));
        }
        steps.extend([
            (EventKind::CaseDecided, "decision", 2000.0),
            (EventKind::CaseServed, "service", 2500.0),
            (EventKind::CaseExecutionStarted, "execution", 1500.0),
            (EventKind::CaseClosed, "closed", 12000.0),
        ]);
        let mut stage = "filed";
        let mut t = filed;
        let mut decided = None;
        let mut closed = None;
        let mut passed = false;
        for (kind, next_stage, typical) in steps {
            let at = self.after(t, typical);
            if at > self.now {
                break;
            }
            let step = payload::CaseStep {
                from: stage.into(),
                to: next_stage.into(),
                by: None,
                decision: None,
                reason: (kind == EventKind::CaseLegalReviewFailed)
                    .then(|| "证据不足，退回补充调查".into()),
                org_id: matches!(
                    kind,
                    EventKind::CaseLegalReviewPassed | EventKind::CaseLegalReviewFailed
                )
                .then_some(holder),
            };
            match kind {
                EventKind::CaseLegalReviewPassed => passed = true,
                // Recorded below with the decision, once it is drawn.
                EventKind::CaseDecided => decided = Some((at, step.clone())),
                EventKind::CaseClosed => closed = Some(at),
                _ => {}
            }
            if kind != EventKind::CaseDecided {
                self.ev(at, "case", id, kind, step);
            }
            stage = next_stage;
            t = at;
        }
        let penalty = decided.is_some() && self.rng.gen_bool(0.7);
        let decision_kind = if penalty { "penalty" } else { "no_penalty" };
        let decided = decided.map(|(at, step)| {
            let decision = Some(payload::CaseDecision {
                kind: decision_kind.into(),
                discretion: None,
            });
            self.ev(
                at,
                "case",
                id,
                EventKind::CaseDecided,
                payload::CaseStep { decision, ..step },
            );
            at
        });
        if let Some(d) = decided
            && penalty
            && self.rng.gen_bool(0.3)
        {
            let copied = self.after(d, 900.0);
            self.clock(
                county,
                "case.penalty_copy_to_permit",
                "case",
                id,
                holder,
                d,
                Some(copied),
                false,
            );
        }
        let amount = penalty.then(|| self.rng.gen_range(5..500) * 100);
        self.rows.cases.push(case::ActiveModel {
            id: Set(id),
            number: Set(number.clone()),
            lead_id: Set(Some(lead_id)),
            holder_org_id: Set(holder),
            item_code: Set(Some(item.to_owned())),
            title: Set(title),
            stage: Set(stage.into()),
            filed_at: Set(filed),
            filed_by: Set(None),
            division_code: Set(Some(division.to_owned())),
            item_version: Set(None),
            major: Set(major),
            suspected_crime: Set(false),
            legal_passed: Set(passed),
            decision_kind: Set(decided.map(|_| decision_kind.into())),
            decision_tier: Set(None),
            decision_amount: Set(amount),
            decision_reason: Set(decided.map(|_| "事实清楚，证据确凿".into())),
            decided_at: Set(decided),
            closed_at: Set(closed),
        });
        (id, number)
    }
}

async fn max_id(store: &Store, table: &str) -> Result<i64, StoreError> {
    let row = store
        .db()
        .query_one_raw(Statement::from_string(
            store.db().get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"),
        ))
        .await?;
    Ok(row
        .and_then(|r| r.try_get::<i64>("", "m").ok())
        .unwrap_or(0))
}

async fn insert_rows(w: &Writer, rows: Rows) -> Result<(), StoreError> {
    async fn chunks<A>(w: &Writer, rows: Vec<A>, n: usize) -> Result<(), StoreError>
    where
        A: sea_orm::ActiveModelTrait + Send,
    {
        let mut it = rows.into_iter().peekable();
        while it.peek().is_some() {
            let chunk: Vec<A> = it.by_ref().take(n).collect();
            <A::Entity as EntityTrait>::insert_many(chunk)
                .exec(w.txn())
                .await?;
        }
        Ok(())
    }
    // Keep each statement under SQLite's limit of bound variables.
    chunks(w, rows.leads, 1000).await?;
    chunks(w, rows.transfers, 1200).await?;
    chunks(w, rows.cases, 1200).await?;
    chunks(w, rows.clocks, 1200).await?;
    chunks(w, rows.orders, 2000).await?;
    chunks(w, rows.ratings, 2000).await?;
    Ok(())
}

/// A year of history up to `now` for every county in the database, `leads` leads in all
/// (shared by township count). Returns what was made.
pub async fn load_history(
    store: &Store,
    rules: &Rules,
    leads: u64,
    seed: u64,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<Summary, StoreError> {
    let cal = store.calendar().await?;
    let all = org::Entity::find()
        .order_by_asc(org::Column::Path)
        .all(store.db())
        .await?;
    let items: Vec<String> = catalog_item::Entity::find()
        .select_only()
        .column(catalog_item::Column::Code)
        .distinct()
        .into_tuple()
        .all(store.db())
        .await?;
    if items.is_empty() {
        return Err(StoreError::conflict(
            "demo.no_catalog",
            "尚未导入权责清单，无法生成线索",
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    // Zipf-like popularity of items: a few matters make most of the leads.
    let mut ranked: Vec<&str> = items.iter().map(String::as_str).collect();
    for i in (1..ranked.len()).rev() {
        let j = rng.gen_range(0..=i);
        ranked.swap(i, j);
    }
    let items: Vec<(&str, f64)> = ranked
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, 1.0 / (i as f64 + 1.0)))
        .collect();
    let mut w = store
        .begin_write(RecordContext::system(request_id, now))
        .await?;
    let mut counties = vec![];
    for gov in all
        .iter()
        .filter(|o| o.kind == OrgKind::Government.as_str() && o.level == OrgLevel::County.as_str())
    {
        let under: Vec<&org::Model> = all
            .iter()
            .filter(|o| o.path.starts_with(&gov.path))
            .collect();
        let of = |k: OrgKind| under.iter().filter(move |o| o.kind == k.as_str());
        let (Some(office), Some(bureau)) = (
            of(OrgKind::CoordinationOffice).next(),
            of(OrgKind::EnforcementBureau).next(),
        ) else {
            continue;
        };
        let profile = profile_for(w.txn(), rules, gov).await?;
        let mut versions = HashMap::new();
        for r in RULES {
            if let Some(rule) = profile.rule(r) {
                let v = snapshot(&mut w, profile, rule).await?;
                versions.insert(
                    *r,
                    (
                        rule.clone(),
                        v,
                        profile.profile.id.clone(),
                        profile.profile.version,
                    ),
                );
            }
        }
        let towns: Vec<_> = of(OrgKind::Township)
            .enumerate()
            .map(|(i, t)| {
                (
                    t.id,
                    t.division_code.clone(),
                    t.name.clone(),
                    1.0 / (i as f64 + 1.0).powf(0.6),
                )
            })
            .collect();
        let depts: Vec<i64> = of(OrgKind::Department).map(|o| o.id).collect();
        if towns.is_empty() || depts.is_empty() {
            continue;
        }
        let n = counties.len() as f64;
        counties.push(County {
            office: office.id,
            bureau: bureau.id,
            depts,
            towns,
            rules: versions,
            lon: 118.5 + (n * 0.37) % 3.0,
            lat: 27.5 + (n * 0.23) % 3.0,
        });
    }
    if counties.is_empty() {
        return Err(StoreError::conflict(
            "demo.no_county",
            "没有可生成数据的县（区）",
        ));
    }
    w.record(
        "synthetic",
        seed,
        EventKind::SyntheticStarted,
        &payload::SyntheticStarted {
            seed,
            leads,
            counties: counties.len(),
        },
    );
    w.commit().await?;
    let county_weights: Vec<(usize, f64)> = counties
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                i,
                c.towns.len() as f64 * (0.7 + 0.6 * ((i * 37 % 11) as f64 / 10.0)),
            )
        })
        .collect();
    let next = Ids {
        lead: max_id(store, "leads").await?,
        case: max_id(store, "cases").await?,
        transfer: max_id(store, "transfers").await?,
        clock: max_id(store, "clocks").await?,
        order: max_id(store, "supervision_orders").await?,
    };
    let mut g = Gen {
        rng,
        now,
        cal: &cal,
        events: BTreeMap::new(),
        n_events: 0,
        next,
        rows: Rows::default(),
        sum: Summary {
            counties: counties.len(),
            ..Default::default()
        },
    };
    let today = xiezhi_domain::beijing::day(now);
    let first = today - Duration::days(364);
    // Weekdays bring twice the leads of days off; a gentle seasonal swell in summer.
    let weight = |d: NaiveDate| {
        let off = !g_is_workday(&cal, d);
        let season = 1.0 + 0.2 * ((d.ordinal() as f64 / 365.0 - 0.3) * std::f64::consts::TAU).sin();
        if off { 0.5 * season } else { season }
    };
    // Today counts for the part of it that has passed.
    let passed = ((now - beijing(today, 0)).num_seconds().max(1) as f64 / 86_400.0).min(1.0);
    let weights: Vec<f64> = (0..365)
        .map(|i| {
            let d = first + Duration::days(i);
            weight(d) * if d == today { passed } else { 1.0 }
        })
        .collect();
    let total_weight: f64 = weights.iter().sum();
    let mut cumulative = 0.0;
    for (i, w) in weights.iter().enumerate() {
        let d = first + Duration::days(i as i64);
        // Rounded running totals: the days' shares add up to `leads` exactly.
        let before = (leads as f64 * cumulative / total_weight).round() as u64;
        cumulative += w;
        let share = (leads as f64 * cumulative / total_weight).round() as u64 - before;
        let start = beijing(d, 0);
        let mut times: Vec<DateTime<Utc>> = (0..share)
            .map(|_| {
                // Office hours mostly; the hotline and grid work into the evening.
                let minute = if g.rng.gen_bool(0.93) {
                    g.rng.gen_range(8 * 60..18 * 60)
                } else {
                    g.rng.gen_range(0..24 * 60)
                };
                let t = beijing(d, minute) + Duration::seconds(g.rng.gen_range(0..60));
                if t <= now {
                    t
                } else {
                    start
                        + Duration::seconds(g.rng.gen_range(0..(now - start).num_seconds().max(1)))
                }
            })
            .collect();
        times.sort();
        for (n, at) in times.into_iter().enumerate() {
            let c = pick(&mut g.rng, &county_weights);
            let number = xiezhi_domain::lead::tracking_number(d, 50_000 + n as u64);
            g.lead(&counties[c], &items, at, number);
        }
        let end = beijing(d + Duration::days(1), 0).min(now + Duration::seconds(1));
        let mut w = store
            .begin_write(RecordContext::system(request_id, end.min(now)))
            .await?;
        let rows = std::mem::take(&mut g.rows);
        insert_rows(&w, rows).await?;
        let mut recorded = 0;
        while let Some(e) = g.events.first_entry() {
            if e.key().0 >= end {
                break;
            }
            let ((at, _), record) = e.remove_entry();
            record(&mut w, at);
            recorded += 1;
        }
        if recorded == 0 {
            w.record(
                "synthetic",
                seed,
                EventKind::SyntheticDay,
                &payload::SyntheticDay { day: d.to_string() },
            );
        }
        g.sum.events += w.commit().await?.len() as u64;
        if i % 30 == 29 {
            tracing::info!(day = %d, leads = g.sum.leads, events = g.sum.events, "synthetic history");
        }
    }
    // Fresh statistics for the query planner after a bulk load.
    store
        .db()
        .execute_raw(Statement::from_string(
            store.db().get_database_backend(),
            "ANALYZE",
        ))
        .await?;
    if store.engine() == Engine::Postgres {
        // Ids were given, not drawn: move the sequences past them.
        for table in [
            "leads",
            "cases",
            "transfers",
            "clocks",
            "supervision_orders",
        ] {
            store
                .db()
                .execute_raw(Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         GREATEST((SELECT MAX(id) FROM {table}), 1))"
                    ),
                ))
                .await?;
        }
    }
    Ok(g.sum)
}

fn g_is_workday(cal: &Calendar, d: NaiveDate) -> bool {
    xiezhi_calendar::Date::new(d.year(), d.month() as u8, d.day() as u8)
        .and_then(|d| cal.is_workday(d).ok())
        .unwrap_or(d.weekday().number_from_monday() <= 5)
}
