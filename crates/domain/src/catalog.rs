//! The enforcement-matter catalog (权责清单): items, their discretion benchmarks, and who
//! holds each item in each division and how (assignments). Pure: the store loads the rows,
//! this module decides.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// Kind of enforcement matter.
    ItemKind {
        /// Administrative penalty (行政处罚).
        Penalty = "penalty" / "行政处罚",
        /// Administrative inspection (行政检查).
        Inspection = "inspection" / "行政检查",
        /// Administrative coercive measure (行政强制措施).
        CoerciveMeasure = "coercive_measure" / "行政强制措施",
        /// Other (其他).
        Other = "other" / "其他",
    }
);

crate::term_enum!(
    /// How an org holds an item in a division.
    AssignmentMode {
        /// Granted (赋权): the holder (a township) is the legal subject and bears responsibility.
        Granted = "granted" / "赋权",
        /// Entrusted (委托): the holder acts in the entrusting org's name by a letter; the
        /// entrusting org stays legally responsible and supervises.
        Entrusted = "entrusted" / "委托",
        /// Cooperation (配合): the holder (the department or bureau) is responsible; the
        /// township assists.
        Cooperation = "cooperation" / "配合",
        /// Retained (保留): the holder keeps the item.
        Retained = "retained" / "保留",
    }
);

crate::term_enum!(
    /// Catalog sets (清单): tags over items.
    CatalogSet {
        /// Provincial unified catalog of comprehensive enforcement (省统一目录).
        Provincial = "provincial" / "省统一目录",
        /// Local extension catalog (地方扩展目录).
        Local = "local" / "地方扩展目录",
        /// Township catalog, must be delegated (乡镇必赋事项).
        TownshipMust = "township_must" / "乡镇必赋事项",
        /// Township catalog, may be delegated (乡镇可选事项).
        TownshipOptional = "township_optional" / "乡镇可选事项",
        /// A department's own catalog (部门清单).
        Department = "department" / "部门清单",
    }
);

/// One tier of a discretion benchmark (裁量基准).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscretionTier {
    /// Tier name (轻微, 一般, 较重, 严重).
    pub name: String,
    /// When it applies.
    pub condition: String,
    /// Lowest fine (yuan).
    pub min: i64,
    /// Highest fine (yuan).
    pub max: i64,
    /// Recommended fine (yuan).
    pub recommended: i64,
}

/// Parse `名称/条件/最低-最高/推荐|…` (empty text: no benchmark).
pub fn parse_discretion(s: &str) -> Result<Vec<DiscretionTier>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(vec![]);
    }
    let mut tiers = vec![];
    for (i, part) in s.split('|').enumerate() {
        let fields: Vec<&str> = part.split('/').map(str::trim).collect();
        let [name, condition, range, rec] = fields[..] else {
            return Err(format!("第 {} 档应为 名称/条件/最低-最高/推荐", i + 1));
        };
        let (min, max) = range
            .split_once('-')
            .ok_or_else(|| format!("第 {} 档的幅度应为 最低-最高", i + 1))?;
        let num = |v: &str| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| format!("第 {} 档的金额“{v}”不是整数", i + 1))
        };
        let (min, max, recommended) = (num(min)?, num(max)?, num(rec)?);
        if name.is_empty() || min < 0 || min > recommended || recommended > max {
            return Err(format!(
                "第 {} 档应满足 0 ≤ 最低 ≤ 推荐 ≤ 最高，且须有名称",
                i + 1
            ));
        }
        tiers.push(DiscretionTier {
            name: name.into(),
            condition: condition.into(),
            min,
            max,
            recommended,
        });
    }
    Ok(tiers)
}

/// Write tiers back in the import format.
pub fn format_discretion(tiers: &[DiscretionTier]) -> String {
    tiers
        .iter()
        .map(|t| {
            format!(
                "{}/{}/{}-{}/{}",
                t.name, t.condition, t.min, t.max, t.recommended
            )
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// An assignment as the decisions below need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Row id.
    pub id: i64,
    /// Division code it applies in.
    pub division_code: String,
    /// Who holds it.
    pub holder_org_id: i64,
    /// How.
    pub mode: AssignmentMode,
    /// Who bears legal responsibility.
    pub responsible_org_id: i64,
    /// Who supervises.
    pub supervising_org_id: i64,
    /// Entrustment letter validity (for `entrusted`).
    pub letter_valid_until: Option<NaiveDate>,
    /// From (inclusive).
    pub effective_from: NaiveDate,
    /// To (inclusive), if ended.
    pub effective_to: Option<NaiveDate>,
}

impl Assignment {
    /// Whether it is in force on a date.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}

/// The assignment that applies in `division` on `date`: the one of the most specific
/// division containing it (a township's beats the county's).
pub fn applicable<'a>(
    assignments: &'a [Assignment],
    division: &crate::DivisionCode,
    date: NaiveDate,
) -> Option<&'a Assignment> {
    assignments
        .iter()
        .filter(|a| a.in_force(date))
        .filter(|a| {
            crate::DivisionCode::parse(&a.division_code).is_ok_and(|d| d.contains(division))
        })
        .max_by_key(|a| significant_len(&a.division_code))
}

fn significant_len(code: &str) -> usize {
    crate::DivisionCode::parse(code)
        .map(|d| d.significant_prefix().len())
        .unwrap_or(0)
}

/// The holder one level up (the county-wide holder that delegated to a township), if any.
fn delegator(
    assignments: &[Assignment],
    division: &crate::DivisionCode,
    date: NaiveDate,
) -> Option<i64> {
    let mut containing: Vec<&Assignment> = assignments
        .iter()
        .filter(|a| a.in_force(date))
        .filter(|a| {
            crate::DivisionCode::parse(&a.division_code).is_ok_and(|d| d.contains(division))
        })
        .collect();
    containing.sort_by_key(|a| std::cmp::Reverse(significant_len(&a.division_code)));
    containing.get(1).map(|a| a.holder_org_id)
}

/// Whether two date ranges overlap (None: open-ended).
pub fn overlaps(
    a_from: NaiveDate,
    a_to: Option<NaiveDate>,
    b_from: NaiveDate,
    b_to: Option<NaiveDate>,
) -> bool {
    a_to.is_none_or(|at| b_from <= at) && b_to.is_none_or(|bt| a_from <= bt)
}

/// The answer to "may this org file a penalty case under this item here on this date?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PenaltyCheck {
    /// Yes or no.
    pub allowed: bool,
    /// Why, in Chinese.
    pub reason: String,
}

/// Only the holder of the applicable assignment may penalise; a department that granted or
/// entrusted the item keeps inspection and supervision but may not penalise. An entrustment
/// past its letter's validity falls back to the entrusting (responsible) org.
pub fn may_penalise(
    assignments: &[Assignment],
    org_id: i64,
    division: &crate::DivisionCode,
    date: NaiveDate,
) -> PenaltyCheck {
    let Some(a) = applicable(assignments, division, date) else {
        return PenaltyCheck {
            allowed: false,
            reason: "该事项在此区域没有承接机构，请报执法办指定管辖".into(),
        };
    };
    let expired = a.mode == AssignmentMode::Entrusted
        && a.letter_valid_until.is_some_and(|until| date > until);
    let competent = if expired {
        a.responsible_org_id
    } else {
        a.holder_org_id
    };
    let allowed = org_id == competent;
    let reason = match (allowed, a.mode, expired) {
        (true, _, true) => "委托已过期限，由委托机关自行处罚".into(),
        (true, mode, _) => format!("本机构以“{}”方式承接该事项", mode.label()),
        (false, _, true) => "委托已过期限，应由委托机关处罚".into(),
        (false, AssignmentMode::Granted | AssignmentMode::Entrusted, _)
            if org_id == a.responsible_org_id
                || org_id == a.supervising_org_id
                || delegator(assignments, division, date) == Some(org_id) =>
        {
            format!(
                "该事项已{}给承接机构，本机构保留检查和监督职责，不得再以此立案处罚",
                a.mode.label()
            )
        }
        (false, _, _) => "本机构不是该事项在此区域的承接机构".into(),
    };
    PenaltyCheck { allowed, reason }
}

/// An in-memory routing table: every assignment by item code, for answering many
/// `resolve` questions without the database (rebuild it after an import).
#[derive(Debug, Clone, Default)]
pub struct RoutingIndex {
    by_item: std::collections::HashMap<String, Vec<Assignment>>,
}

impl RoutingIndex {
    /// Build from (item code, assignment) pairs.
    pub fn build(rows: impl IntoIterator<Item = (String, Assignment)>) -> RoutingIndex {
        let mut by_item: std::collections::HashMap<String, Vec<Assignment>> = Default::default();
        for (code, a) in rows {
            by_item.entry(code).or_default().push(a);
        }
        RoutingIndex { by_item }
    }

    /// The assignment that applies to an item in a division on a date.
    pub fn resolve(
        &self,
        item_code: &str,
        division: &crate::DivisionCode,
        date: NaiveDate,
    ) -> Option<&Assignment> {
        applicable(self.by_item.get(item_code)?, division, date)
    }

    /// Number of items indexed.
    pub fn len(&self) -> usize {
        self.by_item.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_item.is_empty()
    }
}

/// Reform indicators computed from the catalog (seed 004 §二: the comprehensive enforcement
/// bureau holds at least 22% of enforcement items and covers at least 60% of domains;
/// townships take over every must-delegate item).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicators {
    /// Items in force.
    pub items: usize,
    /// Items the comprehensive enforcement bureau holds county-wide.
    pub bureau_items: usize,
    /// `bureau_items / items`.
    pub bureau_share: f64,
    /// Target share (0.22).
    pub bureau_share_target: f64,
    /// Domains in the catalog.
    pub domains: usize,
    /// Domains with at least one item held by the bureau.
    pub bureau_domains: usize,
    /// `bureau_domains / domains`.
    pub domain_share: f64,
    /// Target share (0.60).
    pub domain_share_target: f64,
    /// Must-delegate items.
    pub must_items: usize,
    /// Per township.
    pub townships: Vec<TownshipIndicator>,
}

/// One township's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TownshipIndicator {
    /// Division code.
    pub division_code: String,
    /// Items the township holds (granted or entrusted).
    pub items: usize,
    /// Of which granted.
    pub granted: usize,
    /// Of which entrusted.
    pub entrusted: usize,
    /// Must-delegate items it holds.
    pub must_held: usize,
    /// `must_held / must_items` (1.0 when there are none).
    pub must_coverage: f64,
}

/// Inputs for [`indicators`]: an item in force.
#[derive(Debug, Clone)]
pub struct IndicatorItem {
    /// Code.
    pub code: String,
    /// Domain.
    pub domain: String,
    /// In the must-delegate set.
    pub must_delegate: bool,
}

fn share(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Compute the indicators from the items in force, the assignments in force (with their item
/// codes), the bureau's org ids and the townships' division codes.
pub fn indicators(
    items: &[IndicatorItem],
    assignments: &[(String, Assignment)],
    bureau: &[i64],
    townships: &[String],
) -> Indicators {
    use std::collections::HashSet;
    let county_held: HashSet<&str> = assignments
        .iter()
        .filter(|(_, a)| bureau.contains(&a.holder_org_id) && a.division_code.len() == 6)
        .map(|(code, _)| code.as_str())
        .collect();
    let bureau_items = items
        .iter()
        .filter(|i| county_held.contains(i.code.as_str()))
        .count();
    let domains: HashSet<&str> = items.iter().map(|i| i.domain.as_str()).collect();
    let bureau_domains: HashSet<&str> = items
        .iter()
        .filter(|i| county_held.contains(i.code.as_str()))
        .map(|i| i.domain.as_str())
        .collect();
    let must: HashSet<&str> = items
        .iter()
        .filter(|i| i.must_delegate)
        .map(|i| i.code.as_str())
        .collect();
    let townships = townships
        .iter()
        .map(|div| {
            let held: Vec<&(String, Assignment)> = assignments
                .iter()
                .filter(|(_, a)| &a.division_code == div)
                .filter(|(_, a)| {
                    matches!(a.mode, AssignmentMode::Granted | AssignmentMode::Entrusted)
                })
                .collect();
            let must_held = held
                .iter()
                .filter(|(c, _)| must.contains(c.as_str()))
                .count();
            TownshipIndicator {
                division_code: div.clone(),
                items: held.len(),
                granted: held
                    .iter()
                    .filter(|(_, a)| a.mode == AssignmentMode::Granted)
                    .count(),
                entrusted: held
                    .iter()
                    .filter(|(_, a)| a.mode == AssignmentMode::Entrusted)
                    .count(),
                must_held,
                must_coverage: if must.is_empty() {
                    1.0
                } else {
                    share(must_held, must.len())
                },
            }
        })
        .collect();
    Indicators {
        items: items.len(),
        bureau_items,
        bureau_share: share(bureau_items, items.len()),
        bureau_share_target: 0.22,
        domains: domains.len(),
        bureau_domains: bureau_domains.len(),
        domain_share: share(bureau_domains.len(), domains.len()),
        domain_share_target: 0.60,
        must_items: must.len(),
        townships,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::DivisionCode;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn a(
        id: i64,
        div: &str,
        holder: i64,
        mode: AssignmentMode,
        resp: i64,
        from: &str,
    ) -> Assignment {
        Assignment {
            id,
            division_code: div.into(),
            holder_org_id: holder,
            mode,
            responsible_org_id: resp,
            supervising_org_id: 9,
            letter_valid_until: None,
            effective_from: d(from),
            effective_to: None,
        }
    }

    const BUREAU: i64 = 2;
    const TOWN: i64 = 5;
    const DEPT: i64 = 9;

    #[test]
    fn the_most_specific_division_in_force_applies() {
        let county = a(
            1,
            "339901",
            BUREAU,
            AssignmentMode::Retained,
            BUREAU,
            "2022-01-01",
        );
        let town = a(
            2,
            "339901001",
            TOWN,
            AssignmentMode::Granted,
            TOWN,
            "2023-01-01",
        );
        let all = [county, town];
        let cd = DivisionCode::parse("339901001").unwrap();
        assert_eq!(
            applicable(&all, &cd, d("2022-06-01")).unwrap().id,
            1,
            "before the grant"
        );
        assert_eq!(applicable(&all, &cd, d("2023-06-01")).unwrap().id, 2);
        let other = DivisionCode::parse("339901002").unwrap();
        assert_eq!(applicable(&all, &other, d("2023-06-01")).unwrap().id, 1);
        assert!(
            applicable(
                &all,
                &DivisionCode::parse("339902").unwrap(),
                d("2023-06-01")
            )
            .is_none()
        );
    }

    #[test]
    fn every_mode_decides_who_may_penalise() {
        let cd = DivisionCode::parse("339901001").unwrap();
        let on = d("2024-01-01");
        let granted = [a(
            1,
            "339901001",
            TOWN,
            AssignmentMode::Granted,
            TOWN,
            "2023-01-01",
        )];
        assert!(may_penalise(&granted, TOWN, &cd, on).allowed);
        let no = may_penalise(&granted, DEPT, &cd, on);
        assert!(
            !no.allowed && no.reason.contains("检查和监督"),
            "{}",
            no.reason
        );

        let mut ent = a(
            2,
            "339901001",
            TOWN,
            AssignmentMode::Entrusted,
            BUREAU,
            "2023-01-01",
        );
        ent.letter_valid_until = Some(d("2024-12-31"));
        let entrusted = [ent];
        assert!(may_penalise(&entrusted, TOWN, &cd, on).allowed);
        assert!(!may_penalise(&entrusted, BUREAU, &cd, on).allowed);
        let later = d("2025-03-01");
        assert!(
            !may_penalise(&entrusted, TOWN, &cd, later).allowed,
            "the letter expired"
        );
        assert!(may_penalise(&entrusted, BUREAU, &cd, later).allowed);

        let coop = [a(
            3,
            "339901001",
            BUREAU,
            AssignmentMode::Cooperation,
            BUREAU,
            "2023-01-01",
        )];
        assert!(may_penalise(&coop, BUREAU, &cd, on).allowed);
        assert!(!may_penalise(&coop, TOWN, &cd, on).allowed);

        let kept = [a(
            4,
            "339901",
            DEPT,
            AssignmentMode::Retained,
            DEPT,
            "2022-01-01",
        )];
        assert!(may_penalise(&kept, DEPT, &cd, on).allowed);
        let none = may_penalise(&[], DEPT, &cd, on);
        assert!(!none.allowed && none.reason.contains("执法办"));
    }

    #[test]
    fn discretion_benchmarks_parse_and_print_back() {
        let text = "轻微/首次且及时改正/0-0/0|一般/影响较小/500-2000/1000";
        let tiers = parse_discretion(text).unwrap();
        assert_eq!(tiers.len(), 2);
        assert_eq!(tiers[1].recommended, 1000);
        assert_eq!(format_discretion(&tiers), text);
        assert!(parse_discretion("一般/x/2000-500/1000").is_err());
        assert!(parse_discretion("一般/x/500-2000").is_err());
        assert!(
            parse_discretion("一般/x/a-2000/1000")
                .unwrap_err()
                .contains("不是整数")
        );
        assert!(parse_discretion("").unwrap().is_empty());
    }

    #[test]
    fn open_ranges_overlap_as_expected() {
        assert!(overlaps(d("2022-01-01"), None, d("2023-01-01"), None));
        assert!(!overlaps(
            d("2022-01-01"),
            Some(d("2022-12-31")),
            d("2023-01-01"),
            None
        ));
        assert!(overlaps(
            d("2022-01-01"),
            Some(d("2023-01-01")),
            d("2023-01-01"),
            None
        ));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod indicator_tests {
    use super::*;

    #[test]
    fn indicators_count_the_bureaus_share_and_township_coverage() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let item = |c: &str, dom: &str, must| IndicatorItem {
            code: c.into(),
            domain: dom.into(),
            must_delegate: must,
        };
        let items = [
            item("A", "城管", true),
            item("B", "城管", false),
            item("C", "环保", true),
            item("D", "农业", false),
        ];
        let a = |div: &str, holder, mode| Assignment {
            id: 0,
            division_code: div.into(),
            holder_org_id: holder,
            mode,
            responsible_org_id: holder,
            supervising_org_id: holder,
            letter_valid_until: None,
            effective_from: d("2022-01-01"),
            effective_to: None,
        };
        let rows = vec![
            ("A".to_string(), a("339901", 2, AssignmentMode::Retained)),
            ("B".to_string(), a("339901", 2, AssignmentMode::Retained)),
            ("C".to_string(), a("339901", 9, AssignmentMode::Retained)),
            ("A".to_string(), a("339901001", 5, AssignmentMode::Granted)),
            (
                "C".to_string(),
                a("339901001", 5, AssignmentMode::Entrusted),
            ),
            ("A".to_string(), a("339901002", 6, AssignmentMode::Granted)),
        ];
        let i = indicators(
            &items,
            &rows,
            &[2],
            &["339901001".into(), "339901002".into()],
        );
        assert_eq!(
            (
                i.items,
                i.bureau_items,
                i.domains,
                i.bureau_domains,
                i.must_items
            ),
            (4, 2, 3, 1, 2)
        );
        assert!((i.bureau_share - 0.5).abs() < 1e-9);
        assert_eq!((i.townships[0].items, i.townships[0].must_held), (2, 2));
        assert!((i.townships[0].must_coverage - 1.0).abs() < 1e-9);
        assert!((i.townships[1].must_coverage - 0.5).abs() < 1e-9);
    }
}
