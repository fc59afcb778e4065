//! Leaving, over real HTTP on both backends: the archive (one zip; its JSON batch imported
//! into an empty database gives the same drug, checkup and expense API answers) and account
//! deletion (re-authentication, the confirmation word, no row of the person left in any
//! health table, sessions gone, a proxy loses access, the audit keeps no values).

use crate::helpers::{block_on, Backend, TestApp, TestDb};
use server::db::Db;

const TODAY: &str = "2026-11-26";

async fn count(db: &Db, sql: &str, person: &str) -> i64 {
    let n: (i64,) = match db {
        Db::Sqlite(p) => sqlx::query_as(sql).bind(person).fetch_one(p).await,
        Db::Postgres(p) => sqlx::query_as(sql).bind(person).fetch_one(p).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    n.0
}

/// Rows naming `person` in every health table (and the checkup results of their checkups).
fn rows_of(app: &TestApp, person: &str) -> Vec<(String, i64)> {
    let person = person.to_owned();
    block_on(async move {
        let db = app.test_db().open().await;
        let mut out = Vec::new();
        for (table, column) in server::records::erase::HEALTH_TABLES {
            let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
            out.push((format!("{table}.{column}"), count(&db, &sql, &person).await));
        }
        let results = count(
            &db,
            "SELECT COUNT(*) FROM checkup_results r JOIN checkups c ON c.id = r.checkup_id WHERE c.person_id = $1",
            &person,
        )
        .await;
        out.push(("checkup_results".into(), results));
        let accounts = count(
            &db,
            "SELECT COUNT(*) FROM accounts WHERE person_id = $1",
            &person,
        )
        .await;
        out.push(("accounts".into(), accounts));
        db.close().await;
        out
    })
}

fn backdate_sessions(app: &TestApp, minutes: i64) {
    block_on(async {
        let db = app.test_db().open().await;
        let at = chrono::Utc::now() - chrono::Duration::minutes(minutes);
        match &db {
            Db::Sqlite(p) => sqlx::query("UPDATE sessions SET created_at = $1")
                .bind(at)
                .execute(p)
                .await
                .map(|_| ()),
            Db::Postgres(p) => sqlx::query("UPDATE sessions SET created_at = $1")
                .bind(at)
                .execute(p)
                .await
                .map(|_| ()),
        }
        .unwrap();
        db.close().await;
    });
}

fn delete_account(backend: Backend) {
    let app = TestApp::builder(backend).demo().today(TODAY).spawn();
    let sato = app.dev_sign_in("demo-sato");
    let takahashi = app.dev_sign_in("demo-takahashi");
    app.grant(
        &sato,
        &takahashi,
        &["drugs", "checkups", "expenses"],
        "2027-12-31",
    );
    assert_eq!(app.view_as(&takahashi, "demo-sato").status(), 303);
    let (status, _, _) = app.api("/api/v1/me/drugs", &takahashi);
    assert_eq!(status, 200, "the proxy sees 佐藤's medicines");
    assert!(rows_of(&app, "demo-sato").iter().any(|(_, n)| *n > 0));
    let account_page = app.page("/account", &sato);
    assert!(account_page.contains("data-testid=\"delete-form\""));
    assert!(account_page.contains("/account/archive.zip"));

    // The wrong word deletes nothing.
    let r = app.post_form("/account/delete", &[("confirm", "はい")], Some(&sato));
    assert_eq!(r.header("location"), Some("/account?error=word"));
    // A sign-in older than five minutes deletes nothing: sign in again first.
    backdate_sessions(&app, 6);
    let r = app.post_form("/account/delete", &[("confirm", "削除")], Some(&sato));
    assert_eq!(r.header("location"), Some("/account?error=reauth_delete"));
    let before = rows_of(&app, "demo-sato");
    assert!(before.iter().any(|(_, n)| *n > 0), "{before:?}");

    // Signed in again: deleted, the cookie dropped.
    let sato = app.dev_sign_in("demo-sato");
    let r = app.post_form("/account/delete", &[("confirm", "削除")], Some(&sato));
    assert_eq!(r.header("location"), Some("/signin?ok=deleted"));
    assert!(r
        .header("set-cookie")
        .is_some_and(|c| c.contains("Max-Age=0") || c.contains("max-age=0")));
    let left: Vec<_> = rows_of(&app, "demo-sato")
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    assert!(left.is_empty(), "rows left: {left:?}");
    // Every session of the account is gone.
    let (status, _, _) = app.api("/api/v1/me/drugs", &sato);
    assert_eq!(status, 401);
    // The proxy lost access: the switcher cannot put 佐藤 on screen any more.
    let (status, body, _) = app.api("/api/v1/me/drugs", &takahashi);
    assert_eq!(status, 200);
    assert_eq!(body["person_id"], "demo-takahashi", "{body}");
    // The audit keeps who, when and what kind — counts, no values.
    let details: Vec<(String,)> = block_on(async {
        let db = app.test_db().open().await;
        let sql = "SELECT detail FROM audit_log WHERE action = 'delete_account' AND subject_person = 'demo-sato'";
        let rows = match &db {
            Db::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await,
            Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await,
        }
        .unwrap();
        db.close().await;
        rows
    });
    assert_eq!(details.len(), 1);
    assert!(details[0].0.contains("drug lines"), "{details:?}");
    assert!(
        !details[0].0.contains("錠"),
        "no medicine names in the audit"
    );
    // Another person's records are untouched.
    assert!(rows_of(&app, "demo-takahashi").iter().any(|(_, n)| *n > 0));
}
crate::both_backends!(fn delete_account as account_deletion_leaves_nothing_on);

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().expect("a name").to_string(), out)
        })
        .collect()
}

fn archive_reimports(backend: Backend) {
    let app = TestApp::builder(backend).demo().today(TODAY).spawn();
    let sato = app.dev_sign_in("demo-sato");
    let got = app.fetch("/account/archive.zip", Some(&sato));
    assert_eq!(got.status, 200);
    assert_eq!(got.content_type.as_deref(), Some("application/zip"));
    let files = unzip(&got.body);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "drugs.pdf",
            "checkups.pdf",
            "expenses.pdf",
            "notices.csv",
            "karte-batch.json"
        ]
    );
    for (name, bytes) in &files[..3] {
        assert!(bytes.starts_with(b"%PDF-"), "{name}");
    }
    let csv = String::from_utf8(files[3].1.clone()).unwrap();
    assert!(csv.lines().count() > 1, "{csv}");
    let json = files[4].1.clone();

    // Into an empty database, as an operator would (`karte import`), then the same answers.
    let fresh = TestDb::new(backend);
    let mut fresh = fresh;
    fresh.settings.today = Some(TODAY.parse().unwrap());
    block_on(async {
        let db = fresh.open().await;
        server::service::import::import_bytes(&db, None, "karte-batch.json", &json, None, "cli")
            .await
            .expect("the archive's batch imports");
        db.close().await;
    });
    let copy = TestApp::spawn_with(fresh, false);
    let sato2 = copy.dev_sign_in("demo-sato");
    for path in [
        "/api/v1/me/drugs",
        "/api/v1/me/checkups",
        "/api/v1/me/expenses",
        "/api/v1/me/drugs?from=2024-01&to=2026-10",
    ] {
        let (s1, a, _) = app.api(path, &sato);
        let (s2, b, _) = copy.api(path, &sato2);
        assert_eq!((s1, s2), (200, 200), "{path}");
        assert_eq!(a, b, "{path} differs after re-import");
    }
    // The download is in the access log.
    let access = app.page("/access", &sato);
    assert!(access.contains("archive"), "{access}");
}
crate::both_backends!(fn archive_reimports as archive_reimports_to_the_same_answers_on);
