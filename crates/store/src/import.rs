//! CSV import of orgs and people: every row is checked first; when any row is bad, the
//! report lists every bad row and nothing is written. A good file is written in one
//! transaction.

use crate::orgs::{self, NewOrg};
use crate::people::{self, NewCertificate, NewPerson};
use crate::{Store, StoreError, Writer};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use xiezhi_domain::codes::parse_name;
use xiezhi_domain::{
    CertificateNumber, CodeError, DivisionCode, Login, OrgCode, OrgKind, OrgLevel, PhoneNumber,
    Role,
};

/// Header of an orgs file.
pub const ORG_HEADER: &[&str] = &[
    "code",
    "name",
    "kind",
    "level",
    "parent_code",
    "division_code",
];
/// Header of a people file.
pub const PEOPLE_HEADER: &[&str] = &[
    "login",
    "name",
    "org_code",
    "roles",
    "phone",
    "certificate_number",
    "certificate_domains",
    "certificate_valid_until",
    "training_year",
    "training_hours",
];

/// One bad row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Line number in the file (the header is line 1).
    pub line: usize,
    /// The column.
    pub field: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Some rows are bad.
    #[error("导入文件有 {} 处错误，未写入任何数据", .0.len())]
    Rows(Vec<RowError>),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A CSV row: its line number and its fields by column name.
pub(crate) type Record = (usize, HashMap<String, String>);

/// Rows of a CSV file by line number, and the problems found reading it.
pub(crate) struct Rows {
    pub(crate) records: Vec<Record>,
    pub(crate) errors: Vec<RowError>,
}

/// A row error.
pub(crate) fn err(line: usize, field: &str, message: impl Into<String>) -> RowError {
    RowError {
        line,
        field: field.into(),
        message: message.into(),
    }
}

/// Read a CSV file with a required header.
pub(crate) fn read_rows(text: &str, header: &[&str]) -> Rows {
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Rows {
        records: vec![],
        errors: vec![],
    };
    let names: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            rows.errors
                .push(err(1, "header", format!("无法读取表头：{e}")));
            return rows;
        }
    };
    for want in header {
        if !names.iter().any(|n| n == want) {
            rows.errors.push(err(
                1,
                want,
                format!("表头缺少列 {want}（应为：{}）", header.join(",")),
            ));
        }
    }
    if !rows.errors.is_empty() {
        return rows;
    }
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        match rec {
            Ok(r) if r.iter().all(str::is_empty) => {}
            Ok(r) if r.len() != names.len() => rows.errors.push(err(
                line,
                "row",
                format!("列数为 {}，应为 {}", r.len(), names.len()),
            )),
            Ok(r) => rows.records.push((
                line,
                names
                    .iter()
                    .cloned()
                    .zip(r.iter().map(str::to_owned))
                    .collect(),
            )),
            Err(e) => rows.errors.push(err(line, "row", format!("无法解析：{e}"))),
        }
    }
    if rows.records.is_empty() && rows.errors.is_empty() {
        rows.errors.push(err(1, "file", "文件没有数据行"));
    }
    rows
}

fn code<T>(line: usize, r: Result<T, CodeError>, errors: &mut Vec<RowError>) -> Option<T> {
    r.map_err(|e| errors.push(err(line, e.field(), e.to_string())))
        .ok()
}

/// Import orgs from CSV text (header [`ORG_HEADER`]). Returns the number written.
/// Every parent must lie under `scope` (an org path; `/` for everything) or come earlier in
/// the file; a row without a parent needs scope `/`.
pub async fn import_orgs(
    store: &Store,
    w: Writer,
    text: &str,
    scope: &str,
) -> Result<usize, ImportError> {
    let Rows {
        records,
        mut errors,
    } = read_rows(text, ORG_HEADER);
    let mut parsed = vec![];
    let mut seen = HashSet::new();
    for (line, r) in &records {
        let line = *line;
        let f = |k: &str| r.get(k).cloned().unwrap_or_default();
        let c = code(line, OrgCode::parse(&f("code")), &mut errors);
        let name = code(line, parse_name(&f("name"), "name"), &mut errors);
        let kind = OrgKind::parse(&f("kind"));
        if kind.is_none() {
            errors.push(err(line, "kind", format!("未知的机构类型：{}", f("kind"))));
        }
        let level = OrgLevel::parse(&f("level"));
        if level.is_none() {
            errors.push(err(line, "level", format!("未知的层级：{}", f("level"))));
        }
        let div = code(line, DivisionCode::parse(&f("division_code")), &mut errors);
        let parent = f("parent_code");
        if let Some(c) = &c {
            if !seen.insert(c.to_string()) {
                errors.push(err(line, "code", format!("机构代码 {c} 在文件中重复")));
            } else if store.org_by_code(c.as_str()).await?.is_some() {
                errors.push(err(line, "code", format!("机构代码 {c} 已存在")));
            }
        }
        if parent.is_empty() {
            if scope != "/" {
                errors.push(err(
                    line,
                    "parent_code",
                    "只能导入本级政府下属的机构，上级机构不能为空",
                ));
            }
        } else if !seen.contains(&parent) {
            match store.org_by_code(&parent).await? {
                None => errors.push(err(
                    line,
                    "parent_code",
                    format!("上级机构 {parent} 不存在（上级须已存在或在文件中先出现）"),
                )),
                Some(p) if !p.path.starts_with(scope) => errors.push(err(
                    line,
                    "parent_code",
                    format!("上级机构 {parent} 不在您的管理范围内"),
                )),
                Some(_) => {}
            }
        }
        if let (Some(c), Some(name), Some(kind), Some(level), Some(div)) =
            (c, name, kind, level, div)
        {
            parsed.push((line, c, name, kind, level, parent, div));
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let mut w = w;
    let mut ids: HashMap<String, i64> = HashMap::new();
    let n = parsed.len();
    for (line, code, name, kind, level, parent, div) in parsed {
        let parent_id = if parent.is_empty() {
            None
        } else if let Some(id) = ids.get(&parent) {
            Some(*id)
        } else {
            store.org_by_code(&parent).await?.map(|o| o.id)
        };
        let new = NewOrg {
            code: code.clone(),
            name,
            kind,
            level,
            parent_id,
            division_code: div,
        };
        match orgs::create(&mut w, new).await {
            Ok(m) => {
                ids.insert(code.to_string(), m.id);
            }
            Err(StoreError::Invalid { field, message }) => {
                return Err(ImportError::Rows(vec![err(line, &field, message)]));
            }
            Err(e) => return Err(e.into()),
        }
    }
    w.commit().await?;
    Ok(n)
}

struct PersonRow {
    line: usize,
    person: NewPerson,
    cert: Option<NewCertificate>,
    training: Option<(i32, i32)>,
}

/// Import people from CSV text (header [`PEOPLE_HEADER`]). Imported people have no password
/// until a security administrator sets one. Returns the number written.
/// Every org must lie under `scope`; administrator roles cannot be imported (they are granted
/// one by one by the security administrator).
pub async fn import_people(
    store: &Store,
    w: Writer,
    text: &str,
    scope: &str,
) -> Result<usize, ImportError> {
    let Rows {
        records,
        mut errors,
    } = read_rows(text, PEOPLE_HEADER);
    let mut parsed = vec![];
    let mut seen = HashSet::new();
    let mut seen_certs = HashSet::new();
    for (line, r) in &records {
        let line = *line;
        let f = |k: &str| r.get(k).cloned().unwrap_or_default();
        let login = code(line, Login::parse(&f("login")), &mut errors);
        let name = code(line, parse_name(&f("name"), "name"), &mut errors);
        let org = match store.org_by_code(&f("org_code")).await? {
            Some(o) if !o.path.starts_with(scope) => {
                errors.push(err(
                    line,
                    "org_code",
                    format!("机构 {} 不在您的管理范围内", f("org_code")),
                ));
                None
            }
            Some(o) if o.active => Some(o.id),
            Some(_) => {
                errors.push(err(
                    line,
                    "org_code",
                    format!("机构 {} 已停用", f("org_code")),
                ));
                None
            }
            None => {
                errors.push(err(
                    line,
                    "org_code",
                    format!("机构 {} 不存在", f("org_code")),
                ));
                None
            }
        };
        let mut roles = vec![];
        for r in f("roles")
            .split([';', '|', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match Role::parse(r) {
                Some(role) => roles.push(role),
                None => errors.push(err(line, "roles", format!("未知的角色：{r}"))),
            }
        }
        if roles.iter().any(|r| r.is_admin()) {
            errors.push(err(
                line,
                "roles",
                "管理员角色不能批量导入，须由安全管理员单独授予",
            ));
        } else if let Err(m) = xiezhi_domain::role::check_role_set(&roles) {
            errors.push(err(line, "roles", m));
        }
        let phone = match f("phone").as_str() {
            "" => None,
            p => code(line, PhoneNumber::parse(p), &mut errors),
        };
        let cert = match f("certificate_number").as_str() {
            "" => None,
            n => {
                let number = code(line, CertificateNumber::parse(n), &mut errors);
                let until = NaiveDate::parse_from_str(&f("certificate_valid_until"), "%Y-%m-%d")
                    .map_err(|_| {
                        errors.push(err(
                            line,
                            "certificate_valid_until",
                            "有效期应为 YYYY-MM-DD 格式的日期",
                        ))
                    })
                    .ok();
                let domains: Vec<String> = f("certificate_domains")
                    .split([';', '|', '；'])
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect();
                if let Some(n) = &number
                    && !seen_certs.insert(n.to_string())
                {
                    errors.push(err(line, "certificate_number", "执法证号在文件中重复"));
                }
                number
                    .zip(until)
                    .map(|(number, valid_until)| NewCertificate {
                        number,
                        domains,
                        valid_until,
                    })
            }
        };
        let training = match (f("training_year").as_str(), f("training_hours").as_str()) {
            ("", "") => None,
            (y, h) => match (y.parse::<i32>(), h.parse::<i32>()) {
                (Ok(y), Ok(h)) if (2000..=2100).contains(&y) && (0..=2000).contains(&h) => {
                    Some((y, h))
                }
                _ => {
                    errors.push(err(line, "training_hours", "培训年度和学时应为有效整数"));
                    None
                }
            },
        };
        if let Some(l) = &login {
            if !seen.insert(l.to_string()) {
                errors.push(err(line, "login", format!("登录名 {l} 在文件中重复")));
            } else if store.person_by_login(l.as_str()).await?.is_some() {
                errors.push(err(line, "login", format!("登录名 {l} 已被使用")));
            }
        }
        if let (Some(login), Some(name), Some(org_id)) = (login, name, org) {
            parsed.push(PersonRow {
                line,
                person: NewPerson {
                    login,
                    name,
                    org_id,
                    roles,
                    phone,
                    password_hash: None,
                },
                cert,
                training,
            });
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let mut w = w;
    let n = parsed.len();
    for row in parsed {
        let line = row.line;
        let res = async {
            let p = people::create(&mut w, row.person).await?;
            if let Some(c) = row.cert {
                people::add_certificate(&mut w, p.id, c).await?;
            }
            if let Some((y, h)) = row.training {
                people::set_training(&mut w, p.id, y, h).await?;
            }
            Ok::<_, StoreError>(())
        }
        .await;
        match res {
            Ok(()) => {}
            Err(StoreError::Invalid { field, message }) => {
                return Err(ImportError::Rows(vec![err(line, &field, message)]));
            }
            Err(e) => return Err(e.into()),
        }
    }
    w.commit().await?;
    Ok(n)
}
