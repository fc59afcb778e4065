//! What each item measures, in plain words, and what its coded answers mean — in Japanese and
//! English. Exhaustive matches: a new item without both texts does not compile.
//!
//! Answer codes: MHLW 特定健診 electronic format tables (`shared/data/checkup/tables/
//! XMLhc24tab.csv`, XMLITEM_NOTE). Explanations are ours, written for the person, not clinicians.

use super::KnownItem;

/// A text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bilingual {
    pub ja: &'static str,
    pub en: &'static str,
}

const fn bi(ja: &'static str, en: &'static str) -> Bilingual {
    Bilingual { ja, en }
}

impl KnownItem {
    /// A short, plain explanation of what the item measures or asks.
    pub fn explanation(self) -> Bilingual {
        use KnownItem::*;
        match self {
            MedicalHistory => bi(
                "これまでにかかった主な病気について、医師が問診で確認した結果です。",
                "What the doctor noted about illnesses you have had.",
            ),
            SubjectiveSymptoms => bi(
                "ご自身で感じている体の不調（自覚症状）があるかどうかです。",
                "Whether you reported any symptoms you feel yourself.",
            ),
            ObjectiveSymptoms => bi(
                "医師が診察で見つけた体の異常（他覚症状）があるかどうかです。",
                "Whether the doctor found anything on examination.",
            ),
            DoctorsJudgement => bi(
                "健診結果全体についての医師の総合的な判断です。",
                "The doctor's overall assessment of the results.",
            ),
            Height => bi("身長です。BMIの計算に使います。", "Your height, used to compute BMI."),
            Weight => bi("体重です。変化の大きさにも注目します。", "Your weight; large changes matter too."),
            Bmi => bi(
                "体重(kg)を身長(m)の2乗で割った肥満の目安です。25以上は肥満とされます。",
                "Weight (kg) divided by height (m) squared; 25 or more counts as obese.",
            ),
            Waist => bi(
                "おへその高さで測るおなか回りで、内臓脂肪の目安です。男性85cm・女性90cm以上がメタボの基準です。",
                "Waist measured at the navel, a sign of visceral fat; 85 cm (men) or 90 cm (women) is the metabolic-syndrome line.",
            ),
            VisceralFatArea => bi(
                "CTで測るおなかの内臓脂肪の面積です。100cm²以上は腹囲の基準を満たすのと同じに扱います。",
                "Area of visceral fat measured by CT; 100 cm² or more counts like the waist criterion.",
            ),
            Systolic => bi(
                "心臓が縮んで血液を送り出すときの血圧（上の血圧）です。",
                "Pressure in your arteries when the heart beats (the upper number).",
            ),
            Diastolic => bi(
                "心臓が広がって血液をためるときの血圧（下の血圧）です。",
                "Pressure in your arteries between beats (the lower number).",
            ),
            Ast => bi(
                "肝臓や筋肉に多い酵素で、肝臓などが傷つくと血液中に増えます。",
                "An enzyme of the liver and muscles; it rises when they are damaged.",
            ),
            Alt => bi(
                "主に肝臓にある酵素で、肝臓の障害（脂肪肝など）で増えます。",
                "A liver enzyme; it rises with liver damage such as fatty liver.",
            ),
            GammaGt => bi(
                "肝臓や胆道の酵素で、お酒の飲みすぎや胆道の病気で増えます。",
                "A liver and bile-duct enzyme; it rises with heavy drinking or bile-duct disease.",
            ),
            FastingGlucose => bi(
                "食事を10時間以上とらずに測った血液中の糖の量です。",
                "Sugar in your blood after at least 10 hours without food.",
            ),
            CasualGlucose => bi(
                "食後の時間に関係なく測った血液中の糖の量です。",
                "Sugar in your blood, measured at any time after a meal.",
            ),
            HbA1c => bi(
                "過去1〜2か月の血糖の平均的な状態を表します（NGSP値）。",
                "Your average blood sugar over the past one to two months (NGSP).",
            ),
            HbA1cJds => bi(
                "古い基準（JDS値）で測ったHbA1cです。いまのNGSP値より約0.4低く、基準値とは比べられません。",
                "HbA1c on the old JDS scale, about 0.4 lower than today's NGSP value; not compared with today's bands.",
            ),
            TriglyceridesFasting => bi(
                "空腹時の血液中の中性脂肪です。食べすぎ・飲みすぎ・運動不足で増えます。",
                "Fat (triglycerides) in your blood while fasting; it rises with overeating, drinking and too little exercise.",
            ),
            TriglyceridesCasual => bi(
                "食後に測った中性脂肪です。空腹時より高めに出ます。",
                "Triglycerides measured after a meal; higher than a fasting value.",
            ),
            Hdl => bi(
                "余分なコレステロールを回収する「善玉」コレステロールです。低いと動脈硬化が進みやすくなります。",
                "The \"good\" cholesterol that clears excess cholesterol; low values speed up hardening of the arteries.",
            ),
            Ldl => bi(
                "血管の壁にたまりやすい「悪玉」コレステロールです。",
                "The \"bad\" cholesterol that builds up in artery walls.",
            ),
            NonHdl => bi(
                "総コレステロールからHDLを引いた値で、動脈硬化を起こしやすいコレステロール全体です。",
                "Total cholesterol minus HDL: all the cholesterol that can clog arteries.",
            ),
            Creatinine => bi(
                "筋肉から出る老廃物で、腎臓の働きが落ちると血液中に増えます。",
                "A waste product from muscles; it rises when the kidneys work less well.",
            ),
            Egfr => bi(
                "クレアチニン・年齢・性別から計算した、腎臓がろ過する力です。低いほど働きが落ちています。",
                "How well your kidneys filter, computed from creatinine, age and sex; lower means weaker.",
            ),
            Hemoglobin => bi(
                "赤血球の中で酸素を運ぶたんぱく質です。低いと貧血です。",
                "The protein in red blood cells that carries oxygen; low means anaemia.",
            ),
            UrineGlucose => bi(
                "尿に糖が出ているかどうかです。血糖が高いと出ることがあります。",
                "Whether there is sugar in your urine; high blood sugar can cause it.",
            ),
            UrineProtein => bi(
                "尿にたんぱくが出ているかどうかで、腎臓の障害の目安です。",
                "Whether there is protein in your urine, a sign of kidney damage.",
            ),
            EcgFindings => bi(
                "心臓の電気的な動きを記録し、不整脈などの異常がないかを調べます。",
                "A recording of the heart's electrical activity, checked for rhythm problems and other findings.",
            ),
            MedicationBloodPressure => bi(
                "血圧を下げる薬を飲んでいるかどうか（質問票の回答）です。",
                "Whether you take medicine for blood pressure (your questionnaire answer).",
            ),
            MedicationGlucose => bi(
                "血糖を下げる薬やインスリンを使っているかどうか（質問票の回答）です。",
                "Whether you take medicine or insulin for blood sugar (your questionnaire answer).",
            ),
            MedicationLipids => bi(
                "コレステロールや中性脂肪の薬を飲んでいるかどうか（質問票の回答）です。",
                "Whether you take medicine for cholesterol or triglycerides (your questionnaire answer).",
            ),
            Smoking => bi(
                "現在たばこを習慣的に吸っているかどうか（質問票の回答）です。",
                "Whether you smoke regularly now (your questionnaire answer).",
            ),
            MetabolicJudgement => bi(
                "腹囲に加えて血圧・血糖・脂質のうちいくつが基準を超えるかで決まる、メタボリックシンドロームの判定です。",
                "Metabolic syndrome: decided by your waist and how many of blood pressure, glucose and lipids are over the line.",
            ),
            GuidanceLevel => bi(
                "生活習慣の改善を保健師などが支援する「特定保健指導」の対象かどうかと、その支援の強さです。",
                "Whether you qualify for health guidance (support from a nurse or dietitian to change habits), and how much.",
            ),
            LateSelfRatedHealth => bi(
                "ご自身が感じている健康状態です。",
                "How healthy you feel.",
            ),
            LateLifeSatisfaction => bi(
                "毎日の生活への満足度で、心の健康の目安です。",
                "How satisfied you are with daily life, a sign of mental well-being.",
            ),
            LateThreeMeals => bi("食習慣（低栄養の予防）についての質問です。", "About your eating habits (to prevent undernutrition)."),
            LateHardFoods => bi(
                "かむ力など、口の機能の衰えの目安です。",
                "A sign of weaker chewing and mouth function.",
            ),
            LateChoking => bi(
                "飲み込む力の衰え（誤嚥の危険）の目安です。",
                "A sign of weaker swallowing (risk of food going down the wrong way).",
            ),
            LateWeightLoss => bi("意図しない体重減少は低栄養の目安です。", "Unplanned weight loss is a sign of undernutrition."),
            LateWalkingSlower => bi(
                "歩く速さの低下は、体の衰え（フレイル）の目安です。",
                "Walking more slowly is a sign of frailty.",
            ),
            LateFalls => bi("転倒の経験は、次の転倒や骨折の危険の目安です。", "A fall raises the risk of more falls and fractures."),
            LateExercise => bi("運動の習慣についての質問です。", "About your exercise habits."),
            LateForgetfulness => bi("物忘れ（認知機能）についての質問です。", "About forgetfulness (memory and thinking)."),
            LateDateConfusion => bi("日付の感覚（認知機能）についての質問です。", "About knowing the date (memory and thinking)."),
            LateSmoking => bi("喫煙の習慣についての質問です。", "About smoking."),
            LateGoingOut => bi(
                "外出の頻度で、閉じこもりがちでないかの目安です。",
                "How often you go out, a sign of whether you stay indoors too much.",
            ),
            LateSocialContact => bi("人との付き合い（社会参加）についての質問です。", "About contact with other people."),
            LateSomeoneToConsult => bi("身近に頼れる人がいるかどうかの質問です。", "Whether you have someone close to rely on."),
        }
    }

    /// What a coded answer means, for items answered with a code (not for judgements, which
    /// have their own types). `None` for an unknown answer code, shown by its code then.
    pub fn answer(self, code: &str) -> Option<Bilingual> {
        use KnownItem::*;
        const YES: Bilingual = bi("はい", "Yes");
        const NO: Bilingual = bi("いいえ", "No");
        let code = code.trim();
        Some(match (self, code) {
            (MedicalHistory | SubjectiveSymptoms | ObjectiveSymptoms, "1") => {
                bi("特記すべきことあり", "Something to note")
            }
            (MedicalHistory | SubjectiveSymptoms | ObjectiveSymptoms, "2") => {
                bi("特記すべきことなし", "Nothing to note")
            }
            (UrineGlucose | UrineProtein, "1") => bi("－（陰性）", "− (negative)"),
            (UrineGlucose | UrineProtein, "2") => bi("±", "±"),
            (UrineGlucose | UrineProtein, "3") => bi("＋", "+"),
            (UrineGlucose | UrineProtein, "4") => bi("＋＋", "2+"),
            (UrineGlucose | UrineProtein, "5") => bi("＋＋＋", "3+"),
            (EcgFindings, "1") => bi("所見あり", "Findings"),
            (EcgFindings, "2") => bi("所見なし", "No findings"),
            (MedicationBloodPressure | MedicationGlucose | MedicationLipids, "1") => {
                bi("服薬あり", "Takes medicine")
            }
            (MedicationBloodPressure | MedicationGlucose | MedicationLipids, "2") => {
                bi("服薬なし", "No medicine")
            }
            // 1 はい; 2 is いいえ before FY2024 and "quit, not in the last month" from FY2024;
            // 3 いいえ. Both 2 and 3 mean "does not smoke now".
            (Smoking, "1") => bi("吸っている", "Smokes"),
            (Smoking, "2" | "3") => bi("吸っていない", "Does not smoke"),
            (LateSelfRatedHealth, "1") => bi("よい", "Good"),
            (LateSelfRatedHealth, "2") => bi("まあよい", "Fairly good"),
            (LateSelfRatedHealth, "3") => bi("ふつう", "Average"),
            (LateSelfRatedHealth, "4") => bi("あまりよくない", "Not so good"),
            (LateSelfRatedHealth, "5") => bi("よくない", "Poor"),
            (LateLifeSatisfaction, "1") => bi("満足", "Satisfied"),
            (LateLifeSatisfaction, "2") => bi("やや満足", "Fairly satisfied"),
            (LateLifeSatisfaction, "3") => bi("やや不満", "Somewhat dissatisfied"),
            (LateLifeSatisfaction, "4") => bi("不満", "Dissatisfied"),
            (LateSmoking, "1") => bi("吸っている", "Smokes"),
            (LateSmoking, "2") => bi("吸っていない", "Does not smoke"),
            (LateSmoking, "3") => bi("やめた", "Quit"),
            (
                LateThreeMeals | LateHardFoods | LateChoking | LateWeightLoss | LateWalkingSlower
                | LateFalls | LateExercise | LateForgetfulness | LateDateConfusion | LateGoingOut
                | LateSocialContact | LateSomeoneToConsult,
                "1",
            ) => YES,
            (
                LateThreeMeals | LateHardFoods | LateChoking | LateWeightLoss | LateWalkingSlower
                | LateFalls | LateExercise | LateForgetfulness | LateDateConfusion | LateGoingOut
                | LateSocialContact | LateSomeoneToConsult,
                "2",
            ) => NO,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkups::items::{ITEM_RULES, LATE_STAGE_QUESTIONS};

    #[test]
    fn every_item_is_explained_in_both_languages() {
        for rule in ITEM_RULES {
            let e = rule.item.explanation();
            assert!(!e.ja.is_empty() && !e.en.is_empty(), "{:?}", rule.item);
            assert!(!e.ja.is_ascii(), "{:?}: Japanese text", rule.item);
        }
    }

    #[test]
    fn answers_follow_the_mhlw_tables() {
        assert_eq!(KnownItem::UrineProtein.answer("3").unwrap().ja, "＋");
        assert_eq!(
            KnownItem::MedicationBloodPressure.answer("1").unwrap().en,
            "Takes medicine"
        );
        assert_eq!(
            KnownItem::LateSelfRatedHealth.answer("3").unwrap().ja,
            "ふつう"
        );
        assert_eq!(KnownItem::LateSmoking.answer("3").unwrap().ja, "やめた");
        assert_eq!(KnownItem::Smoking.answer("3").unwrap().ja, "吸っていない");
        assert_eq!(KnownItem::LateFalls.answer("9"), None);
        assert_eq!(KnownItem::Height.answer("1"), None);
        // Every question of the 後期高齢者の質問票 has its answers.
        for q in LATE_STAGE_QUESTIONS {
            assert!(q.answer("1").is_some() && q.answer("2").is_some(), "{q:?}");
        }
    }
}
