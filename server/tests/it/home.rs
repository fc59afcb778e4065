//! ホーム (the dashboard) and the footer's "data as of", over real HTTP on both backends: what
//! 佐藤 sees (medicines, values outside the bands, this year's costs and the estimate,
//! freshness), what a card holder sees for 田中 結衣 (a child: no checkups, said plainly), a
//! proxy with one kind, and a proxy's views shown to the person at the next sign-in.

use crate::helpers::{Backend, TestApp};

const TODAY: &str = "2026-11-26";

/// The page's text without tags or comments, whitespace folded (what a reader sees).
pub(crate) fn text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // A tag separates words; a comment (a rendering marker) does not.
        let (end, gap) = if rest.starts_with("<!--") {
            (rest.find("-->").map(|j| j + 3), "")
        } else {
            (rest.find('>').map(|j| j + 1), " ")
        };
        match end {
            Some(j) => {
                out.push_str(gap);
                rest = &rest[j..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The element that carries `data-testid="{id}"`, from its tag to the matching close of the
/// same tag name (no nesting of that tag inside: good for sections, tables, paragraphs).
pub(crate) fn part(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("data-testid=\"{id}\""))?;
    let open = html[..at].rfind('<')?;
    let tag: String = html[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let close = format!("</{tag}>");
    let end = html[at..].find(&close)? + at + close.len();
    Some(html[open..end].to_owned())
}

fn app(backend: Backend) -> TestApp {
    TestApp::builder(backend).demo().today(TODAY).spawn()
}

fn sato_dashboard(backend: Backend) {
    let app = app(backend);
    let sato = app.dev_sign_in("demo-sato");
    let html = app.page("/", &sato);
    let page = text(&html);
    assert!(page.contains("ホーム"), "{page}");
    // Medicines of the last three months, by ingredient, with what is left of a running supply.
    let meds = part(&html, "home-meds").expect("medicines");
    assert!(meds.contains("data-testid=\"meds-table\""), "{meds}");
    assert!(
        text(&meds).contains("最後の調剤日"),
        "the last dispensing is named"
    );
    // The latest checkup: values outside the bands, the previous value and the movement.
    let check = part(&html, "home-checkup").expect("checkup");
    let outside = part(&check, "check-outside").expect("values outside the bands");
    assert!(
        outside.contains("data-band=\"guidance\"") || outside.contains("data-band=\"referral\""),
        "{outside}"
    );
    assert!(
        !outside.contains("<tr data-band=\"normal\""),
        "only values outside the bands are listed"
    );
    let check_text = text(&check);
    assert!(check_text.contains("前回"), "{check_text}");
    assert!(
        ["上がった", "下がった", "変わらず"]
            .iter()
            .any(|m| check_text.contains(m)),
        "how the values moved: {check_text}"
    );
    // This year's costs and the estimate, linked to the workbench of the year.
    let costs = part(&html, "home-costs").expect("costs");
    let paid = text(&part(&costs, "cost-paid").expect("paid"));
    assert!(paid.contains('円') && !paid.starts_with("0円"), "{paid}");
    assert!(part(&costs, "cost-estimate").is_some());
    assert!(costs.contains("href=\"/deduction?year=2026\""), "{costs}");
    assert!(
        part(&costs, "cost-assumed").is_some(),
        "no income entered: the assumption is said"
    );
    // Freshness per kind: a date each, and the months still to come.
    let fresh = part(&html, "fresh-table").expect("freshness");
    for kind in ["drugs", "checkups", "expenses"] {
        assert!(fresh.contains(&format!("data-kind=\"{kind}\"")), "{kind}");
    }
    let fresh_text = text(&fresh);
    assert!(
        !fresh_text.contains("まだデータがありません"),
        "{fresh_text}"
    );
    assert!(
        fresh_text.contains("公開予定"),
        "months still to come: {fresh_text}"
    );
    // The first sign-in says so; no proxy has looked.
    assert!(part(&html, "changes-first").is_some());
    assert!(part(&html, "home-proxy-views").is_none());
    // The dashboard's views are in the access log like any page's.
    let access = text(&app.page("/access", &sato));
    assert!(access.contains("お薬の情報"), "{access}");
}
crate::both_backends!(fn sato_dashboard as home_dashboard_of_sato_on);

/// The footer says what the page says: the drugs page's "data as of" is the footer's date for
/// medicines, on every page, in both languages; signed out there is no such line.
fn footer_agrees_with_the_page(backend: Backend) {
    let app = app(backend);
    let sato = app.dev_sign_in("demo-sato");
    let drugs = app.page("/drugs", &sato);
    let page_date = text(&part(&drugs, "data-as-of").expect("page date"));
    let date = page_date
        .split(": ")
        .nth(1)
        .expect("a date after the label")
        .trim()
        .to_owned();
    assert!(date.ends_with('日'), "{page_date}");
    for path in ["/drugs", "/", "/expenses", "/checkups", "/access"] {
        let footer = text(&part(&app.page(path, &sato), "footer-data-as-of").expect(path));
        assert!(
            footer.contains(&format!("お薬の情報 {date}")),
            "{path}: {footer}"
        );
        assert!(
            !footer.contains("まだデータがありません"),
            "{path}: {footer}"
        );
    }
    let en = format!("{sato}; karte_lang=en");
    let footer = text(&part(&app.page("/drugs", &en), "footer-data-as-of").expect("en"));
    assert!(
        footer.contains("Data as of") && footer.contains("Medicines "),
        "{footer}"
    );
    let signed_out = app.fetch("/", None).text();
    assert!(part(&signed_out, "footer-data-as-of").is_none());
}
crate::both_backends!(fn footer_agrees_with_the_page as footer_data_as_of_matches_the_page_on);

/// A card holder looking at their child: no checkups, said plainly (not an empty table), the
/// child's medicines and costs; no "since your last sign-in" (that is the child's own).
fn child_dashboard(backend: Backend) {
    let app = app(backend);
    let hiroshi = app.dev_sign_in("demo-tanaka-hiroshi");
    app.view_as(&hiroshi, "demo-tanaka-yui");
    for (cookie, says) in [
        (hiroshi.clone(), "40歳以上が対象"),
        (format!("{hiroshi}; karte_lang=en"), "start at age 40"),
    ] {
        let html = app.page("/", &cookie);
        let check = text(&part(&html, "home-checkup").expect("checkup block"));
        assert!(check.contains(says), "{check}");
        assert!(check.contains("田中"), "the child is named: {check}");
        assert!(part(&html, "check-outside").is_none());
        assert!(part(&html, "home-meds").is_some());
        assert!(part(&html, "home-costs").is_some());
        assert!(part(&html, "home-changes").is_none());
        let fresh = text(&part(&html, "fresh-table").expect("freshness"));
        assert!(
            fresh.contains("まだデータがありません") || fresh.contains("No data yet"),
            "the checkups line says there is none: {fresh}"
        );
    }
}
crate::both_backends!(fn child_dashboard as home_dashboard_of_a_child_on);

/// A proxy granted medicines only sees that block; the person, at their next sign-in, sees the
/// proxy's views with 「心当たりがない」, and the report lands like one made on アクセス履歴.
fn proxy_views_reach_the_person(backend: Backend) {
    let app = app(backend);
    let sato = app.dev_sign_in("demo-sato");
    let proxy = app.dev_sign_in("demo-takahashi");
    app.grant(&sato, &proxy, &["drugs"], "2099-12-31");
    app.view_as(&proxy, "demo-sato");
    let seen_by_proxy = app.page("/", &proxy);
    assert!(part(&seen_by_proxy, "meds-table").is_some());
    let costs = part(&seen_by_proxy, "home-costs").expect("costs block");
    assert!(part(&costs, "not-granted").is_some(), "{costs}");
    assert!(part(&seen_by_proxy, "home-proxy-views").is_none());
    app.page("/drugs", &proxy);

    let again = app.dev_sign_in("demo-sato");
    let html = app.page("/", &again);
    let alerts = part(&html, "home-proxy-views").expect("the proxy's views are shown");
    let alerts_text = text(&alerts);
    assert!(alerts_text.contains("高橋"), "{alerts_text}");
    assert!(alerts_text.contains("閲覧"), "{alerts_text}");
    assert!(alerts_text.contains("心当たりがない"), "{alerts_text}");
    assert!(
        part(&html, "changes-first").is_none(),
        "not the first sign-in"
    );
    let action = alerts
        .split("method=\"post\" action=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a report form")
        .to_owned();
    let r = app.post_form(&action, &[], Some(&again));
    assert_eq!(r.status(), 303);
    let after = part(&app.page("/", &again), "home-proxy-views").expect("still listed");
    assert!(text(&after).contains("報告済み"), "{after}");
    // The proxy's own dashboard never lists anyone's views.
    assert!(part(&app.page("/", &proxy), "home-proxy-views").is_none());
}
crate::both_backends!(fn proxy_views_reach_the_person as proxy_views_on_the_dashboard_on);
