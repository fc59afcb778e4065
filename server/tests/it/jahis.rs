//! A pharmacy's お薬手帳 (JAHIS) text brought in by the person, over real HTTP on both
//! backends: pasted on the drugs page, checked, stored; the lines are marked
//! 「お薬手帳（薬局発行）」 at once; the same text twice changes nothing; when the insurer's claim
//! for that pharmacy and month arrives, the hand-brought lines retire (never shown twice) —
//! and the abuses of `/import` apply: another person's text, a malformed one, a huge one, a
//! proxy without the drugs grant, a cross-site post.

use crate::helpers::{block_on, repo_path, Backend, TestApp};
use server::db::Db;

const TODAY: &str = "2026-11-26";

fn app(backend: Backend) -> TestApp {
    TestApp::builder(backend).demo().today(TODAY).spawn()
}

/// The spec-table fixture, made out for `birth` (YYYYMMDD), dispensed 2026-10-05 (さくら薬局)
/// and 2026-10-20 (ひまわり薬局).
fn notebook_for(birth: &str) -> String {
    let text =
        std::fs::read_to_string(repo_path("domain/src/jahis/fixtures/two-pharmacies.txt")).unwrap();
    text.replace("S330303", birth)
        .replace("5,R070410,1", "5,20261005,1")
        .replace("5,20250422,1", "5,20261020,1")
}

fn birth_of(app: &TestApp, person: &str) -> String {
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

fn notebook_rows(app: &TestApp, person: &str) -> i64 {
    let person = person.to_owned();
    block_on(async {
        let db = app.test_db().open().await;
        let sql =
            "SELECT COUNT(*) FROM drug_lines WHERE person_id = $1 AND claim_id LIKE 'self-jahis-%'";
        let (n,): (i64,) = match &db {
            Db::Sqlite(p) => sqlx::query_as(sql).bind(&person).fetch_one(p).await,
            Db::Postgres(p) => sqlx::query_as(sql).bind(&person).fetch_one(p).await,
        }
        .unwrap();
        db.close().await;
        n
    })
}

/// Pastes `text` as `cookie`; the redirect's location.
fn paste(app: &TestApp, cookie: &str, text: &str) -> String {
    let r = app.post_form("/import/preview-text", &[("text", text)], Some(cookie));
    assert_eq!(r.status(), 303, "the paste answers with a redirect");
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

/// Every QR code on a printed page, read by ZBar (`zbarimg`, Debian zbar-tools, the decoder
/// many phone apps use) and joined as お薬手帳 readers join split codes. (Karte's own decoder,
/// crates.io `rqrr`, pairs finder patterns across neighbouring codes on a page of twenty; it is
/// meant for a photo of one pharmacy's codes.)
fn scan_with_zbar(png: &[u8]) -> String {
    let file =
        std::env::temp_dir().join(format!("karte-qr-{}.png", crate::helpers::random_suffix()));
    std::fs::write(&file, png).unwrap();
    let out = std::process::Command::new("zbarimg")
        .args(["-q", "--raw", "-Sbinary"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("zbarimg (zbar-tools) must be installed: {e}"));
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success(), "zbarimg found no code: {out:?}");
    // Each code's bytes, then a newline of zbarimg's; every part starts with its JAHIS header.
    let raw = out.stdout;
    let starts: Vec<usize> = (0..raw.len())
        .filter(|&i| raw[i..].starts_with(b"JAHISTC"))
        .chain(std::iter::once(raw.len()))
        .collect();
    let parts: Vec<String> = starts
        .windows(2)
        .map(|w| {
            let code = &raw[w[0]..w[1]];
            domain::jahis::decode(code.strip_suffix(b"\n").unwrap_or(code)).unwrap()
        })
        .collect();
    domain::jahis::join_parts(&parts).unwrap_or_else(|e| panic!("{} codes: {e:?}", parts.len()))
}

fn count(html: &str, id: &str) -> usize {
    html.matches(&format!("data-testid=\"{id}\"")).count()
}

fn rows(html: &str) -> usize {
    html.matches("<tr data-filter-row").count()
}

/// The insurer's claim for さくら薬局 (1341234567), October 2026, accepted 2026-11-10: the same
/// drugs as the notebook's first dispensing, under the insurer's claim id.
fn insurer_claim_arrives(app: &TestApp, person: &str, notebook: &str) {
    use domain::claim::ClaimId;
    use domain::period::YearMonth;
    let mut batch = server::service::import::parse_bytes(
        Some(server::import::ImportFormat::Jahis),
        "claim.txt",
        notebook.as_bytes(),
        None,
    )
    .unwrap();
    batch.batch_id = server::import::BatchId::parse("insurer-2026-11-claims").unwrap();
    batch.format = server::import::ImportFormat::Json;
    let records = &mut batch.people[0];
    records.person.id = Some(domain::people::PersonId::parse(person).unwrap());
    records
        .drugs
        .retain(|d| d.claim.institution.as_str() == "1341234567");
    let accepted = chrono::NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
    for d in &mut records.drugs {
        d.claim.claim_id = ClaimId::parse("rcpt-2026-10-sakura").unwrap();
        d.claim.accepted_on = accepted;
        d.claim.sequence = 1;
        d.visible_from =
            domain::visibility::drug_visible_from(YearMonth::of(d.dispensed_on), Some(accepted));
    }
    records.assign_person(&domain::people::PersonId::parse(person).unwrap());
    let stored = block_on(async {
        let db = app.test_db().open().await;
        let by = server::service::import::Importer {
            source: "cli",
            client: "cli",
            request_id: None,
        };
        let r = server::service::import::store_and_audit(&db, batch, "claim.json", by).await;
        db.close().await;
        r
    });
    stored.expect("the insurer's claim is stored");
}

fn paste_store_mark_retire(backend: Backend) {
    let app = app(backend);
    let me = app.dev_sign_in("demo-takahashi");
    let drugs_url = "/drugs?from=2026-10&to=2026-10";
    let page = app.page(drugs_url, &me);
    assert_eq!(
        count(&page, "notebook-form"),
        1,
        "the drugs page offers the paste form"
    );
    let before = rows(&page);
    let text = notebook_for(&birth_of(&app, "demo-takahashi"));

    // Step 1: checked, nothing stored.
    let tok = token(&paste(&app, &me, &text));
    let preview = app.page(&format!("/import?preview={tok}"), &me);
    assert_eq!(count(&preview, "import-preview"), 1, "{preview}");
    assert!(preview.contains("data-kind=\"drugs\""), "{preview}");
    assert!(preview.contains("JAHIS お薬手帳"), "{preview}");
    assert_eq!(notebook_rows(&app, "demo-takahashi"), 0);

    // Step 2: stored, and shown at once (no publication wait), marked.
    assert_eq!(store(&app, &me, &tok), "/import?ok=stored");
    assert_eq!(notebook_rows(&app, "demo-takahashi"), 5);
    let page = app.page(drugs_url, &me);
    assert_eq!(count(&page, "pharmacy-notebook"), 5, "{page}");
    assert!(page.contains("お薬手帳（薬局発行）"));
    assert!(page.contains("オキシコドン徐放錠５ｍｇ"));
    assert!(
        page.contains("ｱﾑﾛｼﾞﾋﾟﾝ錠５ｍｇ「ｻﾜｲ」"),
        "half-width kana kept"
    );
    let (status, api, _) = app.api("/api/v1/me/drugs?from=2026-10&to=2026-10", &me);
    assert_eq!(status, 200);
    let marked = api["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["claim"]["imported_by_you"] == true)
        .count();
    assert_eq!(marked, 5, "{api}");
    let pdf = app.pdf("/api/v1/me/drugs/pdf?from=2026-10&to=2026-10", &me);
    assert_eq!(pdf.status, 200);
    let read = crate::pdf::read_pdf(&pdf.body);
    assert!(read.has("お薬手帳（薬局発行）"), "{}", read.text);
    // The period's lines as お薬手帳 QR codes after the tables (one image mask per code).
    assert!(
        read.has("お薬手帳QRコード（JAHIS形式、この期間）"),
        "{}",
        read.text
    );
    // The codes as printed (poppler at 150 dpi) and read by another decoder than Karte's: the
    // same lines as the page shows.
    let from_paper = scan_with_zbar(&read.page_png(read.pages, 150));

    // Out → in: the period's JAHIS file reads back to the same lines.
    let file = TestApp::agent()
        .get(&app.url("/api/v1/me/drugs/jahis?from=2026-10&to=2026-10"))
        .set("Cookie", &me)
        .call()
        .unwrap();
    assert_eq!(file.header("cache-control"), Some("no-store"));
    assert!(file
        .header("content-disposition")
        .unwrap_or_default()
        .contains("okusuri-techo-"));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file.into_reader(), &mut bytes).unwrap();
    let back = server::service::import::parse_bytes(None, "out.txt", &bytes, None).unwrap();
    let mut names: Vec<_> = back.people[0]
        .drugs
        .iter()
        .map(|d| d.display_name())
        .collect();
    let mut shown: Vec<_> = api["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            serde_json::from_value::<domain::drugs::DrugLine>(l.clone())
                .unwrap()
                .display_name()
        })
        .collect();
    names.sort();
    shown.sort();
    assert_eq!(names, shown, "the file holds the period's lines");
    let scanned = server::service::import::parse_bytes(None, "qr.txt", from_paper.as_bytes(), None)
        .unwrap_or_else(|e| panic!("the scanned codes parse: {e:?}\n{from_paper}"));
    let mut scanned: Vec<_> = scanned.people[0]
        .drugs
        .iter()
        .map(|d| d.display_name())
        .collect();
    scanned.sort();
    assert_eq!(scanned, shown, "the PDF's QR codes hold the period's lines");
    assert_eq!(
        back.people[0].person.birth_date,
        chrono::NaiveDate::parse_from_str(&birth_of(&app, "demo-takahashi"), "%Y%m%d").ok()
    );
    let qr = TestApp::agent()
        .get(&app.url("/api/v1/me/drugs/jahis/qr?from=2026-10&to=2026-10"))
        .set("Cookie", &me)
        .call()
        .unwrap();
    assert_eq!(qr.content_type(), "image/svg+xml");
    assert!(qr.into_string().unwrap().starts_with("<svg"));

    // The same text again (and in CP932 bytes as a file would be): nothing new.
    let tok = token(&paste(&app, &me, &text));
    assert_eq!(store(&app, &me, &tok), "/import?ok=nothing");
    assert_eq!(notebook_rows(&app, "demo-takahashi"), 5);

    // The insurer's claim for さくら薬局 in October arrives: its four lines take over, the
    // hand-brought ones of that pharmacy and month retire; ひまわり薬局's line stays.
    insurer_claim_arrives(&app, "demo-takahashi", &text);
    let page = app.page(drugs_url, &me);
    assert_eq!(count(&page, "pharmacy-notebook"), 1, "{page}");
    assert_eq!(rows(&page), before + 5, "4 claim lines + 1 notebook line");
    assert_eq!(
        page.matches("オキシコドン徐放錠５ｍｇ").count(),
        1,
        "never twice"
    );
    let (_, api, _) = app.api("/api/v1/me/drugs?from=2026-10&to=2026-10", &me);
    let lines = api["lines"].as_array().unwrap();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["claim"]["imported_by_you"] == true)
            .count(),
        1
    );
}
crate::both_backends!(fn paste_store_mark_retire as jahis_paste_store_mark_and_retire_on);

fn refusals(backend: Backend) {
    let app = app(backend);
    let me = app.dev_sign_in("demo-takahashi");
    let mine = birth_of(&app, "demo-takahashi");

    // Someone else's notebook (another birth date).
    let other = notebook_for("19000101");
    assert_ne!(mine, "19000101");
    let preview = app.page(
        &format!("/import?preview={}", token(&paste(&app, &me, &other))),
        &me,
    );
    assert_eq!(count(&preview, "import-problem"), 1, "{preview}");
    assert!(preview.contains("別の人"), "{preview}");

    // Malformed: the problem names line, record and field; nothing stored.
    let bad = notebook_for(&mine).replace(
        "201,1,カロナール錠２００　２００ｍｇ,4,錠,2,620001913,1",
        "201,1,カロナール,4,錠,2,,1",
    );
    let preview = app.page(
        &format!("/import?preview={}", token(&paste(&app, &me, &bad))),
        &me,
    );
    assert!(
        preview.contains("record 201, field 6 薬品コード"),
        "{preview}"
    );

    // Too large.
    let huge = format!("{}{}", notebook_for(&mine), "501,備考,1\r\n".repeat(80_000));
    let preview = app.page(
        &format!("/import?preview={}", token(&paste(&app, &me, &huge))),
        &me,
    );
    assert!(preview.contains("大きすぎ"), "{preview}");
    assert_eq!(notebook_rows(&app, "demo-takahashi"), 0);

    // Cross-site: no Origin of ours, refused before anything is read.
    let r = TestApp::agent()
        .post(&app.url("/import/preview-text"))
        .set("Origin", "https://evil.example")
        .set("Cookie", &me)
        .send_form(&[("text", notebook_for(&mine).as_str())]);
    let status = match r {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
        Err(e) => panic!("{e}"),
    };
    assert!(status == 403 || status == 400, "{status}");

    // A proxy granted checkups only may not bring in drugs for the person.
    let proxy = app.dev_sign_in("demo-sato");
    app.grant(&me, &proxy, &["checkups"], "2027-12-31");
    assert_eq!(app.view_as(&proxy, "demo-takahashi").status(), 303);
    let loc = paste(&app, &proxy, &notebook_for(&mine));
    if let Some(tok) = loc.strip_prefix("/import?preview=") {
        let preview = app.page(&format!("/import?preview={tok}"), &proxy);
        assert_eq!(count(&preview, "import-problem"), 1, "{preview}");
        assert_eq!(store(&app, &proxy, tok), "/import");
    }
    assert_eq!(notebook_rows(&app, "demo-takahashi"), 0);
}
crate::both_backends!(fn refusals as jahis_refusals_on);

/// The insurer's side (CLI, `POST /api/v1/import`) does not take お薬手帳 text: it is the
/// person's own record, and stored as a claim it would never retire.
#[test]
fn insurers_cannot_import_a_notebook() {
    let text = notebook_for("19791130");
    let batch = server::service::import::parse_bytes(None, "okusuri.txt", text.as_bytes(), None)
        .expect("detected and parsed");
    assert_eq!(batch.format, server::import::ImportFormat::Jahis);
    let result = block_on(async {
        let tdb = crate::helpers::TestDb::new(Backend::Sqlite);
        let db = tdb.open().await;
        let by = server::service::import::Importer {
            source: "cli",
            client: "cli",
            request_id: None,
        };
        let r = server::service::import::store_and_audit(&db, batch, "okusuri.txt", by).await;
        db.close().await;
        r
    });
    let err = result.expect_err("refused");
    assert!(err.to_string().contains("person's own record"), "{err}");
}
