use super::*;
use crate::import::batch::ImportFormat;
use chrono::NaiveDate;
use domain::checkups::{
    Checkup, CheckupKind, CheckupValue, Decimal, KnownItem, NotMeasuredReason, RangeFlag,
};
use domain::people::Sex;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse_fixture(name: &str) -> Result<ImportBatch, ImportError> {
    parse(name, &fixture(name), &ParseOptions::default())
}

fn checkup(batch: &ImportBatch) -> &Checkup {
    &batch.people[0].checkups[0]
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn specific_health_checkup() {
    let batch = parse_fixture("hc08-tokutei.xml").unwrap();
    assert_eq!(batch.format, ImportFormat::Cda);
    let person = &batch.people[0].person;
    assert_eq!(person.sex, Some(Sex::Male));
    assert_eq!(person.birth_date, Some(d(1968, 7, 15)));
    let card = person.card.as_ref().unwrap();
    assert_eq!(
        (card.insurer().as_str(), card.number().as_str()),
        ("06139992", "1052")
    );
    assert_eq!(card.branch().map(|b| b.as_str()), Some("01"));
    let c = checkup(&batch);
    // 実施日 from serviceEvent, not the file's creation date (20241105).
    assert_eq!(c.performed_on, d(2024, 10, 3));
    assert_eq!(c.kind, CheckupKind::SpecificHealthCheckup);
    assert_eq!(c.institution_name, "サンプル健診クリニック");
    assert_eq!(
        c.numeric(KnownItem::Waist)
            .map(|v| v.to_string())
            .as_deref(),
        Some("88.5")
    );
    assert_eq!(
        c.numeric(KnownItem::Systolic)
            .map(|v| v.to_string())
            .as_deref(),
        Some("138")
    );
    assert_eq!(
        c.numeric(KnownItem::HbA1c)
            .map(|v| v.to_string())
            .as_deref(),
        Some("5.9")
    );
    assert_eq!(
        c.numeric(KnownItem::Ldl).map(|v| v.to_string()).as_deref(),
        Some("142")
    );
    assert_eq!(c.coded(KnownItem::MetabolicJudgement), Some("2"));
    assert_eq!(c.coded(KnownItem::GuidanceLevel), Some("2"));
    assert_eq!(c.coded(KnownItem::UrineGlucose), Some("1"));
    let doctor = c
        .results
        .iter()
        .find(|r| r.code.as_str() == "9N511000000000049")
        .unwrap();
    assert_eq!(doctor.value, CheckupValue::Text("異常所見なし".into()));
    assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
}

#[test]
fn late_stage_elderly_checkup_with_questionnaire() {
    let batch = parse_fixture("hc08-kouki.xml").unwrap();
    let c = checkup(&batch);
    assert_eq!(c.kind, CheckupKind::LateStageElderly);
    assert_eq!(c.performed_on, d(2024, 6, 18));
    assert_eq!(batch.people[0].person.sex, Some(Sex::Female));
    // 後期高齢者医療 cards have no 記号 / 枝番.
    let card = batch.people[0].person.card.as_ref().unwrap();
    assert!(card.symbol().is_none() && card.branch().is_none());
    assert!(c.result(KnownItem::Waist).is_none());
    assert!(c.result(KnownItem::MetabolicJudgement).is_none());
    let questionnaire: Vec<_> = c
        .results
        .iter()
        .filter(|r| ("9N932".."9N947").contains(&&r.code.as_str()[..5]))
        .collect();
    assert_eq!(questionnaire.len(), 15);
    // CR-only line ends still give correct line numbers in warnings and errors.
    assert!(
        fixture("hc08-kouki.xml").contains(&b'\r') && !fixture("hc08-kouki.xml").contains(&b'\n')
    );
}

#[test]
fn nested_groups_out_of_range_and_unknown_codes() {
    let batch = parse_fixture("hc08-nested.xml").unwrap();
    let c = checkup(&batch);
    let fpg = c.result(KnownItem::FastingGlucose).unwrap();
    assert_eq!(
        fpg.value,
        CheckupValue::Numeric {
            value: Decimal::parse("600").unwrap(),
            unit: "mg/dL".into(),
            out_of_range: Some(RangeFlag::Above)
        }
    );
    // Inside the nested COMP group.
    assert_eq!(
        c.numeric(KnownItem::Systolic)
            .map(|v| v.to_string())
            .as_deref(),
        Some("152")
    );
    assert_eq!(
        c.numeric(KnownItem::Diastolic)
            .map(|v| v.to_string())
            .as_deref(),
        Some("94")
    );
    let unknown = c
        .results
        .iter()
        .find(|r| r.code.as_str() == "5C070000002306101")
        .unwrap();
    assert!(unknown.item().is_none());
    assert_eq!(unknown.label_ja(), "5C070000002306101");
    let not_done = c.result(KnownItem::Creatinine).unwrap();
    assert_eq!(
        not_done.value,
        CheckupValue::NotMeasured(NotMeasuredReason::NotPerformed)
    );
    let hb = c.result(KnownItem::Hemoglobin).unwrap();
    assert_eq!(
        hb.value,
        CheckupValue::NotMeasured(NotMeasuredReason::Unmeasurable)
    );
    let egfr = c.result(KnownItem::Egfr).unwrap();
    assert_eq!(
        egfr.value,
        CheckupValue::NotMeasured(NotMeasuredReason::Stated("検体不良".into()))
    );
    // Only 01990 and 01010 sections; codeSystem omitted on most codes.
    assert_eq!(c.kind, CheckupKind::SpecificHealthCheckup);
}

#[test]
fn refuses_doctype_and_external_entities() {
    let e = parse_fixture("bad-hc08-doctype.xml").unwrap_err();
    assert_eq!((e.at.line, e.at.field.as_str()), (Some(2), "<!DOCTYPE>"));
    assert!(
        e.to_string()
            .starts_with("bad-hc08-doctype.xml:2: <!DOCTYPE>: "),
        "{e}"
    );
}

#[test]
fn refuses_placeholder_template() {
    let e = parse_fixture("bad-hc08-placeholder.xml").unwrap_err();
    assert_eq!(
        e.at.field,
        "ClinicalDocument/recordTarget/patientRole/id[@root='1.2.392.200119.6.101']/@extension"
    );
    assert_eq!(e.at.line, Some(11));
    assert!(e.message.contains("placeholder 99999999"), "{e}");
}

#[test]
fn refuses_malformed_xml_with_its_line() {
    let e = parse_fixture("bad-hc08-malformed.xml").unwrap_err();
    assert_eq!(e.at.field, "(xml)");
    assert_eq!(e.at.line, Some(18));
    assert!(e.message.starts_with("malformed XML"), "{e}");
}

#[test]
fn refuses_wrong_namespace() {
    let e = parse_fixture("bad-hc08-namespace.xml").unwrap_err();
    assert_eq!(
        (e.at.field.as_str(), e.at.line),
        ("ClinicalDocument/@xmlns", Some(2))
    );
}

#[test]
fn refuses_unknown_entities_and_oversize() {
    let xml =
        format!("<ClinicalDocument xmlns=\"{HL7_NS}\"><title>&xxe;</title></ClinicalDocument>");
    let e = parse("x.xml", xml.as_bytes(), &ParseOptions::default()).unwrap_err();
    assert!(e.message.contains("entity"), "{e}");
    let big = vec![b' '; MAX_BYTES + 1];
    let e = parse("big.xml", &big, &ParseOptions::default()).unwrap_err();
    assert!(e.message.contains("at most"), "{e}");
}

#[test]
fn same_file_same_batch() {
    let a = parse_fixture("hc08-tokutei.xml").unwrap();
    let b = parse_fixture("hc08-tokutei.xml").unwrap();
    assert_eq!(a.batch_id, b.batch_id);
    assert!(a.batch_id.as_str().starts_with("hc08-"));
}

fn tokutei_with(from: &str, to: &str) -> String {
    let text = String::from_utf8(fixture("hc08-tokutei.xml")).unwrap();
    assert!(text.contains(from), "fixture holds {from}");
    text.replacen(from, to, 1)
}

/// 報告区分 other than 10 (e.g. a 特定保健指導 hg08 file) is refused, not read as a checkup.
#[test]
fn refuses_a_report_that_is_not_a_checkup() {
    let xml = tokutei_with(
        r#"<code code="10" codeSystem="1.2.392.200119.6.1001"/>"#,
        r#"<code code="20" codeSystem="1.2.392.200119.6.1001"/>"#,
    );
    let e = parse("hg08.xml", xml.as_bytes(), &ParseOptions::default()).unwrap_err();
    assert_eq!(
        (e.at.field.as_str(), e.at.line),
        ("ClinicalDocument/code/@code", Some(6))
    );
    assert!(e.message.contains("特定健診情報"), "{e}");
    let xml = tokutei_with(
        r#"<code code="10" codeSystem="1.2.392.200119.6.1001"/>"#,
        "",
    );
    let e = parse("nocode.xml", xml.as_bytes(), &ParseOptions::default()).unwrap_err();
    assert!(e.at.field.starts_with("ClinicalDocument/code"), "{e}");
}

/// A value type Karte does not interpret is kept as text with a warning; the file imports.
#[test]
fn unknown_value_type_is_kept_as_text_with_a_warning() {
    let text = String::from_utf8(fixture("hc08-tokutei.xml")).unwrap();
    let hba1c = text.find("3D046000001906202").expect("fixture has HbA1c");
    let start = hba1c + text[hba1c..].find("<value").unwrap();
    let end = start + text[start..].find("/>").unwrap() + 2;
    let xml = format!(
        "{}{}{}",
        &text[..start],
        r#"<value xsi:type="IVL_PQ"><low value="4.6" unit="%"/><high value="6.2" unit="%"/></value>"#,
        &text[end..]
    );
    let batch = parse("ivl.xml", xml.as_bytes(), &ParseOptions::default()).unwrap();
    let c = checkup(&batch);
    let kept = c
        .results
        .iter()
        .find(|r| r.code.as_str() == "3D046000001906202")
        .unwrap();
    assert_eq!(
        kept.value,
        CheckupValue::Text("IVL_PQ low 4.6 % high 6.2 %".into())
    );
    assert_eq!(batch.warnings.len(), 1, "{:?}", batch.warnings);
    assert!(batch.warnings[0].message.contains("IVL_PQ"));
}
