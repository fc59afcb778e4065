//! The not-found page.

use crate::components::layout::use_lang;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_actix::ResponseOptions>() {
        resp.set_status(actix_web::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=lang.t(Msg::NotFoundTitle)/>
        <h1>{lang.t(Msg::NotFoundTitle)}</h1>
        <p>{lang.t(Msg::NotFoundBody)}</p>
    }
}
