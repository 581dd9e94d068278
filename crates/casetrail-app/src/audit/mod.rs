//! The audit: audits and their panels, the workbench's users, who looked at what, and
//! agreement between raters.

pub(crate) mod access;
pub(crate) mod agreement;
pub(crate) mod audits;
pub(crate) mod users;
