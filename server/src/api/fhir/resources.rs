//! The FHIR R4 (4.0.1) resources, JP Core 1.2.0 profiles, built from the same domain types the
//! pages show (docs: /work/shared/spec/fhir-export.md, summarised in docs/fhir.md). Pure
//! functions over plain data: no IO here, so the mapping is tested without a server.
//!
//! Every resource gets a stable `id` derived from what it describes, and every reference in a
//! Bundle points at an entry of the same Bundle by its `urn:uuid:` fullUrl, so each Bundle
//! stands alone (JP_Bundle_CLINS: Patient first, references to fullUrls).

use app::checkups::{CellState, CheckupsView};
use chrono::NaiveDate;
use domain::checkups::ItemGroup;
use domain::drugs::{DrugLine, PrescriptionKind, QuantityUnit};
use domain::expenses::{ExpenseLine, ServiceCategory};
use domain::people::Sex;
use serde_json::{json, Value};

pub const CORE: &str = "http://jpfhir.jp/fhir/core/StructureDefinition/";
pub const MEMBER_ID: &str = "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID";
pub const USER_ID: &str = "https://karte.example.jp/fhir/sid/user-id";
pub const NOTICE_ID: &str = "https://karte.example.jp/fhir/sid/iryohi-notice";
pub const INSURER_NUMBER: &str = "http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber";
pub const INSTITUTION_NO: &str =
    "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no";
pub const RP_NUMBER: &str = "http://jpfhir.jp/fhir/core/mhlw/IdSystem/Medication-RPGroupNumber";
pub const ORDER_IN_RP: &str =
    "http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicationAdministrationIndex";
pub const RECEIPT_DRUG: &str = "urn:oid:1.2.392.100495.20.2.71";
pub const YJ: &str = "http://capstandard.jp/iyaku.info/CodeSystem/YJ-code";
pub const MERIT9: &str = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationUnitMERIT9Code";
pub const UCUM: &str = "http://unitsofmeasure.org";
pub const CHECKUP_ITEM: &str = "urn:oid:1.2.392.200119.6.1005";
pub const OBS_CATEGORY: &str =
    "http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS";
pub const MAJOR_CATEGORY: &str =
    "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuranceMajorCategory";
pub const INSURED_CATEGORY: &str =
    "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory";
pub const EXT_SYMBOL: &str =
    "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol";
pub const EXT_NUMBER: &str =
    "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber";
pub const EXT_SUBNUMBER: &str =
    "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber";
pub const ADJUDICATION: &str = "http://terminology.hl7.org/CodeSystem/adjudication";
pub const CLAIM_TYPE: &str = "http://terminology.hl7.org/CodeSystem/claim-type";
pub const V2_0482: &str = "http://terminology.hl7.org/CodeSystem/v2-0482";

/// A stable id (FHIR `id` and the `urn:uuid:` of its fullUrl) from what a resource describes:
/// SHA-256 of the parts, shaped as a version-4-style UUID.
pub fn stable_uuid(parts: &[&str]) -> String {
    let hex = crate::hash::sha256_hex(&parts.join("\u{1f}"));
    let h = hex.as_bytes();
    let s = |r: std::ops::Range<usize>| std::str::from_utf8(&h[r]).unwrap_or("0");
    format!(
        "{}-{}-4{}-8{}-{}",
        s(0..8),
        s(8..12),
        s(13..16),
        s(17..20),
        s(20..32)
    )
}

/// One resource of a Bundle: its id doubles as the `urn:uuid:` fullUrl.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub resource: Value,
}

impl Entry {
    fn new(id: String, mut resource: Value) -> Self {
        resource["id"] = Value::String(id.clone());
        Self { id, resource }
    }

    pub fn full_url(&self) -> String {
        format!("urn:uuid:{}", self.id)
    }

    pub fn reference(&self) -> Value {
        json!({ "reference": self.full_url() })
    }
}

/// The person: who they are and their current card (None: no card on file).
#[derive(Debug, Clone)]
pub struct PersonFacts {
    pub person_id: String,
    pub name: String,
    pub birth_date: NaiveDate,
    pub sex: Option<Sex>,
    pub card: Option<Card>,
}

/// 被保険者証: 保険者番号, 記号, 番号, 枝番 as stored.
#[derive(Debug, Clone)]
pub struct Card {
    pub insurer_number: String,
    pub insurer_name: Option<String>,
    pub symbol: Option<String>,
    pub number: String,
    pub branch: Option<String>,
}

/// 記号/番号 in the 被保険者個人識別子: all half-width when every character is an ASCII
/// letter or digit, else all full-width (JP Core's rule; kana or kanji make it full-width).
fn id_part(raw: &str) -> String {
    let trimmed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let half: String = trimmed
        .chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '－' => '-',
            _ => c,
        })
        .collect();
    if half.chars().all(|c| c.is_ascii_alphanumeric()) {
        return half;
    }
    half.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// 被保険者個人識別子: `保険者番号:記号:番号:枝番`, 保険者番号 padded to 8 digits, an absent part
/// empty with its colon kept, 枝番 two digits or empty.
pub fn member_id(card: &Card) -> String {
    let insurer = format!("{:0>8}", card.insurer_number.trim());
    let symbol = card.symbol.as_deref().map(id_part).unwrap_or_default();
    let number = id_part(&card.number);
    let branch = card
        .branch
        .as_deref()
        .map(id_part)
        .filter(|b| b.len() == 2 && b.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_default();
    format!("{insurer}:{symbol}:{number}:{branch}")
}

fn profile(name: &str) -> Value {
    json!({ "profile": [format!("{CORE}{name}")] })
}

pub fn patient(p: &PersonFacts) -> Entry {
    let mut identifier = Vec::new();
    if let Some(card) = &p.card {
        identifier.push(json!({ "system": MEMBER_ID, "value": member_id(card) }));
    }
    identifier.push(json!({ "system": USER_ID, "value": p.person_id }));
    let mut name = json!({
        "extension": [{
            "url": "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation",
            "valueCode": "IDE"
        }],
        "use": "usual",
        "text": p.name,
    });
    let parts: Vec<&str> = p
        .name
        .split([' ', '\u{3000}'])
        .filter(|s| !s.is_empty())
        .collect();
    if let [family, given @ ..] = parts.as_slice() {
        name["family"] = json!(family);
        if !given.is_empty() {
            name["given"] = json!(given);
        }
    }
    let mut r = json!({
        "resourceType": "Patient",
        "meta": profile("JP_Patient"),
        "identifier": identifier,
        "name": [name],
        "birthDate": p.birth_date.to_string(),
    });
    r["gender"] = json!(match p.sex {
        Some(Sex::Male) => "male",
        Some(Sex::Female) => "female",
        None => "unknown",
    });
    Entry::new(stable_uuid(&["Patient", &p.person_id]), r)
}

/// The insurer (保険者) as a JP_Organization with its 保険者番号.
pub fn insurer(p: &PersonFacts) -> Entry {
    let mut r = json!({
        "resourceType": "Organization",
        "meta": profile("JP_Organization"),
    });
    match &p.card {
        Some(card) => {
            r["identifier"] = json!([{
                "system": INSURER_NUMBER,
                "value": format!("{:0>8}", card.insurer_number.trim()),
            }]);
            r["name"] = json!(card
                .insurer_name
                .clone()
                .unwrap_or_else(|| format!("保険者 {}", card.insurer_number)));
            Entry::new(stable_uuid(&["Insurer", &card.insurer_number]), r)
        }
        None => {
            r["name"] = json!("保険者（不明）");
            Entry::new(stable_uuid(&["Insurer", "", &p.person_id]), r)
        }
    }
}

pub fn coverage(p: &PersonFacts, patient: &Entry, insurer: &Entry) -> Entry {
    let mut r = json!({
        "resourceType": "Coverage",
        "meta": profile("JP_Coverage"),
        "status": "active",
        "type": { "coding": [{ "system": MAJOR_CATEGORY, "code": "1" }] },
        "beneficiary": patient.reference(),
        "payor": [insurer.reference()],
    });
    if let Some(card) = &p.card {
        let mut ext = Vec::new();
        if let Some(s) = card.symbol.as_deref().filter(|s| !s.trim().is_empty()) {
            ext.push(json!({ "url": EXT_SYMBOL, "valueString": s.trim() }));
        }
        ext.push(json!({ "url": EXT_NUMBER, "valueString": card.number.trim() }));
        if let Some(b) = card.branch.as_deref().filter(|b| !b.trim().is_empty()) {
            ext.push(json!({ "url": EXT_SUBNUMBER, "valueString": b.trim() }));
            r["dependent"] = json!(b.trim());
        }
        r["extension"] = json!(ext);
        r["identifier"] = json!([{
            "system": MEMBER_ID,
            "value": member_id(card),
            "assigner": insurer.reference(),
        }]);
        r["subscriberId"] = json!(format!(
            "{}:{}",
            card.symbol.as_deref().unwrap_or_default().trim(),
            card.number.trim()
        ));
        let holder = card.branch.as_deref().is_none_or(|b| b.trim() == "00");
        if holder {
            r["relationship"] = json!({ "coding": [{
                "system": INSURED_CATEGORY, "code": "1", "display": "被保険者"
            }] });
        }
    }
    Entry::new(stable_uuid(&["Coverage", &p.person_id]), r)
}

/// A dispensing pharmacy or medical institution, named as the record names it; with its
/// 10-digit 医療機関コード when the record carries one.
pub fn institution(code: &str, name: &str) -> Entry {
    let mut r = json!({
        "resourceType": "Organization",
        "meta": profile("JP_Organization"),
        "name": if name.trim().is_empty() { "（名称なし）" } else { name },
    });
    if code.len() == 10 && code.chars().all(|c| c.is_ascii_digit()) {
        r["identifier"] = json!([{ "system": INSTITUTION_NO, "value": code }]);
    }
    Entry::new(stable_uuid(&["Organization", code, name]), r)
}

/// MERIT-9 unit code of a unit as printed (only the ones whose code is certain).
fn merit9(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "錠" => "TAB",
        "カプセル" | "cap" | "Cap" => "CAP",
        "包" => "HO",
        "枚" => "MAI",
        "本" => "HON",
        "個" => "KO",
        "g" | "ｇ" => "g",
        "mL" | "ml" | "ｍＬ" => "mL",
        _ => return None,
    })
}

/// "3錠" → (3, "錠"): a leading number and the unit after it.
fn amount_and_unit(raw: &str) -> Option<(f64, String)> {
    let raw = raw.trim();
    let end = raw
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(raw.len(), |(i, _)| i);
    let n: f64 = raw[..end].parse().ok()?;
    Some((n, raw[end..].trim().to_owned()))
}

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        let whole = n as i64;
        return json!(whole);
    }
    json!(n)
}

/// 調剤数量 as a JP_MedicationSimpleQuantity (value and code required): the total of the
/// 1日量 over the days when both are known in a MERIT-9 unit, else the dispensed amount in
/// its own unit.
fn quantity(line: &DrugLine) -> Value {
    let q = &line.quantity;
    let per = |dose: Option<&String>| {
        dose.and_then(|d| amount_and_unit(d))
            .and_then(|(n, u)| merit9(&u).map(|code| (n, u, code)))
    };
    let total = match q.unit {
        QuantityUnit::Days => per(line.daily_dose.as_ref()),
        QuantityUnit::Times => per(line.single_dose.as_ref()),
        _ => None,
    };
    if let Some((n, unit, code)) = total {
        return json!({
            "value": number(n * f64::from(q.amount)),
            "unit": unit,
            "system": MERIT9,
            "code": code,
        });
    }
    match &q.unit {
        QuantityUnit::Sheets => {
            json!({ "value": q.amount, "unit": "枚", "system": MERIT9, "code": "MAI" })
        }
        QuantityUnit::Other(u) if merit9(u).is_some() => {
            json!({ "value": q.amount, "unit": u, "system": MERIT9, "code": merit9(u) })
        }
        QuantityUnit::Days => {
            json!({ "value": q.amount, "unit": "日分", "system": UCUM, "code": "d" })
        }
        other => json!({
            "value": q.amount, "unit": other.label_ja(), "system": UCUM, "code": "{dose}"
        }),
    }
}

/// The drug lines as JP_MedicationDispense, with their pharmacies. Rp番号 and Rp内連番 are
/// synthesized from the order of the lines: one Rp per day, dispenser and 用法, numbered in
/// order of appearance within that day and dispenser.
pub fn dispenses(lines: &[DrugLine], patient: &Entry) -> (Vec<Entry>, Vec<Entry>) {
    let mut orgs: Vec<Entry> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    // (day, dispenser) → list of 用法 seen, each with how many lines so far.
    let mut rps: std::collections::HashMap<(NaiveDate, String), Vec<(String, u32)>> =
        std::collections::HashMap::new();
    for line in lines {
        let code = line.claim.institution.as_str().to_owned();
        let org = institution(&code, &line.dispenser_name);
        let org_ref = org.reference();
        if !orgs.iter().any(|o| o.id == org.id) {
            orgs.push(org);
        }
        let directions = line.directions.clone().unwrap_or_default();
        let group = rps
            .entry((line.dispensed_on, line.dispenser_name.clone()))
            .or_default();
        let rp = match group.iter().position(|(d, _)| *d == directions) {
            Some(i) => i,
            None => {
                group.push((directions.clone(), 0));
                group.len() - 1
            }
        };
        group[rp].1 += 1;
        let (rp_no, order) = (rp + 1, group[rp].1);
        let mut codings = Vec::new();
        if let Some(c) = &line.receipt_code {
            codings.push(
                json!({ "system": RECEIPT_DRUG, "code": c.as_str(), "display": line.drug_name }),
            );
        }
        if let Some(c) = &line.yj_code {
            codings.push(json!({ "system": YJ, "code": c.as_str(), "display": line.drug_name }));
        }
        let mut medication = json!({ "text": line.display_name() });
        if !codings.is_empty() {
            medication["coding"] = json!(codings);
        }
        let category = match line.prescription {
            PrescriptionKind::Inpatient => "I",
            PrescriptionKind::InHouse | PrescriptionKind::OutOfHouse => "O",
        };
        let mut text = Vec::new();
        if let Some(d) = line.directions.as_deref().filter(|d| !d.trim().is_empty()) {
            text.push(d.trim().to_owned());
        }
        if let Some(d) = line.single_dose.as_deref().filter(|d| !d.trim().is_empty()) {
            text.push(format!("1回 {}", d.trim()));
        }
        if let Some(d) = line.daily_dose.as_deref().filter(|d| !d.trim().is_empty()) {
            text.push(format!("1日 {}", d.trim()));
        }
        if let Some(d) = line
            .special_instructions
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        {
            text.push(d.trim().to_owned());
        }
        let mut r = json!({
            "resourceType": "MedicationDispense",
            "meta": profile("JP_MedicationDispense"),
            "identifier": [
                { "system": RP_NUMBER, "value": rp_no.to_string() },
                { "system": ORDER_IN_RP, "value": order.to_string() },
            ],
            "status": "completed",
            "category": { "coding": [{ "system": V2_0482, "code": category }] },
            "medicationCodeableConcept": medication,
            "subject": patient.reference(),
            "performer": [{ "actor": org_ref }],
            "quantity": quantity(line),
            "whenHandedOver": line.dispensed_on.to_string(),
        });
        if line.quantity.unit == QuantityUnit::Days {
            r["daysSupply"] =
                json!({ "value": line.quantity.amount, "unit": "日", "system": UCUM, "code": "d" });
        }
        if !text.is_empty() {
            r["dosageInstruction"] = json!([{ "text": text.join(" ") }]);
        }
        let id = stable_uuid(&[
            "MedicationDispense",
            line.claim.claim_id.as_str(),
            &line.dispensed_on.to_string(),
            &line.drug_name,
            &rp_no.to_string(),
            &order.to_string(),
        ]);
        out.push(Entry::new(id, r));
    }
    (out, orgs)
}

/// Observation categories (JP_SimpleObservationCategory_CS) as the `category` search takes them.
pub const CATEGORIES: [&str; 4] = ["laboratory", "body-measurement", "vital-signs", "exam"];

/// The category and JP Core profile of a checkup section.
fn category_of(group: ItemGroup) -> (&'static str, &'static str) {
    match group {
        ItemGroup::BodyMeasurement => ("body-measurement", "JP_Observation_BodyMeasurement"),
        ItemGroup::BloodPressure => ("vital-signs", "JP_Observation_VitalSigns"),
        ItemGroup::Liver
        | ItemGroup::Glucose
        | ItemGroup::Lipids
        | ItemGroup::Kidney
        | ItemGroup::Anemia
        | ItemGroup::Urine => ("laboratory", "JP_Observation_Common"),
        _ => ("exam", "JP_Observation_Common"),
    }
}

/// One Observation per value the insurer sent (judgements Karte computed are left out: they
/// are not the insurer's record), coded with 特定健診項目コード; `category` narrows to one
/// category.
pub fn observations(view: &CheckupsView, patient: &Entry, category: Option<&str>) -> Vec<Entry> {
    let mut out = Vec::new();
    for group in &view.groups {
        let (cat, prof) = category_of(group.group);
        if category.is_some_and(|c| c != cat) {
            continue;
        }
        for row in &group.items {
            for (column, cell) in view.checkups.iter().zip(&row.values) {
                if cell.state != CellState::Value || cell.computed {
                    continue;
                }
                let label = if row.label_ja.is_empty() {
                    row.code.clone()
                } else {
                    row.label_ja.clone()
                };
                let mut r = json!({
                    "resourceType": "Observation",
                    "meta": profile(prof),
                    "status": "final",
                    "category": [{ "coding": [{ "system": OBS_CATEGORY, "code": cat }] }],
                    "code": {
                        "coding": [{ "system": CHECKUP_ITEM, "code": row.code, "display": label }],
                        "text": label,
                    },
                    "subject": patient.reference(),
                    "effectiveDateTime": column.performed_on.to_string(),
                });
                match (&cell.number, &cell.code) {
                    (Some(n), _) => {
                        let value: Value = serde_json::from_str(&n.to_string())
                            .unwrap_or_else(|_| json!(n.to_string()));
                        if value.is_number() {
                            let mut q = json!({ "value": value });
                            if let Some(u) = cell.unit.as_deref().filter(|u| !u.is_empty()) {
                                q["unit"] = json!(u);
                                q["system"] = json!(UCUM);
                                q["code"] = json!(u);
                            }
                            r["valueQuantity"] = q;
                        } else {
                            r["valueString"] = json!(cell.text_ja.clone().unwrap_or_default());
                        }
                    }
                    (None, Some(code)) => {
                        // An answer's code belongs to the item's own list, not to the 1005
                        // item codes: send what people read.
                        r["valueCodeableConcept"] = json!({
                            "text": cell.text_ja.clone().unwrap_or_else(|| code.clone()),
                        });
                    }
                    (None, None) => {
                        let text = cell.text_ja.clone().unwrap_or_default();
                        if text.is_empty() {
                            continue;
                        }
                        r["valueString"] = json!(text);
                    }
                }
                let id = stable_uuid(&[
                    "Observation",
                    &column.performed_on.to_string(),
                    &column.insurer_number,
                    &row.code,
                ]);
                out.push(Entry::new(id, r));
            }
        }
    }
    out
}

fn claim_type(c: &ServiceCategory) -> &'static str {
    match c {
        ServiceCategory::MedicalInpatient | ServiceCategory::MealsAndLiving => "institutional",
        ServiceCategory::DentalInpatient | ServiceCategory::DentalOutpatient => "oral",
        ServiceCategory::Pharmacy => "pharmacy",
        _ => "professional",
    }
}

fn money(category: &str, text: &str, yen: i64) -> Value {
    json!({
        "category": { "coding": [{ "system": ADJUDICATION, "code": category }], "text": text },
        "amount": { "value": yen, "currency": "JPY" },
    })
}

/// The 医療費通知 lines as base R4 ExplanationOfBenefit (no Japanese profile exists), with
/// their institutions.
pub fn benefits(
    lines: &[ExpenseLine],
    patient: &Entry,
    insurer: &Entry,
    coverage: &Entry,
) -> (Vec<Entry>, Vec<Entry>) {
    let mut orgs: Vec<Entry> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let code = line.claim.institution.as_str().to_owned();
        let org = institution(&code, &line.institution_name);
        let org_ref = org.reference();
        if !orgs.iter().any(|o| o.id == org.id) {
            orgs.push(org);
        }
        let m = line.service_month;
        let notice = format!(
            "{}-{}-{}",
            m.to_string().replace('-', ""),
            line.claim.claim_id.as_str(),
            line.category.label_ja()
        );
        let mut total = vec![
            money("submitted", "医療費の総額", line.total.0),
            money("copay", "窓口負担相当額", line.patient_paid.0),
            money("benefit", "保険者負担額", line.insurer_paid.0),
        ];
        if line.public_paid.0 != 0 {
            total.push(json!({
                "category": { "text": "公費負担額" },
                "amount": { "value": line.public_paid.0, "currency": "JPY" },
            }));
        }
        let r = json!({
            "resourceType": "ExplanationOfBenefit",
            "identifier": [{ "system": NOTICE_ID, "value": notice }],
            "status": "active",
            "type": {
                "coding": [{ "system": CLAIM_TYPE, "code": claim_type(&line.category) }],
                "text": line.category.label_ja(),
            },
            "use": "claim",
            "patient": patient.reference(),
            "billablePeriod": { "start": m.first_day().to_string(), "end": m.last_day().to_string() },
            "created": line.visible_from.to_string(),
            "insurer": insurer.reference(),
            "provider": org_ref,
            "outcome": "complete",
            "insurance": [{ "focal": true, "coverage": coverage.reference() }],
            "supportingInfo": [{
                "sequence": 1,
                "category": {
                    "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/claiminformationcategory",
                        "code": "info"
                    }],
                    "text": "診療実日数",
                },
                "valueQuantity": { "value": line.days, "unit": "日", "system": UCUM, "code": "d" },
            }],
            "total": total,
        });
        out.push(Entry::new(
            stable_uuid(&["ExplanationOfBenefit", &notice]),
            r,
        ));
    }
    (out, orgs)
}

/// A Bundle: `searchset` (matches, then what they reference as `include`) or `collection`
/// (Patient first).
pub fn bundle(kind: &str, matches: &[Entry], included: &[Entry], now: &str) -> Value {
    let mut entries: Vec<Value> = Vec::with_capacity(matches.len() + included.len());
    let searchset = kind == "searchset";
    for (mode, list) in [("match", matches), ("include", included)] {
        for e in list {
            let mut v = json!({ "fullUrl": e.full_url(), "resource": e.resource });
            if searchset {
                v["search"] = json!({ "mode": mode });
            }
            entries.push(v);
        }
    }
    let ids: Vec<&str> = matches.iter().map(|e| e.id.as_str()).collect();
    let mut b = json!({
        "resourceType": "Bundle",
        "id": stable_uuid(&[kind, now, &ids.join(",")]),
        "meta": { "lastUpdated": now },
        "type": kind,
        "timestamp": now,
        "entry": entries,
    });
    if searchset {
        b["total"] = json!(matches.len());
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(insurer: &str, symbol: Option<&str>, number: &str, branch: Option<&str>) -> Card {
        Card {
            insurer_number: insurer.to_owned(),
            insurer_name: None,
            symbol: symbol.map(str::to_owned),
            number: number.to_owned(),
            branch: branch.map(str::to_owned),
        }
    }

    #[test]
    fn member_id_follows_jp_core() {
        assert_eq!(
            member_id(&card("06139998", Some("1234"), "5678", Some("01"))),
            "06139998:1234:5678:01"
        );
        // 6-digit 国保 → 00 prefix; no 枝番 → empty, trailing colon kept; each part is all
        // half-width when it can be, else all full-width.
        assert_eq!(
            member_id(&card("138123", Some("あ"), "187", None)),
            "00138123:あ:187:"
        );
        // 後期高齢者: no 記号.
        assert_eq!(
            member_id(&card("39131234", None, "１２３４５６７８", None)),
            "39131234::12345678:"
        );
        assert_eq!(
            member_id(&card("06139998", Some("１２"), "34", Some("1"))),
            "06139998:12:34:"
        );
    }

    #[test]
    fn ids_are_stable_and_shaped_as_uuids() {
        let a = stable_uuid(&["Patient", "demo-1"]);
        assert_eq!(a, stable_uuid(&["Patient", "demo-1"]));
        assert_ne!(a, stable_uuid(&["Patient", "demo-2"]));
        let parts: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
    }

    #[test]
    fn amounts_and_units_read_from_doses() {
        assert_eq!(amount_and_unit("3錠"), Some((3.0, "錠".to_owned())));
        assert_eq!(amount_and_unit("1.5g"), Some((1.5, "g".to_owned())));
        assert_eq!(amount_and_unit("適量"), None);
        assert_eq!(merit9("錠"), Some("TAB"));
    }
}
