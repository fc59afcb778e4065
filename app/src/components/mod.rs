pub mod dates;
pub mod drug_filter;
pub mod export;
pub mod layout;
pub mod own;
pub mod people;
pub mod record;
pub mod session_timer;
