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
    /// How admissions and readmissions are counted: `stays-2017` (stays as reported, the
    /// 2017 rule; LPR2-era data) or `hospital-stays` (LPR3's sygehusophold of at least 12 h).
    #[arg(long, value_enum, default_value = "stays-2017")]
    definition: DefinitionArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DefinitionArg {
    #[value(name = "stays-2017")]
    Stays2017,
    HospitalStays,
}

impl From<DefinitionArg> for casetrail_app::ReadmissionDefinition {
    fn from(d: DefinitionArg) -> Self {
        match d {
            DefinitionArg::Stays2017 => casetrail_app::ReadmissionDefinition::Stays2017,
            DefinitionArg::HospitalStays => casetrail_app::ReadmissionDefinition::HospitalStays,
        }
    }
}

pub fn run(env: &Env, args: Stage1Args) -> anyhow::Result<ExitCode> {
    let report = env.read()?.stage1_by(args.year, args.definition.into())?;
    print(&report, args.format)?;
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
            out!("Counted as: {}", report.definition_text);
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
