pub mod account;
pub mod home;
pub mod placeholder;
pub mod signin;
