//! Stored files (文件存储): evidence, photos and materials live outside the database, named
//! by their SM3 digest, in a directory (the default) or in S3-compatible object storage that
//! several instances share. An upload is streamed to a temporary object, hashed as it
//! arrives, checked, then moved under its digest — all before the write transaction that
//! records it, so a large file holds up no other write and costs no memory. The record keeps
//! digest, size and type. Files stored in the database before this (`blobs.bytes`) are read
//! as before.

use crate::error::StoreError;
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use std::sync::Arc;

/// Where stored files go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileLocation {
    /// A directory on this machine (or a shared mount).
    Dir(std::path::PathBuf),
    /// S3-compatible object storage, `s3://bucket/prefix`; the endpoint, region and
    /// credentials come from the standard `AWS_*` environment variables.
    S3(String),
}

impl FileLocation {
    /// Read a setting: `s3://bucket/prefix`, or a directory path.
    pub fn parse(s: &str) -> FileLocation {
        if s.starts_with("s3://") {
            FileLocation::S3(s.to_owned())
        } else {
            FileLocation::Dir(s.trim_start_matches("dir:").into())
        }
    }

    /// The default beside a database: `FILE.files/` for SQLite, `xiezhi-files/` otherwise.
    pub fn beside(database_url: &str) -> FileLocation {
        let url = crate::normalize_url(database_url);
        match url
            .strip_prefix("sqlite://")
            .or(url.strip_prefix("sqlite:"))
        {
            Some(path) if !path.is_empty() && !path.starts_with(":memory:") => {
                let path = path.split('?').next().unwrap_or(path);
                FileLocation::Dir(format!("{path}.files").into())
            }
            _ => FileLocation::Dir("xiezhi-files".into()),
        }
    }
}

/// The file store.
#[derive(Clone, Debug)]
pub struct FileStore {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    /// A directory, created on the first upload (opening a store for a command that never
    /// uploads leaves nothing behind).
    Dir(std::path::PathBuf),
    /// Object storage.
    Remote(Arc<dyn ObjectStore>),
}

fn io(e: impl std::fmt::Display) -> StoreError {
    StoreError::Config(format!("文件存储出错：{e}"))
}

/// Where a digest's file lives: `sm3/ab/abcdef…`.
fn place(digest: &str) -> Path {
    Path::from(format!("sm3/{}/{digest}", &digest[..2.min(digest.len())]))
}

impl FileStore {
    /// Open.
    pub fn open(at: &FileLocation) -> Result<FileStore, StoreError> {
        let backend = match at {
            FileLocation::Dir(dir) => Backend::Dir(dir.clone()),
            FileLocation::S3(url) => {
                let rest = url.trim_start_matches("s3://");
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                let s3 = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(io)?;
                Backend::Remote(if prefix.trim_matches('/').is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(
                        s3,
                        prefix.trim_matches('/'),
                    ))
                })
            }
        };
        Ok(FileStore { backend })
    }

    /// The object store; a directory is created when `create`, else missing means empty.
    fn inner(&self, create: bool) -> Result<Option<Arc<dyn ObjectStore>>, StoreError> {
        match &self.backend {
            Backend::Remote(r) => Ok(Some(r.clone())),
            Backend::Dir(dir) => {
                if create {
                    std::fs::create_dir_all(dir).map_err(io)?;
                } else if !dir.exists() {
                    return Ok(None);
                }
                let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)
                    .map_err(io)?
                    .with_automatic_cleanup(true);
                Ok(Some(Arc::new(fs)))
            }
        }
    }

    fn local(&self) -> bool {
        matches!(self.backend, Backend::Dir(_))
    }

    /// Start an upload.
    pub async fn upload(&self) -> Result<Upload, StoreError> {
        let tmp = Path::from(format!("tmp/{}", uuid::Uuid::new_v4()));
        let inner = self.inner(true)?.ok_or_else(|| io("文件存储不可用"))?;
        let parts = inner.put_multipart(&tmp).await.map_err(io)?;
        Ok(Upload {
            inner,
            local: self.local(),
            tmp,
            writer: Some(WriteMultipart::new(parts)),
            hasher: xiezhi_domain::Sm3Stream::default(),
            size: 0,
            head: Vec::new(),
        })
    }

    /// Whether a digest's file is here.
    pub async fn has(&self, digest: &str) -> Result<bool, StoreError> {
        let Some(inner) = self.inner(false)? else {
            return Ok(false);
        };
        has(&inner, digest).await
    }

    /// A digest's file as a stream of chunks.
    pub async fn stream(
        &self,
        digest: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, StoreError>>, StoreError> {
        let inner = self.inner(false)?.ok_or(StoreError::NotFound("附件"))?;
        let got = inner.get(&place(digest)).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => StoreError::NotFound("附件"),
            e => io(e),
        })?;
        Ok(got.into_stream().map(|c| c.map_err(io)).boxed())
    }

    /// A digest's file, whole (for exports).
    pub async fn read(&self, digest: &str) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::new();
        let mut s = self.stream(digest).await?;
        while let Some(chunk) = s.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out)
    }
}

async fn has(inner: &Arc<dyn ObjectStore>, digest: &str) -> Result<bool, StoreError> {
    match inner.head(&place(digest)).await {
        Ok(_) => Ok(true),
        Err(object_store::Error::NotFound { .. }) => Ok(false),
        Err(e) => Err(io(e)),
    }
}

/// An upload in progress: bytes are hashed and written to a temporary object as they come.
pub struct Upload {
    inner: Arc<dyn ObjectStore>,
    local: bool,
    tmp: Path,
    writer: Option<WriteMultipart>,
    hasher: xiezhi_domain::Sm3Stream,
    size: u64,
    head: Vec<u8>,
}

/// A file in the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    /// SM3 digest (hex).
    pub digest: String,
    /// Bytes.
    pub size: u64,
    /// Its first bytes (up to 64), to recognise its type.
    pub head: Vec<u8>,
}

impl Upload {
    /// Bytes so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first bytes so far (up to 64).
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Add a chunk.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        if self.head.len() < 64 {
            let take = (64 - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        if let Some(w) = self.writer.as_mut() {
            w.wait_for_capacity(4).await.map_err(io)?;
            w.write(chunk);
        }
        Ok(())
    }

    /// Finish: the file moves under its digest (a file already there is kept: same digest,
    /// same bytes).
    pub async fn finish(mut self) -> Result<StoredFile, StoreError> {
        if let Some(w) = self.writer.take() {
            w.finish().await.map_err(io)?;
        }
        let digest = std::mem::take(&mut self.hasher).finish();
        let to = place(&digest);
        let inner = &self.inner;
        if has(inner, &digest).await? {
            let _ = inner.delete(&self.tmp).await;
        } else if self.local {
            inner.rename(&self.tmp, &to).await.map_err(io)?;
        } else {
            inner.copy(&self.tmp, &to).await.map_err(io)?;
            let _ = inner.delete(&self.tmp).await;
        }
        Ok(StoredFile {
            digest,
            size: self.size,
            head: std::mem::take(&mut self.head),
        })
    }

    /// Give up: nothing stays.
    pub async fn abort(mut self) {
        if let Some(w) = self.writer.take() {
            let _ = w.abort().await;
        }
        let _ = self.inner.delete(&self.tmp).await;
    }
}
