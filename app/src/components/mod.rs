pub mod dates;
pub mod layout;
pub mod people;
pub mod record;
pub mod session_timer;
