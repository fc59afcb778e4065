//! `GET /api/v1/me/expenses?from=YYYY-MM&to=YYYY-MM&household=1`: the 医療費通知 lines of the
//! person on screen (or, with `household=1`, of everyone whose expenses the signed-in person may
//! see), newest month first, with the same totals the page shows. 401 signed out; 404 when the
//! person on screen may not show expenses (never 403); 400 for a bad period.
//!
//! Not paginated: one line per receipt (month × institution × 診療区分) keeps three years of a
//! household in the low hundreds, and the totals need every line anyway.

use super::edge::ErrorBody;
use super::{ApiError, SignedIn};
use crate::db::{Db, Reads};
use crate::settings::Clock;
use actix_web::{get, web, HttpResponse};
use app::expenses::Member;
use domain::expenses::{ExpenseLine, ExpenseSummary};
use domain::period::Preset;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpensesQuery {
    /// First month (YYYY-MM); default: three years back.
    /// from must not be after to; at most 36 months from the first month to the last; a
    /// missing bound is filled from the 36 months up to this month; a day must exist in its
    /// month. Anything else is a 400 bad_input naming the rule.
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])$")]
    from: Option<String>,
    /// Last month (YYYY-MM), inclusive; default: this month.
    /// from must not be after to; at most 36 months from the first month to the last; a
    /// missing bound is filled from the 36 months up to this month; a day must exist in its
    /// month. Anything else is a 400 bad_input naming the rule.
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])$")]
    to: Option<String>,
    /// Show the household together: 1, true or on; 0, false or empty: not (anything else is
    /// a 400).
    #[param(pattern = r"^(|0|1|true|false|on)$")]
    household: Option<String>,
}

/// Whose lines are included.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Person<'a> {
    person_id: &'a str,
    name: &'a str,
}

/// Lines and totals.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExpensesBody<'a> {
    /// The person on screen.
    person_id: &'a str,
    from: String,
    to: String,
    /// The day the visibility rule was applied for.
    as_of: chrono::NaiveDate,
    household: bool,
    /// Whose lines are included (each line's `claim.person`).
    people: Vec<Person<'a>>,
    lines: &'a [ExpenseLine],
    totals: &'a ExpenseSummary,
}

#[utoipa::path(
    get,
    path = "/me/expenses",
    summary = "Medical-expense notices (医療費通知情報) of the person on screen, newest month first, with totals",
    description = "The signed-in person, or the person chosen in the switcher when they granted expense records. With household=1, also everyone else whose expenses the signed-in person may see (minor dependants on their card; adults who granted them expenses), each line naming its person in claim.person. The same lines, order and totals as the page. Not paginated (one line per receipt). Each call is written to the access log of every person shown.",
    security(("session" = [])),
    params(ExpensesQuery),
    responses(
        (status = 200, description = "Lines and totals", body = ExpensesBody),
        (status = 400, description = "Bad period or household flag", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Nothing to show for the person on screen", body = ErrorBody),
        (status = 503, description = "The database is unavailable; try again in a moment", body = ErrorBody),
    )
)]
#[get("/me/expenses")]
pub async fn my_expenses(
    me: SignedIn,
    q: web::Query<ExpensesQuery>,
    db: web::Data<Db>,
    reads: web::Data<Reads>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let household = domain::query::household(q.household.as_deref())
        .map_err(|why| ApiError::bad_input(why.to_string()))?;
    let today = clock.today();
    let query = super::period_query(q.from.as_deref(), q.to.as_deref(), false)?;
    let months = crate::service::period(&query, today, Preset::AllThreeYears)?;
    let viewed = crate::service::viewed_expenses(
        &db,
        &reads,
        &me.principal,
        months,
        today,
        household,
        me.api_view(),
    )
    .await?;
    let people = viewed
        .shown
        .iter()
        .map(|m: &Member| Person {
            person_id: &m.person_id,
            name: &m.name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(ExpensesBody {
        person_id: viewed.on.person.as_str(),
        from: months.from().to_string(),
        to: months.to().to_string(),
        as_of: today,
        household: household && viewed.shown.len() > 1,
        people,
        lines: &viewed.lines,
        totals: &viewed.summary,
    }))
}
