//! Bring your own files (`/import`), over real HTTP on both backends: preview stores nothing,
//! store makes one batch whose lines are marked on the page, in the API and in the PDF, the
//! same file twice changes nothing, removal takes every line away again — and the abuses: a
//! file of another person, a proxy without the grant, a huge file, a bad file, removing an
//! insurer's batch or someone else's, a cross-site post.

use crate::helpers::{block_on, repo_path, Backend, TestApp};
use server::db::Db;

const TODAY: &str = "2026-11-26";
const BOUNDARY: &str = "----karteTestBoundary7MA4YWxk";

fn app(backend: Backend) -> TestApp {
    TestApp::builder(backend).demo().today(TODAY).spawn()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo_path(&format!("server/tests/fixtures/import/{name}"))).unwrap()
}

fn multipart(file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads `bytes` as the signed-in `cookie`; the redirect's location.
fn upload(app: &TestApp, cookie: &str, file_name: &str, bytes: &[u8]) -> String {
    let r = TestApp::agent()
        .post(&app.url("/import/preview"))
        .set("Origin", &app.base)
        .set("Cookie", cookie)
        .set(
            "Content-Type",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .send_bytes(&multipart(file_name, bytes));
    let r = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("upload: {e}"),
    };
    assert_eq!(r.status(), 303, "the upload answers with a redirect");
    r.header("location").unwrap_or_default().to_owned()
}

fn token(location: &str) -> String {
    location
        .strip_prefix("/import?preview=")
        .unwrap_or_else(|| panic!("a preview, not {location}"))
        .to_owned()
}

fn store(app: &TestApp, cookie: &str, token: &str) -> String {
    let r = app.post_form("/import/store", &[("token", token)], Some(cookie));
    assert_eq!(r.status(), 303);
    r.header("location").unwrap_or_default().to_owned()
}

fn testid_count(html: &str, id: &str) -> usize {
    html.matches(&format!("data-testid=\"{id}\"")).count()
}

/// (drug lines, expense lines, checkups, batches) of `person` that came from uploads.
fn self_rows(app: &TestApp, person: &str) -> (i64, i64, i64, i64) {
    let person = person.to_owned();
    block_on(async {
        let db = app.test_db().open().await;
        let count = |sql: &'static str| {
            let db = &db;
            let person = person.clone();
            async move {
                let n: (i64,) = match db {
                    Db::Sqlite(p) => sqlx::query_as(sql).bind(&person).fetch_one(p).await,
                    Db::Postgres(p) => sqlx::query_as(sql).bind(&person).fetch_one(p).await,
                }
                .unwrap();
                n.0
            }
        };
        let out = (
            count("SELECT COUNT(*) FROM drug_lines WHERE person_id = $1 AND batch_id LIKE 'self-%'").await,
            count("SELECT COUNT(*) FROM expense_lines WHERE person_id = $1 AND batch_id LIKE 'self-%'").await,
            count("SELECT COUNT(*) FROM checkups WHERE person_id = $1 AND batch_id LIKE 'self-%'").await,
            count("SELECT COUNT(*) FROM import_batches WHERE owner_person = $1").await,
        );
        db.close().await;
        out
    })
}

fn expense_lines(app: &TestApp, cookie: &str) -> Vec<serde_json::Value> {
    let (status, body, _) = app.api("/api/v1/me/expenses?from=2024-12&to=2026-10", cookie);
    assert_eq!(status, 200, "{body}");
    body["lines"].as_array().cloned().unwrap_or_default()
}

fn preview_store_mark_remove(backend: Backend) {
    let app = app(backend);
    let me = app.dev_sign_in("demo-takahashi");
    let before = expense_lines(&app, &me);
    assert!(before
        .iter()
        .all(|l| l["claim"]["imported_by_you"] == false));
    let page = app.page("/import", &me);
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    assert_eq!(testid_count(&page, "import-batches-none"), 1);

    // Step 1: the preview says what would be added, and nothing is stored.
    let csv = fixture("mynaportal-takahashi.csv");
    let tok = token(&upload(&app, &me, "医療費通知情報.csv", &csv));
    let preview = app.page(&format!("/import?preview={tok}"), &me);
    assert_eq!(testid_count(&preview, "import-preview"), 1, "{preview}");
    assert!(preview.contains("data-kind=\"expenses\""), "{preview}");
    assert!(preview.contains("4件"), "four new lines: {preview}");
    assert!(
        preview.contains("2025年1月1日 – 2025年12月31日"),
        "{preview}"
    );
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 0, 0, 0));
    assert_eq!(expense_lines(&app, &me).len(), before.len());

    // Step 2: one batch; the lines are marked on the page, in the API and in the PDF.
    assert_eq!(store(&app, &me, &tok), "/import?ok=stored");
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 4, 0, 1));
    let after = expense_lines(&app, &me);
    assert_eq!(after.len(), before.len() + 4);
    let marked = after
        .iter()
        .filter(|l| l["claim"]["imported_by_you"] == true)
        .count();
    assert_eq!(marked, 4);
    let expenses = app.page("/expenses?from=2025-01&to=2025-12", &me);
    assert_eq!(testid_count(&expenses, "self-imported"), 4, "{expenses}");
    assert!(expenses.contains("ご自身で取り込み"));
    let pdf = app.pdf("/api/v1/me/expenses/pdf?from=2025-01&to=2025-12", &me);
    assert_eq!(pdf.status, 200);
    let page = app.page("/import", &me);
    assert_eq!(testid_count(&page, "import-batch"), 1, "{page}");

    // The same file again: the preview says so, and storing changes nothing.
    let tok = token(&upload(&app, &me, "again.csv", &csv));
    let preview = app.page(&format!("/import?preview={tok}"), &me);
    assert_eq!(testid_count(&preview, "preview-already"), 1, "{preview}");
    assert_eq!(testid_count(&preview, "import-store"), 0);
    assert_eq!(store(&app, &me, &tok), "/import?ok=nothing");
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 4, 0, 1));
    // A used token is gone.
    assert_eq!(store(&app, &me, &tok), "/import?error=expired");

    // Removal: a confirmation step, then every line of the batch is gone.
    let page = app.page("/import", &me);
    let id_at = page.find("data-batch=\"").unwrap() + "data-batch=\"".len();
    let id = &page[id_at..id_at + page[id_at..].find('"').unwrap()];
    let confirm = app.page(&format!("/import?remove={id}"), &me);
    assert_eq!(testid_count(&confirm, "import-remove"), 1, "{confirm}");
    let r = app.post_form(&format!("/import/batches/{id}/remove"), &[], Some(&me));
    assert_eq!(r.header("location"), Some("/import?ok=removed"));
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 0, 0, 0));
    assert_eq!(expense_lines(&app, &me), before);
    let expenses = app.page("/expenses?from=2025-01&to=2025-12", &me);
    assert_eq!(testid_count(&expenses, "self-imported"), 0);
    // The access log has the import and the removal, without any health value.
    let access = app.page("/access", &me);
    assert!(access.contains("uploaded by the person"), "{access}");
    assert!(access.contains("removed imported batch"), "{access}");
    assert!(
        !access.contains("みどり内科"),
        "no health values in the log"
    );
}
crate::both_backends!(fn preview_store_mark_remove as import_preview_store_mark_and_remove_on);

fn refuses_other_people_and_bad_files(backend: Backend) {
    let app = app(backend);
    let me = app.dev_sign_in("demo-takahashi");
    let problem = |loc: &str| {
        let page = app.page(loc, &me);
        assert_eq!(testid_count(&page, "import-problem"), 1, "{page}");
        assert_eq!(testid_count(&page, "import-store"), 0);
        page
    };
    // Another person's CSV (another birth date).
    let loc = upload(&app, &me, "a.csv", &fixture("mynaportal-a.csv"));
    let page = problem(&loc);
    assert!(page.contains("別の人"), "{page}");
    // Even a forged store of that token stores nothing.
    assert_eq!(store(&app, &me, &token(&loc)), "/import");
    // A Karte JSON batch naming another person's id.
    let mut json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo_path("docs/examples/batch-example.json")).unwrap(),
    )
    .unwrap();
    let people = json["people"].as_array_mut().unwrap();
    people.truncate(1);
    people[0]["person"]["id"] = "demo-sato".into();
    let loc = upload(&app, &me, "b.json", &serde_json::to_vec(&json).unwrap());
    assert!(problem(&loc).contains("別の人"));
    // A bad file: the parser's words (line and field), nothing stored.
    let loc = upload(&app, &me, "bad.csv", &fixture("bad-mynaportal-amount.csv"));
    let page = problem(&loc);
    assert_eq!(testid_count(&page, "import-problem-detail"), 1, "{page}");
    // Not a format at all.
    let loc = upload(&app, &me, "notes.txt", b"hello");
    assert!(problem(&loc).contains("いずれでもありません"));
    // An insurer's UKE receipt file is not a person's file.
    let loc = upload(&app, &me, "uke.txt", &fixture("uke-ika.txt"));
    problem(&loc);
    // A huge file: refused without storing anything.
    let huge = vec![b'a'; server::service::import::MAX_IMPORT_BYTES + 100 * 1024];
    let loc = upload(&app, &me, "huge.csv", &huge);
    assert!(problem(&loc).contains("大きすぎます"));
    // A post without a file.
    let r = app.post_form("/import/preview", &[("x", "y")], Some(&me));
    assert_eq!(r.header("location"), Some("/import?error=nofile"));
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 0, 0, 0));
    // A cross-site upload is refused before anything is read.
    let r = TestApp::agent()
        .post(&app.url("/import/preview"))
        .set("Origin", "https://evil.example")
        .set("Cookie", &me)
        .set(
            "Content-Type",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .send_bytes(&multipart("t.csv", &fixture("mynaportal-takahashi.csv")));
    assert_eq!(crate::helpers::status_of(r, "cross-site").unwrap(), 403);
    // Signed out: to the sign-in page, nothing read.
    let r = TestApp::agent()
        .post(&app.url("/import/preview"))
        .set("Origin", &app.base)
        .send_bytes(b"x");
    let r = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(r.header("location"), Some("/signin"));
    // Another account cannot use someone's preview token.
    let loc = upload(&app, &me, "t.csv", &fixture("mynaportal-takahashi.csv"));
    let other = app.dev_sign_in("demo-sato");
    assert_eq!(store(&app, &other, &token(&loc)), "/import?error=expired");
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 0, 0, 0));
    assert_eq!(self_rows(&app, "demo-sato"), (0, 0, 0, 0));
}
crate::both_backends!(fn refuses_other_people_and_bad_files as import_refuses_other_people_and_bad_files_on);

fn proxies_and_removal_rights(backend: Backend) {
    let app = app(backend);
    let takahashi = app.dev_sign_in("demo-takahashi");
    let sato = app.dev_sign_in("demo-sato");
    // 佐藤 lets 高橋 see medicines only: a 医療費通知 file for him is refused.
    app.grant(&takahashi, &sato, &["drugs"], "2027-12-31");
    assert_eq!(app.view_as(&sato, "demo-takahashi").status(), 303);
    let csv = fixture("mynaportal-takahashi.csv");
    let loc = upload(&app, &sato, "t.csv", &csv);
    let page = app.page(&loc, &sato);
    assert!(page.contains("許可がありません"), "{page}");
    assert_eq!(store(&app, &sato, &token(&loc)), "/import");
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 0, 0, 0));
    // With the expenses grant it is stored, for 高橋, marked as brought in.
    app.grant(&takahashi, &sato, &["expenses"], "2027-12-31");
    let loc = upload(&app, &sato, "t.csv", &csv);
    assert_eq!(store(&app, &sato, &token(&loc)), "/import?ok=stored");
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 4, 0, 1));
    assert_eq!(self_rows(&app, "demo-sato"), (0, 0, 0, 0));
    let batch = {
        let page = app.page("/import", &takahashi);
        let at = page.find("data-batch=\"").unwrap() + "data-batch=\"".len();
        page[at..at + page[at..].find('"').unwrap()].to_owned()
    };
    // 佐藤 on his own screen cannot remove 高橋's batch; nor can anyone remove an insurer's.
    assert_eq!(app.view_as(&sato, "demo-sato").status(), 303);
    let r = app.post_form(&format!("/import/batches/{batch}/remove"), &[], Some(&sato));
    assert_eq!(r.header("location"), Some("/import"));
    let r = app.post_form("/import/batches/demo-2026-11/remove", &[], Some(&takahashi));
    assert_eq!(r.header("location"), Some("/import"));
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 4, 0, 1));
    let insurer_lines: (i64,) = block_on(async {
        let db = app.test_db().open().await;
        let sql = "SELECT COUNT(*) FROM expense_lines WHERE batch_id = 'demo-2026-11'";
        let n = match &db {
            Db::Sqlite(p) => sqlx::query_as(sql).fetch_one(p).await,
            Db::Postgres(p) => sqlx::query_as(sql).fetch_one(p).await,
        }
        .unwrap();
        db.close().await;
        n
    });
    assert!(insurer_lines.0 > 0, "the insurer's batch is untouched");
    // 高橋 removes what was brought in for him.
    let r = app.post_form(
        &format!("/import/batches/{batch}/remove"),
        &[],
        Some(&takahashi),
    );
    assert_eq!(r.header("location"), Some("/import?ok=removed"));
    assert_eq!(self_rows(&app, "demo-takahashi"), (0, 0, 0, 0));
}
crate::both_backends!(fn proxies_and_removal_rights as import_by_proxy_and_removal_rights_on);

/// An insurer's feed may not use the claim ids reserved for a person's own uploads.
#[test]
fn insurer_batches_may_not_use_reserved_claim_ids() {
    let text = std::fs::read_to_string(repo_path("docs/examples/batch-example.json")).unwrap();
    let at = text.find("\"claim_id\": \"").expect("a claim id") + "\"claim_id\": \"".len();
    let forged = format!("{}self-{}", &text[..at], &text[at..]);
    let batch = server::service::import::parse_bytes(None, "x.json", forged.as_bytes(), None)
        .expect("parses");
    assert!(batch.people.iter().any(|p| p
        .drugs
        .iter()
        .map(|d| &d.claim)
        .chain(p.expenses.iter().map(|e| &e.claim))
        .any(|c| c.self_imported())));
    let db_result = block_on(async {
        let tdb = crate::helpers::TestDb::new(Backend::Sqlite);
        let db = tdb.open().await;
        let by = server::service::import::Importer {
            source: "cli",
            client: "cli",
            request_id: None,
        };
        let r = server::service::import::store_and_audit(&db, batch, "x.json", by).await;
        db.close().await;
        r
    });
    let err = db_result.expect_err("refused");
    assert!(err.to_string().contains("reserved"), "{err}");
}

/// The birth date stored for `person`, as hc08 writes it (YYYYMMDD).
fn birth_yyyymmdd(app: &TestApp, person: &str) -> String {
    let person = person.to_owned();
    block_on(async {
        let db = app.test_db().open().await;
        let sql = "SELECT birth_date FROM people WHERE id = $1";
        let (d,): (chrono::NaiveDate,) = match &db {
            Db::Sqlite(p) => sqlx::query_as(sql).bind(&person).fetch_one(p).await,
            Db::Postgres(p) => sqlx::query_as(sql).bind(&person).fetch_one(p).await,
        }
        .unwrap();
        db.close().await;
        d.format("%Y%m%d").to_string()
    })
}

fn checkup_columns(app: &TestApp, cookie: &str) -> Vec<serde_json::Value> {
    let (status, body, _) = app.api("/api/v1/me/checkups", cookie);
    assert_eq!(status, 200, "{body}");
    body["checkups"].as_array().cloned().unwrap_or_default()
}

/// A checkup brought in as hc08 CDA is marked 「ご自身で取り込み」 on the page, in the PDF and
/// in the API (`imported_by_you`); the insurer's checkups are not; removal takes it away.
fn own_checkup_marked(backend: Backend) {
    let app = app(backend);
    let me = app.dev_sign_in("demo-sato");
    let before = checkup_columns(&app, &me);
    assert!(!before.is_empty(), "佐藤 has insurer checkups");
    assert!(before.iter().all(|c| c["imported_by_you"] == false));
    let page = app.page("/checkups", &me);
    assert_eq!(testid_count(&page, "self-imported"), 0);

    // The sample file, made 佐藤's (birth date) and dated after his last checkup.
    let xml = String::from_utf8(fixture("hc08-tokutei.xml"))
        .unwrap()
        .replace("19680715", &birth_yyyymmdd(&app, "demo-sato"))
        .replace(
            "<effectiveTime value=\"20241003\"/>",
            "<effectiveTime value=\"20261003\"/>",
        );
    let tok = token(&upload(&app, &me, "h-own.xml", xml.as_bytes()));
    let preview = app.page(&format!("/import?preview={tok}"), &me);
    assert!(preview.contains("data-kind=\"checkups\""), "{preview}");
    assert_eq!(store(&app, &me, &tok), "/import?ok=stored");
    assert_eq!(self_rows(&app, "demo-sato"), (0, 0, 1, 1));

    let after = checkup_columns(&app, &me);
    let own: Vec<_> = after
        .iter()
        .filter(|c| c["imported_by_you"] == true)
        .collect();
    assert_eq!(own.len(), 1, "{after:?}");
    assert_eq!(own[0]["performed_on"], "2026-10-03");
    assert_eq!(own[0]["institution_name"], "サンプル健診クリニック");
    let page = app.page("/checkups", &me);
    // Once in the desktop table's column head, once on the phone layout's card.
    assert_eq!(testid_count(&page, "self-imported"), 2, "{page}");
    assert!(page.contains("ご自身で取り込み"));
    let pdf = app.pdf("/api/v1/me/checkups/pdf", &me);
    assert_eq!(pdf.status, 200);
    let read = crate::pdf::read_pdf(&pdf.body);
    assert!(
        read.has("サンプル健診クリニック（ご自身で取り込み）"),
        "{}",
        read.text
    );
    let en = app.pdf("/api/v1/me/checkups/pdf", &format!("{me}; karte_lang=en"));
    let read_en = crate::pdf::read_pdf(&en.body);
    assert!(read_en.has("Imported by you"), "{}", read_en.text);

    // Removed again: no mark, the insurer's checkups as before.
    let page = app.page("/import", &me);
    let id_at = page.find("data-batch=\"").unwrap() + "data-batch=\"".len();
    let id = &page[id_at..id_at + page[id_at..].find('"').unwrap()];
    let r = app.post_form(&format!("/import/batches/{id}/remove"), &[], Some(&me));
    assert_eq!(r.header("location"), Some("/import?ok=removed"));
    assert_eq!(self_rows(&app, "demo-sato"), (0, 0, 0, 0));
    assert_eq!(checkup_columns(&app, &me), before);
}
crate::both_backends!(fn own_checkup_marked as import_checkup_is_marked_and_removed_on);
