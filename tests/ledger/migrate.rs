//! Older on-disk formats brought to the current one: the same records, the same reads and
//! the same tree after; a broken ledger refused and left as it was; a migration stopped
//! halfway done again.

use std::collections::BTreeMap;

use casetrail_ledger::keys::{self, CF_LOG, CF_META, CF_STREAM_RUNS, CF_STREAMS};
use casetrail_ledger::{
    Direction, EventType, ExpectedVersion, Ledger, LedgerError, Position, Record, StreamId,
    StreamVersion, TreeHead,
};
use casetrail_testkit::{
    append_to, downgrade_to_format_1, downgrade_to_format_2, events, put_raw, raw_db, reopen,
    stream, temp_ledger,
};

/// A closed ledger of 200 records: long runs, interleaved streams, and a multi-stream append.
fn written() -> (tempfile::TempDir, TreeHead) {
    let (dir, ledger) = temp_ledger();
    ledger
        .append_blocking(append_to("long", ExpectedVersion::Any, events("long", 60)))
        .unwrap();
    for i in 0..40 {
        let name = ["a", "b", "ab"][i % 3];
        let n = 1 + i % 4;
        ledger
            .append_blocking(append_to(
                name,
                ExpectedVersion::Any,
                events(&format!("{name}{i}"), n),
            ))
            .unwrap();
    }
    let both = append_to("a", ExpectedVersion::Any, events("both-a", 2)).write(
        stream("long"),
        ExpectedVersion::Any,
        events("both-long", 3),
    );
    ledger.append_blocking(both).unwrap();
    while ledger.head().unwrap().position.0 + 1 < 200 {
        let at = ledger.head().unwrap().position.0;
        ledger
            .append_blocking(append_to(
                "long",
                ExpectedVersion::Any,
                events(&format!("tail{at}"), 1),
            ))
            .unwrap();
    }
    let tree = ledger.tree_head();
    (dir, tree)
}

/// Everything a reader can ask of the ledger, in one comparable value.
#[derive(Debug, PartialEq)]
struct Reads {
    all: Vec<Record>,
    forward: BTreeMap<String, Vec<u64>>,
    backward_from_middle: BTreeMap<String, Vec<u64>>,
    versions: BTreeMap<String, Option<StreamVersion>>,
    types: BTreeMap<String, Vec<u64>>,
}

fn reads(ledger: &Ledger) -> Reads {
    let all: Vec<Record> = ledger.read_all(Position(0)).map(Result::unwrap).collect();
    let names = ["long", "a", "b", "ab", "absent"];
    let ids = |it: &mut dyn Iterator<Item = Result<Record, LedgerError>>| -> Vec<u64> {
        it.map(|r| r.unwrap().position.0).collect()
    };
    let mut out = Reads {
        all,
        forward: BTreeMap::new(),
        backward_from_middle: BTreeMap::new(),
        versions: BTreeMap::new(),
        types: BTreeMap::new(),
    };
    for name in names {
        let s = StreamId::new(name).unwrap();
        let mut forward = ledger.read_stream(&s, StreamVersion(3), Direction::Forward);
        out.forward.insert(name.into(), ids(&mut forward));
        let mut back = ledger.read_stream(&s, StreamVersion(30), Direction::Backward);
        out.backward_from_middle.insert(name.into(), ids(&mut back));
        out.versions
            .insert(name.into(), ledger.stream_version(&s).unwrap());
    }
    for kind in ["ContactRecorded", "PlanChanged"] {
        let mut it = ledger.read_type(&EventType::new(kind).unwrap(), Position(17));
        out.types.insert(kind.into(), ids(&mut it));
    }
    out
}

fn entries(dir: &std::path::Path, cf: &str) -> usize {
    let db = raw_db(dir);
    let handle = db.cf_handle(cf).unwrap();
    db.iterator_cf(handle, rocksdb::IteratorMode::Start).count()
}

fn format(dir: &std::path::Path) -> u32 {
    let db = raw_db(dir);
    let v = db
        .get_cf(db.cf_handle(CF_META).unwrap(), keys::META_FORMAT)
        .unwrap()
        .unwrap();
    u32::from_be_bytes(v.try_into().unwrap())
}

#[test]
fn a_format_2_ledger_migrates_to_the_same_records_reads_and_tree() {
    let (dir, tree) = written();
    let expected = reads(&reopen(dir.path()));
    downgrade_to_format_2(dir.path());
    assert_eq!(entries(dir.path(), CF_STREAMS), 200);

    let e = Ledger::open(dir.path(), casetrail_testkit::test_clock()).unwrap_err();
    assert!(
        matches!(
            e,
            LedgerError::NeedsMigration {
                found: 2,
                expected: 3,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("casetrail migrate"), "{e}");
    let e = Ledger::open_read_only(dir.path()).unwrap_err();
    assert!(
        matches!(e, LedgerError::NeedsMigration { found: 2, .. }),
        "{e}"
    );

    let migration = Ledger::migrate(dir.path()).unwrap();
    assert_eq!((migration.from, migration.to), (2, 3));
    assert!(migration.before.is_intact() && migration.after.is_intact());
    assert_eq!(
        (migration.before.checked, migration.after.checked),
        (200, 200)
    );
    assert!(!migration.was_current());
    assert_eq!(format(dir.path()), 3);
    assert!(raw_db(dir.path()).cf_handle(CF_STREAMS).is_none());
    // One entry per run: far fewer than one per event.
    let runs = entries(dir.path(), CF_STREAM_RUNS);
    assert!(runs < 60, "{runs} runs for 200 records");

    let ledger = Ledger::open_read_only(dir.path()).unwrap();
    assert_eq!(ledger.tree_head(), tree);
    assert_eq!(reads(&ledger), expected);
    drop(ledger);
    // ... and it goes on appending where it left off.
    let ledger = reopen(dir.path());
    assert_eq!(reads(&ledger), expected);
    ledger
        .append_blocking(append_to("long", ExpectedVersion::Any, events("after", 2)))
        .unwrap();
    assert!(ledger.verify().unwrap().is_intact());
    assert_eq!(
        ledger.stream_version(&stream("long")).unwrap(),
        expected.versions["long"].map(|v| StreamVersion(v.0 + 2))
    );

    let again = Ledger::migrate(dir.path());
    drop(ledger);
    assert!(
        matches!(again, Err(LedgerError::Locked { .. })),
        "{again:?}"
    );
    let again = Ledger::migrate(dir.path()).unwrap();
    assert!(again.was_current() && again.after.is_intact());
}

#[test]
fn a_format_1_ledger_gets_its_tree_and_its_runs() {
    let (dir, tree) = written();
    let expected = reads(&reopen(dir.path()));
    downgrade_to_format_1(dir.path());
    let e = Ledger::open(dir.path(), casetrail_testkit::test_clock()).unwrap_err();
    assert!(
        matches!(e, LedgerError::NeedsMigration { found: 1, .. }),
        "{e}"
    );
    let migration = Ledger::migrate(dir.path()).unwrap();
    assert_eq!((migration.from, migration.to), (1, 3));
    assert!(migration.after.is_intact());
    let ledger = Ledger::open_read_only(dir.path()).unwrap();
    assert_eq!(ledger.tree_head(), tree);
    assert_eq!(reads(&ledger), expected);
}

#[test]
fn a_broken_format_2_ledger_is_not_migrated() {
    let (dir, _) = written();
    downgrade_to_format_2(dir.path());
    // One byte of record 120's payload changed.
    let db = raw_db(dir.path());
    let log = db.cf_handle(CF_LOG).unwrap();
    let mut bytes = db
        .get_cf(log, keys::log_key(Position(120)))
        .unwrap()
        .unwrap();
    let at = bytes.len() - 40;
    bytes[at] ^= 1;
    db.put_cf(log, keys::log_key(Position(120)), &bytes)
        .unwrap();
    drop(db);

    match Ledger::migrate(dir.path()) {
        Err(LedgerError::MigrationRefused {
            format: 2, broken, ..
        }) => {
            assert_eq!(broken.position, Position(120), "{broken}");
        }
        other => panic!("expected the migration refused, got {other:?}"),
    }
    assert_eq!(format(dir.path()), 2);
    assert_eq!(entries(dir.path(), CF_STREAMS), 200);
    assert_eq!(entries(dir.path(), CF_STREAM_RUNS), 0);
}

#[test]
fn a_migration_stopped_halfway_is_done_again() {
    let (dir, tree) = written();
    let expected = reads(&reopen(dir.path()));
    downgrade_to_format_2(dir.path());
    // What a migration that stopped while writing runs leaves: some runs, some of them
    // wrong, and still format 2.
    {
        let mut db = raw_db(dir.path());
        db.create_cf(CF_STREAM_RUNS, &rocksdb::Options::default())
            .unwrap();
    }
    put_raw(
        dir.path(),
        CF_STREAM_RUNS,
        keys::stream_key("long", StreamVersion(0)),
        keys::run_value(Position(0), 7),
    );
    put_raw(
        dir.path(),
        CF_STREAM_RUNS,
        keys::stream_key("zz", StreamVersion(0)),
        keys::run_value(Position(3), 1),
    );
    let migration = Ledger::migrate(dir.path()).unwrap();
    assert!(migration.after.is_intact(), "{:?}", migration.after.broken);
    let ledger = Ledger::open_read_only(dir.path()).unwrap();
    assert_eq!(ledger.tree_head(), tree);
    assert_eq!(reads(&ledger), expected);
}

#[test]
fn a_migration_stopped_after_its_format_write_is_finished_by_the_next_open() {
    let (dir, _) = written();
    // Format 3 with format 2's stream index still beside it.
    {
        let mut db = raw_db(dir.path());
        db.create_cf(CF_STREAMS, &rocksdb::Options::default())
            .unwrap();
    }
    put_raw(
        dir.path(),
        CF_STREAMS,
        keys::stream_key("long", StreamVersion(0)),
        keys::position_value(Position(0)),
    );
    let ledger = reopen(dir.path());
    assert!(ledger.verify().unwrap().is_intact());
    drop(ledger);
    assert!(raw_db(dir.path()).cf_handle(CF_STREAMS).is_none());
}

#[test]
fn the_type_index_catches_up_and_a_read_only_ledger_reads_past_it() {
    let (dir, ledger) = temp_ledger();
    ledger
        .append_blocking(append_to("s", ExpectedVersion::Any, events("first", 30)))
        .unwrap();
    let contact = EventType::new("ContactRecorded").unwrap();
    let first: Vec<u64> = ledger
        .read_type(&contact, Position(0))
        .map(|r| r.unwrap().position.0)
        .collect();
    assert_eq!(ledger.catch_up_types().unwrap(), Position(30));
    ledger
        .append_blocking(append_to("s", ExpectedVersion::Any, events("second", 30)))
        .unwrap();
    drop(ledger);
    // Half indexed, half not: a read-only reader sees both halves, in order.
    let read_only = Ledger::open_read_only(dir.path()).unwrap();
    assert!(read_only.verify().unwrap().is_intact());
    let all: Vec<Record> = read_only
        .read_all(Position(0))
        .map(Result::unwrap)
        .collect();
    let want: Vec<u64> = all
        .iter()
        .filter(|r| r.event_type == contact)
        .map(|r| r.position.0)
        .collect();
    let got: Vec<u64> = read_only
        .read_type(&contact, Position(0))
        .map(|r| r.unwrap().position.0)
        .collect();
    assert_eq!(got, want);
    assert!(want.iter().any(|p| *p >= 30) && want.iter().any(|p| *p < 30));
    assert_eq!(
        first,
        want.iter().copied().filter(|p| *p < 30).collect::<Vec<_>>()
    );
    let from_40: Vec<u64> = read_only
        .read_type(&contact, Position(40))
        .map(|r| r.unwrap().position.0)
        .collect();
    assert_eq!(
        from_40,
        want.iter()
            .copied()
            .filter(|p| *p >= 40)
            .collect::<Vec<_>>()
    );
}
