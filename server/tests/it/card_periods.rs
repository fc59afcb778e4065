//! Card-holder periods (issue 14, item 2), over real HTTP on both backends: a newer card closes
//! the older insurance row, a former card holder no longer sees a child who moved to another
//! family's card (neither the new claims nor the old months), and the new card holder sees
//! only the months from the day the child came onto their card (docs/access-rules.md).

use crate::fixtures::{claim, d, expense};
use crate::helpers::{Backend, TestApp};
use domain::insurance::CardIdentity;
use domain::people::{PersonId, Sex};
use domain::period::YearMonth;
use serde_json::Value;
use server::db::Db;
use server::import::{BatchId, ImportBatch, ImportFormat, PersonIdentity, PersonRecords};

const YUI: &str = "demo-tanaka-yui";

/// 結衣 moves onto 高橋's card (横浜市国保, 枝番 01) on 2026-06-01; one new claim in 2026-07.
fn the_move() -> ImportBatch {
    let month = YearMonth::parse("2026-07").unwrap();
    ImportBatch {
        batch_id: BatchId::parse("yui-moves-2026-06").unwrap(),
        format: ImportFormat::Json,
        insurers: vec![],
        people: vec![PersonRecords {
            person: PersonIdentity {
                id: Some(PersonId::parse(YUI).unwrap()),
                name: "田中　結衣".into(),
                name_kana: None,
                sex: Some(Sex::Female),
                birth_date: Some(d(2015, 5, 27)),
                card: Some(CardIdentity::parse("138016", "横浜", "7720451", "01").unwrap()),
                insurer_name: Some("横浜市国民健康保険".into()),
                insured_since: Some(d(2026, 6, 1)),
            },
            drugs: vec![],
            checkups: vec![],
            expenses: vec![expense(
                claim(YUI, "ex-yui-yokohama-1", "1311234567", month, 10),
                3_210,
            )],
        }],
        warnings: vec![],
    }
}

fn json(app: &TestApp, path: &str, cookie: &str) -> Value {
    let r = app.get_with(path, cookie);
    assert_eq!(r.status(), 200, "{path}");
    r.into_json().unwrap()
}

/// (person, service month) of every line.
fn lines(body: &Value) -> Vec<(String, String)> {
    body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["claim"]["person"].as_str().unwrap().to_owned(),
                l["service_month"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn a_child_who_moves_cards(backend: Backend) {
    let app = TestApp::builder(backend)
        .demo()
        .today(d(2026, 11, 26))
        .spawn();
    let all = "/api/v1/me/expenses?household=1&from=2023-12&to=2026-10";
    let hiroshi = app.dev_sign_in("demo-tanaka-hiroshi");
    let before = lines(&json(&app, all, &hiroshi));
    assert!(
        before
            .iter()
            .any(|(p, m)| p == YUI && m.as_str() < "2026-06"),
        "before the move her father sees her notices"
    );

    let settings = app.settings().clone();
    let rows = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async move {
            let db = Db::connect(&settings).await.unwrap();
            server::records::import::store_batch(&db, the_move(), "test")
                .await
                .unwrap();
            let rows: Vec<(String, chrono::NaiveDate, Option<chrono::NaiveDate>)> =
                server::with_pool!(&db, pool => sqlx::query_as(
                    "SELECT insurer_number, valid_from, valid_to FROM insurances WHERE person_id = $1 ORDER BY valid_from",
                )
                .bind(YUI)
                .fetch_all(pool)
                .await
                .unwrap());
            db.close().await;
            rows
        });
    assert_eq!(
        rows,
        [
            ("06132013".to_owned(), d(2019, 4, 1), Some(d(2026, 5, 31))),
            ("138016".to_owned(), d(2026, 6, 1), None),
        ],
        "the newer card closes the older row the day before it starts"
    );

    // The former card holder: nothing of hers any more, old months or new claims.
    let after = lines(&json(&app, all, &hiroshi));
    assert!(after.iter().all(|(p, _)| p != YUI), "{after:?}");
    assert!(!after.is_empty(), "his own notices stay");
    app.view_as(&hiroshi, YUI);
    let viewed = json(
        &app,
        "/api/v1/me/expenses?from=2023-12&to=2026-10",
        &hiroshi,
    );
    assert_eq!(
        viewed["person_id"], "demo-tanaka-hiroshi",
        "cannot switch to her"
    );

    // The new card holder: her months from the move on, not the years before.
    let takahashi = app.dev_sign_in("demo-takahashi");
    let household = lines(&json(&app, all, &takahashi));
    let hers: Vec<&str> = household
        .iter()
        .filter(|(p, _)| p == YUI)
        .map(|(_, m)| m.as_str())
        .collect();
    assert!(
        hers.contains(&"2026-07"),
        "the claim under the new card: {hers:?}"
    );
    assert!(
        hers.iter().all(|m| *m >= "2026-06"),
        "nothing from before she came onto the card: {hers:?}"
    );
    let r = app.view_as(&takahashi, YUI);
    assert_eq!(r.status(), 303);
    let viewed = json(
        &app,
        "/api/v1/me/expenses?from=2023-12&to=2026-10",
        &takahashi,
    );
    assert_eq!(viewed["person_id"], YUI);
    let months: Vec<String> = lines(&viewed).into_iter().map(|(_, m)| m).collect();
    assert!(months.contains(&"2026-07".to_owned()));
    assert!(months.iter().all(|m| m.as_str() >= "2026-06"), "{months:?}");
    let drugs = json(&app, "/api/v1/me/drugs?from=2023-12&to=2026-10", &takahashi);
    assert_eq!(drugs["person_id"], YUI);
    let checkups = json(&app, "/api/v1/me/checkups", &takahashi);
    assert_eq!(checkups["person_id"], YUI);
    for line in drugs["lines"].as_array().unwrap() {
        assert!(
            line["dispensed_on"].as_str().unwrap() >= "2026-06-01",
            "{line}"
        );
    }
    // She herself still sees everything of hers.
    let yui = app.dev_sign_in(YUI);
    let own = lines(&json(
        &app,
        "/api/v1/me/expenses?from=2023-12&to=2026-10",
        &yui,
    ));
    assert!(own.iter().any(|(_, m)| m.as_str() < "2026-06"));
    assert!(own.iter().any(|(_, m)| m == "2026-07"));
}

crate::both_backends!(fn a_child_who_moves_cards as a_child_who_moves_cards_on);
