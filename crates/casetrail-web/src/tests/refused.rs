//! Refusals lead back: a form the audit's rules refuse comes back to its page, in the reader's
//! language, with the refused fields marked and every value entered kept; nothing of it is
//! saved. A step refused for what it lacks goes to its confirmation.

use super::*;

#[test]
fn a_refused_audit_form_comes_back_in_danish_with_its_values_kept() {
    let (_dir, shared) = demo_shared();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let f = As::new(&api, "facilitator").await;
        let page = body(&f.get(&api, "/audits/DEMO-2019").await);
        let csrf = form_token(&page);
        assert!(
            page.contains("<datalist id=\"panel-names\"><option value=\"A\"><option value=\"B\">"),
            "the panels to choose from: {page}"
        );

        // "a " beside panel A is refused: the form says so and keeps what was typed.
        let clash = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!(
                    "csrf={csrf}&action=add_member&panel=a+&member=b.politi&sector=police&role=n%C3%A6rpolitibetjent"
                ),
            )
            .await;
        assert_eq!(clash.status(), 409);
        let again = body(&clash);
        assert!(
            again.contains("ville stå ved siden af det eksisterende panel “A”"),
            "{again}"
        );
        assert!(!again.contains("would be a second panel"), "no English");
        assert!(again.contains("value=\"nærpolitibetjent\""), "role kept");
        assert!(again.contains("value=\"a \" aria-invalid=\"true\""), "panel kept, marked");
        assert!(again.contains("<option value=\"police\" selected>"), "sector kept");
        assert!(again.contains("<option value=\"b.politi\" selected>"), "member kept");

        // A recommendation without an owner: refused at its form, the text kept.
        let unowned = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=recommend&value=1&text=F%C3%A6lles+kriseplan"),
            )
            .await;
        assert_eq!(unowned.status(), 409);
        let again = body(&unowned);
        assert!(again.contains("Vælg mindst én sektor"), "{again}");
        assert!(again.contains("value=\"Fælles kriseplan\""), "text kept");

        // Nothing of either was saved.
        let after = body(&f.get(&api, "/audits/DEMO-2019").await);
        assert!(!after.contains("nærpolitibetjent"));
        assert!(!after.contains("Fælles kriseplan"));

        // A reveal sent without a reason while answers are missing: to its confirmation.
        let reveal = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=reveal&panel=A"),
            )
            .await;
        assert_eq!(reveal.status(), 303);
        assert_eq!(
            reveal.headers()["location"],
            "/audits/DEMO-2019/confirm/reveal?panel=A"
        );
    });
}

#[test]
fn an_incomplete_submit_comes_back_with_the_questions_marked_and_nothing_saved() {
    let (_dir, shared) = demo_shared();
    let sag1 = shared.key.case_pseudonym("SAG1");
    let wb = shared.workbench.clone();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let m = As::new(&api, "a.psykiatri").await;
        let path = format!("/my/DEMO-2019/{sag1}");
        let csrf = form_token(&body(&m.get(&api, &path).await));
        let saved = || {
            wb.audit_answers("DEMO-2019", Some("a.psykiatri"))
                .unwrap()
                .1
                .len()
        };
        let before = saved();

        // One of three questions answered, and submitted.
        let res = m
            .post(
                &api,
                &path,
                &format!(
                    "csrf={csrf}&action=submit&v_efforts=2&j_efforts=Ingen+plan+ved+udskrivelse&j_collaboration=Sk%C3%A6rer"
                ),
            )
            .await;
        let page = body(&res);
        assert_eq!(res.status(), 422, "{page}");
        assert!(page.contains("role=\"alert\""), "{page}");
        assert!(
            page.contains("Du har skrevet en begrundelse, men ikke valgt et svar"),
            "a justification with no answer would be lost: {page}"
        );
        assert!(page.contains("href=\"#q-collaboration\""), "a link to the field");
        assert!(page.contains("Ingen plan ved udskrivelse"), "kept");
        assert!(page.contains(">Skærer</textarea>"), "kept");
        assert!(page.contains("value=\"2\" checked"), "the chosen step kept");
        assert_eq!(saved(), before, "nothing saved");

        // Without the stray justification the submit lacks two answers.
        let res = m
            .post(
                &api,
                &path,
                &format!("csrf={csrf}&action=submit&v_efforts=2&j_efforts=Ingen+plan"),
            )
            .await;
        let page = body(&res);
        assert_eq!(res.status(), 409, "{page}");
        assert!(page.contains("2 spørgsmål mangler svar"), "{page}");
        assert!(page.contains("Vurder patientinddragelsen."), "named by its text");
        assert!(!page.contains("[\""), "no list of ids");
        assert!(page.contains("class=\"question marked\" id=\"q-involvement\""));
        assert!(!page.contains("class=\"question marked\" id=\"q-efforts\""));
        assert_eq!(saved(), before, "the answer sent with the refused submit is not saved");

        // A draft of the same is saved, and the page says so.
        let res = m
            .post(
                &api,
                &path,
                &format!("csrf={csrf}&action=save&v_efforts=2&j_efforts=Ingen+plan"),
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(saved(), before + 1);
    });
}

#[test]
fn a_newer_release_reaches_the_panel_only_when_reassigned() {
    let (_dir, shared) = demo_shared();
    let wb = shared.workbench.clone();
    assert_eq!(release_sag1_again(&shared), 2);
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let f = As::new(&api, "facilitator").await;
        // The case file names each release with its date, in Danish local time.
        let releases = wb.releases("SAG1").unwrap();
        assert!(releases[1].released_at_micros >= releases[0].released_at_micros);
        let case = body(&f.get(&api, "/cases/SAG1").await);
        let table = &case[case.find("id=\"releases\"").unwrap()..];
        let start = "<tr><td>2</td><td>";
        let row = &table[table.find(start).expect("release 2") + start.len()..];
        let at = &row[..row.find("</td>").unwrap()];
        assert!(at.ends_with(" CET") || at.ends_with(" CEST"), "{at}");
        let page = body(&f.get(&api, "/audits/DEMO-2019").await);
        assert!(page.contains("Giv panelet udgave 2"), "{page}");
        let csrf = form_token(&page);
        let res = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=assign&panel=A&case=SAG1%402"),
            )
            .await;
        assert_eq!(res.status(), 303, "{}", body(&res));
        let state = wb.audit_status("DEMO-2019", None).unwrap().state;
        assert_eq!(state.panels["A"].cases["SAG1"].0, 2);
        let page = body(&f.get(&api, "/audits/DEMO-2019").await);
        assert!(!page.contains("Giv panelet udgave 2"), "done");
        // The same version again is refused in words, at the form.
        let res = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=assign&panel=A&case=SAG1%402"),
            )
            .await;
        assert_eq!(res.status(), 409);
        assert!(body(&res).contains("Panelet har allerede sag SAG1 i udgave 2"));
    });
}

/// Panel B has handed in its answers for SAG3: a newer version is given to it only when the
/// facilitator ticks that they are set aside. The check is the server's, not only the form's.
#[test]
fn a_reassignment_that_sets_answers_aside_must_be_confirmed() {
    let (_dir, shared) = demo_shared();
    let wb = shared.workbench.clone();
    let date = casetrail_app::NaiveDate::from_ymd_opt(2019, 6, 1).unwrap();
    let source = casetrail_app::MaterialSource::MunicipalNotes;
    wb.attach_material("SAG3", source, date, "Nyt notat.", "facilitator")
        .unwrap();
    let policy = casetrail_app::DatePolicy::RelativeDays;
    let version = wb
        .release(
            "SAG3",
            &shared.key,
            policy,
            "facilitator",
            Some("nyt notat"),
        )
        .unwrap()
        .version;
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let f = As::new(&api, "facilitator").await;
        let page = body(&f.get(&api, "/audits/DEMO-2019").await);
        assert!(
            page.contains("name=\"understood\" value=\"1\" required"),
            "the box"
        );
        let csrf = form_token(&page);
        let assign = format!("csrf={csrf}&action=assign&panel=B&case=SAG3%40{version}");
        let res = f.post(&api, "/audits/DEMO-2019", &assign).await;
        assert_eq!(res.status(), 409, "not without the box ticked");
        let said = body(&res);
        assert!(said.contains("lægger dem til side"), "{said}");
        let held = || wb.audit_status("DEMO-2019", None).unwrap().state.panels["B"].cases["SAG3"].0;
        assert_eq!(held(), 1);
        let res = f
            .post(&api, "/audits/DEMO-2019", &format!("{assign}&understood=1"))
            .await;
        assert_eq!(res.status(), 303, "{}", body(&res));
        assert_eq!(held(), version);
    });
}

#[test]
fn a_taken_user_name_comes_back_to_the_form_with_the_name_kept_and_no_password() {
    let (_dir, shared) = demo_shared();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let admin = As::new(&api, "admin").await;
        let csrf = form_token(&body(&admin.get(&api, "/admin/users").await));
        let res = admin
            .post(
                &api,
                "/admin/users",
                &format!("csrf={csrf}&name=kvalitet&role=quality&password=hemmeligt-kodeord-42"),
            )
            .await;
        assert_eq!(res.status(), 409);
        let page = body(&res);
        assert!(
            page.contains("Der findes allerede en bruger med navnet kvalitet"),
            "{page}"
        );
        assert!(!page.contains("audit"), "no audit-specific wording");
        assert!(
            page.contains("value=\"kvalitet\" aria-invalid=\"true\""),
            "{page}"
        );
        assert!(
            page.contains("<option value=\"quality\" selected>"),
            "{page}"
        );
        assert!(
            !page.contains("hemmeligt-kodeord-42"),
            "the password is never echoed"
        );
        let weak = admin
            .post(
                &api,
                "/admin/users",
                &format!("csrf={csrf}&name=ny.bruger&role=panel_member&password=kort"),
            )
            .await;
        assert_eq!(weak.status(), 422);
        assert!(body(&weak).contains("En adgangskode skal have mindst"));
    });
}

#[test]
fn the_action_plan_is_filled_on_the_audit_page_and_a_bad_date_comes_back() {
    let (_dir, shared) = demo_shared();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let f = As::new(&api, "facilitator").await;
        let csrf = form_token(&body(&f.get(&api, "/audits/DEMO-2019").await));
        let res = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!(
                    "csrf={csrf}&action=recommend&value=1&text=F%C3%A6lles+kriseplan&owner_region=1"
                ),
            )
            .await;
        assert_eq!(res.status(), 303);
        let bad = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=plan&value=1&due=31.03.2027&text=Kvalitetsudvalget"),
            )
            .await;
        assert_eq!(bad.status(), 409);
        let page = body(&bad);
        assert!(page.contains("“31.03.2027” er ikke en dato"), "{page}");
        assert!(page.contains("value=\"Kvalitetsudvalget\""), "kept");
        let good = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=plan&value=1&due=2027-03-31&text=Kvalitetsudvalget"),
            )
            .await;
        assert_eq!(
            good.headers()["location"],
            "/audits/DEMO-2019?done=plan#recommend"
        );
        let page = body(&f.get(&api, "/audits/DEMO-2019").await);
        assert!(page.contains("Frist: 2027-03-31"), "shown in place");
        assert!(
            page.contains("value=\"2027-03-31\""),
            "the form preset to it"
        );
        assert!(page.contains("Ret handleplanen"));
    });
}

#[test]
fn a_recommendation_is_corrected_in_place_and_one_without_owners_comes_back() {
    let (_dir, shared) = demo_shared();
    let wb = shared.workbench.clone();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let f = As::new(&api, "facilitator").await;
        let csrf = form_token(&body(&f.get(&api, "/audits/DEMO-2019").await));
        let added = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!(
                    "csrf={csrf}&action=recommend&value=1&text=F%C3%A6lles+kriseplan&owner_region=1"
                ),
            )
            .await;
        assert_eq!(added.status(), 303);
        let page = body(&f.get(&api, "/audits/DEMO-2019").await);
        assert!(page.contains("action\" value=\"revise_recommendation\""), "a Ret form");
        assert!(
            page.contains("name=\"owner_region\" value=\"1\" checked"),
            "preset to the recorded owners"
        );
        let ownerless = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=revise_recommendation&value=1&text=Ny+ordlyd"),
            )
            .await;
        assert_eq!(ownerless.status(), 409);
        let back = body(&ownerless);
        assert!(back.contains("value=\"Ny ordlyd\""), "the wording kept: {back}");
        assert!(back.contains("<details class=\"revise\" open>"), "the form open");
        let empty = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=revise_recommendation&value=1&text=+&owner_police=1"),
            )
            .await;
        assert_eq!(empty.status(), 422, "an empty wording is no correction");
        let fixed = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!(
                    "csrf={csrf}&action=revise_recommendation&value=1&text=F%C3%A6lles+kriseplan+f%C3%B8r+udskrivning&owner_region=1&owner_municipality=1"
                ),
            )
            .await;
        assert_eq!(
            fixed.headers()["location"],
            "/audits/DEMO-2019?done=revise_recommendation#recommend"
        );
        let state = wb.audit_status("DEMO-2019", None).unwrap().state;
        assert_eq!(
            state.recommendations,
            [(
                1,
                "Fælles kriseplan før udskrivning".to_owned(),
                vec!["region".to_owned(), "municipality".to_owned()]
            )]
        );
        let page = body(&f.get(&api, "/audits/DEMO-2019").await);
        assert!(page.contains("Fælles kriseplan før udskrivning <em>(Regionspsykiatri, Kommune)</em>"), "{page}");
    });
}

#[test]
fn a_theme_is_corrected_in_place_and_an_empty_correction_comes_back() {
    let (_dir, shared) = demo_shared();
    reveal_panel_b(&shared.workbench);
    let wb = shared.workbench.clone();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let f = As::new(&api, "facilitator").await;
        let csrf = form_token(&body(&f.get(&api, "/audits/DEMO-2019").await));
        let added = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=theme&panel=B&text=Udskrivelse+uden+plan"),
            )
            .await;
        assert_eq!(added.status(), 303);
        let page = body(&f.get(&api, "/audits/DEMO-2019").await);
        assert!(page.contains("name=\"text\" required maxlength=\"2000\" value=\"Udskrivelse uden plan\""));
        let empty = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=revise_theme&panel=B&value=0&text=+"),
            )
            .await;
        assert_eq!(empty.status(), 422, "an empty wording is no correction");
        let fixed = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!(
                    "csrf={csrf}&action=revise_theme&panel=B&value=0&text=Udskrivelse+uden+f%C3%A6lles+plan"
                ),
            )
            .await;
        assert_eq!(fixed.headers()["location"], "/audits/DEMO-2019?done=revise_theme#panel-B");
        let state = wb.audit_status("DEMO-2019", None).unwrap().state;
        assert_eq!(state.panels["B"].themes, ["Udskrivelse uden fælles plan"]);
        let missing = f
            .post(
                &api,
                "/audits/DEMO-2019",
                &format!("csrf={csrf}&action=revise_theme&panel=B&value=7&text=x"),
            )
            .await;
        assert_eq!(missing.status(), 409);
        assert!(body(&missing).contains("Panel B har ikke den tekst"));
    });
}
