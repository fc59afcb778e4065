//! Ids as types: one macro makes every id that crosses a layer (people, claims, institutions,
//! grants, hand lines, audit entries, accounts). Each parses once — `parse` for text from a
//! URL or a form, `Deserialize` through the same check (`serde(try_from)`) — so an invalid id
//! is refused at the edge and no function takes "some string that should be an id".

/// Why an id was refused; the first field names the id ("person id", "grant id", …).
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum IdError {
    #[error("{0} is empty")]
    Empty(&'static str),
    #[error("{0} is longer than 64 characters")]
    TooLong(&'static str),
    #[error("{0} may only hold {1}")]
    BadChar(&'static str, &'static str),
    #[error("{0} must be a positive whole number")]
    NotSerial(&'static str),
}

/// The rule of text ids from outside (claims, institutions, accounts): trimmed, 1–64 ASCII
/// letters, digits, '-' and '_'.
pub fn text_id(raw: &str, what: &'static str) -> Result<String, IdError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(IdError::Empty(what));
    }
    if s.len() > 64 {
        return Err(IdError::TooLong(what));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(IdError::BadChar(what, "ASCII letters, digits, '-' and '_'"));
    }
    Ok(s.to_owned())
}

/// A row id: a positive integer, from a number or its decimal text.
pub fn serial_id(n: i64, what: &'static str) -> Result<i64, IdError> {
    if n > 0 {
        Ok(n)
    } else {
        Err(IdError::NotSerial(what))
    }
}

/// Makes an id type.
///
/// - `opaque_id!(Name, "what", "doc")`: a text id under [`text_id`];
/// - `opaque_id!(Name, "what", "doc", check = path)`: a text id under another rule
///   (`fn(&str, &'static str) -> Result<String, IdError>`);
/// - `opaque_id!(Name, "what", "doc", serial)`: a database row id (a positive `i64`),
///   serialized as a number.
macro_rules! opaque_id {
    ($name:ident, $what:literal, $doc:literal) => {
        opaque_id!($name, $what, $doc, check = $crate::id::text_id);
    };
    ($name:ident, $what:literal, $doc:literal, check = $check:path) => {
        #[doc = $doc]
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
        )]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, $crate::id::IdError> {
                $check(raw, $what).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::id::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::id::IdError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::openapi::text($doc, None)
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
    ($name:ident, $what:literal, $doc:literal, serial) => {
        #[doc = $doc]
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name(i64);

        impl $name {
            pub fn new(n: i64) -> Result<Self, $crate::id::IdError> {
                $crate::id::serial_id(n, $what).map(Self)
            }

            /// From a URL or form value (decimal digits).
            pub fn parse(raw: &str) -> Result<Self, $crate::id::IdError> {
                raw.trim()
                    .parse::<i64>()
                    .map_err(|_| $crate::id::IdError::NotSerial($what))
                    .and_then(Self::new)
            }

            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::id::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<i64> for $name {
            type Error = $crate::id::IdError;
            fn try_from(value: i64) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::openapi::serial($doc)
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

opaque_id!(
    GrantId,
    "grant id",
    "One grant of access (代理人), as stored.",
    serial
);
opaque_id!(
    InvitationId,
    "invitation id",
    "One proxy invitation, as stored.",
    serial
);
opaque_id!(
    HandLineId,
    "hand line id",
    "A receipt added by hand to a deduction workbench.",
    serial
);
opaque_id!(
    AuditEntryId,
    "audit entry id",
    "One entry of the insert-only access log.",
    serial
);
opaque_id!(
    AccountId,
    "account id",
    "A sign-in account (one per identity provider subject); random, opaque."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_ids_are_positive_and_deserialize_through_the_check() {
        assert_eq!(GrantId::parse("42").map(GrantId::get), Ok(42));
        assert_eq!(GrantId::parse("0"), Err(IdError::NotSerial("grant id")));
        assert_eq!(GrantId::parse("-3"), Err(IdError::NotSerial("grant id")));
        assert!(AuditEntryId::parse("1e3").is_err());
        assert_eq!(serde_json::from_str::<HandLineId>("7").unwrap().get(), 7);
        assert!(serde_json::from_str::<HandLineId>("0").is_err());
        assert_eq!(
            serde_json::to_string(&GrantId::new(5).unwrap()).unwrap(),
            "5"
        );
    }

    #[test]
    fn text_ids_deserialize_through_the_check() {
        assert!(serde_json::from_str::<AccountId>("\"a-1_B\"").is_ok());
        assert!(serde_json::from_str::<AccountId>("\"a b\"").is_err());
        assert!(serde_json::from_str::<AccountId>("\"\"").is_err());
        let e = AccountId::parse("x/y").unwrap_err().to_string();
        assert!(e.starts_with("account id may only hold"), "{e}");
    }
}
