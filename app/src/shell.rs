//! The HTML document around every page (server only).

use crate::i18n::Msg;
use crate::App;
use leptos::prelude::*;
use leptos_meta::MetaTags;

/// Path of the one stylesheet, served by the server from `style/`.
pub const STYLESHEET: &str = "/style/karte.css";

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = crate::i18n::request_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content=lang.t(Msg::Tagline)/>
                <link rel="stylesheet" href=STYLESHEET/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <IslandScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The bundle's hints and Karte's island loader (`islands.js`) in place of Leptos's
/// `<HydrationScripts islands=true/>`, whose script waits for the whole document and then for
/// an idle moment before fetching the bundle: on a three-year drug page (1.3 MB of HTML) at a
/// phone's speed the filter hydrated ~8 s after navigation. The loader is an `async` module:
/// the bundle loads while the page is parsed and each island hydrates once it is parsed.
#[component]
fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // Islands mode: the server renders no hydration markers outside islands (as
    // `HydrationScripts` does).
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let name = options.output_name.to_string();
    // With LEPTOS_OUTPUT_NAME set at compile time the wasm has no `_bg` suffix (build-wasm.sh).
    let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        name.clone()
    } else {
        format!("{name}_bg")
    };
    let pkg = options.site_pkg_dir.to_string();
    let nonce = leptos::nonce::use_nonce();
    let script = format!(
        "{}({:?}, {pkg:?}, {name:?}, {wasm:?});",
        include_str!("islands.js"),
        ""
    );
    view! {
        <link rel="modulepreload" href=format!("/{pkg}/{name}.js") crossorigin=""/>
        <link rel="preload" href=format!("/{pkg}/{wasm}.wasm") r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" async=true nonce=nonce>{script}</script>
    }
}
