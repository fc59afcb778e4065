//! `GET /api/v1/me/drugs` over real HTTP: scoping to the person on screen, proxies by kind,
//! pagination that loses and repeats nothing, clear 4xx, the access log, and the OpenAPI document.

use crate::helpers::{Backend, TestApp};

#[test]
fn drug_history_api_pages_through_the_same_lines_newest_first() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    assert_eq!(app.get("/api/v1/me/drugs").status(), 401);
    let sato = app.dev_sign_in("demo-sato");
    let (status, all, cache) = app.api("/api/v1/me/drugs?limit=2000", &sato);
    assert_eq!(status, 200);
    assert_eq!(cache.as_deref(), Some("no-store"));
    assert_eq!(all["person_id"], "demo-sato");
    let lines = all["lines"].as_array().unwrap();
    assert!(lines.len() > 50, "three years of demo drugs");
    assert_eq!(all["total"].as_u64().unwrap() as usize, lines.len());
    assert!(all["next_cursor"].is_null());
    let dates: Vec<&str> = lines
        .iter()
        .map(|l| l["dispensed_on"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(
        lines.iter().any(|l| l["mark"] == "psychotropic"),
        "the 向 drug is there, marked"
    );
    assert!(lines.iter().all(|l| l["claim"]["person"] == "demo-sato"));

    // Page by 37: the concatenation is the whole list, nothing lost or repeated.
    let mut paged = Vec::new();
    let mut path = "/api/v1/me/drugs?limit=37".to_owned();
    loop {
        let (status, page, _) = app.api(&path, &sato);
        assert_eq!(status, 200);
        paged.extend(page["lines"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/me/drugs?limit=37&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(&paged, lines);

    // A narrower period holds only its months.
    let (_, year, _) = app.api("/api/v1/me/drugs?from=2025-01&to=2025-12&limit=2000", &sato);
    assert!(year["lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["dispensed_on"].as_str().unwrap().starts_with("2025-")));
    assert!(!year["lines"].as_array().unwrap().is_empty());

    let (status, err, _) = app.api("/api/v1/me/drugs?from=2025-13&to=2025-01", &sato);
    assert_eq!(status, 400);
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("from/to"));
    let (status, _, _) = app.api("/api/v1/me/drugs?from=2025-06&to=2025-01", &sato);
    assert_eq!(status, 400, "from after to");
    let (status, err, _) = app.api("/api/v1/me/drugs?cursor=bogus", &sato);
    assert_eq!(status, 400);
    assert_eq!(err["error"]["code"], "bad_cursor");
}

#[test]
fn a_proxy_sees_drugs_only_when_granted_drugs_and_it_is_logged() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let sato = app.dev_sign_in("demo-sato");
    let proxy = app.dev_sign_in("demo-takahashi");
    app.grant(&sato, &proxy, &["checkups"], "2099-12-31");
    app.view_as(&proxy, "demo-sato");
    let (status, _, _) = app.api("/api/v1/me/drugs", &proxy);
    assert_eq!(status, 404, "checkups were granted, not drugs");

    app.grant(&sato, &proxy, &["drugs"], "2099-12-31");
    let (status, body, _) = app.api("/api/v1/me/drugs", &proxy);
    assert_eq!(status, 200);
    assert_eq!(body["person_id"], "demo-sato");
    let history = app.page("/access", &sato);
    assert!(
        history.contains("data-action=\"view\""),
        "the view is in sato's access history"
    );
    assert!(history.contains("高橋　美咲さん"), "with who viewed");
}

#[test]
fn the_openapi_document_describes_the_api() {
    let app = TestApp::spawn(Backend::Sqlite, false);
    let r = app.get("/api/v1/openapi.json");
    assert_eq!(r.status(), 200);
    let doc: serde_json::Value = r.into_json().unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in ["/me/drugs", "/import"] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
}

/// The page and the API show the same lines in the same order.
#[test]
fn the_drug_page_shows_the_same_lines_as_the_api() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let sato = app.dev_sign_in("demo-sato");
    let (_, api, _) = app.api("/api/v1/me/drugs?limit=2000", &sato);
    let r = app.get_with("/drugs?preset=all_three_years", &sato);
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let page = r.into_string().unwrap();
    let api_lines = api["lines"].as_array().unwrap();
    assert_eq!(page.matches("<tr data-filter-row").count(), api_lines.len());
    assert!(
        page.contains("昭和49年6月12日 (1974-06-12)"),
        "birth date in 和暦 and 西暦"
    );
    assert!(
        page.contains("01130012") && page.contains("4131・20573・00"),
        "insurer and card"
    );
    assert!(page.contains("向）"), "the 向 mark is shown as text");
    // Same order: each API line's name appears after the previous one.
    let mut at = 0;
    for line in api_lines.iter().take(40) {
        let name = line["drug_name"].as_str().unwrap();
        let found = page[at..].find(name).map(|i| at + i);
        assert!(found.is_some(), "{name} out of order or missing");
        at = found.unwrap();
    }
    // A custom period in the URL, and a clear message for a bad one.
    let page = app
        .get_with("/drugs?from=2025-01&to=2025-03", &sato)
        .into_string()
        .unwrap();
    assert!(page.contains("2025-01 – 2025-03"));
    let page = app
        .get_with("/drugs?from=2025-13&to=2025-03", &sato)
        .into_string()
        .unwrap();
    assert!(page.contains("入力内容を確認してください"));
    // Days: the API and the page cut the same days out of their months.
    let (status, api_days, _) = app.api(
        "/api/v1/me/drugs?from=2025-01-15&to=2025-02-10&limit=2000",
        &sato,
    );
    assert_eq!(status, 200);
    assert_eq!(
        (api_days["from"].as_str(), api_days["to"].as_str()),
        (Some("2025-01-15"), Some("2025-02-10"))
    );
    let day_lines = api_days["lines"].as_array().unwrap();
    for l in day_lines {
        let on = l["dispensed_on"].as_str().unwrap();
        assert!(
            ("2025-01-15"..="2025-02-10").contains(&on),
            "{on} is outside the days asked for"
        );
    }
    let page = app
        .get_with("/drugs?from=2025-01-15&to=2025-02-10", &sato)
        .into_string()
        .unwrap();
    assert_eq!(page.matches("<tr data-filter-row").count(), day_lines.len());
    assert!(page.contains("2025年1月15日 – 2025年2月10日"));
    // The filter in the URL hides, on the server, what does not match (pages without JS).
    let page = app
        .get_with("/drugs?preset=all_three_years&usage=as_needed", &sato)
        .into_string()
        .unwrap();
    let rows: Vec<&str> = page
        .split("<tr data-filter-row")
        .skip(1)
        .map(|r| &r[..r.find('>').unwrap()])
        .collect();
    assert!(rows.len() > 50, "every line of the period is sent");
    let as_needed = rows
        .iter()
        .filter(|r| r.contains("data-usage=\"as_needed\""))
        .count();
    assert!(as_needed > 0, "屯服 lines exist");
    for r in &rows {
        assert_eq!(
            r.contains("hidden"),
            !r.contains("data-usage=\"as_needed\""),
            "only 屯服 lines are visible: {r}"
        );
    }
    // Signed out: a prompt, no data.
    let page = app.get("/drugs").into_string().unwrap();
    assert!(!page.contains("data-testid=\"drug-table\"") && page.contains("/signin"));
}

/// The drug table is sent as its own chunk (`web::splice_slots`): the page that arrives is
/// whole — the table inside its element, no marker left, the length announced right, the same
/// rows on every view — and a search text that looks like a marker stays escaped text.
#[test]
fn the_drug_table_arrives_whole_inside_its_page() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let sato = app.dev_sign_in("demo-sato");
    let (_, all, _) = app.api("/api/v1/me/drugs?limit=2000&preset=all_three_years", &sato);
    let lines = all["lines"].as_array().unwrap().len();
    let read = |path: &str| {
        let r = app.get_with(path, &sato);
        assert_eq!(r.status(), 200, "GET {path}");
        let announced: usize = r
            .header("content-length")
            .expect("a length")
            .parse()
            .unwrap();
        let body = r.into_string().unwrap();
        assert_eq!(announced, body.len(), "Content-Length is the body's");
        body
    };
    let first = read("/drugs?preset=all_three_years");
    assert!(
        !first.contains("karte-slot"),
        "no marker is left in the page"
    );
    let table = &first[first.find("data-testid=\"drug-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr data-filter-row").count(), lines);
    let after = &first[first.find("</table>").unwrap()..];
    assert!(
        after.contains("data-testid=\"filter-empty\"") && after.contains("</body>"),
        "the page goes on after the table: {}",
        &after[after.len().saturating_sub(200)..]
    );
    // The second view serves the kept table: the same rows.
    let again = read("/drugs?preset=all_three_years");
    let rows = |p: &str| p.matches("<tr data-filter-row").count();
    assert_eq!(rows(&again), lines);

    // A marker-shaped search: escaped in the search box, the table still in its element.
    let q = "%3C!--karte-slot-x--%3E";
    let page = read(&format!("/drugs?preset=all_three_years&q={q}"));
    assert!(!page.contains("<!--karte-slot-x-->"), "the text is escaped");
    let table = &page[page.find("data-testid=\"drug-table\"").unwrap()..];
    assert!(table[..table.find("</table>").unwrap()].contains("<tr data-filter-row"));
}
