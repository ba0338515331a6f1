//! The catalog in the database: item versions, sets, assignments, CSV import/export (all or
//! nothing, every bad row reported), routing (`resolve`), the may-penalise check, and search
//! over segmented Chinese text (a token table of our own, the same on both engines).

use crate::entities::{assignment, catalog_item, catalog_set, catalog_token, org};
use crate::import::{ImportError, err};
use crate::{Store, StoreError, Writer};
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use xiezhi_domain::DivisionCode;
use xiezhi_domain::catalog::{
    self as dc, AssignmentMode, CatalogSet, DiscretionTier, ItemKind, PenaltyCheck,
};
use xiezhi_domain::{EventKind, payload};

/// Header of an items file.
pub const ITEM_HEADER: &[&str] = &[
    "code",
    "name",
    "domain",
    "kind",
    "law",
    "article",
    "penalty_clause",
    "sector_department",
    "sets",
    "minor_first_offence",
    "discretion",
    "effective_from",
];

/// Header of an assignments file.
pub const ASSIGNMENT_HEADER: &[&str] = &[
    "item_code",
    "division_code",
    "holder_org_code",
    "mode",
    "responsible_org_code",
    "supervising_org_code",
    "letter_number",
    "letter_scope",
    "letter_valid_until",
    "effective_from",
];

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Search tokens of a text: jieba's search-mode words (two characters or more) plus every
/// pair of adjacent Chinese characters, so two-character queries (噪音, 占道) find their
/// items; ASCII words lower-cased.
pub fn tokens(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for w in xiezhi_domain::words::jieba().cut_for_search(text, true) {
        let w = w.word.trim().to_lowercase();
        if w.chars().count() >= 2
            && w.chars()
                .all(|c| is_cjk(c) || c.is_alphanumeric() || c == '-')
        {
            out.insert(w);
        }
    }
    let chars: Vec<char> = text.chars().collect();
    for pair in chars.windows(2) {
        if pair.iter().all(|c| is_cjk(*c)) {
            out.insert(pair.iter().collect());
        }
    }
    out
}

/// Everyday abbreviations people type for what catalogs write in full (占道 for 占用道路,
/// 违建 for 违法建设, 噪音 for 噪声): a search for the left also looks for the right.
const SYNONYMS: &[(&str, &[&str])] = &[
    ("占道", &["占用", "道路"]),
    ("违建", &["违法建设", "违法", "建设"]),
    ("违章建筑", &["违法建设"]),
    ("噪音", &["噪声"]),
    ("扰民", &["噪声"]),
    ("乱扔", &["丢弃", "随意"]),
    ("乱倒", &["倾倒"]),
    ("乱贴", &["张贴"]),
    ("乱搭", &["搭建"]),
    ("无证", &["未经许可", "未取得"]),
    ("黑车", &["未取得", "道路运输"]),
    ("烧秸秆", &["焚烧", "秸秆"]),
    ("油烟", &["油烟"]),
    ("摆摊", &["设摊", "占用", "经营"]),
];

/// The tokens to look for: the query's own, plus the expansions of abbreviations it contains.
fn query_tokens(q: &str) -> Vec<String> {
    let mut toks = tokens(q);
    for (abbr, full) in SYNONYMS {
        if q.contains(abbr) {
            toks.extend(full.iter().map(|f| f.to_string()));
        }
    }
    toks.insert(q.trim().to_lowercase());
    toks.into_iter().collect()
}

/// A checked item row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Domain (领域).
    pub domain: String,
    /// Kind.
    pub kind: ItemKind,
    /// Law.
    pub law: String,
    /// Article violated.
    pub article: String,
    /// Penalty clause.
    pub penalty_clause: String,
    /// Sector supervision department.
    pub sector_org_id: Option<i64>,
    /// Catalog sets.
    pub sets: Vec<CatalogSet>,
    /// Eligible for 轻微首违不罚.
    pub minor_first_offence: bool,
    /// Discretion benchmark.
    pub discretion: Vec<DiscretionTier>,
    /// From.
    pub effective_from: NaiveDate,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// New rows (items or assignments).
    pub created: usize,
    /// New versions of existing ones.
    pub versioned: usize,
    /// Rows identical to what is in force.
    pub unchanged: usize,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn valid_code(s: &str) -> bool {
    (2..=40).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

fn read(text: &str, header: &[&str]) -> Result<Vec<crate::import::Record>, ImportError> {
    let rows = crate::import::read_rows(text, header);
    if rows.errors.is_empty() {
        Ok(rows.records)
    } else {
        Err(ImportError::Rows(rows.errors))
    }
}

async fn org_codes(c: &impl ConnectionTrait) -> Result<HashMap<String, org::Model>, StoreError> {
    Ok(org::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.code.clone(), o))
        .collect())
}

fn same_item(m: &catalog_item::Model, r: &ItemRow) -> bool {
    m.name == r.name
        && m.domain == r.domain
        && m.kind == r.kind.as_str()
        && m.law == r.law
        && m.article == r.article
        && m.penalty_clause == r.penalty_clause
        && m.sector_org_id == r.sector_org_id
        && m.minor_first_offence == r.minor_first_offence
        && serde_json::from_str::<Vec<DiscretionTier>>(&m.discretion).unwrap_or_default()
            == r.discretion
}

async fn set_tokens(w: &Writer, code: &str, r: &ItemRow) -> Result<(), StoreError> {
    catalog_token::Entity::delete_many()
        .filter(catalog_token::Column::ItemCode.eq(code))
        .exec(w.txn())
        .await?;
    let mut toks = tokens(&format!("{} {} {} {}", r.name, r.law, r.article, r.domain));
    toks.insert(code.to_lowercase());
    let rows: Vec<catalog_token::ActiveModel> = toks
        .into_iter()
        .map(|t| catalog_token::ActiveModel {
            token: Set(t),
            item_code: Set(code.to_owned()),
        })
        .collect();
    for chunk in rows.chunks(200) {
        catalog_token::Entity::insert_many(chunk.to_vec())
            .exec(w.txn())
            .await?;
    }
    Ok(())
}

async fn set_sets(w: &mut Writer, code: &str, sets: &[CatalogSet]) -> Result<bool, StoreError> {
    let now: BTreeSet<String> = catalog_set::Entity::find()
        .filter(catalog_set::Column::ItemCode.eq(code))
        .all(w.txn())
        .await?
        .into_iter()
        .map(|s| s.set_name)
        .collect();
    let want: BTreeSet<String> = sets.iter().map(|s| s.as_str().to_owned()).collect();
    if now == want {
        return Ok(false);
    }
    catalog_set::Entity::delete_many()
        .filter(catalog_set::Column::ItemCode.eq(code))
        .exec(w.txn())
        .await?;
    for s in &want {
        catalog_set::ActiveModel {
            item_code: Set(code.to_owned()),
            set_name: Set(s.clone()),
        }
        .insert(w.txn())
        .await?;
    }
    w.record(
        "catalog_item",
        code,
        EventKind::CatalogItemSetsChanged,
        &payload::CatalogItemSets {
            before: now.into_iter().collect(),
            after: want.into_iter().collect(),
        },
    );
    Ok(true)
}

/// Create an item, or a new version when anything changed (the new version must start after
/// the one in force, which then ends the day before). Returns whether created, versioned or
/// unchanged.
pub async fn upsert_item(w: &mut Writer, r: &ItemRow) -> Result<Outcome, StoreError> {
    let latest = catalog_item::Entity::find()
        .filter(catalog_item::Column::Code.eq(r.code.as_str()))
        .order_by_desc(catalog_item::Column::Version)
        .one(w.txn())
        .await?;
    let sets_changed = set_sets(w, &r.code, &r.sets).await?;
    let version = match &latest {
        Some(l) if same_item(l, r) => {
            return Ok(if sets_changed {
                Outcome::Versioned
            } else {
                Outcome::Unchanged
            });
        }
        Some(l) if r.effective_from <= l.effective_from => {
            return Err(StoreError::invalid(
                "effective_from",
                format!(
                    "事项 {} 已有 {} 起生效的第 {} 版，新版本的生效日期必须晚于它（版本不能重叠）",
                    r.code, l.effective_from, l.version
                ),
            ));
        }
        Some(l) => {
            let mut am: catalog_item::ActiveModel = l.clone().into();
            am.effective_to = Set(Some(r.effective_from - Duration::days(1)));
            am.update(w.txn()).await?;
            l.version + 1
        }
        None => 1,
    };
    let m = catalog_item::ActiveModel {
        code: Set(r.code.clone()),
        version: Set(version),
        name: Set(r.name.clone()),
        domain: Set(r.domain.clone()),
        kind: Set(r.kind.as_str().into()),
        law: Set(r.law.clone()),
        article: Set(r.article.clone()),
        penalty_clause: Set(r.penalty_clause.clone()),
        sector_org_id: Set(r.sector_org_id),
        minor_first_offence: Set(r.minor_first_offence),
        discretion: Set(serde_json::to_string(&r.discretion).unwrap_or_else(|_| "[]".into())),
        effective_from: Set(r.effective_from),
        effective_to: Set(None),
        created_at: Set(w.now()),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    set_tokens(w, &r.code, r).await?;
    w.record(
        "catalog_item",
        &r.code,
        if version == 1 {
            EventKind::CatalogItemCreated
        } else {
            EventKind::CatalogItemVersioned
        },
        &payload::CatalogItemVersion {
            version,
            name: m.name.clone(),
            domain: m.domain.clone(),
            kind: m.kind.clone(),
            law: m.law.clone(),
            article: m.article.clone(),
            effective_from: m.effective_from.to_string(),
        },
    );
    Ok(if version == 1 {
        Outcome::Created
    } else {
        Outcome::Versioned
    })
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// New.
    Created,
    /// Changed: a new version.
    Versioned,
    /// Same as in force.
    Unchanged,
}

impl ImportSummary {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Created => self.created += 1,
            Outcome::Versioned => self.versioned += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }

    /// What the record says of it.
    fn payload(&self) -> payload::ImportSummary {
        payload::ImportSummary {
            created: self.created,
            versioned: self.versioned,
            unchanged: self.unchanged,
        }
    }
}

/// Import items (header [`ITEM_HEADER`]): every row checked; any problem and nothing is written.
pub async fn import_items(
    store: &Store,
    w: Writer,
    text: &str,
) -> Result<ImportSummary, ImportError> {
    let mut w = w;
    let summary = stage_items(store, &mut w, text).await?;
    w.commit().await?;
    Ok(summary)
}

/// Check and apply items inside a write without committing it: dropping the writer
/// afterwards gives a preview of what the import would do.
pub async fn stage_items(
    store: &Store,
    w: &mut Writer,
    text: &str,
) -> Result<ImportSummary, ImportError> {
    let rows = read(text, ITEM_HEADER)?;
    let orgs = org_codes(store.db()).await?;
    let mut errors = vec![];
    let mut parsed = vec![];
    let mut seen = HashSet::new();
    for (line, r) in &rows {
        let line = *line;
        let f = |k: &str| r.get(k).cloned().unwrap_or_default();
        let code = f("code");
        if !valid_code(&code) {
            errors.push(err(line, "code", "事项编码应为2至40位字母、数字或 - _ ."));
        } else if !seen.insert(code.clone()) {
            errors.push(err(line, "code", format!("事项编码 {code} 在文件中重复")));
        }
        for (k, label) in [
            ("name", "事项名称"),
            ("domain", "领域"),
            ("law", "法律依据"),
        ] {
            if f(k).trim().is_empty() {
                errors.push(err(line, k, format!("{label}不能为空")));
            }
        }
        let kind = ItemKind::parse(&f("kind"));
        if kind.is_none() {
            errors.push(err(
                line,
                "kind",
                format!(
                    "未知的事项类型：{}（应为 penalty、inspection、coercive_measure、other）",
                    f("kind")
                ),
            ));
        }
        let sector = match f("sector_department").trim() {
            "" => None,
            c => match orgs.get(c) {
                Some(o) => Some(o.id),
                None => {
                    errors.push(err(line, "sector_department", format!("机构 {c} 不存在")));
                    None
                }
            },
        };
        let mut sets = vec![];
        for s in f("sets")
            .split([';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match CatalogSet::parse(s) {
                Some(x) => sets.push(x),
                None => errors.push(err(line, "sets", format!("未知的清单：{s}"))),
            }
        }
        let minor = match f("minor_first_offence").trim() {
            "true" | "是" | "1" => true,
            "false" | "否" | "0" | "" => false,
            other => {
                errors.push(err(
                    line,
                    "minor_first_offence",
                    format!("应为 true 或 false（现为 {other}）"),
                ));
                false
            }
        };
        let discretion = dc::parse_discretion(&f("discretion")).unwrap_or_else(|m| {
            errors.push(err(line, "discretion", m));
            vec![]
        });
        let from = date(&f("effective_from"));
        if from.is_none() {
            errors.push(err(line, "effective_from", "生效日期应为 YYYY-MM-DD"));
        }
        if let (Some(kind), Some(from)) = (kind, from) {
            parsed.push((
                line,
                ItemRow {
                    code,
                    name: f("name").trim().to_owned(),
                    domain: f("domain").trim().to_owned(),
                    kind,
                    law: f("law").trim().to_owned(),
                    article: f("article").trim().to_owned(),
                    penalty_clause: f("penalty_clause").trim().to_owned(),
                    sector_org_id: sector,
                    sets,
                    minor_first_offence: minor,
                    discretion,
                    effective_from: from,
                },
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let mut summary = ImportSummary::default();
    for (line, r) in &parsed {
        match upsert_item(w, r).await {
            Ok(o) => summary.add(o),
            Err(StoreError::Invalid { field, message }) => errors.push(err(*line, &field, message)),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    w.record(
        "catalog",
        "items",
        EventKind::CatalogItemsImported,
        &summary.payload(),
    );
    Ok(summary)
}

/// A checked assignment row.
#[derive(Debug, Clone)]
struct AssignmentRow {
    item_code: String,
    division_code: String,
    holder: i64,
    mode: AssignmentMode,
    responsible: i64,
    supervising: i64,
    letter_number: String,
    letter_scope: String,
    letter_valid_until: Option<NaiveDate>,
    effective_from: NaiveDate,
}

fn same_assignment(m: &assignment::Model, r: &AssignmentRow) -> bool {
    m.holder_org_id == r.holder
        && m.mode == r.mode.as_str()
        && m.responsible_org_id == r.responsible
        && m.supervising_org_id == r.supervising
        && m.letter_number == r.letter_number
        && m.letter_scope == r.letter_scope
        && m.letter_valid_until == r.letter_valid_until
        && m.effective_from == r.effective_from
}

async fn upsert_assignment(w: &mut Writer, r: &AssignmentRow) -> Result<Outcome, StoreError> {
    let existing = assignment::Entity::find()
        .filter(assignment::Column::ItemCode.eq(r.item_code.as_str()))
        .filter(assignment::Column::DivisionCode.eq(r.division_code.as_str()))
        .order_by_desc(assignment::Column::Version)
        .all(w.txn())
        .await?;
    let open = existing.iter().find(|a| a.effective_to.is_none());
    if let Some(o) = open
        && same_assignment(o, r)
    {
        return Ok(Outcome::Unchanged);
    }
    for a in &existing {
        let clash = match open {
            Some(o) if o.id == a.id => r.effective_from <= a.effective_from,
            _ => dc::overlaps(a.effective_from, a.effective_to, r.effective_from, None),
        };
        if clash {
            return Err(StoreError::invalid(
                "effective_from",
                format!(
                    "事项 {} 在区划 {} 自 {} 起已有承接机构（第 {} 版），同一日期不能有两个承接机构；新的分配须晚于它生效",
                    r.item_code, r.division_code, a.effective_from, a.version
                ),
            ));
        }
    }
    if let Some(o) = open {
        let mut am: assignment::ActiveModel = o.clone().into();
        am.effective_to = Set(Some(r.effective_from - Duration::days(1)));
        am.update(w.txn()).await?;
    }
    let version = existing.iter().map(|a| a.version).max().unwrap_or(0) + 1;
    let m = assignment::ActiveModel {
        item_code: Set(r.item_code.clone()),
        division_code: Set(r.division_code.clone()),
        version: Set(version),
        holder_org_id: Set(r.holder),
        mode: Set(r.mode.as_str().into()),
        responsible_org_id: Set(r.responsible),
        supervising_org_id: Set(r.supervising),
        letter_number: Set(r.letter_number.clone()),
        letter_scope: Set(r.letter_scope.clone()),
        letter_valid_until: Set(r.letter_valid_until),
        effective_from: Set(r.effective_from),
        effective_to: Set(None),
        created_at: Set(w.now()),
        ..Default::default()
    }
    .insert(w.txn())
    .await?;
    w.record(
        "assignment",
        m.id,
        EventKind::AssignmentMade,
        &payload::AssignmentMade {
            item_code: m.item_code.clone(),
            division_code: m.division_code.clone(),
            version,
            holder_org_id: m.holder_org_id,
            mode: m.mode.clone(),
            responsible_org_id: m.responsible_org_id,
            supervising_org_id: m.supervising_org_id,
            letter_number: m.letter_number.clone(),
            effective_from: m.effective_from.to_string(),
        },
    );
    Ok(if version == 1 {
        Outcome::Created
    } else {
        Outcome::Versioned
    })
}

/// Import assignments (header [`ASSIGNMENT_HEADER`]): every row checked; any problem and
/// nothing is written.
pub async fn import_assignments(
    store: &Store,
    w: Writer,
    text: &str,
) -> Result<ImportSummary, ImportError> {
    let mut w = w;
    let summary = stage_assignments(store, &mut w, text).await?;
    w.commit().await?;
    Ok(summary)
}

/// Check and apply assignments inside a write without committing it: dropping the writer
/// afterwards gives a preview of what the import would do.
pub async fn stage_assignments(
    store: &Store,
    w: &mut Writer,
    text: &str,
) -> Result<ImportSummary, ImportError> {
    let rows = read(text, ASSIGNMENT_HEADER)?;
    let orgs = org_codes(store.db()).await?;
    let divisions: HashSet<String> = orgs.values().map(|o| o.division_code.clone()).collect();
    let items: HashSet<String> = catalog_item::Entity::find()
        .select_only()
        .column(catalog_item::Column::Code)
        .distinct()
        .into_tuple::<String>()
        .all(store.db())
        .await
        .map_err(StoreError::from)?
        .into_iter()
        .collect();
    let mut errors = vec![];
    let mut parsed = vec![];
    let mut seen = HashSet::new();
    for (line, r) in &rows {
        let line = *line;
        let f = |k: &str| r.get(k).cloned().unwrap_or_default();
        let item = f("item_code");
        if !items.contains(&item) {
            errors.push(err(
                line,
                "item_code",
                format!("事项 {item} 不存在（请先导入事项）"),
            ));
        }
        let div = f("division_code");
        match DivisionCode::parse(&div) {
            Err(e) => errors.push(err(line, "division_code", e.to_string())),
            Ok(_) if !divisions.contains(&div) => errors.push(err(
                line,
                "division_code",
                format!("没有机构使用行政区划代码 {div}"),
            )),
            Ok(_) => {}
        }
        if !seen.insert((item.clone(), div.clone())) {
            errors.push(err(
                line,
                "division_code",
                format!("事项 {item} 在区划 {div} 的分配在文件中重复"),
            ));
        }
        let mut org = |k: &str| -> Option<i64> {
            let c = f(k);
            match orgs.get(c.trim()) {
                Some(o) if o.active => Some(o.id),
                Some(_) => {
                    errors.push(err(line, k, format!("机构 {c} 已停用")));
                    None
                }
                None => {
                    errors.push(err(line, k, format!("机构 {c} 不存在")));
                    None
                }
            }
        };
        let holder = org("holder_org_code");
        let responsible = org("responsible_org_code");
        let supervising = org("supervising_org_code");
        let mode = AssignmentMode::parse(&f("mode"));
        if mode.is_none() {
            errors.push(err(
                line,
                "mode",
                format!(
                    "未知的承接方式：{}（应为 granted、entrusted、cooperation、retained）",
                    f("mode")
                ),
            ));
        }
        let valid_until = match f("letter_valid_until").trim() {
            "" => None,
            v => {
                let d = date(v);
                if d.is_none() {
                    errors.push(err(line, "letter_valid_until", "委托有效期应为 YYYY-MM-DD"));
                }
                d
            }
        };
        let from = date(&f("effective_from"));
        if from.is_none() {
            errors.push(err(line, "effective_from", "生效日期应为 YYYY-MM-DD"));
        }
        if mode == Some(AssignmentMode::Entrusted) && f("letter_number").trim().is_empty() {
            errors.push(err(line, "letter_number", "委托须写明委托书文号"));
        }
        if let (Some(mode), Some(h), Some(resp)) = (mode, holder, responsible) {
            let entrusted = mode == AssignmentMode::Entrusted;
            if entrusted && h == resp {
                errors.push(err(
                    line,
                    "responsible_org_code",
                    "委托时承担法律责任的应是委托机关，而不是受托的承接机构",
                ));
            }
            if !entrusted && h != resp {
                errors.push(err(
                    line,
                    "responsible_org_code",
                    format!("“{}”方式下承接机构即责任机构", mode.label()),
                ));
            }
        }
        if let (Some(holder), Some(mode), Some(responsible), Some(supervising), Some(from)) =
            (holder, mode, responsible, supervising, from)
        {
            parsed.push((
                line,
                AssignmentRow {
                    item_code: item,
                    division_code: div,
                    holder,
                    mode,
                    responsible,
                    supervising,
                    letter_number: f("letter_number").trim().to_owned(),
                    letter_scope: f("letter_scope").trim().to_owned(),
                    letter_valid_until: valid_until,
                    effective_from: from,
                },
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let mut summary = ImportSummary::default();
    for (line, r) in &parsed {
        match upsert_assignment(w, r).await {
            Ok(o) => summary.add(o),
            Err(StoreError::Invalid { field, message }) => errors.push(err(*line, &field, message)),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    w.record(
        "catalog",
        "assignments",
        EventKind::CatalogAssignmentsImported,
        &summary.payload(),
    );
    Ok(summary)
}

fn csv_line(fields: &[String]) -> String {
    let mut wtr = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(vec![]);
    let _ = wtr.write_record(fields);
    String::from_utf8(wtr.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Who holds an item where: the routing answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    /// Item code.
    pub item_code: String,
    /// Item version in force on the date.
    pub item_version: i32,
    /// Item name.
    pub item_name: String,
    /// The competent org (the holder).
    pub competent_org_id: i64,
    /// How it holds the item.
    pub mode: String,
    /// Who bears legal responsibility.
    pub responsible_org_id: i64,
    /// Who supervises.
    pub supervising_org_id: i64,
    /// The assignment row and its version.
    pub assignment_id: i64,
    /// Assignment version.
    pub assignment_version: i32,
    /// The division the assignment is made for.
    pub assignment_division: String,
    /// Entrustment letter number (entrusted only).
    pub letter_number: String,
}

/// An assignment row as the domain reads it (an unknown mode names the row).
fn domain_assignment(a: &assignment::Model) -> Result<dc::Assignment, StoreError> {
    Ok(dc::Assignment {
        id: a.id,
        division_code: a.division_code.clone(),
        holder_org_id: a.holder_org_id,
        mode: crate::stored(
            AssignmentMode::parse(&a.mode),
            "assignments",
            a.id,
            "mode",
            &a.mode,
        )?,
        responsible_org_id: a.responsible_org_id,
        supervising_org_id: a.supervising_org_id,
        letter_valid_until: a.letter_valid_until,
        effective_from: a.effective_from,
        effective_to: a.effective_to,
    })
}

/// Filter of the item list.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Domain.
    pub domain: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Set.
    pub set: Option<String>,
    /// Search text.
    pub q: Option<String>,
}

impl Store {
    /// The version of an item in force on a date.
    pub async fn item_on(
        &self,
        code: &str,
        on: NaiveDate,
    ) -> Result<catalog_item::Model, StoreError> {
        catalog_item::Entity::find()
            .filter(catalog_item::Column::Code.eq(code))
            .filter(catalog_item::Column::EffectiveFrom.lte(on))
            .order_by_desc(catalog_item::Column::Version)
            .one(self.db())
            .await?
            .filter(|m| m.effective_to.is_none_or(|to| on <= to))
            .ok_or(StoreError::NotFound("该日期适用的事项版本"))
    }

    /// Every version of an item, newest first.
    pub async fn item_versions(&self, code: &str) -> Result<Vec<catalog_item::Model>, StoreError> {
        Ok(catalog_item::Entity::find()
            .filter(catalog_item::Column::Code.eq(code))
            .order_by_desc(catalog_item::Column::Version)
            .all(self.db())
            .await?)
    }

    /// The sets an item is in.
    pub async fn item_sets(&self, code: &str) -> Result<Vec<String>, StoreError> {
        Ok(catalog_set::Entity::find()
            .filter(catalog_set::Column::ItemCode.eq(code))
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| s.set_name)
            .collect())
    }

    /// Every assignment row of an item (all divisions, all versions).
    pub async fn item_assignments(&self, code: &str) -> Result<Vec<assignment::Model>, StoreError> {
        Ok(assignment::Entity::find()
            .filter(assignment::Column::ItemCode.eq(code))
            .order_by_asc(assignment::Column::DivisionCode)
            .order_by_desc(assignment::Column::Version)
            .all(self.db())
            .await?)
    }

    /// Assignments in force on a date (for the matrix and indicators).
    pub async fn assignments_on(
        &self,
        on: NaiveDate,
    ) -> Result<Vec<assignment::Model>, StoreError> {
        Ok(assignment::Entity::find()
            .filter(assignment::Column::EffectiveFrom.lte(on))
            .filter(
                sea_orm::Condition::any()
                    .add(assignment::Column::EffectiveTo.is_null())
                    .add(assignment::Column::EffectiveTo.gte(on)),
            )
            .all(self.db())
            .await?)
    }

    /// Who is competent for an item in a division on a date; `None` when nobody holds it
    /// there (the coordination office designates).
    pub async fn resolve(
        &self,
        code: &str,
        division: &DivisionCode,
        on: NaiveDate,
    ) -> Result<Option<Resolution>, StoreError> {
        let item = self.item_on(code, on).await?;
        let rows = self.item_assignments(code).await?;
        let all: Vec<dc::Assignment> = rows
            .iter()
            .map(domain_assignment)
            .collect::<Result<_, _>>()?;
        let Some(a) = dc::applicable(&all, division, on) else {
            return Ok(None);
        };
        let row = rows
            .iter()
            .find(|r| r.id == a.id)
            .ok_or(StoreError::NotFound("分配"))?;
        Ok(Some(Resolution {
            item_code: item.code,
            item_version: item.version,
            item_name: item.name,
            competent_org_id: row.holder_org_id,
            mode: row.mode.clone(),
            responsible_org_id: row.responsible_org_id,
            supervising_org_id: row.supervising_org_id,
            assignment_id: row.id,
            assignment_version: row.version,
            assignment_division: row.division_code.clone(),
            letter_number: row.letter_number.clone(),
        }))
    }

    /// Whether an org may file a penalty case under an item in a division on a date.
    pub async fn may_penalise(
        &self,
        org_id: i64,
        code: &str,
        division: &DivisionCode,
        on: NaiveDate,
    ) -> Result<PenaltyCheck, StoreError> {
        let item = self.item_on(code, on).await?;
        if item.kind != ItemKind::Penalty.as_str() {
            return Ok(PenaltyCheck {
                allowed: false,
                reason: "该事项不是行政处罚事项".into(),
            });
        }
        let all: Vec<dc::Assignment> = self
            .item_assignments(code)
            .await?
            .iter()
            .map(domain_assignment)
            .collect::<Result<_, _>>()?;
        Ok(dc::may_penalise(&all, org_id, division, on))
    }

    /// The reform indicators of seed 004 on a date.
    pub async fn indicators(&self, on: NaiveDate) -> Result<dc::Indicators, StoreError> {
        let items = catalog_item::Entity::find()
            .filter(catalog_item::Column::EffectiveFrom.lte(on))
            .all(self.db())
            .await?
            .into_iter()
            .filter(|m| m.effective_to.is_none_or(|to| on <= to));
        let must: HashSet<String> = catalog_set::Entity::find()
            .filter(catalog_set::Column::SetName.eq(CatalogSet::TownshipMust.as_str()))
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| s.item_code)
            .collect();
        let items: Vec<dc::IndicatorItem> = items
            .map(|m| dc::IndicatorItem {
                must_delegate: must.contains(&m.code),
                code: m.code,
                domain: m.domain,
            })
            .collect();
        let assignments: Vec<(String, dc::Assignment)> = self
            .assignments_on(on)
            .await?
            .iter()
            .map(|a| Ok((a.item_code.clone(), domain_assignment(a)?)))
            .collect::<Result<_, StoreError>>()?;
        let orgs = org::Entity::find()
            .filter(org::Column::Active.eq(true))
            .all(self.db())
            .await?;
        let bureau: Vec<i64> = orgs
            .iter()
            .filter(|o| o.kind == "enforcement_bureau")
            .map(|o| o.id)
            .collect();
        let mut towns: Vec<String> = orgs
            .iter()
            .filter(|o| o.kind == "township")
            .map(|o| o.division_code.clone())
            .collect();
        towns.sort();
        towns.dedup();
        Ok(dc::indicators(&items, &assignments, &bureau, &towns))
    }

    /// Every assignment in an in-memory routing table.
    pub async fn routing_index(&self) -> Result<dc::RoutingIndex, StoreError> {
        let rows = assignment::Entity::find().all(self.db()).await?;
        let pairs = rows
            .iter()
            .map(|a| Ok((a.item_code.clone(), domain_assignment(a)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(dc::RoutingIndex::build(pairs))
    }

    /// Items (the latest version of each) matching a filter, with the total; a search text
    /// ranks by the number of its tokens an item has.
    pub async fn items(
        &self,
        f: &ItemFilter,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<catalog_item::Model>, u64), StoreError> {
        let mut codes: Option<Vec<String>> = None;
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            codes = Some(self.search_codes(q, 200).await?);
        }
        if let Some(set) = f.set.as_deref().filter(|s| !s.is_empty()) {
            let in_set: HashSet<String> = catalog_set::Entity::find()
                .filter(catalog_set::Column::SetName.eq(set))
                .all(self.db())
                .await?
                .into_iter()
                .map(|s| s.item_code)
                .collect();
            codes = Some(match codes {
                Some(c) => c.into_iter().filter(|x| in_set.contains(x)).collect(),
                None => in_set.into_iter().collect(),
            });
        }
        let mut q =
            catalog_item::Entity::find().filter(catalog_item::Column::EffectiveTo.is_null());
        if let Some(c) = &codes {
            q = q.filter(catalog_item::Column::Code.is_in(c.clone()));
        }
        if let Some(d) = f.domain.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(catalog_item::Column::Domain.eq(d));
        }
        if let Some(k) = f.kind.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(catalog_item::Column::Kind.eq(k));
        }
        let total = q.clone().count(self.db()).await?;
        let mut rows = if f.q.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            // Keep the search ranking: fetch all matches (at most 200) and page in memory.
            let mut all = q.all(self.db()).await?;
            let rank: HashMap<String, usize> = codes
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, c)| (c, i))
                .collect();
            all.sort_by_key(|m| rank.get(&m.code).copied().unwrap_or(usize::MAX));
            all.into_iter()
                .skip(page.saturating_sub(1).saturating_mul(per_page) as usize)
                .take(per_page as usize)
                .collect()
        } else {
            q.order_by_asc(catalog_item::Column::Code)
                .offset(page.saturating_sub(1).saturating_mul(per_page))
                .limit(per_page)
                .all(self.db())
                .await?
        };
        rows.truncate(per_page as usize);
        Ok((rows, total))
    }

    /// Item codes matching a search text, best first (most query tokens matched).
    pub async fn search_codes(&self, q: &str, limit: u64) -> Result<Vec<String>, StoreError> {
        let toks = query_tokens(q);
        let hits: Vec<(String, i64)> = catalog_token::Entity::find()
            .select_only()
            .column(catalog_token::Column::ItemCode)
            .column_as(Expr::col(catalog_token::Column::Token).count(), "hits")
            .filter(catalog_token::Column::Token.is_in(toks))
            .group_by(catalog_token::Column::ItemCode)
            .order_by_desc(Expr::col(catalog_token::Column::Token).count())
            .order_by_asc(catalog_token::Column::ItemCode)
            .limit(limit)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(hits.into_iter().map(|(c, _)| c).collect())
    }

    /// Distinct domains with their item counts.
    pub async fn catalog_domains(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(catalog_item::Entity::find()
            .select_only()
            .column(catalog_item::Column::Domain)
            .column_as(Expr::col(catalog_item::Column::Id).count(), "n")
            .filter(catalog_item::Column::EffectiveTo.is_null())
            .group_by(catalog_item::Column::Domain)
            .order_by_asc(catalog_item::Column::Domain)
            .into_tuple()
            .all(self.db())
            .await?)
    }

    /// Items in force as CSV (the import format); re-importing it changes nothing.
    pub async fn export_items(&self) -> Result<String, StoreError> {
        let orgs: HashMap<i64, String> = org::Entity::find()
            .all(self.db())
            .await?
            .into_iter()
            .map(|o| (o.id, o.code))
            .collect();
        let items = catalog_item::Entity::find()
            .filter(catalog_item::Column::EffectiveTo.is_null())
            .order_by_asc(catalog_item::Column::Code)
            .all(self.db())
            .await?;
        let mut sets: HashMap<String, Vec<String>> = HashMap::new();
        for s in catalog_set::Entity::find().all(self.db()).await? {
            sets.entry(s.item_code).or_default().push(s.set_name);
        }
        let mut out = csv_line(
            &ITEM_HEADER
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        );
        for m in items {
            let mut item_sets = sets.remove(&m.code).unwrap_or_default();
            item_sets.sort_by_key(|s| CatalogSet::parse(s).map(|x| x as usize));
            let tiers: Vec<DiscretionTier> =
                serde_json::from_str(&m.discretion).unwrap_or_default();
            out.push_str(&csv_line(&[
                m.code,
                m.name,
                m.domain,
                m.kind,
                m.law,
                m.article,
                m.penalty_clause,
                m.sector_org_id
                    .and_then(|id| orgs.get(&id).cloned())
                    .unwrap_or_default(),
                item_sets.join(";"),
                m.minor_first_offence.to_string(),
                dc::format_discretion(&tiers),
                m.effective_from.to_string(),
            ]));
        }
        Ok(out)
    }

    /// Assignments in force as CSV (the import format).
    pub async fn export_assignments(&self) -> Result<String, StoreError> {
        let orgs: HashMap<i64, String> = org::Entity::find()
            .all(self.db())
            .await?
            .into_iter()
            .map(|o| (o.id, o.code))
            .collect();
        let code = |id: i64| orgs.get(&id).cloned().unwrap_or_default();
        let rows = assignment::Entity::find()
            .filter(assignment::Column::EffectiveTo.is_null())
            .order_by_asc(assignment::Column::ItemCode)
            .order_by_asc(assignment::Column::DivisionCode)
            .all(self.db())
            .await?;
        let mut out = csv_line(
            &ASSIGNMENT_HEADER
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        );
        for a in rows {
            out.push_str(&csv_line(&[
                a.item_code,
                a.division_code,
                code(a.holder_org_id),
                a.mode,
                code(a.responsible_org_id),
                code(a.supervising_org_id),
                a.letter_number,
                a.letter_scope,
                a.letter_valid_until
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                a.effective_from.to_string(),
            ]));
        }
        Ok(out)
    }
}

/// Import township/grid boundaries (a GeoJSON FeatureCollection; each feature has a
/// `division_code` some org uses, or a grid code under a township). All or nothing; a
/// division's boundary is replaced.
pub async fn import_boundaries(store: &Store, w: Writer, text: &str) -> Result<usize, ImportError> {
    use crate::entities::boundary;
    let file_error = |m: String| ImportError::Rows(vec![err(0, "file", m)]);
    let parsed =
        xiezhi_domain::boundary::parse_geojson(text).map_err(|e| file_error(e.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| file_error(e.to_string()))?;
    let features = value["features"].as_array().cloned().unwrap_or_default();
    let known: HashSet<String> = org::Entity::find()
        .all(store.db())
        .await
        .map_err(StoreError::from)?
        .into_iter()
        .map(|o| o.division_code)
        .collect();
    let mut errors = vec![];
    let mut seen = HashSet::new();
    for (i, b) in parsed.iter().enumerate() {
        let under_township = b.division_code.len() == 12 && known.contains(&b.division_code[..9]);
        if !known.contains(&b.division_code) && !under_township {
            errors.push(err(
                i + 1,
                "division_code",
                format!(
                    "没有机构使用行政区划代码 {}（网格须在已有乡镇之下）",
                    b.division_code
                ),
            ));
        }
        if !seen.insert(b.division_code.clone()) {
            errors.push(err(
                i + 1,
                "division_code",
                format!("区划 {} 在文件中重复", b.division_code),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let mut w = w;
    for (b, f) in parsed.iter().zip(features) {
        boundary::Entity::delete_by_id(b.division_code.clone())
            .exec(w.txn())
            .await
            .map_err(StoreError::from)?;
        boundary::ActiveModel {
            division_code: Set(b.division_code.clone()),
            name: Set(b.name.clone()),
            feature: Set(f.to_string()),
            loaded_at: Set(w.now()),
        }
        .insert(w.txn())
        .await
        .map_err(StoreError::from)?;
        w.record(
            "boundary",
            &b.division_code,
            EventKind::BoundaryLoaded,
            &payload::BoundaryLoaded {
                name: b.name.clone(),
                polygons: b.area.0.len(),
            },
        );
    }
    w.commit().await?;
    Ok(parsed.len())
}

impl Store {
    /// The items an org holds somewhere on a date (承接事项), `(code, name)` by code: what a
    /// case filed by that org can be filed under.
    pub async fn items_held_by(
        &self,
        org_id: i64,
        on: NaiveDate,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut codes: Vec<String> = self
            .assignments_on(on)
            .await?
            .into_iter()
            .filter(|a| a.holder_org_id == org_id)
            .map(|a| a.item_code)
            .collect();
        codes.sort();
        codes.dedup();
        let mut names: std::collections::HashMap<String, (i32, String)> = Default::default();
        for i in catalog_item::Entity::find()
            .filter(catalog_item::Column::Code.is_in(codes.clone()))
            .all(self.db())
            .await?
        {
            let e = names.entry(i.code).or_insert((i.version, i.name.clone()));
            if i.version >= e.0 {
                *e = (i.version, i.name);
            }
        }
        Ok(codes
            .into_iter()
            .map(|c| {
                let name = names.get(&c).map(|n| n.1.clone()).unwrap_or_default();
                (c, name)
            })
            .collect())
    }

    /// Places by name for a form: the townships (their orgs) and the loaded boundaries
    /// (townships, villages, grids), `(division code, name)` by code.
    pub async fn places(&self) -> Result<Vec<(String, String)>, StoreError> {
        use crate::entities::{boundary, org};
        let mut out: std::collections::BTreeMap<String, String> = org::Entity::find()
            .filter(org::Column::Kind.eq("township"))
            .filter(org::Column::Active.eq(true))
            .all(self.db())
            .await?
            .into_iter()
            .map(|o| (o.division_code, o.name))
            .collect();
        for b in boundary::Entity::find().all(self.db()).await? {
            out.entry(b.division_code).or_insert(b.name);
        }
        Ok(out.into_iter().collect())
    }

    /// All loaded boundaries, for locating points.
    pub async fn boundary_index(
        &self,
    ) -> Result<xiezhi_domain::boundary::BoundaryIndex, StoreError> {
        use crate::entities::boundary;
        let rows = boundary::Entity::find().all(self.db()).await?;
        if rows.is_empty() {
            return Ok(Default::default());
        }
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            rows.iter()
                .map(|r| r.feature.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        xiezhi_domain::boundary::parse_geojson(&text)
            .map(xiezhi_domain::boundary::BoundaryIndex::new)
            .map_err(|e| StoreError::Config(format!("已存边界数据损坏：{e}")))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_character_words_are_tokens() {
        let t = super::tokens("对在城市道路上占道经营的行政处罚");
        assert!(t.contains("占道"), "{t:?}");
        assert!(t.contains("经营"));
        assert!(t.contains("道路"));
        let n = super::tokens("对产生环境噪声污染的处罚");
        assert!(n.contains("噪声"));
    }
}
