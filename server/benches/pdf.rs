//! PDF export of a 3-year drug history (~2,000 lines): time and size.
//! Run: `cargo bench -p server --bench pdf`. Prints a table; results are recorded in
//! bench/README.md. Not a test: nothing is asserted. No database: the lines are the demo
//! generator's, so only the document build and rendering are timed. `KARTE_BENCH_PDF_OUT=f.pdf`
//! also writes the PDF.

#![allow(clippy::unwrap_used)]

use app::i18n::Lang;
use app::record::PersonHeader;
use chrono::NaiveDate;
use domain::people::PersonId;
use server::demo::records::scaled_drug_lines;
use server::pdf::font::font;
use server::pdf::layout::{page_count, render};
use server::pdf::reports::{drugs_document, ReportContext};
use std::time::Instant;

/// Timed runs (the first also warms the font's lookup tables).
const RUNS: usize = 11;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::MAX, f64::min)
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let person = PersonId::parse("demo-sato").unwrap();
    let mut lines = scaled_drug_lines(today, &person, 2_000);
    domain::drugs::sort_newest_first(&mut lines);
    let months = domain::visibility::retention_window(today);
    let ctx = ReportContext {
        lang: Lang::Ja,
        person: PersonHeader {
            person_id: person.to_string(),
            name: "佐藤　健一".into(),
            birth_date: NaiveDate::from_ymd_opt(1974, 6, 12).unwrap(),
            insurer_number: Some("01130012".into()),
            symbol: Some("4131".into()),
            number: Some("20573".into()),
            branch: Some("00".into()),
            as_proxy: false,
        },
        today,
        created: chrono::Utc::now(),
    };

    let t = Instant::now();
    let font = font().expect("IPAexGothic installed (scripts/setup.sh)");
    let font_ms = t.elapsed().as_secs_f64() * 1000.0;

    let mut total = Vec::new();
    let mut builds = Vec::new();
    let mut layouts = Vec::new();
    let mut size = 0;
    let mut pages = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let doc = drugs_document(&ctx, months, &lines, None);
        builds.push(t.elapsed().as_secs_f64() * 1000.0);
        let out = render(&doc, font).expect("renders");
        total.push(t.elapsed().as_secs_f64() * 1000.0);
        let l = Instant::now();
        page_count(&doc, font);
        layouts.push(l.elapsed().as_secs_f64() * 1000.0);
        size = out.bytes.len();
        pages = out.pages;
        if let Ok(path) = std::env::var("KARTE_BENCH_PDF_OUT") {
            std::fs::write(&path, &out.bytes).expect("writes the PDF");
        }
    }
    let (best, p50) = (min(&total), median(&mut total));
    let best_build = median(&mut builds);
    let best_layout = median(&mut layouts);
    println!("| lines | pages | size | font load (once per process) | build + render p50 of {RUNS} runs (best) | of which: document (p50) | layout: wrap, paginate (p50) |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {} | {pages} | {:.0} KB | {font_ms:.0} ms | {p50:.0} ms ({best:.0} ms) | {best_build:.1} ms | {best_layout:.0} ms |",
        lines.len(),
        size as f64 / 1024.0
    );
}
