//! The demo county (云溪县, fictional): orgs, about a hundred people in every role, with
//! certificates and training hours. Loaded only into an empty database.

use crate::orgs::{self, NewOrg};
use crate::people::{self, NewCertificate, NewPerson};
use crate::record::RecordContext;
use crate::{Store, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use xiezhi_domain::{
    CertificateNumber, DivisionCode, Login, OrgCode, OrgKind, OrgLevel, PhoneNumber, Role,
};
use xiezhi_domain::{EventKind, payload};

/// A demo sign-in, printed when the demo is loaded.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Sign-in name.
    pub login: String,
    /// Name.
    pub name: String,
    /// Org name.
    pub org: String,
    /// Roles.
    pub roles: Vec<Role>,
}

const COUNTY_DIVISION: &str = "339901";

/// (code suffix, name, enforcement domain)
const DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("SCJG", "云溪县市场监督管理局", "市场监管"),
    ("STHJ", "云溪县生态环境分局", "生态环境"),
    ("ZRZY", "云溪县自然资源和规划局", "自然资源"),
    ("ZJJ", "云溪县住房和城乡建设局", "住房城乡建设"),
    ("JTYS", "云溪县交通运输局", "交通运输"),
    ("NYNC", "云溪县农业农村局", "农业农村"),
    ("WSJK", "云溪县卫生健康局", "卫生健康"),
    ("YJGL", "云溪县应急管理局", "应急管理"),
    ("WGLT", "云溪县文化和广电旅游体育局", "文化旅游"),
    ("SLJ", "云溪县水利局", "水利"),
    ("SWJ", "云溪县商务局", "商务"),
    ("JYJ", "云溪县教育局", "教育"),
    ("RSJ", "云溪县人力资源和社会保障局", "人力社保"),
    ("LYJ", "云溪县林业局", "林业"),
    ("SFJ", "云溪县司法局", "司法行政"),
];

const TOWNSHIPS: &[(&str, &str)] = &[
    ("CD", "城东街道"),
    ("CX", "城西街道"),
    ("CN", "城南街道"),
    ("CB", "城北街道"),
    ("QS", "青石镇"),
    ("BS", "白沙镇"),
    ("TY", "桃源镇"),
    ("LX", "龙溪乡"),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧",
    "田", "董", "潘", "袁", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "志强", "晓东", "海燕", "玉兰", "建国",
    "红梅", "立新", "春生",
];

struct Gen {
    n: usize,
}

impl Gen {
    fn name(&mut self) -> String {
        self.n += 1;
        let s = SURNAMES[(self.n * 7) % SURNAMES.len()];
        let g = GIVEN[(self.n * 13) % GIVEN.len()];
        format!("{s}{g}")
    }
}

fn org_code(s: &str) -> Result<OrgCode, StoreError> {
    Ok(OrgCode::parse(s)?)
}

/// Load the demo county. Refused unless the database has no orgs. Every demo user gets
/// `password` (hashed once and shared: demo passwords are for trying only).
pub async fn load(
    store: &Store,
    password: &str,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<DemoLogin>, StoreError> {
    load_under(store, password, request_id, now, None).await
}

/// Load the demo county under `parent` (the province of `xiezhi demo --scale province`), or
/// as the top org into an empty database.
pub async fn load_under(
    store: &Store,
    password: &str,
    request_id: &str,
    now: DateTime<Utc>,
    parent: Option<i64>,
) -> Result<Vec<DemoLogin>, StoreError> {
    if parent.is_none() && store.top_org().await?.is_some() {
        return Err(StoreError::conflict(
            "demo.database_not_empty",
            "数据库已有机构数据，演示数据只能导入空数据库",
        ));
    }
    let hash = crate::auth::hash_password(password)?;
    let mut w = store
        .begin_write(RecordContext::system(request_id, now))
        .await?;
    let div = |s: &str| DivisionCode::parse(s);
    let org = async |w: &mut crate::Writer,
                     code: &str,
                     name: &str,
                     kind: OrgKind,
                     level: OrgLevel,
                     parent: Option<i64>,
                     division: &str|
           -> Result<(i64, String), StoreError> {
        let m = orgs::create(
            w,
            NewOrg {
                code: org_code(code)?,
                name: name.into(),
                kind,
                level,
                parent_id: parent,
                division_code: div(division)?,
            },
        )
        .await?;
        Ok((m.id, m.name))
    };
    let county = OrgLevel::County;
    let gov = org(
        &mut w,
        "YX-GOV",
        "云溪县人民政府",
        OrgKind::Government,
        county,
        parent,
        COUNTY_DIVISION,
    )
    .await?;
    let p = Some(gov.0);
    let lg = org(
        &mut w,
        "YX-LG",
        "云溪县行政执法统筹协调指挥领导小组",
        OrgKind::LeadingGroup,
        county,
        p,
        COUNTY_DIVISION,
    )
    .await?;
    let office = org(
        &mut w,
        "YX-ZFB",
        "云溪县行政执法统筹协调指挥办公室",
        OrgKind::CoordinationOffice,
        county,
        p,
        COUNTY_DIVISION,
    )
    .await?;
    let bureau = org(
        &mut w,
        "YX-ZHZF",
        "云溪县综合行政执法局",
        OrgKind::EnforcementBureau,
        county,
        p,
        COUNTY_DIVISION,
    )
    .await?;
    let mut depts = vec![];
    for (code, name, domain) in DEPARTMENTS {
        let d = org(
            &mut w,
            &format!("YX-{code}"),
            name,
            OrgKind::Department,
            county,
            p,
            COUNTY_DIVISION,
        )
        .await?;
        depts.push((code.to_ascii_lowercase(), d, *domain));
    }
    let police = org(
        &mut w,
        "YX-GAJ",
        "云溪县公安局",
        OrgKind::Police,
        county,
        p,
        COUNTY_DIVISION,
    )
    .await?;
    let procuratorate = org(
        &mut w,
        "YX-JCY",
        "云溪县人民检察院",
        OrgKind::Procuratorate,
        county,
        p,
        COUNTY_DIVISION,
    )
    .await?;
    let court = org(
        &mut w,
        "YX-FY",
        "云溪县人民法院",
        OrgKind::Court,
        county,
        p,
        COUNTY_DIVISION,
    )
    .await?;
    let mut towns = vec![];
    for (i, (code, name)) in TOWNSHIPS.iter().enumerate() {
        let t = org(
            &mut w,
            &format!("YX-{code}"),
            name,
            OrgKind::Township,
            OrgLevel::Township,
            p,
            &format!("{COUNTY_DIVISION}{:03}", i + 1),
        )
        .await?;
        towns.push((code.to_ascii_lowercase(), t));
    }
    // Dispatched units (派驻机构): a market-supervision office and a police station in Qingshi.
    let (qs_id, qs_div) = (towns[4].1.0, format!("{COUNTY_DIVISION}005"));
    let scjgs = org(
        &mut w,
        "YX-QS-SCJGS",
        "青石市场监督管理所",
        OrgKind::DispatchedUnit,
        OrgLevel::Township,
        Some(depts[0].1.0),
        &qs_div,
    )
    .await?;
    let pcs = org(
        &mut w,
        "YX-QS-PCS",
        "青石派出所",
        OrgKind::DispatchedUnit,
        OrgLevel::Township,
        Some(police.0),
        &qs_div,
    )
    .await?;
    let _ = qs_id;

    let mut g = Gen { n: 0 };
    let mut logins = vec![];
    let year = now.year();
    let mut person = async |w: &mut crate::Writer,
                            login: &str,
                            org: &(i64, String),
                            roles: &[Role],
                            domain: Option<&str>|
           -> Result<(), StoreError> {
        let name = g.name();
        let n = g.n;
        let p = people::create(
            w,
            NewPerson {
                login: Login::parse(login)?,
                name: name.clone(),
                org_id: org.0,
                roles: roles.to_vec(),
                phone: Some(PhoneNumber::parse(&format!(
                    "138{:08}",
                    57_000_000 + n * 7919
                ))?),
                password_hash: Some(hash.clone()),
            },
        )
        .await?;
        if let Some(domain) = domain {
            people::add_certificate(
                w,
                p.id,
                NewCertificate {
                    number: CertificateNumber::parse(&format!("ZJ{COUNTY_DIVISION}{n:05}"))?,
                    domains: vec![domain.to_owned()],
                    valid_until: NaiveDate::from_ymd_opt(year + 2 + (n % 3) as i32, 12, 31)
                        .unwrap_or_default(),
                },
            )
            .await?;
            // Most officers meet the 40-hour yearly training rule; a few do not yet.
            people::set_training(
                w,
                p.id,
                year,
                if n.is_multiple_of(9) {
                    24
                } else {
                    40 + (n % 5) as i32 * 4
                },
            )
            .await?;
        }
        logins.push(DemoLogin {
            login: login.to_owned(),
            name,
            org: org.1.clone(),
            roles: roles.to_vec(),
        });
        Ok(())
    };
    use Role::*;
    person(&mut w, "leader", &gov, &[Leader], None).await?;
    person(&mut w, "vice.leader", &lg, &[Leader], None).await?;
    person(&mut w, "office", &office, &[OfficeCoordinator], None).await?;
    person(&mut w, "office2", &office, &[OfficeCoordinator], None).await?;
    person(&mut w, "office3", &office, &[OfficeCoordinator], None).await?;
    // The office's head approves the transfers the office drafts (12345, public complaints).
    person(&mut w, "office.chief", &office, &[Leader], None).await?;
    person(&mut w, "sysadmin", &office, &[SystemAdmin], None).await?;
    person(&mut w, "secadmin", &office, &[SecurityAdmin], None).await?;
    person(&mut w, "auditadmin", &office, &[AuditAdmin], None).await?;
    person(&mut w, "auditor", &office, &[Auditor], None).await?;
    person(
        &mut w,
        "zhzf.chief",
        &bureau,
        &[Leader, Officer],
        Some("综合行政执法"),
    )
    .await?;
    person(
        &mut w,
        "zhzf.legal",
        &bureau,
        &[LegalReviewer],
        Some("综合行政执法"),
    )
    .await?;
    for i in 1..=8 {
        person(
            &mut w,
            &format!("zhzf.{i}"),
            &bureau,
            &[Officer],
            Some("综合行政执法"),
        )
        .await?;
    }
    for (code, d, domain) in &depts {
        person(&mut w, &format!("{code}.chief"), d, &[Leader], None).await?;
        person(&mut w, &format!("{code}.1"), d, &[Officer], Some(domain)).await?;
        person(&mut w, &format!("{code}.2"), d, &[Officer], Some(domain)).await?;
        person(
            &mut w,
            &format!("{code}.legal"),
            d,
            &[LegalReviewer],
            Some(domain),
        )
        .await?;
    }
    person(&mut w, "gaj.1", &police, &[Officer], Some("治安管理")).await?;
    person(&mut w, "gaj.2", &police, &[Officer], Some("治安管理")).await?;
    person(&mut w, "jcy.1", &procuratorate, &[Officer], None).await?;
    person(&mut w, "fy.1", &court, &[Officer], None).await?;
    person(&mut w, "qs.scjgs", &scjgs, &[Officer], Some("市场监管")).await?;
    person(&mut w, "qs.pcs", &pcs, &[Officer], Some("治安管理")).await?;
    for (code, t) in &towns {
        person(&mut w, &format!("{code}.chief"), t, &[Leader], None).await?;
        person(
            &mut w,
            &format!("{code}.1"),
            t,
            &[Officer],
            Some("综合行政执法"),
        )
        .await?;
        person(
            &mut w,
            &format!("{code}.2"),
            t,
            &[Officer],
            Some("综合行政执法"),
        )
        .await?;
        // Each township reviews its own major decisions (乡镇法制审核人员).
        person(
            &mut w,
            &format!("{code}.legal"),
            t,
            &[LegalReviewer],
            Some("综合行政执法"),
        )
        .await?;
        person(&mut w, &format!("{code}.grid1"), t, &[GridMember], None).await?;
        person(&mut w, &format!("{code}.grid2"), t, &[GridMember], None).await?;
    }
    w.record(
        "system",
        "demo",
        EventKind::DemoLoaded,
        &payload::DemoLoaded {
            people: logins.len(),
        },
    );
    w.commit().await?;
    Ok(logins)
}

/// The demo catalog: 139 enforcement matters across the domains of seed 004, with county
/// holders and township grants, entrustments and cooperation.
pub const DEMO_ITEMS: &str = include_str!("../data/demo_catalog_items.csv");
/// Boundaries of the demo county's townships (fictional rectangles around 118.6–119.0°E,
/// 28.6–28.8°N).
pub const DEMO_BOUNDARIES: &str = include_str!("../data/demo_boundaries.geojson");
/// Assignments of the demo catalog in the demo county.
pub const DEMO_ASSIGNMENTS: &str = include_str!("../data/demo_catalog_assignments.csv");

/// Load the demo catalog (after [`load`]): items, assignments, township boundaries.
pub async fn load_catalog(
    store: &Store,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<crate::catalog::ImportSummary, crate::import::ImportError> {
    let w = store
        .begin_write(RecordContext::system(request_id, now))
        .await?;
    let items = crate::catalog::import_items(store, w, DEMO_ITEMS).await?;
    let w = store
        .begin_write(RecordContext::system(request_id, now))
        .await?;
    let assignments = crate::catalog::import_assignments(store, w, DEMO_ASSIGNMENTS).await?;
    let w = store
        .begin_write(RecordContext::system(request_id, now))
        .await?;
    crate::catalog::import_boundaries(store, w, DEMO_BOUNDARIES).await?;
    Ok(crate::catalog::ImportSummary {
        created: items.created + assignments.created,
        versioned: items.versioned + assignments.versioned,
        unchanged: items.unchanged + assignments.unchanged,
    })
}

/// Load demo leads (after [`load_catalog`]): a hotline lead waiting to be signed for, a
/// transfer waiting for the receiver, a rejected transfer under negotiation, a matter closed
/// with a reply, and a case filed. Each scenario is its own transaction; one that cannot
/// start its clocks (next year's holiday notice not loaded yet) is skipped and reported.
/// Returns how many scenarios were loaded and the reasons of those skipped.
pub async fn load_leads(
    store: &Store,
    rules: &xiezhi_domain::rules::Rules,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<(usize, Vec<String>), StoreError> {
    use crate::clocks::ClockEnv;
    use crate::leads::{Receipt, intake};
    use crate::transfers::{self as st, Acting};
    use xiezhi_domain::lead::LeadFields;
    use xiezhi_domain::transfer::{DraftFields, MaterialFields};
    let cal = store.calendar().await?;
    let env = ClockEnv {
        rules,
        calendar: &cal,
    };
    let org = async |code: &str| demo_org(store, code).await;
    let (office, cd, scjg, zjj) = (
        org("YX-ZFB").await?,
        org("YX-CD").await?,
        org("YX-SCJG").await?,
        org("YX-ZJJ").await?,
    );
    let lead = |channel: &str, text: &str, phone: &str, item: Option<&str>| LeadFields {
        channel: channel.into(),
        reporter_name: Some("王女士".into()),
        reporter_phone: Some(phone.into()),
        text: text.into(),
        address: "城东街道解放路".into(),
        division_code: Some("339901001".into()),
        item_code: item.map(str::to_owned),
        ..Default::default()
    };
    let written = |facts: &str| DraftFields {
        facts: facts.into(),
        materials: vec![
            MaterialFields {
                kind: "letter".into(),
                title: "涉嫌违法案件移送函".into(),
                digest: None,
            },
            MaterialFields {
                kind: "source".into(),
                title: "现场检查记录".into(),
                digest: None,
            },
        ],
        ..Default::default()
    };
    let receipt = |org_id| Receipt {
        org_id,
        person_id: None,
        token_id: None,
        idempotency_key: None,
    };
    let by = |org_id| Acting {
        org_id,
        person_id: None,
    };
    let mut loaded = 0;
    let mut skipped = vec![];
    for scenario in 0..5 {
        let mut w = store
            .begin_write(RecordContext::system(request_id, now))
            .await?;
        let r: Result<(), StoreError> = async {
            match scenario {
                0 => {
                    let f = lead(
                        "hotline",
                        "小区门口夜间烧烤占道经营，油烟扰民",
                        "13900001001",
                        None,
                    );
                    intake(&mut w, env, f.parse()?, receipt(office)).await?;
                }
                1 => {
                    let f = lead("grid", "某超市销售过期食品", "13900001002", None);
                    let l = intake(&mut w, env, f.parse()?, receipt(cd)).await?.lead;
                    let d = written("经核查，某超市货架有过期食品，属市场监管部门管辖").parse()?;
                    let t = st::draft(&mut w, env, l.id, scjg, &d, by(cd)).await?;
                    st::approve(&mut w, env, t.id, by(cd)).await?;
                }
                2 => {
                    let f = lead("patrol", "居民楼顶违规搭建彩钢棚", "13900001003", None);
                    let l = intake(&mut w, env, f.parse()?, receipt(cd)).await?.lead;
                    let d = written("楼顶违规搭建，涉及住建部门职责").parse()?;
                    let t = st::draft(&mut w, env, l.id, zjj, &d, by(cd)).await?;
                    st::approve(&mut w, env, t.id, by(cd)).await?;
                    st::reject(
                        &mut w,
                        env,
                        t.id,
                        "属乡镇（街道）综合执法事项，不属本部门职责",
                        by(zjj),
                    )
                    .await?;
                }
                3 => {
                    let f = lead("complaint", "工地夜间施工噪音扰民", "13900001004", None);
                    let l = intake(&mut w, env, f.parse()?, receipt(office)).await?.lead;
                    st::close_lead(
                        &mut w,
                        env,
                        l.id,
                        xiezhi_domain::lead::LeadOutcome::NoViolation,
                        "经现场核查，施工单位持有夜间施工许可，未发现违法行为。",
                        by(office),
                    )
                    .await?;
                }
                _ => {
                    let f = lead("patrol", "沿街店铺超出门窗外墙经营", "13900001005", None);
                    let l = intake(&mut w, env, f.parse()?, receipt(cd)).await?.lead;
                    let filing = st::Filing {
                        title: "某店超出门窗外墙经营案".into(),
                        ..Default::default()
                    };
                    st::file_case(&mut w, env, l.id, &filing, by(cd)).await?;
                }
            }
            Ok(())
        }
        .await;
        match r {
            Ok(()) => {
                w.commit().await?;
                loaded += 1;
            }
            Err(e) => skipped.push(e.to_string()),
        }
    }
    Ok((loaded, skipped))
}

/// The id of a demo org by its code.
async fn demo_org(store: &Store, code: &str) -> Result<i64, StoreError> {
    Ok(store
        .org_by_code(code)
        .await?
        .ok_or(StoreError::NotFound("演示机构"))?
        .id)
}

/// Command scenarios for the demo county: an instruction from the office to 城东街道 awaiting
/// acknowledgement, a running joint operation of the enforcement bureau and the market
/// department, and a regular joint meeting collecting its agenda. Returns what was loaded and
/// what could not be (e.g. a meeting whose agenda window falls in a year whose calendar is
/// not loaded yet).
pub async fn load_command(
    store: &Store,
    rules: &xiezhi_domain::rules::Rules,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<(usize, Vec<String>), StoreError> {
    use crate::clocks::ClockEnv;
    use crate::{instructions, meetings, operations};
    use xiezhi_domain::meeting::MeetingKind;
    use xiezhi_domain::operation::{OperationCommand as C, OperationMode};
    let cal = store.calendar().await?;
    let env = ClockEnv {
        rules,
        calendar: &cal,
    };
    let org = async |code: &str| demo_org(store, code).await;
    let person = async |login: &str| -> Result<i64, StoreError> {
        Ok(store
            .person_by_login(login)
            .await?
            .ok_or(StoreError::NotFound("演示人员"))?
            .id)
    };
    let (office, cd, scjg, zhzf) = (
        org("YX-ZFB").await?,
        org("YX-CD").await?,
        org("YX-SCJG").await?,
        org("YX-ZHZF").await?,
    );
    let ctx = || RecordContext::system(request_id, now);
    let mut loaded = 0;
    let mut skipped = vec![];
    // An instruction awaiting acknowledgement.
    let mut w = store.begin_write(ctx()).await?;
    let r = instructions::send(
        &mut w,
        env,
        instructions::NewInstruction {
            from_org_id: office,
            from_person_id: Some(person("office").await?),
            body: "今晚22时前对辖区夜市摊点开展燃气安全检查，结果报执法办".into(),
            due_at: Some(now + chrono::Duration::hours(10)),
            to_orgs: vec![cd],
            to_people: vec![],
            attachments: vec![],
        },
    )
    .await;
    match r {
        Ok(_) => {
            w.commit().await?;
            loaded += 1;
        }
        Err(e) => skipped.push(format!("指令：{e}")),
    }
    // A running joint operation.
    let mut w = store.begin_write(ctx()).await?;
    let r: Result<(), StoreError> = async {
        let m = operations::create(
            &mut w,
            operations::Plan {
                mode: OperationMode::Regular,
                title: "城东夜市占道经营和食品安全联合整治".into(),
                goal: "清理占道经营，查处无证食品摊贩，规范夜市秩序".into(),
                domain: "综合行政执法".into(),
                area: vec!["城东街道".into(), "城东夜市（解放路至人民路）".into()],
                starts_at: now - chrono::Duration::hours(1),
                ends_at: now + chrono::Duration::hours(5),
                lead_org_id: zhzf,
                units: vec![
                    operations::UnitPlan {
                        org_id: zhzf,
                        responsible_person_id: person("zhzf.chief").await?,
                        tasks: "现场指挥，查处占道经营".into(),
                    },
                    operations::UnitPlan {
                        org_id: scjg,
                        responsible_person_id: person("scjg.chief").await?,
                        tasks: "检查食品经营许可和进货查验".into(),
                    },
                ],
                officers: vec![person("zhzf.1").await?, person("zhzf.2").await?],
            },
            office,
            Some(person("office").await?),
        )
        .await?;
        let all = operations::Acting {
            by_leader: true,
            by_office: true,
            by_lead: true,
            person_id: None,
        };
        for cmd in [C::Submit, C::Approve, C::Start] {
            operations::step(&mut w, env, m.id, cmd, all, Some("同意按方案实施".into())).await?;
        }
        Ok(())
    }
    .await;
    match r {
        Ok(()) => {
            w.commit().await?;
            loaded += 1;
        }
        Err(e) => skipped.push(format!("联合执法行动：{e}")),
    }
    // A regular joint meeting collecting its agenda.
    let mut w = store.begin_write(ctx()).await?;
    let member =
        async |org_id: i64, leader: &str, liaison: &str| -> Result<meetings::Member, StoreError> {
            Ok(meetings::Member {
                org_id,
                leader_person_id: person(leader).await?,
                liaison_person_id: person(liaison).await?,
            })
        };
    let r: Result<(), StoreError> = async {
        meetings::call(
            &mut w,
            env,
            meetings::NewMeeting {
                kind: MeetingKind::Regular,
                title: "综合执法部门联席会议（例行）".into(),
                starts_at: now + chrono::Duration::days(21),
                place: "县政府三楼会议室".into(),
                office_org_id: office,
                convenor_person_id: person("leader").await?,
                members: vec![
                    member(zhzf, "zhzf.chief", "zhzf.1").await?,
                    member(scjg, "scjg.chief", "scjg.1").await?,
                ],
                created_by: Some(person("office").await?),
            },
        )
        .await?;
        Ok(())
    }
    .await;
    match r {
        Ok(()) => {
            w.commit().await?;
            loaded += 1;
        }
        Err(e) => skipped.push(format!("联席会议：{e}")),
    }
    Ok((loaded, skipped))
}
