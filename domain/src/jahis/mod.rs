//! JAHIS 電子版お薬手帳データフォーマット (Ver.2.x): the text a pharmacy prints as a QR code on
//! its お薬の説明書 and お薬手帳 apps read. Lines of comma-separated fields in CP932 with CRLF;
//! the first line is the version record (`JAHISTC0n,出力区分`), every other line starts with its
//! record number. The layout implemented here, and where it comes from, is in `docs/jahis.md`.
//!
//! [`parse`] reads the records Karte keeps (patient, dispensings with their pharmacy,
//! pharmacist, prescriber, doctors, RPs of drugs with 用法, cautions and remarks) and refuses
//! malformed input naming the line, the record number and the field. Records of the spec that
//! Karte does not keep (患者特記, 一般用医薬品, 手帳メモ, 提供情報, 残薬確認, 患者等記入,
//! かかりつけ薬剤師) are checked for a record number only and skipped. [`write`] produces the
//! text back; `parse(write(n)) == n` for every notebook the writer accepts (property-tested).

mod lines;
mod model;
mod parse;
mod split;
mod text;
mod write;

pub use lines::{
    current_medicines, from_drug_lines, to_drug_lines, CURRENT_WITHOUT_DAYS, NOTEBOOK_CLAIM_PREFIX,
};
pub use model::{
    Creator, Dispensing, DoctorGroup, DosageForm, Drug, DrugCode, Institution, Notebook, Output,
    Patient, Prescriber, Rp, Sex, Staff, Usage,
};
pub use parse::{parse, parse_text, JahisError};
pub use split::{join_parts, split_text, SplitError, QR_PART_BYTES};
pub use text::{decode, encode_cp932};
pub use write::write;

#[cfg(test)]
mod tests;
