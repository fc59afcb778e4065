//! Lines and fields of a UKE file, read in place: the file is split on line ends and commas
//! as bytes (a Shift_JIS trail byte is never `,`, CR or LF), fields stay slices of the input,
//! and only the few text fields anyone reads (names, 特別指示) are decoded, one at a time.

use crate::import::batch::ImportError;
use chrono::NaiveDate;
use domain::period::YearMonth;
use std::borrow::Cow;

/// How the file's text is encoded: Shift_JIS as the spec says (decoded as CP932, its Windows
/// superset), or UTF-8 when someone re-saved it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Utf8,
    Cp932,
}

/// The bytes that hold records: a UTF-8 BOM and the EOF byte (0x1A) with whatever line ends
/// follow it are cut off. Anything else after the EOF byte is an error.
pub(super) fn body<'a>(file: &str, bytes: &'a [u8]) -> Result<(&'a [u8], Encoding), ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let body = match bytes.iter().position(|b| *b == 0x1A) {
        Some(eof) => {
            let after = &bytes[eof..];
            if let Some(extra) = after
                .iter()
                .position(|b| !matches!(b, 0x1A | b'\r' | b'\n'))
            {
                let line = bytes[..eof + extra].iter().filter(|b| **b == b'\n').count() + 1;
                return Err(ImportError::new(
                    file,
                    Some(line),
                    "(file)",
                    "data after the EOF byte (0x1A); the file looks like two files joined",
                ));
            }
            &bytes[..eof]
        }
        None => bytes,
    };
    let encoding = if std::str::from_utf8(body).is_ok() {
        Encoding::Utf8
    } else {
        Encoding::Cp932
    };
    Ok((body, encoding))
}

/// One record: its 1-based line, and its fields by the spec's 1-based positions (field 1 is
/// the record id). Missing trailing fields read as empty.
pub(super) struct Record<'a> {
    pub(super) line: usize,
    pub(super) fields: Vec<&'a [u8]>,
}

impl<'a> Record<'a> {
    /// Field `n` (1-based), empty when the line is shorter.
    pub(super) fn get(&self, n: usize) -> &'a [u8] {
        self.fields.get(n - 1).copied().unwrap_or(b"")
    }

    pub(super) fn id(&self) -> &'a [u8] {
        self.get(1)
    }
}

/// Yields the records of `body`, one line each, skipping empty lines. `offset` leading
/// columns are dropped from every line (the 支払基金 保険者向け variant has three).
pub(super) struct Records<'a> {
    rest: &'a [u8],
    line: usize,
    offset: usize,
}

impl<'a> Records<'a> {
    pub(super) fn new(body: &'a [u8]) -> Self {
        Self {
            rest: body,
            line: 0,
            offset: 0,
        }
    }

    /// The next non-empty line, its fields written into `into` (cleared first).
    pub(super) fn next_into(&mut self, into: &mut Record<'a>) -> bool {
        loop {
            if self.rest.is_empty() {
                return false;
            }
            let (line, rest) = match self.rest.iter().position(|b| *b == b'\n') {
                Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
                None => (self.rest, &b""[..]),
            };
            self.rest = rest;
            self.line += 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(|b| *b == b' ') {
                continue;
            }
            into.line = self.line;
            into.fields.clear();
            into.fields
                .extend(line.split(|b| *b == b',').skip(self.offset));
            return true;
        }
    }

    /// Drops `n` leading columns from every line from now on.
    pub(super) fn set_offset(&mut self, n: usize) {
        self.offset = n;
    }
}

/// Reads fields of one file, with errors that name the record, line and field.
pub(super) struct Fields<'f> {
    pub(super) file: &'f str,
    pub(super) encoding: Encoding,
}

/// A field's name for messages: `RE.4 診療年月`.
pub(super) fn field_name(rec: &Record<'_>, n: usize, name: &str) -> String {
    format!("{}.{n} {name}", String::from_utf8_lossy(rec.id()))
}

impl Fields<'_> {
    pub(super) fn err(
        &self,
        rec: &Record<'_>,
        n: usize,
        name: &str,
        message: impl Into<String>,
    ) -> ImportError {
        ImportError::new(
            self.file,
            Some(rec.line),
            &field_name(rec, n, name),
            message,
        )
    }

    /// The field as text (trimmed of spaces, both half- and full-width).
    pub(super) fn text<'a>(
        &self,
        rec: &Record<'a>,
        n: usize,
        name: &str,
    ) -> Result<Cow<'a, str>, ImportError> {
        let raw = rec.get(n);
        // A byte below 0x20 is never part of a Shift_JIS character (trail bytes are 0x40–0xFC).
        if let Some(&b) = raw.iter().find(|b| **b < 0x20 || **b == 0x7F) {
            let c = char::from(b);
            return Err(self.err(
                rec,
                n,
                name,
                crate::import::text::control_character_message(c),
            ));
        }
        let text = if raw.is_ascii() || self.encoding == Encoding::Utf8 {
            std::str::from_utf8(raw)
                .map(Cow::Borrowed)
                .map_err(|_| self.err(rec, n, name, "not UTF-8 text"))?
        } else {
            encoding_rs::SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(raw)
                .ok_or_else(|| self.err(rec, n, name, "not Shift_JIS (CP932) text"))?
        };
        Ok(match text {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim_matches([' ', '　'])),
            Cow::Owned(s) => {
                let t = s.trim_matches([' ', '　']);
                Cow::Owned(if t.len() == s.len() { s } else { t.to_owned() })
            }
        })
    }

    /// A non-empty text field.
    pub(super) fn required_text<'a>(
        &self,
        rec: &Record<'a>,
        n: usize,
        name: &str,
    ) -> Result<Cow<'a, str>, ImportError> {
        let t = self.text(rec, n, name)?;
        if t.is_empty() {
            return Err(self.err(rec, n, name, "is empty; the record needs it"));
        }
        Ok(t)
    }

    /// A whole number ≥ 0, or `None` when the field is empty.
    pub(super) fn uint(
        &self,
        rec: &Record<'_>,
        n: usize,
        name: &str,
    ) -> Result<Option<u64>, ImportError> {
        let raw = trim_spaces(rec.get(n));
        if raw.is_empty() {
            return Ok(None);
        }
        digits(raw).map(Some).ok_or_else(|| {
            self.err(
                rec,
                n,
                name,
                format!("{:?} is not a whole number", String::from_utf8_lossy(raw)),
            )
        })
    }

    pub(super) fn required_uint(
        &self,
        rec: &Record<'_>,
        n: usize,
        name: &str,
    ) -> Result<u64, ImportError> {
        self.uint(rec, n, name)?
            .ok_or_else(|| self.err(rec, n, name, "is empty; the record needs it"))
    }

    /// A decimal as written ("1", "0.5", "1.25"; at most 5 digits before and after the point),
    /// or `None` when empty.
    pub(super) fn decimal<'a>(
        &self,
        rec: &Record<'a>,
        n: usize,
        name: &str,
    ) -> Result<Option<&'a str>, ImportError> {
        let raw = trim_spaces(rec.get(n));
        if raw.is_empty() {
            return Ok(None);
        }
        let ok = {
            let mut parts = raw.splitn(2, |b| *b == b'.');
            let whole = parts.next().unwrap_or_default();
            let frac = parts.next();
            !whole.is_empty()
                && whole.len() <= 5
                && whole.iter().all(u8::is_ascii_digit)
                && frac.is_none_or(|f| {
                    !f.is_empty() && f.len() <= 5 && f.iter().all(u8::is_ascii_digit)
                })
        };
        if !ok {
            return Err(self.err(
                rec,
                n,
                name,
                format!(
                    "{:?} is not a quantity like 1, 0.5 or 12.25",
                    String::from_utf8_lossy(raw)
                ),
            ));
        }
        // Checked ASCII above.
        Ok(std::str::from_utf8(raw).ok())
    }

    /// A code of ASCII digits and letters as written (leading zeros kept), or `None`.
    pub(super) fn code<'a>(
        &self,
        rec: &Record<'a>,
        n: usize,
        name: &str,
    ) -> Result<Option<&'a str>, ImportError> {
        let raw = trim_spaces(rec.get(n));
        if raw.is_empty() {
            return Ok(None);
        }
        if !raw.iter().all(u8::is_ascii_alphanumeric) {
            return Err(self.err(
                rec,
                n,
                name,
                format!("{:?} is not a code", String::from_utf8_lossy(raw)),
            ));
        }
        Ok(std::str::from_utf8(raw).ok())
    }

    pub(super) fn required_code<'a>(
        &self,
        rec: &Record<'a>,
        n: usize,
        name: &str,
    ) -> Result<&'a str, ImportError> {
        self.code(rec, n, name)?
            .ok_or_else(|| self.err(rec, n, name, "is empty; the record needs it"))
    }

    /// A month: 西暦 `YYYYMM` or 和暦 `GYYMM`.
    pub(super) fn month(
        &self,
        rec: &Record<'_>,
        n: usize,
        name: &str,
    ) -> Result<YearMonth, ImportError> {
        let raw = trim_spaces(rec.get(n));
        parse_month(raw).ok_or_else(|| {
            self.err(
                rec,
                n,
                name,
                format!(
                    "{:?} is not a month (YYYYMM, or GYYMM in 和暦)",
                    String::from_utf8_lossy(raw)
                ),
            )
        })
    }

    /// A date: 西暦 `YYYYMMDD` or 和暦 `GYYMMDD`; `None` when empty.
    pub(super) fn date(
        &self,
        rec: &Record<'_>,
        n: usize,
        name: &str,
    ) -> Result<Option<NaiveDate>, ImportError> {
        let raw = trim_spaces(rec.get(n));
        if raw.is_empty() {
            return Ok(None);
        }
        parse_date(raw).map(Some).ok_or_else(|| {
            self.err(
                rec,
                n,
                name,
                format!(
                    "{:?} is not a date (YYYYMMDD, or GYYMMDD in 和暦)",
                    String::from_utf8_lossy(raw)
                ),
            )
        })
    }
}

fn trim_spaces(raw: &[u8]) -> &[u8] {
    let start = raw.iter().position(|b| *b != b' ').unwrap_or(raw.len());
    let end = raw
        .iter()
        .rposition(|b| *b != b' ')
        .map_or(start, |i| i + 1);
    &raw[start..end]
}

/// ASCII digits as a number (at most 18 of them).
pub(super) fn digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || raw.len() > 18 {
        return None;
    }
    raw.iter().try_fold(0u64, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

/// 年号区分 → the 西暦 year before the era's first year: 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和.
fn era_base(code: u8) -> Option<i32> {
    match code {
        b'1' => Some(1867),
        b'2' => Some(1911),
        b'3' => Some(1925),
        b'4' => Some(1988),
        b'5' => Some(2018),
        _ => None,
    }
}

/// `YYYYMM` (6) or `GYYMM` (5), told apart by length.
pub(super) fn parse_month(raw: &[u8]) -> Option<YearMonth> {
    let (year, month) = match raw.len() {
        6 => (digits(&raw[..4])? as i32, digits(&raw[4..])? as u32),
        5 => (
            era_base(raw[0])? + digits(&raw[1..3])? as i32,
            digits(&raw[3..])? as u32,
        ),
        _ => return None,
    };
    YearMonth::new(year, month).ok()
}

/// `YYYYMMDD` (8) or `GYYMMDD` (7), told apart by length.
pub(super) fn parse_date(raw: &[u8]) -> Option<NaiveDate> {
    let split = raw.len().checked_sub(2)?;
    let month = parse_month(&raw[..split])?;
    month.day(digits(&raw[split..])? as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_seireki_and_wareki() {
        let ym = |y, m| YearMonth::new(y, m).unwrap();
        assert_eq!(parse_month(b"202406"), Some(ym(2024, 6)));
        // 平成31年1月 (the ORCA test files' form).
        assert_eq!(parse_month(b"43101"), Some(ym(2019, 1)));
        assert_eq!(parse_month(b"50601"), Some(ym(2024, 1)));
        assert_eq!(parse_month(b"202413"), None);
        assert_eq!(parse_month(b"93101"), None);
        assert_eq!(
            parse_date(b"19491010"),
            NaiveDate::from_ymd_opt(1949, 10, 10)
        );
        // 昭和24年10月10日.
        assert_eq!(
            parse_date(b"3241010"),
            NaiveDate::from_ymd_opt(1949, 10, 10)
        );
        assert_eq!(parse_date(b"20240230"), None);
        assert_eq!(parse_date(b"2024"), None);
    }

    #[test]
    fn records_split_in_place_and_skip_blank_lines() {
        let body = b"IR,1,13\r\n\r\nRE,1\nGO,1,2,99";
        let mut records = Records::new(body);
        let mut rec = Record {
            line: 0,
            fields: Vec::new(),
        };
        let mut seen = Vec::new();
        while records.next_into(&mut rec) {
            seen.push((rec.line, rec.id().to_vec(), rec.get(3).to_vec()));
        }
        assert_eq!(
            seen,
            [
                (1, b"IR".to_vec(), b"13".to_vec()),
                (3, b"RE".to_vec(), b"".to_vec()),
                (4, b"GO".to_vec(), b"2".to_vec())
            ]
        );
    }

    #[test]
    fn eof_byte_is_cut_and_nothing_may_follow_it() {
        let (b, enc) = body("f", b"IR,1\r\nGO\r\n\x1a").unwrap();
        assert_eq!((b, enc), (&b"IR,1\r\nGO\r\n"[..], Encoding::Utf8));
        let e = body("f", b"IR,1\r\n\x1aRE,1\r\n").unwrap_err();
        assert_eq!((e.at.line, e.at.field.as_str()), (Some(2), "(file)"));
        let (_, enc) = body("f", &encoding_rs::SHIFT_JIS.encode("IR,名").0).unwrap();
        assert_eq!(enc, Encoding::Cp932);
    }
}
