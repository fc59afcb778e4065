//! `sqlx::migrate!` embeds the migration files at compile time, but on stable Rust it cannot
//! tell cargo to watch them: without this, a new migration file is missing from an incremental
//! build until some source file changes (sqlx's documented remedy).
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
