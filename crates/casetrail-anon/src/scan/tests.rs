//! Unit tests of `scan.rs`.

use super::*;

fn plain(text: &str) -> String {
    Redactor::default().redact(text)
}

#[test]
fn cpr_numbers_in_every_written_form() {
    for form in [
        "070761-4285",
        "0707614285",
        "070761 4285",
        "070761-4286",
        "010203-1AB2",
        "311299-9999",
    ] {
        assert_eq!(plain(&format!("CPR {form}.")), "CPR [CPR].", "{form}");
        assert_eq!(plain(form), "[CPR]", "{form} alone");
    }
    assert_eq!(plain("(pt. 070761-4285)"), "(pt. [CPR])");
}

#[test]
fn phone_numbers_grouped_or_not_with_or_without_the_country_code() {
    for form in [
        "20304050",
        "20 30 40 50",
        "20-30-40-50",
        "2030 4050",
        "+45 20304050",
        "+4520304050",
        "0045 20 30 40 50",
        "20.30.40.50",
    ] {
        assert_eq!(
            plain(&format!("ring {form} i aften")),
            "ring [TELEFON] i aften",
            "{form}"
        );
    }
}

#[test]
fn email_addresses() {
    assert_eq!(
        plain("skriv til karen.holm@example.dk."),
        "skriv til [E-MAIL]."
    );
    assert_eq!(plain("<b.nielsen+pt@sund.aarhus.dk>"), "<[E-MAIL]>");
    assert_eq!(
        plain("kl. 12@ ingen"),
        "kl. 12@ ingen",
        "an @ alone is no address"
    );
}

#[test]
fn clinical_content_and_times_of_day_stay() {
    for text in [
        "DF201 og F20.0, DT424",
        "Zyprexa 10 mg x 2, 500 mg paracetamol",
        "kl. 22.15, 1/2 tablet, BT 140/90, 3-4 gange dagligt",
        "indlagt 3 døgn, afsnit P3, Psykiatrisk Akutmodtagelse",
        "GAF 35, BMI 31,2, puls 110",
        "kontoret ringede, sagen er lukket",
    ] {
        assert_eq!(plain(text), text);
    }
}

#[test]
fn exact_dates_are_hidden_or_follow_the_case_dating() {
    assert_eq!(
        plain("kl. 22.15 den 14.01.2019 og 2019-01-14T22:40"),
        "kl. 22.15 den [DATO] og [DATO] kl. 22:40"
    );
    let index = chrono::NaiveDate::from_ymd_opt(2019, 1, 15).unwrap();
    let r = Redactor::default().with_dating(Dating::Relative { index });
    assert_eq!(
        r.redact_dated("Set d. 14/1 og igen 20. januar, født 3.11.78", Some(2019)),
        "Set d. dag -1 og igen dag 5, født dag -14683"
    );
}

#[test]
fn known_places_are_found_only_whole() {
    let r = Redactor::new(&[KnownName::place("Botilbuddet Engvej", "[Botilbud A]")]);
    assert_eq!(
        r.redact("Ringer fra botilbuddet Engvej i aften; andre botilbud har plads."),
        "Ringer fra [Botilbud A] i aften; andre botilbud har plads."
    );
    let found = r.find("Botilbuddet Engvej");
    assert_eq!(found[0].kind, Kind::Place);
    let r = Redactor::new(&[KnownName::place("Engvej", "[Botilbud A]")]);
    assert_eq!(
        r.redact("fra Engvej 14 og fra Engvej i går"),
        "fra [ADRESSE] og fra [Botilbud A] i går",
        "a full address is an address"
    );
}

#[test]
fn addresses_and_postcodes_with_towns() {
    assert_eq!(
        plain("bor på Engvej 14, 8900 Randers C."),
        "bor på [ADRESSE]."
    );
    assert_eq!(plain("Vestergade 3B, 2. tv"), "[ADRESSE]");
    assert_eq!(plain("Søndergade 12, 2. th., 8600 Silkeborg"), "[ADRESSE]");
    assert_eq!(plain("Vesterbro 18, 3. tv, 9000 Aalborg"), "[ADRESSE]");
    assert_eq!(plain("Engvej 14, 2 gange"), "[ADRESSE], 2 gange");
    assert_eq!(plain("Stationsvej 7, st. th., 8800 Viborg"), "[ADRESSE]");
    assert_eq!(plain("fra Åboulevarden 12 i går"), "fra [ADRESSE] i går");
    assert_eq!(
        plain("flyttet til 8000 Aarhus C i maj"),
        "flyttet til [POSTNR BY] i maj"
    );
    assert_eq!(
        plain("ved Engvej og Skolevej"),
        "ved [STED] og [STED]",
        "a street without a number is a place, not an address"
    );
    assert_eq!(
        plain("2019 blev det værre, 2030 patienter"),
        "2019 blev det værre, 2030 patienter"
    );
}

#[test]
fn common_danish_names_are_found_without_being_registered() {
    assert_eq!(
        plain("Søsteren Hanne Kristensen kom."),
        "Søsteren [Person 1] kom."
    );
    assert_eq!(
        plain("Mettes mor og Jens ringede"),
        "[Person 1] mor og [Person 2] ringede"
    );
    assert_eq!(
        plain("mette og jens"),
        "mette og jens",
        "only capitalised words are taken for names"
    );
    assert_eq!(plain("Zyprexa og Risperdal"), "Zyprexa og Risperdal");
}

#[test]
fn known_names_in_any_case_alone_and_in_the_genitive() {
    let r = Redactor::new(&[
        KnownName::new("Karen Holm", "[Mor]"),
        KnownName::new("Bent Madsen", "[Patienten]"),
    ]);
    assert_eq!(r.redact("Karen Holm ringede."), "[Mor] ringede.");
    assert_eq!(
        r.redact("KAREN ringede, karens bil holdt ude."),
        "[Mor] ringede, [Mor] bil holdt ude."
    );
    assert_eq!(
        r.redact("Holms bekymring og Bents angst"),
        "[Mor] bekymring og [Patienten] angst"
    );
    assert_eq!(
        r.redact("Karensdag og holmene"),
        "Karensdag og holmene",
        "only whole words"
    );
    assert_eq!(
        r.redact("Bent Madsen (070761-4285, 20 30 40 50, bent@example.dk)"),
        "[Patienten] ([CPR], [TELEFON], [E-MAIL])"
    );
}

#[test]
fn labelled_numbers_plates_and_links() {
    assert_eq!(
        plain("J.nr. 2019-004512, sagsnr. 123456, reg.nr. 1551 konto 3476201987"),
        "J.nr. [NUMMER], sagsnr. [NUMMER], reg.nr. [NUMMER] konto [NUMMER]"
    );
    assert_eq!(plain("bilen CV 42 881 holdt"), "bilen [NUMMER] holdt");
    assert_eq!(
        plain("se https://www.example.dk/side?id=4 og www.bosted.dk."),
        "se [URL] og [URL]."
    );
}

#[test]
fn numbers_broken_over_a_line_and_danish_letters_in_addresses() {
    assert_eq!(plain("ring 56 72\n50 15 i dag"), "ring [TELEFON] i dag");
    assert_eq!(plain("cpr 070761-\n4285."), "cpr [CPR].");
    assert_eq!(
        plain("Skriv til annette@døfler.dk eller søren.ø@kommune.dk."),
        "Skriv til [E-MAIL] eller [E-MAIL]."
    );
    assert_eq!(
        plain("Bor på Birkegårdsvej 39, Bårup, 4370 St.Merløse."),
        "Bor på [ADRESSE], [STED], [POSTNR BY]."
    );
}

#[test]
fn unregistered_people_keep_one_label_through_the_case() {
    let r = Redactor::default();
    assert_eq!(
        r.redact("Ring til Michael Brodersen eller Stig Olsen."),
        "Ring til [Person 1] eller [Person 2]."
    );
    assert_eq!(
        r.redact("Brodersen kom ikke, men Stig kom."),
        "[Person 1] kom ikke, men [Person 2] kom."
    );
    assert_eq!(
        r.redact("Helle Thorning-Schmidt mødte hr. Bjarne Laustsen."),
        "[Person 3] mødte hr. [Person 4]."
    );
}

#[test]
fn restored_words_stay_and_replacements_are_logged_with_context() {
    let r = Redactor::default().with_restored(["Kompasset"]);
    assert_eq!(
        r.redact("mødtes i Kompasset med Stig"),
        "mødtes i Kompasset med [Person 1]"
    );
    let log = r.replaced();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].term, "Stig");
    assert_eq!(log[0].replacement, "[Person 1]");
    assert_eq!(log[0].context, "mødtes i Kompasset med ⟦Stig⟧");
}

#[test]
fn findings_say_what_and_where() {
    let text = "Tlf 20304050, cpr 070761-4285";
    let found = Redactor::default().find(text);
    assert_eq!(
        found.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [Kind::Phone, Kind::Cpr]
    );
    assert_eq!(&text[found[1].start..found[1].end], "070761-4285");
}

#[test]
fn a_name_running_into_an_email_address_keeps_its_own_part() {
    // Found by the idempotence property: the address is taken back to its start, over the
    // end of the name before it; the name keeps its part, as a second pass would find it.
    let r = Redactor::default();
    for text in [
        "CAå Aa@a.aa ",
        "Hilsen Karen Mortensen Mortensen@kommune.dk",
    ] {
        let once = r.redact(text);
        assert!(once.contains("[E-MAIL]"), "{text:?} → {once:?}");
        for word in ["CAå", "Karen", "Mortensen"] {
            assert!(!once.contains(word), "{text:?} → {once:?}");
        }
        assert_eq!(r.redact(&once), once, "{text:?}");
    }
}

#[test]
fn addresses_run_together_are_one_hit_and_what_they_covered_stays_covered() {
    // Found by the idempotence property: the second `@` takes its address back over the end
    // of the first, which had covered a name; the two become one address.
    let r = Redactor::default();
    for text in ["Oc@å.AA@0.AA+", "skriv til a@b.dk@c.dk i dag"] {
        let once = r.redact(text);
        assert!(once.contains("[E-MAIL]"), "{text:?} → {once:?}");
        assert!(!once.contains('@'), "{text:?} → {once:?}");
        assert_eq!(r.redact(&once), once, "{text:?}");
    }
}
