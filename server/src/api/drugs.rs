//! `GET /api/v1/me/drugs?from=YYYY-MM&to=YYYY-MM&cursor=…&limit=…`: the drug lines of the person
//! on screen (the signed-in person, or someone who granted them drug records), newest first,
//! with every field, paginated with an opaque cursor. 401 signed out; 404 when the person on
//! screen may not show drugs (never 403, so existence is not confirmed); 400 for a bad period.

use crate::audit::{self, Action, Event};
use crate::auth::Principal;
use crate::config::Clock;
use crate::db::Db;
use crate::records::{access, lines};
use crate::telemetry::request_id;
use actix_web::{get, web, HttpMessage, HttpRequest, HttpResponse};
use base64::Engine as _;
use domain::access::AccessKind;
use domain::drugs::DrugLine;
use domain::period::MonthRange;
use serde::{Deserialize, Serialize};

const DEFAULT_LIMIT: usize = 500;
const MAX_LIMIT: usize = 2_000;

#[derive(Deserialize)]
pub struct DrugsQuery {
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
    limit: Option<usize>,
}

#[derive(Serialize)]
struct DrugsPage<'a> {
    person_id: &'a str,
    from: String,
    to: String,
    /// Lines in this page, newest first.
    lines: &'a [DrugLine],
    /// Lines in the whole period.
    total: usize,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

fn problem(status: actix_web::http::StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .json(serde_json::json!({ "error": { "code": code, "message": message } }))
}

fn encode_cursor(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("o:")?
        .parse()
        .ok()
}

#[get("/me/drugs")]
pub async fn my_drugs(
    req: HttpRequest,
    q: web::Query<DrugsQuery>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    let principal = req.extensions().get::<Principal>().cloned();
    let Some(p) = principal else {
        return problem(StatusCode::UNAUTHORIZED, "unauthorized", "sign in first");
    };
    let (Some(me), Some(viewing)) = (
        p.person_id().map(str::to_owned),
        p.viewing().map(|v| v.person_id.clone()),
    ) else {
        return problem(StatusCode::NOT_FOUND, "not_found", "no records");
    };
    let today = clock.today();
    let window = domain::visibility::retention_window(today);
    let months = match (&q.from, &q.to) {
        (None, None) => window,
        (from, to) => {
            let from = from.clone().unwrap_or_else(|| window.from().to_string());
            let to = to.clone().unwrap_or_else(|| window.to().to_string());
            match MonthRange::parse(&from, &to) {
                Ok(r) => r,
                Err(e) => {
                    return problem(
                        StatusCode::BAD_REQUEST,
                        "bad_period",
                        &format!("from/to (YYYY-MM): {e}"),
                    )
                }
            }
        }
    };
    let offset = match q.cursor.as_deref().map(decode_cursor) {
        None => 0,
        Some(Some(o)) => o,
        Some(None) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "bad_cursor",
                "cursor: use the next_cursor of the previous page",
            )
        }
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    match access::may_view(&db, &me, &viewing, AccessKind::Drugs, today).await {
        Ok(true) => {}
        Ok(false) => return problem(StatusCode::NOT_FOUND, "not_found", "no records"),
        Err(e) => {
            tracing::error!(error = %e, "access check failed");
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "try again in a moment",
            );
        }
    }
    let person = match domain::people::PersonId::parse(&viewing) {
        Ok(p) => p,
        Err(_) => return problem(StatusCode::NOT_FOUND, "not_found", "no records"),
    };
    let all = match lines::visible_drug_lines(&db, &person, months, today).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "drug lines read failed");
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "try again in a moment",
            );
        }
    };
    let page = all
        .get(offset.min(all.len())..(offset + limit).min(all.len()))
        .unwrap_or_default();
    let next = (offset + limit < all.len()).then(|| encode_cursor(offset + limit));
    if offset == 0 {
        let event = Event::new(Action::View)
            .by_account(p.account_id(), Some(&me))
            .on(&viewing);
        let detail = format!("drugs {}..{} (api)", months.from(), months.to());
        audit::record_or_log(
            &db,
            event.detail(detail).request(request_id(&req).as_deref()),
        )
        .await;
    }
    HttpResponse::Ok().json(DrugsPage {
        person_id: &viewing,
        from: months.from().to_string(),
        to: months.to().to_string(),
        lines: page,
        total: all.len(),
        next_cursor: next,
    })
}

/// The OpenAPI document of the REST API.
#[get("/openapi.json")]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(include_str!("../../../docs/openapi.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        assert_eq!(decode_cursor(&encode_cursor(500)), Some(500));
        assert_eq!(decode_cursor("not-a-cursor"), None);
        assert_eq!(
            decode_cursor(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("x:1")),
            None
        );
    }
}
