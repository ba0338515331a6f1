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
    xiezhi_store::demo::load(&db.store, DEMO_PASSWORD, "test", chrono::Utc::now())
        .await
        .unwrap();
    spawn_bare(db).await
}

pub async fn spawn_bare(db: TestDb) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let state = AppState::new(db.store.clone(), false).await.unwrap();
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

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
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

    /// A page; returns status and HTML.
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
