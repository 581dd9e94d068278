//! What remains, on the audit page: the member × case matrix of submissions per panel, and the
//! guarded steps taken although something was missing, with their reasons.

use casetrail_app::{AuditStatus, Panel, Step};
use serde::Serialize;

use crate::i18n::{Lang, text};
use crate::views::fill;

/// Who has submitted what, one row a member, one column a case (and the audit-wide questions).
#[derive(Debug, Serialize)]
pub struct Matrix {
    pub columns: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Serialize)]
pub struct MatrixRow {
    pub member: String,
    pub cells: Vec<MatrixCell>,
}

#[derive(Debug, Serialize)]
pub struct MatrixCell {
    pub done: bool,
    pub label: &'static str,
}

/// The panel's matrix; `audit_wide` adds the column of the questions asked once per audit.
pub fn matrix(lang: Lang, status: &AuditStatus, panel: &Panel, audit_wide: bool) -> Matrix {
    let mut columns: Vec<Option<&str>> = panel.cases.keys().map(|c| Some(c.as_str())).collect();
    if audit_wide {
        columns.push(None);
    }
    let submitted = |member: &str, case: Option<&str>| {
        status
            .submissions
            .iter()
            .any(|(m, c)| m == member && c.as_deref() == case)
    };
    Matrix {
        columns: columns
            .iter()
            .map(|c| c.map_or_else(|| text(lang, "matrix_audit_wide").to_owned(), str::to_owned))
            .collect(),
        rows: panel
            .members
            .keys()
            .map(|member| MatrixRow {
                member: member.clone(),
                cells: columns
                    .iter()
                    .map(|case| {
                        let done = submitted(member, *case);
                        MatrixCell {
                            done,
                            label: text(
                                lang,
                                if done {
                                    "matrix_done"
                                } else {
                                    "matrix_missing"
                                },
                            ),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// "Scoring was opened: <reason>", one line a step taken with something missing.
pub fn overrides(lang: Lang, taken: &[(Step, String)]) -> Vec<String> {
    taken
        .iter()
        .map(|(step, reason)| {
            let what = match step {
                Step::Open => text(lang, "step_open").to_owned(),
                Step::Reveal { panel } => fill(lang, "step_reveal", &[("panel", panel)]),
                Step::Close => text(lang, "step_close").to_owned(),
            };
            format!("{what}: {reason}")
        })
        .collect()
}
