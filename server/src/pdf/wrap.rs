//! Line breaking inside a table cell: greedy by the font's real advance widths, with the
//! Japanese line-break rules (禁則処理) and word breaks for Latin text. Pure: the caller passes
//! the width of each character, so this is tested without a font.

/// Characters that must not begin a line (行頭禁則): closing brackets, punctuation, the long
/// vowel mark, the middle dot, small kana, iteration marks.
pub const NO_LINE_START: &str = "、。，．,.)]}）］｝」』】〕〉》〙〗ー―‐–〜～・：；:;？！?!ゝゞヽヾ々〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ％%";

/// Characters that must not end a line (行末禁則): opening brackets.
pub const NO_LINE_END: &str = "([{（［｛「『【〔〈《〘〖";

fn no_start(c: char) -> bool {
    NO_LINE_START.contains(c)
}

fn no_end(c: char) -> bool {
    NO_LINE_END.contains(c)
}

/// Latin letters and digits, which break only at spaces (a word is never cut unless it is
/// wider than the whole cell).
fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '\'' | '/' | '_' | '.' | ',' | '(' | ')')
}

/// Splits `text` into lines no wider than `max_width` (in the unit `width` returns).
/// Explicit `\n` start a new line. Rules, in order of priority:
/// 1. a line is never wider than `max_width`, unless a single character is;
/// 2. no [`NO_LINE_START`] character at a line start and no [`NO_LINE_END`] at a line end
///    (the break moves earlier, 追い出し; if the whole line would move, the rule yields);
/// 3. Latin words break at spaces; spaces at a break are dropped.
pub fn wrap(text: &str, max_width: f32, width: &dyn Fn(char) -> f32) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, max_width, width, &mut out);
    }
    out
}

fn wrap_paragraph(text: &str, max_width: f32, width: &dyn Fn(char) -> f32, out: &mut Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        out.push(String::new());
        return;
    }
    let mut start = 0;
    while start < chars.len() {
        // Greedy: the most characters that fit (at least one).
        let mut used = 0.0;
        let mut end = start;
        while end < chars.len() {
            let w = width(chars[end]);
            if end > start && used + w > max_width + 1e-3 {
                break;
            }
            used += w;
            end += 1;
        }
        if end < chars.len() {
            end = adjust_break(&chars, start, end);
        }
        let line: String = chars[start..end].iter().collect();
        out.push(line.trim_end_matches(' ').to_owned());
        start = end;
        // A space at the start of the next line is the break itself.
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
}

/// Moves a break at `end` (line = `start..end`, the next line starts at `end`) earlier so it
/// obeys the rules; keeps `end` when no earlier break does.
fn adjust_break(chars: &[char], start: usize, end: usize) -> usize {
    let ok = |i: usize| -> bool {
        let (before, after) = (chars[i - 1], chars[i]);
        if no_start(after) || no_end(before) {
            return false;
        }
        // Inside a Latin word.
        !(word_char(before) && word_char(after))
    };
    if ok(end) {
        return end;
    }
    // Latin text: the last space in the line.
    if let Some(space) = (start + 1..end)
        .rev()
        .find(|&i| chars[i] == ' ' || chars[i - 1] == ' ')
    {
        if ok_kinsoku(chars, space) {
            return space;
        }
    }
    // Otherwise the nearest earlier position that obeys the rules (no more than a few
    // characters back, as typesetters do).
    let floor = start + 1;
    let mut i = end;
    while i > floor {
        i -= 1;
        if ok(i) {
            return i;
        }
        if end - i > 8 {
            break;
        }
    }
    // Only 禁則 (not words) then: a long word may be cut, a 禁則 character may not move.
    let mut i = end + 1;
    while i > floor {
        i -= 1;
        if ok_kinsoku(chars, i) {
            return i;
        }
    }
    end
}

fn ok_kinsoku(chars: &[char], i: usize) -> bool {
    !(no_start(chars[i]) || no_end(chars[i - 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Full-width characters are 1 wide, ASCII 0.5 (like a Japanese font at size 1).
    fn w(c: char) -> f32 {
        if c.is_ascii() {
            0.5
        } else {
            1.0
        }
    }

    fn lines(text: &str, max: f32) -> Vec<String> {
        wrap(text, max, &w)
    }

    fn assert_rules(out: &[String], max: f32) {
        for (n, line) in out.iter().enumerate() {
            let width: f32 = line.chars().map(w).sum();
            assert!(width <= max + 1e-3, "line {n} {line:?} is {width} wide");
            if n > 0 {
                let first = line.chars().next().unwrap();
                assert!(!no_start(first), "line {n} {line:?} starts with {first}");
            }
            if n + 1 < out.len() {
                let last = line.chars().last().unwrap();
                assert!(!no_end(last), "line {n} {line:?} ends with {last}");
            }
        }
    }

    #[test]
    fn fits_on_one_line() {
        assert_eq!(lines("ロキソニン錠", 10.0), ["ロキソニン錠"]);
        assert_eq!(lines("", 10.0), [""]);
    }

    #[test]
    fn breaks_by_width() {
        assert_eq!(
            lines("あいうえおかきくけこ", 4.0),
            ["あいうえ", "おかきく", "けこ"]
        );
        // ASCII is half width: 8 fit in 4.
        assert_eq!(lines("12345678901", 4.0), ["12345678", "901"]);
    }

    #[test]
    fn punctuation_never_starts_a_line() {
        // "あいう、" would put 、 at the start of line 2: the break moves back one.
        let out = lines("あいう、えお。かき", 3.0);
        assert_eq!(out, ["あい", "う、え", "お。か", "き"]);
        assert_rules(&out, 3.0);
        assert!(!out
            .iter()
            .skip(1)
            .any(|l| l.starts_with('、') || l.starts_with('。')));
    }

    #[test]
    fn each_rule_character() {
        for c in ['、', '。', '」', '）', 'ー', '・', 'ッ', 'ょ'] {
            let text = format!("あい{c}う");
            let out = lines(&text, 2.0);
            assert_eq!(out[0], "あ", "{c}: {out:?}");
            assert_eq!(out[1], format!("い{c}"), "{c}: {out:?}");
            assert_rules(&out, 2.0);
        }
        for c in ['「', '（'] {
            let text = format!("あ{c}いう");
            let out = lines(&text, 2.0);
            assert_eq!(out[0], "あ", "{c}: {out:?}");
            assert_eq!(out[1], format!("{c}い"), "{c}: {out:?}");
            assert_rules(&out, 2.0);
        }
    }

    #[test]
    fn opening_bracket_never_ends_a_line() {
        assert_eq!(lines("あいうえお（かき", 6.0), ["あいうえお", "（かき"]);
        let out = lines("アムロジピン（ノルバスク）錠", 6.0);
        assert_eq!(out, ["アムロジピン", "（ノルバス", "ク）錠"]);
        assert_rules(&out, 6.0);
    }

    #[test]
    fn latin_words_break_at_spaces() {
        assert_eq!(
            lines("take one tablet after meals", 6.0),
            ["take one", "tablet after", "meals"]
        );
        // A word wider than the cell is cut.
        let out = lines("Pseudoephedrinehydrochloride", 5.0);
        assert_eq!(out, ["Pseudoephe", "drinehydro", "chloride"]);
        assert_rules(&out, 5.0);
    }

    #[test]
    fn explicit_newlines() {
        assert_eq!(lines("1日3回\n毎食後", 10.0), ["1日3回", "毎食後"]);
    }

    #[test]
    fn a_run_of_forbidden_characters_still_fits() {
        // Every position is forbidden: the width rule wins.
        let out = lines("ーーーーーーーー", 3.0);
        assert_eq!(out.concat(), "ーーーーーーーー");
        for l in &out {
            assert!(l.chars().count() <= 3);
        }
    }

    #[test]
    fn never_loses_or_overflows_any_text() {
        let samples = [
            "レバミピド錠100mg「オーツカ」（ムコスタ錠100mgの後発品）、1日3回毎食後。",
            "【般】ロスバスタチン錠2.5mg・1日1回夕食後・・・",
            "麻）モルヒネ塩酸塩錠10mg",
            "Amlodipine besylate tablets 5 mg (generic), once daily after breakfast.",
        ];
        for text in samples {
            for max in [2.0, 3.0, 4.5, 7.0, 12.0] {
                let out = lines(text, max);
                assert_rules_width_only(&out, max);
                let joined: String = out.concat();
                let spaceless = |s: &str| s.replace(' ', "");
                assert_eq!(spaceless(&joined), spaceless(text), "{text} at {max}");
            }
        }
    }

    fn assert_rules_width_only(out: &[String], max: f32) {
        for line in out {
            let width: f32 = line.chars().map(w).sum();
            assert!(
                width <= max + 1e-3 || line.chars().count() == 1,
                "{line:?} {width} > {max}"
            );
        }
    }
}
