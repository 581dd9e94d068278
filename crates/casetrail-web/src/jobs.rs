//! Imports under way: the upload's page follows one while the façade imports it.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use casetrail_app::AppError;

/// An import under way, as its page shows it.
#[derive(Debug)]
pub struct ImportJob {
    pub(crate) file: String,
    pub(crate) total: AtomicU64,
    pub(crate) done: AtomicU64,
    pub(crate) outcome: Mutex<Option<Result<casetrail_app::ImportSummary, AppError>>>,
}

impl ImportJob {
    pub(crate) fn new(file: String) -> Self {
        ImportJob {
            file,
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            outcome: Mutex::new(None),
        }
    }

    pub(crate) fn finish(&self, outcome: Result<casetrail_app::ImportSummary, AppError>) {
        if let Err(e) = &outcome
            && e.kind() == casetrail_app::ErrorKind::Internal
        {
            tracing::error!(error = %e, file = %self.file, "import failed");
        }
        *self.outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
    }
}

pub(crate) struct JobProgress(pub(crate) Arc<ImportJob>);

impl casetrail_app::Progress for JobProgress {
    fn start(&mut self, total_events: u64) {
        self.0.total.store(total_events, Ordering::Relaxed);
    }

    fn advance(&mut self, events: u64) {
        self.0.done.fetch_add(events, Ordering::Relaxed);
    }

    fn finish(&mut self) {}
}
