//! Which parser a file needs, from its content (never from its name: people rename
//! downloads), and the one entry point that dispatches to it.

use super::batch::{ImportBatch, ImportError, ImportFormat};
use super::options::ParseOptions;
use super::text::{decode_text, utf8_without_bom};
use super::{cda, jahis, json, mynaportal_csv, uke};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// How much of the start of a file is looked at.
const SNIFF_BYTES: usize = 4096;

/// The format of `bytes`, or `None` when it is none of the four. `file_name` is not used to
/// decide; it is taken so callers need not special-case logging or future hints.
pub fn detect(_file_name: &str, bytes: &[u8]) -> Option<ImportFormat> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    // Lossy: a multi-byte character cut by the sniff window must not hide the format.
    let head_text = String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head));
    let trimmed = head_text.trim_start();
    if trimmed.starts_with('{') {
        return trimmed
            .contains("\"format_version\"")
            .then_some(ImportFormat::Json);
    }
    if trimmed.starts_with('<') {
        return is_hc08(bytes).then_some(ImportFormat::Cda);
    }
    if jahis::looks_like_jahis(head) {
        return Some(ImportFormat::Jahis);
    }
    if uke::looks_like_uke(head) {
        return Some(ImportFormat::Uke);
    }
    is_mynaportal_csv(head).then_some(ImportFormat::MynaportalCsv)
}

/// The first element is `ClinicalDocument` in `urn:hl7-org:v3`. A DOCTYPE does not stop
/// detection: the CDA parser then refuses the file with a clear message.
fn is_hc08(bytes: &[u8]) -> bool {
    let Ok(text) = utf8_without_bom(bytes) else {
        return false;
    };
    let mut reader = NsReader::from_str(text);
    loop {
        match reader.read_resolved_event() {
            Ok((ns, Event::Start(e) | Event::Empty(e))) => {
                return e.local_name().as_ref() == b"ClinicalDocument"
                    && matches!(ns, ResolveResult::Bound(n) if n.as_ref() == cda::HL7_NS.as_bytes());
            }
            Ok((_, Event::Eof)) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// First two non-empty lines are わたしの情報 and 医療費通知情報 (quoted or not; UTF-8 or CP932).
fn is_mynaportal_csv(head: &[u8]) -> bool {
    // Cut at the last line end so a CP932 character split by the sniff window does not fail decoding.
    let cut = head
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(head, |i| &head[..=i]);
    let Some((text, _)) = decode_text(cut) else {
        return false;
    };
    let mut lines = text
        .lines()
        .map(|l| l.trim().trim_matches('"'))
        .filter(|l| !l.is_empty());
    lines.next() == Some("わたしの情報") && lines.next() == Some("医療費通知情報")
}

impl ImportFormat {
    /// The largest input of this format each parser takes (a JSON batch 16 MiB, one hc08
    /// document 5 MiB, a マイナポータル CSV 4 MiB).
    pub fn max_bytes(self) -> usize {
        match self {
            ImportFormat::Json => json::MAX_BYTES,
            ImportFormat::Cda => cda::MAX_BYTES,
            ImportFormat::MynaportalCsv => mynaportal_csv::MAX_BYTES,
            ImportFormat::Uke => uke::MAX_BYTES,
            ImportFormat::Jahis => jahis::MAX_BYTES,
        }
    }
}

/// Parses with the given format, or the detected one.
pub fn parse_any(
    format: Option<ImportFormat>,
    file_name: &str,
    bytes: &[u8],
    opts: &ParseOptions,
) -> Result<ImportBatch, ImportError> {
    let format = format.or_else(|| detect(file_name, bytes)).ok_or_else(|| {
        ImportError::new(
            file_name,
            None,
            "(format)",
            "not a Karte JSON batch, hc08 checkup XML, マイナポータル 医療費通知情報 CSV or UKE receipt file (IR/YK header) or JAHIS お薬手帳 text (JAHISTC…); pass --format json|cda|mynaportal-csv|uke|jahis if it is one of them",
        )
    })?;
    match format {
        ImportFormat::Json => json::parse(file_name, bytes, opts),
        ImportFormat::Cda => cda::parse(file_name, bytes, opts),
        ImportFormat::MynaportalCsv => mynaportal_csv::parse(file_name, bytes, opts),
        ImportFormat::Uke => uke::parse(file_name, bytes, opts),
        ImportFormat::Jahis => jahis::parse(file_name, bytes, opts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/import/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn detects_each_format_by_content() {
        let example = include_bytes!("../../../docs/examples/batch-example.json");
        assert_eq!(detect("x", example), Some(ImportFormat::Json));
        for name in ["hc08-tokutei.xml", "hc08-kouki.xml", "bad-hc08-doctype.xml"] {
            assert_eq!(
                detect(name, &fixture(name)),
                Some(ImportFormat::Cda),
                "{name}"
            );
        }
        assert_eq!(detect("x", &fixture("bad-hc08-namespace.xml")), None);
        for name in ["mynaportal-a.csv", "mynaportal-b.csv"] {
            assert_eq!(
                detect(name, &fixture(name)),
                Some(ImportFormat::MynaportalCsv),
                "{name}"
            );
        }
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(fixture("mynaportal-a.csv"));
        assert_eq!(detect("x", &bom), Some(ImportFormat::MynaportalCsv));
        let utf8 = fixture("mynaportal-b.csv");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(std::str::from_utf8(&utf8).unwrap());
        assert_eq!(detect("x", &sjis), Some(ImportFormat::MynaportalCsv));
        assert_eq!(detect("x", b"{\"a\": 1}"), None);
        assert_eq!(detect("x", b"a,b\n"), None);
    }

    #[test]
    fn parse_any_dispatches_and_explains_unknown_input() {
        let batch = parse_any(
            None,
            "a.csv",
            &fixture("mynaportal-a.csv"),
            &ParseOptions::default(),
        )
        .unwrap();
        assert_eq!(batch.format, ImportFormat::MynaportalCsv);
        let e = parse_any(None, "notes.txt", b"hello", &ParseOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string().split(": ").take(2).collect::<Vec<_>>(),
            ["notes.txt", "(format)"]
        );
        // An explicit format wins over detection.
        let e = parse_any(
            Some(ImportFormat::Json),
            "a.csv",
            &fixture("mynaportal-a.csv"),
            &ParseOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.at.field, "(syntax)");
    }
}
