use super::parse::JahisError;

/// The text of a JAHIS file: UTF-8 when it is valid UTF-8 (with or without BOM; some apps and
/// QR readers hand over UTF-8), else CP932 (Windows-31J, the spec's Shift_JIS). Bytes that are
/// neither refuse the file, naming the line.
pub fn decode(bytes: &[u8]) -> Result<String, JahisError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = text.find('\u{fffd}').unwrap_or(0);
        let line = text[..bad].matches('\n').count() + 1;
        return Err(JahisError {
            line,
            record: String::new(),
            field: "(encoding)".into(),
            problem: "the file is neither CP932 (Shift_JIS) nor UTF-8 text".into(),
        });
    }
    Ok(text.into_owned())
}

/// `text` in CP932, as the spec asks. A character CP932 lacks (a rare kanji, an emoji) becomes
/// 〓 (the geta mark printed where a character cannot be set), never a numeric reference.
pub fn encode_cp932(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
        if bad {
            out.extend_from_slice(&[0x81, 0xAC]); // 〓
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    out
}
