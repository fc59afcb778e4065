//! 取り込み (`/import`): bring your own files. Plain forms (multipart upload, then "store" or
//! "remove" posts), so it works without JavaScript; step 1 shows what the file holds and
//! stores nothing, step 2 stores it as one batch; each batch can be removed again.

use crate::components::dates::long_date;
use crate::components::layout::use_lang;
use crate::components::record::not_shown;
use crate::i18n::byo::Msg as B;
use crate::i18n::Lang;
use crate::import::{
    load_import_page, ImportPage, ImportPreview, ImportProblem, ImportQuery, OwnBatchView,
};
use crate::pages::account::kind_label;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn format_label(format: &str) -> &'static str {
    match format {
        "mynaportal-csv" => "マイナポータル CSV",
        "cda" => "hc08 CDA XML",
        "jahis" => "JAHIS お薬手帳",
        "json" => "Karte JSON",
        _ => "—",
    }
}

/// Paste a pharmacy's お薬手帳 (JAHIS) text: checked like a file, on this page and the drugs page.
#[component]
pub fn NotebookForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <form method="post" action="/import/preview-text" class="stack" data-testid="notebook-form">
            <h3>{lang.b(B::NotebookHeading)}</h3>
            <label for="notebook-text">{lang.b(B::NotebookLabel)}</label>
            <textarea id="notebook-text" name="text" rows="6" required aria-describedby="notebook-hint"></textarea>
            <p id="notebook-hint" class="muted">{lang.b(B::NotebookHint)}</p>
            <button type="submit" class="button">{lang.b(B::Check)}</button>
        </form>
    }
}

/// A photo or screenshot of a pharmacy's お薬手帳 QR code(s), read on the server.
#[component]
pub fn QrImageForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <form method="post" action="/import/preview-qr" enctype="multipart/form-data" class="stack" data-testid="qr-form">
            <label for="qr-image">{lang.b(B::QrLabel)}</label>
            <input id="qr-image" type="file" name="file" required accept="image/png,image/jpeg" capture="environment"/>
            <button type="submit" class="button">{lang.b(B::Check)}</button>
        </form>
    }
}

#[component]
fn ImportNotice() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map().get_untracked();
    let ok = match q.get("ok").as_deref() {
        Some("stored") => Some(B::Stored),
        Some("nothing") => Some(B::StoredNothing),
        Some("removed") => Some(B::Removed),
        _ => None,
    };
    let error = match q.get("error").as_deref() {
        Some("unavailable") => Some(B::ErrorUnavailable),
        Some("nofile") => Some(B::ErrorNoFile),
        Some("expired") => Some(B::ProblemExpired),
        _ => None,
    };
    view! {
        {ok.map(|m| view! { <p class="notice" role="status" data-testid="notice">{lang.b(m)}</p> })}
        {error.map(|m| view! { <p class="notice notice--error" role="alert" data-testid="notice">{lang.b(m)}</p> })}
    }
}

#[component]
pub fn ImportPageView() -> impl IntoView {
    let lang = use_lang();
    let status = crate::error::PageStatus::here();
    let signed_in = crate::session::is_signed_in();
    let q = use_query_map().get_untracked();
    let query = ImportQuery {
        preview: q.get("preview"),
        remove: q.get("remove"),
    };
    view! {
        <Title text=lang.b(B::Title)/>
        <h1>{lang.b(B::Title)}</h1>
        <ImportNotice/>
        <Suspense fallback=move || view! { <p>{lang.t(crate::i18n::Msg::Loading)}</p> }>
            {Suspend::new(async move {
                match load_import_page(query).await {
                    Ok(page) => import_body(lang, page).into_any(),
                    Err(crate::error::AppError::NotFound) => not_shown(lang, signed_in, &status),
                    Err(e) => { status.set_for(&e); view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any() }
                }
            })}
        </Suspense>
    }
}

fn import_body(lang: Lang, page: ImportPage) -> impl IntoView {
    let who = lang.addressed(&page.person_name);
    let upload = if page.kinds.is_empty() {
        view! { <p class="notice notice--error" role="alert">{lang.b(B::NotAllowed)}</p> }
            .into_any()
    } else {
        view! {
            <form method="post" action="/import/preview" enctype="multipart/form-data" class="stack" data-testid="import-form">
                <label for="import-file">{lang.b(B::FileLabel)}</label>
                <input id="import-file" type="file" name="file" required
                    accept=".csv,.xml,.json,.txt,text/csv,application/xml,text/xml,application/json,text/plain"/>
                <button type="submit" class="button">{lang.b(B::Check)}</button>
            </form>
            <NotebookForm/>
            <QrImageForm/>
        }
        .into_any()
    };
    let preview = page.preview.clone().map(|p| match p {
        Ok(p) => preview_card(lang, p).into_any(),
        Err(problem) => problem_card(lang, problem).into_any(),
    });
    let confirm = page.confirm_remove.clone().map(|b| confirm_card(lang, b));
    view! {
        <section class="card" aria-labelledby="import-upload">
            <h2 id="import-upload">{lang.b(B::ForWhom)}": "<span data-testid="import-for">{who}</span></h2>
            <p>{lang.b(B::Intro)}</p>
            {page.as_proxy.then(|| view! { <p class="muted">{lang.b(B::ProxyNote)}</p> })}
            {upload}
        </section>
        {preview}
        {confirm}
        {batches_card(lang, page.batches)}
    }
}

fn preview_card(lang: Lang, p: ImportPreview) -> impl IntoView {
    let rows = p
        .kinds
        .iter()
        .map(|k| {
            view! {
                <tr data-kind=k.kind.code()>
                    <th scope="row">{kind_label(k.kind, lang)}</th>
                    <td class="num" data-testid="preview-new">{lang.count(k.new as i64)}</td>
                    <td class="num" data-testid="preview-dup">{lang.count(k.duplicates as i64)}</td>
                </tr>
            }
        })
        .collect_view();
    let new_total: usize = p.kinds.iter().map(|k| k.new).sum();
    let period = p
        .period
        .map(|(a, b)| format!("{} – {}", long_date(a, lang), long_date(b, lang)));
    let warnings = (!p.warnings.is_empty()).then(|| {
        let items = p
            .warnings
            .iter()
            .map(|w| view! { <li>{w.clone()}</li> })
            .collect_view();
        view! {
            <h3>{lang.b(B::Warnings)}</h3>
            <ul data-testid="preview-warnings">{items}</ul>
        }
    });
    let token = p.token.clone();
    let can_store = new_total > 0 && !p.already;
    view! {
        <section class="card" aria-labelledby="import-preview" data-testid="import-preview">
            <h2 id="import-preview">{lang.b(B::PreviewHeading)}</h2>
            <dl class="import-facts">
                <dt>{lang.b(B::FileName)}</dt><dd>{p.file_name.clone()}</dd>
                <dt>{lang.b(B::Format)}</dt><dd data-testid="preview-format">{format_label(&p.format)}</dd>
                {period.map(|t| view! { <dt>{lang.b(B::Period)}</dt><dd data-testid="preview-period">{t}</dd> })}
            </dl>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{lang.b(B::ColKind)}</th>
                        <th scope="col">{lang.b(B::ColNew)}</th>
                        <th scope="col">{lang.b(B::ColDup)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {p.name_differs.then(|| view! { <p class="notice notice--error" role="alert">{lang.b(B::NameDiffers)}</p> })}
            {p.already.then(|| view! { <p class="notice" data-testid="preview-already">{lang.b(B::Already)}</p> })}
            {(new_total == 0 && !p.already).then(|| view! { <p class="notice">{lang.b(B::NothingNew)}</p> })}
            {warnings}
            <div class="actions">
                {can_store.then(|| view! {
                    <form method="post" action="/import/store" class="inline-form">
                        <input type="hidden" name="token" value=token.clone()/>
                        <button type="submit" class="button" data-testid="import-store">{lang.b(B::Store)}</button>
                    </form>
                })}
                <form method="post" action="/import/discard" class="inline-form">
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" class="button">{lang.b(B::Discard)}</button>
                </form>
            </div>
        </section>
    }
}

fn problem_card(lang: Lang, problem: ImportProblem) -> impl IntoView {
    let (msg, detail) = match problem {
        ImportProblem::Format => (B::ProblemFormat, None),
        ImportProblem::TooLarge => (B::ProblemTooLarge, None),
        ImportProblem::Invalid(d) => (B::ProblemInvalid, Some(d)),
        ImportProblem::Empty => (B::ProblemEmpty, None),
        ImportProblem::SeveralPeople(_) => (B::ProblemSeveral, None),
        ImportProblem::OtherPerson => (B::ProblemOther, None),
        ImportProblem::NoGrant(kinds) => (
            B::ProblemNoGrant,
            Some(
                kinds
                    .iter()
                    .map(|k| kind_label(*k, lang))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ),
        ImportProblem::Expired => (B::ProblemExpired, None),
    };
    view! {
        <section class="card" aria-labelledby="import-problem" data-testid="import-problem">
            <h2 id="import-problem">{lang.b(B::ProblemHeading)}</h2>
            <p class="notice notice--error" role="alert">{lang.b(msg)}</p>
            {detail.map(|d| view! { <p class="muted" data-testid="import-problem-detail">{d}</p> })}
        </section>
    }
}

fn confirm_card(lang: Lang, b: OwnBatchView) -> impl IntoView {
    let action = format!("/import/batches/{}/remove", b.id);
    view! {
        <section class="card" aria-labelledby="import-remove" data-testid="import-remove">
            <h2 id="import-remove">{lang.b(B::RemoveHeading)}</h2>
            <p>{format_label(&b.format)}" · "{b.at.clone()}" · "{lang.count(b.lines)}</p>
            <p>{lang.b(B::RemoveText)}</p>
            <div class="actions">
                <form method="post" action=action class="inline-form">
                    <button type="submit" class="button" data-testid="import-remove-confirm">{lang.b(B::RemoveConfirm)}</button>
                </form>
                <a class="button" href="/import">{lang.b(B::Discard)}</a>
            </div>
        </section>
    }
}

fn batches_card(lang: Lang, batches: Vec<OwnBatchView>) -> impl IntoView {
    let body = if batches.is_empty() {
        view! { <p class="empty" data-testid="import-batches-none">{lang.b(B::BatchesNone)}</p> }
            .into_any()
    } else {
        let rows = batches
            .into_iter()
            .map(|b| {
                let href = format!("/import?remove={}", b.id);
                view! {
                    <tr data-testid="import-batch" data-batch=b.id.clone()>
                        <td>{b.at.clone()}</td>
                        <td>{format_label(&b.format)}</td>
                        <td class="num">{lang.count(b.lines)}</td>
                        <td>{b.removable.then(|| view! { <a href=href data-testid="import-remove-link">{lang.b(B::Remove)}</a> })}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="table" data-testid="import-batches">
                <thead>
                    <tr>
                        <th scope="col">{lang.b(B::ColWhen)}</th>
                        <th scope="col">{lang.b(B::Format)}</th>
                        <th scope="col">{lang.b(B::ColLines)}</th>
                        <th scope="col"><span class="visually-hidden">{lang.b(B::Remove)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="import-batches-h">
            <h2 id="import-batches-h">{lang.b(B::BatchesHeading)}</h2>
            {body}
        </section>
    }
}
