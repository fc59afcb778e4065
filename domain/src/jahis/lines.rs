//! Between a JAHIS notebook and Karte's drug lines: [`to_drug_lines`] for a notebook a person
//! brings in, [`from_drug_lines`] for the file Karte writes. `to_drug_lines(from_drug_lines(x))`
//! gives back the lines `x` (same dates, pharmacies, names, marks, codes, 用法, 用量, 調剤数量).

use super::model::*;
use crate::claim::{ClaimId, ClaimSource, InstitutionId, ReceiptIdentity};
use crate::drugs::{
    DispensedQuantity, DrugLine, DrugMark, PrescriptionKind, QuantityUnit, ReceiptDrugCode,
    UsageKind, YjCode,
};
use crate::people::PersonId;
use crate::period::YearMonth;
use std::collections::BTreeMap;

/// The start of the claim id of lines read from a JAHIS notebook (before the self-import
/// prefix is put in front: `self-jahis-…`).
pub const NOTEBOOK_CLAIM_PREFIX: &str = "jahis-";

/// An institution id for a pharmacy or clinic of the notebook: its ten-digit 医療機関コード
/// (what receipts carry, so the claim that arrives later is matched), or, without one, a
/// stable id from its name.
fn institution_id(code: Option<String>, name: &str) -> InstitutionId {
    let id = code.unwrap_or_else(|| format!("{NOTEBOOK_CLAIM_PREFIX}{:016x}", fnv(name)));
    InstitutionId::parse(&id).unwrap_or_else(|_| {
        InstitutionId::parse(&format!("{NOTEBOOK_CLAIM_PREFIX}{:016x}", fnv(&id)))
            .expect("prefix and hex are a valid id")
    })
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn usage_kind(form: Option<DosageForm>) -> UsageKind {
    match form {
        None
        | Some(
            DosageForm::Oral | DosageForm::OralDrops | DosageForm::Infusion | DosageForm::Decoction,
        ) => UsageKind::Oral,
        Some(DosageForm::AsNeeded) => UsageKind::AsNeeded,
        Some(DosageForm::Injection) => UsageKind::Injection,
        Some(DosageForm::External | DosageForm::Material) => UsageKind::External,
        Some(DosageForm::Other) => UsageKind::HomeCare,
    }
}

fn dosage_form(kind: UsageKind) -> DosageForm {
    match kind {
        UsageKind::Oral => DosageForm::Oral,
        UsageKind::AsNeeded => DosageForm::AsNeeded,
        UsageKind::Injection => DosageForm::Injection,
        UsageKind::External => DosageForm::External,
        UsageKind::HomeCare => DosageForm::Other,
    }
}

const MARKS: [DrugMark; 4] = [
    DrugMark::Narcotic,
    DrugMark::Poison,
    DrugMark::StimulantPrecursor,
    DrugMark::Psychotropic,
];

/// 「麻）オキシコドン…」 → (麻, 「オキシコドン…」); half-width 「)」 and 「麻:」 are read too.
fn split_mark(name: &str) -> (Option<DrugMark>, String) {
    for mark in MARKS {
        let label = mark.label_ja();
        for sep in ["）", ")", "：", ":"] {
            if let Some(rest) = name.strip_prefix(&format!("{label}{sep}")) {
                if !rest.trim().is_empty() {
                    return (Some(mark), rest.trim().to_owned());
                }
            }
        }
    }
    (None, name.to_owned())
}

/// Separator of the notes Karte keeps in one field.
const NOTE_SEP: &str = "／";

/// The drug lines of `book`, one per 薬品 record, owned by `owner`. Each dispensing's lines
/// share one claim per pharmacy, month and prescriber (so two visits to one pharmacy in a month
/// never hide each other), accepted on the dispensing day: any claim the insurer sends for that
/// receipt is later and takes over.
pub fn to_drug_lines(book: &Notebook, owner: &PersonId) -> Vec<DrugLine> {
    let mut out = Vec::new();
    for d in &book.dispensings {
        let (inst_name, inst_code, table) = match &d.institution {
            Some(i) => (i.name.clone(), i.receipt_code(), i.table),
            None => ("（お薬手帳）".to_owned(), None, None),
        };
        let institution = institution_id(inst_code, &inst_name);
        let (prescription, prescriber) = match &d.prescriber {
            Some(p) => (
                PrescriptionKind::OutOfHouse,
                institution_id(p.receipt_code(), &p.name),
            ),
            None if table == Some(4) => (PrescriptionKind::OutOfHouse, institution.clone()),
            None => (PrescriptionKind::InHouse, institution.clone()),
        };
        let month = YearMonth::of(d.date);
        let claim_key = format!(
            "{NOTEBOOK_CLAIM_PREFIX}{}-{}-{}",
            institution.as_str(),
            month,
            prescriber.as_str()
        );
        let claim_id = ClaimId::parse(&claim_key).unwrap_or_else(|_| {
            ClaimId::parse(&format!("{NOTEBOOK_CLAIM_PREFIX}{:016x}", fnv(&claim_key)))
                .expect("prefix and hex are a valid id")
        });
        let claim = ClaimSource {
            claim_id,
            person: owner.clone(),
            institution: institution.clone(),
            service_month: month,
            receipt: ReceiptIdentity::for_drug(prescription, &prescriber),
            accepted_on: d.date,
            sequence: 0,
            imported_by_you: false,
        };
        for rp in d.rps() {
            let usage = usage_kind(rp.usage.as_ref().and_then(|u| u.form));
            for drug in &rp.drugs {
                let (mark, name) = split_mark(&drug.name);
                let dose = match (&drug.dose, &drug.unit) {
                    (Some(d), Some(u)) => Some(format!("{d}{u}")),
                    (Some(d), None) => Some(d.clone()),
                    _ => None,
                };
                let notes: Vec<&str> = rp
                    .usage_notes
                    .iter()
                    .chain(&drug.notes)
                    .chain(&drug.cautions)
                    .chain(&rp.cautions)
                    .map(String::as_str)
                    .collect();
                let (receipt_code, yj_code) = match &drug.code {
                    Some(DrugCode::Receipt(c)) => (ReceiptDrugCode::parse(c).ok(), None),
                    Some(DrugCode::Yj(c)) => (None, YjCode::parse(c).ok()),
                    _ => (None, None),
                };
                let quantity = DispensedQuantity {
                    amount: rp.usage.as_ref().and_then(|u| u.quantity).unwrap_or(1),
                    unit: QuantityUnit::parse(
                        rp.usage
                            .as_ref()
                            .and_then(|u| u.unit.as_deref())
                            .unwrap_or("調剤"),
                    ),
                };
                out.push(DrugLine {
                    claim: claim.clone(),
                    visible_from: d.date,
                    dispensed_on: d.date,
                    dispenser_name: inst_name.clone(),
                    prescriber: prescriber.clone(),
                    prescription,
                    usage,
                    drug_name: name,
                    ingredient: None,
                    receipt_code,
                    yj_code,
                    directions: rp.usage.as_ref().and_then(|u| u.name.clone()),
                    daily_dose: if usage == UsageKind::AsNeeded {
                        None
                    } else {
                        dose.clone()
                    },
                    single_dose: if usage == UsageKind::AsNeeded {
                        dose
                    } else {
                        None
                    },
                    special_instructions: (!notes.is_empty()).then(|| notes.join(NOTE_SEP)),
                    quantity,
                    mark,
                    copay: None,
                    savings: None,
                });
            }
        }
    }
    out
}

/// 「3錠」 → ("3", "錠"); 「適量」 → ("適量", none).
fn split_dose(dose: &str) -> (String, Option<String>) {
    let at = dose
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(dose.len(), |(i, _)| i);
    if at == 0 {
        return (dose.to_owned(), None);
    }
    let unit = &dose[at..];
    (
        dose[..at].to_owned(),
        (!unit.is_empty()).then(|| unit.to_owned()),
    )
}

/// Whether a field has something left once written (the writer trims spaces and turns control
/// characters into spaces): a unit of 「 」 is no unit.
fn written(field: &Option<String>) -> bool {
    field
        .as_deref()
        .is_some_and(|f| !f.chars().all(|c| c.is_whitespace() || c.is_control()))
}

fn split_institution(id: &InstitutionId) -> (Option<String>, Option<u8>, Option<String>) {
    let s = id.as_str();
    if s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()) {
        let table = s[2..3].parse().ok().filter(|t| matches!(t, 1 | 3 | 4));
        if table.is_some() {
            return (Some(s[..2].to_owned()), table, Some(s[3..].to_owned()));
        }
    }
    (None, None, None)
}

/// A notebook of `lines` (version 8; 出力区分 1 when every institution has its 医療機関コード,
/// else 2): one
/// dispensing per day and pharmacy, one RP per drug line (Karte does not keep which drugs
/// were one RP). Prescriber names are not kept by Karte, so 処方－医療機関 carries the code.
pub fn from_drug_lines(patient: Option<Patient>, lines: &[&DrugLine]) -> Notebook {
    let mut by_visit: BTreeMap<(chrono::NaiveDate, String, String), Vec<&DrugLine>> =
        BTreeMap::new();
    for l in lines {
        by_visit
            .entry((
                l.dispensed_on,
                l.claim.institution.as_str().to_owned(),
                l.dispenser_name.clone(),
            ))
            .or_default()
            .push(l);
    }
    let dispensings: Vec<Dispensing> = by_visit
        .into_iter()
        .map(|((date, _, name), lines)| {
            let first = lines[0];
            let (prefecture, table, code) = split_institution(&first.claim.institution);
            let prescriber = (first.prescription == PrescriptionKind::OutOfHouse
                && first.prescriber != first.claim.institution)
                .then(|| {
                    let (prefecture, table, code) = split_institution(&first.prescriber);
                    Prescriber {
                        name: first.prescriber.as_str().to_owned(),
                        prefecture,
                        table,
                        code,
                    }
                });
            let rps = lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let dose = l.daily_dose.as_deref().or(l.single_dose.as_deref());
                    let (dose, unit) = match dose.map(split_dose) {
                        Some((d, u)) => (Some(d), u),
                        None => (None, None),
                    };
                    let code = match (&l.receipt_code, &l.yj_code) {
                        (Some(c), _) => DrugCode::Receipt(c.as_str().to_owned()),
                        (None, Some(y)) => DrugCode::Yj(y.as_str().to_owned()),
                        _ => DrugCode::None,
                    };
                    Rp {
                        number: u16::try_from(i + 1).unwrap_or(999).min(999),
                        drugs: vec![Drug {
                            name: l.display_name(),
                            dose,
                            unit,
                            code: Some(code),
                            notes: Vec::new(),
                            cautions: Vec::new(),
                        }],
                        usage: Some(Usage {
                            name: l.directions.clone(),
                            quantity: Some(l.quantity.amount),
                            unit: Some(l.quantity.unit.label_ja().to_owned()),
                            form: Some(dosage_form(l.usage)),
                            code: None,
                        }),
                        usage_notes: l
                            .special_instructions
                            .iter()
                            .flat_map(|s| s.split(NOTE_SEP))
                            .map(str::to_owned)
                            .collect(),
                        cautions: Vec::new(),
                    }
                })
                .collect();
            Dispensing {
                date,
                creator: Creator::Professional,
                institution: Some(Institution {
                    name,
                    prefecture,
                    table,
                    code,
                    postal_code: None,
                    address: None,
                    phone: None,
                }),
                staff: None,
                prescriber,
                groups: vec![DoctorGroup { doctor: None, rps }],
                cautions: Vec::new(),
                remarks: Vec::new(),
            }
        })
        .collect();
    // 出力区分 1 needs every institution's 医療機関コード and every drug's 用量 and 単位名; lines
    // whose institution Karte knows only by another id (hand-entered, or the demo's), or whose
    // dose is not a number and a unit (「適量」, or none), go out as 2 (患者等から医療機関・薬局へ),
    // which is what a person handing their history to a pharmacy is anyway.
    let coded = dispensings.iter().all(|d: &Dispensing| {
        d.institution
            .as_ref()
            .is_some_and(|i| i.receipt_code().is_some())
            && d.prescriber
                .as_ref()
                .is_none_or(|p| p.receipt_code().is_some())
            && d.groups
                .iter()
                .flat_map(|g| &g.rps)
                .flat_map(|rp| &rp.drugs)
                .all(|drug| written(&drug.dose) && written(&drug.unit))
    });
    Notebook {
        version: 8,
        output: if coded {
            Output::ToPatient
        } else {
            Output::ToProvider
        },
        patient,
        dispensings,
    }
}

/// How far back a drug counts as current when its 調剤数量 is not in days (屯服, 外用).
pub const CURRENT_WITHOUT_DAYS: i64 = 90;

/// 「いま飲んでいる薬」: lines whose supply in days reaches `today` (dispensed on day D for N
/// 日分 lasts through D + N − 1), and lines counted otherwise (回分, 調剤) dispensed within the
/// last [`CURRENT_WITHOUT_DAYS`] days.
pub fn current_medicines(lines: &[DrugLine], today: chrono::NaiveDate) -> Vec<&DrugLine> {
    lines
        .iter()
        .filter(|l| l.dispensed_on <= today)
        .filter(|l| match l.quantity.unit {
            QuantityUnit::Days => {
                l.dispensed_on + chrono::Duration::days(i64::from(l.quantity.amount.max(1)) - 1)
                    >= today
            }
            _ => (today - l.dispensed_on).num_days() < CURRENT_WITHOUT_DAYS,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drugs::line_fixture;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn karte_lines_go_out_and_come_back_the_same() {
        let owner = PersonId::parse("demo-sato").unwrap();
        let mut a = line_fixture(d(2025, 4, 10), "アムロジピン錠５ｍｇ", None);
        a.receipt_code = Some(ReceiptDrugCode::parse("620008284").unwrap());
        a.claim.institution = InstitutionId::parse("1341234567").unwrap();
        a.prescriber = InstitutionId::parse("1317654321").unwrap();
        a.special_instructions = Some("一包化".into());
        // JAHIS has one 用量 per drug: Karte writes 1日量 (or 1回量 for 屯服), not both.
        a.single_dose = None;
        let mut b = line_fixture(d(2025, 4, 10), "オキシコドン徐放錠５ｍｇ", None);
        b.mark = Some(DrugMark::Narcotic);
        b.claim.institution = a.claim.institution.clone();
        b.prescriber = a.prescriber.clone();
        b.yj_code = Some(YjCode::parse("8119002G1020").unwrap());
        b.single_dose = None;
        let mut c = line_fixture(d(2025, 4, 22), "カロナール錠２００", None);
        c.usage = UsageKind::AsNeeded;
        c.claim.institution = InstitutionId::parse("2740123456").unwrap();
        c.daily_dose = None;
        c.single_dose = Some("1錠".into());
        c.quantity = DispensedQuantity {
            amount: 5,
            unit: QuantityUnit::Times,
        };
        let book = from_drug_lines(None, &[&a, &b, &c]);
        let text = super::super::write(&book);
        let back = to_drug_lines(&super::super::parse_text(&text).unwrap(), &owner);
        assert_eq!(back.len(), 3);
        for (orig, got) in [&a, &b, &c].into_iter().zip(&back) {
            assert_eq!(got.dispensed_on, orig.dispensed_on);
            assert_eq!(got.dispenser_name, orig.dispenser_name);
            assert_eq!(got.claim.institution, orig.claim.institution);
            assert_eq!(got.display_name(), orig.display_name());
            assert_eq!(got.mark, orig.mark);
            assert_eq!(got.receipt_code, orig.receipt_code);
            assert_eq!(got.yj_code, orig.yj_code);
            assert_eq!(got.usage, orig.usage);
            assert_eq!(got.directions, orig.directions);
            assert_eq!(got.daily_dose, orig.daily_dose);
            assert_eq!(got.single_dose, orig.single_dose);
            assert_eq!(got.quantity, orig.quantity);
            assert_eq!(got.special_instructions, orig.special_instructions);
        }
        assert_eq!(back[0].prescriber.as_str(), "1317654321");
        assert_eq!(
            back[0].claim.claim_id, back[1].claim.claim_id,
            "one claim per pharmacy and month"
        );
    }

    /// Found by the `jahis` fuzz target: a dose that is not a number and a unit (「適量」, 「ﾈ0g」)
    /// or no dose at all cannot fill 出力区分 1's required 用量 and 単位名, so the notebook goes
    /// out as 2 and still reads back.
    #[test]
    fn a_dose_without_number_and_unit_goes_out_as_output_2_and_reads_back() {
        let owner = PersonId::parse("demo-sato").unwrap();
        for dose in [Some("適量"), Some("ﾈ0g"), Some("14\u{3000}"), None] {
            let mut a = line_fixture(d(2025, 4, 10), "白色ワセリン", None);
            a.receipt_code = Some(ReceiptDrugCode::parse("620008284").unwrap());
            a.claim.institution = InstitutionId::parse("1341234567").unwrap();
            a.prescriber = InstitutionId::parse("1317654321").unwrap();
            a.daily_dose = dose.map(str::to_owned);
            a.single_dose = None;
            let book = from_drug_lines(None, &[&a]);
            assert_eq!(book.output, Output::ToProvider, "{dose:?}");
            let text = super::super::write(&book);
            let back = super::super::parse_text(&text)
                .unwrap_or_else(|e| panic!("{dose:?} does not read back: {e}"));
            let lines = to_drug_lines(&back, &owner);
            assert_eq!(lines.len(), 1);
            assert_eq!(
                lines[0].daily_dose.as_deref().map(str::trim),
                dose.map(str::trim)
            );
        }
        let mut coded = line_fixture(d(2025, 4, 10), "アムロジピン錠５ｍｇ", None);
        coded.claim.institution = InstitutionId::parse("1341234567").unwrap();
        coded.prescriber = InstitutionId::parse("1317654321").unwrap();
        coded.single_dose = None;
        assert_eq!(from_drug_lines(None, &[&coded]).output, Output::ToPatient);
    }

    #[test]
    fn current_medicines_are_those_still_supplied() {
        let today = d(2025, 5, 1);
        let mut fourteen = line_fixture(d(2025, 4, 18), "薬A", None); // through 5/1
        fourteen.quantity.amount = 14;
        let mut ended = line_fixture(d(2025, 4, 17), "薬B", None); // through 4/30
        ended.quantity.amount = 14;
        let mut prn = line_fixture(d(2025, 2, 5), "薬C", None);
        prn.quantity = DispensedQuantity {
            amount: 5,
            unit: QuantityUnit::Times,
        };
        let mut old_prn = prn.clone();
        old_prn.dispensed_on = d(2025, 1, 30);
        let lines = [fourteen, ended, prn, old_prn];
        let names: Vec<_> = current_medicines(&lines, today)
            .into_iter()
            .map(|l| l.drug_name.as_str())
            .collect();
        assert_eq!(names, ["薬A", "薬C"]);
    }
}
