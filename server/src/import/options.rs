//! What the caller (CLI or upload handler) tells every parser.

use domain::people::PersonId;

/// Options shared by all import parsers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// The person to attach everything to (`--person`); otherwise the importer matches by card
    /// and birth date.
    pub person: Option<PersonId>,
}

impl ParseOptions {
    /// The id written into each line's `ClaimSource::person` while parsing. When no person is
    /// known yet this is a placeholder that `PersonRecords::assign_person` overwrites once the
    /// person is matched or created; nothing may be stored under it.
    pub(crate) fn line_owner(&self, from_file: Option<&PersonId>) -> PersonId {
        self.person
            .clone()
            .or_else(|| from_file.cloned())
            .unwrap_or_else(unassigned_person)
    }
}

/// Placeholder owner of lines whose person is not known yet (see [`ParseOptions::line_owner`]).
pub fn unassigned_person() -> PersonId {
    PersonId::parse("unassigned").expect("valid person id")
}
