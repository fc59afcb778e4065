use serde::{Deserialize, Serialize};

/// 診療区分 of a notice line. Unknown labels are kept verbatim, never dropped, so a new
/// category from the insurer still shows and still counts.
///
/// Declaration order is the display order for per-category totals.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceCategory {
    /// 医科入院
    MedicalInpatient,
    /// 医科外来
    MedicalOutpatient,
    /// 歯科入院
    DentalInpatient,
    /// 歯科外来
    DentalOutpatient,
    /// 調剤
    Pharmacy,
    /// 食事・生活療養
    MealsAndLiving,
    /// 訪問看護 (not in 医療費通知 today; kept so a future source fits)
    HomeNursing,
    /// Any other label, as sent.
    Other(String),
}

impl ServiceCategory {
    /// From the label the notice prints.
    pub fn parse(label: &str) -> Self {
        match label.trim() {
            "医科入院" => Self::MedicalInpatient,
            "医科外来" => Self::MedicalOutpatient,
            "歯科入院" => Self::DentalInpatient,
            "歯科外来" => Self::DentalOutpatient,
            "調剤" => Self::Pharmacy,
            "食事・生活療養" | "食事療養" | "生活療養" => Self::MealsAndLiving,
            "訪問看護" => Self::HomeNursing,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn label_ja(&self) -> &str {
        match self {
            Self::MedicalInpatient => "医科入院",
            Self::MedicalOutpatient => "医科外来",
            Self::DentalInpatient => "歯科入院",
            Self::DentalOutpatient => "歯科外来",
            Self::Pharmacy => "調剤",
            Self::MealsAndLiving => "食事・生活療養",
            Self::HomeNursing => "訪問看護",
            Self::Other(text) => text,
        }
    }

    pub fn label_en(&self) -> &str {
        match self {
            Self::MedicalInpatient => "Medical, inpatient",
            Self::MedicalOutpatient => "Medical, outpatient",
            Self::DentalInpatient => "Dental, inpatient",
            Self::DentalOutpatient => "Dental, outpatient",
            Self::Pharmacy => "Pharmacy",
            Self::MealsAndLiving => "Meals and living (hospital stay)",
            Self::HomeNursing => "Home-visit nursing",
            Self::Other(text) => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_unknown_is_kept() {
        for c in [
            ServiceCategory::MedicalInpatient,
            ServiceCategory::MedicalOutpatient,
            ServiceCategory::DentalInpatient,
            ServiceCategory::DentalOutpatient,
            ServiceCategory::Pharmacy,
            ServiceCategory::MealsAndLiving,
            ServiceCategory::HomeNursing,
        ] {
            assert_eq!(ServiceCategory::parse(c.label_ja()), c);
        }
        let other = ServiceCategory::parse("柔道整復");
        assert_eq!(other.label_ja(), "柔道整復");
        assert!(other > ServiceCategory::HomeNursing);
    }
}
