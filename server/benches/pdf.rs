//! PDF export of a 3-year drug history (~2,000 lines): time and size.
//! Run: `cargo bench -p server --bench pdf`. Prints a table; results are recorded in
//! bench/README.md. Not a test: nothing is asserted. No database: the lines are the demo
//! generator's, so only the document build and rendering are timed.

use app::i18n::Lang;
use app::record::PersonHeader;
use chrono::NaiveDate;
use domain::people::PersonId;
use server::demo::records::scaled_drug_lines;
use server::pdf::font::font;
use server::pdf::layout::{page_count, render};
use server::pdf::reports::{drugs_document, ReportContext};
use std::time::Instant;

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

    let mut best = f64::MAX;
    let mut best_build = f64::MAX;
    let mut best_layout = f64::MAX;
    let mut size = 0;
    let mut pages = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let doc = drugs_document(&ctx, months, &lines, None);
        let built = t.elapsed().as_secs_f64() * 1000.0;
        let out = render(&doc, font).expect("renders");
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        let l = Instant::now();
        page_count(&doc, font);
        best_layout = best_layout.min(l.elapsed().as_secs_f64() * 1000.0);
        best_build = best_build.min(built);
        size = out.bytes.len();
        pages = out.pages;
    }
    println!("| lines | pages | size | font load (once per process) | build + render (best of 5) | of which: document | layout (wrap, paginate) |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {} | {pages} | {:.0} KB | {font_ms:.0} ms | {best:.0} ms | {best_build:.1} ms | {best_layout:.0} ms |",
        lines.len(),
        size as f64 / 1024.0
    );
}
