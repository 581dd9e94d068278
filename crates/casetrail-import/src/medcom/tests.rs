use super::*;
use casetrail_domain::MaterialSource;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            "../../../../fixtures/import/medcom/",
            $name,
            ".json"
        ))
    };
}

const ADMIT_EMERGENCY: &str = fixture!("01-admit-emergency");
const ADMIT: &str = fixture!("02-admit-inpatient");
const START_LEAVE: &str = fixture!("03-start-leave");
const END_LEAVE: &str = fixture!("04-end-leave");
const DISCHARGE_WRONG: &str = fixture!("05-discharge");
const CANCEL_DISCHARGE: &str = fixture!("06-cancel-discharge");
const DISCHARGE: &str = fixture!("07-discharge");
const ADMIT_2: &str = fixture!("08-admit-inpatient");
const REVISE_ADMIT_2: &str = fixture!("09-revise-admit-inpatient");

fn read(text: &str) -> Notification {
    parse_notification(text.as_bytes()).unwrap()
}

/// The id an import would key from the CPR number; here one per person of the fixtures.
fn patient(n: &Notification) -> PatientId {
    PatientId::new(if n.name.starts_with("Jens") {
        "LA"
    } else {
        "LB"
    })
    .unwrap()
}

#[test]
fn a_notification_reads_its_activity_time_stay_patient_and_places() {
    let n = read(ADMIT_EMERGENCY);
    assert_eq!(n.activity, HospitalActivity::AdmitEmergency);
    assert_eq!(n.change, Change::New);
    assert_eq!(n.at.to_string(), "2019-03-01T22:10");
    assert_eq!(n.cpr.as_str(), "010190-4321");
    assert_eq!(n.name, "Jens Testesen");
    assert_eq!(n.municipality, "Aarhus Kommune");
    assert_eq!(n.unit, "Sengeafsnit P1");
    assert_eq!(n.organisation, "Aarhus Universitetshospital, Psykiatrien");
    assert_eq!(read(ADMIT).episode, n.episode);
    // leave: the leave period's start and end, not the stay's
    assert_eq!(read(START_LEAVE).at.to_string(), "2019-03-03T10:00");
    assert_eq!(read(END_LEAVE).at.to_string(), "2019-03-03T18:00");
    assert_eq!(read(DISCHARGE).at.to_string(), "2019-03-06T11:00");
    // summer time
    assert_eq!(read(ADMIT_2).at.to_string(), "2019-05-03T07:00");
    let cancel = read(CANCEL_DISCHARGE);
    assert_eq!(cancel.activity, HospitalActivity::DischargeInpatient);
    assert_eq!(
        cancel.change,
        Change::Cancel {
            of: read(DISCHARGE_WRONG).message
        }
    );
}

#[test]
fn a_bad_bundle_is_refused_with_where_and_what() {
    let refused = |text: &str| parse_notification(text.as_bytes()).unwrap_err().to_string();
    let json = refused("{\n  \"resourceType\": \"Bundle\",\n  \"type\": ");
    assert!(json.starts_with("line 3, column"), "{json}");
    assert_eq!(
        refused(r#"{"resourceType":"Patient"}"#),
        "is a Patient, not a FHIR Bundle"
    );
    let no_start = ADMIT.replace("\"start\": \"2019-03-01T22:10:00+01:00\"", "\"x\": 1");
    assert_eq!(
        refused(&no_start),
        "entry[2] Encounter: period.start is missing"
    );
    let no_offset = ADMIT.replace("2019-03-01T22:10:00+01:00", "2019-03-01T22:10:00");
    assert!(
        refused(&no_offset).starts_with(
            "entry[2] Encounter: period.start: \"2019-03-01T22:10:00\" is not an instant"
        ),
        "{}",
        refused(&no_offset)
    );
    let class = ADMIT.replace("\"IMP\"", "\"EMER\"");
    assert!(
        refused(&class).starts_with("entry[2] Encounter: class.code: \"EMER\" is not IMP"),
        "{}",
        refused(&class)
    );
    let activity = ADMIT.replace("\"admit-inpatient\"", "\"admit-outpatient\"");
    assert!(
        refused(&activity)
            .starts_with("entry[6] Provenance: activity.coding.code: \"admit-outpatient\""),
        "{}",
        refused(&activity)
    );
    let cpr = ADMIT.replace("0101904321", "0113904321");
    let said = refused(&cpr);
    assert!(
        said.starts_with("entry[1] Patient: identifier.value"),
        "{said}"
    );
    assert!(
        !said.contains("0113904321"),
        "the number is not repeated: {said}"
    );
    let subject = ADMIT.replace(
        "\"subject\": {\n          \"reference\": \"urn:uuid:",
        "\"subject\": {\n          \"reference\": \"urn:uuid:x",
    );
    assert_ne!(subject, ADMIT);
    assert!(
        refused(&subject).starts_with("entry[2] Encounter: subject: the reference"),
        "{}",
        refused(&subject)
    );
}

#[test]
fn corrections_are_made_to_the_first_notification_of_their_chain() {
    let all: Vec<(PatientId, Notification)> = [
        REVISE_ADMIT_2,
        ADMIT,
        CANCEL_DISCHARGE,
        DISCHARGE_WRONG,
        ADMIT_2,
        ADMIT, // the same file twice: one event
    ]
    .iter()
    .map(|t| {
        let n = read(t);
        (patient(&n), n)
    })
    .collect();
    let (resolved, refused) = resolve(all, &|_, _| None);
    assert!(refused.is_empty(), "{refused:?}");
    let order: Vec<HospitalActivity> = resolved.iter().map(|r| r.notification.activity).collect();
    use HospitalActivity::*;
    assert_eq!(
        order,
        [
            AdmitInpatient,
            DischargeInpatient,
            DischargeInpatient,
            AdmitInpatient,
            AdmitInpatient
        ],
        "in the order sent"
    );
    assert_eq!(resolved[2].root, Some(read(DISCHARGE_WRONG).message));
    assert_eq!(resolved[4].root, Some(read(ADMIT_2).message));

    let key = PatientKey::from_bytes([7; 32]);
    let keys: HashMap<PatientId, PatientKey> = resolved
        .iter()
        .map(|r| (r.patient.clone(), key.clone()))
        .collect();
    let events = notification_events(&resolved, &keys).unwrap();
    let types: Vec<&str> = events.iter().map(|e| e.event.event_type()).collect();
    assert_eq!(
        types,
        [
            "PatientRegistered",
            "HospitalNotified",
            "HospitalNotified",
            "Corrected",
            "PatientRegistered",
            "HospitalNotified",
            "Corrected"
        ]
    );
    let DomainEvent::Corrected(cancel) = &events[3].event else {
        unreachable!()
    };
    assert_eq!(cancel.correction, Correction::Retract);
    assert_eq!(cancel.target, EventRef(events[2].id), "the wrong discharge");
    let DomainEvent::Corrected(revise) = &events[6].event else {
        unreachable!()
    };
    assert_eq!(revise.target, EventRef(events[5].id));
    let Correction::Amend(amended) = &revise.correction else {
        panic!("a revision amends")
    };
    let DomainEvent::HospitalNotified(n) = amended.as_ref() else {
        unreachable!()
    };
    assert_eq!(n.at.to_string(), "2019-05-03T09:00");
    for e in &events {
        let bytes = e.event.encode();
        for secret in ["010190", "Testesen", "Prøvesen"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in {}",
                e.event.event_type()
            );
        }
    }
}

#[test]
fn a_correction_needs_its_message_about_the_same_activity_and_stay() {
    let cancel = read(CANCEL_DISCHARGE);
    let one = |n: Notification,
               stored: &dyn Fn(&PatientId, &MessageId) -> Option<StoredMessage>| {
        resolve(vec![(patient(&n), n)], stored).1
    };
    let refused = one(cancel.clone(), &|_, _| None);
    assert_eq!(refused.len(), 1);
    assert!(
        refused[0]
            .1
            .to_string()
            .contains("neither among these messages nor in the record")
    );
    // stored by an earlier import: found through the record
    let wrong = read(DISCHARGE_WRONG);
    let stored = |activity| {
        let wrong = wrong.clone();
        move |p: &PatientId, m: &MessageId| {
            (m == &wrong.message).then(|| StoredMessage {
                root: m.clone(),
                patient: p.clone(),
                episode: wrong.episode.clone(),
                activity,
            })
        }
    };
    assert!(
        one(
            cancel.clone(),
            &stored(HospitalActivity::DischargeInpatient)
        )
        .is_empty()
    );
    let other = one(cancel, &stored(HospitalActivity::AdmitInpatient));
    assert_eq!(
        other[0].1,
        BundleError::OtherTarget {
            of: wrong.message.to_string(),
            what: "activity"
        }
    );
}

#[test]
fn a_care_communication_is_material_from_its_sender_with_its_thread() {
    let first = fixture!("11-korrespondance");
    let reply = fixture!("12-korrespondance-svar");
    let MedcomMessage::Care(m) = parse_medcom(first.as_bytes()).unwrap() else {
        panic!("a care communication")
    };
    assert_eq!(m.source, MaterialSource::MunicipalNotes);
    assert_eq!(m.sent.to_string(), "2019-03-07T09:15");
    assert!(
        m.text
            .starts_with("Korrespondance fra Aarhus Kommune, Socialpsykiatrien (tråd urn:uuid:"),
        "{}",
        m.text
    );
    assert!(
        m.text
            .contains(": Udskrivelse og opfølgning\n\nBorgeren er udskrevet i går."),
        "{}",
        m.text
    );
    let MedcomMessage::Care(r) = parse_medcom(reply.as_bytes()).unwrap() else {
        panic!("a care communication")
    };
    assert_eq!(
        (r.source, &r.thread),
        (MaterialSource::GeneralPractice, &m.thread)
    );
    assert!(matches!(
        parse_medcom(ADMIT.as_bytes()),
        Ok(MedcomMessage::Notification(_))
    ));

    let unknown = first.replace("Aarhus Kommune, Socialpsykiatrien", "Firma ApS");
    let refused = parse_medcom(unknown.as_bytes()).unwrap_err().to_string();
    assert!(
        refused.contains("\"Firma ApS\" is not a sender whose name says its sector"),
        "{refused}"
    );
    let empty = first.replace("\"contentString\"", "\"contentX\"");
    let refused = parse_medcom(empty.as_bytes()).unwrap_err().to_string();
    assert!(
        refused.contains("Communication: payload.contentString (the message text) is missing"),
        "{refused}"
    );

    let key = PatientKey::from_bytes([3; 32]);
    let patient = PatientId::new("LA").unwrap();
    let keys = HashMap::from([(patient.clone(), key)]);
    let both = vec![(patient.clone(), r), (patient.clone(), m)];
    let events = care_events(&both, &keys, &Default::default()).unwrap();
    let types: Vec<&str> = events.iter().map(|e| e.event.event_type()).collect();
    assert_eq!(
        types,
        ["PatientRegistered", "MaterialAttached", "MaterialAttached"]
    );
    let DomainEvent::MaterialAttached(a) = &events[1].event else {
        unreachable!()
    };
    assert_eq!(
        a.source,
        MaterialSource::MunicipalNotes,
        "in the order sent"
    );
    let registered = std::collections::HashSet::from([patient]);
    assert_eq!(care_events(&both, &keys, &registered).unwrap().len(), 2);
}

#[test]
fn a_senders_sector_is_read_from_its_name() {
    for (name, source) in [
        (
            "Københavns Kommune, Borgerservice",
            Some(MaterialSource::MunicipalNotes),
        ),
        ("Lægehuset Torvet", Some(MaterialSource::GeneralPractice)),
        (
            "Region Midtjylland, Psykiatrien",
            Some(MaterialSource::PsychiatricRecord),
        ),
        (
            "Lægevagten Region Midtjylland",
            Some(MaterialSource::OutOfHoursDoctor),
        ),
        ("Østjyllands Politi", Some(MaterialSource::PoliceReport)),
        ("Jobcenter Aarhus", Some(MaterialSource::JobCentre)),
        (
            "Botilbuddet Lindely, Aarhus Kommune",
            Some(MaterialSource::HousingDiary),
        ),
        (
            "Aarhus Kommune, Socialpsykiatrien",
            Some(MaterialSource::MunicipalNotes),
        ),
        ("Firma ApS", None),
    ] {
        assert_eq!(source_of(name), source, "{name}");
    }
}
