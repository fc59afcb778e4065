//! The person's own pages: proxies (代理人) and access history (アクセス履歴). Plain forms, so
//! they work without JavaScript; the server checks every submission against the session.

use crate::account::{load_grants, load_history, AccessView, Actor, GrantView};
use crate::components::layout::use_lang;
use crate::i18n::{Lang, Msg};
use crate::session::use_viewer;
use domain::access::AccessKind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn kind_label(kind: AccessKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => kind.label_ja(),
        Lang::En => kind.label_en(),
    }
}

fn notice(code: &str) -> Option<(Msg, bool)> {
    Some(match code {
        "granted" => (Msg::ProxiesGranted, false),
        "revoked" => (Msg::ProxiesRevoked, false),
        "reported" => (Msg::AccessReportedNotice, false),
        "unknown" => (Msg::ProxiesErrorUnknown, true),
        "kinds" => (Msg::ProxiesErrorKinds, true),
        "until" => (Msg::ProxiesErrorUntil, true),
        "self" => (Msg::ProxiesErrorSelf, true),
        "unavailable" => (Msg::ErrorUnavailable, true),
        _ => return None,
    })
}

#[component]
fn Notice() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map().get_untracked();
    let found = q
        .get("ok")
        .or_else(|| q.get("error"))
        .and_then(|c| notice(&c));
    found.map(|(msg, error)| {
        if error {
            view! { <p class="notice notice--error" role="alert" data-testid="notice">{lang.t(msg)}</p> }.into_any()
        } else {
            view! { <p class="notice" role="status" data-testid="notice">{lang.t(msg)}</p> }.into_any()
        }
    })
}

/// Shown instead of a page that needs a signed-in, linked person.
#[component]
fn SignInFirst() -> impl IntoView {
    let lang = use_lang();
    view! { <p class="card">{lang.t(Msg::HomeSignInPrompt)}" "<a href="/signin">{lang.t(Msg::SignIn)}</a></p> }
}

#[component]
pub fn ProxiesPage() -> impl IntoView {
    let lang = use_lang();
    let me = use_viewer().and_then(|v| v.person_id);
    view! {
        <Title text=lang.t(Msg::ProxiesTitle)/>
        <h1>{lang.t(Msg::ProxiesTitle)}</h1>
        <Notice/>
        {match me {
            None => view! { <SignInFirst/> }.into_any(),
            Some(me) => view! { <Proxies me/> }.into_any(),
        }}
    }
}

#[component]
fn Proxies(me: String) -> impl IntoView {
    let lang = use_lang();
    let person = me.clone();
    let list = Suspend::new(async move {
        match load_grants(person).await {
            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            Ok(g) if g.is_empty() => {
                view! { <p class="empty" data-testid="no-proxies">{lang.t(Msg::ProxiesNone)}</p> }
                    .into_any()
            }
            Ok(g) => grants_table(lang, g).into_any(),
        }
    });
    let kinds = AccessKind::ALL
        .into_iter()
        .map(|k| view! { <label><input type="checkbox" name="kinds" value=k.code()/>{kind_label(k, lang)}</label> })
        .collect_view();
    view! {
        <section class="card">
            <p>{lang.t(Msg::ProxiesIntro)}</p>
            <p>{lang.t(Msg::ProxiesYourId)}": "<code class="idbox" data-testid="my-karte-id">{me}</code></p>
            <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>{list}</Suspense>
        </section>
        <form method="post" action="/proxies" class="card form">
            <h2>{lang.t(Msg::ProxiesAddHeading)}</h2>
            <label for="grantee">{lang.t(Msg::ProxiesGranteeId)}</label>
            <input id="grantee" name="grantee" autocomplete="off" required/>
            <fieldset class="checks">
                <legend>{lang.t(Msg::ProxiesKinds)}</legend>
                {kinds}
            </fieldset>
            <label for="until">{lang.t(Msg::ProxiesUntil)}</label>
            <input id="until" name="until" type="date" required/>
            <button type="submit" class="button">{lang.t(Msg::ProxiesAdd)}</button>
        </form>
    }
}

fn grants_table(lang: Lang, grants: Vec<GrantView>) -> impl IntoView {
    let rows = grants
        .into_iter()
        .map(|g| {
            let kinds = g.kinds.iter().map(|k| kind_label(*k, lang)).collect::<Vec<_>>().join("・");
            let action = format!("/proxies/{}/revoke", g.id);
            let grantee = g.grantee_id.clone();
            view! {
                <tr data-grantee=grantee>
                    <th scope="row">{lang.addressed(&g.grantee_name)}" "<span class="muted">{g.grantee_id}</span></th>
                    <td>{kinds}</td>
                    <td>{crate::components::dates::long_date(g.valid_until, lang)}</td>
                    <td>
                        <form method="post" action=action class="inline-form">
                            <button type="submit" class="button">{lang.t(Msg::ProxiesRevoke)}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid="proxies-table">
            <thead>
                <tr>
                    <th scope="col">{lang.t(Msg::ProxiesColWho)}</th>
                    <th scope="col">{lang.t(Msg::ProxiesColKinds)}</th>
                    <th scope="col">{lang.t(Msg::ProxiesColUntil)}</th>
                    <th scope="col"><span class="visually-hidden">{lang.t(Msg::ProxiesRevoke)}</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn action_label(code: &str) -> Msg {
    match code {
        "sign_in" => Msg::ActionSignIn,
        "sign_in_failed" => Msg::ActionSignInFailed,
        "sign_out" | "sign_out_everywhere" => Msg::ActionSignOut,
        "link" => Msg::ActionLink,
        "view" => Msg::ActionView,
        "export" => Msg::ActionExport,
        "import" => Msg::ActionImport,
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
        <Notice/>
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
                    <td>{lang.t(action_label(&e.action))}" "<span class="muted">{e.detail}</span></td>
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
