//! Limits an outside test found missing (issue 21): the public throttles key on the
//! connection unless a trusted proxy names the client, keep their state bounded in the
//! database and cover the lookup; slow and idle connections are closed while a live stream
//! stays; sessions end when idle; the anti-forgery token is bound to the session and writes
//! from another site's pages are refused.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use xiezhi_server::HttpSettings;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;
use xiezhi_store::time::TimeSource;

async fn complain(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    forwarded: &str,
    text: &str,
) -> StatusCode {
    c.post(format!("{}/complaint", app.base))
        .header("x-forwarded-for", forwarded)
        .form(&[
            ("csrf", csrf),
            ("text", text),
            ("reporter_phone", "13700003333"),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

engine_test!(
    a_client_cannot_pick_its_throttle_bucket_with_a_forwarded_header,
    async |db: TestDb| {
        // No trusted proxy: X-Forwarded-For is the client's own claim and is ignored.
        let app = spawn_app(db).await;
        let (c, csrf) = app.public_client().await;
        for i in 0..5 {
            let st = complain(&app, &c, &csrf, &format!("198.51.100.{i}"), "油烟扰民").await;
            assert_eq!(st, StatusCode::OK, "{i}");
        }
        let st = complain(&app, &c, &csrf, "198.51.100.99", "油烟扰民").await;
        assert_eq!(
            st,
            StatusCode::TOO_MANY_REQUESTS,
            "spoofed headers share one bucket"
        );
        let page = c
            .post(format!("{}/complaint", app.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("text", "再来"),
                ("reporter_phone", "13700003333"),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("操作过于频繁") && page.contains("再来"),
            "the form keeps the text"
        );
    }
);

engine_test!(
    behind_a_trusted_proxy_each_client_has_its_own_bucket_and_old_windows_are_swept,
    async |db: TestDb| {
        let time = TimeSource::pinned(xiezhi_store::testing::now());
        let app = spawn_app_with(db, |s| {
            s.with_time(time.clone()).with_http(HttpSettings {
                trusted_proxies: HttpSettings::parse_proxies(&["127.0.0.1".into()]).unwrap(),
                ..HttpSettings::default()
            })
        })
        .await;
        let (c, csrf) = app.public_client().await;
        for i in 0..8 {
            let st = complain(&app, &c, &csrf, &format!("203.0.113.{i}"), "占道经营").await;
            assert_eq!(st, StatusCode::OK, "client {i}");
        }
        // One client through the proxy: five, then refused; a spoofed hop before the real
        // client changes nothing (the nearest untrusted address counts).
        for i in 0..5 {
            let st = complain(
                &app,
                &c,
                &csrf,
                &format!("192.0.2.{i}, 203.0.113.50"),
                "占道",
            )
            .await;
            assert_eq!(st, StatusCode::OK, "{i}");
        }
        let st = complain(&app, &c, &csrf, "192.0.2.77, 203.0.113.50", "占道").await;
        assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(app.db.store.throttle_rows().await.unwrap(), 9);
        // A new window: the old rows go as it opens.
        time.set(time.now() + chrono::Duration::minutes(11));
        let st = complain(&app, &c, &csrf, "203.0.113.50", "占道").await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(app.db.store.throttle_rows().await.unwrap(), 1);
    }
);

engine_test!(
    the_lookup_is_posted_and_throttled_per_client_and_per_tracking_number,
    async |db: TestDb| {
        let app = spawn_app_with(db, |s| {
            s.with_http(HttpSettings {
                trusted_proxies: HttpSettings::parse_proxies(&["127.0.0.1".into()]).unwrap(),
                ..HttpSettings::default()
            })
        })
        .await;
        let (c, csrf) = app.public_client().await;
        let receipt = c
            .post(format!("{}/complaint", app.base))
            .header("x-forwarded-for", "203.0.113.1")
            .form(&[
                ("csrf", csrf.as_str()),
                ("text", "噪音扰民"),
                ("reporter_phone", "13700003333"),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let tracking = tracking_in(&receipt);
        let lookup = |from: String, phone: &'static str| {
            let c = c.clone();
            let csrf = csrf.clone();
            let tracking = tracking.clone();
            let base = app.base.clone();
            async move {
                let r = c
                    .post(format!("{base}/complaint/lookup"))
                    .header("x-forwarded-for", from)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("tracking", &tracking),
                        ("phone", phone),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.text().await.unwrap())
            }
        };
        // The phone never goes in an address: the page's form posts.
        let form = c
            .get(format!("{}/complaint/lookup?tracking={tracking}", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(form.contains("method=\"post\"") && form.contains(&tracking));
        let (st, _) = lookup("203.0.113.1".into(), "13700003333").await;
        assert_eq!(st, StatusCode::OK);
        // Ten wrong phones from ten clients: the number answers nothing for an hour, even
        // to the right phone.
        for i in 0..10 {
            let (st, _) = lookup(format!("198.51.100.{i}"), "13900000000").await;
            assert_eq!(st, StatusCode::NOT_FOUND, "{i}");
        }
        let (st, html) = lookup("203.0.113.1".into(), "13700003333").await;
        assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
        assert!(html.contains("操作过于频繁"), "{html}");
        // One client: twenty lookups in ten minutes, whatever it asks.
        for i in 0..18 {
            let (st, _) = lookup("192.0.2.1".into(), "13900000000").await;
            assert_ne!(st, StatusCode::OK, "{i}");
        }
        let (st, _) = lookup("192.0.2.1".into(), "13900000000").await;
        assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    }
);

/// Read until the server closes the connection or `wait` passes: true when it closed.
async fn closed_within(s: &mut tokio::net::TcpStream, wait: Duration) -> bool {
    let mut buf = vec![0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

engine_test!(
    slow_and_idle_connections_are_closed_and_a_live_stream_stays,
    async |db: TestDb| {
        let app = spawn_app_with(db, |s| {
            s.with_http(HttpSettings {
                header_timeout: Duration::from_secs(1),
                ..HttpSettings::default()
            })
        })
        .await;
        let addr = app.base.trim_start_matches("http://").to_owned();
        // Says nothing.
        let mut silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
        assert!(
            closed_within(&mut silent, Duration::from_secs(3)).await,
            "silent"
        );
        // Sends its headers a byte at a time and never finishes.
        let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        assert!(
            closed_within(&mut slow, Duration::from_secs(3)).await,
            "slow headers"
        );
        // Kept alive after a request, then idle.
        let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
        idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        assert!(
            closed_within(&mut idle, Duration::from_secs(3)).await,
            "idle keep-alive"
        );
        // A live stream outlasts the header timeout.
        let leader = app.sign_in("leader").await;
        let mut live = leader
            .client
            .get(format!("{}/api/v1/live", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(live.status(), StatusCode::OK);
        let chunk = tokio::time::timeout(Duration::from_millis(2500), live.chunk()).await;
        assert!(
            chunk.is_err() || matches!(chunk, Ok(Ok(Some(_)))),
            "the stream is still open after 2.5 s: {chunk:?}"
        );
    }
);

engine_test!(
    connections_beyond_the_limit_wait_their_turn,
    async |db: TestDb| {
        let app = spawn_app_with(db, |s| {
            s.with_http(HttpSettings {
                header_timeout: Duration::from_secs(30),
                max_connections: 2,
                ..HttpSettings::default()
            })
        })
        .await;
        let addr = app.base.trim_start_matches("http://").to_owned();
        let mut held: Vec<tokio::net::TcpStream> = vec![];
        for _ in 0..2 {
            held.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let third = tokio::spawn({
            let base = app.base.clone();
            async move {
                client()
                    .get(format!("{base}/healthz"))
                    .send()
                    .await
                    .map(|r| r.status())
            }
        });
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(!third.is_finished(), "the third waits while two are open");
        held.clear();
        let st = tokio::time::timeout(Duration::from_secs(5), third)
            .await
            .expect("served once one closed")
            .unwrap()
            .unwrap();
        assert_eq!(st, StatusCode::OK);
    }
);

engine_test!(
    a_session_unused_for_the_idle_time_ends,
    async |db: TestDb| {
        let time = TimeSource::pinned(xiezhi_store::testing::now());
        let app = spawn_app_with(db, |s| s.with_time(time.clone())).await;
        let s = app.sign_in("cd.1").await;
        for _ in 0..3 {
            time.set(time.now() + chrono::Duration::minutes(29));
            assert_eq!(s.get("/api/v1/me").await.status, StatusCode::OK);
        }
        time.set(time.now() + chrono::Duration::minutes(31));
        assert_eq!(s.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
        // On a page: back to the sign-in form.
        let r = s
            .client
            .get(format!("{}/leads", app.base))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login"),
            "back to the sign-in form"
        );
    }
);

engine_test!(
    the_anti_forgery_token_is_bound_to_the_session_and_other_sites_cannot_write,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let a = app.sign_in("cd.1").await;
        let b = app.sign_in("cd.grid1").await;
        let write = |who: &Session, token: &str, origin: Option<&str>| {
            let mut r = who
                .client
                .post(format!("{}/api/v1/leads", app.base))
                .header("x-csrf-token", token)
                .json(&serde_json::json!({"channel": "department", "text": "巡查发现占道", "division_code": "339901002"}));
            if let Some(o) = origin {
                r = r.header("origin", o);
            }
            r.send()
        };
        let st = write(&b, &a.csrf, None).await.unwrap().status();
        assert_eq!(st, StatusCode::FORBIDDEN, "another session's token");
        // A token not bound to this session (a browser cookie's value, say) is refused.
        let st = write(&a, "0123456789abcdef0123456789abcdef", None)
            .await
            .unwrap()
            .status();
        assert_eq!(st, StatusCode::FORBIDDEN);
        // Another site's page posting with the right token: refused by its Origin.
        let r = write(&a, &a.csrf, Some("https://evil.example"))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["code"], "csrf");
        let r = write(&a, &a.csrf, Some("null")).await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Our own origin writes.
        let own = app.base.clone();
        let r = write(&a, &a.csrf, Some(&own)).await.unwrap();
        let status = r.status();
        assert_eq!(status, StatusCode::CREATED, "{}", r.text().await.unwrap());
        // A token-authenticated client without cookies is not asked for an origin.
        let r = a.call(Method::GET, "/api/v1/me", None).await;
        assert_eq!(r.status, StatusCode::OK);
    }
);
