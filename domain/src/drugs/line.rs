use super::{DrugMark, PrescriptionKind, QuantityUnit, ReceiptDrugCode, UsageKind, YjCode};
use crate::claim::{ClaimSource, ClaimedLine, InstitutionId};
use crate::money::Yen;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// 調剤数量: how many days or doses were dispensed, e.g. 14 日分.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DispensedQuantity {
    pub amount: u32,
    pub unit: QuantityUnit,
}

impl fmt::Display for DispensedQuantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit.label_ja())
    }
}

/// One dispensed drug, with every field the 薬剤情報 screen shows (health-data.md §2).
/// Free-text fields stay `String`: they are printed as the receipt spelled them and no rule
/// reads them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrugLine {
    /// The receipt this line came from.
    pub claim: ClaimSource,
    /// Publication date (see `visibility::drug_visible_from`).
    pub visible_from: NaiveDate,
    /// 調剤年月日 (for 院内 / 入院, the date given).
    pub dispensed_on: NaiveDate,
    /// 病院・薬局名: who dispensed it.
    pub dispenser_name: String,
    /// 処方医療機関識別: who prescribed it, so "same institution or another" can be told.
    pub prescriber: InstitutionId,
    /// 処方区分
    pub prescription: PrescriptionKind,
    /// 使用区分
    pub usage: UsageKind,
    /// 医薬品名
    pub drug_name: String,
    /// 成分名
    pub ingredient: Option<String>,
    pub receipt_code: Option<ReceiptDrugCode>,
    pub yj_code: Option<YjCode>,
    /// 用法 (how and when)
    pub directions: Option<String>,
    /// 用量 (total per day, with unit as printed)
    pub daily_dose: Option<String>,
    /// 1回用量
    pub single_dose: Option<String>,
    /// 用法等の特別指示
    pub special_instructions: Option<String>,
    /// 調剤数量
    pub quantity: DispensedQuantity,
    /// 医薬品記号
    pub mark: Option<DrugMark>,
    /// 自己負担相当額; only on lines where a generic exists.
    pub copay: Option<Yen>,
    /// 削減可能額: what switching to the generic would save. Insurers do not send it for
    /// 後期高齢者 in the patient view, so `None` there.
    pub savings: Option<Yen>,
}

impl DrugLine {
    /// "麻）モルヒネ塩酸塩錠10mg": the mark is part of how the name is shown.
    pub fn display_name(&self) -> String {
        match self.mark {
            Some(mark) => format!("{}{}", mark.prefix(), self.drug_name),
            None => self.drug_name.clone(),
        }
    }

    /// Prescribed by the same institution that dispensed it (院内 / 入院 usually are).
    pub fn prescribed_here(&self) -> bool {
        self.prescriber == self.claim.institution
    }
}

impl ClaimedLine for DrugLine {
    fn claim(&self) -> &ClaimSource {
        &self.claim
    }

    fn visible_from(&self) -> NaiveDate {
        self.visible_from
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::claim::ClaimId;
    use crate::people::PersonId;
    use crate::period::YearMonth;

    pub fn drug_line(dispensed_on: NaiveDate, name: &str, savings: Option<i64>) -> DrugLine {
        let claim = ClaimSource {
            claim_id: ClaimId::parse("c1").unwrap(),
            person: PersonId::parse("demo-sato").unwrap(),
            institution: InstitutionId::parse("pharmacy-1").unwrap(),
            service_month: YearMonth::of(dispensed_on),
            receipt: Default::default(),
            accepted_on: YearMonth::of(dispensed_on).next().day(10).unwrap(),
            sequence: 1,
            imported_by_you: false,
        };
        DrugLine {
            visible_from: YearMonth::of(dispensed_on).next().day(11).unwrap(),
            dispensed_on,
            dispenser_name: "さくら薬局".into(),
            prescriber: InstitutionId::parse("clinic-1").unwrap(),
            prescription: PrescriptionKind::OutOfHouse,
            usage: UsageKind::Oral,
            drug_name: name.into(),
            ingredient: None,
            receipt_code: None,
            yj_code: None,
            directions: Some("1日3回毎食後".into()),
            daily_dose: Some("3錠".into()),
            single_dose: Some("1錠".into()),
            special_instructions: None,
            quantity: DispensedQuantity {
                amount: 14,
                unit: QuantityUnit::Days,
            },
            mark: None,
            copay: savings.map(|s| Yen(s * 3)),
            savings: savings.map(Yen),
            claim,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::drug_line;
    use super::*;

    #[test]
    fn display_name_carries_the_mark() {
        let mut line = drug_line(NaiveDate::from_ymd_opt(2025, 1, 10).unwrap(), "薬A", None);
        assert_eq!(line.display_name(), "薬A");
        line.mark = Some(DrugMark::Psychotropic);
        assert_eq!(line.display_name(), "向）薬A");
        assert_eq!(line.quantity.to_string(), "14日分");
        assert!(!line.prescribed_here());
    }
}
