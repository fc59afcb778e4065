//! `GET /api/v1/me/drugs?from=YYYY-MM&to=YYYY-MM&cursor=…&limit=…`: the drug lines of the person
//! on screen (the signed-in person, or someone who granted them drug records), newest first,
//! with every field, paginated with an opaque cursor. 401 signed out; 404 when the person on
//! screen may not show drugs (never 403, so existence is not confirmed); 400 for a bad period.

use super::edge::ErrorBody;
use super::{ApiError, SignedIn};
use crate::db::{Db, Reads};
use crate::settings::Clock;
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use base64::Engine as _;
use domain::drugs::DrugLine;
use domain::period::Preset;
use serde::{Deserialize, Serialize};

const DEFAULT_LIMIT: usize = 500;
const MAX_LIMIT: usize = 2_000;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DrugsQuery {
    /// First month (YYYY-MM) or day (YYYY-MM-DD); default: three years back.
    /// from must not be after to; at most 36 months from the first month to the last; a
    /// missing bound is filled from the 36 months up to this month; a day must exist in its
    /// month. Anything else is a 400 bad_input naming the rule.
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$")]
    from: Option<String>,
    /// Last month (YYYY-MM) or day (YYYY-MM-DD), inclusive; default: this month.
    /// from must not be after to; at most 36 months from the first month to the last; a
    /// missing bound is filled from the 36 months up to this month; a day must exist in its
    /// month. Anything else is a 400 bad_input naming the rule.
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$")]
    to: Option<String>,
    /// The next_cursor of the previous page, unchanged (URL-safe base64); any other value is a
    /// 400 bad_cursor.
    #[param(pattern = r"^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
    #[param(minimum = 1, maximum = 2000, default = 500)]
    limit: Option<usize>,
}

/// A page of lines.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DrugsPage<'a> {
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

#[utoipa::path(
    get,
    path = "/me/drugs",
    summary = "Drug history of the person on screen, newest first",
    description = "The signed-in person, or the person chosen in the switcher when they granted drug records. The same lines and order as the page. Each first page is written to the access log.",
    security(("session" = [])),
    params(DrugsQuery),
    responses(
        (status = 200, description = "A page of lines", body = DrugsPage),
        (status = 400, description = "Bad period or cursor", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Nothing to show for the person on screen", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
    )
)]
#[get("/me/drugs")]
pub async fn my_drugs(
    me: SignedIn,
    q: web::Query<DrugsQuery>,
    db: web::Data<Db>,
    reads: web::Data<Reads>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let today = clock.today();
    let query = super::period_query(q.from.as_deref(), q.to.as_deref(), true)?;
    let period = crate::service::period_with_days(&query, today, Preset::AllThreeYears)?;
    let bad_cursor = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_cursor",
            "cursor: use the next_cursor of the previous page",
        )
    };
    let offset = match q.cursor.as_deref().map(decode_cursor) {
        None => 0,
        Some(Some(o)) => o,
        Some(None) => return Err(bad_cursor()),
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_input(format!("limit: 1 to {MAX_LIMIT}")));
    }
    // The first page of a listing is the view that goes to the access log.
    let log_view = me.api_view().filter(|_| offset == 0);
    let (person, _, all) =
        crate::service::viewed_drug_lines(&db, &reads, &me.principal, period, today, log_view)
            .await?;
    // A cursor we wrote points inside the listing (or at its end); anything else is crafted.
    if offset > all.len() {
        return Err(bad_cursor());
    }
    let viewing = person.to_string();
    let end = offset.saturating_add(limit).min(all.len());
    let page = all.get(offset..end).unwrap_or_default();
    let next = (end < all.len()).then(|| encode_cursor(end));
    Ok(HttpResponse::Ok().json(DrugsPage {
        person_id: &viewing,
        from: period.days.map_or_else(
            || period.months.from().to_string(),
            |d| d.from().to_string(),
        ),
        to: period
            .days
            .map_or_else(|| period.months.to().to_string(), |d| d.to().to_string()),
        lines: page,
        total: all.len(),
        next_cursor: next,
    }))
}

/// The OpenAPI document of the REST API.
#[get("/openapi.json")]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(super::openapi::document())
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
