use super::*;
use crate::import::batch::ImportFormat;
use chrono::NaiveDate;
use domain::drugs::DrugMark;
use domain::people::PersonId;
use domain::visibility::expense_visible_from;

const EXAMPLE: &str = include_str!("../../../../docs/examples/batch-example.json");
const SCHEMA: &str = include_str!("../../../../docs/import-batch.schema.json");
const DOC: &str = include_str!("../../../../docs/import-format.md");

fn parse_str(text: &str) -> Result<ImportBatch, ImportError> {
    parse("batch.json", text.as_bytes(), &ParseOptions::default())
}

fn example_with(edit: impl FnOnce(&mut Value)) -> Result<ImportBatch, ImportError> {
    let mut v: Value = serde_json::from_str(EXAMPLE).unwrap();
    edit(&mut v);
    parse_str(&v.to_string())
}

/// The exact pass alone (what every batch went through before the fast pass existed).
fn exact_pass(text: &str) -> Result<ImportBatch, ImportError> {
    let opts = ParseOptions::default();
    let converter = Converter {
        file: "batch.json",
        opts: &opts,
    };
    converter.batch(wire::Nested::Raw(serde_json::from_str(text).unwrap()))
}

fn fast(text: &str) -> Option<ImportBatch> {
    let opts = ParseOptions::default();
    fast_pass(
        &Converter {
            file: "batch.json",
            opts: &opts,
        },
        text,
    )
}

/// The fast pass gives exactly the exact pass's batch, and leaves to it whatever it refuses,
/// including what only the exact pass would refuse (an array where an object belongs).
#[test]
fn the_fast_pass_reads_what_the_exact_pass_reads() {
    let from_fast = fast(EXAMPLE).expect("the example takes the fast pass");
    assert_eq!(from_fast, exact_pass(EXAMPLE).unwrap());
    let mut v: Value = serde_json::from_str(EXAMPLE).unwrap();
    // Numbers where strings may be, escapes, nulls for optional fields, unicode.
    v["people"][0]["drugs"][0]["claim"]["sequence"] = serde_json::json!(7);
    v["people"][0]["drugs"][0]["drug_name"] = serde_json::json!("薬\t\"名\"");
    v["people"][0]["drugs"][0]["ingredient"] = Value::Null;
    let text = v.to_string();
    assert_eq!(fast(&text).unwrap(), exact_pass(&text).unwrap());
    // An object given as an array: serde would read it into the struct; the exact pass refuses.
    let mut v: Value = serde_json::from_str(EXAMPLE).unwrap();
    v["people"][0]["drugs"][0]["quantity"] = serde_json::json!([28, "日分"]);
    let text = v.to_string();
    assert!(fast(&text).is_none());
    let err = parse_str(&text).unwrap_err();
    assert_eq!(err.at.field, "people[0].drugs[0].quantity");
    // A duplicate key: the exact pass keeps the last one; the fast pass leaves it to it.
    let dup = EXAMPLE.replacen("\"batch_id\"", "\"batch_id\": \"first\", \"batch_id\"", 1);
    assert!(fast(&dup).is_none());
    assert_eq!(parse_str(&dup).unwrap(), exact_pass(&dup).unwrap());
}

#[test]
fn parses_the_documented_example() {
    let batch = parse_str(EXAMPLE).unwrap();
    assert_eq!(batch.format, ImportFormat::Json);
    assert_eq!(batch.batch_id.as_str(), "example-2025-07-01");
    assert_eq!(batch.people.len(), 1);
    let p = &batch.people[0];
    assert_eq!(
        (p.drugs.len(), p.checkups.len(), p.expenses.len()),
        (3, 1, 2)
    );
    assert!(p
        .drugs
        .iter()
        .any(|d| d.mark == Some(DrugMark::Psychotropic)));
    assert!(p.drugs.iter().any(|d| d.savings.is_some()));
    // visible_from left out: computed by the domain rule (May claim accepted 6/10 → 6/11).
    let computed = p
        .drugs
        .iter()
        .find(|d| d.drug_name.contains("ノルバスク"))
        .unwrap();
    assert_eq!(
        computed.visible_from,
        NaiveDate::from_ymd_opt(2025, 6, 11).unwrap()
    );
    assert_eq!(
        p.expenses[0].visible_from,
        expense_visible_from(p.expenses[0].service_month)
    );
    assert_eq!(
        batch.insurers[0].checkup_registration.map(|r| r.code()),
        Some("registered")
    );
    assert_eq!(p.drugs[0].claim.person, p.person.id.clone().unwrap());
}

#[test]
fn person_option_overrides_and_lines_follow() {
    let opts = ParseOptions {
        person: Some(PersonId::parse("p-42").unwrap()),
    };
    let batch = parse("b.json", EXAMPLE.as_bytes(), &opts).unwrap();
    let p = &batch.people[0];
    assert_eq!(p.person.id.as_ref().map(PersonId::as_str), Some("p-42"));
    assert!(p.drugs.iter().all(|d| d.claim.person.as_str() == "p-42"));
}

/// The receipt identity defaults from the line (old files import as before) and may be given.
#[test]
fn receipt_identity_defaults_from_the_line_or_is_given() {
    use domain::claim::{CareSetting, ReceiptKind};
    let batch = parse_str(EXAMPLE).unwrap();
    let p = &batch.people[0];
    let rx = &p.drugs[0].claim.receipt;
    assert_eq!(
        (rx.kind, rx.setting),
        (ReceiptKind::Pharmacy, CareSetting::Outpatient)
    );
    assert_eq!(rx.prescriber.as_ref().map(|i| i.as_str()), Some("clinic-b"));
    for e in &p.expenses {
        assert_eq!(
            e.claim.receipt,
            domain::claim::ReceiptIdentity::for_expense(&e.category)
        );
    }
    let given = example_with(|v| {
        let c = &mut v["people"][0]["expenses"][0]["claim"];
        c["receipt_kind"] = "dental".into();
        c["care_setting"] = "inpatient".into();
    })
    .unwrap();
    let r = &given.people[0].expenses[0].claim.receipt;
    assert_eq!(
        (r.kind, r.setting, r.prescriber.clone()),
        (ReceiptKind::Dental, CareSetting::Inpatient, None)
    );
    let e = example_with(|v| {
        let c = &mut v["people"][0]["expenses"][0]["claim"];
        c["receipt_kind"] = "medical".into();
        c["prescribing_institution_id"] = "clinic-b".into();
    })
    .unwrap_err();
    assert_eq!(
        e.at.field,
        "people[0].expenses[0].claim.prescribing_institution_id"
    );
    let e = example_with(|v| v["people"][0]["drugs"][0]["claim"]["care_setting"] = "ward".into())
        .unwrap_err();
    assert_eq!(e.at.field, "people[0].drugs[0].claim.care_setting");
}

/// 月遅れ: a notice accepted on 8 April is published with the batch after April (11 May), as
/// the demo and the seed publish it — one rule, domain::visibility::expense_claim_visible_from.
#[test]
fn a_late_notice_is_published_after_its_acceptance_month() {
    let batch = example_with(|v| {
        let e = &mut v["people"][0]["expenses"][0];
        e.as_object_mut().unwrap().remove("visible_from");
        e["claim"]["service_month"] = "2025-01".into();
        e["claim"]["accepted_on"] = "2025-04-08".into();
        e.as_object_mut().unwrap().remove("service_month");
    })
    .unwrap();
    assert_eq!(
        batch.people[0].expenses[0].visible_from,
        NaiveDate::from_ymd_opt(2025, 5, 11).unwrap()
    );
}

#[test]
fn errors_name_the_json_path() {
    let e = example_with(|v| v["people"][0]["drugs"][2]["dispensed_on"] = "2025/05/20".into())
        .unwrap_err();
    assert_eq!(e.at.field, "people[0].drugs[2].dispensed_on");
    assert!(
        e.to_string()
            .starts_with("batch.json: people[0].drugs[2].dispensed_on: "),
        "{e}"
    );

    let e = example_with(|v| {
        v["people"][0]["drugs"][0]
            .as_object_mut()
            .unwrap()
            .remove("dispenser_name");
    })
    .unwrap_err();
    assert_eq!(
        (e.at.field.as_str(), e.message.as_str()),
        ("people[0].drugs[0].dispenser_name", "is required")
    );

    let e =
        example_with(|v| v["people"][0]["expenses"][1]["claim"]["sequnce"] = 1.into()).unwrap_err();
    assert_eq!(e.at.field, "people[0].expenses[1].claim.sequnce");

    let e = example_with(|v| v["people"][0]["expenses"][0]["total"] = "1,000".into()).unwrap_err();
    assert_eq!(e.at.field, "people[0].expenses[0].total");

    let e =
        example_with(|v| v["people"][0]["checkups"][0]["results"][1]["value"]["unit"] = "x".into())
            .unwrap_err();
    assert_eq!(e.at.field, "people[0].checkups[0].results[1].value.unit");

    // A control character (PostgreSQL cannot store NUL): refused where it is, on every backend.
    let e =
        example_with(|v| v["people"][0]["drugs"][1]["drug_name"] = "薬\u{0}名".into()).unwrap_err();
    assert_eq!(e.at.field, "people[0].drugs[1].drug_name");
    assert!(e.message.contains("U+0000"), "{e}");
    let e = example_with(|v| v["people"][0]["person"]["name"] = "名\u{1b}[31m".into()).unwrap_err();
    assert_eq!(e.at.field, "people[0].person.name");
    // Tabs and line breaks are text.
    example_with(|v| v["people"][0]["drugs"][1]["directions"] = "朝\t夕\n就寝前".into()).unwrap();

    let e = example_with(|v| v["format_version"] = 2.into()).unwrap_err();
    assert_eq!(e.at.field, "format_version");

    // 9999-12 is a month, but its publication (two months on) is not; no panic.
    let e = example_with(|v| {
        v["people"][0]["expenses"][0]["claim"]["service_month"] = "9999-12".into()
    })
    .unwrap_err();
    assert_eq!(e.at.field, "people[0].expenses[0].claim.service_month");
}

#[test]
fn syntax_errors_carry_the_line() {
    let e = parse_str("{\n  \"format_version\": 1,\n  \"batch_id\": \"x\",,\n}").unwrap_err();
    assert_eq!((e.at.line, e.at.field.as_str()), (Some(3), "(syntax)"));
    assert!(
        e.to_string()
            .starts_with("batch.json:3: (syntax): not valid JSON"),
        "{e}"
    );
}

#[test]
fn refuses_oversized_input() {
    let big = vec![b' '; MAX_BYTES + 1];
    let e = parse("big.json", &big, &ParseOptions::default()).unwrap_err();
    assert!(e.message.contains("limit"), "{e}");
}

fn schema() -> Value {
    serde_json::from_str(SCHEMA).unwrap()
}

/// Every property the schema names appears in the example or the docs, so the three files
/// cannot drift apart silently.
#[test]
fn schema_properties_are_documented() {
    fn collect(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    out.extend(props.keys().cloned());
                }
                map.values().for_each(|child| collect(child, out));
            }
            Value::Array(items) => items.iter().for_each(|child| collect(child, out)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    collect(&schema(), &mut names);
    assert!(names.len() > 40, "schema lists {} properties", names.len());
    for name in names {
        let quoted = format!("\"{name}\"");
        let code = format!("`{name}`");
        assert!(
            EXAMPLE.contains(&quoted) || DOC.contains(&code),
            "{name} is in the schema but neither in the example nor the docs"
        );
    }
}

/// A small structural validator for the subset of JSON Schema the schema file uses
/// (type, properties, required, additionalProperties, items, enum, const, $ref, oneOf,
/// pattern-free strings), enough to catch example/schema drift without a new crate.
fn validate(schema: &Value, root: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(Value::String(r)) = schema.get("$ref") {
        let name = r.trim_start_matches("#/$defs/");
        return validate(&root["$defs"][name], root, v, path, errors);
    }
    if let Some(Value::Array(options)) = schema.get("oneOf") {
        let matching = options
            .iter()
            .filter(|o| {
                let mut e = Vec::new();
                validate(o, root, v, path, &mut e);
                e.is_empty()
            })
            .count();
        if matching != 1 {
            errors.push(format!("{path}: matches {matching} of oneOf"));
        }
        return;
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            errors.push(format!("{path}: not const {c}"));
        }
    }
    if let Some(Value::Array(options)) = schema.get("enum") {
        if !options.contains(v) {
            errors.push(format!("{path}: {v} not in enum"));
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_ok = |t: &str| match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|t| type_ok(t)) {
        errors.push(format!("{path}: not of type {types:?}"));
        return;
    }
    if let Value::Object(map) = v {
        let props = schema.get("properties").and_then(Value::as_object);
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !map.contains_key(req.as_str().unwrap_or_default()) {
                errors.push(format!("{path}: missing {req}"));
            }
        }
        for (k, child) in map {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(s, root, child, &format!("{path}.{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{path}: unexpected {k}"))
                }
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (v, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(item_schema, root, item, &format!("{path}[{i}]"), errors);
        }
    }
}

#[test]
fn example_matches_the_schema_structurally() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let example: Value = serde_json::from_str(EXAMPLE).unwrap();
    let mut errors = Vec::new();
    validate(&schema, &schema, &example, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");

    // The validator is not vacuous: a misspelt field fails it too.
    let mut bad = example.clone();
    bad["people"][0]["drugs"][0]["dispensed"] = "2025-05-01".into();
    let mut errors = Vec::new();
    validate(&schema, &schema, &bad, "$", &mut errors);
    assert_eq!(errors.len(), 1, "{errors:#?}");
}
