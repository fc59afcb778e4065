//! Plain HTML form posts (no JavaScript needed): each checks the signed-in person from the
//! session, acts for them only, and answers with a redirect back to the page (PRG).

pub mod account;
pub mod deduction;
pub mod import;
pub mod lang;
pub mod leave;
pub mod own;
