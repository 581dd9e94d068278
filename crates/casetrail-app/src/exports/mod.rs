//! What leaves the workbench: the findings in each format, the report's content, and the
//! signed receipts and checkpoints that let a reader check them.

pub(crate) mod download;
pub(crate) mod fhir;
pub(crate) mod findings;
pub(crate) mod formats;
pub(crate) mod parquet;
pub(crate) mod receipts;
pub(crate) mod redcap;
pub(crate) mod report;
pub(crate) mod report_file;
pub mod spreadsheet;
