//! Every export of an audit's findings, in one place for the command line and the workbench,
//! each with its receipt.

use casetrail_anon::PseudonymKey;
use casetrail_ledger::Position;
use casetrail_receipt::Receipt;

use crate::core::error::{AppError, CoreError};

use crate::core::workbench::Workbench;
use crate::exports::receipts::CheckpointSigner;

/// What to export (`docs/exports.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// `answers.csv` (long) and `summary.csv` (wide).
    Csv,
    /// `answers-da.csv` and `summary-da.csv`: the same tables for Danish Excel (semicolons,
    /// decimal commas, a byte-order mark, suppressed counts empty).
    CsvDanish,
    /// `findings.json`.
    Json,
    /// `fhir.json`: a FHIR R4 Bundle of the Questionnaire and the QuestionnaireResponses.
    Fhir,
    /// `redcap-dictionary.csv` and `redcap-data.csv`.
    Redcap,
    /// `answers.parquet`, and `stage1-YEAR.parquet` when a year is given.
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    pub min_cell: usize,
    /// A UTF-8 byte-order mark before CSV files, for Excel.
    pub bom: bool,
    /// The stage-1 year for the Parquet export.
    pub stage1_year: Option<i32>,
}

/// One exported file.
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// Its name, starting with the audit id.
    pub name: String,
    pub content_type: &'static str,
    pub description: String,
    pub bytes: Vec<u8>,
    /// The events it summarises, proven in its receipt; empty when it summarises the whole
    /// log up to the receipt's checkpoint (the stage-1 episodes).
    pub events: Vec<Position>,
}

/// The export's files, and whether they are preliminary (the audit is not closed).
#[derive(Debug, Clone)]
pub struct Export {
    pub files: Vec<ExportFile>,
    pub preliminary: bool,
}

const CSV: &str = "text/csv; charset=utf-8";

impl Workbench {
    pub fn export(
        &self,
        audit: &str,
        key: &PseudonymKey,
        format: ExportFormat,
        options: ExportOptions,
    ) -> Result<Export, AppError> {
        let findings = self.findings(audit, key, options.min_cell)?;
        let events = self.audit_event_positions(audit)?;
        let file = |suffix: &str, content_type, description: &str, bytes| ExportFile {
            name: format!("{audit}-{suffix}"),
            content_type,
            description: format!("{description}, audit {audit}"),
            bytes,
            events: events.clone(),
        };
        let files = match format {
            ExportFormat::Csv => vec![
                file(
                    "answers.csv",
                    CSV,
                    "answers, one row each",
                    findings.answers_csv(options.bom)?,
                ),
                file(
                    "summary.csv",
                    CSV,
                    "summary per case and question",
                    findings.summary_csv(options.bom)?,
                ),
            ],
            ExportFormat::CsvDanish => {
                let dialect = crate::exports::findings::CsvDialect::danish_excel();
                vec![
                    file(
                        "answers-da.csv",
                        CSV,
                        "answers, one row each, for Danish Excel",
                        findings.answers_csv_in(&dialect)?,
                    ),
                    file(
                        "summary-da.csv",
                        CSV,
                        "summary per case and question, for Danish Excel",
                        findings.summary_csv_in(&dialect)?,
                    ),
                ]
            }
            ExportFormat::Json => vec![file(
                "findings.json",
                "application/json",
                "findings as JSON",
                findings.json()?,
            )],
            ExportFormat::Fhir => {
                let q = self.audit_questionnaire(audit)?;
                let bundle = crate::exports::fhir::bundle(&findings, &q);
                let bytes =
                    serde_json::to_vec_pretty(&bundle).map_err(|source| CoreError::Encode {
                        what: "FHIR",
                        source,
                    })?;
                vec![file(
                    "fhir.json",
                    "application/fhir+json",
                    "FHIR R4 Bundle of the questionnaire and answers",
                    bytes,
                )]
            }
            ExportFormat::Redcap => {
                let (dictionary, data) = self.redcap_findings(audit, key)?;
                // REDCap's importer skips a byte-order mark; Excel, where the files are
                // often checked first, needs it for æ, ø and å.
                let bom = |bytes: Vec<u8>| match options.bom {
                    true => ["\u{feff}".as_bytes(), &bytes].concat(),
                    false => bytes,
                };
                let (dictionary, data) = (bom(dictionary), bom(data));
                vec![
                    file(
                        "redcap-dictionary.csv",
                        CSV,
                        "REDCap data dictionary",
                        dictionary,
                    ),
                    file("redcap-data.csv", CSV, "REDCap data", data),
                ]
            }
            ExportFormat::Parquet => {
                let mut files = vec![file(
                    "answers.parquet",
                    "application/vnd.apache.parquet",
                    "answers as Parquet",
                    crate::exports::parquet::answers_parquet(&findings)?,
                )];
                if let Some(year) = options.stage1_year {
                    files.push(self.stage1_export(audit, year, key)?);
                }
                files
            }
        };
        Ok(Export {
            files,
            preliminary: findings.preliminary,
        })
    }

    /// The stage-1 admission episodes of `year` as Parquet, named for the audit they serve.
    pub fn stage1_export(
        &self,
        audit: &str,
        year: i32,
        key: &PseudonymKey,
    ) -> Result<ExportFile, AppError> {
        Ok(ExportFile {
            name: format!("{audit}-stage1-{year}.parquet"),
            content_type: "application/vnd.apache.parquet",
            description: format!("stage-1 admission episodes of {year}, audit {audit}"),
            bytes: crate::exports::parquet::stage1_parquet(year, &self.stays()?, key)?,
            events: Vec::new(),
        })
    }

    /// The receipt of one exported file (see `receipts.rs`).
    pub fn export_receipt(
        &self,
        signer: &CheckpointSigner,
        file: &ExportFile,
    ) -> Result<Receipt, AppError> {
        self.receipt(
            signer,
            (&file.name, &file.description),
            &file.bytes,
            &file.events,
        )
    }
}

#[cfg(test)]
mod tests {
    use casetrail_audit::audit::AuditEvent;

    use super::*;
    use crate::exports::receipts::CheckpointSigner;

    fn revealed_demo() -> (tempfile::TempDir, Workbench, PseudonymKey) {
        let (dir, wb) = crate::core::workbench::temp_workbench();
        let key = PseudonymKey::from_bytes([3; 32]);
        wb.load_workbench_demo(&key).unwrap();
        wb.audit_event(
            crate::DEMO_AUDIT,
            AuditEvent::ScoresRevealed {
                panel: "B".into(),
                reason: None,
            },
            "facilitator",
        )
        .unwrap();
        (dir, wb, key)
    }

    #[test]
    fn the_danish_excel_csv_reads_back_in_columns_with_decimal_commas_and_no_text_counts() {
        let (_dir, wb, key) = revealed_demo();
        let signer = CheckpointSigner::from_seed([4; 32], "test");
        let get = |name: &str| {
            wb.export_file(crate::DEMO_AUDIT, &key, &signer, name)
                .unwrap()
                .bytes
        };
        let summary = get("summary-da.csv");
        assert!(
            summary.starts_with("\u{feff}".as_bytes()),
            "a byte-order mark"
        );
        let read = |bytes: &[u8], delimiter: u8| -> Vec<Vec<String>> {
            csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .from_reader(&bytes[3..])
                .records()
                .map(|r| r.unwrap().iter().map(str::to_owned).collect())
                .collect()
        };
        let header: Vec<String> = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&summary[3..])
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header.last().map(String::as_str), Some("suppressed_below"));
        let plain = read(&get("summary.csv"), b',');
        let danish = read(&summary, b';');
        assert_eq!(plain.len(), danish.len());
        assert!(!plain.is_empty());
        let alpha = header.iter().position(|h| h == "alpha_question").unwrap();
        let mut suppressed_rows = 0;
        for (p, d) in plain.iter().zip(&danish) {
            assert_eq!(d.len(), p.len() + 1, "one more column");
            assert_eq!(d[alpha], p[alpha].replace('.', ","), "decimal comma");
            for (pc, dc) in p.iter().zip(d).skip(5).take(alpha - 6) {
                if pc.starts_with('<') {
                    assert_eq!(dc, "", "a suppressed count is empty, not text");
                } else {
                    assert_eq!(pc, dc);
                    assert!(dc.is_empty() || dc.parse::<u64>().is_ok(), "{dc}");
                }
            }
            if p.iter().any(|c| c.starts_with('<')) {
                suppressed_rows += 1;
                assert_eq!(d.last().map(String::as_str), Some("<5"));
            }
        }
        assert!(suppressed_rows > 0, "the demo has small cells");
        assert!(
            plain.iter().any(|r| r[alpha].contains('.')),
            "an alpha with decimals to convert"
        );
        let answers = get("answers-da.csv");
        let rows = read(&answers, b';');
        assert_eq!(rows.len(), 56, "every answer, semicolon-separated");
        assert!(rows.iter().all(|r| r.len() == 10));
        for name in ["redcap-dictionary.csv", "redcap-data.csv"] {
            assert!(
                get(name).starts_with("\u{feff}".as_bytes()),
                "{name} has a BOM"
            );
        }
    }

    const OPTIONS: ExportOptions = ExportOptions {
        min_cell: 5,
        bom: false,
        stage1_year: Some(2019),
    };

    /// Names and ids that must never leave: case ids, member user names, and the synthetic
    /// patients' names and CPR numbers as the fixtures have them.
    fn assert_nothing_identifying(name: &str, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        for id in ["SAG3", "SAG4", "b.politi", "b.laege", "b.psykiatri"] {
            assert!(!text.contains(id), "{id} in {name}");
        }
        let cpr = regex_free_cpr(&text);
        assert!(cpr.is_none(), "a CPR-like number {cpr:?} in {name}");
    }

    /// The first run of six digits, a dash and four digits standing on its own (not inside a
    /// UUID or a hash), if any.
    fn regex_free_cpr(text: &str) -> Option<String> {
        let b = text.as_bytes();
        let alnum = |i: Option<usize>| {
            i.and_then(|i| b.get(i))
                .is_some_and(u8::is_ascii_alphanumeric)
        };
        (0..b.len().saturating_sub(10)).find_map(|i| {
            let w = &b[i..i + 11];
            (w[..6].iter().all(u8::is_ascii_digit)
                && w[6] == b'-'
                && w[7..].iter().all(u8::is_ascii_digit)
                && !alnum(i.checked_sub(1))
                && !alnum(Some(i + 11)))
            .then(|| String::from_utf8_lossy(w).into_owned())
        })
    }

    #[test]
    fn a_cpr_number_is_found_on_its_own_and_not_inside_an_id() {
        assert_eq!(
            regex_free_cpr("født 140378-1234."),
            Some("140378-1234".into())
        );
        assert_eq!(regex_free_cpr("140378-1234"), Some("140378-1234".into()));
        assert_eq!(regex_free_cpr("urn:uuid:a1403781-2345-8abc"), None);
    }

    #[test]
    fn the_fhir_bundle_is_valid_against_the_official_r4_schema() {
        let (_dir, wb, key) = revealed_demo();
        let export = wb
            .export(crate::DEMO_AUDIT, &key, ExportFormat::Fhir, OPTIONS)
            .unwrap();
        let bundle: serde_json::Value = serde_json::from_slice(&export.files[0].bytes).unwrap();
        let schema_path = std::env::var("CASETRAIL_FHIR_SCHEMA").unwrap_or_else(|_| {
            format!(
                "{}/.cache/casetrail/fhir/r4/fhir.schema.json",
                std::env::var("HOME").unwrap_or_default()
            )
        });
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap_or_else(|e| {
                panic!("{schema_path}: {e} (scripts/setup fetches the FHIR R4 schema)")
            }))
            .unwrap();
        assert_eq!(schema["id"], "http://hl7.org/fhir/json-schema/4.0");
        let validator = jsonschema::draft6::new(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&bundle)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // One questionnaire, then a response per member and case of panel B (7 x 2), and
        // per member for the per-audit questions where they answered them.
        let entries = bundle["entry"].as_array().unwrap();
        assert_eq!(entries[0]["resource"]["resourceType"], "Questionnaire");
        let responses: Vec<_> = entries[1..]
            .iter()
            .filter(|e| e["resource"]["subject"].is_object())
            .collect();
        assert_eq!(responses.len(), 14);
        assert!(
            entries[1..]
                .iter()
                .all(|e| e["resource"]["resourceType"] == "QuestionnaireResponse")
        );
        // The validator is not a rubber stamp: a response without its required status fails.
        let mut broken = bundle.clone();
        broken["entry"][1]["resource"]
            .as_object_mut()
            .unwrap()
            .remove("status");
        broken["entry"][1]["resource"]["item"][0]["colour"] = "red".into();
        assert!(!validator.is_valid(&broken));
        assert_nothing_identifying("fhir.json", &export.files[0].bytes);
        // The same findings give the same Bundle.
        let again = wb
            .export(crate::DEMO_AUDIT, &key, ExportFormat::Fhir, OPTIONS)
            .unwrap();
        assert_eq!(again.files[0].bytes, export.files[0].bytes);
    }

    #[test]
    fn parquet_files_read_back_with_every_answer_and_every_stage1_episode() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let (dir, wb, key) = revealed_demo();
        let export = wb
            .export(crate::DEMO_AUDIT, &key, ExportFormat::Parquet, OPTIONS)
            .unwrap();
        let names: Vec<_> = export.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["DEMO-2019-answers.parquet", "DEMO-2019-stage1-2019.parquet"]
        );
        let read = |file: &ExportFile| {
            let path = dir.path().join(&file.name);
            std::fs::write(&path, &file.bytes).unwrap();
            let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
            let rows: Vec<_> = reader
                .get_row_iter(None)
                .unwrap()
                .map(|r| r.unwrap().to_string())
                .collect();
            let columns: Vec<String> = reader
                .metadata()
                .file_metadata()
                .schema_descr()
                .columns()
                .iter()
                .map(|c| c.name().to_owned())
                .collect();
            (columns, rows)
        };
        let (columns, rows) = read(&export.files[0]);
        assert_eq!(columns[..4], ["audit", "preliminary", "panel", "case"]);
        assert_eq!(
            rows.len(),
            56,
            "every answer of panel B (42 per case, 14 audit-wide)"
        );
        assert!(rows[0].contains("audit: \"DEMO-2019\""), "{}", rows[0]);
        let (columns, rows) = read(&export.files[1]);
        assert!(columns.contains(&"readmission".to_string()));
        let stage1 = wb.stage1(2019).unwrap();
        assert_eq!(rows.len() as u64, stage1.admissions);
        let readmissions = rows
            .iter()
            .filter(|r| r.contains("readmission: true"))
            .count();
        assert_eq!(readmissions as u64, stage1.readmissions);
        for f in &export.files {
            assert_nothing_identifying(&f.name, &f.bytes);
        }
    }

    #[test]
    fn every_export_carries_a_receipt_that_verifies_and_catches_an_edit() {
        let (_dir, wb, key) = revealed_demo();
        let signer = CheckpointSigner::from_seed([5; 32], "test");
        for format in [
            ExportFormat::Csv,
            ExportFormat::Json,
            ExportFormat::Fhir,
            ExportFormat::Redcap,
            ExportFormat::Parquet,
        ] {
            let export = wb.export(crate::DEMO_AUDIT, &key, format, OPTIONS).unwrap();
            assert!(export.preliminary);
            for file in &export.files {
                assert_nothing_identifying(&file.name, &file.bytes);
                let receipt = wb.export_receipt(&signer, file).unwrap();
                // Stamped by the workbench's clock (a manual one here, at 1970).
                assert!(
                    receipt
                        .checkpoint
                        .checkpoint
                        .made_at
                        .starts_with("1970-01-01T00:00:00")
                );
                let back = casetrail_receipt::Receipt::from_json(&receipt.to_json()).unwrap();
                let summary = back
                    .verify(Some(&signer.public_key()), Some(&file.bytes))
                    .unwrap();
                assert_eq!(summary.events, file.events.len());
                assert_eq!(summary.size, wb.ledger().tree_head().size);
                let mut edited = file.bytes.clone();
                let last = edited.len() - 1;
                edited[last] ^= 1;
                assert!(back.verify(None, Some(&edited)).is_err(), "{}", file.name);
            }
        }
        // The audit's events and the release of each of the five cases its panels scored.
        let events = wb.audit_event_positions(crate::DEMO_AUDIT).unwrap();
        let stream = crate::audit::audits::stream(crate::DEMO_AUDIT).unwrap();
        let audit_events = wb.ledger().stream_version(&stream).unwrap().unwrap().0 + 1;
        assert_eq!(events.len() as u64, audit_events + 5);
    }
}
