//! Builds the application from settings, so `main` and the tests run the same wiring.
//! Binding to port 0 picks a free port; `port()` says which.

use crate::auth::handlers::{self, AuthState};
use crate::auth::oidc::Oidc;
use crate::auth::session::Timeouts;
use crate::auth::Principal;
use crate::db::{Db, Reads};
use crate::forms::{account, lang};
use crate::origin::PublicOrigin;
use crate::rate_limit::{self, RateLimiter};
use crate::service::account::SqlAccount;
use crate::service::people::SqlPeople;
use crate::settings::Settings;
use crate::{api, auth, catch_panic, demo, health, telemetry, web};
use actix_files::Files;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web as aw, App, HttpServer};
use app::services::Services;
use app::session::{Choice, SignInOptions, Viewer};
use leptos::prelude::*;
use leptos_actix::{generate_route_list, LeptosRoutes};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    pools: Arc<PoolSet>,
    timeouts: Timeouts,
}

/// The pools of the HTTP workers (one each on PostgreSQL), for the metrics.
#[derive(Default)]
struct PoolSet(std::sync::Mutex<Vec<Db>>);

impl PoolSet {
    fn add(&self, db: &Db) {
        if let Ok(mut pools) = self.0.lock() {
            // SQLite's one pool is shared by every worker: count it once.
            let sqlite = |d: &Db| matches!(d, Db::Sqlite(_));
            if !(sqlite(db) && pools.iter().any(sqlite)) {
                pools.push(db.clone());
            }
        }
    }

    /// Connections in use, idle, and the most the pools may open, over every open pool.
    fn totals(&self) -> (u64, u64, u64) {
        let Ok(mut pools) = self.0.lock() else {
            return (0, 0, 0);
        };
        pools.retain(|p| !p.is_closed());
        pools.iter().map(Db::pool_stats).fold((0, 0, 0), |acc, s| {
            (
                acc.0 + u64::from(s.open.saturating_sub(s.idle)),
                acc.1 + u64::from(s.idle),
                acc.2 + u64::from(s.max),
            )
        })
    }
}

impl Application {
    /// Opens and migrates the database (loading the demo people if asked), binds `addr`.
    pub async fn build(
        settings: &Settings,
        addr: SocketAddr,
        load_demo: bool,
    ) -> anyhow::Result<Self> {
        let db = Db::connect(settings).await?;
        db.migrate().await?;
        if load_demo {
            demo::load(&db, settings.today()).await?;
        }
        Self::build_with_db(settings, addr, db)
    }

    /// Starts serving over an already open database.
    pub fn build_with_db(settings: &Settings, addr: SocketAddr, db: Db) -> anyhow::Result<Self> {
        let dev_login = auth::dev::check(settings.auth.dev_login, addr)?;
        let listener = TcpListener::bind(addr)?;
        let port = listener.local_addr()?.port();
        let public_url = settings
            .auth
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{port}", addr.ip()));
        let origin = PublicOrigin::for_listener(settings.auth.public_url.as_deref(), addr, port)?;
        let auth = AuthState {
            oidc: Oidc::new(&settings.auth, &public_url)?,
            timeouts: Timeouts::from_settings(&settings.auth),
            dev_login,
        };
        let pools = Arc::new(PoolSet::default());
        let timeouts = auth.timeouts;
        let standby = Reads::standby(&db, settings.database_read_url.as_ref().map(|u| u.expose()))
            .map_err(anyhow::Error::msg)?;
        let server = run(
            listener,
            db.clone(),
            standby,
            settings,
            auth,
            origin,
            pools.clone(),
        )?;
        Ok(Self {
            port,
            server,
            db,
            pools,
            timeouts,
        })
    }

    /// Serves `GET /metrics` (Prometheus text format) on `listener` — its own address, never
    /// the public one: the public server has no such route. One worker, no signal handling of
    /// its own: stop it with its handle once the application has stopped. Needs
    /// [`crate::monitoring::install`] first (otherwise it answers an empty page).
    pub fn metrics_server(&self, listener: TcpListener) -> std::io::Result<Server> {
        let state = aw::Data::new(MetricsState {
            db: self.db.clone(),
            pools: self.pools.clone(),
            timeouts: self.timeouts,
        });
        let server = HttpServer::new(move || {
            // Its own small pool, on this worker's runtime (see `Db::for_this_runtime`):
            // the session count must not take a connection from the request workers.
            let db = aw::Data::new(MetricsDb(state.db.for_this_runtime(usize::MAX)));
            App::new()
                .app_data(state.clone())
                .app_data(db)
                .route("/metrics", aw::get().to(metrics))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)?
        .run();
        Ok(server)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

struct MetricsState {
    db: Db,
    pools: Arc<PoolSet>,
    timeouts: Timeouts,
}

struct MetricsDb(Db);

/// `GET /metrics`: the gauges read now (pools; sessions from the database), then every metric
/// in the Prometheus text format.
async fn metrics(
    state: aw::Data<MetricsState>,
    db: aw::Data<MetricsDb>,
) -> actix_web::HttpResponse {
    let Some(handle) = crate::monitoring::handle() else {
        return actix_web::HttpResponse::NotFound().finish();
    };
    let (in_use, idle, max) = state.pools.totals();
    crate::monitoring::pool_gauges(in_use, idle, max);
    match auth::session::count_active(&db.0, state.timeouts, chrono::Utc::now()).await {
        Ok(n) => crate::monitoring::sessions_active(n),
        // The gauge keeps its last value; the scrape still answers.
        Err(e) => tracing::warn!(error = %e, "session count for the metrics failed"),
    }
    handle.run_upkeep();
    actix_web::HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(handle.render())
}

fn run(
    listener: TcpListener,
    db: Db,
    standby: Option<Db>,
    settings: &Settings,
    auth: AuthState,
    origin: PublicOrigin,
    pools: Arc<PoolSet>,
) -> std::io::Result<Server> {
    let options = LeptosOptions::builder()
        .output_name("karte")
        .site_root(settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .build();
    let pkg_dir = settings.site_root.join("pkg");
    let routes = generate_route_list(app::App);
    let pending_uploads = Arc::new(crate::service::self_import::PendingUploads::default());
    let sign_in = SignInOptions {
        oidc: auth.oidc.enabled(),
        dev: auth.dev_login,
        link_code: settings.auth.link_code_required,
    };
    let link_policy = aw::Data::new(auth::linking::LinkPolicy::from_settings(&settings.auth));
    let timeouts = aw::Data::new(auth.timeouts);
    let clock = aw::Data::new(settings.clock());
    let auth = aw::Data::new(auth);
    let origin = aw::Data::new(origin);
    let upload_slots = aw::Data::new(api::import::UploadSlots::default());
    let pending_data = aw::Data::from(pending_uploads.clone());
    let limiter = aw::Data::new(RateLimiter::new(settings.rate_limits));
    let export_slots = aw::Data::new(rate_limit::ExportSlots::new(settings.exports_in_flight));
    let (in_flight, admission_wait) = (
        settings.requests_in_flight,
        std::time::Duration::from_secs(settings.db_timeout_secs.max(1)),
    );
    let deadline = aw::Data::new(web::RequestDeadline(std::time::Duration::from_secs(
        settings.request_timeout_secs.max(1),
    )));
    let workers = crate::pdf::export::set_render_workers(settings.render_workers);
    tracing::debug!(workers, "PDF render pool");
    let import_clients = settings.import_clients.clone().unwrap_or_default();

    // actix's default: one worker per core. Each worker has its own PostgreSQL pool
    // (`Db::for_this_runtime`: connections must not outlive the worker that opened them).
    let http_workers = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let (service_clock, dev_login, session_timeouts) =
        (settings.clock(), auth.dev_login, auth.timeouts);
    let server = HttpServer::new(move || {
        let db = db.for_this_runtime(http_workers);
        pools.add(&db);
        // This worker's turns, from the connections its requests draw from.
        let pool_share = match &db {
            Db::Postgres(_) => db.pool_stats().max,
            Db::Sqlite(_) => db.pool_stats().max / u32::try_from(http_workers).unwrap_or(1).max(1),
        };
        let admission = aw::Data::new(crate::admission::Admission::new(
            crate::admission::turns_per_worker(in_flight, http_workers, pool_share),
            admission_wait,
        ));
        let reads = match &standby {
            Some(standby) => Reads(standby.for_this_runtime(http_workers)),
            None => Reads::primary(&db),
        };
        if standby.is_some() {
            pools.add(&reads);
        }
        let services = services_over(
            &db,
            &reads,
            service_clock,
            dev_login,
            session_timeouts,
            &pending_uploads,
        );
        let page_context = move || {
            provide_context(services.clone());
            provide_context(sign_in);
            provide_context(current_viewer());
            web::set_page_csp();
        };
        let shell_options = options.clone();
        let page_shell = move || app::shell::shell(shell_options.clone());
        App::new()
            // Inner to outer: the security headers wrap everything that can answer on its
            // own (the CSRF refusal, the unknown server function, the last-resort 500).
            .wrap(from_fn(web::splice_slots))
            .wrap(Compress::default())
            .wrap(from_fn(rate_limit::limit))
            .wrap(from_fn(auth::principal::resolve))
            // Outside the first database use (the session), inside the cheap refusals.
            .wrap(from_fn(crate::admission::admit))
            .wrap(from_fn(web::unknown_server_fns))
            .wrap(from_fn(auth::dev::refuse_forwarded))
            .wrap(from_fn(auth::csrf::check))
            .wrap(from_fn(api::edge::unlisted_method))
            .wrap(from_fn(catch_panic::catch_panic))
            .wrap(from_fn(web::deadline))
            .wrap(web::security_headers())
            .wrap(from_fn(telemetry::request_span))
            .app_data(aw::Data::new(db.clone()))
            .app_data(aw::Data::new(reads.clone()))
            .app_data(aw::Data::new(options.clone()))
            .app_data(aw::Data::new(import_clients.clone()))
            .app_data(auth.clone())
            .app_data(origin.clone())
            .app_data(upload_slots.clone())
            .app_data(pending_data.clone())
            .app_data(limiter.clone())
            .app_data(export_slots.clone())
            .app_data(admission)
            .app_data(deadline.clone())
            .app_data(timeouts.clone())
            .app_data(link_policy.clone())
            .app_data(clock.clone())
            .service(health::healthz)
            .service(health::readyz)
            .service(lang::set_lang)
            .service(handlers::login)
            .service(handlers::callback)
            .service(handlers::dev_sign_in)
            .service(auth::linking::link)
            .service(auth::linking::unlink)
            .service(handlers::logout)
            .service(handlers::logout_everywhere)
            .service(account::switch_viewing)
            .service(account::invite_proxy)
            .service(account::accept_invitation)
            .service(account::cancel_invitation)
            .service(account::revoke_proxy)
            .service(account::issue_app_token)
            .service(account::revoke_app_token)
            .service(account::report_access)
            .service(crate::forms::deduction::change_workbench)
            .service(crate::forms::leave::delete_account)
            .service(crate::forms::leave::archive)
            .service(crate::forms::import::preview)
            .service(
                aw::resource("/import/preview-text")
                    .app_data(crate::forms::import::text_form_config())
                    .route(aw::post().to(crate::forms::import::preview_text)),
            )
            .service(crate::forms::import::preview_qr)
            .service(crate::forms::import::store_upload)
            .service(crate::forms::import::discard_upload)
            .service(crate::forms::import::remove_batch)
            .service(crate::forms::own::change_own_entries)
            .service(
                aw::scope("/api/v1")
                    .app_data(api::query_config())
                    .service(api::import::import)
                    .service(api::drugs::my_drugs)
                    .service(api::jahis::notebook_file)
                    .service(api::jahis::notebook_qr)
                    .service(api::own::my_own_entries)
                    .service(api::checkups::my_checkups)
                    .service(api::expenses::my_expenses)
                    .service(api::fhir::metadata)
                    .service(api::fhir::search_patient)
                    .service(api::fhir::search_medication_dispense)
                    .service(api::fhir::search_observation)
                    .service(api::fhir::search_explanation_of_benefit)
                    .service(api::fhir::everything)
                    // Before `/me/{kind}/pdf`, which `/me/deduction/pdf` would also match.
                    .service(api::deduction::export)
                    .service(api::pdf::pdf)
                    .service(api::drugs::openapi)
                    .default_service(aw::to(api::edge::unknown_path)),
            )
            .service(web::stylesheet)
            .service(web::favicon)
            .service(
                aw::scope("/pkg")
                    .wrap(web::asset_headers())
                    .service(Files::new("", &pkg_dir)),
            )
            .leptos_routes_with_context(routes.clone(), page_context.clone(), page_shell.clone())
            // Any other path renders inside the frame, where the router answers 404.
            .default_service(leptos_actix::render_app_async_with_context(
                page_context,
                page_shell,
                leptos_router::Method::Get,
            ))
    })
    // SIGTERM: stop accepting, let in-flight requests finish (bounded), then stop (actix-server;
    // SIGINT and SIGQUIT stop at once).
    .workers(http_workers)
    // Each write goes out at once. With the OS default (Nagle) a streamed page's last small
    // chunk waited for the client's delayed ACK of the one before on a kept-alive connection:
    // 3 ms alone, 10+ ms a page over four keep-alive connections (bench/results.md, pages).
    .tcp_nodelay(true)
    .shutdown_timeout(settings.shutdown_timeout_secs)
    .listen(listener)?
    .run();
    Ok(server)
}

/// The services the pages use, over one worker's pool.
fn services_over(
    db: &Db,
    reads: &Reads,
    clock: crate::settings::Clock,
    dev_login: bool,
    timeouts: Timeouts,
    pending_uploads: &Arc<crate::service::self_import::PendingUploads>,
) -> Services {
    Services {
        import: Arc::new(crate::service::self_import::SqlImportPages {
            db: db.clone(),
            clock,
            pending: pending_uploads.clone(),
        }),
        own: Arc::new(crate::service::own::SqlOwnEntries {
            db: db.clone(),
            clock,
        }),
        people: Arc::new(SqlPeople {
            db: db.clone(),
            dev_login,
        }),
        account: Arc::new(SqlAccount {
            db: db.clone(),
            clock,
        }),
        drugs: Arc::new(crate::service::SqlDrugHistory {
            db: db.clone(),
            reads: reads.clone(),
            clock,
        }),
        checkups: Arc::new(crate::service::SqlCheckups {
            db: db.clone(),
            reads: reads.clone(),
            clock,
        }),
        expenses: Arc::new(crate::service::SqlExpenses {
            db: db.clone(),
            reads: reads.clone(),
            clock,
        }),
        deduction: Arc::new(crate::service::deduction::SqlDeduction {
            db: db.clone(),
            clock,
        }),
        export: Arc::new(crate::service::export::SqlExportPages {
            db: db.clone(),
            clock,
        }),
        home: Arc::new(crate::service::home::SqlHome {
            db: db.clone(),
            clock,
        }),
        sessions: Arc::new(handlers::SqlSessions {
            db: db.clone(),
            timeouts,
        }),
    }
}

/// The signed-in person of the request being rendered, for the page header.
fn current_viewer() -> Option<Viewer> {
    use actix_web::HttpMessage;
    let req = use_context::<leptos_actix::Request>()?;
    let principal = req.extensions().get::<Principal>().cloned()?;
    let me = principal.person_id().map(str::to_owned);
    let choice = |v: &crate::records::access::Viewable| Choice {
        person_id: v.person_id.clone(),
        name: v.name.clone(),
        is_self: Some(&v.person_id) == me.as_ref(),
    };
    Some(Viewer {
        person_id: principal.session.person_id.clone(),
        name: principal.session.person_name.clone(),
        idle_deadline: principal.idle_deadline.timestamp(),
        viewing: principal.viewing().map(choice),
        choices: principal.viewable.iter().map(choice).collect(),
    })
}

/// Every page path and server-function path the Leptos app serves, with its method; route
/// coverage tests walk this list so a new page or server function cannot be missed.
pub fn app_routes() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = generate_route_list(app::App)
        .iter()
        .flat_map(|r| {
            r.methods()
                .map(move |m| (r.path().to_owned(), format!("{m:?}").to_uppercase()))
                .collect::<Vec<_>>()
        })
        .collect();
    for (path, method) in leptos::server_fn::actix::server_fn_paths() {
        out.push((path.to_owned(), method.to_string()));
    }
    out.sort();
    out.dedup();
    out
}
