//! Acting in an org's name (以机构名义办理): the checks every operation makes before it
//! writes for a body.

use crate::ctx::Ctx;
use crate::error::AppError;
use xiezhi_domain::{Action, Refusal, Target};
use xiezhi_store::entities::org;
use xiezhi_store::transfers::Acting;

/// Act in the name of `org`: the policy must allow `action` with the org as the party, so the
/// actor belongs to that org or to a body above it (a department's officer cannot answer for a
/// township, nor the office for a department).
pub(crate) fn acting_for(ctx: &Ctx, action: Action, o: &org::Model) -> Result<Acting, AppError> {
    ctx.authorize(action, &Target::in_name_of(o.path.clone()))?;
    Ok(Acting {
        org_id: o.id,
        person_id: ctx.actor.person_id(),
    })
}

/// The other body must be in the actor's own top-level tree (the county): no transfers or
/// requests across governments through this platform's ids.
pub(crate) fn same_tree(ctx: &Ctx, other: &org::Model) -> Result<(), AppError> {
    if other.path.starts_with(&ctx.tree_path()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(Refusal::OutOfScope))
    }
}

/// Whether the actor may act in the name of `o` (for showing buttons).
pub fn may_act(ctx: &Ctx, action: Action, o: &org::Model) -> bool {
    acting_for(ctx, action, o).is_ok()
}
