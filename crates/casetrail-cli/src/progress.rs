//! The import progress bar: rate and time left, on standard error.

use casetrail_app::Progress;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Default)]
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Progress for Bar {
    fn start(&mut self, total_events: u64) {
        let bar = ProgressBar::new(total_events);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} events, {per_sec}, {eta} left")
                .expect("a valid template"),
        );
        self.bar = Some(bar);
    }

    fn advance(&mut self, events: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(events);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
