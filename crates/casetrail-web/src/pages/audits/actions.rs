//! The audit page's forms: which one is in `action`, the audit event it makes, and where the
//! facilitator returns to after it, with a confirmation line.

use casetrail_app::AuditEvent;
use serde::Deserialize;
use warp::{Rejection, Reply};

use crate::ctx::{Ctx, see_other};
use crate::i18n::text;
use crate::views::parse_value;

/// The actions of the audit page's forms, and the section each returns to.
pub(super) const ACTIONS: [(&str, &str); 10] = [
    ("add_member", "add-member"),
    ("assign", "assign"),
    ("open", "top"),
    ("reveal", "panel"),
    ("note", "panel"),
    ("theme", "panel"),
    ("consensus", "panel"),
    ("recommend", "recommend"),
    ("close", "top"),
    ("saved", "top"),
];

/// Every form on the audit page: which one is in `action`, its fields beside it.
/// Every field defaults, so who may send the form is checked before what it holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    csrf: String,
    action: String,
    panel: String,
    member: String,
    sector: String,
    role: String,
    /// `CASE@VERSION` for an assignment; the case for consensus.
    case: String,
    question: String,
    value: String,
    text: String,
    /// Why a guarded step goes ahead although something is missing.
    reason: String,
    owner_region: Option<String>,
    owner_municipality: Option<String>,
    owner_general_practice: Option<String>,
    owner_out_of_hours: Option<String>,
    owner_police: Option<String>,
}

impl ActionForm {
    fn reason(&self) -> Option<String> {
        Some(self.reason.trim().to_owned()).filter(|r| !r.is_empty())
    }

    /// The owner sectors ticked, in the method's order.
    fn owners(&self) -> Vec<String> {
        [
            ("region", &self.owner_region),
            ("municipality", &self.owner_municipality),
            ("general_practice", &self.owner_general_practice),
            ("out_of_hours", &self.owner_out_of_hours),
            ("police", &self.owner_police),
        ]
        .into_iter()
        .filter(|(_, ticked)| ticked.is_some())
        .map(|(s, _)| s.to_owned())
        .collect()
    }
}

fn event_of(
    form: &ActionForm,
    hash_of: impl Fn(&str, u32) -> Option<String>,
) -> Option<AuditEvent> {
    let panel = form.panel.trim().to_owned();
    Some(match form.action.as_str() {
        "add_member" => AuditEvent::MemberAdded {
            panel,
            member: form.member.trim().to_owned(),
            sector: form.sector.trim().to_owned(),
            role: form.role.trim().to_owned(),
        },
        "assign" => {
            let (case, version) = form.case.split_once('@')?;
            let version: u32 = version.parse().ok()?;
            AuditEvent::CaseAssigned {
                panel,
                case: case.to_owned(),
                release_version: version,
                content_hash: hash_of(case, version)?,
            }
        }
        "open" => AuditEvent::ScoringOpened {
            reason: form.reason(),
        },
        "reveal" => AuditEvent::ScoresRevealed {
            panel,
            reason: form.reason(),
        },
        "note" => AuditEvent::MeetingNoted {
            panel,
            text: form.text.trim().to_owned(),
        },
        "theme" => AuditEvent::ThemeRecorded {
            panel,
            theme: form.text.trim().to_owned(),
        },
        "consensus" => AuditEvent::ConsensusRecorded {
            panel,
            case: Some(form.case.trim().to_owned()).filter(|c| !c.is_empty()),
            question: form.question.clone(),
            value: parse_value(&form.value),
            note: form.text.trim().to_owned(),
        },
        "recommend" => AuditEvent::RecommendationAdded {
            number: form.value.trim().parse().ok()?,
            text: form.text.trim().to_owned(),
            owners: form.owners(),
        },
        "close" => AuditEvent::AuditClosed {
            reason: form.reason(),
        },
        _ => return None,
    })
}

pub async fn act(ctx: Ctx, audit: String, form: ActionForm) -> Result<Box<dyn Reply>, Rejection> {
    let by = ctx.check_csrf(&form.csrf)?.user.clone();
    let id = audit.clone();
    let action = form.action.clone();
    let panel: String = form
        .panel
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let lang = ctx.lang;
    ctx.blocking(move |wb| {
        let event = event_of(&form, |case, version| wb.release_hash(case, version).ok());
        let Some(event) = event else {
            return Err(casetrail_app::AppError::bad_form(
                text(lang, "form_incomplete").to_owned(),
            ));
        };
        wb.audit_event(&id, event, &by)
    })
    .await?;
    let section = ACTIONS
        .iter()
        .find(|(a, _)| *a == action)
        .map_or("top", |(_, s)| *s);
    let anchor = match section {
        "panel" if !panel.is_empty() => format!("panel-{panel}"),
        "panel" => "top".to_owned(),
        other => other.to_owned(),
    };
    Ok(see_other(format!("/audits/{audit}?done={action}#{anchor}")))
}
