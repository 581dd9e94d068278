//! Catch-up subscriptions: replay what is stored, then follow what is appended.
//!
//! There is no separate live feed to switch over to: the subscriber always reads the log
//! itself, by position, and the writer only says "the head moved". The watch is marked seen
//! before each read, so a commit that lands after the read still wakes the subscriber, and
//! reading by position can neither skip nor repeat a record.

use std::collections::VecDeque;

use futures_core::Stream;

use crate::error::LedgerError;
use crate::ids::Position;
use crate::ledger::Ledger;
use crate::record::Record;

/// Records read from the log per wake-up.
const BATCH: usize = 512;

struct Subscription {
    ledger: Ledger,
    next: Position,
    buffer: VecDeque<Record>,
    head: tokio::sync::watch::Receiver<Option<crate::append::Head>>,
    failed: bool,
}

impl Subscription {
    fn fill(&mut self) -> Result<(), LedgerError> {
        for record in self.ledger.read_all(self.next).take(BATCH) {
            let record = record?;
            self.next = record.position.next();
            self.buffer.push_back(record);
        }
        Ok(())
    }
}

impl Ledger {
    /// Every record from `from` on: first those stored, then each one as it is committed.
    /// The stream ends only after an error, which it yields first.
    pub fn subscribe(
        &self,
        from: Position,
    ) -> impl Stream<Item = Result<Record, LedgerError>> + Send + 'static {
        let state = Subscription {
            ledger: self.clone(),
            next: from,
            buffer: VecDeque::new(),
            head: self.watch_head(),
            failed: false,
        };
        futures_util::stream::unfold(state, |mut sub| async move {
            loop {
                if sub.failed {
                    return None;
                }
                if let Some(record) = sub.buffer.pop_front() {
                    return Some((Ok(record), sub));
                }
                sub.head.borrow_and_update();
                if let Err(e) = sub.fill() {
                    sub.failed = true;
                    return Some((Err(e), sub));
                }
                if sub.buffer.is_empty() && sub.head.changed().await.is_err() {
                    // The writer is gone (read-only ledger): nothing more will come.
                    return None;
                }
            }
        })
    }
}
