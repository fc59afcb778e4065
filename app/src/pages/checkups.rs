//! 健診結果: the last five checkups side by side. Desktop: one table, a column per checkup and a
//! small trend per numeric item. Phone: one card per checkup with a picker (anchor links into a
//! scroll-snapped row: no JavaScript needed), then the trends. Each value carries its band as
//! text, colour and a symbol; an item's explanation and limits are one tap away (`<details>`).
//! Before the results: per insurer, whether results are registered, so an empty page says why.

use crate::checkups::{
    display_unit, load_checkup_page, trend_chart, Cell, CellState, CheckupColumn, CheckupPage,
    InsurerStatus, ItemRow, RowGroup,
};
use crate::components::dates::long_date;
use crate::components::export::{PdfKind, PdfLink};
use crate::components::layout::use_lang;
use crate::components::record::{not_shown, PersonCard};
use crate::i18n::{Lang, Msg};
use domain::checkups::{Band, CheckupKind, CheckupRegistration, ItemGroup};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CheckupsPage() -> impl IntoView {
    let lang = use_lang();
    let status = crate::error::PageStatus::here();
    let signed_in = crate::session::is_signed_in();
    view! {
        <Title text=lang.t(Msg::CheckupsTitle)/>
        <h1>{lang.t(Msg::CheckupsTitle)}</h1>
        <Suspense fallback=move || view! { <p>{lang.t(Msg::Loading)}</p> }>
            {Suspend::new(async move {
                match load_checkup_page().await {
                    Ok(page) => view! { <CheckupsBody page/> }.into_any(),
                    Err(crate::error::AppError::NotFound) => not_shown(lang, signed_in, &status),
                    Err(e) => { status.set_for(&e); view! { <p class="error" role="alert">{e.message(lang)}</p>{e.detail().map(|d| view! { <p class="muted" data-testid="error-detail">{d.to_owned()}</p> })} }.into_any() }
                }
            })}
        </Suspense>
    }
}

pub(crate) fn pick(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja.to_owned(),
        Lang::En => en.to_owned(),
    }
}

pub(crate) fn band_code(b: Band) -> &'static str {
    match b {
        Band::Normal => "normal",
        Band::Guidance => "guidance",
        Band::Referral => "referral",
    }
}

/// The symbol that carries the band without colour.
pub(crate) fn band_marker(b: Band) -> &'static str {
    match b {
        Band::Normal => "○",
        Band::Guidance => "△",
        Band::Referral => "▲",
    }
}

pub(crate) fn band_short(b: Band, lang: Lang) -> &'static str {
    lang.t(match b {
        Band::Normal => Msg::CheckupsBandNormal,
        Band::Guidance => Msg::CheckupsBandGuidance,
        Band::Referral => Msg::CheckupsBandReferral,
    })
}

pub(crate) fn kind_label(k: CheckupKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => k.label_ja(),
        Lang::En => k.label_en(),
    }
}

fn kind_code(k: CheckupKind) -> &'static str {
    match k {
        CheckupKind::SpecificHealthCheckup => "specific",
        CheckupKind::LateStageElderly => "late_stage",
    }
}

fn group_label(g: &RowGroup, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => g.label_ja,
        Lang::En => g.label_en,
    }
}

fn row_label(r: &ItemRow, lang: Lang) -> String {
    pick(lang, &r.label_ja, &r.label_en)
}

#[component]
fn CheckupsBody(page: CheckupPage) -> impl IntoView {
    let lang = use_lang();
    let view = page.view;
    let count = view.checkups.len();
    view! {
        <PersonCard person=page.person.clone() today=page.today/>
        {(count > 0).then(|| view! { <p class="page-actions"><PdfLink kind=PdfKind::Checkups/></p> })}
        <Registration insurers=view.insurers.clone()/>
        {if count == 0 {
            let young = domain::wareki::age_on(page.person.birth_date, page.today).is_some_and(|a| a < 40);
            view! {
                <div class="card">
                    <p class="empty" data-testid="checkups-empty">{lang.t(Msg::CheckupsNone)}</p>
                    {young.then(|| view! { <p class="muted" data-testid="checkups-age">{lang.t(Msg::CheckupsUnder40)}</p> })}
                </div>
            }.into_any()
        } else {
            let has_computed = view.groups.iter().flat_map(|g| &g.items).flat_map(|r| &r.values).any(|c| c.computed);
            let has_na = view.groups.iter().flat_map(|g| &g.items).flat_map(|r| &r.values).any(|c| c.state == CellState::NotApplicable);
            view! {
                <section class="card checkup-legend" aria-labelledby="checkup-legend">
                    <h2 id="checkup-legend">{lang.t(Msg::CheckupsLegendHeading)}</h2>
                    <p class="muted">{lang.t(Msg::CheckupsIntro)}</p>
                    <p>{lang.t(Msg::CheckupsLegendBands)}</p>
                    <p class="muted">{lang.t(Msg::CheckupsLegendTap)}</p>
                    {has_computed.then(|| view! { <p class="muted" data-testid="computed-note">{lang.t(Msg::CheckupsComputedNote)}</p> })}
                    {has_na.then(|| view! { <p class="muted">{lang.t(Msg::CheckupsNotApplicableNote)}</p> })}
                </section>
                <CheckupTable columns=view.checkups.clone() groups=view.groups.clone()/>
                <CheckupCards columns=view.checkups.clone() groups=view.groups.clone()/>
                <Trends columns=view.checkups groups=view.groups/>
            }.into_any()
        }}
    }
}

#[component]
fn Registration(insurers: Vec<InsurerStatus>) -> impl IntoView {
    let lang = use_lang();
    let items = insurers
        .into_iter()
        .map(|i| {
            let (code, text) = match i.registration {
                Some(CheckupRegistration::Registered { since }) => (
                    "registered",
                    match since {
                        Some(d) => format!(
                            "{} {}: {}",
                            lang.t(Msg::CheckupsRegistered),
                            lang.t(Msg::CheckupsRegisteredSince),
                            long_date(d, lang)
                        ),
                        None => lang.t(Msg::CheckupsRegistered).to_owned(),
                    },
                ),
                Some(CheckupRegistration::Expected { from }) => (
                    "expected",
                    format!(
                        "{}: {}",
                        lang.t(Msg::CheckupsExpected),
                        long_date(from, lang)
                    ),
                ),
                Some(CheckupRegistration::NotParticipating) => (
                    "not_participating",
                    lang.t(Msg::CheckupsNotParticipating).to_owned(),
                ),
                None => (
                    "unknown",
                    format!(
                        "{}: {}",
                        lang.t(Msg::CheckupsStatusUnknown),
                        long_date(i.due_by, lang)
                    ),
                ),
            };
            view! {
                <li data-insurer=i.insurer_number.clone() data-status=code>
                    <strong>{i.name.clone()}</strong>{lang.parenthesized(&i.insurer_number)}
                    <br/>{text}
                    <span class="muted">" "{lang.t(Msg::CheckupsShownCount)}": "{i.shown}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card checkup-registration" aria-labelledby="checkup-registration" data-testid="checkup-registration">
            <h2 id="checkup-registration">{lang.t(Msg::CheckupsRegistrationHeading)}</h2>
            <ul>{items}</ul>
        </section>
    }
}

/// One value: symbol, number or answer, unit, band in words; or why there is none.
fn cell_view(c: &Cell, lang: Lang) -> AnyView {
    match c.state {
        CellState::Absent => view! {
            <span class="cell-absent"><span aria-hidden="true">"—"</span><span class="visually-hidden">{lang.t(Msg::CheckupsAbsent)}</span></span>
        }.into_any(),
        CellState::NotApplicable => view! {
            <span class="cell-na" data-state="not_applicable">{lang.t(Msg::CheckupsNotApplicable)}</span>
        }.into_any(),
        CellState::Value => {
            let text = c.text(lang);
            let unit = c.display_unit();
            let title = c.method.map(|m| format!("{}: {m}", lang.t(Msg::CheckupsMethod)));
            let source = c.source.map(|s| match lang {
                Lang::Ja => s.label_ja(),
                Lang::En => s.label_en(),
            });
            view! {
                <span class="value" data-band=c.band.map(band_code) title=title>
                    {c.band.map(|b| view! { <span class="marker" aria-hidden="true">{band_marker(b)}</span> })}
                    <span class="value__text">{text}</span>
                    {unit.map(|u| view! { <span class="unit">" "{u}</span> })}
                    {c.band.map(|b| view! { <span class="band-label">{band_short(b, lang)}</span> })}
                    {c.computed.then(|| view! { <span class="computed" title=source data-testid="computed">{lang.t(Msg::CheckupsComputed)}</span> })}
                </span>
            }.into_any()
        }
    }
}

/// The item's name; a tap opens what it measures and its limits (works without JavaScript).
fn item_info(r: &ItemRow, lang: Lang) -> AnyView {
    let label = row_label(r, lang);
    let unit = r.unit.as_deref().map(display_unit);
    let explanation = match lang {
        Lang::Ja => r.explanation_ja,
        Lang::En => r.explanation_en,
    };
    let limits = r.limits.map(|l| {
        let line = |m: Msg, limit: Option<domain::checkups::Limit>| {
            limit.map(|l| {
                let v = match lang {
                    Lang::Ja => l.describe_ja(),
                    Lang::En => l.describe_en(),
                };
                let u = unit.clone().map(|u| format!(" {u}")).unwrap_or_default();
                view! { <li>{lang.t(m)}": "{v}{u}</li> }
            })
        };
        view! {
            <ul class="limits" data-testid="limits">
                {line(Msg::CheckupsGuidanceLimit, l.guidance)}
                {line(Msg::CheckupsReferralLimit, l.referral)}
            </ul>
        }
    });
    let no_limits = (r.limits.is_none() && r.unit.is_some())
        .then(|| view! { <p class="muted">{lang.t(Msg::CheckupsNoLimits)}</p> });
    let unknown = r.item.is_none();
    view! {
        <details class="item-info" data-code=r.code.clone()>
            <summary>
                {if unknown { view! { <code>{label}</code> }.into_any() } else { view! { <span>{label}</span> }.into_any() }}
                {unit.clone().map(|u| view! { <span class="unit muted">{lang.parenthesized(&u)}</span> })}
            </summary>
            <div class="item-info__body">
                {explanation.map(|e| view! { <p>{e}</p> })}
                {unknown.then(|| view! { <p>{lang.t(Msg::CheckupsUnknownItem)}</p> })}
                {limits}
                {no_limits}
            </div>
        </details>
    }
    .into_any()
}

/// A small SVG trend with the band areas behind the line, and its text alternative.
fn trend_svg(r: &ItemRow, columns: &[CheckupColumn], lang: Lang) -> Option<AnyView> {
    let chart = trend_chart(r)?;
    let points_text = chart
        .points
        .iter()
        .map(|p| {
            let c = &r.values[p.column];
            let band = c
                .band
                .map(|b| lang.parenthesized(band_short(b, lang)))
                .unwrap_or_default();
            format!(
                "{} {}{band}",
                long_date(columns[p.column].performed_on, lang),
                c.text_with_unit(lang)
            )
        })
        .collect::<Vec<_>>()
        .join(lang.t(Msg::ListSeparator));
    let alt = format!(
        "{}: {} — {points_text}",
        lang.t(Msg::CheckupsTrend),
        row_label(r, lang)
    );
    let areas = chart
        .areas
        .iter()
        .map(|a| view! {
            <rect x="0" y=format!("{:.1}", a.y) width=format!("{:.0}", chart.width) height=format!("{:.1}", a.height) class=format!("trend__band trend__band--{}", band_code(a.band))/>
        })
        .collect_view();
    let dots = chart
        .points
        .iter()
        .map(|p| view! {
            <circle cx=format!("{:.1}", p.x) cy=format!("{:.1}", p.y) r="2.6" class=format!("trend__dot trend__dot--{}", p.band.map(band_code).unwrap_or("none"))/>
        })
        .collect_view();
    let title = alt.clone();
    Some(view! {
        <svg class="trend" viewBox=format!("0 0 {} {}", chart.width, chart.height) width=format!("{}", chart.width) height=format!("{}", chart.height)
            role="img" aria-label=alt data-testid="trend">
            <title>{title}</title>
            {areas}
            <polyline class="trend__line" points=chart.polyline() fill="none"/>
            {dots}
        </svg>
    }.into_any())
}

fn column_head(c: &CheckupColumn, lang: Lang) -> impl IntoView {
    let age = c
        .age
        .map(|a| lang.parenthesized(&format!("{a}{}", lang.t(Msg::PersonAgeUnit))));
    view! {
        <span class=format!("kind kind--{}", kind_code(c.kind)) data-kind=kind_code(c.kind)>{kind_label(c.kind, lang)}</span>
        <span class="checkup-date"><time datetime=c.performed_on.to_string()>{long_date(c.performed_on, lang)}</time>{age}</span>
        <span class="checkup-place">{c.institution_name.clone()}</span>
        {c.imported_by_you.then(|| view! { " "<span class="self-mark" data-testid="self-imported">{lang.t(Msg::SelfImportedMark)}</span> })}
    }
}

#[component]
fn CheckupTable(columns: Vec<CheckupColumn>, groups: Vec<RowGroup>) -> impl IntoView {
    let lang = use_lang();
    let span = columns.len() + 2;
    let head = columns
        .iter()
        .map(|c| view! { <th scope="col" class="checkup-col">{column_head(c, lang)}</th> })
        .collect_view();
    let body = groups
        .iter()
        .map(|g| {
            let rows = g
                .items
                .iter()
                .map(|r| {
                    let cells = r
                        .values
                        .iter()
                        .map(|c| view! { <td data-band=c.band.map(band_code)>{cell_view(c, lang)}</td> })
                        .collect_view();
                    view! {
                        <tr data-item=r.code.clone()>
                            <th scope="row">{item_info(r, lang)}</th>
                            {cells}
                            <td class="trend-cell">{trend_svg(r, &columns, lang)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <tbody data-group=group_code(g.group)>
                    <tr class="group-row"><th scope="colgroup" colspan=span.to_string()>{group_label(g, lang)}</th></tr>
                    {rows}
                </tbody>
            }
        })
        .collect_view();
    view! {
        <section class="card checkups-desktop" aria-label=lang.t(Msg::CheckupsTitle)>
            <div class="table-wrap">
                <table class="table checkup-table" data-testid="checkup-table">
                    <thead><tr><th scope="col">{lang.t(Msg::CheckupsItem)}</th>{head}<th scope="col">{lang.t(Msg::CheckupsTrend)}</th></tr></thead>
                    {body}
                </table>
            </div>
        </section>
    }
}

fn group_code(g: ItemGroup) -> String {
    serde_json::to_value(g)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Phone: a picker (anchor links) and one card per checkup, newest first.
#[component]
fn CheckupCards(columns: Vec<CheckupColumn>, groups: Vec<RowGroup>) -> impl IntoView {
    let lang = use_lang();
    let order: Vec<usize> = (0..columns.len()).rev().collect();
    let picker = order
        .iter()
        .map(|&i| {
            let c = &columns[i];
            view! {
                <li><a class="picker-chip" href=format!("#checkup-{i}")>
                    <span class="picker-chip__date">{long_date(c.performed_on, lang)}</span>
                    <span class="picker-chip__kind">{kind_label(c.kind, lang)}</span>
                </a></li>
            }
        })
        .collect_view();
    let cards = order
        .iter()
        .map(|&i| {
            let c = &columns[i];
            let sections = groups
                .iter()
                .filter_map(|g| {
                    // Only what this checkup has: a 後期高齢者健診 card has no 腹囲 or judgement rows at all.
                    let items: Vec<_> = g.items.iter().filter(|r| r.values[i].state == CellState::Value).collect();
                    if items.is_empty() {
                        return None;
                    }
                    let rows = items
                        .into_iter()
                        .map(|r| view! {
                            <div class="card-item" data-item=r.code.clone()>
                                <dt>{item_info(r, lang)}</dt>
                                <dd data-band=r.values[i].band.map(band_code)>{cell_view(&r.values[i], lang)}</dd>
                            </div>
                        })
                        .collect_view();
                    Some(view! {
                        <h3>{group_label(g, lang)}</h3>
                        <dl class="card-items">{rows}</dl>
                    })
                })
                .collect_view();
            view! {
                <article class="card checkup-card" id=format!("checkup-{i}") data-testid="checkup-card" data-kind=kind_code(c.kind)
                    aria-labelledby=format!("checkup-{i}-title")>
                    <h2 id=format!("checkup-{i}-title") class="checkup-card__head">{column_head(c, lang)}</h2>
                    {sections}
                </article>
            }
        })
        .collect_view();
    view! {
        <section class="checkups-phone" aria-label=lang.t(Msg::CheckupsTitle)>
            <nav class="checkup-picker" aria-label=lang.t(Msg::CheckupsPicker)>
                <ul>{picker}</ul>
            </nav>
            <div class="checkup-cards" data-testid="checkup-cards">{cards}</div>
        </section>
    }
}

/// Phone: every numeric item's trend, once (the desktop table has them in its last column).
#[component]
fn Trends(columns: Vec<CheckupColumn>, groups: Vec<RowGroup>) -> impl IntoView {
    let lang = use_lang();
    let figures = groups
        .iter()
        .flat_map(|g| &g.items)
        .filter_map(|r| {
            let svg = trend_svg(r, &columns, lang)?;
            Some(view! {
                <figure class="trend-figure" data-item=r.code.clone()>
                    <figcaption>{row_label(r, lang)}{r.unit.as_deref().map(|u| lang.parenthesized(&display_unit(u)))}</figcaption>
                    {svg}
                </figure>
            })
        })
        .collect_view();
    view! {
        <section class="card checkup-trends" aria-labelledby="checkup-trends">
            <h2 id="checkup-trends">{lang.t(Msg::CheckupsTrendsHeading)}</h2>
            <div class="trend-grid">{figures}</div>
        </section>
    }
}
