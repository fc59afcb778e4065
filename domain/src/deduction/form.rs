//! The rows of the NTA 医療費集計フォーム Ver.3.1 (etax-export.md §2): what goes in B–J of each
//! data row, within the form's limits. The xlsx writing itself is the server's.

use super::lines::{DeductionLine, FormCategory};
use crate::money::Yen;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Data rows 9–1003 of the form.
pub const MAX_ROWS: usize = 995;
/// B 医療を受けた人: 全角10文字以内.
pub const PERSON_MAX_CHARS: usize = 10;
/// C 病院・薬局などの名称: 全角20文字以内.
pub const PAYEE_MAX_CHARS: usize = 20;
/// H and I: 半角数字９桁以内.
pub const AMOUNT_MAX: Yen = Yen(999_999_999);
/// The largest 総所得金額等 the workbench takes (1兆円); anything above is a typing slip.
pub const INCOME_MAX: Yen = Yen(1_000_000_000_000);

/// One data row, ready to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRow {
    /// B, at most 10 characters.
    pub person: String,
    /// C, at most 20 characters.
    pub payee: String,
    /// D–G: which 区分 columns say 該当する.
    pub categories: [bool; 4],
    /// H
    pub paid: Yen,
    /// I: the 補填 of this row, never more than H (§1: subtracted only from its own expense).
    pub reimbursed: Yen,
    /// J as the person would type it into the text cell: `2025/3/1`.
    pub paid_on: Option<String>,
}

/// The rows, and which rows had a name cut to fit (1-based row numbers, as the form's No).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRows {
    pub rows: Vec<FormRow>,
    pub truncated: Vec<usize>,
    /// The ticked lines were more than the form holds, so each row is the sum of the lines of
    /// one (医療を受けた人, 病院・薬局などの名称, 区分), as the form's sheet 2 allows.
    #[serde(default)]
    pub grouped: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormError {
    #[error("{rows} lines do not fit the 医療費集計フォーム, which holds {max}, even grouped per person, payee and 区分 ({groups} rows): untick lines or export each person separately (one file per person), and load the files into 作成コーナー one after the other")]
    TooManyRows {
        rows: usize,
        groups: usize,
        max: usize,
    },
    #[error("line {row}: the form takes amounts up to 999,999,999円")]
    AmountTooLarge { row: usize },
    #[error("line {row}: amounts cannot be negative")]
    Negative { row: usize },
}

/// The first `max` characters of `text` and whether anything was cut. Excel counts
/// characters, not bytes, so a full-width name of 10 characters fits B.
pub fn fit(text: &str, max: usize) -> (String, bool) {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((cut, _)) => (text[..cut].to_owned(), true),
        None => (text.to_owned(), false),
    }
}

/// J as typed into a text cell (the form's own sample writes 2019/1/2).
pub fn paid_on_text(date: NaiveDate) -> String {
    format!("{}/{}/{}", date.year(), date.month(), date.day())
}

/// The ticked lines as form rows, in order. When they are more than the form's 995 rows, the
/// lines of one (医療を受けた人, 病院・薬局などの名称, 区分) are summed into one row, in order of
/// first appearance (etax-export.md §2, allowed by the form's sheet 2); only when even the
/// groups do not fit is it an error that tells the person what to do. Nothing is dropped.
pub fn form_rows(lines: &[DeductionLine]) -> Result<FormRows, FormError> {
    let ticked: Vec<&DeductionLine> = lines.iter().filter(|l| l.included).collect();
    for (i, l) in ticked.iter().enumerate() {
        if l.paid < Yen::ZERO || l.reimbursed < Yen::ZERO {
            return Err(FormError::Negative { row: i + 1 });
        }
    }
    let grouped = ticked.len() > MAX_ROWS;
    let entries = if grouped {
        let groups = group(&ticked)?;
        if groups.len() > MAX_ROWS {
            return Err(FormError::TooManyRows {
                rows: ticked.len(),
                groups: groups.len(),
                max: MAX_ROWS,
            });
        }
        groups
    } else {
        ticked
            .iter()
            .map(|l| Entry {
                line: l,
                paid: l.paid,
                reimbursed: l.reimbursed.min(l.paid),
                paid_on: l.paid_on,
            })
            .collect()
    };
    let mut rows = Vec::with_capacity(entries.len());
    let mut truncated = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let (row, l) = (i + 1, e.line);
        if e.paid > AMOUNT_MAX {
            return Err(FormError::AmountTooLarge { row });
        }
        let (person, cut_person) = fit(&l.person_name, PERSON_MAX_CHARS);
        let (payee, cut_payee) = fit(&l.payee, PAYEE_MAX_CHARS);
        if cut_person || cut_payee {
            truncated.push(row);
        }
        let mut categories = [false; 4];
        categories[l.category.column()] = true;
        rows.push(FormRow {
            person,
            payee,
            categories,
            paid: e.paid,
            reimbursed: e.reimbursed,
            paid_on: e.paid_on.map(paid_on_text),
        });
    }
    Ok(FormRows {
        rows,
        truncated,
        grouped,
    })
}

/// One row before it is cut to the form: a line, or the sum of a group of lines (named by
/// its first line). 補填 is capped per line before summing (§1: each 補填 is subtracted only
/// from its own expense); a group's 支払年月日 is kept only when all its lines share it.
struct Entry<'a> {
    line: &'a DeductionLine,
    paid: Yen,
    reimbursed: Yen,
    paid_on: Option<NaiveDate>,
}

fn group<'a>(ticked: &[&'a DeductionLine]) -> Result<Vec<Entry<'a>>, FormError> {
    let mut index: std::collections::HashMap<(&str, &str, FormCategory), usize> =
        std::collections::HashMap::new();
    let mut out: Vec<Entry<'a>> = Vec::new();
    for (i, l) in ticked.iter().enumerate() {
        let key = (l.person_name.trim(), l.payee.trim(), l.category);
        let add = |a: Yen, b: Yen| {
            a.0.checked_add(b.0)
                .map(Yen)
                .ok_or(FormError::AmountTooLarge { row: i + 1 })
        };
        match index.get(&key) {
            Some(&at) => {
                let e = &mut out[at];
                e.paid = add(e.paid, l.paid)?;
                e.reimbursed = add(e.reimbursed, l.reimbursed.min(l.paid))?;
                if e.paid_on != l.paid_on {
                    e.paid_on = None;
                }
            }
            None => {
                index.insert(key, out.len());
                out.push(Entry {
                    line: l,
                    paid: l.paid,
                    reimbursed: l.reimbursed.min(l.paid),
                    paid_on: l.paid_on,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::lines::LineOrigin;
    use super::*;

    fn line(name: &str, payee: &str, paid: i64, reimbursed: i64) -> DeductionLine {
        DeductionLine {
            origin: LineOrigin::Manual { id: 1 },
            person: None,
            person_name: name.into(),
            payee: payee.into(),
            category: FormCategory::Other,
            paid: Yen(paid),
            reimbursed: Yen(reimbursed),
            paid_on: NaiveDate::from_ymd_opt(2025, 1, 2),
            self_medication: false,
            included: true,
            note: String::new(),
        }
    }

    #[test]
    fn names_are_cut_by_characters() {
        assert_eq!(fit("国税　太郎", 10), ("国税　太郎".into(), false));
        assert_eq!(
            fit("一二三四五六七八九十", 10),
            ("一二三四五六七八九十".into(), false)
        );
        assert_eq!(
            fit("一二三四五六七八九十一", 10),
            ("一二三四五六七八九十".into(), true)
        );
        assert_eq!(fit("  abc  ", 2), ("ab".into(), true));
    }

    #[test]
    fn rows_follow_the_form() {
        let lines = vec![
            line(
                "国税　太郎",
                "とても長い名前の総合病院附属第二クリニック分院",
                10_000,
                30_000,
            ),
            line("国税　花子", "タクシー", 3_000, 0),
        ];
        let f = form_rows(&lines).unwrap();
        assert_eq!(f.truncated, [1]);
        assert_eq!(f.rows[0].payee.chars().count(), 20);
        // 補填 larger than the expense: only the expense's own amount is written.
        assert_eq!(f.rows[0].reimbursed, Yen(10_000));
        assert_eq!(f.rows[1].categories, [false, false, false, true]);
        assert_eq!(f.rows[1].paid_on.as_deref(), Some("2025/1/2"));
    }

    #[test]
    fn unticked_lines_are_left_out_and_the_limit_is_995() {
        let distinct = |i: usize| line("a", &format!("b{i}"), 1, 0);
        let mut lines: Vec<_> = (0..MAX_ROWS).map(distinct).collect();
        lines.push(DeductionLine {
            included: false,
            ..distinct(MAX_ROWS)
        });
        let f = form_rows(&lines).unwrap();
        assert_eq!((f.rows.len(), f.grouped), (MAX_ROWS, false));
        lines.push(distinct(MAX_ROWS + 1));
        let e = form_rows(&lines).unwrap_err();
        assert_eq!(
            e,
            FormError::TooManyRows {
                rows: 996,
                groups: 996,
                max: 995
            }
        );
        assert!(e.to_string().contains("one file per person"), "{e}");
    }

    /// More than 995 ticked lines are grouped per (人, 名称, 区分) and summed; the totals stay.
    #[test]
    fn over_995_lines_are_grouped_and_sums_kept() {
        let mut lines: Vec<_> = (0..1_200)
            .map(|i| {
                let mut l = line(
                    ["国税　太郎", "国税　花子"][i % 2],
                    &format!("薬局{}", i % 7),
                    100 + i as i64,
                    if i % 5 == 0 { 500 } else { 10 },
                );
                l.category = [FormCategory::Treatment, FormCategory::Medicine][i % 3 % 2];
                l
            })
            .collect();
        lines[3].included = false;
        let f = form_rows(&lines).unwrap();
        assert!(f.grouped);
        assert!(f.rows.len() <= 2 * 7 * 2, "{}", f.rows.len());
        let ticked = lines.iter().filter(|l| l.included);
        let paid: i64 = ticked.clone().map(|l| l.paid.0).sum();
        let reimbursed: i64 = ticked.map(|l| l.reimbursed.min(l.paid).0).sum();
        assert_eq!(f.rows.iter().map(|r| r.paid.0).sum::<i64>(), paid);
        assert_eq!(
            f.rows.iter().map(|r| r.reimbursed.0).sum::<i64>(),
            reimbursed
        );
        assert_eq!(f.rows[0].person, "国税　太郎");
        assert_eq!(f.rows[0].payee, "薬局0");
    }

    #[test]
    fn amounts_within_nine_digits() {
        assert!(form_rows(&[line("a", "b", 999_999_999, 0)]).is_ok());
        assert_eq!(
            form_rows(&[line("a", "b", 1_000_000_000, 0)]),
            Err(FormError::AmountTooLarge { row: 1 })
        );
        assert_eq!(
            form_rows(&[line("a", "b", 1, -1)]),
            Err(FormError::Negative { row: 1 })
        );
    }
}
