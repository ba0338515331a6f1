//! The whole enforcement workflow by clicking and typing only, in a real browser, at a desk's
//! and a phone's width: a grid member reports a lead with a photo; the township finds it is
//! not its matter and transfers it to the county market regulator; its head approves from
//! their to-do list; the regulator accepts and files a case picking the item by search;
//! evidence; legal review by the reviewer from their to-do list; the head decides with
//! discretion; documents drafted, edited and issued; service, execution, closing; the reporter
//! reads the final answer on the public lookup page and rates it. Then a 12345 lead passed by
//! the office to a department, a township's assistance request answered by a department
//! (乡镇吹哨、部门报到), and a breached clock's supervision order answered.
//!
//! Screenshots land in `target/guide/<width>/`; with `XIEZHI_GUIDE_DIR` set (e.g.
//! `docs/guide/img`) the desktop ones are also written there for the user guides.

use crate::browser::launch;
use crate::helpers::*;
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use std::path::PathBuf;
use std::time::Duration;
use xiezhi_store::testing::TestDb;

/// A browser on the app, as one person at a time.
struct Ui {
    b: Client,
    base: String,
    width: u32,
    shots: PathBuf,
    guide: Option<PathBuf>,
}

impl Ui {
    async fn go(&self, path: &str) {
        self.b.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    async fn find(&self, css: &str) -> Element {
        match self
            .b
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => panic!("{css}: {e} on {}\n{}", self.url().await, self.text().await),
        }
    }

    async fn url(&self) -> String {
        self.b
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// The text a person reads on the page.
    async fn text(&self) -> String {
        self.b
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Click an element that loads a new page, and wait until the new page is there.
    async fn load_by_clicking(&self, e: Element) {
        self.b
            .execute("window.__xz_old_page = true;", vec![])
            .await
            .unwrap();
        e.click().await.unwrap();
        for _ in 0..100 {
            let fresh = self
                .b
                .execute(
                    "return window.__xz_old_page === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .map(|v| v.as_bool() == Some(true))
                .unwrap_or(false);
            if fresh {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no new page after a click on {}", self.url().await);
    }

    /// Click something that loads a new page, and wait for it.
    async fn click_to_page(&self, css: &str) {
        let e = self.find(css).await;
        self.b
            .execute(
                "arguments[0].scrollIntoView({block:'center'});",
                vec![serde_json::to_value(&e).unwrap()],
            )
            .await
            .unwrap();
        self.load_by_clicking(e).await;
    }

    /// Click something on the page (a summary, a checkbox, a radio).
    async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.b
            .execute(
                "arguments[0].scrollIntoView({block:'center'});",
                vec![serde_json::to_value(&e).unwrap()],
            )
            .await
            .unwrap();
        e.click().await.unwrap();
    }

    /// Type into a field (after clearing it).
    async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Pick the option of a select whose words contain `words`.
    async fn choose(&self, select_css: &str, words: &str) {
        let select = self.find(select_css).await;
        let options = select.find_all(Locator::Css("option")).await.unwrap();
        for o in options {
            if o.text().await.unwrap_or_default().contains(words) {
                let value = o.attr("value").await.unwrap().unwrap_or_default();
                select.select_by_value(&value).await.unwrap();
                return;
            }
        }
        panic!(
            "{select_css} has no option with {words} on {}",
            self.url().await
        );
    }

    /// Open the `<details>` whose summary contains `words`.
    async fn open(&self, words: &str) {
        let e = self
            .b
            .find(Locator::XPath(&format!(
                "//summary[contains(., '{words}')]"
            )))
            .await
            .unwrap_or_else(|e| panic!("no section “{words}”: {e}"));
        let open = e
            .find(Locator::XPath(".."))
            .await
            .unwrap()
            .attr("open")
            .await
            .unwrap()
            .is_some();
        if !open {
            e.click().await.unwrap();
        }
    }

    /// Sign in through the form (signing out first).
    async fn sign_in(&self, login: &str) {
        if self.b.find(Locator::Css("#logout")).await.is_ok() {
            self.click_to_page("#logout").await;
        } else {
            self.go("/login").await;
        }
        self.fill("input[name=login]", login).await;
        self.fill("input[name=password]", DEMO_PASSWORD).await;
        self.click_to_page("#login-form button[type=submit]").await;
        self.find("#logout").await;
    }

    /// Follow a menu entry by its words (opening the folded menu on a phone).
    async fn menu(&self, label: &str) {
        let button = self.find("label.menu-button").await;
        if button.is_displayed().await.unwrap_or(false) {
            button.click().await.unwrap();
        }
        let link = self
            .b
            .find(Locator::XPath(&format!(
                "//nav[@class='main']//a[normalize-space(.)='{label}']"
            )))
            .await
            .unwrap_or_else(|e| panic!("no menu entry {label}: {e}"));
        self.load_by_clicking(link).await;
    }

    /// From the home page's to-do list, open the item of a step about a matter.
    async fn open_todo(&self, step: &str, matter: &str) {
        self.menu("首页").await;
        let xpath = format!(
            "//section[@id='todo']//h3[contains(., '{step}')]/following-sibling::ul[1]//a[contains(., '{matter}')]"
        );
        let text = self.text().await;
        let link = self
            .b
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|_| panic!("no “{step}” to-do about {matter}:\n{text}"));
        self.load_by_clicking(link).await;
    }

    /// The page's flash message (what the last step did).
    async fn flash(&self) -> String {
        self.find(".flash").await.text().await.unwrap()
    }

    /// Check the page a person reads: no page wider than the screen, no error heading; save a
    /// screenshot (and, for the guides, a copy).
    async fn shot(&self, name: &str) {
        let wide: i64 = self
            .b
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await
            .unwrap()
            .as_i64()
            .unwrap();
        if let Ok(png) = self.b.screenshot().await {
            let _ = std::fs::write(self.shots.join(format!("{name}.png")), &png);
            if let Some(g) = &self.guide {
                let _ = std::fs::write(g.join(format!("{name}.png")), &png);
            }
        }
        assert!(
            wide <= self.width as i64 + 1,
            "{name}: {wide} px wide at {} px ({})",
            self.width,
            self.url().await
        );
    }
}

/// A small PNG for the photo and the evidence.
fn photo() -> PathBuf {
    let path = std::env::temp_dir().join("xiezhi-workflow-photo.png");
    let png: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    std::fs::write(&path, png).unwrap();
    path
}

/// Upload a file through a page's file field and wait until the page holds its digest.
async fn upload(ui: &Ui, file_css: &str, digest_css: &str) {
    let input = ui.find(file_css).await;
    input.send_keys(photo().to_str().unwrap()).await.unwrap();
    // Up to 30 s: on a loaded CI machine the browser and the server share two cores.
    for _ in 0..300 {
        let v = ui
            .find(digest_css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default();
        if !v.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the upload through {file_css} did not finish");
}

async fn run(width: u32, height: u32) {
    // Monday 7 December 2026, 10:00 Beijing; the clock moves on for the supervision order.
    let start: chrono::DateTime<chrono::Utc> = "2026-12-07T02:00:00Z".parse().unwrap();
    let time = xiezhi_store::time::TimeSource::pinned(start);
    let app = spawn_app_with(TestDb::sqlite().await, |s| s.with_time(time.clone())).await;
    // The demo county's catalog and township boundaries, as the demo server has them.
    xiezhi_store::demo::load_catalog(&app.db.store, "workflow", start)
        .await
        .unwrap();
    let Some((_driver, b)) = launch(width, height).await else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shots = root.join(format!("target/guide/{width}"));
    std::fs::create_dir_all(&shots).unwrap();
    let guide = std::env::var("XIEZHI_GUIDE_DIR")
        .ok()
        .filter(|_| width >= 1000)
        .map(|d| root.join(d));
    if let Some(g) = &guide {
        std::fs::create_dir_all(g).unwrap();
    }
    let ui = Ui {
        b,
        base: app.base.clone(),
        width,
        shots,
        guide,
    };
    let matter = format!("解放路{width}号超市货架上摆放过期牛奶");
    let phone = "13912345678";

    // 1. The grid member reports what they saw, with a photo and the citizen's phone.
    ui.sign_in("cd.grid1").await;
    ui.shot("grid-01-home").await;
    ui.menu("线索").await;
    ui.click_to_page("a[href='/leads/new']").await;
    ui.fill("textarea[name=text]", &matter).await;
    ui.fill("input[name=address]", &format!("解放路{width}号"))
        .await;
    ui.fill(".pick-filter", "cd").await;
    ui.choose("select[name=division_code]", "城东街道").await;
    ui.fill("input[name=reporter_name]", "王女士").await;
    ui.fill("input[name=reporter_phone]", phone).await;
    upload(&ui, "#photo-files", "#photos").await;
    ui.shot("grid-02-report").await;
    ui.click_to_page("#lead-form button[type=submit]").await;
    let text = ui.text().await;
    let tracking = regex::Regex::new(r"L\d{13}")
        .unwrap()
        .find(&text)
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| panic!("no tracking number shown:\n{text}"));

    // 2. The township signs for it from its to-do list and transfers it to the regulator.
    ui.sign_in("cd.1").await;
    ui.shot("township-01-todo").await;
    ui.open_todo("签收线索", &tracking).await;
    ui.click_to_page("form[action$='/sign'] button").await;
    ui.open("不属本机构管辖").await;
    ui.choose("select[name=to_org_id]", "市场监督管理局").await;
    ui.fill(
        "#transfer-form textarea[name=facts]",
        "经核查，超市销售超过保质期的食品，属市场监管部门管辖",
    )
    .await;
    ui.fill("#transfer-form input[name=source_title]", "网格员现场照片")
        .await;
    ui.shot("township-02-transfer").await;
    ui.click_to_page("#transfer-form button[type=submit]").await;
    assert!(ui.text().await.contains("待负责人审批"));

    // 3. The township's head approves it from their own to-do list.
    ui.sign_in("cd.chief").await;
    ui.open_todo("审批移送", &tracking).await;
    ui.shot("chief-01-approve").await;
    ui.click_to_page("form[action$='/approve'] button").await;
    assert!(ui.text().await.contains("已移送，待受理"));

    // 4. The regulator accepts it and files a case, picking the item by search.
    ui.sign_in("scjg.1").await;
    ui.open_todo("决定是否受理移送", &tracking).await;
    ui.click_to_page("form[action$='/accept'] button").await;
    ui.open("属本机构管辖，立案").await;
    ui.fill(
        "form[action$='/case'] input[name=title]",
        "某超市销售过期食品案",
    )
    .await;
    ui.fill("form[action$='/case'] .pick-filter", "保质期")
        .await;
    ui.choose("select[name=item_code]", "保质期").await;
    ui.choose(
        "form[action$='/case'] select[name=division_code]",
        "城东街道",
    )
    .await;
    ui.shot("officer-01-file-case").await;
    ui.click_to_page("form[action$='/case'] button[type=submit]")
        .await;
    ui.click_to_page("a[href^='/cases/']").await;
    let case_url = ui.url().await;

    // 5. Party and evidence.
    ui.open("添加当事人").await;
    ui.choose("form[action$='/parties'] select[name=type]", "法人")
        .await;
    ui.fill(
        "form[action$='/parties'] input[name=name]",
        "云溪县某某超市有限公司",
    )
    .await;
    ui.fill(
        "form[action$='/parties'] input[name=code]",
        "91350100M000100Y43",
    )
    .await;
    ui.click_to_page("form[action$='/parties'] button").await;
    ui.fill(
        "form[action$='/evidence'] input[name=title]",
        "货架过期牛奶照片",
    )
    .await;
    upload(
        &ui,
        "form[action$='/evidence'] input[type=file]",
        "form[action$='/evidence'] input[name=digest]",
    )
    .await;
    ui.click_to_page("form[action$='/evidence'] button").await;
    assert!(ui.text().await.contains("货架过期牛奶照片"));

    // 6. The notice of the proposed penalty, drafted from the case and edited.
    ui.choose("#draft-document select[name=kind]", "事先告知书")
        .await;
    ui.click_to_page("#draft-document button").await;
    ui.fill(
        "#document-form textarea[name=facts]",
        "当事人在城东街道解放路店内销售超过保质期的牛奶12盒，货值60元。",
    )
    .await;
    ui.fill("#document-form textarea[name=penalty]", "罚款人民币2000元")
        .await;
    ui.shot("officer-02-document").await;
    ui.click_to_page("#document-form button").await;
    assert!(ui.flash().await.contains("文书已制发"));

    // 7. Investigation, review, legal review.
    ui.click_to_page("form:has(input[name=step][value=investigate]) button")
        .await;
    ui.click_to_page("form:has(input[name=step][value=submit]) button")
        .await;
    ui.click_to_page("form:has(input[name=step][value=legal_review]) button")
        .await;
    ui.sign_in("scjg.legal").await;
    ui.shot("reviewer-01-todo").await;
    ui.open_todo("法制审核", "某超市销售过期食品案").await;
    ui.click_to_page("form:has(input[name=step][value=pass]) button")
        .await;
    assert!(ui.text().await.contains("法制审核已通过"));

    // 8. The head decides with discretion, from their to-do list.
    ui.sign_in("scjg.chief").await;
    ui.open_todo("审核并作出决定", "某超市销售过期食品案").await;
    ui.choose("#decide select[name=decision]", "行政处罚").await;
    ui.choose("#decide select[name=tier]", "一般").await;
    ui.fill("#decide input[name=amount]", "60000").await;
    ui.shot("chief-02-decide").await;
    ui.click_to_page("#decide button").await;

    // 9. The decision and its service receipt, then service, execution, closing.
    ui.sign_in("scjg.1").await;
    ui.go(&case_url.replace(&app.base, "")).await;
    for kind in ["行政处罚决定书", "送达回证"] {
        ui.choose("#draft-document select[name=kind]", kind).await;
        ui.click_to_page("#draft-document button").await;
        ui.click_to_page("#document-form button").await;
    }
    let text = ui.text().await;
    assert!(
        text.contains("行政处罚决定书") && text.contains("送达回证"),
        "{text}"
    );
    ui.click_to_page("form:has(input[name=step][value=serve]) button")
        .await;
    ui.click_to_page("form:has(input[name=step][value=execute]) button")
        .await;
    ui.click_to_page("form:has(input[name=step][value=close]) button")
        .await;
    ui.shot("officer-03-closed").await;

    // 10. The final answer to the reporter, from the lead's page.
    ui.click_to_page("a[href^='/leads/']").await;
    ui.fill(
        "form[action$='/reply'] textarea[name=reply]",
        "经查，该超市销售过期食品属实，已依法立案查处，处罚款60000元，过期食品已全部下架销毁。",
    )
    .await;
    ui.click_to_page("form[action$='/reply'] button").await;

    // 11. The reporter reads it on the public lookup page and rates it.
    ui.click_to_page("#logout").await;
    ui.go("/complaint/lookup").await;
    ui.fill("input[name=tracking]", &tracking).await;
    ui.fill("input[name=phone]", phone).await;
    ui.click_to_page("form[action='/complaint/lookup'] button")
        .await;
    let text = ui.text().await;
    assert!(
        text.contains("已立案查处")
            && text.contains("过期食品已全部下架销毁")
            && text.contains("云溪县市场监督管理局"),
        "{text}"
    );
    ui.shot("public-01-lookup").await;
    ui.click("#rate input[value=satisfied]").await;
    ui.click_to_page("#rate button").await;
    assert!(ui.text().await.contains("满意"));

    // 12. A 12345 complaint the office passes to a department; the office's head approves.
    ui.sign_in("office").await;
    ui.menu("线索").await;
    ui.click_to_page("a[href='/leads/new']").await;
    ui.choose("select[name=channel]", "12345").await;
    ui.fill(
        "textarea[name=text]",
        &format!("12345：人民路{width}号餐馆后厨油烟直排"),
    )
    .await;
    ui.fill("input[name=reporter_phone]", "13800001111").await;
    ui.click_to_page("#lead-form button[type=submit]").await;
    ui.click_to_page("form[action$='/sign'] button").await;
    ui.open("不属本机构管辖").await;
    ui.choose("select[name=to_org_id]", "生态环境").await;
    ui.fill(
        "#transfer-form textarea[name=facts]",
        "餐饮油烟直排，属生态环境部门管辖",
    )
    .await;
    ui.fill("#transfer-form input[name=source_title]", "12345工单")
        .await;
    ui.click_to_page("#transfer-form button[type=submit]").await;
    ui.sign_in("office.chief").await;
    ui.open_todo("审批移送", &format!("人民路{width}号")).await;
    ui.click_to_page("form[action$='/approve'] button").await;
    assert!(ui.text().await.contains("已移送，待受理"));

    // 13. The township blows the whistle (乡镇吹哨): an assistance request the department
    //     answers from its to-do list (部门报到).
    ui.sign_in("cd.1").await;
    ui.menu("协助请求").await;
    ui.open("发出协助函").await;
    ui.choose("select[name=to_org_id]", "市场监督管理局").await;
    ui.fill(
        "textarea[name=text]",
        &format!("解放路{width}号一批散装白酒来源不明，请协助出具检验意见"),
    )
    .await;
    ui.shot("township-03-assistance").await;
    ui.click_to_page("form[action='/assistance'] button[type=submit]")
        .await;
    ui.sign_in("scjg.1").await;
    ui.open_todo("出具协助意见", "散装白酒").await;
    ui.open("书面答复").await;
    ui.fill(
        "textarea[name=text]",
        "经检验，该批白酒甲醇含量符合标准，检验报告附后。",
    )
    .await;
    ui.click_to_page("form:has(input[name=step][value=answer]) button")
        .await;
    assert!(ui.text().await.contains("已书面答复"));

    // 14. Two weeks later the department has not said whether it accepts the 12345 matter:
    //     the clock breaches, the office is told, the department answers the supervision
    //     order (督办) from its to-do list.
    time.set(start + chrono::Duration::days(14));
    app.state.run_clock_job(time.now()).await.unwrap();
    ui.sign_in("office").await;
    ui.menu("时限监控").await;
    ui.shot("office-01-clocks").await;
    ui.sign_in("sthj.chief").await;
    ui.open_todo("答复督办", &format!("人民路{width}号")).await;
    assert!(
        ui.text().await.contains("人民路"),
        "the order says what it is about"
    );
    ui.fill(
        "form[action$='/answer'] textarea[name=answer]",
        "因人员外出执法未及时受理，已于今日受理并安排现场检查，今后专人每日查看待办。",
    )
    .await;
    ui.shot("department-01-supervision").await;
    ui.click_to_page("form[action$='/answer'] button").await;
    assert!(ui.text().await.contains("专人每日查看待办"));
    // Nothing on the way was refused by the Content-Security-Policy, and no script failed.
    let problems = crate::browser::console_problems(&ui.b).await;
    assert!(problems.is_empty(), "{problems:#?}");
    ui.b.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_workflow_by_clicking_at_a_desk() {
    run(1366, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_workflow_by_clicking_on_a_phone() {
    run(390, 844).await;
}
