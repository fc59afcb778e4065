pub mod home;
pub mod placeholder;
