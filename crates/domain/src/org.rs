//! Organisations (机构): kinds and levels of the bodies in the hierarchy.

use serde::{Deserialize, Serialize};

/// Declares a closed set of domain terms with a stable machine name and a Chinese label.
#[macro_export]
macro_rules! term_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal / $zh:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v,)+];
            /// The stable machine name (used in the database, the API and CSV files).
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s,)+ } }
            /// The Chinese label shown to users.
            pub fn label(self) -> &'static str { match self { $($name::$v => $zh,)+ } }
            /// Parse a machine name or a Chinese label.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| v.as_str() == s || v.label() == s)
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.label()) }
        }
    };
}

term_enum!(
    /// Kind of organisation.
    OrgKind {
        /// People's government (人民政府).
        Government = "government" / "人民政府",
        /// Functional department (职能部门).
        Department = "department" / "职能部门",
        /// Comprehensive administrative enforcement bureau (综合行政执法局).
        EnforcementBureau = "enforcement_bureau" / "综合行政执法局",
        /// Township or street (乡镇/街道), with its comprehensive enforcement team.
        Township = "township" / "乡镇（街道）",
        /// Dispatched unit of a department (派驻机构).
        DispatchedUnit = "dispatched_unit" / "派驻机构",
        /// Coordination office (统筹协调指挥机制办事机构 / 执法办).
        CoordinationOffice = "coordination_office" / "执法统筹协调办公室",
        /// Leading group (领导小组).
        LeadingGroup = "leading_group" / "领导小组",
        /// Police (公安机关).
        Police = "police" / "公安机关",
        /// Procuratorate (检察院).
        Procuratorate = "procuratorate" / "人民检察院",
        /// Court (法院).
        Court = "court" / "人民法院",
    }
);

term_enum!(
    /// Administrative level (层级).
    OrgLevel {
        /// Province (省).
        Province = "province" / "省级",
        /// City (市).
        City = "city" / "市级",
        /// County or district (县/区).
        County = "county" / "县级",
        /// Township or street (乡镇/街道).
        Township = "township" / "乡镇级",
    }
);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_machine_names_and_chinese_labels() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Some(*k));
            assert_eq!(OrgKind::parse(k.label()), Some(*k));
        }
        assert_eq!(OrgLevel::parse("县级"), Some(OrgLevel::County));
        assert_eq!(OrgKind::parse("nonsense"), None);
    }
}
