//! Parse-don't-validate newtypes for the codes that have a format.
//! A value of one of these types has been checked; only such values reach the store.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a code was refused. Messages are Chinese because they reach users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The value is empty.
    #[error("{field}不能为空")]
    Empty {
        /// Which field.
        field: &'static str,
    },
    /// The value does not have the required format.
    #[error("{field}格式不正确：{reason}")]
    Format {
        /// Which field.
        field: &'static str,
        /// What is wrong, in Chinese.
        reason: &'static str,
    },
}

impl CodeError {
    /// The field the error is about (a stable machine name).
    pub fn field(&self) -> &'static str {
        match self {
            CodeError::Empty { field } | CodeError::Format { field, .. } => field,
        }
    }
}

macro_rules! string_newtype {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The checked value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(v: String) -> Result<Self, CodeError> {
                $name::parse(&v)
            }
        }
        impl std::str::FromStr for $name {
            type Err = CodeError;
            fn from_str(v: &str) -> Result<Self, CodeError> {
                $name::parse(v)
            }
        }
    };
}

string_newtype!(
    /// Administrative division code (行政区划代码): 6 digits (county level and above) or
    /// 9/12 digits (township and village level, statistical code), with a valid province prefix.
    DivisionCode
);
string_newtype!(
    /// An organisation's short code, unique in the system: 2–32 of `A-Z a-z 0-9 - _ .`.
    OrgCode
);
string_newtype!(
    /// A sign-in name: 2–32 of `a-z 0-9 . _ -`, starting with a letter.
    Login
);
string_newtype!(
    /// A mainland mobile or landline phone number (digits, optional `-`, 7–20 characters).
    PhoneNumber
);
string_newtype!(
    /// Enforcement certificate number (执法证号): 4–32 letters, digits or `-`.
    CertificateNumber
);

const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

impl DivisionCode {
    /// Parse a division code.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        const F: &str = "division_code";
        let s = s.trim();
        if s.is_empty() {
            return Err(CodeError::Empty { field: F });
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) || ![6, 9, 12].contains(&s.len()) {
            return Err(CodeError::Format {
                field: F,
                reason: "应为6位、9位或12位数字",
            });
        }
        let province = (s.as_bytes()[0] - b'0') * 10 + (s.as_bytes()[1] - b'0');
        if !PROVINCES.contains(&province) {
            return Err(CodeError::Format {
                field: F,
                reason: "前两位不是有效的省级代码",
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// Whether `other` lies inside this division (same code or a longer code with this prefix,
    /// ignoring trailing zero groups).
    pub fn contains(&self, other: &DivisionCode) -> bool {
        other.0.starts_with(self.significant_prefix())
    }

    /// The code without its trailing zero groups: `330000` → `33`, `339901001000` → `339901001`.
    pub fn significant_prefix(&self) -> &str {
        let mut s = self.0.as_str();
        while s.len() > 6 && s.ends_with("000") {
            s = &s[..s.len() - 3];
        }
        if s.len() == 6 {
            if s.ends_with("0000") {
                return &s[..2];
            }
            if s.ends_with("00") {
                return &s[..4];
            }
        }
        s
    }
}

fn check_chars(
    s: &str,
    field: &'static str,
    min: usize,
    max: usize,
    ok: impl Fn(char) -> bool,
    reason: &'static str,
) -> Result<String, CodeError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(CodeError::Empty { field });
    }
    let n = s.chars().count();
    if n < min || n > max || !s.chars().all(ok) {
        return Err(CodeError::Format { field, reason });
    }
    Ok(s.to_owned())
}

impl OrgCode {
    /// Parse an org code.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        check_chars(
            s,
            "code",
            2,
            32,
            |c| c.is_ascii_alphanumeric() || "-_.".contains(c),
            "应为2至32位字母、数字或 - _ .",
        )
        .map(Self)
    }
}

impl Login {
    /// Parse a sign-in name (lower-cased).
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let lower = s.trim().to_ascii_lowercase();
        let v = check_chars(
            &lower,
            "login",
            2,
            32,
            |c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c),
            "应为2至32位小写字母、数字或 . _ -",
        )?;
        if !v.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(CodeError::Format {
                field: "login",
                reason: "应以字母开头",
            });
        }
        Ok(Self(v))
    }
}

string_newtype!(
    /// Resident identity card number (公民身份号码, GB 11643): 18 characters, a valid birth
    /// date and the check character. Personal data: mask it outside the case's handlers.
    IdNumber
);
string_newtype!(
    /// Unified social credit code of an organisation (统一社会信用代码, GB 32100): 18
    /// characters from `0-9A-Y` without I, O, S, V, Z, with the check character.
    CreditCode
);

impl IdNumber {
    /// Parse an ID number (a lower-case `x` is accepted and upper-cased).
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        const FIELD: &str = "id_number";
        let v = s.trim().to_ascii_uppercase();
        if v.is_empty() {
            return Err(CodeError::Empty { field: FIELD });
        }
        let b = v.as_bytes();
        if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
            return Err(CodeError::Format {
                field: FIELD,
                reason: "应为18位，前17位为数字",
            });
        }
        let date = chrono::NaiveDate::parse_from_str(&v[6..14], "%Y%m%d");
        if date.is_err() {
            return Err(CodeError::Format {
                field: FIELD,
                reason: "出生日期无效",
            });
        }
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = b[..17]
            .iter()
            .zip(W)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        let check = b"10X98765432"[(sum % 11) as usize];
        if b[17] != check {
            return Err(CodeError::Format {
                field: FIELD,
                reason: "校验码不正确",
            });
        }
        Ok(Self(v))
    }
}

impl CreditCode {
    /// Parse a unified social credit code (upper-cased).
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        const FIELD: &str = "credit_code";
        const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        const W: [usize; 17] = [
            1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
        ];
        let v = s.trim().to_ascii_uppercase();
        if v.is_empty() {
            return Err(CodeError::Empty { field: FIELD });
        }
        let idx: Option<Vec<usize>> = v
            .bytes()
            .map(|c| CHARS.iter().position(|x| *x == c))
            .collect();
        let Some(idx) = idx.filter(|i| i.len() == 18) else {
            return Err(CodeError::Format {
                field: FIELD,
                reason: "应为18位数字或大写字母（不含 I、O、S、V、Z）",
            });
        };
        let sum: usize = idx[..17].iter().zip(W).map(|(d, w)| d * w).sum();
        let check = (31 - sum % 31) % 31;
        if idx[17] != check {
            return Err(CodeError::Format {
                field: FIELD,
                reason: "校验码不正确",
            });
        }
        Ok(Self(v))
    }
}

impl PhoneNumber {
    /// Parse a phone number.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let v = check_chars(
            s,
            "phone",
            7,
            20,
            |c| c.is_ascii_digit() || c == '-',
            "应为7至20位数字或 -",
        )?;
        if v.chars().filter(char::is_ascii_digit).count() < 7 {
            return Err(CodeError::Format {
                field: "phone",
                reason: "数字位数不足",
            });
        }
        Ok(Self(v))
    }
}

impl CertificateNumber {
    /// Parse a certificate number (upper-cased).
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let upper = s.trim().to_ascii_uppercase();
        check_chars(
            &upper,
            "certificate_number",
            4,
            32,
            |c| c.is_ascii_alphanumeric() || c == '-',
            "应为4至32位字母、数字或 -",
        )
        .map(Self)
    }
}

/// Check a non-empty display name (names of people and orgs): 1–64 characters, no control chars.
pub fn parse_name(s: &str, field: &'static str) -> Result<String, CodeError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(CodeError::Empty { field });
    }
    if s.chars().count() > 64 || s.chars().any(char::is_control) {
        return Err(CodeError::Format {
            field,
            reason: "长度不超过64个字符且不含控制字符",
        });
    }
    Ok(s.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn division_codes_of_six_nine_or_twelve_digits_with_a_real_province_are_accepted() {
        for ok in ["330000", "339901", "339901001", "339901001000"] {
            assert!(DivisionCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "33000", "3300001", "990000", "33a000", "１２３４５６"] {
            assert!(DivisionCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_county_division_contains_its_townships_but_not_its_neighbours() {
        let county = DivisionCode::parse("339901").unwrap();
        assert!(county.contains(&DivisionCode::parse("339901001").unwrap()));
        assert!(!county.contains(&DivisionCode::parse("339902001").unwrap()));
        let province = DivisionCode::parse("330000").unwrap();
        assert!(province.contains(&county));
    }

    #[test]
    fn logins_are_lower_cased_and_must_start_with_a_letter() {
        assert_eq!(Login::parse(" Zhang.San ").unwrap().as_str(), "zhang.san");
        assert!(Login::parse("1abc").is_err());
        assert!(Login::parse("a").is_err());
        assert!(Login::parse("有中文").is_err());
    }

    #[test]
    fn errors_name_their_field_in_chinese() {
        let e = PhoneNumber::parse("12").unwrap_err();
        assert_eq!(e.field(), "phone");
        assert!(e.to_string().contains("格式不正确"));
        assert_eq!(parse_name("  ", "name").unwrap_err().field(), "name");
        assert!(CertificateNumber::parse("zj-001").is_ok());
        assert!(OrgCode::parse("GOV 1").is_err());
    }

    #[test]
    fn id_numbers_and_credit_codes_carry_their_check_characters() {
        assert_eq!(
            IdNumber::parse("11010519491231002x").unwrap().as_str(),
            "11010519491231002X"
        );
        for bad in [
            "110105194912310021",
            "11010519491331002X",
            "1101051949123100",
            "",
        ] {
            assert_eq!(
                IdNumber::parse(bad).unwrap_err().field(),
                "id_number",
                "{bad}"
            );
        }
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        for bad in ["91350100M000100Y44", "91350100M000100YI3", "9135", ""] {
            assert_eq!(
                CreditCode::parse(bad).unwrap_err().field(),
                "credit_code",
                "{bad}"
            );
        }
    }
}
