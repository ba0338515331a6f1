//! Masking of personal data (个人信息脱敏) wherever it leaves its owner's view.

/// Mask a phone number: keep the first 3 and last 4 digits (`138****5678`).
pub fn phone(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Mask a person's name: keep the first character (`张*` / `欧**`).
pub fn name(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

/// Mask an ID number: keep the first 6 and last 4 characters.
pub fn id_number(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

#[cfg(test)]
mod tests {
    #[test]
    fn personal_data_is_masked_keeping_only_what_identifies_the_record() {
        assert_eq!(super::phone("13812345678"), "138****5678");
        assert_eq!(super::phone("12345"), "*****");
        assert_eq!(super::name("张三"), "张*");
        assert_eq!(super::name("欧阳修"), "欧**");
        assert_eq!(super::name("李"), "李*");
        assert_eq!(super::id_number("330102199001011234"), "330102********1234");
    }
}
