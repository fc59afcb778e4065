//! What a person enters themselves (本人入力), never the insurer's: OTC medicines (市販薬),
//! allergies and side effects, and お薬手帳 memos attached to one dispensing. Input is parsed
//! here, once, into these types: control characters removed before the trim (as the
//! deduction form does), lengths and dates checked, amounts 0…9,999,999 yen.

use crate::money::Yen;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The largest price an entry takes (9,999,999 yen).
pub const PRICE_MAX: Yen = Yen(9_999_999);
/// Lengths, in characters.
pub const NAME_MAX: usize = 100;
pub const SHORT_MAX: usize = 100;
pub const REACTION_MAX: usize = 200;
pub const MEMO_MAX: usize = 1_000;

/// How severe a reaction was, as the person judges it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Mild,
    Moderate,
    Severe,
    Unknown,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Severe, Self::Moderate, Self::Mild, Self::Unknown];

    pub fn code(self) -> &'static str {
        match self {
            Self::Mild => "mild",
            Self::Moderate => "moderate",
            Self::Severe => "severe",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Mild => "軽い",
            Self::Moderate => "中くらい",
            Self::Severe => "重い",
            Self::Unknown => "わからない",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Mild => "Mild",
            Self::Moderate => "Moderate",
            Self::Severe => "Severe",
            Self::Unknown => "Not known",
        }
    }
}

/// An OTC medicine the person bought and took.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnMedicine {
    /// The entry's id (0 before it is stored)
    pub id: i64,
    pub name: String,
    /// 成分名 (may be empty)
    pub ingredient: String,
    /// Taken from (also the year it counts in for セルフメディケーション税制)
    pub from: NaiveDate,
    /// Taken until (inclusive), if it ended
    pub to: Option<NaiveDate>,
    /// Where it was bought (may be empty)
    pub bought_at: String,
    /// Price paid, whole yen
    pub price: Option<Yen>,
    /// Put into the セルフメディケーション税制 calculation of the year of `from`
    pub self_medication: bool,
}

/// An allergy or a side effect.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allergy {
    /// The entry's id (0 before it is stored)
    pub id: i64,
    /// The drug, food or other substance
    pub substance: String,
    /// What happened (may be empty)
    pub reaction: String,
    pub since: Option<NaiveDate>,
    pub severity: Severity,
}

/// A free note attached to one dispensing (調剤日 and 病院・薬局名 of a drug line).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrugMemo {
    /// The entry's id (0 before it is stored)
    pub id: i64,
    pub dispensed_on: NaiveDate,
    pub dispenser: String,
    pub memo: String,
}

/// Everything a person entered themselves.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnEntries {
    /// Newest first (by `from`)
    pub medicines: Vec<OwnMedicine>,
    /// Most severe first
    pub allergies: Vec<Allergy>,
    /// Newest dispensing first
    pub memos: Vec<DrugMemo>,
}

impl OwnEntries {
    pub fn is_empty(&self) -> bool {
        self.medicines.is_empty() && self.allergies.is_empty() && self.memos.is_empty()
    }

    /// The memos of one dispensing.
    pub fn memos_of<'a>(
        &'a self,
        on: NaiveDate,
        dispenser: &'a str,
    ) -> impl Iterator<Item = &'a DrugMemo> + 'a {
        self.memos
            .iter()
            .filter(move |m| m.dispensed_on == on && m.dispenser == dispenser)
    }
}

/// What is wrong with an entry, as the form reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OwnError {
    #[error("a required field is empty")]
    Required,
    #[error("a field is too long")]
    TooLong,
    #[error("not a date (YYYY-MM-DD), or the end is before the start")]
    Date,
    #[error("amount: whole yen, 0 to 9,999,999")]
    Amount,
    #[error("the self-medication switch needs a price and where it was bought")]
    SelfMedication,
    #[error("unknown severity")]
    Severity,
}

/// A text field: control characters removed, then trimmed (so a control character cannot
/// shield a space from the trim), at most `max` characters.
pub fn text(raw: &str, max: usize, required: bool) -> Result<String, OwnError> {
    let kept: String = raw.chars().filter(|c| !c.is_control()).collect();
    let t = kept.trim().to_owned();
    if required && t.is_empty() {
        return Err(OwnError::Required);
    }
    if t.chars().count() > max {
        return Err(OwnError::TooLong);
    }
    Ok(t)
}

/// Like [`text`], but keeps line breaks (a memo may have several lines).
pub fn multiline(raw: &str, max: usize, required: bool) -> Result<String, OwnError> {
    let kept: String = raw
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    let t = kept.trim().to_owned();
    if required && t.is_empty() {
        return Err(OwnError::Required);
    }
    if t.chars().count() > max {
        return Err(OwnError::TooLong);
    }
    Ok(t)
}

/// A date field (YYYY-MM-DD, 2000…2100), optional when empty.
pub fn date(raw: &str) -> Result<Option<NaiveDate>, OwnError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2100).contains(&chrono::Datelike::year(d)))
        .map(Some)
        .ok_or(OwnError::Date)
}

/// A price field: whole yen, 0…9,999,999, optional when empty.
pub fn price(raw: &str) -> Result<Option<Yen>, OwnError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Yen::parse(raw)
        .ok()
        .filter(|y| *y >= Yen::ZERO && *y <= PRICE_MAX)
        .map(Some)
        .ok_or(OwnError::Amount)
}

impl OwnMedicine {
    /// Parses the form's fields (`field(name)` gives the posted value or "").
    pub fn parse(field: &dyn Fn(&str) -> String) -> Result<Self, OwnError> {
        let name = text(&field("name"), NAME_MAX, true)?;
        let ingredient = text(&field("ingredient"), NAME_MAX, false)?;
        let from = date(&field("from"))?.ok_or(OwnError::Date)?;
        let to = date(&field("to"))?;
        if to.is_some_and(|to| to < from) {
            return Err(OwnError::Date);
        }
        let bought_at = text(&field("bought_at"), SHORT_MAX, false)?;
        let price = price(&field("price"))?;
        let self_medication = field("self_medication") == "1";
        if self_medication && (price.is_none() || bought_at.is_empty()) {
            return Err(OwnError::SelfMedication);
        }
        if self_medication && !(2000..=2100).contains(&chrono::Datelike::year(&from)) {
            return Err(OwnError::Date);
        }
        Ok(Self {
            id: 0,
            name,
            ingredient,
            from,
            to,
            bought_at,
            price,
            self_medication,
        })
    }
}

impl Allergy {
    pub fn parse(field: &dyn Fn(&str) -> String) -> Result<Self, OwnError> {
        Ok(Self {
            id: 0,
            substance: text(&field("substance"), NAME_MAX, true)?,
            reaction: text(&field("reaction"), REACTION_MAX, false)?,
            since: date(&field("since"))?,
            severity: Severity::parse(field("severity").trim()).ok_or(OwnError::Severity)?,
        })
    }
}

impl DrugMemo {
    /// `dispensing` is `YYYY-MM-DD~name` as the form's select sends it.
    pub fn parse(field: &dyn Fn(&str) -> String) -> Result<Self, OwnError> {
        let raw = field("dispensing");
        let (on, dispenser) = raw.split_once('~').ok_or(OwnError::Required)?;
        Ok(Self {
            id: 0,
            dispensed_on: date(on)?.ok_or(OwnError::Date)?,
            dispenser: text(dispenser, 200, true)?,
            memo: multiline(&field("memo"), MEMO_MAX, true)?,
        })
    }

    /// The select's value for a dispensing.
    pub fn key(on: NaiveDate, dispenser: &str) -> String {
        format!("{on}~{dispenser}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> String + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
                .unwrap_or_default()
        }
    }

    #[test]
    fn medicines_are_checked() {
        let ok = OwnMedicine::parse(&form(&[
            ("name", "\u{1} パブロン \u{7}"),
            ("from", "2026-01-05"),
            ("to", "2026-01-09"),
            ("bought_at", "ドラッグストア"),
            ("price", "１,９８０"),
            ("self_medication", "1"),
        ]))
        .unwrap();
        assert_eq!(ok.name, "パブロン");
        assert_eq!(ok.price, Some(Yen(1_980)));
        assert!(ok.self_medication);
        let bad = |pairs: &[(&str, &str)]| OwnMedicine::parse(&form(pairs)).unwrap_err();
        assert_eq!(bad(&[("from", "2026-01-05")]), OwnError::Required);
        assert_eq!(bad(&[("name", "a")]), OwnError::Date);
        assert_eq!(
            bad(&[("name", "a"), ("from", "2026-02-30")]),
            OwnError::Date
        );
        assert_eq!(
            bad(&[("name", "a"), ("from", "2026-02-03"), ("to", "2026-02-02")]),
            OwnError::Date
        );
        assert_eq!(
            bad(&[("name", "a"), ("from", "2026-02-03"), ("price", "10000000")]),
            OwnError::Amount
        );
        assert_eq!(
            bad(&[("name", "a"), ("from", "2026-02-03"), ("price", "-1")]),
            OwnError::Amount
        );
        assert_eq!(
            bad(&[
                ("name", "a"),
                ("from", "2026-02-03"),
                ("price", "100"),
                ("self_medication", "1")
            ]),
            OwnError::SelfMedication
        );
        let long = "あ".repeat(NAME_MAX + 1);
        assert_eq!(
            bad(&[("name", long.as_str()), ("from", "2026-02-03")]),
            OwnError::TooLong
        );
        assert!(OwnMedicine::parse(&form(&[
            ("name", "a"),
            ("from", "2026-02-03"),
            ("price", "9999999")
        ]))
        .is_ok());
    }

    #[test]
    fn allergies_and_memos_are_checked() {
        let a = Allergy::parse(&form(&[
            ("substance", " ペニシリン "),
            ("severity", "severe"),
        ]))
        .unwrap();
        assert_eq!(a.substance, "ペニシリン");
        assert_eq!(a.severity, Severity::Severe);
        assert_eq!(
            Allergy::parse(&form(&[("substance", "x"), ("severity", "deadly")])),
            Err(OwnError::Severity)
        );
        assert_eq!(
            Allergy::parse(&form(&[("substance", "\u{1} "), ("severity", "mild")])),
            Err(OwnError::Required)
        );
        let m = DrugMemo::parse(&form(&[
            ("dispensing", "2026-03-02~さくら薬局"),
            ("memo", "眠くなった\r\n\u{7}2日でやめた"),
        ]))
        .unwrap();
        assert_eq!(m.memo, "眠くなった\n2日でやめた");
        assert_eq!(
            DrugMemo::key(m.dispensed_on, &m.dispenser),
            "2026-03-02~さくら薬局"
        );
        assert_eq!(
            DrugMemo::parse(&form(&[("dispensing", "x"), ("memo", "a")])),
            Err(OwnError::Required)
        );
    }
}
