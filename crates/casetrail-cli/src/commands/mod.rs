//! One file a command: each holds its clap arguments and `run(&Env, Args)`. This file is the
//! table of contents: the commands in the order `casetrail --help` lists them.

use std::process::ExitCode;

use clap::Subcommand;

use crate::env::Env;

mod alpha;
mod attach;
mod audit;
mod checkpoint;
mod decide;
mod demo;
mod export;
mod export_events;
mod forget;
mod generate;
mod head;
mod import;
mod migrate;
mod pathway;
mod pdf_text;
mod public_key;
mod rebuild;
mod redact;
mod release;
mod releases;
mod report;
mod review;
mod select;
mod serve;
mod stage1;
mod timeline;
mod user;
mod verify;
mod verify_receipt;

#[derive(Debug, Subcommand)]
pub enum Command {
    Demo(demo::DemoArgs),
    #[command(hide = true)]
    PdfText(pdf_text::PdfTextArgs),
    Head(head::HeadArgs),
    Verify(verify::VerifyArgs),
    Migrate(migrate::MigrateArgs),
    VerifyReceipt(verify_receipt::VerifyReceiptArgs),
    Checkpoint(checkpoint::CheckpointArgs),
    PublicKey(public_key::PublicKeyArgs),
    Generate(generate::GenerateArgs),
    Import(import::ImportArgs),
    Attach(attach::AttachArgs),
    ExportEvents(export_events::ExportEventsArgs),
    Report(report::ReportArgs),
    Export(export::ExportArgs),
    Redact(redact::RedactArgs),
    Timeline(timeline::TimelineArgs),
    Review(review::ReviewArgs),
    Decide(decide::DecideArgs),
    Release(release::ReleaseArgs),
    Releases(releases::ReleasesArgs),
    Rebuild(rebuild::RebuildArgs),
    Stage1(stage1::Stage1Args),
    Select(select::SelectArgs),
    Pathway(pathway::PathwayArgs),
    Alpha(alpha::AlphaArgs),
    /// The audit workflow: create, add-member, assign, open, answer, submit, reveal, note,
    /// consensus, theme, recommend, close, status.
    Audit(audit::AuditArgs),
    User(user::UserArgs),
    Serve(serve::ServeArgs),
    Forget(forget::ForgetArgs),
}

impl Command {
    /// The server sets up its own logging, from its settings (text or JSON).
    pub fn sets_up_its_own_logging(&self) -> bool {
        matches!(self, Command::Serve(_))
    }
}

pub fn run(env: &Env, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Demo(args) => demo::run(env, args),
        Command::PdfText(args) => pdf_text::run(env, args),
        Command::Head(args) => head::run(env, args),
        Command::Verify(args) => verify::run(env, args),
        Command::Migrate(args) => migrate::run(env, args),
        Command::VerifyReceipt(args) => verify_receipt::run(env, args),
        Command::Checkpoint(args) => checkpoint::run(env, args),
        Command::PublicKey(args) => public_key::run(env, args),
        Command::Generate(args) => generate::run(env, args),
        Command::Import(args) => import::run(env, args),
        Command::Attach(args) => attach::run(env, args),
        Command::ExportEvents(args) => export_events::run(env, args),
        Command::Report(args) => report::run(env, args),
        Command::Export(args) => export::run(env, args),
        Command::Redact(args) => redact::run(env, args),
        Command::Timeline(args) => timeline::run(env, args),
        Command::Review(args) => review::run(env, args),
        Command::Decide(args) => decide::run(env, args),
        Command::Release(args) => release::run(env, args),
        Command::Releases(args) => releases::run(env, args),
        Command::Rebuild(args) => rebuild::run(env, args),
        Command::Stage1(args) => stage1::run(env, args),
        Command::Select(args) => select::run(env, args),
        Command::Pathway(args) => pathway::run(env, args),
        Command::Alpha(args) => alpha::run(env, args),
        Command::Audit(args) => audit::run(env, args),
        Command::User(args) => user::run(env, args),
        Command::Serve(args) => serve::run(env, args),
        Command::Forget(args) => forget::run(env, args),
    }
}
