//! Redacts standard input line by line with no case registry, the way the open world meets
//! it: `cargo run --release -p casetrail-anon --example redact < note.txt`.

use std::io::{BufRead, Write};

fn main() -> std::io::Result<()> {
    let redactor = casetrail_anon::Redactor::new(&[]);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        writeln!(out, "{}", redactor.redact(&line?))?;
    }
    Ok(())
}
