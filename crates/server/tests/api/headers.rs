//! Security headers on every response (pages, API, assets, errors), and pages that give the
//! Content-Security-Policy nothing to block: no inline script, no event handler attribute,
//! no inline style (issue 21).

use crate::authz_walk::{fixtures, ui_cases};
use crate::helpers::*;
use regex::Regex;
use reqwest::header::HeaderMap;
use reqwest::{Client, Method, StatusCode};
use std::collections::BTreeSet;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

/// The directives the policy must hold, each as it must read.
const DIRECTIVES: &[&str] = &[
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
];

/// The headers every response carries; `cache` is the expected `Cache-Control`.
fn check_headers(what: &str, h: &HeaderMap, cache: &str, hsts: bool) {
    let get = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_owned()
    };
    let csp = get("content-security-policy");
    let directives: BTreeSet<&str> = csp.split(';').map(str::trim).collect();
    for d in DIRECTIVES {
        assert!(directives.contains(d), "{what}: CSP lacks {d}: {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
    assert_eq!(get("cache-control"), cache, "{what}");
    match h.get("strict-transport-security") {
        Some(v) => {
            assert!(hsts, "{what}: HSTS over plain HTTP");
            assert_eq!(v, "max-age=31536000", "{what}");
        }
        None => assert!(!hsts, "{what}: no HSTS over TLS"),
    }
}

/// GET with the client's cookies: status, headers, body.
async fn fetch(c: &Client, url: &str) -> (StatusCode, HeaderMap, String) {
    let r = c.get(url).send().await.unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.text().await.unwrap_or_default())
}

/// What a page holds that the policy would block (or that would need `unsafe-inline`):
/// scripts without `src`, event handler attributes, `javascript:` links, style attributes
/// and `<style>` elements.
fn inline_code(html: &str) -> Vec<String> {
    let script = Regex::new(r"(?is)<script\b[^>]*>").unwrap();
    let tag = Regex::new(r"(?s)<[a-zA-Z][^>]*>").unwrap();
    let handler = Regex::new(r#"(?i)\son[a-z]+\s*="#).unwrap();
    let style_attr = Regex::new(r#"(?i)\sstyle\s*="#).unwrap();
    let mut found: Vec<String> = script
        .find_iter(html)
        .map(|m| m.as_str())
        .filter(|s| !Regex::new(r#"\ssrc="/assets/"#).unwrap().is_match(s))
        .map(|s| format!("inline script: {s}"))
        .collect();
    for t in tag.find_iter(html).map(|m| m.as_str()) {
        if handler.is_match(t) {
            found.push(format!("event handler attribute: {t}"));
        }
        if style_attr.is_match(t) {
            found.push(format!("style attribute: {t}"));
        }
    }
    let lower = html.to_lowercase();
    if lower.contains("<style") {
        found.push("a <style> element".into());
    }
    if lower.contains("javascript:") {
        found.push("a javascript: address".into());
    }
    found
}

/// The `/assets/…` files a page loads.
fn assets_of(html: &str) -> Vec<String> {
    Regex::new(r#"(?:src|href)="(/assets/[^"]+)""#)
        .unwrap()
        .captures_iter(html)
        .map(|c| c[1].to_owned())
        .collect()
}

#[test]
fn the_page_check_finds_what_the_policy_would_block() {
    let clean = r#"<script src="/assets/app-0123.js" defer></script><a href="/x" data-on="1">on=</a><p>style= onclick=</p>"#;
    assert!(inline_code(clean).is_empty(), "{:?}", inline_code(clean));
    for bad in [
        "<script>alert(1)</script>",
        r#"<script type="application/json" id="k">{}</script>"#,
        r#"<script src="https://cdn.example/x.js"></script>"#,
        r#"<button type="button" onclick="go()">"#,
        "<form\n onsubmit='x()'>",
        r#"<li style="--depth: 2">"#,
        "<style>p{}</style>",
        r#"<a href="javascript:void(0)">"#,
    ] {
        assert_eq!(inline_code(bad).len(), 1, "{bad}");
    }
}

engine_test!(
    every_response_carries_the_security_headers,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let base = &app.base;
        let anon = client();
        // The sign-in page, a signed-out visitor sent there, the service's health.
        let (status, h, login) = fetch(&anon, &format!("{base}/login")).await;
        assert_eq!(status, StatusCode::OK);
        check_headers("sign-in page", &h, "no-store", false);
        let (status, h, _) = fetch(&anon, &format!("{base}/people")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        check_headers("redirect to sign-in", &h, "no-store", false);
        let (_, h, _) = fetch(&anon, &format!("{base}/healthz")).await;
        check_headers("healthz", &h, "no-store", false);
        // The assets: cached a year under their hashed names, the other headers all the same.
        let assets = assets_of(&login);
        assert!(
            assets.iter().any(|a| a.ends_with(".css")) && assets.iter().any(|a| a.ends_with(".js")),
            "{assets:?}"
        );
        for a in &assets {
            let (status, h, body) = fetch(&anon, &format!("{base}{a}")).await;
            assert_eq!(status, StatusCode::OK, "{a}");
            assert!(!body.is_empty());
            let ct = h["content-type"].to_str().unwrap();
            assert!(
                ct.starts_with(if a.ends_with(".js") {
                    "text/javascript"
                } else {
                    "text/css"
                }),
                "{a}: {ct}"
            );
            check_headers(a, &h, "public, max-age=31536000, immutable", false);
        }
        let (status, h, _) = fetch(&anon, &format!("{base}/assets/app.js")).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "only the hashed names are served"
        );
        check_headers("a missing asset", &h, "no-store", false);

        // Signed in: a page, an API answer with personal data, errors of both.
        let s = app.sign_in("office").await;
        let (status, h, html) = fetch(&s.client, &format!("{base}/")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("我的待办"));
        check_headers("home page", &h, "no-store", false);
        let (status, h, json) = fetch(&s.client, &format!("{base}/api/v1/me")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            h["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        assert!(json.contains("\"login\""), "{json}");
        check_headers("API JSON", &h, "no-store", false);
        let (status, h, html) = fetch(&s.client, &format!("{base}/no-such-page")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("请求编号"), "the error page");
        check_headers("404 page", &h, "no-store", false);
        let (status, h, _) = fetch(&anon, &format!("{base}/no-such-page")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        check_headers("404 page, signed out", &h, "no-store", false);
        let (status, h, json) = fetch(&s.client, &format!("{base}/api/v1/leads/999999")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(json.contains("\"code\""), "{json}");
        check_headers("API 404", &h, "no-store", false);
        let (status, h, _) = fetch(&anon, &format!("{base}/api/v1/me")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        check_headers("API 401", &h, "no-store", false);

        // Behind a TLS proxy, browsers are told to come back over HTTPS only.
        let r = anon
            .get(format!("{base}/login"))
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap();
        check_headers("sign-in page over TLS", r.headers(), "no-store", true);
    }
);

#[tokio::test]
async fn served_over_tls_every_response_asks_for_https_only() {
    let app = spawn_app_with(TestDb::sqlite().await, |mut s| {
        s.secure_cookies = true;
        s
    })
    .await;
    let anon = client();
    for path in ["/login", "/api/v1/me", "/no-such-page", "/healthz"] {
        let (_, h, _) = fetch(&anon, &format!("{}{path}", app.base)).await;
        check_headers(path, &h, "no-store", true);
    }
}

engine_test!(
    no_page_runs_an_inline_script_or_a_handler_attribute,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        let ids = fixtures(&app).await;
        app.with_catalog().await;
        let base = &app.base;
        let mut bad = Vec::new();
        let mut assets = BTreeSet::new();
        let mut pages = 0;
        let mut check_page =
            |who: &str, path: &str, status: StatusCode, h: &HeaderMap, html: &str| {
                pages += 1;
                check_headers(&format!("{who} {path} ({status})"), h, "no-store", false);
                for f in inline_code(html) {
                    bad.push(format!("{who} {path}: {f}"));
                }
                assets.extend(assets_of(html));
            };
        // Every web page (the authorisation walk's list, which a test keeps complete), as
        // each role allowed to see it, and as one that is not (the error page).
        for login in [
            "leader",
            "office",
            "zhzf.1",
            "zhzf.legal",
            "cd.grid1",
            "auditor",
            "sysadmin",
            "secadmin",
            "auditadmin",
        ] {
            let s = app.sign_in(login).await;
            for (method, path, _, allowed) in ui_cases(&ids, 0) {
                if method != Method::GET {
                    continue;
                }
                let (status, h, html) = fetch(&s.client, &format!("{base}{path}")).await;
                assert!(!status.is_server_error(), "{login} {path}: {status}");
                if allowed.contains(&login) {
                    assert!(status.is_success(), "{login} {path}: {status}");
                }
                check_page(login, &path, status, &h, &html);
            }
        }
        // The public pages.
        let anon = client();
        for path in [
            "/login",
            "/complaint",
            "/complaint/lookup",
            "/public/catalog",
            "/public/catalog/items/ZJ-CSGL-CF-0001",
            "/no-such-page",
        ] {
            let (status, h, html) = fetch(&anon, &format!("{base}{path}")).await;
            assert!(!status.is_server_error(), "{path}: {status}");
            check_page("signed out", path, status, &h, &html);
        }
        // A refused form back on its page: what was typed goes to the script as data.
        let office = app.sign_in("office").await;
        let r = office
            .client
            .post(format!("{base}/instructions"))
            .header(reqwest::header::REFERER, format!("{base}/instructions"))
            .form(&[("csrf", office.csrf.as_str()), ("body", "<b>集合</b>")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (status, h, html) = fetch(&office.client, &format!("{base}/instructions")).await;
        assert!(html.contains("data-kept="), "the form comes back: {html}");
        let kept: serde_json::Value =
            serde_json::from_str(&crate::transfers::kept_form(&html)).unwrap();
        assert!(
            kept["values"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v[1] == "<b>集合</b>"),
            "{kept}"
        );
        check_page("office", "/instructions (kept form)", status, &h, &html);
        assert!(pages > 400, "{pages} pages");
        bad.sort();
        bad.dedup();
        assert!(bad.is_empty(), "{bad:#?}");
        // Every file a page loads is served, and each script is used by some page.
        for a in &assets {
            let (status, _, _) = fetch(&anon, &format!("{base}{a}")).await;
            assert_eq!(status, StatusCode::OK, "{a}");
        }
        let scripts = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/assets"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".js"))
            .collect::<Vec<_>>();
        for js in scripts {
            let stem = js.trim_end_matches(".js");
            assert!(
                assets
                    .iter()
                    .any(|a| a.starts_with(&format!("/assets/{stem}-"))),
                "{js} is loaded by no page: {assets:?}"
            );
        }

        // A document keeps its own, stricter policy: nothing runs, its own styles only.
        let (status, h, _) = fetch(
            &office.client,
            &format!("{base}/api/v1/documents/{}", ids.doc),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["cache-control"], "no-store");
    }
);
