//! Parts every record page shows: the person header and the period chooser.

use crate::components::layout::use_lang;
use crate::error::PageStatus;
use crate::i18n::{Lang, Msg};
use crate::record::{PeriodQuery, PersonHeader};
use domain::money::Yen;
use domain::period::Preset;
use leptos::prelude::*;

/// A record page the person on screen may not show (or nobody signed in): the 404 page when
/// signed in — the API answers 404 too, and neither says whether records exist — and the
/// sign-in prompt when signed out.
pub fn not_shown(lang: Lang, signed_in: bool, status: &PageStatus) -> AnyView {
    if signed_in {
        status.set(404);
        view! {
            <section class="card" data-testid="not-found">
                <h2>{lang.t(Msg::NotFoundTitle)}</h2>
                <p>{lang.t(Msg::NotFoundBody)}</p>
            </section>
        }
        .into_any()
    } else {
        view! { <p class="card">{lang.t(Msg::HomeSignInPrompt)}" "<a href="/signin">{lang.t(Msg::SignIn)}</a></p> }
            .into_any()
    }
}

/// An amount as the pages show it: 1,234円.
pub fn yen(y: Yen) -> String {
    format!("{}円", domain::money::group_thousands(y.0))
}

/// 受診者情報: 氏名, 生年月日 (和暦 and 西暦), 年齢, 保険者番号, 記号・番号・枝番.
#[component]
pub fn PersonCard(person: PersonHeader, today: chrono::NaiveDate) -> impl IntoView {
    let lang = use_lang();
    let birth = match lang {
        Lang::Ja => domain::wareki::format_both(person.birth_date),
        Lang::En => person.birth_date.to_string(),
    };
    let age = domain::wareki::age_on(person.birth_date, today)
        .map(|a| format!("{a}{}", lang.t(Msg::PersonAgeUnit)));
    let card = [
        person.symbol.clone(),
        person.number.clone(),
        person.branch.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("・");
    view! {
        <section class="card person-card" data-testid="person-header" aria-label=lang.t(Msg::PersonName)>
            <dl>
                <div><dt>{lang.t(Msg::PersonName)}</dt><dd>{lang.addressed(&person.name)}</dd></div>
                <div><dt>{lang.t(Msg::PersonBirth)}</dt><dd>{birth}</dd></div>
                <div><dt>{lang.t(Msg::PersonAge)}</dt><dd>{age}</dd></div>
                <div><dt>{lang.t(Msg::PersonInsurer)}</dt><dd>{person.insurer_number.clone()}</dd></div>
                <div><dt>{lang.t(Msg::PersonCard)}</dt><dd>{card}</dd></div>
            </dl>
        </section>
    }
}

/// Presets and a custom month range; a GET form, so the period is in the URL. `keep`: other
/// query parameters of the page (name, URL-safe value) that choosing a period must not drop.
#[component]
pub fn PeriodChooser(
    chosen: PeriodQuery,
    /// The shown period's ends: YYYY-MM, or YYYY-MM-DD when the person chose days.
    from: String,
    to: String,
    /// Offer days as well as months (a link switches; the URL says which).
    #[prop(optional)]
    allow_days: bool,
    #[prop(optional)] keep: Vec<(&'static str, String)>,
) -> impl IntoView {
    let lang = use_lang();
    let kept: String = keep.iter().map(|(k, v)| format!("&{k}={v}")).collect();
    let hidden = keep
        .into_iter()
        .map(|(k, v)| view! { <input type="hidden" name=k value=v/> })
        .collect_view();
    let by_day = allow_days && (from.len() == 10 || to.len() == 10);
    let input_type = if by_day { "date" } else { "month" };
    let switch = allow_days.then(|| {
        let (href, label) = if by_day {
            (
                format!("?from={}&to={}{kept}", &from[..7], &to[..7]),
                Msg::PeriodByMonth,
            )
        } else {
            let last = domain::period::YearMonth::parse(&to)
                .map(|m| m.last_day().to_string())
                .unwrap_or_else(|_| format!("{to}-28"));
            (format!("?from={from}-01&to={last}{kept}"), Msg::PeriodByDay)
        };
        view! { <a class="period__switch" href=href data-testid="period-unit">{lang.t(label)}</a> }
    });
    let presets = Preset::ALL
        .into_iter()
        .map(|p| {
            let code = serde_json::to_value(p).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            let current = chosen.preset.as_deref() == Some(code.as_str());
            let label = match lang {
                Lang::Ja => p.label_ja(),
                Lang::En => p.label_en(),
            };
            view! { <a class="chip" href=format!("?preset={code}{kept}") aria-current=current.then_some("true")>{label}</a> }
        })
        .collect_view();
    view! {
        <form method="get" class="card period" aria-label=lang.t(Msg::PeriodLabel)>
            <div class="chips">{presets}</div>
            {hidden}
            <fieldset class="period__custom">
                <legend>{lang.t(Msg::PeriodCustom)}</legend>
                <label for="from">{lang.t(Msg::PeriodFrom)}</label>
                <input id="from" name="from" type=input_type value=from.clone() required/>
                <label for="to">{lang.t(Msg::PeriodTo)}</label>
                <input id="to" name="to" type=input_type value=to.clone() required/>
                <button type="submit" class="button">{lang.t(Msg::PeriodShow)}</button>
                {switch}
            </fieldset>
        </form>
    }
}
