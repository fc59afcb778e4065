//! Small hand-built batches for the storage tests (the demo and parser fixtures are tested
//! on their own).

use chrono::NaiveDate;
use domain::checkups::{Checkup, CheckupKind, CheckupResult, CheckupValue, Decimal, ItemCode};
use domain::claim::{ClaimId, ClaimSource, InstitutionId};
use domain::drugs::{
    DispensedQuantity, DrugLine, DrugMark, PrescriptionKind, QuantityUnit, UsageKind,
};
use domain::expenses::{ExpenseLine, ServiceCategory};
use domain::insurance::{CardIdentity, InsurerNumber};
use domain::money::Yen;
use domain::people::{PersonId, Sex};
use domain::period::YearMonth;
use server::import::{BatchId, ImportBatch, ImportFormat, PersonIdentity, PersonRecords};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn identity(id: Option<&str>, number: &str) -> PersonIdentity {
    PersonIdentity {
        id: id.map(|i| PersonId::parse(i).unwrap()),
        name: "試験　花子".into(),
        name_kana: Some("シケン　ハナコ".into()),
        sex: Some(Sex::Female),
        birth_date: Some(d(1970, 5, 5)),
        card: Some(CardIdentity::parse("01130012", "4131", number, "00").unwrap()),
        insurer_name: Some("全国健康保険協会 東京支部".into()),
        insured_since: Some(d(2015, 4, 1)),
    }
}

pub fn claim(
    person: &str,
    claim: &str,
    inst: &str,
    month: YearMonth,
    accepted_day: u32,
) -> ClaimSource {
    ClaimSource {
        claim_id: ClaimId::parse(claim).unwrap(),
        person: PersonId::parse(person).unwrap(),
        institution: InstitutionId::parse(inst).unwrap(),
        service_month: month,
        receipt: Default::default(),
        accepted_on: month.next().day(accepted_day).unwrap(),
        sequence: 0,
        imported_by_you: false,
    }
}

pub fn drug(claim: ClaimSource, day: u32, name: &str) -> DrugLine {
    let month = claim.service_month;
    DrugLine {
        visible_from: domain::visibility::drug_visible_from(month, Some(claim.accepted_on)),
        dispensed_on: month.day(day).unwrap(),
        dispenser_name: "さくら薬局 中央店".into(),
        prescriber: InstitutionId::parse("1311234567").unwrap(),
        prescription: PrescriptionKind::OutOfHouse,
        usage: UsageKind::Oral,
        drug_name: name.into(),
        ingredient: Some("アムロジピンベシル酸塩".into()),
        receipt_code: None,
        yj_code: None,
        directions: Some("1日1回朝食後".into()),
        daily_dose: Some("1錠".into()),
        single_dose: Some("1錠".into()),
        special_instructions: None,
        quantity: DispensedQuantity {
            amount: 28,
            unit: QuantityUnit::Days,
        },
        mark: (name.contains("ゾルピデム")).then_some(DrugMark::Psychotropic),
        copay: Some(Yen(420)),
        savings: Some(Yen(150)),
        claim,
    }
}

pub fn expense(claim: ClaimSource, patient: i64) -> ExpenseLine {
    let month = claim.service_month;
    ExpenseLine {
        visible_from: domain::visibility::expense_visible_from(month),
        service_month: month,
        category: ServiceCategory::MedicalOutpatient,
        days: 2,
        institution_name: "中央内科クリニック".into(),
        total: Yen(patient * 10 / 3),
        insurer_paid: Yen(patient * 10 / 3 - patient),
        public_paid: Yen(0),
        patient_paid: Yen(patient),
        claim,
    }
}

pub fn checkup(on: NaiveDate, sbp: &str) -> Checkup {
    Checkup {
        performed_on: on,
        institution_name: "中央健診センター".into(),
        kind: CheckupKind::SpecificHealthCheckup,
        insurer: InsurerNumber::parse("01130012").unwrap(),
        results: vec![
            CheckupResult {
                code: ItemCode::parse("9A751000000000001").unwrap(),
                value: CheckupValue::Numeric {
                    value: Decimal::parse(sbp).unwrap(),
                    unit: "mm[Hg]".into(),
                    out_of_range: None,
                },
            },
            CheckupResult {
                code: ItemCode::parse("9N501000000000011").unwrap(),
                value: CheckupValue::Coded {
                    code: "2".into(),
                    display: Some("予備群該当".into()),
                },
            },
            // An item code Karte does not know: kept and stored like any other.
            CheckupResult {
                code: ItemCode::parse("5C070000002306201").unwrap(),
                value: CheckupValue::Text("所見なし".into()),
            },
        ],
    }
}

/// One person with `n` drug lines spread over 24 months, a few expenses and one checkup.
pub fn batch(batch_id: &str, person: Option<&str>, card_number: &str, n: usize) -> ImportBatch {
    let pid = person.unwrap_or("p-unassigned");
    let start = YearMonth::parse("2024-01").unwrap();
    let drugs = (0..n)
        .map(|i| {
            let month = start.add_months((i % 24) as i32);
            let c = claim(
                pid,
                &format!("rx-{}-{}", month, i % 3),
                "1319876543",
                month,
                10,
            );
            drug(
                c,
                1 + (i % 28) as u32,
                if i % 10 == 0 {
                    "ゾルピデム酒石酸塩錠5mg「サワイ」"
                } else {
                    "アムロジピン錠5mg「サワイ」"
                },
            )
        })
        .collect();
    let expenses = (0..6)
        .map(|i| {
            let month = start.add_months(i);
            expense(
                claim(pid, &format!("ex-{month}"), "1311234567", month, 10),
                1_230 + i64::from(i),
            )
        })
        .collect();
    ImportBatch {
        batch_id: BatchId::parse(batch_id).unwrap(),
        format: ImportFormat::Json,
        insurers: vec![],
        people: vec![PersonRecords {
            person: identity(person, card_number),
            drugs,
            checkups: vec![checkup(d(2025, 6, 10), "146")],
            expenses,
        }],
        warnings: vec![],
    }
}
