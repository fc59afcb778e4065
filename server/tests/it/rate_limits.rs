//! Rate limits on sign-in, the import API and the exports (429 with Retry-After), junk sign-in
//! callbacks kept out of the audit log, and stale sign-in requests swept.

use crate::helpers::{Backend, TestApp};
use crate::redirects::block_on_db;
use crate::signin::{app_with, Provider};
use server::rate_limit::RateLimits;

fn app(limits: RateLimits, demo: bool) -> TestApp {
    let app = TestApp::builder(Backend::Sqlite).settings(|s| {
        s.rate_limits = limits;
        s.import_clients = Some(
            "test-insurer=test-import-token-0123456789abcdefghij"
                .parse()
                .unwrap(),
        );
    });
    if demo { app.demo() } else { app }.spawn()
}

fn status_and_retry(r: Result<ureq::Response, ureq::Error>) -> (u16, Option<String>) {
    match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => {
            (r.status(), r.header("retry-after").map(str::to_owned))
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn sign_in_routes_are_limited_and_junk_callbacks_are_not_audited() {
    let app = app(
        RateLimits {
            auth_per_minute: 5,
            ..RateLimits::default()
        },
        false,
    );
    for _ in 0..5 {
        let r = app.get("/auth/callback?state=junk&code=junk");
        assert_eq!(r.status(), 303);
        assert_eq!(r.header("location"), Some("/signin?error=state"));
    }
    let (status, retry) = status_and_retry(
        TestApp::agent()
            .get(&app.url("/auth/callback?state=junk"))
            .call(),
    );
    assert_eq!(status, 429);
    let secs: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&secs), "{secs}");
    let failures: i64 = block_on_db(&app, |pool| async move {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert_eq!(
        failures, 0,
        "callbacks for states we never issued write nothing"
    );
}

/// Guessing invitation codes is budgeted like sign-in: a signed-in account trying codes meets
/// a 429 (GET shows an offer, POST accepts one; both count).
#[test]
fn guessing_invitation_codes_meets_a_429() {
    let app = app(
        RateLimits {
            auth_per_minute: 6,
            ..RateLimits::default()
        },
        true,
    );
    let cookie = app.dev_sign_in("demo-suzuki");
    let mut answers = Vec::new();
    for i in 0..8 {
        let code = format!("guess-{i:04}");
        let r = if i % 2 == 0 {
            TestApp::agent()
                .get(&app.url(&format!("/proxies/accept?code={code}")))
                .set("cookie", &cookie)
                .call()
        } else {
            TestApp::agent()
                .post(&app.url("/proxies/accept"))
                .set("cookie", &cookie)
                .set("origin", &app.url(""))
                .send_form(&[("code", &code)])
        };
        answers.push(status_and_retry(r));
    }
    let first_429 = answers.iter().position(|(s, _)| *s == 429);
    let first_429 = first_429.unwrap_or_else(|| panic!("no 429 in {answers:?}"));
    assert!(
        first_429 >= 1,
        "some guesses are answered before the limit: {answers:?}"
    );
    assert!(answers[..first_429].iter().all(|(s, _)| *s != 429));
    assert!(answers[first_429].1.is_some(), "Retry-After: {answers:?}");
}

#[test]
fn wrong_import_tokens_meet_a_429() {
    let app = app(
        RateLimits {
            import_per_minute: 3,
            ..RateLimits::default()
        },
        false,
    );
    let post = || {
        status_and_retry(
            TestApp::agent()
                .post(&app.url("/api/v1/import"))
                .set(
                    "Authorization",
                    "Bearer wrong-token-wrong-token-wrong-token",
                )
                .send_bytes(b"{}"),
        )
    };
    for _ in 0..3 {
        assert_eq!(post().0, 401);
    }
    let (status, retry) = post();
    assert_eq!(status, 429);
    assert!(retry.is_some());
}

#[test]
fn exports_are_limited_per_account() {
    let app = app(
        RateLimits {
            export_per_minute: 2,
            ..RateLimits::default()
        },
        true,
    );
    let cookie = app.dev_sign_in("demo-sato");
    let get = |path: &str| {
        status_and_retry(
            TestApp::agent()
                .get(&app.url(path))
                .set("Cookie", &cookie)
                .call(),
        )
    };
    assert_eq!(get("/api/v1/me/drugs/pdf").0, 200);
    assert_eq!(get("/api/v1/me/checkups/pdf").0, 200);
    let (status, retry) = get("/api/v1/me/expenses/pdf");
    assert_eq!(status, 429);
    assert!(retry.is_some());
    // Listing the records is not an export and stays open.
    assert_eq!(get("/api/v1/me/drugs").0, 200);
}

#[test]
fn stale_sign_in_requests_are_swept() {
    let provider = Provider::start();
    let app = app_with(&provider);
    block_on_db(&app, |pool| async move {
        sqlx::query(
            "INSERT INTO login_states (state_hash, nonce, pkce, return_to, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind("stale")
        .bind("n")
        .bind("p")
        .bind("/")
        .bind(chrono::Utc::now() - chrono::Duration::hours(2))
        .execute(&pool)
        .await
        .unwrap();
    });
    assert_eq!(app.get("/auth/login").status(), 303);
    let hashes: Vec<String> = block_on_db(&app, |pool| async move {
        sqlx::query_scalar("SELECT state_hash FROM login_states")
            .fetch_all(&pool)
            .await
            .unwrap()
    });
    assert_eq!(hashes.len(), 1);
    assert_ne!(hashes[0], "stale");
}

/// One person asking for many PDFs at once waits for their own: past
/// `KARTE_EXPORTS_IN_FLIGHT` exports in flight their next is a 429 with `Retry-After` and a
/// plain message, while someone else's export is still taken. The exports are held in flight
/// for real: the test locks the table they read (PostgreSQL), so nothing depends on timing.
#[test]
fn one_account_cannot_hold_every_export_slot() {
    use sqlx::Connection;
    let app = TestApp::builder(Backend::Postgres)
        .demo()
        .settings(|s| s.exports_in_flight = 1)
        .spawn();
    let sato = app.dev_sign_in("demo-sato");
    let hiroshi = app.dev_sign_in("demo-tanaka-hiroshi");
    let url = app.database_url().unwrap();
    crate::helpers::block_on(async {
        let mut lock = sqlx::PgConnection::connect(&url).await.unwrap();
        let mut watch = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query("BEGIN").execute(&mut lock).await.unwrap();
        sqlx::query("LOCK TABLE drug_lines IN ACCESS EXCLUSIVE MODE")
            .execute(&mut lock)
            .await
            .unwrap();
        let pdf = |cookie: &str| {
            let (base, cookie) = (app.base.clone(), cookie.to_owned());
            std::thread::spawn(move || {
                let r = ureq::get(&format!("{base}/api/v1/me/drugs/pdf"))
                    .set("Cookie", &cookie)
                    .call();
                match r {
                    Ok(r) | Err(ureq::Error::Status(_, r)) => r.status(),
                    Err(e) => panic!("{e}"),
                }
            })
        };
        let first = pdf(&sato);
        lock_waiters(&mut watch, 1).await;
        // Sato's second at once: refused, with when to come back and why.
        let r = app.get_with("/api/v1/me/drugs/pdf", &sato);
        assert_eq!(r.status(), 429);
        assert_eq!(r.header("retry-after"), Some("2"));
        let body: serde_json::Value = r.into_json().unwrap();
        assert_eq!(body["error"]["code"], "exports_in_flight");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Too many exports at once"),
            "{body}"
        );
        // Someone else's export is taken (it waits on the same lock, not on Sato).
        let other = pdf(&hiroshi);
        lock_waiters(&mut watch, 2).await;
        sqlx::query("COMMIT").execute(&mut lock).await.unwrap();
        assert_eq!(first.join().unwrap(), 200);
        assert_eq!(other.join().unwrap(), 200);
    });
    // The slot came back.
    assert_eq!(app.pdf("/api/v1/me/drugs/pdf", &sato).status, 200);
}

/// Waits until `n` queries of the connection's database wait on a lock.
async fn lock_waiters(watch: &mut sqlx::PgConnection, n: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let got: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut *watch)
        .await
        .unwrap();
        if got >= n {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{got} exports waiting, not {n}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
