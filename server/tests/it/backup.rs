//! Backup and restore drill: `pg_dump` of a live database, restored into a fresh one, gives
//! the same records, the same audit log, and the same pages — sessions included, so a
//! signed-in person's page renders identically (but for its CSP nonce) from the restored copy.

use crate::helpers::{block_on, Backend, TestApp, TestDb};
use server::db::Db;
use server::records::{checkups, lines, people};
use std::process::Command;

/// Everything a person's pages and exports are made from, as comparable text.
async fn snapshot(db: &Db) -> String {
    let mut out = String::new();
    let window = domain::period::MonthRange::parse("2020-01", "2030-12").unwrap();
    for p in people::list_people(db).await.unwrap() {
        out.push_str(&format!("{p:?}\n"));
        out.push_str(&format!(
            "{:?}\n",
            lines::all_drug_lines(db, &p.id).await.unwrap()
        ));
        out.push_str(&format!(
            "{:?}\n",
            lines::visible_expense_lines(
                db,
                &p.id,
                window,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
            )
            .await
            .unwrap()
        ));
        out.push_str(&format!(
            "{:?}\n",
            checkups::checkups_for(db, &p.id).await.unwrap()
        ));
        out.push_str(&format!(
            "{:?}\n",
            server::audit::history(db, p.id.as_str(), 1000)
                .await
                .unwrap()
        ));
    }
    out
}

/// A page with its per-response nonce (in the CSP, script tags and preload links) blanked.
fn page_without_nonce(app: &TestApp, path: &str, cookie: &str) -> String {
    let r = app.get_with(path, cookie);
    let csp = r.header("content-security-policy").unwrap().to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap()
        .to_owned();
    let page = r.into_string().unwrap().replace(&nonce, "NONCE");
    // Every request moves the session's idle deadline (to the second); that is not data.
    match page.split_once("idle_deadline&quot;:") {
        Some((head, tail)) => {
            let rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
            format!("{head}idle_deadline&quot;:DEADLINE{rest}")
        }
        None => page,
    }
}

#[test]
fn pg_dump_and_restore_give_the_same_records_and_pages() {
    let original = TestApp::spawn(Backend::Postgres, true);
    let cookie = original.dev_sign_in("demo-sato");
    let suzuki = original.dev_sign_in("demo-suzuki");
    original.grant(&cookie, &suzuki, &["drugs"], "2099-12-31");
    let page_before = page_without_nonce(&original, "/proxies", &cookie);
    let source_url = original.database_url().expect("postgres");

    let restored = TestDb::empty(Backend::Postgres);
    let target_url = restored.settings.database_url.clone().unwrap();
    let dump = std::env::temp_dir().join(format!(
        "karte-dump-{}.pgdump",
        crate::helpers::random_suffix()
    ));
    let status = Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "-f"])
        .arg(&dump)
        .arg(&source_url)
        .status()
        .expect("pg_dump runs");
    assert!(status.success(), "pg_dump failed");
    let status = Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "-d", target_url.expose()])
        .arg(&dump)
        .status()
        .expect("pg_restore runs");
    assert!(status.success(), "pg_restore failed");
    let _ = std::fs::remove_file(&dump);

    let (a, b) = block_on(async {
        let mut s = original.settings().clone();
        s.database_url = Some(source_url.parse().unwrap());
        let a = Db::connect(&s).await.unwrap();
        let b = Db::connect(&restored.settings).await.unwrap();
        let snap = (snapshot(&a).await, snapshot(&b).await);
        a.close().await;
        b.close().await;
        snap
    });
    assert!(a.len() > 10_000, "the demo data is there");
    assert_eq!(
        a, b,
        "the restored database holds the same records and audit log"
    );

    // The restored copy serves the same page to the same session.
    let copy = TestApp::spawn_with(restored, false);
    let page_after = page_without_nonce(&copy, "/proxies", &cookie);
    assert!(page_after.contains("data-grantee=\"demo-suzuki\""));
    assert_eq!(page_before, page_after);
}
