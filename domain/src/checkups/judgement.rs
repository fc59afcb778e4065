//! メタボリックシンドローム判定 and 特定保健指導レベル (階層化), computed only when the insurer sent
//! none, and always labelled as computed.
//!
//! Rules: health-data.md §3 (MHLW 特定健康診査・特定保健指導の円滑な実施に向けた手引き,
//! 階層化の基準). All thresholds of this module are in [`criteria`], in one place.

use super::{Checkup, CheckupKind, Decimal, KnownItem};
use crate::people::Sex;
use crate::wareki::{age_on, FiscalYear};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The decision thresholds. Values are the spec's; comparisons are exact (see `Decimal`).
pub mod criteria {
    use super::Decimal;

    pub const WAIST_MALE_CM: Decimal = Decimal::from_int(85);
    pub const WAIST_FEMALE_CM: Decimal = Decimal::from_int(90);
    /// 内臓脂肪面積 at or above this meets the waist criterion where it was measured.
    pub const VISCERAL_FAT_CM2: Decimal = Decimal::from_int(100);
    pub const BMI: Decimal = Decimal::from_int(25);
    pub const SBP: Decimal = Decimal::from_int(130);
    pub const DBP: Decimal = Decimal::from_int(85);
    pub const TG_FASTING: Decimal = Decimal::from_int(150);
    /// 随時中性脂肪, used when no fasting value was taken (spec: "随時 ≥175").
    pub const TG_CASUAL: Decimal = Decimal::from_int(175);
    /// HDL below this is a risk.
    pub const HDL_BELOW: Decimal = Decimal::from_int(40);
    /// Glucose for メタボ判定.
    pub const FPG_METABO: Decimal = Decimal::from_int(110);
    pub const HBA1C_METABO: Decimal = Decimal::from_parts(60, 1);
    /// Glucose for 特定保健指導. 随時血糖 (the fallback when neither 空腹時血糖 nor HbA1c was
    /// measured) uses the 空腹時血糖 values.
    pub const FPG_GUIDANCE: Decimal = Decimal::from_int(100);
    pub const HBA1C_GUIDANCE: Decimal = Decimal::from_parts(56, 1);
    /// Ages whose 積極的支援 becomes 動機付け支援: the age reached by 31 March of the checkup's
    /// fiscal year (年度末年齢), see [`super::fiscal_year_end_age`].
    pub const DOWNGRADE_AGES: std::ops::RangeInclusive<u32> = 65..=74;
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgementSource {
    /// Registered by the insurer (9N501 / 9N506 in the file).
    Insurer,
    /// Computed by Karte from the results; must be labelled so on screen.
    Computed,
}

impl JudgementSource {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Insurer => "保険者の判定",
            Self::Computed => "Karteによる計算値",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Insurer => "Insurer's judgement",
            Self::Computed => "Computed by Karte",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Judgement<T> {
    pub value: T,
    pub source: JudgementSource,
}

/// メタボリックシンドローム判定 (9N501: 1 基準該当, 2 予備群該当, 3 非該当, 4 判定不能).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetabolicStatus {
    Meets,
    Reserve,
    NotMet,
    Undetermined,
}

impl MetabolicStatus {
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim() {
            "1" => Some(Self::Meets),
            "2" => Some(Self::Reserve),
            "3" => Some(Self::NotMet),
            "4" => Some(Self::Undetermined),
            _ => None,
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Self::Meets => 1,
            Self::Reserve => 2,
            Self::NotMet => 3,
            Self::Undetermined => 4,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Meets => "基準該当",
            Self::Reserve => "予備群該当",
            Self::NotMet => "非該当",
            Self::Undetermined => "判定不能",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Meets => "Meets the criteria",
            Self::Reserve => "Pre-metabolic syndrome",
            Self::NotMet => "Does not meet the criteria",
            Self::Undetermined => "Cannot be determined",
        }
    }
}

/// 特定保健指導レベル (9N506: 1 積極的支援, 2 動機付け支援, 3 なし, 4 判定不能).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuidanceLevel {
    Intensive,
    Motivational,
    NoGuidance,
    Undetermined,
    /// Computed only: on medication for 血圧/血糖/脂質, so not eligible (files code it 3 なし).
    ExcludedOnMedication,
}

impl GuidanceLevel {
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim() {
            "1" => Some(Self::Intensive),
            "2" => Some(Self::Motivational),
            "3" => Some(Self::NoGuidance),
            "4" => Some(Self::Undetermined),
            _ => None,
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Self::Intensive => 1,
            Self::Motivational => 2,
            Self::NoGuidance | Self::ExcludedOnMedication => 3,
            Self::Undetermined => 4,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Intensive => "積極的支援",
            Self::Motivational => "動機付け支援",
            Self::NoGuidance => "なし",
            Self::Undetermined => "判定不能",
            Self::ExcludedOnMedication => "対象外（服薬中）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Intensive => "Intensive support",
            Self::Motivational => "Motivational support",
            Self::NoGuidance => "None",
            Self::Undetermined => "Cannot be determined",
            Self::ExcludedOnMedication => "Not eligible (on medication)",
        }
    }
}

/// Each fact is `None` when the data to decide it is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Facts {
    waist_over: Option<bool>,
    bmi_over: Option<bool>,
    bp: Option<bool>,
    glucose_metabo: Option<bool>,
    glucose_guidance: Option<bool>,
    lipids: Option<bool>,
    med_bp: Option<bool>,
    med_glucose: Option<bool>,
    med_lipids: Option<bool>,
    smoker: Option<bool>,
}

/// OR over alternative measurements: the ones taken decide; only if none was taken is it unknown.
fn any_measured(flags: &[Option<bool>]) -> Option<bool> {
    if flags.contains(&Some(true)) {
        Some(true)
    } else if flags.contains(&Some(false)) {
        Some(false)
    } else {
        None
    }
}

fn yes_no(checkup: &Checkup, item: KnownItem) -> Option<bool> {
    // 服薬: 1 服薬あり, 2 なし. 喫煙: 1 はい; 2 (quit, from FY2024) and 3 / old 2 いいえ.
    match (item, checkup.coded(item)?) {
        (_, "1") => Some(true),
        (KnownItem::Smoking, "2" | "3") => Some(false),
        (_, "2") => Some(false),
        _ => None,
    }
}

/// The glucose risk: 空腹時血糖 decides when measured (even when HbA1c was too), else HbA1c,
/// else 随時血糖 with the 空腹時血糖 value (MHLW 標準的な健診・保健指導プログラム 令和6年度版).
fn glucose_over(c: &Checkup, fpg: Decimal, hba1c: Decimal) -> Option<bool> {
    let at_least = |item, t: Decimal| c.numeric(item).map(|v| v >= t);
    at_least(KnownItem::FastingGlucose, fpg)
        .or_else(|| at_least(KnownItem::HbA1c, hba1c))
        .or_else(|| at_least(KnownItem::CasualGlucose, fpg))
}

impl Facts {
    fn of(c: &Checkup, sex: Sex) -> Self {
        use criteria::*;
        let at_least = |item, t: Decimal| c.numeric(item).map(|v| v >= t);
        // Blood pressure on the mean of two readings (Checkup::judged_numeric).
        let bp_at_least = |item, t: Decimal| c.judged_numeric(item).map(|v| v >= t);
        let gate = match sex {
            Sex::Male => WAIST_MALE_CM,
            Sex::Female => WAIST_FEMALE_CM,
        };
        Self {
            waist_over: any_measured(&[
                at_least(KnownItem::Waist, gate),
                at_least(KnownItem::VisceralFatArea, VISCERAL_FAT_CM2),
            ]),
            bmi_over: at_least(KnownItem::Bmi, BMI).or_else(|| bmi_from_height_weight(c)),
            bp: any_measured(&[
                bp_at_least(KnownItem::Systolic, SBP),
                bp_at_least(KnownItem::Diastolic, DBP),
            ]),
            glucose_metabo: glucose_over(c, FPG_METABO, HBA1C_METABO),
            glucose_guidance: glucose_over(c, FPG_GUIDANCE, HBA1C_GUIDANCE),
            lipids: any_measured(&[
                at_least(KnownItem::TriglyceridesFasting, TG_FASTING)
                    .or_else(|| at_least(KnownItem::TriglyceridesCasual, TG_CASUAL)),
                c.numeric(KnownItem::Hdl).map(|v| v < HDL_BELOW),
            ]),
            med_bp: yes_no(c, KnownItem::MedicationBloodPressure),
            med_glucose: yes_no(c, KnownItem::MedicationGlucose),
            med_lipids: yes_no(c, KnownItem::MedicationLipids),
            smoker: yes_no(c, KnownItem::Smoking),
        }
    }
}

/// BMI ≥ 25 from height (cm) and weight (kg) when BMI itself is missing, exactly:
/// w / (h/100)² ≥ 25  ⇔  w × 10000 ≥ 25 × h².
fn bmi_from_height_weight(c: &Checkup) -> Option<bool> {
    let h = c.numeric(KnownItem::Height)?;
    let w = c.numeric(KnownItem::Weight)?;
    if h <= Decimal::from_int(0) {
        return None;
    }
    // Scale both to 6 decimals via their text form to stay exact in i128.
    let scaled = |d: Decimal| -> Option<i128> {
        let s = d.to_string();
        let (i, f) = s.split_once('.').unwrap_or((&s, ""));
        format!("{i}{f:0<6}").parse::<i128>().ok()
    };
    let (h, w) = (scaled(h)?, scaled(w)?);
    // w·10⁶ × 10000 × 10⁶  vs  25 × (h·10⁶)²  (both sides carry 10¹²).
    Some(w * 10_000 * 1_000_000 >= 25 * h * h)
}

/// Runs `rule` over every way the unknown facts could turn out; if all agree, that is the
/// answer, otherwise the data cannot decide it.
fn decide<T: PartialEq + Copy>(facts: &[Option<bool>], rule: impl Fn(&[bool]) -> T) -> Option<T> {
    let unknown: Vec<usize> = (0..facts.len()).filter(|i| facts[*i].is_none()).collect();
    let mut answer = None;
    for mask in 0u32..(1 << unknown.len()) {
        let mut values: Vec<bool> = facts.iter().map(|f| f.unwrap_or(false)).collect();
        for (bit, index) in unknown.iter().enumerate() {
            values[*index] = mask & (1 << bit) != 0;
        }
        let outcome = rule(&values);
        match answer {
            None => answer = Some(outcome),
            Some(previous) if previous != outcome => return None,
            Some(_) => {}
        }
    }
    answer
}

fn compute_metabolic(f: &Facts) -> MetabolicStatus {
    let facts = [
        f.waist_over,
        f.bp,
        f.glucose_metabo,
        f.lipids,
        f.med_bp,
        f.med_glucose,
        f.med_lipids,
    ];
    decide(&facts, |v| {
        if !v[0] {
            return MetabolicStatus::NotMet;
        }
        // Each risk counts also when the person takes the matching medicine.
        let risks = [v[1] || v[4], v[2] || v[5], v[3] || v[6]]
            .iter()
            .filter(|r| **r)
            .count();
        match risks {
            0 => MetabolicStatus::NotMet,
            1 => MetabolicStatus::Reserve,
            _ => MetabolicStatus::Meets,
        }
    })
    .unwrap_or(MetabolicStatus::Undetermined)
}

/// 年度末年齢: the age reached by 31 March of the fiscal year of `on` (the 65–74 rule of
/// 階層化 uses it, not the age on the checkup day). By 年齢計算ニ関スル法律 a year of age is
/// completed at the end of the day before the birthday, so someone born on 1 April has their
/// new age by 31 March: the naive age on the following 1 April. `None` when `on` is before birth.
pub fn fiscal_year_end_age(birth: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on < birth {
        return None;
    }
    let next_april = FiscalYear::of(on).last_day().succ_opt()?;
    age_on(birth, next_april)
}

/// 階層化 with an unknown age: the answer when the 65–74 rule cannot change it, otherwise
/// 判定不能 (an unknown birth date is not age 0).
fn compute_guidance(f: &Facts, age: Option<u32>) -> GuidanceLevel {
    match age {
        Some(age) => compute_guidance_at(f, age),
        None => {
            let (young, old) = (compute_guidance_at(f, 40), compute_guidance_at(f, 70));
            if young == old {
                young
            } else {
                GuidanceLevel::Undetermined
            }
        }
    }
}

fn compute_guidance_at(f: &Facts, age: u32) -> GuidanceLevel {
    let facts = [
        f.waist_over,
        f.bmi_over,
        f.bp,
        f.glucose_guidance,
        f.lipids,
        f.smoker,
        f.med_bp,
        f.med_glucose,
        f.med_lipids,
    ];
    decide(&facts, |v| {
        // Step 1: waist gate, or below it BMI ≥ 25.
        let waist_group = if v[0] {
            true
        } else if v[1] {
            false
        } else {
            return GuidanceLevel::NoGuidance;
        };
        // Treated under a doctor already: 特定保健指導 does not apply.
        if v[6] || v[7] || v[8] {
            return GuidanceLevel::ExcludedOnMedication;
        }
        // Step 2: risks; smoking counts only together with another risk.
        let mut risks = [v[2], v[3], v[4]].iter().filter(|r| **r).count();
        if risks >= 1 && v[5] {
            risks += 1;
        }
        // Step 3.
        let level = match (waist_group, risks) {
            (_, 0) => GuidanceLevel::NoGuidance,
            (true, 1) | (false, 1..=2) => GuidanceLevel::Motivational,
            _ => GuidanceLevel::Intensive,
        };
        // Step 4: 65–74 get 動機付け支援 at most.
        if level == GuidanceLevel::Intensive && criteria::DOWNGRADE_AGES.contains(&age) {
            GuidanceLevel::Motivational
        } else {
            level
        }
    })
    .unwrap_or(GuidanceLevel::Undetermined)
}

/// メタボ判定: the insurer's 9N501 when sent (and valid), otherwise computed.
/// `None` for 後期高齢者健診, which has no メタボ判定.
pub fn metabolic_judgement(checkup: &Checkup, sex: Sex) -> Option<Judgement<MetabolicStatus>> {
    if checkup.kind == CheckupKind::LateStageElderly {
        return None;
    }
    if let Some(value) = checkup
        .coded(KnownItem::MetabolicJudgement)
        .and_then(MetabolicStatus::from_code)
    {
        return Some(Judgement {
            value,
            source: JudgementSource::Insurer,
        });
    }
    Some(Judgement {
        value: compute_metabolic(&Facts::of(checkup, sex)),
        source: JudgementSource::Computed,
    })
}

/// 特定保健指導レベル: the insurer's 9N506 when sent (and valid), otherwise computed.
/// `birth` gives the 年度末年齢 for the 65–74 rule ([`fiscal_year_end_age`]); when it is unknown
/// and the rule matters, the level is 判定不能. `None` for 後期高齢者健診.
pub fn guidance_judgement(
    checkup: &Checkup,
    sex: Sex,
    birth: Option<NaiveDate>,
) -> Option<Judgement<GuidanceLevel>> {
    if checkup.kind == CheckupKind::LateStageElderly {
        return None;
    }
    if let Some(value) = checkup
        .coded(KnownItem::GuidanceLevel)
        .and_then(GuidanceLevel::from_code)
    {
        return Some(Judgement {
            value,
            source: JudgementSource::Insurer,
        });
    }
    Some(Judgement {
        value: compute_guidance(
            &Facts::of(checkup, sex),
            birth.and_then(|b| fiscal_year_end_age(b, checkup.performed_on)),
        ),
        source: JudgementSource::Computed,
    })
}

#[cfg(test)]
mod tests {
    use super::super::record::fixtures::{checkup, coded, num};
    use super::super::CheckupResult;
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    const WAIST: &str = "9N016160100000001";
    const BMI_CODE: &str = "9N011000000000001";
    const SBP: &str = "9A751000000000001";
    const DBP: &str = "9A761000000000001";
    const FPG: &str = "3D010000001926101";
    const HBA1C: &str = "3D046000001906202";
    const TG: &str = "3F015000002327101";
    const TG_CASUAL: &str = "3F015129902327101";
    const HDL: &str = "3F070000002327101";
    const MED_BP: &str = "9N701000000000011";
    const MED_GLU: &str = "9N706000000000011";
    const MED_LIP: &str = "9N711000000000011";
    const SMOKING: &str = "9N736000000000011";

    /// A healthy baseline with every fact known; tests override single results.
    fn base(overrides: &[(&str, &str)]) -> Vec<CheckupResult> {
        let mut values: Vec<(&str, &str)> = vec![
            (WAIST, "80"),
            (BMI_CODE, "22"),
            (SBP, "120"),
            (DBP, "70"),
            (FPG, "90"),
            (HBA1C, "5.2"),
            (TG, "100"),
            (HDL, "60"),
        ];
        let questions = [MED_BP, MED_GLU, MED_LIP, SMOKING];
        for (code, v) in overrides {
            values.retain(|(c, _)| c != code);
            if !v.is_empty() && !questions.contains(code) {
                values.push((code, v));
            }
        }
        let mut results: Vec<_> = values.into_iter().map(|(c, v)| num(c, v)).collect();
        let answered = |code: &str| overrides.iter().find(|(c, _)| *c == code).map(|(_, v)| *v);
        for code in questions {
            match answered(code) {
                Some("") => {}
                Some(v) => results.push(coded(code, v)),
                None => results.push(coded(code, "2")),
            }
        }
        results
    }

    fn metabo(sex: Sex, overrides: &[(&str, &str)]) -> MetabolicStatus {
        let c = checkup(
            NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
            base(overrides),
        );
        let j = metabolic_judgement(&c, sex).unwrap();
        assert_eq!(j.source, JudgementSource::Computed);
        j.value
    }

    /// `age` is the 年度末年齢 (FY2024 ends 2025-03-31): born on 1 April `age` years earlier.
    fn guidance(sex: Sex, age: u32, overrides: &[(&str, &str)]) -> GuidanceLevel {
        let birth = NaiveDate::from_ymd_opt(2025 - age as i32, 4, 1).unwrap();
        guidance_born(sex, Some(birth), overrides)
    }

    fn guidance_born(
        sex: Sex,
        birth: Option<NaiveDate>,
        overrides: &[(&str, &str)],
    ) -> GuidanceLevel {
        let c = checkup(
            NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
            base(overrides),
        );
        guidance_judgement(&c, sex, birth).unwrap().value
    }

    use GuidanceLevel as G;
    use MetabolicStatus as M;

    #[test]
    fn waist_gate_depends_on_sex() {
        let two_risks = [(SBP, "130"), (TG, "150")];
        assert_eq!(
            metabo(Sex::Male, &[&two_risks[..], &[(WAIST, "84.9")]].concat()),
            M::NotMet
        );
        assert_eq!(
            metabo(Sex::Male, &[&two_risks[..], &[(WAIST, "85")]].concat()),
            M::Meets
        );
        assert_eq!(
            metabo(Sex::Female, &[&two_risks[..], &[(WAIST, "89.9")]].concat()),
            M::NotMet
        );
        assert_eq!(
            metabo(Sex::Female, &[&two_risks[..], &[(WAIST, "90")]].concat()),
            M::Meets
        );
    }

    #[test]
    fn metabo_counts_risks_and_medication() {
        let w = (WAIST, "90");
        assert_eq!(metabo(Sex::Male, &[w]), M::NotMet);
        assert_eq!(metabo(Sex::Male, &[w, (DBP, "85")]), M::Reserve);
        assert_eq!(metabo(Sex::Male, &[w, (DBP, "84")]), M::NotMet);
        // Metabo glucose uses 110 / 6.0, not the guidance 100 / 5.6 (HbA1c only decides when
        // 空腹時血糖 was not measured).
        assert_eq!(metabo(Sex::Male, &[w, (FPG, "109")]), M::NotMet);
        assert_eq!(metabo(Sex::Male, &[w, (FPG, "110")]), M::Reserve);
        assert_eq!(
            metabo(Sex::Male, &[w, (FPG, ""), (HBA1C, "5.9")]),
            M::NotMet
        );
        assert_eq!(
            metabo(Sex::Male, &[w, (FPG, ""), (HBA1C, "6.0")]),
            M::Reserve
        );
        assert_eq!(metabo(Sex::Male, &[w, (HDL, "39")]), M::Reserve);
        assert_eq!(
            metabo(Sex::Male, &[w, (HDL, "39"), (MED_BP, "1")]),
            M::Meets
        );
        assert_eq!(
            metabo(Sex::Male, &[w, (MED_GLU, "1"), (MED_LIP, "1")]),
            M::Meets
        );
    }

    #[test]
    fn casual_tg_is_used_only_without_fasting() {
        let w = (WAIST, "90");
        assert_eq!(
            metabo(Sex::Male, &[w, (TG, ""), (TG_CASUAL, "174")]),
            M::NotMet
        );
        assert_eq!(
            metabo(Sex::Male, &[w, (TG, ""), (TG_CASUAL, "175")]),
            M::Reserve
        );
    }

    #[test]
    fn missing_data_gives_undetermined_only_when_it_matters() {
        assert_eq!(
            metabo(Sex::Male, &[(WAIST, ""), (SBP, "140")]),
            M::Undetermined
        );
        // No risk at all: the missing waist cannot matter.
        assert_eq!(metabo(Sex::Male, &[(WAIST, "")]), M::NotMet);
        // Waist under the gate decides it whatever else is missing.
        assert_eq!(metabo(Sex::Male, &[(SBP, ""), (DBP, "")]), M::NotMet);
        // Two risks known: a missing third cannot change 基準該当.
        assert_eq!(
            metabo(
                Sex::Male,
                &[
                    (WAIST, "90"),
                    (SBP, "140"),
                    (TG, "300"),
                    (FPG, ""),
                    (HBA1C, ""),
                    (MED_GLU, "")
                ]
            ),
            M::Meets
        );
        assert_eq!(
            metabo(
                Sex::Male,
                &[
                    (WAIST, "90"),
                    (SBP, "140"),
                    (FPG, ""),
                    (HBA1C, ""),
                    (MED_GLU, "")
                ]
            ),
            M::Undetermined
        );
    }

    #[test]
    fn guidance_waist_group() {
        let w = (WAIST, "85");
        assert_eq!(guidance(Sex::Male, 50, &[w]), G::NoGuidance);
        assert_eq!(guidance(Sex::Male, 50, &[w, (FPG, "100")]), G::Motivational);
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (FPG, ""), (HBA1C, "5.6")]),
            G::Motivational
        );
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (FPG, ""), (HBA1C, "5.5")]),
            G::NoGuidance
        );
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (FPG, "100"), (TG, "150")]),
            G::Intensive
        );
    }

    #[test]
    fn guidance_bmi_group_needs_three_for_intensive() {
        let b = (BMI_CODE, "25");
        assert_eq!(
            guidance(Sex::Male, 50, &[(BMI_CODE, "24.9"), (SBP, "130")]),
            G::NoGuidance
        );
        assert_eq!(guidance(Sex::Male, 50, &[b, (SBP, "130")]), G::Motivational);
        assert_eq!(
            guidance(Sex::Male, 50, &[b, (SBP, "130"), (HDL, "39")]),
            G::Motivational
        );
        assert_eq!(
            guidance(Sex::Male, 50, &[b, (SBP, "130"), (HDL, "39"), (FPG, "100")]),
            G::Intensive
        );
    }

    #[test]
    fn smoking_counts_only_with_another_risk() {
        let w = (WAIST, "85");
        assert_eq!(guidance(Sex::Male, 50, &[w, (SMOKING, "1")]), G::NoGuidance);
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (SMOKING, "1"), (SBP, "130")]),
            G::Intensive
        );
        // FY2024 answer 2 = quit more than a month ago: not a smoker.
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (SMOKING, "2"), (SBP, "130")]),
            G::Motivational
        );
        let b = (BMI_CODE, "26");
        assert_eq!(
            guidance(
                Sex::Male,
                50,
                &[b, (SMOKING, "1"), (SBP, "130"), (TG, "150")]
            ),
            G::Intensive
        );
    }

    #[test]
    fn age_and_medication() {
        let intensive = [(WAIST, "90"), (SBP, "130"), (TG, "150")];
        assert_eq!(guidance(Sex::Male, 64, &intensive), G::Intensive);
        assert_eq!(guidance(Sex::Male, 65, &intensive), G::Motivational);
        assert_eq!(guidance(Sex::Male, 74, &intensive), G::Motivational);
        let on_meds = [&intensive[..], &[(MED_BP, "1")]].concat();
        assert_eq!(guidance(Sex::Male, 50, &on_meds), G::ExcludedOnMedication);
        assert_eq!(G::ExcludedOnMedication.code(), 3);
        // Unanswered medication question leaves eligibility open.
        let unknown_meds = [&intensive[..], &[(MED_LIP, "")]].concat();
        assert_eq!(guidance(Sex::Male, 50, &unknown_meds), G::Undetermined);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// 年度末年齢: 64 on the checkup day (1 June 2024) but 65 by 31 March 2025 → 動機付け.
    #[test]
    fn the_65_rule_uses_the_age_at_fiscal_year_end() {
        let intensive = [(WAIST, "90"), (SBP, "130"), (TG, "150")];
        let born = d(1960, 1, 15);
        assert_eq!(crate::wareki::age_on(born, d(2024, 6, 1)), Some(64));
        assert_eq!(fiscal_year_end_age(born, d(2024, 6, 1)), Some(65));
        assert_eq!(
            guidance_born(Sex::Male, Some(born), &intensive),
            G::Motivational
        );
        // Born 1 April: the new age is reached on 31 March (年齢計算ニ関スル法律).
        assert_eq!(fiscal_year_end_age(d(1960, 4, 1), d(2024, 6, 1)), Some(65));
        assert_eq!(fiscal_year_end_age(d(1960, 4, 2), d(2024, 6, 1)), Some(64));
        // A January checkup belongs to the fiscal year that started the April before.
        assert_eq!(fiscal_year_end_age(born, d(2025, 1, 10)), Some(65));
        assert_eq!(fiscal_year_end_age(born, d(1959, 1, 1)), None);
    }

    /// An unknown birth date is not age 0: where the 65–74 rule matters, 判定不能.
    #[test]
    fn unknown_birth_date_cannot_be_computed_where_age_matters() {
        let intensive = [(WAIST, "90"), (SBP, "130"), (TG, "150")];
        assert_eq!(guidance_born(Sex::Male, None, &intensive), G::Undetermined);
        assert_eq!(guidance_born(Sex::Male, None, &[]), G::NoGuidance);
        let motivational = [(WAIST, "90"), (SBP, "130")];
        assert_eq!(
            guidance_born(Sex::Male, None, &motivational),
            G::Motivational
        );
    }

    /// 空腹時血糖 decides when measured, even against HbA1c; 随時血糖 only when neither was.
    #[test]
    fn fasting_glucose_decides_and_casual_is_the_fallback() {
        let w = (WAIST, "90");
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (FPG, "95"), (HBA1C, "5.8")]),
            G::NoGuidance
        );
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (FPG, "100"), (HBA1C, "5.2")]),
            G::Motivational
        );
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (FPG, ""), (HBA1C, "5.6")]),
            G::Motivational
        );
        const CASUAL: &str = "3D010129901926101";
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (FPG, ""), (HBA1C, ""), (CASUAL, "100")]),
            G::Motivational
        );
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (FPG, ""), (HBA1C, ""), (CASUAL, "99")]),
            G::NoGuidance
        );
        assert_eq!(
            guidance(Sex::Male, 50, &[w, (FPG, "90"), (CASUAL, "140")]),
            G::NoGuidance,
            "随時血糖 does not count when 空腹時血糖 was measured"
        );
        assert_eq!(
            metabo(Sex::Male, &[w, (SBP, "130"), (FPG, "105"), (HBA1C, "6.2")]),
            M::Reserve
        );
    }

    /// 内臓脂肪面積 ≥ 100 cm² meets the waist criterion where measured.
    #[test]
    fn visceral_fat_area_stands_in_for_the_waist() {
        const VFA: &str = "9N021000000000001";
        assert_eq!(
            guidance(Sex::Male, 50, &[(VFA, "100"), (SBP, "130"), (TG, "150")]),
            G::Intensive
        );
        assert_eq!(
            guidance(Sex::Male, 50, &[(VFA, "99.9"), (SBP, "130"), (TG, "150")]),
            G::NoGuidance
        );
        assert_eq!(
            metabo(Sex::Female, &[(VFA, "120"), (SBP, "130"), (TG, "150")]),
            M::Meets
        );
    }

    /// Blood pressure on the mean of two readings: 128 and 134 (mean 131) is a risk.
    #[test]
    fn blood_pressure_risk_uses_the_mean() {
        const SBP2: &str = "9A752000000000001";
        assert_eq!(
            guidance(Sex::Male, 50, &[(WAIST, "90"), (SBP, "128"), (SBP2, "134")]),
            G::Motivational
        );
        assert_eq!(
            guidance(Sex::Male, 50, &[(WAIST, "90"), (SBP, "128"), (SBP2, "131")]),
            G::NoGuidance
        );
    }

    #[test]
    fn bmi_from_height_and_weight_when_missing() {
        // 170 cm: BMI 25 at 72.25 kg.
        let no_bmi = |w: &'static str| {
            guidance(
                Sex::Male,
                50,
                &[
                    (BMI_CODE, ""),
                    ("9N001000000000001", "170"),
                    ("9N006000000000001", w),
                    (SBP, "130"),
                ],
            )
        };
        assert_eq!(no_bmi("72.25"), G::Motivational);
        assert_eq!(no_bmi("72.24"), G::NoGuidance);
    }

    #[test]
    fn insurer_value_wins_and_elderly_get_none() {
        let mut results = base(&[(WAIST, "90"), (SBP, "130"), (TG, "150")]);
        results.push(coded("9N501000000000011", "2"));
        results.push(coded("9N506000000000011", "3"));
        let mut c = checkup(NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(), results);
        assert_eq!(
            metabolic_judgement(&c, Sex::Male),
            Some(Judgement {
                value: M::Reserve,
                source: JudgementSource::Insurer
            })
        );
        assert_eq!(
            guidance_judgement(&c, Sex::Male, Some(d(2025 - 50, 4, 1))),
            Some(Judgement {
                value: G::NoGuidance,
                source: JudgementSource::Insurer
            })
        );
        c.kind = CheckupKind::LateStageElderly;
        assert_eq!(metabolic_judgement(&c, Sex::Male), None);
        assert_eq!(
            guidance_judgement(&c, Sex::Male, Some(d(2025 - 80, 4, 1))),
            None
        );
    }

    proptest! {
        #[test]
        fn more_risk_never_lowers_metabo(sbp in 100i64..160, tg in 50i64..400, waist in 70i64..110, extra in 0i64..30) {
            let s = |v: i64| v.to_string();
            let (a, b, w) = (s(sbp), s(tg), s(waist));
            let (a2, b2) = (s(sbp + extra), s(tg + extra));
            let rank = |m: M| match m { M::NotMet => 0, M::Reserve => 1, M::Meets => 2, M::Undetermined => 9 };
            let low = metabo(Sex::Male, &[(WAIST, &w), (SBP, &a), (TG, &b)]);
            let high = metabo(Sex::Male, &[(WAIST, &w), (SBP, &a2), (TG, &b2)]);
            prop_assert!(rank(low) <= rank(high));
        }

        #[test]
        fn older_people_never_get_intensive(age in 65u32..=74, sbp in 100i64..160, fpg in 80i64..130, waist in 70i64..110) {
            let (a, f, w) = (sbp.to_string(), fpg.to_string(), waist.to_string());
            let level = guidance(Sex::Female, age, &[(WAIST, &w), (SBP, &a), (FPG, &f), (SMOKING, "1"), (HDL, "30")]);
            prop_assert_ne!(level, G::Intensive);
        }
    }
}
