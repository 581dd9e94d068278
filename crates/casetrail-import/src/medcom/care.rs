//! Reading one MedCom CareCommunication ("Korrespondancemeddelelse"): a FHIR R4 message
//! Bundle whose MessageHeader focuses a Communication with the message text in its payload,
//! from one sector's organisation to another's. It becomes case material from the sending
//! sector; its thread (the Communication's identifier, which a reply keeps) goes with it.

use casetrail_domain::{Cpr, MaterialSource, MessageId, When};
use serde_json::Value;

use super::bundle::{Bundle, CPR_SYSTEM, identifier, name_of, organisation_name, reference_of};
use super::{BundleError, CareMessage};

/// What a CareCommunication's MessageHeader says it is.
pub(super) const EVENT_CODE: &str = "care-communication-message";

/// The sector a sending organisation is in, by its name: a Danish organisation names its
/// kind (kommune, lægehus, psykiatri, politi, …). None when the name says none of them.
pub fn source_of(organisation: &str) -> Option<MaterialSource> {
    let name = organisation.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["politi"]) {
        Some(MaterialSource::PoliceReport)
    } else if has(&["lægevagt", "laegevagt", "akuttelefon", "1813"]) {
        Some(MaterialSource::OutOfHoursDoctor)
    } else if has(&[
        "lægehus",
        "lægepraksis",
        "lægerne",
        "almen praksis",
        "lægeklinik",
    ]) {
        Some(MaterialSource::GeneralPractice)
    } else if has(&["misbrug", "rusmiddel"]) {
        Some(MaterialSource::AddictionTreatment)
    } else if has(&["jobcenter"]) {
        Some(MaterialSource::JobCentre)
    } else if has(&["bosted", "botilbud", "bostøtte"]) {
        Some(MaterialSource::HousingDiary)
    } else if has(&["kommune"]) {
        // before "psykiatri": a municipality's social psychiatry is the municipality's
        Some(MaterialSource::MunicipalNotes)
    } else if has(&["psykiatri", "hospital", "sygehus", "region"]) {
        Some(MaterialSource::PsychiatricRecord)
    } else {
        None
    }
}

/// Reads one care communication from a parsed bundle.
pub(super) fn care_message(value: &Value) -> Result<CareMessage, BundleError> {
    let bundle = Bundle::read(value)?;
    let header = bundle.resolve("MessageHeader", None, "Bundle: entry")?;
    let message = MessageId::new(header.id()).map_err(|_| BundleError::Invalid {
        path: header.at("id"),
        value: header.id().to_owned(),
        expected: "an id of 1-64 letters, digits and - _ . :",
    })?;
    let focus = header
        .resource
        .get("focus")
        .and_then(Value::as_array)
        .and_then(|f| f.first());
    let communication =
        bundle.resolve("Communication", reference_of(focus), &header.at("focus"))?;
    let thread = communication
        .resource
        .get("identifier")
        .and_then(Value::as_array)
        .and_then(|i| i.first())
        .and_then(|i| i.get("value"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| communication.missing("identifier.value (the thread)"))?
        .to_owned();
    let texts: Vec<&str> = communication
        .resource
        .get("payload")
        .and_then(Value::as_array)
        .map(|p| {
            p.iter()
                .filter_map(|segment| segment.get("contentString").and_then(Value::as_str))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if texts.is_empty() {
        return Err(communication.missing("payload.contentString (the message text)"));
    }
    let attachments = communication
        .resource
        .get("payload")
        .and_then(Value::as_array)
        .map_or(0, |p| {
            p.iter()
                .filter(|s| s.get("contentAttachment").is_some())
                .count()
        });
    let topic = communication.str("topic.text");
    let sent_text = communication
        .str("sent")
        .or_else(|| value.get("timestamp").and_then(Value::as_str))
        .ok_or_else(|| communication.missing("sent"))?;
    let sent = When::parse_instant(sent_text).map_err(|_| BundleError::Invalid {
        path: communication.at("sent"),
        value: sent_text.to_owned(),
        expected: "an instant with its offset (2019-03-04T22:40:00+01:00)",
    })?;
    let patient = bundle.resolve(
        "Patient",
        reference_of(communication.resource.get("subject")),
        &communication.at("subject"),
    )?;
    let cpr_text = identifier(&patient, CPR_SYSTEM)
        .ok_or_else(|| patient.missing(&format!("identifier ({CPR_SYSTEM})")))?;
    let cpr = Cpr::parse(cpr_text).map_err(|_| BundleError::Invalid {
        path: patient.at("identifier.value"),
        value: "(a CPR number, not repeated here)".into(),
        expected: "a CPR number (DDMMYYXXXX)",
    })?;
    let sender = bundle.resolve(
        "Organization",
        reference_of(header.resource.get("sender")),
        &header.at("sender"),
    )?;
    let sender_name = organisation_name(&sender)?;
    let source = source_of(&sender_name).ok_or_else(|| BundleError::Invalid {
        path: sender.at("name"),
        value: sender_name.clone(),
        expected: "a sender whose name says its sector (…kommune, …lægehus, …psykiatri, politi, …)",
    })?;
    let mut text = format!("Korrespondance fra {sender_name} (tråd {thread})");
    if let Some(topic) = topic {
        text.push_str(&format!(": {topic}"));
    }
    text.push_str("\n\n");
    text.push_str(&texts.join("\n\n"));
    if attachments > 0 {
        text.push_str(&format!(
            "\n\n[{attachments} bilag i meddelelsen, ikke læst]"
        ));
    }
    Ok(CareMessage {
        message,
        thread,
        sent,
        cpr,
        name: name_of(&patient),
        source,
        sender: sender_name,
        text,
    })
}
