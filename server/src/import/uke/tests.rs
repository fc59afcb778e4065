//! Receipts written from the spec's field tables (receipts.md §3–§5), stored as readable UTF-8
//! text under `server/tests/fixtures/import/uke-*.txt` and turned into real UKE bytes
//! (Shift_JIS, CR LF, EOF byte) here. Every derived field is checked.

use super::*;
use domain::claim::{CareSetting, ReceiptKind};
use domain::drugs::DrugMark;

fn fixture_text(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Text as a receipt file is written: Shift_JIS, CR LF, one EOF byte.
fn uke_bytes(text: &str) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&crlf);
    assert!(!unmappable);
    let mut bytes = sjis.into_owned();
    bytes.push(0x1A);
    bytes
}

fn parse_text(name: &str, text: &str) -> Res<ImportBatch> {
    parse(name, &uke_bytes(text), &ParseOptions::default())
}

fn parse_fixture(name: &str) -> ImportBatch {
    parse_text(name, &fixture_text(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

#[test]
fn medical_receipts_give_people_notices_and_drug_lines() {
    let batch = parse_fixture("uke-ika.txt");
    assert_eq!(batch.format, ImportFormat::Uke);
    assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
    assert!(batch.batch_id.as_str().starts_with("uke-"));
    assert_eq!(batch.people.len(), 2, "山田 (two receipts) and 佐々木");

    let yamada = &batch.people[0];
    let p = &yamada.person;
    assert_eq!(p.name, "山田　太郎");
    assert_eq!(p.name_kana.as_deref(), Some("ヤマダ　タロウ"));
    assert_eq!(p.sex, Some(Sex::Male));
    assert_eq!(p.birth_date, Some(d(1960, 4, 1)));
    assert_eq!(p.id, None);
    let card = p.card.as_ref().unwrap();
    // Full-width 記号・番号 read as digits.
    assert_eq!(
        (
            card.insurer().as_str(),
            card.symbol().map(|s| s.as_str()),
            card.number().as_str(),
            card.branch()
        ),
        ("06139992", Some("123"), "4567", None)
    );

    // Two receipts of one hospital and month: 入院外 (1112) and 入院 (1111).
    let [outpatient, inpatient] = &yamada.expenses[..] else {
        panic!("{:?}", yamada.expenses);
    };
    assert_eq!(
        outpatient.claim.claim_id.as_str(),
        "uke-1319990001-202507-202506-1"
    );
    assert_eq!(outpatient.claim.institution.as_str(), "1319990001");
    assert_eq!(outpatient.claim.service_month, ym(2025, 6));
    assert_eq!(outpatient.claim.accepted_on, d(2025, 7, 10));
    assert_eq!(
        outpatient.claim.receipt,
        ReceiptIdentity::new(ReceiptKind::Medical, CareSetting::Outpatient)
    );
    assert_eq!(outpatient.visible_from, d(2025, 8, 11));
    assert_eq!(outpatient.service_month, ym(2025, 6));
    assert_eq!(outpatient.category, ServiceCategory::MedicalOutpatient);
    assert_eq!(outpatient.days, 2);
    assert_eq!(outpatient.institution_name, "さくら記念病院");
    // 1,200 点: 12,000 円, 本人 3割.
    assert_eq!(
        (
            outpatient.total,
            outpatient.insurer_paid,
            outpatient.public_paid,
            outpatient.patient_paid
        ),
        (Yen(12_000), Yen(8_400), Yen(0), Yen(3_600))
    );
    assert_eq!(
        inpatient.claim.receipt,
        ReceiptIdentity::new(ReceiptKind::Medical, CareSetting::Inpatient)
    );
    assert_eq!(inpatient.category, ServiceCategory::MedicalInpatient);
    assert_eq!(inpatient.days, 5);
    // 8,000 点 + 食事 6,900 円; the share is of the 点数 part.
    assert_eq!(
        (
            inpatient.total,
            inpatient.insurer_paid,
            inpatient.public_paid,
            inpatient.patient_paid
        ),
        (Yen(86_900), Yen(62_900), Yen(0), Yen(24_000))
    );

    // 入院外: ロキソニン (empty 診療識別 after CO 21 → 内服) on days 3 and 17, デパス 屯服 on
    // day 3, ヒルドイド 外用 on day 17, an unknown 注射 on day 10; SI 40 makes the モーラス
    // after it a 処置 drug, not a drug line. 入院: ノルバスク on days 10–14.
    let drugs = &yamada.drugs;
    assert_eq!(drugs.len(), 10, "{drugs:#?}");
    let loxonin: Vec<_> = drugs
        .iter()
        .filter(|l| l.drug_name == "ロキソニン錠６０ｍｇ")
        .collect();
    assert_eq!(loxonin.len(), 2);
    let l = loxonin[0];
    assert_eq!(l.claim, outpatient.claim);
    assert_eq!(l.visible_from, d(2025, 7, 11));
    assert_eq!(l.dispensed_on, d(2025, 6, 3));
    assert_eq!(loxonin[1].dispensed_on, d(2025, 6, 17));
    assert_eq!(l.dispenser_name, "さくら記念病院");
    assert_eq!(l.prescriber.as_str(), "1319990001");
    assert!(l.prescribed_here());
    assert_eq!(l.prescription, PrescriptionKind::InHouse);
    assert_eq!(l.usage, UsageKind::Oral);
    assert_eq!(
        l.ingredient.as_deref(),
        Some("ロキソプロフェンナトリウム水和物")
    );
    assert_eq!(l.receipt_code.as_ref().unwrap().as_str(), "620098801");
    assert_eq!(l.yj_code, None);
    assert_eq!(l.directions, None);
    assert_eq!(l.daily_dose.as_deref(), Some("3錠"));
    assert_eq!(l.single_dose, None);
    assert_eq!(l.special_instructions, None);
    assert_eq!(l.quantity.to_string(), "7日分");
    assert_eq!(l.mark, None);
    assert_eq!((l.copay, l.savings), (None, None));

    let depas = drugs
        .iter()
        .find(|l| l.drug_name == "デパス錠０．５ｍｇ")
        .unwrap();
    assert_eq!(depas.usage, UsageKind::AsNeeded);
    assert_eq!(depas.mark, Some(DrugMark::Psychotropic));
    assert_eq!(depas.display_name(), "向）デパス錠０．５ｍｇ");
    assert_eq!(depas.quantity.to_string(), "5回分");
    assert_eq!(
        (depas.daily_dose.as_deref(), depas.single_dose.as_deref()),
        (None, Some("1錠"))
    );
    let hirudoid = drugs
        .iter()
        .find(|l| l.drug_name == "ヒルドイドソフト軟膏０．３％")
        .unwrap();
    assert_eq!(
        (hirudoid.usage, hirudoid.dispensed_on),
        (UsageKind::External, d(2025, 6, 17))
    );
    assert_eq!(hirudoid.daily_dose.as_deref(), Some("25ｇ"));
    // Unknown code: kept and shown by its code.
    let unknown = drugs.iter().find(|l| l.drug_name == "640000001").unwrap();
    assert_eq!(
        (
            unknown.usage,
            unknown.dispensed_on,
            unknown.ingredient.as_ref()
        ),
        (UsageKind::Injection, d(2025, 6, 10), None)
    );
    assert_eq!(unknown.daily_dose.as_deref(), Some("1"));
    assert!(!drugs.iter().any(|l| l.drug_name.starts_with("モーラス")));

    let norvasc: Vec<_> = drugs
        .iter()
        .filter(|l| l.drug_name == "ノルバスク錠５ｍｇ")
        .collect();
    assert_eq!(
        norvasc.iter().map(|l| l.dispensed_on).collect::<Vec<_>>(),
        (10..=14).map(|day| d(2025, 6, day)).collect::<Vec<_>>()
    );
    assert!(norvasc
        .iter()
        .all(|l| l.prescription == PrescriptionKind::Inpatient
            && l.claim == inpatient.claim
            && l.quantity.to_string() == "1日分"));
}

#[test]
fn a_public_expense_receipt_splits_the_share() {
    let batch = parse_fixture("uke-ika.txt");
    let sasaki = &batch.people[1];
    assert_eq!(sasaki.person.name, "佐々木　花子");
    assert_eq!(sasaki.person.sex, Some(Sex::Female));
    // 和暦 3450505 = 昭和45年5月5日.
    assert_eq!(sasaki.person.birth_date, Some(d(1970, 5, 5)));
    assert_eq!(
        sasaki.person.card.as_ref().unwrap().number().as_str(),
        "8888"
    );
    let [notice] = &sasaki.expenses[..] else {
        panic!()
    };
    // 500 点 = 5,000 円; share 3割 1,500 円, of which the patient pays KO.7 1,000 円 and the
    // 公費 the other 500 円.
    assert_eq!(
        (
            notice.total,
            notice.insurer_paid,
            notice.public_paid,
            notice.patient_paid
        ),
        (Yen(5_000), Yen(3_500), Yen(500), Yen(1_000))
    );
    assert_eq!(
        notice.claim.claim_id.as_str(),
        "uke-1319990001-202507-202506-3"
    );
    let [mucodyne] = &sasaki.drugs[..] else {
        panic!()
    };
    assert_eq!(
        (
            mucodyne.drug_name.as_str(),
            mucodyne.dispensed_on,
            mucodyne.quantity.to_string(),
            mucodyne.daily_dose.as_deref()
        ),
        (
            "ムコダイン錠５００ｍｇ",
            d(2025, 6, 20),
            "7日分".to_owned(),
            Some("3錠")
        )
    );
}

#[test]
fn pharmacy_receipts_give_one_line_per_dispensing_and_drug() {
    let batch = parse_fixture("uke-chozai.txt");
    assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
    let [yamada] = &batch.people[..] else {
        panic!("one person")
    };
    // Two receipts: one per 処方医療機関, both kept.
    let [first, second] = &yamada.expenses[..] else {
        panic!()
    };
    assert_eq!(first.claim.institution.as_str(), "1349990002");
    assert_eq!(first.institution_name, "みどり薬局");
    assert_eq!(first.category, ServiceCategory::Pharmacy);
    assert_eq!(first.days, 1);
    assert_eq!(
        first.claim.receipt,
        ReceiptIdentity::for_drug(
            PrescriptionKind::OutOfHouse,
            &InstitutionId::parse("1319990001").unwrap()
        )
    );
    assert_eq!(
        second.claim.receipt.prescriber.as_ref().map(|p| p.as_str()),
        Some("1319990003")
    );
    assert_eq!(
        (
            first.total,
            first.insurer_paid,
            first.public_paid,
            first.patient_paid
        ),
        (Yen(3_000), Yen(2_100), Yen(0), Yen(900))
    );
    assert_eq!((second.total, second.patient_paid), (Yen(1_000), Yen(300)));

    let drugs = &yamada.drugs;
    assert_eq!(drugs.len(), 4, "{drugs:#?}");
    // 処方 01: 内服, 用法 003, one CZ (14 日分) and two IY.
    let l = &drugs[0];
    assert_eq!(l.drug_name, "ロキソニン錠６０ｍｇ");
    assert_eq!(l.claim, first.claim);
    assert_eq!(l.dispensed_on, d(2025, 6, 5));
    assert_eq!(l.dispenser_name, "みどり薬局");
    assert_eq!(l.prescriber.as_str(), "1319990001");
    assert!(!l.prescribed_here());
    assert_eq!(l.prescription, PrescriptionKind::OutOfHouse);
    assert_eq!(l.usage, UsageKind::Oral);
    assert_eq!(l.directions.as_deref(), Some("1日3回食後服用"));
    assert_eq!(l.special_instructions, None);
    assert_eq!(
        (l.daily_dose.as_deref(), l.single_dose.as_deref()),
        (Some("3錠"), Some("1錠"))
    );
    assert_eq!(l.quantity.to_string(), "14日分");
    assert_eq!(l.visible_from, d(2025, 7, 11));
    let gaster = &drugs[1];
    assert_eq!(
        (
            gaster.drug_name.as_str(),
            gaster.daily_dose.as_deref(),
            gaster.quantity.to_string()
        ),
        ("ガスター錠２０ｍｇ", Some("2錠"), "14日分".to_owned())
    );
    // 処方 02: 屯服 with 特別指示, a 向 drug.
    let halcion = &drugs[2];
    assert_eq!(halcion.drug_name, "ハルシオン０．２５ｍｇ錠");
    assert_eq!(halcion.mark, Some(DrugMark::Psychotropic));
    assert_eq!(halcion.usage, UsageKind::AsNeeded);
    assert_eq!(halcion.directions, None);
    assert_eq!(halcion.special_instructions.as_deref(), Some("不眠時"));
    assert_eq!(
        (
            halcion.daily_dose.as_deref(),
            halcion.single_dose.as_deref()
        ),
        (None, Some("1錠"))
    );
    assert_eq!(halcion.quantity.to_string(), "10回分");
    assert_eq!(halcion.ingredient.as_deref(), Some("トリアゾラム"));
    // The second receipt: 外用 from あおば内科.
    let ointment = &drugs[3];
    assert_eq!(ointment.claim, second.claim);
    assert_eq!(ointment.prescriber.as_str(), "1319990003");
    assert_eq!(
        (ointment.usage, ointment.dispensed_on),
        (UsageKind::External, d(2025, 6, 20))
    );
    assert_eq!(ointment.special_instructions.as_deref(), Some("患部に塗布"));
    assert_eq!(ointment.daily_dose.as_deref(), Some("25ｇ"));
}

#[test]
fn interleaved_dispensings_pair_each_drug_with_the_one_before_it() {
    let text = fixture_text("uke-chozai.txt").replacen(
        "IY,1,612320350,2,,,,,,1",
        "CZ,1,20250612,20250612,1,7,1,1,01,420001810,24\nIY,1,612320350,2,,,,,,1",
        1,
    );
    let batch = parse_text("x.UKE", &text).unwrap();
    let drugs = &batch.people[0].drugs;
    let got: Vec<_> = drugs
        .iter()
        .take(2)
        .map(|l| (l.drug_name.as_str(), l.dispensed_on, l.quantity.amount))
        .collect();
    assert_eq!(
        got,
        [
            ("ロキソニン錠６０ｍｇ", d(2025, 6, 5), 14),
            ("ガスター錠２０ｍｇ", d(2025, 6, 12), 7)
        ]
    );
    // Two CZ before the drugs (分割調剤 …): every drug once per CZ.
    let text = fixture_text("uke-chozai.txt").replacen(
        "CZ,1,20250605,20250605,1,14,1,1,01,420001810,24",
        "CZ,1,20250605,20250605,1,14,1,1,01,420001810,24\nCZ,1,20250605,20250619,2,14,1,1,01,420001810,24",
        1,
    );
    let batch = parse_text("x.UKE", &text).unwrap();
    assert_eq!(batch.people[0].drugs.len(), 6);
}

#[test]
fn trimmed_trailing_fields_utf8_and_the_insurer_variant_read_the_same() {
    let text = fixture_text("uke-chozai.txt");
    let expected = parse_fixture("uke-chozai.txt");
    let trimmed: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_end_matches(',')))
        .collect();
    let a = parse_text("a.UKE", &trimmed).unwrap();
    assert_eq!(a.people, expected.people);
    // Re-saved as UTF-8 without the EOF byte.
    let b = parse("b.UKE", text.as_bytes(), &ParseOptions::default()).unwrap();
    assert_eq!(b.people, expected.people);
    // 支払基金 保険者向け: three leading columns.
    let variant: String = text.lines().map(|l| format!("1,2,0,{l}\n")).collect();
    assert!(super::looks_like_uke(variant.as_bytes()));
    let c = parse_text("c.UKE", &variant).unwrap();
    assert_eq!(c.people, expected.people);
    // Same bytes, same batch; other bytes, another.
    assert_eq!(expected.batch_id, parse_fixture("uke-chozai.txt").batch_id);
    assert_ne!(a.batch_id, expected.batch_id);
}

#[test]
fn wareki_months_of_older_files() {
    // 令和7年6月 = 50706, 請求 令和7年7月 = 50707.
    let text = fixture_text("uke-ika.txt")
        .replace(",202507,", ",50707,")
        .replace(",202506,", ",50706,");
    let batch = parse_text("old.UKE", &text).unwrap();
    assert_eq!(batch.people, parse_fixture("uke-ika.txt").people);
}

#[test]
fn a_late_claim_is_a_new_claim_of_the_same_receipt() {
    let first = parse_fixture("uke-ika.txt");
    let late = parse_fixture("uke-ika-late.txt");
    let a = &first.people[0].expenses[0].claim;
    let b = &late.people[0].expenses[0].claim;
    assert_eq!(a.supersession_key(), b.supersession_key());
    assert_ne!(a.claim_id, b.claim_id);
    assert!(b.recency() > a.recency());
    assert_eq!(b.accepted_on, d(2025, 9, 10));
    // Published with the batch after its acceptance.
    assert_eq!(late.people[0].expenses[0].visible_from, d(2025, 10, 11));
    assert_eq!(late.people[0].drugs[0].visible_from, d(2025, 9, 11));
}

#[test]
fn person_option_takes_every_receipt() {
    let opts = ParseOptions {
        person: Some(domain::people::PersonId::parse("demo-sato").unwrap()),
    };
    let batch = parse("x.UKE", &uke_bytes(&fixture_text("uke-ika.txt")), &opts).unwrap();
    assert_eq!(batch.people.len(), 1);
    let p = &batch.people[0];
    assert_eq!(p.expenses.len(), 3);
    assert!(p
        .drugs
        .iter()
        .all(|l| l.claim.person.as_str() == "demo-sato"));
}

/// Each refusal names the record type, line and field.
#[test]
fn malformed_files_are_refused_with_record_line_and_field() {
    let ika = fixture_text("uke-ika.txt");
    let cases: Vec<(String, usize, &str)> = vec![
        (
            ika.replacen(",202506,山田", ",202513,山田", 1),
            2,
            "RE.4 診療年月",
        ),
        (
            ika.replacen(",202506,山田", ",202508,山田", 1),
            2,
            "RE.4 診療年月",
        ),
        (
            ika.replacen("IY,,1,620098801,3", "IY,,1,62009880,3", 1),
            7,
            "IY.4 医薬品コード",
        ),
        (
            ika.replacen("IY,,1,620098801,3", "IY,,1,620098801,3x", 1),
            7,
            "IY.5 使用量",
        ),
        (
            ika.replacen("CO,21,", "CO,,", 1).replacen(
                "SI,12,1,112007410,,73,2",
                "SI,,1,112007410,,73,2",
                1,
            ),
            7,
            "IY.2 診療識別",
        ),
        (
            ika.replacen(
                "HO,06139992,１２３,４５６７,2,1200",
                "HO,06139992,１２３,４５６７,2,12OO",
                1,
            ),
            3,
            "HO.6 合計点数",
        ),
        (
            ika.replacen("RE,3,1122,", "RE,3,2122,", 1),
            17,
            "RE.3 レセプト種別",
        ),
        (
            ika.replacen(",1,19600401,", ",3,19600401,", 1),
            2,
            "RE.6 男女区分",
        ),
        (
            ika.replacen("IR,1,13,1,", "IR,1,13,3,", 1),
            1,
            "IR.4 点数表",
        ),
        (format!("RE,1\n{ika}"), 1, "RE.1 レコード識別情報"),
        (
            ika.replacen(",202506,山田", ",202506,山\u{0}田", 1),
            2,
            "RE.5 氏名",
        ),
    ];
    for (text, line, field) in cases {
        let e = parse_text("bad.UKE", &text).unwrap_err();
        assert_eq!((e.at.line, e.at.field.as_str()), (Some(line), field), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("bad.UKE:{line}: {field}: ")),
            "{e}"
        );
    }
    // Cut off before GO; a 31st of June; data after the EOF byte.
    let cut = &ika[..ika.find("GO,").unwrap()];
    assert_eq!(parse_text("cut.UKE", cut).unwrap_err().at.field, "GO");
    let day31: String = ika
        .lines()
        .map(|l| {
            if l.starts_with("IY,21,1,612170710") {
                let mut f: Vec<&str> = l.split(',').collect();
                f[43] = "1";
                format!("{}\n", f.join(","))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let e = parse_text("x.UKE", &day31).unwrap_err();
    assert_eq!(
        (e.at.line, e.at.field.as_str()),
        (Some(16), "IY.44 31日の情報"),
        "{e}"
    );
    let mut bytes = uke_bytes(&ika);
    bytes.extend(b"RE,9\r\n");
    assert_eq!(
        parse("x.UKE", &bytes, &ParseOptions::default())
            .unwrap_err()
            .at
            .field,
        "(file)"
    );
    // Pharmacy: an IY before any CZ of its 処方.
    let chozai = fixture_text("uke-chozai.txt").replacen(
        "CZ,1,20250605,20250605,1,14,1,1,01,420001810,24\n",
        "",
        1,
    );
    let e = parse_text("rx.UKE", &chozai).unwrap_err();
    assert_eq!(
        (e.at.line, e.at.field.as_str()),
        (Some(5), "IY.1 レコード識別情報"),
        "{e}"
    );
}

#[test]
fn go_totals_that_disagree_are_warnings() {
    let text = fixture_text("uke-ika.txt").replacen("GO,3,9700,99", "GO,4,9800,99", 1);
    let batch = parse_text("go.UKE", &text).unwrap();
    let fields: Vec<_> = batch.warnings.iter().map(|w| w.at.field.as_str()).collect();
    assert_eq!(fields, ["GO.2 総件数", "GO.3 総合計点数"]);
}

#[test]
fn detection_reads_the_header_record() {
    assert!(looks_like_uke(&uke_bytes(&fixture_text("uke-ika.txt"))));
    assert!(looks_like_uke(&uke_bytes(&fixture_text("uke-chozai.txt"))));
    assert!(!looks_like_uke(b"IRIS,1,2\n"));
    assert!(!looks_like_uke(b"a,b,c,IR\n"));
    assert!(!looks_like_uke(b"{\"IR\": 1}"));
    assert_eq!(
        crate::import::detect("RECEIPTC.UKE", &uke_bytes(&fixture_text("uke-chozai.txt"))),
        Some(ImportFormat::Uke)
    );
}
