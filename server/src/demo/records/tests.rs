use super::*;
use crate::demo::catalog::{LOXOPROFEN, SAKURA_CHUO};
use crate::demo::checkups::{
    GUIDANCE, LATE_STAGE_QUESTIONNAIRE, METABOLIC, UNKNOWN_EXTRA_ITEM, WAIST,
};
use crate::demo::claims::{copay_percent, is_late_stage_elderly};
use domain::checkups::{
    guidance_judgement, lookup, metabolic_judgement, Band, CheckupKind, ItemCode, JudgementSource,
    KnownItem,
};
use domain::claim::ClaimedLine;
use domain::insurance::InsurerKind;
use domain::money::Yen;
use domain::visibility::{
    current_lines, drug_visible_from, expense_visible_from, main_view, retention_window,
    within_retention,
};
use domain::wareki::{age_on, FiscalYear};
use std::collections::{BTreeMap, BTreeSet};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn anchor() -> NaiveDate {
    d(2026, 11, 20)
}

/// Anchors across the year, incl. before the 5th/after the 10th and year ends.
fn anchors() -> Vec<NaiveDate> {
    vec![
        anchor(),
        d(2026, 11, 3),
        d(2025, 1, 1),
        d(2025, 12, 31),
        d(2026, 2, 9),
        d(2026, 3, 11),
        d(2026, 4, 1),
        d(2027, 7, 15),
        d(2024, 10, 10),
    ]
}

fn person<'a>(batch: &'a ImportBatch, id: &str) -> &'a PersonRecords {
    batch
        .people
        .iter()
        .find(|p| p.person.id.as_ref().map(PersonId::as_str) == Some(id))
        .unwrap_or_else(|| panic!("{id} is in the batch"))
}

fn has_code(c: &Checkup, code: &str) -> bool {
    c.results.iter().any(|r| r.code.as_str() == code)
}

#[test]
fn deterministic_and_round_trips_through_json() {
    let a = demo_batch(anchor());
    let b = demo_batch(anchor());
    assert_eq!(a, b);
    assert_eq!(a.batch_id.as_str(), "demo-2026-11");
    assert_eq!(demo_batch(d(2026, 11, 1)).batch_id, a.batch_id);
    assert_eq!(a.format, ImportFormat::Json);
    let json = serde_json::to_string(&a).unwrap();
    let back: ImportBatch = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    assert_eq!(a.people.len(), PEOPLE.len());
    assert!(a.warnings.is_empty());
}

fn check_batch(batch: &ImportBatch, today: NaiveDate) {
    let this_month = YearMonth::of(today);
    let window = retention_window(today);
    let insurers: Vec<&InsurerNumber> = batch.insurers.iter().map(|i| &i.number).collect();
    let distinct: BTreeSet<_> = insurers.iter().collect();
    assert_eq!(distinct.len(), insurers.len(), "insurers are listed once");
    for p in &batch.people {
        let id = p.person.id.clone().unwrap();
        let birth = p.person.birth_date.unwrap();
        let card = p.person.card.as_ref().unwrap();
        assert!(
            insurers.contains(&card.insurer()),
            "{id}: card insurer listed"
        );

        for l in &p.drugs {
            let c = &l.claim;
            let ctx = format!("{id} {} {}", c.claim_id, l.drug_name);
            assert_eq!(c.person, id, "{ctx}");
            assert_eq!(c.service_month, YearMonth::of(l.dispensed_on), "{ctx}");
            assert!(within_retention(c.service_month, today), "{ctx}");
            assert!(c.service_month >= window.from(), "{ctx}");
            assert!(c.service_month < this_month, "{ctx}");
            assert!(c.accepted_on <= today, "{ctx}: accepted in the future");
            assert!(c.accepted_on > c.service_month.last_day(), "{ctx}");
            assert_eq!(
                l.visible_from,
                drug_visible_from(c.service_month, Some(c.accepted_on)),
                "{ctx}"
            );
            assert_eq!(l.copay.is_some(), l.savings.is_some(), "{ctx}");
            if let (Some(copay), Some(savings)) = (l.copay, l.savings) {
                assert!(Yen::ZERO < savings && savings < copay, "{ctx}");
                assert!(!is_late_stage_elderly(birth, l.dispensed_on), "{ctx}: 後期");
            }
            assert!(l.receipt_code.is_some() && l.yj_code.is_some(), "{ctx}");
            assert!(l.quantity.amount > 0, "{ctx}");
        }

        for l in &p.expenses {
            let c = &l.claim;
            let ctx = format!("{id} {} {}", c.claim_id, l.category.label_ja());
            assert_eq!(c.person, id, "{ctx}");
            assert_eq!(c.service_month, l.service_month, "{ctx}");
            assert!(within_retention(l.service_month, today), "{ctx}");
            assert!(l.service_month < this_month, "{ctx}");
            assert!(c.accepted_on <= today, "{ctx}");
            let sum = Yen::checked_sum([l.insurer_paid, l.public_paid, l.patient_paid]).unwrap();
            assert_eq!(l.total, sum, "{ctx}: 総額 = 保険者 + 公費 + 窓口");
            for amount in [l.total, l.insurer_paid, l.public_paid, l.patient_paid] {
                assert!(amount >= Yen::ZERO, "{ctx}");
            }
            assert!(l.days >= 1, "{ctx}");
            assert!(
                l.visible_from >= expense_visible_from(l.service_month),
                "{ctx}"
            );
            assert_eq!(
                l.visible_from,
                domain::visibility::expense_claim_visible_from(l.service_month, c.accepted_on)
            );
            if YearMonth::of(c.accepted_on) == l.service_month.next() {
                assert_eq!(
                    l.visible_from,
                    expense_visible_from(l.service_month),
                    "{ctx}"
                );
            }
            if l.category != ServiceCategory::MealsAndLiving {
                // 窓口負担相当額 = 点数 × 10 × 負担割合, so counter share × 100 = 総額 × rate.
                let rate = copay_percent(birth, l.service_month);
                assert_eq!(l.total.0 % 10, 0, "{ctx}: whole points");
                assert_eq!(
                    (l.patient_paid.0 + l.public_paid.0) * 100,
                    l.total.0 * rate,
                    "{ctx}"
                );
            }
        }

        // One receipt per person, institution and month, except a deliberate re-claim.
        let mut claims: BTreeMap<_, BTreeSet<String>> = BTreeMap::new();
        for c in p
            .drugs
            .iter()
            .map(ClaimedLine::claim)
            .chain(p.expenses.iter().map(ClaimedLine::claim))
        {
            claims
                .entry((c.institution.clone(), c.service_month))
                .or_default()
                .insert(c.claim_id.to_string());
        }
        for (key, ids) in claims {
            assert!(
                ids.len() == 1 || (ids.len() == 2 && ids.iter().any(|i| i.ends_with("-re"))),
                "{id} {key:?}: {ids:?}"
            );
        }

        for c in &p.checkups {
            assert!(c.performed_on < today, "{id}: checkup in the future");
            assert!(c.performed_on >= FiscalYear(2020).first_day());
            assert!(
                insurers.contains(&&c.insurer),
                "{id}: checkup insurer listed"
            );
        }
    }
}

#[test]
fn every_line_follows_the_domain_rules() {
    for today in anchors() {
        check_batch(&demo_batch(today), today);
    }
}

#[test]
fn data_spans_the_window_up_to_last_month() {
    let today = anchor();
    let batch = demo_batch(today);
    let sato = person(&batch, "demo-sato");
    let months: BTreeSet<_> = sato.drugs.iter().map(|l| l.claim.service_month).collect();
    assert_eq!(months.first(), Some(&retention_window(today).from()));
    assert_eq!(months.last(), Some(&YearMonth::of(today).prev()));
    // Every month of the window has sato's regular prescriptions.
    assert_eq!(months.len(), 35);
}

#[test]
fn supersession_and_late_claims_happen() {
    let today = anchor();
    let batch = demo_batch(today);
    let sato = person(&batch, "demo-sato");

    let current = current_lines(&sato.drugs);
    assert!(
        current.len() < sato.drugs.len(),
        "a re-claim supersedes lines"
    );
    let dropped: BTreeSet<_> = sato
        .drugs
        .iter()
        .filter(|l| !current.contains(l))
        .map(|l| l.claim.claim_id.to_string())
        .collect();
    assert_eq!(
        dropped.len(),
        1,
        "exactly one claim is superseded: {dropped:?}"
    );
    let original_id = dropped.first().unwrap().clone();
    let reclaim: Vec<_> = sato
        .drugs
        .iter()
        .filter(|l| l.claim.claim_id.as_str() == format!("{original_id}-re"))
        .collect();
    assert!(!reclaim.is_empty());
    assert_eq!(reclaim[0].claim.institution.as_str(), SAKURA_CHUO.id);
    let original: Vec<_> = sato
        .drugs
        .iter()
        .filter(|l| l.claim.claim_id.as_str() == original_id)
        .collect();
    assert!(reclaim[0].claim.accepted_on > original[0].claim.accepted_on);
    let quantities = |lines: &[&DrugLine]| -> Vec<u32> {
        lines
            .iter()
            .filter(|l| l.drug_name == LOXOPROFEN.name)
            .map(|l| l.quantity.amount)
            .collect()
    };
    assert!(quantities(&original).iter().all(|q| *q == 10));
    assert!(quantities(&reclaim).iter().all(|q| *q == 5));
    assert!(!quantities(&reclaim).is_empty());

    // Expenses follow: the re-claim replaces the original's amount (with the 査定).
    let current_exp = current_lines(&sato.expenses);
    assert_eq!(current_exp.len() + 1, sato.expenses.len());

    // Before the re-claim is published the original shows; after, the re-claim.
    let re_visible = reclaim[0].visible_from;
    let shown = |on: NaiveDate| -> BTreeSet<String> {
        main_view(&sato.drugs, on)
            .into_iter()
            .filter(|l| l.claim.service_month == reclaim[0].claim.service_month)
            .filter(|l| l.claim.institution.as_str() == SAKURA_CHUO.id)
            .map(|l| l.claim.claim_id.to_string())
            .collect()
    };
    assert_eq!(
        shown(re_visible.pred_opt().unwrap()),
        BTreeSet::from([original_id.clone()])
    );
    assert_eq!(
        shown(re_visible),
        BTreeSet::from([format!("{original_id}-re")])
    );

    // A 月遅れ: the hospital's claim accepted three months after the usual month.
    let late: Vec<_> = sato
        .drugs
        .iter()
        .filter(|l| {
            l.claim
                .service_month
                .months_until(YearMonth::of(l.claim.accepted_on))
                >= 3
        })
        .filter(|l| !l.claim.claim_id.as_str().ends_with("-re"))
        .collect();
    assert!(!late.is_empty(), "a late claim exists");
    for l in late {
        assert!(l.visible_from > drug_visible_from(l.claim.service_month, None));
        assert_eq!(l.prescription, PrescriptionKind::InHouse);
        assert!(l.prescribed_here());
    }
}

#[test]
fn sato_has_the_promised_kinds_of_drugs() {
    let batch = demo_batch(anchor());
    let sato = person(&batch, "demo-sato");
    use domain::drugs::{DrugMark, UsageKind};
    let has = |f: &dyn Fn(&DrugLine) -> bool| sato.drugs.iter().any(f);
    assert!(has(&|l| l.usage == UsageKind::AsNeeded));
    assert!(has(&|l| l.usage == UsageKind::External));
    assert!(has(
        &|l| l.usage == UsageKind::Injection && l.prescription == PrescriptionKind::InHouse
    ));
    assert!(has(&|l| l.prescription == PrescriptionKind::Inpatient));
    assert!(has(
        &|l| l.mark == Some(DrugMark::Psychotropic) && l.display_name().starts_with("向）")
    ));
    assert!(has(&|l| l.savings.is_some()));
    assert!(has(
        &|l| l.prescription == PrescriptionKind::OutOfHouse && !l.prescribed_here()
    ));
    // The ingredient view's hint: レバミピド from the clinic and the hospital, overlapping.
    for today in anchors() {
        let shown = main_view(&person(&demo_batch(today), "demo-sato").drugs, today);
        let rows = domain::drugs::by_ingredient(&shown);
        let overlapping: Vec<_> = rows
            .iter()
            .filter(|r| r.overlap.is_some())
            .map(|r| r.ingredient.as_str())
            .collect();
        assert!(
            overlapping.is_empty() || overlapping == ["レバミピド"],
            "{today}: only the intended overlap: {overlapping:?}"
        );
    }
    let rows = domain::drugs::by_ingredient(&main_view(&sato.drugs, anchor()));
    assert!(rows
        .iter()
        .any(|r| r.ingredient == "レバミピド" && r.overlap.is_some()));
    let categories: BTreeSet<_> = sato.expenses.iter().map(|l| l.category.clone()).collect();
    for c in [
        ServiceCategory::MedicalOutpatient,
        ServiceCategory::MedicalInpatient,
        ServiceCategory::DentalOutpatient,
        ServiceCategory::Pharmacy,
        ServiceCategory::MealsAndLiving,
    ] {
        assert!(categories.contains(&c), "{c:?}");
    }
}

#[test]
fn sato_checkups_cover_every_band_and_one_computed_judgement() {
    let today = anchor();
    let batch = demo_batch(today);
    let sato = person(&batch, "demo-sato");
    let sex = sato.person.sex.unwrap();
    let birth = sato.person.birth_date.unwrap();
    let checkups = &sato.checkups;
    let years: Vec<_> = checkups
        .iter()
        .map(|c| FiscalYear::of(c.performed_on).0)
        .collect();
    assert_eq!(years, [2021, 2022, 2023, 2024, 2025]);

    let bands: BTreeSet<Band> = checkups
        .iter()
        .flat_map(|c| c.results.iter().filter_map(|r| r.band(sex)))
        .collect();
    assert_eq!(
        bands,
        BTreeSet::from([Band::Normal, Band::Guidance, Band::Referral])
    );

    let value = |i: usize, item| checkups[i].numeric(item).unwrap().to_string();
    assert_eq!(
        (value(0, KnownItem::Systolic), value(1, KnownItem::Systolic)),
        ("138".into(), "146".into())
    );
    assert_eq!(value(0, KnownItem::Ldl), "152");
    assert_eq!(
        (value(0, KnownItem::HbA1c), value(2, KnownItem::HbA1c)),
        ("6.1".into(), "6.6".into())
    );
    assert_eq!(value(0, KnownItem::GammaGt), "78");
    for c in checkups {
        let waist = c.numeric(KnownItem::Waist).unwrap().to_f64();
        assert!((88.0..=91.0).contains(&waist));
        assert_eq!(c.kind, CheckupKind::SpecificHealthCheckup);
        assert_eq!(c.institution_name, "中央健診センター");
        assert!(c.coded(KnownItem::Smoking).is_some());
        assert!(c.coded(KnownItem::MedicationBloodPressure).is_some());
        let unknown = ItemCode::parse(UNKNOWN_EXTRA_ITEM).unwrap();
        assert!(
            lookup(&unknown).is_none(),
            "the extra item stays unknown to Karte"
        );
        assert!(c.results.iter().any(|r| r.code == unknown));
    }

    let sources: Vec<_> = checkups
        .iter()
        .map(|c| metabolic_judgement(c, sex).unwrap().source)
        .collect();
    assert_eq!(
        sources
            .iter()
            .filter(|s| **s == JudgementSource::Computed)
            .count(),
        1
    );
    // The insurer's judgements agree with what Karte would compute from the same results.
    for c in checkups {
        let mut stripped = c.clone();
        stripped
            .results
            .retain(|r| r.code.as_str() != METABOLIC && r.code.as_str() != GUIDANCE);
        let computed_m = metabolic_judgement(&stripped, sex).unwrap().value;
        let computed_g = guidance_judgement(&stripped, sex, Some(birth))
            .unwrap()
            .value;
        assert_eq!(computed_m, metabolic_judgement(c, sex).unwrap().value);
        assert_eq!(
            computed_g.code(),
            guidance_judgement(c, sex, Some(birth))
                .unwrap()
                .value
                .code()
        );
    }
}

#[test]
fn suzuki_switches_to_late_stage_checkups_at_75() {
    let today = anchor();
    let batch = demo_batch(today);
    let suzuki = person(&batch, "demo-suzuki");
    let birth = suzuki.person.birth_date.unwrap();
    let card = suzuki.person.card.as_ref().unwrap();
    assert_eq!(card.insurer().as_str(), "39131156");
    assert_eq!(card.insurer().kind(), InsurerKind::LateStageElderly);
    assert!(card.symbol().is_none() && card.branch().is_none());

    let kinds: Vec<_> = suzuki.checkups.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            CheckupKind::SpecificHealthCheckup,
            CheckupKind::SpecificHealthCheckup,
            CheckupKind::LateStageElderly,
            CheckupKind::LateStageElderly,
            CheckupKind::LateStageElderly
        ]
    );
    for c in &suzuki.checkups {
        let late = age_on(birth, c.performed_on).unwrap() >= 75;
        assert_eq!(c.kind == CheckupKind::LateStageElderly, late);
        if late {
            assert_eq!(c.insurer.kind(), InsurerKind::LateStageElderly);
            for code in [WAIST, METABOLIC, GUIDANCE] {
                assert!(!has_code(c, code), "{code} absent from 後期高齢者健診");
            }
            for code in LATE_STAGE_QUESTIONNAIRE {
                assert!(has_code(c, code), "{code}");
            }
            assert!(metabolic_judgement(c, Sex::Female).is_none());
        } else {
            assert_eq!(c.insurer.kind(), InsurerKind::NationalHealthInsurance);
            assert!(has_code(c, WAIST) && has_code(c, METABOLIC));
        }
    }
    assert!(!suzuki.drugs.is_empty());
    assert!(suzuki
        .drugs
        .iter()
        .all(|l| l.savings.is_none() && l.copay.is_none()));
    assert!(suzuki.expenses.iter().all(
        |l| l.patient_paid.0 * 10 == l.total.0 || l.category == ServiceCategory::MealsAndLiving
    ));
}

#[test]
fn tanaka_family_shares_a_card() {
    let batch = demo_batch(anchor());
    let father = person(&batch, "demo-tanaka-hiroshi");
    let child = person(&batch, "demo-tanaka-yui");
    let (fc, cc) = (
        father.person.card.as_ref().unwrap(),
        child.person.card.as_ref().unwrap(),
    );
    assert_eq!(
        (fc.insurer(), fc.symbol(), fc.number()),
        (cc.insurer(), cc.symbol(), cc.number())
    );
    assert_eq!(fc.branch().unwrap().as_str(), "00");
    assert_eq!(cc.branch().unwrap().as_str(), "02");
    assert!(father.checkups.is_empty() && child.checkups.is_empty());
    assert!(child
        .drugs
        .iter()
        .any(|l| l.drug_name.starts_with("カルボシステインDS")));
    assert!(child.drugs.iter().any(|l| l.drug_name.contains("シロップ")));
    for p in [father, child] {
        let categories: BTreeSet<_> = p.expenses.iter().map(|l| l.category.clone()).collect();
        assert!(categories.contains(&ServiceCategory::MedicalOutpatient));
        assert!(categories.contains(&ServiceCategory::DentalOutpatient));
        assert!(categories.contains(&ServiceCategory::Pharmacy));
    }
    // マル子 pays the child's counter share.
    assert!(child
        .expenses
        .iter()
        .all(|l| l.patient_paid == Yen::ZERO && l.public_paid > Yen::ZERO));
}

#[test]
fn takahashi_waits_for_checkup_registration() {
    for today in anchors() {
        let batch = demo_batch(today);
        let takahashi = person(&batch, "demo-takahashi");
        assert!(takahashi.checkups.is_empty());
        assert!(!takahashi.drugs.is_empty() && !takahashi.expenses.is_empty());
        let insurer = takahashi.person.card.as_ref().unwrap().insurer();
        for info in &batch.insurers {
            match info.checkup_registration {
                Some(CheckupRegistration::Expected { from }) => {
                    assert_eq!(&info.number, insurer);
                    assert!(from > today && from <= today + Duration::days(62), "{from}");
                }
                Some(CheckupRegistration::Registered { .. }) => {
                    assert_ne!(&info.number, insurer)
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}

#[test]
fn identities_parse_through_the_domain() {
    for p in PEOPLE {
        let id = PersonId::parse(p.id).unwrap();
        let identity = demo_identity(&id).unwrap();
        assert_eq!(identity.id.as_ref(), Some(&id));
        assert!(identity.card.is_some());
    }
    assert!(demo_identity(&PersonId::parse("demo-nobody").unwrap()).is_none());
    for p in PEOPLE {
        assert!(
            InsurerNumber::parse(p.insurer_number).is_ok(),
            "{}",
            p.insurer_number
        );
    }
}

#[test]
fn scaled_lines_have_the_requested_size_and_follow_the_rules() {
    let person = PersonId::parse("demo-bench").unwrap();
    for today in [anchor(), d(2026, 11, 3)] {
        let lines = scaled_drug_lines(today, &person, 2_000);
        assert_eq!(lines.len(), 2_000);
        assert_eq!(lines, scaled_drug_lines(today, &person, 2_000));
        assert_eq!(
            current_lines(&lines).len(),
            lines.len(),
            "nothing superseded"
        );
        for l in &lines {
            assert!(within_retention(l.claim.service_month, today));
            assert!(l.claim.accepted_on <= today);
            assert_eq!(
                l.visible_from,
                drug_visible_from(l.claim.service_month, Some(l.claim.accepted_on))
            );
        }
        let months: BTreeSet<_> = lines.iter().map(|l| l.claim.service_month).collect();
        assert!(
            months.len() >= 33,
            "spread over the window: {}",
            months.len()
        );
    }
    assert_eq!(scaled_drug_lines(anchor(), &person, 20_000).len(), 20_000);
    assert!(scaled_drug_lines(anchor(), &person, 0).is_empty());
}

#[test]
fn counts_per_person() {
    let batch = demo_batch(anchor());
    for p in &batch.people {
        let id = p.person.id.as_ref().unwrap();
        let claims: BTreeSet<_> = p
            .drugs
            .iter()
            .map(|l| l.claim.claim_id.clone())
            .chain(p.expenses.iter().map(|l| l.claim.claim_id.clone()))
            .collect();
        println!(
            "{id}: {} drug lines, {} expense lines, {} checkups, {} claims",
            p.drugs.len(),
            p.expenses.len(),
            p.checkups.len(),
            claims.len()
        );
        assert!(!p.drugs.is_empty() && !p.expenses.is_empty(), "{id}");
    }
}
