//! Who is asking: resolved once per request from the session cookie by middleware, then read
//! by handlers and handed to the pages through Leptos context.

use super::session::{self, Session, Timeouts};
use crate::db::Db;
use crate::records::access::{self, Viewable};
use crate::settings::Clock;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use chrono::{DateTime, Utc};

/// A signed-in account, and the person it is linked to (none until the linking step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub session: Session,
    pub idle_deadline: DateTime<Utc>,
    /// The signed-in person first, then everyone who granted them access today.
    pub viewable: Vec<Viewable>,
}

impl Principal {
    pub fn account_id(&self) -> &domain::id::AccountId {
        &self.session.account_id
    }

    pub fn person_id(&self) -> Option<&str> {
        self.session.person_id.as_deref()
    }

    /// Whose records are on screen: the one chosen in the switcher while access lasts, else self.
    pub fn viewing(&self) -> Option<&Viewable> {
        let chosen = self.session.viewing_id.as_deref();
        chosen
            .and_then(|id| self.viewable.iter().find(|v| v.person_id == id))
            .or_else(|| self.viewable.first())
    }
}

/// Middleware: attaches the `Principal` of a valid session cookie to the request; removes a
/// cookie whose session has ended. When the database cannot say who is asking, the answer is
/// 503 with `Retry-After` (never "signed out": that would send people to sign in again, and
/// the API would answer 401) — except for the health checks and the static assets.
pub async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let token = req
        .cookie(session::COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| !t.is_empty());
    let mut stale = false;
    let clock = req.app_data::<web::Data<Clock>>().map(|c| ***c);
    if let (Some(token), Some(db), Some(t), Some(clock)) = (
        token,
        req.app_data::<web::Data<Db>>().cloned(),
        req.app_data::<web::Data<Timeouts>>().cloned(),
        clock,
    ) {
        let needs_session = !is_exempt(req.path());
        match session::load(&db, &token, **t, Utc::now()).await {
            Ok(Some(s)) => {
                let idle_deadline = s.idle_deadline(**t);
                let viewable = match &s.person_id {
                    Some(me) => match access::viewable(&db, me, clock.today()).await {
                        Ok(v) => v,
                        Err(e) => {
                            tracing::warn!(error = %e, "viewable people lookup failed");
                            if needs_session {
                                return Ok(unavailable(req));
                            }
                            Vec::new()
                        }
                    },
                    None => Vec::new(),
                };
                req.extensions_mut().insert(Principal {
                    session: s,
                    idle_deadline,
                    viewable,
                });
            }
            Ok(None) => stale = true,
            Err(e) => {
                tracing::warn!(error = %e, "session lookup failed");
                if needs_session {
                    return Ok(unavailable(req));
                }
            }
        }
    }
    let mut res = next.call(req).await?;
    if stale
        && res
            .response()
            .cookies()
            .all(|c| c.name() != session::COOKIE)
    {
        res.response_mut()
            .add_cookie(&session::removal_cookie())
            .ok();
    }
    Ok(res.map_into_left_body())
}

/// Paths that answer the same signed in or not: the health checks and the static assets (nor
/// do they take an admission turn, `crate::admission`).
pub(crate) fn is_exempt(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/favicon.ico")
        || path.starts_with("/pkg/")
        || path.starts_with("/style/")
}

fn unavailable<B>(req: ServiceRequest) -> ServiceResponse<EitherBody<B>> {
    let res = crate::web::unavailable(req.path(), app::i18n::Msg::ErrorUnavailable, "unavailable");
    req.into_response(res).map_into_right_body()
}
