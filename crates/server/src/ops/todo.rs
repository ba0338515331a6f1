//! The personal to-do list (我的待办): what this person must do, not what their org holds.
//! Two sources: running clocks held by the person (or by their org with nobody named), each
//! kept when the person's roles may take the step that satisfies it; and work waiting in a
//! state without a clock (a transfer for the head, a case at legal review, an operation to
//! approve or check in to, minutes to sign, an answer to rate). Most urgent first, paged,
//! grouped by step, each row naming the matter in words.

use super::clocks::{self, ClockView, InboxQuery};
use super::{PER_PAGE, Page};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use xiezhi_domain::case::CaseStage;
use xiezhi_domain::policy::clock_step;
use xiezhi_domain::{Action, Refusal, Target};
use xiezhi_store::entities::org;

/// One thing to do.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TodoItem {
    /// The step, in words (签收线索, 法制审核, 答复督办…).
    pub step: String,
    /// The matter, in words (a lead's tracking number and text, a case's number and title…).
    pub matter: String,
    /// The page where the step is taken.
    pub href: String,
    /// The org that holds the work.
    pub org_name: String,
    /// The due time (Beijing), when a clock runs on it.
    pub due_at: Option<String>,
    /// `剩余2个工作日`, `已超时1个工作日`… when a clock runs.
    pub remaining: Option<String>,
    /// `overdue`, `due_soon`, `normal` or `paused`.
    pub urgency: String,
    /// The due time is derived from the holiday law, not yet from the notice.
    pub provisional: bool,
    /// RFC 3339 due time, for sorting; empty without a clock.
    #[serde(skip)]
    due_utc: String,
}

/// To-do items of one step.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TodoGroup {
    pub step: String,
    pub items: Vec<TodoItem>,
}

/// A page of the to-do list, grouped by step (groups in order of their most urgent item).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Todo {
    pub groups: Vec<TodoGroup>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Query of the to-do list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct TodoQuery {
    pub page: Option<u64>,
}

/// At most this many of each kind of waiting work are read.
const LIMIT: u64 = 500;

fn rank(urgency: &str) -> u8 {
    match urgency {
        "overdue" => 0,
        "due_soon" => 1,
        "normal" => 2,
        _ => 3,
    }
}

/// The caller's to-do list.
pub async fn todo(s: &AppState, ctx: &Ctx, q: &TodoQuery) -> Result<Todo, AppError> {
    let me = ctx
        .person
        .as_ref()
        .ok_or(AppError::Forbidden(Refusal::NotPermitted))?;
    let orgs: HashMap<i64, org::Model> = s
        .store
        .orgs_under("/")
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let can_at = |action: Action, org_id: i64| {
        orgs.get(&org_id)
            .is_some_and(|o| ctx.can(action, &Target::in_name_of(o.path.clone())))
    };
    let name_of = |org_id: i64| {
        orgs.get(&org_id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let mut items = vec![];
    let mut subjects = vec![];

    // Clocks: the step that satisfies each, when the person may take it.
    let clocks = clocks::inbox(s, ctx, &InboxQuery::default()).await?;
    let mine: Vec<(ClockView, &'static str)> = clocks
        .into_iter()
        .filter_map(|c| {
            let (step, action) = clock_step(&c.rule_id)?;
            can_at(action, c.holder_org_id).then_some((c, step))
        })
        .collect();
    subjects.extend(
        mine.iter()
            .map(|(c, _)| (c.subject_type.clone(), c.subject_id.clone())),
    );
    let names = s.store.subject_names(&subjects).await?;
    for (c, step) in mine {
        let matter = names
            .get(&(c.subject_type.clone(), c.subject_id.clone()))
            .cloned()
            .unwrap_or_else(|| format!("{} {}", c.subject_label, c.subject_id));
        items.push(TodoItem {
            step: step.into(),
            matter,
            href: match c.subject_type.as_str() {
                // The answer form is on the clock's page.
                "supervision_order" => format!("/clocks/{}", c.id),
                _ => c
                    .subject_href
                    .clone()
                    .unwrap_or_else(|| format!("/clocks/{}", c.id)),
            },
            org_name: c.holder_org_name.clone(),
            due_at: Some(c.due_at.clone()),
            remaining: Some(c.remaining.clone()),
            urgency: c.urgency.clone(),
            provisional: c.provisional,
            due_utc: c.due_at_utc.clone(),
        });
    }

    // Work waiting in a state.
    let w = s.store.waiting_for(me.id, me.org_id, LIMIT).await?;
    let lead_names = s
        .store
        .subject_names(
            &w.transfers
                .iter()
                .map(|t| ("lead".to_owned(), t.lead_id.to_string()))
                .collect::<Vec<_>>(),
        )
        .await?;
    let waiting = |step: &str, matter: String, href: String, org_id: i64| TodoItem {
        step: step.into(),
        matter,
        href,
        org_name: name_of(org_id),
        due_at: None,
        remaining: None,
        urgency: "normal".into(),
        provisional: false,
        due_utc: String::new(),
    };
    for t in &w.transfers {
        let (step, action) = match t.status.as_str() {
            "draft" => ("审批移送", Action::ApproveTransfer),
            _ => ("发出移送", Action::HandleLead),
        };
        if can_at(action, t.from_org_id) {
            let lead = lead_names
                .get(&("lead".to_owned(), t.lead_id.to_string()))
                .cloned()
                .unwrap_or_default();
            items.push(waiting(
                step,
                format!("{lead}（移送{}）", name_of(t.to_org_id)),
                format!("/leads/{}#transfer-{}", t.lead_id, t.id),
                t.from_org_id,
            ));
        }
    }
    for c in &w.cases {
        let handler = w.handled.contains(&c.id);
        let stage = CaseStage::parse(&c.stage);
        let step = match stage {
            Some(CaseStage::LegalReview)
                if !handler && can_at(Action::ReviewCase, c.holder_org_id) =>
            {
                Some("法制审核")
            }
            Some(CaseStage::Review) if can_at(Action::DecideCase, c.holder_org_id) => {
                Some("审核并作出决定")
            }
            Some(CaseStage::Filed) if handler => Some("开始调查取证"),
            Some(CaseStage::Investigation) if handler => Some("调查取证后提交审核"),
            Some(CaseStage::Decision) if handler => Some("送达决定书"),
            Some(CaseStage::Service) if handler => Some("执行或结案"),
            Some(CaseStage::Execution) if handler => Some("执行完毕后结案"),
            _ => None,
        };
        if let Some(step) = step {
            items.push(waiting(
                step,
                format!("{} {}", c.number, c.title),
                format!("/cases/{}", c.id),
                c.holder_org_id,
            ));
        }
    }
    for o in &w.operations {
        if super::operations::may_approve(s, ctx, o).await? {
            items.push(waiting(
                "审批联合执法行动",
                o.title.clone(),
                format!("/operations/{}", o.id),
                o.lead_org_id,
            ));
        }
    }
    for o in &w.check_ins {
        items.push(waiting(
            "联合执法签到",
            o.title.clone(),
            format!("/operations/{}/field", o.id),
            o.lead_org_id,
        ));
    }
    for m in &w.minutes {
        items.push(waiting(
            "签发会议纪要",
            m.title.clone(),
            format!("/meetings/{}", m.id),
            m.office_org_id,
        ));
    }
    for a in &w.ratings {
        if can_at(Action::HandleCase, a.from_org_id) {
            items.push(waiting(
                "评价协助答复",
                format!("{}（{}答复）", a.text, name_of(a.to_org_id)),
                format!("/assistance/{}", a.id),
                a.from_org_id,
            ));
        }
    }

    // Most urgent first; work without a clock after the clocks of the same urgency.
    items.sort_by(|a, b| {
        (rank(&a.urgency), a.due_utc.is_empty(), &a.due_utc).cmp(&(
            rank(&b.urgency),
            b.due_utc.is_empty(),
            &b.due_utc,
        ))
    });
    let total = items.len() as u64;
    let page = q.page.unwrap_or(1).max(1);
    let shown: Vec<TodoItem> = items
        .into_iter()
        .skip(((page - 1) * PER_PAGE) as usize)
        .take(PER_PAGE as usize)
        .collect();
    let mut groups: Vec<TodoGroup> = vec![];
    for item in shown {
        match groups.iter_mut().find(|g| g.step == item.step) {
            Some(g) => g.items.push(item),
            None => groups.push(TodoGroup {
                step: item.step.clone(),
                items: vec![item],
            }),
        }
    }
    Ok(Todo {
        groups,
        total,
        page,
        per_page: PER_PAGE,
    })
}

impl Todo {
    /// The page facts for the pager.
    pub fn as_page(&self) -> Page<()> {
        Page {
            items: vec![],
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}
