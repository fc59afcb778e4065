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

/// [`to_code`] without an allocation for the usual case, a unit variant (its serde name is a
/// `&'static str`): the import writes five codes for each of 100,000s of lines.
pub fn code_str<T: Serialize>(value: &T) -> std::borrow::Cow<'static, str> {
    match value.serialize(VariantName) {
        Ok(name) => std::borrow::Cow::Borrowed(name),
        Err(NotAUnitVariant) => std::borrow::Cow::Owned(to_code(value)),
    }
}

/// A serializer that only answers a unit variant's name.
struct VariantName;

#[derive(Debug)]
struct NotAUnitVariant;

impl std::fmt::Display for NotAUnitVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a unit variant")
    }
}

impl std::error::Error for NotAUnitVariant {}

impl serde::ser::Error for NotAUnitVariant {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        NotAUnitVariant
    }
}

macro_rules! not_a_unit_variant {
    ($($name:ident($($arg:ty),*);)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<Self::Ok, Self::Error> {
            Err(NotAUnitVariant)
        })*
    };
}

impl serde::Serializer for VariantName {
    type Ok = &'static str;
    type Error = NotAUnitVariant;
    type SerializeSeq = serde::ser::Impossible<&'static str, NotAUnitVariant>;
    type SerializeTuple = serde::ser::Impossible<&'static str, NotAUnitVariant>;
    type SerializeTupleStruct = serde::ser::Impossible<&'static str, NotAUnitVariant>;
    type SerializeTupleVariant = serde::ser::Impossible<&'static str, NotAUnitVariant>;
    type SerializeMap = serde::ser::Impossible<&'static str, NotAUnitVariant>;
    type SerializeStruct = serde::ser::Impossible<&'static str, NotAUnitVariant>;
    type SerializeStructVariant = serde::ser::Impossible<&'static str, NotAUnitVariant>;

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotAUnitVariant> {
        Ok(variant)
    }

    not_a_unit_variant! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<&'static str, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotAUnitVariant> {
        Err(NotAUnitVariant)
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

    #[test]
    fn code_str_is_to_code_without_the_allocation() {
        use domain::claim::{CareSetting, ReceiptKind};
        assert!(matches!(
            code_str(&UsageKind::AsNeeded),
            std::borrow::Cow::Borrowed("as_needed")
        ));
        for k in [
            ReceiptKind::Medical,
            ReceiptKind::Dpc,
            ReceiptKind::HomeNursing,
        ] {
            assert_eq!(code_str(&k), to_code(&k));
        }
        assert_eq!(code_str(&CareSetting::Inpatient), "inpatient");
        // Anything but a unit variant falls back to to_code's answer.
        assert!(matches!(code_str(&"text"), std::borrow::Cow::Owned(s) if s == "text"));
    }
}
