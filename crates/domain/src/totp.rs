//! Two-factor sign-in (双因素认证, GB/T 22239-2019 8.1.4.1 d): time-based one-time codes
//! (TOTP, RFC 6238: HMAC-SHA1, six digits, 30-second steps, one step of drift either way)
//! from an authenticator app, and single-use recovery codes for a lost phone. Time is an
//! argument; a code is accepted once (the step it matched is kept and must grow).

use totp_rs::{Algorithm, Secret, TOTP};

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "獬豸";

/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;

fn totp(secret_b32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_owned()).to_bytes().ok()?;
    Some(TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes))
}

/// A new secret (base32) from 20 random bytes.
pub fn secret_from(random: [u8; 20]) -> String {
    match Secret::Raw(random.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => String::new(),
    }
}

/// The code typed, without spaces or dashes.
pub fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The step a six-digit code matches at `unix` seconds (this step or one either side), if
/// it is later than `after` (a code already used is refused).
pub fn matching_step(secret_b32: &str, code: &str, unix: u64, after: Option<u64>) -> Option<u64> {
    let code = normalize(code);
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32)?;
    let now = unix / 30;
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .filter(|s| after.is_none_or(|a| *s > a))
        .find(|s| same(t.generate(s * 30).as_bytes(), code.as_bytes()))
}

/// Equal, in a time that does not depend on where they differ.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The code of a step (for tests and for showing the enrolment works).
pub fn code_at(secret_b32: &str, unix: u64) -> String {
    totp(secret_b32)
        .map(|t| t.generate(unix))
        .unwrap_or_default()
}

/// The `otpauth://` address an authenticator app reads (as a QR code).
pub fn uri(secret_b32: &str, login: &str) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(ISSUER),
        enc(login),
        enc(ISSUER)
    )
}

/// A recovery code as shown (`abcd-efgh-jkmn`) from random bytes: letters and digits that
/// cannot be misread (no 0/o, 1/l/i).
pub fn recovery_code(random: [u8; 12]) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let chars: String = random
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 key, "12345678901234567890", in base32.
    const RFC_KEY: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_follow_rfc_6238() {
        // The RFC's 8-digit values end in these six digits.
        assert_eq!(code_at(RFC_KEY, 59), "287082");
        assert_eq!(code_at(RFC_KEY, 1_111_111_109), "081804");
        assert_eq!(code_at(RFC_KEY, 2_000_000_000), "279037");
    }

    #[test]
    fn a_code_matches_its_step_and_one_either_side_once() {
        let t = 1_111_111_109;
        let code = code_at(RFC_KEY, t);
        let step = t / 30;
        assert_eq!(matching_step(RFC_KEY, &code, t, None), Some(step));
        assert_eq!(matching_step(RFC_KEY, &code, t + 30, None), Some(step));
        assert_eq!(
            matching_step(RFC_KEY, &code, t + 90, None),
            None,
            "too late"
        );
        assert_eq!(matching_step(RFC_KEY, "081 804", t, None), Some(step));
        assert_eq!(matching_step(RFC_KEY, &code, t, Some(step)), None, "used");
        assert_eq!(matching_step(RFC_KEY, "12345", t, None), None);
    }

    #[test]
    fn secrets_uris_and_recovery_codes_read_well() {
        let s = secret_from([7; 20]);
        assert_eq!(s.len(), 32);
        assert!(
            uri(&s, "sec.admin").starts_with("otpauth://totp/%E7%8D%AC%E8%B1%B8:sec.admin?secret=")
        );
        let r = recovery_code([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(r.len(), 14);
        assert!(!r.contains(['0', 'o', '1', 'l', 'i']));
    }
}
