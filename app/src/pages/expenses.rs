//! 医療費通知情報: the person header, the period chooser (a GET form in the URL), an optional
//! household view, the totals (period, 年間の合計 with the deduction export, per institution, per
//! 診療区分), a monthly bar chart drawn on the server as SVG with a table beside it, every line
//! newest first, and what the numbers are and are not. No JavaScript needed; on a phone the
//! tables reflow into one card per row (CSS only, the same HTML).

use crate::components::dates::long_date;
use crate::components::export::{PdfKind, PdfLink};
use crate::components::layout::use_lang;
use crate::components::record::{not_shown, yen, PeriodChooser, PersonCard};
use crate::error::AppError;
use crate::expenses::{load_expense_page, BarChart, ExpensePage, ExpenseQuery, PeriodQuery};
use crate::i18n::{Lang, Msg};
use domain::expenses::{ExpenseLine, ExpenseTotals, MonthTotal, ServiceCategory, YearTotal};
use domain::period::YearMonth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn month_label(m: YearMonth, lang: Lang) -> String {
    match lang {
        Lang::Ja => m.label_ja(),
        Lang::En => m.label_en(),
    }
}

fn category_label(c: &ServiceCategory, lang: Lang) -> String {
    match lang {
        Lang::Ja => c.label_ja().to_owned(),
        Lang::En => c.label_en().to_owned(),
    }
}

/// An SVG coordinate, short.
fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// The ※1 mark next to every 窓口負担相当額, pointing at the note on how it is computed.
fn note_ref(lang: Lang) -> impl IntoView {
    view! { <a class="note-ref" href="#note-rounding">{lang.t(Msg::ExpensesNoteMark)}</a> }
}

#[component]
pub fn ExpensesPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map().get_untracked();
    let crate::record::RecordQuery {
        period, household, ..
    } = crate::record::RecordQuery::lenient(|key| q.get(key));
    let query = ExpenseQuery {
        period: period.clone(),
        household,
    };
    let signed_in = crate::session::is_signed_in();
    let status = crate::error::PageStatus::here();
    view! {
        <Title text=lang.t(Msg::ExpensesTitle)/>
        <h1>{lang.t(Msg::ExpensesTitle)}</h1>
        <p class="muted">{lang.t(Msg::ExpensesIntro)}</p>
        <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>
            {Suspend::new(async move {
                match load_expense_page(query).await {
                    Ok(page) => view! { <ExpensesBody page=page chosen=period.clone()/> }.into_any(),
                    Err(AppError::NotFound) if signed_in => {
                        status.set(404);
                        view! {
                            <p class="card notice" data-testid="expenses-no-access">{lang.t(Msg::ExpensesNoAccess)}</p>
                        }.into_any()
                    }
                    Err(AppError::NotFound) => not_shown(lang, false, &status),
                    Err(AppError::BadInput(why)) => {
                        status.set(400);
                        view! {
                            <div class="card notice notice--error" role="alert" data-testid="expenses-error">
                                <p>{lang.t(Msg::ExpensesBadPeriod)}</p>
                                <p class="muted" data-testid="error-detail">{why}</p>
                                <p><a href="/expenses">{lang.t(Msg::ExpensesStartOver)}</a></p>
                            </div>
                        }.into_any()
                    }
                    Err(e) => { status.set_for(&e); view! {
                        <div class="card notice notice--error" role="alert" data-testid="expenses-error">
                            <p>{e.message(lang)}</p>
                            <p><a href="">{lang.t(Msg::ExpensesRetry)}</a></p>
                        </div>
                    }.into_any() }
                }
            })}
        </Suspense>
    }
}

#[component]
fn ExpensesBody(page: ExpensePage, chosen: PeriodQuery) -> impl IntoView {
    let lang = use_lang();
    let keep = if page.household {
        vec![("household", "1".to_owned())]
    } else {
        Vec::new()
    };
    let count = page.lines.len();
    let has_lines = count > 0;
    let labelled: Vec<(ExpenseLine, Option<String>)> = page
        .lines
        .iter()
        .map(|l| {
            (
                l.clone(),
                page.household
                    .then(|| page.whose(l).unwrap_or_default().to_owned()),
            )
        })
        .collect();
    let summary = page.summary.clone();
    let deduction_suffix = if page.household { "&household=1" } else { "" };
    let range = format!("{} – {}", page.months.from(), page.months.to());
    view! {
        <PersonCard person=page.person.clone() today=page.today/>
        <p class="page-actions">
            <PdfLink kind=PdfKind::Expenses from=page.months.from().to_string() to=page.months.to().to_string()/>
        </p>
        <PeriodChooser chosen=chosen.clone() from=page.months.from().to_string() to=page.months.to().to_string() keep=keep/>
        {(page.household_size > 1).then(|| view! { <HouseholdForm page=page.clone() chosen=chosen/> })}
        <section class="card" aria-labelledby="period-totals">
            <h2 id="period-totals">{lang.t(Msg::ExpensesTotalsHeading)}" "<span class="muted">{range.clone()}</span></h2>
            {if has_lines {
                view! { <PeriodTotals totals=summary.period/> }.into_any()
            } else {
                view! { <p class="empty" data-testid="expenses-empty">{lang.t(Msg::ExpensesNone)}</p> }.into_any()
            }}
            <Pending months=summary.incomplete.clone()/>
        </section>
        {has_lines.then(|| view! {
            <YearTotals years=summary.by_year.clone() suffix=deduction_suffix/>
            <MonthlyChart months=summary.by_month.clone()/>
            <section class="card" aria-labelledby="expense-list">
                <h2 id="expense-list">{lang.t(Msg::ExpensesLinesHeading)}" "<span class="muted">{range.clone()}" "
                    <span data-testid="expense-count">{count}{lang.t(Msg::ExpensesCount)}</span></span></h2>
                <LinesTable lines=labelled household=page.household/>
            </section>
            <GroupTotals
                id="by-institution"
                heading=Msg::ExpensesByInstitution
                name_col=Msg::ExpensesColInstitution
                rows=summary.by_institution.iter().map(|t| (t.institution_name.clone(), t.totals)).collect()
            />
            <GroupTotals
                id="by-category"
                heading=Msg::ExpensesByCategory
                name_col=Msg::ExpensesColCategory
                rows=summary.by_category.iter().map(|t| (category_label(&t.category, lang), t.totals)).collect()
            />
        })}
        <Notes/>
    }
}

/// The household checkbox: a GET form of its own that keeps the period.
#[component]
fn HouseholdForm(page: ExpensePage, chosen: PeriodQuery) -> impl IntoView {
    let lang = use_lang();
    let period_fields = match chosen.preset.clone() {
        Some(preset) => view! { <input type="hidden" name="preset" value=preset/> }.into_any(),
        None => view! {
            <input type="hidden" name="from" value=page.months.from().to_string()/>
            <input type="hidden" name="to" value=page.months.to().to_string()/>
        }
        .into_any(),
    };
    let names = page
        .shown
        .iter()
        .map(|m| lang.addressed(&m.name))
        .collect::<Vec<_>>()
        .join(lang.t(Msg::ListSeparator));
    view! {
        <form method="get" class="card household" data-testid="household-form">
            {period_fields}
            <label class="household__toggle">
                <input type="checkbox" name="household" value="1" checked=page.household/>
                {lang.t(Msg::ExpensesHouseholdToggle)}
            </label>
            <button type="submit" class="button">{lang.t(Msg::PeriodShow)}</button>
            <p class="muted">{lang.t(Msg::ExpensesHouseholdHint)}</p>
            {page.household.then(|| view! {
                <p data-testid="household-members">{lang.t(Msg::ExpensesHouseholdShowing)}": "{names}</p>
            })}
        </form>
    }
}

/// Which months of the period cannot be complete yet, and when each will be published.
#[component]
fn Pending(months: Vec<domain::expenses::PendingMonth>) -> impl IntoView {
    let lang = use_lang();
    if months.is_empty() {
        return view! {
            <p class="muted pending" data-testid="pending">{lang.t(Msg::ExpensesAllPublished)}</p>
        }
        .into_any();
    }
    let items = months
        .into_iter()
        .map(|p| {
            view! {
                <li data-month=p.month.to_string()>
                    <strong>{month_label(p.month, lang)}</strong>": "
                    {lang.t(Msg::ExpensesPendingOn)}" "{long_date(p.available_from, lang)}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="notice pending" data-testid="pending">
            <h3>{lang.t(Msg::ExpensesPendingHeading)}</h3>
            <p>{lang.t(Msg::ExpensesPendingIntro)}</p>
            <ul data-testid="pending-months">{items}</ul>
            <p class="muted">{lang.t(Msg::ExpensesRuleNote)}</p>
        </div>
    }
    .into_any()
}

/// The four amount cells of a row, right-aligned, each labelled for the phone layout.
fn amount_cells(t: &ExpenseTotals, lang: Lang) -> impl IntoView {
    view! {
        <td class="num" data-col="total" data-label=lang.t(Msg::ExpensesColTotal)>{yen(t.total)}</td>
        <td class="num" data-col="insurer" data-label=lang.t(Msg::ExpensesColInsurer)>{yen(t.insurer_paid)}</td>
        <td class="num" data-col="public" data-label=lang.t(Msg::ExpensesColPublic)>{yen(t.public_paid)}</td>
        <td class="num" data-col="patient" data-label=lang.t(Msg::ExpensesColPatient)>{yen(t.patient_paid)}</td>
    }
}

fn amount_heads(lang: Lang) -> impl IntoView {
    view! {
        <th scope="col" class="num">{lang.t(Msg::ExpensesColTotal)}</th>
        <th scope="col" class="num">{lang.t(Msg::ExpensesColInsurer)}</th>
        <th scope="col" class="num">{lang.t(Msg::ExpensesColPublic)}</th>
        <th scope="col" class="num">{lang.t(Msg::ExpensesColPatient)}{note_ref(lang)}</th>
    }
}

#[component]
fn LinesTable(lines: Vec<(ExpenseLine, Option<String>)>, household: bool) -> impl IntoView {
    let lang = use_lang();
    let rows = lines
        .into_iter()
        .map(|(l, whose)| {
            let totals = ExpenseTotals {
                lines: 1,
                days: u64::from(l.days),
                total: l.total,
                insurer_paid: l.insurer_paid,
                public_paid: l.public_paid,
                patient_paid: l.patient_paid,
            };
            view! {
                <tr data-person=l.claim.person.as_str().to_owned() data-month=l.service_month.to_string()>
                    {whose.map(|name| view! {
                        <td data-col="person" data-label=lang.t(Msg::ExpensesColPerson)>{name}</td>
                    })}
                    <td data-col="month" data-label=lang.t(Msg::ExpensesColMonth)>{month_label(l.service_month, lang)}</td>
                    <td data-col="category" data-label=lang.t(Msg::ExpensesColCategory)>{category_label(&l.category, lang)}</td>
                    <th scope="row" data-col="institution" data-label=lang.t(Msg::ExpensesColInstitution)>{l.institution_name.clone()}
                        {l.claim.self_imported().then(|| view! { " "<span class="self-mark" data-testid="self-imported">{lang.t(Msg::SelfImportedMark)}</span> })}</th>
                    <td class="num" data-col="days" data-label=lang.t(Msg::ExpensesColDays)>{l.days}</td>
                    {amount_cells(&totals, lang)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table expense-table" data-testid="expense-table">
                <thead><tr>
                    {household.then(|| view! { <th scope="col">{lang.t(Msg::ExpensesColPerson)}</th> })}
                    <th scope="col">{lang.t(Msg::ExpensesColMonth)}</th>
                    <th scope="col">{lang.t(Msg::ExpensesColCategory)}</th>
                    <th scope="col">{lang.t(Msg::ExpensesColInstitution)}</th>
                    <th scope="col" class="num">{lang.t(Msg::ExpensesColDays)}</th>
                    {amount_heads(lang)}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn PeriodTotals(totals: ExpenseTotals) -> impl IntoView {
    let lang = use_lang();
    view! {
        <dl class="expense-sums" data-testid="period-totals">
            <div data-col="patient" class="expense-sums__key"><dt>{lang.t(Msg::ExpensesColPatient)}{note_ref(lang)}</dt><dd>{yen(totals.patient_paid)}</dd></div>
            <div data-col="total"><dt>{lang.t(Msg::ExpensesColTotal)}</dt><dd>{yen(totals.total)}</dd></div>
            <div data-col="insurer"><dt>{lang.t(Msg::ExpensesColInsurer)}</dt><dd>{yen(totals.insurer_paid)}</dd></div>
            <div data-col="public"><dt>{lang.t(Msg::ExpensesColPublic)}</dt><dd>{yen(totals.public_paid)}</dd></div>
            <div data-col="days"><dt>{lang.t(Msg::ExpensesColDays)}</dt><dd>{totals.days}</dd></div>
            <div data-col="lines"><dt>{lang.t(Msg::ExpensesColLines)}</dt><dd>{totals.lines}</dd></div>
        </dl>
    }
}

#[component]
fn YearTotals(years: Vec<YearTotal>, suffix: &'static str) -> impl IntoView {
    let lang = use_lang();
    // 2025年 / 2025 (the column heading is the unit in Japanese).
    let year_text = move |y: i32| match lang {
        Lang::Ja => format!("{y}{}", lang.t(Msg::ExpensesColYear)),
        Lang::En => y.to_string(),
    };
    let rows = years
        .into_iter()
        .map(|y| {
            let covered = if y.whole_year {
                lang.t(Msg::ExpensesWholeYear).to_owned()
            } else {
                format!(
                    "{} – {}",
                    month_label(y.covered.from(), lang),
                    month_label(y.covered.to(), lang)
                )
            };
            let href = format!("/deduction?year={}{suffix}", y.year);
            view! {
                <tr data-year=y.year.to_string() data-whole-year=y.whole_year.to_string()>
                    <th scope="row" data-col="year" data-label=lang.t(Msg::ExpensesColYear)>{year_text(y.year)}</th>
                    <td data-col="covered" data-label=lang.t(Msg::ExpensesColCovered)>{covered}
                        {(!y.whole_year).then(|| view! { <span class="muted block">{lang.t(Msg::ExpensesPartialYear)}</span> })}</td>
                    {amount_cells(&y.totals, lang)}
                    <td data-col="deduction"><a href=href data-testid="deduction-link">{year_text(y.year)}" "{lang.t(Msg::ExpensesDeductionLink)}</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="year-totals">
            <h2 id="year-totals">{lang.t(Msg::ExpensesYearsHeading)}</h2>
            <div class="table-wrap">
                <table class="table expense-table" data-testid="year-totals">
                    <thead><tr>
                        <th scope="col">{lang.t(Msg::ExpensesColYear)}</th>
                        <th scope="col">{lang.t(Msg::ExpensesColCovered)}</th>
                        {amount_heads(lang)}
                        <th scope="col"><span class="visually-hidden">{lang.t(Msg::ExpensesDeductionLink)}</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Totals per institution or per 診療区分.
#[component]
fn GroupTotals(
    id: &'static str,
    heading: Msg,
    name_col: Msg,
    rows: Vec<(String, ExpenseTotals)>,
) -> impl IntoView {
    let lang = use_lang();
    let body = rows
        .into_iter()
        .map(|(name, t)| {
            let key = name.clone();
            view! {
                <tr data-name=key>
                    <th scope="row" data-col="name" data-label=lang.t(name_col)>{name}</th>
                    <td class="num" data-col="lines" data-label=lang.t(Msg::ExpensesColLines)>{t.lines}</td>
                    <td class="num" data-col="days" data-label=lang.t(Msg::ExpensesColDays)>{t.days}</td>
                    {amount_cells(&t, lang)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby=id>
            <h2 id=id>{lang.t(heading)}</h2>
            <div class="table-wrap">
                <table class="table expense-table" data-testid=id>
                    <thead><tr>
                        <th scope="col">{lang.t(name_col)}</th>
                        <th scope="col" class="num">{lang.t(Msg::ExpensesColLines)}</th>
                        <th scope="col" class="num">{lang.t(Msg::ExpensesColDays)}</th>
                        {amount_heads(lang)}
                    </tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}

/// One drawing of the chart; `size` names it (narrow or wide) for the CSS and the ids.
fn chart_svg(chart: BarChart, size: &'static str, desc: String, lang: Lang) -> impl IntoView {
    let (left, right_edge, top, bottom) = (chart.left, chart.width - 8.0, chart.top, chart.bottom);
    let grid = chart
        .ticks
        .iter()
        .map(|&(y, v)| {
            view! {
                <line x1=n(left) x2=n(right_edge) y1=n(y) y2=n(y) class="chart__grid"/>
                <text x=n(left - 6.0) y=n(y + 4.0) text-anchor="end" class="chart__axis">{yen(domain::money::Yen(v))}</text>
            }
        })
        .collect_view();
    let bars = chart
        .bars
        .iter()
        .map(|b| {
            let tip = format!("{}: {}", month_label(b.month, lang), yen(b.value));
            view! {
                <g data-month=b.month.to_string()>
                    <title>{tip}</title>
                    {b.incomplete.then(|| view! {
                        <rect x=n(b.slot_x + 0.5) y=n(top) width=n((b.slot_w - 1.0).max(0.5)) height=n(bottom - top) class="chart__pending"/>
                    })}
                    <rect x=n(b.x) y=n(b.y) width=n(b.w.max(0.5)) height=n(b.h) class="chart__bar"/>
                    {b.year_label.map(|y| view! {
                        <text x=n(b.slot_x) y=n(bottom + 18.0) class="chart__axis">{y}</text>
                    })}
                </g>
            }
        })
        .collect_view();
    let title_id = format!("chart-title-{size}");
    let desc_id = format!("chart-desc-{size}");
    let labelled_by = format!("{title_id} {desc_id}");
    view! {
        <svg viewBox=format!("0 0 {} {}", chart.width, chart.height) role="img"
            aria-labelledby=labelled_by class=format!("chart__svg chart__svg--{size}")
            data-size=size xmlns="http://www.w3.org/2000/svg">
            <title id=title_id>{lang.t(Msg::ExpensesChartHeading)}</title>
            <desc id=desc_id>{desc}</desc>
            {grid}
            {bars}
        </svg>
    }
}

/// 窓口負担相当額 per month as an SVG bar chart drawn on the server, with its numbers in a table
/// (inside `<details>`, which opens without JavaScript) and a text summary for screen readers.
#[component]
fn MonthlyChart(months: Vec<MonthTotal>) -> impl IntoView {
    let lang = use_lang();
    let highest = months
        .iter()
        .filter(|m| m.totals.patient_paid.0 > 0)
        .max_by_key(|m| (m.totals.patient_paid, std::cmp::Reverse(m.month)));
    let desc = format!(
        "{}{}{}",
        lang.t(Msg::ExpensesChartDesc),
        highest
            .map(|m| format!(
                " {}: {}{}",
                lang.t(Msg::ExpensesChartHighest),
                month_label(m.month, lang),
                lang.parenthesized(&yen(m.totals.patient_paid))
            ))
            .unwrap_or_default(),
        if months.iter().any(|m| m.incomplete) {
            format!(" {}", lang.t(Msg::ExpensesChartPendingLegend))
        } else {
            String::new()
        }
    );
    let table_rows = months
        .iter()
        .map(|m| {
            view! {
                <tr data-month=m.month.to_string()>
                    <th scope="row">{month_label(m.month, lang)}</th>
                    <td class="num" data-col="patient">{yen(m.totals.patient_paid)}</td>
                    <td>{m.incomplete.then(|| lang.t(Msg::ExpensesPendingHeading))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="chart-heading">
            <h2 id="chart-heading">{lang.t(Msg::ExpensesChartHeading)}{note_ref(lang)}</h2>
            <figure class="chart" data-testid="monthly-chart">
                {chart_svg(BarChart::of(&months, BarChart::NARROW), "narrow", desc.clone(), lang)}
                {chart_svg(BarChart::of(&months, BarChart::WIDE), "wide", desc.clone(), lang)}
                <figcaption class="muted">{desc}</figcaption>
            </figure>
            <details class="chart__table">
                <summary>{lang.t(Msg::ExpensesChartTable)}</summary>
                <table class="table" data-testid="chart-table">
                    <thead><tr>
                        <th scope="col">{lang.t(Msg::ExpensesColMonth)}</th>
                        <th scope="col" class="num">{lang.t(Msg::ExpensesColPatient)}</th>
                        <th scope="col">{lang.t(Msg::ExpensesChartNote)}</th>
                    </tr></thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </details>
        </section>
    }
}

/// What the numbers are and are not.
#[component]
fn Notes() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card notes" aria-labelledby="notes-heading" data-testid="expense-notes">
            <h2 id="notes-heading">{lang.t(Msg::ExpensesNotesHeading)}</h2>
            <ul>
                <li id="note-rounding">{lang.t(Msg::ExpensesNoteMark)}" "{lang.t(Msg::ExpensesRoundingNote)}</li>
                <li>{lang.t(Msg::ExpensesNotIncludedNote)}</li>
                <li>{lang.t(Msg::ExpensesRuleNote)}</li>
                <li>{lang.t(Msg::ExpensesSourceNote)}</li>
            </ul>
        </section>
    }
}
