//! Time to make the 医療費集計フォーム of a full year: 995 rows (the form's limit) into the
//! bundled template. Run: `cargo bench -p server --bench etax`. Prints min / median / max;
//! results are recorded in bench/README.md. Not a test: nothing is asserted. Goal: ≤ 50 ms.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::deduction::form::{form_rows, MAX_ROWS};
use domain::deduction::{DeductionLine, FormCategory, LineOrigin};
use domain::money::Yen;
use server::deduction::xlsx;
use std::time::{Duration, Instant};

fn lines() -> Vec<DeductionLine> {
    (0..MAX_ROWS)
        .map(|i| DeductionLine {
            origin: LineOrigin::Manual { id: i as i64 },
            person: None,
            person_name: ["田中　宏", "田中　結衣", "田中　花子"][i % 3].to_owned(),
            payee: format!("みどり内科クリニック{i}"),
            category: FormCategory::ALL[i % 4],
            paid: Yen(1_000 + i as i64 * 37),
            reimbursed: Yen(if i % 10 == 0 { 500 } else { 0 }),
            paid_on: NaiveDate::from_ymd_opt(2025, 1 + (i % 12) as u32, 1 + (i % 28) as u32),
            self_medication: false,
            included: true,
            note: String::new(),
        })
        .collect()
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{name:<44} min {:>7.2} ms   median {:>7.2} ms   max {:>7.2} ms   ({} runs)",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn main() {
    let lines = lines();
    let runs = 40;
    let mut whole = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let rows = form_rows(&lines).expect("995 rows fit");
        let bytes = xlsx::workbook(&rows.rows).expect("filled");
        whole.push(start.elapsed());
        size = bytes.len();
    }
    report("995 lines → rows → filled xlsx", whole);
    let rows = form_rows(&lines).unwrap().rows;
    let mut empty = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let _ = xlsx::workbook(&[]).unwrap();
        empty.push(start.elapsed());
    }
    report("0 rows (template copy only)", empty);
    println!("995-row file: {size} bytes ({} rows)", rows.len());
}
