//! The typed HTTP edge of the REST API: [`SignedIn`] is the signed-in person as an extractor
//! (a request without a session never reaches the handler: 401), and [`ApiError`] is every
//! refusal the API answers with — `{"error": {"code", "message"}}` with its status — as an
//! actix `ResponseError`, so handlers return `Result<_, ApiError>` and use `?`.

use crate::auth::Principal;
use crate::telemetry::request_id;
use actix_web::dev::Payload;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use app::audit::Channel;
use app::error::AppError;
use app::i18n::Lang;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::future::{ready, Ready};

/// An API error: the status, a stable machine code and a message for people.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

/// The body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    #[schema(inline)]
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable (`unauthorized`, `not_found`, `bad_input`, …).
    pub code: &'static str,
    /// For people; may change.
    pub message: String,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// 401: no session (or one that ended).
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "sign in first")
    }

    /// 404 with a message (never 403: existence is not confirmed).
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 400 naming the field and the rule.
    pub fn bad_input(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_input", message)
    }

    /// 503: a dependency is down; retrying later helps.
    pub fn unavailable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// The same answer with one more header (`WWW-Authenticate`, `Retry-After`).
    pub fn with_header(mut self, name: HeaderName, value: &'static str) -> Self {
        self.headers.push((name, HeaderValue::from_static(value)));
        self
    }

    /// The same answer with one more header whose value is computed.
    pub fn with_header_value(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        for (name, value) in &self.headers {
            res.insert_header((name.clone(), value.clone()));
        }
        res.json(ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.to_string(),
            },
        })
    }
}

/// One mapping from the shared errors to API answers: 404 (never 403) when the person on
/// screen may not show this kind, 400 with the reason for bad input, 503 otherwise.
impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::not_found("no records"),
            AppError::BadInput(why) => ApiError::bad_input(why),
            _ => ApiError::unavailable("try again in a moment"),
        }
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> Self {
        ApiError::from(AppError::from(e))
    }
}

/// The signed-in person of an API request: the principal the session middleware resolved,
/// with what every API handler needs beside it. Extracting it from a request without a
/// session answers 401 before the handler runs.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub principal: Principal,
    /// The request id, written into the access log.
    pub request_id: Option<String>,
    /// The `karte_lang` cookie's language (PDF exports follow it).
    pub lang: Lang,
}

impl SignedIn {
    /// The access-log context of an API view: the API channel and this request's id.
    pub fn api_view(&self) -> Option<(Option<Channel>, Option<&str>)> {
        Some((Some(Channel::Api), self.request_id.as_deref()))
    }

    /// The id of the person whose records are on screen (self, or whom the switcher chose),
    /// before any access check; `None` when the sign-in is not linked to a person yet.
    pub fn viewing(&self) -> Option<&str> {
        self.principal.viewing().map(|v| v.person_id.as_str())
    }
}

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let principal = req.extensions().get::<Principal>().cloned();
        ready(
            principal
                .ok_or_else(ApiError::unauthorized)
                .map(|principal| SignedIn {
                    principal,
                    request_id: request_id(req),
                    lang: req
                        .cookie(Lang::COOKIE)
                        .map(|c| Lang::from_tag(c.value()))
                        .unwrap_or_default(),
                }),
        )
    }
}

/// What no route under `/api/v1` took: a documented path asked with a method the document
/// does not list is a 405 with `Allow` naming the methods it does list; any other path is the
/// same 404 JSON as every other API refusal.
pub async fn unknown_path(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path().strip_prefix("/api/v1").unwrap_or(req.path());
    match allowed_methods(path) {
        Some(allow) => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} is not allowed here; use {allow}", req.method()),
        )
        .with_header_value(
            actix_web::http::header::ALLOW,
            HeaderValue::from_str(&allow).unwrap_or(HeaderValue::from_static("GET")),
        )),
        None => Err(ApiError::not_found("no such API path")),
    }
}

/// Middleware, outside the CSRF check: a documented API path asked with a method the document
/// does not list reaches no handler, so there is nothing to forge — it is answered 405 with
/// `Allow` whoever asks and from wherever, before any other refusal.
pub async fn unlisted_method(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    if method_not_allowed(req.path(), req.method().as_str()) {
        let (req, _) = req.into_parts();
        let res = match unknown_path(req.clone()).await {
            Ok(res) => res,
            Err(e) => e.error_response(),
        };
        return Ok(actix_web::dev::ServiceResponse::new(req, res));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Whether `path` (the full request path) is a documented API path that does not take
/// `method`: the request will be answered 405 whoever asks.
pub fn method_not_allowed(path: &str, method: &str) -> bool {
    path.strip_prefix("/api/v1")
        .and_then(allowed_methods)
        .is_some_and(|allow| !allow.split(", ").any(|m| m == method))
}

/// The methods the OpenAPI document lists for `path` (relative to `/api/v1`), as an `Allow`
/// value; `None` when no documented path matches.
pub fn allowed_methods(path: &str) -> Option<String> {
    use actix_web::dev::ResourceDef;
    use std::sync::OnceLock;
    static PATHS: OnceLock<Vec<(ResourceDef, String)>> = OnceLock::new();
    let paths = PATHS.get_or_init(|| {
        use utoipa::OpenApi as _;
        let doc = super::openapi::ApiDoc::openapi();
        let mut out: Vec<(ResourceDef, String)> = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("OPTIONS", item.options.is_some()),
                    ("HEAD", item.head.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("TRACE", item.trace.is_some()),
                ];
                let allow: Vec<&str> = methods
                    .iter()
                    .filter(|(_, listed)| *listed)
                    .map(|(m, _)| *m)
                    .collect();
                (ResourceDef::new(path.as_str()), allow.join(", "))
            })
            .collect();
        // The document itself, served beside the paths it describes.
        out.push((ResourceDef::new("/openapi.json"), "GET".to_owned()));
        out
    });
    paths
        .iter()
        .find(|(def, _)| def.is_match(path))
        .map(|(_, allow)| allow.clone())
}
