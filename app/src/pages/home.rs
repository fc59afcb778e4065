//! ホーム: for a signed-in person, a dashboard of the person on screen — proxies' views since the
//! last sign-in, what arrived since then, medicines taken recently, the latest checkup's values
//! outside the bands, this year's costs with the deduction estimate, and how fresh each kind of
//! record is. Server-rendered HTML (no island): complete without JavaScript; sections stack on
//! a phone and sit two abreast on a desktop (CSS decides).

use crate::components::dates::long_date;
use crate::components::layout::use_lang;
use crate::components::record::{yen, PersonCard};
use crate::home::{
    load_dashboard, Block, Changes, CheckupBrief, CostBrief, Dashboard, FreshKind, Freshness,
    Movement, ProxyAccess, RecentMedicine,
};
use crate::i18n::home::Msg as H;
use crate::i18n::{Lang, Msg};
use crate::pages::checkups::{band_code, band_marker, band_short, kind_label, pick};
use crate::session::use_viewer;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let viewer = use_viewer();
    let linked = viewer.as_ref().is_some_and(|v| v.person_id.is_some());
    let greeting = viewer
        .as_ref()
        .and_then(|v| v.name.clone())
        .map(|name| lang.addressed(&name));
    if linked {
        let status = crate::error::PageStatus::here();
        return view! {
            <Title text=lang.h(H::Title)/>
            <h1>{lang.h(H::Title)}</h1>
            {greeting.map(|name| view! { <p class="lead" data-testid="greeting">{lang.t(Msg::SignedInAs)}": "{name}</p> })}
            <Suspense fallback=move || view! { <p role="status">{lang.t(Msg::Loading)}</p> }>
                {Suspend::new(async move {
                    match load_dashboard().await {
                        Ok(d) => view! { <DashboardBody d/> }.into_any(),
                        Err(e) => { status.set_for(&e); view! {
                            <p class="card notice notice--error" role="alert" data-testid="home-error">{e.message(lang)}</p>
                        }.into_any() }
                    }
                })}
            </Suspense>
        }
        .into_any();
    }
    view! {
        <Title text=lang.t(Msg::HomeTitle)/>
        <h1>{lang.t(Msg::HomeTitle)}</h1>
        <p class="lead">{lang.t(Msg::HomeIntro)}</p>
        {match greeting {
            Some(name) => view! { <p class="card" data-testid="greeting">{lang.t(Msg::SignedInAs)}": "{name}</p> }.into_any(),
            None => view! {
                <p class="card">{lang.t(Msg::HomeSignInPrompt)}" "<a href="/signin">{lang.t(Msg::SignIn)}</a></p>
            }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn DashboardBody(d: Dashboard) -> impl IntoView {
    let Dashboard {
        person,
        today,
        medicines,
        checkups,
        checkups_not_applicable,
        costs,
        freshness,
        changes,
        proxy_accesses,
        leaving,
    } = d;
    let name = person.name.clone();
    view! {
        <PersonCard person today/>
        {(!proxy_accesses.is_empty()).then(|| view! { <ProxyAlerts entries=proxy_accesses/> })}
        <div class="dashboard">
            {changes.map(|c| view! { <ChangesCard c/> })}
            <MedicinesCard block=medicines/>
            <CheckupCard block=checkups not_of_age=checkups_not_applicable name/>
            <CostCard block=costs/>
            <FreshnessCard rows=freshness/>
            {leaving.map(|l| view! { <LeavingCard l/> })}
        </div>
    }
}

/// A dashboard section: a card with a heading the section is labelled by.
fn section(id: &'static str, heading: &'static str, body: AnyView) -> impl IntoView {
    let heading_id = format!("home-{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="card dashboard__card" data-testid=format!("home-{id}") aria-labelledby=labelled_by>
            <h2 id=heading_id>{heading}</h2>
            {body}
        </section>
    }
}

fn not_granted(lang: Lang) -> AnyView {
    view! { <p class="muted" data-testid="not-granted">{lang.h(H::NotGranted)}</p> }.into_any()
}

#[component]
fn ProxyAlerts(entries: Vec<ProxyAccess>) -> impl IntoView {
    let lang = use_lang();
    let rows = entries
        .into_iter()
        .map(|e| {
            let report = if e.reported {
                view! { <span class="muted">{lang.t(Msg::AccessReported)}</span> }.into_any()
            } else {
                view! {
                    <form method="post" action=format!("/access/{}/report", e.id) class="inline-form">
                        <button type="submit" class="button">{lang.t(Msg::AccessNotMe)}</button>
                    </form>
                }
                .into_any()
            };
            view! {
                <tr data-action=e.action.clone()>
                    <td>{e.at}</td>
                    <td>{lang.addressed(&e.who)}</td>
                    <td>{lang.t(crate::pages::account::action_label(&e.action))}" "<span class="muted">{e.detail.render(lang)}</span></td>
                    <td>{report}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card notice dashboard__alert" role="region" data-testid="home-proxy-views" aria-labelledby="home-proxy-heading">
            <h2 id="home-proxy-heading">{lang.h(H::ProxyHeading)}</h2>
            <p>{lang.h(H::ProxyIntro)}</p>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{lang.t(Msg::AccessColWhen)}</th>
                            <th scope="col">{lang.t(Msg::AccessColWho)}</th>
                            <th scope="col">{lang.t(Msg::AccessColWhat)}</th>
                            <th scope="col"><span class="visually-hidden">{lang.t(Msg::AccessNotMe)}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p><a href="/access">{lang.h(H::ProxyAll)}</a></p>
        </section>
    }
}

/// Lines about to pass the 3-year window, with when they leave and a link to keep them.
#[component]
fn LeavingCard(l: crate::home::Leaving) -> impl IntoView {
    let lang = use_lang();
    let items = [
        (H::LeavingDrugLines, l.drug_lines, "/drugs"),
        (H::LeavingExpenseLines, l.expense_lines, "/expenses"),
    ]
    .into_iter()
    .filter(|(_, n, _)| *n > 0)
    .map(|(label, n, page)| {
        let href = format!("{page}?from={m}&to={m}", m = l.month);
        view! { <li><a href=href>{lang.h(label)}</a>": "{lang.count(n as i64)}</li> }
    })
    .collect_view();
    let export = format!("/export?from={m}&to={m}", m = l.month);
    let body = view! {
        <p>{lang.h(H::LeavingIntro)}": "<strong data-testid="leaving-on">{crate::components::dates::long_date(l.leaves_on, lang)}</strong>
            " ("{l.month.to_string()}")"</p>
        <ul data-testid="leaving-list">{items}</ul>
        <p><a href=export>{lang.h(H::LeavingExport)}</a></p>
    }
    .into_any();
    section("leaving", lang.h(H::LeavingHeading), body)
}

#[component]
fn ChangesCard(c: Changes) -> impl IntoView {
    let lang = use_lang();
    let body = match &c.since {
        None => view! { <p data-testid="changes-first">{lang.h(H::ChangesFirst)}</p> }.into_any(),
        Some(since) => {
            let items: Vec<(H, i64, &str)> = [
                (H::ChangesDrugLines, c.drug_lines, "/drugs"),
                (H::ChangesExpenseLines, c.expense_lines, "/expenses"),
                (H::ChangesCheckups, c.checkups, "/checkups"),
            ]
            .into_iter()
            .filter(|(_, n, _)| *n > 0)
            .collect();
            let list = if items.is_empty() {
                view! { <p data-testid="changes-none">{lang.h(H::ChangesNone)}</p> }.into_any()
            } else {
                let items = items
                    .into_iter()
                    .map(|(label, n, href)| {
                        view! {
                            <li><a href=href>{lang.h(label)}</a>": "{lang.count(n)}</li>
                        }
                    })
                    .collect_view();
                view! { <ul data-testid="changes-list">{items}</ul> }.into_any()
            };
            view! {
                <p class="muted">{lang.h(H::ChangesSince)}": "{since.clone()}</p>
                {list}
            }
            .into_any()
        }
    };
    section("changes", lang.h(H::ChangesHeading), body)
}

#[component]
fn MedicinesCard(block: Block<Vec<RecentMedicine>>) -> impl IntoView {
    let lang = use_lang();
    let body = match block {
        Block::NotGranted => not_granted(lang),
        Block::Shown(rows) if rows.is_empty() => view! {
            <p data-testid="meds-none">{lang.h(H::MedsNone)}</p>
            <p><a href="/drugs?preset=all_three_years">{lang.t(Msg::DrugsTryAllYears)}</a></p>
        }
        .into_any(),
        Block::Shown(rows) => {
            let rows = rows
                .into_iter()
                .map(|m| {
                    let left = match m.days_left {
                        Some(n) => lang.days_left(n),
                        None => lang.h(H::MedsNoneLeft).to_owned(),
                    };
                    view! {
                        <tr>
                            <th scope="row">{m.ingredient}</th>
                            <td>{m.drug_names.join(lang.t(Msg::ListSeparator))}</td>
                            <td>{long_date(m.last_dispensed, lang)}</td>
                            <td>{m.dispenser}</td>
                            <td data-testid="days-left">{left}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p class="muted">{lang.h(H::MedsIntro)}</p>
                <div class="table-wrap">
                    <table class="table" data-testid="meds-table">
                        <thead>
                            <tr>
                                <th scope="col">{lang.h(H::MedsColIngredient)}</th>
                                <th scope="col">{lang.h(H::MedsColNames)}</th>
                                <th scope="col">{lang.h(H::MedsColLast)}</th>
                                <th scope="col">{lang.h(H::MedsColDispenser)}</th>
                                <th scope="col">{lang.h(H::MedsColLeft)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <p class="muted">{lang.h(H::MedsNote)}</p>
                <p><a href="/drugs?view=ingredients">{lang.h(H::MedsMore)}</a></p>
            }
            .into_any()
        }
    };
    section("meds", lang.h(H::MedsHeading), body)
}

fn movement_label(m: Option<Movement>, lang: Lang) -> &'static str {
    match m {
        Some(Movement::Up) => lang.h(H::MoveUp),
        Some(Movement::Down) => lang.h(H::MoveDown),
        Some(Movement::Same) => lang.h(H::MoveSame),
        None => "",
    }
}

fn checkup_body(c: CheckupBrief, lang: Lang) -> AnyView {
    let title = format!(
        "{} {}{}",
        long_date(c.performed_on, lang),
        kind_label(c.kind, lang),
        lang.parenthesized(&c.institution_name)
    );
    let values = if c.outside.is_empty() {
        view! { <p data-testid="check-all-normal">{lang.h(H::CheckAllNormal)}</p> }.into_any()
    } else {
        let rows = c
            .outside
            .into_iter()
            .map(|v| {
                let band = v.band;
                let previous = match (pick_opt(lang, v.previous_ja, v.previous_en), v.previous_band) {
                    (Some(text), Some(b)) => view! {
                        <span class="value" data-band=band_code(b)>
                            <span class="marker" aria-hidden="true">{band_marker(b)}</span>" "{text}" "
                            <span class="band-label">{band_short(b, lang)}</span>
                        </span>
                    }
                    .into_any(),
                    (Some(text), None) => view! { <span>{text}</span> }.into_any(),
                    _ => view! { <span class="muted">{lang.h(H::CheckNoPrevious)}</span> }.into_any(),
                };
                view! {
                    <tr data-band=band_code(band)>
                        <th scope="row">{pick(lang, &v.label_ja, &v.label_en)}</th>
                        <td>
                            <span class="value" data-band=band_code(band)>
                                <span class="marker" aria-hidden="true">{band_marker(band)}</span>" "
                                {pick(lang, &v.value_ja, &v.value_en)}" "
                                <span class="band-label">{band_short(band, lang)}</span>
                            </span>
                        </td>
                        <td>{previous}</td>
                        <td>{movement_label(v.movement, lang)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p class="muted">{lang.h(H::CheckIntro)}</p>
            <div class="table-wrap">
                <table class="table" data-testid="check-outside">
                    <thead>
                        <tr>
                            <th scope="col">{lang.h(H::CheckColItem)}</th>
                            <th scope="col">{lang.h(H::CheckColLatest)}</th>
                            <th scope="col">{lang.h(H::CheckColPrevious)}
                                {c.previous_on.map(|d| lang.parenthesized(&long_date(d, lang)))}</th>
                            <th scope="col">{lang.h(H::CheckColMove)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <p data-testid="check-latest"><strong>{title}</strong></p>
        {values}
        <p><a href="/checkups">{lang.h(H::CheckMore)}</a></p>
    }
    .into_any()
}

fn pick_opt(lang: Lang, ja: Option<String>, en: Option<String>) -> Option<String> {
    match lang {
        Lang::Ja => ja,
        Lang::En => en.or(ja),
    }
}

#[component]
fn CheckupCard(
    block: Block<Option<CheckupBrief>>,
    not_of_age: bool,
    name: String,
) -> impl IntoView {
    let lang = use_lang();
    let body = match block {
        Block::NotGranted => not_granted(lang),
        Block::Shown(Some(c)) => checkup_body(c, lang),
        Block::Shown(None) if not_of_age => view! {
            <p data-testid="check-not-of-age">{lang.about(&name, lang.h(H::CheckNotOfAge))}</p>
        }
        .into_any(),
        Block::Shown(None) => view! {
            <p data-testid="check-none">{lang.h(H::CheckNone)}</p>
            <p><a href="/checkups">{lang.h(H::CheckMore)}</a></p>
        }
        .into_any(),
    };
    section("checkup", lang.h(H::CheckHeading), body)
}

#[component]
fn CostCard(block: Block<CostBrief>) -> impl IntoView {
    let lang = use_lang();
    let body = match block {
        Block::NotGranted => not_granted(lang),
        Block::Shown(c) => view! {
            <dl class="dashboard__figures">
                <div>
                    <dt>{lang.year(c.year)}" "{lang.h(H::CostPaid)}</dt>
                    <dd data-testid="cost-paid">{yen(c.paid)}<span class="muted">" · "{lang.count(c.lines as i64)}</span></dd>
                </div>
                <div>
                    <dt>{lang.h(H::CostEstimate)}</dt>
                    <dd data-testid="cost-estimate">{yen(c.estimate)}</dd>
                </div>
            </dl>
            {(!c.income_entered).then(|| view! { <p class="muted" data-testid="cost-assumed">{lang.h(H::CostAssumed)}</p> })}
            <p class="muted">{lang.h(H::CostNotFinal)}</p>
            <p><a href=format!("/deduction?year={}", c.year) data-testid="cost-workbench">{lang.h(H::CostWorkbench)}</a></p>
        }
        .into_any(),
    };
    section("costs", lang.h(H::CostHeading), body)
}

#[component]
fn FreshnessCard(rows: Vec<Freshness>) -> impl IntoView {
    let lang = use_lang();
    let rows = rows
        .into_iter()
        .map(|f| {
            let kind = lang.t(f.kind.title());
            let as_of = match f.as_of {
                Some(d) => long_date(d, lang),
                None => lang.h(H::FreshNoData).to_owned(),
            };
            let to_come = if f.kind == FreshKind::Checkups {
                lang.h(H::MedsNoneLeft).to_owned()
            } else if f.to_come.is_empty() {
                lang.h(H::FreshNothingToCome).to_owned()
            } else {
                f.to_come
                    .iter()
                    .map(|(m, on)| lang.month_expected(&m.to_string(), &long_date(*on, lang)))
                    .collect::<Vec<_>>()
                    .join(lang.t(Msg::ListSeparator))
            };
            view! {
                <tr data-kind=f.kind.code()>
                    <th scope="row">{kind}</th>
                    <td data-testid="fresh-as-of">{as_of}</td>
                    <td>{to_come}</td>
                </tr>
            }
        })
        .collect_view();
    let body = view! {
        <div class="table-wrap">
            <table class="table" data-testid="fresh-table">
                <thead>
                    <tr>
                        <th scope="col">{lang.h(H::FreshColKind)}</th>
                        <th scope="col">{lang.t(Msg::DataAsOf)}</th>
                        <th scope="col">{lang.h(H::FreshColToCome)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any();
    section("fresh", lang.h(H::FreshHeading), body)
}
