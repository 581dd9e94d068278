//! Reading one MedCom HospitalNotification message: a FHIR R4 Bundle of type `message` whose
//! MessageHeader focuses an Encounter, with the Patient, the organisations and a Provenance
//! that says what happened. Only what a notification must hold is read; every missing or
//! wrong value is refused with its place in the bundle (`entry[2] Encounter: period.start`).

use casetrail_domain::{Cpr, HospitalActivity, MessageId, StayId, When};
use serde_json::Value;

use super::{BundleError, Change, Notification};

/// The CPR number's identifier system (the Danish civil registration system's OID).
pub(super) const CPR_SYSTEM: &str = "urn:oid:1.2.208.176.1.2";
/// The SOR code's identifier system (Sundhedsvæsenets Organisationsregister).
const SOR_SYSTEM: &str = "urn:oid:1.2.208.176.1.1";
/// What a hospital notification's MessageHeader says it is.
pub(super) const EVENT_CODE: &str = "hospitalnotification-message";

/// One resource of the bundle and where it stands, for error messages.
#[derive(Clone, Copy)]
pub(super) struct Entry<'a> {
    index: usize,
    full_url: &'a str,
    pub(super) resource: &'a Value,
    kind: &'a str,
}

impl<'a> Entry<'a> {
    pub(super) fn at(&self, field: &str) -> String {
        format!("entry[{}] {}: {field}", self.index, self.kind)
    }

    pub(super) fn missing(&self, field: &str) -> BundleError {
        BundleError::Missing {
            path: self.at(field),
        }
    }

    /// A string at a dotted path of this resource (`period.start`, `class.code`).
    pub(super) fn str(&self, path: &str) -> Option<&'a str> {
        let mut value = self.resource;
        for part in path.split('.') {
            value = value.get(part)?;
        }
        value.as_str().map(str::trim).filter(|s| !s.is_empty())
    }

    pub(super) fn required(&self, path: &str) -> Result<&'a str, BundleError> {
        self.str(path).ok_or_else(|| self.missing(path))
    }

    pub(super) fn id(&self) -> &'a str {
        self.resource
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// Whether `reference` (`Encounter/abc`, a full URL, `urn:uuid:…`) names this entry.
    pub(super) fn is(&self, reference: &str) -> bool {
        let local = format!("{}/{}", self.kind, self.id());
        (!self.full_url.is_empty() && self.full_url == reference)
            || reference == local
            || reference.ends_with(&format!("/{local}"))
    }
}

/// The bundle's entries, with the resources they hold.
pub(super) struct Bundle<'a> {
    entries: Vec<Entry<'a>>,
}

impl<'a> Bundle<'a> {
    pub(super) fn read(value: &'a Value) -> Result<Bundle<'a>, BundleError> {
        let kind = value.get("resourceType").and_then(Value::as_str);
        if kind != Some("Bundle") {
            return Err(BundleError::NotABundle {
                found: kind.unwrap_or("nothing").to_owned(),
            });
        }
        if value.get("type").and_then(Value::as_str) != Some("message") {
            return Err(BundleError::Invalid {
                path: "Bundle: type".into(),
                value: value
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                expected: "message",
            });
        }
        let listed = value
            .get("entry")
            .and_then(Value::as_array)
            .ok_or_else(|| BundleError::Missing {
                path: "Bundle: entry".into(),
            })?;
        let mut entries = Vec::with_capacity(listed.len());
        for (index, entry) in listed.iter().enumerate() {
            let Some(resource) = entry.get("resource") else {
                continue;
            };
            entries.push(Entry {
                index,
                full_url: entry.get("fullUrl").and_then(Value::as_str).unwrap_or(""),
                resource,
                kind: resource
                    .get("resourceType")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            });
        }
        Ok(Bundle { entries })
    }

    pub(super) fn all(&self, kind: &str) -> impl Iterator<Item = Entry<'a>> + '_ {
        let kind = kind.to_owned();
        self.entries.iter().copied().filter(move |e| e.kind == kind)
    }

    /// The resource of `kind` that `reference` names, or (with no reference) the bundle's
    /// only one of that kind.
    pub(super) fn resolve(
        &self,
        kind: &str,
        reference: Option<&str>,
        from: &str,
    ) -> Result<Entry<'a>, BundleError> {
        let found: Vec<Entry<'a>> = match reference {
            Some(r) => self.all(kind).filter(|e| e.is(r)).collect(),
            None => self.all(kind).collect(),
        };
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(BundleError::Unresolved {
                path: from.to_owned(),
                reference: reference.unwrap_or("").to_owned(),
                kind: kind.to_owned(),
            }),
            _ => Err(BundleError::Ambiguous {
                kind: kind.to_owned(),
            }),
        }
    }
}

/// The value of an identifier of `system` in a resource's `identifier` list.
pub(super) fn identifier<'a>(entry: &Entry<'a>, system: &str) -> Option<&'a str> {
    entry
        .resource
        .get("identifier")?
        .as_array()?
        .iter()
        .find(|i| i.get("system").and_then(Value::as_str) == Some(system))?
        .get("value")?
        .as_str()
        .map(str::trim)
}

pub(super) fn reference_of(value: Option<&Value>) -> Option<&str> {
    value?.get("reference")?.as_str()
}

fn when(entry: &Entry<'_>, path: &str) -> Result<When, BundleError> {
    let text = entry.required(path)?;
    When::parse_instant(text).map_err(|_| BundleError::Invalid {
        path: entry.at(path),
        value: text.to_owned(),
        expected: "an instant with its offset (2019-03-04T22:40:00+01:00)",
    })
}

/// The activity code and whether it revises or cancels.
fn activity(code: &str) -> Option<(HospitalActivity, Option<bool>)> {
    let (base, change) = if let Some(rest) = code.strip_prefix("revise-") {
        (rest, Some(true))
    } else if let Some(rest) = code.strip_prefix("cancel-") {
        (rest, Some(false))
    } else {
        (code, None)
    };
    let activity = match base {
        "admit-emergency" => HospitalActivity::AdmitEmergency,
        "admit-inpatient" => HospitalActivity::AdmitInpatient,
        "start-leave-inpatient" => HospitalActivity::StartLeave,
        "end-leave-inpatient" => HospitalActivity::EndLeave,
        "discharge-emergency-home" => HospitalActivity::DischargeEmergency,
        "discharge-inpatient-home" => HospitalActivity::DischargeInpatient,
        _ => return None,
    };
    Some((activity, change))
}

/// The leave period's start or end, from the Encounter's leave-period extension.
fn leave(encounter: &Entry<'_>, end: bool) -> Result<When, BundleError> {
    let field = if end { "end" } else { "start" };
    let path = format!("extension(leavePeriod).valuePeriod.{field}");
    let period = encounter
        .resource
        .get("extension")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter().find(|x| {
                x.get("url")
                    .and_then(Value::as_str)
                    .is_some_and(|u| u.contains("leavePeriod"))
            })
        })
        .and_then(|x| x.get("valuePeriod"))
        .ok_or_else(|| encounter.missing(&path))?;
    let text = period
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| encounter.missing(&path))?;
    When::parse_instant(text).map_err(|_| BundleError::Invalid {
        path: encounter.at(&path),
        value: text.to_owned(),
        expected: "an instant with its offset (2019-03-04T22:40:00+01:00)",
    })
}

pub(super) fn name_of(entry: &Entry<'_>) -> String {
    let Some(name) = entry
        .resource
        .get("name")
        .and_then(Value::as_array)
        .and_then(|n| n.first())
    else {
        return String::new();
    };
    let mut parts: Vec<&str> = name
        .get("given")
        .and_then(Value::as_array)
        .map(|g| g.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(family) = name.get("family").and_then(Value::as_str) {
        parts.push(family);
    }
    parts.join(" ")
}

/// An organisation's name, or its SOR code when it has no name.
pub(super) fn organisation_name(entry: &Entry<'_>) -> Result<String, BundleError> {
    entry
        .str("name")
        .or_else(|| identifier(entry, SOR_SYSTEM))
        .map(str::to_owned)
        .ok_or_else(|| entry.missing("name (or a SOR identifier)"))
}

/// Reads one hospital notification from a parsed bundle.
pub(super) fn notification(value: &Value) -> Result<Notification, BundleError> {
    let bundle = Bundle::read(value)?;
    let header = bundle.resolve("MessageHeader", None, "Bundle: entry")?;
    let event = header.str("eventCoding.code").unwrap_or("");
    if event != EVENT_CODE {
        return Err(BundleError::Invalid {
            path: header.at("eventCoding.code"),
            value: event.to_owned(),
            expected: EVENT_CODE,
        });
    }
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
    let encounter = bundle.resolve("Encounter", reference_of(focus), &header.at("focus"))?;
    let provenance = bundle
        .all("Provenance")
        .find(|p| {
            p.resource
                .get("target")
                .and_then(Value::as_array)
                .is_some_and(|t| {
                    t.iter()
                        .any(|r| reference_of(Some(r)).is_some_and(|r| header.is(r)))
                })
        })
        .map_or_else(|| bundle.resolve("Provenance", None, "Bundle: entry"), Ok)?;
    let code = provenance
        .resource
        .get("activity")
        .and_then(|a| a.get("coding"))
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .and_then(|c| c.get("code"))
        .and_then(Value::as_str)
        .ok_or_else(|| provenance.missing("activity.coding.code"))?;
    let (activity, change) = activity(code).ok_or_else(|| BundleError::Invalid {
        path: provenance.at("activity.coding.code"),
        value: code.to_owned(),
        expected: "a HospitalNotification activity (admit-inpatient, start-leave-inpatient, discharge-inpatient-home, … or their revise- and cancel- forms)",
    })?;
    let change = match change {
        None => Change::New,
        Some(revise) => {
            let target = provenance
                .resource
                .get("entity")
                .and_then(Value::as_array)
                .and_then(|list| {
                    list.iter()
                        .rev()
                        .find(|e| e.get("role").and_then(Value::as_str) == Some("revision"))
                })
                .and_then(|e| reference_of(e.get("what")))
                .ok_or_else(|| provenance.missing("entity (role revision).what"))?;
            let id = target.rsplit('/').next().unwrap_or(target);
            let of = MessageId::new(id).map_err(|_| BundleError::Invalid {
                path: provenance.at("entity.what"),
                value: target.to_owned(),
                expected: "a reference to the MessageHeader revised (MessageHeader/ID)",
            })?;
            if revise {
                Change::Revise { of }
            } else {
                Change::Cancel { of }
            }
        }
    };
    let class = encounter.required("class.code")?;
    let emergency = matches!(
        activity,
        HospitalActivity::AdmitEmergency | HospitalActivity::DischargeEmergency
    );
    let expected_class = if emergency { "EMER" } else { "IMP" };
    if class != expected_class {
        return Err(BundleError::Invalid {
            path: encounter.at("class.code"),
            value: class.to_owned(),
            expected: if emergency {
                "EMER (an emergency activity)"
            } else {
                "IMP (an inpatient activity)"
            },
        });
    }
    let episode_text = encounter
        .resource
        .get("episodeOfCare")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .and_then(|e| e.get("identifier"))
        .and_then(|i| i.get("value"))
        .and_then(Value::as_str)
        .ok_or_else(|| encounter.missing("episodeOfCare.identifier.value"))?;
    let episode = StayId::new(episode_text.trim()).map_err(|_| BundleError::Invalid {
        path: encounter.at("episodeOfCare.identifier.value"),
        value: episode_text.to_owned(),
        expected: "an id of 1-64 letters, digits and - _ . :",
    })?;
    let at = match activity {
        HospitalActivity::AdmitEmergency | HospitalActivity::AdmitInpatient => {
            when(&encounter, "period.start")?
        }
        HospitalActivity::DischargeEmergency | HospitalActivity::DischargeInpatient => {
            when(&encounter, "period.end")?
        }
        HospitalActivity::StartLeave => leave(&encounter, false)?,
        HospitalActivity::EndLeave => leave(&encounter, true)?,
    };
    let patient = bundle.resolve(
        "Patient",
        reference_of(encounter.resource.get("subject")),
        &encounter.at("subject"),
    )?;
    let cpr_text = identifier(&patient, CPR_SYSTEM)
        .ok_or_else(|| patient.missing(&format!("identifier ({CPR_SYSTEM})")))?;
    let cpr = Cpr::parse(cpr_text).map_err(|_| BundleError::Invalid {
        path: patient.at("identifier.value"),
        value: "(a CPR number, not repeated here)".into(),
        expected: "a CPR number (DDMMYYXXXX)",
    })?;
    let provider = bundle.resolve(
        "Organization",
        reference_of(encounter.resource.get("serviceProvider")),
        &encounter.at("serviceProvider"),
    )?;
    let sender = reference_of(header.resource.get("sender"))
        .and_then(|r| bundle.resolve("Organization", Some(r), "").ok());
    let receiver = header
        .resource
        .get("destination")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .and_then(|d| reference_of(d.get("receiver")))
        .and_then(|r| bundle.resolve("Organization", Some(r), "").ok());
    let unit = organisation_name(&provider)?;
    let organisation = match sender {
        Some(s) => organisation_name(&s)?,
        None => unit.clone(),
    };
    let sent = value
        .get("timestamp")
        .and_then(Value::as_str)
        .and_then(|t| When::parse_instant(t).ok())
        .unwrap_or(at);
    Ok(Notification {
        message,
        sent,
        change,
        activity,
        episode,
        cpr,
        name: name_of(&patient),
        municipality: receiver
            .and_then(|r| r.str("name").map(str::to_owned))
            .unwrap_or_default(),
        at,
        organisation,
        unit,
    })
}
