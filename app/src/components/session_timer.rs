//! The warning before the idle timeout: two minutes before the session would end, a notice
//! with a "stay signed in" button appears; when the time is up the page goes to sign-in.

use crate::functions::session::keep_alive;
use crate::i18n::{Lang, Msg};
use leptos::prelude::*;

/// Seconds before the deadline at which the warning shows.
const WARN_BEFORE: i64 = 120;

#[island]
pub fn SessionTimer(lang: Lang, idle_deadline: i64) -> impl IntoView {
    let deadline = RwSignal::new(idle_deadline);
    let now = RwSignal::new(idle_deadline - 10 * WARN_BEFORE);
    #[cfg(feature = "hydrate")]
    {
        let tick = move || now.set((js_sys::Date::now() / 1000.0) as i64);
        // First reading after hydration (an effect), so the first client render matches the
        // server's HTML; then every few seconds.
        Effect::new(move |_| tick());
        let _ = set_interval_with_handle(tick, std::time::Duration::from_secs(5));
        Effect::new(move |_| {
            if now.get() >= deadline.get() {
                let _ = window()
                    .location()
                    .set_href(&crate::notice::Notice::SignInExpired.location());
            }
        });
    }
    let extend = Action::new(move |_: &()| keep_alive());
    Effect::new(move |_| {
        if let Some(Ok(new_deadline)) = extend.value().get() {
            deadline.set(new_deadline);
        }
    });
    let warn = move || deadline.get() - now.get() <= WARN_BEFORE;
    view! {
        <div class="session-timer" role="status" aria-live="assertive" data-testid="session-timer">
            // Always in the HTML and only hidden, so hydration never has to add nodes.
            <p class="notice notice--error" hidden=move || !warn()>
                {lang.t(Msg::ExpiryWarning)}" "
                <button type="button" class="button" data-testid="stay-signed-in"
                    on:click=move |_| { extend.dispatch(()); }>
                    {lang.t(Msg::StaySignedIn)}
                </button>
            </p>
        </div>
    }
}
