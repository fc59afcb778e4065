//! The demo checkups: 佐藤's five 特定健診 with values drifting through the 保健指導 and 受診勧奨
//! bands, and 鈴木's switch from 特定健診 (国保) to 後期高齢者健診 at 75. Codes and answer codes
//! are those of the MHLW tables in `shared/data/checkup/tables/` (XMLhc24tab.csv, XMLhc24ext.csv).

use super::histories::on_or_after;
use super::prng::SplitMix64;
use chrono::{NaiveDate, Weekday};
use domain::checkups::{
    Checkup, CheckupKind, CheckupResult, CheckupValue, Decimal, ItemCode, FIRST_SHOWN_FISCAL_YEAR,
};
use domain::insurance::InsurerNumber;
use domain::wareki::{age_on, FiscalYear};

pub(super) const SATO_CENTRE: &str = "中央健診センター";
pub(super) const SUZUKI_CENTRE: &str = "ひだまり内科クリニック";

/// BUN (尿素窒素), a 追加項目 from XMLhc24ext.csv that Karte's item table does not know: it must
/// be kept and shown by its code.
pub(super) const UNKNOWN_EXTRA_ITEM: &str = "3C025000002327101";
/// 医師の診断(判定), free text; also outside Karte's table.
const DOCTORS_NOTE: &str = "9N511000000000049";

/// 後期高齢者の質問票, questions 1–15.
pub(super) const LATE_STAGE_QUESTIONNAIRE: [&str; 15] = [
    "9N932000000000011",
    "9N933000000000011",
    "9N934000000000011",
    "9N935000000000011",
    "9N936000000000011",
    "9N937000000000011",
    "9N938000000000011",
    "9N939000000000011",
    "9N940000000000011",
    "9N941000000000011",
    "9N942000000000011",
    "9N943000000000011",
    "9N944000000000011",
    "9N945000000000011",
    "9N946000000000011",
];

const HEIGHT: &str = "9N001000000000001";
const WEIGHT: &str = "9N006000000000001";
const BMI: &str = "9N011000000000001";
pub(super) const WAIST: &str = "9N016160100000001";
const SBP: &str = "9A751000000000001";
const DBP: &str = "9A761000000000001";
const AST: &str = "3B035000002327201";
const ALT: &str = "3B045000002327201";
const GGT: &str = "3B090000002327101";
const TG: &str = "3F015000002327101";
const HDL: &str = "3F070000002327101";
const LDL: &str = "3F077000002327101";
const FPG: &str = "3D010000001926101";
const HBA1C: &str = "3D046000001906202";
const CREATININE: &str = "3C015000002327101";
const EGFR: &str = "8A065000002391901";
const HB: &str = "2A030000001930101";
const URINE_GLUCOSE: &str = "1A020000000191111";
const URINE_PROTEIN: &str = "1A010000000191111";
const HISTORY: &str = "9N056000000000011";
const SUBJECTIVE: &str = "9N061000000000011";
const OBJECTIVE: &str = "9N066000000000011";
const ECG: &str = "9A110160700000011";
const MED_BP: &str = "9N701000000000011";
const MED_GLUCOSE: &str = "9N706000000000011";
const MED_LIPIDS: &str = "9N711000000000011";
const SMOKING: &str = "9N736000000000011";
pub(super) const METABOLIC: &str = "9N501000000000011";
pub(super) const GUIDANCE: &str = "9N506000000000011";

fn code(c: &str) -> ItemCode {
    ItemCode::parse(c).expect("demo item codes are 17 characters")
}

fn num(c: &str, value: &str, unit: &str) -> CheckupResult {
    CheckupResult {
        code: code(c),
        value: CheckupValue::Numeric {
            value: Decimal::parse(value).expect("demo values are numbers"),
            unit: unit.to_owned(),
            out_of_range: None,
        },
    }
}

fn coded(c: &str, value: &str) -> CheckupResult {
    CheckupResult {
        code: code(c),
        value: CheckupValue::Coded {
            code: value.to_owned(),
            display: None,
        },
    }
}

fn text(c: &str, value: &str) -> CheckupResult {
    CheckupResult {
        code: code(c),
        value: CheckupValue::Text(value.to_owned()),
    }
}

/// The fiscal years the demo has checkups for: the five before today's (the current year's
/// results are usually not registered yet; 法定報告 is due by Nov 1 of the next year), from
/// FY2020 on, since the portal shows nothing older. Oldest first.
pub(super) fn checkup_years(today: NaiveDate) -> Vec<FiscalYear> {
    let last = FiscalYear::of(today).0 - 1;
    (last - 4..=last)
        .map(FiscalYear)
        .filter(|fy| *fy >= FIRST_SHOWN_FISCAL_YEAR)
        .collect()
}

/// The newest `len` of five yearly values, so the last value is always the latest checkup.
fn newest<T>(values: &[T; 5], len: usize) -> &[T] {
    &values[5 - len..]
}

fn checkup_day(fy: FiscalYear, month: u32, rng: &mut SplitMix64) -> NaiveDate {
    let day = 2 + u32::try_from(rng.below(18)).expect("small");
    let date = NaiveDate::from_ymd_opt(fy.0, month, day).expect("checkup date exists");
    on_or_after(date, Weekday::Tue)
}

/// One row of 佐藤's results; index 0 is the oldest year.
struct SatoYear {
    body: [&'static str; 4], // height, weight, BMI, waist
    bp: [&'static str; 2],
    liver: [&'static str; 3],
    lipids: [&'static str; 3],  // TG, HDL, LDL
    glucose: [&'static str; 2], // FPG, HbA1c
    kidney: [&'static str; 2],
    hb: &'static str,
    bun: &'static str,
    urine_protein: &'static str,
    /// 服薬: blood pressure, glucose, lipids (1 yes, 2 no).
    meds: [&'static str; 3],
    smoker: bool,
    /// 9N501 / 9N506 as the insurer sent them; `None` the year it sent none.
    judgement: Option<(&'static str, &'static str)>,
    note: &'static str,
}

const SATO_YEARS: [SatoYear; 5] = [
    SatoYear {
        body: ["171.4", "76.2", "25.9", "88.0"],
        bp: ["138", "86"],
        liver: ["27", "35", "78"],
        lipids: ["162", "48", "152"],
        glucose: ["104", "6.1"],
        kidney: ["0.86", "75.3"],
        hb: "15.1",
        bun: "14.2",
        urine_protein: "1",
        meds: ["2", "2", "2"],
        smoker: true,
        judgement: Some(("1", "1")),
        note: "要医療（脂質異常）。減量と禁煙を勧めます",
    },
    SatoYear {
        body: ["171.2", "78.9", "26.9", "91.0"],
        bp: ["146", "92"],
        liver: ["31", "41", "84"],
        lipids: ["188", "45", "148"],
        glucose: ["112", "6.3"],
        kidney: ["0.88", "73.1"],
        hb: "15.4",
        bun: "15.1",
        urine_protein: "2",
        meds: ["2", "2", "2"],
        smoker: true,
        judgement: Some(("1", "1")),
        note: "要医療（高血圧・脂質異常）",
    },
    SatoYear {
        body: ["171.3", "77.6", "26.4", "90.0"],
        bp: ["132", "84"],
        liver: ["29", "38", "71"],
        lipids: ["158", "47", "141"],
        glucose: ["118", "6.6"],
        kidney: ["0.87", "73.2"],
        hb: "15.0",
        bun: "13.8",
        urine_protein: "1",
        meds: ["1", "2", "2"],
        smoker: true,
        judgement: None,
        note: "要医療（糖尿病の疑い）",
    },
    SatoYear {
        body: ["171.0", "76.8", "26.3", "89.5"],
        bp: ["128", "82"],
        liver: ["26", "32", "62"],
        lipids: ["142", "50", "108"],
        glucose: ["116", "6.4"],
        kidney: ["0.90", "70.4"],
        hb: "14.8",
        bun: "14.6",
        urine_protein: "1",
        meds: ["1", "1", "1"],
        smoker: false,
        judgement: Some(("1", "3")),
        note: "治療継続",
    },
    SatoYear {
        body: ["171.1", "76.0", "26.0", "88.5"],
        bp: ["134", "84"],
        liver: ["25", "30", "58"],
        lipids: ["131", "52", "96"],
        glucose: ["110", "6.2"],
        kidney: ["0.91", "69.3"],
        hb: "14.9",
        bun: "15.0",
        urine_protein: "1",
        meds: ["1", "1", "1"],
        smoker: false,
        judgement: Some(("1", "3")),
        note: "治療継続",
    },
];

/// 佐藤's 特定健診, one each June of the five years before today's fiscal year.
pub(super) fn sato(
    today: NaiveDate,
    insurer: &InsurerNumber,
    rng: &mut SplitMix64,
) -> Vec<Checkup> {
    let years = checkup_years(today);
    let rows = newest(&SATO_YEARS, years.len());
    years
        .into_iter()
        .zip(rows)
        .map(|(fy, y)| {
            let mut results = vec![
                coded(HISTORY, if y.meds[0] == "1" { "1" } else { "2" }),
                coded(SUBJECTIVE, "2"),
                coded(OBJECTIVE, "2"),
                num(HEIGHT, y.body[0], "cm"),
                num(WEIGHT, y.body[1], "kg"),
                num(BMI, y.body[2], "kg/m2"),
                num(WAIST, y.body[3], "cm"),
                num(SBP, y.bp[0], "mm[Hg]"),
                num(DBP, y.bp[1], "mm[Hg]"),
                num(AST, y.liver[0], "U/L"),
                num(ALT, y.liver[1], "U/L"),
                num(GGT, y.liver[2], "U/L"),
                num(TG, y.lipids[0], "mg/dL"),
                num(HDL, y.lipids[1], "mg/dL"),
                num(LDL, y.lipids[2], "mg/dL"),
                num(FPG, y.glucose[0], "mg/dL"),
                num(HBA1C, y.glucose[1], "%"),
                num(CREATININE, y.kidney[0], "mg/dL"),
                num(EGFR, y.kidney[1], "ml/min/1.73m2"),
                num(HB, y.hb, "g/dL"),
                coded(URINE_GLUCOSE, "1"),
                coded(URINE_PROTEIN, y.urine_protein),
                coded(ECG, "2"),
                num(UNKNOWN_EXTRA_ITEM, y.bun, "mg/dL"),
                coded(MED_BP, y.meds[0]),
                coded(MED_GLUCOSE, y.meds[1]),
                coded(MED_LIPIDS, y.meds[2]),
                // 喫煙: 1 はい. For a non-smoker "2" is いいえ before FY2024 and "以前は吸っていたが
                // 最近1ヶ月間は吸っていない" from FY2024 — for 佐藤, who quit, both are right.
                coded(SMOKING, if y.smoker { "1" } else { "2" }),
                text(DOCTORS_NOTE, y.note),
            ];
            if let Some((metabolic, guidance)) = y.judgement {
                results.push(coded(METABOLIC, metabolic));
                results.push(coded(GUIDANCE, guidance));
            }
            Checkup {
                performed_on: checkup_day(fy, 6, rng),
                institution_name: SATO_CENTRE.to_owned(),
                kind: CheckupKind::SpecificHealthCheckup,
                insurer: insurer.clone(),
                results,
            }
        })
        .collect()
}

/// 鈴木's checkups each September: 特定健診 under her 国保 while 74 or younger, 後期高齢者健診
/// under the 広域連合 from 75 on (no 腹囲, no 9N501 / 9N506, the 15-question 質問票 instead).
pub(super) fn suzuki(
    today: NaiveDate,
    birth: NaiveDate,
    national: &InsurerNumber,
    late_stage: &InsurerNumber,
    rng: &mut SplitMix64,
) -> Vec<Checkup> {
    let years = checkup_years(today);
    let skipped = 5 - years.len();
    years
        .into_iter()
        .enumerate()
        .map(|(i, fy)| {
            let on = checkup_day(fy, 9, rng);
            let late = age_on(birth, on).is_some_and(|age| age >= 75);
            let pick = |values: [&'static str; 5]| values[skipped + i];
            let mut results = vec![
                coded(HISTORY, "1"),
                coded(SUBJECTIVE, "2"),
                coded(OBJECTIVE, "2"),
                num(
                    HEIGHT,
                    pick(["151.4", "151.2", "151.0", "150.7", "150.5"]),
                    "cm",
                ),
                num(WEIGHT, pick(["50.2", "49.8", "49.1", "48.6", "47.9"]), "kg"),
                num(BMI, pick(["21.9", "21.8", "21.5", "21.4", "21.1"]), "kg/m2"),
                num(SBP, pick(["134", "138", "142", "136", "138"]), "mm[Hg]"),
                num(DBP, pick(["78", "80", "82", "76", "78"]), "mm[Hg]"),
                num(AST, pick(["22", "24", "23", "25", "24"]), "U/L"),
                num(ALT, pick(["16", "18", "17", "18", "16"]), "U/L"),
                num(GGT, pick(["21", "20", "23", "22", "21"]), "U/L"),
                num(TG, pick(["118", "126", "109", "121", "114"]), "mg/dL"),
                num(HDL, pick(["62", "60", "64", "61", "63"]), "mg/dL"),
                num(LDL, pick(["131", "128", "124", "131", "127"]), "mg/dL"),
                num(HBA1C, pick(["5.7", "5.8", "5.8", "5.9", "5.9"]), "%"),
                num(
                    CREATININE,
                    pick(["0.68", "0.70", "0.72", "0.73", "0.75"]),
                    "mg/dL",
                ),
                num(
                    EGFR,
                    pick(["62.4", "60.1", "58.2", "56.9", "55.1"]),
                    "ml/min/1.73m2",
                ),
                num(HB, pick(["12.4", "12.2", "12.1", "11.8", "11.9"]), "g/dL"),
                coded(URINE_GLUCOSE, "1"),
                coded(URINE_PROTEIN, "1"),
            ];
            if late {
                // 後期高齢者の質問票 answers (codes per XMLhc24tab.csv): fair health, mostly
                // independent, walking slower; a fall in the latest year.
                let answers = [
                    "3",
                    "2",
                    "1",
                    pick(["2", "2", "2", "1", "1"]),
                    "2",
                    "2",
                    "1",
                    pick(["2", "2", "2", "2", "1"]),
                    "1",
                    "2",
                    "2",
                    "2",
                    "1",
                    "1",
                    "1",
                ];
                results.extend(
                    LATE_STAGE_QUESTIONNAIRE
                        .iter()
                        .zip(answers)
                        .map(|(c, a)| coded(c, a)),
                );
            } else {
                let smoking = if fy.0 >= 2024 { "3" } else { "2" };
                results.extend([
                    num(WAIST, pick(["79.5", "80.0", "79.0", "78.5", "78.0"]), "cm"),
                    coded(MED_BP, "1"),
                    coded(MED_GLUCOSE, "2"),
                    coded(MED_LIPIDS, "2"),
                    coded(SMOKING, smoking),
                    coded(METABOLIC, "3"),
                    coded(GUIDANCE, "3"),
                ]);
            }
            Checkup {
                performed_on: on,
                institution_name: SUZUKI_CENTRE.to_owned(),
                kind: if late {
                    CheckupKind::LateStageElderly
                } else {
                    CheckupKind::SpecificHealthCheckup
                },
                insurer: if late { late_stage } else { national }.clone(),
                results,
            }
        })
        .collect()
}
