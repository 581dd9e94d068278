//! `casetrail user`: the workbench's users.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::args::Who;
use crate::env::Env;

/// Workbench users: add (password read from standard input), list, disable.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user; the password is the first line of standard input (never an argument, so it
    /// stays out of shell history and process lists).
    Add {
        #[arg(long = "name")]
        user: String,
        #[arg(long, value_parser = parse_role)]
        role: casetrail_app::Role,
        #[command(flatten)]
        who: Who,
    },
    /// Every user with their role and whether they are disabled.
    List,
    /// Disable a user: they can no longer sign in.
    Disable {
        #[arg(long = "name")]
        user: String,
        #[command(flatten)]
        who: Who,
    },
}

fn parse_role(text: &str) -> Result<casetrail_app::Role, String> {
    casetrail_app::Role::parse(text).ok_or_else(|| {
        format!("{text:?} is not a role (facilitator, panel_member, quality, administrator)")
    })
}

pub fn run(env: &Env, args: UserArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        UserCommand::Add {
            user: name,
            role,
            who,
        } => {
            let wb = env.write()?;
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let position = wb.add_user(&name, role, password, &who.name)?;
            out!(
                "added user {name} ({}) at position {position}",
                role.as_str()
            );
        }
        UserCommand::List => {
            for u in env.read()?.users()? {
                let state = if u.disabled { "  (disabled)" } else { "" };
                out!("{:<24} {}{state}", u.name, u.role.as_str());
            }
        }
        UserCommand::Disable { user: name, who } => {
            let position = env.write()?.disable_user(&name, &who.name)?;
            out!("disabled user {name} at position {position}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
