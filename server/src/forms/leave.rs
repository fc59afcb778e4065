//! Leaving: `POST /account/delete` deletes the signed-in account and every health record of
//! its person — only within a few minutes of signing in (the sign-in re-done: dev sign-in or
//! OIDC), and only when the confirmation word is typed. Audited (who, when, what kind and how
//! many; no values); the session cookie is dropped.

use crate::audit::{self, Action, Event};
use crate::auth::extract::FormUser;
use crate::auth::linking::FRESH_SIGN_IN;
use crate::db::Db;
use crate::records::erase;
use crate::telemetry::request_id;
use crate::web::see_other as redirect;
use actix_web::{post, web, HttpRequest, HttpResponse};
use app::notice::Notice;
use chrono::Utc;

#[derive(serde::Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

/// The confirmation word, in either language.
pub fn confirms(word: &str) -> bool {
    let w = word.trim();
    w == "削除" || w.eq_ignore_ascii_case("delete")
}

#[post("/account/delete")]
pub async fn delete_account(
    FormUser(p): FormUser,
    req: HttpRequest,
    form: web::Form<DeleteForm>,
    db: web::Data<Db>,
) -> HttpResponse {
    if Utc::now() - p.session.created_at > FRESH_SIGN_IN {
        return redirect(&Notice::AccountDeleteReauth.location());
    }
    if !confirms(&form.confirm) {
        return redirect(&Notice::AccountDeleteWord.location());
    }
    let account = p.account_id().as_str().to_owned();
    let person = p.person_id().map(str::to_owned);
    match erase::erase_account(&db, &account, person.as_deref()).await {
        Ok(erased) => {
            let mut event = Event::new(Action::DeleteAccount)
                .by_account(&account, person.as_deref())
                .detail(format!(
                    "account and records deleted: {} drug lines, {} expense lines, {} checkups",
                    erased.drug_lines, erased.expense_lines, erased.checkups
                ))
                .request(request_id(&req).as_deref());
            if let Some(person) = &person {
                event = event.on(person);
            }
            audit::record_or_log(&db, event).await;
            tracing::info!("account deleted on request");
            HttpResponse::SeeOther()
                .insert_header((
                    actix_web::http::header::LOCATION,
                    Notice::AccountDeleted.location(),
                ))
                .cookie(crate::auth::session::removal_cookie())
                .finish()
        }
        Err(e) => {
            tracing::error!(error = %e, "account deletion failed");
            redirect(&Notice::AccountUnavailable.location())
        }
    }
}

/// All records of the signed-in person in one zip: the three PDFs (the last three years, the
/// last five checkups), the notices as CSV and the Karte JSON batch. Only one's own records
/// (a proxy exports through the PDF downloads). Written to the access log.
#[actix_web::get("/account/archive.zip")]
pub async fn archive(
    FormUser(p): FormUser,
    req: HttpRequest,
    db: web::Data<Db>,
    clock: web::Data<crate::settings::Clock>,
) -> HttpResponse {
    use crate::pdf::export::{export_pdf, ExportKind, ExportRequest};
    use crate::service::archive;
    use domain::access::AccessKind;
    let Some(person) = p
        .person_id()
        .and_then(|id| domain::people::PersonId::parse(id).ok())
    else {
        return redirect("/link");
    };
    let lang = req
        .cookie(app::i18n::Lang::COOKIE)
        .map(|c| app::i18n::Lang::from_tag(c.value()))
        .unwrap_or_default();
    let today = clock.today();
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, what, "archive failed");
        redirect(&Notice::AccountUnavailable.location())
    };
    let Ok(months) = crate::service::period(
        &domain::query::PeriodQuery::range(None, None),
        today,
        domain::period::Preset::AllThreeYears,
    ) else {
        return redirect(&Notice::AccountUnavailable.location());
    };
    let mut pdfs = Vec::new();
    for (kind, access, name) in [
        (ExportKind::Drugs, AccessKind::Drugs, "drugs.pdf"),
        (ExportKind::Checkups, AccessKind::Checkups, "checkups.pdf"),
        (ExportKind::Expenses, AccessKind::Expenses, "expenses.pdf"),
    ] {
        let request = ExportRequest {
            person: &person,
            as_proxy: false,
            kind,
            kinds: &[access],
            months,
            since: None,
            today,
            lang,
        };
        match export_pdf(&db, request).await {
            Ok(e) => pdfs.push((name, e.bytes)),
            Err(e) => return failed("pdf", &format!("{e:?}")),
        }
    }
    let recs = match archive::records(&db, &person).await {
        Ok(r) => r,
        Err(e) => return failed("records", &e),
    };
    let json = match archive::json_batch(&db, &person, &recs, today).await {
        Ok(j) => j,
        Err(e) => return failed("json", &e),
    };
    let shown =
        match crate::records::lines::visible_expense_lines(&db, &person, months, today).await {
            Ok(l) => l,
            Err(e) => return failed("expenses", &e),
        };
    let csv = archive::notices_csv(&shown);
    let cdas =
        match crate::service::archive_cda::cda_files(&db, &person, &recs.checkups, today).await {
            Ok(c) => c,
            Err(e) => return failed("cda", &e),
        };
    let mut owned: Vec<(String, Vec<u8>)> =
        pdfs.into_iter().map(|(n, b)| (n.to_owned(), b)).collect();
    owned.push(("notices.csv".to_owned(), csv));
    owned.push(("karte-batch.json".to_owned(), json));
    owned.extend(cdas);
    let zip = match web::block(move || {
        let files: Vec<(&str, &[u8])> = owned
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        archive::zip(&files)
    })
    .await
    {
        Ok(Ok(z)) => z,
        Ok(Err(e)) => return failed("zip", &e),
        Err(e) => return failed("zip", &e),
    };
    let event = Event::new(Action::Export)
        .by_account(p.account_id(), Some(person.as_str()))
        .on(person.as_str())
        .detail("archive (zip: 3 PDFs, notices CSV, JSON batch, hc08 CDA)")
        .request(request_id(&req).as_deref());
    audit::record_or_log(&db, event).await;
    HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"karte-archive-{today}.zip\""),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(zip)
}
