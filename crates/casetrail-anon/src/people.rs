//! Labels for people nobody registered, kept for one case: the same person becomes the same
//! `[Person N]` in every note, so a panel can still follow who did what. "Michael Brodersen",
//! later "Brodersen" and "Michael" are one person; numbers go by first mention.

/// The people met so far in one case's text.
#[derive(Debug, Clone, Default)]
pub(crate) struct People {
    /// Each person's name parts, lower-cased, without a genitive `s`; index + 1 is the number.
    known: Vec<Vec<String>>,
}

fn parts(name: &str) -> Vec<String> {
    name.split(|c: char| !(c.is_alphabetic() || c == '-'))
        .filter(|p| p.chars().count() >= 2)
        .map(|p| {
            let lower = p.to_lowercase();
            match lower.strip_suffix('s') {
                Some(stem) if stem.chars().count() >= 3 => stem.to_owned(),
                _ => lower,
            }
        })
        .collect()
}

impl People {
    /// The label of the person named `name`, a new one on first mention.
    pub fn label(&mut self, name: &str) -> String {
        let mine = parts(name);
        if mine.is_empty() {
            return "[NAVN]".into();
        }
        let same = |theirs: &Vec<String>| {
            *theirs == mine
                || mine.len() == 1 && theirs.contains(&mine[0])
                || theirs.len() == 1 && mine.contains(&theirs[0])
        };
        let index = match self.known.iter().position(same) {
            Some(i) => {
                if mine.len() > self.known[i].len() {
                    self.known[i] = mine;
                }
                i
            }
            None => {
                self.known.push(mine);
                self.known.len() - 1
            }
        };
        format!("[Person {}]", index + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_person_one_label_through_the_case() {
        let mut p = People::default();
        assert_eq!(p.label("Michael Brodersen"), "[Person 1]");
        assert_eq!(p.label("Stig Olsen"), "[Person 2]");
        assert_eq!(p.label("Brodersens"), "[Person 1]");
        assert_eq!(p.label("Stig"), "[Person 2]");
        assert_eq!(p.label("Hanne"), "[Person 3]");
        assert_eq!(p.label("Hanne Juul"), "[Person 3]");
    }
}
