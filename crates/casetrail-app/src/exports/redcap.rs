//! The findings as a REDCap project: a data dictionary (REDCap's 18 columns) and a data CSV
//! whose columns are the dictionary's variables, so an audit can continue in REDCap. One
//! record per member and case; the per-audit questions in a record per member with the case
//! left empty. Codes: the scale's steps, and 99 for "cannot be assessed".

use std::collections::BTreeMap;

use casetrail_audit::questionnaire::{Asked, QuestionKind, Questionnaire};

use crate::core::error::{AppError, CoreError};

use crate::core::workbench::Workbench;
use crate::exports::findings::Findings;
use casetrail_anon::PseudonymKey;

impl Workbench {
    /// The findings as a REDCap data dictionary and data CSV .
    pub fn redcap_findings(
        &self,
        audit: &str,
        key: &PseudonymKey,
    ) -> Result<(Vec<u8>, Vec<u8>), AppError> {
        // REDCap holds the answers one by one; the suppression is for aggregates only.
        let findings = self.findings(audit, key, 1)?;
        let q = self.audit_questionnaire(audit)?;
        redcap(&findings, &q)
    }
}

/// REDCap's data dictionary header, in its order.
pub const DICTIONARY_HEADER: [&str; 18] = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
];

/// The code of "cannot be assessed" in REDCap.
pub const CANNOT_ASSESS_CODE: &str = "99";
const FORM: &str = "casetrail_audit";

/// A REDCap variable name from a question id: lower case letters, digits and underscores,
/// starting with a letter.
pub fn variable(id: &str) -> String {
    let mut v: String = id
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !v.starts_with(|c: char| c.is_ascii_lowercase()) {
        v.insert(0, 'q');
    }
    v
}

struct Field {
    name: String,
    kind: &'static str,
    label: String,
    choices: String,
}

fn fields(q: &Questionnaire) -> Vec<Field> {
    let mut out = vec![
        Field {
            name: "record_id".into(),
            kind: "text",
            label: "Record (member and case pseudonyms)".into(),
            choices: String::new(),
        },
        Field {
            name: "panel".into(),
            kind: "text",
            label: "Panel".into(),
            choices: String::new(),
        },
        Field {
            name: "member".into(),
            kind: "text",
            label: "Member (pseudonym)".into(),
            choices: String::new(),
        },
        Field {
            name: "member_sector".into(),
            kind: "dropdown",
            label: "Member's sector".into(),
            choices:
                "1, region | 2, municipality | 3, general_practice | 4, out_of_hours | 5, police"
                    .into(),
        },
        Field {
            name: "case".into(),
            kind: "text",
            label: "Case (pseudonym; empty for the per-audit questions)".into(),
            choices: String::new(),
        },
    ];
    for question in &q.questions {
        let name = variable(&question.id);
        match &question.kind {
            QuestionKind::Rating { scale } => {
                let choices = q
                    .scale(scale)
                    .map(|s| {
                        let mut c: Vec<String> = s
                            .steps
                            .iter()
                            .map(|st| format!("{}, {}", st.value, st.label.da))
                            .collect();
                        c.push(format!("{CANNOT_ASSESS_CODE}, {}", s.missing.da));
                        c.join(" | ")
                    })
                    .unwrap_or_default();
                out.push(Field {
                    name: name.clone(),
                    kind: "radio",
                    label: question.text.da.clone(),
                    choices,
                });
                out.push(Field {
                    name: format!("{name}_why"),
                    kind: "notes",
                    label: format!("Begrundelse: {}", question.text.da),
                    choices: String::new(),
                });
            }
            QuestionKind::FreeText => out.push(Field {
                name,
                kind: "notes",
                label: question.text.da.clone(),
                choices: String::new(),
            }),
        }
    }
    out
}

fn sector_code(sector: &str) -> &'static str {
    match sector {
        "region" => "1",
        "municipality" => "2",
        "general_practice" => "3",
        "out_of_hours" => "4",
        "police" => "5",
        _ => "",
    }
}

fn csv_bytes(rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for row in rows {
            w.write_record(crate::exports::spreadsheet::record(row))
                .map_err(|e| CoreError::Io {
                    path: "redcap.csv".into(),
                    source: std::io::Error::other(e),
                })?;
        }
        w.flush().map_err(|source| CoreError::Io {
            path: "redcap.csv".into(),
            source,
        })?;
    }
    Ok(out)
}

/// The data dictionary and the data, as CSV bytes.
pub fn redcap(findings: &Findings, q: &Questionnaire) -> Result<(Vec<u8>, Vec<u8>), AppError> {
    let fields = fields(q);
    let mut dictionary = vec![DICTIONARY_HEADER.iter().map(|s| s.to_string()).collect()];
    for f in &fields {
        let mut row = vec![String::new(); DICTIONARY_HEADER.len()];
        row[0] = f.name.clone();
        row[1] = FORM.into();
        row[3] = f.kind.into();
        row[4] = f.label.clone();
        row[5] = f.choices.clone();
        dictionary.push(row);
    }
    let column: BTreeMap<&str, usize> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let mut records: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in &findings.answers {
        let record_id = if a.case.is_empty() {
            a.member.clone()
        } else {
            format!("{}-{}", a.member, a.case)
        };
        let row = records.entry(record_id.clone()).or_insert_with(|| {
            let mut r = vec![String::new(); fields.len()];
            r[0] = record_id;
            r[1] = a.panel.clone();
            r[2] = a.member.clone();
            r[3] = sector_code(&a.member_sector).into();
            r[4] = a.case.clone();
            r
        });
        let name = variable(&a.question);
        let asked_per_case = q
            .question(&a.question)
            .is_some_and(|x| x.asked == Asked::PerCase);
        let rated = q
            .question(&a.question)
            .is_some_and(|x| matches!(x.kind, QuestionKind::Rating { .. }));
        if let Some(&i) = column.get(name.as_str()) {
            row[i] = if rated {
                if a.value == "cannot_assess" {
                    CANNOT_ASSESS_CODE.into()
                } else {
                    a.value.clone()
                }
            } else {
                a.value_label.clone()
            };
        }
        if rated
            && asked_per_case
            && let Some(&i) = column.get(format!("{name}_why").as_str())
        {
            row[i] = a.justification.clone();
        }
    }
    let mut data = vec![fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>()];
    data.extend(records.into_values());
    Ok((csv_bytes(&dictionary)?, csv_bytes(&data)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_follow_redcaps_rules() {
        assert_eq!(variable("efforts"), "efforts");
        assert_eq!(variable("Q-1.b"), "q_1_b");
        assert_eq!(variable("1st"), "q1st");
    }
}
