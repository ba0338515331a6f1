//! A real browser (Debian chromium, headless, through chromedriver) signs in and opens the
//! foundation pages. Skipped with a notice when chromedriver is not installed, except in CI
//! (`CI` set), where it must run.

use crate::helpers::*;
use fantoccini::{ClientBuilder, Locator};
use std::io::Write;
use std::process::{Child, Command, Stdio};
use xiezhi_store::testing::TestDb;

/// chromedriver and the browser profile it used, both gone when dropped.
pub(crate) struct Driver(Child, std::path::PathBuf);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

fn chromedriver() -> Option<String> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sign out, then sign in as another demo user.
async fn switch_user(b: &fantoccini::Client, login: &str) {
    b.find(Locator::Css("#logout"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("#login-form"))
        .await
        .unwrap();
    b.find(Locator::Css("input[name=login]"))
        .await
        .unwrap()
        .send_keys(login)
        .await
        .unwrap();
    b.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(DEMO_PASSWORD)
        .await
        .unwrap();
    b.find(Locator::Css("#login-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("#logout")).await.unwrap();
}

/// A headless chromium of this window size through chromedriver, or `None` (with a notice)
/// when chromedriver is not installed; in CI (`CI` set) it must be.
pub(crate) async fn launch(width: u32, height: u32) -> Option<(Driver, fantoccini::Client)> {
    let Some(driver_path) = chromedriver() else {
        if std::env::var("CI").is_ok() {
            panic!(
                "chromedriver is not installed: CI must run the browser test (apt-get install chromium chromium-driver)"
            );
        }
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTICE: chromedriver not found: the browser test was SKIPPED.\n"
        );
        return None;
    };
    let port = free_port();
    let profile = std::env::temp_dir().join(format!("xiezhi-chrome-{port}"));
    let driver = Driver(
        Command::new(driver_path)
            .arg(format!("--port={port}"))
            // The browser keeps the real clock when the suite runs under libfaketime
            // (scripts/timeshift.sh): it hangs there; the server under test is faked.
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
        profile.clone(),
    );
    let mut caps = serde_json::Map::new();
    let mut options = serde_json::json!({
        "binary": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=zh-CN", format!("--window-size={},{height}", width.max(500)), format!("--user-data-dir={}", profile.display())]
    });
    // A window is never narrower than 500 px: a phone's width is emulated.
    if width < 500 {
        options["mobileEmulation"] = serde_json::json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}});
    }
    caps.insert("goog:chromeOptions".into(), options);
    // The console is kept, for [`console_problems`].
    caps.insert(
        "goog:loggingPrefs".into(),
        serde_json::json!({"browser": "ALL"}),
    );
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return Some((driver, c)),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
        }
    }
    panic!("chromedriver accepts no session");
}

/// chromedriver's log of the browser console (`POST /session/{id}/se/log`), which the
/// WebDriver standard leaves out.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_owned()),
        )
    }
}

/// What the browser console said since the last call that a page must not cause: a
/// Content-Security-Policy violation (an inline script, handler or style refused) or a
/// script error. (Failed loads, such as the missing favicon, are not counted.)
pub(crate) async fn console_problems(b: &fantoccini::Client) -> Vec<String> {
    let log = b.issue_cmd(BrowserLog).await.unwrap();
    log.as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["message"].as_str())
        .filter(|m| {
            m.contains("Content Security Policy")
                || m.contains("Content-Security-Policy")
                || m.contains("Uncaught")
        })
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_signs_in_and_opens_the_foundation_pages() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let Some((_driver, b)) = launch(412, 915).await else {
        return;
    };
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    let _ = std::fs::create_dir_all(&shots);
    let shot = async |b: &fantoccini::Client, name: &str| {
        if let Ok(png) = b.screenshot().await {
            let _ = std::fs::write(shots.join(format!("{name}.png")), png);
        }
    };

    b.goto(&format!("{}/people", app.base)).await.unwrap();
    assert!(
        b.current_url().await.unwrap().path().starts_with("/login"),
        "signed-out visitors go to the sign-in page"
    );
    b.find(Locator::Css("input[name=login]"))
        .await
        .unwrap()
        .send_keys("sysadmin")
        .await
        .unwrap();
    b.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(DEMO_PASSWORD)
        .await
        .unwrap();
    shot(&b, "login").await;
    b.find(Locator::Css("#login-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("table")).await.unwrap();
    assert_eq!(
        b.current_url().await.unwrap().path(),
        "/people",
        "back to the page asked for"
    );
    let html = b.source().await.unwrap();
    assert!(
        html.contains("人员") && html.contains("138****"),
        "people list with masked phones"
    );
    shot(&b, "people").await;

    b.goto(&format!("{}/orgs", app.base)).await.unwrap();
    let html = b.source().await.unwrap();
    assert!(html.contains("云溪县人民政府") && html.contains("城东街道"));
    shot(&b, "orgs").await;

    b.find(Locator::LinkText("城东街道"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("dl.facts"))
        .await
        .unwrap();
    assert!(b.source().await.unwrap().contains("339901001"));

    b.goto(&format!("{}/people/new", app.base)).await.unwrap();
    b.find(Locator::Css("input[name=login]"))
        .await
        .unwrap()
        .send_keys("browser.made")
        .await
        .unwrap();
    b.find(Locator::Css("input[name=name]"))
        .await
        .unwrap()
        .send_keys("浏览器")
        .await
        .unwrap();
    b.find(Locator::Css("input[name=phone]"))
        .await
        .unwrap()
        .send_keys("12")
        .await
        .unwrap();
    b.find(Locator::Css("form.card button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("p.error")).await.unwrap();
    let html = b.source().await.unwrap();
    assert!(
        html.contains("电话") || html.contains("格式不正确"),
        "the error names the field"
    );
    assert!(html.contains("browser.made"), "nothing typed is lost");
    shot(&b, "person-form-error").await;
    let phone = b.find(Locator::Css("input[name=phone]")).await.unwrap();
    phone.clear().await.unwrap();
    phone.send_keys("13900009999").await.unwrap();
    b.find(Locator::Css("form.card button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css(".flash")).await.unwrap();
    assert!(b.source().await.unwrap().contains("人员已创建"));
    shot(&b, "person-created").await;

    switch_user(&b, "auditor").await;
    b.wait()
        .for_element(Locator::Css("nav.main"))
        .await
        .unwrap();
    b.goto(&format!("{}/events?kind=person.created", app.base))
        .await
        .unwrap();
    let html = b.source().await.unwrap();
    assert!(html.contains("全过程记录") && html.contains("person.created"));
    shot(&b, "events").await;

    // The office's inbox, clock list and rules (a clock held by the office, one overdue).
    crate::authz_walk::cd_clock(&app).await;
    switch_user(&b, "office").await;
    b.wait()
        .for_element(Locator::Css("nav.main"))
        .await
        .unwrap();
    assert!(b.source().await.unwrap().contains("我的待办"));
    shot(&b, "home").await;
    b.goto(&format!("{}/clocks", app.base)).await.unwrap();
    let html = b.source().await.unwrap();
    assert!(
        html.contains("u-overdue") && html.contains("已超时"),
        "overdue clocks are marked"
    );
    shot(&b, "clocks").await;
    b.find(Locator::Css("table.clocks a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("dl.facts"))
        .await
        .unwrap();
    assert!(b.source().await.unwrap().contains("依据"));
    shot(&b, "clock").await;
    b.goto(&format!("{}/rules", app.base)).await.unwrap();
    assert!(b.source().await.unwrap().contains("transfer.send"));
    shot(&b, "rules").await;

    // The catalog: search by a two-character word, an item, the township matrix, indicators.
    xiezhi_store::demo::load_catalog(&app.db.store, "t", xiezhi_store::testing::now())
        .await
        .unwrap();
    b.goto(&format!("{}/catalog?q=%E5%8D%A0%E9%81%93", app.base))
        .await
        .unwrap();
    let html = b.source().await.unwrap();
    assert!(
        html.contains("占用") && html.contains("道路"),
        "占道 finds the road-occupation items"
    );
    shot(&b, "catalog").await;
    b.find(Locator::Css("table a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("dl.facts"))
        .await
        .unwrap();
    assert!(b.source().await.unwrap().contains("承接分配"));
    shot(&b, "catalog-item").await;
    b.goto(&format!("{}/catalog/matrix", app.base))
        .await
        .unwrap();
    assert!(b.source().await.unwrap().contains("赋权"));
    shot(&b, "catalog-matrix").await;
    b.goto(&format!("{}/catalog/indicators", app.base))
        .await
        .unwrap();
    assert!(b.source().await.unwrap().contains("综合执法事项占比"));
    shot(&b, "catalog-indicators").await;

    // Transfers: the receiver accepts from the lead page; the office designates in a dispute.
    app.with_next_year().await;
    let (loaded, skipped) = xiezhi_store::demo::load_leads(
        &app.db.store,
        &app.state.rules,
        "t",
        xiezhi_store::testing::now(),
    )
    .await
    .unwrap();
    assert_eq!(loaded, 5, "{skipped:?}");
    switch_user(&b, "scjg.1").await;
    b.goto(&format!("{}/transfers", app.base)).await.unwrap();
    shot(&b, "transfers").await;
    b.find(Locator::Css("#transfers a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("section.transfer"))
        .await
        .unwrap();
    shot(&b, "transfer").await;
    b.find(Locator::Css("form[action$='/accept'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::XPath("//strong[text()='受理移送']"))
        .await
        .unwrap();
    assert!(b.source().await.unwrap().contains("已受理"), "accepted");
    switch_user(&b, "office").await;
    b.goto(&format!("{}/transfers", app.base)).await.unwrap();
    b.find(Locator::Css("#disputes a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("section.dispute"))
        .await
        .unwrap();
    assert!(b.source().await.unwrap().contains("不得停止执法活动"));
    b.find(Locator::Css("form[action$='/designate'] textarea"))
        .await
        .unwrap()
        .send_keys("经协调，指定由该机构依法查处")
        .await
        .unwrap();
    // No default: the office picks the body (a party) and confirms the consequence.
    b.find(Locator::Css("form[action$='/designate'] select"))
        .await
        .unwrap()
        .select_by_index(1)
        .await
        .unwrap();
    b.find(Locator::Css(
        "form[action$='/designate'] input[name=confirm]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    shot(&b, "dispute").await;
    b.find(Locator::Css("form[action$='/designate'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Wait for the new page (the old one had a timeline too).
    b.wait()
        .for_element(Locator::XPath("//*[contains(text(), '已指定管辖')]"))
        .await
        .unwrap();
    shot(&b, "designated").await;
    // A case page: the stage bar and the record.
    b.goto(&format!("{}/cases", app.base)).await.unwrap();
    b.find(Locator::Css("#cases a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("#stages li.current"))
        .await
        .unwrap();
    assert!(b.source().await.unwrap().contains("立案"));
    shot(&b, "case").await;
    // An instruction arrives live on an open page, and is acknowledged from it.
    switch_user(&b, "cd.grid1").await;
    b.goto(&format!("{}/instructions", app.base)).await.unwrap();
    let cd = app.org_id("YX-CD").await;
    let office = app.sign_in("office").await;
    // The page's live stream may still be connecting: send until a toast shows.
    let mut shown = false;
    for _ in 0..10 {
        let r = office
            .call(
                reqwest::Method::POST,
                "/api/v1/instructions",
                Some(serde_json::json!({"body": "立即到城东菜市场集合", "to_orgs": [cd]})),
            )
            .await;
        assert_eq!(r.status, reqwest::StatusCode::CREATED, "{}", r.body);
        if tokio::time::timeout(
            std::time::Duration::from_secs(2),
            b.wait().for_element(Locator::Css("#live-toast .toast a")),
        )
        .await
        .is_ok()
        {
            shown = true;
            break;
        }
    }
    assert!(shown, "the instruction shows on the open page");
    shot(&b, "instruction-toast").await;
    b.find(Locator::Css("#live-toast .toast a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.find(Locator::Css("#acknowledge"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::XPath("//td[contains(text(), '已签收')]"))
        .await
        .unwrap();
    shot(&b, "instruction").await;
    // A running joint operation: the office watches its page; a field report appears live.
    let (opn, _) = crate::authz_walk::cd_operation(&app, cd).await;
    switch_user(&b, "office").await;
    b.goto(&format!("{}/operations", app.base)).await.unwrap();
    b.wait()
        .for_element(Locator::XPath("//a[contains(., '走查行动')]"))
        .await
        .unwrap();
    shot(&b, "operations").await;
    b.goto(&format!("{}/operations/{opn}", app.base))
        .await
        .unwrap();
    b.wait().for_element(Locator::Css("#feed")).await.unwrap();
    // Let the page's stream connect before reporting.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let officer = app.sign_in("zhzf.1").await;
    let r = officer
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/operations/{opn}/reports"),
            Some(serde_json::json!({"body": "夜市东段3家无证熟食摊，已登记"})),
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::OK, "{}", r.body);
    b.wait()
        .for_element(Locator::XPath(
            "//*[@id='feed']//li[contains(., '无证熟食摊')]",
        ))
        .await
        .unwrap();
    shot(&b, "operation").await;
    // The officer's phone page.
    switch_user(&b, "zhzf.1").await;
    b.goto(&format!("{}/operations/{opn}/field", app.base))
        .await
        .unwrap();
    b.find(Locator::Css("#check-in"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::XPath("//p[contains(., '已签到')]"))
        .await
        .unwrap();
    shot(&b, "operation-field").await;
    // A joint meeting: the member township proposes an agenda item on its page.
    let (mtg, _) = crate::authz_walk::cd_meetings(&app, cd).await;
    switch_user(&b, "cd.grid1").await;
    b.goto(&format!("{}/meetings/{mtg}", app.base))
        .await
        .unwrap();
    b.find(Locator::Css("#agenda input[name=title]"))
        .await
        .unwrap()
        .send_keys("夜市占道经营的属地管理责任")
        .await
        .unwrap();
    b.find(Locator::Css("#agenda button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::XPath(
            "//*[@id='agenda']//li[contains(., '属地管理责任')]",
        ))
        .await
        .unwrap();
    b.goto(&format!("{}/meetings", app.base)).await.unwrap();
    b.wait()
        .for_element(Locator::Css("#my-actions"))
        .await
        .unwrap();
    shot(&b, "meetings").await;
    // The assessment ranking for leaders and the office.
    switch_user(&b, "office").await;
    b.goto(&format!("{}/assessment?min=1", app.base))
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("table.assessment"))
        .await
        .unwrap();
    shot(&b, "assessment").await;
    // The dashboard updates live when a lead comes in.
    b.goto(&format!("{}/dashboard", app.base)).await.unwrap();
    let tile = "//a[span[@class='label' and text()='未办结线索']]/span[@class='value']";
    let before: u64 = b
        .find(Locator::XPath(tile))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .parse()
        .unwrap();
    shot(&b, "dashboard").await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let grid = app.sign_in("cd.grid1").await;
    let r = grid
        .call(
            reqwest::Method::POST,
            "/api/v1/leads",
            Some(serde_json::json!({"channel": "grid", "text": "大屏实时更新测试：人民路占道堆放", "address": "人民路8号", "division_code": "339901001"})),
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::CREATED, "{}", r.body);
    b.wait()
        .for_element(Locator::XPath(&format!("{tile}[text()='{}']", before + 1)))
        .await
        .unwrap();
    // Nothing on the way was refused by the Content-Security-Policy, and no script failed.
    let problems = console_problems(&b).await;
    assert!(problems.is_empty(), "{problems:#?}");
    b.close().await.unwrap();
}
