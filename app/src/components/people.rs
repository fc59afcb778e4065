//! The people list: rendered on the server, refreshed in the browser through a server function.

use crate::functions::people::{list_people, PersonRow};
use crate::i18n::{Lang, Msg};
use leptos::prelude::*;

#[component]
fn PeopleTable(lang: Lang, people: Vec<PersonRow>) -> impl IntoView {
    if people.is_empty() {
        return view! { <p class="empty">{lang.t(Msg::PeopleEmpty)}</p> }.into_any();
    }
    let rows = people
        .into_iter()
        .map(|p| {
            let id = p.id.clone();
            view! {
                <tr data-person-id=id>
                    <th scope="row">{p.name}</th>
                    <td>{p.birth_date}</td>
                    <td>{p.insurer}</td>
                    <td>
                        <form method="post" action="/auth/dev">
                            <input type="hidden" name="person" value=p.id/>
                            <button type="submit" class="button">{lang.t(Msg::DevSignInAs)}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid="people-table">
            <thead>
                <tr>
                    <th scope="col">{lang.t(Msg::PeopleColName)}</th>
                    <th scope="col">{lang.t(Msg::PeopleColBirth)}</th>
                    <th scope="col">{lang.t(Msg::PeopleColInsurer)}</th>
                    <th scope="col">{lang.t(Msg::SignIn)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// Interactive island: the button only works once the WASM bundle has hydrated it.
#[island]
pub fn PeopleList(lang: Lang, initial: Vec<PersonRow>) -> impl IntoView {
    let people = RwSignal::new(initial);
    let refresh = Action::new(move |_: &()| list_people(lang));
    let status = move || match refresh.value().get() {
        None => String::new(),
        Some(Ok(list)) => {
            let detail = format!(
                "{}{}{}{}",
                list.read_at,
                lang.t(Msg::ListSeparator),
                list.people.len(),
                lang.t(Msg::PeopleCount)
            );
            format!(
                "{}{}",
                lang.t(Msg::PeopleRefreshed),
                lang.parenthesized(&detail)
            )
        }
        Some(Err(e)) => e.message(lang).to_string(),
    };
    // Effects run only in the browser: this marks the island as hydrated (tests wait for it).
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    Effect::new(move |_| {
        if let Some(Ok(list)) = refresh.value().get() {
            people.set(list.people);
        }
    });
    view! {
        <div class="people" data-ready=move || ready.get().to_string()>
            {move || view! { <PeopleTable lang people=people.get()/> }}
            <div class="actions">
                <button type="button" class="button" data-testid="people-refresh"
                    disabled=move || refresh.pending().get()
                    on:click=move |_| { refresh.dispatch(()); }>
                    {move || if refresh.pending().get() { lang.t(Msg::PeopleRefreshing) } else { lang.t(Msg::PeopleRefresh) }}
                </button>
                <p role="status" aria-live="polite" data-testid="people-status">{status}</p>
            </div>
        </div>
    }
}
