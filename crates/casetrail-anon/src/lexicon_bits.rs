// The bits stored per word form in the compiled lexicon: written by `build.rs`, read by
// `lexicon.rs`, both of which include this file.

/// An ordinary (lower-case) word form.
const WORD: u64 = 1;
/// A proper noun: a first name, a surname or a place (Hunspell flag 9).
const PROPRIUM: u64 = 2;
/// A place name: a proprium that takes Nord-/Syd- (flag 54).
const PLACE: u64 = 4;
/// May begin a compound (flag 32).
const BEGIN: u64 = 8;
/// May stand inside a compound (flag 33).
const MIDDLE: u64 = 16;
/// May end a compound (flag 34).
const END: u64 = 32;
/// A capitalised entry that is no proprium: an abbreviation ("FCK") or a lexicalised name
/// of a thing ("Weimarrepublik").
const CAPITAL: u64 = 64;
