//! Where `recorded at` comes from. Injected so tests and replays control time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::ids::Timestamp;

/// Where the ledger reads the time each record is stored at.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// Wall-clock time of the machine.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let micros = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros() as i64)
            .unwrap_or(0);
        Timestamp(micros)
    }
}

/// A clock that reads a set value and steps by a fixed amount at every reading.
#[derive(Debug)]
pub struct ManualClock {
    next: AtomicI64,
    step: i64,
}

impl ManualClock {
    /// A clock that reads `start` first and then `step_micros` later at each reading.
    pub fn new(start: Timestamp, step_micros: i64) -> Self {
        ManualClock {
            next: AtomicI64::new(start.0),
            step: step_micros,
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.next.fetch_add(self.step, Ordering::Relaxed))
    }
}
