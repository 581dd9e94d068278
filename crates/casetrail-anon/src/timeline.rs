//! The timeline a panel reads: (events, key, policy) → timeline, deterministic, with a content
//! hash. The identifiable view, for the facilitator who assembles the case, is the same
//! projection with real names and dates and unredacted text.

use std::collections::{BTreeMap, BTreeSet};

use casetrail_domain::readmission::{Readmission, classify};
use casetrail_domain::stays::{Stay, stays};
use casetrail_domain::{DatePolicy, DomainEvent, RiskDecision, Sealed, When, corrections};
use chrono::Duration;

pub use crate::dates::Moment;
use crate::dates::{Dating, age_band};
use crate::labels::{Labeller, person_role, place_role, sector_da};
use crate::names::KnownName;
use crate::pseudonym::PseudonymKey;
use crate::risk::{
    RedactionPolicy, RiskFinding, RiskKind, is_ordinary_word, is_town, residual_risk,
};
use crate::scan::{Redactor, Replaced};

mod identity;
mod model;

use identity::{identity, index_of};

pub use model::{
    Actor, CaseEvents, ConsentMark, ContactMark, HashedTimeline, Material, Opener, PatientSummary,
    Person, PlanBand, StayBar, Timeline, View,
};

const ERASED: &str = "[slettet]";

fn unit_key(organisation: &str, unit: &str) -> String {
    format!("{organisation}\u{1f}{unit}")
}

fn lane(sector: casetrail_domain::Sector) -> &'static str {
    sector.as_str()
}

/// The label an organisation's own name gets in text: its sector, not its name.
fn organisation_label(sector: casetrail_domain::Sector) -> &'static str {
    use casetrail_domain::Sector::*;
    match sector {
        Region => "[Regionspsykiatrien]",
        Municipality => "[Kommunen]",
        GeneralPractice => "[Lægehuset]",
        OutOfHours => "[Lægevagten]",
        Police => "[Politiet]",
        Other => "[Organisationen]",
    }
}

/// The names of a place worth finding in text: the whole name, without its bracketed part
/// ("(SEL §108)"), and each of its words that is not an ordinary word ("Engvej").
fn place_forms(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let trimmed = name.trim();
    if trimmed.split_whitespace().count() >= 2 {
        out.push(trimmed.to_string());
    }
    if let Some(i) = trimmed.find('(') {
        let bare = trimmed[..i].trim();
        if bare.split_whitespace().count() >= 2 {
            out.push(bare.to_string());
        }
    }
    for word in trimmed.split(|c: char| !c.is_alphanumeric()) {
        let capital = word.chars().next().is_some_and(char::is_uppercase);
        let lower = word.to_lowercase();
        // A town alone is not this place: it is left to the municipality or to review.
        if capital && word.chars().count() >= 3 && !is_ordinary_word(&lower) && !is_town(&lower) {
            out.push(word.to_string());
        }
    }
    out
}

/// Everything one build needs to turn names into labels and text into redacted text.
struct Context<'a> {
    anonymised: bool,
    dating: Dating,
    redactor: Redactor,
    places: BTreeMap<(bool, String), String>,
    open: Opener<'a>,
}

impl Context<'_> {
    fn text(&self, sealed: &Sealed, field: &'static str, year: i32) -> String {
        match (self.open)(field, sealed) {
            None => ERASED.to_string(),
            Some(plain) if self.anonymised => self.redactor.redact_dated(&plain, Some(year)),
            Some(plain) => plain,
        }
    }

    fn place(&self, organisation: &str, unit: &str) -> String {
        if self.anonymised {
            self.places[&(true, unit_key(organisation, unit))].clone()
        } else {
            format!("{unit}, {organisation}")
        }
    }
}

/// The case's events as they stand after corrections, and its review decisions.
struct Standing {
    events: Vec<DomainEvent>,
    decided: BTreeSet<String>,
    redact: Vec<String>,
    /// Terms the facilitator accepted: the open-world rules leave them in the text.
    accepted: Vec<String>,
}

fn standing(case: &CaseEvents<'_>) -> Standing {
    let applied = corrections::apply(case.events.iter().cloned());
    let mut out = Standing {
        events: Vec::with_capacity(applied.standing.len()),
        decided: BTreeSet::new(),
        redact: Vec::new(),
        accepted: Vec::new(),
    };
    for s in applied.standing {
        if let DomainEvent::RiskReviewed(r) = &s.event {
            if let Some(term) = (case.open)("term", &r.term) {
                out.decided.insert(term.to_lowercase());
                match r.decision {
                    RiskDecision::Redact => out.redact.push(term),
                    RiskDecision::Accept => out.accepted.push(term),
                }
            }
            continue;
        }
        out.events.push(s.event);
    }
    out
}

/// Builds the timeline of one case for the given view.
pub fn build(case: &CaseEvents<'_>, key: &PseudonymKey, view: View) -> HashedTimeline {
    let (timeline, _, _) = build_with_texts(case, standing(case), key, view);
    HashedTimeline {
        content_hash: timeline.content_hash(),
        timeline,
    }
}

/// What still looks identifying in the anonymised timeline, terms already decided left out.
/// Under [`RedactionPolicy::Review`] the names and places the open-world rules replaced are
/// listed too, each with its context, so a harmless word can be restored by accepting it.
pub fn review(
    case: &CaseEvents<'_>,
    key: &PseudonymKey,
    policy: DatePolicy,
    redaction: RedactionPolicy,
) -> Vec<RiskFinding> {
    let standing = standing(case);
    let decided = standing.decided.clone();
    let (_, texts, replaced) = build_with_texts(case, standing, key, View::Anonymised(policy));
    let mut found = residual_risk(texts.iter().map(|(w, t)| (w.clone(), t.as_str())), &decided);
    if redaction == RedactionPolicy::Review {
        found.extend(replaced_findings(&texts, &replaced, &decided));
    }
    found
}

/// One finding per replaced term: how often, the first text its replacement stands in, and
/// the context of its first occurrence.
fn replaced_findings(
    texts: &[(String, String)],
    replaced: &[Replaced],
    decided: &BTreeSet<String>,
) -> Vec<RiskFinding> {
    let mut out: BTreeMap<(RiskKind, String), RiskFinding> = BTreeMap::new();
    for r in replaced {
        if decided.contains(&r.term.to_lowercase()) {
            continue;
        }
        let kind = if r.kind == crate::Kind::Place {
            RiskKind::ReplacedPlace
        } else {
            RiskKind::ReplacedName
        };
        out.entry((kind, r.term.clone()))
            .and_modify(|f| f.occurrences += r.occurrences)
            .or_insert_with(|| RiskFinding {
                term: r.term.clone(),
                kind,
                occurrences: r.occurrences,
                first_seen: texts
                    .iter()
                    .find(|(_, t)| t.contains(&r.replacement))
                    .map_or_else(String::new, |(w, _)| w.clone()),
                context: Some(r.context.clone()),
            });
    }
    out.into_values().collect()
}

fn build_with_texts(
    case: &CaseEvents<'_>,
    standing: Standing,
    key: &PseudonymKey,
    view: View,
) -> (Timeline, Vec<(String, String)>, Vec<Replaced>) {
    let scope = case.patient.as_str();
    let Standing {
        events,
        redact,
        accepted,
        ..
    } = standing;
    let id = identity(&events, case.open);
    let all_stays: Vec<Stay> = stays(events.iter()).into_values().flatten().collect();
    let (index, index_text) = index_of(&events, &all_stays);
    let (anonymised, policy) = match view {
        View::Identifiable => (false, None),
        View::Anonymised(p) => (true, Some(p)),
    };
    let dating = Dating::new(policy, index, key.shift_weeks(scope));

    // Labels: every place and every person of the case, in keyed order per role.
    let mut labeller = Labeller::new(key, scope);
    let mut organisations: BTreeMap<String, casetrail_domain::Sector> = BTreeMap::new();
    for event in &events {
        match event {
            DomainEvent::ContactRecorded(c) => {
                labeller.add_place(place_role(c.kind), &unit_key(&c.organisation, &c.unit));
                organisations.insert(c.organisation.clone(), c.sector);
            }
            DomainEvent::AdmissionStarted(a) => {
                labeller.add_place("Sengeafsnit", &unit_key("", &a.ward));
            }
            // A notification's unit is a ward's name, and its hospital's name is no less
            // identifying than a contact's organisation.
            DomainEvent::HospitalNotified(n) => {
                labeller.add_place("Sengeafsnit", &unit_key("", &n.unit));
                organisations
                    .entry(n.organisation.clone())
                    .or_insert(casetrail_domain::Sector::Region);
            }
            DomainEvent::PersonRecorded(p) => {
                labeller.add_person(person_role(p.role), p.person.as_str());
                if let (Some(org), Some(sector)) = (&p.organisation, p.sector) {
                    organisations.entry(org.clone()).or_insert(sector);
                }
            }
            _ => {}
        }
    }
    let labels = labeller.finish();

    // The redactor knows every person and place of the case by name.
    let mut known = Vec::new();
    if let Some(name) = &id.name {
        known.push(KnownName::new(name.clone(), "[Patienten]"));
    }
    let mut people = Vec::new();
    for event in &events {
        if let DomainEvent::PersonRecorded(p) = event {
            let label = labels[&(false, p.person.as_str().to_string())].clone();
            let name = (case.open)("name", &p.name);
            if let Some(name) = &name {
                known.push(KnownName::new(name.clone(), format!("[{label}]")));
            }
            people.push(Person {
                label: match name {
                    Some(name) if !anonymised => name,
                    _ => label,
                },
                pseudonym: key.pseudonym(scope, &format!("person:{}", p.person)),
                role: person_role(p.role).to_string(),
                sector: p.sector.map(|s| sector_da(s).to_string()),
            });
        }
    }
    for ((place, subject), label) in &labels {
        if !place {
            continue;
        }
        let (_, unit) = subject.split_once('\u{1f}').expect("a unit key");
        for form in place_forms(unit) {
            known.push(KnownName::place(form, format!("[{label}]")));
        }
    }
    for (organisation, sector) in &organisations {
        for form in place_forms(organisation) {
            known.push(KnownName::place(form, organisation_label(*sector)));
        }
    }
    if let Some(m) = &id.municipality {
        known.push(KnownName::place(m.clone(), "[Bopælskommunen]"));
    }
    for term in &redact {
        known.push(KnownName::place(term.clone(), "[FJERNET]"));
    }
    let redactor = Redactor::new(&known)
        .with_dating(dating)
        .with_restored(&accepted);
    let cx = Context {
        anonymised,
        dating,
        redactor,
        places: labels,
        open: case.open,
    };

    let mut texts: Vec<(String, String)> = Vec::new();
    let mut contacts = Vec::new();
    let mut plans: Vec<PlanBand> = Vec::new();
    let mut plan_names: BTreeMap<String, String> = BTreeMap::new();
    let mut last_of_plan: BTreeMap<String, usize> = BTreeMap::new();
    let mut material = Vec::new();
    let mut consents = Vec::new();
    let mut actors: BTreeMap<String, Actor> = BTreeMap::new();
    for event in &events {
        match event {
            DomainEvent::ContactRecorded(c) => {
                let note = c.note.as_ref().map(|n| cx.text(n, "note", c.start.year()));
                let actor = cx.place(&c.organisation, &c.unit);
                actors.entry(actor.clone()).or_insert_with(|| Actor {
                    label: actor.clone(),
                    sector: sector_da(c.sector).to_string(),
                    lane: lane(c.sector),
                    role: place_role(c.kind),
                });
                if let Some(n) = &note {
                    texts.push((
                        format!("kontakt dag {}", cx.dating.moment(&c.start).day),
                        n.clone(),
                    ));
                }
                contacts.push(ContactMark {
                    start: cx.dating.moment(&c.start),
                    end: c.end.map(|e| cx.dating.moment(&e)),
                    sector: sector_da(c.sector).to_string(),
                    lane: lane(c.sector),
                    actor,
                    kind: c.kind.to_string(),
                    acute: c.priority == casetrail_domain::Priority::Acute,
                    court_ordered: c.court_ordered,
                    diagnoses: c.diagnoses.iter().map(|d| d.as_str().to_string()).collect(),
                    note,
                });
            }
            DomainEvent::PlanChanged(p) => {
                let number = plan_names.len() + 1;
                let name = plan_names
                    .entry(p.plan.as_str().to_string())
                    .or_insert_with(|| format!("Plan {number}"))
                    .clone();
                let from = cx.dating.moment(&p.at);
                if let Some(&previous) = last_of_plan.get(p.plan.as_str()) {
                    plans[previous].until = Some(from.clone());
                }
                let content = p
                    .content
                    .as_ref()
                    .map(|c| cx.text(c, "content", p.at.year()));
                if let Some(c) = &content {
                    texts.push((format!("{name} dag {}", from.day), c.clone()));
                }
                last_of_plan.insert(p.plan.as_str().to_string(), plans.len());
                plans.push(PlanBand {
                    plan: name,
                    kind: p.kind.to_string(),
                    action: p.action.to_string(),
                    from,
                    until: None,
                    participants: p
                        .participants
                        .iter()
                        .map(|s| sector_da(*s).to_string())
                        .collect(),
                    content,
                });
            }
            DomainEvent::MaterialAttached(m) => {
                let text = cx.text(&m.text, "text", m.date.year());
                let at = cx.dating.moment(&m.date);
                texts.push((
                    format!("materiale ({}) dag {}", m.source, at.day),
                    text.clone(),
                ));
                material.push(Material {
                    source: m.source.to_string(),
                    at,
                    text,
                });
            }
            DomainEvent::ConsentGiven(c) => {
                consents.push(consent(
                    &cx,
                    true,
                    &c.scope,
                    c.date,
                    c.comments.as_ref(),
                    &mut texts,
                ));
            }
            DomainEvent::ConsentWithdrawn(c) => {
                consents.push(consent(
                    &cx,
                    false,
                    &c.scope,
                    c.date,
                    c.comments.as_ref(),
                    &mut texts,
                ));
            }
            _ => {}
        }
    }
    contacts.sort_by(|a, b| (a.start.day, &a.start.time).cmp(&(b.start.day, &b.start.time)));
    plans.sort_by(|a, b| (a.from.day, &a.from.time).cmp(&(b.from.day, &b.from.time)));
    material.sort_by_key(|m| m.at.day);

    let stay_bars = stay_bars(&all_stays, &cx);
    for s in &stay_bars {
        actors.entry(s.actor.clone()).or_insert_with(|| Actor {
            label: s.actor.clone(),
            sector: sector_da(casetrail_domain::Sector::Region).to_string(),
            lane: lane(casetrail_domain::Sector::Region),
            role: "Sengeafsnit",
        });
    }

    let patient = PatientSummary {
        label: match (&id.name, anonymised) {
            (_, true) => "Patienten".into(),
            (Some(n), false) => n.clone(),
            (None, false) => ERASED.into(),
        },
        sex: id.sex,
        age_band: id.birth_year.map(|y| age_band(y, index)),
        cpr: if anonymised { None } else { id.cpr.clone() },
        birth_year: if anonymised { None } else { id.birth_year },
        erased: id.erased,
    };
    let timeline = Timeline {
        format: "casetrail-timeline/1",
        case: if anonymised {
            format!("Sag {}", key.case_pseudonym(scope))
        } else {
            scope.to_string()
        },
        anonymised,
        policy,
        patient,
        index: format!("dag 0 = {index_text}"),
        actors: actors.into_values().collect(),
        people,
        stays: stay_bars,
        contacts,
        plans,
        material,
        consents,
    };
    let replaced = cx.redactor.replaced();
    (timeline, texts, replaced)
}

fn consent(
    cx: &Context<'_>,
    given: bool,
    scope: &str,
    date: When,
    comments: Option<&Sealed>,
    texts: &mut Vec<(String, String)>,
) -> ConsentMark {
    let comments = comments.map(|t| cx.text(t, "comments", date.year()));
    let at = cx.dating.moment(&date);
    if let Some(t) = &comments {
        texts.push((format!("samtykke dag {}", at.day), t.clone()));
    }
    ConsentMark {
        given,
        scope: if cx.anonymised {
            cx.redactor.redact_dated(scope, Some(date.year()))
        } else {
            scope.to_string()
        },
        at,
        comments,
    }
}

fn stay_bars(all: &[Stay], cx: &Context<'_>) -> Vec<StayBar> {
    let classes = classify(all);
    all.iter()
        .zip(classes)
        .map(|(s, class)| {
            let (readmission, hours) = match class {
                Readmission::Yes { gap } => (true, Some(gap.0 / 3600)),
                Readmission::No(_) => (false, None),
            };
            let actor = if cx.anonymised {
                let suffix = format!("\u{1f}{}", s.ward);
                cx.places
                    .get(&(true, unit_key("", &s.ward)))
                    .or_else(|| {
                        cx.places
                            .iter()
                            .find(|((place, k), _)| *place && k.ends_with(&suffix))
                            .map(|(_, label)| label)
                    })
                    .cloned()
                    .unwrap_or_else(|| "Sengeafsnit".into())
            } else {
                s.ward.clone()
            };
            StayBar {
                start: cx.dating.moment(&s.start),
                end: s.end.map(|e| cx.dating.moment(&e)),
                actor,
                acute: s.is_acute(),
                court_ordered: s.court_ordered,
                user_controlled_bed: s.user_controlled_bed,
                main_diagnosis: s.main_diagnosis().map(|d| d.as_str().to_string()),
                length_days: s.length_days(),
                readmission,
                hours_since_discharge: hours,
                window_until: s.end.map(|e| {
                    let until = e.calendar_date() + Duration::days(30);
                    cx.dating.moment(&When::date(until))
                }),
            }
        })
        .collect()
}
