//! The マイナポータル 医療費通知情報 CSV (etax-export.md §3), written in style (a): UTF-8 without
//! BOM, CRLF, a field quoted only when it holds `,` `"` or a line break, amounts with
//! thousands separators, the exact titles and keys. One file is one person, so the importer
//! (`import::mynaportal_csv`) reads it back to the same lines.

use chrono::{Datelike, NaiveDate};
use domain::expenses::ExpenseLine;
use domain::money::{group_thousands, Yen};
use domain::people::Sex;
use domain::period::YearMonth;

pub const MEDIA_TYPE: &str = "text/csv; charset=utf-8";

/// 資格情報 and 保険者情報 of the file's person (empty where Karte does not know it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvPerson {
    pub name: String,
    pub name_kana: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub insurer_number: Option<String>,
    pub symbol: Option<String>,
    pub number: Option<String>,
    pub branch: Option<String>,
    pub insurer_name: Option<String>,
}

/// A cell a spreadsheet would read as a formula (`= + - @`, or TAB/CR before one) gets a
/// leading `'`, so opening the file never runs anything. Our own amounts ("-1,000") stay as
/// they are: a plain number is no formula.
fn neutralise(value: &str) -> std::borrow::Cow<'_, str> {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = value.strip_prefix('-').is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == ',')
    });
    if risky && !number {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

fn field(out: &mut String, value: &str) {
    let value = &*neutralise(value);
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn line(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f);
    }
    out.push_str("\r\n");
}

fn month(m: YearMonth) -> String {
    format!("{}年{}月", m.year(), m.month())
}

fn date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn amount(y: Yen) -> String {
    group_thousands(y.value())
}

/// The four amount sums of some lines, for the header blocks.
fn totals(out: &mut String, title: &str, period: &str, lines: &[ExpenseLine]) {
    let sum = |f: fn(&ExpenseLine) -> Yen| Yen(lines.iter().map(|l| f(l).value()).sum());
    line(out, &[title]);
    line(out, &["期間", period]);
    line(out, &["医療費の総額（円）", &amount(sum(|l| l.total))]);
    line(
        out,
        &["保険者の負担額（円）", &amount(sum(|l| l.insurer_paid))],
    );
    line(
        out,
        &[
            "その他の公費の負担額（円）",
            &amount(sum(|l| l.public_paid)),
        ],
    );
    line(
        out,
        &["窓口相当負担額（円）", &amount(sum(|l| l.patient_paid))],
    );
}

/// The file for `person`'s `lines` (given in the order to write), covering at least the
/// months `from`..=`to` (widened to every line's month, so the header totals match the
/// lines as the importer checks them).
pub fn write(
    person: &CsvPerson,
    lines: &[ExpenseLine],
    from: YearMonth,
    to: YearMonth,
    created_on: NaiveDate,
) -> String {
    let from = lines.iter().map(|l| l.service_month).fold(from, Ord::min);
    let to = lines.iter().map(|l| l.service_month).fold(to, Ord::max);
    let period = format!("{}～{}", month(from), month(to));
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut out = String::with_capacity(1024 + lines.len() * 260);
    line(&mut out, &["わたしの情報"]);
    line(&mut out, &["医療費通知情報"]);
    out.push_str("\r\n");
    line(&mut out, &["項目名", "内容"]);
    line(&mut out, &["作成日", &date(created_on)]);
    line(&mut out, &["資格情報"]);
    line(&mut out, &["氏名カナ", &opt(&person.name_kana)]);
    line(&mut out, &["氏名", &person.name]);
    let birth = person.birth_date.map(date).unwrap_or_default();
    line(&mut out, &["生年月日", &birth]);
    let sex = match person.sex {
        Some(Sex::Male) => "男",
        Some(Sex::Female) => "女",
        None => "",
    };
    line(&mut out, &["性別", sex]);
    let age = person
        .birth_date
        .and_then(|b| domain::wareki::age_on(b, created_on))
        .map(|a| format!("{a}歳"))
        .unwrap_or_default();
    line(&mut out, &["年齢", &age]);
    line(&mut out, &["保険者等番号", &opt(&person.insurer_number)]);
    line(&mut out, &["被保険者証等記号", &opt(&person.symbol)]);
    line(&mut out, &["被保険者証等番号", &opt(&person.number)]);
    line(&mut out, &["枝番", &opt(&person.branch)]);
    line(&mut out, &["医療費明細一覧の概要"]);
    line(&mut out, &["一覧表示の範囲", &format!("{}まで", month(to))]);
    totals(&mut out, "医療費の合計", &period, lines);
    totals(&mut out, "年間の合計", &period, lines);
    line(&mut out, &["医療費情報明細"]);
    for l in lines {
        line(&mut out, &["診療年月", &month(l.service_month)]);
        line(&mut out, &["診療区分", l.category.label_ja()]);
        line(&mut out, &["日数", &l.days.to_string()]);
        line(&mut out, &["医療機関等名称", &l.institution_name]);
        line(&mut out, &["医療費の総額（円）", &amount(l.total)]);
        line(&mut out, &["保険者の負担額（円）", &amount(l.insurer_paid)]);
        line(
            &mut out,
            &["その他の公費の負担額（円）", &amount(l.public_paid)],
        );
        line(&mut out, &["窓口相当負担額（円）", &amount(l.patient_paid)]);
    }
    line(&mut out, &["保険者情報"]);
    line(&mut out, &["保険者の名称", &opt(&person.insurer_name)]);
    line(&mut out, &["医療費情報明細の範囲", &period]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{mynaportal_csv, ParseOptions};

    fn fixture() -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/import/mynaportal-a.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()
    }

    #[test]
    fn the_fixture_is_written_back_byte_for_byte() {
        let original = fixture();
        let batch = mynaportal_csv::parse("a.csv", &original, &ParseOptions::default()).unwrap();
        let p = &batch.people[0];
        let card = p.person.card.as_ref().unwrap();
        let person = CsvPerson {
            name: p.person.name.clone(),
            name_kana: p.person.name_kana.clone(),
            birth_date: p.person.birth_date,
            sex: p.person.sex,
            insurer_number: Some(card.insurer().as_str().to_owned()),
            symbol: card.symbol().map(|s| s.as_str().to_owned()),
            number: Some(card.number().as_str().to_owned()),
            branch: card.branch().map(|b| b.as_str().to_owned()),
            insurer_name: p.person.insurer_name.clone(),
        };
        let ym = |s| YearMonth::parse(s).unwrap();
        let text = write(
            &person,
            &p.expenses,
            ym("2025-01"),
            ym("2025-12"),
            NaiveDate::from_ymd_opt(2026, 2, 23).unwrap(),
        );
        let expected = String::from_utf8(original).unwrap();
        assert_eq!(text, expected);
    }

    #[test]
    fn formula_cells_are_neutralised() {
        let mut out = String::new();
        line(
            &mut out,
            &[
                "=HYPERLINK(\"http://evil.example\")",
                "+1",
                "@SUM(A1)",
                "\t=1",
                "\r=1",
                "-1+1",
                "-1,000",
                "山田",
            ],
        );
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"http://evil.example\"\")\",'+1,'@SUM(A1),'\t=1,\"'\r=1\",'-1+1,\"-1,000\",山田\r\n"
        );
    }

    #[test]
    fn quoting_only_where_needed() {
        let mut out = String::new();
        line(&mut out, &["医療機関等名称", "A, \"B\""]);
        line(&mut out, &["窓口相当負担額（円）", "828"]);
        assert_eq!(
            out,
            "医療機関等名称,\"A, \"\"B\"\"\"\r\n窓口相当負担額（円）,828\r\n"
        );
    }
}
