//! The facilitator's decisions on residual-risk review items: one at a time, or many in one
//! write (a long case can flag hundreds of words, and deciding them one request each is
//! neither pleasant nor atomic).

use casetrail_domain::{DomainEvent, RiskDecision, RiskReviewed};

use crate::core::error::{AppError, CaseFileError, CoreError};
use crate::core::workbench::Workbench;

/// The most decisions one request records.
pub const MAX_DECISIONS: usize = 2_000;

impl Workbench {
    /// Records the facilitator's decision on a residual-risk term. The term is sealed under
    /// the patient's key like any personal field.
    pub fn decide(
        &self,
        case: &str,
        term: &str,
        decision: RiskDecision,
        by: &str,
    ) -> Result<u64, AppError> {
        let positions = self.decide_all(case, &[(term.to_owned(), decision)], by)?;
        Ok(positions[0])
    }

    /// Records decisions on several terms in one write, all or none: refused as a whole for
    /// an empty term, none at all, or more than [`MAX_DECISIONS`]. Returns the positions.
    pub fn decide_all(
        &self,
        case: &str,
        decisions: &[(String, RiskDecision)],
        by: &str,
    ) -> Result<Vec<u64>, AppError> {
        if decisions.is_empty() || decisions.len() > MAX_DECISIONS {
            return Err(CoreError::BadForm {
                what: format!(
                    "{} decisions: choose between 1 and {MAX_DECISIONS} review items",
                    decisions.len()
                ),
            }
            .into());
        }
        if decisions.iter().any(|(t, _)| t.trim().is_empty()) {
            return Err(CaseFileError::EmptyTerm.into());
        }
        let stream = self.case_stream(case)?;
        let key = self.case_key(&stream)?;
        let events = decisions
            .iter()
            .enumerate()
            .map(|(i, (term, decision))| {
                let term = term.trim();
                let event = DomainEvent::RiskReviewed(RiskReviewed {
                    patient: stream.patient.clone(),
                    term: key.seal_str(&stream.patient, "term", term),
                    decision: *decision,
                });
                // The stream's length and the place in the batch make each id unique, and
                // the same request sent twice (the same length) writes nothing new.
                let id_key = format!(
                    "risk/{}/{}/{i}/{}",
                    stream.patient,
                    stream.events.len(),
                    casetrail_domain::hex::encode(&key.content_id(term.as_bytes()))
                );
                (event, id_key)
            })
            .collect();
        self.append_case_events(&stream, events, by)
    }
}

#[cfg(test)]
mod tests {
    use casetrail_anon::{PseudonymKey, RedactionPolicy};
    use casetrail_domain::{DatePolicy, MaterialSource, NaiveDate};

    use super::*;

    #[test]
    fn many_review_items_are_decided_in_one_write_or_not_at_all() {
        let (_dir, wb) = crate::core::workbench::temp_workbench();
        let key = PseudonymKey::from_bytes([5; 32]);
        wb.load_workbench_demo(&key).unwrap();
        let date = NaiveDate::from_ymd_opt(2019, 3, 4).unwrap();
        let text = "Borgeren talte om 4711223344, om Qwzrtyville og om Blorptown.";
        wb.attach_material("SAG1", MaterialSource::MunicipalNotes, date, text, "f")
            .unwrap();
        let open = |wb: &Workbench| {
            wb.review(
                "SAG1",
                &key,
                DatePolicy::RelativeDays,
                RedactionPolicy::Strict,
            )
            .unwrap()
        };
        let findings = open(&wb);
        assert!(
            !findings.is_empty(),
            "the material leaves something to review"
        );
        let head = wb.head();
        let mut all: Vec<(String, RiskDecision)> = findings
            .iter()
            .map(|f| (f.term.clone(), RiskDecision::Accept))
            .collect();
        all.push(("  ".into(), RiskDecision::Redact));
        assert!(matches!(
            wb.decide_all("SAG1", &all, "f"),
            Err(AppError::CaseFile(CaseFileError::EmptyTerm))
        ));
        assert!(wb.decide_all("SAG1", &[], "f").is_err());
        assert_eq!(wb.head(), head, "a refused batch writes nothing");
        all.pop();
        let positions = wb.decide_all("SAG1", &all, "f").unwrap();
        assert_eq!(positions.len(), all.len());
        assert!(open(&wb).is_empty(), "every item decided");
    }
}
