//! Roles a person can hold (角色). The three administrator roles are separated
//! (三员分立, required by graded protection level 3 / 等保三级).

use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// A role.
    Role {
        /// Leader (领导): approves, commands, sees the dashboard.
        Leader = "leader" / "领导",
        /// Coordinator in the coordination office (执法办协调员).
        OfficeCoordinator = "office_coordinator" / "执法办协调员",
        /// Enforcement officer (执法人员).
        Officer = "officer" / "执法人员",
        /// Legal reviewer (法制审核人员).
        LegalReviewer = "legal_reviewer" / "法制审核人员",
        /// Grid member (网格员).
        GridMember = "grid_member" / "网格员",
        /// Auditor (监督审计人员): reads the full-process record.
        Auditor = "auditor" / "审计人员",
        /// Another system acting through an API token (系统对接).
        System = "system" / "系统对接",
        /// System administrator (系统管理员): orgs, people, configuration.
        SystemAdmin = "system_admin" / "系统管理员",
        /// Security administrator (安全管理员): roles, passwords, tokens.
        SecurityAdmin = "security_admin" / "安全管理员",
        /// Audit administrator (审计管理员): reviews the record, including the other admins.
        AuditAdmin = "audit_admin" / "审计管理员",
    }
);

impl Role {
    /// Whether this is one of the three separated administrator roles.
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }
}

/// Check a set of roles for a person: at most one administrator role, and an administrator
/// holds no business role (三员分立). Returns the Chinese reason when refused.
pub fn check_role_set(roles: &[Role]) -> Result<(), &'static str> {
    let admins = roles.iter().filter(|r| r.is_admin()).count();
    if admins > 1 {
        return Err("系统管理员、安全管理员、审计管理员不能由同一人兼任");
    }
    if admins == 1 && roles.len() > 1 {
        return Err("管理员账号不能兼任业务角色");
    }
    if roles.contains(&Role::System) {
        return Err("“系统对接”角色只用于接口令牌，不能分配给人员");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_administrators_are_kept_apart() {
        assert!(check_role_set(&[Role::SystemAdmin, Role::SecurityAdmin]).is_err());
        assert!(check_role_set(&[Role::AuditAdmin, Role::Officer]).is_err());
        assert!(check_role_set(&[Role::SystemAdmin]).is_ok());
        assert!(check_role_set(&[Role::Officer, Role::LegalReviewer]).is_ok());
        assert!(check_role_set(&[Role::System]).is_err());
    }
}
