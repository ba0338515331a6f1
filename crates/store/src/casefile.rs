//! The case file (卷宗) export and its offline check. The archive is a zip with
//! `manifest.json`, `events.jsonl` (the case's events with their chain links: the case, its
//! lead, transfers, disputes and every clock of them), `case.json`, the documents
//! (`documents/<id>-<kind>.html` as issued and `.pdf` printed from it) and `evidence/<sm3>` files;
//! `domain::casefile::verify` checks it without a database. Making an archive is itself
//! recorded (`case.exported`, with the manifest's SM3) so it can be matched to the record.

use crate::entities::{chain_head, clock};
use crate::record::{RecordedEvent, Subjects};
use crate::{RecordContext, Store, StoreError};
use chrono::SecondsFormat;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek, Write};
use xiezhi_domain::EventKind;
use xiezhi_domain::casefile::{EventEntry, FORMAT, FileEntry, Manifest, Problem};
use xiezhi_domain::payload;
use xiezhi_domain::sm3_hex;

fn zip_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::conflict("casefile.archive", format!("卷宗归档文件错误：{e}"))
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The manifest.
    pub manifest: Manifest,
    /// SM3 of `manifest.json`.
    pub manifest_sm3: String,
}

impl Store {
    /// Every event about a case: the case, its lead (with transfers, disputes) and the clocks
    /// of all of them, in record order.
    pub async fn case_events(&self, case_id: i64) -> Result<Vec<RecordedEvent>, StoreError> {
        let c = self.case(case_id).await?;
        let mut seen = BTreeSet::new();
        let mut out = vec![];
        let mut add = |rows: Vec<RecordedEvent>| {
            for e in rows {
                if seen.insert(e.seq) {
                    out.push(e);
                }
            }
        };
        if let Some(lead) = c.lead_id {
            add(self.lead_timeline(lead).await?);
        }
        let clock_ids: Vec<i64> = clock::Entity::find()
            .filter(clock::Column::SubjectType.eq("case"))
            .filter(clock::Column::SubjectId.eq(case_id.to_string()))
            .all(self.db())
            .await?
            .iter()
            .map(|c| c.id)
            .collect();
        add(self
            .events_about(
                &[
                    Subjects::of("case", [case_id]),
                    Subjects::of("clock", clock_ids),
                ],
                &[],
            )
            .await?);
        out.sort_by_key(|e| e.seq);
        Ok(out)
    }

    /// Write a case's archive to `out` and record the export; `printer` prints the documents.
    pub async fn export_case<W: Write + Seek>(
        &self,
        case_id: i64,
        out: W,
        ctx: RecordContext,
        printer: &xiezhi_print::Printer,
    ) -> Result<Exported, StoreError> {
        let c = self.case(case_id).await?;
        let head = chain_head::Entity::find_by_id(1)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("全过程记录"))?;
        let events = self.case_events(case_id).await?;
        let parties = self.case_parties(case_id).await?;
        // Evidence: files attached to the case, its lead and the lead's transfers.
        let mut digests: BTreeMap<String, String> = BTreeMap::new();
        for a in self.attachments_of("case", case_id).await? {
            if let Some(d) = a.digest {
                digests.entry(d).or_insert(a.title);
            }
        }
        if let Some(lead) = c.lead_id {
            for a in self.attachments_of("lead", lead).await? {
                if let Some(d) = a.digest {
                    digests.entry(d).or_insert(a.title);
                }
            }
            for t in self.transfers_of_lead(lead).await? {
                for a in self.attachments_of("transfer", t.id).await? {
                    if let Some(d) = a.digest {
                        digests.entry(d).or_insert(a.title);
                    }
                }
            }
        }
        let mut zip = zip::ZipWriter::new(out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        let mut files = vec![];
        // Photos, audio and video are compressed already: evidence is stored as is.
        let stored = opts.compression_method(zip::CompressionMethod::Stored);
        let mut put = |zip: &mut zip::ZipWriter<W>,
                       path: String,
                       title: String,
                       bytes: &[u8]|
         -> Result<(), StoreError> {
            let o = if path.starts_with("evidence/") {
                stored
            } else {
                opts
            };
            zip.start_file(path.as_str(), o).map_err(zip_err)?;
            zip.write_all(bytes).map_err(zip_err)?;
            files.push(FileEntry {
                path,
                sm3: sm3_hex(bytes),
                size: bytes.len() as u64,
                title,
            });
            Ok(())
        };
        let case_json = json!({
            "number": c.number, "title": c.title, "holder_org_id": c.holder_org_id,
            "item_code": c.item_code, "item_version": c.item_version, "division_code": c.division_code,
            "stage": c.stage, "major": c.major, "suspected_crime": c.suspected_crime,
            "decision_kind": c.decision_kind, "decision_tier": c.decision_tier,
            "decision_amount": c.decision_amount, "decision_reason": c.decision_reason,
            "filed_at": c.filed_at, "decided_at": c.decided_at, "closed_at": c.closed_at,
            "parties": parties.iter().map(|p| json!({"kind": p.kind, "name": p.name, "code": p.code})).collect::<Vec<_>>(),
        });
        let case_bytes = serde_json::to_vec_pretty(&case_json).map_err(zip_err)?;
        put(&mut zip, "case.json".into(), "案件信息".into(), &case_bytes)?;
        for d in self.documents_of_case(case_id).await? {
            put(
                &mut zip,
                format!("documents/{}-{}.html", d.id, d.kind),
                d.number.clone(),
                d.html.as_bytes(),
            )?;
            let pdf = printer
                .pdf(&d.html)
                .map_err(|e| StoreError::conflict("casefile.render", e.to_string()))?;
            put(
                &mut zip,
                format!("documents/{}-{}.pdf", d.id, d.kind),
                d.number.clone(),
                &pdf,
            )?;
        }
        for (digest, title) in &digests {
            let bytes = self.file_bytes(digest).await?;
            put(
                &mut zip,
                format!("evidence/{digest}"),
                title.clone(),
                &bytes,
            )?;
        }
        let mut lines = String::new();
        for e in &events {
            lines.push_str(&serde_json::to_string(e).map_err(zip_err)?);
            lines.push('\n');
        }
        zip.start_file("events.jsonl", opts).map_err(zip_err)?;
        zip.write_all(lines.as_bytes()).map_err(zip_err)?;
        let manifest = Manifest {
            format: FORMAT.into(),
            case_number: c.number.clone(),
            generated_at: ctx.at,
            chain_head_seq: head.seq,
            chain_head_hash: head.hash,
            files,
            events: events
                .iter()
                .map(|e| EventEntry {
                    seq: e.seq,
                    hash: e.hash.clone(),
                })
                .collect(),
        };
        let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(zip_err)?;
        zip.start_file("manifest.json", opts).map_err(zip_err)?;
        zip.write_all(&manifest_bytes).map_err(zip_err)?;
        zip.finish().map_err(zip_err)?;
        let manifest_sm3 = sm3_hex(&manifest_bytes);
        let mut w = self.begin_write(ctx).await?;
        w.record(
            "case",
            case_id,
            EventKind::CaseExported,
            &payload::CaseExported {
                manifest_sm3: manifest_sm3.clone(),
                files: manifest.files.len(),
                events: manifest.events.len(),
                at: manifest
                    .generated_at
                    .to_rfc3339_opts(SecondsFormat::Secs, true),
            },
        );
        w.commit().await?;
        Ok(Exported {
            manifest,
            manifest_sm3,
        })
    }
}

/// The result of checking an archive.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The manifest (when readable).
    pub manifest: Option<Manifest>,
    /// SM3 of `manifest.json`, to compare with the `case.exported` event.
    pub manifest_sm3: String,
    /// Every problem found.
    pub problems: Vec<Problem>,
}

/// Check an archive offline: no database.
pub fn verify_archive<R: Read + Seek>(input: R) -> Result<Checked, StoreError> {
    let mut zip = zip::ZipArchive::new(input).map_err(zip_err)?;
    let mut files = BTreeMap::new();
    let mut manifest_bytes = None;
    let mut events_text = None;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(zip_err)?;
        if f.is_dir() {
            continue;
        }
        let name = f.name().map_err(zip_err)?.into_owned();
        let mut bytes = vec![];
        f.read_to_end(&mut bytes).map_err(zip_err)?;
        match name.as_str() {
            "manifest.json" => manifest_bytes = Some(bytes),
            "events.jsonl" => events_text = Some(bytes),
            _ => {
                files.insert(name, bytes);
            }
        }
    }
    let Some(mb) = manifest_bytes else {
        return Ok(Checked {
            manifest: None,
            manifest_sm3: String::new(),
            problems: vec![Problem::Format("缺少 manifest.json".into())],
        });
    };
    let manifest_sm3 = sm3_hex(&mb);
    let manifest: Manifest = match serde_json::from_slice(&mb) {
        Ok(m) => m,
        Err(e) => {
            return Ok(Checked {
                manifest: None,
                manifest_sm3,
                problems: vec![Problem::Format(format!("manifest.json 无法解析：{e}"))],
            });
        }
    };
    let mut problems = vec![];
    let mut events = vec![];
    let text = String::from_utf8(events_text.unwrap_or_default()).unwrap_or_default();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match serde_json::from_str::<RecordedEvent>(line) {
            Ok(e) => events.push(e),
            Err(e) => problems.push(Problem::Format(format!(
                "events.jsonl 第 {} 行无法解析：{e}",
                i + 1
            ))),
        }
    }
    problems.extend(xiezhi_domain::casefile::verify(&manifest, &files, &events));
    Ok(Checked {
        manifest: Some(manifest),
        manifest_sm3,
        problems,
    })
}
