//! Questionnaires as data: a small line format (docs/questionnaires.md) read into a checked
//! definition. A definition with an error is refused with the line and the problem.

use serde::Serialize;

/// Danish and English text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// The Danish text.
    pub da: String,
    /// The English text.
    pub en: String,
}

/// One step of a scale: its value and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The number stored with an answer.
    pub value: i64,
    /// What the step means ("Meget utilstrækkelig").
    pub label: Text,
}

/// An ordinal scale and its explicit "cannot be assessed" choice, which counts as missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scale {
    /// The id questions name the scale by.
    pub id: String,
    /// The steps, lowest first.
    pub steps: Vec<Step>,
    /// The label of the "cannot be assessed" choice.
    pub missing: Text,
}

/// Whether a question is answered for every case or once for the whole audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Asked {
    /// Once for each case the member's panel was given.
    PerCase,
    /// Once per audit (for example the member's overall view).
    PerAudit,
}

/// What an answer to the question is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One tick on the named scale.
    Rating {
        /// The scale's id.
        scale: String,
    },
    /// Free text.
    FreeText,
}

/// One question of the questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The question's id, stored with each answer.
    pub id: String,
    /// Rating or free text.
    pub kind: QuestionKind,
    /// Per case or per audit.
    pub asked: Asked,
    /// Whether an answer needs a justification.
    pub justification_required: bool,
    /// The question as the member reads it.
    pub text: Text,
}

/// A checked questionnaire definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Questionnaire {
    /// The questionnaire's id.
    pub id: String,
    /// Its version; an audit records both.
    pub version: u32,
    /// Its title.
    pub title: Text,
    /// The scales its questions use.
    pub scales: Vec<Scale>,
    /// The questions, in the order they are asked.
    pub questions: Vec<Question>,
}

impl Questionnaire {
    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The scale with this id.
    pub fn scale(&self, id: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.id == id)
    }
}

/// A definition refused, with the line and what is wrong there.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("line {line}: {problem}")]
pub struct DefinitionError {
    /// The line (1-based) the problem was found on.
    pub line: usize,
    /// The problem, in words.
    pub problem: String,
}

#[derive(Default)]
struct PartialText {
    da: Option<String>,
    en: Option<String>,
}

/// Reads `da: … | en: …` (both halves required).
fn bilingual(rest: &str) -> Result<Text, String> {
    let (da, en) = rest.split_once('|').ok_or("expected `da: … | en: …`")?;
    let da = da
        .trim()
        .strip_prefix("da:")
        .ok_or("expected `da:` first")?
        .trim();
    let en = en
        .trim()
        .strip_prefix("en:")
        .ok_or("expected `en:` after `|`")?
        .trim();
    if da.is_empty() || en.is_empty() {
        return Err("both the Danish and the English text are needed".into());
    }
    Ok(Text {
        da: da.to_owned(),
        en: en.to_owned(),
    })
}

enum Open {
    None,
    Scale(usize),
    Question(usize, PartialText),
}

fn finish_question(
    q: &mut Questionnaire,
    open: &mut Open,
    line: usize,
) -> Result<(), DefinitionError> {
    if let Open::Question(i, text) = std::mem::replace(open, Open::None) {
        let question = &mut q.questions[i];
        match (text.da, text.en) {
            (Some(da), Some(en)) => question.text = Text { da, en },
            _ => {
                return Err(DefinitionError {
                    line,
                    problem: format!(
                        "question {} needs a `da:` and an `en:` line before this point",
                        question.id
                    ),
                });
            }
        }
    }
    Ok(())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
}

/// Parses and checks a definition.
pub fn parse_questionnaire(text: &str) -> Result<Questionnaire, DefinitionError> {
    let mut q = Questionnaire {
        id: String::new(),
        version: 0,
        title: Text {
            da: String::new(),
            en: String::new(),
        },
        scales: Vec::new(),
        questions: Vec::new(),
    };
    let mut open = Open::None;
    let mut question_lines: Vec<usize> = Vec::new();
    let mut last = 0;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        last = line;
        let err = |problem: String| DefinitionError { line, problem };
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (word, rest) = l.split_once(' ').unwrap_or((l, ""));
        let rest = rest.trim();
        match word {
            "questionnaire" => {
                let parts: Vec<&str> = rest.split_whitespace().collect();
                match parts.as_slice() {
                    [id, "version", v] if valid_id(id) => {
                        q.id = (*id).to_owned();
                        q.version = v
                            .parse()
                            .map_err(|_| err(format!("version {v:?} is not a whole number")))?;
                    }
                    _ => return Err(err("expected `questionnaire ID version N`".into())),
                }
            }
            "title" => {
                let (lang, t) = rest
                    .split_once(':')
                    .ok_or_else(|| err("expected `title da: …`".into()))?;
                match lang.trim() {
                    "da" => q.title.da = t.trim().to_owned(),
                    "en" => q.title.en = t.trim().to_owned(),
                    other => return Err(err(format!("unknown language {other:?} (da or en)"))),
                }
            }
            "scale" => {
                finish_question(&mut q, &mut open, line)?;
                if !valid_id(rest) {
                    return Err(err(format!(
                        "{rest:?} is not a scale id (letters, digits, - and _)"
                    )));
                }
                if q.scale(rest).is_some() {
                    return Err(err(format!("scale {rest} is defined twice")));
                }
                q.scales.push(Scale {
                    id: rest.to_owned(),
                    steps: Vec::new(),
                    missing: Text {
                        da: String::new(),
                        en: String::new(),
                    },
                });
                open = Open::Scale(q.scales.len() - 1);
            }
            "step" | "missing" => {
                let Open::Scale(s) = open else {
                    return Err(err(format!("`{word}` belongs under a `scale` line")));
                };
                let scale = &mut q.scales[s];
                if word == "missing" {
                    scale.missing = bilingual(rest).map_err(&err)?;
                    continue;
                }
                let (value, labels) = rest
                    .split_once(' ')
                    .ok_or_else(|| err("expected `step N da: … | en: …`".into()))?;
                let value: i64 = value
                    .parse()
                    .map_err(|_| err(format!("step value {value:?} is not a whole number")))?;
                if scale.steps.last().is_some_and(|s| s.value >= value) {
                    return Err(err(format!(
                        "step {value} does not come after the step before it: steps go up"
                    )));
                }
                scale.steps.push(Step {
                    value,
                    label: bilingual(labels).map_err(&err)?,
                });
            }
            "question" => {
                finish_question(&mut q, &mut open, line)?;
                let parts: Vec<&str> = rest.split_whitespace().collect();
                let (id, kind, flags) = match parts.as_slice() {
                    [id, "rating", scale, flags @ ..] => (
                        *id,
                        QuestionKind::Rating {
                            scale: (*scale).to_owned(),
                        },
                        flags,
                    ),
                    [id, "text", flags @ ..] => (*id, QuestionKind::FreeText, flags),
                    _ => {
                        return Err(err(
                            "expected `question ID rating SCALE per-case|per-audit [justification-required]` or `question ID text per-case|per-audit`".into(),
                        ));
                    }
                };
                if !valid_id(id) {
                    return Err(err(format!("{id:?} is not a question id")));
                }
                if q.question(id).is_some() {
                    return Err(err(format!("question {id} is defined twice")));
                }
                if let QuestionKind::Rating { scale } = &kind
                    && q.scale(scale).is_none()
                {
                    return Err(err(format!(
                        "question {id} uses scale {scale}, which is not defined above it"
                    )));
                }
                let mut asked = None;
                let mut justification_required = false;
                for flag in flags.iter() {
                    match *flag {
                        "per-case" => asked = Some(Asked::PerCase),
                        "per-audit" => asked = Some(Asked::PerAudit),
                        "justification-required" => justification_required = true,
                        other => return Err(err(format!("unknown flag {other:?}"))),
                    }
                }
                let asked = asked
                    .ok_or_else(|| err(format!("question {id} must say per-case or per-audit")))?;
                q.questions.push(Question {
                    id: id.to_owned(),
                    kind,
                    asked,
                    justification_required,
                    text: Text {
                        da: String::new(),
                        en: String::new(),
                    },
                });
                question_lines.push(line);
                open = Open::Question(q.questions.len() - 1, PartialText::default());
            }
            "da:" | "en:" => {
                let Open::Question(_, partial) = &mut open else {
                    return Err(err(format!(
                        "`{word}` text belongs under a `question` line"
                    )));
                };
                let slot = if word == "da:" {
                    &mut partial.da
                } else {
                    &mut partial.en
                };
                if rest.is_empty() {
                    return Err(err("the question text is empty".into()));
                }
                *slot = Some(rest.to_owned());
            }
            other => return Err(err(format!("unknown keyword {other:?}"))),
        }
    }
    finish_question(&mut q, &mut open, last + 1)?;
    let at_end = |problem: String| DefinitionError {
        line: last,
        problem,
    };
    if q.id.is_empty() {
        return Err(DefinitionError {
            line: 1,
            problem: "the definition has no `questionnaire ID version N` line".into(),
        });
    }
    if q.title.da.is_empty() || q.title.en.is_empty() {
        return Err(at_end(
            "the title needs both a `title da:` and a `title en:` line".into(),
        ));
    }
    for s in &q.scales {
        if s.steps.len() < 2 {
            return Err(at_end(format!("scale {} needs at least two steps", s.id)));
        }
        if s.missing.da.is_empty() {
            return Err(at_end(format!(
                "scale {} needs a `missing` (cannot be assessed) line",
                s.id
            )));
        }
    }
    if q.questions.is_empty() {
        return Err(at_end("the questionnaire has no questions".into()));
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFACTUM: &str =
        include_str!("../../../fixtures/questionnaires/defactum-2019.questionnaire");

    #[test]
    fn the_defactum_questionnaire_reads() {
        let q = parse_questionnaire(DEFACTUM).unwrap();
        assert_eq!((q.id.as_str(), q.version), ("defactum-2019", 1));
        let per_case: Vec<&str> = q
            .questions
            .iter()
            .filter(|x| x.asked == Asked::PerCase)
            .map(|x| x.id.as_str())
            .collect();
        assert_eq!(per_case, ["efforts", "collaboration", "involvement"]);
        assert!(q.questions[..3].iter().all(|x| x.justification_required));
        assert_eq!(q.questions.len(), 5);
        assert_eq!(q.scales[0].steps.len(), 5);
        assert_eq!(q.scales[0].missing.da, "Kan ikke vurderes");
        assert!(q.questions[3].text.en.starts_with("Which kinds"));
    }

    fn problem(text: &str) -> (usize, String) {
        let e = parse_questionnaire(text).unwrap_err();
        (e.line, e.problem)
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        let head = "questionnaire x version 1\ntitle da: T\ntitle en: T\n";
        let (line, p) = problem(&format!(
            "{head}question q rating nope per-case\nda: a\nen: b\n"
        ));
        assert_eq!(line, 4);
        assert!(p.contains("scale nope, which is not defined"), "{p}");
        let (line, p) = problem(&format!(
            "{head}scale s\nstep 2 da: a | en: a\nstep 1 da: b | en: b\n"
        ));
        assert_eq!(line, 6);
        assert!(p.contains("steps go up"), "{p}");
        let (line, p) = problem(&format!(
            "{head}question q text per-case\nda: a\n\nscale s\n"
        ));
        assert_eq!(line, 7);
        assert!(p.contains("needs a `da:` and an `en:`"), "{p}");
        let (line, p) = problem(&format!("{head}question q text sometimes\n"));
        assert_eq!(line, 4);
        assert!(p.contains("unknown flag"), "{p}");
        let (_, p) = problem(&format!(
            "{head}scale s\nstep 1 da: a | en: a\nstep 2 da: b | en: b\nquestion q rating s per-case\nda: a\nen: b\n"
        ));
        assert!(p.contains("needs a `missing`"), "{p}");
        let (line, p) = problem("frobnicate\n");
        assert_eq!(line, 1);
        assert!(p.contains("unknown keyword"), "{p}");
    }
}
