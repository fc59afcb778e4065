use crate::components::layout::use_lang;
use crate::components::people::PeopleList;
use crate::functions::people::list_people;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=lang.t(Msg::HomeTitle)/>
        <h1>{lang.t(Msg::HomeTitle)}</h1>
        <p class="lead">{lang.t(Msg::HomeIntro)}</p>
        <section aria-labelledby="people-heading" class="card">
            <h2 id="people-heading">{lang.t(Msg::PeopleHeading)}</h2>
            <p class="muted">{lang.t(Msg::PeopleIntro)}</p>
            <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>
                {Suspend::new(async move {
                    match list_people(lang).await {
                        Ok(list) => view! { <PeopleList lang initial=list.people/> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
