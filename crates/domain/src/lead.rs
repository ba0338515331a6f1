//! Leads (线索/案源): a matter as it arrives, from whichever channel, at whichever body sees
//! it first. That body holds first responsibility (首问责任) until a transfer is accepted.

use crate::codes::{CodeError, PhoneNumber, parse_name};
use serde::{Deserialize, Serialize};

crate::term_enum!(
    /// Where a lead came from.
    Channel {
        /// Patrol (巡查发现).
        Patrol = "patrol" / "巡查发现",
        /// Grid member report (网格上报).
        Grid = "grid" / "网格上报",
        /// Complaint or report from the public (投诉举报).
        Complaint = "complaint" / "投诉举报",
        /// 12345 hotline (12345热线).
        Hotline = "hotline" / "12345热线",
        /// Superior supervision (上级督办).
        SuperiorSupervision = "superior_supervision" / "上级督办",
        /// Media exposure (媒体曝光).
        Media = "media" / "媒体曝光",
        /// Video AI detection (视频智能发现).
        VideoAi = "video_ai" / "视频智能发现",
        /// Found by a department (部门发现).
        Department = "department" / "部门发现",
        /// Open311 GeoReport v2.
        Open311 = "open311" / "Open311接口",
    }
);

crate::term_enum!(
    /// Where a lead is.
    LeadStatus {
        /// Received, waiting to be signed for (待签收).
        Received = "received" / "待签收",
        /// Signed for, being verified (核查中).
        Signed = "signed" / "核查中",
        /// Closed: no violation found (不构成违法，已答复).
        NoViolation = "no_violation" / "不构成违法",
        /// A case was filed (已立案).
        CaseFiled = "case_filed" / "已立案",
        /// Being transferred (移送中).
        Transferring = "transferring" / "移送中",
        /// Linked to an earlier lead about the same matter (重复件).
        Duplicate = "duplicate" / "重复件，已并案",
        /// Jurisdiction disputed, being coordinated (争议协调中).
        Disputed = "disputed" / "管辖争议协调中",
        /// A department told the reporter the township is competent and notified it (已告知有管辖权的乡镇).
        Referred = "referred" / "已告知有管辖权的乡镇",
        /// Handled, final reply given (已办结).
        Finished = "finished" / "已办结",
    }
);

impl LeadStatus {
    /// Whether the matter is finished for the reporter (a final reply was given).
    pub fn is_closed(self) -> bool {
        matches!(self, LeadStatus::NoViolation | LeadStatus::Finished)
    }

    /// Whether the lead is still open: neither answered nor merged into an earlier one (the
    /// dashboard's 未办结线索).
    pub fn is_open(self) -> bool {
        !self.is_closed() && self != LeadStatus::Duplicate
    }

    /// The stored values of the open statuses.
    pub fn open_values() -> impl Iterator<Item = &'static str> {
        Self::ALL
            .iter()
            .filter(|st| st.is_open())
            .map(|st| st.as_str())
    }
}

crate::term_enum!(
    /// What came of a lead, as the reporter reads it (处理结果).
    LeadOutcome {
        /// Verified: no violation (经核查不构成违法).
        NoViolation = "no_violation" / "经核查不构成违法",
        /// Verified: the matter reported was not found (经核查未发现所反映问题).
        NotFound = "not_found" / "经核查未发现所反映问题",
        /// Admonished; the party corrected it on the spot (批评教育，当场改正).
        Educated = "educated" / "已批评教育，当事人当场改正",
        /// Ordered to put it right within a time limit; still open (责令限期整改).
        RectificationOrdered = "rectification_ordered" / "已责令限期整改",
        /// Put right, checked on site (已整改到位).
        Rectified = "rectified" / "已整改到位",
        /// A case was filed and the matter dealt with (已立案查处).
        CaseFiled = "case_filed" / "已立案查处",
    }
);

impl LeadOutcome {
    /// Where a lead closed with this outcome goes: closed for the reporter, or (for an
    /// order to rectify) still in hand until the rectification is checked.
    pub fn status(self) -> LeadStatus {
        match self {
            LeadOutcome::NoViolation | LeadOutcome::NotFound => LeadStatus::NoViolation,
            LeadOutcome::RectificationOrdered => LeadStatus::Signed,
            LeadOutcome::Educated | LeadOutcome::Rectified | LeadOutcome::CaseFiled => {
                LeadStatus::Finished
            }
        }
    }

    /// The outcomes a handler picks when closing a lead without a case (立案 has its own step).
    pub const CLOSING: [LeadOutcome; 5] = [
        LeadOutcome::NotFound,
        LeadOutcome::NoViolation,
        LeadOutcome::Educated,
        LeadOutcome::RectificationOrdered,
        LeadOutcome::Rectified,
    ];
}

crate::term_enum!(
    /// How the reporter rates the final reply (满意度).
    Satisfaction {
        /// Satisfied (满意).
        Satisfied = "satisfied" / "满意",
        /// Basically satisfied (基本满意).
        Basic = "basic" / "基本满意",
        /// Not satisfied (不满意).
        Unsatisfied = "unsatisfied" / "不满意",
        /// Not fixed: the matter reopens with its holder (问题未解决).
        NotFixed = "not_fixed" / "问题未解决",
    }
);

/// A step in a lead's life (线索流转的一步): each is taken by one store operation, and
/// [`transition`] is the only place that says where it leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadStep {
    /// Signed for (签收): verification begins.
    SignFor,
    /// Closed without a case, with an outcome (办结).
    Close(LeadOutcome),
    /// A case was filed (立案).
    FileCase,
    /// A department told the reporter the township is competent (告知乡镇).
    ReferToTownship,
    /// The holder drafts a transfer (起草移送); a judicial one may follow a filed case.
    DraftTransfer {
        /// To the judicial organs (涉嫌犯罪).
        judicial: bool,
    },
    /// The transfer reached the receiver (发出).
    TransferSent,
    /// The receiver accepted (受理) and holds the lead.
    TransferAccepted,
    /// The police refused a judicial transfer (不予立案): back with the sender.
    JudicialRefused,
    /// A sent transfer was withdrawn (撤回).
    TransferWithdrawn,
    /// Rejected or re-routed (退回/改派): the matter is disputed.
    Bounced,
    /// The competent body was designated (指定管辖): it receives the lead afresh.
    Designated,
    /// A dispute over jurisdiction was raised (提出管辖争议).
    DisputeRaised,
    /// The final reply after a case (最终答复).
    FinalReply,
    /// The answer on a derived lead (the township's `-X` number) is carried back; the
    /// answered lead's status.
    AnswerRelayed(LeadStatus),
    /// The reporter rated the reply (评价); "not fixed" reopens it with its holder.
    Rated(Satisfaction),
}

impl LeadStep {
    fn label(self) -> &'static str {
        match self {
            LeadStep::SignFor => "再签收",
            LeadStep::Close(LeadOutcome::RectificationOrdered) => "责令整改（请先签收核查）",
            LeadStep::Close(_) => "办结",
            LeadStep::FileCase => "立案",
            LeadStep::ReferToTownship => "告知乡镇",
            LeadStep::DraftTransfer { .. } => "移送",
            LeadStep::DisputeRaised => "提出管辖争议",
            LeadStep::FinalReply => "作最终答复（请先立案办理，或以“不构成违法”办结）",
            _ => "办理",
        }
    }
}

/// Why a lead step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeadRefusal {
    /// Not from this status.
    #[error("该线索当前为“{status}”，不能{step}")]
    WrongState {
        /// Current status label.
        status: &'static str,
        /// The step, in Chinese.
        step: &'static str,
    },
    /// Closing while the jurisdiction is disputed.
    #[error("该线索当前为“管辖争议协调中”，不能在争议未了结时办结")]
    Disputed,
    /// "Case filed" is the outcome of the case's own final reply.
    #[error("已立案的事项请在案件办结后作最终答复")]
    OutcomeNeedsCase,
    /// Rating before a final reply.
    #[error("该事项尚未办结答复，暂不能评价")]
    NotAnswered,
}

impl crate::Coded for LeadRefusal {
    fn code(&self) -> &'static str {
        match self {
            LeadRefusal::WrongState { .. } => "lead.wrong_state",
            LeadRefusal::Disputed => "lead.disputed",
            LeadRefusal::OutcomeNeedsCase => "lead.outcome_needs_case",
            LeadRefusal::NotAnswered => "lead.not_answered",
        }
    }
}

impl LeadRefusal {
    /// The input field at fault, when the refusal is about what was typed.
    pub fn field(&self) -> Option<&'static str> {
        matches!(self, LeadRefusal::OutcomeNeedsCase).then_some("outcome")
    }
}

/// One step of a lead: the next status, or why not. Who may take the step (the holder) is
/// the policy's question, not this one.
pub fn transition(s: LeadStatus, step: LeadStep) -> Result<LeadStatus, LeadRefusal> {
    use LeadStatus as S;
    use LeadStep as P;
    let wrong = || LeadRefusal::WrongState {
        status: s.label(),
        step: step.label(),
    };
    // A lead in hand: received, being verified, or disputed.
    let in_hand = matches!(s, S::Received | S::Signed | S::Disputed);
    match step {
        P::SignFor if s == S::Received => Ok(S::Signed),
        P::Close(LeadOutcome::CaseFiled) if in_hand => Err(LeadRefusal::OutcomeNeedsCase),
        P::Close(_) if s == S::Disputed => Err(LeadRefusal::Disputed),
        P::Close(LeadOutcome::RectificationOrdered) if s != S::Signed => Err(wrong()),
        P::Close(o) if in_hand => Ok(o.status()),
        P::FileCase if in_hand => Ok(S::CaseFiled),
        P::ReferToTownship if in_hand => Ok(S::Referred),
        P::DraftTransfer { judicial: true } if s == S::CaseFiled => Ok(s),
        P::DraftTransfer { .. } if s == S::Received => Ok(S::Signed),
        P::DraftTransfer { .. } if in_hand => Ok(s),
        P::TransferSent if matches!(s, S::Disputed | S::CaseFiled) => Ok(s),
        P::TransferSent => Ok(S::Transferring),
        P::TransferAccepted | P::JudicialRefused if s == S::CaseFiled => Ok(s),
        P::TransferAccepted | P::JudicialRefused => Ok(S::Signed),
        P::TransferWithdrawn if matches!(s, S::Disputed | S::CaseFiled) => Ok(s),
        P::TransferWithdrawn => Ok(S::Signed),
        P::Bounced if s == S::CaseFiled => Ok(s),
        P::Bounced => Ok(S::Disputed),
        P::Designated => Ok(S::Received),
        P::DisputeRaised if !s.is_closed() => Ok(s),
        P::FinalReply if s == S::CaseFiled => Ok(S::Finished),
        P::AnswerRelayed(answered) if answered.is_closed() => Ok(answered),
        P::AnswerRelayed(_) => Ok(S::Referred),
        P::Rated(Satisfaction::NotFixed) if s.is_closed() => Ok(S::Received),
        P::Rated(_) if s.is_closed() => Ok(s),
        P::Rated(_) => Err(LeadRefusal::NotAnswered),
        _ => Err(wrong()),
    }
}

/// A checked new lead.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadInput {
    /// Channel.
    pub channel: Channel,
    /// Reporter's name (personal data; may be empty for anonymous or own findings).
    pub reporter_name: Option<String>,
    /// Reporter's phone (personal data).
    pub reporter_phone: Option<PhoneNumber>,
    /// What was seen or reported.
    pub text: String,
    /// Where (address text).
    pub address: String,
    /// Division code of the place, if known.
    pub division_code: Option<crate::DivisionCode>,
    /// Point (longitude, latitude), if known.
    pub point: Option<(f64, f64)>,
    /// Suggested catalog item.
    pub item_code: Option<String>,
    /// Urgent (safety, food and drugs, environment, risk of major loss).
    pub urgent: bool,
}

/// Raw fields of a lead as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeadFields {
    /// Channel machine name.
    pub channel: String,
    /// Reporter's name.
    pub reporter_name: Option<String>,
    /// Reporter's phone.
    pub reporter_phone: Option<String>,
    /// Text.
    pub text: String,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Division code.
    pub division_code: Option<String>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Catalog item code.
    pub item_code: Option<String>,
    /// Urgent.
    #[serde(default)]
    pub urgent: bool,
}

fn present(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl LeadFields {
    /// Check the fields; errors name the field.
    pub fn parse(&self) -> Result<LeadInput, CodeError> {
        let channel = Channel::parse(&self.channel).ok_or(CodeError::Format {
            field: "channel",
            reason: "未知的来源渠道",
        })?;
        let text = self.text.trim();
        if text.is_empty() {
            return Err(CodeError::Empty { field: "text" });
        }
        if text.chars().count() > 4000 {
            return Err(CodeError::Format {
                field: "text",
                reason: "不超过4000字",
            });
        }
        let point = match (self.lon, self.lat) {
            (Some(lon), Some(lat))
                if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
            {
                Some((lon, lat))
            }
            (None, None) => None,
            _ => {
                return Err(CodeError::Format {
                    field: "lat",
                    reason: "经度、纬度须同时给出且在有效范围内",
                });
            }
        };
        let address = self.address.trim();
        if address.chars().count() > 200 {
            return Err(CodeError::Format {
                field: "address",
                reason: "不超过200字",
            });
        }
        Ok(LeadInput {
            channel,
            reporter_name: present(&self.reporter_name)
                .map(|n| parse_name(n, "reporter_name"))
                .transpose()?,
            reporter_phone: present(&self.reporter_phone)
                .map(PhoneNumber::parse)
                .transpose()?,
            text: text.to_owned(),
            address: address.to_owned(),
            division_code: present(&self.division_code)
                .map(crate::DivisionCode::parse)
                .transpose()?,
            point,
            item_code: present(&self.item_code).map(str::to_owned),
            urgent: self.urgent,
        })
    }
}

/// The part of a day's tracking numbers before the sequence: `L` + the Beijing date.
pub fn tracking_prefix(date: chrono::NaiveDate) -> String {
    format!("L{}", date.format("%Y%m%d"))
}

/// A tracking number (受理编号): [`tracking_prefix`] + the daily sequence, at least five
/// digits (the 100,000th of a day has six).
pub fn tracking_number(date: chrono::NaiveDate, seq: u64) -> String {
    format!("{}{seq:05}", tracking_prefix(date))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Coded;

    fn fields() -> LeadFields {
        LeadFields {
            channel: "hotline".into(),
            reporter_name: Some("王女士".into()),
            reporter_phone: Some("13900001111".into()),
            text: "小区门口有人占道经营，晚上噪音很大".into(),
            address: "城东街道解放路12号".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_lead_parses_and_every_bad_field_is_named() {
        let l = fields().parse().unwrap();
        assert_eq!(l.channel, Channel::Hotline);
        assert_eq!(l.reporter_phone.unwrap().as_str(), "13900001111");
        let bad = |f: LeadFields| f.parse().unwrap_err().field();
        assert_eq!(
            bad(LeadFields {
                channel: "pigeon".into(),
                ..fields()
            }),
            "channel"
        );
        assert_eq!(
            bad(LeadFields {
                text: " ".into(),
                ..fields()
            }),
            "text"
        );
        assert_eq!(
            bad(LeadFields {
                reporter_phone: Some("12".into()),
                ..fields()
            }),
            "phone"
        );
        assert_eq!(
            bad(LeadFields {
                lon: Some(118.6),
                ..fields()
            }),
            "lat"
        );
        assert_eq!(
            bad(LeadFields {
                division_code: Some("99".into()),
                ..fields()
            }),
            "division_code"
        );
        assert!(
            LeadFields {
                reporter_name: None,
                reporter_phone: Some("".into()),
                ..fields()
            }
            .parse()
            .is_ok()
        );
    }

    #[test]
    fn tracking_numbers_carry_the_date_and_a_sequence() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(tracking_number(d, 7), "L2026112400007");
        assert_eq!(tracking_number(d, 100_000), "L20261124100000");
    }

    #[test]
    fn every_lead_step_from_every_status() {
        use LeadStatus as S;
        use LeadStep as P;
        let ok = |s, p| transition(s, p).unwrap();
        let no = |s, p| transition(s, p).unwrap_err();
        // (from, step, to) for every allowed step.
        let table: &[(S, P, S)] = &[
            (S::Received, P::SignFor, S::Signed),
            (S::Received, P::Close(LeadOutcome::NotFound), S::NoViolation),
            (
                S::Signed,
                P::Close(LeadOutcome::NoViolation),
                S::NoViolation,
            ),
            (S::Signed, P::Close(LeadOutcome::Educated), S::Finished),
            (
                S::Signed,
                P::Close(LeadOutcome::RectificationOrdered),
                S::Signed,
            ),
            (S::Signed, P::Close(LeadOutcome::Rectified), S::Finished),
            (S::Received, P::FileCase, S::CaseFiled),
            (S::Disputed, P::FileCase, S::CaseFiled),
            (S::Signed, P::ReferToTownship, S::Referred),
            (S::Received, P::DraftTransfer { judicial: false }, S::Signed),
            (
                S::Disputed,
                P::DraftTransfer { judicial: false },
                S::Disputed,
            ),
            (
                S::CaseFiled,
                P::DraftTransfer { judicial: true },
                S::CaseFiled,
            ),
            (S::Signed, P::TransferSent, S::Transferring),
            (S::Disputed, P::TransferSent, S::Disputed),
            (S::CaseFiled, P::TransferSent, S::CaseFiled),
            (S::Transferring, P::TransferAccepted, S::Signed),
            (S::CaseFiled, P::TransferAccepted, S::CaseFiled),
            (S::Transferring, P::JudicialRefused, S::Signed),
            (S::CaseFiled, P::JudicialRefused, S::CaseFiled),
            (S::Transferring, P::TransferWithdrawn, S::Signed),
            (S::Disputed, P::TransferWithdrawn, S::Disputed),
            (S::CaseFiled, P::TransferWithdrawn, S::CaseFiled),
            (S::Transferring, P::Bounced, S::Disputed),
            (S::Disputed, P::Designated, S::Received),
            (S::Signed, P::DisputeRaised, S::Signed),
            (S::CaseFiled, P::FinalReply, S::Finished),
            (S::Referred, P::AnswerRelayed(S::Finished), S::Finished),
            (S::Referred, P::AnswerRelayed(S::Signed), S::Referred),
            (S::Finished, P::Rated(Satisfaction::NotFixed), S::Received),
            (
                S::NoViolation,
                P::Rated(Satisfaction::Satisfied),
                S::NoViolation,
            ),
        ];
        for &(from, step, to) in table {
            assert_eq!(ok(from, step), to, "{from:?} {step:?}");
        }
        // Refusals, each with its code.
        assert_eq!(no(S::Signed, P::SignFor).code(), "lead.wrong_state");
        assert_eq!(
            no(S::Signed, P::SignFor).to_string(),
            "该线索当前为“核查中”，不能再签收"
        );
        assert_eq!(
            no(S::Disputed, P::Close(LeadOutcome::Educated)),
            LeadRefusal::Disputed
        );
        assert_eq!(
            no(S::Received, P::Close(LeadOutcome::RectificationOrdered)).code(),
            "lead.wrong_state"
        );
        assert_eq!(
            no(S::Signed, P::Close(LeadOutcome::CaseFiled)).field(),
            Some("outcome")
        );
        assert_eq!(
            no(S::Signed, P::Rated(Satisfaction::Basic)),
            LeadRefusal::NotAnswered
        );
        assert_eq!(no(S::Signed, P::FinalReply).code(), "lead.wrong_state");
        assert_eq!(no(S::Finished, P::DisputeRaised).code(), "lead.wrong_state");
        // Nothing but a transition out of the closed and handed-on statuses.
        for s in [
            S::NoViolation,
            S::Finished,
            S::Referred,
            S::Duplicate,
            S::Transferring,
        ] {
            for p in [
                P::SignFor,
                P::Close(LeadOutcome::NoViolation),
                P::FileCase,
                P::ReferToTownship,
                P::DraftTransfer { judicial: false },
            ] {
                assert!(transition(s, p).is_err(), "{s:?} {p:?}");
            }
        }
    }
}
