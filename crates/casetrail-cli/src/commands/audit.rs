//! `casetrail audit …`: the whole audit workflow from the command line, with the same rules as
//! the workbench (they live in the audit core; this only parses and prints).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use casetrail_app::{Access, Answer, AuditEvent, Step, Value};
use clap::{Args, Subcommand};

use crate::env::Env;

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The audit's id.
    #[arg(long = "id")]
    pub audit: String,
    /// Who is acting, as recorded in the log.
    #[arg(long = "actor", env = "USER", default_value = "casetrail")]
    pub actor: String,
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Create the audit (with the DEFACTUM 2019 questionnaire unless another is given).
    Create {
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        topic: String,
        #[arg(long, default_value = "")]
        stage1: String,
        #[arg(long, default_value = "")]
        criteria: String,
        /// A questionnaire definition file (docs/questionnaires.md).
        #[arg(long)]
        questionnaire: Option<PathBuf>,
    },
    /// Add a member (with their sector and role) to a panel.
    AddMember {
        #[arg(long)]
        panel: String,
        #[arg(long)]
        member: String,
        #[arg(long)]
        sector: String,
        #[arg(long)]
        role: String,
    },
    /// Assign a released case-file version to a panel.
    Assign {
        #[arg(long)]
        panel: String,
        #[arg(long)]
        case: String,
        #[arg(long)]
        release: u32,
        /// A newer version for a panel whose members have submitted for the case sets their
        /// submissions aside (they stay in the log): refused unless this says so.
        #[arg(long)]
        set_aside_submitted: bool,
    },
    /// Open scoring. Refused while something is missing (see `gaps`) unless --reason says why.
    Open {
        /// Why scoring opens although something is missing; stored in the event.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Save an answer as a draft (or, with --revise, revise a submitted one before the reveal).
    Answer {
        #[command(flatten)]
        answer: AnswerArgs,
        #[arg(long)]
        revise: bool,
    },
    /// Submit a member's answers for a case (or, without --case, the per-audit questions).
    Submit {
        #[arg(long)]
        member: String,
        #[arg(long)]
        case: Option<String>,
    },
    /// Reveal a panel's scores. Refused while a member has not submitted unless --reason.
    Reveal {
        #[arg(long)]
        panel: String,
        /// Why the panel is revealed before every answer is in; stored in the event.
        #[arg(long)]
        reason: Option<String>,
    },
    /// A note from the meeting.
    Note {
        #[arg(long)]
        panel: String,
        #[arg(long)]
        text: String,
    },
    /// Record the panel's consensus on a question.
    Consensus {
        #[arg(long)]
        panel: String,
        #[arg(long)]
        case: Option<String>,
        #[arg(long)]
        question: String,
        #[arg(long)]
        value: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a theme the meeting found.
    Theme {
        #[arg(long)]
        panel: String,
        #[arg(long)]
        theme: String,
    },
    /// Add a numbered recommendation with its owner sectors (or, with --revise, word an
    /// existing one anew: it keeps its number and its action plan).
    Recommend {
        #[arg(long)]
        number: u32,
        #[arg(long)]
        text: String,
        #[arg(long, value_delimiter = ',')]
        owners: Vec<String>,
        #[arg(long)]
        revise: bool,
    },
    /// Fill a recommendation's row of the action plan: its deadline and who follows up, how
    /// (again to change them; the last one stands).
    Plan {
        #[arg(long)]
        number: u32,
        /// The deadline, YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        #[arg(long = "follow-up")]
        follow_up: String,
    },
    /// Close the audit: nothing is accepted after this. Refused while a panel is unrevealed,
    /// a consensus unrecorded or no recommendation made, unless --reason says why.
    Close {
        /// Why the audit closes although something is missing; stored in the event.
        #[arg(long)]
        reason: Option<String>,
    },
    /// What a guarded step (open, reveal, close) still lacks, one line each.
    Gaps {
        /// open, reveal or close.
        #[arg(long, value_parser = ["open", "reveal", "close"])]
        step: String,
        /// The panel, for reveal.
        #[arg(long, required_if_eq("step", "reveal"))]
        panel: Option<String>,
    },
    /// The audit as a member (--as MEMBER) or the facilitator sees it, as JSON.
    Status {
        #[arg(long = "as")]
        viewer: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct AnswerArgs {
    #[arg(long)]
    member: String,
    /// The case (omit for a question asked once per audit).
    #[arg(long)]
    case: Option<String>,
    #[arg(long)]
    question: String,
    /// A step of the scale, `cannot-assess`, or free text.
    #[arg(long)]
    value: String,
    #[arg(long, default_value = "")]
    justification: String,
}

fn value(text: &str) -> Value {
    match text.trim() {
        "cannot-assess" => Value::CannotAssess,
        t => t
            .parse()
            .map_or_else(|_| Value::Text(t.to_owned()), Value::Step),
    }
}

pub fn run(env: &Env, args: AuditArgs) -> anyhow::Result<ExitCode> {
    let AuditArgs {
        audit,
        actor,
        command,
    } = args;
    let access = match command {
        AuditCommand::Status { .. } => Access::ReadOnly,
        _ => Access::ReadWrite,
    };
    let wb = match access {
        Access::ReadOnly => env.read()?,
        Access::ReadWrite => env.write()?,
    };
    let event = match command {
        AuditCommand::Create {
            title,
            topic,
            stage1,
            criteria,
            questionnaire,
        } => {
            let definition = match questionnaire {
                Some(path) => std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?,
                None => casetrail_app::DEFACTUM_2019.to_owned(),
            };
            let about = casetrail_app::NewAudit {
                title,
                topic,
                stage1_reference: stage1,
                criteria,
            };
            let position = wb.create_audit(&audit, about, &definition, &actor)?;
            out!("created audit {audit} at position {position}");
            return Ok(ExitCode::SUCCESS);
        }
        AuditCommand::AddMember {
            panel,
            member,
            sector,
            role,
        } => AuditEvent::MemberAdded {
            panel,
            member,
            sector,
            role,
        },
        AuditCommand::Assign {
            panel,
            case,
            release,
            set_aside_submitted,
        } => AuditEvent::CaseAssigned {
            content_hash: wb.release_hash(&case, release)?,
            panel,
            case,
            release_version: release,
            set_aside_submitted,
        },
        AuditCommand::Open { reason } => AuditEvent::ScoringOpened { reason },
        AuditCommand::Answer { answer, revise } => {
            let content_hash = match &answer.case {
                Some(case) => wb.assigned_hash(&audit, case)?,
                None => None,
            };
            let a = Answer {
                member: answer.member,
                case: answer.case,
                question: answer.question,
                value: value(&answer.value),
                justification: answer.justification,
                content_hash,
            };
            if revise {
                AuditEvent::AnswerRevised(a)
            } else {
                AuditEvent::AnswerSaved(a)
            }
        }
        AuditCommand::Submit { member, case } => AuditEvent::AnswersSubmitted { member, case },
        AuditCommand::Reveal { panel, reason } => AuditEvent::ScoresRevealed { panel, reason },
        AuditCommand::Note { panel, text } => AuditEvent::MeetingNoted { panel, text },
        AuditCommand::Consensus {
            panel,
            case,
            question,
            value: v,
            note,
        } => AuditEvent::ConsensusRecorded {
            panel,
            case,
            question,
            value: value(&v),
            note,
        },
        AuditCommand::Theme { panel, theme } => AuditEvent::ThemeRecorded { panel, theme },
        AuditCommand::Recommend {
            number,
            text,
            owners,
            revise: false,
        } => AuditEvent::RecommendationAdded {
            number,
            text,
            owners,
        },
        AuditCommand::Recommend {
            number,
            text,
            owners,
            revise: true,
        } => AuditEvent::RecommendationRevised {
            number,
            text,
            owners,
        },
        AuditCommand::Plan {
            number,
            due,
            follow_up,
        } => AuditEvent::ActionPlanned {
            number,
            due,
            follow_up,
        },
        AuditCommand::Close { reason } => AuditEvent::AuditClosed { reason },
        AuditCommand::Gaps { step, panel } => {
            let step = match (step.as_str(), panel) {
                ("open", _) => Step::Open,
                ("close", _) => Step::Close,
                (_, panel) => Step::Reveal {
                    panel: panel.unwrap_or_default(),
                },
            };
            let gaps = wb
                .audit_gaps(&audit, &step)?
                .ok_or_else(|| anyhow::anyhow!("audit {audit} has no panel named in {step}"))?;
            if gaps.is_empty() {
                out!("nothing is missing: {step} needs no reason");
            }
            for gap in gaps {
                out!("{gap}");
            }
            return Ok(ExitCode::SUCCESS);
        }
        AuditCommand::Status { viewer } => {
            let status = wb.audit_status(&audit, viewer.as_deref())?;
            out!("{}", serde_json::to_string_pretty(&status)?);
            return Ok(ExitCode::SUCCESS);
        }
    };
    let position = wb.audit_event(&audit, event, &actor)?;
    out!("recorded in audit {audit} at position {position}");
    Ok(ExitCode::SUCCESS)
}
