//! Every kind of damage verify must notice, and the position it must name.

use casetrail_ledger::keys::{
    self, CF_EVENT_IDS, CF_LOG, CF_META, CF_STREAM_RUNS, CF_TYPES, TYPES_INDEXED_TO,
};
use casetrail_ledger::{
    BreakKind, ExpectedVersion, Head, Ledger, LedgerError, Position, StreamVersion,
};
use casetrail_testkit::{append_to, delete_raw, events, put_raw, raw_db, temp_ledger};

const RECORDS: u64 = 20;

/// A closed ledger of 20 records over three streams.
fn stored_ledger() -> (tempfile::TempDir, Vec<casetrail_ledger::Record>) {
    let (dir, ledger) = temp_ledger();
    for round in 0..4 {
        for s in ["patient-1", "patient-2", "audit"] {
            let n = if s == "audit" { 1 } else { 2 };
            if ledger.head().map_or(0, |h| h.position.0 + 1) + n as u64 > RECORDS {
                break;
            }
            ledger
                .append_blocking(append_to(
                    s,
                    ExpectedVersion::Any,
                    events(&format!("{s}-{round}"), n),
                ))
                .unwrap();
        }
    }
    while ledger.head().unwrap().position.0 + 1 < RECORDS {
        ledger
            .append_blocking(append_to(
                "patient-3",
                ExpectedVersion::Any,
                events(&format!("fill-{:?}", ledger.head()), 1),
            ))
            .unwrap();
    }
    let records = ledger.read_all(Position(0)).map(Result::unwrap).collect();
    assert_eq!(ledger.catch_up_types().unwrap(), Position(RECORDS));
    assert!(ledger.verify().unwrap().is_intact());
    (dir, records)
}

fn verify(dir: &std::path::Path) -> casetrail_ledger::VerifyReport {
    Ledger::open_read_only(dir).unwrap().verify().unwrap()
}

fn assert_broken_at(report: &casetrail_ledger::VerifyReport, position: u64, kind: BreakKind) {
    let b = report
        .broken
        .as_ref()
        .unwrap_or_else(|| panic!("damage at {position} went unnoticed"));
    assert_eq!((b.position, b.kind), (Position(position), kind), "{b}");
}

#[test]
fn a_changed_byte_anywhere_in_a_record_is_found_at_that_position() {
    let (dir, _) = stored_ledger();
    let db = raw_db(dir.path());
    let log = db.cf_handle(CF_LOG).unwrap();
    let target = keys::log_key(Position(7));
    let original = db.get_cf(log, target).unwrap().unwrap();
    for i in 0..original.len() {
        let mut changed = original.clone();
        changed[i] ^= 0x20;
        db.put_cf(log, target, &changed).unwrap();
        let report = verify(dir.path());
        let b = report
            .broken
            .unwrap_or_else(|| panic!("byte {i} of {} changed unnoticed", original.len()));
        assert_eq!(b.position, Position(7), "byte {i}: {b}");
        assert_eq!(report.checked, 7);
    }
    db.put_cf(log, target, &original).unwrap();
    assert!(verify(dir.path()).is_intact());
}

#[test]
fn the_kind_of_change_is_named() {
    let (dir, records) = stored_ledger();
    let db = raw_db(dir.path());
    let log = db.cf_handle(CF_LOG).unwrap();
    let original = db.get_cf(log, keys::log_key(Position(7))).unwrap().unwrap();
    let mut payload = original.clone();
    let n = payload.len();
    payload[n - 40] ^= 1; // inside the payload
    db.put_cf(log, keys::log_key(Position(7)), &payload)
        .unwrap();
    let report = verify(dir.path());
    assert_broken_at(&report, 7, BreakKind::WrongHash);
    let b = report.broken.unwrap();
    assert_eq!(
        b.found,
        records[7].hash.to_hex(),
        "found names the stored hash"
    );
    let mut link = original.clone();
    link[45] ^= 1; // first byte of the previous hash
    db.put_cf(log, keys::log_key(Position(7)), &link).unwrap();
    assert_broken_at(&verify(dir.path()), 7, BreakKind::BrokenLink);
}

#[test]
fn a_deleted_record_is_found() {
    let (dir, _) = stored_ledger();
    delete_raw(dir.path(), CF_LOG, keys::log_key(Position(11)));
    assert_broken_at(&verify(dir.path()), 11, BreakKind::MissingRecord);
}

#[test]
fn reordered_records_are_found() {
    let (dir, _) = stored_ledger();
    let db = raw_db(dir.path());
    let log = db.cf_handle(CF_LOG).unwrap();
    let three = db.get_cf(log, keys::log_key(Position(3))).unwrap().unwrap();
    let five = db.get_cf(log, keys::log_key(Position(5))).unwrap().unwrap();
    db.put_cf(log, keys::log_key(Position(3)), &five).unwrap();
    db.put_cf(log, keys::log_key(Position(5)), &three).unwrap();
    drop(db);
    assert_broken_at(&verify(dir.path()), 3, BreakKind::WrongPosition);
}

#[test]
fn a_truncated_tail_is_found() {
    let (dir, _) = stored_ledger();
    for p in RECORDS - 3..RECORDS {
        delete_raw(dir.path(), CF_LOG, keys::log_key(Position(p)));
    }
    let report = verify(dir.path());
    assert_broken_at(&report, RECORDS - 3, BreakKind::MissingRecord);
    assert_eq!(report.checked, RECORDS - 3);
}

#[test]
fn a_stored_head_that_disagrees_with_the_log_is_found() {
    let (dir, records) = stored_ledger();
    let wrong = keys::head_value(Position(RECORDS - 1), &records[3].hash.0);
    put_raw(dir.path(), CF_META, keys::META_HEAD, wrong);
    assert_broken_at(&verify(dir.path()), RECORDS - 1, BreakKind::WrongHead);
}

#[test]
fn a_stream_run_pointing_at_the_wrong_events_is_found() {
    let (dir, records) = stored_ledger();
    // Record 4 is the audit stream's first event, a run of its own.
    let victim = &records[4];
    assert_eq!(victim.version, StreamVersion(0));
    put_raw(
        dir.path(),
        CF_STREAM_RUNS,
        keys::stream_key(victim.stream.as_str(), victim.version),
        keys::run_value(Position(12), 1),
    );
    assert_broken_at(&verify(dir.path()), 4, BreakKind::IndexMissing);
}

#[test]
fn a_run_split_in_two_or_stretched_is_found() {
    let (dir, records) = stored_ledger();
    // Records 0 and 1 are patient-1's versions 0 and 1: one run of two.
    let stream = records[0].stream.as_str();
    assert_eq!(records[1].stream, records[0].stream);
    put_raw(
        dir.path(),
        CF_STREAM_RUNS,
        keys::stream_key(stream, StreamVersion(0)),
        keys::run_value(Position(0), 1),
    );
    put_raw(
        dir.path(),
        CF_STREAM_RUNS,
        keys::stream_key(stream, StreamVersion(1)),
        keys::run_value(Position(1), 1),
    );
    // Every record is still covered, but not by the runs the log implies.
    assert_broken_at(&verify(dir.path()), 0, BreakKind::IndexDangling);

    delete_raw(
        dir.path(),
        CF_STREAM_RUNS,
        keys::stream_key(stream, StreamVersion(1)),
    );
    put_raw(
        dir.path(),
        CF_STREAM_RUNS,
        keys::stream_key(stream, StreamVersion(0)),
        keys::run_value(Position(0), 3),
    );
    assert_broken_at(&verify(dir.path()), 0, BreakKind::IndexDangling);

    put_raw(
        dir.path(),
        CF_STREAM_RUNS,
        keys::stream_key(stream, StreamVersion(0)),
        keys::run_value(Position(0), 2),
    );
    assert!(verify(dir.path()).is_intact());
}

#[test]
fn an_event_id_entry_pointing_at_the_wrong_event_is_found() {
    let (dir, records) = stored_ledger();
    put_raw(
        dir.path(),
        CF_EVENT_IDS,
        keys::event_id_key(records[9].id),
        keys::position_value(Position(2)),
    );
    // record 9 has lost its entry; the entry now points at 2, which does not imply it
    assert_broken_at(&verify(dir.path()), 2, BreakKind::IndexDangling);
}

#[test]
fn missing_and_extra_type_index_entries_are_found() {
    let (dir, records) = stored_ledger();
    let key = keys::type_key(records[15].event_type.as_str(), Position(15));
    delete_raw(dir.path(), CF_TYPES, &key);
    assert_broken_at(&verify(dir.path()), 15, BreakKind::IndexMissing);

    put_raw(dir.path(), CF_TYPES, &key, []);
    put_raw(
        dir.path(),
        CF_TYPES,
        keys::type_key("Forged", Position(6)),
        [],
    );
    assert_broken_at(&verify(dir.path()), 6, BreakKind::IndexDangling);
}

#[test]
fn a_type_index_claiming_more_than_the_log_is_found() {
    let (dir, _) = stored_ledger();
    put_raw(
        dir.path(),
        CF_TYPES,
        TYPES_INDEXED_TO,
        keys::position_value(Position(RECORDS + 3)),
    );
    assert_broken_at(&verify(dir.path()), RECORDS, BreakKind::IndexDangling);
}

#[test]
fn type_entries_above_the_watermark_are_found() {
    let (dir, records) = stored_ledger();
    put_raw(
        dir.path(),
        CF_TYPES,
        TYPES_INDEXED_TO,
        keys::position_value(Position(10)),
    );
    // Entries 10 to 19 are now beyond what the index claims to cover.
    let b = verify(dir.path())
        .broken
        .expect("entries beyond the watermark");
    assert_eq!(
        (b.position, b.kind),
        (Position(10), BreakKind::IndexDangling),
        "{b}"
    );
    for p in 10..RECORDS {
        let r = &records[p as usize];
        delete_raw(
            dir.path(),
            CF_TYPES,
            keys::type_key(r.event_type.as_str(), r.position),
        );
    }
    assert!(verify(dir.path()).is_intact());
}

#[test]
fn an_extra_stream_entry_is_found() {
    let (dir, records) = stored_ledger();
    put_raw(
        dir.path(),
        CF_STREAM_RUNS,
        keys::stream_key(records[8].stream.as_str(), StreamVersion(99)),
        keys::run_value(Position(8), 1),
    );
    assert_broken_at(&verify(dir.path()), 8, BreakKind::IndexDangling);
}

#[test]
fn verify_from_a_checkpoint_checks_the_checkpoint_and_what_follows() {
    let (dir, records) = stored_ledger();
    let checkpoint = Head {
        position: Position(9),
        hash: records[9].hash,
    };
    let ledger = Ledger::open_read_only(dir.path()).unwrap();
    let report = ledger.verify_from(checkpoint).unwrap();
    assert!(report.is_intact(), "{:?}", report.broken);
    assert_eq!(report.checked, RECORDS - 10);
    drop(ledger);

    let db = raw_db(dir.path());
    let log = db.cf_handle(CF_LOG).unwrap();
    let mut after = db
        .get_cf(log, keys::log_key(Position(13)))
        .unwrap()
        .unwrap();
    let n = after.len();
    after[n - 33] ^= 1;
    db.put_cf(log, keys::log_key(Position(13)), &after).unwrap();
    drop(db);
    let ledger = Ledger::open_read_only(dir.path()).unwrap();
    let b = ledger.verify_from(checkpoint).unwrap().broken.unwrap();
    assert_eq!(b.position, Position(13));
    let wrong = Head {
        position: Position(9),
        hash: records[8].hash,
    };
    let b = ledger.verify_from(wrong).unwrap().broken.unwrap();
    assert_eq!(
        (b.position, b.kind),
        (Position(9), BreakKind::CheckpointMismatch)
    );
    let beyond = Head {
        position: Position(RECORDS + 5),
        hash: records[8].hash,
    };
    let b = ledger.verify_from(beyond).unwrap().broken.unwrap();
    assert_eq!(
        (b.position, b.kind),
        (Position(RECORDS + 5), BreakKind::MissingRecord)
    );
}

#[test]
fn a_ledger_of_another_format_version_is_refused_at_open() {
    let (dir, _) = stored_ledger();
    put_raw(dir.path(), CF_META, keys::META_FORMAT, 4u32.to_be_bytes());
    let err = Ledger::open(dir.path(), casetrail_testkit::test_clock()).unwrap_err();
    match err {
        LedgerError::FormatMismatch {
            expected, found, ..
        } => assert_eq!((expected, found), (3, 4)),
        other => panic!("expected a format mismatch, got {other}"),
    }
    let err = Ledger::migrate(dir.path()).unwrap_err();
    assert!(
        matches!(err, LedgerError::FormatMismatch { found: 4, .. }),
        "{err}"
    );
}

#[test]
fn a_rocksdb_that_is_not_a_ledger_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = rocksdb::Options::default();
    opts.create_if_missing(true);
    drop(rocksdb::DB::open(&opts, dir.path()).unwrap());
    let err = Ledger::open(dir.path(), casetrail_testkit::test_clock()).unwrap_err();
    assert!(matches!(err, LedgerError::NotALedger { .. }), "{err}");
    assert!(err.to_string().contains("column family"), "{err}");
}
