//! The full-process record (全过程记录): one event per change, linked by an SM3 hash chain
//! (GB/T 32905). This module holds the canonical encoding and the hash; the store appends.

use crate::payload::Payload;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

/// The `prev_hash` of the first event: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything an event says, as stored (`payload` is canonical JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventBody {
    /// Sequence number, 1-based, without gaps.
    pub seq: i64,
    /// When it happened (microsecond precision).
    pub at: DateTime<Utc>,
    /// Who: `person:ID`, `token:ID` or `system:NAME`.
    pub actor: String,
    /// The actor's org, if any.
    pub org: Option<i64>,
    /// Type of the subject (`org`, `person`, `session`, …).
    pub subject_type: String,
    /// Id of the subject.
    pub subject_id: String,
    /// What happened (`org.created`, …).
    pub kind: String,
    /// Details as canonical JSON (object keys sorted).
    pub payload: String,
    /// Request id of the HTTP request or CLI run that made it.
    pub request_id: String,
}

/// A link of the chain: the body plus the hash of the previous link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    /// The event.
    pub body: EventBody,
    /// Hex SM3 hash of the previous event (or [`GENESIS_HASH`]).
    pub prev_hash: String,
}

/// SM3 digest (GB/T 32905) of some bytes, lower-case hex: how files and secrets are named.
pub fn sm3_hex(bytes: &[u8]) -> String {
    Sm3::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An SM3 digest computed piece by piece (for files that arrive as a stream).
#[derive(Debug, Clone, Default)]
pub struct Sm3Stream(Sm3);

impl Sm3Stream {
    /// Add bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    /// The digest, lower-case hex.
    pub fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

/// An event as the record holds it: what it says, the hash of the event before and its own.
/// What the platform reads back from the record, and a line of a case file's `events.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvent {
    /// Sequence number.
    pub seq: i64,
    /// When (RFC 3339, microseconds).
    pub at: DateTime<Utc>,
    /// Who: `person:ID`, `token:ID`, `system` or `anonymous`.
    pub actor: String,
    /// The actor's org.
    pub org: Option<i64>,
    /// Subject type.
    pub subject_type: String,
    /// Subject id.
    pub subject_id: String,
    /// Kind ([`EventKind::as_str`]).
    pub kind: String,
    /// Canonical JSON payload, as hashed: one of the types of [`crate::payload`].
    pub payload: String,
    /// Request id.
    pub request_id: String,
    /// Previous link's hash.
    pub prev_hash: String,
    /// This link's hash.
    pub hash: String,
}

impl RecordedEvent {
    /// Recompute the link hash from the fields.
    pub fn computed_hash(&self) -> String {
        ChainLink {
            body: EventBody {
                seq: self.seq,
                at: self.at,
                actor: self.actor.clone(),
                org: self.org,
                subject_type: self.subject_type.clone(),
                subject_id: self.subject_id.clone(),
                kind: self.kind.clone(),
                payload: self.payload.clone(),
                request_id: self.request_id.clone(),
            },
            prev_hash: self.prev_hash.clone(),
        }
        .hash()
    }

    /// The payload, typed: `None` when the event is not of a kind `P` is recorded under, or
    /// does not read as `P`.
    pub fn payload_as<P: Payload + DeserializeOwned>(&self) -> Option<P> {
        let kind = EventKind::parse(&self.kind)?;
        if !P::KINDS.contains(&kind) {
            return None;
        }
        serde_json::from_str(&self.payload).ok()
    }
}

/// Canonical JSON: serde_json's map is ordered by key, so `to_string` of a `Value` is canonical.
pub fn canonical_json(v: &serde_json::Value) -> String {
    v.to_string()
}

/// Truncate an instant to the microsecond precision both database engines keep.
pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    let micros = at.timestamp_micros();
    DateTime::from_timestamp_micros(micros).unwrap_or(at)
}

impl ChainLink {
    /// The SM3 hash (lower-case hex) of this link: over the previous hash and each field,
    /// every field length-prefixed (u32 big-endian) so no two events encode alike.
    pub fn hash(&self) -> String {
        let b = &self.body;
        let at = b.at.to_rfc3339_opts(SecondsFormat::Micros, true);
        let seq = b.seq.to_string();
        let org = b.org.map(|o| o.to_string()).unwrap_or_default();
        let mut h = Sm3::new();
        for field in [
            self.prev_hash.as_str(),
            &seq,
            &at,
            &b.actor,
            &org,
            &b.subject_type,
            &b.subject_id,
            &b.kind,
            &b.payload,
            &b.request_id,
        ] {
            h.update((field.len() as u32).to_be_bytes());
            h.update(field.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

crate::term_enum!(
    /// Every kind of event the record holds (事件种类), with what a person reads for it: the
    /// catalogue of the record, a public contract (`docs/record.md`). A kind is never renamed
    /// or reused; a new meaning is a new kind.
    EventKind {
        /// 指派承办人.
        AssignmentMade = "assignment.made" / "指派承办人",
        /// 答复协助请求.
        AssistanceAnswered = "assistance.answered" / "答复协助请求",
        /// 延长协助期限.
        AssistanceExtended = "assistance.extended" / "延长协助期限",
        /// 派员到场协助.
        AssistanceOnSite = "assistance.on_site" / "派员到场协助",
        /// 评价协助.
        AssistanceRated = "assistance.rated" / "评价协助",
        /// 拒绝协助.
        AssistanceRefused = "assistance.refused" / "拒绝协助",
        /// 发出协助请求.
        AssistanceSent = "assistance.sent" / "发出协助请求",
        /// 要求补充协助材料.
        AssistanceSupplementRequested = "assistance.supplement_requested" / "要求补充协助材料",
        /// 补充协助材料.
        AssistanceSupplemented = "assistance.supplemented" / "补充协助材料",
        /// 撤回协助请求.
        AssistanceWithdrawn = "assistance.withdrawn" / "撤回协助请求",
        /// 添加附件.
        AttachmentAdded = "attachment.added" / "添加附件",
        /// 登录失败.
        AuthLoginFailed = "auth.login_failed" / "登录失败",
        /// 账号锁定.
        AuthLoginLocked = "auth.login_locked" / "账号锁定",
        /// 登录.
        AuthLoginSucceeded = "auth.login_succeeded" / "登录",
        /// 退出登录.
        AuthLogout = "auth.logout" / "退出登录",
        /// 解除锁定.
        AuthUnlocked = "auth.unlocked" / "解除锁定",
        /// 保存文件.
        BlobStored = "blob.stored" / "保存文件",
        /// 上传文件.
        BlobUploaded = "blob.uploaded" / "上传文件",
        /// 导入区划边界.
        BoundaryLoaded = "boundary.loaded" / "导入区划边界",
        /// 导入年度放假安排.
        CalendarYearLoaded = "calendar.year_loaded" / "导入年度放假安排",
        /// 案件归档.
        CaseArchived = "case.archived" / "案件归档",
        /// 结案.
        CaseClosed = "case.closed" / "结案",
        /// 抄告审批部门.
        CaseCopiedToPermit = "case.copied_to_permit" / "抄告审批部门",
        /// 作出处理决定.
        CaseDecided = "case.decided" / "作出处理决定",
        /// 开始执行.
        CaseExecutionStarted = "case.execution_started" / "开始执行",
        /// 导出卷宗.
        CaseExported = "case.exported" / "导出卷宗",
        /// 立案.
        CaseFiled = "case.filed" / "立案",
        /// 标注案件性质.
        CaseFlagged = "case.flagged" / "标注案件性质",
        /// 增加承办人.
        CaseHandlerAdded = "case.handler_added" / "增加承办人",
        /// 开始调查取证.
        CaseInvestigationStarted = "case.investigation_started" / "开始调查取证",
        /// 法制审核未通过.
        CaseLegalReviewFailed = "case.legal_review_failed" / "法制审核未通过",
        /// 法制审核通过.
        CaseLegalReviewPassed = "case.legal_review_passed" / "法制审核通过",
        /// 登记当事人.
        CasePartyAdded = "case.party_added" / "登记当事人",
        /// 处罚决定抄告审批部门.
        CasePenaltyCopyToPermit = "case.penalty_copy_to_permit" / "处罚决定抄告审批部门",
        /// 退回补充.
        CaseReturned = "case.returned" / "退回补充",
        /// 提交法制审核.
        CaseSentToLegalReview = "case.sent_to_legal_review" / "提交法制审核",
        /// 送达.
        CaseServed = "case.served" / "送达",
        /// 提交审核.
        CaseSubmittedForReview = "case.submitted_for_review" / "提交审核",
        /// 终止调查.
        CaseTerminated = "case.terminated" / "终止调查",
        /// 导入承接关系.
        CatalogAssignmentsImported = "catalog.assignments_imported" / "导入承接关系",
        /// 导入执法事项.
        CatalogItemsImported = "catalog.items_imported" / "导入执法事项",
        /// 新增执法事项.
        CatalogItemCreated = "catalog_item.created" / "新增执法事项",
        /// 调整事项清单归属.
        CatalogItemSetsChanged = "catalog_item.sets_changed" / "调整事项清单归属",
        /// 修订执法事项.
        CatalogItemVersioned = "catalog_item.versioned" / "修订执法事项",
        /// 时限超时.
        ClockBreached = "clock.breached" / "时限超时",
        /// 撤销时限.
        ClockCancelled = "clock.cancelled" / "撤销时限",
        /// 批准延期.
        ClockExtended = "clock.extended" / "批准延期",
        /// 暂停计时.
        ClockPaused = "clock.paused" / "暂停计时",
        /// 期限重新计算.
        ClockRecomputed = "clock.recomputed" / "期限重新计算",
        /// 恢复计时.
        ClockResumed = "clock.resumed" / "恢复计时",
        /// 时限办结.
        ClockSatisfied = "clock.satisfied" / "时限办结",
        /// 开始计时.
        ClockStarted = "clock.started" / "开始计时",
        /// 时限预警.
        ClockWarned = "clock.warned" / "时限预警",
        /// 载入演示数据.
        DemoLoaded = "demo.loaded" / "载入演示数据",
        /// 指定管辖.
        DisputeDesignated = "dispute.designated" / "指定管辖",
        /// 上报指定管辖.
        DisputeEscalated = "dispute.escalated" / "上报指定管辖",
        /// 记录协商情况.
        DisputeNoted = "dispute.noted" / "记录协商情况",
        /// 提出管辖争议.
        DisputeOpened = "dispute.opened" / "提出管辖争议",
        /// 争议协商解决.
        DisputeSettled = "dispute.settled" / "争议协商解决",
        /// 制发文书.
        DocumentIssued = "document.issued" / "制发文书",
        /// 保存文书模板.
        DocumentTemplateSaved = "document_template.saved" / "保存文书模板",
        /// 签收指令.
        InstructionAcknowledged = "instruction.acknowledged" / "签收指令",
        /// 反馈指令办理结果.
        InstructionCompleted = "instruction.completed" / "反馈指令办理结果",
        /// 下达指令.
        InstructionSent = "instruction.sent" / "下达指令",
        /// 乡镇（街道）办理结果转告举报人.
        LeadAnswerRelayed = "lead.answer_relayed" / "乡镇（街道）办理结果转告举报人",
        /// 线索立案.
        LeadCaseFiled = "lead.case_filed" / "线索立案",
        /// 办结并答复举报人.
        LeadFinished = "lead.finished" / "办结并答复举报人",
        /// 首问责任单位变更.
        LeadHolderChanged = "lead.holder_changed" / "首问责任单位变更",
        /// 不构成违法，答复办结.
        LeadNoViolation = "lead.no_violation" / "不构成违法，答复办结",
        /// 举报人评价.
        LeadRated = "lead.rated" / "举报人评价",
        /// 受理线索.
        LeadReceived = "lead.received" / "受理线索",
        /// 告知并通知乡镇（街道）.
        LeadReferred = "lead.referred" / "告知并通知乡镇（街道）",
        /// 责令限期整改，告知举报人.
        LeadRectificationOrdered = "lead.rectification_ordered" / "责令限期整改，告知举报人",
        /// 线索重新办理.
        LeadReopened = "lead.reopened" / "线索重新办理",
        /// 答复举报人.
        LeadReplied = "lead.replied" / "答复举报人",
        /// 签收线索.
        LeadSigned = "lead.signed" / "签收线索",
        /// 反馈议定事项.
        MeetingActionDone = "meeting.action_done" / "反馈议定事项",
        /// 提出议题.
        MeetingAgendaProposed = "meeting.agenda_proposed" / "提出议题",
        /// 确定议题.
        MeetingAgendaSettled = "meeting.agenda_settled" / "确定议题",
        /// 召集会议.
        MeetingCalled = "meeting.called" / "召集会议",
        /// 取消会议.
        MeetingCancelled = "meeting.cancelled" / "取消会议",
        /// 记录会议纪要.
        MeetingMinutesRecorded = "meeting.minutes_recorded" / "记录会议纪要",
        /// 签发会议纪要.
        MeetingMinutesSigned = "meeting.minutes_signed" / "签发会议纪要",
        /// 批准行动方案.
        OperationApproved = "operation.approved" / "批准行动方案",
        /// 取消行动.
        OperationCancelled = "operation.cancelled" / "取消行动",
        /// 行动签到.
        OperationCheckedIn = "operation.checked_in" / "行动签到",
        /// 行动结束.
        OperationClosed = "operation.closed" / "行动结束",
        /// 起草行动方案.
        OperationDrafted = "operation.drafted" / "起草行动方案",
        /// 关联线索.
        OperationLinked = "operation.linked" / "关联线索",
        /// 退回行动方案.
        OperationRejected = "operation.rejected" / "退回行动方案",
        /// 现场报告.
        OperationReported = "operation.reported" / "现场报告",
        /// 行动开始.
        OperationStarted = "operation.started" / "行动开始",
        /// 提交行动方案.
        OperationSubmitted = "operation.submitted" / "提交行动方案",
        /// 参与单位派员.
        OperationUnitDispatched = "operation.unit_dispatched" / "参与单位派员",
        /// 通知参与单位.
        OperationUnitNotified = "operation.unit_notified" / "通知参与单位",
        /// 新增机构.
        OrgCreated = "org.created" / "新增机构",
        /// 停用机构.
        OrgDeactivated = "org.deactivated" / "停用机构",
        /// 恢复机构.
        OrgReactivated = "org.reactivated" / "恢复机构",
        /// 选用时限规则配置.
        OrgRuleProfileAssigned = "org.rule_profile_assigned" / "选用时限规则配置",
        /// 修改机构信息.
        OrgUpdated = "org.updated" / "修改机构信息",
        /// 登记执法证件.
        PersonCertificateAdded = "person.certificate_added" / "登记执法证件",
        /// 新增人员.
        PersonCreated = "person.created" / "新增人员",
        /// 停用人员.
        PersonDeactivated = "person.deactivated" / "停用人员",
        /// 设置密码.
        PersonPasswordSet = "person.password_set" / "设置密码",
        /// 查看个人信息.
        PersonPersonalDataViewed = "person.personal_data_viewed" / "查看个人信息",
        /// 恢复人员.
        PersonReactivated = "person.reactivated" / "恢复人员",
        /// 调整角色.
        PersonRolesChanged = "person.roles_changed" / "调整角色",
        /// 开启两步验证.
        PersonSecondFactorEnabled = "person.second_factor_enabled" / "开启两步验证",
        /// 重置两步验证.
        PersonSecondFactorReset = "person.second_factor_reset" / "重置两步验证",
        /// 登记培训学时.
        PersonTrainingSet = "person.training_set" / "登记培训学时",
        /// 修改人员信息.
        PersonUpdated = "person.updated" / "修改人员信息",
        /// 记录规则版本.
        RuleVersionRecorded = "rule_version.recorded" / "记录规则版本",
        /// 导出安全日志.
        SecurityLogExported = "security_log.exported" / "导出安全日志",
        /// 答复督办.
        SupervisionOrderAnswered = "supervision_order.answered" / "答复督办",
        /// 督办办结.
        SupervisionOrderClosed = "supervision_order.closed" / "督办办结",
        /// 发出督办.
        SupervisionOrderIssued = "supervision_order.issued" / "发出督办",
        /// 生成模拟数据（一日）.
        SyntheticDay = "synthetic.day" / "生成模拟数据（一日）",
        /// 开始生成模拟数据.
        SyntheticStarted = "synthetic.started" / "开始生成模拟数据",
        /// 创建接口令牌.
        TokenCreated = "token.created" / "创建接口令牌",
        /// 吊销接口令牌.
        TokenRevoked = "token.revoked" / "吊销接口令牌",
        /// 受理移送.
        TransferAccepted = "transfer.accepted" / "受理移送",
        /// 负责人批准移送.
        TransferApproved = "transfer.approved" / "负责人批准移送",
        /// 起草移送.
        TransferDrafted = "transfer.drafted" / "起草移送",
        /// 反馈办理结果.
        TransferOutcomeReported = "transfer.outcome_reported" / "反馈办理结果",
        /// 申请复议.
        TransferReconsiderationRequested = "transfer.reconsideration_requested" / "申请复议",
        /// 接受不予受理.
        TransferRefusalAccepted = "transfer.refusal_accepted" / "接受不予受理",
        /// 不予受理移送.
        TransferRejected = "transfer.rejected" / "不予受理移送",
        /// 移送.
        TransferSent = "transfer.sent" / "移送",
        /// 口头移交.
        TransferSentOrally = "transfer.sent_orally" / "口头移交",
        /// 撤回移送.
        TransferWithdrawn = "transfer.withdrawn" / "撤回移送",
        /// 补齐书面移交手续.
        TransferWrittenCompleted = "transfer.written_completed" / "补齐书面移交手续",
    }
);

impl EventKind {
    /// The security log (安全审计日志, GB/T 22239-2019 8.1.4.3): sign-ins and their failures,
    /// accounts and their rights, API tokens, views and exports of personal data, and exports
    /// of this log.
    pub const SECURITY: &'static [EventKind] = &[
        EventKind::AuthLoginFailed,
        EventKind::AuthLoginLocked,
        EventKind::AuthLoginSucceeded,
        EventKind::AuthLogout,
        EventKind::AuthUnlocked,
        EventKind::PersonCreated,
        EventKind::PersonDeactivated,
        EventKind::PersonReactivated,
        EventKind::PersonRolesChanged,
        EventKind::PersonPasswordSet,
        EventKind::PersonSecondFactorEnabled,
        EventKind::PersonSecondFactorReset,
        EventKind::PersonPersonalDataViewed,
        EventKind::TokenCreated,
        EventKind::TokenRevoked,
        EventKind::CaseExported,
        EventKind::SecurityLogExported,
    ];
}

/// What a person reads for an event kind (`lead.received` → 受理线索); an unknown kind reads
/// 其他记录.
pub fn event_label(kind: &str) -> &'static str {
    EventKind::parse(kind).map_or("其他记录", EventKind::label)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn link(seq: i64, kind: &str) -> ChainLink {
        ChainLink {
            body: EventBody {
                seq,
                at: DateTime::parse_from_rfc3339("2026-11-23T08:00:00.123456Z")
                    .unwrap()
                    .with_timezone(&Utc),
                actor: "person:1".into(),
                org: Some(1),
                subject_type: "org".into(),
                subject_id: "7".into(),
                kind: kind.into(),
                payload: canonical_json(&serde_json::json!({"b": 1, "a": "甲"})),
                request_id: "r1".into(),
            },
            prev_hash: GENESIS_HASH.into(),
        }
    }

    #[test]
    fn sm3_matches_the_standard_test_vector() {
        // GB/T 32905 example 1: SM3("abc").
        assert_eq!(
            hex::encode(Sm3::digest(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn canonical_json_sorts_keys() {
        assert_eq!(
            canonical_json(&serde_json::json!({"b": 1, "a": 2})),
            r#"{"a":2,"b":1}"#
        );
    }

    #[test]
    fn any_change_to_any_field_changes_the_hash() {
        let base = link(1, "org.created");
        let h = base.hash();
        assert_eq!(h.len(), 64);
        assert_eq!(h, link(1, "org.created").hash());
        assert_ne!(h, link(2, "org.created").hash());
        assert_ne!(h, link(1, "org.updated").hash());
        let mut other = base.clone();
        other.prev_hash = "1".repeat(64);
        assert_ne!(h, other.hash());
        let mut other = base.clone();
        other.body.org = None;
        assert_ne!(h, other.hash());
        let mut other = base;
        other.body.payload.push(' ');
        assert_ne!(h, other.hash());
    }
}
