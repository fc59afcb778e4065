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
            "SELECT COUNT(*) FROM checkup_results WHERE person_id = $1",
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
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).take(5).collect();
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

/// Runs `xmllint --noout --schema` (Debian libxml2-utils) on `xml` against the repo's copy of
/// the MHLW hc08 schema; returns xmllint's complaint if it does not validate.
fn xmllint_hc08(name: &str, xml: &[u8]) -> Result<(), String> {
    let schema =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/checkup/xsd/hc08_V08.xsd");
    let dir = std::env::temp_dir().join(format!(
        "karte-cda-{}-{}",
        crate::helpers::random_suffix(),
        name.replace('/', "_")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("doc.xml");
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint runs (Debian package libxml2-utils; scripts/setup.sh installs it)");
    let _ = std::fs::remove_dir_all(&dir);
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn the_schema_check_refuses_a_broken_document() {
    // The check below would pass vacuously if xmllint accepted anything.
    let good = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import/hc08-tokutei.xml"),
    )
    .unwrap();
    assert_eq!(xmllint_hc08("good", &good), Ok(()));
    let text = String::from_utf8(good).unwrap();
    let bad = text.replace("<recordTarget>", "<recordTarget><unknownElement/>");
    assert!(xmllint_hc08("bad", bad.as_bytes()).is_err());
}

fn archive_cda(backend: Backend) {
    use server::import::batch::ImportFormat;
    let app = TestApp::builder(backend).demo().today(TODAY).spawn();
    let sato = app.dev_sign_in("demo-sato");
    let got = app.fetch("/account/archive.zip", Some(&sato));
    assert_eq!(got.status, 200);
    let files = unzip(&got.body);
    let cdas: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(n, _)| n.starts_with("DATA/h") && n.ends_with(".xml"))
        .collect();
    let person = domain::people::PersonId::parse("demo-sato").unwrap();
    let stored = block_on(async {
        let db = app.test_db().open().await;
        let c = server::records::checkups::checkups_for(&db, &person)
            .await
            .unwrap();
        db.close().await;
        c
    });
    assert!(stored.len() >= 2, "佐藤 has several checkups");
    assert_eq!(cdas.len(), stored.len(), "one hc08 file per checkup");

    // Every file validates against the MHLW schema, and the CDA importer reads back exactly
    // the stored checkup (oldest file first; the stored list is newest first).
    let opts = server::import::options::ParseOptions {
        person: Some(person.clone()),
    };
    for ((name, xml), want) in cdas.iter().zip(stored.iter().rev()) {
        if let Err(e) = xmllint_hc08(name, xml) {
            panic!("{name} does not validate against hc08_V08.xsd:\n{e}");
        }
        let batch = server::import::cda::parse(name, xml, &opts)
            .unwrap_or_else(|e| panic!("{name} does not re-import: {e:?}"));
        assert!(batch.warnings.is_empty(), "{name}: {:?}", batch.warnings);
        let got = &batch.people[0].checkups[0];
        assert_eq!(got, want, "{name} differs after re-import");
    }

    // Into an empty database: the JSON batch without its checkups, then the CDA files one by
    // one through the importer; the checkups API answers the same.
    let json = &files
        .iter()
        .find(|(n, _)| n == "karte-batch.json")
        .expect("the JSON batch")
        .1;
    let mut batch: serde_json::Value = serde_json::from_slice(json).unwrap();
    batch["people"][0]["checkups"] = serde_json::json!([]);
    let without = serde_json::to_vec(&batch).unwrap();
    let mut fresh = TestDb::new(backend);
    fresh.settings.today = Some(TODAY.parse().unwrap());
    block_on(async {
        let db = fresh.open().await;
        server::service::import::import_bytes(&db, None, "karte-batch.json", &without, None, "cli")
            .await
            .expect("the batch imports");
        for (name, xml) in &cdas {
            server::service::import::import_bytes(
                &db,
                Some(ImportFormat::Cda),
                name,
                xml,
                Some(person.clone()),
                "cli",
            )
            .await
            .unwrap_or_else(|e| panic!("{name} imports: {e:?}"));
        }
        db.close().await;
    });
    let copy = TestApp::spawn_with(fresh, false);
    let sato2 = copy.dev_sign_in("demo-sato");
    let (s1, a, _) = app.api("/api/v1/me/checkups", &sato);
    let (s2, b, _) = copy.api("/api/v1/me/checkups", &sato2);
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(a, b, "the checkups differ after re-importing the CDA files");
}
crate::both_backends!(fn archive_cda as archive_checkups_are_valid_hc08_that_round_trip_on);

/// Every kind of value Karte keeps (the demo data has only numbers and codes) survives the
/// writer: valid against the schema, read back identically, markup in text escaped.
#[test]
fn every_value_kind_round_trips_through_hc08() {
    use domain::checkups::{
        Checkup, CheckupKind, CheckupResult, CheckupValue, Decimal, ItemCode, NotMeasuredReason,
        RangeFlag,
    };
    use server::service::archive_cda::{document, CardRow, Patient};
    let r = |code: &str, value: CheckupValue| CheckupResult {
        code: ItemCode::parse(code).unwrap(),
        value,
    };
    let num = |v: &str, unit: &str, flag| CheckupValue::Numeric {
        value: Decimal::parse(v).unwrap(),
        unit: unit.into(),
        out_of_range: flag,
    };
    for kind in [
        CheckupKind::SpecificHealthCheckup,
        CheckupKind::LateStageElderly,
    ] {
        let checkup = Checkup {
            performed_on: "2025-10-03".parse().unwrap(),
            institution_name: "A&B <健診> \"センター\"".into(),
            kind,
            insurer: domain::insurance::InsurerNumber::parse("06139992").unwrap(),
            results: vec![
                r("9N001000000000001", num("170.20", "cm", None)),
                r(
                    "3D010000001926101",
                    num("600", "mg/dL", Some(RangeFlag::Above)),
                ),
                r("3F015000002327101", num("-0.5", "", Some(RangeFlag::Below))),
                r(
                    "9N501000000000011",
                    CheckupValue::Coded {
                        code: "2".into(),
                        display: Some("予備群該当".into()),
                    },
                ),
                r(
                    "1A020000000191111",
                    CheckupValue::Coded {
                        code: "1".into(),
                        display: None,
                    },
                ),
                r(
                    "9N511000000000049",
                    CheckupValue::Text("所見 <なし> & 経過観察".into()),
                ),
                r(
                    "3C015000002327101",
                    CheckupValue::NotMeasured(NotMeasuredReason::NotPerformed),
                ),
                r(
                    "2A030000001930101",
                    CheckupValue::NotMeasured(NotMeasuredReason::Unmeasurable),
                ),
                r(
                    "8A065000002391901",
                    CheckupValue::NotMeasured(NotMeasuredReason::Stated("検体不良".into())),
                ),
            ],
        };
        let patient = Patient {
            sex: Some("female".into()),
            birth_date: "1968-07-15".parse().unwrap(),
        };
        let card = CardRow {
            insurer_number: "06139992".into(),
            symbol: Some("ｻﾝﾌﾟﾙ".into()),
            number: "1052".into(),
            branch: Some("01".into()),
            valid_from: "2020-04-01".parse().unwrap(),
        };
        let xml = document(
            &checkup,
            &patient,
            Some(&card),
            "KARTE1",
            "2026-11-26".parse().unwrap(),
        );
        if let Err(e) = xmllint_hc08("all-kinds", xml.as_bytes()) {
            panic!("does not validate:\n{e}\n{xml}");
        }
        let opts = server::import::options::ParseOptions { person: None };
        let batch = server::import::cda::parse("all.xml", xml.as_bytes(), &opts).unwrap();
        assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
        assert_eq!(batch.people[0].checkups[0], checkup);
        let who = &batch.people[0].person;
        assert_eq!(who.sex, Some(domain::people::Sex::Female));
        assert_eq!(who.birth_date, Some(patient.birth_date));
        assert!(who.card.is_some(), "the card is carried");
    }
}
