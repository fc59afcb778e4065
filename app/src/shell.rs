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
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}
