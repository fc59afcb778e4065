//! Writes the deterministic data set `bench/run` imports: Karte JSON batches of realistic
//! claims (one claim per pharmacy and month with several dispensings in it, some accepted
//! months late (月遅れ), some re-claimed (返戻再請求) and so superseded), made with the demo's
//! claim book (`scaled_drug_lines`). Run: `cargo bench -p server --bench datagen -- OUT_DIR`.
//! Same output, byte for byte, on every run. Not a test: nothing is asserted.
//!
//! OUT_DIR/reader.json    the page reader `bench-reader`: 2,000 drug lines over three years,
//!                        one 調剤 expense line per claim, five yearly checkups
//! OUT/etax.json          `bench-etax`: 995 expense lines in 2025 (the 集計フォーム's limit)
//! OUT/json/batch-N.json  five batches of 20,000 drug lines (ten people × 2,000)

#![allow(clippy::unwrap_used)] // a generator: a failure is a bug to see at once

use chrono::{Datelike, NaiveDate};
use domain::drugs::DrugLine;
use domain::people::PersonId;
use domain::period::YearMonth;
use domain::visibility::{drug_visible_from, expense_claim_visible_from};
use serde_json::{json, Map, Value};
use server::demo::records::{demo_identity, scaled_drug_lines};
use std::collections::BTreeMap;
use std::path::Path;

/// The data set's "today" (bench/run starts the server with KARTE_TODAY set to it).
const TODAY: (i32, u32, u32) = (2026, 11, 26);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap()
}

fn code<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

/// Sets `key` only when `v` is `Some` (the format refuses empty strings; absent is absent).
fn opt(m: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(key.to_owned(), v);
    }
}

fn claim_json(c: &domain::claim::ClaimSource) -> Value {
    let mut m = Map::new();
    m.insert("claim_id".into(), json!(c.claim_id.as_str()));
    m.insert("institution_id".into(), json!(c.institution.as_str()));
    m.insert("service_month".into(), json!(c.service_month.to_string()));
    m.insert("accepted_on".into(), json!(c.accepted_on.to_string()));
    m.insert("sequence".into(), json!(c.sequence));
    m.insert("receipt_kind".into(), code(&c.receipt.kind));
    m.insert("care_setting".into(), code(&c.receipt.setting));
    opt(
        &mut m,
        "prescribing_institution_id",
        c.receipt.prescriber.as_ref().map(|p| json!(p.as_str())),
    );
    Value::Object(m)
}

fn drug_json(d: &DrugLine) -> Value {
    let mut m = Map::new();
    m.insert("claim".into(), claim_json(&d.claim));
    m.insert("visible_from".into(), json!(d.visible_from.to_string()));
    m.insert("dispensed_on".into(), json!(d.dispensed_on.to_string()));
    m.insert("dispenser_name".into(), json!(d.dispenser_name));
    m.insert("prescriber".into(), json!(d.prescriber.as_str()));
    m.insert("prescription".into(), code(&d.prescription));
    m.insert("usage".into(), code(&d.usage));
    m.insert("drug_name".into(), json!(d.drug_name));
    opt(
        &mut m,
        "ingredient",
        d.ingredient.as_ref().map(|s| json!(s)),
    );
    opt(
        &mut m,
        "receipt_code",
        d.receipt_code.as_ref().map(|c| json!(c.as_str())),
    );
    opt(
        &mut m,
        "yj_code",
        d.yj_code.as_ref().map(|c| json!(c.as_str())),
    );
    opt(
        &mut m,
        "directions",
        d.directions.as_ref().map(|s| json!(s)),
    );
    opt(
        &mut m,
        "daily_dose",
        d.daily_dose.as_ref().map(|s| json!(s)),
    );
    opt(
        &mut m,
        "single_dose",
        d.single_dose.as_ref().map(|s| json!(s)),
    );
    opt(
        &mut m,
        "special_instructions",
        d.special_instructions.as_ref().map(|s| json!(s)),
    );
    m.insert(
        "quantity".into(),
        json!({"amount": d.quantity.amount, "unit": d.quantity.unit.label_ja()}),
    );
    opt(&mut m, "mark", d.mark.as_ref().map(code));
    opt(&mut m, "copay", d.copay.map(|y| json!(y.0)));
    opt(&mut m, "savings", d.savings.map(|y| json!(y.0)));
    Value::Object(m)
}

/// `lines` drug lines for `person`, with every 17th claim accepted three months late (月遅れ)
/// and every 23rd claim re-claimed two months late with one quantity changed (the re-claim
/// supersedes the original when read; both are stored).
fn realistic_lines(person: &PersonId, lines: usize) -> Vec<DrugLine> {
    let mut drugs = scaled_drug_lines(today(), person, lines);
    let mut claims: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, d) in drugs.iter().enumerate() {
        claims
            .entry(d.claim.claim_id.as_str().to_owned())
            .or_default()
            .push(i);
    }
    let mut extra = Vec::new();
    let mut sequence = drugs.iter().map(|d| d.claim.sequence).max().unwrap_or(0);
    for (n, (_, idx)) in claims.iter().enumerate() {
        let month = drugs[idx[0]].claim.service_month;
        if n % 17 == 5 {
            let late = month.add_months(4).day(7).unwrap();
            if late <= today() {
                for &i in idx {
                    let d = &mut drugs[i];
                    d.claim.accepted_on = late;
                    d.visible_from = drug_visible_from(month, Some(late));
                }
            }
        } else if n % 23 == 11 {
            let again = month.add_months(3).day(8).unwrap();
            if again <= today() {
                sequence += 1;
                for (k, &i) in idx.iter().enumerate() {
                    let mut d = drugs[i].clone();
                    d.claim.claim_id =
                        domain::claim::ClaimId::parse(&format!("{}-re", d.claim.claim_id.as_str()))
                            .unwrap();
                    d.claim.accepted_on = again;
                    d.claim.sequence = sequence;
                    d.visible_from = drug_visible_from(month, Some(again));
                    if k == 0 {
                        d.quantity.amount = (d.quantity.amount / 2).max(1);
                    }
                    extra.push(d);
                }
            }
        }
    }
    // Keep exactly `lines` stored lines: the oldest base lines make room for the re-claims.
    drugs.truncate(lines.saturating_sub(extra.len()));
    drugs.extend(extra);
    drugs
}

/// One 調剤 expense line per claim of `drugs` (医療費通知: total, 7割 insurer, 3割 patient).
fn pharmacy_expenses(drugs: &[DrugLine]) -> Vec<Value> {
    let mut claims: BTreeMap<&str, Vec<&DrugLine>> = BTreeMap::new();
    for d in drugs {
        claims.entry(d.claim.claim_id.as_str()).or_default().push(d);
    }
    claims
        .values()
        .map(|lines| {
            let c = &lines[0].claim;
            let mut days: Vec<NaiveDate> = lines.iter().map(|d| d.dispensed_on).collect();
            days.sort();
            days.dedup();
            let points: i64 = lines
                .iter()
                .map(|d| 30 + i64::from(d.quantity.amount) * 12)
                .sum::<i64>()
                + 90 * days.len() as i64;
            let total = points * 10;
            let patient = (total * 3 / 100) * 10;
            json!({
                "claim": claim_json(c),
                "visible_from": expense_claim_visible_from(c.service_month, c.accepted_on).to_string(),
                "category": "調剤",
                "days": days.len(),
                "institution_name": lines[0].dispenser_name,
                "total": total,
                "insurer_paid": total - patient,
                "public_paid": 0,
                "patient_paid": patient,
            })
        })
        .collect()
}

/// A yearly 特定健診 with the usual items (numbers vary by year, deterministically).
fn checkup_json(year: i32, insurer: &str) -> Value {
    let items: [(&str, f64, &str); 14] = [
        ("9N001000000000001", 170.2, "cm"),
        ("9N006000000000001", 72.4, "kg"),
        ("9N011000000000001", 25.0, "kg/m2"),
        ("9N016160100000001", 88.5, "cm"),
        ("9A751000000000001", 138.0, "mm[Hg]"),
        ("9A761000000000001", 86.0, "mm[Hg]"),
        ("3F015000002327101", 168.0, "mg/dL"),
        ("3F070000002327101", 45.0, "mg/dL"),
        ("3F077000002327101", 142.0, "mg/dL"),
        ("3B035000002327201", 24.0, "U/L"),
        ("3B045000002327201", 29.0, "U/L"),
        ("3B090000002327101", 48.0, "U/L"),
        ("3D010000001926101", 104.0, "mg/dL"),
        ("3D046000001906202", 5.8, "%"),
    ];
    let k = f64::from(year - 2020);
    let results: Vec<Value> = items
        .iter()
        .map(|(c, v, u)| {
            let value = if *v < 10.0 {
                format!("{:.1}", v + k * 0.1)
            } else {
                format!("{:.1}", v + k)
            };
            json!({"code": c, "value": {"type": "numeric", "value": value, "unit": u}})
        })
        .collect();
    json!({
        "performed_on": format!("{year}-10-03"),
        "institution_name": "サンプル健診クリニック",
        "kind": "specific_health_checkup",
        "insurer_number": insurer,
        "results": results,
    })
}

/// A person entry: the demo identity of 佐藤 under another id and card number.
fn person_json(id: &str, n: usize) -> (Value, String) {
    let template = demo_identity(&PersonId::parse("demo-sato").unwrap()).unwrap();
    let card = template.card.as_ref().unwrap();
    let insurer = card.insurer().as_str().to_owned();
    let mut c = Map::new();
    c.insert("insurer_number".into(), json!(insurer));
    opt(&mut c, "symbol", card.symbol().map(|s| json!(s.as_str())));
    c.insert("number".into(), json!(format!("{}", 70_000 + n)));
    opt(&mut c, "branch", card.branch().map(|b| json!(b.as_str())));
    let person = json!({
        "id": id,
        "name": format!("ベンチ　{n}"),
        "name_kana": "ベンチ",
        "sex": code(&template.sex.unwrap()),
        "birth_date": template.birth_date.unwrap().to_string(),
        "card": Value::Object(c),
        "insurer_name": template.insurer_name,
        "insured_since": template.insured_since.unwrap().to_string(),
    });
    (person, insurer)
}

fn batch(id: &str, people: Vec<Value>) -> Value {
    json!({"format_version": 1, "batch_id": id, "people": people})
}

fn write(path: &Path, v: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_vec(v).unwrap()).unwrap();
    println!("{}", path.display());
}

/// 995 expense lines in 2025 over many institutions and categories.
fn etax_expenses() -> Vec<Value> {
    let cats = [
        ("医科外来", "medical"),
        ("調剤", "pharmacy"),
        ("歯科外来", "dental"),
    ];
    (0..995usize)
        .map(|i| {
            let month = YearMonth::parse(&format!("2025-{:02}", 1 + i % 12)).unwrap();
            let inst = i / 12;
            let (cat, _) = cats[i % 3];
            let accepted = month.add_months(1).day(7).unwrap();
            let total = 2_000 + (i as i64 * 37) % 30_000;
            let patient = (total * 3 / 100) * 10;
            json!({
                "claim": {
                    "claim_id": format!("etax-{inst}-{month}-{}", i % 3),
                    "institution_id": format!("bench-inst-{inst:03}"),
                    "service_month": month.to_string(),
                    "accepted_on": accepted.to_string(),
                    "sequence": i,
                },
                "category": cat,
                "days": 1 + i % 4,
                "institution_name": format!("ベンチ医院{inst}"),
                "total": total,
                "insurer_paid": total - patient,
                "public_paid": 0,
                "patient_paid": patient,
            })
        })
        .collect()
}

fn main() {
    let out = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .expect("usage: datagen OUT_DIR");
    let out = Path::new(&out);
    assert!(today().day() > 10);

    // The page reader.
    let reader = PersonId::parse("bench-reader").unwrap();
    let drugs = realistic_lines(&reader, 2_000);
    let (person, insurer) = person_json("bench-reader", 0);
    let entry = json!({
        "person": person,
        "drugs": drugs.iter().map(drug_json).collect::<Vec<_>>(),
        "expenses": pharmacy_expenses(&drugs),
        "checkups": (2021..=2025).map(|y| checkup_json(y, &insurer)).collect::<Vec<_>>(),
    });
    write(
        &out.join("reader.json"),
        &batch("bench-reader", vec![entry]),
    );

    // The 集計フォーム person.
    let (person, _) = person_json("bench-etax", 1);
    let entry = json!({"person": person, "expenses": etax_expenses()});
    write(&out.join("etax.json"), &batch("bench-etax", vec![entry]));

    // Five batches of 20,000 drug lines: ten people × 2,000 each (re-claims included).
    for b in 1..=5 {
        let people: Vec<Value> = (0..10)
            .map(|p| {
                let n = b * 100 + p;
                let id = format!("bench-b{b}-p{p}");
                let pid = PersonId::parse(&id).unwrap();
                let lines = realistic_lines(&pid, 2_000);
                let (person, _) = person_json(&id, n);
                json!({"person": person, "drugs": lines.iter().map(drug_json).collect::<Vec<_>>()})
            })
            .collect();
        write(
            &out.join(format!("json/batch-{b}.json")),
            &batch(&format!("bench-json-{b}"), people),
        );
    }
}
