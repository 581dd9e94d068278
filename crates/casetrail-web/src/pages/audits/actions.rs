//! The audit page's forms: which one is in `action`, the audit event it makes, and where the
//! facilitator returns to after it, with a confirmation line.

use casetrail_app::{AppError, AuditEvent, AuditRuleError, CoreError, PanelText};
use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::ctx::{Ctx, see_other};
use crate::i18n::text;
use crate::problems;
use crate::views::parse_value;

/// Where a refused form's message is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RefusedAt {
    /// At the top of the page: the step has no form in place (its confirmation page has).
    Top,
    /// Beside its form, with the values entered kept.
    Form,
    /// In the panel's meeting section, at the form for that panel.
    Panel,
}

/// The actions of the audit page's forms: the section each returns to, and where a refusal
/// of it is shown. The one list both the redirect and the refused page read.
pub(super) const ACTIONS: [(&str, &str, RefusedAt); 14] = [
    ("add_member", "add-member", RefusedAt::Form),
    ("assign", "assign", RefusedAt::Form),
    ("open", "top", RefusedAt::Top),
    ("reveal", "panel", RefusedAt::Top),
    ("note", "panel", RefusedAt::Panel),
    ("theme", "panel", RefusedAt::Panel),
    ("revise_theme", "panel", RefusedAt::Panel),
    ("revise_note", "panel", RefusedAt::Panel),
    ("consensus", "panel", RefusedAt::Panel),
    ("recommend", "recommend", RefusedAt::Form),
    ("plan", "recommend", RefusedAt::Form),
    ("revise_recommendation", "recommend", RefusedAt::Form),
    ("close", "top", RefusedAt::Top),
    ("saved", "top", RefusedAt::Top),
];

/// Where a refusal of `action` is shown; an unknown action's at the top.
pub(super) fn refused_at(action: &str) -> RefusedAt {
    ACTIONS
        .iter()
        .find(|(a, _, _)| *a == action)
        .map_or(RefusedAt::Top, |(_, _, at)| *at)
}

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
    /// An action plan's deadline.
    due: String,
    owner_region: Option<String>,
    owner_municipality: Option<String>,
    owner_general_practice: Option<String>,
    owner_out_of_hours: Option<String>,
    owner_police: Option<String>,
    /// Ticked on a reassignment that sets submitted answers aside.
    understood: Option<String>,
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
                // The reassign form's box: "the submitted answers are set aside".
                set_aside_submitted: form.understood.is_some(),
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
        "revise_theme" | "revise_note" => AuditEvent::PanelTextRevised {
            panel,
            kind: if form.action == "revise_theme" {
                PanelText::Theme
            } else {
                PanelText::Note
            },
            index: form.value.trim().parse().ok()?,
            text: Some(form.text.trim().to_owned()).filter(|t| !t.is_empty())?,
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
        "revise_recommendation" => AuditEvent::RecommendationRevised {
            number: form.value.trim().parse().ok()?,
            text: Some(form.text.trim().to_owned()).filter(|t| !t.is_empty())?,
            owners: form.owners(),
        },
        "plan" => AuditEvent::ActionPlanned {
            number: form.value.trim().parse().ok()?,
            due: Some(form.due.trim().to_owned()).filter(|d| !d.is_empty()),
            follow_up: form.text.trim().to_owned(),
        },
        "close" => AuditEvent::AuditClosed {
            reason: form.reason(),
        },
        _ => return None,
    })
}

/// A form of the audit page that was refused: what was entered, and why, in the reader's
/// language. The page shows it at the form it came from (`action`, and `panel` for a
/// panel's forms); a step's refusal (open, reveal, close) at the top.
#[derive(Debug, Default, Serialize)]
pub struct Refused {
    pub(super) action: String,
    pub(super) message: String,
    /// Refused steps have no form on the page: the message stands at the top.
    pub(super) at_top: bool,
    pub(super) panel: String,
    pub(super) member: String,
    pub(super) sector: String,
    pub(super) role: String,
    pub(super) case: String,
    pub(super) question: String,
    pub(super) text: String,
    /// The action plan's recommendation number and deadline as entered.
    pub(super) value: String,
    pub(super) due: String,
    /// The owner sectors ticked.
    pub(super) owners: Vec<String>,
}

impl Refused {
    fn of(form: ActionForm, message: String) -> Refused {
        let owners = form.owners();
        Refused {
            owners,
            at_top: refused_at(&form.action) == RefusedAt::Top,
            action: form.action,
            message,
            panel: form.panel,
            member: form.member,
            sector: form.sector,
            role: form.role,
            case: form.case,
            question: form.question,
            text: form.text,
            value: form.value,
            due: form.due,
        }
    }
}

/// Where a step refused for what it lacks is taken again: its confirmation page, which
/// lists what is missing and asks for the reason.
fn confirmation(audit: &str, form: &ActionForm) -> Option<String> {
    match form.action.as_str() {
        "open" | "close" => Some(format!("/audits/{audit}/confirm/{}", form.action)),
        "reveal" => Some(format!(
            "/audits/{audit}/confirm/reveal?panel={}",
            query_value(form.panel.trim())
        )),
        _ => None,
    }
}

/// A value for a query string: what is not a plain character is percent-encoded.
fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
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
    let (form, q, outcome) = ctx
        .blocking(move |wb| {
            let q = wb.audit_questionnaire(&id)?;
            let event = event_of(&form, |case, version| wb.release_hash(case, version).ok());
            let outcome = match event {
                None => Err(casetrail_app::AppError::bad_form(
                    text(lang, "form_incomplete").to_owned(),
                )),
                Some(event) => wb.audit_event(&id, event, &by).map(|_| ()),
            };
            Ok((form, q, outcome))
        })
        .await?;
    if let Err(e) = outcome {
        let rules = problems::rules(&e);
        let lacking = rules
            .iter()
            .any(|r| matches!(r, AuditRuleError::NotReady { .. }));
        if lacking && let Some(to) = confirmation(&audit, &form) {
            return Ok(see_other(to));
        }
        let refused = matches!(e, AppError::Core(CoreError::BadForm { .. })) || !rules.is_empty();
        if !refused {
            return Err(ctx.app_error(e));
        }
        let kind = e.kind();
        let message = problems::explain(lang, Some(&*q), &e);
        let body = super::page(&ctx, &audit, None, Some(Refused::of(form, message))).await?;
        return Ok(crate::recover::refused_form(kind, body));
    }
    let section = ACTIONS
        .iter()
        .find(|(a, _, _)| *a == action)
        .map_or("top", |(_, s, _)| *s);
    let anchor = match section {
        "panel" if !panel.is_empty() => format!("panel-{panel}"),
        "panel" => "top".to_owned(),
        other => other.to_owned(),
    };
    Ok(see_other(format!("/audits/{audit}?done={action}#{anchor}")))
}
