//! 健診結果 over real HTTP and real storage: `GET /api/v1/me/checkups` gives the domain's last
//! five with bands, judgements (computed ones flagged) and each insurer's registration status;
//! 404 without a grant; the page shows the same data.

use crate::helpers::{Backend, TestApp};
use server::db::Db;
use server::{demo, records};

/// The item row with this Karte name (e.g. "systolic").
fn item<'a>(body: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["items"].as_array().unwrap())
        .find(|i| i["item"] == name)
}

fn column<'a>(row: &'a serde_json::Value, key: &str) -> Vec<&'a serde_json::Value> {
    row["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v[key])
        .collect()
}

fn last_five_with_bands(backend: Backend) {
    let app = TestApp::spawn(backend, true);
    assert_eq!(app.get("/api/v1/me/checkups").status(), 401);
    let sato = app.dev_sign_in("demo-sato");
    let (status, body, cache) = app.api("/api/v1/me/checkups", &sato);
    assert_eq!(status, 200);
    assert_eq!(cache.as_deref(), Some("no-store"));
    assert_eq!(body["person_id"], "demo-sato");
    let checkups = body["checkups"].as_array().unwrap();
    assert_eq!(checkups.len(), 5, "the last five");
    let dates: Vec<&str> = checkups
        .iter()
        .map(|c| c["performed_on"].as_str().unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {dates:?}"
    );
    assert!(dates.iter().all(|d| *d >= "2020-04-01"), "from FY2020 on");
    assert!(checkups
        .iter()
        .all(|c| c["kind"] == "specific_health_checkup"
            && c["institution_name"] == "中央健診センター"));

    // 収縮期血圧 138, 146, 132, 128, 134 (the demo's values), each with its band and unit.
    let sbp = item(&body, "systolic").unwrap();
    let values: Vec<&str> = column(sbp, "number")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(values, ["138", "146", "132", "128", "134"]);
    let bands: Vec<&str> = column(sbp, "band")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        bands,
        ["guidance", "referral", "guidance", "normal", "guidance"]
    );
    assert_eq!(sbp["unit"], "mm[Hg]");
    assert_eq!(sbp["limits"]["guidance"]["value"], "130");
    assert_eq!(sbp["limits"]["referral"]["comparison"], "at_least");
    assert!(sbp["explanation_ja"].as_str().unwrap().contains("血圧"));
    assert!(!sbp["explanation_en"].as_str().unwrap().is_empty());

    // The middle year came without 9N501/9N506: computed and flagged; the others are the
    // insurer's.
    let metabolic = item(&body, "metabolic_judgement").unwrap();
    let computed: Vec<bool> = column(metabolic, "computed")
        .iter()
        .map(|v| v.as_bool().unwrap())
        .collect();
    assert_eq!(computed, [false, false, true, false, false]);
    assert_eq!(metabolic["values"][2]["source"], "computed");
    assert_eq!(metabolic["values"][2]["text_ja"], "基準該当");
    assert_eq!(metabolic["values"][0]["source"], "insurer");
    let guidance = item(&body, "guidance_level").unwrap();
    assert_eq!(guidance["values"][2]["computed"], true);
    assert_eq!(guidance["values"][2]["text_ja"], "対象外（服薬中）");

    // The BUN extra item Karte does not know is kept, named by its code.
    let other = body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "other")
        .expect("その他");
    let bun = &other["items"][0];
    assert!(bun["item"].is_null());
    assert_eq!(bun["label_ja"], "3C025000002327101");
    assert_eq!(bun["values"][4]["state"], "value");

    // Registration status per insurer.
    let insurers = body["insurers"].as_array().unwrap();
    assert_eq!(insurers[0]["registration"]["status"], "registered");
    assert_eq!(insurers[0]["shown"], 5);

    // 鈴木 crossed 75: two 特定健診 then three 後期高齢者健診, each labelled; 後期 columns have no
    // waist, no judgements, but the 15-question 質問票.
    let suzuki = app.dev_sign_in("demo-suzuki");
    let (status, body, _) = app.api("/api/v1/me/checkups", &suzuki);
    assert_eq!(status, 200);
    let kinds: Vec<&str> = body["checkups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "specific_health_checkup",
            "specific_health_checkup",
            "late_stage_elderly",
            "late_stage_elderly",
            "late_stage_elderly"
        ]
    );
    for name in ["waist", "metabolic_judgement", "guidance_level"] {
        let states: Vec<&str> = column(item(&body, name).unwrap(), "state")
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            states,
            [
                "value",
                "value",
                "not_applicable",
                "not_applicable",
                "not_applicable"
            ],
            "{name}"
        );
    }
    let questionnaire = body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "questionnaire")
        .unwrap();
    let late_questions = questionnaire["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["item"].as_str().is_some_and(|n| n.starts_with("late_")))
        .count();
    assert_eq!(late_questions, 15);
    let falls = item(&body, "late_falls").unwrap();
    assert_eq!(falls["values"][0]["state"], "not_applicable");
    assert_eq!(falls["values"][4]["text_ja"], "はい");
    assert_eq!(
        body["insurers"].as_array().unwrap().len(),
        2,
        "国保 and 広域連合"
    );

    // 高橋's insurer has not registered results: nothing shown, and the status says so.
    let takahashi = app.dev_sign_in("demo-takahashi");
    let (status, body, _) = app.api("/api/v1/me/checkups", &takahashi);
    assert_eq!(status, 200);
    assert!(body["checkups"].as_array().unwrap().is_empty());
    assert_eq!(body["insurers"][0]["registration"]["status"], "expected");
    assert!(body["insurers"][0]["registration"]["from"].is_string());
}

crate::both_backends!(fn last_five_with_bands as checkups_api_gives_the_last_five_with_bands_on);

#[test]
fn checkups_need_a_checkups_grant_and_each_view_is_logged() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let sato = app.dev_sign_in("demo-sato");
    let proxy = app.dev_sign_in("demo-takahashi");
    app.grant(&sato, &proxy, &["drugs"], "2099-12-31");
    app.view_as(&proxy, "demo-sato");
    let (status, body, _) = app.api("/api/v1/me/checkups", &proxy);
    assert_eq!(status, 404, "drugs were granted, not checkups");
    assert_eq!(body["error"]["code"], "not_found");
    let page = app.fetch("/checkups", Some(&proxy)).text();
    assert!(
        !page.contains("data-testid=\"checkup-table\"") && !page.contains("中央健診センター"),
        "the page shows nothing of sato's either"
    );

    app.grant(&sato, &proxy, &["checkups"], "2099-12-31");
    let (status, body, _) = app.api("/api/v1/me/checkups", &proxy);
    assert_eq!(status, 200);
    assert_eq!(body["person_id"], "demo-sato");
    assert_eq!(body["checkups"].as_array().unwrap().len(), 5);
    let history = app.page("/access", &sato);
    assert!(
        history.contains("checkups"),
        "the view is in sato's access history"
    );
    assert!(history.contains("高橋　美咲さん"), "with who viewed");
}

/// The page shows what the API says: the same checkups, values, bands and judgements.
#[test]
fn the_checkup_page_shows_the_same_data_as_the_api() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let sato = app.dev_sign_in("demo-sato");
    let (_, api, _) = app.api("/api/v1/me/checkups", &sato);
    let r = app.get_with("/checkups", &sato);
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let page = r.into_string().unwrap();
    let checkups = api["checkups"].as_array().unwrap();
    assert_eq!(
        page.matches("data-testid=\"checkup-card\"").count(),
        checkups.len()
    );
    for c in checkups {
        let date = c["performed_on"].as_str().unwrap();
        // Table header and card header.
        assert_eq!(
            page.matches(&format!("datetime=\"{date}\"")).count(),
            2,
            "{date}"
        );
    }
    // Every value of every row is in the table, in order, with its band.
    let table_start = page.find("data-testid=\"checkup-table\"").unwrap();
    let table_end = table_start + page[table_start..].find("</table>").unwrap();
    let table = &page[table_start..table_end];
    for group in api["groups"].as_array().unwrap() {
        for row in group["items"].as_array().unwrap() {
            let code = row["code"].as_str().unwrap();
            let start = table
                .find(&format!("<tr data-item=\"{code}\""))
                .unwrap_or_else(|| panic!("row {code}"));
            let end = start + table[start..].find("</tr>").unwrap();
            let tr = &table[start..end];
            let mut at = 0;
            for v in row["values"].as_array().unwrap() {
                let expected = match v["state"].as_str().unwrap() {
                    "value" => v["text_ja"].as_str().unwrap().to_owned(),
                    "not_applicable" => "対象外".to_owned(),
                    _ => "記録なし".to_owned(),
                };
                let found = tr[at..].find(&expected).map(|i| at + i);
                assert!(
                    found.is_some(),
                    "{code}: {expected} missing or out of order"
                );
                at = found.unwrap() + expected.len();
            }
            let bands = row["values"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["band"].is_string())
                .count();
            assert_eq!(tr.matches("<td data-band=").count(), bands, "{code}");
        }
    }
    let computed = api["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["items"].as_array().unwrap())
        .flat_map(|i| i["values"].as_array().unwrap())
        .filter(|v| v["computed"] == true)
        .count();
    assert_eq!(computed, 2);
    assert_eq!(table.matches("data-testid=\"computed\"").count(), computed);
    assert!(table.contains("<svg"), "trends");
    assert!(page.contains("保険者ごとの登録状況"));
    assert!(page.contains("data-status=\"registered\""));
    // A child on her parent's card: nothing to show, and why (checkups start at 40).
    let hiroshi = app.dev_sign_in("demo-tanaka-hiroshi");
    app.view_as(&hiroshi, "demo-tanaka-yui");
    let page = app.page("/checkups", &hiroshi);
    assert!(page.contains("data-testid=\"checkups-empty\""));
    assert!(page.contains("data-testid=\"checkups-age\""));
    assert!(page.contains("保険者ごとの登録状況"));
    // Signed out: a prompt, no data.
    let page = app.get("/checkups").into_string().unwrap();
    assert!(!page.contains("data-testid=\"checkup-table\"") && page.contains("/signin"));
}

/// Storage: the queries behind the view, on both backends.
async fn checkup_view_from_storage(db: &Db) {
    let today = crate::fixtures::d(2026, 11, 26);
    demo::load(db, today).await.unwrap();
    let suzuki = domain::people::PersonId::parse("demo-suzuki").unwrap();
    let all = records::checkups::checkups_for(db, &suzuki).await.unwrap();
    let (birth, sex) = records::checkups::checkup_subject(db, &suzuki)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sex, Some(domain::people::Sex::Female));
    let insurers = records::checkups::checkup_status(db, &suzuki)
        .await
        .unwrap();
    let shown = domain::checkups::shown_checkups(&all);
    let view = app::checkups::build_view(
        &shown,
        app::checkups::Subject {
            birth_date: birth,
            sex,
        },
        insurers
            .into_iter()
            .map(|i| app::checkups::Insurer {
                number: i.number.to_string(),
                name: i.name,
                registration: i.registration,
            })
            .collect(),
        today,
    );
    assert_eq!(view.checkups.len(), 5);
    let ages: Vec<u32> = view.checkups.iter().map(|c| c.age.unwrap()).collect();
    assert!(
        ages.windows(2).all(|w| w[0] < w[1]) && ages[1] < 75 && ages[2] >= 75,
        "{ages:?}"
    );
    assert_eq!(view.insurers.iter().map(|i| i.shown).sum::<usize>(), 5);
    let nobody = domain::people::PersonId::parse("demo-nobody").unwrap();
    assert!(records::checkups::checkup_subject(db, &nobody)
        .await
        .unwrap()
        .is_none());
    assert!(records::checkups::checkups_for(db, &nobody)
        .await
        .unwrap()
        .is_empty());
}

crate::both_backends!(checkup_view_from_storage);
