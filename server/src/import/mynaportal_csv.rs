//! マイナポータル 医療費通知情報 CSV download (etax-export.md §3).
//!
//! The file is a key/value listing, one or two fields per line: 1-field lines are section
//! titles, 2-field lines are `key,value`. A 明細 record runs from `診療年月` to
//! `窓口相当負担額（円）`. Masked or malformed ids only cost the card (warning); a malformed
//! 明細 value refuses the whole batch, because a wrong amount would flow into 医療費控除.
//!
//! The CSV has no claim or institution ids, so they are derived from the content (see
//! [`derived_ids`]): the same file always yields the same batch id and the same lines.

use super::batch::{
    BatchId, ImportBatch, ImportError, ImportFormat, ImportWarning, InsurerInfo, PersonIdentity,
    PersonRecords,
};
use super::options::ParseOptions;
use super::text::{decode_text, fnv64, LineIndex};
use chrono::NaiveDate;
use domain::claim::{ClaimId, ClaimSource, InstitutionId, ReceiptIdentity};
use domain::expenses::{ExpenseLine, ServiceCategory};
use domain::insurance::{CardIdentity, InsurerNumber};
use domain::money::Yen;
use domain::people::Sex;
use domain::period::YearMonth;
use domain::visibility::expense_claim_visible_from;

/// A three-year download is a few hundred lines; this is far above any real file.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

const KEY_MONTH: &str = "診療年月";
const KEY_CATEGORY: &str = "診療区分";
const KEY_DAYS: &str = "日数";
const KEY_INSTITUTION: &str = "医療機関等名称";
const KEY_TOTAL: &str = "医療費の総額（円）";
const KEY_INSURER_PAID: &str = "保険者の負担額（円）";
const KEY_PUBLIC_PAID: &str = "その他の公費の負担額（円）";
const KEY_PATIENT_PAID: &str = "窓口相当負担額（円）";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Preamble,
    Qualification,
    Overview,
    Totals,
    YearTotals,
    Details,
    Insurer,
    Unknown,
}

impl Section {
    fn from_title(title: &str) -> Self {
        match title {
            "わたしの情報" | "医療費通知情報" => Self::Preamble,
            "資格情報" => Self::Qualification,
            "医療費明細一覧の概要" => Self::Overview,
            "医療費の合計" => Self::Totals,
            "年間の合計" => Self::YearTotals,
            "医療費情報明細" => Self::Details,
            "保険者情報" => Self::Insurer,
            _ => Self::Unknown,
        }
    }
}

/// A 明細 record being read; every value is parsed as soon as its line is read, so errors
/// point at the line that is wrong.
struct OpenRecord {
    line: usize,
    month: YearMonth,
    category: Option<ServiceCategory>,
    days: Option<u32>,
    institution: Option<String>,
    total: Option<Yen>,
    insurer_paid: Option<Yen>,
    public_paid: Option<Yen>,
}

/// One closed 明細 record, before ids are derived.
struct Detail {
    month: YearMonth,
    category: ServiceCategory,
    days: u32,
    institution: String,
    total: Yen,
    insurer_paid: Yen,
    public_paid: Yen,
    patient_paid: Yen,
}

/// A header total (医療費の合計 / 年間の合計), checked against the 明細 sums.
struct HeaderTotal {
    section: &'static str,
    line: usize,
    key: String,
    amount: Yen,
    period: Option<(YearMonth, YearMonth)>,
}

#[derive(Default)]
struct Header {
    name: Option<String>,
    name_kana: Option<String>,
    birth_date: Option<NaiveDate>,
    sex: Option<Sex>,
    insurer: Option<(usize, String)>,
    symbol: Option<(usize, String)>,
    number: Option<(usize, String)>,
    branch: Option<(usize, String)>,
    insurer_name: Option<String>,
    created_on: Option<NaiveDate>,
}

type Res<T> = Result<T, ImportError>;

/// Parses one download. One file is one person (the 資格情報 of the file).
pub fn parse(
    file_name: &str,
    bytes: &[u8],
    opts: &ParseOptions,
) -> Result<ImportBatch, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::new(
            file_name,
            None,
            "(file)",
            format!(
                "the file is {} bytes; the limit is {MAX_BYTES}",
                bytes.len()
            ),
        ));
    }
    let (text, _) = decode_text(bytes).ok_or_else(|| {
        ImportError::new(
            file_name,
            None,
            "(file)",
            "the file is neither UTF-8 nor Shift_JIS (CP932) text",
        )
    })?;
    let mut p = Parser {
        file: file_name,
        header: Header::default(),
        totals: Vec::new(),
        details: Vec::new(),
        warnings: Vec::new(),
    };
    p.read(&text)?;
    p.finish(bytes, opts)
}

struct Parser<'a> {
    file: &'a str,
    header: Header,
    totals: Vec<HeaderTotal>,
    details: Vec<Detail>,
    warnings: Vec<ImportWarning>,
}

/// "2025年1月" (month not zero-padded, sometimes is).
fn parse_month(raw: &str) -> Option<YearMonth> {
    let (y, rest) = raw.trim().split_once('年')?;
    let m = rest.strip_suffix('月')?;
    YearMonth::new(y.trim().parse().ok()?, m.trim().parse().ok()?).ok()
}

/// "1980年1月10日" or "1981年01月01日".
fn parse_date(raw: &str) -> Option<NaiveDate> {
    let (y, rest) = raw.trim().split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    NaiveDate::from_ymd_opt(
        y.trim().parse().ok()?,
        m.trim().parse().ok()?,
        d.trim().parse().ok()?,
    )
}

/// "2025年1月～2025年12月" (～ is U+FF5E; U+301C is accepted too).
fn parse_period(raw: &str) -> Option<(YearMonth, YearMonth)> {
    let (from, to) = raw.split_once(['～', '〜'])?;
    Some((parse_month(from)?, parse_month(to)?))
}

/// Shared downloads are often masked (`0XXXXXXX`, `X`, `*`).
fn is_masked(value: &str) -> bool {
    value
        .chars()
        .any(|c| matches!(c, 'X' | 'x' | 'Ｘ' | '*' | '＊' | '●'))
}

impl Parser<'_> {
    fn err(&self, line: usize, field: &str, message: impl Into<String>) -> ImportError {
        ImportError::new(self.file, Some(line), field, message)
    }

    fn warn(&mut self, line: usize, field: &str, message: impl Into<String>) {
        let w = ImportWarning::new(self.file, Some(line), field, message);
        self.warnings.push(w);
    }

    fn read(&mut self, text: &str) -> Res<()> {
        // Lines from byte offsets: csv's own counter is off after blank CRLF lines, and a
        // record's offset may point at the line end before it, so those bytes are skipped.
        let lines = LineIndex::new(text);
        if let Some(c) = crate::import::text::control_character(text) {
            let at = text.find(c).unwrap_or(0);
            return Err(self.err(
                lines.line_of(at),
                "(file)",
                crate::import::text::control_character_message(c),
            ));
        }
        let line_at = |byte: u64| {
            let start = byte as usize;
            let skipped = text.as_bytes().get(start..).map_or(0, |rest| {
                rest.iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count()
            });
            lines.line_of(start + skipped)
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut section = None;
        let mut open: Option<OpenRecord> = None;
        let mut period: Option<(YearMonth, YearMonth)> = None;
        let mut seen_titles = 0;
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                self.err(line, "(csv)", format!("not readable as CSV: {e}"))
            })?;
            let line = record.position().map_or(0, |p| line_at(p.byte()));
            let fields: Vec<&str> = record.iter().map(str::trim).collect();
            match fields.as_slice() {
                [] | [""] => continue,
                [title] => {
                    // The file must open with わたしの情報 / 医療費通知情報, else it is not this format.
                    if seen_titles < 2 && *title != ["わたしの情報", "医療費通知情報"][seen_titles]
                    {
                        return Err(self.err(line, "(title)", "not a マイナポータル 医療費通知情報 file: it must start with わたしの情報 and 医療費通知情報"));
                    }
                    seen_titles += 1;
                    if let Some(rec) = &open {
                        return Err(self.err(
                            rec.line,
                            KEY_PATIENT_PAID,
                            "the 明細 record starting here ends before 窓口相当負担額（円）",
                        ));
                    }
                    section = Some(Section::from_title(title));
                    period = None;
                }
                [key, value, rest @ ..] => {
                    if seen_titles < 2 {
                        return Err(self.err(line, "(title)", "not a マイナポータル 医療費通知情報 file: it must start with わたしの情報 and 医療費通知情報"));
                    }
                    // Every line is one key and one value. More fields mean a value with a
                    // comma written without quotes (`2,760` read as `2` and `760`): refuse
                    // rather than keep the part before the comma.
                    if rest.iter().any(|f| !f.is_empty()) {
                        let whole = fields[1..].join(",");
                        return Err(self.err(
                            line,
                            key,
                            format!("{whole:?} holds a comma outside quotes, so the value cannot be read safely (e.g. 2,760 would become 2); save the file with the value in quotes (\"2,760\") or without the comma, or download it again"),
                        ));
                    }
                    match section {
                        Some(Section::Preamble) if *key == "作成日" => {
                            self.header.created_on = parse_date(value)
                        }
                        Some(Section::Qualification) => self.qualification(line, key, value),
                        Some(s @ (Section::Totals | Section::YearTotals)) => {
                            let name = if s == Section::Totals {
                                "医療費の合計"
                            } else {
                                "年間の合計"
                            };
                            if *key == "期間" {
                                period = parse_period(value);
                                if period.is_none() {
                                    self.warn(line, "期間", format!("{value:?} is not a period like 2025年1月～2025年12月; its totals are compared with all lines"));
                                }
                            } else if key.ends_with("（円）") {
                                match Yen::parse(value) {
                                    Ok(amount) => self.totals.push(HeaderTotal {
                                        section: name,
                                        line,
                                        key: (*key).to_owned(),
                                        amount,
                                        period,
                                    }),
                                    Err(_) => self.warn(
                                        line,
                                        key,
                                        format!(
                                            "header total {value:?} is not an amount; not checked"
                                        ),
                                    ),
                                }
                            }
                        }
                        Some(Section::Details) => self.detail(line, key, value, &mut open)?,
                        Some(Section::Insurer) if *key == "保険者の名称" && !value.is_empty() => {
                            self.header.insurer_name = Some((*value).to_owned())
                        }
                        // Unknown keys and sections are ignored: the portal may add some.
                        _ => {}
                    }
                }
            }
        }
        if let Some(rec) = open {
            return Err(self.err(
                rec.line,
                KEY_PATIENT_PAID,
                "the last 明細 record has no 窓口相当負担額（円）; the file looks cut off",
            ));
        }
        if seen_titles < 2 {
            return Err(self.err(1, "(title)", "not a マイナポータル 医療費通知情報 file: it must start with わたしの情報 and 医療費通知情報"));
        }
        Ok(())
    }

    fn qualification(&mut self, line: usize, key: &str, value: &str) {
        let keep = || (!value.is_empty()).then(|| value.to_owned());
        match key {
            "氏名" => self.header.name = keep(),
            "氏名カナ" => self.header.name_kana = keep(),
            "生年月日" => {
                self.header.birth_date = parse_date(value);
                if self.header.birth_date.is_none() && !value.is_empty() {
                    self.warn(line, key, "not a date like 1980年1月10日; kept as unknown");
                }
            }
            "性別" => {
                self.header.sex = match value {
                    "男" => Some(Sex::Male),
                    "女" => Some(Sex::Female),
                    _ => {
                        self.warn(line, key, "neither 男 nor 女; kept as unknown");
                        None
                    }
                }
            }
            "保険者等番号" => self.header.insurer = keep().map(|v| (line, v)),
            "被保険者証等記号" => self.header.symbol = keep().map(|v| (line, v)),
            "被保険者証等番号" => self.header.number = keep().map(|v| (line, v)),
            "枝番" => self.header.branch = keep().map(|v| (line, v)),
            _ => {}
        }
    }

    fn detail(
        &mut self,
        line: usize,
        key: &str,
        value: &str,
        open: &mut Option<OpenRecord>,
    ) -> Res<()> {
        if key == KEY_MONTH {
            if let Some(prev) = open {
                return Err(self.err(
                    prev.line,
                    KEY_PATIENT_PAID,
                    "the 明細 record starting here ends before 窓口相当負担額（円）",
                ));
            }
            let month = parse_month(value).ok_or_else(|| {
                self.err(
                    line,
                    key,
                    format!("{value:?} is not a month like 2025年1月"),
                )
            })?;
            let month = domain::visibility::claim_month(month)
                .map_err(|e| self.err(line, key, e.to_string()))?;
            *open = Some(OpenRecord {
                line,
                month,
                category: None,
                days: None,
                institution: None,
                total: None,
                insurer_paid: None,
                public_paid: None,
            });
            return Ok(());
        }
        let known = [
            KEY_CATEGORY,
            KEY_DAYS,
            KEY_INSTITUTION,
            KEY_TOTAL,
            KEY_INSURER_PAID,
            KEY_PUBLIC_PAID,
            KEY_PATIENT_PAID,
        ];
        if !known.contains(&key) {
            return Ok(());
        }
        let Some(rec) = open.as_mut() else {
            return Err(self.err(
                line,
                key,
                "appears outside a 明細 record (no 診療年月 before it)",
            ));
        };
        let amount = |v: &str| {
            Yen::parse(v)
                .ok()
                .filter(|y| y.value() >= 0)
                .ok_or_else(|| {
                    ImportError::new(
                        self.file,
                        Some(line),
                        key,
                        format!("{v:?} is not an amount in yen like 2,760"),
                    )
                })
        };
        match key {
            KEY_CATEGORY => rec.category = Some(ServiceCategory::parse(value)),
            KEY_DAYS => {
                let days = value.parse().map_err(|_| {
                    self.err(line, key, format!("{value:?} is not a number of days"))
                })?;
                rec.days = Some(days);
            }
            KEY_INSTITUTION => rec.institution = Some(value.to_owned()).filter(|v| !v.is_empty()),
            KEY_TOTAL => rec.total = Some(amount(value)?),
            KEY_INSURER_PAID => rec.insurer_paid = Some(amount(value)?),
            KEY_PUBLIC_PAID => rec.public_paid = Some(amount(value)?),
            _ => {
                let patient_paid = amount(value)?;
                let rec = open.take().expect("checked above");
                self.close(rec, line, patient_paid)?;
            }
        }
        Ok(())
    }

    fn required<T>(&self, value: Option<T>, line: usize, key: &str) -> Res<T> {
        value.ok_or_else(|| self.err(line, key, "is missing from the 明細 record starting here"))
    }

    fn close(&mut self, rec: OpenRecord, line: usize, patient_paid: Yen) -> Res<()> {
        let detail = Detail {
            month: rec.month,
            category: self.required(rec.category, rec.line, KEY_CATEGORY)?,
            days: self.required(rec.days, rec.line, KEY_DAYS)?,
            institution: self.required(rec.institution, rec.line, KEY_INSTITUTION)?,
            total: self.required(rec.total, rec.line, KEY_TOTAL)?,
            insurer_paid: self.required(rec.insurer_paid, rec.line, KEY_INSURER_PAID)?,
            public_paid: self.required(rec.public_paid, rec.line, KEY_PUBLIC_PAID)?,
            patient_paid,
        };
        if let ServiceCategory::Other(label) = &detail.category {
            let label = label.clone();
            self.warn(
                rec.line,
                KEY_CATEGORY,
                format!("unknown 診療区分 {label:?}; kept as sent"),
            );
        }
        let expected =
            Yen(detail.total.value() - detail.insurer_paid.value() - detail.public_paid.value());
        if expected != patient_paid {
            self.warn(
                line,
                KEY_PATIENT_PAID,
                format!(
                    "総額 − 保険者負担 − 公費 is {}, the line says {}",
                    expected.format_yen(),
                    patient_paid.format_yen()
                ),
            );
        }
        self.details.push(detail);
        Ok(())
    }

    fn card(&mut self) -> Option<CardIdentity> {
        let h = &self.header;
        let (Some((insurer_line, insurer)), Some((number_line, number))) =
            (h.insurer.clone(), h.number.clone())
        else {
            let line = h.insurer.as_ref().or(h.number.as_ref()).map(|(l, _)| *l);
            if let Some(line) = line {
                self.warn(
                    line,
                    "被保険者証等番号",
                    "incomplete card ids; card kept as unknown",
                );
            }
            return None;
        };
        let symbol = h.symbol.clone().map(|(_, s)| s).unwrap_or_default();
        let branch = h.branch.clone().map(|(_, s)| s).unwrap_or_default();
        let masked = [
            (&insurer, "保険者等番号", insurer_line),
            (&number, "被保険者証等番号", number_line),
        ]
        .into_iter()
        .chain(h.symbol.as_ref().map(|(l, s)| (s, "被保険者証等記号", *l)))
        .chain(h.branch.as_ref().map(|(l, s)| (s, "枝番", *l)))
        .find(|(v, _, _)| is_masked(v))
        .map(|(_, key, line)| (key, line));
        if let Some((key, line)) = masked {
            self.warn(
                line,
                key,
                "masked; the card is kept as unknown, so match the person with --person",
            );
            return None;
        }
        match CardIdentity::parse(&insurer, &symbol, &number, &branch) {
            Ok(card) => Some(card),
            Err(e) => {
                self.warn(
                    insurer_line,
                    "保険者等番号",
                    format!("card kept as unknown: {e}"),
                );
                None
            }
        }
    }

    fn check_totals(&mut self) {
        let totals = std::mem::take(&mut self.totals);
        for t in &totals {
            let pick = |d: &Detail| match t.key.as_str() {
                KEY_TOTAL => Some(d.total),
                KEY_INSURER_PAID => Some(d.insurer_paid),
                KEY_PUBLIC_PAID => Some(d.public_paid),
                KEY_PATIENT_PAID => Some(d.patient_paid),
                _ => None,
            };
            let in_period = |d: &&Detail| {
                t.period
                    .is_none_or(|(from, to)| (from..=to).contains(&d.month))
            };
            let picked: Option<Vec<Yen>> =
                self.details.iter().filter(in_period).map(pick).collect();
            let Some(Ok(sum)) = picked.map(Yen::checked_sum) else {
                continue;
            };
            if sum != t.amount {
                let message = format!(
                    "{} says {}, the 明細 lines of that period add up to {}; the lines are imported as they are",
                    t.section,
                    t.amount.format_yen(),
                    sum.format_yen()
                );
                self.warn(t.line, &t.key, message);
            }
        }
    }

    fn finish(mut self, bytes: &[u8], opts: &ParseOptions) -> Res<ImportBatch> {
        self.check_totals();
        let card = self.card();
        let insurer_number = card.as_ref().map(|c| c.insurer().clone()).or_else(|| {
            let (_, raw) = self.header.insurer.as_ref()?;
            InsurerNumber::parse(raw).ok()
        });
        let name = self.header.name.clone().unwrap_or_default();
        if name.is_empty() {
            self.warn(1, "氏名", "the file has no 氏名");
        }
        let owner = opts.line_owner(None);
        let sequence = self.header.created_on.map_or(0, |d| {
            d.format("%Y%m%d").to_string().parse::<u64>().unwrap_or(0)
        });
        let expenses = derived_ids(&self.details)
            .into_iter()
            .zip(&self.details)
            .map(|((claim_id, institution), d)| {
                let accepted_on = d.month.next().day(10).expect("every month has a 10th");
                let claim = ClaimSource {
                    claim_id,
                    person: owner.clone(),
                    institution,
                    service_month: d.month,
                    receipt: ReceiptIdentity::for_expense(&d.category),
                    accepted_on,
                    sequence,
                    imported_by_you: false,
                };
                ExpenseLine {
                    claim,
                    visible_from: expense_claim_visible_from(d.month, accepted_on),
                    service_month: d.month,
                    category: d.category.clone(),
                    days: d.days,
                    institution_name: d.institution.clone(),
                    total: d.total,
                    insurer_paid: d.insurer_paid,
                    public_paid: d.public_paid,
                    patient_paid: d.patient_paid,
                }
            })
            .collect();
        let insurers = match (&insurer_number, &self.header.insurer_name) {
            (Some(number), Some(name)) => vec![InsurerInfo {
                number: number.clone(),
                name: name.clone(),
                checkup_registration: None,
            }],
            _ => Vec::new(),
        };
        let person = PersonIdentity {
            id: opts.person.clone(),
            name,
            name_kana: self.header.name_kana.clone(),
            sex: self.header.sex,
            birth_date: self.header.birth_date,
            card,
            insurer_name: self.header.insurer_name.clone(),
            insured_since: None,
        };
        Ok(ImportBatch {
            batch_id: BatchId::from_content("mynaportal", bytes),
            format: ImportFormat::MynaportalCsv,
            insurers,
            people: vec![PersonRecords {
                person,
                drugs: Vec::new(),
                checkups: Vec::new(),
                expenses,
            }],
            warnings: self.warnings,
        })
    }
}

/// Ids for lines that come without any. The institution id hashes the 医療機関等名称. The claim
/// id is one per (month, institution) — the domain's supersession key — and hashes the content
/// of all that group's lines: a later download with the same content gives the same claim id,
/// one with changed amounts (査定, re-claim) gives a new one, which then supersedes the old
/// through its later `sequence` (作成日). One claim per key matters: the supersession rule keeps
/// the lines of one claim per key, so per-line claim ids would hide e.g. 食事・生活療養 behind
/// 医科入院 of the same hospital and month.
fn derived_ids(details: &[Detail]) -> Vec<(ClaimId, InstitutionId)> {
    let institution = |d: &Detail| format!("mn-{:016x}", fnv64(d.institution.as_bytes()));
    let group_content = |d: &Detail| {
        let mut content = String::new();
        for other in details
            .iter()
            .filter(|o| o.month == d.month && o.institution == d.institution)
        {
            content.push_str(&format!(
                "{}|{}|{}|{}|{}|{}\n",
                other.category.label_ja(),
                other.days,
                other.total.value(),
                other.insurer_paid.value(),
                other.public_paid.value(),
                other.patient_paid.value()
            ));
        }
        fnv64(content.as_bytes())
    };
    details
        .iter()
        .map(|d| {
            let inst = institution(d);
            let claim = format!(
                "mn-{:04}{:02}-{:016x}-{:016x}",
                d.month.year(),
                d.month.month(),
                fnv64(d.institution.as_bytes()),
                group_content(d)
            );
            (
                ClaimId::parse(&claim).expect("derived claim ids are short ASCII"),
                InstitutionId::parse(&inst).expect("derived institution ids are short ASCII"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/import/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn parse_fixture(name: &str) -> Res<ImportBatch> {
        parse(name, &fixture(name), &ParseOptions::default())
    }

    #[test]
    fn style_a_crlf_minimal_quoting() {
        let batch = parse_fixture("mynaportal-a.csv").unwrap();
        assert_eq!(batch.format, ImportFormat::MynaportalCsv);
        assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
        let p = &batch.people[0];
        assert_eq!(p.person.name, "山田　花子");
        assert_eq!(p.person.name_kana.as_deref(), Some("ヤマダハナコ"));
        assert_eq!(p.person.birth_date, NaiveDate::from_ymd_opt(1980, 1, 10));
        assert_eq!(p.person.sex, Some(Sex::Female));
        let card = p.person.card.as_ref().unwrap();
        assert_eq!(
            (card.insurer().as_str(), card.branch().map(|b| b.as_str())),
            ("06139992", Some("00"))
        );
        assert_eq!(batch.insurers[0].name, "サンプル健康保険組合");
        assert_eq!(p.expenses.len(), 4);
        let first = &p.expenses[0];
        assert_eq!(first.service_month, YearMonth::new(2025, 1).unwrap());
        assert_eq!(first.category, ServiceCategory::MedicalOutpatient);
        assert_eq!(first.total, Yen(32_340));
        assert_eq!(
            first.visible_from,
            NaiveDate::from_ymd_opt(2025, 3, 11).unwrap()
        );
        // Dec visit: visible from Feb 9 (in time for 確定申告).
        let december = p
            .expenses
            .iter()
            .find(|e| e.service_month.month() == 12)
            .unwrap();
        assert_eq!(
            december.visible_from,
            NaiveDate::from_ymd_opt(2026, 2, 9).unwrap()
        );
        assert_eq!(
            Yen::checked_sum(p.expenses.iter().map(|e| e.patient_paid)),
            Ok(Yen(9_702 + 828 + 3_702 + 600))
        );
    }

    #[test]
    fn style_b_lf_all_quoted_matches_style_a_lines() {
        let a = parse_fixture("mynaportal-a.csv").unwrap();
        let b = parse_fixture("mynaportal-b.csv").unwrap();
        assert!(b.warnings.is_empty(), "{:?}", b.warnings);
        let pb = &b.people[0].person;
        assert_eq!(pb.name_kana.as_deref(), Some("ﾔﾏﾀﾞ ﾊﾅｺ"));
        assert_eq!(pb.birth_date, NaiveDate::from_ymd_opt(1980, 1, 10));
        // Same content, other serialization: the lines (and their derived ids) are identical.
        assert_eq!(a.people[0].expenses, b.people[0].expenses);
        assert_ne!(a.batch_id, b.batch_id);
    }

    #[test]
    fn same_file_same_batch_and_ids_cp932_too() {
        let a = parse_fixture("mynaportal-a.csv").unwrap();
        assert_eq!(a, parse_fixture("mynaportal-a.csv").unwrap());
        assert!(a.batch_id.as_str().starts_with("mynaportal-"));
        let text = String::from_utf8(fixture("mynaportal-a.csv")).unwrap();
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let c = parse("sjis.csv", &sjis, &ParseOptions::default()).unwrap();
        assert_eq!(c.people[0].expenses, a.people[0].expenses);
        // One claim per (month, institution): lines of one receipt group share it.
        let e = &a.people[0].expenses;
        assert_ne!(e[0].claim.claim_id, e[1].claim.claim_id);
        assert!(e.iter().all(|l| l.claim.claim_id.as_str().len() <= 64));
    }

    #[test]
    fn masked_ids_are_kept_as_unknown_with_a_warning() {
        let batch = parse_fixture("mynaportal-masked.csv").unwrap();
        assert!(batch.people[0].person.card.is_none());
        assert_eq!(batch.people[0].expenses.len(), 4);
        let w = &batch.warnings[0];
        assert_eq!((w.at.field.as_str(), w.at.line), ("保険者等番号", Some(12)));
        assert!(
            w.to_string()
                .starts_with("mynaportal-masked.csv:12: 保険者等番号: masked"),
            "{w}"
        );
    }

    #[test]
    fn a_control_character_refuses_the_file_at_its_line() {
        let text = String::from_utf8(fixture("mynaportal-a.csv")).unwrap();
        let bad = text.replacen("サンプル薬局", "サンプル\u{0}薬局", 1);
        let line = text[..text.find("サンプル薬局").unwrap()].lines().count();
        let e = parse("bad.csv", bad.as_bytes(), &ParseOptions::default()).unwrap_err();
        assert_eq!((e.at.field.as_str(), e.at.line), ("(file)", Some(line)));
        assert!(e.message.contains("U+0000"), "{e}");
    }

    #[test]
    fn bad_amount_refuses_the_batch() {
        let e = parse_fixture("bad-mynaportal-amount.csv").unwrap_err();
        assert_eq!(
            (e.at.field.as_str(), e.at.line),
            (KEY_INSURER_PAID, Some(44))
        );
        assert!(
            e.to_string()
                .starts_with("bad-mynaportal-amount.csv:44: 保険者の負担額（円）: "),
            "{e}"
        );
    }

    /// An amount with a thousands separator but no quotes is split by the CSV reader into
    /// `2` and `760`: the file is refused with the line and key, not read as 2 yen.
    #[test]
    fn unquoted_comma_in_a_value_refuses_the_file() {
        let text = String::from_utf8(fixture("mynaportal-a.csv")).unwrap();
        let broken = text.replacen(
            "医療費の総額（円）,\"2,760\"",
            "医療費の総額（円）,2,760",
            1,
        );
        assert_ne!(broken, text, "the fixture holds the quoted amount");
        let line = broken[..broken.find("医療費の総額（円）,2,760").unwrap()]
            .matches('\n')
            .count()
            + 1;
        let e = parse("broken.csv", broken.as_bytes(), &ParseOptions::default()).unwrap_err();
        assert_eq!((e.at.field.as_str(), e.at.line), (KEY_TOTAL, Some(line)));
        assert!(e.message.contains("\"2,760\""), "{e}");
    }

    #[test]
    fn a_month_too_late_to_publish_names_the_field() {
        let text = String::from_utf8(fixture("mynaportal-a.csv"))
            .unwrap()
            .replacen("診療年月,2025年1月", "診療年月,9999年12月", 1);
        let e = parse("late.csv", text.as_bytes(), &ParseOptions::default()).unwrap_err();
        assert_eq!((e.at.field.as_str(), e.at.line), (KEY_MONTH, Some(31)));
        assert!(e.to_string().contains("9999-12"), "{e}");
    }

    #[test]
    fn totals_mismatch_is_a_warning() {
        let batch = parse_fixture("mynaportal-totals-mismatch.csv").unwrap();
        assert_eq!(batch.people[0].expenses.len(), 4);
        let fields: Vec<_> = batch
            .warnings
            .iter()
            .map(|w| (w.at.line, w.at.field.as_str()))
            .collect();
        assert_eq!(fields, [(Some(20), KEY_TOTAL), (Some(26), KEY_TOTAL)]);
        assert!(
            batch.warnings[0].message.contains("16,000円"),
            "{}",
            batch.warnings[0]
        );
    }

    #[test]
    fn refuses_other_csv_and_cut_off_records() {
        let e = parse("x.csv", b"a,b\n1,2\n", &ParseOptions::default()).unwrap_err();
        assert_eq!(e.at.field, "(title)");
        let text = String::from_utf8(fixture("mynaportal-a.csv")).unwrap();
        let cut = &text[..text.rfind("窓口相当負担額").unwrap()];
        let e = parse("cut.csv", cut.as_bytes(), &ParseOptions::default()).unwrap_err();
        assert_eq!(e.at.field, KEY_PATIENT_PAID);
    }
}
