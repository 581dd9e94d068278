//! Themes and meeting notes worded anew: a revision names the panel, the list and the place,
//! and replaces the text there in the state; the first wording stays in the log.

use super::{Audit, AuditError, PanelText};

impl Audit {
    /// Refuses a revision of a text the panel does not have, or of an unrevealed panel's
    /// (which has no meeting yet).
    pub(super) fn check_revision(
        &self,
        panel: &str,
        kind: PanelText,
        index: u32,
    ) -> Result<(), AuditError> {
        let p = self.panels.get(panel).ok_or_else(|| AuditError::NoPanel {
            panel: panel.to_owned(),
        })?;
        if !p.revealed {
            return Err(AuditError::NotRevealed {
                panel: panel.to_owned(),
            });
        }
        let len = match kind {
            PanelText::Theme => p.themes.len(),
            PanelText::Note => p.notes.len(),
        };
        if index as usize >= len {
            return Err(AuditError::NoSuchText {
                panel: panel.to_owned(),
                kind,
                index,
            });
        }
        Ok(())
    }

    /// Puts the new wording in place of the old.
    pub(super) fn apply_revision(&mut self, panel: &str, kind: PanelText, index: u32, text: &str) {
        let Some(p) = self.panels.get_mut(panel) else {
            return;
        };
        let list = match kind {
            PanelText::Theme => &mut p.themes,
            PanelText::Note => &mut p.notes,
        };
        if let Some(slot) = list.get_mut(index as usize) {
            *slot = text.to_owned();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{created, q, run};
    use super::super::*;

    #[test]
    fn a_theme_is_worded_anew_in_its_place_and_only_after_the_reveal() {
        let q = q();
        let mut a = created(&q);
        let add = AuditEvent::MemberAdded {
            panel: "A".into(),
            member: "m1".into(),
            sector: "region".into(),
            role: "r".into(),
        };
        run(&mut a, &q, add).unwrap();
        let revise = |index: u32, text: &str| AuditEvent::PanelTextRevised {
            panel: "A".into(),
            kind: PanelText::Theme,
            index,
            text: text.into(),
        };
        assert_eq!(
            a.decide(&q, &revise(0, "x")),
            Err(AuditError::NotRevealed { panel: "A".into() })
        );
        let open = AuditEvent::ScoringOpened {
            reason: Some("test".into()),
        };
        run(&mut a, &q, open).unwrap();
        let reveal = AuditEvent::ScoresRevealed {
            panel: "A".into(),
            reason: Some("test".into()),
        };
        run(&mut a, &q, reveal).unwrap();
        for theme in ["Udskrivelse uden plan", "Lægevagten kender ikke planen"] {
            let t = AuditEvent::ThemeRecorded {
                panel: "A".into(),
                theme: theme.into(),
            };
            run(&mut a, &q, t).unwrap();
        }
        assert_eq!(
            a.decide(&q, &revise(2, "x")),
            Err(AuditError::NoSuchText {
                panel: "A".into(),
                kind: PanelText::Theme,
                index: 2
            })
        );
        run(&mut a, &q, revise(0, "Udskrivelse uden fælles plan")).unwrap();
        assert_eq!(
            a.panels["A"].themes,
            [
                "Udskrivelse uden fælles plan",
                "Lægevagten kender ikke planen"
            ]
        );
        assert!(a.panels["A"].notes.is_empty(), "the other list untouched");
        let json = serde_json::to_vec(&revise(1, "y")).unwrap();
        assert_eq!(
            AuditEvent::decode(AUDIT_SCHEMA_VERSION, &json).unwrap(),
            revise(1, "y")
        );
    }
}
