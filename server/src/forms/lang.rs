//! `GET /lang?to=en&next=/drugs`: remembers the language in a cookie and goes back.
//! A plain link, so it works without JavaScript.

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::{get, http::header, web, HttpResponse};
use app::i18n::Lang;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LangQuery {
    to: String,
    next: Option<String>,
}

/// Only same-site paths are followed, so the link cannot send anyone elsewhere.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

#[get("/lang")]
pub async fn set_lang(q: web::Query<LangQuery>) -> HttpResponse {
    let lang = Lang::from_tag(&q.to);
    let cookie = Cookie::build(Lang::COOKIE, lang.tag())
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(Duration::days(365))
        .finish();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, safe_next(q.next.as_deref())))
        .cookie(cookie)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/drugs?from=2025-01")),
            "/drugs?from=2025-01"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
