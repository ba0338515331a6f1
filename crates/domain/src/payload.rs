//! What each event says (事件内容), typed: one payload type per kind of event, each with its
//! version. The catalogue of kinds and payloads is a public contract (`docs/record.md`,
//! generated from [`payload_of`] and [`parts`] and checked by a test): webhooks and
//! disclosure publish it.
//!
//! Versioning: every payload here is version 1. A payload without a `"v"` field is version 1.
//! A change that an old reader could misread (a field removed, renamed or given another
//! meaning or form) makes a new version of the type, whose payload carries `"v": 2`; adding a
//! field that may be absent is not such a change. Version-1 payloads never carry `v`.
//!
//! The JSON is what the structs serialize to; the record stores it canonically (keys sorted).
//! A field marked "may be absent" is left out when it has nothing to say; `null` is written
//! only where the type says "or null".

use crate::EventKind;
use crate::{case, rules};
use serde::{Deserialize, Deserializer, Serialize};

/// What an event says, typed: each payload names the kinds it is recorded under and its
/// version. `Writer::record` refuses (at commit) a payload under a kind it does not name.
/// Sealed: the payloads are the types of this module, so the catalogue is all there is.
pub trait Payload: Serialize + sealed::Sealed {
    /// The kinds this payload is recorded under.
    const KINDS: &'static [EventKind];
    /// The version of its shape (see the module documentation).
    const VERSION: u32;
}

mod sealed {
    /// Only this module's types are payloads.
    pub trait Sealed {}
}

/// One field of a payload, for the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDoc {
    /// The JSON key.
    pub name: &'static str,
    /// The Rust type, as written.
    pub ty: &'static str,
    /// What it means.
    pub doc: String,
    /// Left out of the JSON when it has nothing to say.
    pub optional: bool,
}

impl FieldDoc {
    /// The field's JSON type as a reader of the catalogue reads it (`integer or null; may be
    /// absent`, `array of string`, `` `CaseDecision` ``…).
    pub fn json_type(&self) -> String {
        let ty: String = self.ty.chars().filter(|c| !c.is_whitespace()).collect();
        let (inner, absent) = match (self.optional, unwrap_generic(&ty, "Option")) {
            (true, Some(inner)) => (inner, "; may be absent"),
            _ => (ty.as_str(), ""),
        };
        format!("{}{absent}", json_type(inner))
    }
}

/// `T` of `Name<T>`.
fn unwrap_generic<'a>(ty: &'a str, name: &str) -> Option<&'a str> {
    ty.strip_prefix(name)?.strip_prefix('<')?.strip_suffix('>')
}

fn json_type(ty: &str) -> String {
    if let Some(inner) = unwrap_generic(ty, "Option") {
        return format!("{} or null", json_type(inner));
    }
    if let Some(inner) = unwrap_generic(ty, "Vec") {
        return format!("array of {}", json_type(inner));
    }
    match ty {
        "i32" | "i64" | "u32" | "u64" | "usize" => "integer".into(),
        "f64" => "number".into(),
        "bool" => "boolean".into(),
        "String" => "string".into(),
        other => format!("`{other}`"),
    }
}

/// A type of the catalogue: its name, what it is and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDoc {
    /// The Rust type name.
    pub name: &'static str,
    /// What it is.
    pub doc: String,
    /// Its fields, in declaration order.
    pub fields: Vec<FieldDoc>,
}

/// The payload of a kind, for the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadDoc {
    /// The type.
    pub ty: TypeDoc,
    /// Its version.
    pub version: u32,
    /// Every kind it is recorded under.
    pub kinds: &'static [EventKind],
}

/// Doc-comment lines as one paragraph.
fn paragraph(lines: &[&str]) -> String {
    lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
}

/// Deserialize a field that may be absent, `null` or a value into `None`, `Some(None)` or
/// `Some(Some(value))`: the three differ in the record.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A struct of the catalogue and its [`TypeDoc`].
macro_rules! typed {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                $(#[serde $sattr:tt])*
                $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $(
                $(#[doc = $fdoc])*
                $(#[serde $sattr])*
                pub $field: $ty,
            )*
        }

        impl $name {
            /// This type in the catalogue.
            pub fn type_doc() -> TypeDoc {
                TypeDoc {
                    name: stringify!($name),
                    doc: paragraph(&[$($doc),*]),
                    fields: vec![$(FieldDoc {
                        name: stringify!($field),
                        ty: stringify!($ty),
                        doc: paragraph(&[$($fdoc),*]),
                        optional: stringify!($($sattr)*).contains("skip_serializing_if"),
                    }),*],
                }
            }
        }
    };
}

/// The payload types, each with its version and kinds, and [`payload_of`]: an exhaustive
/// match, so a kind without a payload type does not compile, and a kind given two is an
/// unreachable pattern (refused by clippy's `-D warnings`).
macro_rules! payloads {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident (version $version:literal) for $($kind:ident)|+ { $($body:tt)* }
    )*) => {
        $(
            typed! { $(#[doc = $doc])* $name { $($body)* } }

            impl sealed::Sealed for $name {}

            impl Payload for $name {
                const KINDS: &'static [EventKind] = &[$(EventKind::$kind),+];
                const VERSION: u32 = $version;
            }
        )*

        /// The payload type of a kind: its name, version, fields and every kind it serves.
        pub fn payload_of(kind: EventKind) -> PayloadDoc {
            match kind {
                $(
                    $(EventKind::$kind)|+ => PayloadDoc {
                        ty: $name::type_doc(),
                        version: <$name as Payload>::VERSION,
                        kinds: <$name as Payload>::KINDS,
                    },
                )*
            }
        }
    };
}

/// The parts payloads are made of (not recorded alone), and [`parts`].
macro_rules! parts {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident { $($body:tt)* }
    )*) => {
        $( typed! { $(#[doc = $doc])* $name { $($body)* } } )*

        /// The parts of payloads, for the catalogue.
        pub fn parts() -> Vec<TypeDoc> {
            vec![$($name::type_doc()),*]
        }
    };
}

parts! {
    /// A case decision (处理决定).
    CaseDecision {
        /// `penalty` (行政处罚), `no_penalty` or `commitment` (`case::DecisionKind`).
        kind: String,
        /// For a penalty: the discretion tier, amount (yuan), reason and whether the amount
        /// lies outside the tier's range.
        discretion: Option<case::Discretion>,
    }

    /// A member org of a meeting (成员单位).
    MeetingMember {
        /// The org.
        org_id: i64,
        /// Its leader attending (person id).
        leader: i64,
        /// Its liaison (person id).
        liaison: i64,
    }

    /// What signing minutes started besides the action items.
    MeetingSigned {
        /// For a regular meeting: when the next is due (RFC 3339), or null when the calendar
        /// of that year is not loaded yet.
        #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
        next_regular_due: Option<Option<String>>,
        /// Why the next regular meeting has no due time yet.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    }

    /// A unit of an operation and its tasks.
    OperationUnit {
        /// The org.
        org_id: i64,
        /// Its responsible person.
        responsible_person_id: i64,
        /// Its tasks.
        tasks: String,
    }

    /// An officer of an operation with the certificate that qualifies them.
    OperationOfficer {
        /// The person.
        person_id: i64,
        /// Their enforcement certificate number (执法证号).
        certificate: String,
    }

    /// A person's name and org (before or after an edit).
    PersonFields {
        /// Name.
        name: String,
        /// Org.
        org_id: i64,
    }
}

payloads! {
    /// Nothing beyond the kind, subject, actor and time (`{}`).
    NoDetails (version 1) for AuthLoginFailed | AuthLoginLocked | AuthLogout | AuthUnlocked
        | LeadSigned | OrgDeactivated | OrgReactivated | PersonDeactivated | PersonPasswordSet
        | PersonReactivated | PersonSecondFactorEnabled | PersonSecondFactorReset | TokenRevoked
        | TransferReconsiderationRequested
        | TransferRefusalAccepted {}

    /// An item assigned to a holder in a division (承接关系), a new version of the assignment.
    AssignmentMade (version 1) for AssignmentMade {
        /// The catalog item.
        item_code: String,
        /// The division (区划代码).
        division_code: String,
        /// The assignment's version.
        version: i32,
        /// The holder org.
        holder_org_id: i64,
        /// How it holds it (`catalog::AssignmentMode`).
        mode: String,
        /// The responsible org.
        responsible_org_id: i64,
        /// The supervising org.
        supervising_org_id: i64,
        /// The letter (文号) granting it.
        letter_number: String,
        /// In force from (YYYY-MM-DD).
        effective_from: String,
    }

    /// An assistance request sent (协助请求).
    AssistanceSent (version 1) for AssistanceSent {
        /// The requesting org.
        from_org_id: i64,
        /// The org asked.
        to_org_id: i64,
        /// The case it serves.
        case_id: Option<i64>,
        /// What is asked (`assistance::AssistanceKind`).
        kind: String,
        /// Urgent (紧急协助).
        urgent: bool,
        /// The request.
        text: String,
    }

    /// A step of an assistance request by one of its two orgs, with what it said.
    AssistanceStep (version 1) for AssistanceAnswered | AssistanceExtended | AssistanceRefused
        | AssistanceSupplementRequested | AssistanceSupplemented | AssistanceWithdrawn {
        /// The org acting.
        by_org_id: i64,
        /// The answer, reasons, material asked or supplied.
        text: String,
    }

    /// Officers of the org asked arrived on site (urgent request).
    AssistanceOnSite (version 1) for AssistanceOnSite {
        /// The org asked.
        by_org_id: i64,
    }

    /// The requester's rating of an assistance answer.
    AssistanceRated (version 1) for AssistanceRated {
        /// `satisfied`, `basic` or `unsatisfied`.
        satisfaction: String,
        /// The org rated (the one asked).
        to_org_id: i64,
    }

    /// A material attached to the subject (附件).
    AttachmentAdded (version 1) for AttachmentAdded {
        /// The attachment.
        attachment_id: i64,
        /// Its kind (`transfer::MaterialKind`).
        kind: String,
        /// Its title.
        title: String,
        /// The SM3 digest of the stored file, if it is one.
        digest: Option<String>,
    }

    /// A person signed in.
    LoginSucceeded (version 1) for AuthLoginSucceeded {
        /// The person.
        person_id: i64,
    }

    /// A file stored for the first time (content-addressed by its SM3 digest, the subject).
    BlobStored (version 1) for BlobStored {
        /// Bytes.
        size: usize,
    }

    /// A file uploaded from a browser or device.
    BlobUploaded (version 1) for BlobUploaded {
        /// Bytes.
        size: usize,
        /// Its content type.
        content_type: String,
        /// Where it was taken (longitude), when the photo says.
        lon: Option<f64>,
        /// Where it was taken (latitude), when the photo says.
        lat: Option<f64>,
    }

    /// A division's boundary loaded (区划边界).
    BoundaryLoaded (version 1) for BoundaryLoaded {
        /// The division's name.
        name: String,
        /// Its polygons.
        polygons: usize,
    }

    /// A year's holiday arrangements loaded (放假安排).
    CalendarYearLoaded (version 1) for CalendarYearLoaded {
        /// The year.
        year: i32,
        /// The notice it came from.
        source: String,
        /// Days listed.
        lines: usize,
        /// The text loaded.
        text: String,
        /// Days whose working status changed.
        changes: usize,
        /// It corrected a year loaded before.
        replaced: bool,
    }

    /// A step of a case's lifecycle (案件办理环节).
    CaseStep (version 1) for CaseArchived | CaseClosed | CaseDecided | CaseExecutionStarted
        | CaseInvestigationStarted | CaseLegalReviewFailed | CaseLegalReviewPassed | CaseReturned
        | CaseSentToLegalReview | CaseServed | CaseSubmittedForReview | CaseTerminated {
        /// The stage before (`case::CaseStage`).
        from: String,
        /// The stage after.
        to: String,
        /// The person acting, if known.
        by: Option<i64>,
        /// The decision, on `case.decided`.
        #[serde(skip_serializing_if = "Option::is_none")]
        decision: Option<CaseDecision>,
        /// Why, on a return, a failed legal review or a termination.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// The org whose case was reviewed, on legal reviews (absent in reviews recorded
        /// before the assessment tallies).
        #[serde(skip_serializing_if = "Option::is_none")]
        org_id: Option<i64>,
    }

    /// A penalty decision copied to the permit department (抄告审批部门). `case.penalty_copy_to_permit`
    /// is not recorded by this version.
    CopiedToPermit (version 1) for CaseCopiedToPermit | CasePenaltyCopyToPermit {
        /// The permit department.
        permit_org_id: i64,
    }

    /// A case file exported (卷宗导出).
    CaseExported (version 1) for CaseExported {
        /// SM3 of the archive's `manifest.json`.
        manifest_sm3: String,
        /// Files in the archive.
        files: usize,
        /// Events in the archive.
        events: usize,
        /// When the manifest was generated (RFC 3339, seconds).
        at: String,
    }

    /// The security log exported (安全日志导出): the filter and how many rows left.
    SecurityLogExported (version 1) for SecurityLogExported {
        /// From this day (Beijing, inclusive), if given.
        from: Option<String>,
        /// To this day (Beijing, inclusive), if given.
        to: Option<String>,
        /// Rows exported.
        rows: usize,
    }

    /// A case filed (立案) on a lead.
    CaseFiled (version 1) for CaseFiled {
        /// The case number (案号).
        number: String,
        /// The lead.
        lead_id: i64,
        /// The org holding the case.
        holder_org_id: i64,
        /// The case title.
        title: String,
        /// The catalog item.
        item_code: Option<String>,
    }

    /// A case flagged major (重大) or suspected crime (涉嫌犯罪) by hand.
    CaseFlagged (version 1) for CaseFlagged {
        /// Major, afterwards.
        major: bool,
        /// Suspected crime, afterwards.
        suspected_crime: bool,
    }

    /// A handler added to a case (承办人).
    CaseHandlerAdded (version 1) for CaseHandlerAdded {
        /// The person.
        person_id: i64,
    }

    /// A party registered (当事人); the record keeps the SM3 of the ID number, not the number.
    CasePartyAdded (version 1) for CasePartyAdded {
        /// The party row.
        party_id: i64,
        /// `person` or `organisation`.
        kind: String,
        /// SM3 of the ID number or credit code.
        code_sm3: String,
    }

    /// An import of the catalog's items or assignments.
    ImportSummary (version 1) for CatalogAssignmentsImported | CatalogItemsImported {
        /// Rows new.
        created: usize,
        /// Rows that made a new version.
        versioned: usize,
        /// Rows identical to what is in force.
        unchanged: usize,
    }

    /// A version of a catalog item (执法事项), new or revised.
    CatalogItemVersion (version 1) for CatalogItemCreated | CatalogItemVersioned {
        /// The item's version (1 when created).
        version: i32,
        /// Name.
        name: String,
        /// Enforcement domain (执法领域).
        domain: String,
        /// Kind of power (职权类型).
        kind: String,
        /// The law.
        law: String,
        /// The article.
        article: String,
        /// In force from (YYYY-MM-DD).
        effective_from: String,
    }

    /// The lists (清单) an item belongs to, changed.
    CatalogItemSets (version 1) for CatalogItemSetsChanged {
        /// Before, sorted.
        before: Vec<String>,
        /// After, sorted.
        after: Vec<String>,
    }

    /// A clock started (开始计时) under a rule.
    ClockStarted (version 1) for ClockStarted {
        /// What it times.
        subject_type: String,
        /// Which one.
        subject_id: String,
        /// The rule.
        rule_id: String,
        /// The rule profile.
        profile: String,
        /// The profile's version.
        profile_version: i64,
        /// The limit, as people read it (`3个工作日`).
        duration: String,
        /// The clause it comes from.
        source: String,
        /// The org on the clock.
        holder_org_id: i64,
        /// The person on the clock, when one.
        holder_person_id: Option<i64>,
        /// Started (RFC 3339).
        started_at: String,
        /// Due (RFC 3339).
        due_at: String,
    }

    /// A change of a clock (时限), with its state and due time afterwards.
    ClockStep (version 1) for ClockBreached | ClockCancelled | ClockExtended | ClockPaused
        | ClockRecomputed | ClockResumed | ClockSatisfied | ClockWarned {
        /// `running`, `paused`, `satisfied`, `breached`, `cancelled` (`clock::ClockState`).
        state: String,
        /// Due (RFC 3339).
        due_at: String,
        /// Why: a pause, a cancellation, an extension or a recomputation.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Who approved an extension.
        #[serde(skip_serializing_if = "Option::is_none")]
        approver: Option<String>,
        /// On a breach: who is told (`coordination_office`, `superior`, `leader`).
        #[serde(skip_serializing_if = "Option::is_none")]
        escalate_to: Option<rules::EscalateTo>,
        /// On a recomputation: the due time before (RFC 3339).
        #[serde(skip_serializing_if = "Option::is_none")]
        old_due: Option<String>,
    }

    /// The demo data loaded.
    DemoLoaded (version 1) for DemoLoaded {
        /// Demo accounts made.
        people: usize,
    }

    /// A dispute about who handles a lead (管辖争议) opened: on a refused transfer, on buck
    /// passing (推诿) or by an org.
    DisputeOpened (version 1) for DisputeOpened {
        /// The lead.
        lead_id: i64,
        /// The refused transfer it arose from.
        #[serde(skip_serializing_if = "Option::is_none")]
        transfer_id: Option<i64>,
        /// `rejected`, `conflict` or `buck_passing` (`transfer::DisputeKind`).
        kind: String,
        /// The first org.
        org_a_id: i64,
        /// The other org (none for buck passing).
        #[serde(skip_serializing_if = "Option::is_none")]
        org_b_id: Option<i64>,
        /// Why.
        reason: String,
    }

    /// A negotiation record of a dispute (协商记录).
    DisputeNoted (version 1) for DisputeNoted {
        /// The note.
        note_id: i64,
        /// Its kind (`transfer::DisputeNoteKind`).
        kind: String,
        /// The org noting.
        org_id: i64,
        /// What.
        text: String,
    }

    /// A dispute escalated for designation (上报指定管辖).
    DisputeEscalated (version 1) for DisputeEscalated {
        /// By the platform (too many bounces), not by an org.
        automatic: bool,
        /// Returns and re-routes so far.
        bounces: i32,
        /// The coordination office (or common superior) asked.
        office_org_id: i64,
    }

    /// A dispute ended: jurisdiction designated (指定管辖) or settled by negotiation.
    DisputeDecided (version 1) for DisputeDesignated | DisputeSettled {
        /// The org that handles the lead.
        org_id: Option<i64>,
        /// The decision.
        decision: String,
    }

    /// A document issued for a case (文书).
    DocumentIssued (version 1) for DocumentIssued {
        /// The document.
        document_id: i64,
        /// Its kind (`document::DocumentKind`).
        kind: String,
        /// Its number (文号).
        number: String,
        /// SM3 of its HTML as issued.
        sm3: String,
    }

    /// A government's template for a document kind saved.
    DocumentTemplateSaved (version 1) for DocumentTemplateSaved {
        /// The government.
        org_id: i64,
        /// The document kind.
        kind: String,
        /// SM3 of the template body.
        body_sm3: String,
        /// The number pattern (文号格式).
        number_pattern: String,
    }

    /// An instruction sent (指令).
    InstructionSent (version 1) for InstructionSent {
        /// The sending org.
        from_org_id: i64,
        /// SM3 of the text.
        body_sm3: String,
        /// Due (RFC 3339), when given.
        due_at: Option<String>,
        /// Orgs addressed.
        to_orgs: Vec<i64>,
        /// People addressed.
        to_people: Vec<i64>,
    }

    /// A receipt of an instruction acknowledged (签收) or completed (反馈).
    InstructionAnswered (version 1) for InstructionAcknowledged | InstructionCompleted {
        /// The receipt.
        receipt_id: i64,
        /// The org addressed.
        org_id: i64,
        /// The person addressed, when one.
        person_id: Option<i64>,
        /// The person acting.
        by: Option<i64>,
        /// The report, on completion.
        report: Option<String>,
    }

    /// A township's answer relayed to the lead it was referred from (转告举报人).
    LeadAnswerRelayed (version 1) for LeadAnswerRelayed {
        /// The township's lead.
        from_lead_id: i64,
        /// The org that answered.
        org_id: Option<i64>,
        /// What came of it (`lead::LeadOutcome`).
        outcome: Option<String>,
        /// The lead's status afterwards.
        status: String,
    }

    /// A case filed on the lead.
    LeadCaseFiled (version 1) for LeadCaseFiled {
        /// The case.
        case_id: i64,
        /// Its number (案号).
        number: String,
    }

    /// A lead answered to the reporter (答复): no violation, rectification ordered, finished.
    LeadAnswered (version 1) for LeadFinished | LeadNoViolation | LeadRectificationOrdered {
        /// The org answering.
        org_id: i64,
        /// What came of it (`lead::LeadOutcome`).
        outcome: String,
        /// The reply.
        reply: String,
    }

    /// The reporter told of the case filed on their lead (答复举报人).
    LeadReplied (version 1) for LeadReplied {
        /// The org replying.
        org_id: i64,
        /// The reply.
        reply: String,
    }

    /// The org holding first responsibility changed (首问责任单位).
    LeadHolderChanged (version 1) for LeadHolderChanged {
        /// Before.
        from_org_id: i64,
        /// After.
        to_org_id: i64,
    }

    /// The reporter's rating of the reply (评价).
    LeadRated (version 1) for LeadRated {
        /// `satisfied`, `basic`, `unsatisfied` or `not_fixed`.
        satisfaction: String,
        /// The org whose answer is rated (absent in ratings recorded before the assessment
        /// tallies).
        #[serde(skip_serializing_if = "Option::is_none")]
        org_id: Option<i64>,
    }

    /// A lead received (受理): taken in, or referred from a department to a township.
    LeadReceived (version 1) for LeadReceived {
        /// Tracking number (受理编号).
        tracking_number: String,
        /// Channel (`lead::Channel`).
        channel: String,
        /// The receiving org.
        received_org_id: i64,
        /// Where (区划代码).
        division_code: Option<String>,
        /// The catalog item.
        item_code: Option<String>,
        /// Urgent (taken in).
        #[serde(skip_serializing_if = "Option::is_none")]
        urgent: Option<bool>,
        /// The lead this one repeats, or null (taken in).
        #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
        duplicate_of: Option<Option<i64>>,
        /// A reporter left a name or phone (taken in).
        #[serde(skip_serializing_if = "Option::is_none")]
        has_reporter: Option<bool>,
        /// The department's lead it was referred from (referred).
        #[serde(skip_serializing_if = "Option::is_none")]
        referred_from: Option<i64>,
    }

    /// A department told the reporter the township is competent and passed the lead on
    /// (告知并通知乡镇).
    LeadReferred (version 1) for LeadReferred {
        /// The township.
        township_id: i64,
        /// The township's new lead.
        new_lead_id: i64,
        /// What the reporter was told.
        notice: String,
    }

    /// The reporter said "not fixed": the lead is handled again (重新办理).
    LeadReopened (version 1) for LeadReopened {
        /// The org holding it.
        holder_org_id: i64,
        /// Times reopened, this one included.
        times: i32,
    }

    /// An action item reported done (议定事项落实).
    MeetingActionDone (version 1) for MeetingActionDone {
        /// The action item.
        action_item_id: i64,
        /// The org that did it.
        owner_org_id: i64,
        /// Its report.
        report: String,
        /// The person reporting.
        by: Option<i64>,
    }

    /// An agenda item proposed by a member org (议题).
    MeetingAgendaProposed (version 1) for MeetingAgendaProposed {
        /// The agenda item.
        agenda_item_id: i64,
        /// The proposing org.
        org_id: i64,
        /// Title.
        title: String,
        /// Detail.
        detail: String,
    }

    /// A step of a meeting: agenda settled, minutes recorded or signed, cancelled.
    MeetingStep (version 1) for MeetingAgendaSettled | MeetingCancelled | MeetingMinutesRecorded
        | MeetingMinutesSigned {
        /// The status afterwards (`meeting::MeetingStatus`).
        status: String,
        /// The minutes given with the step.
        minutes: Option<String>,
        /// The person acting.
        by: Option<i64>,
        /// Action items given with the step.
        actions: usize,
        /// What signing started (`{}` otherwise).
        extra: MeetingSigned,
    }

    /// A meeting called (召集会议).
    MeetingCalled (version 1) for MeetingCalled {
        /// `regular` or `special` (`meeting::MeetingKind`).
        kind: String,
        /// Title.
        title: String,
        /// Starts (RFC 3339).
        starts_at: String,
        /// Place.
        place: String,
        /// The coordination office.
        office_org_id: i64,
        /// The convenor.
        convenor_person_id: i64,
        /// The member orgs.
        members: Vec<MeetingMember>,
    }

    /// A step of an operation (联合行动): submitted, approved, rejected, started, closed,
    /// cancelled.
    OperationStep (version 1) for OperationApproved | OperationCancelled | OperationClosed
        | OperationRejected | OperationStarted | OperationSubmitted {
        /// The status afterwards (`operation::OperationStatus`).
        status: String,
        /// The decision, reasons or closing report given.
        text: Option<String>,
        /// The person acting.
        by: Option<i64>,
    }

    /// An officer checked in on an operation (签到).
    OperationCheckedIn (version 1) for OperationCheckedIn {
        /// The officer.
        person_id: i64,
        /// Where (latitude), when given.
        lat: Option<f64>,
        /// Where (longitude), when given.
        lon: Option<f64>,
    }

    /// An operation's plan drafted (行动方案).
    OperationDrafted (version 1) for OperationDrafted {
        /// `regular`, `special` or `emergency` (`operation::OperationMode`).
        mode: String,
        /// Title.
        title: String,
        /// The enforcement domain officers must be certified for.
        domain: String,
        /// The places.
        area: Vec<String>,
        /// Starts (RFC 3339).
        starts_at: String,
        /// Ends (RFC 3339).
        ends_at: String,
        /// The leading org.
        lead_org_id: i64,
        /// The units and their tasks.
        units: Vec<OperationUnit>,
        /// The officers and their certificates.
        officers: Vec<OperationOfficer>,
    }

    /// A lead or case found during an operation linked to it.
    OperationLinked (version 1) for OperationLinked {
        /// `lead` or `case`.
        subject_type: String,
        /// Which one.
        subject_id: i64,
    }

    /// A field report (现场报告).
    OperationReported (version 1) for OperationReported {
        /// The report.
        report_id: i64,
        /// The person reporting.
        person_id: Option<i64>,
        /// Their org.
        org_id: i64,
        /// What.
        body: String,
        /// Where (latitude).
        lat: Option<f64>,
        /// Where (longitude).
        lon: Option<f64>,
        /// SM3 digests of the photos.
        photos: Vec<String>,
    }

    /// A notified unit sent officers (派员).
    OperationUnitDispatched (version 1) for OperationUnitDispatched {
        /// The notice.
        notice_id: i64,
        /// The unit.
        org_id: i64,
        /// The officers sent (person ids).
        officers: Vec<i64>,
        /// Note.
        note: String,
    }

    /// A unit outside the operation notified of a violation in its remit (互动执法).
    OperationUnitNotified (version 1) for OperationUnitNotified {
        /// The notice.
        notice_id: i64,
        /// The unit.
        org_id: i64,
        /// What.
        body: String,
    }

    /// An org's fields (机构信息): the whole org when created.
    OrgFields (version 1) for OrgCreated {
        /// Org code.
        code: String,
        /// Name.
        name: String,
        /// Kind (`org::OrgKind`).
        kind: String,
        /// Level (`org::OrgLevel`).
        level: String,
        /// Parent org.
        parent_id: Option<i64>,
        /// Division (区划代码).
        division_code: String,
        /// Active.
        active: bool,
    }

    /// An org edited: its fields before and after.
    OrgUpdated (version 1) for OrgUpdated {
        /// Before.
        before: OrgFields,
        /// After.
        after: OrgFields,
    }

    /// A rule profile (时限规则配置) selected for an org and its subtree.
    RuleProfileAssigned (version 1) for OrgRuleProfileAssigned {
        /// The profile.
        profile_id: String,
    }

    /// An enforcement certificate registered (执法证件).
    CertificateAdded (version 1) for PersonCertificateAdded {
        /// Its number.
        number: String,
        /// The enforcement domains it covers.
        domains: Vec<String>,
        /// Valid until (YYYY-MM-DD).
        valid_until: String,
    }

    /// A person created (人员).
    PersonCreated (version 1) for PersonCreated {
        /// Login.
        login: String,
        /// Name.
        name: String,
        /// Org.
        org_id: i64,
        /// Roles (`role::Role`).
        roles: Vec<String>,
    }

    /// Personal data shown to someone other than the person (查看个人信息).
    PersonalDataViewed (version 1) for PersonPersonalDataViewed {
        /// The fields shown (`phone`).
        fields: Vec<String>,
    }

    /// A person's roles changed.
    RolesChanged (version 1) for PersonRolesChanged {
        /// Before.
        before: Vec<String>,
        /// After.
        after: Vec<String>,
    }

    /// A person's training hours for a year (培训学时).
    TrainingSet (version 1) for PersonTrainingSet {
        /// The year.
        year: i32,
        /// Hours.
        hours: i32,
    }

    /// A person edited (the phone number itself is never recorded).
    PersonUpdated (version 1) for PersonUpdated {
        /// Before.
        before: PersonFields,
        /// After.
        after: PersonFields,
        /// The phone number changed.
        phone_changed: bool,
    }

    /// The snapshot of a rule clocks are started under (规则版本).
    RuleVersionRecorded (version 1) for RuleVersionRecorded {
        /// The rule profile.
        profile_id: String,
        /// Its version.
        profile_version: i64,
        /// The rule.
        rule_id: String,
        /// The rule as configured: the fields of a `[[rule]]` of `rules/*.toml`, as JSON.
        rule: rules::Rule,
    }

    /// A supervision order answered (答复督办).
    OrderAnswered (version 1) for SupervisionOrderAnswered {
        /// The answer.
        answer: String,
    }

    /// A supervision order closed with its response clock.
    OrderClosed (version 1) for SupervisionOrderClosed {
        /// The response clock.
        clock_id: i64,
        /// Its state (`satisfied` or `cancelled`).
        state: String,
    }

    /// A supervision order issued on a breached clock (督办).
    OrderIssued (version 1) for SupervisionOrderIssued {
        /// The breached clock.
        clock_id: i64,
        /// The coordination office.
        from_org_id: i64,
        /// The org supervised.
        to_org_id: i64,
        /// What the clock timed.
        subject_type: String,
        /// Which one.
        subject_id: String,
        /// Why.
        reason: String,
    }

    /// A day of synthetic history with no event of its own.
    SyntheticDay (version 1) for SyntheticDay {
        /// The day (YYYY-MM-DD).
        day: String,
    }

    /// A synthetic history begun (`xiezhi demo --scale`).
    SyntheticStarted (version 1) for SyntheticStarted {
        /// The random seed.
        seed: u64,
        /// Leads to generate.
        leads: u64,
        /// Counties.
        counties: usize,
    }

    /// An API token created (接口令牌); the token itself is never recorded.
    TokenCreated (version 1) for TokenCreated {
        /// Its org.
        org_id: i64,
        /// Its name.
        name: String,
        /// Its scopes (`policy::TokenScope`).
        scopes: Vec<String>,
    }

    /// A transfer accepted (受理移送), by the receiver or by designation.
    TransferAccepted (version 1) for TransferAccepted {
        /// The receiving org.
        #[serde(skip_serializing_if = "Option::is_none")]
        by_org_id: Option<i64>,
        /// The dispute whose designation decided it.
        #[serde(skip_serializing_if = "Option::is_none")]
        by_designation: Option<i64>,
    }

    /// A transfer approved by the head (负责人批准), or an oral one's letter completed.
    TransferApproved (version 1) for TransferApproved | TransferWrittenCompleted {
        /// The head approving.
        approved_by: Option<i64>,
    }

    /// A transfer drafted (移送).
    TransferDrafted (version 1) for TransferDrafted {
        /// The lead.
        lead_id: i64,
        /// `administrative` or `judicial` (`transfer::TransferKind`).
        kind: String,
        /// The sending org.
        from_org_id: i64,
        /// The receiving org.
        to_org_id: i64,
        /// Urgent.
        urgent: bool,
        /// The record of an oral transfer (口头移交).
        oral: Option<String>,
        /// The consultation with the public security organ before a judicial transfer.
        historical_consultation: Option<String>,
        /// The facts.
        facts: String,
    }

    /// The receiver's outcome reported back (反馈办理结果), copied to the office.
    TransferOutcome (version 1) for TransferOutcomeReported {
        /// The outcome.
        outcome: String,
        /// Copied to the coordination office (always).
        copied_to_office: bool,
    }

    /// A transfer refused by the receiver (不予受理).
    TransferRejected (version 1) for TransferRejected {
        /// The receiving org.
        by_org_id: i64,
        /// Why.
        reason: String,
    }

    /// A transfer sent, copied to the office.
    TransferSent (version 1) for TransferSent {
        /// The receiving org.
        to_org_id: i64,
        /// Copied to the coordination office (always).
        copied_to_office: bool,
    }

    /// An urgent transfer made orally (口头移交), copied to the office.
    TransferSentOrally (version 1) for TransferSentOrally {
        /// The receiving org.
        to_org_id: i64,
        /// The record of the oral transfer.
        record: Option<String>,
        /// Copied to the coordination office (always).
        copied_to_office: bool,
    }

    /// A transfer withdrawn (撤回), by the sender or by designation.
    TransferWithdrawn (version 1) for TransferWithdrawn {
        /// Why (withdrawn by the sender).
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// The dispute whose designation decided it.
        #[serde(skip_serializing_if = "Option::is_none")]
        by_designation: Option<i64>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_types_read_plainly() {
        let f = |ty, optional| {
            FieldDoc {
                name: "x",
                ty,
                doc: String::new(),
                optional,
            }
            .json_type()
        };
        assert_eq!(f("i64", false), "integer");
        assert_eq!(f("Option < i64 >", false), "integer or null");
        assert_eq!(f("Option<String>", true), "string; may be absent");
        assert_eq!(
            f("Option<Option<i64>>", true),
            "integer or null; may be absent"
        );
        assert_eq!(f("Vec<MeetingMember>", false), "array of `MeetingMember`");
        assert_eq!(f("rules::Rule", false), "`rules::Rule`");
    }
}
