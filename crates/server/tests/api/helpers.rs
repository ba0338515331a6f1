//! `spawn_app`: a fresh database with the demo county, the server on port 0, typed helpers.

use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use tokio::sync::oneshot;
use xiezhi_server::AppState;
use xiezhi_store::testing::TestDb;

pub const DEMO_PASSWORD: &str = "demo-pass-1";

pub struct TestApp {
    pub base: String,
    pub db: TestDb,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// A client signed in through the API, with its anti-forgery token.
pub struct Session {
    pub client: Client,
    pub csrf: String,
    pub base: String,
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

pub async fn spawn_app(db: TestDb) -> TestApp {
    spawn_app_with(db, |s| s).await
}

pub async fn spawn_bare(db: TestDb) -> TestApp {
    spawn_state(db, |s| s).await
}

/// The demo county on a server whose state is adjusted first (e.g. evidence settings).
pub async fn spawn_app_with(db: TestDb, adjust: impl FnOnce(AppState) -> AppState) -> TestApp {
    xiezhi_store::demo::load(
        &db.store,
        DEMO_PASSWORD,
        "test",
        xiezhi_store::testing::now(),
    )
    .await
    .unwrap();
    spawn_state(db, adjust).await
}

async fn spawn_state(db: TestDb, adjust: impl FnOnce(AppState) -> AppState) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    // Tests that are not about two-factor sign-in let administrators in with a password;
    // those that are turn it back on (`with_second_factor_for_admins(true)`).
    let state = adjust(
        AppState::new(db.store.clone(), false)
            .await
            .unwrap()
            .with_second_factor_for_admins(false),
    );
    tokio::spawn(xiezhi_server::serve(listener, state.clone(), async {
        let _ = rx.await;
    }));
    TestApp {
        base: format!("http://{addr}"),
        db,
        state,
        stop: Some(tx),
    }
}

/// The tracking number on a public complaint's receipt page.
pub fn tracking_in(receipt: &str) -> String {
    receipt
        .split("id=\"tracking\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned()
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    /// A recorded write as the platform itself (for fixtures).
    pub async fn system_writer(&self) -> xiezhi_store::Writer {
        self.db
            .store
            .begin_write(xiezhi_store::RecordContext::system(
                "walk",
                xiezhi_store::testing::now(),
            ))
            .await
            .unwrap()
    }

    /// Load a (fictional) 2027 holiday notice, so that clocks ending next year can run.
    pub async fn with_next_year(&self) {
        let r = self
            .sign_in("sysadmin")
            .await
            .send_text(
                Method::POST,
                "/api/v1/calendar/years",
                crate::authz_walk::Y2027,
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }

    /// A client without sign-in holding the anti-forgery cookie of a fresh public page, and
    /// the token its forms carry.
    pub async fn public_client(&self) -> (Client, String) {
        let c = client();
        let html = c
            .get(format!("{}/complaint", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        (c, csrf)
    }

    /// Post a public form (no sign-in) with the anti-forgery token of a fresh public page.
    pub async fn public_form(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let (c, csrf) = self.public_client().await;
        let mut f: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        f.extend_from_slice(fields);
        let r = c
            .post(format!("{}{path}", self.base))
            .form(&f)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    pub async fn sign_in(&self, login: &str) -> Session {
        self.sign_in_with(login, DEMO_PASSWORD).await.unwrap()
    }

    pub async fn sign_in_with(&self, login: &str, password: &str) -> Result<Session, Reply> {
        let client = client();
        let r = client
            .post(format!("{}/api/v1/session", self.base))
            .json(&serde_json::json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        if status != StatusCode::OK {
            return Err(Reply { status, body });
        }
        Ok(Session {
            client,
            csrf: body["csrf"].as_str().unwrap().to_owned(),
            base: self.base.clone(),
        })
    }

    pub async fn anonymous(&self, method: Method, path: &str) -> Reply {
        let r = client()
            .request(method, format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = r.status();
        Reply {
            status,
            body: r.json().await.unwrap_or(Value::Null),
        }
    }

    pub async fn person_id(&self, login: &str) -> i64 {
        self.db
            .store
            .person_by_login(login)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    pub async fn org_id(&self, code: &str) -> i64 {
        self.db.store.org_by_code(code).await.unwrap().unwrap().id
    }
}

impl Session {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        Reply {
            status,
            body: r.json().await.unwrap_or(Value::Null),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    /// A raw request with a text body (CSV).
    /// Send raw bytes (an upload).
    pub async fn send_bytes(&self, path: &str, bytes: Vec<u8>) -> Reply {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = r.status();
        Reply {
            status,
            body: r.json().await.unwrap_or(Value::Null),
        }
    }

    pub async fn send_text(&self, method: Method, path: &str, text: &str) -> Reply {
        let r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "text/csv")
            .body(text.to_owned())
            .send()
            .await
            .unwrap();
        let status = r.status();
        Reply {
            status,
            body: r.json().await.unwrap_or(Value::Null),
        }
    }

    /// A web form post carrying the anti-forgery field; returns status and HTML.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let mut f: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        f.extend_from_slice(fields);
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .form(&f)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap_or_default())
    }

    /// A multipart upload (the anti-forgery field, the fields, and `file`); status and HTML.
    pub async fn upload(
        &self,
        path: &str,
        fields: &[(String, String)],
        file: &str,
    ) -> (StatusCode, String) {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf.clone());
        for (k, v) in fields {
            form = form.text(k.clone(), v.clone());
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(file.as_bytes().to_vec()).file_name("upload.csv"),
        );
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap_or_default())
    }

    /// A page; returns status and HTML.
    /// The steps on one's to-do list (我的待办), as `step｜matter｜href` lines.
    pub async fn todo(&self) -> Vec<String> {
        let r = self.get("/api/v1/todo").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["items"].as_array().unwrap().clone())
            .map(|i| {
                format!(
                    "{}｜{}｜{}",
                    i["step"].as_str().unwrap(),
                    i["matter"].as_str().unwrap(),
                    i["href"].as_str().unwrap()
                )
            })
            .collect()
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap_or_default())
    }
}

/// A small catalog: four items, seven assignments (every mode) in the demo county.
pub const CATALOG_ITEMS: &str = "code,name,domain,kind,law,article,penalty_clause,sector_department,sets,minor_first_offence,discretion,effective_from
ZJ-CSGL-CF-0001,对在城市道路上占道经营的行政处罚,城市管理,penalty,《城市市容和环境卫生管理条例》,第十四条,第三十六条,YX-ZJJ,provincial;township_must,true,轻微/首次且及时改正/0-0/0|一般/影响较小/50-200/100,2022-01-01
ZJ-STHJ-CF-0001,对产生环境噪声污染超标的行政处罚,生态环境,penalty,《中华人民共和国噪声污染防治法》,第二十四条,第七十一条,YX-STHJ,provincial;township_optional,false,一般/首次/2000-10000/5000,2022-01-01
ZJ-SCJG-JC-0001,对食品经营者的行政检查,市场监管,inspection,《中华人民共和国食品安全法》,第一百一十条,,YX-SCJG,department,false,,2022-01-01
ZJ-NYNC-CF-0001,对违反规定焚烧秸秆的行政处罚,农业农村,penalty,《中华人民共和国大气污染防治法》,第七十七条,第一百一十九条,YX-NYNC,local;township_must,false,一般/面积较小/50-200/100,2022-01-01
";

/// Assignments for [`CATALOG_ITEMS`].
pub const CATALOG_ASSIGNMENTS: &str = "item_code,division_code,holder_org_code,mode,responsible_org_code,supervising_org_code,letter_number,letter_scope,letter_valid_until,effective_from
ZJ-CSGL-CF-0001,339901,YX-ZHZF,retained,YX-ZHZF,YX-ZJJ,,,,2022-01-01
ZJ-CSGL-CF-0001,339901001,YX-CD,granted,YX-CD,YX-ZJJ,,,,2023-01-01
ZJ-STHJ-CF-0001,339901,YX-ZHZF,retained,YX-ZHZF,YX-STHJ,,,,2022-01-01
ZJ-STHJ-CF-0001,339901005,YX-QS,entrusted,YX-ZHZF,YX-ZHZF,云综执委〔2023〕12号,噪声污染处罚,2099-12-31,2023-01-01
ZJ-SCJG-JC-0001,339901,YX-SCJG,retained,YX-SCJG,YX-SCJG,,,,2022-01-01
ZJ-NYNC-CF-0001,339901,YX-ZHZF,retained,YX-ZHZF,YX-NYNC,,,,2022-01-01
ZJ-NYNC-CF-0001,339901008,YX-ZHZF,cooperation,YX-ZHZF,YX-NYNC,,,,2023-01-01
";

impl TestApp {
    /// Load [`CATALOG_ITEMS`] and [`CATALOG_ASSIGNMENTS`].
    pub async fn with_catalog(&self) {
        let s = &self.db.store;
        let w = s
            .begin_write(xiezhi_store::RecordContext::system(
                "t",
                xiezhi_store::testing::now(),
            ))
            .await
            .unwrap();
        xiezhi_store::catalog::import_items(s, w, CATALOG_ITEMS)
            .await
            .unwrap();
        let w = s
            .begin_write(xiezhi_store::RecordContext::system(
                "t",
                xiezhi_store::testing::now(),
            ))
            .await
            .unwrap();
        xiezhi_store::catalog::import_assignments(s, w, CATALOG_ASSIGNMENTS)
            .await
            .unwrap();
    }
}

/// A live stream of notices (SSE) a session opened.
pub struct LiveStream {
    resp: reqwest::Response,
    buf: String,
}

impl Session {
    /// Open `/api/v1/live` and wait until the server says it is listening.
    pub async fn live(&self) -> LiveStream {
        let resp = self
            .client
            .get(format!("{}/api/v1/live", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let mut l = LiveStream {
            resp,
            buf: String::new(),
        };
        let (event, _) = l.next(std::time::Duration::from_secs(10)).await.unwrap();
        assert_eq!(event, "ready");
        l
    }

    /// The same session against another instance.
    pub fn on(&self, base: &str) -> Session {
        Session {
            client: self.client.clone(),
            csrf: self.csrf.clone(),
            base: base.to_owned(),
        }
    }
}

impl LiveStream {
    /// The next event (name, data) within `within`, or None; `record` events (every commit,
    /// for dashboards) are skipped.
    pub async fn next(&mut self, within: std::time::Duration) -> Option<(String, Value)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut event = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(e) = line.strip_prefix("event:") {
                        event = e.trim().to_owned();
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push_str(d.trim());
                    }
                }
                if data.is_empty() || event == "record" {
                    continue; // a keep-alive comment, or a dashboard refresh
                }
                return Some((event, serde_json::from_str(&data).unwrap_or(Value::Null)));
            }
            let chunk = tokio::time::timeout_at(deadline, self.resp.chunk()).await;
            match chunk {
                Ok(Ok(Some(b))) => self.buf.push_str(&String::from_utf8_lossy(&b)),
                _ => return None,
            }
        }
    }
}

/// Another server instance on the same database, with its own connection pool (for the
/// fan-out across instances).
pub struct Instance {
    pub base: String,
    _stop: oneshot::Sender<()>,
}

pub async fn spawn_instance(url: &str) -> Instance {
    let store = xiezhi_store::Store::connect(&xiezhi_store::StoreOptions::new(url))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let state = AppState::new(store, false).await.unwrap();
    tokio::spawn(xiezhi_server::serve(listener, state, async {
        let _ = rx.await;
    }));
    Instance {
        base: format!("http://{addr}"),
        _stop: tx,
    }
}

/// A time as a person types it: Beijing time, to the minute.
pub fn beijing(t: chrono::DateTime<chrono::Utc>) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Sessions for several logins, in order.
pub async fn sign_in_all<'a>(app: &TestApp, logins: &[&'a str]) -> Vec<(&'a str, Session)> {
    let mut out = vec![];
    for l in logins {
        out.push((*l, app.sign_in(l).await));
    }
    out
}

/// The steps a view offers this session (`steps` of the JSON view; none when it may not
/// see the thing).
pub async fn offered_steps(s: &Session, path: &str) -> Vec<String> {
    let view = s.get(path).await;
    if view.status == StatusCode::OK {
        serde_json::from_value(view.body["steps"].clone()).unwrap_or_default()
    } else {
        vec![]
    }
}

/// Walk a lifecycle step by step: at each stage every person is offered exactly what the API
/// accepts — each of `steps` not offered (in the view at `view`) is refused without a change —
/// and the stage's forward step `(step, login)` was offered to whoever takes it and succeeds.
/// The stage after the last forward step is checked too. `call` gives a step's route and body.
pub async fn walk_offered_steps(
    people: &[(&str, Session)],
    view: &str,
    steps: &[&str],
    call: impl Fn(&str) -> (String, Value),
    forwards: &[(&str, &str)],
) {
    let stages = forwards.iter().map(Some).chain([None]);
    for stage in stages {
        for (login, s) in people {
            let offered = offered_steps(s, view).await;
            for st in steps.iter().filter(|st| !offered.iter().any(|o| o == *st)) {
                let (url, body) = call(st);
                let r = s.call(Method::POST, &url, Some(body)).await;
                assert!(
                    r.status.is_client_error(),
                    "{login} was not offered {st} before {stage:?} but it was accepted: {}",
                    r.body
                );
            }
            if let Some((forward, by)) = stage
                && login == by
            {
                assert!(
                    offered.iter().any(|o| o == *forward),
                    "{login} should be offered {forward}: {offered:?}"
                );
            }
        }
        if let Some((forward, by)) = stage {
            let s = &people.iter().find(|(l, _)| l == by).unwrap().1;
            let (url, body) = call(forward);
            let r = s.call(Method::POST, &url, Some(body)).await;
            assert!(r.status.is_success(), "{by} {forward}: {}", r.body);
        }
    }
}
