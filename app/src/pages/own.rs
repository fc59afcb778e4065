//! 本人入力: the OTC medicines, allergies and side effects, and お薬手帳 memos the person
//! entered themselves. Every change is a plain form posted to `/own/edit`, answered with a
//! redirect back here (works without JavaScript). A proxy sees the entries read-only.

use crate::components::layout::use_lang;
use crate::components::own::{
    AddAllergy, AddMedicine, AddMemo, AllergyItem, MedicineItem, MemoItem,
};
use crate::components::record::{not_shown, PersonCard};
use crate::i18n::own::Msg as O;
use crate::i18n::Msg;
use crate::notice::{Notice, NoticePage};
use crate::own::{load_own_page, OwnPage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OwnPageView() -> impl IntoView {
    let lang = use_lang();
    let status = crate::error::PageStatus::here();
    let signed_in = crate::session::is_signed_in();
    let q = use_query_map().get_untracked();
    let found = Notice::read(
        NoticePage::Own,
        q.get("ok").as_deref(),
        q.get("error").as_deref(),
    );
    let banner = found.map(|n| {
        if n.is_error() {
            view! { <p class="notice notice--error" role="alert" data-testid="notice">{lang.t(n.msg())}</p> }.into_any()
        } else {
            view! { <p class="notice" role="status" data-testid="notice">{lang.t(n.msg())}</p> }.into_any()
        }
    });
    view! {
        <Title text=lang.o(O::Title)/>
        <h1>{lang.o(O::Title)}</h1>
        {banner}
        <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>
            {Suspend::new(async move {
                match load_own_page().await {
                    Ok(page) => view! { <OwnBody page/> }.into_any(),
                    Err(crate::error::AppError::NotFound) => not_shown(lang, signed_in, &status),
                    Err(e) => { status.set_for(&e); view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any() }
                }
            })}
        </Suspense>
    }
}

#[component]
fn OwnBody(page: OwnPage) -> impl IntoView {
    let lang = use_lang();
    let edit = page.editable;
    let dispensings: Vec<_> = page
        .dispensings
        .iter()
        .map(|d| (d.on, d.dispenser.clone()))
        .collect();
    let e = page.entries;
    let allergies = if e.allergies.is_empty() {
        view! { <p class="empty">{lang.o(O::NoAllergies)}</p> }.into_any()
    } else {
        view! { <ul class="own-list">{e.allergies.into_iter().map(|a| view! { <AllergyItem a edit/> }).collect_view()}</ul> }.into_any()
    };
    let medicines = if e.medicines.is_empty() {
        view! { <p class="empty">{lang.o(O::NoMedicines)}</p> }.into_any()
    } else {
        view! { <ul class="own-list">{e.medicines.into_iter().map(|m| view! { <MedicineItem m edit/> }).collect_view()}</ul> }.into_any()
    };
    let memos = if e.memos.is_empty() {
        view! { <p class="empty">{lang.o(O::NoMemos)}</p> }.into_any()
    } else {
        let d = dispensings.clone();
        view! { <ul class="own-list">{e.memos.into_iter().map(|m| view! { <MemoItem m edit dispensings=d.clone()/> }).collect_view()}</ul> }.into_any()
    };
    view! {
        <PersonCard person=page.person.clone() today=page.today/>
        <p class="card">{lang.o(O::Intro)}</p>
        {(!edit).then(|| view! { <p class="notice" role="status" data-testid="read-only">{lang.o(O::ReadOnly)}</p> })}
        <section class="card own-allergies" aria-labelledby="own-allergies" data-testid="own-allergies">
            <h2 id="own-allergies">{lang.o(O::AllergiesHeading)}</h2>
            {allergies}
            {edit.then(|| view! { <AddAllergy/> })}
        </section>
        <section class="card" aria-labelledby="own-medicines" data-testid="own-medicines">
            <h2 id="own-medicines">{lang.o(O::MedicinesHeading)}</h2>
            {medicines}
            {edit.then(|| view! { <AddMedicine/> })}
        </section>
        <section class="card" aria-labelledby="own-memos" data-testid="own-memos">
            <h2 id="own-memos">{lang.o(O::MemosHeading)}</h2>
            {memos}
            {edit.then(|| view! { <AddMemo dispensings=dispensings.clone()/> })}
        </section>
    }
}
