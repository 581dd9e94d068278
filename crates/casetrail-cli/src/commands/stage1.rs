//! `casetrail stage1`: the DEFACTUM stage-1 analysis of a year, as JSON, CSV or a table.

use std::process::ExitCode;

use casetrail_app::Stage1Report;
use clap::{Args, ValueEnum};

use crate::env::Env;

/// The DEFACTUM stage-1 analysis of a year.
#[derive(Debug, Args)]
pub struct Stage1Args {
    #[arg(long)]
    year: i32,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(env: &Env, args: Stage1Args) -> anyhow::Result<ExitCode> {
    print(&env.read()?.stage1(args.year)?, args.format)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Csv,
    Table,
}

fn percent(share: Option<u64>) -> String {
    share.map_or("–".to_string(), |bp| {
        format!("{}.{} %", bp / 100, (bp % 100) / 10)
    })
}

fn print(report: &Stage1Report, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => out!("{}", serde_json::to_string_pretty(report)?),
        Format::Csv => {
            let mut out = csv::Writer::from_writer(std::io::stdout());
            out.write_record(["year", "episodes", "patients", "acute_admissions"])?;
            for row in &report.table {
                out.write_record([
                    report.year.to_string(),
                    row.episodes.clone(),
                    row.patients.to_string(),
                    row.acute_admissions.to_string(),
                ])?;
            }
            out.write_record([
                report.year.to_string(),
                "total".into(),
                report.patients.to_string(),
                report.acute_admissions.to_string(),
            ])?;
            out.flush()?;
        }
        Format::Table => {
            out!("Stage 1, {}: admission episodes per patient", report.year);
            out!(
                "{:>10} {:>10} {:>17}",
                "episodes",
                "patients",
                "acute admissions"
            );
            for row in &report.table {
                out!(
                    "{:>10} {:>10} {:>17}",
                    row.episodes,
                    row.patients,
                    row.acute_admissions
                );
            }
            out!(
                "{:>10} {:>10} {:>17}",
                "total",
                report.patients,
                report.acute_admissions
            );
            out!();
            out!(
                "readmissions (acute, 4 h – 30 days):   {}",
                report.readmissions
            );
            out!(
                "acute stays of 0-3 days:               {}",
                percent(report.short_stay_share.basis_points())
            );
            out!(
                "readmissions of 0-3 days:              {}",
                percent(report.readmission_short_stay_share.basis_points())
            );
            out!(
                "acute admissions in evening and night: {}",
                percent(report.evening_night_share.basis_points())
            );
            out!();
            out!(
                "{:>8} {:>10} {:>11} {:>7} {:>13}",
                "group",
                "patients",
                "admissions",
                "acute",
                "readmissions"
            );
            for d in &report.by_diagnosis {
                let group = serde_json::to_value(d.group)?
                    .as_str()
                    .unwrap_or("?")
                    .to_string();
                out!(
                    "{:>8} {:>10} {:>11} {:>7} {:>13}",
                    group,
                    d.patients,
                    d.admissions,
                    d.acute_admissions,
                    d.readmissions
                );
            }
        }
    }
    Ok(())
}
