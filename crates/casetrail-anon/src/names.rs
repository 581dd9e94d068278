//! People known to the case, found in text by name.

/// A person or place known to the case, and the label that stands for it in redacted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownName {
    /// As registered: "Karen Holm", "Botilbuddet Engvej".
    pub name: String,
    /// What replaces it: "[Mor]", "[Botilbud A]", "[NAVN]".
    pub label: String,
    /// A person's first name and surname are also written alone; an institution's name is
    /// only found whole ("Randers Kommune" does not make every "Kommune" a name).
    pub parts: bool,
}

impl KnownName {
    /// A person: found whole, and by each part of the name alone.
    pub fn new(name: impl Into<String>, label: impl Into<String>) -> Self {
        KnownName {
            name: name.into(),
            label: label.into(),
            parts: true,
        }
    }

    /// An institution, ward, town or other term: found only whole.
    pub fn place(name: impl Into<String>, label: impl Into<String>) -> Self {
        KnownName {
            name: name.into(),
            label: label.into(),
            parts: false,
        }
    }
}

/// Every written form of the known names: the whole name, each part alone (first names and
/// surnames are written alone), longest first, so "Karen Holm" wins over "Karen".
#[derive(Debug, Clone, Default)]
pub(crate) struct NameMatcher {
    /// Lower-cased form, label, and whether it is a person (else a place).
    forms: Vec<(Vec<char>, String, bool)>,
}

fn lower(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

fn is_letter(c: char) -> bool {
    c.is_alphanumeric()
}

impl NameMatcher {
    pub fn new(known: &[KnownName]) -> Self {
        let mut forms = Vec::new();
        for person in known {
            let whole = person.name.trim();
            if whole.is_empty() {
                continue;
            }
            forms.push((lower(whole), person.label.clone(), person.parts));
            if !person.parts {
                continue;
            }
            for part in whole.split_whitespace().filter(|p| p.chars().count() >= 2) {
                forms.push((lower(part), person.label.clone(), true));
            }
        }
        forms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        forms.dedup_by(|a, b| a.0 == b.0);
        NameMatcher { forms }
    }

    /// A known name starting at byte `at` (a word start), ending at a word end, in any letter
    /// case, with or without the genitive `s`: its end, its label, and whether it is a person.
    pub fn at<'a>(&'a self, text: &str, at: usize) -> Option<(usize, &'a str, bool)> {
        let rest = &text[at..];
        'form: for (form, label, person) in &self.forms {
            let mut chars = rest.char_indices();
            let mut end = 0;
            for want in form {
                let Some((i, c)) = chars.next() else {
                    continue 'form;
                };
                let mut lowered = c.to_lowercase();
                if lowered.next() != Some(*want) || lowered.next().is_some() {
                    continue 'form;
                }
                end = i + c.len_utf8();
            }
            let mut next = rest[end..].chars();
            match next.next() {
                Some('s' | 'S') if !next.next().is_some_and(is_letter) => {
                    return Some((at + end + 1, label, *person));
                }
                Some(c) if is_letter(c) => continue,
                _ => return Some((at + end, label, *person)),
            }
        }
        None
    }
}
