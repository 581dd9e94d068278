//! How values read on a page, in the reader's language: sectors, questions, answers,
//! agreement, moments and times. Every page formats through here, so a word changes in one
//! place.

use casetrail_app::{Agreement, Question, QuestionKind, Questionnaire, Value};

use crate::i18n::{Lang, text};

pub use casetrail_report::{utc, when};

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

/// Krippendorff's alpha with three decimals, or the word for undefined.
pub fn alpha_text(lang: Lang, a: &Agreement) -> String {
    match a.alpha {
        Some(alpha) => format!("{alpha:.3}"),
        None => text(lang, "alpha_undefined").to_owned(),
    }
}
