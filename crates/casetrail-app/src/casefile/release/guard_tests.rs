//! A release with review items undecided is refused without a reason; with one, the reason is
//! sealed into the release event; decided items no longer hold a release back.

use super::*;
use casetrail_domain::RiskDecision;

fn with_material(text: &str) -> (tempfile::TempDir, Workbench, PseudonymKey) {
    let (dir, wb) = crate::core::workbench::temp_workbench();
    let key = PseudonymKey::from_bytes([5; 32]);
    wb.load_workbench_demo(&key).unwrap();
    let date = casetrail_domain::NaiveDate::from_ymd_opt(2019, 3, 4).unwrap();
    wb.attach_material(
        "SAG1",
        casetrail_domain::MaterialSource::MunicipalNotes,
        date,
        text,
        "facilitator",
    )
    .unwrap();
    (dir, wb, key)
}

#[test]
fn undecided_review_items_hold_a_release_back_until_decided_or_reasoned() {
    let (_dir, wb, key) = with_material("Borgeren talte om 4711223344 og om Qwzrtyville.");
    let policy = DatePolicy::RelativeDays;
    let undecided = wb
        .review("SAG1", &key, policy, RedactionPolicy::Strict)
        .unwrap();
    assert!(
        !undecided.is_empty(),
        "the material leaves something to review"
    );
    let before = wb.releases("SAG1").unwrap().len();
    let head = wb.head();
    let refused = wb
        .release("SAG1", &key, policy, "facilitator", None)
        .unwrap_err();
    assert!(
        matches!(
            refused,
            AppError::CaseFile(CaseFileError::UndecidedReview { undecided: n, .. })
                if n == undecided.len()
        ),
        "{refused}"
    );
    assert!(
        wb.release("SAG1", &key, policy, "facilitator", Some("   "))
            .is_err(),
        "spaces are no reason"
    );
    let long = "x".repeat(casetrail_audit::audit::MAX_REASON + 1);
    assert!(
        wb.release("SAG1", &key, policy, "facilitator", Some(&long))
            .is_err()
    );

    assert_eq!(wb.head(), head, "the refusals wrote nothing");
    let reason = "Tallet er et journalnummer i kommunen; Qwzrtyville drøftes med panelet";
    let released = wb
        .release("SAG1", &key, policy, "facilitator", Some(reason))
        .unwrap();
    assert_eq!(
        released.version as usize,
        before + 1,
        "refusals wrote nothing"
    );
    // The reason is in the event, sealed: not in the log's bytes in the clear.
    let record = wb
        .ledger()
        .get(casetrail_ledger::Position(released.position))
        .unwrap()
        .unwrap();
    let payload = String::from_utf8_lossy(&record.payload);
    assert!(payload.contains("\"reason\""), "{payload}");
    assert!(!payload.contains("journalnummer"), "{payload}");
}

#[test]
fn decided_items_no_longer_hold_a_release_back() {
    let (_dir, wb, key) = with_material("Borgeren talte om 4711223344 og om Qwzrtyville.");
    let policy = DatePolicy::RelativeDays;
    for finding in wb
        .review("SAG1", &key, policy, RedactionPolicy::Strict)
        .unwrap()
    {
        wb.decide("SAG1", &finding.term, RiskDecision::Redact, "facilitator")
            .unwrap();
    }
    let released = wb
        .release("SAG1", &key, policy, "facilitator", None)
        .unwrap();
    let record = wb
        .ledger()
        .get(casetrail_ledger::Position(released.position))
        .unwrap()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&record.payload).contains("reason"),
        "no reason key when none was needed"
    );
}

#[test]
fn only_what_was_previewed_is_released() {
    let (_dir, wb, key) = with_material("Borgeren ringede til kommunen.");
    let policy = DatePolicy::RelativeDays;
    let seen = wb
        .timeline("SAG1", &key, Some(policy))
        .unwrap()
        .content_hash;
    let date = casetrail_domain::NaiveDate::from_ymd_opt(2019, 3, 5).unwrap();
    wb.attach_material(
        "SAG1",
        casetrail_domain::MaterialSource::GeneralPractice,
        date,
        "Lægen tilså borgeren.",
        "facilitator",
    )
    .unwrap();
    let head = wb.head();
    let reason = Some("gennemgået");
    let refused = wb
        .release_previewed(
            "SAG1",
            &key,
            policy,
            "facilitator",
            reason,
            &seen.to_string(),
        )
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            AppError::CaseFile(CaseFileError::PreviewOutdated { previewed, found, .. })
                if *previewed == seen.to_string() && *found != seen.to_string()
        ),
        "{refused}"
    );
    assert_eq!(wb.head(), head, "nothing written");
    let now = wb
        .timeline("SAG1", &key, Some(policy))
        .unwrap()
        .content_hash;
    let released = wb
        .release_previewed(
            "SAG1",
            &key,
            policy,
            "facilitator",
            reason,
            &now.to_string(),
        )
        .unwrap();
    assert_eq!(released.content_hash, now);
}
