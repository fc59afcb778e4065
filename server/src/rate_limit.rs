//! Rate limits: an in-process token bucket per (kind of route, client address) and per
//! (kind of route, signed-in account). Sign-in routes, the import API and the exports (PDF,
//! CSV, xlsx) each have their own budget; past it the answer is 429 with `Retry-After`.
//!
//! The client address is the TCP peer (a forwarding header can be forged, so it is not read);
//! behind a reverse proxy every request shares the proxy's address, and the per-account
//! budget is the one that tells people apart.

use crate::auth::Principal;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse};
use app::i18n::{Lang, Msg};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use crate::settings::RateLimits;

/// The kinds of route with a budget of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Auth,
    Import,
    Export,
}

impl Scope {
    /// The budgeted kind a path belongs to, if any.
    pub fn of(path: &str) -> Option<Self> {
        // Accepting a proxy invitation is guessing a code, as linking is guessing a card.
        if path.starts_with("/auth/") || path == "/proxies/accept" {
            Some(Self::Auth)
        } else if path == "/api/v1/import" {
            Some(Self::Import)
        } else if path.starts_with("/api/v1/me/")
            && (path.ends_with("/pdf")
                || path.starts_with("/api/v1/me/deduction/")
                || path.starts_with("/api/v1/me/drugs/jahis"))
        {
            Some(Self::Export)
        } else {
            None
        }
    }
}

/// Exports each account may have in flight at once: one person asking for many PDFs at once
/// waits for their own, not everyone else (the render pool is shared; see `pdf::export`).
#[derive(Debug)]
pub struct ExportSlots {
    per_account: usize,
    in_flight: std::sync::Arc<Mutex<HashMap<String, usize>>>,
}

/// One export in flight; the slot is free again when this is dropped.
#[derive(Debug)]
pub struct ExportSlot {
    key: String,
    in_flight: std::sync::Arc<Mutex<HashMap<String, usize>>>,
}

impl ExportSlots {
    pub fn new(per_account: u32) -> Self {
        Self {
            per_account: usize::try_from(per_account.max(1)).unwrap_or(1),
            in_flight: Default::default(),
        }
    }

    /// A slot for `key`, or `None` when it has all of its slots in flight.
    pub fn take(&self, key: &str) -> Option<ExportSlot> {
        let mut map = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(key.to_owned()).or_default();
        if *n >= self.per_account {
            return None;
        }
        *n += 1;
        Some(ExportSlot {
            key: key.to_owned(),
            in_flight: self.in_flight.clone(),
        })
    }
}

impl Drop for ExportSlot {
    fn drop(&mut self) {
        let mut map = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets beyond this many are swept of the full (idle) ones, so memory stays bounded.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    limits: RateLimits,
    buckets: Mutex<HashMap<(Scope, String), Bucket>>,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn per_minute(&self, scope: Scope) -> f64 {
        f64::from(match scope {
            Scope::Auth => self.limits.auth_per_minute,
            Scope::Import => self.limits.import_per_minute,
            Scope::Export => self.limits.export_per_minute,
        })
        .max(1.0)
    }

    /// Takes one request from each key's bucket, or says how long until all have one again
    /// (nothing is taken then).
    pub fn check(&self, scope: Scope, keys: &[String], now: Instant) -> Result<(), Duration> {
        let capacity = self.per_minute(scope);
        let per_sec = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > SWEEP_ABOVE {
            buckets.retain(|(s, _), b| {
                let cap = self.per_minute(*s);
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * cap / 60.0 < cap
            });
        }
        let mut wait = 0.0f64;
        let mut refreshed = Vec::with_capacity(keys.len());
        for key in keys {
            let b = buckets
                .get(&(scope, key.clone()))
                .copied()
                .unwrap_or(Bucket {
                    tokens: capacity,
                    at: now,
                });
            let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
            let tokens = (b.tokens + elapsed * per_sec).min(capacity);
            if tokens < 1.0 {
                wait = wait.max((1.0 - tokens) / per_sec);
            }
            refreshed.push((key, tokens));
        }
        if wait > 0.0 {
            return Err(Duration::from_secs_f64(wait.ceil().max(1.0)));
        }
        for (key, tokens) in refreshed {
            buckets.insert(
                (scope, key.clone()),
                Bucket {
                    tokens: tokens - 1.0,
                    at: now,
                },
            );
        }
        Ok(())
    }
}

impl RateLimiter {
    /// How long until `key` has a request left in `scope`'s budget, if it has none now
    /// (nothing is taken): lets a caller refuse before doing the work a request would spend.
    pub fn exhausted(&self, scope: Scope, key: &str, now: Instant) -> Option<Duration> {
        let capacity = self.per_minute(scope);
        let per_sec = capacity / 60.0;
        let buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let b = buckets.get(&(scope, key.to_owned()))?;
        let tokens =
            (b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_sec).min(capacity);
        (tokens < 1.0).then(|| Duration::from_secs_f64(((1.0 - tokens) / per_sec).ceil().max(1.0)))
    }
}

/// Middleware: budgets `/auth/…`, the import API and the exports. Sits inside the principal
/// middleware, so a signed-in account is known.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let scope = Scope::of(req.path());
    let limiter = req.app_data::<actix_web::web::Data<RateLimiter>>().cloned();
    let (Some(scope), Some(limiter)) = (scope, limiter) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let mut keys = Vec::with_capacity(2);
    if let Some(peer) = req.peer_addr() {
        keys.push(format!("ip:{}", peer.ip()));
    }
    let account = req
        .extensions()
        .get::<Principal>()
        .map(|p| format!("account:{}", p.account_id()));
    keys.extend(account.clone());
    if let Err(wait) = limiter.check(scope, &keys, Instant::now()) {
        tracing::warn!(?scope, "rate limit reached");
        let res = too_many(&req, wait, Msg::ErrorTooManyRequests, "too_many_requests");
        return Ok(req.into_response(res).map_into_right_body());
    }
    // Exports in flight per account (signed-out requests are refused by the handler).
    let slots = req.app_data::<actix_web::web::Data<ExportSlots>>().cloned();
    let _slot = match (scope, account, slots) {
        (Scope::Export, Some(account), Some(slots)) => match slots.take(&account) {
            Some(slot) => Some(slot),
            None => {
                tracing::warn!("exports in flight limit reached");
                let res = too_many(
                    &req,
                    Duration::from_secs(2),
                    Msg::ErrorExportsInFlight,
                    "exports_in_flight",
                );
                return Ok(req.into_response(res).map_into_right_body());
            }
        },
        _ => None,
    };
    Ok(next.call(req).await?.map_into_left_body())
}

/// 429 with `Retry-After` and the reason in both languages (problem JSON on the API).
fn too_many(req: &ServiceRequest, wait: Duration, msg: Msg, code: &str) -> HttpResponse {
    let secs = wait.as_secs().max(1).to_string();
    let text = format!("{} {}", Lang::Ja.t(msg), Lang::En.t(msg));
    let mut res = HttpResponse::TooManyRequests();
    res.insert_header((header::RETRY_AFTER, secs));
    if req.path().starts_with("/api/") {
        res.json(serde_json::json!({
            "error": { "code": code, "message": text }
        }))
    } else {
        res.content_type("text/plain; charset=utf-8").body(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn paths_fall_in_their_budget() {
        assert_eq!(Scope::of("/auth/callback"), Some(Scope::Auth));
        assert_eq!(Scope::of("/proxies/accept"), Some(Scope::Auth));
        assert_eq!(Scope::of("/proxies"), None);
        assert_eq!(Scope::of("/api/v1/import"), Some(Scope::Import));
        assert_eq!(Scope::of("/api/v1/me/drugs/pdf"), Some(Scope::Export));
        assert_eq!(
            Scope::of("/api/v1/me/deduction/2025.csv"),
            Some(Scope::Export)
        );
        assert_eq!(Scope::of("/api/v1/me/drugs"), None);
        assert_eq!(Scope::of("/drugs"), None);
    }

    #[test]
    fn a_burst_then_refill_per_key() {
        let limiter = RateLimiter::new(RateLimits {
            auth_per_minute: 3,
            ..RateLimits::default()
        });
        let t0 = Instant::now();
        let a = keys(&["ip:192.0.2.1"]);
        for _ in 0..3 {
            assert_eq!(limiter.check(Scope::Auth, &a, t0), Ok(()));
        }
        assert_eq!(
            limiter.check(Scope::Auth, &a, t0),
            Err(Duration::from_secs(20))
        );
        // Another address and another kind of route have budgets of their own.
        assert_eq!(
            limiter.check(Scope::Auth, &keys(&["ip:192.0.2.2"]), t0),
            Ok(())
        );
        assert_eq!(limiter.check(Scope::Export, &a, t0), Ok(()));
        // 20 s later one request more.
        let t1 = t0 + Duration::from_secs(20);
        assert_eq!(limiter.check(Scope::Auth, &a, t1), Ok(()));
        assert!(limiter.check(Scope::Auth, &a, t1).is_err());
    }

    #[test]
    fn export_slots_per_account_come_back_when_done() {
        let slots = ExportSlots::new(2);
        let a1 = slots.take("account:a").expect("first");
        let a2 = slots.take("account:a").expect("second");
        assert!(slots.take("account:a").is_none(), "a third at once");
        // Someone else is not held up by a's exports.
        let b1 = slots.take("account:b").expect("another account");
        drop(a1);
        let a3 = slots.take("account:a").expect("a slot came back");
        assert!(slots.take("account:a").is_none());
        drop((a2, a3, b1));
        assert!(
            slots.in_flight.lock().unwrap().is_empty(),
            "nothing left behind"
        );
    }

    #[test]
    fn an_exhausted_account_is_refused_from_any_address() {
        let limiter = RateLimiter::new(RateLimits {
            export_per_minute: 2,
            ..RateLimits::default()
        });
        let t0 = Instant::now();
        assert!(limiter
            .check(Scope::Export, &keys(&["ip:a", "account:1"]), t0)
            .is_ok());
        assert!(limiter
            .check(Scope::Export, &keys(&["ip:b", "account:1"]), t0)
            .is_ok());
        assert!(limiter
            .check(Scope::Export, &keys(&["ip:c", "account:1"]), t0)
            .is_err());
        assert!(limiter.check(Scope::Export, &keys(&["ip:c"]), t0).is_ok());
    }
}
