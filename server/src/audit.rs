//! The audit log: who did what to whose records, and when. Insert-only (triggers refuse
//! UPDATE and DELETE on both backends). `detail` names kinds and periods, never health values.

use crate::db::{Db, DbError};
use crate::with_pool;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SignInFailed,
    SignOut,
    SignOutEverywhere,
    Link,
    /// A linking attempt that failed (also written to the person whose card it named).
    LinkFailed,
    Unlink,
    /// A one-time linking code was issued for the person.
    LinkCode,
    View,
    Export,
    Import,
    /// A proxy invitation was made (the grant follows when someone accepts it).
    Invite,
    Grant,
    Revoke,
    Report,
    /// A person changed their own working data (the 医療費控除 workbench).
    Change,
    /// An account was deleted with every health record of its person (counts in the detail,
    /// no values).
    DeleteAccount,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignInFailed => "sign_in_failed",
            Action::SignOut => "sign_out",
            Action::SignOutEverywhere => "sign_out_everywhere",
            Action::Link => "link",
            Action::LinkFailed => "link_failed",
            Action::Unlink => "unlink",
            Action::LinkCode => "link_code",
            Action::View => "view",
            Action::Export => "export",
            Action::Import => "import",
            Action::Invite => "invite",
            Action::Grant => "grant",
            Action::Revoke => "revoke",
            Action::Report => "report",
            Action::Change => "change",
            Action::DeleteAccount => "delete_account",
        }
    }
}

/// One entry. Build with `Event::new(action)` and the `by_*`/`on`/`detail` setters.
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub action: Option<Action>,
    pub actor_person: Option<String>,
    pub actor_account: Option<String>,
    pub actor_client: Option<String>,
    pub subject_person: Option<String>,
    pub detail: String,
    pub request_id: Option<String>,
}

impl Event {
    pub fn new(action: Action) -> Self {
        Self {
            action: Some(action),
            ..Self::default()
        }
    }
    pub fn by_account(mut self, account: impl AsRef<str>, person: Option<&str>) -> Self {
        self.actor_account = Some(account.as_ref().to_owned());
        self.actor_person = person.map(str::to_owned);
        self
    }
    pub fn by_client(mut self, client: &str) -> Self {
        self.actor_client = Some(client.to_owned());
        self
    }
    pub fn on(mut self, person: &str) -> Self {
        self.subject_person = Some(person.to_owned());
        self
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
    pub fn request(mut self, request_id: Option<&str>) -> Self {
        self.request_id = request_id.map(str::to_owned);
        self
    }
}

/// The INSERT of one entry (the same SQL and binds on either backend).
macro_rules! insert {
    ($event:expr, $at:expr) => {
        sqlx::query(
            "INSERT INTO audit_log (at, action, actor_person, actor_account, actor_client, subject_person, detail, request_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($at)
        .bind($event.action.map(Action::as_str).unwrap_or("unknown"))
        .bind($event.actor_person.as_deref())
        .bind($event.actor_account.as_deref())
        .bind($event.actor_client.as_deref())
        .bind($event.subject_person.as_deref())
        .bind($event.detail.as_str())
        .bind($event.request_id.as_deref())
    };
}

pub async fn record(db: &Db, event: Event, at: DateTime<Utc>) -> Result<(), DbError> {
    with_pool!(db, pool => {
        insert!(event, at).execute(pool).await?;
    });
    Ok(())
}

/// Records an event; a failure is logged, never shown (the action itself already happened).
///
/// Returns once the entry is committed (a view is logged before its data leaves), but
/// concurrent events share commits: SQLite with `synchronous=FULL` syncs the disk on every
/// commit, which was one sync per page view. Whoever holds the database's turn writes every
/// entry waiting at that moment in one transaction; the others find theirs already written.
pub async fn record_or_log(db: &Db, event: Event) {
    record_all_or_log(db, vec![event]).await
}

/// [`record_or_log`] for several events at once (an import's entry for each person it
/// changed): queued together, written in the same commit, returns once all are written.
pub async fn record_all_or_log(db: &Db, events: Vec<Event>) {
    if events.is_empty() {
        return;
    }
    let started = std::time::Instant::now();
    write_queued(db, events).await;
    crate::monitoring::audit_wait(started.elapsed());
}

async fn write_queued(db: &Db, events: Vec<Event>) {
    let group = group_of(db);
    let seq = {
        let mut q = group.queue.lock().unwrap_or_else(|e| e.into_inner());
        let now = Utc::now();
        q.next += events.len() as u64;
        q.pending.extend(events.into_iter().map(|e| (e, now)));
        q.next - 1
    };
    let turn = Arc::clone(&group.turn).lock_owned().await;
    if group.settled(seq) {
        return;
    }
    // Written by a task of its own, so a request that goes away mid-write cannot take the
    // others' entries with it.
    let db = db.clone();
    let writer = tokio::spawn(async move {
        let (batch, upto) = {
            let mut q = group.queue.lock().unwrap_or_else(|e| e.into_inner());
            (std::mem::take(&mut q.pending), q.next)
        };
        write_batch(&db, batch).await;
        crate::monitoring::audit_batch();
        group.queue.lock().unwrap_or_else(|e| e.into_inner()).done = upto;
        drop(turn);
    });
    if let Err(e) = writer.await {
        tracing::error!(error = %e, "audit log writer failed");
    }
}

/// Events waiting for a commit, and how far the log is written.
#[derive(Default)]
struct Queue {
    pending: Vec<(Event, DateTime<Utc>)>,
    /// The sequence number of the next event queued.
    next: u64,
    /// Events numbered below this are written (or their failure logged).
    done: u64,
}

/// One database's queue and its turn to write.
struct Group {
    db: String,
    queue: Mutex<Queue>,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl Group {
    fn settled(&self, seq: u64) -> bool {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).done > seq
    }
}

static GROUPS: Mutex<Vec<Arc<Group>>> = Mutex::new(Vec::new());

/// The group `db`'s entries are committed with. SQLite: one per database file — its pool is
/// shared by every worker, and every commit syncs the disk, so the fewer commits the better.
/// PostgreSQL: one per database and thread — each actix worker has a pool of its own
/// (`Db::for_this_runtime`), and one turn for the whole server made every worker's requests
/// wait for whichever worker's pool was slowest to give its writer a connection.
fn group_of(db: &Db) -> Arc<Group> {
    let mut key = crate::records::line_cache::db_key(db);
    if matches!(db, Db::Postgres(_)) {
        key.push_str(&format!("#{:?}", std::thread::current().id()));
    }
    let mut groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(g) = groups.iter().find(|g| g.db == key) {
        return Arc::clone(g);
    }
    let g = Arc::new(Group {
        db: key,
        queue: Mutex::new(Queue::default()),
        turn: Arc::new(tokio::sync::Mutex::new(())),
    });
    groups.push(Arc::clone(&g));
    g
}

/// Writes `batch` in one transaction; if that fails, entry by entry (so one bad entry does not
/// lose the others), logging what still fails.
async fn write_batch(db: &Db, batch: Vec<(Event, DateTime<Utc>)>) {
    if batch.is_empty() {
        return;
    }
    if batch.len() > 1 {
        let together: Result<(), DbError> = async {
            with_pool!(db, pool => {
                let mut tx = pool.begin().await?;
                // Multi-row INSERTs: an import names thousands of people at once.
                for chunk in batch.chunks(400) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO audit_log (at, action, actor_person, actor_account, actor_client, subject_person, detail, request_id) ",
                    );
                    q.push_values(chunk, |mut b, (event, at)| {
                        b.push_bind(*at)
                            .push_bind(event.action.map(Action::as_str).unwrap_or("unknown"))
                            .push_bind(event.actor_person.as_deref())
                            .push_bind(event.actor_account.as_deref())
                            .push_bind(event.actor_client.as_deref())
                            .push_bind(event.subject_person.as_deref())
                            .push_bind(event.detail.as_str())
                            .push_bind(event.request_id.as_deref());
                    });
                    q.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
            });
            Ok(())
        }
        .await;
        match together {
            Ok(()) => return,
            Err(e) => tracing::warn!(error = %e, "audit log batch failed; writing entry by entry"),
        }
    }
    for (event, at) in batch {
        if let Err(e) = record(db, event, at).await {
            tracing::error!(error = %e, "audit log write failed");
        }
    }
}

/// A person's access history: the one query, in `records::audit_log`.
pub use crate::records::audit_log::{history, Entry};
