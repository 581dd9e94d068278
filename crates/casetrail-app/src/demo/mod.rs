//! Invented data to try the workbench with: synthetic pathways, and a whole demo audit with
//! users, panels and answers.

pub(crate) mod generate;
mod justifications;
pub(crate) mod load;
pub(crate) mod workbench;
