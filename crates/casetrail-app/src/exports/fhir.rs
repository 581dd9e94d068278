//! The findings as FHIR R4: the audit's questionnaire as a `Questionnaire` resource and each
//! member's answers for one case (or for the audit as a whole) as a `QuestionnaireResponse`,
//! together in a `collection` Bundle. Everything that leaves is what the other exports carry:
//! pseudonyms for cases and members, redacted text, no dates of the patient's.
//!
//! Each rated question is a group item holding the rating (a `choice` whose answer codes are
//! the scale's steps, and `99` for cannot-assess, as in the REDCap export) and the
//! justification (`text`). Resource ids and `urn:uuid:` full URLs are derived from the audit,
//! case and member pseudonyms, so the same findings give the same Bundle.

use std::collections::BTreeMap;

use casetrail_audit::Questionnaire;
use casetrail_audit::questionnaire::{Asked, QuestionKind};
use serde_json::{Value as Json, json};

use crate::exports::findings::{AnswerRow, Findings};

/// Code systems of this export: the scale's steps, and the identifier systems of pseudonyms.
pub const SCALE_SYSTEM: &str = "urn:casetrail:scale";
pub const CASE_SYSTEM: &str = "urn:casetrail:case-pseudonym";
pub const MEMBER_SYSTEM: &str = "urn:casetrail:member-pseudonym";

/// A UUID (version 8, RFC 9562: custom) from BLAKE3 of `parts`, for ids that repeat.
fn uuid(parts: &[&str]) -> String {
    let mut h = blake3::Hasher::new_derive_key("casetrail fhir resource id v1");
    for p in parts {
        h.update(&(p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    let mut b = [0u8; 16];
    b.copy_from_slice(&h.finalize().as_bytes()[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = casetrail_domain::hex::encode(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn value_link(question: &str) -> String {
    format!("{question}.value")
}

fn justification_link(question: &str) -> String {
    format!("{question}.justification")
}

fn questionnaire_resource(findings: &Findings, q: &Questionnaire, id: &str) -> Json {
    let items: Vec<Json> = q
        .questions
        .iter()
        .map(|question| {
            let asked = match question.asked {
                Asked::PerCase => "per case",
                Asked::PerAudit => "per audit",
            };
            match &question.kind {
                QuestionKind::Rating { scale } => {
                    let options: Vec<Json> = q
                        .scale(scale)
                        .map(|s| {
                            s.steps
                                .iter()
                                .map(|st| (st.value.to_string(), st.label.da.clone()))
                                .chain([("99".to_string(), s.missing.da.clone())])
                                .map(|(code, display)| {
                                    json!({"valueCoding": {"system": SCALE_SYSTEM, "code": code, "display": display}})
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    json!({
                        "linkId": question.id,
                        "prefix": question.id,
                        "text": question.text.da,
                        "type": "group",
                        "item": [
                            {"linkId": value_link(&question.id), "text": format!("Vurdering ({asked})"), "type": "choice", "required": true, "answerOption": options},
                            {"linkId": justification_link(&question.id), "text": "Begrundelse", "type": "text", "required": question.justification_required},
                        ],
                    })
                }
                QuestionKind::FreeText => json!({
                    "linkId": question.id,
                    "prefix": question.id,
                    "text": question.text.da,
                    "type": "text",
                }),
            }
        })
        .collect();
    json!({
        "resourceType": "Questionnaire",
        "id": id,
        "url": format!("urn:uuid:{id}"),
        "version": q.version.to_string(),
        "name": fhir_name(&q.id),
        "title": q.title.da,
        "status": if findings.preliminary { "draft" } else { "active" },
        "subjectType": ["Patient"],
        "description": format!("Spørgeskemaet i audit {} ({}).", findings.audit, findings.title),
        "item": items,
    })
}

/// A FHIR `name`: starts with a capital letter, letters, digits and underscores only.
fn fhir_name(id: &str) -> String {
    let cleaned: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("Q{cleaned}")
}

fn answer_item(q: &Questionnaire, row: &AnswerRow) -> Json {
    let question = q.question(&row.question);
    match question.map(|x| &x.kind) {
        Some(QuestionKind::Rating { .. }) => {
            let code = if row.value == "cannot_assess" {
                "99".to_string()
            } else {
                row.value.clone()
            };
            let mut items = vec![json!({
                "linkId": value_link(&row.question),
                "answer": [{"valueCoding": {"system": SCALE_SYSTEM, "code": code, "display": row.value_label}}],
            })];
            if !row.justification.is_empty() {
                items.push(json!({
                    "linkId": justification_link(&row.question),
                    "answer": [{"valueString": row.justification}],
                }));
            }
            json!({"linkId": row.question, "item": items})
        }
        _ => json!({
            "linkId": row.question,
            "answer": [{"valueString": row.value_label}],
        }),
    }
}

/// The Bundle, as pretty JSON.
pub fn bundle(findings: &Findings, q: &Questionnaire) -> Json {
    let qid = uuid(&[
        "questionnaire",
        &findings.audit,
        &q.id,
        &q.version.to_string(),
    ]);
    let mut entries = vec![json!({
        "fullUrl": format!("urn:uuid:{qid}"),
        "resource": questionnaire_resource(findings, q, &qid),
    })];
    // One response per member and case (the per-audit questions have no case).
    let mut responses: BTreeMap<(&str, &str, &str), Vec<&AnswerRow>> = BTreeMap::new();
    for row in &findings.answers {
        responses
            .entry((&row.panel, &row.case, &row.member))
            .or_default()
            .push(row);
    }
    for ((panel, case, member), rows) in responses {
        let id = uuid(&["response", &findings.audit, panel, case, member]);
        let order = |id: &str| q.questions.iter().position(|x| x.id == id);
        let mut rows = rows;
        rows.sort_by_key(|r| order(&r.question));
        let mut resource = json!({
            "resourceType": "QuestionnaireResponse",
            "id": id,
            "questionnaire": format!("urn:uuid:{qid}"),
            "status": if findings.preliminary { "in-progress" } else { "completed" },
            "author": {
                "identifier": {"system": MEMBER_SYSTEM, "value": member},
                "display": format!("{} ({})", member, rows[0].member_sector),
            },
            "item": rows.iter().map(|r| answer_item(q, r)).collect::<Vec<_>>(),
        });
        if !case.is_empty() {
            resource["subject"] = json!({
                "identifier": {"system": CASE_SYSTEM, "value": case},
                "display": format!("Sag {case} (panel {panel})"),
            });
        }
        entries.push(json!({"fullUrl": format!("urn:uuid:{id}"), "resource": resource}));
    }
    json!({
        "resourceType": "Bundle",
        "id": uuid(&["bundle", &findings.audit]),
        "type": "collection",
        "entry": entries,
    })
}
