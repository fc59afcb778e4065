//! How domain enums are stored: their serde names (`out_of_house`, `oral` …), or for enums
//! that keep unknown values as text, the Japanese label they parse back from.

use serde::de::DeserializeOwned;
use serde::Serialize;

pub fn to_code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => unreachable!("stored enums serialize as strings, got {other:?}"),
    }
}

pub fn from_code<T: DeserializeOwned>(column: &'static str, code: &str) -> Result<T, sqlx::Error> {
    use serde::de::IntoDeserializer;
    // Straight from the &str: no JSON value, no allocation (thousands per drug page).
    T::deserialize(IntoDeserializer::<serde::de::value::Error>::into_deserializer(code)).map_err(
        |e| sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: Box::new(e),
        },
    )
}

/// Wraps a domain parse error as a decode error of `column` (stored data that no longer parses).
pub fn decode_err<E: std::error::Error + Send + Sync + 'static>(
    column: &'static str,
) -> impl FnOnce(E) -> sqlx::Error {
    move |e| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: Box::new(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::drugs::{PrescriptionKind, UsageKind};

    #[test]
    fn enums_round_trip() {
        for k in [
            PrescriptionKind::Inpatient,
            PrescriptionKind::InHouse,
            PrescriptionKind::OutOfHouse,
        ] {
            assert_eq!(
                from_code::<PrescriptionKind>("prescription", &to_code(&k)).unwrap(),
                k
            );
        }
        assert_eq!(to_code(&UsageKind::AsNeeded), "as_needed");
        assert!(from_code::<UsageKind>("usage", "nonsense").is_err());
    }
}
