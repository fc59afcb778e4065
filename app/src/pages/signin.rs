//! Sign-in, the linking step, and their messages. Plain forms and links: no JavaScript needed.

use crate::components::layout::use_lang;
use crate::components::people::PeopleList;
use crate::functions::people::list_people;
use crate::i18n::Msg;
use crate::session::use_sign_in_options;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn error_message(code: &str) -> Msg {
    match code {
        "state" => Msg::SignInErrorState,
        "expired" => Msg::SignInErrorExpired,
        "cancelled" => Msg::SignInErrorCancelled,
        "linked" => Msg::SignInErrorLinked,
        "unavailable" => Msg::SignInErrorUnavailable,
        "not_configured" => Msg::SignInNotConfigured,
        _ => Msg::SignInErrorProvider,
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let options = use_sign_in_options();
    let query = use_query_map().get_untracked();
    let error = query.get("error").map(|code| lang.t(error_message(&code)));
    let signed_out = query.get("signed_out").is_some();
    view! {
        <Title text=lang.t(Msg::SignInTitle)/>
        <h1>{lang.t(Msg::SignInTitle)}</h1>
        {error.map(|e| view! { <p class="notice notice--error" role="alert" data-testid="signin-error">{e}</p> })}
        {signed_out.then(|| view! { <p class="notice" role="status">{lang.t(Msg::SignedOut)}</p> })}
        <section class="card">
            <p>{lang.t(Msg::SignInIntro)}</p>
            {if options.oidc {
                view! { <a class="button" href="/auth/login" data-testid="oidc-sign-in">{lang.t(Msg::SignInWithProvider)}</a> }.into_any()
            } else {
                view! { <p class="muted">{lang.t(Msg::SignInNotConfigured)}</p> }.into_any()
            }}
        </section>
        {options.dev.then(|| view! {
            <section aria-labelledby="people-heading" class="card">
                <h2 id="people-heading">{lang.t(Msg::DevSignInHeading)}</h2>
                <p class="muted">{lang.t(Msg::DevSignInNote)}" "{lang.t(Msg::PeopleIntro)}</p>
                <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>
                    {Suspend::new(async move {
                        match list_people(lang).await {
                            Ok(list) => view! { <PeopleList lang initial=list.people/> }.into_any(),
                            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        })}
    }
}

#[component]
pub fn LinkPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map().get_untracked();
    let error = query.get("error").map(|code| match code.as_str() {
        "no_match" => lang.t(Msg::LinkErrorNoMatch),
        "birth_date" => lang.t(Msg::LinkErrorBirthDate),
        "linked" => lang.t(Msg::SignInErrorLinked),
        _ => lang.t(Msg::SignInErrorUnavailable),
    });
    view! {
        <Title text=lang.t(Msg::LinkTitle)/>
        <h1>{lang.t(Msg::LinkTitle)}</h1>
        {error.map(|e| view! { <p class="notice notice--error" role="alert" data-testid="link-error">{e}</p> })}
        <form method="post" action="/auth/link" class="card form">
            <p>{lang.t(Msg::LinkIntro)}</p>
            <label for="insurer_number">{lang.t(Msg::LinkInsurerNumber)}</label>
            <input id="insurer_number" name="insurer_number" inputmode="numeric" autocomplete="off" required pattern="[0-9０-９]{6,8}"/>
            <label for="number">{lang.t(Msg::LinkNumber)}</label>
            <input id="number" name="number" autocomplete="off" required/>
            <label for="branch">{lang.t(Msg::LinkBranch)}</label>
            <input id="branch" name="branch" inputmode="numeric" autocomplete="off" pattern="[0-9]{2}"/>
            <label for="birth_date">{lang.t(Msg::LinkBirthDate)}</label>
            <input id="birth_date" name="birth_date" type="date" autocomplete="bday" required/>
            <button type="submit" class="button">{lang.t(Msg::LinkSubmit)}</button>
        </form>
    }
}
