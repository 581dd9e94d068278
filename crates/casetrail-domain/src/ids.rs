//! Identifiers of things in a pathway. Local identifiers from the region's extract, never CPR.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

macro_rules! local_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks the id: 1-64 characters of A-Z a-z 0-9 - _ . :
            pub fn new(value: impl Into<String>) -> Result<Self, DomainError> {
                let value = value.into();
                let ok = !value.is_empty()
                    && value.len() <= 64
                    && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
                if ok {
                    Ok(Self(value))
                } else {
                    Err(DomainError::InvalidId { what: $what, value })
                }
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(value: String) -> Result<Self, DomainError> {
                Self::new(value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

local_id!(
    /// A patient as the extract names them (for example `P000123`): 1-64 of `A-Z a-z 0-9 - _ . :`.
    PatientId,
    "patient id"
);
local_id!(
    /// A stay (admission) within a patient's pathway.
    StayId,
    "stay id"
);
local_id!(
    /// A contact with any actor.
    ContactId,
    "contact id"
);
local_id!(
    /// A plan (treatment plan, discharge agreement, …) across its revisions.
    PlanId,
    "plan id"
);
local_id!(
    /// A piece of case material.
    MaterialId,
    "material id"
);

local_id!(
    /// A message from another system (a MedCom message's MessageHeader id).
    MessageId,
    "message id"
);

local_id!(
    /// A relative, friend or professional known to a case.
    PersonId,
    "person id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert!(PatientId::new("P000123").is_ok());
        assert!(PatientId::new("").is_err());
        assert!(PatientId::new("has space").is_err());
        assert!(PatientId::new("x".repeat(65)).is_err());
        let err = serde_json::from_str::<PatientId>("\"bad id\"").unwrap_err();
        assert!(err.to_string().contains("patient id"), "{err}");
    }
}
