//! The core: opening a data directory, its layout, the clock, the caches, the errors, and
//! the sealed scratch files that large imports sort through.
//! Every capability builds on this; it depends on none of them.

pub(crate) mod caches;
pub(crate) mod error;
pub(crate) mod layout;
pub(crate) mod private;
pub(crate) mod spill;
pub(crate) mod workbench;
