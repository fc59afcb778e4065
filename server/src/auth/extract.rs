//! The signed-in person of a form post, as extractors: the forms' counterpart of the API's
//! `SignedIn`. Without a session the post answers 303 to the sign-in page before the handler
//! runs (and, listed first, before the body is read).

use super::Principal;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use domain::id::AccountId;
use std::future::{ready, Ready};

/// A form post without a session (or, for [`Linked`], by an account without a linked person):
/// answered with 303 to the sign-in page before the handler runs or the body is read.
#[derive(Debug)]
pub struct SignInFirst;

impl std::fmt::Display for SignInFirst {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("sign in first")
    }
}

impl ResponseError for SignInFirst {
    fn status_code(&self) -> StatusCode {
        StatusCode::SEE_OTHER
    }

    fn error_response(&self) -> HttpResponse {
        crate::web::see_other("/signin")
    }
}

/// The signed-in account of a form post (the forms' counterpart of the API's `SignedIn`);
/// put it first among a handler's extractors so an anonymous post is refused unread.
pub struct FormUser(pub Principal);

impl FromRequest for FormUser {
    type Error = SignInFirst;
    type Future = Ready<Result<Self, SignInFirst>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let principal = req.extensions().get::<Principal>().cloned();
        ready(principal.map(FormUser).ok_or(SignInFirst))
    }
}

/// The signed-in account of a form post and the insured person it is linked to.
pub struct Linked {
    pub account: AccountId,
    pub person: String,
}

impl FromRequest for Linked {
    type Error = SignInFirst;
    type Future = Ready<Result<Self, SignInFirst>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let linked = req.extensions().get::<Principal>().and_then(|p| {
            Some(Linked {
                account: p.account_id().to_owned(),
                person: p.person_id()?.to_owned(),
            })
        });
        ready(linked.ok_or(SignInFirst))
    }
}
