pub mod dates;
pub mod drug_filter;
pub mod layout;
pub mod people;
pub mod record;
pub mod session_timer;
