//! Receipts as the demo writes them: one claim per person, institution and month (the key the
//! supersession rule uses), accepted early the next month unless delayed (月遅れ) or re-claimed
//! (返戻分の再請求). Drug and expense lines are derived from the claims, so their acceptance and
//! publication dates always agree.

use super::catalog::{DrugSpec, Institution};
use super::prng::SplitMix64;
use chrono::{Datelike, NaiveDate};
use domain::claim::{ClaimId, ClaimSource, InstitutionId, ReceiptIdentity};
use domain::drugs::{DispensedQuantity, DrugLine, PrescriptionKind, ReceiptDrugCode, YjCode};
use domain::expenses::{ExpenseLine, ServiceCategory};
use domain::money::Yen;
use domain::people::PersonId;
use domain::period::YearMonth;
use domain::visibility::{drug_visible_from, expense_claim_visible_from};
use domain::wareki::age_on;
use std::collections::{BTreeMap, BTreeSet};

/// Who pays the counter share instead of the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PublicAid {
    None,
    /// 子ども医療費助成 (e.g. Tokyo's マル子): the municipality pays the whole counter share.
    ChildMedicalSubsidy,
}

/// 窓口負担割合 in percent for someone born on `birth`, in `month`.
///
/// 未就学 20%; 6–69 30%; 70–74 20% (from the month after the 70th birthday, or the birthday
/// month when it is the 1st, which is what "age on the 1st" gives); 75+ 10% (後期高齢者医療,
/// assuming the 1割 income band). The 75th birthday month itself is split between two receipts
/// in reality; the demo bills it at the old rate.
pub(super) fn copay_percent(birth: NaiveDate, month: YearMonth) -> i64 {
    let on = month.first_day();
    let age = age_on(birth, on).unwrap_or(0);
    if on < school_start(birth) {
        20
    } else if age >= 75 {
        10
    } else if age >= 70 {
        20
    } else {
        30
    }
}

/// 後期高齢者医療 from the 75th birthday: no 削減可能額 in the patient view.
pub(super) fn is_late_stage_elderly(birth: NaiveDate, on: NaiveDate) -> bool {
    age_on(birth, on).is_some_and(|age| age >= 75)
}

/// First April 1 on or after the 6th birthday: the end of 未就学 for the 20% rate.
fn school_start(birth: NaiveDate) -> NaiveDate {
    let sixth = NaiveDate::from_ymd_opt(birth.year() + 6, birth.month(), birth.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(birth.year() + 6, 3, 1).expect("Mar 1"));
    let april = NaiveDate::from_ymd_opt(sixth.year(), 4, 1).expect("Apr 1");
    if april >= sixth {
        april
    } else {
        NaiveDate::from_ymd_opt(sixth.year() + 1, 4, 1).expect("Apr 1")
    }
}

/// 食事療養: (費用 per meal, 標準負担額 per meal) in yen, by date (2024-06 and 2025-04 revisions).
fn meal_yen(on: NaiveDate) -> (i64, i64) {
    if on >= NaiveDate::from_ymd_opt(2025, 4, 1).expect("date") {
        (690, 510)
    } else if on >= NaiveDate::from_ymd_opt(2024, 6, 1).expect("date") {
        (670, 490)
    } else {
        (640, 460)
    }
}

#[derive(Debug, Clone)]
pub(super) struct Dispensed {
    pub on: NaiveDate,
    pub prescriber: &'static Institution,
    pub prescription: PrescriptionKind,
    pub category: ServiceCategory,
    pub drug: &'static DrugSpec,
    pub quantity: u32,
}

/// One 診療区分 of a claim: days, points, and fixed-yen meals.
#[derive(Debug, Clone, Default)]
pub(super) struct Service {
    pub days: BTreeSet<NaiveDate>,
    pub points: i64,
    pub meal_total: i64,
    pub meal_patient: i64,
}

#[derive(Debug, Clone)]
pub(super) struct ClaimDraft {
    pub institution: &'static Institution,
    pub month: YearMonth,
    pub accepted_on: NaiveDate,
    /// Appended to the claim id ("-re" for a re-claim).
    pub suffix: &'static str,
    pub drugs: Vec<Dispensed>,
    pub services: BTreeMap<ServiceCategory, Service>,
}

impl ClaimDraft {
    /// Changes the quantity of every line of `drug` and the claim's points with it.
    pub fn change_quantity(&mut self, drug: &DrugSpec, quantity: u32) {
        for line in self.drugs.iter_mut().filter(|l| std::ptr::eq(l.drug, drug)) {
            let delta = drug.points(quantity) - drug.points(line.quantity);
            line.quantity = quantity;
            if let Some(service) = self.services.get_mut(&line.category) {
                service.points += delta;
            }
        }
    }

    /// A 査定 or fee correction on one 診療区分.
    pub fn adjust_points(&mut self, category: &ServiceCategory, delta: i64) {
        if let Some(service) = self.services.get_mut(category) {
            service.points += delta;
        }
    }
}

/// Collects one person's visits and dispensings into claims.
pub(super) struct ClaimBook {
    person: PersonId,
    birth: NaiveDate,
    aid: PublicAid,
    today: NaiveDate,
    rng: SplitMix64,
    claims: BTreeMap<(&'static str, YearMonth), ClaimDraft>,
    reclaims: Vec<ClaimDraft>,
}

/// Pharmacy fees per visit: 調剤基本料1 45 + 服薬管理指導料 45, 薬剤調製料 per line (内服 24 up
/// to 3, 屯服 21, 外用 10), 調剤管理料 by the longest 内服 (≤7 日分 4, ≤14 28, ≤28 50, else 60).
fn pharmacy_fee_points(items: &[(&'static DrugSpec, u32)]) -> i64 {
    use super::catalog::Unit;
    use domain::drugs::UsageKind;
    let oral = items
        .iter()
        .filter(|(d, _)| d.usage == UsageKind::Oral)
        .count();
    let as_needed = items
        .iter()
        .filter(|(d, _)| d.usage == UsageKind::AsNeeded)
        .count();
    let external = items
        .iter()
        .filter(|(d, _)| d.usage == UsageKind::External)
        .count();
    let longest = items
        .iter()
        .filter(|(d, _)| d.usage == UsageKind::Oral && d.unit == Unit::Days)
        .map(|(_, q)| *q)
        .max()
        .unwrap_or(0);
    let management = match longest {
        0 => 0,
        1..=7 => 4,
        8..=14 => 28,
        15..=28 => 50,
        _ => 60,
    };
    90 + 24 * oral.min(3) as i64
        + 21 * as_needed.min(1) as i64
        + 10 * external.min(3) as i64
        + management
}

fn round_div(value: i64, by: i64) -> i64 {
    (value + by / 2) / by
}

impl ClaimBook {
    pub fn new(person: PersonId, birth: NaiveDate, aid: PublicAid, today: NaiveDate) -> Self {
        let rng = SplitMix64::seeded(&format!("claims-{person}"));
        Self {
            person,
            birth,
            aid,
            today,
            rng,
            claims: BTreeMap::new(),
            reclaims: Vec::new(),
        }
    }

    fn claim(&mut self, at: &'static Institution, month: YearMonth) -> &mut ClaimDraft {
        let rng = &mut self.rng;
        self.claims.entry((at.id, month)).or_insert_with(|| {
            // Regular acceptance: the review body's batch on the 5th–10th of the next month.
            let day = u32::try_from(rng.between(5, 10)).expect("small day");
            ClaimDraft {
                institution: at,
                month,
                accepted_on: month.next().day(day).expect("days 5–10 exist"),
                suffix: "",
                drugs: Vec::new(),
                services: BTreeMap::new(),
            }
        })
    }

    pub fn has_claim(&self, at: &Institution, month: YearMonth) -> bool {
        self.claims.contains_key(&(at.id, month))
    }

    /// A visit day billed under `category`, worth `points`.
    pub fn visit(
        &mut self,
        at: &'static Institution,
        on: NaiveDate,
        category: ServiceCategory,
        points: i64,
    ) {
        let service = self
            .claim(at, YearMonth::of(on))
            .services
            .entry(category)
            .or_default();
        service.days.insert(on);
        service.points += points;
    }

    /// Hospital meals (食事療養), billed in yen rather than points.
    pub fn meals(&mut self, at: &'static Institution, on: NaiveDate, count: i64) {
        let (cost, standard) = meal_yen(on);
        let service = self
            .claim(at, YearMonth::of(on))
            .services
            .entry(ServiceCategory::MealsAndLiving)
            .or_default();
        service.days.insert(on);
        service.meal_total += cost * count;
        service.meal_patient += standard * count;
    }

    /// Drugs given or dispensed by `at` on `on`; their 薬剤料 (and, at a pharmacy, its fees) go
    /// to the claim under `category`.
    pub fn dispense(
        &mut self,
        at: &'static Institution,
        on: NaiveDate,
        prescriber: &'static Institution,
        prescription: PrescriptionKind,
        category: ServiceCategory,
        items: &[(&'static DrugSpec, u32)],
    ) {
        if items.is_empty() {
            return;
        }
        let mut points: i64 = items.iter().map(|(d, q)| d.points(*q)).sum();
        if category == ServiceCategory::Pharmacy {
            points += pharmacy_fee_points(items);
        }
        let claim = self.claim(at, YearMonth::of(on));
        claim
            .drugs
            .extend(items.iter().map(|(drug, quantity)| Dispensed {
                on,
                prescriber,
                prescription,
                category: category.clone(),
                drug,
                quantity: *quantity,
            }));
        self.visit(at, on, category, points);
    }

    /// 月遅れ請求: the claim for `month` is accepted `months_late` months after the usual month.
    pub fn delay(
        &mut self,
        at: &'static Institution,
        month: YearMonth,
        months_late: i32,
        day: u32,
    ) {
        if let Some(claim) = self.claims.get_mut(&(at.id, month)) {
            claim.accepted_on = month
                .add_months(1 + months_late)
                .day(day)
                .expect("a day every month has");
        }
    }

    /// 返戻分の再請求: the claim for `month` comes back `months_late` months after the usual month,
    /// changed by `edit`; both versions are kept, and the later one supersedes the earlier.
    /// Returns false (and does nothing) when there is no such claim.
    pub fn reclaim(
        &mut self,
        at: &'static Institution,
        month: YearMonth,
        months_late: i32,
        day: u32,
        edit: impl FnOnce(&mut ClaimDraft),
    ) -> bool {
        let Some(original) = self.claims.get(&(at.id, month)) else {
            return false;
        };
        let mut again = original.clone();
        again.accepted_on = month
            .add_months(1 + months_late)
            .day(day)
            .expect("a day every month has");
        again.suffix = "-re";
        edit(&mut again);
        self.reclaims.push(again);
        true
    }

    /// The lines of every claim accepted by `today`. `sequence` is the batch-wide ingest order.
    pub fn finish(self, sequence: &mut u64) -> (Vec<DrugLine>, Vec<ExpenseLine>) {
        let mut drugs = Vec::new();
        let mut expenses = Vec::new();
        for draft in self.claims.values().chain(&self.reclaims) {
            if draft.accepted_on > self.today {
                continue;
            }
            *sequence += 1;
            let claim = ClaimSource {
                claim_id: ClaimId::parse(&format!(
                    "{}-{}-{}{}",
                    self.person, draft.institution.id, draft.month, draft.suffix
                ))
                .expect("demo claim ids are short ASCII"),
                person: self.person.clone(),
                institution: InstitutionId::parse(draft.institution.id)
                    .expect("catalog ids are valid"),
                service_month: draft.month,
                receipt: Default::default(),
                accepted_on: draft.accepted_on,
                sequence: *sequence,
                imported_by_you: false,
            };
            for d in &draft.drugs {
                drugs.push(self.drug_line(&claim, draft.institution, d));
            }
            for (category, service) in &draft.services {
                expenses.push(self.expense_line(&claim, draft, category, service));
            }
        }
        (drugs, expenses)
    }

    fn drug_line(&self, claim: &ClaimSource, at: &Institution, d: &Dispensed) -> DrugLine {
        let spec = d.drug;
        // 自己負担相当額 / 削減可能額 only for a brand with a generic, and not for 後期高齢者.
        let (copay, savings) = match spec.generic_price_tenths {
            Some(generic) if !is_late_stage_elderly(self.birth, d.on) => {
                let rate = copay_percent(self.birth, claim.service_month);
                let cost = spec.cost_tenths(d.quantity);
                let generic_cost =
                    generic * spec.units_per_quantity_tenths * i64::from(d.quantity) / 10;
                (
                    Some(Yen(round_div(cost * rate, 1000))),
                    Some(Yen(round_div((cost - generic_cost) * rate, 1000))),
                )
            }
            _ => (None, None),
        };
        let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let prescriber = InstitutionId::parse(d.prescriber.id).expect("catalog ids are valid");
        DrugLine {
            claim: ClaimSource {
                receipt: ReceiptIdentity::for_drug(d.prescription, &prescriber),
                ..claim.clone()
            },
            visible_from: drug_visible_from(claim.service_month, Some(claim.accepted_on)),
            dispensed_on: d.on,
            dispenser_name: at.name.to_owned(),
            prescriber,
            prescription: d.prescription,
            usage: spec.usage,
            drug_name: spec.name.to_owned(),
            ingredient: text(spec.ingredient),
            receipt_code: Some(ReceiptDrugCode::parse(spec.receipt_code).expect("catalog code")),
            yj_code: Some(YjCode::parse(spec.yj_code).expect("catalog code")),
            directions: text(spec.directions),
            daily_dose: spec.daily_dose.map(str::to_owned),
            single_dose: text(spec.single_dose),
            special_instructions: spec.special.map(str::to_owned),
            quantity: DispensedQuantity {
                amount: d.quantity,
                unit: spec.unit.quantity_unit(),
            },
            mark: spec.mark,
            copay,
            savings,
        }
    }

    fn expense_line(
        &self,
        claim: &ClaimSource,
        draft: &ClaimDraft,
        category: &ServiceCategory,
        service: &Service,
    ) -> ExpenseLine {
        let rate = copay_percent(self.birth, draft.month);
        // 窓口負担相当額 = 点数 × 10 × 負担割合, exactly (rates are whole tens of percent).
        let total = service.points * 10 + service.meal_total;
        let counter = service.points * rate / 10 + service.meal_patient;
        let (public, patient) = match self.aid {
            PublicAid::None => (0, counter),
            PublicAid::ChildMedicalSubsidy => (counter, 0),
        };
        ExpenseLine {
            claim: ClaimSource {
                receipt: ReceiptIdentity::for_expense(category),
                ..claim.clone()
            },
            visible_from: expense_claim_visible_from(draft.month, draft.accepted_on),
            service_month: draft.month,
            category: category.clone(),
            days: u32::try_from(service.days.len()).expect("days in a month"),
            institution_name: draft.institution.name.to_owned(),
            total: Yen(total),
            insurer_paid: Yen(total - public - patient),
            public_paid: Yen(public),
            patient_paid: Yen(patient),
        }
    }
}
