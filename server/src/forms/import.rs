//! `/import` form posts: upload (multipart, checked and held in memory: step 1 stores
//! nothing), store (step 2: one batch), discard, and remove a batch the person brought in.
//! Each acts for the person on screen only when the signed-in person may see every kind the
//! file holds; CSRF is the same-origin check every post passes (`auth::csrf`).

use crate::audit::{self, Action, Event};
use crate::auth::extract::FormUser;
use crate::db::Db;
use crate::records::own_batches;
use crate::service::import::MAX_IMPORT_BYTES;
use crate::service::self_import::{
    allowed_kinds, prepare, store, PendingUploads, Refusal, Stored, Target, Upload,
};
use crate::settings::Clock;
use crate::telemetry::request_id;
use crate::web::see_other as redirect;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use domain::people::PersonId;

/// Room for the multipart envelope around the largest file.
const ENVELOPE: usize = 64 * 1024;

/// The person on screen and whether the signed-in person is someone else.
fn on_screen(p: &crate::auth::Principal) -> Option<(String, PersonId, bool)> {
    let me = p.person_id()?.to_owned();
    let viewing = p.viewing()?.person_id.clone();
    let person = PersonId::parse(&viewing).ok()?;
    Some((me.clone(), person, viewing != me))
}

/// The first file part of a `multipart/form-data` body: its file name and bytes.
pub fn multipart_file<'a>(content_type: &str, body: &'a [u8]) -> Option<(String, &'a [u8])> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    if boundary.is_empty() || boundary.len() > 200 {
        return None;
    }
    let delimiter = format!("--{boundary}");
    let next_part = format!("\r\n--{boundary}");
    let mut rest = &body[find(body, delimiter.as_bytes())? + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return None;
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let head_end = find(rest, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
        let content = &rest[head_end + 4..];
        let end = find(content, next_part.as_bytes())?;
        let part = &content[..end];
        let disposition = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .unwrap_or("");
        if let Some(name) = param(disposition, "filename") {
            if param(disposition, "name").as_deref() == Some("file") {
                return Some((name, part));
            }
        }
        rest = &content[end + next_part.len()..];
    }
}

fn param(header: &str, key: &str) -> Option<String> {
    header.split(';').map(str::trim).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(i) = hay[from..].iter().position(|b| *b == first) {
        let at = from + i;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Step 1: reads the file (at most the import limit), checks it for the person on screen and
/// holds it in memory; the page then shows what it holds. Nothing is stored.
#[post("/import/preview")]
pub async fn preview(
    FormUser(p): FormUser,
    req: HttpRequest,
    payload: web::Payload,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
    pending: web::Data<PendingUploads>,
) -> HttpResponse {
    let Some((me, person, _)) = on_screen(&p) else {
        return redirect("/import");
    };
    let account = p.account_id().as_str().to_owned();
    let allowed = match allowed_kinds(&db, &me, person.as_str(), clock.today()).await {
        Ok(k) => k,
        Err(e) => {
            tracing::error!(error = %e, "import: grants unreadable");
            return redirect("/import?error=unavailable");
        }
    };
    if allowed.is_empty() {
        return redirect("/import");
    }
    let cap = MAX_IMPORT_BYTES + ENVELOPE;
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let body = if announced.is_some_and(|n| n > cap as u64) {
        None
    } else {
        match payload.to_bytes_limited(cap).await {
            Ok(Ok(b)) => Some(b),
            Ok(Err(_)) => return redirect("/import?error=nofile"),
            Err(_) => None,
        }
    };
    let upload = match body {
        None => Upload {
            person: person.clone(),
            file_name: String::new(),
            result: Err(Refusal::TooLarge),
        },
        Some(body) => {
            let content_type = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let Some((file_name, bytes)) = multipart_file(&content_type, &body) else {
                return redirect("/import?error=nofile");
            };
            if bytes.is_empty() {
                return redirect("/import?error=nofile");
            }
            match checked(&db, &person, &allowed, file_name, bytes.to_vec()).await {
                Ok(upload) => upload,
                Err(response) => return response,
            }
        }
    };
    let token = pending.put(&account, upload);
    redirect(&format!("/import?preview={token}"))
}

/// Parses `bytes` for the person on screen and checks the grants: the upload to hold.
async fn checked(
    db: &Db,
    person: &PersonId,
    allowed: &[domain::access::AccessKind],
    file_name: String,
    bytes: Vec<u8>,
) -> Result<Upload, HttpResponse> {
    let who = match crate::records::people::person_header(db, person, false).await {
        Ok(Some(h)) => h,
        Ok(None) => return Err(redirect("/import")),
        Err(e) => {
            tracing::error!(error = %e, "import: person unreadable");
            return Err(redirect("/import?error=unavailable"));
        }
    };
    let target = Target {
        person: person.clone(),
        name: who.name,
        birth_date: who.birth_date,
    };
    let file_name: String = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let name = file_name.clone();
    let parsed = web::block(move || prepare(&name, &bytes, &target)).await;
    let result = match parsed {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "import: parsing failed");
            return Err(redirect("/import?error=unavailable"));
        }
    };
    let result = result.and_then(|prepared| {
        let missing: Vec<_> = prepared
            .kinds()
            .into_iter()
            .filter(|k| !allowed.contains(k))
            .collect();
        if missing.is_empty() {
            Ok(prepared)
        } else {
            Err(Refusal::NoGrant(missing))
        }
    });
    Ok(Upload {
        person: person.clone(),
        file_name,
        result,
    })
}

/// The form limit of `/import/preview-text`: the largest お薬手帳 text, with room for URL encoding.
pub fn text_form_config() -> web::FormConfig {
    web::FormConfig::default().limit(crate::import::jahis::MAX_BYTES * 3 + 1024)
}

#[derive(serde::Deserialize)]
pub struct TextForm {
    text: String,
}

/// Step 1 for pasted text (a pharmacy's お薬手帳 data read off its QR code, from the drugs page
/// or `/import`): the same checks as a file, then the same preview. Registered with
/// [`text_form_config`] (the default form limit is 16 KiB).
pub async fn preview_text(
    FormUser(p): FormUser,
    form: web::Form<TextForm>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
    pending: web::Data<PendingUploads>,
) -> HttpResponse {
    let Some((me, person, _)) = on_screen(&p) else {
        return redirect("/import");
    };
    let account = p.account_id().as_str().to_owned();
    let allowed = match allowed_kinds(&db, &me, person.as_str(), clock.today()).await {
        Ok(k) => k,
        Err(e) => {
            tracing::error!(error = %e, "import: grants unreadable");
            return redirect("/import?error=unavailable");
        }
    };
    if allowed.is_empty() {
        return redirect("/import");
    }
    let text = form.into_inner().text;
    if text.trim().is_empty() {
        return redirect("/import?error=nofile");
    }
    let upload = if text.len() > crate::import::jahis::MAX_BYTES {
        Upload {
            person: person.clone(),
            file_name: String::new(),
            result: Err(Refusal::TooLarge),
        }
    } else {
        match checked(
            &db,
            &person,
            &allowed,
            "okusuri-techo.txt".into(),
            text.into_bytes(),
        )
        .await
        {
            Ok(upload) => upload,
            Err(response) => return response,
        }
    };
    let token = pending.put(&account, upload);
    redirect(&format!("/import?preview={token}"))
}

/// Step 1 for a photo of a pharmacy's お薬手帳 QR code(s): decoded on the server (split codes
/// joined by their 分割制御 record), then the same checks and preview as a file. An image
/// without a readable code is refused like a bad file, naming why.
#[post("/import/preview-qr")]
pub async fn preview_qr(
    FormUser(p): FormUser,
    req: HttpRequest,
    payload: web::Payload,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
    pending: web::Data<PendingUploads>,
) -> HttpResponse {
    let Some((me, person, _)) = on_screen(&p) else {
        return redirect("/import");
    };
    let account = p.account_id().as_str().to_owned();
    let allowed = match allowed_kinds(&db, &me, person.as_str(), clock.today()).await {
        Ok(k) => k,
        Err(e) => {
            tracing::error!(error = %e, "import: grants unreadable");
            return redirect("/import?error=unavailable");
        }
    };
    if allowed.is_empty() {
        return redirect("/import");
    }
    let cap = crate::import::qr_image::MAX_IMAGE_BYTES + ENVELOPE;
    let too_large = || Upload {
        person: person.clone(),
        file_name: String::new(),
        result: Err(Refusal::TooLarge),
    };
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let body = if announced.is_some_and(|n| n > cap as u64) {
        None
    } else {
        match payload.to_bytes_limited(cap).await {
            Ok(Ok(b)) => Some(b),
            Ok(Err(_)) => return redirect("/import?error=nofile"),
            Err(_) => None,
        }
    };
    let upload = match body {
        None => too_large(),
        Some(body) => {
            let content_type = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let Some((file_name, bytes)) = multipart_file(&content_type, &body) else {
                return redirect("/import?error=nofile");
            };
            if bytes.is_empty() {
                return redirect("/import?error=nofile");
            }
            let image = bytes.to_vec();
            let decoded = web::block(move || crate::import::qr_image::decode_image(&image)).await;
            match decoded {
                Err(e) => {
                    tracing::error!(error = %e, "import: qr decoding failed");
                    return redirect("/import?error=unavailable");
                }
                Ok(Err(why)) => Upload {
                    person: person.clone(),
                    file_name: file_name
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(120)
                        .collect(),
                    result: Err(Refusal::Invalid(why.to_string())),
                },
                Ok(Ok(text)) => {
                    match checked(&db, &person, &allowed, file_name, text.into_bytes()).await {
                        Ok(upload) => upload,
                        Err(response) => return response,
                    }
                }
            }
        }
    };
    let token = pending.put(&account, upload);
    redirect(&format!("/import?preview={token}"))
}

#[derive(serde::Deserialize)]
pub struct TokenForm {
    token: String,
}

/// Step 2: stores a checked upload as one batch of the person on screen (duplicates left out)
/// and writes it to the access log.
#[post("/import/store")]
pub async fn store_upload(
    FormUser(p): FormUser,
    req: HttpRequest,
    form: web::Form<TokenForm>,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
    pending: web::Data<PendingUploads>,
) -> HttpResponse {
    let Some((me, person, _)) = on_screen(&p) else {
        return redirect("/import");
    };
    let account = p.account_id().as_str().to_owned();
    let Some(upload) = pending.take(&account, form.token.trim()) else {
        return redirect("/import?error=expired");
    };
    // The person on screen may have been switched since the preview: store for neither then.
    let Ok(prepared) = upload.result else {
        return redirect("/import");
    };
    if upload.person != person || prepared.person != person {
        return redirect("/import?error=expired");
    }
    // Grants may have ended since the preview.
    let allowed = match allowed_kinds(&db, &me, person.as_str(), clock.today()).await {
        Ok(k) => k,
        Err(e) => {
            tracing::error!(error = %e, "import: grants unreadable");
            return redirect("/import?error=unavailable");
        }
    };
    if prepared.kinds().iter().any(|k| !allowed.contains(k)) {
        return redirect("/import");
    }
    let format = prepared.batch.format;
    match store(&db, prepared, &account).await {
        Ok(Stored::Batch { id, lines }) => {
            let event = Event::new(Action::Import)
                .by_account(p.account_id(), Some(&me))
                .on(person.as_str())
                .detail(format!(
                    "{} batch {id} ({lines} records, uploaded by the person)",
                    format.as_str()
                ))
                .request(request_id(&req).as_deref());
            audit::record_or_log(&db, event).await;
            redirect("/import?ok=stored")
        }
        Ok(Stored::NothingNew) => redirect("/import?ok=nothing"),
        Err(e) => {
            tracing::error!(error = %e, "import: storing failed");
            redirect("/import?error=unavailable")
        }
    }
}

/// Drops a checked upload without storing anything.
#[post("/import/discard")]
pub async fn discard_upload(
    FormUser(p): FormUser,
    form: web::Form<TokenForm>,
    pending: web::Data<PendingUploads>,
) -> HttpResponse {
    let _ = pending.take(p.account_id().as_str(), form.token.trim());
    redirect("/import")
}

/// Removes a batch the person on screen brought in, with every line it added. A proxy removes
/// only what they uploaded; an insurer's batch or someone else's is not found (nothing changes).
#[post("/import/batches/{id}/remove")]
pub async fn remove_batch(
    FormUser(p): FormUser,
    req: HttpRequest,
    path: web::Path<String>,
    db: web::Data<Db>,
) -> HttpResponse {
    let Some((me, person, as_proxy)) = on_screen(&p) else {
        return redirect("/import");
    };
    let id = path.into_inner();
    let account = p.account_id().as_str().to_owned();
    let by = as_proxy.then_some(account.as_str());
    match own_batches::remove(&db, &person, &id, by).await {
        Ok(Some(removed)) => {
            let event = Event::new(Action::Change)
                .by_account(p.account_id(), Some(&me))
                .on(person.as_str())
                .detail(format!(
                    "removed imported batch {id} ({} drug, {} expense, {} checkup records)",
                    removed.drugs, removed.expenses, removed.checkups
                ))
                .request(request_id(&req).as_deref());
            audit::record_or_log(&db, event).await;
            redirect("/import?ok=removed")
        }
        Ok(None) => redirect("/import"),
        Err(e) => {
            tracing::error!(error = %e, "import: removing failed");
            redirect("/import?error=unavailable")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_file_part() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\nline1\r\nline2\r\n--XyZ--\r\n";
        let (name, bytes) = multipart_file("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(name, "a.csv");
        assert_eq!(bytes, b"line1\r\nline2");
        assert!(multipart_file("multipart/form-data; boundary=Other", body).is_none());
        assert!(multipart_file("text/plain", body).is_none());
        let truncated = &body[..body.len() - 12];
        assert!(multipart_file("multipart/form-data; boundary=XyZ", truncated).is_none());
    }
}
