//! 特定健診 / 後期高齢者健診 results: item codes, the known-item table, values, reference bands,
//! the computed メタボ判定 / 保健指導レベル, and which checkups the portal shows.

mod band;
mod decimal;
mod item_code;
pub mod items;
mod judgement;
mod record;
mod registration;
mod selection;
mod value;

pub use band::{reference_band, Band};
pub use decimal::{Decimal, DecimalError};
pub use item_code::{ItemCode, ItemCodeError};
pub use items::{group_of, lookup, ItemGroup, ItemRule, KnownItem, ITEM_RULES};
pub use judgement::{
    criteria, guidance_judgement, metabolic_judgement, GuidanceLevel, Judgement, JudgementSource,
    MetabolicStatus,
};
pub use record::{Checkup, CheckupKind, CheckupResult};
pub use registration::CheckupRegistration;
pub use selection::{registration_due, shown_checkups, FIRST_SHOWN_FISCAL_YEAR, SHOWN_COUNT};
pub use value::{CheckupValue, NotMeasuredReason, RangeFlag};
