//! Audit findings for quality departments' own tools: one row per answer (long format) and a
//! summary per case and question, as CSV or JSON. Case and member ids become keyed
//! pseudonyms, free text goes through the redactor, and counts under the suppression limit are
//! shown as `<N`. Only answers of revealed panels leave; an open audit's export is marked
//! preliminary.

use std::collections::BTreeMap;

use casetrail_anon::PseudonymKey;

use crate::exports::spreadsheet;
use casetrail_audit::audit::{Answer, Value};
use casetrail_audit::questionnaire::QuestionKind;
use serde::Serialize;

use crate::core::error::{AppError, CoreError};

use crate::core::workbench::Workbench;

/// Cells counting fewer than this many answers are suppressed unless told otherwise.
pub const DEFAULT_MIN_CELL: usize = 5;

/// One answer, as the long table has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerRow {
    pub audit: String,
    pub panel: String,
    pub case: String,
    pub question: String,
    pub member: String,
    pub member_sector: String,
    /// The step, `cannot_assess`, or empty for a free-text answer.
    pub value: String,
    /// The step's label, or the free-text answer (redacted).
    pub value_label: String,
    pub justification: String,
}

/// One case and question: how the panel answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub audit: String,
    pub panel: String,
    pub case: String,
    pub question: String,
    /// Answers per scale step, then `cannot_assess`; `<N` when suppressed.
    pub counts: Vec<(String, String)>,
    pub answers: String,
    /// Median step of the answers on the scale (cannot-assess left out); empty when suppressed
    /// or when there is none.
    pub median: String,
    /// Ordinal Krippendorff's alpha of the question across the audit's revealed cases.
    pub alpha_question: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Findings {
    pub format: &'static str,
    pub audit: String,
    pub title: String,
    /// True until the audit is closed.
    pub preliminary: bool,
    pub min_cell: usize,
    pub answers: Vec<AnswerRow>,
    pub summary: Vec<SummaryRow>,
}

fn count_cell(n: usize, min_cell: usize) -> String {
    if n > 0 && n < min_cell {
        format!("<{min_cell}")
    } else {
        n.to_string()
    }
}

/// The median of sorted steps: the lower middle for an even count, so it is always a step.
fn median(sorted: &[i64]) -> Option<i64> {
    (!sorted.is_empty()).then(|| sorted[(sorted.len() - 1) / 2])
}

impl Workbench {
    /// The findings of an audit for export. Refused until at least one panel is revealed.
    pub fn findings(
        &self,
        audit: &str,
        key: &PseudonymKey,
        min_cell: usize,
    ) -> Result<Findings, AppError> {
        let status = self.audit_status(audit, None)?;
        let q = self.audit_questionnaire(audit)?;
        let state = &status.state;
        if !state.panels.values().any(|p| p.revealed) {
            return Err(CoreError::BadForm {
                what: format!("audit {audit} has no revealed panel yet: nothing to export"),
            }
            .into());
        }
        let case_pseudonym = |case: &str| key.case_pseudonym(case);
        let member_pseudonym = |m: &str| format!("M-{}", key.pseudonym("export-member", m));
        let clean = |text: &str| crate::redact_text(text, &[], Some(key), None);
        let panel_of = |member: &str| {
            state
                .panels
                .iter()
                .find(|(_, p)| p.members.contains_key(member))
        };
        let label = |question: &str, value: &Value| -> (String, String) {
            let scale = q.question(question).and_then(|x| match &x.kind {
                QuestionKind::Rating { scale } => q.scale(scale),
                QuestionKind::FreeText => None,
            });
            match value {
                Value::Step(n) => (
                    n.to_string(),
                    scale
                        .and_then(|s| s.steps.iter().find(|st| st.value == *n))
                        .map(|st| st.label.da.clone())
                        .unwrap_or_default(),
                ),
                Value::CannotAssess => (
                    "cannot_assess".into(),
                    scale.map(|s| s.missing.da.clone()).unwrap_or_default(),
                ),
                Value::Text(t) => (String::new(), clean(t)),
            }
        };
        let answers: Vec<AnswerRow> = status
            .answers
            .iter()
            .map(|a: &Answer| {
                let (panel, member) = panel_of(&a.member)
                    .map(|(name, p)| (name.clone(), p.members[&a.member].sector.clone()))
                    .unwrap_or_default();
                let (value, value_label) = label(&a.question, &a.value);
                AnswerRow {
                    audit: audit.to_owned(),
                    panel,
                    case: a.case.as_deref().map(case_pseudonym).unwrap_or_default(),
                    question: a.question.clone(),
                    member: member_pseudonym(&a.member),
                    member_sector: member,
                    value,
                    value_label,
                    justification: clean(&a.justification),
                }
            })
            .collect();
        let alpha: BTreeMap<&str, String> = status
            .agreement
            .iter()
            .map(|x| {
                (
                    x.of.as_str(),
                    x.agreement
                        .alpha
                        .map(|a| format!("{a:.3}"))
                        .unwrap_or_default(),
                )
            })
            .collect();
        let mut summary = Vec::new();
        for (panel_name, panel) in state.panels.iter().filter(|(_, p)| p.revealed) {
            for case in panel.cases.keys() {
                for question in q
                    .questions
                    .iter()
                    .filter(|x| matches!(x.kind, QuestionKind::Rating { .. }))
                {
                    let given: Vec<&Value> = status
                        .answers
                        .iter()
                        .filter(|a| {
                            a.case.as_deref() == Some(case.as_str())
                                && a.question == question.id
                                && panel.members.contains_key(&a.member)
                        })
                        .map(|a| &a.value)
                        .collect();
                    let scale = match &question.kind {
                        QuestionKind::Rating { scale } => q.scale(scale),
                        QuestionKind::FreeText => None,
                    };
                    let mut counts: Vec<(String, String)> = scale
                        .map(|s| {
                            s.steps
                                .iter()
                                .map(|st| {
                                    let n = given
                                        .iter()
                                        .filter(|v| ***v == Value::Step(st.value))
                                        .count();
                                    (st.value.to_string(), count_cell(n, min_cell))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let missing = given.iter().filter(|v| ***v == Value::CannotAssess).count();
                    counts.push(("cannot_assess".into(), count_cell(missing, min_cell)));
                    let mut steps: Vec<i64> = given
                        .iter()
                        .filter_map(|v| match v {
                            Value::Step(n) => Some(*n),
                            _ => None,
                        })
                        .collect();
                    steps.sort_unstable();
                    let suppressed = !steps.is_empty() && steps.len() < min_cell;
                    summary.push(SummaryRow {
                        audit: audit.to_owned(),
                        panel: panel_name.clone(),
                        case: case_pseudonym(case),
                        question: question.id.clone(),
                        counts,
                        answers: count_cell(given.len(), min_cell),
                        median: if suppressed {
                            String::new()
                        } else {
                            median(&steps).map(|m| m.to_string()).unwrap_or_default()
                        },
                        alpha_question: alpha
                            .get(question.id.as_str())
                            .cloned()
                            .unwrap_or_default(),
                    });
                }
            }
        }
        Ok(Findings {
            format: "casetrail-findings/1",
            audit: audit.to_owned(),
            title: clean(&state.title),
            preliminary: !state.closed,
            min_cell,
            answers,
            summary,
        })
    }
}

impl Findings {
    /// The long table: one row per answer. `bom` starts the file with a UTF-8 byte-order mark,
    /// which Excel needs to read the letters æ, ø and å right.
    pub fn answers_csv(&self, bom: bool) -> Result<Vec<u8>, AppError> {
        self.answers_csv_in(&CsvDialect::plain(bom))
    }

    /// The long table in `dialect`.
    pub fn answers_csv_in(&self, dialect: &CsvDialect) -> Result<Vec<u8>, AppError> {
        let mut out = start(dialect.bom);
        {
            let mut w = dialect.writer(&mut out);
            w.write_record([
                "audit",
                "preliminary",
                "panel",
                "case",
                "question",
                "member",
                "member_sector",
                "value",
                "value_label",
                "justification",
            ])
            .map_err(csv_error)?;
            for a in &self.answers {
                w.write_record(spreadsheet::record([
                    a.audit.as_str(),
                    if self.preliminary { "true" } else { "false" },
                    &a.panel,
                    &a.case,
                    &a.question,
                    &a.member,
                    &a.member_sector,
                    &a.value,
                    &a.value_label,
                    &a.justification,
                ]))
                .map_err(csv_error)?;
            }
            w.flush().map_err(|e| csv_error(e.into()))?;
        }
        Ok(out)
    }

    /// The wide summary: one row per case and question, a column per scale step.
    pub fn summary_csv(&self, bom: bool) -> Result<Vec<u8>, AppError> {
        self.summary_csv_in(&CsvDialect::plain(bom))
    }

    /// The wide summary in `dialect`.
    pub fn summary_csv_in(&self, dialect: &CsvDialect) -> Result<Vec<u8>, AppError> {
        let mut out = start(dialect.bom);
        {
            let mut w = dialect.writer(&mut out);
            let steps: Vec<String> = self
                .summary
                .first()
                .map(|r| r.counts.iter().map(|(s, _)| format!("n_{s}")).collect())
                .unwrap_or_default();
            let mut header = vec!["audit", "preliminary", "panel", "case", "question"];
            header.extend(steps.iter().map(String::as_str));
            header.extend(["answers", "median", "alpha_question"]);
            if dialect.danish {
                header.push("suppressed_below");
            }
            w.write_record(&header).map_err(csv_error)?;
            for r in &self.summary {
                let mut row = vec![
                    r.audit.clone(),
                    self.preliminary.to_string(),
                    r.panel.clone(),
                    r.case.clone(),
                    r.question.clone(),
                ];
                row.extend(r.counts.iter().map(|(_, n)| n.clone()));
                row.push(r.answers.clone());
                if dialect.danish {
                    // Danish Excel reads a column with "<5" in it as text, and a dot as no
                    // decimal point: suppressed counts are left empty (and the threshold
                    // named once at the end of the row), decimals written with a comma.
                    let suppressed = row.iter().any(|c| c.starts_with('<'));
                    for cell in row.iter_mut().skip(5) {
                        if cell.starts_with('<') {
                            cell.clear();
                        }
                    }
                    row.push(r.median.replace('.', ","));
                    row.push(r.alpha_question.replace('.', ","));
                    row.push(if suppressed {
                        format!("<{}", self.min_cell)
                    } else {
                        String::new()
                    });
                } else {
                    row.extend([r.median.clone(), r.alpha_question.clone()]);
                }
                w.write_record(spreadsheet::record(&row))
                    .map_err(csv_error)?;
            }
            w.flush().map_err(|e| csv_error(e.into()))?;
        }
        Ok(out)
    }

    pub fn json(&self) -> Result<Vec<u8>, AppError> {
        serde_json::to_vec_pretty(self)
            .map_err(|source| CoreError::Encode {
                what: "findings",
                source,
            })
            .map_err(AppError::from)
    }
}

/// How a CSV file is written: the plain form (commas, decimal points) that R, Python and
/// REDCap read, or the form Danish Excel opens in columns (semicolons, decimal commas, a
/// byte-order mark, no text in number columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvDialect {
    pub bom: bool,
    pub danish: bool,
}

impl CsvDialect {
    /// Commas and decimal points, with or without the byte-order mark.
    pub fn plain(bom: bool) -> Self {
        CsvDialect { bom, danish: false }
    }

    /// "CSV til Excel (dansk)".
    pub fn danish_excel() -> Self {
        CsvDialect {
            bom: true,
            danish: true,
        }
    }

    fn writer<W: std::io::Write>(&self, out: W) -> csv::Writer<W> {
        csv::WriterBuilder::new()
            .delimiter(if self.danish { b';' } else { b',' })
            .from_writer(out)
    }
}

/// An empty CSV file, or one starting with the UTF-8 byte-order mark.
fn start(bom: bool) -> Vec<u8> {
    if bom {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    }
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::from(CoreError::Io {
        path: "findings.csv".into(),
        source: std::io::Error::other(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_written_as_text() {
        let starts = ["=", "+", "-", "@", "\t", "\r"];
        let answers = starts
            .iter()
            .map(|s| AnswerRow {
                audit: "A".into(),
                panel: "P".into(),
                case: "C-1".into(),
                question: "efforts".into(),
                member: "M-1".into(),
                member_sector: "region".into(),
                value: "2".into(),
                value_label: "-1 point".into(),
                justification: format!("{s}HYPERLINK(\"http://x\",\"klik\")"),
            })
            .collect();
        let f = Findings {
            format: "test",
            audit: "A".into(),
            title: "t".into(),
            preliminary: false,
            min_cell: 5,
            answers,
            summary: Vec::new(),
        };
        let bytes = f.answers_csv(false).unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), starts.len());
        for (row, start) in rows.iter().zip(starts) {
            assert_eq!(&row[9], format!("'{start}HYPERLINK(\"http://x\",\"klik\")"));
            assert_eq!(&row[8], "'-1 point");
            assert_eq!(&row[7], "2");
        }
    }

    #[test]
    fn small_counts_are_suppressed_and_the_median_is_a_step() {
        assert_eq!(count_cell(0, 5), "0");
        assert_eq!(count_cell(4, 5), "<5");
        assert_eq!(count_cell(5, 5), "5");
        assert_eq!(count_cell(1, 1), "1");
        assert_eq!(median(&[1, 2, 4, 5]), Some(2));
        assert_eq!(median(&[3]), Some(3));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn the_demo_audit_exports_pseudonymised_suppressed_and_preliminary() {
        let (_dir, wb) = crate::core::workbench::temp_workbench();
        let key = PseudonymKey::from_bytes([3; 32]);
        wb.load_workbench_demo(&key).unwrap();
        let e = wb.findings(crate::DEMO_AUDIT, &key, 5).unwrap_err();
        assert!(e.to_string().contains("no revealed panel"), "{e}");
        wb.audit_event(
            crate::DEMO_AUDIT,
            casetrail_audit::audit::AuditEvent::ScoresRevealed {
                panel: "B".into(),
                reason: None,
            },
            "facilitator",
        )
        .unwrap();
        let f = wb.findings(crate::DEMO_AUDIT, &key, 5).unwrap();
        assert!(f.preliminary);
        // Panel B: 7 members x (2 cases x 3 questions + 2 audit-wide questions).
        assert_eq!(f.answers.len(), 56);
        assert_eq!(f.summary.len(), 6);
        let csv = String::from_utf8(f.answers_csv(true).unwrap()).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        for id in ["SAG3", "SAG4", "b.politi", "b.laege"] {
            assert!(!csv.contains(id), "{id} in the export");
        }
        let summary = String::from_utf8(f.summary_csv(false).unwrap()).unwrap();
        assert!(summary.starts_with("audit,preliminary,panel,case,question,n_1,n_2,n_3,n_4,n_5,n_cannot_assess,answers,median,alpha_question\n"), "{summary}");
        assert!(
            summary.contains("<5"),
            "7 answers spread over steps leave small cells: {summary}"
        );
        let json: serde_json::Value = serde_json::from_slice(&f.json().unwrap()).unwrap();
        assert_eq!(json["format"], "casetrail-findings/1");
        assert_eq!(json["answers"].as_array().unwrap().len(), 56);
        matches_schema(&json);

        let (dictionary, data) = wb.redcap_findings(crate::DEMO_AUDIT, &key).unwrap();
        let read = |bytes: &[u8]| -> Vec<Vec<String>> {
            csv::Reader::from_reader(bytes)
                .records()
                .map(|r| r.unwrap().iter().map(str::to_owned).collect())
                .collect()
        };
        let header = csv::Reader::from_reader(dictionary.as_slice())
            .headers()
            .unwrap()
            .clone();
        assert_eq!(header.iter().collect::<Vec<_>>(), crate::DICTIONARY_HEADER);
        let variables: Vec<String> = read(&dictionary)
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        assert_eq!(
            variables[0], "record_id",
            "REDCap wants the record id first"
        );
        let data_header: Vec<String> = csv::Reader::from_reader(data.as_slice())
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(
            data_header, variables,
            "every data column is a dictionary variable"
        );
        let rows = read(&data);
        assert_eq!(
            rows.len(),
            21,
            "7 members x (2 cases + the audit-wide record)"
        );
        let efforts = variables.iter().position(|v| v == "efforts").unwrap();
        let case = variables.iter().position(|v| v == "case").unwrap();
        let per_case: Vec<&Vec<String>> = rows.iter().filter(|r| !r[case].is_empty()).collect();
        assert_eq!(per_case.len(), 14);
        for row in per_case {
            assert!(
                ["1", "2", "3", "4", "5", crate::CANNOT_ASSESS_CODE]
                    .contains(&row[efforts].as_str()),
                "{row:?}"
            );
        }
    }

    /// The export has exactly the fields docs/findings.schema.json lists, at every level.
    fn matches_schema(json: &serde_json::Value) {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../../docs/findings.schema.json")).unwrap();
        let fields = |v: &serde_json::Value| -> Vec<String> {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        let required = |s: &serde_json::Value| -> Vec<String> {
            let mut k: Vec<String> = s["required"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect();
            k.sort();
            k
        };
        assert_eq!(fields(json), required(&schema));
        for list in ["answers", "summary"] {
            let item = &schema["properties"][list]["items"];
            for row in json[list].as_array().unwrap() {
                assert_eq!(fields(row), required(item), "{list}");
            }
        }
    }
}
