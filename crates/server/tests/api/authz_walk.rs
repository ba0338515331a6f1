//! Walk every route with every role, with an outsider org, and with no sign-in, and check
//! each answer against the policy table below.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xiezhi_domain::{DivisionCode, Login, OrgCode, OrgKind, OrgLevel, Role};
use xiezhi_store::engine_test;
use xiezhi_store::orgs::{self, NewOrg};
use xiezhi_store::people::{self, NewPerson};
use xiezhi_store::testing::TestDb;

/// Every `/api/v1` route (method, OpenAPI path). The OpenAPI test checks this list against
/// the generated description, so a new route cannot escape the walk.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    ("GET", "/api/v1/me"),
    ("PUT", "/api/v1/me/password"),
    ("GET", "/api/v1/me/second-factor"),
    ("POST", "/api/v1/me/second-factor"),
    ("POST", "/api/v1/me/second-factor/secret"),
    ("GET", "/api/v1/orgs"),
    ("POST", "/api/v1/orgs"),
    ("GET", "/api/v1/orgs/{id}"),
    ("PUT", "/api/v1/orgs/{id}"),
    ("POST", "/api/v1/orgs/{id}/deactivate"),
    ("POST", "/api/v1/orgs/{id}/reactivate"),
    ("GET", "/api/v1/people"),
    ("POST", "/api/v1/people"),
    ("GET", "/api/v1/people/{id}"),
    ("PUT", "/api/v1/people/{id}"),
    ("POST", "/api/v1/people/{id}/deactivate"),
    ("POST", "/api/v1/people/{id}/reactivate"),
    ("PUT", "/api/v1/people/{id}/roles"),
    ("PUT", "/api/v1/people/{id}/password"),
    ("POST", "/api/v1/people/{id}/unlock"),
    ("POST", "/api/v1/people/{id}/second-factor/reset"),
    ("POST", "/api/v1/people/{id}/certificates"),
    ("PUT", "/api/v1/people/{id}/training"),
    ("POST", "/api/v1/import/orgs"),
    ("POST", "/api/v1/import/people"),
    ("GET", "/api/v1/events"),
    ("GET", "/api/v1/security-log"),
    ("POST", "/api/v1/security-log/export"),
    ("GET", "/api/v1/tokens"),
    ("POST", "/api/v1/tokens"),
    ("POST", "/api/v1/tokens/{id}/revoke"),
    ("GET", "/api/v1/inbox"),
    ("GET", "/api/v1/todo"),
    ("GET", "/api/v1/clocks"),
    ("GET", "/api/v1/clocks/{id}"),
    ("POST", "/api/v1/clocks/{id}/commands"),
    ("POST", "/api/v1/clocks/recompute"),
    ("GET", "/api/v1/rules"),
    ("GET", "/api/v1/rule-profiles"),
    ("PUT", "/api/v1/orgs/{id}/rule-profile"),
    ("GET", "/api/v1/calendar/years"),
    ("POST", "/api/v1/calendar/years"),
    ("GET", "/api/v1/catalog/items"),
    ("GET", "/api/v1/catalog/items/{code}"),
    ("GET", "/api/v1/catalog/resolve"),
    ("GET", "/api/v1/catalog/may-penalise"),
    ("GET", "/api/v1/catalog/matrix"),
    ("POST", "/api/v1/catalog/import/items"),
    ("POST", "/api/v1/catalog/import/assignments"),
    ("GET", "/api/v1/catalog/export/items"),
    ("GET", "/api/v1/catalog/export/assignments"),
    ("GET", "/api/v1/catalog/indicators"),
    ("POST", "/api/v1/catalog/import/boundaries"),
    ("GET", "/api/v1/catalog/letters"),
    ("POST", "/api/v1/leads"),
    ("GET", "/api/v1/leads"),
    ("GET", "/api/v1/leads/{id}"),
    ("POST", "/api/v1/leads/{id}/sign"),
    ("GET", "/api/v1/leads/{id}/detail"),
    ("POST", "/api/v1/leads/{id}/no-violation"),
    ("POST", "/api/v1/leads/{id}/case"),
    ("POST", "/api/v1/leads/{id}/refer"),
    ("POST", "/api/v1/leads/{id}/reply"),
    ("POST", "/api/v1/leads/{id}/transfers"),
    ("POST", "/api/v1/leads/{id}/disputes"),
    ("GET", "/api/v1/transfers"),
    ("GET", "/api/v1/transfers/{id}"),
    ("POST", "/api/v1/transfers/{id}/approve"),
    ("POST", "/api/v1/transfers/{id}/send"),
    ("POST", "/api/v1/transfers/{id}/written"),
    ("POST", "/api/v1/transfers/{id}/accept"),
    ("POST", "/api/v1/transfers/{id}/reject"),
    ("POST", "/api/v1/transfers/{id}/withdraw"),
    ("POST", "/api/v1/transfers/{id}/outcome"),
    ("POST", "/api/v1/transfers/{id}/refusal"),
    ("GET", "/api/v1/disputes"),
    ("GET", "/api/v1/disputes/{id}"),
    ("POST", "/api/v1/disputes/{id}/notes"),
    ("POST", "/api/v1/disputes/{id}/escalate"),
    ("POST", "/api/v1/disputes/{id}/designate"),
    ("POST", "/api/v1/attachments"),
    ("GET", "/api/v1/attachments/{digest}"),
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{id}"),
    ("GET", "/api/v1/cases/{id}/events"),
    ("POST", "/api/v1/cases/{id}/parties"),
    ("POST", "/api/v1/cases/{id}/handlers"),
    ("PUT", "/api/v1/cases/{id}/flags"),
    ("POST", "/api/v1/cases/{id}/steps"),
    ("POST", "/api/v1/cases/{id}/permit-copy"),
    ("GET", "/api/v1/legal-review"),
    ("GET", "/api/v1/permit-check"),
    ("GET", "/api/v1/cases/{id}/file"),
    ("POST", "/api/v1/cases/{id}/evidence"),
    ("POST", "/api/v1/cases/{id}/documents"),
    ("GET", "/api/v1/cases/{id}/documents"),
    ("GET", "/api/v1/cases/{id}/documents/draft"),
    ("GET", "/api/v1/documents/{id}"),
    ("GET", "/api/v1/documents/{id}/pdf"),
    ("PUT", "/api/v1/document-templates/{kind}"),
    ("POST", "/api/v1/assistance"),
    ("GET", "/api/v1/assistance"),
    ("GET", "/api/v1/assistance/{id}"),
    ("POST", "/api/v1/assistance/{id}/steps"),
    ("POST", "/api/v1/assistance/{id}/rating"),
    ("POST", "/api/v1/instructions"),
    ("GET", "/api/v1/instructions"),
    ("GET", "/api/v1/instructions/{id}"),
    ("POST", "/api/v1/instructions/{id}/acknowledge"),
    ("POST", "/api/v1/instructions/{id}/complete"),
    ("GET", "/api/v1/live"),
    ("POST", "/api/v1/operations"),
    ("GET", "/api/v1/operations"),
    ("GET", "/api/v1/operations/{id}"),
    ("POST", "/api/v1/operations/{id}/steps"),
    ("POST", "/api/v1/operations/{id}/check-in"),
    ("POST", "/api/v1/operations/{id}/reports"),
    ("POST", "/api/v1/operations/{id}/links"),
    ("POST", "/api/v1/operations/{id}/notices"),
    ("POST", "/api/v1/operation-notices/{id}/dispatch"),
    ("POST", "/api/v1/meetings"),
    ("GET", "/api/v1/meetings"),
    ("GET", "/api/v1/meetings/{id}"),
    ("POST", "/api/v1/meetings/{id}/agenda"),
    ("POST", "/api/v1/meetings/{id}/steps"),
    ("GET", "/api/v1/action-items"),
    ("POST", "/api/v1/action-items/{id}/complete"),
    ("GET", "/api/v1/assessment"),
    ("GET", "/api/v1/assessment/orgs/{id}"),
];

/// Two special meetings of the office with 城东街道 as member: one collecting its agenda, one
/// held the day before with its minutes signed and an action item for 城东街道:
/// (collecting meeting, action item).
pub async fn cd_meetings(app: &TestApp, cd: i64) -> (i64, i64) {
    use xiezhi_domain::meeting::{MeetingCommand as C, MeetingKind};
    use xiezhi_store::meetings::{self as sm, Member, NewAction, NewMeeting};
    let cal = app.state.calendar();
    let env = xiezhi_store::clocks::ClockEnv {
        rules: &app.state.rules,
        calendar: &cal,
    };
    let p =
        |l: &'static str| async move { app.db.store.person_by_login(l).await.unwrap().unwrap() };
    let (office, leader, cd1, grid) = (
        p("office").await,
        p("leader").await,
        p("cd.1").await,
        p("cd.grid1").await,
    );
    let now = xiezhi_store::testing::now();
    let new = |starts_at| NewMeeting {
        kind: MeetingKind::Special,
        title: "走查会商".into(),
        starts_at,
        place: "会议室".into(),
        office_org_id: office.org_id,
        convenor_person_id: leader.id,
        members: vec![Member {
            org_id: cd,
            leader_person_id: cd1.id,
            liaison_person_id: grid.id,
        }],
        created_by: Some(office.id),
    };
    let writer = |at| async move {
        app.db
            .store
            .begin_write(xiezhi_store::RecordContext::system("walk", at))
            .await
            .unwrap()
    };
    let mut w = writer(now).await;
    let open = sm::call(&mut w, env, new(now + chrono::Duration::days(3)))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let t0 = now - chrono::Duration::days(1);
    let mut w = writer(t0).await;
    let held = sm::call(&mut w, env, new(t0 + chrono::Duration::hours(1)))
        .await
        .unwrap();
    sm::step(&mut w, env, held.id, C::SettleAgenda, None, None, vec![])
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut w = writer(t0 + chrono::Duration::hours(2)).await;
    sm::step(
        &mut w,
        env,
        held.id,
        C::RecordMinutes,
        None,
        Some("走查纪要".into()),
        vec![NewAction {
            owner_org_id: cd,
            body: "走查事项".into(),
            due_at: now + chrono::Duration::days(30),
        }],
    )
    .await
    .unwrap();
    sm::step(&mut w, env, held.id, C::Sign, Some(leader.id), None, vec![])
        .await
        .unwrap();
    w.commit().await.unwrap();
    let (_, _, actions) = app.db.store.meeting_parts(held.id).await.unwrap();
    (open.id, actions[0].id)
}

/// A running joint operation led by the enforcement bureau (zhzf.1 on it), drafted by the
/// office, with a notice to 城东街道: (operation, notice).
pub async fn cd_operation(app: &TestApp, cd: i64) -> (i64, i64) {
    use xiezhi_domain::operation::{OperationCommand as C, OperationMode};
    use xiezhi_store::operations::{self as so, Acting, Plan, UnitPlan};
    let cal = app.state.calendar();
    let env = xiezhi_store::clocks::ClockEnv {
        rules: &app.state.rules,
        calendar: &cal,
    };
    let p =
        |l: &'static str| async move { app.db.store.person_by_login(l).await.unwrap().unwrap() };
    let (office, chief, officer) = (p("office").await, p("zhzf.chief").await, p("zhzf.1").await);
    let now = xiezhi_store::testing::now();
    let mut w = app.system_writer().await;
    let m = so::create(
        &mut w,
        Plan {
            mode: OperationMode::Regular,
            title: "走查行动".into(),
            goal: "走查".into(),
            domain: "综合行政执法".into(),
            area: vec!["城东街道".into()],
            starts_at: now,
            ends_at: now + chrono::Duration::hours(4),
            lead_org_id: chief.org_id,
            units: vec![UnitPlan {
                org_id: chief.org_id,
                responsible_person_id: chief.id,
                tasks: "走查".into(),
            }],
            officers: vec![officer.id],
        },
        office.org_id,
        Some(office.id),
    )
    .await
    .unwrap();
    let all = Acting {
        by_leader: true,
        by_office: true,
        by_lead: true,
        person_id: None,
    };
    for cmd in [C::Submit, C::Approve, C::Start] {
        so::step(&mut w, env, m.id, cmd, all, Some("走查".into()))
            .await
            .unwrap();
    }
    let n = so::notify_unit(&mut w, env, m.id, cd, "走查通知")
        .await
        .unwrap();
    w.commit().await.unwrap();
    (m.id, n.id)
}

/// An instruction from the office to 城东街道 (acknowledged by whoever may first).
pub async fn cd_instruction(app: &TestApp, cd: i64) -> i64 {
    let cal = app.state.calendar();
    let env = xiezhi_store::clocks::ClockEnv {
        rules: &app.state.rules,
        calendar: &cal,
    };
    let office = app
        .db
        .store
        .person_by_login("office")
        .await
        .unwrap()
        .unwrap();
    let mut w = app.system_writer().await;
    let (m, _) = xiezhi_store::instructions::send(
        &mut w,
        env,
        xiezhi_store::instructions::NewInstruction {
            from_org_id: office.org_id,
            from_person_id: Some(office.id),
            body: "走查指令".into(),
            due_at: None,
            to_orgs: vec![cd],
            to_people: vec![],
            attachments: vec![],
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    m.id
}

/// Who may send an assistance request in their own org's name.
const SENDS_ASSISTANCE: &[&str] = &["leader", "zhzf.1"];

/// An assistance request from 城东街道 to the market department.
pub async fn cd_assistance(app: &TestApp) -> i64 {
    let cal = app.state.calendar();
    let env = xiezhi_store::clocks::ClockEnv {
        rules: &app.state.rules,
        calendar: &cal,
    };
    let mut w = app.system_writer().await;
    let a = xiezhi_store::assistance::send(
        &mut w,
        env,
        xiezhi_store::assistance::NewRequest {
            from_org_id: app.org_id("YX-CD").await,
            to_org_id: app.org_id("YX-SCJG").await,
            case_id: None,
            kind: xiezhi_domain::assistance::AssistanceKind::Material,
            text: "走查协助".into(),
            urgent: false,
            created_by: None,
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    a.id
}

/// A document issued on a case (through the store, with a fixed body).
pub async fn case_document(app: &TestApp, case: i64) -> i64 {
    let mut w = app.system_writer().await;
    let d = xiezhi_store::documents::issue(
        &mut w,
        xiezhi_store::documents::NewDocument {
            case_id: case,
            org_id: app.org_id("YX-CD").await,
            org_short: "城东",
            kind: xiezhi_domain::document::DocumentKind::FilingApproval,
            pattern: xiezhi_domain::document::DEFAULT_PATTERN,
            issued_by: None,
        },
        |n| Ok(format!("<p>{n}</p>")),
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    d.id
}

/// Who sees cases in their reach.
const SEES_CASES: &[&str] = &[
    "leader",
    "office",
    "zhzf.1",
    "zhzf.legal",
    "auditor",
    "auditadmin",
];
/// Who sees a case held by 城东街道.
const SEES_CD_CASE: &[&str] = &["leader", "office", "auditor", "auditadmin"];
/// Who may ask the permit check.
const CHECKS_PERMITS: &[&str] = &["leader", "office", "zhzf.1", "zhzf.legal"];

/// A case filed by 城东街道 from a lead of its own.
pub async fn cd_case(app: &TestApp) -> i64 {
    let lead = cd_lead(app).await;
    let cal = app.state.calendar();
    let env = xiezhi_store::clocks::ClockEnv {
        rules: &app.state.rules,
        calendar: &cal,
    };
    let mut w = app.system_writer().await;
    let c = xiezhi_store::transfers::file_case(
        &mut w,
        env,
        lead,
        &xiezhi_store::transfers::Filing {
            title: "走查案件".into(),
            ..Default::default()
        },
        xiezhi_store::transfers::Acting {
            org_id: app.org_id("YX-CD").await,
            person_id: None,
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    c.id
}

/// A transfer from 城东街道 to the market department, sent; a dispute between them about
/// another lead; a photo on the first lead. Returns (transfer, dispute, photo digest).
pub async fn cd_transfer(app: &TestApp, lead: i64) -> (i64, i64, String) {
    use xiezhi_store::transfers::{self as st, Acting};
    let cd = app.org_id("YX-CD").await;
    let scjg = app.org_id("YX-SCJG").await;
    let second = cd_lead(app).await;
    let third = cd_lead(app).await;
    let cal = app.state.calendar();
    let env = xiezhi_store::clocks::ClockEnv {
        rules: &app.state.rules,
        calendar: &cal,
    };
    let mut w = app.system_writer().await;
    let by = Acting {
        org_id: cd,
        person_id: None,
    };
    let d = xiezhi_domain::transfer::DraftFields {
        facts: "走查移送".into(),
        materials: vec![
            xiezhi_domain::transfer::MaterialFields {
                kind: "letter".into(),
                title: "移送函".into(),
                digest: None,
            },
            xiezhi_domain::transfer::MaterialFields {
                kind: "source".into(),
                title: "笔录".into(),
                digest: None,
            },
        ],
        ..Default::default()
    }
    .parse()
    .unwrap();
    let t = st::draft(&mut w, env, second, scjg, &d, by).await.unwrap();
    st::approve(&mut w, env, t.id, by).await.unwrap();
    let dispute = st::open_conflict(&mut w, env, third, scjg, "走查争议", by)
        .await
        .unwrap();
    let digest = st::store_blob(&mut w, b"\x89PNG\r\n\x1a\nwalk".to_vec())
        .await
        .unwrap();
    st::attach(
        &mut w,
        "lead",
        lead,
        &[xiezhi_domain::transfer::Material {
            kind: xiezhi_domain::transfer::MaterialKind::Source,
            title: "现场照片".into(),
            digest: Some(digest.clone()),
        }],
        Some(cd),
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    (t.id, dispute.id, digest)
}

/// Who may act in the name of 城东街道 (or of the market department): the county leader.
const ACTS_FOR_CD: &[&str] = &["leader"];
/// Who may open a dispute about a 城东街道 lead (acting for their own org, seeing the lead).
const DISPUTES_CD: &[&str] = &["leader", "office"];
/// Who may record or escalate in a dispute: a party, or the office.
const DISPUTE_PARTY: &[&str] = &["leader", "office"];

/// Who may register a lead for their own org.
const SUBMITS_LEADS: &[&str] = &["leader", "office", "zhzf.1", "cd.grid1"];
/// Who sees leads in their reach.
const SEES_LEADS: &[&str] = &[
    "leader",
    "office",
    "zhzf.1",
    "zhzf.legal",
    "cd.grid1",
    "auditor",
    "auditadmin",
];

/// A lead received by 城东街道.
pub async fn cd_lead(app: &TestApp) -> i64 {
    let cal = app.state.calendar();
    let env = xiezhi_store::clocks::ClockEnv {
        rules: &app.state.rules,
        calendar: &cal,
    };
    let mut w = app.system_writer().await;
    let input = xiezhi_domain::lead::LeadFields {
        channel: "grid".into(),
        reporter_phone: Some("13900002222".into()),
        text: "解放路有人占道经营".into(),
        division_code: Some("339901001".into()),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let receipt = xiezhi_store::leads::Receipt {
        org_id: app.org_id("YX-CD").await,
        person_id: None,
        token_id: None,
        idempotency_key: None,
    };
    let r = xiezhi_store::leads::intake(&mut w, env, input, receipt)
        .await
        .unwrap();
    w.commit().await.unwrap();
    r.lead.id
}

/// Who sees clocks in their reach (not the security or system administrator).
const SEES_CLOCKS: &[&str] = &[
    "leader",
    "office",
    "zhzf.1",
    "zhzf.legal",
    "cd.grid1",
    "auditor",
    "auditadmin",
];
/// Who sees the clock held by 城东街道.
const SEES_CD_CLOCK: &[&str] = &["leader", "office", "cd.grid1", "auditor", "auditadmin"];

/// A 2027 holiday notice (fictional dates, complete enough to load).
pub const Y2027: &str = "date,kind,name\n2027-01-01,rest,元旦\n2027-02-06,rest,春节\n2027-02-07,rest,春节\n2027-02-08,rest,春节\n2027-02-09,rest,春节\n2027-02-10,rest,春节\n2027-02-11,rest,春节\n2027-02-12,rest,春节\n2027-10-01,rest,国庆节\n2027-10-04,rest,国庆节\n2027-10-05,rest,国庆节\n2027-10-06,rest,国庆节\n2027-10-07,rest,国庆节\n";

/// A clock held by 城东街道 (a transfer to send within the limit).
pub async fn cd_clock(app: &TestApp) -> i64 {
    let cal = app.state.calendar();
    let env = xiezhi_store::clocks::ClockEnv {
        rules: &app.state.rules,
        calendar: &cal,
    };
    let mut w = app.system_writer().await;
    let c = xiezhi_store::clocks::start(
        &mut w,
        env,
        xiezhi_store::clocks::ClockStart {
            subject_type: "transfer".into(),
            subject_id: "W-1".into(),
            rule_id: "transfer.send".into(),
            holder_org_id: app.org_id("YX-CD").await,
            holder_person_id: None,
            at: chrono::DateTime::parse_from_rfc3339("2026-11-02T02:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    c.id
}

/// One actor per role in the demo county.
const ACTORS: &[(&str, Role)] = &[
    ("leader", Role::Leader),
    ("office", Role::OfficeCoordinator),
    ("zhzf.1", Role::Officer),
    ("zhzf.legal", Role::LegalReviewer),
    ("cd.grid1", Role::GridMember),
    ("auditor", Role::Auditor),
    ("sysadmin", Role::SystemAdmin),
    ("secadmin", Role::SecurityAdmin),
    ("auditadmin", Role::AuditAdmin),
];

const ALL: &[&str] = &[
    "leader",
    "office",
    "zhzf.1",
    "zhzf.legal",
    "cd.grid1",
    "auditor",
    "sysadmin",
    "secadmin",
    "auditadmin",
];
const SEES_CD1: &[&str] = &[
    "leader",
    "office",
    "cd.grid1",
    "auditor",
    "sysadmin",
    "secadmin",
    "auditadmin",
];

/// What an outsider (same role, another county) gets.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Outsider {
    /// Refused (403), or for an import: rows refused as out of scope (400).
    Denied,
    /// Their own data only (200, none of ours).
    OwnOnly,
    /// Public information (the catalog): allowed, ours included.
    Public,
}

enum Body {
    None,
    /// A stream (SSE): only the status is read.
    Stream,
    Json(Value),
    Csv(String),
}

struct Case {
    method: Method,
    /// OpenAPI path (for the coverage check).
    route: &'static str,
    path: String,
    body: Body,
    allowed: &'static [&'static str],
    outsider: Outsider,
}

pub(crate) struct Ids {
    pub(crate) cd: i64,
    pub(crate) cd1: i64,
    pub(crate) gov: i64,
    pub(crate) token: i64,
    pub(crate) clk: i64,
    pub(crate) lead: i64,
    pub(crate) tr: i64,
    pub(crate) dsp: i64,
    pub(crate) digest: &'static str,
    pub(crate) case: i64,
    pub(crate) asst: i64,
    pub(crate) doc: i64,
    pub(crate) ins: i64,
    pub(crate) opn: i64,
    pub(crate) notice: i64,
    pub(crate) mtg: i64,
    pub(crate) act: i64,
}

fn cases(ids: &Ids, n: usize) -> Vec<Case> {
    let Ids {
        cd,
        cd1,
        gov,
        token,
        clk,
        lead,
        tr,
        dsp,
        digest,
        case,
        asst,
        doc,
        ins,
        opn,
        notice,
        mtg,
        act,
    } = *ids;
    let c = |method: Method,
             route: &'static str,
             path: String,
             body: Body,
             allowed: &'static [&'static str],
             outsider| Case {
        method,
        route,
        path,
        body,
        allowed,
        outsider,
    };
    use Outsider::*;
    let org = json!({"code": format!("WALK-{n}"), "name": "走查机构", "kind": "department", "level": "township", "parent_id": cd, "division_code": "339901001"});
    let org_edit = json!({"name": "城东街道", "kind": "township", "level": "township", "parent_id": gov, "division_code": "339901001"});
    vec![
        c(
            Method::GET,
            "/api/v1/me",
            "/api/v1/me".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::PUT,
            "/api/v1/me/password",
            "/api/v1/me/password".into(),
            Body::Json(json!({"old_password": "not-it", "new_password": "x"})),
            ALL,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/me/second-factor",
            "/api/v1/me/second-factor".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/me/second-factor/secret",
            "/api/v1/me/second-factor/secret".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/me/second-factor",
            "/api/v1/me/second-factor".into(),
            Body::Json(json!({"secret": "AAAA", "code": "000000"})),
            ALL,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/orgs",
            "/api/v1/orgs".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/orgs",
            "/api/v1/orgs".into(),
            Body::Json(org),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/orgs/{id}",
            format!("/api/v1/orgs/{cd}"),
            Body::None,
            ALL,
            Denied,
        ),
        c(
            Method::PUT,
            "/api/v1/orgs/{id}",
            format!("/api/v1/orgs/{cd}"),
            Body::Json(org_edit),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/orgs/{id}/deactivate",
            format!("/api/v1/orgs/{cd}/deactivate"),
            Body::None,
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/orgs/{id}/reactivate",
            format!("/api/v1/orgs/{cd}/reactivate"),
            Body::None,
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/people",
            "/api/v1/people".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/people",
            "/api/v1/people".into(),
            Body::Json(
                json!({"login": format!("walk.{n}"), "name": "走查", "org_id": cd, "roles": ["officer"]}),
            ),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/people/{id}",
            format!("/api/v1/people/{cd1}"),
            Body::None,
            SEES_CD1,
            Denied,
        ),
        c(
            Method::PUT,
            "/api/v1/people/{id}",
            format!("/api/v1/people/{cd1}"),
            Body::Json(json!({"name": "城东甲", "org_id": cd, "phone": "13800000000"})),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/people/{id}/deactivate",
            format!("/api/v1/people/{cd1}/deactivate"),
            Body::None,
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/people/{id}/reactivate",
            format!("/api/v1/people/{cd1}/reactivate"),
            Body::None,
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::PUT,
            "/api/v1/people/{id}/roles",
            format!("/api/v1/people/{cd1}/roles"),
            Body::Json(json!({"roles": ["officer"]})),
            &["secadmin"],
            Denied,
        ),
        c(
            Method::PUT,
            "/api/v1/people/{id}/password",
            format!("/api/v1/people/{cd1}/password"),
            Body::Json(json!({"password": "Walk-2026-Audit"})),
            &["secadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/people/{id}/unlock",
            format!("/api/v1/people/{cd1}/unlock"),
            Body::None,
            &["secadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/people/{id}/second-factor/reset",
            format!("/api/v1/people/{cd1}/second-factor/reset"),
            Body::None,
            &["secadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/people/{id}/certificates",
            format!("/api/v1/people/{cd1}/certificates"),
            Body::Json(
                json!({"number": format!("ZJWALK{n:02}"), "domains": ["综合行政执法"], "valid_until": "2030-12-31"}),
            ),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::PUT,
            "/api/v1/people/{id}/training",
            format!("/api/v1/people/{cd1}/training"),
            Body::Json(json!({"year": 2026, "hours": 48})),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/import/orgs",
            "/api/v1/import/orgs".into(),
            Body::Csv(format!(
                "code,name,kind,level,parent_code,division_code\nWALKI-{n},导入机构,department,county,YX-GOV,339901\n"
            )),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/import/people",
            "/api/v1/import/people".into(),
            Body::Csv(format!(
                "login,name,org_code,roles,phone,certificate_number,certificate_domains,certificate_valid_until,training_year,training_hours\nwalki.{n},导入人员,YX-CD,officer,,,,,,\n"
            )),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/events",
            "/api/v1/events".into(),
            Body::None,
            &["auditor", "auditadmin"],
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/security-log",
            "/api/v1/security-log".into(),
            Body::None,
            &["auditor", "auditadmin"],
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/security-log/export",
            "/api/v1/security-log/export".into(),
            Body::None,
            &["auditor", "auditadmin"],
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/tokens",
            "/api/v1/tokens".into(),
            Body::None,
            &["secadmin"],
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/tokens",
            "/api/v1/tokens".into(),
            Body::Json(json!({"org_id": gov, "name": "走查令牌", "scopes": ["read"]})),
            &["secadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/tokens/{id}/revoke",
            format!("/api/v1/tokens/{token}/revoke"),
            Body::None,
            &["secadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/inbox",
            "/api/v1/inbox".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/todo",
            "/api/v1/todo".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/clocks",
            "/api/v1/clocks".into(),
            Body::None,
            SEES_CLOCKS,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/clocks/{id}",
            format!("/api/v1/clocks/{clk}"),
            Body::None,
            SEES_CD_CLOCK,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/clocks/{id}/commands",
            format!("/api/v1/clocks/{clk}/commands"),
            Body::Json(json!({"command": "pause", "reason": "走查"})),
            &["leader", "office"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/clocks/recompute",
            "/api/v1/clocks/recompute".into(),
            Body::None,
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/rules",
            "/api/v1/rules".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/rule-profiles",
            "/api/v1/rule-profiles".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::PUT,
            "/api/v1/orgs/{id}/rule-profile",
            format!("/api/v1/orgs/{cd}/rule-profile"),
            Body::Json(json!({"profile_id": "zhoucun-2018"})),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/calendar/years",
            "/api/v1/calendar/years".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/calendar/years",
            "/api/v1/calendar/years".into(),
            Body::Csv(Y2027.into()),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/catalog/items",
            "/api/v1/catalog/items?q=占道".into(),
            Body::None,
            ALL,
            Public,
        ),
        c(
            Method::GET,
            "/api/v1/catalog/items/{code}",
            "/api/v1/catalog/items/ZJ-CSGL-CF-0001".into(),
            Body::None,
            ALL,
            Public,
        ),
        c(
            Method::GET,
            "/api/v1/catalog/resolve",
            "/api/v1/catalog/resolve?item=ZJ-CSGL-CF-0001&division=339901001".into(),
            Body::None,
            ALL,
            Public,
        ),
        c(
            Method::GET,
            "/api/v1/catalog/may-penalise",
            "/api/v1/catalog/may-penalise?item=ZJ-CSGL-CF-0001&division=339901001".into(),
            Body::None,
            ALL,
            Public,
        ),
        c(
            Method::GET,
            "/api/v1/catalog/matrix",
            "/api/v1/catalog/matrix".into(),
            Body::None,
            ALL,
            Public,
        ),
        c(
            Method::POST,
            "/api/v1/catalog/import/items",
            "/api/v1/catalog/import/items".into(),
            Body::Csv(CATALOG_ITEMS.into()),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/catalog/import/assignments",
            "/api/v1/catalog/import/assignments".into(),
            Body::Csv(CATALOG_ASSIGNMENTS.into()),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/catalog/export/items",
            "/api/v1/catalog/export/items".into(),
            Body::None,
            ALL,
            Public,
        ),
        c(
            Method::GET,
            "/api/v1/catalog/export/assignments",
            "/api/v1/catalog/export/assignments".into(),
            Body::None,
            ALL,
            Public,
        ),
        c(
            Method::GET,
            "/api/v1/catalog/indicators",
            "/api/v1/catalog/indicators".into(),
            Body::None,
            ALL,
            Public,
        ),
        c(
            Method::POST,
            "/api/v1/catalog/import/boundaries",
            "/api/v1/catalog/import/boundaries".into(),
            Body::Csv(xiezhi_store::demo::DEMO_BOUNDARIES.into()),
            &["sysadmin"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/catalog/letters",
            "/api/v1/catalog/letters".into(),
            Body::None,
            ALL,
            Public,
        ),
        c(
            Method::POST,
            "/api/v1/leads",
            "/api/v1/leads".into(),
            Body::Json(json!({"channel": "patrol", "text": format!("走查线索{n}")})),
            SUBMITS_LEADS,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/leads",
            "/api/v1/leads".into(),
            Body::None,
            SEES_LEADS,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/leads/{id}",
            format!("/api/v1/leads/{lead}"),
            Body::None,
            SEES_CD_CLOCK,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/leads/{id}/sign",
            format!("/api/v1/leads/{lead}/sign"),
            Body::None,
            &["leader", "office"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/leads/{id}/detail",
            format!("/api/v1/leads/{lead}/detail"),
            Body::None,
            SEES_CD_CLOCK,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/leads/{id}/no-violation",
            format!("/api/v1/leads/{lead}/no-violation"),
            Body::Json(json!({"reply": "走查答复"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/leads/{id}/case",
            format!("/api/v1/leads/{lead}/case"),
            Body::Json(json!({"title": "走查案"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/leads/{id}/refer",
            format!("/api/v1/leads/{lead}/refer"),
            Body::Json(json!({"township_id": cd, "notice": "走查"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/leads/{id}/reply",
            format!("/api/v1/leads/{lead}/reply"),
            Body::Json(json!({"reply": "走查答复"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/leads/{id}/transfers",
            format!("/api/v1/leads/{lead}/transfers"),
            Body::Json(json!({"to_org_id": gov, "facts": "走查", "materials": []})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/leads/{id}/disputes",
            format!("/api/v1/leads/{lead}/disputes"),
            Body::Json(json!({"org_id": gov, "reason": "走查"})),
            DISPUTES_CD,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/transfers",
            "/api/v1/transfers".into(),
            Body::None,
            SEES_LEADS,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/transfers/{id}",
            format!("/api/v1/transfers/{tr}"),
            Body::None,
            SEES_CD_CLOCK,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/transfers/{id}/approve",
            format!("/api/v1/transfers/{tr}/approve"),
            Body::None,
            &[],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/transfers/{id}/send",
            format!("/api/v1/transfers/{tr}/send"),
            Body::None,
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/transfers/{id}/written",
            format!("/api/v1/transfers/{tr}/written"),
            Body::Json(json!({"materials": []})),
            &[],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/transfers/{id}/refusal",
            format!("/api/v1/transfers/{tr}/refusal"),
            Body::Json(json!({"reconsider": true})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/transfers/{id}/outcome",
            format!("/api/v1/transfers/{tr}/outcome"),
            Body::Json(json!({"outcome": "走查"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/transfers/{id}/reject",
            format!("/api/v1/transfers/{tr}/reject"),
            Body::Json(json!({"reason": ""})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/transfers/{id}/withdraw",
            format!("/api/v1/transfers/{tr}/withdraw"),
            Body::Json(json!({"reason": ""})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/transfers/{id}/accept",
            format!("/api/v1/transfers/{tr}/accept"),
            Body::None,
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/disputes",
            "/api/v1/disputes".into(),
            Body::None,
            SEES_LEADS,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/disputes/{id}",
            format!("/api/v1/disputes/{dsp}"),
            Body::None,
            SEES_CD_CLOCK,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/disputes/{id}/notes",
            format!("/api/v1/disputes/{dsp}/notes"),
            Body::Json(json!({"kind": "minutes", "text": ""})),
            DISPUTE_PARTY,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/disputes/{id}/escalate",
            format!("/api/v1/disputes/{dsp}/escalate"),
            Body::None,
            DISPUTE_PARTY,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/disputes/{id}/designate",
            format!("/api/v1/disputes/{dsp}/designate"),
            Body::Json(json!({"org_id": gov, "decision": ""})),
            &["office"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/attachments",
            "/api/v1/attachments".into(),
            Body::Csv("不是图片".into()),
            &["leader", "office", "zhzf.1", "cd.grid1"],
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/attachments/{digest}",
            format!("/api/v1/attachments/{digest}"),
            Body::None,
            SEES_CD_CLOCK,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/cases",
            "/api/v1/cases".into(),
            Body::None,
            SEES_CASES,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/cases/{id}",
            format!("/api/v1/cases/{case}"),
            Body::None,
            SEES_CD_CASE,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/cases/{id}/events",
            format!("/api/v1/cases/{case}/events"),
            Body::None,
            SEES_CD_CASE,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/cases/{id}/parties",
            format!("/api/v1/cases/{case}/parties"),
            Body::Json(json!({"type": "person", "name": "走查", "code": "1"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/cases/{id}/handlers",
            format!("/api/v1/cases/{case}/handlers"),
            Body::Json(json!({"person_id": cd1})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::PUT,
            "/api/v1/cases/{id}/flags",
            format!("/api/v1/cases/{case}/flags"),
            Body::Json(json!({"major": true})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/cases/{id}/steps",
            format!("/api/v1/cases/{case}/steps"),
            Body::Json(json!({"step": "investigate"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/cases/{id}/permit-copy",
            format!("/api/v1/cases/{case}/permit-copy"),
            Body::Json(json!({"permit_org_id": gov})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/legal-review",
            "/api/v1/legal-review".into(),
            Body::None,
            &["zhzf.legal"],
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/permit-check",
            "/api/v1/permit-check?party=91350100M000100Y43&item=ZJ-CSGL-CF-0001".into(),
            Body::None,
            CHECKS_PERMITS,
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/assistance",
            "/api/v1/assistance".into(),
            Body::Json(json!({"to_org_id": gov, "kind": "material", "text": "走查"})),
            SENDS_ASSISTANCE,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/assistance",
            "/api/v1/assistance".into(),
            Body::None,
            SEES_CASES,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/assistance/{id}",
            format!("/api/v1/assistance/{asst}"),
            Body::None,
            SEES_CD_CASE,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/assistance/{id}/steps",
            format!("/api/v1/assistance/{asst}/steps"),
            Body::Json(json!({"step": "answer", "text": "走查答复"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/assistance/{id}/rating",
            format!("/api/v1/assistance/{asst}/rating"),
            Body::Json(json!({"satisfaction": "satisfied"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/cases/{id}/documents",
            format!("/api/v1/cases/{case}/documents"),
            Body::Json(json!({"kind": "filing_approval"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/cases/{id}/documents",
            format!("/api/v1/cases/{case}/documents"),
            Body::None,
            SEES_CD_CASE,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/cases/{id}/documents/draft",
            format!("/api/v1/cases/{case}/documents/draft?kind=inspection_record"),
            Body::None,
            SEES_CD_CASE,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/documents/{id}",
            format!("/api/v1/documents/{doc}"),
            Body::None,
            SEES_CD_CASE,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/documents/{id}/pdf",
            format!("/api/v1/documents/{doc}/pdf"),
            Body::None,
            SEES_CD_CASE,
            Denied,
        ),
        c(
            Method::PUT,
            "/api/v1/document-templates/{kind}",
            "/api/v1/document-templates/penalty_decision".into(),
            Body::Json(json!({"body": "<p>{{ case.title }}</p>"})),
            &["sysadmin"],
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/instructions",
            "/api/v1/instructions".into(),
            Body::Json(json!({"body": "走查指令", "to_orgs": [cd]})),
            &["leader", "office"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/instructions",
            "/api/v1/instructions".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/instructions/{id}",
            format!("/api/v1/instructions/{ins}"),
            Body::None,
            &["leader", "office", "cd.grid1"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/instructions/{id}/acknowledge",
            format!("/api/v1/instructions/{ins}/acknowledge"),
            Body::None,
            &["cd.grid1"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/instructions/{id}/complete",
            format!("/api/v1/instructions/{ins}/complete"),
            Body::Json(json!({"report": "走查办结"})),
            &["cd.grid1"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/live",
            "/api/v1/live".into(),
            Body::Stream,
            ALL,
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/operations",
            "/api/v1/operations".into(),
            Body::Json(
                json!({"mode": "regular", "title": "走查", "goal": "走查", "domain": "综合行政执法",
                "area": ["城东街道"], "starts_at": "2030-01-01 09:00", "ends_at": "2030-01-01 12:00", "lead_org_id": cd,
                "units": [{"org_id": cd, "responsible_person_id": cd1, "tasks": "走查"}], "officers": [cd1]}),
            ),
            &["office"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/operations",
            "/api/v1/operations".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/operations/{id}",
            format!("/api/v1/operations/{opn}"),
            Body::None,
            &[
                "leader",
                "office",
                "auditor",
                "auditadmin",
                "zhzf.1",
                "zhzf.legal",
                "cd.grid1",
            ],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/operations/{id}/check-in",
            format!("/api/v1/operations/{opn}/check-in"),
            Body::Json(json!({})),
            &["zhzf.1"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/operations/{id}/reports",
            format!("/api/v1/operations/{opn}/reports"),
            Body::Json(json!({"body": "走查报告"})),
            &["office", "zhzf.1", "zhzf.legal"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/operations/{id}/links",
            format!("/api/v1/operations/{opn}/links"),
            Body::Json(json!({"lead_id": lead})),
            &["office", "zhzf.1", "zhzf.legal"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/operations/{id}/notices",
            format!("/api/v1/operations/{opn}/notices"),
            Body::Json(json!({"org_id": cd, "body": "走查通知"})),
            &["office", "zhzf.1"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/operation-notices/{id}/dispatch",
            format!("/api/v1/operation-notices/{notice}/dispatch"),
            Body::Json(json!({"officers": [cd1], "note": "走查"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/meetings",
            "/api/v1/meetings".into(),
            Body::Json(
                json!({"kind": "special", "title": "走查会商", "place": "会议室", "starts_at": "2030-01-01 09:00",
                "convenor_person_id": cd1, "members": [{"org_id": cd, "leader_person_id": cd1, "liaison_person_id": cd1}]}),
            ),
            &["office"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/meetings",
            "/api/v1/meetings".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/meetings/{id}",
            format!("/api/v1/meetings/{mtg}"),
            Body::None,
            &["leader", "office", "auditor", "auditadmin", "cd.grid1"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/meetings/{id}/agenda",
            format!("/api/v1/meetings/{mtg}/agenda"),
            Body::Json(json!({"title": "走查议题"})),
            &["cd.grid1"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/meetings/{id}/steps",
            format!("/api/v1/meetings/{mtg}/steps"),
            Body::Json(json!({"step": "settle"})),
            &["office"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/action-items",
            "/api/v1/action-items".into(),
            Body::None,
            &["leader", "office", "zhzf.1", "zhzf.legal", "cd.grid1"],
            OwnOnly,
        ),
        c(
            Method::POST,
            "/api/v1/action-items/{id}/complete",
            format!("/api/v1/action-items/{act}/complete"),
            Body::Json(json!({"report": "走查办结"})),
            &["cd.grid1"],
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/assessment",
            "/api/v1/assessment".into(),
            Body::None,
            &["leader", "office", "auditor", "auditadmin"],
            OwnOnly,
        ),
        c(
            Method::GET,
            "/api/v1/assessment/orgs/{id}",
            format!("/api/v1/assessment/orgs/{cd}"),
            Body::None,
            &["leader", "office", "auditor", "auditadmin"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/operations/{id}/steps",
            format!("/api/v1/operations/{opn}/steps"),
            Body::Json(json!({"step": "close", "text": "走查结束"})),
            &["office", "zhzf.1"],
            Denied,
        ),
        c(
            Method::POST,
            "/api/v1/cases/{id}/evidence",
            format!("/api/v1/cases/{case}/evidence"),
            Body::Json(json!({"digest": digest, "title": "走查证据"})),
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::GET,
            "/api/v1/cases/{id}/file",
            format!("/api/v1/cases/{case}/file"),
            Body::None,
            ACTS_FOR_CD,
            Denied,
        ),
        c(
            Method::DELETE,
            "/api/v1/session",
            "/api/v1/session".into(),
            Body::None,
            ALL,
            OwnOnly,
        ),
    ]
}

async fn send(s: &Session, case: &Case) -> Reply {
    match &case.body {
        Body::None => s.call(case.method.clone(), &case.path, None).await,
        Body::Stream => {
            let r = s
                .client
                .get(format!("{}{}", s.base, case.path))
                .send()
                .await
                .unwrap();
            Reply {
                status: r.status(),
                body: Value::Null,
            }
        }
        Body::Json(v) => {
            s.call(case.method.clone(), &case.path, Some(v.clone()))
                .await
        }
        Body::Csv(t) => s.send_text(case.method.clone(), &case.path, t).await,
    }
}

/// Another county with a person in every role (logins `wx.<role>`).
async fn outsider_county(app: &TestApp) -> Vec<(String, Role)> {
    let s = &app.db.store;
    let hash = xiezhi_store::auth::hash_password(DEMO_PASSWORD).unwrap();
    let mut w = s
        .begin_write(xiezhi_store::RecordContext::system(
            "walk",
            xiezhi_store::testing::now(),
        ))
        .await
        .unwrap();
    let gov = orgs::create(
        &mut w,
        NewOrg {
            code: OrgCode::parse("WX-GOV").unwrap(),
            name: "外县人民政府".into(),
            kind: OrgKind::Government,
            level: OrgLevel::County,
            parent_id: None,
            division_code: DivisionCode::parse("339902").unwrap(),
        },
    )
    .await
    .unwrap();
    let mut out = vec![];
    for (_, role) in ACTORS {
        let login = format!("wx.{}", role.as_str().replace('_', "-"));
        people::create(
            &mut w,
            NewPerson {
                login: Login::parse(&login).unwrap(),
                name: "外县人员".into(),
                org_id: gov.id,
                roles: vec![*role],
                phone: None,
                password_hash: Some(hash.clone()),
            },
        )
        .await
        .unwrap();
        out.push((login, *role));
    }
    w.commit().await.unwrap();
    out
}

fn mentions_our_county(v: &Value) -> bool {
    let text = v.to_string();
    text.contains("YX-") || text.contains("云溪") || text.contains("\"cd.1\"")
}

/// One of everything the walks act on, in 城东街道 and around it.
pub(crate) async fn fixtures(app: &TestApp) -> Ids {
    let sec = app.sign_in("secadmin").await;
    let token = sec
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"name": "被吊销的令牌", "scopes": ["read"]})),
        )
        .await;
    let cd = app.org_id("YX-CD").await;
    let lead = cd_lead(app).await;
    let (tr, dsp, digest) = cd_transfer(app, lead).await;
    let case = cd_case(app).await;
    let (opn, notice) = cd_operation(app, cd).await;
    let (mtg, act) = cd_meetings(app, cd).await;
    Ids {
        cd,
        cd1: app.person_id("cd.1").await,
        gov: app.org_id("YX-GOV").await,
        token: token.body["id"].as_i64().unwrap(),
        clk: cd_clock(app).await,
        lead,
        tr,
        dsp,
        digest: Box::leak(digest.into_boxed_str()),
        case,
        asst: cd_assistance(app).await,
        doc: case_document(app, case).await,
        ins: cd_instruction(app, cd).await,
        opn,
        notice,
        mtg,
        act,
    }
}

engine_test!(
    every_api_route_answers_every_role_and_outsider_as_the_policy_says,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let ids = fixtures(&app).await;
        app.with_catalog().await;
        let outsiders = outsider_county(&app).await;
        let walked: Vec<(String, &str)> = cases(&ids, 0)
            .iter()
            .map(|c| (c.method.to_string(), c.route))
            .collect();
        for (method, route) in API_ROUTES {
            let is_sign_in = *method == "POST" && *route == "/api/v1/session";
            assert!(
                is_sign_in || walked.contains(&(method.to_string(), *route)),
                "{method} {route} is not walked"
            );
        }
        let mut n = 0;
        for (login, role) in ACTORS {
            n += 1;
            let s = app.sign_in(login).await;
            for case in cases(&ids, n) {
                let r = send(&s, &case).await;
                assert!(
                    !r.status.is_server_error(),
                    "{login} ({role:?}) {} {}: a server error {} {}",
                    case.method,
                    case.path,
                    r.status,
                    r.body
                );
                let allowed = case.allowed.contains(login);
                if allowed {
                    assert!(
                        !matches!(
                            r.status,
                            StatusCode::FORBIDDEN
                                | StatusCode::UNAUTHORIZED
                                | StatusCode::NOT_FOUND
                        ),
                        "{login} ({role:?}) should be allowed {} {}: {} {}",
                        case.method,
                        case.path,
                        r.status,
                        r.body
                    );
                } else {
                    assert_eq!(
                        r.status,
                        StatusCode::FORBIDDEN,
                        "{login} ({role:?}) should be refused {} {}: {}",
                        case.method,
                        case.path,
                        r.body
                    );
                    assert!(
                        ["forbidden", "out_of_scope", "own_account"]
                            .contains(&r.body["code"].as_str().unwrap_or("")),
                        "{}",
                        r.body
                    );
                }
            }
        }
        for (login, role) in &outsiders {
            n += 1;
            let s = app.sign_in(login).await;
            for case in cases(&ids, n) {
                let r = send(&s, &case).await;
                let ok_status = match case.outsider {
                    Outsider::Denied => {
                        r.status == StatusCode::FORBIDDEN
                            || (r.status == StatusCode::BAD_REQUEST
                                && r.body["code"] == "import_rows")
                    }
                    Outsider::Public => {
                        !matches!(r.status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED)
                    }
                    Outsider::OwnOnly => {
                        let own_route_allowed = case
                            .allowed
                            .iter()
                            .any(|l| ACTORS.iter().any(|(a, ro)| a == l && ro == role));
                        if own_route_allowed {
                            !matches!(r.status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED)
                                && !mentions_our_county(&r.body)
                        } else {
                            r.status == StatusCode::FORBIDDEN
                        }
                    }
                };
                assert!(
                    ok_status,
                    "outsider {login} ({role:?}) on {} {}: {} {}",
                    case.method, case.path, r.status, r.body
                );
            }
        }
        // Without signing in, every route but sign-in answers 401 with the error shape.
        for case in cases(&ids, 0) {
            let r = app.anonymous(case.method.clone(), &case.path).await;
            assert_eq!(
                r.status,
                StatusCode::UNAUTHORIZED,
                "{} {}",
                case.method,
                case.path
            );
            assert_eq!(r.body["code"], "unauthenticated");
        }
        app.db.store.verify_chain().await.unwrap();
    }
);

/// A web route: method, path, form fields, the demo logins allowed.
pub(crate) type UiCase = (
    Method,
    String,
    Vec<(String, String)>,
    &'static [&'static str],
);

/// Every web page and form, with what each role gets.
pub(crate) fn ui_cases(ids: &Ids, n: usize) -> Vec<UiCase> {
    let Ids {
        cd,
        cd1,
        gov,
        token,
        clk,
        lead,
        tr,
        dsp,
        digest: _,
        case,
        asst,
        doc: _,
        ins,
        opn,
        notice,
        mtg,
        act,
    } = *ids;
    let f = |pairs: &[(&str, String)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Vec<_>>()
    };
    let none = Vec::new;
    vec![
        (Method::GET, "/".into(), none(), ALL),
        (Method::GET, "/orgs".into(), none(), ALL),
        (Method::GET, "/orgs/new".into(), none(), &["sysadmin"]),
        (Method::GET, format!("/orgs/{cd}"), none(), ALL),
        (
            Method::GET,
            format!("/orgs/{cd}/edit"),
            none(),
            &["sysadmin"],
        ),
        (Method::GET, "/people".into(), none(), ALL),
        (Method::GET, "/people/new".into(), none(), &["sysadmin"]),
        (Method::GET, format!("/people/{cd1}"), none(), SEES_CD1),
        (
            Method::GET,
            format!("/people/{cd1}/edit"),
            none(),
            &["sysadmin"],
        ),
        (Method::GET, "/import".into(), none(), &["sysadmin"]),
        (
            Method::GET,
            "/events".into(),
            none(),
            &["auditor", "auditadmin"],
        ),
        (
            Method::GET,
            "/security-log".into(),
            none(),
            &["auditor", "auditadmin"],
        ),
        (
            Method::POST,
            "/security-log/export".into(),
            none(),
            &["auditor", "auditadmin"],
        ),
        (Method::GET, "/tokens".into(), none(), &["secadmin"]),
        (Method::GET, "/account/password".into(), none(), ALL),
        (Method::GET, "/account/two-factor".into(), none(), ALL),
        (
            Method::POST,
            "/orgs".into(),
            f(&[
                ("code", format!("UIW-{n}")),
                ("name", "界面机构".into()),
                ("kind", "department".into()),
                ("level", "county".into()),
                ("parent_id", gov.to_string()),
                ("division_code", "339901".into()),
            ]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            format!("/orgs/{cd}/edit"),
            f(&[
                ("name", "城东街道".into()),
                ("kind", "township".into()),
                ("level", "township".into()),
                ("parent_id", gov.to_string()),
                ("division_code", "339901001".into()),
            ]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            format!("/orgs/{cd}/deactivate"),
            none(),
            &["sysadmin"],
        ),
        (
            Method::POST,
            format!("/orgs/{cd}/reactivate"),
            none(),
            &["sysadmin"],
        ),
        (
            Method::POST,
            "/people".into(),
            f(&[
                ("login", format!("uiw.{n}")),
                ("name", "界面人员".into()),
                ("org_id", cd.to_string()),
                ("roles", "officer".into()),
            ]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            format!("/people/{cd1}/edit"),
            f(&[
                ("name", "城东甲".into()),
                ("org_id", cd.to_string()),
                ("phone", "13800000000".into()),
            ]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            format!("/people/{cd1}/deactivate"),
            none(),
            &["sysadmin"],
        ),
        (
            Method::POST,
            format!("/people/{cd1}/reactivate"),
            none(),
            &["sysadmin"],
        ),
        (
            Method::POST,
            format!("/people/{cd1}/roles"),
            f(&[("roles", "officer".into())]),
            &["secadmin"],
        ),
        (
            Method::POST,
            format!("/people/{cd1}/password"),
            f(&[("password", "Walk-2026-Audit".into())]),
            &["secadmin"],
        ),
        (
            Method::POST,
            format!("/people/{cd1}/unlock"),
            none(),
            &["secadmin"],
        ),
        (
            Method::POST,
            format!("/people/{cd1}/second-factor/reset"),
            none(),
            &["secadmin"],
        ),
        (
            Method::POST,
            format!("/people/{cd1}/certificates"),
            f(&[
                ("number", format!("ZJUIW{n:02}")),
                ("domains", "综合行政执法".into()),
                ("valid_until", "2030-12-31".into()),
            ]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            format!("/people/{cd1}/training"),
            f(&[("year", "2026".into()), ("hours", "44".into())]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            "/import/orgs".into(),
            f(&[(
                "csv",
                format!(
                    "code,name,kind,level,parent_code,division_code\nUIWI-{n},导入机构,department,county,YX-GOV,339901\n"
                ),
            )]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            "/import/people".into(),
            f(&[(
                "csv",
                format!(
                    "login,name,org_code,roles,phone,certificate_number,certificate_domains,certificate_valid_until,training_year,training_hours\nuiwi.{n},导入人员,YX-CD,officer,,,,,,\n"
                ),
            )]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            "/tokens".into(),
            f(&[
                ("name", "界面令牌".into()),
                ("org_id", gov.to_string()),
                ("scopes", "read".into()),
            ]),
            &["secadmin"],
        ),
        (
            Method::POST,
            format!("/tokens/{token}/revoke"),
            none(),
            &["secadmin"],
        ),
        (
            Method::POST,
            "/account/password".into(),
            f(&[
                ("old_password", "not-it".into()),
                ("new_password", "x".into()),
            ]),
            ALL,
        ),
        (
            Method::POST,
            "/account/two-factor".into(),
            f(&[("secret", "AAAA".into()), ("code", "000000".into())]),
            ALL,
        ),
        (Method::GET, "/inbox".into(), none(), SEES_CLOCKS),
        (Method::GET, "/clocks".into(), none(), SEES_CLOCKS),
        (Method::GET, format!("/clocks/{clk}"), none(), SEES_CD_CLOCK),
        (
            Method::POST,
            format!("/clocks/{clk}/commands"),
            f(&[("command", "pause".into()), ("reason", "走查".into())]),
            &["leader", "office"],
        ),
        (
            Method::POST,
            format!("/clocks/{clk}/answer"),
            f(&[("answer", "走查答复".into())]),
            &["leader", "office"],
        ),
        (Method::GET, "/rules".into(), none(), ALL),
        (Method::GET, "/calendar".into(), none(), ALL),
        (
            Method::POST,
            "/rules/assign".into(),
            f(&[("org_id", cd.to_string()), ("profile_id", "default".into())]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            "/calendar/years".into(),
            f(&[("csv", Y2027.into()), ("scope", "YX-GOV".into())]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            "/clocks/recompute".into(),
            f(&[("scope", "YX-GOV".into())]),
            &["sysadmin"],
        ),
        (Method::GET, "/catalog?q=占道".into(), none(), ALL),
        (
            Method::GET,
            "/catalog/items/ZJ-CSGL-CF-0001".into(),
            none(),
            ALL,
        ),
        (Method::GET, "/catalog/matrix".into(), none(), ALL),
        (Method::GET, "/leads".into(), none(), SEES_LEADS),
        (Method::GET, "/leads/new".into(), none(), SUBMITS_LEADS),
        (
            Method::POST,
            "/leads".into(),
            f(&[
                ("channel", "patrol".into()),
                ("text", format!("界面线索{n}")),
            ]),
            SUBMITS_LEADS,
        ),
        (Method::GET, format!("/leads/{lead}"), none(), SEES_CD_CLOCK),
        (
            Method::POST,
            format!("/leads/{lead}/sign"),
            none(),
            &["leader", "office"],
        ),
        (Method::GET, "/catalog/letters".into(), none(), ALL),
        (
            Method::POST,
            "/catalog/import/upload".into(),
            f(&[
                ("kind", "items".into()),
                ("preview", "1".into()),
                ("scope", "YX-GOV".into()),
            ]),
            &["sysadmin"],
        ),
        (Method::GET, "/catalog/indicators".into(), none(), ALL),
        (Method::GET, "/catalog/import".into(), none(), &["sysadmin"]),
        (
            Method::POST,
            "/catalog/import/items".into(),
            f(&[("csv", CATALOG_ITEMS.into()), ("scope", "YX-GOV".into())]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            "/catalog/import/assignments".into(),
            f(&[
                ("csv", CATALOG_ASSIGNMENTS.into()),
                ("scope", "YX-GOV".into()),
            ]),
            &["sysadmin"],
        ),
        (
            Method::POST,
            format!("/leads/{lead}/no-violation"),
            f(&[("reply", "走查".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/leads/{lead}/case"),
            f(&[("title", "走查案".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/leads/{lead}/refer"),
            f(&[("township_id", cd.to_string()), ("notice", "走查".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/leads/{lead}/reply"),
            f(&[("reply", "走查".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/leads/{lead}/transfers"),
            f(&[("to_org_id", gov.to_string()), ("facts", "走查".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/leads/{lead}/disputes"),
            f(&[("org_id", gov.to_string()), ("reason", "走查".into())]),
            DISPUTES_CD,
        ),
        (Method::GET, "/transfers".into(), none(), SEES_LEADS),
        (Method::GET, "/cases".into(), none(), SEES_CASES),
        (Method::GET, format!("/cases/{case}"), none(), SEES_CD_CASE),
        (
            Method::GET,
            format!("/cases/{case}/documents/new?kind=inspection_record"),
            none(),
            SEES_CD_CASE,
        ),
        (
            Method::POST,
            format!("/cases/{case}/steps"),
            f(&[("step", "investigate".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/cases/{case}/parties"),
            f(&[
                ("type", "person".into()),
                ("name", "走查".into()),
                ("code", "1".into()),
            ]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/cases/{case}/flags"),
            f(&[("major", "true".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/cases/{case}/evidence"),
            f(&[("digest", "0".repeat(64)), ("title", "走查".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/cases/{case}/documents"),
            f(&[("kind", "filing_approval".into())]),
            ACTS_FOR_CD,
        ),
        (Method::GET, "/legal-review".into(), none(), &["zhzf.legal"]),
        (Method::GET, "/instructions".into(), none(), ALL),
        (
            Method::POST,
            "/instructions".into(),
            f(&[("body", "走查指令".into()), ("to_orgs", cd.to_string())]),
            &["leader", "office"],
        ),
        (
            Method::GET,
            format!("/instructions/{ins}"),
            none(),
            &["leader", "office", "cd.grid1"],
        ),
        (
            Method::POST,
            format!("/instructions/{ins}/acknowledge"),
            none(),
            &["cd.grid1"],
        ),
        (
            Method::POST,
            format!("/instructions/{ins}/complete"),
            f(&[("report", "走查办结".into())]),
            &["cd.grid1"],
        ),
        (Method::GET, "/operations".into(), none(), ALL),
        (
            Method::POST,
            "/operations".into(),
            f(&[
                ("mode", "regular".into()),
                ("title", "走查".into()),
                ("goal", "走查".into()),
                ("domain", "综合行政执法".into()),
                ("area", "城东街道".into()),
                ("starts_at", "2030-01-01 09:00".into()),
                ("ends_at", "2030-01-01 12:00".into()),
                ("lead_org_id", cd.to_string()),
                ("unit_org", cd.to_string()),
                ("unit_person", cd1.to_string()),
                ("unit_task", "走查".into()),
                ("officers", cd1.to_string()),
            ]),
            &["office"],
        ),
        (
            Method::GET,
            format!("/operations/{opn}"),
            none(),
            &[
                "leader",
                "office",
                "auditor",
                "auditadmin",
                "zhzf.1",
                "zhzf.legal",
                "cd.grid1",
            ],
        ),
        (
            Method::GET,
            format!("/operations/{opn}/field"),
            none(),
            &[
                "leader",
                "office",
                "auditor",
                "auditadmin",
                "zhzf.1",
                "zhzf.legal",
                "cd.grid1",
            ],
        ),
        (
            Method::POST,
            format!("/operations/{opn}/check-in"),
            none(),
            &["zhzf.1"],
        ),
        (
            Method::POST,
            format!("/operations/{opn}/reports"),
            f(&[("body", "走查报告".into())]),
            &["office", "zhzf.1", "zhzf.legal"],
        ),
        (
            Method::POST,
            format!("/operations/{opn}/links"),
            f(&[("kind", "lead".into()), ("number", lead.to_string())]),
            &["office", "zhzf.1", "zhzf.legal"],
        ),
        (
            Method::POST,
            format!("/operations/{opn}/notices"),
            f(&[("org_id", cd.to_string()), ("body", "走查通知".into())]),
            &["office", "zhzf.1"],
        ),
        (
            Method::POST,
            format!("/operation-notices/{notice}/dispatch"),
            f(&[("officers", cd1.to_string()), ("note", "走查".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/operations/{opn}/steps"),
            f(&[("step", "close".into()), ("text", "走查结束".into())]),
            &["office", "zhzf.1"],
        ),
        (
            Method::GET,
            "/assessment?from=2026-11-01&to=2026-11-30".into(),
            none(),
            &["leader", "office", "auditor", "auditadmin"],
        ),
        (
            Method::GET,
            format!("/assessment/orgs/{cd}"),
            none(),
            &["leader", "office", "auditor", "auditadmin"],
        ),
        (
            Method::GET,
            "/dashboard".into(),
            none(),
            &["leader", "office", "auditor", "auditadmin"],
        ),
        (Method::GET, "/meetings".into(), none(), ALL),
        (
            Method::POST,
            "/meetings".into(),
            f(&[
                ("kind", "special".into()),
                ("title", "走查会商".into()),
                ("starts_at", "2030-01-01 09:00".into()),
                ("place", "会议室".into()),
                ("convenor", cd1.to_string()),
                ("member_org", cd.to_string()),
                ("member_leader", cd1.to_string()),
                ("member_liaison", cd1.to_string()),
            ]),
            &["office"],
        ),
        (
            Method::GET,
            format!("/meetings/{mtg}"),
            none(),
            &["leader", "office", "auditor", "auditadmin", "cd.grid1"],
        ),
        (
            Method::POST,
            format!("/meetings/{mtg}/agenda"),
            f(&[("title", "走查议题".into())]),
            &["cd.grid1"],
        ),
        (
            Method::POST,
            format!("/meetings/{mtg}/steps"),
            f(&[("step", "settle".into())]),
            &["office"],
        ),
        (
            Method::POST,
            format!("/action-items/{act}/complete"),
            f(&[("report", "走查办结".into())]),
            &["cd.grid1"],
        ),
        (Method::GET, "/assistance".into(), none(), SEES_CASES),
        (
            Method::POST,
            "/assistance".into(),
            f(&[
                ("to_org_id", gov.to_string()),
                ("kind", "material".into()),
                ("text", "走查".into()),
            ]),
            SENDS_ASSISTANCE,
        ),
        (
            Method::GET,
            format!("/assistance/{asst}"),
            none(),
            SEES_CD_CASE,
        ),
        (
            Method::POST,
            format!("/assistance/{asst}/rating"),
            f(&[("satisfaction", "satisfied".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/assistance/{asst}/steps"),
            f(&[("step", "answer".into()), ("text", "走查".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/transfers/{tr}/approve"),
            none(),
            &[],
        ),
        (
            Method::POST,
            format!("/transfers/{tr}/send"),
            none(),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/transfers/{tr}/written"),
            none(),
            &[],
        ),
        (
            Method::POST,
            format!("/transfers/{tr}/refusal"),
            f(&[("reconsider", "true".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/transfers/{tr}/outcome"),
            f(&[("outcome", "走查".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/transfers/{tr}/reject"),
            f(&[("reason", "".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/transfers/{tr}/withdraw"),
            f(&[("reason", "".into())]),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/transfers/{tr}/accept"),
            none(),
            ACTS_FOR_CD,
        ),
        (
            Method::POST,
            format!("/disputes/{dsp}/notes"),
            f(&[("kind", "minutes".into()), ("text", "".into())]),
            DISPUTE_PARTY,
        ),
        (
            Method::POST,
            format!("/disputes/{dsp}/escalate"),
            none(),
            DISPUTE_PARTY,
        ),
        (
            Method::POST,
            format!("/disputes/{dsp}/designate"),
            f(&[("org_id", gov.to_string()), ("decision", "".into())]),
            &["office"],
        ),
        (Method::POST, "/logout".into(), none(), ALL),
    ]
}

engine_test!(
    every_web_page_and_form_answers_every_role_as_the_policy_says,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let ids = fixtures(&app).await;
        app.with_catalog().await;
        let outsiders = outsider_county(&app).await;
        let mut n = 0;
        let ours: Vec<String> = [
            ids.cd, ids.cd1, ids.gov, ids.token, ids.clk, ids.lead, ids.tr, ids.dsp,
        ]
        .iter()
        .map(i64::to_string)
        .collect();
        let everyone = ACTORS
            .iter()
            .map(|(l, r)| (l.to_string(), *r, true))
            .chain(outsiders.iter().map(|(l, r)| (l.clone(), *r, false)));
        for (login, role, in_county) in everyone.collect::<Vec<_>>() {
            n += 1;
            let s = app.sign_in(&login).await;
            let same_role = ACTORS
                .iter()
                .find(|(_, r)| *r == role)
                .map(|(l, _)| *l)
                .unwrap();
            for (method, path, fields, allowed) in ui_cases(&ids, n) {
                let (status, html) = if method == Method::GET {
                    s.page(&path).await
                } else if path == "/catalog/import/upload" {
                    s.upload(&path, &fields, CATALOG_ITEMS).await
                } else {
                    let pairs: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    s.form(&path, &pairs).await
                };
                let role_allowed = allowed.contains(&same_role);
                let touches_ours = path == "/catalog/import"
                    || path.split('/').any(|seg| ours.iter().any(|o| o == seg))
                    || fields
                        .iter()
                        .any(|(_, v)| ours.contains(v) || v.contains("YX-"));
                let what = format!("{login} ({role:?}) {method} {path}: {status}");
                assert!(!status.is_server_error(), "a server error: {what}");
                if !role_allowed {
                    assert_eq!(status, StatusCode::FORBIDDEN, "should be refused: {what}");
                    assert!(
                        html.contains("请求编号"),
                        "the error page shows the request id"
                    );
                } else if !in_county && touches_ours {
                    assert!(
                        matches!(status, StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST),
                        "outsider must not touch our county: {what}"
                    );
                } else {
                    assert!(
                        !matches!(
                            status,
                            StatusCode::FORBIDDEN
                                | StatusCode::UNAUTHORIZED
                                | StatusCode::NOT_FOUND
                        ),
                        "should be allowed: {what}"
                    );
                    assert!(
                        !(status == StatusCode::SEE_OTHER && method == Method::GET),
                        "redirected: {what}"
                    );
                    if !in_county && !path.starts_with("/catalog") {
                        assert!(
                            !html.contains("云溪县人民政府"),
                            "outsider sees our county: {what}"
                        );
                    }
                }
            }
        }
        // Without a session, pages send the browser to the sign-in page.
        let c = client();
        for (method, path, _, _) in ui_cases(&ids, 0) {
            let r = c
                .request(method.clone(), format!("{}{path}", app.base))
                .send()
                .await
                .unwrap();
            if method == Method::GET && path != "/" {
                assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
                assert!(
                    r.headers()["location"]
                        .to_str()
                        .unwrap()
                        .starts_with("/login")
                );
            } else {
                assert!(
                    matches!(r.status(), StatusCode::SEE_OTHER | StatusCode::FORBIDDEN),
                    "{method} {path}: {}",
                    r.status()
                );
            }
        }
        let r = c.get(format!("{}/", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
);

#[test]
fn every_ui_route_is_walked() {
    let ids = Ids {
        cd: 1,
        cd1: 1,
        gov: 1,
        token: 1,
        clk: 1,
        lead: 1,
        tr: 1,
        dsp: 1,
        digest: "d",
        case: 1,
        asst: 1,
        doc: 1,
        ins: 1,
        opn: 1,
        notice: 1,
        mtg: 1,
        act: 1,
    };
    let walked: Vec<String> = ui_cases(&ids, 0)
        .into_iter()
        .map(|(_, path, _, _)| path.split('?').next().unwrap_or_default().to_owned())
        .collect();
    // Pages without a session (sign-in, the public complaint and lookup, the public catalog,
    // the stylesheet) are walked by the public tests; the addresses of a transfer and a
    // dispute only send the browser to their lead's page, which is walked.
    let not_walked_here = [
        "/login",
        "/assets/{name}",
        "/complaint",
        "/complaint/lookup",
        "/complaint/rate",
        "/public/catalog",
        "/public/catalog/items/{code}",
        "/transfers/{id}",
        "/disputes/{id}",
    ];
    let route = regex::Regex::new(r#"\.route\(\s*"([^"]+)""#).unwrap();
    let param = regex::Regex::new(r"\\\{[^}]*\\\}").unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ui");
    let mut missing = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let src = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for c in route.captures_iter(&src) {
            let pattern = format!("^{}$", param.replace_all(&regex::escape(&c[1]), "[^/]+"));
            let re = regex::Regex::new(&pattern).unwrap();
            if !walked.iter().any(|w| re.is_match(w)) && !not_walked_here.contains(&&c[1]) {
                missing.push(c[1].to_owned());
            }
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "UI routes not walked: {missing:#?}");
}
