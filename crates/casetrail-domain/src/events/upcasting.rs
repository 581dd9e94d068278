use super::*;

/// A version-1 event as an earlier build stored it (fixtures/events/contact-recorded-v1.json).
const STORED_V1: &str = include_str!("../../../../fixtures/events/contact-recorded-v1.json");

/// One stored payload of every event type at every schema version the product has
/// written, as it was stored (`fixtures/events/`, taken from real records: sealed fields
/// are ciphertext). They must read for ever: a new version needs its fixture, and an old
/// one keeps its own.
const STORED: &[(&str, u32, &str)] = &[
    (
        "PatientRegistered",
        1,
        include_str!("../../../../fixtures/events/patient-registered-v1.json"),
    ),
    (
        "IdentityCorrected",
        1,
        include_str!("../../../../fixtures/events/identity-corrected-v1.json"),
    ),
    (
        "ContactRecorded",
        1,
        include_str!("../../../../fixtures/events/contact-recorded-v1.json"),
    ),
    (
        "ContactRecorded",
        2,
        include_str!("../../../../fixtures/events/contact-recorded-v2.json"),
    ),
    (
        "ContactRecorded",
        3,
        include_str!("../../../../fixtures/events/contact-recorded-v3.json"),
    ),
    (
        "AdmissionStarted",
        1,
        include_str!("../../../../fixtures/events/admission-started-v1.json"),
    ),
    (
        "DischargeRecorded",
        1,
        include_str!("../../../../fixtures/events/discharge-recorded-v1.json"),
    ),
    (
        "HospitalNotified",
        1,
        include_str!("../../../../fixtures/events/hospital-notified-v1.json"),
    ),
    (
        "PlanChanged",
        1,
        include_str!("../../../../fixtures/events/plan-changed-v1.json"),
    ),
    (
        "ConsentGiven",
        1,
        include_str!("../../../../fixtures/events/consent-given-v1.json"),
    ),
    (
        "ConsentWithdrawn",
        1,
        include_str!("../../../../fixtures/events/consent-withdrawn-v1.json"),
    ),
    (
        "MaterialAttached",
        1,
        include_str!("../../../../fixtures/events/material-attached-v1.json"),
    ),
    (
        "Corrected",
        1,
        include_str!("../../../../fixtures/events/corrected-v1.json"),
    ),
    (
        "PatientErased",
        1,
        include_str!("../../../../fixtures/events/patient-erased-v1.json"),
    ),
    (
        "PersonRecorded",
        1,
        include_str!("../../../../fixtures/events/person-recorded-v1.json"),
    ),
    (
        "RiskReviewed",
        1,
        include_str!("../../../../fixtures/events/risk-reviewed-v1.json"),
    ),
    (
        "CaseFileReleased",
        1,
        include_str!("../../../../fixtures/events/case-file-released-v1.json"),
    ),
];

#[test]
fn every_stored_event_of_every_type_and_version_reads() {
    for (event_type, version, payload) in STORED {
        let event = DomainEvent::decode(event_type, *version, payload.as_bytes())
            .unwrap_or_else(|e| panic!("{event_type} v{version}: {e}"));
        assert_eq!(event.event_type(), *event_type);
        // Read back from what it is written as now.
        let again =
            DomainEvent::decode(event_type, event.schema_version(), &event.encode()).unwrap();
        assert_eq!(again, event, "{event_type} v{version}");
    }
    for (event_type, current) in DomainEvent::TYPES {
        for version in 1..=*current {
            assert!(
                STORED
                    .iter()
                    .any(|(t, v, _)| t == event_type && *v == version),
                "no stored fixture of {event_type} v{version}: add one to fixtures/events/"
            );
        }
    }
}

#[test]
fn a_stored_version_1_contact_reads_as_the_current_version() {
    let event = DomainEvent::decode("ContactRecorded", 1, STORED_V1.as_bytes()).unwrap();
    let DomainEvent::ContactRecorded(c) = &event else {
        panic!("expected a contact, got {event:?}");
    };
    assert_eq!(c.diagnoses, vec![Icd10::new("DF603").unwrap()]);
    assert!(!c.court_ordered);
    assert_eq!(c.start.to_string(), "2016-11-03T23:15");
    assert_eq!(event.schema_version(), 3);
    // once upcast, it is written back in the current version and reads as such
    let again = DomainEvent::decode("ContactRecorded", 3, &event.encode()).unwrap();
    assert_eq!(again, event);
    // and the version-1 bytes are not readable as version 2
    assert!(DomainEvent::decode("ContactRecorded", 2, STORED_V1.as_bytes()).is_err());
}

#[test]
fn a_version_2_contact_reads_as_version_3_without_an_episode_and_writes_the_same_bytes() {
    let v2 = include_str!("../../../../fixtures/events/contact-recorded-v2.json");
    let event = DomainEvent::decode("ContactRecorded", 2, v2.as_bytes()).unwrap();
    let DomainEvent::ContactRecorded(c) = &event else {
        panic!("expected a contact, got {event:?}");
    };
    assert_eq!(c.episode, None);
    let v3 = include_str!("../../../../fixtures/events/contact-recorded-v3.json");
    let DomainEvent::ContactRecorded(with) =
        DomainEvent::decode("ContactRecorded", 3, v3.as_bytes()).unwrap()
    else {
        unreachable!()
    };
    assert_eq!(with.episode.as_ref().map(|e| e.as_str()), Some("F1"));
    // without an episode, the bytes are version 2's: nothing old changes its content id
    let mut without = with.clone();
    without.episode = None;
    let bytes = DomainEvent::ContactRecorded(without).encode();
    assert!(!String::from_utf8(bytes).unwrap().contains("episode"));
}
