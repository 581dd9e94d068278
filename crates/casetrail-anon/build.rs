//! Compiles Stavekontrolden's Danish Hunspell dictionary (Debian's `hunspell-da`, which
//! `scripts/setup` installs) into an `fst` map from every lower-cased word form to what the
//! dictionary says of it: an ordinary word, a proper noun (flag 9, "Proprium"), a place name
//! (flag 54, the names that take Nord-/Syd- prefixes), and whether the form may begin, continue
//! or end a compound. The dictionary is read here, at build time, so the crate stays pure: the
//! running code only looks words up in bytes compiled into it.
//!
//! Affixes are expanded the way Hunspell reads them: each suffix rule whose condition matches
//! the stem's end, one level of continuation suffixes, and cross-product prefixes. Compound
//! words are not listed; `lexicon.rs` splits them at run time.

use std::collections::HashMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};

include!("src/lexicon_bits.rs");

// Hunspell flags in da_DK.aff (`FLAG num`).
const F_PROPRIUM: u32 = 9;
const F_PLACE: u32 = 54;
const F_FORBIDDEN: u32 = 6;
const F_NEEDAFFIX: u32 = 8;
const F_BEGIN: u32 = 32;
const F_MIDDLE: u32 = 33;
const F_END: u32 = 34;
const F_ONLY_IN_COMPOUND: u32 = 36;

#[derive(Debug, Clone)]
enum Cond {
    Any,
    Char(char),
    Set(Vec<char>, bool),
}

impl Cond {
    fn matches(&self, c: char) -> bool {
        match self {
            Cond::Any => true,
            Cond::Char(x) => *x == c,
            Cond::Set(set, negated) => set.contains(&c) != *negated,
        }
    }
}

fn parse_condition(s: &str) -> Vec<Cond> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(Cond::Any),
            '[' => {
                let negated = chars.peek() == Some(&'^');
                if negated {
                    chars.next();
                }
                let mut set = Vec::new();
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    set.push(c);
                }
                out.push(Cond::Set(set, negated));
            }
            c => out.push(Cond::Char(c)),
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Rule {
    strip: Vec<char>,
    add: String,
    flags: Vec<u32>,
    condition: Vec<Cond>,
}

#[derive(Debug, Default)]
struct Group {
    prefix: bool,
    cross: bool,
    rules: Vec<Rule>,
}

fn flags_of(s: &str) -> Vec<u32> {
    s.split(',').filter_map(|f| f.trim().parse().ok()).collect()
}

fn parse_affixes(aff: &str) -> HashMap<u32, Group> {
    let mut groups: HashMap<u32, Group> = HashMap::new();
    for line in aff.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let prefix = match fields.first() {
            Some(&"PFX") => true,
            Some(&"SFX") => false,
            _ => continue,
        };
        let Some(flag) = fields.get(1).and_then(|f| f.parse::<u32>().ok()) else {
            continue;
        };
        let group = groups.entry(flag).or_default();
        group.prefix = prefix;
        // A header is `SFX flag Y|N count`; a rule `SFX flag strip add[/flags] condition`.
        if fields.len() == 4 && matches!(fields[2], "Y" | "N") && fields[3].parse::<u32>().is_ok() {
            group.cross = fields[2] == "Y";
            continue;
        }
        if fields.len() < 4 {
            continue;
        }
        let strip: Vec<char> = if fields[2] == "0" {
            Vec::new()
        } else {
            fields[2].chars().collect()
        };
        let (add, flags) = match fields[3].split_once('/') {
            Some((a, f)) => (a, flags_of(f)),
            None => (fields[3], Vec::new()),
        };
        let add = if add == "0" { "" } else { add }.to_string();
        group.rules.push(Rule {
            strip,
            add,
            flags,
            condition: parse_condition(fields.get(4).copied().unwrap_or(".")),
        });
    }
    groups
}

fn suffixed(word: &[char], rule: &Rule) -> Option<String> {
    let n = rule.condition.len();
    if word.len() < n || word.len() < rule.strip.len() || !word.ends_with(&rule.strip) {
        return None;
    }
    let tail = &word[word.len() - n..];
    if !rule
        .condition
        .iter()
        .zip(tail)
        .all(|(c, ch)| c.matches(*ch))
    {
        return None;
    }
    let kept: String = word[..word.len() - rule.strip.len()].iter().collect();
    Some(kept + &rule.add)
}

fn prefixed(word: &[char], rule: &Rule) -> Option<String> {
    let n = rule.condition.len();
    if word.len() < n || !word.starts_with(&rule.strip) {
        return None;
    }
    if !rule
        .condition
        .iter()
        .zip(word)
        .all(|(c, ch)| c.matches(*ch))
    {
        return None;
    }
    let kept: String = word[rule.strip.len()..].iter().collect();
    Some(rule.add.clone() + &kept)
}

/// What a form's flags say, as the stored bits (proprium and place come from the stem).
fn bits(flags: &[u32], stem_bits: u64) -> u64 {
    let mut b = stem_bits;
    if flags.contains(&F_BEGIN) {
        b |= BEGIN;
    }
    if flags.contains(&F_MIDDLE) {
        b |= MIDDLE;
    }
    if flags.contains(&F_END) {
        b |= END;
    }
    let standalone = !flags.contains(&F_ONLY_IN_COMPOUND) && !flags.contains(&F_NEEDAFFIX);
    if !standalone {
        b &= !(WORD | PROPRIUM | CAPITAL);
    }
    b
}

fn expand(dic: &str, groups: &HashMap<u32, Group>, out: &mut Vec<(String, u64)>) {
    let mut emit = |form: &str, b: u64| {
        if b != 0 && !form.is_empty() {
            out.push((form.to_lowercase(), b));
        }
    };
    for line in dic.lines().skip(1) {
        let entry = line.split(['\t', ' ']).next().unwrap_or("");
        let (stem, stem_flags) = match entry.split_once('/') {
            Some((s, f)) => (s, flags_of(f)),
            None => (entry, Vec::new()),
        };
        if stem.is_empty() || stem_flags.contains(&F_FORBIDDEN) {
            continue;
        }
        let capitalised = stem.chars().next().is_some_and(char::is_uppercase);
        let mut stem_bits = if stem_flags.contains(&F_PROPRIUM) {
            PROPRIUM
        } else if capitalised {
            CAPITAL
        } else {
            WORD
        };
        if stem_flags.contains(&F_PLACE) {
            stem_bits |= PLACE;
        }
        let chars: Vec<char> = stem.chars().collect();
        emit(stem, bits(&stem_flags, stem_bits));
        let prefixes: Vec<&Group> = stem_flags
            .iter()
            .filter_map(|f| groups.get(f))
            .filter(|g| g.prefix)
            .collect();
        for flag in &stem_flags {
            let Some(group) = groups.get(flag) else {
                continue;
            };
            if group.prefix {
                for rule in &group.rules {
                    if let Some(form) = prefixed(&chars, rule) {
                        emit(&form, bits(&rule.flags, stem_bits));
                    }
                }
                continue;
            }
            for rule in &group.rules {
                let Some(form) = suffixed(&chars, rule) else {
                    continue;
                };
                // Compound flags on the stem carry over to its inflected forms.
                let mut flags = rule.flags.clone();
                flags.extend(
                    stem_flags
                        .iter()
                        .filter(|f| matches!(**f, F_BEGIN | F_MIDDLE | F_END)),
                );
                emit(&form, bits(&flags, stem_bits));
                let form_chars: Vec<char> = form.chars().collect();
                if group.cross {
                    for p in prefixes.iter().filter(|p| p.cross) {
                        for pr in &p.rules {
                            if let Some(both) = prefixed(&form_chars, pr) {
                                emit(&both, bits(&flags, stem_bits));
                            }
                        }
                    }
                }
                // One level of continuation suffixes ("twofold" suffixes).
                for cont in &rule.flags {
                    let Some(g2) = groups.get(cont).filter(|g| !g.prefix) else {
                        continue;
                    };
                    for r2 in &g2.rules {
                        if let Some(form2) = suffixed(&form_chars, r2) {
                            emit(&form2, bits(&r2.flags, stem_bits));
                        }
                    }
                }
            }
        }
    }
}

fn dictionary_dir() -> PathBuf {
    if let Some(dir) = env::var_os("CASETRAIL_HUNSPELL_DIR") {
        return PathBuf::from(dir);
    }
    PathBuf::from("/usr/share/hunspell")
}

fn read(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| {
        panic!(
            "casetrail-anon needs Stavekontrolden's Danish Hunspell dictionary at {}: {e}. \
             Install Debian's hunspell-da (scripts/setup does), or set CASETRAIL_HUNSPELL_DIR \
             to the folder holding da_DK.aff and da_DK.dic.",
            path.display()
        )
    });
    String::from_utf8_lossy(&bytes).into_owned()
}

fn main() {
    println!("cargo:rerun-if-env-changed=CASETRAIL_HUNSPELL_DIR");
    let dir = dictionary_dir();
    let (aff_path, dic_path) = (dir.join("da_DK.aff"), dir.join("da_DK.dic"));
    println!("cargo:rerun-if-changed={}", aff_path.display());
    println!("cargo:rerun-if-changed={}", dic_path.display());
    let groups = parse_affixes(&read(&aff_path));
    let mut forms = Vec::with_capacity(2_000_000);
    expand(&read(&dic_path), &groups, &mut forms);
    forms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut builder = fst::MapBuilder::memory();
    let mut i = 0;
    while i < forms.len() {
        let mut b = forms[i].1;
        let mut j = i + 1;
        while j < forms.len() && forms[j].0 == forms[i].0 {
            b |= forms[j].1;
            j += 1;
        }
        builder
            .insert(forms[i].0.as_bytes(), b)
            .expect("sorted, distinct keys");
        i = j;
    }
    let bytes = builder.into_inner().expect("an in-memory fst");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("lexicon.fst"), bytes).expect("writing the lexicon into OUT_DIR");
}
