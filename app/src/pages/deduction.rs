//! 医療費控除: one tax year's lines (notices of the person and, if asked, the household, plus
//! receipts added by hand), both calculators side by side, and the exports. Every change is a
//! plain form posted to the server, which answers with a redirect back here (works without
//! JavaScript; the back button and reload never re-send a change).

use crate::components::layout::use_lang;
use crate::components::record::{not_shown, yen, PersonCard};
use crate::deduction::{load_deduction_page, DeductionPage, DeductionQuery};
use crate::i18n::{Lang, Msg};
use crate::notice::{Notice, NoticePage};
use domain::deduction::{DeductionChoice, DeductionLine, FormCategory, LineOrigin};
use domain::money::Yen;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn category_label(c: FormCategory, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => c.label_ja(),
        Lang::En => c.label_en(),
    }
}

#[component]
pub fn DeductionPage() -> impl IntoView {
    let lang = use_lang();
    let status = crate::error::PageStatus::here();
    let signed_in = crate::session::is_signed_in();
    let q = use_query_map().get_untracked();
    let parsed = crate::record::RecordQuery::lenient(|key| q.get(key));
    let query = DeductionQuery {
        year: parsed.year,
        household: parsed.household,
    };
    let found = Notice::read(
        NoticePage::Deduction,
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
        <Title text=lang.t(Msg::DeductionTitle)/>
        <h1>{lang.t(Msg::DeductionTitle)}</h1>
        {banner}
        <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>
            {Suspend::new(async move {
                match load_deduction_page(query).await {
                    Ok(page) => view! { <DeductionBody page/> }.into_any(),
                    Err(crate::error::AppError::NotFound) => not_shown(lang, signed_in, &status),
                    Err(e) => { status.set_for(&e); view! { <p class="error" role="alert">{e.message(lang)}</p>{e.detail().map(|d| view! { <p class="muted" data-testid="error-detail">{d.to_owned()}</p> })} }.into_any() }
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeductionBody(page: DeductionPage) -> impl IntoView {
    let lang = use_lang();
    view! {
        <PersonCard person=page.person.clone() today=page.today/>
        <section class="card">
            <p>{lang.t(Msg::DedIntro)}</p>
            <p class="muted">{lang.t(Msg::DedYearRule)}</p>
        </section>
        <YearChooser page=page.clone()/>
        {if page.editable {
            view! {
                <LinesCard page=page.clone()/>
                <AddLine page=page.clone()/>
                <Calculator page=page.clone()/>
            }.into_any()
        } else {
            // Read-only for a proxy without 医療費控除の編集: every control is disabled.
            view! {
                <p class="notice" role="status" data-testid="read-only">{lang.t(Msg::DedReadOnly)}</p>
                <fieldset class="ded-readonly" disabled>
                    <LinesCard page=page.clone()/>
                    <Calculator page=page.clone()/>
                </fieldset>
            }.into_any()
        }}
        <Exports page/>
    }
}

#[component]
fn YearChooser(page: DeductionPage) -> impl IntoView {
    let lang = use_lang();
    let options = page
        .years
        .iter()
        .map(|y| view! { <option value=y.to_string() selected=*y == page.year>{y.to_string()}</option> })
        .collect_view();
    view! {
        <form method="get" action="/deduction" class="card ded-year" data-testid="year-chooser">
            <label for="ded-year">{lang.t(Msg::DedYear)}</label>
            <select id="ded-year" name="year">{options}</select>
            {page.household_available.then(|| view! {
                <label class="ded-check">
                    <input type="checkbox" name="household" value="1" checked=page.household data-testid="household"/>
                    {lang.t(Msg::DedHousehold)}
                </label>
            })}
            <button type="submit" class="button">{lang.t(Msg::DedShow)}</button>
        </form>
    }
}

/// A small form that posts one change of one line.
fn line_target(line: &DeductionLine) -> impl IntoView {
    match &line.origin {
        LineOrigin::Notice { key, .. } => view! {
            <input type="hidden" name="person" value=line.person.as_ref().map(|p| p.to_string()).unwrap_or_default()/>
            <input type="hidden" name="key" value=key.as_str().to_owned()/>
        }
        .into_any(),
        LineOrigin::Manual { id } => view! { <input type="hidden" name="id" value=id.to_string()/> }.into_any(),
    }
}

#[component]
fn LinesCard(page: DeductionPage) -> impl IntoView {
    let lang = use_lang();
    let action = format!("/deduction/{}/edit", page.year);
    let household = if page.household { "1" } else { "" };
    let ticked: Vec<&DeductionLine> = page.lines.iter().filter(|l| l.included).collect();
    let total_paid = Yen(ticked.iter().map(|l| l.paid.0).sum());
    let total_reimbursed = Yen(ticked.iter().map(|l| l.reimbursed.0.min(l.paid.0)).sum());
    let count = ticked.len();
    let this_year = page
        .today
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(page.year);
    let rows = page
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let label = |m: Msg| lang.t(m);
            let (source, origin, key) = match &l.origin {
                LineOrigin::Notice { key, service_month, moved, .. } => {
                    let mut text = format!("{} {service_month}", lang.t(Msg::DedFromNotice));
                    if *moved {
                        text.push_str(lang.t(Msg::DedMoved));
                    }
                    (text, "notice", key.as_str().to_owned())
                }
                LineOrigin::Manual { id } => (lang.t(Msg::DedByHand).to_owned(), "manual", format!("m{id}")),
            };
            let december = matches!(&l.origin, LineOrigin::Notice { service_month, moved: false, .. }
                if domain::deduction::year::maybe_paid_next_year(*service_month));
            let unknown_category = matches!(&l.origin, LineOrigin::Notice { category, .. }
                if !FormCategory::of_service(category).1);
            let toggle = {
                let (op, text, state) = if l.included {
                    ("exclude", Msg::DedUntick, Msg::DedIncluded)
                } else {
                    ("include", Msg::DedTick, Msg::DedExcluded)
                };
                view! {
                    <span class="ded-state">{lang.t(state)}</span>
                    <form method="post" action=action.clone() class="inline-form">
                        <input type="hidden" name="op" value=op/>
                        <input type="hidden" name="household" value=household/>
                        {line_target(l)}
                        <button type="submit" class="button button--quiet" data-testid="toggle">{lang.t(text)}</button>
                    </form>
                }
            };
            let reimbursed_id = format!("ded-r-{i}");
            let reimbursed_value = if l.reimbursed.0 > 0 {
                l.reimbursed.0.to_string()
            } else {
                String::new()
            };
            let reimbursed = view! {
                <form method="post" action=action.clone() class="ded-inline">
                    <input type="hidden" name="op" value="reimbursed"/>
                    <input type="hidden" name="household" value=household/>
                    {line_target(l)}
                    <label class="visually-hidden" for=reimbursed_id.clone()>{lang.t(Msg::DedColReimbursed)}</label>
                    <input id=reimbursed_id type="text" inputmode="numeric" name="amount" size="8"
                        value=reimbursed_value/>
                    <button type="submit" class="button button--quiet">{lang.t(Msg::DedSave)}</button>
                </form>
            };
            let year_cell = match &l.origin {
                LineOrigin::Notice { service_month, .. } => {
                    let from = service_month.year();
                    let to = this_year.max(from + 1).min(from + domain::deduction::year::LATEST_PAYMENT_AFTER_YEARS);
                    let options = (from..=to)
                        .map(|y| view! { <option value=y.to_string() selected=y == page.year>{y.to_string()}</option> })
                        .collect_view();
                    let select_id = format!("ded-y-{i}");
                    view! {
                        <form method="post" action=action.clone() class="ded-inline">
                            <input type="hidden" name="op" value="move"/>
                            <input type="hidden" name="household" value=household/>
                            {line_target(l)}
                            <label class="visually-hidden" for=select_id.clone()>{lang.t(Msg::DedColYear)}</label>
                            <select id=select_id name="to">{options}</select>
                            <button type="submit" class="button button--quiet">{lang.t(Msg::DedMove)}</button>
                        </form>
                        {december.then(|| view! { <p class="muted ded-hint">{lang.t(Msg::DedDecember)}</p> })}
                    }
                    .into_any()
                }
                LineOrigin::Manual { .. } => view! {
                    <span>{page.year.to_string()}</span>
                    <form method="post" action=action.clone() class="inline-form">
                        <input type="hidden" name="op" value="delete"/>
                        <input type="hidden" name="household" value=household/>
                        {line_target(l)}
                        <button type="submit" class="button button--quiet">{lang.t(Msg::DedDelete)}</button>
                    </form>
                }
                .into_any(),
            };
            let class = if l.included { "ded-line" } else { "ded-line ded-line--excluded" };
            let self_med = l.self_medication.then(|| view! { <span class="muted">{lang.parenthesized(lang.t(Msg::DedSelfMed))}</span> });
            view! {
                <tr class=class data-origin=origin data-key=key data-included=l.included.to_string()>
                    <td data-label=label(Msg::DedColInclude)>{toggle}</td>
                    <td data-label=label(Msg::DedColWho)>{lang.addressed(&l.person_name)}</td>
                    <th scope="row" data-label=label(Msg::DedColPayee)>{l.payee.clone()}</th>
                    <td data-label=label(Msg::DedColCategory)>{category_label(l.category, lang)}{self_med}
                        {unknown_category.then(|| view! { <p class="muted ded-hint" data-testid="unknown-category">{lang.t(Msg::DedUnknownCategory)}</p> })}</td>
                    <td data-label=label(Msg::DedColPaid) class="num" data-testid="paid">{yen(l.paid)}</td>
                    <td data-label=label(Msg::DedColReimbursed)>{reimbursed}</td>
                    <td data-label=label(Msg::DedColSource)>{source}</td>
                    <td data-label=label(Msg::DedColYear)>{year_cell}</td>
                </tr>
            }
        })
        .collect_view();
    let head = [
        Msg::DedColInclude,
        Msg::DedColWho,
        Msg::DedColPayee,
        Msg::DedColCategory,
        Msg::DedColPaid,
        Msg::DedColReimbursed,
        Msg::DedColSource,
        Msg::DedColYear,
    ]
    .iter()
    .map(|m| view! { <th scope="col">{lang.t(*m)}</th> })
    .collect_view();
    let members = page
        .members
        .iter()
        .map(|m| lang.addressed(&m.name))
        .collect::<Vec<_>>()
        .join(lang.t(Msg::ListSeparator));
    view! {
        <section class="card" aria-labelledby="ded-lines">
            <h2 id="ded-lines">{format!("{} {}", page.year, lang.t(Msg::DedLinesHeading))}" "
                <span class="muted" data-testid="members">{members}</span></h2>
            <p class="muted">{lang.t(Msg::DedComputedNote)}</p>
            {if page.lines.is_empty() {
                view! { <p class="empty" data-testid="deduction-empty">{lang.t(Msg::DedNone)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table ded-table" data-testid="deduction-lines">
                            <thead><tr>{head}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <dl class="ded-totals" data-testid="line-totals">
                <div><dt>{lang.t(Msg::DedTicked)}</dt><dd data-testid="ticked-count">{count}{lang.t(Msg::DrugsCount)}</dd></div>
                <div><dt>{lang.t(Msg::DedTotalPaid)}</dt><dd data-testid="total-paid">{yen(total_paid)}</dd></div>
                <div><dt>{lang.t(Msg::DedTotalReimbursed)}</dt><dd data-testid="total-reimbursed">{yen(total_reimbursed)}</dd></div>
            </dl>
        </section>
    }
}

#[component]
fn AddLine(page: DeductionPage) -> impl IntoView {
    let lang = use_lang();
    let action = format!("/deduction/{}/edit", page.year);
    let household = if page.household { "1" } else { "" };
    let names = page
        .members
        .iter()
        .map(|m| view! { <option value=m.name.clone()></option> })
        .collect_view();
    let categories = FormCategory::ALL
        .into_iter()
        .map(|c| view! { <option value=c.code()>{category_label(c, lang)}</option> })
        .collect_view();
    let me = page
        .members
        .first()
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let (min, max) = (
        format!("{}-01-01", page.year),
        format!("{}-12-31", page.year),
    );
    view! {
        <form method="post" action=action class="card form ded-add" data-testid="add-line">
            <h2>{lang.t(Msg::DedAddHeading)}</h2>
            <p class="muted">{lang.t(Msg::DedAddIntro)}</p>
            <input type="hidden" name="op" value="add"/>
            <input type="hidden" name="household" value=household/>
            <label for="ded-who">{lang.t(Msg::DedFieldWho)}</label>
            <input id="ded-who" name="for_name" list="ded-members" value=me required maxlength="10"/>
            <datalist id="ded-members">{names}</datalist>
            <label for="ded-payee">{lang.t(Msg::DedFieldPayee)}</label>
            <input id="ded-payee" name="payee" required maxlength="20"/>
            <label for="ded-category">{lang.t(Msg::DedFieldCategory)}</label>
            <select id="ded-category" name="category">{categories}</select>
            <label for="ded-amount">{lang.t(Msg::DedFieldAmount)}</label>
            <input id="ded-amount" name="amount" inputmode="numeric" required/>
            <label for="ded-reimbursed">{lang.t(Msg::DedFieldReimbursed)}</label>
            <input id="ded-reimbursed" name="reimbursed" inputmode="numeric"/>
            <label for="ded-paid-on">{lang.t(Msg::DedFieldPaidOn)}</label>
            <input id="ded-paid-on" name="paid_on" type="date" min=min max=max/>
            <label class="ded-check"><input type="checkbox" name="self_medication" value="1"/>{lang.t(Msg::DedFieldSelfMed)}</label>
            <label for="ded-note">{lang.t(Msg::DedFieldNote)}</label>
            <input id="ded-note" name="note" maxlength="200"/>
            <button type="submit" class="button">{lang.t(Msg::DedAdd)}</button>
        </form>
    }
}

#[component]
fn Calculator(page: DeductionPage) -> impl IntoView {
    let lang = use_lang();
    let action = format!("/deduction/{}/edit", page.year);
    let household = if page.household { "1" } else { "" };
    let result = match page.summary {
        None => view! { <p class="muted" data-testid="income-needed">{lang.t(Msg::DedIncomeNeeded)}</p> }.into_any(),
        Some(s) => {
            let (larger, verdict) = match s.comparison.larger {
                DeductionChoice::Medical => ("medical", Msg::DedLargerMedical),
                DeductionChoice::SelfMedication => ("self_medication", Msg::DedLargerSelfMed),
                DeductionChoice::Equal => ("equal", Msg::DedEqual),
            };
            let m = s.medical;
            let o = s.self_medication;
            let medical_larger = larger == "medical";
            let otc_larger = larger == "self_medication";
            view! {
                <div class="ded-compare" data-testid="comparison" data-larger=larger>
                    <section class=if medical_larger { "ded-option ded-option--larger" } else { "ded-option" } data-testid="medical">
                        <h3>{lang.t(Msg::DedMedical)}</h3>
                        <dl>
                            <div><dt>{lang.t(Msg::DedCalcPaid)}</dt><dd>{yen(m.paid)}</dd></div>
                            <div><dt>{lang.t(Msg::DedCalcReimbursed)}</dt><dd>{"−"}{yen(m.reimbursed)}</dd></div>
                            <div><dt>{lang.t(Msg::DedCalcThreshold)}</dt><dd>{"−"}{yen(m.threshold)}</dd></div>
                            <div class="ded-amount"><dt>{lang.t(Msg::DedCalcAmount)}</dt><dd data-testid="medical-amount">{yen(m.amount)}</dd></div>
                        </dl>
                        <p class="muted">{lang.t(Msg::DedCalcCapMedical)}</p>
                    </section>
                    <section class=if otc_larger { "ded-option ded-option--larger" } else { "ded-option" } data-testid="self-medication">
                        <h3>{lang.t(Msg::DedSelfMed)}</h3>
                        <dl>
                            <div><dt>{lang.t(Msg::DedCalcOtcPaid)}</dt><dd>{yen(o.paid)}</dd></div>
                            <div><dt>{lang.t(Msg::DedCalcReimbursed)}</dt><dd>{"−"}{yen(o.reimbursed)}</dd></div>
                            <div><dt>{lang.t(Msg::DedCalcOtcFloor)}</dt><dd>{"−"}{yen(Yen(12_000))}</dd></div>
                            <div class="ded-amount"><dt>{lang.t(Msg::DedCalcAmount)}</dt><dd data-testid="self-medication-amount">{yen(o.amount)}</dd></div>
                        </dl>
                        <p class="muted">{lang.t(Msg::DedCalcCapSelfMed)}</p>
                    </section>
                </div>
                <p class="ded-verdict" data-testid="verdict"><strong>{lang.t(verdict)}</strong>
                    {(s.comparison.difference.0 > 0).then(|| format!("（{}: {}）", lang.t(Msg::DedDifference), yen(s.comparison.difference)))}</p>
                <p data-testid="only-one">{lang.t(Msg::DedOnlyOne)}</p>
            }
            .into_any()
        }
    };
    view! {
        <section class="card" aria-labelledby="ded-calc">
            <h2 id="ded-calc">{lang.t(Msg::DedIncomeHeading)}</h2>
            <form method="post" action=action class="form ded-income" data-testid="income-form">
                <input type="hidden" name="op" value="income"/>
                <input type="hidden" name="household" value=household/>
                <label for="ded-income">{lang.t(Msg::DedIncomeLabel)}</label>
                <input id="ded-income" name="income" inputmode="numeric" required
                    value=page.income.map(|y| y.0.to_string()).unwrap_or_default() aria-describedby="ded-income-help"/>
                <p id="ded-income-help" class="muted">{lang.t(Msg::DedIncomeHelp)}</p>
                <button type="submit" class="button">{lang.t(Msg::DedCalculate)}</button>
            </form>
            {result}
        </section>
    }
}

#[component]
fn Exports(page: DeductionPage) -> impl IntoView {
    let lang = use_lang();
    let query = if page.household { "?household=1" } else { "" };
    let xlsx = format!("/api/v1/me/deduction/{}.xlsx{query}", page.year);
    let csv = format!("/api/v1/me/deduction/{}.csv", page.year);
    let pdf = format!("/api/v1/me/deduction/{}.pdf{query}", page.year);
    let truncated = (!page.truncated.is_empty()).then(|| {
        let rows = page
            .truncated
            .iter()
            .map(|r| format!("No.{r}"))
            .collect::<Vec<_>>()
            .join(lang.t(Msg::ListSeparator));
        view! { <p class="muted" data-testid="truncated">{lang.t(Msg::DedTruncated)}": "{rows}</p> }
    });
    view! {
        <section class="card" aria-labelledby="ded-exports" data-testid="exports">
            <h2 id="ded-exports">{lang.t(Msg::DedExportsHeading)}</h2>
            {match page.form_error {
                Some(rows) => view! {
                    <p class="notice notice--error" role="alert" data-testid="form-error">
                        {format!("{rows}{}", lang.t(Msg::DrugsCount))}": "{lang.t(Msg::DedTooManyRows)}
                    </p>
                }.into_any(),
                None => view! {
                    <p><a class="button" href=xlsx download data-testid="export-xlsx">{lang.t(Msg::DedExportXlsx)}</a></p>
                }.into_any(),
            }}
            <p class="muted">{lang.t(Msg::DedExportXlsxHelp)}</p>
            {page.grouped.then(|| view! {
                <p class="notice" data-testid="form-grouped">{lang.t(Msg::DedGrouped)}</p>
            })}
            {truncated}
            <p><a href=csv download data-testid="export-csv">{lang.t(Msg::DedExportCsv)}</a></p>
            <p class="muted">{lang.t(Msg::DedExportCsvHelp)}</p>
            <p><a href=pdf download data-testid="export-pdf">{lang.t(Msg::DedExportPdf)}</a></p>
            <p class="muted">{lang.t(Msg::DedExportPdfHelp)}</p>
        </section>
    }
}
