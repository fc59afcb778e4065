//! Filter by 使用区分 and search over 医薬品名/成分名. Without JavaScript it is a GET form the
//! server applies (lines that do not match are sent `hidden`); once hydrated it filters the
//! server-rendered rows in place as the person types, with no round trip, and keeps the URL
//! in step so the filtered view stays bookmarkable.

use crate::drugs::{usage_code, USAGES};
use crate::i18n::{Lang, Msg};
use leptos::prelude::*;

/// Rows carry `data-filter-row`, `data-usage` and `data-search` (the folded 医薬品名 and
/// 成分名); groups of rows carry `data-filter-group` and hide when all their rows are hidden.
#[island]
pub fn DrugFilter(
    lang: Lang,
    /// The 使用区分 code in the URL, or empty for all.
    usage: String,
    q: String,
    /// Rows in the period (lines, or ingredients in the ingredient view), and how many the
    /// server left visible.
    total: usize,
    /// What a row is, as text: 件 (lines) or 成分 (ingredients).
    unit: String,
    shown: usize,
    /// The other query parameters to keep on submit (period, view).
    keep: Vec<(String, String)>,
) -> impl IntoView {
    let usage = RwSignal::new(usage);
    let q = RwSignal::new(q);
    let shown = RwSignal::new(shown);
    // Effects run only in the browser: marks the island as hydrated (tests wait for it).
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    #[cfg(feature = "hydrate")]
    {
        // The server already applied the filter in the URL: the first run only subscribes, so
        // hydrating a three-year page does not walk and rewrite its 2,000 rows for nothing.
        Effect::new(move |applied: Option<()>| {
            let (usage, q) = (usage.get(), q.get());
            if applied.is_some() {
                shown.set(dom::apply(&usage, &q));
            }
        });
        // The island hydrates as soon as it is parsed (app/src/islands.js), before the rows
        // below it: rows parsed after a change still show the server's filter, so once the
        // whole page is in, a changed filter is applied again (to every row, and the count).
        let initial = (usage.get_untracked(), q.get_untracked());
        dom::when_parsed(move || {
            let (Some(now_usage), Some(now_q)) = (usage.try_get_untracked(), q.try_get_untracked())
            else {
                return;
            };
            if (&now_usage, &now_q) != (&initial.0, &initial.1) {
                shown.set(dom::apply(&now_usage, &now_q));
            }
        });
    }
    let options = USAGES
        .iter()
        .map(|u| {
            let code = usage_code(*u);
            let label = match lang {
                Lang::Ja => u.label_ja(),
                Lang::En => u.label_en(),
            };
            let selected = usage.get_untracked() == code;
            view! { <option value=code selected=selected>{label}</option> }
        })
        .collect_view();
    let hidden = keep
        .iter()
        .map(|(k, v)| view! { <input type="hidden" name=k.clone() value=v.clone()/> })
        .collect_view();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        // Already applied live; only the URL changes (no reload).
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        dom::remember_in_url(&usage.get_untracked(), &q.get_untracked());
    };
    view! {
        <form method="get" class="card filters" role="search" aria-label=lang.t(Msg::DrugsFilterHeading)
            data-testid="drug-filter" data-ready=move || ready.get().to_string() on:submit=on_submit>
            {hidden}
            <div class="filters__field">
                <label for="usage">{lang.t(Msg::DrugsFilterUsage)}</label>
                <select id="usage" name="usage"
                    on:change=move |ev| usage.set(event_target_value(&ev))>
                    <option value="" selected=usage.get_untracked().is_empty()>{lang.t(Msg::DrugsFilterAll)}</option>
                    {options}
                </select>
            </div>
            <div class="filters__field filters__field--grow">
                <label for="q">{lang.t(Msg::DrugsFilterSearch)}</label>
                <input id="q" name="q" type="search" value=q.get_untracked() autocomplete="off"
                    placeholder=lang.t(Msg::DrugsFilterSearchHint)
                    on:input=move |ev| q.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class="button">{lang.t(Msg::DrugsFilterApply)}</button>
            <p class="filters__count" role="status" aria-live="polite" data-testid="filter-count">
                {move || format!("{} / {}{}", shown.get(), total, unit)}
            </p>
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod dom {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    /// Shows the rows that match and hides the rest; returns how many are shown.
    pub fn apply(usage: &str, q: &str) -> usize {
        let doc = document();
        let folded = domain::drugs::search_fold(q.trim());
        let mut shown = 0;
        if let Ok(rows) = doc.query_selector_all("[data-filter-row]") {
            for i in 0..rows.length() {
                let Some(el) = rows
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                let usage_ok =
                    usage.is_empty() || el.get_attribute("data-usage").as_deref() == Some(usage);
                let search_ok = folded.is_empty()
                    || el
                        .get_attribute("data-search")
                        .is_some_and(|s| s.contains(&folded));
                let show = usage_ok && search_ok;
                if show {
                    let _ = el.remove_attribute("hidden");
                    shown += 1;
                } else {
                    let _ = el.set_attribute("hidden", "");
                }
            }
        }
        if let Ok(groups) = doc.query_selector_all("[data-filter-group]") {
            for i in 0..groups.length() {
                let Some(el) = groups
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                let any = el
                    .query_selector("[data-filter-row]:not([hidden])")
                    .ok()
                    .flatten()
                    .is_some();
                if any {
                    let _ = el.remove_attribute("hidden");
                } else {
                    let _ = el.set_attribute("hidden", "");
                }
            }
        }
        if let Some(empty) = doc.get_element_by_id("filter-empty") {
            if shown == 0 {
                let _ = empty.remove_attribute("hidden");
            } else {
                let _ = empty.set_attribute("hidden", "");
            }
        }
        shown
    }

    /// Runs `f` once the document is parsed in full (DOMContentLoaded); not at all when it
    /// already is (then no row was parsed after the island hydrated).
    pub fn when_parsed(f: impl FnOnce() + 'static) {
        let doc = document();
        if doc.ready_state() != "loading" {
            return;
        }
        let f = wasm_bindgen::closure::Closure::once_into_js(f);
        let _ = doc.add_event_listener_with_callback("DOMContentLoaded", f.unchecked_ref());
    }

    /// Puts the filter into the address bar (replacing the entry, so Back leaves the page).
    pub fn remember_in_url(usage: &str, q: &str) {
        let win = window();
        let Ok(href) = win.location().href() else {
            return;
        };
        let Ok(url) = web_sys::Url::new(&href) else {
            return;
        };
        let params = url.search_params();
        for (key, value) in [("usage", usage), ("q", q)] {
            if value.is_empty() {
                params.delete(key);
            } else {
                params.set(key, value);
            }
        }
        url.set_search(&params.to_string().as_string().unwrap_or_default());
        if let Ok(history) = win.history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()));
        }
    }
}
