//! Attachments (附件): files stored by their SM3 digest, uploaded as a stream and read back
//! only through the subject they belong to.

use crate::AppState;
use crate::beijing_time;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiezhi_domain::EventKind;
use xiezhi_domain::{Action, Refusal, Target};
use xiezhi_store::entities::attachment;
use xiezhi_store::record::Subjects;
use xiezhi_store::transfers as st;

/// A material or photo.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    /// SM3 digest of the file (download at `/api/v1/attachments/{digest}`).
    pub digest: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    pub added_at: String,
}

/// An attachment as shown.
pub(crate) fn attachment_view(a: &attachment::Model) -> AttachmentView {
    AttachmentView {
        id: a.id,
        kind: a.kind.clone(),
        kind_label: xiezhi_domain::transfer::MaterialKind::parse(&a.kind)
            .map(|k| k.label().to_owned())
            .unwrap_or_else(|| a.kind.clone()),
        title: a.title.clone(),
        digest: a.digest.clone(),
        content_type: a.content_type.clone(),
        size: a.size,
        added_at: beijing_time(a.added_at),
    }
}

/// A stored file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoredFile {
    /// SM3 digest (name it in materials and photos).
    pub digest: String,
    pub size: usize,
    pub content_type: String,
}

/// Where an upload was made (optional, from the device).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// Longitude where the file was taken.
    pub lon: Option<f64>,
    /// Latitude where the file was taken.
    pub lat: Option<f64>,
}

/// Store an uploaded file (photo, audio, video, document) by its SM3 digest, streamed into
/// the file store (`xiezhi_store::files`): the digest is computed as the bytes arrive, the
/// size limit and the allowed types (the settings) are enforced as they come, and a refused
/// upload leaves nothing. Only then does a short write record digest, size and type. Anyone who may register or handle a lead may upload; the file is only reachable
/// through what references it. Who, when and where are recorded.
pub async fn upload(
    s: &AppState,
    ctx: &Ctx,
    body: axum::body::Body,
    q: &UploadQuery,
) -> Result<StoredFile, AppError> {
    use futures_util::StreamExt;
    if !ctx.can(Action::SubmitLead, &Target::org(ctx.actor.org_path.clone())) {
        ctx.authorize(
            Action::HandleLead,
            &Target::in_name_of(ctx.actor.org_path.clone()),
        )?;
    }
    let point = match (q.lon, q.lat) {
        (Some(lon), Some(lat))
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
        {
            Some((lon, lat))
        }
        (None, None) => None,
        _ => {
            return Err(AppError::invalid(
                "lat",
                "经度、纬度须同时给出且在有效范围内",
            ));
        }
    };
    let limit = s.evidence.max_bytes as u64;
    let too_big = || {
        AppError::invalid(
            "file",
            format!("文件不能超过 {} MB", limit.div_ceil(1024 * 1024)),
        )
    };
    // The bytes stream into the file store, hashed and checked as they come; nothing holds
    // the record's lock until the file is there.
    let mut upload = s.store.files().upload().await?;
    let mut stream = body.into_data_stream();
    let refused_type = |head: &[u8]| {
        let t = st::sniff(head);
        (!s.evidence.types.iter().any(|a| a == t)).then(|| {
            AppError::invalid(
                "file",
                format!("不接受此类文件（允许：{}）", s.evidence.types.join("、")),
            )
        })
    };
    let mut typed = false;
    let refused = loop {
        let Some(chunk) = stream.next().await else {
            break None;
        };
        let Ok(chunk) = chunk else {
            break Some(AppError::invalid("file", "上传中断，未保存任何内容"));
        };
        if upload.size() + chunk.len() as u64 > limit {
            break Some(too_big());
        }
        if let Err(e) = upload.write(&chunk).await {
            break Some(e.into());
        }
        // The type is read from the first 64 bytes, however the network split them.
        if !typed && upload.head().len() >= 64 {
            typed = true;
            if let Some(e) = refused_type(upload.head()) {
                break Some(e);
            }
        }
    };
    let refused = refused.or_else(|| {
        (!typed && upload.size() > 0)
            .then(|| refused_type(upload.head()))
            .flatten()
    });
    if let Some(e) = refused {
        upload.abort().await;
        return Err(e);
    }
    if upload.size() == 0 {
        upload.abort().await;
        return Err(AppError::invalid("file", "文件为空"));
    }
    let content_type = st::sniff(upload.head()).to_owned();
    let file = upload.finish().await?;
    let size = usize::try_from(file.size).unwrap_or(usize::MAX);
    let mut w = ctx.writer(s).await?;
    let digest = st::store_uploaded(&mut w, &file, &content_type).await?;
    w.record(
        "blob",
        &digest,
        EventKind::BlobUploaded,
        &xiezhi_domain::payload::BlobUploaded {
            size,
            content_type: content_type.clone(),
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
        },
    );
    w.commit().await?;
    Ok(StoredFile {
        digest,
        size,
        content_type,
    })
}

/// Refuse (403) naming stored files the caller could not read in something they write
/// (附件引用): each must have been uploaded by their org, or be readable to them already
/// through a subject that references it. A digest learnt elsewhere then opens nothing: what
/// references a file was written by someone who could read it.
pub(crate) async fn may_name<'a>(
    s: &AppState,
    ctx: &Ctx,
    digests: impl IntoIterator<Item = &'a str>,
) -> Result<(), AppError> {
    for digest in digests {
        let uploads = s
            .store
            .events_about(
                &[Subjects::of("blob", [digest])],
                &[EventKind::BlobUploaded],
            )
            .await?;
        let ours = uploads.iter().any(|e| e.org == Some(ctx.actor.org_id));
        // A file nobody uploaded nor references protects nothing (and the store says when
        // it does not exist).
        let refs = s.store.attachments_with(digest).await?;
        let unknown = uploads.is_empty() && refs.is_empty();
        if !ours && !unknown && !readable(s, ctx, &refs).await? {
            return Err(AppError::not_party(
                "attachment.not_readable",
                "不能引用本单位未上传、也无权查看的附件",
            ));
        }
    }
    Ok(())
}

/// Whether the caller may see one of the subjects that reference a file (`refs`).
async fn readable(s: &AppState, ctx: &Ctx, refs: &[attachment::Model]) -> Result<bool, AppError> {
    for a in refs {
        let ok = match a.subject_type.as_str() {
            "lead" => super::leads::get(s, ctx, a.subject_id).await.is_ok(),
            "transfer" => super::transfers::get_transfer(s, ctx, a.subject_id)
                .await
                .is_ok(),
            "case" => super::cases::get(s, ctx, a.subject_id).await.is_ok(),
            "instruction" => super::instructions::get(s, ctx, a.subject_id).await.is_ok(),
            "operation_report" => match s.store.operation_report(a.subject_id).await {
                Ok(r) => super::operations::get(s, ctx, r.operation_id).await.is_ok(),
                Err(_) => false,
            },
            _ => false,
        };
        if ok {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Download a stored file: allowed when the caller may see a subject that references it
/// (and only those who could read a file may name it, [`may_name`]).
pub async fn download(
    s: &AppState,
    ctx: &Ctx,
    digest: &str,
) -> Result<xiezhi_store::transfers::FileRead, AppError> {
    let refs = s.store.attachments_with(digest).await?;
    if refs.is_empty() {
        return Err(AppError::NotFound("附件"));
    }
    if !readable(s, ctx, &refs).await? {
        return Err(AppError::Forbidden(Refusal::OutOfScope));
    }
    Ok(s.store.file(digest).await?)
}
