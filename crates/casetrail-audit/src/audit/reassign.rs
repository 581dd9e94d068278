//! Assigning a case, and assigning it again when a newer version is released. A panel keeps
//! the version it was given until the facilitator assigns the newer one; then the panel's
//! answers and submissions for that case are set aside (they stay in the log, bound to the
//! old content hash) and its members score the new version afresh, so every answer in the
//! state belongs to the version the panel holds.

use super::{Audit, AuditError};

impl Audit {
    /// Refuses an assignment of `case` to `panel` at `version` when another panel has the
    /// case, or when this panel has it at the same or a newer version, or is revealed, or
    /// when it would set aside submitted answers without saying so.
    pub(super) fn check_assignment(
        &self,
        panel: &str,
        case: &str,
        version: u32,
        set_aside_submitted: bool,
    ) -> Result<(), AuditError> {
        let Some((holder, held)) = self.panels.iter().find(|(_, x)| x.cases.contains_key(case))
        else {
            return Ok(());
        };
        if holder != panel {
            return Err(AuditError::AlreadyAssigned {
                case: case.to_owned(),
                panel: holder.clone(),
            });
        }
        if held.revealed {
            return Err(AuditError::Revealed {
                panel: panel.to_owned(),
            });
        }
        let assigned = held.cases[case].0;
        if version <= assigned {
            return Err(AuditError::NotNewer {
                case: case.to_owned(),
                assigned,
                given: version,
            });
        }
        let submitted = self.submitted_for(panel, case);
        if submitted > 0 && !set_aside_submitted {
            return Err(AuditError::WouldSetAside {
                case: case.to_owned(),
                panel: panel.to_owned(),
                submitted,
            });
        }
        Ok(())
    }

    /// How many of `panel`'s members have submitted their answers for `case`.
    pub fn submitted_for(&self, panel: &str, case: &str) -> usize {
        self.panels.get(panel).map_or(0, |p| {
            p.members
                .keys()
                .filter(|m| self.has_submitted(m, Some(case)))
                .count()
        })
    }

    /// Before a newer version of `case` replaces the panel's: the panel's answers and
    /// submissions for the case leave the state.
    pub(super) fn set_aside_case(&mut self, panel: &str, case: &str) {
        let Some(p) = self.panels.get(panel) else {
            return;
        };
        if !p.cases.contains_key(case) {
            return;
        }
        let members = p.members.clone();
        self.answers
            .retain(|(m, c, _), _| !(c.as_deref() == Some(case) && members.contains_key(m)));
        self.submitted
            .retain(|(m, c)| !(c.as_deref() == Some(case) && members.contains_key(m)));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{created, q, run};
    use super::super::*;

    fn assign(panel: &str, case: &str, version: u32) -> AuditEvent {
        AuditEvent::CaseAssigned {
            panel: panel.into(),
            case: case.into(),
            release_version: version,
            content_hash: format!("h-{case}-{version}"),
            set_aside_submitted: false,
        }
    }

    /// A newer version after members submitted: refused until the assignment says their
    /// submissions are set aside; an old event without the field reads as not saying so.
    #[test]
    fn setting_aside_submitted_answers_must_be_said() {
        let q = q();
        let mut a = created(&q);
        let add = AuditEvent::MemberAdded {
            panel: "A".into(),
            member: "m1".into(),
            sector: "region".into(),
            role: "r".into(),
        };
        run(&mut a, &q, add).unwrap();
        run(&mut a, &q, assign("A", "SAG", 1)).unwrap();
        let opened = AuditEvent::ScoringOpened {
            reason: Some("small test panel".into()),
        };
        run(&mut a, &q, opened).unwrap();
        a.apply(&AuditEvent::AnswersSubmitted {
            member: "m1".into(),
            case: Some("SAG".into()),
        });
        assert_eq!(a.submitted_for("A", "SAG"), 1);
        assert_eq!(
            a.decide(&q, &assign("A", "SAG", 2)),
            Err(AuditError::WouldSetAside {
                case: "SAG".into(),
                panel: "A".into(),
                submitted: 1
            })
        );
        let said = AuditEvent::CaseAssigned {
            panel: "A".into(),
            case: "SAG".into(),
            release_version: 2,
            content_hash: "h-SAG-2".into(),
            set_aside_submitted: true,
        };
        run(&mut a, &q, said.clone()).unwrap();
        assert_eq!(a.submitted_for("A", "SAG"), 0, "set aside");
        let old = r#"{"type":"CaseAssigned","data":{"panel":"A","case":"SAG","release_version":1,"content_hash":"h"}}"#;
        let read: AuditEvent = serde_json::from_str(old).unwrap();
        assert!(matches!(
            read,
            AuditEvent::CaseAssigned {
                set_aside_submitted: false,
                ..
            }
        ));
        let written = serde_json::to_string(&assign("A", "SAG", 1)).unwrap();
        assert!(
            !written.contains("set_aside"),
            "unchanged bytes when not said: {written}"
        );
        assert!(
            serde_json::to_string(&said)
                .unwrap()
                .contains("\"set_aside_submitted\":true")
        );
    }

    #[test]
    fn a_newer_version_replaces_the_panels_copy_and_sets_its_answers_aside() {
        let q = q();
        let mut a = created(&q);
        for (panel, member) in [("A", "m1"), ("B", "m2")] {
            let add = AuditEvent::MemberAdded {
                panel: panel.into(),
                member: member.into(),
                sector: "region".into(),
                role: "r".into(),
            };
            run(&mut a, &q, add).unwrap();
        }
        run(&mut a, &q, assign("A", "SAG", 1)).unwrap();
        let opened = AuditEvent::ScoringOpened {
            reason: Some("small test panel".into()),
        };
        run(&mut a, &q, opened).unwrap();
        let rated = q
            .questions
            .iter()
            .find(|x| matches!(x.kind, crate::questionnaire::QuestionKind::Rating { .. }))
            .unwrap();
        let answer = Answer {
            member: "m1".into(),
            case: Some("SAG".into()),
            question: rated.id.clone(),
            value: Value::Step(2),
            justification: "fordi".into(),
            content_hash: Some("h-SAG-1".into()),
        };
        run(&mut a, &q, AuditEvent::AnswerSaved(answer.clone())).unwrap();
        assert_eq!(a.answers_visible_to(Some("m1")).len(), 1);

        assert_eq!(
            a.decide(&q, &assign("B", "SAG", 2)),
            Err(AuditError::AlreadyAssigned {
                case: "SAG".into(),
                panel: "A".into()
            })
        );
        for stale in [1, 0] {
            assert_eq!(
                a.decide(&q, &assign("A", "SAG", stale)),
                Err(AuditError::NotNewer {
                    case: "SAG".into(),
                    assigned: 1,
                    given: stale
                })
            );
        }
        run(&mut a, &q, assign("A", "SAG", 2)).unwrap();
        assert_eq!(a.panels["A"].cases["SAG"], (2, "h-SAG-2".into()));
        assert!(a.answers_visible_to(Some("m1")).is_empty(), "set aside");
        // The old version's answer no longer fits; one for the new version does.
        assert!(matches!(
            a.decide(&q, &AuditEvent::AnswerSaved(answer.clone())),
            Err(AuditError::WrongVersion { .. })
        ));
        let renewed = Answer {
            content_hash: Some("h-SAG-2".into()),
            ..answer
        };
        run(&mut a, &q, AuditEvent::AnswerSaved(renewed)).unwrap();

        let reveal = AuditEvent::ScoresRevealed {
            panel: "A".into(),
            reason: Some("test".into()),
        };
        run(&mut a, &q, reveal).unwrap();
        assert_eq!(
            a.decide(&q, &assign("A", "SAG", 3)),
            Err(AuditError::Revealed { panel: "A".into() })
        );
    }
}
