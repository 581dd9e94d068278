//! Random sequences of appends and reads, checked against a plain in-memory model.

use std::collections::BTreeMap;

use casetrail_ledger::{
    AppendRequest, Direction, ExpectedVersion, LedgerError, Position, StreamVersion,
};
use casetrail_testkit::{append_to, event, reopen, stream, temp_ledger};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Append {
        stream: usize,
        expect: u8,
        guess: u64,
        events: usize,
    },
    ResendEarlier {
        index: usize,
    },
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..4usize, 0..4u8, 0..6u64, 1..5usize)
            .prop_map(|(stream, expect, guess, events)| Op::Append { stream, expect, guess, events }),
        2 => (0..64usize).prop_map(|index| Op::ResendEarlier { index }),
        1 => Just(Op::Reopen),
    ]
}

/// The model: the log as (stream, key) pairs, in order.
#[derive(Default)]
struct Model {
    log: Vec<(String, String)>,
    accepted: Vec<(AppendRequest, Vec<Position>)>,
}

impl Model {
    fn version(&self, stream: &str) -> Option<u64> {
        let n = self.log.iter().filter(|(s, _)| s == stream).count() as u64;
        n.checked_sub(1)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn the_ledger_behaves_like_the_model(ops in prop::collection::vec(op(), 1..40)) {
        let (dir, mut ledger) = temp_ledger();
        let mut model = Model::default();
        let mut counter = 0usize;
        for op in ops {
            match op {
                Op::Append { stream: s, expect, guess, events } => {
                    let name = format!("stream-{s}");
                    let expected = match expect {
                        0 => ExpectedVersion::Any,
                        1 => ExpectedVersion::NoStream,
                        2 => ExpectedVersion::StreamExists,
                        _ => ExpectedVersion::Exact(StreamVersion(guess)),
                    };
                    let keys: Vec<String> = (0..events).map(|i| format!("e{counter}-{i}")).collect();
                    counter += 1;
                    let request = append_to(&name, expected, keys.iter().map(|k| event(k)).collect());
                    let current = model.version(&name).map(StreamVersion);
                    let outcome = ledger.append_blocking(request.clone());
                    if expected.admits(current) {
                        let done = outcome.unwrap();
                        let first = model.log.len() as u64;
                        let want: Vec<_> = (first..first + events as u64).map(Position).collect();
                        prop_assert_eq!(&done.positions, &want);
                        for k in keys {
                            model.log.push((name.clone(), k));
                        }
                        model.accepted.push((request, want));
                    } else {
                        let refused = matches!(outcome, Err(LedgerError::VersionConflict { .. }));
                        prop_assert!(refused);
                    }
                }
                Op::ResendEarlier { index } => {
                    if let Some((request, positions)) = model.accepted.get(index % model.accepted.len().max(1)).cloned() {
                        let done = ledger.append_blocking(request).unwrap();
                        prop_assert!(done.already_stored);
                        prop_assert_eq!(done.positions, positions);
                    }
                }
                Op::Reopen => {
                    drop(ledger);
                    ledger = reopen(dir.path());
                }
            }
        }
        let all: Vec<_> = ledger.read_all(Position(0)).map(Result::unwrap).collect();
        prop_assert_eq!(all.len(), model.log.len());
        for (record, (s, key)) in all.iter().zip(&model.log) {
            prop_assert_eq!(record.stream.as_str(), s.as_str());
            prop_assert_eq!(record.id, event(key).id);
        }
        let mut per_stream: BTreeMap<&str, Vec<Position>> = BTreeMap::new();
        for (i, (s, _)) in model.log.iter().enumerate() {
            per_stream.entry(s).or_default().push(Position(i as u64));
        }
        for (s, positions) in per_stream {
            let forward: Vec<_> = ledger
                .read_stream(&stream(s), StreamVersion(0), Direction::Forward)
                .map(|r| r.unwrap().position)
                .collect();
            prop_assert_eq!(&forward, &positions);
            let mut backward: Vec<_> = ledger
                .read_stream(&stream(s), StreamVersion::LAST, Direction::Backward)
                .map(|r| r.unwrap().position)
                .collect();
            backward.reverse();
            prop_assert_eq!(&backward, &positions);
            // From every version, either way: the runs split nowhere a reader can see.
            for v in 0..positions.len() {
                let from = StreamVersion(v as u64);
                let forward: Vec<_> = ledger
                    .read_stream(&stream(s), from, Direction::Forward)
                    .map(|r| r.unwrap().position)
                    .collect();
                prop_assert_eq!(&forward[..], &positions[v..]);
                let backward: Vec<_> = ledger
                    .read_stream(&stream(s), from, Direction::Backward)
                    .map(|r| r.unwrap().position)
                    .collect();
                let want: Vec<_> = positions[..=v].iter().rev().copied().collect();
                prop_assert_eq!(backward, want);
            }
            let past_end = ledger
                .read_stream(&stream(s), StreamVersion(positions.len() as u64), Direction::Forward)
                .count();
            prop_assert_eq!(past_end, 0);
            prop_assert_eq!(
                ledger.stream_version(&stream(s)).unwrap(),
                Some(StreamVersion(positions.len() as u64 - 1))
            );
        }
        for kind in ["ContactRecorded", "PlanChanged"] {
            let want: Vec<_> = all
                .iter()
                .filter(|r| r.event_type.as_str() == kind)
                .map(|r| r.position)
                .collect();
            let got: Vec<_> = ledger
                .read_type(&casetrail_ledger::EventType::new(kind).unwrap(), Position(0))
                .map(|r| r.unwrap().position)
                .collect();
            prop_assert_eq!(got, want);
        }
        let report = ledger.verify().unwrap();
        prop_assert!(report.is_intact());
        prop_assert_eq!(report.checked, model.log.len() as u64);
    }
}
