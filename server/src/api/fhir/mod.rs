//! FHIR R4 (4.0.1), JP Core 1.2.0: `GET /api/v1/me/fhir/{Patient, MedicationDispense,
//! Observation, ExplanationOfBenefit, $everything}` and the public `GET /api/v1/fhir/metadata`.
//!
//! Who may read: the signed-in person's session exactly as the pages (the person on screen —
//! self, or someone who granted this kind — else 404, never 403), or a read-only token the
//! person issued to an app on the proxies page (`Authorization: Bearer karte_app_…`, accepted
//! on these paths only). A token reads its issuer's records of the kinds it names; another
//! kind is a 403 (the app knows whose token it holds, so nothing is confirmed). A token in
//! the query string is refused (URLs end up in logs and histories). Failed tokens spend the
//! sign-in budget of the client address, so guessing is slowed like guessing a code.
//!
//! The records come from the pages' own services (`service::viewed_*`: the same SQL, the same
//! access rule); each read is written to the access log like a page view, with the app's name
//! as the actor when a token was used. Every answer is `application/fhir+json`, errors are
//! OperationOutcome.

pub mod resources;

use crate::audit::{self, Action, Event};
use crate::auth::session::Session;
use crate::auth::Principal;
use crate::db::Db;
use crate::rate_limit::{RateLimiter, Scope};
use crate::records::access::Viewable;
use crate::records::app_tokens::{self, TokenGrant};
use crate::settings::Clock;
use crate::telemetry::request_id;
use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use app::audit::{AuditDetail, Channel, RecordKind};
use app::error::AppError;
use domain::access::AccessKind;
use domain::id::AccountId;
use domain::period::Preset;
use resources::{Card, Entry, PersonFacts};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::fmt;

pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

/// A refusal as a FHIR OperationOutcome: the status, the issue code, what is wrong, and the
/// parameter it is about.
#[derive(Debug, Clone)]
pub struct FhirError {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
    param: Option<&'static str>,
    retry_after: Option<u64>,
}

impl FhirError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            param: None,
            retry_after: None,
        }
    }

    /// 400 naming the parameter.
    pub fn bad_param(param: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            param: Some(param),
            ..Self::new(StatusCode::BAD_REQUEST, "invalid", message)
        }
    }

    fn unauthorized(message: &'static str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "login", message)
    }

    fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "no records to show for the person on screen",
        )
    }
}

impl FhirError {
    /// The HTTP status of the refusal.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The parameter a 400 names.
    pub fn param(&self) -> Option<&'static str> {
        self.param
    }

    /// What is wrong, as the OperationOutcome says it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FhirError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)
    }
}

/// The OperationOutcome of a refusal.
pub fn outcome(code: &str, message: &str, param: Option<&str>) -> Value {
    let mut issue = json!({ "severity": "error", "code": code, "diagnostics": message });
    if let Some(p) = param {
        issue["expression"] = json!([p]);
    }
    json!({ "resourceType": "OperationOutcome", "issue": [issue] })
}

impl ResponseError for FhirError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.content_type(FHIR_JSON);
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"karte-fhir\""));
        }
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        res.body(outcome(self.code, &self.message, self.param).to_string())
    }
}

impl From<AppError> for FhirError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::not_found(),
            AppError::BadInput(why) => Self::bad_param("date", why),
            _ => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "transient",
                "try again in a moment",
            ),
        }
    }
}

impl From<crate::db::DbError> for FhirError {
    fn from(e: crate::db::DbError) -> Self {
        Self::from(AppError::from(e))
    }
}

/// Who is reading: a signed-in person, or an app with a token of the person who issued it.
struct Caller {
    principal: Principal,
    app: Option<TokenGrant>,
    request_id: Option<String>,
}

impl Caller {
    /// Refuses a token that does not name `kind` (a session's rule is the service's).
    fn may(&self, kind: AccessKind) -> Result<(), FhirError> {
        match &self.app {
            Some(t) if !t.kinds.contains(kind) => Err(FhirError::forbidden(format!(
                "this token does not allow reading {}",
                kind.code()
            ))),
            _ => Ok(()),
        }
    }

    fn allows(&self, kind: AccessKind) -> bool {
        self.may(kind).is_ok()
    }

    /// The access-log context the services write with: a session's view is logged by the
    /// service (channel FHIR); an app's view is logged here, naming the app.
    fn log_view(&self) -> Option<(Option<Channel>, Option<&str>)> {
        match self.app {
            None => Some((Some(Channel::Fhir), self.request_id.as_deref())),
            Some(_) => None,
        }
    }

    /// Writes an app's read to the access log of the person (sessions are logged by the
    /// services).
    async fn log_app(&self, db: &Db, detail: AuditDetail) {
        let Some(t) = &self.app else { return };
        let event = Event::new(Action::View)
            .by_account(&t.account_id, None)
            .by_client(&t.app_name)
            .on(&t.person_id)
            .detail(detail.channel(Some(Channel::Fhir)).to_stored())
            .request(self.request_id.as_deref());
        audit::record_or_log(db, event).await;
    }
}

/// The principal a token stands for: its issuer looking at their own records, nobody else's.
fn token_principal(t: &TokenGrant) -> Result<Principal, FhirError> {
    let account = AccountId::parse(&t.account_id)
        .map_err(|_| FhirError::unauthorized("the token is not valid"))?;
    let now = chrono::Utc::now();
    Ok(Principal {
        session: Session {
            id_hash: String::new(),
            account_id: account,
            person_id: Some(t.person_id.clone()),
            person_name: None,
            viewing_id: None,
            created_at: now,
            last_seen_at: now,
            expires_at: now,
        },
        idle_deadline: now,
        viewable: vec![Viewable {
            person_id: t.person_id.clone(),
            name: String::new(),
            kinds: None,
            since: None,
        }],
    })
}

/// Resolves the caller: a bearer token (only here; refused in the query string), else the
/// session the principal middleware found, else 401.
async fn caller(req: &HttpRequest, db: &Db, clock: &Clock) -> Result<Caller, FhirError> {
    let query = req.query_string();
    if url::form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == "access_token") {
        return Err(FhirError::bad_param(
            "access_token",
            "access_token: tokens are never accepted in the URL; send Authorization: Bearer",
        ));
    }
    let request_id = request_id(req);
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| FhirError::unauthorized("use Authorization: Bearer <token>"))?;
        let limiter = req.app_data::<web::Data<RateLimiter>>();
        let ip_key = req.peer_addr().map(|p| format!("ip:{}", p.ip()));
        // A client past its budget of failed tokens is refused before the token is looked up.
        if let (Some(limiter), Some(key)) = (limiter, &ip_key) {
            if let Some(wait) = limiter.exhausted(Scope::Auth, key, std::time::Instant::now()) {
                return Err(too_many(wait));
            }
        }
        match app_tokens::lookup(db, token, clock.today()).await? {
            Some(grant) => {
                return Ok(Caller {
                    principal: token_principal(&grant)?,
                    app: Some(grant),
                    request_id,
                })
            }
            None => {
                tracing::warn!("FHIR token refused");
                if let (Some(limiter), Some(key)) = (limiter, ip_key) {
                    if let Err(wait) = limiter.check(
                        Scope::Auth,
                        std::slice::from_ref(&key),
                        std::time::Instant::now(),
                    ) {
                        return Err(too_many(wait));
                    }
                }
                return Err(FhirError::unauthorized(
                    "the token is not valid (unknown, revoked or expired)",
                ));
            }
        }
    }
    let principal = req
        .extensions()
        .get::<Principal>()
        .cloned()
        .ok_or_else(|| FhirError::unauthorized("sign in first, or send an app token"))?;
    Ok(Caller {
        principal,
        app: None,
        request_id,
    })
}

fn too_many(wait: std::time::Duration) -> FhirError {
    FhirError {
        retry_after: Some(wait.as_secs().max(1)),
        ..FhirError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            "too many failed tokens from this address; try again later",
        )
    }
}

/// The query's parameters, each checked against the names the operation takes (anything else
/// is a 400 naming it).
pub fn params(
    query: &str,
    known: &[&'static str],
) -> Result<Vec<(&'static str, String)>, FhirError> {
    let mut out = Vec::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match known.iter().find(|n| **n == k) {
            Some(name) => out.push((*name, v.into_owned())),
            None => {
                return Err(FhirError::bad_param(
                    "query",
                    format!(
                        "{k}: not a parameter of this search (takes: {})",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                ))
            }
        }
    }
    Ok(out)
}

/// `date=ge…` / `date=le…` (also gt, lt, eq or no prefix) with a day `YYYY-MM-DD` or a month
/// `YYYY-MM`, into the pages' period (from, to); the pages' rules then apply (at most 36
/// months, from not after to; default three years up to this month).
pub fn date_range(values: &[String]) -> Result<domain::query::PeriodQuery, FhirError> {
    let mut from: Option<String> = None;
    let mut to: Option<String> = None;
    let bad = || {
        FhirError::bad_param(
            "date",
            "date: use ge or le followed by YYYY-MM-DD or YYYY-MM, e.g. date=ge2024-04-01&date=le2025-03-31",
        )
    };
    for v in values {
        let (prefix, rest) = match v.get(..2) {
            Some(p @ ("ge" | "le" | "gt" | "lt" | "eq")) => (p, &v[2..]),
            _ => ("eq", v.as_str()),
        };
        let day = chrono::NaiveDate::parse_from_str(rest, "%Y-%m-%d").ok();
        let month = (rest.len() == 7)
            .then(|| chrono::NaiveDate::parse_from_str(&format!("{rest}-01"), "%Y-%m-%d").ok())
            .flatten();
        let (first, last) = match (day, month) {
            (Some(d), _) => (d, d),
            (None, Some(m)) => {
                let ym = domain::period::YearMonth::of(m);
                (ym.first_day(), ym.last_day())
            }
            _ => return Err(bad()),
        };
        let set = |slot: &mut Option<String>, d: chrono::NaiveDate| -> Result<(), FhirError> {
            if slot.is_some() {
                return Err(FhirError::bad_param(
                    "date",
                    "date: give each bound (ge, le) at most once",
                ));
            }
            *slot = Some(d.to_string());
            Ok(())
        };
        match prefix {
            "ge" => set(&mut from, first)?,
            "gt" => set(&mut from, last.succ_opt().ok_or_else(bad)?)?,
            "le" => set(&mut to, last)?,
            "lt" => set(&mut to, first.pred_opt().ok_or_else(bad)?)?,
            _ => {
                set(&mut from, first)?;
                set(&mut to, last)?;
            }
        }
    }
    Ok(domain::query::PeriodQuery::range(from, to))
}

/// The Observation search's `category` (at most once; a code of JP_SimpleObservationCategory_CS,
/// optionally `system|code`).
pub fn category(params: Vec<(&'static str, String)>) -> Result<Option<String>, FhirError> {
    let mut category = None;
    for (_, v) in params {
        // A token search may name its system: `system|code`.
        let code = match v.split_once('|') {
            Some((system, code)) if system == resources::OBS_CATEGORY => code.to_owned(),
            Some(_) => {
                return Err(FhirError::bad_param(
                    "category",
                    "category: the system must be JP_SimpleObservationCategory_CS",
                ))
            }
            None => v,
        };
        if category.is_some() || !resources::CATEGORIES.contains(&code.as_str()) {
            return Err(FhirError::bad_param(
                "category",
                format!(
                    "category: one of {} (given once)",
                    resources::CATEGORIES.join(", ")
                ),
            ));
        }
        category = Some(code);
    }
    Ok(category)
}

/// The ExplanationOfBenefit search's months: a day bound narrows to its month (notices are by
/// 診療年月).
pub fn benefit_months(days: domain::query::PeriodQuery) -> domain::query::PeriodQuery {
    let month = |d: Option<String>| d.map(|d| d[..7].to_owned());
    domain::query::PeriodQuery::range(month(days.from), month(days.to))
}

fn now_text() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn fhir_ok(body: &Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(FHIR_JSON)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body.to_string())
}

/// The Patient, their insurer and Coverage: read once per request, for the person the caller
/// may see (checked before: `on_screen` or the token's own person).
async fn person_entries(
    db: &Db,
    person: &domain::people::PersonId,
) -> Result<[Entry; 3], FhirError> {
    let header = crate::records::people::person_header(db, person, false)
        .await?
        .ok_or_else(FhirError::not_found)?;
    let (_, sex) = crate::records::checkups::checkup_subject(db, person)
        .await?
        .ok_or_else(FhirError::not_found)?;
    let card = match (header.insurer_number, header.number) {
        (Some(insurer_number), Some(number)) => {
            let name = crate::records::people::insurer_name(db, &insurer_number).await?;
            Some(Card {
                insurer_number,
                insurer_name: name,
                symbol: header.symbol,
                number,
                branch: header.branch,
            })
        }
        _ => None,
    };
    let facts = PersonFacts {
        person_id: header.person_id,
        name: header.name,
        birth_date: header.birth_date,
        sex,
        card,
    };
    let patient = resources::patient(&facts);
    let insurer = resources::insurer(&facts);
    let coverage = resources::coverage(&facts, &patient, &insurer);
    Ok([patient, insurer, coverage])
}

/// The person whose Patient the caller may read: a token's own person; for a session, the
/// person on screen when the caller may see any kind of theirs.
async fn patient_person(
    db: &Db,
    c: &Caller,
    today: chrono::NaiveDate,
) -> Result<domain::people::PersonId, FhirError> {
    let mut last = FhirError::not_found();
    for kind in AccessKind::ALL {
        if !c.allows(kind) {
            continue;
        }
        match crate::service::on_screen(db, &c.principal, kind, today).await {
            Ok(on) => return Ok(on.person),
            Err(e) => last = e.into(),
        }
    }
    Err(last)
}

/// A FHIR R4 resource (Bundle, CapabilityStatement or OperationOutcome); see
/// https://hl7.org/fhir/R4/ and docs/fhir.md.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = FhirResource)]
pub struct FhirResourceDoc {
    #[allow(dead_code)]
    #[schema(example = "Bundle")]
    #[serde(rename = "resourceType")]
    resource_type: String,
}

#[utoipa::path(
    get,
    path = "/fhir/metadata",
    summary = "FHIR CapabilityStatement: what the FHIR API serves (public)",
    description = "FHIR R4 4.0.1, JP Core 1.2.0 profiles. No sign-in needed.",
    responses(
        (status = 200, description = "The CapabilityStatement", content((FhirResourceDoc = "application/fhir+json"))),
    )
)]
#[get("/fhir/metadata")]
pub async fn metadata() -> HttpResponse {
    let res = |t: &str, profile: Option<&str>, params: Value| {
        let mut r = json!({
            "type": t,
            "interaction": [{ "code": "search-type" }],
            "searchParam": params,
        });
        if let Some(p) = profile {
            r["supportedProfile"] = json!([format!("{}{p}", resources::CORE)]);
        }
        r
    };
    let body = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-06",
        "publisher": "Karte",
        "kind": "instance",
        "software": { "name": "Karte" },
        "implementation": {
            "description": "Karte: a person's drug history, checkups and medical-expense notices (read only); base /api/v1/me/fhir",
        },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "implementationGuide": ["http://jpfhir.jp/fhir/core/ImplementationGuide/jp-core.r4|1.2.0"],
        "rest": [{
            "mode": "server",
            "documentation": "Base /api/v1/me/fhir. The signed-in person's session, or Authorization: Bearer with a read-only token the person issued on the proxies page (kinds: drugs, checkups, expenses). Tokens in the URL are refused.",
            "security": {
                "service": [{
                    "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "OAuth",
                    }],
                    "text": "Bearer tokens issued by the person, scoped by kind of record",
                }],
            },
            "resource": [
                res("Patient", Some("JP_Patient"), json!([])),
                res("MedicationDispense", Some("JP_MedicationDispense"), json!([
                    { "name": "date", "type": "date", "documentation": "whenHandedOver: ge / le with YYYY-MM-DD or YYYY-MM" }
                ])),
                res("Observation", Some("JP_Observation_Common"), json!([
                    { "name": "category", "type": "token", "documentation": "laboratory, body-measurement, vital-signs or exam" }
                ])),
                res("ExplanationOfBenefit", None, json!([
                    { "name": "date", "type": "date", "documentation": "billablePeriod by month: ge / le with YYYY-MM or YYYY-MM-DD" }
                ])),
            ],
            "operation": [{
                "name": "everything",
                "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
            }],
        }],
    });
    HttpResponse::Ok()
        .content_type(FHIR_JSON)
        .body(body.to_string())
}

/// `date` bounds (documentation only: the handlers read the query themselves, so a repeated
/// parameter and a refusal as OperationOutcome both work).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct DateParams {
    /// Bounds: ge or le (also gt, lt, eq) followed by YYYY-MM-DD or YYYY-MM; repeat for both
    /// ends, e.g. date=ge2024-04-01&date=le2025-03-31. Each bound at most once; the lower not
    /// after the upper; at most 36 months; default three years up to this month. Anything else
    /// is a 400 OperationOutcome naming `date`.
    #[param(style = Form, explode)]
    date: Option<Vec<String>>,
}

/// `category` of Observation.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct CategoryParams {
    /// JP_SimpleObservationCategory_CS code (optionally `system|code`): laboratory,
    /// body-measurement, vital-signs or exam.
    #[param(pattern = r"^(laboratory|body-measurement|vital-signs|exam)$")]
    category: Option<String>,
}

/// Every refusal the person-scoped FHIR paths can answer with.
macro_rules! fhir_path {
    ($name:ident, $path:literal, $summary:literal, $description:literal $(, $param:ident)?) => {
        #[utoipa::path(
            get,
            path = $path,
            summary = $summary,
            description = $description,
            security(("session" = []), ("appToken" = [])),
            $(params($param),)?
            responses(
                (status = 200, description = "A Bundle", content((FhirResourceDoc = "application/fhir+json"))),
                (status = 400, description = "A parameter is wrong (OperationOutcome naming it), or a token was sent in the URL", content((FhirResourceDoc = "application/fhir+json"))),
                (status = 401, description = "No session and no valid token (OperationOutcome)", content((FhirResourceDoc = "application/fhir+json"))),
                (status = 403, description = "The token does not allow this kind of record (OperationOutcome)", content((FhirResourceDoc = "application/fhir+json"))),
                (status = 404, description = "Nothing to show for the person on screen (OperationOutcome; never 403 for a session)", content((FhirResourceDoc = "application/fhir+json"))),
                (status = 429, description = "Too many failed tokens from this address (OperationOutcome); Retry-After says when", content((FhirResourceDoc = "application/fhir+json"))),
                (status = 503, description = "The database is unavailable; try again in a moment", content((FhirResourceDoc = "application/fhir+json"))),
            )
        )]
        #[allow(dead_code)]
        pub fn $name() {}
    };
}

fhir_path!(
    doc_patient,
    "/me/fhir/Patient",
    "FHIR: the person on screen as a JP_Patient (searchset Bundle)",
    "The signed-in person, or the person on screen when they granted any kind of record; with a token, the person who issued it. The Bundle also holds their insurer (JP_Organization) and card (JP_Coverage) as included entries."
);
fhir_path!(
    doc_dispense,
    "/me/fhir/MedicationDispense",
    "FHIR: drug history as JP_MedicationDispense (searchset Bundle)",
    "The same lines as the drugs page for the period (default: three years up to this month; at most 36 months). Pharmacies and the Patient are included entries. Written to the access log.",
    DateParams
);
fhir_path!(
    doc_observation,
    "/me/fhir/Observation",
    "FHIR: checkup results as Observations (searchset Bundle)",
    "One Observation per value the insurer sent in the last five checkups the page shows (judgements Karte computes are not included), coded with 特定健診項目コード (urn:oid:1.2.392.200119.6.1005). Written to the access log.",
    CategoryParams
);
fhir_path!(
    doc_benefit,
    "/me/fhir/ExplanationOfBenefit",
    "FHIR: medical-expense notices (医療費通知) as ExplanationOfBenefit (searchset Bundle)",
    "One per notice line of the person on screen, as the expenses page shows them, for the period (default three years). Institutions, insurer, Coverage and Patient are included entries. Written to the access log.",
    DateParams
);
fhir_path!(
    doc_everything,
    "/me/fhir/$everything",
    "FHIR: everything the caller may read of the person, as one collection Bundle",
    "Patient first, then Coverage and organisations, then MedicationDispense (three years), Observation (last five checkups) and ExplanationOfBenefit (three years) for each kind the caller may read. Each kind read is written to the access log."
);

/// `GET /me/fhir/Patient`
#[get("/me/fhir/Patient")]
pub async fn search_patient(
    req: HttpRequest,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, FhirError> {
    let c = caller(&req, &db, &clock).await?;
    params(req.query_string(), &[])?;
    let person = patient_person(&db, &c, clock.today()).await?;
    let [patient, insurer, coverage] = person_entries(&db, &person).await?;
    Ok(fhir_ok(&resources::bundle(
        "searchset",
        &[patient],
        &[insurer, coverage],
        &now_text(),
    )))
}

/// The drug history in FHIR: matches and what they reference.
async fn dispense_entries(
    db: &Db,
    c: &Caller,
    query: &domain::query::PeriodQuery,
    today: chrono::NaiveDate,
) -> Result<(Vec<Entry>, Vec<Entry>, [Entry; 3]), FhirError> {
    c.may(AccessKind::Drugs)?;
    let period = crate::service::period_with_days(query, today, Preset::AllThreeYears).map_err(
        |e| match e {
            AppError::BadInput(why) => FhirError::bad_param("date", format!("date: {why}")),
            other => other.into(),
        },
    )?;
    let (person, _, lines) =
        crate::service::viewed_drug_lines(db, db, &c.principal, period, today, c.log_view())
            .await?;
    let detail = AuditDetail::new(RecordKind::Drugs);
    let detail = match period.days {
        Some(d) => detail.period(d.from(), d.to()),
        None => detail.period(period.months.from(), period.months.to()),
    };
    c.log_app(db, detail).await;
    let people = person_entries(db, &person).await?;
    let (found, orgs) = resources::dispenses(&lines, &people[0]);
    Ok((found, orgs, people))
}

/// `GET /me/fhir/MedicationDispense?date=ge…&date=le…`
#[get("/me/fhir/MedicationDispense")]
pub async fn search_medication_dispense(
    req: HttpRequest,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, FhirError> {
    let c = caller(&req, &db, &clock).await?;
    let p = params(req.query_string(), &["date"])?;
    let dates: Vec<String> = p.into_iter().map(|(_, v)| v).collect();
    let query = date_range(&dates)?;
    let (found, mut orgs, [patient, _, _]) =
        dispense_entries(&db, &c, &query, clock.today()).await?;
    orgs.insert(0, patient);
    Ok(fhir_ok(&resources::bundle(
        "searchset",
        &found,
        &orgs,
        &now_text(),
    )))
}

async fn observation_entries(
    db: &Db,
    c: &Caller,
    category: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<(Vec<Entry>, [Entry; 3]), FhirError> {
    c.may(AccessKind::Checkups)?;
    let (person, _, view) =
        crate::service::checkups::viewed_checkups(db, db, &c.principal, today, c.log_view())
            .await?;
    c.log_app(db, AuditDetail::new(RecordKind::Checkups)).await;
    let people = person_entries(db, &person).await?;
    Ok((resources::observations(&view, &people[0], category), people))
}

/// `GET /me/fhir/Observation?category=…`
#[get("/me/fhir/Observation")]
pub async fn search_observation(
    req: HttpRequest,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, FhirError> {
    let c = caller(&req, &db, &clock).await?;
    let category = category(params(req.query_string(), &["category"])?)?;
    let (found, [patient, _, _]) =
        observation_entries(&db, &c, category.as_deref(), clock.today()).await?;
    Ok(fhir_ok(&resources::bundle(
        "searchset",
        &found,
        &[patient],
        &now_text(),
    )))
}

async fn benefit_entries(
    db: &Db,
    c: &Caller,
    query: &domain::query::PeriodQuery,
    today: chrono::NaiveDate,
) -> Result<(Vec<Entry>, Vec<Entry>, [Entry; 3]), FhirError> {
    c.may(AccessKind::Expenses)?;
    let months =
        crate::service::period(query, today, Preset::AllThreeYears).map_err(|e| match e {
            AppError::BadInput(why) => FhirError::bad_param("date", format!("date: {why}")),
            other => other.into(),
        })?;
    let viewed =
        crate::service::viewed_expenses(db, db, &c.principal, months, today, false, c.log_view())
            .await?;
    c.log_app(
        db,
        AuditDetail::new(RecordKind::Expenses).period(months.from(), months.to()),
    )
    .await;
    let people = person_entries(db, &viewed.on.person).await?;
    let (found, orgs) = resources::benefits(&viewed.lines, &people[0], &people[1], &people[2]);
    Ok((found, orgs, people))
}

/// `GET /me/fhir/ExplanationOfBenefit?date=ge…&date=le…`
#[get("/me/fhir/ExplanationOfBenefit")]
pub async fn search_explanation_of_benefit(
    req: HttpRequest,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, FhirError> {
    let c = caller(&req, &db, &clock).await?;
    let p = params(req.query_string(), &["date"])?;
    let dates: Vec<String> = p.into_iter().map(|(_, v)| v).collect();
    let query = benefit_months(date_range(&dates)?);
    let (found, mut orgs, [patient, insurer, coverage]) =
        benefit_entries(&db, &c, &query, clock.today()).await?;
    let mut included = vec![patient, insurer, coverage];
    included.append(&mut orgs);
    Ok(fhir_ok(&resources::bundle(
        "searchset",
        &found,
        &included,
        &now_text(),
    )))
}

/// `GET /me/fhir/$everything`: one collection Bundle, Patient first, with every kind the
/// caller may read (404 when none).
#[get("/me/fhir/$everything")]
pub async fn everything(
    req: HttpRequest,
    db: web::Data<Db>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, FhirError> {
    let c = caller(&req, &db, &clock).await?;
    params(req.query_string(), &[])?;
    let today = clock.today();
    let person = patient_person(&db, &c, today).await?;
    let [patient, insurer, coverage] = person_entries(&db, &person).await?;
    let mut orgs: Vec<Entry> = vec![insurer];
    let mut found: Vec<Entry> = Vec::new();
    let mut any = false;
    let add_orgs = |orgs: &mut Vec<Entry>, more: Vec<Entry>| {
        for o in more {
            if !orgs.iter().any(|e| e.id == o.id) {
                orgs.push(o);
            }
        }
    };
    // Each kind the caller may not read of this person is left out, not refused.
    let skip = |e: &FhirError| matches!(e.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN);
    let whole = domain::query::PeriodQuery::range(None, None);
    match dispense_entries(&db, &c, &whole, today).await {
        Ok((mut f, o, _)) => {
            any = true;
            found.append(&mut f);
            add_orgs(&mut orgs, o);
        }
        Err(e) if skip(&e) => {}
        Err(e) => return Err(e),
    }
    match observation_entries(&db, &c, None, today).await {
        Ok((mut f, _)) => {
            any = true;
            found.append(&mut f);
        }
        Err(e) if skip(&e) => {}
        Err(e) => return Err(e),
    }
    match benefit_entries(&db, &c, &whole, today).await {
        Ok((mut f, o, _)) => {
            any = true;
            found.append(&mut f);
            add_orgs(&mut orgs, o);
        }
        Err(e) if skip(&e) => {}
        Err(e) => return Err(e),
    }
    if !any {
        return Err(FhirError::not_found());
    }
    let mut all = vec![patient, coverage];
    all.append(&mut orgs);
    all.append(&mut found);
    Ok(fhir_ok(&resources::bundle(
        "collection",
        &all,
        &[],
        &now_text(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_the_pages_period() {
        let q = date_range(&["ge2024-04-01".into(), "le2025-03".into()]).unwrap();
        assert_eq!(q.from.as_deref(), Some("2024-04-01"));
        assert_eq!(q.to.as_deref(), Some("2025-03-31"));
        let q = date_range(&["2024-05".into()]).unwrap();
        assert_eq!(q.from.as_deref(), Some("2024-05-01"));
        assert_eq!(q.to.as_deref(), Some("2024-05-31"));
        assert!(date_range(&["ge2024-13-01".into()]).is_err());
        assert!(date_range(&["ge2024-01-01".into(), "ge2024-02-01".into()]).is_err());
        let e = date_range(&["yesterday".into()]).unwrap_err();
        assert_eq!(e.param, Some("date"));
    }

    #[test]
    fn outcomes_name_the_parameter() {
        let o = outcome("invalid", "date: bad", Some("date"));
        assert_eq!(o["resourceType"], "OperationOutcome");
        assert_eq!(o["issue"][0]["expression"][0], "date");
    }
}
