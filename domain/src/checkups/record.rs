use super::items::{group_of, lookup, ItemGroup, ItemRule, KnownItem};
use super::{coded_band, reference_band, Band, CheckupValue, Decimal, ItemCode};
use crate::insurance::InsurerNumber;
use crate::people::Sex;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 特定健診 (40–74) or 後期高齢者健診 (75+). The latter has no 腹囲, no メタボ判定 and no
/// 保健指導レベル, so no judgement is computed for it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckupKind {
    SpecificHealthCheckup,
    LateStageElderly,
}

impl CheckupKind {
    /// From the hc08 section code (OID …1010): 01010 特定健診, 01020 後期高齢者健診.
    pub fn from_section_code(code: &str) -> Option<Self> {
        match code.trim() {
            "01010" => Some(Self::SpecificHealthCheckup),
            "01020" => Some(Self::LateStageElderly),
            _ => None,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::SpecificHealthCheckup => "特定健診",
            Self::LateStageElderly => "後期高齢者健診",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::SpecificHealthCheckup => "Specific health checkup",
            Self::LateStageElderly => "Health checkup for the late-stage elderly",
        }
    }
}

/// One item of one checkup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckupResult {
    pub code: ItemCode,
    pub value: CheckupValue,
}

impl CheckupResult {
    pub fn rule(&self) -> Option<&'static ItemRule> {
        lookup(&self.code)
    }

    pub fn item(&self) -> Option<KnownItem> {
        self.rule().map(|r| r.item)
    }

    /// 検査方法 or reading (1回目 …) the code denotes, if any.
    pub fn method(&self) -> Option<&'static str> {
        self.rule().and_then(|r| r.method)
    }

    pub fn group(&self) -> ItemGroup {
        group_of(&self.code)
    }

    /// Reference band, when the item has bands and the value is a number in the expected unit.
    /// A value in another unit gets no band rather than a wrong one.
    pub fn band(&self, sex: Sex) -> Option<Band> {
        let item = self.item()?;
        let (value, unit) = match &self.value {
            CheckupValue::Numeric { value, unit, .. } => (value, unit),
            CheckupValue::Coded { code, .. } => return coded_band(item, code),
            _ => return None,
        };
        let expected = item.unit()?;
        if !unit.is_empty() && !unit.eq_ignore_ascii_case(expected) {
            return None;
        }
        reference_band(item, *value, sex)
    }

    /// Display name: the known label, or the raw code for unknown items.
    pub fn label_ja(&self) -> String {
        self.item()
            .map(|i| i.label_ja().to_owned())
            .unwrap_or_else(|| self.code.to_string())
    }

    pub fn label_en(&self) -> String {
        self.item()
            .map(|i| i.label_en().to_owned())
            .unwrap_or_else(|| self.code.to_string())
    }
}

/// One checkup as the insurer registered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkup {
    /// 実施年月日 (serviceEvent/effectiveTime, not the file's creation date).
    pub performed_on: NaiveDate,
    /// 健診機関名称
    pub institution_name: String,
    pub kind: CheckupKind,
    /// The insurer that registered it (records stay with the person across insurers).
    pub insurer: InsurerNumber,
    pub results: Vec<CheckupResult>,
}

impl Checkup {
    /// The preferred result for `item` (lowest rank: 1st reading, main method) that has a
    /// value of any kind; `None` when the item is absent.
    pub fn result(&self, item: KnownItem) -> Option<&CheckupResult> {
        self.results
            .iter()
            .filter_map(|r| {
                r.rule()
                    .filter(|rule| rule.item == item)
                    .map(|rule| (rule.rank, r))
            })
            .min_by_key(|(rank, _)| *rank)
            .map(|(_, r)| r)
    }

    /// The preferred numeric value for `item`, skipping variants that were not measured.
    pub fn numeric(&self, item: KnownItem) -> Option<Decimal> {
        self.results
            .iter()
            .filter_map(|r| {
                let rule = r.rule().filter(|rule| rule.item == item)?;
                Some((rule.rank, r.value.numeric()?))
            })
            .min_by_key(|(rank, _)| *rank)
            .map(|(_, v)| v)
    }

    /// The value the rules judge `item` on: for blood pressure the mean of the 1st and 2nd
    /// readings when both were taken (MHLW 標準的な健診・保健指導プログラム: 2回測定した場合は
    /// 平均値 — not the first reading alone, as health-data.md §6 was first read), otherwise
    /// the preferred value ([`Checkup::numeric`]).
    pub fn judged_numeric(&self, item: KnownItem) -> Option<Decimal> {
        if matches!(item, KnownItem::Systolic | KnownItem::Diastolic) {
            let reading = |rank: u8| {
                self.results.iter().find_map(|r| {
                    r.rule().filter(|x| x.item == item && x.rank == rank)?;
                    r.value.numeric()
                })
            };
            if let (Some(first), Some(second)) = (reading(0), reading(1)) {
                return Some(Decimal::mean(first, second));
            }
        }
        self.numeric(item)
    }

    /// The band shown for `result` of this checkup: blood pressure on the mean of its two
    /// readings ([`Checkup::judged_numeric`]), every other item on its own value.
    pub fn band_of(&self, result: &CheckupResult, sex: Sex) -> Option<Band> {
        let own = result.band(sex)?;
        match result.item() {
            Some(item @ (KnownItem::Systolic | KnownItem::Diastolic)) => {
                reference_band(item, self.judged_numeric(item)?, sex)
            }
            _ => Some(own),
        }
    }

    /// The code of a coded item (questionnaire answers, judgements).
    pub fn coded(&self, item: KnownItem) -> Option<&str> {
        self.result(item).and_then(|r| r.value.code())
    }

    /// Results grouped by section, in display order; unknown codes are kept under their
    /// family's section or その他.
    pub fn grouped(&self) -> Vec<(ItemGroup, Vec<&CheckupResult>)> {
        let mut groups: std::collections::BTreeMap<ItemGroup, Vec<&CheckupResult>> =
            std::collections::BTreeMap::new();
        for r in &self.results {
            groups.entry(r.group()).or_default().push(r);
        }
        groups.into_iter().collect()
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    pub fn num(code: &str, v: &str) -> CheckupResult {
        CheckupResult {
            code: ItemCode::parse(code).unwrap(),
            value: CheckupValue::Numeric {
                value: Decimal::parse(v).unwrap(),
                unit: String::new(),
                out_of_range: None,
            },
        }
    }

    pub fn coded(code: &str, v: &str) -> CheckupResult {
        CheckupResult {
            code: ItemCode::parse(code).unwrap(),
            value: CheckupValue::Coded {
                code: v.into(),
                display: None,
            },
        }
    }

    pub fn checkup(on: NaiveDate, results: Vec<CheckupResult>) -> Checkup {
        Checkup {
            performed_on: on,
            institution_name: "健診センター".into(),
            kind: CheckupKind::SpecificHealthCheckup,
            insurer: InsurerNumber::parse("01130012").unwrap(),
            results,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::checkups::NotMeasuredReason;

    fn on() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
    }

    #[test]
    fn prefers_first_reading_and_skips_unmeasured() {
        let mut first = num("9A751000000000001", "0");
        first.value = CheckupValue::NotMeasured(NotMeasuredReason::Unmeasurable);
        let c = checkup(
            on(),
            vec![
                num("9A755000000000001", "150"),
                num("9A752000000000001", "128"),
                first,
            ],
        );
        assert_eq!(c.numeric(KnownItem::Systolic), Some(Decimal::from_int(128)));
        assert_eq!(
            c.result(KnownItem::Systolic).unwrap().method(),
            Some("1回目")
        );
    }

    /// MHLW: two readings → judged on their mean. 142 alone is 受診勧奨; the mean of 142 and
    /// 136 (139) is 保健指導, for the shown band and for the rules.
    #[test]
    fn blood_pressure_is_judged_on_the_mean_of_two_readings() {
        let c = checkup(
            on(),
            vec![
                num("9A751000000000001", "142"),
                num("9A752000000000001", "136"),
                num("9A761000000000001", "84"),
            ],
        );
        assert_eq!(
            c.judged_numeric(KnownItem::Systolic),
            Some(Decimal::from_int(139))
        );
        let first = c.result(KnownItem::Systolic).unwrap();
        assert_eq!(first.band(Sex::Male), Some(Band::Referral));
        assert_eq!(c.band_of(first, Sex::Male), Some(Band::Guidance));
        // One reading alone is used as is.
        let dbp = c.result(KnownItem::Diastolic).unwrap();
        assert_eq!(c.band_of(dbp, Sex::Male), Some(Band::Normal));
        assert_eq!(
            Decimal::mean(Decimal::from_int(135), Decimal::from_int(138)).to_string(),
            "136.5"
        );
    }

    #[test]
    fn urine_protein_has_a_band() {
        assert_eq!(
            coded("1A010000000191111", "2").band(Sex::Female),
            Some(Band::Guidance)
        );
        assert_eq!(
            coded("1A010000000191111", "3").band(Sex::Female),
            Some(Band::Referral)
        );
    }

    #[test]
    fn bands_need_the_expected_unit() {
        let mut r = num("3D046000001906202", "5.6");
        assert_eq!(r.band(Sex::Male), Some(Band::Guidance));
        if let CheckupValue::Numeric { unit, .. } = &mut r.value {
            *unit = "mmol/mol".into();
        }
        assert_eq!(r.band(Sex::Male), None);
    }

    #[test]
    fn unknown_codes_are_kept_and_grouped() {
        let c = checkup(
            on(),
            vec![
                num("9N001000000000001", "170"),
                coded("9E100166000000011", "1"),
                coded("ZZ999000000000000", "x"),
                num("9A751000000000001", "120"),
            ],
        );
        let groups: Vec<_> = c
            .grouped()
            .into_iter()
            .map(|(g, rs)| (g, rs.len()))
            .collect();
        assert_eq!(
            groups,
            [
                (ItemGroup::BodyMeasurement, 1),
                (ItemGroup::BloodPressure, 1),
                (ItemGroup::Fundus, 1),
                (ItemGroup::Other, 1)
            ]
        );
        assert_eq!(c.results[2].label_ja(), "ZZ999000000000000");
    }

    #[test]
    fn section_codes() {
        assert_eq!(
            CheckupKind::from_section_code("01020"),
            Some(CheckupKind::LateStageElderly)
        );
        assert_eq!(CheckupKind::from_section_code("01990"), None);
    }
}
