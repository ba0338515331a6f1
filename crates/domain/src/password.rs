//! The password rule (口令复杂度, GB/T 22239-2019 8.1.4.1 a): at least twelve characters of at
//! least three kinds (lower-case, upper-case, digits, symbols), not the login name or a word
//! built on it, and not a password attackers try first (a list of common passwords and the
//! patterns of keyboard runs and repeats).

/// Why a password is refused (Chinese, for the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// Fewer than [`MIN_LENGTH`] characters.
    TooShort,
    /// Fewer than three kinds of characters.
    TooFewKinds,
    /// Contains the login name.
    HasLogin,
    /// A common password, a keyboard run or a repeat.
    Common,
}

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;

impl std::fmt::Display for Weakness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Weakness::TooShort => "密码至少12位",
            Weakness::TooFewKinds => "密码须包含大写字母、小写字母、数字、符号中的至少三种",
            Weakness::HasLogin => "密码不能包含登录名",
            Weakness::Common => "该密码过于常见或有规律（如键盘连续键、重复字符），请换一个",
        })
    }
}

/// Passwords tried first against government systems, lower-cased (each at least twelve
/// characters with three kinds, so the other rules would let them through).
const COMMON: &[&str] = &[
    "password@123",
    "password@1234",
    "password#123",
    "password123!",
    "password1234!",
    "p@ssw0rd1234",
    "p@ssword1234",
    "p@ssw0rd@123",
    "passw0rd@123",
    "admin@123456",
    "admin@1234567",
    "admin123456!",
    "admin#123456",
    "administrator1!",
    "administrator@1",
    "qwer1234!@#$",
    "qwer@12345678",
    "qwerty@12345",
    "qwerty123456!",
    "qwe123!@#qwe",
    "1qaz@wsx3edc",
    "1qaz2wsx#edc",
    "1qaz!qaz1qaz",
    "!qaz2wsx3edc",
    "zaq1@wsx3edc",
    "abcd@1234567",
    "abc@12345678",
    "abc123456789!",
    "aa123456789!",
    "asdf@1234567",
    "welcome@1234",
    "welcome12345!",
    "changeme@123",
    "root@1234567",
    "root@12345678",
    "test@1234567",
    "test12345678!",
    "user@1234567",
    "system@12345",
    "sysadmin@123",
    "zhengwu@1234",
    "zhengfu@1234",
    "zhifa@123456",
    "xiezhi@12345",
    "xiezhi@123456",
    "china@123456",
    "beijing@2026",
    "huawei@12345",
    "woaini@13145",
    "iloveyou@123",
];

/// Check a password for a login. The rule is the same wherever a password is set: the
/// person's own change, the security administrator's reset, `xiezhi user create`.
pub fn check(password: &str, login: &str) -> Result<(), Weakness> {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < MIN_LENGTH {
        return Err(Weakness::TooShort);
    }
    let kinds = [
        chars.iter().any(char::is_ascii_lowercase),
        chars.iter().any(char::is_ascii_uppercase),
        chars.iter().any(char::is_ascii_digit),
        chars.iter().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if kinds.iter().filter(|k| **k).count() < 3 {
        return Err(Weakness::TooFewKinds);
    }
    let lower = password.to_lowercase();
    let login = login.trim().to_lowercase();
    if login.chars().count() >= 3 && lower.contains(&login) {
        return Err(Weakness::HasLogin);
    }
    if COMMON.contains(&lower.as_str()) || patterned(&lower) {
        return Err(Weakness::Common);
    }
    Ok(())
}

/// Mostly made of keyboard runs and repeats: when removing every character that continues
/// a run (next on the keyboard or in the alphabet, or the same as the one before) leaves
/// fewer than five, the password has no more strength than its pattern.
fn patterned(p: &str) -> bool {
    const ROWS: &[&str] = &[
        "`1234567890-=",
        "qwertyuiop[]\\",
        "asdfghjkl;'",
        "zxcvbnm,./",
        "abcdefghijklmnopqrstuvwxyz",
        "!@#$%^&*()_+",
    ];
    let follows = |a: char, b: char| {
        a == b
            || ROWS.iter().any(|row| {
                let r: Vec<char> = row.chars().collect();
                r.windows(2)
                    .any(|w| (w[0] == a && w[1] == b) || (w[0] == b && w[1] == a))
            })
    };
    let chars: Vec<char> = p.chars().collect();
    let fresh = 1 + chars.windows(2).filter(|w| !follows(w[0], w[1])).count();
    fresh < 5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_mixed_password_not_built_on_the_login_passes() {
        assert_eq!(check("Yunxi-Zhifa-2026", "cd.1"), Ok(()));
        assert_eq!(check("liang shan 7 Bo", "cd.1"), Ok(()));
        assert_eq!(check("春眠不觉晓Chun2026", "cd.1"), Ok(()));
    }

    #[test]
    fn short_plain_login_based_and_common_passwords_are_refused() {
        assert_eq!(check("Ab1!short", "x"), Err(Weakness::TooShort));
        assert_eq!(check("alllowercase1234", "x"), Err(Weakness::TooFewKinds));
        assert_eq!(
            check("Office.Chief-2026", "office.chief"),
            Err(Weakness::HasLogin)
        );
        assert_eq!(check("P@ssw0rd1234", "x"), Err(Weakness::Common));
        assert_eq!(check("Admin@123456", "x"), Err(Weakness::Common));
        assert_eq!(check("Qwertyuiop1!", "x"), Err(Weakness::Common));
        assert_eq!(check("Aaaaaaaaaaaa1!", "x"), Err(Weakness::Common));
        assert_eq!(check("1qaz@WSX3edc", "x"), Err(Weakness::Common));
        assert_eq!(check("Abcdefgh1234!", "x"), Err(Weakness::Common));
    }
}
