//! The 医療費集計フォーム's 995-row limit: 995 rows fill the form exactly; more ticked lines
//! are grouped per (医療を受けた人, 病院・薬局などの名称, 区分) and summed, as the form's sheet 2
//! allows (issue 16) — the xlsx, read back by openpyxl, has the grouped rows and the same
//! totals; only groups that still do not fit are an error, which the page and the API say.

use crate::etax::{expected_rows, hand_line, openpyxl_check, pid, y};
use crate::helpers::{Backend, TestApp, TestDb};
use domain::deduction::form::MAX_ROWS;
use domain::deduction::FormCategory;
use domain::money::Yen;
use server::db::Db;
use server::deduction as etax;
use server::records::deduction as store;

/// 佐藤's 2023 workbench after adding `n` hand lines, the i-th paid to `payee(i)`.
async fn sato_2023_with(db: &Db, n: i64, payee: impl Fn(i64) -> String) -> etax::Workbench {
    let today = crate::fixtures::d(2026, 3, 1);
    server::demo::load(db, today).await.unwrap();
    let sato = pid("demo-sato");
    for i in 0..n {
        store::add_manual_line(db, &sato, y(2023), &hand_line(&payee(i), 100 + i))
            .await
            .unwrap();
    }
    let members = vec![etax::Member {
        person: sato.clone(),
        name: "佐藤　健一".into(),
        since: None,
    }];
    etax::load(db, &sato, members, y(2023), today)
        .await
        .unwrap()
}

async fn over_995_lines_are_grouped_with_equal_totals(db: &Db) {
    let wb = sato_2023_with(db, 1_200, |i| format!("薬局{}", i % 40)).await;
    let ticked: Vec<_> = wb.lines.iter().filter(|l| l.included).collect();
    assert!(ticked.len() > 1_200, "{} ticked lines", ticked.len());
    let form = wb.form_rows().unwrap();
    assert!(form.grouped);
    assert!(form.rows.len() <= MAX_ROWS && form.rows.len() >= 40);
    let paid: i64 = ticked.iter().map(|l| l.paid.value()).sum();
    let reimbursed: i64 = ticked
        .iter()
        .map(|l| l.reimbursed.min(l.paid).value())
        .sum();
    let xlsx = wb.xlsx().unwrap();
    let got = openpyxl_check(&xlsx, Some(&expected_rows(&wb)));
    assert_eq!(got["rows"].as_array().unwrap().len(), form.rows.len());
    assert_eq!(got["total_paid"].as_i64(), Some(paid));
    assert_eq!(got["total_reimbursed"].as_i64(), Some(reimbursed));
    // One row per pharmacy for the hand lines: the 30 lines of 薬局0, summed.
    let pharmacy0: i64 = (0..1_200).filter(|i| i % 40 == 0).map(|i| 100 + i).sum();
    assert!(got["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["payee"] == "薬局0" && r["paid"].as_i64() == Some(pharmacy0)));
}

async fn groups_that_still_do_not_fit_are_an_error(db: &Db) {
    let wb = sato_2023_with(db, 996, |i| format!("薬局{i}")).await;
    let ticked = wb.lines.iter().filter(|l| l.included).count();
    assert!(ticked > 995, "996 hand lines and 佐藤's notices of 2023");
    let e = wb.xlsx().unwrap_err();
    assert!(
        e.to_string()
            .contains(&format!("{ticked} lines do not fit")),
        "{e}"
    );
    assert!(e.to_string().contains("even grouped"), "{e}");
    assert!(e.to_string().contains("one file per person"), "{e}");
}

crate::both_backends!(
    over_995_lines_are_grouped_with_equal_totals,
    groups_that_still_do_not_fit_are_an_error,
);

/// A server on SQLite with the demo and `n` hand lines of 佐藤 for 2025, the i-th paid to
/// `payee(i)`; signed in as 佐藤.
fn app_with_2025_hand_lines(n: usize, payee: impl Fn(usize) -> String) -> (TestApp, String) {
    let mut tdb = TestDb::new(Backend::Sqlite);
    tdb.settings.today = Some(crate::fixtures::d(2026, 3, 1));
    let settings = tdb.settings.clone();
    let app = TestApp::spawn_with(tdb, true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = Db::connect(&settings).await.unwrap();
        for i in 0..n {
            store::add_manual_line(&db, &pid("demo-sato"), y(2025), &hand_line(&payee(i), 100))
                .await
                .unwrap();
        }
        db.close().await;
    });
    let cookie = app.dev_sign_in("demo-sato");
    (app, cookie)
}

/// Over the HTTP edge: a grouped form is said on the page and downloads.
#[test]
fn the_page_says_when_lines_are_grouped() {
    let (app, cookie) = app_with_2025_hand_lines(1_000, |i| format!("薬局{}", i % 10));
    let html = app
        .get_with("/deduction?year=2025", &cookie)
        .into_string()
        .unwrap();
    assert!(html.contains(r#"data-testid="form-grouped""#));
    assert!(!html.contains(r#"data-testid="form-error""#));
    assert!(html.contains(r#"data-testid="export-xlsx""#));
    let r = app.get_with("/api/v1/me/deduction/2025.xlsx", &cookie);
    assert_eq!(r.status(), 200);
    let small = app
        .get_with("/deduction?year=2024", &cookie)
        .into_string()
        .unwrap();
    assert!(!small.contains(r#"data-testid="form-grouped""#));
}

#[test]
fn the_page_and_the_api_say_when_the_form_is_full() {
    let (app, cookie) = app_with_2025_hand_lines(996, |i| format!("薬局{i}"));
    let html = app
        .get_with("/deduction?year=2025", &cookie)
        .into_string()
        .unwrap();
    assert!(html.contains(r#"data-testid="form-error""#));
    assert!(html.contains("995行まで"));
    assert!(
        !html.contains(r#"data-testid="export-xlsx""#),
        "no download link for a file that cannot be made"
    );
    let r = app.get_with("/api/v1/me/deduction/2025.xlsx", &cookie);
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.into_json().unwrap();
    assert_eq!(body["error"]["code"], "form_limit");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("export each person separately"));
    // The CSV has no row limit.
    assert_eq!(
        app.get_with("/api/v1/me/deduction/2025.csv", &cookie)
            .status(),
        200
    );
}

/// Not a timing assertion (see bench/README.md and `cargo bench --bench etax` for release
/// numbers): prints how long the debug build takes for a full form, and checks the full form.
#[test]
fn a_full_form_of_995_rows() {
    use domain::deduction::form::form_rows;
    use domain::deduction::{DeductionLine, LineOrigin};
    let lines: Vec<DeductionLine> = (0..MAX_ROWS)
        .map(|i| DeductionLine {
            origin: LineOrigin::Manual { id: i as i64 },
            person: None,
            person_name: "田中　宏".into(),
            payee: format!("みどり内科クリニック{i}"),
            category: FormCategory::ALL[i % 4],
            paid: Yen(1_000 + i as i64),
            reimbursed: Yen(i as i64 % 3),
            paid_on: None,
            self_medication: false,
            included: true,
            note: String::new(),
        })
        .collect();
    let start = std::time::Instant::now();
    let rows = form_rows(&lines).unwrap();
    let bytes = etax::xlsx::workbook(&rows.rows).unwrap();
    eprintln!(
        "995-row 医療費集計フォーム (debug build): {:?}, {} bytes",
        start.elapsed(),
        bytes.len()
    );
    let got = openpyxl_check(&bytes, None);
    assert_eq!(got["rows"].as_array().unwrap().len(), MAX_ROWS);
    assert_eq!(got["rows"][994]["row"], 1003);
    let total: i64 = (0..MAX_ROWS as i64).map(|i| 1_000 + i).sum();
    assert_eq!(got["total_paid"], total);
}
