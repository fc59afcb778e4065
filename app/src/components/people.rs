//! The demo people list of the dev sign-in: rendered on the server, plain forms.

use crate::functions::people::PersonRow;
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

/// The demo people, each with a dev sign-in button: plain HTML forms, no JavaScript.
#[component]
pub fn PeopleList(lang: Lang, initial: Vec<PersonRow>) -> impl IntoView {
    view! {
        <div class="people">
            <PeopleTable lang people=initial/>
        </div>
    }
}
