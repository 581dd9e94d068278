//! How values read on a page, in the reader's language: sectors, questions, answers,
//! agreement, moments and times. Every page formats through here, so a word changes in one
//! place.

use casetrail_app::{Agreement, Question, QuestionKind, Questionnaire, Value};

use crate::i18n::{Lang, text};

pub use casetrail_report::utc;

/// A moment of an anonymised timeline in the reader's language.
pub fn moment(lang: Lang, m: &casetrail_app::timeline::Moment) -> String {
    let words = match lang {
        Lang::Da => casetrail_report::Words::Danish,
        Lang::En => casetrail_report::Words::English,
    };
    casetrail_report::when_in(m, words)
}

/// A wall-clock time in Danish local time with its zone (`2026-12-02 07:10:33 CET`).
pub fn local_time(micros: i64) -> String {
    casetrail_report::local(micros)
}

/// A sector's name; an unknown code as it is.
pub fn sector_name(lang: Lang, sector: &str) -> String {
    match sector {
        "region" | "municipality" | "general_practice" | "out_of_hours" | "police" => {
            text(lang, &format!("sector_{sector}")).to_owned()
        }
        other => other.to_owned(),
    }
}

pub fn question_text(lang: Lang, q: &Question) -> String {
    match lang {
        Lang::Da => q.text.da.clone(),
        Lang::En => q.text.en.clone(),
    }
}

/// A value as the reader's language says it.
pub fn value_text(lang: Lang, q: &Questionnaire, question: &str, value: &Value) -> String {
    let scale = q.question(question).and_then(|x| match &x.kind {
        QuestionKind::Rating { scale } => q.scale(scale),
        QuestionKind::FreeText => None,
    });
    let pick = |t: &casetrail_app::QuestionText| match lang {
        Lang::Da => t.da.clone(),
        Lang::En => t.en.clone(),
    };
    match (value, scale) {
        (Value::Step(n), Some(s)) => s
            .steps
            .iter()
            .find(|st| st.value == *n)
            .map(|st| format!("{n} – {}", pick(&st.label)))
            .unwrap_or_else(|| n.to_string()),
        (Value::Step(n), None) => n.to_string(),
        (Value::CannotAssess, Some(s)) => pick(&s.missing),
        (Value::CannotAssess, None) => text(lang, "cannot_assess").to_owned(),
        (Value::Text(t), _) => t.clone(),
    }
}

/// The answer a form field holds: a step number, or `cannot_assess`.
pub fn parse_value(field: &str) -> Value {
    match field.trim().parse::<i64>() {
        Ok(n) => Value::Step(n),
        Err(_) if field == "cannot_assess" => Value::CannotAssess,
        Err(_) => Value::Text(field.trim().to_owned()),
    }
}

/// A decimal number as the reader's language writes it (a comma in Danish).
pub fn decimal(lang: Lang, value: f64, places: usize) -> String {
    let shown = format!("{value:.places$}").replace('-', "−");
    match lang {
        Lang::Da => shown.replace('.', ","),
        Lang::En => shown,
    }
}

/// `count` of `of` as a percentage with one decimal in the reader's language ("12,5 %",
/// "12.5 %"); a dash when there is nothing to count.
pub fn percent(lang: Lang, count: u64, of: u64) -> String {
    let shown = casetrail_report::charts::percent(count, of);
    match lang {
        Lang::Da => shown,
        Lang::En => shown.replace(',', "."),
    }
}

/// Krippendorff's alpha with three decimals and the number of pairable values; "not
/// computed" where no unit has two values, "undefined" where the values do not vary.
pub fn alpha_text(lang: Lang, a: &Agreement) -> String {
    if a.pairable_units == 0 {
        return text(lang, "not_computed").to_owned();
    }
    match a.alpha {
        Some(alpha) => format!("{} (n = {})", decimal(lang, alpha, 3), a.pairable),
        None => text(lang, "alpha_undefined").to_owned(),
    }
}

/// The bootstrap interval of an alpha, or None where it says nothing (no alpha, or an
/// interval of one point because there is only one case or one way to resample).
pub fn interval_text(lang: Lang, a: &casetrail_app::QuestionAgreement) -> Option<String> {
    let (lo, hi) = a.interval?;
    (a.agreement.alpha.is_some() && a.agreement.pairable_units > 1 && (hi - lo).abs() >= 0.005)
        .then(|| format!("{} – {}", decimal(lang, lo, 2), decimal(lang, hi, 2)))
}

/// A code of one of the record's vocabularies (`kind`, `plan`, `plan_action`, `source`,
/// `event`, `priority`, `risk`, `role`, `sector`) as the reader's language names it; a code
/// without a text shows as it is (and the page test then fails on it).
pub fn vocab(lang: Lang, vocabulary: &str, code: &str) -> String {
    let key = format!("{vocabulary}_{code}");
    match crate::i18n::texts(lang).get(&key) {
        Some(text) => text.clone(),
        None => code.to_owned(),
    }
}

/// A text of the translation files with `{name}` placeholders filled in.
pub fn fill(lang: Lang, key: &str, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(text(lang, key).to_owned(), |t, (k, v)| {
        t.replace(&format!("{{{k}}}"), v)
    })
}

/// What day 0 of a timeline is, in the reader's language. The timeline states it in a fixed
/// Danish phrase that is part of its hashed content (so released versions keep their hash);
/// the page words it from that phrase.
pub fn day_zero(lang: Lang, index: &str) -> String {
    let said = index.strip_prefix("dag 0 = ").unwrap_or(index);
    match said {
        "første indlæggelse" => text(lang, "day0_first_admission").to_owned(),
        "første registrerede hændelse" => text(lang, "day0_first_event").to_owned(),
        other => other.to_owned(),
    }
}

/// A date policy as the reader's language names it.
pub fn policy_name(lang: Lang, policy: &str) -> String {
    match policy {
        "relative_days" => text(lang, "policy_relative").to_owned(),
        "shifted_weeks" => text(lang, "policy_shifted").to_owned(),
        other => other.to_owned(),
    }
}

/// A pathway entry in the reader's language, from its codes.
pub fn entry_summary(lang: Lang, detail: &casetrail_app::EntryDetail) -> String {
    use casetrail_app::EntryDetail::*;
    match detail {
        Contact {
            sector,
            kind,
            priority,
            unit,
            diagnoses,
            end,
        } => {
            let end = end.as_ref().map_or(String::new(), |e| format!(" → {e}"));
            format!(
                "{}: {} ({}, {}) {}{end}",
                sector_name(lang, sector),
                vocab(lang, "kind", kind),
                vocab(lang, "priority", priority),
                unit,
                diagnoses.join(" ")
            )
        }
        Admission {
            ward,
            priority,
            diagnosis,
        } => format!(
            "{} ({}, {diagnosis})",
            fill(lang, "summary_admitted", &[("ward", ward)]),
            vocab(lang, "priority", priority)
        ),
        Discharge { stay } => fill(lang, "summary_discharged", &[("stay", stay)]),
        Plan { plan, action } => format!(
            "{} {}",
            vocab(lang, "plan", plan),
            vocab(lang, "plan_action", action)
        ),
        Consent { given: true, scope } => fill(lang, "summary_consent_given", &[("scope", scope)]),
        Consent {
            given: false,
            scope,
        } => fill(lang, "summary_consent_withdrawn", &[("scope", scope)]),
        Material { source } => fill(
            lang,
            "summary_material",
            &[("source", &vocab(lang, "source", source))],
        ),
        Other => String::new(),
    }
}

/// An export file as the audit and quality pages offer it.
#[derive(Debug, serde::Serialize)]
pub struct ExportLink {
    pub file: &'static str,
    pub label: String,
}

/// Every export file, the Danish Excel variants named as such.
pub fn export_links(lang: Lang) -> Vec<ExportLink> {
    casetrail_app::EXPORT_FILES
        .iter()
        .map(|file| ExportLink {
            file,
            label: match file.ends_with("-da.csv") {
                true => format!("{file} ({})", text(lang, "export_csv_danish")),
                false => (*file).to_owned(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Day 0 is said once, in the reader's language: not "Dag 0: dag 0 = …".
    #[test]
    fn day_zero_is_worded_from_the_timelines_phrase() {
        let first = "dag 0 = første indlæggelse";
        assert_eq!(day_zero(Lang::Da, first), "første indlæggelse");
        assert_eq!(day_zero(Lang::En, first), "the first admission");
        let event = "dag 0 = første registrerede hændelse";
        assert_eq!(day_zero(Lang::En, event), "the first recorded event");
    }

    fn agreement(alpha: Option<f64>, pairable_units: usize) -> Agreement {
        Agreement {
            alpha,
            observed: 0.0,
            expected: 0.0,
            pairable: pairable_units * 2,
            pairable_units,
        }
    }

    #[test]
    fn numbers_read_in_the_readers_language_and_say_when_nothing_was_computed() {
        assert_eq!(decimal(Lang::Da, -0.0834, 3), "−0,083");
        assert_eq!(decimal(Lang::En, 0.5, 2), "0.50");
        let one_answer = agreement(None, 0);
        assert_eq!(alpha_text(Lang::Da, &one_answer), "ikke beregnet");
        assert_eq!(alpha_text(Lang::Da, &agreement(None, 3)), "udefineret");
        assert_eq!(
            alpha_text(Lang::Da, &agreement(Some(0.4121), 7)),
            "0,412 (n = 14)"
        );
        let with = |interval, a: Agreement| casetrail_app::QuestionAgreement {
            of: "efforts".into(),
            agreement: a,
            interval,
            distribution: Vec::new(),
        };
        let point = with(Some((-0.083, -0.083)), agreement(Some(-0.083), 1));
        assert_eq!(
            interval_text(Lang::Da, &point),
            None,
            "a one-point interval"
        );
        let real = with(Some((0.21, 0.66)), agreement(Some(0.41), 7));
        assert_eq!(interval_text(Lang::Da, &real).unwrap(), "0,21 – 0,66");
        assert_eq!(interval_text(Lang::En, &real).unwrap(), "0.21 – 0.66");
    }
}
