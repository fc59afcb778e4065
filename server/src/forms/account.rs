//! The person's own pages on the server side: the person switcher, proxies (invite, accept,
//! cancel, revoke) and the access history with its "this was not me" report. Every handler acts for the
//! signed-in person from the session, never for an id from the URL or the form alone.

use crate::audit::{self, Action, Event};
use crate::auth::extract::{FormUser, Linked};
use crate::db::Db;
use crate::records::{access, invitations};
use crate::settings::Clock;
use crate::telemetry::request_id;
use crate::web::see_other as redirect;
use crate::with_pool;
use actix_web::{post, web, HttpRequest, HttpResponse};
use app::notice::Notice;
use chrono::{NaiveDate, Utc};
use domain::access::{check_grant, AccessKind, AccessKinds, GrantError};
use domain::id::{AuditEntryId, GrantId, InvitationId};

#[derive(serde::Deserialize)]
pub struct ViewingForm {
    person: String,
}

/// Switches whose records are on screen; only to someone the person may see today.
#[post("/viewing")]
pub async fn switch_viewing(
    FormUser(p): FormUser,
    form: web::Form<ViewingForm>,
    db: web::Data<Db>,
) -> HttpResponse {
    if !p.viewable.iter().any(|v| v.person_id == form.person) {
        return redirect("/");
    }
    let stored = with_pool!(db.get_ref(), pool => sqlx::query("UPDATE sessions SET viewing_id = $1 WHERE id_hash = $2")
        .bind(&form.person)
        .bind(&p.session.id_hash)
        .execute(pool)
        .await
        .map(|_| ()));
    if let Err(e) = stored {
        tracing::error!(error = %e, "switching person failed");
    }
    redirect("/")
}

/// Invites a proxy. The form sends one `kinds` per checked box and `until`; no grantee: the
/// code shown once to the grantor is what they hand to the person they trust, who accepts it.
#[post("/proxies")]
pub async fn invite_proxy(
    Linked { account, person }: Linked,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let chosen: Vec<AccessKind> = form
        .iter()
        .filter(|(k, _)| k == "kinds")
        .filter_map(|(_, v)| AccessKind::parse(v))
        .collect();
    // Editing the deduction workbench means seeing it: it brings reading 医療費通知 with it.
    let reads = chosen
        .contains(&AccessKind::DeductionEdit)
        .then_some(AccessKind::Expenses);
    let kinds = AccessKinds::new(chosen.into_iter().chain(reads));
    let Ok(until) = NaiveDate::parse_from_str(&field("until"), "%Y-%m-%d") else {
        return redirect(&Notice::GrantUntil.location());
    };
    match check_grant(kinds.as_ref(), until, clock.today(), false) {
        Err(GrantError::NoKinds) => return redirect(&Notice::GrantKinds.location()),
        Err(GrantError::EndsInThePast) => return redirect(&Notice::GrantUntil.location()),
        Err(GrantError::ToSelf) => return redirect(&Notice::GrantSelf.location()),
        Ok(()) => {}
    }
    let kinds = kinds.expect("checked above");
    match invitations::invite(&db, &person, &kinds, until, Utc::now()).await {
        Ok(code) => {
            let event = Event::new(Action::Invite)
                .by_account(&account, Some(&person))
                .on(&person)
                .detail(format!("{} until {until}", kinds.to_list()));
            audit::record_or_log(&db, event.request(request_id(&req).as_deref())).await;
            redirect(&format!("{}&code={code}", Notice::ProxyInvited.location()))
        }
        Err(e) => {
            tracing::error!(error = %e, "invitation failed");
            redirect(&format!("/proxies?{}", Notice::Unavailable.query()))
        }
    }
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    code: String,
}

/// Accepts an invitation: the signed-in person becomes the grantor's proxy. Audited on the
/// grantor (who now sees who accepted) and on the grantee.
#[post("/proxies/accept")]
pub async fn accept_invitation(
    Linked { account, person }: Linked,
    req: HttpRequest,
    form: web::Form<CodeForm>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    match invitations::accept(&db, form.code.trim(), &person, Utc::now(), clock.today()).await {
        Ok(Ok(offer)) => {
            let detail = format!(
                "{} → {person} until {}",
                offer.kinds.to_list(),
                offer.valid_until
            );
            for subject in [&offer.grantor_id, &person] {
                let event = Event::new(Action::Grant)
                    .by_account(&account, Some(&person))
                    .on(subject)
                    .detail(detail.clone());
                audit::record_or_log(&db, event.request(request_id(&req).as_deref())).await;
            }
            redirect(&Notice::ProxyAccepted.location())
        }
        Ok(Err(invitations::AcceptError::Own)) => redirect(&Notice::AcceptOwn.location()),
        Ok(Err(invitations::AcceptError::Unusable)) => redirect(&Notice::AcceptUnusable.location()),
        Err(e) => {
            tracing::error!(error = %e, "accepting an invitation failed");
            redirect(&format!("/proxies/accept?{}", Notice::Unavailable.query()))
        }
    }
}

/// What the grantor takes back.
enum Withdrawn {
    Grant(GrantId),
    Invitation(InvitationId),
}

/// Revokes a grant or cancels an invitation of the signed-in person, at once, and audits it;
/// someone else's id changes nothing and says nothing.
async fn withdraw(
    Linked { account, person }: Linked,
    req: &HttpRequest,
    db: &Db,
    what: Withdrawn,
) -> HttpResponse {
    let (done, detail, ok) = match what {
        Withdrawn::Grant(id) => (
            access::revoke(db, &person, id).await,
            format!("grant {id}"),
            Notice::ProxyRevoked,
        ),
        Withdrawn::Invitation(id) => (
            invitations::cancel(db, &person, id, Utc::now()).await,
            format!("invitation {id}"),
            Notice::ProxyCancelled,
        ),
    };
    match done {
        Ok(true) => {
            let event = Event::new(Action::Revoke)
                .by_account(&account, Some(&person))
                .on(&person)
                .detail(detail);
            audit::record_or_log(db, event.request(request_id(req).as_deref())).await;
            redirect(&ok.location())
        }
        Ok(false) => redirect("/proxies"),
        Err(e) => {
            tracing::error!(error = %e, "revoke failed");
            redirect(&format!("/proxies?{}", Notice::Unavailable.query()))
        }
    }
}

/// Cancels one of the grantor's invitations that nobody has accepted yet.
#[post("/proxies/invitations/{id}/cancel")]
pub async fn cancel_invitation(
    me: Linked,
    req: HttpRequest,
    path: web::Path<InvitationId>,
    db: web::Data<Db>,
) -> HttpResponse {
    withdraw(me, &req, &db, Withdrawn::Invitation(path.into_inner())).await
}

#[post("/proxies/{id}/revoke")]
pub async fn revoke_proxy(
    me: Linked,
    req: HttpRequest,
    path: web::Path<GrantId>,
    db: web::Data<Db>,
) -> HttpResponse {
    withdraw(me, &req, &db, Withdrawn::Grant(path.into_inner())).await
}

/// How far ahead an app token may last.
const APP_TOKEN_MAX_DAYS: u64 = 366;

/// Issues a read-only FHIR token to an app: `app_name`, one `kinds` per checked box (drugs,
/// checkups, expenses) and `until`. The token goes back to the page once, in a short-lived
/// HttpOnly cookie the next render removes; the database keeps only its hash.
#[post("/proxies/apps")]
pub async fn issue_app_token(
    Linked { account, person }: Linked,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let name = field("app_name");
    let name_ok = !name.is_empty()
        && name.chars().count() <= crate::records::app_tokens::MAX_APP_NAME
        && !name.chars().any(char::is_control);
    if !name_ok {
        return redirect(&Notice::AppName.location());
    }
    let kinds = AccessKinds::new(
        form.iter()
            .filter(|(k, _)| k == "kinds")
            .filter_map(|(_, v)| AccessKind::parse(v))
            .filter(|k| AccessKind::ALL.contains(k)),
    );
    let Some(kinds) = kinds else {
        return redirect(&Notice::AppKinds.location());
    };
    let today = clock.today();
    let until = NaiveDate::parse_from_str(&field("until"), "%Y-%m-%d").ok();
    let latest = today.checked_add_days(chrono::Days::new(APP_TOKEN_MAX_DAYS));
    let Some(until) = until.filter(|u| *u >= today && latest.is_some_and(|l| *u <= l)) else {
        return redirect(&Notice::AppUntil.location());
    };
    match crate::records::app_tokens::issue(&db, &person, account.as_str(), &name, &kinds, until)
        .await
    {
        Ok(token) => {
            let event = Event::new(Action::Grant)
                .by_account(&account, Some(&person))
                .on(&person)
                .detail(format!(
                    "app token \"{name}\": {} until {until}",
                    kinds.to_list()
                ));
            audit::record_or_log(&db, event.request(request_id(&req).as_deref())).await;
            let mut res = redirect(&Notice::AppIssued.location());
            let cookie =
                actix_web::cookie::Cookie::build(app::account::NEW_APP_TOKEN_COOKIE, token)
                    .path("/")
                    .secure(true)
                    .http_only(true)
                    .same_site(actix_web::cookie::SameSite::Strict)
                    .max_age(actix_web::cookie::time::Duration::minutes(2))
                    .finish();
            res.add_cookie(&cookie).ok();
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "issuing an app token failed");
            redirect(&format!("/proxies?{}", Notice::Unavailable.query()))
        }
    }
}

/// Revokes one of the signed-in person's app tokens at once; someone else's id changes
/// nothing and says nothing.
#[post("/proxies/apps/{id}/revoke")]
pub async fn revoke_app_token(
    Linked { account, person }: Linked,
    req: HttpRequest,
    path: web::Path<GrantId>,
    db: web::Data<Db>,
) -> HttpResponse {
    let id = path.into_inner();
    match crate::records::app_tokens::revoke(&db, &person, id).await {
        Ok(true) => {
            let event = Event::new(Action::Revoke)
                .by_account(&account, Some(&person))
                .on(&person)
                .detail(format!("app token {id}"));
            audit::record_or_log(&db, event.request(request_id(&req).as_deref())).await;
            redirect(&Notice::AppRevoked.location())
        }
        Ok(false) => redirect("/proxies"),
        Err(e) => {
            tracing::error!(error = %e, "revoking an app token failed");
            redirect(&format!("/proxies?{}", Notice::Unavailable.query()))
        }
    }
}

/// "This was not me": recorded against an entry of the person's own history only.
#[post("/access/{id}/report")]
pub async fn report_access(
    Linked { account, person }: Linked,
    req: HttpRequest,
    path: web::Path<AuditEntryId>,
    db: web::Data<Db>,
) -> HttpResponse {
    let id = path.into_inner();
    let inserted = with_pool!(db.get_ref(), pool => sqlx::query(
        "INSERT INTO access_reports (audit_id, person_id, reported_at)
         SELECT id, $2, $3 FROM audit_log WHERE id = $1 AND subject_person = $2
         ON CONFLICT (audit_id, person_id) DO NOTHING",
    )
    .bind(id.get())
    .bind(&person)
    .bind(Utc::now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()));
    match inserted {
        Ok(1) => {
            let event = Event::new(Action::Report)
                .by_account(&account, Some(&person))
                .on(&person)
                .detail(format!("entry {id}"));
            audit::record_or_log(&db, event.request(request_id(&req).as_deref())).await;
            tracing::warn!(audit_id = id.get(), "access reported as not recognised");
            redirect(&Notice::AccessReported.location())
        }
        Ok(_) => redirect("/access"),
        Err(e) => {
            tracing::error!(error = %e, "report failed");
            redirect(&format!("/access?{}", Notice::Unavailable.query()))
        }
    }
}
