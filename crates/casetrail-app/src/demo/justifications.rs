//! Invented justifications for the demo's answers, as members of each sector might write them,
//! so the meeting view, the themes and the report show what a real audit gives. All of it is
//! made up; no sentence comes from a real case.

/// Per sector, per rated question, a few justifications; the member and the case choose one.
const BY_SECTOR: [(&str, [&[&str]; 3]); 5] = [
    (
        "region",
        [
            &[
                "Vi udskrev efter tre døgn uden at have en aftale med bostøtten om de første dage hjemme.",
                "Behandlingsplanen blev revideret, men ambulatoriet fik først besked en uge efter udskrivelsen.",
                "Medicinen blev omlagt under indlæggelsen; egen læge fik epikrisen, men ikke begrundelsen.",
            ],
            &[
                "Udskrivningsaftalen nævner kommunen, men ingen fra kommunen deltog i mødet.",
                "Vi ringede til lægevagten om natten, men der var ingen fælles kriseplan at henvise til.",
                "Samarbejdet med socialpsykiatrien fungerede, når vi havde et navn; det skiftede tre gange.",
            ],
            &[
                "Patientens ønske om at komme hjem til sin hund står i journalen, ikke i planen.",
                "Pårørende blev ikke spurgt, selv om moren ringede to gange under indlæggelsen.",
            ],
        ],
    ),
    (
        "municipality",
        [
            &[
                "Bostøtten var sat til to timer om ugen; efter tredje indlæggelse skulle der have været mere.",
                "Sagen lå stille i seks uger, mens vi ventede på en lægelig vurdering til boligansøgningen.",
                "Hjemmeplejen kom dagen efter udskrivelsen og fandt ingen medicin i hjemmet.",
            ],
            &[
                "Vi fik besked om udskrivelsen samme eftermiddag; det var for sent til at tilrettelægge et besøg.",
                "Netværksmødet kom i stand, men uden psykiatrien, der havde flest oplysninger.",
                "Jobcentret og socialpsykiatrien arbejdede hver for sig med to forskellige planer.",
            ],
            &[
                "Borgeren sagde til mødet, at hun ville have én kontaktperson; det fik hun ikke.",
                "Handleplanen er skrevet om borgeren, ikke sammen med ham.",
            ],
        ],
    ),
    (
        "general_practice",
        [
            &[
                "Jeg så patienten to gange mellem indlæggelserne, men vidste ikke, at der var lavet en kriseplan.",
                "Epikrisen anbefalede blodprøvekontrol, uden at det stod, hvem der skulle tage den.",
                "Der var ingen opfølgende konsultation efter udskrivelsen, fordi ingen bad om den.",
            ],
            &[
                "Jeg blev ikke inviteret til koordinationsmødet og hørte om det fra patienten.",
                "Korrespondancen med ambulatoriet gik fint, men svaret kom først efter tre uger.",
            ],
            &[
                "Patienten fortalte mig om sit ønske om at trappe ud af medicinen; det nåede aldrig planen.",
                "Ved konsultationerne var det tydeligt, at patienten ikke vidste, hvem der havde ansvaret.",
            ],
        ],
    ),
    (
        "out_of_hours",
        [
            &[
                "Om natten kunne vi kun henvise til skadestuen; vi havde ingen adgang til en kriseplan.",
                "Tre opkald på en uge uden at nogen i dagtiden fik besked om dem.",
            ],
            &[
                "Vi ringede til psykiatrisk akutmodtagelse, som ikke kendte den seneste udskrivningsaftale.",
                "Der er ingen vej fra lægevagten til kommunens bostøtte uden for kontortid.",
            ],
            &[
                "Patienten bad om at blive ringet op næste dag; der var ingen at give beskeden videre til.",
                "Det er svært at inddrage patientens ønsker i en telefonsamtale kl. 3 om natten.",
            ],
        ],
    ),
    (
        "police",
        [
            &[
                "Patrulje blev sendt til adressen to gange samme weekend; ingen vidste, at patienten lige var udskrevet.",
                "Vi kørte patienten til psykiatrisk skadestue, som udskrev efter fire timer.",
            ],
            &[
                "Vi havde ingen kontakt til kommunen om borgeren, selv om vi kom der jævnligt.",
                "Samarbejdet med psykiatrien om overdragelsen på skadestuen var godt; resten manglede.",
            ],
            &[
                "Borgeren var rolig og ville gerne hjem; der var ingen at køre hende hjem til.",
                "Vi kan ikke vurdere inddragelsen ud fra vores materiale.",
            ],
        ],
    ),
];

/// A justification for an answer to `question` (efforts, collaboration, involvement) by a
/// member of `sector`; `pick` (member and case) varies it, so no two members read alike.
pub fn justification(sector: &str, question: &str, pick: usize) -> &'static str {
    let column = match question {
        "efforts" => 0,
        "collaboration" => 1,
        _ => 2,
    };
    let options = BY_SECTOR
        .iter()
        .find(|(s, _)| *s == sector)
        .map_or(BY_SECTOR[0].1[column], |(_, by)| by[column]);
    options[pick % options.len()]
}

/// A member's answers to the questions asked once per audit: what could have been avoided,
/// and what would support the patients. Invented like the rest.
pub fn audit_wide(sector: &str, question: &str) -> &'static str {
    match (sector, question) {
        ("region", "reducible") => {
            "Mindst to af indlæggelserne kunne være undgået med en fælles kriseplan, som lægevagten kendte."
        }
        ("region", _) => {
            "En fast kontaktperson i kommunen og udskrivningsmøder med bostøtten til stede."
        }
        ("municipality", "reducible") => {
            "Flere indlæggelser fulgte efter weekender, hvor bostøtten ikke kom; det kan ændres."
        }
        ("municipality", _) => {
            "Besked om udskrivelse mindst en dag før, så vi kan være der den første aften."
        }
        ("general_practice", "reducible") => {
            "Nogle, hvis egen læge havde set patienten inden for en uge efter udskrivelsen."
        }
        ("general_practice", _) => "Epikriser, der siger, hvem der gør hvad og hvornår.",
        ("out_of_hours", "reducible") => {
            "De natlige indlæggelser, hvor vi ikke havde andet at tilbyde end skadestuen."
        }
        ("out_of_hours", _) => {
            "Adgang til kriseplanen fra lægevagten og et nummer at ringe til om natten."
        }
        (_, "reducible") => "Politiets kørsler til skadestuen kunne være færre med et akutteam.",
        _ => "Et fælles kontaktpunkt, når politiet møder en borger i krise uden for kontortid.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sector_and_question_has_justifications_and_they_vary() {
        for sector in crate::PANEL_SECTORS {
            for question in ["efforts", "collaboration", "involvement"] {
                let picks: std::collections::BTreeSet<&str> =
                    (0..6).map(|i| justification(sector, question, i)).collect();
                assert!(picks.len() >= 2, "{sector}/{question} varies");
                assert!(picks.iter().all(|j| !j.contains(sector)), "no sector code");
            }
            assert_ne!(
                audit_wide(sector, "reducible"),
                audit_wide(sector, "support")
            );
        }
    }
}
