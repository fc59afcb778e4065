//! Byte-level helpers the parsers share: decoding text files and numbering their lines.

use std::borrow::Cow;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How a text file was encoded, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    Utf8,
    Cp932,
}

/// Decodes UTF-8 (BOM trimmed) or, failing that, CP932 (Windows Shift_JIS, what Excel writes
/// when people re-save a download). `None` when it is neither.
pub(crate) fn decode_text(bytes: &[u8]) -> Option<(Cow<'_, str>, TextEncoding)> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Some((Cow::Borrowed(s), TextEncoding::Utf8));
    }
    // encoding_rs's Shift_JIS is the WHATWG one, i.e. CP932 with its NEC/IBM extensions.
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(body);
    (!had_errors).then_some((text, TextEncoding::Cp932))
}

/// UTF-8 only, BOM trimmed (XML and JSON inputs).
pub(crate) fn utf8_without_bom(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    std::str::from_utf8(bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes))
}

/// The first control character of `s` other than tab and line ends: text fields never hold
/// one, and PostgreSQL cannot store NUL, so a file with one is refused where it is read (with
/// its line and field) instead of failing in the database, or storing on one backend what the
/// other refuses.
pub(crate) fn control_character(s: &str) -> Option<char> {
    s.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The message for [`control_character`].
pub(crate) fn control_character_message(c: char) -> String {
    format!(
        "holds the control character U+{:04X}, which no text field may contain; remove it from the file",
        u32::from(c)
    )
}

/// Maps byte offsets to 1-based line numbers, counting CRLF, LF and lone CR as one line end
/// each (hc08 files come with all three).
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 2;
                    continue;
                }
                b'\r' | b'\n' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Self { starts }
    }

    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

pub(crate) use crate::hash::fnv1a64 as fnv64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_crlf_lf_and_cr() {
        let idx = LineIndex::new("a\r\nb\nc\rd");
        assert_eq!(
            [0, 3, 5, 7].map(|o| idx.line_of(o)),
            [1, 2, 3, 4],
            "one line per CRLF, LF or CR"
        );
    }

    #[test]
    fn decodes_bom_utf8_and_cp932() {
        let (s, enc) = decode_text("\u{feff}わたし".as_bytes()).unwrap();
        assert_eq!((s.as_ref(), enc), ("わたし", TextEncoding::Utf8));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("医療費通知情報");
        let (s, enc) = decode_text(&sjis).unwrap();
        assert_eq!((s.as_ref(), enc), ("医療費通知情報", TextEncoding::Cp932));
    }
}
