//! Open redirects: `/lang?next=` and the sign-in's return address go only to paths on our own
//! origin, whatever the text (tabs and newlines, which browsers drop, included).

use crate::helpers::{Backend, TestApp};
use crate::signin::{app_with, Provider};

/// `next=` values that must land on "/": each one leaves the site in some browser, or once
/// broke the response.
const HOSTILE: &[&str] = &[
    "%2F%09%2Fevil.example",
    "%2F%0A%2Fevil.example",
    "%2F%0D%0A%2Fevil.example",
    "%2Fdrugs%0ASet-Cookie%3A%20x%3D1",
    "%2F%2Fevil.example",
    "%2F%5Cevil.example",
    "https%3A%2F%2Fevil.example",
    "%09%2F%2Fevil.example",
];

#[test]
fn lang_next_stays_on_this_origin() {
    let app = TestApp::spawn(Backend::Sqlite, false);
    for next in HOSTILE {
        let r = app.get(&format!("/lang?to=en&next={next}"));
        assert_eq!(r.status(), 303, "{next}");
        assert_eq!(r.header("location"), Some("/"), "{next}");
    }
    let r = app.get("/lang?to=en&next=%2Fdrugs%3Ffrom%3D2025-01");
    assert_eq!(r.header("location"), Some("/drugs?from=2025-01"));
}

#[test]
fn sign_in_return_address_stays_on_this_origin() {
    let provider = Provider::start();
    let app = app_with(&provider);
    for next in HOSTILE.iter().chain(&["%2Fdrugs%3Ffrom%3D2025-01"]) {
        let r = app.get(&format!("/auth/login?next={next}"));
        assert_eq!(r.status(), 303, "{next}");
        let to = r.header("location").unwrap_or("");
        assert!(to.starts_with(&provider.issuer), "{next}: {to}");
    }
    let stored: Vec<String> = block_on_db(&app, |pool| async move {
        sqlx::query_scalar::<_, String>("SELECT return_to FROM login_states ORDER BY created_at")
            .fetch_all(&pool)
            .await
            .unwrap()
    });
    let mut expected = vec!["/".to_owned(); HOSTILE.len()];
    expected.push("/drugs?from=2025-01".to_owned());
    assert_eq!(stored, expected);
}

/// Runs a query on the app's SQLite file.
pub(crate) fn block_on_db<F, Fut, T>(app: &TestApp, f: F) -> T
where
    F: FnOnce(sqlx::SqlitePool) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let path = app.settings().data_dir.join("karte.sqlite3");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async move {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            f(pool).await
        })
}
