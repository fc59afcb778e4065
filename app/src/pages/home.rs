use crate::components::layout::use_lang;
use crate::i18n::Msg;
use crate::session::use_viewer;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let viewer = use_viewer();
    let greeting = viewer
        .as_ref()
        .and_then(|v| v.name.clone())
        .map(|name| lang.addressed(&name));
    view! {
        <Title text=lang.t(Msg::HomeTitle)/>
        <h1>{lang.t(Msg::HomeTitle)}</h1>
        <p class="lead">{lang.t(Msg::HomeIntro)}</p>
        {match greeting {
            Some(name) => view! { <p class="card" data-testid="greeting">{lang.t(Msg::SignedInAs)}": "{name}</p> }.into_any(),
            None => view! {
                <p class="card">{lang.t(Msg::HomeSignInPrompt)}" "<a href="/signin">{lang.t(Msg::SignIn)}</a></p>
            }.into_any(),
        }}
    }
}
