use super::*;

fn patient() -> PatientId {
    PatientId::new("P1").unwrap()
}

#[test]
fn every_event_round_trips_through_its_stored_form() {
    let events = vec![
        DomainEvent::AdmissionStarted(AdmissionStarted {
            stay: StayId::new("S1").unwrap(),
            patient: patient(),
            ward: "Afsnit A".into(),
            priority: Priority::Acute,
            main_diagnosis: Icd10::new("DF201").unwrap(),
            court_ordered: false,
            start: When::parse("2017-02-01T23:10").unwrap(),
        }),
        DomainEvent::Corrected(Corrected {
            patient: patient(),
            target: EventRef([7; 16]),
            correction: Correction::Retract,
            reason: Some(Sealed(vec![1, 2, 3])),
        }),
    ];
    for event in events {
        let bytes = event.encode();
        let back = DomainEvent::decode(event.event_type(), event.schema_version(), &bytes).unwrap();
        assert_eq!(back, event);
    }
}

#[test]
fn unknown_types_and_versions_are_refused_by_name() {
    let err = DomainEvent::decode("Nonsense", 1, b"{}").unwrap_err();
    assert!(err.to_string().contains("Nonsense"), "{err}");
    let err = DomainEvent::decode("ContactRecorded", 9, b"{}").unwrap_err();
    assert!(err.to_string().contains("version 9"), "{err}");
    let err = DomainEvent::decode("DischargeRecorded", 1, b"{\"stay\":1}").unwrap_err();
    assert!(err.to_string().contains("DischargeRecorded"), "{err}");
}

#[test]
fn event_refs_are_32_hex_digits() {
    let r = EventRef([0xab; 16]);
    let text = String::from(r);
    assert_eq!(EventRef::try_from(text).unwrap(), r);
    assert!(EventRef::try_from("zz".repeat(16)).is_err());
    assert!(EventRef::try_from("ab".to_string()).is_err());
}
