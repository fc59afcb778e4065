//! JAHIS 電子版お薬手帳 text (what a pharmacy prints as a QR code): one person's dispensings,
//! read by `domain::jahis` and turned into drug lines that are visible at once. Only people
//! bring these in (`/import`, the drugs page); the lines are marked 「お薬手帳（薬局発行）」 and
//! retire when the insurer's claim for the same pharmacy and month arrives.

use super::batch::{
    BatchId, ImportBatch, ImportError, ImportFormat, PersonIdentity, PersonRecords,
};
use super::options::ParseOptions;
use domain::jahis::{self, Sex as JSex};
use domain::people::Sex;

/// The largest notebook taken (a year of weekly visits is ~100 KB).
pub const MAX_BYTES: usize = 1024 * 1024;

/// Whether `head` starts like a JAHIS お薬手帳 file (`JAHISTC`, after an optional UTF-8 BOM).
pub fn looks_like_jahis(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    head[start..].starts_with(b"JAHISTC")
}

pub fn parse(
    file_name: &str,
    bytes: &[u8],
    opts: &ParseOptions,
) -> Result<ImportBatch, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::new(
            file_name,
            None,
            "(size)",
            format!("larger than {MAX_BYTES} bytes"),
        ));
    }
    let book = jahis::parse(bytes).map_err(|e| {
        let field = if e.record.is_empty() {
            e.field.clone()
        } else {
            format!("record {}, field {}", e.record, e.field)
        };
        ImportError::new(file_name, Some(e.line), &field, e.problem)
    })?;
    let owner = opts.line_owner(None);
    let drugs = jahis::to_drug_lines(&book, &owner);
    let person = match &book.patient {
        Some(p) => PersonIdentity {
            id: opts.person.clone(),
            name: p.name.clone(),
            name_kana: p.kana.clone(),
            sex: Some(match p.sex {
                JSex::Male => Sex::Male,
                JSex::Female => Sex::Female,
            }),
            birth_date: Some(p.birth_date),
            card: None,
            insurer_name: None,
            insured_since: None,
        },
        None => PersonIdentity {
            id: opts.person.clone(),
            name: String::new(),
            name_kana: None,
            sex: None,
            birth_date: None,
            card: None,
            insurer_name: None,
            insured_since: None,
        },
    };
    Ok(ImportBatch {
        batch_id: BatchId::from_content("jahis", bytes),
        format: ImportFormat::Jahis,
        insurers: Vec::new(),
        people: vec![PersonRecords {
            person,
            drugs,
            checkups: Vec::new(),
            expenses: Vec::new(),
        }],
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../../domain/src/jahis/fixtures/two-pharmacies.txt");

    #[test]
    fn a_notebook_becomes_one_persons_drug_lines() {
        let bytes = domain::jahis::encode_cp932(SAMPLE);
        assert!(looks_like_jahis(&bytes));
        assert!(!looks_like_jahis(b"{\"format_version\":1}"));
        let batch = parse("okusuri.txt", &bytes, &ParseOptions::default()).unwrap();
        assert_eq!(batch.format, ImportFormat::Jahis);
        let r = &batch.people[0];
        assert_eq!(
            r.person.birth_date,
            chrono::NaiveDate::from_ymd_opt(1958, 3, 3)
        );
        assert_eq!(r.drugs.len(), 5);
        let oxy = r
            .drugs
            .iter()
            .find(|d| d.drug_name.contains("オキシコドン"))
            .unwrap();
        assert_eq!(oxy.mark, Some(domain::drugs::DrugMark::Narcotic));
        assert_eq!(oxy.display_name(), "麻）オキシコドン徐放錠５ｍｇ");
        assert_eq!(oxy.claim.institution.as_str(), "1341234567");
        assert_eq!(oxy.prescriber.as_str(), "1317654321");
        assert_eq!(oxy.quantity.to_string(), "7日分");
        assert_eq!(oxy.daily_dose.as_deref(), Some("2錠"));
        assert_eq!(oxy.visible_from, oxy.dispensed_on, "visible at once");
        let prn = r
            .drugs
            .iter()
            .find(|d| d.drug_name.contains("カロナール"))
            .unwrap();
        assert_eq!(prn.usage, domain::drugs::UsageKind::AsNeeded);
        assert_eq!(prn.single_dose.as_deref(), Some("4錠"));
        assert_eq!(prn.dispenser_name, "ひまわり薬局");
    }

    #[test]
    fn malformed_text_names_line_record_and_field() {
        let text = SAMPLE.replace(
            "201,1,カロナール錠２００　２００ｍｇ,4,錠,2,620001913,1",
            "201,1,カロナール,4,錠,2,,1",
        );
        let e = parse("okusuri.txt", text.as_bytes(), &ParseOptions::default()).unwrap_err();
        assert_eq!(e.at.line, Some(25));
        assert_eq!(e.at.field, "record 201, field 6 薬品コード");
        assert!(
            e.to_string()
                .starts_with("okusuri.txt:25: record 201, field 6 薬品コード: "),
            "{e}"
        );
    }
}
