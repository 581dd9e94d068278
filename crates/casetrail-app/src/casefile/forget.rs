//! Forgetting a patient: the key goes, the record of the forgetting stays.

use casetrail_domain::{DomainEvent, PatientErased, PatientId};
use casetrail_ledger::{AppendRequest, EventId, EventType, ExpectedVersion, NewEvent, StreamId};

use crate::core::error::{AppError, CaseFileError};

use crate::core::layout::vault_name;
use crate::core::workbench::{Workbench, actor};

/// What forgetting did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgotten {
    pub patient: PatientId,
    pub position: u64,
}

impl Workbench {
    /// Destroys the patient's key for good and appends an erasure event saying who did it
    /// (the ledger records when). Every sealed field of the patient is unreadable from then on;
    /// the chain still verifies, because it covers the ciphertext.
    pub fn forget(&self, patient: &str, by: &str) -> Result<Forgotten, AppError> {
        let patient = PatientId::new(patient).map_err(|source| CaseFileError::PatientId {
            value: patient.to_owned(),
            source,
        })?;
        let stream = StreamId::new(casetrail_import::stream_name(&patient))?;
        if self.ledger().stream_version(&stream)?.is_none() {
            return Err(CaseFileError::UnknownPatient {
                patient: patient.to_string(),
            }
            .into());
        }
        if !self.vault()?.destroy(&vault_name(&patient))? {
            return Err(CaseFileError::AlreadyForgotten {
                patient: patient.to_string(),
            }
            .into());
        }
        let event = DomainEvent::PatientErased(PatientErased {
            patient: patient.clone(),
        });
        let request = AppendRequest::new(actor(by)?).write(
            stream,
            ExpectedVersion::StreamExists,
            vec![NewEvent {
                id: EventId::derive(format!("erased/{patient}").as_bytes()),
                event_type: EventType::new(event.event_type())?,
                schema_version: event.schema_version(),
                metadata: Vec::new(),
                payload: event.encode(),
            }],
        );
        let done = self.ledger().append_blocking(request)?;
        Ok(Forgotten {
            patient,
            position: done.positions[0].0,
        })
    }
}
