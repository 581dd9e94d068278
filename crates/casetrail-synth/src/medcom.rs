//! The same synthetic region as MedCom hospital notifications: for each ward admission the
//! messages a hospital sends the patient's municipality (FHIR R4 message Bundles as MedCom's
//! HospitalNotification profiles lay them out): arrival in the emergency department for an
//! acute admission, the admission, leave on some longer stays, the discharge — and, so that
//! an import meets them, revisions and cancellations: some admissions are first sent with a
//! wrong time and revised, some discharges first sent a day early and cancelled, and some
//! patients get an admission sent in error and cancelled.
//!
//! Only ward admissions are notified; user-controlled beds are left out (a notification
//! cannot mark one, and stage 1 does not count them). The emergency arrival is sent at the
//! ward admission's own time, so the stays the messages describe are the contacts CSV's. Each
//! admission's episode is the forløbselement `write_lpr3` gives its contact, as in a region
//! where both come from the same hospital system.

use chrono::{Duration, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Copenhagen;
use serde_json::{Value, json};

use crate::{Config, Generator, Row};

const ACTIVITY_SYSTEM: &str =
    "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-activityCodes";
const EVENT_SYSTEM: &str =
    "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-eventCodes";
const LEAVE_EXTENSION: &str = "http://medcomfhir.dk/ig/hospitalnotification/StructureDefinition/medcom-hospitalNotification-leavePeriod-extension";
const EPISODE_SYSTEM: &str = "https://sundhedsdatastyrelsen.dk/da/lpr3/forloebsid";

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MedcomWritten {
    /// Messages (bundles).
    pub messages: u64,
    /// Ward admissions they describe.
    pub stays: u64,
    /// Revisions and cancellations among them.
    pub corrections: u64,
}

/// A deterministic id in the form of a UUID.
fn uuid(kind: u16, n: u64) -> String {
    format!("00000000-0000-4000-{:04x}-{n:012x}", 0x8000 | kind)
}

fn parse(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()
}

/// A Copenhagen wall-clock time as a FHIR instant with its offset.
fn instant(at: NaiveDateTime) -> String {
    let local = Copenhagen
        .from_local_datetime(&at)
        .earliest()
        .unwrap_or_else(|| Copenhagen.from_utc_datetime(&at));
    local.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// What one message says.
struct Message<'a> {
    code: String,
    class: &'static str,
    status: &'static str,
    start: NaiveDateTime,
    end: Option<NaiveDateTime>,
    leave: Option<(NaiveDateTime, Option<NaiveDateTime>)>,
    episode: &'a str,
    revises: Option<String>,
}

struct Writer<'w> {
    put: &'w mut dyn FnMut(&str, &[u8]) -> std::io::Result<()>,
    written: MedcomWritten,
    /// Units, hospitals and municipalities get invented SOR codes, in the order first met.
    sor: std::collections::BTreeMap<String, u64>,
    /// When the last message of this stay was sent: each is sent after the one before.
    clock: Option<NaiveDateTime>,
}

impl Writer<'_> {
    fn sor(&mut self, name: &str) -> String {
        let next = self.sor.len() as u64 + 1;
        let n = *self.sor.entry(name.to_owned()).or_insert(next);
        format!("9{n:08}")
    }

    /// Writes one bundle; returns its MessageHeader id.
    fn send(&mut self, row: &Row, m: &Message<'_>) -> std::io::Result<String> {
        self.written.messages += 1;
        let n = self.written.messages;
        if m.revises.is_some() {
            self.written.corrections += 1;
        }
        let header = uuid(1, n);
        let natural = m
            .leave
            .map_or(m.end.unwrap_or(m.start), |(s, e)| e.unwrap_or(s))
            + Duration::minutes(1);
        let sent = match self.clock {
            Some(last) if last >= natural => last + Duration::minutes(1),
            _ => natural,
        };
        self.clock = Some(sent);
        let (hospital, unit, municipality) = (
            self.sor(&row.organisation),
            self.sor(&row.unit),
            self.sor(&row.municipality),
        );
        let (given, family) = row.name.rsplit_once(' ').unwrap_or(("", &row.name));
        let mut period = json!({ "start": instant(m.start) });
        if let Some(end) = m.end {
            period["end"] = json!(instant(end));
        }
        let mut encounter = json!({
            "resourceType": "Encounter",
            "id": uuid(2, n),
            "status": m.status,
            "class": { "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": m.class },
            "subject": { "reference": format!("Patient/{}", uuid(3, n)) },
            "episodeOfCare": [{ "identifier": { "system": EPISODE_SYSTEM, "value": m.episode } }],
            "period": period,
            "serviceProvider": { "reference": format!("Organization/{}", uuid(5, n)) },
        });
        if let Some((start, end)) = m.leave {
            let mut leave = json!({ "start": instant(start) });
            if let Some(end) = end {
                leave["end"] = json!(instant(end));
            }
            encounter["extension"] = json!([{ "url": LEAVE_EXTENSION, "valuePeriod": leave }]);
        }
        let mut provenance = json!({
            "resourceType": "Provenance",
            "id": uuid(7, n),
            "target": [{ "reference": format!("MessageHeader/{header}") }],
            "occurredDateTime": instant(sent),
            "recorded": instant(sent),
            "activity": { "coding": [{ "system": ACTIVITY_SYSTEM, "code": m.code }] },
            "agent": [{ "who": { "reference": format!("Organization/{}", uuid(4, n)) } }],
        });
        if let Some(of) = &m.revises {
            provenance["entity"] = json!([{ "role": "revision", "what": { "reference": format!("MessageHeader/{of}") } }]);
        }
        let organisation = |id: String, sor: String, name: &str| -> Value {
            json!({
                "resourceType": "Organization",
                "id": id,
                "identifier": [{ "system": "urn:oid:1.2.208.176.1.1", "value": sor }],
                "name": name,
            })
        };
        let resources = vec![
            json!({
                "resourceType": "MessageHeader",
                "id": header,
                "eventCoding": { "system": EVENT_SYSTEM, "code": "hospitalnotification-message" },
                "destination": [{
                    "endpoint": format!("https://sor2.sum.dsdn.dk/#id={municipality}"),
                    "receiver": { "reference": format!("Organization/{}", uuid(6, n)) },
                }],
                "sender": { "reference": format!("Organization/{}", uuid(4, n)) },
                "source": { "endpoint": format!("https://sor2.sum.dsdn.dk/#id={hospital}") },
                "focus": [{ "reference": format!("Encounter/{}", uuid(2, n)) }],
            }),
            json!({
                "resourceType": "Patient",
                "id": uuid(3, n),
                "identifier": [{ "system": "urn:oid:1.2.208.176.1.2", "value": row.cpr.replace('-', "") }],
                "name": [{ "family": family, "given": [given] }],
            }),
            encounter,
            organisation(uuid(4, n), hospital, &row.organisation),
            organisation(uuid(5, n), unit, &row.unit),
            organisation(uuid(6, n), municipality, &row.municipality),
            provenance,
        ];
        let entry: Vec<Value> = resources
            .into_iter()
            .map(|r| {
                let url = format!(
                    "https://medcomfhir.dk/ig/hospitalnotification/{}/{}",
                    r["resourceType"].as_str().unwrap_or(""),
                    r["id"].as_str().unwrap_or("")
                );
                json!({ "fullUrl": url, "resource": r })
            })
            .collect();
        let bundle = json!({
            "resourceType": "Bundle",
            "id": uuid(8, n),
            "type": "message",
            "timestamp": instant(sent),
            "entry": entry,
        });
        let bytes = serde_json::to_vec_pretty(&bundle).map_err(std::io::Error::other)?;
        (self.put)(&format!("{n:07}-{}.json", m.code), &bytes)?;
        Ok(header)
    }

    /// The messages of one ward admission, the `stay`-th of the region, in `episode`.
    fn stay(&mut self, row: &Row, stay: u64, episode: String) -> std::io::Result<()> {
        let Some(start) = parse(&row.start) else {
            return Ok(());
        };
        let end = parse(&row.end);
        self.written.stays += 1;
        self.clock = None;
        let message = |code: &str, class, status, start, end| Message {
            code: code.to_owned(),
            class,
            status,
            start,
            end,
            leave: None,
            episode: &episode,
            revises: None,
        };
        if row.priority == "acute" {
            self.send(
                row,
                &message("admit-emergency", "EMER", "in-progress", start, None),
            )?;
        }
        if stay.is_multiple_of(6) {
            let wrong = self.send(
                row,
                &message(
                    "admit-inpatient",
                    "IMP",
                    "in-progress",
                    start - Duration::hours(2),
                    None,
                ),
            )?;
            self.send(
                row,
                &Message {
                    revises: Some(wrong),
                    ..message("revise-admit-inpatient", "IMP", "in-progress", start, None)
                },
            )?;
        } else {
            self.send(
                row,
                &message("admit-inpatient", "IMP", "in-progress", start, None),
            )?;
        }
        let Some(end) = end else {
            return Ok(());
        };
        let leave_start = start + Duration::days(1);
        if stay.is_multiple_of(5) && end - start > Duration::days(3) {
            let leave_end = leave_start + Duration::hours(8);
            self.send(
                row,
                &Message {
                    leave: Some((leave_start, None)),
                    ..message("start-leave-inpatient", "IMP", "onleave", start, None)
                },
            )?;
            self.send(
                row,
                &Message {
                    leave: Some((leave_start, Some(leave_end))),
                    ..message("end-leave-inpatient", "IMP", "in-progress", start, None)
                },
            )?;
        }
        if stay.is_multiple_of(9) && end - start > Duration::days(1) {
            let early = end - Duration::days(1);
            let wrong = self.send(
                row,
                &message(
                    "discharge-inpatient-home",
                    "IMP",
                    "finished",
                    start,
                    Some(early),
                ),
            )?;
            self.send(
                row,
                &Message {
                    revises: Some(wrong),
                    ..message(
                        "cancel-discharge-inpatient-home",
                        "IMP",
                        "in-progress",
                        start,
                        Some(early),
                    )
                },
            )?;
        }
        self.send(
            row,
            &message(
                "discharge-inpatient-home",
                "IMP",
                "finished",
                start,
                Some(end),
            ),
        )?;
        Ok(())
    }

    /// An admission sent in error and cancelled, for the `patient`-th patient.
    fn sent_in_error(&mut self, row: &Row, patient: u64) -> std::io::Result<()> {
        let Some(start) = parse(&row.start) else {
            return Ok(());
        };
        self.clock = None;
        let episode = uuid(10, patient);
        let at = start - Duration::days(40);
        let base = Message {
            code: "admit-inpatient".into(),
            class: "IMP",
            status: "in-progress",
            start: at,
            end: None,
            leave: None,
            episode: &episode,
            revises: None,
        };
        let wrong = self.send(row, &base)?;
        self.send(
            row,
            &Message {
                code: "cancel-admit-inpatient".into(),
                status: "entered-in-error",
                revises: Some(wrong),
                ..base
            },
        )?;
        Ok(())
    }
}

/// Writes the region's ward admissions as hospital notifications, one bundle per message,
/// each handed to `put` with a file name.
pub fn write_medcom(
    config: Config,
    put: &mut dyn FnMut(&str, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<MedcomWritten> {
    let mut writer = Writer {
        put,
        written: MedcomWritten::default(),
        sor: Default::default(),
        clock: None,
    };
    let mut failure = None;
    let mut patients = 0u64;
    let mut last_patient = String::new();
    // The region's contacts counted as the LPR3 writer counts them: a ward admission's
    // episode is the forløbselement its LPR3 contact is written with.
    let mut contacts = 0u64;
    Generator::new(config).run(|rows| {
        for row in rows {
            if row.sector == "region" && row.plan.is_empty() {
                contacts += 1;
            }
            if failure.is_some()
                || row.sector != "region"
                || row.kind != "ward_admission"
                || !row.plan.is_empty()
            {
                continue;
            }
            let mut outcome = Ok(());
            if row.patient != last_patient {
                last_patient.clone_from(&row.patient);
                patients += 1;
                if patients.is_multiple_of(13) {
                    outcome = writer.sent_in_error(row, patients);
                }
            }
            let stay = writer.written.stays + 1;
            let episode = crate::lpr3::episode_of(contacts);
            if let Err(e) = outcome.and_then(|()| writer.stay(row, stay, episode)) {
                failure = Some(e);
            }
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(writer.written),
    }
}
