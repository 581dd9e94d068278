//! Deciding review items many at a time, and releasing only what was previewed: the preview
//! shows the case as the panel will, and the release it confirms carries that content hash.

use casetrail_app::{DatePolicy, MaterialSource, NaiveDate, RedactionPolicy};

use super::*;

/// SAG1 with material that leaves review items undecided.
fn with_review_items(shared: &Shared) {
    let date = NaiveDate::from_ymd_opt(2019, 6, 2).unwrap();
    let text = "Borgeren nævnte 4711223344, Qwzrtyville og Blorptown Vej.";
    shared
        .workbench
        .attach_material(
            "SAG1",
            MaterialSource::MunicipalNotes,
            date,
            text,
            "facilitator",
        )
        .unwrap();
}

fn undecided(shared: &Shared) -> Vec<casetrail_app::RiskFinding> {
    shared
        .workbench
        .review(
            "SAG1",
            &shared.key,
            DatePolicy::RelativeDays,
            RedactionPolicy::Strict,
        )
        .unwrap()
}

fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn ticked_review_items_are_decided_together_and_the_page_says_how_many() {
    let (_dir, shared) = demo_shared();
    with_review_items(&shared);
    let terms: Vec<String> = undecided(&shared).into_iter().map(|f| f.term).collect();
    assert!(!terms.is_empty());
    let runtime = runtime();
    let check = shared.clone();
    runtime.block_on(async move {
        let api = routes(shared);
        let f = As::new(&api, "facilitator").await;
        let page = body(&f.get(&api, "/cases/SAG1").await);
        assert!(page.contains("form=\"review-selected\""), "a box per item");
        assert!(page.contains("id=\"review-kind\""), "all of one kind");
        let csrf = form_token(&page);
        let none = f
            .post(
                &api,
                "/cases/SAG1",
                &format!("csrf={csrf}&action=decide&decision=accept"),
            )
            .await;
        assert_eq!(none.status(), 422, "nothing ticked is refused");
        let ticked: String = terms
            .iter()
            .map(|t| format!("&term={}", query_value(t)))
            .collect();
        let res = f
            .post(
                &api,
                "/cases/SAG1",
                &format!("csrf={csrf}&action=decide&decision=redact{ticked}"),
            )
            .await;
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(
            to,
            format!("/cases/SAG1?done=decide&decided={}#review", terms.len())
        );
        let page = body(&f.get(&api, to.split('#').next().unwrap()).await);
        let said = if terms.len() == 1 {
            "1 kontrolpunkt afgjort.".to_owned()
        } else {
            format!("{} kontrolpunkter afgjort.", terms.len())
        };
        assert!(page.contains(&said), "{said}");
    });
    assert!(undecided(&check).is_empty(), "every ticked item decided");
}

#[test]
fn every_item_of_a_kind_is_decided_at_once() {
    let (_dir, shared) = demo_shared();
    with_review_items(&shared);
    let before = undecided(&shared);
    let kind = serde_json::to_value(before[0].kind).unwrap();
    let kind = kind.as_str().unwrap().to_owned();
    let of_kind = before
        .iter()
        .filter(|f| serde_json::to_value(f.kind).unwrap() == kind.as_str())
        .count();
    let runtime = runtime();
    let check = shared.clone();
    runtime.block_on(async move {
        let api = routes(shared);
        let f = As::new(&api, "facilitator").await;
        let csrf = form_token(&body(&f.get(&api, "/cases/SAG1").await));
        let res = f
            .post(
                &api,
                "/cases/SAG1",
                &format!("csrf={csrf}&action=decide_kind&kind={kind}&decision=accept"),
            )
            .await;
        assert_eq!(
            res.headers()["location"],
            format!("/cases/SAG1?done=decide&decided={of_kind}#review").as_str()
        );
        let again = f
            .post(
                &api,
                "/cases/SAG1",
                &format!("csrf={csrf}&action=decide_kind&kind={kind}&decision=accept"),
            )
            .await;
        assert_eq!(again.status(), 422, "none of that kind is left");
    });
    assert_eq!(undecided(&check).len(), before.len() - of_kind);
}

#[test]
fn a_release_is_confirmed_on_its_preview_and_a_changed_case_is_previewed_again() {
    let (_dir, shared) = demo_shared();
    with_review_items(&shared);
    let wb = shared.workbench.clone();
    let key = shared.key.clone();
    let working = wb
        .timeline("SAG1", &key, Some(DatePolicy::RelativeDays))
        .unwrap();
    let hash = working.content_hash.to_string();
    let before = wb.releases("SAG1").unwrap().len();
    let terms: Vec<String> = undecided(&shared).into_iter().map(|f| f.term).collect();
    assert!(!terms.is_empty());
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let f = As::new(&api, "facilitator").await;
        let page = body(&f.get(&api, "/cases/SAG1").await);
        assert!(page.contains("action=\"/cases/SAG1/release\""), "the release form previews");
        let csrf = form_token(&page);

        let preview = body(&f.get(&api, "/cases/SAG1/release?policy=relative_days").await);
        let next = before + 1;
        assert!(
            preview.contains(&format!("Forhåndsvisning: sag SAG1 som udgave {next}")),
            "{preview}"
        );
        assert!(preview.contains(&hash), "the hash it will carry");
        assert!(preview.contains("id=\"lifelines\""), "the panel's chart");
        assert!(
            preview.contains(&working.timeline.patient.label),
            "the panel's label for the patient"
        );
        for term in &terms {
            assert!(preview.contains(&format!("<li>{term}</li>")), "{term} is listed");
        }
        assert!(preview.contains("name=\"reason\" required"), "a reason is asked for");
        assert!(
            // As handlebars escapes an attribute: `=` and `&` as entities.
            preview.contains("/cases/SAG1/release?policy&#x3D;relative_days&amp;from&#x3D;"),
            "zoom links stay on the preview and keep the policy"
        );
        let other = f.get(&api, "/cases/SAG1/release?policy=xyz").await;
        assert_eq!(other.status(), 404, "no such policy");

        let unpreviewed = f
            .post(
                &api,
                "/cases/SAG1",
                &format!("csrf={csrf}&action=release&policy=relative_days&reason=ok"),
            )
            .await;
        assert_eq!(
            unpreviewed.headers()["location"],
            "/cases/SAG1/release?policy=relative_days",
            "a release without its preview goes to the preview"
        );
        assert_eq!(wb.releases("SAG1").unwrap().len(), before);

        // Material attached after the preview: the previewed hash no longer matches.
        let date = NaiveDate::from_ymd_opt(2019, 6, 3).unwrap();
        tokio::task::block_in_place(|| {
            wb.attach_material(
                "SAG1",
                MaterialSource::GeneralPractice,
                date,
                "Lægen tilså borgeren.",
                "facilitator",
            )
        })
        .unwrap();
        let stale = f
            .post(
                &api,
                "/cases/SAG1",
                &format!(
                    "csrf={csrf}&action=release&policy=relative_days&reason=gennemg%C3%A5et&previewed={hash}"
                ),
            )
            .await;
        assert_eq!(
            stale.headers()["location"],
            "/cases/SAG1/release?policy=relative_days&changed=1"
        );
        assert_eq!(wb.releases("SAG1").unwrap().len(), before, "not released");
        let again = body(&f.get(&api, "/cases/SAG1/release?policy=relative_days&changed=1").await);
        assert!(again.contains("id=\"changed\""));
        let now = wb
            .timeline("SAG1", &key, Some(DatePolicy::RelativeDays))
            .unwrap()
            .content_hash
            .to_string();
        assert_ne!(now, hash);
        assert!(again.contains(&now));

        let done = f
            .post(
                &api,
                "/cases/SAG1",
                &format!(
                    "csrf={csrf}&action=release&policy=relative_days&reason=gennemg%C3%A5et&previewed={now}"
                ),
            )
            .await;
        assert_eq!(done.headers()["location"], "/cases/SAG1?done=release#releases");
        let releases = wb.releases("SAG1").unwrap();
        assert_eq!(releases.len(), before + 1);
        assert_eq!(releases.last().unwrap().content_hash.to_string(), now);
        let page = body(&f.get(&api, "/cases/SAG1?done=release").await);
        assert!(page.contains("Frigivet. Giv panelerne den nye udgave på auditsiden."));
        let unchanged = body(&f.get(&api, "/cases/SAG1/release?policy=relative_days").await);
        assert!(unchanged.contains("id=\"unchanged\""), "nothing new to release");
        assert!(!unchanged.contains("id=\"confirm-release\""));
    });
}
