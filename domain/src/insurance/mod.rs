//! 保険証 identifiers: 保険者番号, 記号, 番号, 枝番. Each is parsed once at the edge; a
//! [`CardIdentity`] also enforces the 後期高齢者医療 rule (no 記号, no 枝番).

mod card;
mod card_fields;
mod insurer_number;

pub use card::{CardError, CardIdentity};
pub use card_fields::{BranchNumber, CardFieldError, CardNumber, CardSymbol};
pub use insurer_number::{InsurerKind, InsurerNumber, InsurerNumberError};

/// Accepts full-width digits (cards and PDFs print them) and drops spaces and hyphens that
/// people type as separators; everything else is kept for the caller to reject.
pub(crate) fn normalize_digits(raw: &str) -> String {
    raw.trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '　' | '-' | 'ー' | '－'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect()
}
