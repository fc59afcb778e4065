//! お薬手帳 out: the drug lines of the person on screen (a chosen period, or the medicines
//! current today) as a JAHIS 電子版お薬手帳 file and as QR codes a pharmacy or an お薬手帳 app
//! reads. The same access rule as the drugs page (404, never 403) and an export entry in the
//! access log.

use super::{log_access, on_screen, viewed_drug_lines, Period};
use crate::audit::Action;
use crate::auth::Principal;
use crate::db::Db;
use app::error::AppError;
use domain::access::AccessKind;
use domain::jahis::{self, Notebook, Patient, Sex};

/// What to write: the period's lines, or only those current today.
#[derive(Debug, Clone, Copy)]
pub struct NotebookRequest {
    pub period: Period,
    pub current_only: bool,
    pub today: chrono::NaiveDate,
}

/// A written notebook: its JAHIS text (CRLF) and a file name.
#[derive(Debug, Clone)]
pub struct NotebookExport {
    pub text: String,
    pub file_name: String,
    pub lines: usize,
}

pub use domain::jahis::QR_PART_BYTES;

pub async fn notebook_export(
    db: &Db,
    principal: &Principal,
    req: NotebookRequest,
    channel: &str,
    request_id: Option<&str>,
) -> Result<NotebookExport, AppError> {
    let on = on_screen(db, principal, AccessKind::Drugs, req.today).await?;
    let (person, _, lines) =
        viewed_drug_lines(db, db, principal, req.period, req.today, None).await?;
    let chosen: Vec<_> = if req.current_only {
        jahis::current_medicines(&lines, req.today)
    } else {
        lines.iter().collect()
    };
    let patient =
        crate::records::people::patient_of(db, &person)
            .await?
            .map(|(name, birth_date, female)| Patient {
                name,
                sex: if female == Some(true) {
                    Sex::Female
                } else {
                    Sex::Male
                },
                birth_date,
                kana: None,
            });
    let book: Notebook = jahis::from_drug_lines(patient, &chosen);
    let text = jahis::write(&book);
    let what = if req.current_only {
        format!("jahis drugs current {}{channel}", req.today)
    } else {
        match req.period.days {
            Some(d) => format!("jahis drugs {}..{}{channel}", d.from(), d.to()),
            None => format!(
                "jahis drugs {}..{}{channel}",
                req.period.months.from(),
                req.period.months.to()
            ),
        }
    };
    log_access(db, principal, &on, Action::Export, what, request_id).await;
    Ok(NotebookExport {
        text,
        file_name: format!("okusuri-techo-{}.txt", req.today.format("%Y%m%d")),
        lines: chosen.len(),
    })
}
