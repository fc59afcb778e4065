//! The fuzz targets' bodies: one function per parser or user-controlled input, each taking the
//! raw bytes a fuzzer makes up. Each must never panic, and checks what must hold of any answer
//! (an `assert!` here is a finding). Used by the coverage-guided targets in `fuzz/` (cargo
//! fuzz, libFuzzer) and replayed over every corpus and crash file by `cargo test`
//! (`server/tests/it/fuzz_corpus.rs`), so a finding stays fixed without a fuzzer.
//! See docs/reliability.md ("Fuzzing").

use crate::deduction::xlsx;
use crate::forms::deduction::{parse_edit, Edit};
use crate::import::{self, ImportBatch, ImportError, ImportFormat, ParseOptions};
use crate::pdf::wrap::wrap;
use chrono::{Datelike, NaiveDate};
use domain::deduction::form::{FormRow, AMOUNT_MAX, INCOME_MAX};
use domain::deduction::TaxYear;
use domain::drugs::search_fold;
use domain::money::Yen;
use domain::people::PersonId;
use domain::period::Preset;
use domain::query::{PeriodQuery, RecordQuery};
use std::io::{Cursor, Read};
use std::sync::OnceLock;

/// Every target by name (the `fuzz/fuzz_targets/NAME.rs` files and `fuzz/corpus/NAME/`).
/// One fuzz target: its name and its body.
pub type Target = (&'static str, fn(&[u8]));

pub const TARGETS: &[Target] = &[
    ("json_batch", json_batch),
    ("hc08_cda", hc08_cda),
    ("mynaportal_csv", mynaportal_csv),
    ("import_any", import_any),
    ("deduction_form", deduction_form),
    ("period", period),
    ("search_fold", search_folding),
    ("pdf_wrap", pdf_wrap),
    ("xlsx_cells", xlsx_cells),
    ("uke", uke),
    ("jahis", jahis),
    ("qr_image", qr_image),
    ("fhir_query", fhir_query),
    ("drug_master", drug_master),
];

/// Splits the input into text fields at the byte 0x1F (unit separator); each field is read as
/// UTF-8, invalid bytes replaced (every target below takes text).
fn fields(data: &[u8]) -> Vec<String> {
    data.split(|b| *b == 0x1F)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

fn field(fields: &[String], i: usize) -> &str {
    fields.get(i).map_or("", String::as_str)
}

/// What holds of any import result: an error names the file it is about; a batch has a
/// person per record set and serialises (it is stored as JSON).
fn check_import(result: Result<ImportBatch, ImportError>) {
    match result {
        Ok(batch) => {
            let lines: usize = batch.people.iter().map(|p| p.line_count()).sum();
            assert_eq!(lines, batch.line_count());
            serde_json::to_string(&batch).expect("a parsed batch serialises");
        }
        Err(e) => {
            assert_eq!(e.at.file, "fuzz", "the error names the file");
            assert!(!e.message.is_empty(), "the error says what is wrong");
        }
    }
}

fn options(data: &[u8]) -> ParseOptions {
    // The last byte chooses whether `--person` was given, so both paths are covered.
    let person = (data.last().is_some_and(|b| b & 1 == 1))
        .then(|| PersonId::parse("p-fuzz").expect("valid person id"));
    ParseOptions { person }
}

/// The canonical JSON batch (`karte import`, `POST /api/v1/import`).
pub fn json_batch(data: &[u8]) {
    check_import(import::json::parse("fuzz", data, &options(data)));
}

/// One hc08 特定健診 / 後期高齢者健診 CDA document.
pub fn hc08_cda(data: &[u8]) {
    check_import(import::cda::parse("fuzz", data, &options(data)));
}

/// The マイナポータル 医療費通知情報 CSV (UTF-8 or CP932).
pub fn mynaportal_csv(data: &[u8]) {
    check_import(import::mynaportal_csv::parse("fuzz", data, &options(data)));
}

/// Format detection and the parser it picks (what an upload without `--format` goes through).
pub fn import_any(data: &[u8]) {
    let detected = import::detect("fuzz", data);
    let result = import::parse_any(None, "fuzz", data, &options(data));
    if let (Some(format), Ok(batch)) = (detected, &result) {
        assert_eq!(batch.format, format, "the batch is of the detected format");
    }
    check_import(result);
}

/// The 医療費控除 edit form (`POST /deduction/{year}/edit`): the bytes are the
/// `application/x-www-form-urlencoded` body; the path's year is the field `_year`.
pub fn deduction_form(data: &[u8]) {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(data)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let year_raw = pairs
        .iter()
        .find(|(k, _)| k == "_year")
        .map_or("2025", |(_, v)| v.as_str());
    let Ok(year) = TaxYear::parse(year_raw) else {
        return;
    };
    let _ = domain::query::household(Some(&field("household")));
    let Ok(edit) = parse_edit(&field, year) else {
        return;
    };
    let in_range = |y: Yen| y >= Yen::ZERO && y <= AMOUNT_MAX;
    let clean = |t: &str, max: usize| {
        t.chars().count() <= max && !t.chars().any(char::is_control) && t.trim() == t
    };
    match edit {
        Edit::Add(line) => {
            assert!(
                in_range(line.amount) && in_range(line.reimbursed),
                "{line:?}"
            );
            assert!(
                clean(&line.patient_name, 50) && !line.patient_name.is_empty(),
                "{line:?}"
            );
            assert!(
                clean(&line.payee, 100) && !line.payee.is_empty(),
                "{line:?}"
            );
            assert!(clean(&line.note, 200), "{line:?}");
            if let Some(day) = line.paid_on {
                assert_eq!(day.year(), year.value());
            }
        }
        Edit::Reimbursed(_, value) => assert!(in_range(value)),
        Edit::Income(income) => assert!(income >= Yen::ZERO && income <= INCOME_MAX),
        Edit::Delete(_) | Edit::Include(..) | Edit::Move { .. } => {}
    }
}

/// Period and day ranges (`preset`, `from`, `to`) and the rest of a record URL's query, on any
/// "today": the first two bytes are days after 1990-01-01, the rest the fields `preset`,
/// `from`, `to`, `household`, `view`, `usage`, `q`, `year` separated by 0x1F.
pub fn period(data: &[u8]) {
    let (today_bytes, rest) = data.split_at(data.len().min(2));
    let mut offset = [0u8; 2];
    offset[..today_bytes.len()].copy_from_slice(today_bytes);
    let today = NaiveDate::from_ymd_opt(1990, 1, 1).expect("a day")
        + chrono::Days::new(u64::from(u16::from_le_bytes(offset)));
    let f = fields(rest);
    let names = [
        "preset",
        "from",
        "to",
        "household",
        "view",
        "usage",
        "q",
        "year",
    ];
    let pairs: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| f.get(*i).is_some_and(|v| !v.is_empty()))
        .map(|(i, n)| ((*n).to_owned(), field(&f, i).to_owned()))
        .collect();
    let lenient =
        RecordQuery::lenient(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    assert!(lenient.filter.q.chars().count() <= domain::query::MAX_SEARCH_CHARS);
    let query = RecordQuery::parse_pairs(&pairs).map_or(lenient.period, |q| q.period);
    for default in Preset::ALL {
        let Ok(p) = query.resolve(today, default) else {
            continue;
        };
        let months = p.months;
        assert!(months.from() <= months.to(), "{p:?}");
        assert!(!months.is_empty() && months.len() <= 36, "{p:?}");
        assert_eq!(months.months().count(), months.len(), "{p:?}");
        for m in months.months() {
            // Every month of a result can be walked (the pages and PDFs do).
            let _ = (
                m.next(),
                m.prev(),
                m.first_day(),
                m.last_day(),
                m.label_ja(),
            );
        }
        if let Some(days) = p.days {
            assert!(days.from() <= days.to(), "{p:?}");
            assert!(
                months.contains_date(days.from()) && months.contains_date(days.to()),
                "{p:?}"
            );
            assert!(p.contains(days.from()) && p.contains(days.to()), "{p:?}");
            assert_eq!(
                days.days(),
                (days.to() - days.from()).num_days() + 1,
                "{p:?}"
            );
        }
        let _ = query.months(today, default);
    }
    if let Ok(q) =
        PeriodQuery::range(Some(field(&f, 1).to_owned()), None).resolve(today, Preset::ThisYear)
    {
        assert!(q.months.len() <= 36);
    }
}

/// Search folding (the drug filter's `q`): folding is idempotent and keeps every character
/// (one in, one out), so a match position in the folded text is one in the original.
pub fn search_folding(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let folded = search_fold(&text);
    assert_eq!(folded.chars().count(), text.chars().count());
    assert_eq!(search_fold(&folded), folded, "folding is idempotent");
    let filter = domain::query::DrugFilter::from_query(None, Some(&text));
    assert!(filter.q.chars().count() <= domain::query::MAX_SEARCH_CHARS);
}

/// The PDF cell wrapper (禁則処理) on any Unicode text: the first byte is the cell width
/// (0.5 … 510.5 pt at 9 pt type), the rest the text; widths from the real font when it is
/// installed, else a stand-in (full width 1 em, the rest half).
pub fn pdf_wrap(data: &[u8]) {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let max_width = f32::from(*first) * 2.0 + 0.5;
    let text = String::from_utf8_lossy(rest);
    let size = 9.0;
    let font = crate::pdf::font::font().ok();
    let width = |c: char| match font {
        Some(f) => f.advance(c) * size,
        None if c.is_ascii() => size / 2.0,
        None => size,
    };
    let lines = wrap(&text, max_width, &width);
    let paragraphs: Vec<&str> = text.split('\n').collect();
    assert!(lines.len() >= paragraphs.len());
    for line in &lines {
        let w: f32 = line.chars().map(width).sum();
        assert!(
            w <= max_width + 1e-2 || line.chars().count() == 1,
            "line {line:?} is {w} wide, the cell {max_width}"
        );
        assert!(!line.contains('\n'));
    }
    // Nothing lost or added but the spaces at breaks.
    let kept: String = lines.concat().chars().filter(|c| *c != ' ').collect();
    let given: String = text.chars().filter(|c| *c != ' ' && *c != '\n').collect();
    assert_eq!(kept, given, "wrapping keeps every character");
}

/// The template's sheet, read once.
fn template_sheet() -> &'static str {
    static SHEET: OnceLock<String> = OnceLock::new();
    SHEET.get_or_init(|| {
        let mut archive =
            zip::ZipArchive::new(Cursor::new(xlsx::TEMPLATE)).expect("the bundled template");
        let mut part = archive
            .by_name("xl/worksheets/sheet1.xml")
            .expect("the template's sheet");
        let mut text = String::new();
        part.read_to_string(&mut text).expect("the sheet is UTF-8");
        text
    })
}

/// The text XML 1.0 can carry of `text`, as the cell writer promises to write it.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => None,
            c => Some(c),
        })
        .collect()
}

/// The e-Tax xlsx cell writer: rows of any text and amounts, written into the real template's
/// sheet; the result is well-formed XML and each text cell reads back as written. Fields
/// (0x1F): person, payee, paid_on, then repeated for the next row; bytes of the amounts come
/// from the text's length.
pub fn xlsx_cells(data: &[u8]) {
    let f = fields(data);
    let rows: Vec<FormRow> = f
        .chunks(3)
        .take(8)
        .enumerate()
        .map(|(i, c)| {
            let get = |j: usize| c.get(j).cloned().unwrap_or_default();
            let n = i64::try_from(get(0).len() + i).unwrap_or(0);
            FormRow {
                person: get(0),
                payee: get(1),
                categories: [i % 2 == 0, i % 3 == 0, i % 5 == 0, n % 2 == 0],
                paid: Yen(n * 1_234_567 - 1),
                reimbursed: Yen(n),
                paid_on: c.get(2).cloned(),
            }
        })
        .collect();
    let Ok(sheet) = xlsx::fill_sheet(template_sheet(), &rows) else {
        panic!("the cell writer refused {} rows", rows.len());
    };
    // Well-formed, and every inline string reads back as the text given.
    let mut reader = quick_xml::Reader::from_str(&sheet);
    reader.config_mut().check_end_names = true;
    let mut texts = Vec::new();
    let mut in_t = false;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => in_t = e.name().as_ref() == b"t",
            Ok(quick_xml::events::Event::Empty(e)) if e.name().as_ref() == b"t" => {
                texts.push(String::new());
            }
            Ok(quick_xml::events::Event::Text(t)) if in_t => {
                texts.push(t.unescape().expect("valid escapes").into_owned());
                in_t = false;
            }
            Ok(quick_xml::events::Event::End(e)) => {
                if in_t && e.name().as_ref() == b"t" {
                    texts.push(String::new());
                }
                in_t = false;
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("the filled sheet is not well-formed XML: {e}"),
        }
    }
    for row in &rows {
        for given in [&row.person, &row.payee] {
            if !given.is_empty() {
                let want = xml_text(given);
                assert!(
                    texts.contains(&want),
                    "the cell {want:?} is not in the sheet"
                );
            }
        }
    }
}

/// A レセプト電算 UKE receipt file (医科 or 調剤; CP932, or UTF-8 when re-saved).
pub fn uke(data: &[u8]) {
    let result = import::uke::parse("fuzz", data, &options(data));
    if let Ok(batch) = &result {
        assert_eq!(batch.format, ImportFormat::Uke);
    }
    check_import(result);
}

/// A JAHIS お薬手帳 text, CP932 or UTF-8: the import (`import::jahis`), the domain's reader
/// (`jahis::parse`, `text::decode`) and its round trips — what is read is written back the same
/// (`write` → `parse_text`), Karte's export of the drug lines it makes reads back with as many
/// lines (`from_drug_lines` → `write` → `parse`, in CP932 as it is printed), and the export cut
/// into QR codes (`split_text`) joins back (`join_parts`) into the same notebook. Then the QR
/// payload path: the input cut at 0x1F is the payloads of several codes (each decoded, joined,
/// imported, as a photo's codes are).
pub fn jahis(data: &[u8]) {
    let opts = options(data);
    check_import(import::jahis::parse("fuzz", data, &opts));
    if let Ok(text) = domain::jahis::decode(data) {
        assert_eq!(
            domain::jahis::parse(data).map_err(|e| e.to_string()),
            domain::jahis::parse_text(&text).map_err(|e| e.to_string()),
            "parse = decode + parse_text"
        );
    }
    if let Ok(book) = domain::jahis::parse(data) {
        let written = domain::jahis::write(&book);
        assert_eq!(
            domain::jahis::parse_text(&written).as_ref(),
            Ok(&book),
            "what is read is written back the same:\n{written}"
        );
        let owner = PersonId::parse("p-fuzz").expect("valid person id");
        let lines = domain::jahis::to_drug_lines(&book, &owner);
        let refs: Vec<&domain::drugs::DrugLine> = lines.iter().collect();
        let export =
            domain::jahis::write(&domain::jahis::from_drug_lines(book.patient.clone(), &refs));
        let printed = domain::jahis::encode_cp932(&export);
        let again = domain::jahis::parse(&printed)
            .unwrap_or_else(|e| panic!("the export reads back: {e}\n{export}"));
        assert_eq!(
            domain::jahis::to_drug_lines(&again, &owner).len(),
            lines.len(),
            "the export keeps every drug line:\n{export}"
        );
        let parts = domain::jahis::split_text(&export, domain::jahis::QR_PART_BYTES, 1);
        let joined = domain::jahis::join_parts(&parts)
            .unwrap_or_else(|e| panic!("the QR parts join back: {e}\n{export}"));
        assert_eq!(
            domain::jahis::parse_text(&joined).as_ref(),
            domain::jahis::parse_text(&export).as_ref(),
            "the QR parts read as the whole"
        );
    }
    let payloads: Vec<&[u8]> = data.split(|b| *b == 0x1F).collect();
    if payloads.len() > 1 {
        let texts: Result<Vec<String>, _> =
            payloads.iter().map(|p| domain::jahis::decode(p)).collect();
        if let Ok(Ok(text)) = texts.map(|t| domain::jahis::join_parts(&t)) {
            assert!(text.trim_start().starts_with("JAHISTC"), "{text:?}");
            check_import(import::parse_any(None, "fuzz", text.as_bytes(), &opts));
        }
    }
}

/// The QR photo decoder (`import::qr_image::decode_image`, PNG or JPEG): a picture whose PNG
/// header claims more than `MAX_PIXELS` is refused from the header (libFuzzer's memory limit
/// catches any allocation of its size); what is read is JAHIS text and imports like one.
pub fn qr_image(data: &[u8]) {
    use crate::import::qr_image::{decode_image, QrImageError, MAX_PIXELS};
    let result = decode_image(data);
    if data.starts_with(b"\x89PNG\r\n\x1a\n") && data.get(12..16) == Some(b"IHDR") {
        let be = |at: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&data[at..at + 4]);
            u32::from_be_bytes(b) as usize
        };
        if data.len() >= 24 && be(16).saturating_mul(be(20)) > MAX_PIXELS {
            assert!(
                matches!(
                    result,
                    Err(QrImageError::TooManyPixels | QrImageError::Broken(_))
                ),
                "a PNG of {} × {} pixels was decoded: {result:?}",
                be(16),
                be(20)
            );
        }
    }
    match result {
        Ok(text) => {
            assert!(text.trim_start().starts_with("JAHISTC"), "{text:?}");
            check_import(import::parse_any(
                None,
                "fuzz",
                text.as_bytes(),
                &options(data),
            ));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// The FHIR searches' parameters (`api::fhir`: unknown names, `date=ge…/le…`, `category`),
/// not HTTP. The first byte picks the search (Patient, MedicationDispense, Observation,
/// ExplanationOfBenefit, $everything), the rest is the query string. A refusal is a 400 naming
/// the parameter; what is taken resolves to a period of 1…36 months or a refusal the handlers
/// turn into a 400 naming `date`.
pub fn fhir_query(data: &[u8]) {
    use crate::api::fhir::{benefit_months, category, date_range, params, FhirError};
    let Some((op, rest)) = data.split_first() else {
        return;
    };
    let query = String::from_utf8_lossy(rest);
    let known: &[&'static str] = match op % 5 {
        1 | 3 => &["date"],
        2 => &["category"],
        _ => &[],
    };
    let refused = |e: FhirError, param: &str| {
        assert_eq!(e.status(), actix_web::http::StatusCode::BAD_REQUEST);
        assert_eq!(e.param(), Some(param), "{}", e.message());
        assert!(!e.message().is_empty());
    };
    let taken = match params(&query, known) {
        Ok(taken) => taken,
        Err(e) => {
            assert!(
                url::form_urlencoded::parse(query.as_bytes())
                    .any(|(k, _)| !known.contains(&k.as_ref())),
                "refused although every name is known: {query:?}"
            );
            return refused(e, "query");
        }
    };
    assert!(taken.iter().all(|(k, _)| known.contains(k)));
    let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("a day");
    match op % 5 {
        2 => match category(taken) {
            Ok(Some(c)) => assert!(crate::api::fhir::resources::CATEGORIES.contains(&c.as_str())),
            Ok(None) => {}
            Err(e) => refused(e, "category"),
        },
        1 | 3 => {
            let dates: Vec<String> = taken.into_iter().map(|(_, v)| v).collect();
            let q = match date_range(&dates) {
                Ok(q) => q,
                Err(e) => return refused(e, "date"),
            };
            if op % 5 == 1 {
                if let Ok(p) = q.resolve(today, Preset::AllThreeYears) {
                    assert!(!p.months.is_empty() && p.months.len() <= 36, "{p:?}");
                    if let Some(days) = p.days {
                        assert!(days.from() <= days.to(), "{p:?}");
                    }
                }
            } else if let Ok(months) = benefit_months(q).months(today, Preset::AllThreeYears) {
                assert!(months.from() <= months.to() && months.len() <= 36);
            }
        }
        _ => assert!(taken.is_empty()),
    }
}

/// The operator's 医薬品マスター file (`KARTE_DRUG_MASTER`; CP932 or UTF-8, quoted or not):
/// every drug kept has a 9-digit code and a name; the same text in CP932, or with every field
/// quoted, reads the same.
pub fn drug_master(data: &[u8]) {
    use crate::import::uke::master::DrugMaster;
    let result = DrugMaster::parse(data);
    if let Ok(master) = &result {
        assert!(!master.is_empty());
        let rows = data.split(|b| *b == b'\n').count();
        assert!(master.len() <= rows);
        for (code, drug) in master.iter() {
            assert!(code.len() == 9 && code.bytes().all(|b| b.is_ascii_digit()));
            assert!(!drug.name.is_empty() && drug.name.trim() == drug.name);
            if let Some(i) = &drug.ingredient {
                assert!(!i.is_empty() && !i.starts_with("【般】"), "{i:?}");
            }
            assert_eq!(master.get(code), Some(drug));
        }
    }
    let Ok(text) = std::str::from_utf8(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data)) else {
        return;
    };
    let (cp932, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    let decodes_back = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&cp932).0 == text;
    if !unmappable && decodes_back && std::str::from_utf8(&cp932).is_err() {
        assert_eq!(
            DrugMaster::parse(&cp932),
            result,
            "CP932 reads as UTF-8 does"
        );
    }
    if !text.contains('"') {
        let quoted: Vec<String> = text
            .lines()
            .map(|line| {
                let line = line.trim_end_matches('\r');
                if line.trim().is_empty() || line.starts_with('#') {
                    line.to_owned()
                } else {
                    line.split(',')
                        .map(|f| format!("\"{f}\""))
                        .collect::<Vec<_>>()
                        .join(",")
                }
            })
            .collect();
        assert_eq!(
            DrugMaster::parse(quoted.join("\n").as_bytes()),
            result,
            "quoted fields read as unquoted ones"
        );
    }
}
