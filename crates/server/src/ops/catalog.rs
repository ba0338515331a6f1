//! Operations on the catalog: browse, item detail, routing, the may-penalise check, the
//! item × township matrix, import and export.

use super::{PER_PAGE, Page};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use xiezhi_domain::catalog::{AssignmentMode, CatalogSet, DiscretionTier, ItemKind, PenaltyCheck};
use xiezhi_domain::{Action, DivisionCode, Target};
use xiezhi_store::catalog::{self, ImportSummary, ItemFilter};
use xiezhi_store::entities::{assignment, catalog_item, org};

/// An item version as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemView {
    pub code: String,
    pub version: i32,
    pub name: String,
    pub domain: String,
    pub kind: String,
    pub kind_label: String,
    pub law: String,
    pub article: String,
    pub penalty_clause: String,
    pub sector_org_id: Option<i64>,
    pub sector_org_name: String,
    pub minor_first_offence: bool,
    #[schema(value_type = Vec<Object>)]
    pub discretion: Vec<DiscretionTier>,
    pub effective_from: String,
    pub effective_to: Option<String>,
}

impl ItemView {
    /// The item as the public sees it: its texts pass through public masking, like
    /// every text that leaves for the public.
    fn public(self) -> Self {
        use xiezhi_domain::mask::public_text;
        ItemView {
            name: public_text(&self.name),
            law: public_text(&self.law),
            article: public_text(&self.article),
            penalty_clause: public_text(&self.penalty_clause),
            ..self
        }
    }

    /// Public masking when there is no signed-in viewer.
    fn for_viewer(self, ctx: Option<&Ctx>) -> Self {
        if ctx.is_some() { self } else { self.public() }
    }
}

/// An assignment as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: i64,
    pub division_code: String,
    pub division_name: String,
    pub version: i32,
    pub holder_org_id: i64,
    pub holder_org_name: String,
    pub mode: String,
    pub mode_label: String,
    pub responsible_org_name: String,
    pub supervising_org_name: String,
    pub letter_number: String,
    pub letter_scope: String,
    pub letter_valid_until: Option<String>,
    pub effective_from: String,
    pub effective_to: Option<String>,
}

/// An item with its versions, sets and assignments.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemDetail {
    /// The version in force on the date asked (default today).
    pub item: ItemView,
    pub versions: Vec<ItemView>,
    pub sets: Vec<String>,
    pub set_labels: Vec<String>,
    /// All assignment rows, every division and version.
    pub assignments: Vec<AssignmentView>,
}

struct Names {
    orgs: Vec<org::Model>,
}

impl Names {
    async fn load(s: &AppState) -> Result<Names, AppError> {
        Ok(Names {
            orgs: s.store.orgs_under("/").await?,
        })
    }
    fn org(&self, id: i64) -> String {
        self.orgs
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }
    fn division(&self, code: &str) -> String {
        let mut matching: Vec<&org::Model> = self
            .orgs
            .iter()
            .filter(|o| o.division_code == code)
            .collect();
        matching.sort_by_key(|o| (o.kind != "government" && o.kind != "township", o.id));
        matching
            .first()
            .map(|o| o.name.clone())
            .unwrap_or_else(|| code.to_owned())
    }
    fn item(&self, m: &catalog_item::Model) -> ItemView {
        ItemView {
            code: m.code.clone(),
            version: m.version,
            name: m.name.clone(),
            domain: m.domain.clone(),
            kind: m.kind.clone(),
            kind_label: ItemKind::parse(&m.kind)
                .map(|k| k.label().to_owned())
                .unwrap_or_default(),
            law: m.law.clone(),
            article: m.article.clone(),
            penalty_clause: m.penalty_clause.clone(),
            sector_org_id: m.sector_org_id,
            sector_org_name: m.sector_org_id.map(|id| self.org(id)).unwrap_or_default(),
            minor_first_offence: m.minor_first_offence,
            discretion: serde_json::from_str(&m.discretion).unwrap_or_default(),
            effective_from: m.effective_from.to_string(),
            effective_to: m.effective_to.map(|d| d.to_string()),
        }
    }
    fn assignment(&self, a: &assignment::Model) -> AssignmentView {
        AssignmentView {
            id: a.id,
            division_code: a.division_code.clone(),
            division_name: self.division(&a.division_code),
            version: a.version,
            holder_org_id: a.holder_org_id,
            holder_org_name: self.org(a.holder_org_id),
            mode: a.mode.clone(),
            mode_label: AssignmentMode::parse(&a.mode)
                .map(|m| m.label().to_owned())
                .unwrap_or_default(),
            responsible_org_name: self.org(a.responsible_org_id),
            supervising_org_name: self.org(a.supervising_org_id),
            letter_number: a.letter_number.clone(),
            letter_scope: a.letter_scope.clone(),
            letter_valid_until: a.letter_valid_until.map(|d| d.to_string()),
            effective_from: a.effective_from.to_string(),
            effective_to: a.effective_to.map(|d| d.to_string()),
        }
    }
}

fn can_view(ctx: &Ctx) -> Result<(), AppError> {
    ctx.authorize(
        Action::ViewCatalog,
        &Target::org(ctx.actor.government_path.clone()),
    )
}

fn day(s: Option<&str>, field: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| AppError::invalid(field, "日期应为 YYYY-MM-DD")),
    }
}

fn today(ctx: &Ctx) -> NaiveDate {
    xiezhi_domain::beijing::day(ctx.now())
}

/// Query of the item list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ItemQuery {
    /// Search text (Chinese words, codes, laws).
    pub q: Option<String>,
    pub domain: Option<String>,
    /// `penalty`, `inspection`, `coercive_measure`, `other`.
    pub kind: Option<String>,
    /// `provincial`, `local`, `township_must`, `township_optional`, `department`.
    pub set: Option<String>,
    pub page: Option<u64>,
}

/// Browse or search the catalog (items in force).
pub async fn list_items(
    s: &AppState,
    ctx: Option<&Ctx>,
    q: &ItemQuery,
) -> Result<Page<ItemView>, AppError> {
    if let Some(ctx) = ctx {
        can_view(ctx)?;
    }
    if let Some(k) = q.kind.as_deref().filter(|k| !k.is_empty())
        && ItemKind::parse(k).is_none()
    {
        return Err(AppError::invalid("kind", format!("未知的事项类型：{k}")));
    }
    if let Some(set) = q.set.as_deref().filter(|k| !k.is_empty())
        && CatalogSet::parse(set).is_none()
    {
        return Err(AppError::invalid("set", format!("未知的清单：{set}")));
    }
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let f = ItemFilter {
        domain: q.domain.clone(),
        kind: q.kind.clone(),
        set: q.set.clone(),
        q: q.q.clone(),
    };
    let (rows, total) = s.store.items(&f, page, PER_PAGE).await?;
    let names = Names::load(s).await?;
    Ok(Page {
        items: rows.iter().map(|m| names.item(m).for_viewer(ctx)).collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// The catalog's domains with item counts.
pub async fn domains(s: &AppState) -> Result<Vec<(String, i64)>, AppError> {
    Ok(s.store.catalog_domains().await?)
}

/// Query naming a date.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct DateQuery {
    /// `YYYY-MM-DD` (default today, Beijing).
    pub date: Option<String>,
}

/// One item: the version in force on the date, every version, sets, assignments.
pub async fn item_detail(
    s: &AppState,
    ctx: Option<&Ctx>,
    code: &str,
    q: &DateQuery,
    today_: NaiveDate,
) -> Result<ItemDetail, AppError> {
    if let Some(ctx) = ctx {
        can_view(ctx)?;
    }
    let on = day(q.date.as_deref(), "date", today_)?;
    let versions = s.store.item_versions(code).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound("事项"));
    }
    let item = s.store.item_on(code, on).await?;
    let names = Names::load(s).await?;
    let sets = s.store.item_sets(code).await?;
    Ok(ItemDetail {
        item: names.item(&item).for_viewer(ctx),
        versions: versions
            .iter()
            .map(|v| names.item(v).for_viewer(ctx))
            .collect(),
        set_labels: sets
            .iter()
            .filter_map(|x| CatalogSet::parse(x))
            .map(|x| x.label().to_owned())
            .collect(),
        sets,
        assignments: s
            .store
            .item_assignments(code)
            .await?
            .iter()
            .map(|a| names.assignment(a))
            .collect(),
    })
}

/// Today for a context.
pub fn today_for(ctx: &Ctx) -> NaiveDate {
    today(ctx)
}

/// Query of routing: a place is a division code, or a point (WGS 84) inside a loaded
/// township or grid boundary.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ResolveQuery {
    /// Item code.
    pub item: String,
    /// Division code (county, township or grid).
    pub division: Option<String>,
    /// Longitude (with `lat`, instead of `division`).
    pub lon: Option<f64>,
    /// Latitude.
    pub lat: Option<f64>,
    /// `YYYY-MM-DD` (default today).
    pub date: Option<String>,
    /// For may-penalise: the org asking.
    pub org_id: Option<i64>,
}

/// The routing answer as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResolveView {
    /// Whether an org holds the item there.
    pub found: bool,
    pub item_code: String,
    pub item_version: Option<i32>,
    pub item_name: String,
    pub division_code: String,
    pub date: String,
    pub competent_org_id: Option<i64>,
    pub competent_org_name: String,
    pub mode: String,
    pub mode_label: String,
    pub responsible_org_name: String,
    pub supervising_org_name: String,
    pub assignment_id: Option<i64>,
    pub assignment_version: Option<i32>,
    pub letter_number: String,
    /// When nobody holds it: the coordination office that designates jurisdiction.
    pub designate_org_id: Option<i64>,
    pub designate_org_name: String,
    /// A sentence for people.
    pub answer: String,
}

/// The division of a place: the code given, or the boundary containing the point.
async fn place(s: &AppState, q: &ResolveQuery) -> Result<DivisionCode, AppError> {
    match (
        q.division
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty()),
        q.lon,
        q.lat,
    ) {
        (Some(d), _, _) => Ok(DivisionCode::parse(d)?),
        (None, Some(lon), Some(lat)) => {
            let index = s.store.boundary_index().await?;
            let b = index.locate(lon, lat).ok_or_else(|| {
                AppError::invalid(
                    "lat",
                    format!("坐标（{lon}，{lat}）不在任何已导入的乡镇（街道）或网格边界内"),
                )
            })?;
            Ok(DivisionCode::parse(&b.division_code)?)
        }
        _ => Err(AppError::invalid(
            "division_code",
            "请给出行政区划代码 division，或经纬度 lon 和 lat",
        )),
    }
}

/// Who is competent for an item at a place on a date.
pub async fn resolve(s: &AppState, ctx: &Ctx, q: &ResolveQuery) -> Result<ResolveView, AppError> {
    can_view(ctx)?;
    let division = place(s, q).await?;
    let on = day(q.date.as_deref(), "date", today(ctx))?;
    let item =
        s.store.item_on(q.item.trim(), on).await.map_err(|_| {
            AppError::invalid("item", format!("事项 {} 在 {on} 没有有效版本", q.item))
        })?;
    let names = Names::load(s).await?;
    let r = s.store.resolve(&item.code, &division, on).await?;
    let mut v = ResolveView {
        found: r.is_some(),
        item_code: item.code.clone(),
        item_version: Some(item.version),
        item_name: item.name.clone(),
        division_code: division.to_string(),
        date: on.to_string(),
        competent_org_id: None,
        competent_org_name: String::new(),
        mode: String::new(),
        mode_label: String::new(),
        responsible_org_name: String::new(),
        supervising_org_name: String::new(),
        assignment_id: None,
        assignment_version: None,
        letter_number: String::new(),
        designate_org_id: None,
        designate_org_name: String::new(),
        answer: String::new(),
    };
    match r {
        Some(r) => {
            let mode = AssignmentMode::parse(&r.mode)
                .map(|m| m.label())
                .unwrap_or_default();
            v.competent_org_id = Some(r.competent_org_id);
            v.competent_org_name = names.org(r.competent_org_id);
            v.mode = r.mode.clone();
            v.mode_label = mode.into();
            v.responsible_org_name = names.org(r.responsible_org_id);
            v.supervising_org_name = names.org(r.supervising_org_id);
            v.assignment_id = Some(r.assignment_id);
            v.assignment_version = Some(r.assignment_version);
            v.letter_number = r.letter_number.clone();
            v.answer = format!(
                "{}（{}）由{}以“{}”方式承接，法律责任由{}承担，{}负责监管",
                item.name,
                names.division(&r.assignment_division),
                v.competent_org_name,
                mode,
                v.responsible_org_name,
                v.supervising_org_name
            );
        }
        None => {
            let office = names
                .orgs
                .iter()
                .find(|o| o.kind == "coordination_office" && o.active);
            v.designate_org_id = office.map(|o| o.id);
            v.designate_org_name = office.map(|o| o.name.clone()).unwrap_or_default();
            v.answer = format!(
                "该事项在区划 {division} 没有承接机构，请由{}指定管辖",
                if v.designate_org_name.is_empty() {
                    "执法统筹协调机构"
                } else {
                    &v.designate_org_name
                }
            );
        }
    }
    Ok(v)
}

/// Whether an org may file a penalty case under an item there (default: the caller's org).
pub async fn may_penalise(
    s: &AppState,
    ctx: &Ctx,
    q: &ResolveQuery,
) -> Result<PenaltyCheck, AppError> {
    can_view(ctx)?;
    let division = place(s, q).await?;
    let on = day(q.date.as_deref(), "date", today(ctx))?;
    let org_id = q.org_id.unwrap_or(ctx.actor.org_id);
    s.store
        .org(org_id)
        .await
        .map_err(|_| AppError::invalid("org_id", "机构不存在"))?;
    s.store
        .may_penalise(org_id, q.item.trim(), &division, on)
        .await
        .map_err(|e| match e {
            xiezhi_store::StoreError::NotFound(_) => {
                AppError::invalid("item", format!("事项 {} 在 {on} 没有有效版本", q.item))
            }
            other => other.into(),
        })
}

/// The item × township matrix.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Matrix {
    /// Columns: (division code, township name).
    pub townships: Vec<(String, String)>,
    pub rows: Vec<MatrixRow>,
}

/// One item's row: the mode label per township (empty: the county-wide holder applies).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatrixRow {
    pub code: String,
    pub name: String,
    pub domain: String,
    pub county_holder: String,
    pub cells: Vec<String>,
}

/// Township items (in the township sets, or with any township row) and how each township holds them today.
pub async fn matrix(s: &AppState, ctx: &Ctx) -> Result<Matrix, AppError> {
    can_view(ctx)?;
    let names = Names::load(s).await?;
    let on = today(ctx);
    let mut towns: Vec<&org::Model> = names
        .orgs
        .iter()
        .filter(|o| o.kind == "township" && o.active)
        .collect();
    towns.sort_by(|a, b| a.division_code.cmp(&b.division_code));
    let assignments = s.store.assignments_on(on).await?;
    let mut by_item: HashMap<&str, Vec<&assignment::Model>> = HashMap::new();
    for a in &assignments {
        by_item.entry(a.item_code.as_str()).or_default().push(a);
    }
    let mut rows = vec![];
    let (items, _) = s.store.items(&ItemFilter::default(), 1, 100_000).await?;
    for m in items {
        let Some(list) = by_item.get(m.code.as_str()) else {
            continue;
        };
        let cells: Vec<String> = towns
            .iter()
            .map(|t| {
                list.iter()
                    .find(|a| a.division_code == t.division_code)
                    .and_then(|a| AssignmentMode::parse(&a.mode))
                    .map(|m| m.label().to_owned())
                    .unwrap_or_default()
            })
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let county = list
            .iter()
            .find(|a| a.division_code.len() == 6)
            .map(|a| names.org(a.holder_org_id))
            .unwrap_or_default();
        rows.push(MatrixRow {
            code: m.code.clone(),
            name: m.name.clone(),
            domain: m.domain.clone(),
            county_holder: county,
            cells,
        });
    }
    Ok(Matrix {
        townships: towns
            .iter()
            .map(|t| (t.division_code.clone(), t.name.clone()))
            .collect(),
        rows,
    })
}

/// Which catalog file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogFile {
    /// Items.
    Items,
    /// Assignments.
    Assignments,
}

/// Import township/grid boundaries (GeoJSON), the top government's system administrator.
pub async fn import_boundaries(s: &AppState, ctx: &Ctx, text: &str) -> Result<usize, AppError> {
    ctx.authorize(Action::ManageCatalog, &top_target(s).await?)?;
    let w = ctx.writer(s).await?;
    Ok(catalog::import_boundaries(&s.store, w, text).await?)
}

async fn top_target(s: &AppState) -> Result<Target, AppError> {
    let top = s.store.top_org().await?.ok_or(AppError::NotFound("机构"))?;
    Ok(Target::org(top.path))
}

/// The text of an uploaded catalog file: CSV (UTF-8) as it is, XLSX (first sheet) converted.
pub fn file_text(bytes: &[u8]) -> Result<String, AppError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return xiezhi_store::xlsx::xlsx_to_csv(bytes).map_err(|m| AppError::invalid("file", m));
    }
    std::str::from_utf8(bytes)
        .map(|t| t.trim_start_matches('\u{feff}').to_owned())
        .map_err(|_| AppError::invalid("file", "文件应为 UTF-8 编码的 CSV 或 XLSX 工作簿"))
}

/// Import a catalog file, CSV or XLSX (the top government's system administrator). With
/// `preview`, every check runs and the summary says what would change, but nothing is written.
pub async fn import(
    s: &AppState,
    ctx: &Ctx,
    file: CatalogFile,
    bytes: &[u8],
    preview: bool,
) -> Result<ImportSummary, AppError> {
    ctx.authorize(Action::ManageCatalog, &top_target(s).await?)?;
    let text = file_text(bytes)?;
    let mut w = ctx.writer(s).await?;
    let summary = match file {
        CatalogFile::Items => catalog::stage_items(&s.store, &mut w, &text).await?,
        CatalogFile::Assignments => catalog::stage_assignments(&s.store, &mut w, &text).await?,
    };
    if !preview {
        w.commit().await?;
    }
    Ok(summary)
}

/// Export a catalog file (anyone who may see the catalog), as CSV text or an XLSX workbook.
pub async fn export(
    s: &AppState,
    ctx: &Ctx,
    file: CatalogFile,
    xlsx: bool,
) -> Result<Vec<u8>, AppError> {
    can_view(ctx)?;
    let (csv, sheet) = match file {
        CatalogFile::Items => (s.store.export_items().await?, "执法事项"),
        CatalogFile::Assignments => (s.store.export_assignments().await?, "承接分配"),
    };
    if xlsx {
        xiezhi_store::xlsx::csv_to_xlsx(&csv, sheet).map_err(AppError::Internal)
    } else {
        Ok(csv.into_bytes())
    }
}

/// An entrustment letter (委托书) and what it covers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LetterView {
    pub letter_number: String,
    pub entrusting_org_name: String,
    pub entrusted_org_name: String,
    pub scope: String,
    pub valid_until: Option<String>,
    /// Past its validity today.
    pub expired: bool,
    /// (code, name) of the items it covers.
    pub items: Vec<(String, String)>,
}

/// Entrustment letters in force, with the items each covers.
pub async fn letters(s: &AppState, ctx: &Ctx) -> Result<Vec<LetterView>, AppError> {
    can_view(ctx)?;
    let on = today(ctx);
    let names = Names::load(s).await?;
    let (items, _) = s.store.items(&ItemFilter::default(), 1, 100_000).await?;
    let item_name = |code: &str| {
        items
            .iter()
            .find(|i| i.code == code)
            .map(|i| i.name.clone())
            .unwrap_or_default()
    };
    let mut letters: Vec<LetterView> = vec![];
    for a in s
        .store
        .assignments_on(on)
        .await?
        .iter()
        .filter(|a| a.mode == AssignmentMode::Entrusted.as_str())
    {
        let entrusted = names.org(a.holder_org_id);
        match letters
            .iter_mut()
            .find(|l| l.letter_number == a.letter_number && l.entrusted_org_name == entrusted)
        {
            Some(l) => l.items.push((a.item_code.clone(), item_name(&a.item_code))),
            None => letters.push(LetterView {
                letter_number: a.letter_number.clone(),
                entrusting_org_name: names.org(a.responsible_org_id),
                entrusted_org_name: entrusted,
                scope: a.letter_scope.clone(),
                valid_until: a.letter_valid_until.map(|d| d.to_string()),
                expired: a.letter_valid_until.is_some_and(|d| d < on),
                items: vec![(a.item_code.clone(), item_name(&a.item_code))],
            }),
        }
    }
    letters.sort_by(|a, b| {
        a.letter_number
            .cmp(&b.letter_number)
            .then(a.entrusted_org_name.cmp(&b.entrusted_org_name))
    });
    Ok(letters)
}

/// The reform indicators with township names.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorsView {
    pub date: String,
    #[schema(value_type = Object)]
    pub indicators: xiezhi_domain::catalog::Indicators,
    /// Division code → township name.
    pub township_names: Vec<(String, String)>,
}

/// The reform indicators of seed 004 computed from the catalog on a date.
pub async fn indicators(
    s: &AppState,
    ctx: &Ctx,
    q: &DateQuery,
) -> Result<IndicatorsView, AppError> {
    can_view(ctx)?;
    let on = day(q.date.as_deref(), "date", today(ctx))?;
    let names = Names::load(s).await?;
    let indicators = s.store.indicators(on).await?;
    let township_names = indicators
        .townships
        .iter()
        .map(|t| (t.division_code.clone(), names.division(&t.division_code)))
        .collect();
    Ok(IndicatorsView {
        date: on.to_string(),
        indicators,
        township_names,
    })
}
