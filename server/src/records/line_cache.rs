//! A small per-process cache of a person's visible drug lines, so the drug page and the drug
//! API do not read and decode the same 2,000 rows on every view (issue 17).
//!
//! Correctness rests on a token, not on time: every import that touches a person's drug lines
//! or insurances writes a fresh random token for them (`record_versions`, in the import's own
//! transaction). A reader asks for the token first, then reads; an entry is used only when its
//! token equals the token in the database now. So a change made by any process (the CLI while
//! the server runs, another server) is seen on the next read. People without a token (rows
//! written before the token existed, or by hand) are never cached. Entries are keyed by the
//! database too (tests and tools open several in one process), and tokens are random, so a
//! recreated database with the same name never meets an old entry.

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::NaiveDate;
use domain::drugs::DrugLine;
use domain::people::PersonId;
use domain::period::MonthRange;
use std::sync::{Arc, Mutex};

/// Entries kept; the least recently used goes first. A 2,000-line person is ~2–3 MB.
const CAPACITY: usize = 16;

#[derive(Clone, PartialEq, Eq)]
struct Key {
    db: String,
    person: String,
    months: MonthRange,
    today: NaiveDate,
}

struct Entry {
    key: Key,
    token: i64,
    lines: Arc<Vec<DrugLine>>,
    used: u64,
}

#[derive(Default)]
struct Cache {
    entries: Vec<Entry>,
    clock: u64,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    entries: Vec::new(),
    clock: 0,
});

/// Which database `db` is: the SQLite file, or PostgreSQL's host, port and database.
pub(crate) fn db_key(db: &Db) -> String {
    match db {
        Db::Sqlite(pool) => format!("sqlite:{}", pool.connect_options().get_filename().display()),
        Db::Postgres(pool) => {
            let o = pool.connect_options();
            format!(
                "postgres:{}:{}/{}",
                o.get_host(),
                o.get_port(),
                o.get_database().unwrap_or("")
            )
        }
    }
}

/// The person's current token, if an import has written one.
pub async fn token(db: &Db, person: &PersonId) -> Result<Option<i64>, DbError> {
    const SQL: &str = "SELECT token FROM record_versions WHERE person_id = $1";
    let token: Option<i64> = with_pool!(db, pool => sqlx::query_scalar(SQL)
        .bind(person.as_str())
        .fetch_optional(pool)
        .await?);
    Ok(token)
}

/// A fresh token for an import to store.
pub fn new_token() -> i64 {
    rand::random()
}

/// A looked-up entry: the key to store under on a miss.
pub struct Lookup {
    key: Key,
    token: i64,
}

/// The cached lines for this view if `token` is still current; else what to store them under.
pub fn get(
    db: &Db,
    person: &PersonId,
    months: MonthRange,
    today: NaiveDate,
    token: i64,
) -> Result<Arc<Vec<DrugLine>>, Lookup> {
    let key = Key {
        db: db_key(db),
        person: person.as_str().to_owned(),
        months,
        today,
    };
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache.clock += 1;
    let now = cache.clock;
    match cache.entries.iter_mut().find(|e| e.key == key) {
        Some(e) if e.token == token => {
            e.used = now;
            Ok(Arc::clone(&e.lines))
        }
        _ => Err(Lookup { key, token }),
    }
}

/// Stores lines read after the token of `lookup` was read (never before: lines older than
/// their token would be served as current).
pub fn put(lookup: Lookup, lines: Arc<Vec<DrugLine>>) {
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache.clock += 1;
    let used = cache.clock;
    cache.entries.retain(|e| e.key != lookup.key);
    if cache.entries.len() >= CAPACITY {
        if let Some(oldest) = (0..cache.entries.len()).min_by_key(|&i| cache.entries[i].used) {
            cache.entries.swap_remove(oldest);
        }
    }
    cache.entries.push(Entry {
        key: lookup.key,
        token: lookup.token,
        lines,
        used,
    });
}

/// "Data as of" (the newest visible publication day of a person's drug lines) by database,
/// person and day, with the token it was read under: `(db, person, today, token, day)`.
type AsOf = (String, String, NaiveDate, i64, Option<NaiveDate>);

static AS_OF: Mutex<Vec<AsOf>> = Mutex::new(Vec::new());

/// The cached "data as of" day, if read under `token` (the outer `Option`: a hit).
pub fn get_as_of(
    db: &Db,
    person: &PersonId,
    today: NaiveDate,
    token: i64,
) -> Option<Option<NaiveDate>> {
    let db = db_key(db);
    let cache = AS_OF.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .iter()
        .find(|e| e.0 == db && e.1 == person.as_str() && e.2 == today && e.3 == token)
        .map(|e| e.4)
}

/// Stores a "data as of" day read after `token` was read.
pub fn put_as_of(db: &Db, person: &PersonId, today: NaiveDate, token: i64, day: Option<NaiveDate>) {
    let db = db_key(db);
    let mut cache = AS_OF.lock().unwrap_or_else(|e| e.into_inner());
    cache.retain(|e| !(e.0 == db && e.1 == person.as_str() && e.2 == today));
    if cache.len() >= CAPACITY * 4 {
        cache.remove(0);
    }
    cache.push((db, person.as_str().to_owned(), today, token, day));
}
