//! Bring your own files (`/import`): a person (or their proxy, with the grant for each kind
//! the file holds) uploads a マイナポータル 医療費通知 CSV, an hc08 CDA XML or a Karte JSON
//! batch. The same parsers and the same one-transaction store as the CLI and the API; what
//! differs is what a person may do with them:
//!
//! - the file must hold exactly one person, and nobody else: a person id other than the one on
//!   screen, or a birth date that is not theirs, refuses the file;
//! - the batch never writes insurance cards or insurer names (a card in an uploaded file would
//!   steer later insurer feeds to whoever uploaded it), and its claim ids are rewritten under
//!   [`SELF_PREFIX`] so they can neither replace an insurer's claim nor be mistaken for one —
//!   and every page, PDF and API answer can tell the lines apart (`ClaimSource::self_imported`);
//! - the batch id is derived from the person and the bytes, so the same file twice changes
//!   nothing, and another person's batch id can never be hit;
//! - lines already stored (from the insurer or an earlier upload) are duplicates: shown in the
//!   preview and left out when storing;
//! - step 1 (preview) stores nothing: the parsed batch waits in memory ([`PendingUploads`]),
//!   bound to the account and the person, for [`PENDING_FOR`].

use crate::db::Db;
use crate::import::{BatchId, ImportBatch, ImportFormat, PersonRecords};
use crate::records::import::{store_batch_owned, BatchOwner, ImportOutcome, StoreError};
use crate::records::own_batches::{self, checkup_key, drug_key, expense_key, Existing};
use crate::service::import::{parse_bytes, ImportRunError, MAX_IMPORT_BYTES};
use chrono::NaiveDate;
use domain::access::AccessKind;
use domain::claim::ClaimId;
use domain::people::PersonId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use domain::claim::SELF_IMPORTED_PREFIX as SELF_PREFIX;

/// How long a previewed upload waits for "store".
pub const PENDING_FOR: Duration = Duration::from_secs(30 * 60);
/// Previewed uploads held at once (each at most [`MAX_IMPORT_BYTES`] parsed): one per account,
/// and at most this many in all; the oldest goes first.
pub const MAX_PENDING: usize = 16;

/// Why an uploaded file cannot be brought in. Nothing is stored in any case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of the three formats (a UKE receipt file is an insurer's, not a person's).
    Format,
    /// Larger than the import limit.
    TooLarge,
    /// The parser refused it: file, line, field and why (the parser's words).
    Invalid(String),
    /// Holds no records.
    Empty,
    /// Holds the records of this many people.
    SeveralPeople(usize),
    /// Names a person id or birth date that is not the person's on screen.
    OtherPerson,
    /// The signed-in proxy lacks the grant for these kinds.
    NoGrant(Vec<AccessKind>),
}

/// A parsed upload, made safe to store for `person`.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub batch: ImportBatch,
    pub person: PersonId,
    /// The name the file gives, when it differs from the person's (a warning, not a refusal:
    /// マイナポータル writes full-width spaces, people change names).
    pub name_differs: bool,
}

impl Prepared {
    pub fn kinds(&self) -> Vec<AccessKind> {
        let r = &self.batch.people[0];
        let mut kinds = Vec::new();
        if !r.drugs.is_empty() {
            kinds.push(AccessKind::Drugs);
        }
        if !r.checkups.is_empty() {
            kinds.push(AccessKind::Checkups);
        }
        if !r.expenses.is_empty() {
            kinds.push(AccessKind::Expenses);
        }
        kinds
    }

    fn records(&self) -> &PersonRecords {
        &self.batch.people[0]
    }

    /// First and last day the records mention.
    pub fn period(&self) -> Option<(NaiveDate, NaiveDate)> {
        let r = self.records();
        let days = r
            .drugs
            .iter()
            .map(|d| d.dispensed_on)
            .chain(r.expenses.iter().flat_map(|e| {
                [
                    e.service_month.first_day(),
                    e.service_month
                        .next()
                        .first_day()
                        .pred_opt()
                        .unwrap_or(e.service_month.first_day()),
                ]
            }))
            .chain(r.checkups.iter().map(|c| c.performed_on));
        let (mut lo, mut hi) = (None::<NaiveDate>, None::<NaiveDate>);
        for d in days {
            lo = Some(lo.map_or(d, |l| l.min(d)));
            hi = Some(hi.map_or(d, |h| h.max(d)));
        }
        lo.zip(hi)
    }
}

/// The person on screen as the upload needs them.
#[derive(Debug, Clone)]
pub struct Target {
    pub person: PersonId,
    pub name: String,
    pub birth_date: NaiveDate,
}

/// Step 1a: parse and make safe. No database access; nothing stored.
pub fn prepare(file_name: &str, bytes: &[u8], target: &Target) -> Result<Prepared, Refusal> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(Refusal::TooLarge);
    }
    let format = crate::import::detect(file_name, bytes).ok_or(Refusal::Format)?;
    if format == ImportFormat::Uke {
        return Err(Refusal::Format);
    }
    let mut batch = match parse_bytes(Some(format), file_name, bytes, None) {
        Ok(b) => b,
        Err(ImportRunError::TooLarge { .. }) => return Err(Refusal::TooLarge),
        Err(e) => return Err(Refusal::Invalid(e.to_string())),
    };
    match batch.people.len() {
        0 => return Err(Refusal::Empty),
        1 => {}
        n => return Err(Refusal::SeveralPeople(n)),
    }
    // Nothing about insurers or cards from a person's file: only their own lines.
    batch.insurers.clear();
    let records = &mut batch.people[0];
    if records.line_count() == 0 {
        return Err(Refusal::Empty);
    }
    let identity = &records.person;
    if identity.id.as_ref().is_some_and(|id| id != &target.person)
        || identity.birth_date.is_some_and(|b| b != target.birth_date)
    {
        return Err(Refusal::OtherPerson);
    }
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let name_differs = !identity.name.is_empty() && squash(&identity.name) != squash(&target.name);
    records.person.card = None;
    records.person.insurer_name = None;
    records.person.insured_since = None;
    records.assign_person(&target.person);
    // A pharmacy's お薬手帳 keeps its own prefix so its lines are marked as such and retire
    // when the insurer's claim arrives (`domain::visibility::retire_notebook_lines`).
    let prefix = if format == ImportFormat::Jahis {
        domain::claim::PHARMACY_NOTEBOOK_PREFIX
    } else {
        SELF_PREFIX
    };
    for d in &mut records.drugs {
        d.claim.claim_id = self_claim_id(prefix, &d.claim.claim_id);
    }
    for e in &mut records.expenses {
        e.claim.claim_id = self_claim_id(SELF_PREFIX, &e.claim.claim_id);
    }
    let mut key = target.person.as_str().as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(bytes);
    batch.batch_id = BatchId::from_content("self", &key);
    Ok(Prepared {
        batch,
        person: target.person.clone(),
        name_differs,
    })
}

/// The claim id a person's line is stored under: [`SELF_PREFIX`] and a hash of the file's id
/// (lines of one claim stay one claim; ids stay within 64 characters).
fn self_claim_id(prefix: &str, id: &ClaimId) -> ClaimId {
    let h = crate::hash::fnv1a64(id.as_str().as_bytes());
    ClaimId::parse(&format!("{prefix}{h:016x}")).expect("prefix and hex are a valid claim id")
}

/// How many lines of each kind are new and how many are already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub new: usize,
    pub duplicates: usize,
}

/// Step 1b: what storing would add.
#[derive(Debug, Clone)]
pub struct Preview {
    pub format: ImportFormat,
    pub drugs: Counts,
    pub checkups: Counts,
    pub expenses: Counts,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub warnings: Vec<String>,
    pub name_differs: bool,
    /// This very file was brought in before for this person.
    pub already: bool,
}

async fn existing_for(db: &Db, p: &Prepared) -> Result<Existing, crate::db::DbError> {
    match p.period() {
        Some((from, to)) => own_batches::existing(db, &p.person, from, to).await,
        None => Ok(Existing::default()),
    }
}

pub async fn preview(db: &Db, p: &Prepared) -> Result<Preview, crate::db::DbError> {
    let have = existing_for(db, p).await?;
    let r = p.records();
    let count = |dups: usize, all: usize| Counts {
        new: all - dups,
        duplicates: dups,
    };
    let d = r
        .drugs
        .iter()
        .filter(|d| have.drugs.contains(&drug_key(d)))
        .count();
    let e = r
        .expenses
        .iter()
        .filter(|e| have.expenses.contains(&expense_key(e)))
        .count();
    let c = r
        .checkups
        .iter()
        .filter(|c| have.checkups.contains(&checkup_key(c)))
        .count();
    Ok(Preview {
        format: p.batch.format,
        drugs: count(d, r.drugs.len()),
        checkups: count(c, r.checkups.len()),
        expenses: count(e, r.expenses.len()),
        period: p.period(),
        warnings: p.batch.warnings.iter().map(|w| w.to_string()).collect(),
        name_differs: p.name_differs,
        already: own_batches::batch_exists(db, p.batch.batch_id.as_str()).await?,
    })
}

/// What storing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// One batch with this many lines.
    Batch { id: String, lines: usize },
    /// Every line was already there (or the same file was stored before): nothing changed.
    NothingNew,
}

/// Step 2: stores the new lines as one batch owned by the person (duplicates left out).
pub async fn store(db: &Db, mut p: Prepared, account: &str) -> Result<Stored, StoreError> {
    let have = existing_for(db, &p).await?;
    let r = &mut p.batch.people[0];
    r.drugs.retain(|d| !have.drugs.contains(&drug_key(d)));
    r.expenses
        .retain(|e| !have.expenses.contains(&expense_key(e)));
    r.checkups
        .retain(|c| !have.checkups.contains(&checkup_key(c)));
    if r.line_count() == 0 {
        return Ok(Stored::NothingNew);
    }
    let id = p.batch.batch_id.to_string();
    let owner = BatchOwner {
        person: &p.person,
        account,
    };
    match store_batch_owned(db, p.batch.clone(), "self", Some(owner)).await? {
        ImportOutcome::Imported { lines, .. } => Ok(Stored::Batch { id, lines }),
        ImportOutcome::AlreadyImported => Ok(Stored::NothingNew),
    }
}

/// One checked upload: for whom, its name, and what it holds or why it cannot be imported.
#[derive(Debug, Clone)]
pub struct Upload {
    pub person: PersonId,
    pub file_name: String,
    pub result: Result<Prepared, Refusal>,
}

struct Pending {
    account: String,
    upload: Upload,
    at: Instant,
}

/// Checked uploads, by a random token, waiting for "store" (memory only: nothing of a preview
/// reaches the database). Each is bound to the account that uploaded it; one per account.
#[derive(Default)]
pub struct PendingUploads(Mutex<HashMap<String, Pending>>);

impl PendingUploads {
    /// Keeps `upload` for `account` (replacing that account's earlier one); the token.
    pub fn put(&self, account: &str, upload: Upload) -> String {
        let token = format!(
            "{:016x}{:016x}",
            rand::random::<u64>(),
            rand::random::<u64>()
        );
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, p| p.account != account && p.at.elapsed() < PENDING_FOR);
        while map.len() >= MAX_PENDING {
            let oldest = map.iter().min_by_key(|(_, p)| p.at).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        map.insert(
            token.clone(),
            Pending {
                account: account.to_owned(),
                upload,
                at: Instant::now(),
            },
        );
        token
    }

    /// The upload behind `token`, if `account` made it and it has not expired.
    pub fn get(&self, account: &str, token: &str) -> Option<Upload> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(token)
            .filter(|p| p.account == account && p.at.elapsed() < PENDING_FOR)
            .map(|p| p.upload.clone())
    }

    /// Takes the upload behind `token` out (it is being stored or discarded).
    pub fn take(&self, account: &str, token: &str) -> Option<Upload> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let ok = map
            .get(token)
            .is_some_and(|p| p.account == account && p.at.elapsed() < PENDING_FOR);
        if ok {
            map.remove(token).map(|p| p.upload)
        } else {
            None
        }
    }
}

/// The kinds of records the signed-in person may bring in for `target` today.
pub async fn allowed_kinds(
    db: &Db,
    me: &str,
    target: &str,
    today: NaiveDate,
) -> Result<Vec<AccessKind>, crate::db::DbError> {
    let mut kinds = Vec::new();
    for kind in AccessKind::ALL {
        if crate::records::access::view_scope(db, me, target, kind, today)
            .await?
            .is_some()
        {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// Japanese time of a stored timestamp (SQLite text or PostgreSQL `timestamptz::text`, UTC).
pub fn japan_time(stored: &str) -> String {
    let head: String = stored
        .chars()
        .take(19)
        .collect::<String>()
        .replace('T', " ");
    match chrono::NaiveDateTime::parse_from_str(&head, "%Y-%m-%d %H:%M:%S") {
        Ok(t) => (t + chrono::Duration::hours(9))
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => head,
    }
}

/// The `/import` page's service.
pub struct SqlImportPages {
    pub db: Db,
    pub clock: crate::settings::Clock,
    pub pending: std::sync::Arc<PendingUploads>,
}

fn problem(r: &Refusal) -> app::import::ImportProblem {
    use app::import::ImportProblem as P;
    match r {
        Refusal::Format => P::Format,
        Refusal::TooLarge => P::TooLarge,
        Refusal::Invalid(d) => P::Invalid(d.clone()),
        Refusal::Empty => P::Empty,
        Refusal::SeveralPeople(n) => P::SeveralPeople(*n),
        Refusal::OtherPerson => P::OtherPerson,
        Refusal::NoGrant(k) => P::NoGrant(k.clone()),
    }
}

impl app::services::ImportPages for SqlImportPages {
    fn import_page(
        &self,
        query: app::import::ImportQuery,
    ) -> app::services::BoxFuture<'_, Result<app::import::ImportPage, app::error::AppError>> {
        use app::error::AppError;
        use app::import::{ImportPage, ImportPreview, ImportProblem, KindCount, OwnBatchView};
        let (principal, _) = crate::service::render_context();
        Box::pin(async move {
            let p = principal.ok_or(AppError::NotFound)?;
            let me = p.person_id().ok_or(AppError::NotFound)?.to_owned();
            let viewing = p.viewing().ok_or(AppError::NotFound)?.person_id.clone();
            let person = PersonId::parse(&viewing).map_err(|_| AppError::NotFound)?;
            let as_proxy = viewing != me;
            let account = p.account_id().as_str().to_owned();
            let kinds = allowed_kinds(&self.db, &me, &viewing, self.clock.today()).await?;
            let header = crate::records::people::person_header(&self.db, &person, as_proxy)
                .await?
                .ok_or(AppError::NotFound)?;
            let preview = match query.preview.as_deref() {
                None => None,
                Some(token) => match self.pending.get(&account, token) {
                    Some(up) if up.person == person => Some(match &up.result {
                        Err(r) => Err(problem(r)),
                        Ok(prepared) => {
                            let v = preview(&self.db, prepared).await?;
                            let kinds = [
                                (AccessKind::Drugs, v.drugs),
                                (AccessKind::Checkups, v.checkups),
                                (AccessKind::Expenses, v.expenses),
                            ]
                            .into_iter()
                            .filter(|(_, c)| c.new + c.duplicates > 0)
                            .map(|(kind, c)| KindCount {
                                kind,
                                new: c.new,
                                duplicates: c.duplicates,
                            })
                            .collect();
                            Ok(ImportPreview {
                                token: token.to_owned(),
                                file_name: up.file_name.clone(),
                                format: v.format.as_str().to_owned(),
                                kinds,
                                period: v.period,
                                warnings: v.warnings,
                                name_differs: v.name_differs,
                                already: v.already,
                            })
                        }
                    }),
                    _ => Some(Err(ImportProblem::Expired)),
                },
            };
            let batches: Vec<OwnBatchView> = own_batches::list(&self.db, &person)
                .await?
                .into_iter()
                .map(|b| OwnBatchView {
                    removable: !as_proxy || b.imported_by.as_deref() == Some(account.as_str()),
                    at: japan_time(&b.imported_at),
                    id: b.id,
                    format: b.format,
                    lines: b.line_count,
                })
                .collect();
            let confirm_remove = query
                .remove
                .as_deref()
                .and_then(|id| batches.iter().find(|b| b.id == id && b.removable).cloned());
            Ok(ImportPage {
                person_name: header.name,
                as_proxy,
                kinds,
                preview,
                batches,
                confirm_remove,
            })
        })
    }
}
