//! `casetrail alpha`: Krippendorff's alpha of a rating table.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::env::Env;

/// Krippendorff's alpha of a rating table: a CSV with a header row naming the raters, one
/// row per unit, one column per rater, an empty cell for a missing value. Prints alpha
/// alone on the first line ("undefined" when there is no variation), then the details.
#[derive(Debug, Args)]
pub struct AlphaArgs {
    file: PathBuf,
    #[arg(long, value_enum)]
    level: LevelArg,
    /// Bootstrap resamples of the units for the 95 % interval.
    #[arg(long, default_value_t = 1000)]
    bootstrap: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LevelArg {
    Nominal,
    Ordinal,
    Interval,
    Ratio,
}

impl From<LevelArg> for casetrail_app::Level {
    fn from(l: LevelArg) -> Self {
        match l {
            LevelArg::Nominal => casetrail_app::Level::Nominal,
            LevelArg::Ordinal => casetrail_app::Level::Ordinal,
            LevelArg::Interval => casetrail_app::Level::Interval,
            LevelArg::Ratio => casetrail_app::Level::Ratio,
        }
    }
}

pub fn run(_: &Env, args: AlphaArgs) -> anyhow::Result<ExitCode> {
    let r = casetrail_app::alpha_of_file(&args.file, args.level.into(), args.bootstrap, args.seed)?;
    let a = &r.agreement;
    match a.alpha {
        Some(alpha) => out!("{alpha:.3}"),
        None => out!("undefined"),
    }
    if a.alpha.is_none() {
        out!("alpha is undefined: the pairable values show no variation (or there are none)");
    }
    out!("observed disagreement {:.6}", a.observed);
    out!("expected disagreement {:.6}", a.expected);
    out!(
        "pairable values {} in {} of {} units, {} raters",
        a.pairable,
        a.pairable_units,
        r.units,
        r.raters
    );
    match r.interval {
        Some((lo, hi)) => out!(
            "{:.0} % interval {lo:.3} to {hi:.3} ({} bootstrap resamples of the units, seed {})",
            r.confidence * 100.0,
            r.samples,
            r.seed
        ),
        None => out!("interval undefined"),
    }
    let counts: Vec<String> = r
        .distribution
        .iter()
        .map(|(v, n)| format!("{v}: {n}"))
        .collect();
    out!("distribution {}", counts.join(", "));
    Ok(ExitCode::SUCCESS)
}
