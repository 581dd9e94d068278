//! The guarded steps: what each lists as missing, the refusal without a reason, the reason
//! kept in the event and the state, and audit events of schema version 1.

use super::tests::{created, q, run};
use super::*;

fn member(panel: &str, member: &str, sector: &str) -> AuditEvent {
    AuditEvent::MemberAdded {
        panel: panel.into(),
        member: member.into(),
        sector: sector.into(),
        role: "r".into(),
    }
}

fn assign(panel: &str, case: &str) -> AuditEvent {
    AuditEvent::CaseAssigned {
        panel: panel.into(),
        case: case.into(),
        release_version: 1,
        content_hash: format!("h-{case}"),
        set_aside_submitted: false,
    }
}

/// A panel with a member from every sector and two cases.
fn complete_panel(q: &Questionnaire) -> Audit {
    let mut a = created(q);
    for (i, sector) in PANEL_SECTORS.iter().enumerate() {
        run(&mut a, q, member("A", &format!("m{i}"), sector)).unwrap();
    }
    run(&mut a, q, assign("A", "SAG1")).unwrap();
    run(&mut a, q, assign("A", "SAG2")).unwrap();
    a
}

fn submit_all(a: &mut Audit, q: &Questionnaire, member: &str, case: Option<&str>) {
    for question in &q.questions {
        if (question.asked == crate::questionnaire::Asked::PerCase) != case.is_some() {
            continue;
        }
        let value = match question.kind {
            QuestionKind::Rating { .. } => Value::Step(3),
            QuestionKind::FreeText => Value::Text("svar".into()),
        };
        let answer = Answer {
            member: member.into(),
            case: case.map(str::to_owned),
            question: question.id.clone(),
            value,
            justification: "fordi".into(),
            content_hash: case.map(|c| format!("h-{c}")),
        };
        run(a, q, AuditEvent::AnswerSaved(answer)).unwrap();
    }
    run(
        a,
        q,
        AuditEvent::AnswersSubmitted {
            member: member.into(),
            case: case.map(str::to_owned),
        },
    )
    .unwrap();
}

#[test]
fn opening_lists_empty_panels_and_missing_sectors_and_needs_a_reason_for_them() {
    let q = q();
    let mut a = created(&q);
    assert_eq!(a.gaps(&q, &Step::Open), [Gap::NoPanels]);
    run(&mut a, &q, member("A", "m1", "region")).unwrap();
    let gaps = a.gaps(&q, &Step::Open);
    assert_eq!(gaps[0], Gap::NoCases { panel: "A".into() });
    assert_eq!(
        gaps.len(),
        1 + 4,
        "no case, and four sectors without a member"
    );
    assert_eq!(
        gaps[1].to_string(),
        "panel A has no member from municipality"
    );
    let refused = a
        .decide(&q, &AuditEvent::ScoringOpened { reason: None })
        .unwrap_err();
    assert_eq!(
        refused,
        AuditError::NotReady {
            step: "open scoring".into(),
            count: 5,
            first: "panel A has no case".into(),
        }
    );
    let blank = Some("   ".to_string());
    assert!(matches!(
        a.decide(&q, &AuditEvent::ScoringOpened { reason: blank }),
        Err(AuditError::NotReady { .. })
    ));
    let long = Some("x".repeat(MAX_REASON + 1));
    assert_eq!(
        a.decide(&q, &AuditEvent::ScoringOpened { reason: long }),
        Err(AuditError::ReasonTooLong {
            length: MAX_REASON + 1
        })
    );
    let reason = Some("  Pilotpanel: kun regionen deltager  ".to_string());
    run(&mut a, &q, AuditEvent::ScoringOpened { reason }).unwrap();
    assert!(a.scoring_open);
    assert_eq!(
        a.overrides,
        [(Step::Open, "Pilotpanel: kun regionen deltager".to_string())]
    );
}

#[test]
fn a_complete_set_up_opens_without_a_reason_and_keeps_no_override() {
    let q = q();
    let mut a = complete_panel(&q);
    assert_eq!(a.gaps(&q, &Step::Open), []);
    run(&mut a, &q, AuditEvent::ScoringOpened { reason: None }).unwrap();
    assert!(a.overrides.is_empty());
}

#[test]
fn revealing_lists_every_member_and_case_not_submitted() {
    let q = q();
    let mut a = complete_panel(&q);
    run(&mut a, &q, AuditEvent::ScoringOpened { reason: None }).unwrap();
    let reveal = Step::Reveal { panel: "A".into() };
    // 5 members × (2 cases + the audit-wide questions).
    assert_eq!(a.gaps(&q, &reveal).len(), 15);
    for i in 0..5 {
        let m = format!("m{i}");
        submit_all(&mut a, &q, &m, Some("SAG1"));
        submit_all(&mut a, &q, &m, Some("SAG2"));
        if i > 0 {
            submit_all(&mut a, &q, &m, None);
        }
    }
    assert_eq!(
        a.gaps(&q, &reveal),
        [Gap::NotSubmitted {
            panel: "A".into(),
            member: "m0".into(),
            case: None
        }]
    );
    let refused = a
        .decide(
            &q,
            &AuditEvent::ScoresRevealed {
                panel: "A".into(),
                reason: None,
            },
        )
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("m0 (panel A) has not submitted the audit-wide questions"),
        "{refused}"
    );
    submit_all(&mut a, &q, "m0", None);
    assert_eq!(a.gaps(&q, &reveal), []);
    run(
        &mut a,
        &q,
        AuditEvent::ScoresRevealed {
            panel: "A".into(),
            reason: None,
        },
    )
    .unwrap();
    assert!(a.panels["A"].revealed);
    // A panel that does not exist is refused as such, not as unready.
    assert_eq!(a.gaps(&q, &Step::Reveal { panel: "Z".into() }), []);
}

#[test]
fn closing_lists_unrevealed_panels_missing_consensus_and_recommendations() {
    let q = q();
    let mut a = complete_panel(&q);
    run(&mut a, &q, member("B", "b1", "police")).unwrap();
    run(
        &mut a,
        &q,
        AuditEvent::ScoringOpened {
            reason: Some("B er lille".into()),
        },
    )
    .unwrap();
    let reveal = AuditEvent::ScoresRevealed {
        panel: "A".into(),
        reason: Some("mødet er i morgen".into()),
    };
    run(&mut a, &q, reveal).unwrap();
    let gaps = a.gaps(&q, &Step::Close);
    // Panel A: 2 cases × 3 rated questions; panel B not revealed; no recommendation.
    assert_eq!(gaps.len(), 6 + 1 + 1, "{gaps:?}");
    assert!(gaps.contains(&Gap::NotRevealed { panel: "B".into() }));
    assert!(gaps.contains(&Gap::ConsensusMissing {
        panel: "A".into(),
        case: "SAG1".into(),
        question: "efforts".into()
    }));
    assert_eq!(gaps.last(), Some(&Gap::NoRecommendations));
    run(
        &mut a,
        &q,
        AuditEvent::ConsensusRecorded {
            panel: "A".into(),
            case: Some("SAG1".into()),
            question: "efforts".into(),
            value: Value::Step(2),
            note: "enige".into(),
        },
    )
    .unwrap();
    assert_eq!(a.gaps(&q, &Step::Close).len(), 7);
    assert!(matches!(
        a.decide(&q, &AuditEvent::AuditClosed { reason: None }),
        Err(AuditError::NotReady { count: 7, .. })
    ));
    run(
        &mut a,
        &q,
        AuditEvent::AuditClosed {
            reason: Some("Panel B mødtes ikke; resten drøftes i styregruppen".into()),
        },
    )
    .unwrap();
    assert!(a.closed);
    let steps: Vec<&Step> = a.overrides.iter().map(|(s, _)| s).collect();
    assert_eq!(
        steps,
        [
            &Step::Open,
            &Step::Reveal { panel: "A".into() },
            &Step::Close
        ]
    );
}

#[test]
fn a_panel_name_that_differs_only_in_case_or_spaces_is_refused() {
    let q = q();
    let mut a = created(&q);
    run(&mut a, &q, member("Panel A", "m1", "region")).unwrap();
    for clash in ["panel a", "PANEL  A", " Panel A"] {
        assert_eq!(
            a.decide(&q, &member(clash, "m2", "police")),
            Err(AuditError::PanelNameClash {
                panel: clash.into(),
                existing: "Panel A".into()
            }),
            "{clash:?}"
        );
    }
    run(&mut a, &q, member("Panel A", "m2", "police")).unwrap();
    run(&mut a, &q, member("Panel B", "m3", "police")).unwrap();
    assert_eq!(a.panels.len(), 2);
}

#[test]
fn schema_version_1_events_without_data_still_read() {
    let opened = AuditEvent::decode(1, br#"{"type":"ScoringOpened"}"#).unwrap();
    assert_eq!(opened, AuditEvent::ScoringOpened { reason: None });
    let closed = AuditEvent::decode(1, br#"{"type":"AuditClosed"}"#).unwrap();
    assert_eq!(closed, AuditEvent::AuditClosed { reason: None });
    let revealed = AuditEvent::decode(1, br#"{"type":"ScoresRevealed","data":{"panel":"A"}}"#);
    assert_eq!(
        revealed.unwrap(),
        AuditEvent::ScoresRevealed {
            panel: "A".into(),
            reason: None
        }
    );
    // Version 2 writes the unit steps with (empty) data, and no reason key when none was given.
    let written = serde_json::to_string(&AuditEvent::ScoringOpened { reason: None }).unwrap();
    assert_eq!(written, r#"{"type":"ScoringOpened","data":{}}"#);
    assert_eq!(
        AuditEvent::decode(AUDIT_SCHEMA_VERSION, written.as_bytes()).unwrap(),
        AuditEvent::ScoringOpened { reason: None }
    );
    assert!(AuditEvent::decode(2, br#"{"type":"ScoringOpened"}"#).is_err());
    assert!(AuditEvent::decode(1, b"not json").is_err());
}
