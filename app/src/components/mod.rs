pub mod dates;
pub mod layout;
pub mod people;
