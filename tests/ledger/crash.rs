//! A writer killed with SIGKILL mid-append loses nothing it acknowledged.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use casetrail_ledger::Position;
use casetrail_testkit::reopen;

fn parse_ack(line: &str) -> Option<(Position, String)> {
    let mut parts = line.strip_prefix("ACK ")?.split(' ');
    let position = parts.next()?.parse().ok()?;
    Some((Position(position), parts.next()?.to_string()))
}

#[test]
fn every_acknowledged_event_survives_a_kill_9() {
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ledger-crash-writer"))
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the crash writer starts");
        let mut acked = Vec::new();
        let stop_after = 200 + round * 350;
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            acked.push(parse_ack(&line).unwrap_or_else(|| panic!("unexpected line {line:?}")));
            if acked.len() >= stop_after {
                // SIGKILL: no destructor, no flush, no clean close.
                child.kill().unwrap();
                break;
            }
        }
        child.wait().unwrap();
        assert!(
            acked.len() >= stop_after,
            "the writer died before it was killed"
        );

        let ledger = reopen(dir.path());
        let report = ledger.verify().unwrap();
        assert!(report.is_intact(), "round {round}: {:?}", report.broken);
        for (position, id) in &acked {
            let record = ledger
                .get(*position)
                .unwrap()
                .unwrap_or_else(|| panic!("acknowledged position {position} is gone"));
            assert_eq!(&record.id.to_hex(), id);
            assert_eq!(ledger.position_of(record.id).unwrap(), Some(*position));
        }
        let last = acked.last().unwrap().0;
        assert!(ledger.head().unwrap().position >= last);
    }
}
