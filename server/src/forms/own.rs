//! The 本人入力 page's one form (`POST /own/edit`): add, edit or delete an OTC medicine, an
//! allergy or side effect, or an お薬手帳 memo — always the signed-in person's own entries
//! (a proxy only reads them: 404, nothing changed). Checked, applied, logged, and answered
//! with a redirect back to the page.

use crate::audit::{self, Action, Event};
use crate::auth::extract::FormUser;
use crate::db::Db;
use crate::records::own::{self as store, Table};
use crate::service::on_screen;
use crate::settings::Clock;
use crate::telemetry::request_id;
use crate::web::see_other;
use actix_web::{post, web, HttpRequest, HttpResponse};
use app::error::AppError;
use app::notice::Notice;
use domain::access::AccessKind;
use domain::own::{Allergy, DrugMemo, OwnError, OwnMedicine};

/// One change, parsed from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    AddMedicine(OwnMedicine),
    EditMedicine(i64, OwnMedicine),
    DeleteMedicine(i64),
    AddAllergy(Allergy),
    EditAllergy(i64, Allergy),
    DeleteAllergy(i64),
    AddMemo(DrugMemo),
    EditMemo(i64, DrugMemo),
    DeleteMemo(i64),
}

impl Change {
    /// What the access log says (no health values).
    fn op(&self) -> &'static str {
        match self {
            Change::AddMedicine(_) => "own: add medicine",
            Change::EditMedicine(..) => "own: edit medicine",
            Change::DeleteMedicine(_) => "own: delete medicine",
            Change::AddAllergy(_) => "own: add allergy",
            Change::EditAllergy(..) => "own: edit allergy",
            Change::DeleteAllergy(_) => "own: delete allergy",
            Change::AddMemo(_) => "own: add memo",
            Change::EditMemo(..) => "own: edit memo",
            Change::DeleteMemo(_) => "own: delete memo",
        }
    }

    fn ok_notice(&self) -> Notice {
        match self {
            Change::AddMedicine(_) | Change::AddAllergy(_) | Change::AddMemo(_) => Notice::OwnAdded,
            Change::DeleteMedicine(_) | Change::DeleteAllergy(_) | Change::DeleteMemo(_) => {
                Notice::OwnDeleted
            }
            _ => Notice::OwnSaved,
        }
    }
}

fn notice(e: OwnError) -> Notice {
    match e {
        OwnError::Required => Notice::OwnRequired,
        OwnError::TooLong => Notice::OwnTooLong,
        OwnError::Date => Notice::OwnDate,
        OwnError::Amount => Notice::OwnAmount,
        OwnError::SelfMedication => Notice::OwnSelfMed,
        OwnError::Severity => Notice::OwnSeverity,
    }
}

/// Why a post is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Bad input: the page says what to fix.
    Input(Notice),
    /// No such operation or id: answered 404.
    NotFound,
}

/// Parses the posted form into one change.
pub(crate) fn parse_change(field: &dyn Fn(&str) -> String) -> Result<Change, Refused> {
    let id = || -> Result<i64, Refused> {
        field("id")
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(Refused::NotFound)
    };
    let input = |e: OwnError| Refused::Input(notice(e));
    Ok(match field("op").as_str() {
        "add_medicine" => Change::AddMedicine(OwnMedicine::parse(field).map_err(input)?),
        "edit_medicine" => {
            let id = id()?;
            Change::EditMedicine(id, OwnMedicine::parse(field).map_err(input)?)
        }
        "delete_medicine" => Change::DeleteMedicine(id()?),
        "add_allergy" => Change::AddAllergy(Allergy::parse(field).map_err(input)?),
        "edit_allergy" => {
            let id = id()?;
            Change::EditAllergy(id, Allergy::parse(field).map_err(input)?)
        }
        "delete_allergy" => Change::DeleteAllergy(id()?),
        "add_memo" => Change::AddMemo(DrugMemo::parse(field).map_err(input)?),
        "edit_memo" => {
            let id = id()?;
            Change::EditMemo(id, DrugMemo::parse(field).map_err(input)?)
        }
        "delete_memo" => Change::DeleteMemo(id()?),
        _ => return Err(Refused::NotFound),
    })
}

/// Applies a change to `person`'s entries; `Ok(false)` when the id is not theirs.
async fn apply(
    db: &Db,
    person: &domain::people::PersonId,
    change: &Change,
) -> Result<bool, crate::db::DbError> {
    match change {
        Change::AddMedicine(m) => store::add_medicine(db, person, m).await.map(|_| true),
        Change::EditMedicine(id, m) => store::update_medicine(db, person, *id, m).await,
        Change::DeleteMedicine(id) => store::delete_medicine(db, person, *id).await,
        Change::AddAllergy(a) => store::add_allergy(db, person, a).await.map(|_| true),
        Change::EditAllergy(id, a) => store::update_allergy(db, person, *id, a).await,
        Change::DeleteAllergy(id) => store::delete(db, person, Table::Allergies, *id).await,
        Change::AddMemo(m) => store::add_memo(db, person, m).await.map(|_| true),
        Change::EditMemo(id, m) => store::update_memo(db, person, *id, m).await,
        Change::DeleteMemo(id) => store::delete(db, person, Table::Memos, *id).await,
    }
}

/// Every change on the page: `op` says which. Acts on the signed-in person's own entries
/// only; someone viewing another person (a proxy) gets 404 and nothing changes.
#[post("/own/edit")]
pub async fn change_own_entries(
    FormUser(p): FormUser,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    let today = clock.today();
    let back = |notice: Notice| see_other(&notice.location());
    let on = match on_screen(&db, &p, AccessKind::Drugs, today).await {
        Ok(on) => on,
        Err(AppError::NotFound) => return HttpResponse::NotFound().finish(),
        Err(_) => return back(Notice::OwnUnavailable),
    };
    // 本人入力 is the person's own: nobody else adds, edits or deletes it.
    if on.as_proxy {
        return HttpResponse::NotFound().finish();
    }
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let change = match parse_change(&field) {
        Ok(c) => c,
        Err(Refused::Input(notice)) => return back(notice),
        Err(Refused::NotFound) => return HttpResponse::NotFound().finish(),
    };
    match apply(&db, &on.person, &change).await {
        Ok(true) => {
            let event = Event::new(Action::Change)
                .by_account(p.account_id(), Some(&on.me))
                .on(on.person.as_str())
                .detail(change.op());
            audit::record_or_log(&db, event.request(request_id(&req).as_deref())).await;
            back(change.ok_notice())
        }
        Ok(false) => HttpResponse::NotFound().finish(),
        Err(e) => {
            tracing::error!(error = %e, "own entry change failed");
            back(Notice::OwnUnavailable)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> String + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
                .unwrap_or_default()
        }
    }

    #[test]
    fn ops_and_ids_are_checked() {
        assert_eq!(
            parse_change(&form(&[("op", "drop")])),
            Err(Refused::NotFound)
        );
        assert_eq!(
            parse_change(&form(&[("op", "delete_memo"), ("id", "-3")])),
            Err(Refused::NotFound)
        );
        assert_eq!(
            parse_change(&form(&[("op", "delete_memo"), ("id", "x")])),
            Err(Refused::NotFound)
        );
        assert_eq!(
            parse_change(&form(&[("op", "delete_allergy"), ("id", " 7 ")])),
            Ok(Change::DeleteAllergy(7))
        );
        assert_eq!(
            parse_change(&form(&[("op", "add_allergy"), ("substance", "x")])),
            Err(Refused::Input(Notice::OwnSeverity))
        );
        assert_eq!(
            parse_change(&form(&[
                ("op", "add_medicine"),
                ("name", "x"),
                ("from", "2026-01-01"),
                ("price", "10000000")
            ])),
            Err(Refused::Input(Notice::OwnAmount))
        );
    }
}
