//! Rule profiles (规则配置): every time limit as data, with its source clause. One profile
//! per jurisdiction (TOML, `rules/*.toml`); an org subtree selects one. See `rules/README.md`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The unit of a time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// N working days on the official calendar (工作日).
    WorkingDays,
    /// N calendar days (日).
    CalendarDays,
    /// N hours (小时).
    Hours,
    /// By the end of the same day (当日).
    SameDay,
    /// Immediately (立即): within [`IMMEDIATELY_MINUTES`].
    Immediately,
    /// By the time set when the clock starts (指定期限): an instruction's or a meeting
    /// decision's due time, given by whoever issues it.
    Assigned,
}

/// How long "immediately" is for a clock: the limit shown and enforced.
pub const IMMEDIATELY_MINUTES: i64 = 60;

impl Unit {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Unit::WorkingDays => "个工作日",
            Unit::CalendarDays => "日",
            Unit::Hours => "小时",
            Unit::SameDay => "当日",
            Unit::Immediately => "立即",
            Unit::Assigned => "按指定期限",
        }
    }
}

/// A duration: a unit and, for counted units, a positive number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duration {
    /// The unit.
    pub unit: Unit,
    /// The number (absent for same_day and immediately).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
}

impl Duration {
    /// The number of units (0 for same_day/immediately).
    pub fn count(&self) -> i64 {
        self.value.unwrap_or(0)
    }

    /// Chinese text, e.g. `3个工作日`, `当日`.
    pub fn text(&self) -> String {
        match self.unit {
            Unit::SameDay | Unit::Immediately | Unit::Assigned => self.unit.label().to_owned(),
            u => format!("{}{}", self.count(), u.label()),
        }
    }
}

/// Whether the limit runs after the trigger (the usual case) or before an anchor
/// (e.g. apply at least 3 days before a joint operation starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// N units after the trigger.
    #[default]
    After,
    /// N units before the anchor.
    Before,
}

/// Who a breach is escalated to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalateTo {
    /// The coordination office (执法办), as a supervision order.
    CoordinationOffice,
    /// The common superior.
    Superior,
    /// The leader.
    Leader,
}

/// Where a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Seed document (`000`–`004`), `gov` or `design`.
    pub seed: String,
    /// Section inside it.
    pub section: String,
    /// The clause.
    pub quote: String,
}

/// Subjects a rule may apply to.
pub const SUBJECTS: &[&str] = &[
    "lead",
    "case",
    "transfer",
    "assistance_request",
    "joint_operation",
    "meeting",
    "shared_item",
    "data_request",
    "disclosure",
    "supervision_order",
    "instruction",
    "permit",
    "dispute",
];

/// Chinese label of a subject type.
pub fn subject_label(subject_type: &str) -> &'static str {
    match subject_type {
        "lead" => "线索",
        "case" => "案件",
        "transfer" => "移送",
        "assistance_request" => "协助请求",
        "joint_operation" => "联合执法行动",
        "meeting" => "联席会议",
        "shared_item" => "共享信息",
        "data_request" => "数据请求",
        "disclosure" => "公示",
        "supervision_order" => "督办",
        "instruction" => "指令",
        "permit" => "许可",
        "dispute" => "管辖争议",
        "clock" => "时限",
        "operation" => "联合执法行动",
        "org" => "机构",
        "person" => "人员",
        "document" => "文书",
        "attachment" | "blob" => "附件",
        "calendar" => "工作日历",
        "catalog_item" | "catalog" => "权责清单",
        "token" => "接口令牌",
        "session" | "auth" => "登录",
        "login" => "登录名",
        "security_log" => "安全日志",
        _ => "事项",
    }
}

/// The policy document a rule's source names (`shared/seeds/000`…`004`), as people cite it.
pub fn seed_title(seed: &str) -> &'static str {
    match seed {
        "000" => "《浙江省人民政府办公厅关于加强行政执法协调指挥和协作配合工作的意见》（2016年）",
        "001" => "《乡镇与职能部门行政执法实施意见》（2022年）",
        "002" => {
            "《丽水市城市管理行政执法局关于加强乡镇（街道）综合执法平台建设和建立执法协调指挥机制的指导意见》（2017年）"
        }
        "003" => {
            "周村区人民政府办公室《关于加强综合行政执法协作配合的实施意见》（周政办字〔2018〕18号）"
        }
        "004" => "《江山市加快推进“大综合一体化”行政执法改革实施方案》（江政发〔2021〕24号）",
        _ => "政策文件",
    }
}

/// One time limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, e.g. `transfer.send`.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Subject type it applies to.
    pub applies_to: String,
    /// The triggering event.
    pub trigger: String,
    /// The limit.
    pub duration: Duration,
    /// Warn this long before the end.
    #[serde(default)]
    pub warn_before: Option<Duration>,
    /// Who is told on breach.
    pub escalate_to: EscalateTo,
    /// Whether the clock may be paused (time for supplementary material does not count).
    #[serde(default)]
    pub pausable: bool,
    /// After the trigger or before an anchor.
    #[serde(default)]
    pub direction: Direction,
    /// Source clause.
    pub source: Source,
    /// Remarks (e.g. where seeds disagree).
    #[serde(default)]
    pub note: Option<String>,
}

impl Rule {
    /// `seed 001 二、(二)2：“…”`.
    pub fn source_text(&self) -> String {
        let s = &self.source;
        let doc = match s.seed.as_str() {
            "gov" | "design" => String::new(),
            seed => format!("{} ", seed_title(seed)),
        };
        format!("{doc}{}：“{}”", s.section, s.quote)
    }
}

/// The header of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileHeader {
    /// Id, e.g. `default`.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Version, bumped on every change.
    pub version: i64,
    /// Where the numbers come from.
    #[serde(default)]
    pub description: String,
}

/// A rule profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleProfile {
    /// Header.
    pub profile: ProfileHeader,
    /// Settings that are numbers but not time limits.
    #[serde(default)]
    pub settings: Settings,
    /// Rules.
    #[serde(rename = "rule")]
    pub rules: Vec<Rule>,
}

/// Numbers a profile sets that are not time limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// A matter returned or re-routed this many times without any body accepting it goes to
    /// the coordination office automatically (推诿扯皮); 0 turns the rule off.
    pub bounce_limit: u32,
    /// A lead about the same place and matter within this many days is linked to the
    /// earlier one (重复件).
    pub duplicate_window_days: u32,
    /// A fine on a natural person from this amount (yuan) is a major decision (重大执法决定)
    /// that needs a passed legal review.
    pub major_fine_person: i64,
    /// The same for an organisation.
    pub major_fine_organisation: i64,
    /// Items whose decisions are always major.
    pub major_items: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bounce_limit: 3,
            duplicate_window_days: 7,
            major_fine_person: 10_000,
            major_fine_organisation: 100_000,
            major_items: vec![],
        }
    }
}

/// Why a profile was refused; messages name the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// Not valid TOML or not the schema.
    #[error("规则配置 {file} 格式错误：{message}")]
    Syntax {
        /// File name.
        file: String,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A rule is wrong.
    #[error("规则配置 {file} 第 {line} 行（规则 {rule}）：{message}")]
    Rule {
        /// File name.
        file: String,
        /// Line of the rule's id.
        line: usize,
        /// Rule id.
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// The profile lacks rules every profile must have.
    #[error("规则配置 {file} 缺少规则：{}", missing.join("、"))]
    Gaps {
        /// File name.
        file: String,
        /// Missing rule ids.
        missing: Vec<String>,
    },
    /// The header is wrong.
    #[error("规则配置 {file}：{message}")]
    Header {
        /// File name.
        file: String,
        /// What is wrong.
        message: String,
    },
}

/// The line of `field` inside the rule with this id (the id's line when not found).
fn line_of(text: &str, id: &str, field: &str) -> usize {
    let needle = format!("\"{id}\"");
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| l.trim_start().starts_with("id") && l.contains(&needle))
    else {
        return 0;
    };
    let block_start = lines[..start]
        .iter()
        .rposition(|l| l.trim() == "[[rule]]")
        .unwrap_or(start);
    lines[block_start..]
        .iter()
        .enumerate()
        .skip(1)
        .take_while(|(_, l)| l.trim() != "[[rule]]")
        .find(|(_, l)| l.trim_start().starts_with(field))
        .map(|(i, _)| block_start + i + 1)
        .unwrap_or(start + 1)
}

fn valid_id(s: &str, extra: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(c))
}

impl RuleProfile {
    /// Parse and check a profile. `required` lists rule ids every profile must have (gaps are
    /// refused); pass the default profile's ids.
    pub fn parse(file: &str, text: &str, required: &[&str]) -> Result<RuleProfile, ProfileError> {
        let p: RuleProfile = toml::from_str(text).map_err(|e| ProfileError::Syntax {
            file: file.into(),
            message: e.to_string(),
        })?;
        let header = |message: &str| ProfileError::Header {
            file: file.into(),
            message: message.into(),
        };
        if !valid_id(&p.profile.id, "-") {
            return Err(header("profile.id 只能包含小写字母、数字和 -"));
        }
        if p.profile.version < 1 {
            return Err(header("profile.version 应为不小于1的整数"));
        }
        let mut seen = BTreeSet::new();
        for r in &p.rules {
            let bad_at = |field: &str, message: String| ProfileError::Rule {
                file: file.into(),
                line: line_of(text, &r.id, field),
                rule: r.id.clone(),
                message,
            };
            let bad = |message: String| bad_at("id", message);
            if !valid_id(&r.id, "._") {
                return Err(bad("规则 id 只能包含小写字母、数字、. 和 _".into()));
            }
            if !seen.insert(r.id.clone()) {
                return Err(bad("规则 id 重复".into()));
            }
            if !SUBJECTS.contains(&r.applies_to.as_str()) {
                return Err(bad_at(
                    "applies_to",
                    format!("未知的适用对象 {}", r.applies_to),
                ));
            }
            check_duration(&r.duration).map_err(|m| bad_at("duration", format!("duration {m}")))?;
            if let Some(w) = &r.warn_before {
                check_duration(w).map_err(|m| bad_at("warn_before", format!("warn_before {m}")))?;
                if !matches!(w.unit, Unit::WorkingDays | Unit::Hours) {
                    return Err(bad("warn_before 的单位只能是 working_days 或 hours".into()));
                }
                if matches!(r.duration.unit, Unit::SameDay | Unit::Immediately) {
                    return Err(bad("当日或立即办理的规则不设提前预警".into()));
                }
                if w.unit == r.duration.unit && w.count() >= r.duration.count() {
                    return Err(bad("预警提前量应小于时限".into()));
                }
            }
            if r.source.section.trim().is_empty() || r.source.quote.trim().is_empty() {
                return Err(bad("必须写明来源条款（section 和 quote）".into()));
            }
        }
        let missing: Vec<String> = required
            .iter()
            .filter(|id| !seen.contains(**id))
            .map(|s| s.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(ProfileError::Gaps {
                file: file.into(),
                missing,
            });
        }
        Ok(p)
    }

    /// One rule.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

fn check_duration(d: &Duration) -> Result<(), String> {
    match (d.unit, d.value) {
        (Unit::SameDay | Unit::Immediately | Unit::Assigned, None) => Ok(()),
        (Unit::SameDay | Unit::Immediately | Unit::Assigned, Some(_)) => {
            Err("当日、立即或指定期限不应填写 value".into())
        }
        (_, Some(v)) if v > 0 && v <= 3660 => Ok(()),
        (_, Some(v)) => Err(format!("value 应为1至3660之间的正整数（现为 {v}）")),
        (_, None) => Err("缺少 value".into()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const OK: &str = r#"
[profile]
id = "t"
name = "测试"
version = 1

[[rule]]
id = "transfer.send"
name = "移送"
applies_to = "transfer"
trigger = "not_competent_found"
duration = { unit = "working_days", value = 3 }
warn_before = { unit = "working_days", value = 1 }
escalate_to = "coordination_office"
source = { seed = "001", section = "二、(二)2", quote = "应当在3个工作日内移送" }
"#;

    #[test]
    fn a_good_profile_parses_with_its_sources() {
        let p = RuleProfile::parse("t.toml", OK, &["transfer.send"]).unwrap();
        let r = p.rule("transfer.send").unwrap();
        assert_eq!(r.duration.text(), "3个工作日");
        assert!(r.source_text().contains("二、(二)2"));
    }

    #[test]
    fn negative_durations_unknown_subjects_duplicates_and_gaps_are_refused_naming_the_line() {
        let neg = OK.replace("value = 3 }", "value = -3 }");
        let e = RuleProfile::parse("t.toml", &neg, &[]).unwrap_err();
        assert!(matches!(e, ProfileError::Rule { line: 12, .. }), "{e}");
        assert!(e.to_string().contains("第 12 行"));
        let e = RuleProfile::parse(
            "t.toml",
            &OK.replace("\"transfer\"\n", "\"spaceship\"\n"),
            &[],
        )
        .unwrap_err();
        assert!(e.to_string().contains("spaceship"), "{e}");
        let twice = format!("{OK}\n{}", &OK[OK.find("[[rule]]").unwrap()..]);
        let e = RuleProfile::parse("t.toml", &twice, &[]).unwrap_err();
        assert!(e.to_string().contains("重复"), "{e}");
        let e = RuleProfile::parse("t.toml", OK, &["transfer.send", "data_request.answer"])
            .unwrap_err();
        assert_eq!(
            e,
            ProfileError::Gaps {
                file: "t.toml".into(),
                missing: vec!["data_request.answer".into()]
            }
        );
        let e = RuleProfile::parse(
            "t.toml",
            &OK.replace(
                "unit = \"working_days\", value = 1",
                "unit = \"working_days\", value = 5",
            ),
            &[],
        )
        .unwrap_err();
        assert!(e.to_string().contains("预警"), "{e}");
        let e = RuleProfile::parse("t.toml", "[profile]\nid = 1", &[]).unwrap_err();
        assert!(matches!(e, ProfileError::Syntax { .. }));
        assert!(
            e.to_string().contains("line") || e.to_string().contains('2'),
            "{e}"
        );
    }
}

/// The profiles shipped in the repository (`rules/*.toml`), compiled in.
pub const BUILTIN: &[(&str, &str)] = &[
    ("default.toml", include_str!("../../../rules/default.toml")),
    (
        "zhoucun-2018.toml",
        include_str!("../../../rules/zhoucun-2018.toml"),
    ),
];

/// The id of the profile used where no org selected another.
pub const DEFAULT_PROFILE: &str = "default";

/// All loaded profiles; the default one first.
#[derive(Debug, Clone)]
pub struct Rules {
    profiles: Vec<RuleProfile>,
}

impl Rules {
    /// Parse and check profiles given as (file name, text): the default one must be among
    /// them, and every other must have all of the default's rules (no gaps).
    pub fn from_texts(files: &[(&str, &str)]) -> Result<Rules, ProfileError> {
        let mut parsed = vec![];
        for (file, text) in files {
            parsed.push((file, RuleProfile::parse(file, text, &[])?));
        }
        let Some((_, default)) = parsed.iter().find(|(_, p)| p.profile.id == DEFAULT_PROFILE)
        else {
            return Err(ProfileError::Header {
                file: "rules/".into(),
                message: format!("缺少默认规则配置（id = \"{DEFAULT_PROFILE}\"）"),
            });
        };
        let required: Vec<String> = default.rules.iter().map(|r| r.id.clone()).collect();
        let required: Vec<&str> = required.iter().map(String::as_str).collect();
        let mut profiles: Vec<RuleProfile> = vec![];
        for (file, text) in files {
            let p = RuleProfile::parse(file, text, &required)?;
            if let Some(i) = profiles.iter().position(|q| q.profile.id == p.profile.id) {
                profiles[i] = p;
            } else {
                profiles.push(p);
            }
        }
        profiles.sort_by_key(|p| p.profile.id != DEFAULT_PROFILE);
        Ok(Rules { profiles })
    }

    /// The shipped profiles.
    pub fn builtin() -> Result<Rules, ProfileError> {
        Rules::from_texts(BUILTIN)
    }

    /// The default profile.
    pub fn default_profile(&self) -> &RuleProfile {
        &self.profiles[0]
    }

    /// A profile by id.
    pub fn profile(&self, id: &str) -> Option<&RuleProfile> {
        self.profiles.iter().find(|p| p.profile.id == id)
    }

    /// All profiles, the default first.
    pub fn all(&self) -> &[RuleProfile] {
        &self.profiles
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod shipped {
    use super::*;

    #[test]
    fn the_shipped_profiles_load_and_the_zhoucun_variant_uses_seed_003s_numbers() {
        let rules = Rules::builtin().unwrap();
        let d = rules.default_profile();
        assert_eq!(d.profile.id, DEFAULT_PROFILE);
        let z = rules.profile("zhoucun-2018").unwrap();
        let send = |p: &RuleProfile, id: &str| p.rule(id).unwrap().duration;
        assert_eq!(send(d, "transfer.send").count(), 3);
        assert_eq!(send(z, "transfer.send").count(), 2);
        assert_eq!(send(d, "transfer.accept_reply").count(), 3);
        assert_eq!(send(z, "transfer.accept_reply").count(), 5);
        assert_eq!(z.rule("transfer.send").unwrap().source.seed, "003");
        for p in rules.all() {
            assert!(p.rule("supervision_order.respond").is_some());
            for r in &p.rules {
                assert!(!r.source.quote.is_empty(), "{} has a source", r.id);
            }
        }
    }

    #[test]
    fn a_profile_with_a_gap_is_refused_by_name() {
        let z = BUILTIN[1].1;
        let start = z.find("id = \"data_request.answer\"").unwrap();
        let block_start = z[..start].rfind("[[rule]]").unwrap();
        let block_end = z[start..]
            .find("[[rule]]")
            .map(|e| start + e)
            .unwrap_or(z.len());
        let gap = format!("{}{}", &z[..block_start], &z[block_end..]);
        let e = Rules::from_texts(&[BUILTIN[0], ("gap.toml", &gap)]).unwrap_err();
        assert!(e.to_string().contains("data_request.answer"), "{e}");
    }
}
