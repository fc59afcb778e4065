//! レセプト電算処理システム receipt files ("UKE", `RECEIPTC.UKE`): 医科 and 調剤 claims of one
//! institution and one 請求年月, read into the same drug and expense lines as every other
//! import (receipts.md).
//!
//! - The file is read once, line by line, in place ([`reader`]); only names and 特別指示 are
//!   decoded from Shift_JIS (CP932). 西暦 and 和暦 dates, the EOF byte, trailing fields left
//!   out, and the 支払基金 保険者向け variant (three leading columns) are all read.
//! - Drug lines: 医科 IY with 診療識別 21/22/23 (投薬), 31–33 (注射), 14 (在宅) — one line per
//!   filled day column, an empty 診療識別 inheriting the one before; 調剤 SH/CZ/IY — per 処方,
//!   each IY with the CZ run before it (剤形 → 使用区分, 用法, 特別指示, 使用量, 1回用量,
//!   調剤年月日, 調剤数量). Names, units and 麻毒覚向 come from the 医薬品マスター ([`master`]).
//! - Expense notices: one per receipt (see [`Receipt::notice`]).
//! - Receipt identity: person, institution, 診療年月 and what makes a receipt separate
//!   (`domain::claim::ReceiptIdentity`: 医科 入院/入院外 from レセプト種別, 調剤 with its
//!   処方医療機関). The claim id names the file's institution, 請求年月, 診療年月 and
//!   レセプト番号, so a 月遅れ or 返戻再請求 in a later file is a new claim of the same
//!   receipt and supersedes the earlier one by its later acceptance.
//! - Acceptance: a receipt is accepted in its 請求年月 (the file's IR.8 / YK.7), on the 10th
//!   (the submission deadline); publication dates follow from it by the domain's rules.
//!
//! Anything malformed refuses the whole file with record type, line and field.

mod codes;
pub mod master;
mod reader;
#[cfg(test)]
mod tests;

use super::batch::{
    BatchId, ImportBatch, ImportError, ImportFormat, ImportWarning, PersonIdentity, PersonRecords,
};
use super::options::ParseOptions;
use chrono::NaiveDate;
use domain::claim::{
    CareSetting, ClaimId, ClaimSource, InstitutionId, ReceiptIdentity, ReceiptKind,
};
use domain::drugs::{
    DispensedQuantity, DrugLine, PrescriptionKind, QuantityUnit, ReceiptDrugCode, UsageKind,
};
use domain::expenses::{ExpenseLine, ServiceCategory};
use domain::insurance::CardIdentity;
use domain::money::Yen;
use domain::people::Sex;
use domain::period::YearMonth;
use domain::visibility::{drug_visible_from, expense_claim_visible_from};
use reader::{Fields, Record, Records};
use std::collections::HashMap;

/// A month of one large hospital is a few MB; the upload cap of every format.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// Whether the first record is an IR (医科) or YK (調剤) header, as the file starts, or after
/// the three leading columns of the 支払基金 保険者向け variant.
pub fn looks_like_uke(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(line) = head
        .split(|b| *b == b'\n')
        .find(|l| !l.iter().all(|b| matches!(b, b' ' | b'\r')))
    else {
        return false;
    };
    let fields: Vec<&[u8]> = line.split(|b| *b == b',').take(5).collect();
    let header = |f: &&[u8]| *f == b"IR" || *f == b"YK";
    let plain = fields.len() > 2 && fields.first().is_some_and(header);
    let insurer_variant = fields.len() > 4
        && fields[..3]
            .iter()
            .all(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit))
        && header(&fields[3]);
    plain || insurer_variant
}

/// Parses one receipt file. All or nothing.
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
                "the file is {} bytes; the limit is {MAX_BYTES}; send each volume (マルチボリューム) separately",
                bytes.len()
            ),
        ));
    }
    let (body, encoding) = reader::body(file_name, bytes)?;
    let mut p = Parser {
        f: Fields {
            file: file_name,
            encoding,
        },
        opts,
        header: None,
        receipt: None,
        people: Vec::new(),
        index: HashMap::new(),
        warnings: Vec::new(),
        receipts: 0,
        points: 0,
        ended: false,
    };
    let mut records = Records::new(body);
    let mut rec = Record {
        line: 0,
        fields: Vec::with_capacity(48),
    };
    let mut first = true;
    while records.next_into(&mut rec) {
        if first {
            first = false;
            // 支払基金 保険者向け: `1,2,0,YK,…`: three columns before the record id.
            if rec.fields.len() > 4
                && matches!(rec.get(4), b"IR" | b"YK")
                && !matches!(rec.id(), b"IR" | b"YK")
            {
                records.set_offset(3);
                rec.fields.drain(..3);
            }
        }
        p.record(&rec)?;
    }
    p.finish(bytes)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Medical,
    Pharmacy,
}

/// The IR / YK header: who claims, for which 請求年月.
struct Header {
    kind: FileKind,
    institution: InstitutionId,
    name: String,
    billing: YearMonth,
    accepted_on: NaiveDate,
}

/// HO or KO amounts.
struct Amounts {
    days: Option<u64>,
    points: Option<u64>,
    meals: u64,
    /// KO: the patient's share under this 公費 (KO.7 医科, KO.8 調剤).
    patient: Option<u64>,
}

/// A 調剤 処方 (SH and what follows it).
struct Rx {
    line: usize,
    /// `None` for 剤形 9 (材料): no drug lines.
    form: Option<(UsageKind, QuantityUnit)>,
    directions: Option<String>,
    special: Option<String>,
    /// The CZ run the next IY belongs to; a CZ after an IY starts a new run.
    run: Vec<(NaiveDate, u32)>,
    run_has_drugs: bool,
}

/// One RE and its records.
struct Receipt {
    line: usize,
    kind_code: [u8; 4],
    claim: ClaimSource,
    prescription: PrescriptionKind,
    prescriber: InstitutionId,
    person: PersonIdentity,
    benefit_rate: Option<u64>,
    ho: Option<Amounts>,
    ko: Vec<Amounts>,
    drugs: Vec<DrugLine>,
    /// 医科: the last 診療識別 seen in this receipt (SI/IY/TO/CO), for empty ones.
    last_class: Option<u8>,
    rx: Option<Rx>,
}

struct Parser<'f> {
    f: Fields<'f>,
    opts: &'f ParseOptions,
    header: Option<Header>,
    receipt: Option<Receipt>,
    people: Vec<PersonRecords>,
    index: HashMap<String, usize>,
    warnings: Vec<ImportWarning>,
    receipts: u64,
    points: u64,
    ended: bool,
}

type Res<T> = Result<T, ImportError>;

/// Full-width digits as ASCII (card 記号・番号 are often written full-width).
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The open receipt a record belongs to.
fn in_receipt<'r>(
    f: &Fields<'_>,
    receipt: &'r mut Option<Receipt>,
    rec: &Record<'_>,
) -> Res<&'r mut Receipt> {
    receipt.as_mut().ok_or_else(|| {
        f.err(
            rec,
            1,
            "レコード識別情報",
            "belongs to a receipt but comes before any RE",
        )
    })
}

/// 都道府県 (2) + 点数表 (1) + 医療機関コード (7): the 10-digit id receipts and Karte use.
fn institution_id(
    f: &Fields<'_>,
    rec: &Record<'_>,
    pref: usize,
    table: usize,
    code: usize,
) -> Res<InstitutionId> {
    let p = f.code(rec, pref, "都道府県")?.unwrap_or("");
    let t = f.code(rec, table, "点数表")?.unwrap_or("");
    let c = f.required_code(rec, code, "医療機関コード")?;
    InstitutionId::parse(&format!("{p:0>2}{t}{c}"))
        .map_err(|e| f.err(rec, code, "医療機関コード", e.to_string()))
}

impl Parser<'_> {
    fn record(&mut self, rec: &Record<'_>) -> Res<()> {
        if self.ended {
            return Err(self.f.err(
                rec,
                1,
                "レコード識別情報",
                "a record after GO (the last record of a file)",
            ));
        }
        match (rec.id(), self.header.as_ref().map(|h| h.kind)) {
            (b"IR", None) => self.header(rec, FileKind::Medical),
            (b"YK", None) => self.header(rec, FileKind::Pharmacy),
            (b"IR" | b"YK", Some(_)) => Err(self.f.err(
                rec,
                1,
                "レコード識別情報",
                "a second header: one file holds one institution's claims of one 請求年月",
            )),
            (_, None) => Err(self.f.err(
                rec,
                1,
                "レコード識別情報",
                "the file must start with IR (医科) or YK (調剤)",
            )),
            (b"RE", Some(kind)) => {
                self.close_receipt()?;
                self.open_receipt(rec, kind)
            }
            (b"GO", Some(_)) => {
                self.close_receipt()?;
                self.go(rec)
            }
            (b"HO", Some(kind)) => self.ho(rec, kind),
            (b"KO", Some(kind)) => self.ko(rec, kind),
            (b"SI" | b"TO" | b"CO", Some(FileKind::Medical)) => {
                let class = class_code(&self.f, rec)?;
                let r = in_receipt(&self.f, &mut self.receipt, rec)?;
                if class.is_some() {
                    r.last_class = class;
                }
                Ok(())
            }
            (b"IY", Some(FileKind::Medical)) => self.medical_drug(rec),
            (b"SH", Some(FileKind::Pharmacy)) => self.prescription(rec),
            (b"CZ", Some(FileKind::Pharmacy)) => self.dispensing(rec),
            (b"IY", Some(FileKind::Pharmacy)) => self.pharmacy_drug(rec),
            (b"TK" | b"KI" | b"ST", Some(FileKind::Pharmacy)) => {
                in_receipt(&self.f, &mut self.receipt, rec)?.rx = None;
                Ok(())
            }
            // SN, JD, MF, SY, SJ, organ-donor and 返戻 records, TO/CO in 調剤: nothing Karte shows.
            _ => Ok(()),
        }
    }

    fn header(&mut self, rec: &Record<'_>, kind: FileKind) -> Res<()> {
        let f = &self.f;
        // IR: 3 都道府県, 4 点数表, 5 医療機関コード, 7 名称, 8 請求年月;
        // YK: 3, 4, 5 薬局コード, 6 名称, 7 請求年月 (no 予備).
        let (name_at, month_at, table) = match kind {
            FileKind::Medical => (7, 8, "1"),
            FileKind::Pharmacy => (6, 7, "4"),
        };
        let t = f.required_code(rec, 4, "点数表")?;
        if t != table {
            return Err(f.err(
                rec,
                4,
                "点数表",
                format!("{t:?}: Karte reads 医科 (IR, 点数表 1) and 調剤 (YK, 点数表 4) receipts"),
            ));
        }
        let institution = institution_id(f, rec, 3, 4, 5)?;
        let name = f.required_text(rec, name_at, "医療機関名称")?.into_owned();
        let billing = f.month(rec, month_at, "請求年月")?;
        let accepted_on = billing
            .day(10)
            .ok_or_else(|| f.err(rec, month_at, "請求年月", "has no 10th"))?;
        self.header = Some(Header {
            kind,
            institution,
            name,
            billing,
            accepted_on,
        });
        Ok(())
    }

    fn open_receipt(&mut self, rec: &Record<'_>, kind: FileKind) -> Res<()> {
        let f = &self.f;
        let Some(h) = self.header.as_ref() else {
            return Ok(());
        };
        let number = f.required_uint(rec, 2, "レセプト番号")?;
        let raw_kind = f.required_code(rec, 3, "レセプト種別")?;
        let kind_code: [u8; 4] = raw_kind
            .as_bytes()
            .try_into()
            .ok()
            .filter(|k: &[u8; 4]| {
                k.iter().all(u8::is_ascii_digit)
                    && k[0]
                        == match kind {
                            FileKind::Medical => b'1',
                            FileKind::Pharmacy => b'4',
                        }
            })
            .ok_or_else(|| {
                f.err(
                    rec,
                    3,
                    "レセプト種別",
                    format!(
                        "{raw_kind:?} is not a 4-digit {} レセプト種別",
                        match kind {
                            FileKind::Medical => "医科 (1xxx)",
                            FileKind::Pharmacy => "調剤 (4xxx)",
                        }
                    ),
                )
            })?;
        let month = f.month(rec, 4, "診療年月")?;
        let month = domain::visibility::claim_month(month)
            .map_err(|e| f.err(rec, 4, "診療年月", e.to_string()))?;
        if month > h.billing {
            return Err(f.err(
                rec,
                4,
                "診療年月",
                format!("{month} is after the file's 請求年月 {}", h.billing),
            ));
        }
        let name = f.required_text(rec, 5, "氏名")?.into_owned();
        let sex = match f.code(rec, 6, "男女区分")? {
            None => None,
            Some("1") => Some(Sex::Male),
            Some("2") => Some(Sex::Female),
            Some(other) => {
                return Err(f.err(
                    rec,
                    6,
                    "男女区分",
                    format!("{other:?} is not 1 (男) or 2 (女)"),
                ))
            }
        };
        let birth_date = f.date(rec, 7, "生年月日")?;
        let benefit_rate = f.uint(rec, 8, "給付割合")?;
        if benefit_rate.is_some_and(|r| r > 100) {
            return Err(f.err(rec, 8, "給付割合", "is a percentage (0–100)"));
        }
        let kana_at = match kind {
            FileKind::Medical => 37,
            FileKind::Pharmacy => 42,
        };
        let kana = f.text(rec, kana_at, "カタカナ（氏名）")?;
        let inpatient = kind == FileKind::Medical && kind_code[3] % 2 == 1;
        let (receipt, prescription, prescriber) = match kind {
            FileKind::Medical => {
                let setting = if inpatient {
                    CareSetting::Inpatient
                } else {
                    CareSetting::Outpatient
                };
                let prescription = if inpatient {
                    PrescriptionKind::Inpatient
                } else {
                    PrescriptionKind::InHouse
                };
                (
                    ReceiptIdentity::new(ReceiptKind::Medical, setting),
                    prescription,
                    h.institution.clone(),
                )
            }
            FileKind::Pharmacy => {
                let prescriber = institution_id(f, rec, 10, 11, 12)?;
                (
                    ReceiptIdentity::for_drug(PrescriptionKind::OutOfHouse, &prescriber),
                    PrescriptionKind::OutOfHouse,
                    prescriber,
                )
            }
        };
        let claim_id = format!(
            "uke-{}-{:04}{:02}-{:04}{:02}-{number}",
            h.institution,
            h.billing.year(),
            h.billing.month(),
            month.year(),
            month.month()
        );
        let claim = ClaimSource {
            claim_id: ClaimId::parse(&claim_id)
                .map_err(|e| f.err(rec, 2, "レセプト番号", e.to_string()))?,
            person: self.opts.line_owner(None),
            institution: h.institution.clone(),
            service_month: month,
            receipt,
            accepted_on: h.accepted_on,
            sequence: 0,
            imported_by_you: false,
        };
        self.receipt = Some(Receipt {
            line: rec.line,
            kind_code,
            claim,
            prescription,
            prescriber,
            person: PersonIdentity {
                id: self.opts.person.clone(),
                name,
                name_kana: (!kana.is_empty()).then(|| kana.into_owned()),
                sex,
                birth_date,
                card: None,
                insurer_name: None,
                insured_since: None,
            },
            benefit_rate,
            ho: None,
            ko: Vec::new(),
            drugs: Vec::new(),
            last_class: None,
            rx: None,
        });
        self.receipts += 1;
        Ok(())
    }

    fn ho(&mut self, rec: &Record<'_>, kind: FileKind) -> Res<()> {
        let f = &self.f;
        let insurer = f.required_text(rec, 2, "保険者番号")?;
        let symbol = ascii_digits(&f.text(rec, 3, "被保険者証等の記号")?);
        let number = ascii_digits(&f.required_text(rec, 4, "被保険者証等の番号")?);
        let card = CardIdentity::parse(&insurer, &symbol, &number, "")
            .map_err(|e| f.err(rec, 2, "保険者番号", e.to_string()))?;
        let days_name = match kind {
            FileKind::Medical => "診療実日数",
            FileKind::Pharmacy => "処方箋受付回数",
        };
        let amounts = Amounts {
            days: f.uint(rec, 5, days_name)?,
            points: f.uint(rec, 6, "合計点数")?,
            meals: match kind {
                FileKind::Medical => f.uint(rec, 9, "食事療養・生活療養 合計金額")?.unwrap_or(0),
                FileKind::Pharmacy => 0,
            },
            patient: None,
        };
        let r = in_receipt(&self.f, &mut self.receipt, rec)?;
        if r.ho.is_some() {
            return Err(self
                .f
                .err(rec, 1, "レコード識別情報", "a second HO in one receipt"));
        }
        r.person.card = Some(card);
        r.ho = Some(amounts);
        Ok(())
    }

    fn ko(&mut self, rec: &Record<'_>, kind: FileKind) -> Res<()> {
        let f = &self.f;
        f.required_code(rec, 2, "負担者番号")?;
        let (days_name, patient_at, patient_name) = match kind {
            FileKind::Medical => ("診療実日数", 7, "公費（患者負担額）"),
            FileKind::Pharmacy => ("処方箋受付回数", 8, "一部負担金額"),
        };
        let amounts = Amounts {
            days: f.uint(rec, 5, days_name)?,
            points: f.uint(rec, 6, "合計点数")?,
            meals: match kind {
                FileKind::Medical => f.uint(rec, 12, "食事療養・生活療養 合計金額")?.unwrap_or(0),
                FileKind::Pharmacy => 0,
            },
            patient: f.uint(rec, patient_at, patient_name)?,
        };
        in_receipt(&self.f, &mut self.receipt, rec)?
            .ko
            .push(amounts);
        Ok(())
    }

    fn medical_drug(&mut self, rec: &Record<'_>) -> Res<()> {
        let f = &self.f;
        let own = class_code(f, rec)?;
        let code = drug_code(f, rec, 4)?;
        let dose = f.decimal(rec, 5, "使用量")?;
        let mut days = Vec::new();
        for d in 1..=31u32 {
            let n = 13 + d as usize;
            if let Some(count) = f.uint(rec, n, &format!("{d}日の情報"))? {
                if count > 0 {
                    days.push((d, n, count));
                }
            }
        }
        let Some(r) = self.receipt.as_mut() else {
            return Err(f.err(
                rec,
                1,
                "レコード識別情報",
                "belongs to a receipt but comes before any RE",
            ));
        };
        let class = match own.or(r.last_class) {
            Some(c) => c,
            None => {
                return Err(f.err(
                    rec,
                    2,
                    "診療識別",
                    "is empty and no SI/IY/TO/CO before it in this receipt gives one",
                ))
            }
        };
        r.last_class = Some(class);
        let Some(usage) = UsageKind::from_treatment_code(class) else {
            return Ok(());
        };
        let month = r.claim.service_month;
        let h = self
            .header
            .as_ref()
            .ok_or_else(|| f.err(rec, 1, "レコード識別情報", "no header"))?;
        for (d, n, count) in days {
            let on = month.day(d).ok_or_else(|| {
                f.err(
                    rec,
                    n,
                    &format!("{d}日の情報"),
                    format!("{month} has no day {d}"),
                )
            })?;
            let amount = u32::try_from(count)
                .map_err(|_| f.err(rec, n, &format!("{d}日の情報"), "is too large"))?;
            let line = drug_line(
                h,
                r,
                &code,
                on,
                usage,
                DispensedQuantity {
                    amount,
                    unit: codes::medical_unit(usage),
                },
                if usage == UsageKind::AsNeeded {
                    Doses {
                        daily: None,
                        single: dose,
                    }
                } else {
                    Doses {
                        daily: dose,
                        single: None,
                    }
                },
                None,
                None,
            );
            r.drugs.push(line);
        }
        Ok(())
    }

    fn prescription(&mut self, rec: &Record<'_>) -> Res<()> {
        let f = &self.f;
        let raw_form = f.required_code(rec, 3, "剤形コード")?;
        let form = codes::pharmacy_form(raw_form).ok_or_else(|| {
            f.err(
                rec,
                3,
                "剤形コード",
                format!("{raw_form:?} is not 1–7 or 9 (別表11)"),
            )
        })?;
        let directions = f.code(rec, 4, "用法コード")?.map(codes::directions);
        let special = f.text(rec, 5, "特別指示")?;
        let rx = Rx {
            line: rec.line,
            form,
            directions,
            special: (!special.is_empty()).then(|| special.into_owned()),
            run: Vec::new(),
            run_has_drugs: false,
        };
        in_receipt(&self.f, &mut self.receipt, rec)?.rx = Some(rx);
        Ok(())
    }

    fn dispensing(&mut self, rec: &Record<'_>) -> Res<()> {
        let f = &self.f;
        let month = self
            .receipt
            .as_ref()
            .map(|r| r.claim.service_month)
            .ok_or_else(|| {
                f.err(
                    rec,
                    1,
                    "レコード識別情報",
                    "belongs to a receipt but comes before any RE",
                )
            })?;
        let on = dispensing_day(f, rec, 4, "調剤月日", month)?;
        let amount = f.required_uint(rec, 6, "調剤数量")?;
        let amount =
            u32::try_from(amount).map_err(|_| f.err(rec, 6, "調剤数量", "is too large"))?;
        let r = in_receipt(&self.f, &mut self.receipt, rec)?;
        let Some(rx) = r.rx.as_mut() else {
            return Err(self.f.err(
                rec,
                1,
                "レコード識別情報",
                "CZ outside a 処方: no SH before it in this receipt",
            ));
        };
        if rx.run_has_drugs {
            rx.run.clear();
            rx.run_has_drugs = false;
        }
        rx.run.push((on, amount));
        Ok(())
    }

    fn pharmacy_drug(&mut self, rec: &Record<'_>) -> Res<()> {
        let f = &self.f;
        let code = drug_code(f, rec, 3)?;
        let amount = f.decimal(rec, 4, "使用量")?;
        let single = f.decimal(rec, 10, "1回用量")?;
        let Some(r) = self.receipt.as_mut() else {
            return Err(f.err(
                rec,
                1,
                "レコード識別情報",
                "belongs to a receipt but comes before any RE",
            ));
        };
        let Some(rx) = r.rx.as_mut() else {
            return Err(f.err(
                rec,
                1,
                "レコード識別情報",
                "IY outside a 処方: no SH before it in this receipt",
            ));
        };
        if rx.run.is_empty() {
            return Err(f.err(
                rec,
                1,
                "レコード識別情報",
                format!("IY before any CZ of the 処方 at line {}", rx.line),
            ));
        }
        rx.run_has_drugs = true;
        let Some((usage, unit)) = rx.form.clone() else {
            return Ok(());
        };
        let doses = match usage {
            UsageKind::Oral => Doses {
                daily: amount,
                single,
            },
            UsageKind::AsNeeded => Doses {
                daily: None,
                single: single.or(amount),
            },
            _ => Doses {
                daily: amount,
                single,
            },
        };
        let run = rx.run.clone();
        let directions = rx.directions.clone();
        let special = rx.special.clone();
        let h = self
            .header
            .as_ref()
            .ok_or_else(|| f.err(rec, 1, "レコード識別情報", "no header"))?;
        for (on, days) in run {
            let line = drug_line(
                h,
                r,
                &code,
                on,
                usage,
                DispensedQuantity {
                    amount: days,
                    unit: unit.clone(),
                },
                doses,
                directions.clone(),
                special.clone(),
            );
            r.drugs.push(line);
        }
        Ok(())
    }

    fn go(&mut self, rec: &Record<'_>) -> Res<()> {
        let f = &self.f;
        let count = f.uint(rec, 2, "総件数")?;
        let points = f.uint(rec, 3, "総合計点数")?;
        if count.is_some_and(|c| c != self.receipts) {
            let w = ImportWarning::new(
                f.file,
                Some(rec.line),
                &reader::field_name(rec, 2, "総件数"),
                format!(
                    "says {} receipts, the file holds {}",
                    count.unwrap_or(0),
                    self.receipts
                ),
            );
            self.warnings.push(w);
        }
        if points.is_some_and(|p| p != self.points) {
            let w = ImportWarning::new(
                f.file,
                Some(rec.line),
                &reader::field_name(rec, 3, "総合計点数"),
                format!(
                    "says {} points, the receipts add up to {}",
                    points.unwrap_or(0),
                    self.points
                ),
            );
            self.warnings.push(w);
        }
        self.ended = true;
        Ok(())
    }

    fn close_receipt(&mut self) -> Res<()> {
        let Some(r) = self.receipt.take() else {
            return Ok(());
        };
        let Some(h) = self.header.as_ref() else {
            return Ok(());
        };
        let notice = r.notice(h, self.f.file)?;
        self.points += notice.1;
        let key = match &self.opts.person {
            Some(_) => String::new(),
            None => {
                let p = &r.person;
                let card = p.card.as_ref().map_or_else(String::new, |c| {
                    format!(
                        "{}|{}|{}",
                        c.insurer().as_str(),
                        c.symbol().map_or("", |s| s.as_str()),
                        c.number().as_str()
                    )
                });
                format!("{card}|{:?}|{}", p.birth_date, p.name)
            }
        };
        let i = match self.index.get(&key) {
            Some(i) => *i,
            None => {
                self.people.push(PersonRecords {
                    person: r.person.clone(),
                    drugs: Vec::new(),
                    checkups: Vec::new(),
                    expenses: Vec::new(),
                });
                self.index.insert(key, self.people.len() - 1);
                self.people.len() - 1
            }
        };
        let person = &mut self.people[i];
        if person.person.card.is_none() {
            person.person.card = r.person.card.clone();
        }
        person.drugs.extend(r.drugs);
        person.expenses.push(notice.0);
        Ok(())
    }

    fn finish(mut self, bytes: &[u8]) -> Res<ImportBatch> {
        if !self.ended {
            let line = bytes.iter().filter(|b| **b == b'\n').count().max(1);
            return Err(ImportError::new(
                self.f.file,
                Some(line),
                "GO",
                if self.header.is_none() {
                    "the file holds no records; a receipt file starts with IR or YK"
                } else {
                    "no GO record at the end: the file looks cut off"
                },
            ));
        }
        self.close_receipt()?;
        if self.people.is_empty() {
            return Err(ImportError::new(
                self.f.file,
                None,
                "RE",
                "the file holds no receipts; there is nothing to import",
            ));
        }
        Ok(ImportBatch {
            batch_id: BatchId::from_content("uke", bytes),
            format: ImportFormat::Uke,
            insurers: Vec::new(),
            people: self.people,
            warnings: self.warnings,
        })
    }
}

impl Receipt {
    /// The 医療費通知 line of this receipt, and its 点数:
    /// - 診療年月 RE.4; 診療区分 医科入院 / 医科外来 (レセプト種別 last digit odd / even) or 調剤;
    /// - 実日数 HO.5 (調剤: 処方箋受付回数), else the first KO's;
    /// - 総額 = 合計点数 × 10 円 + 食事療養・生活療養 (HO.6 / HO.9; 公費単独: the first KO's);
    /// - 窓口相当 = the computed share: 総額 (without meals) × 負担割合, the 割合 from RE.8
    ///   給付割合 or else from the レセプト種別 (本人・家族 3割, 未就学者・高齢受給者 2割,
    ///   後期高齢者 1割 or 3割); with a 公費, the patient pays the first KO's 負担額 (KO.7 医科,
    ///   KO.8 調剤) when it gives one, and the 公費 pays the rest of the share;
    /// - 公費単独: no 保険者負担; the 公費 pays everything but the KO 負担額;
    /// - 保険者負担 = 総額 − 公費 − 窓口相当.
    fn notice(&self, h: &Header, file: &str) -> Res<(ExpenseLine, u64)> {
        let err = |field: &str, message: &str| {
            ImportError::new(file, Some(self.line), field, message.to_owned())
        };
        let first_ko = self.ko.first();
        let main = self.ho.as_ref().or(first_ko).ok_or_else(|| {
            err(
                "RE",
                "the receipt has neither HO nor KO, so its 合計点数 is unknown",
            )
        })?;
        let points = main
            .points
            .ok_or_else(|| err("HO.6 合計点数", "is empty in this receipt's HO/KO"))?;
        let days = main.days.unwrap_or(0);
        let medical = points
            .checked_mul(10)
            .ok_or_else(|| err("HO.6 合計点数", "is too large"))?;
        let total = medical
            .checked_add(main.meals)
            .ok_or_else(|| err("HO 食事療養・生活療養 合計金額", "is too large"))?;
        let public_only = self.kind_code[1] == b'2';
        let (insurer, public, patient) = if public_only {
            let patient = first_ko.and_then(|k| k.patient).unwrap_or(0).min(total);
            (0, total - patient, patient)
        } else {
            let percent = match self.benefit_rate {
                Some(rate) => 100 - rate,
                None => codes::patient_share_percent(&self.kind_code).ok_or_else(|| {
                    err(
                        "RE.3 レセプト種別",
                        "gives no 負担割合 and RE.8 給付割合 is empty",
                    )
                })?,
            };
            // ≤ medical (percent ≤ 100); the product in u128 cannot overflow (fuzz: uke).
            let share =
                u64::try_from(u128::from(medical) * u128::from(percent) / 100).unwrap_or(medical);
            let patient = match first_ko.and_then(|k| k.patient) {
                Some(p) => p.min(share),
                None => share,
            };
            (total - share, share - patient, patient)
        };
        let category = match (h.kind, self.claim.receipt.setting) {
            (FileKind::Pharmacy, _) => ServiceCategory::Pharmacy,
            (FileKind::Medical, CareSetting::Inpatient) => ServiceCategory::MedicalInpatient,
            (FileKind::Medical, CareSetting::Outpatient) => ServiceCategory::MedicalOutpatient,
        };
        let yen = |v: u64| Yen(i64::try_from(v).unwrap_or(i64::MAX));
        let line = ExpenseLine {
            claim: self.claim.clone(),
            visible_from: expense_claim_visible_from(
                self.claim.service_month,
                self.claim.accepted_on,
            ),
            service_month: self.claim.service_month,
            category,
            days: u32::try_from(days).map_err(|_| err("HO.5", "is too large"))?,
            institution_name: h.name.clone(),
            total: yen(total),
            insurer_paid: yen(insurer),
            public_paid: yen(public),
            patient_paid: yen(patient),
        };
        Ok((line, points))
    }
}

/// 使用量 as written, for 用量 (per day) and 1回用量.
#[derive(Clone, Copy)]
struct Doses<'a> {
    daily: Option<&'a str>,
    single: Option<&'a str>,
}

#[allow(clippy::too_many_arguments)]
fn drug_line(
    h: &Header,
    r: &Receipt,
    code: &ReceiptDrugCode,
    dispensed_on: NaiveDate,
    usage: UsageKind,
    quantity: DispensedQuantity,
    doses: Doses<'_>,
    directions: Option<String>,
    special_instructions: Option<String>,
) -> DrugLine {
    let known = master::lookup(code.as_str());
    let unit = known.map_or("", |m| m.unit.as_str());
    let with_unit = |v: Option<&str>| v.map(|v| format!("{v}{unit}"));
    DrugLine {
        claim: r.claim.clone(),
        visible_from: drug_visible_from(r.claim.service_month, Some(r.claim.accepted_on)),
        dispensed_on,
        dispenser_name: h.name.clone(),
        prescriber: r.prescriber.clone(),
        prescription: r.prescription,
        usage,
        drug_name: known.map_or_else(|| code.as_str().to_owned(), |m| m.name.clone()),
        ingredient: known.and_then(|m| m.ingredient.clone()),
        receipt_code: Some(code.clone()),
        yj_code: known.and_then(|m| m.yj_code.clone()),
        directions,
        daily_dose: with_unit(doses.daily),
        single_dose: with_unit(doses.single),
        special_instructions,
        quantity,
        mark: known.and_then(|m| m.mark),
        copay: None,
        savings: None,
    }
}

/// 診療識別 (field 2 of SI/IY/TO/CO), `None` when empty.
fn class_code(f: &Fields<'_>, rec: &Record<'_>) -> Res<Option<u8>> {
    match f.uint(rec, 2, "診療識別")? {
        None => Ok(None),
        Some(n) if n <= 99 => Ok(Some(n as u8)),
        Some(n) => Err(f.err(rec, 2, "診療識別", format!("{n} is not a 2-digit code"))),
    }
}

fn drug_code(f: &Fields<'_>, rec: &Record<'_>, n: usize) -> Res<ReceiptDrugCode> {
    let raw = f.required_code(rec, n, "医薬品コード")?;
    ReceiptDrugCode::parse(raw).map_err(|e| f.err(rec, n, "医薬品コード", e.to_string()))
}

/// 調剤月日: `YYYYMMDD` (or 和暦 `GYYMMDD`); older files may give `MMDD` or `DD` within the
/// receipt's 調剤年月.
fn dispensing_day(
    f: &Fields<'_>,
    rec: &Record<'_>,
    n: usize,
    name: &str,
    month: YearMonth,
) -> Res<NaiveDate> {
    let raw = rec.get(n);
    let bad = || {
        f.err(
            rec,
            n,
            name,
            format!(
                "{:?} is not a day in {month} (YYYYMMDD, GYYMMDD, MMDD or DD)",
                String::from_utf8_lossy(raw)
            ),
        )
    };
    let day = match raw.len() {
        0 => return Err(f.err(rec, n, name, "is empty; the record needs it")),
        8 | 7 => f.date(rec, n, name)?.ok_or_else(bad)?,
        4 => {
            let m = reader::digits(&raw[..2]).ok_or_else(bad)?;
            if m != u64::from(month.month()) {
                return Err(bad());
            }
            month
                .day(reader::digits(&raw[2..]).ok_or_else(bad)? as u32)
                .ok_or_else(bad)?
        }
        1 | 2 => month
            .day(reader::digits(raw).ok_or_else(bad)? as u32)
            .ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    Ok(day)
}
