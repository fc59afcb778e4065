//! When a record may be shown (health-data.md §2, §4, §5): publication dates, supersession by
//! later claims, the 3-year window, and which months cannot be complete yet.
//!
//! The main views apply all three filters through [`main_view`]; export/archive code may use the
//! pieces separately (e.g. keep lines past the 3-year window when the person asked for that).

mod completeness;
mod main_view;
mod publication;
mod retention;
mod supersession;

pub use completeness::{incomplete_months, RecordKind};
pub use main_view::{into_main_view, main_view};
pub use publication::{
    batch_visible_from, claim_month, drug_visible_from, expense_claim_visible_from,
    expense_visible_from, is_visible,
};
pub use retention::{retention_window, within_retention, within_retention_span, RETENTION_MONTHS};
pub use supersession::{current_lines, is_superseded, retire_notebook_lines};
