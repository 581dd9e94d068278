//! The submitted ratings as units × raters, the shape Krippendorff's alpha takes: per case,
//! per question and per panel. Only revealed panels count, so agreement is never shown while
//! a member could still change an answer.

use super::{Audit, Value};

impl Audit {
    /// The ratings of one revealed case as units (the rated questions) × raters (its panel's
    /// members): agreement per case.
    pub fn case_units(&self, case: &str, questions: &[&str]) -> Vec<Vec<Option<f64>>> {
        let Some(panel) = self
            .panels
            .values()
            .find(|p| p.revealed && p.cases.contains_key(case))
        else {
            return Vec::new();
        };
        questions
            .iter()
            .map(|q| {
                panel
                    .members
                    .keys()
                    .map(|m| self.submitted_step(m, case, q))
                    .collect()
            })
            .collect()
    }

    fn submitted_step(&self, member: &str, case: &str, question: &str) -> Option<f64> {
        let key = (
            member.to_owned(),
            Some(case.to_owned()),
            question.to_owned(),
        );
        match self.answers.get(&key).map(|a| &a.value) {
            Some(Value::Step(v)) if self.has_submitted(member, Some(case)) => Some(*v as f64),
            _ => None,
        }
    }

    /// The ratings of one question as units (cases) × raters (members), for alpha. "Cannot be
    /// assessed" and unanswered are missing. Only revealed panels count.
    pub fn rating_units(&self, question: &str) -> Vec<Vec<Option<f64>>> {
        let revealed = self.panels.iter().filter(|(_, p)| p.revealed);
        revealed
            .flat_map(|(name, _)| self.panel_units(name, question))
            .collect()
    }

    /// The ratings of one question in one revealed panel: its cases × its members. Empty for
    /// a panel that is not revealed (or does not exist).
    pub fn panel_units(&self, panel: &str, question: &str) -> Vec<Vec<Option<f64>>> {
        let Some(panel) = self.panels.get(panel).filter(|p| p.revealed) else {
            return Vec::new();
        };
        panel
            .cases
            .keys()
            .map(|case| {
                panel
                    .members
                    .keys()
                    .map(|m| self.submitted_step(m, case, question))
                    .collect()
            })
            .collect()
    }
}
