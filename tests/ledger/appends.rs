use casetrail_ledger::{
    ActualVersion, AppendRequest, EventHash, ExpectedVersion, LedgerError, Position, StreamVersion,
};
use casetrail_testkit::{actor, append_to, event, events, reopen, stream, temp_ledger};

#[test]
fn records_form_one_dense_chain_over_all_streams() {
    let (_dir, ledger) = temp_ledger();
    ledger
        .append_blocking(append_to(
            "patient-a",
            ExpectedVersion::NoStream,
            events("a", 3),
        ))
        .unwrap();
    ledger
        .append_blocking(append_to(
            "patient-b",
            ExpectedVersion::NoStream,
            events("b", 2),
        ))
        .unwrap();
    ledger
        .append_blocking(append_to(
            "patient-a",
            ExpectedVersion::Exact(StreamVersion(2)),
            events("a2", 1),
        ))
        .unwrap();
    let records: Vec<_> = ledger.read_all(Position(0)).map(Result::unwrap).collect();
    assert_eq!(records.len(), 6);
    let mut prev = EventHash::genesis();
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.position, Position(i as u64));
        assert_eq!(r.prev_hash, prev, "record {i} links to the one before");
        prev = r.hash;
    }
    let versions: Vec<_> = records
        .iter()
        .map(|r| (r.stream.as_str().to_string(), r.version.0))
        .collect();
    assert_eq!(
        versions,
        [
            ("patient-a", 0),
            ("patient-a", 1),
            ("patient-a", 2),
            ("patient-b", 0),
            ("patient-b", 1),
            ("patient-a", 3)
        ]
        .map(|(s, v)| (s.to_string(), v))
    );
    let head = ledger.head().unwrap();
    assert_eq!(head.position, Position(5));
    assert_eq!(head.hash, records[5].hash);
    // recorded-at comes from the injected clock, actor from the request
    assert!(records.iter().all(|r| r.actor.as_str() == "test"));
    assert!(records[0].recorded_at.0 >= 1_546_300_800_000_000);
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn a_version_conflict_names_the_stream_and_both_versions() {
    let (_dir, ledger) = temp_ledger();
    ledger
        .append_blocking(append_to("s", ExpectedVersion::NoStream, events("x", 2)))
        .unwrap();
    let err = ledger
        .append_blocking(append_to(
            "s",
            ExpectedVersion::Exact(StreamVersion(0)),
            events("y", 1),
        ))
        .unwrap_err();
    match &err {
        LedgerError::VersionConflict {
            stream,
            expected,
            actual,
        } => {
            assert_eq!(stream.as_str(), "s");
            assert_eq!(*expected, ExpectedVersion::Exact(StreamVersion(0)));
            assert_eq!(*actual, ActualVersion::At(StreamVersion(1)));
        }
        other => panic!("expected a conflict, got {other}"),
    }
    assert_eq!(
        err.to_string(),
        "version conflict on stream s: expected version 0, but the stream is at version 1"
    );
    let err = ledger
        .append_blocking(append_to("s", ExpectedVersion::NoStream, events("z", 1)))
        .unwrap_err();
    assert!(matches!(
        err,
        LedgerError::VersionConflict {
            actual: ActualVersion::At(StreamVersion(1)),
            ..
        }
    ));
    let err = ledger
        .append_blocking(append_to(
            "new",
            ExpectedVersion::StreamExists,
            events("w", 1),
        ))
        .unwrap_err();
    assert!(matches!(
        err,
        LedgerError::VersionConflict {
            actual: ActualVersion::NoStream,
            ..
        }
    ));
    // nothing of the refused appends was written
    assert_eq!(ledger.head().unwrap().position, Position(1));
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn a_multi_stream_append_lands_whole_or_not_at_all() {
    let (_dir, ledger) = temp_ledger();
    ledger
        .append_blocking(append_to(
            "audit",
            ExpectedVersion::NoStream,
            events("audit", 1),
        ))
        .unwrap();
    let ok = AppendRequest::new(actor())
        .write(
            stream("patient-1"),
            ExpectedVersion::NoStream,
            events("p1", 2),
        )
        .write(
            stream("audit"),
            ExpectedVersion::Exact(StreamVersion(0)),
            events("audit-b", 1),
        );
    let done = ledger.append_blocking(ok).unwrap();
    assert_eq!(done.positions, vec![Position(1), Position(2), Position(3)]);
    assert_eq!(
        done.stream_versions,
        vec![
            (stream("patient-1"), StreamVersion(1)),
            (stream("audit"), StreamVersion(1))
        ]
    );
    // the second write's expectation fails: the first write must not land either
    let bad = AppendRequest::new(actor())
        .write(
            stream("patient-2"),
            ExpectedVersion::NoStream,
            events("p2", 2),
        )
        .write(
            stream("audit"),
            ExpectedVersion::Exact(StreamVersion(0)),
            events("audit-c", 1),
        );
    assert!(matches!(
        ledger.append_blocking(bad),
        Err(LedgerError::VersionConflict { .. })
    ));
    assert_eq!(ledger.stream_version(&stream("patient-2")).unwrap(), None);
    assert_eq!(ledger.head().unwrap().position, Position(3));
}

#[test]
fn resending_an_append_returns_the_original_positions_also_after_a_restart() {
    let (dir, ledger) = temp_ledger();
    let request = append_to("s", ExpectedVersion::NoStream, events("idem", 3));
    let first = ledger.append_blocking(request.clone()).unwrap();
    assert!(!first.already_stored);
    ledger
        .append_blocking(append_to("s", ExpectedVersion::Any, events("other", 1)))
        .unwrap();
    let again = ledger.append_blocking(request.clone()).unwrap();
    assert!(again.already_stored);
    assert_eq!(again.positions, first.positions);
    assert_eq!(again.stream_versions, first.stream_versions);
    let head = ledger.head();
    drop(ledger);

    let ledger = reopen(dir.path());
    let after_restart = ledger.append_blocking(request).unwrap();
    assert!(after_restart.already_stored);
    assert_eq!(after_restart.positions, first.positions);
    assert_eq!(ledger.head(), head, "a resend writes nothing");
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn mixed_or_misdirected_resends_are_refused() {
    let (_dir, ledger) = temp_ledger();
    ledger
        .append_blocking(append_to("s", ExpectedVersion::Any, vec![event("one")]))
        .unwrap();
    let mixed = append_to("s", ExpectedVersion::Any, vec![event("one"), event("two")]);
    let err = ledger.append_blocking(mixed).unwrap_err();
    assert!(
        matches!(
            err,
            LedgerError::PartiallyStored {
                position: Position(0),
                ..
            }
        ),
        "{err}"
    );
    let elsewhere = append_to("t", ExpectedVersion::Any, vec![event("one")]);
    let err = ledger.append_blocking(elsewhere).unwrap_err();
    assert!(
        matches!(
            err,
            LedgerError::EventIdReused {
                position: Position(0),
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("stream s"), "{err}");
    let twice = append_to(
        "s",
        ExpectedVersion::Any,
        vec![event("three"), event("three")],
    );
    assert!(matches!(
        ledger.append_blocking(twice),
        Err(LedgerError::DuplicateEventId { .. })
    ));
    assert!(matches!(
        ledger.append_blocking(append_to("s", ExpectedVersion::Any, vec![])),
        Err(LedgerError::EmptyAppend)
    ));
    assert_eq!(ledger.head().unwrap().position, Position(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_all_land_exactly_once() {
    let (_dir, ledger) = temp_ledger();
    let mut tasks = Vec::new();
    for t in 0..32 {
        let ledger = ledger.clone();
        tasks.push(tokio::spawn(async move {
            let mut positions = Vec::new();
            for i in 0..20 {
                let request = append_to(
                    &format!("task-{t}"),
                    ExpectedVersion::Any,
                    vec![event(&format!("t{t}-{i}"))],
                );
                positions.extend(ledger.append(request).await.unwrap().positions);
            }
            positions
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    assert_eq!(all, (0..640).map(Position).collect::<Vec<_>>());
    assert!(
        ledger.group_commits() < 640,
        "32 concurrent appenders never shared an fsync ({} groups for 640 appends)",
        ledger.group_commits()
    );
    for t in 0..32 {
        assert_eq!(
            ledger
                .stream_version(&stream(&format!("task-{t}")))
                .unwrap(),
            Some(StreamVersion(19))
        );
    }
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn a_read_only_ledger_refuses_appends() {
    let (dir, ledger) = temp_ledger();
    ledger
        .append_blocking(append_to("s", ExpectedVersion::Any, events("r", 2)))
        .unwrap();
    let reader = casetrail_ledger::Ledger::open_read_only(dir.path()).unwrap();
    assert_eq!(reader.head(), ledger.head());
    assert!(matches!(
        reader.append_blocking(append_to("s", ExpectedVersion::Any, events("q", 1))),
        Err(LedgerError::ReadOnly { .. })
    ));
}

#[test]
fn a_second_writer_is_told_the_directory_is_in_use() {
    let (dir, _ledger) = temp_ledger();
    let err =
        casetrail_ledger::Ledger::open(dir.path(), casetrail_testkit::test_clock()).unwrap_err();
    assert!(matches!(err, LedgerError::Locked { .. }), "{err}");
}
