//! Big fragments that a page hands over whole instead of copying them into its string.
//!
//! A three-year drug table is ~1.3 MB of HTML, rendered once per line-cache entry
//! ([`crate::pages::drugs`]). Writing it into the page's string copied it on every view, and the
//! copies (and the page faults of the large buffers they need) were most of the page's server
//! time. Instead the page writes a marker in its place and puts the fragment here, in the
//! request's extensions; the server's `web::splice_slots` middleware sends the page as chunks —
//! the text before the marker, the fragment itself (no copy), the text after.
//!
//! The marker carries a fresh random token per request, and every text a page writes is
//! escaped (`<` never appears raw in user text), so no data can forge or move a marker.

use std::sync::Arc;

/// The fragments of one response, in the order their markers appear.
#[derive(Default)]
pub struct PageSlots {
    pub fragments: Vec<(String, Arc<str>)>,
}

/// Hands `html` to the response instead of the page string; returns the marker to write in
/// its place. Without a request (a unit test rendering a view), returns the HTML itself.
pub fn defer(html: Arc<str>) -> String {
    use actix_web::HttpMessage;
    let Some(req) = leptos::prelude::use_context::<leptos_actix::Request>() else {
        return html.to_string();
    };
    let marker = format!(
        "<!--karte-slot-{}-->",
        leptos::nonce::Nonce::new().as_inner()
    );
    let mut ext = req.extensions_mut();
    match ext.get_mut::<PageSlots>() {
        Some(slots) => slots.fragments.push((marker.clone(), html)),
        None => {
            ext.insert(PageSlots {
                fragments: vec![(marker.clone(), html)],
            });
        }
    }
    marker
}
