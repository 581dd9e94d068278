//! Property-based fuzzing of every parser that takes outside input: hostile bytes get an
//! error or a value, never a panic, and a bounded amount of work. Bounded here so `.ci/run`
//! runs it on every change (`PROPTEST_CASES` raises the count for a longer run:
//! `scripts/fuzz`). Inputs are drawn both as raw bytes and as near-valid files (a valid file
//! with bytes changed, cut or repeated), which reach deeper than noise.

use proptest::prelude::*;

use casetrail_app::{DocumentKind, PseudonymKey, document_text};
use casetrail_audit::{Level, parse_questionnaire, read_table};
use casetrail_import::{
    Lpr3Mapping, MedcomMessage, parse_contacts, parse_events, parse_lpr3, parse_medcom, resolve,
};
use casetrail_receipt::{Receipt, SignedCheckpoint};

const CONTACTS: &str = include_str!("../../fixtures/import/contacts-small.csv");
const EVENTS: &str = include_str!("../../fixtures/cases/sag-1-skizofreni-botilbud.jsonl");
const QUESTIONNAIRE: &str =
    include_str!("../../fixtures/questionnaires/defactum-2019.questionnaire");
const RATINGS: &str = include_str!("../../fixtures/ratings/krippendorff-2011.csv");
const RTF: &str = include_str!("../../fixtures/web/doegnrapport-sag-6.rtf");
const EML: &str = include_str!("../../fixtures/documents/henvendelse-vagtlaege.eml");
const DOCX: &[u8] = include_bytes!("../../fixtures/documents/notat-hjemmepleje.docx");
const LPR3_MAPPING: &str = include_str!("../../fixtures/import/lpr3/mapping.toml");
const LPR3_CONTACTS: &str = include_str!("../../fixtures/import/lpr3/kontakter.csv");
const LPR3_DIAGNOSES: &str = include_str!("../../fixtures/import/lpr3/diagnoser.csv");
const LPR3_EPISODES: &str = include_str!("../../fixtures/import/lpr3/forloebselementer.csv");
const MEDCOM_ADMIT: &str = include_str!("../../fixtures/import/medcom/02-admit-inpatient.json");
const MEDCOM_CANCEL: &str = include_str!("../../fixtures/import/medcom/06-cancel-discharge.json");
const MEDCOM_CARE: &str = include_str!("../../fixtures/import/medcom/11-korrespondance.json");

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// A valid file with a few of its bytes changed, a part cut out, or a part repeated.
fn mutated(valid: &'static str) -> impl Strategy<Value = Vec<u8>> {
    mutated_bytes(valid.as_bytes())
}

/// [`mutated`] for a binary file.
fn mutated_bytes(valid: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    let len = valid.len();
    (
        proptest::collection::vec((0..len, any::<u8>()), 0..8),
        0..len,
        0..len.min(4096),
        0u8..3,
    )
        .prop_map(move |(changes, at, span, how)| {
            let mut bytes = valid.to_vec();
            for (i, b) in changes {
                bytes[i] = b;
            }
            let end = (at + span).min(bytes.len());
            match how {
                0 => {
                    bytes.drain(at..end);
                }
                1 => {
                    let part = bytes[at..end].to_vec();
                    bytes.splice(at..at, part);
                }
                _ => {}
            }
            bytes
        })
}

fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..2048)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn contacts_csv(bytes in prop_oneof![mutated(CONTACTS), any_bytes()]) {
        if let Ok(parsed) = parse_contacts(bytes.as_slice()) {
            // Every row is accounted for: valid or rejected with a line.
            for r in &parsed.rejected {
                prop_assert!(r.line >= 2);
            }
        }
    }

    #[test]
    fn lpr3_tables(
        contacts in prop_oneof![mutated(LPR3_CONTACTS), any_bytes()],
        diagnoses in prop_oneof![mutated(LPR3_DIAGNOSES), any_bytes()],
        episodes in prop_oneof![mutated(LPR3_EPISODES), any_bytes()],
    ) {
        let mapping = Lpr3Mapping::parse(LPR3_MAPPING).unwrap();
        let patient_of = |cpr: &casetrail_domain::Cpr| {
            casetrail_domain::PatientId::new(format!("L{}", cpr.as_str())).unwrap()
        };
        if let Ok(parsed) = parse_lpr3(&mapping, contacts.as_slice(), diagnoses.as_slice(), Some(&mut episodes.as_slice()), &patient_of) {
            // Every refusal names a line of one of the tables.
            for r in &parsed.rejected {
                prop_assert!(r.line >= 2 && !r.errors.is_empty());
            }
        }
    }

    #[test]
    fn documents(bytes in prop_oneof![mutated(RTF), mutated(EML), mutated_bytes(DOCX), any_bytes()]) {
        // PDFs have their own property (`pdf_bytes_in_process`).
        if !bytes.starts_with(b"%PDF-")
            && let Ok((kind, text)) = document_text(&bytes)
        {
            // Compressed parts (a DOCX, one attached to an e-mail) unpack within their bound;
            // text and RTF give at most a few bytes of text per byte read.
            let bound = match kind {
                DocumentKind::Docx | DocumentKind::Mail => 32 << 20,
                _ => 4 * bytes.len() + 4,
            };
            prop_assert!(text.len() <= bound);
        }
    }

    #[test]
    fn medcom_bundles(
        bytes in prop_oneof![
            mutated(MEDCOM_ADMIT),
            mutated(MEDCOM_CANCEL),
            mutated(MEDCOM_CARE),
            any_bytes()
        ],
    ) {
        match parse_medcom(&bytes) {
            Ok(MedcomMessage::Care(c)) => prop_assert!(!c.text.is_empty()),
            Ok(MedcomMessage::Notification(n)) => {
                // What reads resolves (against nothing stored) without a panic.
                let patient = casetrail_domain::PatientId::new("L1").unwrap();
                let (resolved, refused) = resolve(vec![(patient, n)], &|_, _| None);
                prop_assert_eq!(resolved.len() + refused.len(), 1);
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn lpr3_mappings(bytes in prop_oneof![mutated(LPR3_MAPPING), any_bytes()]) {
        let _ = Lpr3Mapping::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn json_lines(bytes in prop_oneof![mutated(EVENTS), any_bytes()]) {
        let _ = parse_events(bytes.as_slice());
    }

    #[test]
    fn questionnaires(bytes in prop_oneof![mutated(QUESTIONNAIRE), any_bytes()]) {
        let _ = parse_questionnaire(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn rating_tables(bytes in prop_oneof![mutated(RATINGS), any_bytes()]) {
        for level in [Level::Nominal, Level::Ordinal, Level::Interval, Level::Ratio] {
            let _ = read_table(&String::from_utf8_lossy(&bytes), level);
        }
    }

    #[test]
    fn receipts_and_checkpoints(bytes in any_bytes(), json in "\\{[ -~]{0,400}\\}") {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Receipt::from_json(&text);
        let _ = SignedCheckpoint::from_json(&text);
        let _ = Receipt::from_json(&json);
        let _ = SignedCheckpoint::from_json(&json);
        let _ = casetrail_app::receipt_in_html(&json);
    }

    #[test]
    fn free_text_through_the_redactor(text in "\\PC{0,600}") {
        let key = PseudonymKey::from_bytes([1; 32]);
        let once = casetrail_app::redact_text(&text, &[], Some(&key), None);
        prop_assert!(once.len() <= text.len() * 12 + 64, "bounded output");
    }

    #[test]
    fn pdf_bytes_in_process(bytes in prop_oneof![any_bytes(), any_bytes().prop_map(|b| [b"%PDF-1.4\n".to_vec(), b].concat())]) {
        let _ = casetrail_app::pdf_text_here(&bytes);
    }
}
