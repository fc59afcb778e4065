//! Proxies (代理人) by invitation: the grantor chooses kinds and an end date and gets a one-time
//! code to hand over; the grantee, signed in, enters it, sees what is offered and accepts.
//! Nothing about the grantee appears before that. Plain forms, no JavaScript needed.

use super::account::{kind_label, Notice, SignInFirst};
use crate::account::{
    load_app_tokens, load_grants, load_invitations, load_offer, take_new_app_token, AppTokenView,
    GrantView, InvitationView, OfferView,
};
use crate::components::dates::long_date;
use crate::components::layout::use_lang;
use crate::i18n::{Lang, Msg};
use crate::notice::NoticePage;
use crate::session::use_viewer;
use domain::access::AccessKind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn kinds_text(kinds: &[AccessKind], lang: Lang) -> String {
    kinds
        .iter()
        .map(|k| kind_label(*k, lang))
        .collect::<Vec<_>>()
        .join("・")
}

/// A code as the server makes it (XXXX-XXXX-XXXX): anything else in the URL is not shown.
fn shown_code(raw: Option<String>) -> Option<String> {
    raw.filter(|c| c.len() == 14 && c.chars().all(|ch| ch == '-' || ch.is_ascii_alphanumeric()))
}

#[component]
pub fn ProxiesPage() -> impl IntoView {
    let lang = use_lang();
    let me = use_viewer().and_then(|v| v.person_id);
    view! {
        <Title text=lang.t(Msg::ProxiesTitle)/>
        <h1>{lang.t(Msg::ProxiesTitle)}</h1>
        <Notice page=NoticePage::Proxies/>
        {match me {
            None => view! { <SignInFirst/> }.into_any(),
            Some(me) => view! { <Proxies me/> }.into_any(),
        }}
    }
}

#[component]
fn Proxies(me: String) -> impl IntoView {
    let lang = use_lang();
    let code = shown_code(use_query_map().get_untracked().get("code"));
    let person = me.clone();
    let app_person = me.clone();
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
    let pending = Suspend::new(async move {
        match load_invitations(me).await {
            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            Ok(i) if i.is_empty() => ().into_any(),
            Ok(i) => invitations_table(lang, i).into_any(),
        }
    });
    let kinds = AccessKind::GRANTABLE
        .into_iter()
        .map(|k| view! { <label><input type="checkbox" name="kinds" value=k.code()/>{kind_label(k, lang)}</label> })
        .collect_view();
    view! {
        {code.map(|code| {
            let link = format!("/proxies/accept?code={code}");
            view! {
                <section class="card" data-testid="invitation">
                    <p>{lang.t(Msg::ProxiesInviteCode)}": "<code class="idbox" data-testid="invite-code">{code}</code></p>
                    <p>{lang.t(Msg::ProxiesInviteLink)}": "<code class="idbox">{link}</code></p>
                </section>
            }
        })}
        <section class="card">
            <p>{lang.t(Msg::ProxiesIntro)}</p>
            <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>{list}</Suspense>
            <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>{pending}</Suspense>
        </section>
        <form method="post" action="/proxies" class="card form">
            <h2>{lang.t(Msg::ProxiesAddHeading)}</h2>
            <fieldset class="checks">
                <legend>{lang.t(Msg::ProxiesKinds)}</legend>
                {kinds}
            </fieldset>
            <p class="muted">{lang.t(Msg::ProxiesEditNote)}</p>
            <label for="until">{lang.t(Msg::ProxiesUntil)}</label>
            <input id="until" name="until" type="date" required/>
            <button type="submit" class="button">{lang.t(Msg::ProxiesAdd)}</button>
        </form>
        <form method="get" action="/proxies/accept" class="card form">
            <h2>{lang.t(Msg::ProxiesAcceptHeading)}</h2>
            <p>{lang.t(Msg::AcceptIntro)}</p>
            <label for="accept-code">{lang.t(Msg::ProxiesInviteCode)}</label>
            <input id="accept-code" name="code" autocomplete="off" required/>
            <button type="submit" class="button">{lang.t(Msg::AcceptShow)}</button>
        </form>
        <Apps me=app_person/>
    }
}

/// Connected apps: read-only FHIR tokens the person issues, lists and revokes.
#[component]
fn Apps(me: String) -> impl IntoView {
    let lang = use_lang();
    let issued = take_new_app_token();
    let list = Suspend::new(async move {
        match load_app_tokens(me).await {
            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            Ok(t) if t.is_empty() => {
                view! { <p class="empty" data-testid="no-apps">{lang.t(Msg::AppsNone)}</p> }
                    .into_any()
            }
            Ok(t) => apps_table(lang, t).into_any(),
        }
    });
    let kinds = AccessKind::ALL
        .into_iter()
        .map(|k| view! { <label><input type="checkbox" name="kinds" value=k.code()/>{kind_label(k, lang)}</label> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="apps-heading">
            <h2 id="apps-heading">{lang.t(Msg::AppsHeading)}</h2>
            <p>{lang.t(Msg::AppsIntro)}</p>
            {issued.map(|token| view! {
                <p data-testid="app-token-box">
                    <label for="app-token">{lang.t(Msg::AppsToken)}</label>
                    <input id="app-token" class="idbox" readonly value=token data-testid="app-token"/>
                </p>
            })}
            <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>{list}</Suspense>
        </section>
        <form method="post" action="/proxies/apps" class="card form" data-testid="app-form">
            <h2>{lang.t(Msg::AppsAddHeading)}</h2>
            <label for="app-name">{lang.t(Msg::AppsName)}</label>
            <input id="app-name" name="app_name" maxlength="60" autocomplete="off" required/>
            <fieldset class="checks">
                <legend>{lang.t(Msg::ProxiesKinds)}</legend>
                {kinds}
            </fieldset>
            <label for="app-until">{lang.t(Msg::ProxiesUntil)}</label>
            <input id="app-until" name="until" type="date" required/>
            <button type="submit" class="button">{lang.t(Msg::AppsAdd)}</button>
        </form>
    }
}

fn apps_table(lang: Lang, tokens: Vec<AppTokenView>) -> impl IntoView {
    let rows = tokens
        .into_iter()
        .map(|t| {
            let action = format!("/proxies/apps/{}/revoke", t.id);
            let name = t.app_name.clone();
            view! {
                <tr data-app=name>
                    <th scope="row">{t.app_name}</th>
                    <td>{kinds_text(&t.kinds, lang)}</td>
                    <td>{long_date(t.valid_until, lang)}</td>
                    <td>{revoke_button(action, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid="apps-table">
            <thead>
                <tr>
                    <th scope="col">{lang.t(Msg::AppsColName)}</th>
                    <th scope="col">{lang.t(Msg::ProxiesColKinds)}</th>
                    <th scope="col">{lang.t(Msg::ProxiesColUntil)}</th>
                    <th scope="col"><span class="visually-hidden">{lang.t(Msg::ProxiesRevoke)}</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The button that takes a grant or an invitation back at once.
fn revoke_button(action: String, lang: Lang) -> impl IntoView {
    view! {
        <form method="post" action=action class="inline-form">
            <button type="submit" class="button">{lang.t(Msg::ProxiesRevoke)}</button>
        </form>
    }
}

fn grants_table(lang: Lang, grants: Vec<GrantView>) -> impl IntoView {
    let rows = grants
        .into_iter()
        .map(|g| {
            let kinds = kinds_text(&g.kinds, lang);
            let action = format!("/proxies/{}/revoke", g.id);
            let grantee = g.grantee_id.clone();
            view! {
                <tr data-grantee=grantee>
                    <th scope="row">{lang.addressed(&g.grantee_name)}" "<span class="muted">{g.grantee_id}</span></th>
                    <td>{kinds}</td>
                    <td>{long_date(g.valid_until, lang)}</td>
                    <td>{revoke_button(action, lang)}</td>
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

fn invitations_table(lang: Lang, invitations: Vec<InvitationView>) -> impl IntoView {
    let rows = invitations
        .into_iter()
        .map(|i| {
            let action = format!("/proxies/invitations/{}/cancel", i.id);
            view! {
                <tr data-invitation=i.id.to_string()>
                    <td>{kinds_text(&i.kinds, lang)}</td>
                    <td>{long_date(i.valid_until, lang)}</td>
                    <td>{long_date(i.expires_on, lang)}</td>
                    <td>{revoke_button(action, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{lang.t(Msg::ProxiesPendingHeading)}</h2>
        <table class="table" data-testid="invitations-table">
            <thead>
                <tr>
                    <th scope="col">{lang.t(Msg::ProxiesColKinds)}</th>
                    <th scope="col">{lang.t(Msg::ProxiesColUntil)}</th>
                    <th scope="col">{lang.t(Msg::ProxiesColExpires)}</th>
                    <th scope="col"><span class="visually-hidden">{lang.t(Msg::ProxiesRevoke)}</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// `/proxies/accept?code=…`: what the invitation offers, and the button that accepts it.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let lang = use_lang();
    let signed_in = use_viewer().and_then(|v| v.person_id).is_some();
    let code = use_query_map()
        .get_untracked()
        .get("code")
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty() && c.len() <= 40);
    view! {
        <Title text=lang.t(Msg::AcceptTitle)/>
        <h1>{lang.t(Msg::AcceptTitle)}</h1>
        <Notice page=NoticePage::Accept/>
        {match (signed_in, code) {
            (false, _) => view! { <SignInFirst/> }.into_any(),
            (true, None) => view! {
                <form method="get" action="/proxies/accept" class="card form">
                    <p>{lang.t(Msg::AcceptIntro)}</p>
                    <label for="accept-code">{lang.t(Msg::ProxiesInviteCode)}</label>
                    <input id="accept-code" name="code" autocomplete="off" required/>
                    <button type="submit" class="button">{lang.t(Msg::AcceptShow)}</button>
                </form>
            }.into_any(),
            (true, Some(code)) => {
                let offer = Suspend::new(async move {
                    match load_offer(code.clone()).await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(None) => view! {
                            <p class="notice notice--error" role="alert" data-testid="offer-unusable">{lang.t(Msg::AcceptErrorUnusable)}</p>
                        }.into_any(),
                        Ok(Some(offer)) => offer_form(lang, code, offer).into_any(),
                    }
                });
                view! { <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>{offer}</Suspense> }.into_any()
            }
        }}
    }
}

fn offer_form(lang: Lang, code: String, offer: OfferView) -> impl IntoView {
    view! {
        <form method="post" action="/proxies/accept" class="card form" data-testid="offer">
            <p>{lang.t(Msg::AcceptOffer)}": "<strong>{lang.addressed(&offer.grantor_name)}</strong></p>
            <p>{lang.t(Msg::ProxiesColKinds)}": "{kinds_text(&offer.kinds, lang)}</p>
            <p>{lang.t(Msg::ProxiesColUntil)}": "{long_date(offer.valid_until, lang)}</p>
            <input type="hidden" name="code" value=code/>
            <button type="submit" class="button">{lang.t(Msg::AcceptSubmit)}</button>
        </form>
    }
}
