//! `GET /lang?to=en&next=/drugs`: remembers the language in a cookie and goes back.
//! A plain link, so it works without JavaScript.

use crate::origin::PublicOrigin;
use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::{get, http::header, web, HttpResponse};
use app::i18n::Lang;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LangQuery {
    to: String,
    next: Option<String>,
}

/// Only paths on our own origin are followed (see [`PublicOrigin::local_path`]), so the link
/// cannot send anyone elsewhere.
#[get("/lang")]
pub async fn set_lang(q: web::Query<LangQuery>, origin: web::Data<PublicOrigin>) -> HttpResponse {
    let lang = Lang::from_tag(&q.to);
    let cookie = Cookie::build(Lang::COOKIE, lang.tag())
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(Duration::days(365))
        .finish();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, origin.local_path(q.next.as_deref())))
        .cookie(cookie)
        .finish()
}
