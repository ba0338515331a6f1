//! The event record (全过程记录). Every change goes through a [`Writer`]: it opens the
//! transaction, takes the chain lock first (so the chain stays linear under concurrent
//! writers on both engines), lets the caller change rows, and on [`Writer::commit`] appends
//! the caller's events to the SM3 hash chain in the same transaction. The record's API has
//! append (through `Writer`, each event with its kind and typed payload,
//! `xiezhi_domain::payload`) and read ([`RecordedEvent`]s, through the functions here: the
//! `events` entity is private to this module); nothing updates or deletes an event.

use crate::entities::{chain_head, event};
use crate::live::{CHANNEL, Live, Notice};
use crate::{Engine, Store, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
};
pub use xiezhi_domain::event::RecordedEvent;
use xiezhi_domain::event::{canonical_json, truncate_to_micros};
use xiezhi_domain::{ChainLink, EventBody, GENESIS_HASH};
use xiezhi_domain::{EventKind, Payload};

/// Who is writing, when, and under which request: stamped on every event of a write.
#[derive(Debug, Clone)]
pub struct RecordContext {
    /// `person:ID`, `token:ID` or `system`.
    pub actor: String,
    /// The actor's org.
    pub org: Option<i64>,
    /// The request id (HTTP) or run id (CLI).
    pub request_id: String,
    /// Now. Time is an argument.
    pub at: DateTime<Utc>,
}

impl RecordContext {
    /// A context for the platform itself.
    pub fn system(request_id: impl Into<String>, at: DateTime<Utc>) -> Self {
        RecordContext {
            actor: "system".into(),
            org: None,
            request_id: request_id.into(),
            at,
        }
    }
}

/// An event about to be appended.
#[derive(Debug, Clone)]
struct PendingEvent {
    /// When it happened, when not now (a generated or imported history).
    at: Option<DateTime<Utc>>,
    subject_type: String,
    subject_id: String,
    kind: String,
    payload: serde_json::Value,
}

/// One write: a transaction holding the chain lock, and the events it will append.
/// Dropping it without [`Writer::commit`] rolls everything back.
pub struct Writer {
    txn: DatabaseTransaction,
    ctx: RecordContext,
    events: Vec<PendingEvent>,
    /// A payload was recorded under a kind it does not name: the commit fails.
    mismatch: bool,
    notices: Vec<Notice>,
    live: Live,
    engine: Engine,
}

impl Store {
    /// Begin a write. The first statement takes the chain lock (a row lock on PostgreSQL,
    /// the write lock on SQLite), so concurrent writers queue here rather than fail later.
    pub async fn begin_write(&self, ctx: RecordContext) -> Result<Writer, StoreError> {
        let txn = self.db().begin().await?;
        let backend = txn.get_database_backend();
        txn.execute_raw(Statement::from_string(
            backend,
            "UPDATE chain_head SET seq = seq WHERE id = 1",
        ))
        .await?;
        Ok(Writer {
            txn,
            ctx: RecordContext {
                at: truncate_to_micros(ctx.at),
                ..ctx
            },
            events: Vec::new(),
            mismatch: false,
            notices: Vec::new(),
            live: self.live.clone(),
            engine: self.engine(),
        })
    }
}

impl Writer {
    /// The transaction, for the row changes of this write.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The context (actor, time, request id).
    pub fn ctx(&self) -> &RecordContext {
        &self.ctx
    }

    /// Now, as this write sees it.
    pub fn now(&self) -> DateTime<Utc> {
        self.ctx.at
    }

    /// Record an event of this write: what happened (`kind`) to what, and what it says, typed.
    /// A payload recorded under a kind it does not name (`P::KINDS`) makes the commit fail.
    pub fn record<P: Payload>(
        &mut self,
        subject_type: &str,
        subject_id: impl ToString,
        kind: EventKind,
        payload: &P,
    ) {
        self.push(None, subject_type, subject_id.to_string(), kind, payload);
    }

    /// Record an event that happened at `at` rather than now: for a history written in one
    /// go (the synthetic data of `xiezhi demo --scale`). It is appended to the chain like any
    /// other, in the order recorded.
    pub fn record_at<P: Payload>(
        &mut self,
        at: DateTime<Utc>,
        subject_type: &str,
        subject_id: impl ToString,
        kind: EventKind,
        payload: &P,
    ) {
        let at = truncate_to_micros(at);
        self.push(
            Some(at),
            subject_type,
            subject_id.to_string(),
            kind,
            payload,
        );
    }

    fn push<P: Payload>(
        &mut self,
        at: Option<DateTime<Utc>>,
        subject_type: &str,
        subject_id: String,
        kind: EventKind,
        payload: &P,
    ) {
        let payload = match serde_json::to_value(payload) {
            Ok(v) if P::KINDS.contains(&kind) => v,
            _ => {
                self.mismatch = true;
                return;
            }
        };
        self.events.push(PendingEvent {
            at,
            subject_type: subject_type.to_owned(),
            subject_id,
            kind: kind.as_str().to_owned(),
            payload,
        });
    }

    /// Announce a notice to the browsers watching, when (and only if) this write commits.
    pub fn announce(&mut self, topic: &str, id: i64, orgs: Vec<i64>, people: Vec<i64>, text: &str) {
        self.notices.push(Notice {
            topic: topic.to_owned(),
            id,
            orgs,
            people,
            text: text.to_owned(),
            at: self.ctx.at,
        });
    }

    /// Append the events to the chain and commit. A write without events is refused:
    /// nothing changes without a record. Returns the sequence numbers appended.
    pub async fn commit(self) -> Result<Vec<i64>, StoreError> {
        if self.mismatch {
            return Err(StoreError::conflict(
                "record.payload_mismatch",
                "内部错误：事件内容与种类不符，已回滚",
            ));
        }
        if self.events.is_empty() {
            return Err(StoreError::conflict(
                "record.unrecorded_write",
                "内部错误：写操作没有记录事件，已回滚",
            ));
        }
        let mut kinds: Vec<String> = self.events.iter().map(|e| e.kind.clone()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let head = chain_head::Entity::find_by_id(1)
            .one(&self.txn)
            .await?
            .ok_or(StoreError::NotFound("记录链头"))?;
        let mut seq = head.seq;
        let mut prev = head.hash;
        let mut seqs = Vec::with_capacity(self.events.len());
        let mut rows = Vec::with_capacity(self.events.len());
        for e in self.events {
            seq += 1;
            let link = ChainLink {
                body: EventBody {
                    seq,
                    at: e.at.unwrap_or(self.ctx.at),
                    actor: self.ctx.actor.clone(),
                    org: self.ctx.org,
                    subject_type: e.subject_type,
                    subject_id: e.subject_id,
                    kind: e.kind,
                    payload: canonical_json(&e.payload),
                    request_id: self.ctx.request_id.clone(),
                },
                prev_hash: prev,
            };
            let hash = link.hash();
            let b = link.body;
            rows.push(event::ActiveModel {
                seq: Set(b.seq),
                at: Set(b.at),
                actor: Set(b.actor),
                org: Set(b.org),
                subject_type: Set(b.subject_type),
                subject_id: Set(b.subject_id),
                kind: Set(b.kind),
                payload: Set(b.payload),
                request_id: Set(b.request_id),
                prev_hash: Set(link.prev_hash),
                hash: Set(hash.clone()),
            });
            seqs.push(seq);
            prev = hash;
        }
        // Keep each statement under SQLite's limit of bound variables (11 per event).
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<event::ActiveModel> = rows.by_ref().take(1000).collect();
            event::Entity::insert_many(chunk).exec(&self.txn).await?;
        }
        chain_head::Entity::update(chain_head::ActiveModel {
            id: Set(1),
            seq: Set(seq),
            hash: Set(prev),
        })
        .exec(&self.txn)
        .await?;
        let mut notices = self.notices;
        notices.push(Notice {
            topic: "record".into(),
            id: seq,
            // The acting org, so that each government's dashboards refresh on their own work
            // (none for the platform's own writes: every dashboard).
            orgs: self.ctx.org.into_iter().collect(),
            people: vec![],
            text: kinds.join(","),
            at: self.ctx.at,
        });
        if self.engine == Engine::Postgres {
            for n in &notices {
                for payload in n.payloads() {
                    self.txn
                        .execute_raw(Statement::from_sql_and_values(
                            sea_orm::DbBackend::Postgres,
                            "SELECT pg_notify($1, $2)",
                            [CHANNEL.into(), payload.into()],
                        ))
                        .await?;
                }
            }
        }
        self.txn.commit().await?;
        if self.engine == Engine::Sqlite {
            for n in notices {
                let _ = self.live.tx.send(n);
            }
        }
        Ok(seqs)
    }
}

/// The result of a sound verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Events checked.
    pub events: i64,
    /// The head hash.
    pub head_hash: String,
}

/// An event read from the record (`events` row). Only this module reads the table; the rest
/// of the platform reads events through the functions below.
fn recorded(e: event::Model) -> RecordedEvent {
    RecordedEvent {
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        org: e.org,
        subject_type: e.subject_type,
        subject_id: e.subject_id,
        kind: e.kind,
        payload: e.payload,
        request_id: e.request_id,
        prev_hash: e.prev_hash,
        hash: e.hash,
    }
}

/// Some subjects of one type, by id.
#[derive(Debug, Clone)]
pub struct Subjects {
    /// The subject type (`lead`, `case`, `clock`…).
    pub subject_type: &'static str,
    /// Their ids.
    pub ids: Vec<String>,
}

impl Subjects {
    /// Subjects of a type.
    pub fn of(subject_type: &'static str, ids: impl IntoIterator<Item = impl ToString>) -> Self {
        Subjects {
            subject_type,
            ids: ids.into_iter().map(|i| i.to_string()).collect(),
        }
    }
}

fn of_kinds(kinds: &[EventKind]) -> impl Iterator<Item = &'static str> + '_ {
    kinds.iter().map(|k| k.as_str())
}

/// Filter for reading the record.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Subject type.
    pub subject_type: Option<String>,
    /// Subject id (with subject type).
    pub subject_id: Option<String>,
    /// Actor (`person:ID`, …).
    pub actor: Option<String>,
    /// Org of the actor.
    pub orgs: Option<Vec<i64>>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
    /// Event kind.
    pub kind: Option<String>,
    /// Any of these kinds.
    pub kinds: Option<Vec<String>>,
}

impl Store {
    /// Re-compute the chain from the first event: every `seq` in order without gaps, every
    /// `prev_hash` the hash of the one before, every hash right, and the head matching.
    /// Returns the first bad sequence number.
    pub async fn verify_chain(&self) -> Result<ChainReport, StoreError> {
        const PAGE: u64 = 2000;
        let mut expected_seq = 1i64;
        let mut prev = GENESIS_HASH.to_owned();
        loop {
            let page = event::Entity::find()
                .filter(event::Column::Seq.gte(expected_seq))
                .order_by_asc(event::Column::Seq)
                .limit(PAGE)
                .all(self.db())
                .await?;
            let n = page.len() as u64;
            for e in page {
                let broken = |reason: &str| StoreError::ChainBroken {
                    seq: expected_seq,
                    reason: reason.to_owned(),
                };
                if e.seq != expected_seq {
                    return Err(broken(&format!(
                        "缺少该序号的事件（下一条为序号 {}），记录被删除或篡改",
                        e.seq
                    )));
                }
                if e.prev_hash != prev {
                    return Err(broken("前一哈希不匹配，记录被删除、插入或重排"));
                }
                let e = recorded(e);
                if e.computed_hash() != e.hash {
                    return Err(broken("哈希不匹配，事件内容被修改"));
                }
                prev = e.hash;
                expected_seq += 1;
            }
            if n < PAGE {
                break;
            }
        }
        let head = chain_head::Entity::find_by_id(1)
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound("记录链头"))?;
        let last = expected_seq - 1;
        let broken = |seq: i64, reason: String| Err(StoreError::ChainBroken { seq, reason });
        if head.seq > last {
            // The first missing event is the first after the record's end.
            return broken(
                last + 1,
                format!(
                    "链头为序号 {}，而记录止于序号 {last}：末尾事件被删除",
                    head.seq
                ),
            );
        }
        if head.seq < last {
            return broken(
                head.seq + 1,
                format!(
                    "链头为序号 {}，而记录止于序号 {last}：链头被篡改或其后的事件是伪造的",
                    head.seq
                ),
            );
        }
        if head.hash != prev {
            // Same length, different hash: the head names the last event, which is intact.
            return broken(last, "链头的哈希与最后一条事件不符：链头被篡改".to_owned());
        }
        Ok(ChainReport {
            events: last,
            head_hash: prev,
        })
    }

    /// The sequence number of the last event (0 when there is none), from the chain head.
    pub async fn head_seq(&self) -> Result<i64, StoreError> {
        Ok(chain_head::Entity::find_by_id(1)
            .one(self.db())
            .await?
            .map(|h| h.seq)
            .unwrap_or(0))
    }

    /// The hash of the event with this sequence number, if there is one (to compare with a
    /// checkpoint).
    pub async fn event_hash_at(&self, seq: i64) -> Result<Option<String>, StoreError> {
        Ok(event::Entity::find()
            .filter(event::Column::Seq.eq(seq))
            .one(self.db())
            .await?
            .map(|e| e.hash))
    }

    /// Read events matching a filter, newest first, one page at a time.
    pub async fn list_events(
        &self,
        f: &EventFilter,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<RecordedEvent>, u64), StoreError> {
        let mut q = event::Entity::find();
        if let Some(t) = &f.subject_type {
            q = q.filter(event::Column::SubjectType.eq(t.as_str()));
        }
        if let Some(id) = &f.subject_id {
            q = q.filter(event::Column::SubjectId.eq(id.as_str()));
        }
        if let Some(a) = &f.actor {
            q = q.filter(event::Column::Actor.eq(a.as_str()));
        }
        if let Some(k) = &f.kind {
            q = q.filter(event::Column::Kind.eq(k.as_str()));
        }
        if let Some(ks) = &f.kinds {
            q = q.filter(event::Column::Kind.is_in(ks.clone()));
        }
        if let Some(orgs) = &f.orgs {
            q = q.filter(event::Column::Org.is_in(orgs.clone()));
        }
        if let Some(from) = f.from {
            q = q.filter(event::Column::At.gte(from));
        }
        if let Some(to) = f.to {
            q = q.filter(event::Column::At.lt(to));
        }
        let total = q.clone().count(self.db()).await?;
        let rows = q
            .order_by_desc(event::Column::Seq)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .limit(per_page)
            .all(self.db())
            .await?;
        Ok((rows.into_iter().map(recorded).collect(), total))
    }

    /// The most recent events about one subject of some kinds, newest first.
    pub async fn recent_events(
        &self,
        subject_type: &str,
        subject_id: &str,
        kinds: &[EventKind],
        limit: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows = event::Entity::find()
            .filter(event::Column::SubjectType.eq(subject_type))
            .filter(event::Column::SubjectId.eq(subject_id))
            .filter(event::Column::Kind.is_in(of_kinds(kinds)))
            .order_by_desc(event::Column::Seq)
            .limit(limit)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(recorded).collect())
    }

    /// Every event about some subjects (of some kinds; any kind when `kinds` is empty), in
    /// record order.
    pub async fn events_about(
        &self,
        subjects: &[Subjects],
        kinds: &[EventKind],
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let mut any = Condition::any();
        for s in subjects.iter().filter(|s| !s.ids.is_empty()) {
            any = any.add(
                Condition::all()
                    .add(event::Column::SubjectType.eq(s.subject_type))
                    .add(event::Column::SubjectId.is_in(s.ids.iter().map(String::as_str))),
            );
        }
        if any.is_empty() {
            return Ok(vec![]);
        }
        let mut q = event::Entity::find().filter(any);
        if !kinds.is_empty() {
            q = q.filter(event::Column::Kind.is_in(of_kinds(kinds)));
        }
        let rows = q.order_by_asc(event::Column::Seq).all(self.db()).await?;
        Ok(rows.into_iter().map(recorded).collect())
    }

    /// Every event of some kinds at or after `from` and before `to`, in record order.
    pub async fn events_between(
        &self,
        kinds: &[EventKind],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows = event::Entity::find()
            .filter(event::Column::At.gte(from))
            .filter(event::Column::At.lt(to))
            .filter(event::Column::Kind.is_in(of_kinds(kinds)))
            .order_by_asc(event::Column::Seq)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(recorded).collect())
    }

    /// Events of some kinds at or after `from` and before `to` about the subjects of a type
    /// whose ids (as text) `subjects` selects (a trusted SQL query of the store), in no
    /// particular order. It goes by subject: SQLite's planner would rather range over the kind
    /// and time index (every rating of the province's quarter: 0.9 s against 0.02 s), so it
    /// is told to.
    pub(crate) async fn events_of_selected(
        &self,
        subject_type: &str,
        subjects: &str,
        kinds: &[EventKind],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let by_subject = self.sqlite_index("events_subject");
        let kinds = of_kinds(kinds)
            .map(|k| format!("'{k}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = event::Entity::find()
            .from_raw_sql(Statement::from_sql_and_values(
                self.db().get_database_backend(),
                format!(
                    "SELECT * FROM events{by_subject} WHERE subject_type = '{subject_type}' \
                     AND subject_id IN ({subjects}) AND kind IN ({kinds}) \
                     AND at >= $1 AND at < $2"
                ),
                [from.into(), to.into()],
            ))
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(recorded).collect())
    }
}
