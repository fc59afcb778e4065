//! What happened to each demo person over the data window, as visits and prescriptions. Every
//! date is relative to the window, so the story is the same whatever month the demo is loaded.

use super::catalog::*;
use super::claims::ClaimBook;
use super::prng::SplitMix64;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use domain::drugs::PrescriptionKind::{InHouse, Inpatient, OutOfHouse};
use domain::expenses::ServiceCategory::{
    DentalOutpatient, MedicalInpatient, MedicalOutpatient, Pharmacy,
};
use domain::period::YearMonth;
use domain::visibility::retention_window;

/// The months the demo fills: the domain's 3-year window up to the month before today (today's
/// month cannot have published receipts yet). Claims not yet accepted on `today` are left out
/// by [`ClaimBook::finish`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub first: YearMonth,
    pub last: YearMonth,
}

impl Window {
    pub fn new(today: NaiveDate) -> Self {
        Self {
            first: retention_window(today).from(),
            last: YearMonth::of(today).prev(),
        }
    }

    pub fn start(&self) -> NaiveDate {
        self.first.first_day()
    }

    pub fn end(&self) -> NaiveDate {
        self.last.last_day()
    }

    pub fn months(&self) -> impl Iterator<Item = YearMonth> {
        let first = self.first;
        let count = first.months_until(self.last) + 1;
        (0..count).map(move |i| first.add_months(i32::try_from(i).expect("few months")))
    }
}

pub(super) fn on_or_after(date: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + i64::from(weekday.num_days_from_monday())
        - i64::from(date.weekday().num_days_from_monday()))
        % 7;
    date + Duration::days(ahead)
}

/// Visits every `step` days from `first` to `end`. A 28-day step keeps the weekday and lands in
/// every month, so a "every 4 weeks" patient has a claim each month.
fn every(first: NaiveDate, step: i64, end: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    std::iter::successors(Some(first), move |d| Some(*d + Duration::days(step)))
        .take_while(move |d| *d <= end)
}

fn day_in(month: YearMonth, day: u32, weekday: Weekday) -> NaiveDate {
    on_or_after(month.day(day).expect("days up to 20 exist"), weekday)
}

/// `count` weekly dental visits from a Wednesday early in `month`.
fn dental(
    book: &mut ClaimBook,
    rng: &mut SplitMix64,
    at: &'static Institution,
    month: YearMonth,
    count: i64,
) {
    let first = day_in(month, 3 + rng.below(10) as u32, Weekday::Wed);
    for i in 0..count {
        let on = first + Duration::days(7 * i);
        // 再診 + 歯周基本治療 / 充填: a few hundred points each.
        book.visit(at, on, DentalOutpatient, rng.between(280, 820));
    }
}

/// 佐藤 健一: hypertension, dyslipidaemia and type 2 diabetes at a clinic every 4 weeks, filled
/// at the pharmacy next door; a back-pain episode at the hospital (院内 injection, whose claim
/// comes 3 months late); a 1-night stay for a colon polyp; the dentist twice a year; one
/// pharmacy claim re-claimed after 返戻 with a corrected line. Around the back pain the clinic
/// also gives レバミピド for the stomach, and so does the hospital with its painkiller: the
/// same ingredient from two prescribers over overlapping days (the ingredient view's hint).
pub(super) fn sato(w: &Window, book: &mut ClaimBook, rng: &mut SplitMix64) {
    let first = on_or_after(w.start() + Duration::days(rng.between(0, 6)), Weekday::Thu);
    let generic_from = w.first.add_months(10);
    let reclaim_month = w.last.add_months(-4);
    let back = w.last.add_months(-8);
    for (n, on) in every(first, 28, w.end()).enumerate() {
        let month = YearMonth::of(on);
        // 再診料 75 + 外来管理加算 52 + 処方箋料 60; 特定疾患療養管理料 225 once a month;
        // blood tests (HbA1c, lipids, liver, kidney) every third visit.
        let mut points = 75 + 52 + 60;
        if !book.has_claim(&CHUO_NAIKA, month) {
            points += 225;
        }
        if n % 3 == 0 {
            points += rng.between(380, 460);
        }
        book.visit(&CHUO_NAIKA, on, MedicalOutpatient, points);
        // The brand statin until the doctor switched to the generic.
        let statin = if month < generic_from {
            &CRESTOR
        } else {
            &ROSUVASTATIN
        };
        let mut rx: Vec<(&'static DrugSpec, u32)> =
            vec![(&AMLODIPINE, 28), (statin, 28), (&METFORMIN, 28)];
        if rng.chance(30) {
            rx.push((&ZOLPIDEM, 14));
        }
        if month == reclaim_month || rng.chance(20) {
            rx.push((&LOXOPROFEN, 10));
        }
        if month == back.prev() || month == back {
            rx.push((&REBAMIPIDE, 28));
        }
        book.dispense(&SAKURA_CHUO, on, &CHUO_NAIKA, OutOfHouse, Pharmacy, &rx);
    }

    // Back pain: two hospital visits with an injection given there (院内), a pharmacy near the
    // hospital fills the painkiller and the patch. The hospital's claim is a 月遅れ.
    let d1 = day_in(back, 6, Weekday::Mon);
    let d2 = d1 + Duration::days(7);
    // 初診料 291 + 腰椎X線 280 + 静脈内注射 37 + 処方箋料 60; then 再診 75 + 52 + 37.
    book.visit(&MINATO_HOSPITAL, d1, MedicalOutpatient, 291 + 280 + 37 + 60);
    book.visit(&MINATO_HOSPITAL, d2, MedicalOutpatient, 75 + 52 + 37);
    for on in [d1, d2] {
        book.dispense(
            &MINATO_HOSPITAL,
            on,
            &MINATO_HOSPITAL,
            InHouse,
            MedicalOutpatient,
            &[(&NEUROTROPIN_INJ, 1)],
        );
    }
    book.dispense(
        &MINATO_PHARMACY,
        d1,
        &MINATO_HOSPITAL,
        OutOfHouse,
        Pharmacy,
        &[(&LOXOPROFEN, 14), (&MOHRUS_PAP, 21), (&REBAMIPIDE, 14)],
    );
    book.delay(&MINATO_HOSPITAL, back, 3, 18);

    // Colon polyp: outpatient work-up, a 1-night stay (入院) with bowel prep and a drip, and a
    // follow-up for the pathology result.
    let stay = w.last.add_months(-14);
    let pre = day_in(stay.prev(), 10, Weekday::Tue);
    book.visit(&MINATO_HOSPITAL, pre, MedicalOutpatient, 291 + 430 + 130);
    let admitted = day_in(stay, 8, Weekday::Tue);
    let discharged = admitted + Duration::days(1);
    book.visit(
        &MINATO_HOSPITAL,
        admitted,
        MedicalInpatient,
        rng.between(15_800, 17_200),
    );
    book.visit(&MINATO_HOSPITAL, discharged, MedicalInpatient, 0);
    book.dispense(
        &MINATO_HOSPITAL,
        admitted,
        &MINATO_HOSPITAL,
        Inpatient,
        MedicalInpatient,
        &[(&NIFLEC, 1), (&SOLACET_F, 2)],
    );
    book.meals(&MINATO_HOSPITAL, admitted, 1);
    book.meals(&MINATO_HOSPITAL, discharged, 2);
    let follow_up = day_in(stay.next(), 12, Weekday::Tue);
    book.visit(
        &MINATO_HOSPITAL,
        follow_up,
        MedicalOutpatient,
        75 + 52 + 860,
    );

    for k in [2, 8, 14, 20, 26, 32] {
        let visits = if k == 14 { 3 } else { 1 };
        dental(book, rng, &AOBA_DENTAL, w.first.add_months(k), visits);
    }

    // 返戻: the pharmacy's claim comes back because the 屯服 quantity was queried; the re-claim
    // bills 5 doses instead of 10, and the review trims a fee.
    book.reclaim(&SAKURA_CHUO, reclaim_month, 2, 12, |claim| {
        claim.change_quantity(&LOXOPROFEN, 5);
        claim.adjust_points(&Pharmacy, -21);
    });
}

/// 鈴木 ハル (後期高齢者): blood pressure, osteoporosis, constipation and sleep at a clinic every
/// 4 weeks, dry eyes at the ophthalmologist every 12 weeks, the dentist once a year.
pub(super) fn suzuki(w: &Window, book: &mut ClaimBook, rng: &mut SplitMix64) {
    let first = on_or_after(w.start() + Duration::days(rng.between(0, 6)), Weekday::Tue);
    for (n, on) in every(first, 28, w.end()).enumerate() {
        let mut points = 75 + 52 + 60;
        if !book.has_claim(&HIDAMARI_NAIKA, YearMonth::of(on)) {
            points += 225;
        }
        if n % 4 == 0 {
            points += rng.between(320, 420);
        }
        book.visit(&HIDAMARI_NAIKA, on, MedicalOutpatient, points);
        book.dispense(
            &AOZORA_PHARMACY,
            on,
            &HIDAMARI_NAIKA,
            OutOfHouse,
            Pharmacy,
            &[
                (&MICARDIS, 28),
                (&EDIROL, 28),
                (&MAGNESIUM_OXIDE, 28),
                (&ALENDRONATE, 4),
                (&BROTIZOLAM, 28),
            ],
        );
    }
    let eyes = on_or_after(w.start() + Duration::days(rng.between(7, 20)), Weekday::Fri);
    for on in every(eyes, 84, w.end()) {
        // 再診 75 + 精密眼圧 82 + 細隙灯顕微鏡 48 + 処方箋料 60.
        book.visit(&SASAKI_GANKA, on, MedicalOutpatient, 75 + 82 + 48 + 60);
        book.dispense(
            &AOZORA_PHARMACY,
            on,
            &SASAKI_GANKA,
            OutOfHouse,
            Pharmacy,
            &[(&HYALEIN, 2)],
        );
    }
    for k in [5, 17, 29] {
        dental(book, rng, &SAKURASHIN_DENTAL, w.first.add_months(k), 2);
    }
}

/// 田中 宏: hay fever every February–March (ENT, a generic tablet and a brand nasal spray), a
/// dental check-up each July.
pub(super) fn tanaka_hiroshi(w: &Window, book: &mut ClaimBook, rng: &mut SplitMix64) {
    for month in w.months() {
        match month.month() {
            2 | 3 => {
                let on = day_in(month, 1 + rng.below(10) as u32, Weekday::Sat);
                let first_visit = month.month() == 2;
                let points = if first_visit {
                    291 + 60 + 120
                } else {
                    75 + 52 + 60
                };
                book.visit(&MIDORI_ENT, on, MedicalOutpatient, points);
                let mut rx: Vec<(&'static DrugSpec, u32)> = vec![(&FEXOFENADINE, 28)];
                if first_visit {
                    rx.push((&ALLERMIST, 1));
                }
                book.dispense(
                    &SUKOYAKA_PHARMACY,
                    on,
                    &MIDORI_ENT,
                    OutOfHouse,
                    Pharmacy,
                    &rx,
                );
            }
            7 => dental(book, rng, &NIKONIKO_DENTAL, month, 2),
            _ => {}
        }
    }
}

/// 田中 結衣 (child): colds in winter at the paediatrician (dry syrup, syrup, and an antipyretic
/// as needed), the dentist each April and October. Tokyo's マル子 pays her counter share.
pub(super) fn tanaka_yui(w: &Window, book: &mut ClaimBook, rng: &mut SplitMix64) {
    for month in w.months() {
        match month.month() {
            11 | 12 | 1 | 2 => {
                if month.month() != 12 && !rng.chance(55) {
                    continue;
                }
                let on = day_in(month, 1 + rng.below(18) as u32, Weekday::Mon);
                book.visit(&KODOMO_NO_MORI, on, MedicalOutpatient, 75 + 52 + 60);
                let mut rx: Vec<(&'static DrugSpec, u32)> =
                    vec![(&CARBOCISTEINE_DS, 5), (&AMBROXOL_SYRUP, 5)];
                if rng.chance(50) {
                    rx.push((&CALONAL_FINE, 5));
                }
                book.dispense(
                    &SUKOYAKA_PHARMACY,
                    on,
                    &KODOMO_NO_MORI,
                    OutOfHouse,
                    Pharmacy,
                    &rx,
                );
            }
            4 | 10 => dental(book, rng, &NIKONIKO_DENTAL, month, 1),
            _ => {}
        }
    }
}

/// 高橋 美咲: migraine follow-up every 8 weeks, dry skin each winter (a brand ointment, so the
/// 削減可能額 shows), the dentist each September.
pub(super) fn takahashi(w: &Window, book: &mut ClaimBook, rng: &mut SplitMix64) {
    let first = on_or_after(w.start() + Duration::days(rng.between(0, 13)), Weekday::Wed);
    for on in every(first, 56, w.end()) {
        book.visit(&BAYSIDE_NAIKA, on, MedicalOutpatient, 75 + 52 + 60);
        let mut rx: Vec<(&'static DrugSpec, u32)> = vec![(&SUMATRIPTAN, 6)];
        if rng.chance(40) {
            rx.push((&LOXOPROFEN, 10));
            rx.push((&REBAMIPIDE, 10));
        }
        book.dispense(
            &SOYOKAZE_PHARMACY,
            on,
            &BAYSIDE_NAIKA,
            OutOfHouse,
            Pharmacy,
            &rx,
        );
    }
    for month in w.months() {
        match month.month() {
            12 | 1 => {
                let on = day_in(month, 5 + rng.below(10) as u32, Weekday::Thu);
                // 再診 75 + 外来管理加算 52 + 皮膚科特定疾患指導管理料(Ⅱ) 100 + 処方箋料 60.
                book.visit(&MM_HIFUKA, on, MedicalOutpatient, 75 + 52 + 100 + 60);
                book.dispense(
                    &SOYOKAZE_PHARMACY,
                    on,
                    &MM_HIFUKA,
                    OutOfHouse,
                    Pharmacy,
                    &[(&HIRUDOID_SOFT, 50)],
                );
            }
            9 => {
                let visits = rng.between(1, 2);
                dental(book, rng, &YOKOHAMA_DENTAL, month, visits);
            }
            _ => {}
        }
    }
}
