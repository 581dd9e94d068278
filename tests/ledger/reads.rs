use casetrail_ledger::{Direction, EventType, ExpectedVersion, Position, StreamVersion};
use casetrail_testkit::{append_to, events, stream, temp_ledger};

fn versions(
    it: impl Iterator<Item = Result<casetrail_ledger::Record, casetrail_ledger::LedgerError>>,
) -> Vec<u64> {
    it.map(|r| r.unwrap().version.0).collect()
}

#[test]
fn streams_read_forwards_and_backwards_from_a_version() {
    let (_dir, ledger) = temp_ledger();
    for round in 0..3 {
        ledger
            .append_blocking(append_to(
                "a",
                ExpectedVersion::Any,
                events(&format!("a{round}"), 2),
            ))
            .unwrap();
        ledger
            .append_blocking(append_to(
                "ab",
                ExpectedVersion::Any,
                events(&format!("ab{round}"), 1),
            ))
            .unwrap();
    }
    let a = stream("a");
    assert_eq!(
        versions(ledger.read_stream(&a, StreamVersion(0), Direction::Forward)),
        vec![0, 1, 2, 3, 4, 5]
    );
    assert_eq!(
        versions(ledger.read_stream(&a, StreamVersion(4), Direction::Forward)),
        vec![4, 5]
    );
    assert_eq!(
        versions(ledger.read_stream(&a, StreamVersion(2), Direction::Backward)),
        vec![2, 1, 0]
    );
    assert_eq!(
        versions(ledger.read_stream(&a, StreamVersion::LAST, Direction::Backward)),
        vec![5, 4, 3, 2, 1, 0]
    );
    // "ab" must not leak into "a" although it shares the prefix
    assert_eq!(
        versions(ledger.read_stream(&stream("ab"), StreamVersion(0), Direction::Forward)),
        vec![0, 1, 2]
    );
    assert!(
        ledger
            .read_stream(&stream("b"), StreamVersion(0), Direction::Forward)
            .next()
            .is_none()
    );
}

#[test]
fn events_of_one_type_read_from_a_position() {
    let (_dir, ledger) = temp_ledger();
    ledger
        .append_blocking(append_to("s", ExpectedVersion::Any, events("mix", 10)))
        .unwrap();
    let all: Vec<_> = ledger.read_all(Position(0)).map(Result::unwrap).collect();
    let contact = EventType::new("ContactRecorded").unwrap();
    let expected: Vec<_> = all
        .iter()
        .filter(|r| r.event_type == contact)
        .map(|r| r.position)
        .collect();
    assert!(!expected.is_empty() && expected.len() < all.len());
    let got: Vec<_> = ledger
        .read_type(&contact, Position(0))
        .map(|r| r.unwrap().position)
        .collect();
    assert_eq!(got, expected);
    let from = expected[1];
    let got: Vec<_> = ledger
        .read_type(&contact, from)
        .map(|r| r.unwrap().position)
        .collect();
    assert_eq!(got, expected[1..]);
    assert_eq!(ledger.read_all(Position(7)).count(), 3);
    assert_eq!(ledger.get(Position(3)).unwrap().unwrap(), all[3]);
    assert!(ledger.get(Position(10)).unwrap().is_none());
    assert_eq!(ledger.position_of(all[4].id).unwrap(), Some(Position(4)));
}
