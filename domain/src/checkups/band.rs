//! 保健指導判定値 / 受診勧奨判定値, exactly as health-data.md §3 lists them (from MHLW
//! 標準的な健診・保健指導プログラム 令和6年度版, 健診検査項目の保健指導判定値及び受診勧奨判定値).

use super::{Decimal, KnownItem};
use crate::people::Sex;
use serde::{Deserialize, Serialize};

/// Where a value falls. Always shown as text as well as colour.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Normal,
    /// 保健指導判定値
    Guidance,
    /// 受診勧奨判定値
    Referral,
}

impl Band {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Normal => "基準範囲内",
            Self::Guidance => "保健指導判定値",
            Self::Referral => "受診勧奨判定値",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Normal => "Normal",
            Self::Guidance => "Health guidance",
            Self::Referral => "See a doctor",
        }
    }
}

/// How a value is compared with a limit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// ≥ (以上)
    AtLeast,
    /// < (未満)
    Below,
    /// ≤ (以下)
    AtMost,
}

/// One judgement value: "≥ 130", "< 40" …
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub comparison: Comparison,
    pub value: Decimal,
}

impl Limit {
    pub fn hit(self, v: Decimal) -> bool {
        match self.comparison {
            Comparison::AtLeast => v >= self.value,
            Comparison::Below => v < self.value,
            Comparison::AtMost => v <= self.value,
        }
    }

    /// 130以上 / 40未満 / 13.0以下.
    pub fn describe_ja(self) -> String {
        let word = match self.comparison {
            Comparison::AtLeast => "以上",
            Comparison::Below => "未満",
            Comparison::AtMost => "以下",
        };
        format!("{}{word}", self.value)
    }

    /// ≥ 130 / < 40 / ≤ 13.0.
    pub fn describe_en(self) -> String {
        let sign = match self.comparison {
            Comparison::AtLeast => "≥",
            Comparison::Below => "<",
            Comparison::AtMost => "≤",
        };
        format!("{sign} {}", self.value)
    }
}

/// The 保健指導判定値 and 受診勧奨判定値 of one item (either may be missing).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandLimits {
    pub guidance: Option<Limit>,
    pub referral: Option<Limit>,
}

impl BandLimits {
    /// The band of `value`: 受診勧奨 wins over 保健指導.
    pub fn band_of(self, value: Decimal) -> Band {
        if self.referral.is_some_and(|t| t.hit(value)) {
            Band::Referral
        } else if self.guidance.is_some_and(|t| t.hit(value)) {
            Band::Guidance
        } else {
            Band::Normal
        }
    }
}

const fn ge(m: i64, scale: u8) -> Option<Limit> {
    Some(Limit {
        comparison: Comparison::AtLeast,
        value: Decimal::from_parts(m, scale),
    })
}
const fn lt(m: i64, scale: u8) -> Option<Limit> {
    Some(Limit {
        comparison: Comparison::Below,
        value: Decimal::from_parts(m, scale),
    })
}
const fn le(m: i64, scale: u8) -> Option<Limit> {
    Some(Limit {
        comparison: Comparison::AtMost,
        value: Decimal::from_parts(m, scale),
    })
}

/// One row: item, sex if it matters, 保健指導 limit, 受診勧奨 limit.
type BandRule = (KnownItem, Option<Sex>, Option<Limit>, Option<Limit>);

/// 随時中性脂肪: the spec gives only ≥175 (指導); 受診勧奨 ≥300 is taken from the fasting row, as
/// the MHLW program does. HDL: < 40 保健指導, < 35 受診勧奨. 随時血糖 is judged like 空腹時血糖
/// (100 / 126). BMI ≥ 25 and 腹囲 ≥ 85 (男) / ≥ 90 (女) are 保健指導 only (the 階層化 step-1
/// values; no 受診勧奨 value exists). 尿蛋白 is coded, see [`coded_band`]. Items not listed get
/// no band (e.g. creatinine, JDS HbA1c).
///
/// Blood pressure is judged on the mean of the 1st and 2nd readings when both were taken
/// (MHLW 標準的な健診・保健指導プログラム: 2回測定した場合は平均値); health-data.md §6 was first
/// read as "the first reading", which the programme contradicts. See `Checkup::judged_numeric`.
const BAND_RULES: &[BandRule] = &[
    (KnownItem::Systolic, None, ge(130, 0), ge(140, 0)),
    (KnownItem::Diastolic, None, ge(85, 0), ge(90, 0)),
    (
        KnownItem::TriglyceridesFasting,
        None,
        ge(150, 0),
        ge(300, 0),
    ),
    (KnownItem::TriglyceridesCasual, None, ge(175, 0), ge(300, 0)),
    (KnownItem::Hdl, None, lt(40, 0), lt(35, 0)),
    (KnownItem::Ldl, None, ge(120, 0), ge(140, 0)),
    (KnownItem::NonHdl, None, ge(150, 0), ge(170, 0)),
    (KnownItem::FastingGlucose, None, ge(100, 0), ge(126, 0)),
    (KnownItem::CasualGlucose, None, ge(100, 0), ge(126, 0)),
    (KnownItem::Bmi, None, ge(25, 0), None),
    (KnownItem::Waist, Some(Sex::Male), ge(85, 0), None),
    (KnownItem::Waist, Some(Sex::Female), ge(90, 0), None),
    (KnownItem::HbA1c, None, ge(56, 1), ge(65, 1)),
    (KnownItem::Ast, None, ge(31, 0), ge(51, 0)),
    (KnownItem::Alt, None, ge(31, 0), ge(51, 0)),
    (KnownItem::GammaGt, None, ge(51, 0), ge(101, 0)),
    (KnownItem::Egfr, None, lt(60, 0), lt(45, 0)),
    (
        KnownItem::Hemoglobin,
        Some(Sex::Male),
        le(130, 1),
        lt(120, 1),
    ),
    (
        KnownItem::Hemoglobin,
        Some(Sex::Female),
        le(120, 1),
        lt(110, 1),
    ),
];

/// The limits of `item` for `sex`, or `None` when the item has no bands.
pub fn band_limits(item: KnownItem, sex: Sex) -> Option<BandLimits> {
    BAND_RULES
        .iter()
        .find(|(i, s, ..)| *i == item && s.is_none_or(|s| s == sex))
        .map(|(_, _, guidance, referral)| BandLimits {
            guidance: *guidance,
            referral: *referral,
        })
}

/// The band of `value` for `item`, or `None` when the item has no bands.
pub fn reference_band(item: KnownItem, value: Decimal, sex: Sex) -> Option<Band> {
    band_limits(item, sex).map(|limits| limits.band_of(value))
}

/// The band of a coded answer: 尿蛋白 (CO, OID 1.2.392.200119.6.2102: 1 −, 2 ±, 3 +, 4 ++,
/// 5 +++) is 保健指導 at ±, 受診勧奨 at + or more. `None` for other items and unknown codes.
pub fn coded_band(item: KnownItem, code: &str) -> Option<Band> {
    match (item, code.trim()) {
        (KnownItem::UrineProtein, "1") => Some(Band::Normal),
        (KnownItem::UrineProtein, "2") => Some(Band::Guidance),
        (KnownItem::UrineProtein, "3" | "4" | "5") => Some(Band::Referral),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn band(item: KnownItem, v: &str) -> Band {
        reference_band(item, Decimal::parse(v).unwrap(), Sex::Male).unwrap()
    }

    fn hb(sex: Sex, v: &str) -> Band {
        reference_band(KnownItem::Hemoglobin, Decimal::parse(v).unwrap(), sex).unwrap()
    }

    use Band::{Guidance as G, Normal as N, Referral as R};

    #[test]
    fn every_threshold_edge() {
        let cases: &[(KnownItem, &[(&str, Band)])] = &[
            (
                KnownItem::Systolic,
                &[("129", N), ("130", G), ("139", G), ("140", R)],
            ),
            (
                KnownItem::Diastolic,
                &[("84", N), ("85", G), ("89", G), ("90", R)],
            ),
            (
                KnownItem::TriglyceridesFasting,
                &[("149", N), ("150", G), ("299", G), ("300", R)],
            ),
            (
                KnownItem::TriglyceridesCasual,
                &[("174", N), ("175", G), ("299", G), ("300", R)],
            ),
            (
                KnownItem::Hdl,
                &[("39", G), ("40", N), ("35", G), ("34.9", R), ("20", R)],
            ),
            (
                KnownItem::CasualGlucose,
                &[("99", N), ("100", G), ("125", G), ("126", R)],
            ),
            (KnownItem::Bmi, &[("24.9", N), ("25.0", G), ("40", G)]),
            (
                KnownItem::Ldl,
                &[("119", N), ("120", G), ("139", G), ("140", R)],
            ),
            (
                KnownItem::NonHdl,
                &[("149", N), ("150", G), ("169", G), ("170", R)],
            ),
            (
                KnownItem::FastingGlucose,
                &[("99", N), ("100", G), ("125", G), ("126", R)],
            ),
            (
                KnownItem::HbA1c,
                &[("5.5", N), ("5.6", G), ("5.60", G), ("6.4", G), ("6.5", R)],
            ),
            (
                KnownItem::Ast,
                &[("30", N), ("31", G), ("50", G), ("51", R)],
            ),
            (
                KnownItem::Alt,
                &[("30", N), ("31", G), ("50", G), ("51", R)],
            ),
            (
                KnownItem::GammaGt,
                &[("50", N), ("51", G), ("100", G), ("101", R)],
            ),
            (
                KnownItem::Egfr,
                &[("60", N), ("59.9", G), ("45", G), ("44.9", R)],
            ),
        ];
        for (item, edges) in cases {
            for (v, expected) in *edges {
                assert_eq!(band(*item, v), *expected, "{item:?} {v}");
            }
        }
    }

    #[test]
    fn hemoglobin_depends_on_sex() {
        assert_eq!(hb(Sex::Male, "13.1"), N);
        assert_eq!(hb(Sex::Male, "13.0"), G);
        assert_eq!(hb(Sex::Male, "12.0"), G);
        assert_eq!(hb(Sex::Male, "11.9"), R);
        assert_eq!(hb(Sex::Female, "12.1"), N);
        assert_eq!(hb(Sex::Female, "12.0"), G);
        assert_eq!(hb(Sex::Female, "11.0"), G);
        assert_eq!(hb(Sex::Female, "10.9"), R);
    }

    #[test]
    fn limits_are_the_edges_and_read_in_both_languages() {
        let sbp = band_limits(KnownItem::Systolic, Sex::Male).unwrap();
        let g = sbp.guidance.unwrap();
        assert_eq!(
            (g.describe_ja(), g.describe_en()),
            ("130以上".into(), "≥ 130".into())
        );
        assert_eq!(sbp.band_of(g.value), G, "a limit value is inside its band");
        let egfr = band_limits(KnownItem::Egfr, Sex::Female).unwrap();
        assert_eq!(egfr.referral.unwrap().describe_ja(), "45未満");
        let hb = band_limits(KnownItem::Hemoglobin, Sex::Female).unwrap();
        assert_eq!(hb.guidance.unwrap().describe_en(), "≤ 12.0");
        assert_eq!(
            band_limits(KnownItem::Hdl, Sex::Male)
                .unwrap()
                .referral
                .map(Limit::describe_ja),
            Some("35未満".into())
        );
        assert_eq!(
            band_limits(KnownItem::Bmi, Sex::Male).unwrap().referral,
            None
        );
        assert_eq!(band_limits(KnownItem::Height, Sex::Male), None);
    }

    #[test]
    fn waist_depends_on_sex() {
        let w = |sex, v| reference_band(KnownItem::Waist, Decimal::parse(v).unwrap(), sex);
        assert_eq!(w(Sex::Male, "84.9"), Some(N));
        assert_eq!(w(Sex::Male, "85.0"), Some(G));
        assert_eq!(w(Sex::Female, "89.9"), Some(N));
        assert_eq!(w(Sex::Female, "90"), Some(G));
    }

    #[test]
    fn urine_protein_plus_minus_and_plus() {
        let u = |code| coded_band(KnownItem::UrineProtein, code);
        assert_eq!(
            ["1", "2", "3", "4", "5", "9"].map(u),
            [Some(N), Some(G), Some(R), Some(R), Some(R), None]
        );
        assert_eq!(coded_band(KnownItem::UrineGlucose, "3"), None);
    }

    #[test]
    fn items_without_bands() {
        let v = Decimal::from_int(300);
        assert_eq!(reference_band(KnownItem::Creatinine, v, Sex::Male), None);
        assert_eq!(reference_band(KnownItem::Height, v, Sex::Male), None);
    }

    proptest! {
        #[test]
        fn bands_are_monotone_for_upper_limits(a in 0i64..5000, b in 0i64..5000) {
            let (lo, hi) = (a.min(b), a.max(b));
            for item in [KnownItem::Systolic, KnownItem::HbA1c, KnownItem::Ldl, KnownItem::GammaGt] {
                let bl = reference_band(item, Decimal::from_parts(lo, 1), Sex::Female).unwrap();
                let bh = reference_band(item, Decimal::from_parts(hi, 1), Sex::Female).unwrap();
                prop_assert!(bl <= bh);
            }
        }
    }
}
