//! The timeline of a case as a printable HTML page: one row per event, grouped by sector lane,
//! with stays, plans and material beside it.

use casetrail_app::HashedTimeline;
use serde::Serialize;

use crate::RenderError;
use crate::format::when;

#[derive(Debug, Serialize)]
pub struct Row {
    pub day: i64,
    pub when: String,
    pub evening_night: bool,
    pub lane: String,
    pub actor: String,
    pub what: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct StayRow {
    pub from: String,
    pub to: String,
    pub actor: String,
    pub days: String,
    pub readmission: bool,
    pub window: String,
}

/// What the timeline template is given.
#[derive(Debug, Serialize)]
pub struct TimelinePage {
    pub title: String,
    pub anonymised: bool,
    pub policy: String,
    pub content_hash: String,
    pub patient: String,
    pub index: String,
    pub rows: Vec<Row>,
    pub stays: Vec<StayRow>,
    pub people: Vec<String>,
}

impl TimelinePage {
    pub fn new(hashed: &HashedTimeline) -> Self {
        let t = &hashed.timeline;
        let mut rows: Vec<Row> = t
            .contacts
            .iter()
            .map(|c| Row {
                day: c.start.day,
                when: when(&c.start),
                evening_night: c.start.evening_night == Some(true),
                lane: c.sector.clone(),
                actor: c.actor.clone(),
                what: format!(
                    "{}{}{}",
                    c.kind,
                    if c.acute { ", akut" } else { "" },
                    if c.diagnoses.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", c.diagnoses.join(" "))
                    }
                ),
                text: c.note.clone().unwrap_or_default(),
            })
            .collect();
        rows.extend(t.plans.iter().map(|p| Row {
            day: p.from.day,
            when: when(&p.from),
            evening_night: false,
            lane: p.participants.join(", "),
            actor: p.plan.clone(),
            what: format!("{} {}", p.kind, p.action),
            text: p.content.clone().unwrap_or_default(),
        }));
        rows.extend(t.material.iter().map(|m| Row {
            day: m.at.day,
            when: when(&m.at),
            evening_night: false,
            lane: "materiale".into(),
            actor: m.source.clone(),
            what: "sagsmateriale".into(),
            text: m.text.clone(),
        }));
        rows.sort_by_key(|r| r.day);
        let patient = [
            Some(t.patient.label.clone()),
            t.patient.sex.map(|s| s.to_string()),
            t.patient.age_band.as_ref().map(|a| format!("{a} år")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        TimelinePage {
            title: format!("Forløb: {}", t.case),
            anonymised: t.anonymised,
            policy: t.policy.map_or("identificerbar".into(), |p| p.to_string()),
            content_hash: hashed.content_hash.to_string(),
            patient,
            index: t.index.clone(),
            rows,
            stays: t
                .stays
                .iter()
                .map(|s| StayRow {
                    from: when(&s.start),
                    to: s.end.as_ref().map_or("indlagt".into(), when),
                    actor: s.actor.clone(),
                    days: s.length_days.map_or(String::new(), |d| d.to_string()),
                    readmission: s.readmission,
                    window: s
                        .window_until
                        .as_ref()
                        .map_or(String::new(), |w| format!("til dag {}", w.day)),
                })
                .collect(),
            people: t
                .people
                .iter()
                .map(|p| format!("{} ({})", p.label, p.role))
                .collect(),
        }
    }
}

/// The whole page, escaped by handlebars.
pub fn timeline_html(hashed: &HashedTimeline) -> Result<String, RenderError> {
    crate::templates::render("timeline", &TimelinePage::new(hashed))
}

#[cfg(test)]
mod tests {
    use casetrail_anon::PseudonymKey;
    use casetrail_anon::timeline::{CaseEvents, View, build};
    use casetrail_domain::{DatePolicy, DomainEvent, EventRef, PatientId, Sealed};

    use super::*;

    fn event(json: serde_json::Value) -> DomainEvent {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_page_renders_escaped_with_the_hash_and_evening_marks() {
        let patient = PatientId::new("P1").unwrap();
        let events = vec![
            (
                EventRef([1; 16]),
                event(serde_json::json!({"type": "PatientRegistered", "data": {
                    "patient": "P1", "cpr": "", "name": "", "birth_year": 1980,
                    "sex": "female", "municipality": "Aarhus"}})),
            ),
            (
                EventRef([2; 16]),
                event(serde_json::json!({"type": "ContactRecorded", "data": {
                    "contact": "C1", "patient": "P1", "sector": "police",
                    "kind": "police_report", "organisation": "Østjyllands Politi",
                    "unit": "Døgnrapport", "start": "2019-01-14T23:40", "end": null,
                    "priority": "acute", "diagnoses": [], "court_ordered": false,
                    "note": ""}})),
            ),
        ];
        let open = |field: &'static str, _: &Sealed| {
            Some(match field {
                "name" => "Karen Holm".to_string(),
                "cpr" => "140378-1236".to_string(),
                _ => "<script>alert(1)</script> Karen ringede".to_string(),
            })
        };
        let case = CaseEvents {
            patient: &patient,
            events: &events,
            open: &open,
        };
        let key = PseudonymKey::from_bytes([5; 32]);
        let hashed = build(&case, &key, View::Anonymised(DatePolicy::RelativeDays));
        let html = timeline_html(&hashed).unwrap();
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"));
        assert!(html.contains("[Patienten] ringede"), "{html}");
        assert!(!html.contains("Karen"));
        assert!(html.contains(&hashed.content_hash.to_string()));
        assert!(
            html.contains(r#"class="evening""#),
            "23:40 is evening/night"
        );
    }
}
