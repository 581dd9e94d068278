//! `casetrail redact`: the case timelines' redactor on standard input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use casetrail_app::NameEntry;
use clap::Args;

use crate::env::Env;

/// Redact text from standard input to standard output with the redactor case timelines
/// use: CPR numbers, phone numbers, e-mail addresses, addresses, common names, exact
/// dates, and the names listed in FILE (one per line; `name<TAB>label` to choose a label).
#[derive(Debug, Args)]
pub struct RedactArgs {
    #[arg(long)]
    names: Option<PathBuf>,
    /// Pseudonym key file: listed names without a label become keyed pseudonyms.
    #[arg(long)]
    key: Option<PathBuf>,
    /// Write dates as days from this day (YYYY-MM-DD) instead of [DATO].
    #[arg(long)]
    index_date: Option<casetrail_app::NaiveDate>,
}

pub fn run(env: &Env, args: RedactArgs) -> anyhow::Result<ExitCode> {
    let names = match &args.names {
        Some(file) => read_names(file)?,
        None => Vec::new(),
    };
    // Only a key file given here: the redactor is also used on texts outside any case.
    let key = match args.key {
        Some(path) => Some(casetrail_app::pseudonym_key(
            &casetrail_app::KeySource::File(path),
            env.data(),
        )?),
        None => None,
    };
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
        .context("reading standard input")?;
    let redacted = casetrail_app::redact_text(&text, &names, key.as_ref(), args.index_date);
    std::io::Write::write_all(&mut std::io::stdout(), redacted.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn read_names(file: &Path) -> anyhow::Result<Vec<NameEntry>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once('\t') {
            Some((name, label)) => NameEntry {
                name: name.trim().to_owned(),
                label: Some(label.trim().to_owned()).filter(|l| !l.is_empty()),
            },
            None => NameEntry {
                name: l.to_owned(),
                label: None,
            },
        })
        .collect())
}
