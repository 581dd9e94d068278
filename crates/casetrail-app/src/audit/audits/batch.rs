//! Several audit events decided together and appended in one write, all or none: a panel
//! member's form saves all its answers, or, when one is refused, none of them, and says
//! every refusal at once, so the form can return with each field marked.

use casetrail_audit::audit::AuditEvent;
use casetrail_ledger::LedgerError;

use crate::core::error::{AppError, AuditError, CoreError};
use crate::core::workbench::Workbench;

impl Workbench {
    /// Decides `events` in order, each on the state the ones before it leave, and appends
    /// them in one write if every one is accepted. Otherwise nothing is written and
    /// [`AuditError::AuditRules`] lists every refusal with the index of its event (an event
    /// refused is not applied, so the ones after it are decided as if it had not been sent).
    pub fn audit_event_batch(
        &self,
        audit: &str,
        events: Vec<AuditEvent>,
        by: &str,
    ) -> Result<Vec<u64>, AppError> {
        const ATTEMPTS: usize = 8;
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let writer = self.audit_writer(audit);
        let _turn = writer.lock().expect("not poisoned");
        let mut attempt = 1;
        loop {
            let (state, q, count) = self.audit_state(audit)?;
            let mut next = (*state).clone();
            let mut refused = Vec::new();
            for (i, event) in events.iter().enumerate() {
                match next.decide(&q, event) {
                    Ok(()) => next.apply(event),
                    Err(rule) => refused.push((i, rule)),
                }
            }
            if !refused.is_empty() {
                return Err(AuditError::AuditRules {
                    audit: audit.to_owned(),
                    refused,
                }
                .into());
            }
            match self.append_audit_events(audit, Some(count), events.clone(), by) {
                Err(AppError::Core(CoreError::Ledger(LedgerError::VersionConflict { .. })))
                    if attempt < ATTEMPTS =>
                {
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use casetrail_audit::audit::{AuditError as Rule, AuditEvent};

    use crate::audit::audits::{DEFACTUM_2019, NewAudit};
    use crate::core::error::{AppError, AuditError};

    fn member(member: &str, sector: &str) -> AuditEvent {
        AuditEvent::MemberAdded {
            panel: "P".into(),
            member: member.into(),
            sector: sector.into(),
            role: "r".into(),
        }
    }

    #[test]
    fn a_batch_with_one_refusal_writes_nothing_and_names_every_refusal() {
        let (_dir, wb) = crate::core::workbench::temp_workbench();
        wb.create_audit("A", NewAudit::default(), DEFACTUM_2019, "f")
            .unwrap();
        let refused = wb
            .audit_event_batch(
                "A",
                vec![
                    member("m1", "region"),
                    member("m1", "region"),
                    member("m2", "police"),
                    member("m2", "police"),
                ],
                "f",
            )
            .unwrap_err();
        let AppError::Audit(AuditError::AuditRules { audit, refused }) = refused else {
            panic!("not a batch refusal: {refused}");
        };
        assert_eq!(audit, "A");
        assert_eq!(
            refused.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            vec![1, 3]
        );
        assert!(matches!(refused[0].1, Rule::AlreadyMember { .. }));
        assert_eq!(wb.audit_events("A").unwrap().len(), 1, "nothing written");

        let written = wb
            .audit_event_batch(
                "A",
                vec![member("m1", "region"), member("m2", "police")],
                "f",
            )
            .unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(written[1], written[0] + 1);
        let (state, _, count) = wb.audit_state("A").unwrap();
        assert_eq!((state.panels["P"].members.len(), count), (2, 3));
        assert!(
            wb.audit_event_batch("A", Vec::new(), "f")
                .unwrap()
                .is_empty()
        );
    }
}
