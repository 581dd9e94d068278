//! Unit tests of `audits.rs`.

use super::*;
use crate::core::error::{AuditError, CoreError};

#[test]
fn audit_ids_have_one_grammar() {
    for good in ["DEMO-2019", "A1", "rm_2026-q1", &"a".repeat(64)] {
        assert!(is_audit_id(good), "{good}");
    }
    for bad in [
        "",
        "<script>y",
        "../../../../x",
        "a/b",
        "a b",
        ".",
        "-a",
        "æble",
        &"a".repeat(65),
    ] {
        assert!(!is_audit_id(bad), "{bad:?}");
        assert!(
            matches!(
                stream(bad),
                Err(AppError::Audit(AuditError::AuditId { .. }))
            ),
            "{bad:?}"
        );
    }
}

fn member(panel: &str, member: &str, sector: &str) -> AuditEvent {
    AuditEvent::MemberAdded {
        panel: panel.into(),
        member: member.into(),
        sector: sector.into(),
        role: "r".into(),
    }
}

#[test]
fn the_cached_state_follows_every_append_and_equals_a_full_replay() {
    let (_dir, wb) = crate::core::workbench::temp_workbench();
    wb.create_audit("A", NewAudit::default(), DEFACTUM_2019, "f")
        .unwrap();
    wb.audit_event("A", member("P", "m1", "region"), "f")
        .unwrap();
    let (first, _, count) = wb.audit_state("A").unwrap();
    assert_eq!((first.panels["P"].members.len(), count), (1, 2));
    wb.audit_event("A", member("P", "m2", "police"), "f")
        .unwrap();
    // The same member twice is refused by the rules read from the cache, too.
    assert!(
        wb.audit_event("A", member("P", "m2", "police"), "f")
            .is_err()
    );
    let (cached, _, count) = wb.audit_state("A").unwrap();
    assert_eq!(count, 3);
    assert_eq!(*cached, Audit::replay(&wb.audit_events("A").unwrap()));
    assert_eq!(cached.panels["P"].members.len(), 2);
    assert!(matches!(
        wb.audit_state("nope"),
        Err(AppError::Audit(AuditError::NoAudit { .. }))
    ));
}

/// Members saving at the same moment: every answer is kept (none passes for a resend of
/// another), and the rules still hold on the state each was finally decided on.
#[test]
fn concurrent_events_are_all_appended_or_refused_never_lost() {
    let (_dir, wb) = crate::core::workbench::temp_workbench();
    wb.create_audit("A", NewAudit::default(), DEFACTUM_2019, "f")
        .unwrap();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let wb = wb.clone();
            std::thread::spawn(move || {
                for i in 0..10 {
                    wb.audit_event(
                        "A",
                        AuditEvent::MemberAdded {
                            panel: "P".into(),
                            member: format!("m{t}-{i}"),
                            sector: "region".into(),
                            role: "r".into(),
                        },
                        "f",
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let (state, _, count) = wb.audit_state("A").unwrap();
    assert_eq!(count, 81);
    assert_eq!(state.panels["P"].members.len(), 80);
    assert_eq!(*state, Audit::replay(&wb.audit_events("A").unwrap()));
}

#[test]
fn another_event_on_the_same_version_is_a_conflict_and_the_same_one_a_resend() {
    let (_dir, wb) = crate::core::workbench::temp_workbench();
    wb.create_audit("A", NewAudit::default(), DEFACTUM_2019, "f")
        .unwrap();
    let added = |m: &str| AuditEvent::MemberAdded {
        panel: "P".into(),
        member: m.into(),
        sector: "region".into(),
        role: "r".into(),
    };
    let first = wb.append_audit("A", Some(1), added("m1"), "f").unwrap();
    // Decided on the same version, but a different event: refused, never dropped silently.
    assert!(matches!(
        wb.append_audit("A", Some(1), added("m2"), "f"),
        Err(AppError::Core(CoreError::Ledger(
            casetrail_ledger::LedgerError::VersionConflict { .. }
        )))
    ));
    // The same event again (a retried request): recognised, written once.
    assert_eq!(
        wb.append_audit("A", Some(1), added("m1"), "f").unwrap(),
        first
    );
    assert_eq!(wb.audit_events("A").unwrap().len(), 2);
}
