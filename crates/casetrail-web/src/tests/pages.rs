//! Every page in both languages: each GET route, as a role it admits, rendered against the
//! demo in Danish and in English; and every template the workbench registers was rendered
//! by them (so a field renamed in a view struct fails here, not in front of a user).

use casetrail_app::Role;

use super::*;
use crate::routes::{Method, ROUTES, RouteDoc, Who};

fn user_of(role: Role) -> &'static str {
    match role {
        Role::Facilitator => "facilitator",
        Role::PanelMember => "a.psykiatri",
        Role::Quality => "kvalitet",
        Role::Administrator => "admin",
    }
}

/// The statuses a page may answer with besides 200: an unknown import is a 404 page, an
/// export before any reveal a 422 page; both are rendered pages too.
fn rendered(status: u16) -> bool {
    matches!(status, 200 | 404 | 422)
}

#[test]
fn every_page_renders_in_danish_and_english() {
    let (_dir, shared) = demo_shared();
    let key = shared.key.clone();
    crate::templates::forget_rendered();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let mut pages = 0;
        let mut untranslated = Vec::new();
        for lang in ["da", "en"] {
            let mut tokens = std::collections::BTreeMap::new();
            for route in ROUTES.iter().flat_map(|m| m.iter().copied()) {
                if route.method != Method::Get {
                    continue;
                }
                let path = super::authorisation::example(route, &key);
                let cookie = match route.who {
                    Who::Anyone => format!("lang={lang}"),
                    Who::Roles(roles) => {
                        let user = user_of(roles[0]);
                        if !tokens.contains_key(user) {
                            let res = sign_in(&api, user, DEMO_PASSWORD).await;
                            tokens.insert(user, cookie_value(&res, "session"));
                        }
                        format!("lang={lang}; session={}", tokens[user])
                    }
                };
                let res = warp::test::request()
                    .path(&path)
                    .header("cookie", cookie)
                    .reply(&api)
                    .await;
                let status = res.status().as_u16();
                let redirect = matches!(status, 303) && route.who == Who::Anyone;
                assert!(
                    rendered(status) || redirect,
                    "GET {path} in {lang}: {status} {}",
                    body(&res)
                );
                let html = res
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("text/html"));
                if html {
                    let page = body(&res);
                    // The audit report is a Danish document whatever the reader's language.
                    let lang = if route.path.starts_with("/report/") {
                        "da"
                    } else {
                        lang
                    };
                    let marker = format!("<html lang=\"{lang}\"");
                    assert!(page.contains(&marker), "GET {path} says it is in {lang}");
                    pages += 1;
                    for word in code_words(&page) {
                        untranslated.push(format!("GET {path} ({lang}): {word}"));
                    }
                    for words in other_language(&page, lang) {
                        untranslated.push(format!("GET {path} ({lang}): {words}"));
                    }
                }
            }
        }
        assert!(pages >= 2 * 14, "{pages} pages rendered");
        untranslated.sort();
        untranslated.dedup();
        assert!(
            untranslated.is_empty(),
            "identifiers from the code, or words of the other language, on pages ({}):\n{}",
            untranslated.len(),
            untranslated.join("\n")
        );
        // The case page's timeline and the error page come with the pages above; the rest
        // are reached by a route of their own.
        let missing = crate::templates::not_rendered();
        assert!(
            missing.is_empty(),
            "templates no route rendered: {missing:?}"
        );
    });
}

/// Routes that take no part are a GET of their own; those that do are filled in by
/// `authorisation::example`.
#[test]
fn every_get_route_has_an_example() {
    for route in ROUTES.iter().flat_map(|m| m.iter().copied()) {
        let path = super::authorisation::example(route, &PseudonymKey::from_bytes([9; 32]));
        assert!(!path.contains('{'), "{} has no example", route.path);
        let _: &RouteDoc = route;
    }
}

/// What a page in `lang` says in the other language: a text of the other translation file
/// (of three words or more, and not the same in both), or a timeline moment worded the other
/// way (`dag 3, mandag` on an English page). Case material and answers are in whatever
/// language their authors wrote, so only the workbench's own words are looked for.
fn other_language(html: &str, lang: &str) -> Vec<String> {
    use crate::i18n::{Lang, texts};
    let (own, other) = match lang {
        "en" => (texts(Lang::En), texts(Lang::Da)),
        _ => (texts(Lang::Da), texts(Lang::En)),
    };
    let text = page_text(html);
    let mut found: Vec<String> = other
        .iter()
        .filter(|(key, said)| own.get(*key) != Some(*said))
        .filter(|(_, said)| said.split_whitespace().count() >= 3 && !said.contains('{'))
        .filter(|(_, said)| text.contains(said.as_str()))
        .map(|(key, said)| format!("{key}: {said}"))
        .collect();
    let (day, weekdays): (&str, &[&str]) = match lang {
        "en" => (
            "dag ",
            &[
                "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
            ],
        ),
        _ => (
            "day ",
            &[
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
        ),
    };
    for (at, _) in text.match_indices(day) {
        let rest = &text[at + day.len()..];
        let digits = rest.trim_start_matches('-');
        let number = digits.len()
            - digits
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        if number == 0 {
            continue;
        }
        let after = digits[number..].trim_start_matches([',', ')', ' ']);
        if let Some(w) = weekdays.iter().find(|w| after.starts_with(**w)) {
            found.push(format!("a moment: {day}{} {w}", &digits[..number]));
        }
    }
    found
}

/// A page's text: its markup, scripts and styles left out.
fn page_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let after = &rest[open..];
        let skip_to = ["script", "style"]
            .iter()
            .find(|t| after[1..].starts_with(*t))
            .and_then(|t| after.find(&format!("</{t}>")))
            .unwrap_or(0);
        match after[skip_to..].find('>') {
            Some(close) => rest = &after[skip_to + close + 1..],
            None => break,
        }
    }
    text.push_str(rest);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a page's text (not its markup, scripts or styles) that look like identifiers
/// from the code rather than words: `snake_case` codes and `CamelCase` type names.
fn code_words(html: &str) -> Vec<String> {
    let text = page_text(html);
    let mut out: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| {
            let snake = w.contains('_') && w.chars().any(|c| c.is_ascii_lowercase());
            let camel = w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && w.chars()
                    .skip(1)
                    .collect::<Vec<_>>()
                    .windows(2)
                    .any(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase());
            snake || camel
        })
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn code_words_finds_identifiers_in_text_only() {
    let page = "<p class=\"x_y\">Kontakt: home_care, ContactRecorded</p><script>let a_b = 1;</script><style>.c_d{}</style><p>Hjemmepleje i Aarhus, DEMO-2019, McDonald</p>";
    assert_eq!(
        code_words(page),
        ["ContactRecorded", "McDonald", "home_care"]
    );
}

#[test]
fn the_other_languages_words_are_found_and_case_material_is_not() {
    let danish_moment = "<html><p>Indlæggelse <span>dag 3, mandag kl. 18:00</span></p></html>";
    assert_eq!(
        other_language(danish_moment, "en"),
        ["a moment: dag 3 mandag"]
    );
    assert!(other_language(danish_moment, "da").is_empty());
    let english_moment = "<p>day -2, Sunday at 01:00</p>";
    assert_eq!(
        other_language(english_moment, "da"),
        ["a moment: day 2 Sunday"]
    );
    let danish_text = "<p>Vælg mindst én sektor, der ejer anbefalingen.</p>";
    assert_eq!(
        other_language(danish_text, "en"),
        ["problem_no_owner: Vælg mindst én sektor, der ejer anbefalingen."]
    );
    // A note in Danish is material, not the workbench speaking.
    let material = "<blockquote>Hun ringede mandag, og vagtlægen kom om natten.</blockquote>";
    assert!(other_language(material, "en").is_empty());
}
