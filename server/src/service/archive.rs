//! Leaving with everything: one zip of all records of the signed-in person
//! (`GET /account/archive.zip`): the three PDFs, the notices as CSV, and a Karte JSON batch
//! (docs/import-format.md) that re-imports into a fresh Karte to the same pages — every stored
//! line (superseded and not-yet-published ones too, with their claim ids, sequences and
//! publication days), the current card and the insurers' checkup registration.
//! The checkups also come as MHLW hc08 CDA, one file per checkup
//! ([`super::archive_cda`]).

use crate::db::{Db, DbError};
use crate::records::codes::to_code;
use crate::records::{checkups, lines};
use crate::with_pool;
use chrono::NaiveDate;
use domain::checkups::{Checkup, CheckupValue, NotMeasuredReason};
use domain::claim::ClaimSource;
use domain::drugs::DrugLine;
use domain::expenses::ExpenseLine;
use domain::people::PersonId;
use serde_json::{json, Map, Value};

#[derive(sqlx::FromRow)]
struct PersonRow {
    name: String,
    name_kana: Option<String>,
    sex: Option<String>,
    birth_date: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct CardRow {
    insurer_number: String,
    insurer_name: String,
    symbol: Option<String>,
    number: String,
    branch: Option<String>,
    valid_from: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct InsurerRow {
    number: String,
    name: String,
    checkup_registration: Option<String>,
    checkup_registration_on: Option<NaiveDate>,
}

/// Everything stored for `person`.
pub struct Records {
    pub drugs: Vec<DrugLine>,
    pub expenses: Vec<ExpenseLine>,
    pub checkups: Vec<Checkup>,
}

pub async fn records(db: &Db, person: &PersonId) -> Result<Records, DbError> {
    Ok(Records {
        drugs: lines::all_drug_lines(db, person).await?,
        expenses: lines::all_expense_lines(db, person).await?,
        checkups: checkups::checkups_for(db, person).await?,
    })
}

fn put(m: &mut Map<String, Value>, key: &str, v: Option<impl Into<Value>>) {
    if let Some(v) = v {
        m.insert(key.to_owned(), v.into());
    }
}

/// A claim id as the batch carries it: a person's own upload's reserved prefix becomes `own-`
/// (an insurer-style import may not use the reserved prefix).
fn claim_id(c: &ClaimSource) -> String {
    let id = c.claim_id.as_str();
    match id.strip_prefix(domain::claim::SELF_IMPORTED_PREFIX) {
        Some(rest) => format!("own-{rest}"),
        None => id.to_owned(),
    }
}

fn claim(c: &ClaimSource) -> Value {
    let mut m = Map::new();
    m.insert("claim_id".into(), claim_id(c).into());
    m.insert("institution_id".into(), c.institution.as_str().into());
    m.insert("service_month".into(), c.service_month.to_string().into());
    m.insert("accepted_on".into(), c.accepted_on.to_string().into());
    m.insert("sequence".into(), c.sequence.into());
    m.insert("receipt_kind".into(), to_code(&c.receipt.kind).into());
    m.insert("care_setting".into(), to_code(&c.receipt.setting).into());
    put(
        &mut m,
        "prescribing_institution_id",
        c.receipt.prescriber.as_ref().map(|p| p.as_str().to_owned()),
    );
    Value::Object(m)
}

fn drug(d: &DrugLine) -> Value {
    let mut m = Map::new();
    m.insert("claim".into(), claim(&d.claim));
    m.insert("visible_from".into(), d.visible_from.to_string().into());
    m.insert("dispensed_on".into(), d.dispensed_on.to_string().into());
    m.insert("dispenser_name".into(), d.dispenser_name.clone().into());
    m.insert("prescriber".into(), d.prescriber.as_str().into());
    m.insert("prescription".into(), to_code(&d.prescription).into());
    m.insert("usage".into(), to_code(&d.usage).into());
    m.insert("drug_name".into(), d.drug_name.clone().into());
    put(&mut m, "ingredient", d.ingredient.clone());
    put(
        &mut m,
        "receipt_code",
        d.receipt_code.as_ref().map(|c| c.as_str().to_owned()),
    );
    put(
        &mut m,
        "yj_code",
        d.yj_code.as_ref().map(|c| c.as_str().to_owned()),
    );
    put(&mut m, "directions", d.directions.clone());
    put(&mut m, "daily_dose", d.daily_dose.clone());
    put(&mut m, "single_dose", d.single_dose.clone());
    put(
        &mut m,
        "special_instructions",
        d.special_instructions.clone(),
    );
    m.insert(
        "quantity".into(),
        json!({ "amount": d.quantity.amount, "unit": d.quantity.unit.label_ja() }),
    );
    put(&mut m, "mark", d.mark.map(|k| to_code(&k)));
    put(&mut m, "copay", d.copay.map(|y| y.0));
    put(&mut m, "savings", d.savings.map(|y| y.0));
    Value::Object(m)
}

fn expense(e: &ExpenseLine) -> Value {
    json!({
        "claim": claim(&e.claim),
        "visible_from": e.visible_from.to_string(),
        "service_month": e.service_month.to_string(),
        "category": e.category.label_ja(),
        "days": e.days,
        "institution_name": e.institution_name,
        "total": e.total.0,
        "insurer_paid": e.insurer_paid.0,
        "public_paid": e.public_paid.0,
        "patient_paid": e.patient_paid.0,
    })
}

fn value(v: &CheckupValue) -> Value {
    match v {
        CheckupValue::Numeric {
            value,
            unit,
            out_of_range,
        } => {
            let mut m = Map::new();
            m.insert("type".into(), "numeric".into());
            m.insert("value".into(), value.to_string().into());
            if !unit.is_empty() {
                m.insert("unit".into(), unit.clone().into());
            }
            put(&mut m, "out_of_range", out_of_range.map(|f| to_code(&f)));
            Value::Object(m)
        }
        CheckupValue::Coded { code, display } => {
            let mut m = Map::new();
            m.insert("type".into(), "coded".into());
            m.insert("code".into(), code.clone().into());
            put(&mut m, "display", display.clone());
            Value::Object(m)
        }
        CheckupValue::Text(t) => json!({ "type": "text", "text": t }),
        CheckupValue::NotMeasured(NotMeasuredReason::NotPerformed) => {
            json!({ "type": "not_measured", "reason": "not_performed" })
        }
        CheckupValue::NotMeasured(NotMeasuredReason::Unmeasurable) => {
            json!({ "type": "not_measured", "reason": "unmeasurable" })
        }
        CheckupValue::NotMeasured(NotMeasuredReason::Stated(t)) => {
            json!({ "type": "not_measured", "reason": "stated", "reason_text": t })
        }
    }
}

fn checkup(c: &Checkup) -> Value {
    json!({
        "performed_on": c.performed_on.to_string(),
        "institution_name": c.institution_name,
        "kind": to_code(&c.kind),
        "insurer_number": c.insurer.as_str(),
        "results": c.results.iter().map(|r| json!({
            "code": r.code.as_str(),
            "value": value(&r.value),
        })).collect::<Vec<_>>(),
    })
}

/// The Karte JSON batch of everything stored for `person` (pretty-printed UTF-8).
pub async fn json_batch(
    db: &Db,
    person: &PersonId,
    recs: &Records,
    today: NaiveDate,
) -> Result<Vec<u8>, DbError> {
    let p: PersonRow = with_pool!(db, pool => sqlx::query_as(
        "SELECT name, name_kana, sex, birth_date FROM people WHERE id = $1",
    )
    .bind(person.as_str())
    .fetch_one(pool)
    .await?);
    let card: Option<CardRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT insurer_number, insurer_name, symbol, number, branch, valid_from FROM insurances
         WHERE person_id = $1 ORDER BY valid_from DESC LIMIT 1",
    )
    .bind(person.as_str())
    .fetch_optional(pool)
    .await?);
    let insurers: Vec<InsurerRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT n.number, n.name, n.checkup_registration, n.checkup_registration_on
         FROM insurers n WHERE n.number IN (SELECT insurer_number FROM insurances WHERE person_id = $1)
         ORDER BY n.number",
    )
    .bind(person.as_str())
    .fetch_all(pool)
    .await?);
    let mut identity = Map::new();
    identity.insert("id".into(), person.as_str().into());
    identity.insert("name".into(), p.name.into());
    put(&mut identity, "name_kana", p.name_kana);
    put(&mut identity, "sex", p.sex);
    identity.insert("birth_date".into(), p.birth_date.to_string().into());
    if let Some(c) = card {
        let mut m = Map::new();
        m.insert("insurer_number".into(), c.insurer_number.into());
        put(&mut m, "symbol", c.symbol);
        m.insert("number".into(), c.number.into());
        put(&mut m, "branch", c.branch);
        identity.insert("card".into(), Value::Object(m));
        identity.insert("insurer_name".into(), c.insurer_name.into());
        identity.insert("insured_since".into(), c.valid_from.to_string().into());
    }
    let insurers: Vec<Value> = insurers
        .into_iter()
        .map(|i| {
            let mut m = Map::new();
            m.insert("number".into(), i.number.into());
            m.insert("name".into(), i.name.into());
            if let Some(status) = i.checkup_registration {
                let mut r = Map::new();
                let date = i.checkup_registration_on.map(|d| d.to_string());
                match status.as_str() {
                    "registered" => put(&mut r, "since", date),
                    "expected" => put(&mut r, "from", date),
                    _ => {}
                }
                r.insert("status".into(), status.into());
                m.insert("checkup_registration".into(), Value::Object(r));
            }
            Value::Object(m)
        })
        .collect();
    let batch = json!({
        "format_version": crate::import::json::FORMAT_VERSION,
        "batch_id": format!("archive-{}-{today}", person.as_str()),
        "insurers": insurers,
        "people": [{
            "person": Value::Object(identity),
            "drugs": recs.drugs.iter().map(drug).collect::<Vec<_>>(),
            "checkups": recs.checkups.iter().map(checkup).collect::<Vec<_>>(),
            "expenses": recs.expenses.iter().map(expense).collect::<Vec<_>>(),
        }],
    });
    Ok(serde_json::to_vec_pretty(&batch).expect("JSON values serialize"))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The 医療費通知 lines as CSV (UTF-8 with BOM, for spreadsheet programs), newest month
/// first: the lines the expense page shows.
pub fn notices_csv(lines: &[ExpenseLine]) -> Vec<u8> {
    let mut out = String::from("\u{feff}診療年月,診療区分,日数,医療機関等名称,医療費の総額（円）,保険者の負担額（円）,その他の公費の負担額（円）,窓口相当負担額（円）,ご自身で取り込み\r\n");
    for l in lines {
        let row = [
            l.service_month.to_string(),
            l.category.label_ja().to_owned(),
            l.days.to_string(),
            l.institution_name.clone(),
            l.total.0.to_string(),
            l.insurer_paid.0.to_string(),
            l.public_paid.0.to_string(),
            l.patient_paid.0.to_string(),
            if l.claim.self_imported() { "1" } else { "" }.to_owned(),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Files into one zip (deflated).
pub fn zip(files: &[(&str, &[u8])]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        w.start_file(*name, opts).map_err(std::io::Error::other)?;
        w.write_all(bytes)?;
    }
    Ok(w.finish().map_err(std::io::Error::other)?.into_inner())
}
