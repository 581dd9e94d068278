//! Unit tests of `open_names.rs`.

use super::*;

fn names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let boundary = i == 0
            || !text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        if boundary
            && text[i..].chars().next().is_some_and(char::is_alphabetic)
            && let Some((e, _)) = name_at(text, i)
        {
            out.push(&text[i..e]);
            i = e;
            continue;
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

#[test]
fn whole_names_in_ordinary_sentences() {
    assert_eq!(
        names("Ring til Michael Brodersen eller Stig Olsen."),
        ["Michael Brodersen", "Stig Olsen"]
    );
    assert_eq!(names("hr. Bjarne Laustsen sagde"), ["Bjarne Laustsen"]);
    assert_eq!(names("Hanne M. Larsen kom"), ["Hanne M. Larsen"]);
    assert_eq!(
        names("Hanne & Anders Larsen kom"),
        ["Hanne & Anders Larsen"]
    );
}

#[test]
fn ordinary_words_at_a_sentence_start_are_no_names() {
    assert!(names("Hans mor ringede. Sengeafsnittet er lukket.").is_empty());
    assert_eq!(names("Hans Jensen ringede."), ["Hans Jensen"]);
}

#[test]
fn institutions_by_their_danish_forms() {
    assert_eq!(names("fra Bostedet Egely i går"), ["Bostedet Egely"]);
    assert_eq!(
        names("sendt til Syddjurs Kommune i dag"),
        ["Syddjurs Kommune"]
    );
    assert!(names("afsnit P3, Psykiatrisk Akutmodtagelse").is_empty());
}
