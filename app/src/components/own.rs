//! 本人入力 as the drug page and the 本人入力 page show it: allergies (prominent), OTC medicines
//! and お薬手帳 memos, each marked 「本人入力」/"Entered by you" in text (never by colour
//! alone). On the 本人入力 page, each entry also carries its edit and delete forms.

use crate::components::dates::long_date;
use crate::components::layout::use_lang;
use crate::components::record::yen;
use crate::i18n::own::Msg as O;
use crate::i18n::{Lang, Msg};
use chrono::{Datelike, NaiveDate};
use domain::own::{Allergy, DrugMemo, OwnMedicine, Severity};
use leptos::prelude::*;

pub fn severity_label(s: Severity, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => s.label_ja(),
        Lang::En => s.label_en(),
    }
}

/// The mark every self-entered item carries.
#[component]
pub fn OwnBadge() -> impl IntoView {
    let lang = use_lang();
    view! { <span class="badge badge--own" data-testid="own-badge">{lang.o(O::Badge)}</span> }
}

fn period(m: &OwnMedicine, lang: Lang) -> String {
    match m.to {
        Some(to) => format!("{} – {}", long_date(m.from, lang), long_date(to, lang)),
        None => format!("{} –{}", long_date(m.from, lang), lang.o(O::Ongoing)),
    }
}

/// One OTC medicine; `edit` adds its forms.
#[component]
pub fn MedicineItem(m: OwnMedicine, #[prop(optional)] edit: bool) -> impl IntoView {
    let lang = use_lang();
    let year = m.from.year();
    let forms = edit.then(|| view! { <MedicineForms m=m.clone()/> });
    view! {
        <li class="own-item" data-testid="own-medicine">
            <p class="own-item__title"><strong>{m.name.clone()}</strong>" "<OwnBadge/></p>
            <dl class="own-item__facts">
                {(!m.ingredient.is_empty()).then(|| view! { <div><dt>{lang.o(O::ColIngredient)}</dt><dd>{m.ingredient.clone()}</dd></div> })}
                <div><dt>{lang.o(O::ColPeriod)}</dt><dd>{period(&m, lang)}</dd></div>
                {(!m.bought_at.is_empty()).then(|| view! { <div><dt>{lang.o(O::ColBoughtAt)}</dt><dd>{m.bought_at.clone()}</dd></div> })}
                {m.price.map(|p| view! { <div><dt>{lang.o(O::ColPrice)}</dt><dd>{yen(p)}</dd></div> })}
            </dl>
            {m.self_medication.then(|| view! {
                <p class="own-item__selfmed" data-testid="own-selfmed">{lang.o(O::SelfMedOn)}" "
                    <a href=format!("/deduction?year={year}")>{format!("{year} ")}{lang.o(O::ToWorkbench)}</a></p>
            })}
            {forms}
        </li>
    }
}

/// One allergy or side effect; `edit` adds its forms.
#[component]
pub fn AllergyItem(a: Allergy, #[prop(optional)] edit: bool) -> impl IntoView {
    let lang = use_lang();
    let forms = edit.then(|| view! { <AllergyForms a=a.clone()/> });
    view! {
        <li class="own-item" data-testid="own-allergy" data-severity=a.severity.code()>
            <p class="own-item__title"><strong>{a.substance.clone()}</strong>" "<OwnBadge/></p>
            <dl class="own-item__facts">
                <div><dt>{lang.o(O::ColSeverity)}</dt><dd>{severity_label(a.severity, lang)}</dd></div>
                {(!a.reaction.is_empty()).then(|| view! { <div><dt>{lang.o(O::ColReaction)}</dt><dd>{a.reaction.clone()}</dd></div> })}
                {a.since.map(|d| view! { <div><dt>{lang.o(O::ColSince)}</dt><dd>{long_date(d, lang)}</dd></div> })}
            </dl>
            {forms}
        </li>
    }
}

/// One memo; `edit` adds its forms.
#[component]
pub fn MemoItem(
    m: DrugMemo,
    #[prop(optional)] edit: bool,
    #[prop(optional)] dispensings: Vec<(NaiveDate, String)>,
) -> impl IntoView {
    let lang = use_lang();
    let forms = edit.then(|| view! { <MemoForms m=m.clone() dispensings/> });
    view! {
        <li class="own-item" data-testid="own-memo">
            <p class="own-item__title"><strong>{long_date(m.dispensed_on, lang)}" "{m.dispenser.clone()}</strong>" "<OwnBadge/></p>
            <p class="own-item__memo">{m.memo.clone()}</p>
            {forms}
        </li>
    }
}

/// The hidden fields and the delete button of one entry.
fn delete_form(kind: &'static str, id: i64, lang: Lang) -> impl IntoView {
    view! {
        <form method="post" action="/own/edit" class="own-delete">
            <input type="hidden" name="op" value=format!("delete_{kind}")/>
            <input type="hidden" name="id" value=id.to_string()/>
            <button type="submit" class="button" data-testid="own-delete">{lang.t(Msg::DedDelete)}</button>
        </form>
    }
}

/// The fields of a medicine form, prefilled from `m` (`prefix` keeps ids unique).
fn medicine_fields(prefix: String, m: Option<&OwnMedicine>, lang: Lang) -> impl IntoView {
    let id = |f: &str| format!("{prefix}-{f}");
    let v = |f: fn(&OwnMedicine) -> String| m.map(f).unwrap_or_default();
    let checked = m.is_some_and(|m| m.self_medication);
    view! {
        <label for=id("name")>{lang.o(O::FieldName)}</label>
        <input id=id("name") name="name" required maxlength="100" value=v(|m| m.name.clone())/>
        <label for=id("ingredient")>{lang.o(O::FieldIngredient)}</label>
        <input id=id("ingredient") name="ingredient" maxlength="100" value=v(|m| m.ingredient.clone())/>
        <label for=id("from")>{lang.o(O::FieldFrom)}</label>
        <input id=id("from") name="from" type="date" required value=v(|m| m.from.to_string())/>
        <label for=id("to")>{lang.o(O::FieldTo)}</label>
        <input id=id("to") name="to" type="date" value=v(|m| m.to.map(|d| d.to_string()).unwrap_or_default())/>
        <label for=id("bought-at")>{lang.o(O::FieldBoughtAt)}</label>
        <input id=id("bought-at") name="bought_at" maxlength="100" value=v(|m| m.bought_at.clone())/>
        <label for=id("price")>{lang.o(O::FieldPrice)}</label>
        <input id=id("price") name="price" inputmode="numeric" value=v(|m| m.price.map(|p| p.0.to_string()).unwrap_or_default())/>
        <label class="ded-check" for=id("selfmed")>
            <input id=id("selfmed") type="checkbox" name="self_medication" value="1" checked=checked/>
            {lang.o(O::FieldSelfMed)}
        </label>
    }
}

fn allergy_fields(prefix: String, a: Option<&Allergy>, lang: Lang) -> impl IntoView {
    let id = |f: &str| format!("{prefix}-{f}");
    let current = a.map(|a| a.severity).unwrap_or(Severity::Unknown);
    let options = Severity::ALL
        .into_iter()
        .map(|s| view! { <option value=s.code() selected=s == current>{severity_label(s, lang)}</option> })
        .collect_view();
    view! {
        <label for=id("substance")>{lang.o(O::FieldSubstance)}</label>
        <input id=id("substance") name="substance" required maxlength="100" value=a.map(|a| a.substance.clone()).unwrap_or_default()/>
        <label for=id("reaction")>{lang.o(O::FieldReaction)}</label>
        <input id=id("reaction") name="reaction" maxlength="200" value=a.map(|a| a.reaction.clone()).unwrap_or_default()/>
        <label for=id("since")>{lang.o(O::FieldSince)}</label>
        <input id=id("since") name="since" type="date" value=a.and_then(|a| a.since).map(|d| d.to_string()).unwrap_or_default()/>
        <label for=id("severity")>{lang.o(O::FieldSeverity)}</label>
        <select id=id("severity") name="severity">{options}</select>
    }
}

fn memo_fields(
    prefix: String,
    m: Option<&DrugMemo>,
    dispensings: &[(NaiveDate, String)],
    lang: Lang,
) -> impl IntoView {
    let id = |f: &str| format!("{prefix}-{f}");
    let current = m.map(|m| DrugMemo::key(m.dispensed_on, &m.dispenser));
    let mut keys: Vec<(String, String)> = dispensings
        .iter()
        .map(|(on, d)| {
            (
                DrugMemo::key(*on, d),
                format!("{} {d}", long_date(*on, lang)),
            )
        })
        .collect();
    // A memo's own dispensing stays choosable even when it left the 3-year window.
    if let (Some(m), Some(key)) = (m, &current) {
        if !keys.iter().any(|(k, _)| k == key) {
            keys.insert(
                0,
                (
                    key.clone(),
                    format!("{} {}", long_date(m.dispensed_on, lang), m.dispenser),
                ),
            );
        }
    }
    let options = keys
        .into_iter()
        .map(|(k, label)| {
            let selected = current.as_deref() == Some(k.as_str());
            view! { <option value=k selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <label for=id("dispensing")>{lang.o(O::FieldDispensing)}</label>
        <select id=id("dispensing") name="dispensing" required>{options}</select>
        <label for=id("memo")>{lang.o(O::FieldMemo)}</label>
        <textarea id=id("memo") name="memo" required maxlength="1000" rows="3">{m.map(|m| m.memo.clone()).unwrap_or_default()}</textarea>
    }
}

#[component]
fn MedicineForms(m: OwnMedicine) -> impl IntoView {
    let lang = use_lang();
    let prefix = format!("med-{}", m.id);
    view! {
        <details class="own-edit">
            <summary>{lang.o(O::Edit)}<span class="visually-hidden">{format!(": {}", m.name)}</span></summary>
            <form method="post" action="/own/edit" class="form" data-testid="own-edit-medicine">
                <input type="hidden" name="op" value="edit_medicine"/>
                <input type="hidden" name="id" value=m.id.to_string()/>
                {medicine_fields(prefix, Some(&m), lang)}
                <button type="submit" class="button">{lang.t(Msg::DedSave)}</button>
            </form>
            {delete_form("medicine", m.id, lang)}
        </details>
    }
}

#[component]
fn AllergyForms(a: Allergy) -> impl IntoView {
    let lang = use_lang();
    let prefix = format!("allergy-{}", a.id);
    view! {
        <details class="own-edit">
            <summary>{lang.o(O::Edit)}<span class="visually-hidden">{format!(": {}", a.substance)}</span></summary>
            <form method="post" action="/own/edit" class="form" data-testid="own-edit-allergy">
                <input type="hidden" name="op" value="edit_allergy"/>
                <input type="hidden" name="id" value=a.id.to_string()/>
                {allergy_fields(prefix, Some(&a), lang)}
                <button type="submit" class="button">{lang.t(Msg::DedSave)}</button>
            </form>
            {delete_form("allergy", a.id, lang)}
        </details>
    }
}

#[component]
fn MemoForms(m: DrugMemo, dispensings: Vec<(NaiveDate, String)>) -> impl IntoView {
    let lang = use_lang();
    let prefix = format!("memo-{}", m.id);
    view! {
        <details class="own-edit">
            <summary>{lang.o(O::Edit)}<span class="visually-hidden">{format!(": {}", long_date(m.dispensed_on, lang))}</span></summary>
            <form method="post" action="/own/edit" class="form" data-testid="own-edit-memo">
                <input type="hidden" name="op" value="edit_memo"/>
                <input type="hidden" name="id" value=m.id.to_string()/>
                {memo_fields(prefix, Some(&m), &dispensings, lang)}
                <button type="submit" class="button">{lang.t(Msg::DedSave)}</button>
            </form>
            {delete_form("memo", m.id, lang)}
        </details>
    }
}

/// The add forms of the 本人入力 page.
#[component]
pub fn AddMedicine() -> impl IntoView {
    let lang = use_lang();
    view! {
        <form method="post" action="/own/edit" class="form own-add" data-testid="own-add-medicine">
            <h3>{lang.o(O::AddMedicine)}</h3>
            <input type="hidden" name="op" value="add_medicine"/>
            {medicine_fields("med-new".into(), None, lang)}
            <button type="submit" class="button">{lang.t(Msg::DedAdd)}</button>
        </form>
    }
}

#[component]
pub fn AddAllergy() -> impl IntoView {
    let lang = use_lang();
    view! {
        <form method="post" action="/own/edit" class="form own-add" data-testid="own-add-allergy">
            <h3>{lang.o(O::AddAllergy)}</h3>
            <input type="hidden" name="op" value="add_allergy"/>
            {allergy_fields("allergy-new".into(), None, lang)}
            <button type="submit" class="button">{lang.t(Msg::DedAdd)}</button>
        </form>
    }
}

#[component]
pub fn AddMemo(dispensings: Vec<(NaiveDate, String)>) -> impl IntoView {
    let lang = use_lang();
    if dispensings.is_empty() {
        return view! { <p class="muted" data-testid="own-no-dispensings">{lang.o(O::NoDispensings)}</p> }.into_any();
    }
    view! {
        <form method="post" action="/own/edit" class="form own-add" data-testid="own-add-memo">
            <h3>{lang.o(O::AddMemo)}</h3>
            <input type="hidden" name="op" value="add_memo"/>
            {memo_fields("memo-new".into(), None, &dispensings, lang)}
            <button type="submit" class="button">{lang.t(Msg::DedAdd)}</button>
        </form>
    }
    .into_any()
}
