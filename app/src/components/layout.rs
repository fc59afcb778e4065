//! The page frame every feature fills: header, navigation, person switcher, footer.

use crate::i18n::{Lang, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The language of this request, from context (set by `App`).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

const NAV: &[(&str, Msg)] = &[
    ("/drugs", Msg::NavDrugs),
    ("/checkups", Msg::NavCheckups),
    ("/expenses", Msg::NavExpenses),
    ("/export", Msg::NavExport),
    ("/deduction", Msg::NavDeduction),
    ("/import", Msg::NavImport),
];

#[component]
pub fn Frame(children: Children) -> impl IntoView {
    let lang = use_lang();
    view! {
        <a class="skip-link" href="#main">{lang.t(Msg::SkipToContent)}</a>
        <Header/>
        {crate::session::use_viewer().map(|v| view! {
            <crate::components::session_timer::SessionTimer lang idle_deadline=v.idle_deadline/>
        })}
        <main id="main" class="main" tabindex="-1">{children()}</main>
        <Footer/>
    }
}

#[component]
fn Header() -> impl IntoView {
    let lang = use_lang();
    let viewer = crate::session::use_viewer();
    let location = use_location();
    let path = location.pathname.get_untracked();
    let here = {
        let search = location.search.get_untracked();
        if search.is_empty() {
            path.clone()
        } else {
            format!("{path}?{search}")
        }
    };
    let toggle_href = format!(
        "/lang?to={}&next={}",
        lang.other().tag(),
        percent_encode(&here)
    );
    let nav = NAV
        .iter()
        .map(|(href, msg)| {
            let current = path == *href || path.starts_with(&format!("{href}/"));
            view! {
                <li>
                    <a href=*href aria-current=current.then_some("page")>{lang.t(*msg)}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <header class="site-header">
            <div class="site-header__bar">
                <a class="brand" href="/">{lang.t(Msg::ProductName)}</a>
                <PersonSwitcher viewer=viewer.clone()/>
                {match viewer.is_some() {
                    true => view! {
                        <nav class="account-nav" aria-label=lang.t(Msg::AccountNavLabel)>
                            <a href="/proxies">{lang.t(Msg::NavProxies)}</a>
                            <a href="/access">{lang.t(Msg::NavAccess)}</a>
                            <a href="/account">{lang.t(Msg::NavAccount)}</a>
                        </nav>
                        <form method="post" action="/auth/logout" class="signout">
                            <button type="submit" class="link-button" data-testid="sign-out">{lang.t(Msg::SignOut)}</button>
                        </form>
                    }.into_any(),
                    false => view! {
                        <a class="link-button" href="/signin" data-testid="sign-in">{lang.t(Msg::SignIn)}</a>
                    }.into_any(),
                }}
                <a class="lang-toggle" href=toggle_href hreflang=lang.other().tag()
                    lang=lang.other().tag() aria-label=lang.t(Msg::LangSwitchLabel)>
                    {lang.t(Msg::LangSwitch)}
                </a>
            </div>
            <nav class="site-nav" aria-label=lang.t(Msg::NavLabel)>
                <ul>{nav}</ul>
            </nav>
        </header>
    }
}

/// Always says whose records are on screen; lets a proxy switch between the people they may see.
#[component]
fn PersonSwitcher(viewer: Option<crate::session::Viewer>) -> impl IntoView {
    let lang = use_lang();
    let Some(viewer) = viewer else {
        return view! {
            <div class="person-switcher" data-testid="person-switcher">
                <span class="person-switcher__label">{lang.t(Msg::PersonSwitcherLabel)}</span>
                <span class="person-switcher__value" data-testid="viewing">{lang.t(Msg::PersonSwitcherNone)}</span>
            </div>
        }
        .into_any();
    };
    let viewing = viewer.viewing.clone();
    let label = match &viewing {
        Some(c) => format!(
            "{}{}",
            lang.addressed(&c.name),
            lang.t(if c.is_self {
                Msg::ViewingSelf
            } else {
                Msg::ViewingProxy
            })
        ),
        None => viewer
            .name
            .as_deref()
            .map(|n| lang.addressed(n))
            .unwrap_or_default(),
    };
    let current = viewing.map(|c| c.person_id).unwrap_or_default();
    let switch = (viewer.choices.len() > 1).then(|| {
        let options = viewer
            .choices
            .iter()
            .map(|c| {
                let selected = c.person_id == current;
                let text = format!("{}{}", lang.addressed(&c.name), lang.t(if c.is_self { Msg::ViewingSelf } else { Msg::ViewingProxy }));
                view! { <option value=c.person_id.clone() selected=selected>{text}</option> }
            })
            .collect_view();
        view! {
            <form method="post" action="/viewing" class="person-switcher__form">
                <label class="visually-hidden" for="viewing-select">{lang.t(Msg::PersonSwitcherLabel)}</label>
                <select id="viewing-select" name="person" data-testid="viewing-select">{options}</select>
                <button type="submit" class="link-button">{lang.t(Msg::SwitchPerson)}</button>
            </form>
        }
    });
    view! {
        <div class="person-switcher" data-testid="person-switcher">
            <span class="person-switcher__label">{lang.t(Msg::PersonSwitcherLabel)}</span>
            <span class="person-switcher__value" data-testid="viewing">{label}</span>
            {switch}
        </div>
    }
    .into_any()
}

#[component]
fn Footer() -> impl IntoView {
    let lang = use_lang();
    // "Data as of" per kind of record of the person on screen (the kinds the signed-in person
    // may see; the same figures as ホーム's freshness table); nothing when signed out.
    let as_of = crate::session::is_signed_in().then(|| {
        view! {
            <Suspense fallback=|| ()>
                {Suspend::new(async move {
                    let text = match crate::home::load_freshness().await {
                        Ok(kinds) if kinds.iter().all(|f| f.as_of.is_none()) => {
                            lang.t(Msg::DataAsOfUnknown).to_owned()
                        }
                        Ok(kinds) => kinds
                            .iter()
                            .map(|f| {
                                let date = match f.as_of {
                                    Some(d) => crate::components::dates::long_date(d, lang),
                                    None => lang.t(Msg::DataAsOfUnknown).to_owned(),
                                };
                                format!("{} {date}", lang.t(f.kind.title()))
                            })
                            .collect::<Vec<_>>()
                            .join(lang.t(Msg::ListSeparator)),
                        Err(e) => e.message(lang).to_owned(),
                    };
                    view! {
                        <p class="data-as-of" data-testid="footer-data-as-of">
                            <span>{lang.t(Msg::DataAsOf)}</span>": "<span>{text}</span>
                        </p>
                    }
                })}
            </Suspense>
        }
    });
    view! {
        <footer class="site-footer">
            {as_of}
            <p class="footer-note">{lang.t(Msg::FooterNote)}</p>
        </footer>
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and '/'.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn encodes_query_characters() {
        assert_eq!(
            percent_encode("/drugs?from=2025-01&to=x y"),
            "/drugs%3Ffrom%3D2025-01%26to%3Dx%20y"
        );
        assert_eq!(percent_encode("/薬"), "/%E8%96%AC");
    }
}
