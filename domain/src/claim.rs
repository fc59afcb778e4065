//! Where a drug or expense line came from: which receipt (claim), for whom, from which
//! institution, for which month. Visibility and supersession rules work on this alone.

use crate::drugs::PrescriptionKind;
use crate::expenses::ServiceCategory;
use crate::people::PersonId;
use crate::period::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why a claim or institution id was refused.
pub use crate::id::IdError as ClaimIdError;

opaque_id!(
    InstitutionId,
    "institution id",
    "Identifies a clinic, hospital or pharmacy. Receipts carry the 10-digit 医療機関コード \
     (都道府県 2 + 点数表 1 + 7); kept opaque so synthetic data can use readable ids."
);
opaque_id!(
    ClaimId,
    "claim id",
    "Identifies one receipt as ingested (e.g. the insurer's レセプト管理番号)."
);

/// Which 点数表 / kind of receipt (レセプト種別, 点数表; receipts.md §2, §6).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptKind {
    /// 医科 (出来高)
    Medical,
    /// 歯科
    Dental,
    /// 調剤: one receipt per patient × 処方医療機関 × month (receipts.md §2).
    Pharmacy,
    /// DPC (包括評価, always 入院)
    Dpc,
    /// 訪問看護療養費
    HomeNursing,
}

/// 入院・入院外 (レセプト種別 last digit: odd 入院, even 入院外).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CareSetting {
    Inpatient,
    Outpatient,
}

/// What makes a receipt a separate receipt, besides person, institution and month: one
/// hospital bills its 入院 and 入院外 care, its 医科 and 歯科 care, and one pharmacy bills
/// each 処方医療機関 on receipts of their own (receipts.md §2). Two claims supersede each
/// other only when all of this is equal, i.e. when one re-claims the other (月遅れ, 返戻再請求).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReceiptIdentity {
    pub kind: ReceiptKind,
    pub setting: CareSetting,
    /// 処方医療機関 of a 調剤 receipt; `None` for other kinds (and for 調剤 lines whose source
    /// does not say, e.g. 医療費通知).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prescriber: Option<InstitutionId>,
}

impl Default for ReceiptIdentity {
    /// 医科・入院外: what a source that says nothing most often means.
    fn default() -> Self {
        Self::new(ReceiptKind::Medical, CareSetting::Outpatient)
    }
}

impl ReceiptIdentity {
    pub fn new(kind: ReceiptKind, setting: CareSetting) -> Self {
        Self {
            kind,
            setting,
            prescriber: None,
        }
    }

    /// The receipt a 医療費通知 line comes from, read off its 診療区分 where the source does
    /// not say. 食事・生活療養 is billed on the 入院 receipt; unknown labels count as 医科入院外.
    pub fn for_expense(category: &ServiceCategory) -> Self {
        use CareSetting::{Inpatient, Outpatient};
        let (kind, setting) = match category {
            ServiceCategory::MedicalInpatient | ServiceCategory::MealsAndLiving => {
                (ReceiptKind::Medical, Inpatient)
            }
            ServiceCategory::DentalInpatient => (ReceiptKind::Dental, Inpatient),
            ServiceCategory::DentalOutpatient => (ReceiptKind::Dental, Outpatient),
            ServiceCategory::Pharmacy => (ReceiptKind::Pharmacy, Outpatient),
            ServiceCategory::HomeNursing => (ReceiptKind::HomeNursing, Outpatient),
            ServiceCategory::MedicalOutpatient | ServiceCategory::Other(_) => {
                (ReceiptKind::Medical, Outpatient)
            }
        };
        Self::new(kind, setting)
    }

    /// The receipt a 薬剤情報 line comes from, where the source does not say: 入院 and 院内
    /// drugs are on the prescribing institution's 医科 receipt, 院外 drugs on the pharmacy's
    /// 調剤 receipt for that prescriber.
    pub fn for_drug(prescription: PrescriptionKind, prescriber: &InstitutionId) -> Self {
        match prescription {
            PrescriptionKind::Inpatient => Self::new(ReceiptKind::Medical, CareSetting::Inpatient),
            PrescriptionKind::InHouse => Self::new(ReceiptKind::Medical, CareSetting::Outpatient),
            PrescriptionKind::OutOfHouse => Self {
                prescriber: Some(prescriber.clone()),
                ..Self::new(ReceiptKind::Pharmacy, CareSetting::Outpatient)
            },
        }
    }
}

/// The receipt a line was extracted from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClaimSource {
    pub claim_id: ClaimId,
    pub person: PersonId,
    pub institution: InstitutionId,
    /// 診療年月 / 調剤年月 the receipt bills for.
    pub service_month: YearMonth,
    /// Which receipt of that institution and month (kind, 入院・入院外, 処方医療機関).
    #[serde(default)]
    pub receipt: ReceiptIdentity,
    /// The day the review body accepted the receipt (its publication batch).
    pub accepted_on: NaiveDate,
    /// Ingest order, to tell apart two claims accepted on the same day.
    pub sequence: u64,
    /// The person brought this line in themselves (「ご自身で取り込み」, `/import`), not their
    /// insurer. Set when lines are read back (from the claim id, see [`SELF_IMPORTED_PREFIX`]);
    /// import files never carry it (their format has no such field).
    #[serde(default)]
    pub imported_by_you: bool,
}

/// The start of the claim id of every line a person brought in themselves (`/import`); an
/// insurer's feed may not use it, so the lines are told apart on every page, PDF and API.
pub const SELF_IMPORTED_PREFIX: &str = "self-";

/// The start of the claim id of lines a person brought in from a pharmacy's JAHIS お薬手帳
/// text or QR code (「お薬手帳（薬局発行）」): self-imported lines that the insurer's claim for
/// the same pharmacy and month retires (`visibility::retire_notebook_lines`).
pub const PHARMACY_NOTEBOOK_PREFIX: &str = "self-jahis-";

impl ClaimSource {
    /// Whether the person brought this line in themselves (「ご自身で取り込み」).
    pub fn self_imported(&self) -> bool {
        self.claim_id.as_str().starts_with(SELF_IMPORTED_PREFIX)
    }

    /// Whether the line was brought in from a pharmacy's お薬手帳 (JAHIS) data.
    pub fn from_pharmacy_notebook(&self) -> bool {
        self.claim_id.as_str().starts_with(PHARMACY_NOTEBOOK_PREFIX)
    }

    /// Lines that replace each other share this key: the same receipt, i.e. same person,
    /// institution, month and [`ReceiptIdentity`]. Only a re-claim of that receipt replaces it.
    pub fn supersession_key(&self) -> (&PersonId, &InstitutionId, YearMonth, &ReceiptIdentity) {
        (
            &self.person,
            &self.institution,
            self.service_month,
            &self.receipt,
        )
    }

    /// Which of two claims for the same key is later: acceptance date, then ingest order,
    /// then claim id so the choice never depends on input order.
    pub fn recency(&self) -> (NaiveDate, u64, &ClaimId) {
        (self.accepted_on, self.sequence, &self.claim_id)
    }
}

/// A record that came from a receipt and has a publication date: drug and expense lines.
pub trait ClaimedLine {
    fn claim(&self) -> &ClaimSource;
    /// First day the portal may show it.
    fn visible_from(&self) -> NaiveDate;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_once() {
        assert_eq!(
            InstitutionId::parse(" 1310123456 ").unwrap().as_str(),
            "1310123456"
        );
        assert_eq!(ClaimId::parse(""), Err(ClaimIdError::Empty("claim id")));
        assert_eq!(
            ClaimId::parse("a b"),
            Err(ClaimIdError::BadChar(
                "claim id",
                "ASCII letters, digits, '-' and '_'"
            ))
        );
        assert_eq!(
            InstitutionId::parse(&"1".repeat(65)),
            Err(ClaimIdError::TooLong("institution id"))
        );
    }
}
