//! Multi-row INSERTs on SQLite's own handle, for the import's drug and expense lines.
//!
//! sqlx hands every argument to its SQLite thread as an owned value, which that thread copies
//! again into SQLite (`SQLITE_TRANSIENT`): for a 20,000-line file, 580,000 values built on one
//! thread, sent, copied and freed on another. Here the values are bound where they already are —
//! the parsed batch's strings, `SQLITE_STATIC` — into two statements prepared once per call (one
//! of [`CHUNK_ROWS`] rows, one of a single row for the rest), inside the transaction sqlx opened
//! on the same connection ([`sqlx::sqlite::LockedSqliteHandle`] keeps sqlx's thread off it).
//!
//! The unsafe code is the FFI calls; what keeps them sound is said at each. A value is bound
//! only for the one `sqlite3_step` of [`Statement::run`], which clears every binding before it
//! returns, so SQLite never holds a pointer past the borrow it was given.

use libsqlite3_sys as ffi;
use sqlx::sqlite::LockedSqliteHandle;
use std::ffi::{c_char, c_int};
use std::ptr::NonNull;

/// Rows per multi-row statement: 400 rows of 29 columns stay well under SQLite's limit of
/// 32,766 parameters, and fewer statement steps than single rows (measured: 100,000 drug lines
/// in 0.37–0.41 s against 0.51–0.59 s one row at a time, bench/README.md).
pub const CHUNK_ROWS: usize = 400;

/// One value to bind, borrowed from the row it describes.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Self {
        Value::Text(s)
    }
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(s: Option<&'a str>) -> Self {
        s.map_or(Value::Null, Value::Text)
    }
}

impl From<i64> for Value<'_> {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<Option<i64>> for Value<'_> {
    fn from(n: Option<i64>) -> Self {
        n.map_or(Value::Null, Value::Int)
    }
}

/// A prepared `INSERT … VALUES (…), …` of a fixed number of rows.
struct Statement {
    stmt: NonNull<ffi::sqlite3_stmt>,
}

// SAFETY: sqlx opens its SQLite connections in multi-thread mode (SQLITE_OPEN_NOMUTEX): a
// connection and its statements may be used from any thread, one thread at a time. A
// `Statement` lives inside an [`Inserter`], which holds the connection's
// `LockedSqliteHandle` (sqlx's own thread waits for it) for as long as the statement exists,
// so moving it to another thread between two calls never makes two threads use it at once.
unsafe impl Send for Statement {}

impl Statement {
    fn prepare(db: NonNull<ffi::sqlite3>, sql: &str) -> Result<Self, String> {
        let mut stmt = std::ptr::null_mut();
        let len = c_int::try_from(sql.len()).map_err(|_| "statement too long".to_owned())?;
        // SAFETY: `db` is the open connection the caller holds locked; `sql` is valid for
        // `len` bytes during the call (SQLite copies what it keeps); `stmt` is written once.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                db.as_ptr(),
                sql.as_ptr().cast::<c_char>(),
                len,
                ffi::SQLITE_PREPARE_PERSISTENT as u32,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        match NonNull::new(stmt) {
            Some(stmt) if rc == ffi::SQLITE_OK => Ok(Statement { stmt }),
            _ => Err(format!("cannot prepare the insert (SQLite code {rc})")),
        }
    }

    /// Binds `values` to the statement's parameters in order, runs it once, and unbinds them.
    /// On an error SQLite's message stays on the connection for [`Inserter::error`].
    fn run(&mut self, values: &[Value<'_>]) -> Result<(), c_int> {
        let s = self.stmt.as_ptr();
        let mut rc = ffi::SQLITE_OK;
        for (i, v) in values.iter().enumerate() {
            // Parameters are numbered from 1; more values than parameters fail with SQLITE_RANGE.
            let Ok(n) = c_int::try_from(i + 1) else {
                rc = ffi::SQLITE_RANGE;
                break;
            };
            // SAFETY: `s` is a live statement of the locked connection. Text is bound
            // SQLITE_STATIC, i.e. SQLite reads it in place: it is borrowed for this whole
            // function, and every binding is cleared below before the function returns.
            rc = unsafe {
                match *v {
                    Value::Null => ffi::sqlite3_bind_null(s, n),
                    Value::Int(x) => ffi::sqlite3_bind_int64(s, n, x),
                    Value::Text(t) => ffi::sqlite3_bind_text64(
                        s,
                        n,
                        t.as_ptr().cast::<c_char>(),
                        t.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                break;
            }
        }
        if rc == ffi::SQLITE_OK {
            // SAFETY: as above; the statement has all its parameters bound.
            rc = unsafe { ffi::sqlite3_step(s) };
        }
        // SAFETY: as above. `reset` returns the step's error again, which is already in `rc`;
        // the connection keeps the error message for the caller until its next call.
        unsafe {
            ffi::sqlite3_reset(s);
            ffi::sqlite3_clear_bindings(s);
        }
        match rc {
            ffi::SQLITE_DONE | ffi::SQLITE_OK => Ok(()),
            other => Err(other),
        }
    }
}

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: the statement belongs to the connection its `Inserter` holds locked: the
        // `Inserter` borrows the lock, so the lock outlives it and its statements. Finalized
        // exactly once.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

/// Inserts rows into one table through a locked connection: whole chunks of [`CHUNK_ROWS`]
/// rows, then the rest one row at a time (a statement per remainder size would be prepared
/// anew for nearly every call).
pub struct Inserter<'h, 'c> {
    chunk: Option<Statement>,
    one: Option<Statement>,
    head: String,
    row: String,
    columns: usize,
    handle: &'h mut LockedSqliteHandle<'c>,
}

impl<'h, 'c> Inserter<'h, 'c> {
    /// `INSERT INTO {table} ({columns}) VALUES …`; `columns` is a comma-separated list.
    pub fn new(handle: &'h mut LockedSqliteHandle<'c>, table: &str, columns: &str) -> Self {
        let count = columns.split(',').count();
        let row = format!("({})", vec!["?"; count].join(","));
        Inserter {
            chunk: None,
            one: None,
            head: format!("INSERT INTO {table} ({columns}) VALUES "),
            row,
            columns: count,
            handle,
        }
    }

    /// Inserts rows given as their values one after another, row by row (a multiple of the
    /// columns). All or nothing is the caller's transaction's business: on an error some of
    /// the rows may be written.
    pub fn insert(&mut self, values: &[Value<'_>]) -> Result<(), sqlx::Error> {
        if values.len() % self.columns != 0 {
            return Err(sqlx::Error::Protocol(format!(
                "{} values are not whole rows of {} columns: {}",
                values.len(),
                self.columns,
                self.head
            )));
        }
        let mut chunks = values.chunks_exact(CHUNK_ROWS * self.columns);
        for chunk in chunks.by_ref() {
            if self.chunk.is_none() {
                let sql = format!(
                    "{}{}",
                    self.head,
                    vec![self.row.as_str(); CHUNK_ROWS].join(",")
                );
                self.chunk = Some(self.prepare(&sql)?);
            }
            let rc = self.chunk.as_mut().map_or(Ok(()), |s| s.run(chunk));
            rc.map_err(|rc| self.error(rc))?;
        }
        for row in chunks.remainder().chunks_exact(self.columns) {
            if self.one.is_none() {
                let sql = format!("{}{}", self.head, self.row);
                self.one = Some(self.prepare(&sql)?);
            }
            let rc = self.one.as_mut().map_or(Ok(()), |s| s.run(row));
            rc.map_err(|rc| self.error(rc))?;
        }
        Ok(())
    }

    /// Values per row.
    pub fn columns(&self) -> usize {
        self.columns
    }

    fn prepare(&mut self, sql: &str) -> Result<Statement, sqlx::Error> {
        let db = self.handle.as_raw_handle();
        Statement::prepare(db, sql).map_err(|fallback| match self.handle.last_error() {
            Some(e) => sqlx::Error::Database(Box::new(e)),
            None => sqlx::Error::Protocol(fallback),
        })
    }

    /// SQLite's error for the failed step (its code and message, as sqlx reports them).
    fn error(&mut self, rc: c_int) -> sqlx::Error {
        match self.handle.last_error() {
            Some(e) => sqlx::Error::Database(Box::new(e)),
            None => sqlx::Error::Protocol(format!("SQLite insert failed (code {rc})")),
        }
    }
}
