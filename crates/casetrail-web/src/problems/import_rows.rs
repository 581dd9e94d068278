//! An import's refusals in the reader's language: each refused field of each line, and the
//! file-level problems (the header, the separator, unreadable bytes). The application keeps
//! them as data; the English sentence is for the CLI and the rejected-rows file.

use casetrail_app::{FieldError, ImportError, Problem};

use crate::i18n::{Lang, text};
use crate::views::fill;

/// One refused field: "column «start»: …" with what was wrong and what was expected.
pub fn field_problem(lang: Lang, e: &FieldError) -> String {
    let said = problem(lang, &e.problem);
    if e.column == "(line)" {
        fill(lang, "import_row_line", &[("problem", &said)])
    } else {
        fill(
            lang,
            "import_row_column",
            &[("column", &e.column), ("problem", &said)],
        )
    }
}

fn problem(lang: Lang, p: &Problem) -> String {
    match p {
        Problem::Empty => text(lang, "import_problem_empty").to_owned(),
        Problem::FieldCount { found, header } => fill(
            lang,
            "import_problem_field_count",
            &[
                ("found", &found.to_string()),
                ("header", &header.to_string()),
            ],
        ),
        Problem::OtherCpr { patient, line } => fill(
            lang,
            "import_problem_other_cpr",
            &[("patient", patient), ("line", &line.to_string())],
        ),
        Problem::NotOneOf { value, allowed } => fill(
            lang,
            "import_problem_not_one_of",
            &[("value", value), ("allowed", allowed)],
        ),
        Problem::NotYesNo { value } => fill(lang, "import_problem_not_yes_no", &[("value", value)]),
        Problem::Invalid {
            value, expected, ..
        } => fill(
            lang,
            "import_problem_invalid",
            &[
                ("value", value),
                (
                    "expected",
                    text(lang, &format!("import_expected_{}", expected.code())),
                ),
            ],
        ),
        Problem::SkippedHour { when } => {
            fill(lang, "import_problem_skipped_hour", &[("when", when)])
        }
        Problem::WithoutPlan => text(lang, "import_problem_without_plan").to_owned(),
        Problem::EndBeforeStart { end, start } => fill(
            lang,
            "import_problem_end_before_start",
            &[("end", end), ("start", start)],
        ),
        Problem::NoMainDiagnosis => text(lang, "import_problem_no_main_diagnosis").to_owned(),
        Problem::NotJson { detail } | Problem::Shape { detail } => {
            fill(lang, "import_problem_json", &[("detail", detail)])
        }
        Problem::NotObject => text(lang, "import_problem_not_object").to_owned(),
        Problem::UnknownUnit { code } => {
            fill(lang, "import_problem_unknown_unit", &[("code", code)])
        }
        Problem::DuplicateContact { line } => fill(
            lang,
            "import_problem_duplicate_contact",
            &[("line", &line.to_string())],
        ),
        Problem::DiagnosisRefused { line } => fill(
            lang,
            "import_problem_diagnosis_refused",
            &[("line", &line.to_string())],
        ),
        Problem::UnknownContact { contact } => fill(
            lang,
            "import_problem_unknown_contact",
            &[("contact", contact)],
        ),
        Problem::UnknownEpisode { episode } => fill(
            lang,
            "import_problem_unknown_episode",
            &[("episode", episode)],
        ),
        Problem::EpisodeOfAnotherPerson { line } => fill(
            lang,
            "import_problem_episode_of_another_person",
            &[("line", &line.to_string())],
        ),
        Problem::BeforeEpisode {
            start,
            episode_start,
        } => fill(
            lang,
            "import_problem_before_episode",
            &[("start", start), ("episode_start", episode_start)],
        ),
        Problem::EpisodeRefused { line } => fill(
            lang,
            "import_problem_episode_refused",
            &[("line", &line.to_string())],
        ),
        Problem::DuplicateEpisode { line } => fill(
            lang,
            "import_problem_duplicate_episode",
            &[("line", &line.to_string())],
        ),
        Problem::UnknownKeys { keys } => {
            fill(lang, "import_problem_unknown_keys", &[("keys", keys)])
        }
        Problem::ErasureByImport => text(lang, "import_problem_erasure").to_owned(),
        Problem::PersonalNotText => text(lang, "import_problem_personal_not_text").to_owned(),
    }
}

/// A file refused as a whole. Never names a server path: the reader knows the file by the
/// name they uploaded it under.
pub fn file_problem(lang: Lang, e: &ImportError) -> String {
    match e {
        ImportError::NoHeader => text(lang, "import_file_no_header").to_owned(),
        ImportError::SemicolonSeparated { .. } => text(lang, "import_semicolon").to_owned(),
        ImportError::MissingColumns { missing, found } => fill(
            lang,
            "import_file_missing_columns",
            &[("missing", missing), ("found", found)],
        ),
        ImportError::DuplicateColumn { column } => {
            fill(lang, "import_file_duplicate_column", &[("column", column)])
        }
        ImportError::UnknownColumn { column, known } => fill(
            lang,
            "import_file_unknown_column",
            &[("column", column), ("known", known)],
        ),
        ImportError::Read { line, .. } => {
            fill(lang, "import_file_read", &[("line", &line.to_string())])
        }
        ImportError::Csv { line, source } => fill(
            lang,
            "import_file_csv",
            &[("line", &line.to_string()), ("detail", &source.to_string())],
        ),
    }
}

#[cfg(test)]
mod tests {
    use casetrail_app::Expected;

    use super::*;

    fn every_problem() -> Vec<Problem> {
        let s = || "X".to_owned();
        let mut all = vec![
            Problem::Empty,
            Problem::FieldCount {
                found: 3,
                header: 9,
            },
            Problem::OtherCpr {
                patient: s(),
                line: 4,
            },
            Problem::NotOneOf {
                value: s(),
                allowed: s(),
            },
            Problem::NotYesNo { value: s() },
            Problem::SkippedHour { when: s() },
            Problem::WithoutPlan,
            Problem::EndBeforeStart {
                end: s(),
                start: s(),
            },
            Problem::NoMainDiagnosis,
            Problem::NotJson { detail: s() },
            Problem::NotObject,
            Problem::UnknownKeys { keys: s() },
            Problem::ErasureByImport,
            Problem::PersonalNotText,
            Problem::Shape { detail: s() },
            Problem::UnknownUnit { code: s() },
            Problem::DuplicateContact { line: 2 },
            Problem::DiagnosisRefused { line: 3 },
            Problem::UnknownContact { contact: s() },
            Problem::UnknownEpisode { episode: s() },
            Problem::EpisodeOfAnotherPerson { line: 4 },
            Problem::BeforeEpisode {
                start: s(),
                episode_start: s(),
            },
            Problem::DuplicateEpisode { line: 5 },
            Problem::EpisodeRefused { line: 6 },
        ];
        for expected in [
            Expected::PatientId,
            Expected::Cpr,
            Expected::DateTime,
            Expected::Icd10,
            Expected::ContactId,
            Expected::PlanId,
            Expected::EventId,
            Expected::EpisodeId,
        ] {
            all.push(Problem::invalid("X", expected, "english detail"));
        }
        all
    }

    /// Every problem is worded in both languages with its placeholders filled, and the two
    /// wordings differ (neither falls back to the other, nor to a missing key's "…").
    #[test]
    fn every_refused_field_is_worded_in_both_languages() {
        for p in every_problem() {
            let e = FieldError {
                column: "start".into(),
                problem: p.clone(),
            };
            let da = field_problem(Lang::Da, &e);
            let en = field_problem(Lang::En, &e);
            for said in [&da, &en] {
                assert!(!said.contains('{') && !said.contains('…'), "{p:?}: {said}");
                assert!(said.contains("start"), "{p:?} names its column: {said}");
                assert!(!said.contains("english detail"), "{p:?}: {said}");
            }
            assert_ne!(da, en, "{p:?}");
        }
        let line = FieldError {
            column: "(line)".into(),
            problem: Problem::NotObject,
        };
        assert!(!field_problem(Lang::Da, &line).contains("(line)"));
    }

    #[test]
    fn every_file_problem_is_worded_in_both_languages_without_a_path() {
        let every = [
            ImportError::NoHeader,
            ImportError::SemicolonSeparated { columns: 9 },
            ImportError::MissingColumns {
                missing: "cpr".into(),
                found: "patient".into(),
            },
            ImportError::DuplicateColumn {
                column: "cpr".into(),
            },
            ImportError::UnknownColumn {
                column: "colour".into(),
                known: "cpr".into(),
            },
            ImportError::Read {
                line: 7,
                source: std::io::Error::other("/srv/casetrail/uploads/x.csv"),
            },
        ];
        for e in &every {
            let da = file_problem(Lang::Da, e);
            let en = file_problem(Lang::En, e);
            for said in [&da, &en] {
                assert!(!said.contains('{') && !said.contains('…'), "{e:?}: {said}");
                assert!(!said.contains("/srv/"), "no server path: {said}");
            }
            assert_ne!(da, en, "{e:?}");
        }
    }
}
