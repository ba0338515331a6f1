//! Evidence uploads as a stream: the digest computed as bytes arrive, the size limit and the
//! accepted types from the settings, nothing kept from a refused upload, duplicates stored once.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use xiezhi_server::EvidenceSettings;
use xiezhi_store::engine_test;
use xiezhi_store::testing::TestDb;

fn png(len: usize) -> Vec<u8> {
    let mut b = vec![7u8; len];
    b[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    b
}

engine_test!(
    uploads_are_checked_against_the_settings_as_they_stream_and_refusals_leave_nothing,
    async |db: TestDb| {
        let app = spawn_app_with(db, |s| {
            s.with_evidence(EvidenceSettings {
                max_bytes: 1024 * 1024,
                types: vec!["image/png".into(), "video/mp4".into()],
            })
        })
        .await;
        let s = app.sign_in("cd.1").await;
        // A type outside the settings.
        let r = s
            .send_bytes("/api/v1/attachments", b"%PDF-1.7 x".to_vec())
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body["message"]
                .as_str()
                .unwrap()
                .contains("不接受此类文件"),
            "{}",
            r.body
        );
        // Over the size limit: refused, and no trace of the bytes.
        let big = png(1024 * 1024 + 10);
        let digest = xiezhi_domain::sm3_hex(&big);
        let r = s.send_bytes("/api/v1/attachments", big).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body["message"].as_str().unwrap().contains("1 MB"));
        assert!(
            app.db.store.blob(&digest).await.is_err(),
            "nothing partial kept"
        );
        let leftovers = |dir: std::path::PathBuf| {
            std::fs::read_dir(dir)
                .map(|d| d.filter_map(Result::ok).count())
                .unwrap_or(0)
        };
        assert_eq!(leftovers(app.db.files.join("tmp")), 0, "no partial file");
        // A good one, with where it was taken; the same bytes again are stored once.
        let ok = png(600 * 1024);
        let r = s
            .send_bytes("/api/v1/attachments?lon=118.7&lat=28.7", ok.clone())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.body["digest"], xiezhi_domain::sm3_hex(&ok));
        assert_eq!(r.body["content_type"], "image/png");
        let again = s.send_bytes("/api/v1/attachments", ok.clone()).await;
        assert_eq!(again.body["digest"], r.body["digest"]);
        // The bytes are in the file store under their digest, not in the database; the
        // record keeps digest, size and type; the download streams them back.
        let d = r.body["digest"].as_str().unwrap().to_owned();
        let stored = app.db.store.blob(&d).await.unwrap();
        assert!(stored.bytes.is_empty() && stored.kept_in_files);
        assert_eq!(stored.size, Some(ok.len() as i64));
        assert_eq!(stored.content_type.as_deref(), Some("image/png"));
        let on_disk = std::fs::read(app.db.files.join("sm3").join(&d[..2]).join(&d)).unwrap();
        assert_eq!(on_disk, ok);
        assert_eq!(leftovers(app.db.files.join("tmp")), 0);
        assert_eq!(app.db.store.file_bytes(&d).await.unwrap(), ok);
        let (events, _) = app
            .db
            .store
            .list_events(
                &xiezhi_store::record::EventFilter {
                    kind: Some("blob.uploaded".into()),
                    ..Default::default()
                },
                1,
                10,
            )
            .await
            .unwrap();
        assert!(events.iter().any(|e| e.payload.contains("118.7")));
    }
);

engine_test!(
    a_file_is_named_only_by_whoever_could_read_it_so_a_known_digest_opens_nothing,
    async |db: TestDb| {
        let app = spawn_app(db).await;
        // 城东街道 photographs a stall and registers a lead with the photo.
        let cd = app.sign_in("cd.1").await;
        let photo = b"\x89PNG\r\n\x1a\nchengdong stall".to_vec();
        let up = cd.send_bytes("/api/v1/attachments", photo.clone()).await;
        assert!(up.status.is_success(), "{}", up.body);
        let digest = up.body["digest"].as_str().unwrap().to_owned();
        let lead = |text: &str, photos: Vec<String>| {
            json!({"channel": "department", "text": text, "address": "城东路1号",
                   "division_code": "339901002", "photos": photos})
        };
        let r = cd
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(lead("占道经营", vec![digest.clone()])),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
        let download = format!("/api/v1/attachments/{digest}");
        assert_eq!(cd.get(&download).await.status, StatusCode::OK);
        // Someone who cannot see that lead learns the digest: naming it in their own lead is
        // refused, and the file stays closed to them.
        let other = app.sign_in("scjg.1").await;
        assert_eq!(other.get(&download).await.status, StatusCode::FORBIDDEN);
        let r = other
            .call(
                Method::POST,
                "/api/v1/leads",
                Some(lead("借用照片", vec![digest.clone()])),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.body["code"], "attachment.not_readable");
        assert_eq!(other.get(&download).await.status, StatusCode::FORBIDDEN);
        // A file another body uploaded and has not attached anywhere yet is closed too; one's
        // own upload is named freely.
        let office = app.sign_in("office").await;
        for (uploader, bytes, allowed) in [
            (&office, b"%PDF-1.4 office".to_vec(), false),
            (&other, b"\x89PNG\r\n\x1a\nown".to_vec(), true),
        ] {
            let up = uploader.send_bytes("/api/v1/attachments", bytes).await;
            let named = vec![up.body["digest"].as_str().unwrap().to_owned()];
            let r = other
                .call(Method::POST, "/api/v1/leads", Some(lead("附件", named)))
                .await;
            assert_eq!(r.status.is_success(), allowed, "{}", r.body);
        }
    }
);
