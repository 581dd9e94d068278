//! Appends to the ledger in `argv[1]` until killed, printing `ACK <position> <event-id>` for
//! every event whose append has returned (and so is synced). The crash test kills it with
//! SIGKILL and checks that every acknowledged event survived.

use std::io::Write;

use casetrail_ledger::{ExpectedVersion, Ledger};
use casetrail_testkit::{append_to, events, test_clock};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: ledger-crash-writer DIR");
    let ledger = Ledger::open(&dir, test_clock()).expect("the ledger opens");
    let mut stdout = std::io::stdout().lock();
    for round in 0u64.. {
        let batch = events(&format!("crash-{round}"), 1 + (round % 7) as usize);
        let ids: Vec<_> = batch.iter().map(|e| e.id).collect();
        let stream = format!("patient-{}", round % 5);
        let done = ledger
            .append_blocking(append_to(&stream, ExpectedVersion::Any, batch))
            .expect("append");
        for (position, id) in done.positions.iter().zip(ids) {
            writeln!(stdout, "ACK {position} {id}").expect("stdout");
        }
        stdout.flush().expect("stdout");
    }
}
