//! `scripts/bench redaction`: the redactor on the labelled corpora with the Text Anonymization
//! Benchmark's metrics (mention, entity and token-level recall per kind, token precision),
//! with the case registry and without it (the open world), on the development notes the rules
//! were tuned on and on the held-out notes apart from them; then its speed on one core against
//! a plain tokenising pass over the same text, measured in the same run.

use std::time::Instant;

use anyhow::Context;
use casetrail_anon::Kind;
use casetrail_anon::evaluate::{
    Note, Registry, Score, Tally, parse_corpus, redactor_for, score_with,
};

fn corpus(folder: &str) -> anyhow::Result<Vec<Note>> {
    let dir = format!("{}/../../fixtures/{folder}", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {dir}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut notes = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f)?;
        notes.extend(parse_corpus(&text).with_context(|| f.display().to_string())?);
    }
    Ok(notes)
}

fn pct(bp: Option<u32>) -> String {
    bp.map_or("-".into(), |b| format!("{:.1} %", f64::from(b) / 100.0))
}

fn cell(t: Option<&Tally>) -> String {
    t.map_or("-".into(), |t| {
        format!("{} of {} ({})", t.hit, t.total, pct(t.basis_points()))
    })
}

fn table(title: &str, s: &Score) {
    println!("\n### {title}\n");
    println!("| kind | mentions masked whole | entities masked whole | tokens masked |");
    println!("|---|---|---|---|");
    for kind in Kind::ALL {
        if s.recall.contains_key(&kind) {
            println!(
                "| {} | {} | {} | {} |",
                kind.as_str(),
                cell(s.recall.get(&kind)),
                cell(s.entities.get(&kind)),
                cell(s.tokens.get(&kind))
            );
        }
    }
    println!(
        "| **direct identifiers** | | {} | {} |",
        cell(Some(&s.direct_entities())),
        cell(Some(&s.direct_tokens()))
    );
    println!("\ntoken precision: {}", cell(Some(&s.precision)));
    println!("clinical tokens kept: {}", cell(Some(&s.clinical_kept)));
}

fn main() -> anyhow::Result<()> {
    let target_mib: usize = std::env::args()
        .skip_while(|a| a != "--mib")
        .nth(1)
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(64);
    let verbose = std::env::args().any(|a| a == "--misses");
    let notes = corpus("redaction")?;
    let held_out = corpus("redaction-holdout")?;
    println!(
        "corpora: {} development notes (fixtures/redaction, the rules were tuned on them), \
         {} held-out notes (fixtures/redaction-holdout, not tuned on)",
        notes.len(),
        held_out.len()
    );
    for (title, set) in [("development", &notes), ("held out", &held_out)] {
        for (registry, how) in [
            (Registry::None, "no registry (open world)"),
            (Registry::Case, "with the case registry"),
        ] {
            let s = score_with(set, registry);
            table(&format!("{title}, {how}"), &s);
            if verbose {
                for (id, kind, text) in &s.missed {
                    println!("missed {id} {}: {text:?}", kind.as_str());
                }
                for (id, token) in &s.over_redacted {
                    println!("over-redacted {id}: {token:?}");
                }
            }
        }
    }

    // Speed: the notes repeated to the target size, each redacted with its own case redactor.
    let redactors: Vec<_> = notes.iter().map(redactor_for).collect();
    let one_round: usize = notes.iter().map(|n| n.text.len()).sum();
    let rounds = (target_mib << 20) / one_round.max(1) + 1;
    let bytes = (rounds * one_round) as f64;
    let mut sink = 0usize;
    let started = Instant::now();
    for _ in 0..rounds {
        for n in &notes {
            sink += n.text.split_whitespace().count();
        }
    }
    let baseline = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for _ in 0..rounds {
        for (n, r) in notes.iter().zip(&redactors) {
            sink += r.redact_dated(&n.text, n.year).len();
        }
    }
    let redact = started.elapsed().as_secs_f64();
    let mb = |secs: f64| bytes / 1e6 / secs;
    println!(
        "speed: {:.0} MiB of notes; redaction {:.1} MB/s on one core (target >= 20 MB/s); \
         baseline (split into words) {:.1} MB/s; ratio {:.3} (checksum {sink})",
        bytes / f64::from(1 << 20),
        mb(redact),
        mb(baseline),
        baseline / redact
    );
    Ok(())
}
