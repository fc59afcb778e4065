use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;

const TWO_PHARMACIES: &str = include_str!("fixtures/two-pharmacies.txt");

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn reads_the_spec_example_in_cp932_and_utf8() {
    let cp932 = encode_cp932(TWO_PHARMACIES);
    assert!(std::str::from_utf8(&cp932).is_err(), "really CP932 bytes");
    let book = parse(&cp932).unwrap();
    assert_eq!(parse(TWO_PHARMACIES.as_bytes()).unwrap(), book);
    assert_eq!(book.version, 8);
    assert_eq!(book.output, Output::ToPatient);
    let p = book.patient.as_ref().unwrap();
    assert_eq!(p.name, "見本　花子");
    assert_eq!(p.sex, Sex::Female);
    assert_eq!(p.birth_date, d(1958, 3, 3));
    assert_eq!(p.kana.as_deref(), Some("ミホン　ハナコ"));

    assert_eq!(book.dispensings.len(), 2);
    let first = &book.dispensings[0];
    assert_eq!(first.date, d(2025, 4, 10), "和暦 R070410");
    let pharmacy = first.institution.as_ref().unwrap();
    assert_eq!(pharmacy.name, "さくら薬局　駅前店");
    assert_eq!(pharmacy.receipt_code().as_deref(), Some("1341234567"));
    assert_eq!(first.staff.as_ref().unwrap().name, "薬剤師　一郎");
    assert_eq!(
        first.prescriber.as_ref().unwrap().receipt_code().as_deref(),
        Some("1317654321")
    );
    // Two doctors: RP 1–2 by 内科, RP 3 by 皮膚科.
    assert_eq!(first.groups.len(), 2);
    assert_eq!(
        first.groups[0].doctor,
        Some(("見本　次郎".into(), Some("内科".into())))
    );
    assert_eq!(
        first.groups[0]
            .rps
            .iter()
            .map(|r| r.number)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(first.groups[1].rps[0].number, 3);
    let rp1 = &first.groups[0].rps[0];
    // Half-width kana and full-width digits kept as printed.
    assert_eq!(rp1.drugs[0].name, "ｱﾑﾛｼﾞﾋﾟﾝ錠５ｍｇ「ｻﾜｲ」");
    assert_eq!(
        rp1.drugs[0].code,
        Some(DrugCode::Receipt("620008284".into()))
    );
    assert_eq!(rp1.drugs[1].code, Some(DrugCode::Yj("114900100101".into())));
    assert_eq!(rp1.drugs[1].notes, ["先発品：ロキソニン錠６０ｍｇ"]);
    assert_eq!(rp1.drugs[1].cautions.len(), 1);
    let usage = rp1.usage.as_ref().unwrap();
    assert_eq!(usage.name.as_deref(), Some("１日３回毎食後"));
    assert_eq!(usage.quantity, Some(14));
    assert_eq!(usage.unit.as_deref(), Some("日分"));
    assert_eq!(usage.form, Some(DosageForm::Oral));
    assert_eq!(rp1.usage_notes, ["一包化"]);
    let rp2 = &first.groups[0].rps[1];
    assert!(rp2.drugs[0].name.starts_with("麻）"));
    assert_eq!(
        rp2.usage.as_ref().unwrap().code.as_deref(),
        Some("1012000400000000")
    );
    assert_eq!(rp2.cautions.len(), 1);
    let rp3 = &first.groups[1].rps[0];
    assert_eq!(rp3.drugs[0].code, Some(DrugCode::None));
    assert_eq!(rp3.usage.as_ref().unwrap().form, Some(DosageForm::External));
    assert_eq!(
        first.cautions,
        ["他の薬を併用する際は、薬剤師に相談してください。"]
    );
    assert_eq!(first.remarks.len(), 1);

    let second = &book.dispensings[1];
    assert_eq!(second.date, d(2025, 4, 22), "西暦 20250422");
    assert_eq!(second.institution.as_ref().unwrap().name, "ひまわり薬局");
    assert_eq!(
        second
            .institution
            .as_ref()
            .unwrap()
            .receipt_code()
            .as_deref(),
        Some("2740123456"),
        "a code starting with 0 keeps its 7 digits"
    );
    assert_eq!(second.groups[0].doctor, None);
    assert_eq!(
        second.groups[0].rps[0].usage.as_ref().unwrap().form,
        Some(DosageForm::AsNeeded)
    );
}

#[test]
fn written_text_reads_back_the_same() {
    let book = parse(TWO_PHARMACIES.as_bytes()).unwrap();
    let text = write(&book);
    assert!(text.starts_with("JAHISTC08,1\r\n"));
    assert!(text
        .lines()
        .all(|l| !l.ends_with('\r') || text.contains("\r\n")));
    assert_eq!(parse(&encode_cp932(&text)).unwrap(), book);
}

fn refused(text: &str) -> JahisError {
    parse_text(&text.replace('\n', "\r\n")).unwrap_err()
}

#[test]
fn malformed_input_is_refused_with_line_record_and_field() {
    let e = refused("JAHISTC08,1\n1,見本　花子,2,S331303\n");
    assert_eq!((e.line, e.record.as_str()), (2, "1"));
    assert_eq!(e.field, "3 患者生年月日");
    assert!(
        e.to_string()
            .starts_with("line 2, record 1, field 3 患者生年月日: "),
        "{e}"
    );

    let e = refused("JAHISTC08,1\n5,20250401,1\n201,1,薬,1,錠,2,,1\n");
    assert_eq!(
        (e.line, e.record.as_str(), e.field.as_str()),
        (3, "201", "6 薬品コード")
    );

    let e = refused("JAHISTC08,1\n5,20250401,1\n301,1,１日１回,7,日分,1,1,,1\n");
    assert_eq!((e.line, e.field.as_str()), (3, "1 RP番号"));

    let e = refused("JAHISTC08,1\n11,さくら薬局,13,4,1234567,,,,1\n");
    assert_eq!((e.line, e.record.as_str()), (2, "11"));
    assert!(e.problem.contains("調剤等年月日"));

    let e = refused("JAHISTC08,1\n5,20250401,1\n11,さくら薬局,13,4,12345,,,,1\n");
    assert_eq!(e.field, "4 医療機関等コード");

    let e = refused("JAHISTC08,1\n5,20250401,1\n201,1,薬,1,錠,1,,1\n301,1,x,7,日分,8,1,,1\n");
    assert_eq!((e.line, e.field.as_str()), (4, "5 剤形コード"));

    let e = refused("JAHISTC08,1\n5,20250401,1\n777,x\n");
    assert_eq!((e.line, e.record.as_str()), (3, "777"));

    let e = refused("hello\n");
    assert_eq!((e.line, e.field.as_str()), (1, "バージョン情報"));

    let e = refused("JAHISTC08,3\n");
    assert_eq!(e.field, "1 出力区分");

    let e = refused(
        "JAHISTC08,1\n5,20250401,1\n201,1,薬,1,錠,1,,1\n201,2,薬,1,錠,1,,1\n201,1,薬,1,錠,1,,1\n",
    );
    assert_eq!((e.line, e.field.as_str()), (5, "1 RP番号"));

    // 出力区分 1 (to the patient) needs 用量 and 単位; 2 does not.
    let e = refused("JAHISTC08,1\n5,20250401,1\n201,1,薬,,,1,,1\n");
    assert_eq!(e.field, "3 用量");
    assert!(parse_text("JAHISTC08,2\r\n5,20250401,2\r\n201,1,薬,,,,,2\r\n").is_ok());

    let bad_bytes = [b"JAHISTC08,1\r\n1,".as_slice(), &[0x82, 0xFF, 0xFF]].concat();
    assert_eq!(parse(&bad_bytes).unwrap_err().field, "(encoding)");
    assert_eq!(parse(b"").unwrap_err().field, "バージョン情報");
}

#[test]
fn skipped_records_and_line_ends() {
    let text = "JAHISTC08,1\n2,1,乳製品,1\n5,20250401,1\n421,残薬あり,1\n701,薬剤師,薬局,03,,,1\r911,12345678901234,1,1\n\u{1a}";
    let book = parse_text(text).unwrap();
    assert_eq!(book.dispensings.len(), 1);
}

#[test]
fn split_parts_join_back_in_any_order() {
    let text = write(&parse(TWO_PHARMACIES.as_bytes()).unwrap());
    let parts = split_text(&text, 300, 20250410123456);
    assert!(parts.len() > 2, "{}", parts.len());
    for p in &parts {
        assert!(p.starts_with("JAHISTC08,1\r\n"));
        assert!(encode_cp932(p).len() <= 300, "{p}");
        assert!(p
            .trim_end()
            .rsplit("\r\n")
            .next()
            .unwrap()
            .starts_with("911,20250410123456,"));
    }
    let mut shuffled = parts.clone();
    shuffled.reverse();
    assert_eq!(join_parts(&shuffled).unwrap(), text);
    assert_eq!(join_parts(std::slice::from_ref(&text)).unwrap(), text);
    assert_eq!(
        join_parts(&parts[1..]).unwrap_err(),
        SplitError::Missing(1, parts.len() as u16)
    );
    let twice = vec![parts[0].clone(), parts[0].clone()];
    assert!(matches!(
        join_parts(&twice),
        Err(SplitError::Mixed | SplitError::Twice(1))
    ));
    assert_eq!(split_text(&text, 10_000, 1), [text]);
}

// --- property: write → parse gives the same notebook -------------------------------------

/// Text a JAHIS field can carry: half-width and full-width letters, kana, kanji, digits,
/// punctuation (no half-width comma or line break: the writer would change them).
fn field_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range('a', 'z'),
            proptest::char::range('0', '9'),
            proptest::char::range('ｱ', 'ﾝ'),
            proptest::char::range('ぁ', 'ん'),
            proptest::char::range('ァ', 'ヶ'),
            proptest::sample::select(vec![
                '錠', '薬', '局', '日', '回', '（', '）', '．', '，', '%', '「', '」', '　', ' ',
                '-'
            ]),
        ],
        1..20,
    )
    .prop_map(|cs| cs.into_iter().collect::<String>())
    .prop_filter("non-blank after trimming", |s| {
        !s.trim().is_empty() && s.trim() == s
    })
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(field_text())
}

fn digits(n: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::char::range('0', '9'), n)
        .prop_map(|v| v.into_iter().collect())
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1920i32..2030, 1u32..=12, 1u32..=28).prop_map(|(y, m, dd)| d(y, m, dd))
}

fn drug() -> impl Strategy<Value = Drug> {
    (
        field_text(),
        proptest::option::of(digits(2)),
        prop_oneof![
            Just(DrugCode::None),
            digits(9).prop_map(DrugCode::Receipt),
            digits(12).prop_map(DrugCode::Yj),
            digits(13).prop_map(DrugCode::Hot),
        ],
        proptest::collection::vec(field_text(), 0..2),
        proptest::collection::vec(field_text(), 0..2),
    )
        .prop_map(|(name, dose, code, notes, cautions)| Drug {
            name,
            dose: Some(dose.unwrap_or_else(|| "1".into())),
            unit: Some("錠".into()),
            code: Some(code),
            notes,
            cautions,
        })
}

fn rp_body() -> impl Strategy<Value = (Vec<Drug>, Option<Usage>, Vec<String>, Vec<String>)> {
    (
        proptest::collection::vec(drug(), 1..3),
        proptest::option::of((
            opt_text(),
            1u32..200,
            proptest::sample::select(DosageForm::ALL.to_vec()),
            proptest::option::of(digits(16)),
        )),
        proptest::collection::vec(field_text(), 0..2),
        proptest::collection::vec(field_text(), 0..2),
    )
        .prop_map(|(drugs, usage, notes, cautions)| {
            let usage = usage.map(|(name, q, form, code)| Usage {
                name,
                quantity: Some(q),
                unit: Some("日分".into()),
                form: Some(form),
                code,
            });
            (drugs, usage, notes, cautions)
        })
}

fn dispensing() -> impl Strategy<Value = Dispensing> {
    (
        date(),
        proptest::option::of((field_text(), digits(2), digits(7), opt_text())),
        proptest::option::of(field_text()),
        proptest::option::of((field_text(), digits(7))),
        proptest::collection::vec(
            (
                proptest::option::of((field_text(), opt_text())),
                proptest::collection::vec(rp_body(), 1..3),
            ),
            0..3,
        ),
        proptest::collection::vec(field_text(), 0..2),
        proptest::collection::vec(field_text(), 0..2),
    )
        .prop_map(|(date, inst, staff, presc, groups, cautions, remarks)| {
            let mut n = 0u16;
            let groups = groups
                .into_iter()
                .enumerate()
                .map(|(i, (doctor, rps))| DoctorGroup {
                    // Only the first group may lack a doctor (a 55 record starts every other).
                    doctor: if i == 0 {
                        doctor
                    } else {
                        doctor.or(Some(("医師".into(), None)))
                    },
                    rps: rps
                        .into_iter()
                        .map(|(drugs, usage, usage_notes, cautions)| {
                            n += 1;
                            Rp {
                                number: n,
                                drugs,
                                usage,
                                usage_notes,
                                cautions,
                            }
                        })
                        .collect(),
                })
                .collect();
            Dispensing {
                date,
                creator: Creator::Professional,
                institution: inst.map(|(name, pref, code, address)| Institution {
                    name,
                    prefecture: Some(pref),
                    table: Some(4),
                    code: Some(code),
                    postal_code: None,
                    address,
                    phone: None,
                }),
                staff: staff.map(|name| Staff {
                    name,
                    contact: None,
                }),
                prescriber: presc.map(|(name, code)| Prescriber {
                    name,
                    prefecture: Some("13".into()),
                    table: Some(1),
                    code: Some(code),
                }),
                groups,
                cautions,
                remarks,
            }
        })
}

proptest! {
    #[test]
    fn write_then_parse_is_identity(
        patient in proptest::option::of((field_text(), any::<bool>(), date(), opt_text())),
        dispensings in proptest::collection::vec(dispensing(), 0..4),
    ) {
        let book = Notebook {
            version: 8,
            output: Output::ToPatient,
            patient: patient.map(|(name, male, birth_date, kana)| Patient {
                name,
                sex: if male { Sex::Male } else { Sex::Female },
                birth_date,
                kana,
            }),
            dispensings,
        };
        let text = write(&book);
        prop_assert_eq!(parse(&encode_cp932(&text)).unwrap(), book.clone());
        // Split and joined again, it is still the same notebook.
        let parts = split_text(&text, 200, 7);
        prop_assert_eq!(parse_text(&join_parts(&parts).unwrap()).unwrap(), book);
    }

    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse(&bytes);
        let mut text = b"JAHISTC08,1\r\n".to_vec();
        text.extend(bytes);
        let _ = parse(&text);
    }
}

#[test]
fn control_characters_inside_a_line_are_refused() {
    // Found by the `jahis` fuzz target: an EOF byte inside a drug name was read, and written
    // back as a space (fuzz/regressions/jahis/).
    let text = TWO_PHARMACIES.replacen("オキシコドン", "オキシ\u{1a}コドン", 1);
    let e = parse_text(&text).unwrap_err();
    assert_eq!(e.field, "(line)");
    assert!(e.problem.contains("U+001A"), "{e}");
    assert!(parse_text(&TWO_PHARMACIES.replacen("オキシコドン", "オキシ\u{0}コドン", 1)).is_err());
    // The EOF byte at the end of the text is still taken.
    assert!(parse_text(&format!("{TWO_PHARMACIES}\u{1a}")).is_ok());
}

#[test]
fn a_unit_starting_with_a_digit_is_refused() {
    // Found by the `jahis` fuzz target: 「1」「4」 became the dose 「14」, and the export wrote
    // the 201 without its 単位名 (fuzz/regressions/jahis/digit-unit-*).
    let e = refused("JAHISTC08,1\n5,20250401,1\n201,1,薬,1,4,1,,1\n");
    assert_eq!(e.field, "4 単位名");
    assert!(parse_text("JAHISTC08,1\r\n5,20250401,1\r\n201,1,薬,1,錠,1,,1\r\n").is_ok());
}
