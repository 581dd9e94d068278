//! What a workbench keeps between calls: audits as last read, and one writer lock per audit.
//! They live in the core because the [`Workbench`](crate::Workbench) owns them; the audit
//! capability fills and reads them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use casetrail_audit::Questionnaire;
use casetrail_audit::audit::Audit;

/// An audit's state as last read, and how many events it was read from.
#[derive(Debug)]
pub(crate) struct CachedAudit {
    pub(crate) count: u64,
    pub(crate) state: Arc<Audit>,
    pub(crate) questionnaire: Arc<Questionnaire>,
}

pub(crate) type AuditCache = Mutex<HashMap<String, CachedAudit>>;

/// One lock per audit for the writers of this process.
pub(crate) type AuditWriters = Mutex<HashMap<String, Arc<Mutex<()>>>>;
