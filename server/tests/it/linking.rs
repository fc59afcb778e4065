//! The linking step over real HTTP (issue 14, item 1): all card fields, no second link, a
//! throttle kept in the database, failed attempts in the victim's access history, unlinking
//! only after a fresh sign-in, and the insurer's one-time code where it is required.

use crate::helpers::{block_on, Backend, TestApp, TestDb};
use server::auth::{accounts, session};
use server::db::Db;

/// A signed-in account that is not linked to anyone (as after a first OIDC sign-in), whose
/// session began `age` ago; the `Cookie` header value.
fn session_of(app: &TestApp, subject: &str, age: chrono::Duration) -> String {
    let settings = app.settings().clone();
    block_on(async move {
        let db = Db::connect(&settings).await.unwrap();
        let account = accounts::find_or_create(&db, "urn:test", subject)
            .await
            .unwrap();
        let t = session::Timeouts::from_settings(&settings.auth);
        let token = session::create(&db, &account.id, t, chrono::Utc::now() - age)
            .await
            .unwrap();
        db.close().await;
        format!("__Host-karte_session={token}")
    })
}

fn unlinked(app: &TestApp, subject: &str) -> String {
    session_of(app, subject, chrono::Duration::zero())
}

/// 佐藤 健一's card as the demo insurer registered it.
const SATO: [(&str, &str); 5] = [
    ("insurer_number", "01130012"),
    ("symbol", "4131"),
    ("number", "20573"),
    ("branch", "00"),
    ("birth_date", "1974-06-12"),
];

fn with(
    form: &[(&'static str, &'static str)],
    key: &str,
    value: &'static str,
) -> Vec<(&'static str, &'static str)> {
    form.iter()
        .map(|(k, v)| (*k, if *k == key { value } else { *v }))
        .collect()
}

fn link(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> String {
    let r = app.post_form("/auth/link", form, Some(cookie));
    assert_eq!(r.status(), 303);
    r.header("location").unwrap_or_default().to_owned()
}

fn guessing_the_number_is_locked_out(backend: Backend) {
    let app = TestApp::spawn(backend, true);
    let attacker = unlinked(&app, "attacker");
    // A relative knows 結衣's insurer and birth date and walks through card numbers.
    let guess = |n: &'static str| {
        [
            ("insurer_number", "06132013"),
            ("symbol", "52"),
            ("number", n),
            ("branch", "02"),
            ("birth_date", "2015-05-27"),
        ]
    };
    for (i, n) in ["1170", "1171", "1172", "1173"].into_iter().enumerate() {
        assert_eq!(
            link(&app, &attacker, &guess(n)),
            "/link?error=no_match",
            "try {i}"
        );
    }
    let fifth = link(&app, &attacker, &guess("1174"));
    assert!(fifth.starts_with("/link?error=locked&until="), "{fifth}");
    // Now even the right number is refused, and says until when.
    let right = link(&app, &attacker, &guess("1180"));
    assert!(right.starts_with("/link?error=locked&until="), "{right}");
    let page = app.page(&right, &attacker);
    assert!(
        page.contains("受け付けを一時停止しています"),
        "a plain message"
    );
    assert!(page.contains(&right["/link?error=locked&until=".len()..].replace('T', " ")));
    // The child's access history (read by her card holder, or herself later) shows the tries.
    let yui = app.dev_sign_in("demo-tanaka-yui");
    let history = app.page("/access", &yui);
    assert!(
        history.matches("data-action=\"link_failed\"").count() >= 5,
        "every failed try aimed at her is in her history"
    );
    assert!(history.contains("本人確認前のサインイン"));
}

crate::both_backends!(fn guessing_the_number_is_locked_out as guessing_the_number_is_locked_out_on);

#[test]
fn one_address_is_locked_out_across_accounts() {
    let app = TestApp::builder(Backend::Sqlite)
        .demo()
        .settings(|s| s.auth.link_failures_per_address = 3)
        .spawn();
    let wrong = with(&SATO, "number", "20574");
    let first = unlinked(&app, "first");
    assert_eq!(link(&app, &first, &wrong), "/link?error=no_match");
    assert_eq!(link(&app, &first, &wrong), "/link?error=no_match");
    let second = unlinked(&app, "second");
    assert!(link(&app, &second, &wrong).starts_with("/link?error=locked"));
    assert!(link(&app, &second, &SATO).starts_with("/link?error=locked"));
}

#[test]
fn every_card_field_must_match() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let me = unlinked(&app, "sato");
    assert_eq!(
        link(&app, &me, &with(&SATO, "symbol", "4132")),
        "/link?error=no_match",
        "a wrong 記号"
    );
    assert_eq!(
        link(&app, &me, &with(&SATO, "symbol", "")),
        "/link?error=no_match",
        "a missing 記号"
    );
    assert_eq!(
        link(&app, &me, &with(&SATO, "branch", "01")),
        "/link?error=no_match",
        "a wrong 枝番"
    );
    assert_eq!(
        link(&app, &me, &with(&SATO, "branch", "x")),
        "/link?error=card",
        "a malformed 枝番 says what is wrong"
    );
    assert_eq!(link(&app, &me, &SATO), "/");
    let home = app.page("/", &me);
    assert!(home.contains("佐藤　健一さん"));
}

#[test]
fn a_linked_account_cannot_link_again() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let me = unlinked(&app, "relinker");
    assert_eq!(link(&app, &me, &SATO), "/");
    let takahashi = [
        ("insurer_number", "138016"),
        ("symbol", "横浜"),
        ("number", "7720451"),
        ("branch", "00"),
        ("birth_date", "1979-11-30"),
    ];
    assert_eq!(link(&app, &me, &takahashi), "/link?error=account_linked");
    let page = app
        .get_with("/link?error=account_linked", &me)
        .into_string()
        .unwrap();
    assert!(page.contains("このサインインはすでにご本人と結び付いています"));
    let home = app.page("/", &me);
    assert!(home.contains("佐藤　健一さん") && !home.contains("高橋"));
    // Another account cannot take a person who is linked already.
    let other = unlinked(&app, "other");
    assert_eq!(link(&app, &other, &SATO), "/link?error=linked");
}

#[test]
fn unlinking_needs_a_fresh_sign_in_and_is_audited() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let stale = session_of(&app, "sato", chrono::Duration::minutes(10));
    assert_eq!(link(&app, &stale, &SATO), "/");
    let page = app.page("/account", &stale);
    assert!(page.contains("data-testid=\"unlink\""));
    let r = app.post_form("/auth/unlink", &[], Some(&stale));
    assert_eq!(r.header("location"), Some("/account?error=reauth"));
    let page = app
        .get_with("/account?error=reauth", &stale)
        .into_string()
        .unwrap();
    assert!(page.contains("もう一度サインインしてください"));
    assert!(app
        .get_with("/", &stale)
        .into_string()
        .unwrap()
        .contains("佐藤　健一さん"));
    // A session begun just now may unlink.
    let fresh = session_of(&app, "sato", chrono::Duration::zero());
    let r = app.post_form("/auth/unlink", &[], Some(&fresh));
    assert_eq!(r.header("location"), Some("/link?ok=unlinked"));
    assert!(!app
        .get_with("/", &stale)
        .into_string()
        .unwrap()
        .contains("佐藤　健一さん"));
    let page = app.page("/account", &stale);
    assert!(
        page.contains("href=\"/link\"") && !page.contains("data-testid=\"unlink\""),
        "an unlinked sign-in is sent to the linking step"
    );
    let sato = app.dev_sign_in("demo-sato");
    let history = app.page("/access", &sato);
    assert!(history.contains("data-action=\"unlink\""));
}

#[test]
fn an_insurer_code_can_be_required() {
    let app = TestApp::builder(Backend::Sqlite)
        .demo()
        .settings(|s| s.auth.link_code_required = true)
        .spawn();
    let settings = app.settings().clone();
    let code = block_on(async move {
        let db = Db::connect(&settings).await.unwrap();
        let code = accounts::issue_link_code(
            &db,
            "demo-sato",
            chrono::Duration::days(30),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        let none = accounts::issue_link_code(
            &db,
            "demo-nobody",
            chrono::Duration::days(30),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(none, None);
        db.close().await;
        code
    });
    assert_eq!(code.len(), 14, "{code}");
    let me = unlinked(&app, "sato");
    let page = app.page("/link", &me);
    assert!(page.contains("name=\"code\""), "the form asks for the code");
    assert_eq!(link(&app, &me, &SATO), "/link?error=no_match", "no code");
    let mut wrong = SATO.to_vec();
    wrong.push(("code", "AAAA-AAAA-AAAA"));
    assert_eq!(
        link(&app, &me, &wrong),
        "/link?error=no_match",
        "a wrong code"
    );
    let mut right = SATO.to_vec();
    let typed = code.to_lowercase().replace('-', " ");
    right.push(("code", &typed));
    assert_eq!(
        link(&app, &me, &right),
        "/",
        "the right code, typed loosely"
    );
    // Used once: after unlinking, the same code does not link again.
    assert_eq!(
        app.post_form("/auth/unlink", &[], Some(&me))
            .header("location"),
        Some("/link?ok=unlinked")
    );
    assert_eq!(link(&app, &me, &right), "/link?error=no_match");
}

#[test]
fn the_cli_issues_a_code_for_a_known_person_only() {
    let db = TestDb::new(Backend::Sqlite);
    let karte = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_karte"))
            .args(args)
            .env_remove("KARTE_DATABASE_URL")
            .env("KARTE_DATA_DIR", &db.settings.data_dir)
            .env("KARTE_LOG", "warn")
            .output()
            .unwrap()
    };
    assert!(karte(&["demo"]).status.success());
    let out = karte(&["link-code", "issue", "--person", "demo-sato"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = String::from_utf8(out.stdout).unwrap();
    let code = code.trim();
    assert_eq!(code.len(), 14, "{code}");
    assert!(code
        .chars()
        .all(|c| c == '-' || c.is_ascii_uppercase() || c.is_ascii_digit()));
    let out = karte(&["link-code", "issue", "--person", "demo-nobody"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no person demo-nobody"));
}
