//! Proxy grants over real HTTP (issue 14, items 7 and 9): grants are made by an invitation the
//! grantee accepts, so the grant form is no oracle of who exists; every unusable code answers
//! the same; and editing the grantor's 医療費控除 workbench is a grant kind of its own.

use crate::helpers::{Backend, TestApp};
use server::db::Db;

const INVITED: &str = "/proxies?ok=invited&code=";

#[test]
fn the_grant_form_says_nothing_about_anyone() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let sato = app.dev_sign_in("demo-sato");
    // The old form named the grantee: a known and an unknown id now answer alike, with a code.
    for grantee in ["demo-takahashi", "demo-nobody", "p-0000000000000000"] {
        let r = app.post_form(
            "/proxies",
            &[
                ("grantee", grantee),
                ("kinds", "drugs"),
                ("until", "2099-12-31"),
            ],
            Some(&sato),
        );
        assert_eq!(r.status(), 303);
        let to = r.header("location").unwrap().to_owned();
        assert!(to.starts_with(INVITED), "{to}");
        let page = app.page(&to, &sato);
        assert!(!page.contains("高橋") && !page.contains("demo-takahashi"));
    }
    // Before anyone accepts, the grantor's list names nobody.
    let page = app.page("/proxies", &sato);
    assert!(page.contains("data-testid=\"no-proxies\""));
    assert_eq!(page.matches("data-invitation=").count(), 3);
}

#[test]
fn unusable_codes_all_answer_the_same() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let sato = app.dev_sign_in("demo-sato");
    let takahashi = app.dev_sign_in("demo-takahashi");
    let suzuki = app.dev_sign_in("demo-suzuki");
    let used = app.invite(&sato, &["drugs"], "2099-12-31");
    let r = app.post_form("/proxies/accept", &[("code", &used)], Some(&takahashi));
    assert_eq!(r.header("location"), Some("/proxies?ok=accepted"));
    let cancelled = app.invite(&sato, &["drugs"], "2099-12-31");
    let page = app.page("/proxies", &sato);
    let id = page
        .split("data-invitation=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    // Only the grantor cancels.
    let r = app.post_form(
        &format!("/proxies/invitations/{id}/cancel"),
        &[],
        Some(&takahashi),
    );
    assert_eq!(r.header("location"), Some("/proxies"));
    let r = app.post_form(
        &format!("/proxies/invitations/{id}/cancel"),
        &[],
        Some(&sato),
    );
    assert_eq!(r.header("location"), Some("/proxies?ok=cancelled"));
    let settings = app.settings().clone();
    let expired = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async move {
            let db = Db::connect(&settings).await.unwrap();
            let kinds = domain::access::AccessKinds::parse_list("drugs").unwrap();
            let eight_days_ago = chrono::Utc::now() - chrono::Duration::days(8);
            let code = server::records::invitations::invite(
                &db,
                "demo-sato",
                &kinds,
                crate::fixtures::d(2099, 12, 31),
                eight_days_ago,
            )
            .await
            .unwrap();
            db.close().await;
            code
        });
    for code in [used.as_str(), &cancelled, &expired, "ABCD-EFGH-JKLM", "x"] {
        let r = app.post_form("/proxies/accept", &[("code", code)], Some(&suzuki));
        assert_eq!(
            r.header("location"),
            Some("/proxies/accept?error=unusable"),
            "{code}"
        );
        let page = app
            .get_with(&format!("/proxies/accept?code={code}"), &suzuki)
            .into_string()
            .unwrap();
        assert!(page.contains("data-testid=\"offer-unusable\""), "{code}");
        assert!(!page.contains("佐藤"), "{code}");
    }
    // Nothing of 佐藤's reached 鈴木.
    let home = app.page("/", &suzuki);
    assert!(!home.contains("viewing-select"));
    // Signed out, nothing is accepted.
    let r = app.post_form("/proxies/accept", &[("code", &cancelled)], None);
    assert_eq!(r.header("location"), Some("/signin"));
}

fn editing_the_deduction_needs_its_own_grant(backend: Backend) {
    let app = TestApp::spawn(backend, true);
    let sato = app.dev_sign_in("demo-sato");
    let proxy = app.dev_sign_in("demo-takahashi");
    app.grant(&sato, &proxy, &["expenses"], "2099-12-31");
    app.view_as(&proxy, "demo-sato");
    let page = app
        .get_with("/deduction?year=2025", &proxy)
        .into_string()
        .unwrap();
    assert!(
        page.contains("data-testid=\"read-only\""),
        "a read grant reads"
    );
    assert!(page.contains("data-testid=\"deduction-lines\""));
    let edit = [("op", "income"), ("income", "5000000")];
    let r = app.post_form("/deduction/2025/edit", &edit, Some(&proxy));
    assert_eq!(r.status(), 404, "reading expenses does not allow editing");
    let add = [
        ("op", "add"),
        ("for_name", "佐藤　健一"),
        ("payee", "整骨院"),
        ("category", "treatment"),
        ("amount", "3000"),
    ];
    assert_eq!(
        app.post_form("/deduction/2025/edit", &add, Some(&proxy))
            .status(),
        404
    );
    let own = app
        .get_with("/deduction?year=2025", &sato)
        .into_string()
        .unwrap();
    assert!(!own.contains("value=\"5000000\"") && !own.contains("整骨院"));
    assert!(!own.contains("data-testid=\"read-only\""));

    app.grant(&sato, &proxy, &["expenses", "deduction_edit"], "2099-12-31");
    let r = app.post_form("/deduction/2025/edit", &edit, Some(&proxy));
    assert_eq!(r.header("location"), Some("/deduction?year=2025&ok=saved"));
    let page = app
        .get_with("/deduction?year=2025", &proxy)
        .into_string()
        .unwrap();
    assert!(!page.contains("data-testid=\"read-only\""));
    let own = app
        .get_with("/deduction?year=2025", &sato)
        .into_string()
        .unwrap();
    assert!(
        own.contains("value=\"5000000\""),
        "the proxy's change is on 佐藤's workbench"
    );
    let history = app.page("/access", &sato);
    assert!(history.contains("data-action=\"change\""));
}

crate::both_backends!(fn editing_the_deduction_needs_its_own_grant as editing_the_deduction_needs_its_own_grant_on);
