//! Known values (已知取值): every stored state and kind is a value of its enum, and the
//! database itself refuses any other (m0018: a CHECK constraint on PostgreSQL, a trigger pair
//! on SQLite). The constraints are frozen SQL; `tests/migrations.rs` checks that they still
//! list exactly the enums' values, so a new state comes with a new migration.

use sea_orm::DbBackend;
use xiezhi_domain::assistance::{AssistanceKind, AssistanceStatus};
use xiezhi_domain::case::{CaseStage, DecisionKind};
use xiezhi_domain::catalog::{AssignmentMode, ItemKind};
use xiezhi_domain::clock::{ClockState, OrderState};
use xiezhi_domain::document::DocumentKind;
use xiezhi_domain::instruction::ReceiptStatus;
use xiezhi_domain::lead::{Channel, LeadOutcome, LeadStatus, Satisfaction};
use xiezhi_domain::meeting::{ActionStatus, MeetingKind, MeetingStatus};
use xiezhi_domain::operation::{OperationMode, OperationStatus};
use xiezhi_domain::transfer::{
    DisputeKind, DisputeNoteKind, DisputeStatus, TransferKind, TransferStatus,
};
use xiezhi_domain::{OrgKind, OrgLevel};

macro_rules! vals {
    ($e:ty) => {
        <$e>::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>()
    };
}

/// `(table, column, the values the program knows)` of every state and kind column.
pub fn columns() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    vec![
        ("orgs", "kind", vals!(OrgKind)),
        ("orgs", "level", vals!(OrgLevel)),
        (
            "clocks",
            "state",
            [
                ClockState::Running,
                ClockState::Paused,
                ClockState::Satisfied,
                ClockState::Breached,
                ClockState::Cancelled,
            ]
            .iter()
            .map(|x| x.as_str())
            .collect(),
        ),
        ("supervision_orders", "state", vals!(OrderState)),
        ("catalog_items", "kind", vals!(ItemKind)),
        ("assignments", "mode", vals!(AssignmentMode)),
        ("leads", "channel", vals!(Channel)),
        ("leads", "status", vals!(LeadStatus)),
        ("leads", "satisfaction", vals!(Satisfaction)),
        ("leads", "outcome", vals!(LeadOutcome)),
        ("cases", "stage", vals!(CaseStage)),
        ("cases", "decision_kind", vals!(DecisionKind)),
        ("transfers", "kind", vals!(TransferKind)),
        ("transfers", "status", vals!(TransferStatus)),
        ("disputes", "kind", vals!(DisputeKind)),
        ("disputes", "status", vals!(DisputeStatus)),
        ("dispute_notes", "kind", vals!(DisputeNoteKind)),
        ("assistance_requests", "kind", vals!(AssistanceKind)),
        ("assistance_requests", "status", vals!(AssistanceStatus)),
        ("assistance_requests", "rating", vals!(Satisfaction)),
        ("documents", "kind", vals!(DocumentKind)),
        ("instruction_receipts", "status", vals!(ReceiptStatus)),
        ("operations", "mode", vals!(OperationMode)),
        ("operations", "status", vals!(OperationStatus)),
        ("meetings", "kind", vals!(MeetingKind)),
        ("meetings", "status", vals!(MeetingStatus)),
        ("action_items", "status", vals!(ActionStatus)),
    ]
}

/// The statements that make the database refuse unknown values, per engine.
pub fn statements(b: DbBackend) -> Vec<String> {
    let mut out = vec![];
    for (t, c, v) in columns() {
        let list = v
            .iter()
            .map(|x| format!("'{x}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let msg = format!("{t}.{c}: a value the program does not know");
        match b {
            DbBackend::Postgres => out.push(format!(
                "ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_known CHECK ({c} IN ({list})) NOT VALID"
            )),
            _ => {
                for (when, on) in [("insert", "INSERT"), ("update", "UPDATE OF {c}")] {
                    let on = on.replace("{c}", c);
                    out.push(format!(
                        "CREATE TRIGGER {t}_{c}_known_{when} BEFORE {on} ON {t} WHEN NEW.{c} NOT IN ({list}) BEGIN SELECT RAISE(ABORT, '{msg}'); END"
                    ));
                }
            }
        }
    }
    out
}
