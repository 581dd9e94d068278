//! The case file: extracts in (import, identities, uploads, documents), the pathway and the
//! stays projection built from them, stage 1 and the selection, releases to panels, and
//! forgetting a patient.

pub(crate) mod analysis;
pub(crate) mod decisions;
pub(crate) mod documents;
pub(crate) mod forget;
pub(crate) mod identity;
pub(crate) mod import;
pub(crate) mod lpr3;
pub(crate) mod material;
pub(crate) mod medcom;
pub(crate) mod pathway;
pub(crate) mod projection;
pub(crate) mod release;
pub(crate) mod uploads;
