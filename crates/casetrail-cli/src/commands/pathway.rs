//! `casetrail pathway`: a patient's whole pathway, identifiable, for facilitators.

use std::process::ExitCode;

use clap::Args;

use crate::args::TextOrJson;
use crate::env::Env;

/// A patient's whole pathway, identifiable (for facilitators assembling a case).
#[derive(Debug, Args)]
pub struct PathwayArgs {
    patient: String,
    #[arg(long, value_enum, default_value = "text")]
    format: TextOrJson,
}

pub fn run(env: &Env, args: PathwayArgs) -> anyhow::Result<ExitCode> {
    let view = env.read()?.pathway(&args.patient)?;
    match args.format {
        TextOrJson::Json => out!("{}", serde_json::to_string_pretty(&view)?),
        TextOrJson::Text => print_pathway(&view)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_pathway(view: &casetrail_app::PathwayView) -> anyhow::Result<()> {
    let show = |p: &Option<casetrail_app::Personal>| {
        p.as_ref().map_or("–".to_string(), |p| p.to_string())
    };
    out!(
        "patient {}: {} (CPR {}), born {}, {}",
        view.patient,
        show(&view.name),
        show(&view.cpr),
        view.birth_year.map_or("?".into(), |y| y.to_string()),
        view.municipality.clone().unwrap_or_default()
    );
    if let Some(e) = &view.erased {
        out!(
            "forgotten by {} (recorded at {} µs): personal fields are erased",
            e.by,
            e.recorded_at
        );
    }
    if !view.stays.is_empty() {
        out!("stays:");
        for s in &view.stays {
            let why = if s.readmission {
                format!(
                    "readmission, {} h after discharge",
                    s.hours_since_discharge.unwrap_or_default()
                )
            } else {
                s.why_not.clone().unwrap_or_default()
            };
            out!(
                "  {} → {}  {} days  {}{}  {why}",
                s.start,
                s.end.clone().unwrap_or_else(|| "(still admitted)".into()),
                s.length_days.map_or("?".into(), |d| d.to_string()),
                if s.acute { "acute" } else { "planned" },
                if s.evening_night == Some(true) {
                    ", evening/night"
                } else {
                    ""
                },
            );
        }
        out!("record:");
    }
    for entry in &view.entries {
        out!(
            "{:>8}  {:<16}  {}",
            entry.position,
            entry.when,
            entry.summary
        );
        if let Some(note) = &entry.note {
            out!("{:>8}  {:<16}  note: {note}", "", "");
        }
    }
    Ok(())
}
