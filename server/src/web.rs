//! Response headers that every answer carries, and the page CSP with its per-response nonce.

use actix_web::http::header::{HeaderName, HeaderValue, CACHE_CONTROL};
use actix_web::middleware::DefaultHeaders;
use actix_web::{get, HttpMessage, HttpResponse};

/// Defaults for every response; a handler that sets its own value keeps it.
/// Pages and APIs carry health data, so nothing may be stored by browsers or proxies.
pub fn security_headers() -> DefaultHeaders {
    SECURITY_HEADERS
        .iter()
        .fold(DefaultHeaders::new(), |d, (name, value)| {
            d.add((*name, *value))
        })
}

const SECURITY_HEADERS: [(&str, &str); 9] = [
    (
        "Content-Security-Policy",
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (
        "Strict-Transport-Security",
        "max-age=63072000; includeSubDomains",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    // No other site may embed our responses (images, scripts, PDFs) either.
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
];

/// Static assets hold no health data: let browsers keep them but check for a newer build.
pub fn asset_headers() -> DefaultHeaders {
    DefaultHeaders::new().add((CACHE_CONTROL, "no-cache"))
}

/// The CSP of a rendered page: scripts only from us or with this response's nonce, WASM
/// compilation allowed, nothing inline otherwise.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The nonce of one response, kept in the request's extensions.
#[derive(Clone)]
struct PageNonce(leptos::nonce::Nonce);

/// Called inside every page render: gives the page one nonce and the CSP that matches it.
///
/// Leptos renders the page and its trailing chunks in separate reactive owners, each with a
/// fresh nonce; keeping ours in the request makes every script of the response share it.
pub fn set_page_csp() {
    use leptos::prelude::{provide_context, use_context};
    let Some(req) = use_context::<leptos_actix::Request>() else {
        return;
    };
    let existing = req.extensions().get::<PageNonce>().cloned();
    let nonce = match existing {
        Some(PageNonce(n)) => n,
        None => {
            let n = leptos::nonce::Nonce::new();
            req.extensions_mut().insert(PageNonce(n.clone()));
            n
        }
    };
    if let (Some(resp), Ok(value)) = (
        use_context::<leptos_actix::ResponseOptions>(),
        HeaderValue::from_str(&page_csp(nonce.as_inner())),
    ) {
        resp.insert_header(HeaderName::from_static("content-security-policy"), value);
    }
    provide_context(nonce);
}

/// The one stylesheet (the base and one file per record page), compiled into the binary so the
/// server needs no file for it.
#[get("/style/karte.css")]
pub async fn stylesheet() -> HttpResponse {
    static CSS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let css = CSS.get_or_init(|| {
        let mut css = concat!(
            include_str!("../../style/karte.css"),
            include_str!("../../style/drugs.css"),
            include_str!("../../style/checkups.css"),
            include_str!("../../style/expenses.css"),
            include_str!("../../style/deduction.css"),
            include_str!("../../style/export.css"),
            include_str!("../../style/home.css"),
            include_str!("../../style/own.css"),
        )
        .to_owned();
        css.push_str(&app::pages::drugs::label_css());
        css
    });
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((CACHE_CONTROL, "no-cache"))
        .body(css.as_str())
}

/// The site icon (also stops browsers asking for a missing /favicon.ico).
#[get("/favicon.svg")]
pub async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((CACHE_CONTROL, "public, max-age=86400"))
        .body(include_str!("../../style/favicon.svg"))
}

/// 303 See Other to `to`: the answer to every form post.
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to))
        .finish()
}

/// Middleware: a `/fn/…` path that is no server function (or the wrong method for one) is a
/// plain 404, not Leptos's developer text about registering server functions.
pub async fn unknown_server_fns(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    let path = req.path();
    let known = !path.starts_with("/fn/")
        || leptos::server_fn::actix::server_fn_paths()
            .any(|(p, m)| p == path && m.as_str() == req.method().as_str());
    if known {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let res = HttpResponse::NotFound().json(serde_json::json!({
        "error": { "code": "not_found", "message": "no such server function" }
    }));
    Ok(req.into_response(res).map_into_right_body())
}

/// How long a request may take ([`deadline`]).
#[derive(Debug, Clone, Copy)]
pub struct RequestDeadline(pub std::time::Duration);

/// Middleware: a request not answered within the configured seconds (four times that for an
/// import; a slow or stuck database) is answered 503 with `Retry-After`, and whatever it was doing is dropped — an open
/// transaction is rolled back. Every other 503 gets a `Retry-After` too, so a client always
/// knows when to come back.
pub async fn deadline(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    use actix_web::http::{header, StatusCode};
    // An import (up to 16 MiB, one transaction) gets four times as long.
    let factor = if req.path() == "/api/v1/import" { 4 } else { 1 };
    let limit = req
        .app_data::<actix_web::web::Data<RequestDeadline>>()
        .map(|d| d.0 * factor);
    // Not a clone of the request: routing needs it unshared.
    let path = req.path().to_owned();
    let answered = match limit {
        Some(limit) => tokio::time::timeout(limit, next.call(req)).await,
        None => Ok(next.call(req).await),
    };
    match answered {
        Ok(res) => {
            let mut res = res?;
            if res.status() == StatusCode::SERVICE_UNAVAILABLE
                && !res.headers().contains_key(header::RETRY_AFTER)
            {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            Ok(res.map_into_left_body())
        }
        Err(_) => {
            // The request went with the dropped handler, so the answer leaves as an error
            // response, outside the header middleware: it carries the same headers itself.
            tracing::warn!("request timed out");
            let mut res = unavailable(&path, app::i18n::Msg::ErrorTimedOut, "unavailable");
            for (name, value) in SECURITY_HEADERS {
                if let Ok(name) = HeaderName::try_from(name) {
                    res.headers_mut()
                        .insert(name, HeaderValue::from_static(value));
                }
            }
            Err(actix_web::error::InternalError::from_response("request timed out", res).into())
        }
    }
}

/// 503 with `Retry-After: 5` and the reason in both languages (problem JSON on the API, plain
/// text elsewhere): nothing of the server's insides.
pub fn unavailable(path: &str, msg: app::i18n::Msg, code: &str) -> HttpResponse {
    use app::i18n::Lang;
    let text = format!("{} {}", Lang::Ja.t(msg), Lang::En.t(msg));
    let mut res = HttpResponse::ServiceUnavailable();
    res.insert_header((actix_web::http::header::RETRY_AFTER, "5"));
    if path.starts_with("/api/") {
        res.json(serde_json::json!({ "error": { "code": code, "message": text } }))
    } else {
        res.content_type("text/plain; charset=utf-8").body(text)
    }
}

/// Middleware: a page that handed fragments over whole (`app::slots`) is sent as chunks — the
/// page's own text up to each fragment's marker, the fragment's bytes without a copy, the rest.
/// Other responses pass untouched. Innermost, so compression still sees the whole page.
pub async fn splice_slots(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<
        actix_web::body::EitherBody<impl actix_web::body::MessageBody, Chunks>,
    >,
    actix_web::Error,
> {
    let res = next.call(req).await?;
    let slots = res
        .request()
        .extensions_mut()
        .remove::<app::slots::PageSlots>();
    let Some(slots) = slots.filter(|s| !s.fragments.is_empty()) else {
        return Ok(res.map_into_left_body());
    };
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    let page = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let body = splice(page, slots.fragments);
    Ok(actix_web::dev::ServiceResponse::new(req, res.set_body(body)).map_into_right_body())
}

/// The page cut at each marker, with the fragment in its place (a marker not found drops its
/// fragment: the page rendered something else, e.g. an error).
fn splice(page: actix_web::web::Bytes, fragments: Vec<(String, std::sync::Arc<str>)>) -> Chunks {
    use actix_web::web::Bytes;
    struct Fragment(std::sync::Arc<str>);
    impl AsRef<[u8]> for Fragment {
        fn as_ref(&self) -> &[u8] {
            self.0.as_bytes()
        }
    }
    let mut parts = std::collections::VecDeque::new();
    let mut at = 0;
    if let Ok(text) = std::str::from_utf8(&page) {
        for (marker, html) in fragments {
            if let Some(found) = text[at..].find(&marker) {
                let start = at + found;
                parts.push_back(page.slice(at..start));
                parts.push_back(Bytes::from_owner(Fragment(html)));
                at = start + marker.len();
            }
        }
    }
    parts.push_back(page.slice(at..));
    parts.retain(|p| !p.is_empty());
    let size = parts.iter().map(|p| p.len() as u64).sum();
    Chunks { parts, size }
}

/// A body of ready chunks with its length known up front.
pub struct Chunks {
    parts: std::collections::VecDeque<actix_web::web::Bytes>,
    size: u64,
}

impl actix_web::body::MessageBody for Chunks {
    type Error = std::convert::Infallible;

    fn size(&self) -> actix_web::body::BodySize {
        actix_web::body::BodySize::Sized(self.size)
    }

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<actix_web::web::Bytes, Self::Error>>> {
        std::task::Poll::Ready(self.get_mut().parts.pop_front().map(Ok))
    }
}

#[cfg(test)]
mod splice_tests {
    use super::*;
    use actix_web::body::MessageBody;
    use std::sync::Arc;

    async fn body(chunks: Chunks) -> String {
        let bytes = actix_web::body::to_bytes(chunks).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[actix_web::test]
    async fn fragments_go_where_their_markers_were() {
        let page = "<p>a</p><!--karte-slot-X--><p>b</p><!--karte-slot-Y--><p>c</p>";
        let chunks = splice(
            page.into(),
            vec![
                ("<!--karte-slot-X-->".into(), Arc::from("<tr>1</tr>")),
                ("<!--karte-slot-Y-->".into(), Arc::from("<tr>2</tr>")),
            ],
        );
        assert_eq!(chunks.size(), actix_web::body::BodySize::Sized(44));
        assert_eq!(
            body(chunks).await,
            "<p>a</p><tr>1</tr><p>b</p><tr>2</tr><p>c</p>"
        );
    }

    #[actix_web::test]
    async fn a_missing_marker_drops_its_fragment_and_keeps_the_page() {
        let chunks = splice(
            "<p>error</p>".into(),
            vec![("<!--karte-slot-X-->".into(), Arc::from("<tr>1</tr>"))],
        );
        assert_eq!(body(chunks).await, "<p>error</p>");
    }
}
