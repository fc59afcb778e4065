use super::model::*;
use super::text::decode;
use chrono::NaiveDate;

/// Why a JAHIS text was refused: where (line, record number, field) and what is wrong. Nothing
/// of a refused text is kept.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("line {line}, record {record}, field {field}: {problem}")]
pub struct JahisError {
    /// 1-based line of the text.
    pub line: usize,
    /// The record number as written (`JAHISTC` for the version record).
    pub record: String,
    /// The field's position and its name in the spec, e.g. 「3 患者生年月日」.
    pub field: String,
    pub problem: String,
}

/// The most lines a notebook may have (a year of weekly dispensings fits many times over).
pub const MAX_LINES: usize = 20_000;

/// Reads a JAHIS file's bytes (CP932, or UTF-8 as some apps write it).
pub fn parse(bytes: &[u8]) -> Result<Notebook, JahisError> {
    let text = decode(bytes)?;
    parse_text(&text)
}

/// Spec record numbers Karte checks and skips (kept by お薬手帳 apps, not by Karte).
const SKIPPED: [u16; 9] = [2, 3, 4, 31, 411, 421, 601, 701, 911];

struct Line<'a> {
    no: usize,
    record: &'a str,
    fields: Vec<&'a str>,
}

impl Line<'_> {
    fn err(&self, field: usize, name: &str, problem: impl Into<String>) -> JahisError {
        JahisError {
            line: self.no,
            record: self.record.to_owned(),
            field: if field == 0 {
                name.to_owned()
            } else {
                format!("{field} {name}")
            },
            problem: problem.into(),
        }
    }

    /// Field `i` (1-based, after the record number), trimmed; `None` when empty or absent.
    fn opt(&self, i: usize) -> Option<String> {
        self.fields
            .get(i - 1)
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
    }

    fn req(&self, i: usize, name: &str) -> Result<String, JahisError> {
        self.opt(i)
            .ok_or_else(|| self.err(i, name, "is required but empty"))
    }

    fn date(&self, i: usize, name: &str) -> Result<NaiveDate, JahisError> {
        let raw = self.req(i, name)?;
        parse_date(&raw).ok_or_else(|| {
            self.err(
                i,
                name,
                format!("{raw:?} is not a date (YYYYMMDD, or GYYMMDD with G = M T S H R)"),
            )
        })
    }

    fn number<T: std::str::FromStr>(&self, i: usize, name: &str) -> Result<Option<T>, JahisError> {
        match self.opt(i) {
            None => Ok(None),
            Some(raw) if raw.bytes().all(|b| b.is_ascii_digit()) => raw
                .parse()
                .map(Some)
                .map_err(|_| self.err(i, name, format!("{raw:?} is out of range"))),
            Some(raw) => Err(self.err(i, name, format!("{raw:?} is not a number"))),
        }
    }

    fn digits(&self, i: usize, name: &str, len: usize) -> Result<Option<String>, JahisError> {
        match self.opt(i) {
            Some(raw) if raw.len() != len || !raw.bytes().all(|b| b.is_ascii_digit()) => {
                Err(self.err(i, name, format!("{raw:?} is not {len} digits")))
            }
            other => Ok(other),
        }
    }

    fn creator(&self, i: usize) -> Result<Creator, JahisError> {
        match self.opt(i).as_deref() {
            // Some apps leave it out on records they write themselves.
            None | Some("1") => Ok(Creator::Professional),
            Some("2") => Ok(Creator::Patient),
            Some("8") => Ok(Creator::Other),
            Some("9") => Ok(Creator::Unknown),
            Some(other) => Err(self.err(
                i,
                "レコード作成者",
                format!("{other:?} is not 1, 2, 8 or 9"),
            )),
        }
    }

    fn table(&self, i: usize, name: &str) -> Result<Option<u8>, JahisError> {
        match self.opt(i).as_deref() {
            None => Ok(None),
            Some("1") => Ok(Some(1)),
            Some("3") => Ok(Some(3)),
            Some("4") => Ok(Some(4)),
            Some(other) => Err(self.err(i, name, format!("{other:?} is not 1, 3 or 4"))),
        }
    }

    fn rp(&self) -> Result<u16, JahisError> {
        match self.number::<u16>(1, "RP番号")? {
            Some(n) if (1..=999).contains(&n) => Ok(n),
            Some(n) => Err(self.err(1, "RP番号", format!("{n} is not 1–999"))),
            None => Err(self.err(1, "RP番号", "is required but empty")),
        }
    }
}

/// 西暦 `YYYYMMDD` or 和暦 `GYYMMDD` (M 明治, T 大正, S 昭和, H 平成, R 令和).
pub(crate) fn parse_date(raw: &str) -> Option<NaiveDate> {
    let b = raw.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        return NaiveDate::parse_from_str(raw, "%Y%m%d").ok();
    }
    if b.len() != 7 || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let start = match b[0].to_ascii_uppercase() {
        b'M' => 1868,
        b'T' => 1912,
        b'S' => 1926,
        b'H' => 1989,
        b'R' => 2019,
        _ => return None,
    };
    let n = |r: std::ops::Range<usize>| raw[r].parse::<u32>().ok();
    let year = n(1..3)?;
    if year == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(start + year as i32 - 1, n(3..5)?, n(5..7)?)
}

/// Reads JAHIS text (already decoded). Lines may end in CRLF, LF or CR; a trailing EOF
/// character (0x1A) and blank lines are ignored.
pub fn parse_text(text: &str) -> Result<Notebook, JahisError> {
    let mut lines = text
        .split(['\n', '\r'])
        .enumerate()
        .map(|(i, l)| (i, l.trim_end_matches('\u{1a}')))
        .filter(|(_, l)| !l.trim().is_empty());
    // Line numbers count CRLF once: count only '\n'-or-lone-'\r' ends.
    let numbering = line_numbers(text);
    let Some((i, head)) = lines.next() else {
        return Err(JahisError {
            line: 1,
            record: "JAHISTC".into(),
            field: "バージョン情報".into(),
            problem: "the text is empty".into(),
        });
    };
    let head_fields: Vec<&str> = head.split(',').map(str::trim).collect();
    let head_line = Line {
        no: numbering(i),
        record: "JAHISTC",
        fields: head_fields[1..].to_vec(),
    };
    let version = head_fields[0]
        .strip_prefix("JAHISTC")
        .filter(|v| v.len() == 2 && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u8>().ok())
        .filter(|v| *v >= 1)
        .ok_or_else(|| {
            head_line.err(
                0,
                "バージョン情報",
                format!(
                    "{:?} is not a JAHIS お薬手帳 header (JAHISTC01…JAHISTC99)",
                    head_fields[0].chars().take(20).collect::<String>()
                ),
            )
        })?;
    let output = match head_line.opt(1).as_deref() {
        Some("1") => Output::ToPatient,
        Some("2") => Output::ToProvider,
        // Ver.1 files have no 出力区分.
        None if version == 1 => Output::ToPatient,
        Some(o) => return Err(head_line.err(1, "出力区分", format!("{o:?} is not 1 or 2"))),
        None => return Err(head_line.err(1, "出力区分", "is required but empty")),
    };
    let to_patient = output == Output::ToPatient;
    let mut book = Notebook {
        version,
        output,
        patient: None,
        dispensings: Vec::new(),
    };
    for (count, (i, raw)) in lines.enumerate() {
        if count >= MAX_LINES {
            return Err(JahisError {
                line: numbering(i),
                record: String::new(),
                field: "(lines)".into(),
                problem: format!("more than {MAX_LINES} lines"),
            });
        }
        let mut parts = raw.split(',');
        let record = parts.next().unwrap_or("").trim();
        let line = Line {
            no: numbering(i),
            record,
            fields: parts.collect(),
        };
        // A control character (the EOF byte 0x1A before the end, NUL, ESC …) belongs in no
        // field and cannot be written back (found by the `jahis` fuzz target); a tab can.
        if let Some(c) = raw.chars().find(|c| c.is_control() && *c != '\t') {
            return Err(line.err(
                0,
                "(line)",
                format!("control character U+{:04X} inside the line", u32::from(c)),
            ));
        }
        let no: u16 = record
            .parse()
            .ok()
            .filter(|_| record.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                line.err(
                    0,
                    "レコード番号",
                    format!(
                        "{:?} is not a record number",
                        record.chars().take(20).collect::<String>()
                    ),
                )
            })?;
        read_record(&mut book, no, &line, to_patient)?;
    }
    Ok(book)
}

/// Maps the index of a piece of `text.split(['\n', '\r'])` to its 1-based line number, counting
/// CRLF as one line end.
fn line_numbers(text: &str) -> impl Fn(usize) -> usize {
    let mut numbers = Vec::new();
    let mut line = 1;
    let bytes = text.as_bytes();
    numbers.push(line);
    for (at, b) in bytes.iter().enumerate() {
        match b {
            b'\r' => {
                if bytes.get(at + 1) != Some(&b'\n') {
                    line += 1;
                }
                numbers.push(line);
            }
            b'\n' => {
                line += 1;
                numbers.push(line);
            }
            _ => {}
        }
    }
    move |piece| numbers.get(piece).copied().unwrap_or(line)
}

fn current<'b>(book: &'b mut Notebook, line: &Line) -> Result<&'b mut Dispensing, JahisError> {
    book.dispensings.last_mut().ok_or_else(|| {
        line.err(
            0,
            "レコード番号",
            "comes before the first 調剤等年月日 record (5)",
        )
    })
}

fn once<T>(slot: &mut Option<T>, value: T, line: &Line) -> Result<(), JahisError> {
    if slot.is_some() {
        return Err(line.err(
            0,
            "レコード番号",
            "appears twice for one 調剤等年月日 (allowed once)",
        ));
    }
    *slot = Some(value);
    Ok(())
}

/// The RP numbered `n` of the dispensing, which must be the last one started.
fn rp_of<'b>(d: &'b mut Dispensing, n: u16, line: &Line) -> Result<&'b mut Rp, JahisError> {
    d.groups
        .last_mut()
        .and_then(|g| g.rps.last_mut())
        .filter(|rp| rp.number == n)
        .ok_or_else(|| {
            line.err(
                1,
                "RP番号",
                format!("RP {n} has no 薬品 record (201) just before"),
            )
        })
}

fn text_field(line: &Line, i: usize, name: &str) -> Result<String, JahisError> {
    line.req(i, name)
}

fn read_record(
    book: &mut Notebook,
    no: u16,
    line: &Line,
    to_patient: bool,
) -> Result<(), JahisError> {
    let need = |i: usize, name: &str| -> Result<Option<String>, JahisError> {
        if to_patient {
            line.req(i, name).map(Some)
        } else {
            Ok(line.opt(i))
        }
    };
    match no {
        1 => {
            let sex = match line.req(2, "患者性別")?.as_str() {
                "1" => Sex::Male,
                "2" => Sex::Female,
                other => return Err(line.err(2, "患者性別", format!("{other:?} is not 1 or 2"))),
            };
            let patient = Patient {
                name: line.req(1, "患者氏名")?,
                sex,
                birth_date: line.date(3, "患者生年月日")?,
                kana: line.opt(10),
            };
            if book.patient.is_some() {
                return Err(line.err(0, "レコード番号", "患者情報 appears twice"));
            }
            book.patient = Some(patient);
        }
        5 => {
            let date = line.date(1, "調剤等年月日")?;
            let creator = line.creator(2)?;
            book.dispensings.push(Dispensing {
                date,
                creator,
                institution: None,
                staff: None,
                prescriber: None,
                groups: Vec::new(),
                cautions: Vec::new(),
                remarks: Vec::new(),
            });
        }
        11 => {
            let inst = Institution {
                name: line.req(1, "医療機関等名称")?,
                prefecture: match need(2, "医療機関等都道府県")? {
                    Some(_) => line.digits(2, "医療機関等都道府県", 2)?,
                    None => None,
                },
                table: match need(3, "医療機関等点数表")? {
                    Some(_) => line.table(3, "医療機関等点数表")?,
                    None => None,
                },
                code: line.digits(4, "医療機関等コード", 7)?,
                postal_code: line.opt(5),
                address: line.opt(6),
                phone: line.opt(7),
            };
            line.creator(8)?;
            let d = current(book, line)?;
            once(&mut d.institution, inst, line)?;
        }
        15 => {
            let staff = Staff {
                name: line.req(1, "医師・薬剤師氏名")?,
                contact: line.opt(2),
            };
            line.creator(3)?;
            let d = current(book, line)?;
            once(&mut d.staff, staff, line)?;
        }
        51 => {
            let p = Prescriber {
                name: line.req(1, "医療機関名称")?,
                prefecture: match need(2, "医療機関都道府県")? {
                    Some(_) => line.digits(2, "医療機関都道府県", 2)?,
                    None => None,
                },
                table: match need(3, "医療機関点数表")? {
                    Some(_) => line.table(3, "医療機関点数表")?,
                    None => None,
                },
                code: line.digits(4, "医療機関コード", 7)?,
            };
            line.creator(5)?;
            let d = current(book, line)?;
            once(&mut d.prescriber, p, line)?;
        }
        55 => {
            let doctor = (line.req(1, "医師氏名")?, line.opt(2));
            line.creator(3)?;
            current(book, line)?.groups.push(DoctorGroup {
                doctor: Some(doctor),
                rps: Vec::new(),
            });
        }
        201 => {
            let n = line.rp()?;
            let code_kind = match need(5, "薬品コード種別")? {
                None => None,
                Some(_) => line.number::<u8>(5, "薬品コード種別")?,
            };
            let code = match code_kind {
                None => None,
                Some(1) => Some(DrugCode::None),
                Some(k @ (2 | 3 | 4 | 6)) => {
                    let c = line.req(6, "薬品コード")?;
                    if c.len() > 13 || !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        return Err(line.err(6, "薬品コード", format!("{c:?} is not a drug code")));
                    }
                    Some(match k {
                        2 => DrugCode::Receipt(c),
                        3 => DrugCode::Mhlw(c),
                        4 => DrugCode::Yj(c),
                        _ => DrugCode::Hot(c),
                    })
                }
                Some(k) => {
                    return Err(line.err(
                        5,
                        "薬品コード種別",
                        format!("{k} is not 1, 2, 3, 4 or 6"),
                    ))
                }
            };
            let dose = need(3, "用量")?;
            let unit = need(4, "単位名")?;
            // A unit starting with a digit would run into the dose (「1」「4」 reads as 「14」),
            // and the export could not write the unit back (found by the `jahis` fuzz target).
            if let Some(u) = unit
                .as_deref()
                .filter(|u| u.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
            {
                return Err(line.err(4, "単位名", format!("{u:?} is not a unit")));
            }
            let drug = Drug {
                name: line.req(2, "薬品名称")?,
                dose,
                unit,
                code,
                notes: Vec::new(),
                cautions: Vec::new(),
            };
            line.creator(7)?;
            let d = current(book, line)?;
            if d.groups.is_empty() {
                d.groups.push(DoctorGroup {
                    doctor: None,
                    rps: Vec::new(),
                });
            }
            let last_number = d
                .groups
                .last()
                .and_then(|g| g.rps.last())
                .map(|rp| rp.number);
            if last_number == Some(n) {
                rp_of(d, n, line)?.drugs.push(drug);
            } else {
                if d.rps().any(|rp| rp.number == n) {
                    return Err(line.err(
                        1,
                        "RP番号",
                        format!("RP {n} appears again after another RP"),
                    ));
                }
                let group = d.groups.last_mut().expect("pushed above");
                group.rps.push(Rp {
                    number: n,
                    drugs: vec![drug],
                    usage: None,
                    usage_notes: Vec::new(),
                    cautions: Vec::new(),
                });
            }
        }
        281 | 291 => {
            let n = line.rp()?;
            let text = text_field(
                line,
                2,
                if no == 281 {
                    "薬品補足情報"
                } else {
                    "内容"
                },
            )?;
            line.creator(3)?;
            let d = current(book, line)?;
            let drug = rp_of(d, n, line)?
                .drugs
                .last_mut()
                .expect("an RP has a drug");
            if no == 281 {
                drug.notes.push(text);
            } else {
                drug.cautions.push(text);
            }
        }
        301 => {
            let n = line.rp()?;
            let form = match need(5, "剤形コード")? {
                None => None,
                Some(_) => {
                    let code = line.number::<u8>(5, "剤形コード")?.unwrap_or(0);
                    Some(DosageForm::from_code(code).ok_or_else(|| {
                        line.err(5, "剤形コード", format!("{code} is not 1–7, 9 or 10"))
                    })?)
                }
            };
            let code = match line.opt(6).as_deref() {
                None | Some("1") => None,
                Some("2") => Some(line.req(7, "用法コード")?),
                Some(other) => {
                    return Err(line.err(6, "用法コード種別", format!("{other:?} is not 1 or 2")))
                }
            };
            if to_patient && line.opt(6).is_none() {
                return Err(line.err(6, "用法コード種別", "is required but empty"));
            }
            let usage = Usage {
                name: line.opt(2),
                quantity: match need(3, "調剤数量")? {
                    None => None,
                    Some(_) => line.number::<u32>(3, "調剤数量")?,
                },
                unit: need(4, "調剤単位")?,
                form,
                code,
            };
            line.creator(8)?;
            let d = current(book, line)?;
            let rp = rp_of(d, n, line)?;
            once(&mut rp.usage, usage, line)?;
        }
        311 | 391 => {
            let n = line.rp()?;
            let text = text_field(
                line,
                2,
                if no == 311 {
                    "用法補足情報"
                } else {
                    "内容"
                },
            )?;
            line.creator(3)?;
            let d = current(book, line)?;
            let rp = rp_of(d, n, line)?;
            if no == 311 {
                rp.usage_notes.push(text);
            } else {
                rp.cautions.push(text);
            }
        }
        401 | 501 => {
            let text = text_field(line, 1, if no == 401 { "内容" } else { "備考情報" })?;
            line.creator(2)?;
            let d = current(book, line)?;
            if no == 401 {
                d.cautions.push(text);
            } else {
                d.remarks.push(text);
            }
        }
        n if SKIPPED.contains(&n) => {}
        n => {
            return Err(line.err(
                0,
                "レコード番号",
                format!("{n} is not a record of the JAHIS お薬手帳 format"),
            ))
        }
    }
    Ok(())
}
