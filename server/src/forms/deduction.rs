//! The 医療費控除 page's one form (`POST /deduction/{year}/edit`): every change to the
//! workbench — add, delete, include, exclude, reimbursed, move, income — checked, applied for
//! the person on screen, logged, and answered with a redirect back to the page.

use crate::audit::{self, Action, Event};
use crate::auth::extract::FormUser;
use crate::db::Db;
use crate::records::access;
use crate::records::deduction::{self as store, NewManualLine, NoticeChange};
use crate::service::deduction::may_edit;
use crate::service::on_screen;
use crate::settings::Clock;
use crate::telemetry::request_id;
use crate::web::see_other;
use actix_web::{post, web, HttpRequest, HttpResponse};
use app::error::AppError;
use app::notice::Notice;
use chrono::{Datelike, NaiveDate};
use domain::access::AccessKind;
use domain::deduction::form::{AMOUNT_MAX, INCOME_MAX};
use domain::deduction::year::check_move;
use domain::deduction::{FormCategory, NoticeKey, TaxYear};
use domain::id::HandLineId;
use domain::money::Yen;
use domain::people::PersonId;

/// Which line a change is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Notice { person: PersonId, key: NoticeKey },
    Manual(HandLineId),
}

/// One change, parsed from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Edit {
    Add(NewManualLine),
    Delete(HandLineId),
    Include(Target, bool),
    Reimbursed(Target, Yen),
    Move {
        person: PersonId,
        key: NoticeKey,
        to: TaxYear,
    },
    Income(Yen),
}

impl Edit {
    fn op(&self) -> &'static str {
        match self {
            Edit::Add(_) => "add hand line",
            Edit::Delete(_) => "delete hand line",
            Edit::Include(_, true) => "include line",
            Edit::Include(_, false) => "exclude line",
            Edit::Reimbursed(..) => "set reimbursed",
            Edit::Move { .. } => "move line",
            Edit::Income(_) => "set income",
        }
    }

    fn notice_person(&self) -> Option<&PersonId> {
        match self {
            Edit::Include(Target::Notice { person, .. }, _)
            | Edit::Reimbursed(Target::Notice { person, .. }, _)
            | Edit::Move { person, .. } => Some(person),
            _ => None,
        }
    }

    fn ok_notice(&self) -> Notice {
        match self {
            Edit::Add(_) => Notice::DedAdded,
            Edit::Delete(_) => Notice::DedDeleted,
            Edit::Move { .. } => Notice::DedMoved,
            _ => Notice::DedSaved,
        }
    }
}

/// A form amount: whole yen, 0 or more, at most what the form's nine digits hold.
fn amount(raw: &str) -> Result<Yen, Notice> {
    Yen::parse(raw)
        .ok()
        .filter(|y| *y >= Yen::ZERO && *y <= AMOUNT_MAX)
        .ok_or(Notice::DedAmount)
}

/// A short text field: without control characters, then trimmed (so a control character
/// cannot shield a space from the trim), at most `max` characters.
fn text(raw: &str, max: usize, required: bool) -> Result<String, Notice> {
    let kept: String = raw.chars().filter(|c| !c.is_control()).collect();
    let t = kept.trim().to_owned();
    if (required && t.is_empty()) || t.chars().count() > max {
        return Err(Notice::DedFields);
    }
    Ok(t)
}

/// Parses the posted form into one change; the error is the page's notice.
pub(crate) fn parse_edit(field: &dyn Fn(&str) -> String, year: TaxYear) -> Result<Edit, Notice> {
    let target = || -> Result<Target, Notice> {
        let id = field("id");
        if !id.is_empty() {
            return id.parse().map(Target::Manual).map_err(|_| Notice::DedLine);
        }
        let person = PersonId::parse(&field("person")).map_err(|_| Notice::DedLine)?;
        let key = NoticeKey::parse(&field("key")).map_err(|_| Notice::DedLine)?;
        Ok(Target::Notice { person, key })
    };
    Ok(match field("op").as_str() {
        "add" => {
            let paid_on = match field("paid_on").trim() {
                "" => None,
                raw => Some(
                    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                        .ok()
                        .filter(|d| d.year() == year.value())
                        .ok_or(Notice::DedDate)?,
                ),
            };
            let reimbursed = match field("reimbursed").trim() {
                "" => Yen::ZERO,
                raw => amount(raw)?,
            };
            Edit::Add(NewManualLine {
                patient_name: text(&field("for_name"), 50, true)?,
                payee: text(&field("payee"), 100, true)?,
                category: FormCategory::parse(&field("category")).ok_or(Notice::DedFields)?,
                amount: amount(&field("amount"))?,
                reimbursed,
                paid_on,
                self_medication: field("self_medication") == "1",
                note: text(&field("note"), 200, false)?,
            })
        }
        "delete" => match target()? {
            Target::Manual(id) => Edit::Delete(id),
            Target::Notice { .. } => return Err(Notice::DedLine),
        },
        "include" => Edit::Include(target()?, true),
        "exclude" => Edit::Include(target()?, false),
        "reimbursed" => {
            let value = match field("amount").trim() {
                "" => Yen::ZERO,
                raw => amount(raw)?,
            };
            Edit::Reimbursed(target()?, value)
        }
        "move" => match target()? {
            Target::Notice { person, key } => {
                let to = TaxYear::parse(&field("to")).map_err(|_| Notice::DedYear)?;
                let month = key.service_month().ok_or(Notice::DedLine)?;
                check_move(month, to).map_err(|_| Notice::DedYear)?;
                Edit::Move { person, key, to }
            }
            Target::Manual(_) => return Err(Notice::DedLine),
        },
        "income" => Edit::Income(
            Yen::parse(&field("income"))
                .ok()
                .filter(|y| *y >= Yen::ZERO && *y <= INCOME_MAX)
                .ok_or(Notice::DedAmount)?,
        ),
        _ => return Err(Notice::DedLine),
    })
}

/// Applies a change to `owner`'s workbench; `Ok(false)` when the line is not theirs.
async fn apply(
    db: &Db,
    owner: &PersonId,
    year: TaxYear,
    edit: &Edit,
) -> Result<bool, crate::db::DbError> {
    let (person, key, change) = match edit {
        Edit::Add(line) => {
            store::add_manual_line(db, owner, year, line).await?;
            return Ok(true);
        }
        Edit::Delete(id) => return store::delete_manual_line(db, owner, *id).await,
        Edit::Include(Target::Manual(id), included) => {
            return store::set_manual_included(db, owner, *id, *included).await
        }
        Edit::Reimbursed(Target::Manual(id), value) => {
            return store::set_manual_reimbursed(db, owner, *id, *value).await
        }
        Edit::Income(income) => {
            store::set_total_income(db, owner, year, *income).await?;
            return Ok(true);
        }
        Edit::Include(Target::Notice { person, key }, included) => {
            (person, key, NoticeChange::Excluded(!included))
        }
        Edit::Reimbursed(Target::Notice { person, key }, value) => (
            person,
            key,
            NoticeChange::Reimbursed((*value > Yen::ZERO).then_some(*value)),
        ),
        Edit::Move { person, key, to } => {
            // Back to its own year is no move at all.
            let own = key.service_month().map(TaxYear::of);
            (
                person,
                key,
                NoticeChange::MovedTo((own != Some(*to)).then_some(*to)),
            )
        }
    };
    store::change_notice_line(db, owner, person, key, change).await?;
    Ok(true)
}

/// Every change on the page: `op` says which (add, delete, include, exclude, reimbursed,
/// move, income). Acts on the workbench of the person on screen only; a notice line must
/// belong to them or to someone whose expenses the signed-in person may see.
#[post("/deduction/{year}/edit")]
pub async fn change_workbench(
    FormUser(p): FormUser,
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> HttpResponse {
    let today = clock.today();
    let Ok(year) = TaxYear::parse(&path.into_inner()) else {
        return see_other("/deduction");
    };
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let household = domain::query::household(Some(&field("household"))).unwrap_or(false);
    let back = |notice: Notice| {
        let h = if household { "&household=1" } else { "" };
        see_other(&format!("/deduction?year={year}{h}&{}", notice.query()))
    };
    let on = match on_screen(&db, &p, AccessKind::Expenses, today).await {
        Ok(on) => on,
        Err(AppError::NotFound) => return see_other("/deduction"),
        Err(_) => return back(Notice::DedUnavailable),
    };
    // Reading a person's 医療費通知 does not allow changing their workbench: a proxy needs the
    // deduction_edit grant (a card holder has it for a minor dependant).
    match may_edit(&db, &on, today).await {
        Ok(true) => {}
        Ok(false) => return actix_web::HttpResponse::NotFound().finish(),
        Err(_) => return back(Notice::DedUnavailable),
    }
    let edit = match parse_edit(&field, year) {
        Ok(e) => e,
        Err(notice) => return back(notice),
    };
    if let Some(person) = edit.notice_person() {
        if person != &on.person {
            match access::may_view(&db, &on.me, person.as_str(), AccessKind::Expenses, today).await
            {
                Ok(true) => {}
                Ok(false) => return back(Notice::DedLine),
                Err(_) => return back(Notice::DedUnavailable),
            }
        }
    }
    match apply(&db, &on.person, year, &edit).await {
        Ok(true) => {
            let event = Event::new(Action::Change)
                .by_account(p.account_id(), Some(&on.me))
                .on(on.person.as_str())
                .detail(format!("deduction {year}: {}", edit.op()));
            audit::record_or_log(&db, event.request(request_id(&req).as_deref())).await;
            back(edit.ok_notice())
        }
        Ok(false) => back(Notice::DedLine),
        Err(e) => {
            tracing::error!(error = %e, "deduction change failed");
            back(Notice::DedUnavailable)
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

    fn y(n: i32) -> TaxYear {
        TaxYear::new(n).unwrap()
    }

    #[test]
    fn hand_lines_are_checked_at_the_edge() {
        let ok = parse_edit(
            &form(&[
                ("op", "add"),
                ("for_name", " 田中　結衣 "),
                ("payee", "あおば整骨院"),
                ("category", "other"),
                ("amount", "３,２００"),
                ("paid_on", "2025-06-01"),
            ]),
            y(2025),
        )
        .unwrap();
        let Edit::Add(line) = ok else {
            panic!("not an add")
        };
        assert_eq!(line.patient_name, "田中　結衣");
        assert_eq!(line.amount, Yen(3_200));
        assert_eq!(line.reimbursed, Yen(0));
        let bad = |pairs: &[(&str, &str)]| parse_edit(&form(pairs), y(2025)).unwrap_err().code();
        let base = [
            ("op", "add"),
            ("for_name", "a"),
            ("payee", "b"),
            ("category", "other"),
        ];
        assert_eq!(bad(&[&base[..], &[("amount", "-1")]].concat()), "amount");
        assert_eq!(
            bad(&[&base[..], &[("amount", "1000000000")]].concat()),
            "amount"
        );
        assert_eq!(
            bad(&[&base[..], &[("amount", "1"), ("paid_on", "2024-12-31")]].concat()),
            "date"
        );
        assert_eq!(
            bad(&[
                ("op", "add"),
                ("for_name", ""),
                ("payee", "b"),
                ("category", "other"),
                ("amount", "1")
            ]),
            "fields"
        );
        assert_eq!(
            bad(&[
                ("op", "add"),
                ("for_name", "a"),
                ("payee", "b"),
                ("category", "x"),
                ("amount", "1")
            ]),
            "fields"
        );
    }

    #[test]
    fn control_characters_go_before_the_trim() {
        // Found by reading for the `deduction_form` fuzz target: trimming first kept the space
        // that a leading control character shielded.
        assert_eq!(text("\u{1} 山田 \u{7f}", 10, true), Ok("山田".to_owned()));
        assert_eq!(text("\u{1} \u{2}", 10, true), Err(Notice::DedFields));
    }

    #[test]
    fn moves_are_checked_against_the_month() {
        let key = "2025-12~mn-1~調剤";
        let ok = parse_edit(
            &form(&[
                ("op", "move"),
                ("person", "demo-a"),
                ("key", key),
                ("to", "2026"),
            ]),
            y(2025),
        );
        assert!(matches!(ok, Ok(Edit::Move { to, .. }) if to == y(2026)));
        let back = parse_edit(
            &form(&[
                ("op", "move"),
                ("person", "demo-a"),
                ("key", key),
                ("to", "2024"),
            ]),
            y(2025),
        );
        assert_eq!(back, Err(Notice::DedYear));
        let manual = parse_edit(
            &form(&[("op", "move"), ("id", "3"), ("to", "2026")]),
            y(2025),
        );
        assert_eq!(manual, Err(Notice::DedLine));
        assert_eq!(
            parse_edit(&form(&[("op", "drop")]), y(2025)),
            Err(Notice::DedLine)
        );
    }
}
