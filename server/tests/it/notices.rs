//! Page notices: every `?ok=…`/`?error=…` a form handler can redirect with is one
//! `app::notice::Notice`, and each one shows its message on the page it lands on — a code the
//! page does not know is a notice nobody sees (the `/proxies?error=unavailable` bug).

use crate::helpers::{Backend, TestApp};
use app::i18n::Lang;
use app::notice::{Notice, NoticePage};

#[test]
fn every_notice_shows_its_message_on_each_page_it_lands_on() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    let mut unseen = Vec::new();
    let mut checked = 0;
    for notice in Notice::ALL {
        for page in notice.pages() {
            let path = format!("{}?{}", page.path(), notice.query());
            let r = app.get_with(&path, &cookie);
            let status = r.status();
            let body = r.into_string().unwrap();
            let text = Lang::Ja.t(notice.msg());
            if status != 200 || !body.contains(text) {
                unseen.push(format!("{path} ({status}): {text}"));
            }
            checked += 1;
        }
    }
    assert!(unseen.is_empty(), "notices nobody sees: {unseen:#?}");
    assert!(checked >= Notice::ALL.len());
}

#[test]
fn an_unknown_code_shows_nothing_where_the_page_has_no_fallback() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    for page in [
        NoticePage::Proxies,
        NoticePage::Access,
        NoticePage::Deduction,
    ] {
        let body = app
            .get_with(&format!("{}?error=nope&ok=nope", page.path()), &cookie)
            .into_string()
            .unwrap();
        assert!(!body.contains("data-testid=\"notice\""), "{page:?}");
    }
    // The sign-in page says something rather than nothing.
    let body = app.get("/signin?error=nope").into_string().unwrap();
    assert!(body.contains(Lang::Ja.t(Notice::SignInProvider.msg())));
}

/// The form handlers redirect with the enum's codes: a refused grant lands on a notice the
/// proxies page shows.
#[test]
fn a_refused_grant_lands_on_a_visible_notice() {
    let app = TestApp::spawn(Backend::Sqlite, true);
    let cookie = app.dev_sign_in("demo-sato");
    let r = app.post_form("/proxies", &[("until", "2099-12-31")], Some(&cookie));
    assert_eq!(r.status(), 303);
    let to = r.header("location").unwrap().to_owned();
    assert_eq!(to, Notice::GrantKinds.location());
    let body = app.get_with(&to, &cookie).into_string().unwrap();
    assert!(body.contains(Lang::Ja.t(Notice::GrantKinds.msg())));
}
