//! Sign-in, the linking step, and their messages. Plain forms and links: no JavaScript needed.

use crate::components::layout::use_lang;
use crate::components::people::PeopleList;
use crate::functions::people::list_people;
use crate::i18n::Msg;
use crate::notice::{Notice, NoticePage};
use crate::session::use_sign_in_options;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let options = use_sign_in_options();
    let query = use_query_map().get_untracked();
    let error = Notice::read(NoticePage::SignIn, None, query.get("error").as_deref())
        .map(|n| lang.t(n.msg()));
    let signed_out = query.get("signed_out").is_some();
    let ok =
        Notice::read(NoticePage::SignIn, query.get("ok").as_deref(), None).map(|n| lang.t(n.msg()));
    view! {
        <Title text=lang.t(Msg::SignInTitle)/>
        <h1>{lang.t(Msg::SignInTitle)}</h1>
        {error.map(|e| view! { <p class="notice notice--error" role="alert" data-testid="signin-error">{e}</p> })}
        {ok.map(|m| view! { <p class="notice" role="status" data-testid="signin-ok">{m}</p> })}
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
    let options = use_sign_in_options();
    let query = use_query_map().get_untracked();
    let until = query
        .get("until")
        .filter(|u| u.len() == 16 && u.chars().all(|c| c.is_ascii_digit() || "-:T".contains(c)))
        .map(|u| u.replace('T', " "));
    let notice = Notice::read(
        NoticePage::Link,
        query.get("ok").as_deref(),
        query.get("error").as_deref(),
    );
    let error = notice.filter(|n| n.is_error()).map(|n| match n {
        Notice::LinkLocked => format!("{} {}", lang.t(n.msg()), until.clone().unwrap_or_default()),
        _ => lang.t(n.msg()).to_owned(),
    });
    let unlinked = notice == Some(Notice::LinkUnlinked);
    view! {
        <Title text=lang.t(Msg::LinkTitle)/>
        <h1>{lang.t(Msg::LinkTitle)}</h1>
        {error.map(|e| view! { <p class="notice notice--error" role="alert" data-testid="link-error">{e}</p> })}
        {unlinked.then(|| view! { <p class="notice" role="status" data-testid="link-notice">{lang.t(Msg::LinkUnlinked)}</p> })}
        <form method="post" action="/auth/link" class="card form">
            <p>{lang.t(Msg::LinkIntro)}</p>
            <label for="insurer_number">{lang.t(Msg::LinkInsurerNumber)}</label>
            <input id="insurer_number" name="insurer_number" inputmode="numeric" autocomplete="off" required pattern="[0-9０-９]{6,8}"/>
            <label for="symbol">{lang.t(Msg::LinkSymbol)}</label>
            <input id="symbol" name="symbol" autocomplete="off"/>
            <label for="number">{lang.t(Msg::LinkNumber)}</label>
            <input id="number" name="number" autocomplete="off" required/>
            <label for="branch">{lang.t(Msg::LinkBranch)}</label>
            <input id="branch" name="branch" inputmode="numeric" autocomplete="off" pattern="[0-9]{2}"/>
            <label for="birth_date">{lang.t(Msg::LinkBirthDate)}</label>
            <input id="birth_date" name="birth_date" type="date" autocomplete="bday" required/>
            {options.link_code.then(|| view! {
                <p class="muted">{lang.t(Msg::LinkCodeNote)}</p>
                <label for="code">{lang.t(Msg::LinkCode)}</label>
                <input id="code" name="code" autocomplete="one-time-code" required/>
            })}
            <button type="submit" class="button">{lang.t(Msg::LinkSubmit)}</button>
        </form>
    }
}

/// The account page: who this sign-in is linked to, and removing that link (a separate,
/// audited step the server allows only shortly after signing in).
#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let options = use_sign_in_options();
    let viewer = crate::session::use_viewer();
    let query = use_query_map().get_untracked();
    let again = if options.oidc {
        "/auth/login?next=/account"
    } else {
        "/signin"
    };
    let error = Notice::read(NoticePage::Account, None, query.get("error").as_deref()).map(|n| match n {
        Notice::AccountReauth | Notice::AccountDeleteReauth => view! {
            <p class="notice notice--error" role="alert" data-testid="account-error">
                {lang.t(n.msg())}" "<a href=again>{lang.t(Msg::AccountSignInAgain)}</a>
            </p>
        }.into_any(),
        _ => view! {
            <p class="notice notice--error" role="alert" data-testid="account-error">{lang.t(n.msg())}</p>
        }.into_any(),
    });
    let signed_in = viewer.is_some();
    let linked = viewer.and_then(|v| v.name);
    view! {
        <Title text=lang.t(Msg::AccountTitle)/>
        <h1>{lang.t(Msg::AccountTitle)}</h1>
        {error}
        {match linked {
            None if signed_in => view! { <p class="card"><a href="/link">{lang.t(Msg::LinkTitle)}</a></p> }.into_any(),
            None => view! { <p class="card">{lang.t(Msg::HomeSignInPrompt)}" "<a href="/signin">{lang.t(Msg::SignIn)}</a></p> }.into_any(),
            Some(name) => view! {
                <section class="card">
                    <p>{lang.t(Msg::AccountLinkedTo)}": "<strong data-testid="account-person">{lang.addressed(&name)}</strong></p>
                </section>
                <form method="post" action="/auth/unlink" class="card form">
                    <h2>{lang.t(Msg::AccountUnlinkHeading)}</h2>
                    <p>{lang.t(Msg::AccountUnlinkIntro)}</p>
                    <button type="submit" class="button" data-testid="unlink">{lang.t(Msg::AccountUnlink)}</button>
                </form>
                <section class="card" aria-labelledby="archive-heading">
                    <h2 id="archive-heading">{lang.t(Msg::AccountArchiveHeading)}</h2>
                    <p>{lang.t(Msg::AccountArchiveIntro)}</p>
                    <a class="button" href="/account/archive.zip" download="karte-archive.zip" data-testid="archive-download">{lang.t(Msg::AccountArchiveButton)}</a>
                </section>
                <form method="post" action="/account/delete" class="card form" data-testid="delete-form">
                    <h2>{lang.t(Msg::AccountDeleteHeading)}</h2>
                    <p>{lang.t(Msg::AccountDeleteIntro)}</p>
                    <label for="delete-word">{lang.t(Msg::AccountDeleteWordLabel)}</label>
                    <input id="delete-word" name="confirm" type="text" required autocomplete="off"/>
                    <button type="submit" class="button" data-testid="delete-account">{lang.t(Msg::AccountDeleteButton)}</button>
                </form>
            }.into_any(),
        }}
    }
}
