//! Pages: the catalog (signed in and public), item detail, the township matrix, import.

use super::*;
use crate::ops::catalog::{self as cat, *};
use xiezhi_domain::catalog::{CatalogSet, ItemKind};
use xiezhi_store::catalog::{ASSIGNMENT_HEADER, ITEM_HEADER};

page!(CatalogPage, "catalog.html" {
    page: Page_<ItemView>, pager: Pager, q: ItemQuery, domains: Vec<(String, i64)>,
    kinds: Vec<(&'static str, &'static str)>, sets: Vec<(&'static str, &'static str)>,
    base: &'static str, public: bool, can_manage: bool,
});
page!(ItemPage, "catalog_item.html" { d: ItemDetail });
page!(MatrixPage, "catalog_matrix.html" { m: Matrix });
page!(IndicatorsPage, "catalog_indicators.html" { v: IndicatorsView });
page!(CatalogImportPage, "catalog_import.html" {
    errors: Vec<RowError>, error_title: String, notice: Option<String>, items_csv: String, assignments_csv: String,
    item_header: String, assignment_header: String,
});

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/catalog", get(catalog_page))
        .route("/catalog/items/{code}", get(item_page))
        .route("/catalog/matrix", get(matrix_page))
        .route("/catalog/indicators", get(indicators_page))
        .route("/catalog/letters", get(letters_page))
        .route("/catalog/import/upload", post(upload))
        .route("/catalog/import", get(import_page))
        .route("/catalog/import/items", post(import_items))
        .route("/catalog/import/assignments", post(import_assignments))
        .route("/public/catalog", get(public_catalog))
        .route("/public/catalog/items/{code}", get(public_item))
}

fn can_manage(s_top: &Option<String>, ctx: &Ctx) -> bool {
    s_top
        .as_ref()
        .is_some_and(|p| ctx.can(Action::ManageCatalog, &Target::org(p.clone())))
}

async fn top_path(s: &AppState) -> Option<String> {
    s.store.top_org().await.ok().flatten().map(|o| o.path)
}

async fn list(
    s: &AppState,
    ctx: Option<&Ctx>,
    q: ItemQuery,
    query: &str,
    layout: Layout,
    manage: bool,
) -> UiResult {
    let page = cat::list_items(s, ctx, &q).await?;
    let domains = cat::domains(s).await?;
    ok(&CatalogPage {
        layout,
        pager: Pager::new(&page, query),
        page,
        q,
        domains,
        kinds: ItemKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        sets: CatalogSet::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        base: if ctx.is_some() {
            "/catalog"
        } else {
            "/public/catalog"
        },
        public: ctx.is_none(),
        can_manage: manage,
    })
}

async fn catalog_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<ItemQuery>,
) -> UiResult {
    let layout = Layout::new(&s, &ctx, &headers, "权责清单", "/catalog").await;
    let manage = can_manage(&top_path(&s).await, &ctx);
    list(
        &s,
        Some(&ctx),
        q,
        uri.query().unwrap_or_default(),
        layout,
        manage,
    )
    .await
}

async fn public_catalog(
    State(s): State<AppState>,
    meta: RequestMeta,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<ItemQuery>,
) -> UiResult {
    let layout = Layout::public("行政执法事项目录（公开）", &meta);
    list(&s, None, q, uri.query().unwrap_or_default(), layout, false).await
}

async fn item_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(code): UiPath<String>,
    UiQuery(q): UiQuery<DateQuery>,
) -> UiResult {
    let d = cat::item_detail(&s, Some(&ctx), &code, &q, cat::today_for(&ctx)).await?;
    ok(&ItemPage {
        layout: Layout::new(&s, &ctx, &headers, &d.item.name, "/catalog").await,
        d,
    })
}

async fn public_item(
    State(s): State<AppState>,
    meta: RequestMeta,
    UiPath(code): UiPath<String>,
    UiQuery(q): UiQuery<DateQuery>,
) -> UiResult {
    let today = xiezhi_domain::beijing::day(meta.now);
    let d = cat::item_detail(&s, None, &code, &q, today).await?;
    ok(&ItemPage {
        layout: Layout::public(&d.item.name, &meta),
        d,
    })
}

async fn matrix_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    let m = cat::matrix(&s, &ctx).await?;
    ok(&MatrixPage {
        layout: Layout::new(&s, &ctx, &headers, "乡镇（街道）承接矩阵", "/catalog").await,
        m,
    })
}

/// What the import page shows.
struct ImportState {
    errors: Vec<RowError>,
    title: String,
    notice: Option<String>,
    items: String,
    assignments: String,
}

impl ImportState {
    fn empty() -> Self {
        ImportState {
            errors: vec![],
            title: String::new(),
            notice: None,
            items: ITEM_HEADER.join(",") + "\n",
            assignments: ASSIGNMENT_HEADER.join(",") + "\n",
        }
    }

    /// Keep what was submitted in its box.
    fn with_text(mut self, file: CatalogFile, text: String) -> Self {
        match file {
            CatalogFile::Items => self.items = text,
            CatalogFile::Assignments => self.assignments = text,
        }
        self
    }
}

async fn import_view(s: &AppState, ctx: &Ctx, headers: &HeaderMap, st: ImportState) -> UiResult {
    Ok(render(
        if st.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        &CatalogImportPage {
            layout: Layout::new(s, ctx, headers, "权责清单导入导出", "/catalog").await,
            errors: st.errors,
            error_title: st.title,
            notice: st.notice,
            items_csv: st.items,
            assignments_csv: st.assignments,
            item_header: ITEM_HEADER.join(","),
            assignment_header: ASSIGNMENT_HEADER.join(","),
        },
    ))
}

async fn import_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> UiResult {
    if !can_manage(&top_path(&s).await, &ctx) {
        return Err(AppError::Forbidden(xiezhi_domain::Refusal::NotPermitted).into());
    }
    import_view(&s, &ctx, &headers, ImportState::empty()).await
}

async fn import(
    s: AppState,
    ctx: Ctx,
    headers: HeaderMap,
    file: CatalogFile,
    bytes: Vec<u8>,
    preview: bool,
) -> UiResult {
    let text = cat::file_text(&bytes).unwrap_or_default();
    match cat::import(&s, &ctx, file, &bytes, preview).await {
        Ok(r) if preview => {
            let st = ImportState {
                notice: Some(format!(
                    "预览（未写入）：将新增 {}，新版本 {}，未变 {}。确认无误后点“导入”。",
                    r.created, r.versioned, r.unchanged
                )),
                ..ImportState::empty()
            };
            import_view(&s, &ctx, &headers, st.with_text(file, text)).await
        }
        Ok(r) => Ok(flash_redirect(
            "/catalog",
            &format!(
                "导入完成：新增 {}，新版本 {}，未变 {}",
                r.created, r.versioned, r.unchanged
            ),
            &ctx.meta,
        )),
        Err(e @ (AppError::ImportRows(_) | AppError::Invalid { .. })) => {
            let errors = row_errors(&e);
            let st = ImportState {
                errors,
                title: e.to_string(),
                ..ImportState::empty()
            };
            import_view(&s, &ctx, &headers, st.with_text(file, text)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ImportForm {
    csv: String,
    /// Present when the 预览 button was pressed.
    preview: Option<String>,
}

async fn import_items(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<ImportForm>,
) -> UiResult {
    import(
        s,
        ctx,
        headers,
        CatalogFile::Items,
        f.csv.into_bytes(),
        f.preview.is_some(),
    )
    .await
}

async fn import_assignments(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<ImportForm>,
) -> UiResult {
    import(
        s,
        ctx,
        headers,
        CatalogFile::Assignments,
        f.csv.into_bytes(),
        f.preview.is_some(),
    )
    .await
}

/// An uploaded CSV or XLSX file (multipart: csrf, kind, file, optional preview).
async fn upload(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    mut form: axum::extract::Multipart,
) -> UiResult {
    let (mut csrf, mut kind, mut preview, mut bytes) =
        (String::new(), String::new(), false, Vec::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(b) => match name.as_str() {
                        "csrf" => csrf = String::from_utf8_lossy(&b).into_owned(),
                        "kind" => kind = String::from_utf8_lossy(&b).into_owned(),
                        "preview" => preview = true,
                        "file" => bytes = b.to_vec(),
                        _ => {}
                    },
                    Err(e) => {
                        return Err(AppError::invalid("file", format!("上传失败：{e}")).into());
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                return Err(AppError::invalid("file", format!("上传失败：{e}")).into());
            }
        }
    }
    if csrf.is_empty() || csrf != ctx.meta.csrf || cookie(&headers, CSRF_COOKIE).is_none() {
        return Err(AppError::Csrf.into());
    }
    let file = match kind.as_str() {
        "items" => CatalogFile::Items,
        "assignments" => CatalogFile::Assignments,
        _ => {
            return Err(AppError::invalid("kind", "请选择导入事项或承接分配").into());
        }
    };
    import(s, ctx, headers, file, bytes, preview).await
}

page!(LettersPage, "catalog_letters.html" { letters: Vec<LetterView> });

async fn letters_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
) -> UiResult {
    let letters = cat::letters(&s, &ctx).await?;
    ok(&LettersPage {
        layout: Layout::new(&s, &ctx, &headers, "委托书", "/catalog").await,
        letters,
    })
}

async fn indicators_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiQuery(q): UiQuery<DateQuery>,
) -> UiResult {
    let v = cat::indicators(&s, &ctx, &q).await?;
    ok(&IndicatorsPage {
        layout: Layout::new(&s, &ctx, &headers, "改革指标", "/catalog").await,
        v,
    })
}
