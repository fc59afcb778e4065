//! Stores an import batch: one transaction, all or nothing, idempotent by batch id.
//!
//! - A batch id seen before changes nothing (`AlreadyImported`).
//! - A claim id seen before for the same person is replaced by the new lines (a re-sent claim);
//!   a *different* later claim for the same receipt (person, institution, month and receipt
//!   identity: kind, 入院・入院外, 処方医療機関) supersedes the earlier one when the lines are
//!   read (domain::visibility), so both are kept.
//! - A checkup for the same person, date and kind replaces the earlier one.
//! - People are matched by the id the file gives (or `--person`), else by insurance card and
//!   birth date; unknown people are created with an id derived from their card.

use crate::db::{Db, DbError};
use crate::import::{ImportBatch, InsurerInfo, PersonIdentity, PersonRecords};
use crate::records::codes::to_code;
use chrono::NaiveDate;
use domain::checkups::Checkup;
use domain::drugs::DrugLine;
use domain::expenses::ExpenseLine;
use domain::insurance::CardIdentity;
use domain::people::PersonId;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bind-parameter limits.
const CHUNK: usize = 400;

const DRUG_COLUMNS: &str =
    "person_id, batch_id, claim_id, institution_id, service_month, accepted_on,
    sequence, visible_from, dispensed_on, dispenser_name, prescriber_id, prescription, usage,
    drug_name, ingredient, receipt_code, yj_code, directions, daily_dose, single_dose,
    special_instructions, quantity_amount, quantity_unit, mark, copay, savings,
    receipt_kind, care_setting, receipt_prescriber";

const EXPENSE_COLUMNS: &str = "person_id, batch_id, claim_id, institution_id, service_month,
    accepted_on, sequence, visible_from, category, days, institution_name, total, insurer_paid,
    public_paid, patient_paid, receipt_kind, care_setting, receipt_prescriber";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported { lines: usize, people: Vec<PersonId> },
    AlreadyImported,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot tell whose records these are: the file has no insurance card and no person id; give one with --person ID")]
    NoIdentity,
    #[error("person {0} is not registered and the file lacks their birth date; import their insurer data first")]
    IncompletePerson(String),
    #[error("a person this file names was removed (their account closed) while it was being stored; nothing was imported: send the file again")]
    PersonRemoved,
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(e.into())
    }
}

/// The id a person gets when first seen through their card: stable across imports.
pub fn derived_person_id(identity: &PersonIdentity) -> Option<PersonId> {
    let card = identity.card.as_ref()?;
    let birth = identity.birth_date?;
    let key = format!(
        "{}|{}|{}|{}",
        card.insurer().as_str(),
        card.number().as_str(),
        card.branch().map(|b| b.as_str()).unwrap_or(""),
        birth
    );
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    PersonId::parse(&format!("p-{h:016x}")).ok()
}

/// Earliest date the records mention; the start of an insurance when the file gives none.
fn earliest_date(records: &PersonRecords) -> Option<NaiveDate> {
    let drugs = records.drugs.iter().map(|d| d.dispensed_on);
    let expenses = records.expenses.iter().map(|e| e.service_month.first_day());
    let checkups = records.checkups.iter().map(|c| c.performed_on);
    drugs.chain(expenses).chain(checkups).min()
}

/// A card as people are matched by it: insurer, number, branch (empty when none) and birth date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CardKey {
    insurer: String,
    number: String,
    branch: String,
    birth: Option<NaiveDate>,
}

impl CardKey {
    fn of(identity: &PersonIdentity) -> Option<Self> {
        let card = identity.card.as_ref()?;
        Some(Self {
            insurer: card.insurer().as_str().to_owned(),
            number: card.number().as_str().to_owned(),
            branch: card.branch().map(|b| b.as_str()).unwrap_or("").to_owned(),
            birth: identity.birth_date,
        })
    }

    /// The card without the birth date: family members on one card without 枝番 share it.
    fn card(&self) -> (&str, &str, &str) {
        (&self.insurer, &self.number, &self.branch)
    }
}

/// The id each of a batch's people would get if this import creates them, for the people whose
/// storing cannot depend on the rest of the batch or on stored rows other than their own id:
/// a birth date (a new person needs one), no stored person holding their card, and neither
/// their id nor their card shared with anyone else in the batch (then the order of storing
/// matters: the one-by-one path handles it). The caller still drops the ids already stored.
fn fresh_candidates(
    all: &[PersonRecords],
    stored_cards: &HashSet<CardKey>,
) -> Vec<Option<PersonId>> {
    let keys: Vec<Option<CardKey>> = all.iter().map(|r| CardKey::of(&r.person)).collect();
    // A card without 枝番 (receipts carry none) may be a stored card with one: `resolve_person`.
    let any_branch: HashSet<(&str, &str, Option<NaiveDate>)> = stored_cards
        .iter()
        .map(|k| (k.insurer.as_str(), k.number.as_str(), k.birth))
        .collect();
    let mut cards: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for key in keys.iter().flatten() {
        *cards.entry(key.card()).or_default() += 1;
    }
    let candidates: Vec<Option<PersonId>> = all
        .iter()
        .zip(&keys)
        .map(|(r, key)| {
            r.person.birth_date?;
            if let Some(key) = key {
                let stored = stored_cards.contains(key)
                    || (key.branch.is_empty()
                        && any_branch.contains(&(
                            key.insurer.as_str(),
                            key.number.as_str(),
                            key.birth,
                        )));
                if cards[&key.card()] > 1 || stored {
                    return None;
                }
            }
            match &r.person.id {
                Some(id) => Some(id.clone()),
                None => derived_person_id(&r.person),
            }
        })
        .collect();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for id in candidates.iter().flatten() {
        *ids.entry(id.as_str()).or_default() += 1;
    }
    candidates
        .iter()
        .map(|c| c.as_ref().filter(|id| ids[id.as_str()] == 1).cloned())
        .collect()
}

/// Who brought a batch in themselves (`/import`): whose records it holds and which account
/// uploaded it. Stored with the batch, so the person can remove it again and its lines are
/// told apart from an insurer's.
#[derive(Debug, Clone, Copy)]
pub struct BatchOwner<'a> {
    pub person: &'a PersonId,
    pub account: &'a str,
}

#[tracing::instrument(skip_all, fields(batch = %batch.batch_id, format = batch.format.as_str()))]
pub async fn store_batch(
    db: &Db,
    batch: ImportBatch,
    source: &str,
) -> Result<ImportOutcome, StoreError> {
    store_batch_owned(db, batch, source, None).await
}

/// [`store_batch`], recording who brought the batch in when a person did (`owner`).
pub async fn store_batch_owned(
    db: &Db,
    batch: ImportBatch,
    source: &str,
    owner: Option<BatchOwner<'_>>,
) -> Result<ImportOutcome, StoreError> {
    let stored = match db {
        Db::Sqlite(pool) => sqlite::store(pool, batch, source, owner).await,
        Db::Postgres(pool) => postgres::store(pool, batch, source, owner).await,
    };
    observed(source, stored)
}

/// Counts a stored batch (or a failed one) in the import metrics, and logs one line.
fn observed(
    source: &str,
    stored: Result<ImportOutcome, StoreError>,
) -> Result<ImportOutcome, StoreError> {
    use crate::monitoring::{import_batch, ImportResult};
    let outcome = stored.map_err(|e| failed(source, e))?;
    import_batch(
        source,
        match &outcome {
            ImportOutcome::Imported { lines, .. } => ImportResult::Imported { lines: *lines },
            ImportOutcome::AlreadyImported => ImportResult::Duplicate,
        },
    );
    if let ImportOutcome::Imported { lines, people } = &outcome {
        tracing::info!(lines, people = people.len(), "batch imported");
    } else {
        tracing::info!("batch already imported; nothing changed");
    }
    Ok(outcome)
}

fn failed(source: &str, e: StoreError) -> StoreError {
    crate::monitoring::import_batch(source, crate::monitoring::ImportResult::Failed);
    e
}

/// A batch written but, on PostgreSQL, not committed yet: a command importing many files
/// writes the next file on a second connection while this one waits its turn to commit
/// (`service::import::import_files` commits them in file order). On SQLite, one writer, a
/// batch is committed as it is written.
#[must_use = "a staged batch is rolled back unless committed"]
pub struct Staged {
    batch: String,
    format: &'static str,
    source: String,
    outcome: ImportOutcome,
    tx: Option<sqlx::Transaction<'static, sqlx::Postgres>>,
}

impl Staged {
    /// Commits the batch (on PostgreSQL), and counts and logs it as [`store_batch`] does.
    pub async fn commit(self) -> Result<ImportOutcome, StoreError> {
        let committed = match self.tx {
            Some(tx) => tx.commit().await.map_err(StoreError::from),
            None => Ok(()),
        };
        let _span =
            tracing::info_span!("store_batch", batch = %self.batch, format = self.format).entered();
        observed(&self.source, committed.map(|()| self.outcome))
    }
}

/// How many batches [`stage_batch`] can hold at once without one waiting on the other: two on
/// PostgreSQL (each holds a connection until its commit; a pool of one gets one), one on
/// SQLite (one writer).
pub fn lanes(db: &Db) -> usize {
    match db {
        Db::Sqlite(_) => 1,
        Db::Postgres(pool) if pool.options().get_max_connections() < 2 => 1,
        Db::Postgres(_) => 2,
    }
}

/// Writes `batch` as [`store_batch`] does, leaving the commit to [`Staged::commit`] on
/// PostgreSQL. `opened` is sent (or dropped) once the rows a batch shares with other batches —
/// its id and its insurers — are written: a batch whose writing starts after that holds no row
/// this one still needs, so it may wait for this one's commit, never the other way round.
#[tracing::instrument(skip_all, fields(batch = %batch.batch_id, format = batch.format.as_str()))]
pub async fn stage_batch(
    db: &Db,
    batch: ImportBatch,
    source: &str,
    opened: tokio::sync::oneshot::Sender<()>,
) -> Result<Staged, StoreError> {
    let (batch_id, format) = (batch.batch_id.to_string(), batch.format.as_str());
    let staged = match db {
        Db::Sqlite(pool) => sqlite::store(pool, batch, source, None)
            .await
            .map(|outcome| (outcome, None)),
        Db::Postgres(pool) => {
            async {
                let mut tx = pool.begin().await?;
                let fresh = postgres::open(&mut tx, &batch, source, None).await?;
                drop(opened);
                if !fresh {
                    tx.rollback().await?;
                    return Ok((ImportOutcome::AlreadyImported, None));
                }
                let outcome = postgres::fill(&mut tx, batch).await?;
                Ok((outcome, Some(tx)))
            }
            .await
        }
    };
    let (outcome, tx) = staged.map_err(|e| failed(source, e))?;
    Ok(Staged {
        batch: batch_id,
        format,
        source: source.to_owned(),
        outcome,
        tx,
    })
}

/// What two batches written at once ([`stage_batch`]) must not share: the batch id, and for
/// each person their id, the id their card would give them, their card (insurer and number —
/// branch and birth date aside, as people are matched by it), and the stored people holding
/// that card. Two batches that share none of these name different people (an unsaved batch
/// can only add people or cards its own keys name), and storing them in either order gives
/// the same rows.
pub async fn batch_keys(db: &Db, batch: &ImportBatch) -> Result<HashSet<String>, StoreError> {
    let mut keys = HashSet::new();
    keys.insert(format!("batch {}", batch.batch_id));
    let mut cards: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &batch.people {
        let p = &r.person;
        keys.extend(
            p.id.iter()
                .chain(&derived_person_id(p))
                .map(|id| format!("person {id}")),
        );
        if let Some(card) = &p.card {
            let (insurer, number) = (card.insurer().as_str(), card.number().as_str());
            keys.insert(format!("card {insurer}|{number}"));
            cards.entry(insurer).or_default().insert(number);
        }
    }
    let holders = match db {
        Db::Sqlite(pool) => sqlite::card_holders(pool, cards).await?,
        Db::Postgres(pool) => postgres::card_holders(pool, cards).await?,
    };
    keys.extend(holders.into_iter().map(|id| format!("person {id}")));
    Ok(keys)
}

/// An insurer's row as stored: its name and 特定健診 registration (code and date).
#[derive(Debug)]
struct StoredInsurer {
    name: String,
    registration: Option<(String, Option<NaiveDate>)>,
}

impl StoredInsurer {
    /// Whether storing `insurer` leaves the row as it is (a file that says nothing of the
    /// registration keeps the stored one).
    fn unchanged_by(&self, insurer: &InsurerInfo) -> bool {
        self.name == insurer.name
            && insurer.checkup_registration.is_none_or(|r| {
                self.registration
                    .as_ref()
                    .is_some_and(|(code, on)| code == r.code() && *on == r.date())
            })
    }
}

/// The same statements for both backends, type-checked against each.
macro_rules! backend {
    ($module:ident, $DB:ty, $Pool:ty, $bulk:ident) => {
        mod $module {
            use super::*;
            use sqlx::{QueryBuilder, Transaction};

            type Tx<'c> = Transaction<'c, $DB>;

            /// Binds `values` one by one as the list an `IN (` at the end of `q` opened, and closes it.
            fn in_list<'a>(q: &mut QueryBuilder<'a, $DB>, values: impl IntoIterator<Item = &'a str>) {
                let mut sep = q.separated(", ");
                for v in values {
                    sep.push_bind(v);
                }
                q.push(")");
            }

            /// Runs one multi-row statement per [`CHUNK`] of `rows`, in order, building each next
            /// statement's arguments while the database runs the one before (the database works
            /// on its own thread or server: the two overlap instead of taking turns).
            pub(super) async fn overlapped<'a, T>(
                tx: &mut Tx<'_>,
                rows: &'a [T],
                build: impl Fn(&'a [T]) -> QueryBuilder<'a, $DB>,
            ) -> Result<(), StoreError> {
                use std::future::Future;
                use std::task::Poll;
                let mut chunks = rows.chunks(CHUNK);
                let Some(first) = chunks.next() else { return Ok(()) };
                let mut current = build(first);
                for chunk in chunks {
                    let next = {
                        let mut run = std::pin::pin!(current.build().execute(&mut **tx));
                        // The first poll hands the statement over; the next is built meanwhile.
                        let early = std::future::poll_fn(|cx| Poll::Ready(run.as_mut().poll(cx))).await;
                        let next = build(chunk);
                        match early {
                            Poll::Ready(done) => done?,
                            Poll::Pending => run.await?,
                        };
                        next
                    };
                    current = next;
                }
                current.build().execute(&mut **tx).await?;
                Ok(())
            }

            pub async fn store(pool: &$Pool, batch: ImportBatch, source: &str, owner: Option<BatchOwner<'_>>) -> Result<ImportOutcome, StoreError> {
                use sqlx::Connection;
                let mut conn = pool.acquire().await?;
                super::$bulk::before_batch(&mut conn).await?;
                let mut tx = conn.begin().await?;
                if !open(&mut tx, &batch, source, owner).await? {
                    tx.rollback().await?;
                    return Ok(ImportOutcome::AlreadyImported);
                }
                let outcome = fill(&mut tx, batch).await?;
                tx.commit().await?;
                Ok(outcome)
            }

            /// The rows a batch shares with other batches, written first: the batch itself
            /// (`false` when its id was imported before: nothing is written) and its insurers,
            /// updated only when the file says something new (an update locks the row until
            /// the commit, and every batch of one insurer names it).
            pub(super) async fn open(tx: &mut Tx<'_>, batch: &ImportBatch, source: &str, owner: Option<BatchOwner<'_>>) -> Result<bool, StoreError> {
                let inserted = sqlx::query(
                    "INSERT INTO import_batches (id, format, source, line_count, owner_person, imported_by)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(batch.batch_id.as_str())
                .bind(batch.format.as_str())
                .bind(source)
                .bind(batch.line_count() as i64)
                .bind(owner.map(|o| o.person.as_str()))
                .bind(owner.map(|o| o.account))
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if inserted == 0 {
                    return Ok(false);
                }
                let stored = stored_insurers(tx, &batch.insurers).await?;
                let changes = |number: &str| {
                    batch.insurers.iter().filter(|i| i.number.as_str() == number).any(|i| {
                        !stored.get(number).is_some_and(|s| s.unchanged_by(i))
                    })
                };
                let mut changed: Vec<&InsurerInfo> = batch.insurers.iter().filter(|i| changes(i.number.as_str())).collect();
                // One order for every batch, so two batches locking the same rows cannot
                // deadlock (a stable sort: one insurer named twice is stored in file order).
                changed.sort_by(|a, b| a.number.as_str().cmp(b.number.as_str()));
                for insurer in changed {
                    let reg = insurer.checkup_registration;
                    sqlx::query(
                        "INSERT INTO insurers (number, name, checkup_registration, checkup_registration_on)
                         VALUES ($1, $2, $3, $4)
                         ON CONFLICT (number) DO UPDATE SET name = excluded.name,
                           checkup_registration = COALESCE(excluded.checkup_registration, insurers.checkup_registration),
                           checkup_registration_on = CASE WHEN excluded.checkup_registration IS NULL
                             THEN insurers.checkup_registration_on ELSE excluded.checkup_registration_on END",
                    )
                    .bind(insurer.number.as_str())
                    .bind(&insurer.name)
                    .bind(reg.map(|r| r.code()))
                    .bind(reg.and_then(|r| r.date()))
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(true)
            }

            /// The stored rows of `insurers`, by number, as [`StoredInsurer`]s.
            async fn stored_insurers(tx: &mut Tx<'_>, insurers: &[InsurerInfo]) -> Result<HashMap<String, StoredInsurer>, StoreError> {
                let mut found = HashMap::new();
                for chunk in insurers.chunks(CHUNK) {
                    let mut q = QueryBuilder::<$DB>::new(
                        "SELECT number, name, checkup_registration, checkup_registration_on FROM insurers WHERE number IN (",
                    );
                    in_list(&mut q, chunk.iter().map(|i| i.number.as_str()));
                    let rows: Vec<(String, String, Option<String>, Option<NaiveDate>)> = q.build_query_as().fetch_all(&mut **tx).await?;
                    found.extend(rows.into_iter().map(|(number, name, registration, on)| {
                        (number, StoredInsurer { name, registration: registration.map(|r| (r, on)) })
                    }));
                }
                Ok(found)
            }

            /// Everything but the batch's shared rows ([`open`]): its people, their insurances,
            /// lines and checkups, and the readers' cache tokens of the people it changed.
            pub(super) async fn fill(tx: &mut Tx<'_>, mut batch: ImportBatch) -> Result<ImportOutcome, StoreError> {
                let lines = batch.line_count();
                let batch_id = batch.batch_id.as_str().to_owned();
                let fresh = fresh_people(tx, &batch.people).await?;
                store_fresh(tx, &batch_id, &mut batch.people, &fresh).await?;
                let mut people = Vec::with_capacity(batch.people.len());
                // The people stored before this batch; the ones it created cannot go before it
                // commits (nobody else sees them yet).
                let mut earlier = Vec::new();
                for (records, fresh) in batch.people.iter_mut().zip(fresh) {
                    let id = match fresh {
                        Some(id) => id,
                        None => {
                            let (id, created) = resolve_person(tx, records).await?;
                            records.assign_person(&id);
                            store_records(tx, &batch_id, &id, records, created).await?;
                            if !created {
                                earlier.push(id.clone());
                            }
                            id
                        }
                    };
                    people.push(id);
                }
                // Readers' caches of these people's lines are stale from this commit on. (One
                // row per person: a statement may not upsert the same row twice.)
                let mut touched: Vec<&PersonId> = people.iter().collect();
                touched.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
                touched.dedup_by(|a, b| a.as_str() == b.as_str());
                earlier.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
                earlier.dedup_by(|a, b| a.as_str() == b.as_str());
                people_present(tx, &earlier.iter().collect::<Vec<_>>()).await?;
                overlapped(tx, &touched, |chunk| {
                    let mut q = QueryBuilder::<$DB>::new("INSERT INTO record_versions (person_id, token) ");
                    q.push_values(chunk, |mut b, id| {
                        b.push_bind(id.as_str()).push_bind(crate::records::line_cache::new_token());
                    });
                    q.push(" ON CONFLICT (person_id) DO UPDATE SET token = excluded.token");
                    q
                })
                .await?;
                Ok(ImportOutcome::Imported { lines, people })
            }

            /// The stored people holding any of `cards` (numbers by insurer), whatever the
            /// branch and birth date, as committed now.
            pub(super) async fn card_holders(pool: &$Pool, cards: BTreeMap<&str, BTreeSet<&str>>) -> Result<Vec<String>, StoreError> {
                let mut found = Vec::new();
                for (insurer, numbers) in cards {
                    let numbers: Vec<&str> = numbers.into_iter().collect();
                    for chunk in numbers.chunks(CHUNK) {
                        let mut q = QueryBuilder::<$DB>::new("SELECT DISTINCT person_id FROM insurances WHERE insurer_number = ");
                        q.push_bind(insurer).push(" AND number IN (");
                        in_list(&mut q, chunk.iter().copied());
                        let rows: Vec<(String,)> = q.build_query_as().fetch_all(pool).await?;
                        found.extend(rows.into_iter().map(|(id,)| id));
                    }
                }
                Ok(found)
            }

            /// The stored people a batch's cards match (`resolve_person`'s rule: insurer, number,
            /// branch and birth date; the newest insurance row wins), in one query per insurer
            /// and [`CHUNK`] card numbers instead of one per person.
            async fn stored_cards(tx: &mut Tx<'_>, all: &[PersonRecords]) -> Result<HashSet<CardKey>, StoreError> {
                let mut numbers: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
                for r in all {
                    if let Some(card) = &r.person.card {
                        numbers.entry(card.insurer().as_str()).or_default().insert(card.number().as_str());
                    }
                }
                let mut found = HashSet::new();
                for (insurer, numbers) in numbers {
                    let numbers: Vec<&str> = numbers.into_iter().collect();
                    for chunk in numbers.chunks(CHUNK) {
                        let mut q = QueryBuilder::<$DB>::new(
                            "SELECT i.number, COALESCE(i.branch, ''), p.birth_date FROM insurances i
                             JOIN people p ON p.id = i.person_id WHERE i.insurer_number = ",
                        );
                        q.push_bind(insurer).push(" AND i.number IN (");
                        in_list(&mut q, chunk.iter().copied());
                        let rows: Vec<(String, String, NaiveDate)> = q.build_query_as().fetch_all(&mut **tx).await?;
                        found.extend(rows.into_iter().map(|(number, branch, birth)| CardKey {
                            insurer: insurer.to_owned(),
                            number,
                            branch,
                            birth: Some(birth),
                        }));
                    }
                }
                Ok(found)
            }

            /// Every person whose lines the batch wrote is stored, and stays so until the commit
            /// (`KEEP_PEOPLE`): the check the lines' foreign keys, off for the batch, would have
            /// made once per line.
            async fn people_present(tx: &mut Tx<'_>, ids: &[&PersonId]) -> Result<(), StoreError> {
                let mut found = 0;
                for chunk in ids.chunks(CHUNK) {
                    let mut q = QueryBuilder::<$DB>::new("SELECT id FROM people WHERE id IN (");
                    in_list(&mut q, chunk.iter().map(|id| id.as_str()));
                    q.push(super::$bulk::KEEP_PEOPLE);
                    found += q.build().fetch_all(&mut **tx).await?.len();
                }
                if found != ids.len() {
                    return Err(StoreError::PersonRemoved);
                }
                Ok(())
            }

            /// Which of `ids` are stored people.
            async fn stored_people(tx: &mut Tx<'_>, ids: &[&str]) -> Result<HashSet<String>, StoreError> {
                let mut found = HashSet::new();
                for chunk in ids.chunks(CHUNK) {
                    let mut q = QueryBuilder::<$DB>::new("SELECT id FROM people WHERE id IN (");
                    in_list(&mut q, chunk.iter().copied());
                    let rows: Vec<(String,)> = q.build_query_as().fetch_all(&mut **tx).await?;
                    found.extend(rows.into_iter().map(|(id,)| id));
                }
                Ok(found)
            }

            /// For each of the batch's people, their id when this import creates them and nothing
            /// else can make them differ from one by one storing (see [`fresh_candidates`]).
            async fn fresh_people(tx: &mut Tx<'_>, all: &[PersonRecords]) -> Result<Vec<Option<PersonId>>, StoreError> {
                let cards = stored_cards(tx, all).await?;
                let candidates = fresh_candidates(all, &cards);
                let ids: Vec<&str> = candidates.iter().flatten().map(|id| id.as_str()).collect();
                let stored = stored_people(tx, &ids).await?;
                Ok(candidates.into_iter().map(|c| c.filter(|id| !stored.contains(id.as_str()))).collect())
            }

            /// The people of `fresh` (and their first insurance, lines and checkups) in a few
            /// multi-row statements for all of them: a receipt file names thousands of people
            /// with a handful of lines each, where a round trip per person and table dominates.
            async fn store_fresh(tx: &mut Tx<'_>, batch_id: &str, all: &mut [PersonRecords], fresh: &[Option<PersonId>]) -> Result<(), StoreError> {
                let mut new: Vec<&PersonRecords> = Vec::new();
                for (records, id) in all.iter_mut().zip(fresh) {
                    if let Some(id) = id {
                        records.assign_person(id);
                        new.push(records);
                    }
                }
                overlapped(tx, &new, |chunk| {
                    let mut q = QueryBuilder::<$DB>::new("INSERT INTO people (id, name, name_kana, sex, birth_date) ");
                    q.push_values(chunk, |mut b, r| {
                        let p = &r.person;
                        b.push_bind(p.id.as_ref().map(|id| id.as_str()))
                            .push_bind(p.name.as_str())
                            .push_bind(p.name_kana.as_deref())
                            .push_bind(p.sex.map(|s| to_code(&s)))
                            .push_bind(p.birth_date);
                    });
                    q
                })
                .await?;
                let insured: Vec<(&PersonRecords, &CardIdentity, NaiveDate)> = new
                    .iter()
                    .filter_map(|r| {
                        let card = r.person.card.as_ref()?;
                        let since = r.person.insured_since.or_else(|| earliest_date(r)).or(r.person.birth_date)?;
                        Some((*r, card, since))
                    })
                    .collect();
                overlapped(tx, &insured, |chunk| {
                    let mut q = QueryBuilder::<$DB>::new(
                        "INSERT INTO insurances (person_id, insurer_number, insurer_name, symbol, number, branch, valid_from) ",
                    );
                    q.push_values(chunk, |mut b, (r, card, since)| {
                        b.push_bind(r.person.id.as_ref().map(|id| id.as_str()))
                            .push_bind(card.insurer().as_str())
                            .push_bind(r.person.insurer_name.as_deref().unwrap_or(""))
                            .push_bind(card.symbol().map(|s| s.as_str()))
                            .push_bind(card.number().as_str())
                            .push_bind(card.branch().map(|b| b.as_str()))
                            .push_bind(*since);
                    });
                    q
                })
                .await?;
                let drugs: Vec<(&PersonId, &DrugLine)> = new
                    .iter()
                    .filter_map(|r| r.person.id.as_ref().map(|id| (id, *r)))
                    .flat_map(|(id, r)| r.drugs.iter().map(move |d| (id, d)))
                    .collect();
                super::$bulk::drug_lines(tx, batch_id, &drugs).await?;
                let expenses: Vec<(&PersonId, &ExpenseLine)> = new
                    .iter()
                    .filter_map(|r| r.person.id.as_ref().map(|id| (id, *r)))
                    .flat_map(|(id, r)| r.expenses.iter().map(move |e| (id, e)))
                    .collect();
                super::$bulk::expense_lines(tx, batch_id, &expenses).await?;
                for r in &new {
                    if let Some(id) = &r.person.id {
                        store_checkups(tx, batch_id, id, &r.checkups, true).await?;
                    }
                }
                Ok(())
            }

            /// The person the records belong to, and whether this import created them (then
            /// nothing of theirs is stored yet, and the checks for earlier rows are skipped).
            async fn resolve_person(tx: &mut Tx<'_>, records: &PersonRecords) -> Result<(PersonId, bool), StoreError> {
                let identity = &records.person;
                let mut known = false;
                let id = match &identity.id {
                    Some(id) => id.clone(),
                    None => {
                        let card = identity.card.as_ref().ok_or(StoreError::NoIdentity)?;
                        let matched: Option<(String,)> = sqlx::query_as(
                            "SELECT i.person_id FROM insurances i JOIN people p ON p.id = i.person_id
                             WHERE i.insurer_number = $1 AND i.number = $2 AND COALESCE(i.branch, '') = $3
                               AND p.birth_date = $4
                             ORDER BY i.valid_from DESC LIMIT 1",
                        )
                        .bind(card.insurer().as_str())
                        .bind(card.number().as_str())
                        .bind(card.branch().map(|b| b.as_str()).unwrap_or(""))
                        .bind(identity.birth_date)
                        .fetch_optional(&mut **tx)
                        .await?;
                        let matched = match (matched, card.branch()) {
                            (None, None) => same_card_any_branch(tx, identity, card).await?,
                            (matched, _) => matched,
                        };
                        match matched {
                            Some((existing,)) => {
                                known = true;
                                PersonId::parse(&existing).map_err(|e| {
                                    StoreError::Db(DbError::Query(sqlx::Error::Decode(Box::new(e))))
                                })?
                            }
                            None => derived_person_id(identity).ok_or(StoreError::NoIdentity)?,
                        }
                    }
                };
                let exists = known
                    || sqlx::query_as::<_, (String,)>("SELECT id FROM people WHERE id = $1")
                        .bind(id.as_str())
                        .fetch_optional(&mut **tx)
                        .await?
                        .is_some();
                if !exists {
                    let birth = identity.birth_date.ok_or_else(|| StoreError::IncompletePerson(id.to_string()))?;
                    sqlx::query("INSERT INTO people (id, name, name_kana, sex, birth_date) VALUES ($1, $2, $3, $4, $5)")
                        .bind(id.as_str())
                        .bind(&identity.name)
                        .bind(identity.name_kana.as_deref())
                        .bind(identity.sex.map(|s| to_code(&s)))
                        .bind(birth)
                        .execute(&mut **tx)
                        .await?;
                }
                if let Some(card) = &identity.card {
                    let since = identity.insured_since.or_else(|| earliest_date(records)).or(identity.birth_date);
                    if let Some(since) = since {
                        store_insurance(tx, &id, card, identity.insurer_name.as_deref().unwrap_or(""), since, !exists).await?;
                    }
                }
                Ok((id, !exists))
            }

            /// A card without 枝番 (a receipt's 被保険者証 fields carry none) and a stored card that
            /// has one: the same person when exactly one stored person holds that insurer and
            /// number with the same birth date and the same name (spaces aside) — 枝番 tells
            /// family members on one card apart, and the name stands in for it.
            async fn same_card_any_branch(tx: &mut Tx<'_>, identity: &PersonIdentity, card: &CardIdentity) -> Result<Option<(String,)>, StoreError> {
                let name: String = identity.name.chars().filter(|c| !matches!(c, ' ' | '　')).collect();
                let found: Vec<(String,)> = sqlx::query_as(
                    "SELECT DISTINCT i.person_id FROM insurances i JOIN people p ON p.id = i.person_id
                     WHERE i.insurer_number = $1 AND i.number = $2 AND i.branch IS NOT NULL AND p.birth_date = $3
                       AND REPLACE(REPLACE(p.name, ' ', ''), '　', '') = $4
                     LIMIT 2",
                )
                .bind(card.insurer().as_str())
                .bind(card.number().as_str())
                .bind(identity.birth_date)
                .bind(name)
                .fetch_all(&mut **tx)
                .await?;
                Ok(match found.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                })
            }

            /// Records that `person` holds `card` from `since`. The same card still open goes on
            /// (an earlier start widens it); a different card closes the person's older rows
            /// the day before it starts, and is itself closed by a newer row already stored. A
            /// person created by this import (`new_person`) has no rows yet: one insert.
            async fn store_insurance(
                tx: &mut Tx<'_>,
                person: &PersonId,
                card: &CardIdentity,
                insurer_name: &str,
                since: NaiveDate,
                new_person: bool,
            ) -> Result<(), StoreError> {
                if new_person {
                    sqlx::query(
                        "INSERT INTO insurances (person_id, insurer_number, insurer_name, symbol, number, branch, valid_from)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(person.as_str())
                    .bind(card.insurer().as_str())
                    .bind(insurer_name)
                    .bind(card.symbol().map(|s| s.as_str()))
                    .bind(card.number().as_str())
                    .bind(card.branch().map(|b| b.as_str()))
                    .bind(since)
                    .execute(&mut **tx)
                    .await?;
                    return Ok(());
                }
                let open: Option<(i64, NaiveDate)> = sqlx::query_as(
                    "SELECT id, valid_from FROM insurances WHERE person_id = $1 AND insurer_number = $2
                       AND COALESCE(symbol, '') = $3 AND number = $4 AND (COALESCE(branch, '') = $5 OR $5 = '')
                       AND valid_to IS NULL
                     ORDER BY valid_from DESC LIMIT 1",
                )
                .bind(person.as_str())
                .bind(card.insurer().as_str())
                .bind(card.symbol().map_or("", |s| s.as_str()))
                .bind(card.number().as_str())
                .bind(card.branch().map_or("", |b| b.as_str()))
                .fetch_optional(&mut **tx)
                .await?;
                if let Some((row, from)) = open {
                    // A file that names no insurer (receipts) keeps the name stored.
                    sqlx::query("UPDATE insurances SET insurer_name = CASE WHEN $1 = '' THEN insurer_name ELSE $1 END, valid_from = $2 WHERE id = $3")
                        .bind(insurer_name)
                        .bind(from.min(since))
                        .bind(row)
                        .execute(&mut **tx)
                        .await?;
                    return Ok(());
                }
                sqlx::query(
                    "INSERT INTO insurances (person_id, insurer_number, insurer_name, symbol, number, branch, valid_from)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (person_id, insurer_number, valid_from) DO UPDATE SET
                       insurer_name = excluded.insurer_name, symbol = excluded.symbol,
                       number = excluded.number, branch = excluded.branch",
                )
                .bind(person.as_str())
                .bind(card.insurer().as_str())
                .bind(insurer_name)
                .bind(card.symbol().map(|s| s.as_str()))
                .bind(card.number().as_str())
                .bind(card.branch().map(|b| b.as_str()))
                .bind(since)
                .execute(&mut **tx)
                .await?;
                let day_before = since.pred_opt().unwrap_or(since);
                sqlx::query(
                    "UPDATE insurances SET valid_to = $1
                     WHERE person_id = $2 AND valid_from < $3 AND (valid_to IS NULL OR valid_to >= $3)",
                )
                .bind(day_before)
                .bind(person.as_str())
                .bind(since)
                .execute(&mut **tx)
                .await?;
                let next: Option<(NaiveDate,)> = sqlx::query_as(
                    "SELECT valid_from FROM insurances WHERE person_id = $1 AND valid_from > $2 ORDER BY valid_from LIMIT 1",
                )
                .bind(person.as_str())
                .bind(since)
                .fetch_optional(&mut **tx)
                .await?;
                if let Some((next,)) = next {
                    sqlx::query("UPDATE insurances SET valid_to = $1 WHERE person_id = $2 AND insurer_number = $3 AND valid_from = $4")
                        .bind(next.pred_opt().unwrap_or(next))
                        .bind(person.as_str())
                        .bind(card.insurer().as_str())
                        .bind(since)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            async fn delete_claims(tx: &mut Tx<'_>, table: &str, person: &PersonId, claims: Vec<&str>) -> Result<(), StoreError> {
                let mut claims = claims;
                claims.sort_unstable();
                claims.dedup();
                for chunk in claims.chunks(CHUNK) {
                    let mut q = QueryBuilder::<$DB>::new(format!("DELETE FROM {table} WHERE person_id = "));
                    q.push_bind(person.as_str()).push(" AND claim_id IN (");
                    in_list(&mut q, chunk.iter().copied());
                    q.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// A person's lines and checkups; a re-claim replaces the earlier claim's lines. A
            /// person created by this import (`new_person`) has none to replace.
            async fn store_records(tx: &mut Tx<'_>, batch_id: &str, person: &PersonId, records: &PersonRecords, new_person: bool) -> Result<(), StoreError> {
                if !new_person {
                    delete_claims(tx, "drug_lines", person, records.drugs.iter().map(|d| d.claim.claim_id.as_str()).collect()).await?;
                }
                let drugs: Vec<(&PersonId, &DrugLine)> = records.drugs.iter().map(|d| (person, d)).collect();
                super::$bulk::drug_lines(tx, batch_id, &drugs).await?;
                if !new_person {
                    delete_claims(tx, "expense_lines", person, records.expenses.iter().map(|e| e.claim.claim_id.as_str()).collect()).await?;
                }
                let expenses: Vec<(&PersonId, &ExpenseLine)> = records.expenses.iter().map(|e| (person, e)).collect();
                super::$bulk::expense_lines(tx, batch_id, &expenses).await?;
                store_checkups(tx, batch_id, person, &records.checkups, new_person).await
            }

            /// A person's checkups; one for the same date and kind replaces the stored one.
            async fn store_checkups(tx: &mut Tx<'_>, batch_id: &str, person: &PersonId, checkups: &[Checkup], new_person: bool) -> Result<(), StoreError> {
                for c in checkups {
                    let kind = to_code(&c.kind);
                    if !new_person {
                        // Results first, not left to ON DELETE CASCADE: SQLite imports run with
                        // foreign keys off (sqlite_bulk::before_batch).
                        sqlx::query(
                            "DELETE FROM checkup_results WHERE person_id = $1 AND checkup_id IN
                               (SELECT id FROM checkups WHERE person_id = $1 AND performed_on = $2 AND kind = $3)",
                        )
                        .bind(person.as_str())
                        .bind(c.performed_on)
                        .bind(&kind)
                        .execute(&mut **tx)
                        .await?;
                        sqlx::query("DELETE FROM checkups WHERE person_id = $1 AND performed_on = $2 AND kind = $3")
                            .bind(person.as_str())
                            .bind(c.performed_on)
                            .bind(&kind)
                            .execute(&mut **tx)
                            .await?;
                    }
                    let (checkup_id,): (i64,) = sqlx::query_as(
                        "INSERT INTO checkups (person_id, batch_id, performed_on, kind, institution_name, insurer_number)
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(person.as_str())
                    .bind(batch_id)
                    .bind(c.performed_on)
                    .bind(&kind)
                    .bind(c.institution_name.as_str())
                    .bind(c.insurer.as_str())
                    .fetch_one(&mut **tx)
                    .await?;
                    for (n, chunk) in c.results.chunks(CHUNK).enumerate() {
                        let mut q = QueryBuilder::<$DB>::new("INSERT INTO checkup_results (person_id, checkup_id, position, code, value) ");
                        q.push_values(chunk.iter().enumerate(), |mut b, (i, r)| {
                            let value = serde_json::to_string(&r.value).expect("checkup values serialize");
                            b.push_bind(person.as_str().to_owned())
                                .push_bind(checkup_id)
                                .push_bind((n * CHUNK + i) as i64)
                                .push_bind(r.code.as_str().to_owned())
                                .push_bind(value);
                        });
                        q.build().execute(&mut **tx).await?;
                    }
                }
                Ok(())
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, sqlx::SqlitePool, sqlite_bulk);
backend!(postgres, sqlx::Postgres, sqlx::PgPool, postgres_bulk);

/// Drug and expense lines on SQLite: multi-row INSERTs bound in place on SQLite's own handle
/// ([`crate::records::sqlite_rows`]), inside the batch's transaction.
mod sqlite_bulk {
    use super::*;
    use crate::records::codes::code_str;
    use crate::records::sqlite_rows::{Inserter, Value, CHUNK_ROWS};
    use domain::claim::ClaimSource;
    use sqlx::{Sqlite, Transaction};
    use std::borrow::Cow;

    /// SQLite's page cache for one batch's transaction (KiB). With the default 2 MB a receipt file's
    /// 100,000 lines and their indexes spill pages to the WAL and read them back through the
    /// kernel mid-transaction (a third of the storing thread in a profile).
    const BATCH_CACHE_KIB: i64 = 65_536;

    /// Sets the connection up for one batch: a large page cache, and foreign keys off. The
    /// import writes only rows whose parents it has just inserted or found in the same
    /// transaction (the batch, the people), and deletes children before parents, so the
    /// per-row parent lookups (two index searches for every line) check nothing the code
    /// does not already guarantee; `import_store::import_leaves_no_dangling_keys` runs
    /// `PRAGMA foreign_key_check` after imports of every kind. The connection is closed
    /// instead of going back to the pool (also when the import is dropped half-way, e.g. by a
    /// client hanging up), so no other query ever runs with these settings.
    pub async fn before_batch(
        conn: &mut sqlx::pool::PoolConnection<Sqlite>,
    ) -> Result<(), StoreError> {
        conn.close_on_drop();
        sqlx::query(&format!("PRAGMA cache_size = -{BATCH_CACHE_KIB}"))
            .execute(&mut **conn)
            .await?;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut **conn)
            .await?;
        Ok(())
    }

    /// How the batch keeps the people it checked: SQLite has one writer, so nobody can remove
    /// them before the commit.
    pub const KEEP_PEOPLE: &str = "";

    /// A date or month as sqlx stores it on SQLite (`%F` for a date, `YYYY-MM` for a month),
    /// written in place: four of them for each line, no allocation and none of chrono's format
    /// machinery (a tenth of the storing thread's time in a profile).
    enum Stamp {
        Inline { buf: [u8; 10], len: usize },
        Other(String),
    }

    impl Stamp {
        fn digits(buf: &mut [u8], mut n: u32) {
            for b in buf.iter_mut().rev() {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        }

        fn day(d: NaiveDate) -> Self {
            use chrono::Datelike;
            match u32::try_from(d.year()) {
                Ok(year @ 0..=9999) => {
                    let mut buf = *b"0000-00-00";
                    Self::digits(&mut buf[0..4], year);
                    Self::digits(&mut buf[5..7], d.month());
                    Self::digits(&mut buf[8..10], d.day());
                    Stamp::Inline { buf, len: 10 }
                }
                _ => Stamp::Other(d.format("%F").to_string()),
            }
        }

        fn month(m: domain::period::YearMonth) -> Self {
            match u32::try_from(m.year()) {
                Ok(year @ 0..=9999) => {
                    let mut buf = *b"0000-00\0\0\0";
                    Self::digits(&mut buf[0..4], year);
                    Self::digits(&mut buf[5..7], m.month());
                    Stamp::Inline { buf, len: 7 }
                }
                _ => Stamp::Other(m.to_string()),
            }
        }

        fn as_str(&self) -> &str {
            match self {
                // Only ASCII digits and '-' are ever written to `buf`.
                Stamp::Inline { buf, len } => std::str::from_utf8(&buf[..*len]).unwrap_or(""),
                Stamp::Other(s) => s,
            }
        }
    }

    /// The columns both line tables share, in [`DRUG_COLUMNS`]' and [`EXPENSE_COLUMNS`]' order:
    /// the first eight (whose line, which batch and claim, its month and dates) and the last
    /// three (the receipt's identity); what of them is not in the claim as text already.
    struct ClaimTexts {
        month: Stamp,
        accepted: Stamp,
        visible: Stamp,
        receipt: [Cow<'static, str>; 2],
    }

    impl ClaimTexts {
        fn new(claim: &ClaimSource, month: domain::period::YearMonth, visible: NaiveDate) -> Self {
            ClaimTexts {
                month: Stamp::month(month),
                accepted: Stamp::day(claim.accepted_on),
                visible: Stamp::day(visible),
                receipt: [
                    code_str(&claim.receipt.kind),
                    code_str(&claim.receipt.setting),
                ],
            }
        }

        /// The first eight columns.
        fn head<'a>(
            &'a self,
            person: &'a PersonId,
            batch_id: &'a str,
            claim: &'a ClaimSource,
            v: &mut Vec<Value<'a>>,
        ) {
            v.extend([
                Value::Text(person.as_str()),
                Value::Text(batch_id),
                Value::Text(claim.claim_id.as_str()),
                Value::Text(claim.institution.as_str()),
                Value::Text(self.month.as_str()),
                Value::Text(self.accepted.as_str()),
                Value::Int(claim.sequence as i64),
                Value::Text(self.visible.as_str()),
            ]);
        }

        /// The last three columns.
        fn tail<'a>(&'a self, claim: &'a ClaimSource, v: &mut Vec<Value<'a>>) {
            v.extend([
                Value::Text(&self.receipt[0]),
                Value::Text(&self.receipt[1]),
                claim.receipt.prescriber.as_ref().map(|p| p.as_str()).into(),
            ]);
        }
    }

    /// What a drug line stores that is not in it as text already.
    struct DrugTexts {
        claim: ClaimTexts,
        dispensed: Stamp,
        codes: [Cow<'static, str>; 2],
        mark: Option<Cow<'static, str>>,
    }

    /// Writes `rows` in chunks of [`CHUNK_ROWS`], `texts` making what each row's values borrow
    /// besides the row, and `values` the row's values in the columns' order. Between two
    /// chunks other tasks on this thread get their turn (the inserts run on the caller's
    /// thread: an API import must not hold up a web worker's other requests for a whole file).
    async fn insert_rows<R, T>(
        tx: &mut Transaction<'_, Sqlite>,
        table: &str,
        columns: &str,
        rows: &[R],
        texts: impl Fn(&R) -> T,
        values: impl for<'a> Fn(&'a R, &'a T, &mut Vec<Value<'a>>),
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut handle = tx.lock_handle().await?;
        let mut insert = Inserter::new(&mut handle, table, columns);
        for chunk in rows.chunks(CHUNK_ROWS) {
            let made: Vec<T> = chunk.iter().map(&texts).collect();
            let mut row_values = Vec::with_capacity(chunk.len() * insert.columns());
            for (row, t) in chunk.iter().zip(&made) {
                values(row, t, &mut row_values);
            }
            insert.insert(&row_values)?;
            drop(row_values);
            tokio::task::yield_now().await;
        }
        Ok(())
    }

    pub async fn drug_lines<'a>(
        tx: &mut Transaction<'_, Sqlite>,
        batch_id: &'a str,
        drugs: &'a [(&'a PersonId, &'a DrugLine)],
    ) -> Result<(), StoreError> {
        insert_rows(
            tx,
            "drug_lines",
            DRUG_COLUMNS,
            drugs,
            |(_, d)| DrugTexts {
                claim: ClaimTexts::new(&d.claim, d.claim.service_month, d.visible_from),
                dispensed: Stamp::day(d.dispensed_on),
                codes: [code_str(&d.prescription), code_str(&d.usage)],
                mark: d.mark.map(|m| code_str(&m)),
            },
            |(person, d), t, v| {
                t.claim.head(person, batch_id, &d.claim, v);
                v.extend([
                    Value::Text(t.dispensed.as_str()),
                    Value::Text(d.dispenser_name.as_str()),
                    Value::Text(d.prescriber.as_str()),
                    Value::Text(&t.codes[0]),
                    Value::Text(&t.codes[1]),
                    Value::Text(d.drug_name.as_str()),
                    d.ingredient.as_deref().into(),
                    d.receipt_code.as_ref().map(|c| c.as_str()).into(),
                    d.yj_code.as_ref().map(|c| c.as_str()).into(),
                    d.directions.as_deref().into(),
                    d.daily_dose.as_deref().into(),
                    d.single_dose.as_deref().into(),
                    d.special_instructions.as_deref().into(),
                    Value::Int(i64::from(d.quantity.amount)),
                    Value::Text(d.quantity.unit.label_ja()),
                    t.mark.as_deref().into(),
                    d.copay.map(|y| y.0).into(),
                    d.savings.map(|y| y.0).into(),
                ]);
                t.claim.tail(&d.claim, v);
            },
        )
        .await
    }

    pub async fn expense_lines<'a>(
        tx: &mut Transaction<'_, Sqlite>,
        batch_id: &'a str,
        expenses: &'a [(&'a PersonId, &'a ExpenseLine)],
    ) -> Result<(), StoreError> {
        insert_rows(
            tx,
            "expense_lines",
            EXPENSE_COLUMNS,
            expenses,
            |(_, e)| ClaimTexts::new(&e.claim, e.service_month, e.visible_from),
            |(person, e), t, v| {
                t.head(person, batch_id, &e.claim, v);
                v.extend([
                    Value::Text(e.category.label_ja()),
                    Value::Int(i64::from(e.days)),
                    Value::Text(e.institution_name.as_str()),
                    Value::Int(e.total.0),
                    Value::Int(e.insurer_paid.0),
                    Value::Int(e.public_paid.0),
                    Value::Int(e.patient_paid.0),
                ]);
                t.tail(&e.claim, v);
            },
        )
        .await
    }
}

/// Drug and expense lines on PostgreSQL: one `COPY … FROM STDIN` (binary format) per table and
/// call — for a batch's new people, one for all of them — inside the batch's transaction: several
/// times faster than multi-row INSERTs, and still all or nothing (a failed COPY fails the
/// transaction).
mod postgres_bulk {
    use super::*;
    use crate::records::codes::code_str;
    use sqlx::{Postgres, Transaction};

    /// Nothing to set per batch on PostgreSQL (its buffers are the server's).
    pub async fn before_batch(
        _conn: &mut sqlx::pool::PoolConnection<Postgres>,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// How the batch keeps the people it checked until the commit: their rows locked FOR KEY
    /// SHARE, as the lines' foreign keys did once per line (migration 20261207000100).
    /// Leaving locks the person FOR UPDATE first, so it waits for the batch to commit, or the
    /// batch finds the person gone and is refused whole.
    pub const KEEP_PEOPLE: &str = " FOR KEY SHARE";

    /// Rows in PostgreSQL's binary COPY format: a header, then for each row its number of
    /// fields and each field as its length (-1 for NULL) and bytes, big-endian — text as UTF-8,
    /// BIGINT as 8 bytes, DATE as days since 2000-01-01. Nothing is formatted here or parsed by
    /// the server: reading the text format (splitting, unescaping, dates and numbers) was a third
    /// of the server's COPY time in a profile (bench/README.md, twelfth stop).
    struct CopyRows {
        buf: Vec<u8>,
        /// Where the current row's field count goes, and the count so far.
        row_at: usize,
        fields: u16,
    }

    /// Bytes sent to the server at a time.
    const SEND_AT: usize = 256 * 1024;

    impl CopyRows {
        fn new() -> Self {
            let mut buf = Vec::with_capacity(SEND_AT + 4096);
            // Signature, flags (no OIDs), header extension length.
            buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
            buf.extend_from_slice(&0i32.to_be_bytes());
            buf.extend_from_slice(&0i32.to_be_bytes());
            Self {
                buf,
                row_at: 0,
                fields: 0,
            }
        }
        fn start_row(&mut self) {
            self.row_at = self.buf.len();
            self.buf.extend_from_slice(&0u16.to_be_bytes());
            self.fields = 0;
        }
        fn field(&mut self, bytes: &[u8]) -> &mut Self {
            // A field of 2 GB cannot come from a batch (MAX_BYTES is far smaller).
            let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
            self.buf.extend_from_slice(&len.to_be_bytes());
            self.buf.extend_from_slice(bytes);
            self.fields += 1;
            self
        }
        fn text(&mut self, s: &str) -> &mut Self {
            self.field(s.as_bytes())
        }
        fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
            match s {
                Some(s) => self.text(s),
                None => {
                    self.buf.extend_from_slice(&(-1i32).to_be_bytes());
                    self.fields += 1;
                    self
                }
            }
        }
        fn int(&mut self, n: i64) -> &mut Self {
            self.field(&n.to_be_bytes())
        }
        fn opt_int(&mut self, n: Option<i64>) -> &mut Self {
            match n {
                Some(n) => self.int(n),
                None => self.opt_text(None),
            }
        }
        /// Days since 2000-01-01 (day 730,120 of the common era); every chrono date fits.
        fn date(&mut self, d: NaiveDate) -> &mut Self {
            use chrono::Datelike;
            self.field(&(d.num_days_from_ce() - 730_120).to_be_bytes())
        }
        fn end_row(&mut self) {
            let at = self.row_at;
            self.buf[at..at + 2].copy_from_slice(&self.fields.to_be_bytes());
        }
    }

    async fn copy<T>(
        tx: &mut Transaction<'_, Postgres>,
        statement: &str,
        rows: &[T],
        mut write: impl FnMut(&mut CopyRows, &T),
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut copy = tx.copy_in_raw(statement).await?;
        let mut out = CopyRows::new();
        for row in rows {
            out.start_row();
            write(&mut out, row);
            out.end_row();
            if out.buf.len() >= SEND_AT {
                copy.send(out.buf.as_slice()).await?;
                out.buf.clear();
            }
        }
        // The trailer: a field count of -1.
        out.buf.extend_from_slice(&(-1i16).to_be_bytes());
        copy.send(out.buf.as_slice()).await?;
        copy.finish().await?;
        Ok(())
    }

    pub async fn drug_lines(
        tx: &mut Transaction<'_, Postgres>,
        batch_id: &str,
        drugs: &[(&PersonId, &DrugLine)],
    ) -> Result<(), StoreError> {
        let statement = format!("COPY drug_lines ({DRUG_COLUMNS}) FROM STDIN (FORMAT binary)");
        copy(tx, &statement, drugs, |r, (person, d)| {
            r.text(person.as_str())
                .text(batch_id)
                .text(d.claim.claim_id.as_str())
                .text(d.claim.institution.as_str())
                .text(&d.claim.service_month.to_string())
                .date(d.claim.accepted_on)
                .int(d.claim.sequence as i64)
                .date(d.visible_from)
                .date(d.dispensed_on)
                .text(&d.dispenser_name)
                .text(d.prescriber.as_str())
                .text(&code_str(&d.prescription))
                .text(&code_str(&d.usage))
                .text(&d.drug_name)
                .opt_text(d.ingredient.as_deref())
                .opt_text(d.receipt_code.as_ref().map(|c| c.as_str()))
                .opt_text(d.yj_code.as_ref().map(|c| c.as_str()))
                .opt_text(d.directions.as_deref())
                .opt_text(d.daily_dose.as_deref())
                .opt_text(d.single_dose.as_deref())
                .opt_text(d.special_instructions.as_deref())
                .int(i64::from(d.quantity.amount))
                .text(d.quantity.unit.label_ja())
                .opt_text(d.mark.map(|m| code_str(&m)).as_deref())
                .opt_int(d.copay.map(|y| y.0))
                .opt_int(d.savings.map(|y| y.0))
                .text(&code_str(&d.claim.receipt.kind))
                .text(&code_str(&d.claim.receipt.setting))
                .opt_text(d.claim.receipt.prescriber.as_ref().map(|p| p.as_str()));
        })
        .await
    }

    pub async fn expense_lines(
        tx: &mut Transaction<'_, Postgres>,
        batch_id: &str,
        expenses: &[(&PersonId, &ExpenseLine)],
    ) -> Result<(), StoreError> {
        let statement =
            format!("COPY expense_lines ({EXPENSE_COLUMNS}) FROM STDIN (FORMAT binary)");
        copy(tx, &statement, expenses, |r, (person, e)| {
            r.text(person.as_str())
                .text(batch_id)
                .text(e.claim.claim_id.as_str())
                .text(e.claim.institution.as_str())
                .text(&e.service_month.to_string())
                .date(e.claim.accepted_on)
                .int(e.claim.sequence as i64)
                .date(e.visible_from)
                .text(e.category.label_ja())
                .int(i64::from(e.days))
                .text(&e.institution_name)
                .int(e.total.0)
                .int(e.insurer_paid.0)
                .int(e.public_paid.0)
                .int(e.patient_paid.0)
                .text(&code_str(&e.claim.receipt.kind))
                .text(&code_str(&e.claim.receipt.setting))
                .opt_text(e.claim.receipt.prescriber.as_ref().map(|p| p.as_str()));
        })
        .await
    }
}
