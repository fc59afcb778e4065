//! What every import format parses into. Parsers do no IO beyond reading their input and
//! never touch the database; `crate::records::import` stores a batch.

use chrono::NaiveDate;
use domain::checkups::{Checkup, CheckupRegistration};
use domain::drugs::DrugLine;
use domain::expenses::ExpenseLine;
use domain::insurance::{CardIdentity, InsurerNumber};
use domain::people::{PersonId, Sex};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifies a batch; importing the same id twice changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BatchId(String);

impl BatchId {
    /// 1–128 printable ASCII characters.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() || s.len() > 128 || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("batch id must be 1–128 printable ASCII characters".into());
        }
        Ok(Self(s.to_owned()))
    }

    /// A batch id derived from the content (for formats without one): same bytes, same id.
    pub fn from_content(prefix: &str, bytes: &[u8]) -> Self {
        // Stable across runs and platforms; collisions only matter for the same prefix.
        let h = crate::hash::fnv1a64(bytes);
        Self(format!("{prefix}-{h:016x}-{}", bytes.len()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BatchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ImportFormat {
    /// Karte's canonical JSON batch (docs/import-format.md).
    Json,
    /// 特定健診 / 後期高齢者健診 results, MHLW hc08 CDA XML.
    Cda,
    /// マイナポータル 医療費通知情報 CSV download.
    MynaportalCsv,
    /// レセプト電算処理システム receipt file (医科 / 調剤 "UKE").
    Uke,
    /// JAHIS 電子版お薬手帳 text (a pharmacy's QR code; people bring it in themselves).
    Jahis,
}

impl ImportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Json => "json",
            ImportFormat::Cda => "cda",
            ImportFormat::MynaportalCsv => "mynaportal-csv",
            ImportFormat::Uke => "uke",
            ImportFormat::Jahis => "jahis",
        }
    }
}

/// Who the records belong to, as the file says. `id` is set when the sender knows Karte's id
/// (or `--person` was given); otherwise the person is matched by insurance card and birth
/// date, or created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonIdentity {
    pub id: Option<PersonId>,
    pub name: String,
    pub name_kana: Option<String>,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    /// The card; `None` when the file has none or it was masked (a warning says so).
    pub card: Option<CardIdentity>,
    pub insurer_name: Option<String>,
    /// Start of this insurance, when known.
    pub insured_since: Option<NaiveDate>,
}

/// One person's records in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecords {
    pub person: PersonIdentity,
    pub drugs: Vec<DrugLine>,
    pub checkups: Vec<Checkup>,
    pub expenses: Vec<ExpenseLine>,
}

impl PersonRecords {
    /// Points every line at `id` once the person is matched or created.
    pub fn assign_person(&mut self, id: &PersonId) {
        self.person.id = Some(id.clone());
        for d in &mut self.drugs {
            d.claim.person = id.clone();
        }
        for e in &mut self.expenses {
            e.claim.person = id.clone();
        }
    }

    pub fn line_count(&self) -> usize {
        self.drugs.len() + self.checkups.len() + self.expenses.len()
    }
}

/// What an insurer tells about itself: its name and whether checkup results are registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsurerInfo {
    pub number: InsurerNumber,
    pub name: String,
    pub checkup_registration: Option<CheckupRegistration>,
}

/// A parsed import: all of it is stored, or none of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportBatch {
    pub batch_id: BatchId,
    pub format: ImportFormat,
    pub insurers: Vec<InsurerInfo>,
    pub people: Vec<PersonRecords>,
    pub warnings: Vec<ImportWarning>,
}

impl ImportBatch {
    pub fn line_count(&self) -> usize {
        self.people.iter().map(PersonRecords::line_count).sum()
    }
}

/// Where in the input something is: file, line (1-based, when the format has lines), field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
    pub field: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.field),
            None => write!(f, "{}: {}", self.file, self.field),
        }
    }
}

/// Something odd that did not stop the import (a masked id, a header total that disagrees).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportWarning {
    pub at: Location,
    pub message: String,
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// A record that cannot be imported: the whole batch is refused, and this says where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{at}: {message}")]
pub struct ImportError {
    pub at: Location,
    pub message: String,
}

impl ImportError {
    pub fn new(file: &str, line: Option<usize>, field: &str, message: impl Into<String>) -> Self {
        Self {
            at: Location {
                file: file.to_owned(),
                line,
                field: field.to_owned(),
            },
            message: message.into(),
        }
    }
}

impl ImportWarning {
    pub fn new(file: &str, line: Option<usize>, field: &str, message: impl Into<String>) -> Self {
        Self {
            at: Location {
                file: file.to_owned(),
                line,
                field: field.to_owned(),
            },
            message: message.into(),
        }
    }
}
