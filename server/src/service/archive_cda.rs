//! The checkups of the archive as MHLW hc08 CDA: one `ClinicalDocument` (報告区分 10 =
//! 特定健診情報) per checkup, the same structure the importer (`import::cda`) reads, valid
//! against the MHLW schema `hc08_V08.xsd` (server/assets/checkup/xsd/, tested with xmllint).
//!
//! What Karte does not keep is left out or sent as `nullFlavor`: the institution number (only
//! the name is stored), the author, the custodian. Each result is one flat `entry`; a numeric
//! value beyond the measuring range carries the interpretation code H / L as a second value, a
//! missing one `negationInd` (未実施) or `nullFlavor` (測定不能), and a stated reason the
//! 9N512 observation under `RSON`, so re-importing the file gives the same values.

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::NaiveDate;
use domain::checkups::{Checkup, CheckupKind, CheckupValue, NotMeasuredReason, RangeFlag};
use domain::people::PersonId;
use quick_xml::escape::escape;
use std::fmt::Write as _;

use crate::import::cda::HL7_NS;

/// The person as the document names them (hc08 carries no name).
#[derive(sqlx::FromRow)]
pub struct Patient {
    /// `male` / `female` as stored.
    pub sex: Option<String>,
    pub birth_date: NaiveDate,
}

/// The card of the checkup's insurer (被保険者証等記号・番号・枝番).
#[derive(sqlx::FromRow)]
pub struct CardRow {
    pub insurer_number: String,
    pub symbol: Option<String>,
    pub number: String,
    pub branch: Option<String>,
    pub valid_from: NaiveDate,
}

/// One hc08 file per checkup: `(name inside the zip, UTF-8 XML)`, oldest checkup first.
/// Names follow the submission archive's `DATA/h…xml`: `DATA/h<実施日>_<n>.xml`.
pub async fn cda_files(
    db: &Db,
    person: &PersonId,
    checkups: &[Checkup],
    today: NaiveDate,
) -> Result<Vec<(String, Vec<u8>)>, DbError> {
    let p: Patient = with_pool!(db, pool => sqlx::query_as(
        "SELECT sex, birth_date FROM people WHERE id = $1",
    )
    .bind(person.as_str())
    .fetch_one(pool)
    .await?);
    let cards: Vec<CardRow> = with_pool!(db, pool => sqlx::query_as(
        "SELECT insurer_number, symbol, number, branch, valid_from FROM insurances
         WHERE person_id = $1 ORDER BY valid_from DESC",
    )
    .bind(person.as_str())
    .fetch_all(pool)
    .await?);
    let mut sorted: Vec<&Checkup> = checkups.iter().collect();
    sorted.sort_by_key(|c| c.performed_on);
    let mut out = Vec::with_capacity(sorted.len());
    for (i, c) in sorted.into_iter().enumerate() {
        // The card of that insurer in use on the day (else its latest one, else none).
        let same_insurer = || {
            cards
                .iter()
                .filter(|k| k.insurer_number == c.insurer.as_str())
        };
        let card = same_insurer()
            .find(|k| k.valid_from <= c.performed_on)
            .or_else(|| same_insurer().next_back());
        let name = format!("DATA/h{}_{:03}.xml", c.performed_on.format("%Y%m%d"), i + 1);
        let doc_id = format!("KARTE{}{:03}", c.performed_on.format("%Y%m%d"), i + 1);
        out.push((name, document(c, &p, card, &doc_id, today).into_bytes()));
    }
    Ok(out)
}

fn attr(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s)
}

/// One checkup as an hc08 document (UTF-8 XML text).
pub fn document(
    c: &Checkup,
    p: &Patient,
    card: Option<&CardRow>,
    doc_id: &str,
    today: NaiveDate,
) -> String {
    let today = today.format("%Y%m%d");
    let mut x = String::with_capacity(4096);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<ClinicalDocument xmlns=\"{HL7_NS}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    );
    x.push_str("  <typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>\n");
    let _ = writeln!(
        x,
        "  <id root=\"1.2.392.200119.6.1\" extension=\"{}\"/>",
        attr(doc_id)
    );
    x.push_str("  <code code=\"10\" codeSystem=\"1.2.392.200119.6.1001\"/>\n");
    let _ = writeln!(x, "  <effectiveTime value=\"{today}\"/>");
    x.push_str("  <confidentialityCode code=\"N\" codeSystem=\"2.16.840.1.113883.5.25\"/>\n");
    x.push_str("  <recordTarget>\n    <patientRole>\n");
    let _ = writeln!(
        x,
        "      <id root=\"1.2.392.200119.6.101\" extension=\"{}\"/>",
        attr(c.insurer.as_str())
    );
    if let Some(k) = card {
        if let Some(symbol) = k.symbol.as_deref().filter(|s| !s.is_empty()) {
            let _ = writeln!(
                x,
                "      <id root=\"1.2.392.200119.6.204\" extension=\"{}\"/>",
                attr(symbol)
            );
        }
        let _ = writeln!(
            x,
            "      <id root=\"1.2.392.200119.6.205\" extension=\"{}\"/>",
            attr(&k.number)
        );
        if let Some(branch) = k.branch.as_deref().filter(|s| !s.is_empty()) {
            let _ = writeln!(
                x,
                "      <id root=\"1.2.392.200119.6.211\" extension=\"{}\"/>",
                attr(branch)
            );
        }
    }
    x.push_str("      <patient>\n");
    let sex = match p.sex.as_deref() {
        Some("male") => Some(1),
        Some("female") => Some(2),
        _ => None,
    };
    if let Some(code) = sex {
        let _ = writeln!(
            x,
            "        <administrativeGenderCode code=\"{code}\" codeSystem=\"1.2.392.200119.6.1104\"/>"
        );
    }
    let _ = writeln!(
        x,
        "        <birthTime value=\"{}\"/>",
        p.birth_date.format("%Y%m%d")
    );
    x.push_str("      </patient>\n    </patientRole>\n  </recordTarget>\n");
    // Karte is not the author of the results: the document is a copy, made on `today`.
    let _ = writeln!(
        x,
        "  <author>\n    <time value=\"{today}\"/>\n    <assignedAuthor>\n      <id nullFlavor=\"UNK\"/>\n    </assignedAuthor>\n  </author>"
    );
    x.push_str("  <custodian>\n    <assignedCustodian>\n      <representedCustodianOrganization>\n        <id nullFlavor=\"UNK\"/>\n      </representedCustodianOrganization>\n    </assignedCustodian>\n  </custodian>\n");
    x.push_str("  <documentationOf>\n    <serviceEvent>\n");
    x.push_str("      <code code=\"010\" codeSystem=\"1.2.392.200119.6.1002\"/>\n");
    let _ = writeln!(
        x,
        "      <effectiveTime value=\"{}\"/>",
        c.performed_on.format("%Y%m%d")
    );
    let _ = writeln!(
        x,
        "      <performer typeCode=\"PRF\">\n        <assignedEntity>\n          <id nullFlavor=\"NI\"/>\n          <representedOrganization>\n            <id nullFlavor=\"UNK\"/>\n            <name>{}</name>\n          </representedOrganization>\n        </assignedEntity>\n      </performer>",
        escape(&c.institution_name)
    );
    x.push_str("    </serviceEvent>\n  </documentationOf>\n");
    let (section, title) = match c.kind {
        CheckupKind::SpecificHealthCheckup => ("01010", "特定健診情報"),
        CheckupKind::LateStageElderly => ("01020", "後期高齢者健診情報"),
    };
    x.push_str("  <component>\n    <structuredBody>\n      <component>\n        <section>\n");
    let _ = writeln!(
        x,
        "          <code code=\"{section}\" codeSystem=\"1.2.392.200119.6.1010\"/>\n          <title>{title}</title>"
    );
    for r in &c.results {
        let code = r.code.as_str();
        let negated = matches!(
            r.value,
            CheckupValue::NotMeasured(NotMeasuredReason::NotPerformed)
                | CheckupValue::NotMeasured(NotMeasuredReason::Stated(_))
        );
        x.push_str("          <entry>\n");
        let _ = writeln!(
            x,
            "            <observation classCode=\"OBS\" moodCode=\"EVN\"{}>",
            if negated { " negationInd=\"true\"" } else { "" }
        );
        let _ = writeln!(x, "              <code code=\"{}\"/>", attr(code));
        match &r.value {
            CheckupValue::Numeric {
                value,
                unit,
                out_of_range,
            } => {
                let unit = if unit.is_empty() {
                    String::new()
                } else {
                    format!(" unit=\"{}\"", attr(unit))
                };
                let _ = writeln!(
                    x,
                    "              <value xsi:type=\"PQ\" value=\"{value}\"{unit}/>"
                );
                if let Some(flag) = out_of_range {
                    let code = match flag {
                        RangeFlag::Above => "H",
                        RangeFlag::Below => "L",
                    };
                    let _ = writeln!(
                        x,
                        "              <value xsi:type=\"CD\" code=\"{code}\" codeSystem=\"2.16.840.1.113883.5.83\"/>"
                    );
                }
            }
            CheckupValue::Coded { code, display } => {
                let display = display
                    .as_deref()
                    .map(|d| format!(" displayName=\"{}\"", attr(d)))
                    .unwrap_or_default();
                let _ = writeln!(
                    x,
                    "              <value xsi:type=\"CD\" code=\"{}\"{display}/>",
                    attr(code)
                );
            }
            CheckupValue::Text(t) => {
                let _ = writeln!(
                    x,
                    "              <value xsi:type=\"ST\">{}</value>",
                    escape(t)
                );
            }
            CheckupValue::NotMeasured(NotMeasuredReason::NotPerformed) => {}
            CheckupValue::NotMeasured(NotMeasuredReason::Unmeasurable) => {
                x.push_str("              <value xsi:type=\"PQ\" nullFlavor=\"NI\"/>\n");
            }
            CheckupValue::NotMeasured(NotMeasuredReason::Stated(reason)) => {
                let _ = writeln!(
                    x,
                    "              <entryRelationship typeCode=\"RSON\">\n                <observation classCode=\"OBS\" moodCode=\"EVN\">\n                  <code code=\"9N512000000000011\"/>\n                  <value xsi:type=\"ST\">{}</value>\n                </observation>\n              </entryRelationship>",
                    escape(reason)
                );
            }
        }
        x.push_str("            </observation>\n          </entry>\n");
    }
    x.push_str("        </section>\n      </component>\n    </structuredBody>\n  </component>\n</ClinicalDocument>\n");
    x
}
