//! The wire format: private structs that mirror docs/import-format.md exactly.

use serde::Deserialize;
use serde_json::Value;
// Scalars are `Leaf` (string, number or boolean) and checked in the conversion step, so a
// wrong type is reported with its exact path; objects and arrays stay `Value` until their
// own path is known.

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Leaf {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireBatch {
    pub(super) format_version: Leaf,
    pub(super) batch_id: Leaf,
    #[serde(default)]
    pub(super) insurers: Vec<Value>,
    pub(super) people: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireInsurer {
    pub(super) number: Leaf,
    pub(super) name: Leaf,
    pub(super) checkup_registration: Option<Value>,
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
    pub(super) person: Value,
    #[serde(default)]
    pub(super) drugs: Vec<Value>,
    #[serde(default)]
    pub(super) checkups: Vec<Value>,
    #[serde(default)]
    pub(super) expenses: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireIdentity {
    pub(super) id: Option<Leaf>,
    pub(super) name: Leaf,
    pub(super) name_kana: Option<Leaf>,
    pub(super) sex: Option<Leaf>,
    pub(super) birth_date: Option<Leaf>,
    pub(super) card: Option<Value>,
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
    pub(super) claim: Value,
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
    pub(super) quantity: Value,
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
    pub(super) results: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireResult {
    pub(super) code: Leaf,
    pub(super) value: Value,
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
    pub(super) claim: Value,
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
