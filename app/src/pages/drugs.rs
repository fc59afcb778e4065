//! お薬の情報: the person header, a period chooser that lives in the URL (a GET form: works
//! without JavaScript, bookmarkable), a filter, and either every line newest first (grouped
//! by dispensing: one card per 調剤日 and 薬局 on a phone, a dense table on a desktop — the
//! same HTML, CSS decides) or one row per ingredient with a timeline.

use crate::components::dates::long_date;
use crate::components::drug_filter::DrugFilter as DrugFilterIsland;
use crate::components::export::{PdfKind, PdfLink};
use crate::components::layout::use_lang;
use crate::components::own::{AllergyItem, MedicineItem, MemoItem};
use crate::components::record::{not_shown, yen, PeriodChooser, PersonCard};
use crate::drugs::{load_drug_page, usage_code, DrugFilter, DrugPage, DrugView, PeriodQuery};
use crate::i18n::own::Msg as O;
use crate::i18n::{Lang, Msg};
use crate::record::RecordQuery;
use chrono::NaiveDate;
use domain::drugs::{by_ingredient, search_fold, DrugLine, IngredientRow};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::sync::{Arc, Mutex, Weak};

#[component]
pub fn DrugsPage() -> impl IntoView {
    let lang = use_lang();
    let status = crate::error::PageStatus::here();
    let signed_in = crate::session::is_signed_in();
    let q = use_query_map().get_untracked();
    let RecordQuery {
        period: query,
        filter,
        view,
        ..
    } = RecordQuery::lenient(|key| q.get(key));
    let chosen = query.clone();
    view! {
        <Title text=lang.t(Msg::DrugsTitle)/>
        <h1>{lang.t(Msg::DrugsTitle)}</h1>
        <Suspense fallback=move || view! { <p role="status">{lang.t(Msg::Loading)}</p> }>
            {Suspend::new(async move {
                match load_drug_page(query).await {
                    Ok(page) => view! { <DrugsBody page chosen=chosen.clone() filter=filter.clone() view/> }.into_any(),
                    Err(crate::error::AppError::NotFound) => not_shown(lang, signed_in, &status),
                    Err(e) => { status.set_for(&e); view! {
                        <div class="card notice notice--error" role="alert" data-testid="drugs-error">
                            <p>{e.message(lang)}</p>{e.detail().map(|d| view! { <p class="muted" data-testid="error-detail">{d.to_owned()}</p> })}
                            <p><a href="/drugs">{lang.t(Msg::DrugsBackToDefault)}</a></p>
                        </div>
                    }.into_any() }
                }
            })}
        </Suspense>
    }
}

/// The query parameters that say which period is shown, to keep when the view or filter changes.
fn period_params(chosen: &PeriodQuery) -> Vec<(String, String)> {
    [
        ("preset", &chosen.preset),
        ("from", &chosen.from),
        ("to", &chosen.to),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k.to_owned(), v)))
    .collect()
}

fn query_string(params: &[(String, String)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::components::layout::percent_encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

#[component]
fn DrugsBody(
    page: DrugPage,
    chosen: PeriodQuery,
    filter: DrugFilter,
    view: DrugView,
) -> impl IntoView {
    let lang = use_lang();
    let savings = domain::drugs::total_savings(page.lines.iter()).unwrap_or_default();
    let total = page.lines.len();
    let ingredients = (view == DrugView::Ingredients).then(|| by_ingredient(&page.lines));
    // The filter counts what the view lists: lines, or ingredients.
    let (rows, shown, unit) = match &ingredients {
        Some(rows) => (
            rows.len(),
            rows.iter()
                .filter(|r| ingredient_matches(r, &filter))
                .count(),
            Msg::IngredientUnit,
        ),
        None => (
            total,
            page.lines.iter().filter(|l| filter.matches(l)).count(),
            Msg::DrugsCount,
        ),
    };
    let (from_label, to_label) = match page.days {
        Some(d) => (long_date(d.from(), lang), long_date(d.to(), lang)),
        None => (page.months.from().to_string(), page.months.to().to_string()),
    };
    let incomplete = page
        .incomplete
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(lang.t(Msg::ListSeparator));
    let as_of = match page.data_as_of {
        Some(d) => long_date(d, lang),
        None => lang.t(Msg::DataAsOfUnknown).to_owned(),
    };
    let period = period_params(&chosen);
    let tab = |v: DrugView, label: Msg| {
        let mut params = period.clone();
        if v == DrugView::Ingredients {
            params.push(("view".into(), v.code().into()));
        }
        view! {
            <a class="tab" href=format!("/drugs{}", query_string(&params))
                aria-current=(v == view).then_some("page")>{lang.t(label)}</a>
        }
    };
    let mut keep = period.clone();
    if view == DrugView::Ingredients {
        keep.push(("view".into(), view.code().into()));
    }
    let list = if page.lines.is_empty() {
        view! {
            <div class="empty" data-testid="drugs-empty">
                <p>{lang.t(Msg::DrugsNone)}</p>
                <p><a href="/drugs?preset=all_three_years">{lang.t(Msg::DrugsTryAllYears)}</a></p>
            </div>
        }
        .into_any()
    } else {
        let lines = page.lines;
        view! {
            {match view {
                DrugView::Lines => view! { <DrugTable lines filter=filter.clone()/> }.into_any(),
                DrugView::Ingredients => view! {
                    <IngredientTable rows=ingredients.clone().unwrap_or_default() filter=filter.clone() today=page.today/>
                }.into_any(),
            }}
            <p id="filter-empty" class="empty" hidden={shown > 0} data-testid="filter-empty">{lang.t(Msg::DrugsFilterNone)}</p>
            <p class="muted">{lang.t(Msg::MarkLegend)}</p>
        }
        .into_any()
    };
    let own = page.own.clone();
    let as_proxy = page.person.as_proxy;
    let period_from = page
        .days
        .map_or_else(|| page.months.from().to_string(), |d| d.from().to_string());
    let period_to = page
        .days
        .map_or_else(|| page.months.to().to_string(), |d| d.to().to_string());
    view! {
        <PersonCard person=page.person.clone() today=page.today/>
        <OwnAllergies own=own.clone() as_proxy/>
        <p class="page-actions">
            <PdfLink kind=PdfKind::Drugs from=page.months.from().to_string() to=page.months.to().to_string()/>
        </p>
        <PeriodChooser chosen from=page.days.map_or_else(|| page.months.from().to_string(), |d| d.from().to_string())
            to=page.days.map_or_else(|| page.months.to().to_string(), |d| d.to().to_string()) allow_days=true/>
        <section class="card" aria-labelledby="drug-list">
            <h2 id="drug-list">{format!("{from_label} – {to_label}")}" "
                <span class="muted" data-testid="drug-count">{total}{lang.t(Msg::DrugsCount)}</span></h2>
            <p class="muted freshness" data-testid="freshness">
                <span data-testid="data-as-of">{lang.t(Msg::DataAsOf)}": "{as_of}</span>" "
                {(!incomplete.is_empty()).then(|| view! { <span data-testid="incomplete">{format!("{}: {incomplete}", lang.t(Msg::DrugsIncomplete))}</span>" " })}
                <span>{lang.t(Msg::DrugsRetention)}</span>
            </p>
            <nav class="tabs" aria-label=lang.t(Msg::DrugsViewLabel)>
                {tab(DrugView::Lines, Msg::DrugsViewLines)}
                {tab(DrugView::Ingredients, Msg::DrugsViewIngredients)}
            </nav>
            {(total > 0).then(|| view! {
                <DrugFilterIsland lang usage=filter.usage.map(usage_code).unwrap_or_default() q=filter.q.clone()
                    total=rows shown unit=lang.t(unit).to_owned() keep/>
            })}
            {list}
            {(savings.0 > 0).then(|| view! {
                <p class="savings" data-testid="savings-total">{lang.t(Msg::DrugsSavingsTotal)}": "<strong>{yen(savings)}</strong></p>
            })}
        </section>
        <OwnMedicinesAndMemos own/>
        <NotebookCard from=period_from to=period_to/>
    }
}

/// お薬手帳 (JAHIS): the period's lines and the medicines current today as a file and as QR
/// codes (the image loads only when opened), and a pharmacy's data brought in as text or as a
/// photo of its QR code.
#[component]
fn NotebookCard(from: String, to: String) -> impl IntoView {
    let lang = use_lang();
    let period = format!("from={from}&to={to}");
    let file = format!("/api/v1/me/drugs/jahis?{period}");
    let current = format!("/api/v1/me/drugs/jahis?{period}&current=true");
    let qr = format!("/api/v1/me/drugs/jahis/qr?{period}");
    let qr_current = format!("/api/v1/me/drugs/jahis/qr?{period}&current=true");
    view! {
        <section class="card" aria-labelledby="notebook-heading" data-testid="notebook">
            <h2 id="notebook-heading">{lang.t(Msg::NotebookSection)}</h2>
            <p class="page-actions">
                <a class="button" href=file download="" data-testid="jahis-file">{lang.t(Msg::NotebookFile)}</a>" "
                <a class="button" href=current download="" data-testid="jahis-current">{lang.t(Msg::NotebookCurrentFile)}</a>
            </p>
            <details data-testid="jahis-qr">
                <summary>{lang.t(Msg::NotebookQr)}</summary>
                <p class="muted">{lang.t(Msg::NotebookQrHint)}</p>
                <img src=qr loading="lazy" alt=lang.t(Msg::NotebookQrAlt) class="qr" data-testid="jahis-qr-period"/>
                <p><a href=qr_current target="_blank" rel="noopener">{lang.t(Msg::NotebookQrCurrent)}</a></p>
            </details>
            <crate::pages::import::NotebookForm/>
            <crate::pages::import::QrImageForm/>
        </section>
    }
}

/// Allergies and side effects the person entered, above the claims so they are seen first;
/// with a link to add some when there are none (not for a proxy, who only reads).
#[component]
fn OwnAllergies(own: domain::own::OwnEntries, as_proxy: bool) -> impl IntoView {
    let lang = use_lang();
    if own.allergies.is_empty() {
        return (!as_proxy)
            .then(|| view! { <p class="page-actions"><a href="/own" data-testid="own-manage">{lang.o(O::Manage)}</a></p> })
            .into_any();
    }
    view! {
        <section class="card own-allergies" aria-labelledby="drugs-allergies" data-testid="drugs-allergies">
            <h2 id="drugs-allergies">{lang.o(O::AllergiesHeading)}</h2>
            <ul class="own-list">{own.allergies.into_iter().map(|a| view! { <AllergyItem a/> }).collect_view()}</ul>
            {(!as_proxy).then(|| view! { <p><a href="/own" data-testid="own-manage">{lang.o(O::Manage)}</a></p> })}
        </section>
    }
    .into_any()
}

/// OTC medicines and お薬手帳 memos the person entered, after the claims.
#[component]
fn OwnMedicinesAndMemos(own: domain::own::OwnEntries) -> impl IntoView {
    let lang = use_lang();
    if own.medicines.is_empty() && own.memos.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card" aria-labelledby="drugs-own" data-testid="drugs-own">
            <h2 id="drugs-own">{lang.o(O::Badge)}</h2>
            {(!own.medicines.is_empty()).then(|| view! {
                <h3>{lang.o(O::MedicinesHeading)}</h3>
                <ul class="own-list">{own.medicines.clone().into_iter().map(|m| view! { <MedicineItem m/> }).collect_view()}</ul>
            })}
            {(!own.memos.is_empty()).then(|| view! {
                <h3>{lang.o(O::MemosHeading)}</h3>
                <ul class="own-list">{own.memos.clone().into_iter().map(|m| view! { <MemoItem m/> }).collect_view()}</ul>
            })}
        </section>
    }
    .into_any()
}

/// The attributes the filter island reads: `data-usage` and the folded search text.
fn search_text(names: &[&str]) -> String {
    search_fold(&names.join(" "))
}

/// The table's columns: CSS class (phones label each cell with it) and heading.
const COLUMNS: [(&str, Msg); 8] = [
    ("c-date", Msg::DrugColDate),
    ("c-place", Msg::DrugColPlace),
    ("c-kind", Msg::DrugColKind),
    ("c-name", Msg::DrugColName),
    ("c-usage", Msg::DrugColUsage),
    ("c-special", Msg::DrugColSpecial),
    ("c-qty", Msg::DrugColQuantity),
    ("c-cost", Msg::DrugColCost),
];

/// The labels phones show above each cell of a drug card, as CSS generated from the i18n
/// layer (one rule per column and language) instead of a `data-label` on every cell: that
/// kept ~0.5 MB out of a three-year page.
pub fn label_css() -> String {
    let mut css = String::from("@media (max-width: 47.99rem) {\n");
    for lang in [Lang::Ja, Lang::En] {
        for (class, msg) in COLUMNS {
            let text = lang.t(msg).replace('\\', "\\\\").replace('"', "\\\"");
            css.push_str(&format!(
                "  html[lang=\"{}\"] .drug-table .{class}::before {{ content: \"{text}\"; }}\n",
                lang.tag()
            ));
        }
    }
    css.push_str("}\n");
    css
}

/// One `<tbody>` per dispensing (調剤日 and 薬局): a card on a phone, rows in one dense table
/// on a desktop. A three-year history is ~2,000 rows, so the rows are written straight into
/// one string (every text escaped by [`Html`]) rather than built as a view tree: the page
/// renders in a fraction of the time.
#[component]
fn DrugTable(lines: Arc<Vec<DrugLine>>, filter: DrugFilter) -> impl IntoView {
    let lang = use_lang();
    let html = cached_table_html(&lines, &filter, lang);
    #[cfg(feature = "ssr")]
    let html = crate::slots::defer(html);
    view! {
        <div class="table-wrap">
            <table class="table drug-table" data-testid="drug-table" inner_html=html></table>
        </div>
    }
}

/// Tables kept; the least recently used goes first (a three-year table is ~1.3 MB).
const TABLES_KEPT: usize = 8;

/// A rendered table and what it was rendered from: the very lines (the server's cache entry
/// for one person, period, day and record token: the same `Arc` while it stays current), the
/// language and the filter.
struct RenderedTable {
    lines: Weak<Vec<DrugLine>>,
    lang: Lang,
    filter: DrugFilter,
    html: Arc<str>,
    used: u64,
}

static TABLES: Mutex<(Vec<RenderedTable>, u64)> = Mutex::new((Vec::new(), 0));

/// [`drug_table_html`], rendered once per line-cache entry, language and filter. Identity is
/// the `Arc` itself: the entry's `Weak` keeps the allocation's address from being reused, so a
/// table is never served for other lines (a new import makes a new entry, hence a new `Arc`).
/// Entries whose lines are gone from the line cache are dropped.
fn cached_table_html(lines: &Arc<Vec<DrugLine>>, filter: &DrugFilter, lang: Lang) -> Arc<str> {
    let same = |t: &RenderedTable| {
        std::ptr::eq(t.lines.as_ptr(), Arc::as_ptr(lines)) && t.lang == lang && t.filter == *filter
    };
    {
        let mut guard = TABLES.lock().unwrap_or_else(|e| e.into_inner());
        let (tables, clock) = &mut *guard;
        *clock += 1;
        let now = *clock;
        if let Some(t) = tables.iter_mut().find(|t| same(t)) {
            t.used = now;
            return Arc::clone(&t.html);
        }
    }
    // Rendered outside the lock: another view may render the same table meanwhile (harmless).
    let html: Arc<str> = drug_table_html(lines, filter, lang).into();
    let mut guard = TABLES.lock().unwrap_or_else(|e| e.into_inner());
    let (tables, clock) = &mut *guard;
    *clock += 1;
    let used = *clock;
    tables.retain(|t| t.lines.strong_count() > 0 && !same(t));
    if tables.len() >= TABLES_KEPT {
        if let Some(oldest) = (0..tables.len()).min_by_key(|&i| tables[i].used) {
            tables.swap_remove(oldest);
        }
    }
    tables.push(RenderedTable {
        lines: Arc::downgrade(lines),
        lang,
        filter: filter.clone(),
        html: Arc::clone(&html),
        used,
    });
    html
}

pub fn drug_table_html(lines: &[DrugLine], filter: &DrugFilter, lang: Lang) -> String {
    let mut h = Html(String::with_capacity(400 * lines.len() + 1024));
    h.raw("<thead><tr>");
    for (class, msg) in COLUMNS {
        h.raw("<th scope=\"col\" class=\"");
        h.raw(class);
        h.raw("\">");
        h.text(lang.t(msg));
        h.raw("</th>");
    }
    h.raw("</tr></thead>");
    let folded_query = search_fold(filter.q.trim());
    let matches = |l: &DrugLine| {
        filter.usage.is_none_or(|u| u == l.usage) && domain::drugs::matches_search(l, &folded_query)
    };
    // Lines come newest first; each run of one 調剤日 and 薬局 is a group.
    let mut start = 0;
    while start < lines.len() {
        let first = &lines[start];
        let end = lines[start..]
            .iter()
            .position(|l| {
                l.dispensed_on != first.dispensed_on || l.dispenser_name != first.dispenser_name
            })
            .map_or(lines.len(), |n| start + n);
        let group = &lines[start..end];
        let shown: Vec<bool> = group.iter().map(matches).collect();
        h.raw("<tbody class=\"dispensing\" data-filter-group");
        if !shown.contains(&true) {
            h.raw(" hidden");
        }
        h.raw("><tr class=\"dispensing__head\"><th colspan=\"8\" scope=\"rowgroup\"><span class=\"dispensing__date\">");
        h.text(&long_date(first.dispensed_on, lang));
        h.raw("</span> <span class=\"dispensing__place\">");
        h.text(&first.dispenser_name);
        h.raw("</span></th></tr>");
        for (l, shown) in group.iter().zip(shown) {
            drug_row(&mut h, l, shown, lang);
        }
        h.raw("</tbody>");
        start = end;
    }
    h.0
}

fn drug_row(h: &mut Html, l: &DrugLine, shown: bool, lang: Lang) {
    let (prescription, usage) = match lang {
        Lang::Ja => (l.prescription.label_ja(), l.usage.label_ja()),
        Lang::En => (l.prescription.label_en(), l.usage.label_en()),
    };
    h.raw("<tr data-filter-row data-usage=\"");
    h.raw(l.usage.code());
    h.raw("\" data-search=\"");
    h.text(&search_text(&[
        &l.drug_name,
        l.ingredient.as_deref().unwrap_or_default(),
    ]));
    h.raw("\"");
    if !shown {
        h.raw(" hidden");
    }
    h.raw("><td class=\"c-date\">");
    h.text(&long_date(l.dispensed_on, lang));
    h.raw("</td><td class=\"c-place\">");
    h.text(&l.dispenser_name);
    h.raw("</td><td class=\"c-kind\">");
    h.text(prescription);
    h.text(lang.t(Msg::PairSeparator));
    h.text(usage);
    h.raw("</td><th scope=\"row\" class=\"c-name\">");
    if let Some(m) = l.mark {
        let text = match lang {
            Lang::Ja => m.label_ja(),
            Lang::En => m.label_en(),
        };
        h.raw("<span class=\"mark\" title=\"");
        h.text(text);
        h.raw("\">");
        h.text(&m.prefix());
        h.raw("<span class=\"visually-hidden\">");
        h.text(text);
        h.raw("</span></span>");
    }
    h.text(&l.drug_name);
    if let Some(i) = &l.ingredient {
        h.raw("<span class=\"muted\">");
        h.text(&lang.parenthesized(i));
        h.raw("</span>");
    }
    if l.claim.from_pharmacy_notebook() {
        h.raw(" <span class=\"self-mark\" data-testid=\"pharmacy-notebook\">");
        h.text(lang.t(Msg::PharmacyNotebookMark));
        h.raw("</span>");
    } else if l.claim.self_imported() {
        h.raw(" <span class=\"self-mark\" data-testid=\"self-imported\">");
        h.text(lang.t(Msg::SelfImportedMark));
        h.raw("</span>");
    }
    h.raw("</th><td class=\"c-usage\">");
    let single = l
        .single_dose
        .as_ref()
        .map(|s| format!("{} {s}", lang.t(Msg::SingleDosePrefix)));
    let parts = [
        l.directions.as_deref(),
        l.daily_dose.as_deref(),
        single.as_deref(),
    ];
    for (n, part) in parts.into_iter().flatten().enumerate() {
        if n > 0 {
            h.raw(" / ");
        }
        h.text(part);
    }
    h.raw("</td><td class=\"c-special\">");
    if let Some(s) = &l.special_instructions {
        h.text(s);
    }
    h.raw("</td><td class=\"c-qty\">");
    match lang {
        Lang::Ja => h.text(&l.quantity.to_string()),
        Lang::En => h.text(&format!(
            "{} {}",
            l.quantity.amount,
            l.quantity.unit.label_en()
        )),
    }
    h.raw("</td><td class=\"c-cost\">");
    match (l.copay, l.savings) {
        (Some(c), Some(s)) => h.text(&format!("{} / {}", yen(c), yen(s))),
        (Some(c), None) => h.text(&yen(c)),
        _ => {}
    }
    h.raw("</td></tr>");
}

/// HTML written by hand: `raw` for our own markup, `text` for anything else (escaped for
/// both element content and quoted attribute values).
struct Html(String);

impl Html {
    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    fn text(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                c => self.0.push(c),
            }
        }
    }
}

/// The folded text the search looks in for an ingredient: its name and its product names.
fn ingredient_search(row: &IngredientRow) -> String {
    let mut names: Vec<&str> = row.drug_names.iter().map(String::as_str).collect();
    names.push(&row.ingredient);
    search_text(&names)
}

fn ingredient_matches(row: &IngredientRow, filter: &DrugFilter) -> bool {
    filter.usage.is_none_or(|u| u == row.usage)
        && (filter.q.is_empty() || ingredient_search(row).contains(&search_fold(filter.q.trim())))
}

/// Distinct colours for up to six dispensers; the legend names them in text, so colour never
/// carries the meaning alone.
const SWATCHES: [&str; 6] = [
    "#1d5fa8", "#b4541a", "#2e7d4f", "#7b3fa0", "#a3243c", "#4d5b6a",
];

/// One row per ingredient: the product names, 使用区分, when and where it was dispensed, and a
/// timeline over the period; a plain note where two prescribers' supplies overlap.
#[component]
fn IngredientTable(
    rows: Vec<IngredientRow>,
    filter: DrugFilter,
    today: NaiveDate,
) -> impl IntoView {
    let lang = use_lang();
    let start = rows
        .iter()
        .map(IngredientRow::first_day)
        .min()
        .unwrap_or(today);
    let end = rows
        .iter()
        .map(IngredientRow::last_day)
        .max()
        .unwrap_or(today)
        .max(start);
    let span_days = ((end - start).num_days() + 1).max(1) as f64;
    let items = rows
        .into_iter()
        .map(|row| {
            let usage_label = match lang {
                Lang::Ja => row.usage.label_ja(),
                Lang::En => row.usage.label_en(),
            };
            let names: Vec<&str> = row.drug_names.iter().map(String::as_str).collect();
            let search = ingredient_search(&row);
            let shown = ingredient_matches(&row, &filter);
            let dispensers = row.dispensers().into_iter().map(str::to_owned).collect::<Vec<_>>();
            let colour = |name: &str| {
                let i = dispensers.iter().position(|d| d == name).unwrap_or(0);
                SWATCHES[i % SWATCHES.len()]
            };
            let bars = row
                .dispensings
                .iter()
                .map(|d| {
                    let x = (d.from - start).num_days() as f64 / span_days * 1000.0;
                    let w = (((d.to - d.from).num_days() + 1) as f64 / span_days * 1000.0).max(4.0);
                    let title = format!("{} – {} {}", long_date(d.from, lang), long_date(d.to, lang), d.dispenser);
                    view! {
                        <rect x=format!("{x:.1}") y="2" width=format!("{w:.1}") height="16" rx="2" fill=colour(&d.dispenser)>
                            <title>{title}</title>
                        </rect>
                    }
                })
                .collect_view();
            let legend = dispensers
                .iter()
                .map(|name| {
                    let count = row.dispensings.iter().filter(|d| &d.dispenser == name).count();
                    view! {
                        <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill=colour(name)/></svg>
                            {format!("{name}{}", lang.parenthesized(&format!("{count}{}", lang.t(Msg::IngredientTimes))))}</li>
                    }
                })
                .collect_view();
            let overlap = row.overlap.as_ref().map(|o| {
                let part = |d: &domain::drugs::Dispensing| {
                    format!(
                        "{}{}",
                        d.dispenser,
                        lang.parenthesized(&format!("{} – {}", long_date(d.from, lang), long_date(d.to, lang)))
                    )
                };
                view! {
                    <p class="notice hint" data-testid="overlap-hint">
                        <strong>{lang.t(Msg::IngredientOverlapTitle)}</strong>" "
                        {format!("{}{}{}. ", part(&o.first), lang.t(Msg::ListSeparator), part(&o.second))}
                        {lang.t(Msg::IngredientOverlapAdvice)}
                    </p>
                }
            });
            let period = format!(
                "{} – {}",
                long_date(row.first_day(), lang),
                long_date(row.last_day(), lang)
            );
            let aria = format!("{}: {period}", row.ingredient);
            view! {
                <li class="ingredient" data-filter-row data-usage=usage_code(row.usage) data-search=search hidden=!shown
                    data-testid="ingredient-row">
                    <div class="ingredient__head">
                        <h3 class="ingredient__name">{row.ingredient.clone()}</h3>
                        <span class="muted">{usage_label}" · "{period}</span>
                    </div>
                    <p class="ingredient__products muted">{names.join(lang.t(Msg::ListSeparator))}</p>
                    <svg class="timeline" viewBox="0 0 1000 20" preserveAspectRatio="none" role="img" aria-label=aria>
                        <rect class="timeline__track" x="0" y="9" width="1000" height="2"/>
                        {bars}
                    </svg>
                    <ul class="ingredient__legend">{legend}</ul>
                    {overlap}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="timeline-scale muted" aria-hidden="true">
            <span>{long_date(start, lang)}</span><span>{long_date(end, lang)}</span>
        </div>
        <ul class="ingredients" data-testid="ingredient-list">{items}</ul>
        <p class="muted">{lang.t(Msg::IngredientNote)}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hand_written_table_escapes_every_text() {
        let json = r#"{"claim":{"claim_id":"c1","person":"demo-sato","institution":"p1","service_month":"2025-01","accepted_on":"2025-02-10","sequence":1},
            "visible_from":"2025-02-11","dispensed_on":"2025-01-10","dispenser_name":"<b>薬局</b>","prescriber":"c1",
            "prescription":"out_of_house","usage":"oral","drug_name":"\"><script>alert(1)</script>","ingredient":"a&b",
            "receipt_code":null,"yj_code":null,"directions":"1日1回'朝'","daily_dose":null,"single_dose":null,
            "special_instructions":null,"quantity":{"amount":14,"unit":"days"},"mark":null,"copay":null,"savings":null}"#;
        let line: DrugLine = serde_json::from_str(json).expect("a drug line");
        let html = drug_table_html(&[line], &DrugFilter::default(), Lang::Ja);
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;b&gt;薬局&lt;/b&gt;"));
        assert!(html.contains("a&amp;b") && html.contains("1日1回&#39;朝&#39;"));
        assert_eq!(html.matches("<tr data-filter-row").count(), 1);
    }

    #[test]
    fn a_table_is_kept_for_the_same_lines_only() {
        let json = r#"{"claim":{"claim_id":"c1","person":"demo-sato","institution":"p1","service_month":"2025-01","accepted_on":"2025-02-10","sequence":1},
            "visible_from":"2025-02-11","dispensed_on":"2025-01-10","dispenser_name":"薬局","prescriber":"c1",
            "prescription":"out_of_house","usage":"oral","drug_name":"カロナール錠200","ingredient":null,
            "receipt_code":null,"yj_code":null,"directions":null,"daily_dose":null,"single_dose":null,
            "special_instructions":null,"quantity":{"amount":14,"unit":"days"},"mark":null,"copay":null,"savings":null}"#;
        let line: DrugLine = serde_json::from_str(json).expect("a drug line");
        let none = DrugFilter::default();
        let lines = Arc::new(vec![line.clone()]);
        let first = cached_table_html(&lines, &none, Lang::Ja);
        // The same lines, language and filter: the very same rendering.
        assert!(Arc::ptr_eq(
            &first,
            &cached_table_html(&lines, &none, Lang::Ja)
        ));
        assert_eq!(*first, *drug_table_html(&lines, &none, Lang::Ja));
        // Another language or filter: rendered for it.
        assert_eq!(
            *cached_table_html(&lines, &none, Lang::En),
            *drug_table_html(&lines, &none, Lang::En)
        );
        let filter = DrugFilter::from_query(None, Some("ロキソ"));
        assert!(cached_table_html(&lines, &filter, Lang::Ja).contains(" hidden"));
        // Equal but other lines (a new cache entry after an import): never the kept table.
        let mut changed = line;
        changed.drug_name = "ロキソニン錠60mg".into();
        let other = Arc::new(vec![changed]);
        let html = cached_table_html(&other, &none, Lang::Ja);
        assert!(
            html.contains("ロキソニン") && !html.contains("カロナール"),
            "{html}"
        );
        drop(lines);
        assert!(cached_table_html(&other, &none, Lang::Ja).contains("ロキソニン"));
    }

    #[test]
    fn label_css_names_every_column_in_both_languages() {
        let css = label_css();
        assert!(
            css.contains(r#"html[lang="ja"] .drug-table .c-qty::before { content: "調剤数量"; }"#),
            "{css}"
        );
        assert!(css.contains(r#"html[lang="en"] .drug-table .c-cost::before"#));
        assert_eq!(css.matches("::before").count(), 16);
    }
}
