use super::{BranchNumber, CardNumber, CardSymbol, InsurerKind, InsurerNumber};
use serde::{Deserialize, Serialize};

/// The identifiers of one 保険証 / 資格確認書. A person can have several over time (job change);
/// each record keeps the one it came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawCardIdentity")]
pub struct CardIdentity {
    insurer: InsurerNumber,
    symbol: Option<CardSymbol>,
    number: CardNumber,
    branch: Option<BranchNumber>,
}

#[derive(Deserialize)]
struct RawCardIdentity {
    insurer: InsurerNumber,
    symbol: Option<CardSymbol>,
    number: CardNumber,
    branch: Option<BranchNumber>,
}

impl TryFrom<RawCardIdentity> for CardIdentity {
    type Error = CardError;
    fn try_from(raw: RawCardIdentity) -> Result<Self, Self::Error> {
        Self::new(raw.insurer, raw.symbol, raw.number, raw.branch)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CardError {
    #[error("後期高齢者医療 cards have no 記号; leave it empty")]
    SymbolOnLateStageElderlyCard,
    #[error("後期高齢者医療 cards have no 枝番; leave it empty")]
    BranchOnLateStageElderlyCard,
    #[error(transparent)]
    Insurer(#[from] super::InsurerNumberError),
    #[error(transparent)]
    Field(#[from] super::CardFieldError),
}

impl CardIdentity {
    pub fn new(
        insurer: InsurerNumber,
        symbol: Option<CardSymbol>,
        number: CardNumber,
        branch: Option<BranchNumber>,
    ) -> Result<Self, CardError> {
        if insurer.kind() == InsurerKind::LateStageElderly {
            if symbol.is_some() {
                return Err(CardError::SymbolOnLateStageElderlyCard);
            }
            if branch.is_some() {
                return Err(CardError::BranchOnLateStageElderlyCard);
            }
        }
        Ok(Self {
            insurer,
            symbol,
            number,
            branch,
        })
    }

    /// Form input: empty 記号 / 枝番 mean "not on the card".
    pub fn parse(
        insurer: &str,
        symbol: &str,
        number: &str,
        branch: &str,
    ) -> Result<Self, CardError> {
        let optional = |s: &str| (!s.trim().is_empty()).then_some(());
        Self::new(
            InsurerNumber::parse(insurer)?,
            optional(symbol)
                .map(|()| CardSymbol::parse(symbol))
                .transpose()?,
            CardNumber::parse(number)?,
            optional(branch)
                .map(|()| BranchNumber::parse(branch))
                .transpose()?,
        )
    }

    pub fn insurer(&self) -> &InsurerNumber {
        &self.insurer
    }

    pub fn symbol(&self) -> Option<&CardSymbol> {
        self.symbol.as_ref()
    }

    pub fn number(&self) -> &CardNumber {
        &self.number
    }

    pub fn branch(&self) -> Option<&BranchNumber> {
        self.branch.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employee_card_with_all_fields() {
        let card = CardIdentity::parse("01130012", "1234", "567", "01").unwrap();
        assert_eq!(card.symbol().unwrap().as_str(), "1234");
        assert_eq!(card.branch().unwrap().as_str(), "01");
        assert_eq!(card.number().as_str(), "567");
    }

    #[test]
    fn late_stage_elderly_card_has_no_symbol_or_branch() {
        let card = CardIdentity::parse("39131156", "", "12345678", "").unwrap();
        assert_eq!(card.insurer().kind(), InsurerKind::LateStageElderly);
        assert_eq!(
            CardIdentity::parse("39131156", "12", "12345678", ""),
            Err(CardError::SymbolOnLateStageElderlyCard)
        );
        assert_eq!(
            CardIdentity::parse("39131156", "", "12345678", "00"),
            Err(CardError::BranchOnLateStageElderlyCard)
        );
    }

    #[test]
    fn field_errors_pass_through() {
        assert!(matches!(
            CardIdentity::parse("0113001", "", "1", ""),
            Err(CardError::Insurer(_))
        ));
        assert!(matches!(
            CardIdentity::parse("01130012", "", "1", "1"),
            Err(CardError::Field(_))
        ));
    }
}
