//! The errors a browser can see: a closed, serializable set the UI translates.
//! Detail stays in the server's logs; the person gets a message they can act on.

use crate::i18n::{Lang, Msg};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// The database or another dependency is down; retrying later helps.
    Unavailable,
    /// Input that could not be parsed; the text says which field.
    BadInput(String),
    /// Not there, or not yours (the two are not told apart).
    NotFound,
    /// Anything else; details are in the server log under the request id.
    Internal,
    /// Transport problems between browser and server function.
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            AppError::Unavailable => lang.t(Msg::ErrorUnavailable),
            AppError::BadInput(_) => lang.t(Msg::ErrorBadInput),
            AppError::NotFound => lang.t(Msg::NotFoundTitle),
            AppError::Internal | AppError::ServerFn(_) => lang.t(Msg::ErrorGeneric),
        }
    }
}

impl AppError {
    /// The HTTP status a page or server function answers with when it ends in this error.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::Unavailable => 503,
            AppError::BadInput(_) => 400,
            AppError::NotFound => 404,
            AppError::Internal | AppError::ServerFn(_) => 500,
        }
    }

    /// What exactly was wrong with the input (the field and the rule), for bad input.
    pub fn detail(&self) -> Option<&str> {
        match self {
            AppError::BadInput(why) => Some(why),
            _ => None,
        }
    }
}

/// A query the URL or command line carried that `domain::query` refused: bad input, with the
/// field and the rule.
impl From<domain::query::QueryError> for AppError {
    fn from(e: domain::query::QueryError) -> Self {
        AppError::BadInput(e.to_string())
    }
}

/// Sets the HTTP status of the response being rendered (on the server; nothing in the browser).
/// Take it where the page or server function starts, before any `Suspend`.
#[derive(Clone, Default)]
pub struct PageStatus {
    #[cfg(feature = "ssr")]
    response: Option<leptos_actix::ResponseOptions>,
}

impl PageStatus {
    pub fn here() -> Self {
        Self {
            #[cfg(feature = "ssr")]
            response: leptos::prelude::use_context(),
        }
    }

    pub fn set(&self, code: u16) {
        #[cfg(feature = "ssr")]
        if let (Some(r), Ok(s)) = (&self.response, actix_web::http::StatusCode::from_u16(code)) {
            r.set_status(s);
        }
        #[cfg(not(feature = "ssr"))]
        let _ = code;
    }

    pub fn set_for(&self, error: &AppError) {
        self.set(error.http_status());
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Unavailable => f.write_str("service unavailable"),
            AppError::BadInput(field) => write!(f, "bad input: {field}"),
            AppError::NotFound => f.write_str("not found"),
            AppError::Internal => f.write_str("internal error"),
            AppError::ServerFn(e) => write!(f, "server function: {e}"),
        }
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}
