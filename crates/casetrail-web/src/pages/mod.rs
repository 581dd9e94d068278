//! One module a page (or a group of routes): its `ROUTES`, its `routes(&Base)` filters, its
//! handlers and the view structs its templates receive.

pub mod access;
pub mod analysis;
pub mod assets;
pub mod audits;
pub mod casefile;
pub mod confirm;
pub mod exports;
pub mod import;
pub mod ops;
pub mod panel;
pub mod quality;
pub mod signin;
pub mod users;
