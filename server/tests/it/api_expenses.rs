//! `GET /api/v1/me/expenses` and the `/expenses` page over real HTTP, on both backends where
//! storage matters: lines newest first, totals equal to sums computed here from the lines, the
//! publication rule at its boundary days, the household view scoped by the access rule, 404
//! without a grant, clear 4xx, and the access log.

use crate::helpers::{Backend, TestApp};
use serde_json::Value;
use std::collections::BTreeMap;

const FIELDS: [&str; 4] = ["total", "insurer_paid", "public_paid", "patient_paid"];

/// [lines, days, total, insurer_paid, public_paid, patient_paid] summed from lines.
fn sum<'a>(lines: impl IntoIterator<Item = &'a Value>) -> [i64; 6] {
    let mut out = [0i64; 6];
    for l in lines {
        out[0] += 1;
        out[1] += l["days"].as_i64().unwrap();
        for (i, f) in FIELDS.iter().enumerate() {
            out[2 + i] += l[*f].as_i64().unwrap();
        }
    }
    out
}

/// The same six numbers as the API reports them for a group.
fn reported(t: &Value) -> [i64; 6] {
    let mut out = [
        t["lines"].as_i64().unwrap(),
        t["days"].as_i64().unwrap(),
        0,
        0,
        0,
        0,
    ];
    for (i, f) in FIELDS.iter().enumerate() {
        out[2 + i] = t[*f].as_i64().unwrap();
    }
    out
}

fn group_by(lines: &[Value], key: impl Fn(&Value) -> String) -> BTreeMap<String, Vec<&Value>> {
    let mut groups: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for l in lines {
        groups.entry(key(l)).or_default().push(l);
    }
    groups
}

/// Every total in `body` equals the sums of its lines, computed independently here.
fn assert_totals_match_lines(body: &Value) {
    let lines = body["lines"].as_array().unwrap();
    let totals = &body["totals"];
    assert_eq!(reported(&totals["period"]), sum(lines), "period");

    let years = group_by(lines, |l| {
        l["service_month"].as_str().unwrap()[..4].to_owned()
    });
    let by_year = totals["by_year"].as_array().unwrap();
    assert_eq!(by_year.len(), years.len());
    for (y, (year, group)) in by_year.iter().zip(&years) {
        assert_eq!(y["year"].as_i64().unwrap().to_string(), *year);
        assert_eq!(reported(y), sum(group.iter().copied()), "year {year}");
    }

    let insts = group_by(lines, |l| {
        l["institution_name"].as_str().unwrap().to_owned()
    });
    let by_inst = totals["by_institution"].as_array().unwrap();
    assert_eq!(by_inst.len(), insts.len());
    for t in by_inst {
        let name = t["institution_name"].as_str().unwrap();
        assert_eq!(reported(t), sum(insts[name].iter().copied()), "{name}");
    }

    let cats = group_by(lines, |l| l["category"].to_string());
    let by_cat = totals["by_category"].as_array().unwrap();
    assert_eq!(by_cat.len(), cats.len());
    for t in by_cat {
        let key = t["category"].to_string();
        assert_eq!(reported(t), sum(cats[&key].iter().copied()), "{key}");
    }

    let months = group_by(lines, |l| l["service_month"].as_str().unwrap().to_owned());
    let by_month = totals["by_month"].as_array().unwrap();
    assert_eq!(by_month.first().unwrap()["month"], body["from"]);
    assert_eq!(by_month.last().unwrap()["month"], body["to"]);
    for m in by_month {
        let month = m["month"].as_str().unwrap();
        let expected = months
            .get(month)
            .map(|g| sum(g.iter().copied()))
            .unwrap_or([0; 6]);
        assert_eq!(reported(m), expected, "month {month}");
    }
}

fn newest_first(lines: &[Value]) -> bool {
    let months: Vec<&str> = lines
        .iter()
        .map(|l| l["service_month"].as_str().unwrap())
        .collect();
    months.windows(2).all(|w| w[0] >= w[1])
}

fn persons(body: &Value) -> Vec<String> {
    let mut p: Vec<String> = body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["claim"]["person"].as_str().unwrap().to_owned())
        .collect();
    p.sort();
    p.dedup();
    p
}

fn lines_and_totals(backend: Backend) {
    let app = TestApp::builder(backend).demo().today("2026-11-26").spawn();
    assert_eq!(app.get("/api/v1/me/expenses").status(), 401);
    let sato = app.dev_sign_in("demo-sato");
    let (status, body, cache) = app.api("/api/v1/me/expenses", &sato);
    assert_eq!(status, 200);
    assert_eq!(cache.as_deref(), Some("no-store"));
    assert_eq!(body["person_id"], "demo-sato");
    assert_eq!(body["as_of"], "2026-11-26");
    assert_eq!(body["household"], false);
    let lines = body["lines"].as_array().unwrap();
    assert!(
        lines.len() > 20,
        "three years of demo notices ({})",
        lines.len()
    );
    assert!(newest_first(lines));
    assert_eq!(persons(&body), ["demo-sato"]);
    // Nothing before its publication day; nothing from months not yet published.
    assert!(lines
        .iter()
        .all(|l| l["visible_from"].as_str().unwrap() <= "2026-11-26"));
    assert!(lines
        .iter()
        .all(|l| l["service_month"].as_str().unwrap() <= "2026-09"));
    assert_totals_match_lines(&body);
    // On Nov 26 September is out (Nov 11); October and November are not.
    let pending: Vec<&str> = body["totals"]["incomplete"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["month"].as_str().unwrap())
        .collect();
    assert_eq!(pending, ["2026-10", "2026-11"]);
    assert_eq!(
        body["totals"]["incomplete"][0]["available_from"],
        "2026-12-11"
    );

    // A period: only its months, whole calendar year flagged as such.
    let (_, year, _) = app.api("/api/v1/me/expenses?from=2025-01&to=2025-12", &sato);
    let lines = year["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    assert!(lines
        .iter()
        .all(|l| l["service_month"].as_str().unwrap().starts_with("2025-")));
    assert_eq!(year["totals"]["by_year"][0]["whole_year"], true);
    assert_eq!(year["totals"]["by_month"].as_array().unwrap().len(), 12);
    assert_totals_match_lines(&year);
    let (_, part, _) = app.api("/api/v1/me/expenses?from=2025-04&to=2026-03", &sato);
    assert_eq!(part["totals"]["by_year"][0]["whole_year"], false);
    assert_eq!(part["totals"]["by_year"][0]["covered"]["from"], "2025-04");
    assert_totals_match_lines(&part);

    for bad in [
        "from=2025-13&to=2026-01",
        "from=2026-06&to=2026-01",
        "household=maybe",
    ] {
        let (status, err, _) = app.api(&format!("/api/v1/me/expenses?{bad}"), &sato);
        assert_eq!(status, 400, "{bad}");
        assert_eq!(err["error"]["code"], "bad_input");
    }
}

crate::both_backends!(fn lines_and_totals as expense_lines_and_totals);

fn household(backend: Backend) {
    let app = TestApp::builder(backend).demo().today("2026-11-26").spawn();
    let hiroshi = app.dev_sign_in("demo-tanaka-hiroshi");
    let (_, own, _) = app.api("/api/v1/me/expenses", &hiroshi);
    assert_eq!(persons(&own), ["demo-tanaka-hiroshi"]);
    assert_eq!(own["people"].as_array().unwrap().len(), 1);

    // The card holder sees his daughter (under 18, same card) together with himself.
    let (status, both, _) = app.api("/api/v1/me/expenses?household=1", &hiroshi);
    assert_eq!(status, 200);
    assert_eq!(both["household"], true);
    assert_eq!(persons(&both), ["demo-tanaka-hiroshi", "demo-tanaka-yui"]);
    let people: Vec<&str> = both["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["person_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        people,
        ["demo-tanaka-hiroshi", "demo-tanaka-yui"],
        "person on screen first"
    );
    assert!(newest_first(both["lines"].as_array().unwrap()));
    assert_totals_match_lines(&both);
    let own_count = own["lines"].as_array().unwrap().len();
    assert!(both["lines"].as_array().unwrap().len() > own_count);
    // 結衣's medical subsidy shows as 公費負担額.
    assert!(both["totals"]["period"]["public_paid"].as_i64().unwrap() > 0);

    // The daughter does not see her father's notices, household or not.
    let yui = app.dev_sign_in("demo-tanaka-yui");
    let (_, hers, _) = app.api("/api/v1/me/expenses?household=1", &yui);
    assert_eq!(hers["household"], false);
    assert_eq!(persons(&hers), ["demo-tanaka-yui"]);
    // Her history names who looked at her notices.
    let history = app.page("/access", &yui);
    assert!(history.contains("田中　宏さん") && history.contains("（世帯）"));

    // An adult outside the card: nothing of 佐藤 without an expenses grant, and 404 when
    // switched to him.
    let sato = app.dev_sign_in("demo-sato");
    let proxy = app.dev_sign_in("demo-takahashi");
    let grant = |kinds: &str| app.grant(&sato, &proxy, &[kinds], "2099-12-31");
    grant("drugs");
    let (_, alone, _) = app.api("/api/v1/me/expenses?household=1", &proxy);
    assert_eq!(persons(&alone), ["demo-takahashi"]);
    app.view_as(&proxy, "demo-sato");
    let (status, err, _) = app.api("/api/v1/me/expenses", &proxy);
    assert_eq!(status, 404, "drugs were granted, not expenses");
    assert_eq!(err["error"]["code"], "not_found");
    let page = app.fetch("/expenses", Some(&proxy)).text();
    assert!(page.contains("data-testid=\"expenses-no-access\"") && !page.contains("expense-table"));

    grant("expenses");
    let (status, viewed, _) = app.api("/api/v1/me/expenses?household=1", &proxy);
    assert_eq!(status, 200);
    assert_eq!(viewed["person_id"], "demo-sato");
    assert_eq!(persons(&viewed), ["demo-sato", "demo-takahashi"]);
    assert_eq!(viewed["people"][0]["person_id"], "demo-sato");
    assert_totals_match_lines(&viewed);
}

crate::both_backends!(fn household as household_view_follows_the_access_rule);

/// December's notices appear on February 9, other months' on the 11th of the month after next.
#[test]
fn publication_boundaries() {
    for (today, december_out) in [("2026-02-08", false), ("2026-02-09", true)] {
        let app = TestApp::builder(Backend::Sqlite)
            .demo()
            .today(today)
            .spawn();
        let hiroshi = app.dev_sign_in("demo-tanaka-hiroshi");
        let (_, body, _) = app.api(
            "/api/v1/me/expenses?from=2025-10&to=2026-02&household=1",
            &hiroshi,
        );
        let months: Vec<&str> = body["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["service_month"].as_str().unwrap())
            .collect();
        assert!(
            months.contains(&"2025-11"),
            "{today}: November is out since Jan 11"
        );
        assert_eq!(
            months.contains(&"2025-12"),
            december_out,
            "{today}: {months:?}"
        );
        assert!(
            !months.contains(&"2026-01"),
            "{today}: January waits for Mar 11"
        );
        let pending: Vec<&str> = body["totals"]["incomplete"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["month"].as_str().unwrap())
            .collect();
        let expected: &[&str] = if december_out {
            &["2026-01", "2026-02"]
        } else {
            &["2025-12", "2026-01", "2026-02"]
        };
        assert_eq!(pending, expected, "{today}");
    }
    for (today, january_out) in [("2026-03-10", false), ("2026-03-11", true)] {
        let app = TestApp::builder(Backend::Sqlite)
            .demo()
            .today(today)
            .spawn();
        let hiroshi = app.dev_sign_in("demo-tanaka-hiroshi");
        let (_, body, _) = app.api(
            "/api/v1/me/expenses?from=2026-01&to=2026-01&household=1",
            &hiroshi,
        );
        let shown = !body["lines"].as_array().unwrap().is_empty();
        assert_eq!(shown, january_out, "{today}");
        assert_eq!(
            body["totals"]["incomplete"].as_array().unwrap().is_empty(),
            january_out
        );
    }
}

/// The page shows the same lines and totals as the API, labels whose each line is in the
/// household view, and says what to do when something is wrong.
#[test]
fn the_page_shows_the_same_lines_and_totals_as_the_api() {
    let app = TestApp::builder(Backend::Sqlite)
        .demo()
        .today("2026-11-26")
        .spawn();
    let hiroshi = app.dev_sign_in("demo-tanaka-hiroshi");
    let (_, api, _) = app.api(
        "/api/v1/me/expenses?from=2025-01&to=2025-12&household=1",
        &hiroshi,
    );
    let r = app.get_with("/expenses?from=2025-01&to=2025-12&household=1", &hiroshi);
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let page = r.into_string().unwrap();
    let lines = api["lines"].as_array().unwrap();
    assert_eq!(page.matches("<tr data-person=").count(), lines.len());
    assert_eq!(
        page.matches("<tr data-person=\"demo-tanaka-yui\"").count(),
        lines
            .iter()
            .filter(|l| l["claim"]["person"] == "demo-tanaka-yui")
            .count()
    );
    assert!(
        page.contains("data-col=\"person\""),
        "lines say whose they are"
    );
    assert!(page.contains("田中　結衣"));
    let patient = api["totals"]["period"]["patient_paid"].as_i64().unwrap();
    let shown = format!("{}円", domain::money::group_thousands(patient));
    assert!(page.contains(&shown), "period total {shown}");
    assert!(page.contains("href=\"/deduction?year=2025&amp;household=1\""));
    assert!(
        page.contains("<svg") && page.contains("role=\"img\""),
        "server-drawn chart"
    );
    assert!(
        page.contains("柔道整復") && page.contains("2月9日"),
        "what is and is not included"
    );
    // The household checkbox keeps the period; the preset chips keep the household.
    assert!(page.contains("name=\"household\" value=\"1\" checked"));
    assert!(page.contains("?preset=last_year&amp;household=1"));

    // Without the household: only his lines, no person column.
    let page = app
        .get_with("/expenses?from=2025-01&to=2025-12", &hiroshi)
        .into_string()
        .unwrap();
    assert!(
        !page.contains("data-person=\"demo-tanaka-yui\"") && !page.contains("data-col=\"person\"")
    );

    let page = app
        .get_with("/expenses?from=2025-13&to=2025-01", &hiroshi)
        .into_string()
        .unwrap();
    assert!(page.contains("data-testid=\"expenses-error\"") && page.contains("2025-01"));
    let page = app
        .get_with("/expenses?from=2021-01&to=2021-03", &hiroshi)
        .into_string()
        .unwrap();
    assert!(page.contains("data-testid=\"expenses-empty\""));
    let page = app.get("/expenses").into_string().unwrap();
    assert!(!page.contains("expense-table") && page.contains("/signin"));
}
