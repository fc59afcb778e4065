//! Whether an insurer has registered checkup results, as the insurer says (data, not a guess),
//! so an empty checkup page can say why it is empty.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CheckupRegistration {
    /// Results are registered (from the given date, when known).
    Registered { since: Option<NaiveDate> },
    /// Not yet; the insurer expects to register from this date.
    Expected { from: NaiveDate },
    /// The insurer does not take part in sharing checkup results.
    NotParticipating,
}

impl CheckupRegistration {
    pub fn code(self) -> &'static str {
        match self {
            Self::Registered { .. } => "registered",
            Self::Expected { .. } => "expected",
            Self::NotParticipating => "not_participating",
        }
    }

    /// From a stored code and date; `None` for an unknown code.
    pub fn from_parts(code: &str, date: Option<NaiveDate>) -> Option<Self> {
        match code {
            "registered" => Some(Self::Registered { since: date }),
            "expected" => date.map(|from| Self::Expected { from }),
            "not_participating" => Some(Self::NotParticipating),
            _ => None,
        }
    }

    pub fn date(self) -> Option<NaiveDate> {
        match self {
            Self::Registered { since } => since,
            Self::Expected { from } => Some(from),
            Self::NotParticipating => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_parts() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 1);
        for r in [
            CheckupRegistration::Registered { since: d },
            CheckupRegistration::Registered { since: None },
            CheckupRegistration::Expected { from: d.unwrap() },
            CheckupRegistration::NotParticipating,
        ] {
            assert_eq!(CheckupRegistration::from_parts(r.code(), r.date()), Some(r));
        }
        assert_eq!(CheckupRegistration::from_parts("expected", None), None);
        assert_eq!(CheckupRegistration::from_parts("maybe", None), None);
    }
}
