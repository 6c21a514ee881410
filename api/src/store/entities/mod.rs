pub mod api_token;
pub mod task;
pub mod user;
