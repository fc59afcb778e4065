//! The detail of an access-log entry: which records, which period, through which channel.
//! Stored as JSON in `audit_log.detail`; entries written before it carry free text, shown as-is.

use crate::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};

/// Which records were looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Drugs,
    Checkups,
    Expenses,
    Deduction,
    /// The report with every kind the viewer may see.
    Report,
}

/// How the records were reached, when not through the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Api,
    Cli,
    /// The FHIR API (a session, or an app with a token the person issued).
    Fhir,
}

/// The period shown: months `YYYY-MM` or days `YYYY-MM-DD`, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// A typed access-log detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDetail {
    pub kind: RecordKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub household: bool,
}

impl AuditDetail {
    pub fn new(kind: RecordKind) -> Self {
        Self {
            kind,
            period: None,
            channel: None,
            household: false,
        }
    }
    pub fn period(mut self, from: impl ToString, to: impl ToString) -> Self {
        self.period = Some(Period {
            from: from.to_string(),
            to: to.to_string(),
        });
        self
    }
    pub fn channel(mut self, channel: Option<Channel>) -> Self {
        self.channel = channel;
        self
    }
    pub fn household(mut self, household: bool) -> Self {
        self.household = household;
        self
    }
    /// The text stored in `audit_log.detail`.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What the access history shows: a typed detail, or the free text of an older entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    Typed(AuditDetail),
    Text(String),
}

impl Detail {
    /// Reads a stored detail; anything that is not a typed detail stays text.
    pub fn from_stored(stored: String) -> Self {
        match serde_json::from_str(&stored) {
            Ok(d) => Detail::Typed(d),
            Err(_) => Detail::Text(stored),
        }
    }

    pub fn render(&self, lang: Lang) -> String {
        let d = match self {
            Detail::Text(t) => return t.clone(),
            Detail::Typed(d) => d,
        };
        let mut parts = vec![lang.t(kind_label(d.kind)).to_owned()];
        if let Some(p) = &d.period {
            parts.push(period_text(lang, p));
        }
        if d.household {
            parts.push(lang.t(Msg::AuditHousehold).to_owned());
        }
        match d.channel {
            Some(Channel::Api) => parts.push(lang.t(Msg::AuditViaApi).to_owned()),
            Some(Channel::Cli) => parts.push(lang.t(Msg::AuditViaCli).to_owned()),
            Some(Channel::Fhir) => parts.push(lang.t(Msg::AuditViaFhir).to_owned()),
            None => {}
        }
        parts.join(" ")
    }
}

fn kind_label(kind: RecordKind) -> Msg {
    match kind {
        RecordKind::Drugs => Msg::DrugsTitle,
        RecordKind::Checkups => Msg::CheckupsTitle,
        RecordKind::Expenses => Msg::ExpensesTitle,
        RecordKind::Deduction => Msg::DeductionTitle,
        RecordKind::Report => Msg::AuditReport,
    }
}

/// `2025-01`..`2025-12` → 2025年1月〜2025年12月 / 2025-01 – 2025-12.
fn period_text(lang: Lang, p: &Period) -> String {
    match lang {
        Lang::Ja => format!("{}〜{}", ja_date(&p.from), ja_date(&p.to)),
        Lang::En => format!("{} – {}", p.from, p.to),
    }
}

fn ja_date(s: &str) -> String {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |t: &str| t.parse::<u32>().ok();
    match parts.as_slice() {
        [y, m] => match (num(y), num(m)) {
            (Some(y), Some(m)) => format!("{y}年{m}月"),
            _ => s.to_owned(),
        },
        [y, m, d] => match (num(y), num(m), num(d)) {
            (Some(y), Some(m), Some(d)) => format!("{y}年{m}月{d}日"),
            _ => s.to_owned(),
        },
        _ => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_typed_in_both_languages_and_old_text_as_is() {
        let d = AuditDetail::new(RecordKind::Drugs)
            .period("2025-01", "2025-12")
            .channel(Some(Channel::Api));
        let shown = Detail::from_stored(d.to_stored());
        assert_eq!(
            shown.render(Lang::Ja),
            "お薬の情報 2025年1月〜2025年12月 連携アプリ経由"
        );
        assert_eq!(
            shown.render(Lang::En),
            "Medicines 2025-01 – 2025-12 via the API"
        );
        let old = Detail::from_stored("drugs 2025-01..2025-12".to_owned());
        assert_eq!(old.render(Lang::Ja), "drugs 2025-01..2025-12");
    }
}
