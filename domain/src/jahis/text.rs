use super::parse::JahisError;

/// The text of a JAHIS file: UTF-8 when it is valid UTF-8 (with or without BOM; some apps and
/// QR readers hand over UTF-8), else CP932 (Windows-31J, the spec's Shift_JIS). Bytes that are
/// neither refuse the file, naming the line.
pub fn decode(bytes: &[u8]) -> Result<String, JahisError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        if !reads_as_cp932_instead(text, bytes) {
            return Ok(text.to_owned());
        }
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

/// CP932 bytes can happen to be valid UTF-8: a half-width kana followed by a two-byte character
/// (ﾂァ is C2 83 40, read as U+0083 and "@"; ﾃァ is C3 83 40, read as "Ã@"). Such a reading has
/// what a Japanese medication record in UTF-8 never has — a C1 control character, or letters of
/// U+00A0–U+07FF (Latin, Greek, Cyrillic …) with no Japanese at all (UTF-8 Japanese is three
/// bytes, U+0800 and up). Then, if the bytes are clean CP932, they are CP932.
fn reads_as_cp932_instead(utf8: &str, bytes: &[u8]) -> bool {
    let c1 = utf8.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c));
    let japanese = utf8.chars().any(|c| c >= '\u{800}');
    let other_letters = utf8.chars().any(|c| ('\u{A0}'..='\u{7FF}').contains(&c));
    (c1 || (other_letters && !japanese))
        && !encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes).1
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

#[cfg(test)]
mod tests {
    use super::{decode, encode_cp932};

    #[test]
    fn cp932_that_happens_to_be_valid_utf8_is_read_as_cp932() {
        // Found by the round-trip property test: ﾂァ in CP932 is C2 83 40, valid UTF-8.
        for text in ["ﾂァ", "ﾃァ", "aﾃァ0ﾂァ"] {
            let bytes = encode_cp932(text);
            assert!(
                std::str::from_utf8(&bytes).is_ok(),
                "{text}: valid UTF-8 by chance"
            );
            assert_eq!(decode(&bytes).unwrap(), text);
        }
    }

    #[test]
    fn utf8_japanese_stays_utf8_even_with_latin_signs() {
        for text in ["アムロジピン錠５µｇ", "体温３６．５°C", "ｱﾑﾛｼﾞﾋﾟﾝ"]
        {
            assert_eq!(decode(text.as_bytes()).unwrap(), text);
        }
    }
}
