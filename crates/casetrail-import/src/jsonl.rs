//! JSON Lines of domain events: everything the contacts CSV cannot say (admissions and
//! discharges, consent, case material, corrections), and the lossless export format.
//!
//! A line is `{"id": "<32 hex, optional>", "type": "<event type>", "data": {…}}`, the `data`
//! exactly as the event's JSON, except that personal fields (see
//! [`casetrail_domain::personal_fields`]) hold plain text, not sealed bytes. Import seals them;
//! export opens them.

use std::io::BufRead;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use casetrail_domain::{Cpr, DomainEvent, PatientId, personal_fields};
use casetrail_protect::PatientKey;
use serde_json::Value;

use crate::ImportError;
use crate::convert::ImportEvent;
use crate::parse::{FieldError, Rejected};
use crate::problem::{Expected, Problem};

/// A valid line, personal fields still in plain text. It serialises only for the importer's
/// sealed scratch files (the event as its JSON text).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EventLine {
    /// 1-based line number in the file.
    pub line: u64,
    /// The event's id, if the line gives one (hex in the file).
    pub id: Option<[u8; 16]>,
    /// The patient the event belongs to.
    pub patient: PatientId,
    /// `{"type": …, "data": …}` with plain-text personal fields.
    #[serde(with = "json_text")]
    pub plain: Value,
}

/// The whole file, validated.
#[derive(Debug, Default)]
pub struct ParsedEvents {
    /// The valid lines, in file order.
    pub lines: Vec<EventLine>,
    /// The refused lines, in file order.
    pub rejected: Vec<Rejected>,
}

fn error(column: &'static str, problem: Problem) -> FieldError {
    FieldError {
        column: column.into(),
        problem,
    }
}

/// Applies `f` to every personal field of the event object `{"type", "data"}`, including those
/// of an amended replacement inside a correction. `f` gets the field name and its value.
fn each_personal<E>(
    event: &mut Value,
    f: &mut impl FnMut(&'static str, &mut Value) -> Result<(), E>,
) -> Result<(), E> {
    let event_type = event
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let Some(data) = event.get_mut("data").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for &field in personal_fields(&event_type) {
        if let Some(value) = data.get_mut(field) {
            f(field, value)?;
        }
    }
    if let Some(inner) = data.get_mut("correction").and_then(|c| c.get_mut("amend")) {
        each_personal(inner, f)?;
    }
    Ok(())
}

/// A checked line: its explicit id (if any), its patient, and the event with plain text.
type CheckedLine = (Option<[u8; 16]>, PatientId, Value);

fn check_line(text: &str) -> Result<CheckedLine, Vec<FieldError>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![error(
            "(line)",
            Problem::NotJson {
                detail: e.to_string(),
            },
        )]
    })?;
    let Value::Object(mut object) = value else {
        return Err(vec![error("(line)", Problem::NotObject)]);
    };
    let mut errors = Vec::new();
    let id = match object.remove("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(hex)) => match casetrail_domain::EventRef::try_from(hex.clone()) {
            Ok(r) => Some(r.0),
            Err(e) => {
                errors.push(error("id", Problem::invalid(&hex, Expected::EventId, e)));
                None
            }
        },
        Some(_) => {
            errors.push(error(
                "id",
                Problem::invalid(
                    "",
                    Expected::EventId,
                    "must be a string of 32 hexadecimal digits",
                ),
            ));
            None
        }
    };
    let unknown: Vec<&String> = object
        .keys()
        .filter(|k| *k != "type" && *k != "data")
        .collect();
    if !unknown.is_empty() {
        errors.push(error(
            "(line)",
            Problem::UnknownKeys {
                keys: unknown
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        ));
    }
    let plain = Value::Object(object);
    if plain.get("type").and_then(Value::as_str) == Some("PatientErased") {
        errors.push(error("type", Problem::ErasureByImport));
    }
    // Check the shape with placeholders in place of the sealed bytes.
    let mut shaped = plain.clone();
    let placeholders = each_personal(&mut shaped, &mut |field, value: &mut Value| match value {
        Value::String(text) => {
            if field == "cpr" {
                Cpr::parse(text)
                    .map_err(|e| error("cpr", Problem::invalid(text, Expected::Cpr, e)))?;
            }
            *value = Value::String(String::new());
            Ok(())
        }
        Value::Null => Ok(()),
        _ => Err(error(field, Problem::PersonalNotText)),
    });
    if let Err(e) = placeholders {
        errors.push(e);
    }
    let typed = serde_json::from_value::<DomainEvent>(shaped).map_err(|e| {
        error(
            "data",
            Problem::Shape {
                detail: e.to_string(),
            },
        )
    });
    match typed {
        Ok(event) if errors.is_empty() => {
            // serde_json's maps are sorted, so equal events give equal bytes (and ids).
            Ok((id, event.patient().clone(), plain))
        }
        Ok(_) => Err(errors),
        Err(e) => {
            errors.push(e);
            Err(errors)
        }
    }
}

/// A JSON value as its text, for formats that cannot hold JSON's own shape (postcard).
mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;

    pub(super) fn serialize<S: Serializer>(value: &Value, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// Reads and checks every line; blank lines are skipped.
pub fn parse_events(input: impl BufRead) -> Result<ParsedEvents, ImportError> {
    let mut parsed = ParsedEvents::default();
    parse_events_each(input, |line| match line {
        Ok(line) => parsed.lines.push(line),
        Err(refused) => parsed.rejected.push(refused),
    })?;
    Ok(parsed)
}

/// [`parse_events`], handing each line to `each` as it is read (a valid line, or a refused one
/// with its reasons) instead of keeping it.
pub fn parse_events_each(
    input: impl BufRead,
    mut each: impl FnMut(Result<EventLine, Rejected>),
) -> Result<(), ImportError> {
    let input = std::io::BufReader::new(crate::BoundedLines::new(input));
    for (i, text) in input.lines().enumerate() {
        let line = i as u64 + 1;
        let text = text.map_err(|source| ImportError::Read { line, source })?;
        if text.trim().is_empty() {
            continue;
        }
        each(match check_line(&text) {
            Ok((id, patient, plain)) => Ok(EventLine {
                line,
                id,
                patient,
                plain,
            }),
            Err(errors) => Err(Rejected {
                line,
                errors,
                fields: vec![text],
            }),
        });
    }
    Ok(())
}

/// Seals a checked line's personal fields under the patient's key and types it.
pub fn seal_line(line: &EventLine, key: &PatientKey) -> ImportEvent {
    let mut sealed = line.plain.clone();
    let patient = &line.patient;
    let infallible: Result<(), std::convert::Infallible> =
        each_personal(&mut sealed, &mut |field, value: &mut Value| {
            if let Value::String(text) = value {
                let bytes = key.seal_str(patient, field, text).0;
                *value = Value::String(STANDARD.encode(bytes));
            }
            Ok(())
        });
    let Ok(()) = infallible;
    let event: DomainEvent = serde_json::from_value(sealed).expect("the line was checked");
    let id = line
        .id
        .unwrap_or_else(|| key.content_id(&serde_json::to_vec(&line.plain).expect("JSON")));
    ImportEvent {
        patient: patient.clone(),
        id,
        event,
    }
}

/// The export form of a stored event: personal fields opened with the patient's key. None when
/// a field does not open (the patient was forgotten).
pub fn open_event(id: [u8; 16], event: &DomainEvent, key: &PatientKey) -> Option<Value> {
    let patient = event.patient().clone();
    let mut value = serde_json::to_value(event).expect("events are JSON");
    each_personal(&mut value, &mut |field, v: &mut Value| {
        if let Value::String(b64) = v {
            let bytes = STANDARD.decode(b64.as_bytes()).map_err(|_| ())?;
            let plain = key
                .open(&patient, field, &casetrail_domain::Sealed(bytes))
                .map_err(|_| ())?;
            *v = Value::String(String::from_utf8(plain).map_err(|_| ())?);
        }
        Ok::<(), ()>(())
    })
    .ok()?;
    if let Value::Object(map) = &mut value {
        map.insert(
            "id".into(),
            Value::String(casetrail_domain::EventRef(id).to_string()),
        );
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(text: &str) -> Vec<String> {
        parse_events(text.as_bytes())
            .unwrap()
            .rejected
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    #[test]
    fn every_bad_line_is_named_with_its_reason() {
        let text = [
            r#"{"type":"DischargeRecorded","data":{"stay":"S1","patient":"P1","end":"2019-01-02"}}"#,
            r#"not json"#,
            r#"{"type":"Nonsense","data":{}}"#,
            r#"{"type":"PatientRegistered","data":{"patient":"P1","cpr":"999999-1234","name":"X","birth_year":1980,"sex":"male","municipality":"A"}}"#,
            r#"{"type":"PatientErased","data":{"patient":"P1"}}"#,
            r#"{"type":"MaterialAttached","data":{"material":"M1","patient":"P1","source":"police_report","date":"2019-01-02","text":7}}"#,
            "",
            r#"{"id":"xyz","type":"DischargeRecorded","data":{"stay":"S1","patient":"P1","end":"2019-01-02"}}"#,
            r#"{"type":"DischargeRecorded","data":{"stay":"S1","patient":"P1"}}"#,
        ]
        .join("\n");
        let parsed = parse_events(text.as_bytes()).unwrap();
        assert_eq!(parsed.lines.len(), 1);
        let messages: Vec<String> = parsed.rejected.iter().map(|r| r.to_string()).collect();
        let lines: Vec<u64> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 8, 9]);
        assert!(messages[0].contains("not JSON"), "{}", messages[0]);
        assert!(messages[1].contains("Nonsense"), "{}", messages[1]);
        assert!(
            messages[2].contains("cpr: not a CPR number"),
            "{}",
            messages[2]
        );
        assert!(messages[3].contains("casetrail forget"), "{}", messages[3]);
        assert!(
            messages[4].contains("text: personal fields are plain text"),
            "{}",
            messages[4]
        );
        assert!(messages[5].contains("id:"), "{}", messages[5]);
        assert!(
            messages[6].contains("missing field `end`"),
            "{}",
            messages[6]
        );
        assert!(rejected(r#"{"type":"DischargeRecorded","data":{"stay":"S1","patient":"P1","end":"2019-01-02"},"extra":1}"#)[0].contains("unknown keys"));
    }

    #[test]
    fn sealing_then_opening_gives_back_the_line() {
        let text = r#"{"type":"MaterialAttached","data":{"date":"2019-01-02","material":"M1","patient":"P1","source":"police_report","text":"Døgnrapport om Bent, tlf. 20304050"}}"#;
        let line = parse_events(text.as_bytes()).unwrap().lines.remove(0);
        let key = PatientKey::from_bytes([3; 32]);
        let sealed = seal_line(&line, &key);
        assert!(
            !sealed.event.encode().windows(4).any(|w| w == b"Bent"),
            "the text is sealed"
        );
        assert_eq!(
            sealed.id,
            seal_line(&line, &key).id,
            "the id derives from the content"
        );
        let opened = open_event(sealed.id, &sealed.event, &key).unwrap();
        let mut expected: Value = serde_json::from_str(text).unwrap();
        expected["id"] = Value::String(casetrail_domain::EventRef(sealed.id).to_string());
        assert_eq!(opened, expected);
        assert!(open_event(sealed.id, &sealed.event, &PatientKey::from_bytes([4; 32])).is_none());
    }

    #[test]
    fn a_line_longer_than_the_bound_stops_the_file_with_its_line() {
        let mut text = String::from("\n\n");
        text.push_str(&"x".repeat(crate::MAX_LINE_BYTES + 1));
        let e = parse_events(text.as_bytes()).unwrap_err();
        assert!(matches!(e, ImportError::Read { line: 3, .. }), "{e}");
        assert!(e.to_string().contains("longer than 16 MiB"), "{e}");
    }
}
