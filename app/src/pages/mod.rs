pub mod account;
pub mod drugs;
pub mod home;
pub mod placeholder;
pub mod signin;
