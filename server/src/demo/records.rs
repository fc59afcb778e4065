//! The demo people's records as one [`ImportBatch`]: three years of drugs and expenses, five
//! years of checkups, with acceptance and publication dates computed by the domain's rules.
//!
//! Everything is relative to `today` (the anchor) and deterministic: the same anchor gives the
//! same batch, byte for byte, on every machine (see `prng`). The batch id names the anchor
//! month, so loading the demo twice in one month imports it once.
//!
//! 鈴木 was on 世田谷区国民健康保険 until she turned 75 (2023-02-20) and has been on the 東京都後期
//! 高齢者医療広域連合 card since. A [`PersonRecords`] has one identity, so it carries the current
//! card; the 国保 period shows in her checkups, each of which names the insurer that registered
//! it, and both insurers are in [`ImportBatch::insurers`].

use super::catalog::ALL_DRUGS;
use super::catalog::{Unit, ALL_PHARMACIES, ALL_PRESCRIBERS};
use super::checkups;
use super::claims::{ClaimBook, PublicAid};
use super::histories::{self, Window};
use super::prng::SplitMix64;
use super::{DemoPerson, PEOPLE};
use crate::import::batch::{
    BatchId, ImportBatch, ImportFormat, InsurerInfo, PersonIdentity, PersonRecords,
};
use chrono::{Datelike, Duration, NaiveDate};
use domain::checkups::{Checkup, CheckupRegistration};
use domain::drugs::{sort_newest_first, DrugLine, PrescriptionKind};
use domain::expenses::{ExpenseLine, ServiceCategory};
use domain::insurance::{CardIdentity, InsurerNumber};
use domain::people::{PersonId, Sex};
use domain::period::YearMonth;

/// 鈴木's insurer before 75 (not on any card in `PEOPLE`).
const SUZUKI_NATIONAL_INSURANCE: (&str, &str) = ("131128", "世田谷区国民健康保険");

/// The person whose insurer has not registered checkup results yet.
const NOT_YET_REGISTERED: &str = "demo-takahashi";

/// The day the マイナポータル began showing 特定健診等情報.
fn sharing_started() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 10, 20).expect("date")
}

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("demo dates are valid")
}

/// Parses a demo insurer number (all pass the check digit; a test proves it).
fn insurer_number(raw: &str) -> InsurerNumber {
    InsurerNumber::parse(raw).expect("demo insurer numbers are valid")
}

fn person_id(p: &DemoPerson) -> PersonId {
    PersonId::parse(p.id).expect("demo ids are valid")
}

fn sex(p: &DemoPerson) -> Sex {
    match p.sex {
        "female" => Sex::Female,
        _ => Sex::Male,
    }
}

/// A demo person as an import names them (Karte's id, the card parsed through the domain), or
/// `None` for an id that is not a demo person.
pub fn demo_identity(id: &PersonId) -> Option<PersonIdentity> {
    PEOPLE.iter().find(|p| p.id == id.as_str()).map(identity)
}

fn identity(p: &DemoPerson) -> PersonIdentity {
    let card = CardIdentity::parse(
        insurer_number(p.insurer_number).as_str(),
        p.symbol.unwrap_or(""),
        p.number,
        p.branch.unwrap_or(""),
    )
    .expect("demo cards are valid");
    PersonIdentity {
        id: Some(person_id(p)),
        name: p.name.to_owned(),
        name_kana: Some(p.name_kana.to_owned()),
        sex: Some(sex(p)),
        birth_date: Some(date(p.birth)),
        card: Some(card),
        insurer_name: Some(p.insurer_name.to_owned()),
        insured_since: Some(date(p.valid_from)),
    }
}

/// Every insurer a demo record names, with its checkup registration status as of `today`.
pub fn demo_insurers(today: NaiveDate) -> Vec<InsurerInfo> {
    let registered = CheckupRegistration::Registered {
        since: Some(sharing_started()),
    };
    let mut out: Vec<InsurerInfo> = Vec::new();
    for p in PEOPLE {
        let number = insurer_number(p.insurer_number);
        if out.iter().any(|i| i.number == number) {
            continue;
        }
        let checkup_registration = if p.id == NOT_YET_REGISTERED {
            // Expected from the start of the month after next: "soon", whatever the anchor.
            CheckupRegistration::Expected {
                from: YearMonth::of(today).add_months(2).first_day(),
            }
        } else {
            registered
        };
        out.push(InsurerInfo {
            number,
            name: p.insurer_name.to_owned(),
            checkup_registration: Some(checkup_registration),
        });
    }
    out.push(InsurerInfo {
        number: insurer_number(SUZUKI_NATIONAL_INSURANCE.0),
        name: SUZUKI_NATIONAL_INSURANCE.1.to_owned(),
        checkup_registration: Some(registered),
    });
    out
}

/// The demo batch anchored on `today`: records for the 5 demo people covering the domain's
/// 3-year window up to last month (receipts accepted by `today` only), and checkups for the five
/// fiscal years before today's.
pub fn demo_batch(today: NaiveDate) -> ImportBatch {
    let window = Window::new(today);
    let mut sequence = 0;
    let people = PEOPLE
        .iter()
        .map(|p| {
            let id = person_id(p);
            let birth = date(p.birth);
            let mut rng = SplitMix64::seeded(p.id);
            let aid = match p.id {
                "demo-tanaka-yui" => PublicAid::ChildMedicalSubsidy,
                _ => PublicAid::None,
            };
            let mut book = ClaimBook::new(id.clone(), birth, aid, today);
            let history = match p.id {
                "demo-sato" => histories::sato,
                "demo-suzuki" => histories::suzuki,
                "demo-tanaka-hiroshi" => histories::tanaka_hiroshi,
                "demo-tanaka-yui" => histories::tanaka_yui,
                "demo-takahashi" => histories::takahashi,
                other => unreachable!("no history for demo person {other}"),
            };
            history(&window, &mut book, &mut rng);
            let checkups: Vec<Checkup> = match p.id {
                "demo-sato" => checkups::sato(today, &insurer_number(p.insurer_number), &mut rng),
                "demo-suzuki" => checkups::suzuki(
                    today,
                    birth,
                    &insurer_number(SUZUKI_NATIONAL_INSURANCE.0),
                    &insurer_number(p.insurer_number),
                    &mut rng,
                ),
                // 田中 宏 is over 40 from FY2023, but his 健保組合 has no results for him (he
                // skipped the company check-up); 結衣 is a child; 高橋's 国保 has not registered
                // results yet (see `demo_insurers`).
                _ => Vec::new(),
            };
            let (mut drugs, mut expenses) = book.finish(&mut sequence);
            sort_newest_first(&mut drugs);
            sort_expenses(&mut expenses);
            PersonRecords {
                person: identity(p),
                drugs,
                checkups,
                expenses,
            }
        })
        .collect();
    ImportBatch {
        batch_id: BatchId::parse(&format!("demo-{}", YearMonth::of(today)))
            .expect("demo batch id is ASCII"),
        format: ImportFormat::Json,
        insurers: demo_insurers(today),
        people,
        warnings: Vec::new(),
    }
}

/// Newest month first, then institution, then category, then claim: stable and readable.
fn sort_expenses(lines: &mut [ExpenseLine]) {
    lines.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.service_month),
            &a.institution_name,
            &a.category,
            &a.claim.accepted_on,
        )
            .cmp(&(
                std::cmp::Reverse(b.service_month),
                &b.institution_name,
                &b.category,
                &b.claim.accepted_on,
            ))
    });
}

/// Exactly `lines` plausible drug lines for `person` spread over the demo window, for
/// benchmarks (2,000 is a heavy real user; 100,000 is a stress test). Deterministic for the same
/// arguments. Only months whose receipts are surely accepted by `today` are used, so every line
/// survives [`ClaimBook::finish`].
pub fn scaled_drug_lines(today: NaiveDate, person: &PersonId, lines: usize) -> Vec<DrugLine> {
    let window = Window::new(today);
    // Regular acceptance is on the 5th–10th, so last month is complete only after the 10th.
    let last = if today.day() > 10 {
        window.last
    } else {
        window.last.prev()
    };
    let span = (last.last_day() - window.start()).num_days();
    let mut rng = SplitMix64::seeded(&format!("scaled-{person}-{lines}"));
    let mut book = ClaimBook::new(person.clone(), date((1970, 1, 1)), PublicAid::None, today);
    let mut made = 0;
    while made < lines {
        let on = window.start() + Duration::days(rng.between(0, span));
        let pharmacy = *rng.pick(ALL_PHARMACIES);
        let prescriber = *rng.pick(ALL_PRESCRIBERS);
        let count = (1 + rng.below(5) as usize).min(lines - made);
        let items: Vec<_> = (0..count)
            .map(|_| {
                let drug = *rng.pick(ALL_DRUGS);
                let quantity = match drug.unit {
                    Unit::Days => *rng.pick(&[7, 14, 28, 30]),
                    Unit::Times => 10,
                    Unit::Sheets => 14,
                    Unit::Pieces(_) => 1 + rng.below(2) as u32,
                };
                (drug, quantity)
            })
            .collect();
        book.dispense(
            pharmacy,
            on,
            prescriber,
            PrescriptionKind::OutOfHouse,
            ServiceCategory::Pharmacy,
            &items,
        );
        made += count;
    }
    let (mut drugs, _) = book.finish(&mut 0);
    sort_newest_first(&mut drugs);
    drugs
}

#[cfg(test)]
mod tests;
