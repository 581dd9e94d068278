//! Personal data as the domain carries it: sealed (encrypted) bytes it cannot read.
//!
//! The domain core never sees a key. Whoever builds an event seals the personal fields under
//! the patient's key first (see the protection crate); projections that may show them open
//! them there. Once a patient's key is destroyed, what is sealed here can never be opened.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Encrypted bytes: nonce, ciphertext and tag, in whatever layout the sealer uses.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Sealed(pub Vec<u8>);

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

impl Serialize for Sealed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Sealed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map(Sealed)
            .map_err(|e| serde::de::Error::custom(format!("sealed field is not base64: {e}")))
    }
}
