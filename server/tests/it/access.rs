//! Who sees what: proxies granted, expired and revoked, the person switcher, the access
//! history with its "not me" report, and a two-person matrix over every route of the app
//! (listed from the router, so a new route cannot escape it).

use crate::helpers::{Backend, TestApp, TestDb};
use domain::access::AccessKind;
use server::db::Db;
use server::records::access;

async fn proxies_follow_kind_expiry_and_revocation(db: &Db) {
    let today = crate::fixtures::d(2026, 11, 26);
    server::demo::load(db, today).await.unwrap();
    let (a, b) = ("demo-sato", "demo-takahashi");
    assert!(
        access::may_view(db, a, a, AccessKind::Drugs, today)
            .await
            .unwrap(),
        "yourself"
    );
    assert!(
        !access::may_view(db, b, a, AccessKind::Drugs, today)
            .await
            .unwrap(),
        "nobody else by default"
    );
    let kinds =
        domain::access::AccessKinds::new([AccessKind::Drugs, AccessKind::Expenses]).unwrap();
    assert!(
        access::grant(db, a, b, &kinds, crate::fixtures::d(2026, 12, 31))
            .await
            .unwrap()
    );
    assert!(access::may_view(db, b, a, AccessKind::Drugs, today)
        .await
        .unwrap());
    assert!(
        !access::may_view(db, b, a, AccessKind::Checkups, today)
            .await
            .unwrap(),
        "only the granted kinds"
    );
    assert!(
        !access::may_view(db, a, b, AccessKind::Drugs, today)
            .await
            .unwrap(),
        "grants go one way"
    );
    assert!(
        access::may_view(
            db,
            b,
            a,
            AccessKind::Drugs,
            crate::fixtures::d(2026, 12, 31)
        )
        .await
        .unwrap(),
        "the end date is included"
    );
    assert!(
        !access::may_view(db, b, a, AccessKind::Drugs, crate::fixtures::d(2027, 1, 1))
            .await
            .unwrap(),
        "then it ends"
    );
    let viewable = access::viewable(db, b, today).await.unwrap();
    assert_eq!(
        viewable
            .iter()
            .map(|v| v.person_id.as_str())
            .collect::<Vec<_>>(),
        [b, a]
    );
    let grant = access::grants_given(db, a, today).await.unwrap().remove(0);
    assert!(
        !access::revoke(db, b, grant.id).await.unwrap(),
        "only the grantor revokes"
    );
    assert!(access::revoke(db, a, grant.id).await.unwrap());
    assert!(
        !access::may_view(db, b, a, AccessKind::Drugs, today)
            .await
            .unwrap(),
        "revoked at once"
    );
    assert!(
        !access::grant(db, a, "demo-nobody", &kinds, today)
            .await
            .unwrap(),
        "unknown grantee"
    );
}

async fn card_holders_see_their_minor_dependants_only(db: &Db) {
    let today = crate::fixtures::d(2026, 11, 26);
    server::demo::load(db, today).await.unwrap();
    // 田中 宏 holds the card (枝番 00); 結衣 (2015) is a dependant on it (枝番 02).
    let (parent, child) = ("demo-tanaka-hiroshi", "demo-tanaka-yui");
    for kind in AccessKind::ALL {
        assert!(access::may_view(db, parent, child, kind, today)
            .await
            .unwrap());
    }
    assert!(
        !access::may_view(db, child, parent, AccessKind::Drugs, today)
            .await
            .unwrap(),
        "not the other way round"
    );
    assert!(
        !access::may_view(db, "demo-sato", child, AccessKind::Drugs, today)
            .await
            .unwrap(),
        "not other card holders"
    );
    let viewable = access::viewable(db, parent, today).await.unwrap();
    assert_eq!(
        viewable
            .iter()
            .map(|v| v.person_id.as_str())
            .collect::<Vec<_>>(),
        [parent, child]
    );
    // From her 18th birthday on, she decides herself (a grant).
    let adult = crate::fixtures::d(2033, 5, 27);
    assert!(
        !access::may_view(db, parent, child, AccessKind::Drugs, adult)
            .await
            .unwrap()
    );
}

crate::both_backends!(
    proxies_follow_kind_expiry_and_revocation,
    card_holders_see_their_minor_dependants_only
);

#[test]
fn grant_switch_revoke_and_report_through_the_pages() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let sato = app.dev_sign_in("demo-sato");
    let proxy = app.dev_sign_in("demo-takahashi");

    let page = app.page("/proxies", &sato);
    assert!(page.contains("data-testid=\"no-proxies\""));
    assert!(
        !page.contains("name=\"grantee\""),
        "nobody is named to grant"
    );
    let code = app.invite(&sato, &["drugs", "checkups"], "2099-12-31");
    let r = app.post_form("/proxies", &[("until", "2099-12-31")], Some(&sato));
    assert_eq!(r.header("location"), Some("/proxies?error=kinds"));
    let page = app
        .get_with(&format!("/proxies?ok=invited&code={code}"), &sato)
        .into_string()
        .unwrap();
    assert!(page.contains(&code) && page.contains("data-testid=\"invitations-table\""));
    let r = app.post_form("/proxies/accept", &[("code", &code)], Some(&sato));
    assert_eq!(r.header("location"), Some("/proxies/accept?error=own"));
    let offer = app
        .get_with(&format!("/proxies/accept?code={code}"), &proxy)
        .into_string()
        .unwrap();
    assert!(offer.contains("佐藤　健一さん") && offer.contains("data-testid=\"offer\""));
    let r = app.post_form("/proxies/accept", &[("code", &code)], Some(&proxy));
    assert_eq!(r.header("location"), Some("/proxies?ok=accepted"));
    let page = app.page("/proxies", &sato);
    assert!(page.contains("data-grantee=\"demo-takahashi\""));
    assert!(
        !page.contains("data-testid=\"invitations-table\""),
        "used up"
    );

    // The proxy can switch to sato; the header says so.
    let home = app.page("/", &proxy);
    assert!(home.contains("data-testid=\"viewing-select\""));
    let r = app.view_as(&proxy, "demo-sato");
    assert_eq!(r.status(), 303);
    let home = app.page("/", &proxy);
    assert!(
        home.contains("佐藤　健一さん（代理で表示）"),
        "whose records are on screen is always shown"
    );
    // Switching to someone who granted nothing is ignored.
    app.view_as(&proxy, "demo-suzuki");
    assert!(app
        .get_with("/", &proxy)
        .into_string()
        .unwrap()
        .contains("佐藤　健一さん（代理で表示）"));

    // Revoke: at once, the proxy is back to their own records.
    let id = page
        .split("/proxies/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_owned();
    let r = app.post_form(&format!("/proxies/{id}/revoke"), &[], Some(&proxy));
    assert_eq!(
        r.header("location"),
        Some("/proxies"),
        "the proxy cannot revoke the grantor's grant"
    );
    assert!(app
        .get_with("/", &proxy)
        .into_string()
        .unwrap()
        .contains("佐藤　健一さん（代理で表示）"));
    let r = app.post_form(&format!("/proxies/{id}/revoke"), &[], Some(&sato));
    assert_eq!(r.header("location"), Some("/proxies?ok=revoked"));
    let home = app.page("/", &proxy);
    assert!(home.contains("高橋　美咲さん（本人）"));
    assert!(!home.contains("viewing-select"));

    // Access history: sato sees her sign-in, the grant and the revocation, and can report one.
    let history = app.page("/access", &sato);
    for action in ["sign_in", "invite", "grant", "revoke"] {
        assert!(
            history.contains(&format!("data-action=\"{action}\"")),
            "{action} missing"
        );
    }
    let entry = history
        .split("/access/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_owned();
    // Someone else cannot report sato's entries.
    app.post_form(&format!("/access/{entry}/report"), &[], Some(&proxy));
    assert!(!app
        .get_with("/access", &proxy)
        .into_string()
        .unwrap()
        .contains("報告済み"));
    let r = app.post_form(&format!("/access/{entry}/report"), &[], Some(&sato));
    assert_eq!(r.header("location"), Some("/access?ok=reported"));
    let history = app.page("/access", &sato);
    assert!(history.contains("報告済み"));
    assert!(history.contains("data-action=\"report\""));
}

/// Marker values only person A's pages could contain.
const A_MARKERS: &[&str] = &["佐藤", "demo-sato", "01130012", "20573"];

#[test]
fn person_b_gets_nothing_of_person_a_on_any_route() {
    let mut db = TestDb::new(Backend::Sqlite);
    // No dev picker: it lists everyone by design and is off in production.
    db.settings.auth.dev_login = false;
    let settings = db.settings.clone();
    let app = TestApp::spawn_with(db, true);
    let (b_cookie, a_entry) = {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let db = Db::connect(&settings).await.unwrap();
            let account = server::auth::accounts::find_or_create(&db, "urn:test", "person-b")
                .await
                .unwrap();
            server::auth::accounts::link(&db, &account.id, "demo-takahashi")
                .await
                .unwrap()
                .unwrap();
            let t = server::auth::session::Timeouts::from_settings(&settings.auth);
            let token = server::auth::session::create(&db, &account.id, t, chrono::Utc::now())
                .await
                .unwrap();
            // Something in A's access history, for B to try to report.
            let event = server::audit::Event::new(server::audit::Action::View)
                .on("demo-sato")
                .detail("drugs");
            server::audit::record(&db, event, chrono::Utc::now())
                .await
                .unwrap();
            let a_entry = server::audit::history(&db, "demo-sato", 1).await.unwrap()[0].id;
            db.close().await;
            (format!("__Host-karte_session={token}"), a_entry)
        })
    };
    let mut routes = server::startup::app_routes();
    // The REST API's person-facing routes (the import API is for machine clients only).
    for path in [
        "/api/v1/me/drugs",
        "/api/v1/me/checkups",
        "/api/v1/me/expenses",
        "/api/v1/me/expenses?household=1",
        "/api/v1/openapi.json",
        "/api/v1/me/deduction/2025.xlsx?household=1",
        "/api/v1/me/deduction/2025.csv",
        "/api/v1/me/fhir/Patient",
        "/api/v1/me/fhir/MedicationDispense",
        "/api/v1/me/fhir/Observation",
        "/api/v1/me/fhir/ExplanationOfBenefit",
        "/api/v1/me/fhir/$everything",
    ] {
        routes.push((path.to_owned(), "GET".to_owned()));
    }
    assert!(routes.len() >= 9, "{routes:?}");
    for (path, method) in routes {
        // Path parameters, if any appear later, get A's identifiers.
        let path = path.replace("{id}", "demo-sato");
        let r = if method == "GET" {
            app.get_with(&path, &b_cookie)
        } else {
            app.post_form(
                &path,
                &[("lang", "Ja"), ("person", "demo-sato")],
                Some(&b_cookie),
            )
        };
        let status = r.status();
        let body = r.into_string().unwrap_or_default();
        for marker in A_MARKERS {
            assert!(
                !body.contains(marker),
                "{method} {path} ({status}) leaks {marker}"
            );
        }
    }
    // Actions aimed at A's things by id change nothing and reveal nothing.
    for path in [
        "/proxies/1/revoke".to_owned(),
        "/proxies/invitations/1/cancel".to_owned(),
        "/proxies/apps/1/revoke".to_owned(),
        format!("/access/{a_entry}/report"),
    ] {
        let r = app.post_form(&path, &[], Some(&b_cookie));
        assert_eq!(r.status(), 303);
        assert!(
            !r.header("location").unwrap_or("").contains("ok="),
            "{path}"
        );
    }
    let r = app.view_as(&b_cookie, "demo-sato");
    assert_eq!(r.status(), 303);
    let home = app.page("/", &b_cookie);
    assert!(home.contains("高橋　美咲さん（本人）") && !home.contains("佐藤"));
}

/// The access history names what was viewed in the page's language: a drugs view of 2025
/// reads お薬の情報 2025年1月〜2025年12月 in Japanese, with no English word, and English in English.
fn access_history_speaks_the_page_language(backend: Backend) {
    let app = TestApp::spawn(backend, true);
    let sato = app.dev_sign_in("demo-sato");
    let r = app.get_with("/drugs?from=2025-01&to=2025-12", &sato);
    assert_eq!(r.status(), 200);
    let r = app.get_with("/api/v1/me/drugs?from=2025-01&to=2025-12", &sato);
    assert_eq!(r.status(), 200);

    let ja = app.page("/access", &sato);
    let table = ja
        .split("data-testid=\"access-table\"")
        .nth(1)
        .expect("the history table");
    let table = table.split("</table>").next().unwrap_or_default();
    assert!(
        table.contains("お薬の情報 2025年1月〜2025年12月"),
        "{table}"
    );
    assert!(
        table.contains("お薬の情報 2025年1月〜2025年12月 連携アプリ経由"),
        "{table}"
    );
    let cells: String = table
        .split('>')
        .filter_map(|s| s.split('<').next())
        .collect();
    for english in ["drugs", "api", "2025-01", ".."] {
        assert!(
            !cells.to_lowercase().contains(english),
            "{english} on the Japanese page: {cells}"
        );
    }

    let en = app
        .get_with("/access", &format!("{sato}; karte_lang=en"))
        .into_string()
        .unwrap();
    assert!(
        en.contains("Medicines 2025-01 – 2025-12 via the API"),
        "{en}"
    );
    assert!(en.contains("Medicines 2025-01 – 2025-12<"), "{en}");
    assert!(!en.contains("お薬の情報 2025年"), "{en}");
}

crate::both_backends!(fn access_history_speaks_the_page_language);
