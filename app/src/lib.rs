#![recursion_limit = "256"]
//! What a person sees: Leptos components, routes and server functions.
//!
//! Pages render on the server (islands architecture): only the parts marked `#[island]` ship
//! to the browser as WASM, so pages are complete and usable before the bundle loads and the
//! bundle stays small. Components take view models; no SQL and no business rule lives here.

pub mod account;
pub mod audit;
pub mod checkups;
pub mod components;
pub mod deduction;
pub mod drugs;
pub mod error;
pub mod expenses;
pub mod export;
pub mod functions;
pub mod home;
pub mod i18n;
pub mod import;
pub mod notice;
pub mod own;
pub mod pages;
pub mod record;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod services;
pub mod session;
#[cfg(feature = "ssr")]
pub mod shell;
#[cfg(feature = "ssr")]
pub mod slots;

pub use routes::App;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
