//! 医療費控除: the workbench's storage on both backends, the page's forms over real HTTP
//! (persisting across sign-out), the exports — the xlsx read back by an independent reader
//! (Python openpyxl, `scripts/check_etax_xlsx.py`) against the official template, the CSV
//! read back by the importer — the form's row limit, and the CLI.

use crate::helpers::{Backend, TestApp, TestDb};
use domain::deduction::{FormCategory, NoticeKey, TaxYear};
use domain::money::Yen;
use domain::people::PersonId;
use server::db::Db;
use server::deduction as etax;
use server::import::{mynaportal_csv, ParseOptions};
use server::records::deduction::{self as store, NewManualLine, NoticeChange};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn template() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/etax/iryouhi_form_v3.1.xlsx")
}

fn python() -> &'static str {
    // Debian's python3 has python3-openpyxl; a python3 earlier on PATH may not.
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// Runs the openpyxl checker; returns what it read (panics with its reasons on failure).
pub(crate) fn openpyxl_check(
    xlsx: &[u8],
    expected: Option<&serde_json::Value>,
) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!("karte-etax-{}", crate::helpers::random_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("form.xlsx");
    std::fs::write(&file, xlsx).unwrap();
    let mut cmd = Command::new(python());
    cmd.arg(repo().join("scripts/check_etax_xlsx.py"))
        .arg(&file)
        .arg(template());
    if let Some(e) = expected {
        let path = dir.join("expected.json");
        std::fs::write(&path, serde_json::to_vec(e).unwrap()).unwrap();
        cmd.arg(path);
    }
    let out = cmd
        .output()
        .expect("python3 with openpyxl (Debian python3-openpyxl)");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "openpyxl check failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The rows the domain says the form holds, in the checker's shape.
pub(crate) fn expected_rows(wb: &etax::Workbench) -> serde_json::Value {
    let rows = wb.form_rows().unwrap().rows;
    serde_json::json!({ "rows": rows.iter().map(|r| serde_json::json!({
        "person": r.person,
        "payee": r.payee,
        "categories": r.categories,
        "paid": r.paid.value(),
        "reimbursed": (r.reimbursed.value() > 0).then_some(r.reimbursed.value()),
        "paid_on": r.paid_on,
    })).collect::<Vec<_>>() })
}

pub(crate) fn pid(s: &str) -> PersonId {
    PersonId::parse(s).unwrap()
}

pub(crate) fn y(n: i32) -> TaxYear {
    TaxYear::new(n).unwrap()
}

pub(crate) fn hand_line(payee: &str, amount: i64) -> NewManualLine {
    NewManualLine {
        patient_name: "田中　宏".into(),
        payee: payee.into(),
        category: FormCategory::Other,
        amount: Yen(amount),
        reimbursed: Yen(0),
        paid_on: chrono::NaiveDate::from_ymd_opt(2025, 5, 7),
        self_medication: false,
        note: String::new(),
    }
}

// ── storage, both backends ──

async fn workbench_storage_is_scoped_by_person(db: &Db) {
    let today = crate::fixtures::d(2026, 3, 1);
    server::demo::load(db, today).await.unwrap();
    let (hiroshi, sato) = (pid("demo-tanaka-hiroshi"), pid("demo-sato"));
    let id = store::add_manual_line(db, &hiroshi, y(2025), &hand_line("あおば整骨院", 3_200))
        .await
        .unwrap();
    store::add_manual_line(db, &hiroshi, y(2024), &hand_line("other year", 1))
        .await
        .unwrap();
    let lines = store::manual_lines(db, &hiroshi, y(2025)).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (lines[0].payee.as_str(), lines[0].paid),
        ("あおば整骨院", Yen(3_200))
    );
    assert!(store::manual_lines(db, &sato, y(2025))
        .await
        .unwrap()
        .is_empty());
    // Another person cannot touch it.
    assert!(!store::delete_manual_line(db, &sato, id).await.unwrap());
    assert!(!store::set_manual_reimbursed(db, &sato, id, Yen(1))
        .await
        .unwrap());
    assert!(store::set_manual_reimbursed(db, &hiroshi, id, Yen(1_000))
        .await
        .unwrap());
    assert!(store::set_manual_included(db, &hiroshi, id, false)
        .await
        .unwrap());
    let line = &store::manual_lines(db, &hiroshi, y(2025)).await.unwrap()[0];
    assert_eq!((line.reimbursed, line.included), (Yen(1_000), false));

    // Notice changes: upserts per column, the others kept.
    let notices = store::notice_lines(db, &hiroshi, today).await.unwrap();
    let first = notices
        .iter()
        .find(|l| l.service_month.year() == 2025)
        .unwrap();
    let key = NoticeKey::of(first, 0);
    store::change_notice_line(db, &hiroshi, &hiroshi, &key, NoticeChange::Excluded(true))
        .await
        .unwrap();
    store::change_notice_line(
        db,
        &hiroshi,
        &hiroshi,
        &key,
        NoticeChange::Reimbursed(Some(Yen(500))),
    )
    .await
    .unwrap();
    store::change_notice_line(
        db,
        &hiroshi,
        &hiroshi,
        &key,
        NoticeChange::MovedTo(Some(y(2026))),
    )
    .await
    .unwrap();
    let adj = store::adjustments(db, &hiroshi).await.unwrap();
    assert_eq!(adj.len(), 1);
    assert_eq!(
        (adj[0].excluded, adj[0].reimbursed, adj[0].moved_to),
        (true, Some(Yen(500)), Some(y(2026)))
    );
    store::change_notice_line(db, &hiroshi, &hiroshi, &key, NoticeChange::Excluded(false))
        .await
        .unwrap();
    store::change_notice_line(db, &hiroshi, &hiroshi, &key, NoticeChange::MovedTo(None))
        .await
        .unwrap();
    let adj = store::adjustments(db, &hiroshi).await.unwrap();
    assert_eq!(
        (adj[0].excluded, adj[0].reimbursed, adj[0].moved_to),
        (false, Some(Yen(500)), None)
    );
    assert!(store::adjustments(db, &sato).await.unwrap().is_empty());

    store::set_total_income(db, &hiroshi, y(2025), Yen(4_000_000))
        .await
        .unwrap();
    store::set_total_income(db, &hiroshi, y(2025), Yen(1_500_000))
        .await
        .unwrap();
    assert_eq!(
        store::total_income(db, &hiroshi, y(2025)).await.unwrap(),
        Some(Yen(1_500_000))
    );
    assert_eq!(store::total_income(db, &sato, y(2025)).await.unwrap(), None);

    // The workbench puts it together: the 補填 shows on the line, in its year.
    let members = etax::members(db, "demo-tanaka-hiroshi", &hiroshi, "田中　宏", true, today)
        .await
        .unwrap();
    assert_eq!(
        members.len(),
        2,
        "the child on the card is in the household"
    );
    let wb = etax::load(db, &hiroshi, members, y(2025), today)
        .await
        .unwrap();
    let line = wb.lines.iter().find(|l| matches!(&l.origin, domain::deduction::LineOrigin::Notice { key: k, .. } if *k == key)).unwrap();
    assert_eq!(line.reimbursed, Yen(500));
    assert!(wb.lines.iter().any(|l| l.person_name == "田中　結衣"));
    assert_eq!(wb.income, Some(Yen(1_500_000)));
}

async fn csv_round_trips_through_the_importer(db: &Db) {
    let today = crate::fixtures::d(2026, 3, 1);
    let bytes = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/mynaportal-a.csv"),
    )
    .unwrap();
    let report = server::service::import::import_bytes(db, None, "a.csv", &bytes, None, "test")
        .await
        .unwrap();
    let server::records::import::ImportOutcome::Imported { people, .. } = report.outcome else {
        panic!("imported")
    };
    let person = &people[0];
    let wb = etax::load(
        db,
        person,
        vec![etax::Member {
            person: person.clone(),
            name: "山田　花子".into(),
            since: None,
        }],
        y(2025),
        today,
    )
    .await
    .unwrap();
    let who = etax::csv_person(db, person).await.unwrap().unwrap();
    let text = wb.csv(&who, today);
    let again =
        mynaportal_csv::parse("again.csv", text.as_bytes(), &ParseOptions::default()).unwrap();
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    let original = mynaportal_csv::parse("a.csv", &bytes, &ParseOptions::default()).unwrap();
    let key = |l: &domain::expenses::ExpenseLine| {
        (
            l.service_month,
            l.institution_name.clone(),
            l.category.label_ja().to_owned(),
            l.days,
            l.total,
            l.insurer_paid,
            l.public_paid,
            l.patient_paid,
            l.claim.claim_id.clone(),
        )
    };
    let mut a: Vec<_> = original.people[0].expenses.iter().map(key).collect();
    let mut b: Vec<_> = again.people[0].expenses.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a.len(), 4);
    assert_eq!(a, b, "the same lines (and the same derived claim ids)");
    assert_eq!(again.people[0].person.name, "山田　花子");
    assert_eq!(again.people[0].person.card, original.people[0].person.card);
    assert_eq!(
        again.people[0].person.birth_date,
        original.people[0].person.birth_date
    );
    assert_eq!(again.insurers, original.insurers);
    // Unticking a line leaves it out of the CSV.
    let excluded = NoticeKey::of(wb.notice_lines_of(person).first().unwrap(), 0);
    store::change_notice_line(db, person, person, &excluded, NoticeChange::Excluded(true))
        .await
        .unwrap();
    let wb = etax::load(
        db,
        person,
        vec![etax::Member {
            person: person.clone(),
            name: String::new(),
            since: None,
        }],
        y(2025),
        today,
    )
    .await
    .unwrap();
    let fewer = mynaportal_csv::parse(
        "b.csv",
        wb.csv(&who, today).as_bytes(),
        &ParseOptions::default(),
    )
    .unwrap();
    assert_eq!(fewer.people[0].expenses.len(), 3);
    assert!(
        fewer.warnings.is_empty(),
        "header totals follow the lines: {:?}",
        fewer.warnings
    );
}

crate::both_backends!(
    workbench_storage_is_scoped_by_person,
    csv_round_trips_through_the_importer,
);

// ── the page and the exports over HTTP ──

fn deduction_flow(backend: Backend) {
    let app = TestApp::builder(backend)
        .demo()
        .today(crate::fixtures::d(2026, 3, 1))
        .spawn();
    let cookie = app.dev_sign_in("demo-tanaka-hiroshi");
    let page = app.get_with("/deduction?year=2025&household=1", &cookie);
    assert_eq!(page.status(), 200);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let html = page.into_string().unwrap();
    assert!(
        html.contains("田中　結衣さん"),
        "the household's lines are on the page"
    );
    assert!(html.contains(r#"data-origin="notice""#));

    let add = app.post_form(
        "/deduction/2025/edit",
        &[
            ("op", "add"),
            ("household", "1"),
            ("for_name", "田中　結衣"),
            ("payee", "あおば整骨院"),
            ("category", "other"),
            ("amount", "3,200"),
            ("reimbursed", ""),
            ("paid_on", "2025-06-01"),
            ("note", ""),
        ],
        Some(&cookie),
    );
    assert_eq!(add.status(), 303);
    assert_eq!(
        add.header("location"),
        Some("/deduction?year=2025&household=1&ok=added")
    );
    let bad = app.post_form(
        "/deduction/2025/edit",
        &[
            ("op", "add"),
            ("for_name", "a"),
            ("payee", "b"),
            ("category", "other"),
            ("amount", "-5"),
        ],
        Some(&cookie),
    );
    assert_eq!(
        bad.header("location"),
        Some("/deduction?year=2025&error=amount")
    );
    let income = app.post_form(
        "/deduction/2025/edit",
        &[("op", "income"), ("income", "1500000")],
        Some(&cookie),
    );
    assert_eq!(
        income.header("location"),
        Some("/deduction?year=2025&ok=saved")
    );
    // Another person's line key cannot be changed through a forged form.
    let forged = app.post_form(
        "/deduction/2025/edit",
        &[
            ("op", "exclude"),
            ("person", "demo-sato"),
            ("key", "2025-01~x~調剤"),
        ],
        Some(&cookie),
    );
    assert_eq!(
        forged.header("location"),
        Some("/deduction?year=2025&error=line")
    );
    // Cross-origin posts are refused by the CSRF check.
    let cross = TestApp::agent()
        .post(&app.url("/deduction/2025/edit"))
        .set("Origin", "http://evil.example")
        .set("Cookie", &cookie)
        .send_form(&[("op", "income"), ("income", "1")]);
    assert!(matches!(cross, Err(ureq::Error::Status(403, _))));

    // Signed out and in again: the hand line and the income are still there.
    let out = app.post_form("/auth/logout", &[], Some(&cookie));
    assert_eq!(out.status(), 303);
    assert_eq!(
        app.get_with("/api/v1/me/deduction/2025.xlsx", &cookie)
            .status(),
        401
    );
    let cookie = app.dev_sign_in("demo-tanaka-hiroshi");
    let html = app
        .get_with("/deduction?year=2025&household=1", &cookie)
        .into_string()
        .unwrap();
    assert!(
        html.contains("あおば整骨院"),
        "hand line kept across sign-out"
    );
    assert!(html.contains(r#"data-origin="manual""#));
    assert!(html.contains(r#"value="1500000""#), "income kept");
    assert!(html.contains(r#"data-testid="comparison""#));

    // The download: attachment, no-store, the form's layout, the same rows as the domain.
    let r = app.get_with("/api/v1/me/deduction/2025.xlsx?household=1", &cookie);
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(
        r.header("content-disposition"),
        Some(r#"attachment; filename="iryouhi_2025.xlsx""#)
    );
    assert_eq!(r.header("content-type"), Some(etax::xlsx::MEDIA_TYPE));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let read = rt.block_on(async {
        let db = Db::connect(app.settings()).await.unwrap();
        let hiroshi = pid("demo-tanaka-hiroshi");
        let today = crate::fixtures::d(2026, 3, 1);
        let members = etax::members(
            &db,
            "demo-tanaka-hiroshi",
            &hiroshi,
            "田中　宏",
            true,
            today,
        )
        .await
        .unwrap();
        let wb = etax::load(&db, &hiroshi, members, y(2025), today)
            .await
            .unwrap();
        let history = server::audit::history(&db, "demo-tanaka-hiroshi", 50)
            .await
            .unwrap();
        db.close().await;
        (expected_rows(&wb), history)
    });
    let (expected, history) = read;
    let got = openpyxl_check(&bytes, Some(&expected));
    let rows = got["rows"].as_array().unwrap();
    assert!(rows.len() > 6, "a year of the family's notices");
    assert!(rows.iter().any(|r| r["person"] == "田中　結衣"
        && r["payee"] == "あおば整骨院"
        && r["paid"] == 3200
        && r["categories"] == serde_json::json!([false, false, false, true])
        && r["paid_on"] == "2025/6/1"));
    assert!(rows.iter().any(|r| r["person"] == "田中　宏"));
    assert!(
        rows.iter()
            .any(|r| r["categories"] == serde_json::json!([false, true, false, false])),
        "調剤 → 医薬品購入"
    );
    // The access log has the view, the changes and the export.
    let actions: Vec<(&str, &str)> = history
        .iter()
        .map(|e| (e.action.as_str(), e.detail.as_str()))
        .collect();
    assert!(
        actions.contains(&(
            "export",
            &*format!("deduction 2025 xlsx ({} lines, household)", rows.len())
        )),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("change", "deduction 2025: add hand line")),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("change", "deduction 2025: set income")),
        "{actions:?}"
    );

    // The CSV: the person's own notice lines, readable by the importer.
    let r = app.get_with("/api/v1/me/deduction/2025.csv", &cookie);
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.header("content-disposition"),
        Some(r#"attachment; filename="iryouhi_2025.csv""#)
    );
    let text = r.into_string().unwrap();
    let batch = mynaportal_csv::parse("dl.csv", text.as_bytes(), &ParseOptions::default()).unwrap();
    assert_eq!(batch.people[0].person.name, "田中　宏");
    assert!(!batch.people[0].expenses.is_empty());

    assert_eq!(
        app.get_with("/api/v1/me/deduction/2025.txt", &cookie)
            .status(),
        404
    );
    assert_eq!(
        app.get_with("/api/v1/me/deduction/20x5.xlsx", &cookie)
            .status(),
        400
    );
}

crate::both_backends!(fn deduction_flow as deduction_page_and_exports_on);

// ── the printable summary (PDF) ──

fn deduction_pdf_flow(backend: Backend) {
    use crate::pdf::{assert_font, assert_pages, read_pdf};
    let today = crate::fixtures::d(2026, 3, 1);
    let app = TestApp::builder(backend).demo().today(today).spawn();
    let cookie = app.dev_sign_in("demo-tanaka-hiroshi");
    let add = app.post_form(
        "/deduction/2025/edit",
        &[
            ("op", "add"),
            ("household", "1"),
            ("for_name", "田中　結衣"),
            ("payee", "あおば整骨院"),
            ("category", "other"),
            ("amount", "3200"),
            ("reimbursed", "200"),
            ("paid_on", "2025-06-01"),
            ("note", ""),
        ],
        Some(&cookie),
    );
    assert_eq!(add.status(), 303);
    // A hospital stay and a qualifying OTC medicine, so both calculators give an amount.
    for (payee, category, amount, otc) in [
        ("さくら総合病院", "treatment", "150000", ""),
        ("ひかりドラッグ", "medicine", "40000", "1"),
    ] {
        let add = app.post_form(
            "/deduction/2025/edit",
            &[
                ("op", "add"),
                ("for_name", "田中　宏"),
                ("payee", payee),
                ("category", category),
                ("amount", amount),
                ("self_medication", otc),
            ],
            Some(&cookie),
        );
        assert_eq!(
            add.header("location"),
            Some("/deduction?year=2025&ok=added")
        );
    }
    let income = app.post_form(
        "/deduction/2025/edit",
        &[("op", "income"), ("income", "1500000")],
        Some(&cookie),
    );
    assert_eq!(income.status(), 303);
    // The page links to it, with the household when the page shows it.
    let html = app
        .get_with("/deduction?year=2025&household=1", &cookie)
        .into_string()
        .unwrap();
    assert!(html.contains(r#"href="/api/v1/me/deduction/2025.pdf?household=1""#));
    assert!(html.contains(r#"data-testid="export-pdf""#));

    let r = app.get_with("/api/v1/me/deduction/2025.pdf?household=1", &cookie);
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(
        r.header("content-disposition"),
        Some(r#"attachment; filename="karte-deduction-2025.pdf""#)
    );
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
    let pdf = read_pdf(&bytes);

    // What the domain says the year holds: the same workbench the page and the xlsx use.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (wb, history) = rt.block_on(async {
        let db = Db::connect(app.settings()).await.unwrap();
        let hiroshi = pid("demo-tanaka-hiroshi");
        let members = etax::members(
            &db,
            "demo-tanaka-hiroshi",
            &hiroshi,
            "田中　宏",
            true,
            today,
        )
        .await
        .unwrap();
        let wb = etax::load(&db, &hiroshi, members, y(2025), today)
            .await
            .unwrap();
        let history = server::audit::history(&db, "demo-tanaka-hiroshi", 50)
            .await
            .unwrap();
        db.close().await;
        (wb, history)
    });
    let yen = |v: i64| format!("{}円", domain::money::group_thousands(v));
    let ticked: Vec<_> = wb.lines.iter().filter(|l| l.included).collect();
    assert!(ticked.len() > 6, "a year of the family's notices");
    for expected in [
        "2025年分",
        "医療費控除の明細書（集計）",
        "田中　宏",
        "対象の年（支払った年）: 2025年",
        "田中　宏さん、田中　結衣さん",
        "医療機関等名称",
        "補填される金額",
        "あおば整骨院",
        "手入力",
        "総所得金額等（円）: 1,500,000円",
        "医療費控除とセルフメディケーション税制は、どちらか一方しか申告できません。",
    ] {
        assert!(pdf.has(expected), "{expected} missing in:\n{}", pdf.text);
    }
    for l in &ticked {
        assert!(pdf.has(&l.payee), "{} missing", l.payee);
    }
    // Totals per person and overall, as the page counts them.
    let totals = |ls: &[&&domain::deduction::DeductionLine]| {
        (
            ls.len(),
            ls.iter().map(|l| l.paid.value()).sum::<i64>(),
            ls.iter()
                .map(|l| l.reimbursed.value().min(l.paid.value()))
                .sum::<i64>(),
        )
    };
    for name in ["田中　宏", "田中　結衣"] {
        let mine: Vec<_> = ticked.iter().filter(|l| l.person_name == name).collect();
        assert!(!mine.is_empty(), "{name} has lines");
        let (n, paid, reimbursed) = totals(&mine);
        let row = format!("{name}さん 計 {n}件 {} {}", yen(paid), yen(reimbursed));
        assert!(pdf.has(&row), "{row} missing in:\n{}", pdf.text);
    }
    let all: Vec<_> = ticked.iter().collect();
    let (n, paid, reimbursed) = totals(&all);
    assert!(
        pdf.has(&format!("合計 {n}件 {} {}", yen(paid), yen(reimbursed))),
        "overall total in:\n{}",
        pdf.text
    );
    // The calculators, as the domain computes them for the income entered.
    let s = wb.summary().unwrap().unwrap();
    assert_eq!(
        s.medical.paid.value(),
        paid,
        "the calculator counts the same lines"
    );
    assert_eq!(s.medical.threshold.value(), 75_000, "5% of 1,500,000");
    assert!(s.medical.amount.value() > 0 && s.self_medication.amount.value() == 28_000);
    for expected in [
        format!("控除額（上限200万円） {}", yen(s.medical.amount.value())),
        format!(
            "控除額（上限8万8千円） {}",
            yen(s.self_medication.amount.value())
        ),
        format!("−{}", yen(s.medical.threshold.value())),
    ] {
        assert!(pdf.has(&expected), "{expected} missing in:\n{}", pdf.text);
    }
    let verdict = match s.comparison.larger {
        domain::deduction::DeductionChoice::Medical => "医療費控除のほうが大きくなります",
        domain::deduction::DeductionChoice::SelfMedication => {
            "セルフメディケーション税制のほうが大きくなります"
        }
        domain::deduction::DeductionChoice::Equal => "どちらも同じ額です",
    };
    assert!(pdf.has(verdict), "{verdict}");
    assert_pages(&pdf, "田中　宏");
    assert_font(&pdf);
    // Audited as an export.
    let exported = format!("deduction 2025 pdf ({} lines, household)", ticked.len());
    assert!(
        history
            .iter()
            .any(|e| e.action == "export" && e.detail == exported),
        "{exported} not in the access log"
    );

    // Without the household: his own notice lines and his hand lines (hand lines belong to
    // his workbench, whoever they are for), not his daughter's notices.
    let r = app.get_with("/api/v1/me/deduction/2025.pdf", &cookie);
    assert_eq!(r.status(), 200);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
    let own = read_pdf(&bytes);
    let own_n = ticked
        .iter()
        .filter(|l| !l.is_notice() || l.person_name == "田中　宏")
        .count();
    assert!(own_n < n, "the household adds lines");
    assert!(own.has(&format!("合計 {own_n}件")), "{}", own.text);
    assert!(!own.has("田中　宏さん、田中　結衣さん"), "{}", own.text);
    assert_eq!(
        app.get_with("/api/v1/me/deduction/20x5.pdf", &cookie)
            .status(),
        400
    );
    // Documented.
    let doc: serde_json::Value = app.get("/api/v1/openapi.json").into_json().unwrap();
    let op = &doc["paths"]["/me/deduction/{year}.pdf"]["get"];
    assert!(op["responses"]["200"]["content"]["application/pdf"].is_object());
}

crate::both_backends!(fn deduction_pdf_flow as deduction_pdf_on);

#[test]
fn a_proxy_without_expenses_gets_not_found() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    assert_eq!(app.get("/api/v1/me/deduction/2025.xlsx").status(), 401);
    assert_eq!(app.get("/api/v1/me/deduction/2025.pdf").status(), 401);
    // 佐藤 lets 鈴木 see his drugs only.
    let sato = app.dev_sign_in("demo-sato");
    let suzuki = app.dev_sign_in("demo-suzuki");
    app.grant(&sato, &suzuki, &["drugs"], "2099-01-01");
    assert_eq!(
        app.get_with("/api/v1/me/deduction/2025.xlsx", &suzuki)
            .status(),
        200,
        "her own"
    );
    let switch = app.view_as(&suzuki, "demo-sato");
    assert_eq!(switch.status(), 303);
    for ext in ["xlsx", "csv", "pdf"] {
        let r = app.get_with(&format!("/api/v1/me/deduction/2025.{ext}"), &suzuki);
        assert_eq!(r.status(), 404, "{ext}");
    }
    let page = app
        .get_with("/deduction?year=2025", &suzuki)
        .into_string()
        .unwrap();
    assert!(!page.contains(r#"data-testid="deduction-lines""#));
    let post = app.post_form(
        "/deduction/2025/edit",
        &[("op", "income"), ("income", "1")],
        Some(&suzuki),
    );
    assert_eq!(
        post.header("location"),
        Some("/deduction"),
        "nothing saved for 佐藤"
    );
}

// ── the CLI ──

#[test]
fn cli_exports_both_formats() {
    let db = TestDb::new(Backend::Sqlite);
    let fixture =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/mynaportal-a.csv");
    let karte = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_karte"))
            .args(args)
            .env_remove("KARTE_DATABASE_URL")
            .env("KARTE_DATA_DIR", &db.settings.data_dir)
            .env("KARTE_TODAY", "2026-03-01")
            .env("KARTE_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let imported = karte(&["import", fixture.to_str().unwrap()]);
    let person = imported
        .split(" for ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    let dir = db.settings.data_dir.clone();
    let csv = dir.join("out.csv");
    let said = karte(&[
        "export",
        "etax",
        "--person",
        &person,
        "--year",
        "2025",
        "--format",
        "csv",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert!(said.contains("deduction 2025 csv (4 lines)"), "{said}");
    let batch = mynaportal_csv::parse(
        "out.csv",
        &std::fs::read(&csv).unwrap(),
        &ParseOptions::default(),
    )
    .unwrap();
    assert_eq!(batch.people[0].expenses.len(), 4);
    let xlsx = dir.join("out.xlsx");
    karte(&[
        "export",
        "etax",
        "--person",
        &person,
        "--year",
        "2025",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    let got = openpyxl_check(&std::fs::read(&xlsx).unwrap(), None);
    let paid: Vec<i64> = got["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["paid"].as_i64().unwrap())
        .collect();
    let mut want = vec![9_702, 828, 3_702, 600];
    let mut sorted = paid.clone();
    sorted.sort();
    want.sort();
    assert_eq!(sorted, want);
    assert_eq!(
        got["total_paid"], 14_832,
        "the header's 窓口相当負担額 total"
    );
    let pdf = dir.join("out.pdf");
    let said = karte(&[
        "export",
        "etax",
        "--person",
        &person,
        "--year",
        "2025",
        "--format",
        "pdf",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(said.contains("deduction 2025 pdf (4 lines)"), "{said}");
    let read = crate::pdf::read_pdf(&std::fs::read(&pdf).unwrap());
    assert!(read.has("医療費控除の明細書（集計）") && read.has("山田　花子"));
    assert!(read.has("合計 4件 14,832円"), "{}", read.text);
    crate::pdf::assert_font(&read);
    let out = Command::new(env!("CARGO_BIN_EXE_karte"))
        .args([
            "export",
            "etax",
            "--person",
            "nobody",
            "--year",
            "2025",
            "-o",
            "/dev/null",
        ])
        .env_remove("KARTE_DATABASE_URL")
        .env("KARTE_DATA_DIR", &db.settings.data_dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--person: no person nobody"));
}
