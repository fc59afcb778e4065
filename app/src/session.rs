//! Who is looking, as the pages need it. The server provides these through context on every
//! render; the browser never receives a token.

use serde::{Deserialize, Serialize};

/// The signed-in person, for the header and greetings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// The linked person's id; `None` until the linking step is done.
    pub person_id: Option<String>,
    pub name: Option<String>,
    /// Unix time at which the session ends without further activity.
    pub idle_deadline: i64,
    /// Whose records are on screen (the person themselves, or someone who granted access).
    pub viewing: Option<Choice>,
    /// Everyone the person may switch to, themselves first.
    pub choices: Vec<Choice>,
}

/// A person one may view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub person_id: String,
    pub name: String,
    /// The signed-in person themselves.
    pub is_self: bool,
}

/// Which ways to sign in this server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SignInOptions {
    /// OpenID Connect sign-in is configured.
    pub oidc: bool,
    /// The loopback-only dev sign-in (pick a demo person) is on.
    pub dev: bool,
    /// Linking also asks for the one-time code the insurer sent.
    pub link_code: bool,
}

pub fn use_viewer() -> Option<Viewer> {
    leptos::prelude::use_context::<Option<Viewer>>().flatten()
}

/// Whether someone linked to a person is signed in (read outside any `Suspend`).
pub fn is_signed_in() -> bool {
    use_viewer().is_some_and(|v| v.person_id.is_some())
}

pub fn use_sign_in_options() -> SignInOptions {
    leptos::prelude::use_context::<SignInOptions>().unwrap_or_default()
}
