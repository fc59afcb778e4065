//! The 医療費集計フォーム's 995-row limit (issue 16): more ticked lines than that are grouped
//! per (医療を受けた人, 病院・薬局などの名称, 区分) and summed, as the form's sheet 2 allows; the
//! xlsx, read back by openpyxl, has the grouped rows and the same totals. Only groups that still
//! do not fit are an error. Both backends.

use crate::etax::{expected_rows, hand_line, openpyxl_check, pid, y};
use domain::deduction::form::MAX_ROWS;
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
