//! What a proxy (代理人: family member, carer) may see: chosen kinds of records, until a date —
//! and, as a kind of its own, whether they may edit the grantor's 医療費控除 workbench.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The kinds of records access is granted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    Drugs,
    Checkups,
    Expenses,
    /// Change the grantor's 医療費控除 workbench (not a kind of record: reading 医療費通知 does
    /// not allow it).
    DeductionEdit,
}

impl AccessKind {
    /// The kinds of records (what can be seen).
    pub const ALL: [AccessKind; 3] = [
        AccessKind::Drugs,
        AccessKind::Checkups,
        AccessKind::Expenses,
    ];

    /// Everything a grant can hold: the kinds of records, and editing the deduction workbench.
    pub const GRANTABLE: [AccessKind; 4] = [
        AccessKind::Drugs,
        AccessKind::Checkups,
        AccessKind::Expenses,
        AccessKind::DeductionEdit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AccessKind::Drugs => "drugs",
            AccessKind::Checkups => "checkups",
            AccessKind::Expenses => "expenses",
            AccessKind::DeductionEdit => "deduction_edit",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::GRANTABLE.into_iter().find(|k| k.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            AccessKind::Drugs => "お薬の情報",
            AccessKind::Checkups => "健診結果",
            AccessKind::Expenses => "医療費通知情報",
            AccessKind::DeductionEdit => "医療費控除の編集",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AccessKind::Drugs => "Medicines",
            AccessKind::Checkups => "Checkups",
            AccessKind::Expenses => "Medical costs",
            AccessKind::DeductionEdit => "Editing the deduction workbench",
        }
    }
}

/// A set of kinds, stored as a comma-separated list of codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKinds(Vec<AccessKind>);

impl AccessKinds {
    /// Sorted, without repeats; `None` when empty (a grant of nothing is not a grant).
    pub fn new(kinds: impl IntoIterator<Item = AccessKind>) -> Option<Self> {
        let mut v: Vec<_> = kinds.into_iter().collect();
        v.sort();
        v.dedup();
        (!v.is_empty()).then_some(Self(v))
    }

    pub fn parse_list(list: &str) -> Option<Self> {
        Self::new(list.split(',').filter_map(|c| AccessKind::parse(c.trim())))
    }

    pub fn to_list(&self) -> String {
        self.0
            .iter()
            .map(|k| k.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn contains(&self, kind: AccessKind) -> bool {
        self.0.contains(&kind)
    }

    pub fn iter(&self) -> impl Iterator<Item = AccessKind> + '_ {
        self.0.iter().copied()
    }
}

/// Why a grant cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("choose at least one kind of record")]
    NoKinds,
    #[error("the end date must be today or later")]
    EndsInThePast,
    #[error("you cannot grant access to yourself")]
    ToSelf,
}

/// Checks a grant request against `today`.
pub fn check_grant(
    kinds: Option<&AccessKinds>,
    until: NaiveDate,
    today: NaiveDate,
    to_self: bool,
) -> Result<(), GrantError> {
    if to_self {
        return Err(GrantError::ToSelf);
    }
    if kinds.is_none() {
        return Err(GrantError::NoKinds);
    }
    if until < today {
        return Err(GrantError::EndsInThePast);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn kinds_round_trip_and_normalise() {
        let k = AccessKinds::parse_list("expenses, drugs,drugs,unknown").unwrap();
        assert_eq!(k.to_list(), "drugs,expenses");
        assert!(k.contains(AccessKind::Drugs) && !k.contains(AccessKind::Checkups));
        assert_eq!(AccessKinds::parse_list("nothing"), None);
        let edit = AccessKinds::parse_list("deduction_edit,expenses").unwrap();
        assert!(edit.contains(AccessKind::DeductionEdit));
        assert_eq!(edit.to_list(), "expenses,deduction_edit");
    }

    #[test]
    fn grants_are_checked() {
        let kinds = AccessKinds::new([AccessKind::Checkups]);
        assert_eq!(
            check_grant(kinds.as_ref(), d(2026, 12, 31), d(2026, 11, 26), false),
            Ok(())
        );
        assert_eq!(
            check_grant(kinds.as_ref(), d(2026, 11, 26), d(2026, 11, 26), false),
            Ok(())
        );
        assert_eq!(
            check_grant(kinds.as_ref(), d(2026, 11, 25), d(2026, 11, 26), false),
            Err(GrantError::EndsInThePast)
        );
        assert_eq!(
            check_grant(None, d(2026, 12, 31), d(2026, 11, 26), false),
            Err(GrantError::NoKinds)
        );
        assert_eq!(
            check_grant(kinds.as_ref(), d(2026, 12, 31), d(2026, 11, 26), true),
            Err(GrantError::ToSelf)
        );
    }
}
