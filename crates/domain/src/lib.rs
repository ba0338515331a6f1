//! The Xiezhi domain: nouns, codes, roles, the authorisation policy, masking and the
//! event-record hash. Pure code: no I/O, no clock — time is always an argument.

pub mod assessment;
pub mod assistance;
pub mod beijing;
pub mod boundary;
pub mod case;
pub mod casefile;
pub mod catalog;
pub mod checkpoint;
pub mod clock;
pub mod codes;
pub mod document;
pub mod event;
pub mod instruction;
pub mod lead;
pub mod mask;
pub mod meeting;
pub mod operation;
pub mod org;
pub mod password;
pub mod payload;
pub mod policy;
pub mod role;
pub mod rules;
pub mod totp;
pub mod transfer;
pub mod words;

/// A refusal with a stable machine code (`lead.wrong_state`, `case.legal_review_required`…)
/// that the API returns beside the Chinese message; the codes are listed in `docs/errors.md`.
pub trait Coded: std::fmt::Display {
    /// The stable machine code.
    fn code(&self) -> &'static str;
}

pub use codes::{
    CertificateNumber, CodeError, CreditCode, DivisionCode, IdNumber, Login, OrgCode, PhoneNumber,
};
pub use event::{ChainLink, EventBody, EventKind, GENESIS_HASH, Sm3Stream, sm3_hex};
pub use org::{OrgKind, OrgLevel};
pub use payload::{Payload, PayloadDoc, payload_of};
pub use policy::{Action, Actor, Refusal, Relation, Target, TokenScope, authorize};
pub use role::Role;
