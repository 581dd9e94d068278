//! Properties of the redactor over generated text: every CPR number, phone number and e-mail
//! address, in any written form, inside any clinical sentence, is removed, and the clinical
//! words around it stay.

use casetrail_anon::{KnownName, Redactor};
use proptest::prelude::*;

/// Clinical fragments that must survive redaction untouched.
const CLINICAL: &[&str] = &[
    "Zyprexa 10 mg x 2",
    "DF200 og DF122",
    "kl. 22.15",
    "GAF 35",
    "BT 140/90",
    "3 døgn",
    "1/2 tablet",
    "F60.3",
    "puls 110",
    "Henvist til distriktspsykiatrien.",
];

fn cpr() -> impl Strategy<Value = String> {
    (
        1u32..=28,
        1u32..=12,
        0u32..=99,
        0u32..=9999,
        0usize..3,
        any::<bool>(),
    )
        .prop_map(|(d, m, y, serial, sep, ecpr)| {
            let sep = ["-", " ", ""][sep];
            let serial = if ecpr {
                format!("{}AB{}", serial % 10, serial / 1000)
            } else {
                format!("{serial:04}")
            };
            format!("{d:02}{m:02}{y:02}{sep}{serial}")
        })
}

fn phone() -> impl Strategy<Value = String> {
    (proptest::array::uniform8(0u8..10), 0usize..4, 0usize..3).prop_map(
        |(digits, shape, prefix)| {
            let mut digits = digits;
            digits[0] = digits[0].max(2); // Danish numbers do not start with 0 or 1
            let d: Vec<String> = digits.iter().map(|x| x.to_string()).collect();
            let body = match shape {
                0 => d.concat(),
                1 => format!("{} {}", d[..4].concat(), d[4..].concat()),
                2 => d
                    .chunks(2)
                    .map(|c| c.concat())
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => d
                    .chunks(2)
                    .map(|c| c.concat())
                    .collect::<Vec<_>>()
                    .join("-"),
            };
            format!("{}{body}", ["", "+45 ", "0045 "][prefix])
        },
    )
}

fn email() -> impl Strategy<Value = String> {
    (
        "[a-z][a-z0-9._+-]{0,12}[a-z0-9]",
        "[a-z][a-z0-9-]{0,10}",
        "(dk|com|org|net)",
    )
        .prop_map(|(local, domain, tld)| format!("{local}@{domain}.{tld}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn identifiers_in_any_form_are_removed_and_clinical_words_stay(
        id in prop_oneof![cpr(), phone(), email()],
        before in 0..CLINICAL.len(),
        after in 0..CLINICAL.len(),
    ) {
        let text = format!("{} ({id}), {}", CLINICAL[before], CLINICAL[after]);
        let redacted = Redactor::new(&[KnownName::new("Karen Holm", "[Mor]")]).redact(&text);
        prop_assert!(!redacted.contains(&id), "{text:?} → {redacted:?}");
        prop_assert!(redacted.starts_with(CLINICAL[before]), "{text:?} → {redacted:?}");
        prop_assert!(redacted.ends_with(CLINICAL[after]), "{text:?} → {redacted:?}");
    }

    #[test]
    fn redaction_is_idempotent(text in "[A-Za-zæøå0-9 .,@+-]{0,80}") {
        let r = Redactor::default();
        let once = r.redact(&text);
        prop_assert_eq!(r.redact(&once), once.clone());
    }
}
