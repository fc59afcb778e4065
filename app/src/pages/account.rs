//! The person's own pages: access history (アクセス履歴), and the notices and sign-in prompt the
//! proxy pages (pages::proxies) share. Plain forms, so they work without JavaScript; the server
//! checks every submission against the session.

use crate::account::{load_history, AccessView, Actor};
use crate::components::layout::use_lang;
use crate::i18n::{Lang, Msg};
use crate::notice::NoticePage;
use crate::session::use_viewer;
use domain::access::AccessKind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

pub(crate) fn kind_label(kind: AccessKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => kind.label_ja(),
        Lang::En => kind.label_en(),
    }
}

#[component]
pub(crate) fn Notice(page: NoticePage) -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map().get_untracked();
    let found =
        crate::notice::Notice::read(page, q.get("ok").as_deref(), q.get("error").as_deref());
    found.map(|n| {
        if n.is_error() {
            view! { <p class="notice notice--error" role="alert" data-testid="notice">{lang.t(n.msg())}</p> }.into_any()
        } else {
            view! { <p class="notice" role="status" data-testid="notice">{lang.t(n.msg())}</p> }.into_any()
        }
    })
}

/// Shown instead of a page that needs a signed-in, linked person.
#[component]
pub(crate) fn SignInFirst() -> impl IntoView {
    let lang = use_lang();
    view! { <p class="card">{lang.t(Msg::HomeSignInPrompt)}" "<a href="/signin">{lang.t(Msg::SignIn)}</a></p> }
}

pub(crate) fn action_label(code: &str) -> Msg {
    match code {
        "sign_in" => Msg::ActionSignIn,
        "sign_in_failed" => Msg::ActionSignInFailed,
        "sign_out" | "sign_out_everywhere" => Msg::ActionSignOut,
        "link" => Msg::ActionLink,
        "link_failed" => Msg::ActionLinkFailed,
        "unlink" => Msg::ActionUnlink,
        "link_code" => Msg::ActionLinkCode,
        "view" => Msg::ActionView,
        "export" => Msg::ActionExport,
        "import" => Msg::ActionImport,
        "invite" => Msg::ActionInvite,
        "grant" => Msg::ActionGrant,
        "revoke" => Msg::ActionRevoke,
        "report" => Msg::ActionReport,
        "change" => Msg::ActionChange,
        _ => Msg::ActionOther,
    }
}

#[component]
pub fn AccessPage() -> impl IntoView {
    let lang = use_lang();
    let me = use_viewer().and_then(|v| v.person_id);
    view! {
        <Title text=lang.t(Msg::AccessTitle)/>
        <h1>{lang.t(Msg::AccessTitle)}</h1>
        <Notice page=NoticePage::Access/>
        {match me {
            None => view! { <SignInFirst/> }.into_any(),
            Some(me) => view! {
                <section class="card">
                    <p>{lang.t(Msg::AccessIntro)}</p>
                    <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>
                        {Suspend::new(async move {
                            match load_history(me).await {
                                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                                Ok(h) if h.is_empty() => view! { <p class="empty">{lang.t(Msg::AccessNone)}</p> }.into_any(),
                                Ok(h) => history_table(lang, h).into_any(),
                            }
                        })}
                    </Suspense>
                </section>
            }.into_any(),
        }}
    }
}

fn history_table(lang: Lang, entries: Vec<AccessView>) -> impl IntoView {
    let rows = entries
        .into_iter()
        .map(|e| {
            let who = match &e.actor {
                Actor::Me => lang.t(Msg::AccessByYou).to_owned(),
                Actor::Person(name) => lang.addressed(name),
                Actor::Client(name) => name.clone(),
                Actor::Unlinked => lang.t(Msg::AccessByUnlinked).to_owned(),
                Actor::System => lang.t(Msg::AccessBySystem).to_owned(),
            };
            let report = if e.reported {
                view! { <span class="muted">{lang.t(Msg::AccessReported)}</span> }.into_any()
            } else {
                let action = format!("/access/{}/report", e.id);
                view! {
                    <form method="post" action=action class="inline-form">
                        <button type="submit" class="button">{lang.t(Msg::AccessNotMe)}</button>
                    </form>
                }
                .into_any()
            };
            view! {
                <tr data-action=e.action.clone()>
                    <td>{e.at}</td>
                    <td>{who}</td>
                    <td>{lang.t(action_label(&e.action))}" "<span class="muted">{e.detail.render(lang)}</span></td>
                    <td>{report}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid="access-table">
            <thead>
                <tr>
                    <th scope="col">{lang.t(Msg::AccessColWhen)}</th>
                    <th scope="col">{lang.t(Msg::AccessColWho)}</th>
                    <th scope="col">{lang.t(Msg::AccessColWhat)}</th>
                    <th scope="col"><span class="visually-hidden">{lang.t(Msg::AccessNotMe)}</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
