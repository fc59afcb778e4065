pub mod dates;
pub mod layout;
pub mod people;
pub mod session_timer;
