//! What a refusal says to the person who met it, in their language: the audit's rules, user
//! names and passwords, forms. The application's errors are English for the log and the CLI;
//! a page words them from their fields here, and a field's form can be marked from them.

use casetrail_app::{AppError, AuditError, AuditRuleError, CoreError, Questionnaire};

use crate::i18n::{Lang, text};
use crate::views::{fill, question_text};

mod import_rows;

pub use import_rows::{field_problem, file_problem};

/// A question as the reader knows it: its text in the questionnaire, or "a question".
fn question_name(lang: Lang, q: Option<&Questionnaire>, id: &str) -> String {
    q.and_then(|q| q.question(id))
        .map(|x| format!("“{}”", question_text(lang, x)))
        .unwrap_or_else(|| text(lang, "problem_a_question").to_owned())
}

/// One rule of the audit that refused a change, in words.
pub fn rule_text(lang: Lang, q: Option<&Questionnaire>, rule: &AuditRuleError) -> String {
    use AuditRuleError as R;
    let question = |id: &str| question_name(lang, q, id);
    match rule {
        R::NotCreated => text(lang, "problem_not_created").to_owned(),
        R::AlreadyCreated => text(lang, "problem_already_created").to_owned(),
        R::Closed => text(lang, "problem_closed").to_owned(),
        R::NotAMember { member, panel } => fill(
            lang,
            "problem_not_a_member",
            &[("member", member), ("panel", panel)],
        ),
        R::AlreadyMember { member, panel } => fill(
            lang,
            "problem_already_member",
            &[("member", member), ("panel", panel)],
        ),
        R::NoPanel { panel } => fill(lang, "problem_no_panel", &[("panel", panel)]),
        R::NotAssigned { case, .. } => fill(lang, "problem_not_assigned", &[("case", case)]),
        R::AlreadyAssigned { case, panel } => fill(
            lang,
            "problem_already_assigned",
            &[("case", case), ("panel", panel)],
        ),
        R::ScoringNotOpen => text(lang, "problem_scoring_not_open").to_owned(),
        R::ScoringAlreadyOpen => text(lang, "problem_scoring_already_open").to_owned(),
        R::Revealed { panel } => fill(lang, "problem_revealed", &[("panel", panel)]),
        R::NotRevealed { panel } => fill(lang, "problem_not_revealed", &[("panel", panel)]),
        R::NoSuchQuestion { question: id, .. } | R::WrongScope { question: id, .. } => fill(
            lang,
            "problem_no_such_question",
            &[("question", &question(id))],
        ),
        R::OffScale { question: id, .. } | R::WrongKind { question: id, .. } => {
            fill(lang, "problem_off_scale", &[("question", &question(id))])
        }
        R::JustificationRequired { question: id } => fill(
            lang,
            "problem_justification_required",
            &[("question", &question(id))],
        ),
        R::WrongVersion { .. } => text(lang, "problem_wrong_version").to_owned(),
        R::AlreadySubmitted { case, .. } => {
            fill(lang, "problem_already_submitted", &[("case", case)])
        }
        R::NotSubmitted { case, .. } => fill(lang, "problem_not_submitted", &[("case", case)]),
        R::NothingToSubmit { .. } => text(lang, "problem_nothing_to_submit").to_owned(),
        R::Incomplete { questions, .. } => fill(
            lang,
            "problem_incomplete",
            &[
                ("count", &questions.len().to_string()),
                (
                    "questions",
                    &questions
                        .iter()
                        .map(|id| question(id))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
        ),
        R::NotNewer { case, assigned, .. } => fill(
            lang,
            "problem_not_newer",
            &[("case", case), ("assigned", &assigned.to_string())],
        ),
        R::WouldSetAside {
            case,
            panel,
            submitted,
        } => fill(
            lang,
            "problem_would_set_aside",
            &[
                ("case", case),
                ("panel", panel),
                ("submitted", &submitted.to_string()),
            ],
        ),
        R::NoSuchText { panel, .. } => fill(lang, "problem_no_such_text", &[("panel", panel)]),
        R::NoRecommendation { number } => fill(
            lang,
            "problem_no_recommendation",
            &[("number", &number.to_string())],
        ),
        R::NotADate { value } => fill(lang, "problem_not_a_date", &[("value", value)]),
        R::FollowUpTooLong { length } => fill(
            lang,
            "problem_follow_up_too_long",
            &[
                ("length", &length.to_string()),
                ("max", &casetrail_app::MAX_FOLLOW_UP.to_string()),
            ],
        ),
        R::RecommendationNumber { number, next } => fill(
            lang,
            "problem_recommendation_number",
            &[("number", &number.to_string()), ("next", &next.to_string())],
        ),
        R::NoOwner => text(lang, "problem_no_owner").to_owned(),
        R::NotReady { count, .. } => {
            fill(lang, "problem_not_ready", &[("count", &count.to_string())])
        }
        R::ReasonTooLong { length } => fill(
            lang,
            "problem_reason_too_long",
            &[
                ("length", &length.to_string()),
                ("max", &casetrail_app::MAX_REASON.to_string()),
            ],
        ),
        R::PanelNameClash { panel, existing } => fill(
            lang,
            "problem_panel_name_clash",
            &[("panel", panel), ("existing", existing)],
        ),
    }
}

/// The questions a refusal is about: the fields a form marks.
pub fn rule_questions(rule: &AuditRuleError) -> Vec<&str> {
    use AuditRuleError as R;
    match rule {
        R::NoSuchQuestion { question, .. }
        | R::WrongScope { question, .. }
        | R::OffScale { question, .. }
        | R::WrongKind { question, .. }
        | R::JustificationRequired { question } => vec![question.as_str()],
        R::Incomplete { questions, .. } => questions.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The rules an error holds: one, several (a form's changes sent together), or none.
pub fn rules(e: &AppError) -> Vec<&AuditRuleError> {
    match e {
        AppError::Audit(AuditError::AuditRule { rule, .. }) => vec![rule],
        AppError::Audit(AuditError::AuditRules { refused, .. }) => {
            refused.iter().map(|(_, r)| r).collect()
        }
        _ => Vec::new(),
    }
}

/// An application error as the reader is told it. What has no wording here yet is said in
/// the reader's language as "could not be done", with the English description beside it.
pub fn explain(lang: Lang, q: Option<&Questionnaire>, e: &AppError) -> String {
    let rules = rules(e);
    if !rules.is_empty() {
        let mut said: Vec<String> = rules.iter().map(|r| rule_text(lang, q, r)).collect();
        said.dedup();
        return said.join(" ");
    }
    match e {
        AppError::Audit(AuditError::UserName { name }) => {
            fill(lang, "problem_user_name", &[("name", name)])
        }
        AppError::Audit(AuditError::UserExists { name }) => {
            fill(lang, "problem_user_exists", &[("name", name)])
        }
        AppError::Audit(AuditError::NoUser { name }) => {
            fill(lang, "problem_no_user", &[("name", name)])
        }
        AppError::Audit(AuditError::WeakPassword { chars, min }) => fill(
            lang,
            "problem_weak_password",
            &[("chars", &chars.to_string()), ("min", &min.to_string())],
        ),
        AppError::Audit(AuditError::NoAudit { audit }) => {
            fill(lang, "problem_no_audit", &[("audit", audit)])
        }
        AppError::Audit(AuditError::AuditId { value }) => {
            fill(lang, "problem_audit_id", &[("audit", value)])
        }
        // Forms word their own complaint, in the reader's language.
        AppError::Core(CoreError::BadForm { what }) => what.clone(),
        AppError::CaseFile(casetrail_app::CaseFileError::ImportFile { source, .. }) => {
            file_problem(lang, source)
        }
        AppError::CaseFile(
            casetrail_app::CaseFileError::Document { reason }
            | casetrail_app::CaseFileError::Pdf { reason },
        ) => fill(lang, "problem_document", &[("detail", reason)]),
        other => fill(lang, "problem_other", &[("detail", &other.to_string())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule has Danish and English words of its own (no English description, no field
    /// name), and the placeholders are all filled.
    #[test]
    fn every_rule_is_worded_in_both_languages_with_its_placeholders_filled() {
        use AuditRuleError as R;
        let s = || "P".to_owned();
        let every = [
            R::NotCreated,
            R::AlreadyCreated,
            R::Closed,
            R::NotAMember {
                member: s(),
                panel: s(),
            },
            R::AlreadyMember {
                member: s(),
                panel: s(),
            },
            R::NoPanel { panel: s() },
            R::NotAssigned {
                case: s(),
                member: s(),
            },
            R::AlreadyAssigned {
                case: s(),
                panel: s(),
            },
            R::ScoringNotOpen,
            R::ScoringAlreadyOpen,
            R::Revealed { panel: s() },
            R::NotRevealed { panel: s() },
            R::NoSuchQuestion {
                question: s(),
                questionnaire: s(),
            },
            R::WrongScope {
                question: s(),
                asked: "per case",
                what: "x",
            },
            R::OffScale {
                question: s(),
                value: s(),
                steps: vec![1],
            },
            R::WrongKind {
                question: s(),
                expected: "x",
            },
            R::JustificationRequired { question: s() },
            R::WrongVersion {
                expected: s(),
                found: s(),
            },
            R::AlreadySubmitted {
                member: s(),
                case: s(),
            },
            R::NotSubmitted {
                member: s(),
                case: s(),
            },
            R::NothingToSubmit {
                member: s(),
                case: s(),
            },
            R::Incomplete {
                member: s(),
                case: s(),
                missing: 1,
                questions: vec![s()],
            },
            R::NotNewer {
                case: s(),
                assigned: 2,
                given: 1,
            },
            R::WouldSetAside {
                case: s(),
                panel: s(),
                submitted: 2,
            },
            R::NoSuchText {
                panel: s(),
                kind: casetrail_app::PanelText::Theme,
                index: 3,
            },
            R::NoRecommendation { number: 4 },
            R::NotADate { value: s() },
            R::FollowUpTooLong { length: 3000 },
            R::RecommendationNumber { number: 2, next: 3 },
            R::NoOwner,
            R::NotReady {
                step: s(),
                count: 2,
                first: s(),
            },
            R::ReasonTooLong { length: 3000 },
            R::PanelNameClash {
                panel: s(),
                existing: s(),
            },
        ];
        for lang in [Lang::Da, Lang::En] {
            let mut seen = std::collections::BTreeSet::new();
            for rule in &every {
                let said = rule_text(lang, None, rule);
                assert!(
                    !said.contains('{') && !said.contains('…'),
                    "{rule:?}: {said}"
                );
                assert_ne!(said, rule.to_string(), "{rule:?} is not worded");
                seen.insert(said);
            }
            // Distinct rules read differently (a few share one wording on purpose).
            assert!(seen.len() >= every.len() - 3, "{}", seen.len());
        }
        let incomplete = R::Incomplete {
            member: s(),
            case: s(),
            missing: 2,
            questions: vec!["a".into(), "b".into()],
        };
        assert_eq!(rule_questions(&incomplete), vec!["a", "b"]);
        assert!(rule_text(Lang::Da, None, &incomplete).starts_with("2 "));
    }

    #[test]
    fn user_errors_are_worded_and_the_rest_keeps_the_english_detail_beside_the_words() {
        let exists = AppError::Audit(AuditError::UserExists { name: "kim".into() });
        assert!(explain(Lang::Da, None, &exists).contains("kim"));
        assert!(!explain(Lang::Da, None, &exists).contains("already"));
        let other = AppError::Audit(AuditError::Password("x".into()));
        let said = explain(Lang::Da, None, &other);
        assert!(said.contains("password hashing failed"), "{said}");
        assert!(said.len() > other.to_string().len());
    }
}
