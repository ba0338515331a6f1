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
    errors: Vec<RowError>, error_title: String, items_csv: String, assignments_csv: String,
    item_header: String, assignment_header: String,
});

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/catalog", get(catalog_page))
        .route("/catalog/items/{code}", get(item_page))
        .route("/catalog/matrix", get(matrix_page))
        .route("/catalog/indicators", get(indicators_page))
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
) -> Response {
    let rid = layout.request_id.clone();
    let r = async {
        let page = cat::list_items(s, ctx, &q).await?;
        let domains = cat::domains(s).await?;
        Ok::<_, AppError>((page, domains))
    }
    .await;
    match r {
        Ok((page, domains)) => ok(&CatalogPage {
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
        }),
        Err(e) => error_page(&e, &rid),
    }
}

async fn catalog_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    uri: axum::http::Uri,
    UiQuery(q): UiQuery<ItemQuery>,
) -> Response {
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
) -> Response {
    let layout = Layout::public("行政执法事项目录（公开）", &meta);
    list(&s, None, q, uri.query().unwrap_or_default(), layout, false).await
}

async fn item_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiPath(code): UiPath<String>,
    UiQuery(q): UiQuery<DateQuery>,
) -> Response {
    match cat::item_detail(&s, Some(&ctx), &code, &q, cat::today_for(&ctx)).await {
        Ok(d) => ok(&ItemPage {
            layout: Layout::new(&s, &ctx, &headers, &d.item.name, "/catalog").await,
            d,
        }),
        Err(e) => error_page(&e, &ctx.meta.request_id),
    }
}

async fn public_item(
    State(s): State<AppState>,
    meta: RequestMeta,
    UiPath(code): UiPath<String>,
    UiQuery(q): UiQuery<DateQuery>,
) -> Response {
    let today = (meta.now + chrono::Duration::hours(8)).date_naive();
    match cat::item_detail(&s, None, &code, &q, today).await {
        Ok(d) => ok(&ItemPage {
            layout: Layout::public(&d.item.name, &meta),
            d,
        }),
        Err(e) => error_page(&e, &meta.request_id),
    }
}

async fn matrix_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> Response {
    match cat::matrix(&s, &ctx).await {
        Ok(m) => ok(&MatrixPage {
            layout: Layout::new(&s, &ctx, &headers, "乡镇（街道）承接矩阵", "/catalog").await,
            m,
        }),
        Err(e) => error_page(&e, &ctx.meta.request_id),
    }
}

async fn import_view(
    s: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    errors: Vec<RowError>,
    title: String,
    items: String,
    assignments: String,
) -> Response {
    render(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        &CatalogImportPage {
            layout: Layout::new(s, ctx, headers, "权责清单导入导出", "/catalog").await,
            errors,
            error_title: title,
            items_csv: items,
            assignments_csv: assignments,
            item_header: ITEM_HEADER.join(","),
            assignment_header: ASSIGNMENT_HEADER.join(","),
        },
    )
}

async fn import_page(State(s): State<AppState>, UiCtx(ctx): UiCtx, headers: HeaderMap) -> Response {
    if !can_manage(&top_path(&s).await, &ctx) {
        return error_page(
            &AppError::Forbidden(xiezhi_domain::Refusal::NotPermitted),
            &ctx.meta.request_id,
        );
    }
    import_view(
        &s,
        &ctx,
        &headers,
        vec![],
        String::new(),
        ITEM_HEADER.join(",") + "\n",
        ASSIGNMENT_HEADER.join(",") + "\n",
    )
    .await
}

async fn import(
    s: AppState,
    ctx: Ctx,
    headers: HeaderMap,
    file: CatalogFile,
    csv: String,
) -> Response {
    match cat::import(&s, &ctx, file, &csv).await {
        Ok(r) => flash_redirect(
            "/catalog",
            &format!(
                "导入完成：新增 {}，新版本 {}，未变 {}",
                r.created, r.versioned, r.unchanged
            ),
            &ctx.meta,
        ),
        Err(e @ AppError::ImportRows(_)) => {
            let AppError::ImportRows(rows) = &e else {
                return error_page(&e, &ctx.meta.request_id);
            };
            let (items, assignments) = match file {
                CatalogFile::Items => (csv, ASSIGNMENT_HEADER.join(",") + "\n"),
                CatalogFile::Assignments => (ITEM_HEADER.join(",") + "\n", csv),
            };
            import_view(
                &s,
                &ctx,
                &headers,
                rows.clone(),
                e.to_string(),
                items,
                assignments,
            )
            .await
        }
        Err(e) => error_page(&e, &ctx.meta.request_id),
    }
}

async fn import_items(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<CsvForm>,
) -> Response {
    import(s, ctx, headers, CatalogFile::Items, f.csv).await
}

async fn import_assignments(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<CsvForm>,
) -> Response {
    import(s, ctx, headers, CatalogFile::Assignments, f.csv).await
}

async fn indicators_page(
    State(s): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    UiQuery(q): UiQuery<DateQuery>,
) -> Response {
    match cat::indicators(&s, &ctx, &q).await {
        Ok(v) => ok(&IndicatorsPage {
            layout: Layout::new(&s, &ctx, &headers, "改革指标", "/catalog").await,
            v,
        }),
        Err(e) => error_page(&e, &ctx.meta.request_id),
    }
}
