use super::ServiceCategory;
use crate::claim::{ClaimSource, ClaimedLine};
use crate::money::Yen;
use crate::period::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One 医療費通知 line (health-data.md §4).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseLine {
    pub claim: ClaimSource,
    /// Publication date (see `visibility::expense_visible_from`).
    pub visible_from: NaiveDate,
    /// 診療年月
    pub service_month: YearMonth,
    /// 診療区分
    pub category: ServiceCategory,
    /// 診療実日数
    pub days: u32,
    /// 医療機関等名称
    pub institution_name: String,
    /// 総額 (医療費の総額)
    pub total: Yen,
    /// 保険者負担額
    pub insurer_paid: Yen,
    /// 公費負担額
    pub public_paid: Yen,
    /// 窓口負担相当額: computed as 点数×10×負担割合, NOT rounded the way the counter rounds,
    /// so it can differ from the receipt by a few yen. The UI must say so next to it.
    pub patient_paid: Yen,
}

impl ClaimedLine for ExpenseLine {
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
    use crate::claim::{ClaimId, InstitutionId};
    use crate::people::PersonId;

    pub fn expense(month: &str, inst: &str, category: &str, patient: i64) -> ExpenseLine {
        let service_month = YearMonth::parse(month).unwrap();
        ExpenseLine {
            claim: ClaimSource {
                claim_id: ClaimId::parse(&format!("{month}-{inst}")).unwrap(),
                person: PersonId::parse("demo-sato").unwrap(),
                institution: InstitutionId::parse(inst).unwrap(),
                service_month,
                receipt: crate::claim::ReceiptIdentity::for_expense(&ServiceCategory::parse(
                    category,
                )),
                accepted_on: service_month.next().day(10).unwrap(),
                sequence: 0,
                imported_by_you: false,
            },
            visible_from: crate::visibility::expense_visible_from(service_month),
            service_month,
            category: ServiceCategory::parse(category),
            days: 1,
            institution_name: format!("{inst} 名称"),
            total: Yen(patient * 10 / 3),
            insurer_paid: Yen(patient * 10 / 3 - patient),
            public_paid: Yen(0),
            patient_paid: Yen(patient),
        }
    }
}
