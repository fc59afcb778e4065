//! A receipt's identity (issue 16; receipts.md §2): one hospital's 入院 and 入院外 receipts of
//! one month are two receipts — both show on the expenses page, in the API and the PDF, and
//! both count in the deduction — while a 返戻再請求 of one of them still replaces it. Imported
//! through the JSON format without the new fields (the identity defaults from 診療区分), on
//! both backends, over real HTTP.

use crate::helpers::{Backend, TestApp, TestDb};
use crate::pdf::read_pdf;
use domain::deduction::TaxYear;
use domain::money::{group_thousands, Yen};
use domain::people::PersonId;
use server::db::Db;
use server::deduction as etax;
use server::import::{json, ParseOptions};
use server::records::import::store_batch;
use std::io::Read;

const HOSPITAL: &str = "受領テスト総合病院";
/// 窓口負担相当額 of the 入院 receipt, the 入院外 receipt, and the 入院外 re-claim.
const INPATIENT: i64 = 87_654;
const OUTPATIENT: i64 = 1_357;
const RECLAIMED: i64 = 2_468;

fn expense(claim: &str, accepted_on: &str, category: &str, patient: i64) -> serde_json::Value {
    serde_json::json!({
        "claim": {
            "claim_id": claim, "institution_id": "1319990001", "service_month": "2025-06",
            "accepted_on": accepted_on, "sequence": 0
        },
        "category": category, "days": 3, "institution_name": HOSPITAL,
        "total": patient * 10 / 3, "insurer_paid": patient * 10 / 3 - patient,
        "public_paid": 0, "patient_paid": patient
    })
}

fn batch() -> Vec<u8> {
    serde_json::json!({
        "format_version": 1,
        "batch_id": "receipt-identity-test",
        "people": [{
            "person": { "id": "demo-sato", "name": "佐藤　健一" },
            "expenses": [
                expense("in-1", "2025-07-08", "医科入院", INPATIENT),
                expense("out-1", "2025-07-08", "医科外来", OUTPATIENT),
                // 返戻再請求 of the 入院外 receipt, three months later.
                expense("out-1-re", "2025-10-08", "医科外来", RECLAIMED),
            ]
        }]
    })
    .to_string()
    .into_bytes()
}

async fn deduction_paid(db: &Db, today: chrono::NaiveDate) -> Yen {
    let sato = PersonId::parse("demo-sato").unwrap();
    let members = vec![etax::Member {
        person: sato.clone(),
        name: "佐藤　健一".into(),
        since: None,
    }];
    let wb = etax::load(db, &sato, members, TaxYear::new(2025).unwrap(), today)
        .await
        .unwrap();
    let summary = domain::deduction::summarize(&wb.lines, Yen(4_000_000)).unwrap();
    summary.medical.paid
}

fn both_receipts_show_and_count(backend: Backend) {
    let mut tdb = TestDb::new(backend);
    let today: chrono::NaiveDate = "2026-03-01".parse().unwrap();
    tdb.settings.today = Some(today);
    let app = TestApp::spawn_with(tdb, true);
    // One runtime for every database call: PostgreSQL connections belong to the runtime
    // that opened them.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(Db::connect(app.settings())).unwrap();
    let before = rt.block_on(deduction_paid(&db, today));
    let parsed = json::parse("receipts.json", &batch(), &ParseOptions::default()).unwrap();
    rt.block_on(store_batch(&db, parsed, "test")).unwrap();

    let sato = app.dev_sign_in("demo-sato");
    // The API: both receipts of the month, the 入院外 one as re-claimed.
    let body: serde_json::Value = app
        .get_with("/api/v1/me/expenses?from=2025-06&to=2025-06", &sato)
        .into_json()
        .unwrap();
    let mut ours: Vec<i64> = body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["institution_name"] == HOSPITAL)
        .map(|l| l["patient_paid"].as_i64().unwrap())
        .collect();
    ours.sort_unstable();
    assert_eq!(ours, [RECLAIMED, INPATIENT], "API lines of {HOSPITAL}");

    // The page.
    let page = app
        .get_with("/expenses?from=2025-06&to=2025-06", &sato)
        .into_string()
        .unwrap();
    for shown in [INPATIENT, RECLAIMED] {
        assert!(page.contains(&group_thousands(shown)), "page shows {shown}");
    }
    assert!(
        !page.contains(&group_thousands(OUTPATIENT)),
        "the re-claimed original is replaced"
    );

    // The PDF.
    let mut pdf_bytes = Vec::new();
    app.get_with("/api/v1/me/expenses/pdf?from=2025-06&to=2025-06", &sato)
        .into_reader()
        .read_to_end(&mut pdf_bytes)
        .unwrap();
    let pdf = read_pdf(&pdf_bytes);
    for shown in [INPATIENT, RECLAIMED] {
        assert!(pdf.has(&group_thousands(shown)), "PDF shows {shown}");
    }
    assert!(!pdf.has(&group_thousands(OUTPATIENT)));

    // The deduction counts both receipts, the re-claim instead of its original.
    let after = rt.block_on(deduction_paid(&db, today));
    assert_eq!(after.0 - before.0, INPATIENT + RECLAIMED);
    rt.block_on(db.close());
}

crate::both_backends!(fn both_receipts_show_and_count as inpatient_and_outpatient_receipts_both_count);

/// Migration 20261204000030 on stored data: lines written before it get the receipt identity
/// their own fields imply, so a stored 入院 and 入院外 pair of one month both show afterwards,
/// while an older and a later claim of one receipt still supersede.
async fn stored_lines_get_their_receipt_identity(backend: Backend) {
    let tdb = TestDb::empty(backend);
    let db = Db::connect(&tdb.settings).await.unwrap();
    let dir = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(dir);
    let mut before = sqlx::migrate::Migrator::new(path).await.unwrap();
    before.migrations = std::borrow::Cow::Owned(
        before
            .migrations
            .iter()
            .filter(|m| m.version < 20261204000030)
            .cloned()
            .collect(),
    );
    server::with_pool!(&db, pool => before.run(pool).await.unwrap());
    let statements = [
        "INSERT INTO people (id, name, birth_date) VALUES ('test-old', '旧　データ', '1970-05-05')",
        "INSERT INTO import_batches (id, format, source, line_count) VALUES ('old', 'json', 'test', 4)",
        "INSERT INTO expense_lines (person_id, batch_id, claim_id, institution_id, service_month,
            accepted_on, sequence, visible_from, category, days, institution_name, total,
            insurer_paid, public_paid, patient_paid) VALUES
         ('test-old', 'old', 'in-1', 'h1', '2025-06', '2025-07-08', 0, '2025-08-11', '医科入院', 3, '旧病院', 1000, 700, 0, 300),
         ('test-old', 'old', 'out-1', 'h1', '2025-06', '2025-07-09', 0, '2025-08-11', '医科外来', 1, '旧病院', 100, 70, 0, 30),
         ('test-old', 'old', 'out-1-re', 'h1', '2025-06', '2025-09-08', 0, '2025-10-11', '医科外来', 1, '旧病院', 110, 77, 0, 33)",
        "INSERT INTO drug_lines (person_id, batch_id, claim_id, institution_id, service_month,
            accepted_on, sequence, visible_from, dispensed_on, dispenser_name, prescriber_id,
            prescription, usage, drug_name, quantity_amount, quantity_unit) VALUES
         ('test-old', 'old', 'rx-1', 'ph1', '2025-06', '2025-07-08', 0, '2025-07-11', '2025-06-03', '旧薬局', 'c1', 'out_of_house', 'oral', '薬A', 14, '日分')",
    ];
    for sql in statements {
        server::with_pool!(&db, pool => {
            sqlx::query(sql).execute(pool).await.unwrap();
        });
    }
    db.migrate().await.unwrap();

    let person = PersonId::parse("test-old").unwrap();
    let months = domain::period::MonthRange::parse("2025-06", "2025-06").unwrap();
    let today = "2026-01-01".parse().unwrap();
    let shown = server::records::lines::visible_expense_lines(&db, &person, months, today)
        .await
        .unwrap();
    let mut paid: Vec<i64> = shown.iter().map(|l| l.patient_paid.value()).collect();
    paid.sort_unstable();
    assert_eq!(paid, [33, 300], "入院 kept, 入院外 re-claimed");
    use domain::claim::{CareSetting, ReceiptKind};
    let inpatient = shown
        .iter()
        .find(|l| l.patient_paid.value() == 300)
        .unwrap();
    assert_eq!(
        (
            inpatient.claim.receipt.kind,
            inpatient.claim.receipt.setting
        ),
        (ReceiptKind::Medical, CareSetting::Inpatient)
    );
    let drugs = server::records::lines::visible_drug_lines(&db, &person, months, today)
        .await
        .unwrap();
    assert_eq!(drugs.len(), 1);
    assert_eq!(drugs[0].claim.receipt.kind, ReceiptKind::Pharmacy);
    assert_eq!(
        drugs[0]
            .claim
            .receipt
            .prescriber
            .as_ref()
            .map(|p| p.as_str()),
        Some("c1")
    );
    db.close().await;
}

crate::both_backends!(async fn stored_lines_get_their_receipt_identity);
