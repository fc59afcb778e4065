//! Pages whose features are still to come, and the not-found page.

use crate::components::layout::use_lang;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ComingSoon(title: Msg) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=lang.t(title)/>
        <h1>{lang.t(title)}</h1>
        <p>{lang.t(Msg::ComingSoon)}</p>
    }
}

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
