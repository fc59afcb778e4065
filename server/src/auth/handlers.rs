//! The sign-in routes. Every outcome is a redirect the browser follows; problems land on
//! `/signin?error=…`, which explains them in the person's language.

use super::accounts::{self, LinkError};
use super::oidc::Oidc;
use super::session::{self, Timeouts};
use super::Principal;
use crate::audit::{self, Action, Event};
use crate::db::Db;
use crate::telemetry::request_id;
use crate::web::see_other as redirect;
use crate::with_pool;
use actix_web::http::header;
use actix_web::{get, post, web, HttpMessage, HttpRequest, HttpResponse};
use app::notice::Notice;
use chrono::{Duration, Utc};
use serde::Deserialize;

/// How long an authorization request may take before its state is refused.
const LOGIN_TTL: Duration = Duration::minutes(10);

pub struct AuthState {
    pub oidc: Oidc,
    pub timeouts: Timeouts,
    pub dev_login: bool,
}

fn signin_error(notice: Notice) -> HttpResponse {
    crate::monitoring::sign_in_failure(notice.code());
    redirect(&notice.location())
}

/// Starts a session for the account (a new id every time: rotation at sign-in) and ends the
/// one the browser came with, if any.
async fn sign_in(
    db: &Db,
    req: &HttpRequest,
    state: &AuthState,
    account: &accounts::Account,
    to: &str,
) -> HttpResponse {
    let previous = req
        .extensions()
        .get::<Principal>()
        .map(|p| p.session.id_hash.clone());
    if let Some(id_hash) = previous {
        let _ = session::delete(db, &id_hash).await;
    }
    match session::create(db, &account.id, state.timeouts, Utc::now()).await {
        Ok(token) => {
            let event = Event::new(Action::SignIn)
                .by_account(&account.id, account.person_id.as_deref())
                .request(request_id(req).as_deref());
            let event = match &account.person_id {
                Some(p) => event.on(p),
                None => event,
            };
            audit::record_or_log(db, event).await;
            let to = if account.person_id.is_some() {
                to
            } else {
                "/link"
            };
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to))
                .cookie(session::cookie(token))
                .finish()
        }
        Err(e) => {
            tracing::error!(error = %e, "session create failed");
            signin_error(Notice::SignInUnavailable)
        }
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

#[get("/auth/login")]
pub async fn login(
    q: web::Query<LoginQuery>,
    db: web::Data<Db>,
    state: web::Data<AuthState>,
    origin: web::Data<crate::origin::PublicOrigin>,
) -> HttpResponse {
    if !state.oidc.enabled() {
        return signin_error(Notice::SignInNotConfigured);
    }
    let request = match state.oidc.start().await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "OIDC start failed");
            return signin_error(Notice::SignInProvider);
        }
    };
    // Requests never finished expire here: every new one sweeps the stale ones.
    let swept = with_pool!(db.get_ref(), pool => sqlx::query("DELETE FROM login_states WHERE created_at < $1")
        .bind(Utc::now() - LOGIN_TTL)
        .execute(pool)
        .await
        .map(|_| ()));
    if let Err(e) = swept {
        tracing::warn!(error = %e, "login state sweep failed");
    }
    let stored = with_pool!(db.get_ref(), pool => sqlx::query(
        "INSERT INTO login_states (state_hash, nonce, pkce, return_to, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(session::hash(&request.state))
    .bind(&request.nonce)
    .bind(&request.pkce_verifier)
    .bind(origin.local_path(q.next.as_deref()))
    .bind(Utc::now())
    .execute(pool)
    .await
    .map(|_| ()));
    if let Err(e) = stored {
        tracing::error!(error = %e, "login state store failed");
        return signin_error(Notice::SignInUnavailable);
    }
    redirect(&request.url)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LoginState {
    nonce: String,
    pkce: String,
    return_to: String,
    created_at: chrono::DateTime<Utc>,
}

/// Takes (and removes) the stored authorization request for `state`, if it is ours and recent.
async fn take_login_state(db: &Db, state: &str) -> Option<LoginState> {
    let key = session::hash(state);
    let row: Option<LoginState> = with_pool!(db, pool => sqlx::query_as(
        "DELETE FROM login_states WHERE state_hash = $1 RETURNING nonce, pkce, return_to, created_at",
    )
    .bind(&key)
    .fetch_optional(pool)
    .await
    .ok()
    .flatten());
    row.filter(|r| Utc::now() - r.created_at < LOGIN_TTL)
}

#[get("/auth/callback")]
pub async fn callback(
    req: HttpRequest,
    q: web::Query<CallbackQuery>,
    db: web::Data<Db>,
    state: web::Data<AuthState>,
) -> HttpResponse {
    let failed = |why: Notice| {
        let db = db.clone();
        let rid = request_id(&req);
        async move {
            audit::record_or_log(
                &db,
                Event::new(Action::SignInFailed)
                    .detail(why.code())
                    .request(rid.as_deref()),
            )
            .await;
            signin_error(why)
        }
    };
    // Only a callback for a sign-in we started is audited: junk calls (no state, or not
    // ours) are refused without writing to the insert-only log.
    let pending = match q.state.as_deref() {
        Some(st) => take_login_state(&db, st).await,
        None => None,
    };
    let Some(pending) = pending else {
        return signin_error(if q.error.is_some() {
            Notice::SignInCancelled
        } else {
            Notice::SignInState
        });
    };
    if q.error.is_some() {
        return failed(Notice::SignInCancelled).await;
    }
    let Some(code) = q.code.clone() else {
        return failed(Notice::SignInState).await;
    };
    let identity = match state.oidc.finish(code, pending.pkce, pending.nonce).await {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(error = %e, "OIDC callback refused");
            return failed(Notice::SignInProvider).await;
        }
    };
    match accounts::find_or_create(&db, &identity.issuer, &identity.subject).await {
        Ok(account) => sign_in(&db, &req, &state, &account, &pending.return_to).await,
        Err(e) => {
            tracing::error!(error = %e, "account lookup failed");
            signin_error(Notice::SignInUnavailable)
        }
    }
}

#[derive(Deserialize)]
pub struct DevForm {
    person: String,
}

#[post("/auth/dev")]
pub async fn dev_sign_in(
    req: HttpRequest,
    form: web::Form<DevForm>,
    db: web::Data<Db>,
    state: web::Data<AuthState>,
) -> HttpResponse {
    if !state.dev_login {
        return HttpResponse::NotFound().finish();
    }
    let Ok(person) = domain::people::PersonId::parse(&form.person) else {
        return signin_error(Notice::SignInDev);
    };
    let result = async {
        let account = accounts::find_or_create(&db, super::dev::ISSUER, person.as_str()).await?;
        let linked = accounts::link(&db, &account.id, person.as_str()).await?;
        Ok::<_, crate::db::DbError>((account, linked))
    }
    .await;
    match result {
        Ok((account, Ok(person))) => {
            let account = accounts::Account {
                person_id: Some(person),
                ..account
            };
            sign_in(&db, &req, &state, &account, "/").await
        }
        Ok((_, Err(LinkError::AlreadyLinked | LinkError::AccountLinked))) => {
            signin_error(Notice::SignInLinked)
        }
        Ok((_, Err(LinkError::NoMatch))) => signin_error(Notice::SignInDev),
        Err(e) => {
            tracing::error!(error = %e, "dev sign-in failed");
            signin_error(Notice::SignInUnavailable)
        }
    }
}

/// Ends this session (`everywhere`: every session of the account), audits it, and clears the
/// cookie.
async fn sign_out(req: &HttpRequest, db: &Db, everywhere: bool) -> HttpResponse {
    let principal = req.extensions().get::<Principal>().cloned();
    if let Some(p) = principal {
        let (ended, action) = if everywhere {
            (
                session::delete_all(db, p.account_id()).await.map(|_| ()),
                Action::SignOutEverywhere,
            )
        } else {
            (
                session::delete(db, &p.session.id_hash).await,
                Action::SignOut,
            )
        };
        if let Err(e) = ended {
            tracing::error!(error = %e, "session delete failed");
        }
        let event = Event::new(action).by_account(p.account_id(), p.person_id());
        audit::record_or_log(db, event.request(request_id(req).as_deref())).await;
    }
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/signin?signed_out=1"))
        .cookie(session::removal_cookie())
        .finish()
}

#[post("/auth/logout")]
pub async fn logout(req: HttpRequest, db: web::Data<Db>) -> HttpResponse {
    sign_out(&req, &db, false).await
}

#[post("/auth/logout-everywhere")]
pub async fn logout_everywhere(req: HttpRequest, db: web::Data<Db>) -> HttpResponse {
    sign_out(&req, &db, true).await
}

/// The session service the pages use ("stay signed in").
pub struct SqlSessions {
    pub db: Db,
    pub timeouts: Timeouts,
}

impl app::services::Sessions for SqlSessions {
    fn keep_alive(&self) -> app::services::BoxFuture<'_, Result<i64, app::error::AppError>> {
        // Read the principal before the first await: the request is not Send.
        let principal = leptos::prelude::use_context::<leptos_actix::Request>()
            .and_then(|req| req.extensions().get::<Principal>().cloned());
        Box::pin(async move {
            let p = principal.ok_or(app::error::AppError::NotFound)?;
            let now = Utc::now();
            session::touch(&self.db, &p.session.id_hash, now).await?;
            Ok((now + self.timeouts.idle)
                .min(p.session.expires_at)
                .timestamp())
        })
    }
}
