//! Unit tests of `audit.rs`.

use super::*;
use crate::questionnaire::parse_questionnaire;

pub(super) fn q() -> Questionnaire {
    parse_questionnaire(include_str!(
        "../../../../fixtures/questionnaires/defactum-2019.questionnaire"
    ))
    .unwrap()
}

/// The reason the tests give for going ahead with a small panel.
fn anyway() -> Option<String> {
    Some("the panel agreed to meet as it is".into())
}

/// A created audit with the questionnaire `q`, and nothing else.
pub(super) fn created(q: &Questionnaire) -> Audit {
    let mut a = Audit::default();
    run(
        &mut a,
        q,
        AuditEvent::AuditCreated {
            title: "Audit".into(),
            topic: "t".into(),
            stage1_reference: "s".into(),
            questionnaire: q.id.clone(),
            questionnaire_version: q.version,
            definition: String::new(),
            criteria: "c".into(),
        },
    )
    .unwrap();
    a
}

pub(super) fn run(audit: &mut Audit, q: &Questionnaire, e: AuditEvent) -> Result<(), AuditError> {
    audit.decide(q, &e)?;
    audit.apply(&e);
    Ok(())
}

fn answer(member: &str, question: &str, value: Value, why: &str) -> Answer {
    Answer {
        member: member.into(),
        case: Some("SAG-A".into()),
        question: question.into(),
        value,
        justification: why.into(),
        content_hash: Some("h1".into()),
    }
}

fn open_audit() -> (Audit, Questionnaire) {
    let q = q();
    let mut a = Audit::default();
    use AuditEvent::*;
    let setup = [
        AuditCreated {
            title: "Audit".into(),
            topic: "Hyppige korte indlæggelser".into(),
            stage1_reference: "stage1 2017".into(),
            questionnaire: q.id.clone(),
            questionnaire_version: q.version,
            definition: String::new(),
            criteria: "F20/F60".into(),
        },
        MemberAdded {
            panel: "P1".into(),
            member: "m1".into(),
            sector: "region".into(),
            role: "overlæge".into(),
        },
        MemberAdded {
            panel: "P1".into(),
            member: "m2".into(),
            sector: "police".into(),
            role: "betjent".into(),
        },
        MemberAdded {
            panel: "P2".into(),
            member: "m3".into(),
            sector: "municipality".into(),
            role: "sagsbehandler".into(),
        },
        CaseAssigned {
            panel: "P1".into(),
            case: "SAG-A".into(),
            release_version: 1,
            content_hash: "h1".into(),
            set_aside_submitted: false,
        },
        ScoringOpened { reason: anyway() },
    ];
    for e in setup {
        run(&mut a, &q, e).unwrap();
    }
    (a, q)
}

fn full(a: &mut Audit, q: &Questionnaire, member: &str, step: i64) {
    for question in ["efforts", "collaboration", "involvement"] {
        run(
            a,
            q,
            AuditEvent::AnswerSaved(answer(member, question, Value::Step(step), "side 3")),
        )
        .unwrap();
    }
    run(
        a,
        q,
        AuditEvent::AnswersSubmitted {
            member: member.into(),
            case: Some("SAG-A".into()),
        },
    )
    .unwrap();
}

#[test]
fn each_rule_refuses_with_its_reason() {
    let (mut a, q) = open_audit();
    let save = |m: &str, question: &str, v: Value, why: &str| {
        AuditEvent::AnswerSaved(answer(m, question, v, why))
    };
    let refused = |a: &Audit, e: AuditEvent| a.decide(&q, &e).unwrap_err().to_string();
    assert_eq!(
        refused(&a, save("m3", "efforts", Value::Step(3), "x")),
        "case SAG-A is not assigned to a panel m3 sits on"
    );
    assert!(refused(&a, save("m1", "efforts", Value::Step(7), "x")).contains("not on the scale"));
    assert_eq!(
        refused(&a, save("m1", "efforts", Value::Step(3), "  ")),
        "question efforts requires a justification"
    );
    assert!(
        refused(&a, save("m1", "efforts", Value::Text("god".into()), "x")).contains("takes a step")
    );
    assert!(
        refused(&a, save("m1", "nonsense", Value::Step(3), "x")).contains("not in questionnaire")
    );
    let mut stale = answer("m1", "efforts", Value::Step(3), "x");
    stale.content_hash = Some("old".into());
    assert!(refused(&a, AuditEvent::AnswerSaved(stale)).contains("version old"));
    let submit = AuditEvent::AnswersSubmitted {
        member: "m1".into(),
        case: Some("SAG-A".into()),
    };
    assert!(refused(&a, submit.clone()).contains("no answer to submit"));
    run(
        &mut a,
        &q,
        save("m1", "efforts", Value::CannotAssess, "uklart"),
    )
    .unwrap();
    assert!(refused(&a, submit.clone()).contains("2 of m1's answers"));
    run(&mut a, &q, save("m1", "collaboration", Value::Step(2), "x")).unwrap();
    run(&mut a, &q, save("m1", "involvement", Value::Step(4), "x")).unwrap();
    run(&mut a, &q, submit.clone()).unwrap();
    assert!(refused(&a, save("m1", "efforts", Value::Step(3), "x")).contains("use a revision"));
    run(
        &mut a,
        &q,
        AuditEvent::AnswerRevised(answer("m1", "efforts", Value::Step(3), "ny vurdering")),
    )
    .unwrap();
    full(&mut a, &q, "m2", 2);
    run(
        &mut a,
        &q,
        AuditEvent::ScoresRevealed {
            panel: "P1".into(),
            reason: anyway(),
        },
    )
    .unwrap();
    assert!(
        refused(
            &a,
            AuditEvent::AnswerRevised(answer("m1", "efforts", Value::Step(1), "x"))
        )
        .contains("revealed")
    );
    assert!(
        refused(
            &a,
            AuditEvent::ThemeRecorded {
                panel: "P2".into(),
                theme: "t".into()
            }
        )
        .contains("not revealed")
    );
    assert!(
        refused(
            &a,
            AuditEvent::RecommendationAdded {
                number: 2,
                text: "r".into(),
                owners: vec!["region".into()]
            }
        )
        .contains("the next is 1")
    );
    run(&mut a, &q, AuditEvent::AuditClosed { reason: anyway() }).unwrap();
    assert_eq!(
        refused(
            &a,
            AuditEvent::ScoresRevealed {
                panel: "P2".into(),
                reason: None,
            }
        ),
        "the audit is closed: nothing more is accepted"
    );
}

#[test]
fn blind_until_the_reveal() {
    let (mut a, q) = open_audit();
    full(&mut a, &q, "m1", 4);
    run(
        &mut a,
        &q,
        AuditEvent::AnswerSaved(answer("m2", "efforts", Value::Step(2), "x")),
    )
    .unwrap();
    let own = a.answers_visible_to(Some("m2"));
    assert!(own.iter().all(|x| x.member == "m2") && own.len() == 1);
    assert!(
        a.answers_visible_to(Some("m1"))
            .iter()
            .all(|x| x.member == "m1")
    );
    assert!(
        a.answers_visible_to(None).is_empty(),
        "the facilitator sees no answers"
    );
    assert_eq!(
        a.submissions(),
        [("m1".to_string(), Some("SAG-A".to_string()))]
    );
    assert_eq!(a.rating_units("efforts"), Vec::<Vec<Option<f64>>>::new());
    run(
        &mut a,
        &q,
        AuditEvent::ScoresRevealed {
            panel: "P1".into(),
            reason: anyway(),
        },
    )
    .unwrap();
    assert_eq!(a.answers_visible_to(None).len(), 4);
    // m2 never submitted: their draft is not a score.
    assert_eq!(a.rating_units("efforts"), [vec![Some(4.0), None]]);
}

#[test]
fn panels_show_which_sectors_they_lack_and_replay_gives_the_same_state() {
    let (a, q) = open_audit();
    assert_eq!(
        a.panels["P1"].missing_sectors(),
        ["municipality", "general_practice", "out_of_hours"]
    );
    // Record a whole small audit, store it as JSON, read it back and replay it.
    let (mut live, _) = open_audit();
    let mut log: Vec<AuditEvent> = Vec::new();
    let mut step = |audit: &mut Audit, e: AuditEvent| {
        audit.decide(&q, &e).unwrap();
        audit.apply(&e);
        log.push(e);
    };
    for question in ["efforts", "collaboration", "involvement"] {
        step(
            &mut live,
            AuditEvent::AnswerSaved(answer("m1", question, Value::Step(3), "x")),
        );
    }
    step(
        &mut live,
        AuditEvent::AnswersSubmitted {
            member: "m1".into(),
            case: Some("SAG-A".into()),
        },
    );
    step(
        &mut live,
        AuditEvent::ScoresRevealed {
            panel: "P1".into(),
            reason: anyway(),
        },
    );
    step(
        &mut live,
        AuditEvent::RecommendationAdded {
            number: 1,
            text: "Fælles kriseplan".into(),
            owners: vec!["region".into(), "municipality".into()],
        },
    );
    step(&mut live, AuditEvent::AuditClosed { reason: anyway() });
    let stored: Vec<String> = log
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    let read: Vec<AuditEvent> = stored
        .iter()
        .map(|j| serde_json::from_str(j).unwrap())
        .collect();
    let (mut replayed, _) = open_audit();
    for e in &read {
        replayed.apply(e);
    }
    assert_eq!(replayed, live);
    assert!(replayed.closed);
    assert_eq!(
        stored[4],
        r#"{"type":"ScoresRevealed","data":{"panel":"P1","reason":"the panel agreed to meet as it is"}}"#
    );
}
