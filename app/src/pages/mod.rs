pub mod account;
pub mod checkups;
pub mod deduction;
pub mod drugs;
pub mod expenses;
pub mod home;
pub mod placeholder;
pub mod signin;
