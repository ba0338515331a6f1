//! Checkpoints of the record (记录检查点): the chain's length and head hash at a moment,
//! signed with SM2 (GB/T 32918) and kept outside the database, in the style of C2SP
//! tlog-checkpoint. Someone who can rewrite the whole chain consistently inside the database
//! cannot rewrite a checkpoint they do not hold the key for; `audit verify --checkpoints`
//! compares each with the chain.
//!
//! A checkpoint is text: the origin line, the number of events, the head hash (hex), the time
//! (RFC 3339), a blank line, and a signature line `— <origin> <key id><signature>` (hex; the
//! key id is the first 4 bytes of SM3 over the origin, a newline and the public key).

use sm2::dsa::Signature;
use sm2::dsa::signature::{Signer, Verifier};
pub use sm2::dsa::{SigningKey, VerifyingKey};

/// The origin line: whose record this is.
pub const ORIGIN: &str = "xiezhi/record";
/// The SM2 distinguishing identifier (the default of GM/T 0009).
const DIST_ID: &str = "1234567812345678";

/// What a checkpoint says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Number of events (the last sequence number).
    pub size: i64,
    /// Hex SM3 hash of the last event.
    pub hash: String,
    /// When it was taken (RFC 3339).
    pub time: String,
}

/// Why a checkpoint or key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("检查点格式不正确：{0}")]
    Format(&'static str),
    #[error("检查点签名不正确（被改动，或不是用该公钥对应的私钥签发）")]
    Signature,
    #[error("密钥格式不正确：{0}")]
    Key(&'static str),
}

/// A signing key from its hex secret.
pub fn signing_key(secret_hex: &str) -> Result<SigningKey, CheckpointError> {
    let bytes = hex::decode(secret_hex.trim()).map_err(|_| CheckpointError::Key("应为十六进制"))?;
    let secret =
        sm2::SecretKey::from_slice(&bytes).map_err(|_| CheckpointError::Key("不是 SM2 私钥"))?;
    SigningKey::new(DIST_ID, &secret).map_err(|_| CheckpointError::Key("不是 SM2 私钥"))
}

/// A verifying key from its hex SEC1 encoding.
pub fn verifying_key(public_hex: &str) -> Result<VerifyingKey, CheckpointError> {
    let bytes = hex::decode(public_hex.trim()).map_err(|_| CheckpointError::Key("应为十六进制"))?;
    VerifyingKey::from_sec1_bytes(DIST_ID, &bytes)
        .map_err(|_| CheckpointError::Key("不是 SM2 公钥"))
}

/// The hex SEC1 encoding of a signing key's public half.
pub fn public_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_sec1_bytes())
}

/// The key id: the first 4 bytes of SM3(origin, newline, public key), hex.
pub fn key_id(key: &VerifyingKey) -> String {
    let mut input = format!("{ORIGIN}\n").into_bytes();
    input.extend_from_slice(&key.to_sec1_bytes());
    crate::sm3_hex(&input)[..8].to_owned()
}

impl Checkpoint {
    /// The signed part.
    pub fn body(&self) -> String {
        format!("{ORIGIN}\n{}\n{}\n{}\n", self.size, self.hash, self.time)
    }

    /// The checkpoint as text, signed.
    pub fn signed(&self, key: &SigningKey) -> String {
        let body = self.body();
        let sig: Signature = key.sign(body.as_bytes());
        format!(
            "{body}\n— {ORIGIN} {}{}\n",
            key_id(key.verifying_key()),
            hex::encode(sig.to_bytes())
        )
    }

    /// Read a checkpoint and check its signature.
    pub fn verified(text: &str, key: &VerifyingKey) -> Result<Checkpoint, CheckpointError> {
        let (body, sig_part) = text
            .split_once("\n\n")
            .ok_or(CheckpointError::Format("缺少签名"))?;
        let body = format!("{body}\n");
        let mut lines = body.lines();
        if lines.next() != Some(ORIGIN) {
            return Err(CheckpointError::Format("来源行不是本平台的全过程记录"));
        }
        let size = lines
            .next()
            .and_then(|l| l.parse().ok())
            .ok_or(CheckpointError::Format("事件数应为整数"))?;
        let hash = lines
            .next()
            .filter(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or(CheckpointError::Format("链头哈希应为64位十六进制"))?
            .to_owned();
        let time = lines
            .next()
            .ok_or(CheckpointError::Format("缺少时间"))?
            .to_owned();
        let id = key_id(key);
        let sig_hex = sig_part
            .lines()
            .filter_map(|l| l.strip_prefix(&format!("— {ORIGIN} ")))
            .find_map(|rest| rest.strip_prefix(&id))
            .ok_or(CheckpointError::Signature)?;
        let bytes = hex::decode(sig_hex.trim()).map_err(|_| CheckpointError::Signature)?;
        let sig = Signature::try_from(bytes.as_slice()).map_err(|_| CheckpointError::Signature)?;
        key.verify(body.as_bytes(), &sig)
            .map_err(|_| CheckpointError::Signature)?;
        Ok(Checkpoint { size, hash, time })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        signing_key(&"11".repeat(32)).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_signed_checkpoint_reads_back_and_any_change_breaks_it() {
        let c = Checkpoint {
            size: 42,
            hash: "ab".repeat(32),
            time: "2026-12-05T01:00:00Z".into(),
        };
        let text = c.signed(&key());
        let vk = verifying_key(&public_hex(&key())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Checkpoint::verified(&text, &vk), Ok(c));
        let forged = text.replacen("\n42\n", "\n43\n", 1);
        assert_eq!(
            Checkpoint::verified(&forged, &vk),
            Err(CheckpointError::Signature)
        );
        let other = signing_key(&"22".repeat(32)).unwrap_or_else(|e| panic!("{e}"));
        let vk2 = verifying_key(&public_hex(&other)).unwrap_or_else(|e| panic!("{e}"));
        assert!(Checkpoint::verified(&text, &vk2).is_err());
    }
}
