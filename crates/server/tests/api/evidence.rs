//! Evidence uploads as a stream: the digest computed as bytes arrive, the size limit and the
//! accepted types from the settings, nothing kept from a refused upload, duplicates stored once.

use crate::helpers::*;
use reqwest::StatusCode;
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
        let stored = app
            .db
            .store
            .blob(r.body["digest"].as_str().unwrap())
            .await
            .unwrap();
        assert_eq!(stored.bytes, ok);
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
