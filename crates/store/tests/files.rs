//! The file store (`xiezhi_store::files`) on a directory and on S3-compatible object storage:
//! a file streamed in lands under its SM3 digest, the same bytes twice are kept once, and an
//! abandoned upload leaves nothing. The S3 half runs when `XIEZHI_TEST_S3_URL` names a bucket
//! (`s3://xiezhi-test`, with `AWS_ENDPOINT` and keys in the environment; `.ci/run` starts a
//! local S3-compatible server for it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use xiezhi_store::files::{FileLocation, FileStore};

/// Twelve MB in uneven chunks: more than one part of a multipart upload.
fn chunks() -> Vec<Vec<u8>> {
    (0..12u8)
        .map(|i| vec![i.wrapping_mul(37); 1024 * 1024 + usize::from(i) * 17])
        .collect()
}

async fn round_trip(store: &FileStore) {
    let parts = chunks();
    let whole: Vec<u8> = parts.concat();
    let mut up = store.upload().await.unwrap();
    for p in &parts {
        up.write(p).await.unwrap();
    }
    let f = up.finish().await.unwrap();
    assert_eq!(f.digest, xiezhi_domain::sm3_hex(&whole));
    assert_eq!(f.size, whole.len() as u64);
    assert!(store.has(&f.digest).await.unwrap());
    assert_eq!(store.read(&f.digest).await.unwrap(), whole);
    // The same bytes again: one file.
    let mut again = store.upload().await.unwrap();
    again.write(&whole).await.unwrap();
    assert_eq!(again.finish().await.unwrap().digest, f.digest);
    // Abandoned: nothing under its digest.
    let mut gone = store.upload().await.unwrap();
    gone.write(b"never finished").await.unwrap();
    gone.abort().await;
    assert!(
        !store
            .has(&xiezhi_domain::sm3_hex(b"never finished"))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_directory_keeps_files_by_digest_and_an_abandoned_upload_leaves_nothing() {
    let dir = std::env::temp_dir().join(format!("xiezhi-files-{}", uuid::Uuid::new_v4()));
    let store = FileStore::open(&FileLocation::Dir(dir.clone())).unwrap();
    round_trip(&store).await;
    let tmp = std::fs::read_dir(dir.join("tmp"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(tmp, 0, "no temporary file stays");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn s3_compatible_storage_keeps_files_by_digest() {
    let Ok(url) = std::env::var("XIEZHI_TEST_S3_URL") else {
        eprintln!("NOTICE: XIEZHI_TEST_S3_URL is not set: the S3 file store test was SKIPPED.");
        return;
    };
    let prefix = format!("{}/run-{}", url.trim_end_matches('/'), uuid::Uuid::new_v4());
    let store = FileStore::open(&FileLocation::S3(prefix)).unwrap();
    round_trip(&store).await;
}

#[test]
fn the_default_place_is_beside_the_database() {
    assert_eq!(
        FileLocation::beside("sqlite://data/xiezhi.db"),
        FileLocation::Dir("data/xiezhi.db.files".into())
    );
    assert_eq!(
        FileLocation::beside("postgres://x@db/xiezhi"),
        FileLocation::Dir("xiezhi-files".into())
    );
    assert_eq!(
        FileLocation::parse("s3://bucket/yunxi"),
        FileLocation::S3("s3://bucket/yunxi".into())
    );
}
