//! UKE receipt files (issue 21) through the real parts: the machine API and `karte import`
//! on SQLite and PostgreSQL, the pages and APIs of the people the receipts name, the late
//! claim that supersedes, refusals that write nothing, and the same receipts as a Karte JSON
//! batch giving the same pages.
//!
//! The receipts are `server/tests/fixtures/import/uke-*.txt` (written from receipts.md's
//! field tables, kept as UTF-8 text) turned into real files here: Shift_JIS, CR LF, EOF byte.

use crate::helpers::{repo_path, Backend, TestApp, TestDb};
use std::path::Path;
use std::process::Command;

const TOKEN: &str = "test-import-token-0123456789abcdefghij";
const TODAY: &str = "2026-01-10";

/// A fixture as a receipt file is written.
pub fn uke_file(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(repo_path(&format!("server/tests/fixtures/import/{name}")))
        .unwrap();
    let crlf = text.replace('\n', "\r\n");
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&crlf);
    assert!(!unmappable);
    let mut bytes = sjis.into_owned();
    bytes.push(0x1A);
    bytes
}

fn app(backend: Backend) -> TestApp {
    TestApp::builder(backend)
        .today(TODAY)
        .settings(|s| s.import_clients = Some(format!("test-insurer={TOKEN}").parse().unwrap()))
        .spawn()
}

fn post(app: &TestApp, query: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let req = TestApp::agent()
        .post(&app.url(&format!("/api/v1/import{query}")))
        .set("Authorization", &format!("Bearer {TOKEN}"));
    let r = match req.send_bytes(body) {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    (r.status(), r.into_json().unwrap_or(serde_json::Value::Null))
}

/// (institution, patient_paid, total, insurer, public, days, category) of June 2025.
fn notices(app: &TestApp, cookie: &str) -> Vec<(String, i64, i64, i64, i64, u64, String)> {
    let (status, body, _) = app.api("/api/v1/me/expenses?from=2025-06&to=2025-06", cookie);
    assert_eq!(status, 200);
    let mut lines: Vec<_> = body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["institution_name"].as_str().unwrap().to_owned(),
                l["patient_paid"].as_i64().unwrap(),
                l["total"].as_i64().unwrap(),
                l["insurer_paid"].as_i64().unwrap(),
                l["public_paid"].as_i64().unwrap(),
                l["days"].as_u64().unwrap(),
                l["category"].to_string(),
            )
        })
        .collect();
    lines.sort();
    lines
}

fn drug_names(app: &TestApp, cookie: &str) -> Vec<(String, String)> {
    let (status, body, _) = app.api("/api/v1/me/drugs?from=2025-06&to=2025-06", cookie);
    assert_eq!(status, 200, "{body}");
    let mut names: Vec<_> = body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["dispensed_on"].as_str().unwrap().to_owned(),
                l["drug_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    names.sort();
    names
}

fn receipts_reach_the_pages(backend: Backend) {
    let app = app(backend);
    // 医科, detected from its IR header.
    let (status, body) = post(&app, "", &uke_file("uke-ika.txt"));
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["format"], "uke");
    assert_eq!(body["lines"], 11 + 3, "11 drug lines, 3 notices");
    let people: Vec<String> = body["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(people.len(), 2);
    // The same file again: nothing changes.
    let (status, body) = post(&app, "", &uke_file("uke-ika.txt"));
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("already_imported"))
    );
    // 調剤, format given.
    let (status, body) = post(&app, "?format=uke", &uke_file("uke-chozai.txt"));
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["people"][0], people[0],
        "matched by card and birth date"
    );

    let yamada = app.dev_sign_in(&people[0]);
    let hospital = "さくら記念病院".to_owned();
    let pharmacy = "みどり薬局".to_owned();
    let (outpatient, inpatient, dispensing) = (
        "\"medical_outpatient\"".to_owned(),
        "\"medical_inpatient\"".to_owned(),
        "\"pharmacy\"".to_owned(),
    );
    assert_eq!(
        notices(&app, &yamada),
        [
            (
                hospital.clone(),
                3_600,
                12_000,
                8_400,
                0,
                2,
                outpatient.clone()
            ),
            (
                hospital.clone(),
                24_000,
                86_900,
                62_900,
                0,
                5,
                inpatient.clone()
            ),
            (pharmacy.clone(), 300, 1_000, 700, 0, 1, dispensing.clone()),
            (
                pharmacy.clone(),
                900,
                3_000,
                2_100,
                0,
                1,
                dispensing.clone()
            ),
        ],
        "two receipts of the hospital (入院, 入院外) and of the pharmacy (two prescribers)"
    );
    let drugs = drug_names(&app, &yamada);
    assert_eq!(drugs.len(), 10 + 4, "{drugs:?}");
    assert!(
        drugs.contains(&("2025-06-10".into(), "640000001".into())),
        "unknown code shown by code"
    );
    let page = app.page("/drugs?from=2025-06&to=2025-06", &yamada);
    for shown in [
        // The mark is its own element before the name (drugs page: `<span class="mark">`).
        "向）<span class=\"visually-hidden\">",
        "ハルシオン０．２５ｍｇ錠",
        "デパス錠０．５ｍｇ",
        "1日3回食後服用",
        "不眠時",
        "みどり薬局",
        "640000001",
    ] {
        assert!(page.contains(shown), "drug page shows {shown}");
    }
    let page = app.page("/expenses?from=2025-06&to=2025-06", &yamada);
    for shown in ["24,000", "3,600", "86,900", "さくら記念病院", "みどり薬局"] {
        assert!(page.contains(shown), "expenses page shows {shown}");
    }
    // The 公費 receipt's person.
    let sasaki = app.dev_sign_in(&people[1]);
    assert_eq!(
        notices(&app, &sasaki),
        [(
            hospital.clone(),
            1_000,
            5_000,
            3_500,
            500,
            1,
            outpatient.clone()
        )]
    );
    // The import is in the access history, by the client that made it.
    let history = app.page("/access", &yamada);
    assert!(history.contains("data-action=\"import\"") && history.contains("test-insurer"));

    // A 月遅れ / 返戻再請求 of the 入院外 receipt, accepted in September: it replaces that
    // receipt's notice and drug lines; the 入院 receipt of the same month stays.
    let (status, body) = post(&app, "", &uke_file("uke-ika-late.txt"));
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        notices(&app, &yamada)
            .into_iter()
            .filter(|n| n.0 == hospital)
            .collect::<Vec<_>>(),
        [
            (
                hospital.clone(),
                3_900,
                13_000,
                9_100,
                0,
                2,
                outpatient.clone()
            ),
            (
                hospital.clone(),
                24_000,
                86_900,
                62_900,
                0,
                5,
                inpatient.clone()
            ),
        ]
    );
    let drugs = drug_names(&app, &yamada);
    assert_eq!(drugs.len(), 2 + 5 + 4, "{drugs:?}");
    assert!(!drugs.iter().any(|(_, n)| n.starts_with("デパス")));

    // A malformed file: 400 with record, line and field; nothing written.
    let mut bad = String::from_utf8(
        std::fs::read(repo_path("server/tests/fixtures/import/uke-ika.txt")).unwrap(),
    )
    .unwrap();
    bad = bad.replacen("RE,2,1111,202506,", "RE,2,1111,202599,", 1);
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&bad);
    let (status, body) = post(&app, "?format=uke", &sjis);
    assert_eq!(status, 400);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("upload:13: RE.4 診療年月: "),
        "{message}"
    );
    assert_eq!(drug_names(&app, &yamada).len(), 11, "nothing half-imported");
}

crate::both_backends!(fn receipts_reach_the_pages as uke_receipts_reach_the_pages);

fn karte_import(db: &TestDb, args: &[&str], master: Option<&Path>) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_karte"));
    if let Some(m) = master {
        cmd.env("KARTE_DRUG_MASTER", m);
    }
    cmd.arg("import")
        .args(args)
        .env_remove("KARTE_DATABASE_URL")
        .env("KARTE_DATA_DIR", &db.settings.data_dir)
        .env("KARTE_LOG", "warn");
    if let Some(url) = &db.settings.database_url {
        cmd.env("KARTE_DATABASE_URL", url.expose());
    }
    if master.is_none() {
        cmd.env_remove("KARTE_DRUG_MASTER");
    }
    cmd.output().expect("karte runs")
}

/// `karte import` detects the file, imports it once, and refuses a broken one by line and
/// field; `KARTE_DRUG_MASTER` names the drugs the subset does not know.
fn cli_imports_receipt_files(backend: Backend) {
    let db = TestDb::new(backend);
    let dir = db.settings.data_dir.clone();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("RECEIPTC.UKE");
    std::fs::write(&file, uke_file("uke-ika.txt")).unwrap();
    let path = file.to_str().unwrap();
    // An operator's full master (here one row, in the master's layout, Shift_JIS) knows the
    // 注射 the shipped subset does not.
    let mut row = vec![""; 37];
    row[..5].copy_from_slice(&["0", "Y", "640000001", "", "テスト注射液１ｍＬ"]);
    row[9] = "管";
    row[27] = "4";
    let master_text = format!("{}\r\n", row.join(","));
    let (master_bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&master_text);
    let master = dir.join("y.csv");
    std::fs::write(&master, &master_bytes).unwrap();
    let out = karte_import(&db, &[path], Some(&master));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("imported 14 records"), "{stdout}");
    assert!(stdout.contains("(uke, batch uke-"), "{stdout}");
    let names: Vec<(String, Option<String>)> = crate::helpers::block_on(async {
        let db = db.open().await;
        let rows = server::with_pool!(&db, pool => sqlx::query_as(
            "SELECT drug_name, daily_dose FROM drug_lines WHERE receipt_code = '640000001'"
        ).fetch_all(pool).await.unwrap());
        db.close().await;
        rows
    });
    assert_eq!(
        names,
        [("テスト注射液１ｍＬ".to_owned(), Some("1管".to_owned()))]
    );
    let out = karte_import(&db, &["--format", "uke", path], None);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("already"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let broken = dir.join("BROKEN.UKE");
    let mut bytes = uke_file("uke-chozai.txt");
    let at = bytes.windows(11).position(|w| w == b"20250620,1,").unwrap();
    bytes[at + 11] = b'x';
    std::fs::write(&broken, &bytes).unwrap();
    let out = karte_import(&db, &[broken.to_str().unwrap()], None);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("BROKEN.UKE:15: CZ.6 調剤数量: "),
        "{stderr}"
    );
}

crate::both_backends!(fn cli_imports_receipt_files as uke_cli_imports_receipt_files);

/// HTML with the per-response parts (CSP nonces) blanked.
fn without_nonces(html: &str) -> String {
    // And without the session timer's deadline. Leptos writes the per-response nonce in `nonce="…"` and in the preload links'
    // `crossorigin="…"`; both differ between any two responses.
    let mut text = html.to_owned();
    for attr in ["nonce=\"", "crossorigin=\""] {
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(i) = rest.find(attr) {
            out.push_str(&rest[..i + attr.len()]);
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            rest = &rest[end..];
        }
        out.push_str(rest);
        text = out;
    }
    // The session timer's deadline is the request's second plus the idle time: two requests
    // a second apart differ by one.
    let marker = "idle_deadline&quot;:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = rest[i + marker.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// The 調剤 receipts as a UKE file and the same data as a Karte JSON batch
/// (`uke-chozai-as-json.json`, written by hand from the receipt) give the same drug page,
/// expense page and APIs.
fn same_pages_as_a_json_batch(backend: Backend) {
    let from_uke = app(backend);
    let from_json = app(backend);
    let (status, a) = post(&from_uke, "", &uke_file("uke-chozai.txt"));
    assert_eq!(status, 201, "{a}");
    let json = std::fs::read(repo_path(
        "server/tests/fixtures/import/uke-chozai-as-json.json",
    ))
    .unwrap();
    let (status, b) = post(&from_json, "", &json);
    assert_eq!(status, 201, "{b}");
    assert_eq!(a["people"], b["people"], "the same person id");
    assert_eq!(a["lines"], b["lines"]);
    let person = a["people"][0].as_str().unwrap();
    let (ca, cb) = (from_uke.dev_sign_in(person), from_json.dev_sign_in(person));
    for path in [
        "/drugs?from=2025-06&to=2025-06",
        "/drugs?from=2025-06&to=2025-06&view=ingredients",
        "/expenses?from=2025-06&to=2025-06",
    ] {
        let (pa, pb) = (from_uke.page(path, &ca), from_json.page(path, &cb));
        assert!(pa.contains("ハルシオン") || path.starts_with("/expenses"));
        assert_eq!(without_nonces(&pa), without_nonces(&pb), "{path}");
    }
    for path in [
        "/api/v1/me/drugs?from=2025-06&to=2025-06",
        "/api/v1/me/expenses?from=2025-06&to=2025-06",
    ] {
        let (sa, ja, _) = from_uke.api(path, &ca);
        let (sb, jb, _) = from_json.api(path, &cb);
        assert_eq!((sa, &ja), (sb, &jb), "{path}");
    }
}

crate::both_backends!(fn same_pages_as_a_json_batch as uke_same_pages_as_a_json_batch);

/// The insurances stored for card number 4567: (person, 枝番, insurer name, still open).
fn cards_4567(app: &TestApp) -> Vec<(String, Option<String>, String, bool)> {
    crate::helpers::block_on(async {
        let db = app.test_db().open().await;
        let sql = "SELECT person_id, branch, insurer_name, valid_to IS NULL FROM insurances
                   WHERE number = '4567' ORDER BY person_id, valid_from";
        let rows: Vec<(String, Option<String>, String, bool)> = server::with_pool!(&db, pool =>
            sqlx::query_as(sql).fetch_all(pool).await.unwrap());
        db.close().await;
        rows
    })
}

/// Imports `uke-ika.txt` and gives the ids of the people it named.
fn people_of_ika(app: &TestApp) -> Vec<String> {
    let (status, body) = post(app, "", &uke_file("uke-ika.txt"));
    assert_eq!(status, 201, "{body}");
    body["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect()
}

/// Receipts carry no 枝番. A person the insurer registered with 枝番 "00" is the one a receipt
/// names when exactly one stored person holds that insurer and number with the same birth date
/// and name (spaces aside): the receipts land on them, nobody is created again, and their card
/// stays as registered (枝番 and insurer name). Someone on the same card number with another
/// name or birth date is a person of their own (枝番 is what tells a family apart).
fn receipts_find_people_registered_with_a_branch_number(backend: Backend) {
    let app = app(backend);
    let person = |id: &str, name: &str, birth: &str, branch: &str| {
        serde_json::json!({"person": {
            "id": id, "name": name, "birth_date": birth, "sex": "male",
            "card": {"insurer_number": "06139992", "symbol": "123", "number": "4567", "branch": branch},
            "insurer_name": "テスト健康保険組合", "insured_since": "2020-04-01"}})
    };
    let register = serde_json::json!({
        "format_version": 1, "batch_id": "register-4567",
        "people": [
            person("yamada-registered", "山田 太郎", "1960-04-01", "00"),
            person("yamada-son", "山田 一郎", "1990-05-05", "02"),
        ]
    });
    let (status, body) = post(&app, "", register.to_string().as_bytes());
    assert_eq!(status, 201, "{body}");
    let before = cards_4567(&app);

    let named = people_of_ika(&app);
    assert!(
        named.iter().any(|p| p == "yamada-registered"),
        "the registered person: {named:?}"
    );
    assert!(!named.iter().any(|p| p == "yamada-son"), "{named:?}");
    assert_eq!(
        cards_4567(&app),
        before,
        "the registered cards unchanged, no new holder of 4567"
    );
    let cookie = app.dev_sign_in("yamada-registered");
    assert!(
        !drug_names(&app, &cookie).is_empty(),
        "the receipts' drug lines are theirs"
    );

    // Another name on the same card number and birth date: not them.
    let other = self::app(backend);
    let (status, body) = post(
        &other,
        "",
        register
            .to_string()
            .replace("山田 太郎", "山田 次郎")
            .as_bytes(),
    );
    assert_eq!(status, 201, "{body}");
    let named = people_of_ika(&other);
    assert!(!named.iter().any(|p| p == "yamada-registered"), "{named:?}");
}

crate::both_backends!(
    fn receipts_find_people_registered_with_a_branch_number
        as uke_receipts_find_people_registered_with_a_branch_number
);
