//! The one table of checkup items Karte understands.
//!
//! Source: MHLW 特定健診・特定保健指導の電子的な標準様式, 第4期 (FY2024–) 基本項目 table
//! `shared/data/checkup/tables/XMLhc24tab.csv` (codes, units, 検査方法), and health-data.md §3/§6
//! for which variants are one concept. Reference bands live in `band.rs`, judgement rules in
//! `judgement.rs`; both key on [`KnownItem`], so a code is mapped here and nowhere else.

use super::ItemCode;
use serde::{Deserialize, Serialize};

/// The section of the result sheet an item is shown under. Declaration order is display order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemGroup {
    Examination,
    BodyMeasurement,
    BloodPressure,
    Liver,
    Glucose,
    Lipids,
    Kidney,
    Anemia,
    Urine,
    Ecg,
    Fundus,
    Questionnaire,
    MetabolicJudgement,
    GuidanceLevel,
    /// Codes this table does not know; shown by their code.
    Other,
}

impl ItemGroup {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Examination => "診察",
            Self::BodyMeasurement => "身体計測",
            Self::BloodPressure => "血圧",
            Self::Liver => "肝機能",
            Self::Glucose => "血糖",
            Self::Lipids => "脂質",
            Self::Kidney => "腎機能",
            Self::Anemia => "貧血",
            Self::Urine => "尿検査",
            Self::Ecg => "心電図",
            Self::Fundus => "眼底検査",
            Self::Questionnaire => "質問票",
            Self::MetabolicJudgement => "メタボリックシンドローム判定",
            Self::GuidanceLevel => "特定保健指導レベル",
            Self::Other => "その他",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Examination => "Examination",
            Self::BodyMeasurement => "Body measurements",
            Self::BloodPressure => "Blood pressure",
            Self::Liver => "Liver function",
            Self::Glucose => "Blood glucose",
            Self::Lipids => "Lipids",
            Self::Kidney => "Kidney function",
            Self::Anemia => "Anemia",
            Self::Urine => "Urinalysis",
            Self::Ecg => "ECG",
            Self::Fundus => "Fundus examination",
            Self::Questionnaire => "Questionnaire",
            Self::MetabolicJudgement => "Metabolic syndrome",
            Self::GuidanceLevel => "Health guidance level",
            Self::Other => "Other",
        }
    }
}

/// One concept, whatever method or reading it was recorded with.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KnownItem {
    MedicalHistory,
    SubjectiveSymptoms,
    ObjectiveSymptoms,
    Height,
    Weight,
    Bmi,
    Waist,
    /// 内臓脂肪面積 (cm², CT): where measured, ≥ 100 stands in for the 腹囲 criterion.
    VisceralFatArea,
    Systolic,
    Diastolic,
    Ast,
    Alt,
    GammaGt,
    FastingGlucose,
    CasualGlucose,
    HbA1c,
    /// HbA1c in the old JDS scale (3D045…, before 2013). Not comparable with NGSP bands.
    HbA1cJds,
    TriglyceridesFasting,
    TriglyceridesCasual,
    Hdl,
    Ldl,
    NonHdl,
    Creatinine,
    Egfr,
    Hemoglobin,
    UrineGlucose,
    UrineProtein,
    EcgFindings,
    MedicationBloodPressure,
    MedicationGlucose,
    MedicationLipids,
    Smoking,
    MetabolicJudgement,
    GuidanceLevel,
    /// 医師の診断(判定), free text.
    DoctorsJudgement,
    // 後期高齢者の質問票 (9N932 … 9N946), questions 1–15.
    LateSelfRatedHealth,
    LateLifeSatisfaction,
    LateThreeMeals,
    LateHardFoods,
    LateChoking,
    LateWeightLoss,
    LateWalkingSlower,
    LateFalls,
    LateExercise,
    LateForgetfulness,
    LateDateConfusion,
    LateSmoking,
    LateGoingOut,
    LateSocialContact,
    LateSomeoneToConsult,
}

/// 後期高齢者の質問票 in question order (1–15).
pub const LATE_STAGE_QUESTIONS: [KnownItem; 15] = [
    KnownItem::LateSelfRatedHealth,
    KnownItem::LateLifeSatisfaction,
    KnownItem::LateThreeMeals,
    KnownItem::LateHardFoods,
    KnownItem::LateChoking,
    KnownItem::LateWeightLoss,
    KnownItem::LateWalkingSlower,
    KnownItem::LateFalls,
    KnownItem::LateExercise,
    KnownItem::LateForgetfulness,
    KnownItem::LateDateConfusion,
    KnownItem::LateSmoking,
    KnownItem::LateGoingOut,
    KnownItem::LateSocialContact,
    KnownItem::LateSomeoneToConsult,
];

impl KnownItem {
    /// Items that only the 後期高齢者健診 has (its 15-question 質問票).
    pub fn late_stage_only(self) -> bool {
        LATE_STAGE_QUESTIONS.contains(&self)
    }

    /// Items the 後期高齢者健診 does not have: 腹囲, メタボ判定, 保健指導レベル.
    pub fn specific_checkup_only(self) -> bool {
        matches!(
            self,
            Self::Waist | Self::MetabolicJudgement | Self::GuidanceLevel
        )
    }

    pub fn group(self) -> ItemGroup {
        use KnownItem::*;
        match self {
            MedicalHistory | SubjectiveSymptoms | ObjectiveSymptoms | DoctorsJudgement => {
                ItemGroup::Examination
            }
            Height | Weight | Bmi | Waist | VisceralFatArea => ItemGroup::BodyMeasurement,
            Systolic | Diastolic => ItemGroup::BloodPressure,
            Ast | Alt | GammaGt => ItemGroup::Liver,
            FastingGlucose | CasualGlucose | HbA1c | HbA1cJds => ItemGroup::Glucose,
            TriglyceridesFasting | TriglyceridesCasual | Hdl | Ldl | NonHdl => ItemGroup::Lipids,
            Creatinine | Egfr => ItemGroup::Kidney,
            Hemoglobin => ItemGroup::Anemia,
            UrineGlucose | UrineProtein => ItemGroup::Urine,
            EcgFindings => ItemGroup::Ecg,
            MedicationBloodPressure | MedicationGlucose | MedicationLipids | Smoking => {
                ItemGroup::Questionnaire
            }
            LateSelfRatedHealth | LateLifeSatisfaction | LateThreeMeals | LateHardFoods
            | LateChoking | LateWeightLoss | LateWalkingSlower | LateFalls | LateExercise
            | LateForgetfulness | LateDateConfusion | LateSmoking | LateGoingOut
            | LateSocialContact | LateSomeoneToConsult => ItemGroup::Questionnaire,
            MetabolicJudgement => ItemGroup::MetabolicJudgement,
            GuidanceLevel => ItemGroup::GuidanceLevel,
        }
    }

    /// UCUM unit the bands assume; `None` for coded and text items.
    pub fn unit(self) -> Option<&'static str> {
        use KnownItem::*;
        Some(match self {
            Height | Waist => "cm",
            VisceralFatArea => "cm2",
            Weight => "kg",
            Bmi => "kg/m2",
            Systolic | Diastolic => "mm[Hg]",
            Ast | Alt | GammaGt => "U/L",
            HbA1c | HbA1cJds => "%",
            FastingGlucose | CasualGlucose | TriglyceridesFasting | TriglyceridesCasual | Hdl
            | Ldl | NonHdl | Creatinine => "mg/dL",
            Egfr => "ml/min/1.73m2",
            Hemoglobin => "g/dL",
            _ => return None,
        })
    }

    pub fn label_ja(self) -> &'static str {
        use KnownItem::*;
        match self {
            MedicalHistory => "既往歴",
            SubjectiveSymptoms => "自覚症状",
            ObjectiveSymptoms => "他覚症状",
            Height => "身長",
            Weight => "体重",
            Bmi => "BMI",
            Waist => "腹囲",
            VisceralFatArea => "内臓脂肪面積",
            Systolic => "収縮期血圧",
            Diastolic => "拡張期血圧",
            Ast => "AST(GOT)",
            Alt => "ALT(GPT)",
            GammaGt => "γ-GT(γ-GTP)",
            FastingGlucose => "空腹時血糖",
            CasualGlucose => "随時血糖",
            HbA1c => "HbA1c(NGSP値)",
            HbA1cJds => "HbA1c(JDS値)",
            TriglyceridesFasting => "空腹時中性脂肪",
            TriglyceridesCasual => "随時中性脂肪",
            Hdl => "HDLコレステロール",
            Ldl => "LDLコレステロール",
            NonHdl => "Non-HDLコレステロール",
            Creatinine => "血清クレアチニン",
            Egfr => "eGFR",
            Hemoglobin => "血色素量(ヘモグロビン値)",
            UrineGlucose => "尿糖",
            UrineProtein => "尿蛋白",
            EcgFindings => "心電図(所見の有無)",
            MedicationBloodPressure => "服薬(血圧)",
            MedicationGlucose => "服薬(血糖)",
            MedicationLipids => "服薬(脂質)",
            Smoking => "喫煙",
            MetabolicJudgement => "メタボリックシンドローム判定",
            GuidanceLevel => "保健指導レベル",
            DoctorsJudgement => "医師の診断(判定)",
            LateSelfRatedHealth => "あなたの現在の健康状態はいかがですか",
            LateLifeSatisfaction => "毎日の生活に満足していますか",
            LateThreeMeals => "1日3食きちんと食べていますか",
            LateHardFoods => "半年前に比べて固いものが食べにくくなりましたか",
            LateChoking => "お茶や汁物等でむせることがありますか",
            LateWeightLoss => "6カ月間で2～3kg以上の体重減少がありましたか",
            LateWalkingSlower => "以前に比べて歩く速度が遅くなってきたと思いますか",
            LateFalls => "この1年間に転んだことがありますか",
            LateExercise => "ウォーキング等の運動を週に1回以上していますか",
            LateForgetfulness => {
                "周りの人から「いつも同じことを聞く」などの物忘れがあると言われていますか"
            }
            LateDateConfusion => "今日が何月何日かわからない時がありますか",
            LateSmoking => "あなたはたばこを吸いますか",
            LateGoingOut => "週に1回以上は外出していますか",
            LateSocialContact => "ふだんから家族や友人と付き合いがありますか",
            LateSomeoneToConsult => "体調が悪いときに、身近に相談できる人がいますか",
        }
    }

    pub fn label_en(self) -> &'static str {
        use KnownItem::*;
        match self {
            MedicalHistory => "Medical history",
            SubjectiveSymptoms => "Subjective symptoms",
            ObjectiveSymptoms => "Objective findings",
            Height => "Height",
            Weight => "Weight",
            Bmi => "BMI",
            Waist => "Waist circumference",
            VisceralFatArea => "Visceral fat area",
            Systolic => "Systolic blood pressure",
            Diastolic => "Diastolic blood pressure",
            Ast => "AST (GOT)",
            Alt => "ALT (GPT)",
            GammaGt => "γ-GT",
            FastingGlucose => "Fasting glucose",
            CasualGlucose => "Casual glucose",
            HbA1c => "HbA1c (NGSP)",
            HbA1cJds => "HbA1c (JDS)",
            TriglyceridesFasting => "Triglycerides (fasting)",
            TriglyceridesCasual => "Triglycerides (non-fasting)",
            Hdl => "HDL cholesterol",
            Ldl => "LDL cholesterol",
            NonHdl => "Non-HDL cholesterol",
            Creatinine => "Serum creatinine",
            Egfr => "eGFR",
            Hemoglobin => "Hemoglobin",
            UrineGlucose => "Urine glucose",
            UrineProtein => "Urine protein",
            EcgFindings => "ECG findings",
            MedicationBloodPressure => "Medication (blood pressure)",
            MedicationGlucose => "Medication (glucose)",
            MedicationLipids => "Medication (lipids)",
            Smoking => "Smoking",
            MetabolicJudgement => "Metabolic syndrome judgement",
            GuidanceLevel => "Health guidance level",
            DoctorsJudgement => "Doctor's assessment",
            LateSelfRatedHealth => "How is your health now?",
            LateLifeSatisfaction => "Are you satisfied with your daily life?",
            LateThreeMeals => "Do you eat three proper meals a day?",
            LateHardFoods => "Is hard food harder to eat than half a year ago?",
            LateChoking => "Do you choke on tea or soup?",
            LateWeightLoss => "Have you lost 2–3 kg or more in six months?",
            LateWalkingSlower => "Do you think you walk more slowly than before?",
            LateFalls => "Have you fallen in the past year?",
            LateExercise => "Do you walk or exercise at least once a week?",
            LateForgetfulness => {
                "Do people say you are forgetful, e.g. that you always ask the same thing?"
            }
            LateDateConfusion => "Are there times you do not know today's date?",
            LateSmoking => "Do you smoke?",
            LateGoingOut => "Do you go out at least once a week?",
            LateSocialContact => "Do you keep in touch with family or friends?",
            LateSomeoneToConsult => "Is there someone near you to talk to when you feel unwell?",
        }
    }
}

/// One row of the table: a code (17 chars = exact; shorter = prefix) mapped to an item, with
/// the method or reading it denotes. `rank` orders variants of the same item when a file has
/// several: lower wins (1st BP reading before 2nd before その他).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemRule {
    pub pattern: &'static str,
    pub item: KnownItem,
    pub method: Option<&'static str>,
    pub rank: u8,
}

const fn rule(pattern: &'static str, item: KnownItem, method: &'static str, rank: u8) -> ItemRule {
    ItemRule {
        pattern,
        item,
        method: if method.is_empty() {
            None
        } else {
            Some(method)
        },
        rank,
    }
}

use KnownItem as K;

/// The table. Methods are the XMLITEM_METHODNAME texts, shortened.
pub const ITEM_RULES: &[ItemRule] = &[
    rule("9N056000000000011", K::MedicalHistory, "", 0),
    rule("9N061000000000011", K::SubjectiveSymptoms, "", 0),
    rule("9N066000000000011", K::ObjectiveSymptoms, "", 0),
    rule("9N001000000000001", K::Height, "", 0),
    rule("9N006000000000001", K::Weight, "", 0),
    rule("9N011000000000001", K::Bmi, "", 0),
    rule("9N016160100000001", K::Waist, "実測", 0),
    rule("9N016160200000001", K::Waist, "自己測定", 1),
    rule("9N016160300000001", K::Waist, "自己申告", 2),
    rule("9N021000000000001", K::VisceralFatArea, "", 0),
    // Blood pressure: the spec lists the variants as prefixes (9A751/9A752/9A755…).
    rule("9A751", K::Systolic, "1回目", 0),
    rule("9A752", K::Systolic, "2回目", 1),
    rule("9A755", K::Systolic, "その他", 2),
    rule("9A761", K::Diastolic, "1回目", 0),
    rule("9A762", K::Diastolic, "2回目", 1),
    rule("9A765", K::Diastolic, "その他", 2),
    rule("3B035000002327201", K::Ast, "紫外吸光光度法", 0),
    rule("3B035000002399901", K::Ast, "その他", 1),
    rule("3B045000002327201", K::Alt, "紫外吸光光度法", 0),
    rule("3B045000002399901", K::Alt, "その他", 1),
    rule("3B090000002327101", K::GammaGt, "可視吸光光度法", 0),
    rule("3B090000002399901", K::GammaGt, "その他", 1),
    rule("3D010000001926101", K::FastingGlucose, "電位差法", 0),
    rule("3D010000002227101", K::FastingGlucose, "可視吸光光度法", 1),
    rule("3D010000001927201", K::FastingGlucose, "紫外吸光光度法", 2),
    rule("3D010000001999901", K::FastingGlucose, "その他", 3),
    rule("3D010129901926101", K::CasualGlucose, "電位差法", 0),
    rule("3D010129902227101", K::CasualGlucose, "可視吸光光度法", 1),
    rule("3D010129901927201", K::CasualGlucose, "紫外吸光光度法", 2),
    rule("3D010129901999901", K::CasualGlucose, "その他", 3),
    rule("3D046000001906202", K::HbA1c, "免疫学的方法", 0),
    rule("3D046000001920402", K::HbA1c, "HPLC", 1),
    rule("3D046000001927102", K::HbA1c, "酵素法", 2),
    rule("3D046000001999902", K::HbA1c, "その他", 3),
    rule("3D045", K::HbA1cJds, "JDS値", 0),
    rule(
        "3F015000002327101",
        K::TriglyceridesFasting,
        "可視吸光光度法",
        0,
    ),
    rule(
        "3F015000002327201",
        K::TriglyceridesFasting,
        "紫外吸光光度法",
        1,
    ),
    rule("3F015000002399901", K::TriglyceridesFasting, "その他", 2),
    rule(
        "3F015129902327101",
        K::TriglyceridesCasual,
        "可視吸光光度法",
        0,
    ),
    rule(
        "3F015129902327201",
        K::TriglyceridesCasual,
        "紫外吸光光度法",
        1,
    ),
    rule("3F015129902399901", K::TriglyceridesCasual, "その他", 2),
    rule("3F070000002327101", K::Hdl, "可視吸光光度法", 0),
    rule("3F070000002327201", K::Hdl, "紫外吸光光度法", 1),
    rule("3F070000002399901", K::Hdl, "その他", 2),
    rule("3F077000002327101", K::Ldl, "可視吸光光度法", 0),
    rule("3F077000002327201", K::Ldl, "紫外吸光光度法", 1),
    rule("3F077000002399901", K::Ldl, "その他", 2),
    rule("3F077000002391901", K::Ldl, "計算法", 3),
    rule("3F069000002391901", K::NonHdl, "計算法", 0),
    rule("3C015000002327101", K::Creatinine, "可視吸光光度法", 0),
    rule("3C015000002399901", K::Creatinine, "その他", 1),
    rule("8A065000002391901", K::Egfr, "計算法", 0),
    rule("2A030000001930101", K::Hemoglobin, "自動血球算定装置", 0),
    rule(
        "1A020000000191111",
        K::UrineGlucose,
        "試験紙法(機械読み取り)",
        0,
    ),
    rule("1A020000000190111", K::UrineGlucose, "試験紙法(目視法)", 1),
    rule(
        "1A010000000191111",
        K::UrineProtein,
        "試験紙法(機械読み取り)",
        0,
    ),
    rule("1A010000000190111", K::UrineProtein, "試験紙法(目視法)", 1),
    rule("9A110160700000011", K::EcgFindings, "", 0),
    // Questionnaire and judgements: exact codes, because 9N701167000000049 (drug name, text)
    // shares the 9N701 prefix with the yes/no answer.
    rule("9N701000000000011", K::MedicationBloodPressure, "", 0),
    rule("9N706000000000011", K::MedicationGlucose, "", 0),
    rule("9N711000000000011", K::MedicationLipids, "", 0),
    rule("9N736000000000011", K::Smoking, "", 0),
    rule("9N501000000000011", K::MetabolicJudgement, "", 0),
    rule("9N506000000000011", K::GuidanceLevel, "", 0),
    rule("9N511000000000049", K::DoctorsJudgement, "", 0),
    rule("9N932000000000011", K::LateSelfRatedHealth, "", 0),
    rule("9N933000000000011", K::LateLifeSatisfaction, "", 0),
    rule("9N934000000000011", K::LateThreeMeals, "", 0),
    rule("9N935000000000011", K::LateHardFoods, "", 0),
    rule("9N936000000000011", K::LateChoking, "", 0),
    rule("9N937000000000011", K::LateWeightLoss, "", 0),
    rule("9N938000000000011", K::LateWalkingSlower, "", 0),
    rule("9N939000000000011", K::LateFalls, "", 0),
    rule("9N940000000000011", K::LateExercise, "", 0),
    rule("9N941000000000011", K::LateForgetfulness, "", 0),
    rule("9N942000000000011", K::LateDateConfusion, "", 0),
    rule("9N943000000000011", K::LateSmoking, "", 0),
    rule("9N944000000000011", K::LateGoingOut, "", 0),
    rule("9N945000000000011", K::LateSocialContact, "", 0),
    rule("9N946000000000011", K::LateSomeoneToConsult, "", 0),
];

/// Groups for codes the table does not name, by code family, so an unknown ECG or fundus
/// sub-item still lands in its section. Longest prefix wins.
const GROUP_PREFIXES: &[(&str, ItemGroup)] = &[
    ("9N05", ItemGroup::Examination),
    ("9N06", ItemGroup::Examination),
    ("9N0", ItemGroup::BodyMeasurement),
    ("9A7", ItemGroup::BloodPressure),
    ("3B", ItemGroup::Liver),
    ("3D", ItemGroup::Glucose),
    ("3F", ItemGroup::Lipids),
    ("3C015", ItemGroup::Kidney),
    ("8A065", ItemGroup::Kidney),
    ("2A", ItemGroup::Anemia),
    ("1A", ItemGroup::Urine),
    ("9A110", ItemGroup::Ecg),
    ("9E100", ItemGroup::Fundus),
    ("9N7", ItemGroup::Questionnaire),
    ("9N8", ItemGroup::Questionnaire),
    ("9N9", ItemGroup::Questionnaire),
];

/// The rule for a code: an exact 17-char match, else the longest prefix rule.
pub fn lookup(code: &ItemCode) -> Option<&'static ItemRule> {
    let code = code.as_str();
    ITEM_RULES
        .iter()
        .filter(|r| code.starts_with(r.pattern))
        .max_by_key(|r| r.pattern.len())
}

/// The section a code is shown under, known or not.
pub fn group_of(code: &ItemCode) -> ItemGroup {
    if let Some(rule) = lookup(code) {
        return rule.item.group();
    }
    GROUP_PREFIXES
        .iter()
        .filter(|(prefix, _)| code.as_str().starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, group)| *group)
        .unwrap_or(ItemGroup::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> ItemCode {
        ItemCode::parse(s).unwrap()
    }

    #[test]
    fn variants_map_to_one_item_with_method() {
        let r = lookup(&code("3D046000001920402")).unwrap();
        assert_eq!((r.item, r.method), (K::HbA1c, Some("HPLC")));
        let r = lookup(&code("3F077000002391901")).unwrap();
        assert_eq!((r.item, r.method), (K::Ldl, Some("計算法")));
        let r = lookup(&code("9A752000000000001")).unwrap();
        assert_eq!((r.item, r.rank), (K::Systolic, 1));
        assert_eq!(
            lookup(&code("3F015129902327101")).unwrap().item,
            K::TriglyceridesCasual
        );
        assert_eq!(
            lookup(&code("3D045000001906202")).unwrap().item,
            K::HbA1cJds
        );
    }

    #[test]
    fn text_siblings_are_not_mistaken_for_answers() {
        assert_eq!(lookup(&code("9N701167000000049")), None);
        assert_eq!(
            group_of(&code("9N701167000000049")),
            ItemGroup::Questionnaire
        );
    }

    #[test]
    fn unknown_codes_get_a_section() {
        assert_eq!(group_of(&code("9E100166000000011")), ItemGroup::Fundus);
        assert_eq!(group_of(&code("9A110160800000049")), ItemGroup::Ecg);
        assert_eq!(group_of(&code("9N061160800000049")), ItemGroup::Examination);
        assert_eq!(
            group_of(&code("9N932000000000011")),
            ItemGroup::Questionnaire
        );
        assert_eq!(group_of(&code("ZZZZZZZZZZZZZZZZZ")), ItemGroup::Other);
    }

    #[test]
    fn table_is_well_formed() {
        for r in ITEM_RULES {
            assert!(
                r.pattern.len() == 17 || r.pattern.len() == 5,
                "{}",
                r.pattern
            );
            // No two rules with the same pattern.
            assert_eq!(
                ITEM_RULES.iter().filter(|o| o.pattern == r.pattern).count(),
                1,
                "{}",
                r.pattern
            );
        }
    }
}
