//! The NTA 医療費集計フォーム Ver.3.1, filled (etax-export.md §2 "Generating the file").
//!
//! The official template is bundled and patched, never rebuilt: every part of the zip is
//! copied as it is (raw, still compressed) except two. In `xl/worksheets/sheet1.xml` only the
//! empty data cells B–J of rows 9…(8+n) are replaced (each keeps its `s=` style: text `@`
//! for B–G and J, `#,##0` for H and I); strings are inline (`t="inlineStr"`, XML-escaped, so a
//! name starting with `=` stays text), amounts are numbers. In `xl/workbook.xml`
//! `fullCalcOnLoad="1"` is added to `<calcPr>` so the totals C3/C4 are computed on opening.
//! Column A, rows 1–8, sheet 2, protection, validations and names are untouched.

use domain::deduction::form::{FormRow, MAX_ROWS};
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The official template (NTA, Ver.3.1, 2025-11 edition; sha256 b69cadc0…dee842).
pub const TEMPLATE: &[u8] = include_bytes!("../../assets/etax/iryouhi_form_v3.1.xlsx");
pub const SHEET_NAME: &str = "医療費集計フォーム";
const SHEET_PART: &str = "xl/worksheets/sheet1.xml";
const WORKBOOK_PART: &str = "xl/workbook.xml";
/// The first data row (No 1).
pub const FIRST_ROW: usize = 9;
/// What the 区分 list validation accepts (besides empty).
pub const MARK: &str = "該当する";
pub const MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("{rows} lines do not fit the form ({max} rows)", max = MAX_ROWS)]
    TooManyRows { rows: usize },
    /// The bundled template is not what this code expects (a bug, caught by the tests).
    #[error("the bundled template does not match: {0}")]
    Template(String),
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

enum Value<'a> {
    Text(&'a str),
    Number(i64),
}

/// The cells of one row that get a value, in column order.
fn cells(row: &FormRow) -> Vec<(char, Value<'_>)> {
    let mut out = Vec::with_capacity(9);
    if !row.person.is_empty() {
        out.push(('B', Value::Text(&row.person)));
    }
    if !row.payee.is_empty() {
        out.push(('C', Value::Text(&row.payee)));
    }
    for (i, col) in ['D', 'E', 'F', 'G'].into_iter().enumerate() {
        if row.categories[i] {
            out.push((col, Value::Text(MARK)));
        }
    }
    out.push(('H', Value::Number(row.paid.value())));
    if row.reimbursed.value() > 0 {
        out.push(('I', Value::Number(row.reimbursed.value())));
    }
    if let Some(date) = &row.paid_on {
        out.push(('J', Value::Text(date)));
    }
    out
}

/// XML text content: escaped, and without the control characters XML 1.0 forbids.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

fn push_cell(out: &mut String, reference: &str, style: &str, value: &Value<'_>) {
    use std::fmt::Write as _;
    match value {
        Value::Text(text) => {
            let _ = write!(
                out,
                r#"<c r="{reference}" s="{style}" t="inlineStr"><is><t>"#
            );
            push_escaped(out, text);
            out.push_str("</t></is></c>");
        }
        Value::Number(n) => {
            let _ = write!(out, r#"<c r="{reference}" s="{style}"><v>{n}</v></c>"#);
        }
    }
}

/// Replaces the empty data cells of the first `rows.len()` rows. The cells exist in the
/// template as `<c r="B9" s="6"/>`, in row and column order, so one forward scan finds them.
pub fn fill_sheet(xml: &str, rows: &[FormRow]) -> Result<String, XlsxError> {
    if rows.len() > MAX_ROWS {
        return Err(XlsxError::TooManyRows { rows: rows.len() });
    }
    let mut out = String::with_capacity(xml.len() + rows.len() * 420);
    let mut pos = 0;
    let mut needle = String::with_capacity(24);
    for (i, row) in rows.iter().enumerate() {
        let r = FIRST_ROW + i;
        for (col, value) in cells(row) {
            needle.clear();
            needle.push_str("<c r=\"");
            needle.push(col);
            needle.push_str(&r.to_string());
            needle.push_str("\" s=\"");
            let start = pos
                + xml[pos..]
                    .find(needle.as_str())
                    .ok_or_else(|| XlsxError::Template(format!("no cell {col}{r}")))?;
            let style_start = start + needle.len();
            let style_len = xml[style_start..]
                .find('"')
                .ok_or_else(|| XlsxError::Template(format!("cell {col}{r}")))?;
            let style_end = style_start + style_len;
            if !xml[style_end..].starts_with("\"/>") {
                return Err(XlsxError::Template(format!("cell {col}{r} is not empty")));
            }
            out.push_str(&xml[pos..start]);
            let reference = &needle[6..needle.len() - 5];
            push_cell(&mut out, reference, &xml[style_start..style_end], &value);
            pos = style_end + 3;
        }
    }
    out.push_str(&xml[pos..]);
    Ok(out)
}

/// Asks the spreadsheet to recompute on opening, so C3/C4 (their cached value is empty) show.
pub fn calc_on_load(workbook: &str) -> Result<String, XlsxError> {
    let at = workbook
        .find("<calcPr")
        .ok_or_else(|| XlsxError::Template("no <calcPr> in workbook.xml".into()))?;
    let end = at
        + workbook[at..]
            .find('>')
            .ok_or_else(|| XlsxError::Template("<calcPr> is not closed".into()))?;
    if workbook[at..end].contains("fullCalcOnLoad") {
        return Ok(workbook.to_owned());
    }
    let insert = at + "<calcPr".len();
    Ok(format!(
        "{} fullCalcOnLoad=\"1\"{}",
        &workbook[..insert],
        &workbook[insert..]
    ))
}

fn read_part(archive: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<String, XlsxError> {
    let mut file = archive.by_name(name)?;
    let mut text = String::with_capacity(usize::try_from(file.size()).unwrap_or(0));
    file.read_to_string(&mut text)?;
    Ok(text)
}

/// The filled workbook: the template with `rows` in rows 9…, everything else as it was.
pub fn workbook(rows: &[FormRow]) -> Result<Vec<u8>, XlsxError> {
    if rows.len() > MAX_ROWS {
        return Err(XlsxError::TooManyRows { rows: rows.len() });
    }
    let mut archive = ZipArchive::new(Cursor::new(TEMPLATE))?;
    let sheet = fill_sheet(&read_part(&mut archive, SHEET_PART)?, rows)?;
    let book = calc_on_load(&read_part(&mut archive, WORKBOOK_PART)?)?;
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(TEMPLATE.len() + 64 * 1024)));
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i)?;
        let name = file.name()?.into_owned();
        let replaced = match name.as_str() {
            SHEET_PART => Some(sheet.as_bytes()),
            WORKBOOK_PART => Some(book.as_bytes()),
            _ => None,
        };
        match replaced {
            None => out.raw_copy_file(file)?,
            Some(bytes) => {
                // Same name, place and timestamp as the template's part; fast deflate (the
                // sheet is mostly repeated empty cells, so level 1 already packs it ~7:1).
                let options = SimpleFileOptions::default()
                    .compression_method(CompressionMethod::Deflated)
                    .compression_level(Some(1))
                    .last_modified_time(file.last_modified().unwrap_or_default());
                drop(file);
                out.start_file(name, options)?;
                out.write_all(bytes)?;
            }
        }
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::money::Yen;

    fn row(person: &str, paid: i64) -> FormRow {
        FormRow {
            person: person.into(),
            payee: "サンプル薬局".into(),
            categories: [false, true, false, false],
            paid: Yen(paid),
            reimbursed: Yen(0),
            paid_on: None,
        }
    }

    fn template_sheet() -> String {
        let mut a = ZipArchive::new(Cursor::new(TEMPLATE)).unwrap();
        read_part(&mut a, SHEET_PART).unwrap()
    }

    #[test]
    fn fills_only_the_data_cells_and_keeps_their_style() {
        let xml = template_sheet();
        let filled = fill_sheet(&xml, &[row("=国税 & <太郎>", 828), row("B", 0)]).unwrap();
        assert!(filled.contains(
            r#"<c r="B9" s="6" t="inlineStr"><is><t>=国税 &amp; &lt;太郎&gt;</t></is></c>"#
        ));
        assert!(filled.contains(r#"<c r="E9" s="6" t="inlineStr"><is><t>該当する</t></is></c>"#));
        assert!(
            filled.contains(r#"<c r="D9" s="6"/>"#),
            "unmarked 区分 stays empty"
        );
        assert!(filled.contains(r#"<c r="H9" s="5"><v>828</v></c>"#));
        assert!(filled.contains(r#"<c r="I9" s="5"/>"#), "no 補填: empty");
        assert!(filled.contains(r#"<c r="H10" s="5"><v>0</v></c>"#));
        assert!(filled.contains(r#"<c r="B11" s="6"/>"#));
        // Everything before row 9 is byte for byte the template's.
        let head = xml.find(r#"<row r="9""#).unwrap();
        assert_eq!(&filled[..head], &xml[..head]);
        let tail = xml.find(r#"<row r="11""#).unwrap();
        assert!(filled.ends_with(&xml[tail..]));
    }

    #[test]
    fn all_995_rows_fit_and_996_do_not() {
        let xml = template_sheet();
        let rows: Vec<_> = (0..MAX_ROWS).map(|i| row("A", i as i64)).collect();
        let filled = fill_sheet(&xml, &rows).unwrap();
        assert!(filled.contains(r#"<c r="H1003" s="5"><v>994</v></c>"#));
        let mut more = rows;
        more.push(row("A", 1));
        assert!(matches!(
            fill_sheet(&xml, &more),
            Err(XlsxError::TooManyRows { rows: 996 })
        ));
    }

    #[test]
    fn calc_on_load_is_added_once() {
        let once = calc_on_load(r#"<a><calcPr calcId="191028"/></a>"#).unwrap();
        assert_eq!(
            once,
            r#"<a><calcPr fullCalcOnLoad="1" calcId="191028"/></a>"#
        );
        assert_eq!(calc_on_load(&once).unwrap(), once);
    }

    #[test]
    fn every_other_part_is_copied_as_it_was() {
        let bytes = workbook(&[row("A", 1)]).unwrap();
        let mut filled = ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let mut template = ZipArchive::new(Cursor::new(TEMPLATE)).unwrap();
        assert_eq!(filled.len(), template.len());
        for i in 0..template.len() {
            let (name, crc, size, compressed) = {
                let t = template.by_index_raw(i).unwrap();
                (
                    t.name().unwrap().into_owned(),
                    t.crc32(),
                    t.size(),
                    t.compressed_size(),
                )
            };
            let f = filled.by_index_raw(i).unwrap();
            assert_eq!(f.name().unwrap(), name, "same order");
            if name != SHEET_PART && name != WORKBOOK_PART {
                assert_eq!(
                    (f.crc32(), f.size(), f.compressed_size()),
                    (crc, size, compressed),
                    "{name}"
                );
            }
        }
        let book = read_part(&mut filled, WORKBOOK_PART).unwrap();
        assert!(book.contains(r#"<calcPr fullCalcOnLoad="1" calcId="191028"/>"#));
        assert!(book.contains(r#"<sheet name="医療費集計フォーム" sheetId="1" r:id="rId1"/>"#));
        let rels = read_part(&mut filled, "xl/_rels/workbook.xml.rels").unwrap();
        assert!(rels.contains(concat!(
            r#"Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" "#,
            r#"Target="worksheets/sheet1.xml""#
        )));
    }
}
