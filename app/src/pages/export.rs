//! 書き出し: choose a period (the shared period chooser, a GET form that works without
//! JavaScript) and download each kind of record, or all in one report, as PDF.

use crate::components::export::{PdfKind, PdfLink};
use crate::components::layout::use_lang;
use crate::components::record::{not_shown, PeriodChooser, PersonCard};
use crate::export::{load_export_page, ExportPage, PeriodQuery};
use crate::i18n::{Lang, Msg};
use domain::access::AccessKind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ExportPageView() -> impl IntoView {
    let lang = use_lang();
    let status = crate::error::PageStatus::here();
    let signed_in = crate::session::is_signed_in();
    let q = use_query_map().get_untracked();
    let query = crate::record::RecordQuery::lenient(|key| q.get(key)).period;
    let chosen = query.clone();
    view! {
        <Title text=lang.t(Msg::NavExport)/>
        <h1>{lang.t(Msg::NavExport)}</h1>
        <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>
            {Suspend::new(async move {
                match load_export_page(query).await {
                    Ok(page) => view! { <ExportBody page chosen=chosen.clone()/> }.into_any(),
                    Err(crate::error::AppError::NotFound) => not_shown(lang, signed_in, &status),
                    Err(e) => { status.set_for(&e); view! { <p class="error" role="alert">{e.message(lang)}</p>{e.detail().map(|d| view! { <p class="muted" data-testid="error-detail">{d.to_owned()}</p> })} }.into_any() }
                }
            })}
        </Suspense>
    }
}

fn month_label(lang: Lang, m: domain::period::YearMonth) -> String {
    match lang {
        Lang::Ja => m.label_ja(),
        Lang::En => m.label_en(),
    }
}

#[component]
fn ExportBody(page: ExportPage, chosen: PeriodQuery) -> impl IntoView {
    let lang = use_lang();
    let from = page.months.from().to_string();
    let to = page.months.to().to_string();
    let period = format!(
        "{} – {}",
        month_label(lang, page.months.from()),
        month_label(lang, page.months.to())
    );
    let may = |k: AccessKind| page.kinds.contains(&k);
    let kinds: Vec<PdfKind> = [
        (PdfKind::Drugs, may(AccessKind::Drugs)),
        (PdfKind::Checkups, may(AccessKind::Checkups)),
        (PdfKind::Expenses, may(AccessKind::Expenses)),
        (PdfKind::Report, true),
    ]
    .into_iter()
    .filter_map(|(k, ok)| ok.then_some(k))
    .collect();
    let items = kinds
        .into_iter()
        .map(|kind| {
            let note = match kind {
                PdfKind::Checkups => lang.t(Msg::ExportCheckupsNote).to_owned(),
                _ => format!("{}: {period}", lang.t(Msg::ExportChosenPeriod)),
            };
            view! {
                <li class="export-item">
                    <div>
                        <strong>{lang.t(kind.title())}</strong>
                        <p class="muted">{note}</p>
                    </div>
                    <PdfLink kind from=from.clone() to=to.clone()/>
                </li>
            }
        })
        .collect_view();
    view! {
        <p>{lang.t(Msg::ExportIntro)}</p>
        <PersonCard person=page.person.clone() today=page.today/>
        <PeriodChooser chosen from=from.clone() to=to.clone()/>
        <section class="card" aria-labelledby="export-list">
            <h2 id="export-list">{lang.t(Msg::PdfSave)}" "<span class="muted" data-testid="export-period">{period.clone()}</span></h2>
            <ul class="export-list" data-testid="export-list">{items}</ul>
            <p class="muted">{lang.t(Msg::ExportAudited)}</p>
        </section>
    }
}
