//! お薬の情報: the person header, a period chooser that lives in the URL (a GET form: works
//! without JavaScript, bookmarkable), and every field of every line, newest first. On a phone
//! the table reflows into one card per line (CSS only, the same HTML).

use crate::components::layout::use_lang;
use crate::components::record::{yen, PeriodChooser, PersonCard};
use crate::drugs::{load_drug_page, DrugPage, PeriodQuery};
use crate::i18n::{Lang, Msg};
use domain::drugs::DrugLine;
use domain::money::Yen;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;


#[component]
pub fn DrugsPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map().get_untracked();
    let query = PeriodQuery {
        preset: q.get("preset"),
        from: q.get("from"),
        to: q.get("to"),
    };
    let chosen = query.clone();
    view! {
        <Title text=lang.t(Msg::DrugsTitle)/>
        <h1>{lang.t(Msg::DrugsTitle)}</h1>
        <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>
            {Suspend::new(async move {
                match load_drug_page(query).await {
                    Ok(page) => view! { <DrugsBody page chosen=chosen.clone()/> }.into_any(),
                    Err(crate::error::AppError::NotFound) => view! {
                        <p class="card">{lang.t(Msg::HomeSignInPrompt)}" "<a href="/signin">{lang.t(Msg::SignIn)}</a></p>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DrugsBody(page: DrugPage, chosen: PeriodQuery) -> impl IntoView {
    let lang = use_lang();
    let savings = domain::drugs::total_savings(&page.lines).unwrap_or(Yen(0));
    let count = page.lines.len();
    let incomplete = page
        .incomplete
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(lang.t(Msg::ListSeparator));
    view! {
        <PersonCard person=page.person.clone() today=page.today/>
        <PeriodChooser chosen from=page.months.from().to_string() to=page.months.to().to_string()/>
        <section class="card" aria-labelledby="drug-list">
            <h2 id="drug-list">{format!("{} – {}", page.months.from(), page.months.to())}" "
                <span class="muted" data-testid="drug-count">{count}{lang.t(Msg::DrugsCount)}</span></h2>
            <p class="muted freshness" data-testid="freshness">
                {(!incomplete.is_empty()).then(|| format!("{}: {incomplete} ", lang.t(Msg::DrugsIncomplete)))}
                {lang.t(Msg::DrugsRetention)}
            </p>
            {if page.lines.is_empty() {
                view! { <p class="empty" data-testid="drugs-empty">{lang.t(Msg::DrugsNone)}</p> }.into_any()
            } else {
                view! {
                    <DrugTable lines=page.lines/>
                    <p class="muted">{lang.t(Msg::MarkLegend)}</p>
                }.into_any()
            }}
            {(savings.0 > 0).then(|| view! {
                <p class="savings" data-testid="savings-total">{lang.t(Msg::DrugsSavingsTotal)}": "<strong>{yen(savings)}</strong></p>
            })}
        </section>
    }
}

#[component]
fn DrugTable(lines: Vec<DrugLine>) -> impl IntoView {
    let lang = use_lang();
    let head = [
        Msg::DrugColDate,
        Msg::DrugColPlace,
        Msg::DrugColKind,
        Msg::DrugColName,
        Msg::DrugColUsage,
        Msg::DrugColSpecial,
        Msg::DrugColQuantity,
        Msg::DrugColCost,
    ];
    let th = head
        .iter()
        .map(|m| view! { <th scope="col">{lang.t(*m)}</th> })
        .collect_view();
    let rows = lines
        .into_iter()
        .map(|l| {
            let label = |m: Msg| lang.t(m);
            let (prescription, usage) = match lang {
                Lang::Ja => (l.prescription.label_ja(), l.usage.label_ja()),
                Lang::En => (l.prescription.label_en(), l.usage.label_en()),
            };
            let usage_text = [l.directions.clone(), l.daily_dose.clone(), l.single_dose.clone().map(|s| format!("{} {s}", lang.t(Msg::SingleDosePrefix)))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" / ");
            let cost = match (l.copay, l.savings) {
                (Some(c), Some(s)) => format!("{} / {}", yen(c), yen(s)),
                (Some(c), None) => yen(c),
                _ => String::new(),
            };
            let mark = l.mark.map(|m| {
                let text = match lang {
                    Lang::Ja => m.label_ja(),
                    Lang::En => m.label_en(),
                };
                view! { <span class="mark" title=text>{m.prefix()}<span class="visually-hidden">{text}</span></span> }
            });
            view! {
                <tr data-usage=serde_json::to_value(l.usage).ok().and_then(|v| v.as_str().map(str::to_owned))>
                    <td data-label=label(Msg::DrugColDate)>{crate::components::dates::long_date(l.dispensed_on, lang)}</td>
                    <td data-label=label(Msg::DrugColPlace)>{l.dispenser_name.clone()}</td>
                    <td data-label=label(Msg::DrugColKind)>{format!("{prescription}・{usage}")}</td>
                    <th scope="row" data-label=label(Msg::DrugColName)>{mark}{l.drug_name.clone()}
                        {l.ingredient.clone().map(|i| view! { <span class="muted">{lang.parenthesized(&i)}</span> })}</th>
                    <td data-label=label(Msg::DrugColUsage)>{usage_text}</td>
                    <td data-label=label(Msg::DrugColSpecial)>{l.special_instructions.clone()}</td>
                    <td data-label=label(Msg::DrugColQuantity)>{l.quantity.to_string()}</td>
                    <td data-label=label(Msg::DrugColCost)>{cost}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table drug-table" data-testid="drug-table">
                <thead><tr>{th}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
