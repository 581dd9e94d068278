//! The application façade against real RocksDB in temporary folders: what it leaves on disk,
//! and the identities it keeps apart.

mod identity;
mod on_disk;
mod streaming_import;

use std::path::Path;
use std::sync::Arc;

use casetrail_app::{Access, Workbench};

pub(crate) const CONTACTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/import/contacts-small.csv"
);

/// A workbench in `data` with the contacts fixture imported.
pub(crate) fn with_contacts(data: &Path) -> Workbench {
    let wb = open(data);
    wb.import_file(
        Path::new(CONTACTS),
        casetrail_app::ImportOptions::default(),
        "anna",
        &mut casetrail_app::Quiet,
    )
    .expect("the contacts fixture imports");
    wb
}

pub(crate) fn open(data: &Path) -> Workbench {
    let clock = Arc::new(casetrail_ledger::ManualClock::new(
        casetrail_ledger::Timestamp(1_546_300_800_000_000),
        1_000,
    ));
    Workbench::open(data, Access::ReadWrite, clock).expect("the workbench opens")
}
