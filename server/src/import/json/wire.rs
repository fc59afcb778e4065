//! The wire format: private structs that mirror docs/import-format.md exactly.

use serde::Deserialize;
use serde_json::Value;
use std::cell::Cell;
// Scalars are `Leaf` (string, number or boolean) and checked in the conversion step, so a
// wrong type is reported with its exact path; objects and arrays stay `Value` until their
// own path is known.
//
// That is the exact path. A batch is first read the fast way: straight from the text into
// these structs (`Nested::Typed`, no `Value` tree), and only when that fails anywhere is it
// read again the exact way (`Nested::Raw`), so errors are the exact path's, word for word.

thread_local! {
    /// Whether `Nested` reads typed (the fast pass) or keeps the raw `Value` (the exact pass).
    static TYPED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with nested objects read straight into their structs.
pub(super) fn typed<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            TYPED.with(|t| t.set(self.0));
        }
    }
    let _reset = Reset(TYPED.with(|t| t.replace(true)));
    f()
}

/// A nested JSON object: its raw value until its path is known (the exact pass), or already
/// its struct (the fast pass, where anything but an object of exactly the struct's fields is
/// an error that sends the batch to the exact pass).
pub(super) enum Nested<T> {
    Raw(Value),
    Typed(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nested<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if TYPED.with(Cell::get) {
            T::deserialize(ObjectOnly(d)).map(Nested::Typed)
        } else {
            Value::deserialize(d).map(Nested::Raw)
        }
    }
}

/// Hands a struct only a JSON object: serde's derived structs also accept arrays, which the
/// exact pass refuses ("must be a JSON object").
struct ObjectOnly<D>(D);

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;
    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(v)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

pub(super) enum Leaf {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

/// What `#[serde(untagged)]` would do, without buffering every value first (that made leaves
/// the largest part of parsing a batch): a string, number or boolean, else the same error.
impl<'de> Deserialize<'de> for Leaf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, SeqAccess, Visitor};
        const NO_MATCH: &str = "data did not match any variant of untagged enum Leaf";
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Leaf;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Leaf, E> {
                Ok(Leaf::Text(v.to_owned()))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Leaf, E> {
                Ok(Leaf::Text(v))
            }
            fn visit_bool<E: Error>(self, v: bool) -> Result<Leaf, E> {
                Ok(Leaf::Bool(v))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Leaf, E> {
                Ok(Leaf::Number(v.into()))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Leaf, E> {
                Ok(Leaf::Number(v.into()))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<Leaf, E> {
                serde_json::Number::from_f64(v)
                    .map(Leaf::Number)
                    .ok_or_else(|| E::custom(NO_MATCH))
            }
            fn visit_unit<E: Error>(self) -> Result<Leaf, E> {
                Err(E::custom(NO_MATCH))
            }
            fn visit_none<E: Error>(self) -> Result<Leaf, E> {
                Err(E::custom(NO_MATCH))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Leaf, A::Error> {
                Err(A::Error::custom(NO_MATCH))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Leaf, A::Error> {
                Err(A::Error::custom(NO_MATCH))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireBatch {
    pub(super) format_version: Leaf,
    pub(super) batch_id: Leaf,
    #[serde(default)]
    pub(super) insurers: Vec<Nested<WireInsurer>>,
    pub(super) people: Vec<Nested<WirePerson>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireInsurer {
    pub(super) number: Leaf,
    pub(super) name: Leaf,
    pub(super) checkup_registration: Option<Nested<WireRegistration>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireRegistration {
    pub(super) status: Leaf,
    pub(super) since: Option<Leaf>,
    pub(super) from: Option<Leaf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WirePerson {
    pub(super) person: Nested<WireIdentity>,
    #[serde(default)]
    pub(super) drugs: Vec<Nested<WireDrug>>,
    #[serde(default)]
    pub(super) checkups: Vec<Nested<WireCheckup>>,
    #[serde(default)]
    pub(super) expenses: Vec<Nested<WireExpense>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireIdentity {
    pub(super) id: Option<Leaf>,
    pub(super) name: Leaf,
    pub(super) name_kana: Option<Leaf>,
    pub(super) sex: Option<Leaf>,
    pub(super) birth_date: Option<Leaf>,
    pub(super) card: Option<Nested<WireCard>>,
    pub(super) insurer_name: Option<Leaf>,
    pub(super) insured_since: Option<Leaf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireCard {
    pub(super) insurer_number: Leaf,
    pub(super) symbol: Option<Leaf>,
    pub(super) number: Leaf,
    pub(super) branch: Option<Leaf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireClaim {
    pub(super) claim_id: Leaf,
    pub(super) institution_id: Leaf,
    pub(super) service_month: Leaf,
    pub(super) accepted_on: Leaf,
    pub(super) sequence: Leaf,
    pub(super) receipt_kind: Option<Leaf>,
    pub(super) care_setting: Option<Leaf>,
    pub(super) prescribing_institution_id: Option<Leaf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireDrug {
    pub(super) claim: Nested<WireClaim>,
    pub(super) visible_from: Option<Leaf>,
    pub(super) dispensed_on: Leaf,
    pub(super) dispenser_name: Leaf,
    pub(super) prescriber: Leaf,
    pub(super) prescription: Leaf,
    pub(super) usage: Leaf,
    pub(super) drug_name: Leaf,
    pub(super) ingredient: Option<Leaf>,
    pub(super) receipt_code: Option<Leaf>,
    pub(super) yj_code: Option<Leaf>,
    pub(super) directions: Option<Leaf>,
    pub(super) daily_dose: Option<Leaf>,
    pub(super) single_dose: Option<Leaf>,
    pub(super) special_instructions: Option<Leaf>,
    pub(super) quantity: Nested<WireQuantity>,
    pub(super) mark: Option<Leaf>,
    pub(super) copay: Option<Leaf>,
    pub(super) savings: Option<Leaf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireQuantity {
    pub(super) amount: Leaf,
    pub(super) unit: Leaf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireCheckup {
    pub(super) performed_on: Leaf,
    pub(super) institution_name: Leaf,
    pub(super) kind: Leaf,
    pub(super) insurer_number: Leaf,
    pub(super) results: Vec<Nested<WireResult>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireResult {
    pub(super) code: Leaf,
    pub(super) value: Nested<WireValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireValue {
    #[serde(rename = "type")]
    pub(super) kind: Leaf,
    pub(super) value: Option<Leaf>,
    pub(super) unit: Option<Leaf>,
    pub(super) out_of_range: Option<Leaf>,
    pub(super) code: Option<Leaf>,
    pub(super) display: Option<Leaf>,
    pub(super) text: Option<Leaf>,
    pub(super) reason: Option<Leaf>,
    pub(super) reason_text: Option<Leaf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireExpense {
    pub(super) claim: Nested<WireClaim>,
    pub(super) visible_from: Option<Leaf>,
    pub(super) service_month: Option<Leaf>,
    pub(super) category: Leaf,
    pub(super) days: Leaf,
    pub(super) institution_name: Leaf,
    pub(super) total: Leaf,
    pub(super) insurer_paid: Leaf,
    pub(super) public_paid: Leaf,
    pub(super) patient_paid: Leaf,
}
