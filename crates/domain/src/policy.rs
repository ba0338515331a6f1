//! The authorisation policy (权限): the one place that decides who may do what to what.
//! Handlers never decide; they call [`authorize`].

use crate::role::Role;
use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// What an API token may be used for (接口令牌范围).
    TokenScope {
        /// Open311 GeoReport v2 requests from the public channel.
        Open311 = "open311" / "Open311 公众诉求接口",
        /// Lead intake from other systems (12345 hotline, video AI, …).
        Intake = "intake" / "线索接入",
        /// Read-only access to the org directory.
        Read = "read" / "只读查询",
    }
);

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorId {
    /// A signed-in person.
    Person(i64),
    /// Another system with an API token.
    Token(i64),
    /// The platform itself (CLI, background jobs).
    System,
}

impl ActorId {
    /// The form stored in the event record: `person:ID`, `token:ID` or `system`.
    pub fn record_name(&self) -> String {
        match self {
            ActorId::Person(id) => format!("person:{id}"),
            ActorId::Token(id) => format!("token:{id}"),
            ActorId::System => "system".to_owned(),
        }
    }
}

/// An actor with everything the policy needs to know about them.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Who.
    pub id: ActorId,
    /// Their org.
    pub org_id: i64,
    /// Materialised path of their org, e.g. `/1/4/`.
    pub org_path: String,
    /// Path of the government (county or township) their org belongs to: the widest reach
    /// any of their roles can have.
    pub government_path: String,
    /// Their roles (a token has `System`).
    pub roles: Vec<Role>,
    /// Scopes of the API token (empty for people).
    pub token_scopes: Vec<TokenScope>,
}

impl Actor {
    /// The platform itself (CLI commands and background jobs): may do everything.
    pub fn system() -> Self {
        Actor {
            id: ActorId::System,
            org_id: 0,
            org_path: "/".into(),
            government_path: "/".into(),
            roles: vec![],
            token_scopes: vec![],
        }
    }

    /// Whether the actor holds a role.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The person id, if the actor is a person.
    pub fn person_id(&self) -> Option<i64> {
        match self.id {
            ActorId::Person(id) => Some(id),
            _ => None,
        }
    }
}

/// Something an actor may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See orgs (the org tree).
    ViewOrg,
    /// Create, edit, deactivate or import orgs.
    ManageOrg,
    /// See people (masked).
    ViewPerson,
    /// Create, edit, deactivate or import people; certificates and training.
    ManagePerson,
    /// Roles, passwords and sign-in locks of an account.
    ManageAccount,
    /// Create and revoke API tokens.
    ManageToken,
    /// Read the full-process record.
    ViewEvents,
    /// See a person's personal data unmasked.
    ViewPersonalData,
    /// See clocks held by orgs (the inbox of an org, the office's clock list).
    ViewClocks,
    /// Pause, resume or satisfy a clock held by an org in reach.
    ManageClock,
    /// Approve an extension of a clock.
    ExtendClock,
    /// Cancel a clock.
    CancelClock,
    /// See the rules in force.
    ViewRules,
    /// Select rule profiles, load calendar years, recompute clocks.
    ManageRules,
    /// Browse the catalog, route items, check who may penalise.
    ViewCatalog,
    /// Import catalog items and assignments.
    ManageCatalog,
    /// Register a lead received by one's org (or, for a token, its org).
    SubmitLead,
    /// See leads held by orgs in reach (reporters masked outside the receiving org).
    ViewLead,
    /// Sign for and handle a lead held by an org in reach: verify, reply, draft or answer
    /// transfers, negotiate disputes.
    HandleLead,
    /// Approve a transfer in the org's name (the head, 负责人审批).
    ApproveTransfer,
    /// Coordinate: see all transfers and disputes, designate jurisdiction (指定管辖).
    Coordinate,
    /// See cases held by orgs in reach (parties' ID numbers masked outside the holder).
    ViewCase,
    /// Work a case held by an org in reach: parties, flags, investigation, service, closing.
    HandleCase,
    /// Pass or fail a case's legal review (法制审核).
    ReviewCase,
    /// Make a case's decision in the org's name (the head, 负责人决定).
    DecideCase,
    /// Ask whether a permit is blocked by an open penalty case (permit systems).
    CheckPermit,
    /// Send an instruction (指令) to orgs or people, and follow its receipts.
    Instruct,
    /// Acknowledge and report on an instruction addressed to oneself or one's org.
    AnswerInstruction,
    /// Draft a joint operation's plan or apply for a special one in the org's name.
    PlanOperation,
    /// Agree to a joint operation for the leading group (领导小组组长).
    ApproveOperation,
    /// See the command board beyond one's own org: joint operations and joint meetings.
    ViewCommand,
    /// Take part in a joint operation one's org is in: check in, report from the field.
    TakePart,
    /// Organise joint meetings (联席会议办公室): call, collect the agenda, record minutes.
    ConveneMeeting,
    /// Sign a meeting's minutes as its convenor (召集人签发).
    SignMinutes,
    /// See the assessment of the orgs of the government (考核评价).
    ViewAssessment,
}

impl Action {
    /// Every action.
    pub const ALL: &'static [Action] = &[
        Action::ViewOrg,
        Action::ManageOrg,
        Action::ViewPerson,
        Action::ManagePerson,
        Action::ManageAccount,
        Action::ManageToken,
        Action::ViewEvents,
        Action::ViewPersonalData,
        Action::ViewClocks,
        Action::ManageClock,
        Action::ExtendClock,
        Action::CancelClock,
        Action::ViewRules,
        Action::ManageRules,
        Action::ViewCatalog,
        Action::ManageCatalog,
        Action::SubmitLead,
        Action::ViewLead,
        Action::HandleLead,
        Action::ApproveTransfer,
        Action::Coordinate,
        Action::ViewCase,
        Action::HandleCase,
        Action::ReviewCase,
        Action::DecideCase,
        Action::CheckPermit,
        Action::Instruct,
        Action::AnswerInstruction,
        Action::PlanOperation,
        Action::ApproveOperation,
        Action::ViewCommand,
        Action::TakePart,
        Action::ConveneMeeting,
        Action::SignMinutes,
        Action::ViewAssessment,
    ];

    /// Whether the action administers an account, so no one may do it to their own.
    fn is_account_administration(self) -> bool {
        matches!(self, Action::ManagePerson | Action::ManageAccount)
    }
}

/// What the action is done to: the org that owns it (by path), the person when it is about
/// one, and how bodies and people stand to it (its [`Tie`]s).
#[derive(Debug, Clone)]
pub struct Target {
    /// Materialised path of the org that owns the subject.
    pub org_path: String,
    /// The person the action is about, if any.
    pub person: Option<i64>,
    /// Who stands in which relation to the subject: its parties, members, lead unit,
    /// addressees, convenor.
    pub ties: Vec<Tie>,
}

impl Target {
    /// A subject owned by the org with this path.
    pub fn org(path: impl Into<String>) -> Self {
        Target {
            org_path: path.into(),
            person: None,
            ties: vec![],
        }
    }
    /// A person in the org with this path.
    pub fn person(org_path: impl Into<String>, person: i64) -> Self {
        Target {
            person: Some(person),
            ..Target::org(org_path)
        }
    }
    /// A step done in the name of the body with this path (以机构名义): the body is both the
    /// owner and the one party.
    pub fn in_name_of(path: impl Into<String>) -> Self {
        let path = path.into();
        Target::org(path.clone()).tie(Relation::Party, &path)
    }
    /// A lead held by the body with this path: the holder is the owner and its [`Relation::Holder`].
    pub fn held_by(path: impl Into<String>) -> Self {
        let path = path.into();
        Target::org(path.clone()).tie(Relation::Holder, &path)
    }
    /// The subject with one more body standing in `relation` to it.
    pub fn tie(mut self, relation: Relation, org_path: &str) -> Self {
        self.ties.push(Tie {
            relation,
            who: Party::Org(org_path.to_owned()),
        });
        self
    }
    /// The subject with one more person standing in `relation` to it.
    pub fn tie_person(mut self, relation: Relation, person: i64) -> Self {
        self.ties.push(Tie {
            relation,
            who: Party::Person(person),
        });
        self
    }
}

/// How a body or a person stands to a subject (关系): the facts the policy needs besides
/// the owner's place in the org tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The body holding a lead (承办机构): anyone whose role reaches it may sign for it there
    /// (the office signs for a body of its government).
    Holder,
    /// A body a step is done in the name of (当事机构): the holder of a lead or case, a party
    /// to a transfer or dispute, a side of an assistance request, the owner of an action
    /// item, the org an operation is drafted for. People of the body or of a body above it
    /// act for it.
    Party,
    /// The office organising a joint meeting (联席会议办公室): its people, or those of a body
    /// above it, call the meeting, settle the agenda, record the minutes.
    Organiser,
    /// A member body (成员单位): of a joint meeting, a unit of or notified by a joint
    /// operation, the org that drafted it. Its own people take part.
    Member,
    /// The lead unit (牵头单位) of a joint operation, or the org that drafted it: its own
    /// people run the operation's steps.
    LeadUnit,
    /// An addressee of an instruction (受令对象): the person, or the people of the org.
    Addressee,
    /// The convenor of a joint meeting (召集人): the person.
    Convenor,
    /// An enforcement officer on a joint operation's plan (参加执法人员): the person.
    Officer,
}

/// Who stands in a relation: a body (by path) or a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    /// A body, by its materialised path.
    Org(String),
    /// A person, by id.
    Person(i64),
}

/// One relationship fact of a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    /// How they stand.
    pub relation: Relation,
    /// Who.
    pub who: Party,
}

impl Tie {
    /// Whether `actor` stands in this tie, and then the org path their role must reach: for
    /// a holder, the body itself; for a party or an organiser, the body when it is the actor's
    /// org or below it; for other bodies, the
    /// actor's own org exactly; for a person, the actor themself (at their own org).
    fn stood_by<'a>(&'a self, actor: &'a Actor) -> Option<&'a str> {
        match &self.who {
            Party::Person(p) => (actor.person_id() == Some(*p)).then_some(&actor.org_path),
            Party::Org(path) if self.relation == Relation::Holder => Some(path),
            Party::Org(path) if matches!(self.relation, Relation::Party | Relation::Organiser) => {
                path.starts_with(&actor.org_path).then_some(path)
            }
            Party::Org(path) => (*path == actor.org_path).then_some(path),
        }
    }
}

/// The relations in which an actor must stand to a subject to do the action (empty: the
/// role's reach over the owner decides alone).
fn relations(action: Action) -> &'static [Relation] {
    use Action::*;
    match action {
        HandleLead => &[Relation::Party, Relation::Holder],
        ApproveTransfer | HandleCase | ReviewCase | DecideCase => &[Relation::Party],
        ConveneMeeting => &[Relation::Organiser],
        TakePart => &[Relation::Member, Relation::Party, Relation::Officer],
        PlanOperation => &[Relation::LeadUnit, Relation::Party],
        AnswerInstruction => &[Relation::Addressee],
        SignMinutes => &[Relation::Convenor],
        _ => &[],
    }
}

/// Why an action was refused (shown to the user).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor's roles do not allow the action here.
    #[error("无权执行此操作")]
    NotPermitted,
    /// The subject is outside the actor's reach (another org or government).
    #[error("无权访问本机构范围以外的数据")]
    OutOfScope,
    /// An administrator tried to administer their own account.
    #[error("不能管理自己的账号（三员分立）")]
    OwnAccount,
}

/// How far a role's permission reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Only the actor's own org.
    Own,
    /// The actor's org and everything below it.
    Subtree,
    /// Everything in the actor's government.
    Government,
}

/// The permission table: for an action and a role, how far it reaches (None: not allowed).
fn reach(action: Action, role: Role) -> Option<Reach> {
    use Action::*;
    use Role::*;
    match (action, role) {
        (ViewOrg, System) => None, // tokens: by scope, below
        (ViewOrg, _) => Some(Reach::Government),
        (ManageOrg, SystemAdmin) => Some(Reach::Government),
        (
            ViewPerson,
            Leader | OfficeCoordinator | SystemAdmin | SecurityAdmin | AuditAdmin | Auditor,
        ) => Some(Reach::Government),
        (ViewPerson, Officer | LegalReviewer) => Some(Reach::Subtree),
        (ViewPerson, GridMember) => Some(Reach::Own),
        (ManagePerson | ViewPersonalData, SystemAdmin) => Some(Reach::Government),
        (ManageAccount | ManageToken, SecurityAdmin) => Some(Reach::Government),
        (ViewEvents, AuditAdmin | Auditor) => Some(Reach::Government),
        (ViewClocks, Leader | OfficeCoordinator | Auditor | AuditAdmin) => Some(Reach::Government),
        (ViewClocks, Officer | LegalReviewer) => Some(Reach::Subtree),
        (ViewClocks, GridMember) => Some(Reach::Own),
        (ManageClock, Leader | OfficeCoordinator) => Some(Reach::Government),
        (ManageClock, Officer) => Some(Reach::Subtree),
        (ExtendClock, Leader | OfficeCoordinator) => Some(Reach::Government),
        (CancelClock, OfficeCoordinator) => Some(Reach::Government),
        (ViewRules, System) => None,
        (ViewRules, _) => Some(Reach::Government),
        (ManageRules, SystemAdmin) => Some(Reach::Government),
        (ViewCatalog, System) => None,
        (ViewCatalog, _) => Some(Reach::Government),
        (ManageCatalog, SystemAdmin) => Some(Reach::Government),
        (SubmitLead, Leader | OfficeCoordinator | Officer | GridMember) => Some(Reach::Own),
        (ViewLead, Leader | OfficeCoordinator | Auditor | AuditAdmin) => Some(Reach::Government),
        (ViewLead, Officer | LegalReviewer) => Some(Reach::Subtree),
        (ViewLead, GridMember) => Some(Reach::Own),
        (HandleLead, OfficeCoordinator | Leader) => Some(Reach::Government),
        (HandleLead, Officer) => Some(Reach::Subtree),
        (ApproveTransfer, Leader) => Some(Reach::Own),
        (Coordinate, OfficeCoordinator) => Some(Reach::Government),
        (ViewCase, Leader | OfficeCoordinator | Auditor | AuditAdmin) => Some(Reach::Government),
        (ViewCase, Officer | LegalReviewer) => Some(Reach::Subtree),
        (HandleCase, Leader) => Some(Reach::Government),
        (HandleCase, Officer) => Some(Reach::Subtree),
        (ReviewCase, LegalReviewer) => Some(Reach::Subtree),
        (DecideCase, Leader) => Some(Reach::Own),
        (CheckPermit, Leader | OfficeCoordinator | Officer | LegalReviewer) => {
            Some(Reach::Government)
        }
        (Instruct, Leader | OfficeCoordinator) => Some(Reach::Government),
        (AnswerInstruction, Leader | OfficeCoordinator | Officer | LegalReviewer | GridMember) => {
            Some(Reach::Own)
        }
        (PlanOperation, Leader | OfficeCoordinator) => Some(Reach::Government),
        (PlanOperation, Officer) => Some(Reach::Own),
        (ApproveOperation, Leader) => Some(Reach::Government),
        (ViewCommand, Leader | OfficeCoordinator | Auditor | AuditAdmin) => Some(Reach::Government),
        (TakePart, Leader | OfficeCoordinator | Officer | LegalReviewer | GridMember) => {
            Some(Reach::Own)
        }
        (ConveneMeeting, OfficeCoordinator) => Some(Reach::Government),
        (SignMinutes, Leader) => Some(Reach::Government),
        (ViewAssessment, Leader | OfficeCoordinator | Auditor | AuditAdmin) => {
            Some(Reach::Government)
        }
        _ => None,
    }
}

/// Token scopes: what a token with a scope may do, always within its government.
fn token_allows(action: Action, scope: TokenScope) -> bool {
    matches!(
        (action, scope),
        (Action::ViewOrg | Action::ViewCatalog, TokenScope::Read)
            | (Action::ViewCatalog | Action::SubmitLead, TokenScope::Intake)
            | (
                Action::ViewCatalog | Action::SubmitLead,
                TokenScope::Open311
            )
    )
}

/// Decide whether `actor` may do `action` to `target`.
/// Relationship actions (see [`Relation`]) ask the target's ties: the actor must stand in one
/// of the relations the action needs, with a role reaching there.
pub fn authorize(actor: &Actor, action: Action, target: &Target) -> Result<(), Refusal> {
    if actor.id == ActorId::System {
        return Ok(());
    }
    let self_person = target.person.is_some() && target.person == actor.person_id();
    if self_person && action.is_account_administration() {
        return Err(Refusal::OwnAccount);
    }
    // Everyone sees their own record, personal data included.
    if self_person && matches!(action, Action::ViewPerson | Action::ViewPersonalData) {
        return Ok(());
    }
    let reaches = |r: Reach, path: &str| match r {
        Reach::Own => path == actor.org_path,
        Reach::Subtree => path.starts_with(&actor.org_path),
        Reach::Government => path.starts_with(&actor.government_path),
    };
    // Where the actor's roles must reach: the owner, or for an action done by relationship,
    // each tie the actor stands in.
    let needs = relations(action);
    let places: Vec<&str> = if needs.is_empty() {
        vec![target.org_path.as_str()]
    } else {
        target
            .ties
            .iter()
            .filter(|t| needs.contains(&t.relation))
            .filter_map(|t| t.stood_by(actor))
            .collect()
    };
    let reach_of: Vec<Reach> = match actor.id {
        ActorId::Token(_) => {
            if actor.token_scopes.iter().any(|s| token_allows(action, *s)) {
                vec![Reach::Government]
            } else {
                vec![]
            }
        }
        _ => actor
            .roles
            .iter()
            .filter_map(|r| reach(action, *r))
            .collect(),
    };
    if reach_of.is_empty() {
        return Err(Refusal::NotPermitted);
    }
    if places
        .iter()
        .any(|p| reach_of.iter().any(|r| reaches(*r, p)))
    {
        Ok(())
    } else {
        Err(Refusal::OutOfScope)
    }
}

/// The widest part of the org tree where the policy lets an actor do an action: what a list
/// may show, as a condition on org paths (never a filter after loading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every org whose path starts with this.
    Under(String),
    /// The org with exactly this path.
    Only(String),
}

/// The widest scope in which `actor` may do `action` (None: nowhere).
pub fn scope(actor: &Actor, action: Action) -> Option<Scope> {
    if actor.id == ActorId::System {
        return Some(Scope::Under("/".into()));
    }
    let widest = match actor.id {
        ActorId::Token(_) => actor
            .token_scopes
            .iter()
            .any(|s| token_allows(action, *s))
            .then_some(Reach::Government),
        _ => actor
            .roles
            .iter()
            .filter_map(|r| reach(action, *r))
            .max_by_key(|r| match r {
                Reach::Own => 0,
                Reach::Subtree => 1,
                Reach::Government => 2,
            }),
    }?;
    Some(match widest {
        Reach::Government => Scope::Under(actor.government_path.clone()),
        Reach::Subtree => Scope::Under(actor.org_path.clone()),
        Reach::Own => Scope::Only(actor.org_path.clone()),
    })
}

/// The step that satisfies a clock of this rule, in words, and the action it takes: what a
/// clock asks of whoever holds it (签收线索, 受理移送, 答复督办…). Every rule the shipped
/// profiles define has one, so every running clock names a step someone can take.
pub fn clock_step(rule_id: &str) -> Option<(&'static str, Action)> {
    use Action::*;
    Some(match rule_id {
        "lead.sign_for" => ("签收线索", HandleLead),
        "transfer.send" | "transfer.urgent" => ("移送有管辖权的机关", HandleLead),
        "transfer.oral_written_followup" => ("补齐书面移交手续", HandleLead),
        "transfer.accept_reply" => ("决定是否受理移送", HandleLead),
        "transfer.on_site_dispatch" => ("派员现场处理", HandleLead),
        "transfer.permit_holder_violation" | "transfer.unlicensed_activity" => {
            ("移送证据材料", HandleLead)
        }
        "transfer.outcome_report" => ("反馈办理结果", HandleLead),
        "transfer.judicial_decide" => ("审批涉嫌犯罪移送", ApproveTransfer),
        "transfer.judicial_send" => ("向公安机关移送", HandleLead),
        "transfer.judicial_police_decide" => ("审查决定是否立案", HandleLead),
        "transfer.judicial_reconsider" => ("提请复议", HandleLead),
        "dispute.negotiate" => ("协商管辖争议", HandleLead),
        "dispute.designate" => ("指定管辖", Coordinate),
        "assistance_request.written_opinion" => ("出具协助意见", HandleCase),
        "assistance_request.ask_supplement" => ("告知需补充的材料", HandleCase),
        "assistance_request.urgent_on_site" => ("派员现场协助", HandleCase),
        "assistance_request.evidence_support" => ("配合取证、认定、鉴定", HandleCase),
        "case.penalty_copy_to_permit" => ("抄告许可部门", HandleCase),
        "joint_operation.notified_unit_dispatch" => ("派员参加联合执法", TakePart),
        "joint_operation.special_apply_ahead" => ("报送专项行动方案", PlanOperation),
        "joint_operation.special_decide" => ("决定是否启动专项行动", Coordinate),
        "meeting.agenda_collection" => ("征集会议议题", ConveneMeeting),
        "meeting.regular_interval" => ("召开例行联席会议", ConveneMeeting),
        "meeting.action_item" => ("落实会议交办事项", TakePart),
        "instruction.acknowledge" => ("签收指令", AnswerInstruction),
        "instruction.complete" => ("反馈指令办结情况", AnswerInstruction),
        "supervision_order.respond" => ("答复督办", ManageClock),
        "shared_item.share" => ("共享执法信息", HandleCase),
        "data_request.answer" => ("提供处罚数据", HandleCase),
        "disclosure.publish" | "disclosure.publish_general" => ("公示执法决定", HandleCase),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64, org_path: &str, gov: &str, roles: &[Role]) -> Actor {
        Actor {
            id: ActorId::Person(id),
            org_id: id,
            org_path: org_path.into(),
            government_path: gov.into(),
            roles: roles.to_vec(),
            token_scopes: vec![],
        }
    }

    #[test]
    fn every_shipped_rule_names_the_step_that_satisfies_its_clock() {
        let Ok(rules) = crate::rules::Rules::builtin() else {
            panic!("the shipped rules load");
        };
        for p in rules.all() {
            for r in &p.rules {
                assert!(
                    clock_step(&r.id).is_some(),
                    "{}: {} has no step",
                    p.profile.id,
                    r.id
                );
            }
        }
    }

    #[test]
    fn a_system_admin_manages_people_in_the_government_but_not_their_own_account() {
        let admin = person(7, "/1/2/", "/1/", &[Role::SystemAdmin]);
        assert_eq!(
            authorize(&admin, Action::ManagePerson, &Target::person("/1/5/", 9)),
            Ok(())
        );
        assert_eq!(
            authorize(&admin, Action::ManagePerson, &Target::person("/1/2/", 7)),
            Err(Refusal::OwnAccount)
        );
        assert_eq!(
            authorize(&admin, Action::ManagePerson, &Target::person("/99/", 3)),
            Err(Refusal::OutOfScope)
        );
        assert_eq!(
            authorize(&admin, Action::ManageAccount, &Target::person("/1/5/", 9)),
            Err(Refusal::NotPermitted)
        );
        assert_eq!(
            authorize(&admin, Action::ViewEvents, &Target::org("/1/")),
            Err(Refusal::NotPermitted)
        );
    }

    #[test]
    fn an_officer_sees_people_of_their_own_subtree_only() {
        let officer = person(3, "/1/4/", "/1/", &[Role::Officer]);
        assert!(authorize(&officer, Action::ViewPerson, &Target::org("/1/4/")).is_ok());
        assert!(authorize(&officer, Action::ViewPerson, &Target::org("/1/4/8/")).is_ok());
        assert_eq!(
            authorize(&officer, Action::ViewPerson, &Target::org("/1/5/")),
            Err(Refusal::OutOfScope)
        );
        assert!(
            authorize(
                &officer,
                Action::ViewPersonalData,
                &Target::person("/1/4/", 3)
            )
            .is_ok()
        );
        assert!(
            authorize(
                &officer,
                Action::ViewPersonalData,
                &Target::person("/1/4/", 4)
            )
            .is_err()
        );
    }

    #[test]
    fn a_read_token_sees_orgs_and_nothing_else() {
        let token = Actor {
            id: ActorId::Token(1),
            org_id: 1,
            org_path: "/1/".into(),
            government_path: "/1/".into(),
            roles: vec![Role::System],
            token_scopes: vec![TokenScope::Read],
        };
        assert!(authorize(&token, Action::ViewOrg, &Target::org("/1/3/")).is_ok());
        assert_eq!(
            authorize(&token, Action::ViewPerson, &Target::org("/1/3/")),
            Err(Refusal::NotPermitted)
        );
        assert_eq!(
            authorize(&token, Action::ViewOrg, &Target::org("/2/")),
            Err(Refusal::OutOfScope)
        );
        let intake = Actor {
            token_scopes: vec![TokenScope::Intake],
            ..token
        };
        assert!(authorize(&intake, Action::ViewOrg, &Target::org("/1/3/")).is_err());
    }

    #[test]
    fn only_auditors_read_the_record() {
        for role in Role::ALL {
            let a = person(1, "/1/", "/1/", &[*role]);
            let ok = authorize(&a, Action::ViewEvents, &Target::org("/1/")).is_ok();
            assert_eq!(
                ok,
                matches!(role, Role::AuditAdmin | Role::Auditor),
                "{role:?}"
            );
        }
    }

    #[test]
    fn a_list_scope_agrees_with_authorize_for_every_action_and_role() {
        // Orgs: the government /1/, a department /1/2/ with a team /1/2/3/, another /1/4/,
        // and another government /9/.
        let paths = ["/1/", "/1/2/", "/1/2/3/", "/1/4/", "/9/"];
        for role in Role::ALL {
            let actor = person(7, "/1/2/", "/1/", &[*role]);
            for action in Action::ALL {
                let sc = scope(&actor, *action);
                for p in paths {
                    let in_scope = match &sc {
                        Some(Scope::Under(prefix)) => p.starts_with(prefix.as_str()),
                        Some(Scope::Only(path)) => p == path,
                        None => false,
                    };
                    if relations(*action).is_empty() {
                        assert_eq!(
                            in_scope,
                            authorize(&actor, *action, &Target::org(p)).is_ok(),
                            "{role:?} {action:?} {p}"
                        );
                    } else {
                        // Done by relationship: the scope bounds where it may be done.
                        let as_party = Target::in_name_of(p);
                        assert!(
                            in_scope || authorize(&actor, *action, &as_party).is_err(),
                            "{role:?} {action:?} {p}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_party_is_acted_for_by_its_people_and_those_above_it_only() {
        let head = person(1, "/1/", "/1/", &[Role::Leader]);
        let officer = person(2, "/1/2/", "/1/", &[Role::Officer]);
        let team = Target::in_name_of("/1/2/3/");
        assert!(authorize(&head, Action::HandleLead, &team).is_ok());
        assert!(authorize(&officer, Action::HandleLead, &team).is_ok());
        // Reach alone does not make a party: a township leader over /1/4/ for /1/2/3/.
        let other = person(3, "/1/4/", "/1/", &[Role::Leader]);
        assert_eq!(
            authorize(&other, Action::HandleLead, &team),
            Err(Refusal::OutOfScope)
        );
        // A target with no parties cannot be acted for at all.
        assert_eq!(
            authorize(&head, Action::HandleLead, &Target::org("/1/2/3/")),
            Err(Refusal::OutOfScope)
        );
        // Either party of a transfer.
        let transfer = Target::org("/1/4/")
            .tie(Relation::Party, "/1/4/")
            .tie(Relation::Party, "/1/2/3/");
        assert!(authorize(&officer, Action::HandleLead, &transfer).is_ok());
    }

    #[test]
    fn members_addressees_and_convenors_stand_in_person_or_as_their_own_org() {
        let member = person(2, "/1/2/", "/1/", &[Role::Officer]);
        let below = person(4, "/1/2/3/", "/1/", &[Role::Officer]);
        let meeting = Target::org("/1/9/").tie(Relation::Member, "/1/2/");
        assert!(authorize(&member, Action::TakePart, &meeting).is_ok());
        assert_eq!(
            authorize(&below, Action::TakePart, &meeting),
            Err(Refusal::OutOfScope)
        );
        let instruction = Target::org("/1/9/")
            .tie_person(Relation::Addressee, 4)
            .tie(Relation::Addressee, "/1/5/");
        assert!(authorize(&below, Action::AnswerInstruction, &instruction).is_ok());
        assert!(authorize(&member, Action::AnswerInstruction, &instruction).is_err());
        let leader = person(5, "/1/", "/1/", &[Role::Leader]);
        let minutes = Target::org("/1/9/").tie_person(Relation::Convenor, 5);
        assert!(authorize(&leader, Action::SignMinutes, &minutes).is_ok());
        let deputy = person(6, "/1/", "/1/", &[Role::Leader]);
        assert_eq!(
            authorize(&deputy, Action::SignMinutes, &minutes),
            Err(Refusal::OutOfScope)
        );
        // The convenor's role still counts: a convenor who is not a leader does not sign.
        let clerk = person(5, "/1/", "/1/", &[Role::Officer]);
        assert_eq!(
            authorize(&clerk, Action::SignMinutes, &minutes),
            Err(Refusal::NotPermitted)
        );
        // The lead unit runs an operation; another unit only takes part.
        let operation = Target::org("/1/2/")
            .tie(Relation::LeadUnit, "/1/2/")
            .tie(Relation::Member, "/1/4/");
        assert!(authorize(&member, Action::PlanOperation, &operation).is_ok());
        let unit = person(7, "/1/4/", "/1/", &[Role::Officer]);
        assert!(authorize(&unit, Action::PlanOperation, &operation).is_err());
        assert!(authorize(&unit, Action::TakePart, &operation).is_ok());
    }
}
