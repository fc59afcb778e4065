//! 特定健診 / 後期高齢者健診 results: item codes, the known-item table, values, reference bands,
//! the computed メタボ判定 / 保健指導レベル, and which checkups the portal shows.

mod band;
mod decimal;
mod explain;
mod item_code;
pub mod items;
mod judgement;
mod record;
mod registration;
mod selection;
mod value;

pub use band::{band_limits, coded_band, reference_band, Band, BandLimits, Comparison, Limit};
pub use decimal::{Decimal, DecimalError};
pub use explain::Bilingual;
pub use item_code::{ItemCode, ItemCodeError};
pub use items::{
    group_of, lookup, ItemGroup, ItemRule, KnownItem, ITEM_RULES, LATE_STAGE_QUESTIONS,
};
pub use judgement::{
    criteria, fiscal_year_end_age, guidance_judgement, metabolic_judgement, GuidanceLevel,
    Judgement, JudgementSource, MetabolicStatus,
};
pub use record::{Checkup, CheckupKind, CheckupResult};
pub use registration::CheckupRegistration;
pub use selection::{registration_due, shown_checkups, FIRST_SHOWN_FISCAL_YEAR, SHOWN_COUNT};
pub use value::{CheckupValue, NotMeasuredReason, RangeFlag};
